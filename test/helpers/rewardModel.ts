/**
 * A BigInt reference model of the RewardDistributor, written from the reward rules of docs/architecture.md ("Rewards")
 * and docs/rewards.md and from the interface NatSpec (not from the implementation). The tests feed it the same actions
 * as the chain, each with the timestamp of the block it was mined in, and compare every view and every payment with
 * it exactly.
 *
 * Rules modelled (per pool `(operator, asset)`, per stream slot):
 *   - listing: addRewardToken(token, minFunding) requires a minimum funding above 0 (ZeroMinFunding(token)), and so
 *     does setMinFunding(token, amount): a token is never fundable without a minimum.
 *   - funding: an amount below the token's minimum reverts FundingTooSmall(token, amount, minFunding). commission = floor(amount * bps / 10_000) with the operator's commission in force at
 *     funding, credited to the operator; the pool's streams are first brought up to now; a token already streaming
 *     whose end is in the future (after that update, so a paused stream's end has moved) rolls: remaining = rate *
 *     (periodFinish - now) (1e18-scaled); newRate = floor((remaining + net * 1e18) / duration); newFinish = now +
 *     duration. While the remainder is worth at least the token's minimum funding (remaining >= minFunding * 1e18,
 *     with minFunding >= 1), the roll may neither end the running stream sooner nor slow it down: newFinish < periodFinish or newRate < rate reverts StreamRescheduled(rate, newRate,
 *     periodFinish, newFinish). A smaller remainder is dust: any schedule (any duration in bounds) absorbs it, with the
 *     same newRate. A first funding of a token in a pool, or one after its stream ended, is unconstrained: rate =
 *     floor(net * 1e18 / duration). A pool has at most 8 slots, one per token, never freed (a 9th token reverts
 *     TooManyStreams(8)). A revert changes nothing (the model checks every rule before it changes any state, and a
 *     batch is all or nothing: previewFunds).
 *   - update (on a funding, before every change of a staker's active shares, and on a claim in every pool the
 *     claimant is in): elapsed = min(now, periodFinish) - lastUpdate; rewardPerShare += floor(rate * elapsed * 1e18 /
 *     activeShares), with activeShares the pool's total minus queued shares before the change. With no active
 *     shares the stream pauses: periodFinish moves forward by now - lastUpdate.
 *   - a staker's pending in a slot = max(0, floor(shares * rewardPerShare / 1e36) - debt). On a share change: debt =
 *     ceil(sharesAfter * rewardPerShare / 1e36) - pending, or, when sharesAfter == 0, pending moves to the staker's
 *     global accrued balance of the token and debt = 0. A claim pays accrued + pending in the staker's current pools
 *     (its operator, every asset it holds) and sets debt = ceil(shares * rewardPerShare / 1e36).
 *
 * The vault side is modelled only as far as the distributor sees it: a staker's operator, its shares per asset (the
 * shares a vault action mints are an input, taken from the vault's events), its asset mask (the vault sets an asset's
 * bit on every mint into the position and clears it when a queue empties it), the pools' active shares, and the
 * queued withdrawals (each ready at its queue time plus the withdrawal delay in force then, fixed when queued). The commission schedule of the registry (queueCommission, effective after a delay) is modelled
 * too.
 */
import { ethers } from "hardhat";

export const RATE_SCALE = 10n ** 18n;
export const RPS_SCALE = 10n ** 36n;
export const BPS = 10_000n;
export const MAX_STREAMS = 8;
const ZERO = ethers.ZeroAddress;

export function mulDivDown(a: bigint, b: bigint, c: bigint): bigint {
  return (a * b) / c;
}

