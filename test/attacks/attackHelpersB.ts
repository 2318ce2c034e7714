/**
 * Shared pieces of the attack tests of issue 9 (Medium 3 and Lows 4 to 7, and the small items):
 *   - constants of the slashing timeline, restated here (not read from the contracts);
 *   - `sameBlock`: mines several transactions in one block in a chosen order (automine off, tips decide the order),
 *     without throwing on the ones that revert, and `expectMinedRevert`, which decodes the revert data of such a
 *     mined transaction from its trace (a mined failure carries no revert data in its receipt);
 *   - `attackFixture`: the real SlashingManager world of test/helpers/slashingFixtures.ts with two AVSs whose
 *     allocations are in force: X (committee, 1-day veto window, max 1/2, burns; stETH and rETH) and Y (no committee,
 *     max 100%, redistributes to `recipient`; stETH), alice 100 stETH + 50 rETH and bob 200 stETH delegated to
 *     operator1, who allocated 40% of stETH and 50% of rETH to X and 60% of stETH to Y.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, TransactionReceipt } from "ethers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, HOUR, WAD } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { nextWithdrawalId as nextWithdrawalIdOf } from "../../sdk/views";
import {
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  MAX_VETO_WINDOW,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  ZERO,
  avs2Params,
  avsParams,
  slashingManagerFixture,
  type AVSParams,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";

export { DAY, DEFAULT_WITHDRAWAL_DELAY, HOUR, WAD };
export const EVIDENCE = ethers.id("attack evidence");

/** SlashingManager and vault timeline constants (docs/slashing.md "Windows and delays"). */
export { EXECUTION_WINDOW };
/** Beyond the latest ready time of the withdrawals queued when an increase or a loosening is announced. */
export { EXIT_BUFFER, EXIT_MARGIN };
export { MAX_VETO_WINDOW, SLASH_COOLDOWN };
/**
 * The pool gate (docs/slashing.md, "Pending requests close the pool"): requests on a pool come in epochs; the first
 * request starts one (gateAt = its time), others join it only within JOIN_WINDOW of its start, whether the pool is
 * still closed or already reopened (`PoolGated(operator, asset, gateAt + GATE_CYCLE)` after that).
 */
export { GATE_CYCLE, JOIN_WINDOW, REOPEN_WINDOW };
export const MIN_WITHDRAWAL_DELAY = 4n * DAY;
export const MAX_WITHDRAWAL_DELAY = 30n * DAY;
/** The longest a pool stays closed: JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW (once the last is cancelled). */
export const LONGEST_CLOSURE = JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW;
/**
 * The allocation delay (and the delay of a loosening AVS change) while the withdrawal delay is `withdrawalDelay` and
 * no withdrawal queued under an earlier, longer delay is ready later than now + withdrawalDelay (the vault's
 * latestReadyAt() = now + withdrawalDelay).
 */
export function allocationDelayFor(withdrawalDelay: bigint): bigint {
  return withdrawalDelay + EXIT_BUFFER;
}
/** 14 days 7 hours with the default 7-day withdrawal delay. */
export const ALLOCATION_DELAY = allocationDelayFor(DEFAULT_WITHDRAWAL_DELAY);
/** When an AVS may next request on an allocation its last request (executable at `executableAt`) touched. */
export function nextRequestAtOf(executableAt: bigint): bigint {
  return executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN;
}

/** Explicit gas for transactions sent with automine off (an estimate would run against the pending block). */
export const GAS = 1_500_000n;

/* ------------------------------------------------------------------------------------------------------------ */
/* Same-block ordering                                                                                          */
/* ------------------------------------------------------------------------------------------------------------ */

/** One transaction of a `sameBlock` batch: `tip` (gwei) orders the block, highest first. */
export interface Ordered {
  send: (overrides: {
    gasLimit: bigint;
    maxPriorityFeePerGas: bigint;
    maxFeePerGas: bigint;
  }) => Promise<ContractTransactionResponse>;
  tip: bigint;
}

/** What `sameBlock` mined: the receipts in the order given, their block and its timestamp. */
export interface MinedBlock {
  receipts: TransactionReceipt[];
  blockNumber: number;
  timestamp: bigint;
}

/**
 * Sends every transaction with automine off, then mines them in one block (at `timestamp` when given). The block
 * orders them by tip (Hardhat's priority mempool); the receipts come back in the order of `txs`, with their status
 * (a reverted transaction is mined with status 0, nothing throws).
 */
