// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {MockERC20} from "./MockERC20.sol";

/// @notice A wstETH stand-in: an 18-decimal ERC-20 with permit, an open mint and a settable `stEthPerToken`
/// (starts at 1e18).
contract MockWstETH is MockERC20 {
    uint256 public stEthPerToken = 1e18;

    event StEthPerTokenSet(uint256 stEthPerToken);

    constructor() MockERC20("Mock Wrapped stETH", "wstETH", 18) {}

    function setStEthPerToken(uint256 rate) external {
        stEthPerToken = rate;
        emit StEthPerTokenSet(rate);
    }
}
