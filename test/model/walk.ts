/**
 * The random choices of the model-based walk (test/model/ProtocolModel.test.ts) over the driver's actions
 * (test/model/protocolDriver.ts): a seeded opening, then steps drawn by weight. Besides the everyday actions, the walk
 * is biased towards the state regions in which issue 9's review found its bugs:
 *
 *   near-zero magnitudes  operator3 runs AVS Z itself (no committee, max 100%, pays operator3); the opening gives Z
 *                         all but 1 wei (or all but ~1e12) of operator3's cbETH magnitude and Y the 1 wei left, while
 *                         operator3's cbETH pool is still empty; `extremeAllocation` allocates 1 wei, 1e18 - 1, all the
 *                         free magnitude, or what brings maxMagnitude exactly to (or 1 below) MIN_MAX_MAGNITUDE after a
 *                         100% slash; `selfSlash` has operator3 slash itself 100% through Z and execute at once, which
 *                         drives maxMagnitude to and below 1e12 (the pool then closes for good);
 *   empty and dust pools  operator3's cbETH pool starts empty; `dustDeposit` puts 1 or 2 wei into empty or dust pools;
 *                         `dustRequest` makes an AVS request against a pool of 0, 1 or 2 wei; deposits follow;
 *   the veto window       `windowEdge` vetoes, executes or cancels (by anyone) at executableAt - 1, executableAt,
 *                         expiresAt - 1 and expiresAt, preferring the combinations not reached yet; `sameBlock` mines a
 *                         request and the completion of a ready withdrawal of the same pool in one block, in either order;
 *   restores              `restoreAfterChange` queues a change (a decrease, an increase smaller or larger than what
 *                         the request took) of an allocation a pending request reserved on, then vetoes or cancels the
 *                         request before it expires: the restore rules that keep the target the operator announced;
 *   config in flight      `termsInFlight` queues a committee change (X) or a recipient change (Y), files a request just
 *                         before it applies, applies it, then vetoes with the old and the new committee and releases to
 *                         the old recipient; `setWithdrawalDelay` changes the delay while withdrawals, allocation changes,
 *                         AVS changes and requests are in flight; `jumpToEvent` lands on or next to a ready time, an
 *                         effect time, an executableAt, an expiry or a cooldown's end.
 *
 * Whether each region was reached is counted by the driver (`coverage`); the test asserts the kinds of MUST_COVER.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { DAY, MAX_WITHDRAWAL_DELAY, MIN_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { Prng } from "../helpers/prng";
import { EXECUTION_WINDOW, MAX_VETO_WINDOW, STATUS, ZERO, type AVSParams } from "../helpers/slashingFixtures";
import { HOUR, PERCENT, required, type Account } from "./protocolDriver";
import { LRTDriver, type LRTModelFixture } from "./lrtDriver";
import { JOIN_WINDOW, MIN_MAX_MAGNITUDE, isRevert, norm, type RequestModel } from "./protocolModel";

type Planned = () => Promise<void>;

/** Action kinds and their weights in the walk. */
const WEIGHTS = {
  deposit: 12,
  dustDeposit: 3,
  delegate: 5,
  undelegate: 3,
  redelegate: 3,
  queue: 9,
  complete: 12,
  completeEarly: 4,
  modifyAllocation: 7,
  extremeAllocation: 4,
  applyPendingAllocation: 3,
  restoreAfterChange: 3,
  requestSlash: 8,
  selfSlash: 4,
  dustRequest: 3,
  vetoSlash: 3,
  cancelSlash: 3,
  executeSlash: 7,
  windowEdge: 8,
  sameBlock: 4,
  releaseSlashedFunds: 3,
  timeJump: 8,
  jumpToEvent: 4,
  updateAVSConfig: 2,
  termsInFlight: 5,
  applyAVSConfig: 2,
  setWithdrawalDelay: 3,
  registration: 1,
  // the LRT (test/model/lrtDriver.ts)
  lrtDeposit: 8,
  lrtRequest: 5,
  lrtProcess: 4,
  lrtComplete: 4,
  lrtClaim: 3,
  lrtInstant: 3,
  lrtHarvest: 1,
  lrtRebalance: 2,
  lrtPrice: 3,
  lrtWeights: 1,
  lrtNode: 2,
} as const;
type Kind = keyof typeof WEIGHTS;

/**
 * The coverage kinds (counted by the driver) each region's choices are there to reach: while one of a kind's is
 * missing, the kind weighs twice as much.
 */
const REGION_GOALS: Partial<Record<Kind, string[]>> = {
  restoreAfterChange: [
    "restore: a decrease queued after the request: the magnitude joins it",
    "restore: an increase queued after the request: it shrinks by the magnitude",
    "restore: an increase queued after the request: the excess becomes a decrease",
  ],
  requestSlash: ["requestSlash reverts PoolGated", "request skips an asset: PoolGated"],
  extremeAllocation: ["allocate 1 wei of magnitude", "allocate reverts OperatorFullySlashed"],
  selfSlash: [
    "self-slash of 100% through an operator-owned AVS without committee",
    "execution takes maxMagnitude below 1e12: pool fully slashed",
  ],
  dustRequest: [
    "request against a pool of 0 wei",
    "request against a pool of 1 wei",
    "request against a pool of 2 wei",
    "deposit into a pool after a request against it while it held 0-2 wei",
  ],
  sameBlock: [
    "request then completion in one block: the completion waits (PoolSlashPending)",
    "completion then request in one block: both go through",
  ],
  termsInFlight: [
    "veto by the request's committee after the AVS changed its terms",
    "release pays the request's recipient after the AVS changed it",
  ],
  setWithdrawalDelay: [
    "setWithdrawalDelay while withdrawals are queued",
    "setWithdrawalDelay while an allocation change is queued",
    "setWithdrawalDelay while a request is pending",
  ],
};

/** The window edges `windowEdge` aims at: an action and the time relative to the request. */
const EDGES = [
  ["vetoSlash", "executableAt - 1"],
  ["vetoSlash", "executableAt"],
  ["executeSlash", "executableAt - 1"],
  ["executeSlash", "executableAt"],
  ["executeSlash", "expiresAt - 1"],
  ["executeSlash", "expiresAt"],
  ["cancelSlash", "expiresAt - 1"],
  ["cancelSlash", "expiresAt"],
] as const;

/** The edges at which the action resolves the request (a veto, an execution, a cancel that goes through). */
const ENDING = new Set([
  "vetoSlash|executableAt - 1",
  "executeSlash|executableAt",
  "executeSlash|expiresAt - 1",
  "cancelSlash|expiresAt",
]);

/** The coverage kinds an edge produces (success or the revert the window rules imply). */
function edgeKinds(action: string, edge: string): string[] {
  const note = `at ${edge}`;
  const reverts: Record<string, string> = {
    "vetoSlash|executableAt": "VetoWindowClosed",
    "executeSlash|executableAt - 1": "SlashNotExecutable",
    "executeSlash|expiresAt": "SlashExpired",
    "cancelSlash|expiresAt - 1": "NotCancellable",
  };
  const r = reverts[`${action}|${edge}`];
  return [r === undefined ? `${action} ${note}` : `${action} reverts ${r} ${note}`];
}

export class Walker extends LRTDriver {
  private readonly prng: Prng;

  constructor(f: LRTModelFixture, seed: number) {
    super(f, seed);
    this.prng = new Prng(seed);
  }

