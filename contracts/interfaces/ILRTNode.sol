// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ILRTNode
/// @notice One vault staker of the liquid restaking token, delegated to one operator. Only its manager may move its
/// stake; tokens it receives go back to the manager (docs/lrt.md, "Nodes").
interface ILRTNode {
    /// @notice The caller is not the node's manager.
    error OnlyManager(address caller);

    /// @notice Initializes the node (a BeaconProxy), delegates it to `operator` through the registry and names the
    /// manager its claimer in the reward distributor (the manager's harvest claims the node's rewards to itself).
    /// @param manager The LRT manager.
    /// @param vault The restaking vault.
    /// @param registry The operator registry.
    /// @param rewards The reward distributor.
    /// @param operator The operator (must have no delegation approver).
    function initialize(address manager, address vault, address registry, address rewards, address operator) external;

    /// @notice Deposits `amount` of `asset`, which the manager sent to the node, into the vault.
    /// @param asset The asset.
    /// @param amount The amount.
    /// @return shares The vault shares minted.
    function deposit(address asset, uint256 amount) external returns (uint256 shares);

    /// @notice Queues a vault withdrawal of `shares` of `asset`.
    /// @param asset The asset.
    /// @param shares The shares.
    /// @return id The withdrawal id.
    function queueWithdrawal(address asset, uint256 shares) external returns (uint256 id);

    /// @notice Completes withdrawal `id` as tokens and sends them to the manager.
    /// @param id The withdrawal.
    /// @param minAssets The fewest assets accepted.
    /// @return assets The tokens sent to the manager.
    function completeWithdrawal(uint256 id, uint256 minAssets) external returns (uint256 assets);

    /// @notice Delegates the node, undelegated by its former operator, to `operator` through `registry`.
    /// @param registry The operator registry.
    /// @param operator A registered operator without a delegation approver.
    function delegateTo(address registry, address operator) external;

    /// @notice Claims the node's rewards in `tokens` to the manager.
    /// @param tokens The reward tokens.
    /// @return amounts The amounts claimed.
    function claimRewards(address[] calldata tokens) external returns (uint256[] memory amounts);

    /// @notice The node's manager.
    /// @return The manager.
    function manager() external view returns (address);
}
