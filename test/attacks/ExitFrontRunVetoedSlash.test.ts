/**
 * Review finding Medium 3 (issue 9): a slasher takes part of an exit with a request that is later vetoed.
 *
 * The attack as reported: Bob's withdrawal of 200 stETH is ready; the slasher's 20% request lands in the same block
 * just before Bob's completion (higher tip); Bob is paid 160 (priced net of the reservation); the committee vetoes; the
 * 40 that Bob lost goes to alice, who stayed (100 -> 140).
 *
 * The fix chosen (docs/slashing.md, "Pending requests close the pool"; docs/staking.md "Complete a withdrawal"):
 * exits from a pool with a pending request wait for it to resolve (`PoolSlashPending(operator, asset,
 * pendingRequests)`), every completion takes a minimum-out bound (`AssetsBelowMinimum(assets, minAssets)`), and one
 * AVS can hold a pool closed at most vetoWindow + EXECUTION_WINDOW out of every vetoWindow + EXECUTION_WINDOW +
 * SLASH_COOLDOWN (one open request per allocation, `SlashRequestOpen`, and a cooldown, `SlashCooldown`). All AVSs
 * together are bounded by the pool gate (docs/slashing.md, "Pending requests close the pool"): requests on a pool come
 * in epochs; the first starts one (gateAt), others join it only within JOIN_WINDOW (6 h) of its start, closed or
 * reopened; the next epoch starts no sooner than GATE_CYCLE (3 days 18 h - 1 s) after it and only once nothing of it
 * is pending (`PoolGated(operator, asset, gateAt + GATE_CYCLE)` meanwhile). So one closure lasts at most
 * JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW = 3 days 6 h - 1 s and is followed by at least 12 hours open.
 *
 * World (attackHelpersB.ts attackFixture): pool (operator1, stETH) = alice 100 + bob 200; X (committee, 1-day veto
 * window, max 1/2) holds 40% of it, Y (no committee, max 100%) 60%. Here bob has queued all his stETH.
 * X's 50% request takes s = 0.2e18 of magnitude and reserves 300 * 0.2 = 60 stETH: the 20%.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { STAKER_FUNDS } from "../helpers/fixtures";
import { toAssetsDown } from "../helpers/sharesMath";
import { STATUS, avs2Params, avsParams } from "../helpers/slashingFixtures";
import {
  ALICE_RETH,
  ALICE_STETH,
  ALLOC,
  BOB_STETH,
  DAY,
  EVIDENCE,
  EXECUTION_WINDOW,
  EXIT_MARGIN,
  GATE_CYCLE,
  HOUR,
  JOIN_WINDOW,
  LONGEST_CLOSURE,
  MAX_VETO_WINDOW,
  POOL_STETH,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  WAD,
  X_VETO_WINDOW,
  allocationView,
  nextRequestAtOf,
  attackFixture,
  expectMinedAt,
  expectMinedRevert,
  magnitudesView,
  poolView,
  queueAll,
  request,
  sameBlock,
  type AttackFixture,
} from "./attackHelpersB";

/** X's request: half of its 40% allocation, i.e. 20% of the pool. */
const F_X = WAD / 2n;
const S_X = (ALLOC.xStETH * F_X) / WAD;
const RESERVED_X = (POOL_STETH * S_X) / WAD;

interface ExitFixture extends AttackFixture {
  bobId: bigint;
  bobShares: bigint;
  readyAt: bigint;
}

async function exitFixture(): Promise<ExitFixture> {
  const f = await attackFixture();
  const { id, readyAt, shares } = await queueAll(f, f.bob, f.stETHAddress);
  return { ...f, bobId: id, bobShares: shares, readyAt };
}

/** The contract's GATE_CYCLE, read from a fresh deployment (the constant restated in attackHelpersB.ts must match). */
async function f0GateCycle(): Promise<bigint> {
  const f = await loadFixture(exitFixture);
  return f.sm.GATE_CYCLE();
}

