// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title BitMaskLib
/// @notice Walks the asset bitmaps (bit i = vault asset index i) of stakers and AVSs.
library BitMaskLib {
    /// @dev Index of the lowest set bit of `mask`; `mask` must not be 0.
    function lowestBit(uint256 mask) internal pure returns (uint8) {
        return uint8(Math.log2(mask & (~mask + 1)));
    }

    /// @dev Number of set bits (at most 16 iterations for an asset mask).
    function popCount(uint256 mask) internal pure returns (uint256 n) {
        while (mask != 0) {
            mask &= mask - 1;
            ++n;
        }
    }
}
