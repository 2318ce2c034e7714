/**
 * A BigInt model of the vault's pools, positions and withdrawal queue, written from DESIGN.md and the interface
 * NatSpec (not from the implementation). Scenarios apply every action to the model and to the chain, then compare:
 * every expected figure is computed here, independently of the contract.
 *
 * Entries and exits around a pending slash reservation: a delegated pool with `pendingSlash != 0` takes no new shares
 * (deposit, delegate, completion as shares revert `PoolSlashPending(operator, asset, pendingSlash)`), because entering
 * at the net price and then sharing a veto's returned value would pay the entrant for a risk it never bore. The model
 * throws a `PoolSlashPendingError` with those arguments, before changing anything, so that a scenario can expect the
 * revert. Exits (queue, completion as tokens) stay open and are priced net of the reservation. The undelegated pool is
 * never slashed, so it is always open.
 */
import { expect } from "chai";
import { ethers } from "hardhat";

import type { RestakingVault } from "../../typechain-types";
import type { ChainState } from "./invariants";
import { mulDivDown, toAssetsDown, toSharesDown } from "./sharesMath";

export interface ModelPool {
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
}

export interface ModelWithdrawal {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
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

/** What the model expects when an action would add shares to a pool with a pending slash reservation. */
export class PoolSlashPendingError extends Error {
  constructor(
    readonly operator: string,
    readonly asset: string,
    readonly pendingSlash: bigint,
  ) {
    super(`model: pool (${operator}, ${asset}) has ${pendingSlash} pending: PoolSlashPending`);
    this.name = "PoolSlashPendingError";
  }

