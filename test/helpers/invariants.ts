/**
 * Checker of the protocol invariants (docs/staking.md, docs/slashing.md) on the chain state, usable after every step
 * of a scenario.
 *
 *   1. Solvency: for every asset, vault token balance >= sum over pools of totalAssets (== when no donation), and
 *      assetConfig.totalDeposited == that sum; every pool's pendingSlash <= totalAssets. Reservations are counted:
 *      a pool with a reservation (pendingSlash != 0) has pendingRequests != 0, the undelegated pool has none, and the
 *      pools read count no more requests than openSlashReservations() (exactly as many once every slashed operator
 *      is known to the checker).
 *   2. Shares: for every pool, stakers' shares + queued withdrawal shares == totalShares, and queuedShares == the
 *      queued withdrawal shares.
 *   3. No value from nothing: per staker and asset, tokens withdrawn <= tokens deposited (when neither rewards nor
 *      donations happened), and also withdrawn + value still held (positions and queued withdrawals) <= deposited.
 *   6. A queued withdrawal cannot complete before its delay: it reverts WithdrawalNotReady one second before
 *      readyAt and completes at readyAt (checked on a snapshot that is then restored). readyAt is the record's,
 *      fixed when it was queued (a later setWithdrawalDelay does not move it); while a slash request is pending on
 *      the withdrawal's pool, the completion at readyAt reverts PoolSlashPending(operator, asset, pendingRequests).
 *
 * The checker only reads the chain; it is told which stakers, operators and withdrawal ids exist and what each staker
 * deposited and withdrew (measured from token balances by the caller). It cross-checks the withdrawal ids it was told
 * against every staker's withdrawal nonce, so a scenario cannot silently forget a withdrawal.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import type { RestakingVault } from "../../typechain-types";
import { withdrawalId } from "../../sdk/views";

/** What the checker needs of a token. */
export interface BalanceReader {
  getAddress(): Promise<string>;
  balanceOf(account: string): Promise<bigint>;
}

const checksums = new Map<string, string>();
/** ethers.getAddress, memoised (the checker looks addresses up after every step; each checksum is a keccak). */
function checksummed(address: string): string {
  let a = checksums.get(address);
  if (a === undefined) {
    a = ethers.getAddress(address);
    checksums.set(address, a);
  }
  return a;
}

