// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardsHook} from "../interfaces/IRewardsHook.sol";
import {ISlashingManager} from "../interfaces/ISlashingManager.sol";
import {BitMaskLib} from "../libraries/BitMaskLib.sol";
import {ASSET_LIST_LENGTH, ConstantsLib} from "../libraries/ConstantsLib.sol";
import {SharesMathLib} from "../libraries/SharesMathLib.sol";
import {SlashingMathLib} from "../libraries/SlashingMathLib.sol";
import {WithdrawalIdLib} from "../libraries/WithdrawalIdLib.sol";
import {ProtocolUpgradeable} from "./ProtocolUpgradeable.sol";

/// @title RestakingVault
/// @notice See {IRestakingVault}. Pools are `(operator, asset)`; a staker's position is `shares[staker][asset]` in
/// pool `(delegatedTo(staker), asset)`. Shares are priced on the pool's net assets (total minus pending slash
/// reservations), so a slash is one O(1) update of the pool. While a slash request is pending on a pool, the pool takes
/// no new shares and pays no exits (docs/slashing.md, "Pending requests close the pool").
contract RestakingVault is ProtocolUpgradeable, IRestakingVault {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant ASSET_ADMIN_ROLE = keccak256("ASSET_ADMIN_ROLE");

    uint256 public constant MAX_ASSETS = ConstantsLib.MAX_ASSETS;
    /// @dev Longer than SlashingManager's MAX_VETO_WINDOW + EXECUTION_WINDOW (3 days - 1 s), so that a staker who
    /// queues when a request is made completes after it resolves, and than its GATE_CYCLE (3.75 days - 1 s), the
    /// longest a pool's epoch gate holds a request off (docs/slashing.md, "Windows and delays").
    uint256 public constant MIN_WITHDRAWAL_DELAY = 4 days;
    uint256 public constant MAX_WITHDRAWAL_DELAY = 30 days;
    /// @dev How long an AVS that the pool gate held off has to request before a withdrawal held for it can complete.
    uint256 public constant EXIT_MARGIN = ConstantsLib.EXIT_MARGIN;
    uint256 public constant DEFAULT_WITHDRAWAL_DELAY = 7 days;

    uint8 public constant GROUP_DEPOSITS = 0;
    uint8 public constant GROUP_WITHDRAWALS = 1;
    uint8 public constant GROUP_DELEGATION = 2;

    /// @custom:storage-location erc7201:restaking.storage.RestakingVault
    struct VaultStorage {
        address[ASSET_LIST_LENGTH] assetList;
        uint8 assetCount;
        mapping(address asset => AssetConfig) assetConfig;
        mapping(address operator => mapping(address asset => Pool)) pools;
        mapping(address staker => Staker) stakers;
        mapping(address staker => mapping(address asset => uint256)) shares;
        mapping(uint256 id => Withdrawal) withdrawals;
        mapping(address staker => address) withdrawers;
        address registry;
        address slashingManager;
        uint32 openReservations;
        address rewardsHook;
        uint32 withdrawalDelay;
        uint8 pausedGroups;
        uint40 exitHorizon;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.RestakingVault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VAULT_STORAGE_LOCATION =
        0x3b0d83ff0b6f9bda25e57505ef788bfbe24206f89760ee55e5eb878f57154400;

    /// @notice Initializes the proxy: `admin` gets DEFAULT_ADMIN_ROLE, PAUSER_ROLE and ASSET_ADMIN_ROLE.
    /// @param admin The admin (a timelock in deployments).
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        _grantRole(ASSET_ADMIN_ROLE, admin);
        _getVaultStorage().withdrawalDelay = uint32(DEFAULT_WITHDRAWAL_DELAY);
        emit WithdrawalDelaySet(DEFAULT_WITHDRAWAL_DELAY);
    }

    /* ADMIN */

    /// @inheritdoc IRestakingVault
    function addAsset(address asset, uint256 cap) external onlyRole(ASSET_ADMIN_ROLE) {
        if (asset == address(0)) revert ZeroAddress();
        VaultStorage storage $ = _getVaultStorage();
        if (_isListed($, asset)) revert AssetAlreadyListed(asset);
        uint256 index = $.assetCount;
        if (index == MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        $.assetList[index] = asset;
        $.assetCount = uint8(index + 1);
        $.assetConfig[asset] = AssetConfig({
            cap: cap.toUint112(),
            totalDeposited: 0,
            index: uint8(index),
            listed: true,
            depositsEnabled: true
        });
        emit AssetAdded(asset, uint8(index), cap);
    }

    /// @inheritdoc IRestakingVault
    function setAssetCap(address asset, uint256 cap) external onlyRole(ASSET_ADMIN_ROLE) {
        VaultStorage storage $ = _getVaultStorage();
        _requireListed($, asset);
        $.assetConfig[asset].cap = cap.toUint112();
        emit AssetCapSet(asset, cap);
    }

    /// @inheritdoc IRestakingVault
    function setDepositsEnabled(address asset, bool enabled) external onlyRole(ASSET_ADMIN_ROLE) {
        VaultStorage storage $ = _getVaultStorage();
        _requireListed($, asset);
        $.assetConfig[asset].depositsEnabled = enabled;
        emit AssetDepositsEnabledSet(asset, enabled);
    }

    /// @inheritdoc IRestakingVault
    function setWithdrawalDelay(uint256 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (delay < MIN_WITHDRAWAL_DELAY || delay > MAX_WITHDRAWAL_DELAY) {
            revert WithdrawalDelayOutOfBounds(delay, MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY);
        }
        VaultStorage storage $ = _getVaultStorage();
        // Withdrawals queued under the old delay keep their readyAt; remember the latest of them.
        uint256 horizon = block.timestamp + $.withdrawalDelay;
        if (horizon > $.exitHorizon) $.exitHorizon = uint40(horizon);
        $.withdrawalDelay = uint32(delay);
        emit WithdrawalDelaySet(delay);
    }

    /// @inheritdoc IRestakingVault
    function setRegistry(address registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (registry == address(0)) revert ZeroAddress();
        _getVaultStorage().registry = registry;
        emit ModuleSet("registry", registry);
    }

    /// @inheritdoc IRestakingVault
    function setSlashingManager(address slashingManager) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (slashingManager == address(0)) revert ZeroAddress();
        VaultStorage storage $ = _getVaultStorage();
        uint256 open = $.openReservations;
        if (open != 0) revert SlashReservationsOpen(open);
        $.slashingManager = slashingManager;
        emit ModuleSet("slashingManager", slashingManager);
    }

    /// @inheritdoc IRestakingVault
    function setRewardsHook(address hook) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _getVaultStorage().rewardsHook = hook;
        emit ModuleSet("rewardsHook", hook);
    }

    /* STAKERS */

    /// @inheritdoc IRestakingVault
    function setWithdrawer(address withdrawer) external {
        _getVaultStorage().withdrawers[msg.sender] = withdrawer;
        emit WithdrawerSet(msg.sender, withdrawer);
    }

    /// @inheritdoc IRestakingVault
    function deposit(
        address asset,
        uint256 amount,
        uint256 minShares
    ) external nonReentrant whenNotPaused(GROUP_DEPOSITS) returns (uint256) {
        return _deposit(asset, amount, minShares);
    }

    /// @inheritdoc IRestakingVault
    function depositWithPermit(
        address asset,
        uint256 amount,
        uint256 minShares,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant whenNotPaused(GROUP_DEPOSITS) returns (uint256) {
        // A front-run permit makes this call fail while the allowance is already in place: ignore the failure.
        try IERC20Permit(asset).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        return _deposit(asset, amount, minShares);
    }

    /// @inheritdoc IRestakingVault
    function queueWithdrawal(
        address asset,
        uint256 shares
    ) external nonReentrant whenNotPaused(GROUP_WITHDRAWALS) returns (uint256) {
        VaultStorage storage $ = _getVaultStorage();
        Staker memory staker = $.stakers[msg.sender];
        uint256 id = _queueWithdrawal($, msg.sender, staker, asset, shares);
        $.stakers[msg.sender] = staker;
        return id;
    }

    /// @inheritdoc IRestakingVault
    function queueWithdrawals(
        address[] calldata assets_,
        uint256[] calldata shares
    ) external nonReentrant whenNotPaused(GROUP_WITHDRAWALS) returns (uint256[] memory ids) {
        if (assets_.length != shares.length) revert LengthMismatch(assets_.length, shares.length);
        VaultStorage storage $ = _getVaultStorage();
        Staker memory staker = $.stakers[msg.sender];
        ids = new uint256[](assets_.length);
        for (uint256 i; i < assets_.length; ++i) {
            ids[i] = _queueWithdrawal($, msg.sender, staker, assets_[i], shares[i]);
        }
        $.stakers[msg.sender] = staker;
    }

    /// @inheritdoc IRestakingVault
    function completeWithdrawal(
        uint256 id,
        bool receiveAsTokens,
        uint256 minAssets
    ) external nonReentrant whenNotPaused(GROUP_WITHDRAWALS) returns (uint256) {
        VaultStorage storage $ = _getVaultStorage();
        Withdrawal memory w = $.withdrawals[id];
        if (w.startTime == 0) revert WithdrawalNotFound(id);
        address staker = WithdrawalIdLib.staker(id);
        if (msg.sender != staker && msg.sender != $.withdrawers[staker]) revert NotWithdrawer(id, msg.sender);
        if (block.timestamp < w.readyAt) revert WithdrawalNotReady(id, w.readyAt);
        delete $.withdrawals[id];

        address asset = $.assetList[w.assetIndex];
        Pool storage from = $.pools[w.operator][asset];
        Pool memory p = from;
        // An exit while a request is pending would be priced net of it and keep nothing of a later veto: it waits.
        if (p.pendingRequests != 0) revert PoolSlashPending(w.operator, asset, p.pendingRequests);
        _requireExitOpen($, id, w.operator, asset, w.readyAt);
        uint256 assets_ = SharesMathLib.toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
        if (assets_ < minAssets) revert AssetsBelowMinimum(assets_, minAssets);
        from.totalAssets = uint112(p.totalAssets - assets_);
        from.totalShares = uint128(p.totalShares - w.shares);
        from.queuedShares = uint128(p.queuedShares - w.shares);

        if (receiveAsTokens) {
            $.assetConfig[asset].totalDeposited -= uint112(assets_);
            emit WithdrawalCompleted(id, staker, msg.sender, w.operator, asset, w.shares, assets_, true, address(0), 0);
            if (assets_ != 0) IERC20(asset).safeTransfer(msg.sender, assets_);
            return assets_;
        }

        Staker memory s = $.stakers[staker];
        uint256 minted = _mintShares($, staker, s, asset, w.assetIndex, assets_);
        $.stakers[staker] = s;
        emit WithdrawalCompleted(id, staker, staker, w.operator, asset, w.shares, assets_, false, s.operator, minted);
        return minted;
    }

    /* REGISTRY */

    /// @inheritdoc IRestakingVault
    function delegate(address staker, address operator) external nonReentrant whenNotPaused(GROUP_DELEGATION) {
        VaultStorage storage $ = _getVaultStorage();
        if (msg.sender != $.registry) revert OnlyRegistry(msg.sender);
        if (operator == address(0)) revert ZeroAddress();
        Staker memory s = $.stakers[staker];
        if (s.operator != address(0)) revert AlreadyDelegated(staker, s.operator);
        s.operator = operator;
        emit Delegated(staker, operator);

        uint256 mask = s.assetMask;
        while (mask != 0) {
            uint8 index = BitMaskLib.lowestBit(mask);
            mask &= mask - 1;
            address asset = $.assetList[index];
            uint256 oldShares = $.shares[staker][asset];
            Pool storage from = $.pools[address(0)][asset];
            Pool memory p0 = from;
            uint256 assets_ = SharesMathLib.toAssetsDown(oldShares, p0.totalAssets, p0.totalShares);
            from.totalAssets = uint112(p0.totalAssets - assets_);
            from.totalShares = uint128(p0.totalShares - oldShares);
            uint256 minted = _creditPool($, staker, 0, operator, asset, assets_);
            $.shares[staker][asset] = minted;
            if (minted == 0) s.assetMask &= ~uint16(1 << index);
            emit SharesMoved(staker, asset, address(0), operator, oldShares, assets_, minted);
        }
        $.stakers[staker] = s;
    }

    /// @inheritdoc IRestakingVault
    function undelegate(
        address staker
    ) external nonReentrant whenNotPaused(GROUP_DELEGATION) returns (address operator, uint256[] memory ids) {
        // Undelegating queues withdrawals: the withdrawals pause holds for it too.
        _requireNotPaused(GROUP_WITHDRAWALS);
        VaultStorage storage $ = _getVaultStorage();
        if (msg.sender != $.registry) revert OnlyRegistry(msg.sender);
        Staker memory s = $.stakers[staker];
        operator = s.operator;
        if (operator == address(0)) revert NotDelegated(staker);

        uint256 mask = s.assetMask;
        ids = new uint256[](BitMaskLib.popCount(mask));
        for (uint256 n; mask != 0; ++n) {
            ids[n] = _queueAllShares($, staker, s, $.assetList[BitMaskLib.lowestBit(mask)]);
            mask &= mask - 1;
        }
        s.operator = address(0);
        $.stakers[staker] = s;
        emit Undelegated(staker, operator);
    }

    /* SLASHING MANAGER */

    /// @inheritdoc IRestakingVault
    function reserveSlash(
        address operator,
        address asset,
        uint256 magnitude,
        uint256 freeMagnitude
    ) external returns (uint256 amount) {
        VaultStorage storage $ = _getVaultStorage();
        if (msg.sender != $.slashingManager) revert OnlySlashingManager(msg.sender);
        if (operator == address(0) || magnitude == 0 || magnitude > freeMagnitude) revert InvalidSlash(operator, asset);
        Pool storage pool_ = $.pools[operator][asset];
        (uint256 pending, uint256 requests) = (pool_.pendingSlash, pool_.pendingRequests);
        amount = SlashingMathLib.toAssetsDown(pool_.totalAssets - pending, magnitude, freeMagnitude);
        if (amount == 0) return 0;
        if (requests == type(uint16).max) revert TooManyPendingRequests(operator, asset);
        pending += amount;
        ++requests;
        (pool_.pendingSlash, pool_.pendingRequests) = (uint112(pending), uint16(requests));
        ++$.openReservations;
        emit SlashReserved(operator, asset, amount, pending, requests);
    }

    /// @inheritdoc IRestakingVault
    function releaseSlash(address operator, address asset, uint256 amount) external {
        VaultStorage storage $ = _getVaultStorage();
        if (msg.sender != $.slashingManager) revert OnlySlashingManager(msg.sender);
        Pool storage pool_ = $.pools[operator][asset];
        (uint256 pending, uint256 requests) = (pool_.pendingSlash, pool_.pendingRequests);
        if (amount > pending || requests == 0) revert SlashReservationExceeded(operator, asset, pending, amount);
        pending -= amount;
        --requests;
        (pool_.pendingSlash, pool_.pendingRequests) = (uint112(pending), uint16(requests));
        --$.openReservations;
        emit SlashReleased(operator, asset, amount, pending, requests);
    }

    /// @inheritdoc IRestakingVault
    function executeSlash(address operator, address asset, uint256 amount, bool fullySlashed) external nonReentrant {
        VaultStorage storage $ = _getVaultStorage();
        address slashingManager = $.slashingManager;
        if (msg.sender != slashingManager) revert OnlySlashingManager(msg.sender);
        Pool storage pool_ = $.pools[operator][asset];
        Pool memory p = pool_;
        if (amount > p.pendingSlash || p.pendingRequests == 0) {
            revert SlashReservationExceeded(operator, asset, p.pendingSlash, amount);
        }
        uint256 totalAssets = p.totalAssets - amount;
        pool_.totalAssets = uint112(totalAssets);
        if (fullySlashed && !p.fullySlashed) pool_.fullySlashed = true;
        uint256 requests = p.pendingRequests - 1;
        (pool_.pendingSlash, pool_.pendingRequests) = (uint112(p.pendingSlash - amount), uint16(requests));
        --$.openReservations;
        $.assetConfig[asset].totalDeposited -= uint112(amount);
        emit Slashed(operator, asset, amount, totalAssets, requests, fullySlashed || p.fullySlashed);
        if (amount != 0) IERC20(asset).safeTransfer(slashingManager, amount);
    }

    /* VIEWS */

    /// @inheritdoc IRestakingVault
    function assets() external view returns (address[] memory list) {
        VaultStorage storage $ = _getVaultStorage();
        uint256 count = $.assetCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = $.assetList[i];
        }
    }

    /// @inheritdoc IRestakingVault
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return _getVaultStorage().assetConfig[asset];
    }

    /// @inheritdoc IRestakingVault
    function isAsset(address asset) external view returns (bool) {
        return _isListed(_getVaultStorage(), asset);
    }

    /// @inheritdoc IRestakingVault
    function assetAt(uint256 index) external view returns (address) {
        VaultStorage storage $ = _getVaultStorage();
        if (index >= $.assetCount) revert AssetIndexOutOfRange(index, $.assetCount);
        return $.assetList[index];
    }

    /// @inheritdoc IRestakingVault
    function activePositions(
        address staker
    )
        external
        view
        returns (address operator, address[] memory assets_, uint256[] memory shares, uint256[] memory poolActiveShares)
    {
        VaultStorage storage $ = _getVaultStorage();
        Staker memory s = $.stakers[staker];
        operator = s.operator;
        uint256 mask = s.assetMask;
        uint256 n = BitMaskLib.popCount(mask);
        assets_ = new address[](n);
        shares = new uint256[](n);
        poolActiveShares = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            address asset = $.assetList[BitMaskLib.lowestBit(mask)];
            mask &= mask - 1;
            Pool storage p = $.pools[operator][asset];
            (assets_[i], shares[i], poolActiveShares[i]) = (
                asset,
                $.shares[staker][asset],
                p.totalShares - p.queuedShares
            );
        }
    }

    /// @inheritdoc IRestakingVault
    function withdrawalDelay() external view returns (uint256) {
        return _getVaultStorage().withdrawalDelay;
    }

    /// @inheritdoc IRestakingVault
    function latestReadyAt() external view returns (uint256) {
        VaultStorage storage $ = _getVaultStorage();
        (uint256 delay, uint256 horizon) = ($.withdrawalDelay, $.exitHorizon);
        return Math.max(block.timestamp + delay, horizon);
    }

    /// @inheritdoc IRestakingVault
    function openSlashReservations() external view returns (uint256) {
        return _getVaultStorage().openReservations;
    }

    /// @inheritdoc IRestakingVault
    function modules() external view returns (address registry, address slashingManager, address rewardsHook) {
        VaultStorage storage $ = _getVaultStorage();
        return ($.registry, $.slashingManager, $.rewardsHook);
    }

    /// @inheritdoc IRestakingVault
    function pool(address operator, address asset) external view returns (Pool memory) {
        return _getVaultStorage().pools[operator][asset];
    }

    /// @inheritdoc IRestakingVault
    function poolBalances(address operator, address asset) external view returns (uint112, uint128, uint112) {
        Pool storage p = _getVaultStorage().pools[operator][asset];
        return (p.totalAssets, p.totalShares, p.pendingSlash);
    }

    /// @inheritdoc IRestakingVault
    /// @dev Hand-encoded: per pair the pool's slot (as Solidity keys `pools[operator][asset]`) and its two words,
    /// `Pool`'s fields unpacked by their offsets (slot 0: totalAssets bits 0-111, totalShares 112-239; slot 1:
    /// pendingSlash bits 128-239). The test against `poolBalances` in random states guards the offsets. The loop is
    /// bounded by the caller's calldata.
    function poolBalancesOf(bytes calldata pairs) external view returns (uint256[] memory) {
        if (pairs.length % 40 != 0) revert PackedPairsLength(pairs.length);
        mapping(address => mapping(address => Pool)) storage pools = _getVaultStorage().pools;
        assembly ("memory-safe") {
            let n := div(pairs.length, 40)
            let out := mload(0x40)
            mstore(out, 0x20)
            mstore(add(out, 0x20), mul(n, 3))
            let w := add(out, 0x40)
            for {
                let p := pairs.offset
                let end := add(pairs.offset, pairs.length)
            } lt(p, end) {
                p := add(p, 40)
            } {
                mstore(0x00, shr(96, calldataload(p)))
                mstore(0x20, pools.slot)
                mstore(0x20, keccak256(0x00, 0x40))
                mstore(0x00, shr(96, calldataload(add(p, 20))))
                let slot := keccak256(0x00, 0x40)
                let s0 := sload(slot)
                mstore(w, and(s0, 0xffffffffffffffffffffffffffff))
                mstore(add(w, 0x20), and(shr(112, s0), 0xffffffffffffffffffffffffffffffff))
                mstore(add(w, 0x40), and(shr(128, sload(add(slot, 1))), 0xffffffffffffffffffffffffffff))
                w := add(w, 0x60)
            }
            return(out, sub(w, out))
        }
    }

    /// @inheritdoc IRestakingVault
    function delegatedTo(address staker) external view returns (address) {
        return _getVaultStorage().stakers[staker].operator;
    }

    /// @inheritdoc IRestakingVault
    function stakerInfo(address staker) external view returns (Staker memory) {
        return _getVaultStorage().stakers[staker];
    }

    /// @inheritdoc IRestakingVault
    function withdrawerOf(address staker) external view returns (address) {
        return _getVaultStorage().withdrawers[staker];
    }

    /// @inheritdoc IRestakingVault
    function position(
        address staker,
        address asset
    ) external view returns (address operator, uint256 shares, uint256 assets_) {
        VaultStorage storage $ = _getVaultStorage();
        operator = $.stakers[staker].operator;
        shares = $.shares[staker][asset];
        Pool memory p = $.pools[operator][asset];
        assets_ = SharesMathLib.toAssetsDown(shares, p.totalAssets - p.pendingSlash, p.totalShares);
    }

    /// @inheritdoc IRestakingVault
    function activeShares(
        address staker,
        address asset
    ) external view returns (address operator, uint256 shares, uint256 poolActiveShares) {
        VaultStorage storage $ = _getVaultStorage();
        operator = $.stakers[staker].operator;
        shares = $.shares[staker][asset];
        Pool storage p = $.pools[operator][asset];
        poolActiveShares = p.totalShares - p.queuedShares;
    }

    /// @inheritdoc IRestakingVault
    function operatorStake(address operator, address asset) external view returns (uint256) {
        Pool memory p = _getVaultStorage().pools[operator][asset];
        return
            SharesMathLib.toAssetsDown(p.totalShares - p.queuedShares, p.totalAssets - p.pendingSlash, p.totalShares);
    }

    /// @inheritdoc IRestakingVault
    function poolNetAssets(address operator, address asset) external view returns (uint256) {
        Pool storage p = _getVaultStorage().pools[operator][asset];
        return p.totalAssets - p.pendingSlash;
    }

    /// @inheritdoc IRestakingVault
    function withdrawal(uint256 id) external view returns (address staker, Withdrawal memory w, address asset) {
        VaultStorage storage $ = _getVaultStorage();
        w = $.withdrawals[id];
        if (w.startTime != 0) {
            staker = WithdrawalIdLib.staker(id);
            asset = $.assetList[w.assetIndex];
        }
    }

    /// @inheritdoc IRestakingVault
    function withdrawableAmount(uint256 id) external view returns (uint256 assets_, uint256 readyAt) {
        VaultStorage storage $ = _getVaultStorage();
        Withdrawal memory w = $.withdrawals[id];
        if (w.startTime == 0) revert WithdrawalNotFound(id);
        Pool memory p = $.pools[w.operator][$.assetList[w.assetIndex]];
        assets_ = SharesMathLib.toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
        readyAt = _exitOpensAt($, w.operator, $.assetList[w.assetIndex], w.readyAt);
    }

    /// @inheritdoc IRestakingVault
    function previewDeposit(address operator, address asset, uint256 assets_) external view returns (uint256) {
        Pool memory p = _getVaultStorage().pools[operator][asset];
        if (p.pendingRequests != 0 || p.fullySlashed) return 0;
        return SharesMathLib.toSharesDown(assets_, p.totalAssets, p.totalShares);
    }

    /* INTERNAL */

    function _requireExitOpen(
        VaultStorage storage $,
        uint256 id,
        address operator,
        address asset,
        uint256 readyAt
    ) internal view {
        uint256 openAt = _exitOpensAt($, operator, asset, readyAt);
        if (block.timestamp < openAt) revert WithdrawalGated(id, openAt);
    }

    /// @dev An AVS that decides to slash up to a withdrawal's ready time may be held off by its pool's request epoch
    /// (from JOIN_WINDOW after the epoch's start until GATE_CYCLE after it) and, once free, needs time to get its
    /// request in, even if the operator starts the next epoch (and cancels its request) in that very block. So a
    /// withdrawal ready at or after the current epoch's join window closed completes only EXIT_MARGIN after the gate
    /// lapses, and one ready before then (the previous epoch may have held it) only EXIT_MARGIN after the current
    /// epoch's start (docs/slashing.md, "Pending requests close the pool").
    function _exitOpensAt(
        VaultStorage storage $,
        address operator,
        address asset,
        uint256 readyAt
    ) internal view returns (uint256) {
        address manager = $.slashingManager;
        if (operator == address(0) || manager == address(0)) return readyAt;
        (ISlashingManager.Magnitudes memory m, ) = ISlashingManager(manager).magnitudes(operator, asset);
        uint256 start = m.gateAt;
        if (start == 0) return readyAt;
        uint256 hold = readyAt < start + ConstantsLib.JOIN_WINDOW ? 0 : ConstantsLib.GATE_CYCLE;
        return Math.max(readyAt, start + hold + ConstantsLib.EXIT_MARGIN);
    }

    function _deposit(address asset, uint256 amount, uint256 minShares) internal returns (uint256 shares) {
        if (amount == 0) revert ZeroAmount();
        VaultStorage storage $ = _getVaultStorage();
        AssetConfig memory config = $.assetConfig[asset];
        if (!config.listed) revert AssetNotListed(asset);
        if (!config.depositsEnabled) revert DepositsDisabled(asset);
        uint256 total = uint256(config.totalDeposited) + amount;
        if (total > config.cap) revert CapExceeded(asset, config.cap, total);
        $.assetConfig[asset].totalDeposited = uint112(total);

        Staker memory s = $.stakers[msg.sender];
        uint16 maskBefore = s.assetMask;
        shares = _mintShares($, msg.sender, s, asset, config.index, amount);
        if (shares == 0 || shares < minShares) revert SharesBelowMinimum(shares, minShares);
        if (s.assetMask != maskBefore) $.stakers[msg.sender] = s;
        emit Deposited(msg.sender, s.operator, asset, amount, shares);

        IERC20 token = IERC20(asset);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert TransferAmountMismatch(asset, amount, received);
    }

    /// @dev Credits `assets` to the staker's pool `(s.operator, asset)`, adds the minted shares to its position and
    /// sets the asset's bit in `s.assetMask` (the caller stores `s`).
    function _mintShares(
        VaultStorage storage $,
        address staker,
        Staker memory s,
        address asset,
        uint8 assetIndex,
        uint256 assets_
    ) internal returns (uint256 minted) {
        uint256 held = $.shares[staker][asset];
        minted = _creditPool($, staker, held, s.operator, asset, assets_);
        $.shares[staker][asset] = held + minted;
        // The mask marks exactly the assets the staker holds shares of (a worthless withdrawal mints none).
        if (held + minted != 0) s.assetMask |= uint16(1 << assetIndex);
    }

    /// @dev Adds `assets_` to pool `(operator, asset)` and returns the shares minted for them, after telling the
    /// rewards hook (delegated pools only) that the staker's active shares change.
    function _creditPool(
        VaultStorage storage $,
        address staker,
        uint256 stakerShares,
        address operator,
        address asset,
        uint256 assets_
    ) internal returns (uint256 minted) {
        Pool storage pool_ = $.pools[operator][asset];
        Pool memory p = pool_;
        if (operator == address(0)) {
            minted = SharesMathLib.toSharesDown(assets_, p.totalAssets, p.totalShares);
        } else {
            if (p.fullySlashed) revert PoolFullySlashed(operator, asset);
            // Entering at the net price and then sharing a veto's returned value would pay the entrant for a risk it
            // never bore: a pool with a pending request takes no new shares until the request is resolved, whatever
            // the request reserved.
            if (p.pendingRequests != 0) revert PoolSlashPending(operator, asset, p.pendingRequests);
            minted = SharesMathLib.toSharesDown(assets_, p.totalAssets, p.totalShares);
            _callRewardsHook(
                $,
                staker,
                operator,
                asset,
                stakerShares,
                stakerShares + minted,
                p.totalShares - p.queuedShares
            );
        }
        pool_.totalAssets = (p.totalAssets + assets_).toUint112();
        pool_.totalShares = (p.totalShares + minted).toUint128();
    }

    function _queueWithdrawal(
        VaultStorage storage $,
        address staker,
        Staker memory s,
        address asset,
        uint256 shares
    ) internal returns (uint256 id) {
        if (shares == 0) revert ZeroAmount();
        AssetConfig storage config = $.assetConfig[asset];
        if (!config.listed) revert AssetNotListed(asset);
        uint8 index = config.index;
        uint256 held = $.shares[staker][asset];
        if (shares > held) revert InsufficientShares(staker, asset, held, shares);

        address operator = s.operator;
        Pool storage pool_ = $.pools[operator][asset];
        uint256 queued = pool_.queuedShares;
        if (operator != address(0)) {
            _callRewardsHook($, staker, operator, asset, held, held - shares, pool_.totalShares - queued);
        }
        pool_.queuedShares = uint128(queued + shares);
        unchecked {
            held -= shares;
        }
        $.shares[staker][asset] = held;
        if (held == 0) s.assetMask &= ~uint16(1 << index);

        // The id takes the old nonce: post-increment.
        // solhint-disable-next-line gas-increment-by-one
        id = WithdrawalIdLib.toId(staker, s.withdrawalNonce++);
        uint256 readyAt = block.timestamp + $.withdrawalDelay;
        $.withdrawals[id] = Withdrawal({
            operator: operator,
            startTime: uint40(block.timestamp),
            assetIndex: index,
            readyAt: uint40(readyAt),
            shares: uint128(shares)
        });
        emit WithdrawalQueued(id, staker, operator, asset, shares, block.timestamp, readyAt);
    }

    function _queueAllShares(
        VaultStorage storage $,
        address staker,
        Staker memory s,
        address asset
    ) internal returns (uint256) {
        return _queueWithdrawal($, staker, s, asset, $.shares[staker][asset]);
    }

    function _callRewardsHook(
        VaultStorage storage $,
        address staker,
        address operator,
        address asset,
        uint256 sharesBefore,
        uint256 sharesAfter,
        uint256 poolActiveShares
    ) internal {
        address hook = $.rewardsHook;
        if (hook != address(0)) {
            IRewardsHook(hook).onActiveSharesChange(
                staker,
                operator,
                asset,
                sharesBefore,
                sharesAfter,
                poolActiveShares
            );
        }
    }

    function _requireListed(VaultStorage storage $, address asset) internal view {
        if (!_isListed($, asset)) revert AssetNotListed(asset);
    }

    function _isListed(VaultStorage storage $, address asset) internal view returns (bool) {
        return $.assetConfig[asset].listed;
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getVaultStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getVaultStorage().pausedGroups = groups;
    }

    function _getVaultStorage() private pure returns (VaultStorage storage $) {
        assembly {
            $.slot := VAULT_STORAGE_LOCATION
        }
    }
}
