// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title OracleMathLib
/// @notice The arithmetic of the LRT oracle and the LRT price feed (docs/oracle.md). Prices round down: an asset is
/// never valued above what its adapter reports, and collateral never above the cap.
library OracleMathLib {
    /// @dev 100% in basis points.
    uint256 internal constant BPS = 10_000;
    /// @dev The unit of an adapter's rate: ETH wei per 1e18 units of the asset.
    uint256 internal constant RATE_UNIT = 1e18;
    /// @dev The year of the feed's yearly growth bound.
    uint256 internal constant YEAR = 365 days;

    /// @dev The price of one whole token (10 ** decimals units) from a rate per 1e18 units, rounded down, saturating at
    /// type(uint256).max instead of overflowing (an asset of more than 18 decimals and an absurd rate): callers refuse
    /// or clamp a price that large rather than revert with a panic. For an 18-decimal asset the price is the rate.
    function toWholeTokenPriceDown(uint256 rate, uint8 decimals) internal pure returns (uint256) {
        if (decimals <= 18) return rate / 10 ** (18 - decimals);
        uint256 scale = 10 ** (decimals - 18);
        return rate > type(uint256).max / scale ? type(uint256).max : rate * scale;
    }

    /// @dev Whether `newPrice` moves more than `maxMoveBps` away from `oldPrice`: |new - old| * 1e4 > old * maxMoveBps
    /// (a move of exactly the bound is allowed; both sides are exact, nothing rounds).
    function exceedsMove(uint256 oldPrice, uint256 newPrice, uint256 maxMoveBps) internal pure returns (bool) {
        uint256 move = newPrice > oldPrice ? newPrice - oldPrice : oldPrice - newPrice;
        return move * BPS > oldPrice * maxMoveBps;
    }

    /// @dev The lowest and highest prices within `maxMoveBps` of `oldPrice` (the floor rounded up, the ceiling down:
    /// both pass `exceedsMove`).
    function moveBounds(uint256 oldPrice, uint256 maxMoveBps) internal pure returns (uint256 floor, uint256 ceiling) {
        uint256 move = Math.mulDiv(oldPrice, maxMoveBps, BPS);
        (floor, ceiling) = (oldPrice - move, oldPrice + move);
    }

    /// @dev The cap `elapsed` seconds after a snapshot: snapshot * (1 + growthBps / 1e4 * elapsed / YEAR), the growth
    /// term rounded down (the cap is never above the line).
    function cappedRateDown(uint256 snapshotRate, uint256 growthBps, uint256 elapsed) internal pure returns (uint256) {
        return snapshotRate + Math.mulDiv(snapshotRate, growthBps * elapsed, BPS * YEAR);
    }
}
