/**
 * Fixtures, an independent BigInt model of the slashing math, and invariant checks for the SlashingManager suites
 * (test/core/SlashingManager.test.ts and test/core/SlashingScenario.test.ts).
 *
 * Fixtures (each calls the previous one directly; only `loadFixture` caches):
 *   slashingManagerFixture  stakingFixture (vault, registry, stETH/rETH/cbETH, funded stakers, operator1) + the real
 *                           SlashingManager proxy of `deployCore`, operator2 registered without an approver, a
 *                           BlocklistERC20 listed as the fourth vault asset, and a MockAVSRegistrar. No AVS.
 *   stakedFixture           + AVS X (`avs`: slasher, veto committee, 1-day window, max 1/2, burns, stETH + rETH) and
 *                           AVS Y (`avs2`: slasher2, no committee, max 1, redistributes to `recipient`, stETH);
 *                           operator1 registered for X and Y, operator2 for X; the deposits of STAKES and the
 *                           allocations of ALLOCATIONS, in force (the default allocation delay has passed).
 *
 * The model (DESIGN.md "AVSs, allocations and slashing"): per operator and asset, maxMagnitude = 1e18 - lost; a
 * request of fraction f takes s = floor(a_X * f / 1e18) from a_X and reserves
 * amount = floor(net * s / (maxMagnitude - reservedBefore)) of the pool, net = totalAssets - pendingSlash. A pending
 * deallocation d of the allocation shrinks with it to floor(d * (a_X - s) / a_X); the request records the cut
 * (d minus that) and a veto or cancel gives it back. While a request is pending, its pool takes no new shares
 * (PoolSlashPending): entering at the net price and then sharing a veto's returned value would pay the entrant for a
 * risk it never bore.
 * The functions below compute these from their inputs only, never from a contract call.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, Signer } from "ethers";

import {
  BlocklistERC20__factory,
  MockAVSRegistrar__factory,
  SlashingManager__factory,
  type BlocklistERC20,
  type MockAVSRegistrar,
  type SlashingManager,
} from "../../typechain-types";
import type { ISlashingManagerTypes } from "../../typechain-types/contracts/core/SlashingManager";
import { ASSET_CAP, DAY, STAKER_FUNDS, WAD, stakingFixture, type StakingFixture } from "./fixtures";
import { InvariantChecker, type BalanceReader } from "./invariants";
import { NO_SIGNATURE, ZERO_SALT } from "./signatures";
import { toAssetsDown } from "./sharesMath";

/** ISlashingManagerTypes.AVSParamsStruct with concrete types. */
export interface AVSParams extends ISlashingManagerTypes.AVSParamsStruct {
  slasher: string;
  vetoCommittee: string;
  vetoWindow: bigint;
  maxSlashWad: bigint;
  recipient: string;
  registrar: string;
  assets: string[];
}

export const ZERO = ethers.ZeroAddress;
export const BURN_ADDRESS = "0x000000000000000000000000000000000000dEaD";
export const MAX_VETO_WINDOW = 2n * DAY - 1n;
export const EXECUTION_WINDOW = DAY;
export const DEFAULT_ALLOCATION_DELAY = DAY;
export const MAX_ALLOCATION_DELAY = 30n * DAY;
export const REGISTRAR_GAS_LIMIT = 200_000n;
/** The gas deregistration demands when the AVS has a registrar: the budget plus the 1/64 rule plus 10,000. */
export const DEREGISTRATION_GAS_NEEDED = (REGISTRAR_GAS_LIMIT * 64n) / 63n + 10_000n;
/** SlashingManager pause groups (bit positions). */
export const SM_GROUP = { AVS: 0n, ALLOCATIONS: 1n, SLASHING: 2n } as const;
/** ISlashingManagerTypes.SlashStatus. */
export const STATUS = {
  None: 0n,
  Pending: 1n,
  Executed: 2n,
  Vetoed: 3n,
  Cancelled: 4n,
  FundsReleased: 5n,
} as const;
/** MockAVSRegistrar.Mode. */
export const REGISTRAR_MODE = {
  Accept: 0n,
  RevertOnRegister: 1n,
  RevertOnDeregister: 2n,
  BurnGasOnDeregister: 3n,
  RevertHugeDataOnDeregister: 4n,
  ReturnHugeDataOnDeregister: 5n,
} as const;

