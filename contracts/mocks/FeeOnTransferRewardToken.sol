// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only reward token that burns a fee of `feeBps` (rounded down) from every transfer between two
/// accounts, so the recipient receives less than the amount sent. Mints are fee-free.
contract FeeOnTransferRewardToken is ERC20 {
    /// @notice The fee of every transfer, in basis points.
    uint256 public immutable feeBps;

    /// @param name_ The token name.
    /// @param symbol_ The token symbol.
    /// @param feeBps_ The fee, in basis points.
    constructor(string memory name_, string memory symbol_, uint256 feeBps_) ERC20(name_, symbol_) {
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to` without a fee.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Burns the fee from `from`, then moves the rest to `to`.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