export async function sameBlock(txs: Ordered[], timestamp?: bigint): Promise<MinedBlock> {
  const sent: ContractTransactionResponse[] = [];
  await network.provider.send("evm_setAutomine", [false]);
  try {
    for (const tx of txs) {
      const tip = ethers.parseUnits(tx.tip.toString(), "gwei");
      sent.push(
        await tx.send({ gasLimit: GAS, maxPriorityFeePerGas: tip, maxFeePerGas: tip + 100n * 10n ** 9n }),
      );
    }
    if (timestamp !== undefined) await time.setNextBlockTimestamp(timestamp);
    await mine();
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
  const receipts: TransactionReceipt[] = [];
  for (const tx of sent) {
    const receipt = await ethers.provider.getTransactionReceipt(tx.hash);
    if (receipt === null) throw new Error(`transaction ${tx.hash} was not mined`);
    receipts.push(receipt);
  }
  const blockNumber = receipts[0].blockNumber;
  for (const r of receipts)
    expect(r.blockNumber, "every transaction in the same block").to.equal(blockNumber);
  const block = await ethers.provider.getBlock(blockNumber);
  if (block === null) throw new Error("no block");
  return { receipts, blockNumber, timestamp: BigInt(block.timestamp) };
}

interface Trace {
  failed: boolean;
  returnValue: string;
}

/** The revert data of a mined transaction, from its trace ("0x" if it succeeded). */
export async function revertDataOf(hash: string): Promise<string> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as Trace;
  if (!trace.failed) return "0x";
  return trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
}

/** Asserts that the mined `receipt` reverted with `contract`'s custom error `name(args)`. */
export async function expectMinedRevert(
  receipt: TransactionReceipt,
  contract: BaseContract,
  name: string,
  args: unknown[],
): Promise<void> {
  expect(receipt.status, `${name}: the transaction must have reverted`).to.equal(0);
  const data = await revertDataOf(receipt.hash);
  const parsed = contract.interface.parseError(data);
  expect(parsed?.name, `revert data ${data}`).to.equal(name);
  expect([...(parsed?.args ?? [])], `${name} arguments`).to.deep.equal(args);
}

