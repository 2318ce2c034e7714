// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ISlashingManagerTypes
interface ISlashingManagerTypes {
    /// @notice What an AVS registers (and updates). `assets` are vault assets; `recipient` address(0) burns.
    struct AVSParams {
        address slasher;
        address vetoCommittee;
        uint32 vetoWindow;
        uint64 maxSlashWad;
        address recipient;
        address registrar;
        address[] assets;
    }

    /// @notice The configuration of an AVS. `assetMask` has bit i set for vault asset index i; `id` numbers AVSs from
    /// 1 in registration order; `termsId` names the SlashTerms (veto committee and recipient) that requests made now
    /// carry.
    struct AVSConfig {
        address slasher;
        uint64 maxSlashWad;
        uint32 vetoWindow;
        address vetoCommittee;
        uint16 assetMask;
        uint32 id;
        uint32 termsId;
        address recipient;
        address registrar;
        bool registered;
    }

    /// @notice A queued AVS configuration change: the hash of its AVSParams and when it can be applied.
    struct PendingConfig {
        bytes32 paramsHash;
        uint256 effectAt;
    }

    /// @notice What governs a slash request after it is made: who may veto it and where its funds go. A new record
    /// is written whenever an AVS changes either, so a request keeps the terms it was made under.
    struct SlashTerms {
        address vetoCommittee;
        uint32 avsId;
        address recipient;
    }

    /// @notice An allocation of an operator's magnitude in one asset to one AVS. `current` is slashable; a pending
    /// increase becomes slashable at `effectAt`; a pending decrease stays slashable until `effectAt`.
    /// `openRequest`: the AVS's last request on this allocation (open while Pending; the AVS's next request waits until
    /// its expiry plus SLASH_COOLDOWN); `changedAfterRequest`: the operator queued a change while that request was
    /// pending (a veto or cancel restores towards the change's target).
    struct Allocation {
        uint64 current;
        uint64 pendingDelta;
        bool pendingIncrease;
        uint40 effectAt;
        bool changedAfterRequest;
        uint32 openRequest;
    }

    /// @notice An operator's magnitudes in one asset. maxMagnitude = 1e18 - lost; `encumbered` is allocated,
    /// pending-increase and reserved magnitude; `reserved` is held by pending slash requests (non-zero exactly while
    /// the operator's pool in the asset is closed by a request); `gateAt`: when the pool's current request epoch
    /// started (JOIN_WINDOW, GATE_CYCLE).
    struct Magnitudes {
        uint64 lost;
        uint64 encumbered;
        uint64 reserved;
        uint40 gateAt;
    }

    /// @notice The state of a slash request.
    enum SlashStatus {
        None,
        Pending,
        Executed,
        Vetoed,
        Cancelled,
        FundsReleased
    }

    /// @notice A slash request against `operator` under SlashTerms `termsId` (which name its AVS). It may execute in
    /// [executableAt, executableAt + EXECUTION_WINDOW); it takes `assetCount` SlashedAssets.
    struct SlashRequest {
        uint32 termsId;
        address operator;
        uint40 executableAt;
        SlashStatus status;
        uint8 assetCount;
    }

    /// @notice What a request takes from one asset: `magnitude` of the operator's allocation and `amount` of the
    /// pool's assets, both fixed when the request is made. `deallocationCut` is how much the request shrank a pending
    /// deallocation of that allocation (scaled with it), given back if the request is vetoed or cancelled.
    /// `released`: the escrowed amount was paid out.
    struct SlashedAsset {
        uint8 assetIndex;
        uint64 magnitude;
        uint64 deallocationCut;
        uint112 amount;
        bool released;
    }
}

