// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IRestakingVaultTypes
/// @notice Types of the restaking vault.
interface IRestakingVaultTypes {
    /// @notice A listed asset. `index` is the asset's position in `assets()` (its bit in a staker's asset mask).
    struct AssetConfig {
        uint112 cap;
        uint112 totalDeposited;
        uint8 index;
        bool listed;
        bool depositsEnabled;
    }

    /// @notice A pool `(operator, asset)`. Operator address(0) is the undelegated pool.
    /// @param totalAssets Assets the pool holds, including assets reserved by pending slash requests (at most the
    /// asset's total deposits, which fit 112 bits).
    /// @param totalShares Shares of the pool, including queued withdrawal shares.
    /// @param fullySlashed The operator lost more than 99.9999% of its magnitude in the asset: the pool takes no new
    /// shares, ever (docs/slashing.md, "Fully slashed operators").
    /// @param queuedShares Shares held by queued withdrawals (slashable, earning nothing).
    /// @param pendingSlash Assets reserved by pending slash requests; shares are priced on totalAssets - pendingSlash.
    /// @param pendingRequests Pending slash requests with a reservation on the pool: while non-zero the pool takes no
    /// new shares and pays no exits.
    struct Pool {
        uint112 totalAssets;
        uint128 totalShares;
        bool fullySlashed;
        uint128 queuedShares;
        uint112 pendingSlash;
        uint16 pendingRequests;
    }

    /// @notice A staker: its operator (address(0) = undelegated), the bitmap of assets it holds shares of, and the
    /// nonce of its next withdrawal.
    struct Staker {
        address operator;
        uint16 assetMask;
        uint64 withdrawalNonce;
    }

    /// @notice A queued withdrawal. Its id is `uint256(uint160(staker)) << 96 | nonce`. `readyAt` is fixed when it
    /// is queued (`startTime` + the withdrawal delay then in force): a later change of the delay does not move it.
    struct Withdrawal {
        address operator;
        uint40 startTime;
        uint8 assetIndex;
        uint40 readyAt;
        uint128 shares;
    }
}