/** AVS X's veto window and maximum fraction per request. */
export const AVS_VETO_WINDOW = DAY;
export const AVS_MAX_SLASH = WAD / 2n;
/** AVS Y's maximum fraction per request (no veto committee). */
export const AVS2_MAX_SLASH = WAD;

/** Deposits of stakedFixture, in wei. alice and bob are delegated to operator1; carol stays undelegated. */
export const STAKES = {
  aliceStETH: 100n * WAD,
  aliceRETH: 50n * WAD,
  bobStETH: 200n * WAD,
  bobRETH: 30n * WAD,
  carolStETH: 70n * WAD,
  operator2StETH: 150n * WAD,
} as const;
/** Pool totals that follow from STAKES. */
export const OP1_STETH = STAKES.aliceStETH + STAKES.bobStETH;
export const OP1_RETH = STAKES.aliceRETH + STAKES.bobRETH;

/** Allocations (WAD magnitudes) of stakedFixture. */
export const ALLOCATIONS = {
  op1AvsStETH: (4n * WAD) / 10n,
  op1AvsRETH: WAD / 2n,
  op1Avs2StETH: (3n * WAD) / 10n,
  op2AvsStETH: (6n * WAD) / 10n,
} as const;

/* ------------------------------------------------------------------------------------------------------------ */
/* The model                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

/** Magnitude a request of `wadFraction` takes from allocation `current`: floor(current * f / 1e18). */
export function slashMagnitude(current: bigint, wadFraction: bigint): bigint {
  return (current * wadFraction) / WAD;
}

/** Assets a request taking `s` reserves: floor(net * s / (maxMagnitude - reservedBefore)). */
export function reservedAmount(net: bigint, s: bigint, maxMagnitude: bigint, reservedBefore: bigint): bigint {
  return (net * s) / (maxMagnitude - reservedBefore);
}

/** Tokens allocated to an AVS: floor(net * a / (maxMagnitude - reserved)), 0 when a = 0. */
export function allocatedStakeOf(
  net: bigint,
  current: bigint,
  maxMagnitude: bigint,
  reserved: bigint,
): bigint {
  if (current === 0n) return 0n;
  return (net * current) / (maxMagnitude - reserved);
}

/** A pending decrease after a request takes `s` from `current`: floor(pendingDelta * (current - s) / current). */
export function scaledPendingDecrease(pendingDelta: bigint, current: bigint, s: bigint): bigint {
  return (pendingDelta * (current - s)) / current;
}

/** What a request taking `s` from `current` cuts off a pending decrease: pendingDelta minus its scaled value. */
export function deallocationCut(pendingDelta: bigint, current: bigint, s: bigint): bigint {
  return pendingDelta - scaledPendingDecrease(pendingDelta, current, s);
}

