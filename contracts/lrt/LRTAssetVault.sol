// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

import {ILRTAssetVault, ILRTAssetVaultCallback} from "../interfaces/ILRTAssetVault.sol";
import {ILRTManager, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";

/// @title LRTAssetVault
/// @notice See {ILRTAssetVault}. A thin, immutable facade: it checks who may act for whom (ERC-7540 operators),
/// holds the depositors' allowances, and forwards to the manager with the original caller.
contract LRTAssetVault is ILRTAssetVault, IERC165 {
    using SafeERC20 for IERC20;

    /// @dev ERC-7575 vault, ERC-7540 operator methods, ERC-7540 asynchronous redemption (the ids in the EIPs).
    bytes4 private constant ERC7575_ID = 0x2f0a18c5;
    bytes4 private constant ERC7540_OPERATOR_ID = 0xe3bc4e65;
    bytes4 private constant ERC7540_REDEEM_ID = 0x620ee8e4;

    ILRTManager private immutable _manager;
    address private immutable _asset;
    address private immutable _share;

    mapping(address controller => mapping(address operator => bool)) private _operators;

    /// @param manager_ The LRT manager.
    /// @param asset_ The accepted asset.
    constructor(address manager_, address asset_) {
        _manager = ILRTManager(manager_);
        _asset = asset_;
        _share = ILRTManager(manager_).token();
    }

    /// @inheritdoc ILRTAssetVaultCallback
    function pullTo(address from, address to, uint256 amount) external {
        if (msg.sender != address(_manager)) revert OnlyManager(msg.sender);
        IERC20(_asset).safeTransferFrom(from, to, amount);
    }

    /// @inheritdoc ILRTAssetVault
    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        shares = _manager.deposit(msg.sender, assets, receiver, 0);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function depositWithMinShares(
        uint256 assets,
        address receiver,
        uint256 minSharesOut
    ) external returns (uint256 shares) {
        shares = _manager.deposit(msg.sender, assets, receiver, minSharesOut);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function depositWithPermit(
        uint256 assets,
        address receiver,
        uint256 minSharesOut,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 shares) {
        // A front-run permit fails while the allowance is already in place: ignore the failure.
        try IERC20Permit(_asset).permit(msg.sender, address(this), assets, deadline, v, r, s) {} catch {}
        shares = _manager.deposit(msg.sender, assets, receiver, minSharesOut);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function mint(uint256 shares, address receiver) external returns (uint256 assets) {
        assets = _manager.mint(msg.sender, shares, receiver);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        // ERC-7540: the owner, its operator, or an account with an allowance over the owner's shares.
        address spender = msg.sender == owner || _operators[owner][msg.sender] ? owner : msg.sender;
        requestId = _manager.requestRedeem(msg.sender, spender, shares, controller, owner);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function setOperator(address operator, bool approved) external returns (bool) {
        if (operator == msg.sender) revert SelfOperator();
        _operators[msg.sender][operator] = approved;
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @inheritdoc ILRTAssetVault
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets) {
        _authorize(controller);
        assets = _manager.claimShares(shares, receiver, controller);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares) {
        _authorize(controller);
        shares = _manager.claimAssets(assets, receiver, controller);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function claim(uint256 requestId, address receiver, uint256 minAssetsOut) external returns (uint256 assets) {
        ILRTManagerTypes.Request memory r = _manager.request(requestId);
        _authorize(r.controller);
        assets = _manager.claimRequest(requestId, receiver, minAssetsOut);
        emit Withdraw(msg.sender, receiver, r.controller, assets, r.shares);
    }

    /// @inheritdoc ILRTAssetVault
    function manager() external view returns (address) {
        return address(_manager);
    }

    /// @inheritdoc ILRTAssetVault
    function asset() external view returns (address) {
        return _asset;
    }

    /// @inheritdoc ILRTAssetVault
    function share() external view returns (address) {
        return _share;
    }

    /// @inheritdoc ILRTAssetVault
    function totalAssets() external view returns (uint256) {
        return _manager.totalAssets(_asset);
    }

    /// @inheritdoc ILRTAssetVault
    function convertToShares(uint256 assets) external view returns (uint256) {
        return _manager.convertToShares(_asset, assets);
    }

    /// @inheritdoc ILRTAssetVault
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return _manager.convertToAssets(_asset, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function maxDeposit(address) external view returns (uint256) {
        return _manager.maxDeposit(_asset);
    }

    /// @inheritdoc ILRTAssetVault
    function previewDeposit(uint256 assets) external view returns (uint256) {
        return _manager.previewDeposit(_asset, assets);
    }

    /// @inheritdoc ILRTAssetVault
    function maxMint(address) external view returns (uint256) {
        return _manager.previewDeposit(_asset, _manager.maxDeposit(_asset));
    }

    /// @inheritdoc ILRTAssetVault
    function previewMint(uint256 shares) external view returns (uint256) {
        return _manager.previewMint(_asset, shares);
    }

    /// @inheritdoc ILRTAssetVault
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        ILRTManagerTypes.Request memory r = _manager.request(requestId);
        bool mine = r.controller == controller && r.status == ILRTManagerTypes.RequestStatus.Pending;
        return mine && _isMyAsset(r.assetIndex) ? r.shares : 0;
    }

    /// @inheritdoc ILRTAssetVault
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        ILRTManagerTypes.Request memory r = _manager.request(requestId);
        if (r.controller != controller || r.status != ILRTManagerTypes.RequestStatus.Claimable) return 0;
        if (!_isMyAsset(r.assetIndex)) return 0;
        uint256 left = _manager.claimable(_asset, controller).shares;
        return r.shares < left ? r.shares : left;
    }

    /// @inheritdoc ILRTAssetVault
    function isOperator(address controller, address operator) external view returns (bool) {
        return _operators[controller][operator];
    }

    /// @inheritdoc ILRTAssetVault
    function maxRedeem(address controller) external view returns (uint256) {
        return _manager.claimable(_asset, controller).shares;
    }

    /// @inheritdoc ILRTAssetVault
    function maxWithdraw(address controller) external view returns (uint256) {
        return _manager.claimable(_asset, controller).assets;
    }

    /// @inheritdoc ILRTAssetVault
    function previewRedeem(uint256) external pure returns (uint256) {
        revert AsyncRedeemOnly();
    }

    /// @inheritdoc ILRTAssetVault
    function previewWithdraw(uint256) external pure returns (uint256) {
        revert AsyncRedeemOnly();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return
            interfaceId == ERC7575_ID ||
            interfaceId == ERC7540_OPERATOR_ID ||
            interfaceId == ERC7540_REDEEM_ID ||
            interfaceId == type(IERC165).interfaceId;
    }

    function _authorize(address controller) private view {
        if (msg.sender != controller && !_operators[controller][msg.sender])
            revert NotAuthorized(msg.sender, controller);
    }

    function _isMyAsset(uint8 index) private view returns (bool) {
        return _manager.assetConfig(_asset).index == index;
    }
}
