// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {BitMaskLib} from "../libraries/BitMaskLib.sol";
import {LRTMathLib} from "../libraries/LRTMathLib.sol";

/// @notice Test-only harness exposing {LRTMathLib-mulDivDown}, {LRTMathLib-mulDivUp} and {BitMaskLib-lowestBit16}
/// beside the functions they stand in for ({Math-mulDiv}, {BitMaskLib-lowestBit}).
contract LRTMathHarness {
    /// @notice {LRTMathLib-mulDivDown} and {Math-mulDiv} rounded down, of the same operands.
    /// @param x The first factor.
    /// @param y The second factor.
    /// @param d The divisor.
    /// @return fast LRTMathLib's figure.
    /// @return full Math.mulDiv's figure.
    function mulDivDown(uint256 x, uint256 y, uint256 d) external pure returns (uint256 fast, uint256 full) {
        return (LRTMathLib.mulDivDown(x, y, d), Math.mulDiv(x, y, d));
    }

    /// @notice {LRTMathLib-mulDivUp} and {Math-mulDiv} rounded up, of the same operands.
    /// @param x The first factor.
    /// @param y The second factor.
    /// @param d The divisor.
    /// @return fast LRTMathLib's figure.
    /// @return full Math.mulDiv's figure.
    function mulDivUp(uint256 x, uint256 y, uint256 d) external pure returns (uint256 fast, uint256 full) {
        return (LRTMathLib.mulDivUp(x, y, d), Math.mulDiv(x, y, d, Math.Rounding.Ceil));
    }

    /// @notice {LRTMathLib-mulDivDown} alone (to check its revert).
    /// @param x The first factor.
    /// @param y The second factor.
    /// @param d The divisor.
    /// @return The figure.
    function mulDivDownOnly(uint256 x, uint256 y, uint256 d) external pure returns (uint256) {
        return LRTMathLib.mulDivDown(x, y, d);
    }

    /// @notice {LRTMathLib-mulDivUp} alone (to check its revert).
    /// @param x The first factor.
    /// @param y The second factor.
    /// @param d The divisor.
    /// @return The figure.
    function mulDivUpOnly(uint256 x, uint256 y, uint256 d) external pure returns (uint256) {
        return LRTMathLib.mulDivUp(x, y, d);
    }

    /// @notice {BitMaskLib-lowestBit16} and {BitMaskLib-lowestBit} of each mask.
    /// @param masks Nonzero masks below 2^16.
    /// @return fast lowestBit16's answers.
    /// @return full lowestBit's answers.
    function lowestBits(uint256[] calldata masks) external pure returns (uint256[] memory fast, uint256[] memory full) {
        fast = new uint256[](masks.length);
        full = new uint256[](masks.length);
        for (uint256 i; i < masks.length; ++i) {
            fast[i] = BitMaskLib.lowestBit16(masks[i]);
            full[i] = BitMaskLib.lowestBit(masks[i]);
        }
    }
}
