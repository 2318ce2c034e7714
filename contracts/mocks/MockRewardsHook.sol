// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardsHook} from "../interfaces/IRewardsHook.sol";

/// @notice Test-only rewards hook that records every call, and the pool's active shares it can read from the
/// calling vault at that moment (to prove the vault calls it before changing them). Can be set to revert.
contract MockRewardsHook is IRewardsHook {
    /// @notice One recorded call.
    struct Call {
        address caller;
        address staker;
        address operator;
        address asset;
        uint256 stakerSharesBefore;
        uint256 stakerSharesAfter;
        uint256 poolActiveSharesBefore;
        uint256 observedPoolActiveShares;
    }

    /// @notice Thrown by `onActiveSharesChange` while `shouldRevert` is set.
    error HookReverted(address staker, address operator, address asset);

    /// @notice Whether `onActiveSharesChange` reverts.
    bool public shouldRevert;

    Call[] private _calls;

    /// @notice Makes `onActiveSharesChange` revert (or not).
    /// @param value True to revert.
    function setShouldRevert(bool value) external {
        shouldRevert = value;
    }

    /// @notice Forgets every recorded call.
    function reset() external {
        delete _calls;
    }

    /// @inheritdoc IRewardsHook
    function onActiveSharesChange(
        address staker,
        address operator,
        address asset,
        uint256 stakerSharesBefore,
        uint256 stakerSharesAfter,
        uint256 poolActiveSharesBefore
    ) external {
        if (shouldRevert) revert HookReverted(staker, operator, asset);
        IRestakingVault.Pool memory p = IRestakingVault(msg.sender).pool(operator, asset);
        _calls.push(
            Call({
                caller: msg.sender,
                staker: staker,
                operator: operator,
                asset: asset,
                stakerSharesBefore: stakerSharesBefore,
                stakerSharesAfter: stakerSharesAfter,
                poolActiveSharesBefore: poolActiveSharesBefore,
                observedPoolActiveShares: p.totalShares - p.queuedShares
            })
        );
    }

    /// @notice The number of recorded calls.
    /// @return The count.
    function callCount() external view returns (uint256) {
        return _calls.length;
    }

    /// @notice The recorded call at `index`.
    /// @param index The index.
    /// @return The call.
    function callAt(uint256 index) external view returns (Call memory) {
        return _calls[index];
    }

    /// @notice Every recorded call, in order.
    /// @return The calls.
    function getCalls() external view returns (Call[] memory) {
        return _calls;
    }
}
