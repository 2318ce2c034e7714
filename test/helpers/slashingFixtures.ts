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
 *                           allocations of ALLOCATIONS, in force (the allocation delay, latestReadyAt() +
 *                           EXIT_BUFFER - now = withdrawal delay + 7 days 7 hours = 14 days 7 hours, has passed). X's SlashTerms are 1
 *                           and Y's are 2.
 *
 * The model (docs/slashing.md "The magnitude model" and "The reservation at request"): per operator and asset,
 * maxMagnitude = 1e18 - lost; a request of fraction f takes s = ceil(a_X * f / 1e18) from a_X (rounded against the
 * operator, so never 0 for a non-zero allocation) and reserves amount = floor(net * s / (maxMagnitude - reservedBefore))
 * of the pool, net = totalAssets - pendingSlash. An asset whose amount would be 0 is skipped: no magnitude moves
 * without tokens. A pending deallocation d of the allocation shrinks with it to floor(d * (a_X - s) / a_X); the request
 * records the cut (d minus that) and a veto or cancel gives it back (docs/slashing.md, the restore table: with a change
 * queued since the request, a cancel after expiry deallocates s at once, while a veto or an earlier cancel puts
 * r = s - cut back into the allocation and into the pending change, which keeps its target: a decrease grows by r, an
 * increase shrinks by r or, if r exceeds it, becomes a decrease of the excess with the deallocation delay). A decrease
 * takes effect the deallocation delay after it is queued: max(withdrawal delay, MAX_VETO_WINDOW + EXECUTION_WINDOW +
 * SLASH_COOLDOWN) + GATE_CYCLE (`deallocationDelayFor`; DEALLOCATION_DELAY at the default 7 days). While
 * a request is pending, its pool takes no new shares and pays no exit (PoolSlashPending with the number of pending
 * requests). An execution that leaves maxMagnitude below MIN_MAX_MAGNITUDE marks the operator fully slashed in the
 * asset.
 * The pool gate (docs/slashing.md "Pending requests close the pool"), per operator and asset: requests come in epochs,
 * `gateAt` being the start of the pool's current one (set when a request starts an epoch, never moved when requests
 * resolve). A request that would reserve tokens is accepted if the pool never had one (gateAt 0: it starts an epoch)
 * or within JOIN_WINDOW of the epoch's start (it joins, whether the pool is still closed or already reopened); after
 * that it is refused PoolGated(operator, asset, gateAt + GATE_CYCLE) while the pool is closed (reserved magnitude) or
 * before gateAt + GATE_CYCLE, and otherwise starts a new epoch (gateAt = now). An AVS's next request on an allocation
 * waits for its last one (SlashRequestOpen while that is Pending, SlashCooldown until its executableAt +
 * EXECUTION_WINDOW + SLASH_COOLDOWN). A request skips every asset it cannot take (nothing allocated, worth 0 tokens,
 * open request, cooldown, gated pool) and takes the others; it reverts only if it takes none, with the reason of the
 * first refused asset in vault-index order (worth-0 and unallocated assets give none: NothingToSlash if no asset
 * gave one). The worth-0 check comes before the gate, so a worth-0 asset is never gated. maxSlashable is exactly what
 * a request for the AVS's maximum fraction would take now, floor(net * ceil(a_X * maxSlashWad / 1e18) /
 * (maxMagnitude - reserved)), or 0 while that request would skip an allocated asset for a rule (open request, cooldown,
 * gated pool: `requestSkips`, also for a worth-0 asset).
 * The functions below compute these from their inputs only, never from a contract call.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse, Signer } from "ethers";

import {
  BlocklistERC20__factory,
  MockAVSRegistrar__factory,
  SlashingManager__factory,
  type BlocklistERC20,
  type MockAVSRegistrar,
  type SlashingManager,
} from "../../typechain-types";
import type { ISlashingManagerTypes } from "../../typechain-types/contracts/core/SlashingManager";
import {
  ASSET_CAP,
  DAY,
  HOUR,
  DEFAULT_WITHDRAWAL_DELAY,
  STAKER_FUNDS,
  WAD,
  stakingFixture,
  type StakingFixture,
} from "./fixtures";
import { PAUSE_GROUP, SLASH_STATUS_VALUE, withdrawalId } from "../../sdk/views";
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
/** An AVS's next request on an allocation waits until this long after its last request's expiry. */
export const SLASH_COOLDOWN = 3n * DAY;
/** A request joins its pool's current request epoch only this long after the epoch started (6 hours). */
export const JOIN_WINDOW = 6n * HOUR;
/** The least a pool stays open after an epoch's last request could still be pending (12 hours). */
export const REOPEN_WINDOW = 12n * HOUR;
/**
 * A pool's next request epoch starts this long after the last one started (once none of its requests is pending):
 * JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW + REOPEN_WINDOW = 3 days 18 hours - 1 s.
 */
export const GATE_CYCLE = JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW + REOPEN_WINDOW;
/**
 * How long an AVS that the pool gate held off has to request before a withdrawal held for it completes
 * (RestakingVault.EXIT_MARGIN, 1 hour).
 */
export const EXIT_MARGIN = HOUR;
/**
 * Time a staker has, beyond the latest ready time of the withdrawals queued when a change is announced, to finish an
 * exit before the change can slash it: a withdrawal held by an epoch's gate until GATE_CYCLE + EXIT_MARGIN after its
 * start, then by the next epoch's requests, has that epoch's REOPEN_WINDOW before 2 * GATE_CYCLE - JOIN_WINDOW +
 * EXIT_MARGIN (7 days 7 hours - 2 s) after its ready time; EXIT_BUFFER is that, rounded up to 7 days 7 hours.
 */
