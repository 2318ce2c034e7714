// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRewardsHook} from "./IRewardsHook.sol";

/// @title IRewardDistributorTypes
interface IRewardDistributorTypes {
    /// @notice A reward stream of one pool: `rate` is tokens per second scaled by 1e18, until `periodFinish`.
    struct Stream {
        uint40 periodFinish;
        uint216 rate;
    }

    /// @notice One funding of `fundRewardsBatch`.
    struct FundParams {
        address operator;
        address asset;
        address token;
        uint256 amount;
        uint256 duration;
    }

    /// @notice A pool's stream of one token, as a view returns it.
    struct StreamView {
        address token;
        uint256 rate;
        uint256 periodFinish;
        uint256 rewardPerShare;
        uint256 lastUpdate;
    }
}

/// @title IRewardDistributorErrors
interface IRewardDistributorErrors {
    /// @notice The zero address was given where one is required.
    error ZeroAddress();
    /// @notice A zero amount was given.
    error ZeroAmount();
    /// @notice A reward token needs a non-zero minimum funding: without one, a 1-wei funding can lock a token's
    /// schedule in a pool (docs/rewards.md).
    error ZeroMinFunding(address token);
    /// @notice The token is not an allowed reward token (or new funding of it is disabled).
    error RewardTokenNotAllowed(address token);
    /// @notice The token is allowed already.
    error RewardTokenAlreadyAdded(address token);
    /// @notice The reward-token list is full.
    error TooManyRewardTokens(uint256 max);
    /// @notice The pool already streams MAX_STREAMS_PER_POOL tokens.
    error TooManyStreams(uint256 max);
    /// @notice The duration is outside [MIN_DURATION, MAX_DURATION].
    error InvalidDuration(uint256 duration, uint256 min, uint256 max);
    /// @notice The operator is not registered (the undelegated pool earns no rewards).
    error NotOperator(address operator);
    /// @notice The asset is not a vault asset.
    error UnknownAsset(address asset);
    /// @notice A funding would end a running stream sooner or slow it down (someone else's rewards would move).
    error StreamRescheduled(uint256 oldRate, uint256 newRate, uint256 oldPeriodFinish, uint256 newPeriodFinish);
    /// @notice The funding is below the token's minimum.
    error FundingTooSmall(address token, uint256 amount, uint256 minFunding);
    /// @notice The contract received a different amount than the one transferred.
    error TransferAmountMismatch(address token, uint256 expected, uint256 received);
    /// @notice Only the vault calls the accrual hook.
    error OnlyVault(address caller);
    /// @notice The caller is not the claimer the staker appointed.
    error NotClaimer(address caller, address staker);
    /// @notice An asset is listed twice where each may appear once.
    error DuplicateAsset(address asset);
    /// @notice Two lists that go in pairs differ in length.
    error LengthMismatch(uint256 a, uint256 b);
}

/// @title IRewardDistributorEvents
interface IRewardDistributorEvents {
    /// @notice `token` became reward token `tokenId`.
    event RewardTokenAdded(address indexed token, uint8 tokenId);
    /// @notice New funding of `token` was enabled or disabled.
    event RewardTokenEnabledSet(address indexed token, bool enabled);
    /// @notice Fundings of `token` must be at least `amount`.
    event MinFundingSet(address indexed token, uint256 amount);
    /// @notice `funder` funded pool `(operator, asset)` with `amount` of `token`: `commission` went to the operator and
    /// the rest (plus any unstreamed remainder) streams at `rate` (1e18-scaled per second) until `periodFinish`.
    event RewardsFunded(
        address indexed funder,
        address indexed operator,
        address indexed asset,
        address token,
        uint256 amount,
        uint256 commission,
        uint256 rate,
        uint256 periodFinish
    );
    /// @notice `staker` appointed `claimer` to claim for it.
    event ClaimerSet(address indexed staker, address indexed claimer);
    /// @notice `staker` (through `caller`) claimed `amount` of `token` to `recipient`.
    event RewardsClaimed(
        address indexed staker,
        address indexed token,
        address indexed recipient,
        address caller,
        uint256 amount
    );
    /// @notice `operator` claimed `amount` of `token` commission to `recipient`.
    event CommissionClaimed(address indexed operator, address indexed token, address indexed recipient, uint256 amount);
}

