/**
 * A BigInt model of the vault's pools, positions and withdrawal queue, written from docs/staking.md, docs/slashing.md
 * and the interface NatSpec (not from the implementation). Scenarios apply every action to the model and to the chain,
 * then compare: every expected figure is computed here, independently of the contract.
 *
 * Pending slash requests close a pool (docs/slashing.md): a delegated pool with `pendingRequests != 0` (the number of
 * pending requests with a reservation on it, whatever they reserved)
 *   - takes no new shares: deposit, delegate and completion as shares into it revert
 *     `PoolSlashPending(operator, asset, pendingRequests)`, because entering at the net price and then sharing a veto's
 *     returned value would pay the entrant for a risk it never bore;
 *   - pays no exit: a completion (as tokens or as shares) of a withdrawal queued from it reverts
 *     `PoolSlashPending(operator, asset, pendingRequests)` until every request is executed, vetoed or cancelled, so a
 *     vetoed request leaves everyone whole, including those who were leaving. Queueing stays open.
 * A completion is then priced on the pool's whole assets (nothing is reserved). A pool whose operator is fully slashed
 * in the asset refuses entries for good (`PoolFullySlashed(operator, asset)`). A completion paying fewer than the
 * caller's `minAssets` reverts `AssetsBelowMinimum(assets, minAssets)`. The model throws a `ModelRefusal` with the
 * custom error's name and arguments, before changing anything, so that a scenario can expect the revert. The
 * undelegated pool is never slashed, so it is always open.
 *
 * A withdrawal's `readyAt` is fixed when it is queued: queue time + the withdrawal delay then in force
 * (`setWithdrawalDelay` moves only later withdrawals). `latestReadyAt(time)` is the latest readyAt of any withdrawal
 * queued so far or at `time`: max(time + delay, exit horizon), where each delay change raises the horizon to its time +
 * the old delay (so shortening the delay does not lower it until the old horizon passes).
 */
import { expect } from "chai";
import { ethers } from "hardhat";

import type { RestakingVault } from "../../typechain-types";
import type { ChainState } from "./invariants";
import { mulDivDown, toAssetsDown, toSharesDown } from "./sharesMath";

/** The vault's default withdrawal delay (7 days), the model's until `setWithdrawalDelay`. */
export const MODEL_DEFAULT_WITHDRAWAL_DELAY = 7n * 24n * 60n * 60n;

export interface ModelPool {
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
  /** Pending slash requests with a reservation on the pool (IRestakingVault.Pool.pendingRequests). */
  pendingRequests: bigint;
  /** The operator is fully slashed in the asset: the pool takes no new shares, ever. */
  fullySlashed: boolean;
}

export interface ModelWithdrawal {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
  /** startTime + the withdrawal delay in force when it was queued. */
  readyAt: bigint;
}

export interface ModelMove {
  asset: string;
  sharesBurned: bigint;
  assets: bigint;
  sharesMinted: bigint;
}

export interface ModelCompletion {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  assets: bigint;
  newOperator: string;
  sharesMinted: bigint;
}

const ZERO = ethers.ZeroAddress;

/** A vault custom error the model expects an action to revert with (thrown before the model changes anything). */
export class ModelRefusal extends Error {
  constructor(
    /** The custom error's name, e.g. "PoolSlashPending". */
    readonly error: string,
    /** Its arguments, in order. */
    readonly errorArgs: ReadonlyArray<string | bigint>,
  ) {
    super(`model: refused with ${error}(${errorArgs.map(String).join(", ")})`);
    this.name = "ModelRefusal";
  }
}

/**
 * What the model expects when an action would add shares to, or pay an exit from, a pool with pending slash
 * requests: `PoolSlashPending(operator, asset, pendingRequests)`, the third argument the NUMBER of pending requests.
 */
export class PoolSlashPendingError extends ModelRefusal {
  constructor(
    readonly operator: string,
    readonly asset: string,
    readonly pendingRequests: bigint,
  ) {
    super("PoolSlashPending", [operator, asset, pendingRequests]);
    this.name = "PoolSlashPendingError";
  }

