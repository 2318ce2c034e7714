/**
 * Attack review of two SlashingManager rule changes of issue #9 (docs/slashing.md, "Pending requests close the pool",
 * "Windows and delays" item 3, "Trust assumptions and caveats"):
 *
 *   1. A decrease of an allocation (modifyAllocation lower, or the decrease a `_restore` creates after a veto or cancel)
 *      takes effect `max(withdrawalDelay, MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE` after it
 *      is queued (the max's second term, 6 days - 1 s, only counts below a 6-day withdrawal delay). Claim: however the
 *      operator times pool epochs, an AVS that decides to slash at any time up to `withdrawalDelay` after the decrease
 *      was announced gets a request in before the decrease matures, and takes f * its allocation including the pending
 *      decrease.
 *   2. `maxSlashable` is 0 exactly when a request made now would skip the asset (SlashRequestOpen, SlashCooldown,
 *      PoolGated), else exactly what a request for the AVS's maximum fraction would take (its magnitude rounded up, the
 *      magnitude's worth rounded down). Claim (High): a request for fraction f takes, from every asset whose
 *      maxSlashable was > 0 just before, at least f * allocatedStake - 1 wei, and skips exactly the assets whose
 *      maxSlashable was 0.
 *
 * Every request below goes through `claimAt` (attackHelpersC.ts), which reads the views on the pending block at the
 * request's very second and asserts claim 2 on it. The attacker is a malicious operator with its own AVSs (Z, Z2 no
 * committee; Z3 its own committee with the longest window; Z4 no committee), colluding stakers, or an admin changing
 * the withdrawal delay in flight. Y (`avs2`, no committee, max 100%) is the legitimate AVS; X (`avs`) has a committee
 * and a 1-day window.
 *
 * Results: claim 1 holds against every operator schedule tried (the worst leaves Y exactly JOIN_WINDOW of margin),
 * for an AVS free to request at its decision (an AVS in its own cooldown is not: "LIMIT"); claim 2's "at least
 * f * allocatedStake - 1 wei" held at every boundary and in the random worlds. The review's findings:
 *   - F3 (rounding, Low), fixed: maxSlashable read 0 (and below what a request takes) when the request's magnitude
 *     rounds up to one unit worth tokens; it now reads exactly the take of a request for the maximum fraction
 *     ("fixed (rounding, review F3)");
 *   - F2 (cooldown + gate under the minimum withdrawal delay, Low), fixed: at a 4-day withdrawal delay an AVS whose
 *     request was vetoed could not reach a decrease announced right after the veto, the gate pushing its first request
 *     past the maturity; the deallocation delay now covers the AVS's longest wait between two requests ("fixed
 *     (cooldown + gate ..., review F2)");
 *   - F1 (withdrawal tail, Medium), fixed: the gap the longer deallocation delay closes for decreases stayed open for
 *     the same stake leaving through the withdrawal queue, within GATE_CYCLE - JOIN_WINDOW of the withdrawal's readyAt.
 *     A withdrawal that becomes ready while its pool's epoch holds requests off now completes only from
 *     gateAt + GATE_CYCLE + EXIT_MARGIN (WithdrawalGated; the margin and the rule for an epoch started after the
 *     withdrawal was ready come from the exit gate's own review, test/attacks/ExitGate.test.ts), and EXIT_BUFFER grew
 *     to cover that hold followed by the next epoch ("fixed (withdrawal tail, review F1)", its edges and its bound; test/attacks/OperatorOwnedAVS.test.ts
 *     for EXIT_BUFFER).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";

import {
  DAY,
  EVIDENCE,
  EXECUTION_WINDOW,
  EXIT_MARGIN,
  GATE_CYCLE,
  HOUR,
  JOIN_WINDOW,
  MAX_VETO_WINDOW,
  MIN_WITHDRAWAL_DELAY,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  WAD,
  WITHDRAWAL_DELAY,
  X_WINDOW,
  allocateInForce,
  allocationView,
  deallocationDelayFor,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  gateView,
  inOneBlock,
  nextWithdrawalId,
  ownAvs,
  poolView,
  probe,
  queueWithdrawal,
  takenBy,
  xParams,
  type SendOverrides,
} from "./attackHelpersA";
import { Prng } from "../helpers/prng";
import { claimAt, dustEpoch, gateWorld, viewsAt, type Claim, type GateWorld } from "./attackHelpersC";

/** Y's fraction in every attack: 40%. */
const F40 = (2n * WAD) / 5n;
/** The deallocation delay under the default withdrawal delay: 10 days 18 hours - 1 s. */
const DEALLOCATION_DELAY = deallocationDelayFor(WITHDRAWAL_DELAY);
const MAX_WITHDRAWAL_DELAY = 30n * DAY;

function onePoolFixture(): Promise<GateWorld> {
  return gateWorld("DG", false);
}

function twoPoolFixture(): Promise<GateWorld> {
  return gateWorld("DG", true);
}

interface CampaignWorld extends GateWorld {
  /** operator1's AVSs holding stETH (Z, Z3, Z4 and four more), with their veto windows. */
  own: Array<{ avs: HardhatEthersSigner; window: bigint }>;
}

/** onePoolFixture plus four more AVSs of operator1's (windows 0, 6 hours, 1 day, the longest), 2% of stETH each. */
async function campaignFixture(): Promise<CampaignWorld> {
  const f = await onePoolFixture();
  const windows = [0n, 6n * HOUR, DAY, MAX_VETO_WINDOW];
  const more: HardhatEthersSigner[] = [];
  for (let i = 0; i < windows.length; i++)
    more.push(await ownAvs(f, `DG-C${i}`, windows[i], [f.stETHAddress]));
  await allocateInForce(
    f,
    f.operator1,
    more.map((m): [string, string, bigint] => [m.address, f.stETHAddress, WAD / 50n]),
  );
  return {
    ...f,
    own: [
      { avs: f.zAvs, window: 0n },
      { avs: f.z3, window: MAX_VETO_WINDOW },
      { avs: f.z4, window: 0n },
      ...more.map((avs, i) => ({ avs, window: windows[i] })),
    ],
  };
}

/** The next block's timestamp: the latest + `offset`. */
async function nextAt(offset = 10n): Promise<bigint> {
  return BigInt(await time.latest()) + offset;
}

/** operator1 queues `magnitude` as the allocation of `avs` in `asset` at exactly `at`. */
async function modifyAt(
  f: GateWorld,
  avs: string,
  asset: string,
  magnitude: bigint,
  at: bigint,
): Promise<void> {
  await time.setNextBlockTimestamp(at);
  await (await f.sm.connect(f.operator1).modifyAllocation(avs, asset, magnitude)).wait();
}

/** A compact outcome of a claim: the error, or the amounts taken. */
function outcome(c: Claim): string {
  return c.error !== "" ? c.error : c.amounts.map((a) => a.toString()).join("/");
}

