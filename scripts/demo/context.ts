/**
 * What every chapter of the demo shares: the cast (the network's accounts), the protocol the demo deploys for its
 * story, the address book, the chain clock, and the checks that stop the demo (exit code 1) when a figure is not what
 * the protocol promises.
 */
import { ethers, network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import type { CoreContracts } from "../../sdk/deploy";
import { expectRevert as expectProtocolRevert } from "../../sdk/errors";
import {
  addressBook,
  formatAmount,
  formatDuration,
  formatError,
  formatTime,
  note,
  printHeader,
  type AddressBook,
} from "../../tasks/format";
import type { MockERC20, MockRETH } from "../../typechain-types";

/** The accounts that play the story, in the order of the network's accounts. */
export interface Cast {
  deployer: HardhatEthersSigner;
  op1: HardhatEthersSigner;
  op2: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  avsX: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  vetoCommittee: HardhatEthersSigner;
  insurance: HardhatEthersSigner;
  avsY: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  erin: HardhatEthersSigner;
  frank: HardhatEthersSigner;
}

const CAST_ORDER: ReadonlyArray<keyof Cast> = [
  "deployer",
  "op1",
  "op2",
  "alice",
  "bob",
  "carol",
  "dave",
  "avsX",
  "slasher",
  "vetoCommittee",
  "insurance",
  "avsY",
  "keeper",
  "treasury",
  "erin",
  "frank",
];

/** The chain id of Hardhat's in-process chain and of `npx hardhat node`: the only chains the demo plays on. */
export const LOCAL_CHAIN_ID = 31_337n;

/**
 * The network's accounts as the cast. A chain other than a local Hardhat chain (it mints mock tokens and moves the
 * clock) and a network with fewer unlocked accounts than the cast are refused, before any transaction.
 */
export async function castOf(): Promise<Cast> {
  const { chainId } = await ethers.provider.getNetwork();
  if (chainId !== LOCAL_CHAIN_ID) {
    throw new Error(
      `the demo runs only on a local Hardhat chain (chain id ${LOCAL_CHAIN_ID}); ${network.name} has chain id ${chainId}`,
    );
  }
  const signers = await ethers.getSigners();
  if (signers.length < CAST_ORDER.length) {
    throw new Error(
      `the demo needs ${CAST_ORDER.length} unlocked accounts on ${network.name}, it has ${signers.length}`,
    );
  }
  return Object.fromEntries(CAST_ORDER.map((name, i) => [name, signers[i]!])) as unknown as Cast;
}

/** The tokens of the story. */
export interface Tokens {
  stETH: MockERC20;
  rETH: MockRETH;
  cbETH: MockERC20;
  rwd: MockERC20;
}

/** The demo's shared state: the cast, the protocol it deployed, the tokens and their addresses, the address book. */
export interface Demo {
  cast: Cast;
  core: CoreContracts;
  tokens: Tokens;
  /** Token addresses: S = stETH, R = rETH, C = cbETH, RWD = the reward token. */
  S: string;
  R: string;
  C: string;
  RWD: string;
  book: AddressBook;
  /** The chain time when the story starts (after the set-up). */
  startTime: bigint;
  chapter: number;
}

/** Adds `[name, address]` entries to the demo's address book. */
export function name(demo: Demo, entries: ReadonlyArray<readonly [string, string]>): void {
  demo.book = addressBook([...[...demo.book].map(([a, n]): [string, string] => [n, a]), ...entries]);
}

/* THE CLOCK */

/** The latest block's timestamp. */
export async function now(): Promise<bigint> {
  const block = await ethers.provider.getBlock("latest");
  if (block === null) throw new Error("the node returned no latest block");
  return BigInt(block.timestamp);
}

/** Moves the chain `seconds` forward and mines a block (evm_increaseTime + evm_mine: the in-process chain and a node). */
export async function advance(seconds: bigint): Promise<void> {
  await network.provider.send("evm_increaseTime", [Number(seconds)]);
  await network.provider.send("evm_mine", []);
}

/** Moves the chain to `timestamp` (if it is in the future) and mines a block there. */
export async function advanceTo(timestamp: bigint): Promise<void> {
  if (timestamp > (await now())) {
    await network.provider.send("evm_setNextBlockTimestamp", [Number(timestamp)]);
    await network.provider.send("evm_mine", []);
  }
}

/** What a chapter's time jump is: `by` seconds forward, or `to` a timestamp. */
export type Jump = { by: bigint; why: string } | { to: bigint; why: string };

/**
 * Starts a chapter: makes its time jump first (if any), then prints the numbered header with the chain time after
 * the jump, and the explanation.
 */
export async function chapter(demo: Demo, title: string, lines: string[], jump?: Jump): Promise<void> {
  demo.chapter += 1;
  let jumped = "";
  if (jump !== undefined) {
    const before = await now();
    if ("by" in jump) await advance(jump.by);
    else await advanceTo(jump.to);
    jumped = `; jumped ${formatDuration((await now()) - before)} (${jump.why})`;
  }
  const t = await now();
  const since = demo.startTime === 0n ? "" : `, story +${formatDuration(t - demo.startTime)}`;
  printHeader(`${demo.chapter}. ${title}`, `   [chain time ${formatTime(t)}${since}${jumped}]`);
  for (const line of lines) note(line);
}

/* TRANSACTIONS */

/** Sends a transaction and waits for it; returns its receipt, throws if it reverted. */
export async function send(tx: Promise<ContractTransactionResponse>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
  return receipt;
}

/* CHECKS */

/** A figure that is not what the protocol promises: it stops the demo with exit code 1. */
export class FigureMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FigureMismatch";
  }
}

