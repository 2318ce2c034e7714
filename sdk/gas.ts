import fs from "fs";
import path from "path";
import type { ContractTransactionResponse } from "ethers";

export type GasRecord = Record<string, number>;

/** Collects gas usage per operation and merges it into a JSON report (default reports/gas.json). */
export class GasReport {
  private readonly entries = new Map<string, number>();

  record(op: string, gasUsed: bigint | number): void {
    const value = typeof gasUsed === "bigint" ? Number(gasUsed) : gasUsed;
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`GasReport: invalid gas value for "${op}": ${String(gasUsed)}`);
    }
    this.entries.set(op, value);
  }

  toJSON(): GasRecord {
    return sortKeys(Object.fromEntries(this.entries));
  }

  write(filePath = "reports/gas.json"): void {
    const merged: GasRecord = { ...readExisting(filePath), ...this.toJSON() };
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    fs.writeFileSync(filePath, JSON.stringify(sortKeys(merged), null, 2) + "\n");
  }
}

/** Waits for the transaction to be mined and returns its gasUsed; throws if it has no receipt or reverted. */
export async function gasOf(
  tx: Promise<ContractTransactionResponse> | ContractTransactionResponse,
): Promise<bigint> {
  const response = await tx;
  const receipt = await response.wait();
  if (receipt === null) {
    throw new Error(`gasOf: no receipt for transaction ${response.hash}`);
  }
  if (receipt.status !== 1) {
    throw new Error(`gasOf: transaction ${response.hash} failed with status ${String(receipt.status)}`);
  }
  return receipt.gasUsed;
}

function sortKeys(record: GasRecord): GasRecord {
  const sorted: GasRecord = {};
  for (const key of Object.keys(record).sort()) {
    sorted[key] = record[key];
  }
  return sorted;
}

function readExisting(filePath: string): GasRecord {
  if (!fs.existsSync(filePath)) {
    return {};
  }
  const parsed: unknown = JSON.parse(fs.readFileSync(filePath, "utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`GasReport: ${filePath} does not contain a JSON object`);
  }
  const result: GasRecord = {};
  for (const [key, value] of Object.entries(parsed)) {
    const num = typeof value === "number" ? value : Number(value);
    if (Number.isFinite(num)) {
      result[key] = num;
    }
  }
  return result;
}
