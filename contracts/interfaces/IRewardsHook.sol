// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRewardsHook
/// @notice Called by the vault before any change of a staker's active shares in a delegated pool, so that a
/// reward distributor can settle the staker's accrual at the shares it held until now.
interface IRewardsHook {
    /// @notice Settles `staker` in pool `(operator, asset)` before its active shares change.
    /// @param staker The staker whose active shares are about to change.
    /// @param operator The pool's operator (never address(0): the undelegated pool earns nothing).
    /// @param asset The pool's asset.
    /// @param stakerSharesBefore The staker's active shares in the pool before the change.
    /// @param stakerSharesAfter The staker's active shares in the pool after the change.
    /// @param poolActiveSharesBefore The pool's active shares (total minus queued) before the change.
    function onActiveSharesChange(
        address staker,
        address operator,
        address asset,
        uint256 stakerSharesBefore,
        uint256 stakerSharesAfter,
        uint256 poolActiveSharesBefore
    ) external;
}
