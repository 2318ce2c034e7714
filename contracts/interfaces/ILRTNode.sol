// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOperatorRegistryTypes} from "./IOperatorRegistry.sol";

/// @title ILRTNode
/// @notice One vault staker of the liquid restaking token, delegated to one operator. Only its manager may move its
/// stake; tokens it receives go back to the manager (docs/lrt.md, "Nodes").
interface ILRTNode {
    /// @notice The caller is not the node's manager.
    error OnlyManager(address caller);

    /// @notice Initializes the node (a BeaconProxy) and names the manager its claimer in the reward distributor (the
    /// manager's harvest claims the node's rewards to itself). The manager delegates it next (`delegateTo`): the
    /// initializer takes no operator or signature, so that the node's CREATE2 address (salt: its index) depends only
    /// on the manager, the beacon, the vault and the distributor, and an operator's approver can sign for it before
    /// it exists (sdk/lrt.ts `predictNodeAddress`).
    /// @param manager The LRT manager.
    /// @param vault The restaking vault.
    /// @param rewards The reward distributor (address(0): none).
    function initialize(address manager, address vault, address rewards) external;

    /// @notice Deposits `amount` of `asset`, which the node holds (sent by the manager, or pulled to it by an entry
    /// point), into the vault. The node grants the vault an unlimited allowance of `asset` on its first deposit of it
    /// (again only if the token has spent that allowance below `amount`), so that a deposit needs no approval.
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

    /// @notice Delegates the node (new, or undelegated by its former operator) to `operator` through `registry`.
    /// @param registry The operator registry.
    /// @param operator A registered operator.
    /// @param approverSignature The operator's delegation approver's EIP-712 signature for this node's address (empty
    /// with expiry 0 if the operator has no approver).
    /// @param approverSalt A salt the approver has not spent (ignored without an approver).
    function delegateTo(
        address registry,
        address operator,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external;

    /// @notice Claims the node's rewards in `tokens` to the manager.
    /// @param tokens The reward tokens.
    /// @return amounts The amounts claimed.
    function claimRewards(address[] calldata tokens) external returns (uint256[] memory amounts);

    /// @notice The node's manager.
    /// @return The manager.
    function manager() external view returns (address);
}
