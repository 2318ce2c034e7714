/**
 * Reading deployment and command-line settings from the environment, with every problem named.
 *
 * Deploy scripts and tasks read their settings (RPC URLs, the deployer key, the timelock delay, role holders) from
 * environment variables. `EnvReader` checks each one and collects every problem, so that one run reports every bad
 * variable by name before anything is sent; `ConfigError` carries the list. Nothing here touches a network.
 */
import { getAddress, isAddress, ZeroAddress } from "ethers";

import { AmountError, parseAmount } from "./amounts";

/** Where settings come from: `process.env` or, in tests, a plain object. */
export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A settings problem found before any transaction: `problems` names each variable and what is wrong with it. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(context: string, problems: readonly string[]) {
    super(`${context}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** secp256k1's group order: a private key is an integer in [1, n - 1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Whether `value` is a usable secp256k1 private key: 32 bytes of hex (with or without 0x), in [1, n - 1]. */
export function isPrivateKey(value: string): boolean {
  const hex = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const k = BigInt(`0x${hex}`);
  return k > 0n && k < SECP256K1_N;
}

/** Whether `value` is an http(s) or ws(s) URL. */
export function isRpcUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return ["http:", "https:", "ws:", "wss:"].includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A checksummed address, or a description of what is wrong with `value` (`null` when it is fine). */
export function addressProblem(value: string, allowZero = false): string | null {
  if (!isAddress(value)) {
    return /^0x[0-9a-fA-F]{40}$/.test(value)
      ? "has a wrong EIP-55 checksum (retype it or write it all in lower case)"
      : "is not an address (expected 0x followed by 40 hex digits)";
  }
  if (!allowZero && getAddress(value) === ZeroAddress) return "is the zero address";
  return null;
}

/**
 * Reads and checks environment variables, collecting every problem. Call `finish(context)` once all are read: it
 * throws a `ConfigError` listing them, so a run never stops at the first of several mistakes.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: EnvSource) {}

  /** Records a problem that is not about one variable's format (e.g. two settings that contradict each other). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** The trimmed value; `undefined` when the variable is unset, `""` when it is set but empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined ? undefined : value.trim();
  }

  /** A variable that must be set and non-empty. */
  required(name: string, what: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === "") {
      this.problems.push(`${name} is ${value === undefined ? "not set" : "set but empty"}: ${what}`);
      return undefined;
    }
    return value;
  }

  /** A private key that must be set and well formed; the message never echoes the key. */
  privateKey(name: string): string | undefined {
    const value = this.required(name, "the deploying account's private key (0x followed by 64 hex digits)");
    if (value === undefined) return undefined;
    if (!isPrivateKey(value)) {
      this.problems.push(
        `${name} is not a private key: expected 64 hex digits (with or without 0x) for a number in [1, n - 1], ` +
          `got ${value.length} characters`,
      );
      return undefined;
    }
    return value.startsWith("0x") ? value : `0x${value}`;
  }

  /** An RPC URL that must be set and be an http(s) or ws(s) URL. */
  rpcUrl(name: string, network: string): string | undefined {
    const value = this.required(name, `the JSON-RPC endpoint of ${network}`);
    if (value === undefined) return undefined;
    if (!isRpcUrl(value)) {
      this.problems.push(`${name} is not an http(s) or ws(s) URL: "${value}"`);
      return undefined;
    }
    return value;
  }

  /** An optional address: unset means `undefined`; set but empty, malformed or zero is a problem. */
  optionalAddress(name: string, what: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value === "") {
      this.problems.push(`${name} is set but empty: ${what}; unset it to use the default`);
      return undefined;
    }
    const problem = addressProblem(value);
    if (problem !== null) {
      this.problems.push(`${name} ${problem}: "${value}"`);
      return undefined;
    }
    return getAddress(value);
  }

  /**
   * An optional whole number of seconds within `[min, max]`: unset means `fallback`; set but empty or not a whole
   * number is a problem (an empty value never silently means 0 or the default).
   */
  seconds(name: string, fallback: bigint, min: bigint, max: bigint, why: string): bigint {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === "") {
      this.problems.push(`${name} is set but empty: give a number of seconds, or unset it for ${fallback} s`);
      return fallback;
    }
    if (!/^\d+$/.test(value)) {
      this.problems.push(`${name} is not a whole number of seconds: "${value}"`);
      return fallback;
    }
    const seconds = BigInt(value);
    if (seconds < min || seconds > max) {
      this.problems.push(`${name} is ${seconds} s, outside [${min}, ${max}] s: ${why}`);
      return fallback;
    }
    return seconds;
  }

  /** Throws a `ConfigError` naming every problem found so far. */
  finish(context: string): void {
    if (this.problems.length > 0) throw new ConfigError(context, this.problems);
  }
}

/**
 * Parses a positive token amount written in whole units ("100000", "2.5") with `decimals` decimals (sdk/amounts.ts
 * `parseAmount`, without a unit), or describes what is wrong with it.
 */
export function parsePositiveUnits(value: string, decimals: number): bigint | string {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) return `"${value}" is not a decimal number`;
  let amount: bigint;
  try {
    amount = parseAmount(value, { bareDecimals: decimals });
  } catch (error) {
    if (error instanceof AmountError) return error.message;
    throw error;
  }
  return amount > 0n ? amount : `"${value}" is not above zero`;
}
