/**
 * Shared pieces of four attack suites of issue 9: MagnitudeCollapse (finding 1), ZeroReservationIsolation
 * (finding 2), FullySlashedPool (finding 8) and RepeatedRequests (item 9d).
 *
 *   - the slashing constants, restated from docs/slashing.md ("Windows and delays", "Fully slashed operators"), never
 *     read from the contracts;
 *   - an independent BigInt model of what a request takes in one asset (docs/slashing.md, "The magnitude model"):
 *     `s = ceil(f * a / 1e18)`, `amount = floor(net * s / (maxMagnitude - reserved))`, nothing at all when that
 *     amount is 0 ("no magnitude moves without tokens");
 *   - readers that turn the contracts' structs into plain numbers, and `takenBy(id)`, what a request reserved;
 *   - the rules that make a request skip an asset (docs/slashing.md, "One request per allocation and the cooldown"
 *     and "Pending requests close the pool"), modelled per asset in the contract's order: the AVS's last request on
 *     the allocation still Pending (`SlashRequestOpen`), its cooldown (`SlashCooldown`), and the epoch pool gate
 *     (`PoolGated(operator, asset, gateAt + GATE_CYCLE)` from JOIN_WINDOW after the epoch's start while the pool is
 *     closed or GATE_CYCLE has not passed), the gate only for an asset that would reserve tokens. A request takes
 *     every asset no rule skips, and reverts only if it takes none, with the first skipped asset's reason;
 *   - `inOneBlock`: several transactions mined in one block in the order given (automine off, descending tips), with
 *     `expectMinedRevert` decoding the custom error of a mined failure from its trace;
 *   - `probe`: runs a step on a snapshot and rolls it back (what a request WOULD take, without taking it);
 *   - `worldFixture`: the real SlashingManager (test/helpers/slashingFixtures.ts `slashingManagerFixture`) with four
 *     AVSs registered and opted into by operator1, stakers delegated, and NO deposit and NO allocation, so that every
 *     suite chooses the state its attack starts from:
 *       Z  `zAvs`   operator1's own AVS: its own slasher, no committee, max 100%, slashed funds to operator1;
 *       Z2 `z2Avs`  a second AVS of operator1's, same terms;
 *       Y  `avs2`   a real AVS: `slasher2`, no committee, max 100%, redistributes to `recipient`;
 *       X  `avs`    a real AVS with a veto committee: `slasher`, `committee`, a 1-day window, max 100%, burns.
 *     All four accept stETH and rETH. operator2 is registered for X and Y. alice and bob are delegated to operator1,
 *     dave to operator2; carol and erin stay undelegated;
 *   - `ownAvs`: further AVSs of operator1's (impersonated accounts), each its own slasher and committee.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { mine, setBalance, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, TransactionReceipt } from "ethers";

import { DAY, HOUR, WAD } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import {
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  MAX_VETO_WINDOW,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  deallocationDelayFor,
  slashingManagerFixture,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";
import {
  SLASH_STATUS_VALUE,
  VIRTUAL_ASSETS,
  VIRTUAL_SHARES,
  nextWithdrawalId as nextWithdrawalIdOf,
  toAssetsDown,
  toSharesDown,
} from "../../sdk/views";

/** An AVS's secured stake in an asset: its allocated stake summed over operators, off-chain (the sdk's view). */
export { securedStake } from "../../sdk/views";

export { DAY, WAD };
export const ZERO = ethers.ZeroAddress;
export const EVIDENCE = ethers.id("attack evidence");

/* ------------------------------------------------------------------------------------------------------------ */
/* Constants (docs/slashing.md)                                                                                 */
/* ------------------------------------------------------------------------------------------------------------ */

export { EXECUTION_WINDOW, HOUR, MAX_VETO_WINDOW, SLASH_COOLDOWN };
export const WITHDRAWAL_DELAY = 7n * DAY;
export const MIN_WITHDRAWAL_DELAY = 4n * DAY;
/** Beyond the latest ready time of the withdrawals queued so far, before an announced increase is slashable. */
export { EXIT_BUFFER, EXIT_MARGIN };
/**
 * How long a decrease stays slashable after it is queued, for a withdrawal delay: max(withdrawalDelay,
 * MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE (test/helpers/slashingFixtures.ts).
 */