export const EXIT_BUFFER = 7n * DAY + 7n * HOUR;
/**
 * When a withdrawal ready at `readyAt` may complete, given its pool's current request epoch start `gateAt` (0: none;
 * RestakingVault._exitOpensAt, docs/slashing.md "Pending requests close the pool"): held until gateAt + GATE_CYCLE +
 * EXIT_MARGIN if it became ready once the epoch's join window had closed, else until gateAt + EXIT_MARGIN.
 */
export function exitOpensAtOf(readyAt: bigint, gateAt: bigint): bigint {
  if (gateAt === 0n) return readyAt;
  const open = gateAt + (readyAt < gateAt + JOIN_WINDOW ? 0n : GATE_CYCLE) + EXIT_MARGIN;
  return open > readyAt ? open : readyAt;
}
/** Below this maximum magnitude an operator is fully slashed in the asset. */
export const MIN_MAX_MAGNITUDE = 10n ** 12n;
/**
 * The vault's latestReadyAt() at time `now`: max(now + withdrawalDelay, exitHorizon), where setWithdrawalDelay
 * records exitHorizon = max(exitHorizon, time of the change + old delay).
 */
export function latestReadyAtOf(now: bigint, withdrawalDelay: bigint, exitHorizon = 0n): bigint {
  const readyNow = now + withdrawalDelay;
  return readyNow > exitHorizon ? readyNow : exitHorizon;
}
/** allocationDelay() at time `now`: latestReadyAt() + EXIT_BUFFER - now. */
export function allocationDelayAt(now: bigint, withdrawalDelay: bigint, exitHorizon = 0n): bigint {
  return latestReadyAtOf(now, withdrawalDelay, exitHorizon) + EXIT_BUFFER - now;
}
/**
 * The allocation delay (and the delay of a loosening AVS change) for a vault withdrawal delay, when no withdrawal
 * queued under a longer delay can still be outstanding (latestReadyAt() = now + withdrawalDelay).
 */
export function allocationDelayFor(withdrawalDelay: bigint): bigint {
  return withdrawalDelay + EXIT_BUFFER;
}
/** allocationDelay() with the default withdrawal delay and no earlier, longer one: 14 days 7 hours. */
export const ALLOCATION_DELAY = allocationDelayFor(DEFAULT_WITHDRAWAL_DELAY);
/**
 * An AVS's longest wait between two requests on an allocation: a request vetoed at the end of the longest veto window,
 * then its expiry (EXECUTION_WINDOW) and SLASH_COOLDOWN: 6 days - 1 s.
 */
export const MAX_REQUEST_INTERVAL = MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN;
/**
 * How long a decrease (modifyAllocation to a lower magnitude, or the decrease a veto or cancel's restore creates) stays
 * slashable after it is queued, for a vault withdrawal delay: max(withdrawalDelay, MAX_REQUEST_INTERVAL) + GATE_CYCLE,
 * so that an AVS deciding to slash within a withdrawal delay of the announcement (or whose cooldown ends then) reaches
 * a join window or an open pool before it matures. At the 4-day minimum: 6 days - 1 s + GATE_CYCLE.
 */
export function deallocationDelayFor(withdrawalDelay: bigint): bigint {
  return (withdrawalDelay > MAX_REQUEST_INTERVAL ? withdrawalDelay : MAX_REQUEST_INTERVAL) + GATE_CYCLE;
}
/** The deallocation delay with the default withdrawal delay: 7 days + GATE_CYCLE = 10 days 18 hours - 1 s. */
export const DEALLOCATION_DELAY = deallocationDelayFor(DEFAULT_WITHDRAWAL_DELAY);
export const REGISTRAR_GAS_LIMIT = 200_000n;
/** The gas deregistration demands when the AVS has a registrar: the budget plus the 1/64 rule plus 10,000. */
export const DEREGISTRATION_GAS_NEEDED = (REGISTRAR_GAS_LIMIT * 64n) / 63n + 10_000n;
/** SlashingManager pause groups (bit positions). */
export const SM_GROUP = PAUSE_GROUP.SlashingManager;
/** ISlashingManagerTypes.SlashStatus (sdk/views.ts). */
export const STATUS = SLASH_STATUS_VALUE;
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

/** Magnitude a request of `wadFraction` takes from allocation `current`: ceil(current * f / 1e18). */
export function slashMagnitude(current: bigint, wadFraction: bigint): bigint {
  return (current * wadFraction + WAD - 1n) / WAD;
}

/** Whether an operator whose max magnitude in an asset is `maxMagnitude` is fully slashed in it. */
export function isFullySlashed(maxMagnitude: bigint): boolean {
  return maxMagnitude < MIN_MAX_MAGNITUDE;
}

/**
 * When an AVS may next request on an allocation its last request (executable at `executableAt`, no longer Pending)
 * touched: executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN.
 */
export function nextRequestAtOf(executableAt: bigint): bigint {
  return executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN;
}

/**
 * The pool gate's verdict on a request that would reserve tokens at `now` in a pool whose current request epoch started
 * at `gateAt` (0: never requested) and where pending requests hold `reserved` magnitude: accepted within JOIN_WINDOW of
 * the epoch's start (joining it, `gateAt` unchanged) or when no epoch ever started (starting one now); past the join
 * window refused with nextEpochAt = gateAt + GATE_CYCLE while the pool is closed or before that time; otherwise
 * accepted, starting a new epoch now.
 */
