// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";

/// @notice Test-only batch reader: reads, through the contracts' own external views and in one call, everything a
/// reward scenario compares after every step, so that a check costs one round trip instead of dozens.
contract RewardsStateReader {
    /// @notice The vault's and the distributor's views for the given accounts, assets and tokens.
    struct State {
        /// @notice `vault.stakerInfo(stakers[i]).operator`.
        address[] operatorOf;
        /// @notice The shares of `stakers[i]` in `assets[j]` (from `vault.activeShares`), at `i * assets.length + j`.
        uint256[] shares;
        /// @notice Active shares (total minus queued) of pool `(operators[i], assets[j])`, at `i * assets.length + j`.
        uint256[] poolActive;
        /// @notice `distributor.pendingRewards(stakers[i], tokens[k])`, at `k * stakers.length + i`.
        uint256[] pendingRewards;
        /// @notice `distributor.pendingCommission(operators[i], tokens[k])`, at `k * operators.length + i`.
        uint256[] pendingCommission;
        /// @notice The distributor's balance of `tokens[k]`.
        uint256[] balances;
    }

    /// @notice Reads the state.
    /// @param distributor The reward distributor.
    /// @param stakers The stakers.
    /// @param operators The operators.
    /// @param assets The vault assets.
    /// @param tokens The reward tokens.
    /// @return s The state.
    function read(
        IRewardDistributor distributor,
        address[] calldata stakers,
        address[] calldata operators,
        address[] calldata assets,
        address[] calldata tokens
    ) external view returns (State memory s) {
        IRestakingVault vault = IRestakingVault(distributor.vault());
        uint256 nA = assets.length;
        s.operatorOf = new address[](stakers.length);
        s.shares = new uint256[](stakers.length * nA);
        for (uint256 i = 0; i < stakers.length; ++i) {
            s.operatorOf[i] = vault.stakerInfo(stakers[i]).operator;
            for (uint256 j = 0; j < nA; ++j) {
                (, s.shares[i * nA + j], ) = vault.activeShares(stakers[i], assets[j]);
            }
        }
        s.poolActive = new uint256[](operators.length * nA);
        for (uint256 i = 0; i < operators.length; ++i) {
            for (uint256 j = 0; j < nA; ++j) {
                IRestakingVault.Pool memory p = vault.pool(operators[i], assets[j]);
                s.poolActive[i * nA + j] = p.totalShares - p.queuedShares;
            }
        }
        s.pendingRewards = new uint256[](tokens.length * stakers.length);
        s.pendingCommission = new uint256[](tokens.length * operators.length);
        s.balances = new uint256[](tokens.length);
        for (uint256 k = 0; k < tokens.length; ++k) {
            for (uint256 i = 0; i < stakers.length; ++i) {
                s.pendingRewards[k * stakers.length + i] = distributor.pendingRewards(stakers[i], tokens[k]);
            }
            for (uint256 i = 0; i < operators.length; ++i) {
                s.pendingCommission[k * operators.length + i] = distributor.pendingCommission(operators[i], tokens[k]);
            }
            s.balances[k] = IERC20(tokens[k]).balanceOf(address(distributor));
        }
    }
}