/// @title ISlashingManagerErrors
interface ISlashingManagerErrors is ISlashingManagerTypes {
    /// @notice The zero address was given where one is required.
    error ZeroAddress();
    /// @notice The AVS is registered already.
    error AVSAlreadyRegistered(address avs);
    /// @notice The AVS is not registered.
    error AVSNotRegistered(address avs);
    /// @notice The veto window is too long (window + execution window must stay under the withdrawal delay).
    error VetoWindowTooLong(uint256 vetoWindow, uint256 max);
    /// @notice A veto window was set without a veto committee.
    error VetoWindowWithoutCommittee();
    /// @notice The maximum fraction per request is zero or above 1e18.
    error InvalidMaxSlash(uint256 maxSlashWad);
    /// @notice The AVS accepts no asset, too many, or one twice.
    error InvalidAssetList();
    /// @notice `asset` is not a vault asset.
    error UnknownAsset(address asset);
    /// @notice The AVS does not accept `asset`.
    error AssetNotAccepted(address avs, address asset);
    /// @notice No pending configuration, or it is not in force yet.
    error NoPendingConfig(address avs, uint256 effectAt);
    /// @notice The params given are not the ones `avs` queued (their hash is `paramsHash`).
    error PendingConfigMismatch(address avs, bytes32 paramsHash);
    /// @notice The account is not a registered operator of the registry.
    error NotOperator(address account);
    /// @notice The operator is registered for the AVS already.
    error AlreadyRegistered(address operator, address avs);
    /// @notice The operator is not registered for the AVS.
    error NotRegistered(address operator, address avs);
    /// @notice Too little gas was sent for the registrar call's fixed budget.
    error InsufficientGas(uint256 gasLeft, uint256 needed);
    /// @notice The allocation has a change pending until `effectAt`.
    error PendingAllocationChange(uint256 effectAt);
    /// @notice The new magnitude equals the current one.
    error AllocationUnchanged(uint256 magnitude);
    /// @notice The operator's free magnitude in the asset is smaller than the increase.
    error InsufficientMagnitude(uint256 available, uint256 requested);
    /// @notice The caller is not the AVS's slasher.
    error NotSlasher(address caller, address avs);
    /// @notice The caller is not the AVS's veto committee.
    error NotVetoCommittee(address caller, address avs);
    /// @notice The fraction is zero or above the AVS's maximum per request.
    error InvalidSlashFraction(uint256 wadFraction, uint256 max);
    /// @notice The operator has no slashable allocation to the AVS.
    error NothingToSlash(address operator, address avs);
    /// @notice The request is not in the state the call needs.
    error InvalidSlashStatus(uint256 id, SlashStatus status);
    /// @notice The veto window has not passed.
    error SlashNotExecutable(uint256 id, uint256 executableAt);
    /// @notice The execution window has passed.
    error SlashExpired(uint256 id, uint256 expiredAt);
    /// @notice The veto window has passed.
    error VetoWindowClosed(uint256 id, uint256 closedAt);
    /// @notice Only the slasher may cancel before expiry.
    error NotCancellable(uint256 id, address caller);
    /// @notice The AVS has a pending request on the operator's `asset` allocation.
    error SlashRequestOpen(address avs, address operator, address asset);
    /// @notice The operator's pool in `asset` is past its request epoch's join window: it takes a new epoch from
    /// `nextEpochAt`, once no request of the last epoch is pending.
    error PoolGated(address operator, address asset, uint256 nextEpochAt);
    /// @notice The AVS's last request on the operator's `asset` allocation expired less than SLASH_COOLDOWN ago.
    error SlashCooldown(address avs, address operator, address asset, uint256 nextRequestAt);
    /// @notice The operator is fully slashed in `asset` (max magnitude below MIN_MAX_MAGNITUDE): no new allocations.
    error OperatorFullySlashed(address operator, address asset, uint256 maxMagnitude);
    /// @notice Request `id` took nothing of `asset`.
    error AssetNotInRequest(uint256 id, address asset);
    /// @notice The escrowed `asset` of request `id` was released already.
    error FundsAlreadyReleased(uint256 id, address asset);
}

