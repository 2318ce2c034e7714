// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockERC20} from "./MockERC20.sol";

/// @notice An rETH stand-in: an 18-decimal ERC-20 with permit, an open mint and a settable `getExchangeRate`
/// (starts at 1e18).
contract MockRETH is MockERC20 {
    uint256 private _exchangeRate = 1e18;

    event ExchangeRateSet(uint256 exchangeRate);

    constructor() MockERC20("Mock Rocket Pool ETH", "rETH", 18) {}

    function setExchangeRate(uint256 rate) external {
        _exchangeRate = rate;
        emit ExchangeRateSet(rate);
    }

    function getExchangeRate() external view returns (uint256) {
        return _exchangeRate;
    }
}
