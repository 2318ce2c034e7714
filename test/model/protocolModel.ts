/**
 * The BigInt model of the whole staking layer that test/model/ProtocolModel.test.ts drives at random: the vault (the
 * shared VaultModel of test/helpers/model.ts), the slashing manager (allocations, magnitudes, AVS configurations and
 * slash requests, with the formulas of test/helpers/slashingFixtures.ts), the operator registry's delegation rules, and
 * every token balance the protocol moves.
 *
 * Written from DESIGN.md and the interfaces' NatSpec. Every action returns an Outcome BEFORE anything changes: either
 * the custom error (and its arguments) the chain must revert with, or a `commit` that applies the action to the model
 * once the chain has accepted it. Checks run in the order the contracts document them, so that the first failing
 * condition names the error.
 *
 * Storage laziness is modelled as the contracts expose it: a matured allocation change shows in `allocation()` and
 * `allocatedStake()` at once, but frees its magnitude in `magnitudes()` only once a call stores it (modifyAllocation,
 * applyPendingAllocation, a request that takes from it, a veto or cancel that restores it).
 */
import { ethers } from "hardhat";

import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { VaultModel, type ModelCompletion, type ModelMove } from "../helpers/model";
import {
  BURN_ADDRESS,
  DEFAULT_ALLOCATION_DELAY,
  EXECUTION_WINDOW,
  MAX_ALLOCATION_DELAY,
  MAX_VETO_WINDOW,
  STATUS,
  ZERO,
  allocatedStakeOf,
  scaledPendingDecrease,
  slashMagnitude,
  type AVSParams,
  type AllocationState,
} from "../helpers/slashingFixtures";
import { mulDivDown, toSharesDown } from "../helpers/sharesMath";

export const WITHDRAWAL_DELAY = DEFAULT_WITHDRAWAL_DELAY;

/** The contract whose custom error an action must revert with ("token" = the asset's ERC-20). */
export type RevertTarget = "vault" | "registry" | "sm" | "token";

export interface Revert {
  target: RevertTarget;
  error: string;
  args: readonly unknown[];
  /** For target "token": the asset. */
  asset?: string;
}

export type Outcome<T> = { revert: Revert } | { commit: () => T };

export function isRevert<T>(o: Outcome<T>): o is { revert: Revert } {
  return "revert" in o;
}

function revert<T>(target: RevertTarget, error: string, ...args: unknown[]): Outcome<T> {
  return { revert: { target, error, args } };
}

const checksummed = new Map<string, string>();
export function norm(address: string): string {
  let a = checksummed.get(address);
  if (a === undefined) {
    a = ethers.getAddress(address);
    checksummed.set(address, a);
  }
  return a;
}

/** An AVS configuration as the slashing manager stores it. */
export interface AVSConfigModel {
  slasher: string;
  maxSlashWad: bigint;
  vetoWindow: bigint;
  vetoCommittee: string;
  assetMask: bigint;
  id: bigint;
  recipient: string;
  registrar: string;
  registered: boolean;
}

/** Stored magnitudes of an operator in one asset. */
export interface StoredMagnitudes {
  lost: bigint;
  encumbered: bigint;
  reserved: bigint;
}

export interface SlashedAssetModel {
  assetIndex: bigint;
  magnitude: bigint;
  deallocationCut: bigint;
  amount: bigint;
}

export interface RequestModel {
  id: bigint;
  avs: string;
  avsId: bigint;
  operator: string;
  executableAt: bigint;
  status: bigint;
  slashed: SlashedAssetModel[];
}

interface DelayModel {
  delay: bigint;
  pendingDelay: bigint;
  effectAt: bigint;
  isSet: boolean;
}

function copyAllocation(a: AllocationState): AllocationState {
  return { ...a };
}

const EMPTY_ALLOCATION: AllocationState = {
  current: 0n,
  pendingDelta: 0n,
  pendingIncrease: false,
  effectAt: 0n,
};

/** The slashing manager: AVSs, registrations, allocation delays, allocations, magnitudes and requests. */
export class SlashingModel {
  private readonly configs = new Map<string, AVSConfigModel>();
  private readonly pendingConfigs = new Map<string, { config: AVSConfigModel; effectAt: bigint }>();
  private readonly avsById = new Map<bigint, string>();
  private readonly registrations = new Set<string>();
  private readonly delays = new Map<string, DelayModel>();
  private readonly allocations = new Map<string, AllocationState>();
  private readonly mags = new Map<string, StoredMagnitudes>();
  readonly requests: RequestModel[] = [];