/** Isolation (invariant 5): |after - before| * 1e18 <= before, i.e. within 1 wei per 1e18. */
export function expectIsolated(before: bigint, after: bigint, what: string): void {
  const diff = after > before ? after - before : before - after;
  expect(diff * WAD, `inv 5: ${what} moved from ${before} to ${after}`).to.be.lte(before);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Fixtures                                                                                                     */
/* ------------------------------------------------------------------------------------------------------------ */

export interface SlashingManagerFixture extends StakingFixture {
  sm: SlashingManager;
  smAddress: string;
  stETHAddress: string;
  rETHAddress: string;
  cbETHAddress: string;
  /** AVS X's admin account (the AVS address). */
  avs: HardhatEthersSigner;
  /** AVS Y's admin account. */
  avs2: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  slasher2: HardhatEthersSigner;
  committee: HardhatEthersSigner;
  recipient: HardhatEthersSigner;
  recipient2: HardhatEthersSigner;
  /** A vault asset whose owner (admin) can blocklist accounts; funded and approved for alice, bob, operator1. */
  blockToken: BlocklistERC20;
  blockTokenAddress: string;
  registrar: MockAVSRegistrar;
  registrarAddress: string;
}

export type StakedFixture = SlashingManagerFixture;

/** AVS X's parameters, with `overrides`. */
export function avsParams(f: SlashingManagerFixture, overrides: Partial<AVSParams> = {}): AVSParams {
  return {
    slasher: f.slasher.address,
    vetoCommittee: f.committee.address,
    vetoWindow: AVS_VETO_WINDOW,
    maxSlashWad: AVS_MAX_SLASH,
    recipient: ZERO,
    registrar: ZERO,
    assets: [f.stETHAddress, f.rETHAddress],
    ...overrides,
  };
}

/** AVS Y's parameters, with `overrides`. */
export function avs2Params(f: SlashingManagerFixture, overrides: Partial<AVSParams> = {}): AVSParams {
  return {
    slasher: f.slasher2.address,
    vetoCommittee: ZERO,
    vetoWindow: 0n,
    maxSlashWad: AVS2_MAX_SLASH,
    recipient: f.recipient.address,
    registrar: ZERO,
    assets: [f.stETHAddress],
    ...overrides,
  };
}

/** The bitmap of vault asset indexes the contract stores for an asset list (index = listing order). */
export function assetMask(f: SlashingManagerFixture, assets: string[]): bigint {
  const order = [f.stETHAddress, f.rETHAddress, f.cbETHAddress, f.blockTokenAddress];
  return assets.reduce((mask, a) => {
    const i = order.indexOf(a);
    if (i < 0) throw new Error(`not a fixture asset: ${a}`);
    return mask | (1n << BigInt(i));
  }, 0n);
}

/** The stakingFixture world plus the real SlashingManager, operator2, a blocklist token and a registrar. */
export async function slashingManagerFixture(): Promise<SlashingManagerFixture> {
  const f = await stakingFixture();
  const signers = await ethers.getSigners();
  const [avs, avs2, slasher, slasher2, committee, recipient, recipient2] = signers.slice(11, 18);
  const sm = SlashingManager__factory.connect(f.addresses.slashingManager, f.admin);
  const [stETHAddress, rETHAddress, cbETHAddress] = f.assetAddresses;

  await (await f.registry.connect(f.operator2).registerAsOperator("ipfs://operator-2", 500, ZERO)).wait();

  const blockToken = await new BlocklistERC20__factory(f.admin).deploy(
    "Blocklist USD",
    "BUSD",
    f.admin.address,
  );
  await blockToken.waitForDeployment();
  const blockTokenAddress = await blockToken.getAddress();
  await (await f.vault.addAsset(blockTokenAddress, ASSET_CAP)).wait();
  for (const account of [f.alice, f.bob, f.operator1]) {
    await (await blockToken.mint(account.address, STAKER_FUNDS)).wait();
    await (await blockToken.connect(account).approve(f.vaultAddress, ethers.MaxUint256)).wait();
  }

  const registrar = await new MockAVSRegistrar__factory(f.admin).deploy();
  await registrar.waitForDeployment();

  return {
    ...f,
    sm,
    smAddress: f.addresses.slashingManager,
    stETHAddress,
    rETHAddress,
    cbETHAddress,
    avs,
    avs2,
    slasher,
    slasher2,
    committee,
    recipient,
    recipient2,
    blockToken,
    blockTokenAddress,
    registrar,
    registrarAddress: await registrar.getAddress(),
  };
}

/** slashingManagerFixture + AVSs X and Y, registrations, STAKES and ALLOCATIONS in force. */
export async function stakedFixture(): Promise<StakedFixture> {
  const f = await slashingManagerFixture();
  const { sm, vault, registry, stETHAddress: stETH, rETHAddress: rETH } = f;
  await (await sm.connect(f.avs).registerAVS("ipfs://avs-x", avsParams(f))).wait();
  await (await sm.connect(f.avs2).registerAVS("ipfs://avs-y", avs2Params(f))).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.avs2.address, "0x")).wait();
  await (await sm.connect(f.operator2).registerOperatorToAVS(f.avs.address, "0x")).wait();

  for (const staker of [f.alice, f.bob]) {
    await (await registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  await (await vault.connect(f.alice).deposit(stETH, STAKES.aliceStETH, 0n)).wait();
  await (await vault.connect(f.alice).deposit(rETH, STAKES.aliceRETH, 0n)).wait();
  await (await vault.connect(f.bob).deposit(stETH, STAKES.bobStETH, 0n)).wait();
  await (await vault.connect(f.bob).deposit(rETH, STAKES.bobRETH, 0n)).wait();
  await (await vault.connect(f.carol).deposit(stETH, STAKES.carolStETH, 0n)).wait();
  await (await vault.connect(f.operator2).deposit(stETH, STAKES.operator2StETH, 0n)).wait();

  await (
    await sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, ALLOCATIONS.op1AvsStETH)
  ).wait();
  await (await sm.connect(f.operator1).modifyAllocation(f.avs.address, rETH, ALLOCATIONS.op1AvsRETH)).wait();
  await (
    await sm.connect(f.operator1).modifyAllocation(f.avs2.address, stETH, ALLOCATIONS.op1Avs2StETH)
  ).wait();
  await (
    await sm.connect(f.operator2).modifyAllocation(f.avs.address, stETH, ALLOCATIONS.op2AvsStETH)
  ).wait();
  await time.increase(DEFAULT_ALLOCATION_DELAY);
  return f;
}

