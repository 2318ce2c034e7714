/**
 * The vault side of the protocol model (test/model/protocolModel.ts): pools, positions, delegations and the withdrawal
 * queue, as docs/staking.md and docs/slashing.md ("Pending requests close the pool", "Fully slashed operators") state
 * them, written independently of the contract.
 *
 *   - A pool counts its pending slash requests (`pendingRequests`, one per request that reserved tokens on it). While
 *     the count is not 0 the pool takes no new shares (deposits, delegations, completions as shares into it) and pays
 *     no exit (completions of withdrawals from it): `PoolSlashPending(operator, asset, pendingRequests)`.
 *   - A reservation worth 0 tokens changes nothing (the slashing manager then skips the asset).
 *   - A pool whose operator is fully slashed in the asset (`fullySlashed`, set by an execution) takes no new shares,
 *     ever: `PoolFullySlashed(operator, asset)`.
 *   - A withdrawal's ready time is fixed when it is queued: startTime + the withdrawal delay in force then.
 *
 * The methods below change the model and never check: ProtocolModel checks every rule first (so that the first
 * failing condition names the error) and calls them only for an action the chain must accept. The undelegated pool
 * (operator address(0)) is never slashed, so it is always open.
 */
import { ethers } from "hardhat";

import { show } from "../helpers/model";
import { mulDivDown, toAssetsDown, toSharesDown } from "../helpers/sharesMath";

export interface PoolModel {
  totalAssets: bigint;
  totalShares: bigint;
  fullySlashed: boolean;
  queuedShares: bigint;
  pendingSlash: bigint;
  pendingRequests: bigint;
}

export interface WithdrawalModel {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
  readyAt: bigint;
}

export interface MoveModel {
  asset: string;
  sharesBurned: bigint;
  assets: bigint;
  sharesMinted: bigint;
}

export interface CompletionModel {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  assets: bigint;
  newOperator: string;
  sharesMinted: bigint;
}

/** What the vault reports, read by the driver, that the vault model is compared with. */
export interface VaultView {
  pools: Map<string, PoolModel>;
  stakerInfo: Map<string, { operator: string; withdrawalNonce: bigint }>;
  positions: Map<string, { operator: string; shares: bigint; value: bigint }>;
  withdrawals: Map<bigint, WithdrawalModel & { value: bigint }>;
}

const ZERO = ethers.ZeroAddress;

const checksummed = new Map<string, string>();
function norm(address: string): string {
  let a = checksummed.get(address);
  if (a === undefined) {
    a = ethers.getAddress(address);
    checksummed.set(address, a);
  }
  return a;
}

/** A refusal of new shares by a pool: the custom error and its arguments. */
export interface EntryRefusal {
  error: "PoolFullySlashed" | "PoolSlashPending";
  args: unknown[];
}

export class VaultModel {
  /** Listed assets in index order. */
  readonly assets: string[];
  private readonly pools = new Map<string, PoolModel>();
  private readonly shares = new Map<string, bigint>();
  private readonly operators = new Map<string, string>();
  private readonly nonces = new Map<string, bigint>();
  readonly withdrawals = new Map<bigint, WithdrawalModel>();
  readonly stakers = new Set<string>();
  /** vault.openSlashReservations(): reservations of pending requests, over every pool. */
  openReservations = 0n;

  constructor(assets: string[]) {
    this.assets = assets.map(norm);
  }

  pool(operator: string, asset: string): PoolModel {
    const key = `${norm(operator)}|${norm(asset)}`;
    let p = this.pools.get(key);
    if (p === undefined) {
      p = {
        totalAssets: 0n,
        totalShares: 0n,
        fullySlashed: false,
        queuedShares: 0n,
        pendingSlash: 0n,
        pendingRequests: 0n,
      };
      this.pools.set(key, p);
    }
    return p;
  }

  /** Every pool the model has touched: [operator, asset, state]. */
  poolEntries(): Array<[string, string, PoolModel]> {
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

  /** totalAssets - pendingSlash: what the pool's shares are worth now (views price on it). */
  netAssets(operator: string, asset: string): bigint {
    const p = this.pool(operator, asset);
    return p.totalAssets - p.pendingSlash;
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

  /** Why pool `(operator, asset)` takes no new shares now, if it takes none. */
  entryRefusal(operator: string, asset: string): EntryRefusal | undefined {
    if (norm(operator) === ZERO) return undefined;
    const p = this.pool(operator, asset);
    if (p.fullySlashed) return { error: "PoolFullySlashed", args: [norm(operator), norm(asset)] };
    if (p.pendingRequests !== 0n) {
      return { error: "PoolSlashPending", args: [norm(operator), norm(asset), p.pendingRequests] };
    }
    return undefined;
  }

  private setShares(staker: string, asset: string, value: bigint): void {
    this.shares.set(`${norm(staker)}|${norm(asset)}`, value);
  }

  private requireWithdrawal(id: bigint): WithdrawalModel {
    const w = this.withdrawals.get(id);
    if (w === undefined) throw new Error(`model: unknown withdrawal ${id}`);
    return w;
  }

  private requireOpen(operator: string, asset: string): void {
    const refusal = this.entryRefusal(operator, asset);
    if (refusal !== undefined) throw new Error(`model: an entry into a closed pool (${refusal.error})`);
  }

  /** Adds `assets` to the staker's pool `(operator, asset)`; returns the shares minted. */
  private credit(staker: string, operator: string, asset: string, assets: bigint): bigint {
    this.requireOpen(operator, asset);
    const p = this.pool(operator, asset);
    const minted = toSharesDown(assets, p.totalAssets, p.totalShares);
    p.totalAssets += assets;
    p.totalShares += minted;
    this.setShares(staker, asset, this.sharesOf(staker, asset) + minted);
    return minted;
  }

  /** The shares a deposit of `amount` mints in the staker's pool. */
  previewDeposit(staker: string, asset: string, amount: bigint): bigint {
    const p = this.pool(this.operatorOf(staker), asset);
    return toSharesDown(amount, p.totalAssets, p.totalShares);
  }

  deposit(staker: string, asset: string, amount: bigint): bigint {
    this.stakers.add(norm(staker));
    return this.credit(staker, this.operatorOf(staker), asset, amount);
  }

  /** Moves every undelegated share of `staker` into `operator`'s pools, in asset index order. */
  delegate(staker: string, operator: string): MoveModel[] {
    if (this.operatorOf(staker) !== ZERO) throw new Error("model: already delegated");
    this.stakers.add(norm(staker));
    const moves: MoveModel[] = [];
    for (const asset of this.assets) {
      const held = this.sharesOf(staker, asset);
      if (held === 0n) continue;
      const p0 = this.pool(ZERO, asset);
      const assets = toAssetsDown(held, p0.totalAssets, p0.totalShares);
      p0.totalAssets -= assets;
      p0.totalShares -= held;
      this.setShares(staker, asset, 0n);
      const minted = this.credit(staker, operator, asset, assets);
      moves.push({ asset, sharesBurned: held, assets, sharesMinted: minted });
    }
    this.operators.set(norm(staker), norm(operator));
    return moves;
  }

  queue(staker: string, asset: string, shares: bigint, time: bigint, delay: bigint): bigint {
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
      readyAt: time + delay,
    });
    return id;
  }

