/**
 * Deployment records: `deployments/<network>.json`, written by the deploy scripts step by step and read by tasks,
 * the demo and integrators.
 *
 * A record names every contract of a deployment with its address, the artifact whose ABI it speaks, the
 * transaction that created it and its block (and, for a proxy, the implementation behind it), and every
 * configuration step the deploy took with its transaction. The deploy writes the record after each step, so a run
 * that fails leaves a record of what exists, and the next run finishes it.
 */
import fs from "fs";
import path from "path";

/** A contract of the deployment. */
export interface RecordedContract {
  address: string;
  /** The Hardhat artifact (contract name) whose ABI the address speaks; for a proxy, the implementation's. */
  artifact: string;
  /** For a proxy: the implementation's address. */
  implementation?: string;
  txHash: string;
  block: number;
}

/** A configuration transaction of the deployment (wiring, listing, role hand-over). */
export interface RecordedStep {
  txHash: string;
  block: number;
}

export interface DeploymentRecord {
  /** Format version of this file. */
  format: 1;
  network: string;
  chainId: string;
  deployer: string;
  /** Whether every step of the deploy has run. */
  complete: boolean;
  startedAt: string;
  updatedAt: string;
  /** The parameters the deploy ran with (deploy/config.ts and the environment), amounts in base units. */
  parameters: Record<string, string>;
  contracts: Record<string, RecordedContract>;
  steps: Record<string, RecordedStep[]>;
}

/** The record file of `network` under `dir` (default `deployments/`, relative to the working directory). */
export function deploymentFile(network: string, dir = "deployments"): string {
  return path.join(dir, `${network}.json`);
}

function isRecord(value: unknown): value is DeploymentRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<DeploymentRecord>;
  return (
    r.format === 1 &&
    typeof r.network === "string" &&
    typeof r.chainId === "string" &&
    typeof r.contracts === "object" &&
    typeof r.steps === "object"
  );
}

/** Reads `network`'s record, or `undefined` if there is none. Throws if the file is not a record of this format. */
export function readDeployment(network: string, dir?: string): DeploymentRecord | undefined {
  const file = deploymentFile(network, dir);
  if (!fs.existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!isRecord(parsed)) {
    throw new Error(`${file} is not a deployment record of format 1: move it aside and deploy again`);
  }
  return parsed;
}

/** Finds the record whose chain id is `chainId` among the records under `dir`. */
export function readDeploymentByChainId(
  chainId: bigint | number,
  dir = "deployments",
): DeploymentRecord | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    const record = readDeployment(name.slice(0, -".json".length), dir);
    if (record !== undefined && record.chainId === chainId.toString()) return record;
  }
  return undefined;
}

/** Writes `record` atomically (a temporary file renamed over the old one). */
export function writeDeployment(record: DeploymentRecord, dir?: string): string {
  const file = deploymentFile(record.network, dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return file;
}

/** The address of `name` in `record`, or an error naming what the record holds. */
export function recordedAddress(record: DeploymentRecord, name: string): string {
  const entry = record.contracts[name];
  if (entry === undefined) {
    throw new Error(
      `the ${record.network} deployment has no contract "${name}" (it has: ${Object.keys(record.contracts).join(", ")})`,
    );
  }
  return entry.address;
}
