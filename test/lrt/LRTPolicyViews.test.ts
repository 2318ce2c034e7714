/**
 * The LRT's policy checks and views at their edges: weights that do not sum to 100%, the risk report of an empty LRT
 * and of one breaching its concentration cap, an LRT without nodes (every deposit beyond the buffer has nowhere to go),
 * the asset list's checks, the entry point's limits while deposits are paused or the cap is reached, deposits and
 * exits that round to nothing, reward tokens that are not accepted assets, and a claim by request that the balance
 * left after claims by amount no longer covers in assets. Each case asserts the error with its figures or the state
 * after.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import {
  LRTAssetVault__factory,
  MockLRTOracle__factory,
  type LRTAssetVault,
  type LRTManager,
  type MockLRTOracle,
} from "../../typechain-types";
import { ASSET_CAP, DAY, WAD, deployToken, stakingFixture, type StakingFixture } from "../helpers/fixtures";
import {
  LRT_CAP,
  LRT_GROUP,
  RETH_PRICE,
  STETH_PRICE,
  lrtFixture,
  type LRTFixture,
  deployTestLRT,
} from "../helpers/lrtFixtures";

/** alice, bob, carol and dave each deposit 10 stETH. */
async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

interface NodelessFixture extends StakingFixture {
  manager: LRTManager;
  oracle: MockLRTOracle;
  stETHVault: LRTAssetVault;
}

/** An LRT without nodes accepting stETH (vault index 0) and cbETH (index 2); alice approves the stETH entry point. */
async function nodelessFixture(): Promise<NodelessFixture> {
  const f = await stakingFixture();
  const oracle = await new MockLRTOracle__factory(f.admin).deploy();
  for (const [asset, price] of [
    [f.assetAddresses[0], STETH_PRICE],
    [f.assetAddresses[1], RETH_PRICE],
    [f.assetAddresses[2], WAD],
  ] as const) {
    await (await oracle.setPrice(asset, price)).wait();
  }
  const d = await deployTestLRT(f.admin, f, {
    oracle: await oracle.getAddress(),
    treasury: f.admin.address,
    rewardsReceiver: f.admin.address,
    assets: [
      { asset: f.assetAddresses[0], cap: ASSET_CAP },
      { asset: f.assetAddresses[2], cap: ASSET_CAP },
    ],
  });
  const stETHVault = d.entryPoints[f.assetAddresses[0]];
  await (await f.stETH.connect(f.alice).approve(await stETHVault.getAddress(), ethers.MaxUint256)).wait();
  return { ...f, manager: d.manager, oracle, stETHVault };
}

describe("LRT policy: weights and the risk report", function () {
  it("setWeights: a list of another length or not summing to 100% (InvalidWeights with count and sum); an accepted list is stored", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.setWeights([10_000]))
      .to.be.revertedWithCustomError(f.manager, "InvalidWeights")
      .withArgs(1, 10_000);
    await expect(f.manager.setWeights([2_500, 2_500, 2_500, 2_000]))
      .to.be.revertedWithCustomError(f.manager, "InvalidWeights")
      .withArgs(4, 9_500);
    await expect(f.manager.setWeights([4_000, 3_000, 2_000, 1_000]))
      .to.emit(f.manager, "WeightsSet")
      .withArgs([4_000, 3_000, 2_000, 1_000]);
    expect((await f.manager.node(3)).weightBps).to.equal(1_000n);
  });

  it("riskReport of the empty LRT: every share and the exposure are 0 bps, every figure holds", async function () {
    const f = await loadFixture(lrtFixture);
    const r = await f.manager.riskReport();
    expect(r.totalValue).to.equal(0n);
    expect(r.nodes.map((n) => n.shareBps)).to.deep.equal([0n, 0n, 0n, 0n]);
    expect([r.exposureBps, r.concentrationOk, r.allocationsOk, r.exposureOk]).to.deep.equal([
      0n,
      true,
      true,
      true,
    ]);
  });

  it("riskReport after the concentration cap is lowered below node 0's share: node 0 and the report fail it", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.manager.setRiskCaps(2_500, 10_000)).wait();
    const r = await f.manager.riskReport();
    expect([r.nodes[0].shareBps, r.nodes[0].concentrationOk]).to.deep.equal([10_000n, false]);
    expect([r.nodes[1].shareBps, r.nodes[1].concentrationOk]).to.deep.equal([0n, true]);
    expect(r.concentrationOk).to.equal(false);
  });
});

