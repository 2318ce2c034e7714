/**
 * Deploys the protocol's core and its liquid restaking token to the network hardhat runs on, from deploy/config.ts and the environment, and keeps
 * the record in deployments/<network>.json. Re-running changes nothing that exists and finishes what a failed run
 * left.
 *
 *   npm run deploy:local                                   # against `npm run node`
 *   npm run deploy -- --network hoodi                      # HOODI_RPC_URL, DEPLOYER_PRIVATE_KEY
 *
 * Environment (checked before any transaction; every bad variable is named):
 *   DEPLOYER_PRIVATE_KEY, <NETWORK>_RPC_URL   public networks only
 *   TIMELOCK_DELAY   seconds; default 2 days on public networks (at least 1 day), 0 locally
 *   ADMIN            the timelock's proposer and executor (default: the deployer)
 *   PAUSER           keeps PAUSER_ROLE on every contract (default: the timelock)
 *   LRT_TREASURY, LRT_REWARDS_RECEIVER   override the LRT's fee and rewards recipients of deploy/config.ts
 */
import { ethers, network } from "hardhat";

import { ConfigError } from "../sdk/env";
import { deploymentFile, readDeployment } from "../sdk/deployments";
import { resolveDeployPlan } from "./config";
import { deployProtocol } from "./protocol";

async function main(): Promise<void> {
  const plan = resolveDeployPlan(network.name, process.env);
  if (plan.kind === "ephemeral") {
    throw new ConfigError("Nothing deployed", [
      "no --network given: Hardhat's in-process chain vanishes when this command ends, and so would the deployment. " +
        "Start a node with `npm run node` and run `npm run deploy:local`, or pass `-- --network <name>`",
    ]);
  }
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) throw new Error(`no account for ${network.name}: set DEPLOYER_PRIVATE_KEY`);
  let record = readDeployment(network.name);
  if (record !== undefined && plan.kind === "local") {
    // A local node forgets its chain when it restarts: a record whose contracts have no code is of a chain gone.
    const first = Object.values(record.contracts)[0];
    if (first !== undefined && (await ethers.provider.getCode(first.address)) === "0x") {
      console.log(`${deploymentFile(network.name)} is of a chain this node no longer has: starting over`);
      record = undefined;
    }
  }
  const result = await deployProtocol(deployer, plan, { ...(record ? { record } : {}), log: console.log });
  console.log(
    `Done: ${result.transactions} transaction${result.transactions === 1 ? "" : "s"} sent; record in ` +
      deploymentFile(network.name),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
});