  /** The custom error's arguments, in order. */
  get args(): [string, string, bigint] {
    return [this.operator, this.asset, this.pendingRequests];
  }
}

/** An entry into a pool whose operator is fully slashed in the asset: `PoolFullySlashed(operator, asset)`. */
export class PoolFullySlashedError extends ModelRefusal {
  constructor(
    readonly operator: string,
    readonly asset: string,
  ) {
    super("PoolFullySlashed", [operator, asset]);
    this.name = "PoolFullySlashedError";
  }

  get args(): [string, string] {
    return [this.operator, this.asset];
  }
}

/** A completion that would pay fewer than the caller's minimum: `AssetsBelowMinimum(assets, minAssets)`. */
export class AssetsBelowMinimumError extends ModelRefusal {
  constructor(
    readonly assets: bigint,
    readonly minAssets: bigint,
  ) {
    super("AssetsBelowMinimum", [assets, minAssets]);
    this.name = "AssetsBelowMinimumError";
  }

  get args(): [bigint, bigint] {
    return [this.assets, this.minAssets];
  }
}

/** Runs `action` on the model, which must refuse it with any ModelRefusal; returns the refusal it expects. */
export function expectModelRefusal(action: () => unknown): ModelRefusal {
  try {
    action();
  } catch (e) {
    if (e instanceof ModelRefusal) return e;
    throw e;
  }
  throw new Error("model: the action was expected to be refused but is accepted");
}

/** Runs `action` on the model, which must refuse it with PoolSlashPending; returns the error it expects. */
export function expectRefusal(action: () => unknown): PoolSlashPendingError {
  const refusal = expectModelRefusal(action);
  if (refusal instanceof PoolSlashPendingError) return refusal;
  throw new Error(`model: expected a PoolSlashPending refusal, got ${refusal.message}`);
}

/** A canonical string of a value (bigints as decimals, object keys sorted) for exact comparisons. */
export function show(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "bigint") return v.toString();
      if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        return Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        );
      }
      return v;
    }) ?? "undefined"
  );
}

const checksummed = new Map<string, string>();
function norm(address: string): string {
  let a = checksummed.get(address);
  if (a === undefined) {
    a = ethers.getAddress(address);
    checksummed.set(address, a);
  }
  return a;
}

export class VaultModel {
  /** Listed assets in index order. */
  readonly assets: string[];
  private readonly pools = new Map<string, ModelPool>();
  private readonly shares = new Map<string, bigint>();
  private readonly operators = new Map<string, string>();
  private readonly nonces = new Map<string, bigint>();
  readonly withdrawals = new Map<bigint, ModelWithdrawal>();
  readonly stakers = new Set<string>();
  /** The withdrawal delay in force: fixes the readyAt of withdrawals queued from now on. */
  withdrawalDelay: bigint = MODEL_DEFAULT_WITHDRAWAL_DELAY;
  /**
   * The exit horizon: the latest `time + old delay` over every `setWithdrawalDelay(delay, time)` (0 before any), i.e.
   * the latest readyAt a withdrawal queued under an earlier delay can have. `undefined` once a change was applied
   * without its time (the horizon is then unknown and `latestReadyAt` throws).
   */
  exitHorizon: bigint | undefined = 0n;

  constructor(assets: string[]) {
    this.assets = assets.map(norm);
  }

  pool(operator: string, asset: string): ModelPool {
    const key = `${norm(operator)}|${norm(asset)}`;
    let p = this.pools.get(key);
    if (p === undefined) {
      p = {
        totalAssets: 0n,
        totalShares: 0n,
        queuedShares: 0n,
        pendingSlash: 0n,
        pendingRequests: 0n,
        fullySlashed: false,
      };
      this.pools.set(key, p);
    }
    return p;
  }

