import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";

import { deployCore, type CoreContracts } from "../sdk/deploy";
import { GasReport, gasOf } from "../sdk/gas";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE, deployLRT, type LRTContracts } from "../sdk/lrt";
import { WAD, withdrawalId } from "../sdk/views";
import { MockERC20__factory, MockLRTOracle__factory, type MockERC20 } from "../typechain-types";

const BIG = 10n ** 30n;

interface World {
  core: CoreContracts;
  assets: MockERC20[];
  rewardTokens: MockERC20[];
  admin: Signer;
}

async function newToken(deployer: Signer, name: string): Promise<MockERC20> {
  const token = await new MockERC20__factory(deployer).deploy(name, name, 18);
  await token.waitForDeployment();
  return token;
}

let signers = 0;

/** A new funded account. Its key is the n-th of a fixed sequence, so that every run measures the same calldata (a
 * zero byte of an address costs 4 gas, a non-zero one 16: random accounts moved figures by 12 gas between runs). */
async function fundedSigner(world: World): Promise<Signer> {
  const wallet = new ethers.Wallet(ethers.id(`bench signer ${++signers}`), ethers.provider);
  await world.admin.sendTransaction({ to: wallet.address, value: WAD });
  for (const asset of world.assets) {
    await (await asset.mint(wallet.address, 1000n * WAD)).wait();
    await (
      await asset.connect(wallet).approve(await world.core.vault.getAddress(), ethers.MaxUint256)
    ).wait();
  }
  return wallet;
}

async function setup(): Promise<World> {
  const [admin] = await ethers.getSigners();
  const { contracts: core } = await deployCore(admin);
  const assets: MockERC20[] = [];
  for (const name of ["stETH", "rETH", "cbETH"]) {
    const token = await newToken(admin, name);
    await (await core.vault.addAsset(await token.getAddress(), BIG)).wait();
    assets.push(token);
  }
  const rewardTokens: MockERC20[] = [];
  for (let i = 0; i < 8; i++) {
    const token = await newToken(admin, `RWD${i}`);
    await (await core.rewardDistributor.addRewardToken(await token.getAddress(), WAD)).wait();
    await (await token.mint(await admin.getAddress(), BIG)).wait();
    await (await token.approve(await core.rewardDistributor.getAddress(), ethers.MaxUint256)).wait();
    rewardTokens.push(token);
  }
  return { core, assets, rewardTokens, admin };
}

