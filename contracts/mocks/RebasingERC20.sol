// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only stETH-like rebasing ERC-20: balances are internal shares times an index (1e18 at the start) that
/// `rebase` moves up or down; a transfer of `value` moves `value * 1e18 / index` shares, rounded down, so the
/// recipient can receive a wei less than sent once the index is not 1e18 (as stETH's 1-2 wei corner case).
contract RebasingERC20 is ERC20 {
    uint256 public index = 1e18;

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `value` (in balance units) to `to`.
    function mint(address to, uint256 value) external {
        _mint(to, value);
    }

    /// @notice Sets the index: every balance scales by `newIndex / index`.
    function rebase(uint256 newIndex) external {
        index = newIndex;
    }

    function balanceOf(address account) public view override returns (uint256) {
        return (super.balanceOf(account) * index) / 1e18;
    }

    function totalSupply() public view override returns (uint256) {
        return (super.totalSupply() * index) / 1e18;
    }

    /// @dev Moves the shares `value` is worth at the current index (rounded down).
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, (value * 1e18) / index);
    }
}