  /** Every pool the model has touched: [operator, asset, state]. */
  poolEntries(): Array<[string, string, ModelPool]> {
    return [...this.pools.entries()].map(([key, p]) => {
      const [operator, asset] = key.split("|");
      return [operator, asset, p];
    });
  }

  /** `openSlashReservations()`: the pending requests counted over every pool. */
  openSlashReservations(): bigint {
    let n = 0n;
    for (const p of this.pools.values()) n += p.pendingRequests;
    return n;
  }

  operatorOf(staker: string): string {
    return this.operators.get(norm(staker)) ?? ZERO;
  }

  sharesOf(staker: string, asset: string): bigint {
    return this.shares.get(`${norm(staker)}|${norm(asset)}`) ?? 0n;
  }

  nonceOf(staker: string): bigint {
    return this.nonces.get(norm(staker)) ?? 0n;
  }

  /** What `position(staker, asset).assets_` should be (priced net of pending reservations). */
  positionValue(staker: string, asset: string): bigint {
    const p = this.pool(this.operatorOf(staker), asset);
    return toAssetsDown(this.sharesOf(staker, asset), p.totalAssets - p.pendingSlash, p.totalShares);
  }

  /** What `withdrawableAmount(id).assets_` should be (priced net of pending reservations, like every view). */
  withdrawalValue(id: bigint): bigint {
    const w = this.requireWithdrawal(id);
    const p = this.pool(w.operator, w.asset);
    return toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
  }

  /**
   * `setWithdrawalDelay(delay)` mined at `time`: moves the readyAt of later withdrawals only, and raises the exit
   * horizon to `time + the old delay` (the readyAt of a withdrawal queued in that block under the old delay). Without
   * `time` the horizon becomes unknown (`latestReadyAt` then throws); every other figure is unaffected.
   */
  setWithdrawalDelay(delay: bigint, time?: bigint): void {
    if (time === undefined) {
      this.exitHorizon = undefined;
    } else if (this.exitHorizon !== undefined) {
      const horizon = time + this.withdrawalDelay;
      if (horizon > this.exitHorizon) this.exitHorizon = horizon;
    }
    this.withdrawalDelay = delay;
  }

  /**
   * `latestReadyAt()` at `time`: max(time + the delay in force, the exit horizon), the latest readyAt of any withdrawal
   * queued so far or at `time` (docs/slashing.md, "Windows and delays"). Throws if a delay change was applied without its time.
   */
  latestReadyAt(time: bigint): bigint {
    if (this.exitHorizon === undefined) {
      throw new Error("latestReadyAt: a withdrawal delay change was applied without its time");
    }
    const next = time + this.withdrawalDelay;
    return next > this.exitHorizon ? next : this.exitHorizon;
  }

  private setShares(staker: string, asset: string, value: bigint): void {
    this.shares.set(`${norm(staker)}|${norm(asset)}`, value);
  }

  private requireWithdrawal(id: bigint): ModelWithdrawal {
    const w = this.withdrawals.get(id);
    if (w === undefined) throw new Error(`model: unknown withdrawal ${id}`);
    return w;
  }

  /**
   * Throws, before anything changes, if pool `(operator, asset)` takes no new shares now: PoolFullySlashedError if
   * its operator is fully slashed in the asset, else PoolSlashPendingError if a request is pending on it. The
   * undelegated pool is never slashed, so it is always open.
   */
  requireOpen(operator: string, asset: string): void {
    if (norm(operator) === ZERO) return;
    const p = this.pools.get(`${norm(operator)}|${norm(asset)}`);
    if (p === undefined) return;
    if (p.fullySlashed) throw new PoolFullySlashedError(norm(operator), norm(asset));
    if (p.pendingRequests !== 0n)
      throw new PoolSlashPendingError(norm(operator), norm(asset), p.pendingRequests);
  }

