import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { withdrawalId } from "../../sdk/views";
import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import {
  LRT_CAP,
  LRT_GROUP,
  RETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  rateOf,
  sharesFor,
  type LRTFixture,
} from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, queuedIds, requestSlash } from "../helpers/lrtActions";

/** alice, bob, carol and dave each deposit 10 stETH: one per node. */
async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

describe("LRTManager: deposits and valuation", function () {
  it("mints at the entry price and routes to the node furthest below its weight", async function () {
    const f = await loadFixture(lrtFixture);
    const amount = 10n * WAD;
    await expect(f.stETHVault.connect(f.alice).deposit(amount, f.alice.address))
      .to.emit(f.manager, "Deposited")
      .withArgs(
        f.alice.address,
        f.alice.address,
        f.stETHAddress,
        amount,
        sharesFor(amount, 0n, 0n),
        amount,
        0,
      );
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(amount);
    expect(await f.manager.totalValue(true)).to.equal(amount);
    // Node 0 is now above its 25%: the next deposit goes to node 1.
    await expect(f.stETHVault.connect(f.bob).deposit(amount, f.bob.address))
      .to.emit(f.manager, "Staked")
      .withArgs(1, f.stETHAddress, amount, amount * 10n ** 6n);
    expect(await f.manager.getRate()).to.equal(
      rateOf(await f.manager.totalValue(true), await f.lrt.totalSupply()),
    );
  });

  it("prices rETH through the oracle", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const tv = await f.manager.totalValue(false);
    const supply = await f.lrt.totalSupply();
    const value = (5n * WAD * RETH_PRICE) / WAD;
    await expect(f.rETHVault.connect(f.erin).deposit(5n * WAD, f.erin.address)).to.changeTokenBalance(
      f.lrt,
      f.erin,
      sharesFor(value, tv, supply),
    );
    expect(await f.manager.totalValue(true)).to.equal(tv + value);
  });

  it("enforces the cap, minSharesOut, zero amounts and disabled assets", async function () {
    const f = await loadFixture(lrtFixture);
    expect(await f.stETHVault.maxDeposit(f.alice.address)).to.equal(LRT_CAP);
    await (await f.manager.setAssetConfig(f.stETHAddress, 15n * WAD, true, false)).wait();
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    expect(await f.stETHVault.maxDeposit(f.alice.address)).to.equal(5n * WAD);
    await expect(f.stETHVault.connect(f.bob).deposit(6n * WAD, f.bob.address))
      .to.be.revertedWithCustomError(f.manager, "CapExceeded")
      .withArgs(f.stETHAddress, 15n * WAD, 16n * WAD);
    const preview = await f.stETHVault.previewDeposit(WAD);
    await expect(f.stETHVault.connect(f.bob).depositWithMinShares(WAD, f.bob.address, preview + 1n))
      .to.be.revertedWithCustomError(f.manager, "SharesBelowMinimum")
      .withArgs(preview, preview + 1n);
    await expect(f.stETHVault.connect(f.bob).deposit(0n, f.bob.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await (await f.manager.setAssetConfig(f.stETHAddress, 15n * WAD, false, false)).wait();
    expect(await f.stETHVault.maxDeposit(f.alice.address)).to.equal(0n);
    await expect(f.stETHVault.connect(f.bob).deposit(WAD, f.bob.address))
      .to.be.revertedWithCustomError(f.manager, "DepositsDisabled")
      .withArgs(f.stETHAddress);
  });

  it("keeps deposits idle up to the buffer target, then routes to nodes", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(1_000, 10, 100)).wait();
    await expect(f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address))
      .to.emit(f.manager, "Deposited")
      .withArgs(f.alice.address, f.alice.address, f.stETHAddress, 10n * WAD, 10n * WAD, 10n * WAD, 255);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    await expect(f.stETHVault.connect(f.bob).deposit(10n * WAD, f.bob.address)).to.emit(f.manager, "Staked");
  });

  it("values nothing from donations to the manager, a node, an entry point or the vault", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const [tv, rate] = [await f.manager.totalValue(true), await f.manager.getRate()];
    const node0 = (await f.manager.node(0)).node;
    for (const to of [f.managerAddress, node0, await f.stETHVault.getAddress(), f.vaultAddress]) {
      await (await f.stETH.connect(f.erin).transfer(to, 100n * WAD)).wait();
    }
    expect(await f.manager.totalValue(true)).to.equal(tv);
    expect(await f.manager.getRate()).to.equal(rate);
  });

  it("a slash of one operator lowers the rate by exactly that operator's loss of total value", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    const supply = await f.lrt.totalSupply();
    const before = await f.manager.totalValue(true);
    const id = await requestSlash(f, f.operator1.address, WAD / 10n);
    // 10% of a 50% allocation: 5% of node 0's 10 stETH pool is reserved, and the exit value falls by it at once.
    const reserved = (10n * WAD * 5n) / 100n;
    expect(await f.manager.totalValue(true)).to.equal(before - reserved);
    // The entry value keeps the pool gross: a depositor pays as if the request will be vetoed.
    expect(await f.manager.totalValue(false)).to.equal(before);
    await executeSlash(f, id);
    expect(await f.manager.totalValue(true)).to.equal(before - reserved);
    expect(await f.manager.getRate()).to.equal(rateOf(before - reserved, supply));
  });

  it("rewards raise the rate net of the fee, and harvest does not move it", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await (await f.manager.setProtocolFee(1_000)).wait();
    await fundStETHRewards(f, f.operator1.address, 4n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    const rate0 = await f.manager.getRate();
    await time.increase(DAY);
    const pending = await f.rewardDistributor.pendingRewards((await f.manager.node(0)).node, f.stETHAddress);
    expect(pending).to.be.greaterThan(0n);
    const net = pending - (pending * 1_000n + 9_999n) / 10_000n;
    const tv = await f.manager.totalValue(true);
    expect(tv).to.equal(40n * WAD + net);
    const rate1 = await f.manager.getRate();
    expect(rate1).to.be.greaterThan(rate0);
    const supply = await f.lrt.totalSupply();
    await (await f.manager.harvest()).wait();
    // The treasury's fee shares were minted at the rate: the rate does not fall, and rises by rounding only.
    const feeShares = await f.lrt.balanceOf(f.treasury.address);
    const fee = (pending * 1_000n + 9_999n) / 10_000n;
    expect(feeShares).to.equal(sharesFor(fee, tv, supply));
    const rate2 = await f.manager.getRate();
    expect(rate2).to.be.gte(rate1);
    expect(rate2 - rate1).to.be.lte(1n);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(pending);
  });

  it("harvest claims for every node that named the manager its claimer, and through the node's own call otherwise", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await fundStETHRewards(f, f.operator1.address, 4n * WAD);
    await fundStETHRewards(f, f.operator2.address, 2n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await time.increase(2n * DAY);
    const managerAddress = await f.manager.getAddress();
    const [node0, node1] = [(await f.manager.node(0)).node, (await f.manager.node(1)).node];
    // Every node named the manager its claimer when it was created.
    expect(await f.rewardDistributor.claimerOf(node0)).to.equal(managerAddress);
    expect(await f.rewardDistributor.claimerOf(node1)).to.equal(managerAddress);
    // A node that has not (as one created before nodes did) is harvested through its own claimRewards: clear node 1's
    // claimer (RewardDistributor storage: the 11th field of its ERC-7201 struct, `claimers`).
    const base = 0xa453a1c92dd3a38b2f52fb284182f59d1a1f8da036b0ad897e6bff7ee1897f00n;
    const slot = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [node1, base + 10n]),
    );
    await ethers.provider.send("hardhat_setStorageAt", [
      await f.rewardDistributor.getAddress(),
      slot,
      ethers.ZeroHash,
    ]);
    expect(await f.rewardDistributor.claimerOf(node1)).to.equal(ethers.ZeroAddress);
    const pending0 = await f.rewardDistributor.pendingRewards(node0, f.stETHAddress);
    const pending1 = await f.rewardDistributor.pendingRewards(node1, f.stETHAddress);
    expect(pending0).to.be.greaterThan(0n);
    expect(pending1).to.be.greaterThan(0n);
    const tx = f.manager.harvest();
    // Node 0: the manager claims for it (caller = the manager); node 1: the node claims (caller = the node).
    await expect(tx)
      .to.emit(f.rewardDistributor, "RewardsClaimed")
      .withArgs(node0, f.stETHAddress, managerAddress, managerAddress, pending0);
    await expect(tx)
      .to.emit(f.rewardDistributor, "RewardsClaimed")
      .withArgs(node1, f.stETHAddress, managerAddress, node1, pending1);
    await expect(tx).to.emit(f.manager, "Harvested").withArgs(0, f.stETHAddress, pending0, true);
    await expect(tx).to.emit(f.manager, "Harvested").withArgs(1, f.stETHAddress, pending1, true);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(pending0 + pending1);
    expect(await f.rewardDistributor.pendingRewards(node0, f.stETHAddress)).to.equal(0n);
    expect(await f.rewardDistributor.pendingRewards(node1, f.stETHAddress)).to.equal(0n);
  });

  it("rebalance conserves total value to 1 wei, through the queue and back to idle", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const tv = await f.manager.totalValue(true);
    const shares = (await f.manager.position(0, f.stETHAddress)).active / 3n;
    const ids = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, shares));
    expect(await f.manager.totalValue(true)).to.equal(tv);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    const after = await f.manager.totalValue(true);
    expect(tv - after).to.be.lte(1n);
    expect(after).to.be.lte(tv);
    await (
      await f.manager.stakeIdle(f.stETHAddress, (await f.manager.assetBook(f.stETHAddress)).idle)
    ).wait();
    const staked = await f.manager.totalValue(true);
    expect(after - staked).to.be.lte(1n);
  });

  it("records the withdrawals an operator forces by undelegating a node", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const tv = await f.manager.totalValue(true);
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    expect(await f.manager.totalValue(true)).to.equal(tv);
    // Deposits skip the undelegated node until it is synced (then it takes nothing).
    await expect(f.manager.syncNode(0)).to.emit(f.manager, "NodeUndelegatedSynced");
    expect((await f.manager.node(0)).undelegated).to.equal(true);
    expect(await f.manager.totalValue(true)).to.equal(tv);
    const id = withdrawalId(node0, 0n);
    expect((await f.manager.withdrawalRecord(id)).shares).to.equal(10n * WAD * 10n ** 6n);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals([id])).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(tv);
  });
});