export { deallocationDelayFor };
/**
 * The allocation delay while the withdrawal delay never changed: the vault's latestReadyAt() (now + the withdrawal
 * delay) + EXIT_BUFFER - now = 14 days 7 hours.
 */
export const ALLOCATION_DELAY = WITHDRAWAL_DELAY + EXIT_BUFFER;
/** The pool gate: JOIN_WINDOW, REOPEN_WINDOW, GATE_CYCLE (test/helpers/slashingFixtures.ts). */
export { GATE_CYCLE, JOIN_WINDOW, REOPEN_WINDOW };
/** Below this maximum magnitude an operator is fully slashed in the asset. */
export const MIN_MAX_MAGNITUDE = 10n ** 12n;
/** X's veto window in worldFixture. */
export const X_WINDOW = DAY;
/** Virtual shares and assets of the vault's share math (docs/staking.md, "Share math"): sdk/views.ts. */
export { VIRTUAL_ASSETS, VIRTUAL_SHARES };
export const UINT128_MAX = (1n << 128n) - 1n;
/** ISlashingManagerTypes.SlashStatus (sdk/views.ts). */
export const STATUS = SLASH_STATUS_VALUE;
/** Explicit gas for transactions sent with automine off (an estimate would run against the pending block). */
export const GAS = 2_000_000n;

/* ------------------------------------------------------------------------------------------------------------ */
/* The model                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

/** ceil(a * b / d). */
export function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  return (a * b + d - 1n) / d;
}

/** What one request takes in one asset: magnitude and amount; both 0 when the asset is skipped. */
export interface Take {
  magnitude: bigint;
  amount: bigint;
}

/**
 * The take of a request for `wadFraction` of allocation `current` in a pool whose net assets `net` stand for the free
 * magnitude `free` (= maxMagnitude - reserved): s rounded up, the amount rounded down, nothing if it is worth 0.
 */
export function modelTake(current: bigint, wadFraction: bigint, net: bigint, free: bigint): Take {
  if (current === 0n) return { magnitude: 0n, amount: 0n };
  const magnitude = mulDivUp(current, wadFraction, WAD);
  const amount = (net * magnitude) / free;
  return amount === 0n ? { magnitude: 0n, amount: 0n } : { magnitude, amount };
}

/** allocatedStake as the model computes it: floor(net * a / free), 0 without an allocation. */
export function modelStake(current: bigint, net: bigint, free: bigint): bigint {
  return current === 0n ? 0n : (net * current) / free;
}

/** Shares minted for a deposit of `assets` (rounded down, virtual offsets): sdk/views.ts `toSharesDown`. */
export const sharesFor = toSharesDown;

/** Assets paid for `shares` (rounded down, virtual offsets): sdk/views.ts `toAssetsDown`. */
export const assetsFor = toAssetsDown;

/* ------------------------------------------------------------------------------------------------------------ */
/* Readers                                                                                                      */
/* ------------------------------------------------------------------------------------------------------------ */

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

export interface MagnitudesView {
  lost: bigint;
  encumbered: bigint;
  reserved: bigint;
  maxMagnitude: bigint;
}

export async function magnitudesView(
  f: SlashingManagerFixture,
  operator: string,
  asset: string,
): Promise<MagnitudesView> {
  const [m, maxMagnitude] = await f.sm.magnitudes(operator, asset);
  return { lost: m.lost, encumbered: m.encumbered, reserved: m.reserved, maxMagnitude };
}

/**
 * An allocation as the contract reports it, plus `nextRequestAt`, derived from the AVS's last request on it
 * (`openRequest`, kept after it resolves): its executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN, 0 without one.
 */
export interface AllocationView {
  current: bigint;
  pendingDelta: bigint;
  pendingIncrease: boolean;
  effectAt: bigint;
  nextRequestAt: bigint;
  changedAfterRequest: boolean;
  openRequest: bigint;
  /** Whether that last request is still Pending (then the AVS's next request reverts SlashRequestOpen). */
  lastRequestPending: boolean;
}

export async function allocationView(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  asset: string,
): Promise<AllocationView> {
  const a = await f.sm.allocation(operator, avs, asset);
  let [nextRequestAt, lastRequestPending] = [0n, false];
  if (a.openRequest !== 0n) {
    const [last] = await f.sm.slashRequest(a.openRequest);
    nextRequestAt = last.executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN;
    lastRequestPending = last.status === STATUS.Pending;
  }
  return {
    current: a.current,
    pendingDelta: a.pendingDelta,
    pendingIncrease: a.pendingIncrease,
    effectAt: a.effectAt,
    nextRequestAt,
    changedAfterRequest: a.changedAfterRequest,
    openRequest: a.openRequest,
    lastRequestPending,
  };
}

