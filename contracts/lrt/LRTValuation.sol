// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILRTManagerErrors, ILRTManagerEvents, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";
import {IRestakingVaultTypes} from "../interfaces/IRestakingVault.sol";
import {BitMaskLib} from "../libraries/BitMaskLib.sol";
import {LRTMathLib} from "../libraries/LRTMathLib.sol";
import {LRTStorage} from "./LRTStorage.sol";

/// @title LRTValuation
/// @notice The LRT manager's total value at the entry and the exit price (docs/lrt.md, "Rate"), the quotes built on
/// it, and the accepted-asset list it reads. An external library (called by DELEGATECALL on the manager's storage) so
/// that the manager stays under EIP-170.
library LRTValuation {
    /// @dev What `quote` computes (ILRTManager's views of the same name).
    enum Quote {
        TotalAssets,
        PreviewDeposit,
        PreviewMint,
        ConvertToShares,
        ConvertToAssets
    }

    /// @dev See {ILRTManager}: `totalAssets`, `previewDeposit`, `previewMint`, `convertToShares`, `convertToAssets` of
    /// `amount` in `asset` (reverts UnknownAsset for an asset not accepted).
    function quote(
        LRTStorage.Layout storage $,
        Quote kind,
        address asset,
        uint256 amount
    ) external view returns (uint256) {
        ILRTManagerTypes.AssetConfig memory c = LRTStorage.config($, asset);
        bool entry = kind == Quote.PreviewDeposit || kind == Quote.PreviewMint;
        LRTStorage.Valuation memory v = valuation($, !entry);
        uint256 unit = 10 ** c.decimals;
        // Entry quotes convert the traded tokens at the trade price; exit conversions at the holdings' price.
        uint256 p = entry ? tradePrice($, v, c.index) : price($, v, c.index);
        if (kind == Quote.TotalAssets) return LRTMathLib.toTokensDown(v.total, p, unit);
        if (kind == Quote.PreviewMint) {
            return LRTMathLib.toTokensUp(LRTMathLib.toValueUp(amount, v.total, v.supply), p, unit);
        }
        if (kind == Quote.ConvertToAssets) {
            return LRTMathLib.toTokensDown(LRTMathLib.toValueDown(amount, v.total, v.supply), p, unit);
        }
        return LRTMathLib.toSharesDown(LRTMathLib.tokenValueDown(amount, p, unit), v.total, v.supply);
    }

    /// @dev See {ILRTManager}.
    function addAsset(address asset, address entryPoint_, uint256 cap) external {
        if (asset == address(0) || entryPoint_ == address(0)) revert ILRTManagerErrors.ZeroAddress();
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if ($.assetConfig[asset].entryPoint != address(0)) revert ILRTManagerErrors.AssetAlreadyAdded(asset);
        if (!$.vault.isAsset(asset)) revert ILRTManagerErrors.UnknownAsset(asset);
        uint256 index = $.vault.assetConfig(asset).index;
        $.oracle.price(asset); // reverts UnknownAsset or StalePrice without a price
        uint8 decimals = IERC20Metadata(asset).decimals();
        $.assetList[index] = asset;
        if (index >= $.assetCount) $.assetCount = uint8(index + 1);
        $.assetConfig[asset] = ILRTManagerTypes.AssetConfig({
            entryPoint: entryPoint_,
            cap: uint96(Math.min(cap, type(uint96).max)),
            index: uint8(index),
            decimals: decimals,
            enabled: true,
            countRewards: false
        });
        $.assetOf[entryPoint_] = asset;
        emit ILRTManagerEvents.AssetAdded(asset, entryPoint_, uint8(index), decimals);
        emit ILRTManagerEvents.AssetConfigSet(asset, cap, true, false);
    }

    /// @dev Total value at the entry price (pools gross of pending slashes, each part rounded up) or at the exit
    /// price (net of them, rounded down): idle balances, the nodes' active and queued shares at their pool's rate,
    /// and (for assets that count rewards) the nodes' pending rewards net of the protocol fee.
    function valuation(LRTStorage.Layout storage $, bool exit) public view returns (LRTStorage.Valuation memory v) {
        v.exit = exit;
        uint256 assetCount = $.assetCount;
        uint256 rewardMask;
        for (uint256 a; a < assetCount; ++a) {
            address asset = $.assetList[a];
            if (asset == address(0)) continue;
            ILRTManagerTypes.AssetConfig storage c = $.assetConfig[asset];
            (uint256 decimals, bool countRewards) = (c.decimals, c.countRewards);
            v.units[a] = 10 ** decimals;
            if (countRewards) rewardMask |= 1 << a;
            ILRTManagerTypes.AssetBook storage book = $.books[a];
            (uint256 idle, uint256 pendingValue) = (book.idle, book.pendingRedeemValue);
            if (idle == 0) continue;
            uint256 price = price($, v, a);
            uint256 idleValue = exit
                ? LRTMathLib.tokenValueDown(idle, price, v.units[a])
                : LRTMathLib.tokenValueUp(idle, price, v.units[a]);
            v.total += idleValue;
            v.assetValues[a] = idleValue;
            v.freeIdle += idleValue > pendingValue ? idleValue - pendingValue : 0;
        }
        uint256 count = $.nodeCount;
        if (count != 0) _valueNodes($, v, count, exit, rewardMask);
        v.supply = IERC20(address($.token)).totalSupply();
    }

    /// @dev Values the `count` nodes into `v`: each node's active and queued shares at their pools' rates, plus its
    /// pending rewards in the assets of `rewardMask` net of the protocol fee.
    function _valueNodes(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 count,
        bool exit,
        uint256 rewardMask
    ) internal view {
        for (uint256 i; i < count; ++i) {
            uint256 value = _nodeValue($, v, i, exit);
            v.nodeValues[i] = value;
            v.total += value;
            if (rewardMask != 0) v.total += _nodeRewards($, v, i, rewardMask);
        }
    }

    /// @dev Node `i`'s active and queued shares at their pools' rates: gross and rounded up at the entry price, net
    /// of pending slashes and rounded down at the exit price.
    function _nodeValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        bool exit
    ) internal view returns (uint256 value) {
        uint256 mask = $.nodes[i].assetMask;
        while (mask != 0) {
            uint8 a = BitMaskLib.lowestBit(mask);
            mask &= mask - 1;
            uint256 assetValue = _positionValue($, v, i, a, exit);
            v.assetValues[a] += assetValue;
            value += assetValue;
        }
    }

    /// @dev Node `i`'s position in asset `a` (active and queued shares) at its pool's rate; adds the part pending slash
    /// requests reserve to `v.pendingValue`.
    function _positionValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        uint8 a,
        bool exit
    ) internal view returns (uint256) {
        ILRTManagerTypes.Position storage pos = $.positions[i][a];
        IRestakingVaultTypes.Pool memory pool_ = $.vault.pool($.nodes[i].operator, $.assetList[a]);
        uint256 shares = uint256(pos.active) + pos.queued;
        if (pool_.pendingSlash != 0) v.pendingValue += _reservedValue($, v, a, shares, pool_);
        return _sharesValue($, v, a, shares, pool_, exit);
    }

    /// @dev The part of `shares` of pool `pool_` (asset `a`) that pending slash requests reserve, in value, rounded up.
    function _reservedValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint8 a,
        uint256 shares,
        IRestakingVaultTypes.Pool memory pool_
    ) internal view returns (uint256) {
        return
            LRTMathLib.tokenValueUp(
                LRTMathLib.poolAssetsUp(shares, pool_.pendingSlash, pool_.totalShares),
                price($, v, a),
                v.units[a]
            );
    }

    /// @dev `shares` of pool `pool_` in asset `a`: gross and rounded up at the entry price, net of pending slashes and
    /// rounded down at the exit price.
    function _sharesValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint8 a,
        uint256 shares,
        IRestakingVaultTypes.Pool memory pool_,
        bool exit
    ) internal view returns (uint256) {
        return
            exit
                ? LRTMathLib.tokenValueDown(
                    LRTMathLib.poolAssetsDown(shares, pool_.totalAssets - pool_.pendingSlash, pool_.totalShares),
                    price($, v, a),
                    v.units[a]
                )
                : LRTMathLib.tokenValueUp(
                    LRTMathLib.poolAssetsUp(shares, pool_.totalAssets, pool_.totalShares),
                    price($, v, a),
                    v.units[a]
                );
    }

    /// @dev Node `i`'s pending rewards in the assets of `rewardMask`, net of the protocol fee, rounded down. The node
    /// holds vault shares only in the assets of its mask, so the distributor reads only those pools and the node's
    /// accrued balance (`pendingRewardsIn`): the same figure as its `pendingRewards`, without rebuilding positions.
    function _nodeRewards(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        uint256 rewardMask
    ) internal view returns (uint256 value) {
        ILRTManagerTypes.NodeInfo storage info = $.nodes[i];
        uint256 mask = info.assetMask;
        address[] memory held = new address[](BitMaskLib.popCount(mask));
        for (uint256 k; mask != 0; ++k) {
            held[k] = $.assetList[BitMaskLib.lowestBit(mask)];
            mask &= mask - 1;
        }
        address node_ = info.node;
        uint256 feeBps = $.policy.protocolFeeBps;
        while (rewardMask != 0) {
            uint8 a = BitMaskLib.lowestBit(rewardMask);
            rewardMask &= rewardMask - 1;
            uint256 pending = $.rewards.pendingRewardsIn(node_, $.assetList[a], held);
            if (pending == 0) continue;
            pending -= LRTMathLib.bpsUp(pending, feeBps);
            value += LRTMathLib.tokenValueDown(pending, price($, v, a), v.units[a]);
        }
    }

    /// @dev The price at which the LRT's holdings of asset `index` count in this valuation: the oracle's high price at
    /// entry, its low price at exit (read once per valuation).
    function price(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 index
    ) internal view returns (uint256 p) {
        p = v.prices[index];
        if (p == 0) {
            _readRange($, v, index);
            p = v.prices[index];
        }
    }

    /// @dev The price at which tokens of asset `index` move in (a deposit: the low price) or out (a payout: the high
    /// price) in this valuation.
    function tradePrice(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 index
    ) internal view returns (uint256) {
        if (v.prices[index] == 0) _readRange($, v, index);
        return v.tradePrices[index];
    }

    function _readRange(LRTStorage.Layout storage $, LRTStorage.Valuation memory v, uint256 index) private view {
        (uint256 low, uint256 high) = $.oracle.priceRange($.assetList[index]);
        (v.prices[index], v.tradePrices[index]) = v.exit ? (low, high) : (high, low);
    }
}
