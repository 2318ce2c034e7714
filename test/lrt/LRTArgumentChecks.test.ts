/**
 * The LRT's argument checks (LRTManager and its libraries LRTOperations, LRTRisk, LRTValuation; LRTAssetVault;
 * LiquidRestakingToken; LRTNode): each refused argument reverts with its custom error and the figures it names, and
 * the call that is accepted next to it does what it says. Each check named here is one the other LRT tests do not make
 * revert (measured with `npx hardhat coverage`, docs/verification.md "Coverage gate").
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import {
  LRTManager__factory,
  LiquidRestakingToken__factory,
  ProtocolProxy__factory,
} from "../../typechain-types";
import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { queuedIds } from "../helpers/lrtActions";
import {
  CLAIMABLE,
  PENDING,
  STETH_PRICE,
  lrtFixture,
  managerLibraries,
  type LRTFixture,
} from "../helpers/lrtFixtures";

/** alice, bob, carol and dave each deposit 10 stETH (one per node with no buffer). */
async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

/** lrtFixture, a 50% buffer, 40 stETH deposited (20 idle); alice requests 4 LRT, fulfilled from idle: request 1. */
async function claimableFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.manager.setBuffer(5_000, 0, 0)).wait();
  await fourDeposits(f);
  await (
    await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
  ).wait();
  await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
  return f;
}

