/**
 * Attack review of the exit gate (issue #9, review finding F1, commit e0eadd2), re-run on its fix (EXIT_MARGIN):
 *
 *   `RestakingVault.completeWithdrawal` refuses a withdrawal (`WithdrawalGated(id, openAt)`) before
 *   `openAt = max(readyAt, gateAt + hold + EXIT_MARGIN)`, gateAt being its pool's CURRENT epoch's start
 *   (`SlashingManager.magnitudes(operator, asset).gateAt`, no hold without one) and `hold` GATE_CYCLE for a withdrawal
 *   ready at or after the epoch's join window closed (`readyAt >= gateAt + JOIN_WINDOW`), 0 otherwise (ready before the
 *   current epoch's join window closed, or even before it started); EXIT_MARGIN is 1 hour. `withdrawableAmount(id)`
 *   reports openAt; EXIT_BUFFER is 7 days 7 hours (>= 2 * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN = 7 days 7 h - 2 s).
 *   As reviewed (e0eadd2) the rule was: held until gateAt + GATE_CYCLE + 1 for readyAt >= gateAt + JOIN_WINDOW, not at
 *   all otherwise.
 *
 * Claims attacked:
 *   A (safety)  an AVS that decides to slash at any time d <= a withdrawal's readyAt gets a request in before the
 *               withdrawal can complete (as tokens, as shares after a redelegation, after an operator's undelegation,
 *               through the LRT, with the withdrawal delay changed in flight);
 *   B (liveness) nobody holds an honest staker beyond readyAt + 2 * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN -
 *               REOPEN_WINDOW without REOPEN_WINDOW open after it; an increase announced when the staker queued is not
 *               slashable before;
 *   C           `withdrawableAmount(id).readyAt` is the first second `completeWithdrawal` succeeds (no request pending);
 *   D (DoS)     the new external call cannot make completions revert for other reasons.
 *
 * World (`onePool`, as DeallocationGate.test.ts): operator1's pools stETH 300 (alice 100, bob 200) and rETH 100 (alice),
 * the default 7-day delay. In force: Y (`avs2`, no committee, max 100%, the legitimate AVS) 50% of stETH, X 20%,
 * operator1's own AVSs Z 10% of stETH, Z2 10% of rETH, Z3 5% of stETH (its own committee, the longest window) and
 * Z4 5% of stETH (no committee). Y's fraction is always 40%: 60 stETH with alice in the pool, 40 without her.
 *
 * Results (T = gateAt + GATE_CYCLE, the end of the holding epoch's gate):
 *   - F1 (the next epoch's start erased the hold), FIXED: an epoch the operator starts (and cancels) at T now holds a
 *     withdrawal that was ready before its join window closed until its start + EXIT_MARGIN, so alice stays held until
 *     T + EXIT_MARGIN and Y gets in at any second of that margin and takes 60 ("fixed (exit gate F1)").
 *   - F2 (a one-second margin never exists on a 12-second-slot chain), FIXED: the margin is EXIT_MARGIN = 1 hour,
 *     300 slots, all of them Y's before alice's first ("fixed (exit gate F2)").
 *   - one LIMIT, smaller: the AVS must cancel expired requests itself to use its margin, now EXIT_MARGIN long.
 *   - everything else held, with the hold EXIT_MARGIN long instead of 1 s; the worst schedule of claim B (the next
 *     epoch started at openAt, ahead of the completion) holds alice 1 s less than the bound.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  DAY,
  EVIDENCE,
  EXECUTION_WINDOW,
  EXIT_BUFFER,
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
  allocationView,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  gateView,
  inOneBlock,
  poolView,
  probe,
  queueWithdrawal,
  takenBy,
  type Send,
} from "./attackHelpersA";
import { claimAt, dustEpoch, gateWorld, type GateWorld } from "./attackHelpersC";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { lrtFixture } from "../helpers/lrtFixtures";
import { queuedIds } from "../helpers/lrtActions";
import { MockSlashingCaller__factory } from "../../typechain-types";
import { withdrawalId } from "../../sdk/views";

/** Y's fraction in every attack: 40%. */
const F40 = (2n * WAD) / 5n;
/** A 12-second slot (Ethereum's block time). */
const SLOT = 12n;

function onePool(): Promise<GateWorld> {
  return gateWorld("EG", false);
}

function twoPools(): Promise<GateWorld> {
  return gateWorld("EG", true);
}

/** A 1-wei-fraction request of an own AVS (its own slasher) on operator1, for an inOneBlock batch. */
function dust(f: GateWorld, z: HardhatEthersSigner): Send {
  return (o) => f.sm.connect(z).requestSlash(z.address, f.operator1.address, 1n, EVIDENCE, o);
}

/** Y's 40% request, for an inOneBlock batch. */
function yRequest(f: GateWorld): Send {
  return (o) => f.sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F40, EVIDENCE, o);
}

/** What a completion as tokens paid: the balance change of `who` in stETH over `step`. */
async function paid(f: GateWorld, who: string, step: () => Promise<unknown>): Promise<bigint> {
  const before = await f.stETH.balanceOf(who);
  await step();
  return (await f.stETH.balanceOf(who)) - before;
}

