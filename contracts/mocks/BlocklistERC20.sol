// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20 whose owner can blocklist accounts (like USDC or USDT): any mint, transfer or
/// transferFrom from or to a blocklisted account reverts. Minting is open, as in MockERC20.
contract BlocklistERC20 is ERC20, Ownable {
    /// @notice Whether `account` is blocklisted.
    mapping(address account => bool) public blocklisted;

    /// @notice A transfer from or to a blocklisted account was attempted.
    /// @param account The blocklisted account.
    error Blocklisted(address account);

    /// @notice `account` was added to (`blocked`) or removed from the blocklist.
    /// @param account The account.
    /// @param blocked Whether it is blocklisted now.
    event BlocklistSet(address indexed account, bool indexed blocked);

    /// @param name_ The token name.
    /// @param symbol_ The token symbol.
    /// @param owner_ The account that manages the blocklist.
    constructor(string memory name_, string memory symbol_, address owner_) ERC20(name_, symbol_) Ownable(owner_) {}

    /// @notice Mints `amount` to `to`.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Adds `account` to or removes it from the blocklist. Owner only.
    /// @param account The account.
    /// @param blocked Whether to blocklist it.
    function setBlocklisted(address account, bool blocked) external onlyOwner {
        blocklisted[account] = blocked;
        emit BlocklistSet(account, blocked);
    }

    /// @dev Every balance change goes through here: refuse blocklisted senders and recipients.
    function _update(address from, address to, uint256 value) internal override {
        if (blocklisted[from]) revert Blocklisted(from);
        if (blocklisted[to]) revert Blocklisted(to);
        super._update(from, to, value);
    }
}
