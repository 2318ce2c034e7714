/**
 * Source verification of a deployment on its block explorer, from the deployment record:
 *
 *   ETHERSCAN_API_KEY=... npm run verify -- --network hoodi
 *
 * Every contract of the record is verified with the constructor arguments read back from its creation transaction
 * (the transaction's data is the artifact's creation code followed by the encoded arguments), so nothing has to be
 * remembered from the deploy. Etherscan's v2 API serves every chain with one key (`ETHERSCAN_API_KEY`).
 */
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { AbiCoder, getAddress, type ParamType } from "ethers";

import type { DeploymentRecord } from "../sdk/deployments";
import { EnvReader } from "../sdk/env";
import { NETWORKS } from "../deploy/config";
import { fail, loadRecord } from "./shared";

export interface VerificationItem {
  name: string;
  address: string;
  /** The fully qualified contract name ("contracts/core/RestakingVault.sol:RestakingVault"). */
  contract: string;
  constructorArguments: unknown[];
  /** The linked libraries (fully qualified name to address), read back from the creation code; absent when none. */
  libraries?: Record<string, string>;
}

/**
 * The creation code `artifact` would have with the libraries `data` links: each link reference's 20 bytes taken from
 * `data` (the creation transaction's input). Returns the code and the libraries by fully qualified name.
 */
function linkedFrom(
  artifact: {
    bytecode: string;
    linkReferences: Record<string, Record<string, Array<{ start: number; length: number }>>>;
  },
  data: string,
): { bytecode: string; libraries: Record<string, string> } {
  let bytecode = artifact.bytecode;
  const libraries: Record<string, string> = {};
  for (const [file, byName] of Object.entries(artifact.linkReferences)) {
    for (const [library, refs] of Object.entries(byName)) {
      for (const { start, length } of refs) {
        const at = 2 + start * 2;
        const address = data.slice(at, at + length * 2);
        bytecode = bytecode.slice(0, at) + address + bytecode.slice(at + length * 2);
        libraries[`${file}:${library}`] = getAddress(`0x${address}`);
      }
    }
  }
  return { bytecode, libraries };
}

/** What `verify-deployment` submits for each contract of `record`, with the arguments of its creation. */
export async function verificationPlan(
  hre: HardhatRuntimeEnvironment,
  record: DeploymentRecord,
): Promise<VerificationItem[]> {
  const items: VerificationItem[] = [];
  for (const [name, entry] of Object.entries(record.contracts)) {
    if (name.startsWith("pending:") && entry.address === record.contracts[name.slice(8)]?.implementation)
      continue;
    // A proxy's record names the implementation's ABI; its creation code is the proxy's.
    const artifactName = entry.implementation !== undefined ? "ProtocolProxy" : entry.artifact;
    const artifact = await hre.artifacts.readArtifact(artifactName);
    const tx = await hre.ethers.provider.getTransaction(entry.txHash);
    if (tx === null) fail(`${name}: the creation transaction ${entry.txHash} is not on this chain`);
    const { bytecode, libraries } = linkedFrom(artifact, tx.data);
    if (!tx.data.startsWith(bytecode)) {
      fail(
        `${name}: its creation code is not ${artifactName}'s of this compilation: verify from the commit that deployed it`,
      );
    }
    const encoded = `0x${tx.data.slice(bytecode.length)}`;
    const constructor = (artifact.abi as Array<{ type: string; inputs?: ParamType[] }>).find(
      (i) => i.type === "constructor",
    );
    const types = constructor?.inputs ?? [];
    const decoded = types.length === 0 ? [] : AbiCoder.defaultAbiCoder().decode(types, encoded).toArray(true);
    items.push({
      name,
      address: entry.address,
      contract: `${artifact.sourceName}:${artifact.contractName}`,
      constructorArguments: decoded as unknown[],
      ...(Object.keys(libraries).length > 0 ? { libraries } : {}),
    });
  }
  return items;
}

task("verify-deployment", "Verifies every contract of the network's deployment record on its block explorer")
  .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "")
  .addFlag("dryRun", "Print what would be submitted, submit nothing")
  .setAction(async (a: { record: string; dryRun: boolean }, hre) => {
    const spec = NETWORKS[hre.network.name];
    if (!a.dryRun && (spec === undefined || spec.kind !== "public")) {
      fail(
        `${hre.network.name} has no block explorer: verify on a public network (${Object.keys(NETWORKS)
          .filter((n) => NETWORKS[n]!.kind === "public")
          .join(", ")})`,
      );
    }
    const env = new EnvReader(process.env);
    if (!a.dryRun) env.required("ETHERSCAN_API_KEY", "an Etherscan API key (one key serves every chain)");
    try {
      env.finish("Verification stopped before any request");
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    const record = loadRecord(hre, a.record);
    const items = await verificationPlan(hre, record);
    for (const item of items) {
      console.log(
        `${item.name} ${item.address} (${item.contract}) args ${JSON.stringify(item.constructorArguments, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`,
      );
      if (a.dryRun) continue;
      try {
        await hre.run("verify:verify", {
          address: item.address,
          contract: item.contract,
          constructorArguments: item.constructorArguments,
          ...(item.libraries !== undefined ? { libraries: item.libraries } : {}),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (/already verified/i.test(message)) console.log("  already verified");
        else fail(`${item.name}: ${message}`);
      }
    }
    return items;
  });
