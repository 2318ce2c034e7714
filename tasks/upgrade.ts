/**
 * Upgrades through the timelock, validated by OpenZeppelin's storage-layout check first:
 *
 *   npx hardhat upgrade-schedule --network hoodi --contract registry --to OperatorRegistryV2
 *   npx hardhat timelock-execute --network hoodi --id 0x...      # after the delay; the record follows the upgrade
 *
 * `upgrade-schedule` validates the upgrade from the artifact the record names for the proxy to `--to` (sdk/upgrades.ts:
 * fields only appended, no namespace dropped, no unsafe pattern), and only then deploys the new implementation and
 * schedules `upgradeToAndCall` on the timelock. A rejected upgrade sends nothing.
 */
import { task } from "hardhat/config";

import { fail, loadRecord, resolveAddress, saveRecord, send } from "./shared";

/** Constructor arguments by parameter name, from the record (RewardDistributor's vault and registry). */
const CONSTRUCTOR_ARGS: Readonly<Record<string, string>> = { vault_: "vault", registry_: "registry" };

task(
  "upgrade-schedule",
  "Validates an upgrade, deploys the new implementation and schedules it on the timelock",
)
  .addParam("contract", "The proxy: a record name (vault, registry, slashingManager, rewardDistributor)")
  .addParam("to", "The new implementation's contract name (an artifact of this compilation)")
  .addOptionalParam("salt", "A salt for the timelock operation", "")
  .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "")
  .setAction(async (a: { contract: string; to: string; salt: string; record: string }, hre) => {
    const record = loadRecord(hre, a.record);
    const entry = record.contracts[a.contract];
    if (entry === undefined || entry.implementation === undefined) {
      fail(`"${a.contract}" is not a proxy of the ${record.network} deployment`);
    }
    if (!(await hre.artifacts.artifactExists(a.to))) fail(`no artifact ${a.to}: compile it first`);
    const artifact = await hre.artifacts.readArtifact(a.to);
    if (Object.keys(artifact.linkReferences).length !== 0) {
      fail(`${a.to} links external libraries: deploy them with sdk/lrt.ts and upgrade with sdk/upgrades.ts`);
    }
    const { validateUpgrade } = await import("../sdk/upgrades");
    try {
      await validateUpgrade(hre, entry.artifact, a.to);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      fail(
        `the upgrade of ${a.contract} from ${entry.artifact} to ${a.to} is rejected, nothing sent:\n${message}`,
      );
    }
    console.log(`${entry.artifact} -> ${a.to}: storage layout compatible`);
    const constructor = (
      artifact.abi as Array<{ type: string; inputs?: Array<{ name: string; type: string }> }>
    ).find((item) => item.type === "constructor");
    const args = (constructor?.inputs ?? []).map((input) => {
      const name = CONSTRUCTOR_ARGS[input.name];
      if (name === undefined || input.type !== "address")
        fail(`${a.to}'s constructor takes ${input.name}: unknown`);
      return resolveAddress(record, name);
    });
    const [signer] = await hre.ethers.getSigners();
    if (signer === undefined) fail(`no account for ${hre.network.name}`);
    const factory = await hre.ethers.getContractFactory(a.to, signer);
    const implementation = await factory.deploy(...args);
    const sent = await send(`deploy ${a.to}`, async () => {
      const tx = implementation.deploymentTransaction();
      if (tx === null) fail(`${a.to}: no deployment transaction`);
      return tx;
    });
    const address = await implementation.getAddress();
    record.contracts[`pending:${a.contract}`] = {
      address,
      artifact: a.to,
      txHash: sent.hash,
      block: sent.blockNumber,
    };
    await saveRecord(record, a.record);
    return (await hre.run("timelock-schedule", {
      contract: a.contract,
      method: "upgradeToAndCall",
      args: JSON.stringify([address, "0x"]),
      salt: a.salt,
      record: a.record,
    })) as string;
  });
