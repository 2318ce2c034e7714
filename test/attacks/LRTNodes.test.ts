/**
 * Attack review of the LRT (issue #10), class 6: the nodes.
 *
 * Claims tried and results:
 *   F7 (Low) FINDING  an operator force-undelegates its node: no value is lost, but until someone calls syncNode every
 *                     processRequests of that asset reverts (the queue picks the node and the vault has no shares to
 *                     queue), and afterwards the node is dead for good: no removal, no re-delegation, the operator can
 *                     never get a node again and the slot (one of 16) stays taken.
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
  it("FINDING (LRT review F7): operator1 force-undelegates node 0; processRequests reverts until syncNode, and the node and its slot are lost for good", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    // The vault queued node 0's 10 stETH in the same pool: total value unchanged.
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    // The queue picks node 0 (all nodes equally weighted, the first wins) and the vault has nothing to queue.
    await expect(f.manager.processRequests(f.stETHAddress, 10n))
      .to.be.revertedWithCustomError(f.vault, "InsufficientShares")
      .withArgs(node0, f.stETHAddress, 0n, 4n * 10n ** 24n);
    // Anyone can sync the node; then the queue draws on node 1.
    const forced = await queuedIds(f, f.manager.syncNode(0));
    expect(forced).to.deep.equal([]);
    expect((await f.manager.node(0)).undelegated).to.equal(true);
    expect((await f.manager.position(0, f.stETHAddress)).queued).to.equal(10n ** 25n);
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect((await f.manager.withdrawalRecord(ids[0])).nodeIndex).to.equal(1n);
    // The forced withdrawal completes to idle: value conserved.
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const forcedId = withdrawalId(node0, 0n);
    expect((await f.manager.withdrawalRecord(forcedId)).shares).to.equal(10n ** 25n);
    await (await f.manager.completeWithdrawals([forcedId, ...ids])).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(14n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    // No way back: the operator cannot get a new node, there is no removal or re-delegation, the slot stays taken.
    await expect(f.manager.createNode(f.operator1.address, 0))
      .to.be.revertedWithCustomError(f.manager, "OperatorHasNode")
      .withArgs(f.operator1.address);
    expect(f.manager.interface.getFunction("removeNode")).to.equal(null);
    expect(f.manager.interface.getFunction("redelegateNode")).to.equal(null);
    expect(await f.manager.nodeCount()).to.equal(4n);
    // Fix (LRTOperations._mostOverweight/queue, LRTManager): skip a node whose vault delegation no longer matches
    // (as _poolRefusal does for deposits) or sync it on the spot; and add removeNode (once empty: swap the last node
    // in, free hasNode and the slot) or a re-delegation of an undelegated, empty node.
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
