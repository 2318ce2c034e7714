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

    /// @custom:storage-location erc7201:restaking.storage.PausableGroups
    struct PausableGroupsStorage {
        uint256 pausedGroups;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.PausableGroups")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant PAUSABLE_GROUPS_LOCATION =
        0xde27ae6ba35b0d351d58d72bb7cb6f7679b48081bddb43ebda1a09b7658ef600;

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
        PausableGroupsStorage storage $ = _getPausableGroupsStorage();
        uint256 paused = $.pausedGroups | groups;
        $.pausedGroups = paused;
        emit PausedGroupsSet(msg.sender, paused);
    }

    /// @inheritdoc IPausableGroups
    function unpause(uint256 groups) external onlyRole(DEFAULT_ADMIN_ROLE) {
        PausableGroupsStorage storage $ = _getPausableGroupsStorage();
        uint256 paused = $.pausedGroups & ~groups;
        $.pausedGroups = paused;
        emit PausedGroupsSet(msg.sender, paused);
    }

    /// @inheritdoc IPausableGroups
    function pausedGroups() external view returns (uint256) {
        return _getPausableGroupsStorage().pausedGroups;
    }

    function _requireNotPaused(uint8 group) internal view {
        if (_getPausableGroupsStorage().pausedGroups & (1 << group) != 0) revert GroupPaused(group);
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}

    function _getPausableGroupsStorage() private pure returns (PausableGroupsStorage storage $) {
        assembly {
            $.slot := PAUSABLE_GROUPS_LOCATION
        }
    }
}
