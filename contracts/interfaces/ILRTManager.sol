// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IOperatorRegistryTypes} from "./IOperatorRegistry.sol";

/// @title ILRTManagerTypes
/// @notice Types of the LRT manager.
interface ILRTManagerTypes {
    /// @notice An accepted asset: its ERC-7575 entry point, its deposit cap in tokens, whether deposits are enabled,
    /// whether the nodes' pending rewards in it count in total value, its index and decimals.
    struct AssetConfig {
        address entryPoint;
        uint96 cap;
        uint8 index;
        uint8 decimals;
        bool enabled;
        bool countRewards;
    }

    /// @notice What the manager holds of one asset outside the nodes' active stake. `idle`: free tokens (counted in
    /// total value); `reserved`: tokens owed to fulfilled redemptions (never counted, never lent to instant redeem);
    /// `deposited`: tokens in minus tokens paid out (the cap's measure); `inFlightRedeem`: tokens expected from vault
    /// withdrawals queued to serve redemptions; `pendingRedeemValue`: ETH value at request of the unfulfilled requests;
    /// `head`/`tail`: the asset's FIFO of requests.
    struct AssetBook {
        uint128 idle;
        uint128 reserved;
        uint128 deposited;
        uint128 inFlightRedeem;
        uint128 pendingRedeemValue;
        uint64 head;
        uint64 tail;
    }

    /// @notice A node: its operator, target weight, the bitmap of vault assets it holds shares of (active or queued),
    /// whether its operator undelegated it (synced by `syncNode`), its contract and its next vault withdrawal nonce.
    struct NodeInfo {
        address operator;
        uint16 weightBps;
        uint16 assetMask;
        bool undelegated;
        address node;
        uint64 nonce;
    }

    /// @notice A node's vault shares in one asset: active, and queued in withdrawals (both in the operator's pool).
    struct Position {
        uint128 active;
        uint128 queued;
    }

    /// @notice A vault withdrawal the manager queued (or synced): node, asset index, shares, and the tokens it was
    /// expected to bring to pending redemptions (0 for a rebalance).
    struct WithdrawalRecord {
        uint8 nodeIndex;
        uint8 assetIndex;
        uint128 shares;
        uint112 forRedeem;
    }

    /// @notice The status of a redemption request. `Returned`: its asset had nothing left to pay it (no idle tokens and
    /// none in the nodes), so all its shares went back to its controller and nothing is claimable.
    enum RequestStatus {
        None,
        Pending,
        Claimable,
        Claimed,
        Returned
    }

    /// @notice A redemption request. `shares`: the LRT locked while Pending, those fulfilled once Claimable (a partial
    /// fill gave the rest back to the controller). `amount`: its ETH value at request while Pending, the tokens it
    /// pays once Claimable.
    struct Request {
        address controller;
        uint8 assetIndex;
        RequestStatus status;
        uint128 shares;
        uint128 amount;
    }

    /// @notice What `controller` can claim in one asset: LRT shares fulfilled and the tokens they pay.
    struct Claimable {
        uint128 shares;
        uint128 assets;
    }

    /// @notice The admin- and manager-set parameters. Bps of total value: `maxOperatorShareBps` (concentration),
    /// `maxSlashExposureBps`, `bufferBps` (instant-exit buffer target); instant-redeem fee from `baseFeeBps` to
    /// `maxFeeBps`; `protocolFeeBps` of rewards.
    struct Policy {
        uint16 maxOperatorShareBps;
        uint16 maxSlashExposureBps;
        uint16 bufferBps;
        uint16 baseFeeBps;
        uint16 maxFeeBps;
        uint16 protocolFeeBps;
    }

    /// @notice One node's figures in `riskReport`.
    struct NodeRisk {
        address operator;
        uint256 value;
        uint256 shareBps;
        bool concentrationOk;
        address unapprovedAsset;
        uint256 unapprovedMagnitude;
        uint256 exposure;
    }

    /// @notice The risk policy's figures and whether each holds: (a) every node's share of total value, (b) no
    /// allocation to an AVS outside the allow-list, (c) slash exposure / total value.
    struct RiskReport {
        uint256 totalValue;
        uint256 maxOperatorShareBps;
        bool concentrationOk;
        bool allocationsOk;
        uint256 exposure;
        uint256 exposureBps;
        uint256 maxSlashExposureBps;
        bool exposureOk;
        NodeRisk[] nodes;
    }
}

