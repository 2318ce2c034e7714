// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ProtocolUpgradeable} from "../../core/ProtocolUpgradeable.sol";
import {LRTStorage} from "../../lrt/LRTStorage.sol";

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): LRTManager's namespace (LRTManager.ManagerStorage) with a field inserted before the library's layout (breaks the layout).
contract LRTManagerV2Inserted is ProtocolUpgradeable {
    /// @custom:storage-location erc7201:restaking.storage.LRTManager
    struct ManagerStorage {
        uint256 inserted;
        LRTStorage.Layout layout;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LRTManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_LOCATION = 0x916e6f1d6a950794474f36c551260bc2d682249703bee422ef9bacdcdc880500;

    /// @notice Initializes a proxy (the mock is also deployable on its own).
    function initialize(address admin) external initializer {
        __Protocol_init(admin);
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _storage().layout.pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _storage().layout.pausedGroups = groups;
    }

    function _storage() private pure returns (ManagerStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