/** The pool gate of (operator, asset): the reserved magnitude (non-zero = closed) and its current epoch's start. */
export interface GateView {
  reserved: bigint;
  gateAt: bigint;
}

export async function gateView(
  f: SlashingManagerFixture,
  operator: string,
  asset: string,
): Promise<GateView> {
  const [m] = await f.sm.magnitudes(operator, asset);
  return { reserved: m.reserved, gateAt: m.gateAt };
}

/** A custom error a request reverts with, as the model predicts it. */
export interface Refusal {
  name: "SlashRequestOpen" | "SlashCooldown" | "PoolGated";
  args: unknown[];
}

/**
 * The epoch pool gate at time `now` for a request that would reserve tokens in (operator, asset): null if it lets the
 * request in (never requested; within JOIN_WINDOW of the epoch's start, closed or not; or open and GATE_CYCLE after the
 * epoch's start); otherwise PoolGated(operator, asset, gateAt + GATE_CYCLE).
 */
export function gateRefusal(operator: string, asset: string, gate: GateView, now: bigint): Refusal | null {
  if (gate.gateAt === 0n || now < gate.gateAt + JOIN_WINDOW) return null;
  const nextEpochAt = gate.gateAt + GATE_CYCLE;
  return gate.reserved !== 0n || now < nextEpochAt
    ? { name: "PoolGated", args: [operator, asset, nextEpochAt] }
    : null;
}

/** The epoch start after a request at `now` that the gate let in: `now` if it starts an epoch, else unchanged. */
export function gateAtAfter(gate: GateView, now: bigint): bigint {
  return gate.gateAt === 0n || now >= gate.gateAt + JOIN_WINDOW ? now : gate.gateAt;
}

/** An asset a request skipped, and the rule that skipped it. */
export interface Skip {
  asset: string;
  refusal: Refusal;
}

/** The AVS's own rule on an allocation at time `now`: its last request still pending, or its cooldown running. */
export function cooldownRefusal(
  avs: string,
  operator: string,
  asset: string,
  a: AllocationView,
  now: bigint,
): Refusal | null {
  if (a.openRequest === 0n) return null;
  if (a.lastRequestPending) return { name: "SlashRequestOpen", args: [avs, operator, asset] };
  return now < a.nextRequestAt
    ? { name: "SlashCooldown", args: [avs, operator, asset, a.nextRequestAt] }
    : null;
}

/** What a request reserved in one asset. */
export interface Taken {
  asset: string;
  magnitude: bigint;
  deallocationCut: bigint;
  amount: bigint;
  released: boolean;
}

/** Every asset request `id` took, in the order it took them. */
export async function takenBy(f: SlashingManagerFixture, id: bigint): Promise<Taken[]> {
  const [request] = await f.sm.slashRequest(id);
  const out: Taken[] = [];
  for (let i = 0n; i < request.assetCount; i++) {
    const [asset, s] = await f.sm.slashedAsset(id, i);
    out.push({
      asset,
      magnitude: s.magnitude,
      deallocationCut: s.deallocationCut,
      amount: s.amount,
      released: s.released,
    });
  }
  return out;
}

/** The amount request `id` took of `asset` (0 if it skipped the asset). */
export function amountOf(taken: Taken[], asset: string): bigint {
  return taken.find((t) => t.asset === asset)?.amount ?? 0n;
}

/** Everything a request reads in one asset, and what the views report, just before it. */
export interface AssetSnapshot {
  asset: string;
  allocation: AllocationView;
  mags: MagnitudesView;
  gate: GateView;
  pool: PoolView;
  net: bigint;
  free: bigint;
  allocatedStake: bigint;
  maxSlashable: bigint;
}

