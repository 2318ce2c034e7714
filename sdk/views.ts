/**
 * Read-only views of the protocol for scripts, tasks, the demo and dashboards: pools, positions, withdrawals,
 * allocations, slash requests and rewards, read from the contracts and computed the same way the contracts compute
 * them. Typed figures only: nothing here prints (tasks/format.ts turns the views into console rows).
 *
 * Nothing here sends a transaction. Every function takes typechain contracts (connected to a signer or a provider).
 */
import { AbiCoder, getAddress, keccak256, toBeHex } from "ethers";

import type { RestakingVault, RewardDistributor, SlashingManager } from "../typechain-types";

/** 1e18: the unit of magnitudes (a WAD fraction of an operator's pool) and of 18-decimal token amounts. */
export const WAD = 10n ** 18n;
/** SharesMathLib.VIRTUAL_SHARES: the first deposit into an empty pool mints 1e6 shares per asset unit. */
export const VIRTUAL_SHARES = 10n ** 6n;
/** SharesMathLib.VIRTUAL_ASSETS. */
export const VIRTUAL_ASSETS = 1n;
/** The shares one whole token (1e18 units) mints in an empty pool; `PoolView.rate` is their value. */
export const RATE_UNIT_SHARES = VIRTUAL_SHARES * WAD;
/** The low bits of a withdrawal id that hold the staker's nonce. */
export const WITHDRAWAL_NONCE_BITS = 96n;

const NONCE_MASK = (1n << WITHDRAWAL_NONCE_BITS) - 1n;

/** The values of a Solidity enum whose members are `names`, in order, as ethers returns them (bigint). */
function enumValues<const N extends readonly string[]>(names: N): { readonly [K in N[number]]: bigint } {
  return Object.freeze(Object.fromEntries(names.map((name, i) => [name, BigInt(i)]))) as {
    readonly [K in N[number]]: bigint;
  };
}

/* NUMBERS */

/** Shares minted for `assets` deposited (SharesMathLib.toSharesDown). `totalAssets` is the pool's net assets. */
export function toSharesDown(assets: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return (assets * (totalShares + VIRTUAL_SHARES)) / (totalAssets + VIRTUAL_ASSETS);
}

/** Assets paid out for `shares` (SharesMathLib.toAssetsDown). `totalAssets` is the pool's net assets. */
export function toAssetsDown(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return (shares * (totalAssets + VIRTUAL_ASSETS)) / (totalShares + VIRTUAL_SHARES);
}

/* WITHDRAWAL IDS */

/** The id of `staker`'s withdrawal number `nonce`: `uint256(uint160(staker)) << 96 | nonce`. */
export function withdrawalId(staker: string, nonce: bigint): bigint {
  if (nonce < 0n || nonce > NONCE_MASK) throw new RangeError(`withdrawal nonce out of range: ${nonce}`);
  return (BigInt(getAddress(staker)) << WITHDRAWAL_NONCE_BITS) | nonce;
}

/** The staker and nonce encoded in a withdrawal id. */
export function decodeWithdrawalId(id: bigint): { staker: string; nonce: bigint } {
  if (id < 0n || id >> 256n !== 0n) throw new RangeError(`not a uint256 withdrawal id: ${id}`);
  return { staker: getAddress(toBeHex(id >> WITHDRAWAL_NONCE_BITS, 20)), nonce: id & NONCE_MASK };
}

/** The id `staker`'s next `queueWithdrawal` will get. */
export async function nextWithdrawalId(vault: RestakingVault, staker: string): Promise<bigint> {
  const info = await vault.stakerInfo(staker);
  return withdrawalId(staker, info.withdrawalNonce);
}

/** The ids of `staker`'s withdrawals that are still queued (one `withdrawal` read per nonce ever used). */
export async function queuedWithdrawalIds(vault: RestakingVault, staker: string): Promise<bigint[]> {
  const { withdrawalNonce } = await vault.stakerInfo(staker);
  const ids: bigint[] = [];
  for (let nonce = 0n; nonce < withdrawalNonce; nonce++) {
    const id = withdrawalId(staker, nonce);
    const [, w] = await vault.withdrawal(id);
    if (w.startTime !== 0n) ids.push(id);
  }
  return ids;
}

/* POOLS */

