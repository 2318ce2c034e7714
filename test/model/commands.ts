/**
 * The protocol model's actions as fast-check commands (issue #12; run by test/model/PropertyModel.test.ts).
 *
 * Every command wraps one action of the driver (test/model/protocolDriver.ts, test/model/lrtDriver.ts), which runs it
 * on the BigInt model and on the chain, asserts the outcome the model predicts (success, or the exact custom error and
 * arguments), then reads the chain once, compares it with the model and checks invariants 1-6 and 8 after EVERY step.
 * The commands only choose the arguments.
 *
 * Arguments are drawn by fast-check before the sequence runs, so they cannot depend on the state: each is a state-free
 * description ("the staker's whole wallet + 1 wei", "the 3rd live withdrawal", "the request's expiresAt - 1 s") that
 * the command resolves against the model when it runs. fast-check shrinks the descriptions (towards index 0, the first
 * option of each `constantFrom`, the smallest amount) and drops commands, so a failure ends as a short sequence of
 * readable steps. A command whose target does not exist yet (no request to veto) fails its `check` and is skipped.
 *
 * The arbitraries are biased towards the edges (issue #12): amounts of 0, 1 and 2 wei, a whole balance and one wei
 * more, a deposit cap's room and one wei past it; magnitudes of 1 wei, 1e18 - 1, all the free magnitude (and 1 less),
 * exactly and one above MIN_MAX_MAGNITUDE after a 100% slash; fractions 0, 1 wei, the AVS's maximum (100% for Z) and
 * one above it; times at a withdrawal's readyAt, the end of its pool's hold, a request's executableAt and expiresAt,
 * an allocation change's effectAt, a cooldown's end, a pool gate's window end and an AVS change's effectAt, each
 * exactly and ±1 s; requests and completions mined in one block in either order; an LRT redemption request of the
 * fewest shares worth more than its asset can still pay (within the balance).
 */
import fc from "fast-check";
import { expect } from "chai";
import { ethers } from "hardhat";

