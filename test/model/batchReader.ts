/**
 * One `eth_call` for hundreds of views. The model-based walk compares every pool, position, withdrawal, allocation,
 * magnitude, request and balance after every step; one round trip per view would cost seconds per step. The test-only
 * BatchReader below static-calls each (target, calldata) pair in one call and returns the block timestamp the views
 * saw, whether each call succeeded, and its return (or revert) data. It reads through the contracts' own external
 * views, so it observes exactly what any integrator observes.
 *
 * The reader is compiled from the source below with the project's pinned compiler (node_modules/solc, the one
 * hardhat.config.ts compiles with), once per process, and deployed by the test; contracts/ is left untouched.
 */
import { ethers } from "hardhat";
import { Interface, type BlockTag, type Result } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { compileTestContract } from "../helpers/solcjs";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

contract BatchReader {
    function read(
        address[] calldata targets,
        bytes[] calldata data
    ) external view returns (uint256 timestamp, bool[] memory ok, bytes[] memory out) {
        require(targets.length == data.length, "length");
        ok = new bool[](targets.length);
        out = new bytes[](targets.length);
        for (uint256 i; i < targets.length; ++i) {
            (ok[i], out[i]) = targets[i].staticcall(data[i]);
        }
        timestamp = block.timestamp;
    }
}
`;

const READER = new Interface([
  "function read(address[] targets, bytes[] data) view returns (uint256 timestamp, bool[] ok, bytes[] out)",
]);

function compileReader(): string {
  return compileTestContract("BatchReader", SOURCE);
}

/** Deploys a BatchReader and returns its address. */
export async function deployBatchReader(deployer: HardhatEthersSigner): Promise<string> {
  const factory = new ethers.ContractFactory(READER, compileReader(), deployer);
  const reader = await factory.deploy();
  await reader.waitForDeployment();
  return reader.getAddress();
}

/*
 * The reader's calldata and return data are encoded and decoded here by hand (both are a few flat arrays), and each
 * view's calldata and decoded return are memoised: the same views are read after every step, and ethers' generic ABI
 * coder (with an address checksum per decoded address) cost more than the eth_call itself. The first batches of each
 * process are also encoded and decoded by ethers and must agree byte for byte (SELF_CHECKS).
 */

/** How many batches per process are cross-checked against ethers' coder. */
const SELF_CHECKS = 3;
let selfChecks = 0;
/** Memoised calldata per interface: `fn(args)` -> calldata. */
const encoded = new WeakMap<Interface, Map<string, string>>();
/** Memoised decoded returns per interface: `fn` NUL `return data` -> ethers Result (read-only). */
const decoded = new WeakMap<Interface, Map<string, Result>>();
/** Past this many memoised returns per interface the memo starts again (bounded memory over long runs). */
const MAX_DECODED = 50_000;

function memo<V>(store: WeakMap<Interface, Map<string, V>>, iface: Interface): Map<string, V> {
  let m = store.get(iface);
  if (m === undefined) {
    m = new Map();
    store.set(iface, m);
  }
  return m;
}

const word = (n: number): string => n.toString(16).padStart(64, "0");

/** ABI encoding of `read(targets, data)` (selector included). */
function encodeRead(targets: readonly string[], data: readonly string[]): string {
  const n = targets.length;
  const parts: string[] = [
    READER.getFunction("read")?.selector ?? "",
    word(0x40),
    word(0x60 + 32 * n),
    word(n),
  ];
  for (const t of targets) parts.push(t.slice(2).toLowerCase().padStart(64, "0"));
  parts.push(word(n));
  let offset = 32 * n;
  const bodies: string[] = [];
  for (const d of data) {
    const hex = d.slice(2);
    const len = hex.length / 2;
    parts.push(word(offset));
    const padded = Math.ceil(len / 32) * 64;
    bodies.push(word(len), hex.padEnd(padded, "0"));
    offset += 32 + padded / 2;
  }
  return parts.concat(bodies).join("");
}

/** ABI decoding of read()'s return: (timestamp, ok[], out[]). */
function decodeRead(result: string): [bigint, boolean[], string[]] {
  const hex = result.slice(2);
  const at = (byte: number): string => hex.slice(byte * 2, byte * 2 + 64);
  const num = (byte: number): number => Number.parseInt(at(byte), 16);
  const timestamp = BigInt(`0x${at(0)}`);
  const okAt = num(32);
  const outAt = num(64);
  const n = num(okAt);
  const ok: boolean[] = [];
  for (let i = 0; i < n; i++) ok.push(BigInt(`0x${at(okAt + 32 + 32 * i)}`) !== 0n);
  const base = outAt + 32;
  const out: string[] = [];
  for (let i = 0; i < num(outAt); i++) {
    const start = base + num(base + 32 * i);
    const len = num(start);
    out.push(`0x${hex.slice((start + 32) * 2, (start + 32 + len) * 2)}`);
  }
  return [timestamp, ok, out];
}

/** The outcome of one view of a batch. */
export class Slot<T> {
  private decoded: { value: T } | undefined;
  /** Set by the batch once it ran. */
  raw: { ok: boolean; data: string } | undefined;

  constructor(
    private readonly iface: Interface,
    private readonly fn: string,
    private readonly decode: (r: Result) => T,
    readonly label: string,
  ) {}

  /** Whether the view returned (rather than reverted). */
  get ok(): boolean {
    if (this.raw === undefined) throw new Error(`batch: ${this.label} was not read yet`);
    return this.raw.ok;
  }

  /** The decoded value; throws if the view reverted. */
  get value(): T {
    if (this.decoded !== undefined) return this.decoded.value;
    if (!this.ok) throw new Error(`batch: ${this.label} reverted`);
    const raw = this.raw as { data: string };
    const results = memo(decoded, this.iface);
    const key = `${this.fn}\u0000${raw.data}`;
    let r = results.get(key);
    if (r === undefined) {
      r = this.iface.decodeFunctionResult(this.fn, raw.data);
      if (results.size >= MAX_DECODED) results.clear();
      results.set(key, r);
    }
    this.decoded = { value: this.decode(r) };
    return this.decoded.value;
  }
}

/** A list of views to read in one eth_call. */
export class Batch {
  private readonly targets: string[] = [];
  private readonly data: string[] = [];
  private readonly slots: Array<Slot<unknown>> = [];

  constructor(private readonly reader: string) {}

  /** Adds `target.fn(...args)`, decoded by `decode` when its value is first asked for. */
  add<T>(
    target: string,
    iface: Interface,
    fn: string,
    args: readonly unknown[],
    decode: (r: Result) => T,
  ): Slot<T> {
    const call = `${fn}(${args.map(String).join(", ")})`;
    const slot = new Slot<T>(iface, fn, decode, `${call} on ${target}`);
    const calls = memo(encoded, iface);
    let data = calls.get(call);
    if (data === undefined) {
      data = iface.encodeFunctionData(fn, args);
      calls.set(call, data);
    }
    this.targets.push(target);
    this.data.push(data);
    this.slots.push(slot as Slot<unknown>);
    return slot;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs every view at `blockTag` ("latest" by default); returns the block timestamp the views saw. */
  async run(blockTag: BlockTag = "latest"): Promise<bigint> {
    const calldata = encodeRead(this.targets, this.data);
    const check = selfChecks < SELF_CHECKS;
    if (check && calldata !== READER.encodeFunctionData("read", [this.targets, this.data])) {
      throw new Error("batch: the reader's calldata differs from ethers' encoding");
    }
    const result = await ethers.provider.call({ to: this.reader, data: calldata, blockTag });
    const [timestamp, ok, out] = decodeRead(result);
    if (check) {
      selfChecks++;
      const [t, o, d] = READER.decodeFunctionResult("read", result) as unknown as [
        bigint,
        boolean[],
        string[],
      ];
      if (t !== timestamp || [...o].join() !== ok.join() || [...d].join() !== out.join()) {
        throw new Error("batch: the reader's return differs from ethers' decoding");
      }
    }
    if (ok.length !== this.slots.length || out.length !== this.slots.length) {
      throw new Error(`batch: ${ok.length} results for ${this.slots.length} views`);
    }
    this.slots.forEach((slot, i) => {
      slot.raw = { ok: ok[i], data: out[i] };
    });
    return timestamp;
  }
}

/* Typed access to the untyped elements of an ethers Result. */

export function big(value: unknown): bigint {
  if (typeof value !== "bigint") throw new TypeError(`expected a bigint, got ${String(value)}`);
  return value;
}

export function str(value: unknown): string {
  if (typeof value !== "string") throw new TypeError(`expected a string, got ${String(value)}`);
  return value;
}

export function bool(value: unknown): boolean {
  if (typeof value !== "boolean") throw new TypeError(`expected a boolean, got ${String(value)}`);
  return value;
}

/** The element `key` of a struct Result. */
export function field(r: unknown, key: string): unknown {
  if (r === null || typeof r !== "object") throw new TypeError(`expected a struct, got ${String(r)}`);
  return (r as Record<string, unknown>)[key];
}

/** The elements of an array Result. */
export function items(r: unknown): unknown[] {
  if (!Array.isArray(r)) throw new TypeError(`expected an array, got ${String(r)}`);
  return [...(r as unknown[])];
}
