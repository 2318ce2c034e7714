/**
 * A consumer of the packed `restaking-protocol` package, compiled and run by test/package/consumer.test.ts twice: as
 * a CommonJS program and as an ES module, each in a project that installed the tarball (see docs/integration.md).
 * It deploys the core with the package's sdk on the chain at RPC_URL, then runs the wallet and AVS snippets of
 * docs/integration.md (delegate and deposit, read the stake, register an AVS, opt in and allocate, queue a
 * withdrawal), deploys the liquid restaking token on that core with the sdk (`sdk.deployLRT`, a test double for its
 * oracle) and deposits into it with the wallet snippet's permit, and prints what it read as one line of JSON for the
 * test to check.
 */
import { JsonRpcProvider, ZeroAddress, parseEther } from "ethers";
import {
  MockERC20__factory,
  MockLRTOracle__factory,
  RestakingVault__factory,
  deploymentOf,
  deployments,
  sdk,
} from "restaking-protocol";
import { deployments as deploymentsEntry } from "restaking-protocol/deployments";
import { readAllocation, readPool } from "restaking-protocol/sdk";

import { optInAndAllocate, registerAVS } from "../integration/avs.js";
import {
  delegateAndDeposit,
  depositLRTWithPermit,
  queueFullWithdrawal,
  readStake,
} from "../integration/wallet.js";

/** What the consumer deposits into the LRT, in stETH (priced at 1 ETH by the oracle double). */
const LRT_DEPOSIT = parseEther("4");

async function main(): Promise<void> {
  const url = process.env.RPC_URL;
  if (url === undefined) throw new Error("RPC_URL is not set");
  const provider = new JsonRpcProvider(url);
  const [admin, staker, operator, avs, lrtOperator] = await Promise.all(
    [0, 1, 2, 3, 4].map((i) => provider.getSigner(i)),
  );
  const { chainId } = await provider.getNetwork();

  const { contracts, addresses } = await sdk.deployCore(admin);
  const token = await new MockERC20__factory(admin).deploy("Mock stETH", "stETH", 18);
  await token.waitForDeployment();
  const asset = await token.getAddress();
  await (await contracts.vault.addAsset(asset, parseEther("1000000"))).wait();
  await (await token.mint(staker.address, parseEther("10"))).wait();
  await (
    await contracts.registry.connect(operator).registerAsOperator("ipfs://operator", 1_000, ZeroAddress)
  ).wait();

  const quotedShares = await delegateAndDeposit(
    staker,
    addresses.vault,
    addresses.registry,
    operator.address,
    asset,
    parseEther("10"),
  );
  const stake = await readStake(staker, addresses.vault, staker.address, asset);
  const pool = await readPool(
    RestakingVault__factory.connect(addresses.vault, provider),
    operator.address,
    asset,
  );
  const operatorStake = await RestakingVault__factory.connect(addresses.vault, provider).operatorStake(
    operator.address,
    asset,
  );

  await registerAVS(avs, addresses.slashingManager, "ipfs://avs", {
    slasher: avs.address,
    vetoCommittee: admin.address,
    vetoWindow: 86_400n,
    maxSlashWad: parseEther("0.5"),
    recipient: ZeroAddress,
    registrar: ZeroAddress,
    assets: [asset],
  });
  const avsRegistered = (await contracts.slashingManager.avsConfig(avs.address)).id > 0n;
  await optInAndAllocate(operator, addresses.slashingManager, avs.address, asset, parseEther("0.5"));
  const allocation = await readAllocation(contracts.slashingManager, operator.address, avs.address, asset);
  const withdrawal = await queueFullWithdrawal(staker, addresses.vault, asset);

  // The liquid restaking token on this core, deployed by the sdk, with one node delegated to an operator of its own
  // (the first operator allocates to an AVS the LRT's risk policy has not allowed: a deposit routed there reverts
  // UnapprovedAllocation).
  const oracle = await new MockLRTOracle__factory(admin).deploy();
  await oracle.waitForDeployment();
  await (await oracle.setPrice(asset, parseEther("1"))).wait();
  const lrt = await sdk.deployLRT(admin, contracts, {
    oracle: await oracle.getAddress(),
    treasury: admin.address,
    rewardsReceiver: admin.address,
    assets: [{ asset, cap: parseEther("1000") }],
  });
  await (
    await contracts.registry
      .connect(lrtOperator)
      .registerAsOperator("ipfs://lrt-operator", 1_000, ZeroAddress)
  ).wait();
  const predictedNode = await sdk.nodeAddressOf(lrt, contracts, await lrt.manager.nodeCount());
  await (
    await lrt.manager.createNode(lrtOperator.address, 10_000, sdk.NO_APPROVER_SIGNATURE, sdk.NO_APPROVER_SALT)
  ).wait();
  const entryPoint = lrt.addresses.entryPoints[asset];
  if (entryPoint === undefined) throw new Error(`deployLRT made no entry point for ${asset}`);
  await (await token.mint(staker.address, LRT_DEPOSIT)).wait();
  await depositLRTWithPermit(staker, entryPoint, LRT_DEPOSIT, 0n);

  let noDeployment = "";
  try {
    deploymentOf(chainId);
  } catch (error) {
    noDeployment = error instanceof Error ? error.message : String(error);
  }

  console.log(
    JSON.stringify({
      chainId: chainId.toString(),
      vault: addresses.vault,
      operator: stake.operator,
      quotedShares: quotedShares.toString(),
      shares: stake.shares.toString(),
      assets: stake.assets.toString(),
      rate: stake.rate.toString(),
      poolTotalAssets: pool.totalAssets.toString(),
      operatorStake: operatorStake.toString(),
      avsRegistered,
      allocation: {
        current: allocation.current.toString(),
        target: allocation.target.toString(),
        effectAt: allocation.effectAt.toString(),
      },
      withdrawalId: withdrawal.id.toString(),
      withdrawalReadyAt: withdrawal.readyAt.toString(),
      lrt: {
        token: lrt.addresses.token,
        entryPoint,
        nodePredicted: predictedNode,
        node: (await lrt.manager.node(0)).node,
        shares: (await lrt.token.balanceOf(staker.address)).toString(),
        supply: (await lrt.token.totalSupply()).toString(),
        totalValue: (await lrt.manager.totalValue(true)).toString(),
      },
      deploymentChains: Object.keys(deployments),
      sameDeployments: deployments === deploymentsEntry,
      noDeployment,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
