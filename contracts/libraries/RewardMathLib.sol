// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title RewardMathLib
/// @notice Reward streaming math (docs/rewards.md derives it).
/// - A stream's `rate` is reward tokens per second times RATE_SCALE.
/// - A pool's `timePerShare` G grows by `elapsed * TPS_SCALE / activeShares` at every update: one value for every
///   stream of the pool, so an update writes one slot whatever the number of streams.
/// - A stream's reward per share (times RPS_SCALE) is `rate * G / G_DIVISOR - offset`; `offset` is reset whenever the
///   rate changes so that the reward per share is continuous.
/// - A staker's pending rewards in a stream are `shares * rewardPerShare / RPS_SCALE - debt`.
/// Every rounding goes against the staker, so the sum of what stakers can claim never exceeds what was streamed.
library RewardMathLib {
    using SafeCast for uint256;
    using SafeCast for int256;

    uint256 internal constant RATE_SCALE = 1e18;
    uint256 internal constant TPS_SCALE = 1e54;
    uint256 internal constant RPS_SCALE = 1e36;
    /// @dev RATE_SCALE * TPS_SCALE / RPS_SCALE: turns rate * G into a reward per share at RPS_SCALE.
    uint256 internal constant G_DIVISOR = 1e36;

    /// @dev Time per share added over `elapsed` seconds. Rounds down, so rewards per share never run ahead of time.
    function timePerShareDown(uint256 elapsed, uint256 activeShares) internal pure returns (uint256) {
        return mulDivDown(elapsed, TPS_SCALE, activeShares);
    }

    /// @dev The stream's reward per share at time-per-share `g`. Rounds down.
    function rewardPerShareDown(uint256 rate, uint256 g, int256 offset) internal pure returns (uint256) {
        return (mulDivDown(rate, g, G_DIVISOR).toInt256() - offset).toUint256();
    }

    /// @dev The offset that makes the reward per share of a stream at `rate` equal `rewardPerShare` at `g`.
    function offsetFor(uint256 rate, uint256 g, uint256 rewardPerShare) internal pure returns (int256) {
        return mulDivDown(rate, g, G_DIVISOR).toInt256() - rewardPerShare.toInt256();
    }

    /// @dev Pending rewards of `shares` at `rewardPerShare` against `debt`; never negative. Rounds down.
    function pendingDown(uint256 shares, uint256 rewardPerShare, int256 debt) internal pure returns (uint256) {
        int256 pending = mulDivDown(shares, rewardPerShare, RPS_SCALE).toInt256() - debt;
        return pending > 0 ? uint256(pending) : 0;
    }

    /// @dev The debt that leaves `pending` for `shares` at `rewardPerShare`. Rounds the share value up so that the
    /// next `pendingDown` never exceeds `pending` plus what accrues after now.
    function debtUp(uint256 shares, uint256 rewardPerShare, uint256 pending) internal pure returns (int256) {
        uint256 value = mulDivUp(shares, rewardPerShare, RPS_SCALE);
        return value.toInt256() - pending.toInt256();
    }

    /// @dev What a claim settles: the pending rewards of `shares` at `rewardPerShare` against `debt`, rounded down and
    /// never negative (`pendingDown`), and the debt that leaves nothing pending, the share value rounded up
    /// (`debtUp(shares, rewardPerShare, 0)`), from one product.
    function pendingDownDebtUp(
        uint256 shares,
        uint256 rewardPerShare,
        int256 debt
    ) internal pure returns (uint256 pending, int256 debtAfter) {
        uint256 down;
        bool inexact;
        unchecked {
            uint256 p = shares * rewardPerShare;
            if (shares == 0 || p / shares == rewardPerShare) {
                down = p / RPS_SCALE;
                inexact = p % RPS_SCALE != 0;
            } else {
                down = Math.mulDiv(shares, rewardPerShare, RPS_SCALE);
                inexact = mulmod(shares, rewardPerShare, RPS_SCALE) != 0;
            }
        }
        int256 value = down.toInt256();
        int256 p_ = value - debt;
        pending = p_ > 0 ? uint256(p_) : 0;
        // Checked: reverts exactly where debtUp's toInt256 of the rounded-up value would.
        debtAfter = inexact ? value + 1 : value;
    }

    /// @dev a * b / c rounded down; the 512-bit path only when a * b overflows.
    function mulDivDown(uint256 a, uint256 b, uint256 c) internal pure returns (uint256) {
        unchecked {
            uint256 p = a * b;
            if (a == 0 || p / a == b) return p / c;
        }
        return Math.mulDiv(a, b, c);
    }

    /// @dev a * b / c rounded up; the 512-bit path only when a * b overflows.
    function mulDivUp(uint256 a, uint256 b, uint256 c) internal pure returns (uint256) {
        unchecked {
            uint256 p = a * b;
            if (a == 0 || p / a == b) return p == 0 ? 0 : (p - 1) / c + 1;
        }
        return Math.mulDiv(a, b, c, Math.Rounding.Ceil);
    }
}
