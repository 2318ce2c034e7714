// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ConstantsLib} from "./ConstantsLib.sol";

/// @title SlashingMathLib
/// @notice The magnitude model (docs/slashing.md derives it). An operator's pool in one asset holds `netAssets`
/// (total assets minus what pending requests reserved), which stand for `freeMagnitude = maxMagnitude - reserved`.
/// Every rounding goes against the operator: a request takes at least its fraction of the allocation in magnitude,
/// and never more tokens than the magnitude it takes is worth.
library SlashingMathLib {
    /// @dev Below this maximum magnitude (the operator lost more than 99.9999% of the asset) one magnitude unit is too
    /// coarse for the rounding to mean anything: the operator is fully slashed in the asset and its pool closes.
    uint256 internal constant MIN_MAX_MAGNITUDE = 1e12;

    /// @dev Magnitude a request for `wadFraction` of allocation `current` takes: rounded up, so that no request for a
    /// non-zero fraction of a non-zero allocation takes nothing. Keeps the result <= current since wadFraction <= WAD.
    function toSlashedMagnitudeUp(uint256 current, uint256 wadFraction) internal pure returns (uint256) {
        return Math.mulDiv(current, wadFraction, ConstantsLib.WAD, Math.Rounding.Ceil);
    }

    /// @dev Assets `magnitude` stands for in a pool whose `netAssets` stand for `freeMagnitude`. Rounded down: the
    /// assets reserved for a slash, and the allocated stake that views report. Keeps the result <= netAssets when
    /// magnitude <= freeMagnitude.
    function toAssetsDown(uint256 netAssets, uint256 magnitude, uint256 freeMagnitude) internal pure returns (uint256) {
        return Math.mulDiv(netAssets, magnitude, freeMagnitude);
    }

    /// @dev A pending decrease of `pendingDelta` out of `current`, scaled with an allocation that loses `slashed`:
    /// rounded down, so that the decrease never exceeds what is left (result <= current - slashed).
    function scaleDecreaseDown(uint256 pendingDelta, uint256 current, uint256 slashed) internal pure returns (uint256) {
        return Math.mulDiv(pendingDelta, current - slashed, current);
    }

    /// @dev Whether an operator with maximum magnitude `maxMagnitude` in an asset is fully slashed in it.
    function isFullySlashed(uint256 maxMagnitude) internal pure returns (bool) {
        return maxMagnitude < MIN_MAX_MAGNITUDE;
    }
}
