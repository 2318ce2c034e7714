/**
 * Deploys the core protocol (vault, operator registry, slashing manager, reward distributor) behind UUPS proxies to
 * the network hardhat runs on, hands every admin role to a new ProtocolTimelock, and writes the deployment record to
 * deployments/<network>.json.
 *
 *   npx hardhat run deploy/core.ts --network localhost
 *   TIMELOCK_DELAY=172800 npx hardhat run deploy/core.ts --network sepolia
 *
 * Environment: TIMELOCK_DELAY (seconds, default 2 days), ADMIN (timelock proposer/executor, default the deployer),
 * PAUSER (keeps PAUSER_ROLE for fast emergency response, default the timelock).
 */
import fs from "fs";
import path from "path";
import { ethers, network } from "hardhat";

import { deployCore } from "../sdk/deploy";

async function main(): Promise<void> {
  const [deployer] = await ethers.getSigners();
  const delay = BigInt(process.env.TIMELOCK_DELAY ?? String(2 * 24 * 3600));
  const admin = process.env.ADMIN !== undefined && process.env.ADMIN !== "" ? process.env.ADMIN : undefined;
  const pauser =
    process.env.PAUSER !== undefined && process.env.PAUSER !== "" ? process.env.PAUSER : undefined;

  const { addresses } = await deployCore(deployer, { admin, pauser, timelockDelay: delay });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const record = {
    network: network.name,
    chainId: chainId.toString(),
    deployer: await deployer.getAddress(),
    timelockDelay: delay.toString(),
    deployedAt: new Date().toISOString(),
    blockNumber: await ethers.provider.getBlockNumber(),
    ...addresses,
  };
  const file = path.join("deployments", `${network.name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  console.log(`Deployed to ${network.name} (chain ${chainId}); record written to ${file}`);
  console.log(JSON.stringify(record, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
