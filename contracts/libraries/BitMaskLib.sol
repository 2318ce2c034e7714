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

    /// @dev Byte r holds the k < 16 with 2^k mod 19 = r (`lowestBit16`).
    uint256 private constant LOWEST_BIT_16 = 0x090a040b07050f0c000803060e00020d010000;

    /// @dev `lowestBit` of a nonzero `mask` below 2^16 (an asset mask of at most 16 assets), by a table: the lowest
    /// set bit is 2^k with k < 16, and 2^k mod 19 differs for every k < 18 (2 is a primitive root modulo 19), so that
    /// residue picks k's byte in LOWEST_BIT_16. No loop and no 256-bit logarithm.
    function lowestBit16(uint256 mask) internal pure returns (uint256) {
        unchecked {
            return (LOWEST_BIT_16 >> (((mask & (~mask + 1)) % 19) << 3)) & 0xff;
        }
    }

    /// @dev Number of set bits (at most 16 iterations for an asset mask).
    function popCount(uint256 mask) internal pure returns (uint256 n) {
        while (mask != 0) {
            mask &= mask - 1;
            ++n;
        }
    }
}