/// @title IRestakingVaultErrors
interface IRestakingVaultErrors {
    /// @notice An amount or share count of zero was given.
    error ZeroAmount();
    /// @notice The zero address was given where an account or contract is required.
    error ZeroAddress();
    /// @notice `asset` is not listed in the vault.
    error AssetNotListed(address asset);
    /// @notice `asset` is listed already.
    error AssetAlreadyListed(address asset);
    /// @notice The asset list is full.
    error TooManyAssets(uint256 max);
    /// @notice New deposits of `asset` are disabled.
    error DepositsDisabled(address asset);
    /// @notice A deposit would take the asset's total above its cap.
    error CapExceeded(address asset, uint256 cap, uint256 totalAfter);
    /// @notice The vault received a different amount than the one transferred (fee-on-transfer or rebasing token).
    error TransferAmountMismatch(address asset, uint256 expected, uint256 received);
    /// @notice Fewer shares would be minted than the caller accepts (or none at all).
    error SharesBelowMinimum(uint256 shares, uint256 minShares);
    /// @notice The staker holds fewer shares than requested.
    error InsufficientShares(address staker, address asset, uint256 held, uint256 requested);
    /// @notice No queued withdrawal has this id (never queued, or completed already).
    error WithdrawalNotFound(uint256 id);
    /// @notice The withdrawal's delay has not passed.
    error WithdrawalNotReady(uint256 id, uint256 readyAt);
    /// @notice Withdrawal `id` became ready while its pool's request epoch held new requests off: it completes from
    /// `openAt`, once any AVS the epoch held off could request (docs/slashing.md, "Pending requests close the pool").
    error WithdrawalGated(uint256 id, uint256 openAt);
    /// @notice The caller is neither the withdrawal's staker nor the withdrawer the staker named.
    error NotWithdrawer(uint256 id, address caller);
    /// @notice The withdrawal delay is outside the protocol bounds.
    error WithdrawalDelayOutOfBounds(uint256 delay, uint256 min, uint256 max);
    /// @notice Only the operator registry may call this function.
    error OnlyRegistry(address caller);
    /// @notice Only the slashing manager may call this function.
    error OnlySlashingManager(address caller);
    /// @notice The staker is delegated already.
    error AlreadyDelegated(address staker, address operator);
    /// @notice The staker is not delegated.
    error NotDelegated(address staker);
    /// @notice Two array arguments differ in length.
    error LengthMismatch(uint256 a, uint256 b);
    /// @notice A slash reservation was asked against the undelegated pool or with an invalid magnitude.
    error InvalidSlash(address operator, address asset);
    /// @notice Pool `(operator, asset)` has `pendingRequests` pending slash requests: it takes no new shares (deposits,
    /// delegations, completions as shares) and pays no withdrawal until they are executed, vetoed or cancelled.
    error PoolSlashPending(address operator, address asset, uint256 pendingRequests);
    /// @notice The operator is fully slashed in `asset`: its pool takes no new shares.
    error PoolFullySlashed(address operator, address asset);
    /// @notice A withdrawal would pay fewer assets than the caller accepts.
    error AssetsBelowMinimum(uint256 assets, uint256 minAssets);
    /// @notice The slashing manager cannot be replaced while `openReservations` slash reservations are open.
    error SlashReservationsOpen(uint256 openReservations);
    /// @notice Pool `(operator, asset)` has the most pending slash requests it can count.
    error TooManyPendingRequests(address operator, address asset);
    /// @notice No asset is listed at `index`.
    error AssetIndexOutOfRange(uint256 index, uint256 count);
    /// @notice A release or execution asked for more than the pool has reserved.
    error SlashReservationExceeded(address operator, address asset, uint256 reserved, uint256 requested);
    /// @notice `poolBalancesOf` was given packed pairs whose length in bytes is not a multiple of 40.
    error PackedPairsLength(uint256 length);
}

/// @title IRestakingVaultEvents
interface IRestakingVaultEvents {
    /// @notice `asset` was listed at `index` with a deposit cap.
    event AssetAdded(address indexed asset, uint8 index, uint256 cap);
    /// @notice The deposit cap of `asset` changed.
    event AssetCapSet(address indexed asset, uint256 cap);
    /// @notice New deposits of `asset` were enabled or disabled.
    event AssetDepositsEnabledSet(address indexed asset, bool enabled);
    /// @notice The withdrawal delay changed.
    event WithdrawalDelaySet(uint256 delay);
    /// @notice The operator registry, slashing manager or rewards hook address changed.
    event ModuleSet(bytes32 indexed module, address indexed module_);
    /// @notice `staker` named `withdrawer` to complete its withdrawals (address(0) = only the staker).
    event WithdrawerSet(address indexed staker, address indexed withdrawer);
    /// @notice `staker` deposited `assets` into pool `(operator, asset)` and received `shares`.
    event Deposited(
        address indexed staker,
        address indexed operator,
        address indexed asset,
        uint256 assets,
        uint256 shares
    );
    /// @notice `staker` delegated to `operator`.
    event Delegated(address indexed staker, address indexed operator);
    /// @notice `staker` left `operator`; its shares were queued for withdrawal.
    event Undelegated(address indexed staker, address indexed operator);
    /// @notice Shares of `staker` moved from pool `(fromOperator, asset)` to `(toOperator, asset)`.
    event SharesMoved(
        address indexed staker,
        address indexed asset,
        address fromOperator,
        address toOperator,
        uint256 sharesBurned,
        uint256 assets,
        uint256 sharesMinted
    );
    /// @notice A withdrawal was queued: `shares` of pool `(operator, asset)` left `staker` and are counted as queued.
    event WithdrawalQueued(
        uint256 indexed id,
        address indexed staker,
        address indexed operator,
        address asset,
        uint256 shares,
        uint256 startTime,
        uint256 readyAt
    );
    /// @notice A withdrawal completed: its shares left pool `(operator, asset)` for `assets`; as tokens to `receiver`,
    /// or re-deposited into the staker's pool `(newOperator, asset)` as `sharesMinted`.
    event WithdrawalCompleted(
        uint256 indexed id,
        address indexed staker,
        address indexed receiver,
        address operator,
        address asset,
        uint256 shares,
        uint256 assets,
        bool asTokens,
        address newOperator,
        uint256 sharesMinted
    );
    /// @notice The slashing manager reserved `amount` of pool `(operator, asset)` for a pending slash request; the
    /// pool now has `pendingSlash` reserved by `pendingRequests` requests.
    event SlashReserved(
        address indexed operator,
        address indexed asset,
        uint256 amount,
        uint256 pendingSlash,
        uint256 pendingRequests
    );
    /// @notice A reservation of `amount` was returned to pool `(operator, asset)` (veto, cancel or expiry).
    event SlashReleased(
        address indexed operator,
        address indexed asset,
        uint256 amount,
        uint256 pendingSlash,
        uint256 pendingRequests
    );
    /// @notice `amount` of pool `(operator, asset)` was slashed and sent to the slashing manager's escrow;
    /// `fullySlashed` is true once the operator is fully slashed in the asset (the pool closes for good).
    event Slashed(
        address indexed operator,
        address indexed asset,
        uint256 amount,
        uint256 totalAssets,
        uint256 pendingRequests,
        bool fullySlashed
    );
}

