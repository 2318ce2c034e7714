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
    this.decoded = { value: this.decode(this.iface.decodeFunctionResult(this.fn, raw.data)) };
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
    const slot = new Slot<T>(iface, fn, decode, `${fn}(${args.map(String).join(", ")}) on ${target}`);
    this.targets.push(target);
    this.data.push(iface.encodeFunctionData(fn, args));
    this.slots.push(slot as Slot<unknown>);
    return slot;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs every view at `blockTag` ("latest" by default); returns the block timestamp the views saw. */
  async run(blockTag: BlockTag = "latest"): Promise<bigint> {
    const result = await ethers.provider.call({
      to: this.reader,
      data: READER.encodeFunctionData("read", [this.targets, this.data]),
      blockTag,
    });
    const [timestamp, ok, out] = READER.decodeFunctionResult("read", result) as unknown as [
      bigint,
      boolean[],
      string[],
    ];
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