  constructor(readonly assets: string[]) {}

  /* ---------------------------------------------------------------- state access */

  assetIndex(asset: string): number {
    const i = this.assets.indexOf(norm(asset));
    if (i < 0) throw new Error(`model: unknown asset ${asset}`);
    return i;
  }

  config(avs: string): AVSConfigModel {
    const c = this.configs.get(norm(avs));
    if (c === undefined) throw new Error(`model: unknown AVS ${avs}`);
    return c;
  }

  pendingConfig(avs: string): { config: AVSConfigModel | undefined; effectAt: bigint } {
    const p = this.pendingConfigs.get(norm(avs));
    return p === undefined ? { config: undefined, effectAt: 0n } : p;
  }

  avsList(): string[] {
    return [...this.configs.keys()];
  }

  isRegistered(avs: string, operator: string): boolean {
    return this.registrations.has(`${norm(avs)}|${norm(operator)}`);
  }

  accepts(avs: string, asset: string): boolean {
    return (this.config(avs).assetMask & (1n << BigInt(this.assetIndex(asset)))) !== 0n;
  }

  /** The assets of `avs`'s mask, in index order. */
  acceptedAssets(avs: string): string[] {
    return this.assets.filter((a) => this.accepts(avs, a));
  }

  private storedAllocation(operator: string, avs: string, index: number): AllocationState {
    const key = `${norm(operator)}|${norm(avs)}|${index}`;
    let a = this.allocations.get(key);
    if (a === undefined) {
      a = copyAllocation(EMPTY_ALLOCATION);
      this.allocations.set(key, a);
    }
    return a;
  }

  private storedMagnitudes(operator: string, index: number): StoredMagnitudes {
    const key = `${norm(operator)}|${index}`;
    let m = this.mags.get(key);
    if (m === undefined) {
      m = { lost: 0n, encumbered: 0n, reserved: 0n };
      this.mags.set(key, m);
    }
    return m;
  }

  /** The allocation and the operator's magnitudes with a matured change of this allocation applied (not stored). */
  matured(
    operator: string,
    avs: string,
    asset: string,
    now: bigint,
  ): { a: AllocationState; m: StoredMagnitudes } {
    const index = this.assetIndex(asset);
    const a = copyAllocation(this.storedAllocation(operator, avs, index));
    const m = { ...this.storedMagnitudes(operator, index) };
    if (a.effectAt !== 0n && a.effectAt <= now) {
      if (a.pendingIncrease) {
        a.current += a.pendingDelta;
      } else {
        a.current -= a.pendingDelta;
        m.encumbered -= a.pendingDelta;
      }
      a.pendingDelta = 0n;
      a.pendingIncrease = false;
      a.effectAt = 0n;
    }
    return { a, m };
  }

  private store(operator: string, avs: string, asset: string, a: AllocationState, m: StoredMagnitudes): void {
    const index = this.assetIndex(asset);
    Object.assign(this.storedAllocation(operator, avs, index), a);
    Object.assign(this.storedMagnitudes(operator, index), m);
  }

  /** The allocation as stored (a matured change not applied yet shows as still pending). */
  storedAllocationOf(operator: string, avs: string, asset: string): AllocationState {
    return copyAllocation(this.storedAllocation(operator, avs, this.assetIndex(asset)));
  }

  /** `allocation(operator, avs, asset)`. */
  allocationView(operator: string, avs: string, asset: string, now: bigint): AllocationState {
    return this.matured(operator, avs, asset, now).a;
  }

  /** `magnitudes(operator, asset)`: stored, with maxMagnitude = 1e18 - lost. */
  magnitudesView(operator: string, asset: string): StoredMagnitudes & { maxMagnitude: bigint } {
    const m = this.storedMagnitudes(operator, this.assetIndex(asset));
    return { ...m, maxMagnitude: WAD - m.lost };
  }

  /** The allocation delay in force for `operator` at `now`. */
  allocationDelay(operator: string, now: bigint): bigint {
    const d = this.delays.get(norm(operator));
    if (d === undefined || !d.isSet) return DEFAULT_ALLOCATION_DELAY;
    return d.effectAt <= now ? d.pendingDelay : d.delay;
  }

  request(id: bigint): RequestModel | undefined {
    return id >= 1n && id <= BigInt(this.requests.length) ? this.requests[Number(id) - 1] : undefined;
  }

  statusOf(id: bigint): bigint {
    return this.request(id)?.status ?? STATUS.None;
  }

  /* ---------------------------------------------------------------- set-up (mirrors the fixture) */

