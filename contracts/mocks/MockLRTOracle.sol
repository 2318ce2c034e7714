// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILRTOracle} from "../interfaces/ILRTOracle.sol";

/// @notice A settable price source with ILRTOracle's `price` and `priceRange` for the LRT's unit tests:
/// `setPrice(asset, price)` stores a price, `setLivePrice(asset, price)` sets what its adapter would report now (0: the
/// stored price); an unset asset reverts UnknownAsset. The real oracle (LRTOracle) is tested on its own and with the LRT.
contract MockLRTOracle {
    mapping(address asset => uint256) private _prices;
    mapping(address asset => uint256) private _live;

    function setPrice(address asset, uint256 price_) external {
        _prices[asset] = price_;
    }

    function setLivePrice(address asset, uint256 price_) external {
        _live[asset] = price_;
    }

    function priceRange(address asset) external view returns (uint256 low, uint256 high) {
        uint256 p = _prices[asset];
        if (p == 0) revert ILRTOracle.UnknownAsset(asset);
        uint256 live = _live[asset];
        if (live == 0) live = p;
        (low, high) = live < p ? (live, p) : (p, live);
    }

    function price(address asset) external view returns (uint256) {
        uint256 p = _prices[asset];
        if (p == 0) revert ILRTOracle.UnknownAsset(asset);
        return p;
    }
}