/// @title ILRTManagerErrors
interface ILRTManagerErrors is ILRTManagerTypes {
    /// @notice The zero address was given.
    error ZeroAddress();
    /// @notice A zero amount was given or would be paid.
    error ZeroAmount();
    /// @notice The caller is not the entry point of an accepted asset.
    error NotEntryPoint(address caller);
    /// @notice `asset` is not accepted (or not listed by the vault).
    error UnknownAsset(address asset);
    /// @notice `asset` is accepted already.
    error AssetAlreadyAdded(address asset);
    /// @notice A bounded list is full.
    error ListFull(uint256 max);
    /// @notice Deposits of `asset` are disabled.
    error DepositsDisabled(address asset);
    /// @notice The deposit would take `asset` above its cap.
    error CapExceeded(address asset, uint256 cap, uint256 totalAfter);
    /// @notice Fewer LRT shares than the caller accepts.
    error SharesBelowMinimum(uint256 shares, uint256 minShares);
    /// @notice Fewer assets than the caller accepts.
    error AssetsBelowMinimum(uint256 assets, uint256 minAssets);
    /// @notice The manager received `received` of `asset` instead of `expected` (fee-on-transfer token).
    error TransferAmountMismatch(address asset, uint256 expected, uint256 received);
    /// @notice A deposit and a redemption (request or instant) in the same transaction; `account` made the second.
    error SameTransactionEntryAndExit(address account);
    /// @notice `operator` has a node already.
    error OperatorHasNode(address operator);
    /// @notice No node at `index`.
    error UnknownNode(uint256 index);
    /// @notice Weights must be one per node and sum to 10_000.
    error InvalidWeights(uint256 count, uint256 sum);
    /// @notice A bps parameter is out of its bounds.
    error InvalidParameter(uint256 value, uint256 max);
    /// @notice Concentration: the node of `operator` would hold `shareBps` of total value, above `capBps`.
    error ConcentrationBreached(address operator, uint256 shareBps, uint256 capBps);
    /// @notice `operator` allocates `asset` to an AVS outside the allow-list.
    error UnapprovedAllocation(address operator, address asset);
    /// @notice Slash exposure would be `exposureBps` of total value, above `capBps`.
    error SlashExposureBreached(uint256 exposureBps, uint256 capBps);
    /// @notice The idle buffer of `asset` has `available` free tokens, fewer than `needed`.
    error InsufficientBuffer(address asset, uint256 available, uint256 needed);
    /// @notice No withdrawal record for `id`.
    error UnknownWithdrawal(uint256 id);
    /// @notice `caller` may not act for `controller`'s request.
    error NotController(address caller, address controller);
    /// @notice Request `id` is not claimable (status given).
    error NotClaimable(uint256 id, RequestStatus status);
    /// @notice `controller` has `available` claimable shares/assets, fewer than `requested`.
    error ClaimExceeded(address controller, uint256 available, uint256 requested);
    /// @notice Node `index` holds `held` active shares, fewer than `requested`.
    error InsufficientNodeShares(uint256 index, uint256 held, uint256 requested);
    /// @notice No node can take a deposit of `asset` (none has a weight and its operator).
    error NoNodeAvailable(address asset);
    /// @notice Node `index` was undelegated by its operator and takes no stake.
    error NodeUndelegated(uint256 index);
    /// @notice Node `index` cannot be redelegated yet: it is still delegated, not synced, or still holds shares.
    error NodeNotEmpty(uint256 index);
    /// @notice A redemption request in `asset` worth `value` exceeds what the LRT holds of that asset (idle and in the
    /// nodes) beyond the value already owed to its pending requests: `available`.
    error RedeemExceedsAssetLiquidity(address asset, uint256 value, uint256 available);
}

