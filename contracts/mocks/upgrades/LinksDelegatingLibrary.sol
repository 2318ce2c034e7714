// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ProtocolUpgradeable} from "../../core/ProtocolUpgradeable.sol";
import {DelegatingLibrary} from "./DelegatingLibrary.sol";

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): a UUPS contract allowed to link external libraries (as
/// LRTManager is) that links an unsafe one: sdk/upgrades.ts must still reject it.
/// @custom:oz-upgrades-unsafe-allow external-library-linking
contract LinksDelegatingLibrary is ProtocolUpgradeable {
    /// @custom:storage-location erc7201:restaking.storage.LinksDelegatingLibrary
    struct MockStorage {
        uint8 pausedGroups;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LinksDelegatingLibrary")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0xb25ffdbd2c5c9a1f5d3f3c62289a566a24bfae5178cbb992267220e4a3b27a00;

    /// @notice Runs the library.
    function run(address target, bytes calldata data) external onlyRole(DEFAULT_ADMIN_ROLE) returns (bool) {
        return DelegatingLibrary.run(target, data);
    }

    /// @notice Initializes a proxy (the mock is also deployable on its own).
    function initialize(address admin) external initializer {
        __Protocol_init(admin);
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _storage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _storage().pausedGroups = groups;
    }

    function _storage() private pure returns (MockStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