/// @title IRestakingVault
/// @notice Custody of every restaked ERC-20 asset, the pools `(operator, asset)` and their shares, and the
/// withdrawal queue. The only contract that moves staked tokens.
interface IRestakingVault is IRestakingVaultTypes, IRestakingVaultErrors, IRestakingVaultEvents {
    /// @notice Lists `asset` with a deposit cap. Role: ASSET_ADMIN_ROLE. At most `MAX_ASSETS` assets.
    /// @param asset A non-rebasing ERC-20 that transfers exact amounts.
    /// @param cap The most the vault may hold of it from deposits.
    function addAsset(address asset, uint256 cap) external;

    /// @notice Sets the deposit cap of `asset`. Role: ASSET_ADMIN_ROLE.
    /// @param asset A listed asset.
    /// @param cap The new cap (may be below the current total; it only stops new deposits).
    function setAssetCap(address asset, uint256 cap) external;

    /// @notice Enables or disables new deposits of `asset`. Role: ASSET_ADMIN_ROLE. Withdrawals are unaffected.
    /// @param asset A listed asset.
    /// @param enabled Whether new deposits are accepted.
    function setDepositsEnabled(address asset, bool enabled) external;

    /// @notice Sets the withdrawal delay within [MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY]. Role: DEFAULT_ADMIN_ROLE.
    /// Withdrawals already queued keep their readyAt; `latestReadyAt` keeps counting them.
    /// @param delay The new delay in seconds; applies to withdrawals queued from now on.
    function setWithdrawalDelay(uint256 delay) external;

    /// @notice Sets the operator registry. Role: DEFAULT_ADMIN_ROLE.
    /// @param registry The registry, the only caller of `delegate` and `undelegate`.
    function setRegistry(address registry) external;

    /// @notice Sets the slashing manager. Role: DEFAULT_ADMIN_ROLE. Refused while any slash reservation is open
    /// (their pools would stay closed and priced net for good).
    /// @param slashingManager The slashing manager, the only caller of the slash functions.
    function setSlashingManager(address slashingManager) external;

    /// @notice Sets the rewards hook (address(0) for none). Role: DEFAULT_ADMIN_ROLE.
    /// @param hook The contract told before every change of a staker's active shares in a delegated pool.
    function setRewardsHook(address hook) external;

