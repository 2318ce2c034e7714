/**
 * The BigInt model of the whole staking layer that test/model/ProtocolModel.test.ts drives at random: the vault
 * (test/model/vaultModel.ts), the slashing manager (allocations, magnitudes, AVS configurations and their SlashTerms,
 * slash requests), the operator registry's delegation rules, the vault's withdrawal delay, and every token balance the
 * protocol moves.
 *
 * Written from docs/slashing.md and docs/staking.md and the interfaces' NatSpec. Every action returns an Outcome
 * BEFORE anything changes: either the custom error (and its arguments) the chain must revert with, or a `commit` that
 * applies the action to the model once the chain has accepted it. Checks run in the order the contracts document
 * them, so that the first failing condition names the error.
 *
 * The rules of the security hardening (issue 9) it implements:
 *   - a request takes s = ceil(f * current) of each allocation (SlashingMathLib.toSlashedMagnitudeUp) and reserves
 *     floor(net * s / (maxMagnitude - reserved)); an asset whose reservation is 0 tokens is skipped (nothing moves),
 *     and NothingToSlash when every asset is;
 *   - one request per (AVS, operator, asset) allocation at a time (SlashRequestOpen while the last one is Pending) and
 *     a cooldown until its executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN (SlashCooldown);
 *   - a request skips every asset it cannot take (nothing allocated, a reservation worth 0 tokens, the AVS's last
 *     request on the allocation still Pending, its cooldown, the pool gate) and takes the others; only if it takes
 *     none does it revert, with the reason of the first skipped asset (SlashRequestOpen, SlashCooldown, PoolGated) or
 *     NothingToSlash;
 *   - the pool gate (epochs, per operator and asset): a request joins the pool's epoch within JOIN_WINDOW of its start;
 *     after that a new epoch starts only once nothing is reserved and GATE_CYCLE after the last start (PoolGated);
 *   - an execution that leaves maxMagnitude < MIN_MAX_MAGNITUDE marks the pool fully slashed (PoolFullySlashed on
 *     entry) and allocation increases revert OperatorFullySlashed;
 *   - a decrease (and the decrease a veto or cancel's restore creates) takes effect max(vault.withdrawalDelay(),
 *     MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE after it is queued;
 *   - maxSlashable reads 0 while a request made now would skip the asset for a rule (the AVS's open request or
 *     cooldown, the pool gate), else exactly what a request for the AVS's maximum fraction would take;
 *   - every increase, and every loosening AVS change (queued as a hash of its params, applied with them), takes effect
 *     at vault.latestReadyAt() + EXIT_BUFFER: after the latest ready time of any withdrawal queued so far or now
 *     (setWithdrawalDelay records the old horizon); a withdrawal's readyAt and a queued change's effectAt are fixed when
 *     queued (setWithdrawalDelay moves neither);
 *   - a request carries its SlashTerms (committee, recipient): veto by the terms' committee, release to the terms'
 *     recipient, one asset at a time; cancel by the AVS's current slasher (anyone after expiry);
 *   - a veto or cancel restores the allocation so that it ends where the operator last asked (docs/slashing.md, the
 *     restore table), also when the operator changed it after the request (`changedAfterRequest`).
 *
 * Storage laziness is modelled as the contracts expose it: a matured allocation change shows in `allocation()` and
 * `allocatedStake()` at once, but frees its magnitude in `magnitudes()` only once a call stores it (modifyAllocation,
 * applyPendingAllocation, a request that reserves on it, a veto or cancel that restores it).
 */
import { ethers } from "hardhat";

import {
  DEFAULT_WITHDRAWAL_DELAY,
  MAX_WITHDRAWAL_DELAY,
  MIN_WITHDRAWAL_DELAY,
  WAD,
} from "../helpers/fixtures";
import {
  BURN_ADDRESS,
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  REOPEN_WINDOW,
  exitOpensAtOf,
  MAX_VETO_WINDOW,
  MIN_MAX_MAGNITUDE,
  STATUS,
  ZERO,
  allocatedStakeOf,
  deallocationDelayFor,
  isFullySlashed,
  nextRequestAtOf,
  scaledPendingDecrease,
  slashMagnitude,
  type AVSParams,
} from "../helpers/slashingFixtures";
import { mulDivDown } from "../helpers/sharesMath";
import { VaultModel, type CompletionModel, type MoveModel } from "./vaultModel";

export { MIN_MAX_MAGNITUDE };

/** SlashingManager.EXIT_BUFFER: an increase or loosening change waits this long after the latest ready time. */
export { EXIT_BUFFER };
/** RestakingVault.EXIT_MARGIN: how long a withdrawal held by its pool's epoch waits beyond the gate. */
export { EXIT_MARGIN };
/** The pool gate (SlashingManager.JOIN_WINDOW, REOPEN_WINDOW, GATE_CYCLE; test/helpers/slashingFixtures.ts). */
export { GATE_CYCLE, JOIN_WINDOW, REOPEN_WINDOW };

/** The contract whose custom error an action must revert with ("token" = the asset's ERC-20). */
/** "rd": the RewardDistributor (the property test's reward and admin commands). */
export type RevertTarget = "vault" | "registry" | "sm" | "rd" | "token" | "lrt" | "lrtToken" | "oracle";

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

/** DEFAULT_ADMIN_ROLE of AccessControl. */
export const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;

