// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "./AggregatorV3Interface.sol";
import {IRateSource} from "./IRateSource.sol";

/// @title ILRTPriceFeed
/// @notice The LRT's price in ETH for money markets, as a Chainlink AggregatorV3Interface (18 decimals) whose answer
/// is the source rate capped by a line that grows from a snapshot at no more than `maxYearlyGrowthBps` a year:
/// `answer = min(source.getRate(), snapshotRate * (1 + maxYearlyGrowthBps / 1e4 * (now - snapshotAt) / 365 days))`
/// (docs/oracle.md, "The money-market feed"). A donation or oracle fault that lifts the source cannot lift the answer
/// above the cap. The feed keeps no history: the one round is the current block, `roundId = block.timestamp`.
interface ILRTPriceFeed is AggregatorV3Interface {
    /// @notice The zero address was given where one is required.
    error ZeroAddress();
    /// @notice The snapshot rate is zero, or above `maxRate` (the feed's current answer).
    error SnapshotOutOfBounds(uint256 snapshotRate, uint256 maxRate);
    /// @notice The yearly growth bound is above `max` basis points.
    error MaxYearlyGrowthTooHigh(uint256 maxYearlyGrowthBps, uint256 max);
    /// @notice The feed keeps no history: only the current round (`block.timestamp`) can be read.
    error RoundNotAvailable(uint80 roundId, uint80 currentRoundId);

    /// @notice The cap's snapshot changed.
    /// @param account The feed admin that set it (the deployer at construction).
    /// @param snapshotRate The rate the cap grows from.
    /// @param snapshotAt When the cap starts growing from it.
    event SnapshotSet(address indexed account, uint256 snapshotRate, uint256 snapshotAt);
    /// @notice The cap's yearly growth bound changed.
    /// @param account The feed admin that set it (the deployer at construction).
    /// @param maxYearlyGrowthBps Basis points a year.
    event MaxYearlyGrowthSet(address indexed account, uint256 maxYearlyGrowthBps);

    /// @notice Moves the cap's snapshot to `snapshotRate` at the current time. The new snapshot may not exceed the
    /// current answer, so the cap never jumps above the line it was on. Role: FEED_ADMIN_ROLE.
    /// @param snapshotRate The new snapshot, in (0, latest answer].
    function setSnapshot(uint256 snapshotRate) external;

    /// @notice Sets the cap's yearly growth bound. The snapshot first moves to the current answer at the current time,
    /// so a higher growth applies from now on and never lifts the cap retroactively. Role: FEED_ADMIN_ROLE.
    /// @param maxYearlyGrowthBps Basis points a year, at most MAX_YEARLY_GROWTH_BPS.
    function setMaxYearlyGrowth(uint256 maxYearlyGrowthBps) external;

    /// @notice The rate source (the LRT).
    /// @return The source.
    function source() external view returns (IRateSource);

    /// @notice The cap now: `snapshotRate * (1 + maxYearlyGrowthBps * (now - snapshotAt) / (1e4 * 365 days))`,
    /// rounded down.
    /// @return The cap, ETH wei per 1e18 LRT.
    function capRate() external view returns (uint256);

    /// @notice Whether the source rate is above the cap now (the answer is the cap).
    /// @return True when capped.
    function isCapped() external view returns (bool);

    /// @notice The cap's snapshot.
    /// @return snapshotRate The rate the cap grows from.
    /// @return snapshotAt When it started growing.
    function snapshot() external view returns (uint256 snapshotRate, uint256 snapshotAt);

    /// @notice The cap's yearly growth bound.
    /// @return Basis points a year.
    function maxYearlyGrowthBps() external view returns (uint256);
}