    /// @notice Names `withdrawer` as an account that may complete the caller's withdrawals and receive their tokens.
    /// @param withdrawer The account, or address(0) so that only the staker may.
    function setWithdrawer(address withdrawer) external;

    /// @notice Deposits `amount` of `asset` into the caller's pool `(delegatedTo(caller), asset)`.
    /// @param asset A listed asset with deposits enabled.
    /// @param amount The amount to pull from the caller (the vault must receive exactly this much).
    /// @param minShares The fewest shares the caller accepts.
    /// @return shares The shares minted.
    function deposit(address asset, uint256 amount, uint256 minShares) external returns (uint256 shares);

    /// @notice Like `deposit`, with an EIP-2612 permit for the vault first. A permit that fails (for example because
    /// it was used by a front-runner) is ignored; the deposit then needs the allowance to exist.
    /// @param asset A listed asset with deposits enabled.
    /// @param amount The amount to deposit.
    /// @param minShares The fewest shares the caller accepts.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's v.
    /// @param r The permit signature's r.
    /// @param s The permit signature's s.
    /// @return shares The shares minted.
    function depositWithPermit(
        address asset,
        uint256 amount,
        uint256 minShares,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 shares);

    /// @notice Queues a withdrawal of `shares` of the caller's `asset` position. The shares stay in the pool's
    /// total (slashable) and stop earning rewards.
    /// @param asset The asset.
    /// @param shares The shares to withdraw.
    /// @return id The withdrawal's id.
    function queueWithdrawal(address asset, uint256 shares) external returns (uint256 id);

    /// @notice Queues one withdrawal per `(assets[i], shares[i])`.
    /// @param assets The assets.
    /// @param shares The shares per asset.
    /// @return ids The withdrawals' ids.
    function queueWithdrawals(
        address[] calldata assets,
        uint256[] calldata shares
    ) external returns (uint256[] memory ids);

    /// @notice Completes withdrawal `id` once ready, by its staker or the staker's withdrawer. Refused while a slash
    /// request is pending on the withdrawal's pool (`PoolSlashPending`): the exit waits for the request to resolve, so
    /// that a veto or cancel leaves the leaver whole and an execution is borne by it. A withdrawal that became ready
    /// while its pool's request epoch held new requests off (at or after JOIN_WINDOW from the epoch's start) completes
    /// only from GATE_CYCLE + EXIT_MARGIN after that start, and one that was ready before the current epoch's join
    /// window closed only from EXIT_MARGIN after its start (`WithdrawalGated`), so that an AVS the gate held off has
    /// EXIT_MARGIN to request before the withdrawal leaves; `withdrawableAmount` reports that time.
    /// @param id The withdrawal id.
    /// @param receiveAsTokens True: pay the pool's current value of the shares in tokens to the caller. False:
    /// re-deposit that value into the staker's current pool (completes a redelegation).
    /// @param minAssets The fewest assets the shares may be worth (reverts `AssetsBelowMinimum` below it).
    /// @return amount Tokens paid, or shares minted in the new pool.
    function completeWithdrawal(uint256 id, bool receiveAsTokens, uint256 minAssets) external returns (uint256 amount);

    /// @notice Delegates `staker` to `operator`, moving its undelegated shares into the operator's pools. Registry only.
    /// @param staker The staker (must not be delegated).
    /// @param operator A registered operator.
    function delegate(address staker, address operator) external;

    /// @notice Undelegates `staker`, queueing a withdrawal of every share it holds. Registry only. Paused with the
    /// delegation group and with the withdrawals group (it queues withdrawals).
    /// @param staker A delegated staker.
    /// @return operator The operator it left.
    /// @return ids The queued withdrawals.
    function undelegate(address staker) external returns (address operator, uint256[] memory ids);

