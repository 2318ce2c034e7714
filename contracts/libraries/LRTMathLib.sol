// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title LRTMathLib
/// @notice The liquid restaking token's conversions (docs/lrt.md, "Rate"). Value is ETH in wei; a price is wei per
/// whole token (`unit` = 10 ** decimals). Every function names its rounding direction; the protocol wins it.
library LRTMathLib {
    /// @dev Virtual LRT shares and virtual wei of value: the empty LRT prices 1 share at 1 wei, and a first depositor
    /// who inflates total value by X keeps only X / (V_SHARES + his shares) of it (docs/lrt.md, "Virtual offsets").
    uint256 internal constant VIRTUAL_SHARES = 1e9;
    uint256 internal constant VIRTUAL_VALUE = 1e9;
    uint256 internal constant BPS = 10_000;

    /// @dev LRT shares minted for `value` entering. Keeps newShares * (V + VV) <= value * (S + VS).
    function toSharesDown(uint256 value, uint256 totalValue, uint256 supply) internal pure returns (uint256) {
        return mulDivDown(value, supply + VIRTUAL_SHARES, totalValue + VIRTUAL_VALUE);
    }

    /// @dev Value a holder of `shares` may take out. Keeps value <= totalValue when shares <= supply.
    function toValueDown(uint256 shares, uint256 totalValue, uint256 supply) internal pure returns (uint256) {
        return mulDivDown(shares, totalValue + VIRTUAL_VALUE, supply + VIRTUAL_SHARES);
    }

    /// @dev Value needed to mint exactly `shares`. Keeps the minted shares' value <= the value paid.
    function toValueUp(uint256 shares, uint256 totalValue, uint256 supply) internal pure returns (uint256) {
        return mulDivUp(shares, totalValue + VIRTUAL_VALUE, supply + VIRTUAL_SHARES);
    }

    /// @dev ETH value of `amount` tokens, rounded down (what an entrant is credited).
    function tokenValueDown(uint256 amount, uint256 price, uint256 unit) internal pure returns (uint256) {
        return mulDivDown(amount, price, unit);
    }

    /// @dev ETH value of `amount` tokens, rounded up (what the LRT holds, on the entry side).
    function tokenValueUp(uint256 amount, uint256 price, uint256 unit) internal pure returns (uint256) {
        return mulDivUp(amount, price, unit);
    }

    /// @dev Tokens paid out for `value`, rounded down.
    function toTokensDown(uint256 value, uint256 price, uint256 unit) internal pure returns (uint256) {
        return mulDivDown(value, unit, price);
    }

    /// @dev Tokens needed to bring in `value`, rounded up.
    function toTokensUp(uint256 value, uint256 price, uint256 unit) internal pure returns (uint256) {
        return mulDivUp(value, unit, price);
    }

    /// @dev Pool assets held by `shares`, rounded down (the vault's own conversion, SharesMathLib.toAssetsDown).
    function poolAssetsDown(uint256 shares, uint256 assets, uint256 totalShares) internal pure returns (uint256) {
        return mulDivDown(shares, assets + 1, totalShares + 1e6);
    }

    /// @dev Pool assets held by `shares`, rounded up.
    function poolAssetsUp(uint256 shares, uint256 assets, uint256 totalShares) internal pure returns (uint256) {
        return mulDivUp(shares, assets + 1, totalShares + 1e6);
    }

    /// @dev Pool shares that `assets` are worth, rounded up (shares to queue to raise at least `assets`).
    function poolSharesUp(uint256 assets, uint256 poolAssets, uint256 totalShares) internal pure returns (uint256) {
        return mulDivUp(assets, totalShares + 1e6, poolAssets + 1);
    }

    /// @dev Instant-redeem fee in bps, rounded up: the mean, over the free buffer the exit consumes (from
    /// `bufferBefore` down to `bufferAfter`), of a rate that is `baseBps` at or above `target` and rises linearly to
    /// `maxBps` as the buffer falls to 0. The mean (the integral over the consumed buffer, divided by its length) makes
    /// an exit cost the same whether it is made at once or in pieces: each piece pays the mean over its own stretch.
    function instantFeeBpsUp(
        uint256 bufferBefore,
        uint256 bufferAfter,
        uint256 target,
        uint256 baseBps,
        uint256 maxBps
    ) internal pure returns (uint256) {
        if (bufferAfter >= target || bufferBefore <= bufferAfter) return baseBps;
        // The rate above baseBps is (maxBps - baseBps) * (target - b) / target for b < target; its integral from
        // bufferAfter to min(bufferBefore, target) is (maxBps - baseBps) * (d1^2 - d0^2) / (2 * target), with
        // d1 = target - bufferAfter and d0 = target - min(bufferBefore, target).
        uint256 d1 = target - bufferAfter;
        uint256 d0 = bufferBefore >= target ? 0 : target - bufferBefore;
        return
            baseBps +
            Math.mulDiv(
                (maxBps - baseBps) * (d1 - d0),
                d1 + d0,
                2 * target * (bufferBefore - bufferAfter),
                Math.Rounding.Ceil
            );
    }

    /// @dev `amount * bps / 10_000`, rounded down.
    function bpsDown(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return mulDivDown(amount, bps, BPS);
    }

    /// @dev `amount * bps / 10_000`, rounded up.
    function bpsUp(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return mulDivUp(amount, bps, BPS);
    }

    /// @dev `x * y / d` rounded down: Math.mulDiv's figure. When x and y are both below 2^128 their product is below
    /// 2^256, so one MUL and one DIV compute it exactly (a zero `d` panics 0x12 as in Math.mulDiv: Solidity checks
    /// division by zero in unchecked code too); otherwise Math.mulDiv's 512-bit path does.
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        if ((x | y) >> 128 == 0) {
            unchecked {
                return (x * y) / d; // x, y < 2^128: x * y < 2^256, no overflow
            }
        }
        return Math.mulDiv(x, y, d);
    }

    /// @dev `x * y / d` rounded up: Math.mulDiv's figure with Math.Rounding.Ceil (the floor plus one when the
    /// division leaves a remainder). The same exact single-word path as `mulDivDown` when x, y < 2^128; the floor
    /// is then at most x * y < 2^256 - 1, so adding one cannot overflow either.
    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        if ((x | y) >> 128 == 0) {
            unchecked {
                uint256 xy = x * y; // x, y < 2^128: x * y < 2^256, no overflow
                return xy / d + (xy % d == 0 ? 0 : 1);
            }
        }
        return Math.mulDiv(x, y, d, Math.Rounding.Ceil);
    }
}
