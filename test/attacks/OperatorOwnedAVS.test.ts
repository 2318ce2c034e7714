/**
 * Review finding Low 6 (issue 9): an operator takes its stakers' stake through an AVS it runs.
 *
 * The attack as reported: allocations took effect after the operator's own allocation delay (1 day by default, 0 if
 * it chose), exits after the withdrawal delay (7 days). An operator-owned AVS with a redistributing recipient and no
 * committee received 500 of 500 stETH a day after allocating; a staker who queued at once got 0.
 *
 * The fix (docs/slashing.md, "Windows and delays"): there is no per-operator delay; every increase, and every AVS
 * change that loosens its slashing, waits until the vault's latestReadyAt() (the latest ready time of any withdrawal
 * queued so far or now: now + withdrawalDelay, or later if the delay was shortened) plus EXIT_BUFFER = 7 days 6
 * hours, fixed when queued (14 days 7 hours by default); a withdrawal's readyAt is fixed when it is queued. EXIT_BUFFER
 * covers the longest a staker who is ready can be held in the pool, whatever the number of AVSs: an epoch whose join
 * window closed before the staker's readyAt holds the exit until GATE_CYCLE after its start (GATE_CYCLE =
 * JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW + REOPEN_WINDOW = 3 days 18 h - 1 s), the next epoch's requests
 * close the pool until they resolve (3 days 6 h - 1 s), and that epoch then leaves it open 12 hours before the one
 * after may start: 2 * GATE_CYCLE - JOIN_WINDOW = 7 days 7 hours - 2 s after readyAt at the latest ("the gate hold
 * chained with the next epoch").
 *
 * World (ownedFixture): operator1 runs AVS Z from its own account (slasher and recipient operator1, no committee,
 * max 100%, stETH) and AVS Zl from a second account (the same, but max 1%); alice (500 stETH) and bob (100 stETH,
 * who stays) are delegated to operator1. committeeFixture adds nine more operator-owned AVSs Zc1..Zc9 with a
 * committee the operator controls (the longest veto window, max 1 wei of fraction, 1e9 of magnitude each).
 *
 * The attacks of round 1 that took alice's stake (a second operator-owned AVS with a committee holding her exit closed
 * past the 1-day buffer; the admin shortening the withdrawal delay) are kept as tests that show they now fail, with
 * what the attacker is left with. So are the two attacks on round 2: operator-owned AVSs that kept a legitimate AVS
 * from ever requesting through the pool gate (answered in round 3 by the epoch gate: a request joins the epoch within
 * JOIN_WINDOW of its start even after the pool reopened), and an increase announced just before the admin lengthens
 * the withdrawal delay, now a documented admin-trust caveat (docs/slashing.md, "Trust assumptions and caveats"): its
 * test shows exactly who is safe and who is exposed.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";

import { STAKER_FUNDS } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { toAssetsDown } from "../helpers/sharesMath";
import {
  ZERO,
  avsParams,
  deallocationDelayFor,
  fundedWallet,
  slashingManagerFixture,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";
import {
  ALLOCATION_DELAY,
  DAY,
  EVIDENCE,
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  HOUR,
  JOIN_WINDOW,
  LONGEST_CLOSURE,
  MAX_VETO_WINDOW,
  MAX_WITHDRAWAL_DELAY,
  MIN_WITHDRAWAL_DELAY,
  WAD,
  allocationDelayFor,
  allocationView,
  expectMinedAt,
  expectMinedRevert,
  nextRequestAtOf,
  nextWithdrawalId,
  operatorOwnedParams,
  poolView,
  queueAll,
  sameBlock,
  type Ordered,
} from "./attackHelpersB";
import { withdrawalId } from "../../sdk/views";

const ALICE = 500n * WAD;
const BOB = 100n * WAD;
const POOL = ALICE + BOB;
const WITHDRAWAL_DELAY = 7n * DAY;

interface OwnedFixture extends SlashingManagerFixture {
  /** Z's account (operator1 itself). */
  z: string;
  /** Zl's account. */
  zl: Signer & { address: string };
}

