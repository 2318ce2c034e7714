// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IAVSRegistrar
/// @notice An AVS's optional gatekeeper for operator registration (allow-lists, key registration).
interface IAVSRegistrar {
    /// @notice Called when `operator` registers for `avs`; a revert rejects the operator.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param data Data the operator passed (keys, signatures).
    function onOperatorRegistered(address operator, address avs, bytes calldata data) external;

    /// @notice Called with a fixed gas budget when `operator` deregisters; its failure is ignored.
    /// @param operator The operator.
    /// @param avs The AVS.
    function onOperatorDeregistered(address operator, address avs) external;
}
