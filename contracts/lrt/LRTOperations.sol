// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILRTManagerErrors, ILRTManagerEvents, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";
import {ILRTNode} from "../interfaces/ILRTNode.sol";
import {IOperatorRegistryTypes} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault, IRestakingVaultTypes} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {LRTMathLib} from "../libraries/LRTMathLib.sol";
import {LRTRisk} from "./LRTRisk.sol";
import {WithdrawalIdLib} from "../libraries/WithdrawalIdLib.sol";
import {LRTStorage} from "./LRTStorage.sol";
import {LRTValuation} from "./LRTValuation.sol";

/// @title LRTOperations
/// @notice The LRT manager's flows that move stake and pay exits: vault withdrawals, forced-undelegation sync, the
/// redemption queue, instant redemption and harvest (docs/lrt.md). An external library run by DELEGATECALL on the
/// manager's storage, so that the manager stays under EIP-170; the manager applies roles, pauses and the
/// reentrancy guard before calling it.
library LRTOperations {
    using SafeERC20 for IERC20;

    /// @dev Fulfilment waits for pending slash requests that reserve more than this share of the total value (1 bps):
    /// a requester fulfilled meanwhile bears at most that much of a request that is later vetoed, and dust requests
    /// cannot hold every redemption up (LRT fixes review F2).
    uint256 internal constant PENDING_SLASH_TOLERANCE_BPS = 1;

    /// @dev See {ILRTManager}.
    function completeWithdrawals(uint256[] calldata ids) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        for (uint256 i; i < ids.length; ++i) {
            ILRTManagerTypes.WithdrawalRecord memory r = $.withdrawals[ids[i]];
            if (r.shares == 0) revert ILRTManagerErrors.UnknownWithdrawal(ids[i]);
            delete $.withdrawals[ids[i]];
            ILRTManagerTypes.Position storage pos = $.positions[r.nodeIndex][r.assetIndex];
            pos.queued -= r.shares;
            ILRTManagerTypes.NodeInfo storage info = $.nodes[r.nodeIndex];
            if (pos.queued == 0 && pos.active == 0) info.assetMask &= ~uint16(1 << r.assetIndex);
            ILRTManagerTypes.AssetBook storage book = $.books[r.assetIndex];
            uint256 assets_ = ILRTNode(info.node).completeWithdrawal(ids[i], 0);
            book.idle += uint128(assets_);
            if (r.forRedeem != 0) book.inFlightRedeem -= uint128(Math.min(r.forRedeem, book.inFlightRedeem));
            emit ILRTManagerEvents.WithdrawalCompleted(ids[i], r.nodeIndex, $.assetList[r.assetIndex], assets_);
        }
    }

    /// @dev See {ILRTManager}.
    function syncNode(uint256 index) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if (index >= $.nodeCount) revert ILRTManagerErrors.UnknownNode(index);
        _syncNode($, index);
    }

    /// @dev See {ILRTManager}.
    function redelegateNode(
        uint256 index,
        address operator,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if (index >= $.nodeCount) revert ILRTManagerErrors.UnknownNode(index);
        if (operator == address(0)) revert ILRTManagerErrors.ZeroAddress();
        ILRTManagerTypes.NodeInfo storage info = $.nodes[index];
        address old = info.operator;
        if (operator != old && $.hasNode[operator]) revert ILRTManagerErrors.OperatorHasNode(operator);
        IRestakingVault vault = $.vault;
        address node_ = info.node;
        // Synced, still undelegated, and empty: every withdrawal the undelegation queued has completed.
        if (!info.undelegated || info.assetMask != 0 || vault.delegatedTo(node_) != address(0)) {
            revert ILRTManagerErrors.NodeNotEmpty(index);
        }
        ($.hasNode[old], $.hasNode[operator]) = (false, true);
        (info.operator, info.undelegated) = (operator, false);
        info.nonce = vault.stakerInfo(node_).withdrawalNonce;
        emit ILRTManagerEvents.NodeRedelegated(index, old, operator);
        ILRTNode(node_).delegateTo($.registry, operator, approverSignature, approverSalt);
    }

    /// @dev Records node `index`'s forced undelegation if its operator undelegated it (nothing otherwise).
    function _syncNode(LRTStorage.Layout storage $, uint256 index) internal {
        ILRTManagerTypes.NodeInfo memory info = $.nodes[index];
        IRestakingVault vault = $.vault;
        if (info.undelegated || vault.delegatedTo(info.node) == info.operator) return;
        uint256 nonceNow = vault.stakerInfo(info.node).withdrawalNonce;
        uint256[] memory ids = new uint256[](nonceNow - info.nonce);
        for (uint256 nonce = info.nonce; nonce < nonceNow; ++nonce) {
            uint256 id = WithdrawalIdLib.toId(info.node, uint64(nonce));
            (, IRestakingVaultTypes.Withdrawal memory w, ) = vault.withdrawal(id);
            ILRTManagerTypes.Position storage pos = $.positions[index][w.assetIndex];
            pos.active -= w.shares;
            pos.queued += w.shares;
            $.withdrawals[id] = ILRTManagerTypes.WithdrawalRecord(uint8(index), w.assetIndex, w.shares, 0);
            ids[nonce - info.nonce] = id;
        }
        $.nodes[index].undelegated = true;
        $.nodes[index].nonce = uint64(nonceNow);
        emit ILRTManagerEvents.NodeUndelegatedSynced(index, ids);
    }

    /// @dev See {ILRTManager}.
    function processRequests(address asset, uint256 maxCount) external returns (uint256 processed) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ILRTManagerTypes.AssetConfig memory c = LRTStorage.config($, asset);
        ILRTManagerTypes.AssetBook memory book = $.books[c.index];
        LRTStorage.Valuation memory v = LRTValuation.valuation($, true);
        // The nodes hold none of the asset (active or queued, at the exit price) once every withdrawal of it the LRT
        // can queue has completed: idle is then all the asset can ever pay (LRT fixes review F1).
        bool drained = v.assetValues[c.index] ==
            LRTMathLib.tokenValueDown(book.idle, LRTValuation.price($, v, c.index), 10 ** c.decimals);
        uint256 burned;
        while (processed < maxCount && book.head < book.tail) {
            (bool done, uint256 shares) = _fulfilHead($, v, c, book, asset, drained);
            if (!done) break;
            burned += shares;
            ++processed;
        }
        $.books[c.index] = book;
        if (burned != 0) $.token.burn(address(this), burned);
    }

    /// @dev Fulfils the request at the head of `asset`'s queue from idle (`done`) and returns the shares to burn; if
    /// idle is short, queues the vault withdrawals still needed and returns (false, 0). Once the nodes hold none of
    /// the asset (`drained`), a head that idle cannot pay is fulfilled in part: idle pays the pro-rata part of its
    /// shares (rounded up, against the requester) and the rest go back to its controller (LRT fixes review F1). While
    /// a slash request pending on a pool the LRT holds reserves more than PENDING_SLASH_TOLERANCE_BPS of the total
    /// value (`v.pendingValue`), it fulfils nothing: the exit price is net of the reservation, so like the vault's
    /// exits the request waits for the resolution and a veto leaves the requester whole (LRT review F2).
    function _fulfilHead(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        ILRTManagerTypes.AssetConfig memory c,
        ILRTManagerTypes.AssetBook memory book,
        address asset,
        bool drained
    ) internal returns (bool done, uint256 shares) {
        uint256 id = $.queues[c.index][book.head];
        ILRTManagerTypes.Request storage r = $.requests[id];
        shares = r.shares;
        uint256 assets_ = LRTMathLib.toTokensDown(
            Math.min(r.amount, LRTMathLib.toValueDown(shares, v.total, v.supply)),
            v.tradePrices[c.index],
            10 ** c.decimals
        );
        if (assets_ > book.idle && !drained) {
            uint256 shortfall = assets_ - book.idle;
            if (shortfall > book.inFlightRedeem) {
                book.inFlightRedeem += uint128(_queueForRedeem($, v, asset, c.index, shortfall - book.inFlightRedeem));
            }
            return (false, 0);
        }
        if (v.pendingValue * LRTMathLib.BPS > v.total * PENDING_SLASH_TOLERANCE_BPS) return (false, 0);
        uint256 returned;
        if (assets_ > book.idle) {
            // shares * idle / assets_ rounded up: the payout per share is at most the whole request's.
            uint256 filled = Math.mulDiv(shares, book.idle, assets_, Math.Rounding.Ceil);
            (returned, shares, assets_) = (shares - filled, filled, book.idle);
        }
        book.pendingRedeemValue -= r.amount;
        _settle($, v, c, book, id, shares, assets_, returned);
        done = true;
    }

    /// @dev Settles request `id` at the head of asset `c`'s queue: `shares` fulfilled for `assets_` (reserved for its
    /// controller, or status Returned when 0) and `returned` shares sent back from the escrow to the controller. The
    /// payout leaves total value and the shares leave supply: later requests see the new figures.
    function _settle(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        ILRTManagerTypes.AssetConfig memory c,
        ILRTManagerTypes.AssetBook memory book,
        uint256 id,
        uint256 shares,
        uint256 assets_,
        uint256 returned
    ) internal {
        book.idle -= uint128(assets_);
        book.reserved += uint128(assets_);
        book.deposited -= uint128(Math.min(assets_, book.deposited));
        ++book.head;
        ILRTManagerTypes.Request storage r = $.requests[id];
        address controller = r.controller;
        address asset = $.assetList[c.index];
        if (shares == 0) {
            r.status = ILRTManagerTypes.RequestStatus.Returned;
        } else {
            (r.status, r.shares, r.amount) = (
                ILRTManagerTypes.RequestStatus.Claimable,
                uint128(shares),
                uint128(assets_)
            );
            ILRTManagerTypes.Claimable storage cl = $.claimables[c.index][controller];
            (cl.shares, cl.assets) = (cl.shares + uint128(shares), cl.assets + uint128(assets_));
            v.total -= Math.min(LRTMathLib.tokenValueDown(assets_, v.prices[c.index], 10 ** c.decimals), v.total);
            v.supply -= shares;
            emit ILRTManagerEvents.RedeemFulfilled(id, controller, asset, shares, assets_);
        }
        if (returned != 0) {
            emit ILRTManagerEvents.RedeemPartiallyFulfilled(id, controller, asset, shares, returned, assets_);
            IERC20(address($.token)).safeTransfer(controller, returned);
        }
    }

    /// @dev Queues withdrawals of `asset` worth at least `needed` tokens (at the exit price) from the nodes most over
    /// their weight; returns the tokens they are expected to bring.
    function _queueForRedeem(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        address asset,
        uint8 assetIndex,
        uint256 needed
    ) internal returns (uint256 expected) {
        uint256 tried;
        for (uint256 round; round < 16 && expected < needed; ++round) {
            uint256 best = _mostOverweight($, v, tried, assetIndex);
            if (best == LRTStorage.IDLE) break;
            tried |= 1 << best;
            // A node its operator undelegated is recorded on the spot (its shares are already queued), not drawn on
            // (LRT review F7).
            if ($.vault.delegatedTo($.nodes[best].node) != $.nodes[best].operator) {
                _syncNode($, best);
                continue;
            }
            expected += _queueWorth($, uint8(best), asset, assetIndex, needed - expected);
        }
    }

    /// @dev The untried node holding active shares of asset `assetIndex` that is furthest above its target; LRTStorage.IDLE if
    /// none.
    function _mostOverweight(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint256 tried,
        uint8 assetIndex
    ) internal view returns (uint256 best) {
        best = LRTStorage.IDLE;
        int256 bestExcess = type(int256).min;
        uint256 count = $.nodeCount;
        for (uint256 i; i < count; ++i) {
            if (tried & (1 << i) != 0 || $.positions[i][assetIndex].active == 0 || $.nodes[i].undelegated) continue;
            int256 excess = int256(v.nodeValues[i]) -
                int256(Math.mulDiv(v.total, $.nodes[i].weightBps, LRTMathLib.BPS));
            if (excess > bestExcess) (best, bestExcess) = (i, excess);
        }
    }

    /// @dev Queues a withdrawal from node `n` worth `wanted` tokens at the exit price (or all its active shares);
    /// returns the tokens it is expected to bring.
    function _queueWorth(
        LRTStorage.Layout storage $,
        uint8 n,
        address asset,
        uint8 assetIndex,
        uint256 wanted
    ) internal returns (uint256 tokens) {
        IRestakingVaultTypes.Pool memory pool_ = $.vault.pool($.nodes[n].operator, asset);
        uint256 net = pool_.totalAssets - pool_.pendingSlash;
        uint256 shares = Math.min(
            $.positions[n][assetIndex].active,
            LRTMathLib.poolSharesUp(wanted, net, pool_.totalShares)
        );
        tokens = LRTMathLib.poolAssetsDown(shares, net, pool_.totalShares);
        if (tokens != 0) queue($, n, assetIndex, asset, shares, tokens);
    }

    /// @dev Queues a vault withdrawal of `shares` of node `n`'s `asset` position.
    function queue(
        LRTStorage.Layout storage $,
        uint8 n,
        uint8 assetIndex,
        address asset,
        uint256 shares,
        uint256 forRedeem
    ) internal returns (uint256 id) {
        ILRTManagerTypes.NodeInfo storage info = $.nodes[n];
        if (info.undelegated) revert ILRTManagerErrors.NodeUndelegated(n);
        ILRTManagerTypes.Position storage pos = $.positions[n][assetIndex];
        uint256 active = pos.active;
        if (shares == 0 || shares > active) revert ILRTManagerErrors.InsufficientNodeShares(n, active, shares);
        (pos.active, pos.queued) = (uint128(active - shares), pos.queued + uint128(shares));
        ++info.nonce;
        id = ILRTNode(info.node).queueWithdrawal(asset, shares);
        $.withdrawals[id] = ILRTManagerTypes.WithdrawalRecord(n, assetIndex, uint128(shares), uint112(forRedeem));
        emit ILRTManagerEvents.WithdrawalQueued(id, n, asset, shares, forRedeem);
    }

    /// @dev See {ILRTManager}.
    function instantRedeem(
        uint256 shares,
        address asset,
        uint256 minOut,
        address receiver
    ) external returns (uint256 assets_) {
        if (shares == 0) revert ILRTManagerErrors.ZeroAmount();
        if (receiver == address(0)) revert ILRTManagerErrors.ZeroAddress();
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ILRTManagerTypes.AssetConfig memory c = LRTStorage.config($, asset);
        ILRTManagerTypes.AssetBook storage book = $.books[c.index];
        uint256 fee;
        (assets_, fee) = _instantQuote($, c, book, shares);
        if (assets_ < minOut || assets_ == 0) revert ILRTManagerErrors.AssetsBelowMinimum(assets_, minOut);
        book.idle -= uint128(assets_);
        book.deposited -= uint128(Math.min(assets_, book.deposited));
        emit ILRTManagerEvents.InstantRedeemed(msg.sender, receiver, asset, shares, assets_, fee);
        $.token.burn(msg.sender, shares);
        IERC20(asset).safeTransfer(receiver, assets_);
    }

    /// @dev What redeeming `shares` instantly in asset `c` pays now, and its fee, in tokens. The fee is the mean rate
    /// over the free buffer the exit consumes (so that splitting an exit saves nothing); only idle not owed to pending
    /// requests can pay.
    function _instantQuote(
        LRTStorage.Layout storage $,
        ILRTManagerTypes.AssetConfig memory c,
        ILRTManagerTypes.AssetBook storage book,
        uint256 shares
    ) internal view returns (uint256 out, uint256 fee) {
        LRTStorage.Valuation memory v = LRTValuation.valuation($, true);
        uint256 price = LRTValuation.price($, v, c.index);
        uint256 value = LRTMathLib.toValueDown(shares, v.total, v.supply);
        uint256 gross = LRTMathLib.toTokensDown(value, LRTValuation.tradePrice($, v, c.index), 10 ** c.decimals);
        uint256 free = freeIdle(book, price, c.decimals);
        if (gross > free || gross == 0) revert ILRTManagerErrors.InsufficientBuffer($.assetList[c.index], free, gross);
        ILRTManagerTypes.Policy memory p = $.policy;
        uint256 bufferAfter = v.freeIdle - Math.min(value, v.freeIdle);
        // The target of the LRT as the exit leaves it: an exit split in pieces meets targets at least as high.
        uint256 target = LRTMathLib.bpsDown(v.total - Math.min(value, v.total), p.bufferBps);
        fee = LRTMathLib.bpsUp(
            gross,
            LRTMathLib.instantFeeBpsUp(v.freeIdle, bufferAfter, target, p.baseFeeBps, p.maxFeeBps)
        );
        out = gross - fee;
    }

    /// @dev See {ILRTManager}.
    function setAssetConfig(address asset, uint256 cap, bool enabled, bool countRewards) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ILRTManagerTypes.AssetConfig storage c = LRTStorage.config($, asset);
        // Reverts (RewardTokenNotAllowed) unless the distributor lists the asset: valuations call this per node.
        if (countRewards) $.rewards.pendingRewards(address(this), asset);
        // Turning counting off would drop the counted pending rewards from the rate: settle them first (LRT review F6).
        if (c.countRewards && !countRewards) _harvest($);
        (c.cap, c.enabled, c.countRewards) = (uint96(Math.min(cap, type(uint96).max)), enabled, countRewards);
        emit ILRTManagerEvents.AssetConfigSet(asset, cap, enabled, countRewards);
    }

    /// @dev See {ILRTManager}. Pending rewards count net of the fee: they are settled at the old fee first, so that the
    /// change does not move the rate (LRT review F6).
    function setProtocolFee(uint16 protocolFeeBps) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        _harvest($);
        $.policy.protocolFeeBps = protocolFeeBps;
        emit ILRTManagerEvents.PolicySet($.policy);
    }

    /// @dev See {ILRTManager}.
    function harvest() external {
        _harvest(LRTStorage.layout());
    }

    function _harvest(LRTStorage.Layout storage $) internal {
        // The rate before counts the pending rewards net of the fee; the fee is minted at that rate.
        LRTStorage.Valuation memory v = LRTValuation.valuation($, true);
        (address[] memory tokens, uint256 acceptedCount) = _rewardTokens($);
        if (tokens.length == 0) return;
        uint256 feeValue;
        uint256 count = $.nodeCount;
        for (uint8 n; n < count; ++n) feeValue += _harvestNode($, v, n, tokens, acceptedCount);
        uint256 feeShares = LRTMathLib.toSharesDown(feeValue, v.total, v.supply);
        if (feeShares != 0) {
            address treasury = $.treasury;
            emit ILRTManagerEvents.FeeMinted(treasury, feeShares, feeValue);
            $.token.mint(treasury, feeShares);
        }
    }

    /// @dev The reward tokens harvest claims: accepted assets that count rewards first, then the other tokens.
    function _rewardTokens(
        LRTStorage.Layout storage $
    ) internal view returns (address[] memory tokens, uint256 acceptedCount) {
        uint256 assetCount = $.assetCount;
        address[] memory others = $.otherRewardTokens;
        tokens = new address[](assetCount + others.length);
        for (uint256 i; i < assetCount; ++i) {
            address a = $.assetList[i];
            // The old count is the slot written: post-increment.
            // solhint-disable-next-line gas-increment-by-one
            if (a != address(0) && $.assetConfig[a].countRewards) tokens[acceptedCount++] = a;
        }
        uint256 count = acceptedCount;
        // The old count is the slot written: post-increment.
        // solhint-disable-next-line gas-increment-by-one
        for (uint256 i; i < others.length; ++i) tokens[count++] = others[i];
        assembly {
            mstore(tokens, count)
        }
    }

    /// @dev Claims node `n`'s rewards; returns the protocol fee's value on the accepted-asset rewards.
    function _harvestNode(
        LRTStorage.Layout storage $,
        LRTStorage.Valuation memory v,
        uint8 n,
        address[] memory tokens,
        uint256 acceptedCount
    ) internal returns (uint256 feeValue) {
        uint256[] memory amounts = _claimNode($, n, tokens);
        for (uint256 t; t < tokens.length; ++t) {
            uint256 amount = amounts[t];
            if (amount == 0) continue;
            bool accepted = t < acceptedCount;
            emit ILRTManagerEvents.Harvested(n, tokens[t], amount, accepted);
            if (accepted) {
                ILRTManagerTypes.AssetConfig memory c = $.assetConfig[tokens[t]];
                $.books[c.index].idle += uint128(amount);
                uint256 fee = LRTMathLib.bpsUp(amount, $.policy.protocolFeeBps);
                feeValue += LRTMathLib.tokenValueDown(fee, LRTValuation.price($, v, c.index), 10 ** c.decimals);
            } else {
                IERC20(tokens[t]).safeTransfer($.rewardsReceiver, amount);
            }
        }
    }

    /// @dev Claims node `n`'s rewards in `tokens` to the manager. A node names the manager its claimer when it is
    /// created, so the manager claims for it directly; a node that has not is asked through its own call.
    function _claimNode(
        LRTStorage.Layout storage $,
        uint8 n,
        address[] memory tokens
    ) internal returns (uint256[] memory) {
        address node_ = $.nodes[n].node;
        IRewardDistributor rewards = $.rewards;
        if (rewards.claimerOf(node_) == address(this)) return rewards.claimFor(node_, tokens, address(this));
        return ILRTNode(node_).claimRewards(tokens);
    }

    /// @dev Idle tokens not owed to pending redemption requests of this asset (at their value at request).
    function freeIdle(
        ILRTManagerTypes.AssetBook storage book,
        uint256 price,
        uint8 decimals
    ) internal view returns (uint256) {
        uint256 committed = LRTMathLib.toTokensUp(book.pendingRedeemValue, price, 10 ** decimals);
        uint256 idle = book.idle;
        return idle > committed ? idle - committed : 0;
    }

    /// @dev See {ILRTManager}. The node is a BeaconProxy created with CREATE2 (salt: its index) from an initializer
    /// that names no operator, so that its address is known before it exists and an operator's delegation approver
    /// can sign for it (sdk/lrt.ts `predictNodeAddress`); it is delegated right after.
    function createNode(
        address operator,
        uint16 weightBps,
        IOperatorRegistryTypes.ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external returns (uint256 index) {
        if (operator == address(0)) revert ILRTManagerErrors.ZeroAddress();
        LRTStorage.Layout storage $ = LRTStorage.layout();
        if ($.hasNode[operator]) revert ILRTManagerErrors.OperatorHasNode(operator);
        index = $.nodeCount;
        if (index == 16) revert ILRTManagerErrors.ListFull(16);
        if (weightBps > LRTMathLib.BPS) revert ILRTManagerErrors.InvalidParameter(weightBps, LRTMathLib.BPS);
        $.hasNode[operator] = true;
        $.nodeCount = uint8(index + 1);
        address node_ = address(
            new BeaconProxy{salt: bytes32(index)}(
                $.beacon,
                abi.encodeCall(ILRTNode.initialize, (address(this), address($.vault), address($.rewards)))
            )
        );
        $.nodes[index] = ILRTManagerTypes.NodeInfo({
            operator: operator,
            weightBps: weightBps,
            assetMask: 0,
            undelegated: false,
            node: node_,
            nonce: 0
        });
        emit ILRTManagerEvents.NodeCreated(index, node_, operator, weightBps);
        ILRTNode(node_).delegateTo($.registry, operator, approverSignature, approverSalt);
    }

    /// @dev See {ILRTManager}.
    function requestRedeem(
        address caller,
        address spender,
        uint256 shares,
        address controller,
        address owner
    ) external returns (uint256 id) {
        if (shares == 0) revert ILRTManagerErrors.ZeroAmount();
        if (controller == address(0)) revert ILRTManagerErrors.ZeroAddress();
        LRTStorage.Layout storage $ = LRTStorage.layout();
        uint8 index = $.assetConfig[$.assetOf[msg.sender]].index;
        // The value at request is gross of pending slashes: the payout, min(value at request, value at fulfilment),
        // bears a pending slash that executes and not one that is vetoed (fulfilment waits for them to resolve).
        LRTStorage.Valuation memory v = LRTValuation.valuation($, false);
        uint256 value = LRTMathLib.toValueDown(shares, v.total, v.supply);
        if (value == 0) revert ILRTManagerErrors.ZeroAmount();
        // A request must be payable in its asset: one larger than the LRT's holdings of it would block the asset's FIFO
        // queue for everyone behind it (LRT review F1).
        (uint256 held, uint256 owed) = (v.assetValues[index], $.books[index].pendingRedeemValue);
        if (value + owed > held) {
            revert ILRTManagerErrors.RedeemExceedsAssetLiquidity(
                $.assetList[index],
                value,
                held > owed ? held - owed : 0
            );
        }
        id = _recordRequest($, index, shares, value, controller);
        emit ILRTManagerEvents.RedeemRequested(id, controller, owner, caller, $.assetList[index], shares, value);
        $.token.escrowFrom(owner, spender, shares);
    }

    /// @dev See {ILRTManager}.
    function claimShares(uint256 shares, address receiver, address controller) external returns (uint256 assets_) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        uint8 index = $.assetConfig[$.assetOf[msg.sender]].index;
        ILRTManagerTypes.Claimable memory cl = $.claimables[index][controller];
        if (shares > cl.shares || shares == 0) revert ILRTManagerErrors.ClaimExceeded(controller, cl.shares, shares);
        assets_ = Math.mulDiv(cl.assets, shares, cl.shares);
        _payClaim($, index, controller, shares, assets_, receiver, 0);
    }

    /// @dev See {ILRTManager}.
    function claimAssets(uint256 assets_, address receiver, address controller) external returns (uint256 shares) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        uint8 index = $.assetConfig[$.assetOf[msg.sender]].index;
        ILRTManagerTypes.Claimable memory cl = $.claimables[index][controller];
        if (assets_ > cl.assets || assets_ == 0) revert ILRTManagerErrors.ClaimExceeded(controller, cl.assets, assets_);
        shares = Math.mulDiv(cl.shares, assets_, cl.assets, Math.Rounding.Ceil);
        _payClaim($, index, controller, shares, assets_, receiver, 0);
    }

    function claimRequest(uint256 id, address receiver, uint256 minAssetsOut) external returns (uint256 assets_) {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ILRTManagerTypes.Request storage r = $.requests[id];
        uint8 index = $.assetConfig[$.assetOf[msg.sender]].index;
        if (r.status != ILRTManagerTypes.RequestStatus.Claimable || r.assetIndex != index)
            revert ILRTManagerErrors.NotClaimable(id, r.status);
        address controller = r.controller;
        uint256 shares = r.shares;
        assets_ = r.amount;
        _checkClaimable($.claimables[index][controller], controller, shares, assets_);
        if (assets_ < minAssetsOut) revert ILRTManagerErrors.AssetsBelowMinimum(assets_, minAssetsOut);
        r.status = ILRTManagerTypes.RequestStatus.Claimed;
        _payClaim($, index, controller, shares, assets_, receiver, id);
    }

    /// @dev Records a pending request at the tail of asset `index`'s queue.
    function _recordRequest(
        LRTStorage.Layout storage $,
        uint8 index,
        uint256 shares,
        uint256 value,
        address controller
    ) internal returns (uint256 id) {
        id = ++$.requestCount;
        $.requests[id] = ILRTManagerTypes.Request({
            controller: controller,
            assetIndex: index,
            status: ILRTManagerTypes.RequestStatus.Pending,
            shares: uint128(shares),
            amount: uint128(value)
        });
        ILRTManagerTypes.AssetBook storage book = $.books[index];
        (uint64 tail, uint128 pending) = (book.tail, book.pendingRedeemValue);
        $.queues[index][tail] = id;
        (book.tail, book.pendingRedeemValue) = (tail + 1, pending + uint128(value));
    }

    /// @dev Shares claimed by amount (redeem/withdraw) come out of the same balance as claims by request: never pay
    /// twice.
    function _checkClaimable(
        ILRTManagerTypes.Claimable storage cl,
        address controller,
        uint256 shares,
        uint256 assets_
    ) internal view {
        if (shares > cl.shares || assets_ > cl.assets)
            revert ILRTManagerErrors.ClaimExceeded(controller, cl.shares, shares);
    }

    /// @dev Pays a claim out of `controller`'s claimable balance.
    function _payClaim(
        LRTStorage.Layout storage $,
        uint8 index,
        address controller,
        uint256 shares,
        uint256 assets_,
        address receiver,
        uint256 requestId
    ) internal {
        if (receiver == address(0)) revert ILRTManagerErrors.ZeroAddress();
        ILRTManagerTypes.Claimable storage cl = $.claimables[index][controller];
        (cl.shares, cl.assets) = (cl.shares - uint128(shares), cl.assets - uint128(assets_));
        $.books[index].reserved -= uint128(assets_);
        address asset = $.assetList[index];
        emit ILRTManagerEvents.RedeemClaimed(requestId, controller, receiver, asset, shares, assets_);
        IERC20(asset).safeTransfer(receiver, assets_);
    }

    /// @dev See {ILRTManager}.
    function stakeIdle(address asset, uint256 amount) external {
        LRTStorage.Layout storage $ = LRTStorage.layout();
        ILRTManagerTypes.AssetConfig memory c = LRTStorage.config($, asset);
        if (amount == 0) revert ILRTManagerErrors.ZeroAmount();
        ILRTManagerTypes.AssetBook storage book = $.books[c.index];
        LRTStorage.Valuation memory v = LRTValuation.valuation($, false);
        uint256 free = freeIdle(book, v.prices[c.index], c.decimals);
        if (amount > free) revert ILRTManagerErrors.InsufficientBuffer(asset, free, amount);
        uint256 value = LRTMathLib.tokenValueDown(amount, v.prices[c.index], 10 ** c.decimals);
        (uint8 n, uint256 exposure) = LRTRisk.pickNode($, v, asset, c.index, value);
        LRTStorage.setExposure($, n, exposure);
        book.idle -= uint128(amount);
        stake($, n, asset, c.index, amount);
    }

    /// @dev Sends `amount` to node `n` and deposits it into the vault.
    function stake(LRTStorage.Layout storage $, uint8 n, address asset, uint8 assetIndex, uint256 amount) internal {
        IERC20(asset).safeTransfer($.nodes[n].node, amount);
        stakeOnNode($, n, asset, assetIndex, amount);
    }

    /// @dev Deposits `amount` that node `n` holds (sent by `stake`, or pulled to it by a deposit's entry point) into
    /// the vault.
    function stakeOnNode(LRTStorage.Layout storage $, uint8 n, address asset, uint8 assetIndex, uint256 amount) public {
        ILRTManagerTypes.NodeInfo storage info = $.nodes[n];
        uint256 vaultShares = ILRTNode(info.node).deposit(asset, amount);
        $.positions[n][assetIndex].active += uint128(vaultShares);
        info.assetMask |= uint16(1 << assetIndex);
        emit ILRTManagerEvents.Staked(n, asset, amount, vaultShares);
    }
}