describe("LRT without nodes; the asset list", function () {
  it("a deposit beyond the buffer has no node (NoNodeAvailable); within a 100% buffer it stays idle and is valued", async function () {
    const f = await loadFixture(nodelessFixture);
    const stETH = f.assetAddresses[0];
    expect(await f.manager.totalValue(true)).to.equal(0n);
    await expect(f.stETHVault.connect(f.alice).deposit(WAD, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "NoNodeAvailable")
      .withArgs(stETH);
    await (await f.manager.setBuffer(10_000, 0, 0)).wait();
    await (await f.stETHVault.connect(f.alice).deposit(WAD, f.alice.address)).wait();
    expect((await f.manager.assetBook(stETH)).idle).to.equal(WAD);
    expect(await f.manager.totalValue(true)).to.equal(WAD);
  });

  it("addAsset: a zero asset or entry point (ZeroAddress), an asset already added (AssetAlreadyAdded), one the vault does not list (UnknownAsset); rETH (vault index 1, below the list's length) is added at its index", async function () {
    const f = await loadFixture(nodelessFixture);
    const [stETH, rETH] = [f.assetAddresses[0], f.assetAddresses[1]];
    const managerAddress = await f.manager.getAddress();
    const entry = await new LRTAssetVault__factory(f.admin).deploy(managerAddress, rETH);
    const entryAddress = await entry.getAddress();
    await expect(f.manager.addAsset(ethers.ZeroAddress, entryAddress, WAD)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAddress",
    );
    await expect(f.manager.addAsset(rETH, ethers.ZeroAddress, WAD)).to.be.revertedWithCustomError(
      f.manager,
      "ZeroAddress",
    );
    await expect(f.manager.addAsset(stETH, entryAddress, WAD))
      .to.be.revertedWithCustomError(f.manager, "AssetAlreadyAdded")
      .withArgs(stETH);
    const unlisted = await deployToken(f.admin, "Unlisted", "UNL");
    const unlistedAddress = await unlisted.getAddress();
    await expect(f.manager.addAsset(unlistedAddress, entryAddress, WAD))
      .to.be.revertedWithCustomError(f.manager, "UnknownAsset")
      .withArgs(unlistedAddress);
    await expect(f.manager.addAsset(rETH, entryAddress, WAD))
      .to.emit(f.manager, "AssetAdded")
      .withArgs(rETH, entryAddress, 1, 18);
    expect((await f.manager.assetConfig(rETH)).index).to.equal(1n);
    expect(await f.manager.entryPoint(rETH)).to.equal(entryAddress);
  });

  it("the books of an asset not accepted revert UnknownAsset", async function () {
    const f = await loadFixture(lrtFixture);
    const cbETH = f.assetAddresses[2];
    await expect(f.manager.assetBook(cbETH))
      .to.be.revertedWithCustomError(f.manager, "UnknownAsset")
      .withArgs(cbETH);
  });
});

describe("LRT entry point limits and amounts that round to nothing", function () {
  it("maxDeposit and maxMint are 0 while deposits are paused and once the cap is reached; depositWithMinShares mints its preview", async function () {
    const f = await loadFixture(lrtFixture);
    expect(await f.stETHVault.maxMint(f.alice.address)).to.equal(await f.stETHVault.previewDeposit(LRT_CAP));
    await (await f.manager.pause(1n << LRT_GROUP.DEPOSITS)).wait();
    expect(await f.stETHVault.maxDeposit(f.alice.address)).to.equal(0n);
    expect(await f.stETHVault.maxMint(f.alice.address)).to.equal(0n);
    await (await f.manager.unpause(1n << LRT_GROUP.DEPOSITS)).wait();
    const preview = await f.stETHVault.previewDeposit(10n * WAD);
    await expect(f.stETHVault.connect(f.alice).depositWithMinShares(10n * WAD, f.alice.address, preview))
      .to.emit(f.stETHVault, "Deposit")
      .withArgs(f.alice.address, f.alice.address, 10n * WAD, preview);
    // A cap below what is deposited: nothing more may enter.
    await (await f.manager.setAssetConfig(f.stETHAddress, 5n * WAD, true, false)).wait();
    expect(await f.stETHVault.maxDeposit(f.alice.address)).to.equal(0n);
  });

  it("a deposit worth 0 wei mints 0 shares (SharesBelowMinimum(0, 0)); an instant exit of 1 wei whose fee takes it all pays 0 (AssetsBelowMinimum(0, 0))", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 10, 100)).wait();
    await fourDeposits(f);
    // 1 LRT-wei at rate 1 is 1 stETH-wei; the fee (at least 10 bps, rounded up) is that 1 wei.
    await expect(f.manager.connect(f.alice).instantRedeem(1n, f.stETHAddress, 0n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(0n, 0n);
    // At half the price, 1 stETH-wei is worth 0 wei.
    await (await f.oracle.setPrice(f.stETHAddress, STETH_PRICE / 2n)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(1n, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SharesBelowMinimum")
      .withArgs(0n, 0n);
  });
});

describe("LRT instant exit with no free buffer value", function () {
  it("an exit when the free idle is worth 0 wei at the low price (but 1 token-wei is free) pays at the base fee rate, without dividing by the empty stretch of buffer it consumes", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(10_000, 0, 100)).wait();
    // 2 stETH + 1 wei idle; alice's request of 1 LRT is owed 1 ETH of it.
    await (await f.stETHVault.connect(f.alice).deposit(2n * WAD + 1n, f.alice.address)).wait();
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).pendingRedeemValue).to.equal(WAD);
    // stETH between 0.5 (low, holdings at exit) and 0.75 ETH (high, payouts): idle is worth 1 ETH, all owed (free
    // value 0), while 2 stETH are committed and 1 wei is free.
    await (await f.oracle.setPrice(f.stETHAddress, (3n * WAD) / 4n)).wait();
    await (await f.oracle.setLivePrice(f.stETHAddress, WAD / 2n)).wait();
    expect(await f.manager.totalValue(true)).to.equal(WAD);
    // 3 LRT-wei are worth 1 wei: 1 stETH-wei at 0.75, the free wei. No fee (base rate 0 bps).
    await expect(f.manager.connect(f.alice).instantRedeem(3n, f.stETHAddress, 1n, f.alice.address))
      .to.emit(f.manager, "InstantRedeemed")
      .withArgs(f.alice.address, f.alice.address, f.stETHAddress, 3n, 1n, 0n);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(2n * WAD);
  });
});