/**
 * alice's withdrawal of her 100 stETH, held by an epoch Z started (and cancelled) JOIN_WINDOW + 1 h before readyAt:
 * the gate lapses at T = g + GATE_CYCLE, she is free at O = T + EXIT_MARGIN.
 */
async function heldAlice(f: GateWorld): Promise<{ id: bigint; R: bigint; g: bigint; T: bigint; O: bigint }> {
  const w = await queueWithdrawal(f, f.alice, f.stETHAddress);
  const g = w.readyAt - HOUR - JOIN_WINDOW;
  await dustEpoch(f, f.zAvs, f.operator1.address, g, true);
  const T = g + GATE_CYCLE;
  return { id: w.id, R: w.readyAt, g, T, O: T + EXIT_MARGIN };
}

describe("Attack review: the exit gate (issue #9, review F1, commit e0eadd2; its F1 and F2 fixed by EXIT_MARGIN)", function () {
  describe("claim A: an AVS deciding up to readyAt gets its request in before the withdrawal completes", function () {
    it("fixed (exit gate F1): the next epoch's start no longer erases the hold: alice is ready 1 h after the operator's dust epoch closed its join window and Y decides then (PoolGated until T = gateAt + GATE_CYCLE, alice WithdrawalGated until O = T + EXIT_MARGIN, as the view says); the same block at T (Z4 requests 1 wei, starting a new epoch at T, cancels it, alice completes, Y requests) now leaves alice WithdrawalGated until O (the new epoch's start + EXIT_MARGIN) and Y's request in: 60 stETH; once it executed alice leaves at O with 80 and bob's pool keeps 160; after the roll Y still gets in at O - 1 behind her completion, and without Y she is out at O with 100", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      const { id, R, T, O } = await heldAlice(f);
      const d = R - HOUR;
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      const atD = await claimAt(f, { ...y, at: d });
      expect([atD.error, atD.errorArgs]).to.deep.equal(["PoolGated", [op, stETH, T]]);
      expect((await f.vault.withdrawableAmount(id))[1], "the view before T").to.equal(O);
      await time.setNextBlockTimestamp(R);
      await expect(f.vault.connect(f.alice).completeWithdrawal(id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(id, O);
      /** Z4's 1-wei request (a new epoch when the pool is open) and its cancel, for an inOneBlock batch. */
      const roll = (zId: bigint): Send[] => [dust(f, f.z4), (o) => f.sm.connect(f.z4).cancelSlash(zId, o)];

      // The roll at T, alone: a new epoch (gateAt = T, nothing pending), and the view stays at O = T + EXIT_MARGIN.
      await probe(async () => {
        const zId = (await f.sm.slashRequestCount()) + 1n;
        await inOneBlock(roll(zId), T);
        expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: 0n, gateAt: T });
        expect((await f.vault.withdrawableAmount(id))[1], "the view after the roll").to.equal(O);
        // Y's last second: its request joins the operator's epoch (within JOIN_WINDOW) even behind her completion.
        const b = await inOneBlock(
          [(o) => f.vault.connect(f.alice).completeWithdrawal(id, true, 0n, o), yRequest(f)],
          O - 1n,
        );
        await expectMinedRevert(b.receipts[0], f.vault, "WithdrawalGated", [id, O]);
        expectMinedOk(b.receipts[1], "Y's request at O - 1");
        expect((await takenBy(f, zId + 1n)).map((t) => t.amount)).to.deep.equal([60n * WAD]);
        expect((await gateView(f, op, stETH)).gateAt, "Y joined the epoch of T").to.equal(T);
      });
      // Without Y, the roll at T leaves her free at O, a second later.
      await probe(async () => {
        const zId = (await f.sm.slashRequestCount()) + 1n;
        await inOneBlock(roll(zId), T);
        await time.setNextBlockTimestamp(O);
        await expect(f.vault.connect(f.alice).completeWithdrawal(id, true, 0n)).to.changeTokenBalance(
          f.stETH,
          f.alice,
          100n * WAD,
        );
      });

      // The attack of F1: Z4's dust request (starts the epoch at T), its cancel, alice's completion, then Y's request.
      const zId = (await f.sm.slashRequestCount()) + 1n;
      const block = await inOneBlock(
        [...roll(zId), (o) => f.vault.connect(f.alice).completeWithdrawal(id, true, 0n, o), yRequest(f)],
        T,
      );
      expectMinedOk(block.receipts[0], "Z4's request at T");
      expectMinedOk(block.receipts[1], "Z4's cancel at T");
      await expectMinedRevert(block.receipts[2], f.vault, "WithdrawalGated", [id, O]);
      expectMinedOk(block.receipts[3], "Y's request at T");
      expect(
        (await takenBy(f, zId + 1n)).map((t) => t.amount),
        "Y's 40% of the 300",
      ).to.deep.equal([60n * WAD]);
      expect(await gateView(f, op, stETH)).to.deep.equal({ reserved: WAD / 5n, gateAt: T });
      expect((await poolView(f, op, stETH)).totalAssets).to.equal(300n * WAD);
      await (await f.sm.executeSlash(zId + 1n)).wait();
      expect((await poolView(f, op, stETH)).totalAssets).to.equal(240n * WAD);
      await time.setNextBlockTimestamp(O - 1n);
      await expect(f.vault.connect(f.alice).completeWithdrawal(id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(id, O);
      await time.setNextBlockTimestamp(O);
      expect(
        await paid(f, f.alice.address, async () =>
          (await f.vault.connect(f.alice).completeWithdrawal(id, true, 0n)).wait(),
        ),
        "alice bears 20 of Y's 60",
      ).to.equal(80n * WAD);
      expect((await poolView(f, op, stETH)).totalAssets, "bob's 200 less his 40").to.equal(160n * WAD);
    });

    it("fixed (exit gate F2): on a chain with 12-second slots the margin is EXIT_MARGIN / 12 s = 300 slots: with alice queued and the operator's epoch started at slot times, GATE_CYCLE = 3 days 18 h - 1 s puts T = gateAt + GATE_CYCLE and alice's openAt O = T + EXIT_MARGIN 1 s before a slot, so Y's first block (T - 11 s is PoolGated) is the slot at T + 1 and alice's the slot at O + 1; in the slot at T + 1 alice's completion ordered first is WithdrawalGated(id, O) and Y's request takes 60 stETH; it would at Y's last slot O - 11 s too; once it executed alice leaves in the slot at O + 1 with 80 (without Y she would have taken 100 there)", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH, Y] = [f.operator1.address, f.stETHAddress, f.avs2.address];
      expect(GATE_CYCLE % SLOT, "GATE_CYCLE mod 12 s").to.equal(SLOT - 1n);
      expect(EXIT_MARGIN % SLOT, "EXIT_MARGIN mod 12 s").to.equal(0n);
      expect(EXIT_MARGIN / SLOT, "Y's slots in the margin").to.equal(300n);
      const now = BigInt(await time.latest());
      const Q = now + SLOT - (now % SLOT) + SLOT;
      await time.setNextBlockTimestamp(Q);
      const w = await queueWithdrawal(f, f.alice, stETH);
      expect(w.readyAt % SLOT).to.equal(0n);
      const g = w.readyAt - HOUR - JOIN_WINDOW;
      expect(g % SLOT, "the epoch starts in a slot").to.equal(0n);
      await dustEpoch(f, f.zAvs, op, g, true);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect(T % SLOT, "no slot at T").to.equal(SLOT - 1n);
      expect(O % SLOT, "no slot at O").to.equal(SLOT - 1n);
      const y = { slasher: f.slasher2, avs: Y, operator: op, wadFraction: F40, assets: [stETH] };
      const lastGated = await claimAt(f, { ...y, at: T - (SLOT - 1n) });
      expect([lastGated.error, lastGated.errorArgs]).to.deep.equal(["PoolGated", [op, stETH, T]]);
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(O);
      const race = (at: bigint) =>
        inOneBlock([(o) => f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n, o), yRequest(f)], at);

      // Y's last slot before alice's first: her completion ordered first is still held, Y's request gets in.
      await probe(async () => {
        const b = await race(O - (SLOT - 1n));
        expect(b.timestamp % SLOT, "Y's last slot").to.equal(0n);
        await expectMinedRevert(b.receipts[0], f.vault, "WithdrawalGated", [w.id, O]);
        expectMinedOk(b.receipts[1], "Y's request at O - 11 s");
        expect((await takenBy(f, await f.sm.slashRequestCount())).map((t) => t.amount)).to.deep.equal([
          60n * WAD,
        ]);
      });
      // Without Y, alice's first slot is O + 1.
      await probe(async () => {
        await time.setNextBlockTimestamp(O + 1n);
        await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).to.changeTokenBalance(
          f.stETH,
          f.alice,
          100n * WAD,
        );
      });

      // The attack of F2: alice's completion and Y's request in Y's first slot, alice first.
      const block = await race(T + 1n);
      expect(block.timestamp % SLOT, "the next slot").to.equal(0n);
      await expectMinedRevert(block.receipts[0], f.vault, "WithdrawalGated", [w.id, O]);
      expectMinedOk(block.receipts[1], "Y's request at T + 1");
      const yId = await f.sm.slashRequestCount();
      expect((await takenBy(f, yId)).map((t) => t.amount)).to.deep.equal([60n * WAD]);
      await time.setNextBlockTimestamp(T + 1n + SLOT);
      await (await f.sm.executeSlash(yId)).wait();
      await time.setNextBlockTimestamp(O + 1n);
      expect(
        await paid(f, f.alice.address, async () =>
          (await f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).wait(),
        ),
        "alice bears 20 of Y's 60",
      ).to.equal(80n * WAD);
    });

    it("as shares after a redelegation: alice redelegates to operator2 (both her withdrawals queued), the operator's epoch holds her stETH one exactly as a withdrawal as tokens (WithdrawalGated(id, T + EXIT_MARGIN) at readyAt and at T); Y gets in at T and takes 60; at T + EXIT_MARGIN her completion as shares waits for Y's execution (PoolSlashPending), then mints 80 stETH worth of operator2's pool", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const ids = await f.registry
        .connect(f.alice)
        .redelegate.staticCall(f.operator2.address, NO_SIGNATURE, ZERO_SALT);
      await (
        await f.registry.connect(f.alice).redelegate(f.operator2.address, NO_SIGNATURE, ZERO_SALT)
      ).wait();
      const [, w, asset] = await f.vault.withdrawal(ids[0]);
      expect([asset, w.operator]).to.deep.equal([stETH, op]);
      const g = w.readyAt - HOUR - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      const asShares = async (at: bigint) => {
        await time.setNextBlockTimestamp(at);
        return f.vault.connect(f.alice).completeWithdrawal(ids[0], false, 0n);
      };
      await expect(asShares(w.readyAt))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(ids[0], O);
      // At T: her completion as shares first in the block is still held; Y's request after it gets in.
      const b = await inOneBlock(
        [(o) => f.vault.connect(f.alice).completeWithdrawal(ids[0], false, 0n, o), yRequest(f)],
        T,
      );
      await expectMinedRevert(b.receipts[0], f.vault, "WithdrawalGated", [ids[0], O]);
      expectMinedOk(b.receipts[1], "Y's request");
      const y = { id: await f.sm.slashRequestCount(), amounts: [] as bigint[] };
      y.amounts = (await takenBy(f, y.id)).map((t) => t.amount);
      expect(y.amounts).to.deep.equal([60n * WAD]);
      await expect(asShares(O))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      await (await f.sm.executeSlash(y.id)).wait();
      await expect(f.vault.connect(f.alice).completeWithdrawal(ids[0], false, 0n))
        .to.emit(f.vault, "WithdrawalCompleted")
        .withArgs(
          ids[0],
          f.alice.address,
          f.alice.address,
          op,
          stETH,
          w.shares,
          80n * WAD,
          false,
          f.operator2.address,
          80n * WAD * 10n ** 6n,
        );
    });

    it("after the operator undelegates alice: her stETH withdrawal (queued by registry.undelegate) is held like one she queued (WithdrawalGated(id, T + EXIT_MARGIN) at readyAt); Y's request at T lands even behind her completion in the block and takes 60; she bears 20 of it (80 stETH at T + EXIT_MARGIN, WithdrawalGated a second before)", async function () {
      const f = await loadFixture(onePool);
      const op = f.operator1.address;
      const ids = await f.registry.connect(f.operator1).undelegate.staticCall(f.alice.address);
      await (await f.registry.connect(f.operator1).undelegate(f.alice.address)).wait();
      const [, w] = await f.vault.withdrawal(ids[0]);
      const g = w.readyAt - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      await time.setNextBlockTimestamp(w.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(ids[0], true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(ids[0], O);
      const b = await inOneBlock(
        [(o) => f.vault.connect(f.alice).completeWithdrawal(ids[0], true, 0n, o), yRequest(f)],
        T,
      );
      await expectMinedRevert(b.receipts[0], f.vault, "WithdrawalGated", [ids[0], O]);
      expectMinedOk(b.receipts[1], "Y's request");
      const yId = await f.sm.slashRequestCount();
      expect((await takenBy(f, yId)).map((t) => t.amount)).to.deep.equal([60n * WAD]);
      await (await f.sm.executeSlash(yId)).wait();
      await time.setNextBlockTimestamp(O - 1n);
      await expect(f.vault.connect(f.alice).completeWithdrawal(ids[0], true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(ids[0], O);
      await time.setNextBlockTimestamp(O);
      expect(
        await paid(f, f.alice.address, async () =>
          (await f.vault.connect(f.alice).completeWithdrawal(ids[0], true, 0n)).wait(),
        ),
      ).to.equal(80n * WAD);
    });

    it("with the withdrawal delay changed in flight: alice queued under 7 days, the admin sets 4 days and bob queues a second later (ready 3 days - 1 s before her); an epoch whose join window closes as bob is ready holds both (WithdrawalGated with the same T + EXIT_MARGIN; alice's readyAt unchanged) until Y has requested at T (60 stETH)", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const a = await queueWithdrawal(f, f.alice, stETH);
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const b = await queueWithdrawal(f, f.bob, stETH, 100n * 10n ** 24n);
      expect(a.readyAt - b.readyAt).to.equal(WITHDRAWAL_DELAY - MIN_WITHDRAWAL_DELAY - 2n);
      expect((await f.vault.withdrawal(a.id))[1].readyAt, "alice's readyAt fixed").to.equal(a.readyAt);
      const g = b.readyAt - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect(a.readyAt < T, "alice ready inside the gated stretch").to.equal(true);
      expect((await f.vault.withdrawableAmount(a.id))[1]).to.equal(O);
      expect((await f.vault.withdrawableAmount(b.id))[1]).to.equal(O);
      await time.setNextBlockTimestamp(a.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(a.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(a.id, O);
      await expect(f.vault.connect(f.bob).completeWithdrawal(b.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(b.id, O);
      const y = await claimAt(f, {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: op,
        wadFraction: F40,
        assets: [stETH],
        at: T,
      });
      expect(y.amounts).to.deep.equal([60n * WAD]);
    });

    it("LIMIT (claim A needs the AVS to cancel, now within EXIT_MARGIN): the operator leaves two requests of its own to expire in the epoch (Z at its start, Z3 with the longest window at the join window's last second); from T to T + EXIT_MARGIN - 1 Y's request alone is PoolGated naming T itself, and at O = T + EXIT_MARGIN alice cancels both and completes in one block ahead of Y: 100 stETH, Y 40; Y cancelling both itself at its last second O - 1 takes 60 and holds her (PoolSlashPending at O)", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const g = w.readyAt - JOIN_WINDOW;
      const zId = await dustEpoch(f, f.zAvs, op, g, false);
      await time.setNextBlockTimestamp(g + JOIN_WINDOW - 1n);
      await (await f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE)).wait();
      const z3Id = zId + 1n;
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(O);
      const y = { slasher: f.slasher2, avs: f.avs2.address, operator: op, wadFraction: F40, assets: [stETH] };
      await probe(async () => {
        const b = await inOneBlock(
          [
            (o) => f.sm.connect(f.slasher2).cancelSlash(zId, o),
            (o) => f.sm.connect(f.slasher2).cancelSlash(z3Id, o),
            yRequest(f),
          ],
          O - 1n,
        );
        b.receipts.forEach((r, i) => expectMinedOk(r, `Y's transaction ${i}`));
        expect((await takenBy(f, z3Id + 1n)).map((t) => t.amount)).to.deep.equal([60n * WAD]);
        await time.setNextBlockTimestamp(O);
        await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n))
          .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
          .withArgs(op, stETH, 1n);
      });
      for (const at of [T, O - 1n]) {
        const alone = await claimAt(f, { ...y, at });
        expect([alone.error, alone.errorArgs], `Y alone at ${at - T} s after T`).to.deep.equal([
          "PoolGated",
          [op, stETH, T],
        ]);
      }
      const before = await f.stETH.balanceOf(f.alice.address);
      const b = await inOneBlock(
        [
          (o) => f.sm.connect(f.alice).cancelSlash(zId, o),
          (o) => f.sm.connect(f.alice).cancelSlash(z3Id, o),
          (o) => f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n, o),
          yRequest(f),
        ],
        O,
      );
      b.receipts.forEach((r, i) => expectMinedOk(r, `transaction ${i}`));
      expect((await f.stETH.balanceOf(f.alice.address)) - before).to.equal(100n * WAD);
      expect((await takenBy(f, z3Id + 1n)).map((t) => t.amount)).to.deep.equal([40n * WAD]);
    });

    it("two pools: the operator's epoch on stETH holds alice's stETH withdrawal but not her rETH one (its pool has no epoch): Y's request at readyAt takes 20 rETH (40% of its 50) and skips stETH (PoolGated); its rETH epoch, started at readyAt, holds her rETH withdrawal EXIT_MARGIN (WithdrawalGated(id, readyAt + EXIT_MARGIN) once it executed), then she takes 80 rETH, while her stETH waits until T + EXIT_MARGIN, after Y's next request at T has taken 60 stETH", async function () {
      const f = await loadFixture(twoPools);
      const [op, stETH, rETH] = [f.operator1.address, f.stETHAddress, f.rETHAddress];
      const ids = await f.vault
        .connect(f.alice)
        .queueWithdrawals.staticCall([stETH, rETH], [10n ** 26n, 10n ** 26n]);
      await (await f.vault.connect(f.alice).queueWithdrawals([stETH, rETH], [10n ** 26n, 10n ** 26n])).wait();
      const R = (await f.vault.withdrawal(ids[0]))[1].readyAt;
      const g = R - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect((await f.vault.withdrawableAmount(ids[0]))[1]).to.equal(O);
      expect((await f.vault.withdrawableAmount(ids[1]))[1]).to.equal(R);
      const y = {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: op,
        wadFraction: F40,
        assets: [stETH, rETH],
      };
      const first = await claimAt(f, { ...y, at: R });
      expect(first.amounts, "stETH skipped (gated); rETH: magnitude 0.2 of 100").to.deep.equal([
        0n,
        20n * WAD,
      ]);
      expect((await gateView(f, op, rETH)).gateAt, "Y's request started rETH's epoch").to.equal(R);
      expect((await f.vault.withdrawableAmount(ids[1]))[1]).to.equal(R + EXIT_MARGIN);
      await (await f.sm.executeSlash(first.id)).wait();
      await expect(f.vault.connect(f.alice).completeWithdrawal(ids[1], true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(ids[1], R + EXIT_MARGIN);
      const rBefore = await f.rETH.balanceOf(f.alice.address);
      await time.setNextBlockTimestamp(R + EXIT_MARGIN);
      await (await f.vault.connect(f.alice).completeWithdrawal(ids[1], true, 0n)).wait();
      expect((await f.rETH.balanceOf(f.alice.address)) - rBefore, "alice bore Y's rETH slash").to.equal(
        80n * WAD,
      );
      await expect(f.vault.connect(f.alice).completeWithdrawal(ids[0], true, 0n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(ids[0], O);
      const second = await claimAt(f, { ...y, at: T });
      expect(second.amounts).to.deep.equal([60n * WAD, 0n]);
    });

    it("through the LRT: a node's vault withdrawal (LRTManager.rebalance) ready after the operator's epoch closed its join window makes LRTManager.completeWithdrawals revert WithdrawalGated(id, T + EXIT_MARGIN) (bubbled from the vault) at readyAt, at T and at T + EXIT_MARGIN - 1; at T + EXIT_MARGIN it completes and the 10 stETH come back idle", async function () {
      const f = await loadFixture(lrtFixture);
      const stETH = f.stETHAddress;
      const signers = await ethers.getSigners();
      const z = signers[18];
      await (
        await f.slashingManager.connect(z).registerAVS("ipfs://eg-z", {
          slasher: z.address,
          vetoCommittee: ethers.ZeroAddress,
          vetoWindow: 0n,
          maxSlashWad: WAD,
          recipient: ethers.ZeroAddress,
          registrar: ethers.ZeroAddress,
          assets: [stETH],
        })
      ).wait();
      await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
      let n = -1;
      for (let i = 0; i < 4 && n < 0; i++) if ((await f.manager.position(i, stETH)).active > 0n) n = i;
      const node = await f.manager.node(n);
      const operator = f.operators.find((o) => o.address === node.operator);
      if (operator === undefined) throw new Error("no operator");
      await (await f.slashingManager.connect(operator).registerOperatorToAVS(z.address, "0x")).wait();
      await (await f.slashingManager.connect(operator).modifyAllocation(z.address, stETH, WAD / 10n)).wait();
      await time.increase(await f.slashingManager.allocationDelay());
      const active = (await f.manager.position(n, stETH)).active;
      const ids = await queuedIds(f, f.manager.rebalance(n, stETH, active));
      const [, w] = await f.vault.withdrawal(ids[0]);
      const g = w.readyAt - JOIN_WINDOW;
      const zId = (await f.slashingManager.slashRequestCount()) + 1n;
      await time.setNextBlockTimestamp(g);
      await (
        await f.slashingManager.connect(z).requestSlash(z.address, operator.address, 1n, EVIDENCE)
      ).wait();
      await (await f.slashingManager.connect(z).cancelSlash(zId)).wait();
      expect((await f.slashingManager.magnitudes(operator.address, stETH))[0].gateAt).to.equal(g);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      for (const at of [w.readyAt, T, O - 1n]) {
        await time.setNextBlockTimestamp(at);
        await expect(f.manager.completeWithdrawals(ids))
          .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
          .withArgs(ids[0], O);
      }
      const idle = (await f.manager.assetBook(stETH)).idle;
      await time.setNextBlockTimestamp(O);
      await (await f.manager.completeWithdrawals(ids)).wait();
      expect((await f.manager.assetBook(stETH)).idle - idle).to.equal(10n * WAD);
    });
  });

  describe("claim B: the longest hold, and the increase announced at queue", function () {
    it("the worst schedule stays within the bound: alice queues as the operator announces Z4's increase (effectAt = readyAt + EXIT_BUFFER); Z's epoch closes its join window as she is ready, holding her until O = T + EXIT_MARGIN; at O Z4 starts the next epoch ahead of her completion (PoolSlashPending; the latest it can, since she is free at O), Z3 joins at its join window's last second with the longest window; one second before Z3's expiry she still cannot cancel (NotCancellable) nor leave; at the expiry she cancels and leaves with 100 stETH, readyAt + 2 * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN - REOPEN_WINDOW - 1 s (6 days 19 h - 3 s, 1 s inside the bound) after readyAt and 12 h + 3 s before the increase applies; no epoch can close the pool before REOPEN_WINDOW + 1 s later", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH, X] = [f.operator1.address, f.stETHAddress, f.avs.address];
      const Q = BigInt(await time.latest()) + 10n;
      const q = await inOneBlock(
        [
          (o) => f.vault.connect(f.alice).queueWithdrawal(stETH, 10n ** 26n, o),
          (o) => f.sm.connect(f.operator1).modifyAllocation(f.z4.address, stETH, WAD / 10n, o),
        ],
        Q,
      );
      q.receipts.forEach((r, i) => expectMinedOk(r, `queue transaction ${i}`));
      const id = withdrawalId(f.alice.address, 0n);
      const R = (await f.vault.withdrawal(id))[1].readyAt;
      expect(R).to.equal(Q + WITHDRAWAL_DELAY);
      const { effectAt } = await allocationView(f, op, f.z4.address, stETH);
      expect(effectAt).to.equal(R + EXIT_BUFFER);

      const g1 = R - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g1, true);
      const T = g1 + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect((await f.vault.withdrawableAmount(id))[1], "alice's openAt").to.equal(O);
      const z4Id = (await f.sm.slashRequestCount()) + 1n;
      const front = await inOneBlock(
        [dust(f, f.z4), (o) => f.vault.connect(f.alice).completeWithdrawal(id, true, 0n, o)],
        O,
      );
      expectMinedOk(front.receipts[0], "Z4's request");
      await expectMinedRevert(front.receipts[1], f.vault, "PoolSlashPending", [op, stETH, 1n]);
      const g2 = O;
      expect((await gateView(f, op, stETH)).gateAt).to.equal(g2);
      expect((await f.vault.withdrawableAmount(id))[1], "the new epoch's start + EXIT_MARGIN").to.equal(
        g2 + EXIT_MARGIN,
      );
      await time.setNextBlockTimestamp(g2 + JOIN_WINDOW - 1n);
      await (await f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE)).wait();
      const z3Id = z4Id + 1n;
      const E = g2 + JOIN_WINDOW - 1n + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      expect(E).to.equal(g2 + GATE_CYCLE - REOPEN_WINDOW - 1n);

      const early = await inOneBlock(
        [
          (o) => f.sm.connect(f.alice).cancelSlash(z4Id, o),
          (o) => f.sm.connect(f.alice).cancelSlash(z3Id, o),
          (o) => f.vault.connect(f.alice).completeWithdrawal(id, true, 0n, o),
        ],
        E - 1n,
      );
      expectMinedOk(early.receipts[0], "Z4's expired request cancelled");
      await expectMinedRevert(early.receipts[1], f.sm, "NotCancellable", [z3Id, f.alice.address]);
      await expectMinedRevert(early.receipts[2], f.vault, "PoolSlashPending", [op, stETH, 1n]);
      const before = await f.stETH.balanceOf(f.alice.address);
      const out = await inOneBlock(
        [
          (o) => f.sm.connect(f.alice).cancelSlash(z3Id, o),
          (o) => f.vault.connect(f.alice).completeWithdrawal(id, true, 0n, o),
        ],
        E,
      );
      out.receipts.forEach((r, i) => expectMinedOk(r, `alice's transaction ${i}`));
      expect((await f.stETH.balanceOf(f.alice.address)) - before).to.equal(100n * WAD);
      expect(E - R, "the hold").to.equal(2n * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN - REOPEN_WINDOW - 1n);
      expect(E - R).to.equal(6n * DAY + 19n * HOUR - 3n);
      expect(effectAt - E, "margin before the increase").to.equal(REOPEN_WINDOW + 3n);
      // The pool stays open until g2 + GATE_CYCLE: X's request a second before is PoolGated.
      await time.setNextBlockTimestamp(g2 + GATE_CYCLE - 1n);
      await expect(f.sm.connect(f.slasher).requestSlash(X, op, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "PoolGated")
        .withArgs(op, stETH, g2 + GATE_CYCLE);
      expect(g2 + GATE_CYCLE - E).to.equal(REOPEN_WINDOW + 1n);
      expect(g2 + GATE_CYCLE - R, "the next epoch's end, within EXIT_BUFFER").to.equal(
        2n * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN,
      );
      expect(EXIT_BUFFER - (g2 + GATE_CYCLE - R)).to.equal(2n);
    });

    it("a veto and the cooldown do not extend it: Z3's own committee vetoes its request at once and Z3 cannot request again (SlashCooldown) within the hold, at T nor at T + EXIT_MARGIN - 1 (where alice is still WithdrawalGated until T + EXIT_MARGIN); alice leaves at T + EXIT_MARGIN with 100 stETH", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const g = w.readyAt - JOIN_WINDOW;
      await time.setNextBlockTimestamp(g);
      await (await f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE)).wait();
      const z3Id = await f.sm.slashRequestCount();
      await (await f.sm.connect(f.z3).vetoSlash(z3Id)).wait();
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      const next = g + MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      expect(next > O, "the cooldown outlasts the hold").to.equal(true);
      await time.setNextBlockTimestamp(T);
      await expect(f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "SlashCooldown")
        .withArgs(f.z3.address, op, stETH, next);
      const last = await inOneBlock(
        [
          (o) => f.sm.connect(f.z3).requestSlash(f.z3.address, op, 1n, EVIDENCE, o),
          (o) => f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n, o),
        ],
        O - 1n,
      );
      await expectMinedRevert(last.receipts[0], f.sm, "SlashCooldown", [f.z3.address, op, stETH, next]);
      await expectMinedRevert(last.receipts[1], f.vault, "WithdrawalGated", [w.id, O]);
      await time.setNextBlockTimestamp(O);
      expect(
        await paid(f, f.alice.address, async () =>
          (await f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).wait(),
        ),
      ).to.equal(100n * WAD);
    });
  });

  describe("claim C: withdrawableAmount's readyAt", function () {
    it("is the first second of completion for the state it reads, at every edge (gateAt = readyAt - JOIN_WINDOW: openAt = T + EXIT_MARGIN, openAt - 1 fails; gateAt one second later: readyAt, readyAt - 1 fails), and it is no commitment: a dust epoch started and cancelled at once (nothing pending) moves it from readyAt to T + EXIT_MARGIN, and the next epoch started at that second, ahead of her completion, moves it EXIT_MARGIN further (never back to readyAt, as F1's roll did)", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      const w = await queueWithdrawal(f, f.alice, stETH);
      const R = w.readyAt;
      const complete = async (at: bigint) => {
        await time.setNextBlockTimestamp(at);
        return f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n);
      };
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(R);
      await probe(async () => {
        await dustEpoch(f, f.zAvs, op, R - JOIN_WINDOW + 1n, true);
        expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(R);
        await expect(complete(R - 1n)).to.be.revertedWithCustomError(f.vault, "WithdrawalNotReady");
        await expect(complete(R)).to.changeTokenBalance(f.stETH, f.alice, 100n * WAD);
      });
      const g = R - JOIN_WINDOW;
      await dustEpoch(f, f.zAvs, op, g, true);
      expect((await poolView(f, op, stETH)).pendingRequests).to.equal(0n);
      const T = g + GATE_CYCLE;
      const O = T + EXIT_MARGIN;
      expect(O - R, "moved by GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN").to.equal(3n * DAY + 13n * HOUR - 1n);
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(O);
      await expect(complete(O - 1n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(w.id, O);
      await probe(async () => {
        await expect(complete(O)).to.changeTokenBalance(f.stETH, f.alice, 100n * WAD);
      });
      // An epoch started at O ahead of her completion (and cancelled) holds her EXIT_MARGIN after its start.
      const zId = (await f.sm.slashRequestCount()) + 1n;
      const roll = await inOneBlock(
        [
          dust(f, f.z4),
          (o) => f.sm.connect(f.z4).cancelSlash(zId, o),
          (o) => f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n, o),
        ],
        O,
      );
      expectMinedOk(roll.receipts[0], "Z4's request at O");
      expectMinedOk(roll.receipts[1], "Z4's cancel at O");
      await expectMinedRevert(roll.receipts[2], f.vault, "WithdrawalGated", [w.id, O + EXIT_MARGIN]);
      expect((await f.vault.withdrawableAmount(w.id))[1]).to.equal(O + EXIT_MARGIN);
      await expect(complete(O + EXIT_MARGIN - 1n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(w.id, O + EXIT_MARGIN);
      await expect(complete(O + EXIT_MARGIN)).to.changeTokenBalance(f.stETH, f.alice, 100n * WAD);
    });
  });

  describe("D: the new external call", function () {
    it("an asset the SlashingManager never cached (cbETH, read through the vault) and a fully paused SlashingManager leave completions alone: alice's 10 cbETH withdrawal completes at readyAt", async function () {
      const f = await loadFixture(onePool);
      const [op, cbETH] = [f.operator1.address, f.cbETHAddress];
      await deposit(f, f.alice, cbETH, 10n * WAD);
      const w = await queueWithdrawal(f, f.alice, cbETH);
      const [m] = await f.sm.magnitudes(op, cbETH);
      expect(m.gateAt).to.equal(0n);
      await (await f.sm.connect(f.admin).pause(7n)).wait();
      await time.setNextBlockTimestamp(w.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(w.id, true, 0n)).to.changeTokenBalance(
        f.cbETH,
        f.alice,
        10n * WAD,
      );
    });

    it("only the admin can break it: setSlashingManager to a manager with no epoch (a MockSlashingCaller) releases a withdrawal held until T + EXIT_MARGIN at readyAt (Y's request in the old manager then reverts OnlySlashingManager, so nothing was slashable anyway); to a contract without magnitudes() (the registry) every delegated completion reverts without reason (alice's at T + EXIT_MARGIN) while an undelegated one (carol's 5 stETH) completes", async function () {
      const f = await loadFixture(onePool);
      const [op, stETH] = [f.operator1.address, f.stETHAddress];
      await deposit(f, f.carol, stETH, 5n * WAD);
      const c = await queueWithdrawal(f, f.carol, stETH);
      const { id, R, T, O } = await heldAlice(f);
      expect((await f.vault.withdrawableAmount(id))[1]).to.equal(O);
      const mock = await new MockSlashingCaller__factory(f.admin).deploy(f.vaultAddress);
      await probe(async () => {
        await (await f.vault.connect(f.admin).setSlashingManager(await mock.getAddress())).wait();
        await time.setNextBlockTimestamp(R);
        await expect(f.vault.connect(f.alice).completeWithdrawal(id, true, 0n)).to.changeTokenBalance(
          f.stETH,
          f.alice,
          100n * WAD,
        );
        await time.setNextBlockTimestamp(T);
        await expect(f.sm.connect(f.slasher2).requestSlash(f.avs2.address, op, F40, EVIDENCE))
          .to.be.revertedWithCustomError(f.vault, "OnlySlashingManager")
          .withArgs(f.smAddress);
      });
      await (await f.vault.connect(f.admin).setSlashingManager(f.registryAddress)).wait();
      await time.setNextBlockTimestamp(O);
      await expect(f.vault.connect(f.alice).completeWithdrawal(id, true, 0n)).to.be.revertedWithoutReason();
      await expect(f.vault.withdrawableAmount(id)).to.be.revertedWithoutReason();
      await expect(f.vault.connect(f.carol).completeWithdrawal(c.id, true, 0n)).to.changeTokenBalance(
        f.stETH,
        f.carol,
        5n * WAD,
      );
    });
  });
});