async function main(): Promise<void> {
  const report = new GasReport();
  const world = await setup();
  const { vault, registry, slashingManager: sm, rewardDistributor: rd } = world.core;
  const [asset0, asset1, asset2] = world.assets;
  const a0 = await asset0.getAddress();
  const a1 = await asset1.getAddress();
  const a2 = await asset2.getAddress();

  // Operators and an existing population in every pool, so that pools and the escrow are not fresh.
  const operator = await fundedSigner(world);
  report.record(
    "registry.registerAsOperator",
    await gasOf(
      registry.connect(operator).registerAsOperator("ipfs://operator-metadata", 1000, ethers.ZeroAddress),
    ),
  );
  const opAddr = await operator.getAddress();
  const seed = await fundedSigner(world);
  for (const a of [a0, a1, a2]) await (await vault.connect(seed).deposit(a, 10n * WAD, 0)).wait();
  await (await registry.connect(seed).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  const seed0 = await fundedSigner(world);
  await (await vault.connect(seed0).deposit(a0, 10n * WAD, 0)).wait();

  // Staking.
  const alice = await fundedSigner(world);
  report.record("vault.deposit.first", await gasOf(vault.connect(alice).deposit(a0, 5n * WAD, 0)));
  report.record(
    "registry.delegateTo",
    await gasOf(registry.connect(alice).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)),
  );
  report.record("vault.deposit.second", await gasOf(vault.connect(alice).deposit(a0, 5n * WAD, 0)));

  const bob = await fundedSigner(world);
  for (const a of [a0, a1, a2]) await (await vault.connect(bob).deposit(a, 5n * WAD, 0)).wait();
  report.record(
    "registry.delegateTo.3assets",
    await gasOf(registry.connect(bob).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)),
  );

  const [, aliceShares] = await vault.position(await alice.getAddress(), a0);
  const queueTx = await vault.connect(alice).queueWithdrawal(a0, aliceShares / 2n);
  report.record("vault.queueWithdrawal", await gasOf(queueTx));
  const nonceInfo = await vault.stakerInfo(await alice.getAddress());
  const aliceWithdrawal = withdrawalId(await alice.getAddress(), nonceInfo.withdrawalNonce - 1n);

  const carol = await fundedSigner(world);
  await (await vault.connect(carol).deposit(a0, 5n * WAD, 0)).wait();
  await (await registry.connect(carol).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  report.record(
    "registry.undelegate.1asset",
    await gasOf(registry.connect(carol).undelegate(await carol.getAddress())),
  );

  await time.increase(7 * 24 * 3600);
  report.record(
    "vault.completeWithdrawal.asTokens",
    await gasOf(vault.connect(alice).completeWithdrawal(aliceWithdrawal, true, 0)),
  );

  // Slashing.
  const avs = await fundedSigner(world);
  const slasher = await fundedSigner(world);
  const committee = await fundedSigner(world);
  const params = {
    slasher: await slasher.getAddress(),
    vetoCommittee: await committee.getAddress(),
    vetoWindow: 24 * 3600,
    maxSlashWad: WAD / 2n,
    recipient: ethers.ZeroAddress,
    registrar: ethers.ZeroAddress,
    assets: [a0],
  };
  report.record("slashing.registerAVS", await gasOf(sm.connect(avs).registerAVS("ipfs://avs", params)));
  const avsAddr = await avs.getAddress();
  report.record(
    "slashing.registerOperator",
    await gasOf(sm.connect(operator).registerOperatorToAVS(avsAddr, "0x")),
  );
  report.record(
    "slashing.modifyAllocation",
    await gasOf(sm.connect(operator).modifyAllocation(avsAddr, a0, WAD / 2n)),
  );
  await time.increase(Number(await sm.allocationDelay()));

  const snapshot = await network.provider.send("evm_snapshot", []);
  report.record(
    "slashing.requestSlash",
    await gasOf(sm.connect(slasher).requestSlash(avsAddr, opAddr, WAD / 10n, ethers.id("evidence"))),
  );
  await time.increase(24 * 3600);
  report.record("slashing.executeSlash.1asset", await gasOf(sm.executeSlash(1)));
  await network.provider.send("evm_revert", [snapshot]);

  // The same slash with 1,000 more delegated stakers in the pool costs the same.
  for (let i = 0; i < 1000; i++) {
    const s = await fundedSigner(world);
    await (await vault.connect(s).deposit(a0, WAD, 0)).wait();
    await (await registry.connect(s).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  }
  await (await sm.connect(slasher).requestSlash(avsAddr, opAddr, WAD / 10n, ethers.id("evidence"))).wait();
  await time.increase(24 * 3600);
  report.record("slashing.executeSlash.1asset.1000stakers", await gasOf(sm.executeSlash(1)));

  const avs3 = await fundedSigner(world);
  await (await sm.connect(avs3).registerAVS("ipfs://avs3", { ...params, assets: [a0, a1, a2] })).wait();
  const avs3Addr = await avs3.getAddress();
  await (await sm.connect(operator).registerOperatorToAVS(avs3Addr, "0x")).wait();
  for (const a of [a0, a1, a2])
    await (await sm.connect(operator).modifyAllocation(avs3Addr, a, WAD / 4n)).wait();
  await time.increase(Number(await sm.allocationDelay()));
  await (await sm.connect(slasher).requestSlash(avs3Addr, opAddr, WAD / 10n, ethers.id("evidence3"))).wait();
  await time.increase(24 * 3600);
  report.record("slashing.executeSlash.3assets", await gasOf(sm.executeSlash(2)));

  // Scaling: a withdrawal queued before 100 executed slashes of its pool completes for the same gas (O(1) in slashes).
  const op100 = await fundedSigner(world);
  await (
    await registry.connect(op100).registerAsOperator("ipfs://operator-100", 1000, ethers.ZeroAddress)
  ).wait();
  const op100Addr = await op100.getAddress();
  const avs100 = await fundedSigner(world);
  const avs100Addr = await avs100.getAddress();
  await (
    await sm.connect(avs100).registerAVS("ipfs://avs-100", {
      ...params,
      slasher: avs100Addr,
      vetoCommittee: ethers.ZeroAddress,
      vetoWindow: 0,
    })
  ).wait();
  await (await sm.connect(op100).registerOperatorToAVS(avs100Addr, "0x")).wait();
  await (await sm.connect(op100).modifyAllocation(avs100Addr, a0, WAD / 2n)).wait();
  const erin = await fundedSigner(world);
  const erinAddr = await erin.getAddress();
  await (await vault.connect(erin).deposit(a0, 10n * WAD, 0)).wait();
  await (await registry.connect(erin).delegateTo(op100Addr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  await time.increase(Number(await sm.allocationDelay()));
  const [, erinShares] = await vault.position(erinAddr, a0);
  const erinNonce = (await vault.stakerInfo(erinAddr)).withdrawalNonce;
  await (await vault.connect(erin).queueWithdrawal(a0, erinShares / 2n)).wait();
  const pause = Number((await sm.EXECUTION_WINDOW()) + (await sm.SLASH_COOLDOWN())) + 60;
  for (let i = 0; i < 100; i++) {
    await (
      await sm.connect(avs100).requestSlash(avs100Addr, op100Addr, WAD / 100n, ethers.id(`evidence-${i}`))
    ).wait();
    await (await sm.executeSlash(await sm.slashRequestCount())).wait();
    await time.increase(pause);
  }
  const erinWithdrawal = withdrawalId(erinAddr, erinNonce);
  const [, erinOpensAt] = await vault.withdrawableAmount(erinWithdrawal);
  if (erinOpensAt > BigInt(await time.latest())) await time.increaseTo(erinOpensAt);
  report.record(
    "vault.completeWithdrawal.asTokens.after100slashes",
    await gasOf(vault.connect(erin).completeWithdrawal(erinWithdrawal, true, 0)),
  );

  // Rewards: 8 streams on the operator's asset-0 pool.
  const rdAddr = await rd.getAddress();
  void rdAddr;
  const tokens = await Promise.all(world.rewardTokens.map((t) => t.getAddress()));
  report.record(
    "rewards.fund.newStream",
    await gasOf(rd.fundRewards(opAddr, a0, tokens[0], 1000n * WAD, 7 * 24 * 3600)),
  );
  await time.increase(3600);
  report.record(
    "rewards.fund",
    await gasOf(rd.fundRewards(opAddr, a0, tokens[0], 1000n * WAD, 7 * 24 * 3600)),
  );
  const dave = await fundedSigner(world);
  await (await vault.connect(dave).deposit(a0, 5n * WAD, 0)).wait();
  await (await registry.connect(dave).delegateTo(opAddr, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  await time.increase(3600);
  const daveAddr = await dave.getAddress();
  await (await rd.connect(dave).claim([tokens[0]], daveAddr)).wait();
  await time.increase(3600);
  report.record("rewards.claim.1token", await gasOf(rd.connect(dave).claim([tokens[0]], daveAddr)));

  // Scaling: 100 more fundings of the same stream leave a claim's cost unchanged (O(1) in fundings).
  const fundings = await network.provider.send("evm_snapshot", []);
  for (let i = 0; i < 100; i++) {
    await (await rd.fundRewards(opAddr, a0, tokens[0], 1000n * WAD, 7 * 24 * 3600)).wait();
    await time.increase(36);
  }
  report.record(
    "rewards.claim.1token.after100fundings",
    await gasOf(rd.connect(dave).claim([tokens[0]], daveAddr)),
  );
  await network.provider.send("evm_revert", [fundings]);

  for (let i = 1; i < 8; i++)
    await (await rd.fundRewards(opAddr, a0, tokens[i], 1000n * WAD, 7 * 24 * 3600)).wait();
  await time.increase(3600);
  await (await rd.connect(dave).claim(tokens, daveAddr)).wait();
  await time.increase(3600);
  report.record("rewards.claim.8tokens", await gasOf(rd.connect(dave).claim(tokens, daveAddr)));
  await time.increase(3600);
  report.record("vault.deposit.second.8rewardTokens", await gasOf(vault.connect(dave).deposit(a0, WAD, 0)));

  await benchLRT(report, world);

  report.write();
  console.table(report.toJSON());
}

/**
 * The liquid restaking token on the same core: 4 nodes (deposit, requestRedeem, claim, harvest), 16 nodes
 * (deposit, getRate) and 1 node (deposit, getRate: the cost per node is the difference). Every node holds stake,
 * its operator allocates 50% of asset 0 to one allow-listed AVS, and the 4-node LRT counts streamed asset-0 rewards
 * in its value.
 */
async function benchLRT(report: GasReport, world: World): Promise<void> {
  const { core, admin } = world;
  const [asset0] = world.assets;
  const a0 = await asset0.getAddress();
  const oracle = await new MockLRTOracle__factory(admin).deploy();
  await (await oracle.setPrice(a0, WAD)).wait();
  const avs = await fundedSigner(world);
  const avsAddr = await avs.getAddress();
  await (
    await core.slashingManager.connect(avs).registerAVS("ipfs://lrt-avs", {
      slasher: avsAddr,
      vetoCommittee: avsAddr,
      vetoWindow: 24 * 3600,
      maxSlashWad: WAD / 2n,
      recipient: ethers.ZeroAddress,
      registrar: ethers.ZeroAddress,
      assets: [a0],
    })
  ).wait();
  const newOperator = async (): Promise<string> => {
    const op = await fundedSigner(world);
    await (
      await core.registry.connect(op).registerAsOperator("ipfs://lrt-op", 1000, ethers.ZeroAddress)
    ).wait();
    await (await core.slashingManager.connect(op).registerOperatorToAVS(avsAddr, "0x")).wait();
    await (await core.slashingManager.connect(op).modifyAllocation(avsAddr, a0, WAD / 2n)).wait();
    return op.getAddress();
  };
  const ops4: string[] = [];
  for (let i = 0; i < 4; i++) ops4.push(await newOperator());
  const ops16: string[] = [];
  for (let i = 0; i < 16; i++) ops16.push(await newOperator());
  const ops1 = [await newOperator()];
  await time.increase(Number(await core.slashingManager.allocationDelay()));

  const adminAddr = await admin.getAddress();
  const deploy = async (operators: string[]): Promise<LRTContracts> => {
    const lrt = await deployLRT(admin, core, {
      oracle: await oracle.getAddress(),
      treasury: adminAddr,
      rewardsReceiver: adminAddr,
      assets: [{ asset: a0, cap: BIG }],
    });
    const weight = 10_000 / operators.length;
    for (const op of operators)
      await (await lrt.manager.createNode(op, weight, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
    await (await lrt.manager.setAllowedAVSs([avsAddr])).wait();
    return lrt;
  };
  const user = async (lrt: LRTContracts): Promise<Signer> => {
    const s = await fundedSigner(world);
    await (await asset0.connect(s).approve(await lrt.entryPoints[a0].getAddress(), ethers.MaxUint256)).wait();
    return s;
  };

  // 4 nodes, with asset-0 rewards streaming to every node's pool.
  const lrt4 = await deploy(ops4);
  const entry4 = lrt4.entryPoints[a0];
  const users: Signer[] = [];
  for (let i = 0; i < 8; i++) users.push(await user(lrt4));
  for (const u of users) await (await entry4.connect(u).deposit(10n * WAD, await u.getAddress())).wait();
  await (await core.rewardDistributor.addRewardToken(a0, WAD)).wait();
  await (await asset0.mint(adminAddr, BIG)).wait();
  await (
    await asset0.connect(admin).approve(await core.rewardDistributor.getAddress(), ethers.MaxUint256)
  ).wait();
  for (const op of ops4)
    await (await core.rewardDistributor.fundRewards(op, a0, a0, 10n * WAD, 7 * 24 * 3600)).wait();
  report.record("lrt.getRate.4nodes", Number(await lrt4.manager.getRate.estimateGas()));
  await (await lrt4.manager.setAssetConfig(a0, BIG, true, true)).wait();
  await (await lrt4.manager.setProtocolFee(1_000)).wait();
  await time.increase(3600);
  report.record("lrt.getRate.4nodes.rewards", Number(await lrt4.manager.getRate.estimateGas()));
  const depositor = await user(lrt4);
  report.record(
    "lrt.deposit",
    await gasOf(entry4.connect(depositor).deposit(10n * WAD, await depositor.getAddress())),
  );
  const redeemer = users[0];
  const redeemerAddr = await redeemer.getAddress();
  report.record(
    "lrt.requestRedeem",
    await gasOf(entry4.connect(redeemer).requestRedeem(4n * WAD, redeemerAddr, redeemerAddr)),
  );
  const processTx = await lrt4.manager.processRequests(a0, 10);
  const receipt = await processTx.wait();
  const ids: bigint[] = [];
  for (const log of receipt?.logs ?? []) {
    const parsed = lrt4.manager.interface.parseLog(log);
    if (parsed?.name === "WithdrawalQueued") ids.push(parsed.args.id as bigint);
  }
  await time.increase(7 * 24 * 3600);
  await (await lrt4.manager.completeWithdrawals(ids)).wait();
  await (await lrt4.manager.processRequests(a0, 10)).wait();
  const requestId = await lrt4.manager.requestCount();
  report.record("lrt.claim", await gasOf(entry4.connect(redeemer).claim(requestId, redeemerAddr, 0)));
  report.record("lrt.harvest.4nodes", await gasOf(lrt4.manager.harvest()));

  // 16 nodes, every one holding stake.
  const lrt16 = await deploy(ops16);
  const entry16 = lrt16.entryPoints[a0];
  for (let i = 0; i < 16; i++) {
    const u = await user(lrt16);
    await (await entry16.connect(u).deposit(10n * WAD, await u.getAddress())).wait();
  }
  const depositor16 = await user(lrt16);
  report.record(
    "lrt.deposit.16nodes",
    await gasOf(entry16.connect(depositor16).deposit(10n * WAD, await depositor16.getAddress())),
  );
  report.record("lrt.getRate.16nodes", Number(await lrt16.manager.getRate.estimateGas()));

  // 1 node holding stake: the same deposit as .16nodes, so that the two figures show the cost per node.
  const lrt1 = await deploy(ops1);
  const entry1 = lrt1.entryPoints[a0];
  const first1 = await user(lrt1);
  await (await entry1.connect(first1).deposit(10n * WAD, await first1.getAddress())).wait();
  const depositor1 = await user(lrt1);
  report.record(
    "lrt.deposit.1node",
    await gasOf(entry1.connect(depositor1).deposit(10n * WAD, await depositor1.getAddress())),
  );
  report.record("lrt.getRate.1node", Number(await lrt1.manager.getRate.estimateGas()));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