/** A pool `(operator, asset)` as the vault stores it, with the figures derived from it. */
export interface PoolView {
  operator: string;
  asset: string;
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
  /**
   * Pending slash requests with a reservation on the pool. While non-zero the pool takes no new shares (deposits,
   * delegations, completions as shares) and pays no withdrawal: those revert PoolSlashPending(operator, asset, this
   * count).
   */
  pendingRequests: bigint;
  /** The operator is fully slashed in the asset: the pool takes no new shares, ever (PoolFullySlashed). */
  fullySlashed: boolean;
  /** totalAssets - pendingSlash: what shares are priced on. */
  netAssets: bigint;
  /** totalShares - queuedShares: the shares that earn rewards. */
  activeShares: bigint;
  /** The value of the active shares (the vault's operatorStake). */
  activeStake: bigint;
  /** The value in tokens (18 decimals) of RATE_UNIT_SHARES shares: 1.0 in a fresh pool, lower after a slash. */
  rate: bigint;
}

/** Reads pool `(operator, asset)`; address(0) is the undelegated pool. */
export async function readPool(vault: RestakingVault, operator: string, asset: string): Promise<PoolView> {
  const p = await vault.pool(operator, asset);
  const netAssets = p.totalAssets - p.pendingSlash;
  const activeShares = p.totalShares - p.queuedShares;
  return {
    operator,
    asset,
    totalAssets: p.totalAssets,
    totalShares: p.totalShares,
    queuedShares: p.queuedShares,
    pendingSlash: p.pendingSlash,
    pendingRequests: p.pendingRequests,
    fullySlashed: p.fullySlashed,
    netAssets,
    activeShares,
    activeStake: toAssetsDown(activeShares, netAssets, p.totalShares),
    rate: toAssetsDown(RATE_UNIT_SHARES, netAssets, p.totalShares),
  };
}

/* POSITIONS */

/** A staker's active position in one asset. */
export interface PositionView {
  staker: string;
  asset: string;
  /** The pool's operator (address(0) = undelegated). */
  operator: string;
  shares: bigint;
  /** The shares' value now, net of pending slashes, rounded down. */
  assets: bigint;
}

/** Reads `staker`'s position in `asset`. */
export async function readPosition(
  vault: RestakingVault,
  staker: string,
  asset: string,
): Promise<PositionView> {
  const [operator, shares, assets] = await vault.position(staker, asset);
  return { staker, asset, operator, shares, assets };
}

/* WITHDRAWALS */

/** A queued withdrawal and what it would pay if completed now. */
export interface WithdrawalView {
  id: bigint;
  staker: string;
  nonce: bigint;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
  /**
   * The pool's current value of its shares, net of pending slashes (withdrawableAmount): what it would pay once the
   * pool has no pending slash request. A `minAssets` bound for completeWithdrawal is usually derived from it.
   */
  assets: bigint;
  /**
   * Its ready time: startTime + the withdrawal delay in force when it was queued, fixed then (a later change of the
   * delay does not move it).
   */
  readyAt: bigint;
  /**
   * When it can complete (withdrawableAmount): readyAt, or later if it became ready while its pool's request epoch took
   * no new requests: completing before then reverts WithdrawalGated (docs/slashing.md, "Pending requests close the
   * pool").
   */
  completableAt: bigint;
  /**
   * Pending slash requests on its pool: while non-zero, completing reverts PoolSlashPending and the withdrawal waits
   * for them to be executed, vetoed or cancelled (it then bears an execution and keeps what a veto returns).
   */
  pendingRequests: bigint;
}

/** Reads withdrawal `id`, or undefined when it was completed or never queued. */
export async function readWithdrawal(vault: RestakingVault, id: bigint): Promise<WithdrawalView | undefined> {
  const [staker, w, asset] = await vault.withdrawal(id);
  if (w.startTime === 0n) return undefined;
  const [assets, completableAt] = await vault.withdrawableAmount(id);
  const pool = await vault.pool(w.operator, asset);
  return {
    id,
    staker,
    nonce: decodeWithdrawalId(id).nonce,
    operator: w.operator,
    asset,
    shares: w.shares,
    startTime: w.startTime,
    assets,
    readyAt: w.readyAt,
    completableAt,
    pendingRequests: pool.pendingRequests,
  };
}

/**
 * The `minAssets` bound for completing `w` as tokens: what it is worth now less `slippageBps` (basis points) of it,
 * rounded up. With 0 the completion reverts AssetsBelowMinimum(assets, minAssets) if anything takes value from the
 * pool before it lands (for example a slash executed in the same block).
 */
export function minAssetsFor(w: WithdrawalView, slippageBps = 0n): bigint {
  if (slippageBps < 0n || slippageBps > 10_000n)
    throw new RangeError(`slippage out of range: ${slippageBps}`);
  const cut = (w.assets * slippageBps) / 10_000n;
  return w.assets - cut;
}

/* ALLOCATIONS */