  /** Queues every share of `staker` (asset index order) and leaves it undelegated. */
  undelegate(staker: string, time: bigint, delay: bigint): bigint[] {
    const ids: bigint[] = [];
    for (const asset of this.assets) {
      const held = this.sharesOf(staker, asset);
      if (held !== 0n) ids.push(this.queue(staker, asset, held, time, delay));
    }
    this.operators.set(norm(staker), ZERO);
    return ids;
  }

  /** What completing withdrawal `id` pays: its shares at the pool's net price (no request is pending on it then). */
  completionValue(id: bigint): bigint {
    return this.withdrawalValue(id);
  }

  complete(id: bigint, asTokens: boolean): CompletionModel {
    const w = this.requireWithdrawal(id);
    const p = this.pool(w.operator, w.asset);
    if (p.pendingRequests !== 0n) throw new Error("model: an exit from a pool with a pending request");
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

  /** What `reserveSlash` would reserve: floor(net * magnitude / freeMagnitude). */
  reservation(operator: string, asset: string, magnitude: bigint, freeMagnitude: bigint): bigint {
    return mulDivDown(this.netAssets(operator, asset), magnitude, freeMagnitude);
  }

  /** reserveSlash: a reservation worth 0 tokens changes nothing. */
  reserve(operator: string, asset: string, magnitude: bigint, freeMagnitude: bigint): bigint {
    const amount = this.reservation(operator, asset, magnitude, freeMagnitude);
    if (amount === 0n) return 0n;
    const p = this.pool(operator, asset);
    p.pendingSlash += amount;
    p.pendingRequests += 1n;
    this.openReservations += 1n;
    return amount;
  }

  release(operator: string, asset: string, amount: bigint): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash || p.pendingRequests === 0n)
      throw new Error("model: release exceeds reservation");
    p.pendingSlash -= amount;
    p.pendingRequests -= 1n;
    this.openReservations -= 1n;
  }

  execute(operator: string, asset: string, amount: bigint, fullySlashed: boolean): void {
    const p = this.pool(operator, asset);
    if (amount > p.pendingSlash || p.pendingRequests === 0n) {
      throw new Error("model: execution exceeds reservation");
    }
    p.pendingSlash -= amount;
    p.totalAssets -= amount;
    p.pendingRequests -= 1n;
    if (fullySlashed) p.fullySlashed = true;
    this.openReservations -= 1n;
  }

  /**
   * The differences between a read of the vault (covering the model's stakers and operators) and the model: every
   * pool, delegation, nonce, position and its value, and live withdrawal with its ready time and value.
   */
  compare(view: VaultView): string[] {
    const mismatches: string[] = [];
    const compare = (what: string, actual: unknown, expected: unknown): void => {
      const [a, e] = [show(actual), show(expected)];
      if (a !== e) mismatches.push(`${what}: chain ${a}, model ${e}`);
    };
    for (const [operator, asset, expected] of this.poolEntries()) {
      compare(`pool (${operator}, ${asset})`, view.pools.get(`${operator}|${asset}`), expected);
    }
    for (const staker of this.stakers) {
      compare(`stakerInfo of ${staker}`, view.stakerInfo.get(staker), {
        operator: this.operatorOf(staker),
        withdrawalNonce: this.nonceOf(staker),
      });
      for (const asset of this.assets) {
        compare(`position of ${staker} in ${asset}`, view.positions.get(`${staker}|${asset}`), {
          operator: this.operatorOf(staker),
          shares: this.sharesOf(staker, asset),
          value: this.positionValue(staker, asset),
        });
      }
    }
    compare("live withdrawals", [...view.withdrawals.keys()].sort(), [...this.withdrawals.keys()].sort());
    for (const [id, w] of this.withdrawals) {
      compare(`withdrawal ${id}`, view.withdrawals.get(id), { ...w, value: this.withdrawalValue(id) });
    }
    return mismatches;
  }
}
