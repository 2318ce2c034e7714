import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";

import { deployCore, type CoreContracts } from "../sdk/deploy";
import { GasReport, gasOf } from "../sdk/gas";
import { MockERC20__factory, type MockERC20 } from "../typechain-types";

const WAD = 10n ** 18n;
const BIG = 10n ** 30n;
const NO_SIG = { signature: "0x", expiry: 0n };
const ZERO_SALT = ethers.ZeroHash;

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

async function fundedSigner(world: World): Promise<Signer> {
  const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
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
  await (await registry.connect(seed).delegateTo(opAddr, NO_SIG, ZERO_SALT)).wait();
  const seed0 = await fundedSigner(world);
  await (await vault.connect(seed0).deposit(a0, 10n * WAD, 0)).wait();

  // Staking.
  const alice = await fundedSigner(world);
  report.record("vault.deposit.first", await gasOf(vault.connect(alice).deposit(a0, 5n * WAD, 0)));
  report.record(
    "registry.delegateTo",
    await gasOf(registry.connect(alice).delegateTo(opAddr, NO_SIG, ZERO_SALT)),
  );
  report.record("vault.deposit.second", await gasOf(vault.connect(alice).deposit(a0, 5n * WAD, 0)));

  const bob = await fundedSigner(world);
  for (const a of [a0, a1, a2]) await (await vault.connect(bob).deposit(a, 5n * WAD, 0)).wait();
  report.record(
    "registry.delegateTo.3assets",
    await gasOf(registry.connect(bob).delegateTo(opAddr, NO_SIG, ZERO_SALT)),
  );

  const [, aliceShares] = await vault.position(await alice.getAddress(), a0);
  const queueTx = await vault.connect(alice).queueWithdrawal(a0, aliceShares / 2n);
  report.record("vault.queueWithdrawal", await gasOf(queueTx));
  const nonceInfo = await vault.stakerInfo(await alice.getAddress());
  const withdrawalId = (BigInt(await alice.getAddress()) << 96n) | (nonceInfo.withdrawalNonce - 1n);

  const carol = await fundedSigner(world);
  await (await vault.connect(carol).deposit(a0, 5n * WAD, 0)).wait();
  await (await registry.connect(carol).delegateTo(opAddr, NO_SIG, ZERO_SALT)).wait();
  report.record(
    "registry.undelegate.1asset",
    await gasOf(registry.connect(carol).undelegate(await carol.getAddress())),
  );

  await time.increase(7 * 24 * 3600);
  report.record(
    "vault.completeWithdrawal.asTokens",
    await gasOf(vault.connect(alice).completeWithdrawal(withdrawalId, true, 0)),
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
    await (await registry.connect(s).delegateTo(opAddr, NO_SIG, ZERO_SALT)).wait();
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
  await (await registry.connect(dave).delegateTo(opAddr, NO_SIG, ZERO_SALT)).wait();
  await time.increase(3600);
  const daveAddr = await dave.getAddress();
  await (await rd.connect(dave).claim([tokens[0]], daveAddr)).wait();
  await time.increase(3600);
  report.record("rewards.claim.1token", await gasOf(rd.connect(dave).claim([tokens[0]], daveAddr)));

  for (let i = 1; i < 8; i++)
    await (await rd.fundRewards(opAddr, a0, tokens[i], 1000n * WAD, 7 * 24 * 3600)).wait();
  await time.increase(3600);
  await (await rd.connect(dave).claim(tokens, daveAddr)).wait();
  await time.increase(3600);
  report.record("rewards.claim.8tokens", await gasOf(rd.connect(dave).claim(tokens, daveAddr)));
  await time.increase(3600);
  report.record("vault.deposit.second.8rewardTokens", await gasOf(vault.connect(dave).deposit(a0, WAD, 0)));

  report.write();
  console.table(report.toJSON());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
