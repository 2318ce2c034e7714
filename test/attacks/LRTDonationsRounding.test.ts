/**
 * Attack review of the LRT (issue #10), class 1: donations and rounding.
 * (Inflating total value through rewards streamed to a node, and donations to a funded LRT, are in
 * LRTInflation.test.ts.)
 *
 * Claims tried and results (no finding):
 *   fails  donations of both assets to the manager, every node, both entry points and the token before the first
 *          deposit: the first depositor's 1 wei buys 1 share and the victim's 10 stETH buy exactly 10e18 shares worth
 *          10 stETH; the donor loses the 800 stETH and 800 rETH he sent.
 *   fails  20 deposits of 1 wei and 20 instant exits of 1 share: the attacker ends with exactly the stETH he started
 *          with; 1 wei of rETH buys 1 share (worth 1 wei of ETH, he loses 0.1 wei) and a 1-share exit in rETH pays
 *          nothing (InsufficientBuffer with 0 needed).
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import { lrtFixture } from "../helpers/lrtFixtures";
import { expectSolvent, exitValueOf, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): donations and rounding", function () {
  it("donations to every contract before the first deposit: erin's 1 wei buys 1 share, alice's 10 stETH buy 10e18 shares worth 10 stETH", async function () {
    const f = await loadFixture(lrtFixture);
    const targets = [
      f.managerAddress,
      await f.stETHVault.getAddress(),
      await f.rETHVault.getAddress(),
      await f.lrt.getAddress(),
    ];
    for (let i = 0; i < 4; ++i) targets.push((await f.manager.node(i)).node);
    for (const to of targets) {
      await (await f.stETH.connect(f.erin).transfer(to, 100n * WAD)).wait();
      await (await f.rETH.connect(f.erin).transfer(to, 100n * WAD)).wait();
    }
    expect(await f.manager.totalValue(false)).to.equal(0n);
    await (await f.stETHVault.connect(f.erin).deposit(1n, f.erin.address)).wait();
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(1n);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(10n * WAD);
    expect(await exitValueOf(f, 10n * WAD)).to.equal(10n * WAD);
    expect(await exitValueOf(f, 1n)).to.equal(1n);
    expect(await f.manager.totalValue(true)).to.equal(10n * WAD + 1n);
    await expectSolvent(f);
  });

  it("20 one-wei deposits and 20 one-share exits: erin ends with exactly the stETH she started with", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(10_000, 0, 0)).wait();
    await fourDeposits(f);
    const start = await f.stETH.balanceOf(f.erin.address);
    for (let i = 0; i < 20; ++i)
      await (await f.stETHVault.connect(f.erin).deposit(1n, f.erin.address)).wait();
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(20n);
    for (let i = 0; i < 20; ++i) {
      await (await f.manager.connect(f.erin).instantRedeem(1n, f.stETHAddress, 0n, f.erin.address)).wait();
    }
    expect(await f.stETH.balanceOf(f.erin.address)).to.equal(start);
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(0n);
    // 1 wei of rETH (1.1 wei of ETH, credited 1) buys 1 share; its rETH exit is worth 0 tokens.
    await (await f.rETHVault.connect(f.erin).deposit(1n, f.erin.address)).wait();
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(1n);
    await expect(f.manager.connect(f.erin).instantRedeem(1n, f.rETHAddress, 0n, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "InsufficientBuffer")
      .withArgs(f.rETHAddress, 1n, 0n);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD + 1n);
    expect(await f.lrt.totalSupply()).to.equal(40n * WAD + 1n);
    await expectSolvent(f);
  });
});
