// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";

import {ProtocolUpgradeable} from "../../core/ProtocolUpgradeable.sol";
import {IOperatorRegistryTypes} from "../../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../../interfaces/IRestakingVault.sol";

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): OperatorRegistry's storage with a field appended to its ERC-7201 struct (a compatible upgrade).
contract OperatorRegistryV2Appended is ProtocolUpgradeable, EIP712Upgradeable {
    /// @custom:storage-location erc7201:restaking.storage.OperatorRegistry
    struct RegistryStorage {
        IRestakingVault vault;
        uint8 pausedGroups;
        mapping(address operator => IOperatorRegistryTypes.Operator) operators;
        mapping(address approver => mapping(bytes32 salt => bool)) spentSalts;
        uint256 appended;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.OperatorRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x853121b1f79b4cd502df9f9adc363742e576e70c408737fdd1e4765dc5b13e00;

    /// @notice Initializes a proxy (the mock is also deployable on its own).
    function initialize(address admin) external initializer {
        __Protocol_init(admin);
        __EIP712_init("OperatorRegistry", "1");
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _storage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _storage().pausedGroups = groups;
    }

    function _storage() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
