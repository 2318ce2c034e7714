// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILRTManagerErrors, ILRTManagerEvents, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
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
        return compute($, exit);
    }

    /// @dev See {ILRTManager-getRate}: the value of 1e18 LRT shares at the exit price, rounded down (the manager's
    /// former figure, LRTMathLib.toValueDown(1e18, total, supply)); valued here so that the valuation crosses no
    /// library ABI.
    function rate(LRTStorage.Layout storage $) external view returns (uint256) {
        LRTStorage.Valuation memory v = compute($, true);
        return LRTMathLib.toValueDown(1e18, v.total, v.supply);
    }

    /// @dev `valuation`, inlined into the caller: a library that values and then uses the valuation in one call
    /// (LRTRisk.priceDeposit) does not encode and decode it across a library call.
    function compute(LRTStorage.Layout storage $, bool exit) internal view returns (LRTStorage.Valuation memory v) {
        v = empty($, exit);
        uint256 assetCount = v.prices.length;
        // The asset list and units, read once: the node loop keys pools and prices by them.
        address[] memory assets = new address[](assetCount);
        uint256[] memory units = new uint256[](assetCount);
        uint256 rewardMask = _valueIdle($, v, assets, units);
        if (v.nodeValues.length != 0) {
            uint256[] memory masks = _valueNodes($, v, assets, units);
            if (rewardMask != 0) _valueRewards($, v, assets, units, masks, rewardMask);
        }
        v.supply = IERC20(address($.token)).totalSupply();
    }

    /// @dev Fills `assets` and `units` (10 ** decimals) and values the idle balances into `v` (total, free idle,
    /// per asset); returns the mask of the assets that count rewards.
    function _valueIdle(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address[] memory assets,
        uint256[] memory units
    ) private view returns (uint256 rewardMask) {
        for (uint256 a; a < assets.length; ++a) {
            address asset = $.assetList[a];
            if (asset == address(0)) continue;
            assets[a] = asset;
            ILRTManagerTypes.AssetConfig storage c = $.assetConfig[asset];
            (uint256 decimals, bool countRewards) = (c.decimals, c.countRewards);
            units[a] = 10 ** decimals;
            if (countRewards) rewardMask |= 1 << a;
            ILRTManagerTypes.AssetBook storage book = $.books[a];
            (uint256 idle, uint256 pendingValue) = (book.idle, book.pendingRedeemValue);
            if (idle == 0) continue;
            uint256 p = price($, v, a);
            uint256 idleValue = v.exit
                ? LRTMathLib.tokenValueDown(idle, p, units[a])
                : LRTMathLib.tokenValueUp(idle, p, units[a]);
            v.total += idleValue;
            v.assetValues[a] = idleValue;
            if (idleValue > pendingValue) v.freeIdle += idleValue - pendingValue;
        }
    }

    /// @dev An empty valuation at the entry or the exit price, its arrays sized to the LRT's assets and nodes.
    function empty(LRTStorage.Layout storage $, bool exit) internal view returns (LRTStorage.Valuation memory v) {
        (uint256 assetCount, uint256 nodeCount) = ($.assetCount, $.nodeCount);
        v.exit = exit;
        v.prices = new uint256[](assetCount);
        v.tradePrices = new uint256[](assetCount);
        v.assetValues = new uint256[](assetCount);
        v.nodeValues = new uint256[](nodeCount);
    }

    /// @dev Values the nodes' active and queued shares into `v` (per node, per asset, the total and the part pending
    /// slash requests reserve) and returns the nodes' asset masks. Per node its record, and per asset of its mask its
    /// position and its pool's three balances (`IRestakingVault.poolBalances`); the vault's address is read once.
    function _valueNodes(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address[] memory assets,
        uint256[] memory units
    ) private view returns (uint256[] memory masks) {
        uint256 count = v.nodeValues.length;
        masks = new uint256[](count);
        IRestakingVault vault = $.vault;
        for (uint256 i; i < count; ++i) {
            (uint256 value, uint256 mask) = _nodeValue($, v, vault, i, assets, units);
            masks[i] = mask;
            v.nodeValues[i] = value;
            v.total += value;
        }
    }

    /// @dev Node `i`'s value in the assets of its mask (its positions in its operator's pools), adding each
    /// position's to `v.assetValues`; and that mask.
    function _nodeValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        IRestakingVault vault,
        uint256 i,
        address[] memory assets,
        uint256[] memory units
    ) private view returns (uint256 value, uint256 nodeMask) {
        address operator;
        {
            ILRTManagerTypes.NodeInfo storage info = $.nodes[i];
            (operator, nodeMask) = (info.operator, info.assetMask);
        }
        mapping(uint256 => ILRTManagerTypes.Position) storage positions = $.positions[i];
        // The mask is a uint16 (NodeInfo.assetMask): lowestBit16 applies.
        for (uint256 mask = nodeMask; mask != 0; mask &= mask - 1) {
            uint256 a = BitMaskLib.lowestBit16(mask);
            uint256 p = price($, v, a);
            uint256 assetValue = _positionValue(v, vault, operator, assets[a], p, units[a], positions[a]);
            v.assetValues[a] += assetValue;
            value += assetValue;
        }
    }

    /// @dev Position `pos` (active and queued shares) in pool `(operator, asset)` at price `p` (`unit` = 10 **
    /// decimals): gross and rounded up at the entry price, net of pending slashes and rounded down at the exit price.
    /// Adds the part that pending slash requests reserve (rounded up) to `v.pendingValue`.
    function _positionValue(
        LRTStorage.Valuation memory v,
        IRestakingVault vault,
        address operator,
        address asset,
        uint256 p,
        uint256 unit,
        ILRTManagerTypes.Position storage pos
    ) private view returns (uint256) {
        uint256 shares = uint256(pos.active) + pos.queued;
        (uint256 poolAssets, uint256 poolShares, uint256 pendingSlash) = _poolBalances(vault, operator, asset);
        if (pendingSlash != 0) {
            v.pendingValue += LRTMathLib.tokenValueUp(
                LRTMathLib.poolAssetsUp(shares, pendingSlash, poolShares),
                p,
                unit
            );
        }
        return
            v.exit
                ? LRTMathLib.tokenValueDown(
                    LRTMathLib.poolAssetsDown(shares, poolAssets - pendingSlash, poolShares),
                    p,
                    unit
                )
                : LRTMathLib.tokenValueUp(LRTMathLib.poolAssetsUp(shares, poolAssets, poolShares), p, unit);
    }

    /// @dev `vault.poolBalances(operator, asset)` by one STATICCALL in scratch memory (no allocation): the three
    /// words it returns, read as uint256 (the vault returns them as uint112, uint128 and uint112; LRTMathLib's
    /// conversions take any uint256 exactly). Bubbles the vault's revert; reverts empty on a short answer.
    function _poolBalances(
        IRestakingVault vault,
        address operator,
        address asset
    ) private view returns (uint256 totalAssets, uint256 totalShares, uint256 pendingSlash) {
        bytes4 selector = IRestakingVault.poolBalances.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), operator)
            mstore(add(m, 0x24), asset)
            if iszero(staticcall(gas(), vault, m, 0x44, m, 0x60)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x60) {
                revert(0, 0)
            }
            totalAssets := mload(m)
            totalShares := mload(add(m, 0x20))
            pendingSlash := mload(add(m, 0x40))
        }
    }

    /// @dev Adds the nodes' pending rewards in the assets of `rewardMask`, net of the protocol fee and rounded down,
    /// to `v.total`. A node holds vault shares only in the assets of its mask, so the distributor reads only those
    /// pools and the node's accrued balance (`pendingRewardsOf`, one call per reward asset for every node): the same
    /// figure as its `pendingRewards`, without rebuilding positions.
    function _valueRewards(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address[] memory assets,
        uint256[] memory units,
        uint256[] memory masks,
        uint256 rewardMask
    ) private view {
        address[] memory nodes = new address[](masks.length);
        for (uint256 i; i < masks.length; ++i) nodes[i] = $.nodes[i].node;
        IRewardDistributor rewards = $.rewards;
        uint256 feeBps = $.policy.protocolFeeBps;
        for (; rewardMask != 0; rewardMask &= rewardMask - 1) {
            uint256 a = BitMaskLib.lowestBit16(rewardMask); // below 2^16: one bit per asset
            uint256[] memory pending = rewards.pendingRewardsOf(nodes, assets[a], assets, masks);
            for (uint256 i; i < pending.length; ++i) {
                uint256 amount = pending[i];
                if (amount != 0) v.total += _rewardValue($, v, a, amount - LRTMathLib.bpsUp(amount, feeBps), units[a]);
            }
        }
    }

    /// @dev `amount` of asset `a` at this valuation's price for holdings, rounded down.
    function _rewardValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 a,
        uint256 amount,
        uint256 unit
    ) private view returns (uint256) {
        return LRTMathLib.tokenValueDown(amount, price($, v, a), unit);
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