/// @title ISlashingManagerEvents
interface ISlashingManagerEvents is ISlashingManagerTypes {
    /// @notice `avs` registered with `config`.
    event AVSRegistered(address indexed avs, string metadataURI, AVSConfig config);
    /// @notice `avs` emitted a new metadata URI.
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
    /// @notice `avs` queued `config`, which loosens slashing and is in force from `effectAt`.
    event AVSConfigQueued(address indexed avs, AVSConfig config, uint256 effectAt);
    /// @notice `avs`'s configuration is now `config`.
    event AVSConfigUpdated(address indexed avs, AVSConfig config);
    /// @notice `operator` registered for `avs`.
    event OperatorRegisteredToAVS(address indexed operator, address indexed avs);
    /// @notice `operator` deregistered from `avs`; `registrarNotified` is false if the registrar call failed.
    event OperatorDeregisteredFromAVS(address indexed operator, address indexed avs, bool registrarNotified);
    /// @notice The allocation of `operator` to `avs` in `asset` changed: `current` is slashable now, and it becomes
    /// `target` at `effectAt` (0 = nothing pending). `encumbered` is the operator's encumbered magnitude in `asset`.
    event AllocationUpdated(
        address indexed operator,
        address indexed avs,
        address indexed asset,
        uint256 current,
        uint256 target,
        uint256 effectAt,
        uint256 encumbered
    );
    /// @notice `avs` wrote SlashTerms `termsId` (its veto committee and recipient from now on).
    event SlashTermsSet(address indexed avs, uint32 indexed termsId, address vetoCommittee, address recipient);
    /// @notice `avs`'s slasher requested slash `id` of `wadFraction` of `operator`'s allocations, under SlashTerms
    /// `termsId`.
    event SlashRequested(
        uint256 indexed id,
        address indexed avs,
        address indexed operator,
        uint256 wadFraction,
        bytes32 evidenceHash,
        uint256 executableAt,
        uint256 expiresAt,
        uint32 termsId
    );
    /// @notice Request `id` reserves `magnitude` of the operator's `asset` allocation and `amount` of its pool, and cut
    /// `deallocationCut` from the allocation's pending decrease.
    event SlashAssetReserved(
        uint256 indexed id,
        address indexed asset,
        uint256 magnitude,
        uint256 amount,
        uint256 deallocationCut
    );
    /// @notice Request `id` was executed: each reserved amount left its pool for the escrow.
    event SlashExecuted(uint256 indexed id, address indexed operator, address indexed executor);
    /// @notice Request `id` took `magnitude` (the operator's max magnitude is now `maxMagnitude`) and `amount` of `asset`;
    /// `fullySlashed` once the max magnitude is below MIN_MAX_MAGNITUDE.
    event SlashAssetExecuted(
        uint256 indexed id,
        address indexed asset,
        uint256 magnitude,
        uint256 amount,
        uint256 maxMagnitude,
        bool fullySlashed
    );
    /// @notice Request `id` was vetoed (`vetoed`) or cancelled, and its reservations returned.
    event SlashCancelled(uint256 indexed id, address indexed caller, bool vetoed);
    /// @notice The escrowed funds of request `id` went to `recipient` (the burn address when burned).
    event SlashedFundsReleased(uint256 indexed id, address indexed recipient, address indexed asset, uint256 amount);
}

/// @title ISlashingManager
/// @notice AVS registry, operator opt-in, allocations of slashable magnitude with delays, and two-step slashing with
/// a veto window. A slash is O(1) per asset whatever the number of stakers, and leaves every other AVS's allocated
/// stake unchanged.
interface ISlashingManager is ISlashingManagerTypes, ISlashingManagerErrors, ISlashingManagerEvents {
    /// @notice Registers the caller as an AVS (the caller is its admin).
    /// @param metadataURI The AVS's metadata URI (emitted).
    /// @param params The slasher, veto committee and window, max fraction per request, recipient, registrar, assets.
    function registerAVS(string calldata metadataURI, AVSParams calldata params) external;

    /// @notice Emits a new metadata URI for the calling AVS.
    /// @param metadataURI The URI.
    function updateAVSMetadataURI(string calldata metadataURI) external;

    /// @notice Updates the calling AVS's configuration. A change that loosens slashing (new slasher, higher max
    /// fraction, weaker veto, new assets, another destination for slashed funds) is queued until the vault's
    /// `latestReadyAt()` plus EXIT_BUFFER; others apply at once. A new call replaces a queued change. Requests made before a change
    /// keep their veto committee and recipient (SlashTerms).
    /// @param params The new configuration.
    function updateAVSConfig(AVSParams calldata params) external;