describe("LRTManager: risk policy", function () {
  it("concentration: a deposit that would breach reverts with the figure", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await (await f.manager.setRiskCaps(3_000, 10_000)).wait();
    // 20 stETH more into the most underweight node would give it 30/60 = 50%.
    await expect(f.stETHVault.connect(f.erin).deposit(20n * WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "ConcentrationBreached")
      .withArgs(f.operator1.address, 5_000, 3_000);
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).to.emit(f.manager, "Staked");
  });

  it("AVS allow-list: an operator's allocation to an unlisted AVS shows in riskReport and stops deposits", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    let report = await f.manager.riskReport();
    expect(report.allocationsOk).to.equal(true);
    // Each pool: 50% allocated, 50% max per slash: 25% slashable.
    expect(report.exposure).to.equal((40n * WAD) / 4n);
    expect(report.exposureBps).to.equal(2_500n);
    await (await f.manager.setAllowedAVSs([])).wait();
    report = await f.manager.riskReport();
    expect(report.allocationsOk).to.equal(false);
    expect(report.nodes[0].unapprovedAsset).to.equal(f.stETHAddress);
    expect(report.nodes[0].unapprovedMagnitude).to.equal(WAD / 2n);
    // Unapproved allocations count at 100% of the allocation: 50% of every pool.
    expect(report.exposureBps).to.equal(5_000n);
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "UnapprovedAllocation")
      .withArgs(f.operator1.address, f.stETHAddress);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setRiskCaps(10_000, 2_000)).wait();
    for (let i = 0; i < 4; i++) await (await f.manager.refreshExposure(i)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(2_500, 2_000);
    expect((await f.manager.riskReport()).exposureOk).to.equal(false);
  });

  it("an operator-caused breach after the fact is visible", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    expect((await f.manager.riskReport()).allocationsOk).to.equal(true);
    const signers = await ethers.getSigners();
    const other = signers[18];
    await (
      await f.slashingManager.connect(other).registerAVS("ipfs://other", {
        slasher: other.address,
        vetoCommittee: ethers.ZeroAddress,
        vetoWindow: 0,
        maxSlashWad: WAD,
        recipient: ethers.ZeroAddress,
        registrar: ethers.ZeroAddress,
        assets: [f.stETHAddress],
      })
    ).wait();
    await (await f.slashingManager.connect(f.operator2).registerOperatorToAVS(other.address, "0x")).wait();
    await (
      await f.slashingManager.connect(f.operator2).modifyAllocation(other.address, f.stETHAddress, WAD / 4n)
    ).wait();
    const report = await f.manager.riskReport();
    expect(report.allocationsOk).to.equal(false);
    expect(report.nodes[1].unapprovedAsset).to.equal(f.stETHAddress);
    expect(report.nodes[1].unapprovedMagnitude).to.equal(WAD / 4n);
  });
});

