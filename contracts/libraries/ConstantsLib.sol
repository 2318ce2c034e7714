// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @dev Length of the vault's fixed asset list (array lengths need a file-level constant).
uint256 constant ASSET_LIST_LENGTH = 16;

/// @dev Length of a reward pool's fixed stream arrays.
uint256 constant STREAM_SLOTS = 8;

/// @title ConstantsLib
/// @notice Sizes and packing constants shared by the core contracts (docs/architecture.md lists where each is used).
library ConstantsLib {
    /// @dev 100% as a WAD fraction: magnitudes and slash fractions are WAD fractions.
    uint256 internal constant WAD = 1e18;

    /// @dev The vault lists at most this many assets; a staker's asset mask and an AVS's asset mask are 16-bit maps.
    uint256 internal constant MAX_ASSETS = ASSET_LIST_LENGTH;

    /// @dev A reward pool has at most this many stream slots (one per reward token).
    uint256 internal constant MAX_STREAMS_PER_POOL = STREAM_SLOTS;

    /// @dev A withdrawal id is `uint256(uint160(staker)) << WITHDRAWAL_NONCE_BITS | nonce`.
    uint256 internal constant WITHDRAWAL_NONCE_BITS = 96;

    /// @dev Gas forwarded to an AVS registrar's deregistration hook.
    uint256 internal constant REGISTRAR_GAS_LIMIT = 200_000;

    /// @dev Gas the manager needs around the registrar call (encoding, the call itself, the event).
    uint256 internal constant REGISTRAR_CALL_OVERHEAD = 10_000;
}
