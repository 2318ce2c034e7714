/**
 * Helpers of test/attacks/DeallocationGate.test.ts (the review of issue #9's two SlashingManager rule changes: the
 * deallocation delay of max(withdrawalDelay, 6 days - 1 s) + GATE_CYCLE, and maxSlashable = 0 exactly when a request
 * now would skip the asset).
 *
 *   - `viewsAt`: allocatedStake and maxSlashable as a request mined at second `at` would see them (read on the pending
 *     block, whose timestamp is pinned to `at`), so that "just before the request" means the same second and state;
 *   - `claimAt`: reads those views, then makes the request at exactly `at` (or, when a static call of it reverts, mines
 *     an empty block at `at` and records the custom error), and checks the review's High property on it, per asset:
 *     maxSlashable > 0 just before => the request takes at least f * allocatedStake - 1 wei
 *     ((amount + 1) * 1e18 > f * stake); maxSlashable == 0 => the request takes nothing of the asset.
 *   - `dustEpoch`: the operator's own AVS starts a pool epoch with a 1-wei-fraction request and (optionally) cancels it
 *     in the same block, so that the pool is open but the gate runs.
 */
import { expect } from "chai";
import { mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  EVIDENCE,
  MAX_VETO_WINDOW,
  WAD,
  allocateInForce,
  deposit,
  expectMinedOk,
  inOneBlock,
  ownAvs,
  takenBy,
  worldFixture,
  type Send,
  type Taken,
  type WorldFixture,
} from "./attackHelpersA";
import type { SlashingManagerFixture } from "../helpers/slashingFixtures";

/** One asset's views as a request at `at` would see them. */
export interface AssetViews {
  asset: string;
  allocatedStake: bigint;
  maxSlashable: bigint;
}

/** Pins the next block at `at` and reads the views of every asset on the pending block (same second, same state). */
export async function viewsAt(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  assets: string[],
  at: bigint,
): Promise<AssetViews[]> {
  await time.setNextBlockTimestamp(at);
  const out: AssetViews[] = [];
  for (const asset of assets) {
    const [allocatedStake, maxSlashable] = await Promise.all([
      f.sm.allocatedStake(operator, avs, asset, { blockTag: "pending" }),
      f.sm.maxSlashable(operator, avs, asset, { blockTag: "pending" }),
    ]);
    out.push({ asset, allocatedStake, maxSlashable });
  }
  return out;
}

/** What `claimAt` saw and did. */
export interface Claim {
  at: bigint;
  views: AssetViews[];
  /** The request's id, 0 if it reverted. */
  id: bigint;
  /** Its custom error when it reverted ("" otherwise), with its arguments. */
  error: string;
  errorArgs: unknown[];
  taken: Taken[];
  /** The amount taken of each asset, in the order of `assets`. */
  amounts: bigint[];
}

/** The custom error name and arguments a failed static call of the SlashingManager carries. */
function decoded(f: SlashingManagerFixture, e: unknown): { name: string; args: unknown[] } {
  const data = (e as { data?: string }).data;
  if (typeof data === "string" && data.length >= 10) {
    const parsed = f.sm.interface.parseError(data);
    if (parsed !== null) return { name: parsed.name, args: [...parsed.args] };
  }
  throw e;
}

/**
 * The request of `slasher` for `avs` on `operator`, fraction `wadFraction`, at exactly `at`, with the views of `assets`
 * read just before it at the same second; asserts the review's High property on every asset and returns what happened.
 */
