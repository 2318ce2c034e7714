// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";

import {ProtocolUpgradeable} from "../../core/ProtocolUpgradeable.sol";
import {IOperatorRegistryTypes} from "../../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../../interfaces/IRestakingVault.sol";

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): OperatorRegistry's struct under a renamed namespace (its state left behind: breaks the layout).
contract OperatorRegistryV2Renamed is ProtocolUpgradeable, EIP712Upgradeable {
    /// @custom:storage-location erc7201:restaking.storage.OperatorRegistryV2
    struct RegistryStorage {
        IRestakingVault vault;
        uint8 pausedGroups;
        mapping(address operator => IOperatorRegistryTypes.Operator) operators;
        mapping(address approver => mapping(bytes32 salt => bool)) spentSalts;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.OperatorRegistryV2")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x096920aa0ac8ca1e432ecbdeb51bb78efe1c91f8f6c45a676bbfb62db152fc00;

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
