// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IWstETHLike
/// @notice The rate face of Lido's wstETH: stETH (taken as 1:1 with ETH) per wstETH.
interface IWstETHLike {
    /// @notice The stETH amount, in wei, that 1e18 wstETH wraps.
    /// @return The rate.
    function stEthPerToken() external view returns (uint256);
}

/// @title IRETHLike
/// @notice The rate face of Rocket Pool's rETH: ETH per rETH.
interface IRETHLike {
    /// @notice The ETH value, in wei, of 1e18 rETH.
    /// @return The rate.
    function getExchangeRate() external view returns (uint256);
}
