/**
 * Item 9d of issue 9: maxSlashWad capped one request, so n requests in one block took 1 - (1 - f)^n.
 *
 * The rule now (docs/slashing.md, "One request per allocation and the cooldown"): an AVS has at most one request open
 * on an allocation (operator, AVS, asset), and its next request touching that allocation waits until
 * nextRequestAt = executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN of the last one: SlashCooldown(avs, operator, asset,
 * nextRequestAt) before then, SlashRequestOpen(avs, operator, asset) while the last one is still Pending. So an AVS takes
 * at most maxSlashWad of an allocation per vetoWindow + EXECUTION_WINDOW + SLASH_COOLDOWN (maxSlashable is that
 * bound), and one slasher keeps a pool closed at most vetoWindow + EXECUTION_WINDOW out of every
 * vetoWindow + EXECUTION_WINDOW + SLASH_COOLDOWN ("Pending requests close the pool"). The cooldown is derived from the
 * AVS's last request on the allocation (`openRequest`, kept after it resolves).
 *
 * Several AVSs taking turns (round 1's documented caveat) are bounded together by the pool gate (docs/slashing.md,
 * "Pending requests close the pool"), epoch based since round 3: a request on a pool joins its epoch within JOIN_WINDOW
 * (6 h) of the epoch's start, open or closed; after that the pool is gated (`PoolGated(operator, asset, nextEpochAt)`,
 * nextEpochAt = gateAt + GATE_CYCLE) until GATE_CYCLE (3 days 18 hours - 1 s) after the start and while any request
 * is pending; then the next request starts a new epoch. A request skips the assets it cannot take (gated pools, its own
 * open request or cooldown) and takes the others. Attacked below: four colluding AVSs (closures and openings measured on
 * the vault), the gate against a deallocation in flight (round 2's two PoCs, now passing: a legitimate AVS gets in
 * before the deallocation matures, with exact figures and times; and the gap it left at a deallocation's end, now
 * closed), the gate's edges (±1 s, several requests in one block, requests touching pools in different gate states),
 * and partial requests.
 *
 * The gate against a deallocation's end (the KNOWN GAP of round 3, fixed in issue #9): an operator could start an
 * epoch with a dust request of its own AVS and misbehave towards Y the second its join window closed, in the last
 * GATE_CYCLE - JOIN_WINDOW of a deallocation it queued earlier, so that Y's first request came after the deallocation
 * matured. A decrease now stays slashable max(withdrawal delay, MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) +
 * GATE_CYCLE: an AVS that decides to slash within a withdrawal delay of the announcement reaches a join window or an
 * open pool before it matures; the test pins Y's
 * 50 stETH taken at the next epoch, at the old attack's timing and at the last second of the withdrawal delay.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Prng } from "../helpers/prng";
import {
  DAY,
  EVIDENCE,
  EXECUTION_WINDOW,
  GATE_CYCLE,
  HOUR,
  JOIN_WINDOW,
  MAX_VETO_WINDOW,
  MIN_WITHDRAWAL_DELAY,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  STATUS,
  WAD,
  WITHDRAWAL_DELAY,
  X_WINDOW,
  ZERO,
  allocateInForce,
  allocationView,
  checkedRequest,
  deallocationDelayFor,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  gateView,
  inOneBlock,
  minedAt,
  modelRequest,
  mulDivUp,
  ownAvs,
  poolView,
  probe,
  requestSlash,
  takenBy,
  worldFixture,
  xParams,
  yParams,
  zParams,
  type Send,
  type SendOverrides,
  type Taken,
  type WorldFixture,
} from "./attackHelpersA";

const F = WAD / 5n;
const RETH = 50n * WAD;
const ALLOC = { xStETH: (4n * WAD) / 10n, xRETH: WAD / 2n, yStETH: (3n * WAD) / 10n } as const;

/**
 * operator1's pools: stETH 300 (alice 100, bob 200), rETH 50 (alice); X (committee, 1-day window) lowered its maximum
 * to F = 20% (a tightening, in force at once); allocations: X 40% of stETH and 50% of rETH, Y 30% of stETH.
 */
async function repeatFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await deposit(f, f.alice, f.stETHAddress, 100n * WAD);
  await deposit(f, f.bob, f.stETHAddress, 200n * WAD);
  await deposit(f, f.alice, f.rETHAddress, RETH);
  await (await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), maxSlashWad: F })).wait();
  await allocateInForce(f, f.operator1, [
    [f.avs.address, f.stETHAddress, ALLOC.xStETH],
    [f.avs.address, f.rETHAddress, ALLOC.xRETH],
    [f.avs2.address, f.stETHAddress, ALLOC.yStETH],
  ]);
  return f;
}

/** repeatFixture with X's window lengthened to MAX_VETO_WINDOW (a tightening, in force at once). */
async function maxWindowFixture(): Promise<WorldFixture> {
  const f = await repeatFixture();
  await (
    await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), maxSlashWad: F, vetoWindow: MAX_VETO_WINDOW })
  ).wait();
  return f;
}

/** The next block's timestamp: the latest + `offset`, pinned. */
async function pinNext(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** A request by `slasher` for `avs` at exactly `t`; returns its id. */
async function requestAt(
  f: WorldFixture,
  slasher: HardhatEthersSigner,
  avs: string,
  t: bigint,
  wadFraction = F,
): Promise<bigint> {
  await time.setNextBlockTimestamp(t);
  await (await f.sm.connect(slasher).requestSlash(avs, f.operator1.address, wadFraction, EVIDENCE)).wait();
  return f.sm.slashRequestCount();
}

/**
 * Expects a request by `slasher` for `avs` (of `wadFraction`) at exactly `t` to revert SlashRequestOpen(avs, operator1,
 * stETH): the AVS's last request on the allocation is still Pending. Hardhat mines the failed transaction.
 */
async function expectOpenAt(
  f: WorldFixture,
  slasher: HardhatEthersSigner,
  avs: string,
  t: bigint,
  wadFraction = F,
): Promise<void> {
  await time.setNextBlockTimestamp(t);
  await expect(
    f.sm.connect(slasher).requestSlash(avs, f.operator1.address, wadFraction, EVIDENCE),
    `request at ${t}`,
  )
    .to.be.revertedWithCustomError(f.sm, "SlashRequestOpen")
    .withArgs(avs, f.operator1.address, f.stETHAddress);
}

/**
 * Expects a request by `slasher` for `avs` (of `wadFraction`) at exactly `t` to revert SlashCooldown(avs, operator1,
 * stETH, until): the last request resolved, its cooldown runs. Hardhat mines the failed transaction: the chain's clock
 * is at `t` afterwards.
 */
async function expectCooldownAt(
  f: WorldFixture,
  slasher: HardhatEthersSigner,
  avs: string,
  t: bigint,
  until: bigint,
  wadFraction = F,
): Promise<void> {
  await time.setNextBlockTimestamp(t);
  await expect(
    f.sm.connect(slasher).requestSlash(avs, f.operator1.address, wadFraction, EVIDENCE),
    `request at ${t}`,
  )
    .to.be.revertedWithCustomError(f.sm, "SlashCooldown")
    .withArgs(avs, f.operator1.address, f.stETHAddress, until);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Round 2's pool gate: worlds and tools                                                                        */
/* ------------------------------------------------------------------------------------------------------------ */

type Windows = readonly [bigint, bigint, bigint, bigint];
/** The veto windows of X, Y, Z and Z2 in the campaigns. */
const LONGEST: Windows = [MAX_VETO_WINDOW, MAX_VETO_WINDOW, MAX_VETO_WINDOW, MAX_VETO_WINDOW];
const MIXED: Windows = [MAX_VETO_WINDOW, DAY, 6n * HOUR, 0n];

interface CampaignWorld extends WorldFixture {
  /** L, a fifth AVS of operator1's (no committee) that only probes the gate: its requests are all refused. */
  late: HardhatEthersSigner;
}

/**
 * operator1's stETH pool: 300 (alice 100, bob 200). X, Y, Z and Z2 get the veto windows given (a longer window, or a
 * committee where there was none, is a tightening, in force at once: Y's committee is X's, Z's and Z2's are their own
 * accounts); allocations of stETH in force: X 30%, Y 30%, Z 15%, Z2 15%, L 10%.
 */
async function campaignWorld(windows: Windows): Promise<CampaignWorld> {
  const f = await worldFixture();
  const stETH = f.stETHAddress;
  await deposit(f, f.alice, stETH, 100n * WAD);
  await deposit(f, f.bob, stETH, 200n * WAD);
  const committee = (window: bigint, who: string) =>
    window === 0n ? { vetoCommittee: ZERO, vetoWindow: 0n } : { vetoCommittee: who, vetoWindow: window };
  await (await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), vetoWindow: windows[0] })).wait();
  await (
    await f.sm
      .connect(f.avs2)
      .updateAVSConfig({ ...yParams(f), ...committee(windows[1], f.committee.address) })
  ).wait();
  for (const [z, window] of [
    [f.zAvs, windows[2]],
    [f.z2Avs, windows[3]],
  ] as const) {
    await (
      await f.sm.connect(z).updateAVSConfig({ ...zParams(f, z.address), ...committee(window, z.address) })
    ).wait();
  }
  const late = await ownAvs(f, "L", 0n, [stETH]);
  await allocateInForce(f, f.operator1, [
    [f.avs.address, stETH, (3n * WAD) / 10n],
    [f.avs2.address, stETH, (3n * WAD) / 10n],
    [f.zAvs.address, stETH, (15n * WAD) / 100n],
    [f.z2Avs.address, stETH, (15n * WAD) / 100n],
    [late.address, stETH, WAD / 10n],
  ]);
  return { ...f, late };
}

function longestCampaign(): Promise<CampaignWorld> {
  return campaignWorld(LONGEST);
}

function mixedCampaign(): Promise<CampaignWorld> {
  return campaignWorld(MIXED);
}

/** An AVS of the campaigns: who requests for it, who may veto its requests, its window. */
interface Actor {
  name: string;
  avs: string;
  slasher: HardhatEthersSigner;
  committee: HardhatEthersSigner | null;
  window: bigint;
}

function campaignActors(f: CampaignWorld, windows: Windows): Actor[] {
  const actor = (
    name: string,
    avs: string,
    slasher: HardhatEthersSigner,
    committee: HardhatEthersSigner,
    window: bigint,
  ): Actor => ({ name, avs, slasher, committee: window === 0n ? null : committee, window });
  return [
    actor("X", f.avs.address, f.slasher, f.committee, windows[0]),
    actor("Y", f.avs2.address, f.slasher2, f.committee, windows[1]),
    actor("Z", f.zAvs.address, f.zAvs, f.zAvs, windows[2]),
    actor("Z2", f.z2Avs.address, f.z2Avs, f.z2Avs, windows[3]),
  ];
}

/**
 * Measures operator1's pool in `asset` from the vault: a closure runs from the transaction that made pendingRequests
 * non-zero to the one that brought it back to 0, an opening from there to the next closure. Each closure records the
 * longest veto window among the requests made during it and the epoch it belongs to (the pool's gateAt once closed);
 * each opening records whether the closure that ended it started a new epoch (`intoNewEpoch`) or joined the epoch
 * still in its JOIN_WINDOW (`epoch` = that epoch's start).
 */
class PoolMeter {
  readonly closures: Array<{ from: bigint; until: bigint; window: bigint; epoch: bigint }> = [];
  readonly openings: Array<{ from: bigint; until: bigint; intoNewEpoch: boolean; epoch: bigint }> = [];
  private closedSince: bigint | null = null;
  private openSince: bigint | null = null;
  private window = 0n;
  private epoch = 0n;

  constructor(
    private readonly f: WorldFixture,
    private readonly asset: string,
  ) {}

  /** Call after every transaction that may move the pool, with its block time (and the window of a request it made). */
  async after(t: bigint, window?: bigint): Promise<void> {
    const n = (await poolView(this.f, this.f.operator1.address, this.asset)).pendingRequests;
    if (n !== 0n && this.closedSince === null) {
      const gateAt = (await gateView(this.f, this.f.operator1.address, this.asset)).gateAt;
      if (this.openSince !== null)
        this.openings.push({ from: this.openSince, until: t, intoNewEpoch: gateAt === t, epoch: gateAt });
      [this.closedSince, this.openSince, this.window, this.epoch] = [t, null, 0n, gateAt];
    } else if (n === 0n && this.closedSince !== null) {
      this.closures.push({ from: this.closedSince, until: t, window: this.window, epoch: this.epoch });
      [this.closedSince, this.openSince] = [null, t];
    }
    if (n !== 0n && window !== undefined && window > this.window) this.window = window;
  }

  /** Per epoch: its start, when its last closure ended, and the longest window of its requests. */
  epochs(): Array<{ start: bigint; until: bigint; window: bigint }> {
    const out: Array<{ start: bigint; until: bigint; window: bigint }> = [];
    for (const c of this.closures) {
      const last = out[out.length - 1];
      if (last !== undefined && last.start === c.epoch) {
        last.until = c.until;
        if (c.window > last.window) last.window = c.window;
      } else out.push({ start: c.epoch, until: c.until, window: c.window });
    }
    return out;
  }
}

