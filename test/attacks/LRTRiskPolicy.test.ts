/**
 * Attack review of the LRT (issue #10), class 5: the on-chain risk policy.
 *
 * Claims tried and results:
 *   fails  a deposit that would put one operator above the concentration cap: every node refuses, it reverts with the
 *          figure (the first deposit into an empty LRT with a 25% cap: ConcentrationBreached(operator1, 10000, 2500)).
 *   fails  an operator allocating to an AVS outside the allow-list after the fact: riskReport flags the node and the
 *          asset at once, and the next deposit routes around that node (UnapprovedAllocation).
 *   F8 (Medium) fixed  the slash-exposure cap was bypassed: a node's first deposit into an empty pool was checked and
 *                      cached with exposure 0 (the slashable fraction divided the AVSs' maxSlashable by the pool's
 *                      net assets, 0 before the deposit). The fraction is now read from magnitudes (each allow-listed
 *                      AVS's magnitude times its maximum fraction, over the unreserved magnitude), the same for an
 *                      empty pool as for a full one.
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

  it("fixed (LRT review F8): with a 10% slash-exposure cap and 25% of every pool slashable, the first deposit into an empty pool already counts its exposure and reverts SlashExposureBreached(2500, 1000); at a 25% cap the four deposits go through at exactly 2500 bps and the report holds", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setRiskCaps(10_000, 1_000)).wait();
    // Every operator allocates 50% of its pools to an AVS that may slash 50%: 25% of each pool is slashable, read
    // from magnitudes, so the empty pools count it too.
    await expect(f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(2_500n, 1_000n);
    expect(await f.lrt.totalSupply()).to.equal(0n);
    await (await f.manager.setRiskCaps(10_000, 2_500)).wait();
    await fourDeposits(f);
    const report = await f.manager.riskReport();
    expect([report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([10n * WAD, 2_500n, true]);
    // Each node's fresh exposure is 25% of its 10 stETH, as cached: refreshing changes nothing; erin's deposit passes.
    for (let i = 0; i < 4; ++i) {
      await expect(f.manager.refreshExposure(i))
        .to.emit(f.manager, "ExposureRefreshed")
        .withArgs(i, (10n * WAD) / 4n);
    }
    await (await f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    expect(await f.lrt.totalSupply()).to.equal(50n * WAD);
    await expectSolvent(f);
  });
});