/** Asserts that the mined `receipt` succeeded and that the block placed it at `index`. */
export function expectMinedAt(receipt: TransactionReceipt, index: number, what: string): void {
  expect(receipt.status, `${what} succeeded`).to.equal(1);
  expect(receipt.index, `${what} is transaction ${index} of the block`).to.equal(index);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* The world                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

export const ALICE_STETH = 100n * WAD;
export const ALICE_RETH = 50n * WAD;
export const BOB_STETH = 200n * WAD;
export const POOL_STETH = ALICE_STETH + BOB_STETH;
/** operator1's allocations of attackFixture. */
export const ALLOC = {
  xStETH: (4n * WAD) / 10n,
  xRETH: WAD / 2n,
  yStETH: (6n * WAD) / 10n,
} as const;
export const X_VETO_WINDOW = DAY;
export const X_MAX = WAD / 2n;

export interface AttackFixture extends SlashingManagerFixture {
  /** When the allocations of the fixture took effect. */
  allocatedAt: bigint;
}

/** The pool `(operator, asset)` as plain numbers. */
export interface PoolView {
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
  pendingRequests: bigint;
  fullySlashed: boolean;
}

export async function poolView(
  f: SlashingManagerFixture,
  operator: string,
  asset: string,
): Promise<PoolView> {
  const p = await f.vault.pool(operator, asset);
  return {
    totalAssets: p.totalAssets,
    totalShares: p.totalShares,
    queuedShares: p.queuedShares,
    pendingSlash: p.pendingSlash,
    pendingRequests: p.pendingRequests,
    fullySlashed: p.fullySlashed,
  };
}

/** The allocation `(operator, avs, asset)` as plain numbers (matured changes applied, as the view does). */
export interface AllocationView {
  current: bigint;
  pendingDelta: bigint;
  pendingIncrease: boolean;
  effectAt: bigint;
  changedAfterRequest: boolean;
  openRequest: bigint;
}

export async function allocationView(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  asset: string,
): Promise<AllocationView> {
  const a = await f.sm.allocation(operator, avs, asset);
  return {
    current: a.current,
    pendingDelta: a.pendingDelta,
    pendingIncrease: a.pendingIncrease,
    effectAt: a.effectAt,
    changedAfterRequest: a.changedAfterRequest,
    openRequest: a.openRequest,
  };
}

/** The magnitudes of `(operator, asset)`, with the start of its pool's current request epoch, and its maximum magnitude. */
export interface MagnitudesView {
  lost: bigint;
  encumbered: bigint;
  reserved: bigint;
  gateAt: bigint;
  maxMagnitude: bigint;
}

export async function magnitudesView(
  f: SlashingManagerFixture,
  operator: string,
  asset: string,
): Promise<MagnitudesView> {
  const [m, maxMagnitude] = await f.sm.magnitudes(operator, asset);
  return { lost: m.lost, encumbered: m.encumbered, reserved: m.reserved, gateAt: m.gateAt, maxMagnitude };
}

/** The target of an allocation: where it ends once its pending change matures. */
export function targetOf(a: AllocationView): bigint {
  if (a.effectAt === 0n) return a.current;
  return a.pendingIncrease ? a.current + a.pendingDelta : a.current - a.pendingDelta;
}

/** Requests a slash and returns its id and the block timestamp. */
export async function request(
  f: SlashingManagerFixture,
  slasher: HardhatEthersSigner,
  avs: string,
  operator: string,
  wadFraction: bigint,
): Promise<{ id: bigint; at: bigint }> {
  const receipt = await (
    await f.sm.connect(slasher).requestSlash(avs, operator, wadFraction, EVIDENCE)
  ).wait();
  if (receipt === null) throw new Error("no receipt");
  const block = await receipt.getBlock();
  return { id: await f.sm.slashRequestCount(), at: BigInt(block.timestamp) };
}

/** The id of `staker`'s next withdrawal (sdk/views.ts). */
export async function nextWithdrawalId(f: SlashingManagerFixture, staker: string): Promise<bigint> {
  return nextWithdrawalIdOf(f.vault, staker);
}

/** Queues a withdrawal of every `asset` share `staker` holds; returns its id and readyAt. */
export async function queueAll(
  f: SlashingManagerFixture,
  staker: HardhatEthersSigner,
  asset: string,
): Promise<{ id: bigint; readyAt: bigint; shares: bigint }> {
  const id = await nextWithdrawalId(f, staker.address);
  const [, shares] = await f.vault.position(staker.address, asset);
  await (await f.vault.connect(staker).queueWithdrawal(asset, shares)).wait();
  const [, w] = await f.vault.withdrawal(id);
  return { id, readyAt: w.readyAt, shares };
}

/** X and Y registered, operator1 registered for both, the deposits and allocations of ALLOC in force. */
export async function attackFixture(): Promise<AttackFixture> {
  const f = await slashingManagerFixture();
  const { sm, vault, registry, stETHAddress: stETH, rETHAddress: rETH } = f;
  await (await sm.connect(f.avs).registerAVS("ipfs://avs-x", avsParams(f))).wait();
  await (await sm.connect(f.avs2).registerAVS("ipfs://avs-y", avs2Params(f))).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.avs2.address, "0x")).wait();
  for (const staker of [f.alice, f.bob]) {
    await (await registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  await (await vault.connect(f.alice).deposit(stETH, ALICE_STETH, 0n)).wait();
  await (await vault.connect(f.alice).deposit(rETH, ALICE_RETH, 0n)).wait();
  await (await vault.connect(f.bob).deposit(stETH, BOB_STETH, 0n)).wait();
  await (await sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, ALLOC.xStETH)).wait();
  await (await sm.connect(f.operator1).modifyAllocation(f.avs.address, rETH, ALLOC.xRETH)).wait();
  await (await sm.connect(f.operator1).modifyAllocation(f.avs2.address, stETH, ALLOC.yStETH)).wait();
  const { effectAt } = await allocationView(f, f.operator1.address, f.avs2.address, stETH);
  await time.increaseTo(effectAt);
  return { ...f, allocatedAt: effectAt };
}

/** Sends `tx`; true if it was mined successfully, false if it reverted (an attacker's or a victim's try). */
export async function attempt(tx: () => Promise<ContractTransactionResponse>): Promise<boolean> {
  try {
    await (await tx()).wait();
    return true;
  } catch {
    return false;
  }
}

/**
 * An AVS an operator runs itself: operator1 is its slasher and its recipient, no committee, max 100%, stETH.
 * `overrides` change any of it (a committee the operator controls, a smaller maximum, burning).
 */
export function operatorOwnedParams(
  f: SlashingManagerFixture,
  overrides: Partial<AVSParams> = {},
): AVSParams {
  return {
    slasher: f.operator1.address,
    vetoCommittee: ZERO,
    vetoWindow: 0n,
    maxSlashWad: WAD,
    recipient: f.operator1.address,
    registrar: ZERO,
    assets: [f.stETHAddress],
    ...overrides,
  };
}

/** What a mined transaction did, for reports: "ok", or its revert as `Name(arg, ...)` decoded with `contract`. */
export async function minedOutcome(receipt: TransactionReceipt, contract: BaseContract): Promise<string> {
  if (receipt.status === 1) return "ok";
  const data = await revertDataOf(receipt.hash);
  const parsed = contract.interface.parseError(data);
  if (parsed === null) return `reverted ${data}`;
  return `${parsed.name}(${[...parsed.args].map((a: unknown) => String(a)).join(", ")})`;
}
