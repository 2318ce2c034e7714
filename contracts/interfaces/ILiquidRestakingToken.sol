// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ILiquidRestakingToken
/// @notice The liquid restaking token: an ERC-20 with EIP-2612 permit whose supply only the LRT manager (MINTER_ROLE)
/// changes. It is the `share()` of every ERC-7575 entry point (docs/lrt.md).
interface ILiquidRestakingToken {
    /// @notice The zero address was given.
    error ZeroAddress();

    /// @notice The manager that entry points report for `asset` changed or was set.
    /// @param manager The LRT manager.
    event ManagerSet(address indexed manager);

    /// @notice Mints `amount` to `to`. Role: MINTER_ROLE.
    /// @param to The receiver.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` from `from` (no allowance: the manager burns escrowed shares and instant redemptions of
    /// the caller it serves). Role: MINTER_ROLE.
    /// @param from The holder.
    /// @param amount The amount.
    function burn(address from, uint256 amount) external;

    /// @notice Moves `amount` from `owner` to the manager's escrow, spending `spender`'s allowance unless `spender` is
    /// `owner` (ERC-7540 `requestRedeem` by an approved account). Role: MINTER_ROLE.
    /// @param owner The holder.
    /// @param spender The account acting for `owner` (or `owner`).
    /// @param amount The amount.
    function escrowFrom(address owner, address spender, uint256 amount) external;

    /// @notice Sets the manager whose entry points `vault(asset)` reports. Role: DEFAULT_ADMIN_ROLE.
    /// @param manager The manager.
    function setManager(address manager) external;

    /// @notice ERC-7575 share face: the entry point (vault) of `asset`, or address(0).
    /// @param asset The asset.
    /// @return The entry point.
    function vault(address asset) external view returns (address);
}