/// @title ILRTManagerEvents
interface ILRTManagerEvents is ILRTManagerTypes {
    /// @notice `asset` was accepted with its entry point.
    event AssetAdded(address indexed asset, address indexed entryPoint, uint8 index, uint8 decimals);
    /// @notice The cap, enabled flag or reward counting of `asset` changed.
    event AssetConfigSet(address indexed asset, uint256 cap, bool enabled, bool countRewards);
    /// @notice Node `index` was created for `operator` with `weightBps`.
    event NodeCreated(uint256 indexed index, address indexed node, address indexed operator, uint256 weightBps);
    /// @notice The target weights changed (one per node, in index order).
    event WeightsSet(uint16[] weights);
    /// @notice The policy changed.
    event PolicySet(Policy policy);
    /// @notice The AVS allow-list changed.
    event AllowedAVSsSet(address[] avss);
    /// @notice The oracle, treasury, rewards receiver or other reward tokens changed.
    event ConfigSet(address oracle, address treasury, address rewardsReceiver, address[] otherRewardTokens);
    /// @notice `caller` deposited `assets` of `asset` for `receiver`, who got `shares`; `nodeIndex` 255 = kept idle.
    event Deposited(
        address indexed caller,
        address indexed receiver,
        address indexed asset,
        uint256 assets,
        uint256 shares,
        uint256 value,
        uint8 nodeIndex
    );
    /// @notice Idle `amount` of `asset` was staked into node `nodeIndex` for `vaultShares`.
    event Staked(uint8 indexed nodeIndex, address indexed asset, uint256 amount, uint256 vaultShares);
    /// @notice A vault withdrawal was queued (or synced after a forced undelegation).
    event WithdrawalQueued(
        uint256 indexed id,
        uint8 indexed nodeIndex,
        address indexed asset,
        uint256 shares,
        uint256 forRedeem
    );
    /// @notice A vault withdrawal completed and `assets` joined the idle balance.
    event WithdrawalCompleted(uint256 indexed id, uint8 indexed nodeIndex, address indexed asset, uint256 assets);
    /// @notice Node `index`'s operator undelegated it; its shares became the listed withdrawals.
    event NodeUndelegatedSynced(uint256 indexed index, uint256[] ids);
    /// @notice Node `index`, undelegated by `oldOperator` and emptied, was delegated to `newOperator`.
    event NodeRedelegated(uint256 indexed index, address indexed oldOperator, address indexed newOperator);
    /// @notice Redemption request `id` of `shares` locked from `owner` for `controller`, worth `value` at request.
    event RedeemRequested(
        uint256 indexed id,
        address indexed controller,
        address indexed owner,
        address caller,
        address asset,
        uint256 shares,
        uint256 value
    );
    /// @notice Request `id` was fulfilled: its shares burned, `assets` reserved for its controller.
    event RedeemFulfilled(
        uint256 indexed id,
        address indexed controller,
        address indexed asset,
        uint256 shares,
        uint256 assets
    );
    /// @notice Request `id` could not be paid in full: its asset held only `assets` (idle) and nothing more in the
    /// nodes. `sharesFulfilled` of its shares were fulfilled for `assets` (also in RedeemFulfilled when not 0), and
    /// `sharesReturned` went back from the escrow to `controller`.
    event RedeemPartiallyFulfilled(
        uint256 indexed id,
        address indexed controller,
        address indexed asset,
        uint256 sharesFulfilled,
        uint256 sharesReturned,
        uint256 assets
    );
    /// @notice `controller`'s claimable `shares` paid `assets` to `receiver` (`requestId` 0 = by amount).
    event RedeemClaimed(
        uint256 indexed requestId,
        address indexed controller,
        address indexed receiver,
        address asset,
        uint256 shares,
        uint256 assets
    );
    /// @notice `owner` redeemed `shares` instantly for `assets` of `asset` (after `fee` tokens) to `receiver`.
    event InstantRedeemed(
        address indexed owner,
        address indexed receiver,
        address indexed asset,
        uint256 shares,
        uint256 assets,
        uint256 fee
    );
    /// @notice Node `nodeIndex` harvested `amount` of reward `token`; `toIdle` if it is an accepted asset.
    event Harvested(uint8 indexed nodeIndex, address indexed token, uint256 amount, bool toIdle);
    /// @notice The protocol fee on harvested rewards was minted: `shares` to the treasury for `value`.
    event FeeMinted(address indexed treasury, uint256 shares, uint256 value);
    /// @notice The cached slash exposure of node `index` was refreshed.
    event ExposureRefreshed(uint256 indexed index, uint256 exposure);
}

/// @title ILRTManager
/// @notice The accounting core of the liquid restaking token: accepted assets, nodes and their weights, total value
/// at two prices (entry gross of pending slashes, exit net of them), deposits through ERC-7575 entry points, ERC-7540
/// redemption requests, instant redemption from an idle buffer, harvest, and an on-chain risk policy (docs/lrt.md).
/// Entry-point functions take the original caller: the entry point is a facade the manager trusts.
interface ILRTManager is ILRTManagerErrors, ILRTManagerEvents {
    /// @notice Accepts `asset` (listed by the vault, priced by the oracle) with its entry point. Role: DEFAULT_ADMIN.
    /// @param asset The asset.
    /// @param entryPoint Its LRTAssetVault.
    /// @param cap The deposit cap in tokens.
    function addAsset(address asset, address entryPoint, uint256 cap) external;

