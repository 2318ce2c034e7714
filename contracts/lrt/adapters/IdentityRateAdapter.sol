// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRateAdapter} from "../../interfaces/IRateAdapter.sol";

/// @title IdentityRateAdapter
/// @notice See {IRateAdapter}. A fixed rate of 1e18 (one unit, one wei: 1e18 units are 1 ETH), for WETH-like assets
/// redeemable 1:1 for ETH.
contract IdentityRateAdapter is IRateAdapter {
    uint256 private constant ONE = 1e18;

    address private immutable _asset;

    /// @param asset_ The WETH-like asset.
    constructor(address asset_) {
        _asset = asset_;
    }

    /// @inheritdoc IRateAdapter
    function asset() external view returns (address) {
        return _asset;
    }

    /// @inheritdoc IRateAdapter
    function getRate() external pure returns (uint256) {
        return ONE;
    }
}