  registerAVS(avs: string, params: AVSParams): void {
    const id = BigInt(this.configs.size + 1);
    this.configs.set(norm(avs), this.toConfig(params, id));
    this.avsById.set(id, norm(avs));
  }

  registerOperator(avs: string, operator: string): void {
    this.registrations.add(`${norm(avs)}|${norm(operator)}`);
  }

  /* ---------------------------------------------------------------- actions */

  private toConfig(p: AVSParams, id: bigint): AVSConfigModel {
    let mask = 0n;
    for (const asset of p.assets) mask |= 1n << BigInt(this.assetIndex(asset));
    return {
      slasher: norm(p.slasher),
      maxSlashWad: p.maxSlashWad,
      vetoWindow: p.vetoWindow,
      vetoCommittee: norm(p.vetoCommittee),
      assetMask: mask,
      id,
      recipient: norm(p.recipient),
      registrar: norm(p.registrar),
      registered: true,
    };
  }

  /** updateAVSConfig by `avs`. */
  updateAVSConfig(avs: string, p: AVSParams, now: bigint): Outcome<{ queued: boolean; effectAt: bigint }> {
    const old = this.config(avs);
    if (p.slasher === ZERO) return revert("sm", "ZeroAddress");
    if (p.maxSlashWad === 0n || p.maxSlashWad > WAD) return revert("sm", "InvalidMaxSlash", p.maxSlashWad);
    if (p.vetoCommittee === ZERO && p.vetoWindow !== 0n) return revert("sm", "VetoWindowWithoutCommittee");
    if (p.vetoWindow > MAX_VETO_WINDOW)
      return revert("sm", "VetoWindowTooLong", p.vetoWindow, MAX_VETO_WINDOW);
    const seen = new Set<string>();
    for (const a of p.assets) {
      if (seen.has(norm(a))) return revert("sm", "InvalidAssetList");
      seen.add(norm(a));
    }
    if (p.assets.length === 0) return revert("sm", "InvalidAssetList");
    const next = this.toConfig(p, old.id);
    return {
      commit: () => {
        if (loosens(old, next)) {
          const effectAt = now + WITHDRAWAL_DELAY;
          this.pendingConfigs.set(norm(avs), { config: next, effectAt });
          return { queued: true, effectAt };
        }
        this.pendingConfigs.delete(norm(avs));
        this.configs.set(norm(avs), next);
        return { queued: false, effectAt: 0n };
      },
    };
  }

  /** applyAVSConfig(avs) by anyone. */
  applyAVSConfig(avs: string, now: bigint): Outcome<void> {
    const { config, effectAt } = this.pendingConfig(avs);
    if (config === undefined || effectAt === 0n || now < effectAt) {
      return revert("sm", "NoPendingConfig", norm(avs), effectAt);
    }
    return {
      commit: () => {
        this.pendingConfigs.delete(norm(avs));
        this.configs.set(norm(avs), config);
      },
    };
  }

  /** registerOperatorToAVS by `operator` (a registered operator; no AVS here has a registrar). */
  registerOperatorToAVS(operator: string, avs: string): Outcome<void> {
    if (this.isRegistered(avs, operator)) return revert("sm", "AlreadyRegistered", norm(operator), norm(avs));
    return { commit: () => this.registerOperator(avs, operator) };
  }

  /** deregisterOperatorFromAVS by `operator`. Allocations stay (and stay slashable). */
  deregisterOperatorFromAVS(operator: string, avs: string): Outcome<void> {
    if (!this.isRegistered(avs, operator)) return revert("sm", "NotRegistered", norm(operator), norm(avs));
    return { commit: () => void this.registrations.delete(`${norm(avs)}|${norm(operator)}`) };
  }

  /** setAllocationDelay by `operator` (a registered operator). */
  setAllocationDelay(operator: string, delay: bigint, now: bigint): Outcome<{ effectAt: bigint }> {
    if (delay > MAX_ALLOCATION_DELAY)
      return revert("sm", "AllocationDelayTooLong", delay, MAX_ALLOCATION_DELAY);
    return {
      commit: () => {
        const current = this.allocationDelay(operator, now);
        const effectAt = now + current;
        this.delays.set(norm(operator), { delay: current, pendingDelay: delay, effectAt, isSet: true });
        return { effectAt };
      },
    };
  }