export type GateVerdict = { accepted: true; gateAt: bigint } | { accepted: false; nextEpochAt: bigint };

export function poolGate(gateAt: bigint, reserved: bigint, now: bigint): GateVerdict {
  if (gateAt === 0n) return { accepted: true, gateAt: now };
  if (now < gateAt + JOIN_WINDOW) return { accepted: true, gateAt };
  if (reserved !== 0n || now < gateAt + GATE_CYCLE)
    return { accepted: false, nextEpochAt: gateAt + GATE_CYCLE };
  return { accepted: true, gateAt: now };
}

/**
 * Whether a request made at `now` would skip an allocated asset for a rule (SlashRequestOpen, SlashCooldown or
 * PoolGated), whatever the fraction: the AVS's last request on the allocation still Pending or cooling down, or the
 * pool's epoch closed to new requests. maxSlashable reads 0 exactly then.
 */
export function requestSkips(x: {
  current: bigint;
  last: LastRequest | null;
  gateAt: bigint;
  reserved: bigint;
  now: bigint;
}): boolean {
  if (x.current === 0n) return false;
  if (x.last !== null) {
    if (x.last.status === STATUS.Pending) return true;
    if (x.now < nextRequestAtOf(x.last.executableAt)) return true;
  }
  return !poolGate(x.gateAt, x.reserved, x.now).accepted;
}

/**
 * maxSlashable(operator, avs, asset) at `now` for an asset the AVS accepts: 0 while a request made now would skip the
 * asset for a rule (`requestSkips`) or nothing is allocated, else exactly what a request for `maxSlashWad` would take:
 * floor(net * ceil(current * maxSlashWad / 1e18) / (maxMagnitude - reserved)) (the magnitude rounded up, its worth
 * down, as `assetVerdict`).
 */
export function maxSlashableOf(
  net: bigint,
  maxMagnitude: bigint,
  maxSlashWad: bigint,
  x: Parameters<typeof requestSkips>[0],
): bigint {
  if (x.current === 0n || requestSkips(x)) return 0n;
  return reservedAmount(net, slashMagnitude(x.current, maxSlashWad), maxMagnitude, x.reserved);
}

/** Why a request skipped an asset it could otherwise take: the custom error and the args it reverts with. */
export type Refusal =
  | { error: "SlashRequestOpen"; args: [string, string, string] }
  | { error: "SlashCooldown"; args: [string, string, string, bigint] }
  | { error: "PoolGated"; args: [string, string, bigint] };

/** The request state an allocation's `openRequest` names (null when it names none). */
export interface LastRequest {
  status: bigint;
  executableAt: bigint;
}

/** What a request does with one asset: takes `s` and `amount` (the pool's gate becoming `gateAt`), or skips it. */
export type AssetVerdict =
  | { take: true; s: bigint; amount: bigint; gateAt: bigint }
  | { take: false; refusal: Refusal | null };

/**
 * The model of one asset of request (`avs`, `operator`, `wadFraction`) at `now`, in contract order: nothing allocated
 * -> skipped; the AVS's last request on the allocation still Pending -> SlashRequestOpen; before its executableAt +
 * EXECUTION_WINDOW + SLASH_COOLDOWN -> SlashCooldown; worth 0 tokens -> skipped (never gated); then the pool gate.
 */
export function assetVerdict(x: {
  avs: string;
  operator: string;
  asset: string;
  wadFraction: bigint;
  now: bigint;
  current: bigint;
  last: LastRequest | null;
  net: bigint;
  maxMagnitude: bigint;
  reserved: bigint;
  gateAt: bigint;
}): AssetVerdict {
  if (x.current === 0n) return { take: false, refusal: null };
  if (x.last !== null) {
    if (x.last.status === STATUS.Pending)
      return { take: false, refusal: { error: "SlashRequestOpen", args: [x.avs, x.operator, x.asset] } };
    const nextRequestAt = nextRequestAtOf(x.last.executableAt);
    if (x.now < nextRequestAt)
      return {
        take: false,
        refusal: { error: "SlashCooldown", args: [x.avs, x.operator, x.asset, nextRequestAt] },
      };
  }
  const s = slashMagnitude(x.current, x.wadFraction);
  const amount = reservedAmount(x.net, s, x.maxMagnitude, x.reserved);
  if (amount === 0n) return { take: false, refusal: null };
  const gate = poolGate(x.gateAt, x.reserved, x.now);
  if (!gate.accepted)
    return { take: false, refusal: { error: "PoolGated", args: [x.operator, x.asset, gate.nextEpochAt] } };
  return { take: true, s, amount, gateAt: gate.gateAt };
}

