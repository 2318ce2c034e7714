// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILRTAssetVault} from "../interfaces/ILRTAssetVault.sol";
import {ILRTManager} from "../interfaces/ILRTManager.sol";

/// @notice Tries to enter and leave the LRT in one transaction (the sandwich the same-transaction guard forbids).
contract LRTSameTxActor {
    function depositThenInstantRedeem(ILRTAssetVault entry, uint256 assets) external {
        IERC20(entry.asset()).approve(address(entry), assets);
        uint256 shares = entry.deposit(assets, address(this));
        ILRTManager(entry.manager()).instantRedeem(shares, entry.asset(), 0, address(this));
    }

    function depositThenRequest(ILRTAssetVault entry, uint256 assets) external {
        IERC20(entry.asset()).approve(address(entry), assets);
        uint256 shares = entry.deposit(assets, address(this));
        entry.requestRedeem(shares, address(this), address(this));
    }

    function instantRedeemThenDeposit(ILRTAssetVault entry, uint256 shares, uint256 assets) external {
        ILRTManager(entry.manager()).instantRedeem(shares, entry.asset(), 0, address(this));
        IERC20(entry.asset()).approve(address(entry), assets);
        entry.deposit(assets, address(this));
    }
}
