// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IWstETHLike} from "../../interfaces/ILiquidStakingTokens.sol";
import {IRateAdapter} from "../../interfaces/IRateAdapter.sol";

/// @title WstETHRateAdapter
/// @notice See {IRateAdapter}. The rate of a wstETH-like token is its `stEthPerToken()`: stETH is taken as 1:1 with
/// ETH (the protocol's redemption value; docs/oracle.md, "Adapters").
contract WstETHRateAdapter is IRateAdapter {
    address private immutable _asset;

    /// @param wstETH The wstETH-like token.
    constructor(address wstETH) {
        _asset = wstETH;
    }

    /// @inheritdoc IRateAdapter
    function asset() external view returns (address) {
        return _asset;
    }

    /// @inheritdoc IRateAdapter
    function getRate() external view returns (uint256) {
        return IWstETHLike(_asset).stEthPerToken();
    }
}