describe("attack: a vetoed request front-runs a ready exit (review finding Medium 3)", function () {
  it("the issue's attack: the request lands first in Bob's block, Bob's completion reverts PoolSlashPending; after the veto Bob takes his full 200 and alice keeps her 100", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob, alice } = f;
    expect(RESERVED_X, "the issue's 20% of the pool").to.equal(60n * WAD);
    const poolBefore = await poolView(f, operator1.address, stETHAddress);
    expect(poolBefore).to.deep.equal({
      totalAssets: POOL_STETH,
      totalShares: poolBefore.totalShares,
      queuedShares: f.bobShares,
      pendingSlash: 0n,
      pendingRequests: 0n,
      fullySlashed: false,
    });

    // Same block, the slasher's higher tip first, then Bob's completion without a bound.
    const block = await sameBlock(
      [
        {
          tip: 50n,
          send: (o) => sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
        },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
      ],
      f.readyAt,
    );
    const [requestReceipt, completion] = block.receipts;
    expectMinedAt(requestReceipt, 0, "the slasher's request");
    expect(completion.index, "Bob's completion comes second").to.equal(1);
    await expectMinedRevert(completion, vault, "PoolSlashPending", [operator1.address, stETHAddress, 1n]);

    const [, reserved] = await sm.slashedAsset(1n, 0n);
    expect([reserved.magnitude, reserved.amount]).to.deep.equal([S_X, RESERVED_X]);
    // What the old code paid Bob (his shares at the net price): 160 stETH. Now he is paid nothing yet.
    const [netWorth] = await vault.withdrawableAmount(f.bobId);
    expect(netWorth).to.equal(toAssetsDown(f.bobShares, POOL_STETH - RESERVED_X, poolBefore.totalShares));
    expect(netWorth).to.equal(160n * WAD);
    expect(await stETH.balanceOf(bob.address), "Bob was paid nothing").to.equal(STAKER_FUNDS - BOB_STETH);
    const [owner, stored] = await vault.withdrawal(f.bobId);
    expect([owner, stored.shares], "Bob's withdrawal is intact").to.deep.equal([bob.address, f.bobShares]);
    // Every exit path waits, as shares too.
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, false, 0n))
      .to.be.revertedWithCustomError(vault, "PoolSlashPending")
      .withArgs(operator1.address, stETHAddress, 1n);

    // The committee vetoes an hour later: the pool reopens whole (its epoch still started at the request: gateAt).
    await time.setNextBlockTimestamp(block.timestamp + HOUR);
    await (await sm.connect(f.committee).vetoSlash(1n)).wait();
    expect(await poolView(f, operator1.address, stETHAddress)).to.deep.equal(poolBefore);
    expect(await allocationView(f, operator1.address, f.avs.address, stETHAddress)).to.deep.equal({
      current: ALLOC.xStETH,
      pendingDelta: 0n,
      pendingIncrease: false,
      effectAt: 0n,
      changedAfterRequest: false,
      openRequest: 1n,
    });
    expect(await magnitudesView(f, operator1.address, stETHAddress)).to.deep.equal({
      lost: 0n,
      encumbered: ALLOC.xStETH + ALLOC.yStETH,
      reserved: 0n,
      gateAt: block.timestamp,
      maxMagnitude: WAD,
    });

    // Bob leaves with his full 200 (a bound of exactly 200 passes) and alice keeps exactly her 100.
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH)).to.changeTokenBalances(
      stETH,
      [bob, f.vaultAddress],
      [BOB_STETH, -BOB_STETH],
    );
    const [, , aliceAssets] = await vault.position(alice.address, stETHAddress);
    expect(aliceAssets, "alice, who stayed, keeps 100 (the issue had her at 140)").to.equal(ALICE_STETH);
    const aliceExit = await queueAll(f, alice, stETHAddress);
    await time.increaseTo(aliceExit.readyAt);
    await expect(
      vault.connect(alice).completeWithdrawal(aliceExit.id, true, ALICE_STETH),
    ).to.changeTokenBalance(stETH, alice, ALICE_STETH);
    expect(await poolView(f, operator1.address, stETHAddress)).to.deep.equal({
      totalAssets: 0n,
      totalShares: 0n,
      queuedShares: 0n,
      pendingSlash: 0n,
      pendingRequests: 0n,
      fullySlashed: false,
    });
  });

  it("window edges: at readyAt - 1 Bob is not ready; with Bob's tip first in the readyAt block he leaves with 200 and the request reserves 20% of the 100 left", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, operator1, bob } = f;
    await time.setNextBlockTimestamp(f.readyAt - 1n);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, 0n))
      .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
      .withArgs(f.bobId, f.readyAt);

    const block = await sameBlock(
      [
        {
          tip: 1n,
          send: (o) => sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
        },
        { tip: 50n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
      ],
      f.readyAt,
    );
    expectMinedAt(block.receipts[1], 0, "Bob's completion");
    expectMinedAt(block.receipts[0], 1, "the request");
    expect(block.timestamp).to.equal(f.readyAt);
    expect(await f.stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
    const [, reserved] = await sm.slashedAsset(1n, 0n);
    expect([reserved.magnitude, reserved.amount]).to.deep.equal([S_X, (ALICE_STETH * S_X) / WAD]);
    expect(reserved.amount).to.equal(20n * WAD);
  });

  it("an executed request is borne: at executableAt - 1 neither the execution nor Bob's exit goes through; at executableAt Bob completes right after the execution, for exactly the post-slash price", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob, outsider } = f;
    await time.setNextBlockTimestamp(f.readyAt);
    const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
    const executableAt = at + X_VETO_WINDOW;
    const early = await sameBlock(
      [
        { tip: 50n, send: (o) => sm.connect(outsider).executeSlash(id, o) },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
      ],
      executableAt - 1n,
    );
    await expectMinedRevert(early.receipts[0], sm, "SlashNotExecutable", [id, executableAt]);
    await expectMinedRevert(early.receipts[1], vault, "PoolSlashPending", [
      operator1.address,
      stETHAddress,
      1n,
    ]);

    const pool = await poolView(f, operator1.address, stETHAddress);
    const paid = toAssetsDown(f.bobShares, POOL_STETH - RESERVED_X, pool.totalShares);
    const block = await sameBlock(
      [
        { tip: 50n, send: (o) => sm.connect(outsider).executeSlash(id, o) },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, paid, o) },
      ],
      executableAt,
    );
    expectMinedAt(block.receipts[0], 0, "the execution");
    expectMinedAt(block.receipts[1], 1, "Bob's completion");
    expect(paid).to.equal(160n * WAD);
    expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS - BOB_STETH + paid);
    const [, , aliceAssets] = await vault.position(f.alice.address, stETHAddress);
    expect(aliceAssets, "alice bears her 20% too").to.equal(80n * WAD);
  });

  it("a bounded completion: Y requests and executes in Bob's block before him, which holds Bob's exit until EXIT_MARGIN after the request (WithdrawalGated); then Bob's bound of 200 reverts AssetsBelowMinimum(paid, 200) and keeps his withdrawal; the bound passes at exactly `paid`, not at paid + 1, as tokens or as shares", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
    // Y takes a third of its 60%: 0.2e18 of magnitude, 60 stETH, executed at once (no committee).
    const fY = WAD / 3n;
    const sY = (ALLOC.yStETH * fY + WAD - 1n) / WAD;
    expect(sY).to.equal(ALLOC.yStETH / 3n);
    const taken = (POOL_STETH * sY) / WAD;
    expect(taken).to.equal(60n * WAD);
    const { totalShares } = await poolView(f, operator1.address, stETHAddress);
    const paid = toAssetsDown(f.bobShares, POOL_STETH - taken, totalShares);

    const block = await sameBlock(
      [
        {
          tip: 60n,
          send: (o) =>
            sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, fY, EVIDENCE, o),
        },
        { tip: 50n, send: (o) => sm.connect(f.outsider).executeSlash(1n, o) },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
      ],
      f.readyAt,
    );
    expectMinedAt(block.receipts[0], 0, "Y's request");
    expectMinedAt(block.receipts[1], 1, "the execution");
    expect(block.receipts[2].index).to.equal(2);
    // Y's request started the pool's epoch in Bob's block: Bob, ready before its join window closed, waits
    // EXIT_MARGIN after its start.
    await expectMinedRevert(block.receipts[2], vault, "WithdrawalGated", [f.bobId, f.readyAt + EXIT_MARGIN]);
    const bound = await sameBlock(
      [{ tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) }],
      f.readyAt + EXIT_MARGIN,
    );
    await expectMinedRevert(bound.receipts[0], vault, "AssetsBelowMinimum", [paid, BOB_STETH]);
    expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS - BOB_STETH);
    expect((await vault.withdrawal(f.bobId))[1].shares).to.equal(f.bobShares);

    for (const asTokens of [true, false]) {
      await expect(vault.connect(bob).completeWithdrawal(f.bobId, asTokens, paid + 1n))
        .to.be.revertedWithCustomError(vault, "AssetsBelowMinimum")
        .withArgs(paid, paid + 1n);
    }
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, paid)).to.changeTokenBalance(
      stETH,
      bob,
      paid,
    );
  });

  it("1 wei: Y's request of 1 wei of fraction reserves 300 wei and holds Bob's exit all the same; without a committee Bob executes it himself at once and leaves EXIT_MARGIN after the request, 200 wei poorer", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
    const { totalShares } = await poolView(f, operator1.address, stETHAddress);

    // 1 wei of fraction: s = ceil(0.6e18 * 1 / 1e18) = 1, worth floor(300e18 / 1e18) = 300 wei: the pool closes.
    const dust = await sameBlock(
      [
        {
          tip: 60n,
          send: (o) =>
            sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, 1n, EVIDENCE, o),
        },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
      ],
      f.readyAt,
    );
    expectMinedAt(dust.receipts[0], 0, "the dust request");
    await expectMinedRevert(dust.receipts[1], vault, "PoolSlashPending", [
      operator1.address,
      stETHAddress,
      1n,
    ]);
    const [, dustReserved] = await sm.slashedAsset(1n, 0n);
    expect([dustReserved.magnitude, dustReserved.amount]).to.deep.equal([1n, 300n]);
    // Without a committee the request is executable at once: Bob executes it; the epoch it started holds his exit
    // until EXIT_MARGIN after it, when he leaves, 200 wei poorer.
    const paid = toAssetsDown(f.bobShares, POOL_STETH - 300n, totalShares);
    expect(paid).to.equal(BOB_STETH - 200n);
    const out = await sameBlock([
      { tip: 50n, send: (o) => sm.connect(bob).executeSlash(1n, o) },
      { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, paid, o) },
    ]);
    expectMinedAt(out.receipts[0], 0, "Bob's execution of the dust request");
    expect(dust.timestamp).to.equal(f.readyAt);
    await expectMinedRevert(out.receipts[1], vault, "WithdrawalGated", [f.bobId, f.readyAt + EXIT_MARGIN]);
    const leave = await sameBlock(
      [{ tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, paid, o) }],
      f.readyAt + EXIT_MARGIN,
    );
    expectMinedAt(leave.receipts[0], 0, "Bob's completion");
    expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS - BOB_STETH + paid);
  });

  it("100%: Y's request of its whole allocation reserves 60% of the pool and holds Bob; its cancellation by Y's slasher gives Bob back his 200, EXIT_MARGIN after the request", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
    const block = await sameBlock(
      [
        {
          tip: 60n,
          send: (o) =>
            sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD, EVIDENCE, o),
        },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
      ],
      f.readyAt,
    );
    await expectMinedRevert(block.receipts[1], vault, "PoolSlashPending", [
      operator1.address,
      stETHAddress,
      1n,
    ]);
    const [, reserved] = await sm.slashedAsset(1n, 0n);
    expect([reserved.magnitude, reserved.amount]).to.deep.equal([ALLOC.yStETH, (POOL_STETH * 6n) / 10n]);
    await (await sm.connect(f.slasher2).cancelSlash(1n)).wait();
    // The request started the pool's epoch at readyAt: Bob waits EXIT_MARGIN after it.
    expect(block.timestamp).to.equal(f.readyAt);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH))
      .to.be.revertedWithCustomError(vault, "WithdrawalGated")
      .withArgs(f.bobId, f.readyAt + EXIT_MARGIN);
    await time.setNextBlockTimestamp(f.readyAt + EXIT_MARGIN);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH)).to.changeTokenBalance(
      stETH,
      bob,
      BOB_STETH,
    );
  });

  it("the count, not the tokens: with X's and Y's requests pending Bob's exit reverts PoolSlashPending(.., 2), then (.., 1) after X's veto, and goes through once Y's slasher cancels, EXIT_MARGIN after X's request", async function () {
    const f = await loadFixture(exitFixture);
    const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
    await time.setNextBlockTimestamp(f.readyAt);
    const { at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
    await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, 0n))
      .to.be.revertedWithCustomError(vault, "PoolSlashPending")
      .withArgs(operator1.address, stETHAddress, 2n);
    await (await sm.connect(f.committee).vetoSlash(1n)).wait();
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, 0n))
      .to.be.revertedWithCustomError(vault, "PoolSlashPending")
      .withArgs(operator1.address, stETHAddress, 1n);
    await (await sm.connect(f.slasher2).cancelSlash(2n)).wait();
    // X's request started the pool's epoch (Y's joined it): Bob waits EXIT_MARGIN after its start.
    expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(at);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH))
      .to.be.revertedWithCustomError(vault, "WithdrawalGated")
      .withArgs(f.bobId, at + EXIT_MARGIN);
    await time.setNextBlockTimestamp(at + EXIT_MARGIN);
    await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH)).to.changeTokenBalance(
      stETH,
      bob,
      BOB_STETH,
    );
  });

  describe("the bound on how long one slasher keeps the exit closed", function () {
    it("a veto or the slasher's own cancel does not reset the cooldown: a re-request in the veto's block reverts SlashCooldown(X, operator1, stETH, t0 + 5 days), as does one ahead of Bob's completion EXIT_MARGIN after the request, when Bob leaves", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
      await time.setNextBlockTimestamp(f.readyAt);
      const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      const nextRequestAt = at + X_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      expect(nextRequestAt - at).to.equal(5n * DAY);
      // The cooldown is derived from the allocation's last request (kept after it resolves) and its executableAt.
      expect((await allocationView(f, operator1.address, f.avs.address, stETHAddress)).openRequest).to.equal(
        id,
      );
      expect(nextRequestAtOf((await sm.slashRequest(id))[0].executableAt)).to.equal(nextRequestAt);

      const block = await sameBlock([
        { tip: 60n, send: (o) => sm.connect(f.committee).vetoSlash(id, o) },
        {
          tip: 50n,
          send: (o) => sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
        },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
      ]);
      expectMinedAt(block.receipts[0], 0, "the veto");
      await expectMinedRevert(block.receipts[1], sm, "SlashCooldown", [
        f.avs.address,
        operator1.address,
        stETHAddress,
        nextRequestAt,
      ]);
      // The request started the pool's epoch at t0: Bob waits EXIT_MARGIN after it, and the slasher still cannot
      // request then.
      await expectMinedRevert(block.receipts[2], vault, "WithdrawalGated", [f.bobId, at + EXIT_MARGIN]);
      const leave = await sameBlock(
        [
          {
            tip: 50n,
            send: (o) =>
              sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
          },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
        ],
        at + EXIT_MARGIN,
      );
      await expectMinedRevert(leave.receipts[0], sm, "SlashCooldown", [
        f.avs.address,
        operator1.address,
        stETHAddress,
        nextRequestAt,
      ]);
      expectMinedAt(leave.receipts[1], 1, "Bob's completion");
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
    });

    it("a self-cancel and re-request is refused until nextRequestAt: at nextRequestAt - 1 SlashCooldown, at nextRequestAt it is accepted", async function () {
      const f = await loadFixture(exitFixture);
      const { sm, stETHAddress, operator1 } = f;
      await time.setNextBlockTimestamp(f.readyAt);
      const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      const nextRequestAt = at + X_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
      await (await sm.connect(f.slasher).cancelSlash(id)).wait();
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, operator1.address, stETHAddress, nextRequestAt);
      await time.setNextBlockTimestamp(nextRequestAt - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, operator1.address, stETHAddress, nextRequestAt);
      await time.setNextBlockTimestamp(nextRequestAt);
      await expect(
        sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE),
      ).to.emit(sm, "SlashRequested");
    });

    it("a request left pending: Bob cannot cancel it at expiresAt - 1 (NotCancellable) but can at expiresAt, and leaves in that block; the pool was closed 2 of the 5 days before the slasher may request again", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, stETHAddress, operator1, bob } = f;
      await time.setNextBlockTimestamp(f.readyAt);
      const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      const expiresAt = at + X_VETO_WINDOW + EXECUTION_WINDOW;
      const nextRequestAt = expiresAt + SLASH_COOLDOWN;

      const early = await sameBlock(
        [
          { tip: 50n, send: (o) => sm.connect(bob).cancelSlash(id, o) },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
        ],
        expiresAt - 1n,
      );
      await expectMinedRevert(early.receipts[0], sm, "NotCancellable", [id, bob.address]);
      await expectMinedRevert(early.receipts[1], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      const block = await sameBlock(
        [
          { tip: 60n, send: (o) => sm.connect(f.outsider).executeSlash(id, o) },
          { tip: 50n, send: (o) => sm.connect(bob).cancelSlash(id, o) },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
        ],
        expiresAt,
      );
      await expectMinedRevert(block.receipts[0], sm, "SlashExpired", [id, expiresAt]);
      expectMinedAt(block.receipts[1], 1, "Bob's cancellation");
      expectMinedAt(block.receipts[2], 2, "Bob's completion");
      expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.Cancelled);
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
      expect(expiresAt - at, "closed at most vetoWindow + EXECUTION_WINDOW").to.equal(2n * DAY);
      expect(nextRequestAt - at, "out of every vetoWindow + EXECUTION_WINDOW + SLASH_COOLDOWN").to.equal(
        5n * DAY,
      );
    });

    it("an expired request nobody cancelled blocks the slasher's next one (SlashRequestOpen) even after the cooldown", async function () {
      const f = await loadFixture(exitFixture);
      const { sm, stETHAddress, operator1 } = f;
      await time.setNextBlockTimestamp(f.readyAt);
      const { at } = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      await time.setNextBlockTimestamp(at + X_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, operator1.address, stETHAddress);
    });
  });

  describe("the pool gate: how long all slashers together keep the exit closed", function () {
    /** X's request lands first in Bob's readyAt block and closes the pool (gateAt = readyAt); Bob's exit waits. */
    async function closedAtReadyAt(f: ExitFixture): Promise<bigint> {
      const block = await sameBlock(
        [
          {
            tip: 50n,
            send: (o) =>
              f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F_X, EVIDENCE, o),
          },
          { tip: 1n, send: (o) => f.vault.connect(f.bob).completeWithdrawal(f.bobId, true, 0n, o) },
        ],
        f.readyAt,
      );
      expectMinedAt(block.receipts[0], 0, "X's request");
      await expectMinedRevert(block.receipts[1], f.vault, "PoolSlashPending", [
        f.operator1.address,
        f.stETHAddress,
        1n,
      ]);
      expect((await magnitudesView(f, f.operator1.address, f.stETHAddress)).gateAt).to.equal(f.readyAt);
      return f.readyAt;
    }

    it("join window edges: Y joins X's epoch at closedAt + JOIN_WINDOW - 1 (2 requests pending); at closedAt + JOIN_WINDOW it reverts PoolGated(operator1, stETH, closedAt + GATE_CYCLE) and the closure is not extended", async function () {
      expect(GATE_CYCLE, "3 days 18 hours - 1 s").to.equal(3n * DAY + 18n * HOUR - 1n);
      expect(await f0GateCycle(), "the contract's constant").to.equal(GATE_CYCLE);
      for (const offset of [1n, 0n]) {
        const f = await loadFixture(exitFixture);
        const { sm, operator1, stETHAddress } = f;
        const closedAt = await closedAtReadyAt(f);
        const joinUntil = closedAt + JOIN_WINDOW;
        await time.setNextBlockTimestamp(joinUntil - offset);
        const attempt = sm
          .connect(f.slasher2)
          .requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE);
        if (offset === 1n) {
          await expect(attempt).to.emit(sm, "SlashRequested");
          expect((await poolView(f, operator1.address, stETHAddress)).pendingRequests).to.equal(2n);
        } else {
          await expect(attempt)
            .to.be.revertedWithCustomError(sm, "PoolGated")
            .withArgs(operator1.address, stETHAddress, closedAt + GATE_CYCLE);
          expect((await poolView(f, operator1.address, stETHAddress)).pendingRequests).to.equal(1n);
        }
        expect(
          (await magnitudesView(f, operator1.address, stETHAddress)).gateAt,
          "gateAt stays at the epoch's start",
        ).to.equal(closedAt);
      }
    });

    it("a veto inside the epoch's join window reopens the pool but not the epoch: Y's request in the veto's block joins it and Bob waits; Bob executes Y himself (no committee) and leaves at the post-slash price, 188", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, operator1, stETHAddress, bob } = f;
      await closedAtReadyAt(f);
      const { totalShares } = await poolView(f, operator1.address, stETHAddress);
      const vetoAt = f.readyAt + HOUR;
      const block = await sameBlock(
        [
          { tip: 60n, send: (o) => sm.connect(f.committee).vetoSlash(1n, o) },
          {
            tip: 50n,
            send: (o) =>
              sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE, o),
          },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
        ],
        vetoAt,
      );
      expectMinedAt(block.receipts[0], 0, "the veto");
      expectMinedAt(block.receipts[1], 1, "Y's request, joining the epoch of readyAt");
      await expectMinedRevert(block.receipts[2], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(f.readyAt);
      // Y takes s = 6% (10% of its 60%), 18 stETH; Bob executes it and leaves in one block at 200 * 282 / 300.
      const [, ySlashed] = await sm.slashedAsset(2n, 0n);
      expect([ySlashed.magnitude, ySlashed.amount]).to.deep.equal([(6n * WAD) / 100n, 18n * WAD]);
      const paid = toAssetsDown(f.bobShares, POOL_STETH - 18n * WAD, totalShares);
      expect(paid).to.equal(188n * WAD);
      const out = await sameBlock([
        { tip: 50n, send: (o) => sm.connect(bob).executeSlash(2n, o) },
        { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, paid, o) },
      ]);
      expectMinedAt(out.receipts[0], 0, "Bob's execution of Y's request");
      expectMinedAt(out.receipts[1], 1, "Bob's completion");
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS - BOB_STETH + paid);
    });

    it("a veto after the join window: in the veto's block Y's request reverts PoolGated(operator1, stETH, readyAt + GATE_CYCLE) and Bob leaves with 200; at readyAt + GATE_CYCLE - 1 still PoolGated, at readyAt + GATE_CYCLE Y's request starts a new epoch", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, operator1, stETHAddress, bob } = f;
      await closedAtReadyAt(f);
      const vetoAt = f.readyAt + JOIN_WINDOW;
      const nextEpochAt = f.readyAt + GATE_CYCLE;
      const block = await sameBlock(
        [
          { tip: 60n, send: (o) => sm.connect(f.committee).vetoSlash(1n, o) },
          {
            tip: 50n,
            send: (o) =>
              sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE, o),
          },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
        ],
        vetoAt,
      );
      expectMinedAt(block.receipts[0], 0, "the veto");
      await expectMinedRevert(block.receipts[1], sm, "PoolGated", [
        operator1.address,
        stETHAddress,
        nextEpochAt,
      ]);
      expectMinedAt(block.receipts[2], 2, "Bob's completion");
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(f.readyAt);

      await time.setNextBlockTimestamp(nextEpochAt - 1n);
      await expect(
        sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE),
      )
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(operator1.address, stETHAddress, nextEpochAt);
      await time.setNextBlockTimestamp(nextEpochAt);
      await expect(
        sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE),
      ).to.emit(sm, "SlashRequested");
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(nextEpochAt);
    });

    it("an execution does not restart the epoch: Y requests and executes at t and X's request mined right after it joins (stETH and rETH; 60 stETH, Y's loss leaves X's stake whole); after X's veto at t + JOIN_WINDOW the epoch still dates from t (X then meets its own cooldown: SlashCooldown)", async function () {
      const f = await loadFixture(exitFixture);
      const { sm, operator1, stETHAddress, rETHAddress } = f;
      const t = f.readyAt;
      const block = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) =>
              sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE, o),
          },
          { tip: 50n, send: (o) => sm.connect(f.outsider).executeSlash(1n, o) },
          {
            tip: 1n,
            send: (o) =>
              sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
          },
        ],
        t,
      );
      expectMinedAt(block.receipts[0], 0, "Y's request");
      expectMinedAt(block.receipts[1], 1, "its execution");
      expectMinedAt(block.receipts[2], 2, "X's request, in the reopened pool of the same epoch");
      expect((await sm.slashRequest(2n))[0].assetCount, "both assets").to.equal(2n);
      const [stAsset, stSlashed] = await sm.slashedAsset(2n, 0n);
      const [rAsset, rSlashed] = await sm.slashedAsset(2n, 1n);
      expect([stAsset, stSlashed.magnitude, stSlashed.amount]).to.deep.equal([stETHAddress, S_X, RESERVED_X]);
      expect([rAsset, rSlashed.magnitude, rSlashed.amount]).to.deep.equal([
        rETHAddress,
        ALLOC.xRETH / 2n,
        ALICE_RETH / 4n,
      ]);
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(t);

      // The committee vetoes at t + JOIN_WINDOW: the pool is open, but the epoch's join window has passed.
      await time.setNextBlockTimestamp(t + JOIN_WINDOW);
      await (await sm.connect(f.committee).vetoSlash(2n)).wait();
      expect((await poolView(f, operator1.address, stETHAddress)).pendingRequests).to.equal(0n);
      // X and Y are in their cooldowns; a request of X at t + JOIN_WINDOW + 1 names X's stETH cooldown first.
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, operator1.address, stETHAddress, nextRequestAtOf(t + X_VETO_WINDOW));
      // The gate itself, read through the view: the epoch of t, next at t + GATE_CYCLE.
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(t);
    });

    it("the longest closure: X and Y at the longest veto window (a tightening, applied at once), X closes at readyAt, Y joins at the last second of the join window; Bob cancels each at its expiry and leaves with his 200 at readyAt + 3 days 6 h - 2 s, no later", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, operator1, stETHAddress, bob } = f;
      await expect(sm.connect(f.avs).updateAVSConfig(avsParams(f, { vetoWindow: MAX_VETO_WINDOW }))).to.emit(
        sm,
        "AVSConfigUpdated",
      );
      await expect(
        sm
          .connect(f.avs2)
          .updateAVSConfig(
            avs2Params(f, { vetoCommittee: f.committee.address, vetoWindow: MAX_VETO_WINDOW }),
          ),
      ).to.emit(sm, "AVSConfigUpdated");
      const closedAt = await closedAtReadyAt(f);
      const joinedAt = closedAt + JOIN_WINDOW - 1n;
      await time.setNextBlockTimestamp(joinedAt);
      await (
        await sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, 1n, EVIDENCE)
      ).wait();
      const xExpires = closedAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      const yExpires = joinedAt + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      expect(yExpires - closedAt, "the longest closure, to the second").to.equal(LONGEST_CLOSURE - 1n);

      // X's expiry: Bob cancels it; Y's is still pending (NotCancellable) and the exit waits.
      const first = await sameBlock(
        [
          { tip: 60n, send: (o) => sm.connect(bob).cancelSlash(1n, o) },
          { tip: 50n, send: (o) => sm.connect(bob).cancelSlash(2n, o) },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, 0n, o) },
        ],
        xExpires,
      );
      expectMinedAt(first.receipts[0], 0, "X's cancellation after its expiry");
      await expectMinedRevert(first.receipts[1], sm, "NotCancellable", [2n, bob.address]);
      await expectMinedRevert(first.receipts[2], vault, "PoolSlashPending", [
        operator1.address,
        stETHAddress,
        1n,
      ]);

      // Y's expiry: no slasher can add to the closure (X and Y are in their cooldowns), Bob cancels Y and leaves whole.
      const last = await sameBlock(
        [
          {
            tip: 60n,
            send: (o) =>
              sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE, o),
          },
          { tip: 50n, send: (o) => sm.connect(bob).cancelSlash(2n, o) },
          { tip: 1n, send: (o) => vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH, o) },
        ],
        yExpires,
      );
      await expectMinedRevert(last.receipts[0], sm, "SlashCooldown", [
        f.avs.address,
        operator1.address,
        stETHAddress,
        nextRequestAtOf(closedAt + MAX_VETO_WINDOW),
      ]);
      expectMinedAt(last.receipts[1], 1, "Y's cancellation after its expiry");
      expectMinedAt(last.receipts[2], 2, "Bob's completion");
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
      expect(last.timestamp - f.readyAt).to.equal(3n * DAY + 6n * HOUR - 2n);
      // The pool then stays open until the next epoch may start: REOPEN_WINDOW + 1 s after Y's expiry.
      expect(closedAt + GATE_CYCLE - yExpires).to.equal(REOPEN_WINDOW + 1n);
    });

    it("the gate is per pool and a request skips a gated pool: with Y's request pending on stETH past the join window, X's request takes rETH alone; at the next epoch (rETH in X's cooldown) X's request at GATE_CYCLE - 1 reverts PoolGated (stETH, first in vault order), at GATE_CYCLE it takes stETH alone", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, operator1, stETHAddress, rETHAddress } = f;
      expect([
        (await vault.assetConfig(stETHAddress)).index,
        (await vault.assetConfig(rETHAddress)).index,
      ]).to.deep.equal([0n, 1n]);
      const { id, at } = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      const stETHBefore = await poolView(f, operator1.address, stETHAddress);
      await time.setNextBlockTimestamp(at + JOIN_WINDOW);
      const xFirst = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      const [xRequest] = await sm.slashRequest(xFirst.id);
      expect(xRequest.assetCount, "rETH alone").to.equal(1n);
      const [asset, slashed] = await sm.slashedAsset(xFirst.id, 0n);
      expect([asset, slashed.magnitude, slashed.amount]).to.deep.equal([
        rETHAddress,
        ALLOC.xRETH / 2n,
        ALICE_RETH / 4n,
      ]);
      expect((await sm.slashedAsset(xFirst.id, 1n))[1].magnitude, "no second asset").to.equal(0n);
      expect(await poolView(f, operator1.address, stETHAddress), "stETH untouched").to.deep.equal(
        stETHBefore,
      );
      expect(
        (await allocationView(f, operator1.address, f.avs.address, stETHAddress)).openRequest,
        "X's stETH allocation is not tied to the request",
      ).to.equal(0n);
      await expect(sm.releaseSlashedFunds(xFirst.id, stETHAddress))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(xFirst.id, STATUS.Pending);

      // Y's request is executed by anyone at its last second; X's rETH request is vetoed (X in its rETH cooldown).
      await time.setNextBlockTimestamp(at + EXECUTION_WINDOW - 1n);
      await (await sm.connect(f.outsider).executeSlash(id)).wait();
      await (await sm.connect(f.committee).vetoSlash(xFirst.id)).wait();
      const rETHNext = nextRequestAtOf(xFirst.at + X_VETO_WINDOW);
      expect(rETHNext).to.be.greaterThan(at + GATE_CYCLE);
      await time.setNextBlockTimestamp(at + GATE_CYCLE - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, F_X, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(operator1.address, stETHAddress, at + GATE_CYCLE);
      await time.setNextBlockTimestamp(at + GATE_CYCLE);
      const xSecond = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      expect((await sm.slashRequest(xSecond.id))[0].assetCount, "stETH alone").to.equal(1n);
      expect((await sm.slashedAsset(xSecond.id, 0n))[0]).to.equal(stETHAddress);
      expect((await poolView(f, operator1.address, rETHAddress)).pendingRequests).to.equal(0n);
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(at + GATE_CYCLE);
      // rETH at its cooldown's end alone: a request then takes rETH only (stETH's request is open).
      await time.setNextBlockTimestamp(rETHNext);
      const xThird = await request(f, f.slasher, f.avs.address, operator1.address, F_X);
      expect((await sm.slashRequest(xThird.id))[0].assetCount).to.equal(1n);
      expect((await sm.slashedAsset(xThird.id, 0n))[0]).to.equal(rETHAddress);
    });

    it("an expired request nobody cancelled keeps the pool closed and gated days later: PoolGated names the epoch's nominal end (closedAt + GATE_CYCLE), already past; once anyone cancels it, Bob leaves and a request starts a new epoch at once", async function () {
      const f = await loadFixture(exitFixture);
      const { vault, sm, stETH, operator1, stETHAddress, bob } = f;
      const closedAt = await closedAtReadyAt(f);
      const later = closedAt + 10n * DAY;
      await time.setNextBlockTimestamp(later);
      await expect(
        sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE),
      )
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(operator1.address, stETHAddress, closedAt + GATE_CYCLE);
      expect(closedAt + GATE_CYCLE, "a time already past").to.be.lessThan(later);
      await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, stETHAddress, 1n);
      await (await sm.connect(bob).cancelSlash(1n)).wait();
      await expect(vault.connect(bob).completeWithdrawal(f.bobId, true, BOB_STETH)).to.changeTokenBalance(
        stETH,
        bob,
        BOB_STETH,
      );
      const next = await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      expect((await magnitudesView(f, operator1.address, stETHAddress)).gateAt).to.equal(next.at);
    });
  });
});
