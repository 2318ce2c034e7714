// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";

/// @notice Test-only contract delegation approver: returns the ERC-1271 magic value for the digests it was told to
/// approve, whatever the signature bytes, and 0xffffffff for any other digest.
contract MockERC1271Approver is IERC1271 {
    /// @notice Whether a digest is approved.
    mapping(bytes32 digest => bool) public approved;

    /// @notice Approves or revokes `digest`.
    /// @param digest The EIP-712 digest.
    /// @param value True to approve.
    function setApproved(bytes32 digest, bool value) external {
        approved[digest] = value;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata) external view returns (bytes4) {
        return approved[hash] ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
