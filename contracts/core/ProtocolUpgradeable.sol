// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IPausableGroups} from "../interfaces/IPausableGroups.sol";

/// @title ProtocolUpgradeable
/// @notice Common base of the core contracts: UUPS upgrades authorized by DEFAULT_ADMIN_ROLE (a timelock in
/// deployments), role-based access, pause per function group and a transient-storage reentrancy guard.
abstract contract ProtocolUpgradeable is
    Initializable,
    UUPSUpgradeable,
    AccessControlUpgradeable,
    ReentrancyGuardTransient,
    IPausableGroups
{
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    modifier whenNotPaused(uint8 group) {
        _requireNotPaused(group);
        _;
    }

    // solhint-disable-next-line func-name-mixedcase
    function __Protocol_init(address admin) internal onlyInitializing {
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    /// @inheritdoc IPausableGroups
    function pause(uint256 groups) external onlyRole(PAUSER_ROLE) {
        uint8 paused = _pausedGroups() | uint8(groups);
        _setPausedGroups(paused);
        emit PausedGroupsSet(msg.sender, paused);
    }

    /// @inheritdoc IPausableGroups
    function unpause(uint256 groups) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint8 paused = _pausedGroups() & ~uint8(groups);
        _setPausedGroups(paused);
        emit PausedGroupsSet(msg.sender, paused);
    }

    /// @inheritdoc IPausableGroups
    function pausedGroups() external view returns (uint256) {
        return _pausedGroups();
    }

    function _requireNotPaused(uint8 group) internal view {
        if (_pausedGroups() & (1 << group) != 0) revert GroupPaused(group);
    }

    /// @dev The paused-groups bitmap. Each contract keeps it in its own ERC-7201 struct, packed with an address its
    /// paused functions read anyway, so that the pause check costs no extra storage read.
    function _pausedGroups() internal view virtual returns (uint8);

    function _setPausedGroups(uint8 groups) internal virtual;

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
