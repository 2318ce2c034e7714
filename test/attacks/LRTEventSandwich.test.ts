/**
 * Attack review of the LRT (issue #10), class 2: entering just before and leaving just after an event.
 * (Slash requests, executions, vetoes, harvests and rebalances with the instant exit are in LRTSandwich.test.ts; who
 * pays for a slash requested before or after a redemption request, and fulfilment during a pending slash request
 * (F2), are in LRTRedemptionQueue.test.ts.)
 *
 * Claims tried and results:
 *   F5 (Low) fixed    an oracle update through the queued exit: entering before a keeper's update and requesting
 *                     after it locked in the move (20 stETH in, 20.070967741934339229 out). The LRT now prices with
 *                     the oracle's range (stored and adapter price, ILRTOracle.priceRange): holdings at the higher
 *                     price on entry and the lower on exit, so an entrant pays for a pending rise.
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
import { LRT_CAP, RETH_PRICE, lrtFixture, sharesFor, type LRTFixture } from "../helpers/lrtFixtures";
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
  it("fixed (LRT review F5): erin deposits 20 stETH while rETH's adapter already reports +1% (the keeper's update is in the mempool), requests after the update and is paid no more than her 20 stETH: her deposit was priced against the LRT's holdings at the higher price", async function () {
    const f = await loadFixture(lrtFixture);
    for (const s of [f.alice, f.bob])
      await (await f.rETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    await (await f.stETHVault.connect(f.carol).deposit(20n * WAD, f.carol.address)).wait();
    // rETH's adapter reports +1% (the oracle's bound); MockLRTOracle.setLivePrice stands in for the adapter's rate.
    const risen = (RETH_PRICE * 101n) / 100n;
    await (await f.oracle.setLivePrice(f.rETHAddress, risen)).wait();
    // The entry valuation counts the 20 rETH at the higher price: 20 * 1.111 + 20 = 42.22 ETH.
    expect(await f.manager.totalValue(false)).to.equal(42_220_000_000_000_000_000n);
    expect(await f.manager.totalValue(true)).to.equal(42n * WAD);
    await (await f.stETHVault.connect(f.erin).deposit(20n * WAD, f.erin.address)).wait();
    const shares = await f.lrt.balanceOf(f.erin.address);
    expect(shares).to.equal(sharesFor(20n * WAD, 42_220_000_000_000_000_000n, 42n * WAD));
    // The keeper's update stores the price: the exit price catches up; erin requests all her shares.
    await (await f.oracle.setPrice(f.rETHAddress, risen)).wait();
    await (await f.stETHVault.connect(f.erin).requestRedeem(shares, f.erin.address, f.erin.address)).wait();
    await serve(f, f.stETHAddress);
    const paid = (await f.manager.request(1n)).amount;
    expect(paid, "no more than she put in").to.be.lte(20n * WAD);
    expect(20n * WAD - paid, "at most a few wei of rounding").to.be.lte(2n);
    await expect(f.stETHVault.connect(f.erin).claim(1n, f.erin.address, 0n)).to.changeTokenBalance(
      f.stETH,
      f.erin,
      paid,
    );
    // alice, bob and carol keep the rise: 62.22 ETH of value less what erin took.
    expect(await f.manager.totalValue(true)).to.equal(62_220_000_000_000_000_000n - paid);
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
