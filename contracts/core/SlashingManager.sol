// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IAVSRegistrar} from "../interfaces/IAVSRegistrar.sol";
import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {ISlashingManager} from "../interfaces/ISlashingManager.sol";
import {ProtocolUpgradeable} from "./ProtocolUpgradeable.sol";

/// @title SlashingManager
/// @notice See {ISlashingManager}. Magnitudes are WAD fractions of an operator's pool in one asset. A request takes
/// `s = f * a_X` of the AVS's allocation and reserves `net * s / (maxMagnitude - reserved)` of the pool at once, so
/// that entries and exits are priced net of it and other AVSs' allocated stake keeps its size.
contract SlashingManager is ProtocolUpgradeable, ISlashingManager {
    using SafeERC20 for IERC20;

    uint256 internal constant WAD = 1e18;
    uint256 public constant MAX_VETO_WINDOW = 2 days - 1;
    uint256 public constant EXECUTION_WINDOW = 1 days;
    uint256 public constant DEFAULT_ALLOCATION_DELAY = 1 days;
    uint256 public constant MAX_ALLOCATION_DELAY = 30 days;
    uint256 public constant REGISTRAR_GAS_LIMIT = 200_000;
    address public constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    uint8 public constant GROUP_AVS = 0;
    uint8 public constant GROUP_ALLOCATIONS = 1;
    uint8 public constant GROUP_SLASHING = 2;

    struct OperatorDelay {
        uint32 delay;
        uint32 pendingDelay;
        uint40 effectAt;
        bool isSet;
    }

    /// @custom:storage-location erc7201:restaking.storage.SlashingManager
    struct SlashingStorage {
        IRestakingVault vault;
        uint8 pausedGroups;
        uint64 requestCount;
        IOperatorRegistry registry;
        uint32 avsCount;
        mapping(address avs => AVSConfig) avs;
        mapping(uint32 id => address) avsAt;
        mapping(address avs => AVSConfig) pendingConfig;
        mapping(address avs => uint256) pendingConfigEffectAt;
        mapping(address avs => mapping(address operator => bool)) registered;
        mapping(address operator => OperatorDelay) allocationDelays;
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
        if ($.avs[msg.sender].registered) revert AVSAlreadyRegistered(msg.sender);
        uint32 id = ++$.avsCount;
        $.avsAt[id] = msg.sender;
        AVSConfig memory config = _toConfig($, params, id);
        $.avs[msg.sender] = config;
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
            uint256 effectAt = block.timestamp + $.vault.withdrawalDelay();
            $.pendingConfig[msg.sender] = config;
            $.pendingConfigEffectAt[msg.sender] = effectAt;
            emit AVSConfigQueued(msg.sender, config, effectAt);
        } else {
            delete $.pendingConfig[msg.sender];
            delete $.pendingConfigEffectAt[msg.sender];
            $.avs[msg.sender] = config;
            emit AVSConfigUpdated(msg.sender, config);
        }
    }

    /// @inheritdoc ISlashingManager
    function applyAVSConfig(address avs) external {
        SlashingStorage storage $ = _getSlashingStorage();
        uint256 effectAt = $.pendingConfigEffectAt[avs];
        if (effectAt == 0 || block.timestamp < effectAt) revert NoPendingConfig(avs, effectAt);
        AVSConfig memory config = $.pendingConfig[avs];
        delete $.pendingConfig[avs];
        delete $.pendingConfigEffectAt[avs];
        $.avs[avs] = config;
        emit AVSConfigUpdated(avs, config);
    }

    /* OPERATORS */

    /// @inheritdoc ISlashingManager
    function registerOperatorToAVS(address avs, bytes calldata data) external nonReentrant whenNotPaused(GROUP_AVS) {
        SlashingStorage storage $ = _getSlashingStorage();
        AVSConfig storage config = $.avs[avs];
        (bool avsRegistered, address registrar) = (config.registered, config.registrar);
        if (!avsRegistered) revert AVSNotRegistered(avs);
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
            uint256 needed = (REGISTRAR_GAS_LIMIT * 64) / 63 + 10_000;
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
    function setAllocationDelay(uint32 delay) external {
        SlashingStorage storage $ = _getSlashingStorage();
        if (!$.registry.isOperator(msg.sender)) revert NotOperator(msg.sender);
        if (delay > MAX_ALLOCATION_DELAY) revert AllocationDelayTooLong(delay, MAX_ALLOCATION_DELAY);
        OperatorDelay storage d = $.allocationDelays[msg.sender];
        uint256 current = _allocationDelay(d);
        uint256 effectAt = block.timestamp + current;
        $.allocationDelays[msg.sender] = OperatorDelay({
            delay: uint32(current),
            pendingDelay: delay,
            effectAt: uint40(effectAt),
            isSet: true
        });
        emit AllocationDelaySet(msg.sender, delay, effectAt);
    }

    /// @inheritdoc ISlashingManager
    function modifyAllocation(address avs, address asset, uint64 magnitude) external whenNotPaused(GROUP_ALLOCATIONS) {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _assetIndex($, asset);
        Allocation storage stored = $.allocations[msg.sender][avs][index];
        Magnitudes storage storedMags = $.magnitudes[msg.sender][index];
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        if (a.effectAt != 0) revert PendingAllocationChange(a.effectAt);

        uint256 effectAt;
        if (magnitude > a.current) {
            if (!$.registered[avs][msg.sender]) revert NotRegistered(msg.sender, avs);
            if ($.avs[avs].assetMask & (1 << index) == 0) revert AssetNotAccepted(avs, asset);
            uint64 delta = magnitude - a.current;
            uint256 available = WAD - m.lost - m.encumbered;
            if (delta > available) revert InsufficientMagnitude(available, delta);
            m.encumbered += delta;
            effectAt = block.timestamp + _allocationDelay($.allocationDelays[msg.sender]);
            (a.pendingDelta, a.pendingIncrease) = (delta, true);
        } else if (magnitude < a.current) {
            effectAt = block.timestamp + $.vault.withdrawalDelay();
            (a.pendingDelta, a.pendingIncrease) = (a.current - magnitude, false);
        } else {
            revert AllocationUnchanged(magnitude);
        }
        a.effectAt = uint40(effectAt);
        stored.current = a.current;
        stored.pendingDelta = a.pendingDelta;
        stored.pendingIncrease = a.pendingIncrease;
        stored.effectAt = a.effectAt;
        storedMags.encumbered = m.encumbered;
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
        (uint256 executableAt, uint16 assetMask, uint32 avsId) = _checkRequest($, avs, wadFraction);
        id = ++$.requestCount;
        uint256 count = _reserveAll($, id, operator, avs, assetMask, wadFraction);
        if (count == 0) revert NothingToSlash(operator, avs);
        $.requests[id] = SlashRequest({
            avsId: avsId,
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
            executableAt + EXECUTION_WINDOW
        );
    }

    /// @inheritdoc ISlashingManager
    function vetoSlash(uint256 id) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest memory r = _requirePending($, id);
        address avs = $.avsAt[r.avsId];
        if (msg.sender != $.avs[avs].vetoCommittee) revert NotVetoCommittee(msg.sender, avs);
        if (block.timestamp >= r.executableAt) revert VetoWindowClosed(id, r.executableAt);
        _cancel($, id, r, avs, SlashStatus.Vetoed);
    }

    /// @inheritdoc ISlashingManager
    function cancelSlash(uint256 id) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest memory r = _requirePending($, id);
        address avs = $.avsAt[r.avsId];
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
            mags.lost = m.lost;
            mags.encumbered = m.encumbered;
            mags.reserved = m.reserved;
            address asset = $.assetAt[slashed.assetIndex];
            $.vault.executeSlash(r.operator, asset, slashed.amount);
            emit SlashAssetExecuted(id, asset, slashed.magnitude, slashed.amount, WAD - m.lost);
        }
        emit SlashExecuted(id, r.operator, msg.sender);
    }

    /// @inheritdoc ISlashingManager
    function releaseSlashedFunds(uint256 id) external nonReentrant {
        SlashingStorage storage $ = _getSlashingStorage();
        SlashRequest storage stored = $.requests[id];
        SlashStatus status = stored.status;
        if (status != SlashStatus.Executed) revert InvalidSlashStatus(id, status);
        stored.status = SlashStatus.FundsReleased;
        address recipient = $.avs[$.avsAt[stored.avsId]].recipient;
        if (recipient == address(0)) recipient = BURN_ADDRESS;
        uint256 count = stored.assetCount;
        for (uint256 i; i < count; ++i) {
            SlashedAsset memory slashed = $.slashedAssets[id][i];
            address asset = $.assetAt[slashed.assetIndex];
            emit SlashedFundsReleased(id, recipient, asset, slashed.amount);
            if (slashed.amount != 0) IERC20(asset).safeTransfer(recipient, slashed.amount);
        }
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
        return _getSlashingStorage().avs[avs];
    }

    /// @inheritdoc ISlashingManager
    function pendingAVSConfig(address avs) external view returns (AVSConfig memory config, uint256 effectAt) {
        SlashingStorage storage $ = _getSlashingStorage();
        return ($.pendingConfig[avs], $.pendingConfigEffectAt[avs]);
    }

    /// @inheritdoc ISlashingManager
    function isRegistered(address avs, address operator) external view returns (bool) {
        return _getSlashingStorage().registered[avs][operator];
    }

    /// @inheritdoc ISlashingManager
    function avsAt(uint32 id) external view returns (address) {
        return _getSlashingStorage().avsAt[id];
    }

    /// @inheritdoc ISlashingManager
    function allocationDelay(address operator) external view returns (uint256) {
        return _allocationDelay(_getSlashingStorage().allocationDelays[operator]);
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
    function allocatedStake(address operator, address avs, address asset) public view returns (uint256) {
        SlashingStorage storage $ = _getSlashingStorage();
        uint8 index = _knownAssetIndex($, asset);
        (Allocation memory a, Magnitudes memory m) = _applyMatured(
            $.allocations[operator][avs][index],
            $.magnitudes[operator][index]
        );
        if (a.current == 0) return 0;
        return Math.mulDiv($.vault.poolNetAssets(operator, asset), a.current, WAD - m.lost - m.reserved);
    }

    /// @inheritdoc ISlashingManager
    function maxSlashable(address operator, address avs, address asset) external view returns (uint256) {
        return Math.mulDiv(allocatedStake(operator, avs, asset), _getSlashingStorage().avs[avs].maxSlashWad, WAD);
    }

    /// @inheritdoc ISlashingManager
    function securedStake(
        address avs,
        address asset,
        address[] calldata operators
    ) external view returns (uint256 total) {
        for (uint256 i; i < operators.length; ++i) {
            total += allocatedStake(operators[i], avs, asset);
        }
    }

    /// @inheritdoc ISlashingManager
    function slashRequest(
        uint256 id
    )
        external
        view
        returns (SlashRequest memory request, address avs, address[] memory assets, SlashedAsset[] memory slashed)
    {
        SlashingStorage storage $ = _getSlashingStorage();
        request = $.requests[id];
        avs = $.avsAt[request.avsId];
        assets = new address[](request.assetCount);
        slashed = new SlashedAsset[](request.assetCount);
        for (uint256 i; i < request.assetCount; ++i) {
            slashed[i] = $.slashedAssets[id][i];
            assets[i] = $.assetAt[slashed[i].assetIndex];
        }
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
    ) internal view returns (uint256 executableAt, uint16 assetMask, uint32 avsId) {
        AVSConfig storage config = $.avs[avs];
        (address slasher, uint64 maxSlashWad, uint32 vetoWindow) = (
            config.slasher,
            config.maxSlashWad,
            config.vetoWindow
        );
        if (msg.sender != slasher || slasher == address(0)) revert NotSlasher(msg.sender, avs);
        if (wadFraction == 0 || wadFraction > maxSlashWad) revert InvalidSlashFraction(wadFraction, maxSlashWad);
        address vetoCommittee;
        (vetoCommittee, assetMask, avsId) = (config.vetoCommittee, config.assetMask, config.id);
        executableAt = vetoCommittee == address(0) ? block.timestamp : block.timestamp + vetoWindow;
    }

    /// @dev Reserves request `id`'s take in every accepted asset the operator allocated to the AVS; returns how many.
    function _reserveAll(
        SlashingStorage storage $,
        uint256 id,
        address operator,
        address avs,
        uint256 mask,
        uint64 wadFraction
    ) internal returns (uint256 count) {
        while (mask != 0) {
            uint8 index = uint8(Math.log2(mask & (~mask + 1)));
            mask &= mask - 1;
            SlashedAsset memory slashed = _reserve($, operator, avs, index, wadFraction);
            if (slashed.magnitude == 0) continue;
            $.slashedAssets[id][count++] = slashed;
            emit SlashAssetReserved(id, $.assetAt[index], slashed.magnitude, slashed.amount);
        }
    }

    /// @dev Takes `s = f * current` from the allocation (scaling a pending decrease with it) and reserves the pool's
    /// assets for it. Returns a zero magnitude when nothing is allocated.
    function _reserve(
        SlashingStorage storage $,
        address operator,
        address avs,
        uint8 index,
        uint64 wadFraction
    ) internal returns (SlashedAsset memory slashed) {
        uint256 free;
        (slashed, free) = _takeMagnitude(
            $.allocations[operator][avs][index],
            $.magnitudes[operator][index],
            wadFraction
        );
        if (slashed.magnitude == 0) return slashed;
        slashed.assetIndex = index;
        slashed.amount = uint120($.vault.reserveSlash(operator, $.assetAt[index], slashed.magnitude, free));
    }

    /// @dev Moves `f * current` of the allocation into the operator's reserved magnitude; returns it, the cut of a
    /// pending deallocation, and the free magnitude (maxMagnitude - reserved) before the move.
    function _takeMagnitude(
        Allocation storage stored,
        Magnitudes storage storedMags,
        uint64 wadFraction
    ) internal returns (SlashedAsset memory slashed, uint256 free) {
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        uint64 s = uint64((uint256(a.current) * wadFraction) / WAD);
        if (s == 0) return (slashed, 0);
        if (a.effectAt != 0 && !a.pendingIncrease) {
            // A pending deallocation shrinks with the allocation, so that it never exceeds what is left.
            uint64 scaled = uint64((uint256(a.pendingDelta) * (a.current - s)) / a.current);
            slashed.deallocationCut = a.pendingDelta - scaled;
            a.pendingDelta = scaled;
        }
        a.current -= s;
        free = WAD - m.lost - m.reserved;
        m.reserved += s;
        _storeAllocation(stored, storedMags, a, m);
        slashed.magnitude = s;
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
                $.allocations[r.operator][avs][slashed.assetIndex],
                $.magnitudes[r.operator][slashed.assetIndex],
                slashed
            );
            $.vault.releaseSlash(r.operator, $.assetAt[slashed.assetIndex], slashed.amount);
        }
        emit SlashCancelled(id, msg.sender, status == SlashStatus.Vetoed);
    }

    /// @dev Gives a vetoed or cancelled request's magnitude back to the allocation. The deallocation it shrank gets its
    /// cut back: added to the pending decrease if one is pending (a later one has the same end state, only later),
    /// or taken from the allocation at once if the decrease has matured meanwhile.
    function _restore(Allocation storage stored, Magnitudes storage storedMags, SlashedAsset memory slashed) internal {
        (Allocation memory a, Magnitudes memory m) = _applyMatured(stored, storedMags);
        if (a.effectAt != 0 && !a.pendingIncrease) {
            a.pendingDelta += slashed.deallocationCut;
            a.current += slashed.magnitude;
        } else {
            a.current += slashed.magnitude - slashed.deallocationCut;
            m.encumbered -= slashed.deallocationCut;
        }
        m.reserved -= slashed.magnitude;
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
        storedMags.lost = m.lost;
        storedMags.encumbered = m.encumbered;
        storedMags.reserved = m.reserved;
    }

    function _target(Allocation memory a) internal pure returns (uint256) {
        if (a.effectAt == 0) return a.current;
        return a.pendingIncrease ? a.current + a.pendingDelta : a.current - a.pendingDelta;
    }

    function _requirePending(SlashingStorage storage $, uint256 id) internal view returns (SlashRequest memory r) {
        r = $.requests[id];
        if (r.status != SlashStatus.Pending) revert InvalidSlashStatus(id, r.status);
    }

    function _requireAVS(SlashingStorage storage $, address avs) internal view returns (AVSConfig memory config) {
        config = $.avs[avs];
        if (!config.registered) revert AVSNotRegistered(avs);
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

    function _allocationDelay(OperatorDelay storage d) internal view returns (uint256) {
        if (!d.isSet) return DEFAULT_ALLOCATION_DELAY;
        return d.effectAt <= block.timestamp ? d.pendingDelay : d.delay;
    }

    /// @dev The vault index of `asset`, cached locally (vault assets are append-only, so the cache never goes stale).
    function _assetIndex(SlashingStorage storage $, address asset) internal returns (uint8) {
        uint8 indexPlusOne = $.assetIndexPlusOne[asset];
        if (indexPlusOne != 0) return indexPlusOne - 1;
        IRestakingVault.AssetConfig memory config = $.vault.assetConfig(asset);
        if (!config.listed) revert UnknownAsset(asset);
        $.assetIndexPlusOne[asset] = config.index + 1;
        $.assetAt[config.index] = asset;
        return config.index;
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