/** The deposits stakedFixture made, for an InvariantChecker's ledger. */
export function stakedDeposits(f: StakedFixture): Array<[string, string, bigint]> {
  return [
    [f.alice.address, f.stETHAddress, STAKES.aliceStETH],
    [f.alice.address, f.rETHAddress, STAKES.aliceRETH],
    [f.bob.address, f.stETHAddress, STAKES.bobStETH],
    [f.bob.address, f.rETHAddress, STAKES.bobRETH],
    [f.carol.address, f.stETHAddress, STAKES.carolStETH],
    [f.operator2.address, f.stETHAddress, STAKES.operator2StETH],
  ];
}

/**
 * The AVSConfig the contract stores for `p`, as an array in struct order
 * (slasher, maxSlashWad, vetoWindow, vetoCommittee, assetMask, id, recipient, registrar, registered).
 */
export function expectedConfig(f: SlashingManagerFixture, p: AVSParams, id: bigint): unknown[] {
  return [
    p.slasher,
    p.maxSlashWad,
    p.vetoWindow,
    p.vetoCommittee,
    assetMask(f, p.assets),
    id,
    p.recipient,
    p.registrar,
    true,
  ];
}

/** An all-zero AVSConfig. */
export const EMPTY_CONFIG: unknown[] = [ZERO, 0n, 0n, ZERO, 0n, 0n, ZERO, ZERO, false];

/** A deterministic funded wallet (not one of the default signers). */
export async function fundedWallet(label: string): Promise<Signer & { address: string }> {
  const wallet = new ethers.Wallet(ethers.id(`slashing-suite:${label}`), ethers.provider);
  await setBalance(wallet.address, 10n ** 20n);
  return wallet;
}

/** Sets the next block's timestamp to `latest + offset` and returns it. */
export async function nextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Invariants                                                                                                   */
/* ------------------------------------------------------------------------------------------------------------ */

/** A pool as the vault reports it. */
export interface PoolState {
  totalAssets: bigint;
  totalShares: bigint;
  queuedShares: bigint;
  pendingSlash: bigint;
}

export async function poolOf(f: SlashingManagerFixture, operator: string, asset: string): Promise<PoolState> {
  const p = await f.vault.pool(operator, asset);
  return {
    totalAssets: p.totalAssets,
    totalShares: p.totalShares,
    queuedShares: p.queuedShares,
    pendingSlash: p.pendingSlash,
  };
}

/** Magnitudes of `operator` in `asset` as plain numbers. */
export interface MagnitudeState {
  lost: bigint;
  encumbered: bigint;
  reserved: bigint;
  maxMagnitude: bigint;
}

export async function magnitudesOf(
  f: SlashingManagerFixture,
  operator: string,
  asset: string,
): Promise<MagnitudeState> {
  const [m, maxMagnitude] = await f.sm.magnitudes(operator, asset);
  return { lost: m.lost, encumbered: m.encumbered, reserved: m.reserved, maxMagnitude };
}

export interface AllocationState {
  current: bigint;
  pendingDelta: bigint;
  pendingIncrease: boolean;
  effectAt: bigint;
}

export async function allocationOf(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  asset: string,
): Promise<AllocationState> {
  const a = await f.sm.allocation(operator, avs, asset);
  return {
    current: a.current,
    pendingDelta: a.pendingDelta,
    pendingIncrease: a.pendingIncrease,
    effectAt: a.effectAt,
  };
}

/** An allocation whose allocated stake must not move when another AVS slashes (invariant 5). */
export interface Watched {
  operator: string;
  avs: string;
  asset: string;
}

/** A pool that a request must not touch (invariant 4). */
export interface PoolRef {
  operator: string;
  asset: string;
}

/** What one request reserves in one asset, as slashRequest(id) reports it. */
export interface SlashedAssetState {
  asset: string;
  magnitude: bigint;
  /** How much the request shrank a pending deallocation of the allocation (given back on a veto or cancel). */
  deallocationCut: bigint;
  amount: bigint;
}

