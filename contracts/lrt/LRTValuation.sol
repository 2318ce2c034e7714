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
    /// First every node's record, and the price of each asset a node holds, read in the order the node loop meets
    /// them (the lazy `price`'s order); then the positions in one assembly loop (`_valueNodesFast`), which computes
    /// every product on LRTMathLib's single-word path; if any operand is too large for it, the positions are valued
    /// again in Solidity (`_nodeValue`, through LRTMathLib): the same figures either way.
    function _valueNodes(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address[] memory assets,
        uint256[] memory units
    ) private view returns (uint256[] memory masks) {
        uint256 count = v.nodeValues.length; // nodeCount: at most 16 (LRTOperations.createNode)
        masks = new uint256[](count);
        address[] memory operators = new address[](count);
        {
            (uint256[16] memory order, uint256 toPrice) = _nodeRecords($, operators, masks);
            for (uint256 k; k < toPrice; ++k) price($, v, order[k]);
        }
        IRestakingVault vault = $.vault;
        if (_valueNodesFast($, v, vault, operators, masks, assets, units)) return masks;
        uint256[4] memory b; // the current pool's balances and the node's shares in it, reused
        for (uint256 i; i < count; ++i) {
            (uint256 value, ) = _nodeValue($, v, vault, i, assets, units, b);
            v.nodeValues[i] = value;
            v.total += value;
        }
    }

    /// @dev Every node's operator and asset mask into `operators` and `masks` (sized to the node count, at most 16),
    /// each record read as `_nodeRecord` reads it; and the assets the nodes hold, in the order the nodes first hold
    /// them (`order`'s first `toPrice` entries): the order in which the valuation reads their prices.
    function _nodeRecords(
        LRTStorage.Layout storage $,
        address[] memory operators,
        uint256[] memory masks
    ) private view returns (uint256[16] memory order, uint256 toPrice) {
        ILRTManagerTypes.NodeInfo[16] storage nodes = $.nodes;
        assembly ("memory-safe") {
            let count := mload(operators)
            if gt(count, 16) {
                mstore(0x00, shl(224, 0x4e487b71)) // Panic(0x32): index out of bounds
                mstore(0x04, 0x32)
                revert(0x00, 0x24)
            }
            let priced := 0
            for {
                let i := 0
            } lt(i, count) {
                i := add(i, 1)
            } {
                // `_nodeRecord`: a NodeInfo is two slots; the first holds the operator and (bits 176-191) the mask.
                let w := sload(add(nodes.slot, shl(1, i)))
                let k := add(0x20, shl(5, i))
                mstore(add(operators, k), and(w, 0xffffffffffffffffffffffffffffffffffffffff))
                let nodeMask := and(shr(176, w), 0xffff)
                mstore(add(masks, k), nodeMask)
                for {
                    let todo := and(nodeMask, not(priced))
                } todo {
                    todo := and(todo, sub(todo, 1))
                } {
                    // BitMaskLib.lowestBit16 of the lowest bit of a uint16 mask
                    let a := and(
                        shr(shl(3, mod(and(todo, sub(0, todo)), 19)), 0x090a040b07050f0c000803060e00020d010000),
                        0xff
                    )
                    mstore(add(order, shl(5, toPrice)), a)
                    toPrice := add(toPrice, 1)
                }
                priced := or(priced, nodeMask)
            }
        }
    }

    /// @dev The nodes' positions valued into `v` as `_nodeValue` does, in one assembly loop, when every product is on
    /// LRTMathLib's exact single-word path: shares, pool assets, pool shares and price below 2^127 (so that `assets +
    /// 1` and every factor stay below 2^128), the pool's pending slash at most its assets, a nonzero unit, and each
    /// pool-asset figure below 2^128; each figure is then `x * y / d` floored, plus one on a remainder where
    /// LRTMathLib rounds up, i.e. `mulDivDown` / `mulDivUp`'s. Sums are checked. Returns false, having written nothing
    /// but `v.nodeValues` (which the Solidity path then overwrites), if any position or sum falls outside.
    // One assembly loop over one memory layout, kept in one place.
    // solhint-disable-next-line function-max-lines
    function _valueNodesFast(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        IRestakingVault vault,
        address[] memory operators,
        uint256[] memory masks,
        address[] memory assets,
        uint256[] memory units
    ) private view returns (bool ok) {
        uint256[] memory adds = new uint256[](assets.length); // each asset's positions, added to v.assetValues
        uint256[10] memory ctx;
        {
            mapping(uint256 => mapping(uint256 => ILRTManagerTypes.Position)) storage positions = $.positions;
            (uint256[] memory prices, uint256[] memory nodeValues) = (v.prices, v.nodeValues);
            bool exit = v.exit;
            bytes4 selector = IRestakingVault.poolBalancesOf.selector;
            assembly ("memory-safe") {
                mstore(ctx, vault)
                mstore(add(ctx, 0x20), positions.slot)
                mstore(add(ctx, 0x40), exit)
                mstore(add(ctx, 0x60), assets)
                mstore(add(ctx, 0x80), units)
                mstore(add(ctx, 0xa0), prices)
                mstore(add(ctx, 0xc0), adds)
                mstore(add(ctx, 0x100), selector)
                mstore(add(ctx, 0x120), nodeValues)
            }
        }
        uint256 total;
        uint256 pending;
        assembly ("memory-safe") {
            function mulDivUp(x, y, d) -> z {
                let xy := mul(x, y)
                z := add(div(xy, d), iszero(iszero(mod(xy, d))))
            }
            // Every (node, asset) pair of the nodes' masks, in the loop's order, packed (IRestakingVault
            // .poolBalancesOf) past the free memory pointer, and their pools' balances read with one call into the
            // same memory; ctx[7] is the cursor to the next pool's three words.
            function readPools(c, ops, nodeMasks) {
                let assetList := mload(add(c, 0x60))
                let assetCount := mload(assetList)
                let m := mload(0x40)
                let q := add(m, 0x44)
                let end := add(ops, shl(5, mload(ops)))
                for {
                    let o := ops
                } lt(o, end) {
                    o := add(o, 0x20)
                } {
                    let operator := shl(96, mload(add(o, 0x20)))
                    for {
                        let mask := mload(add(nodeMasks, add(sub(o, ops), 0x20)))
                    } mask {} {
                        let low := and(mask, sub(0, mask))
                        mask := xor(mask, low)
                        let a := lowestBit16(low)
                        if iszero(lt(a, assetCount)) {
                            mstore(0x00, shl(224, 0x4e487b71)) // Panic(0x32): index out of bounds
                            mstore(0x04, 0x32)
                            revert(0x00, 0x24)
                        }
                        mstore(q, operator)
                        mstore(add(q, 20), shl(96, mload(add(assetList, add(0x20, shl(5, a))))))
                        q := add(q, 40)
                    }
                }
                let len := sub(q, add(m, 0x44))
                mstore(add(c, 0xe0), m)
                if len {
                    mstore(q, 0) // the padding to a whole word
                    mstore(m, mload(add(c, 0x100)))
                    mstore(add(m, 0x04), 0x20)
                    mstore(add(m, 0x24), len)
                    if iszero(staticcall(gas(), mload(c), m, add(0x44, and(add(len, 31), not(31))), 0, 0)) {
                        returndatacopy(m, 0, returndatasize())
                        revert(m, returndatasize())
                    }
                    let size := mul(div(len, 40), 0x60)
                    if iszero(eq(returndatasize(), add(size, 0x40))) {
                        revert(0, 0)
                    }
                    returndatacopy(m, 0x40, size)
                }
            }
            // BitMaskLib.lowestBit16 of a single bit `low` below 2^16.
            function lowestBit16(low) -> a {
                a := and(shr(shl(3, mod(low, 19)), 0x090a040b07050f0c000803060e00020d010000), 0xff)
            }
            // `shares` of the pool at the cursor, in asset a: its value and the part pending slashes reserve
            // (LRTMathLib.poolAssets* then tokenValue*, as `_positionValue`); bad if off the single-word path.
            // Moves the cursor to the next pool.
            function positionValue(c, shares, a) -> av, r, bad {
                let m := mload(add(c, 0xe0)) // total assets, total shares, pending slash
                mstore(add(c, 0xe0), add(m, 0x60))
                let k := add(0x20, shl(5, a))
                let p := mload(add(mload(add(c, 0xa0)), k))
                let unit := mload(add(mload(add(c, 0x80)), k))
                bad := or(
                    or(
                        shr(127, or(or(shares, mload(m)), or(mload(add(m, 0x20)), p))),
                        gt(mload(add(m, 0x40)), mload(m))
                    ),
                    iszero(unit)
                )
                if iszero(bad) {
                    let d := add(mload(add(m, 0x20)), 1000000)
                    {
                        let q
                        switch mload(add(c, 0x40))
                        case 0 {
                            q := mulDivUp(shares, add(mload(m), 1), d)
                            av := mulDivUp(q, p, unit)
                        }
                        default {
                            q := div(mul(shares, add(sub(mload(m), mload(add(m, 0x40))), 1)), d)
                            av := div(mul(q, p), unit)
                        }
                        bad := shr(128, q)
                    }
                    let pend := mload(add(m, 0x40))
                    if pend {
                        r := mulDivUp(shares, add(pend, 1), d)
                        bad := or(bad, shr(128, r))
                        r := mulDivUp(r, p, unit)
                    }
                }
            }
            // Node i's value (its mask), its positions' reserved part; bad if off the fast path.
            function nodeValue(c, mask, i) -> value, reserved, bad {
                mstore(0x00, i)
                mstore(0x20, mload(add(c, 0x20)))
                let inner := keccak256(0x00, 0x40)
                for {} mask {} {
                    let low := and(mask, sub(0, mask))
                    mask := xor(mask, low)
                    let a := lowestBit16(low) // below the asset count: readPools checked every pair
                    mstore(0x00, a)
                    mstore(0x20, inner)
                    let w := sload(keccak256(0x00, 0x40)) // positions[i][a]: active (low half) and queued
                    let av, r, b := positionValue(c, add(and(w, 0xffffffffffffffffffffffffffffffff), shr(128, w)), a)
                    let slot := add(mload(add(c, 0xc0)), add(0x20, shl(5, a)))
                    let sum := add(mload(slot), av)
                    mstore(slot, sum)
                    value := add(value, av)
                    reserved := add(reserved, r)
                    bad := or(b, or(lt(sum, av), or(lt(value, av), lt(reserved, r))))
                    if bad {
                        break
                    }
                }
            }
            function run(c, ops, nodeMasks) -> done, nodesSum, reservedSum {
                readPools(c, ops, nodeMasks)
                done := 1
                let count := mload(ops)
                for {
                    let i := 0
                } lt(i, count) {
                    i := add(i, 1)
                } {
                    let value, r, bad := nodeValue(c, mload(add(nodeMasks, add(0x20, shl(5, i)))), i)
                    nodesSum := add(nodesSum, value)
                    reservedSum := add(reservedSum, r)
                    if or(bad, or(lt(nodesSum, value), lt(reservedSum, r))) {
                        done := 0
                        break
                    }
                    mstore(add(mload(add(c, 0x120)), add(0x20, shl(5, i))), value)
                }
            }
            ok,total,pending := run(ctx, operators, masks)
        }
        if (!ok) return false;
        (v.total, v.pendingValue) = (v.total + total, v.pendingValue + pending);
        for (uint256 a; a < adds.length; ++a) if (adds[a] != 0) v.assetValues[a] += adds[a];
    }

    /// @dev Node `i`'s value in the assets of its mask (its positions in its operator's pools), adding each
    /// position's to `v.assetValues` and the part pending slash requests reserve to `v.pendingValue`; and that mask.
    /// The record and the positions are read by slot (`_nodeRecord`, `_positionShares`), the pool into `b`.
    function _nodeValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        IRestakingVault vault,
        uint256 i,
        address[] memory assets,
        uint256[] memory units,
        uint256[4] memory b
    ) private view returns (uint256 value, uint256 nodeMask) {
        address operator;
        (operator, nodeMask) = _nodeRecord($, i);
        // The mask is a uint16 (NodeInfo.assetMask): lowestBit16 applies.
        for (uint256 mask = nodeMask; mask != 0; mask &= mask - 1) {
            uint256 a = BitMaskLib.lowestBit16(mask);
            uint256 p = v.prices[a];
            if (p == 0) p = price($, v, a);
            _poolBalances(vault, operator, assets[a], b);
            b[3] = _positionShares($, i, a);
            uint256 assetValue = _positionValue(v, p, units[a], b);
            v.assetValues[a] += assetValue;
            value += assetValue;
        }
    }

    /// @dev `shares` of a pool with balances `b` (`IRestakingVault.poolBalances`: total assets, total shares,
    /// pending slash) at price `p` (`unit` = 10 ** decimals): gross and rounded up at the entry price, net of pending
    /// slashes and rounded down at the exit price (`exit`); and the part pending slash requests reserve, rounded up.
    function _positionValue(
        LRTStorage.Valuation memory v,
        uint256 p,
        uint256 unit,
        uint256[4] memory b
    ) private pure returns (uint256 value) {
        (uint256 poolAssets, uint256 poolShares, uint256 pendingSlash, uint256 shares) = (b[0], b[1], b[2], b[3]);
        if (pendingSlash != 0) {
            v.pendingValue += LRTMathLib.tokenValueUp(
                LRTMathLib.poolAssetsUp(shares, pendingSlash, poolShares),
                p,
                unit
            );
        }
        value = v.exit
            ? LRTMathLib.tokenValueDown(
                LRTMathLib.poolAssetsDown(shares, poolAssets - pendingSlash, poolShares),
                p,
                unit
            )
            : LRTMathLib.tokenValueUp(LRTMathLib.poolAssetsUp(shares, poolAssets, poolShares), p, unit);
    }

    /// @dev Node `i`'s operator and asset mask: the first word of `$.nodes[i]` (operator in bits 0-159, weightBps in
    /// 160-175, assetMask in 176-191), one SLOAD.
    function _nodeRecord(LRTStorage.Layout storage $, uint256 i) private view returns (address operator, uint256 mask) {
        ILRTManagerTypes.NodeInfo storage info = $.nodes[i];
        assembly {
            let w := sload(info.slot)
            operator := and(w, 0xffffffffffffffffffffffffffffffffffffffff)
            mask := and(shr(176, w), 0xffff)
        }
    }

    /// @dev `$.positions[i][a].active + .queued` (uint128 halves of one slot: their sum cannot overflow), one SLOAD.
    function _positionShares(LRTStorage.Layout storage $, uint256 i, uint256 a) private view returns (uint256 shares) {
        mapping(uint256 => mapping(uint256 => ILRTManagerTypes.Position)) storage positions = $.positions;
        assembly {
            mstore(0x00, i)
            mstore(0x20, positions.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, a)
            let w := sload(keccak256(0x00, 0x40))
            shares := add(and(w, 0xffffffffffffffffffffffffffffffff), shr(128, w))
        }
    }

    /// @dev `vault.poolBalances(operator, asset)` by one STATICCALL into `b`, a three-word memory array reused for
    /// every pool: the three words it returns, read as uint256 (the vault returns them as uint112, uint128 and uint112;
    /// LRTMathLib's conversions take any uint256 exactly). Bubbles the vault's revert; reverts empty on a short answer.
    function _poolBalances(IRestakingVault vault, address operator, address asset, uint256[4] memory b) private view {
        bytes4 selector = IRestakingVault.poolBalances.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), operator)
            mstore(add(m, 0x24), asset)
            if iszero(staticcall(gas(), vault, m, 0x44, b, 0x60)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x60) {
                revert(0, 0)
            }
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