    /// @notice Reserves the value of `magnitude / freeMagnitude` of pool `(operator, asset)`'s net assets for a
    /// slash request, rounded down, and counts the request on the pool. A reservation worth 0 assets changes nothing
    /// and returns 0 (the manager then takes no magnitude). Slashing manager only.
    /// @param operator The operator (not address(0)).
    /// @param asset The asset.
    /// @param magnitude The magnitude the request takes.
    /// @param freeMagnitude The operator's magnitude not yet reserved by pending requests (>= magnitude).
    /// @return amount The assets reserved.
    function reserveSlash(
        address operator,
        address asset,
        uint256 magnitude,
        uint256 freeMagnitude
    ) external returns (uint256 amount);

    /// @notice Returns `amount` of a reservation to pool `(operator, asset)` and uncounts its request. Slashing
    /// manager only.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param amount The reserved assets to release.
    function releaseSlash(address operator, address asset, uint256 amount) external;

    /// @notice Takes `amount` reserved assets out of pool `(operator, asset)`, uncounts its request and sends them to
    /// the slashing manager, in O(1) whatever the number of stakers. Slashing manager only.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param amount The reserved assets to take.
    /// @param fullySlashed Whether the operator is now fully slashed in `asset` (closes the pool for good).
    function executeSlash(address operator, address asset, uint256 amount, bool fullySlashed) external;

    /// @notice The listed assets, in index order.
    /// @return The asset addresses.
    function assets() external view returns (address[] memory);

    /// @notice The configuration of `asset` (all zero if not listed).
    /// @param asset The asset.
    /// @return The configuration.
    function assetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice Whether `asset` is listed.
    /// @param asset The asset.
    /// @return True if listed.
    function isAsset(address asset) external view returns (bool);

    /// @notice The asset at `index` of the list.
    /// @param index The index.
    /// @return The asset.
    function assetAt(uint256 index) external view returns (address);

    /// @notice The withdrawal delay in seconds.
    /// @return The delay.
    function withdrawalDelay() external view returns (uint256);

    /// @notice The latest readyAt of any withdrawal queued so far or queued now: now + withdrawalDelay, or later if the
    /// delay was shortened while withdrawals queued under a longer one are still waiting. Changes that must not bite
    /// before a staker who starts leaving when they are announced has left (allocation increases, loosening AVS
    /// changes) take effect after it.
    /// @return The timestamp.
    function latestReadyAt() external view returns (uint256);

    /// @notice The number of open slash reservations (one per pending request and pool) across all pools.
    /// @return The count.
    function openSlashReservations() external view returns (uint256);

    /// @notice The operator registry, slashing manager and rewards hook.
    /// @return registry The registry.
    /// @return slashingManager The slashing manager.
    /// @return rewardsHook The rewards hook.
    function modules() external view returns (address registry, address slashingManager, address rewardsHook);

    /// @notice The state of pool `(operator, asset)`.
    /// @param operator The operator (address(0) = undelegated).
    /// @param asset The asset.
    /// @return The pool.
    function pool(address operator, address asset) external view returns (Pool memory);

    /// @notice The three balances of pool `(operator, asset)` that value shares of it, as plain return values: the
    /// same figures as `pool(operator, asset)`'s fields of those names, without encoding (and decoding) the whole
    /// `Pool`. The LRT's valuation reads one pool per node and asset with it (docs/gas.md).
    /// @param operator The operator (address(0) = undelegated).
    /// @param asset The asset.
    /// @return totalAssets The pool's assets, gross of pending slashes (`Pool.totalAssets`).
    /// @return totalShares The pool's shares (`Pool.totalShares`).
    /// @return pendingSlash The assets that pending slash requests reserve (`Pool.pendingSlash`).
    function poolBalances(
        address operator,
        address asset
    ) external view returns (uint112 totalAssets, uint128 totalShares, uint112 pendingSlash);

    /// @notice `poolBalances` of many pools in one call: for each (operator, asset) pair of `pairs`, its pool's
    /// `totalAssets`, `totalShares` and `pendingSlash`, three words per pair in the pairs' order. The LRT's valuation
    /// reads every node's pools with one call (docs/gas.md, "Fifth pass"); both sides encode by hand.
    /// @param pairs Packed pairs: per pair the operator's 20 bytes, then the asset's 20 bytes (40 bytes a pair).
    /// @return balances `3 * pairs.length / 40` words: pair k's three balances at `3k`, `3k + 1`, `3k + 2`.
    function poolBalancesOf(bytes calldata pairs) external view returns (uint256[] memory balances);

