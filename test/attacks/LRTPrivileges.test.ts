/**
 * Attack review of the LRT (issue #10), class 8: privileged calls, pause groups and upgrades.
 *
 * Claims tried and results (no finding):
 *   fails  every role-gated function of LRTManager and LiquidRestakingToken called by an outsider reverts
 *          AccessControlUnauthorizedAccount(outsider, role); the manager's entry-point functions revert NotEntryPoint;
 *          LRTNode's functions OnlyManager, its initializer InvalidInitialization; LRTAssetVault.pullTo OnlyManager;
 *          LRTNodeBeacon.upgradeTo OwnableUnauthorizedAccount; upgradeToAndCall of the manager and the token.
 *   fails  every function under each manager pause group reverts GroupPaused(group) while it is paused.
 *   Not tried: reentrant (ERC-777-like) assets. The LRT accepts only assets the admin lists (addAsset, and the vault
 *   must list them too); no path accepts an arbitrary token.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import { LRT_GROUP, lrtFixture } from "../helpers/lrtFixtures";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { LRTNodeBeacon__factory, LRTNode__factory } from "../../typechain-types";
import { fourDeposits } from "./lrtReviewHelpers";

const ROLE = {
  ADMIN: ethers.ZeroHash,
  MANAGER: ethers.id("MANAGER_ROLE"),
  MINTER: ethers.id("MINTER_ROLE"),
  PAUSER: ethers.id("PAUSER_ROLE"),
};
const BEACON_SLOT = "0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50";

describe("Attack review (LRT): privileges, pauses and upgrades", function () {
  it("an outsider calling every privileged function of the manager, token, nodes, entry point and beacon is refused", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const o = f.outsider;
    const m = f.manager.connect(o);
    const x = o.address;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => m.addAsset(f.assetAddresses[2], x, 1n), ROLE.ADMIN],
      [() => m.setAssetConfig(f.stETHAddress, 1n, true, false), ROLE.MANAGER],
      [() => m.setWeights([10_000, 0, 0, 0]), ROLE.MANAGER],
      [() => m.setRiskCaps(1, 0), ROLE.MANAGER],
      [() => m.setAllowedAVSs([x]), ROLE.MANAGER],
      [() => m.setBuffer(0, 0, 0), ROLE.ADMIN],
      [() => m.setProtocolFee(2_000), ROLE.ADMIN],
      [() => m.setConfig(x, x, x, []), ROLE.ADMIN],
      [() => m.rebalance(0, f.stETHAddress, 1n), ROLE.MANAGER],
      [() => m.stakeIdle(f.stETHAddress, 1n), ROLE.MANAGER],
      [() => m.createNode(x, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT), ROLE.MANAGER],
      [() => m.pause(1n), ROLE.PAUSER],
      [() => m.unpause(1n), ROLE.ADMIN],
      [() => m.upgradeToAndCall(x, "0x"), ROLE.ADMIN],
    ];
    for (const [tx, role] of cases) {
      await expect(tx())
        .to.be.revertedWithCustomError(f.manager, "AccessControlUnauthorizedAccount")
        .withArgs(x, role);
    }
    const t = f.lrt.connect(o);
    for (const [tx, role] of [
      [() => t.mint(x, WAD), ROLE.MINTER],
      [() => t.burn(f.alice.address, WAD), ROLE.MINTER],
      [() => t.escrowFrom(f.alice.address, f.alice.address, WAD), ROLE.MINTER],
      [() => t.setManager(x), ROLE.ADMIN],
      [() => t.pause(1n), ROLE.PAUSER],
      [() => t.upgradeToAndCall(x, "0x"), ROLE.ADMIN],
    ] as Array<[() => Promise<unknown>, string]>) {
      await expect(tx())
        .to.be.revertedWithCustomError(f.lrt, "AccessControlUnauthorizedAccount")
        .withArgs(x, role);
    }
    for (const tx of [
      () => m.deposit(x, WAD, x, 0n),
      () => m.mint(x, WAD, x),
      () => m.requestRedeem(x, f.alice.address, WAD, x, f.alice.address),
      () => m.claimShares(1n, x, f.alice.address),
      () => m.claimAssets(1n, x, f.alice.address),
      () => m.claimRequest(1n, x, 0n),
    ]) {
      await expect(tx()).to.be.revertedWithCustomError(f.manager, "NotEntryPoint").withArgs(x);
    }
    const nodeAddress = (await f.manager.node(0)).node;
    const node = LRTNode__factory.connect(nodeAddress, o);
    for (const tx of [
      () => node.deposit(f.stETHAddress, 1n),
      () => node.queueWithdrawal(f.stETHAddress, 10n ** 25n),
      () => node.completeWithdrawal(1n, 0n),
      () => node.claimRewards([f.stETHAddress]),
      () => node.delegateTo(x, x, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ]) {
      await expect(tx()).to.be.revertedWithCustomError(node, "OnlyManager").withArgs(x);
    }
    await expect(node.initialize(x, x, x)).to.be.revertedWithCustomError(node, "InvalidInitialization");
    await expect(f.stETHVault.connect(o).pullTo(f.alice.address, o.address, WAD))
      .to.be.revertedWithCustomError(f.stETHVault, "OnlyManager")
      .withArgs(x);
    const beaconAddress = ethers.getAddress(
      "0x" + (await ethers.provider.getStorage(nodeAddress, BEACON_SLOT)).slice(26),
    );
    const beacon = LRTNodeBeacon__factory.connect(beaconAddress, o);
    await expect(beacon.upgradeTo(x))
      .to.be.revertedWithCustomError(beacon, "OwnableUnauthorizedAccount")
      .withArgs(x);
    // Nothing moved.
    expect(await f.lrt.totalSupply()).to.equal(40n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
  });

  it("every manager function under each pause group reverts GroupPaused while it is paused", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    const a = f.alice;
    const groups: Array<[bigint, Array<() => Promise<unknown>>]> = [
      [
        LRT_GROUP.DEPOSITS,
        [
          () => f.stETHVault.connect(a).deposit(WAD, a.address),
          () => f.stETHVault.connect(a).mint(WAD, a.address),
        ],
      ],
      [LRT_GROUP.REDEEM_REQUESTS, [() => f.stETHVault.connect(a).requestRedeem(WAD, a.address, a.address)]],
      [
        LRT_GROUP.CLAIMS,
        [
          () => f.stETHVault.connect(a).redeem(1n, a.address, a.address),
          () => f.stETHVault.connect(a).withdraw(1n, a.address, a.address),
          () => f.stETHVault.connect(a).claim(1n, a.address, 0n),
        ],
      ],
      [
        LRT_GROUP.INSTANT_REDEEM,
        [() => f.manager.connect(a).instantRedeem(WAD, f.stETHAddress, 0n, a.address)],
      ],
      [
        LRT_GROUP.OPERATIONS,
        [
          () => f.manager.processRequests(f.stETHAddress, 1n),
          () => f.manager.completeWithdrawals([1n]),
          () => f.manager.harvest(),
          () => f.manager.rebalance(0, f.stETHAddress, 1n),
          () => f.manager.stakeIdle(f.stETHAddress, 1n),
        ],
      ],
    ];
    for (const [group, calls] of groups) {
      await (await f.manager.pause(1n << group)).wait();
      for (const c of calls) {
        await expect(c()).to.be.revertedWithCustomError(f.manager, "GroupPaused").withArgs(group);
      }
      await (await f.manager.unpause(1n << group)).wait();
    }
    // Unpaused, the claim goes through: alice is paid her 1 stETH.
    await expect(f.stETHVault.connect(a).claim(1n, a.address, WAD)).to.changeTokenBalance(f.stETH, a, WAD);
  });
});