/** An AVS configuration as `avsConfig` / `pendingAVSConfig` report it. */
export interface AVSConfigModel {
  slasher: string;
  maxSlashWad: bigint;
  vetoWindow: bigint;
  vetoCommittee: string;
  assetMask: bigint;
  id: bigint;
  termsId: bigint;
  recipient: string;
  registrar: string;
  registered: boolean;
}

/** A SlashTerms record. */
export interface TermsModel {
  vetoCommittee: string;
  avsId: bigint;
  recipient: string;
}

/** An allocation as `allocation()` reports it. */
export interface AllocationModel {
  current: bigint;
  pendingDelta: bigint;
  pendingIncrease: boolean;
  effectAt: bigint;
  changedAfterRequest: boolean;
  openRequest: bigint;
}

/** Stored magnitudes of an operator in one asset; `gateAt`: when its pool's current request epoch started. */
export interface StoredMagnitudes {
  lost: bigint;
  encumbered: bigint;
  reserved: bigint;
  gateAt: bigint;
}

/** A queued loosening AVS change: its params (what applyAVSConfig must be given), their hash and effect time. */
export interface QueuedConfig {
  params: AVSParams;
  config: AVSConfigModel;
  paramsHash: string;
  effectAt: bigint;
}

/** keccak256(abi.encode(params)) of an AVSParams tuple, as the manager records a queued change. */
export function paramsHash(p: AVSParams): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["tuple(address,address,uint32,uint64,address,address,address[])"],
      [[p.slasher, p.vetoCommittee, p.vetoWindow, p.maxSlashWad, p.recipient, p.registrar, p.assets]],
    ),
  );
}

export interface SlashedAssetModel {
  assetIndex: bigint;
  magnitude: bigint;
  deallocationCut: bigint;
  amount: bigint;
  released: boolean;
}

export interface RequestModel {
  id: bigint;
  avs: string;
  termsId: bigint;
  operator: string;
  wadFraction: bigint;
  executableAt: bigint;
  status: bigint;
  slashed: SlashedAssetModel[];
}

/** What a request found in one asset the AVS accepts (for the driver's coverage and checks). */
export interface AssetExamined {
  asset: string;
  /** The allocation's current magnitude (matured). */
  current: bigint;
  /** The pool's net assets. */
  net: bigint;
  /** The magnitude the request would take (0 when nothing is allocated). */
  magnitude: bigint;
  /** The tokens it reserves (0: the asset is skipped). */
  amount: bigint;
  /** Why the request skips the asset although it would reserve tokens (the custom error it would revert with). */
  refused?: Revert;
}

function copyAllocation(a: AllocationModel): AllocationModel {
  return { ...a };
}

const EMPTY_ALLOCATION: AllocationModel = {
  current: 0n,
  pendingDelta: 0n,
  pendingIncrease: false,
  effectAt: 0n,
  changedAfterRequest: false,
  openRequest: 0n,
};

/** The slashing manager: AVSs and their terms, registrations, allocations, magnitudes and requests. */
export class SlashingModel {
  private readonly configs = new Map<string, AVSConfigModel>();
  private readonly pendingConfigs = new Map<string, QueuedConfig>();
  private readonly avsById = new Map<bigint, string>();
  readonly terms: TermsModel[] = [];
  private readonly registrations = new Set<string>();
  private readonly allocations = new Map<string, AllocationModel>();
  private readonly mags = new Map<string, StoredMagnitudes>();
  readonly requests: RequestModel[] = [];
  /** Which rule of the restore table each asset of the last veto or cancel took (docs/slashing.md). */
  lastRestores: string[] = [];

  constructor(
    readonly assets: string[],
    private readonly vault: VaultModel,
    private readonly withdrawalDelay: () => bigint,
    private readonly latestReadyAt: (now: bigint) => bigint,
  ) {}

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

  /** The queued change of `avs`, if any. */
  queuedConfig(avs: string): QueuedConfig | undefined {
    return this.pendingConfigs.get(norm(avs));
  }

  /** `pendingAVSConfig(avs)`: the hash of the queued params and their effect time (zeros when none). */
  pendingConfig(avs: string): { paramsHash: string; effectAt: bigint } {
    const q = this.pendingConfigs.get(norm(avs));
    return q === undefined
      ? { paramsHash: ethers.ZeroHash, effectAt: 0n }
      : { paramsHash: q.paramsHash, effectAt: q.effectAt };
  }

  avsList(): string[] {
    return [...this.configs.keys()];
  }

  avsAt(id: bigint): string {
    const avs = this.avsById.get(id);
    if (avs === undefined) throw new Error(`model: no AVS ${id}`);
    return avs;
  }

