// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";

import {ProtocolUpgradeable} from "../../core/ProtocolUpgradeable.sol";

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): LiquidRestakingToken's storage with a field appended to its ERC-7201 struct (a compatible upgrade).
contract LiquidRestakingTokenV2Appended is ProtocolUpgradeable, ERC20PermitUpgradeable {
    /// @custom:storage-location erc7201:restaking.storage.LiquidRestakingToken
    struct TokenStorage {
        address manager;
        uint8 pausedGroups;
        uint256 appended;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LiquidRestakingToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x1122ed61e9ae9a5c73d5e661a7fb60e245d7f4010a93bfc08f9ea4bcf9803800;

    /// @notice Initializes a proxy (the mock is also deployable on its own).
    function initialize(address admin) external initializer {
        __Protocol_init(admin);
        __ERC20_init("Liquid Restaked ETH", "lrtETH");
        __ERC20Permit_init("Liquid Restaked ETH");
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _storage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _storage().pausedGroups = groups;
    }

    function _storage() private pure returns (TokenStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
