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

    /// @dev The longest veto window an AVS may set.
    uint256 internal constant MAX_VETO_WINDOW = 2 days - 1;

    /// @dev A request can execute for this long after its veto window.
    uint256 internal constant EXECUTION_WINDOW = 1 days;

    /// @dev Requests on a pool come in epochs: the first request starts one, others join it only within this window.
    uint256 internal constant JOIN_WINDOW = 6 hours;

    /// @dev The least a pool stays open after its epoch's last request could have resolved.
    uint256 internal constant REOPEN_WINDOW = 12 hours;

    /// @dev A new epoch starts on a pool this long after the last one started (once nothing of it is pending). An AVS
    /// held off by an epoch waits at most GATE_CYCLE - JOIN_WINDOW.
    uint256 internal constant GATE_CYCLE = JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW + REOPEN_WINDOW;

    /// @dev The time an AVS has, from the first second it may request, to get its request in before a withdrawal held
    /// for it completes: a withdrawal that became ready while an epoch held requests off waits until GATE_CYCLE plus
    /// this after the epoch's start, and one ready before an epoch's join window closed waits until this after its
    /// start. Many blocks on any chain, and shorter than JOIN_WINDOW.
    uint256 internal constant EXIT_MARGIN = 1 hours;

    /// @dev An allocation increase or a loosening AVS change applies this long after the latest ready time of the
    /// withdrawals queued when it was announced: at least 2 * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN (7 days 7 hours -
    /// 2 s). From its ready time a withdrawal is held at most by one epoch's gate and its margin and then the next
    /// epoch's requests, and that next epoch leaves it REOPEN_WINDOW open before its end (docs/slashing.md, "Windows
    /// and delays").
    uint256 internal constant EXIT_BUFFER = 7 days + 7 hours;
}
