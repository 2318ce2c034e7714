/**
 * Attack review of the LRT (issue #10), class 2: entering just before and leaving just after an event.
 * (Slash requests, executions, vetoes, harvests and rebalances with the instant exit are in LRTSandwich.test.ts; who
 * pays for a slash requested before or after a redemption request, and fulfilment during a pending slash request
 * (F2), are in LRTRedemptionQueue.test.ts.)
 *
 * Claims tried and results:
 *   F5 (Low) FINDING  an oracle update through the queued exit: entering before a keeper's update and requesting
 *                     after it locks in the move at request, and the queued exit charges no fee, so the base-fee rule
 *                     (baseFeeBps >= maxMoveBps) does not cover it. 20 stETH in, 20.070967741934339229 out.
 *   F6 (Low) fixed    a protocol-fee change (an admin call behind a public timelock) moved the rate at once, because
 *                     pending rewards are counted net of the current fee. setProtocolFee (and turning countRewards
 *                     off) now harvests first, at the old terms.
 *   fails  a reward funding: the stream starts at 0, so the exit value right after the funding equals the value right
 *          before it (entering before it and leaving after gains nothing but the accrual of the time held).
 *   fails  the queued exit around a harvest: the value at request is the same before and after the harvest (to 1 wei).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { LRT_CAP, RETH_PRICE, lrtFixture, valueOf, type LRTFixture } from "../helpers/lrtFixtures";
import { fundStETHRewards, queuedIds } from "../helpers/lrtActions";
import { expectSolvent, exitValueOf, fourDeposits } from "./lrtReviewHelpers";

/** Queues what the head requests of `asset` need, waits the vault delay, completes and fulfils them. */
async function serve(f: LRTFixture, asset: string): Promise<void> {
  const ids = await queuedIds(f, f.manager.processRequests(asset, 10n));
  await time.increase(DEFAULT_WITHDRAWAL_DELAY);
  if (ids.length !== 0) await (await f.manager.completeWithdrawals(ids)).wait();
  await (await f.manager.processRequests(asset, 10n)).wait();
}

describe("Attack review (LRT): entering before and leaving after an event", function () {
  it("FINDING (LRT review F5): erin deposits 20 stETH before a 1% rETH update, requests after it and is paid 20.070967741934339229 stETH, with no fee", async function () {
    const f = await loadFixture(lrtFixture);
    for (const s of [f.alice, f.bob])
      await (await f.rETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    await (await f.stETHVault.connect(f.carol).deposit(20n * WAD, f.carol.address)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(20n * WAD, f.erin.address)).wait();
    const shares = await f.lrt.balanceOf(f.erin.address);
    expect(shares).to.equal(20n * WAD);
    // The keeper's update, seen in the mempool: rETH +1% (the oracle's bound; the instant exit's base fee would be 1%).
    await (await f.oracle.setPrice(f.rETHAddress, (RETH_PRICE * 101n) / 100n)).wait();
    await (await f.stETHVault.connect(f.erin).requestRedeem(shares, f.erin.address, f.erin.address)).wait();
    const atRequest = valueOf(shares, 62_220_000_000_000_000_000n, 62n * WAD);
    expect((await f.manager.request(1n)).amount).to.equal(atRequest);
    await serve(f, f.stETHAddress);
    expect(atRequest).to.equal(20_070_967_741_934_339_229n);
    await expect(f.stETHVault.connect(f.erin).claim(1n, f.erin.address, 0n)).to.changeTokenBalance(
      f.stETH,
      f.erin,
      atRequest,
    );
    // alice, bob and carol (42 LRT) bear it: 62.22 ETH of value less erin's 20.0709... stETH.
    expect(await f.manager.totalValue(true)).to.equal(42_149_032_258_065_660_771n);
    // Fix (LRTOperations.requestRedeem / the oracle): price requests made within `maxAge` of the requester's own
    // deposit at the lower of the entry-time and request-time rate, or charge the queued exit the base fee when the
    // shares were minted after the last price update; more simply, have the LRT price entries at
    // max(stored price, adapter price) and exits at min(stored, adapter) (the oracle's live rate bounds the lag).
    await expectSolvent(f);
  });

  async function pendingRewardsFixture() {
    const f = await lrtFixture();
    await (await f.manager.setProtocolFee(2_000)).wait();
    await fourDeposits(f);
    await fundStETHRewards(f, f.operator1.address, 4n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await time.increase(DAY);
    return f;
  }

  it("fixed (LRT review F6): erin enters before the protocol fee is cut from 20% to 0; the cut harvests the pending rewards at 20% first, so her 40 LRT are worth the same after it (39.999999999999999999 stETH, 1 wei of rounding below 40)", async function () {
    const f = await loadFixture(pendingRewardsFixture);
    const node0 = (await f.manager.node(0)).node;
    const pending = await f.rewardDistributor.pendingRewards(node0, f.stETHAddress);
    // 4 stETH less operator1's 10% commission accrue to node 0, the only staker of its pool.
    expect(pending).to.equal(3_599_999_999_999_999_999n);
    await (await f.stETHVault.connect(f.erin).deposit(40n * WAD, f.erin.address)).wait();
    const shares = await f.lrt.balanceOf(f.erin.address);
    const before = await exitValueOf(f, shares);
    expect(before).to.equal(39_999_999_999_999_999_999n);
    await expect(f.manager.setProtocolFee(0)).to.emit(f.manager, "FeeMinted");
    expect(await f.rewardDistributor.pendingRewards(node0, f.stETHAddress)).to.equal(0n);
    const after = await exitValueOf(f, shares);
    expect(after - before, "at most 1 wei of rounding").to.be.lte(1n);
    expect(after - before).to.be.gte(-1n);
    await (await f.stETHVault.connect(f.erin).requestRedeem(shares, f.erin.address, f.erin.address)).wait();
    expect((await f.manager.request(1n)).amount).to.be.lte(before + 1n);
    await expectSolvent(f);
  });

  it("a reward funding moves no one's exit value: erin's 40 LRT are worth the same just before and just after it", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await fundStETHRewards(f, f.operator1.address, WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(40n * WAD, f.erin.address)).wait();
    const shares = await f.lrt.balanceOf(f.erin.address);
    await time.increase(DAY);
    // The first stream is over; erin enters, a second funding lands, and she leaves in the same block as it.
    const before = await exitValueOf(f, shares);
    await (await f.stETH.mint(f.admin.address, 4n * WAD)).wait();
    await (await f.stETH.connect(f.admin).approve(await f.rewardDistributor.getAddress(), 4n * WAD)).wait();
    await time.setNextBlockTimestamp((await time.latest()) + 1);
    await (
      await f.rewardDistributor.fundRewards(
        f.operator1.address,
        f.stETHAddress,
        f.stETHAddress,
        4n * WAD,
        DAY,
      )
    ).wait();
    expect(await exitValueOf(f, shares)).to.equal(before);
  });

  it("the queued exit around a harvest: the value at request moves by at most 1 wei", async function () {
    const f = await loadFixture(pendingRewardsFixture);
    await (await f.stETHVault.connect(f.erin).deposit(40n * WAD, f.erin.address)).wait();
    const shares = await f.lrt.balanceOf(f.erin.address);
    const before = await exitValueOf(f, shares);
    await (await f.manager.harvest()).wait();
    const after = await exitValueOf(f, shares);
    expect(after - before).to.be.oneOf([0n, 1n]);
    expect(after).to.be.lte(40n * WAD);
    await expectSolvent(f);
  });
});