export async function assetSnapshot(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  asset: string,
): Promise<AssetSnapshot> {
  const [allocation, mags, gate, pool, allocatedStake, maxSlashable] = await Promise.all([
    allocationView(f, operator, avs, asset),
    magnitudesView(f, operator, asset),
    gateView(f, operator, asset),
    poolView(f, operator, asset),
    f.sm.allocatedStake(operator, avs, asset),
    f.sm.maxSlashable(operator, avs, asset),
  ]);
  return {
    asset,
    allocation,
    mags,
    gate,
    pool,
    net: pool.totalAssets - pool.pendingSlash,
    free: mags.maxMagnitude - mags.reserved,
    allocatedStake,
    maxSlashable,
  };
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Actions                                                                                                      */
/* ------------------------------------------------------------------------------------------------------------ */

/** The timestamp of the block that mined `tx`. */
export async function minedAt(tx: ContractTransactionResponse): Promise<bigint> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  return BigInt((await receipt.getBlock()).timestamp);
}

/** Requests a slash; returns its id and the block timestamp. */
export async function requestSlash(
  f: SlashingManagerFixture,
  slasher: HardhatEthersSigner,
  avs: string,
  operator: string,
  wadFraction: bigint,
): Promise<{ id: bigint; at: bigint }> {
  const at = await minedAt(await f.sm.connect(slasher).requestSlash(avs, operator, wadFraction, EVIDENCE));
  return { id: await f.sm.slashRequestCount(), at };
}

/** Deposits `amount` of `asset` for `staker` (into the pool of the operator it is delegated to). */
export async function deposit(
  f: SlashingManagerFixture,
  staker: HardhatEthersSigner,
  asset: string,
  amount: bigint,
): Promise<void> {
  await (await f.vault.connect(staker).deposit(asset, amount, 0n)).wait();
}

/** Operator `operator` allocates every `[avs, asset, magnitude]`; returns when the last increase takes effect. */
export async function allocate(
  f: SlashingManagerFixture,
  operator: HardhatEthersSigner,
  entries: Array<[string, string, bigint]>,
): Promise<bigint> {
  let effectAt = 0n;
  for (const [avs, asset, magnitude] of entries) {
    await (await f.sm.connect(operator).modifyAllocation(avs, asset, magnitude)).wait();
    const a = await allocationView(f, operator.address, avs, asset);
    if (a.effectAt > effectAt) effectAt = a.effectAt;
  }
  return effectAt;
}

/** `allocate`, then waits until every increase is in force. */
export async function allocateInForce(
  f: SlashingManagerFixture,
  operator: HardhatEthersSigner,
  entries: Array<[string, string, bigint]>,
): Promise<void> {
  const effectAt = await allocate(f, operator, entries);
  if (effectAt > BigInt(await time.latest())) await time.increaseTo(effectAt);
}

/** The id of `staker`'s next withdrawal (sdk/views.ts). */
export async function nextWithdrawalId(f: SlashingManagerFixture, staker: string): Promise<bigint> {
  return nextWithdrawalIdOf(f.vault, staker);
}

/** Queues a withdrawal of `shares` (every share of `asset` when omitted); returns its id, readyAt and shares. */
export async function queueWithdrawal(
  f: SlashingManagerFixture,
  staker: HardhatEthersSigner,
  asset: string,
  shares?: bigint,
): Promise<{ id: bigint; readyAt: bigint; shares: bigint }> {
  const id = await nextWithdrawalId(f, staker.address);
  const amount = shares ?? (await f.vault.position(staker.address, asset))[1];
  await (await f.vault.connect(staker).queueWithdrawal(asset, amount)).wait();
  const [, w] = await f.vault.withdrawal(id);
  return { id, readyAt: w.readyAt, shares: amount };
}