/// @title IRewardDistributor
/// @notice Rewards funded per pool `(operator, asset)`: the operator's commission is set aside at funding, the rest
/// streams over a duration to the pool's active shares through a reward-per-share accumulator. The vault calls the
/// accrual hook before every change of a staker's active shares, so accrual is exact and O(streams in the pool).
interface IRewardDistributor is
    IRewardsHook,
    IRewardDistributorTypes,
    IRewardDistributorErrors,
    IRewardDistributorEvents
{
    /// @notice Allows `token` as a reward token with its minimum funding. Role: REWARDS_ADMIN_ROLE.
    /// @param token A plain ERC-20 (exact transfers).
    /// @param minFunding The smallest funding accepted (non-zero).
    function addRewardToken(address token, uint256 minFunding) external;

    /// @notice Enables or disables new funding of `token`; claims are unaffected. Role: REWARDS_ADMIN_ROLE.
    /// @param token An allowed token.
    /// @param enabled Whether new funding is accepted.
    function setRewardTokenEnabled(address token, bool enabled) external;

    /// @notice Sets the smallest funding of `token` (so that stream slots cannot be squatted with dust). Role:
    /// REWARDS_ADMIN_ROLE.
    /// @param token An allowed token.
    /// @param amount The minimum amount per funding (non-zero).
    function setMinFunding(address token, uint256 amount) external;

    /// @notice Funds pool `(operator, asset)` with `amount` of `token`, streamed over `duration`. A running stream of
    /// the same token is rolled: its unstreamed remainder streams with the new amount over the new duration. While that
    /// remainder is worth at least the token's minimum funding, the rolled stream may neither end sooner nor stream
    /// slower than the running one (StreamRescheduled); a smaller remainder is dust that any schedule may absorb.
    /// @param operator A registered operator.
    /// @param asset A vault asset.
    /// @param token An allowed reward token.
    /// @param amount The amount to pull from the caller.
    /// @param duration The streaming duration in seconds.
    function fundRewards(address operator, address asset, address token, uint256 amount, uint256 duration) external;

    /// @notice Several `fundRewards` in one call.
    /// @param params The fundings.
    function fundRewardsBatch(FundParams[] calldata params) external;

    /// @notice Appoints `claimer` to claim the caller's rewards (address(0) = none).
    /// @param claimer The claimer.
    function setClaimer(address claimer) external;

    /// @notice Claims the caller's rewards in `tokens` (accrued in pools it left, and pending in its current pools).
    /// @param tokens The reward tokens.
    /// @param recipient Where the tokens go.
    /// @return amounts The amounts paid, per token.
    function claim(address[] calldata tokens, address recipient) external returns (uint256[] memory amounts);

    /// @notice Claims `staker`'s rewards, by the claimer it appointed.
    /// @param staker The staker.
    /// @param tokens The reward tokens.
    /// @param recipient Where the tokens go.
    /// @return amounts The amounts paid, per token.
    function claimFor(
        address staker,
        address[] calldata tokens,
        address recipient
    ) external returns (uint256[] memory amounts);

    /// @notice Claims the calling operator's commission in `tokens`.
    /// @param tokens The reward tokens.
    /// @param recipient Where the tokens go.
    /// @return amounts The amounts paid, per token.
    function claimCommission(address[] calldata tokens, address recipient) external returns (uint256[] memory amounts);

    /// @notice Rewards `staker` could claim in `token` now.
    /// @param staker The staker.
    /// @param token The token.
    /// @return The amount.
    function pendingRewards(address staker, address token) external view returns (uint256);

    /// @notice Rewards `staker` could claim in `token` now, reading only its pools in `assets_`: its accrued balance
    /// (from pools it left) plus its pending rewards in pool `(its operator, asset)` for each asset listed. It equals
    /// `pendingRewards(staker, token)` whenever `assets_` lists every asset the staker holds active shares of; it
    /// reads each listed pool once instead of rebuilding all the staker's positions (cheaper for a staker that knows
    /// its assets, such as a liquid restaking token's node).
    /// @param staker The staker.
    /// @param token The token (an allowed reward token; RewardTokenNotAllowed otherwise).
    /// @param assets_ Distinct vault assets (DuplicateAsset otherwise); an asset the staker holds no active shares of
    /// adds nothing.
    /// @return amount The amount.
    function pendingRewardsIn(
        address staker,
        address token,
        address[] calldata assets_
    ) external view returns (uint256 amount);

    /// @notice `pendingRewardsIn` for several stakers in one call: `amounts[k]` is
    /// `pendingRewardsIn(stakers[k], token, the assets of masks[k])`, bit j of a mask selecting `assets_[j]`. For a
    /// holder of many stakers that knows their assets (a liquid restaking token valuing its nodes).
    /// @param stakers The stakers.
    /// @param token The token (an allowed reward token; RewardTokenNotAllowed otherwise).
    /// @param assets_ Vault assets, distinct apart from address(0) entries (DuplicateAsset otherwise); an entry a
    /// staker holds no active shares of, or address(0), adds nothing.
    /// @param masks Per staker, the bitmap of the entries of `assets_` to read (bits beyond `assets_` revert
    /// UnknownAsset(address(0))); as many as `stakers` (LengthMismatch otherwise).
    /// @return amounts The amounts, per staker.
    function pendingRewardsOf(
        address[] calldata stakers,
        address token,
        address[] calldata assets_,
        uint256[] calldata masks
    ) external view returns (uint256[] memory amounts);

    /// @notice Commission `operator` could claim in `token` now.
    /// @param operator The operator.
    /// @param token The token.
    /// @return The amount.
    function pendingCommission(address operator, address token) external view returns (uint256);

    /// @notice The streams of pool `(operator, asset)` with their accumulators brought up to now.
    /// @param operator The operator.
    /// @param asset The asset.
    /// @return The streams.
    function poolStreams(address operator, address asset) external view returns (StreamView[] memory);

    /// @notice The allowed reward tokens, by id.
    /// @return The tokens.
    function rewardTokens() external view returns (address[] memory);

    /// @notice The claimer `staker` appointed.
    /// @param staker The staker.
    /// @return The claimer.
    function claimerOf(address staker) external view returns (address);

    /// @notice The vault.
    /// @return The vault address.
    function vault() external view returns (address);
}
