/**
 * Attack review of the LRT (issue #10), class 6: the nodes.
 *
 * Claims tried and results:
 *   F7 (Low) fixed    an operator force-undelegated its node: until someone called syncNode every processRequests of
 *                     that asset reverted, and the node was dead for good (no re-delegation; the operator could never
 *                     get a node again; the slot stayed taken). The queue now syncs such a node on the spot and skips
 *                     it, and redelegateNode gives an emptied node a new operator.
 *   fails  the forced undelegation changes no one's value (40 stETH before, during and after completion).
 *   fixed  an operator with a delegation approver could not be given a node (the node delegated with an empty
 *          signature: SignatureExpired). Nodes are now CREATE2 BeaconProxies (salt: the index) whose initializer names
 *          no operator, so the approver signs for the predicted address (sdk/lrt.ts predictNodeAddress), and
 *          createNode / redelegateNode pass the signature and salt to the registry, whose errors surface.
 *   fails  a rebalance while a slash request is pending on the node's pool conserves the exit value exactly.
 *   fails  weight 0 ("removal" with stake): deposits skip the node and the queue drains it first.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD, withdrawalId } from "../helpers/fixtures";
import { lrtFixture, lrtSlashFixture } from "../helpers/lrtFixtures";
import { approveNode, nodeAddress, queuedIds, requestSlash } from "../helpers/lrtActions";
import { salt, signDelegationApproval } from "../helpers/signatures";
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
    await expect(f.manager.redelegateNode(0, f.operator1.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
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
      f.manager
        .connect(f.outsider)
        .redelegateNode(0, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.manager, "AccessControlUnauthorizedAccount");
    await expect(f.manager.redelegateNode(0, f.operator2.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "OperatorHasNode")
      .withArgs(f.operator2.address);
    await expect(f.manager.redelegateNode(0, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
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
    await (
      await f.manager.createNode(f.operator1.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)
    ).wait();
    expect(await f.manager.nodeCount()).to.equal(5n);
    await expectSolvent(f);
  });

  it("fixed (issue #10): a node for an operator with a delegation approver: the approver signs for the node's CREATE2 address before it exists; no, a foreign, an expired or a mis-addressed signature is refused with the registry's own error, a valid one creates the node delegated to the operator, and its salt cannot serve again", async function () {
    const f = await loadFixture(lrtFixture);
    const signers = await ethers.getSigners();
    const [op, op2] = [signers[18], signers[19]];
    for (const o of [op, op2]) {
      await (await f.registry.connect(o).registerAsOperator("ipfs://op", 1_000, f.approver.address)).wait();
    }
    const index = await f.manager.nodeCount();
    expect(index).to.equal(4n);
    const predicted = await nodeAddress(f, index);
    expect(await ethers.provider.getCode(predicted)).to.equal("0x");
    // The four nodes of the fixture sit at the addresses the sdk predicts for indices 0-3.
    for (let i = 0; i < 4; ++i) expect((await f.manager.node(i)).node).to.equal(await nodeAddress(f, i));
    const s1 = salt("node 4");
    const expiry = BigInt(await time.latest()) + DAY;
    // No signature: the registry reads expiry 0 as expired.
    await expect(
      f.manager.createNode(op.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.registry, "SignatureExpired");
    // Signed by someone other than the approver.
    const foreign = await signDelegationApproval(f.outsider, f.registry, {
      staker: predicted,
      operator: op.address,
      approver: f.approver.address,
      salt: s1,
      expiry,
    });
    await expect(f.manager.createNode(op.address, 0, foreign, s1)).to.be.revertedWithCustomError(
      f.registry,
      "InvalidSignature",
    );
    // Signed by the approver for another staker (the address of node 5).
    const misaddressed = await approveNode(f, f.approver, await nodeAddress(f, 5), op.address, s1, expiry);
    await expect(f.manager.createNode(op.address, 0, misaddressed, s1)).to.be.revertedWithCustomError(
      f.registry,
      "InvalidSignature",
    );
    // Expired.
    const now = BigInt(await time.latest());
    const stale = await approveNode(f, f.approver, predicted, op.address, s1, now);
    await time.increase(1n);
    await expect(f.manager.createNode(op.address, 0, stale, s1))
      .to.be.revertedWithCustomError(f.registry, "SignatureExpired")
      .withArgs(now, now + 2n);
    expect(await f.manager.nodeCount()).to.equal(4n);
    // Valid: the node is created at the predicted address and delegated to op; the salt is spent.
    const valid = await approveNode(f, f.approver, predicted, op.address, s1, expiry);
    await expect(f.manager.createNode(op.address, 0, valid, s1))
      .to.emit(f.manager, "NodeCreated")
      .withArgs(4n, predicted, op.address, 0n)
      .and.to.emit(f.registry, "ApproverSaltSpent")
      .withArgs(f.approver.address, s1, predicted, op.address);
    expect(await f.vault.delegatedTo(predicted)).to.equal(op.address);
    expect(await f.registry.isSaltSpent(f.approver.address, s1)).to.equal(true);
    expect(await f.rewardDistributor.claimerOf(predicted)).to.equal(f.managerAddress);
    // The same salt for op2's node 5: SaltSpent.
    const reused = await approveNode(f, f.approver, await nodeAddress(f, 5), op2.address, s1, expiry);
    await expect(f.manager.createNode(op2.address, 0, reused, s1))
      .to.be.revertedWithCustomError(f.registry, "SaltSpent")
      .withArgs(f.approver.address, s1);
    // The node serves: with all the weight, a deposit goes to it.
    await (await f.manager.setWeights([0, 0, 0, 0, 10_000])).wait();
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    expect((await f.manager.position(4, f.stETHAddress)).active).to.equal(10n ** 25n);
    expect(await f.manager.totalValue(true)).to.equal(10n * WAD);
    await expectSolvent(f);
  });

  it("redelegation to an operator with a delegation approver: node 0, force-undelegated and emptied, is refused without the approver's signature and redelegated with it; the stake it then takes is delegated to the new operator", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    await (await f.manager.syncNode(0)).wait();
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals([withdrawalId(node0, 0n)])).wait();
    await (
      await f.registry.connect(f.erin).registerAsOperator("ipfs://erin", 1_000, f.approver.address)
    ).wait();
    await expect(
      f.manager.redelegateNode(0, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.registry, "SignatureExpired");
    const s1 = salt("redelegate node 0");
    const expiry = BigInt(await time.latest()) + DAY;
    // A signature for node 1's address does not serve node 0.
    const other = await approveNode(
      f,
      f.approver,
      (await f.manager.node(1)).node,
      f.erin.address,
      s1,
      expiry,
    );
    await expect(f.manager.redelegateNode(0, f.erin.address, other, s1)).to.be.revertedWithCustomError(
      f.registry,
      "InvalidSignature",
    );
    expect((await f.manager.node(0)).undelegated).to.equal(true);
    const valid = await approveNode(f, f.approver, node0, f.erin.address, s1, expiry);
    await expect(f.manager.redelegateNode(0, f.erin.address, valid, s1))
      .to.emit(f.manager, "NodeRedelegated")
      .withArgs(0n, f.operator1.address, f.erin.address);
    expect(await f.vault.delegatedTo(node0)).to.equal(f.erin.address);
    await (await f.manager.stakeIdle(f.stETHAddress, 10n * WAD)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(10n ** 25n);
    expect((await f.vault.pool(f.erin.address, f.stETHAddress)).totalAssets).to.equal(10n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await expectSolvent(f);
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