  /** modifyAllocation by `operator`. */
  modifyAllocation(
    operator: string,
    avs: string,
    asset: string,
    magnitude: bigint,
    now: bigint,
  ): Outcome<{ effectAt: bigint }> {
    const { a, m } = this.matured(operator, avs, asset, now);
    if (a.effectAt !== 0n) return revert("sm", "PendingAllocationChange", a.effectAt);
    let effectAt: bigint;
    if (magnitude > a.current) {
      if (!this.isRegistered(avs, operator)) return revert("sm", "NotRegistered", norm(operator), norm(avs));
      if (!this.accepts(avs, asset)) return revert("sm", "AssetNotAccepted", norm(avs), norm(asset));
      const delta = magnitude - a.current;
      const available = WAD - m.lost - m.encumbered;
      if (delta > available) return revert("sm", "InsufficientMagnitude", available, delta);
      m.encumbered += delta;
      effectAt = now + this.allocationDelay(operator, now);
      a.pendingDelta = delta;
      a.pendingIncrease = true;
    } else if (magnitude < a.current) {
      effectAt = now + WITHDRAWAL_DELAY;
      a.pendingDelta = a.current - magnitude;
      a.pendingIncrease = false;
    } else {
      return revert("sm", "AllocationUnchanged", magnitude);
    }
    a.effectAt = effectAt;
    return {
      commit: () => {
        this.store(operator, avs, asset, a, m);
        return { effectAt };
      },
    };
  }

  /** applyPendingAllocation by anyone: stores a matured change (a no-op otherwise). */
  applyPendingAllocation(operator: string, avs: string, asset: string, now: bigint): Outcome<void> {
    const { a, m } = this.matured(operator, avs, asset, now);
    return { commit: () => this.store(operator, avs, asset, a, m) };
  }

  /**
   * requestSlash by `caller`. `reserve(operator, asset, magnitude, freeMagnitude)` is the vault's reservation (it
   * returns the amount); it runs only on commit.
   */
  requestSlash(
    caller: string,
    avs: string,
    operator: string,
    wadFraction: bigint,
    now: bigint,
    reserve: (operator: string, asset: string, magnitude: bigint, free: bigint) => bigint,
  ): Outcome<RequestModel> {
    const config = this.config(avs);
    if (norm(caller) !== config.slasher || config.slasher === ZERO) {
      return revert("sm", "NotSlasher", norm(caller), norm(avs));
    }
    if (wadFraction === 0n || wadFraction > config.maxSlashWad) {
      return revert("sm", "InvalidSlashFraction", wadFraction, config.maxSlashWad);
    }
    const executableAt = config.vetoCommittee === ZERO ? now : now + config.vetoWindow;
    const takes = this.acceptedAssets(avs).filter(
      (asset) => slashMagnitude(this.matured(operator, avs, asset, now).a.current, wadFraction) !== 0n,
    );
    if (takes.length === 0) return revert("sm", "NothingToSlash", norm(operator), norm(avs));
    return {
      commit: () => {
        const slashed: SlashedAssetModel[] = [];
        for (const asset of takes) {
          const { a, m } = this.matured(operator, avs, asset, now);
          const s = slashMagnitude(a.current, wadFraction);
          let cut = 0n;
          if (a.effectAt !== 0n && !a.pendingIncrease) {
            const scaled = scaledPendingDecrease(a.pendingDelta, a.current, s);
            cut = a.pendingDelta - scaled;
            a.pendingDelta = scaled;
          }
          a.current -= s;
          const free = WAD - m.lost - m.reserved;
          m.reserved += s;
          this.store(operator, avs, asset, a, m);
          const amount = reserve(operator, asset, s, free);
          slashed.push({
            assetIndex: BigInt(this.assetIndex(asset)),
            magnitude: s,
            deallocationCut: cut,
            amount,
          });
        }
        const r: RequestModel = {
          id: BigInt(this.requests.length + 1),
          avs: norm(avs),
          avsId: config.id,
          operator: norm(operator),
          executableAt,
          status: STATUS.Pending,
          slashed,
        };
        this.requests.push(r);
        return r;
      },
    };
  }

  private requirePending(id: bigint): RequestModel | Revert {
    const r = this.request(id);
    if (r === undefined || r.status !== STATUS.Pending) {
      return { target: "sm", error: "InvalidSlashStatus", args: [id, this.statusOf(id)] };
    }
    return r;
  }