/** An operator's allocation of one asset to one AVS, with the stake it makes slashable. */
export interface AllocationView {
  operator: string;
  avs: string;
  asset: string;
  /** Slashable magnitude now (WAD), with any matured change applied. */
  current: bigint;
  /** The magnitude after the pending change (equal to `current` when none is pending). */
  target: bigint;
  /** When the pending change takes effect (0 = none). */
  effectAt: bigint;
  /** The AVS's next slash request may touch this allocation from then: its last request's expiry plus SLASH_COOLDOWN
   * (0 = it never requested on it). */
  nextRequestAt: bigint;
  /** The AVS's last slash request on this allocation (0 = none); it blocks another while it is Pending. */
  openRequest: bigint;
  /** The operator's maximum magnitude in the asset (1e18 minus everything slashed). */
  maxMagnitude: bigint;
  /** The operator's magnitude in the asset held by pending slash requests (of any AVS). */
  reserved: bigint;
  /** Tokens of the operator's pool slashable by the AVS now. */
  allocatedStake: bigint;
  /** The most one request of the AVS can take now. */
  maxSlashable: bigint;
}

/** Reads the allocation of `operator` to `avs` in `asset` (the views revert UnknownAsset for a non-vault asset). */
export async function readAllocation(
  slashingManager: SlashingManager,
  operator: string,
  avs: string,
  asset: string,
): Promise<AllocationView> {
  const a = await slashingManager.allocation(operator, avs, asset);
  const [m, maxMagnitude] = await slashingManager.magnitudes(operator, asset);
  let nextRequestAt = 0n;
  if (a.openRequest !== 0n) {
    const [request] = await slashingManager.slashRequest(a.openRequest);
    nextRequestAt =
      request.executableAt +
      (await slashingManager.EXECUTION_WINDOW()) +
      (await slashingManager.SLASH_COOLDOWN());
  }
  const target =
    a.effectAt === 0n
      ? a.current
      : a.pendingIncrease
        ? a.current + a.pendingDelta
        : a.current - a.pendingDelta;
  return {
    operator,
    avs,
    asset,
    current: a.current,
    target,
    effectAt: a.effectAt,
    nextRequestAt,
    openRequest: a.openRequest,
    maxMagnitude,
    reserved: m.reserved,
    allocatedStake: await slashingManager.allocatedStake(operator, avs, asset),
    maxSlashable: await slashingManager.maxSlashable(operator, avs, asset),
  };
}

/* SLASH REQUESTS */

/** ISlashingManagerTypes.SlashStatus's names, in the enum's order: `SLASH_STATUS[status]` names a status read. */
export const SLASH_STATUS = ["None", "Pending", "Executed", "Vetoed", "Cancelled", "FundsReleased"] as const;
export type SlashStatusName = (typeof SLASH_STATUS)[number];
/** Each SlashStatus's value as the contract returns it (`SLASH_STATUS_VALUE.Pending` is 1n). */
export const SLASH_STATUS_VALUE = enumValues(SLASH_STATUS);

/** What a slash request takes from one asset. */
export interface SlashedAssetView {
  asset: string;
  assetIndex: bigint;
  /** Magnitude (WAD) of the operator's allocation the request takes. */
  magnitude: bigint;
  /** How much the request shrank a pending decrease of the allocation (given back by a veto or cancel). */
  deallocationCut: bigint;
  /** Tokens reserved in the pool at request time (escrowed once executed). */
  amount: bigint;
  /** The escrowed amount was paid out (releaseSlashedFunds(id, asset)). */
  released: boolean;
}

/** A slash request with the terms it was made under and what it takes per asset. */
export interface SlashRequestView {
  id: bigint;
  avs: string;
  operator: string;
  status: SlashStatusName;
  /** The SlashTerms the request carries: its veto committee and recipient stay those of the moment it was made. */
  termsId: bigint;
  /** Who may veto it (address(0) = no committee). */
  vetoCommittee: string;
  /** Where releaseSlashedFunds pays its assets (address(0) = burned). */
  recipient: string;
  /** It may execute in [executableAt, expiresAt). */
  executableAt: bigint;
  expiresAt: bigint;
  assets: SlashedAssetView[];
}

/**
 * Reads slash request `id` (slashRequest, then slashedAsset for each of its assets, and the SlashTerms it carries),
 * or undefined if there is none.
 */
