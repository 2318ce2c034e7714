// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAVSRegistrar} from "../interfaces/IAVSRegistrar.sol";
import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {ISlashingManager} from "../interfaces/ISlashingManager.sol";
import {BitMaskLib} from "../libraries/BitMaskLib.sol";
import {ConstantsLib} from "../libraries/ConstantsLib.sol";
import {SlashingMathLib} from "../libraries/SlashingMathLib.sol";
import {ProtocolUpgradeable} from "./ProtocolUpgradeable.sol";

/// @title SlashingManager
/// @notice See {ISlashingManager}. Magnitudes are WAD fractions of an operator's pool in one asset. A request takes
/// `s = ceil(f * a_X)` of the AVS's allocation and reserves what `s` is worth in the pool at once (SlashingMathLib),
/// so that the pool closes until the request resolves and other AVSs' allocated stake keeps its size.
contract SlashingManager is ProtocolUpgradeable, ISlashingManager {
    using SafeERC20 for IERC20;

    uint256 internal constant WAD = ConstantsLib.WAD;
    uint256 public constant MAX_VETO_WINDOW = ConstantsLib.MAX_VETO_WINDOW;
    uint256 public constant EXECUTION_WINDOW = ConstantsLib.EXECUTION_WINDOW;
    uint256 public constant JOIN_WINDOW = ConstantsLib.JOIN_WINDOW;
    uint256 public constant REOPEN_WINDOW = ConstantsLib.REOPEN_WINDOW;
    uint256 public constant GATE_CYCLE = ConstantsLib.GATE_CYCLE;
    uint256 public constant EXIT_BUFFER = ConstantsLib.EXIT_BUFFER;
    /// @dev An AVS's next request on an allocation waits until this long after its last request's expiry.
    uint256 public constant SLASH_COOLDOWN = 3 days;
    uint256 internal constant MIN_MAX_MAGNITUDE = SlashingMathLib.MIN_MAX_MAGNITUDE;
    uint256 internal constant REGISTRAR_GAS_LIMIT = ConstantsLib.REGISTRAR_GAS_LIMIT;
    address internal constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    uint8 public constant GROUP_AVS = 0;
    uint8 public constant GROUP_ALLOCATIONS = 1;
    uint8 public constant GROUP_SLASHING = 2;

    /// @dev A request's parameters, and the first reason an asset was skipped (0 = none): 1 open request, 2 cooldown,
    /// 3 pool gated; `refusedAt` is the time that reason names.
    struct RequestContext {
        uint32 id;
        address operator;
        address avs;
        uint64 wadFraction;
        uint8 refusal;
        address refusedAsset;
        uint256 refusedAt;
    }

    /// @dev An AVS as stored: what requests read (slot 0), then its registrar, assets, ids (slot 1). Its committee and
    /// recipient live in the SlashTerms `termsId`. Registered iff `id != 0`.
    struct AVSRecord {
        address slasher;
        uint64 maxSlashWad;
        uint32 vetoWindow;
        address registrar;
        uint16 assetMask;
        uint32 id;
        uint32 termsId;
    }

    /// @custom:storage-location erc7201:restaking.storage.SlashingManager
    struct SlashingStorage {
        IRestakingVault vault;
        uint8 pausedGroups;
        uint64 requestCount;
        IOperatorRegistry registry;
        uint32 avsCount;
        uint32 termsCount;
        mapping(address avs => AVSRecord) avs;
        mapping(uint32 termsId => SlashTerms) terms;
        mapping(uint32 id => address) avsAt;
        mapping(address avs => PendingConfig) pendingConfig;
        mapping(address avs => mapping(address operator => bool)) registered;
        mapping(address operator => mapping(address avs => mapping(uint8 assetIndex => Allocation))) allocations;
        mapping(address operator => mapping(uint8 assetIndex => Magnitudes)) magnitudes;
        mapping(uint256 id => SlashRequest) requests;
        mapping(uint256 id => mapping(uint256 i => SlashedAsset)) slashedAssets;
        mapping(uint8 assetIndex => address) assetAt;
        mapping(address asset => uint8) assetIndexPlusOne;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.SlashingManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant SLASHING_STORAGE_LOCATION =
        0x7001db15732663957cf8da0a5773d4641a03ed7a692cc6f632e08ee61e83bb00;

    /// @notice Initializes the proxy.
    /// @param admin The admin (a timelock in deployments).
    /// @param vault_ The vault.
    /// @param registry_ The operator registry.
    function initialize(address admin, address vault_, address registry_) external initializer {
        if (admin == address(0) || vault_ == address(0) || registry_ == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        SlashingStorage storage $ = _getSlashingStorage();
        $.vault = IRestakingVault(vault_);
        $.registry = IOperatorRegistry(registry_);
    }

    /* AVS */

    /// @inheritdoc ISlashingManager
    function registerAVS(string calldata metadataURI, AVSParams calldata params) external whenNotPaused(GROUP_AVS) {
        SlashingStorage storage $ = _getSlashingStorage();
        if ($.avs[msg.sender].id != 0) revert AVSAlreadyRegistered(msg.sender);
        uint32 id = ++$.avsCount;
        $.avsAt[id] = msg.sender;
        AVSConfig memory config = _toConfig($, params, id);
        _storeConfig($, msg.sender, config, 0, address(0), address(0));
        emit AVSRegistered(msg.sender, metadataURI, config);
    }

    /// @inheritdoc ISlashingManager
    function updateAVSMetadataURI(string calldata metadataURI) external {
        _requireAVS(_getSlashingStorage(), msg.sender);
        emit AVSMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc ISlashingManager
    function updateAVSConfig(AVSParams calldata params) external whenNotPaused(GROUP_AVS) {
        SlashingStorage storage $ = _getSlashingStorage();
        AVSConfig memory old = _requireAVS($, msg.sender);
        AVSConfig memory config = _toConfig($, params, old.id);
        if (_loosens(old, config)) {
            uint256 effectAt = $.vault.latestReadyAt() + EXIT_BUFFER;
            $.pendingConfig[msg.sender] = PendingConfig({
                paramsHash: keccak256(abi.encode(params)),
                effectAt: effectAt
            });
            emit AVSConfigQueued(msg.sender, config, effectAt);
        } else {
            delete $.pendingConfig[msg.sender];
            _storeConfig($, msg.sender, config, old.termsId, old.vetoCommittee, old.recipient);
            emit AVSConfigUpdated(msg.sender, config);
        }
    }

    /// @inheritdoc ISlashingManager
    function applyAVSConfig(address avs, AVSParams calldata params) external {
        SlashingStorage storage $ = _getSlashingStorage();
        PendingConfig memory pending = $.pendingConfig[avs];
        if (pending.effectAt == 0 || block.timestamp < pending.effectAt) revert NoPendingConfig(avs, pending.effectAt);
        if (keccak256(abi.encode(params)) != pending.paramsHash) revert PendingConfigMismatch(avs, pending.paramsHash);
        delete $.pendingConfig[avs];
        AVSConfig memory old = _config($, avs);
        AVSConfig memory config = _toConfig($, params, old.id);
        _storeConfig($, avs, config, old.termsId, old.vetoCommittee, old.recipient);
        emit AVSConfigUpdated(avs, config);
    }

    /* OPERATORS */

    /// @inheritdoc ISlashingManager
    function registerOperatorToAVS(address avs, bytes calldata data) external nonReentrant whenNotPaused(GROUP_AVS) {
        SlashingStorage storage $ = _getSlashingStorage();
        AVSRecord storage record = $.avs[avs];
        (uint32 avsId, address registrar) = (record.id, record.registrar);
        if (avsId == 0) revert AVSNotRegistered(avs);
        if (!$.registry.isOperator(msg.sender)) revert NotOperator(msg.sender);
        if ($.registered[avs][msg.sender]) revert AlreadyRegistered(msg.sender, avs);
        $.registered[avs][msg.sender] = true;
        emit OperatorRegisteredToAVS(msg.sender, avs);
        if (registrar != address(0)) IAVSRegistrar(registrar).onOperatorRegistered(msg.sender, avs, data);
    }

    /// @inheritdoc ISlashingManager
    function deregisterOperatorFromAVS(address avs) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        if (!$.registered[avs][msg.sender]) revert NotRegistered(msg.sender, avs);
        delete $.registered[avs][msg.sender];

        bool notified = true;
        address registrar = $.avs[avs].registrar;
        if (registrar != address(0)) {
            // A registrar that reverts, burns its gas or returns garbage cannot block deregistration; the caller must
            // still send enough gas for the full budget so that it cannot starve the call on purpose.
            uint256 needed = (REGISTRAR_GAS_LIMIT * 64) / 63 + ConstantsLib.REGISTRAR_CALL_OVERHEAD;
            if (gasleft() < needed) revert InsufficientGas(gasleft(), needed);
            bytes memory callData = abi.encodeCall(IAVSRegistrar.onOperatorDeregistered, (msg.sender, avs));
            uint256 gasLimit = REGISTRAR_GAS_LIMIT;
            assembly ("memory-safe") {
                notified := call(gasLimit, registrar, 0, add(callData, 0x20), mload(callData), 0, 0)
            }
        }
        emit OperatorDeregisteredFromAVS(msg.sender, avs, notified);
    }

    /// @inheritdoc ISlashingManager
    function modifyAllocation(address avs, address asset, uint64 magnitude) external whenNotPaused(GROUP_ALLOCATIONS) {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _assetIndex($, asset);
        Allocation storage stored = $.allocations[msg.sender][avs][index];
        Magnitudes storage storedMags = $.magnitudes[msg.sender][index];
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        if (a.effectAt != 0) revert PendingAllocationChange(a.effectAt);
        // A veto or cancel of the AVS's open request will restore towards the target asked here.
        if (a.openRequest != 0 && $.requests[a.openRequest].status == SlashStatus.Pending) a.changedAfterRequest = true;

        uint256 effectAt;
        if (magnitude > a.current) {
            if (!$.registered[avs][msg.sender]) revert NotRegistered(msg.sender, avs);
            if ($.avs[avs].assetMask & (1 << index) == 0) revert AssetNotAccepted(avs, asset);
            uint256 maxMagnitude = WAD - m.lost;
            if (SlashingMathLib.isFullySlashed(maxMagnitude))
                revert OperatorFullySlashed(msg.sender, asset, maxMagnitude);
            uint64 delta = magnitude - a.current;
            uint256 available = maxMagnitude - m.encumbered;
            if (delta > available) revert InsufficientMagnitude(available, delta);
            m.encumbered += delta;
            effectAt = block.timestamp + _allocationDelay($);
            (a.pendingDelta, a.pendingIncrease) = (delta, true);
        } else if (magnitude < a.current) {
            effectAt = block.timestamp + _deallocationDelay($);
            (a.pendingDelta, a.pendingIncrease) = (a.current - magnitude, false);
        } else {
            revert AllocationUnchanged(magnitude);
        }
        a.effectAt = uint40(effectAt);
        _storeAllocation(stored, storedMags, a, m);
        emit AllocationUpdated(msg.sender, avs, asset, a.current, magnitude, effectAt, m.encumbered);
    }

    /// @inheritdoc ISlashingManager
    function applyPendingAllocation(address operator, address avs, address asset) external {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _assetIndex($, asset);
        Allocation storage stored = $.allocations[operator][avs][index];
        Magnitudes storage storedMags = $.magnitudes[operator][index];
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        _storeAllocation(stored, storedMags, a, m);
        emit AllocationUpdated(operator, avs, asset, a.current, _target(a), a.effectAt, m.encumbered);
    }

    /* SLASHING */

    /// @inheritdoc ISlashingManager
    function requestSlash(
        address avs,
        address operator,
        uint64 wadFraction,
        bytes32 evidenceHash
    ) external nonReentrant whenNotPaused(GROUP_SLASHING) returns (uint256 id) {
        SlashingStorage storage $ = _getSlashingStorage();
        (uint256 executableAt, uint16 assetMask, uint32 termsId) = _checkRequest($, avs, wadFraction);
        id = ++$.requestCount;
        RequestContext memory ctx = RequestContext({
            id: SafeCast.toUint32(id),
            operator: operator,
            avs: avs,
            wadFraction: wadFraction,
            refusal: 0,
            refusedAsset: address(0),
            refusedAt: 0
        });
        uint256 count = _reserveAll($, ctx, assetMask);
        if (count == 0) _revertRefused(ctx);
        $.requests[id] = SlashRequest({
            termsId: termsId,
            operator: operator,
            executableAt: uint40(executableAt),
            status: SlashStatus.Pending,
            assetCount: uint8(count)
        });
        emit SlashRequested(
            id,
            avs,
            operator,
            wadFraction,
            evidenceHash,
            executableAt,
            executableAt + EXECUTION_WINDOW,
            termsId
        );
    }

    /// @inheritdoc ISlashingManager
    function vetoSlash(uint256 id) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest memory r = _requirePending($, id);
        SlashTerms storage terms = $.terms[r.termsId];
        (address committee, uint32 avsId) = (terms.vetoCommittee, terms.avsId);
        address avs = $.avsAt[avsId];
        if (msg.sender != committee || committee == address(0)) revert NotVetoCommittee(msg.sender, avs);
        if (block.timestamp >= r.executableAt) revert VetoWindowClosed(id, r.executableAt);
        _cancel($, id, r, avs, SlashStatus.Vetoed);
    }

    /// @inheritdoc ISlashingManager
    function cancelSlash(uint256 id) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest memory r = _requirePending($, id);
        address avs = $.avsAt[$.terms[r.termsId].avsId];
        if (msg.sender != $.avs[avs].slasher && block.timestamp < r.executableAt + EXECUTION_WINDOW) {
            revert NotCancellable(id, msg.sender);
        }
        _cancel($, id, r, avs, SlashStatus.Cancelled);
    }

    /// @inheritdoc ISlashingManager
    function executeSlash(uint256 id) external nonReentrant whenNotPaused(GROUP_SLASHING) {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest memory r = _requirePending($, id);
        if (block.timestamp < r.executableAt) revert SlashNotExecutable(id, r.executableAt);
        uint256 expiresAt = r.executableAt + EXECUTION_WINDOW;
        if (block.timestamp >= expiresAt) revert SlashExpired(id, expiresAt);
        $.requests[id].status = SlashStatus.Executed;

        for (uint256 i; i < r.assetCount; ++i) {
            SlashedAsset memory slashed = $.slashedAssets[id][i];
            Magnitudes storage mags = $.magnitudes[r.operator][slashed.assetIndex];
            Magnitudes memory m = mags;
            m.lost += slashed.magnitude;
            m.encumbered -= slashed.magnitude;
            m.reserved -= slashed.magnitude;
            (mags.lost, mags.encumbered, mags.reserved) = (m.lost, m.encumbered, m.reserved);
            uint256 maxMagnitude = WAD - m.lost;
            bool fullySlashed = SlashingMathLib.isFullySlashed(maxMagnitude);
            address asset = $.assetAt[slashed.assetIndex];
            $.vault.executeSlash(r.operator, asset, slashed.amount, fullySlashed);
            emit SlashAssetExecuted(id, asset, slashed.magnitude, slashed.amount, maxMagnitude, fullySlashed);
        }
        emit SlashExecuted(id, r.operator, msg.sender);
    }

    /// @inheritdoc ISlashingManager
    function releaseSlashedFunds(uint256 id, address asset) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest storage stored = $.requests[id];
        (SlashStatus status, uint256 count) = (stored.status, stored.assetCount);
        if (status != SlashStatus.Executed) revert InvalidSlashStatus(id, status);
        uint8 index = _knownAssetIndex($, asset);
        bool allReleased = true;
        uint256 at = type(uint256).max;
        for (uint256 i; i < count; ++i) {
            SlashedAsset storage slashed = $.slashedAssets[id][i];
            if (slashed.assetIndex == index) at = i;
            else if (!slashed.released) allReleased = false;
        }
        if (at == type(uint256).max) revert AssetNotInRequest(id, asset);
        SlashedAsset storage target = $.slashedAssets[id][at];
        if (target.released) revert FundsAlreadyReleased(id, asset);
        target.released = true;
        if (allReleased) stored.status = SlashStatus.FundsReleased;
        address recipient = $.terms[stored.termsId].recipient;
        if (recipient == address(0)) recipient = BURN_ADDRESS;
        uint256 amount = target.amount;
        emit SlashedFundsReleased(id, recipient, asset, amount);
        if (amount != 0) IERC20(asset).safeTransfer(recipient, amount);
    }

    /* VIEWS */

    /// @inheritdoc ISlashingManager
    function vault() external view returns (address) {
        return address(_getSlashingStorage().vault);
    }

    /// @inheritdoc ISlashingManager
    function registry() external view returns (address) {
        return address(_getSlashingStorage().registry);
    }

    /// @inheritdoc ISlashingManager
    function avsConfig(address avs) external view returns (AVSConfig memory) {
        return _config(_getSlashingStorage(), avs);
    }

    /// @inheritdoc ISlashingManager
    function slashTerms(uint32 termsId) external view returns (SlashTerms memory) {
        return _getSlashingStorage().terms[termsId];
    }

    /// @inheritdoc ISlashingManager
    function pendingAVSConfig(address avs) external view returns (PendingConfig memory) {
        return _getSlashingStorage().pendingConfig[avs];
    }

    /// @inheritdoc ISlashingManager
    function isRegistered(address avs, address operator) external view returns (bool) {
        return _getSlashingStorage().registered[avs][operator];
    }

    /// @inheritdoc ISlashingManager
    function allocationDelay() external view returns (uint256) {
        return _allocationDelay(_getSlashingStorage());
    }

    /// @inheritdoc ISlashingManager
    function allocation(address operator, address avs, address asset) external view returns (Allocation memory a) {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _knownAssetIndex($, asset);
        (a, ) = _applyMatured($.allocations[operator][avs][index], $.magnitudes[operator][index]);
    }

    /// @inheritdoc ISlashingManager
    function magnitudes(
        address operator,
        address asset
    ) external view returns (Magnitudes memory m, uint256 maxMagnitude) {
        SlashingStorage storage $ = _getSlashingStorage();
        m = $.magnitudes[operator][_knownAssetIndex($, asset)];
        maxMagnitude = WAD - m.lost;
    }

    /// @inheritdoc ISlashingManager
    function allocatedStake(address operator, address avs, address asset) external view returns (uint256 stake) {
        (stake, ) = _slashable(operator, avs, asset, WAD);
    }

    /// @inheritdoc ISlashingManager
    function maxSlashable(address operator, address avs, address asset) external view returns (uint256) {
        (uint256 amount, bool refused) = _slashable(operator, avs, asset, _getSlashingStorage().avs[avs].maxSlashWad);
        return refused ? 0 : amount;
    }

    /// @inheritdoc ISlashingManager
    function slashRequest(uint256 id) external view returns (SlashRequest memory request, address avs) {
        SlashingStorage storage $ = _getSlashingStorage();
        request = $.requests[id];
        avs = $.avsAt[$.terms[request.termsId].avsId];
    }

    /// @inheritdoc ISlashingManager
    function slashedAsset(uint256 id, uint256 i) external view returns (address asset, SlashedAsset memory slashed) {
        SlashingStorage storage $ = _getSlashingStorage();
        slashed = $.slashedAssets[id][i];
        if (slashed.magnitude != 0) asset = $.assetAt[slashed.assetIndex];
    }

    /// @inheritdoc ISlashingManager
    function slashRequestCount() external view returns (uint256) {
        return _getSlashingStorage().requestCount;
    }

    /* INTERNAL */

    function _checkRequest(
        SlashingStorage storage $,
        address avs,
        uint64 wadFraction
    ) internal view returns (uint256 executableAt, uint16 assetMask, uint32 termsId) {
        AVSRecord storage record = $.avs[avs];
        (address slasher, uint64 maxSlashWad, uint32 vetoWindow) = (
            record.slasher,
            record.maxSlashWad,
            record.vetoWindow
        );
        if (msg.sender != slasher || slasher == address(0)) revert NotSlasher(msg.sender, avs);
        if (wadFraction == 0 || wadFraction > maxSlashWad) revert InvalidSlashFraction(wadFraction, maxSlashWad);
        (assetMask, termsId) = (record.assetMask, record.termsId);
        // Without a committee the window is 0 (enforced by _toConfig).
        executableAt = block.timestamp + vetoWindow;
    }

    /// @dev Reserves request `id`'s take in every accepted asset the operator allocated to the AVS; returns how many.
    function _reserveAll(
        SlashingStorage storage $,
        RequestContext memory ctx,
        uint256 mask
    ) internal returns (uint256 count) {
        while (mask != 0) {
            uint8 index = BitMaskLib.lowestBit(mask);
            mask &= mask - 1;
            SlashedAsset memory slashed = _reserve($, ctx, index);
            if (slashed.magnitude == 0) continue;
            // The old count is the slot written: post-increment.
            // solhint-disable-next-line gas-increment-by-one
            $.slashedAssets[ctx.id][count++] = slashed;
            emit SlashAssetReserved(
                ctx.id,
                $.assetAt[index],
                slashed.magnitude,
                slashed.amount,
                slashed.deallocationCut
            );
        }
    }

    /// @dev Takes `s = ceil(f * current)` from the allocation into the operator's reserved magnitude (scaling a pending
    /// decrease with it) and reserves what `s` is worth in the pool. Takes nothing, and returns a zero magnitude, when
    /// nothing is allocated or the reservation would be worth nothing: no magnitude moves without tokens.
    function _reserve(
        SlashingStorage storage $,
        RequestContext memory ctx,
        uint8 index
    ) internal returns (SlashedAsset memory slashed) {
        Allocation storage stored = $.allocations[ctx.operator][ctx.avs][index];
        Magnitudes storage storedMags = $.magnitudes[ctx.operator][index];
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        if (a.current == 0) return slashed;
        address asset = $.assetAt[index];
        (uint8 refusal, uint256 refusedAt) = _allocationRefusal($, a);
        if (refusal != 0) return _refuse(ctx, refusal, asset, refusedAt);

        uint64 s = uint64(SlashingMathLib.toSlashedMagnitudeUp(a.current, ctx.wadFraction));
        uint256 free = WAD - m.lost - m.reserved;
        // No magnitude moves without tokens, and a reservation worth nothing is not gated.
        if (SlashingMathLib.toAssetsDown($.vault.poolNetAssets(ctx.operator, asset), s, free) == 0) return slashed;
        (refusal, refusedAt) = _poolGate(m);
        if (refusal != 0) return _refuse(ctx, refusal, asset, refusedAt);
        uint256 amount = $.vault.reserveSlash(ctx.operator, asset, s, free);

        if (a.effectAt != 0 && !a.pendingIncrease) {
            // A pending deallocation shrinks with the allocation, so that it never exceeds what is left.
            uint64 scaled = uint64(SlashingMathLib.scaleDecreaseDown(a.pendingDelta, a.current, s));
            slashed.deallocationCut = a.pendingDelta - scaled;
            a.pendingDelta = scaled;
        }
        a.current -= s;
        (a.openRequest, a.changedAfterRequest) = (ctx.id, false);
        m.reserved += s;
        _storeAllocation(stored, storedMags, a, m);
        (slashed.assetIndex, slashed.magnitude, slashed.amount) = (index, s, uint112(amount));
    }

    function _cancel(
        SlashingStorage storage $,
        uint256 id,
        SlashRequest memory r,
        address avs,
        SlashStatus status
    ) internal {
        $.requests[id].status = status;
        for (uint256 i; i < r.assetCount; ++i) {
            SlashedAsset memory slashed = $.slashedAssets[id][i];
            _restore(
                $,
                $.allocations[r.operator][avs][slashed.assetIndex],
                $.magnitudes[r.operator][slashed.assetIndex],
                slashed,
                block.timestamp >= r.executableAt + EXECUTION_WINDOW
            );
            $.vault.releaseSlash(r.operator, $.assetAt[slashed.assetIndex], slashed.amount);
        }
        emit SlashCancelled(id, msg.sender, status == SlashStatus.Vetoed);
    }

    /// @dev Whether the AVS's last request on allocation `a` keeps it from requesting again now: 1 while that request
    /// is pending (an expired one stays open until someone cancels it), 2 until its expiry plus SLASH_COOLDOWN.
    function _allocationRefusal(
        SlashingStorage storage $,
        Allocation memory a
    ) internal view returns (uint8, uint256 nextRequestAt) {
        if (a.openRequest == 0) return (0, 0);
        SlashRequest storage last = $.requests[a.openRequest];
        if (last.status == SlashStatus.Pending) return (1, 0);
        nextRequestAt = last.executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN;
        if (block.timestamp < nextRequestAt) return (2, nextRequestAt);
        return (0, 0);
    }

    /// @dev Requests on a pool come in epochs (`gateAt` = the current epoch's start): a request joins the epoch within
    /// JOIN_WINDOW of its start, open or closed; after that, a new epoch starts only once no request of the last one is
    /// pending and GATE_CYCLE after its start (refusal 3, naming that time). So no pool stays closed longer than
    /// JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW (expired requests aside, which anyone may cancel), whatever the
    /// number of AVSs; each epoch leaves every staker REOPEN_WINDOW open; an AVS waits at most GATE_CYCLE - JOIN_WINDOW.
    function _poolGate(Magnitudes memory m) internal view returns (uint8, uint256) {
        uint256 start = m.gateAt;
        if (start != 0 && block.timestamp >= start + JOIN_WINDOW) {
            if (m.reserved != 0 || block.timestamp < start + GATE_CYCLE) return (3, start + GATE_CYCLE);
            start = 0;
        }
        if (start == 0) m.gateAt = uint40(block.timestamp);
        return (0, 0);
    }

    /// @dev Skips an asset the request cannot take now, remembering the first reason (reverted with if none is taken).
    function _refuse(
        RequestContext memory ctx,
        uint8 refusal,
        address asset,
        uint256 at
    ) internal pure returns (SlashedAsset memory skipped) {
        if (ctx.refusal == 0) (ctx.refusal, ctx.refusedAsset, ctx.refusedAt) = (refusal, asset, at);
        return skipped;
    }

    function _revertRefused(RequestContext memory ctx) internal pure {
        (uint8 r, address asset, uint256 at) = (ctx.refusal, ctx.refusedAsset, ctx.refusedAt);
        if (r == 1) revert SlashRequestOpen(ctx.avs, ctx.operator, asset);
        if (r == 2) revert SlashCooldown(ctx.avs, ctx.operator, asset, at);
        if (r == 3) revert PoolGated(ctx.operator, asset, at);
        revert NothingToSlash(ctx.operator, ctx.avs);
    }

    /// @dev Gives a vetoed or cancelled request's magnitude back so that the allocation ends where the operator last
    /// asked, never deallocates slashable magnitude faster than a decrease would, and never makes magnitude slashable
    /// that was not announced. Without a change queued since the request: the decrease the request scaled gets its cut
    /// back if still pending, or has the cut deallocated at once if it matured. With a change queued since the request
    /// (target T): after the request's expiry its magnitude was no longer slashable, so it is deallocated at once;
    /// before expiry (only a pending change is possible then) it is slashable again and the change keeps T: a decrease
    /// grows by it, an increase shrinks by it, and what exceeds T becomes a decrease with the deallocation delay.
    function _restore(
        SlashingStorage storage $,
        Allocation storage stored,
        Magnitudes storage storedMags,
        SlashedAsset memory slashed,
        bool expired
    ) internal {
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        (uint64 s, uint64 cut) = (slashed.magnitude, slashed.deallocationCut);
        uint64 r = s - cut;
        bool decreasePending = a.effectAt != 0 && !a.pendingIncrease;
        if (!a.changedAfterRequest) {
            // With no change since, a pending decrease is the one the request scaled: its cut goes back to it.
            if (decreasePending) (a.current, a.pendingDelta, cut) = (a.current + s, a.pendingDelta + cut, 0);
            else a.current += r;
            m.encumbered -= cut;
        } else if (expired || a.effectAt == 0) {
            m.encumbered -= s;
        } else {
            a.current += r;
            m.encumbered -= cut;
            if (decreasePending) {
                a.pendingDelta += r;
            } else if (r <= a.pendingDelta) {
                a.pendingDelta -= r;
                m.encumbered -= r;
            } else {
                m.encumbered -= a.pendingDelta;
                (a.pendingDelta, a.pendingIncrease) = (r - a.pendingDelta, false);
                a.effectAt = uint40(block.timestamp + _deallocationDelay($));
            }
        }
        m.reserved -= s;
        a.changedAfterRequest = false;
        _storeAllocation(stored, storedMags, a, m);
    }

    function _applyMatured(
        Allocation storage stored,
        Magnitudes storage storedMags
    ) internal view returns (Allocation memory a, Magnitudes memory m) {
        a = stored;
        m = storedMags;
        if (a.effectAt != 0 && a.effectAt <= block.timestamp) {
            if (a.pendingIncrease) {
                a.current += a.pendingDelta;
            } else {
                a.current -= a.pendingDelta;
                m.encumbered -= a.pendingDelta;
            }
            (a.pendingDelta, a.pendingIncrease, a.effectAt) = (0, false, 0);
        }
    }

    function _storeAllocation(
        Allocation storage stored,
        Magnitudes storage storedMags,
        Allocation memory a,
        Magnitudes memory m
    ) internal {
        stored.current = a.current;
        stored.pendingDelta = a.pendingDelta;
        stored.pendingIncrease = a.pendingIncrease;
        stored.effectAt = a.effectAt;
        stored.changedAfterRequest = a.changedAfterRequest;
        stored.openRequest = a.openRequest;
        storedMags.lost = m.lost;
        storedMags.encumbered = m.encumbered;
        storedMags.reserved = m.reserved;
        storedMags.gateAt = m.gateAt;
    }

    function _target(Allocation memory a) internal pure returns (uint256) {
        if (a.effectAt == 0) return a.current;
        return a.pendingIncrease ? a.current + a.pendingDelta : a.current - a.pendingDelta;
    }

    /// @dev What a request for `wadFraction` made now would take (at WAD: the allocated stake), and whether it would skip
    /// the asset for another reason than its worth (open request, cooldown or pool gate).
    function _slashable(
        address operator,
        address avs,
        address asset,
        uint256 wadFraction
    ) internal view returns (uint256 amount, bool refused) {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _knownAssetIndex($, asset);
        (Allocation memory a, Magnitudes memory m) = _applyMatured(
            $.allocations[operator][avs][index],
            $.magnitudes[operator][index]
        );
        // An AVS slashes only the assets it accepts now: an allocation in another asset is not its stake.
        if (a.current == 0 || $.avs[avs].assetMask & (1 << index) == 0) return (0, true);
        (uint8 refusal, ) = _allocationRefusal($, a);
        if (refusal == 0) (refusal, ) = _poolGate(m);
        refused = refusal != 0;
        amount = SlashingMathLib.toAssetsDown(
            $.vault.poolNetAssets(operator, asset),
            SlashingMathLib.toSlashedMagnitudeUp(a.current, wadFraction),
            WAD - m.lost - m.reserved
        );
    }

    function _requirePending(SlashingStorage storage $, uint256 id) internal view returns (SlashRequest memory r) {
        r = $.requests[id];
        if (r.status != SlashStatus.Pending) revert InvalidSlashStatus(id, r.status);
    }

    function _requireAVS(SlashingStorage storage $, address avs) internal view returns (AVSConfig memory config) {
        config = _config($, avs);
        if (!config.registered) revert AVSNotRegistered(avs);
    }

    /// @dev The AVS's configuration as the interface shows it: its record and its current SlashTerms.
    function _config(SlashingStorage storage $, address avs) internal view returns (AVSConfig memory config) {
        AVSRecord memory r = $.avs[avs];
        if (r.id == 0) return config;
        SlashTerms memory t = $.terms[r.termsId];
        config = AVSConfig({
            slasher: r.slasher,
            maxSlashWad: r.maxSlashWad,
            vetoWindow: r.vetoWindow,
            vetoCommittee: t.vetoCommittee,
            assetMask: r.assetMask,
            id: r.id,
            termsId: r.termsId,
            recipient: t.recipient,
            registrar: r.registrar,
            registered: true
        });
    }

    /// @dev Stores `config` (its termsId is set here): a new SlashTerms record when the committee or the recipient
    /// differs from the current terms (`termsId` 0 = none yet), so that pending requests keep theirs.
    function _storeConfig(
        SlashingStorage storage $,
        address avs,
        AVSConfig memory config,
        uint32 termsId,
        address oldCommittee,
        address oldRecipient
    ) internal {
        if (termsId == 0 || config.vetoCommittee != oldCommittee || config.recipient != oldRecipient) {
            termsId = ++$.termsCount;
            $.terms[termsId] = SlashTerms({
                vetoCommittee: config.vetoCommittee,
                avsId: config.id,
                recipient: config.recipient
            });
            emit SlashTermsSet(avs, termsId, config.vetoCommittee, config.recipient);
        }
        config.termsId = termsId;
        $.avs[avs] = AVSRecord({
            slasher: config.slasher,
            maxSlashWad: config.maxSlashWad,
            vetoWindow: config.vetoWindow,
            registrar: config.registrar,
            assetMask: config.assetMask,
            id: config.id,
            termsId: termsId
        });
    }

    function _toConfig(
        SlashingStorage storage $,
        AVSParams calldata p,
        uint32 id
    ) internal returns (AVSConfig memory config) {
        if (p.slasher == address(0)) revert ZeroAddress();
        if (p.maxSlashWad == 0 || p.maxSlashWad > WAD) revert InvalidMaxSlash(p.maxSlashWad);
        if (p.vetoCommittee == address(0) && p.vetoWindow != 0) revert VetoWindowWithoutCommittee();
        if (p.vetoWindow > MAX_VETO_WINDOW) revert VetoWindowTooLong(p.vetoWindow, MAX_VETO_WINDOW);
        uint256 n = p.assets.length;
        if (n == 0) revert InvalidAssetList();
        uint16 mask;
        for (uint256 i; i < n; ++i) {
            uint16 bit = uint16(1 << _assetIndex($, p.assets[i]));
            if (mask & bit != 0) revert InvalidAssetList();
            mask |= bit;
        }
        config = AVSConfig({
            slasher: p.slasher,
            maxSlashWad: p.maxSlashWad,
            vetoWindow: p.vetoWindow,
            vetoCommittee: p.vetoCommittee,
            assetMask: mask,
            id: id,
            termsId: 0,
            recipient: p.recipient,
            registrar: p.registrar,
            registered: true
        });
    }

    /// @dev Whether `next` lets the AVS take more, sooner or from more assets than `old`.
    function _loosens(AVSConfig memory old, AVSConfig memory next) internal pure returns (bool) {
        if (next.slasher != old.slasher || next.maxSlashWad > old.maxSlashWad) return true;
        // Redirecting slashed funds (burn to a recipient, or to another one) changes the AVS's incentive to slash.
        if (next.recipient != old.recipient) return true;
        if (next.assetMask & ~old.assetMask != 0) return true;
        if (old.vetoCommittee != address(0)) {
            if (next.vetoCommittee != old.vetoCommittee || next.vetoWindow < old.vetoWindow) return true;
        }
        return false;
    }

    /// @dev An increase becomes slashable only after every staker who queues a withdrawal when it is announced, or had
    /// queued one before, has had EXIT_BUFFER beyond its ready time to complete it.
    function _allocationDelay(SlashingStorage storage $) internal view returns (uint256) {
        return $.vault.latestReadyAt() + EXIT_BUFFER - block.timestamp;
    }

    /// @dev A decrease stays slashable GATE_CYCLE beyond the withdrawal delay, or beyond an AVS's longest wait between
    /// two requests if that is longer: an AVS that decides to slash within that time of its announcement (or whose
    /// cooldown ends then) reaches a join window or an open pool (at most GATE_CYCLE - JOIN_WINDOW later) before it
    /// matures, however the operator times the pool's epochs.
    function _deallocationDelay(SlashingStorage storage $) internal view returns (uint256) {
        return Math.max($.vault.withdrawalDelay(), MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE;
    }

    /// @dev The vault index of `asset`, cached locally (vault assets are append-only, so the cache never goes stale).
    function _assetIndex(SlashingStorage storage $, address asset) internal returns (uint8 index) {
        index = _knownAssetIndex($, asset);
        if ($.assetIndexPlusOne[asset] == 0) {
            $.assetIndexPlusOne[asset] = index + 1;
            $.assetAt[index] = asset;
        }
    }

    function _knownAssetIndex(SlashingStorage storage $, address asset) internal view returns (uint8) {
        uint8 indexPlusOne = $.assetIndexPlusOne[asset];
        if (indexPlusOne != 0) return indexPlusOne - 1;
        IRestakingVault.AssetConfig memory config = $.vault.assetConfig(asset);
        if (!config.listed) revert UnknownAsset(asset);
        return config.index;
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getSlashingStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getSlashingStorage().pausedGroups = groups;
    }

    function _getSlashingStorage() private pure returns (SlashingStorage storage $) {
        assembly {
            $.slot := SLASHING_STORAGE_LOCATION
        }
    }
}