/** Runs `step` and rolls the chain back to where it was, returning what `step` returned. */
export async function probe<T>(step: () => Promise<T>): Promise<T> {
  const snapshot = await takeSnapshot();
  try {
    return await step();
  } finally {
    await snapshot.restore();
  }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* One block                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

/** The overrides `inOneBlock` sends a transaction with (explicit gas, and the tip that orders the block). */
export interface SendOverrides {
  gasLimit: bigint;
  maxPriorityFeePerGas: bigint;
  maxFeePerGas: bigint;
}

/** A transaction of an `inOneBlock` batch, sent with the overrides it is given. */
export type Send = (overrides: SendOverrides) => Promise<ContractTransactionResponse>;

/** What `inOneBlock` mined: the receipts in the order given, and the block's timestamp. */
export interface OneBlock {
  receipts: TransactionReceipt[];
  timestamp: bigint;
}

/**
 * Mines `sends` in ONE block, in the order given (automine off; each transaction tips less than the one before, and
 * Hardhat's mempool orders by tip). A reverting transaction is mined with status 0: nothing throws. Checks that every
 * transaction landed in the same block at the index of its position.
 */
export async function inOneBlock(sends: Send[], timestamp?: bigint): Promise<OneBlock> {
  const sent: ContractTransactionResponse[] = [];
  await network.provider.send("evm_setAutomine", [false]);
  try {
    for (let i = 0; i < sends.length; i++) {
      const tip = BigInt(sends.length - i) * 10n ** 9n;
      sent.push(
        await sends[i]({ gasLimit: GAS, maxPriorityFeePerGas: tip, maxFeePerGas: tip + 100n * 10n ** 9n }),
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
  receipts.forEach((r, i) => {
    expect(r.blockNumber, "every transaction in one block").to.equal(receipts[0].blockNumber);
    expect(r.index, `transaction ${i} at its place in the block`).to.equal(i);
  });
  const block = await ethers.provider.getBlock(receipts[0].blockNumber);
  if (block === null) throw new Error("no block");
  return { receipts, timestamp: BigInt(block.timestamp) };
}

/** Asserts that the mined `receipt` reverted with `contract`'s custom error `name(args)` (decoded from its trace). */
export async function expectMinedRevert(
  receipt: TransactionReceipt,
  contract: BaseContract,
  name: string,
  args: unknown[],
): Promise<void> {
  expect(receipt.status, `${name}: the transaction must have reverted`).to.equal(0);
  const trace = (await network.provider.send("debug_traceTransaction", [
    receipt.hash,
    { disableMemory: true, disableStack: true, disableStorage: true },
  ])) as { failed: boolean; returnValue: string };
  expect(trace.failed, `${name}: the trace must show a failure`).to.equal(true);
  const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
  const parsed = contract.interface.parseError(data);
  expect(parsed?.name, `revert data ${data}`).to.equal(name);
  expect([...(parsed?.args ?? [])], `${name} arguments`).to.deep.equal(args);
}

/** Asserts that the mined `receipt` succeeded. */
export function expectMinedOk(receipt: TransactionReceipt, what: string): void {
  expect(receipt.status, `${what} succeeded`).to.equal(1);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* The world                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

export interface WorldFixture extends SlashingManagerFixture {
  /** operator1's own AVS (its own slasher). */
  zAvs: HardhatEthersSigner;
  /** A second AVS of operator1's (its own slasher). */
  z2Avs: HardhatEthersSigner;
}

/** The AVSParams of an AVS without committee, max 100%, accepting stETH and rETH. */
function openParams(
  f: SlashingManagerFixture,
  slasher: string,
  recipient: string,
): {
  slasher: string;
  vetoCommittee: string;
  vetoWindow: bigint;
  maxSlashWad: bigint;
  recipient: string;
  registrar: string;
  assets: string[];
} {
  return {
    slasher,
    vetoCommittee: ZERO,
    vetoWindow: 0n,
    maxSlashWad: WAD,
    recipient,
    registrar: ZERO,
    assets: [f.stETHAddress, f.rETHAddress],
  };
}

/** The parameters X registers with (a committee, X_WINDOW, max 100%, burns; stETH and rETH). */
export function xParams(f: SlashingManagerFixture): ReturnType<typeof openParams> {
  return {
    ...openParams(f, f.slasher.address, ZERO),
    vetoCommittee: f.committee.address,
    vetoWindow: X_WINDOW,
  };
}

/** The parameters Y registers with (no committee, max 100%, to `recipient`; stETH and rETH). */
export function yParams(f: SlashingManagerFixture): ReturnType<typeof openParams> {
  return openParams(f, f.slasher2.address, f.recipient.address);
}

/** The parameters of operator1's own AVS `z` (its own slasher, no committee, max 100%, to operator1). */
export function zParams(f: SlashingManagerFixture, z: string): ReturnType<typeof openParams> {
  return openParams(f, z, f.operator1.address);
}

/** Z, Z2, Y and X registered; operator1 opted into all four, operator2 into X and Y; stakers delegated. */
export async function worldFixture(): Promise<WorldFixture> {
  const f = await slashingManagerFixture();
  const signers = await ethers.getSigners();
  const [zAvs, z2Avs] = [signers[18], signers[19]];
  const { sm, registry } = f;
  await (await sm.connect(zAvs).registerAVS("ipfs://z", zParams(f, zAvs.address))).wait();
  await (await sm.connect(z2Avs).registerAVS("ipfs://z2", zParams(f, z2Avs.address))).wait();
  await (await sm.connect(f.avs2).registerAVS("ipfs://y", yParams(f))).wait();
  await (await sm.connect(f.avs).registerAVS("ipfs://x", xParams(f))).wait();
  for (const avs of [zAvs, z2Avs, f.avs2, f.avs]) {
    await (await sm.connect(f.operator1).registerOperatorToAVS(avs.address, "0x")).wait();
  }
  for (const avs of [f.avs2, f.avs]) {
    await (await sm.connect(f.operator2).registerOperatorToAVS(avs.address, "0x")).wait();
  }
  for (const staker of [f.alice, f.bob]) {
    await (await registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  await (await registry.connect(f.dave).delegateTo(f.operator2.address, NO_SIGNATURE, ZERO_SALT)).wait();
  return { ...f, zAvs, z2Avs };
}

/* ------------------------------------------------------------------------------------------------------------ */
/* A request checked against the model and the views                                                           */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * What the model predicts for a request: the views it reads, what it takes, the rule that skips each refused asset
 * (`skipped`, vault order), and `refusal`, the revert when it takes nothing (the first skipped asset's reason).
 */
export interface ModelledRequest {
  before: AssetSnapshot[];
  expected: Taken[];
  skipped: Skip[];
  refusal: Refusal | null;
}

/**
 * The model of a request for `wadFraction` of `operator`'s allocations to `avs` in `assets` (vault order) made at time
 * `at`, from the views read now; also checks that the views equal the model (allocatedStake = floor(net * a / free),
 * maxSlashable = floor(net * ceil(a * max / 1e18) / free), or 0 while a request made now would skip the asset for a
 * rule). Per asset, in
 * the contract's order: an allocated asset may be skipped for SlashRequestOpen or SlashCooldown; an asset that would
 * reserve tokens, for the pool gate; every other asset worth tokens is taken. Only when nothing is taken does the
 * request revert, with the first skipped asset's reason (`refusal`); `expected` is empty with no refusal when every asset is skipped for no reason (NothingToSlash).
 */
export async function modelRequest(
  f: SlashingManagerFixture,
  args: { avs: string; operator: string; wadFraction: bigint; assets: string[]; at: bigint },
): Promise<ModelledRequest> {
  const maxSlashWad = (await f.sm.avsConfig(args.avs)).maxSlashWad;
  const viewAt = BigInt(await time.latest());
  const before = await Promise.all(args.assets.map((a) => assetSnapshot(f, args.operator, args.avs, a)));
  const expected: Taken[] = [];
  const skipped: Skip[] = [];
  for (const b of before) {
    const stake = modelStake(b.allocation.current, b.net, b.free);
    expect(b.allocatedStake, `allocatedStake of ${b.asset} (model)`).to.equal(stake);
    expect(b.maxSlashable, `maxSlashable of ${b.asset} (model, at ${viewAt})`).to.equal(
      modelMaxSlashable(args.avs, args.operator, b, maxSlashWad, viewAt),
    );
    if (b.allocation.current === 0n) continue;
    const own = cooldownRefusal(args.avs, args.operator, b.asset, b.allocation, args.at);
    if (own !== null) {
      skipped.push({ asset: b.asset, refusal: own });
      continue;
    }
    const take = modelTake(b.allocation.current, args.wadFraction, b.net, b.free);
    if (take.amount === 0n) continue;
    const gated = gateRefusal(args.operator, b.asset, b.gate, args.at);
    if (gated !== null) {
      skipped.push({ asset: b.asset, refusal: gated });
      continue;
    }
    const a = b.allocation;
    const decreasing = a.effectAt !== 0n && !a.pendingIncrease;
    const cut = decreasing
      ? a.pendingDelta - (a.pendingDelta * (a.current - take.magnitude)) / a.current
      : 0n;
    expected.push({
      asset: b.asset,
      magnitude: take.magnitude,
      deallocationCut: cut,
      amount: take.amount,
      released: false,
    });
  }
  return { before, expected, skipped, refusal: expected.length === 0 ? (skipped[0]?.refusal ?? null) : null };
}

/**
 * Whether a request made at `now` would skip allocated asset `b.asset` for a rule, whatever its fraction: the AVS's
 * last request on the allocation pending or cooling down, or the pool's epoch closed to new requests.
 */
export function skippedForRule(avs: string, operator: string, b: AssetSnapshot, now: bigint): boolean {
  if (b.allocation.current === 0n) return false;
  return (
    cooldownRefusal(avs, operator, b.asset, b.allocation, now) !== null ||
    gateRefusal(operator, b.asset, b.gate, now) !== null
  );
}

/**
 * maxSlashable at `now` as the model computes it: 0 while a request made now would skip the asset for a rule
 * (`skippedForRule`) or nothing is allocated, else exactly what a request for maxSlashWad would take:
 * floor(net * ceil(a * maxSlashWad / 1e18) / free) (the magnitude rounded up, its worth down).
 */
export function modelMaxSlashable(
  avs: string,
  operator: string,
  b: AssetSnapshot,
  maxSlashWad: bigint,
  now: bigint,
): bigint {
  if (b.allocation.current === 0n || skippedForRule(avs, operator, b, now)) return 0n;
  return (b.net * ((b.allocation.current * maxSlashWad + WAD - 1n) / WAD)) / b.free;
}

/**
 * What `checkedRequest` saw and did. `id` is 0 when the request reverted: NothingToSlash (every asset skipped for no
 * reason, `refusal` null) or the first skipped asset's rule (`refusal` says which, with its arguments). `skipped` lists
 * the rule of every asset skipped for a reason (vault order), also when the request went through.
 */
export interface CheckedRequest {
  id: bigint;
  at: bigint;
  before: AssetSnapshot[];
  taken: Taken[];
  skipped: Skip[];
  refusal: Refusal | null;
}

/**
 * Requests `wadFraction` of `operator`'s allocations to `avs` in `assets` (the assets the AVS accepts, in vault order)
 * at time `at` (the next second when omitted) and checks, per asset, against the views read just before:
 *   - the views equal the model: allocatedStake = floor(net * a / free), maxSlashable = floor(net * ceil(a * max /
 *     1e18) / free) (a request for max's take), or 0 while a request made at the views' time would skip the asset for
 *     a rule (its open request or cooldown, the gate);
 *   - the High property: when no rule changes its verdict between the views and the request, the request takes 0 of
 *     every asset with stake whose maxSlashable read 0, and at least f * allocatedStake - 1 wei of every other;
 *   - the rules that skip an asset, in the contract's order per asset (an allocated asset: SlashRequestOpen, then
 *     SlashCooldown; an asset that would reserve tokens: the pool gate);
 *   - the request takes exactly the model's take in every other asset (s = ceil(f * a), amount = floor(net * s /
 *     free), skipped when 0); if it takes nothing it reverts with the first skipped asset's rule (exact error and
 *     arguments), or NothingToSlash(operator, avs) when no asset was skipped for a reason;
 *   - finding 1's property, for every asset not skipped for a rule: amount >= f * allocatedStake - 1 wei (exactly:
 *     (amount + 1) * 1e18 >= f * stake), also for an asset skipped as worth 0 (amount 0); an asset skipped for a rule
 *     is left whole (its allocation, magnitudes and gate untouched: a later request takes it in full);
 *   - finding 2's property: amount <= allocatedStake (never more than the AVS's allocated stake at its request);
 *   - a request for 100% takes exactly allocatedStake in every asset not skipped for a rule: the views report no stake
 *     that a request cannot take;
 *   - the gate after it: each pool it reserved in is closed (reserved grew by s), its epoch start `at` if the request
 *     started an epoch (first request, or GATE_CYCLE over and the pool open), else unchanged; skipped pools untouched.
 */
export async function checkedRequest(
  f: SlashingManagerFixture,
  args: {
    slasher: HardhatEthersSigner;
    avs: string;
    operator: string;
    wadFraction: bigint;
    assets: string[];
    at?: bigint;
  },
): Promise<CheckedRequest> {
  const { sm } = f;
  const { wadFraction } = args;
  const viewAt = BigInt(await time.latest());
  const at = args.at ?? viewAt + 1n;
  const { before, expected, skipped, refusal } = await modelRequest(f, { ...args, at });

  await time.setNextBlockTimestamp(at);
  const send = () => sm.connect(args.slasher).requestSlash(args.avs, args.operator, wadFraction, EVIDENCE);
  if (refusal !== null) {
    await expect(send(), `request at ${at}: ${refusal.name}`)
      .to.be.revertedWithCustomError(sm, refusal.name)
      .withArgs(...refusal.args);
    return { id: 0n, at, before, taken: [], skipped, refusal };
  }
  let id = 0n;
  let taken: Taken[] = [];
  if (expected.length === 0) {
    await expect(send())
      .to.be.revertedWithCustomError(sm, "NothingToSlash")
      .withArgs(args.operator, args.avs);
  } else {
    expect(await minedAt(await send()), "the request's block").to.equal(at);
    id = await sm.slashRequestCount();
    taken = await takenBy(f, id);
    expect(taken, "what the request took (model)").to.deep.equal(expected);
  }
  for (const b of before) {
    const amount = amountOf(taken, b.asset);
    expect(amount, `${b.asset}: amount <= allocatedStake at the request`).to.be.lte(b.allocatedStake);
    // The High property (when no rule changes its verdict between the views and the request): the request skips (takes
    // 0 of) exactly the assets with stake whose maxSlashable read 0 for a rule, and takes at least f * stake - 1 wei of
    // the others.
    const skipsThen = skippedForRule(args.avs, args.operator, b, viewAt);
    if (b.allocatedStake !== 0n && skipsThen === skippedForRule(args.avs, args.operator, b, at)) {
      // (A maxSlashable of 0 because max's magnitude is worth 0 tokens is not a skip.)
      if (skipsThen) expect(amount, `${b.asset}: maxSlashable 0 for a rule, nothing taken`).to.equal(0n);
      else
        expect((amount + 1n) * WAD, `${b.asset}: maxSlashable > 0, at least f * stake - 1`).to.be.gte(
          wadFraction * b.allocatedStake,
        );
    }
    if (skipped.some((x) => x.asset === b.asset)) {
      expect(amount, `${b.asset}: skipped for a rule, nothing taken`).to.equal(0n);
      expect(
        await allocationView(f, args.operator, args.avs, b.asset),
        `${b.asset}: skipped, untouched`,
      ).to.deep.equal(b.allocation);
      expect(await magnitudesView(f, args.operator, b.asset), `${b.asset}: skipped, untouched`).to.deep.equal(
        b.mags,
      );
      expect(await gateView(f, args.operator, b.asset), `${b.asset}: gate untouched`).to.deep.equal(b.gate);
      continue;
    }
    expect(
      (amount + 1n) * WAD,
      `${b.asset}: amount ${amount} >= f * allocatedStake ${b.allocatedStake} - 1`,
    ).to.be.gte(wadFraction * b.allocatedStake);
    if (wadFraction === WAD)
      expect(amount, `${b.asset}: a 100% request takes the stake the views report`).to.equal(
        b.allocatedStake,
      );
    const t = taken.find((x) => x.asset === b.asset);
    const gate = await gateView(f, args.operator, b.asset);
    if (t === undefined) expect(gate, `${b.asset}: gate untouched`).to.deep.equal(b.gate);
    else
      expect(gate, `${b.asset}: closed by the request`).to.deep.equal({
        reserved: b.gate.reserved + t.magnitude,
        gateAt: gateAtAfter(b.gate, at),
      });
  }
  return { id, at, before, taken, skipped, refusal: null };
}

/* ------------------------------------------------------------------------------------------------------------ */
/* More AVSs of the operator's                                                                                  */
/* ------------------------------------------------------------------------------------------------------------ */

/**
 * Registers a further AVS of operator1's, `label` naming its (impersonated, funded) account: it is its own slasher
 * and, with `vetoWindow` > 0, its own veto committee; max 100%, slashed funds to operator1; it accepts `assets`
 * (stETH and rETH when omitted). operator1 registers for it.
 */
export async function ownAvs(
  f: SlashingManagerFixture,
  label: string,
  vetoWindow: bigint,
  assets?: string[],
): Promise<HardhatEthersSigner> {
  const address = ethers.getAddress(ethers.id(`attack avs ${label}`).slice(0, 42));
  await setBalance(address, 100n * WAD);
  const avs = await ethers.getImpersonatedSigner(address);
  await (
    await f.sm.connect(avs).registerAVS(`ipfs://${label}`, {
      ...zParams(f, address),
      vetoCommittee: vetoWindow === 0n ? ZERO : address,
      vetoWindow,
      assets: assets ?? [f.stETHAddress, f.rETHAddress],
    })
  ).wait();
  await (await f.sm.connect(f.operator1).registerOperatorToAVS(address, "0x")).wait();
  return avs;
}