export async function readSlashRequest(
  slashingManager: SlashingManager,
  id: bigint,
): Promise<SlashRequestView | undefined> {
  const [request, avs] = await slashingManager.slashRequest(id);
  if (request.status === SLASH_STATUS_VALUE.None) return undefined;
  const terms = await slashingManager.slashTerms(request.termsId);
  const window = await slashingManager.EXECUTION_WINDOW();
  const assets: SlashedAssetView[] = [];
  for (let i = 0n; i < request.assetCount; i++) {
    const [asset, s] = await slashingManager.slashedAsset(id, i);
    assets.push({
      asset,
      assetIndex: s.assetIndex,
      magnitude: s.magnitude,
      deallocationCut: s.deallocationCut,
      amount: s.amount,
      released: s.released,
    });
  }
  const status = SLASH_STATUS[Number(request.status)];
  if (status === undefined) throw new RangeError(`unknown slash status ${request.status}`);
  return {
    id,
    avs,
    operator: request.operator,
    status,
    termsId: request.termsId,
    vetoCommittee: terms.vetoCommittee,
    recipient: terms.recipient,
    executableAt: request.executableAt,
    expiresAt: request.executableAt + window,
    assets,
  };
}

/* REWARDS */

/** What `account` could claim now in each of `tokens`, as a staker (rewards) and as an operator (commission). */
export interface RewardsView {
  account: string;
  tokens: string[];
  rewards: bigint[];
  commission: bigint[];
}

/** Reads `account`'s claimable rewards and commission in `tokens`. */
export async function readRewards(
  distributor: RewardDistributor,
  account: string,
  tokens: readonly string[],
): Promise<RewardsView> {
  const rewards: bigint[] = [];
  const commission: bigint[] = [];
  for (const token of tokens) {
    rewards.push(await distributor.pendingRewards(account, token));
    commission.push(await distributor.pendingCommission(account, token));
  }
  return { account, tokens: [...tokens], rewards, commission };
}

/**
 * The stake in `asset` that `operators` allocated to `avs` now: the sum of `allocatedStake` (the AVS's operator set is
 * rebuilt from OperatorRegisteredToAVS / OperatorDeregisteredFromAVS events; list each operator once).
 */
export async function securedStake(
  slashingManager: SlashingManager,
  avs: string,
  asset: string,
  operators: readonly string[],
): Promise<bigint> {
  const stakes = await Promise.all(operators.map((op) => slashingManager.allocatedStake(op, avs, asset)));
  return stakes.reduce((sum, s) => sum + s, 0n);
}

/** The hash `pendingAVSConfig` stores for queued AVS params: `keccak256(abi.encode(params))`. */
export function avsParamsHash(params: {
  slasher: string;
  vetoCommittee: string;
  vetoWindow: bigint | number;
  maxSlashWad: bigint;
  recipient: string;
  registrar: string;
  assets: readonly string[];
}): string {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    [
      "tuple(address slasher,address vetoCommittee,uint32 vetoWindow,uint64 maxSlashWad,address recipient,address registrar,address[] assets)",
    ],
    [params],
  );
  return keccak256(encoded);
}

/* LRT REDEMPTION REQUESTS */

/** ILRTManagerTypes.RequestStatus's names, in the enum's order (a redemption request's state). */
export const LRT_REQUEST_STATUS = ["None", "Pending", "Claimable", "Claimed", "Returned"] as const;
export type LRTRequestStatusName = (typeof LRT_REQUEST_STATUS)[number];
/** Each RequestStatus's value as the contract returns it (`LRT_REQUEST_STATUS_VALUE.Claimable` is 2n). */
export const LRT_REQUEST_STATUS_VALUE = enumValues(LRT_REQUEST_STATUS);

/**
 * The pause groups of each contract: the bit of its `paused()` mask that each group is (the contracts' public
 * `GROUP_*` constants, e.g. `RestakingVault.GROUP_WITHDRAWALS()`), for `pause(group)`, `unpause(group)` and reading the
 * mask.
 */
export const PAUSE_GROUP = {
  RestakingVault: { DEPOSITS: 0n, WITHDRAWALS: 1n, DELEGATION: 2n },
  OperatorRegistry: { OPERATORS: 0n, DELEGATION: 1n },
  SlashingManager: { AVS: 0n, ALLOCATIONS: 1n, SLASHING: 2n },
  RewardDistributor: { FUNDING: 0n, CLAIMS: 1n },
  LRTManager: { DEPOSITS: 0n, REDEEM_REQUESTS: 1n, CLAIMS: 2n, INSTANT_REDEEM: 3n, OPERATIONS: 4n },
  LRTOracle: { UPDATES: 0n },
} as const;

/** Whether `group` (a bit of `PAUSE_GROUP`) is set in the mask `paused` a contract's `paused()` returned. */
export function isPaused(paused: bigint, group: bigint): boolean {
  return ((paused >> group) & 1n) === 1n;
}