async function ownedFixture(): Promise<OwnedFixture> {
  const f = await slashingManagerFixture();
  const { sm, vault, registry, stETHAddress: stETH } = f;
  const zl = await fundedWallet("attack-b operator-owned Zl");
  await (await sm.connect(f.operator1).registerAVS("ipfs://z", operatorOwnedParams(f))).wait();
  await (
    await sm.connect(zl).registerAVS("ipfs://zl", operatorOwnedParams(f, { maxSlashWad: WAD / 100n }))
  ).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.operator1.address, "0x")).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(zl.address, "0x")).wait();
  for (const staker of [f.alice, f.bob]) {
    await (await registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  await (await vault.connect(f.alice).deposit(stETH, ALICE, 0n)).wait();
  await (await vault.connect(f.bob).deposit(stETH, BOB, 0n)).wait();
  return { ...f, z: f.operator1.address, zl };
}

/** Magnitude operator1 allocated to each Zc, long ago (harmless on its face: 1e-9 of the pool). */
const ZC_ALLOCATION = 10n ** 9n;
const ZC_COUNT = 9;

interface CommitteeFixture extends OwnedFixture {
  /** Zc1..Zc9's accounts. */
  zc: string[];
}

/** ownedFixture + Zc1..Zc9: operator-owned, committee operator1, the longest veto window, max 1 wei, burning. */
async function committeeFixture(): Promise<CommitteeFixture> {
  const f = await ownedFixture();
  const { sm, operator1, stETHAddress } = f;
  const zc: string[] = [];
  for (let i = 1; i <= ZC_COUNT; i++) {
    const wallet = await fundedWallet(`attack-b operator-owned Zc${i}`);
    await (
      await sm.connect(wallet).registerAVS(
        `ipfs://zc${i}`,
        operatorOwnedParams(f, {
          vetoCommittee: operator1.address,
          vetoWindow: MAX_VETO_WINDOW,
          maxSlashWad: 1n,
          recipient: ZERO,
        }),
      )
    ).wait();
    await (await sm.connect(operator1).registerOperatorToAVS(wallet.address, "0x")).wait();
    await (await sm.connect(operator1).modifyAllocation(wallet.address, stETHAddress, ZC_ALLOCATION)).wait();
    zc.push(wallet.address);
  }
  await time.increase(ALLOCATION_DELAY);
  return { ...f, zc };
}

/** A Zc's 1-wei request (its slasher is operator1), for a sameBlock batch. */
function zcRequest(f: CommitteeFixture, zc: string, tip: bigint): Ordered {
  return {
    tip,
    send: (o) => f.sm.connect(f.operator1).requestSlash(zc, f.operator1.address, 1n, EVIDENCE, o),
  };
}

interface ShieldFixture extends SlashingManagerFixture {
  /** S1..S8's accounts. */
  shields: string[];
}

/**
 * X (a legitimate AVS: committee, 1-day window, max 1/2, stETH) holds 50% of operator1's stETH; operator1 runs S1..S8
 * (no committee, max 1 wei of fraction, recipient operator1, 1e9 of magnitude each); alice 500 and bob 100 delegated.
 */
async function shieldFixture(): Promise<ShieldFixture> {
  const f = await slashingManagerFixture();
  const { sm, vault, registry, operator1, stETHAddress } = f;
  await (await sm.connect(f.avs).registerAVS("ipfs://x", avsParams(f, { assets: [stETHAddress] }))).wait();
  await (await sm.connect(operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await sm.connect(operator1).modifyAllocation(f.avs.address, stETHAddress, WAD / 2n)).wait();
  const shields: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const wallet = await fundedWallet(`attack-b shield S${i}`);
    await (
      await sm.connect(wallet).registerAVS(`ipfs://s${i}`, operatorOwnedParams(f, { maxSlashWad: 1n }))
    ).wait();
    await (await sm.connect(operator1).registerOperatorToAVS(wallet.address, "0x")).wait();
    await (await sm.connect(operator1).modifyAllocation(wallet.address, stETHAddress, ZC_ALLOCATION)).wait();
    shields.push(wallet.address);
  }
  for (const staker of [f.alice, f.bob]) {
    await (await registry.connect(staker).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  await (await vault.connect(f.alice).deposit(stETHAddress, ALICE, 0n)).wait();
  await (await vault.connect(f.bob).deposit(stETHAddress, BOB, 0n)).wait();
  await time.increase(ALLOCATION_DELAY);
  return { ...f, shields };
}

describe("attack: an operator slashes its stakers through an AVS it runs (review finding Low 6)", function () {
  it("the issue's attack: Z is allocated 100%; alice queues in the announcement's block and leaves with her 500 7 days 7 hours before it is slashable; at effectAt - 1 nothing is allocated, at effectAt Z takes only bob's, who stayed", async function () {
    const f = await loadFixture(ownedFixture);
    const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
    expect(await sm.allocationDelay()).to.equal(ALLOCATION_DELAY);
    const { totalShares } = await poolView(f, operator1.address, stETHAddress);
    const aliceShares = (await vault.position(alice.address, stETHAddress))[1];
    const block = await sameBlock([
      { tip: 60n, send: (o) => sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD, o) },
      { tip: 1n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, aliceShares, o) },
    ]);
    expectMinedAt(block.receipts[0], 0, "the announcement");
    expectMinedAt(block.receipts[1], 1, "alice's queue");
    const t = block.timestamp;
    const effectAt = t + ALLOCATION_DELAY;
    expect((await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt).to.equal(effectAt);
    const aliceId = withdrawalId(alice.address, 0n);
    const [, w] = await vault.withdrawal(aliceId);
    expect(w.readyAt).to.equal(t + WITHDRAWAL_DELAY);
    expect(effectAt - w.readyAt, "EXIT_BUFFER to complete").to.equal(EXIT_BUFFER);

    await time.setNextBlockTimestamp(w.readyAt);
    await expect(vault.connect(alice).completeWithdrawal(aliceId, true, ALICE)).to.changeTokenBalance(
      stETH,
      alice,
      ALICE,
    );
    expect(toAssetsDown(aliceShares, ALICE + BOB, totalShares)).to.equal(ALICE);

    await time.setNextBlockTimestamp(effectAt - 1n);
    await expect(sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE))
      .to.be.revertedWithCustomError(sm, "NothingToSlash")
      .withArgs(operator1.address, f.z);
    await (await sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE)).wait();
    const [, taken] = await sm.slashedAsset(1n, 0n);
    expect(taken.amount, "Z takes bob's 100, never alice's").to.equal(BOB);
    expect(await stETH.balanceOf(alice.address)).to.equal(STAKER_FUNDS);
  });

  it("the end of the buffer: alice completes at effectAt - 1; bob, at effectAt behind the operator's request and execution in the same block, is too late (and held EXIT_MARGIN by the epoch the request started)", async function () {
    const f = await loadFixture(ownedFixture);
    const { sm, vault, stETH, stETHAddress, operator1, alice, bob } = f;
    await (await sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD)).wait();
    const effectAt = (await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt;
    const a = await queueAll(f, alice, stETHAddress);
    const b = await queueAll(f, bob, stETHAddress);
    expect(effectAt - a.readyAt).to.equal(EXIT_BUFFER - 1n);

    await time.setNextBlockTimestamp(effectAt - 1n);
    await expect(vault.connect(alice).completeWithdrawal(a.id, true, ALICE)).to.changeTokenBalance(
      stETH,
      alice,
      ALICE,
    );
    const block = await sameBlock(
      [
        {
          tip: 60n,
          send: (o) => sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE, o),
        },
        { tip: 50n, send: (o) => sm.connect(operator1).executeSlash(1n, o) },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(b.id, true, 0n, o) },
      ],
      effectAt,
    );
    expectMinedAt(block.receipts[0], 0, "Z's request");
    expectMinedAt(block.receipts[1], 1, "its execution");
    // Z's request started an epoch: bob, ready before it, is held EXIT_MARGIN after its start (WithdrawalGated).
    await expectMinedRevert(block.receipts[2], vault, "WithdrawalGated", [b.id, effectAt + EXIT_MARGIN]);
    await time.setNextBlockTimestamp(effectAt + EXIT_MARGIN);
    await (await vault.connect(bob).completeWithdrawal(b.id, true, 0n)).wait();
    expect(await stETH.balanceOf(bob.address), "bob, who waited past the buffer, is taken").to.equal(
      STAKER_FUNDS - BOB,
    );
  });

  it("a withdrawal delay raised to 30 days after alice queued moves neither her readyAt nor the allocation's effectAt", async function () {
    const f = await loadFixture(ownedFixture);
    const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
    await (await sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD)).wait();
    const effectAt = (await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt;
    const a = await queueAll(f, alice, stETHAddress);
    await (await vault.setWithdrawalDelay(30n * DAY)).wait();
    expect(await sm.allocationDelay()).to.equal(allocationDelayFor(30n * DAY));
    expect((await vault.withdrawal(a.id))[1].readyAt).to.equal(a.readyAt);
    expect((await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt).to.equal(effectAt);
    await time.setNextBlockTimestamp(a.readyAt);
    await expect(vault.connect(alice).completeWithdrawal(a.id, true, ALICE)).to.changeTokenBalance(
      stETH,
      alice,
      ALICE,
    );
  });

  it("a withdrawal delay lowered to 4 days after the announcement does not bring the increase forward (effectAt fixed at queue); allocationDelay() stays 14 days 7 hours until the old delay's horizon", async function () {
    const f = await loadFixture(ownedFixture);
    const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
    await (await sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD)).wait();
    const effectAt = (await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt;
    const a = await queueAll(f, alice, stETHAddress);
    await (await vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
    const loweredAt = BigInt(await time.latest());
    expect(await vault.latestReadyAt(), "the horizon of withdrawals queued under 7 days").to.equal(
      loweredAt + WITHDRAWAL_DELAY,
    );
    expect(await sm.allocationDelay()).to.equal(ALLOCATION_DELAY);
    await time.setNextBlockTimestamp(loweredAt + MIN_WITHDRAWAL_DELAY);
    await expect(sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE))
      .to.be.revertedWithCustomError(sm, "NothingToSlash")
      .withArgs(operator1.address, f.z);
    expect((await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt).to.equal(effectAt);
    await time.setNextBlockTimestamp(a.readyAt);
    await expect(vault.connect(alice).completeWithdrawal(a.id, true, ALICE)).to.changeTokenBalance(
      stETH,
      alice,
      ALICE,
    );
  });

  describe("a loosening AVS change", function () {
    async function looseningFixture(): Promise<OwnedFixture> {
      const f = await ownedFixture();
      // Zl (max 1%) holds 100% of the pool: a risk alice accepts.
      await (await f.sm.connect(f.operator1).modifyAllocation(f.zl.address, f.stETHAddress, WAD)).wait();
      await time.increase(ALLOCATION_DELAY);
      return f;
    }

    it("Zl raises its maximum from 1% to 100%: alice queues in that block and leaves with 500; at effectAt - 1 neither the change nor a 100% request goes through; at effectAt Zl takes only bob's", async function () {
      const f = await loadFixture(looseningFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      const aliceShares = (await vault.position(alice.address, stETHAddress))[1];
      const block = await sameBlock([
        { tip: 60n, send: (o) => sm.connect(f.zl).updateAVSConfig(operatorOwnedParams(f), o) },
        { tip: 1n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, aliceShares, o) },
      ]);
      expectMinedAt(block.receipts[0], 0, "the loosening");
      expectMinedAt(block.receipts[1], 1, "alice's queue");
      const [, effectAt] = await sm.pendingAVSConfig(f.zl.address);
      expect(effectAt).to.equal(block.timestamp + ALLOCATION_DELAY);
      const aliceId = withdrawalId(alice.address, 0n);

      await time.setNextBlockTimestamp(block.timestamp + WITHDRAWAL_DELAY);
      await expect(vault.connect(alice).completeWithdrawal(aliceId, true, ALICE)).to.changeTokenBalance(
        stETH,
        alice,
        ALICE,
      );
      const last = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) => sm.connect(f.outsider).applyAVSConfig(f.zl.address, operatorOwnedParams(f), o),
          },
          {
            tip: 50n,
            send: (o) =>
              sm.connect(operator1).requestSlash(f.zl.address, operator1.address, WAD, EVIDENCE, o),
          },
        ],
        effectAt - 1n,
      );
      expect(last.receipts.map((r) => r.status)).to.deep.equal([0, 0]);
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.connect(f.outsider).applyAVSConfig(f.zl.address, operatorOwnedParams(f))).wait();
      await (await sm.connect(operator1).requestSlash(f.zl.address, operator1.address, WAD, EVIDENCE)).wait();
      const [, taken] = await sm.slashedAsset(1n, 0n);
      expect(taken.amount).to.equal(BOB);
    });

    it("a withdrawal delay lowered to 4 days after the loosening is queued does not bring it forward", async function () {
      const f = await loadFixture(looseningFixture);
      const { sm, vault } = f;
      await (await sm.connect(f.zl).updateAVSConfig(operatorOwnedParams(f))).wait();
      const [, effectAt] = await sm.pendingAVSConfig(f.zl.address);
      await (await vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.applyAVSConfig(f.zl.address, operatorOwnedParams(f)))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.zl.address, effectAt);
      await expect(sm.applyAVSConfig(f.zl.address, operatorOwnedParams(f))).to.emit(sm, "AVSConfigUpdated");
    });
  });

  describe("withdrawal-delay changes in flight (latestReadyAt)", function () {
    /**
     * Round 1 (kept failing then): the allocation delay followed the delay in force, so an increase announced just
     * after the admin cut the delay (7 -> 3 days) applied in 4 days, before a withdrawal queued just before the cut was
     * ready; Z took the whole pool (600), alice got 0. Now the cut records the horizon of the withdrawals queued under
     * the old delay, and the increase waits until it plus EXIT_BUFFER.
     */
    it("the admin cuts the delay (7 -> 4 days) after alice queued; an increase announced right after waits until her horizon + EXIT_BUFFER: she leaves with 500 at readyAt, Z takes only bob's 100 at effectAt = readyAt + 7 days 7 hours + 1 s", async function () {
      const f = await loadFixture(ownedFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      const a = await queueAll(f, alice, stETHAddress);
      await (await vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const cutAt = BigInt(await time.latest());
      expect(cutAt + WITHDRAWAL_DELAY - a.readyAt).to.equal(1n);
      await (await sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD)).wait();
      const { effectAt } = await allocationView(f, operator1.address, f.z, stETHAddress);
      expect(effectAt).to.equal(cutAt + WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect(effectAt - a.readyAt).to.equal(EXIT_BUFFER + 1n);

      await time.setNextBlockTimestamp(a.readyAt);
      await expect(vault.connect(alice).completeWithdrawal(a.id, true, ALICE)).to.changeTokenBalance(
        stETH,
        alice,
        ALICE,
      );
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(operator1.address, f.z);
      const strike = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) => sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE, o),
          },
          { tip: 50n, send: (o) => sm.connect(operator1).executeSlash(1n, o) },
        ],
        effectAt,
      );
      expectMinedAt(strike.receipts[1], 1, "Z's execution");
      expect((await sm.slashedAsset(1n, 0n))[1].amount, "Z takes bob's 100, never alice's").to.equal(BOB);
      expect(await stETH.balanceOf(alice.address)).to.equal(STAKER_FUNDS);
    });

    it("horizon edges after a cut at L (7 -> 4 days): an increase announced at L + 3 days applies at L + 14 days 7 hours, one announced at L + 3 days + 1 s at L + 14 days 7 hours + 1 s (the horizon hands over to now + 4 days without a step back)", async function () {
      const f = await loadFixture(ownedFixture);
      const { sm, vault, stETHAddress, operator1 } = f;
      await (await vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const cutAt = BigInt(await time.latest());
      const handOver = cutAt + WITHDRAWAL_DELAY - MIN_WITHDRAWAL_DELAY;
      await time.setNextBlockTimestamp(handOver);
      await expect(sm.connect(operator1).modifyAllocation(f.zl.address, stETHAddress, WAD / 2n))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          operator1.address,
          f.zl.address,
          stETHAddress,
          0n,
          WAD / 2n,
          cutAt + 14n * DAY + 7n * HOUR,
          WAD / 2n,
        );
      await time.setNextBlockTimestamp(handOver + 1n);
      await expect(sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD / 2n))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          operator1.address,
          f.z,
          stETHAddress,
          0n,
          WAD / 2n,
          cutAt + 14n * DAY + 7n * HOUR + 1n,
          WAD,
        );
      expect(handOver + 1n + allocationDelayFor(MIN_WITHDRAWAL_DELAY)).to.equal(
        cutAt + 14n * DAY + 7n * HOUR + 1n,
      );
    });

    it("same block, the cut mined before or after the announcement, alice's queue last: the increase applies at T + 14 days 7 hours either way; alice, ready at T + 4 days, leaves with 500", async function () {
      for (const cutFirst of [true, false]) {
        const f = await loadFixture(ownedFixture);
        const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
        const aliceShares = (await vault.position(alice.address, stETHAddress))[1];
        const aliceId = await nextWithdrawalId(f, alice.address);
        const block = await sameBlock([
          {
            tip: cutFirst ? 50n : 60n,
            send: (o) => sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD, o),
          },
          {
            tip: cutFirst ? 60n : 50n,
            send: (o) => vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY, o),
          },
          { tip: 1n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, aliceShares, o) },
        ]);
        expectMinedAt(block.receipts[0], cutFirst ? 1 : 0, "the announcement");
        expectMinedAt(block.receipts[2], 2, "alice's queue");
        const T = block.timestamp;
        expect(
          (await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt,
          `cut first: ${cutFirst}`,
        ).to.equal(T + WITHDRAWAL_DELAY + EXIT_BUFFER);
        const [, w] = await vault.withdrawal(aliceId);
        expect(w.readyAt).to.equal(T + MIN_WITHDRAWAL_DELAY);
        await time.setNextBlockTimestamp(w.readyAt);
        await expect(vault.connect(alice).completeWithdrawal(aliceId, true, ALICE)).to.changeTokenBalance(
          stETH,
          alice,
          ALICE,
        );
      }
    });

    it("raised to 30 days, alice queues under it, then cut to 4 days: the horizon keeps her 30 days; an increase announced after the cut applies at her readyAt + 7 days 7 hours + 1 s and takes only bob's 100", async function () {
      const f = await loadFixture(ownedFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      await (await vault.setWithdrawalDelay(MAX_WITHDRAWAL_DELAY)).wait();
      const a = await queueAll(f, alice, stETHAddress);
      await (await vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const cutAt = BigInt(await time.latest());
      expect(await vault.latestReadyAt()).to.equal(cutAt + MAX_WITHDRAWAL_DELAY);
      await (await sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD)).wait();
      const { effectAt } = await allocationView(f, operator1.address, f.z, stETHAddress);
      expect(effectAt - a.readyAt).to.equal(EXIT_BUFFER + 1n);
      await time.setNextBlockTimestamp(a.readyAt);
      await expect(vault.connect(alice).completeWithdrawal(a.id, true, ALICE)).to.changeTokenBalance(
        stETH,
        alice,
        ALICE,
      );
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE)).wait();
      expect((await sm.slashedAsset(1n, 0n))[1].amount).to.equal(BOB);
    });
  });

  describe("a second operator-owned AVS with a committee holds alice's exit closed (round 1's attack, answered by the pool gate and EXIT_BUFFER = 7 days 7 hours)", function () {
    /** The announcement of Z's increase to everything the Zcs leave, and alice's queue, in one block. */
    async function announced(
      f: CommitteeFixture,
    ): Promise<{ aliceId: bigint; readyAt: bigint; effectAt: bigint; zMagnitude: bigint }> {
      const { sm, vault, stETHAddress, operator1, alice } = f;
      const zMagnitude = WAD - BigInt(ZC_COUNT) * ZC_ALLOCATION;
      const aliceShares = (await vault.position(alice.address, stETHAddress))[1];
      const aliceId = await nextWithdrawalId(f, alice.address);
      const block = await sameBlock([
        { tip: 60n, send: (o) => sm.connect(operator1).modifyAllocation(f.z, stETHAddress, zMagnitude, o) },
        { tip: 1n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, aliceShares, o) },
      ]);
      expectMinedAt(block.receipts[1], 1, "alice's queue");
      const effectAt = block.timestamp + ALLOCATION_DELAY;
      expect((await allocationView(f, operator1.address, f.z, stETHAddress)).effectAt).to.equal(effectAt);
      return { aliceId, readyAt: block.timestamp + WITHDRAWAL_DELAY, effectAt, zMagnitude };
    }

    /** At effectAt Z requests 100% and executes: it takes what is left of the pool at Z's share of the magnitude. */
    async function zStrikes(f: CommitteeFixture, effectAt: bigint): Promise<bigint> {
      const { sm, operator1 } = f;
      const id = (await sm.slashRequestCount()) + 1n;
      const strike = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) => sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE, o),
          },
          { tip: 50n, send: (o) => sm.connect(operator1).executeSlash(id, o) },
        ],
        effectAt,
      );
      expectMinedAt(strike.receipts[1], 1, "Z's execution");
      return (await sm.slashedAsset(id, 0n))[1].amount;
    }

    it("Zc1's 1-wei request front-runs alice's completion at readyAt: she waits out its windows (NotCancellable at expiry - 1), cancels it at expiry = readyAt + 3 days - 1 s and leaves with exactly 500; no Zc can close the pool again in that block (PoolGated until readyAt + GATE_CYCLE); Z takes bob's 100 minus the Zcs' share (9e11 wei)", async function () {
      const f = await loadFixture(committeeFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      const { aliceId, readyAt, effectAt, zMagnitude } = await announced(f);
      const closing = await sameBlock(
        [
          zcRequest(f, f.zc[0], 60n),
          { tip: 1n, send: (o) => vault.connect(alice).completeWithdrawal(aliceId, true, 0n, o) },
        ],
        readyAt,
      );
      expectMinedAt(closing.receipts[0], 0, "Zc1's request");
      await expectMinedRevert(closing.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);
      const [, dust] = await sm.slashedAsset(1n, 0n);
      expect([dust.magnitude, dust.amount], "1 of magnitude, 600 wei").to.deep.equal([1n, (POOL * 1n) / WAD]);

      const expiresAt = readyAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const early = await sameBlock(
        [
          { tip: 60n, send: (o) => sm.connect(alice).cancelSlash(1n, o) },
          { tip: 1n, send: (o) => vault.connect(alice).completeWithdrawal(aliceId, true, 0n, o) },
        ],
        expiresAt - 1n,
      );
      await expectMinedRevert(early.receipts[0], sm, "NotCancellable", [1n, alice.address]);
      await expectMinedRevert(early.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      const out = await sameBlock(
        [
          zcRequest(f, f.zc[0], 90n),
          { tip: 80n, send: (o) => sm.connect(alice).cancelSlash(1n, o) },
          zcRequest(f, f.zc[1], 70n),
          { tip: 1n, send: (o) => vault.connect(alice).completeWithdrawal(aliceId, true, ALICE, o) },
        ],
        expiresAt,
      );
      await expectMinedRevert(out.receipts[0], sm, "SlashRequestOpen", [
        f.zc[0],
        operator1.address,
        stETHAddress,
      ]);
      expectMinedAt(out.receipts[1], 1, "alice's cancellation");
      await expectMinedRevert(out.receipts[2], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        readyAt + GATE_CYCLE,
      ]);
      expectMinedAt(out.receipts[3], 3, "alice's completion");
      expect(await stETH.balanceOf(alice.address), "alice leaves whole").to.equal(STAKER_FUNDS);
      expect(expiresAt - readyAt).to.equal(3n * DAY - 1n);
      expect(effectAt - expiresAt, "4 days 7 hours and a second to spare").to.equal(
        4n * DAY + 7n * HOUR + 1n,
      );

      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.connect(operator1).requestSlash(f.z, operator1.address, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(operator1.address, f.z);
      const taken = await zStrikes(f, effectAt);
      expect(taken, "Z takes bob's 100 at its magnitude share").to.equal((BOB * zMagnitude) / WAD);
      expect(BOB - taken).to.equal(9n * 10n ** 11n);
    });

    it("the chained variant: Zc1 closes the pool in alice's readyAt block, Zc2..Zc8 join at the last second of the join window, Zc9 a second late and at the reopening (PoolGated until readyAt + GATE_CYCLE); alice cancels each at its expiry and leaves with exactly 500 at readyAt + 3 days 6 h - 2 s, 4 days 1 h + 2 s before Z's increase applies", async function () {
      const f = await loadFixture(committeeFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      const { aliceId, readyAt, effectAt, zMagnitude } = await announced(f);
      const complete = (tip: bigint, minAssets = 0n): Ordered => ({
        tip,
        send: (o) => vault.connect(alice).completeWithdrawal(aliceId, true, minAssets, o),
      });
      const cancel = (id: bigint, tip: bigint): Ordered => ({
        tip,
        send: (o) => sm.connect(alice).cancelSlash(id, o),
      });

      // Zc1 closes the pool in alice's block (gateAt = readyAt).
      const closing = await sameBlock([zcRequest(f, f.zc[0], 60n), complete(1n)], readyAt);
      await expectMinedRevert(closing.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      // Zc2..Zc8 join at the last second of the join window; Zc9 is a second late.
      const joinedAt = readyAt + JOIN_WINDOW - 1n;
      const joining = await sameBlock(
        f.zc.slice(1, 8).map((zc, i) => zcRequest(f, zc, 70n - BigInt(i))),
        joinedAt,
      );
      expect(joining.receipts.map((r) => r.status)).to.deep.equal([1, 1, 1, 1, 1, 1, 1]);
      expect((await poolView(f, operator1.address, stETHAddress)).pendingRequests).to.equal(8n);
      const late = await sameBlock([zcRequest(f, f.zc[8], 60n), complete(1n)], readyAt + JOIN_WINDOW);
      await expectMinedRevert(late.receipts[0], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        readyAt + GATE_CYCLE,
      ]);
      await expectMinedRevert(late.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        8n,
      ]);

      // Zc1's expiry: alice cancels it; Zc1 is in its cooldown, Zc9 still shut out, the exit still waits (7).
      const firstExpiry = readyAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const first = await sameBlock(
        [cancel(1n, 90n), zcRequest(f, f.zc[0], 80n), zcRequest(f, f.zc[8], 70n), complete(1n)],
        firstExpiry,
      );
      expectMinedAt(first.receipts[0], 0, "Zc1's cancellation");
      await expectMinedRevert(first.receipts[1], sm, "SlashCooldown", [
        f.zc[0],
        operator1.address,
        stETHAddress,
        nextRequestAtOf(readyAt + MAX_VETO_WINDOW),
      ]);
      await expectMinedRevert(first.receipts[2], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        readyAt + GATE_CYCLE,
      ]);
      await expectMinedRevert(first.receipts[3], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        7n,
      ]);

      // The last expiry: a second before, nothing can be cancelled; at it, alice cancels the seven and leaves.
      const lastExpiry = joinedAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const before = await sameBlock([cancel(2n, 60n), complete(1n)], lastExpiry - 1n);
      await expectMinedRevert(before.receipts[0], sm, "NotCancellable", [2n, alice.address]);
      await expectMinedRevert(before.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        7n,
      ]);
      const out = await sameBlock(
        [
          zcRequest(f, f.zc[8], 95n),
          ...[2n, 3n, 4n, 5n, 6n, 7n, 8n].map((id, i) => cancel(id, 90n - BigInt(i))),
          zcRequest(f, f.zc[8], 70n),
          complete(1n, ALICE),
        ],
        lastExpiry,
      );
      await expectMinedRevert(out.receipts[0], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        readyAt + GATE_CYCLE,
      ]);
      expect(out.receipts.slice(1, 8).map((r) => r.status)).to.deep.equal([1, 1, 1, 1, 1, 1, 1]);
      await expectMinedRevert(out.receipts[8], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        readyAt + GATE_CYCLE,
      ]);
      expectMinedAt(out.receipts[9], 9, "alice's completion");
      expect(await stETH.balanceOf(alice.address), "alice leaves with exactly her 500").to.equal(
        STAKER_FUNDS,
      );
      expect(lastExpiry - readyAt, "the longest closure, to the second").to.equal(LONGEST_CLOSURE - 1n);
      expect(effectAt - lastExpiry).to.equal(4n * DAY + HOUR + 2n);
      expect(
        effectAt - (readyAt + GATE_CYCLE),
        "the next epoch may start 3 days 13 h + 1 s before effectAt",
      ).to.equal(3n * DAY + 13n * HOUR + 1n);
      expect(await stETH.balanceOf(f.smAddress), "no dust was taken").to.equal(0n);

      // What the operator is left with: bob's 100 at Z's share of the magnitude, at effectAt.
      const taken = await zStrikes(f, effectAt);
      expect(taken).to.equal((BOB * zMagnitude) / WAD);
      expect(taken).to.equal(BOB - 9n * 10n ** 11n);
    });

    it("the gate hold chained with the next epoch (the longest hold since issue #9's F1 fix): Zc1 starts an epoch JOIN_WINDOW before alice's readyAt, so that her exit is held until GATE_CYCLE + EXIT_MARGIN after it; Zc2 starts the next epoch at the hold's last second, and Zc3..Zc8 join it at the last second of its join window; alice cancels them all at their expiry and leaves with exactly 500 at readyAt + 6 days 19 h - 4 s, 12 h + 4 s before Z's increase applies (EXIT_BUFFER = 2 * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN + 2 s)", async function () {
      const f = await loadFixture(committeeFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice } = f;
      const { aliceId, readyAt, effectAt, zMagnitude } = await announced(f);
      const complete = (tip: bigint, minAssets = 0n): Ordered => ({
        tip,
        send: (o) => vault.connect(alice).completeWithdrawal(aliceId, true, minAssets, o),
      });
      const cancel = (id: bigint, tip: bigint): Ordered => ({
        tip,
        send: (o) => sm.connect(alice).cancelSlash(id, o),
      });
      expect(effectAt - readyAt).to.equal(EXIT_BUFFER);
      expect(2n * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN, "EXIT_BUFFER's bound").to.equal(EXIT_BUFFER - 2n);

      // Zc1's epoch: its join window closes as alice becomes ready.
      const s1 = readyAt - JOIN_WINDOW;
      const opening = await sameBlock([zcRequest(f, f.zc[0], 60n)], s1);
      expectMinedAt(opening.receipts[0], 0, "Zc1's request");
      const atReady = await sameBlock([complete(1n)], readyAt);
      await expectMinedRevert(atReady.receipts[0], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      // Zc1's expiry: alice cancels it; her exit is still held by the epoch's gate.
      const openAt = s1 + GATE_CYCLE + EXIT_MARGIN;
      const expiry1 = s1 + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const first = await sameBlock([cancel(1n, 60n), complete(1n)], expiry1);
      expectMinedAt(first.receipts[0], 0, "Zc1's cancellation");
      await expectMinedRevert(first.receipts[1], vault, "WithdrawalGated", [aliceId, openAt]);
      expect((await vault.withdrawableAmount(aliceId))[1]).to.equal(openAt);

      // The hold's last second: Zc2 opens the next epoch, alice is still held; Zc3..Zc8 join at its last second.
      const s2 = openAt - 1n;
      const second = await sameBlock([complete(95n), zcRequest(f, f.zc[1], 90n)], s2);
      await expectMinedRevert(second.receipts[0], vault, "WithdrawalGated", [aliceId, openAt]);
      expectMinedAt(second.receipts[1], 1, "Zc2's request");
      const afterHold = await sameBlock([complete(1n)], openAt);
      await expectMinedRevert(afterHold.receipts[0], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      const joinedAt = s2 + JOIN_WINDOW - 1n;
      const joining = await sameBlock(
        f.zc.slice(2, 8).map((zc, i) => zcRequest(f, zc, 70n - BigInt(i))),
        joinedAt,
      );
      expect(joining.receipts.map((r) => r.status)).to.deep.equal([1, 1, 1, 1, 1, 1]);

      // The last expiry: alice cancels the seven and leaves; Zc9 cannot close the pool again before s2 + GATE_CYCLE.
      const lastExpiry = joinedAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const out = await sameBlock(
        [
          ...[2n, 3n, 4n, 5n, 6n, 7n, 8n].map((id, i) => cancel(id, 90n - BigInt(i))),
          zcRequest(f, f.zc[8], 70n),
          complete(1n, ALICE),
        ],
        lastExpiry,
      );
      expect(out.receipts.slice(0, 7).map((r) => r.status)).to.deep.equal([1, 1, 1, 1, 1, 1, 1]);
      await expectMinedRevert(out.receipts[7], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        s2 + GATE_CYCLE,
      ]);
      expectMinedAt(out.receipts[8], 8, "alice's completion");
      expect(await stETH.balanceOf(alice.address), "alice leaves with exactly her 500").to.equal(
        STAKER_FUNDS,
      );
      expect(lastExpiry - readyAt, "the longest hold, to the second").to.equal(6n * DAY + 19n * HOUR - 4n);
      expect(effectAt - lastExpiry, "REOPEN_WINDOW and 4 s to spare").to.equal(12n * HOUR + 4n);
      expect(effectAt - (s2 + GATE_CYCLE), "the epoch after may start 3 s before effectAt").to.equal(3n);

      // What the operator is left with: bob's 100 at Z's share of the magnitude, at effectAt.
      const taken = await zStrikes(f, effectAt);
      expect(taken).to.equal((BOB * zMagnitude) / WAD);
    });
  });

  describe("round 2's attacks, answered in round 3 or documented", function () {
    /**
     * Documented behaviour (docs/slashing.md, "Trust assumptions and caveats": lengthening the withdrawal delay is
     * trusted to the admin). The admin (a timelock whose executor may be anyone) has scheduled
     * setWithdrawalDelay(30 days); the operator announces Z's 100% increase in the block that executes it, before it:
     * effectAt = T + 14 days 7 hours (latestReadyAt was T + 7 days), fixed at announcement. In that block alice queues 250
     * stETH before the lengthening (A1, ready T + 7 days) and 250 after it (A2, ready T + 30 days); bob stays.
     * A1 leaves whole at T + 7 days. At effectAt Z requests 50% and executes at once: it takes half of what is left
     * (A2's 250 and bob's 100), 175 stETH; A2 is paid 125 at T + 30 days. An increase announced after the lengthening
     * waits 37 days 7 hours (latestReadyAt() = now + 30 days, plus EXIT_BUFFER).
     */
    it("documented admin-trust caveat: an increase announced in the block where the admin lengthens the withdrawal delay (7 -> 30 days) keeps effectAt T + 14 days 7 hours; alice's 250 queued before the lengthening leave whole at T + 7 days, her 250 queued after it (ready T + 30 days) are exposed: Z takes 175 of the 350 left and she is paid 125", async function () {
      const f = await loadFixture(ownedFixture);
      const { sm, vault, stETH, stETHAddress, operator1, alice, bob } = f;
      const aliceShares = (await vault.position(alice.address, stETHAddress))[1];
      const half = aliceShares / 2n;
      expect(half * 2n).to.equal(aliceShares);
      const a1 = await nextWithdrawalId(f, alice.address);
      const a2 = a1 + 1n;
      const block = await sameBlock([
        { tip: 60n, send: (o) => sm.connect(operator1).modifyAllocation(f.z, stETHAddress, WAD, o) },
        { tip: 55n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, half, o) },
        { tip: 50n, send: (o) => vault.connect(f.admin).setWithdrawalDelay(MAX_WITHDRAWAL_DELAY, o) },
        { tip: 1n, send: (o) => vault.connect(alice).queueWithdrawal(stETHAddress, half, o) },
      ]);
      expectMinedAt(block.receipts[0], 0, "the announcement");
      expectMinedAt(block.receipts[1], 1, "alice's first queue (A1)");
      expectMinedAt(block.receipts[2], 2, "the lengthening");
      expectMinedAt(block.receipts[3], 3, "alice's second queue (A2)");
      const T = block.timestamp;
      const { effectAt } = await allocationView(f, operator1.address, f.z, stETHAddress);
      expect(effectAt, "fixed at announcement: T + 7 days + EXIT_BUFFER").to.equal(
        T + WITHDRAWAL_DELAY + EXIT_BUFFER,
      );
      expect((await vault.withdrawal(a1))[1].readyAt).to.equal(T + WITHDRAWAL_DELAY);
      expect((await vault.withdrawal(a2))[1].readyAt).to.equal(T + MAX_WITHDRAWAL_DELAY);
      expect(await vault.latestReadyAt()).to.equal(T + MAX_WITHDRAWAL_DELAY);
      // An increase announced after the lengthening waits for the new horizon: 30 days + EXIT_BUFFER.
      expect(await sm.allocationDelay()).to.equal(MAX_WITHDRAWAL_DELAY + EXIT_BUFFER);

      // Safe: A1, queued before the lengthening, leaves whole at T + 7 days.
      await time.setNextBlockTimestamp(T + WITHDRAWAL_DELAY);
      await expect(vault.connect(alice).completeWithdrawal(a1, true, ALICE / 2n)).to.changeTokenBalance(
        stETH,
        alice,
        ALICE / 2n,
      );
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.connect(operator1).requestSlash(f.z, operator1.address, WAD / 2n, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(operator1.address, f.z);

      // Exposed: at effectAt Z takes half of A2's 250 and bob's 100.
      const id = (await sm.slashRequestCount()) + 1n;
      const strike = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) => sm.connect(operator1).requestSlash(f.z, operator1.address, WAD / 2n, EVIDENCE, o),
          },
          { tip: 50n, send: (o) => sm.connect(operator1).executeSlash(id, o) },
        ],
        effectAt,
      );
      expectMinedAt(strike.receipts[0], 0, "Z's request");
      expectMinedAt(strike.receipts[1], 1, "Z's execution");
      const [, taken] = await sm.slashedAsset(id, 0n);
      expect([taken.magnitude, taken.amount]).to.deep.equal([WAD / 2n, 175n * WAD]);
      await time.setNextBlockTimestamp(T + MAX_WITHDRAWAL_DELAY - 1n);
      await expect(vault.connect(alice).completeWithdrawal(a2, true, 0n))
        .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
        .withArgs(a2, T + MAX_WITHDRAWAL_DELAY);
      await time.setNextBlockTimestamp(T + MAX_WITHDRAWAL_DELAY);
      await expect(vault.connect(alice).completeWithdrawal(a2, true, 125n * WAD)).to.changeTokenBalance(
        stETH,
        alice,
        125n * WAD,
      );
      expect(await stETH.balanceOf(alice.address), "alice: 250 + 125 of her 500").to.equal(
        STAKER_FUNDS - ALICE + 375n * WAD,
      );
      expect(
        (await vault.position(bob.address, stETHAddress))[2],
        "bob, who stayed, bears his half",
      ).to.equal(50n * WAD);
    });

    /**
     * Round 2's attack, answered by the epoch gate (round 3). The operator runs eight AVSs S1..S8 (no committee, max 1
     * wei of fraction, recipient operator1, 1e9 of magnitude each: a dust request takes 600 wei). At the incident
     * (time M) X, a legitimate AVS with 50% of the pool, sends its 50% request; the operator's bundle lands first in
     * that block: S1 requests and executes (the pool closes and reopens in the same second, starting an epoch at M)
     * and a deallocation of X to 0 is queued (effect M + 7 days + GATE_CYCLE). Under round 2 X's request reverted
     * PoolReopening, and so on at every reopening second. Now X's request joins the epoch of M (JOIN_WINDOW = 6 h, open
     * or closed) and takes its 50% (s = 25% of the pool, 150 stETH, the pending deallocation scaled with it); the
     * operator is left with 600 wei of dust, paid to itself, and X executes a day later.
     */
    it("eight operator-owned AVSs take turns requesting and executing dust ahead of a legitimate AVS's request: the attack fails, X's request joins the epoch S1 opened in its block and takes 150 stETH (its 50%); the operator is left with 600 wei of dust", async function () {
      const f = await loadFixture(shieldFixture);
      const { sm, operator1, stETHAddress } = f;
      const xStakeAtIncident = await sm.allocatedStake(operator1.address, f.avs.address, stETHAddress);
      expect(xStakeAtIncident).to.equal(POOL / 2n);
      const M = BigInt(await time.latest()) + HOUR;
      const block = await sameBlock(
        [
          {
            tip: 90n,
            send: (o) => sm.connect(operator1).requestSlash(f.shields[0], operator1.address, 1n, EVIDENCE, o),
          },
          { tip: 80n, send: (o) => sm.connect(operator1).executeSlash(1n, o) },
          {
            tip: 70n,
            send: (o) => sm.connect(operator1).modifyAllocation(f.avs.address, stETHAddress, 0n, o),
          },
          {
            tip: 1n,
            send: (o) =>
              sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, WAD / 2n, EVIDENCE, o),
          },
        ],
        M,
      );
      expectMinedAt(block.receipts[0], 0, "S1's request");
      expectMinedAt(block.receipts[1], 1, "S1's execution");
      expectMinedAt(block.receipts[2], 2, "X's deallocation");
      expectMinedAt(block.receipts[3], 3, "X's request, joining the epoch of M");
      const [, dust] = await sm.slashedAsset(1n, 0n);
      expect([dust.magnitude, dust.amount]).to.deep.equal([1n, 600n]);
      const [, xSlashed] = await sm.slashedAsset(2n, 0n);
      // s = 25%; the pool is 600e18 - 600 at 1e18 - 1 of magnitude: exactly 150 stETH.
      expect([xSlashed.magnitude, xSlashed.amount, xSlashed.deallocationCut]).to.deep.equal([
        WAD / 4n,
        150n * WAD,
        WAD / 4n,
      ]);
      const a = await allocationView(f, operator1.address, f.avs.address, stETHAddress);
      expect([a.current, a.pendingDelta, a.effectAt], "the deallocation scaled with it").to.deep.equal([
        WAD / 4n,
        WAD / 4n,
        M + deallocationDelayFor(WITHDRAWAL_DELAY),
      ]);
      await time.setNextBlockTimestamp(M + DAY);
      await expect(sm.connect(f.outsider).executeSlash(2n)).to.emit(sm, "SlashExecuted");
      expect(await sm.allocatedStake(operator1.address, f.avs.address, stETHAddress)).to.equal(150n * WAD);
    });

    it("the same attack against an X that is late (first try at M + JOIN_WINDOW): PoolGated(operator1, stETH, M + GATE_CYCLE) on every try; at M + GATE_CYCLE S2 starts the next epoch ahead of X in the same block and X joins it, taking 150 stETH before its deallocation applies (M + 7 days + GATE_CYCLE); the operator is left with 1,200 wei of dust", async function () {
      const f = await loadFixture(shieldFixture);
      const { sm, operator1, stETHAddress } = f;
      const M = BigInt(await time.latest()) + HOUR;
      await sameBlock(
        [
          {
            tip: 90n,
            send: (o) => sm.connect(operator1).requestSlash(f.shields[0], operator1.address, 1n, EVIDENCE, o),
          },
          { tip: 80n, send: (o) => sm.connect(operator1).executeSlash(1n, o) },
          {
            tip: 70n,
            send: (o) => sm.connect(operator1).modifyAllocation(f.avs.address, stETHAddress, 0n, o),
          },
        ],
        M,
      );
      // X tries every 6 hours from M + JOIN_WINDOW; every try is gated, and so are the operator's other AVSs.
      const tries: string[] = [];
      for (let at = M + JOIN_WINDOW; at < M + GATE_CYCLE; at += JOIN_WINDOW) {
        const b = await sameBlock(
          [
            {
              tip: 90n,
              send: (o) =>
                sm.connect(operator1).requestSlash(f.shields[1], operator1.address, 1n, EVIDENCE, o),
            },
            {
              tip: 1n,
              send: (o) =>
                sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, WAD / 2n, EVIDENCE, o),
            },
          ],
          at,
        );
        for (const r of b.receipts) {
          await expectMinedRevert(r, sm, "PoolGated", [operator1.address, stETHAddress, M + GATE_CYCLE]);
        }
        tries.push(String(at - M));
      }
      expect(tries.length, "X's tries, every 6 h, from 6 h to 3 days 12 h").to.equal(14);
      const next = M + GATE_CYCLE;
      expect(next - M).to.be.lessThan(4n * DAY);
      const block = await sameBlock(
        [
          {
            tip: 90n,
            send: (o) => sm.connect(operator1).requestSlash(f.shields[1], operator1.address, 1n, EVIDENCE, o),
          },
          { tip: 80n, send: (o) => sm.connect(operator1).executeSlash(2n, o) },
          {
            tip: 1n,
            send: (o) =>
              sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, WAD / 2n, EVIDENCE, o),
          },
        ],
        next,
      );
      expectMinedAt(block.receipts[0], 0, "S2's request, starting the epoch of M + GATE_CYCLE");
      expectMinedAt(block.receipts[1], 1, "S2's execution");
      expectMinedAt(block.receipts[2], 2, "X's request, joining it");
      const dust = (await sm.slashedAsset(1n, 0n))[1].amount + (await sm.slashedAsset(2n, 0n))[1].amount;
      expect(dust).to.equal(1_200n);
      const [, xSlashed] = await sm.slashedAsset(3n, 0n);
      // The pool is 600e18 - 1200 at 1e18 - 2 of magnitude: exactly 150 stETH again.
      expect([xSlashed.magnitude, xSlashed.amount]).to.deep.equal([WAD / 4n, 150n * WAD]);
      const { effectAt } = await allocationView(f, operator1.address, f.avs.address, stETHAddress);
      expect(effectAt, "the deallocation applies at M + 7 days + GATE_CYCLE").to.equal(
        M + deallocationDelayFor(WITHDRAWAL_DELAY),
      );
      expect(next + DAY, "executable before the deallocation applies").to.be.lessThan(effectAt);
      await time.setNextBlockTimestamp(next + DAY);
      await expect(sm.connect(f.outsider).executeSlash(3n)).to.emit(sm, "SlashExecuted");
    });
  });
});