describe("LRTManager: pause groups and roles", function () {
  it("every function of a paused group reverts", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const groupPaused = async (group: bigint, calls: Array<() => Promise<unknown>>): Promise<void> => {
      await (await f.manager.pause(1n << group)).wait();
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(f.manager, "GroupPaused").withArgs(group);
      }
      await (await f.manager.unpause(1n << group)).wait();
    };
    await groupPaused(LRT_GROUP.DEPOSITS, [
      () => f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address),
      () => f.stETHVault.connect(f.erin).mint(WAD, f.erin.address),
    ]);
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    await groupPaused(LRT_GROUP.REDEEM_REQUESTS, [
      () => f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address),
    ]);
    await groupPaused(LRT_GROUP.CLAIMS, [
      () => f.stETHVault.connect(f.alice).redeem(WAD, f.alice.address, f.alice.address),
      () => f.stETHVault.connect(f.alice).withdraw(WAD, f.alice.address, f.alice.address),
      () => f.stETHVault.connect(f.alice).claim(1n, f.alice.address, 0n),
    ]);
    await groupPaused(LRT_GROUP.INSTANT_REDEEM, [
      () => f.manager.connect(f.alice).instantRedeem(WAD, f.stETHAddress, 0n, f.alice.address),
    ]);
    await groupPaused(LRT_GROUP.OPERATIONS, [
      () => f.manager.processRequests(f.stETHAddress, 1n),
      () => f.manager.completeWithdrawals([]),
      () => f.manager.harvest(),
      () => f.manager.rebalance(0, f.stETHAddress, 1n),
      () => f.manager.stakeIdle(f.stETHAddress, 1n),
    ]);
  });

  it("every privileged function reverts for an account without its role", async function () {
    const f = await loadFixture(lrtFixture);
    const m = f.manager.connect(f.outsider);
    const MANAGER = await f.manager.MANAGER_ROLE();
    const ADMIN = await f.manager.DEFAULT_ADMIN_ROLE();
    const PAUSER = await f.manager.PAUSER_ROLE();
    const cases: Array<[string, () => Promise<unknown>]> = [
      [ADMIN, () => m.addAsset(f.assetAddresses[2], f.outsider.address, 1n)],
      [MANAGER, () => m.setAssetConfig(f.stETHAddress, 1n, true, false)],
      [MANAGER, () => m.createNode(f.outsider.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)],
      [MANAGER, () => m.setWeights([2_500, 2_500, 2_500, 2_500])],
      [MANAGER, () => m.setRiskCaps(1, 1)],
      [MANAGER, () => m.setAllowedAVSs([])],
      [ADMIN, () => m.setBuffer(0, 0, 0)],
      [ADMIN, () => m.setProtocolFee(0)],
      [ADMIN, () => m.setConfig(f.outsider.address, f.outsider.address, f.outsider.address, [])],
      [MANAGER, () => m.rebalance(0, f.stETHAddress, 1n)],
      [MANAGER, () => m.stakeIdle(f.stETHAddress, 1n)],
      [PAUSER, () => m.pause(1n)],
      [ADMIN, () => m.unpause(1n)],
      [ADMIN, () => m.upgradeToAndCall(f.outsider.address, "0x")],
    ];
    for (const [role, call] of cases) {
      await expect(call())
        .to.be.revertedWithCustomError(f.manager, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, role);
    }
    const MINTER = await f.lrt.MINTER_ROLE();
    const t = f.lrt.connect(f.outsider);
    for (const call of [
      () => t.mint(f.outsider.address, 1n),
      () => t.burn(f.alice.address, 1n),
      () => t.escrowFrom(f.alice.address, f.alice.address, 1n),
    ]) {
      await expect(call())
        .to.be.revertedWithCustomError(f.lrt, "AccessControlUnauthorizedAccount")
        .withArgs(f.outsider.address, MINTER);
    }
    await expect(f.manager.connect(f.outsider).deposit(f.outsider.address, 1n, f.outsider.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotEntryPoint")
      .withArgs(f.outsider.address);
    const node0 = await ethers.getContractAt("LRTNode", (await f.manager.node(0)).node);
    await expect(node0.connect(f.outsider).deposit(f.stETHAddress, 1n))
      .to.be.revertedWithCustomError(node0, "OnlyManager")
      .withArgs(f.outsider.address);
  });
});