  /** Gives a request's magnitude back to its allocation and its reservation back to the pool. */
  private cancel(
    r: RequestModel,
    status: bigint,
    now: bigint,
    release: (operator: string, asset: string, amount: bigint) => void,
  ): void {
    r.status = status;
    for (const s of r.slashed) {
      const asset = this.assets[Number(s.assetIndex)];
      const { a, m } = this.matured(r.operator, r.avs, asset, now);
      if (a.effectAt !== 0n && !a.pendingIncrease) {
        a.pendingDelta += s.deallocationCut;
        a.current += s.magnitude;
      } else {
        a.current += s.magnitude - s.deallocationCut;
        m.encumbered -= s.deallocationCut;
      }
      m.reserved -= s.magnitude;
      this.store(r.operator, r.avs, asset, a, m);
      release(r.operator, asset, s.amount);
    }
  }

  /** vetoSlash by `caller`. */
  vetoSlash(
    caller: string,
    id: bigint,
    now: bigint,
    release: (operator: string, asset: string, amount: bigint) => void,
  ): Outcome<RequestModel> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    if (norm(caller) !== this.config(r.avs).vetoCommittee) {
      return revert("sm", "NotVetoCommittee", norm(caller), r.avs);
    }
    if (now >= r.executableAt) return revert("sm", "VetoWindowClosed", id, r.executableAt);
    return {
      commit: () => {
        this.cancel(r, STATUS.Vetoed, now, release);
        return r;
      },
    };
  }

  /** cancelSlash by `caller`: the slasher at any time, anyone once expired. */
  cancelSlash(
    caller: string,
    id: bigint,
    now: bigint,
    release: (operator: string, asset: string, amount: bigint) => void,
  ): Outcome<RequestModel> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    if (norm(caller) !== this.config(r.avs).slasher && now < r.executableAt + EXECUTION_WINDOW) {
      return revert("sm", "NotCancellable", id, norm(caller));
    }
    return {
      commit: () => {
        this.cancel(r, STATUS.Cancelled, now, release);
        return r;
      },
    };
  }

  /** executeSlash by anyone. `execute` moves the amount out of the pool (to the escrow). */
  executeSlash(
    id: bigint,
    now: bigint,
    execute: (operator: string, asset: string, amount: bigint) => void,
  ): Outcome<RequestModel> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    if (now < r.executableAt) return revert("sm", "SlashNotExecutable", id, r.executableAt);
    const expiresAt = r.executableAt + EXECUTION_WINDOW;
    if (now >= expiresAt) return revert("sm", "SlashExpired", id, expiresAt);
    return {
      commit: () => {
        r.status = STATUS.Executed;
        for (const s of r.slashed) {
          const m = this.storedMagnitudes(r.operator, Number(s.assetIndex));
          m.lost += s.magnitude;
          m.encumbered -= s.magnitude;
          m.reserved -= s.magnitude;
          execute(r.operator, this.assets[Number(s.assetIndex)], s.amount);
        }
        return r;
      },
    };
  }

  /** releaseSlashedFunds by anyone: pays the AVS's current recipient (or the burn address). */
  releaseSlashedFunds(id: bigint): Outcome<{ request: RequestModel; recipient: string }> {
    const r = this.request(id);
    if (r === undefined || r.status !== STATUS.Executed) {
      return revert("sm", "InvalidSlashStatus", id, this.statusOf(id));
    }
    const recipient =
      this.config(r.avs).recipient === ZERO ? norm(BURN_ADDRESS) : this.config(r.avs).recipient;
    return {
      commit: () => {
        r.status = STATUS.FundsReleased;
        return { request: r, recipient };
      },
    };
  }

  /* ---------------------------------------------------------------- consistency */

  /**
   * Internal accounting the contract must keep, per operator and asset (on the effective state at `now`):
   *   encumbered == sum over AVSs of (current + pending increase) + reserved;  lost + encumbered <= 1e18;
   *   reserved == the magnitudes of the pending requests.
   */
  consistency(operators: string[], now: bigint): string[] {
    const out: string[] = [];
    for (const operator of operators) {
      for (const asset of this.assets) {
        const index = this.assetIndex(asset);
        const m = this.storedMagnitudes(operator, index);
        let encumbered = m.encumbered;
        let expected = m.reserved;
        for (const avs of this.avsList()) {
          const stored = this.storedAllocation(operator, avs, index);
          if (stored.effectAt !== 0n && stored.effectAt <= now && !stored.pendingIncrease) {
            encumbered -= stored.pendingDelta;
          }
          const a = this.matured(operator, avs, asset, now).a;
          expected += a.current + (a.effectAt !== 0n && a.pendingIncrease ? a.pendingDelta : 0n);
        }
        const reserved = this.requests
          .filter((r) => r.status === STATUS.Pending && r.operator === norm(operator))
          .flatMap((r) => r.slashed.filter((s) => s.assetIndex === BigInt(index)))
          .reduce((sum, s) => sum + s.magnitude, 0n);
        const where = `(${operator}, ${asset})`;
        if (encumbered !== expected)
          out.push(`${where}: encumbered ${encumbered} != allocated + reserved ${expected}`);
        if (m.lost + encumbered > WAD) out.push(`${where}: lost ${m.lost} + encumbered ${encumbered} > 1e18`);
        if (m.reserved !== reserved)
          out.push(`${where}: reserved ${m.reserved} != pending requests ${reserved}`);
      }
    }
    return out;
  }
}

