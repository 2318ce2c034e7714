// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IRewardsHook} from "../interfaces/IRewardsHook.sol";
import {ConstantsLib, STREAM_SLOTS} from "../libraries/ConstantsLib.sol";
import {RewardDebtLib} from "../libraries/RewardDebtLib.sol";
import {RewardMathLib} from "../libraries/RewardMathLib.sol";
import {ProtocolUpgradeable} from "./ProtocolUpgradeable.sol";

/// @title RewardDistributor
/// @notice See {IRewardDistributor}. Each pool has at most MAX_STREAMS_PER_POOL stream slots, one per reward token.
/// A pool keeps one time-per-share accumulator for all its streams; a stream's reward per share is derived from it
/// (RewardMathLib). A staker's position in a slot is one signed 256-bit `debt`: its pending rewards there are
/// `shares * rewardPerShare - debt`. (A 128-bit debt would overflow once a pool's reward per share grew while its
/// stake was dust.) See docs/rewards.md.
contract RewardDistributor is ProtocolUpgradeable, IRewardDistributor {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    bytes32 public constant REWARDS_ADMIN_ROLE = keccak256("REWARDS_ADMIN_ROLE");

    uint256 public constant MAX_STREAMS_PER_POOL = ConstantsLib.MAX_STREAMS_PER_POOL;
    uint256 public constant MAX_REWARD_TOKENS = 255;
    uint256 public constant MIN_DURATION = 1 hours;
    uint256 public constant MAX_DURATION = 365 days;
    uint256 internal constant BPS = 10_000;

    uint8 public constant GROUP_FUNDING = 0;
    uint8 public constant GROUP_CLAIMS = 1;

    struct PoolRewards {
        uint8 streamCount;
        uint64 tokenIds;
        uint216 timePerShare;
        uint40 lastUpdate;
        Stream[STREAM_SLOTS] streams;
        int256[STREAM_SLOTS] offsets;
    }

    /// @dev A pool's stored time per share, its last update, the active shares it has had since, and its time per
    /// share now (`timePerShare` if it had none or it was updated in this block).
    struct Clock {
        uint256 timePerShare;
        uint256 lastUpdate;
        uint256 activeShares;
        uint256 timePerShareNow;
    }

    /// @custom:storage-location erc7201:restaking.storage.RewardDistributor
    struct DistributorStorage {
        uint8 pausedGroups;
        address[] tokens;
        mapping(address token => uint8) tokenIdPlusOne;
        mapping(address token => bool) fundingDisabled;
        mapping(address token => uint256) minFunding;
        mapping(address operator => mapping(address asset => PoolRewards)) pools;
        mapping(address staker => mapping(address operator => mapping(address asset => RewardDebtLib.Debts))) debts;
        mapping(address staker => mapping(uint8 tokenId => uint256)) accrued;
        mapping(address staker => uint256) accruedMask;
        mapping(address operator => mapping(uint8 tokenId => uint256)) commissions;
        mapping(address staker => address) claimers;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.RewardDistributor")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DISTRIBUTOR_STORAGE_LOCATION =
        0xa453a1c92dd3a38b2f52fb284182f59d1a1f8da036b0ad897e6bff7ee1897f00;

    /// @dev The vault calls the accrual hook on every active-share change: an immutable saves a storage read there.
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IRestakingVault internal immutable _vault;
    /// @custom:oz-upgrades-unsafe-allow state-variable-immutable
    IOperatorRegistry internal immutable _registry;

    /// @param vault_ The vault (its proxy), fixed for this implementation.
    /// @param registry_ The operator registry (its proxy), fixed for this implementation.
    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor(address vault_, address registry_) {
        if (vault_ == address(0) || registry_ == address(0)) revert ZeroAddress();
        _vault = IRestakingVault(vault_);
        _registry = IOperatorRegistry(registry_);
    }

    /// @notice Initializes the proxy.
    /// @param admin The admin (a timelock in deployments); also gets REWARDS_ADMIN_ROLE.
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        _grantRole(REWARDS_ADMIN_ROLE, admin);
    }

    /* ADMIN */

    /// @inheritdoc IRewardDistributor
    function addRewardToken(address token, uint256 minFunding) external onlyRole(REWARDS_ADMIN_ROLE) {
        if (token == address(0)) revert ZeroAddress();
        if (minFunding == 0) revert ZeroMinFunding(token);
        DistributorStorage storage $ = _getDistributorStorage();
        if ($.tokenIdPlusOne[token] != 0) revert RewardTokenAlreadyAdded(token);
        uint256 id = $.tokens.length;
        if (id == MAX_REWARD_TOKENS) revert TooManyRewardTokens(MAX_REWARD_TOKENS);
        $.tokens.push(token);
        $.tokenIdPlusOne[token] = uint8(id + 1);
        $.minFunding[token] = minFunding;
        emit RewardTokenAdded(token, uint8(id));
        emit MinFundingSet(token, minFunding);
    }

    /// @inheritdoc IRewardDistributor
    function setRewardTokenEnabled(address token, bool enabled) external onlyRole(REWARDS_ADMIN_ROLE) {
        DistributorStorage storage $ = _getDistributorStorage();
        if ($.tokenIdPlusOne[token] == 0) revert RewardTokenNotAllowed(token);
        $.fundingDisabled[token] = !enabled;
        emit RewardTokenEnabledSet(token, enabled);
    }

    /// @inheritdoc IRewardDistributor
    function setMinFunding(address token, uint256 amount) external onlyRole(REWARDS_ADMIN_ROLE) {
        DistributorStorage storage $ = _getDistributorStorage();
        if ($.tokenIdPlusOne[token] == 0) revert RewardTokenNotAllowed(token);
        if (amount == 0) revert ZeroMinFunding(token);
        $.minFunding[token] = amount;
        emit MinFundingSet(token, amount);
    }

    /* FUNDING */

    /// @inheritdoc IRewardDistributor
    function fundRewards(
        address operator,
        address asset,
        address token,
        uint256 amount,
        uint256 duration
    ) external nonReentrant whenNotPaused(GROUP_FUNDING) {
        _fund(_getDistributorStorage(), FundParams(operator, asset, token, amount, duration));
    }

    /// @inheritdoc IRewardDistributor
    function fundRewardsBatch(FundParams[] calldata params) external nonReentrant whenNotPaused(GROUP_FUNDING) {
        DistributorStorage storage $ = _getDistributorStorage();
        for (uint256 i; i < params.length; ++i) {
            _fund($, params[i]);
        }
    }

    /* HOOK */

    /// @inheritdoc IRewardsHook
    function onActiveSharesChange(
        address staker,
        address operator,
        address asset,
        uint256 stakerSharesBefore,
        uint256 stakerSharesAfter,
        uint256 poolActiveSharesBefore
    ) external {
        DistributorStorage storage $ = _getDistributorStorage();
        if (msg.sender != address(_vault)) revert OnlyVault(msg.sender);
        PoolRewards storage pool = $.pools[operator][asset];
        uint256 count = pool.streamCount;
        if (count == 0) return;
        (uint256[STREAM_SLOTS] memory rps, uint256 tokenIds) = _updatePool(pool, count, poolActiveSharesBefore);
        uint256 accruedBits = _settleStaker(
            $.debts[staker][operator][asset],
            $.accrued[staker],
            rps,
            tokenIds,
            count,
            stakerSharesBefore,
            stakerSharesAfter
        );
        if (accruedBits != 0) $.accruedMask[staker] |= accruedBits;
    }

    /* CLAIMS */

    /// @inheritdoc IRewardDistributor
    function setClaimer(address claimer) external {
        _getDistributorStorage().claimers[msg.sender] = claimer;
        emit ClaimerSet(msg.sender, claimer);
    }

    /// @inheritdoc IRewardDistributor
    function claim(
        address[] calldata tokens,
        address recipient
    ) external nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256[] memory) {
        return _claim(_getDistributorStorage(), msg.sender, tokens, recipient);
    }

    /// @inheritdoc IRewardDistributor
    function claimFor(
        address staker,
        address[] calldata tokens,
        address recipient
    ) external nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256[] memory) {
        DistributorStorage storage $ = _getDistributorStorage();
        if (msg.sender != $.claimers[staker] || msg.sender == address(0)) revert NotClaimer(msg.sender, staker);
        return _claim($, staker, tokens, recipient);
    }

    /// @inheritdoc IRewardDistributor
    function claimCommission(
        address[] calldata tokens,
        address recipient
    ) external nonReentrant whenNotPaused(GROUP_CLAIMS) returns (uint256[] memory amounts) {
        if (recipient == address(0)) revert ZeroAddress();
        DistributorStorage storage $ = _getDistributorStorage();
        amounts = new uint256[](tokens.length);
        for (uint256 i; i < tokens.length; ++i) {
            uint8 id = _tokenId($, tokens[i]);
            uint256 amount = $.commissions[msg.sender][id];
            $.commissions[msg.sender][id] = 0;
            amounts[i] = amount;
            emit CommissionClaimed(msg.sender, tokens[i], recipient, amount);
            if (amount != 0) IERC20(tokens[i]).safeTransfer(recipient, amount);
        }
    }

    /* VIEWS */

    /// @inheritdoc IRewardDistributor
    function pendingRewards(address staker, address token) external view returns (uint256 amount) {
        DistributorStorage storage $ = _getDistributorStorage();
        uint8 id = _tokenId($, token);
        amount = $.accrued[staker][id];
        (address operator, address[] memory assets_, uint256[] memory shares, uint256[] memory active) = _vault
            .activePositions(staker);
        if (operator == address(0)) return amount;
        for (uint256 i; i < assets_.length; ++i) {
            amount += _previewPending(
                $.pools[operator][assets_[i]],
                $.debts[staker][operator][assets_[i]],
                id,
                shares[i],
                active[i]
            );
        }
    }

    /// @inheritdoc IRewardDistributor
    function pendingRewardsIn(
        address staker,
        address token,
        address[] calldata assets_
    ) external view returns (uint256 amount) {
        DistributorStorage storage $ = _getDistributorStorage();
        uint8 id = _tokenId($, token);
        amount = $.accrued[staker][id];
        for (uint256 i; i < assets_.length; ++i) {
            address asset = assets_[i];
            for (uint256 j; j < i; ++j) if (assets_[j] == asset) revert DuplicateAsset(asset);
            amount += _pendingInPool($, staker, asset, id);
        }
    }

    /// @inheritdoc IRewardDistributor
    function pendingRewardsOf(
        address[] calldata stakers,
        address token,
        address[] calldata assets_,
        uint256[] calldata masks
    ) external view returns (uint256[] memory amounts) {
        uint256 count = stakers.length;
        if (masks.length != count) revert LengthMismatch(count, masks.length);
        uint256 assetCount = assets_.length;
        for (uint256 i; i < assetCount; ++i) {
            address asset = assets_[i];
            if (asset == address(0)) continue;
            for (uint256 j; j < i; ++j) if (assets_[j] == asset) revert DuplicateAsset(asset);
        }
        DistributorStorage storage $ = _getDistributorStorage();
        uint8 id = _tokenId($, token);
        amounts = new uint256[](count);
        for (uint256 k; k < count; ++k) {
            uint256 mask = masks[k];
            if (assetCount < 256 && mask >> assetCount != 0) revert UnknownAsset(address(0));
            amounts[k] = _pendingInMasked($, stakers[k], id, assets_, mask);
        }
    }

    /// @dev `staker`'s accrued balance of token `id` plus its pending rewards in the pools of the assets of `mask`.
    function _pendingInMasked(
        DistributorStorage storage $,
        address staker,
        uint8 id,
        address[] calldata assets_,
        uint256 mask
    ) internal view returns (uint256 amount) {
        amount = $.accrued[staker][id];
        for (uint256 j; mask != 0; ++j) {
            if (mask & 1 != 0) amount += _pendingInPool($, staker, assets_[j], id);
            mask >>= 1;
        }
    }

    /// @dev `staker`'s pending rewards of token `id` in pool `(its operator, asset)` (0 without active shares there).
    function _pendingInPool(
        DistributorStorage storage $,
        address staker,
        address asset,
        uint8 id
    ) internal view returns (uint256) {
        if (asset == address(0)) return 0;
        (address operator, uint256 shares, uint256 active) = _vault.activeShares(staker, asset);
        // No active shares (or undelegated): the staker earns nothing in that pool (its debt there is settled).
        if (shares == 0 || operator == address(0)) return 0;
        return _previewPending($.pools[operator][asset], $.debts[staker][operator][asset], id, shares, active);
    }

    function _previewPending(
        PoolRewards storage pool,
        RewardDebtLib.Debts storage debts,
        uint8 id,
        uint256 shares,
        uint256 active
    ) internal view returns (uint256) {
        uint256 slot = _slotOf(pool.tokenIds, pool.streamCount, id);
        if (slot == 0) return 0;
        --slot;
        int256 debt = RewardDebtLib.get(debts, RewardDebtLib.wordOf(debts, slot), slot);
        return RewardMathLib.pendingDown(shares, _previewRewardPerShare(pool, slot, active), debt);
    }

    /// @inheritdoc IRewardDistributor
    function pendingCommission(address operator, address token) external view returns (uint256) {
        DistributorStorage storage $ = _getDistributorStorage();
        return $.commissions[operator][_tokenId($, token)];
    }

    /// @inheritdoc IRewardDistributor
    function poolStreams(address operator, address asset) external view returns (StreamView[] memory views) {
        DistributorStorage storage $ = _getDistributorStorage();
        PoolRewards storage pool = $.pools[operator][asset];
        IRestakingVault.Pool memory p = _vault.pool(operator, asset);
        uint256 active = p.totalShares - p.queuedShares;
        uint256 count = pool.streamCount;
        uint256 tokenIds = pool.tokenIds;
        views = new StreamView[](count);
        for (uint256 i; i < count; ++i) {
            Stream memory st = pool.streams[i];
            uint256 periodFinish = st.periodFinish;
            if (active == 0 && st.rate != 0 && periodFinish > pool.lastUpdate) {
                periodFinish += block.timestamp - pool.lastUpdate;
            }
            views[i] = StreamView({
                token: $.tokens[uint8(tokenIds >> (8 * i))],
                rate: st.rate,
                periodFinish: periodFinish,
                rewardPerShare: _previewRewardPerShare(pool, i, active),
                lastUpdate: block.timestamp
            });
        }
    }

    /// @inheritdoc IRewardDistributor
    function rewardTokens() external view returns (address[] memory) {
        return _getDistributorStorage().tokens;
    }

    /// @inheritdoc IRewardDistributor
    function claimerOf(address staker) external view returns (address) {
        return _getDistributorStorage().claimers[staker];
    }

    /// @inheritdoc IRewardDistributor
    function vault() external view returns (address) {
        return address(_vault);
    }

    /* INTERNAL */

    function _fund(DistributorStorage storage $, FundParams memory p) internal {
        if (p.amount == 0) revert ZeroAmount();
        if (p.duration < MIN_DURATION || p.duration > MAX_DURATION) {
            revert InvalidDuration(p.duration, MIN_DURATION, MAX_DURATION);
        }
        uint8 id = _tokenId($, p.token);
        if ($.fundingDisabled[p.token]) revert RewardTokenNotAllowed(p.token);
        uint256 minFunding = $.minFunding[p.token];
        if (p.amount < minFunding) revert FundingTooSmall(p.token, p.amount, minFunding);
        if (!_registry.isOperator(p.operator)) revert NotOperator(p.operator);
        IRestakingVault.Pool memory vaultPool = _vault.pool(p.operator, p.asset);
        if (!_vault.isAsset(p.asset)) revert UnknownAsset(p.asset);

        uint256 commission = (p.amount * _registry.commissionBps(p.operator)) / BPS;
        if (commission != 0) $.commissions[p.operator][id] += commission;
        (uint256 rate, uint256 periodFinish) = _schedule(
            $.pools[p.operator][p.asset],
            id,
            p.amount - commission,
            p.duration,
            vaultPool.totalShares - vaultPool.queuedShares,
            minFunding
        );
        emit RewardsFunded(msg.sender, p.operator, p.asset, p.token, p.amount, commission, rate, periodFinish);

        IERC20 token = IERC20(p.token);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), p.amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != p.amount) revert TransferAmountMismatch(p.token, p.amount, received);
    }

    /// @dev Brings the pool up to now, then streams `net` of token `id` over `duration` in its slot (a new one if the
    /// token has none), keeping the slot's reward per share continuous.
    function _schedule(
        PoolRewards storage pool,
        uint8 id,
        uint256 net,
        uint256 duration,
        uint256 activeShares,
        uint256 minFunding
    ) internal returns (uint256 rate, uint256 periodFinish) {
        uint256 count = pool.streamCount;
        (uint256[STREAM_SLOTS] memory rps, ) = _updatePool(pool, count, activeShares);
        uint256 slot = _slotOf(pool.tokenIds, count, id);
        Stream memory old;
        if (slot == 0) {
            if (count == MAX_STREAMS_PER_POOL) revert TooManyStreams(MAX_STREAMS_PER_POOL);
            slot = count;
            pool.streamCount = uint8(count + 1);
            pool.tokenIds |= uint64(id) << uint64(8 * slot);
        } else {
            // `--slot` compiles to other code: this is the reviewed one.
            // solhint-disable-next-line gas-increment-by-one
            slot -= 1;
            old = pool.streams[slot];
        }
        periodFinish = block.timestamp + duration;
        rate = _rolledRate(old, net, duration, periodFinish, minFunding);
        pool.streams[slot] = Stream({periodFinish: uint40(periodFinish), rate: rate.toUint216()});
        pool.offsets[slot] = RewardMathLib.offsetFor(rate, pool.timePerShare, rps[slot]);
    }

    function _claim(
        DistributorStorage storage $,
        address staker,
        address[] calldata tokens,
        address recipient
    ) internal returns (uint256[] memory amounts) {
        if (recipient == address(0)) revert ZeroAddress();
        uint8[] memory ids;
        (amounts, ids) = _takeAccrued($, staker, tokens);
        _settleCurrentPools($, staker, ids, amounts);
        for (uint256 t; t < tokens.length; ++t) {
            emit RewardsClaimed(staker, tokens[t], recipient, msg.sender, amounts[t]);
            if (amounts[t] != 0) IERC20(tokens[t]).safeTransfer(recipient, amounts[t]);
        }
    }

    /// @dev Takes the staker's accrued balances (from pools it left) in `tokens`.
    function _takeAccrued(
        DistributorStorage storage $,
        address staker,
        address[] calldata tokens
    ) internal returns (uint256[] memory amounts, uint8[] memory ids) {
        uint256 n = tokens.length;
        amounts = new uint256[](n);
        ids = new uint8[](n);
        uint256 accruedMask = $.accruedMask[staker];
        uint256 cleared;
        for (uint256 t; t < n; ++t) {
            uint8 id = _tokenId($, tokens[t]);
            ids[t] = id;
            if (accruedMask & (1 << id) != 0) {
                amounts[t] = $.accrued[staker][id];
                $.accrued[staker][id] = 0;
                cleared |= 1 << id;
            }
        }
        if (cleared != 0) $.accruedMask[staker] = accruedMask & ~cleared;
    }

    /// @dev Adds the staker's pending rewards in `ids` from every pool it is in now to `amounts`.
    function _settleCurrentPools(
        DistributorStorage storage $,
        address staker,
        uint8[] memory ids,
        uint256[] memory amounts
    ) internal {
        (address operator, address[] memory assets_, uint256[] memory shares, uint256[] memory active) = _vault
            .activePositions(staker);
        if (operator == address(0)) return;
        for (uint256 i; i < assets_.length; ++i) {
            address asset = assets_[i];
            _settlePool($.pools[operator][asset], $.debts[staker][operator][asset], shares[i], active[i], ids, amounts);
        }
    }

    /// @dev The rate of a funding of `net` over `duration`, with the unstreamed remainder of a running stream rolled in.
    /// While that remainder is worth at least the token's minimum funding, a roll may neither end the stream sooner nor
    /// slow it down: otherwise anyone could pull someone else's rewards forward (a sandwich) or stretch them out with a
    /// 1-wei funding. Below the minimum the remainder is dust and any schedule may absorb it, so that a long dust stream
    /// cannot lock the token's schedule in that pool.
    function _rolledRate(
        Stream memory old,
        uint256 net,
        uint256 duration,
        uint256 periodFinish,
        uint256 minFunding
    ) internal view returns (uint256 rate) {
        uint256 remaining;
        if (old.rate != 0 && old.periodFinish > block.timestamp) {
            remaining = uint256(old.rate) * (old.periodFinish - block.timestamp);
        }
        rate = (remaining + net * RewardMathLib.RATE_SCALE) / duration;
        bool protectedStream = remaining != 0 && remaining >= minFunding * RewardMathLib.RATE_SCALE;
        if (protectedStream && (periodFinish < old.periodFinish || rate < old.rate)) {
            revert StreamRescheduled(old.rate, rate, old.periodFinish, periodFinish);
        }
    }

    /// @dev Moves the staker's pending rewards of every stream into its debts for its new shares, or into its accrued
    /// balances when it leaves the pool.
    function _settleStaker(
        RewardDebtLib.Debts storage debts,
        mapping(uint8 tokenId => uint256) storage accrued,
        uint256[STREAM_SLOTS] memory rps,
        uint256 tokenIds,
        uint256 count,
        uint256 sharesBefore,
        uint256 sharesAfter
    ) internal returns (uint256 accruedBits) {
        uint256 word;
        for (uint256 i; i < count; ++i) {
            if (i & 1 == 0) word = RewardDebtLib.wordOf(debts, i);
            uint256 pending = RewardMathLib.pendingDown(sharesBefore, rps[i], RewardDebtLib.get(debts, word, i));
            int256 debt;
            if (sharesAfter == 0) {
                if (pending != 0) {
                    uint8 id = uint8(tokenIds >> (i << 3));
                    accrued[id] += pending;
                    accruedBits |= 1 << id;
                }
            } else {
                debt = RewardMathLib.debtUp(sharesAfter, rps[i], pending);
            }
            word = RewardDebtLib.set(debts, word, i, debt);
            if (i & 1 == 1 || i + 1 == count) RewardDebtLib.setWord(debts, i, word);
        }
    }

    /// @dev Adds the staker's pending rewards in `ids` from pool `(operator, asset)` to `amounts` and resets them.
    /// The pool itself is not written: a claim changes no shares, so the accumulator read at now (as `pendingRewards`
    /// reads it) is the value an update would store, and the next update, from the stored point with the same active
    /// shares, reaches at least that value (docs/rewards.md, "Claims read the accumulator").
    function _settlePool(
        PoolRewards storage pool,
        RewardDebtLib.Debts storage debts,
        uint256 shares,
        uint256 active,
        uint8[] memory ids,
        uint256[] memory amounts
    ) internal {
        uint256 count = pool.streamCount;
        if (count == 0) return;
        uint256 tokenIds = pool.tokenIds;
        Clock memory clock = _clockOf(pool, active);
        for (uint256 t; t < ids.length; ++t) {
            uint256 slot = _slotOf(tokenIds, count, ids[t]);
            if (slot != 0) amounts[t] += _claimSlot(pool, debts, slot - 1, shares, clock);
        }
    }

    /// @dev Pays out the staker's pending rewards in `slot` (returns them) and sets its debt to its full share value.
    function _claimSlot(
        PoolRewards storage pool,
        RewardDebtLib.Debts storage debts,
        uint256 slot,
        uint256 shares,
        Clock memory clock
    ) internal returns (uint256 pending) {
        uint256 rewardPerShare = _rewardPerShareAt(pool, slot, clock);
        uint256 word = RewardDebtLib.wordOf(debts, slot);
        int256 debt;
        (pending, debt) = RewardMathLib.pendingDownDebtUp(shares, rewardPerShare, RewardDebtLib.get(debts, word, slot));
        RewardDebtLib.setWord(debts, slot, RewardDebtLib.set(debts, word, slot, debt));
    }

    /// @dev The slot (plus one) of token `id` among the pool's `count` packed token ids; 0 if it has none.
    function _slotOf(uint256 tokenIds, uint256 count, uint8 id) internal pure returns (uint256) {
        // count <= STREAM_SLOTS: the shifts and the increment cannot overflow.
        unchecked {
            for (uint256 i; i < count; ++i) {
                if ((tokenIds >> (i << 3)) & 0xff == id) return i + 1;
            }
        }
        return 0;
    }

    /// @dev Brings the pool's time per share up to now with the active shares it had since the last update, freezes
    /// the streams that ended meanwhile, and returns every stream's reward per share and the packed token ids. With no
    /// active shares, running streams pause: their end moves by the idle time.
    function _updatePool(
        PoolRewards storage pool,
        uint256 count,
        uint256 activeShares
    ) internal returns (uint256[STREAM_SLOTS] memory rps, uint256 tokenIds) {
        uint256 last = pool.lastUpdate;
        tokenIds = pool.tokenIds;
        uint256 g = pool.timePerShare;
        if (count == 0) {
            // Nothing streams: only the clock moves, so that a first stream starts accruing from now.
            pool.lastUpdate = uint40(block.timestamp);
            return (rps, tokenIds);
        }
        if (last == block.timestamp) {
            for (uint256 i; i < count; ++i) {
                Stream memory st = pool.streams[i];
                rps[i] = RewardMathLib.rewardPerShareDown(st.rate, g, pool.offsets[i]);
            }
            return (rps, tokenIds);
        }
        uint256 gNow = activeShares == 0 ? g : g + RewardMathLib.timePerShareDown(block.timestamp - last, activeShares);
        for (uint256 i; i < count; ++i) {
            Stream memory st = pool.streams[i];
            int256 offset = pool.offsets[i];
            if (st.rate == 0 || st.periodFinish > block.timestamp) {
                rps[i] = RewardMathLib.rewardPerShareDown(st.rate, gNow, offset);
                if (activeShares == 0 && st.rate != 0)
                    pool.streams[i].periodFinish = uint40(st.periodFinish + block.timestamp - last);
            } else if (activeShares == 0) {
                // Ended while the pool was idle: push the end out by the idle time it still had.
                if (st.periodFinish > last) {
                    pool.streams[i].periodFinish = uint40(st.periodFinish + block.timestamp - last);
                }
                rps[i] = RewardMathLib.rewardPerShareDown(st.rate, g, offset);
            } else {
                // Ended since the last update: freeze its reward per share at its end.
                uint256 gEnd = st.periodFinish > last
                    ? g + RewardMathLib.timePerShareDown(st.periodFinish - last, activeShares)
                    : g;
                rps[i] = RewardMathLib.rewardPerShareDown(st.rate, gEnd, offset);
                pool.streams[i].rate = 0;
                pool.offsets[i] = -int256(rps[i]);
            }
        }
        pool.timePerShare = gNow.toUint216();
        pool.lastUpdate = uint40(block.timestamp);
    }

    function _previewRewardPerShare(
        PoolRewards storage pool,
        uint256 i,
        uint256 activeShares
    ) internal view returns (uint256) {
        return _rewardPerShareAt(pool, i, _clockOf(pool, activeShares));
    }

    function _clockOf(PoolRewards storage pool, uint256 activeShares) internal view returns (Clock memory clock) {
        (uint256 g, uint256 last) = (pool.timePerShare, pool.lastUpdate);
        uint256 gNow = g;
        if (activeShares != 0 && block.timestamp > last) {
            gNow += RewardMathLib.timePerShareDown(block.timestamp - last, activeShares);
        }
        clock = Clock(g, last, activeShares, gNow);
    }

    /// @dev Stream `i`'s reward per share now, read from the pool's stored time per share at its last update with the
    /// active shares it has had since (`clock`): what `_updatePool` would compute for it, without writing anything.
    function _rewardPerShareAt(
        PoolRewards storage pool,
        uint256 i,
        Clock memory clock
    ) internal view returns (uint256) {
        Stream memory st = pool.streams[i];
        uint256 g = clock.timePerShare;
        if (st.periodFinish >= block.timestamp) {
            // Running (or a rate of 0, where g does not matter): it accrued until now.
            g = clock.timePerShareNow;
        } else if (clock.activeShares != 0 && st.periodFinish > clock.lastUpdate) {
            // Ended since the last update: it accrued until its end.
            g += RewardMathLib.timePerShareDown(st.periodFinish - clock.lastUpdate, clock.activeShares);
        }
        return RewardMathLib.rewardPerShareDown(st.rate, g, pool.offsets[i]);
    }

    function _tokenId(DistributorStorage storage $, address token) internal view returns (uint8) {
        uint8 idPlusOne = $.tokenIdPlusOne[token];
        if (idPlusOne == 0) revert RewardTokenNotAllowed(token);
        return idPlusOne - 1;
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getDistributorStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getDistributorStorage().pausedGroups = groups;
    }

    function _getDistributorStorage() private pure returns (DistributorStorage storage $) {
        assembly {
            $.slot := DISTRIBUTOR_STORAGE_LOCATION
        }
    }
}
