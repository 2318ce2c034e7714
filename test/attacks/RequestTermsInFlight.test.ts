/**
 * Review finding Low 4 (issue 9): the veto committee was read at veto time.
 *
 * The attack as reported: an AVS queues "no committee"; an hour before the change applies its slasher files a
 * request; once the change applies, the old committee's veto reverts NotVetoCommittee and the request executes.
 *
 * The fix (docs/slashing.md, "Request lifecycle"): a request carries its terms from the moment it is made. The
 * committee and the recipient live in a SlashTerms record (`slashTerms(termsId)`); a committee or recipient change
 * writes a new record, and a request keeps the one it was made under. Its executableAt is fixed at request and its
 * magnitude and amount are reserved then, so a later window or maximum change does not touch it either. Who may cancel
 * is the AVS's current slasher (or anyone after expiry).
 *
 * World (attackHelpersB.ts attackFixture) + operator2 registered for X and Y, carol's 70 stETH delegated to it,
 * and operator2's allocations of 50% of stETH to X and 50% to Y in force.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import {
  BURN_ADDRESS,
  EXIT_BUFFER,
  STATUS,
  ZERO,
  avs2Params,
  avsParams,
  fundedWallet,
  type AVSParams,
} from "../helpers/slashingFixtures";
import { ISlashingManager__factory } from "../../typechain-types";
import {
  ALLOC,
  ALLOCATION_DELAY,
  DAY,
  EVIDENCE,
  HOUR,
  POOL_STETH,
  JOIN_WINDOW,
  WAD,
  X_VETO_WINDOW,
  allocationView,
  attackFixture,
  magnitudesView,
  expectMinedAt,
  expectMinedRevert,
  poolView,
  request,
  sameBlock,
  type AttackFixture,
} from "./attackHelpersB";

const CAROL_STETH = 70n * WAD;
const OP2_X = WAD / 2n;
const OP2_Y = WAD / 2n;
/** Terms ids of the fixture: X's first record, Y's first record. */
const X_TERMS = 1n;
const Y_TERMS = 2n;

async function termsFixture(): Promise<AttackFixture> {
  const f = await attackFixture();
  const { sm, stETHAddress: stETH } = f;
  await (await sm.connect(f.operator2).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await sm.connect(f.operator2).registerOperatorToAVS(f.avs2.address, "0x")).wait();
  await (await f.registry.connect(f.carol).delegateTo(f.operator2.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await f.vault.connect(f.carol).deposit(stETH, CAROL_STETH, 0n)).wait();
  await (await sm.connect(f.operator2).modifyAllocation(f.avs.address, stETH, OP2_X)).wait();
  await (await sm.connect(f.operator2).modifyAllocation(f.avs2.address, stETH, OP2_Y)).wait();
  await time.increase(ALLOCATION_DELAY);
  return f;
}

/** The queued-config record of a params tuple: keccak256(abi.encode(params)). */
function paramsHash(params: AVSParams): string {
  const fragment = ISlashingManager__factory.createInterface().getFunction("applyAVSConfig");
  if (fragment === null) throw new Error("no applyAVSConfig");
  return ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode([fragment.inputs[1]], [params]));
}

interface QueuedFixture extends AttackFixture {
  effectAt: bigint;
  /** The params X queued (applyAVSConfig takes them back). */
  queued: AVSParams;
}

/** X has queued "no committee" (window 0); returns when it applies and what was queued. */
async function noCommitteeQueuedFixture(): Promise<QueuedFixture> {
  const f = await termsFixture();
  const queued = avsParams(f, { vetoCommittee: ZERO, vetoWindow: 0n });
  await (await f.sm.connect(f.avs).updateAVSConfig(queued)).wait();
  const [, effectAt] = await f.sm.pendingAVSConfig(f.avs.address);
  return { ...f, effectAt, queued };
}