import { DAY, MAX_WITHDRAWAL_DELAY, MIN_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { EXECUTION_WINDOW, MAX_VETO_WINDOW, STATUS, ZERO, type AVSParams } from "../helpers/slashingFixtures";
import { HOUR, PERCENT, type Account } from "./protocolDriver";
import { JOIN_WINDOW, MIN_MAX_MAGNITUDE, isRevert, norm, type RequestModel } from "./protocolModel";
import { type LRTModelFixture } from "./lrtDriver";
import { Walker } from "./walk";
import { LRT_VIRTUAL_SHARES, LRT_VIRTUAL_VALUE, mulDivCeil } from "./lrtMath";
import { cloneState } from "./cloneState";
import type { Batch } from "./batchReader";
import type { Outcome, Revert } from "./protocolModel";
import { RewardTracker } from "./rewardState";
import { PauseBook } from "./adminState";
import type { BaseContract, ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

/** The closures of the slashing model over its ProtocolModel (see PropertyDriver.fork). */
const SM_CLOSURES = ["root.model.sm.withdrawalDelay", "root.model.sm.latestReadyAt"];

/* ---------------------------------------------------------------------------------------------------------------- */
/* The driver the commands run on                                                                                   */
/* ---------------------------------------------------------------------------------------------------------------- */

/**
 * The walk's driver (its opening is Walker.prologue) with the block gap of each action set by the command, and read
 * access to what the commands resolve their arguments against. Actions and checks are the driver's, unchanged.
 */
export class PropertyDriver extends Walker {
  /** Seconds between the clock and the next action's block (set by each command). */
  gap = 1n;
  /** The rewards (test/model/rewardState.ts): set with the opening, then checked after every step. */
  rewards: RewardTracker | undefined;
  /** The paused groups (test/model/adminState.ts). */
  readonly pauses = new PauseBook();

  constructor(f: LRTModelFixture, openingSeed: number) {
    super(f, openingSeed);
  }

  /**
   * A copy of this driver sharing `f` and the chain handles (test/model/cloneState.ts). The slashing model reads the
   * withdrawal delay and latestReadyAt through two closures over its ProtocolModel: they are bound to the copy's.
   */
  fork(): PropertyDriver {
    const d = cloneState(this, new Set<object>([this.f]), new Set(SM_CLOSURES));
    const model = d.model;
    Object.assign(model.sm, {
      withdrawalDelay: (): bigint => model.withdrawalDelay,
      latestReadyAt: (now: bigint): bigint => model.latestReadyAt(now),
    });
    return d;
  }

  protected override soon(): bigint {
    return this.clock + this.gap;
  }

  protected override oracleContract(): BaseContract {
    const r = this.rewards;
    if (r === undefined) throw new Error("driver: no reward tracker (the LRTOracle)");
    return r.chain.oracle;
  }

  protected override gate<T>(label: string, outcome: Outcome<T>): Outcome<T> {
    return this.pauses.gate(label, outcome);
  }

  /**
   * The rewards' views of every step (rewardState.ts), in the step's read before the LRT's (whose total value counts
   * the nodes' pending rewards the tracker reads: stepPendingRewards); their check runs after the core's and the LRT's.
   */
  protected override afterCheckViews(b: Batch): () => void {
    if (this.rewards === undefined) return super.afterCheckViews(b);
    const rewards = this.rewards.afterStep(
      {
        vault: this.model.vault,
        delay: this.model.withdrawalDelay,
        t: this.clock,
        operators: this.operators.map((o) => o.address),
        assets: this.assets,
        f: this.fixture,
        paused: this.pauses,
        name: (a) => this.name(a),
      },
      b,
    );
    this.stepPending = rewards.pending;
    let lrt: () => void;
    try {
      lrt = super.afterCheckViews(b);
    } finally {
      this.stepPending = undefined;
    }
    return () => {
      lrt();
      rewards.check();
    };
  }

  /** The tracker's pendingRewards reads of the step being checked (set only while afterCheckViews runs). */
  private stepPending: ((staker: string, token: string) => bigint) | undefined;

  protected override stepPendingRewards(b: Batch): (node: string, token: string) => bigint {
    void b;
    return this.stepPending ?? (() => 0n);
  }

  /**
   * The reward model's pending rewards, for the predictions of the next step (a deposit's shares, a request's value,
   * a payout: the LRT's total value counts them). The chain's are read only after the step, and the reward model's are
   * within invariant 7's allowance of them (2 wei per settlement of the node: the tracker's check), not always equal:
   * a prediction through them is exact unless a gap of a few wei in a total of about 1e21 wei moves a rounding of the
   * prediction (a share count or a value rounded down), which no measured run met (docs/verification.md). The step's
   * total-value check itself uses the chain's read (stepPendingRewards), exactly.
   */
  protected override pendingReward(node: string, token: string, at: bigint): bigint {
    const r = this.rewards;
    return r !== undefined && r.isListed(token) ? r.model.pendingRewards(node, token, at) : 0n;
  }

  protected override isRewardToken(token: string): boolean {
    return this.rewards?.isListed(token) ?? false;
  }

  /**
   * A harvest's claims in the distributor: its GROUP_CLAIMS (claimFor's whenNotPaused) first, then each token's
   * listing in order (_takeAccrued: RewardTokenNotAllowed).
   */
  protected override harvestRefusal(tokens: string[]): Revert | undefined {
    const r = this.rewards;
    if (r === undefined) throw new Error("driver: a harvest with reward tokens and no reward tracker");
    if (this.pauses.isPaused("rd", 1)) return { target: "rd", error: "GroupPaused", args: [1n] };
    const unlisted = tokens.find((t) => !r.isListed(t));
    return unlisted === undefined
      ? undefined
      : { target: "rd", error: "RewardTokenNotAllowed", args: [norm(unlisted)] };
  }

  /**
   * A harvest's claims: each node's RewardsClaimed(node, token, manager, caller, amount) in `tokens`, in node order
   * (the manager claims for each node: claimFor, or the node's own claim), each amount within the node's allowance of
   * the reward model's claim (as every claim: rewardState.ts); the tracker counts the claim, the settlement and the
   * payee's wallet (the manager for an accepted asset: the core model's; the rewards receiver for another token).
   */
  protected override harvestClaims(
    receipt: ContractTransactionReceipt,
    tokens: string[],
    accepted: number,
    at: bigint,
  ): bigint[][] {
    const r = this.rewards;
    if (r === undefined) throw new Error("driver: a harvest with reward tokens and no reward tracker");
    const rdc = this.fixture.rewardDistributor;
    const claims = receipt.logs
      .filter((l) => norm(l.address) === norm(rdc.target as string))
      .map((l) => rdc.interface.parseLog(l))
      .filter((e) => e !== null && e.name === "RewardsClaimed")
      .map((e) => [...(e?.args ?? [])]);
    const manager = this.fixture.managerAddress;
    const nodes = this.fixture.nodes;
    expect(
      claims.map((e) => [norm(String(e[0])), norm(String(e[1])), norm(String(e[2]))]),
      "harvest: the nodes' claims (staker, token, recipient)",
    ).to.deep.equal(nodes.flatMap((n) => tokens.map((t) => [norm(n), norm(t), manager])));
    return nodes.map((node, i) => {
      const tolerance = r.tolerance(node);
      const model = r.model.claim(node, tokens, at);
      const paid = tokens.map((token, t) => {
        const amount = claims[i * tokens.length + t][4] as bigint;
        const gap = amount > model[t] ? amount - model[t] : model[t] - amount;
        expect(gap, `harvest: node${i}'s claim of ${token}: chain ${amount}, model ${model[t]}`).to.be.lte(
          tolerance,
        );
        if (gap > r.maxGapWei) r.maxGapWei = gap;
        r.addClaimed(token, amount);
        r.addWallet(t < accepted ? manager : this.rewardsReceiver, token, amount);
        return amount;
      });
      r.settled(node, r.model.heldAssets(node).length);
      return paid;
    });
  }

  /** Hands the tracker's balances of the core model's accounts in core assets to the core model (rewardState.ts). */
  attachRewards(r: RewardTracker): void {
    r.useCore(this.model, this.accounts, this.assets);
    this.rewards = r;
    // setConfig may name the second treasury: its LRT balance is checked with the other holders'
    this.lrtHolders.push(norm(r.chain.treasury2.address));
    this.addName("treasury2", r.chain.treasury2.address);
  }

  /** Adds `account`'s balances of the core assets to the step's read, if the core model tracks them. */
  watchAccount(account: string): void {
    if (this.accounts.includes(norm(account))) this.scope.accounts.add(norm(account));
  }

  /**
   * One step of a reward or admin command: `send` at the command's time must revert as `outcome` says or succeed (then
   * the outcome commits and `mined` checks the receipt); the step's check follows, as after every action of the driver.
   */
  async act<T>(
    label: string,
    outcome: Outcome<T>,
    send: () => Promise<ContractTransactionResponse>,
    mined?: (value: T, receipt: ContractTransactionReceipt) => void,
  ): Promise<void> {
    const { value, receipt } = await this.run(label, this.soon(), outcome, send);
    if (mined !== undefined && receipt !== undefined) mined(value as T, receipt);
    await this.check();
  }

  /** Counts a coverage kind (the report prints them). */
  note(kind: string): void {
    this.count(kind);
  }

  /** The six stakers, then the three operators (indices 6-8). */
  get accounts9(): Account[] {
    return [...this.stakers, ...this.operators];
  }
  get ops(): Account[] {
    return this.operators;
  }
  get coreAssets(): string[] {
    return this.assets;
  }
  get users(): Account[] {
    return this.lrtUsers;
  }
  get fixture(): LRTModelFixture {
    return this.f as LRTModelFixture;
  }
  signerOf(address: string): Account {
    return this.signer(address);
  }
  nameOf(address: string): string {
    return this.name(address);
  }
  avsAdmin(i: number): Account {
    return this.avsAdmins[i];
  }
  completedIds(): bigint[] {
    return this.completed;
  }
  /** Live vault withdrawals of stakers and operators (the nodes' are the LRT's: lrtComplete). */
  liveWithdrawals(): bigint[] {
    return [...this.model.vault.withdrawals.entries()]
      .filter(([, w]) => !this.isNode(w.staker))
      .map(([id]) => id);
  }
  pending(): RequestModel[] {
    return this.model.sm.requests.filter((r) => r.status === STATUS.Pending);
  }
  /* the LRT's books */
  lrtBalanceOf(address: string): bigint {
    return this.lrtBalance(address);
  }
  /** The LRT's counted deposits of asset `a` (its book's `deposited`, what the cap bounds). */
  lrtDeposited(a: number): bigint {
    return this.books[a].deposited;
  }
  capRoom(a: number): bigint {
    return this.caps[a] - this.books[a].deposited;
  }
  idle(a: number): bigint {
    return this.books[a].idle;
  }
  free(a: number): bigint {
    return this.freeIdle(a);
  }
  worth(a: number, tokens: bigint): bigint {
    return this.sharesWorth(a, tokens);
  }
  /**
   * The fewest LRT shares whose value at request exceeds what asset `a` can still pay: its holdings (at the entry
   * price) less the value its queue already owes (LRTOperations.requestRedeem, RedeemExceedsAssetLiquidity).
   */
  sharesAboveLiquidity(a: number): bigint {
    const v = this.valuation(false);
    const owed = this.books[a].pendingRedeemValue;
    const room = v.assetValues[a] > owed ? v.assetValues[a] - owed : 0n;
    return mulDivCeil(room + 1n, this.lrtSupply + LRT_VIRTUAL_SHARES, v.total + LRT_VIRTUAL_VALUE);
  }
  preview(a: number, amount: bigint): bigint {
    return this.previewShares(a, amount);
  }
  claimable(a: number, user: string): { shares: bigint; assets: bigint } {
    return this.claimableAssets(a, user);
  }
  /** Request ids of `user` in asset `a` with `status` (1 pending, 2 fulfilled). */
  lrtRequestsOf(user: string, a: number, status: number): bigint[] {
    return [...this.requests.entries()]
      .filter(([, r]) => r.controller === norm(user) && r.asset === a && r.status === status)
      .map(([id]) => id);
  }
  queueLength(a: number): number {
    return this.queues[a].length;
  }
  lrtWithdrawalIds(): bigint[] {
    return [...this.lrtWithdrawals.keys()];
  }
  nodeShares(i: number, a: number): { active: bigint; queued: bigint } {
    return { active: this.lrtNodes[i].active[a], queued: this.lrtNodes[i].queued[a] };
  }
  /** The LRT's risk caps in force: [maxOperatorShareBps, maxSlashExposureBps]. */
  lrtRiskCaps(): [bigint, bigint] {
    return [this.policy.maxOperatorShareBps, this.policy.maxSlashExposureBps];
  }
  /** The operator node `i` is delegated to, or the one it was created with while the vault has it undelegated. */
  lrtNodeOperator(i: number): string {
    const n = this.lrtNodes[i];
    const op = this.model.vault.operatorOf(n.address);
    return op === ZERO ? n.operator : op;
  }
  nodeState(i: number): { delegated: boolean; undelegated: boolean } {
    const n = this.lrtNodes[i];
    return { delegated: this.model.vault.operatorOf(n.address) === n.operator, undelegated: n.undelegated };
  }
  price(a: number): bigint {
    return this.prices[a];
  }
  /** The LRT's node `i` and its operator. */
  lrtNode(i: number): { address: string; operator: string } {
    return { address: this.lrtNodes[i].address, operator: this.lrtNodes[i].operator };
  }
  get lrtNodeCount(): number {
    return this.lrtNodes.length;
  }
  /** setConfig's treasury and rewards receiver as the model follows them. */
  lrtConfig(): { treasury: string; receiver: string } {
    return { treasury: this.treasury, receiver: this.rewardsReceiver };
  }
  /** setAssetConfig's cap, enabled and countRewards of LRT asset `a` as the model follows them. */
  lrtAssetConfig(a: number): { cap: bigint; enabled: boolean; countRewards: boolean } {
    return { cap: this.caps[a], enabled: this.enabled[a], countRewards: this.countRewards[a] };
  }
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Commands                                                                                                         */
/* ---------------------------------------------------------------------------------------------------------------- */

type D = PropertyDriver;

/** One command: its label (what fast-check prints), when it applies, and the driver action it runs. */
export class ModelCommand implements fc.AsyncCommand<D, D, false> {
  constructor(
    readonly label: string,
    private readonly applies: (d: D) => boolean,
    private readonly act: (d: D) => Promise<void>,
    private readonly gap: bigint = 1n,
  ) {}

  check(d: Readonly<D>): boolean {
    // an LRT command that could reach a paused vault group is not generated (test/model/adminState.ts)
    return this.applies(d as D) && d.pauses.generates(this.label);
  }

  async run(d: D): Promise<void> {
    d.gap = this.gap;
    await this.act(d);
  }

  toString(): string {
    return this.label;
  }
}

const always = (): boolean => true;

/** A pick from a list (an index drawn freely, reduced modulo the list's length). */
function pick<T>(items: readonly T[], k: number): T {
  if (items.length === 0) throw new Error("commands: pick from an empty list");
  return items[k % items.length];
}

const STAKERS = ["alice", "bob", "carol", "dave", "erin", "frank", "op1", "op2", "op3"] as const;
const ASSETS = ["stETH", "rETH", "cbETH"] as const;
const AVSS = ["X", "Y", "Z"] as const;
const LRT_ASSETS = ["stETH", "rETH"] as const;

/* ---------------------------------------------------------------------------------------- edge-biased arbitraries */

/** Seconds from the clock to the action's block: mostly the next second, else up to 90 s. */
const gapArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant(1n) },
  { weight: 1, arbitrary: fc.bigInt(2n, 90n) },
);

/** An absolute amount: whole tokens plus wei (shrinks to 1 token), or up to 1e9 wei. */
const tokensArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(fc.bigInt(1n, 250n), fc.bigInt(0n, WAD - 1n)).map(([e, w]) => e * WAD + w),
  },
  { weight: 1, arbitrary: fc.bigInt(1n, 10n ** 9n) },
);