    /// @notice The operator `staker` is delegated to (address(0) = none).
    /// @param staker The staker.
    /// @return The operator.
    function delegatedTo(address staker) external view returns (address);

    /// @notice The staker record: operator, asset mask, next withdrawal nonce.
    /// @param staker The staker.
    /// @return The record.
    function stakerInfo(address staker) external view returns (Staker memory);

    /// @notice The withdrawer `staker` named (address(0) = none).
    /// @param staker The staker.
    /// @return The withdrawer.
    function withdrawerOf(address staker) external view returns (address);

    /// @notice The staker's active position in `asset`: its pool, shares and their value now (net of pending slashes).
    /// @param staker The staker.
    /// @param asset The asset.
    /// @return operator The pool's operator.
    /// @return shares The staker's shares.
    /// @return assets_ The shares' value, rounded down.
    function position(
        address staker,
        address asset
    ) external view returns (address operator, uint256 shares, uint256 assets_);

    /// @notice The staker's shares in `asset`, with its pool's active shares (what a reward distributor needs).
    /// @param staker The staker.
    /// @param asset The asset.
    /// @return operator The pool's operator.
    /// @return shares The staker's active shares.
    /// @return poolActiveShares The pool's total shares minus its queued shares.
    function activeShares(
        address staker,
        address asset
    ) external view returns (address operator, uint256 shares, uint256 poolActiveShares);

    /// @notice Every position of `staker` with its pool's active shares: what a reward distributor needs to settle
    /// all of a staker's pools in one call.
    /// @param staker The staker.
    /// @return operator The staker's operator (the pools are `(operator, assets_[i])`).
    /// @return assets_ The assets the staker holds shares of.
    /// @return shares The staker's active shares per asset.
    /// @return poolActiveShares Each pool's total shares minus its queued shares.
    function activePositions(
        address staker
    )
        external
        view
        returns (
            address operator,
            address[] memory assets_,
            uint256[] memory shares,
            uint256[] memory poolActiveShares
        );

    /// @notice The active stake of pool `(operator, asset)`: the value of its non-queued shares, net of pending slashes.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @return The assets.
    function operatorStake(address operator, address asset) external view returns (uint256);

    /// @notice The net value of pool `(operator, asset)`: totalAssets - pendingSlash.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @return The assets.
    function poolNetAssets(address operator, address asset) external view returns (uint256);

    /// @notice A queued withdrawal (all zero once completed or if unknown).
    /// @param id The id.
    /// @return staker The staker encoded in the id.
    /// @return withdrawal The record.
    /// @return asset The asset.
    function withdrawal(uint256 id) external view returns (address staker, Withdrawal memory withdrawal, address asset);

    /// @notice What withdrawal `id` would pay in tokens if completed now, and when it can complete.
    /// @param id The id.
    /// @return assets_ The tokens.
    /// @return readyAt The earliest completion time: the withdrawal's ready time or, later, the end of the hold of its
    /// pool's current request epoch (see `completeWithdrawal`; a pending request on the pool holds it further, until it
    /// resolves).
    function withdrawableAmount(uint256 id) external view returns (uint256 assets_, uint256 readyAt);

    /// @notice Converts `assets` to shares of pool `(operator, asset)` as a deposit would (rounded down); 0 while the
    /// pool has a pending slash (a deposit reverts PoolSlashPending) or is fully slashed (PoolFullySlashed).
    /// @param operator The operator.
    /// @param asset The asset.
    /// @param assets_ The assets.
    /// @return The shares.
    function previewDeposit(address operator, address asset, uint256 assets_) external view returns (uint256);
}
