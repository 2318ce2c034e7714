// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILRTOracle} from "../interfaces/ILRTOracle.sol";

/// @notice A settable ILRTOracle for tests: `setPrice(asset, price)`; an unset asset reverts UnknownAsset.
contract MockLRTOracle is ILRTOracle {
    mapping(address asset => uint256) private _prices;

    function setPrice(address asset, uint256 price_) external {
        _prices[asset] = price_;
    }

    function price(address asset) external view returns (uint256) {
        uint256 p = _prices[asset];
        if (p == 0) revert UnknownAsset(asset);
        return p;
    }
}