describe("LRTManager: policy setters refuse out-of-range figures", function () {
  it("setRiskCaps: an operator cap above 100% or of 0, an exposure cap above 100% (InvalidParameter); accepted caps are stored", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.setRiskCaps(10_001, 0))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(10_001, 10_000);
    await expect(f.manager.setRiskCaps(0, 0))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(0, 10_000);
    await expect(f.manager.setRiskCaps(10_000, 10_001))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(10_001, 10_000);
    await expect(f.manager.setRiskCaps(6_000, 3_000)).to.emit(f.manager, "PolicySet");
    const p = await f.manager.policy();
    expect([p.maxOperatorShareBps, p.maxSlashExposureBps]).to.deep.equal([6_000n, 3_000n]);
  });

  it("setAllowedAVSs: more than 16 (ListFull), a zero address (ZeroAddress); an accepted list is stored", async function () {
    const f = await loadFixture(lrtFixture);
    const seventeen = Array.from({ length: 17 }, (_, i) =>
      ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`),
    );
    await expect(f.manager.setAllowedAVSs(seventeen))
      .to.be.revertedWithCustomError(f.manager, "ListFull")
      .withArgs(16);
    await expect(
      f.manager.setAllowedAVSs([f.alice.address, ethers.ZeroAddress]),
    ).to.be.revertedWithCustomError(f.manager, "ZeroAddress");
    const sixteen = seventeen.slice(0, 16);
    await expect(f.manager.setAllowedAVSs(sixteen)).to.emit(f.manager, "AllowedAVSsSet").withArgs(sixteen);
    expect(await f.manager.allowedAVSs()).to.deep.equal(sixteen);
  });

  it("setBuffer: a buffer above 100%, a max fee above 10%, a base fee above the max fee (InvalidParameter)", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.setBuffer(10_001, 0, 0))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(10_001, 10_000);
    await expect(f.manager.setBuffer(0, 0, 1_001))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(1_001, 1_000);
    await expect(f.manager.setBuffer(0, 11, 10))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(11, 10);
    await (await f.manager.setBuffer(10_000, 1_000, 1_000)).wait();
    const p = await f.manager.policy();
    expect([p.bufferBps, p.baseFeeBps, p.maxFeeBps]).to.deep.equal([10_000n, 1_000n, 1_000n]);
  });

  it("setProtocolFee above 20% (InvalidParameter); 20% is stored", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.setProtocolFee(2_001))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(2_001, 2_000);
    await (await f.manager.setProtocolFee(2_000)).wait();
    expect((await f.manager.policy()).protocolFeeBps).to.equal(2_000n);
  });

  it("setConfig: a zero oracle, treasury or rewards receiver (ZeroAddress), more than 8 other reward tokens (ListFull)", async function () {
    const f = await loadFixture(lrtFixture);
    const [o, t, r] = [await f.oracle.getAddress(), f.treasury.address, f.rewardsReceiver.address];
    const z = ethers.ZeroAddress;
    for (const args of [
      [z, t, r],
      [o, z, r],
      [o, t, z],
    ] as const) {
      await expect(f.manager.setConfig(args[0], args[1], args[2], [])).to.be.revertedWithCustomError(
        f.manager,
        "ZeroAddress",
      );
    }
    const nine = Array.from({ length: 9 }, () => f.assetAddresses[2]);
    await expect(f.manager.setConfig(o, t, r, nine))
      .to.be.revertedWithCustomError(f.manager, "ListFull")
      .withArgs(8);
    await expect(f.manager.setConfig(o, t, r, nine.slice(0, 8)))
      .to.emit(f.manager, "ConfigSet")
      .withArgs(o, t, r, nine.slice(0, 8));
  });

  it("initialize: a zero admin, token, vault or beacon (ZeroAddress)", async function () {
    const f = await loadFixture(lrtFixture);
    const impl = await new LRTManager__factory(await managerLibraries(f), f.admin).deploy();
    const x = f.outsider.address;
    const wiring = {
      token: x,
      vault: x,
      slashingManager: x,
      rewards: x,
      registry: x,
      oracle: x,
      beacon: x,
      treasury: x,
      rewardsReceiver: x,
    };
    const z = ethers.ZeroAddress;
    for (const [admin, w] of [
      [z, wiring],
      [x, { ...wiring, token: z }],
      [x, { ...wiring, vault: z }],
      [x, { ...wiring, beacon: z }],
    ] as const) {
      const data = impl.interface.encodeFunctionData("initialize", [admin, w]);
      await expect(
        new ProtocolProxy__factory(f.admin).deploy(await impl.getAddress(), data),
      ).to.be.revertedWithCustomError(impl, "ZeroAddress");
    }
    // With every address set the proxy initializes: the admin holds the manager role.
    const data = impl.interface.encodeFunctionData("initialize", [x, wiring]);
    const proxy = await new ProtocolProxy__factory(f.admin).deploy(await impl.getAddress(), data);
    const m = LRTManager__factory.connect(await proxy.getAddress(), f.admin);
    expect(await m.hasRole(await m.MANAGER_ROLE(), x)).to.equal(true);
  });
});

describe("LRTManager: node arguments", function () {
  it("unknown node indices: rebalance, refreshExposure, syncNode, redelegateNode (UnknownNode); redelegateNode to the zero address (ZeroAddress)", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.rebalance(4, f.stETHAddress, 1n))
      .to.be.revertedWithCustomError(f.manager, "UnknownNode")
      .withArgs(4);
    await expect(f.manager.refreshExposure(4))
      .to.be.revertedWithCustomError(f.manager, "UnknownNode")
      .withArgs(4);
    await expect(f.manager.syncNode(4)).to.be.revertedWithCustomError(f.manager, "UnknownNode").withArgs(4);
    await expect(f.manager.redelegateNode(4, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "UnknownNode")
      .withArgs(4);
    await expect(
      f.manager.redelegateNode(0, ethers.ZeroAddress, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.manager, "ZeroAddress");
    // A known node: syncNode of a node still delegated records nothing.
    await expect(f.manager.syncNode(3)).to.not.emit(f.manager, "NodeUndelegatedSynced");
  });

  it("createNode: the zero address (ZeroAddress), a weight above 100% (InvalidParameter), a 17th node (ListFull)", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(
      f.manager.createNode(ethers.ZeroAddress, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.manager, "ZeroAddress");
    await expect(f.manager.createNode(f.erin.address, 10_001, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "InvalidParameter")
      .withArgs(10_001, 10_000);
    // Twelve more operators fill the 16 slots.
    for (let i = 0; i < 12; ++i) {
      const op = ethers.Wallet.createRandom().connect(ethers.provider);
      await (await f.admin.sendTransaction({ to: op.address, value: WAD })).wait();
      await (await f.registry.connect(op).registerAsOperator("ipfs://op", 0, ethers.ZeroAddress)).wait();
      await (await f.manager.createNode(op.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
    }
    expect(await f.manager.nodeCount()).to.equal(16n);
    await expect(f.manager.createNode(f.erin.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "ListFull")
      .withArgs(16);
  });

  it("rebalance of 0 shares or more than the node's active shares (InsufficientNodeShares); all of them is queued", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const active = (await f.manager.position(0, f.stETHAddress)).active;
    expect(active).to.equal(10n * WAD * 10n ** 6n);
    await expect(f.manager.rebalance(0, f.stETHAddress, 0n))
      .to.be.revertedWithCustomError(f.manager, "InsufficientNodeShares")
      .withArgs(0, active, 0n);
    await expect(f.manager.rebalance(0, f.stETHAddress, active + 1n))
      .to.be.revertedWithCustomError(f.manager, "InsufficientNodeShares")
      .withArgs(0, active, active + 1n);
    await (await f.manager.rebalance(0, f.stETHAddress, active)).wait();
    const pos = await f.manager.position(0, f.stETHAddress);
    expect([pos.active, pos.queued]).to.deep.equal([0n, active]);
  });

  it("completeWithdrawals of an id the manager did not queue (UnknownWithdrawal)", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const [id] = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, WAD));
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await expect(f.manager.completeWithdrawals([id, id + 1n]))
      .to.be.revertedWithCustomError(f.manager, "UnknownWithdrawal")
      .withArgs(id + 1n);
    await (await f.manager.completeWithdrawals([id])).wait();
    await expect(f.manager.completeWithdrawals([id]))
      .to.be.revertedWithCustomError(f.manager, "UnknownWithdrawal")
      .withArgs(id);
  });
});

describe("LRTManager: deposit, exit and claim arguments", function () {
  it("a mint of 0 shares (ZeroAmount); a deposit to the zero address (ZeroAddress)", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.stETHVault.connect(f.alice).mint(0n, f.alice.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await expect(
      f.stETHVault.connect(f.alice).deposit(WAD, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(f.manager, "ZeroAddress");
  });

  it("instantRedeem: 0 shares (ZeroAmount), the zero receiver (ZeroAddress), a payout below minOut (AssetsBelowMinimum)", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    const m = f.manager.connect(f.alice);
    await expect(m.instantRedeem(0n, f.stETHAddress, 0n, f.alice.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await expect(m.instantRedeem(WAD, f.stETHAddress, 0n, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAddress",
    );
    // No fee: 1 LRT at rate 1 pays 1 stETH.
    await expect(m.instantRedeem(WAD, f.stETHAddress, WAD + 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(WAD, WAD + 1n);
    await expect(m.instantRedeem(WAD, f.stETHAddress, WAD, f.alice.address)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      WAD,
    );
  });

  it("stakeIdle: 0 (ZeroAmount), more than the free idle (InsufficientBuffer with the figures)", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    const idle = (await f.manager.assetBook(f.stETHAddress)).idle;
    expect(idle).to.equal(20n * WAD);
    await expect(f.manager.stakeIdle(f.stETHAddress, 0n)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await expect(f.manager.stakeIdle(f.stETHAddress, idle + 1n))
      .to.be.revertedWithCustomError(f.manager, "InsufficientBuffer")
      .withArgs(f.stETHAddress, idle, idle + 1n);
    await expect(f.manager.stakeIdle(f.stETHAddress, idle)).to.emit(f.manager, "Staked");
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(0n);
  });

  it("requestRedeem: 0 shares, shares worth 0 (ZeroAmount), the zero controller (ZeroAddress)", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const v = f.stETHVault.connect(f.alice);
    await expect(v.requestRedeem(0n, f.alice.address, f.alice.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await expect(v.requestRedeem(WAD, ethers.ZeroAddress, f.alice.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAddress",
    );
    // At half the price one share is worth half a wei: 0 at the request's rounding (down).
    await (await f.oracle.setPrice(f.stETHAddress, STETH_PRICE / 2n)).wait();
    await expect(v.requestRedeem(1n, f.alice.address, f.alice.address)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAmount",
    );
    await (await v.requestRedeem(2n, f.alice.address, f.alice.address)).wait();
    expect((await f.manager.request(1n)).amount).to.equal(1n);
  });

  it("claims by amount: 0 or more than claimable (ClaimExceeded with the balance), to the zero receiver (ZeroAddress)", async function () {
    const f = await loadFixture(claimableFixture);
    const cl = await f.manager.claimable(f.stETHAddress, f.alice.address);
    expect([cl.shares, cl.assets]).to.deep.equal([4n * WAD, 4n * WAD]);
    const v = f.stETHVault.connect(f.alice);
    const a = f.alice.address;
    await expect(v.redeem(0n, a, a))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.shares, 0n);
    await expect(v.redeem(cl.shares + 1n, a, a))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.shares, cl.shares + 1n);
    await expect(v.withdraw(0n, a, a))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.assets, 0n);
    await expect(v.withdraw(cl.assets + 1n, a, a))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.assets, cl.assets + 1n);
    await expect(v.redeem(WAD, ethers.ZeroAddress, a)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAddress",
    );
    await expect(v.withdraw(WAD, a, a)).to.changeTokenBalance(f.stETH, f.alice, WAD);
  });

  it("claim by request: a pending request, a request of another asset (NotClaimable), below minAssetsOut (AssetsBelowMinimum), once the balance is claimed by amount (ClaimExceeded)", async function () {
    const f = await loadFixture(claimableFixture);
    const a = f.alice.address;
    await (await f.stETHVault.connect(f.bob).requestRedeem(WAD, f.bob.address, f.bob.address)).wait();
    await expect(f.stETHVault.connect(f.bob).claim(2n, f.bob.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(2n, PENDING);
    // Request 1 is claimable in stETH: the rETH entry point refuses it.
    await expect(f.rETHVault.connect(f.alice).claim(1n, a, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(1n, CLAIMABLE);
    // The entry points' view of it: claimable only for its controller, through its asset's entry point.
    expect(await f.stETHVault.claimableRedeemRequest(1n, a)).to.equal(4n * WAD);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(0n);
    expect(await f.rETHVault.claimableRedeemRequest(1n, a)).to.equal(0n);
    await expect(f.stETHVault.connect(f.alice).claim(1n, a, 4n * WAD + 1n))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(4n * WAD, 4n * WAD + 1n);
    // Claimed by amount, in part: the balance left no longer covers the request's assets.
    await (await f.stETHVault.connect(f.alice).withdraw(1n, a, a)).wait();
    const cl = await f.manager.claimable(f.stETHAddress, a);
    await expect(f.stETHVault.connect(f.alice).claim(1n, a, 0n))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.shares, 4n * WAD);
  });
});

describe("LiquidRestakingToken: arguments", function () {
  it("initialize with a zero admin and setManager(0) revert ZeroAddress; a token without a manager names no entry point", async function () {
    const f = await loadFixture(lrtFixture);
    const impl = await new LiquidRestakingToken__factory(f.admin).deploy();
    const bad = impl.interface.encodeFunctionData("initialize", [ethers.ZeroAddress, "X", "X"]);
    await expect(
      new ProtocolProxy__factory(f.admin).deploy(await impl.getAddress(), bad),
    ).to.be.revertedWithCustomError(impl, "ZeroAddress");
    const good = impl.interface.encodeFunctionData("initialize", [f.admin.address, "X", "X"]);
    const proxy = await new ProtocolProxy__factory(f.admin).deploy(await impl.getAddress(), good);
    const token = LiquidRestakingToken__factory.connect(await proxy.getAddress(), f.admin);
    expect(await token.vault(f.stETHAddress)).to.equal(ethers.ZeroAddress);
    await expect(token.setManager(ethers.ZeroAddress)).to.be.revertedWithCustomError(token, "ZeroAddress");
    await expect(token.setManager(f.managerAddress)).to.emit(token, "ManagerSet").withArgs(f.managerAddress);
    expect(await token.vault(f.stETHAddress)).to.equal(await f.stETHVault.getAddress());
  });
});
