// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ILRTOracle
/// @notice The price, in ETH, of each asset the liquid restaking token accepts (docs/lrt.md, "Oracle").
interface ILRTOracle {
    /// @notice `asset` has no price source.
    error UnknownAsset(address asset);
    /// @notice The stored price of `asset` was last updated at `updatedAt`, more than `maxAge` seconds ago.
    error StalePrice(address asset, uint256 updatedAt, uint256 maxAge);

    /// @notice The ETH value, with 18 decimals, of one whole unit (10 ** decimals) of `asset`. Reverts UnknownAsset
    /// or StalePrice rather than return a price that is unknown or too old.
    /// @param asset The asset.
    /// @return The price in wei per whole token.
    function price(address asset) external view returns (uint256);
}
