/**
 * Attack review of the LRT (issue #10), class 9: solvency of the LRT's books (idle + reserved of each asset is at most
 * the manager's balance). Every other file of the review checks it at its end (`expectSolvent`); this file walks one
 * scenario through every flow and checks it after each step.
 *
 * Claim tried and result (no finding): deposits of both assets, a donation, an instant exit, requests, a slash
 * request, its execution, a rebalance, harvest, completions, fulfilment and claims never leave the books above the
 * balance; at the end the manager holds exactly its books plus the donation.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { LRT_CAP, lrtSlashFixture } from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, queuedIds, requestSlash } from "../helpers/lrtActions";
import { expectSolvent } from "./lrtReviewHelpers";

describe("Attack review (LRT): solvency of the books", function () {
  it("every flow in turn keeps idle + reserved within the manager's balance; the surplus is exactly the 3 stETH donated", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setBuffer(3_000, 50, 500)).wait();
    await (await f.manager.setProtocolFee(1_000)).wait();
    for (const s of [f.alice, f.bob, f.carol, f.dave]) {
      await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
      await expectSolvent(f);
      await (await f.rETHVault.connect(s).deposit(5n * WAD, s.address)).wait();
      await expectSolvent(f);
    }
    await (await f.stETH.connect(f.erin).transfer(f.managerAddress, 3n * WAD)).wait();
    await (await f.manager.connect(f.alice).instantRedeem(WAD, f.stETHAddress, 0n, f.alice.address)).wait();
    await expectSolvent(f);
    await (await f.stETHVault.connect(f.bob).requestRedeem(5n * WAD, f.bob.address, f.bob.address)).wait();
    await (
      await f.rETHVault.connect(f.carol).requestRedeem(3n * WAD, f.carol.address, f.carol.address)
    ).wait();
    const slashId = await requestSlash(f, f.operator2.address, WAD / 10n);
    const ids = [
      ...(await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n))),
      ...(await queuedIds(f, f.manager.processRequests(f.rETHAddress, 10n))),
    ];
    await expectSolvent(f);
    await fundStETHRewards(f, f.operator1.address, 2n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await executeSlash(f, slashId);
    await expectSolvent(f);
    let [node, active] = [0, 0n];
    for (let i = 0; i < 4; ++i) {
      const a = (await f.manager.position(i, f.stETHAddress)).active;
      if (a > active) [node, active] = [i, a];
    }
    ids.push(...(await queuedIds(f, f.manager.rebalance(node, f.stETHAddress, active / 2n))));
    await time.increase(DAY);
    await (await f.manager.harvest()).wait();
    await expectSolvent(f);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    await expectSolvent(f);
    // The slash executed after the queueing: the rETH withdrawal brought less than expected, so a second round.
    const more = [
      ...(await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n))),
      ...(await queuedIds(f, f.manager.processRequests(f.rETHAddress, 10n))),
    ];
    expect(more.length).to.equal(1);
    await expectSolvent(f);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(more)).wait();
    await (await f.manager.processRequests(f.stETHAddress, 10n)).wait();
    await (await f.manager.processRequests(f.rETHAddress, 10n)).wait();
    await expectSolvent(f);
    await (await f.stETHVault.connect(f.bob).claim(1n, f.bob.address, 0n)).wait();
    await (await f.rETHVault.connect(f.carol).claim(2n, f.carol.address, 0n)).wait();
    await expectSolvent(f);
    for (const [asset, token] of [
      [f.stETHAddress, f.stETH],
      [f.rETHAddress, f.rETH],
    ] as const) {
      const book = await f.manager.assetBook(asset);
      expect(book.reserved).to.equal(0n);
      const surplus = (await token.balanceOf(f.managerAddress)) - book.idle;
      expect(surplus).to.equal(asset === f.stETHAddress ? 3n * WAD : 0n);
    }
  });
});