  /** A few seconds after the clock. */
  protected override soon(): bigint {
    return this.clock + BigInt(this.prng.int(1, 90));
  }

  private get x(): string {
    return norm(this.f.avs.address);
  }

  private get y(): string {
    return norm(this.f.avs2.address);
  }

  private get z(): string {
    return norm(this.f.avs3.address);
  }

  /** A seeded opening: self-stakes, allocations (with the High attack's layout for operator3), deposits, delegations. */
  async prologue(): Promise<void> {
    const { prng, model } = this;
    const cbETH = this.assets[2];
    const op3 = this.f.operator3;
    const op2Empty = prng.chance(0.5);
    for (const o of this.operators) {
      for (const a of this.assets) {
        // operator3's cbETH pool stays empty: the dust region, and the High attack's "self-slash while empty";
        // operator2's too in half the seeds (allocated to Y at the usual sizes)
        if (o === op3 && a === cbETH) continue;
        if (o === this.f.operator2 && a === cbETH && op2Empty) continue;
        await this.deposit(o, a, prng.big(150n, 400n) * WAD + prng.big(0n, WAD), 0n);
      }
    }
    for (const o of this.operators) {
      for (const avs of model.sm.avsList()) {
        if (!model.sm.isRegistered(avs, o.address)) continue;
        for (const a of model.sm.acceptedAssets(avs)) {
          let magnitude = prng.big(10n, 45n) * PERCENT;
          if (o === op3 && a === cbETH && avs === this.y) magnitude = 1n;
          if (o === op3 && a === cbETH && avs === this.z) {
            magnitude = prng.pick([
              WAD - 1n,
              WAD - 1n,
              WAD - MIN_MAX_MAGNITUDE,
              WAD - MIN_MAX_MAGNITUDE + 1n,
            ]);
          }
          await this.modifyAllocation(o, avs, a, magnitude, this.soon());
        }
      }
    }
    // one staker of operator3 at least, so that its pools have stakers besides the operator; the stakers the opening
    // delegates bring no cbETH into the pools kept empty
    const op3Staker = prng.int(0, this.stakers.length - 1);
    for (const [i, s] of this.stakers.entries()) {
      const operator = i === op3Staker ? op3 : prng.chance(0.7) ? prng.pick(this.operators) : undefined;
      const keptEmpty = operator === op3 || (operator === this.f.operator2 && op2Empty);
      const assets = prng
        .subset(this.assets)
        .slice(0, 2)
        .filter((a) => !(keptEmpty && a === cbETH));
      for (const a of assets) await this.deposit(s, a, prng.big(20n, 200n) * WAD + prng.big(0n, WAD), 0n);
      if (operator !== undefined) await this.delegate(s, operator.address);
    }
    await this.timeJump(model.sm.allocationDelay(this.clock) + 1n, "past the opening's allocation delay");
    // the LRT's users deposit both assets (the first deposits fill the buffer, the next go to the nodes)
    for (const u of this.lrtUsers) {
      for (const a of [0, 1]) await this.lrtDeposit(u, a, prng.big(100n, 400n) * WAD + prng.big(0n, WAD), 0n);
    }
  }

  /**
   * The weights of this step: WEIGHTS, with a sequence in flight pushed on (a queued AVS change or a request under
   * replaced terms: termsInFlight; a self-slash waiting to be executed: selfSlash), so that it completes before the
   * walk's other time jumps pass its windows.
   */
  private weights(): Record<Kind, number> {
    const { model } = this;
    const now = this.clock;
    const w: Record<Kind, number> = { ...WEIGHTS };
    const missing = (k: string): boolean => (this.coverage.get(k) ?? 0) === 0;
    const unreached = new Set<Kind>();
    for (const [kind, goals] of Object.entries(REGION_GOALS) as Array<[Kind, string[]]>) {
      if (goals.some(missing)) unreached.add(kind);
    }
    for (const kind of unreached) w[kind] *= 2;
    const edgesMissing = EDGES.some(([action, edge]) => edgeKinds(action, edge).some(missing));
    if (edgesMissing) w.windowEdge *= 2.5;
    const stale = (r: RequestModel): boolean => model.sm.config(r.avs).termsId !== r.termsId;
    const inFlight =
      [this.x, this.y].some((avs) => model.sm.queuedConfig(avs) !== undefined) ||
      model.sm.requests.some(
        (r) =>
          stale(r) &&
          ((r.status === STATUS.Pending && r.executableAt > now + 1n) || r.status === STATUS.Executed),
      );
    if (inFlight) w.termsInFlight *= unreached.has("termsInFlight") ? 2 : 1.5;
    // a committee change about to apply with a request waiting for it, or a request under replaced terms still
    // vetoable: the sequence finishes now, before the walk's other time jumps pass the request's veto window
    const urgent =
      model.sm.requests.some((r) => stale(r) && r.status === STATUS.Pending && r.executableAt > now + 1n) ||
      [this.x, this.y].some((avs) => {
        const q = model.sm.queuedConfig(avs);
        return (
          q !== undefined &&
          model.sm.requests.some(
            (r) =>
              r.avs === avs &&
              !stale(r) &&
              r.status === STATUS.Pending &&
              r.executableAt + EXECUTION_WINDOW > q.effectAt,
          )
        );
      });
    if (urgent && unreached.has("termsInFlight")) w.termsInFlight *= 8;
    const selfSlashPending = this.pendingRequests().some(
      (r) => r.avs === this.z && r.executableAt <= now + 1n && now + 1n < r.executableAt + EXECUTION_WINDOW,
    );
    if (selfSlashPending) w.selfSlash *= 3;
    // a change queued after a request that can still be vetoed or cancelled: restore it before the request expires
    const restorable = this.pendingRequests().some(
      (r) =>
        now + 1n < r.executableAt + EXECUTION_WINDOW &&
        r.slashed.some((x) => {
          const a = model.sm.storedAllocationOf(r.operator, r.avs, this.assets[Number(x.assetIndex)]);
          return a.changedAfterRequest && a.effectAt > now + 1n;
        }),
    );
    if (restorable && unreached.has("restoreAfterChange")) w.restoreAfterChange *= 4;
    // anyone cancels expired requests, which would keep their pools closed for good
    if (this.pendingRequests().some((r) => r.executableAt + EXECUTION_WINDOW <= now + 1n)) w.cancelSlash *= 3;
    // LRT requests and processing around a slash request on a node's pool
    const nodeSlashPending = this.lrtNodes.some((n) =>
      this.lrtAssets.some((a) => model.vault.pool(n.operator, a).pendingRequests !== 0n),
    );
    if (nodeSlashPending) {
      w.lrtRequest *= 2;
      w.lrtProcess *= 2;
    } else if (this.queues.some((q) => q.length !== 0)) {
      // a window in which requests can be fulfilled: take it (the walk's slash requests close it often)
      w.lrtProcess *= 4;
    }
    if (this.lrtUsers.some((u) => [0, 1].some((x) => this.claimableAssets(x, u.address).shares !== 0n))) {
      w.lrtClaim *= 3;
    }
    return w;
  }

  private pickKind(): Kind {
    const weights = this.weights();
    const kinds = Object.keys(weights) as Kind[];
    const total = kinds.reduce((sum, k) => sum + weights[k], 0);
    let r = this.prng.next() * total;
    for (const k of kinds) {
      r -= weights[k];
      if (r < 0) return k;
    }
    return "timeJump";
  }

