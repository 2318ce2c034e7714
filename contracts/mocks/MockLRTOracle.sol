// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILRTOracle} from "../interfaces/ILRTOracle.sol";

/// @notice A settable price source with ILRTOracle's `price` for the LRT's unit tests: `setPrice(asset, price)`; an
/// unset asset reverts UnknownAsset. The real oracle (LRTOracle) is tested on its own and with the LRT.
contract MockLRTOracle {
    mapping(address asset => uint256) private _prices;

    function setPrice(address asset, uint256 price_) external {
        _prices[asset] = price_;
    }

    function price(address asset) external view returns (uint256) {
        uint256 p = _prices[asset];
        if (p == 0) revert ILRTOracle.UnknownAsset(asset);
        return p;
    }
}