/** SlashingManager._loosens: whether `next` lets the AVS take more, sooner, from more assets, or pay elsewhere. */
export function loosens(old: AVSConfigModel, next: AVSConfigModel): boolean {
  if (next.slasher !== old.slasher || next.maxSlashWad > old.maxSlashWad) return true;
  if (next.recipient !== old.recipient) return true;
  if ((next.assetMask & ~old.assetMask) !== 0n) return true;
  if (old.vetoCommittee !== ZERO) {
    if (next.vetoCommittee !== old.vetoCommittee || next.vetoWindow < old.vetoWindow) return true;
  }
  return false;
}

/** The whole protocol: vault, registry rules, slashing manager and token balances. */
export class ProtocolModel {
  readonly vault: VaultModel;
  readonly sm: SlashingModel;
  readonly assets: string[];
  private readonly operators = new Set<string>();
  private readonly withdrawers = new Map<string, string>();
  private readonly caps = new Map<string, bigint>();
  private readonly wallets = new Map<string, bigint>();

  constructor(
    assets: string[],
    readonly vaultAddress: string,
    readonly smAddress: string,
  ) {
    this.assets = assets.map(norm);
    this.vault = new VaultModel(this.assets);
    this.sm = new SlashingModel(this.assets);
  }

  /* ---------------------------------------------------------------- set-up */

  /** A registered operator: delegated to itself. */
  addOperator(operator: string): void {
    this.operators.add(norm(operator));
    this.vault.delegate(operator, operator);
  }

  isOperator(account: string): boolean {
    return this.operators.has(norm(account));
  }

  setWithdrawer(staker: string, withdrawer: string): void {
    this.withdrawers.set(norm(staker), norm(withdrawer));
  }

  withdrawerOf(staker: string): string {
    return this.withdrawers.get(norm(staker)) ?? ZERO;
  }

  setCap(asset: string, cap: bigint): void {
    this.caps.set(norm(asset), cap);
  }

  cap(asset: string): bigint {
    const c = this.caps.get(norm(asset));
    if (c === undefined) throw new Error(`model: no cap for ${asset}`);
    return c;
  }

  /* ---------------------------------------------------------------- balances */

  wallet(account: string, asset: string): bigint {
    return this.wallets.get(`${norm(account)}|${norm(asset)}`) ?? 0n;
  }

  setWallet(account: string, asset: string, amount: bigint): void {
    this.wallets.set(`${norm(account)}|${norm(asset)}`, amount);
  }

  private move(from: string, to: string, asset: string, amount: bigint): void {
    const balance = this.wallet(from, asset);
    if (amount > balance) throw new Error(`model: ${from} pays ${amount} ${asset} but holds ${balance}`);
    this.setWallet(from, asset, balance - amount);
    this.setWallet(to, asset, this.wallet(to, asset) + amount);
  }

  /** Every (account, asset) balance the model tracks. */
  walletEntries(): Array<[string, string, bigint]> {
    return [...this.wallets.entries()].map(([key, v]) => {
      const [account, asset] = key.split("|");
      return [account, asset, v];
    });
  }

  /** assetConfig(asset).totalDeposited: the sum of the asset's pools. */
  totalDeposited(asset: string): bigint {
    return this.vault
      .poolEntries()
      .filter(([, a]) => a === norm(asset))
      .reduce((sum, [, , p]) => sum + p.totalAssets, 0n);
  }

  /* ---------------------------------------------------------------- vault and registry actions */

