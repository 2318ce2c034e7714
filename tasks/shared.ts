/**
 * What every task shares: the deployment record of the network it runs on, contracts by their record name, and errors
 * turned into sentences (the amount parsers' are in sdk/amounts.ts; `orFail` words their errors as task failures).
 * Console formatting is in tasks/format.ts, next to the command line; the library (sdk/) stays free of it. sdk modules
 * that load the typechain bindings are imported lazily, inside the actions, so that `hardhat.config.ts` (which loads
 * the tasks) never depends on generated code.
 */
import fs from "fs";

import { HardhatPluginError } from "hardhat/plugins";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, Interface, isAddress, type Signer } from "ethers";

import { AmountError } from "../sdk/amounts";
import { readDeployment, type DeploymentRecord } from "../sdk/deployments";

export const PLUGIN = "restaking";

/** A task failure the user can act on: printed as one sentence, without a stack. */
export function fail(message: string): never {
  throw new HardhatPluginError(PLUGIN, message);
}

/** The record of the network the task runs on (or of `file`), or a sentence saying how to make one. */
export function loadRecord(hre: HardhatRuntimeEnvironment, file?: string): DeploymentRecord {
  if (file !== undefined && file !== "") {
    if (!fs.existsSync(file)) fail(`no deployment record at ${file}`);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentRecord;
    if (parsed.format !== 1) fail(`${file} is not a deployment record of format 1`);
    return parsed;
  }
  const record = readDeployment(hre.network.name);
  if (record === undefined) {
    fail(
      `no deployment record for ${hre.network.name} (deployments/${hre.network.name}.json): ` +
        `deploy first with \`npm run deploy -- --network ${hre.network.name}\``,
    );
  }
  return record;
}

/**
 * The address a task argument names: an address, a record entry ("vault", "timelock"), or a token symbol the record
 * holds as a mock ("wstETH" for "mock:wstETH").
 */
export function resolveAddress(record: DeploymentRecord, nameOrAddress: string): string {
  if (isAddress(nameOrAddress)) return nameOrAddress;
  const entry = record.contracts[nameOrAddress] ?? record.contracts[`mock:${nameOrAddress}`];
  if (entry === undefined) {
    fail(
      `"${nameOrAddress}" is neither an address nor a contract of the ${record.network} deployment ` +
        `(it has: ${Object.keys(record.contracts).join(", ")})`,
    );
  }
  return entry.address;
}

/** The record's name of `address`, or the address itself. */
export function nameOf(record: DeploymentRecord, address: string): string {
  const found = Object.entries(record.contracts).find(
    ([, c]) => c.address.toLowerCase() === address.toLowerCase(),
  );
  return found === undefined ? address : found[0];
}

/** The ABI interface of the record entry at `address`, if the record has it. */
export async function interfaceAt(
  hre: HardhatRuntimeEnvironment,
  record: DeploymentRecord,
  address: string,
): Promise<Interface | undefined> {
  const entry = Object.values(record.contracts).find(
    (c) => c.address.toLowerCase() === address.toLowerCase(),
  );
  if (entry === undefined) return undefined;
  return new Interface((await hre.artifacts.readArtifact(entry.artifact)).abi);
}

/** The record's contract `name` bound to `signer`, with the ABI of its artifact. */
export async function contractOf(
  hre: HardhatRuntimeEnvironment,
  record: DeploymentRecord,
  name: string,
  signer: Signer,
): Promise<Contract> {
  const address = resolveAddress(record, name);
  const iface = await interfaceAt(hre, record, address);
  if (iface === undefined) fail(`the ${record.network} record has no ABI for ${name}`);
  return new Contract(address, iface, signer);
}

/**
 * Runs `parse` (one of sdk/amounts.ts's parsers) and turns its AmountError into a task failure: the user sees one
 * sentence saying what is wrong with the amount, without a stack.
 */
export function orFail<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof AmountError) fail(error.message);
    throw error;
  }
}

let modules: Promise<void> | undefined;

/**
 * Loads the modules that tasks import lazily (the typechain bindings exist only after a compile, so the config cannot
 * import them). Called before a task's first request: compiling them takes seconds on a loaded machine, and a node
 * closes a connection idle for 5 s (Node's HTTP keep-alive), so a request sent on it right after fails with "other
 * side closed" (seen 2 times in 6 against `npm run node`).
 */
export function loadTaskModules(): Promise<void> {
  modules ??= Promise.all([
    import("../typechain-types"),
    import("../sdk/views"),
    import("../sdk/errors"),
    import("../sdk/deployments"),
  ]).then(() => undefined);
  return modules;
}

/** The signer a task acts as: `--account` as an index of the network's accounts (default 0) or one of their addresses. */
export async function signerOf(hre: HardhatRuntimeEnvironment, account: string): Promise<Signer> {
  await loadTaskModules();
  const signers = await hre.ethers.getSigners();
  if (signers.length === 0) fail(`no account for ${hre.network.name}: set DEPLOYER_PRIVATE_KEY`);
  if (/^\d+$/.test(account)) {
    const signer = signers[Number(account)];
    if (signer === undefined)
      fail(`--account ${account}: the network has ${signers.length} accounts (0 to ${signers.length - 1})`);
    return signer;
  }
  const signer = signers.find((s) => s.address.toLowerCase() === account.toLowerCase());
  if (signer === undefined) fail(`--account ${account} is not an account this network can sign for`);
  return signer;
}

/** A token's symbol and decimals. */
export interface TokenInfo {
  address: string;
  symbol: string;
  decimals: number;
}

const ERC20_VIEWS = new Interface([
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address,address) view returns (uint256)",
]);

export async function tokenInfo(hre: HardhatRuntimeEnvironment, address: string): Promise<TokenInfo> {
  const token = new Contract(address, ERC20_VIEWS, hre.ethers.provider);
  return {
    address,
    symbol: String(await token.symbol!()),
    decimals: Number(await token.decimals!()),
  };
}

/** An ERC-20's balance and allowance views. */
export function erc20(hre: HardhatRuntimeEnvironment, address: string): Contract {
  return new Contract(address, ERC20_VIEWS, hre.ethers.provider);
}

/**
 * A progress counter for a task that sends several transactions: `step("approve ...")` is "[1/3] approve ...".
 * `total` is known before the first is sent (the checks decide which steps are needed).
 */
export function progress(total: number): (label: string) => string {
  let i = 0;
  return (label) => `[${++i}/${total}] ${label}`;
}

/** Sends a transaction and prints its block and gas; a revert becomes the protocol's error as a sentence. */
export async function send(
  label: string,
  transaction: () => Promise<{
    hash: string;
    wait(): Promise<{ blockNumber: number; gasUsed: bigint } | null>;
  }>,
): Promise<{ hash: string; blockNumber: number }> {
  try {
    const tx = await transaction();
    process.stdout.write(`${label}: sent ${tx.hash}, waiting... `);
    const receipt = await tx.wait();
    console.log(`mined in block ${receipt?.blockNumber ?? "?"}, gas ${receipt?.gasUsed ?? "?"}`);
    return { hash: tx.hash, blockNumber: receipt?.blockNumber ?? 0 };
  } catch (error) {
    const { explainError } = await import("../sdk/errors");
    fail(`${label} reverted: ${explainError(error)}`);
  }
}

/** Writes `record` back where `loadRecord` read it (`file`, or deployments/<network>.json). */
export async function saveRecord(record: DeploymentRecord, file?: string): Promise<void> {
  const { writeDeployment } = await import("../sdk/deployments");
  if (file !== undefined && file !== "") {
    fs.writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
    return;
  }
  writeDeployment(record);
}
