// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {ISlashingManagerTypes} from "../interfaces/ISlashingManager.sol";

/// @notice Test-only stand-in for the slashing manager: forwards the slash calls to the vault, so that the vault's
/// slashing-manager-only functions can be tested on their own. Receives the slashed tokens. Answers the vault's
/// `magnitudes` read with a request epoch start set by the test (0: none).
contract MockSlashingCaller {
    /// @notice The vault.
    IRestakingVault public immutable vault;

    mapping(address operator => mapping(address asset => uint40)) internal _gateAt;

    /// @param vault_ The vault to call.
    constructor(IRestakingVault vault_) {
        vault = vault_;
    }

    /// @notice Forwards {IRestakingVault-reserveSlash}.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param magnitude The magnitude taken.
    /// @param freeMagnitude The free magnitude.
    /// @return amount The reserved assets.
    function reserveSlash(
        address operator,
        address asset,
        uint256 magnitude,
        uint256 freeMagnitude
    ) external returns (uint256 amount) {
        amount = vault.reserveSlash(operator, asset, magnitude, freeMagnitude);
    }

    /// @notice Forwards {IRestakingVault-releaseSlash}.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param amount The reserved assets to release.
    function releaseSlash(address operator, address asset, uint256 amount) external {
        vault.releaseSlash(operator, asset, amount);
    }

    /// @notice Forwards {IRestakingVault-executeSlash}.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param amount The reserved assets to take.
    function executeSlash(address operator, address asset, uint256 amount) external {
        vault.executeSlash(operator, asset, amount, false);
    }

    /// @notice Forwards {IRestakingVault-executeSlash} with `fullySlashed`.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param amount The reserved assets to take.
    /// @param fullySlashed Whether the operator is now fully slashed in the asset.
    function executeSlashWith(address operator, address asset, uint256 amount, bool fullySlashed) external {
        vault.executeSlash(operator, asset, amount, fullySlashed);
    }

    /// @notice Sets the start of the pool's current request epoch that `magnitudes` reports.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param gateAt The epoch's start (0: none).
    function setGateAt(address operator, address asset, uint40 gateAt) external {
        _gateAt[operator][asset] = gateAt;
    }

    /// @notice Stands in for {ISlashingManager-magnitudes}: only `gateAt` is set; maxMagnitude is 1e18.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @return m The magnitudes.
    /// @return maxMagnitude The maximum magnitude.
    function magnitudes(
        address operator,
        address asset
    ) external view returns (ISlashingManagerTypes.Magnitudes memory m, uint256 maxMagnitude) {
        m.gateAt = _gateAt[operator][asset];
        maxMagnitude = 1e18;
    }
}
