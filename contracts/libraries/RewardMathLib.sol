// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title RewardMathLib
/// @notice Reward streaming math. A stream's `rate` is tokens per second times RATE_SCALE; a pool's reward per
/// share is tokens per share times RPS_SCALE. A staker's pending rewards in a stream are
/// `shares * rewardPerShare / RPS_SCALE - debt`. Every rounding goes against the staker, so the sum of what stakers
/// can claim never exceeds what was streamed.
library RewardMathLib {
    using SafeCast for uint256;

    uint256 internal constant RATE_SCALE = 1e18;
    uint256 internal constant RPS_SCALE = 1e36;

    /// @dev Reward per share added by `rate` over `elapsed` seconds. Keeps activeShares * result <= streamed amount.
    function rewardPerShareDown(uint256 rate, uint256 elapsed, uint256 activeShares) internal pure returns (uint256) {
        return Math.mulDiv(rate * elapsed, RPS_SCALE / RATE_SCALE, activeShares);
    }

    /// @dev Pending rewards of `shares` at `rewardPerShare` against `debt`; never negative.
    function pendingDown(uint256 shares, uint256 rewardPerShare, int256 debt) internal pure returns (uint256) {
        int256 pending = Math.mulDiv(shares, rewardPerShare, RPS_SCALE).toInt256() - debt;
        return pending > 0 ? uint256(pending) : 0;
    }

    /// @dev The debt that leaves `pending` for `shares` at `rewardPerShare`. Rounds the share value up so that the
    /// next `pendingDown` never exceeds `pending` plus what accrues after now.
    function debtUp(uint256 shares, uint256 rewardPerShare, uint256 pending) internal pure returns (int256) {
        return Math.mulDiv(shares, rewardPerShare, RPS_SCALE, Math.Rounding.Ceil).toInt256() - pending.toInt256();
    }
}
