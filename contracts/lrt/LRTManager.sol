// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ProtocolUpgradeable} from "../core/ProtocolUpgradeable.sol";
import {ILiquidRestakingToken} from "../interfaces/ILiquidRestakingToken.sol";
import {ILRTAssetVaultCallback} from "../interfaces/ILRTAssetVault.sol";
import {ILRTManager} from "../interfaces/ILRTManager.sol";
import {ILRTOracle} from "../interfaces/ILRTOracle.sol";
import {IOperatorRegistryTypes} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {ISlashingManager} from "../interfaces/ISlashingManager.sol";
import {LRTMathLib} from "../libraries/LRTMathLib.sol";
import {LRTOperations} from "./LRTOperations.sol";
import {LRTRisk} from "./LRTRisk.sol";
import {LRTStorage} from "./LRTStorage.sol";
import {LRTValuation} from "./LRTValuation.sol";

/// @title LRTManager
/// @notice See {ILRTManager}. An ordinary staker of the vault through its nodes: no privilege in the core. Every
/// balance it counts is tracked in storage, so a donation to any contract moves nothing (docs/lrt.md, "Rate").
/// @custom:oz-upgrades-unsafe-allow external-library-linking
contract LRTManager is ProtocolUpgradeable, ILRTManager {
    using SafeERC20 for IERC20;

    /// @dev The manager's state, LRTStorage.Layout, as OpenZeppelin's upgrade validation sees it: the validator only
    /// reads ERC-7201 namespaces declared in the contract or its bases, not in a library, so the namespace is declared
    /// here around the library's struct (same slot, same layout: one member at offset 0). Never read: the code uses
    /// LRTStorage.layout() (docs/design-decisions.md, "Upgrades are validated by OpenZeppelin's plugin").
    /// @custom:storage-location erc7201:restaking.storage.LRTManager
    struct ManagerStorage {
        LRTStorage.Layout layout;
    }

    bytes32 public constant MANAGER_ROLE = keccak256("MANAGER_ROLE");

    uint8 public constant GROUP_DEPOSITS = 0;
    uint8 public constant GROUP_REDEEM_REQUESTS = 1;
    uint8 public constant GROUP_CLAIMS = 2;
    uint8 public constant GROUP_INSTANT_REDEEM = 3;
    uint8 public constant GROUP_OPERATIONS = 4;

    uint256 public constant MAX_ASSETS = 16;
    uint256 public constant MAX_NODES = 16;
    uint256 public constant MAX_AVSS = 16;
    uint256 public constant MAX_OTHER_REWARD_TOKENS = 8;
    uint256 public constant MAX_PROTOCOL_FEE_BPS = 2_000;
    uint256 public constant MAX_INSTANT_FEE_BPS = 1_000;
    uint256 internal constant BPS = 10_000;

    // Transient-storage slots of the same-transaction entry/exit guard (one flag each for the whole transaction).
    bytes32 private constant ENTERED_SLOT = keccak256("LRTManager.entered");
    bytes32 private constant EXITED_SLOT = keccak256("LRTManager.exited");

    /// @notice The addresses the manager is wired to.
    struct Wiring {
        address token;
        address vault;
        address slashingManager;
        address rewards;
        address registry;
        address oracle;
        address beacon;
        address treasury;
        address rewardsReceiver;
    }

    /// @notice Initializes the proxy: `admin` gets DEFAULT_ADMIN_ROLE, PAUSER_ROLE and MANAGER_ROLE.
    /// @param admin The admin (a timelock in deployments).
    /// @param w The contracts and accounts the manager uses.
    function initialize(address admin, Wiring calldata w) external initializer {
        if (admin == address(0) || w.token == address(0) || w.vault == address(0) || w.beacon == address(0)) {
            revert ZeroAddress();
        }
        __Protocol_init(admin);
        _grantRole(MANAGER_ROLE, admin);
        LRTStorage.Layout storage $ = LRTStorage.layout();
        $.token = ILiquidRestakingToken(w.token);
        $.vault = IRestakingVault(w.vault);
        $.slashing = ISlashingManager(w.slashingManager);
        $.rewards = IRewardDistributor(w.rewards);
        $.registry = w.registry;
        $.oracle = ILRTOracle(w.oracle);
        $.beacon = w.beacon;
        $.treasury = w.treasury;
        $.rewardsReceiver = w.rewardsReceiver;
        $.policy = Policy({
            maxOperatorShareBps: uint16(BPS),
            maxSlashExposureBps: uint16(BPS),
            bufferBps: 0,
            baseFeeBps: 0,
            maxFeeBps: 0,
            protocolFeeBps: 0
        });
    }

    modifier onlyEntryPoint() {
        if (LRTStorage.layout().assetOf[msg.sender] == address(0)) revert NotEntryPoint(msg.sender);
        _;
    }

    /* ADMIN AND MANAGER */

    /// @inheritdoc ILRTManager
    function addAsset(address asset, address entryPoint_, uint256 cap) external onlyRole(DEFAULT_ADMIN_ROLE) {
        LRTValuation.addAsset(asset, entryPoint_, cap);
    }

    /// @inheritdoc ILRTManager
    function setAssetConfig(
        address asset,
        uint256 cap,
        bool enabled,
        bool countRewards
    ) external onlyRole(MANAGER_ROLE) nonReentrant {
        LRTOperations.setAssetConfig(asset, cap, enabled, countRewards);
    }

    /// @inheritdoc ILRTManager
    function setWeights(uint16[] calldata weights) external onlyRole(MANAGER_ROLE) {
        LRTRisk.setWeights(weights);
    }

    /// @inheritdoc ILRTManager
    function setRiskCaps(uint16 maxOperatorShareBps, uint16 maxSlashExposureBps) external onlyRole(MANAGER_ROLE) {
        if (maxOperatorShareBps > BPS || maxOperatorShareBps == 0) revert InvalidParameter(maxOperatorShareBps, BPS);
        if (maxSlashExposureBps > BPS) revert InvalidParameter(maxSlashExposureBps, BPS);
        Policy storage p = LRTStorage.layout().policy;
        (p.maxOperatorShareBps, p.maxSlashExposureBps) = (maxOperatorShareBps, maxSlashExposureBps);
        emit PolicySet(p);
    }

    /// @inheritdoc ILRTManager
    function setAllowedAVSs(address[] calldata avss_) external onlyRole(MANAGER_ROLE) {
        if (avss_.length > MAX_AVSS) revert ListFull(MAX_AVSS);
        LRTStorage.Layout storage $ = LRTStorage.layout();
        for (uint256 i; i < avss_.length; ++i) {
            if (avss_[i] == address(0)) revert ZeroAddress();
            $.avss[i] = avss_[i];
        }
        $.avsCount = uint8(avss_.length);
        emit AllowedAVSsSet(avss_);
    }

    /// @inheritdoc ILRTManager
    function setBuffer(uint16 bufferBps, uint16 baseFeeBps, uint16 maxFeeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bufferBps > BPS) revert InvalidParameter(bufferBps, BPS);
        if (maxFeeBps > MAX_INSTANT_FEE_BPS) revert InvalidParameter(maxFeeBps, MAX_INSTANT_FEE_BPS);
        if (baseFeeBps > maxFeeBps) revert InvalidParameter(baseFeeBps, maxFeeBps);
        Policy storage p = LRTStorage.layout().policy;
        (p.bufferBps, p.baseFeeBps, p.maxFeeBps) = (bufferBps, baseFeeBps, maxFeeBps);
        emit PolicySet(p);
    }

    /// @inheritdoc ILRTManager
    function setProtocolFee(uint16 protocolFeeBps) external onlyRole(DEFAULT_ADMIN_ROLE) nonReentrant {
        if (protocolFeeBps > MAX_PROTOCOL_FEE_BPS) revert InvalidParameter(protocolFeeBps, MAX_PROTOCOL_FEE_BPS);
        LRTOperations.setProtocolFee(protocolFeeBps);
    }

    /// @inheritdoc ILRTManager
    function setConfig(
        address oracle_,
        address treasury,
        address rewardsReceiver,
        address[] calldata otherRewardTokens
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (oracle_ == address(0) || treasury == address(0) || rewardsReceiver == address(0)) revert ZeroAddress();
        if (otherRewardTokens.length > MAX_OTHER_REWARD_TOKENS) revert ListFull(MAX_OTHER_REWARD_TOKENS);
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ($.oracle, $.treasury, $.rewardsReceiver) = (ILRTOracle(oracle_), treasury, rewardsReceiver);
        $.otherRewardTokens = otherRewardTokens;
        emit ConfigSet(oracle_, treasury, rewardsReceiver, otherRewardTokens);
    }

    /* OPERATIONS */

    /// @inheritdoc ILRTManager
    function rebalance(
        uint8 nodeIndex,
        address asset,
        uint256 shares
    ) external onlyRole(MANAGER_ROLE) nonReentrant whenNotPaused(GROUP_OPERATIONS) returns (uint256) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if (nodeIndex >= $.nodeCount) revert UnknownNode(nodeIndex);
        return LRTOperations.queue($, nodeIndex, LRTStorage.config($, asset).index, asset, shares, 0);
    }

    /// @inheritdoc ILRTManager
    function stakeIdle(
        address asset,
        uint256 amount
    ) external onlyRole(MANAGER_ROLE) nonReentrant whenNotPaused(GROUP_OPERATIONS) {
        LRTOperations.stakeIdle(asset, amount);
    }

    /// @inheritdoc ILRTManager
    function completeWithdrawals(uint256[] calldata ids) external nonReentrant whenNotPaused(GROUP_OPERATIONS) {
        LRTOperations.completeWithdrawals(ids);
    }

    /// @inheritdoc ILRTManager
    function syncNode(uint256 index) external nonReentrant {
        LRTOperations.syncNode(index);
    }

    /// @inheritdoc ILRTManager
    function processRequests(
        address asset,
        uint256 maxCount
    ) external nonReentrant whenNotPaused(GROUP_OPERATIONS) returns (uint256) {
        return LRTOperations.processRequests(asset, maxCount);
    }

    /// @inheritdoc ILRTManager
    function instantRedeem(
        uint256 shares,
        address asset,
        uint256 minOut,
        address receiver
    ) external nonReentrant whenNotPaused(GROUP_INSTANT_REDEEM) returns (uint256) {
        _markExit(msg.sender);
        return LRTOperations.instantRedeem(shares, asset, minOut, receiver);
    }

    /// @inheritdoc ILRTManager
    function harvest() external nonReentrant whenNotPaused(GROUP_OPERATIONS) {
        LRTOperations.harvest();
    }

    /// @inheritdoc ILRTManager
    function refreshExposure(uint256 index) external nonReentrant {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if (index >= $.nodeCount) revert UnknownNode(index);
        (uint256 exposure, , ) = LRTRisk.nodeExposure($, index, 0, 0);
        LRTStorage.setExposure($, index, exposure);
        emit ExposureRefreshed(index, exposure);
    }

    /* ENTRY POINTS */

    /// @inheritdoc ILRTManager
    function deposit(
        address caller,
        uint256 assets_,
        address receiver,
        uint256 minShares
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_DEPOSITS) returns (uint256 shares) {
        return _deposit(caller, assets_, receiver, minShares, 0);
    }

    /// @inheritdoc ILRTManager
    function mint(
        address caller,
        uint256 shares,
        address receiver
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_DEPOSITS) returns (uint256 assets_) {
        if (shares == 0) revert ZeroAmount();
        LRTStorage.Layout storage $ = LRTStorage.layout();
        AssetConfig memory c = $.assetConfig[$.assetOf[msg.sender]];
        LRTStorage.Valuation memory v = LRTValuation.valuation($, false);
        uint256 value = LRTMathLib.toValueUp(shares, v.total, v.supply);
        assets_ = LRTMathLib.toTokensUp(value, LRTValuation.tradePrice($, v, c.index), 10 ** c.decimals);
        _deposit(caller, assets_, receiver, shares, shares);
    }

    /// @inheritdoc ILRTManager
    function createNode(
        address operator,
        uint16 weightBps,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external onlyRole(MANAGER_ROLE) returns (uint256) {
        return LRTOperations.createNode(operator, weightBps, approverSignature, approverSalt);
    }

    /// @inheritdoc ILRTManager
    function redelegateNode(
        uint256 index,
        address operator,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external onlyRole(MANAGER_ROLE) {
        LRTOperations.redelegateNode(index, operator, approverSignature, approverSalt);
    }

    /// @inheritdoc ILRTManager
    function requestRedeem(
        address caller,
        address spender,
        uint256 shares,
        address controller,
        address owner
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_REDEEM_REQUESTS) returns (uint256) {
        _markExit(owner);
        return LRTOperations.requestRedeem(caller, spender, shares, controller, owner);
    }

    /// @inheritdoc ILRTManager
    function claimShares(
        uint256 shares,
        address receiver,
        address controller
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256) {
        return LRTOperations.claimShares(shares, receiver, controller);
    }

    /// @inheritdoc ILRTManager
    function claimAssets(
        uint256 assets_,
        address receiver,
        address controller
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256) {
        return LRTOperations.claimAssets(assets_, receiver, controller);
    }

    /// @inheritdoc ILRTManager
    function claimRequest(
        uint256 id,
        address receiver,
        uint256 minAssetsOut
    ) external onlyEntryPoint nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256) {
        return LRTOperations.claimRequest(id, receiver, minAssetsOut);
    }

    /* VIEWS */

    /// @inheritdoc ILRTManager
    function totalValue(bool exit) external view returns (uint256) {
        return LRTValuation.valuation(LRTStorage.layout(), exit).total;
    }

    /// @inheritdoc ILRTManager
    function totalAssets(address asset) external view returns (uint256) {
        return LRTValuation.quote(LRTStorage.layout(), LRTValuation.Quote.TotalAssets, asset, 0);
    }

    /// @inheritdoc ILRTManager
    function getRate() external view returns (uint256) {
        return LRTValuation.rate(LRTStorage.layout());
    }

    /// @inheritdoc ILRTManager
    function previewDeposit(address asset, uint256 assets_) external view returns (uint256) {
        return LRTValuation.quote(LRTStorage.layout(), LRTValuation.Quote.PreviewDeposit, asset, assets_);
    }

    /// @inheritdoc ILRTManager
    function previewMint(address asset, uint256 shares) external view returns (uint256) {
        return LRTValuation.quote(LRTStorage.layout(), LRTValuation.Quote.PreviewMint, asset, shares);
    }

    /// @inheritdoc ILRTManager
    function convertToShares(address asset, uint256 assets_) external view returns (uint256) {
        return LRTValuation.quote(LRTStorage.layout(), LRTValuation.Quote.ConvertToShares, asset, assets_);
    }

    /// @inheritdoc ILRTManager
    function convertToAssets(address asset, uint256 shares) external view returns (uint256) {
        return LRTValuation.quote(LRTStorage.layout(), LRTValuation.Quote.ConvertToAssets, asset, shares);
    }

    /// @inheritdoc ILRTManager
    function maxDeposit(address asset) external view returns (uint256) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        AssetConfig memory c = LRTStorage.config($, asset);
        if (!c.enabled || $.pausedGroups & (1 << GROUP_DEPOSITS) != 0) return 0;
        uint256 deposited = $.books[c.index].deposited;
        return c.cap > deposited ? c.cap - deposited : 0;
    }

    /// @inheritdoc ILRTManager
    function riskReport() external view returns (RiskReport memory) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        return LRTRisk.riskReport($, LRTValuation.valuation($, true));
    }

    /// @inheritdoc ILRTManager
    function entryPoint(address asset) external view returns (address) {
        return LRTStorage.layout().assetConfig[asset].entryPoint;
    }

    /// @inheritdoc ILRTManager
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return LRTStorage.layout().assetConfig[asset];
    }

    /// @inheritdoc ILRTManager
    function assetBook(address asset) external view returns (AssetBook memory) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        return $.books[LRTStorage.config($, asset).index];
    }

    /// @inheritdoc ILRTManager
    function node(uint256 index) external view returns (NodeInfo memory) {
        return LRTStorage.layout().nodes[index];
    }

    /// @inheritdoc ILRTManager
    function nodeCount() external view returns (uint256) {
        return LRTStorage.layout().nodeCount;
    }

    /// @inheritdoc ILRTManager
    function position(uint256 index, address asset) external view returns (Position memory) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        return $.positions[index][LRTStorage.config($, asset).index];
    }

    /// @inheritdoc ILRTManager
    function withdrawalRecord(uint256 id) external view returns (WithdrawalRecord memory) {
        return LRTStorage.layout().withdrawals[id];
    }

    /// @inheritdoc ILRTManager
    function request(uint256 id) external view returns (Request memory) {
        return LRTStorage.layout().requests[id];
    }

    /// @inheritdoc ILRTManager
    function requestCount() external view returns (uint256) {
        return LRTStorage.layout().requestCount;
    }

    /// @inheritdoc ILRTManager
    function claimable(address asset, address controller) external view returns (Claimable memory) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        return $.claimables[LRTStorage.config($, asset).index][controller];
    }

    /// @inheritdoc ILRTManager
    function policy() external view returns (Policy memory) {
        return LRTStorage.layout().policy;
    }

    /// @inheritdoc ILRTManager
    function allowedAVSs() external view returns (address[] memory list) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        list = new address[]($.avsCount);
        for (uint256 i; i < list.length; ++i) list[i] = $.avss[i];
    }

    /// @inheritdoc ILRTManager
    function token() external view returns (address) {
        return address(LRTStorage.layout().token);
    }

    /* INTERNAL */

    /// @dev Deposits `assets_` for `receiver`; `exactShares` != 0 mints exactly that many (mint), else the shares
    /// the value buys at the entry price (`minShares` the floor).
    function _deposit(
        address caller,
        uint256 assets_,
        address receiver,
        uint256 minShares,
        uint256 exactShares
    ) internal returns (uint256 shares) {
        if (assets_ == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        _markEntry(caller);
        LRTStorage.Layout storage $ = LRTStorage.layout();
        address asset = $.assetOf[msg.sender];
        AssetConfig memory c = $.assetConfig[asset];
        if (!c.enabled) revert DepositsDisabled(asset);
        _countDeposit($.books[c.index], asset, c.cap, assets_);
        uint256 value;
        uint8 n;
        (shares, value, n) = _priceDeposit($, asset, c, assets_, exactShares);
        if (shares < minShares || shares == 0) revert SharesBelowMinimum(shares, minShares);
        emit Deposited(caller, receiver, asset, assets_, shares, value, n);
        if (n == LRTStorage.IDLE) {
            _pull(asset, caller, address(this), assets_);
            $.books[c.index].idle += uint128(assets_);
        } else {
            // Straight to the chosen node: one token transfer fewer than through the manager.
            _pull(asset, caller, $.nodes[n].node, assets_);
            LRTOperations.stakeOnNode($, n, asset, c.index, assets_);
        }
        $.token.mint(receiver, shares);
    }

    /// @dev Counts `amount` more of `asset` deposited, within its cap.
    function _countDeposit(AssetBook storage book, address asset, uint256 cap, uint256 amount) internal {
        uint256 depositedAfter = book.deposited + amount;
        if (depositedAfter > cap) revert CapExceeded(asset, cap, depositedAfter);
        book.deposited = uint128(depositedAfter);
    }

    /// @dev The shares `assets_` buy at the entry price (or `exactShares`), their value, and where they go: deposits
    /// refill the buffer first; beyond it they go to the node furthest below its weight that the policy allows.
    function _priceDeposit(
        LRTStorage.Layout storage $,
        address asset,
        AssetConfig memory c,
        uint256 assets_,
        uint256 exactShares
    ) internal returns (uint256 shares, uint256 value, uint8 n) {
        uint256 exposure;
        (shares, value, n, exposure) = LRTRisk.priceDeposit($, asset, c.index, c.decimals, assets_, exactShares);
        if (n != LRTStorage.IDLE) LRTStorage.setExposure($, n, exposure);
    }

    /// @dev Pulls `amount` of `asset` from `from` to `to` (the manager or the deposit's node) through the calling
    /// entry point (which holds the allowance) and rejects any token that delivers a different amount: `to`'s
    /// balance delta, so that tokens donated to `to` before never count as deposited.
    function _pull(address asset, address from, address to, uint256 amount) internal {
        uint256 before = IERC20(asset).balanceOf(to);
        ILRTAssetVaultCallback(msg.sender).pullTo(from, to, amount);
        uint256 received = IERC20(asset).balanceOf(to) - before;
        if (received != amount) revert TransferAmountMismatch(asset, amount, received);
    }

    /// @dev Marks that a deposit happened in this transaction; reverts if a redemption did. The flags are per
    /// transaction, not per account: shares minted in a transaction cannot leave in it through another account (a
    /// transfer, a permit) either (docs/lrt.md, "Entering and leaving around an event", 7).
    function _markEntry(address caller) internal {
        _flag(EXITED_SLOT, caller, ENTERED_SLOT);
    }

    /// @dev Marks that a redemption happened in this transaction; reverts if a deposit did.
    function _markExit(address account) internal {
        _flag(ENTERED_SLOT, account, EXITED_SLOT);
    }

    function _flag(bytes32 forbidden, address account, bytes32 set) private {
        uint256 seen;
        assembly {
            seen := tload(forbidden)
        }
        if (seen != 0) revert SameTransactionEntryAndExit(account);
        assembly {
            tstore(set, 1)
        }
    }

    function _pausedGroups() internal view override returns (uint8) {
        return LRTStorage.layout().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        LRTStorage.layout().pausedGroups = groups;
    }
}