export async function slashedAssetsOf(f: SlashingManagerFixture, id: bigint): Promise<SlashedAssetState[]> {
  const [, , assets, slashed] = await f.sm.slashRequest(id);
  return slashed.map((s, i) => ({
    asset: assets[i],
    magnitude: s.magnitude,
    deallocationCut: s.deallocationCut,
    amount: s.amount,
  }));
}

/** What the model says a request reserves in one pool. */
export interface Reservation {
  operator: string;
  asset: string;
  amount: bigint;
}

/**
 * The scenario world: tracks every deposit, withdrawal and slash request so that the DESIGN.md invariants can be
 * checked after every step. Create one per test (never inside a fixture: loadFixture returns the same object).
 *
 * `check()` asserts:
 *   1. (InvariantChecker) vault balance >= sum of pools' totalAssets per asset (== without donations), and
 *      totalDeposited == that sum; pendingSlash <= totalAssets.
 *   2. (InvariantChecker) stakers' shares + queued withdrawal shares == totalShares per pool.
 *   3. (InvariantChecker) nobody withdrew or holds more than it deposited.
 *   6. every queued withdrawal is worth its shares at the pool's rate net of pending slashes (it bears every executed
 *      and every pending request), computed here with the BigInt share math.
 *   Escrow: the SlashingManager holds exactly the amounts of executed, unreleased requests.
 *   Reservations: every pool's pendingSlash is the sum of the model amounts of the tracked requests still pending.
 */
export class SlashingWorld {
  readonly f: SlashingManagerFixture;
  readonly checker: InvariantChecker;
  private readonly tokens: BalanceReader[];
  /** Tracked requests and the model's reservations of each. */
  private readonly requests = new Map<bigint, Reservation[]>();
  /** How many times `check()` ran. */
  checks = 0;

  constructor(f: SlashingManagerFixture, deposits: Array<[string, string, bigint]> = []) {
    this.f = f;
    this.tokens = [...f.tokens, f.blockToken];
    this.checker = new InvariantChecker(f.vault, this.tokens, [], [f.operator1.address, f.operator2.address]);
    for (const [staker, asset, amount] of deposits) this.checker.recordDeposit(staker, asset, amount);
  }

  /**
   * Deposits `amount` of `asset` for `staker` and records it (measured from the staker's balance). The staker's pool
   * must be open: a deposit into a pool with a pending reservation reverts, which a scenario expects with
   * `depositRefused` instead.
   */
  async deposit(staker: Signer & { address: string }, asset: string, amount: bigint): Promise<bigint> {
    const operator = await this.f.vault.delegatedTo(staker.address);
    if (operator !== ZERO && (await this.expectedPendingSlash(operator, asset)) !== 0n) {
      throw new Error(`model: pool (${operator}, ${asset}) has a pending reservation; use depositRefused`);
    }
    const token = this.tokenAt(asset);
    const before = await token.balanceOf(staker.address);
    const [, sharesBefore] = await this.f.vault.position(staker.address, asset);
    await (await this.f.vault.connect(staker).deposit(asset, amount, 0n)).wait();
    this.checker.recordDeposit(staker.address, asset, before - (await token.balanceOf(staker.address)));
    const [, sharesAfter] = await this.f.vault.position(staker.address, asset);
    return sharesAfter - sharesBefore;
  }

  /** Queues a withdrawal of `shares` and tracks it; returns its id. */
  async queue(staker: Signer & { address: string }, asset: string, shares: bigint): Promise<bigint> {
    const nonce = (await this.f.vault.stakerInfo(staker.address)).withdrawalNonce;
    await (await this.f.vault.connect(staker).queueWithdrawal(asset, shares)).wait();
    const id = (BigInt(staker.address) << 96n) | nonce;
    this.checker.addWithdrawals([id]);
    return id;
  }

  /** Completes withdrawal `id` as tokens; returns what the staker received. */
  async complete(staker: Signer & { address: string }, id: bigint): Promise<bigint> {
    const [, , asset] = await this.f.vault.withdrawal(id);
    const token = this.tokenAt(asset);
    const before = await token.balanceOf(staker.address);
    await (await this.f.vault.connect(staker).completeWithdrawal(id, true)).wait();
    const received = (await token.balanceOf(staker.address)) - before;
    this.checker.removeWithdrawal(id);
    this.checker.recordWithdrawal(staker.address, asset, received);
    return received;
  }