  /**
   * Throws PoolSlashPendingError if pool `(operator, asset)` pays no exit now (a request is pending on it). Exits
   * from a fully slashed pool stay open.
   */
  requireNoPendingRequest(operator: string, asset: string): void {
    const pending = this.pools.get(`${norm(operator)}|${norm(asset)}`)?.pendingRequests ?? 0n;
    if (pending !== 0n) throw new PoolSlashPendingError(norm(operator), norm(asset), pending);
  }

  /** Adds `assets` to the staker's current pool (open, so nothing is pending); returns the shares minted. */
  private credit(staker: string, operator: string, asset: string, assets: bigint): bigint {
    this.requireOpen(operator, asset);
    const p = this.pool(operator, asset);
    const minted = toSharesDown(assets, p.totalAssets, p.totalShares);
    p.totalAssets += assets;
    p.totalShares += minted;
    this.setShares(staker, asset, this.sharesOf(staker, asset) + minted);
    return minted;
  }

  /** Deposits `amount`; refused if the pool is closed (fully slashed or pending). A deposit must mint shares. */
  deposit(staker: string, asset: string, amount: bigint): bigint {
    this.requireOpen(this.operatorOf(staker), asset);
    const p = this.pool(this.operatorOf(staker), asset);
    if (toSharesDown(amount, p.totalAssets, p.totalShares) === 0n) {
      throw new Error("model: a deposit that mints no shares reverts SharesBelowMinimum(0, minShares)");
    }
    this.stakers.add(norm(staker));
    return this.credit(staker, this.operatorOf(staker), asset, amount);
  }

  /**
   * Moves every undelegated share of `staker` into `operator`'s pools, in asset index order. All or nothing: refused
   * (the refusal of the first such asset in index order) if a pool it would enter is closed.
   */
  delegate(staker: string, operator: string): ModelMove[] {
    if (this.operatorOf(staker) !== ZERO) throw new Error("model: already delegated");
    for (const asset of this.assets) {
      if (this.sharesOf(staker, asset) !== 0n) this.requireOpen(operator, asset);
    }
    this.stakers.add(norm(staker));
    const moves: ModelMove[] = [];
    for (const asset of this.assets) {
      const held = this.sharesOf(staker, asset);
      if (held === 0n) continue;
      const p0 = this.pool(ZERO, asset);
      const assets = toAssetsDown(held, p0.totalAssets - p0.pendingSlash, p0.totalShares);
      p0.totalAssets -= assets;
      p0.totalShares -= held;
      this.setShares(staker, asset, 0n);
      const minted = this.credit(staker, operator, asset, assets);
      moves.push({ asset, sharesBurned: held, assets, sharesMinted: minted });
    }
    this.operators.set(norm(staker), norm(operator));
    return moves;
  }

  /** Queues `shares` at `time` (open even while requests are pending); readyAt = time + the delay in force. */
  queue(staker: string, asset: string, shares: bigint, time: bigint): bigint {
    const held = this.sharesOf(staker, asset);
    if (shares === 0n || shares > held) throw new Error("model: bad queue");
    const operator = this.operatorOf(staker);
    this.pool(operator, asset).queuedShares += shares;
    this.setShares(staker, asset, held - shares);
    const nonce = this.nonceOf(staker);
    this.nonces.set(norm(staker), nonce + 1n);
    const id = (BigInt(staker) << 96n) | nonce;
    this.withdrawals.set(id, {
      staker: norm(staker),
      operator,
      asset: norm(asset),
      shares,
      startTime: time,
      readyAt: time + this.withdrawalDelay,
    });
    return id;
  }

  /** Queues every share of `staker` (asset index order) and leaves it undelegated. */
  undelegate(staker: string, time: bigint): bigint[] {
    const ids: bigint[] = [];
    for (const asset of this.assets) {
      const held = this.sharesOf(staker, asset);
      if (held !== 0n) ids.push(this.queue(staker, asset, held, time));
    }
    this.operators.set(norm(staker), ZERO);
    return ids;
  }

  /** What completing withdrawal `id` now would pay: its shares at the pool's whole assets (nothing is pending). */
  completionValue(id: bigint): bigint {
    const w = this.requireWithdrawal(id);
    const p = this.pool(w.operator, w.asset);
    return toAssetsDown(w.shares, p.totalAssets, p.totalShares);
  }