    /// @notice Applies `avs`'s queued configuration once in force. Anyone, with the queued params (from the
    /// AVSConfigQueued event; checked against the stored hash).
    /// @param avs The AVS.
    /// @param params The params that were queued.
    function applyAVSConfig(address avs, AVSParams calldata params) external;

    /// @notice Registers the calling operator for `avs`, through the AVS's registrar if it has one.
    /// @param avs The AVS.
    /// @param data Passed to the registrar.
    function registerOperatorToAVS(address avs, bytes calldata data) external;

    /// @notice Deregisters the calling operator from `avs`. Allocations stay until deallocated (and slashable).
    /// @param avs The AVS.
    function deregisterOperatorFromAVS(address avs) external;

    /// @notice Sets the calling operator's allocation of `asset` to `avs` to `magnitude` (WAD fraction of its stake).
    /// An increase is slashable after `allocationDelay()` (the vault's latest ready time plus EXIT_BUFFER); a decrease
    /// stays slashable for GATE_CYCLE plus the longer of the vault's withdrawal delay and an AVS's longest wait between
    /// two requests (MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN), so that an AVS deciding to slash within that
    /// time of the announcement (after its cooldown, if it is in one) reaches a pool epoch it can join first. One change pending per
    /// allocation. No increase once the operator is fully slashed in `asset`.
    /// @param avs The AVS (registered for, and accepting `asset`, when increasing).
    /// @param asset The vault asset.
    /// @param magnitude The new magnitude.
    function modifyAllocation(address avs, address asset, uint64 magnitude) external;

    /// @notice Applies a matured pending change of an allocation, freeing deallocated magnitude. Anyone.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param asset The asset.
    function applyPendingAllocation(address operator, address avs, address asset) external;

    /// @notice Requests a slash of `wadFraction` of `operator`'s allocations to `avs` in every accepted asset.
    /// Per asset it takes `ceil(wadFraction * current)` magnitude and reserves what that magnitude is worth in the
    /// pool (rounded down). An asset is skipped when nothing is allocated, the reservation would be worth nothing, the
    /// AVS's last request on the allocation is still pending or in its cooldown (at most one request of an AVS per
    /// allocation, the next from SLASH_COOLDOWN after the last one's expiry), or the pool's gate refuses; if every asset
    /// is skipped it reverts with the first skipped asset's reason (SlashRequestOpen, SlashCooldown, PoolGated), else
    /// NothingToSlash. Requests on a pool
    /// come in epochs: within JOIN_WINDOW of an epoch's start they join it; a new epoch starts GATE_CYCLE after the
    /// last. Caller: the AVS's slasher.
    /// @param avs The AVS.
    /// @param operator The operator.
    /// @param wadFraction The fraction (WAD), at most the AVS's max per request.
    /// @param evidenceHash A hash of the evidence (emitted).
    /// @return id The request id.
    function requestSlash(
        address avs,
        address operator,
        uint64 wadFraction,
        bytes32 evidenceHash
    ) external returns (uint256 id);

    /// @notice Vetoes pending request `id` during its veto window. Caller: the veto committee of the request's terms.
    /// @param id The request.
    function vetoSlash(uint256 id) external;

    /// @notice Cancels pending request `id`: by the AVS's current slasher at any time, by anyone once expired.
    /// @param id The request.
    function cancelSlash(uint256 id) external;

    /// @notice Executes pending request `id` after its veto window and before expiry. Anyone. The slashed tokens
    /// move to this contract's escrow; nothing an operator, staker or recipient controls can make this revert.
    /// @param id The request.
    function executeSlash(uint256 id) external;

    /// @notice Sends the escrowed `asset` of executed request `id` to the recipient of the request's terms, or burns
    /// it. Anyone. Each asset is released on its own, so one that cannot reach the recipient holds back no other; the
    /// request is `FundsReleased` once every asset is.
    /// @param id The request.
    /// @param asset One of the request's assets.
    function releaseSlashedFunds(uint256 id, address asset) external;

