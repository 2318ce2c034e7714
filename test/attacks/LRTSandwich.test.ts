import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import {
  LRT_CAP,
  RETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  sharesFor,
  valueOf,
  type LRTFixture,
} from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, queuedIds, requestSlash } from "../helpers/lrtActions";

async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

/** erin enters with `amount` stETH; returns her shares and the value she paid. */
async function enter(f: LRTFixture, amount: bigint): Promise<bigint> {
  const [tv, supply] = [await f.manager.totalValue(false), await f.lrt.totalSupply()];
  await (await f.stETHVault.connect(f.erin).deposit(amount, f.erin.address)).wait();
  const shares = await f.lrt.balanceOf(f.erin.address);
  expect(shares).to.equal(sharesFor(amount, tv, supply));
  return shares;
}

/** What erin's shares are worth at the exit price now. */
async function exitValue(f: LRTFixture, shares: bigint): Promise<bigint> {
  return valueOf(shares, await f.manager.totalValue(true), await f.lrt.totalSupply());
}

describe("Attack: LRT sandwiches (enter before, leave after an event)", function () {
  it("a veto: entering while a request is pending pays the gross price; the veto gives nothing back", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    const id = await requestSlash(f, f.operator1.address, WAD / 10n);
    expect(await f.manager.totalValue(false)).to.equal(40n * WAD);
    const shares = await enter(f, 10n * WAD);
    expect(shares).to.equal(10n * WAD);
    await (await f.slashingManager.connect(f.committee).vetoSlash(id)).wait();
    // After the veto the exit value is the gross value again: 50 stETH for 50 shares.
    expect(await exitValue(f, shares)).to.equal(10n * WAD);
  });

  it("a slash request: entering before and leaving after loses the entrant's share of the reservation", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    const shares = await enter(f, 10n * WAD);
    await requestSlash(f, f.operator1.address, WAD / 10n);
    // erin's 10 stETH went to node 0 (20 stETH): 5% of it, 1 stETH, is reserved; her 10 shares of 50 lose 1/5 of it.
    const pending = (await f.vault.pool(f.operator1.address, f.stETHAddress)).pendingSlash;
    expect(pending).to.equal(WAD);
    expect(await exitValue(f, shares)).to.equal(valueOf(shares, 50n * WAD - pending, 50n * WAD));
    expect(await exitValue(f, shares)).to.be.lessThan(10n * WAD - WAD / 5n + WAD / 10n ** 6n);
  });

  it("a slash execution: entering while pending (gross) and leaving after (net) loses", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    const id = await requestSlash(f, f.operator1.address, WAD / 10n);
    const shares = await enter(f, 10n * WAD);
    await executeSlash(f, id);
    // Node 0 (10 stETH, closed while pending) lost 0.5 stETH; erin's 10 of 50 shares bear 1/5 of it.
    expect(await exitValue(f, shares)).to.equal(valueOf(shares, 50n * WAD - WAD / 2n, 50n * WAD));
    expect(await exitValue(f, shares)).to.be.lessThan(10n * WAD - WAD / 10n + WAD / 10n ** 6n);
  });

  it("a harvest: the rate does not move, so entering before and leaving after gains nothing", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setProtocolFee(1_000)).wait();
    await fourDeposits(f);
    await fundStETHRewards(f, f.operator1.address, 4n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await time.increase(DAY);
    const shares = await enter(f, 10n * WAD);
    const before = await exitValue(f, shares);
    expect(before).to.be.lte(10n * WAD);
    await (await f.manager.harvest()).wait();
    const after = await exitValue(f, shares);
    expect(after - before).to.be.lte(1n);
    expect(after).to.be.lte(10n * WAD);
  });

  it("an oracle update: the instant-redeem base fee (>= the largest move) exceeds the gain", async function () {
    const f = await loadFixture(lrtFixture);
    // The oracle moves at most 1% per update; the base fee is 1%.
    await (await f.manager.setBuffer(5_000, 100, 500)).wait();
    for (const s of [f.alice, f.bob])
      await (await f.rETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    const shares = await enter(f, 10n * WAD);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    await (await f.oracle.setPrice(f.rETHAddress, (RETH_PRICE * 101n) / 100n)).wait();
    // Half of erin's shares cost her 5 stETH; after the 1% move of rETH they are worth more...
    const half = shares / 2n;
    const value = await exitValue(f, half);
    expect(value).to.be.greaterThan(5n * WAD);
    const balanceBefore = await f.stETH.balanceOf(f.erin.address);
    await (await f.manager.connect(f.erin).instantRedeem(half, f.stETHAddress, 0n, f.erin.address)).wait();
    const out = (await f.stETH.balanceOf(f.erin.address)) - balanceBefore;
    // ... but the exit pays less than she put in: the fee is at least 1% of the exit.
    expect(out).to.be.lessThan(5n * WAD);
    expect(value - out).to.be.gte((value * 100n) / 10_000n);
  });

  it("a rebalance: total value is conserved, so nothing is gained", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const shares = await enter(f, 10n * WAD);
    const before = await exitValue(f, shares);
    const ids = await queuedIds(
      f,
      f.manager.rebalance(1, f.stETHAddress, (await f.manager.position(1, f.stETHAddress)).active),
    );
    expect(await exitValue(f, shares)).to.equal(before);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    expect(await exitValue(f, shares)).to.be.lte(before);
  });

  it("leaving by instant redeem before a slash request and re-entering after: gain bounded by exposure - fee", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setBuffer(5_000, 100, 500)).wait();
    await fourDeposits(f);
    // alice holds 10 shares worth 10 stETH; she front-runs a 10% request on operator1 by leaving instantly.
    const out = await f.manager
      .connect(f.alice)
      .instantRedeem.staticCall(10n * WAD, f.stETHAddress, 0n, f.alice.address);
    await (
      await f.manager.connect(f.alice).instantRedeem(10n * WAD, f.stETHAddress, 0n, f.alice.address)
    ).wait();
    const fee = 10n * WAD - out;
    await requestSlash(f, f.operator1.address, WAD / 10n);
    // Had she stayed, she would have borne 10/40 of the 0.5 stETH reservation = 0.125 stETH.
    const avoided = (10n * WAD * (WAD / 2n)) / (40n * WAD);
    expect(avoided).to.equal(WAD / 8n);
    // Her gain is at most avoided - fee; the fee is at least the base 1% of 10 stETH = 0.1 stETH, and the
    // avoided loss is at most her value times the slash exposure (25%).
    expect(fee).to.be.gte(WAD / 10n);
    expect(avoided - fee).to.be.lte((10n * WAD * 2_500n) / 10_000n - fee);
    expect(avoided - fee).to.be.lte(WAD / 40n);
  });
});
