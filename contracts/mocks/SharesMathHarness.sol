// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SharesMathLib} from "../libraries/SharesMathLib.sol";

/// @notice Test-only harness exposing the four conversions of {SharesMathLib}.
contract SharesMathHarness {
    /// @notice {SharesMathLib-toSharesDown}.
    /// @param assets The assets.
    /// @param totalAssets The pool's net assets.
    /// @param totalShares The pool's shares.
    /// @return The shares.
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) external pure returns (uint256) {
        return SharesMathLib.toSharesDown(assets, totalAssets, totalShares);
    }

    /// @notice {SharesMathLib-toAssetsDown}.
    /// @param shares The shares.
    /// @param totalAssets The pool's net assets.
    /// @param totalShares The pool's shares.
    /// @return The assets.
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) external pure returns (uint256) {
        return SharesMathLib.toAssetsDown(shares, totalAssets, totalShares);
    }

    /// @notice {SharesMathLib-toSharesUp}.
    /// @param assets The assets.
    /// @param totalAssets The pool's net assets.
    /// @param totalShares The pool's shares.
    /// @return The shares.
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) external pure returns (uint256) {
        return SharesMathLib.toSharesUp(assets, totalAssets, totalShares);
    }

    /// @notice {SharesMathLib-toAssetsUp}.
    /// @param shares The shares.
    /// @param totalAssets The pool's net assets.
    /// @param totalShares The pool's shares.
    /// @return The assets.
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) external pure returns (uint256) {
        return SharesMathLib.toAssetsUp(shares, totalAssets, totalShares);
    }
}
