// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharesMathLib
/// @notice Conversions between pool assets and pool shares with virtual shares and assets. Every function names
/// its rounding direction; the pool always wins the rounding. `totalAssets` is the pool's value net of pending
/// slash reservations (see docs/staking.md).
library SharesMathLib {
    /// @dev Virtual shares make a first deposit or a tiny pool unable to skew the rate for the next depositor.
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;

    /// @dev Shares minted for `assets` deposited. Keeps the minted shares' value at the new rate <= assets, counting the
    /// virtual shares and assets: newShares * (totalAssets + assets + VA) <= assets * (totalShares + newShares + VS).
    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
    }

    /// @dev Assets paid for `shares` redeemed. Keeps assets <= totalAssets when shares <= totalShares.
    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
    }

    /// @dev Shares burned to take out exactly `assets`. Keeps the burned share value >= assets.
    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS, Math.Rounding.Ceil);
    }

    /// @dev Assets needed to mint exactly `shares`. Keeps the minted share value <= assets paid.
    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES, Math.Rounding.Ceil);
    }
}
