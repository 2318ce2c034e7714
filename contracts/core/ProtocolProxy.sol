// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

/// @title ProtocolProxy
/// @notice The ERC-1967 proxy every core contract is deployed behind; upgrades follow UUPS through the
/// implementation's `upgradeToAndCall`, authorized by its DEFAULT_ADMIN_ROLE.
contract ProtocolProxy is ERC1967Proxy {
    /// @param implementation The first implementation.
    /// @param data The initializer call.
    constructor(address implementation, bytes memory data) payable ERC1967Proxy(implementation, data) {}
}