  /** The custom error's arguments, in order. */
  get args(): [string, string, bigint] {
    return [this.operator, this.asset, this.pendingSlash];
  }
}

/** Runs `action` on the model, which must refuse it with PoolSlashPending; returns the error it expects. */
export function expectRefusal(action: () => unknown): PoolSlashPendingError {
  try {
    action();
  } catch (e) {
    if (e instanceof PoolSlashPendingError) return e;
    throw e;
  }
  throw new Error("model: the action was expected to be refused (PoolSlashPending) but is accepted");
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

  constructor(assets: string[]) {
    this.assets = assets.map(norm);
  }

  pool(operator: string, asset: string): ModelPool {
    const key = `${norm(operator)}|${norm(asset)}`;
    let p = this.pools.get(key);
    if (p === undefined) {
      p = { totalAssets: 0n, totalShares: 0n, queuedShares: 0n, pendingSlash: 0n };
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

  operatorOf(staker: string): string {
    return this.operators.get(norm(staker)) ?? ZERO;
  }

  sharesOf(staker: string, asset: string): bigint {
    return this.shares.get(`${norm(staker)}|${norm(asset)}`) ?? 0n;
  }

  nonceOf(staker: string): bigint {
    return this.nonces.get(norm(staker)) ?? 0n;
  }

  /** What `position(staker, asset).assets_` should be. */
  positionValue(staker: string, asset: string): bigint {
    const p = this.pool(this.operatorOf(staker), asset);
    return toAssetsDown(this.sharesOf(staker, asset), p.totalAssets - p.pendingSlash, p.totalShares);
  }

  /** What `withdrawableAmount(id).assets_` should be. */
  withdrawalValue(id: bigint): bigint {
    const w = this.requireWithdrawal(id);
    const p = this.pool(w.operator, w.asset);
    return toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
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
   * Throws PoolSlashPendingError if pool `(operator, asset)` takes no new shares now (a delegated pool with a pending
   * reservation). The undelegated pool is never slashed, so it is always open.
   */
  requireOpen(operator: string, asset: string): void {
    const pending = this.pools.get(`${norm(operator)}|${norm(asset)}`)?.pendingSlash ?? 0n;
    if (norm(operator) !== ZERO && pending !== 0n) {
      throw new PoolSlashPendingError(norm(operator), norm(asset), pending);
    }
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

  /** Deposits `amount`; refused if the pool has a pending reservation. A deposit must mint shares. */
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
   * (PoolSlashPending of the first such asset in index order) if a pool it would enter has a pending reservation.
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

  queue(staker: string, asset: string, shares: bigint, time: bigint): bigint {
    const held = this.sharesOf(staker, asset);
    if (shares === 0n || shares > held) throw new Error("model: bad queue");
    const operator = this.operatorOf(staker);
    this.pool(operator, asset).queuedShares += shares;
    this.setShares(staker, asset, held - shares);
    const nonce = this.nonceOf(staker);
    this.nonces.set(norm(staker), nonce + 1n);
    const id = (BigInt(staker) << 96n) | nonce;
    this.withdrawals.set(id, { staker: norm(staker), operator, asset: norm(asset), shares, startTime: time });
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

  /** Completes withdrawal `id`; as shares, refused if the staker's current pool has a pending reservation. */
  complete(id: bigint, asTokens: boolean): ModelCompletion {
    const w = this.requireWithdrawal(id);
    if (!asTokens) this.requireOpen(this.operatorOf(w.staker), w.asset);
    const p = this.pool(w.operator, w.asset);
    const assets = toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
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

  reserve(operator: string, asset: string, magnitude: bigint, freeMagnitude: bigint): bigint {
    const p = this.pool(operator, asset);
    const amount = mulDivDown(p.totalAssets - p.pendingSlash, magnitude, freeMagnitude);
    p.pendingSlash += amount;
    return amount;
  }

  release(operator: string, asset: string, amount: bigint): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash) throw new Error("model: release exceeds reservation");
    p.pendingSlash -= amount;
  }

  execute(operator: string, asset: string, amount: bigint): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash) throw new Error("model: execution exceeds reservation");
    p.pendingSlash -= amount;
    p.totalAssets -= amount;
  }

  /**
   * Asserts that a state read by InvariantChecker.readState (which must cover the model's stakers and operators)
   * equals the model: every pool, position and its value, delegation, nonce, and live withdrawal and its value.
   */
  assertState(st: ChainState): void {
    const mismatches: string[] = [];
    const compare = (what: string, actual: unknown, expected: unknown): void => {
      const [a, e] = [show(actual), show(expected)];
      if (a !== e) mismatches.push(`${what}: chain ${a}, model ${e}`);
    };
    for (const [operator, asset, expected] of this.poolEntries()) {
      compare(`pool (${operator}, ${asset})`, st.pools.get(`${operator}|${asset}`), expected);
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
      compare(`withdrawal ${id}`, st.withdrawals.get(id), { ...w, value: this.withdrawalValue(id) });
    }
    expect(mismatches, "chain state vs model").to.deep.equal([]);
  }

  /** Asserts that every pool, position, delegation, nonce and withdrawal on chain equals the model. */
  async assertMatches(vault: RestakingVault): Promise<void> {
    const checks: Array<Promise<void>> = [];
    for (const [operator, asset, expected] of this.poolEntries()) {
      checks.push(
        vault.pool(operator, asset).then((p) => {
          const actual = {
            totalAssets: p.totalAssets,
            totalShares: p.totalShares,
            queuedShares: p.queuedShares,
            pendingSlash: p.pendingSlash,
          };
          expect(actual, `pool (${operator}, ${asset})`).to.deep.equal(expected);
        }),
      );
    }
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
            [staker, asset, record.operator, record.shares, record.startTime],
            `withdrawal ${id}`,
          ).to.deep.equal([w.staker, w.asset, w.operator, w.shares, w.startTime]);
        }),
      );
      checks.push(
        vault.withdrawableAmount(id).then(([value]) => {
          expect(value, `withdrawable amount of ${id}`).to.equal(this.withdrawalValue(id));
        }),
      );
    }
    await Promise.all(checks);
  }
}