  deposit(staker: string, asset: string, amount: bigint, minShares: bigint): Outcome<bigint> {
    if (amount === 0n) return revert("vault", "ZeroAmount");
    const total = this.totalDeposited(asset) + amount;
    if (total > this.cap(asset)) return revert("vault", "CapExceeded", norm(asset), this.cap(asset), total);
    const operator = this.vault.operatorOf(staker);
    const pool = this.vault.pool(operator, asset);
    if (operator !== ZERO && pool.pendingSlash !== 0n) {
      return revert("vault", "PoolSlashPending", operator, norm(asset), pool.pendingSlash);
    }
    const shares = toSharesDown(amount, pool.totalAssets, pool.totalShares);
    if (shares === 0n || shares < minShares) return revert("vault", "SharesBelowMinimum", shares, minShares);
    const balance = this.wallet(staker, asset);
    if (balance < amount) {
      return {
        revert: {
          target: "token",
          error: "ERC20InsufficientBalance",
          args: [norm(staker), balance, amount],
          asset: norm(asset),
        },
      };
    }
    return {
      commit: () => {
        this.move(staker, this.vaultAddress, asset, amount);
        return this.vault.deposit(staker, asset, amount);
      },
    };
  }

  /** registry.delegateTo(operator) by `staker` (no operator here has a delegation approver). */
  delegateTo(staker: string, operator: string): Outcome<ModelMove[]> {
    if (!this.isOperator(operator)) return revert("registry", "NotOperator", norm(operator));
    const current = this.vault.operatorOf(staker);
    if (current !== ZERO) return revert("vault", "AlreadyDelegated", norm(staker), current);
    for (const asset of this.assets) {
      const pending = this.vault.pool(operator, asset).pendingSlash;
      if (this.vault.sharesOf(staker, asset) !== 0n && pending !== 0n) {
        return revert("vault", "PoolSlashPending", norm(operator), asset, pending);
      }
    }
    return { commit: () => this.vault.delegate(staker, operator) };
  }

  private checkUndelegate(caller: string, staker: string): Revert | undefined {
    if (this.isOperator(staker))
      return { target: "registry", error: "OperatorCannotUndelegate", args: [norm(staker)] };
    const operator = this.vault.operatorOf(staker);
    if (operator === ZERO) return { target: "registry", error: "StakerNotDelegated", args: [norm(staker)] };
    if (norm(caller) !== norm(staker) && norm(caller) !== operator) {
      return { target: "registry", error: "NotAuthorizedToUndelegate", args: [norm(caller), norm(staker)] };
    }
    return undefined;
  }

  /** registry.undelegate(staker) by `caller`: queues every share. */
  undelegate(caller: string, staker: string, now: bigint): Outcome<{ operator: string; ids: bigint[] }> {
    const r = this.checkUndelegate(caller, staker);
    if (r !== undefined) return { revert: r };
    return {
      commit: () => {
        const operator = this.vault.operatorOf(staker);
        return { operator, ids: this.vault.undelegate(staker, now) };
      },
    };
  }

  /** registry.redelegate(newOperator) by `staker`: queues every share, then delegates (moving nothing). */
  redelegate(staker: string, newOperator: string, now: bigint): Outcome<{ operator: string; ids: bigint[] }> {
    const r = this.checkUndelegate(staker, staker);
    if (r !== undefined) return { revert: r };
    if (!this.isOperator(newOperator)) return revert("registry", "NotOperator", norm(newOperator));
    return {
      commit: () => {
        const operator = this.vault.operatorOf(staker);
        const ids = this.vault.undelegate(staker, now);
        const moves = this.vault.delegate(staker, newOperator);
        if (moves.length !== 0) throw new Error("model: a redelegation moved shares");
        return { operator, ids };
      },
    };
  }

  queueWithdrawal(staker: string, asset: string, shares: bigint, now: bigint): Outcome<bigint> {
    if (shares === 0n) return revert("vault", "ZeroAmount");
    const held = this.vault.sharesOf(staker, asset);
    if (shares > held) return revert("vault", "InsufficientShares", norm(staker), norm(asset), held, shares);
    return { commit: () => this.vault.queue(staker, asset, shares, now) };
  }

  readyAt(id: bigint): bigint {
    const w = this.vault.withdrawals.get(id);
    if (w === undefined) throw new Error(`model: unknown withdrawal ${id}`);
    return w.startTime + WITHDRAWAL_DELAY;
  }

  /** completeWithdrawal(id, asTokens) by `caller`. */
  completeWithdrawal(caller: string, id: bigint, asTokens: boolean, now: bigint): Outcome<ModelCompletion> {
    const w = this.vault.withdrawals.get(id);
    if (w === undefined) return revert("vault", "WithdrawalNotFound", id);
    if (norm(caller) !== w.staker && norm(caller) !== this.withdrawerOf(w.staker)) {
      return revert("vault", "NotWithdrawer", id, norm(caller));
    }
    const readyAt = w.startTime + WITHDRAWAL_DELAY;
    if (now < readyAt) return revert("vault", "WithdrawalNotReady", id, readyAt);
    if (!asTokens) {
      const operator = this.vault.operatorOf(w.staker);
      const pending = this.vault.pool(operator, w.asset).pendingSlash;
      if (operator !== ZERO && pending !== 0n) {
        return revert("vault", "PoolSlashPending", operator, w.asset, pending);
      }
    }
    return {
      commit: () => {
        const c = this.vault.complete(id, asTokens);
        if (asTokens) this.move(this.vaultAddress, caller, c.asset, c.assets);
        return c;
      },
    };
  }