/**
 * Checks that `actual` is `expected` (within `tolerance` base units, for roundings the protocol documents) and prints
 * the figure; throws FigureMismatch naming the figure, the expected and the actual value otherwise.
 */
export function check(
  figure: string,
  expected: bigint,
  actual: bigint,
  opts: { tolerance?: bigint; unit?: string; decimals?: number; format?: (value: bigint) => string } = {},
): void {
  const tolerance = opts.tolerance ?? 0n;
  const diff = actual > expected ? actual - expected : expected - actual;
  const show = (v: bigint): string =>
    opts.format !== undefined
      ? opts.format(v)
      : opts.decimals === 0
        ? `${v}${opts.unit === undefined ? "" : ` ${opts.unit}`}`
        : formatAmount(v, opts.unit);
  if (diff > tolerance) {
    throw new FigureMismatch(
      `${figure}: expected ${show(expected)} (${expected}), actual ${show(actual)} (${actual})` +
        (tolerance === 0n ? "" : `, more than ${tolerance} base units apart`),
    );
  }
  note(
    `check ${figure}: ${show(actual)}${diff === 0n ? "" : ` (expected ${show(expected)}, ${diff} wei of rounding)`}`,
  );
}

/** Checks a promise that is not a number (a status, an order); throws FigureMismatch naming it otherwise. */
export function checkThat(figure: string, holds: boolean, expected: string, actual: string): void {
  if (!holds) throw new FigureMismatch(`${figure}: expected ${expected}, actual ${actual}`);
  note(`check ${figure}: ${actual}`);
}

/**
 * Runs a call that the protocol must refuse, checks that it reverts with `errorName` (and `args`), and returns the
 * error as "Name(arg, ...)" with the demo's names.
 */
export async function refused(
  demo: Demo,
  call: Promise<unknown>,
  errorName: string,
  args: Readonly<Record<string, unknown>> = {},
): Promise<string> {
  try {
    return formatError(await expectProtocolRevert(call, errorName, args), demo.book);
  } catch (error: unknown) {
    throw new FigureMismatch(error instanceof Error ? error.message : String(error));
  }
}

/** Shorthand for 18-decimal whole tokens. */
export const eth = (whole: number): bigint => BigInt(whole) * 10n ** 18n;