type AmountEdge = "0" | "1 wei" | "2 wei" | "all" | "all + 1 wei" | "cap room" | "cap room + 1 wei";
/** An amount: an edge (resolved against a balance and a cap) or an absolute amount. */
type Amount = AmountEdge | bigint;
const amountArb: fc.Arbitrary<Amount> = fc.oneof(
  { weight: 6, arbitrary: tokensArb },
  {
    weight: 3,
    arbitrary: fc.constantFrom<AmountEdge>(
      "1 wei",
      "0",
      "2 wei",
      "all",
      "all + 1 wei",
      "cap room",
      "cap room + 1 wei",
    ),
  },
);
function resolveAmount(a: Amount, all: bigint, capRoom: bigint): bigint {
  if (typeof a === "bigint") return a;
  const table: Record<AmountEdge, bigint> = {
    "0": 0n,
    "1 wei": 1n,
    "2 wei": 2n,
    all,
    "all + 1 wei": all + 1n,
    "cap room": capRoom < 0n ? 0n : capRoom,
    "cap room + 1 wei": capRoom < 0n ? 1n : capRoom + 1n,
  };
  return table[a];
}
const showAmount = (a: Amount): string => (typeof a === "bigint" ? `${a} wei` : a);

type SharesEdge = "0" | "1" | "all" | "all + 1";
/** Shares of a held balance: an edge or a percentage of it (1-99%, plus 1 share). */
type Shares = SharesEdge | number;
const sharesArb: fc.Arbitrary<Shares> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 99 }) },
  { weight: 2, arbitrary: fc.constantFrom<SharesEdge>("all", "1", "0", "all + 1") },
);
function resolveShares(s: Shares, held: bigint): bigint {
  if (typeof s === "number") return (held * BigInt(s)) / 100n + 1n;
  return s === "0" ? 0n : s === "1" ? 1n : s === "all" ? held : held + 1n;
}
const showShares = (s: Shares): string => (typeof s === "number" ? `${s}% + 1` : s);

type FractionEdge = "max" | "max + 1" | "1 wei" | "0";
/** A slash fraction: an edge of the AVS's maximum, or a percentage of it. */
type Fraction = FractionEdge | number;
const fractionArb: fc.Arbitrary<Fraction> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<FractionEdge>("max", "1 wei", "max + 1", "0") },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 100 }) },
);
function resolveFraction(f: Fraction, max: bigint): bigint {
  if (typeof f === "number") {
    const x = (max * BigInt(f)) / 100n;
    return x === 0n ? 1n : x;
  }
  return f === "max" ? max : f === "max + 1" ? max + 1n : f === "1 wei" ? 1n : 0n;
}
const showFraction = (f: Fraction): string => (typeof f === "number" ? `${f}% of max` : f);

type MagnitudeEdge =
  | "1 wei"
  | "1e18 - 1"
  | "current + free"
  | "current + free - 1"
  | "max - MIN_MAX_MAGNITUDE"
  | "max - MIN_MAX_MAGNITUDE + 1"
  | "0"
  | "current";
/** A magnitude: an edge or the current one moved by a percentage (-100% to +35%). */
type Magnitude = MagnitudeEdge | number;
const magnitudeArb: fc.Arbitrary<Magnitude> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -100, max: 35 }).filter((p) => p !== 0) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<MagnitudeEdge>(
      "1 wei",
      "1e18 - 1",
      "current + free",
      "current + free - 1",
      "max - MIN_MAX_MAGNITUDE",
      "max - MIN_MAX_MAGNITUDE + 1",
      "0",
      "current",
    ),
  },
);
function resolveMagnitude(m: Magnitude, current: bigint, maxMagnitude: bigint, encumbered: bigint): bigint {
  const free = maxMagnitude - encumbered;
  if (typeof m === "number") {
    if (m > 0) return current + BigInt(m) * PERCENT;
    const cut = (current * BigInt(-m)) / 100n;
    return current - cut;
  }
  const table: Record<MagnitudeEdge, bigint> = {
    "1 wei": 1n,
    "1e18 - 1": WAD - 1n,
    "current + free": current + free,
    "current + free - 1": current + free - 1n,
    "max - MIN_MAX_MAGNITUDE": maxMagnitude - MIN_MAX_MAGNITUDE,
    "max - MIN_MAX_MAGNITUDE + 1": maxMagnitude - MIN_MAX_MAGNITUDE + 1n,
    "0": 0n,
    current,
  };
  return table[m];
}
const showMagnitude = (m: Magnitude): string =>
  typeof m === "number" ? `current ${m > 0 ? "+" : ""}${m}${m > 0 ? " points" : "%"}` : m;

/** A time relative to an event: exactly at it, a second before or after, or later. */
type Offset = -1 | 0 | 1 | 600;
const showOffset = (o: Offset): string => (o === 0 ? "" : o > 0 ? ` + ${o}` : ` - ${-o}`);

/** `event + offset` if that is still ahead of the clock, else the clock + gap. */
function at(d: D, event: bigint, offset: Offset, gap: bigint): bigint {
  const t = event + BigInt(offset);
  return t > d.now ? t : d.now + gap;
}

/* ---------------------------------------------------------------------------------------------- core commands */

