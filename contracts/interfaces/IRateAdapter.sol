// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRateAdapter
/// @notice Reads the exchange rate of one liquid staking token (or other asset) in ETH from the token's own rate
/// provider, for the LRT oracle (docs/oracle.md, "Adapters"). Adapters are immutable and hold no state.
interface IRateAdapter {
    /// @notice The asset this adapter prices.
    /// @return The asset.
    function asset() external view returns (address);

    /// @notice The ETH value, in wei, of 1e18 units of the asset.
    /// @return The rate.
    function getRate() external view returns (uint256);
}