/** `actor`'s request for 1% of its stETH allocation at `at`, checked against the model; it must go through. */
async function actorRequest(f: CampaignWorld, actor: Actor, at: bigint, meter: PoolMeter): Promise<bigint> {
  const r = await checkedRequest(f, {
    slasher: actor.slasher,
    avs: actor.avs,
    operator: f.operator1.address,
    wadFraction: WAD / 100n,
    assets: [f.stETHAddress],
    at,
  });
  expect(r.refusal, `${actor.name}'s request at ${at}`).to.equal(null);
  expect(r.id).to.not.equal(0n);
  await meter.after(at, actor.window);
  return r.id;
}

/** L's request at `at`, checked against the model (L is never in a cooldown: only the gate refuses it). */
function lateRequest(f: CampaignWorld, at: bigint) {
  return checkedRequest(f, {
    slasher: f.late,
    avs: f.late.address,
    operator: f.operator1.address,
    wadFraction: WAD / 100n,
    assets: [f.stETHAddress],
    at,
  });
}

/** A staker (carol) cancels request `id` at `at` (at or after its expiry: anyone may). */
async function cancelAt(f: WorldFixture, id: bigint, at: bigint, meter: PoolMeter): Promise<void> {
  await time.setNextBlockTimestamp(at);
  await (await f.sm.connect(f.carol).cancelSlash(id)).wait();
  await meter.after(at);
}

interface LegitWorld extends WorldFixture {
  /** A third AVS of operator1's, no committee. */
  z3: HardhatEthersSigner;
}

/**
 * The withdrawal delay at its 4-day minimum; operator1's stETH pool 100 (alice); Y (legitimate, no committee) holds
 * 50% of it; the operator's Z and Z2 (given their own accounts as committees, with the longest window) and Z3 (none)
 * 10% each; in force.
 */
async function legitFixture(): Promise<LegitWorld> {
  const f = await worldFixture();
  const stETH = f.stETHAddress;
  await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
  await deposit(f, f.alice, stETH, 100n * WAD);
  for (const z of [f.zAvs, f.z2Avs]) {
    await (
      await f.sm
        .connect(z)
        .updateAVSConfig({ ...zParams(f, z.address), vetoCommittee: z.address, vetoWindow: MAX_VETO_WINDOW })
    ).wait();
  }
  const z3 = await ownAvs(f, "Z3", 0n, [stETH]);
  await allocateInForce(f, f.operator1, [
    [f.avs2.address, stETH, WAD / 2n],
    [f.zAvs.address, stETH, WAD / 10n],
    [f.z2Avs.address, stETH, WAD / 10n],
    [z3.address, stETH, WAD / 10n],
  ]);
  return { ...f, z3 };
}

interface StaggerWorld extends WorldFixture {
  /** Three AVSs of operator1's that hold stETH, and three that hold rETH (their own committees, longest window). */
  a: HardhatEthersSigner[];
  b: HardhatEthersSigner[];
}

/**
 * The withdrawal delay at its 4-day minimum; operator1's pools: 100 stETH and 100 rETH (alice); Y holds 50% of each;
 * each of a and b 1% of its asset; in force.
 */
async function staggerFixture(): Promise<StaggerWorld> {
  const f = await worldFixture();
  const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
  await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
  await deposit(f, f.alice, stETH, 100n * WAD);
  await deposit(f, f.alice, rETH, 100n * WAD);
  const [a, b]: HardhatEthersSigner[][] = [[], []];
  for (let i = 1; i <= 3; i++) {
    a.push(await ownAvs(f, `A${i}`, MAX_VETO_WINDOW, [stETH]));
    b.push(await ownAvs(f, `B${i}`, MAX_VETO_WINDOW, [rETH]));
  }
  await allocateInForce(f, f.operator1, [
    [f.avs2.address, stETH, WAD / 2n],
    [f.avs2.address, rETH, WAD / 2n],
    ...a.map((x): [string, string, bigint] => [x.address, stETH, WAD / 100n]),
    ...b.map((x): [string, string, bigint] => [x.address, rETH, WAD / 100n]),
  ]);
  return { ...f, a, b };
}

interface RaceWorld extends WorldFixture {
  /** Eight AVSs of operator1's without committee. */
  r: HardhatEthersSigner[];
}

/** operator1's stETH pool: 100 (alice); Y holds 50%; each of the eight r 1%; in force. */
async function raceFixture(): Promise<RaceWorld> {
  const f = await worldFixture();
  const stETH = f.stETHAddress;
  await deposit(f, f.alice, stETH, 100n * WAD);
  const r: HardhatEthersSigner[] = [];
  for (let i = 0; i < 8; i++) r.push(await ownAvs(f, `R${i}`, 0n, [stETH]));
  await allocateInForce(f, f.operator1, [
    [f.avs2.address, stETH, WAD / 2n],
    ...r.map((x): [string, string, bigint] => [x.address, stETH, WAD / 100n]),
  ]);
  return { ...f, r };
}

/**
 * operator1's pools: stETH 300 (alice 100, bob 200), rETH `rETHAmount` (alice); in force: X (committee, 1-day window)
 * and Y (none) 30% of each; Z 20% of stETH; Z2 20% of rETH.
 */
async function edgesWorld(rETHAmount: bigint): Promise<WorldFixture> {
  const f = await worldFixture();
  const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
  await deposit(f, f.alice, stETH, 100n * WAD);
  await deposit(f, f.bob, stETH, 200n * WAD);
  await deposit(f, f.alice, rETH, rETHAmount);
  await allocateInForce(f, f.operator1, [
    [f.avs.address, stETH, (3n * WAD) / 10n],
    [f.avs.address, rETH, (3n * WAD) / 10n],
    [f.avs2.address, stETH, (3n * WAD) / 10n],
    [f.avs2.address, rETH, (3n * WAD) / 10n],
    [f.zAvs.address, stETH, WAD / 5n],
    [f.z2Avs.address, rETH, WAD / 5n],
  ]);
  return f;
}

function edgesFixture(): Promise<WorldFixture> {
  return edgesWorld(50n * WAD);
}

function dustRethFixture(): Promise<WorldFixture> {
  return edgesWorld(10n);
}

