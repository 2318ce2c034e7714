// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Test-only (test/attacks/UpgradeSafety.test.ts): an external library that delegatecalls, which the
/// linked-library check of sdk/upgrades.ts must reject when a contract links it.
library DelegatingLibrary {
    /// @notice Delegatecalls `target` with `data`.
    function run(address target, bytes calldata data) external returns (bool ok) {
        // solhint-disable-next-line avoid-low-level-calls
        (ok, ) = target.delegatecall(data);
    }
}