  /** One random step (an action and the full check). */
  async step(): Promise<void> {
    for (let attempt = 0; attempt < 16; attempt++) {
      const planned = this.plan(this.pickKind());
      if (planned !== undefined) return planned();
    }
    return this.timeJump(BigInt(this.prng.int(60, 3_600)));
  }

  /* ------------------------------------------------------------------------------------------ choice helpers */

  private anyStaker(operatorChance: number): HardhatEthersSigner {
    return this.prng.chance(operatorChance) ? this.prng.pick(this.operators) : this.prng.pick(this.stakers);
  }

  /** Mostly a staker that is (or is not) delegated, else anyone. */
  private stakerWho(delegated: boolean, operatorChance: number): HardhatEthersSigner {
    const fit = this.stakers.filter((s) => (this.model.vault.operatorOf(s.address) !== ZERO) === delegated);
    return fit.length !== 0 && this.prng.chance(0.85) ? this.prng.pick(fit) : this.anyStaker(operatorChance);
  }

  private pendingRequests(): RequestModel[] {
    return this.model.sm.requests.filter((r) => r.status === STATUS.Pending);
  }

  /** A fraction for a request of `avs`: mostly valid, sometimes its maximum, now and then 0 or above it. */
  private fraction(avs: string): bigint {
    const max = this.model.sm.config(avs).maxSlashWad;
    const r = this.prng.next();
    if (r < 0.04) return 0n;
    if (r < 0.08) return max + 1n;
    if (r < 0.35) return max;
    const lo = max < 10n ** 15n ? 1n : 10n ** 15n;
    return this.prng.big(lo, max);
  }

  /** Operators with something allocated to `avs` at `at`. */
  private allocatedTo(avs: string, at: bigint): HardhatEthersSigner[] {
    return this.operators.filter((o) =>
      this.model.sm
        .acceptedAssets(avs)
        .some((a) => this.model.sm.allocationView(o.address, avs, a, at).current !== 0n),
    );
  }

  private minAssetsFor(id: bigint): bigint {
    const value = this.model.vault.completionValue(id);
    const r = this.prng.next();
    if (r < 0.4) return 0n;
    if (r < 0.8) return value;
    if (r < 0.88) return value + 1n;
    return value === 0n ? 0n : this.prng.big(0n, value);
  }

  /** AVS params from the current configuration of `avs`, with `overrides`. */
  private paramsOf(avs: string, overrides: Partial<AVSParams> = {}): AVSParams {
    const c = this.model.sm.config(avs);
    return {
      slasher: c.slasher,
      vetoCommittee: c.vetoCommittee,
      vetoWindow: c.vetoWindow,
      maxSlashWad: c.maxSlashWad,
      recipient: c.recipient,
      registrar: c.registrar,
      assets: this.model.sm.acceptedAssets(avs),
      ...overrides,
    };
  }

  private adminOf(avs: string): Account {
    return this.avsAdmins[this.model.sm.avsList().indexOf(norm(avs))];
  }

  /* ------------------------------------------------------------------------------------------ the plan */

