// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {AggregatorV3Interface} from "../interfaces/AggregatorV3Interface.sol";
import {ILRTPriceFeed} from "../interfaces/ILRTPriceFeed.sol";
import {IRateSource} from "../interfaces/IRateSource.sol";
import {OracleMathLib} from "../libraries/OracleMathLib.sol";

/// @title LRTPriceFeed
/// @notice See {ILRTPriceFeed}. Not upgradeable, on purpose: a money market lists the feed's address after reviewing
/// its code, and the source is immutable; what the admin can change (the snapshot, the growth bound) is bounded so
/// that it can only lower the cap or keep it on its line. A new formula means a new feed that the money market's own
/// governance adopts (docs/oracle.md, "The money-market feed").
contract LRTPriceFeed is AccessControl, ILRTPriceFeed {
    bytes32 public constant FEED_ADMIN_ROLE = keccak256("FEED_ADMIN_ROLE");

    uint256 public constant MAX_YEARLY_GROWTH_BPS = 2_000;

    uint8 private constant DECIMALS = 18;
    uint256 private constant VERSION = 1;

    IRateSource private immutable _source;
    string private _description;

    uint128 private _snapshotRate;
    uint40 private _snapshotAt;
    uint16 private _maxYearlyGrowthBps;

    /// @param source_ The rate source (the LRT).
    /// @param admin Gets DEFAULT_ADMIN_ROLE and FEED_ADMIN_ROLE.
    /// @param description_ What the feed prices, e.g. "rstETH / ETH".
    /// @param snapshotRate The first snapshot, in (0, source.getRate()].
    /// @param maxYearlyGrowthBps_ The yearly growth bound, at most MAX_YEARLY_GROWTH_BPS.
    constructor(
        IRateSource source_,
        address admin,
        string memory description_,
        uint256 snapshotRate,
        uint256 maxYearlyGrowthBps_
    ) {
        if (address(source_) == address(0) || admin == address(0)) revert ZeroAddress();
        _source = source_;
        _description = description_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(FEED_ADMIN_ROLE, admin);
        _setMaxYearlyGrowth(maxYearlyGrowthBps_);
        uint256 rate = source_.getRate();
        if (snapshotRate == 0 || snapshotRate > rate) revert SnapshotOutOfBounds(snapshotRate, rate);
        _setSnapshot(snapshotRate);
    }

    /* ADMIN */

    /// @inheritdoc ILRTPriceFeed
    function setSnapshot(uint256 snapshotRate) external onlyRole(FEED_ADMIN_ROLE) {
        uint256 answer = _answer();
        if (snapshotRate == 0 || snapshotRate > answer) revert SnapshotOutOfBounds(snapshotRate, answer);
        _setSnapshot(snapshotRate);
    }

    /// @inheritdoc ILRTPriceFeed
    function setMaxYearlyGrowth(uint256 maxYearlyGrowthBps_) external onlyRole(FEED_ADMIN_ROLE) {
        uint256 answer = _answer();
        if (answer == 0) revert SnapshotOutOfBounds(answer, answer);
        _setSnapshot(answer);
        _setMaxYearlyGrowth(maxYearlyGrowthBps_);
    }

    /* AGGREGATOR V3 */

    /// @inheritdoc AggregatorV3Interface
    function decimals() external pure returns (uint8) {
        return DECIMALS;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view returns (string memory) {
        return _description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc AggregatorV3Interface
    /// @dev The feed keeps no history: only the current round, `block.timestamp`, has data; any other reverts
    /// RoundNotAvailable (as a Chainlink aggregator reverts for a round it does not have).
    function getRoundData(uint80 requestedRoundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        uint80 current = uint80(block.timestamp);
        if (requestedRoundId != current) revert RoundNotAvailable(requestedRoundId, current);
        return _roundData();
    }

    /// @inheritdoc AggregatorV3Interface
    /// @dev roundId = answeredInRound = block.timestamp; startedAt = updatedAt = block.timestamp: the answer is
    /// computed now from the source, which reverts rather than report a rate built on a stale price.
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return _roundData();
    }

    /* VIEWS */

    /// @inheritdoc ILRTPriceFeed
    function source() external view returns (IRateSource) {
        return _source;
    }

    /// @inheritdoc ILRTPriceFeed
    function capRate() public view returns (uint256) {
        return OracleMathLib.cappedRateDown(_snapshotRate, _maxYearlyGrowthBps, block.timestamp - _snapshotAt);
    }

    /// @inheritdoc ILRTPriceFeed
    function isCapped() external view returns (bool) {
        return _source.getRate() > capRate();
    }

    /// @inheritdoc ILRTPriceFeed
    function snapshot() external view returns (uint256 snapshotRate, uint256 snapshotAt) {
        return (_snapshotRate, _snapshotAt);
    }

    /// @inheritdoc ILRTPriceFeed
    function maxYearlyGrowthBps() external view returns (uint256) {
        return _maxYearlyGrowthBps;
    }

    /* INTERNAL */

    function _answer() private view returns (uint256) {
        uint256 rate = _source.getRate();
        uint256 cap = capRate();
        return rate < cap ? rate : cap;
    }

    function _roundData() private view returns (uint80, int256, uint256, uint256, uint80) {
        uint80 roundId = uint80(block.timestamp);
        return (roundId, SafeCast.toInt256(_answer()), block.timestamp, block.timestamp, roundId);
    }

    function _setSnapshot(uint256 snapshotRate) private {
        _snapshotRate = SafeCast.toUint128(snapshotRate);
        _snapshotAt = uint40(block.timestamp);
        emit SnapshotSet(msg.sender, snapshotRate, block.timestamp);
    }

    function _setMaxYearlyGrowth(uint256 growthBps) private {
        if (growthBps > MAX_YEARLY_GROWTH_BPS) revert MaxYearlyGrowthTooHigh(growthBps, MAX_YEARLY_GROWTH_BPS);
        _maxYearlyGrowthBps = uint16(growthBps);
        emit MaxYearlyGrowthSet(msg.sender, growthBps);
    }
}