describe("LRT harvest and claims", function () {
  it("harvest sends rewards in a token that is not an accepted asset (cbETH) to the rewards receiver", async function () {
    const f = await loadFixture(lrtFixture);
    const cbETH = f.assetAddresses[2];
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (
      await f.manager.setConfig(await f.oracle.getAddress(), f.treasury.address, f.rewardsReceiver.address, [
        cbETH,
      ])
    ).wait();
    const rd = f.rewardDistributor;
    await (await rd.addRewardToken(cbETH, WAD / 100n)).wait();
    await (await f.cbETH.mint(f.admin.address, 10n * WAD)).wait();
    await (await f.cbETH.connect(f.admin).approve(await rd.getAddress(), 10n * WAD)).wait();
    await (await rd.fundRewards(f.operator1.address, f.stETHAddress, cbETH, 10n * WAD, DAY)).wait();
    await time.increase(DAY);
    const node0 = (await f.manager.node(0)).node;
    const receipt = await (await f.manager.harvest()).wait();
    let harvested = 0n;
    for (const log of receipt?.logs ?? []) {
      if (log.address !== f.managerAddress) continue;
      const parsed = f.manager.interface.parseLog(log);
      if (parsed?.name !== "Harvested") continue;
      expect([parsed.args.nodeIndex, parsed.args.token, parsed.args.toIdle]).to.deep.equal([
        0n,
        cbETH,
        false,
      ]);
      harvested += parsed.args.amount as bigint;
    }
    expect(harvested).to.be.gt(0n);
    expect(await f.cbETH.balanceOf(f.rewardsReceiver.address)).to.equal(harvested);
    expect(await rd.pendingRewards(node0, cbETH)).to.equal(0n);
    // No accepted asset was harvested: idle and the supply are unchanged.
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(0n);
    expect(await f.lrt.totalSupply()).to.equal(10n * WAD);
  });

  it("a claim by request whose shares the balance still covers but whose assets it no longer does (ClaimExceeded)", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    await (await f.rETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    const a = f.alice.address;
    // Request 1 at rate 1: 4 LRT for 4 stETH.
    await (await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, a, a)).wait();
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    expect((await f.manager.request(1n)).amount).to.equal(4n * WAD);
    // rETH halves: request 2's 4 LRT are worth less than 4 stETH.
    await (await f.oracle.setPrice(f.rETHAddress, RETH_PRICE / 2n)).wait();
    await (await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, a, a)).wait();
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    const second = (await f.manager.request(2n)).amount;
    expect(second).to.be.lt(4n * WAD);
    // Claimed by amount: 3.9 stETH of the balance are left, and (at its mean rate, above 1 LRT per stETH) more than
    // 4 LRT.
    const take = second + WAD / 10n;
    await (await f.stETHVault.connect(f.alice).withdraw(take, a, a)).wait();
    const cl = await f.manager.claimable(f.stETHAddress, a);
    expect(cl.shares).to.be.gte(4n * WAD);
    expect(cl.assets).to.be.lt(4n * WAD);
    await expect(f.stETHVault.connect(f.alice).claim(1n, a, 0n))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(a, cl.shares, 4n * WAD);
  });

  it("createNode for an operator that has a node (OperatorHasNode)", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.manager.createNode(f.operator1.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT))
      .to.be.revertedWithCustomError(f.manager, "OperatorHasNode")
      .withArgs(f.operator1.address);
  });
});
