// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRETHLike} from "../../interfaces/ILiquidStakingTokens.sol";
import {IRateAdapter} from "../../interfaces/IRateAdapter.sol";

/// @title RETHRateAdapter
/// @notice See {IRateAdapter}. The rate of an rETH-like token is its `getExchangeRate()`, ETH per rETH.
contract RETHRateAdapter is IRateAdapter {
    address private immutable _asset;

    /// @param rETH The rETH-like token.
    constructor(address rETH) {
        _asset = rETH;
    }

    /// @inheritdoc IRateAdapter
    function asset() external view returns (address) {
        return _asset;
    }

    /// @inheritdoc IRateAdapter
    function getRate() external view returns (uint256) {
        return IRETHLike(_asset).getExchangeRate();
    }
}
