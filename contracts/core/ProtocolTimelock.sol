// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ProtocolTimelock
/// @notice The TimelockController that deployments make the admin of every core contract, so that upgrades and
/// parameter changes are public for `minDelay` before they run.
contract ProtocolTimelock is TimelockController {
    /// @param minDelay The minimum delay of an operation, in seconds.
    /// @param proposers Accounts that may schedule (and cancel) operations.
    /// @param executors Accounts that may execute ready operations (address(0) = anyone).
    /// @param admin An optional admin for the timelock's own roles (address(0) = self-administered).
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors,
        address admin
    ) TimelockController(minDelay, proposers, executors, admin) {}
}