  /**
   * Completes withdrawal `id` (the caller checks who calls and when). In the vault's order, before anything changes:
   * refused with PoolSlashPending while its own pool has a pending request, with AssetsBelowMinimum if it pays fewer
   * than `minAssets`, and as shares if the staker's current pool is closed (fully slashed, or pending).
   */
  complete(id: bigint, asTokens: boolean, minAssets = 0n): ModelCompletion {
    const w = this.requireWithdrawal(id);
    this.requireNoPendingRequest(w.operator, w.asset);
    const assets = this.completionValue(id);
    if (assets < minAssets) throw new AssetsBelowMinimumError(assets, minAssets);
    if (!asTokens) this.requireOpen(this.operatorOf(w.staker), w.asset);
    const p = this.pool(w.operator, w.asset);
    p.totalAssets -= assets;
    p.totalShares -= w.shares;
    p.queuedShares -= w.shares;
    this.withdrawals.delete(id);
    const result = { staker: w.staker, operator: w.operator, asset: w.asset, shares: w.shares, assets };
    if (asTokens) return { ...result, newOperator: ZERO, sharesMinted: 0n };
    const newOperator = this.operatorOf(w.staker);
    const sharesMinted = this.credit(w.staker, newOperator, w.asset, assets);
    return { ...result, newOperator, sharesMinted };
  }

  /**
   * `reserveSlash`: reserves floor(net * magnitude / freeMagnitude) and counts one more request on the pool; a
   * reservation worth 0 assets changes nothing and returns 0.
   */
  reserve(operator: string, asset: string, magnitude: bigint, freeMagnitude: bigint): bigint {
    if (norm(operator) === ZERO || magnitude === 0n || magnitude > freeMagnitude) {
      throw new Error("model: reserveSlash reverts InvalidSlash(operator, asset)");
    }
    const p = this.pool(operator, asset);
    const amount = mulDivDown(p.totalAssets - p.pendingSlash, magnitude, freeMagnitude);
    if (amount === 0n) return 0n;
    p.pendingSlash += amount;
    p.pendingRequests += 1n;
    return amount;
  }

