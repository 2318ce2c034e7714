// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRateSource} from "../interfaces/IRateSource.sol";

/// @notice A settable IRateSource standing in for the LRT's `getRate()`; `setReverts` makes it fail.
contract MockRateSource is IRateSource {
    error SourceDown();

    uint256 private _rate;
    bool public reverts;

    constructor(uint256 rate) {
        _rate = rate;
    }

    function setRate(uint256 rate) external {
        _rate = rate;
    }

    function setReverts(bool value) external {
        reverts = value;
    }

    function getRate() external view returns (uint256) {
        if (reverts) revert SourceDown();
        return _rate;
    }
}
