// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRateSource
/// @notice A token's exchange rate in ETH, as the liquid restaking token exposes it (`getRate()`, the AMM
/// rate-provider face) and LRTPriceFeed reads it (docs/oracle.md, "The money-market feed").
interface IRateSource {
    /// @notice The ETH value, in wei, of 1e18 units of the token.
    /// @return The rate.
    function getRate() external view returns (uint256);
}