  /** `releaseSlash`: returns `amount` of the reservation and uncounts its request. */
  release(operator: string, asset: string, amount: bigint): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash || p.pendingRequests === 0n) {
      throw new Error("model: release exceeds reservation (SlashReservationExceeded)");
    }
    p.pendingSlash -= amount;
    p.pendingRequests -= 1n;
  }

  /** `executeSlash`: takes `amount` of the reservation out of the pool and uncounts its request. */
  execute(operator: string, asset: string, amount: bigint, fullySlashed = false): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash || p.pendingRequests === 0n) {
      throw new Error("model: execution exceeds reservation (SlashReservationExceeded)");
    }
    p.pendingSlash -= amount;
    p.pendingRequests -= 1n;
    p.totalAssets -= amount;
    if (fullySlashed) p.fullySlashed = true;
  }

  /**
   * Asserts that a state read by InvariantChecker.readState (which must cover the model's stakers and operators)
   * equals the model: every pool, position and its value, delegation, nonce, live withdrawal and its value, and the
   * open reservations. A state built elsewhere that lacks the pool's pendingRequests / fullySlashed, a withdrawal's
   * readyAt or openSlashReservations is compared on the fields it has.
   */
  assertState(st: ChainState): void {
    const mismatches: string[] = [];
    const compare = (what: string, actual: unknown, expected: unknown): void => {
      const [a, e] = [show(actual), show(expected)];
      if (a !== e) mismatches.push(`${what}: chain ${a}, model ${e}`);
    };
    /** `expected` restricted to the optional `fields` that `actual` lacks. */
    const like = (actual: object | undefined, expected: object, fields: string[]): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(expected).filter(
          ([k]) => !fields.includes(k) || (actual !== undefined && k in actual),
        ),
      );
    for (const [operator, asset, expected] of this.poolEntries()) {
      const actual = st.pools.get(`${operator}|${asset}`);
      compare(
        `pool (${operator}, ${asset})`,
        actual,
        like(actual, expected, ["pendingRequests", "fullySlashed"]),
      );
    }
    for (const staker of this.stakers) {
      compare(`stakerInfo of ${staker}`, st.stakerInfo.get(staker), {
        operator: this.operatorOf(staker),
        withdrawalNonce: this.nonceOf(staker),
      });
      for (const asset of this.assets) {
        compare(`position of ${staker} in ${asset}`, st.positions.get(`${staker}|${asset}`), {
          operator: this.operatorOf(staker),
          shares: this.sharesOf(staker, asset),
          value: this.positionValue(staker, asset),
        });
      }
    }
    compare("live withdrawals", [...st.withdrawals.keys()].sort(), [...this.withdrawals.keys()].sort());
    for (const [id, w] of this.withdrawals) {
      const actual = st.withdrawals.get(id);
      compare(
        `withdrawal ${id}`,
        actual,
        like(actual, { ...w, value: this.withdrawalValue(id) }, ["readyAt"]),
      );
    }
    if (st.openSlashReservations !== undefined) {
      compare("openSlashReservations", st.openSlashReservations, this.openSlashReservations());
    }
    expect(mismatches, "chain state vs model").to.deep.equal([]);
  }

  /**
   * Asserts that every pool, position, delegation, nonce and withdrawal (with its readyAt) on chain equals the model,
   * and that openSlashReservations() counts the model's pending requests.
   */
  async assertMatches(vault: RestakingVault): Promise<void> {
    const checks: Array<Promise<void>> = [];
    for (const [operator, asset, expected] of this.poolEntries()) {
      checks.push(
        vault.pool(operator, asset).then((p) => {
          const actual: ModelPool = {
            totalAssets: p.totalAssets,
            totalShares: p.totalShares,
            queuedShares: p.queuedShares,
            pendingSlash: p.pendingSlash,
            pendingRequests: p.pendingRequests,
            fullySlashed: p.fullySlashed,
          };
          expect(actual, `pool (${operator}, ${asset})`).to.deep.equal(expected);
        }),
      );
    }
    checks.push(
      vault.openSlashReservations().then((n) => {
        expect(n, "openSlashReservations").to.equal(this.openSlashReservations());
      }),
    );
    for (const staker of this.stakers) {
      checks.push(
        vault.stakerInfo(staker).then((info) => {
          expect(info.operator, `operator of ${staker}`).to.equal(this.operatorOf(staker));
          expect(info.withdrawalNonce, `nonce of ${staker}`).to.equal(this.nonceOf(staker));
        }),
      );
      for (const asset of this.assets) {
        checks.push(
          vault.position(staker, asset).then(([operator, shares, value]) => {
            expect(operator).to.equal(this.operatorOf(staker));
            expect(shares, `shares of ${staker} in ${asset}`).to.equal(this.sharesOf(staker, asset));
            expect(value, `value of ${staker} in ${asset}`).to.equal(this.positionValue(staker, asset));
          }),
        );
      }
    }
    for (const [id, w] of this.withdrawals) {
      checks.push(
        vault.withdrawal(id).then(([staker, record, asset]) => {
          expect(
            [staker, asset, record.operator, record.shares, record.startTime, record.readyAt],
            `withdrawal ${id}`,
          ).to.deep.equal([w.staker, w.asset, w.operator, w.shares, w.startTime, w.readyAt]);
        }),
      );
      checks.push(
        vault.withdrawableAmount(id).then(([value, readyAt]) => {
          expect(value, `withdrawable amount of ${id}`).to.equal(this.withdrawalValue(id));
          expect(readyAt, `readyAt of ${id}`).to.equal(w.readyAt);
        }),
      );
    }
    await Promise.all(checks);
  }
}