const depositCmd = fc
  .record({
    who: fc.nat(8),
    asset: fc.nat(2),
    amount: amountArb,
    min: fc.constantFrom("0", "exact", "exact + 1"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `deposit(${STAKERS[p.who]}, ${ASSETS[p.asset]}, ${showAmount(p.amount)}, min ${p.min})`,
        always,
        async (d) => {
          const s = d.accounts9[p.who];
          const asset = d.coreAssets[p.asset];
          const m = d.model;
          const amount = resolveAmount(
            p.amount,
            m.wallet(s.address, asset),
            m.cap(asset) - m.totalDeposited(asset),
          );
          const expected = m.vault.previewDeposit(s.address, asset, amount);
          const min = p.min === "0" ? 0n : p.min === "exact" ? expected : expected + 1n;
          await d.deposit(s, asset, amount, min, d.now + p.gap);
        },
        p.gap,
      ),
  );

/** operator index 3 = an address that is not an operator. */
const delegateCmd = fc
  .record({ who: fc.nat(8), operator: fc.nat(3) })
  .map(
    (p) =>
      new ModelCommand(
        `delegate(${STAKERS[p.who]} -> ${p.operator === 3 ? "outsider" : `op${p.operator + 1}`})`,
        always,
        (d) =>
          d.delegate(
            d.accounts9[p.who],
            p.operator === 3 ? d.fixture.outsider.address : d.ops[p.operator].address,
          ),
      ),
  );

const undelegateCmd = fc
  .record({ who: fc.nat(8), caller: fc.constantFrom("self", "its operator", "outsider") })
  .map(
    (p) =>
      new ModelCommand(`undelegate(${STAKERS[p.who]} by ${p.caller})`, always, (d) => {
        const s = d.accounts9[p.who];
        const operator = d.model.vault.operatorOf(s.address);
        const caller =
          p.caller === "self" || operator === ZERO
            ? s
            : p.caller === "its operator"
              ? d.signerOf(operator)
              : d.fixture.outsider;
        return d.undelegate(s, caller);
      }),
  );

const redelegateCmd = fc
  .record({ who: fc.nat(8), operator: fc.nat(3) })
  .map(
    (p) =>
      new ModelCommand(
        `redelegate(${STAKERS[p.who]} -> ${p.operator === 3 ? "outsider" : `op${p.operator + 1}`})`,
        always,
        (d) =>
          d.redelegate(
            d.accounts9[p.who],
            p.operator === 3 ? d.fixture.outsider.address : d.ops[p.operator].address,
          ),
      ),
  );

const queueCmd = fc.record({ who: fc.nat(8), asset: fc.nat(2), shares: sharesArb, gap: gapArb }).map(
  (p) =>
    new ModelCommand(
      `queueWithdrawal(${STAKERS[p.who]}, ${ASSETS[p.asset]}, ${showShares(p.shares)} of its shares)`,
      always,
      (d) => {
        const s = d.accounts9[p.who];
        const asset = d.coreAssets[p.asset];
        const held = d.model.vault.sharesOf(s.address, asset);
        return d.queue(s, asset, resolveShares(p.shares, held), d.now + p.gap);
      },
      p.gap,
    ),
);

type CompleteWhen = "soon" | "readyAt" | "readyAt - 1" | "opensAt" | "opensAt - 1" | "readyAt + 10 min";
const completeCmd = fc
  .record({
    k: fc.nat(20),
    asTokens: fc.boolean(),
    min: fc.constantFrom("0", "value", "value + 1", "half"),
    caller: fc.constantFrom("staker", "withdrawer", "someone else"),
    when: fc.constantFrom<CompleteWhen>(
      "soon",
      "readyAt",
      "readyAt - 1",
      "opensAt",
      "opensAt - 1",
      "readyAt + 10 min",
    ),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `completeWithdrawal(live #${p.k}, as ${p.asTokens ? "tokens" : "shares"}, min ${p.min}, by ${p.caller}, at ${p.when})`,
        (d) => d.liveWithdrawals().length !== 0,
        (d) => {
          const m = d.model;
          const id = pick(d.liveWithdrawals(), p.k);
          const w = m.vault.withdrawals.get(id);
          if (w === undefined) throw new Error("commands: live withdrawal not found");
          const value = m.vault.completionValue(id);
          const min =
            p.min === "0" ? 0n : p.min === "value" ? value : p.min === "value + 1" ? value + 1n : value / 2n;
          const readyAt = m.readyAt(id);
          const opensAt = m.exitOpensAt(id);
          const event: Record<CompleteWhen, [bigint, Offset]> = {
            soon: [d.now, 0],
            readyAt: [readyAt, 0],
            "readyAt - 1": [readyAt, -1],
            opensAt: [opensAt, 0],
            "opensAt - 1": [opensAt, -1],
            "readyAt + 10 min": [readyAt, 600],
          };
          const [t, o] = event[p.when];
          const staker = d.signerOf(w.staker);
          const withdrawer = m.withdrawerOf(w.staker);
          const caller =
            p.caller === "withdrawer" && withdrawer !== ZERO
              ? d.signerOf(withdrawer)
              : p.caller === "someone else"
                ? pick(
                    d.accounts9.filter((a) => norm(a.address) !== w.staker),
                    0,
                  )
                : staker;
          return d.complete(id, p.asTokens, min, caller, at(d, t, o, p.gap));
        },
        p.gap,
      ),
  );

const completeAgainCmd = fc.record({ k: fc.nat(20) }).map(
  (p) =>
    new ModelCommand(
      `completeWithdrawal(completed #${p.k} again)`,
      (d) => d.completedIds().length !== 0,
      (d) => {
        const id = pick(d.completedIds(), p.k);
        const staker = d.signerOf(ethers.getAddress(ethers.toBeHex(id >> 96n, 20)));
        return d.complete(id, true, 0n, staker, d.now + 1n);
      },
    ),
);

const allocateCmd = fc
  .record({ operator: fc.nat(2), avs: fc.nat(2), asset: fc.nat(2), magnitude: magnitudeArb, gap: gapArb })
  .map(
    (p) =>
      new ModelCommand(
        `modifyAllocation(op${p.operator + 1} -> ${AVSS[p.avs]} ${ASSETS[p.asset]}, ${showMagnitude(p.magnitude)})`,
        always,
        (d) => {
          const m = d.model;
          const o = d.ops[p.operator];
          const avs = m.sm.avsList()[p.avs];
          const asset = d.coreAssets[p.asset];
          const t = d.now + p.gap;
          const current = m.sm.allocationView(o.address, avs, asset, t).current;
          const mags = m.sm.magnitudesView(o.address, asset);
          const magnitude = resolveMagnitude(p.magnitude, current, mags.maxMagnitude, mags.encumbered);
          // the contract takes a uint64: outside it the call cannot be encoded (not a protocol behaviour)
          const bounded = magnitude < 0n ? 0n : magnitude >= 1n << 64n ? (1n << 64n) - 1n : magnitude;
          return d.modifyAllocation(o, avs, asset, bounded, t);
        },
        p.gap,
      ),
  );

const applyAllocationCmd = fc
  .record({ operator: fc.nat(2), avs: fc.nat(2), asset: fc.nat(2) })
  .map(
    (p) =>
      new ModelCommand(
        `applyPendingAllocation(op${p.operator + 1}, ${AVSS[p.avs]}, ${ASSETS[p.asset]})`,
        always,
        (d) =>
          d.applyPendingAllocation(
            d.ops[p.operator].address,
            d.model.sm.avsList()[p.avs],
            d.coreAssets[p.asset],
          ),
      ),
  );

const requestCmd = fc
  .record({
    avs: fc.nat(2),
    operator: fc.nat(2),
    fraction: fractionArb,
    caller: fc.constantFrom("slasher", "outsider"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `requestSlash(${AVSS[p.avs]} -> op${p.operator + 1}, ${showFraction(p.fraction)}${p.caller === "slasher" ? "" : ", by outsider"})`,
        always,
        (d) => {
          const m = d.model;
          const avs = m.sm.avsList()[p.avs];
          const c = m.sm.config(avs);
          const caller = p.caller === "slasher" ? d.signerOf(c.slasher) : d.fixture.outsider;
          return d.requestSlash(
            caller,
            avs,
            d.ops[p.operator].address,
            resolveFraction(p.fraction, c.maxSlashWad),
            d.now + p.gap,
          );
        },
        p.gap,
      ),
  );

/** The request the index picks: among the pending ones if `pendingOnly` (and there are any), else among all. */
function requestOf(d: D, k: number, pendingOnly: boolean): RequestModel {
  const pending = d.pending();
  return pick(pendingOnly && pending.length !== 0 ? pending : d.model.sm.requests, k);
}
const anyRequest = (d: D): boolean => d.model.sm.requests.length !== 0;

type VetoWhen = "soon" | "executableAt - 1" | "executableAt";
type VetoCaller = "its committee" | "committee2" | "outsider";
const vetoCmd = fc
  .record({
    k: fc.nat(20),
    caller: fc.constantFrom<VetoCaller>("its committee", "committee2", "outsider"),
    when: fc.constantFrom<VetoWhen>("soon", "executableAt - 1", "executableAt"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `vetoSlash(vetoable #${p.k}, by ${p.caller}, at ${p.when})`,
        anyRequest,
        (d) => {
          // a pending request whose terms have a committee, if any (else any pending one, else any)
          const vetoable = d.pending().filter((q) => d.model.sm.termsOf(q.termsId).vetoCommittee !== ZERO);
          const r = vetoable.length !== 0 ? pick(vetoable, p.k) : requestOf(d, p.k, true);
          return veto(d, r, p.caller, p.when, p.gap);
        },
        p.gap,
      ),
  );

/** Vetoes request `r` by `who` at `when` (the request's committee, if it has one and `who` names it). */
function veto(d: D, r: RequestModel, who: VetoCaller, when: VetoWhen, gap: bigint): Promise<void> {
  const committee = d.model.sm.termsOf(r.termsId).vetoCommittee;
  const caller =
    who === "its committee" && committee !== ZERO
      ? d.signerOf(committee)
      : who === "outsider"
        ? d.fixture.outsider
        : d.fixture.committee2;
  const t = when === "soon" ? d.now + gap : at(d, r.executableAt, when === "executableAt" ? 0 : -1, gap);
  return d.vetoSlash(caller, r.id, t, when === "soon" ? undefined : `at ${when}`);
}

/**
 * A request by X (the AVS with a veto committee) against an operator, then, if the chain took it, a veto of that very
 * request: without it, X's requests rarely stay pending until a veto command picks them, and the default run would
 * reach no successful veto.
 */
const requestThenVetoCmd = fc
  .record({
    operator: fc.nat(2),
    fraction: fractionArb,
    caller: fc.constantFrom<VetoCaller>("its committee", "committee2", "outsider"),
    when: fc.constantFrom<VetoWhen>("soon", "executableAt - 1", "executableAt"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `requestThenVeto(X -> op${p.operator + 1}, ${showFraction(p.fraction)}; veto by ${p.caller}, at ${p.when})`,
        always,
        async (d) => {
          const m = d.model;
          const avs = m.sm.avsList()[0];
          const c = m.sm.config(avs);
          const count = m.sm.requests.length;
          await d.requestSlash(
            d.signerOf(c.slasher),
            avs,
            d.ops[p.operator].address,
            resolveFraction(p.fraction, c.maxSlashWad),
            d.now + p.gap,
          );
          if (m.sm.requests.length === count) return; // refused: nothing to veto
          await veto(d, m.sm.requests[count], p.caller, p.when, p.gap);
        },
        p.gap,
      ),
  );

type CancelWhen = "soon" | "expiresAt - 1" | "expiresAt";
const cancelCmd = fc
  .record({
    k: fc.nat(20),
    caller: fc.constantFrom("slasher", "anyone"),
    when: fc.constantFrom<CancelWhen>("soon", "expiresAt", "expiresAt - 1"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `cancelSlash(pending #${p.k}, by ${p.caller}, at ${p.when})`,
        anyRequest,
        (d) => {
          const r = requestOf(d, p.k, true);
          const caller =
            p.caller === "slasher" ? d.signerOf(d.model.sm.config(r.avs).slasher) : d.fixture.outsider;
          const expiresAt = r.executableAt + EXECUTION_WINDOW;
          const t =
            p.when === "soon" ? d.now + p.gap : at(d, expiresAt, p.when === "expiresAt" ? 0 : -1, p.gap);
          return d.cancelSlash(caller, r.id, t, p.when === "soon" ? undefined : `at ${p.when}`);
        },
        p.gap,
      ),
  );

type ExecuteWhen = "soon" | "executableAt - 1" | "executableAt" | "expiresAt - 1" | "expiresAt";
const executeCmd = fc
  .record({
    k: fc.nat(20),
    when: fc.constantFrom<ExecuteWhen>(
      "executableAt",
      "soon",
      "executableAt - 1",
      "expiresAt - 1",
      "expiresAt",
    ),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `executeSlash(pending #${p.k}, at ${p.when})`,
        anyRequest,
        (d) => {
          const r = requestOf(d, p.k, true);
          const expiresAt = r.executableAt + EXECUTION_WINDOW;
          const table: Record<ExecuteWhen, [bigint, Offset]> = {
            soon: [d.now, 0],
            "executableAt - 1": [r.executableAt, -1],
            executableAt: [r.executableAt, 0],
            "expiresAt - 1": [expiresAt, -1],
            expiresAt: [expiresAt, 0],
          };
          const [t, o] = table[p.when];
          return d.executeSlash(r.id, at(d, t, o, p.gap), p.when === "soon" ? undefined : `at ${p.when}`);
        },
        p.gap,
      ),
  );

const releaseCmd = fc.record({ k: fc.nat(20), asset: fc.nat(2) }).map(
  (p) =>
    new ModelCommand(`releaseSlashedFunds(executed #${p.k}, its asset #${p.asset})`, anyRequest, (d) => {
      const executed = d.model.sm.requests.filter((r) => r.status === STATUS.Executed);
      const r = pick(executed.length !== 0 ? executed : d.model.sm.requests, p.k);
      const assets = r.slashed.map((s) => d.coreAssets[Number(s.assetIndex)]);
      return d.releaseSlashedFunds(r.id, pick(assets.length !== 0 ? assets : d.coreAssets, p.asset));
    }),
);

/** A request and the completion of a ready withdrawal of the same pool, mined in one block in either order. */
const sameBlockCmd = fc
  .record({
    k: fc.nat(20),
    avs: fc.nat(2),
    fraction: fractionArb,
    requestFirst: fc.boolean(),
    asTokens: fc.boolean(),
    minValue: fc.boolean(),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `sameBlock(${p.requestFirst ? "requestSlash then completion" : "completion then requestSlash"}: ${AVSS[p.avs]} ${showFraction(p.fraction)}, live #${p.k}${p.minValue ? ", min its value" : ""})`,
        (d) => d.liveWithdrawals().some((id) => d.model.vault.withdrawals.get(id)?.operator !== ZERO),
        (d) => {
          const m = d.model;
          const ids = d.liveWithdrawals().filter((id) => m.vault.withdrawals.get(id)?.operator !== ZERO);
          const id = pick(ids, p.k);
          const w = m.vault.withdrawals.get(id);
          if (w === undefined) throw new Error("commands: withdrawal not found");
          const avs = m.sm.avsList()[p.avs];
          const c = m.sm.config(avs);
          // at the withdrawal's readyAt if it is ahead, else soon
          const t = at(d, m.readyAt(id), 0, p.gap);
          return d.requestAndCompleteInOneBlock(
            p.requestFirst,
            d.signerOf(c.slasher),
            avs,
            w.operator,
            resolveFraction(p.fraction, c.maxSlashWad),
            id,
            p.asTokens,
            p.minValue ? m.vault.completionValue(id) : 0n,
            d.signerOf(w.staker),
            t,
          );
        },
        p.gap,
      ),
  );

/** Operator3 slashes itself through Z (no committee, max 100%) and executes in the same block. */
const selfSlashCmd = fc.record({ operator: fc.nat(2), fraction: fractionArb, gap: gapArb }).map(
  (p) =>
    new ModelCommand(
      `requestAndExecuteInOneBlock(Z -> op${p.operator + 1}, ${showFraction(p.fraction)})`,
      always,
      (d) => {
        const z = d.model.sm.avsList()[2];
        const c = d.model.sm.config(z);
        return d.requestAndExecuteInOneBlock(
          d.signerOf(c.slasher),
          z,
          d.ops[p.operator].address,
          resolveFraction(p.fraction, c.maxSlashWad),
          d.now + p.gap,
        );
      },
      p.gap,
    ),
);

/** Time: a jump by a duration, weighted towards minutes and hours, up to 8 days. */
const timeJumpCmd = fc
  .oneof(
    { weight: 2, arbitrary: fc.bigInt(60n, HOUR) },
    { weight: 2, arbitrary: fc.bigInt(HOUR, DAY) },
    { weight: 1, arbitrary: fc.bigInt(DAY, 8n * DAY) },
  )
  .map((s) => new ModelCommand(`timeJump(+${s}s)`, always, (d) => d.timeJump(s)));

type EventKind =
  | "a withdrawal's readyAt"
  | "a withdrawal's hold end"
  | "a request's executableAt"
  | "a request's expiresAt"
  | "an allocation change's effectAt"
  | "a cooldown's end"
  | "a pool gate's window end"
  | "an AVS change's effectAt";
const EVENT_KINDS: EventKind[] = [
  "a request's executableAt",
  "a withdrawal's readyAt",
  "a withdrawal's hold end",
  "a request's expiresAt",
  "an allocation change's effectAt",
  "a cooldown's end",
  "a pool gate's window end",
  "an AVS change's effectAt",
];

/** The future times of events of `kind` (after the clock + 1). */
function eventTimes(d: D, kind: EventKind): bigint[] {
  const m = d.model;
  const out: bigint[] = [];
  switch (kind) {
    case "a withdrawal's readyAt":
      for (const id of d.liveWithdrawals()) out.push(m.readyAt(id));
      break;
    case "a withdrawal's hold end":
      for (const id of d.liveWithdrawals()) out.push(m.exitOpensAt(id));
      break;
    case "a request's executableAt":
      for (const r of d.pending()) out.push(r.executableAt);
      break;
    case "a request's expiresAt":
      for (const r of d.pending()) out.push(r.executableAt + EXECUTION_WINDOW);
      break;
    case "an allocation change's effectAt":
    case "a cooldown's end":
      for (const o of d.ops) {
        for (const avs of m.sm.avsList()) {
          for (const a of d.coreAssets) {
            const s = m.sm.storedAllocationOf(o.address, avs, a);
            if (kind === "an allocation change's effectAt" && s.effectAt !== 0n) out.push(s.effectAt);
            if (
              kind === "a cooldown's end" &&
              s.openRequest !== 0n &&
              m.sm.statusOf(s.openRequest) !== STATUS.Pending
            ) {
              out.push(m.sm.nextRequestAt(s.openRequest));
            }
          }
        }
      }
      break;
    case "a pool gate's window end":
      for (const o of d.ops) {
        for (const a of d.coreAssets) {
          const g = m.sm.magnitudesView(o.address, a).gateAt;
          if (g !== 0n) out.push(g + JOIN_WINDOW);
        }
      }
      break;
    case "an AVS change's effectAt":
      for (const avs of m.sm.avsList()) {
        const q = m.sm.queuedConfig(avs);
        if (q !== undefined) out.push(q.effectAt);
      }
      break;
  }
  return out.filter((t) => t > d.now + 1n);
}

const jumpToEventCmd = fc
  .record({ kind: fc.constantFrom(...EVENT_KINDS), k: fc.nat(20), offset: fc.constantFrom<Offset>(-1, 0, 1) })
  .map(
    (p) =>
      new ModelCommand(
        `jumpTo(${p.kind} #${p.k}${showOffset(p.offset)})`,
        (d) => eventTimes(d, p.kind).length !== 0,
        (d) => {
          const t = pick(eventTimes(d, p.kind), p.k) + BigInt(p.offset);
          return d.timeJump(t - d.now, `to ${p.kind}`);
        },
      ),
  );

const withdrawalDelayCmd = fc
  .record({
    delay: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(3n, 4n, 5n, 7n, 9n).map((x) => x * DAY) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          MIN_WITHDRAWAL_DELAY - 1n,
          MAX_WITHDRAWAL_DELAY + 1n,
          MIN_WITHDRAWAL_DELAY,
          MAX_WITHDRAWAL_DELAY,
        ),
      },
    ),
    byAdmin: fc.boolean(),
  })
  .map(
    (p) =>
      new ModelCommand(`setWithdrawalDelay(${p.delay}s${p.byAdmin ? "" : ", by outsider"})`, always, (d) =>
        d.setWithdrawalDelay(p.byAdmin ? d.fixture.admin : d.fixture.outsider, p.delay),
      ),
  );

/** An AVS configuration change (a loosening one is queued): veto window, maximum, committee or recipient, assets. */
const updateAVSCmd = fc
  .record({
    avs: fc.nat(2),
    window: fc.constantFrom(DAY, HOUR, 12n * HOUR, MAX_VETO_WINDOW, MAX_VETO_WINDOW + 1n),
    maxPct: fc.constantFrom(50n, 10n, 30n, 75n, 100n, 0n),
    swap: fc.constantFrom("nothing", "committee", "recipient"),
    assets: fc.constantFrom(7, 1, 2, 3, 4, 5, 6, 0),
  })
  .map(
    (p) =>
      new ModelCommand(
        `updateAVSConfig(${AVSS[p.avs]}: window ${p.window}s, max ${p.maxPct}%, swap ${p.swap}, asset mask ${p.assets})`,
        always,
        (d) => {
          const m = d.model;
          const avs = m.sm.avsList()[p.avs];
          const c = m.sm.config(avs);
          const f = d.fixture;
          const committee =
            p.swap !== "committee"
              ? c.vetoCommittee
              : norm(c.vetoCommittee) === norm(f.committee.address)
                ? f.committee2.address
                : f.committee.address;
          const recipient =
            p.swap !== "recipient"
              ? c.recipient
              : norm(c.recipient) === norm(f.recipient.address)
                ? f.recipient2.address
                : f.recipient.address;
          const params: AVSParams = {
            slasher: c.slasher,
            vetoCommittee: committee,
            vetoWindow: committee === ZERO ? 0n : p.window,
            maxSlashWad: p.maxPct * PERCENT,
            recipient,
            registrar: c.registrar,
            assets: d.coreAssets.filter((_, i) => ((p.assets >> i) & 1) !== 0),
          };
          return d.updateAVSConfig(d.avsAdmin(p.avs), params);
        },
      ),
  );

const applyAVSCmd = fc.record({ avs: fc.nat(2), queued: fc.boolean() }).map(
  (p) =>
    new ModelCommand(
      `applyAVSConfig(${AVSS[p.avs]}, ${p.queued ? "the queued params" : "its current params"})`,
      always,
      (d) => {
        const m = d.model;
        const avs = m.sm.avsList()[p.avs];
        const q = m.sm.queuedConfig(avs);
        const c = m.sm.config(avs);
        const params: AVSParams =
          p.queued && q !== undefined
            ? q.params
            : {
                slasher: c.slasher,
                vetoCommittee: c.vetoCommittee,
                vetoWindow: c.vetoWindow,
                maxSlashWad: c.maxSlashWad,
                recipient: c.recipient,
                registrar: c.registrar,
                assets: m.sm.acceptedAssets(avs),
              };
        return d.applyAVSConfig(avs, params);
      },
    ),
);

/**
 * A configuration change in flight (docs/invariants.md §4, §5: a request is judged by the terms it was made under):
 * AVS X (veto committee) or Y (none) queues a loosening change (X: the other committee, Y: the other recipient), unless
 * one is queued already; its slasher requests a slash shortly before the change takes effect (`lead` of the veto window,
 * a day for Y, before `effectAt`), against the first operator from `operator` on whose request the model says goes
 * through; Y's request may be executed before the change (`executeFirst`: it then waits unreleased); then the change
 * is applied `applyDelay` seconds after `effectAt`, while X's request is still vetoable and Y's pending or unreleased.
 * The veto, execution or release that follow under the old terms are the other commands'.
 */
const configInFlightCmd = fc
  .record({
    avs: fc.nat(1),
    operator: fc.nat(2),
    fraction: fractionArb,
    lead: fc.constantFrom(2n, 3n, 4n),
    applyDelay: fc.oneof(fc.constant(0n), fc.bigInt(1n, 60n)),
    executeFirst: fc.boolean(),
  })
  .map(
    (p) =>
      new ModelCommand(
        `configInFlight(${AVSS[p.avs]}: request window/${p.lead} before effectAt -> op${p.operator + 1}, ` +
          `${showFraction(p.fraction)}${p.avs === 1 && p.executeFirst ? ", executed first" : ""}; ` +
          `apply at effectAt + ${p.applyDelay}s)`,
        always,
        async (d) => {
          const m = d.model;
          const avs = m.sm.avsList()[p.avs];
          if (m.sm.queuedConfig(avs) === undefined) {
            const c = m.sm.config(avs);
            const f = d.fixture;
            const other = (a: string, x: string, y: string): string => (norm(a) === norm(x) ? y : x);
            const params: AVSParams = {
              slasher: c.slasher,
              vetoCommittee:
                p.avs === 0
                  ? other(c.vetoCommittee, f.committee.address, f.committee2.address)
                  : c.vetoCommittee,
              vetoWindow: p.avs === 0 && c.vetoWindow === 0n ? DAY : c.vetoWindow,
              maxSlashWad: c.maxSlashWad,
              recipient:
                p.avs === 1 ? other(c.recipient, f.recipient.address, f.recipient2.address) : c.recipient,
              registrar: c.registrar,
              assets: m.sm.acceptedAssets(avs),
            };
            await d.updateAVSConfig(d.avsAdmin(p.avs), params);
          }
          const q = m.sm.queuedConfig(avs);
          if (q === undefined || q.effectAt <= d.now + 1n) return; // applied at once, or due already
          const c = m.sm.config(avs);
          const window = c.vetoWindow === 0n ? DAY : c.vetoWindow;
          const requestAt = q.effectAt - window / p.lead > d.now ? q.effectAt - window / p.lead : d.now + 1n;
          const fraction = resolveFraction(p.fraction, c.maxSlashWad);
          const operators = [0, 1, 2].map((i) => d.ops[(p.operator + i) % 3].address);
          const operator =
            operators.find((o) => !isRevert(m.requestSlash(c.slasher, avs, o, fraction, requestAt))) ??
            operators[0];
          const count = m.sm.requests.length;
          await d.requestSlash(
            d.signerOf(c.slasher),
            avs,
            operator,
            fraction,
            requestAt,
            "while a change of the AVS is queued",
          );
          if (m.sm.requests.length !== count && p.avs === 1 && p.executeFirst) {
            const r = m.sm.requests[count];
            const executeAt = r.executableAt > d.now ? r.executableAt : d.now + 1n;
            if (executeAt < q.effectAt) await d.executeSlash(r.id, executeAt);
          }
          await d.applyAVSConfig(avs, q.params, q.effectAt + p.applyDelay);
        },
      ),
  );

const registrationCmd = fc.record({ operator: fc.nat(2), avs: fc.nat(2), flip: fc.boolean() }).map(
  (p) =>
    new ModelCommand(
      `registration(op${p.operator + 1}, ${AVSS[p.avs]}, ${p.flip ? "flip" : "same again"})`,
      always,
      (d) => {
        const o = d.ops[p.operator];
        const avs = d.model.sm.avsList()[p.avs];
        const registered = d.model.sm.isRegistered(avs, o.address);
        return d.registration(o, avs, p.flip ? !registered : registered);
      },
    ),
);

/* ---------------------------------------------------------------------------------------------- LRT commands */

const lrtDepositCmd = fc
  .record({
    user: fc.nat(2),
    a: fc.nat(1),
    amount: fc.oneof(
      {
        weight: 5,
        arbitrary: fc.tuple(fc.bigInt(1n, 120n), fc.bigInt(0n, WAD - 1n)).map(([e, w]) => e * WAD + w),
      },
      { weight: 2, arbitrary: fc.constantFrom<AmountEdge>("1 wei", "0", "cap room", "cap room + 1 wei") },
    ),
    min: fc.constantFrom("0", "exact", "exact + 1"),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtDeposit(user${p.user + 1}, ${LRT_ASSETS[p.a]}, ${showAmount(p.amount)}, min ${p.min})`,
        always,
        (d) => {
          const amount = resolveAmount(p.amount, 0n, d.capRoom(p.a));
          const expected = d.preview(p.a, amount);
          const min = p.min === "0" ? 0n : p.min === "exact" ? expected : expected + 1n;
          return d.lrtDeposit(d.users[p.user], p.a, amount, min);
        },
        p.gap,
      ),
  );

/** An LRT share amount given as a percentage of the user's balance (plus 1 share), or "0" / "1": its label and its
 * shares; `undefined` shares for the edges each command resolves itself. */
function lrtSharesLabel(s: number | string): string {
  return typeof s === "number" ? `${s}% of its balance + 1` : s;
}
function lrtCommonShares(s: number | string, balance: bigint): bigint | undefined {
  if (typeof s === "number") return (balance * BigInt(s)) / 100n + 1n;
  return s === "0" ? 0n : s === "1" ? 1n : undefined;
}

type LrtSharesEdge =
  | "0"
  | "1"
  | "balance"
  | "balance + 1"
  | "payable from idle"
  | "above the asset's liquidity, within the balance";
const lrtRequestCmd = fc
  .record({
    user: fc.nat(2),
    a: fc.nat(1),
    shares: fc.oneof(
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 25 }) },
      {
        weight: 2,
        arbitrary: fc.constantFrom<LrtSharesEdge>(
          "payable from idle",
          "balance",
          "above the asset's liquidity, within the balance",
          "1",
          "0",
          "balance + 1",
        ),
      },
    ),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtRequestRedeem(user${p.user + 1}, ${LRT_ASSETS[p.a]}, ${lrtSharesLabel(p.shares)})`,
        always,
        (d) => {
          const u = d.users[p.user];
          const balance = d.lrtBalanceOf(u.address);
          const s = p.shares;
          const aboveLiquidity = (): bigint => {
            const least = d.sharesAboveLiquidity(p.a);
            return least < balance ? least : balance;
          };
          const shares =
            lrtCommonShares(s, balance) ??
            (s === "balance"
              ? balance
              : s === "balance + 1"
                ? balance + 1n
                : s === "payable from idle"
                  ? d.worth(p.a, d.idle(p.a) / 2n) + 1n
                  : aboveLiquidity());
          return d.lrtRequest(u, p.a, shares);
        },
        p.gap,
      ),
  );

const lrtProcessCmd = fc
  .record({ a: fc.nat(1), max: fc.constantFrom(1n, 2n, 5n), gap: gapArb })
  .map(
    (p) =>
      new ModelCommand(
        `lrtProcessRequests(${LRT_ASSETS[p.a]}, max ${p.max})`,
        always,
        (d) => d.lrtProcess(p.a, p.max),
        p.gap,
      ),
  );

/**
 * A slash request against the operator of one of the LRT's nodes, then a redemption request payable from idle, then
 * processRequests: the fulfilment rule's hold (nothing fulfilled while pending slash reservations exceed 1 bps of the
 * value; the LRT review's F2, docs/threat-model.md) with a request at the head of the queue. The three commands apart
 * reach that state only by chance; a request too small to reserve 1 bps (a fraction of 1 wei, say) fulfils instead.
 */
const slashThenProcessCmd = fc
  .record({
    avs: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(2) }),
    node: fc.nat(2),
    // fractions the manager takes (requestCmd draws the refused ones)
    fraction: fc.oneof(fc.constant<Fraction>("max"), fc.integer({ min: 1, max: 100 })),
    user: fc.nat(2),
    a: fc.nat(1),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `slashThenProcess(${AVSS[p.avs]} -> node${p.node}'s operator, ${showFraction(p.fraction)}; user${p.user + 1} requests ${LRT_ASSETS[p.a]} payable from idle; processRequests max 1)`,
        always,
        async (d) => {
          const m = d.model;
          const avs = m.sm.avsList()[p.avs];
          const c = m.sm.config(avs);
          await d.requestSlash(
            d.signerOf(c.slasher),
            avs,
            d.lrtNodeOperator(p.node),
            resolveFraction(p.fraction, c.maxSlashWad),
            d.now + p.gap,
          );
          await d.lrtRequest(d.users[p.user], p.a, d.worth(p.a, d.idle(p.a) / 2n) + 1n);
          await d.lrtProcess(p.a, 1n);
        },
        p.gap,
      ),
  );