describe("Attack: repeated requests compound maxSlashWad (issue 9, item 9d)", function () {
  describe("the issue's attack against the new code", function () {
    it("five requests at maxSlashWad in one block: the first takes F of each allocation, the other four revert SlashRequestOpen", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, rETH, X] = [f.stETHAddress, f.rETHAddress, f.avs.address];
      const bound = {
        stETH: await f.sm.maxSlashable(op, X, stETH),
        rETH: await f.sm.maxSlashable(op, X, rETH),
      };
      // 20% of 120 stETH and of 25 rETH.
      expect(bound).to.deep.equal({ stETH: 24n * WAD, rETH: 5n * WAD });
      const t = BigInt(await time.latest()) + 10n;
      const request = (o: SendOverrides) => f.sm.connect(f.slasher).requestSlash(X, op, F, EVIDENCE, o);
      const { receipts, timestamp } = await inOneBlock([request, request, request, request, request], t);
      expect(timestamp).to.equal(t);
      expectMinedOk(receipts[0], "the first request");
      for (const r of receipts.slice(1)) await expectMinedRevert(r, f.sm, "SlashRequestOpen", [X, op, stETH]);
      expect((await allocationView(f, op, X, stETH)).nextRequestAt).to.equal(
        t + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN,
      );

      expect(await f.sm.slashRequestCount()).to.equal(1n);
      expect((await takenBy(f, 1n)).map((x) => [x.asset, x.amount])).to.deep.equal([
        [stETH, bound.stETH],
        [rETH, bound.rETH],
      ]);
      const pool = await poolView(f, op, stETH);
      expect([pool.pendingRequests, pool.pendingSlash]).to.deep.equal([1n, bound.stETH]);
      // Before the fix the five would have taken 1 - 0.8^5 = 67.232% of X's 120 stETH: 80.6784 stETH, not 24.
      const compounded = 120n * WAD - (120n * WAD * 8n ** 5n) / 10n ** 5n;
      expect(compounded).to.equal(80_678_400_000_000_000_000n);

      // What X is left with after execution: exactly maxSlashable, in escrow.
      await time.setNextBlockTimestamp(t + X_WINDOW);
      await (await f.sm.executeSlash(1n)).wait();
      expect(await f.stETH.balanceOf(f.smAddress)).to.equal(24n * WAD);
      expect(await f.rETH.balanceOf(f.smAddress)).to.equal(5n * WAD);
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(96n * WAD);
    });

    it("a second request reverts at every instant of veto window + execution window + cooldown (SlashRequestOpen while the first is pending, then SlashCooldown), and goes through at nextRequestAt", async function () {
      const f = await loadFixture(repeatFixture);
      const X = f.avs.address;
      const t = await pinNext(10n);
      const id = await requestAt(f, f.slasher, X, t);
      const executableAt = t + X_WINDOW;
      const expiresAt = executableAt + EXECUTION_WINDOW;
      const nextRequestAt = expiresAt + SLASH_COOLDOWN;
      expect((await allocationView(f, f.operator1.address, X, f.stETHAddress)).nextRequestAt).to.equal(
        nextRequestAt,
      );
      for (const at of [t + 1n, executableAt - 1n, executableAt]) {
        await expectOpenAt(f, f.slasher, X, at);
      }
      await time.setNextBlockTimestamp(executableAt + 1n);
      await (await f.sm.executeSlash(id)).wait();
      for (const at of [expiresAt - 1n, expiresAt, expiresAt + 1n, nextRequestAt - 1n]) {
        await expectCooldownAt(f, f.slasher, X, at, nextRequestAt);
      }
      const id2 = await requestAt(f, f.slasher, X, nextRequestAt);
      expect(id2).to.equal(2n);
      expect((await allocationView(f, f.operator1.address, X, f.stETHAddress)).nextRequestAt).to.equal(
        nextRequestAt + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN,
      );
    });

    it("a request left pending past its expiry blocks the next one with SlashRequestOpen until someone cancels it (and gates its pools for every AVS: PoolGated naming a past nextEpochAt)", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, rETH, X, Y] = [f.stETHAddress, f.rETHAddress, f.avs.address, f.avs2.address];
      const t = await pinNext(10n);
      const id = await requestAt(f, f.slasher, X, t);
      const nextRequestAt = t + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      await expectOpenAt(f, f.slasher, X, nextRequestAt);
      // Y (stETH only) meets the epoch X's request started and never finished: gated, the next epoch already due.
      expect(t + GATE_CYCLE, "the next epoch was due before").to.be.lt(nextRequestAt);
      const y = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: F,
        assets: [stETH, rETH],
        at: nextRequestAt + 1n,
      });
      expect(y.refusal).to.deep.equal({ name: "PoolGated", args: [op, stETH, t + GATE_CYCLE] });
      await time.setNextBlockTimestamp(nextRequestAt + 2n);
      await (await f.sm.connect(f.bob).cancelSlash(id)).wait();
      expect((await f.sm.slashRequest(id))[0].status).to.equal(STATUS.Cancelled);
      // The cancel reopened both pools long after GATE_CYCLE (docs/slashing.md, "Pending requests close the pool"):
      // X's next request, the next second, starts a new epoch in both.
      const x = await checkedRequest(f, {
        slasher: f.slasher,
        avs: X,
        operator: op,
        wadFraction: F,
        assets: [stETH, rETH],
        at: nextRequestAt + 3n,
      });
      expect(x.taken.map((a) => a.asset)).to.deep.equal([stETH, rETH]);
      expect(await gateView(f, op, rETH)).to.include({ gateAt: nextRequestAt + 3n });
      expect(await f.sm.slashRequestCount()).to.equal(2n);
    });

    it("a veto, or a cancel by the slasher itself, does not reset the cooldown", async function () {
      const f = await loadFixture(repeatFixture);
      const X = f.avs.address;
      for (const resolve of ["veto", "cancel"] as const) {
        await probe(async () => {
          const t = await pinNext(10n);
          const id = await requestAt(f, f.slasher, X, t);
          await time.setNextBlockTimestamp(t + 1n);
          if (resolve === "veto") await (await f.sm.connect(f.committee).vetoSlash(id)).wait();
          else await (await f.sm.connect(f.slasher).cancelSlash(id)).wait();
          const nextRequestAt = t + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
          await expectCooldownAt(f, f.slasher, X, t + 2n, nextRequestAt);
          await expectCooldownAt(f, f.slasher, X, nextRequestAt - 1n, nextRequestAt);
          await requestAt(f, f.slasher, X, nextRequestAt);
        });
      }
    });
  });

  describe("maxSlashable is the bound per period", function () {
    it("over four periods X takes exactly maxSlashable (read at each period's start) per period, and nothing in between", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, rETH, X, Y] = [f.stETHAddress, f.rETHAddress, f.avs.address, f.avs2.address];
      const yStake = await f.sm.allocatedStake(op, Y, stETH);
      const rng = new Prng(0x9d);
      let t = await pinNext(10n);
      let xStake = await f.sm.allocatedStake(op, X, stETH);
      for (let period = 0; period < 4; period++) {
        // maxSlashable at the period's start, the request's second (X's cooldown of the last period is just over).
        const bound = await probe(async () => {
          await time.increaseTo(t);
          return f.sm.maxSlashable(op, X, stETH);
        });
        expect(bound, `period ${period}: X's bound`).to.equal((xStake * F) / WAD);
        const r = await checkedRequest(f, {
          slasher: f.slasher,
          avs: X,
          operator: op,
          wadFraction: F,
          assets: [stETH, rETH],
          at: t,
        });
        expect(r.at).to.equal(t);
        const taken = r.taken.find((x) => x.asset === stETH)?.amount ?? 0n;
        expect(taken, `period ${period}: what X took`).to.equal(bound);
        const nextRequestAt = t + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
        // Attempts at random instants of the period, all refused: while the request is pending, and after it.
        for (let i = 0; i < 2; i++) {
          await probe(() => expectOpenAt(f, f.slasher, X, t + 1n + rng.big(0n, X_WINDOW - 2n)));
        }
        await time.setNextBlockTimestamp(t + X_WINDOW);
        await (await f.sm.executeSlash(r.id)).wait();
        for (let i = 0; i < 2; i++) {
          await probe(() =>
            expectCooldownAt(
              f,
              f.slasher,
              X,
              t + X_WINDOW + 1n + rng.big(0n, nextRequestAt - t - X_WINDOW - 2n),
              nextRequestAt,
            ),
          );
        }
        // X's stake falls by exactly F of itself; Y's does not move.
        const after = await f.sm.allocatedStake(op, X, stETH);
        expect(after).to.equal(xStake - bound);
        expect((xStake - after) * WAD).to.equal(xStake * F);
        expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(yStake);
        xStake = after;
        t = nextRequestAt;
      }
      // After four periods X holds 0.8^4 of its 120 stETH: the bound compounds per period, never per block.
      expect(xStake).to.equal((120n * WAD * 4096n) / 10_000n);
    });

    it("config changes in flight do not reset the cooldown: a longer window, a lower maximum, a reallocation", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, X] = [f.stETHAddress, f.avs.address];
      const t = await pinNext(10n);
      await requestAt(f, f.slasher, X, t);
      const nextRequestAt = t + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      // Tightenings apply at once, and change nothing for the allocation's cooldown.
      await time.setNextBlockTimestamp(t + 1n);
      await (
        await f.sm
          .connect(f.avs)
          .updateAVSConfig({ ...xParams(f), maxSlashWad: F / 2n, vetoWindow: MAX_VETO_WINDOW })
      ).wait();
      await expectOpenAt(f, f.slasher, X, t + 2n, F / 2n);
      // A loosening (higher maximum, new slasher) is only queued.
      await (
        await f.sm
          .connect(f.avs)
          .updateAVSConfig({ ...xParams(f), maxSlashWad: WAD, slasher: f.outsider.address })
      ).wait();
      await expect(f.sm.connect(f.outsider).requestSlash(X, op, F, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NotSlasher")
        .withArgs(f.outsider.address, X);
      // The operator shrinks the allocation (still slashable until it matures): the cooldown stays.
      await (await f.sm.connect(f.operator1).modifyAllocation(X, stETH, ALLOC.xStETH / 4n)).wait();
      const shrunk = await allocationView(f, op, X, stETH);
      expect([shrunk.nextRequestAt, shrunk.changedAfterRequest, shrunk.openRequest]).to.deep.equal([
        nextRequestAt,
        true,
        1n,
      ]);
      // The request expires unexecuted and a staker cancels it: the cooldown still runs from the request.
      await time.setNextBlockTimestamp(t + X_WINDOW + EXECUTION_WINDOW);
      await (await f.sm.connect(f.bob).cancelSlash(1n)).wait();
      await expectCooldownAt(f, f.slasher, X, nextRequestAt - 1n, nextRequestAt, F / 2n);
      // At nextRequestAt the request goes through, under the terms now in force (maximum F / 2, the longer window).
      await probe(async () => {
        await time.setNextBlockTimestamp(nextRequestAt);
        await expect(f.sm.connect(f.slasher).requestSlash(X, op, F, EVIDENCE))
          .to.be.revertedWithCustomError(f.sm, "InvalidSlashFraction")
          .withArgs(F, F / 2n);
      });
      await requestAt(f, f.slasher, X, nextRequestAt, F / 2n);
      expect((await allocationView(f, op, X, stETH)).nextRequestAt).to.equal(
        nextRequestAt + MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN,
      );
    });

    it("at magnitude 1, maxSlashable is exactly what a request for the maximum takes: the whole unit (ceil(1 * 0.5) = 1), 300 wei, not half of it", async function () {
      const f = await loadFixture(worldFixture);
      const op = f.operator1.address;
      const [stETH, X] = [f.stETHAddress, f.avs.address];
      await deposit(f, f.alice, stETH, 300n * WAD);
      await (await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), maxSlashWad: WAD / 2n })).wait();
      await allocateInForce(f, f.operator1, [[X, stETH, 1n]]);
      const bound = await f.sm.maxSlashable(op, X, stETH);
      // floor(300e18 * ceil(1 * 0.5e18 / 1e18) / 1e18): the magnitude rounded up as the request does, then its worth.
      expect(bound).to.equal(300n);
      const r = await checkedRequest(f, {
        slasher: f.slasher,
        avs: X,
        operator: op,
        wadFraction: WAD / 2n,
        assets: [stETH],
      });
      // s = ceil(1 * 0.5) = 1: the whole unit, worth net / free = 300e18 / 1e18 = 300 wei = maxSlashable.
      const unit = r.before[0].net / r.before[0].free;
      expect(r.taken.map((t) => [t.magnitude, t.amount])).to.deep.equal([[1n, 300n]]);
      expect(r.taken[0].amount).to.equal(bound);
      expect(unit).to.equal(300n);
      // And it is still one request per period: after a veto X's unit is back, but X must wait.
      await (await f.sm.connect(f.committee).vetoSlash(r.id)).wait();
      const { nextRequestAt } = await allocationView(f, op, X, stETH);
      expect(nextRequestAt).to.equal(r.at + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN);
      await expect(f.sm.connect(f.slasher).requestSlash(X, op, WAD / 2n, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "SlashCooldown")
        .withArgs(X, op, stETH, nextRequestAt);
    });

    it("different AVSs are independent: X and Y in one block both go through; Y's second in that block does not", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      const t = BigInt(await time.latest()) + 10n;
      const { receipts } = await inOneBlock(
        [
          (o) => f.sm.connect(f.slasher).requestSlash(X, op, F, EVIDENCE, o),
          (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o),
          (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o),
        ],
        t,
      );
      expectMinedOk(receipts[0], "X's request");
      expectMinedOk(receipts[1], "Y's request");
      // Y took all of its allocation: its second request finds nothing allocated in stETH (and Y has no rETH).
      await expectMinedRevert(receipts[2], f.sm, "NothingToSlash", [op, Y]);
      expect((await poolView(f, op, stETH)).pendingRequests).to.equal(2n);
      expect((await takenBy(f, 2n)).map((x) => x.amount)).to.deep.equal([90n * WAD]);
      // With something left (a partial request), Y's second request in the block is refused by the cooldown.
      await probe(async () => {
        await (await f.sm.connect(f.slasher).cancelSlash(1n)).wait();
        await (await f.sm.connect(f.slasher2).cancelSlash(2n)).wait();
        // Y's cooldown from its cancelled request still runs: wait for it, then two partial requests in one block.
        const { receipts: rs, timestamp } = await inOneBlock(
          [
            (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD / 2n, EVIDENCE, o),
            (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD / 2n, EVIDENCE, o),
          ],
          t + EXECUTION_WINDOW + SLASH_COOLDOWN,
        );
        expect(timestamp).to.equal(t + EXECUTION_WINDOW + SLASH_COOLDOWN);
        expectMinedOk(rs[0], "Y's request after its cooldown");
        await expectMinedRevert(rs[1], f.sm, "SlashRequestOpen", [Y, op, stETH]);
        expect((await allocationView(f, op, Y, stETH)).nextRequestAt).to.equal(
          timestamp + EXECUTION_WINDOW + SLASH_COOLDOWN,
        );
      });
    });
  });

  describe("a deallocation in flight and a late cancel", function () {
    it("a request cancelled after the operator's later deallocation matured leaves the allocation at the operator's target: the AVS's next request takes no more", async function () {
      const f = await loadFixture(worldFixture);
      const op = f.operator1.address;
      const [stETH, X] = [f.stETHAddress, f.avs.address];
      await deposit(f, f.alice, stETH, 100n * WAD);
      await allocateInForce(f, f.operator1, [[X, stETH, (4n * WAD) / 10n]]);
      // X asks for half of its 40%: s = 0.2e18 reserved, 0.2e18 left allocated.
      const t = await pinNext(10n);
      const id = await requestAt(f, f.slasher, X, t, WAD / 2n);
      // The operator then deallocates X down to 10% (from the 20% left): slashable at the old size for 7 days.
      await (await f.sm.connect(f.operator1).modifyAllocation(X, stETH, WAD / 10n)).wait();
      const target = WAD / 10n;
      // Nobody cancels the expired request; the deallocation matures; then X's slasher cancels it itself and asks again
      // (its cooldown ended long ago).
      const { effectAt } = await allocationView(f, op, X, stETH);
      await time.increaseTo(effectAt + 1n);
      expect((await allocationView(f, op, X, stETH)).current, "the deallocation matured").to.equal(target);
      const cancelledAt = await minedAt(await f.sm.connect(f.slasher).cancelSlash(id));
      const restored = await allocationView(f, op, X, stETH);
      // The cancel reopened the pool, GATE_CYCLE after the epoch X's first request started: X asks again the next
      // second and starts a new epoch.
      expect(cancelledAt).to.be.gte(t + GATE_CYCLE);
      await time.setNextBlockTimestamp(cancelledAt + 1n);
      const second = await requestSlash(f, f.slasher, X, op, WAD / 2n);
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: WAD / 20n, gateAt: cancelledAt + 1n });
      const taken = (await takenBy(f, second.id)).map((x) => x.amount);
      // What the operator asked for: X ends at 10% (the table of docs/slashing.md, "a decrease was queued after the
      // request (target T)": it still ends at T), so the second request takes half of 10 stETH.
      expect(
        { current: restored.current, taken },
        "X's allocation after the late cancel, and what X's next request takes",
      ).to.deep.equal({ current: target, taken: [5n * WAD] });
    });
  });

  describe("how long one slasher keeps a pool closed", function () {
    interface Interval {
      from: bigint;
      until: bigint;
    }

    /** Whether operator1's stETH pool refuses an entry at the current block (a 1-wei deposit by alice, probed). */
    async function closed(f: WorldFixture): Promise<boolean> {
      return probe(async () => {
        await pinNext();
        try {
          await (await f.vault.connect(f.alice).deposit(f.stETHAddress, 1n, 0n)).wait();
          return false;
        } catch {
          return true;
        }
      });
    }

    /**
     * The slasher's worst case: it requests the instant its cooldown ends and never resolves its request; a staker
     * cancels it the first second anyone may (expiry). Returns the closed intervals measured on the pool.
     */
    async function worstCase(
      f: WorldFixture,
      slasher: HardhatEthersSigner,
      avs: string,
      window: bigint,
      cycles: number,
    ) {
      const intervals: Interval[] = [];
      let t = await pinNext(10n);
      for (let i = 0; i < cycles; i++) {
        const id = await requestAt(f, slasher, avs, t);
        const expiresAt = t + window + EXECUTION_WINDOW;
        // Closed up to the last second before expiry, when nobody but the slasher may end it (each check rolled back:
        // Hardhat mines a failed transaction, which would move the clock).
        await probe(async () => {
          await time.setNextBlockTimestamp(expiresAt - 1n);
          await expect(f.vault.connect(f.alice).deposit(f.stETHAddress, 1n, 0n))
            .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
            .withArgs(f.operator1.address, f.stETHAddress, 1n);
        });
        await probe(async () => {
          await time.setNextBlockTimestamp(expiresAt - 1n);
          await expect(f.sm.connect(f.bob).cancelSlash(id))
            .to.be.revertedWithCustomError(f.sm, "NotCancellable")
            .withArgs(id, f.bob.address);
        });
        await time.setNextBlockTimestamp(expiresAt);
        await (await f.sm.connect(f.bob).cancelSlash(id)).wait();
        expect(await closed(f), "open once cancelled").to.equal(false);
        await probe(async () => {
          await time.setNextBlockTimestamp(expiresAt + 1n);
          await expect(f.vault.connect(f.alice).deposit(f.stETHAddress, 1n, 0n)).to.emit(
            f.vault,
            "Deposited",
          );
        });
        intervals.push({ from: t, until: expiresAt });
        const nextRequestAt = expiresAt + SLASH_COOLDOWN;
        await expectCooldownAt(f, slasher, avs, nextRequestAt - 1n, nextRequestAt);
        t = nextRequestAt;
      }
      return { intervals, end: t };
    }

    for (const [label, window] of [
      ["no committee (Y, window 0)", 0n],
      ["a 1-day window (X)", X_WINDOW],
      ["the longest window, 2 days - 1 s (X)", MAX_VETO_WINDOW],
    ] as const) {
      it(`${label}: closed exactly window + 1 day, then open exactly 3 days, cycle after cycle`, async function () {
        const f = await loadFixture(window === MAX_VETO_WINDOW ? maxWindowFixture : repeatFixture);
        const [avs, slasher] = window === 0n ? [f.avs2.address, f.slasher2] : [f.avs.address, f.slasher];
        const cycles = 5;
        const { intervals, end } = await worstCase(f, slasher, avs, window, cycles);
        const start = intervals[0].from;
        let closedTime = 0n;
        for (let i = 0; i < intervals.length; i++) {
          const length = intervals[i].until - intervals[i].from;
          expect(length, `closure ${i}`).to.equal(window + EXECUTION_WINDOW);
          closedTime += length;
          if (i > 0)
            expect(intervals[i].from - intervals[i - 1].until, `open gap ${i}`).to.equal(SLASH_COOLDOWN);
        }
        const total = end - start;
        expect(total).to.equal(BigInt(cycles) * (window + EXECUTION_WINDOW + SLASH_COOLDOWN));
        // closed / total = (window + 1 day) / (window + 4 days) < 1/2.
        expect(closedTime * (window + EXECUTION_WINDOW + SLASH_COOLDOWN)).to.equal(
          total * (window + EXECUTION_WINDOW),
        );
        expect(closedTime * 2n).to.be.lt(total);
      });
    }

    it("random strategies (veto, self-cancel, execute at any instant, leave to expire) never close the pool longer", async function () {
      const f = await loadFixture(repeatFixture);
      const op = f.operator1.address;
      const [stETH, X] = [f.stETHAddress, f.avs.address];
      const rng = new Prng(0xc105ed);
      const bound = X_WINDOW + EXECUTION_WINDOW;
      let t = await pinNext(10n);
      const start = t;
      let closedTime = 0n;
      let lastOpen = 0n;
      const cycles = 8;
      for (let i = 0; i < cycles; i++) {
        const id = await requestAt(f, f.slasher, X, t);
        if (i > 0)
          expect(t - lastOpen, "open at least SLASH_COOLDOWN before each request").to.be.gte(SLASH_COOLDOWN);
        const executableAt = t + X_WINDOW;
        const expiresAt = executableAt + EXECUTION_WINDOW;
        const strategy = rng.pick(["veto", "cancel", "execute", "expire"] as const);
        let resolvedAt: bigint;
        if (strategy === "veto") {
          resolvedAt = t + 1n + rng.big(0n, X_WINDOW - 2n);
          await time.setNextBlockTimestamp(resolvedAt);
          await (await f.sm.connect(f.committee).vetoSlash(id)).wait();
        } else if (strategy === "cancel") {
          resolvedAt = t + 1n + rng.big(0n, bound - 2n);
          await time.setNextBlockTimestamp(resolvedAt);
          await (await f.sm.connect(f.slasher).cancelSlash(id)).wait();
        } else if (strategy === "execute") {
          resolvedAt = executableAt + rng.big(0n, EXECUTION_WINDOW - 1n);
          await time.setNextBlockTimestamp(resolvedAt);
          await (await f.sm.connect(f.outsider).executeSlash(id)).wait();
        } else {
          resolvedAt = expiresAt + rng.big(0n, 3_600n);
          await time.setNextBlockTimestamp(resolvedAt);
          await (await f.sm.connect(f.alice).cancelSlash(id)).wait();
        }
        expect((await poolView(f, op, stETH)).pendingRequests).to.equal(0n);
        const closure = resolvedAt - t;
        // Left to expire, the closure lasts until someone cancels: the bound holds from the first second anyone may.
        if (strategy !== "expire") expect(closure, `cycle ${i} (${strategy})`).to.be.lte(bound);
        closedTime += strategy === "expire" ? bound : closure;
        lastOpen = strategy === "expire" ? expiresAt : resolvedAt;
        const nextRequestAt = expiresAt + SLASH_COOLDOWN;
        await expectCooldownAt(f, f.slasher, X, resolvedAt + 1n, nextRequestAt);
        t = nextRequestAt;
      }
      const total = t - start;
      expect(closedTime * (bound + SLASH_COOLDOWN)).to.be.lte(total * bound);
      expect(closedTime * 2n).to.be.lt(total);
    });

    it("two AVSs taking turns no longer chain closures: Y's request the instant X's expires is refused (PoolGated), and after X's resolves Y waits until GATE_CYCLE after X's request", async function () {
      const f = await loadFixture(maxWindowFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const Y = f.avs2.address;
      // Y gets a committee and the longest window too (a committee where there was none applies at once).
      await (
        await f.sm
          .connect(f.avs2)
          .updateAVSConfig({ ...yParams(f), vetoCommittee: f.committee.address, vetoWindow: MAX_VETO_WINDOW })
      ).wait();
      const closure = MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const t = await pinNext(10n);
      const x = await requestAt(f, f.slasher, f.avs.address, t);
      // Round 1's chain: Y requested the instant X's request expired, and the pool stayed closed. Now refused: the
      // epoch X's request started at t takes requests until t + JOIN_WINDOW only, the next starts at t + GATE_CYCLE.
      await time.setNextBlockTimestamp(t + closure);
      await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, F, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "PoolGated")
        .withArgs(op, stETH, t + GATE_CYCLE);
      const reopenedAt = t + closure + 1n;
      await time.setNextBlockTimestamp(reopenedAt);
      await (await f.sm.connect(f.bob).cancelSlash(x)).wait();
      expect((await poolView(f, op, stETH)).pendingRequests).to.equal(0n);
      await time.setNextBlockTimestamp(t + GATE_CYCLE - 1n);
      await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, F, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "PoolGated")
        .withArgs(op, stETH, t + GATE_CYCLE);
      await requestAt(f, f.slasher2, Y, t + GATE_CYCLE);
      expect((await gateView(f, op, stETH)).gateAt).to.equal(t + GATE_CYCLE);
      // Between the two closures the pool was open 18 hours - 1 s (>= REOPEN_WINDOW), not 1 s.
      expect(t + GATE_CYCLE - reopenedAt).to.equal(18n * HOUR - 1n);
      expect(t + GATE_CYCLE - reopenedAt).to.be.gte(REOPEN_WINDOW);
    });
  });

  describe("round 2's pool gate: colluding AVSs taking turns", function () {
    it("four AVSs taking turns (one starts an epoch, one joins at the last second of its join window, expired requests cancelled at once), four cycles: every closure lasts exactly JOIN_WINDOW + window + EXECUTION_WINDOW - 1 s, every opening exactly REOPEN_WINDOW + 1 s", async function () {
      const f = await loadFixture(longestCampaign);
      const actors = campaignActors(f, LONGEST);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const meter = new PoolMeter(f, stETH);
      const W = MAX_VETO_WINDOW;
      let c = await pinNext(10n);
      for (let cycle = 0; cycle < 4; cycle++) {
        const [closer, joiner] = [actors[(2 * cycle) % 4], actors[(2 * cycle + 1) % 4]];
        const first = await actorRequest(f, closer, c, meter);
        expect((await gateView(f, op, stETH)).gateAt, `cycle ${cycle}: a new epoch`).to.equal(c);
        const joinAt = c + JOIN_WINDOW - 1n;
        const second = await actorRequest(f, joiner, joinAt, meter);
        // From the next second on nobody extends the closure: L (never in a cooldown of its own) is gated, exactly.
        const late = await lateRequest(f, c + JOIN_WINDOW);
        expect(late.refusal, `cycle ${cycle}: a request after the join window`).to.deep.equal({
          name: "PoolGated",
          args: [op, stETH, c + GATE_CYCLE],
        });
        // Timely cancels: each request is cancelled by a staker the first second anyone may (its expiry).
        await cancelAt(f, first, c + W + EXECUTION_WINDOW, meter);
        expect((await poolView(f, op, stETH)).pendingRequests, "the joiner keeps it closed").to.equal(1n);
        const reopenAt = joinAt + W + EXECUTION_WINDOW;
        await time.setNextBlockTimestamp(reopenAt - 1n);
        await expect(f.vault.connect(f.alice).deposit(stETH, 1n, 0n))
          .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
          .withArgs(op, stETH, 1n);
        await cancelAt(f, second, reopenAt, meter);
        // Open: a staker enters at once; no AVS starts the next epoch before GATE_CYCLE after this one's start.
        await time.setNextBlockTimestamp(reopenAt + 1n);
        await deposit(f, f.alice, stETH, 1n);
        const early = await lateRequest(f, c + GATE_CYCLE - 1n);
        expect(early.refusal, `cycle ${cycle}: a request before the next epoch`).to.deep.equal({
          name: "PoolGated",
          args: [op, stETH, c + GATE_CYCLE],
        });
        c += GATE_CYCLE;
      }
      await actorRequest(f, actors[0], c, meter);
      const longest = JOIN_WINDOW + W + EXECUTION_WINDOW - 1n;
      expect(longest).to.equal(3n * DAY + 6n * HOUR - 2n);
      expect(meter.closures.map((x) => x.until - x.from)).to.deep.equal([longest, longest, longest, longest]);
      expect(meter.openings.map((x) => x.until - x.from)).to.deep.equal(Array(4).fill(REOPEN_WINDOW + 1n));
      expect(meter.openings.every((x) => x.intoNewEpoch)).to.equal(true);
      for (const x of meter.closures)
        expect(x.until - x.from).to.be.lte(JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW);
    });

    it("a random campaign of the four (seeded; windows 2 days - 1 s, 1 day, 6 hours, 0) requesting at random instants and at the gate's edges, resolving at random, expired requests cancelled at once: no closure, and no epoch from its start to its last reopening, exceeds JOIN_WINDOW + its longest window + EXECUTION_WINDOW - 1 s; no opening between epochs is shorter than REOPEN_WINDOW (openings inside an epoch's join window may be 1 s)", async function () {
      const f = await loadFixture(mixedCampaign);
      // The four, and L (no committee) as a fifth, so that requests also join epochs often.
      const actors = [
        ...campaignActors(f, MIXED),
        { name: "L", avs: f.late.address, slasher: f.late, committee: null, window: 0n },
      ];
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const rng = new Prng(0x6a7e);
      const meter = new PoolMeter(f, stETH);
      interface Open {
        id: bigint;
        actor: Actor;
        executableAt: bigint;
        expiresAt: bigint;
      }
      let pending: Open[] = [];
      const refusals = new Map<string, number>();
      const resolutions = new Map<string, number>();
      let now = BigInt(await time.latest());
      const end = now + 60n * DAY;

      /** Cancels, at its expiry, every request that expires before `t` (several in one block when they share it). */
      async function timelyCancels(t: bigint): Promise<void> {
        for (;;) {
          const due = pending.filter((p) => p.expiresAt < t);
          if (due.length === 0) return;
          const e = due.reduce((m, p) => (p.expiresAt < m ? p.expiresAt : m), due[0].expiresAt);
          const group = due.filter((p) => p.expiresAt === e);
          const { receipts } = await inOneBlock(
            group.map((p) => (o: SendOverrides) => f.sm.connect(f.carol).cancelSlash(p.id, o)),
            e,
          );
          receipts.forEach((r, i) => expectMinedOk(r, `timely cancel ${i}`));
          await meter.after(e);
          pending = pending.filter((p) => !group.includes(p));
          resolutions.set("expired", (resolutions.get("expired") ?? 0) + group.length);
          now = e;
        }
      }

      while (now < end) {
        const g = await gateView(f, op, stETH);
        const edges =
          g.gateAt !== 0n
            ? [
                g.gateAt + JOIN_WINDOW - 1n,
                g.gateAt + JOIN_WINDOW,
                g.gateAt + GATE_CYCLE - 1n,
                g.gateAt + GATE_CYCLE,
                // Inside the join window: joins, also after the pool reopened.
                g.gateAt + rng.big(1n, JOIN_WINDOW - 2n),
                g.gateAt + rng.big(1n, JOIN_WINDOW - 2n),
              ]
            : [];
        const candidates = [
          ...edges,
          ...pending.flatMap((p) => [p.executableAt - 1n, p.executableAt]),
          now + rng.big(1n, 18n * HOUR),
        ].filter((t) => t > now && !pending.some((p) => p.expiresAt === t));
        if (candidates.length === 0) candidates.push(now + 1n + rng.big(1n, HOUR) * 2n);
        const t = rng.pick(candidates);
        if (pending.some((p) => p.expiresAt === t)) continue;
        await timelyCancels(t);
        if (pending.length !== 0 && rng.chance(0.35)) {
          const p = rng.pick(pending);
          const ways: Array<"cancel" | "veto" | "execute"> = ["cancel"];
          if (p.actor.committee !== null && t < p.executableAt) ways.push("veto");
          if (t >= p.executableAt && t < p.expiresAt) ways.push("execute");
          const way = rng.pick(ways);
          await time.setNextBlockTimestamp(t);
          if (way === "veto" && p.actor.committee !== null)
            await (await f.sm.connect(p.actor.committee).vetoSlash(p.id)).wait();
          else if (way === "execute") await (await f.sm.connect(f.outsider).executeSlash(p.id)).wait();
          else await (await f.sm.connect(p.actor.slasher).cancelSlash(p.id)).wait();
          await meter.after(t);
          pending = pending.filter((x) => x !== p);
          resolutions.set(way, (resolutions.get(way) ?? 0) + 1);
        } else {
          const actor = rng.pick(actors);
          const r = await checkedRequest(f, {
            slasher: actor.slasher,
            avs: actor.avs,
            operator: op,
            wadFraction: rng.big(WAD / 100n, WAD / 10n),
            assets: [stETH],
            at: t,
          });
          if (r.refusal !== null) {
            let key: string = r.refusal.name;
            if (key === "PoolGated")
              key =
                (await gateView(f, op, stETH)).reserved !== 0n
                  ? "PoolGated (closed)"
                  : "PoolGated (open, before the next epoch)";
            refusals.set(key, (refusals.get(key) ?? 0) + 1);
          } else {
            expect(r.id, "every actor holds stake: nothing is skipped").to.not.equal(0n);
            pending.push({
              id: r.id,
              actor,
              executableAt: t + actor.window,
              expiresAt: t + actor.window + EXECUTION_WINDOW,
            });
            await meter.after(t, actor.window);
          }
        }
        now = t;
      }
      await timelyCancels(now + 3n * DAY);

      const lengths = meter.closures.map((x) => x.until - x.from);
      for (const [i, x] of meter.closures.entries()) {
        expect(x.until - x.from, `closure ${i} (longest window ${x.window})`).to.be.lte(
          JOIN_WINDOW - 1n + x.window + EXECUTION_WINDOW,
        );
        expect(x.until - x.from).to.be.lte(JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW);
      }
      const epochs = meter.epochs();
      for (const [i, e] of epochs.entries()) {
        expect(e.until - e.start, `epoch ${i} (longest window ${e.window})`).to.be.lte(
          JOIN_WINDOW - 1n + e.window + EXECUTION_WINDOW,
        );
        if (i > 0) expect(e.start - epochs[i - 1].start, `epoch ${i} start`).to.be.gte(GATE_CYCLE);
      }
      const between = meter.openings.filter((x) => x.intoNewEpoch);
      const inside = meter.openings.filter((x) => !x.intoNewEpoch);
      for (const [i, x] of between.entries())
        expect(x.until - x.from, `opening ${i} between epochs`).to.be.gte(REOPEN_WINDOW);
      for (const [i, x] of inside.entries())
        expect(x.until, `opening ${i} inside epoch ${x.epoch}: ended by a join`).to.be.lt(
          x.epoch + JOIN_WINDOW,
        );
      const shortest = (xs: Array<{ from: bigint; until: bigint }>) =>
        xs.reduce((m, x) => (x.until - x.from < m ? x.until - x.from : m), 1n << 64n);
      console.log(
        `      campaign: ${meter.closures.length} closures (longest ${lengths.reduce((m, l) => (l > m ? l : m), 0n)} s), ${epochs.length} epochs (longest ${epochs.reduce((m, e) => (e.until - e.start > m ? e.until - e.start : m), 0n)} s), ${between.length} openings between epochs (shortest ${shortest(between)} s), ${inside.length} inside (shortest ${shortest(inside)} s); refusals ${[...refusals.entries()].map(([k, v]) => `${k} x${v}`).join(", ")}`,
      );
      // Not vacuous: many closures, some of them long; the gate refused both ways; every resolution happened.
      expect(meter.closures.length, "closures").to.be.gte(6);
      expect(between.length, "openings between epochs").to.be.gte(5);
      expect(
        lengths.some((l) => l > 2n * DAY + 12n * HOUR),
        "a closure of more than 2.5 days",
      ).to.equal(true);
      expect(refusals.get("PoolGated (closed)") ?? 0, "gated: closed past the join window").to.be.gt(0);
      expect(refusals.get("PoolGated (open, before the next epoch)") ?? 0, "gated: open").to.be.gt(0);
      for (const way of ["cancel", "veto", "execute", "expired"])
        expect(resolutions.get(way) ?? 0, `resolutions by ${way}`).to.be.gt(0);
    });
  });

  describe("round 3's epoch gate against a deallocation in flight (the deallocation delay is max(withdrawal delay, 6 days - 1 s) + GATE_CYCLE, the withdrawal delay >= 4 days)", function () {
    it("one pool: a legitimate AVS that wants to slash the second the join window closes gets its request in at the next epoch (GATE_CYCLE after the last), whichever of it and the operator's AVS comes first in that block, even after a request-and-cancel ahead of it, 6 days 6 hours - 1 s (GATE_CYCLE + 2 days 12 hours) before a deallocation queued then matures (withdrawal delay at its 4-day minimum: the deallocation delay is 6 days - 1 s + GATE_CYCLE)", async function () {
      const f = await loadFixture(legitFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const W = MAX_VETO_WINDOW;
      const c = await pinNext(10n);
      // The operator's own AVSs close the pool with dust requests, the second at the last second of the join window.
      const z1 = await requestAt(f, f.zAvs, f.zAvs.address, c, 1n);
      const joinAt = c + JOIN_WINDOW - 1n;
      const z2 = await requestAt(f, f.z2Avs, f.z2Avs.address, joinAt, 1n);
      // The second the join window closes, Y wants to slash; the operator queues Y's deallocation at once.
      const wantedAt = c + JOIN_WINDOW;
      await time.setNextBlockTimestamp(wantedAt);
      await (await f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 0n)).wait();
      const { effectAt } = await allocationView(f, op, Y, stETH);
      expect(
        effectAt,
        "the deallocation matures MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN + GATE_CYCLE later",
      ).to.equal(wantedAt + deallocationDelayFor(MIN_WITHDRAWAL_DELAY));
      expect(effectAt - wantedAt, "6 days - 1 s (> the 4-day withdrawal delay) + GATE_CYCLE").to.equal(
        MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN + GATE_CYCLE,
      );
      const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: WAD, assets: [stETH] };
      const refused = await checkedRequest(f, { ...yArgs, at: wantedAt + 1n });
      expect(refused.refusal).to.deep.equal({ name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] });
      // Y (anyone) cancels each expired request the first second it may.
      await time.setNextBlockTimestamp(c + W + EXECUTION_WINDOW);
      await (await f.sm.connect(f.slasher2).cancelSlash(z1)).wait();
      await time.setNextBlockTimestamp(joinAt + W + EXECUTION_WINDOW);
      await (await f.sm.connect(f.slasher2).cancelSlash(z2)).wait();
      const early = await checkedRequest(f, { ...yArgs, at: c + GATE_CYCLE - 1n });
      expect(early.refusal).to.deep.equal({ name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] });
      // At the next epoch Y gets in whoever comes first: the operator's third AVS starting the epoch (Y joins it), the
      // operator's request AND its cancel (round 2's PoC: the epoch still started at that second, Y joins it), or Y.
      const nextEpoch = c + GATE_CYCLE;
      expect(nextEpoch - wantedAt, "Y's wait: GATE_CYCLE - JOIN_WINDOW").to.equal(GATE_CYCLE - JOIN_WINDOW);
      expect(GATE_CYCLE - JOIN_WINDOW).to.equal(3n * DAY + 12n * HOUR - 1n);
      expect(effectAt - nextEpoch, "the margin").to.equal(GATE_CYCLE + 2n * DAY + 12n * HOUR);
      expect(GATE_CYCLE + 2n * DAY + 12n * HOUR).to.equal(6n * DAY + 6n * HOUR - 1n);
      const next = (await f.sm.slashRequestCount()) + 1n;
      const z3Close = (o: SendOverrides) =>
        f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE, o);
      const z3Cancel = (o: SendOverrides) => f.sm.connect(f.z3).cancelSlash(next, o);
      const yRequest = (o: SendOverrides) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o);
      for (const order of ["operator first", "Y first", "operator's request and cancel first"] as const) {
        await probe(async () => {
          const sends =
            order === "operator first"
              ? [z3Close, yRequest]
              : order === "Y first"
                ? [yRequest, z3Close]
                : [z3Close, z3Cancel, yRequest];
          const { receipts } = await inOneBlock(sends, nextEpoch);
          receipts.forEach((r, i) => expectMinedOk(r, `${order}: transaction ${i}`));
          const yId = order === "Y first" ? next : next + 1n;
          // Y takes its whole allocation: 50 of the 100 stETH, exactly (floor((100e18 - 100) * 0.5e18 / (1e18 - 1))
          // with Z3's 100-wei dust reservation pending), the pending deallocation cut to nothing.
          expect(await takenBy(f, yId), order).to.deep.equal([
            {
              asset: stETH,
              magnitude: WAD / 2n,
              deallocationCut: WAD / 2n,
              amount: 50n * WAD,
              released: false,
            },
          ]);
          expect((await gateView(f, op, stETH)).gateAt, "one epoch, started at that second").to.equal(
            nextEpoch,
          );
          await (await f.sm.connect(f.outsider).executeSlash(yId)).wait();
          expect(await f.stETH.balanceOf(f.smAddress), "Y's take, in escrow").to.equal(50n * WAD);
        });
      }
    });

    it("two assets (round 2's PoC, now passing): the operator starts an epoch in each pool at the first second it may, rETH 12 hours behind stETH, and orders its requests ahead of Y's in every block; Y's request takes stETH at its next epoch (skipping the gated rETH) and rETH at its own, 50 stETH and 50 rETH, 6 days 18 hours - 1 s and 6 days 6 hours (GATE_CYCLE + 3 days and GATE_CYCLE + 2 days 12 hours + 1 s) before the deallocations mature (withdrawal delay at its 4-day minimum)", async function () {
      const f = await loadFixture(staggerFixture);
      const [op, stETH, rETH, Y] = [f.operator1.address, f.stETHAddress, f.rETHAddress, f.avs2.address];
      const W = MAX_VETO_WINDOW;
      // Each epoch: a dust request by one of the operator's AVSs at its first second, cancelled by its own slasher the
      // second before it becomes executable (so nobody else can resolve it). The pool takes requests only in
      // [c, c + JOIN_WINDOW) of each epoch; rETH runs 12 hours behind stETH.
      const T = BigInt(await time.latest()) + 10n;
      const OFFSET = 12n * HOUR;
      const wantedAt = T + OFFSET + JOIN_WINDOW;
      interface OpEvent {
        kind: "close" | "cancel";
        avs: HardhatEthersSigner;
      }
      const ops = new Map<bigint, OpEvent[]>();
      const add = (t: bigint, e: OpEvent) => ops.set(t, [...(ops.get(t) ?? []), e]);
      for (let k = 0; k < 3; k++) {
        for (const [pool, offset] of [
          [f.a, 0n],
          [f.b, OFFSET],
        ] as const) {
          const c = T + offset + BigInt(k) * GATE_CYCLE;
          add(c, { kind: "close", avs: pool[k % 3] });
          add(c + W - 1n, { kind: "cancel", avs: pool[k % 3] });
        }
      }
      const ids = new Map<string, bigint>();
      const opSend = (e: OpEvent) => (o: SendOverrides) =>
        e.kind === "close"
          ? f.sm.connect(e.avs).requestSlash(e.avs.address, op, 1n, EVIDENCE, o)
          : f.sm.connect(e.avs).cancelSlash(ids.get(e.avs.address) ?? 0n, o);
      const yRequest = (o: SendOverrides) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o);
      const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: WAD, assets: [stETH, rETH] };

      // Y's attempts: every 3 hours, and at each edge of either gate; in every block where the operator acts, Y's
      // request comes LAST (the operator has the ordering advantage).
      const yTimes = new Set<bigint>();
      for (let t = wantedAt + 2n; t < wantedAt + deallocationDelayFor(MIN_WITHDRAWAL_DELAY); t += 3n * HOUR)
        yTimes.add(t);
      for (const [t, events] of ops)
        for (const e of events)
          if (e.kind === "close")
            [t, t + 1n, t + JOIN_WINDOW - 1n, t + JOIN_WINDOW, t + GATE_CYCLE - 1n].forEach((x) =>
              yTimes.add(x),
            );
          else yTimes.add(t + 1n);
      const times = [...new Set([...ops.keys(), ...yTimes, wantedAt, wantedAt + 1n])].sort((a, b) =>
        a < b ? -1 : a > b ? 1 : 0,
      );
      const effectAts = new Map<string, bigint>();
      const landed = new Map<string, { at: bigint; id: bigint; taken: Taken[] }>();
      const refusals = new Map<string, number>();
      let attempts = 0;
      for (const t of times) {
        if (landed.size === 2) break;
        if (t === wantedAt || t === wantedAt + 1n) {
          // Y wants to slash; the operator queues Y's deallocation in both assets at once.
          const asset = t === wantedAt ? stETH : rETH;
          await time.setNextBlockTimestamp(t);
          await (await f.sm.connect(f.operator1).modifyAllocation(Y, asset, 0n)).wait();
          const { effectAt } = await allocationView(f, op, Y, asset);
          expect(effectAt).to.equal(t + deallocationDelayFor(MIN_WITHDRAWAL_DELAY));
          effectAts.set(asset, effectAt);
          continue;
        }
        const events = ops.get(t) ?? [];
        const yTries = t > wantedAt + 1n && yTimes.has(t);
        // The operator's transactions come first in the block: its requests take the next ids in order.
        const base = await f.sm.slashRequestCount();
        events
          .filter((e) => e.kind === "close")
          .forEach((e, i) => ids.set(e.avs.address, base + 1n + BigInt(i)));
        if (!yTries) {
          if (events.length === 0) continue;
          const { receipts } = await inOneBlock(events.map(opSend), t);
          receipts.forEach((r, i) => expectMinedOk(r, `the operator's ${events[i].kind}`));
        } else {
          attempts++;
          // The model of Y's request at the state the operator's transactions of that block leave.
          const model = await probe(async () => {
            if (events.length !== 0) await inOneBlock(events.map(opSend), t);
            return modelRequest(f, { ...yArgs, at: t });
          });
          const { receipts } = await inOneBlock([...events.map(opSend), yRequest], t);
          receipts
            .slice(0, events.length)
            .forEach((r, i) => expectMinedOk(r, `the operator's ${events[i].kind}`));
          const yReceipt = receipts[events.length];
          if (model.expected.length === 0) {
            expect(model.refusal, `Y at ${t}: refused for a reason`).to.not.equal(null);
            const refusal = model.refusal ?? { name: "", args: [] };
            await expectMinedRevert(yReceipt, f.sm, refusal.name, refusal.args);
            const key = `${refusal.name} ${model.skipped[0].asset === stETH ? "stETH" : "rETH"}`;
            refusals.set(key, (refusals.get(key) ?? 0) + 1);
          } else {
            expectMinedOk(yReceipt, `Y's request at ${t}`);
            const id = await f.sm.slashRequestCount();
            const taken = await takenBy(f, id);
            expect(taken, `what Y's request at ${t} took (model)`).to.deep.equal(model.expected);
            for (const x of taken) landed.set(x.asset, { at: t, id, taken: [x] });
          }
        }
      }

      // Y got stETH at stETH's next epoch and rETH at rETH's, each in the block where the operator started it (Y last).
      const [s, r] = [landed.get(stETH), landed.get(rETH)];
      expect(s?.at, "stETH: at its next epoch").to.equal(T + GATE_CYCLE);
      expect(r?.at, "rETH: at its next epoch").to.equal(T + OFFSET + GATE_CYCLE);
      expect((r?.at ?? 0n) - wantedAt, "Y's longest wait: GATE_CYCLE - JOIN_WINDOW").to.equal(
        GATE_CYCLE - JOIN_WINDOW,
      );
      expect((effectAts.get(stETH) ?? 0n) - (s?.at ?? 0n), "stETH's margin").to.equal(GATE_CYCLE + 3n * DAY);
      expect((effectAts.get(rETH) ?? 0n) - (r?.at ?? 0n), "rETH's margin").to.equal(
        GATE_CYCLE + 2n * DAY + 12n * HOUR + 1n,
      );
      expect([GATE_CYCLE + 3n * DAY, GATE_CYCLE + 2n * DAY + 12n * HOUR + 1n]).to.deep.equal([
        6n * DAY + 18n * HOUR - 1n,
        6n * DAY + 6n * HOUR,
      ]);
      // Exact figures: 50 of the 100 in each (floor((100e18 - 100) * 0.5e18 / (1e18 - 1)) with the operator's 100-wei
      // dust reservation pending), the deallocations cut to nothing.
      for (const [x, asset] of [
        [s, stETH],
        [r, rETH],
      ] as const)
        expect(x?.taken).to.deep.equal([
          { asset, magnitude: WAD / 2n, deallocationCut: WAD / 2n, amount: 50n * WAD, released: false },
        ]);
      // Every attempt before was refused with the first skipped pool's reason: stETH gated until its next epoch; then
      // rETH gated (Y's stETH allocation, taken whole, is skipped as empty, before its open request is looked at).
      const gatedS = refusals.get("PoolGated stETH") ?? 0;
      const gatedR = refusals.get("PoolGated rETH") ?? 0;
      expect(gatedS, "refused: both pools gated").to.be.gte(20);
      expect(gatedR, "refused: stETH taken, rETH gated").to.be.gte(4);
      expect(attempts, `every refusal: ${[...refusals.entries()].join("; ")}`).to.equal(gatedS + gatedR + 2);
      await (await f.sm.connect(f.outsider).executeSlash(s?.id ?? 0n)).wait();
      await (await f.sm.connect(f.outsider).executeSlash(r?.id ?? 0n)).wait();
      expect(await f.stETH.balanceOf(f.smAddress)).to.equal(50n * WAD);
      expect(await f.rETH.balanceOf(f.smAddress)).to.equal(50n * WAD);
    });

    it("a partial request: Y's request takes the pool in its join window and skips the gated one, which keeps its allocation, magnitudes and gate untouched; Y takes the skipped pool in full at its next epoch, before the deallocation matures (Y no longer needs to drop an asset)", async function () {
      const f = await loadFixture(staggerFixture);
      const [op, stETH, rETH, Y] = [f.operator1.address, f.stETHAddress, f.rETHAddress, f.avs2.address];
      // rETH's epoch starts at c (B1's request, cancelled by its slasher at c + 1); stETH's at c + 2 (A1, pending). The
      // operator queues Y's deallocation of rETH at c + 3.
      const c = await pinNext(10n);
      const bId = await requestAt(f, f.b[0], f.b[0].address, c, 1n);
      await time.setNextBlockTimestamp(c + 1n);
      await (await f.sm.connect(f.b[0]).cancelSlash(bId)).wait();
      await requestAt(f, f.a[0], f.a[0].address, c + 2n, 1n);
      await time.setNextBlockTimestamp(c + 3n);
      await (await f.sm.connect(f.operator1).modifyAllocation(Y, rETH, 0n)).wait();
      const { effectAt } = await allocationView(f, op, Y, rETH);
      expect(effectAt).to.equal(c + 3n + deallocationDelayFor(MIN_WITHDRAWAL_DELAY));
      const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: WAD, assets: [stETH, rETH] };
      // At c + JOIN_WINDOW rETH is gated, stETH (its epoch started at c + 2) still takes requests.
      const first = await checkedRequest(f, { ...yArgs, at: c + JOIN_WINDOW });
      expect(first.skipped).to.deep.equal([
        { asset: rETH, refusal: { name: "PoolGated", args: [op, rETH, c + GATE_CYCLE] } },
      ]);
      expect(first.taken).to.deep.equal([
        { asset: stETH, magnitude: WAD / 2n, deallocationCut: 0n, amount: 50n * WAD, released: false },
      ]);
      expect(await f.sm.allocatedStake(op, Y, rETH), "rETH: Y's whole stake, untouched").to.equal(50n * WAD);
      await (await f.sm.connect(f.outsider).executeSlash(first.id)).wait();
      // Until rETH's next epoch: refused for rETH's gate (Y's stETH allocation, taken whole, is empty: skipped first,
      // without a reason).
      const mid = await checkedRequest(f, { ...yArgs, at: c + GATE_CYCLE - 1n });
      expect((await allocationView(f, op, Y, stETH)).current).to.equal(0n);
      expect(mid.refusal).to.deep.equal({ name: "PoolGated", args: [op, rETH, c + GATE_CYCLE] });
      expect(mid.skipped.map((x) => x.asset)).to.deep.equal([rETH]);
      const second = await checkedRequest(f, { ...yArgs, at: c + GATE_CYCLE });
      expect(second.taken).to.deep.equal([
        { asset: rETH, magnitude: WAD / 2n, deallocationCut: WAD / 2n, amount: 50n * WAD, released: false },
      ]);
      expect(effectAt - (c + GATE_CYCLE), "before the deallocation matures").to.equal(
        deallocationDelayFor(MIN_WITHDRAWAL_DELAY) + 3n - GATE_CYCLE,
      );
      expect(deallocationDelayFor(MIN_WITHDRAWAL_DELAY) + 3n - GATE_CYCLE).to.equal(
        MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN + 3n,
      );
      // Together: exactly what one request for 100% of both would have taken.
      expect(first.taken[0].amount + second.taken[0].amount).to.equal(100n * WAD);
    });

    it("the operator arranging which pools are skipped cannot make Y take less: a request skipping a gated pool, then the pool at its next epoch, take exactly what one request for both takes, at 7 fractions (each pool priced on its own)", async function () {
      const f = await loadFixture(staggerFixture);
      const [op, stETH, rETH, Y] = [f.operator1.address, f.stETHAddress, f.rETHAddress, f.avs2.address];
      const c = await pinNext(10n);
      // stETH's epoch starts at c (A1's dust request, left pending), rETH is never requested.
      const a1 = await requestAt(f, f.a[0], f.a[0].address, c, 1n);
      for (const wadFraction of [1n, 3n, WAD / 3n, WAD / 2n, (2n * WAD) / 3n, WAD - 1n, WAD]) {
        const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction, assets: [stETH, rETH] };
        // One request for both, within stETH's join window.
        const together = await probe(() => checkedRequest(f, { ...yArgs, at: c + JOIN_WINDOW - 1n }));
        expect(
          together.taken.map((x) => x.asset),
          `f = ${wadFraction}`,
        ).to.deep.equal([stETH, rETH]);
        // The operator's arrangement: Y asks the second stETH is gated (rETH taken), then at stETH's next epoch (A1's
        // request cancelled by its slasher, as the operator must to let an epoch start).
        const split = await probe(async () => {
          const a = await checkedRequest(f, { ...yArgs, at: c + JOIN_WINDOW });
          expect(a.skipped.map((x) => x.refusal)).to.deep.equal([
            { name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] },
          ]);
          await time.setNextBlockTimestamp(c + JOIN_WINDOW + 1n);
          await (await f.sm.connect(f.a[0]).cancelSlash(a1)).wait();
          // rETH: skipped for Y's own pending request, unless that request took it whole (nothing left to look at).
          const rest = (await allocationView(f, op, Y, rETH)).current;
          const b = await checkedRequest(f, { ...yArgs, at: c + GATE_CYCLE });
          expect(b.skipped.map((x) => x.refusal.name)).to.deep.equal(rest === 0n ? [] : ["SlashRequestOpen"]);
          return [...b.taken, ...a.taken];
        });
        const amount = (xs: Taken[], asset: string) => xs.find((x) => x.asset === asset)?.amount ?? 0n;
        // rETH: the same pool, the same state: the same take. stETH: split after A1's 100-wei reservation is released,
        // at least as much (the reservation's rounding never costs Y), never less.
        expect(amount(split, rETH), `f = ${wadFraction}: rETH`).to.equal(amount(together.taken, rETH));
        expect(amount(split, stETH), `f = ${wadFraction}: stETH`).to.be.gte(amount(together.taken, stETH));
        expect(amount(split, stETH) - amount(together.taken, stETH), `f = ${wadFraction}: stETH`).to.be.lte(
          1n,
        );
      }
    });

    it("ordering in one block (round 2's PoC, now passing): with eight AVSs of its own (no committee), the operator's request-and-cancel ahead of Y at the next epoch, or several of them, or one at the last second of the join window, does not move the epoch: Y gets in at gateAt + GATE_CYCLE, 7 days + 1 s (GATE_CYCLE + 3 days 6 hours + 2 s) before its deallocation matures", async function () {
      const f = await loadFixture(raceFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const T = await pinNext(10n);
      let next = (await f.sm.slashRequestCount()) + 1n;
      const closeAndReopen = (z: HardhatEthersSigner, id: bigint) => [
        (o: SendOverrides) => f.sm.connect(z).requestSlash(z.address, op, 1n, EVIDENCE, o),
        (o: SendOverrides) => f.sm.connect(z).cancelSlash(id, o),
      ];
      const yRequest = (o: SendOverrides) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o);
      const first = await inOneBlock(closeAndReopen(f.r[0], next++), T);
      first.receipts.forEach((r, i) => expectMinedOk(r, `the operator's transaction ${i}`));
      await time.setNextBlockTimestamp(T + 1n);
      await (await f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 0n)).wait();
      const { effectAt } = await allocationView(f, op, Y, stETH);
      expect(effectAt).to.equal(T + 1n + deallocationDelayFor(WITHDRAWAL_DELAY));
      // A request-and-cancel at the last second of the join window joins the epoch: it does not restart it.
      const join = await inOneBlock(closeAndReopen(f.r[1], next++), T + JOIN_WINDOW - 1n);
      join.receipts.forEach((r, i) => expectMinedOk(r, `the operator's join ${i}`));
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 0n, gateAt: T });
      const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: WAD, assets: [stETH] };
      for (const at of [T + JOIN_WINDOW, T + 2n * DAY, T + GATE_CYCLE - 2n]) {
        const r = await checkedRequest(f, { ...yArgs, at });
        expect(r.refusal, `Y at ${at - T}`).to.deep.equal({
          name: "PoolGated",
          args: [op, stETH, T + GATE_CYCLE],
        });
      }
      // At GATE_CYCLE - 1 s neither the operator nor Y can start the next epoch.
      await probe(async () => {
        const { receipts } = await inOneBlock(
          [...closeAndReopen(f.r[2], next), yRequest],
          T + GATE_CYCLE - 1n,
        );
        await expectMinedRevert(receipts[0], f.sm, "PoolGated", [op, stETH, T + GATE_CYCLE]);
        await expectMinedRevert(receipts[2], f.sm, "PoolGated", [op, stETH, T + GATE_CYCLE]);
      });
      const t = T + GATE_CYCLE;
      for (const rounds of [1, 3]) {
        await probe(async () => {
          const sends: Send[] = [];
          for (let k = 0; k < rounds; k++) sends.push(...closeAndReopen(f.r[2 + k], next + BigInt(k)));
          const { receipts } = await inOneBlock([...sends, yRequest], t);
          receipts.forEach((r, i) =>
            expectMinedOk(r, `${rounds} request-and-cancel ahead of Y: transaction ${i}`),
          );
          const yId = next + BigInt(rounds);
          expect(await takenBy(f, yId)).to.deep.equal([
            {
              asset: stETH,
              magnitude: WAD / 2n,
              deallocationCut: WAD / 2n,
              amount: 50n * WAD,
              released: false,
            },
          ]);
          expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: WAD / 2n, gateAt: t });
        });
      }
      expect(effectAt - t, "Y's margin").to.equal(GATE_CYCLE + 3n * DAY + 6n * HOUR + 2n);
      expect(GATE_CYCLE + 3n * DAY + 6n * HOUR + 2n).to.equal(7n * DAY + 1n);
    });

    it("the gate no longer hides the end of a deallocation (issue #9): the operator queues Y's deallocation, later starts an epoch with a dust request of its own AVS (cancelled at once) and misbehaves towards Y the second the join window closes, within a withdrawal delay of the announcement (at the old attack's second, 3 days 12 hours - 1 s before the withdrawal delay ends, and at its last second); Y's requests are refused (PoolGated) until the next epoch, where Y gets in whichever comes first in that block and takes the 50 stETH, GATE_CYCLE + 2 days - 1 s and 2 days 6 hours - 1 s before the deallocation matures (withdrawal delay at its 4-day minimum: the deallocation delay is 6 days - 1 s + GATE_CYCLE)", async function () {
      const f = await loadFixture(legitFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      // t0: the operator queues Y's deallocation (a normal exit, announced): slashable for max(the 4-day withdrawal delay,
      // MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN = 6 days - 1 s) + GATE_CYCLE more.
      const t0 = await pinNext(10n);
      await (await f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 0n)).wait();
      const { effectAt } = await allocationView(f, op, Y, stETH);
      expect(effectAt).to.equal(t0 + deallocationDelayFor(MIN_WITHDRAWAL_DELAY));
      expect(effectAt - t0).to.equal(MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN + GATE_CYCLE);
      const yArgs = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: WAD, assets: [stETH] };
      const yRequest = (o: SendOverrides) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o);
      // The operator misbehaves at m = e + JOIN_WINDOW, e being the epoch its own AVS starts: the old attack's timing
      // (the decrease, under the old withdrawal-delay rule, would have matured at e + GATE_CYCLE, in the gated part),
      // and the latest within a withdrawal delay of the announcement (m = t0 + the withdrawal delay).
      for (const [label, m, margin] of [
        [
          "the old attack's timing",
          t0 + MIN_WITHDRAWAL_DELAY - GATE_CYCLE + JOIN_WINDOW,
          GATE_CYCLE + 2n * DAY - 1n,
        ],
        ["the last second of the withdrawal delay", t0 + MIN_WITHDRAWAL_DELAY, 2n * DAY + JOIN_WINDOW - 1n],
      ] as const) {
        await probe(async () => {
          // e: Z3 (the operator's, no committee) starts an epoch with a 100-wei request and cancels it in that block.
          const e = m - JOIN_WINDOW;
          // A dust request of one of the operator's AVSs and its cancel by its own slasher, request `id`.
          const closeAndReopen = (z: HardhatEthersSigner, id: bigint) => [
            (o: SendOverrides) => f.sm.connect(z).requestSlash(z.address, op, 1n, EVIDENCE, o),
            (o: SendOverrides) => f.sm.connect(z).cancelSlash(id, o),
          ];
          const first = (await f.sm.slashRequestCount()) + 1n;
          const { receipts } = await inOneBlock(closeAndReopen(f.z3, first), e);
          receipts.forEach((r, i) => expectMinedOk(r, `${label}: the operator's transaction ${i}`));
          const next = first + 1n;
          expect(await gateView(f, op, stETH), label).to.deep.equal({ reserved: 0n, gateAt: e });
          expect(m - t0, `${label}: Y decides within a withdrawal delay of the announcement`).to.be.lte(
            MIN_WITHDRAWAL_DELAY,
          );
          // From m Y tries every hour: refused (PoolGated) until the next epoch, its stake intact and its maxSlashable
          // 0 (a request would skip the pool) while it waits.
          let refused = 0;
          for (let t = m; t < e + GATE_CYCLE; t += HOUR) {
            const r = await checkedRequest(f, { ...yArgs, at: t });
            expect(r.refusal, `${label}: Y at ${t}`).to.deep.equal({
              name: "PoolGated",
              args: [op, stETH, e + GATE_CYCLE],
            });
            expect(r.before[0].allocatedStake, "Y's stake while refused").to.equal(50n * WAD);
            if (t > m) expect(r.before[0].maxSlashable, "Y's maxSlashable while gated").to.equal(0n);
            refused++;
          }
          expect(refused, label).to.equal(84);
          // The next epoch: Y gets in whoever comes first (the operator's request-and-cancel, its request left
          // pending, or Y), before the deallocation matures, and takes its whole allocation: 50 of the 100 stETH. (Z3
          // is in its own cooldown until e + 4 days: the operator uses Z, its own slasher.)
          const zNext = closeAndReopen(f.zAvs, next);
          const nextEpoch = e + GATE_CYCLE;
          expect(nextEpoch - m, "Y's wait: GATE_CYCLE - JOIN_WINDOW").to.equal(GATE_CYCLE - JOIN_WINDOW);
          expect(effectAt - nextEpoch, `${label}: the margin`).to.equal(margin);
          for (const order of ["operator's request and cancel first", "operator first", "Y first"] as const) {
            await probe(async () => {
              const sends =
                order === "Y first"
                  ? [yRequest, zNext[0]]
                  : order === "operator first"
                    ? [zNext[0], yRequest]
                    : [...zNext, yRequest];
              const inBlock = await inOneBlock(sends, nextEpoch);
              inBlock.receipts.forEach((r, i) => expectMinedOk(r, `${label}, ${order}: transaction ${i}`));
              const yId = order === "Y first" ? next : next + 1n;
              // With Z's 100-wei reservation pending ("operator first"): floor((100e18 - 100) * 0.5e18 / (1e18 - 1))
              // = 50e18 as well. The pending deallocation is cut to nothing.
              expect(await takenBy(f, yId), `${label}, ${order}`).to.deep.equal([
                {
                  asset: stETH,
                  magnitude: WAD / 2n,
                  deallocationCut: WAD / 2n,
                  amount: 50n * WAD,
                  released: false,
                },
              ]);
              expect((await gateView(f, op, stETH)).gateAt, "one epoch, started at that second").to.equal(
                nextEpoch,
              );
              await (await f.sm.connect(f.outsider).executeSlash(yId)).wait();
              expect(await f.stETH.balanceOf(f.smAddress), "Y's take, in escrow").to.equal(50n * WAD);
            });
          }
        });
      }
    });
  });

  describe("round 3's epoch gate at its edges", function () {
    it("JOIN_WINDOW ±1 s: a pool takes requests until gateAt + JOIN_WINDOW - 1 and skips them from gateAt + JOIN_WINDOW (PoolGated, nextEpochAt = gateAt + GATE_CYCLE), whoever asks; the other pool is taken on its own gate", async function () {
      const f = await loadFixture(edgesFixture);
      const [op, stETH, rETH] = [f.operator1.address, f.stETHAddress, f.rETHAddress];
      const c = await pinNext(10n);
      const zId = await requestAt(f, f.zAvs, f.zAvs.address, c, WAD / 10n);
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: WAD / 50n, gateAt: c });
      expect(await gateView(f, op, rETH), "Z holds no rETH").to.deep.equal({ reserved: 0n, gateAt: 0n });
      const both = [stETH, rETH];
      const y = {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: op,
        wadFraction: WAD / 2n,
        assets: both,
      };
      const x = { slasher: f.slasher, avs: f.avs.address, operator: op, wadFraction: WAD / 2n, assets: both };
      // gateAt + JOIN_WINDOW - 1: Y joins (stETH keeps gateAt c; rETH, never requested, starts its epoch now).
      await probe(async () => {
        const r = await checkedRequest(f, { ...y, at: c + JOIN_WINDOW - 1n });
        expect(r.taken.map((t) => t.asset)).to.deep.equal(both);
        expect(await gateView(f, op, stETH)).to.deep.equal({
          reserved: WAD / 50n + (3n * WAD) / 20n,
          gateAt: c,
        });
        expect((await gateView(f, op, rETH)).gateAt).to.equal(c + JOIN_WINDOW - 1n);
      });
      // From gateAt + JOIN_WINDOW: stETH skipped, rETH taken (a partial request, no longer a revert).
      for (const [who, at] of [
        [y, c + JOIN_WINDOW],
        [x, c + JOIN_WINDOW],
        [y, c + JOIN_WINDOW + 1n],
        [x, c + 2n * DAY],
        [y, c + GATE_CYCLE - 1n],
      ] as const) {
        await probe(async () => {
          const r = await checkedRequest(f, { ...who, at });
          expect(r.skipped, `${who.avs} at ${at - c}`).to.deep.equal([
            { asset: stETH, refusal: { name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] } },
          ]);
          expect(r.taken.map((t) => t.asset)).to.deep.equal([rETH]);
        });
      }
      // At gateAt + GATE_CYCLE Z's request (no committee, executable at c, expired at c + 1 day) still holds the pool
      // closed: gated, naming a nextEpochAt that is now. Cancelled ahead in the same block (anyone may), Y starts the
      // next epoch.
      await probe(async () => {
        const r = await checkedRequest(f, { ...y, at: c + GATE_CYCLE });
        expect(r.skipped).to.deep.equal([
          { asset: stETH, refusal: { name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] } },
        ]);
        expect(r.taken.map((t) => t.asset)).to.deep.equal([rETH]);
      });
      const yReq = (o: SendOverrides) =>
        f.sm.connect(f.slasher2).requestSlash(f.avs2.address, op, WAD / 2n, EVIDENCE, o);
      const { receipts } = await inOneBlock(
        [(o) => f.sm.connect(f.carol).cancelSlash(zId, o), yReq],
        c + GATE_CYCLE,
      );
      receipts.forEach((r, i) => expectMinedOk(r, `transaction ${i}`));
      expect(await gateView(f, op, stETH)).to.deep.equal({
        reserved: (3n * WAD) / 20n,
        gateAt: c + GATE_CYCLE,
      });
    });

    it("GATE_CYCLE ±1 s after each way a pool reopens (a cancel, a veto, an execution): a resolution does not move the epoch; a request joins the reopened pool within JOIN_WINDOW of the epoch's start, is gated until gateAt + GATE_CYCLE - 1 s and starts the next epoch at gateAt + GATE_CYCLE", async function () {
      const f = await loadFixture(edgesFixture);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const both = [stETH, f.rETHAddress];
      const zArgs = {
        slasher: f.zAvs,
        avs: f.zAvs.address,
        operator: op,
        wadFraction: WAD / 10n,
        assets: both,
      };
      for (const way of ["cancel", "veto", "execute"] as const) {
        await probe(async () => {
          const c = await pinNext(10n);
          // X (committee) for a cancel or a veto; Y (no committee, executable at once) for an execution.
          const [slasher, avs] =
            way === "execute" ? [f.slasher2, f.avs2.address] : [f.slasher, f.avs.address];
          const id = await requestAt(f, slasher, avs, c, WAD / 10n);
          const r = c + 100n;
          await time.setNextBlockTimestamp(r);
          if (way === "cancel") await (await f.sm.connect(f.slasher).cancelSlash(id)).wait();
          else if (way === "veto") await (await f.sm.connect(f.committee).vetoSlash(id)).wait();
          else await (await f.sm.connect(f.outsider).executeSlash(id)).wait();
          expect(await gateView(f, op, stETH), `${way}: reopened, the epoch unchanged`).to.deep.equal({
            reserved: 0n,
            gateAt: c,
          });
          await probe(async () => {
            const joins = await checkedRequest(f, { ...zArgs, at: c + JOIN_WINDOW - 1n });
            expect(
              joins.taken.map((t) => t.asset),
              `${way}: joins the reopened pool`,
            ).to.deep.equal([stETH]);
            expect((await gateView(f, op, stETH)).gateAt).to.equal(c);
          });
          for (const at of [c + JOIN_WINDOW, c + GATE_CYCLE - 1n]) {
            const gated = await checkedRequest(f, { ...zArgs, at });
            expect(gated.refusal, `${way} at ${at - c}`).to.deep.equal({
              name: "PoolGated",
              args: [op, stETH, c + GATE_CYCLE],
            });
          }
          const onTime = await checkedRequest(f, { ...zArgs, at: c + GATE_CYCLE });
          expect(onTime.refusal).to.equal(null);
          expect((await gateView(f, op, stETH)).gateAt).to.equal(c + GATE_CYCLE);
        });
      }
      // Two requests; the first resolves: still closed, the epoch unchanged.
      const c = await pinNext(10n);
      const z = await requestAt(f, f.zAvs, f.zAvs.address, c, WAD / 10n);
      await requestAt(f, f.slasher, f.avs.address, c + 10n, WAD / 10n);
      await time.setNextBlockTimestamp(c + 20n);
      await (await f.sm.connect(f.zAvs).cancelSlash(z)).wait();
      expect((await gateView(f, op, stETH)).gateAt).to.equal(c);
      expect((await poolView(f, op, stETH)).pendingRequests).to.equal(1n);
      const y = {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: op,
        wadFraction: WAD / 10n,
        assets: both,
      };
      await probe(async () => {
        const r = await checkedRequest(f, { ...y, at: c + JOIN_WINDOW - 1n });
        expect(r.taken.map((t) => t.asset)).to.deep.equal(both);
      });
      // stETH's epoch (c) is past its join window; rETH's (X's request at c + 10) is not.
      const late = await checkedRequest(f, { ...y, at: c + JOIN_WINDOW });
      expect(late.skipped).to.deep.equal([
        { asset: stETH, refusal: { name: "PoolGated", args: [op, stETH, c + GATE_CYCLE] } },
      ]);
      expect(late.taken.map((t) => t.asset)).to.deep.equal([f.rETHAddress]);
    });

    it("two requests in one block: on an open pool both go through (the second joins); at gateAt + JOIN_WINDOW both skip the gated pool and take the other; at nextEpochAt both go through", async function () {
      const f = await loadFixture(edgesFixture);
      const [op, stETH, rETH] = [f.operator1.address, f.stETHAddress, f.rETHAddress];
      const yReq = (o: SendOverrides) =>
        f.sm.connect(f.slasher2).requestSlash(f.avs2.address, op, F, EVIDENCE, o);
      const xReq = (o: SendOverrides) =>
        f.sm.connect(f.slasher).requestSlash(f.avs.address, op, F, EVIDENCE, o);
      const s = mulDivUp((3n * WAD) / 10n, F, WAD);
      await probe(async () => {
        const { receipts, timestamp } = await inOneBlock([yReq, xReq]);
        receipts.forEach((r, i) => expectMinedOk(r, `request ${i}`));
        expect((await gateView(f, op, stETH)).gateAt).to.equal(timestamp);
        expect((await poolView(f, op, stETH)).pendingRequests).to.equal(2n);
      });
      const c = await pinNext(10n);
      const z = await requestAt(f, f.zAvs, f.zAvs.address, c, WAD / 10n);
      await probe(async () => {
        const { receipts } = await inOneBlock([yReq, xReq], c + JOIN_WINDOW);
        receipts.forEach((r, i) => expectMinedOk(r, `request ${i}: rETH only`));
        expect(await gateView(f, op, stETH), "stETH untouched").to.deep.equal({
          reserved: WAD / 50n,
          gateAt: c,
        });
        expect(await gateView(f, op, rETH)).to.deep.equal({ reserved: 2n * s, gateAt: c + JOIN_WINDOW });
        for (const id of [2n, 3n])
          expect(
            (await takenBy(f, id)).map((t) => t.asset),
            `request ${id}`,
          ).to.deep.equal([rETH]);
      });
      await time.setNextBlockTimestamp(c + JOIN_WINDOW + 5n);
      await (await f.sm.connect(f.zAvs).cancelSlash(z)).wait();
      const { receipts } = await inOneBlock([yReq, xReq], c + GATE_CYCLE);
      receipts.forEach((x, i) => expectMinedOk(x, `request ${i} at nextEpochAt`));
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 2n * s, gateAt: c + GATE_CYCLE });
    });

    it("in one block, a request and its cancel by the same AVS no longer shut others out: a request after them joins the epoch they started; the pool was open 0 s between; inside the join window an opening can last 1 s (the epoch's REOPEN_WINDOW comes at its end)", async function () {
      const f = await loadFixture(edgesFixture);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const next = (await f.sm.slashRequestCount()) + 1n;
      const zReq = (o: SendOverrides) =>
        f.sm.connect(f.zAvs).requestSlash(f.zAvs.address, op, 1n, EVIDENCE, o);
      const yReq = (o: SendOverrides) =>
        f.sm.connect(f.slasher2).requestSlash(f.avs2.address, op, F, EVIDENCE, o);
      await probe(async () => {
        const { receipts, timestamp } = await inOneBlock([
          zReq,
          (o) => f.sm.connect(f.zAvs).cancelSlash(next, o),
          yReq,
        ]);
        receipts.forEach((r, i) => expectMinedOk(r, `transaction ${i}`));
        expect(await gateView(f, op, stETH)).to.include({ gateAt: timestamp });
        expect((await poolView(f, op, stETH)).pendingRequests, "Y's request keeps it closed").to.equal(1n);
      });
      // Z closes at c, cancels at c + 1 (open: a staker's deposit lands in that second, after the cancel), X joins at
      // c + 2 (closed again); X's request executes at c + 2 + X_WINDOW; the next epoch starts at c + GATE_CYCLE.
      const meter = new PoolMeter(f, stETH);
      const c = await pinNext(10n);
      const z = await requestAt(f, f.zAvs, f.zAvs.address, c, 1n);
      await meter.after(c);
      const opened = await inOneBlock(
        [
          (o) => f.sm.connect(f.zAvs).cancelSlash(z, o),
          (o) => f.vault.connect(f.alice).deposit(stETH, WAD, 0n, o),
        ],
        c + 1n,
      );
      opened.receipts.forEach((r, i) => expectMinedOk(r, `cancel, then a deposit: transaction ${i}`));
      await meter.after(c + 1n);
      const x = await requestAt(f, f.slasher, f.avs.address, c + 2n, F);
      await meter.after(c + 2n);
      expect(await gateView(f, op, stETH), "joined: the epoch unchanged").to.include({ gateAt: c });
      await time.setNextBlockTimestamp(c + 2n + X_WINDOW);
      await (await f.sm.connect(f.outsider).executeSlash(x)).wait();
      await meter.after(c + 2n + X_WINDOW);
      const l = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: op,
        wadFraction: F,
        assets: [stETH],
        at: c + GATE_CYCLE,
      });
      await meter.after(c + GATE_CYCLE);
      expect(l.refusal).to.equal(null);
      expect(meter.openings).to.deep.equal([
        { from: c + 1n, until: c + 2n, intoNewEpoch: false, epoch: c },
        { from: c + 2n + X_WINDOW, until: c + GATE_CYCLE, intoNewEpoch: true, epoch: c + GATE_CYCLE },
      ]);
      expect(GATE_CYCLE - 2n - X_WINDOW, "the opening at the epoch's end").to.equal(
        2n * DAY + 18n * HOUR - 3n,
      );
    });

    it("a request touching two pools in different gate states takes the pools that accept it and skips the others; it reverts only if it takes nothing, with the first skipped pool's reason (vault order), and then neither pool moves", async function () {
      const f = await loadFixture(edgesFixture);
      const [op, stETH, rETH] = [f.operator1.address, f.stETHAddress, f.rETHAddress];
      const x = {
        slasher: f.slasher,
        avs: f.avs.address,
        operator: op,
        wadFraction: F,
        assets: [stETH, rETH],
      };
      const c = await pinNext(10n);
      // stETH's epoch starts at c (Z), rETH's at c + 2 h (Z2); Z's request is cancelled at c + 4 h.
      const z = await requestAt(f, f.zAvs, f.zAvs.address, c, WAD / 10n);
      const z2 = await requestAt(f, f.z2Avs, f.z2Avs.address, c + 2n * HOUR, WAD / 10n);
      const gated = (asset: string, at: bigint) => ({
        asset,
        refusal: { name: "PoolGated", args: [op, asset, at] },
      });
      // Both within their join windows: X takes both; each pool keeps its own epoch.
      await probe(async () => {
        const r = await checkedRequest(f, { ...x, at: c + 3n * HOUR });
        expect(r.taken.map((t) => t.asset)).to.deep.equal([stETH, rETH]);
        expect(await gateView(f, op, stETH)).to.include({ gateAt: c });
        expect(await gateView(f, op, rETH)).to.include({ gateAt: c + 2n * HOUR });
      });
      // stETH past its join window, rETH within its own: rETH taken, stETH skipped.
      await probe(async () => {
        const r = await checkedRequest(f, { ...x, at: c + JOIN_WINDOW });
        expect(r.skipped).to.deep.equal([gated(stETH, c + GATE_CYCLE)]);
        expect(r.taken.map((t) => t.asset)).to.deep.equal([rETH]);
      });
      await time.setNextBlockTimestamp(c + 4n * HOUR);
      await (await f.sm.connect(f.zAvs).cancelSlash(z)).wait();
      // stETH reopened but within its join window: X joins it (and rETH).
      await probe(async () => {
        const r = await checkedRequest(f, { ...x, at: c + 5n * HOUR });
        expect(r.taken.map((t) => t.asset)).to.deep.equal([stETH, rETH]);
      });
      // Both past their join windows: the request takes nothing and reverts with stETH's reason; nothing moves.
      await probe(async () => {
        const before = [await gateView(f, op, stETH), await gateView(f, op, rETH)];
        const r = await checkedRequest(f, { ...x, at: c + 2n * HOUR + JOIN_WINDOW });
        expect(r.skipped).to.deep.equal([
          gated(stETH, c + GATE_CYCLE),
          gated(rETH, c + 2n * HOUR + GATE_CYCLE),
        ]);
        expect(r.refusal).to.deep.equal(gated(stETH, c + GATE_CYCLE).refusal);
        expect([await gateView(f, op, stETH), await gateView(f, op, rETH)]).to.deep.equal(before);
      });
      // stETH's next epoch, rETH still closed (Z2's expired request): stETH taken (a new epoch), rETH skipped.
      const r = await checkedRequest(f, { ...x, at: c + GATE_CYCLE });
      expect(r.skipped).to.deep.equal([gated(rETH, c + 2n * HOUR + GATE_CYCLE)]);
      expect(r.taken.map((t) => t.asset)).to.deep.equal([stETH]);
      expect(await gateView(f, op, stETH)).to.include({ gateAt: c + GATE_CYCLE });
      // Z2's expired request cancelled by anyone; X's rETH allocation was never touched, so X takes it at rETH's next
      // epoch, its stETH skipped for its own pending request (the first skipped pool's reason when nothing is taken).
      await time.setNextBlockTimestamp(c + GATE_CYCLE + 1n);
      await (await f.sm.connect(f.carol).cancelSlash(z2)).wait();
      const early = await checkedRequest(f, { ...x, at: c + 2n * HOUR + GATE_CYCLE - 1n });
      expect(early.refusal).to.deep.equal({ name: "SlashRequestOpen", args: [f.avs.address, op, stETH] });
      expect(early.skipped.map((s) => s.asset)).to.deep.equal([stETH, rETH]);
      const open = await checkedRequest(f, { ...x, at: c + 2n * HOUR + GATE_CYCLE });
      expect(open.taken.map((tk) => tk.asset)).to.deep.equal([rETH]);
      expect(open.skipped.map((s) => s.refusal.name)).to.deep.equal(["SlashRequestOpen"]);
    });

    it("the gate looks only at pools the request would reserve tokens in: a dust rETH pool past its join window is not asked by a 1-wei fraction that takes stETH only, and is skipped (PoolGated) by a larger one, which takes stETH", async function () {
      const f = await loadFixture(dustRethFixture);
      const [op, stETH, rETH] = [f.operator1.address, f.stETHAddress, f.rETHAddress];
      const c = await pinNext(10n);
      // Z2 (20% of the 10-wei rETH pool) reserves floor(10 * 0.2) = 2 wei: the pool closes.
      const z2 = await checkedRequest(f, {
        slasher: f.z2Avs,
        avs: f.z2Avs.address,
        operator: op,
        wadFraction: WAD,
        assets: [stETH, rETH],
        at: c,
      });
      expect(z2.taken.map((t) => [t.asset, t.amount])).to.deep.equal([[rETH, 2n]]);
      const x = { slasher: f.slasher, avs: f.avs.address, operator: op, assets: [stETH, rETH] };
      // f = 1 wei: rETH's s = 1 unit is worth floor(8 * 1 / 0.8e18) = 0: skipped without a reason, its gate not asked.
      await probe(async () => {
        const r = await checkedRequest(f, { ...x, wadFraction: 1n, at: c + JOIN_WINDOW });
        expect(r.taken.map((t) => [t.asset, t.amount])).to.deep.equal([[stETH, 300n]]);
        expect(r.skipped).to.deep.equal([]);
        expect(await gateView(f, op, rETH)).to.deep.equal({ reserved: WAD / 5n, gateAt: c });
      });
      // f = 1/2: rETH's s = 0.15e18 is worth floor(8 * 0.15 / 0.8) = 1 wei: gated, skipped; stETH taken (45 of 300).
      const r = await checkedRequest(f, { ...x, wadFraction: WAD / 2n, at: c + JOIN_WINDOW });
      expect(r.skipped).to.deep.equal([
        { asset: rETH, refusal: { name: "PoolGated", args: [op, rETH, c + GATE_CYCLE] } },
      ]);
      expect(r.taken.map((t) => [t.asset, t.amount])).to.deep.equal([[stETH, 45n * WAD]]);
    });
  });
});
