/**
 * A consumer of the packed `restaking-protocol` package, compiled and run by test/package/consumer.test.ts twice: as
 * a CommonJS program and as an ES module, each in a project that installed the tarball (see docs/integration.md).
 * It deploys the core with the package's sdk on the chain at RPC_URL, then runs the wallet and AVS snippets of
 * docs/integration.md (delegate and deposit, read the stake, register an AVS, opt in and allocate, queue a
 * withdrawal), and prints what it read as one line of JSON for the test to check.
 */
import { JsonRpcProvider, ZeroAddress, parseEther } from "ethers";
import {
  MockERC20__factory,
  RestakingVault__factory,
  deploymentOf,
  deployments,
  sdk,
} from "restaking-protocol";
import { deployments as deploymentsEntry } from "restaking-protocol/deployments";
import { readAllocation, readPool } from "restaking-protocol/sdk";

import { optInAndAllocate, registerAVS } from "../integration/avs.js";
import { delegateAndDeposit, queueFullWithdrawal, readStake } from "../integration/wallet.js";

async function main(): Promise<void> {
  const url = process.env.RPC_URL;
  if (url === undefined) throw new Error("RPC_URL is not set");
  const provider = new JsonRpcProvider(url);
  const [admin, staker, operator, avs] = await Promise.all([0, 1, 2, 3].map((i) => provider.getSigner(i)));
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