  /** `slashTerms(termsId)` (ids from 1; an unknown id reads as zeros). */
  termsOf(termsId: bigint): TermsModel {
    return this.terms[Number(termsId) - 1] ?? { vetoCommittee: ZERO, avsId: 0n, recipient: ZERO };
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

  private storedAllocation(operator: string, avs: string, index: number): AllocationModel {
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
      m = { lost: 0n, encumbered: 0n, reserved: 0n, gateAt: 0n };
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
  ): { a: AllocationModel; m: StoredMagnitudes } {
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

  private store(operator: string, avs: string, asset: string, a: AllocationModel, m: StoredMagnitudes): void {
    const index = this.assetIndex(asset);
    Object.assign(this.storedAllocation(operator, avs, index), a);
    Object.assign(this.storedMagnitudes(operator, index), m);
  }

  /** The allocation as stored (a matured change not applied yet shows as still pending). */
  storedAllocationOf(operator: string, avs: string, asset: string): AllocationModel {
    return copyAllocation(this.storedAllocation(operator, avs, this.assetIndex(asset)));
  }

  /** `allocation(operator, avs, asset)`. */
  allocationView(operator: string, avs: string, asset: string, now: bigint): AllocationModel {
    return this.matured(operator, avs, asset, now).a;
  }

  /** `magnitudes(operator, asset)`: stored, with maxMagnitude = 1e18 - lost. */
  magnitudesView(operator: string, asset: string): StoredMagnitudes & { maxMagnitude: bigint } {
    const m = this.storedMagnitudes(operator, this.assetIndex(asset));
    return { ...m, maxMagnitude: WAD - m.lost };
  }

  /** `allocationDelay()` at `now`: until vault.latestReadyAt() + EXIT_BUFFER. */
  allocationDelay(now: bigint): bigint {
    return this.latestReadyAt(now) + EXIT_BUFFER - now;
  }

  /**
   * The deallocation delay: a decrease (and the decrease a restore creates) stays slashable max(vault.withdrawalDelay(),
   * MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE, so that an AVS deciding to slash within a
   * withdrawal delay of its announcement (or whose cooldown ends then) reaches a join window or an open pool before it
   * matures.
   */
  deallocationDelay(): bigint {
    return deallocationDelayFor(this.withdrawalDelay());
  }

  /**
   * Whether a request of `avs` made at `now` would skip `operator`'s allocated `asset` for a rule, whatever its
   * fraction: the AVS's last request on the allocation Pending (an expired one stays open until cancelled) or cooling
   * down, or the pool's epoch closed to new requests (past its join window, and pending requests or GATE_CYCLE not
   * over). `maxSlashable` reads 0 exactly then.
   */
  requestSkips(operator: string, avs: string, asset: string, now: bigint): boolean {
    const { a, m } = this.matured(operator, avs, asset, now);
    if (a.current === 0n) return false;
    if (a.openRequest !== 0n) {
      if (this.statusOf(a.openRequest) === STATUS.Pending) return true;
      if (now < this.nextRequestAt(a.openRequest)) return true;
    }
    const start = m.gateAt;
    return start !== 0n && now >= start + JOIN_WINDOW && (m.reserved !== 0n || now < start + GATE_CYCLE);
  }

  /** When the AVS of request `id` may next touch an allocation that request touched (its cooldown's end). */
  nextRequestAt(id: bigint): bigint {
    const r = this.request(id);
    return r === undefined ? 0n : nextRequestAtOf(r.executableAt);
  }

  request(id: bigint): RequestModel | undefined {
    return id >= 1n && id <= BigInt(this.requests.length) ? this.requests[Number(id) - 1] : undefined;
  }

  statusOf(id: bigint): bigint {
    return this.request(id)?.status ?? STATUS.None;
  }

  /** Who a release under SlashTerms `termsId` pays: its recipient, or the burn address. */
  recipientOfTerms(termsId: bigint): string {
    const recipient = this.termsOf(termsId).recipient;
    return recipient === ZERO ? norm(BURN_ADDRESS) : recipient;
  }

  /** The recipient a release of request `r` pays: its terms' recipient, or the burn address. */
  recipientOf(r: RequestModel): string {
    return this.recipientOfTerms(r.termsId);
  }

  /* ---------------------------------------------------------------- set-up (mirrors the fixture) */

  registerAVS(avs: string, params: AVSParams): void {
    const id = BigInt(this.configs.size + 1);
    this.avsById.set(id, norm(avs));
    this.storeConfig(avs, this.toConfig(params, id), 0n, ZERO, ZERO);
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
      termsId: 0n,
      recipient: norm(p.recipient),
      registrar: norm(p.registrar),
      registered: true,
    };
  }

  /** SlashingManager._storeConfig: a new SlashTerms record when the committee or the recipient changes. */
  private storeConfig(
    avs: string,
    config: AVSConfigModel,
    termsId: bigint,
    oldCommittee: string,
    oldRecipient: string,
  ): void {
    let id = termsId;
    if (id === 0n || config.vetoCommittee !== oldCommittee || config.recipient !== oldRecipient) {
      this.terms.push({ vetoCommittee: config.vetoCommittee, avsId: config.id, recipient: config.recipient });
      id = BigInt(this.terms.length);
    }
    this.configs.set(norm(avs), { ...config, termsId: id });
  }

  /** updateAVSConfig by `avs`. */
  updateAVSConfig(avs: string, p: AVSParams, now: bigint): Outcome<{ queued: boolean; effectAt: bigint }> {
    const old = this.config(avs);
    if (p.slasher === ZERO) return revert("sm", "ZeroAddress");
    if (p.maxSlashWad === 0n || p.maxSlashWad > WAD) return revert("sm", "InvalidMaxSlash", p.maxSlashWad);
    if (p.vetoCommittee === ZERO && p.vetoWindow !== 0n) return revert("sm", "VetoWindowWithoutCommittee");
    if (p.vetoWindow > MAX_VETO_WINDOW)
      return revert("sm", "VetoWindowTooLong", p.vetoWindow, MAX_VETO_WINDOW);
    if (p.assets.length === 0) return revert("sm", "InvalidAssetList");
    const seen = new Set<string>();
    for (const a of p.assets) {
      if (seen.has(norm(a))) return revert("sm", "InvalidAssetList");
      seen.add(norm(a));
    }
    const next = this.toConfig(p, old.id);
    return {
      commit: () => {
        if (loosens(old, next)) {
          const effectAt = this.latestReadyAt(now) + EXIT_BUFFER;
          this.pendingConfigs.set(norm(avs), {
            params: p,
            config: next,
            paramsHash: paramsHash(p),
            effectAt,
          });
          return { queued: true, effectAt };
        }
        this.pendingConfigs.delete(norm(avs));
        this.storeConfig(avs, next, old.termsId, old.vetoCommittee, old.recipient);
        return { queued: false, effectAt: 0n };
      },
    };
  }

  /** applyAVSConfig(avs, params) by anyone: `params` must be the queued ones. */
  applyAVSConfig(avs: string, params: AVSParams, now: bigint): Outcome<void> {
    const q = this.pendingConfigs.get(norm(avs));
    if (q === undefined || now < q.effectAt)
      return revert("sm", "NoPendingConfig", norm(avs), q?.effectAt ?? 0n);
    if (paramsHash(params) !== q.paramsHash)
      return revert("sm", "PendingConfigMismatch", norm(avs), q.paramsHash);
    return {
      commit: () => {
        this.pendingConfigs.delete(norm(avs));
        const old = this.config(avs);
        this.storeConfig(avs, q.config, old.termsId, old.vetoCommittee, old.recipient);
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
    // a veto or cancel of the AVS's open request will restore towards the target asked here
    if (a.openRequest !== 0n && this.statusOf(a.openRequest) === STATUS.Pending) a.changedAfterRequest = true;
    let effectAt: bigint;
    if (magnitude > a.current) {
      if (!this.isRegistered(avs, operator)) return revert("sm", "NotRegistered", norm(operator), norm(avs));
      if (!this.accepts(avs, asset)) return revert("sm", "AssetNotAccepted", norm(avs), norm(asset));
      const maxMagnitude = WAD - m.lost;
      if (isFullySlashed(maxMagnitude)) {
        return revert("sm", "OperatorFullySlashed", norm(operator), norm(asset), maxMagnitude);
      }
      const delta = magnitude - a.current;
      const available = maxMagnitude - m.encumbered;
      if (delta > available) return revert("sm", "InsufficientMagnitude", available, delta);
      m.encumbered += delta;
      effectAt = now + this.allocationDelay(now);
      a.pendingDelta = delta;
      a.pendingIncrease = true;
    } else if (magnitude < a.current) {
      effectAt = now + this.deallocationDelay();
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
   * What a request of `wadFraction` by `avs` against `operator` would find in every asset the AVS accepts (in asset
   * index order): what it would take, or why it skips the asset; and the first refusal (the error the request reverts
   * with if it takes nothing). `gateAt`: the epoch start each asset taken would store.
   */
  examine(
    avs: string,
    operator: string,
    wadFraction: bigint,
    now: bigint,
  ): { assets: Array<AssetExamined & { gateAt: bigint }>; refusal?: Revert } {
    const assets: Array<AssetExamined & { gateAt: bigint }> = [];
    let refusal: Revert | undefined;
    const refuse = (e: AssetExamined & { gateAt: bigint }, r: Revert): void => {
      assets.push({ ...e, refused: r });
      refusal ??= r;
    };
    for (const asset of this.acceptedAssets(avs)) {
      const { a, m } = this.matured(operator, avs, asset, now);
      const net = this.vault.netAssets(operator, asset);
      const skipped = { asset, current: a.current, net, magnitude: 0n, amount: 0n, gateAt: m.gateAt };
      if (a.current === 0n) {
        assets.push(skipped);
        continue;
      }
      if (a.openRequest !== 0n) {
        // an expired request stays open until someone cancels it
        if (this.statusOf(a.openRequest) === STATUS.Pending) {
          refuse(skipped, {
            target: "sm",
            error: "SlashRequestOpen",
            args: [norm(avs), norm(operator), asset],
          });
          continue;
        }
        const nextRequestAt = this.nextRequestAt(a.openRequest);
        if (now < nextRequestAt) {
          const args = [norm(avs), norm(operator), asset, nextRequestAt];
          refuse(skipped, { target: "sm", error: "SlashCooldown", args });
          continue;
        }
      }
      const s = slashMagnitude(a.current, wadFraction);
      const amount = this.vault.reservation(operator, asset, s, WAD - m.lost - m.reserved);
      // no magnitude moves without tokens, and a reservation worth nothing is not gated
      if (amount === 0n) {
        assets.push({ ...skipped, magnitude: s });
        continue;
      }
      // the pool gate: join the current epoch, or start a new one once the last one is over
      let start = m.gateAt;
      if (start !== 0n && now >= start + JOIN_WINDOW) {
        if (m.reserved !== 0n || now < start + GATE_CYCLE) {
          const args = [norm(operator), asset, start + GATE_CYCLE];
          refuse({ ...skipped, magnitude: s }, { target: "sm", error: "PoolGated", args });
          continue;
        }
        start = 0n;
      }
      assets.push({
        asset,
        current: a.current,
        net,
        magnitude: s,
        amount,
        gateAt: start === 0n ? now : start,
      });
    }
    return { assets, refusal };
  }

  /** requestSlash by `caller`. */
  requestSlash(
    caller: string,
    avs: string,
    operator: string,
    wadFraction: bigint,
    now: bigint,
  ): Outcome<RequestModel> {
    const config = this.config(avs);
    if (norm(caller) !== config.slasher || config.slasher === ZERO) {
      return revert("sm", "NotSlasher", norm(caller), norm(avs));
    }
    if (wadFraction === 0n || wadFraction > config.maxSlashWad) {
      return revert("sm", "InvalidSlashFraction", wadFraction, config.maxSlashWad);
    }
    const examined = this.examine(avs, operator, wadFraction, now);
    const takes = examined.assets.filter((e) => e.amount !== 0n && e.refused === undefined);
    if (takes.length === 0) {
      return examined.refusal !== undefined
        ? { revert: examined.refusal }
        : revert("sm", "NothingToSlash", norm(operator), norm(avs));
    }
    const executableAt = now + config.vetoWindow;
    const id = BigInt(this.requests.length + 1);
    return {
      commit: () => {
        const slashed: SlashedAssetModel[] = [];
        for (const e of takes) {
          const { a, m } = this.matured(operator, avs, e.asset, now);
          const s = e.magnitude;
          const free = WAD - m.lost - m.reserved;
          const amount = this.vault.reserve(operator, e.asset, s, free);
          if (amount !== e.amount)
            throw new Error("model: the reservation changed between examine and commit");
          let cut = 0n;
          if (a.effectAt !== 0n && !a.pendingIncrease) {
            // a pending deallocation shrinks with the allocation
            const scaled = scaledPendingDecrease(a.pendingDelta, a.current, s);
            cut = a.pendingDelta - scaled;
            a.pendingDelta = scaled;
          }
          a.current -= s;
          a.openRequest = id;
          a.changedAfterRequest = false;
          m.gateAt = e.gateAt;
          m.reserved += s;
          this.store(operator, avs, e.asset, a, m);
          slashed.push({
            assetIndex: BigInt(this.assetIndex(e.asset)),
            magnitude: s,
            deallocationCut: cut,
            amount,
            released: false,
          });
        }
        const r: RequestModel = {
          id,
          avs: norm(avs),
          termsId: config.termsId,
          operator: norm(operator),
          wadFraction,
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

  /**
   * SlashingManager._restore for every asset of a vetoed or cancelled request: the allocation ends where the operator
   * last asked, and the reservation goes back to the pool.
   */
  private cancel(r: RequestModel, status: bigint, now: bigint): void {
    r.status = status;
    this.lastRestores = [];
    const expired = now >= r.executableAt + EXECUTION_WINDOW;
    for (const x of r.slashed) {
      const asset = this.assets[Number(x.assetIndex)];
      const { a, m } = this.matured(r.operator, r.avs, asset, now);
      const [s, cut] = [x.magnitude, x.deallocationCut];
      const back = s - cut;
      const decreasePending = a.effectAt !== 0n && !a.pendingIncrease;
      if (!a.changedAfterRequest) {
        if (decreasePending) {
          // with no change since, a pending decrease is the one the request scaled: its cut goes back to it
          this.lastRestores.push("the scaled decrease is still pending: the cut goes back to it");
          a.current += s;
          a.pendingDelta += cut;
        } else {
          this.lastRestores.push("no change since the request: s - cut back, the cut freed");
          a.current += back;
          m.encumbered -= cut;
        }
      } else if (expired || a.effectAt === 0n) {
        // no longer slashable (expired), or the change took effect: deallocated at once, the allocation left as is
        this.lastRestores.push(
          expired
            ? "a change since the request, cancelled after expiry: the magnitude is deallocated"
            : "a change since the request took effect: the magnitude is deallocated",
        );
        m.encumbered -= s;
      } else {
        // slashable again, and the pending change keeps its target
        a.current += back;
        m.encumbered -= cut;
        if (decreasePending) {
          this.lastRestores.push("a decrease queued after the request: the magnitude joins it");
          a.pendingDelta += back;
        } else if (back <= a.pendingDelta) {
          this.lastRestores.push("an increase queued after the request: it shrinks by the magnitude");
          a.pendingDelta -= back;
          m.encumbered -= back;
        } else {
          this.lastRestores.push("an increase queued after the request: the excess becomes a decrease");
          m.encumbered -= a.pendingDelta;
          a.pendingDelta = back - a.pendingDelta;
          a.pendingIncrease = false;
          a.effectAt = now + this.deallocationDelay();
        }
      }
      m.reserved -= s;
      a.changedAfterRequest = false;
      this.store(r.operator, r.avs, asset, a, m);
      this.vault.release(r.operator, asset, x.amount);
    }
  }

  /** vetoSlash by `caller`: the committee of the request's terms, before executableAt. */
  vetoSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    const committee = this.termsOf(r.termsId).vetoCommittee;
    if (norm(caller) !== committee || committee === ZERO) {
      return revert("sm", "NotVetoCommittee", norm(caller), r.avs);
    }
    if (now >= r.executableAt) return revert("sm", "VetoWindowClosed", id, r.executableAt);
    return {
      commit: () => {
        this.cancel(r, STATUS.Vetoed, now);
        return r;
      },
    };
  }

  /** cancelSlash by `caller`: the AVS's current slasher at any time, anyone once expired. */
  cancelSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    if (norm(caller) !== this.config(r.avs).slasher && now < r.executableAt + EXECUTION_WINDOW) {
      return revert("sm", "NotCancellable", id, norm(caller));
    }
    return {
      commit: () => {
        this.cancel(r, STATUS.Cancelled, now);
        return r;
      },
    };
  }

  /** executeSlash by anyone; returns, per asset, the maxMagnitude after it and whether the pool closed for good. */
  executeSlash(
    id: bigint,
    now: bigint,
  ): Outcome<{ request: RequestModel; after: Array<{ maxMagnitude: bigint; fullySlashed: boolean }> }> {
    const r = this.requirePending(id);
    if (!("slashed" in r)) return { revert: r };
    if (now < r.executableAt) return revert("sm", "SlashNotExecutable", id, r.executableAt);
    const expiresAt = r.executableAt + EXECUTION_WINDOW;
    if (now >= expiresAt) return revert("sm", "SlashExpired", id, expiresAt);
    return {
      commit: () => {
        r.status = STATUS.Executed;
        const after: Array<{ maxMagnitude: bigint; fullySlashed: boolean }> = [];
        for (const s of r.slashed) {
          const m = this.storedMagnitudes(r.operator, Number(s.assetIndex));
          m.lost += s.magnitude;
          m.encumbered -= s.magnitude;
          m.reserved -= s.magnitude;
          const maxMagnitude = WAD - m.lost;
          const fullySlashed = isFullySlashed(maxMagnitude);
          this.vault.execute(r.operator, this.assets[Number(s.assetIndex)], s.amount, fullySlashed);
          after.push({ maxMagnitude, fullySlashed });
        }
        return { request: r, after };
      },
    };
  }

  /** releaseSlashedFunds(id, asset) by anyone: pays one asset to the recipient of the request's terms. */
  releaseSlashedFunds(
    id: bigint,
    asset: string,
  ): Outcome<{ request: RequestModel; slashed: SlashedAssetModel; recipient: string }> {
    const r = this.request(id);
    if (r === undefined || r.status !== STATUS.Executed) {
      return revert("sm", "InvalidSlashStatus", id, this.statusOf(id));
    }
    const index = BigInt(this.assetIndex(asset));
    const slashed = r.slashed.find((s) => s.assetIndex === index);
    if (slashed === undefined) return revert("sm", "AssetNotInRequest", id, norm(asset));
    if (slashed.released) return revert("sm", "FundsAlreadyReleased", id, norm(asset));
    const recipient = this.recipientOf(r);
    return {
      commit: () => {
        slashed.released = true;
        if (r.slashed.every((s) => s.released)) r.status = STATUS.FundsReleased;
        return { request: r, slashed, recipient };
      },
    };
  }

  /* ---------------------------------------------------------------- consistency */

  /**
   * Internal accounting the contract must keep, per operator and asset (on the effective state at `now`):
   *   encumbered == sum over AVSs of (current + pending increase) + reserved;  lost + encumbered <= 1e18;
   *   reserved == the magnitudes of the pending requests; every pending request is the open request of each
   *   allocation it reserved on, and an allocation names no other pending request.
   */
  consistency(operators: string[], now: bigint): string[] {
    const out: string[] = [];
    const pending = this.requests.filter((r) => r.status === STATUS.Pending);
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
          const open = pending.filter(
            (r) =>
              r.avs === norm(avs) &&
              r.operator === norm(operator) &&
              r.slashed.some((s) => s.assetIndex === BigInt(index)),
          );
          const where = `(${operator}, ${avs}, ${asset})`;
          if (open.length > 1) out.push(`${where}: ${open.length} pending requests of one AVS`);
          if (open.length === 1 && stored.openRequest !== open[0].id) {
            out.push(`${where}: openRequest ${stored.openRequest} != pending request ${open[0].id}`);
          }
        }
        const reserved = pending
          .filter((r) => r.operator === norm(operator))
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
  /** vault.withdrawalDelay(). */
  withdrawalDelay = DEFAULT_WITHDRAWAL_DELAY;
  /** The latest readyAt of the withdrawals queued under earlier delays (setWithdrawalDelay records it). */
  exitHorizon = 0n;
  private readonly operators = new Set<string>();
  private readonly withdrawers = new Map<string, string>();
  private readonly caps = new Map<string, bigint>();
  /** The listed assets whose deposits the asset admin disabled (setDepositsEnabled(asset, false)). */
  private readonly depositsOff = new Set<string>();
  private readonly wallets = new Map<string, bigint>();

  constructor(
    assets: string[],
    readonly vaultAddress: string,
    readonly smAddress: string,
    readonly admin: string,
  ) {
    this.assets = assets.map(norm);
    this.vault = new VaultModel(this.assets);
    this.sm = new SlashingModel(
      this.assets,
      this.vault,
      () => this.withdrawalDelay,
      (now) => this.latestReadyAt(now),
    );
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

  /** setDepositsEnabled(asset, enabled) (ASSET_ADMIN_ROLE) on a listed asset. */
  setDepositsEnabled(asset: string, enabled: boolean): void {
    if (enabled) this.depositsOff.delete(norm(asset));
    else this.depositsOff.add(norm(asset));
  }

  depositsEnabled(asset: string): boolean {
    return !this.depositsOff.has(norm(asset));
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

  /** A token transfer the model does not predict itself (the LRT's moves between its users, manager and nodes). */
  transfer(from: string, to: string, asset: string, amount: bigint): void {
    this.move(from, to, asset, amount);
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

  private entryRevert<T>(operator: string, asset: string): Outcome<T> | undefined {
    const refusal = this.vault.entryRefusal(operator, asset);
    return refusal === undefined ? undefined : revert("vault", refusal.error, ...refusal.args);
  }

  /* ---------------------------------------------------------------- vault and registry actions */

  /** `vault.latestReadyAt()`: the latest readyAt of any withdrawal queued so far or at `now`. */
  latestReadyAt(now: bigint): bigint {
    const fresh = now + this.withdrawalDelay;
    return fresh > this.exitHorizon ? fresh : this.exitHorizon;
  }

  /** setWithdrawalDelay(delay) by `caller` (DEFAULT_ADMIN_ROLE). Moves nothing already queued. */
  setWithdrawalDelay(caller: string, delay: bigint, now: bigint): Outcome<void> {
    if (norm(caller) !== norm(this.admin)) {
      return revert("vault", "AccessControlUnauthorizedAccount", norm(caller), DEFAULT_ADMIN_ROLE);
    }
    if (delay < MIN_WITHDRAWAL_DELAY || delay > MAX_WITHDRAWAL_DELAY) {
      return revert("vault", "WithdrawalDelayOutOfBounds", delay, MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY);
    }
    return {
      commit: () => {
        const horizon = now + this.withdrawalDelay;
        if (horizon > this.exitHorizon) this.exitHorizon = horizon;
        this.withdrawalDelay = delay;
      },
    };
  }

  deposit(staker: string, asset: string, amount: bigint, minShares: bigint): Outcome<bigint> {
    if (amount === 0n) return revert("vault", "ZeroAmount");
    // RestakingVault._deposit's order: ZeroAmount, AssetNotListed (every asset here is listed), DepositsDisabled, cap
    if (!this.depositsEnabled(asset)) return revert("vault", "DepositsDisabled", norm(asset));
    const total = this.totalDeposited(asset) + amount;
    if (total > this.cap(asset)) return revert("vault", "CapExceeded", norm(asset), this.cap(asset), total);
    const closed = this.entryRevert<bigint>(this.vault.operatorOf(staker), asset);
    if (closed !== undefined) return closed;
    const shares = this.vault.previewDeposit(staker, asset, amount);
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
  delegateTo(staker: string, operator: string): Outcome<MoveModel[]> {
    if (!this.isOperator(operator)) return revert("registry", "NotOperator", norm(operator));
    const current = this.vault.operatorOf(staker);
    if (current !== ZERO) return revert("vault", "AlreadyDelegated", norm(staker), current);
    for (const asset of this.assets) {
      if (this.vault.sharesOf(staker, asset) === 0n) continue;
      const closed = this.entryRevert<MoveModel[]>(operator, asset);
      if (closed !== undefined) return closed;
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
        return { operator, ids: this.vault.undelegate(staker, now, this.withdrawalDelay) };
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
        const ids = this.vault.undelegate(staker, now, this.withdrawalDelay);
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
    return { commit: () => this.vault.queue(staker, asset, shares, now, this.withdrawalDelay) };
  }

  readyAt(id: bigint): bigint {
    const w = this.vault.withdrawals.get(id);
    if (w === undefined) throw new Error(`model: unknown withdrawal ${id}`);
    return w.readyAt;
  }

  /**
   * When withdrawal `id` may complete (`withdrawableAmount(id).readyAt`): its readyAt, or later while its pool's
   * current epoch holds it: until gateAt + GATE_CYCLE + EXIT_MARGIN if it became ready once the epoch's join window had
   * closed, else until gateAt + EXIT_MARGIN.
   */
  exitOpensAt(id: bigint): bigint {
    const readyAt = this.readyAt(id);
    const w = this.vault.withdrawals.get(id);
    if (w === undefined || w.operator === norm(ZERO)) return readyAt;
    return exitOpensAtOf(readyAt, this.sm.magnitudesView(w.operator, w.asset).gateAt);
  }

  /** completeWithdrawal(id, asTokens, minAssets) by `caller`. */
  completeWithdrawal(
    caller: string,
    id: bigint,
    asTokens: boolean,
    minAssets: bigint,
    now: bigint,
  ): Outcome<CompletionModel> {
    const w = this.vault.withdrawals.get(id);
    if (w === undefined) return revert("vault", "WithdrawalNotFound", id);
    if (norm(caller) !== w.staker && norm(caller) !== this.withdrawerOf(w.staker)) {
      return revert("vault", "NotWithdrawer", id, norm(caller));
    }
    if (now < w.readyAt) return revert("vault", "WithdrawalNotReady", id, w.readyAt);
    const from = this.vault.pool(w.operator, w.asset);
    if (from.pendingRequests !== 0n) {
      return revert("vault", "PoolSlashPending", w.operator, w.asset, from.pendingRequests);
    }
    const openAt = this.exitOpensAt(id);
    if (now < openAt) return revert("vault", "WithdrawalGated", id, openAt);
    const assets = this.vault.completionValue(id);
    if (assets < minAssets) return revert("vault", "AssetsBelowMinimum", assets, minAssets);
    if (!asTokens) {
      const closed = this.entryRevert<CompletionModel>(this.vault.operatorOf(w.staker), w.asset);
      if (closed !== undefined) return closed;
    }
    return {
      commit: () => {
        const c = this.vault.complete(id, asTokens);
        if (asTokens) this.move(this.vaultAddress, caller, c.asset, c.assets);
        return c;
      },
    };
  }

  /* ---------------------------------------------------------------- slashing actions (token moves wired in) */

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

  requestSlash(
    caller: string,
    avs: string,
    operator: string,
    wadFraction: bigint,
    now: bigint,
  ): Outcome<RequestModel> {
    return this.sm.requestSlash(caller, avs, operator, wadFraction, now);
  }

  vetoSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    return this.sm.vetoSlash(caller, id, now);
  }

  cancelSlash(caller: string, id: bigint, now: bigint): Outcome<RequestModel> {
    return this.sm.cancelSlash(caller, id, now);
  }

  executeSlash(
    id: bigint,
    now: bigint,
  ): Outcome<{ request: RequestModel; after: Array<{ maxMagnitude: bigint; fullySlashed: boolean }> }> {
    const o = this.sm.executeSlash(id, now);
    if (isRevert(o)) return o;
    return {
      commit: () => {
        const result = o.commit();
        for (const s of result.request.slashed) {
          this.move(this.vaultAddress, this.smAddress, this.assets[Number(s.assetIndex)], s.amount);
        }
        return result;
      },
    };
  }

  releaseSlashedFunds(
    id: bigint,
    asset: string,
  ): Outcome<{ request: RequestModel; slashed: SlashedAssetModel; recipient: string }> {
    const o = this.sm.releaseSlashedFunds(id, asset);
    if (isRevert(o)) return o;
    return {
      commit: () => {
        const result = o.commit();
        this.move(this.smAddress, result.recipient, norm(asset), result.slashed.amount);
        return result;
      },
    };
  }

  /* ---------------------------------------------------------------- views */

  /** `allocatedStake(operator, avs, asset)` at `now`. */
  allocatedStake(operator: string, avs: string, asset: string, now: bigint): bigint {
    const { a, m } = this.sm.matured(operator, avs, asset, now);
    // an AVS slashes only the assets it accepts now
    if (!this.sm.accepts(avs, asset)) return 0n;
    return allocatedStakeOf(this.vault.netAssets(operator, asset), a.current, WAD - m.lost, m.reserved);
  }

  /**
   * `maxSlashable(operator, avs, asset)` at `now`: 0 while a request made now would skip the asset for a rule (its open
   * request, its cooldown, the pool gate), or when the AVS does not accept it or nothing is allocated; else exactly what
   * a request for the AVS's maximum fraction would take: floor(net * ceil(a * maxSlashWad / 1e18) / (1e18 - lost -
   * reserved)).
   */
  maxSlashable(operator: string, avs: string, asset: string, now: bigint): bigint {
    const { a, m } = this.sm.matured(operator, avs, asset, now);
    if (!this.sm.accepts(avs, asset) || a.current === 0n) return 0n;
    if (this.sm.requestSkips(operator, avs, asset, now)) return 0n;
    const s = slashMagnitude(a.current, this.sm.config(avs).maxSlashWad);
    return mulDivDown(this.vault.netAssets(operator, asset), s, WAD - m.lost - m.reserved);
  }

  /**
   * Consistency of the whole model: the slashing manager's accounting, and every pool's pendingSlash and
   * pendingRequests equal to the amounts and the number of the pending requests on it (never above its totalAssets),
   * the open reservations to their total, and a pool marked fully slashed only if its operator is.
   */
  consistency(operators: string[], now: bigint): string[] {
    const out = this.sm.consistency(operators, now);
    const pending = this.sm.requests.filter((r) => r.status === STATUS.Pending);
    let open = 0n;
    for (const [operator, asset, p] of this.vault.poolEntries()) {
      const reservations = pending
        .filter((r) => r.operator === operator)
        .flatMap((r) => r.slashed.filter((s) => this.assets[Number(s.assetIndex)] === asset));
      const amount = reservations.reduce((sum, s) => sum + s.amount, 0n);
      open += BigInt(reservations.length);
      const where = `pool (${operator}, ${asset})`;
      if (p.pendingSlash !== amount)
        out.push(`${where}: pendingSlash ${p.pendingSlash} != pending requests ${amount}`);
      if (p.pendingRequests !== BigInt(reservations.length)) {
        out.push(`${where}: pendingRequests ${p.pendingRequests} != ${reservations.length} pending requests`);
      }
      if (reservations.some((s) => s.amount === 0n)) out.push(`${where}: a pending reservation of 0 tokens`);
      // reserved magnitude is non-zero exactly while a request closes the pool
      if (
        operator !== ZERO &&
        (this.sm.magnitudesView(operator, asset).reserved !== 0n) !== (p.pendingRequests !== 0n)
      ) {
        out.push(`${where}: reserved magnitude and pendingRequests ${p.pendingRequests} disagree`);
      }
      if (p.pendingSlash > p.totalAssets) out.push(`${where}: pendingSlash > totalAssets`);
      // lost only grows, by executions, and the execution that takes maxMagnitude below the floor closes the pool
      const floored = isFullySlashed(this.sm.magnitudesView(operator, asset).maxMagnitude);
      if (p.fullySlashed !== floored) {
        out.push(
          `${where}: fullySlashed ${p.fullySlashed} but maxMagnitude below MIN_MAX_MAGNITUDE is ${floored}`,
        );
      }
    }
    if (open !== this.vault.openReservations) {
      out.push(`openSlashReservations ${this.vault.openReservations} != ${open} pending reservations`);
    }
    return out;
  }
}