    /// @notice The vault.
    /// @return The vault address.
    function vault() external view returns (address);

    /// @notice The operator registry.
    /// @return The registry address.
    function registry() external view returns (address);

    /// @notice The configuration of `avs`.
    /// @param avs The AVS.
    /// @return The configuration.
    function avsConfig(address avs) external view returns (AVSConfig memory);

    /// @notice The configuration change `avs` queued: the hash of its AVSParams (`keccak256(abi.encode(params))`, the
    /// params themselves are in the AVSConfigQueued event) and when it can be applied (0 = none).
    /// @param avs The AVS.
    /// @return The queued change.
    function pendingAVSConfig(address avs) external view returns (PendingConfig memory);

    /// @notice Whether `operator` is registered for `avs`.
    /// @param avs The AVS.
    /// @param operator The operator.
    /// @return True if registered.
    function isRegistered(address avs, address operator) external view returns (bool);

    /// @notice The delay an allocation increase queued now waits before it is slashable: until the vault's
    /// `latestReadyAt()` plus EXIT_BUFFER, so that a staker who starts leaving when an increase is announced (or had
    /// queued before) is gone before it applies, even if pools close to requests in between.
    /// @return The delay in seconds.
    function allocationDelay() external view returns (uint256);

    /// @notice The allocation of `operator` to `avs` in `asset`, with any matured change applied.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param asset The asset.
    /// @return The allocation.
    function allocation(address operator, address avs, address asset) external view returns (Allocation memory);

    /// @notice The magnitudes of `operator` in `asset` as stored, with maxMagnitude = 1e18 - lost.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @return magnitudes The stored magnitudes.
    /// @return maxMagnitude The maximum magnitude.
    function magnitudes(
        address operator,
        address asset
    ) external view returns (Magnitudes memory magnitudes, uint256 maxMagnitude);

    /// @notice The tokens of `operator`'s pool in `asset` allocated to `avs` now (slashable by it, including a
    /// pending decrease): pool net assets * current / (maxMagnitude - reserved); 0 if the AVS does not accept `asset`.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param asset The asset.
    /// @return The tokens.
    function allocatedStake(address operator, address avs, address asset) external view returns (uint256);

    /// @notice What a request of `avs` for its maximum fraction would take from `operator` in `asset` now (the
    /// magnitude rounded up, its worth rounded down, exactly as `requestSlash` does), or 0 while a request made now
    /// would skip the asset (the AVS's previous request on it is pending or cooling down, or the pool's epoch is closed
    /// to new requests: SlashRequestOpen, SlashCooldown, PoolGated). A request for fraction f takes at least
    /// f * allocatedStake (rounded down) from every asset it does not skip. An AVS makes at most one request per
    /// allocation in any vetoWindow + EXECUTION_WINDOW + SLASH_COOLDOWN, so this also bounds what it takes in such a
    /// period.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param asset The asset.
    /// @return The tokens.
    function maxSlashable(address operator, address avs, address asset) external view returns (uint256);

    /// @notice SlashTerms `termsId`.
    /// @param termsId The id (from 1).
    /// @return The terms.
    function slashTerms(uint32 termsId) external view returns (SlashTerms memory);

    /// @notice Slash request `id` (all zero if none) and the AVS that made it.
    /// @param id The request.
    /// @return request The request; what it takes per asset is `slashedAsset(id, i)` for i < request.assetCount.
    /// @return avs The AVS.
    function slashRequest(uint256 id) external view returns (SlashRequest memory request, address avs);

    /// @notice What slash request `id` takes from its `i`-th asset.
    /// @param id The request.
    /// @param i The index, below the request's assetCount.
    /// @return asset The asset (address(0) past the request's assets).
    /// @return slashed The magnitude, amount, deallocation cut and release flag.
    function slashedAsset(uint256 id, uint256 i) external view returns (address asset, SlashedAsset memory slashed);

    /// @notice The number of slash requests made.
    /// @return The count (ids are 1..count).
    function slashRequestCount() external view returns (uint256);
}