const lrtCompleteCmd = fc.record({ k: fc.nat(20), count: fc.integer({ min: 1, max: 3 }), gap: gapArb }).map(
  (p) =>
    new ModelCommand(
      `lrtCompleteWithdrawals(${p.count} from #${p.k})`,
      (d) => d.lrtWithdrawalIds().length !== 0,
      (d) => {
        const ids = d.lrtWithdrawalIds();
        const chosen = new Set<bigint>();
        for (let i = 0; i < p.count; i++) chosen.add(pick(ids, p.k + i));
        return d.lrtComplete([...chosen]);
      },
      p.gap,
    ),
);

type ClaimHow = "by request" | "all shares" | "all assets" | "shares + 1" | "assets + 1" | "half the shares";
const lrtClaimCmd = fc
  .record({
    user: fc.nat(2),
    a: fc.nat(1),
    how: fc.constantFrom<ClaimHow>(
      "by request",
      "all shares",
      "all assets",
      "half the shares",
      "shares + 1",
      "assets + 1",
    ),
    k: fc.nat(10),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtClaim(user${p.user + 1}, ${LRT_ASSETS[p.a]}, ${p.how})`,
        always,
        (d) => {
          const u = d.users[p.user];
          const cl = d.claimable(p.a, u.address);
          if (p.how === "by request") {
            const ids = [...d.lrtRequestsOf(u.address, p.a, 2), ...d.lrtRequestsOf(u.address, p.a, 1)];
            if (ids.length !== 0) return d.lrtClaim(u, p.a, { byRequest: pick(ids, p.k) });
            return d.lrtClaim(u, p.a, { shares: cl.shares + 1n });
          }
          if (p.how === "all shares")
            return d.lrtClaim(u, p.a, { shares: cl.shares === 0n ? 1n : cl.shares });
          if (p.how === "half the shares") return d.lrtClaim(u, p.a, { shares: cl.shares / 2n + 1n });
          if (p.how === "shares + 1") return d.lrtClaim(u, p.a, { shares: cl.shares + 1n });
          if (p.how === "all assets")
            return d.lrtClaim(u, p.a, { assets: cl.assets === 0n ? 1n : cl.assets });
          return d.lrtClaim(u, p.a, { assets: cl.assets + 1n });
        },
        p.gap,
      ),
  );

const lrtInstantCmd = fc
  .record({
    user: fc.nat(2),
    a: fc.nat(1),
    shares: fc.oneof(
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 20 }) },
      { weight: 2, arbitrary: fc.constantFrom("the free buffer", "the free buffer + 2", "1", "0") },
    ),
    gap: gapArb,
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtInstantRedeem(user${p.user + 1}, ${LRT_ASSETS[p.a]}, ${lrtSharesLabel(p.shares)})`,
        always,
        (d) => {
          const u = d.users[p.user];
          const balance = d.lrtBalanceOf(u.address);
          const s = p.shares;
          let shares =
            lrtCommonShares(s, balance) ?? d.worth(p.a, d.free(p.a)) + (s === "the free buffer" ? 0n : 2n);
          if (shares > balance) shares = balance;
          return d.lrtInstant(
            u,
            p.a,
            shares,
            0n,
            typeof s === "string" && s.startsWith("the free") ? "draining the buffer" : undefined,
          );
        },
        p.gap,
      ),
  );

