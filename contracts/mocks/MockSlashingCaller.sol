// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRestakingVault} from "../interfaces/IRestakingVault.sol";

/// @notice Test-only stand-in for the slashing manager: forwards the slash calls to the vault, so that the vault's
/// slashing-manager-only functions can be tested on their own. Receives the slashed tokens.
contract MockSlashingCaller {
    /// @notice The vault.
    IRestakingVault public immutable vault;

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
}
