// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILRTManagerErrors, ILRTManagerEvents, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";
import {IRestakingVault, IRestakingVaultErrors, IRestakingVaultTypes} from "../interfaces/IRestakingVault.sol";
import {ISlashingManager, ISlashingManagerTypes} from "../interfaces/ISlashingManager.sol";
import {BitMaskLib} from "../libraries/BitMaskLib.sol";
import {LRTMathLib} from "../libraries/LRTMathLib.sol";
import {LRTStorage} from "./LRTStorage.sol";
import {LRTValuation} from "./LRTValuation.sol";

/// @title LRTRisk
/// @notice The LRT's risk policy (docs/lrt.md, "Risk policy"): where a deposit may go, each node's slash exposure,
/// and the report of every figure. An external library on the manager's storage (EIP-170).
library LRTRisk {
    /// @dev See {ILRTManager}. In this library (the routing policy) to keep the manager under EIP-170.
    function setWeights(uint16[] calldata weights) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        uint256 count = $.nodeCount;
        uint256 sum;
        for (uint256 i; i < weights.length; ++i) sum += weights[i];
        if (weights.length != count || sum != LRTMathLib.BPS) {
            revert ILRTManagerErrors.InvalidWeights(weights.length, sum);
        }
        for (uint256 i; i < count; ++i) $.nodes[i].weightBps = weights[i];
        emit ILRTManagerEvents.WeightsSet(weights);
    }

    /// @dev A deposit of `assets_` of `asset` (index `assetIndex`, `decimals`) at the entry valuation: the value it
    /// brings at the trade price (rounded down), the shares that value buys (or `exactShares` for a mint), and where
    /// it goes: deposits refill the buffer first (LRTStorage.IDLE); beyond it, `pickNode`'s node and its exposure
    /// after the deposit. The valuation is computed here (LRTValuation.compute) and used in place: it crosses no
    /// library ABI.
    function priceDeposit(
        LRTStorage.Layout storage $,
        address asset,
        uint8 assetIndex,
        uint8 decimals,
        uint256 assets_,
        uint256 exactShares
    ) external view returns (uint256 shares, uint256 value, uint8 n, uint256 exposure) {
        LRTStorage.Valuation memory v = LRTValuation.compute($, false);
        value = LRTMathLib.tokenValueDown(assets_, LRTValuation.tradePrice($, v, assetIndex), 10 ** decimals);
        shares = exactShares != 0 ? exactShares : LRTMathLib.toSharesDown(value, v.total, v.supply);
        n = LRTStorage.IDLE;
        // A deposit that the asset's pending requests need in full (idle, in flight and the deposit all within what
        // they are owed) stays idle and pays them: staked, it would be queued back out for the head, and a stream of
        // dust deposits could keep a head the asset can no longer pay from ever being filled in part (review 3 F1).
        // A larger one is routed as usual, so a dust request cannot hold the asset's deposits idle (review 4 F1).
        ILRTManagerTypes.AssetBook storage book = $.books[assetIndex];
        uint256 owed = LRTMathLib.toTokensUp(book.pendingRedeemValue, v.prices[assetIndex], 10 ** decimals);
        if (
            uint256(book.idle) + book.inFlightRedeem + assets_ > owed &&
            v.freeIdle >= LRTMathLib.bpsDown(v.total + value, $.policy.bufferBps)
        ) {
            (n, exposure) = _pickNode($, v, asset, assetIndex, value);
        }
    }

    /// @dev The node that takes `value` of `asset`: among nodes delegated to their operator whose pool takes entries,
    /// the one furthest below its weight that keeps every risk figure within the policy.
    /// If none can, the first refusal's reason reverts.
    // `_pickNode` reads `v` in memory: calldata would be copied.
    // solhint-disable-next-line gas-calldata-parameters
    function pickNode(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address asset,
        uint8 assetIndex,
        uint256 value
    ) external view returns (uint8, uint256) {
        return _pickNode($, v, asset, assetIndex, value);
    }

    function _pickNode(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address asset,
        uint8 assetIndex,
        uint256 value
    ) internal view returns (uint8, uint256) {
        uint256 tried; // bitmap of the nodes tried
        bytes memory firstRefusal;
        for (uint256 round; round < 16; ++round) {
            uint256 best = _mostUnderweight($, v, tried, v.total + value);
            if (best == LRTStorage.IDLE) break;
            tried |= 1 << best;
            (bytes memory refusal, uint256 exposure) = _refusal($, v, best, asset, assetIndex, value);
            if (refusal.length == 0) return (uint8(best), exposure);
            if (firstRefusal.length == 0) firstRefusal = refusal;
        }
        if (firstRefusal.length == 0)
            firstRefusal = abi.encodeWithSelector(ILRTManagerErrors.NoNodeAvailable.selector, asset);
        assembly {
            revert(add(firstRefusal, 32), mload(firstRefusal))
        }
    }

    /// @dev The untried node (not in `tried`) with a weight and still delegated that is furthest below its target
    /// share of `totalAfter`; LRTStorage.IDLE if none.
    function _mostUnderweight(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 tried,
        uint256 totalAfter
    ) internal view returns (uint256 best) {
        best = LRTStorage.IDLE;
        int256 bestDeficit = type(int256).min;
        uint256 count = $.nodeCount;
        for (uint256 i; i < count; ++i) {
            if (tried & (1 << i) != 0) continue;
            ILRTManagerTypes.NodeInfo storage info = $.nodes[i];
            (uint256 weight, bool undelegated) = (info.weightBps, info.undelegated);
            if (weight == 0 || undelegated) continue;
            int256 deficit = int256(LRTMathLib.bpsDown(totalAfter, weight)) - int256(v.nodeValues[i]);
            if (deficit > bestDeficit) (best, bestDeficit) = (i, deficit);
        }
    }

    /// @dev Why node `i` cannot take `value` of `asset` now (empty if it can), and its exposure after taking it: its
    /// operator left it or its pool is closed, or a risk figure would breach.
    function _refusal(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        address asset,
        uint8 assetIndex,
        uint256 value
    ) internal view returns (bytes memory refusal, uint256 exposure) {
        // The pool's balances as `_poolRefusal` read them: the exposure check values the position in it with them
        // (the same view call, the same figures) instead of reading the pool again.
        uint256[3] memory addedPool;
        (refusal, addedPool[1], addedPool[2]) = _poolRefusal($, i, asset);
        if (refusal.length != 0) return (refusal, 0);
        addedPool[0] = 1;
        address operator = $.nodes[i].operator;
        uint256 totalAfter = v.total + value;
        ILRTManagerTypes.Policy memory p = $.policy;
        uint256 shareBps = LRTMathLib.mulDivUp(v.nodeValues[i] + value, LRTMathLib.BPS, totalAfter);
        if (shareBps > p.maxOperatorShareBps) {
            return (
                abi.encodeWithSelector(
                    ILRTManagerErrors.ConcentrationBreached.selector,
                    operator,
                    shareBps,
                    p.maxOperatorShareBps
                ),
                0
            );
        }
        address unapprovedAsset;
        (exposure, unapprovedAsset, ) = _nodeExposure($, v, i, assetIndex, value, addedPool);
        if (unapprovedAsset != address(0)) {
            return (
                abi.encodeWithSelector(ILRTManagerErrors.UnapprovedAllocation.selector, operator, unapprovedAsset),
                0
            );
        }
        // Every other node's exposure as last computed: their sum is kept in storage (LRTStorage.setExposure).
        uint256 total = exposure + $.exposureSum - $.exposureCache[i];
        uint256 exposureBps = LRTMathLib.mulDivUp(total, LRTMathLib.BPS, totalAfter);
        if (exposureBps > p.maxSlashExposureBps) {
            return (
                abi.encodeWithSelector(
                    ILRTManagerErrors.SlashExposureBreached.selector,
                    exposureBps,
                    p.maxSlashExposureBps
                ),
                0
            );
        }
    }

    /// @dev Why node `i`'s pool in `asset` takes no entry now (empty if it does), and (if it was read) the pool's
    /// total assets and shares.
    function _poolRefusal(
        LRTStorage.Layout storage $,
        uint256 i,
        address asset
    ) internal view returns (bytes memory, uint256 poolAssets, uint256 poolShares) {
        ILRTManagerTypes.NodeInfo memory info = $.nodes[i];
        IRestakingVault vault = $.vault;
        if (vault.delegatedTo(info.node) != info.operator) {
            return (abi.encodeWithSelector(ILRTManagerErrors.NodeUndelegated.selector, i), 0, 0);
        }
        IRestakingVaultTypes.Pool memory pool_ = vault.pool(info.operator, asset);
        if (pool_.pendingRequests != 0) {
            return (
                abi.encodeWithSelector(
                    IRestakingVaultErrors.PoolSlashPending.selector,
                    info.operator,
                    asset,
                    pool_.pendingRequests
                ),
                0,
                0
            );
        }
        if (pool_.fullySlashed) {
            return (
                abi.encodeWithSelector(IRestakingVaultErrors.PoolFullySlashed.selector, info.operator, asset),
                0,
                0
            );
        }
        return ("", pool_.totalAssets, pool_.totalShares);
    }

    /// @dev Node `i`'s slash exposure in wei, with `addedValue` more in asset `addedIndex`:
    /// per asset held, the pool's slashable fraction by allow-listed AVSs (sum of maxSlashable / pool net assets) plus
    /// any magnitude allocated outside the list at 100%, times the node's value in that asset. Also returns the first
    /// asset with an unapproved allocation and its magnitude.
    function nodeExposure(
        LRTStorage.Layout storage $,
        uint256 i,
        uint8 addedIndex,
        uint256 addedValue
    ) public view returns (uint256 exposure, address unapprovedAsset, uint256 unapprovedMagnitude) {
        uint256[3] memory unread;
        return _nodeExposure($, LRTValuation.empty($, false), i, addedIndex, addedValue, unread);
    }

    /// @dev `nodeExposure`, pricing with `v`'s prices (read from the oracle if `v` has none yet). Reads each pool once;
    /// not at all the pool in asset `addedIndex` if `addedPool[0]` is nonzero: its total assets and shares are then
    /// `addedPool[1]` and `addedPool[2]`, as read in the same call.
    function _nodeExposure(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        uint8 addedIndex,
        uint256 addedValue,
        uint256[3] memory addedPool
    ) internal view returns (uint256 exposure, address unapprovedAsset, uint256 unapprovedMagnitude) {
        uint256 mask = $.nodes[i].assetMask;
        if (addedValue != 0) mask |= 1 << addedIndex;
        while (mask != 0) {
            uint8 a = uint8(BitMaskLib.lowestBit16(mask)); // a uint16 node mask and an asset index below 16
            mask &= mask - 1;
            uint256[3] memory known;
            if (a == addedIndex) known = addedPool;
            (uint256 e, uint256 unapproved) = _assetExposure($, v, i, a, a == addedIndex ? addedValue : 0, known);
            exposure += e;
            if (unapproved != 0 && unapprovedAsset == address(0)) {
                (unapprovedAsset, unapprovedMagnitude) = ($.assetList[a], unapproved);
            }
        }
    }

    /// @dev Node `i`'s slash exposure in asset `a` (with `addedValue` more), and the magnitude its operator allocates
    /// outside the allow-list there; one read of the pool (none if `known[0]` is nonzero: its total assets and shares
    /// are then `known[1]` and `known[2]`) serves both the fraction and the position's value.
    function _assetExposure(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        uint8 a,
        uint256 addedValue,
        uint256[3] memory known
    ) internal view returns (uint256 exposure, uint256 unapproved) {
        (address operator, address asset) = ($.nodes[i].operator, $.assetList[a]);
        (uint256 poolAssets, uint256 poolShares) = (known[1], known[2]);
        if (known[0] == 0) (poolAssets, poolShares, ) = $.vault.poolBalances(operator, asset);
        uint256 fraction;
        (fraction, unapproved) = _slashableFraction($, operator, asset);
        uint256 value = _positionValue($, v, i, a, poolAssets, poolShares) + addedValue;
        exposure = LRTMathLib.mulDivUp(value, fraction, 1e18);
    }

    /// @dev Node `i`'s position in asset `a` (gross of pending slashes) at the exit price, in wei, its pool holding
    /// `poolAssets` for `poolShares`.
    function _positionValue(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 i,
        uint8 a,
        uint256 poolAssets,
        uint256 poolShares
    ) internal view returns (uint256) {
        ILRTManagerTypes.Position storage pos = $.positions[i][a];
        // Gross of pending slashes: the exposure a request is filed against must not shrink while it is pending
        // (review 3 F2); the request's own reservation is counted in the fraction instead.
        uint256 tokens = LRTMathLib.poolAssetsDown(uint256(pos.active) + pos.queued, poolAssets, poolShares);
        return
            LRTMathLib.tokenValueDown(
                tokens,
                LRTValuation.price($, v, a),
                10 ** $.assetConfig[$.assetList[a]].decimals
            );
    }

    /// @dev The 1e18 fraction of pool `(operator, asset)` that can be slashed: each allow-listed AVS's current magnitude
    /// times its maximum fraction, plus the magnitude allocated outside the list and the magnitude pending requests
    /// reserve, both at 100%, over the operator's whole magnitude; rounded up and capped at 1. Also the magnitude
    /// allocated outside the list. It is read from magnitudes, so it is the same
    /// for an empty pool as for a full one (LRT review F8: a fraction of the pool's tokens read 0 before the pool's
    /// first deposit, so that deposit passed the cap unchecked).
    function _slashableFraction(
        LRTStorage.Layout storage $,
        address operator,
        address asset
    ) internal view returns (uint256 fraction, uint256 unapproved) {
        (ISlashingManagerTypes.Magnitudes memory m, uint256 maxMagnitude) = $.slashing.magnitudes(operator, asset);
        (uint256 approved, uint256 slashable) = _allowListed($, operator, asset);
        uint256 held = m.encumbered - m.reserved;
        unapproved = held > approved ? held - approved : 0;
        if (maxMagnitude == 0) return (1e18, unapproved);
        // Magnitude reserved by pending requests counts as wholly slashable, over the whole magnitude: the figure
        // is then at least what it was before the request and what a veto would restore (review 3 F2: read net of
        // the reservation, over the magnitude not reserved, it fell while a request was pending and let a deposit
        // pass the cap).
        fraction = LRTMathLib.mulDivUp(slashable + (unapproved + m.reserved) * 1e18, 1, maxMagnitude);
        if (fraction > 1e18) fraction = 1e18;
    }

    /// @dev The magnitude `operator` allocates in `asset` to the allow-listed AVSs (current plus pending increases),
    /// and the sum over them of current magnitude times maximum fraction (1e36-scaled: magnitude times a 1e18 fraction).
    function _allowListed(
        LRTStorage.Layout storage $,
        address operator,
        address asset
    ) internal view returns (uint256 approved, uint256 slashable) {
        ISlashingManager sm = $.slashing;
        uint256 avsCount = $.avsCount;
        for (uint256 k; k < avsCount; ++k) {
            address avs = $.avss[k];
            ISlashingManagerTypes.Allocation memory al = sm.allocation(operator, avs, asset);
            approved += al.current + (al.pendingIncrease ? al.pendingDelta : 0);
            if (al.current != 0) slashable += uint256(al.current) * sm.avsConfig(avs).maxSlashWad;
        }
    }

    /// @notice The risk policy's figures, computed afresh from `v` (the exit valuation), and whether each holds.
    // `v` goes on to memory helpers: calldata would be copied.
    // solhint-disable-next-line gas-calldata-parameters
    function riskReport(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v
    ) external view returns (ILRTManagerTypes.RiskReport memory report) {
        ILRTManagerTypes.Policy memory p = $.policy;
        uint256 count = $.nodeCount;
        report.totalValue = v.total;
        report.maxOperatorShareBps = p.maxOperatorShareBps;
        report.maxSlashExposureBps = p.maxSlashExposureBps;
        report.concentrationOk = true;
        report.allocationsOk = true;
        report.nodes = new ILRTManagerTypes.NodeRisk[](count);
        uint256[3] memory unread;
        for (uint256 i; i < count; ++i) {
            ILRTManagerTypes.NodeRisk memory r = report.nodes[i];
            r.operator = $.nodes[i].operator;
            r.value = v.nodeValues[i];
            r.shareBps = v.total == 0 ? 0 : LRTMathLib.mulDivUp(r.value, LRTMathLib.BPS, v.total);
            r.concentrationOk = r.shareBps <= p.maxOperatorShareBps;
            (r.exposure, r.unapprovedAsset, r.unapprovedMagnitude) = _nodeExposure($, v, i, 0, 0, unread);
            report.exposure += r.exposure;
            if (!r.concentrationOk) report.concentrationOk = false;
            if (r.unapprovedMagnitude != 0) report.allocationsOk = false;
        }
        report.exposureBps = v.total == 0 ? 0 : LRTMathLib.mulDivUp(report.exposure, LRTMathLib.BPS, v.total);
        report.exposureOk = report.exposureBps <= p.maxSlashExposureBps;
    }
}
