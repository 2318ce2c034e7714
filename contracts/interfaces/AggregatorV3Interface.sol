// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title AggregatorV3Interface
/// @notice Chainlink's price feed interface, as money markets read it (declared here: the protocol does not depend
/// on Chainlink's package). `answer` has `decimals()` decimals; `updatedAt` is when it was computed.
// solhint-disable-next-line interface-starts-with-i
interface AggregatorV3Interface {
    /// @notice The number of decimals of `answer`.
    /// @return The decimals.
    function decimals() external view returns (uint8);

    /// @notice What the feed prices, e.g. "LRT / ETH".
    /// @return The description.
    function description() external view returns (string memory);

    /// @notice The version of the feed's implementation.
    /// @return The version.
    function version() external view returns (uint256);

    /// @notice The data of round `requestedRoundId`.
    /// @param requestedRoundId The round.
    /// @return roundId The round.
    /// @return answer The price.
    /// @return startedAt When the round started.
    /// @return updatedAt When the answer was computed.
    /// @return answeredInRound The round in which the answer was computed.
    function getRoundData(
        uint80 requestedRoundId
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The data of the latest round.
    /// @return roundId The round.
    /// @return answer The price.
    /// @return startedAt When the round started.
    /// @return updatedAt When the answer was computed.
    /// @return answeredInRound The round in which the answer was computed.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
