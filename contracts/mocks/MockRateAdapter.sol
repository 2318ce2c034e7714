// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRateAdapter} from "../interfaces/IRateAdapter.sol";

/// @notice A settable IRateAdapter for any asset (e.g. one of more than 18 decimals), for the oracle's edge tests.
contract MockRateAdapter is IRateAdapter {
    address public immutable asset;
    uint256 public getRate;

    constructor(address asset_, uint256 rate) {
        asset = asset_;
        getRate = rate;
    }

    function setRate(uint256 rate) external {
        getRate = rate;
    }
}