export function mulDivUp(a: bigint, b: bigint, c: bigint): bigint {
  const p = a * b;
  return p === 0n ? 0n : (p - 1n) / c + 1n;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

const checksummed = new Map<string, string>();

/** The checksummed form of `address` (memoized: the model looks addresses up on every query). */
function norm(address: string): string {
  let a = checksummed.get(address);
  if (a === undefined) {
    a = ethers.getAddress(address);
    checksummed.set(address, a);
  }
  return a;
}

/** An error the distributor would revert with, predicted by the model. */
export class ModelRevert extends Error {
  constructor(
    readonly errorName: string,
    readonly args: unknown[],
  ) {
    super(`${errorName}(${args.map(String).join(", ")})`);
  }
}

export interface ModelStream {
  token: string;
  rate: bigint;
  periodFinish: bigint;
  rewardPerShare: bigint;
}

/** A stream as `poolStreams` shows it at `t`: accumulator brought up to `t`, a paused stream's end moved. */
export interface ModelStreamView extends ModelStream {
  lastUpdate: bigint;
}

/** A stream slot with what the rounding allowance of its reward per share counts (see rewardsDriver.ts). */
interface StreamState extends ModelStream {
  /** How many fundings set its rate (each re-bases the contract's offset). */
  fundings: number;
  /** How many pool updates moved its reward per share (each rounds it down once). */
  accruals: number;
  /** The largest rate it ever had. */
  maxRate: bigint;
}

/** What the rounding allowance of a stream's reward per share counts (see rewardsDriver.ts). */
export interface RoundingSteps {
  fundings: number;
  accruals: number;
  maxRate: bigint;
}

interface ModelPool {
  lastUpdate: bigint;
  streams: StreamState[];
  activeShares: bigint;
  /** How many updates moved the pool's accumulators (each may round down by less than one unit per stream). */
  updates: number;
  /** How many fundings set a stream's rate in the pool. */
  fundings: number;
}

interface ModelStaker {
  operator: string;
  shares: Map<string, bigint>;
  mask: Set<string>;
  nonce: bigint;
}

export interface ModelWithdrawal {
  id: bigint;
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
  /** startTime + the withdrawal delay in force at queue time (a later change of the delay does not move it). */
  readyAt: bigint;
}

interface CommissionSchedule {
  bps: bigint;
  pendingBps: bigint;
  effectAt: bigint;
}

export interface FundResult {
  commission: bigint;
  rate: bigint;
  periodFinish: bigint;
  /** The funding rolled a running stream of the token: its unstreamed remainder streams in the new schedule. */
  rolled: boolean;
  /** The remainder rolled in, 1e18-scaled: rate * (periodFinish - now) of the running stream (0 if none). */
  remainingScaled: bigint;
  /**
   * The rolling rule applied: the remainder was worth at least the token's minimum funding, so the new schedule had
   * to end no sooner and stream no slower.
   */
  guarded: boolean;
  /**
   * The funding ended the running stream sooner or slowed it down: only possible for a remainder below the minimum
   * (dust), which the new schedule absorbed.
   */
  rescheduled: boolean;
}

/** A running stream as a funding at `t` would find it: after the pool is brought up to `t`. */
export interface RunningStream {
  rate: bigint;
  periodFinish: bigint;
  /** What is left to stream, 1e18-scaled: rate * (periodFinish - t). */
  remainingScaled: bigint;
  /** The remainder is worth at least the token's minimum funding now. */
  guarded: boolean;
}

export interface FundParams {
  operator: string;
  asset: string;
  token: string;
  amount: bigint;
  duration: bigint;
}

export class RewardModel {
  /** Vault assets in index order (the order of the asset mask bits). */
  readonly assets: string[];
  private readonly pools = new Map<string, ModelPool>();
  private readonly stakerState = new Map<string, ModelStaker>();
  private readonly debts = new Map<string, bigint>();
  private readonly accrued = new Map<string, bigint>();
  private readonly commissions = new Map<string, bigint>();
  private readonly schedules = new Map<string, CommissionSchedule>();
  private readonly minFundings = new Map<string, bigint>();
  readonly withdrawals = new Map<bigint, ModelWithdrawal>();
  /** Ledger per token: funded, commission credited, paid to stakers, paid to operators. */
  readonly funded = new Map<string, bigint>();
  readonly commissionCredited = new Map<string, bigint>();
  readonly paidToStakers = new Map<string, bigint>();
  readonly paidToOperators = new Map<string, bigint>();

  constructor(assets: string[]) {
    this.assets = assets.map(norm);
  }

  /** An independent copy of the whole model (to try actions on without touching this one). */
  clone(): RewardModel {
    const c = new RewardModel(this.assets);
    const copy = <K, V>(to: Map<K, V>, from: Map<K, V>): void => {
      for (const [k, v] of structuredClone(from)) to.set(k, v);
    };
    copy(c.pools, this.pools);
    copy(c.stakerState, this.stakerState);
    copy(c.debts, this.debts);
    copy(c.accrued, this.accrued);
    copy(c.commissions, this.commissions);
    copy(c.schedules, this.schedules);
    copy(c.minFundings, this.minFundings);
    copy(c.withdrawals, this.withdrawals);
    copy(c.funded, this.funded);
    copy(c.commissionCredited, this.commissionCredited);
    copy(c.paidToStakers, this.paidToStakers);
    copy(c.paidToOperators, this.paidToOperators);
    return c;
  }

  /* REGISTRY */

  /** `operator` registered with `bps` and delegated to itself. */
  registerOperator(operator: string, bps: bigint): void {
    this.schedules.set(norm(operator), { bps, pendingBps: 0n, effectAt: 0n });
    this.staker(operator).operator = norm(operator);
  }

  isOperator(account: string): boolean {
    return this.schedules.has(norm(account));
  }

  /** `operator` queued `bps` at `t`; it takes effect at `t + delay`. */
  queueCommission(operator: string, bps: bigint, t: bigint, delay: bigint): bigint {
    const s = this.schedule(operator);
    if (s.effectAt !== 0n && s.effectAt <= t) s.bps = s.pendingBps;
    s.pendingBps = bps;
    s.effectAt = t + delay;
    return s.effectAt;
  }

  /** The commission of `operator` in force at `t`. */
  commissionBps(operator: string, t: bigint): bigint {
    const s = this.schedule(operator);
    return s.effectAt !== 0n && s.effectAt <= t ? s.pendingBps : s.bps;
  }

  /* VAULT */

  /** `staker` deposited into its current pool and received `minted` shares. */
  deposit(staker: string, asset: string, minted: bigint, t: bigint): void {
    this.mint(staker, asset, minted, t);
  }

  /** `staker` delegated to `operator`; its shares of each asset moved from the undelegated pool as `minted`. */
  delegate(staker: string, operator: string, minted: Map<string, bigint>, t: bigint): void {
    const s = this.staker(staker);
    if (s.operator !== ZERO) throw new Error(`model: ${staker} is delegated already`);
    s.operator = norm(operator);
    for (const asset of this.maskOrder(s)) {
      const m = minted.get(asset);
      if (m === undefined) throw new Error(`model: no minted shares given for ${asset}`);
      this.hook(staker, s.operator, asset, 0n, m, t);
      this.pool(s.operator, asset).activeShares += m;
      s.shares.set(asset, m);
    }
    for (const asset of minted.keys()) {
      if (!s.mask.has(norm(asset)))
        throw new Error(`model: ${staker} moved shares of ${asset} it did not hold`);
    }
  }

  /**
   * `staker` queued `shares` of `asset` at `t` while the withdrawal delay was `delay`; returns the withdrawal (its id
   * is `staker << 96 | nonce`, it is ready at `t + delay`).
   */
  queueWithdrawal(staker: string, asset: string, shares: bigint, t: bigint, delay: bigint): ModelWithdrawal {
    const s = this.staker(staker);
    const a = norm(asset);
    const held = s.shares.get(a) ?? 0n;
    if (shares === 0n || shares > held) throw new Error(`model: cannot queue ${shares} of ${held} shares`);
    if (s.operator !== ZERO) {
      this.hook(staker, s.operator, a, held, held - shares, t);
      this.pool(s.operator, a).activeShares -= shares;
    }
    s.shares.set(a, held - shares);
    if (held === shares) s.mask.delete(a);
    const id = (BigInt(norm(staker)) << 96n) | s.nonce;
    s.nonce += 1n;
    const w: ModelWithdrawal = {
      id,
      staker: norm(staker),
      operator: s.operator,
      asset: a,
      shares,
      startTime: t,
      readyAt: t + delay,
    };
    this.withdrawals.set(id, w);
    return w;
  }

  /** `staker` left its operator at `t` (withdrawal delay `delay`): every asset it holds is queued, in index order. */
  undelegate(staker: string, t: bigint, delay: bigint): ModelWithdrawal[] {
    const s = this.staker(staker);
    if (s.operator === ZERO) throw new Error(`model: ${staker} is not delegated`);
    const queued = this.maskOrder(s).map((asset) =>
      this.queueWithdrawal(staker, asset, s.shares.get(asset) ?? 0n, t, delay),
    );
    s.operator = ZERO;
    return queued;
  }

  /** Withdrawal `id` completed; as shares it minted `minted` into the staker's current pool. */
  completeWithdrawal(id: bigint, asTokens: boolean, minted: bigint, t: bigint): ModelWithdrawal {
    const w = this.withdrawals.get(id);
    if (w === undefined) throw new Error(`model: no withdrawal ${id}`);
    this.withdrawals.delete(id);
    // The shares leave the pool's total and its queued shares together: the active shares do not change.
    if (!asTokens) this.mint(w.staker, w.asset, minted, t);
    return w;
  }

  /* DISTRIBUTOR */

  /**
   * `addRewardToken(token, minFunding)`: throws ModelRevert ZeroMinFunding(token) for a minimum of 0 and
   * RewardTokenAlreadyAdded(token) for a token listed already (checked in the contract's order), changing nothing.
   */
  addRewardToken(token: string, minFunding: bigint): void {
    const key = norm(token);
    if (minFunding === 0n) throw new ModelRevert("ZeroMinFunding", [key]);
    if (this.minFundings.has(key)) throw new ModelRevert("RewardTokenAlreadyAdded", [key]);
    this.minFundings.set(key, minFunding);
  }

  /**
   * `setMinFunding(token, amount)`: throws ModelRevert RewardTokenNotAllowed(token) for a token never listed and
   * ZeroMinFunding(token) for 0 (in the contract's order), changing nothing.
   */
  setMinFunding(token: string, amount: bigint): void {
    const key = norm(token);
    if (!this.minFundings.has(key)) throw new ModelRevert("RewardTokenNotAllowed", [key]);
    if (amount === 0n) throw new ModelRevert("ZeroMinFunding", [key]);
    this.minFundings.set(key, amount);
  }

  /** The smallest funding of `token` (never 0); throws for a token the model was not told was listed. */
  minFunding(token: string): bigint {
    const min = this.minFundings.get(norm(token));
    if (min === undefined) throw new Error(`model: ${token} is not a listed reward token`);
    return min;
  }

  /**
   * `fundRewards` at `t`. Throws ModelRevert for FundingTooSmall, TooManyStreams and StreamRescheduled (a guarded
   * remainder only), checked in the contract's order and before any state of the model changes.
   */
  fund(p: FundParams, t: bigint): FundResult {
    const operator = norm(p.operator);
    const token = norm(p.token);
    const minFunding = this.minFunding(token);
    if (p.amount < minFunding) throw new ModelRevert("FundingTooSmall", [token, p.amount, minFunding]);
    const commission = (p.amount * this.commissionBps(operator, t)) / BPS;
    const net = p.amount - commission;
    const pool = this.pool(operator, p.asset);
    let slot = pool.streams.findIndex((s) => s.token === token);
    if (slot === -1 && pool.streams.length === MAX_STREAMS) {
      throw new ModelRevert("TooManyStreams", [BigInt(MAX_STREAMS)]);
    }
    const running = slot === -1 ? undefined : this.runningAt(pool, slot, t);
    const periodFinish = t + p.duration;
    const remaining = running === undefined ? 0n : running.remainingScaled;
    const rate = (remaining + net * RATE_SCALE) / p.duration;
    const guarded = running !== undefined && running.guarded;
    const rescheduled = running !== undefined && (periodFinish < running.periodFinish || rate < running.rate);
    if (guarded && rescheduled) {
      throw new ModelRevert("StreamRescheduled", [running.rate, rate, running.periodFinish, periodFinish]);
    }

    this.update(pool, t);
    if (slot === -1) {
      pool.streams.push({
        token,
        rate: 0n,
        periodFinish: 0n,
        rewardPerShare: 0n,
        fundings: 0,
        accruals: 0,
        maxRate: 0n,
      });
      slot = pool.streams.length - 1;
    }
    const stream = pool.streams[slot];
    stream.rate = rate;
    stream.periodFinish = periodFinish;
    stream.fundings += 1;
    if (rate > stream.maxRate) stream.maxRate = rate;
    pool.fundings += 1;
    this.add(this.commissions, `${operator}|${token}`, commission);
    this.add(this.funded, token, p.amount);
    this.add(this.commissionCredited, token, commission);
    return {
      commission,
      rate,
      periodFinish,
      rolled: running !== undefined,
      remainingScaled: remaining,
      guarded,
      rescheduled,
    };
  }

  /**
   * What `fundRewardsBatch(params)` at `t` would do, on a copy of the model: the result of every entry, or the
   * revert of the first entry that reverts (the whole batch then reverts). This model does not change.
   */
  previewFunds(params: FundParams[], t: bigint): FundResult[] | ModelRevert {
    const trial = this.clone();
    try {
      return params.map((p) => trial.fund(p, t));
    } catch (e) {
      if (e instanceof ModelRevert) return e;
      throw e;
    }
  }

  /**
   * The stream of `token` in pool `(operator, asset)` if it is running at `t`, as a funding at `t` would find it
   * (a paused stream's end moved by the idle time), with its remainder and whether the rolling rule guards it at the
   * token's current minimum funding; undefined if the pool has no such stream or it has ended.
   */
  runningStream(operator: string, asset: string, token: string, t: bigint): RunningStream | undefined {
    const pool = this.pools.get(this.poolKey(operator, asset));
    if (pool === undefined) return undefined;
    const slot = pool.streams.findIndex((s) => s.token === norm(token));
    return slot === -1 ? undefined : this.runningAt(pool, slot, t);
  }

  /** `claim(tokens)` (or `claimFor`) of `staker` at `t`: returns the amounts, per entry of `tokens`. */
  claim(staker: string, tokens: string[], t: bigint): bigint[] {
    const ts = tokens.map(norm);
    const amounts = ts.map((token) => {
      const key = `${norm(staker)}|${token}`;
      const a = this.accrued.get(key) ?? 0n;
      this.accrued.set(key, 0n);
      return a;
    });
    const s = this.staker(staker);
    if (s.operator !== ZERO) {
      for (const asset of this.maskOrder(s)) {
        const pool = this.pools.get(this.poolKey(s.operator, asset));
        if (pool === undefined || pool.streams.length === 0) continue;
        // A claim changes no shares: the pool is read at t, not updated (as pendingRewards reads it).
        const shares = s.shares.get(asset) ?? 0n;
        ts.forEach((token, i) => {
          const slot = pool.streams.findIndex((st) => st.token === token);
          if (slot === -1) return;
          const rps = this.previewRewardPerShare(pool, slot, t);
          const key = this.debtKey(staker, s.operator, asset, slot);
          amounts[i] += this.pendingDown(shares, rps, this.debts.get(key) ?? 0n);
          this.debts.set(key, mulDivUp(shares, rps, RPS_SCALE));
        });
      }
    }
    ts.forEach((token, i) => this.add(this.paidToStakers, token, amounts[i]));
    return amounts;
  }

  /** `claimCommission(tokens)` of `operator`: returns the amounts. */
  claimCommission(operator: string, tokens: string[]): bigint[] {
    return tokens.map((token) => {
      const key = `${norm(operator)}|${norm(token)}`;
      const a = this.commissions.get(key) ?? 0n;
      this.commissions.set(key, 0n);
      this.add(this.paidToOperators, norm(token), a);
      return a;
    });
  }

  /* VIEWS */

  pendingRewards(staker: string, token: string, t: bigint): bigint {
    const tk = norm(token);
    let amount = this.accrued.get(`${norm(staker)}|${tk}`) ?? 0n;
    const s = this.staker(staker);
    if (s.operator === ZERO) return amount;
    for (const asset of this.maskOrder(s)) {
      const pool = this.pools.get(this.poolKey(s.operator, asset));
      if (pool === undefined) continue;
      const slot = pool.streams.findIndex((st) => st.token === tk);
      if (slot === -1) continue;
      const rps = this.previewRewardPerShare(pool, slot, t);
      const debt = this.debts.get(this.debtKey(staker, s.operator, asset, slot)) ?? 0n;
      amount += this.pendingDown(s.shares.get(asset) ?? 0n, rps, debt);
    }
    return amount;
  }

  pendingCommission(operator: string, token: string): bigint {
    return this.commissions.get(`${norm(operator)}|${norm(token)}`) ?? 0n;
  }

  poolStreams(operator: string, asset: string, t: bigint): ModelStreamView[] {
    const pool = this.pools.get(this.poolKey(operator, asset));
    if (pool === undefined) return [];
    return pool.streams.map((st, i) => ({
      token: st.token,
      rate: st.rate,
      periodFinish:
        pool.activeShares === 0n && st.periodFinish > pool.lastUpdate
          ? st.periodFinish + t - pool.lastUpdate
          : st.periodFinish,
      rewardPerShare: this.previewRewardPerShare(pool, i, t),
      lastUpdate: t,
    }));
  }

  /** What is left to stream in the pool's stream of `token` after `t`, scaled by RATE_SCALE. */
  unstreamedScaled(operator: string, asset: string, token: string, t: bigint): bigint {
    const view = this.poolStreams(operator, asset, t).find((v) => v.token === norm(token));
    if (view === undefined || view.periodFinish <= t) return 0n;
    return view.rate * (view.periodFinish - t);
  }

  /** How many updates of pool `(operator, asset)` had active shares (so could round an accumulator down). */
  poolUpdates(operator: string, asset: string): number {
    return this.pools.get(this.poolKey(operator, asset))?.updates ?? 0;
  }

  /** The rounding steps of the stream of `token` in pool `(operator, asset)` (zeros if it has none). */
  roundingSteps(operator: string, asset: string, token: string): RoundingSteps {
    const st = this.pools.get(this.poolKey(operator, asset))?.streams.find((x) => x.token === norm(token));
    return { fundings: st?.fundings ?? 0, accruals: st?.accruals ?? 0, maxRate: st?.maxRate ?? 0n };
  }

  /** How many fundings set a rate in pool `(operator, asset)`. */
  poolFundings(operator: string, asset: string): number {
    return this.pools.get(this.poolKey(operator, asset))?.fundings ?? 0;
  }

  activeShares(operator: string, asset: string): bigint {
    return this.pools.get(this.poolKey(operator, asset))?.activeShares ?? 0n;
  }

  sharesOf(staker: string, asset: string): bigint {
    return this.staker(staker).shares.get(norm(asset)) ?? 0n;
  }

  operatorOf(staker: string): string {
    return this.staker(staker).operator;
  }

  /** The assets whose bit is set in the staker's mask, in index order. */
  heldAssets(staker: string): string[] {
    return this.maskOrder(this.staker(staker));
  }

  withdrawalsOf(staker: string): ModelWithdrawal[] {
    return [...this.withdrawals.values()].filter((w) => w.staker === norm(staker));
  }

  /* INTERNAL */

  /** The accrual hook: settles `staker` in pool `(operator, asset)` before its active shares change. */
  private hook(
    staker: string,
    operator: string,
    asset: string,
    before: bigint,
    after: bigint,
    t: bigint,
  ): void {
    const pool = this.pool(operator, asset);
    if (pool.streams.length === 0) return;
    this.update(pool, t);
    pool.streams.forEach((st, slot) => {
      const key = this.debtKey(staker, operator, asset, slot);
      const pending = this.pendingDown(before, st.rewardPerShare, this.debts.get(key) ?? 0n);
      if (after === 0n) {
        this.add(this.accrued, `${norm(staker)}|${st.token}`, pending);
        this.debts.set(key, 0n);
      } else {
        this.debts.set(key, mulDivUp(after, st.rewardPerShare, RPS_SCALE) - pending);
      }
    });
  }

  private mint(staker: string, asset: string, minted: bigint, t: bigint): void {
    const s = this.staker(staker);
    const a = norm(asset);
    const held = s.shares.get(a) ?? 0n;
    if (s.operator !== ZERO) {
      this.hook(staker, s.operator, a, held, held + minted, t);
      this.pool(s.operator, a).activeShares += minted;
    }
    s.shares.set(a, held + minted);
    s.mask.add(a);
  }

  private update(pool: ModelPool, t: bigint): void {
    const last = pool.lastUpdate;
    if (last === t) return;
    if (pool.activeShares !== 0n) pool.updates += 1;
    for (const st of pool.streams) {
      if (st.periodFinish <= last) continue;
      if (pool.activeShares === 0n) {
        st.periodFinish += t - last;
      } else {
        st.accruals += 1;
        st.rewardPerShare += mulDivDown(
          st.rate * (min(t, st.periodFinish) - last),
          RPS_SCALE / RATE_SCALE,
          pool.activeShares,
        );
      }
    }
    pool.lastUpdate = t;
  }

  /**
   * Stream `slot` of `pool` after an update at `t` (which moves a paused stream's end), if it still runs: its
   * remainder, and whether that remainder is guarded (remaining >= minFunding * 1e18; the minimum is at least 1, so
   * a guarded remainder is never 0).
   */
  private runningAt(pool: ModelPool, slot: number, t: bigint): RunningStream | undefined {
    const st = pool.streams[slot];
    const periodFinish =
      pool.activeShares === 0n && st.periodFinish > pool.lastUpdate
        ? st.periodFinish + t - pool.lastUpdate
        : st.periodFinish;
    if (st.rate === 0n || periodFinish <= t) return undefined;
    const remainingScaled = st.rate * (periodFinish - t);
    const guarded = remainingScaled >= this.minFunding(st.token) * RATE_SCALE;
    return { rate: st.rate, periodFinish, remainingScaled, guarded };
  }

  private previewRewardPerShare(pool: ModelPool, slot: number, t: bigint): bigint {
    const st = pool.streams[slot];
    if (pool.activeShares === 0n || st.periodFinish <= pool.lastUpdate) return st.rewardPerShare;
    return (
      st.rewardPerShare +
      mulDivDown(
        st.rate * (min(t, st.periodFinish) - pool.lastUpdate),
        RPS_SCALE / RATE_SCALE,
        pool.activeShares,
      )
    );
  }

  private pendingDown(shares: bigint, rps: bigint, debt: bigint): bigint {
    const p = mulDivDown(shares, rps, RPS_SCALE) - debt;
    return p > 0n ? p : 0n;
  }

  private maskOrder(s: ModelStaker): string[] {
    return this.assets.filter((a) => s.mask.has(a));
  }

  private staker(account: string): ModelStaker {
    const key = norm(account);
    let s = this.stakerState.get(key);
    if (s === undefined) {
      s = { operator: ZERO, shares: new Map(), mask: new Set(), nonce: 0n };
      this.stakerState.set(key, s);
    }
    return s;
  }

  private schedule(operator: string): CommissionSchedule {
    const s = this.schedules.get(norm(operator));
    if (s === undefined) throw new Error(`model: ${operator} is not an operator`);
    return s;
  }

  private pool(operator: string, asset: string): ModelPool {
    const key = this.poolKey(operator, asset);
    let p = this.pools.get(key);
    if (p === undefined) {
      p = { lastUpdate: 0n, streams: [], activeShares: 0n, updates: 0, fundings: 0 };
      this.pools.set(key, p);
    }
    return p;
  }

  private poolKey(operator: string, asset: string): string {
    return `${norm(operator)}|${norm(asset)}`;
  }

  private debtKey(staker: string, operator: string, asset: string, slot: number): string {
    return `${norm(staker)}|${norm(operator)}|${norm(asset)}|${slot}`;
  }

  private add(map: Map<string, bigint>, key: string, value: bigint): void {
    map.set(key, (map.get(key) ?? 0n) + value);
  }
}
