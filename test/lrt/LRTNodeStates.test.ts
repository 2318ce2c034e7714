/**
 * The LRT's node states that the scenario tests pass through without stopping: a node its operator force-undelegated
 * before and after `syncNode` records it (deposits skip it, rebalance refuses it, redelegation waits for it to be
 * empty), a withdrawal or a redemption draw worth 0 tokens, a second `processRequests` while the tokens are in flight,
 * and a node created without a reward distributor. Each case asserts the error with its figures or the state after.
 */
import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { BeaconProxy__factory, LRTNode__factory } from "../../typechain-types";
import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { queuedIds } from "../helpers/lrtActions";
import { lrtFixture, type LRTFixture } from "../helpers/lrtFixtures";

/** lrtFixture; alice deposits 10 stETH (node 0), then operator1 force-undelegates node 0 (not yet synced). */
async function undelegatedFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.registry.connect(f.operator1).undelegate((await f.manager.node(0)).node)).wait();
  return f;
}

describe("LRT nodes: a force-undelegated node", function () {
  it("before syncNode, a deposit routed to it is refused there (NodeUndelegated) and goes to the next node; after it, deposits skip the node", async function () {
    const f = await loadFixture(undelegatedFixture);
    // Node 0 is still recorded as delegated. With all the weight on it, it is the only candidate: refused.
    await (await f.manager.setWeights([10_000, 0, 0, 0])).wait();
    await expect(f.stETHVault.connect(f.bob).deposit(WAD, f.bob.address))
      .to.be.revertedWithCustomError(f.manager, "NodeUndelegated")
      .withArgs(0);
    // 99% on node 0 (target 10.89 of 11, holding 10) and 1% on node 1 (target 0.11): node 0 is tried first, refused,
    // and node 1 takes bob's stETH.
    await (await f.manager.setWeights([9_900, 100, 0, 0])).wait();
    await expect(f.stETHVault.connect(f.bob).deposit(WAD, f.bob.address))
      .to.emit(f.manager, "Staked")
      .withArgs(1, f.stETHAddress, WAD, WAD * 10n ** 6n);
    await expect(f.manager.syncNode(0)).to.emit(f.manager, "NodeUndelegatedSynced");
    expect((await f.manager.node(0)).undelegated).to.equal(true);
    // Synced: node 0 is skipped before any pool is read, and syncNode again records nothing.
    await expect(f.stETHVault.connect(f.carol).deposit(WAD, f.carol.address))
      .to.emit(f.manager, "Staked")
      .withArgs(1, f.stETHAddress, WAD, anyValue);
    await expect(f.manager.syncNode(0)).to.not.emit(f.manager, "NodeUndelegatedSynced");
  });

  it("rebalance refuses the synced node (NodeUndelegated); redelegateNode refuses a node still delegated (NodeNotEmpty)", async function () {
    const f = await loadFixture(undelegatedFixture);
    await (await f.manager.syncNode(0)).wait();
    await expect(f.manager.rebalance(0, f.stETHAddress, 1n))
      .to.be.revertedWithCustomError(f.manager, "NodeUndelegated")
      .withArgs(0);
    await expect(f.manager.redelegateNode(1, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "NodeNotEmpty")
      .withArgs(1);
  });
});

describe("LRT nodes: draws worth nothing", function () {
  it("a withdrawal of 1 vault share is worth 0 stETH: the node completes it and transfers nothing; idle is unchanged", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    const [id] = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, 1n));
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const balance = await f.stETH.balanceOf(f.managerAddress);
    await expect(f.manager.completeWithdrawals([id]))
      .to.emit(f.manager, "WithdrawalCompleted")
      .withArgs(id, 0, f.stETHAddress, 0n);
    expect(await f.stETH.balanceOf(f.managerAddress)).to.equal(balance);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(0n);
  });

  it("processRequests draws on a node whose active shares are worth 0 tokens: nothing is queued; once the earlier withdrawal completes, idle pays the head", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    const active = (await f.manager.position(0, f.stETHAddress)).active;
    // Node 0 keeps 1 vault share (worth 0 stETH) active; the rest is queued.
    const [id] = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, active - 1n));
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    expect(await queuedIds(f, f.manager.processRequests(f.stETHAddress, 1n))).to.deep.equal([]);
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(1n);
    expect((await f.manager.assetBook(f.stETHAddress)).inFlightRedeem).to.equal(0n);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals([id])).wait();
    // The completed withdrawal pays alice's head from idle.
    await expect(f.manager.processRequests(f.stETHAddress, 1n)).to.emit(f.manager, "RedeemFulfilled");
  });

  it("a second processRequests while the head's withdrawal is in flight queues nothing more", async function () {
    const f = await loadFixture(lrtFixture);
    for (const s of [f.alice, f.bob])
      await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 1n));
    expect(ids.length).to.equal(1);
    // 4e24 of the pool's 1e25 vault shares: exactly 4 stETH in flight for the head.
    const inFlight = (await f.manager.assetBook(f.stETHAddress)).inFlightRedeem;
    expect(inFlight).to.equal(4n * WAD);
    expect((await f.manager.withdrawalRecord(ids[0])).forRedeem).to.equal(inFlight);
    expect(await queuedIds(f, f.manager.processRequests(f.stETHAddress, 1n))).to.deep.equal([]);
    expect((await f.manager.assetBook(f.stETHAddress)).inFlightRedeem).to.equal(inFlight);
  });
});

describe("LRTNode: initialization and views", function () {
  it("a node initialized without a reward distributor names no claimer; manager() names its manager", async function () {
    const f = await loadFixture(lrtFixture);
    const init = LRTNode__factory.createInterface().encodeFunctionData("initialize", [
      f.alice.address,
      f.vaultAddress,
      ethers.ZeroAddress,
    ]);
    const proxy = await new BeaconProxy__factory(f.admin).deploy(f.beaconAddress, init);
    const node = LRTNode__factory.connect(await proxy.getAddress(), f.admin);
    expect(await node.manager()).to.equal(f.alice.address);
    expect(await f.rewardDistributor.claimerOf(await proxy.getAddress())).to.equal(ethers.ZeroAddress);
    // A node the manager created named it its claimer.
    const node0 = (await f.manager.node(0)).node;
    expect(await LRTNode__factory.connect(node0, f.admin).manager()).to.equal(f.managerAddress);
    expect(await f.rewardDistributor.claimerOf(node0)).to.equal(f.managerAddress);
  });
});