  /* ---------------------------------------------------------------- slashing actions (vault side wired in) */

  private readonly reserve = (operator: string, asset: string, magnitude: bigint, free: bigint): bigint =>
    this.vault.reserve(operator, asset, magnitude, free);

  private readonly release = (operator: string, asset: string, amount: bigint): void =>
    this.vault.release(operator, asset, amount);

  private readonly execute = (operator: string, asset: string, amount: bigint): void => {
    this.vault.execute(operator, asset, amount);
    this.move(this.vaultAddress, this.smAddress, asset, amount);
  };

  modifyAllocation(
    operator: string,
    avs: string,
    asset: string,
    magnitude: bigint,
    now: bigint,
  ): Outcome<{ effectAt: bigint }> {
    if (!this.isOperator(operator)) throw new Error("model: only operators allocate here");
    return this.sm.modifyAllocation(operator, avs, asset, magnitude, now);
  }

  setAllocationDelay(operator: string, delay: bigint, now: bigint): Outcome<{ effectAt: bigint }> {
    if (!this.isOperator(operator)) return revert("sm", "NotOperator", norm(operator));
    return this.sm.setAllocationDelay(operator, delay, now);
  }

  requestSlash(
    caller: string,
    avs: string,
    operator: string,
    wadFraction: bigint,
    now: bigint,
  ): Outcome<RequestModel> {
    return this.sm.requestSlash(caller, avs, operator, wadFraction, now, this.reserve);
  }

  vetoSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    return this.sm.vetoSlash(caller, id, now, this.release);
  }

  cancelSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    return this.sm.cancelSlash(caller, id, now, this.release);
  }

  executeSlash(id: bigint, now: bigint): Outcome<RequestModel> {
    return this.sm.executeSlash(id, now, this.execute);
  }

  releaseSlashedFunds(id: bigint): Outcome<{ request: RequestModel; recipient: string }> {
    const o = this.sm.releaseSlashedFunds(id);
    if (isRevert(o)) return o;
    return {
      commit: () => {
        const result = o.commit();
        for (const s of result.request.slashed) {
          this.move(this.smAddress, result.recipient, this.assets[Number(s.assetIndex)], s.amount);
        }
        return result;
      },
    };
  }

  /* ---------------------------------------------------------------- views */

  /** `allocatedStake(operator, avs, asset)` at `now`. */
  allocatedStake(operator: string, avs: string, asset: string, now: bigint): bigint {
    const { a, m } = this.sm.matured(operator, avs, asset, now);
    const p = this.vault.pool(operator, asset);
    return allocatedStakeOf(p.totalAssets - p.pendingSlash, a.current, WAD - m.lost, m.reserved);
  }

  /** `maxSlashable(operator, avs, asset)` at `now`. */
  maxSlashable(operator: string, avs: string, asset: string, now: bigint): bigint {
    return mulDivDown(this.allocatedStake(operator, avs, asset, now), this.sm.config(avs).maxSlashWad, WAD);
  }

  /**
   * Consistency of the whole model: the slashing manager's accounting, and every pool's pendingSlash equal to the
   * amounts of the pending requests on it (never above its totalAssets).
   */
  consistency(operators: string[], now: bigint): string[] {
    const out = this.sm.consistency(operators, now);
    for (const [operator, asset, p] of this.vault.poolEntries()) {
      const pending = this.sm.requests
        .filter((r) => r.status === STATUS.Pending && r.operator === operator)
        .flatMap((r) => r.slashed.filter((s) => this.assets[Number(s.assetIndex)] === asset))
        .reduce((sum, s) => sum + s.amount, 0n);
      if (p.pendingSlash !== pending) {
        out.push(
          `pool (${operator}, ${asset}): pendingSlash ${p.pendingSlash} != pending requests ${pending}`,
        );
      }
      if (p.pendingSlash > p.totalAssets)
        out.push(`pool (${operator}, ${asset}): pendingSlash > totalAssets`);
    }
    return out;
  }
}
