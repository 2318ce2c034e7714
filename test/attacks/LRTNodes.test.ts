/**
 * Attack review of the LRT (issue #10), class 6: the nodes.
 *
 * Claims tried and results:
 *   F7 (Low) fixed    an operator force-undelegated its node: until someone called syncNode every processRequests of
 *                     that asset reverted, and the node was dead for good (no re-delegation; the operator could never
 *                     get a node again; the slot stayed taken). The queue now syncs such a node on the spot and skips
 *                     it, and redelegateNode gives an emptied node a new operator.
 *   fails  the forced undelegation changes no one's value (40 stETH before, during and after completion).
 *   fails  an operator with a delegation approver cannot be given a node (createNode reverts SignatureExpired: the node's empty signature).
 *   fails  a rebalance while a slash request is pending on the node's pool conserves the exit value exactly.
 *   fails  weight 0 ("removal" with stake): deposits skip the node and the queue drains it first.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DEFAULT_WITHDRAWAL_DELAY, WAD, withdrawalId } from "../helpers/fixtures";
import { lrtFixture, lrtSlashFixture } from "../helpers/lrtFixtures";
import { queuedIds, requestSlash } from "../helpers/lrtActions";
import { expectSolvent, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): nodes", function () {
  it("fixed (LRT review F7): operator1 force-undelegates node 0; processRequests records it on the spot and draws on node 1; once its withdrawal completes the node is redelegated (to erin, a new operator) and takes stake again; no value moves", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    // The vault queued node 0's 10 stETH in the same pool: total value unchanged.
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    // The queue would pick node 0 (all nodes equally weighted, the first wins): it syncs it instead and uses node 1.
    const tx = f.manager.processRequests(f.stETHAddress, 10n);
    await expect(tx)
      .to.emit(f.manager, "NodeUndelegatedSynced")
      .withArgs(0n, [withdrawalId(node0, 0n)]);
    const ids = await queuedIds(f, tx);
    expect(ids.length).to.equal(1);
    expect((await f.manager.withdrawalRecord(ids[0])).nodeIndex).to.equal(1n);
    expect((await f.manager.node(0)).undelegated).to.equal(true);
    expect((await f.manager.position(0, f.stETHAddress)).queued).to.equal(10n ** 25n);
    // Not yet empty: it cannot be redelegated.
    await expect(f.manager.redelegateNode(0, f.operator1.address))
      .to.be.revertedWithCustomError(f.manager, "NodeNotEmpty")
      .withArgs(0n);
    // The forced withdrawal completes to idle: value conserved.
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const forcedId = withdrawalId(node0, 0n);
    await (await f.manager.completeWithdrawals([forcedId, ...ids])).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(14n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    // erin registers as an operator; node 0 is redelegated to her, operator1 may get a node again.
    await (
      await f.registry.connect(f.erin).registerAsOperator("ipfs://erin", 1_000, ethers.ZeroAddress)
    ).wait();
    await expect(
      f.manager.connect(f.outsider).redelegateNode(0, f.erin.address),
    ).to.be.revertedWithCustomError(f.manager, "AccessControlUnauthorizedAccount");
    await expect(f.manager.redelegateNode(0, f.operator2.address))
      .to.be.revertedWithCustomError(f.manager, "OperatorHasNode")
      .withArgs(f.operator2.address);
    await expect(f.manager.redelegateNode(0, f.erin.address))
      .to.emit(f.manager, "NodeRedelegated")
      .withArgs(0n, f.operator1.address, f.erin.address);
    expect(await f.vault.delegatedTo(node0)).to.equal(f.erin.address);
    expect([(await f.manager.node(0)).operator, (await f.manager.node(0)).undelegated]).to.deep.equal([
      f.erin.address,
      false,
    ]);
    // The slot serves again: staking idle goes to node 0, the furthest below its weight.
    await (await f.manager.stakeIdle(f.stETHAddress, 5n * WAD)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(5n * 10n ** 24n);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await (await f.manager.createNode(f.operator1.address, 0)).wait();
    expect(await f.manager.nodeCount()).to.equal(5n);
    await expectSolvent(f);
  });

  it("an operator with a delegation approver cannot be given a node", async function () {
    const f = await loadFixture(lrtFixture);
    const [op, approver] = [(await ethers.getSigners())[18], (await ethers.getSigners())[19]];
    await (await f.registry.connect(op).registerAsOperator("ipfs://op", 1_000, approver.address)).wait();
    await expect(f.manager.createNode(op.address, 0)).to.be.revertedWithCustomError(
      f.registry,
      "SignatureExpired",
    );
    expect(await f.manager.nodeCount()).to.equal(4n);
  });

  it("a rebalance of node 0 while a slash request is pending on its pool: the exit value is the same 39.5 stETH before and after", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    await requestSlash(f, f.operator1.address, WAD / 10n);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD - WAD / 2n);
    const ids = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, 10n ** 25n));
    expect(ids.length).to.equal(1);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD - WAD / 2n);
    expect(await f.manager.totalValue(false)).to.equal(40n * WAD);
    await expectSolvent(f);
  });

  it("weight 0 on node 0 with stake: a deposit skips it and the queue drains it first", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await (await f.manager.setWeights([0, 3_334, 3_333, 3_333])).wait();
    await (await f.stETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(10n ** 25n);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect((await f.manager.withdrawalRecord(ids[0])).nodeIndex).to.equal(0n);
    expect(await f.manager.totalValue(true)).to.equal(50n * WAD);
  });
});
