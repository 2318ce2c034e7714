// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ILRTAssetVaultCallback
/// @notice What the LRT manager calls back on an entry point.
interface ILRTAssetVaultCallback {
    /// @notice Moves `amount` of the asset from `from` (who approved this entry point) to `to`: the manager, or the
    /// node the manager chose for the deposit. Manager only.
    /// @param from The depositor.
    /// @param to The manager or one of its nodes.
    /// @param amount The amount.
    function pullTo(address from, address to, uint256 amount) external;
}

/// @title ILRTAssetVault
/// @notice The ERC-7575 (multi-asset ERC-4626, sync deposit) and ERC-7540 (async redeem) face of the liquid restaking
/// token for one accepted asset. `share()` is the LRT; the state lives in the LRT manager (docs/lrt.md, "Faces").
interface ILRTAssetVault is ILRTAssetVaultCallback {
    /// @notice The caller is not the manager.
    error OnlyManager(address caller);
    /// @notice `caller` is neither `account` nor an operator `account` approved.
    error NotAuthorized(address caller, address account);
    /// @notice ERC-7540: redemption is asynchronous, there is no synchronous preview.
    error AsyncRedeemOnly();
    /// @notice An account cannot be its own operator.
    error SelfOperator();

    /// @notice ERC-4626 deposit.
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    /// @notice ERC-4626 withdraw (an ERC-7540 claim).
    event Withdraw(
        address indexed sender,
        address indexed receiver,
        address indexed owner,
        uint256 assets,
        uint256 shares
    );
    /// @notice ERC-7540 redeem request.
    event RedeemRequest(
        address indexed controller,
        address indexed owner,
        uint256 indexed requestId,
        address sender,
        uint256 shares
    );
    /// @notice ERC-7540 operator approval.
    event OperatorSet(address indexed controller, address indexed operator, bool approved);

    /// @notice The LRT manager.
    /// @return The manager.
    function manager() external view returns (address);

    /// @notice The accepted asset.
    /// @return The asset.
    function asset() external view returns (address);

    /// @notice ERC-7575: the share token (the LRT).
    /// @return The LRT.
    function share() external view returns (address);

    /// @notice The LRT's total value (exit price) in this asset.
    /// @return Tokens.
    function totalAssets() external view returns (uint256);

    /// @notice `assets` in LRT at the exit price.
    /// @param assets Tokens.
    /// @return LRT shares.
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice `shares` in this asset at the exit price.
    /// @param shares LRT shares.
    /// @return Tokens.
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice Cap headroom (0 when deposits are paused or disabled).
    /// @param receiver Ignored.
    /// @return Tokens.
    function maxDeposit(address receiver) external view returns (uint256);

    /// @notice LRT a deposit of `assets` mints now (entry price).
    /// @param assets Tokens.
    /// @return LRT shares.
    function previewDeposit(uint256 assets) external view returns (uint256);

    /// @notice Deposits `assets` for `receiver`.
    /// @param assets Tokens (approved to this entry point).
    /// @param receiver Receives the LRT.
    /// @return shares LRT minted.
    function deposit(uint256 assets, address receiver) external returns (uint256 shares);

    /// @notice Deposits `assets` for `receiver`, reverting below `minSharesOut`.
    /// @param assets Tokens.
    /// @param receiver Receives the LRT.
    /// @param minSharesOut The fewest shares accepted.
    /// @return shares LRT minted.
    function depositWithMinShares(
        uint256 assets,
        address receiver,
        uint256 minSharesOut
    ) external returns (uint256 shares);

    /// @notice Deposits with an EIP-2612 permit of the asset for this entry point (a failed permit is ignored if the
    /// allowance is there).
    /// @param assets Tokens.
    /// @param receiver Receives the LRT.
    /// @param minSharesOut The fewest shares accepted.
    /// @param deadline The permit deadline.
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    /// @return shares LRT minted.
    function depositWithPermit(
        uint256 assets,
        address receiver,
        uint256 minSharesOut,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 shares);

    /// @notice Most LRT a mint can create now.
    /// @param receiver Ignored.
    /// @return LRT shares.
    function maxMint(address receiver) external view returns (uint256);

    /// @notice Tokens minting `shares` costs now (rounded up).
    /// @param shares LRT shares.
    /// @return Tokens.
    function previewMint(uint256 shares) external view returns (uint256);

    /// @notice Mints exactly `shares` for `receiver`.
    /// @param shares LRT shares.
    /// @param receiver Receives them.
    /// @return assets Tokens pulled.
    function mint(uint256 shares, address receiver) external returns (uint256 assets);

    /// @notice ERC-7540: locks `shares` of `owner` in a request of `controller`.
    /// @param shares LRT shares.
    /// @param controller The request's controller.
    /// @param owner The holder (the caller, or one that approved it as operator or through an allowance).
    /// @return requestId The request.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId);

    /// @notice ERC-7540: shares of request `requestId` still pending.
    /// @param requestId The request.
    /// @param controller Its controller.
    /// @return Shares.
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256);

    /// @notice ERC-7540: shares of request `requestId` claimable.
    /// @param requestId The request.
    /// @param controller Its controller.
    /// @return Shares.
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256);

    /// @notice ERC-7540: approves or revokes `operator` for the caller.
    /// @param operator The operator.
    /// @param approved Whether approved.
    /// @return True.
    function setOperator(address operator, bool approved) external returns (bool);

    /// @notice ERC-7540: whether `operator` acts for `controller`.
    /// @param controller The controller.
    /// @param operator The operator.
    /// @return True if approved.
    function isOperator(address controller, address operator) external view returns (bool);

    /// @notice Claimable shares of `controller`.
    /// @param controller The controller.
    /// @return Shares.
    function maxRedeem(address controller) external view returns (uint256);

    /// @notice Claimable tokens of `controller`.
    /// @param controller The controller.
    /// @return Tokens.
    function maxWithdraw(address controller) external view returns (uint256);

    /// @notice Reverts (ERC-7540 async redeem).
    /// @param shares Ignored.
    /// @return Never.
    function previewRedeem(uint256 shares) external view returns (uint256);

    /// @notice Reverts (ERC-7540 async redeem).
    /// @param assets Ignored.
    /// @return Never.
    function previewWithdraw(uint256 assets) external view returns (uint256);

    /// @notice ERC-7540 claim of `shares` of `controller`'s claimable balance.
    /// @param shares Claimable shares.
    /// @param receiver Receives the tokens.
    /// @param controller The controller (the caller or its operator).
    /// @return assets Tokens paid.
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets);

    /// @notice ERC-7540 claim of `assets` of `controller`'s claimable balance.
    /// @param assets Tokens.
    /// @param receiver Receives them.
    /// @param controller The controller (the caller or its operator).
    /// @return shares Claimable shares used.
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares);

    /// @notice Claims request `requestId` whole.
    /// @param requestId The request.
    /// @param receiver Receives the tokens.
    /// @param minAssetsOut The fewest tokens accepted.
    /// @return assets Tokens paid.
    function claim(uint256 requestId, address receiver, uint256 minAssetsOut) external returns (uint256 assets);
}