describe("Attack review: deallocation delay + GATE_CYCLE and maxSlashable = 0 when refused (issue #9)", function () {
  describe("claim 1: an AVS deciding within a withdrawal delay of a decrease reaches it before it matures", function () {
    it("the worst schedule on one pool: Y decides at the last second (announcement + withdrawal delay) the very second the operator's dust epoch closes its join window; Y is PoolGated until gateAt + GATE_CYCLE = effectAt - JOIN_WINDOW and then takes 40% of its whole 50% (60 stETH) including the pending decrease; the same request at effectAt - 1 still takes 60 stETH, at effectAt nothing", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      expect(await allocationView(f, op, Y, stETH)).to.include({
        current: WAD / 2n,
        pendingDelta: WAD / 2n,
        pendingIncrease: false,
        effectAt,
      });
      const d = A + WITHDRAWAL_DELAY;
      const g = d - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 0n, gateAt: g });

      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      for (const t of [d, g + GATE_CYCLE - 1n]) {
        const c = await claimAt(f, { ...y, at: t });
        expect([c.error, c.errorArgs], `Y at ${t - A} s after the announcement`).to.deep.equal([
          "PoolGated",
          [op, stETH, g + GATE_CYCLE],
        ]);
        expect(c.views).to.deep.equal([{ asset: stETH, allocatedStake: 150n * WAD, maxSlashable: 0n }]);
      }
      const inAt = g + GATE_CYCLE;
      expect(effectAt - inAt, "Y's margin: the join window").to.equal(JOIN_WINDOW);
      // effectAt ± 1 (probes from here): Y only needs the pool open before effectAt.
      const late = await probe(() => claimAt(f, { ...y, at: effectAt - 1n }));
      expect(late.amounts).to.deep.equal([60n * WAD]);
      const tooLate = await probe(() => claimAt(f, { ...y, at: effectAt }));
      expect([tooLate.error, tooLate.views[0].allocatedStake]).to.deep.equal(["NothingToSlash", 0n]);

      const c = await claimAt(f, { ...y, at: inAt });
      expect(c.views).to.deep.equal([{ asset: stETH, allocatedStake: 150n * WAD, maxSlashable: 150n * WAD }]);
      expect(c.taken).to.deep.equal([
        { asset: stETH, magnitude: WAD / 5n, deallocationCut: WAD / 5n, amount: 60n * WAD, released: false },
      ]);
      expect(await allocationView(f, op, Y, stETH)).to.include({
        current: (3n * WAD) / 10n,
        pendingDelta: (3n * WAD) / 10n,
        effectAt,
      });
      await (await f.sm.executeSlash(c.id)).wait();
      expect((await poolView(f, op, stETH)).totalAssets, "the pool after Y's slash").to.equal(240n * WAD);
    });

    it("the operator keeps the pool closed as long as it can (a request at the epoch's start and one with its own committee and the longest window at the join window's last second, both left to expire) and front-runs Y in the block where the gate ends: its own request first is PoolGated; after anyone cancels the two expired requests, its new epoch lets Y join in the same block; Y takes 60 stETH JOIN_WINDOW before the decrease matures", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      const d = A + WITHDRAWAL_DELAY;
      const g = d - JOIN_WINDOW;
      const zId = await dustEpoch(f, f.zAvs, op, g, false);
      await time.setNextBlockTimestamp(g + JOIN_WINDOW - 1n);
      await (await f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE)).wait();
      const z3Id = await f.sm.slashRequestCount();
      const [z3Request] = await f.sm.slashRequest(z3Id);
      expect(z3Request.executableAt + EXECUTION_WINDOW, "Z3's expiry").to.equal(
        g + GATE_CYCLE - REOPEN_WINDOW - 1n,
      );
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 2n, gateAt: g });

      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      const atD = await claimAt(f, { ...y, at: d });
      expect([atD.error, atD.errorArgs]).to.deep.equal(["PoolGated", [op, stETH, g + GATE_CYCLE]]);
      // At gateAt + GATE_CYCLE the two expired requests still hold the pool: Y alone is refused (naming this very
      // second), and maxSlashable says so.
      const end = g + GATE_CYCLE;
      const alone = await probe(() => claimAt(f, { ...y, at: end }));
      expect([alone.error, alone.errorArgs, alone.views[0].maxSlashable]).to.deep.equal([
        "PoolGated",
        [op, stETH, end],
        0n,
      ]);

      const zFirst = (o: SendOverrides) => f.sm.connect(f.z4).requestSlash(f.z4.address, op, 1n, EVIDENCE, o);
      const { receipts } = await inOneBlock(
        [
          zFirst,
          (o) => f.sm.connect(f.slasher2).cancelSlash(zId, o),
          (o) => f.sm.connect(f.slasher2).cancelSlash(z3Id, o),
          zFirst,
          (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, F40, EVIDENCE, o),
        ],
        end,
      );
      await expectMinedRevert(receipts[0], f.sm, "PoolGated", [op, stETH, end]);
      receipts.slice(1).forEach((r, i) => expectMinedOk(r, `transaction ${i + 1}`));
      const yId = await f.sm.slashRequestCount();
      // Z4's dust took 1 magnitude unit (300 wei); Y's 20% of magnitude is worth exactly 60 stETH of what is left.
      expect(await takenBy(f, yId)).to.deep.equal([
        { asset: stETH, magnitude: WAD / 5n, deallocationCut: WAD / 5n, amount: 60n * WAD, released: false },
      ]);
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 1n + WAD / 5n, gateAt: end });
      expect(effectAt - end, "Y's margin").to.equal(JOIN_WINDOW);
    });

    it("two pools gated on staggered epochs at Y's decision: Y's request at each pool's reopening takes that pool and skips the other (PoolGated, then SlashCooldown, both with maxSlashable 0); both decreases are reached before they mature", async function () {
      const f = await loadFixture(twoPoolFixture);
      const [op, stETH, rETH, Y] = [f.operator1.address, f.stETHAddress, f.rETHAddress, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, 0n, A);
      await modifyAt(f, Y, rETH, 0n, A + 1n);
      const [effectS, effectR] = [A + DEALLOCATION_DELAY, A + 1n + DEALLOCATION_DELAY];
      const d = A + WITHDRAWAL_DELAY;
      const [gR, gS] = [d - JOIN_WINDOW - 2n * HOUR, d - JOIN_WINDOW];
      await dustEpoch(f, f.z2Avs, op, gR, true);
      await dustEpoch(f, f.zAvs, op, gS, true);
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH, rETH] };

      const atD = await claimAt(f, { ...y, at: d });
      expect([atD.error, atD.errorArgs]).to.deep.equal(["PoolGated", [op, stETH, gS + GATE_CYCLE]]);
      expect(atD.views.map((v) => v.maxSlashable)).to.deep.equal([0n, 0n]);

      const first = await claimAt(f, { ...y, at: gR + GATE_CYCLE });
      expect(first.views.map((v) => v.maxSlashable)).to.deep.equal([0n, 50n * WAD]);
      expect(first.amounts, "rETH taken, stETH skipped (gated)").to.deep.equal([0n, 20n * WAD]);
      await (await f.sm.executeSlash(first.id)).wait();
      const cooldownEnd = first.at + EXECUTION_WINDOW + SLASH_COOLDOWN;

      const second = await claimAt(f, { ...y, at: gS + GATE_CYCLE });
      expect(second.views.map((v) => v.maxSlashable)).to.deep.equal([150n * WAD, 0n]);
      expect(second.amounts, "stETH taken, rETH skipped (cooldown)").to.deep.equal([60n * WAD, 0n]);
      // Had Y only asked for rETH now, the cooldown would have been its refusal.
      expect(cooldownEnd).to.be.gt(second.at);
      expect([effectS - second.at, effectR - first.at], "margins before each decrease matures").to.deep.equal(
        [JOIN_WINDOW, JOIN_WINDOW + 2n * HOUR + 1n],
      );
    });

    it("the admin changes the withdrawal delay while a decrease is pending: lowered to 4 days or raised to 30 days, the decrease keeps effectAt = announcement + 7 days + GATE_CYCLE and the worst schedule still leaves Y JOIN_WINDOW; a decrease queued after the raise gets 30 days + GATE_CYCLE; a decision later than the delay in force at the announcement (here 7 days + GATE_CYCLE, within the new 30 days) finds it matured", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, X, Y] = [f.operator1.address, f.stETHAddress, f.avs.address, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      expect((await allocationView(f, op, Y, stETH)).effectAt, "after lowering").to.equal(effectAt);
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MAX_WITHDRAWAL_DELAY)).wait();
      expect((await allocationView(f, op, Y, stETH)).effectAt, "after raising").to.equal(effectAt);
      const B = await nextAt();
      await modifyAt(f, X, stETH, 0n, B);
      expect((await allocationView(f, op, X, stETH)).effectAt, "a decrease after the raise").to.equal(
        B + MAX_WITHDRAWAL_DELAY + GATE_CYCLE,
      );

      const d = A + WITHDRAWAL_DELAY;
      const g = d - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      expect((await claimAt(f, { ...y, at: d })).error).to.equal("PoolGated");
      const late = await probe(() => claimAt(f, { ...y, at: effectAt }));
      expect(effectAt - A, "within the 30-day delay now in force").to.be.lt(MAX_WITHDRAWAL_DELAY);
      expect(late.error, "a decision at announcement + 7 days + GATE_CYCLE is too late").to.equal(
        "NothingToSlash",
      );
      const c = await claimAt(f, { ...y, at: g + GATE_CYCLE });
      expect(c.amounts).to.deep.equal([60n * WAD]);
      expect(effectAt - c.at).to.equal(JOIN_WINDOW);
    });

    it("a decrease created by a veto (_restore) gets withdrawal delay + GATE_CYCLE from the veto: X's request can still reach it after X's own cooldown, and the operator cannot change the allocation meanwhile (PendingAllocationChange for 10 days 18 hours - 1 s)", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, X] = [f.operator1.address, f.stETHAddress, f.avs.address];
      const x = { slasher: f.slasher, avs: X, operator: op, wadFraction: WAD / 2n, assets: [stETH] };
      const r1 = await claimAt(f, { ...x, at: await nextAt() });
      // 50% of X's 20%: 10% of magnitude, 30 stETH.
      expect(r1.amounts).to.deep.equal([30n * WAD]);
      // While the request is pending the operator raises X to 15% (a change after the request: an increase of 5%).
      await modifyAt(f, X, stETH, (3n * WAD) / 20n, r1.at + HOUR);
      const vetoAt = r1.at + 2n * HOUR;
      await time.setNextBlockTimestamp(vetoAt);
      await (await f.sm.connect(f.committee).vetoSlash(r1.id)).wait();
      // The restored 10% exceeds the 5% increase: 20% current, a decrease of 5% to the operator's target 15%.
      const restoredEffect = vetoAt + DEALLOCATION_DELAY;
      expect(await allocationView(f, op, X, stETH)).to.include({
        current: WAD / 5n,
        pendingDelta: WAD / 20n,
        pendingIncrease: false,
        effectAt: restoredEffect,
      });
      await time.setNextBlockTimestamp(vetoAt + 1n);
      await expect(f.sm.connect(f.operator1).modifyAllocation(X, stETH, WAD / 10n))
        .to.be.revertedWithCustomError(f.sm, "PendingAllocationChange")
        .withArgs(restoredEffect);
      // X's next request (after its cooldown) takes 50% of the 20% including the pending 5%.
      const nextAllowed = r1.at + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      const early = await claimAt(f, { ...x, at: nextAllowed - 1n });
      expect([early.error, early.views[0].maxSlashable]).to.deep.equal(["SlashCooldown", 0n]);
      const r2 = await claimAt(f, { ...x, at: nextAllowed });
      expect(r2.taken).to.deep.equal([
        {
          asset: stETH,
          magnitude: WAD / 10n,
          deallocationCut: WAD / 40n,
          amount: 30n * WAD,
          released: false,
        },
      ]);
      expect(restoredEffect - r2.at).to.equal(
        DEALLOCATION_DELAY - (X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + 2n * HOUR,
      );
    });
  });

  describe("claim 1: requests in flight at maturity, and its limits", function () {
    it("X with the longest veto window requests 1 s before its decrease to 0 matures: executed after the decrease matured it still takes its 30 stETH; vetoed after, the allocation ends at the operator's target 0 and nothing is re-exposed (encumbered drops by the cut at once)", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, X] = [f.operator1.address, f.stETHAddress, f.avs.address];
      await (
        await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), vetoWindow: MAX_VETO_WINDOW })
      ).wait();
      const A = await nextAt();
      await modifyAt(f, X, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      const x = { slasher: f.slasher, avs: X, operator: op, wadFraction: WAD / 2n, assets: [stETH] };
      const r = await claimAt(f, { ...x, at: effectAt - 1n });
      expect(r.taken).to.deep.equal([
        {
          asset: stETH,
          magnitude: WAD / 10n,
          deallocationCut: WAD / 10n,
          amount: 30n * WAD,
          released: false,
        },
      ]);
      const executableAt = effectAt - 1n + MAX_VETO_WINDOW;
      // Executed after the decrease matured: the reservation stands.
      await probe(async () => {
        await time.setNextBlockTimestamp(executableAt);
        await (await f.sm.executeSlash(r.id)).wait();
        await (await f.sm.applyPendingAllocation(op, X, stETH)).wait();
        expect((await poolView(f, op, stETH)).totalAssets).to.equal(270n * WAD);
        expect(await allocationView(f, op, X, stETH)).to.include({
          current: 0n,
          pendingDelta: 0n,
          effectAt: 0n,
        });
        const [m, maxMagnitude] = await f.sm.magnitudes(op, stETH);
        expect([m.lost, m.encumbered, m.reserved, maxMagnitude]).to.deep.equal([
          WAD / 10n,
          (7n * WAD) / 10n,
          0n,
          (9n * WAD) / 10n,
        ]);
      });
      // Vetoed after the decrease matured: the allocation ends at 0, the cut is deallocated at once.
      await time.setNextBlockTimestamp(executableAt - 1n);
      await (await f.sm.connect(f.committee).vetoSlash(r.id)).wait();
      expect(await allocationView(f, op, X, stETH)).to.include({
        current: 0n,
        pendingDelta: 0n,
        effectAt: 0n,
      });
      const [m] = await f.sm.magnitudes(op, stETH);
      expect([m.encumbered, m.reserved]).to.deep.equal([(7n * WAD) / 10n, 0n]);
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(0n);
      expect((await poolView(f, op, stETH)).totalAssets).to.equal(300n * WAD);
    });

    it("random operator schedules (16 seeds, every fourth deciding in the last hour: 1-4 epochs, each started and joined by 1-3 of its 7 AVSs with windows 0 to the longest, resolved by cancel, veto, execution or left to expire; half the seeds align an epoch's join window to close at Y's decision): Y, deciding at a random second within the withdrawal delay of the announcement and retrying at each PoolGated time (cancelling expired requests first), always takes 40% of its whole 50% before the decrease matures", async function () {
      const margins: bigint[] = [];
      let [gatedCount, done, skipped] = [0, 0, 0];
      for (let seed = 1; seed <= 16; seed++) {
        const f = await loadFixture(campaignFixture);
        const rng = new Prng(seed);
        const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
        const A = await nextAt();
        await modifyAt(f, Y, stETH, 0n, A);
        const effectAt = A + DEALLOCATION_DELAY;
        // Every fourth seed misbehaves in the last hour of the withdrawal delay (the claim's edge).
        const d =
          seed % 4 === 0 ? A + WITHDRAWAL_DELAY - rng.big(0n, HOUR) : A + rng.big(0n, WITHDRAWAL_DELAY);
        type Plan = {
          at: bigint;
          kind: "request" | "cancel" | "veto" | "execute" | "y";
          who: number;
          ref: number;
        };
        const plan: Plan[] = [{ at: d, kind: "y", who: 0, ref: -1 }];
        let refs = 0;
        const epochs = rng.int(1, 4);
        for (let e = 0; e < epochs; e++) {
          const g =
            e === 0 && seed % 2 === 0 && d - JOIN_WINDOW > A
              ? d - JOIN_WINDOW
              : A + 1n + rng.big(0n, WITHDRAWAL_DELAY + GATE_CYCLE);
          const joins = rng.int(1, 3);
          for (let j = 0; j < joins; j++) {
            const at = j === 0 ? g : g + rng.big(0n, JOIN_WINDOW - 1n);
            const who = rng.int(0, f.own.length - 1);
            const ref = refs++;
            plan.push({ at, kind: "request", who, ref });
            const window = f.own[who].window;
            const end = rng.pick(["cancel", "veto", "execute", "leave"] as const);
            if (end === "cancel") plan.push({ at: at + rng.big(1n, 3n * DAY), kind: "cancel", who, ref });
            if (end === "veto" && window > 1n)
              plan.push({ at: at + rng.big(1n, window - 1n), kind: "veto", who, ref });
            if (end === "execute")
              plan.push({ at: at + window + rng.big(0n, EXECUTION_WINDOW - 1n), kind: "execute", who, ref });
          }
        }
        const ids = new Map<number, bigint>();
        let landed: Claim | null = null;
        const pendingExpired = async (now: bigint): Promise<bigint[]> => {
          const out: bigint[] = [];
          for (const id of ids.values()) {
            const [r] = await f.sm.slashRequest(id);
            if (r.status === 1n && r.executableAt + EXECUTION_WINDOW <= now) out.push(id);
          }
          return out;
        };
        while (landed === null) {
          plan.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
          const next = plan.shift();
          if (next === undefined) throw new Error(`seed ${seed}: Y gave up`);
          const now = BigInt(await time.latest());
          const at = next.at > now ? next.at : now + 1n;
          if (next.kind === "y") {
            const expired = await pendingExpired(at);
            if (expired.length > 0) {
              for (const id of expired) {
                await time.setNextBlockTimestamp(at + BigInt(expired.indexOf(id)));
                await (await f.sm.connect(f.slasher2).cancelSlash(id)).wait();
              }
              plan.push({ at: at + BigInt(expired.length), kind: "y", who: 0, ref: -1 });
              continue;
            }
            const c = await claimAt(f, {
              slasher: f.slasher2,
              avs: Y,
              operator: op,
              wadFraction: F40,
              assets: [stETH],
              at,
            });
            if (c.error === "") landed = c;
            else {
              expect(c.error, `seed ${seed}: Y at ${at - A} s after the announcement`).to.equal("PoolGated");
              gatedCount++;
              const reopen = c.errorArgs[2] as bigint;
              plan.push({ at: reopen > at ? reopen : at + 1n, kind: "y", who: 0, ref: -1 });
            }
            continue;
          }
          const z = f.own[next.who].avs;
          const sm = f.sm.connect(z);
          const id = ids.get(next.ref);
          await time.setNextBlockTimestamp(at);
          try {
            if (next.kind === "request") {
              await sm.requestSlash.staticCall(z.address, op, 1n, EVIDENCE, { blockTag: "pending" });
              await (await sm.requestSlash(z.address, op, 1n, EVIDENCE)).wait();
              ids.set(next.ref, await f.sm.slashRequestCount());
            } else if (id !== undefined) {
              const call =
                next.kind === "cancel"
                  ? sm.cancelSlash
                  : next.kind === "veto"
                    ? sm.vetoSlash
                    : sm.executeSlash;
              await call.staticCall(id, { blockTag: "pending" });
              await (await call(id)).wait();
            }
            done++;
          } catch {
            skipped++;
            // The operator's step was refused (gated, cooldown, already resolved, window over): it skips it.
          }
        }
        expect(landed.at, `seed ${seed}: Y's request lands before the decrease matures`).to.be.lt(effectAt);
        expect(
          landed.taken.map((t) => t.magnitude),
          `seed ${seed}: 40% of the whole 50%`,
        ).to.deep.equal([WAD / 5n]);
        margins.push(effectAt - landed.at);
      }
      // The campaign bites: Y was refused PoolGated, the operator's steps went through, and on the edge seeds Y got in
      // within an hour of the worst case (a margin of JOIN_WINDOW).
      const summary = `margins ${margins.join(", ")}; Y gated ${gatedCount} times; operator steps ${done} done, ${skipped} refused`;
      expect(gatedCount, summary).to.be.gte(8);
      expect(done, summary).to.be.gte(25);
      expect(margins.filter((m) => m < JOIN_WINDOW + HOUR).length, summary).to.equal(3);
      expect(
        margins.every((m) => m >= JOIN_WINDOW),
        summary,
      ).to.equal(true);
    });

    it("LIMIT (documented rule, not covered by the extra GATE_CYCLE): an AVS in its own cooldown at its decision does not reach the decrease: X's 1% request a day before announcement + withdrawal delay executes; the operator misbehaves at announcement + withdrawal delay; X's next request waits for SlashCooldown until 4 days later, 6 hours + 1 s after the decrease matured, and finds nothing", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, X] = [f.operator1.address, f.stETHAddress, f.avs.address];
      const A = await nextAt();
      await modifyAt(f, X, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      const x = { slasher: f.slasher, avs: X, operator: op, assets: [stETH] };
      const minor = await claimAt(f, { ...x, wadFraction: WAD / 100n, at: A + WITHDRAWAL_DELAY - DAY });
      expect(minor.amounts).to.deep.equal([(6n * WAD) / 10n]);
      const d = A + WITHDRAWAL_DELAY;
      await time.setNextBlockTimestamp(d);
      await (await f.sm.executeSlash(minor.id)).wait();
      const nextRequestAt = minor.at + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      const atD = await claimAt(f, { ...x, wadFraction: WAD / 2n, at: d + 1n });
      expect([atD.error, atD.errorArgs, atD.views[0].allocatedStake]).to.deep.equal([
        "SlashCooldown",
        [X, op, stETH, nextRequestAt],
        (594n * WAD) / 10n,
      ]);
      expect(nextRequestAt - effectAt).to.equal(6n * HOUR + 1n);
      const late = await claimAt(f, { ...x, wadFraction: WAD / 2n, at: nextRequestAt });
      expect([late.error, late.views[0].allocatedStake]).to.deep.equal(["NothingToSlash", 0n]);
    });

    it("INFO (pause, a documented trust assumption): while GROUP_SLASHING is paused maxSlashable still reports Y's 150 stETH although a request reverts GroupPaused(2); a pause over the decrease's maturity leaves Y nothing after the unpause", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, 0n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      await (await f.sm.connect(f.admin).pause(1n << 2n)).wait();
      const t = await nextAt();
      expect(await viewsAt(f, op, Y, [stETH], t)).to.deep.equal([
        { asset: stETH, allocatedStake: 150n * WAD, maxSlashable: 150n * WAD },
      ]);
      await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, F40, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "GroupPaused")
        .withArgs(2n);
      await time.setNextBlockTimestamp(effectAt);
      await (await f.sm.connect(f.admin).unpause(1n << 2n)).wait();
      const c = await claimAt(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: F40,
        assets: [stETH],
        at: effectAt + 1n,
      });
      expect([c.error, c.views[0].maxSlashable]).to.deep.equal(["NothingToSlash", 0n]);
    });
  });

  describe("claim 2: maxSlashable is 0 exactly when a request now skips the asset", function () {
    it("at every window boundary ±1 s (JOIN_WINDOW, X's veto window and expiry, GATE_CYCLE with expired requests pending, after their cancel, X's cooldown, Y's decrease effectAt), for fractions 1 wei, 40% and 100%, Y's and X's requests take at least f * allocatedStake - 1 wei of every asset with maxSlashable > 0 and nothing of the others", async function () {
      const f = await loadFixture(twoPoolFixture);
      const [op, stETH, rETH, X, Y] = [
        f.operator1.address,
        f.stETHAddress,
        f.rETHAddress,
        f.avs.address,
        f.avs2.address,
      ];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, WAD / 10n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      const c = A + 2n * DAY;
      const zId = await dustEpoch(f, f.zAvs, op, c, false);
      const xReq = await claimAt(f, {
        slasher: f.slasher,
        avs: X,
        operator: op,
        wadFraction: WAD / 10n,
        assets: [stETH, rETH],
        at: c + HOUR,
      });
      expect(xReq.amounts).to.deep.equal([6n * WAD, 0n]);
      const [xExec, xExpiry] = [c + HOUR + X_WINDOW, c + HOUR + X_WINDOW + EXECUTION_WINDOW];
      const who = {
        Y: { slasher: f.slasher2, avs: Y },
        X: { slasher: f.slasher, avs: X },
      } as const;
      const seen: string[] = [];
      const sweep = async (label: string, t: bigint): Promise<void> => {
        for (const name of ["Y", "X"] as const) {
          for (const wadFraction of [1n, F40, WAD]) {
            const r = await probe(() =>
              claimAt(f, { ...who[name], operator: op, wadFraction, assets: [stETH, rETH], at: t }),
            );
            seen.push(
              `${label} ${name} ${wadFraction === 1n ? "1wei" : wadFraction === F40 ? "40%" : "100%"}: ${outcome(r)}`,
            );
          }
        }
      };
      await sweep("join-1", c + JOIN_WINDOW - 1n);
      await sweep("join", c + JOIN_WINDOW);
      await sweep("veto-1", xExec - 1n);
      await sweep("veto", xExec);
      await sweep("expiry-1", xExpiry - 1n);
      await sweep("expiry", xExpiry);
      await sweep("cycle-1", c + GATE_CYCLE - 1n);
      await sweep("cycle", c + GATE_CYCLE);
      // Anyone cancels the two expired requests: the pool opens, X's cooldown runs from its request's expiry.
      await time.setNextBlockTimestamp(c + GATE_CYCLE + 1n);
      await (await f.sm.connect(f.carol).cancelSlash(zId)).wait();
      await (await f.sm.connect(f.carol).cancelSlash(xReq.id)).wait();
      const xNext = xExec + EXECUTION_WINDOW + SLASH_COOLDOWN;
      await sweep("cancelled", c + GATE_CYCLE + 3n);
      await sweep("cooldown-1", xNext - 1n);
      await sweep("cooldown", xNext);
      await sweep("effect-1", effectAt - 1n);
      await sweep("effect", effectAt);
      const e18 = (n: bigint) => (n * WAD).toString();
      const rows: Record<string, string[]> = {
        // Y: stETH (50%) then rETH (50%); open: 1 magnitude unit (300 wei) / 100 wei, 40% and 100% of 150 and 50.
        yOpen: ["300/100", `${e18(60n)}/${e18(20n)}`, `${e18(150n)}/${e18(50n)}`],
        yGated: ["0/100", `0/${e18(20n)}`, `0/${e18(50n)}`],
        // From effectAt Y holds 10% of stETH: 40% and 100% of 30 stETH.
        yDecreased: ["300/100", `${e18(12n)}/${e18(20n)}`, `${e18(30n)}/${e18(50n)}`],
        xOpen: ["300/0", `${e18(24n)}/0`, `${e18(60n)}/0`],
        xPending: Array(3).fill("SlashRequestOpen"),
        xCooldown: Array(3).fill("SlashCooldown"),
      };
      const expected: Array<[string, keyof typeof rows, keyof typeof rows]> = [
        ["join-1", "yOpen", "xPending"],
        ["join", "yGated", "xPending"],
        ["veto-1", "yGated", "xPending"],
        ["veto", "yGated", "xPending"],
        ["expiry-1", "yGated", "xPending"],
        ["expiry", "yGated", "xPending"],
        ["cycle-1", "yGated", "xPending"],
        ["cycle", "yGated", "xPending"],
        ["cancelled", "yOpen", "xCooldown"],
        ["cooldown-1", "yOpen", "xCooldown"],
        ["cooldown", "yOpen", "xOpen"],
        ["effect-1", "yOpen", "xOpen"],
        ["effect", "yDecreased", "xOpen"],
      ];
      const fractions = ["1wei", "40%", "100%"];
      expect(seen).to.deep.equal(
        expected.flatMap(([label, yRow, xRow]) => [
          ...rows[yRow].map((o, i) => `${label} Y ${fractions[i]}: ${o}`),
          ...rows[xRow].map((o, i) => `${label} X ${fractions[i]}: ${o}`),
        ]),
      );
    });

    it("random worlds (3 seeds x 30 steps of own-AVS requests, Y's and X's requests, cancels, vetoes, executions, deposits, withdrawals, allocation changes and time jumps): after every step, Y's and X's requests (random fractions from 1 wei to 100%) at the next second and at the stETH epoch's JOIN_WINDOW and GATE_CYCLE edges ±1 s take at least f * allocatedStake - 1 wei of every asset with maxSlashable > 0 and nothing of the others", async function () {
      const tally = { checks: 0, refusedAssets: 0, takenAssets: 0, steps: 0 };
      for (let seed = 101; seed <= 103; seed++) {
        const f = await loadFixture(twoPoolFixture);
        const rng = new Prng(seed);
        const [op, stETH, rETH, X, Y] = [
          f.operator1.address,
          f.stETHAddress,
          f.rETHAddress,
          f.avs.address,
          f.avs2.address,
        ];
        const assets = [stETH, rETH];
        const own = [f.zAvs, f.z2Avs, f.z3, f.z4];
        const slasherOf = new Map<string, HardhatEthersSigner>([
          [X, f.slasher],
          [Y, f.slasher2],
          ...own.map((z): [string, HardhatEthersSigner] => [z.address, z]),
        ]);
        const fractions = [1n, WAD / 10n, F40, WAD];
        const avsOf = async (id: bigint): Promise<string> => (await f.sm.slashRequest(id))[1];
        const pendingIds = async (): Promise<bigint[]> => {
          const out: bigint[] = [];
          const count = await f.sm.slashRequestCount();
          for (let id = 1n; id <= count; id++)
            if ((await f.sm.slashRequest(id))[0].status === 1n) out.push(id);
          return out;
        };
        const attempt = async (
          dt: bigint,
          send: () => Promise<ContractTransactionResponse>,
        ): Promise<void> => {
          await time.setNextBlockTimestamp(BigInt(await time.latest()) + dt);
          try {
            await (await send()).wait();
            tally.steps++;
          } catch {
            // refused: the world stays as it was
          }
        };
        const count = (c: Claim): void => {
          tally.checks++;
          c.views.forEach((v, i) => {
            if (v.maxSlashable === 0n && v.allocatedStake > 0n) tally.refusedAssets++;
            else if (c.amounts[i] > 0n) tally.takenAssets++;
          });
        };
        const who = (name: "X" | "Y") => ({
          slasher: slasherOf.get(name === "X" ? X : Y)!,
          avs: name === "X" ? X : Y,
        });
        for (let step = 0; step < 30; step++) {
          const action = rng.int(0, 11);
          const z = rng.pick(own);
          if (action === 0)
            await time.increase(rng.pick([1n, HOUR, JOIN_WINDOW, DAY, 3n * DAY]) + rng.big(0n, 10n));
          if (action === 1)
            await attempt(rng.big(1n, HOUR), () =>
              f.sm.connect(z).requestSlash(z.address, op, rng.pick(fractions), EVIDENCE),
            );
          if (action === 2 || action === 3) {
            const c = await claimAt(f, {
              ...who(action === 2 ? "Y" : "X"),
              operator: op,
              wadFraction: rng.pick(fractions),
              assets,
              at: BigInt(await time.latest()) + rng.big(1n, HOUR),
            });
            count(c);
          }
          if (action >= 4 && action <= 6) {
            const ids = await pendingIds();
            if (ids.length > 0) {
              const id = rng.pick(ids);
              const avs = await avsOf(id);
              if (action === 4) {
                const caller = rng.chance(0.5) ? f.carol : slasherOf.get(avs)!;
                await attempt(rng.big(1n, DAY), () => f.sm.connect(caller).cancelSlash(id));
              }
              if (action === 5) {
                const committee = avs === X ? f.committee : slasherOf.get(avs)!;
                await attempt(rng.big(1n, HOUR), () => f.sm.connect(committee).vetoSlash(id));
              }
              if (action === 6) await attempt(rng.big(1n, DAY), () => f.sm.connect(f.carol).executeSlash(id));
            }
          }
          if (action === 7)
            await attempt(1n, () =>
              f.vault.connect(f.alice).deposit(rng.pick(assets), rng.big(1n, 50n * WAD), 0n),
            );
          if (action === 8) {
            const [, shares] = await f.vault.position(f.bob.address, stETH);
            await attempt(1n, () => f.vault.connect(f.bob).queueWithdrawal(stETH, rng.big(0n, shares)));
          }
          if (action === 9) {
            const nonce = (await f.vault.stakerInfo(f.bob.address)).withdrawalNonce;
            const first = (await nextWithdrawalId(f, f.bob.address)) - nonce;
            for (let n = 0n; n < nonce; n++)
              await attempt(1n, () => f.vault.connect(f.bob).completeWithdrawal(first + n, true, 0n));
          }
          if (action === 10) {
            const avs = rng.pick([X, Y, f.zAvs.address, f.z4.address]);
            const asset = avs === Y ? rng.pick(assets) : stETH;
            const a = await f.sm.allocation(op, avs, asset);
            const magnitude = rng.pick([0n, a.current / 2n, a.current + WAD / 100n]);
            await attempt(1n, () => f.sm.connect(f.operator1).modifyAllocation(avs, asset, magnitude));
          }
          if (action === 11) {
            const avs = rng.pick([X, Y, f.zAvs.address, f.z4.address]);
            await attempt(1n, () =>
              f.sm.applyPendingAllocation(op, avs, avs === Y ? rng.pick(assets) : stETH),
            );
          }
          // The checks: the next second, and the stETH epoch's edges still ahead.
          const now = BigInt(await time.latest());
          const { gateAt } = await gateView(f, op, stETH);
          const times = [now + 1n];
          if (gateAt !== 0n)
            for (const t of [
              gateAt + JOIN_WINDOW - 1n,
              gateAt + JOIN_WINDOW,
              gateAt + GATE_CYCLE - 1n,
              gateAt + GATE_CYCLE,
            ])
              if (t > now) times.push(t);
          for (const t of times)
            for (const name of ["Y", "X"] as const) {
              const c = await probe(() =>
                claimAt(f, { ...who(name), operator: op, wadFraction: rng.pick(fractions), assets, at: t }),
              );
              count(c);
            }
        }
      }
      const summary = JSON.stringify(tally);
      expect(tally.checks, summary).to.be.gte(400);
      expect(tally.refusedAssets, summary).to.be.gte(100);
      expect(tally.takenAssets, summary).to.be.gte(100);
      expect(tally.steps, summary).to.be.gte(25);
    });

    it("fixed (rounding, review F3): operator2's pools hold 1 stETH and 0.5 rETH; X (max 20%) holds 6 magnitude units of stETH: a 20% request takes ceil(1.2) = 2 units, 2 wei, and maxSlashable read exactly 2 (was floor(6 * 0.2) = 1); with 1 unit of stETH and 10 of rETH, X's request for a 1-wei fraction takes 1 wei of stETH, where maxSlashable read 1 (was 0), and skips rETH (its one unit is worth 0.5 wei), where maxSlashable read 1 wei (2 units of 0.5 wei): maxSlashable bounds every take and reads 0 only for an asset a rule skips", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op2, stETH, rETH, X] = [f.operator2.address, f.stETHAddress, f.rETHAddress, f.avs.address];
      await (await f.sm.connect(f.avs).updateAVSConfig({ ...xParams(f), maxSlashWad: WAD / 5n })).wait();
      await deposit(f, f.dave, stETH, WAD);
      await deposit(f, f.dave, rETH, WAD / 2n);
      await allocateInForce(f, f.operator2, [
        [X, stETH, 1n],
        [X, rETH, 10n],
      ]);
      const send = (wadFraction: bigint) =>
        f.sm.connect(f.slasher).requestSlash(X, op2, wadFraction, EVIDENCE);
      const six = await probe(async () => {
        await (await f.sm.connect(f.operator2).modifyAllocation(X, stETH, 6n)).wait();
        await time.increaseTo((await allocationView(f, op2, X, stETH)).effectAt);
        const [v] = await viewsAt(f, op2, X, [stETH], await nextAt());
        await (await send(WAD / 5n)).wait();
        const [taken] = await takenBy(f, await f.sm.slashRequestCount());
        return {
          stake: v.allocatedStake,
          maxSlashable: v.maxSlashable,
          magnitude: taken.magnitude,
          taken: taken.amount,
        };
      });
      // six units of 1 wei each: a 20% request takes ceil(6 * 0.2) = 2 units, 2 wei, exactly maxSlashable
      expect(six).to.deep.equal({ stake: 6n, maxSlashable: 2n, magnitude: 2n, taken: 2n });

      const views = await viewsAt(f, op2, X, [stETH, rETH], await nextAt());
      expect(views.map((v) => [v.allocatedStake, v.maxSlashable])).to.deep.equal([
        [1n, 1n],
        [5n, 1n],
      ]);
      await (await send(1n)).wait();
      const taken = await takenBy(f, await f.sm.slashRequestCount());
      // stETH: ceil(1 * 1e-18) = 1 unit, 1 wei (= maxSlashable); rETH: skipped, its one-unit take is worth 0.5 wei (not
      // a rule: maxSlashable > 0, within "at least f * stake - 1 wei" = 0).
      expect(taken.map((t) => [t.asset, t.magnitude, t.amount])).to.deep.equal([[stETH, 1n, 1n]]);
    });
  });

  describe("next to the longer deallocation delay: the withdrawal tail (fixed, review F1) and the cooldown under the minimum delay (fixed)", function () {
    // F1 was: an epoch whose join window closed before alice was ready held Y off while alice left. The fix: such a
    // withdrawal completes only from gateAt + GATE_CYCLE + 1 s (WithdrawalGated), when Y has had its chance.
    it("fixed (withdrawal tail, review F1): alice queues her 100 stETH at Q; the operator starts a dust epoch at Q + 7 days - 7 hours, so that its join window closes 1 hour before she is ready, and misbehaves towards Y then; Y (allocated 150 stETH) is refused PoolGated until Q + 10 days 11 hours - 1 s, and alice's completion is held EXIT_MARGIN (1 hour) longer (WithdrawalGated); at the gate's end Y's request lands even behind alice's completion in the block, takes 60 stETH, alice waits for it to execute and bears her part: 80 of her 100 stETH", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const [, queued] = await f.vault.withdrawal(w.id);
      const Q = queued.startTime;
      expect(w.readyAt).to.equal(Q + WITHDRAWAL_DELAY);
      const d = Q + WITHDRAWAL_DELAY - HOUR;
      const g = d - JOIN_WINDOW;
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      // Without the operator's epoch, Y's request at d takes 60 stETH and holds alice's completion until it resolves.
      await probe(async () => {
        const r = await claimAt(f, { ...y, at: d });
        expect(r.amounts).to.deep.equal([60n * WAD]);
        await time.setNextBlockTimestamp(w.readyAt);
        await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
          .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
          .withArgs(op, stETH, 1n);
      });
      await dustEpoch(f, f.zAvs, op, g, true);
      const c = await claimAt(f, { ...y, at: d });
      expect(g + GATE_CYCLE - Q, "gated until Q + 10 days 11 hours - 1 s").to.equal(
        10n * DAY + 11n * HOUR - 1n,
      );
      expect([c.error, c.errorArgs, c.views[0].allocatedStake, c.views[0].maxSlashable]).to.deep.equal([
        "PoolGated",
        [op, stETH, g + GATE_CYCLE],
        150n * WAD,
        0n,
      ]);
      // alice, ready 1 hour after Y decided, is held as long as Y is, and EXIT_MARGIN more; the view says until when.
      const openAt = g + GATE_CYCLE + EXIT_MARGIN;
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(openAt);
      await time.setNextBlockTimestamp(w.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(w.id, openAt);
      // At the gate's end: alice's completion first in the block, Y's request after it.
      const id = (await f.sm.slashRequestCount()) + 1n;
      const block = await inOneBlock(
        [
          (o) => f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n, o),
          (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, F40, EVIDENCE, o),
        ],
        g + GATE_CYCLE,
      );
      await expectMinedRevert(block.receipts[0], f.vault, "WithdrawalGated", [w.id, openAt]);
      expectMinedOk(block.receipts[1], "Y's request");
      expect(
        (await takenBy(f, id)).map((t) => t.amount),
        "40% of the 150 allocated to Y",
      ).to.deep.equal([60n * WAD]);
      expect(g + GATE_CYCLE - d).to.equal(GATE_CYCLE - JOIN_WINDOW);
      await time.setNextBlockTimestamp(openAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      // Y has no veto window: its request executes at once; alice's 100 of the pool's 300 stETH bear 100/300 of the 60.
      await (await f.sm.executeSlash(id)).wait();
      const balance = await f.stETH.balanceOf(f.alice.address);
      await (await f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).wait();
      expect((await f.stETH.balanceOf(f.alice.address)) - balance, "alice bears her part of the 60").to.equal(
        80n * WAD,
      );
    });

    it("fixed (review F1), the hold's edges: an epoch started JOIN_WINDOW before alice's readyAt holds her until GATE_CYCLE + EXIT_MARGIN after its start (its join window closed as she became ready); one started a second later only EXIT_MARGIN after its start, which has passed (Y can still join it at her readyAt); one whose gate and margin lapsed before she was ready does not hold her", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const R = w.readyAt;
      const complete = async (at: bigint) => {
        await time.setNextBlockTimestamp(at);
        return f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n);
      };
      // gateAt = R - JOIN_WINDOW: held until gateAt + GATE_CYCLE + EXIT_MARGIN, out then with all of her 100 stETH
      await probe(async () => {
        const g = R - JOIN_WINDOW;
        await dustEpoch(f, f.zAvs, op, g, true);
        expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(g + GATE_CYCLE + EXIT_MARGIN);
        await expect(complete(R))
          .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
          .withArgs(w.id, g + GATE_CYCLE + EXIT_MARGIN);
        await expect(complete(g + GATE_CYCLE + EXIT_MARGIN - 1n)).to.be.revertedWithCustomError(
          f.vault,
          "WithdrawalGated",
        );
        await expect(complete(g + GATE_CYCLE + EXIT_MARGIN)).to.changeTokenBalance(
          f.stETH,
          f.alice,
          100n * WAD,
        );
      });
      // gateAt = R - JOIN_WINDOW + 1: Y could join the epoch at R, so alice is not held
      await probe(async () => {
        await dustEpoch(f, f.zAvs, op, R - JOIN_WINDOW + 1n, true);
        expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(R);
        await expect(complete(R)).to.changeTokenBalance(f.stETH, f.alice, 100n * WAD);
      });
      // gateAt + GATE_CYCLE + EXIT_MARGIN = R: the gate and its margin lapsed as she became ready
      await probe(async () => {
        await dustEpoch(f, f.zAvs, op, R - GATE_CYCLE - EXIT_MARGIN, true);
        expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(R);
        await expect(complete(R)).to.changeTokenBalance(f.stETH, f.alice, 100n * WAD);
      });
    });

    it("fixed (review F1), the hold's bound: a withdrawal ready more than GATE_CYCLE - JOIN_WINDOW after Y's decision: the same schedule with Y deciding GATE_CYCLE - JOIN_WINDOW + 1 s before alice is ready; Y is PoolGated until 1 s before she is ready, then takes 60 stETH (40% of its 150), starting a new epoch; alice's completion waits (PoolSlashPending) until Y's request executes, then EXIT_MARGIN after that epoch's start, and she bears her part: 80 of her 100 stETH", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const d = w.readyAt - (GATE_CYCLE - JOIN_WINDOW) - 1n;
      const g = d - JOIN_WINDOW;
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      await dustEpoch(f, f.zAvs, op, g, true);
      const c = await claimAt(f, { ...y, at: d });
      expect([c.error, c.errorArgs, c.views[0].allocatedStake, c.views[0].maxSlashable]).to.deep.equal([
        "PoolGated",
        [op, stETH, w.readyAt - 1n],
        150n * WAD,
        0n,
      ]);
      const r = await claimAt(f, { ...y, at: w.readyAt - 1n });
      expect([r.views[0].allocatedStake, r.views[0].maxSlashable, r.amounts]).to.deep.equal([
        150n * WAD,
        150n * WAD,
        [60n * WAD],
      ]);
      await time.setNextBlockTimestamp(w.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      // Y has no veto window: its request executes at once; alice's 100 of the pool's 300 stETH bear 100/300 of the 60.
      await (await f.sm.executeSlash(r.id)).wait();
      expect((await gateView(f, op, stETH)).gateAt, "Y's request started an epoch").to.equal(w.readyAt - 1n);
      await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(w.id, w.readyAt - 1n + EXIT_MARGIN);
      const balance = await f.stETH.balanceOf(f.alice.address);
      await time.setNextBlockTimestamp(w.readyAt - 1n + EXIT_MARGIN);
      await (await f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).wait();
      expect((await f.stETH.balanceOf(f.alice.address)) - balance, "alice bears her part of the 60").to.equal(
        80n * WAD,
      );
    });

    it("fixed (cooldown + gate under the minimum withdrawal delay, review F2): with the withdrawal delay at 4 days, the operator announces a decrease of X's allocation right after X's committee vetoed X's request, and starts a dust epoch whose join window closes the second X's cooldown ends: the decrease matures 6 days - 1 s + GATE_CYCLE after its announcement (not 4 days + GATE_CYCLE), so X, PoolGated at the first second the protocol lets it request, gets in at the next epoch (GATE_CYCLE - JOIN_WINDOW later) and takes its 30 stETH 1 day 7 hours before the decrease matures", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, X] = [f.operator1.address, f.stETHAddress, f.avs.address];
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const x = { slasher: f.slasher, avs: X, operator: op, wadFraction: WAD / 2n, assets: [stETH] };
      const first = await claimAt(f, { ...x, wadFraction: WAD / 10n, at: await nextAt() });
      expect(first.amounts).to.deep.equal([6n * WAD]);
      const v = first.at + HOUR;
      await time.setNextBlockTimestamp(v);
      await (await f.sm.connect(f.committee).vetoSlash(first.id)).wait();
      const a = v + 1n;
      await modifyAt(f, X, stETH, 0n, a);
      const { effectAt } = await allocationView(f, op, X, stETH);
      expect(
        effectAt,
        "max(4 days, MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE",
      ).to.equal(a + MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN + GATE_CYCLE);
      expect(effectAt - a).to.equal(deallocationDelayFor(MIN_WITHDRAWAL_DELAY));
      const cooldownEnd = first.at + X_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      expect(cooldownEnd - a, "X's first chance after the announcement").to.equal(5n * DAY - HOUR - 1n);
      const early = await probe(() => claimAt(f, { ...x, at: cooldownEnd - 1n }));
      expect([early.error, early.views[0].maxSlashable]).to.deep.equal(["SlashCooldown", 0n]);
      // Without the operator's epoch X takes 50% of its 20% at the end of its cooldown.
      const free = await probe(() => claimAt(f, { ...x, at: cooldownEnd }));
      expect(free.amounts).to.deep.equal([30n * WAD]);
      const g = cooldownEnd - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      let landed: Claim | null = null;
      let t = cooldownEnd;
      const refusals: string[] = [];
      while (landed === null && t <= g + GATE_CYCLE) {
        const c = await claimAt(f, { ...x, at: t });
        if (c.error === "") landed = c;
        else {
          refusals.push(`${c.error} at cooldown end + ${t - cooldownEnd} s`);
          t = c.error === "PoolGated" ? (c.errorArgs[2] as bigint) : g + GATE_CYCLE + 1n;
        }
      }
      expect(refusals, "X's requests refused").to.deep.equal(["PoolGated at cooldown end + 0 s"]);
      expect(landed?.at, "X gets in at the next epoch").to.equal(g + GATE_CYCLE);
      expect(landed?.amounts, "X reaches the decrease announced after its veto").to.deep.equal([30n * WAD]);
      expect(effectAt - (g + GATE_CYCLE), "before the decrease matures").to.equal(DAY + 7n * HOUR);
    });

    it("a decrease outlives its allocation: Y's 100% request (executed) on its 50% with a decrease to 10% pending leaves current 0 and a pending decrease of 0 until effectAt; the operator cannot re-allocate to Y for the whole withdrawal delay + GATE_CYCLE", async function () {
      const f = await loadFixture(onePoolFixture);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const A = await nextAt();
      await modifyAt(f, Y, stETH, WAD / 10n, A);
      const effectAt = A + DEALLOCATION_DELAY;
      const r = await claimAt(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
        at: A + DAY,
      });
      expect(r.taken).to.deep.equal([
        {
          asset: stETH,
          magnitude: WAD / 2n,
          deallocationCut: (2n * WAD) / 5n,
          amount: 150n * WAD,
          released: false,
        },
      ]);
      await (await f.sm.executeSlash(r.id)).wait();
      expect(await allocationView(f, op, Y, stETH)).to.include({ current: 0n, pendingDelta: 0n, effectAt });
      await expect(f.sm.connect(f.operator1).modifyAllocation(Y, stETH, WAD / 10n))
        .to.be.revertedWithCustomError(f.sm, "PendingAllocationChange")
        .withArgs(effectAt);
      await time.setNextBlockTimestamp(effectAt);
      await (await f.sm.connect(f.operator1).modifyAllocation(Y, stETH, WAD / 10n)).wait();
      expect(await allocationView(f, op, Y, stETH)).to.include({
        current: 0n,
        pendingDelta: WAD / 10n,
        pendingIncrease: true,
      });
    });
  });
});
