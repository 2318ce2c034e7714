// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";

/// @title LRTNodeBeacon
/// @notice The UpgradeableBeacon every LRT node (BeaconProxy) reads its implementation from; owned by the admin (a
/// timelock in deployments), so that one upgrade moves every node.
contract LRTNodeBeacon is UpgradeableBeacon {
    /// @param implementation The LRTNode implementation.
    /// @param owner The admin.
    constructor(address implementation, address owner) UpgradeableBeacon(implementation, owner) {}
}
