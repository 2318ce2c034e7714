/**
 * Custom errors of the protocol decoded into sentences, and roles named instead of hashed.
 *
 * Every contract of the protocol (core, LRT, price layer, timelock) reverts with custom errors. `explainError` finds
 * the revert data in whatever ethers threw, decodes it against every protocol ABI and returns
 * `ErrorName: arg = value, ...` with roles by name and large amounts also in ether units; an error it cannot decode
 * keeps ethers' own short message.
 */
import { ErrorFragment, Interface, ZeroHash, formatEther, id, type InterfaceAbi, type Result } from "ethers";

import {
  LRTAssetVault__factory,
  LRTManager__factory,
  LRTNode__factory,
  LRTOperations__factory,
  LRTOracle__factory,
  LRTPriceFeed__factory,
  LRTRisk__factory,
  LRTValuation__factory,
  LiquidRestakingToken__factory,
  MockERC20__factory,
  OperatorRegistry__factory,
  ProtocolTimelock__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
} from "../typechain-types";

/** Every role of the protocol and its timelock, by name. */
export const ROLE_NAMES: Readonly<Record<string, string>> = Object.fromEntries([
  [ZeroHash, "DEFAULT_ADMIN_ROLE"],
  ...[
    "PAUSER_ROLE",
    "ASSET_ADMIN_ROLE",
    "REWARDS_ADMIN_ROLE",
    "MANAGER_ROLE",
    "MINTER_ROLE",
    "ORACLE_ADMIN_ROLE",
    "FEED_ADMIN_ROLE",
    "PROPOSER_ROLE",
    "EXECUTOR_ROLE",
    "CANCELLER_ROLE",
  ].map((name) => [id(name), name]),
]);

/** The role's name, or its hash if it is not a protocol role. */
export function roleName(hash: string): string {
  return ROLE_NAMES[hash.toLowerCase()] ?? hash;
}

const ABIS: readonly InterfaceAbi[] = [
  RestakingVault__factory.abi,
  OperatorRegistry__factory.abi,
  SlashingManager__factory.abi,
  RewardDistributor__factory.abi,
  ProtocolTimelock__factory.abi,
  LRTManager__factory.abi,
  LRTOperations__factory.abi,
  LRTRisk__factory.abi,
  LRTValuation__factory.abi,
  LRTAssetVault__factory.abi,
  LRTNode__factory.abi,
  LRTOracle__factory.abi,
  LRTPriceFeed__factory.abi,
  LiquidRestakingToken__factory.abi,
  MockERC20__factory.abi,
];

/** One interface holding every protocol error once (errors shared by several contracts have one selector). */
export const PROTOCOL_ERRORS: Interface = (() => {
  const bySelector = new Map<string, ErrorFragment>();
  for (const abi of ABIS) {
    new Interface(abi).forEachError((fragment) => {
      if (!bySelector.has(fragment.selector)) bySelector.set(fragment.selector, fragment);
    });
  }
  return new Interface([...bySelector.values()]);
})();

export interface DecodedError {
  name: string;
  args: Array<{ name: string; type: string; value: unknown }>;
  /** `Name: arg = value, ...` with roles named and amounts also in ether units. */
  sentence: string;
}

function formatValue(type: string, name: string, value: unknown): string {
  if (
    type === "bytes32" &&
    typeof value === "string" &&
    (name.toLowerCase().includes("role") || ROLE_NAMES[value])
  ) {
    return roleName(value);
  }
  if (typeof value === "bigint" && type.startsWith("uint") && value >= 10n ** 15n) {
    return `${value} (${formatEther(value)} in 18-decimal units)`;
  }
  return String(value);
}

/** Decodes revert data of a protocol custom error, or `undefined` if the selector is not one. */
export function decodeProtocolError(data: string): DecodedError | undefined {
  if (data.length < 10) return undefined;
  let parsed: { name: string; args: Result; fragment: ErrorFragment } | null;
  try {
    parsed = PROTOCOL_ERRORS.parseError(data);
  } catch {
    return undefined;
  }
  if (parsed === null) return undefined;
  const args = parsed.fragment.inputs.map((input, i) => ({
    name: input.name === "" ? `arg${i}` : input.name,
    type: input.type,
    value: parsed.args[i] as unknown,
  }));
  const shown = args.map((a) => `${a.name} = ${formatValue(a.type, a.name, a.value)}`).join(", ");
  return { name: parsed.name, args, sentence: shown === "" ? parsed.name : `${parsed.name}: ${shown}` };
}

/** Finds revert data (a 0x string of at least a selector) anywhere in an error object ethers or a provider threw. */
export function revertDataOf(error: unknown, depth = 0): string | undefined {
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  const record = error as Record<string, unknown>;
  const data = record.data;
  if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) return data;
  for (const key of ["error", "info", "cause", "data"]) {
    const found = revertDataOf(record[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A one-line explanation of `error`: the decoded protocol error if there is one, else ethers' short message. */
export function explainError(error: unknown): string {
  const data = revertDataOf(error);
  const decoded = data === undefined ? undefined : decodeProtocolError(data);
  if (decoded !== undefined) return decoded.sentence;
  if (typeof error === "object" && error !== null) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === "string") return short;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Awaits `call` (usually a `staticCall`): `undefined` if it succeeds, the protocol error if it reverts with one. Any
 * other failure (a revert that is not a protocol error, a network error) is rethrown.
 */
export async function revertOf(call: Promise<unknown>): Promise<DecodedError | undefined> {
  try {
    await call;
    return undefined;
  } catch (error: unknown) {
    const data = revertDataOf(error);
    const decoded = data === undefined ? undefined : decodeProtocolError(data);
    if (decoded === undefined) throw error;
    return decoded;
  }
}

/** Thrown by `expectRevert` when a call does not revert with the protocol error it names. */
export class UnexpectedOutcomeError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: DecodedError | undefined,
  ) {
    super(`expected a revert ${expected}, got ${actual === undefined ? "no revert" : actual.sentence}`);
    this.name = "UnexpectedOutcomeError";
  }
}

/**
 * Awaits `call` and returns the protocol error it reverted with, which must be `name`, and, for each entry of `args`,
 * have that argument equal to the value (bigints and addresses compared exactly, addresses in any letter case).
 */
export async function expectRevert(
  call: Promise<unknown>,
  name: string,
  args: Readonly<Record<string, unknown>> = {},
): Promise<DecodedError> {
  const decoded = await revertOf(call);
  const expected = `${name}(${Object.entries(args)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(", ")})`;
  if (decoded === undefined || decoded.name !== name) throw new UnexpectedOutcomeError(expected, decoded);
  for (const [argName, value] of Object.entries(args)) {
    const actual = decoded.args.find((a) => a.name === argName);
    const same =
      actual !== undefined &&
      (typeof value === "string" && typeof actual.value === "string"
        ? value.toLowerCase() === actual.value.toLowerCase()
        : actual.value === value);
    if (!same) throw new UnexpectedOutcomeError(expected, decoded);
  }
  return decoded;
}