/** The revert of a request that takes no asset: the first refusal in vault-index order, else NothingToSlash. */
export function requestRevertOf(
  avs: string,
  operator: string,
  verdicts: AssetVerdict[],
): { error: string; args: unknown[] } | null {
  if (verdicts.some((v) => v.take)) return null;
  for (const v of verdicts) if (!v.take && v.refusal !== null) return v.refusal;
  return { error: "NothingToSlash", args: [operator, avs] };
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
  await time.increase(ALLOCATION_DELAY);
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
 * (slasher, maxSlashWad, vetoWindow, vetoCommittee, assetMask, id, termsId, recipient, registrar, registered).
 * `termsId` defaults to `id`, which holds while the AVSs registered in order and none changed its committee or
 * recipient; a queued configuration carries termsId 0 (its terms are written when it is applied).
 */
export function expectedConfig(
  f: SlashingManagerFixture,
  p: AVSParams,
  id: bigint,
  termsId: bigint = id,
): unknown[] {
  return [
    p.slasher,
    p.maxSlashWad,
    p.vetoWindow,
    p.vetoCommittee,
    assetMask(f, p.assets),
    id,
    termsId,
    p.recipient,
    p.registrar,
    true,
  ];
}

/** An all-zero AVSConfig. */
export const EMPTY_CONFIG: unknown[] = [ZERO, 0n, 0n, ZERO, 0n, 0n, 0n, ZERO, ZERO, false];

/** The SlashTerms record the contract stores, as an array in struct order (vetoCommittee, avsId, recipient). */
export function expectedTerms(vetoCommittee: string, avsId: bigint, recipient: string): unknown[] {
  return [vetoCommittee, avsId, recipient];
}

/** A deterministic funded wallet (not one of the default signers). */
export async function fundedWallet(label: string): Promise<Signer & { address: string }> {
  const wallet = new ethers.Wallet(ethers.id(`slashing-suite:${label}`), ethers.provider);
  await setBalance(wallet.address, 10n ** 20n);
  return wallet;
}

/** The timestamp of the block that mined `receipt`. */
export async function blockTimeOf(receipt: ContractTransactionReceipt | null): Promise<bigint> {
  if (receipt === null) throw new Error("no receipt");
  const block = await ethers.provider.getBlock(receipt.blockNumber);
  if (block === null) throw new Error(`no block ${receipt.blockNumber}`);
  return BigInt(block.timestamp);
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
  /** The number of pending slash requests that reserved in the pool (entries and exits wait while non-zero). */
  pendingRequests: bigint;
  /** The operator is fully slashed in the asset: the pool refuses entries for good. */
  fullySlashed: boolean;
}

export async function poolOf(f: SlashingManagerFixture, operator: string, asset: string): Promise<PoolState> {
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

/**
 * The pool gate of `operator` in `asset` (Magnitudes.gateAt): when the pool's current request epoch started (the
 * request that started it); 0 if no request ever reserved in the pool. Resolutions never move it.
 */
export async function gateAtOf(f: SlashingManagerFixture, operator: string, asset: string): Promise<bigint> {
  const [m] = await f.sm.magnitudes(operator, asset);
  return m.gateAt;
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

/**
 * An allocation with the request bookkeeping the contract keeps on it. The cooldown is not stored: it follows from
 * `openRequest` (nextRequestAtOf its executableAt).
 */
export interface AllocationRecord extends AllocationState {
  /** The operator queued a change while request `openRequest` was pending (a veto or cancel restores towards it). */
  changedAfterRequest: boolean;
  /** The AVS's last request on the allocation (kept after it resolves; 0 if it never made one there). */
  openRequest: bigint;
}

export async function allocationRecordOf(
  f: SlashingManagerFixture,
  operator: string,
  avs: string,
  asset: string,
): Promise<AllocationRecord> {
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

/** What one request reserves in one asset, as slashedAsset(id, i) reports it. */
export interface SlashedAssetState {
  asset: string;
  magnitude: bigint;
  /** How much the request shrank a pending deallocation of the allocation (given back on a veto or cancel). */
  deallocationCut: bigint;
  amount: bigint;
  /** The escrowed amount was released (releaseSlashedFunds(id, asset)). */
  released: boolean;
}

/** Every SlashedAsset of request `id`, in order (slashedAsset(id, i) for i < assetCount). */
export async function slashedAssetsOf(f: SlashingManagerFixture, id: bigint): Promise<SlashedAssetState[]> {
  const [request] = await f.sm.slashRequest(id);
  const out: SlashedAssetState[] = [];
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

/** A request to make and check (SlashingWorld.requestChecked, requestRefusedChecked). */
export interface RequestArgs {
  avs: string;
  slasher: Signer;
  operator: string;
  wadFraction: bigint;
  /** Every asset the AVS accepts (any order). */
  assets: string[];
}

/** One asset of a request's AVS before the request. */
interface AssetBefore {
  asset: string;
  allocation: AllocationRecord;
  /** The request the allocation's openRequest names (null if none). */
  last: LastRequest | null;
  mags: MagnitudeState;
  gateAt: bigint;
  pool: PoolState;
  stake: bigint;
  maxSlashable: bigint;
  /** The time the views were read at (the latest block's). */
  viewAt: bigint;
}

/** What the model says a request reserves in one pool. */
export interface Reservation {
  operator: string;
  asset: string;
  amount: bigint;
}

/**
 * The scenario world: tracks every deposit, withdrawal and slash request so that the invariants of docs/slashing.md
 * ("Invariants") can be checked after every step. Create one per test (never inside a fixture: loadFixture returns the
 * same object).
 *
 * `check()` asserts:
 *   1. (InvariantChecker) vault balance >= sum of pools' totalAssets per asset (== without donations), and
 *      totalDeposited == that sum; pendingSlash <= totalAssets.
 *   2. (InvariantChecker) stakers' shares + queued withdrawal shares == totalShares per pool.
 *   3. (InvariantChecker) nobody withdrew or holds more than it deposited.
 *   6. every queued withdrawal is worth its shares at the pool's rate net of pending slashes (it bears every executed
 *      and every pending request), computed here with the BigInt share math.
 *   Escrow: the SlashingManager holds exactly the unreleased amounts of executed requests.
 *   Reservations: every pool's pendingSlash is the sum of the model amounts of the tracked requests still pending, and
 *   its pendingRequests is their number.
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
   * must be open: a deposit into a pool with a pending request reverts, which a scenario expects with
   * `depositRefused` instead.
   */
  async deposit(staker: Signer & { address: string }, asset: string, amount: bigint): Promise<bigint> {
    const operator = await this.f.vault.delegatedTo(staker.address);
    if (operator !== ZERO && (await this.expectedPendingRequests(operator, asset)) !== 0n) {
      throw new Error(`model: pool (${operator}, ${asset}) has a pending request; use depositRefused`);
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
    const id = withdrawalId(staker.address, nonce);
    this.checker.addWithdrawals([id]);
    return id;
  }

  /** Completes withdrawal `id` as tokens (with `minAssets`, 0 by default); returns what the staker received. */
  async complete(staker: Signer & { address: string }, id: bigint, minAssets = 0n): Promise<bigint> {
    const [, , asset] = await this.f.vault.withdrawal(id);
    const token = this.tokenAt(asset);
    const before = await token.balanceOf(staker.address);
    await (await this.f.vault.connect(staker).completeWithdrawal(id, true, minAssets)).wait();
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

  /** The tracked reservations in pool (operator, asset) of the requests still pending. */
  private async pendingReservations(operator: string, asset: string): Promise<Reservation[]> {
    const out: Reservation[] = [];
    for (const [id, reservations] of this.requests) {
      const [request] = await this.f.sm.slashRequest(id);
      if (request.status !== STATUS.Pending) continue;
      for (const r of reservations) if (r.operator === operator && r.asset === asset) out.push(r);
    }
    return out;
  }

  /** The model's pendingSlash of pool (operator, asset): the reservations of the tracked requests still pending. */
  async expectedPendingSlash(operator: string, asset: string): Promise<bigint> {
    return (await this.pendingReservations(operator, asset)).reduce((sum, r) => sum + r.amount, 0n);
  }

  /** The model's pendingRequests of pool (operator, asset): how many tracked pending requests reserved in it. */
  async expectedPendingRequests(operator: string, asset: string): Promise<bigint> {
    return BigInt((await this.pendingReservations(operator, asset)).length);
  }

  /**
   * An entry into pool (operator, asset) while the model has a request pending there: `send` must revert
   * PoolSlashPending(operator, asset, the model's number of pending requests) and change neither the pool nor the
   * vault's balance. Returns that number.
   */
  async expectEntryRefused(
    operator: string,
    asset: string,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<bigint> {
    const pending = await this.expectedPendingRequests(operator, asset);
    expect(pending, "the model must expect a pending request").to.not.equal(0n);
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

  /**
   * A deposit of `staker` (delegated to `operator`) into a pool with a pending request: refused. Returns the number
   * of pending requests the error reported.
   */
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

  /**
   * A completion of `staker`'s withdrawal `id` (from pool (operator, asset)) while the model has a request pending
   * there: refused with PoolSlashPending as an entry is, the withdrawal stays queued and no token moves. Returns the
   * number of pending requests.
   */
  async completionRefused(
    staker: Signer & { address: string },
    id: bigint,
    operator: string,
    asset: string,
  ): Promise<bigint> {
    const before = await this.tokenAt(asset).balanceOf(staker.address);
    const [, queued] = await this.f.vault.withdrawal(id);
    let pending = 0n;
    for (const asTokens of [true, false]) {
      pending = await this.expectEntryRefused(operator, asset, () =>
        this.f.vault.connect(staker).completeWithdrawal(id, asTokens, 0n),
      );
    }
    const [, still] = await this.f.vault.withdrawal(id);
    expect([...still], "a refused completion leaves the withdrawal queued").to.deep.equal([...queued]);
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

  /** What a request may touch, per asset of the AVS (in vault-index order), read before it is made. */
  private async readRequestState(args: RequestArgs): Promise<AssetBefore[]> {
    const { f } = this;
    const { assetMask: mask } = await f.sm.avsConfig(args.avs);
    // The model must see every asset the AVS accepts, in vault-index order (the order the contract walks them).
    expect(assetMask(f, args.assets), "requestChecked: args.assets must be the AVS's assets").to.equal(mask);
    const order = [f.stETHAddress, f.rETHAddress, f.cbETHAddress, f.blockTokenAddress];
    const assets = [...args.assets].sort((x, y) => order.indexOf(x) - order.indexOf(y));
    const viewAt = BigInt(await time.latest());
    return Promise.all(
      assets.map(async (asset) => {
        const allocation = await allocationRecordOf(f, args.operator, args.avs, asset);
        let last: LastRequest | null = null;
        if (allocation.openRequest !== 0n) {
          const [r] = await f.sm.slashRequest(allocation.openRequest);
          last = { status: r.status, executableAt: r.executableAt };
        }
        return {
          asset,
          allocation,
          last,
          mags: await magnitudesOf(f, args.operator, asset),
          gateAt: await gateAtOf(f, args.operator, asset),
          pool: await poolOf(f, args.operator, asset),
          stake: await f.sm.allocatedStake(args.operator, args.avs, asset),
          maxSlashable: await f.sm.maxSlashable(args.operator, args.avs, asset),
          viewAt,
        };
      }),
    );
  }

  /** The model's verdict on every asset of a request made at `now` from the state `before`. */
  private verdictsOf(args: RequestArgs, before: AssetBefore[], now: bigint): AssetVerdict[] {
    return before.map((b) =>
      assetVerdict({
        avs: args.avs,
        operator: args.operator,
        asset: b.asset,
        wadFraction: args.wadFraction,
        now,
        current: b.allocation.current,
        last: b.last,
        net: b.pool.totalAssets - b.pool.pendingSlash,
        maxMagnitude: b.mags.maxMagnitude,
        reserved: b.mags.reserved,
        gateAt: b.gateAt,
      }),
    );
  }

  /** An asset a request skipped must be exactly as it was: allocation, magnitudes, pool and pool gate. */
  private async expectSkipped(args: RequestArgs, b: AssetBefore): Promise<void> {
    const { f } = this;
    expect(
      await allocationRecordOf(f, args.operator, args.avs, b.asset),
      `a skipped allocation (${b.asset})`,
    ).to.deep.equal(b.allocation);
    expect(await magnitudesOf(f, args.operator, b.asset), "a skipped asset's magnitudes").to.deep.equal(
      b.mags,
    );
    expect(await poolOf(f, args.operator, b.asset), "a skipped asset's pool").to.deep.equal(b.pool);
    expect(await gateAtOf(f, args.operator, b.asset), "a skipped asset's pool gate").to.equal(b.gateAt);
  }

  /**
   * maxSlashable as the views reported it before a request made at `now` (read at b.viewAt): the model's 0 while a
   * request would skip the asset for a rule, else exactly what a request for maxSlashWad would take then. And the High
   * property, when no rule changes its verdict between the views and the request: the request took `amount` = 0 of every asset with
   * stake whose maxSlashable read 0 for a rule, and at least f * stake - 1 wei of every other.
   */
  private expectMaxSlashable(
    args: RequestArgs,
    b: AssetBefore,
    maxSlashWad: bigint,
    now: bigint,
    amount: bigint,
  ): void {
    const state = (t: bigint) => ({
      current: b.allocation.current,
      last: b.last,
      gateAt: b.gateAt,
      reserved: b.mags.reserved,
      now: t,
    });
    const skipsAt = (t: bigint) => requestSkips(state(t));
    expect(b.maxSlashable, `maxSlashable of ${b.asset} (model, at ${b.viewAt})`).to.equal(
      maxSlashableOf(
        b.pool.totalAssets - b.pool.pendingSlash,
        b.mags.maxMagnitude,
        maxSlashWad,
        state(b.viewAt),
      ),
    );
    if (b.stake === 0n || skipsAt(b.viewAt) !== skipsAt(now)) return;
    // (A maxSlashable of 0 because the maximum fraction's magnitude is worth 0 tokens is not a skip.)
    if (skipsAt(now)) expect(amount, `${b.asset}: maxSlashable 0 for a rule, nothing taken`).to.equal(0n);
    else
      expect((amount + 1n) * WAD, `${b.asset}: maxSlashable > 0, at least f * stake - 1 taken`).to.be.gte(
        args.wadFraction * b.stake,
      );
  }

  /**
   * Requests a slash and checks it against the model (assetVerdict), evaluated at the request's block time: per asset,
   * s = ceil(a_X * f) and amount = floor(net * s / (maxMagnitude - reserved)); an asset with no allocation, worth 0
   * tokens, under the AVS's open request or cooldown, or in a gated pool is skipped and left untouched (allocation,
   * magnitudes, pool and gate), and the request takes the others (the model must expect at least one: use
   * requestRefusedChecked otherwise). Invariant 4 (bounded): s <= a_X and s <= ceil(f_max * a_X) in magnitude; in
   * tokens, amount never exceeds allocatedStake * f_max by more than one magnitude unit's worth, and (docs/slashing.md
   * "The reservation at request") the request takes at least f * allocatedStake - 1 wei of what the view reported just
   * before; `untouched` pools are identical. Invariant 5: every `watched` allocation keeps its allocated stake to within
   * 1 wei per 1e18. maxSlashable: the model's (0 while a request would skip the asset for a rule, else a request for
   * f_max's take),
   * and a request skips exactly the assets with stake whose maxSlashable read 0 for a rule (when no rule's verdict
   * changed between the views and the request). Also checks the allocation's request bookkeeping (openRequest,
   * changedAfterRequest cleared), exactly one SlashAssetReserved per asset taken and none for a skipped one, and the
   * pool gate (docs/slashing.md "Pending requests close the pool"): a taken asset's pool joined its epoch (gateAt
   * unchanged) or started one (gateAt = the request's time). Pass `at` to pin the request's block time. Returns the id
   * and what it reserved.
   */
  async requestChecked(
    args: RequestArgs & { watched?: Watched[]; untouched?: PoolRef[]; at?: bigint },
  ): Promise<{ id: bigint; slashed: SlashedAssetState[] }> {
    const { f } = this;
    const { maxSlashWad, vetoWindow } = await f.sm.avsConfig(args.avs);
    const before = await this.readRequestState(args);
    const watchedBefore = await this.readWatched(args.watched ?? []);
    const untouchedBefore = await this.readPools(args.untouched ?? []);

    if (args.at !== undefined) await time.setNextBlockTimestamp(args.at);
    const tx = await f.sm
      .connect(args.slasher)
      .requestSlash(args.avs, args.operator, args.wadFraction, ethers.id("evidence"));
    const receipt = await tx.wait();
    const now = await blockTimeOf(receipt);
    const verdicts = this.verdictsOf(args, before, now);
    expect(
      requestRevertOf(args.avs, args.operator, verdicts),
      "the model expects this request to take something",
    ).to.equal(null);
    const id = await f.sm.slashRequestCount();
    const [request] = await f.sm.slashRequest(id);
    expect(
      [request.operator, request.executableAt, request.status],
      "the request: executable after the veto window",
    ).to.deep.equal([args.operator, now + vetoWindow, STATUS.Pending]);
    const slashed = await slashedAssetsOf(f, id);
    const reservations: Reservation[] = [];
    const expectedEvents: unknown[][] = [];

    const taken = before.filter((_, i) => verdicts[i].take);
    expect(
      slashed.map((s) => s.asset),
      "assets the request takes",
    ).to.deep.equal(taken.map((b) => b.asset));
    for (const [i, b] of before.entries()) {
      const v = verdicts[i];
      this.expectMaxSlashable(args, b, maxSlashWad, now, v.take ? v.amount : 0n);
      if (!v.take) {
        await this.expectSkipped(args, b);
        continue;
      }
      const a = b.allocation.current;
      const net = b.pool.totalAssets - b.pool.pendingSlash;
      const { s, amount } = v;
      const x = slashed.find((y) => y.asset === b.asset);
      if (x === undefined) throw new Error("unreachable");
      reservations.push({ operator: args.operator, asset: b.asset, amount });
      const decreasing = b.allocation.effectAt !== 0n && !b.allocation.pendingIncrease;
      const cut = decreasing ? deallocationCut(b.allocation.pendingDelta, a, s) : 0n;
      expectedEvents.push([id, b.asset, s, amount, cut]);
      expect(x.magnitude, `magnitude taken in ${b.asset}`).to.equal(s);
      expect(x.deallocationCut, `deallocation cut in ${b.asset}`).to.equal(cut);
      expect(x.amount, `amount reserved in ${b.asset}`).to.equal(amount);
      expect(x.released, "nothing released yet").to.equal(false);
      // Invariant 4 in magnitude: rounded up, but never past the allocation nor one unit past f_max * a_X.
      expect(x.magnitude, "inv 4: s <= a_X").to.be.lte(a);
      expect((x.magnitude - 1n) * WAD, "inv 4: s <= ceil(f_max * a_X)").to.be.lt(maxSlashWad * a);
      // ... in tokens (exact rational bound: amount <= net * ceil(a * f_max) / free).
      const free = b.mags.maxMagnitude - b.mags.reserved;
      expect(x.amount * free * WAD, "inv 4: amount <= stake * f_max, plus one unit").to.be.lte(
        net * (a * maxSlashWad + WAD - 1n),
      );
      expect(x.amount, "inv 4: amount <= stake * f_max + one magnitude unit's worth").to.be.lte(
        (b.stake * maxSlashWad) / WAD + (net + free - 1n) / free + 2n,
      );
      // ... and at least the fraction asked of the stake the views reported (one wei of rounding).
      expect((x.amount + 1n) * WAD, "a request takes at least f * allocatedStake - 1").to.be.gte(
        args.wadFraction * b.stake,
      );
      const pool = await poolOf(f, args.operator, b.asset);
      expect(pool, "a request moves no token and closes the pool").to.deep.equal({
        ...b.pool,
        pendingSlash: b.pool.pendingSlash + amount,
        pendingRequests: b.pool.pendingRequests + 1n,
      });
      const mags = await magnitudesOf(f, args.operator, b.asset);
      expect(mags, "magnitudes after the request").to.deep.equal({
        ...b.mags,
        reserved: b.mags.reserved + s,
      });
      // The pool gate let it in: it joined the epoch (within JOIN_WINDOW of its start) or started a new one.
      if (v.gateAt === b.gateAt) {
        expect(now, "a request joins an epoch only before gateAt + JOIN_WINDOW").to.be.lt(
          b.gateAt + JOIN_WINDOW,
        );
      } else {
        expect(v.gateAt, "a new epoch starts now").to.equal(now);
        if (b.gateAt !== 0n) {
          expect(
            b.mags.reserved,
            "a new epoch starts only once no request of the last one is pending",
          ).to.equal(0n);
          expect(now, "a new epoch starts GATE_CYCLE after the last").to.be.gte(b.gateAt + GATE_CYCLE);
        }
      }
      expect(await gateAtOf(f, args.operator, b.asset), "the pool gate after the request").to.equal(v.gateAt);
      const allocation = await allocationRecordOf(f, args.operator, args.avs, b.asset);
      expect(allocation, "allocation after the request").to.deep.equal({
        ...b.allocation,
        current: a - s,
        pendingDelta: b.allocation.pendingDelta - cut,
        changedAfterRequest: false,
        openRequest: id,
      });
    }
    // SlashAssetReserved(id, asset, magnitude, amount, deallocationCut): one per asset taken, in order, none else.
    const events: unknown[][] = [];
    for (const log of receipt?.logs ?? []) {
      if (log.address !== f.smAddress) continue;
      const parsed = f.sm.interface.parseLog(log);
      if (parsed !== null && parsed.name === "SlashAssetReserved") events.push([...parsed.args]);
    }
    expect(events, "SlashAssetReserved events").to.deep.equal(expectedEvents);
    this.trackRequest(id, reservations);
    await this.expectWatchedIsolated(watchedBefore, "request");
    await this.expectPoolsUnchanged(untouchedBefore, "request");
    return { id, slashed };
  }

  /**
   * A request the model expects to take nothing, made at `at` (default: the next second): it must revert with the
   * first refused asset's reason in vault-index order (SlashRequestOpen, SlashCooldown or PoolGated with their exact
   * args), or NothingToSlash if no asset gave one, and change nothing (every asset as skipped, no request counted).
   * Returns the error and its args. (A reverted transaction mines no block: the next one is mined at `at` unless the
   * caller sets another time.)
   */
  async requestRefusedChecked(
    args: RequestArgs & { at?: bigint },
  ): Promise<{ error: string; args: unknown[] }> {
    const { f } = this;
    const before = await this.readRequestState(args);
    const count = await f.sm.slashRequestCount();
    const now = args.at ?? BigInt(await time.latest()) + 1n;
    const expected = requestRevertOf(args.avs, args.operator, this.verdictsOf(args, before, now));
    if (expected === null) throw new Error("model: this request would take something; use requestChecked");
    await time.setNextBlockTimestamp(now);
    await expect(
      f.sm
        .connect(args.slasher)
        .requestSlash(args.avs, args.operator, args.wadFraction, ethers.id("evidence")),
    )
      .to.be.revertedWithCustomError(f.sm, expected.error)
      .withArgs(...expected.args);
    const { maxSlashWad } = await f.sm.avsConfig(args.avs);
    for (const b of before) {
      this.expectMaxSlashable(args, b, maxSlashWad, now, 0n);
      await this.expectSkipped(args, b);
    }
    expect(await f.sm.slashRequestCount(), "a refused request is not counted").to.equal(count);
    return expected;
  }

  /**
   * Executes request `id` and checks that exactly the reserved amounts moved from the pools to the escrow, that the
   * magnitudes moved from reserved to lost (the pool fully slashed once maxMagnitude < MIN_MAX_MAGNITUDE), that the
   * pool gate does not move (an execution reopens a pool whose last pending request this was, but its epoch runs on
   * from the same gateAt), and invariants 4 (`untouched` pools identical) and 5 (`watched`).
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
        gateAt: await gateAtOf(f, request.operator, s.asset),
        vaultBalance: await this.tokenAt(s.asset).balanceOf(f.vaultAddress),
        escrow: await this.tokenAt(s.asset).balanceOf(f.smAddress),
      })),
    );
    const watchedBefore = await this.readWatched(opts.watched ?? []);
    const untouchedBefore = await this.readPools(opts.untouched ?? []);

    await (await f.sm.connect(executor).executeSlash(id)).wait();

    expect((await f.sm.slashRequest(id))[0].status, "status").to.equal(STATUS.Executed);
    for (const b of before) {
      const maxMagnitude = b.mags.maxMagnitude - b.magnitude;
      const pool = await poolOf(f, request.operator, b.asset);
      expect(pool, `pool after execution in ${b.asset}`).to.deep.equal({
        ...b.pool,
        totalAssets: b.pool.totalAssets - b.amount,
        pendingSlash: b.pool.pendingSlash - b.amount,
        pendingRequests: b.pool.pendingRequests - 1n,
        fullySlashed: b.pool.fullySlashed || isFullySlashed(maxMagnitude),
      });
      expect(await magnitudesOf(f, request.operator, b.asset), "magnitudes after execution").to.deep.equal({
        lost: b.mags.lost + b.magnitude,
        encumbered: b.mags.encumbered - b.magnitude,
        reserved: b.mags.reserved - b.magnitude,
        maxMagnitude,
      });
      // The pool reopens when its last request resolves, but its request epoch keeps its start.
      expect(await gateAtOf(f, request.operator, b.asset), "the pool gate after execution").to.equal(
        b.gateAt,
      );
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

  /**
   * Every pool a tracked request reserved in holds exactly the model's reservations of the pending ones, and counts
   * them in pendingRequests.
   */
  async checkReservations(): Promise<void> {
    const pools = new Map<string, PoolRef>();
    for (const reservations of this.requests.values()) {
      for (const r of reservations) pools.set(`${r.operator}|${r.asset}`, r);
    }
    for (const r of pools.values()) {
      const pool = await poolOf(this.f, r.operator, r.asset);
      expect(pool.pendingSlash, `pendingSlash of (${r.operator}, ${r.asset})`).to.equal(
        await this.expectedPendingSlash(r.operator, r.asset),
      );
      expect(pool.pendingRequests, `pendingRequests of (${r.operator}, ${r.asset})`).to.equal(
        await this.expectedPendingRequests(r.operator, r.asset),
      );
    }
  }

  /** Invariant 6: a queued withdrawal is priced on the pool's assets net of pending requests. */
  async checkWithdrawalsBearSlashes(): Promise<void> {
    for (const id of this.checker.pendingWithdrawals()) {
      const [, w, asset] = await this.f.vault.withdrawal(id);
      const p = await poolOf(this.f, w.operator, asset);
      const expected = toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
      const [worth, openAt] = await this.f.vault.withdrawableAmount(id);
      expect(worth, `inv 6: withdrawal ${id} priced net of pending slashes`).to.equal(expected);
      const gateAt = w.operator === ZERO ? 0n : (await this.f.sm.magnitudes(w.operator, asset))[0].gateAt;
      expect(openAt, `withdrawal ${id}: its readyAt, fixed at queue time, and its pool's exit gate`).to.equal(
        exitOpensAtOf(w.readyAt, gateAt),
      );
    }
  }

  /** The SlashingManager's balance of each asset is the sum of the executed requests' unreleased amounts. */
  async checkEscrow(): Promise<void> {
    const owed = new Map<string, bigint>();
    for (const id of this.requests.keys()) {
      const [request] = await this.f.sm.slashRequest(id);
      if (request.status !== STATUS.Executed && request.status !== STATUS.FundsReleased) continue;
      for (const s of await slashedAssetsOf(this.f, id)) {
        if (request.status === STATUS.FundsReleased)
          expect(s.released, `request ${id} is FundsReleased: every asset released`).to.equal(true);
        if (!s.released) owed.set(s.asset, (owed.get(s.asset) ?? 0n) + s.amount);
      }
    }
    for (const token of this.tokens) {
      const asset = await token.getAddress();
      expect(await token.balanceOf(this.f.smAddress), `escrow of ${asset}`).to.equal(owed.get(asset) ?? 0n);
    }
  }
}