const lrtHarvestCmd = fc.constant(new ModelCommand("lrtHarvest()", always, (d) => d.lrtHarvest()));

const lrtRebalanceCmd = fc
  .record({
    node: fc.nat(2),
    a: fc.nat(1),
    shares: fc.constantFrom("all", "half", "a fifth", "1", "all + 1", "0"),
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtRebalance(node${p.node}, ${LRT_ASSETS[p.a]}, ${p.shares} of its active shares)`,
        always,
        (d) => {
          const active = d.nodeShares(p.node, p.a).active;
          const table: Record<string, bigint> = {
            all: active,
            half: active / 2n,
            "a fifth": active / 5n,
            "1": 1n,
            "all + 1": active + 1n,
            "0": 0n,
          };
          return d.lrtRebalance(p.node, p.a, table[p.shares]);
        },
      ),
  );

const lrtPriceCmd = fc
  .record({
    a: fc.nat(1),
    permille: fc.oneof(fc.constantFrom(1n, 40n), fc.bigInt(2n, 39n)),
    rise: fc.boolean(),
  })
  .map(
    (p) =>
      new ModelCommand(`oraclePrice(${LRT_ASSETS[p.a]} ${p.rise ? "+" : "-"}${p.permille}‰)`, always, (d) => {
        const price = d.price(p.a);
        return d.lrtPrice(p.a, (price * (1_000n + (p.rise ? p.permille : -p.permille))) / 1_000n);
      }),
  );

const lrtWeightsCmd = fc
  .record({ w1: fc.integer({ min: 0, max: 10 }), w2: fc.integer({ min: 0, max: 10 }), short: fc.boolean() })
  .map(
    (p) =>
      new ModelCommand(
        `lrtSetWeights(${p.w1}000, ${p.w2}000, rest${p.short ? ", 1 bps short" : ""})`,
        always,
        (d) => {
          const w1 = BigInt(Math.min(p.w1, 10)) * 1_000n;
          const w2 = BigInt(Math.min(p.w2, 10 - Math.min(p.w1, 10))) * 1_000n;
          const weights = [w1, w2, 10_000n - w1 - w2];
          // one basis point short, taken from the last non-zero weight (a uint16 weight cannot go below 0)
          if (p.short) {
            let k = weights.length - 1;
            while (weights[k] === 0n) k--;
            weights[k] -= 1n;
          }
          return d.lrtWeights(weights);
        },
      ),
  );

const lrtNodeCmd = fc
  .record({
    node: fc.nat(2),
    action: fc.constantFrom("operator undelegates it", "syncNode", "redelegateNode"),
  })
  .map(
    (p) =>
      new ModelCommand(`lrtNode(node${p.node}: ${p.action})`, always, (d) => {
        if (p.action === "operator undelegates it") {
          // only while the vault still has it delegated (else the registry's revert is not the LRT's concern)
          return d.nodeState(p.node).delegated ? d.lrtUndelegateNode(p.node) : d.lrtSync(p.node);
        }
        return p.action === "syncNode" ? d.lrtSync(p.node) : d.lrtRedelegate(p.node);
      }),
  );

/* ---------------------------------------------------------------------------------------------- the mix */

/** Every command with its weight (fc.commands draws them with these frequencies). */
export const COMMANDS: Array<{ weight: number; arbitrary: fc.Arbitrary<ModelCommand> }> = [
  { weight: 10, arbitrary: depositCmd },
  { weight: 4, arbitrary: delegateCmd },
  { weight: 2, arbitrary: undelegateCmd },
  { weight: 2, arbitrary: redelegateCmd },
  { weight: 8, arbitrary: queueCmd },
  { weight: 10, arbitrary: completeCmd },
  { weight: 1, arbitrary: completeAgainCmd },
  { weight: 7, arbitrary: allocateCmd },
  { weight: 2, arbitrary: applyAllocationCmd },
  { weight: 8, arbitrary: requestCmd },
  { weight: 4, arbitrary: vetoCmd },
  { weight: 3, arbitrary: requestThenVetoCmd },
  { weight: 4, arbitrary: cancelCmd },
  { weight: 7, arbitrary: executeCmd },
  { weight: 3, arbitrary: releaseCmd },
  { weight: 4, arbitrary: sameBlockCmd },
  { weight: 3, arbitrary: selfSlashCmd },
  { weight: 5, arbitrary: timeJumpCmd },
  { weight: 6, arbitrary: jumpToEventCmd },
  { weight: 2, arbitrary: withdrawalDelayCmd },
  { weight: 2, arbitrary: updateAVSCmd },
  { weight: 2, arbitrary: applyAVSCmd },
  { weight: 2, arbitrary: configInFlightCmd },
  { weight: 1, arbitrary: registrationCmd },
  { weight: 7, arbitrary: lrtDepositCmd },
  { weight: 5, arbitrary: lrtRequestCmd },
  { weight: 5, arbitrary: lrtProcessCmd },
  { weight: 2, arbitrary: slashThenProcessCmd },
  { weight: 4, arbitrary: lrtCompleteCmd },
  { weight: 3, arbitrary: lrtClaimCmd },
  { weight: 3, arbitrary: lrtInstantCmd },
  { weight: 1, arbitrary: lrtHarvestCmd },
  { weight: 2, arbitrary: lrtRebalanceCmd },
  { weight: 3, arbitrary: lrtPriceCmd },
  { weight: 1, arbitrary: lrtWeightsCmd },
  { weight: 2, arbitrary: lrtNodeCmd },
];

/**
 * The commands of the actions each pause group stops (test/model/adminState.ts), for the admin commands' pauseThenAct,
 * by the first word of the driver's label.
 */
export const GROUP_ACTIONS = {
  delegate: delegateCmd,
  deposit: depositCmd,
  queue: queueCmd,
  allocate: allocateCmd,
  requestSlash: requestCmd,
  updateAVSConfig: updateAVSCmd,
  lrtDeposit: lrtDepositCmd,
  lrtRequest: lrtRequestCmd,
  lrtClaim: lrtClaimCmd,
  lrtInstant: lrtInstantCmd,
  lrtProcess: lrtProcessCmd,
  lrtHarvest: lrtHarvestCmd,
} as const;

/**
 * fc.commands over COMMANDS and `extra` (the reward and admin commands): sequences of up to `maxCommands`. A shrunk
 * failure replays only with its `replayPath` (printed with the counterexample) besides the seed and the path: which
 * commands ran decides how a sequence shrinks.
 */
export function commandsArb(
  maxCommands: number,
  extra: ReadonlyArray<{ weight: number; arbitrary: fc.Arbitrary<ModelCommand> }> = [],
  replayPath?: string,
): fc.Arbitrary<Iterable<fc.AsyncCommand<D, D, false>>> {
  const one: fc.Arbitrary<fc.AsyncCommand<D, D, false>> = fc.oneof(...COMMANDS, ...extra);
  return fc.commands<D, D, false>([one], { maxCommands, size: "max", replayPath });
}