  /** Tracks request `id` and what the model says it reserves, for the escrow and reservation checks. */
  trackRequest(id: bigint, reservations: Reservation[]): void {
    if (this.requests.has(id)) throw new Error(`request ${id} tracked twice`);
    this.requests.set(id, reservations);
  }

  /** The model's pendingSlash of pool (operator, asset): the reservations of the tracked requests still pending. */
  async expectedPendingSlash(operator: string, asset: string): Promise<bigint> {
    let sum = 0n;
    for (const [id, reservations] of this.requests) {
      const [request] = await this.f.sm.slashRequest(id);
      if (request.status !== STATUS.Pending) continue;
      for (const r of reservations) if (r.operator === operator && r.asset === asset) sum += r.amount;
    }
    return sum;
  }

  /**
   * An entry into pool (operator, asset) while the model has a reservation pending there: `send` must revert
   * PoolSlashPending(operator, asset, the model's pending amount) and change neither the pool nor the vault's balance.
   * Returns the pending amount.
   */
  async expectEntryRefused(
    operator: string,
    asset: string,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<bigint> {
    const pending = await this.expectedPendingSlash(operator, asset);
    expect(pending, "the model must expect a pending reservation").to.not.equal(0n);
    const token = this.tokenAt(asset);
    const [pool, balance] = [
      await poolOf(this.f, operator, asset),
      await token.balanceOf(this.f.vaultAddress),
    ];
    await expect(send())
      .to.be.revertedWithCustomError(this.f.vault, "PoolSlashPending")
      .withArgs(operator, asset, pending);
    expect(await poolOf(this.f, operator, asset), "a refused entry changes no pool").to.deep.equal(pool);
    expect(await token.balanceOf(this.f.vaultAddress), "a refused entry moves no token").to.equal(balance);
    return pending;
  }

  /** A deposit of `staker` (delegated to `operator`) into a pool with a pending reservation: refused. */
  async depositRefused(
    staker: Signer & { address: string },
    operator: string,
    asset: string,
    amount: bigint,
  ): Promise<bigint> {
    const before = await this.tokenAt(asset).balanceOf(staker.address);
    const pending = await this.expectEntryRefused(operator, asset, () =>
      this.f.vault.connect(staker).deposit(asset, amount, 0n),
    );
    expect(await this.tokenAt(asset).balanceOf(staker.address)).to.equal(before);
    return pending;
  }

  private tokenAt(asset: string): StakingFixture["stETH"] | BlocklistERC20 {
    const all = [...this.f.tokens, this.f.blockToken];
    const addresses = [...this.f.assetAddresses, this.f.blockTokenAddress];
    const i = addresses.indexOf(asset);
    if (i < 0) throw new Error(`unknown asset ${asset}`);
    return all[i];
  }

  /**
   * Requests a slash and checks invariant 4 (bounded: s = floor(a_X * f) <= f_max * a_X in magnitude; amount equals the
   * model and never exceeds allocatedStake * f_max in tokens; `untouched` pools are identical) and invariant 5 (every
   * `watched` allocation keeps its allocated stake to within 1 wei per 1e18). Returns the id and what it reserved.
   */
  async requestChecked(args: {
    avs: string;
    slasher: Signer;
    operator: string;
    wadFraction: bigint;
    assets: string[];
    watched?: Watched[];
    untouched?: PoolRef[];
  }): Promise<{ id: bigint; slashed: SlashedAssetState[] }> {
    const { f } = this;
    const maxSlashWad = (await f.sm.avsConfig(args.avs)).maxSlashWad;
    const before = await Promise.all(
      args.assets.map(async (asset) => ({
        asset,
        allocation: await allocationOf(f, args.operator, args.avs, asset),
        mags: await magnitudesOf(f, args.operator, asset),
        pool: await poolOf(f, args.operator, asset),
        maxSlashable: await f.sm.maxSlashable(args.operator, args.avs, asset),
      })),
    );
    const watchedBefore = await this.readWatched(args.watched ?? []);
    const untouchedBefore = await this.readPools(args.untouched ?? []);

    await (
      await f.sm
        .connect(args.slasher)
        .requestSlash(args.avs, args.operator, args.wadFraction, ethers.id("evidence"))
    ).wait();
    const id = await f.sm.slashRequestCount();
    const slashed = await slashedAssetsOf(f, id);
    const reservations: Reservation[] = [];

    const expectedAssets = before.filter(
      (b) => slashMagnitude(b.allocation.current, args.wadFraction) !== 0n,
    );
    expect(
      slashed.map((s) => s.asset),
      "assets the request takes",
    ).to.deep.equal(expectedAssets.map((b) => b.asset));
    for (const b of expectedAssets) {
      const taken = slashed.find((s) => s.asset === b.asset);
      if (taken === undefined) throw new Error("unreachable");
      const a = b.allocation.current;
      const net = b.pool.totalAssets - b.pool.pendingSlash;
      const s = slashMagnitude(a, args.wadFraction);
      const amount = reservedAmount(net, s, b.mags.maxMagnitude, b.mags.reserved);
      reservations.push({ operator: args.operator, asset: b.asset, amount });
      const decreasing = b.allocation.effectAt !== 0n && !b.allocation.pendingIncrease;
      const cut = decreasing ? deallocationCut(b.allocation.pendingDelta, a, s) : 0n;
      expect(taken.magnitude, `magnitude taken in ${b.asset}`).to.equal(s);
      expect(taken.deallocationCut, `deallocation cut in ${b.asset}`).to.equal(cut);
      expect(taken.amount, `amount reserved in ${b.asset}`).to.equal(amount);
      // Invariant 4, in magnitude and in tokens (exact rational bound: amount <= net * a / free * f_max).
      expect(taken.magnitude * WAD, "inv 4: magnitude <= f_max * a_X").to.be.lte(maxSlashWad * a);
      expect(
        taken.amount * (b.mags.maxMagnitude - b.mags.reserved) * WAD,
        "inv 4: amount <= stake * f_max",
      ).to.be.lte(net * a * maxSlashWad);
      expect(taken.amount, "inv 4: amount <= maxSlashable (view, 1 wei of rounding)").to.be.lte(
        b.maxSlashable + 1n,
      );
      const pool = await poolOf(f, args.operator, b.asset);
      expect(pool.totalAssets, "a request moves no token").to.equal(b.pool.totalAssets);
      expect(pool.pendingSlash, "pendingSlash grows by the amount").to.equal(b.pool.pendingSlash + amount);
      const mags = await magnitudesOf(f, args.operator, b.asset);
      expect(mags, "magnitudes after the request").to.deep.equal({
        ...b.mags,
        reserved: b.mags.reserved + s,
      });
      const allocation = await allocationOf(f, args.operator, args.avs, b.asset);
      expect(allocation, "allocation after the request").to.deep.equal({
        ...b.allocation,
        current: a - s,
        pendingDelta: b.allocation.pendingDelta - cut,
      });
    }
    this.trackRequest(id, reservations);
    await this.expectWatchedIsolated(watchedBefore, "request");
    await this.expectPoolsUnchanged(untouchedBefore, "request");
    return { id, slashed };
  }

  /**
   * Executes request `id` and checks that exactly the reserved amounts moved from the pools to the escrow, that the
   * magnitudes moved from reserved to lost, and invariants 4 (`untouched` pools identical) and 5 (`watched`).
   */
  async executeChecked(
    id: bigint,
    executor: Signer,
    opts: { watched?: Watched[]; untouched?: PoolRef[] } = {},
  ): Promise<void> {
    const { f } = this;
    const [request] = await f.sm.slashRequest(id);
    const slashed = await slashedAssetsOf(f, id);
    const before = await Promise.all(
      slashed.map(async (s) => ({
        ...s,
        pool: await poolOf(f, request.operator, s.asset),
        mags: await magnitudesOf(f, request.operator, s.asset),
        vaultBalance: await this.tokenAt(s.asset).balanceOf(f.vaultAddress),
        escrow: await this.tokenAt(s.asset).balanceOf(f.smAddress),
      })),
    );
    const watchedBefore = await this.readWatched(opts.watched ?? []);
    const untouchedBefore = await this.readPools(opts.untouched ?? []);

    await (await f.sm.connect(executor).executeSlash(id)).wait();

    expect((await f.sm.slashRequest(id))[0].status, "status").to.equal(STATUS.Executed);
    for (const b of before) {
      const pool = await poolOf(f, request.operator, b.asset);
      expect(pool, `pool after execution in ${b.asset}`).to.deep.equal({
        ...b.pool,
        totalAssets: b.pool.totalAssets - b.amount,
        pendingSlash: b.pool.pendingSlash - b.amount,
      });
      expect(await magnitudesOf(f, request.operator, b.asset), "magnitudes after execution").to.deep.equal({
        lost: b.mags.lost + b.magnitude,
        encumbered: b.mags.encumbered - b.magnitude,
        reserved: b.mags.reserved - b.magnitude,
        maxMagnitude: b.mags.maxMagnitude - b.magnitude,
      });
      const token = this.tokenAt(b.asset);
      expect(await token.balanceOf(f.vaultAddress), "vault balance").to.equal(b.vaultBalance - b.amount);
      expect(await token.balanceOf(f.smAddress), "escrow balance").to.equal(b.escrow + b.amount);
    }
    await this.expectWatchedIsolated(watchedBefore, "execution");
    await this.expectPoolsUnchanged(untouchedBefore, "execution");
  }

  private async readWatched(watched: Watched[]): Promise<Array<Watched & { stake: bigint }>> {
    return Promise.all(
      watched.map(async (w) => ({ ...w, stake: await this.f.sm.allocatedStake(w.operator, w.avs, w.asset) })),
    );
  }

  private async expectWatchedIsolated(
    before: Array<Watched & { stake: bigint }>,
    step: string,
  ): Promise<void> {
    for (const w of before) {
      expect(w.stake, "a watched allocation must hold stake, or isolation is vacuous").to.be.gt(0n);
      const after = await this.f.sm.allocatedStake(w.operator, w.avs, w.asset);
      expectIsolated(w.stake, after, `allocated stake of ${w.avs} after another AVS's ${step}`);
    }
  }

  private async readPools(refs: PoolRef[]): Promise<Array<PoolRef & { pool: PoolState }>> {
    return Promise.all(refs.map(async (r) => ({ ...r, pool: await poolOf(this.f, r.operator, r.asset) })));
  }

  private async expectPoolsUnchanged(
    before: Array<PoolRef & { pool: PoolState }>,
    step: string,
  ): Promise<void> {
    for (const r of before) {
      expect(
        await poolOf(this.f, r.operator, r.asset),
        `inv 4: pool (${r.operator}, ${r.asset}) after ${step}`,
      ).to.deep.equal(r.pool);
    }
  }

  /** Invariants 1, 2, 3, 6, the escrow balance and the pools' reservations. */
  async check(): Promise<void> {
    await this.checker.checkAll();
    await this.checkWithdrawalsBearSlashes();
    await this.checkEscrow();
    await this.checkReservations();
    this.checks++;
  }

  /** Every pool a tracked request reserved in holds exactly the model's reservations of the pending ones. */
  async checkReservations(): Promise<void> {
    const pools = new Map<string, PoolRef>();
    for (const reservations of this.requests.values()) {
      for (const r of reservations) pools.set(`${r.operator}|${r.asset}`, r);
    }
    for (const r of pools.values()) {
      expect(
        (await poolOf(this.f, r.operator, r.asset)).pendingSlash,
        `pendingSlash of (${r.operator}, ${r.asset})`,
      ).to.equal(await this.expectedPendingSlash(r.operator, r.asset));
    }
  }

  /** Invariant 6: a queued withdrawal is priced on the pool's assets net of pending requests. */
  async checkWithdrawalsBearSlashes(): Promise<void> {
    for (const id of this.checker.pendingWithdrawals()) {
      const [, w, asset] = await this.f.vault.withdrawal(id);
      const p = await poolOf(this.f, w.operator, asset);
      const expected = toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
      const [worth] = await this.f.vault.withdrawableAmount(id);
      expect(worth, `inv 6: withdrawal ${id} priced net of pending slashes`).to.equal(expected);
    }
  }

  /** The SlashingManager's balance of each asset is the sum of the executed, unreleased requests' amounts. */
  async checkEscrow(): Promise<void> {
    const owed = new Map<string, bigint>();
    for (const id of this.requests.keys()) {
      const [request] = await this.f.sm.slashRequest(id);
      if (request.status !== STATUS.Executed) continue;
      for (const s of await slashedAssetsOf(this.f, id))
        owed.set(s.asset, (owed.get(s.asset) ?? 0n) + s.amount);
    }
    for (const token of this.tokens) {
      const asset = await token.getAddress();
      expect(await token.balanceOf(this.f.smAddress), `escrow of ${asset}`).to.equal(owed.get(asset) ?? 0n);
    }
  }
}
