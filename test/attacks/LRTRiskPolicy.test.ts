/**
 * Attack review of the LRT (issue #10), class 5: the on-chain risk policy.
 *
 * Claims tried and results (no finding):
 *   fails  a deposit that would put one operator above the concentration cap: every node refuses, it reverts with the
 *          figure (the first deposit into an empty LRT with a 25% cap: ConcentrationBreached(operator1, 10000, 2500)).
 *   fails  an operator allocating to an AVS outside the allow-list after the fact: riskReport flags the node and the
 *          asset at once, and the next deposit routes around that node (UnapprovedAllocation).
 *   F8 (Medium) FINDING  the slash-exposure cap is bypassed: a node's first deposit into an empty pool is checked and
 *                        cached with exposure 0 (the slashable fraction divides by the pool's net assets, 0 before
 *                        the deposit), and later deposits sum the other nodes' stale caches. With a 10% cap the LRT
 *                        takes 50 stETH at 25% exposure; only after refreshExposure of every node does it refuse.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import { VETO_WINDOW, lrtFixture, lrtSlashFixture } from "../helpers/lrtFixtures";
import { expectSolvent, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): the risk policy", function () {
  it("the first deposit into an empty LRT with a 25% concentration cap reverts ConcentrationBreached(operator1, 10000, 2500)", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setRiskCaps(2_500, 10_000)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "ConcentrationBreached")
      .withArgs(f.operator1.address, 10_000n, 2_500n);
    expect(await f.lrt.totalSupply()).to.equal(0n);
  });

  it("operator1 allocates 25% of stETH to an unlisted AVS after the fact: riskReport flags node 0 and erin's deposit goes to node 1", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    expect((await f.manager.riskReport()).allocationsOk).to.equal(true);
    const avs2 = (await ethers.getSigners())[18];
    await (
      await f.slashingManager.connect(avs2).registerAVS("ipfs://avs2", {
        slasher: f.slasher.address,
        vetoCommittee: f.committee.address,
        vetoWindow: Number(VETO_WINDOW),
        maxSlashWad: WAD / 2n,
        recipient: ethers.ZeroAddress,
        registrar: ethers.ZeroAddress,
        assets: [f.stETHAddress],
      })
    ).wait();
    await (await f.slashingManager.connect(f.operator1).registerOperatorToAVS(avs2.address, "0x")).wait();
    await (
      await f.slashingManager.connect(f.operator1).modifyAllocation(avs2.address, f.stETHAddress, WAD / 4n)
    ).wait();
    await time.increase(await f.slashingManager.allocationDelay());
    const report = await f.manager.riskReport();
    expect(report.allocationsOk).to.equal(false);
    expect(report.nodes[0].unapprovedAsset).to.equal(f.stETHAddress);
    expect(report.nodes[0].unapprovedMagnitude).to.equal(WAD / 4n);
    expect(report.nodes[1].unapprovedMagnitude).to.equal(0n);
    const before = (await f.manager.position(1, f.stETHAddress)).active;
    await (await f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(10n ** 25n);
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(before + 10n ** 25n);
    await expectSolvent(f);
  });

  it("FINDING (LRT review F8): with a 10% slash-exposure cap, deposits into empty pools count 0 exposure; the LRT ends at 2500 bps and erin's next deposit still passes", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setRiskCaps(10_000, 1_000)).wait();
    // Every operator allocates 50% of its pools to an AVS that may slash 50%: 25% of each pool is slashable.
    await fourDeposits(f);
    let report = await f.manager.riskReport();
    expect([report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([
      10n * WAD,
      2_500n,
      false,
    ]);
    // The caches still say 0 for nodes 1-3: erin's 10 stETH (to node 0) pass, checked as 5 / 50 = 1000 bps.
    await (await f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    report = await f.manager.riskReport();
    expect([report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([
      (25n * WAD) / 2n,
      2_500n,
      false,
    ]);
    // Only once someone refreshes the caches does the policy refuse.
    for (let i = 0; i < 4; ++i) await (await f.manager.refreshExposure(i)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(2_500n, 1_000n);
    expect(await f.lrt.totalSupply()).to.equal(50n * WAD);
    // Fix (LRTRisk._slashableFraction / nodeExposure): compute the slashable fraction of the pool as it will be after
    // the deposit (with poolNet 0 it returns 0 today, so a node's first deposit is cached with no exposure), e.g. from
    // magnitudes (allocated magnitude / maxMagnitude times each AVS's maxSlashWad), which does not depend on the pool's
    // size; and check the total against every node's fresh exposure rather than caches.
    await expectSolvent(f);
  });
});