    /// @notice Sets the cap, enabled flag and reward counting of `asset`. Role: MANAGER_ROLE.
    /// @param asset An accepted asset.
    /// @param cap The deposit cap in tokens.
    /// @param enabled Whether deposits are accepted.
    /// @param countRewards Whether the nodes' pending rewards in `asset` count in total value (it must be a reward
    /// token of the distributor, else this reverts with the distributor's RewardTokenNotAllowed). Turning it off first
    /// harvests, so that the rewards counted until then stay in the rate; turning it on adds the nodes' pending rewards
    /// in `asset` to the rate at once (an admin decision, timelocked in deployments).
    function setAssetConfig(address asset, uint256 cap, bool enabled, bool countRewards) external;

    /// @notice Deploys a node (BeaconProxy, CREATE2 with its index as salt) and delegates it to `operator`. Role:
    /// MANAGER_ROLE. At most 16 nodes. The node's address is known before it exists (sdk/lrt.ts
    /// `predictNodeAddress(manager, index)`, index = `nodeCount()`), so an operator's delegation approver signs for
    /// it beforehand; the registry's errors (SignatureExpired, SaltSpent, InvalidSignature) surface as they are.
    /// @param operator A registered operator with no node yet.
    /// @param weightBps Its target weight (call `setWeights` to make the weights sum to 10_000).
    /// @param approverSignature The operator's delegation approver's EIP-712 DelegationApproval signature for the
    /// node's address, with its expiry (empty with expiry 0 if the operator has no approver).
    /// @param approverSalt A salt the approver has not spent (ignored without an approver).
    /// @return index The node's index.
    function createNode(
        address operator,
        uint16 weightBps,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external returns (uint256 index);

    /// @notice Delegates node `index`, which its operator undelegated (synced) and whose withdrawals have all completed,
    /// to `operator`, so that the slot serves again. Role: MANAGER_ROLE.
    /// @param index The node.
    /// @param operator A registered operator with no node yet (or the node's former operator).
    /// @param approverSignature The operator's delegation approver's EIP-712 DelegationApproval signature for the
    /// node's address (`node(index).node`), with its expiry (empty with expiry 0 if the operator has no approver).
    /// @param approverSalt A salt the approver has not spent (ignored without an approver).
    function redelegateNode(
        uint256 index,
        address operator,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external;

    /// @notice Sets every node's target weight. Role: MANAGER_ROLE.
    /// @param weights One per node, summing to 10_000.
    function setWeights(uint16[] calldata weights) external;

    /// @notice Sets the concentration and exposure caps. Role: MANAGER_ROLE.
    /// @param maxOperatorShareBps The most one node may hold of total value.
    /// @param maxSlashExposureBps The most the allow-listed AVSs may slash, as a share of total value.
    function setRiskCaps(uint16 maxOperatorShareBps, uint16 maxSlashExposureBps) external;

    /// @notice Sets the AVS allow-list. Role: MANAGER_ROLE. At most 16.
    /// @param avss The AVSs whose slashing the LRT accepts.
    function setAllowedAVSs(address[] calldata avss) external;

    /// @notice Sets the buffer target and the instant-redeem fees. Role: DEFAULT_ADMIN. `baseFeeBps` must be at least
    /// the oracle's largest move per update (docs/lrt.md, "Instant redemption").
    /// @param bufferBps Target idle buffer, bps of total value.
    /// @param baseFeeBps Fee while the buffer is at its target.
    /// @param maxFeeBps Fee when the buffer is empty (at most 10%).
    function setBuffer(uint16 bufferBps, uint16 baseFeeBps, uint16 maxFeeBps) external;

    /// @notice Sets the protocol fee on rewards (at most 20%), after harvesting the pending rewards at the old fee (so
    /// that the change does not move the rate). Role: DEFAULT_ADMIN.
    /// @param protocolFeeBps The fee.
    function setProtocolFee(uint16 protocolFeeBps) external;

    /// @notice Sets the oracle, treasury, rewards receiver and the other reward tokens harvest sends to the receiver.
    /// Role: DEFAULT_ADMIN.
    /// @param oracle The ILRTOracle.
    /// @param treasury Receives the protocol fee in LRT.
    /// @param rewardsReceiver Receives reward tokens that are not accepted assets.
    /// @param otherRewardTokens At most 8 such tokens.
    function setConfig(
        address oracle,
        address treasury,
        address rewardsReceiver,
        address[] calldata otherRewardTokens
    ) external;

    /// @notice Queues a vault withdrawal of `shares` of `asset` from node `nodeIndex`; the tokens return to idle.
    /// Role: MANAGER_ROLE. Group OPERATIONS.
    /// @param nodeIndex The node.
    /// @param asset The asset.
    /// @param shares Vault shares.
    /// @return id The withdrawal.
    function rebalance(uint8 nodeIndex, address asset, uint256 shares) external returns (uint256 id);

    /// @notice Stakes `amount` of free idle `asset` into the node furthest below its weight that the policy allows.
    /// Role: MANAGER_ROLE. Group OPERATIONS.
    /// @param asset The asset.
    /// @param amount The tokens.
    function stakeIdle(address asset, uint256 amount) external;

    /// @notice Completes vault withdrawals `ids` once ready; their tokens join the idle balance. Anyone. Group
    /// OPERATIONS.
    /// @param ids The withdrawals (queued by the manager or synced).
    function completeWithdrawals(uint256[] calldata ids) external;

    /// @notice Records the withdrawals node `index`'s operator forced by undelegating it. Anyone.
    /// @param index The node.
    function syncNode(uint256 index) external;

    /// @notice Recomputes node `index`'s slash exposure cache (what deposit checks use for other nodes). Anyone.
    /// @param index The node.
    function refreshExposure(uint256 index) external;

    /// @notice Processes up to `maxCount` requests of `asset` FIFO: fulfils from idle, else queues the vault
    /// withdrawals needed from the nodes most over their weight and stops. When the nodes hold none of `asset` (every
    /// withdrawal of it has completed) and idle cannot pay the head, the head is fulfilled in part: idle pays the
    /// pro-rata part of its shares (rounded against the requester) and the rest go back to its controller
    /// (`RedeemPartiallyFulfilled`; with no idle, all of them: status Returned). Nothing is fulfilled while pending
    /// slash requests reserve more than 1 bps of the total value. Anyone. Group OPERATIONS.
    /// @param asset The asset.
    /// @param maxCount The most requests to process.
    /// @return processed The number of requests fulfilled (in full or in part) or returned.
    function processRequests(address asset, uint256 maxCount) external returns (uint256 processed);

    /// @notice Redeems `shares` of the caller now from the idle buffer of `asset`, for a fee rising as the buffer
    /// drains. Group INSTANT_REDEEM.
    /// @param shares LRT shares.
    /// @param asset The asset paid.
    /// @param minOut The fewest tokens accepted.
    /// @param receiver Receives the tokens.
    /// @return assets The tokens paid.
    function instantRedeem(
        uint256 shares,
        address asset,
        uint256 minOut,
        address receiver
    ) external returns (uint256 assets);

    /// @notice Claims the nodes' rewards: accepted assets join idle, the protocol fee is minted to the treasury at the
    /// rate (the rate does not move), other tokens go to the rewards receiver. Anyone. Group OPERATIONS.
    function harvest() external;

    /// @notice Entry point: deposits `assets` pulled from `caller` (entry-point allowance) for `receiver`.
    /// @param caller The original caller.
    /// @param assets Tokens.
    /// @param receiver Receives the LRT.
    /// @param minShares The fewest shares accepted.
    /// @return shares LRT minted.
    function deposit(
        address caller,
        uint256 assets,
        address receiver,
        uint256 minShares
    ) external returns (uint256 shares);

    /// @notice Entry point: mints exactly `shares` for the tokens they cost (rounded up), pulled from `caller`.
    /// @param caller The original caller.
    /// @param shares LRT to mint.
    /// @param receiver Receives them.
    /// @return assets Tokens pulled.
    function mint(address caller, uint256 shares, address receiver) external returns (uint256 assets);

    /// @notice Entry point: locks `shares` of `owner` (spending `spender`'s allowance unless `spender` is `owner`) in a
    /// request of `controller`, worth the exit value now.
    /// @param caller The original caller.
    /// @param spender `owner` if the caller is the owner or its operator, else the caller.
    /// @param shares LRT shares.
    /// @param controller The request's controller.
    /// @param owner The holder.
    /// @return id The request id.
    function requestRedeem(
        address caller,
        address spender,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 id);

    /// @notice Entry point: pays `controller`'s claimable `shares` to `receiver` (the entry point checked the caller).
    /// @param shares Claimable shares.
    /// @param receiver Receives the tokens.
    /// @param controller The controller.
    /// @return assets Tokens paid.
    function claimShares(uint256 shares, address receiver, address controller) external returns (uint256 assets);

    /// @notice Entry point: pays exactly `assets` of `controller`'s claimable tokens to `receiver`.
    /// @param assets Tokens.
    /// @param receiver Receives them.
    /// @param controller The controller.
    /// @return shares Claimable shares used (rounded up).
    function claimAssets(uint256 assets, address receiver, address controller) external returns (uint256 shares);

    /// @notice Entry point: pays claimable request `id` to `receiver` (the entry point checked the caller).
    /// @param id The request.
    /// @param receiver Receives the tokens.
    /// @param minAssetsOut The fewest tokens accepted.
    /// @return assets Tokens paid.
    function claimRequest(uint256 id, address receiver, uint256 minAssetsOut) external returns (uint256 assets);

    /// @notice Total value in wei: the entry price (pools gross of pending slashes, rounded up) or the exit price
    /// (net of them, rounded down).
    /// @param exit True for the exit price.
    /// @return The value.
    function totalValue(bool exit) external view returns (uint256);

    /// @notice Total value at the exit price, in tokens of `asset`.
    /// @param asset The asset.
    /// @return Tokens.
    function totalAssets(address asset) external view returns (uint256);

    /// @notice The AMM rate-provider face: the exit value of 1e18 LRT in wei.
    /// @return The rate.
    function getRate() external view returns (uint256);

    /// @notice LRT minted for `assets` of `asset` now.
    /// @param asset The asset.
    /// @param assets Tokens.
    /// @return LRT shares.
    function previewDeposit(address asset, uint256 assets) external view returns (uint256);

    /// @notice Tokens of `asset` that minting `shares` costs now.
    /// @param asset The asset.
    /// @param shares LRT shares.
    /// @return Tokens.
    function previewMint(address asset, uint256 shares) external view returns (uint256);

    /// @notice `assets` of `asset` in LRT at the exit price.
    /// @param asset The asset.
    /// @param assets Tokens.
    /// @return LRT shares.
    function convertToShares(address asset, uint256 assets) external view returns (uint256);

    /// @notice `shares` in tokens of `asset` at the exit price.
    /// @param asset The asset.
    /// @param shares LRT shares.
    /// @return Tokens.
    function convertToAssets(address asset, uint256 shares) external view returns (uint256);

    /// @notice Tokens of `asset` a deposit may bring now (0 when paused or disabled).
    /// @param asset The asset.
    /// @return Tokens.
    function maxDeposit(address asset) external view returns (uint256);

    /// @notice The risk policy's figures, computed afresh, and whether each holds.
    /// @return report The report.
    function riskReport() external view returns (RiskReport memory report);

    /// @notice The entry point of `asset` (address(0) if not accepted).
    /// @param asset The asset.
    /// @return The entry point.
    function entryPoint(address asset) external view returns (address);

    /// @notice The configuration of `asset`.
    /// @param asset The asset.
    /// @return The configuration.
    function assetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice The book of `asset`.
    /// @param asset The asset.
    /// @return The book.
    function assetBook(address asset) external view returns (AssetBook memory);

    /// @notice Node `index`.
    /// @param index The index.
    /// @return The node.
    function node(uint256 index) external view returns (NodeInfo memory);

    /// @notice The number of nodes.
    /// @return The count.
    function nodeCount() external view returns (uint256);

    /// @notice Node `index`'s vault shares in `asset`.
    /// @param index The node.
    /// @param asset The asset.
    /// @return The position.
    function position(uint256 index, address asset) external view returns (Position memory);

    /// @notice Withdrawal record `id`.
    /// @param id The vault withdrawal id.
    /// @return The record (shares 0 = none).
    function withdrawalRecord(uint256 id) external view returns (WithdrawalRecord memory);

    /// @notice Request `id`.
    /// @param id The request.
    /// @return The request.
    function request(uint256 id) external view returns (Request memory);

    /// @notice The number of redemption requests made (ids are 1..count).
    /// @return The count.
    function requestCount() external view returns (uint256);

    /// @notice What `controller` can claim in `asset`.
    /// @param asset The asset.
    /// @param controller The controller.
    /// @return The claimable shares and assets.
    function claimable(address asset, address controller) external view returns (Claimable memory);

    /// @notice The policy.
    /// @return The policy.
    function policy() external view returns (Policy memory);

    /// @notice The AVS allow-list.
    /// @return The AVSs.
    function allowedAVSs() external view returns (address[] memory);

    /// @notice The LRT.
    /// @return The token.
    function token() external view returns (address);
}
