// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ILRTNode} from "../interfaces/ILRTNode.sol";
import {IOperatorRegistry, IOperatorRegistryTypes} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";

/// @title LRTNode
/// @notice See {ILRTNode}. The implementation behind the LRT's UpgradeableBeacon; each node is a BeaconProxy. No
/// generic `execute`: the node can only deposit, queue and complete withdrawals, and claim rewards.
contract LRTNode is Initializable, ILRTNode {
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:restaking.storage.LRTNode
    struct NodeStorage {
        address manager;
        IRestakingVault vault;
        IRewardDistributor rewards;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LRTNode")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant NODE_STORAGE_LOCATION = 0x834a5b7fc03818955735e81a8fc5ec02adcc9ebe2082d1adfce19b9fc14f1a00;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    modifier onlyManager() {
        if (msg.sender != _getNodeStorage().manager) revert OnlyManager(msg.sender);
        _;
    }

    /// @inheritdoc ILRTNode
    function initialize(address manager_, address vault, address rewards) external initializer {
        NodeStorage storage $ = _getNodeStorage();
        ($.manager, $.vault, $.rewards) = (manager_, IRestakingVault(vault), IRewardDistributor(rewards));
        // The manager claims the node's rewards directly (`claimFor`, to itself), without a call through the node.
        if (rewards != address(0)) IRewardDistributor(rewards).setClaimer(manager_);
    }

    /// @inheritdoc ILRTNode
    function deposit(address asset, uint256 amount) external onlyManager returns (uint256) {
        IRestakingVault vault = _getNodeStorage().vault;
        // A standing allowance to the vault, granted on the node's first deposit of the asset (and again only if a
        // token spends down an unlimited allowance): the vault pulls only in `deposit`, which only this node calls,
        // for the amount it names (docs/lrt.md, "Nodes").
        if (IERC20(asset).allowance(address(this), address(vault)) < amount) {
            IERC20(asset).forceApprove(address(vault), type(uint256).max);
        }
        return vault.deposit(asset, amount, 1);
    }

    /// @inheritdoc ILRTNode
    function queueWithdrawal(address asset, uint256 shares) external onlyManager returns (uint256) {
        return _getNodeStorage().vault.queueWithdrawal(asset, shares);
    }

    /// @inheritdoc ILRTNode
    function completeWithdrawal(uint256 id, uint256 minAssets) external onlyManager returns (uint256 assets) {
        NodeStorage storage $ = _getNodeStorage();
        (, , address asset) = $.vault.withdrawal(id);
        assets = $.vault.completeWithdrawal(id, true, minAssets);
        if (assets != 0) IERC20(asset).safeTransfer(msg.sender, assets);
    }

    /// @inheritdoc ILRTNode
    function delegateTo(
        address registry,
        address operator,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external onlyManager {
        IOperatorRegistry(registry).delegateTo(operator, approverSignature, approverSalt);
    }

    /// @inheritdoc ILRTNode
    function claimRewards(address[] calldata tokens) external onlyManager returns (uint256[] memory) {
        return _getNodeStorage().rewards.claim(tokens, msg.sender);
    }

    /// @inheritdoc ILRTNode
    function manager() external view returns (address) {
        return _getNodeStorage().manager;
    }

    function _getNodeStorage() private pure returns (NodeStorage storage $) {
        assembly {
            $.slot := NODE_STORAGE_LOCATION
        }
    }
}