describe("attack: the terms of a request change while it is in flight (review finding Low 4)", function () {
  it("the issue's attack: X queues 'no committee', its slasher requests an hour before it applies; after it applies the old committee still vetoes, and nothing executes early", async function () {
    const f = await loadFixture(noCommitteeQueuedFixture);
    const { sm, stETHAddress, operator1 } = f;
    expect(
      f.effectAt - BigInt(await time.latest()),
      "a loosening waits withdrawalDelay + EXIT_BUFFER",
    ).to.equal(ALLOCATION_DELAY);
    expect((await sm.avsConfig(f.avs.address)).vetoCommittee, "not applied yet").to.equal(
      f.committee.address,
    );

    await time.setNextBlockTimestamp(f.effectAt - HOUR);
    const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
    const executableAt = at + X_VETO_WINDOW;
    const [r] = await sm.slashRequest(id);
    expect([r.termsId, r.executableAt]).to.deep.equal([X_TERMS, executableAt]);

    // The change applies; X's current terms say "no committee", the request's still name the old committee.
    await time.setNextBlockTimestamp(f.effectAt);
    await expect(sm.connect(f.outsider).applyAVSConfig(f.avs.address, f.queued))
      .to.emit(sm, "SlashTermsSet")
      .withArgs(f.avs.address, 3n, ZERO, ZERO);
    const config = await sm.avsConfig(f.avs.address);
    expect([config.vetoCommittee, config.vetoWindow, config.termsId]).to.deep.equal([ZERO, 0n, 3n]);
    expect([...(await sm.slashTerms(Number(X_TERMS)))]).to.deep.equal([f.committee.address, 1n, ZERO]);

    await expect(sm.connect(f.outsider).executeSlash(id))
      .to.be.revertedWithCustomError(sm, "SlashNotExecutable")
      .withArgs(id, executableAt);
    await expect(sm.connect(f.committee).vetoSlash(id))
      .to.emit(sm, "SlashCancelled")
      .withArgs(id, f.committee.address, true);
    expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.Vetoed);
    expect(await poolView(f, operator1.address, stETHAddress)).to.include({
      totalAssets: POOL_STETH,
      pendingSlash: 0n,
      pendingRequests: 0n,
    });
    expect((await allocationView(f, operator1.address, f.avs.address, stETHAddress)).current).to.equal(
      ALLOC.xStETH,
    );
  });

  it("the last second: at effectAt - 1 applyAVSConfig reverts and a request in that block keeps the committee; at effectAt a request mined right after applyAVSConfig has none (executable at once, the old committee cannot veto it)", async function () {
    const f = await loadFixture(noCommitteeQueuedFixture);
    const { sm, operator1, operator2 } = f;
    const last = await sameBlock(
      [
        { tip: 60n, send: (o) => sm.connect(f.outsider).applyAVSConfig(f.avs.address, f.queued, o) },
        {
          tip: 50n,
          send: (o) =>
            sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, WAD / 2n, EVIDENCE, o),
        },
      ],
      f.effectAt - 1n,
    );
    await expectMinedRevert(last.receipts[0], sm, "NoPendingConfig", [f.avs.address, f.effectAt]);
    expectMinedAt(last.receipts[1], 1, "the request under the old terms");

    const first = await sameBlock(
      [
        { tip: 60n, send: (o) => sm.connect(f.outsider).applyAVSConfig(f.avs.address, f.queued, o) },
        {
          tip: 50n,
          send: (o) =>
            sm.connect(f.slasher).requestSlash(f.avs.address, operator2.address, WAD / 2n, EVIDENCE, o),
        },
      ],
      f.effectAt,
    );
    expectMinedAt(first.receipts[0], 0, "applyAVSConfig");
    expectMinedAt(first.receipts[1], 1, "the request under the new terms");
    const [before] = await sm.slashRequest(1n);
    const [after] = await sm.slashRequest(2n);
    expect([before.termsId, before.executableAt]).to.deep.equal([X_TERMS, f.effectAt - 1n + X_VETO_WINDOW]);
    expect([after.termsId, after.executableAt]).to.deep.equal([3n, f.effectAt]);

    await expect(sm.connect(f.committee).vetoSlash(2n))
      .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
      .withArgs(f.committee.address, f.avs.address);
    await expect(sm.connect(f.outsider).executeSlash(1n))
      .to.be.revertedWithCustomError(sm, "SlashNotExecutable")
      .withArgs(1n, f.effectAt - 1n + X_VETO_WINDOW);
    await expect(sm.connect(f.committee).vetoSlash(1n))
      .to.emit(sm, "SlashCancelled")
      .withArgs(1n, f.committee.address, true);
    await expect(sm.connect(f.outsider).executeSlash(2n)).to.emit(sm, "SlashExecuted");
  });

  it("a replaced committee: the new one cannot veto a request made under the old one, the old one can; and the old one cannot veto a request made after", async function () {
    const f = await loadFixture(termsFixture);
    const { sm, operator1, operator2 } = f;
    const newCommittee = await fundedWallet("attack-b new committee");
    const queued = avsParams(f, { vetoCommittee: newCommittee.address });
    await (await sm.connect(f.avs).updateAVSConfig(queued)).wait();
    const [, effectAt] = await sm.pendingAVSConfig(f.avs.address);
    await time.setNextBlockTimestamp(effectAt - 1n);
    const old = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
    await (await sm.applyAVSConfig(f.avs.address, queued)).wait();
    const fresh = await request(f, f.slasher, f.avs.address, operator2.address, WAD / 2n);
    expect((await sm.slashRequest(fresh.id))[0].termsId).to.equal(3n);

    await expect(sm.connect(newCommittee).vetoSlash(old.id))
      .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
      .withArgs(newCommittee.address, f.avs.address);
    await expect(sm.connect(f.committee).vetoSlash(fresh.id))
      .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
      .withArgs(f.committee.address, f.avs.address);
    await (await sm.connect(f.committee).vetoSlash(old.id)).wait();
    await (await sm.connect(newCommittee).vetoSlash(fresh.id)).wait();
    expect((await sm.slashRequest(old.id))[0].status).to.equal(STATUS.Vetoed);
    expect((await sm.slashRequest(fresh.id))[0].status).to.equal(STATUS.Vetoed);
  });

  it("a committee added at once (tightening) cannot veto a request made without one", async function () {
    const f = await loadFixture(termsFixture);
    const { sm, operator1 } = f;
    const { id } = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
    await expect(
      sm
        .connect(f.avs2)
        .updateAVSConfig(avs2Params(f, { vetoCommittee: f.committee.address, vetoWindow: DAY })),
    ).to.emit(sm, "AVSConfigUpdated");
    expect((await sm.avsConfig(f.avs2.address)).vetoCommittee).to.equal(f.committee.address);
    await expect(sm.connect(f.committee).vetoSlash(id))
      .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
      .withArgs(f.committee.address, f.avs2.address);
    await expect(sm.connect(f.outsider).executeSlash(id)).to.emit(sm, "SlashExecuted");
  });

  it("windows and maximum are fixed at request: a longer window (tightening) does not delay it, a lower maximum does not shrink it", async function () {
    const f = await loadFixture(termsFixture);
    const { sm, stETHAddress, operator1 } = f;
    const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
    const [, reserved] = await sm.slashedAsset(id, 0n);
    await (
      await sm
        .connect(f.avs)
        .updateAVSConfig(avsParams(f, { vetoWindow: 2n * DAY - 1n, maxSlashWad: WAD / 100n }))
    ).wait();
    expect((await sm.avsConfig(f.avs.address)).maxSlashWad, "applied at once").to.equal(WAD / 100n);
    await time.setNextBlockTimestamp(at + X_VETO_WINDOW);
    await expect(sm.connect(f.outsider).executeSlash(id))
      .to.emit(sm, "SlashAssetExecuted")
      .withArgs(id, stETHAddress, reserved.magnitude, reserved.amount, WAD - reserved.magnitude, false);
    expect(reserved.amount).to.equal((POOL_STETH * (ALLOC.xStETH / 2n)) / WAD);
  });

  describe("the recipient", function () {
    it("a recipient change after the request: release pays the request's recipient, also for a request made an hour before the change and executed after it; a request after the change pays the new one", async function () {
      const f = await loadFixture(termsFixture);
      const { sm, stETH, stETHAddress, operator1, operator2 } = f;
      // Y (no committee) takes 10% of operator1's 60% at once.
      const first = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      expect((await sm.slashRequest(first.id))[0].termsId).to.equal(Y_TERMS);
      await (await sm.executeSlash(first.id)).wait();
      const [, firstSlash] = await sm.slashedAsset(first.id, 0n);

      const queued = avs2Params(f, { recipient: f.recipient2.address });
      await (await sm.connect(f.avs2).updateAVSConfig(queued)).wait();
      const [, effectAt] = await sm.pendingAVSConfig(f.avs2.address);
      await time.setNextBlockTimestamp(effectAt - HOUR);
      const second = await request(f, f.slasher2, f.avs2.address, operator2.address, WAD / 10n);
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.applyAVSConfig(f.avs2.address, queued)).wait();
      expect((await sm.avsConfig(f.avs2.address)).recipient).to.equal(f.recipient2.address);
      await (await sm.executeSlash(second.id)).wait();
      const [, secondSlash] = await sm.slashedAsset(second.id, 0n);

      await expect(sm.connect(f.outsider).releaseSlashedFunds(first.id, stETHAddress)).to.changeTokenBalances(
        stETH,
        [f.recipient, f.recipient2],
        [firstSlash.amount, 0n],
      );
      await expect(sm.connect(f.outsider).releaseSlashedFunds(second.id, stETHAddress))
        .to.emit(sm, "SlashedFundsReleased")
        .withArgs(second.id, f.recipient.address, stETHAddress, secondSlash.amount);

      // operator1's Y allocation is out of its cooldown by now: a request under the new terms pays recipient2.
      const third = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      expect((await sm.slashRequest(third.id))[0].termsId).to.equal(3n);
      await (await sm.executeSlash(third.id)).wait();
      const [, thirdSlash] = await sm.slashedAsset(third.id, 0n);
      await expect(sm.connect(f.outsider).releaseSlashedFunds(third.id, stETHAddress)).to.changeTokenBalances(
        stETH,
        [f.recipient, f.recipient2],
        [0n, thirdSlash.amount],
      );
      expect(firstSlash.amount * secondSlash.amount * thirdSlash.amount).to.not.equal(0n);
    });

    it("a switch from a recipient to burning after the request still pays the recipient; one from burning to a recipient still burns", async function () {
      const f = await loadFixture(termsFixture);
      const { sm, stETH, stETHAddress, operator1 } = f;
      const toBurn = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      await (await sm.executeSlash(toBurn.id)).wait();
      // The execution reopened the pool but not its epoch (gateAt = Y's request): X joins it at its last second.
      const { gateAt } = await magnitudesView(f, operator1.address, stETHAddress);
      expect(gateAt).to.equal(toBurn.at);
      await time.setNextBlockTimestamp(gateAt + JOIN_WINDOW - 1n);
      const toRecipient = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 10n);
      expect((await sm.slashedAsset(toRecipient.id, 0n))[0], "X's request takes stETH").to.equal(
        stETHAddress,
      );
      const yQueued = avs2Params(f, { recipient: ZERO });
      const xQueued = avsParams(f, { recipient: f.recipient2.address });
      await (await sm.connect(f.avs2).updateAVSConfig(yQueued)).wait();
      await (await sm.connect(f.avs).updateAVSConfig(xQueued)).wait();
      const [, effectAt] = await sm.pendingAVSConfig(f.avs.address);
      await time.setNextBlockTimestamp(toRecipient.at + X_VETO_WINDOW);
      await (await sm.executeSlash(toRecipient.id)).wait();
      await time.increaseTo(effectAt);
      await (await sm.applyAVSConfig(f.avs.address, xQueued)).wait();
      await (await sm.applyAVSConfig(f.avs2.address, yQueued)).wait();

      const [, burnt] = await sm.slashedAsset(toBurn.id, 0n);
      await expect(sm.releaseSlashedFunds(toBurn.id, stETHAddress)).to.changeTokenBalances(
        stETH,
        [f.recipient, BURN_ADDRESS],
        [burnt.amount, 0n],
      );
      const [, kept] = await sm.slashedAsset(toRecipient.id, 0n);
      await expect(sm.releaseSlashedFunds(toRecipient.id, stETHAddress)).to.changeTokenBalances(
        stETH,
        [f.recipient2, BURN_ADDRESS],
        [0n, kept.amount],
      );
    });
  });

  it("what a request does not carry: after a slasher change applies, only the new slasher may cancel it (NotCancellable for the old one)", async function () {
    const f = await loadFixture(termsFixture);
    const { sm, operator1 } = f;
    const newSlasher = await fundedWallet("attack-b new slasher");
    const queued = avsParams(f, { slasher: newSlasher.address });
    await (await sm.connect(f.avs).updateAVSConfig(queued)).wait();
    const [, effectAt] = await sm.pendingAVSConfig(f.avs.address);
    await time.setNextBlockTimestamp(effectAt - HOUR);
    const { id } = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
    await time.setNextBlockTimestamp(effectAt);
    await (await sm.applyAVSConfig(f.avs.address, queued)).wait();
    await expect(sm.connect(f.slasher).cancelSlash(id))
      .to.be.revertedWithCustomError(sm, "NotCancellable")
      .withArgs(id, f.slasher.address);
    await expect(sm.connect(newSlasher).cancelSlash(id))
      .to.emit(sm, "SlashCancelled")
      .withArgs(id, newSlasher.address, false);
  });

  describe("a queued change in flight: applyAVSConfig takes the params queued", function () {
    it("other params at effectAt revert PendingConfigMismatch(X, hash of the queued): a stricter variant, the same config with its assets reordered; the queued ones apply once (then NoPendingConfig(X, 0))", async function () {
      const f = await loadFixture(noCommitteeQueuedFixture);
      const { sm } = f;
      const hash = paramsHash(f.queued);
      expect([...(await sm.pendingAVSConfig(f.avs.address))]).to.deep.equal([hash, f.effectAt]);
      await time.setNextBlockTimestamp(f.effectAt);
      for (const other of [
        avsParams(f, { vetoCommittee: ZERO, vetoWindow: 0n, maxSlashWad: WAD / 100n }),
        avsParams(f, { vetoCommittee: ZERO, vetoWindow: 0n, assets: [f.rETHAddress, f.stETHAddress] }),
        avsParams(f, { vetoCommittee: ZERO, vetoWindow: 0n, slasher: f.outsider.address }),
      ]) {
        await expect(sm.connect(f.outsider).applyAVSConfig(f.avs.address, other))
          .to.be.revertedWithCustomError(sm, "PendingConfigMismatch")
          .withArgs(f.avs.address, hash);
      }
      await expect(sm.connect(f.outsider).applyAVSConfig(f.avs.address, f.queued)).to.emit(
        sm,
        "AVSConfigUpdated",
      );
      expect((await sm.avsConfig(f.avs.address)).vetoCommittee).to.equal(ZERO);
      await expect(sm.connect(f.outsider).applyAVSConfig(f.avs.address, f.queued))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.avs.address, 0n);
    });

    it("a re-queued loosening replaces the first: the first's params revert PendingConfigMismatch even after its effectAt, the second waits its own 14 days 7 hours; a tightening in between drops the queue (NoPendingConfig(X, 0))", async function () {
      const f = await loadFixture(noCommitteeQueuedFixture);
      const { sm } = f;
      const second = avsParams(f, { maxSlashWad: WAD });
      await time.setNextBlockTimestamp(f.effectAt - HOUR);
      await (await sm.connect(f.avs).updateAVSConfig(second)).wait();
      const secondEffectAt = f.effectAt - HOUR + ALLOCATION_DELAY;
      expect([...(await sm.pendingAVSConfig(f.avs.address))]).to.deep.equal([
        paramsHash(second),
        secondEffectAt,
      ]);
      await time.setNextBlockTimestamp(f.effectAt);
      await expect(sm.applyAVSConfig(f.avs.address, f.queued))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.avs.address, secondEffectAt);
      await time.setNextBlockTimestamp(secondEffectAt);
      await expect(sm.applyAVSConfig(f.avs.address, f.queued))
        .to.be.revertedWithCustomError(sm, "PendingConfigMismatch")
        .withArgs(f.avs.address, paramsHash(second));
      // A tightening (a longer window) applies at once and drops the queued loosening.
      await expect(sm.connect(f.avs).updateAVSConfig(avsParams(f, { vetoWindow: 2n * DAY - 1n }))).to.emit(
        sm,
        "AVSConfigUpdated",
      );
      await expect(sm.applyAVSConfig(f.avs.address, second))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.avs.address, 0n);
      expect((await sm.avsConfig(f.avs.address)).maxSlashWad).to.equal(WAD / 2n);
    });

    it("a loosening queued right after the withdrawal delay was cut from 7 to 4 days waits for the old delay's horizon + EXIT_BUFFER (14 days 7 hours), not 11 days 7 hours; at effectAt - 1 NoPendingConfig", async function () {
      const f = await loadFixture(termsFixture);
      const { sm, vault } = f;
      await (await vault.setWithdrawalDelay(4n * DAY)).wait();
      const cutAt = BigInt(await time.latest());
      expect(await vault.latestReadyAt()).to.equal(cutAt + 7n * DAY);
      const queued = avsParams(f, { vetoCommittee: ZERO, vetoWindow: 0n });
      await time.setNextBlockTimestamp(cutAt + 1n);
      await (await sm.connect(f.avs).updateAVSConfig(queued)).wait();
      const effectAt = cutAt + 7n * DAY + EXIT_BUFFER;
      expect((await sm.pendingAVSConfig(f.avs.address)).effectAt).to.equal(effectAt);
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.applyAVSConfig(f.avs.address, queued))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.avs.address, effectAt);
      await expect(sm.applyAVSConfig(f.avs.address, queued)).to.emit(sm, "AVSConfigUpdated");
    });
  });
});