function requireDefined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not read`);
  return value;
}

interface PositionState {
  operator: string;
  shares: bigint;
  value: bigint;
}

interface WithdrawalState {
  staker: string;
  operator: string;
  asset: string;
  shares: bigint;
  startTime: bigint;
  /** The record's readyAt (always read by readState; optional for states built elsewhere). */
  readyAt?: bigint;
  /** withdrawableAmount now. */
  value: bigint;
}

interface PoolState {
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
  /** Pending requests on the pool (always read by readState; optional for states built elsewhere). */
  pendingRequests?: bigint;
  /** Whether the operator is fully slashed in the asset (as pendingRequests). */
  fullySlashed?: boolean;
}

/** One read of the chain state the invariants are checked on. */
export interface ChainState {
  stakers: string[];
  /** Per staker: its operator and withdrawal nonce (stakerInfo). */
  stakerInfo: Map<string, { operator: string; withdrawalNonce: bigint }>;
  /** Listed assets of the checker, checksummed, in the order of its tokens. */
  assets: string[];
  operators: string[];
  /** Key `${staker}|${asset}`. */
  positions: Map<string, PositionState>;
  /** Every live withdrawal of a known staker. */
  withdrawals: Map<bigint, WithdrawalState>;
  /** Key `${operator}|${asset}`. */
  pools: Map<string, PoolState>;
  /** Vault balance per asset. */
  balances: bigint[];
  /** assetConfig.totalDeposited per asset. */
  totalDeposited: bigint[];
  /** openSlashReservations() (always read by readState; optional for states built elsewhere). */
  openSlashReservations?: bigint;
}

interface LedgerEntry {
  deposited: bigint;
  withdrawn: bigint;
}

export class InvariantChecker {
  private readonly vault: RestakingVault;
  private readonly tokens: BalanceReader[];
  private readonly stakers = new Set<string>();
  private readonly operators = new Set<string>([ethers.ZeroAddress]);
  private readonly pending = new Set<bigint>();
  private readonly ledger = new Map<string, LedgerEntry>();
  private readonly donations = new Map<string, bigint>();
  private readonly transfers = new Map<string, bigint>();
  private rewardsPaid = false;
  /** How many times `checkAll` ran (a scenario asserts it checked after every step). */
  checks = 0;

  constructor(
    vault: RestakingVault,
    tokens: BalanceReader[],
    stakers: string[] = [],
    operators: string[] = [],
  ) {
    this.vault = vault;
    this.tokens = tokens;
    stakers.forEach((s) => this.addStaker(s));
    operators.forEach((o) => this.addOperator(o));
  }

  addStaker(staker: string): void {
    this.stakers.add(checksummed(staker));
  }

  addOperator(operator: string): void {
    this.operators.add(checksummed(operator));
  }

  /** Tells the checker about newly queued withdrawals. */
  addWithdrawals(ids: bigint[]): void {
    for (const id of ids) {
      if (this.pending.has(id)) throw new Error(`withdrawal ${id} tracked twice`);
      this.pending.add(id);
    }
  }

  /** Tells the checker a withdrawal completed. */
  removeWithdrawal(id: bigint): void {
    if (!this.pending.delete(id)) throw new Error(`withdrawal ${id} was not tracked`);
  }

  pendingWithdrawals(): bigint[] {
    return [...this.pending];
  }

  private entry(staker: string, asset: string): LedgerEntry {
    const key = `${checksummed(staker)}|${checksummed(asset)}`;
    let e = this.ledger.get(key);
    if (e === undefined) {
      e = { deposited: 0n, withdrawn: 0n };
      this.ledger.set(key, e);
    }
    return e;
  }

  /** Records tokens a staker paid into the vault (measured by the caller from balances). */
  recordDeposit(staker: string, asset: string, amount: bigint): void {
    this.addStaker(staker);
    this.entry(staker, asset).deposited += amount;
  }

  /** Records tokens paid out for a staker's withdrawal (to the staker or its withdrawer). */
  recordWithdrawal(staker: string, asset: string, amount: bigint): void {
    this.entry(staker, asset).withdrawn += amount;
  }

  /** Records tokens sent to the vault outside `deposit` (a donation). */
  recordDonation(asset: string, amount: bigint): void {
    const key = checksummed(asset);
    this.donations.set(key, (this.donations.get(key) ?? 0n) + amount);
  }

  /**
   * Records value that moved between stakers of an asset's pools by a documented rule, not from nothing: a rounding
   * remainder left in a pool (docs/staking.md), or value a scenario moves on purpose. (Exits no longer leave a haircut
   * behind: a completion waits for the pool's pending requests to resolve, docs/slashing.md.) Invariant 3 then allows
   * every staker of the asset up to the total recorded, instead of being skipped for the asset as after a donation.
   */
  recordTransfer(asset: string, amount: bigint): void {
    const key = checksummed(asset);
    this.transfers.set(key, (this.transfers.get(key) ?? 0n) + amount);
  }

  /** Records that rewards were paid (invariant 3 then no longer applies). */
  recordRewards(): void {
    this.rewardsPaid = true;
  }

  /** Reads, in parallel, everything the invariants need: one consistent view of the chain. */
  async readState(): Promise<ChainState> {
    const vault = this.vault;
    const stakers = [...this.stakers];
    const assets = await Promise.all(this.tokens.map(async (t) => checksummed(await t.getAddress())));
    const vaultAddress = await vault.getAddress();

    // every id a known staker ever queued, from its withdrawal nonce
    const infos = await Promise.all(stakers.map((s) => vault.stakerInfo(s)));
    const stakerInfo = new Map(
      stakers.map((s, i) => [s, { operator: infos[i].operator, withdrawalNonce: infos[i].withdrawalNonce }]),
    );
    const everyId: bigint[] = [];
    stakers.forEach((s, i) => {
      for (let n = 0n; n < infos[i].withdrawalNonce; n++) everyId.push(withdrawalId(s, n));
    });
    const records = await Promise.all(everyId.map(async (id) => [id, await vault.withdrawal(id)] as const));
    const withdrawals = new Map<bigint, WithdrawalState>();
    await Promise.all(
      records
        .filter(([, r]) => r[1].startTime !== 0n)
        .map(async ([id, r]) => {
          const [value] = await vault.withdrawableAmount(id);
          withdrawals.set(id, {
            staker: r[0],
            operator: r[1].operator,
            asset: r[2],
            shares: r[1].shares,
            startTime: r[1].startTime,
            readyAt: r[1].readyAt,
            value,
          });
        }),
    );

    const positions = new Map<string, PositionState>();
    await Promise.all(
      stakers.flatMap((s) =>
        assets.map(async (a) => {
          const [operator, shares, value] = await vault.position(s, a);
          positions.set(`${s}|${a}`, { operator, shares, value });
        }),
      ),
    );

    const operators = new Set(this.operators);
    for (const p of positions.values()) operators.add(p.operator);
    for (const w of withdrawals.values()) operators.add(w.operator);
    const pools = new Map<string, PoolState>();
    await Promise.all(
      [...operators].flatMap((o) =>
        assets.map(async (a) => {
          const p = await vault.pool(o, a);
          pools.set(`${o}|${a}`, {
            totalAssets: p.totalAssets,
            totalShares: p.totalShares,
            queuedShares: p.queuedShares,
            pendingSlash: p.pendingSlash,
            pendingRequests: p.pendingRequests,
            fullySlashed: p.fullySlashed,
          });
        }),
      ),
    );
    const balances = await Promise.all(this.tokens.map((t) => t.balanceOf(vaultAddress)));
    const totalDeposited = await Promise.all(
      assets.map(async (a) => (await vault.assetConfig(a)).totalDeposited),
    );
    const openSlashReservations = await vault.openSlashReservations();
    return {
      stakers,
      stakerInfo,
      assets,
      operators: [...operators],
      positions,
      withdrawals,
      pools,
      balances,
      totalDeposited,
      openSlashReservations,
    };
  }

  /** The tracked pending ids must be exactly the live records among every id a known staker ever queued. */
  async checkWithdrawalTracking(state?: ChainState): Promise<void> {
    const st = state ?? (await this.readState());
    const violations: string[] = [];
    for (const [id, w] of st.withdrawals) {
      if (BigInt(w.staker) !== id >> 96n) violations.push(`withdrawal ${id} belongs to ${w.staker}`);
    }
    const live = [...st.withdrawals.keys()].sort().map(String);
    const tracked = [...this.pending].sort().map(String);
    if (live.join() !== tracked.join()) violations.push(`live withdrawals [${live}] != tracked [${tracked}]`);
    expect(violations, "withdrawal tracking").to.deep.equal([]);
  }

  /** Invariant 1. */
  async checkSolvency(state?: ChainState): Promise<void> {
    const st = state ?? (await this.readState());
    const violations: string[] = [];
    let requests = 0n;
    st.assets.forEach((asset, i) => {
      let sum = 0n;
      for (const op of st.operators) {
        const p = requireDefined(st.pools.get(`${op}|${asset}`), "pool");
        if (p.pendingSlash > p.totalAssets) {
          violations.push(
            `pool (${op}, ${asset}): pendingSlash ${p.pendingSlash} > totalAssets ${p.totalAssets}`,
          );
        }
        if (p.pendingRequests !== undefined) {
          if (p.pendingSlash !== 0n && p.pendingRequests === 0n) {
            violations.push(`pool (${op}, ${asset}): pendingSlash ${p.pendingSlash} with no pending request`);
          }
          if (op === ethers.ZeroAddress && p.pendingRequests !== 0n) {
            violations.push(`undelegated pool (${asset}) has ${p.pendingRequests} pending requests`);
          }
          requests += p.pendingRequests;
        }
        sum += p.totalAssets;
      }
      const donated = this.donations.get(asset) ?? 0n;
      if (st.balances[i] < sum) violations.push(`${asset}: balance ${st.balances[i]} < sum of pools ${sum}`);
      if (st.balances[i] !== sum + donated) {
        violations.push(`${asset}: balance ${st.balances[i]} != sum of pools ${sum} + donations ${donated}`);
      }
      if (st.totalDeposited[i] !== sum) {
        violations.push(`${asset}: totalDeposited ${st.totalDeposited[i]} != sum of pools ${sum}`);
      }
    });
    if (st.openSlashReservations !== undefined && requests > st.openSlashReservations) {
      violations.push(
        `pools count ${requests} pending requests > openSlashReservations ${st.openSlashReservations}`,
      );
    }
    expect(violations, "invariant 1 (solvency)").to.deep.equal([]);
  }

  /** Invariant 2 (after checking that the tracked withdrawals are exactly the live ones). */
  async checkShares(state?: ChainState): Promise<void> {
    const st = state ?? (await this.readState());
    await this.checkWithdrawalTracking(st);
    const violations: string[] = [];
    for (const asset of st.assets) {
      const stakerShares = new Map<string, bigint>();
      const queued = new Map<string, bigint>();
      for (const staker of st.stakers) {
        const p = requireDefined(st.positions.get(`${staker}|${asset}`), "position");
        stakerShares.set(p.operator, (stakerShares.get(p.operator) ?? 0n) + p.shares);
      }
      for (const w of st.withdrawals.values()) {
        if (w.asset === asset) queued.set(w.operator, (queued.get(w.operator) ?? 0n) + w.shares);
      }
      for (const op of st.operators) {
        const p = requireDefined(st.pools.get(`${op}|${asset}`), "pool");
        const held = stakerShares.get(op) ?? 0n;
        const q = queued.get(op) ?? 0n;
        if (held + q !== p.totalShares) {
          violations.push(
            `pool (${op}, ${asset}): stakers ${held} + queued ${q} != totalShares ${p.totalShares}`,
          );
        }
        if (q !== p.queuedShares) {
          violations.push(
            `pool (${op}, ${asset}): queued withdrawals ${q} != queuedShares ${p.queuedShares}`,
          );
        }
      }
    }
    expect(violations, "invariant 2 (shares)").to.deep.equal([]);
  }

  /** Invariant 3. Skipped once rewards were paid, and for an asset that received a donation. */
  async checkNoValueFromNothing(state?: ChainState): Promise<void> {
    if (this.rewardsPaid) return;
    const st = state ?? (await this.readState());
    const violations: string[] = [];
    for (const asset of st.assets) {
      if ((this.donations.get(asset) ?? 0n) !== 0n) continue;
      const allowed = this.transfers.get(asset) ?? 0n;
      for (const staker of st.stakers) {
        const e = this.entry(staker, asset);
        if (e.withdrawn > e.deposited + allowed) {
          violations.push(`${staker} withdrew ${e.withdrawn} ${asset} but deposited ${e.deposited}`);
        }
        let held = st.positions.get(`${staker}|${asset}`)?.value ?? 0n;
        for (const w of st.withdrawals.values()) {
          if (w.staker === staker && w.asset === asset) held += w.value;
        }
        if (e.withdrawn + held > e.deposited + allowed) {
          violations.push(
            `${staker} withdrew ${e.withdrawn} and holds ${held} ${asset} but deposited ${e.deposited}`,
          );
        }
      }
    }
    expect(violations, "invariant 3 (no value from nothing)").to.deep.equal([]);
  }

  /** Invariants 1, 2 and 3 on one read of the chain (read now unless given). */
  async checkAll(given?: ChainState): Promise<void> {
    const state = given ?? (await this.readState());
    await this.checkSolvency(state);
    await this.checkShares(state);
    await this.checkNoValueFromNothing(state);
    this.checks++;
  }

  /**
   * Invariant 6: withdrawal `id` reverts WithdrawalNotReady(id, readyAt) one second before readyAt (as tokens and as
   * shares) and completes at readyAt, where readyAt is the record's (fixed when it was queued; `expectedReadyAt`,
   * when given, must equal it, e.g. the queue time + the delay then in force). If a slash request is pending on the
   * withdrawal's pool, the completion at readyAt must instead revert PoolSlashPending(operator, asset,
   * pendingRequests). Runs on a snapshot that is restored, so the scenario's state and clock are unchanged. Throws if
   * the chain is already past readyAt - 1.
   */
  async assertNotCompletableBeforeDelay(
    id: bigint,
    caller: HardhatEthersSigner,
    expectedReadyAt?: bigint,
  ): Promise<void> {
    const [, w, asset] = await this.vault.withdrawal(id);
    expect(w.startTime, `withdrawal ${id} is queued`).to.not.equal(0n);
    const readyAt = w.readyAt;
    expect(readyAt, `withdrawal ${id}: readyAt after startTime`).to.be.greaterThan(w.startTime);
    if (expectedReadyAt !== undefined) expect(readyAt, `withdrawal ${id}: readyAt`).to.equal(expectedReadyAt);
    expect((await this.vault.withdrawableAmount(id))[1], "withdrawableAmount readyAt").to.equal(readyAt);
    const now = BigInt(await time.latest());
    if (now >= readyAt - 1n) throw new Error(`cannot check withdrawal ${id}: now ${now}, readyAt ${readyAt}`);
    const snapshot = await takeSnapshot();
    const vault = this.vault.connect(caller);
    try {
      // a reverted transaction is mined, so each attempt starts again from the snapshot
      for (const asTokens of [true, false]) {
        await time.setNextBlockTimestamp(readyAt - 1n);
        await expect(
          vault.completeWithdrawal(id, asTokens, 0n),
          `inv 6: ${asTokens ? "tokens" : "shares"}, 1 s early`,
        )
          .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
          .withArgs(id, readyAt);
        await snapshot.restore();
      }
      const pending = (await this.vault.pool(w.operator, asset)).pendingRequests;
      await time.setNextBlockTimestamp(readyAt);
      if (pending === 0n) {
        await expect(vault.completeWithdrawal(id, true, 0n), "inv 6: completes at readyAt").to.emit(
          vault,
          "WithdrawalCompleted",
        );
      } else {
        await expect(
          vault.completeWithdrawal(id, true, 0n),
          "inv 6: ready, but waits for the pending requests",
        )
          .to.be.revertedWithCustomError(vault, "PoolSlashPending")
          .withArgs(w.operator, asset, pending);
      }
    } finally {
      await snapshot.restore();
    }
  }
}