export async function claimAt(
  f: SlashingManagerFixture,
  args: {
    slasher: HardhatEthersSigner;
    avs: string;
    operator: string;
    wadFraction: bigint;
    assets: string[];
    at: bigint;
  },
): Promise<Claim> {
  const { slasher, avs, operator, wadFraction, assets, at } = args;
  const views = await viewsAt(f, operator, avs, assets, at);
  const sm = f.sm.connect(slasher);
  let [id, error, errorArgs, taken]: [bigint, string, unknown[], Taken[]] = [0n, "", [], []];
  try {
    await sm.requestSlash.staticCall(avs, operator, wadFraction, EVIDENCE, { blockTag: "pending" });
  } catch (e) {
    ({ name: error, args: errorArgs } = decoded(f, e));
  }
  if (error === "") {
    const receipt = await (await sm.requestSlash(avs, operator, wadFraction, EVIDENCE)).wait();
    if (receipt === null) throw new Error("no receipt");
    expect(BigInt((await receipt.getBlock()).timestamp), "the request's second").to.equal(at);
    id = await f.sm.slashRequestCount();
    taken = await takenBy(f, id);
  } else {
    await mine();
    expect(BigInt(await time.latest()), "the refused request's second").to.equal(at);
  }
  const amounts = assets.map((a) => taken.find((t) => t.asset === a)?.amount ?? 0n);
  views.forEach((v, i) => {
    const amount = amounts[i];
    const what = `${v.asset} at ${at}: maxSlashable ${v.maxSlashable}, allocatedStake ${v.allocatedStake}, took ${amount}${error === "" ? "" : ` (reverted ${error})`}`;
    if (v.maxSlashable > 0n)
      expect((amount + 1n) * WAD, `${what}: takes at least f * allocatedStake - 1 wei`).to.be.gt(
        wadFraction * v.allocatedStake,
      );
    else expect(amount, `${what}: maxSlashable 0, so the request skips the asset`).to.equal(0n);
  });
  return { at, views, id, error, errorArgs, taken, amounts };
}

/**
 * At exactly `at`, `avs` (an AVS of the operator's that is its own slasher and holds an allocation in the pool) starts
 * an epoch with a request for a 1-wei fraction; with `cancel`, it cancels the request in the same block (the pool is
 * open again at once, but the gate runs from `at`). Returns the request's id.
 */
export async function dustEpoch(
  f: SlashingManagerFixture,
  avs: HardhatEthersSigner,
  operator: string,
  at: bigint,
  cancel: boolean,
): Promise<bigint> {
  const id = (await f.sm.slashRequestCount()) + 1n;
  const sends: Send[] = [(o) => f.sm.connect(avs).requestSlash(avs.address, operator, 1n, EVIDENCE, o)];
  if (cancel) sends.push((o) => f.sm.connect(avs).cancelSlash(id, o));
  const { receipts, timestamp } = await inOneBlock(sends, at);
  receipts.forEach((r, i) => expectMinedOk(r, `the operator's dust transaction ${i}`));
  expect(timestamp).to.equal(at);
  return id;
}

/* The gate world (DeallocationGate.test.ts, ExitGate.test.ts) */

export interface GateWorld extends WorldFixture {
  /** operator1's AVS with its own committee and the longest veto window. */
  z3: HardhatEthersSigner;
  /** operator1's AVS without committee. */
  z4: HardhatEthersSigner;
}

/**
 * operator1's pools: stETH 300 (alice 100, bob 200), rETH 100 (alice); the default withdrawal delay (7 days). In force:
 * Y 50% of stETH (and 50% of rETH when `yInRETH`), X 20% of stETH, Z 10% of stETH, Z2 10% of rETH, Z3 5% of stETH,
 * Z4 5% of stETH (10% of stETH unallocated). `label` names the operator's own AVS accounts (one set per test file).
 */
export async function gateWorld(label: string, yInRETH: boolean): Promise<GateWorld> {
  const f = await worldFixture();
  const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
  await deposit(f, f.alice, stETH, 100n * WAD);
  await deposit(f, f.bob, stETH, 200n * WAD);
  await deposit(f, f.alice, rETH, 100n * WAD);
  const z3 = await ownAvs(f, `${label}-Z3`, MAX_VETO_WINDOW);
  const z4 = await ownAvs(f, `${label}-Z4`, 0n);
  await allocateInForce(f, f.operator1, [
    [f.avs2.address, stETH, WAD / 2n],
    ...(yInRETH ? [[f.avs2.address, rETH, WAD / 2n] as [string, string, bigint]] : []),
    [f.avs.address, stETH, WAD / 5n],
    [f.zAvs.address, stETH, WAD / 10n],
    [f.z2Avs.address, rETH, WAD / 10n],
    [z3.address, stETH, WAD / 20n],
    [z4.address, stETH, WAD / 20n],
  ]);
  return { ...f, z3, z4 };
}