  private plan(kind: Kind): Planned | undefined {
    const { prng, model } = this;
    const now = this.clock;
    // the LRT's nodes' withdrawals are the LRT's to complete (lrtComplete)
    const live = [...model.vault.withdrawals.entries()].filter(([, w]) => !this.isNode(w.staker));
    const pending = this.pendingRequests();

    switch (kind) {
      case "lrtDeposit":
      case "lrtRequest":
      case "lrtProcess":
      case "lrtComplete":
      case "lrtClaim":
      case "lrtInstant":
      case "lrtHarvest":
      case "lrtRebalance":
      case "lrtPrice":
      case "lrtWeights":
      case "lrtNode":
        return this.planLRT(kind);
      case "deposit": {
        const staker = this.anyStaker(0.15);
        const asset = prng.pick(this.assets);
        const wallet = model.wallet(staker.address, asset);
        const r = prng.next();
        let amount: bigint;
        if (r < 0.03) amount = 0n;
        else if (r < 0.06) amount = wallet + 1n;
        else if (r < 0.1) amount = prng.pick([1n, 2n]);
        else if (r < 0.16) amount = prng.big(1n, 10n ** 9n);
        else {
          const hi = wallet < 250n * WAD ? wallet : 250n * WAD;
          amount = hi < WAD ? prng.big(1n, WAD) : prng.big(WAD, hi);
        }
        const expected = model.vault.previewDeposit(staker.address, asset, amount);
        const m = prng.next();
        const minShares = m < 0.05 ? expected + 1n : m < 0.5 ? expected : 0n;
        return () => this.deposit(staker, asset, amount, minShares);
      }
      case "dustDeposit": {
        const candidates = [...this.stakers, ...this.operators].flatMap((s) => {
          const operator = model.vault.operatorOf(s.address);
          if (operator === ZERO) return [];
          // an empty pool stays empty until a request met it (the 0-wei level of the dust region)
          const zeroMet = (this.coverage.get("request against a pool of 0 wei") ?? 0) !== 0;
          return this.assets
            .filter((a) => {
              const total = model.vault.pool(operator, a).totalAssets;
              return total <= 2n && (total !== 0n || zeroMet);
            })
            .map((a) => [s, a] as const);
        });
        if (candidates.length === 0) return undefined;
        const open = candidates.filter(
          ([s, a]) => model.vault.entryRefusal(model.vault.operatorOf(s.address), a) === undefined,
        );
        const [staker, asset] =
          open.length !== 0 && prng.chance(0.85) ? prng.pick(open) : prng.pick(candidates);
        const amount = prng.pick([1n, 2n]);
        return () => this.deposit(staker, asset, amount, 0n);
      }
      case "delegate": {
        const staker = this.stakerWho(false, 0.3);
        const operator = prng.chance(0.04) ? this.f.outsider.address : prng.pick(this.operators).address;
        return () => this.delegate(staker, operator);
      }
      case "undelegate": {
        const staker = this.stakerWho(true, 0.3);
        const operator = model.vault.operatorOf(staker.address);
        const r = prng.next();
        const caller =
          r < 0.7 || operator === ZERO
            ? staker
            : r < 0.9
              ? this.signer(operator)
              : prng.pick([this.f.outsider, ...this.stakers]);
        return () => this.undelegate(staker, caller);
      }
      case "redelegate": {
        const staker = this.stakerWho(true, 0.3);
        const operator = prng.chance(0.04) ? this.f.outsider.address : prng.pick(this.operators).address;
        return () => this.redelegate(staker, operator);
      }
      case "queue": {
        const isOperator = prng.chance(0.15);
        const staker = isOperator ? prng.pick(this.operators) : prng.pick(this.stakers);
        const heldAssets = this.assets.filter((a) => model.vault.sharesOf(staker.address, a) !== 0n);
        const asset =
          heldAssets.length !== 0 && prng.chance(0.9) ? prng.pick(heldAssets) : prng.pick(this.assets);
        const held = model.vault.sharesOf(staker.address, asset);
        const r = prng.next();
        let shares: bigint;
        if (r < 0.04) shares = 0n;
        else if (r < 0.08 || held === 0n) shares = held + prng.big(1n, 10n ** 12n);
        else if (r < (isOperator ? 0.14 : 0.3)) shares = held;
        else shares = (held * prng.big(1n, isOperator ? 30n : 99n)) / 100n + 1n;
        return () => this.queue(staker, asset, shares);
      }
      case "complete": {
        if (this.completed.length !== 0 && prng.chance(0.04)) {
          const id = prng.pick(this.completed);
          const staker = this.signer(ethers.getAddress(ethers.toBeHex(id >> 96n, 20)));
          return () => this.complete(id, prng.chance(0.5), 0n, staker, this.soon());
        }
        const candidates = live.filter(([id]) => model.readyAt(id) <= now + 2n * DAY);
        if (candidates.length === 0) return undefined;
        // half the time one whose pool has a request pending, if any: it must wait (PoolSlashPending)
        const blocked = candidates.filter(
          ([, q]) => model.vault.pool(q.operator, q.asset).pendingRequests !== 0n,
        );
        const [id, w] = blocked.length !== 0 && prng.chance(0.3) ? prng.pick(blocked) : prng.pick(candidates);
        const readyAt = model.readyAt(id);
        // a withdrawal held by its pool's epoch: at the second before it may complete, or at that second
        const openAt = model.exitOpensAt(id);
        const at =
          openAt > readyAt && openAt > now + 1n && prng.chance(0.5)
            ? openAt - (prng.chance(0.5) ? 1n : 0n)
            : readyAt > now
              ? prng.chance(0.3)
                ? readyAt
                : readyAt + BigInt(prng.int(0, 600))
              : this.soon();
        const withdrawer = model.withdrawerOf(w.staker);
        const r = prng.next();
        const caller =
          r < 0.05
            ? prng.pick(
                [...this.stakers, ...this.operators, this.f.withdrawer].filter(
                  (s) => norm(s.address) !== w.staker,
                ),
              )
            : withdrawer !== ZERO && r < 0.5
              ? this.signer(withdrawer)
              : this.signer(w.staker);
        const minAssets = this.minAssetsFor(id);
        return () => this.complete(id, prng.chance(0.5), minAssets, caller, at);
      }
      case "completeEarly": {
        const candidates = live.filter(([id]) => model.readyAt(id) > now + 1n);
        if (candidates.length === 0) return undefined;
        const [id, w] = prng.pick(candidates);
        const readyAt = model.readyAt(id);
        const edge = prng.chance(0.4);
        const at = edge ? readyAt - 1n : prng.big(now + 1n, readyAt - 1n);
        return () =>
          this.complete(
            id,
            prng.chance(0.5),
            0n,
            this.signer(w.staker),
            at,
            edge ? "at readyAt - 1" : undefined,
          );
      }
      case "modifyAllocation": {
        const operator = prng.pick(this.operators);
        const avs = prng.pick(model.sm.avsList());
        const accepted = model.sm.acceptedAssets(avs);
        const asset =
          accepted.length !== 0 && prng.chance(0.85) ? prng.pick(accepted) : prng.pick(this.assets);
        const at = this.soon();
        const current = model.sm.allocationView(operator.address, avs, asset, at).current;
        const r = prng.next();
        let magnitude: bigint;
        if (r < 0.05) magnitude = current;
        else if (r < 0.55 || current === 0n) {
          magnitude =
            current + prng.big(1n, 35n) * PERCENT + (prng.chance(0.2) ? prng.big(0n, 10n ** 15n) : 0n);
        } else magnitude = prng.chance(0.3) ? 0n : prng.big(0n, current - 1n);
        return () => this.modifyAllocation(operator, avs, asset, magnitude, at);
      }
      case "extremeAllocation": {
        const operator = prng.chance(0.6) ? this.f.operator3 : prng.pick(this.operators);
        const registered = model.sm.avsList().filter((avs) => model.sm.isRegistered(avs, operator.address));
        if (registered.length === 0) return undefined;
        const avs = operator === this.f.operator3 && prng.chance(0.5) ? this.z : prng.pick(registered);
        const accepted = model.sm.acceptedAssets(avs);
        if (accepted.length === 0) return undefined;
        const asset = prng.pick(accepted);
        const at = this.soon();
        const current = model.sm.allocationView(operator.address, avs, asset, at).current;
        const m = model.sm.magnitudesView(operator.address, asset);
        const available = m.maxMagnitude - m.encumbered;
        const magnitude = prng.pick([
          1n,
          WAD - 1n,
          current + available,
          current + available - 1n,
          m.maxMagnitude - MIN_MAX_MAGNITUDE,
          m.maxMagnitude - MIN_MAX_MAGNITUDE + 1n,
          0n,
        ]);
        if (magnitude < 0n || magnitude >= 1n << 64n) return undefined;
        return () => this.modifyAllocation(operator, avs, asset, magnitude, at);
      }
      case "restoreAfterChange": {
        // a change the operator queued on an allocation a pending request reserved on, then the request vetoed or
        // cancelled before its expiry: the restore rules that keep the announced target (docs/slashing.md)
        const alive = pending.filter((r) => now + 1n < r.executableAt + EXECUTION_WINDOW);
        const changed = alive.filter((r) =>
          r.slashed.some((x) => {
            const a = model.sm.storedAllocationOf(r.operator, r.avs, this.assets[Number(x.assetIndex)]);
            return a.changedAfterRequest && a.effectAt > now + 1n;
          }),
        );
        if (changed.length !== 0) {
          const r = prng.pick(changed);
          const committee = model.sm.termsOf(r.termsId).vetoCommittee;
          if (committee !== ZERO && r.executableAt > now + 1n && prng.chance(0.5)) {
            return () => this.vetoSlash(this.signer(committee), r.id, this.soon());
          }
          return () => this.cancelSlash(this.signer(model.sm.config(r.avs).slasher), r.id, this.soon());
        }
        const open = alive.flatMap((r) =>
          r.slashed
            .map((x) => this.assets[Number(x.assetIndex)])
            .filter((a) => model.sm.allocationView(r.operator, r.avs, a, now + 1n).effectAt === 0n)
            .map((a) => ({ r, a })),
        );
        if (open.length === 0) return undefined;
        const { r, a } = prng.pick(open);
        const at = this.soon();
        const current = model.sm.allocationView(r.operator, r.avs, a, at).current;
        const s = r.slashed.find((x) => this.assets[Number(x.assetIndex)] === a)?.magnitude ?? 0n;
        // a decrease (the restored magnitude joins it), an increase smaller than the request's magnitude (the excess
        // becomes a decrease) or larger (it shrinks)
        const x = prng.next();
        const magnitude =
          x < 0.34 && current !== 0n
            ? prng.big(0n, current - 1n)
            : x < 0.67
              ? current + 1n
              : current + s + prng.big(1n, 10n) * PERCENT;
        return () => this.modifyAllocation(this.signer(r.operator), r.avs, a, magnitude, at);
      }
      case "applyPendingAllocation": {
        const triples = this.operators.flatMap((o) =>
          model.sm.avsList().flatMap((avs) => this.assets.map((a) => [o.address, avs, a] as const)),
        );
        const matured = triples.filter(([o, avs, a]) => {
          const stored = model.sm.storedAllocationOf(o, avs, a);
          return stored.effectAt !== 0n && stored.effectAt <= now;
        });
        const [o, avs, a] =
          matured.length !== 0 && prng.chance(0.85) ? prng.pick(matured) : prng.pick(triples);
        return () => this.applyPendingAllocation(o, avs, a);
      }
      case "requestSlash": {
        // mostly an AVS whose change applies soon, if any (a request made under the old terms)
        const soonChanging = model.sm.avsList().filter((avs) => {
          const q = model.sm.queuedConfig(avs);
          return q !== undefined && q.effectAt > now && q.effectAt - now <= 2n * DAY;
        });
        const avs =
          soonChanging.length !== 0 && prng.chance(0.5)
            ? prng.pick(soonChanging)
            : prng.pick(model.sm.avsList());
        const at = this.soon();
        const allocated = this.allocatedTo(avs, at);
        const operator = (
          allocated.length !== 0 && prng.chance(0.85) ? prng.pick(allocated) : prng.pick(this.operators)
        ).address;
        const fraction = this.fraction(avs);
        const config = model.sm.config(avs);
        const caller = prng.chance(0.06)
          ? prng.pick([this.f.outsider, this.f.slasher, this.f.slasher2])
          : this.signer(config.slasher);
        const q = model.sm.queuedConfig(avs);
        const note = q !== undefined && q.effectAt > at ? "while a change of the AVS is queued" : undefined;
        return () => this.requestSlash(caller, avs, operator, fraction, at, note);
      }
      case "selfSlash": {
        const z = this.z;
        const slasher = model.sm.config(z).slasher;
        // the operator executes its own request at once (no committee): the collapse needs no one else
        const executable = pending.filter(
          (r) => r.avs === z && r.executableAt <= now + 1n && now + 1n < r.executableAt + EXECUTION_WINDOW,
        );
        if (executable.length !== 0 && prng.chance(0.85)) {
          const r = prng.pick(executable);
          return () => this.executeSlash(r.id, this.soon());
        }
        const operator =
          norm(slasher) === norm(this.f.operator3.address) && prng.chance(0.85)
            ? this.f.operator3.address
            : prng.pick(this.operators).address;
        const fraction = prng.chance(0.8) ? model.sm.config(z).maxSlashWad : this.fraction(z);
        // a pool of Z's below 2 wei (where a 100% slash of all but 1 wei of the magnitude reserves nothing): the
        // operator puts 2 wei into it first, once requests have met the empty pool
        const zeroMet = (this.coverage.get("request against a pool of 0 wei") ?? 0) !== 0;
        const thin = model.sm
          .acceptedAssets(z)
          .filter(
            (a) =>
              model.sm.allocationView(operator, z, a, now + 1n).current !== 0n &&
              model.vault.netAssets(operator, a) < 2n &&
              model.vault.entryRefusal(operator, a) === undefined,
          );
        if (zeroMet && thin.length !== 0 && prng.chance(0.7)) {
          const asset = prng.pick(thin);
          return () => this.deposit(this.signer(operator), asset, 2n, 0n);
        }
        // refused for now by a cooldown or a reopening pool: mostly go to the time it is allowed
        const e = model.sm.examine(z, operator, fraction, now + 1n);
        const taken = e.assets.some((x) => x.amount !== 0n && x.refused === undefined);
        if (!taken && e.refusal !== undefined && prng.chance(0.6)) {
          const { error, args } = e.refusal;
          const when = error === "SlashCooldown" ? args[3] : error === "PoolGated" ? args[2] : undefined;
          if (typeof when === "bigint" && when > now) {
            return () => this.timeJump(when - now, "to when a self-slash is allowed");
          }
        }
        if (prng.chance(0.5)) {
          return () =>
            this.requestAndExecuteInOneBlock(this.signer(slasher), z, operator, fraction, this.soon());
        }
        return () => this.requestSlash(this.signer(slasher), z, operator, fraction);
      }
      case "dustRequest": {
        // an allocated pool holding 0, 1 or 2 wei: a request against it, mostly at a dust level not met yet, else 1
        // more wei into it by its operator (0 -> 1 -> 2), so that requests meet each level
        const at = this.soon();
        const targets = model.sm.avsList().flatMap((avs) =>
          this.operators.flatMap((o) =>
            model.sm
              .acceptedAssets(avs)
              .filter(
                (a) =>
                  model.sm.allocationView(o.address, avs, a, at).current !== 0n &&
                  model.vault.netAssets(o.address, a) <= 2n,
              )
              .map((a) => ({ avs, operator: o, asset: a, net: model.vault.netAssets(o.address, a) })),
          ),
        );
        if (targets.length === 0) return undefined;
        const met = (net: bigint): boolean =>
          (this.coverage.get(`request against a pool of ${net} wei`) ?? 0) !== 0;
        // requests the model says are examined (not refused by a cooldown or an open request of the AVS)
        const examinable = targets.filter((t) =>
          model.sm
            .examine(t.avs, t.operator.address, WAD, at)
            .assets.some((x) => x.asset === t.asset && x.refused === undefined),
        );
        const unmet = examinable.filter((t) => !met(t.net));
        const t =
          unmet.length !== 0 && prng.chance(0.8)
            ? prng.pick(unmet)
            : examinable.length !== 0 && prng.chance(0.8)
              ? prng.pick(examinable)
              : prng.pick(targets);
        const open = model.vault.entryRefusal(t.operator.address, t.asset) === undefined;
        if (met(t.net) && t.net < 2n && open && prng.chance(0.7)) {
          return () => this.deposit(t.operator, t.asset, 1n, 0n, at);
        }
        const fraction = prng.chance(0.7) ? model.sm.config(t.avs).maxSlashWad : this.fraction(t.avs);
        return () =>
          this.requestSlash(
            this.signer(model.sm.config(t.avs).slasher),
            t.avs,
            t.operator.address,
            fraction,
            at,
          );
      }
      case "vetoSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        // mostly a request whose terms have a committee, still in its window
        const vetoable = pending.filter(
          (q) => model.sm.termsOf(q.termsId).vetoCommittee !== ZERO && q.executableAt > now + 1n,
        );
        const r =
          vetoable.length !== 0 && prng.chance(0.85)
            ? prng.pick(vetoable)
            : prng.chance(0.1) || pending.length === 0
              ? prng.pick(all)
              : prng.pick(pending);
        const open = r.executableAt > now + 1n;
        const at = open && prng.chance(0.8) ? prng.big(now + 1n, r.executableAt - 1n) : this.soon();
        const committee = model.sm.termsOf(r.termsId).vetoCommittee;
        const x = prng.next();
        const caller =
          x < 0.75 && committee !== ZERO
            ? this.signer(committee)
            : prng.pick([this.f.committee, this.f.committee2, this.f.outsider, this.f.slasher]);
        return () => this.vetoSlash(caller, r.id, at);
      }
      case "cancelSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        // mostly an expired request that nobody cancelled yet: it keeps its pools closed and its allocations open
        const expired = pending.filter((r) => r.executableAt + EXECUTION_WINDOW <= now + 1n);
        if (expired.length !== 0 && prng.chance(0.7)) {
          const r = prng.pick(expired);
          const caller = prng.pick([this.f.outsider, ...this.stakers]);
          return () => this.cancelSlash(caller, r.id, this.soon());
        }
        const r = prng.chance(0.08) || pending.length === 0 ? prng.pick(all) : prng.pick(pending);
        const bySlasher = prng.chance(0.55);
        const caller = bySlasher ? this.signer(model.sm.config(r.avs).slasher) : this.f.outsider;
        const expiresAt = r.executableAt + EXECUTION_WINDOW;
        const at = !bySlasher && expiresAt > now && prng.chance(0.5) ? expiresAt : this.soon();
        return () => this.cancelSlash(caller, r.id, at);
      }
      case "executeSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        const r = prng.chance(0.05) || pending.length === 0 ? prng.pick(all) : prng.pick(pending);
        const expiresAt = r.executableAt + EXECUTION_WINDOW;
        const x = prng.next();
        let at: bigint;
        if (x < 0.7 && expiresAt > now + 1n) {
          const from = r.executableAt > now ? r.executableAt : now + 1n;
          at = prng.chance(0.2) && r.executableAt > now ? r.executableAt : prng.big(from, expiresAt - 1n);
        } else if (x < 0.85 || expiresAt <= now) at = this.soon();
        else at = expiresAt + BigInt(prng.int(0, 600));
        return () => this.executeSlash(r.id, at);
      }
      case "windowEdge": {
        const options = pending.flatMap((r) =>
          EDGES.map(([action, edge]) => {
            const expiresAt = r.executableAt + EXECUTION_WINDOW;
            const at =
              edge === "executableAt - 1"
                ? r.executableAt - 1n
                : edge === "executableAt"
                  ? r.executableAt
                  : edge === "expiresAt - 1"
                    ? expiresAt - 1n
                    : expiresAt;
            return { r, action, edge, at };
          }).filter(
            (o) =>
              o.at > now &&
              (o.action !== "vetoSlash" || model.sm.termsOf(o.r.termsId).vetoCommittee !== ZERO),
          ),
        );
        const missing = (k: string): boolean => (this.coverage.get(k) ?? 0) === 0;
        const fresh = options.filter((o) => edgeKinds(o.action, o.edge).every(missing));
        const edgesMissing = EDGES.some(([action, edge]) => edgeKinds(action, edge).some(missing));
        if (fresh.length === 0 && (options.length === 0 || (edgesMissing && prng.chance(0.7)))) {
          // nothing (new) to aim at: X, which has a veto committee, files a request (that goes through) to aim at
          // (else Y, whose requests have the expiry's edges)
          const at = this.soon();
          for (const avs of [this.x, this.y]) {
            const slasher = model.sm.config(avs).slasher;
            const fraction = prng.big(1n, model.sm.config(avs).maxSlashWad);
            const operators = this.allocatedTo(avs, at).filter(
              (o) => !isRevert(model.requestSlash(slasher, avs, o.address, fraction, at)),
            );
            if (operators.length === 0) continue;
            const operator = prng.pick(operators).address;
            return () => this.requestSlash(this.signer(slasher), avs, operator, fraction, at);
          }
          return undefined;
        }
        // the earliest new edge (one step per block: an edge passed is lost for that request), mostly one that leaves
        // the request pending so that the same request serves the later edges too
        const earliest = fresh.reduce((t, o) => (o.at < t ? o.at : t), fresh[0]?.at ?? 0n);
        const first = fresh.filter((o) => o.at === earliest);
        const lasting = first.filter((o) => !ENDING.has(`${o.action}|${o.edge}`));
        const o =
          lasting.length !== 0 && prng.chance(0.7)
            ? prng.pick(lasting)
            : first.length !== 0 && prng.chance(0.9)
              ? prng.pick(first)
              : prng.pick(options);
        const note = `at ${o.edge}`;
        if (o.action === "vetoSlash") {
          const committee = this.signer(model.sm.termsOf(o.r.termsId).vetoCommittee);
          return () => this.vetoSlash(committee, o.r.id, o.at, note);
        }
        if (o.action === "executeSlash") return () => this.executeSlash(o.r.id, o.at, note);
        return () => this.cancelSlash(this.f.outsider, o.r.id, o.at, note);
      }
      case "sameBlock": {
        const at = this.soon();
        const ready = live.filter(
          ([, w]) =>
            w.readyAt <= at &&
            w.operator !== ZERO &&
            model.vault.pool(w.operator, w.asset).pendingRequests === 0n,
        );
        const options = ready.flatMap(([id, w]) =>
          model.sm
            .avsList()
            .filter(
              (avs) =>
                model.sm.accepts(avs, w.asset) &&
                model.sm.allocationView(w.operator, avs, w.asset, at).current !== 0n,
            )
            .map((avs) => ({ id, w, avs })),
        );
        if (options.length === 0) return undefined;
        const requestFirst = prng.chance(0.55);
        // mostly a request the model says reserves tokens in the withdrawal's pool (the front-run that matters)
        const reserving = options.filter(({ w, avs }) => {
          const e = model.sm.examine(avs, w.operator, model.sm.config(avs).maxSlashWad, at);
          return e.assets.some((x) => x.asset === w.asset && x.amount !== 0n && x.refused === undefined);
        });
        const { id, w, avs } =
          reserving.length !== 0 && prng.chance(0.8) ? prng.pick(reserving) : prng.pick(options);
        const fraction = this.fraction(avs);
        const withdrawer = model.withdrawerOf(w.staker);
        const caller =
          withdrawer !== ZERO && prng.chance(0.3) ? this.signer(withdrawer) : this.signer(w.staker);
        const minAssets = prng.chance(0.5) ? 0n : model.vault.completionValue(id);
        const slasher = this.signer(model.sm.config(avs).slasher);
        return () =>
          this.requestAndCompleteInOneBlock(
            requestFirst,
            slasher,
            avs,
            w.operator,
            fraction,
            id,
            prng.chance(0.7),
            minAssets,
            caller,
            at,
          );
      }
      case "releaseSlashedFunds": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        const executed = all.filter((r) => r.status === STATUS.Executed);
        const r = executed.length !== 0 && prng.chance(0.85) ? prng.pick(executed) : prng.pick(all);
        const unreleased = r.slashed.filter((s) => !s.released).map((s) => this.assets[Number(s.assetIndex)]);
        const asset =
          unreleased.length !== 0 && prng.chance(0.85) ? prng.pick(unreleased) : prng.pick(this.assets);
        return () => this.releaseSlashedFunds(r.id, asset);
      }
      case "timeJump": {
        const r = prng.next();
        const seconds =
          r < 0.4 ? prng.big(60n, HOUR) : r < 0.7 ? prng.big(HOUR, DAY) : prng.big(DAY, 8n * DAY);
        return () => this.timeJump(seconds);
      }
      case "jumpToEvent": {
        const events: Array<[bigint, string]> = [];
        for (const [, w] of live) events.push([w.readyAt, "a withdrawal's readyAt"]);
        for (const r of pending) {
          events.push([r.executableAt, "a request's executableAt"]);
          events.push([r.executableAt + EXECUTION_WINDOW, "a request's expiry"]);
        }
        for (const o of this.operators) {
          for (const avs of model.sm.avsList()) {
            for (const a of this.assets) {
              const stored = model.sm.storedAllocationOf(o.address, avs, a);
              if (stored.effectAt !== 0n) events.push([stored.effectAt, "an allocation change's effectAt"]);
              if (stored.openRequest !== 0n && model.sm.statusOf(stored.openRequest) !== STATUS.Pending) {
                events.push([model.sm.nextRequestAt(stored.openRequest), "a cooldown's end"]);
              }
            }
          }
          for (const a of this.assets) {
            // the pool gate: the end of a closed pool's join window, or of a reopened pool's reopen window
            const m = model.sm.magnitudesView(o.address, a);
            if (m.gateAt !== 0n) events.push([m.gateAt + JOIN_WINDOW, "a pool gate's window end"]);
          }
        }
        for (const avs of model.sm.avsList()) {
          const q = model.sm.queuedConfig(avs);
          if (q !== undefined) events.push([q.effectAt, "a queued AVS change's effectAt"]);
        }
        const future = events.filter(([t]) => t > now + 1n);
        if (future.length === 0) return undefined;
        const [t, what] = prng.pick(future);
        const offset = prng.pick([-1n, 0n, 0n, BigInt(prng.int(1, 600))]);
        return () => this.timeJump(t + offset - now, `to ${what}`);
      }
      case "updateAVSConfig": {
        const avs = prng.pick(model.sm.avsList());
        const c = model.sm.config(avs);
        const r = prng.next();
        const params = this.paramsOf(avs, {
          vetoWindow:
            c.vetoCommittee === ZERO
              ? 0n
              : r < 0.05
                ? MAX_VETO_WINDOW + 1n
                : prng.pick([HOUR, 12n * HOUR, DAY, MAX_VETO_WINDOW]),
          maxSlashWad: r > 0.95 ? 0n : prng.pick([10n, 20n, 30n, 50n, 75n, 100n]) * PERCENT,
          assets: prng.chance(0.8) ? model.sm.acceptedAssets(avs) : prng.subset(this.assets),
        });
        return () => this.updateAVSConfig(this.adminOf(avs), params);
      }
      case "termsInFlight":
        return this.planTermsInFlight();
      case "applyAVSConfig": {
        const matured = model.sm.avsList().filter((avs) => {
          const q = model.sm.queuedConfig(avs);
          return q !== undefined && q.effectAt <= now + 1n;
        });
        const avs =
          matured.length !== 0 && prng.chance(0.85) ? prng.pick(matured) : prng.pick(model.sm.avsList());
        // mostly the queued params; now and then others (PendingConfigMismatch, or NoPendingConfig)
        const q = model.sm.queuedConfig(avs);
        const params = q !== undefined && prng.chance(0.8) ? q.params : this.paramsOf(avs);
        return () => this.applyAVSConfig(avs, params);
      }
      case "setWithdrawalDelay": {
        const caller = prng.chance(0.94) ? this.f.admin : prng.pick([this.f.outsider, this.f.operator1]);
        const delay = prng.chance(0.94)
          ? prng.pick([3n, 4n, 5n, 7n, 7n, 9n]) * DAY
          : prng.pick([MIN_WITHDRAWAL_DELAY - 1n, MAX_WITHDRAWAL_DELAY + 1n]);
        return () => this.setWithdrawalDelay(caller, delay);
      }
      case "registration": {
        const operator = prng.pick(this.operators);
        const avs = prng.pick(model.sm.avsList());
        const registered = model.sm.isRegistered(avs, operator.address);
        const register = prng.chance(0.1) ? registered : !registered;
        return () => this.registration(operator, avs, register);
      }
    }
  }

  /**
   * The LRT's steps, biased towards the edges: 0 and 1-wei amounts, deposits up to the cap and one wei past it, a
   * minShares one above what the deposit mints, requests beyond the LRT's holdings of an asset, instant exits that
   * take the whole free buffer (or one share more), claims past the claimable balance, rebalances of every share or
   * one more, weights that do not sum to 10_000, and an operator undelegating a node (then syncNode, completions and
   * redelegateNode).
   */
  private planLRT(kind: Kind): Planned | undefined {
    const { prng, model } = this;
    const a = prng.int(0, 1);
    const holders = this.lrtUsers.filter((u) => this.lrtBalance(u.address) !== 0n);
    switch (kind) {
      case "lrtDeposit": {
        const user = prng.pick(this.lrtUsers);
        const room = this.caps[a] - this.books[a].deposited;
        const r = prng.next();
        let amount: bigint;
        let note: string | undefined;
        if (r < 0.05) amount = 0n;
        else if (r < 0.12) amount = 1n;
        else if (r < 0.18 && room <= 5_000n * WAD) {
          amount = prng.chance(0.5) ? room : room + 1n;
          note = "up to the cap";
        } else amount = prng.big(WAD, 120n * WAD) + prng.big(0n, WAD);
        const expected = this.previewShares(a, amount);
        const m = prng.next();
        const minShares = m < 0.1 ? expected + 1n : m < 0.3 ? expected : 0n;
        return () => this.lrtDeposit(user, a, amount, minShares, note);
      }
      case "lrtRequest": {
        if (holders.length === 0) return undefined;
        const user = prng.pick(holders);
        const balance = this.lrtBalance(user.address);
        const r = prng.next();
        const shares =
          r < 0.05
            ? 0n
            : r < 0.12
              ? 1n
              : r < 0.17
                ? balance + 1n
                : r < 0.25
                  ? balance
                  : r < 0.6
                    ? // one the idle buffer can pay at once (fulfilled by the next processRequests)
                      prng.big(1n, this.sharesWorth(a, this.books[a].idle / 2n) + 1n)
                    : prng.big(1n, balance / 4n + 1n);
        return () => this.lrtRequest(user, a, shares);
      }
      case "lrtProcess": {
        const queued = [0, 1].filter((x) => this.queues[x].length !== 0);
        const x = queued.length !== 0 && prng.chance(0.9) ? prng.pick(queued) : a;
        return () => this.lrtProcess(x, BigInt(prng.pick([1, 2, 5])));
      }
      case "lrtComplete": {
        const ids = [...this.lrtWithdrawals.keys()];
        if (ids.length === 0) return undefined;
        const ready = ids.filter((id) => {
          const w = required(model.vault.withdrawals.get(id), "withdrawal");
          return (
            model.exitOpensAt(id) <= this.clock &&
            model.vault.pool(w.operator, w.asset).pendingRequests === 0n
          );
        });
        if (ready.length !== 0 && prng.chance(0.85)) {
          const chosen = prng.subset(ready).slice(0, 3);
          return () => this.lrtComplete(chosen.length === 0 ? [ready[0]] : chosen);
        }
        const early = ids.filter((id) => !ready.includes(id));
        return () => this.lrtComplete([prng.pick(early.length !== 0 ? early : ids)], "early or waiting");
      }
      case "lrtClaim": {
        const users = this.lrtUsers.filter((u) => this.claimableAssets(a, u.address).shares !== 0n);
        const own = (u: Account, status: number): bigint[] =>
          [...this.requests.entries()]
            .filter(([, r]) => r.controller === norm(u.address) && r.asset === a && r.status === status)
            .map(([id]) => id);
        if (users.length === 0) {
          // a pending request is not claimable yet
          const waiting = this.lrtUsers.filter((u) => own(u, 1).length !== 0);
          if (waiting.length === 0 || !prng.chance(0.3)) return undefined;
          const u = prng.pick(waiting);
          return () => this.lrtClaim(u, a, { byRequest: prng.pick(own(u, 1)) });
        }
        const user = prng.pick(users);
        const cl = this.claimableAssets(a, user.address);
        const r = prng.next();
        const fulfilled = own(user, 2);
        if (r < 0.45 && fulfilled.length !== 0)
          return () => this.lrtClaim(user, a, { byRequest: prng.pick(fulfilled) });
        if (r < 0.72) {
          const shares = prng.chance(0.06)
            ? cl.shares + 1n
            : prng.chance(0.5)
              ? cl.shares
              : prng.big(1n, cl.shares);
          return () => this.lrtClaim(user, a, { shares });
        }
        const assets =
          cl.assets === 0n
            ? 1n
            : prng.chance(0.06)
              ? cl.assets + 1n
              : prng.chance(0.5)
                ? cl.assets
                : prng.big(1n, cl.assets);
        return () => this.lrtClaim(user, a, { assets });
      }
      case "lrtInstant": {
        if (holders.length === 0) return undefined;
        const user = prng.pick(holders);
        const balance = this.lrtBalance(user.address);
        const r = prng.next();
        let shares: bigint;
        let note: string | undefined;
        if (r < 0.05) shares = 0n;
        else if (r < 0.1) shares = 1n;
        else if (r < 0.4) {
          // the whole free buffer (it drains), or a share beyond it
          const drain = this.sharesWorth(a, this.freeIdle(a));
          shares = drain + (prng.chance(0.3) ? 2n : 0n);
          note = "draining the buffer";
        } else shares = prng.big(1n, balance / 5n + 1n);
        if (shares > balance) shares = balance;
        return () => this.lrtInstant(user, a, shares, 0n, note);
      }
      case "lrtHarvest":
        return () => this.lrtHarvest();
      case "lrtRebalance": {
        const options = this.lrtNodes.flatMap((n, i) => (n.active[a] !== 0n ? [i] : []));
        if (options.length === 0) return undefined;
        const i = prng.pick(options);
        const active = this.lrtNodes[i].active[a];
        const shares = prng.pick([active, active / 2n, active / 5n, 1n, active + 1n, 0n]);
        return () => this.lrtRebalance(i, a, shares);
      }
      case "lrtPrice": {
        const price = this.prices[a];
        const permille = BigInt(prng.int(2, 40));
        // mostly a rise while requests wait (their payout must stay at most their value at request)
        const rise = prng.chance(this.queues[a].length !== 0 ? 0.75 : 0.5);
        const next = rise ? (price * (1_000n + permille)) / 1_000n : (price * (1_000n - permille)) / 1_000n;
        return () => this.lrtPrice(a, next);
      }
      case "lrtWeights": {
        const w1 = BigInt(prng.int(0, 6)) * 1_000n;
        const w2 = BigInt(prng.int(0, Number((10_000n - w1) / 1_000n))) * 1_000n;
        const w3 = 10_000n - w1 - w2 - (prng.chance(0.1) ? 1n : 0n);
        const k = prng.int(0, 2);
        const weights = [w1, w2, w3];
        return () => this.lrtWeights([...weights.slice(k), ...weights.slice(0, k)]);
      }
      case "lrtNode": {
        const i = prng.int(0, this.lrtNodes.length - 1);
        const n = this.lrtNodes[i];
        const delegated = model.vault.operatorOf(n.address) === n.operator;
        const empty = [0, 1].every((x) => n.active[x] === 0n && n.queued[x] === 0n);
        if (delegated && !n.undelegated) {
          // an operator undelegates its node now and then; else anyone syncs it (nothing to record)
          return prng.chance(0.35) ? () => this.lrtUndelegateNode(i) : () => this.lrtSync(i);
        }
        if (!n.undelegated) return () => this.lrtSync(i);
        return empty || prng.chance(0.2) ? () => this.lrtRedelegate(i) : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * Config changes in flight (issue 9's finding 4 and item 9a): one step towards a request made under terms that
   * change while it is pending (or executed and not released): queue a committee change of X or a recipient change of
   * Y, move to just before it applies, file a request, apply the change, then veto with the old committee (or try the
   * new one) and release to the old recipient.
   */
  private planTermsInFlight(): Planned | undefined {
    const { prng, model } = this;
    const now = this.clock;
    const stale = (r: RequestModel): boolean => model.sm.config(r.avs).termsId !== r.termsId;
    // 1. a pending request under replaced terms, still vetoable: the old committee vetoes, or the new one tries
    const vetoable = this.pendingRequests().filter(
      (r) => stale(r) && r.executableAt > now + 1n && model.sm.termsOf(r.termsId).vetoCommittee !== ZERO,
    );
    if (vetoable.length !== 0) {
      const r = prng.pick(vetoable);
      const old = model.sm.termsOf(r.termsId).vetoCommittee;
      const current = model.sm.config(r.avs).vetoCommittee;
      const caller = current !== ZERO && current !== old && prng.chance(0.35) ? current : old;
      return () => this.vetoSlash(this.signer(caller), r.id, this.soon());
    }
    // 2. an executed request under replaced terms with an asset not released: release it (to the old recipient)
    const releasable = model.sm.requests.filter((r) => r.status === STATUS.Executed && stale(r));
    if (releasable.length !== 0) {
      const r = prng.pick(releasable);
      const s = prng.pick(r.slashed.filter((x) => !x.released));
      return () => this.releaseSlashedFunds(r.id, this.assets[Number(s.assetIndex)]);
    }
    // 3. advance a committee change of X or a recipient change of Y (the one in flight, if any)
    const queued = [this.x, this.y].filter((a) => model.sm.queuedConfig(a) !== undefined);
    const avs = queued.length !== 0 ? prng.pick(queued) : prng.chance(0.55) ? this.x : this.y;
    const q = model.sm.queuedConfig(avs);
    const c = model.sm.config(avs);
    if (q === undefined) {
      const params =
        avs === this.x
          ? this.paramsOf(avs, {
              vetoCommittee:
                norm(c.vetoCommittee) === norm(this.f.committee.address)
                  ? this.f.committee2.address
                  : this.f.committee.address,
              vetoWindow: c.vetoWindow === 0n ? DAY : c.vetoWindow,
            })
          : this.paramsOf(avs, {
              recipient:
                norm(c.recipient) === norm(this.f.recipient.address)
                  ? this.f.recipient2.address
                  : this.f.recipient.address,
            });
      return () => this.updateAVSConfig(this.adminOf(avs), params);
    }
    if (now + 1n >= q.effectAt) return () => this.applyAVSConfig(avs, q.params, this.soon());
    const applyAt = q.effectAt + BigInt(prng.int(0, 60));
    const apply = (): Planned => () => this.applyAVSConfig(avs, q.params, applyAt);
    const current = model.sm.requests.filter((r) => r.avs === avs && !stale(r));
    if (avs === this.x) {
      // X: a request still vetoable once the change applied, then apply
      if (current.some((r) => r.status === STATUS.Pending && r.executableAt > applyAt + 1n)) return apply();
    } else {
      // Y (no committee): a request executed, not released, when the change applies
      if (current.some((r) => r.status === STATUS.Executed)) return apply();
      const executable = current.filter(
        (r) =>
          r.status === STATUS.Pending &&
          r.executableAt <= now + 1n &&
          now + 1n < r.executableAt + EXECUTION_WINDOW,
      );
      if (executable.length !== 0) return () => this.executeSlash(prng.pick(executable).id, this.soon());
    }
    // a request shortly before the change applies, so that it is still pending (X: vetoable) after it: at the first
    // of a few times in [effectAt - window/2, effectAt - window/4] against an operator the model says it goes through
    const window = c.vetoWindow === 0n ? DAY : c.vetoWindow;
    const fraction = prng.chance(0.5) ? c.maxSlashWad : prng.big(1n, c.maxSlashWad);
    let found: { at: bigint; operator: string } | undefined;
    for (const lead of [prng.big(window / 4n, window / 2n), window / 2n, (3n * window) / 8n, window / 4n]) {
      const at = q.effectAt - lead > now ? q.effectAt - lead : this.soon();
      const operators = this.allocatedTo(avs, at).filter(
        (o) => !isRevert(model.requestSlash(c.slasher, avs, o.address, fraction, at)),
      );
      if (operators.length !== 0) {
        found = { at, operator: prng.pick(operators).address };
        break;
      }
    }
    // no such request (cooldowns, closed pools): give up this change's request
    if (found === undefined) return apply();
    const { at, operator } = found;
    return () =>
      this.requestSlash(
        this.signer(c.slasher),
        avs,
        operator,
        fraction,
        at,
        "while a change of the AVS is queued",
      );
  }
}
