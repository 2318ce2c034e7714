/**
 * The liquid restaking token in the protocol model's random walk (test/model/ProtocolModel.test.ts, issue #10): an LRT
 * (the deploy script's LRT steps, through test/helpers/lrtFixtures.ts `deployTestLRT`, priced by `MockLRTOracle`) on
 * the walk's core, with one node per operator, accepting stETH and rETH, allow-listing the walk's three AVSs, with a
 * buffer and fees; three LRT users; and the LRT's actions with their checks after every step of the walk (core steps
 * included).
 *
 * The nodes are ordinary vault stakers, so the core model stays exact: every vault event an LRT step emits for a node
 * (a deposit, a queued withdrawal, a completion, a delegation) is applied to the core model as the same action by that
 * staker, which must predict it (success, and the exact shares, ids and amounts the event reports); a forced
 * undelegation is an ordinary core action (the operator undelegates the node). Token moves between the LRT's users,
 * manager and nodes follow the receipt's Transfer events.
 *
 * The LRT's books (idle, reserved, deposited and pending redemption value per asset, every node's active and queued
 * shares, every request, every claimable balance, every LRT balance) are kept here from its events, each event
 * compared with what this model predicts where it predicts it: a deposit's shares, value and node (the buffer rule and
 * `pickNode`'s order with the pools' refusals), a request's value, each fulfilment's payout
 * (`min(value at request, value now)` in tokens, FIFO, nothing while pending slashes reserve more than 1 bps), an
 * instant exit's payout and fee, each claim, a harvest's `Harvested` and `FeeMinted` (applyHarvest: exact, from the
 * node claims the reward tracker checks against the reward model); and the reverts it predicts (ZeroAmount,
 * DepositsDisabled, CapExceeded, SharesBelowMinimum, the risk caps' ConcentrationBreached and SlashExposureBreached, UnapprovedAllocation,
 * RedeemExceedsAssetLiquidity, InsufficientBuffer, ClaimExceeded, NotClaimable, InsufficientNodeShares, the vault's
 * refusals of a node's entry or exit). The caps, flags, policy and allow-list start as the fixture set them and follow
 * the admin setters (`lrtSetAssetConfig` and after; the property test's commands in test/model/adminCommands.ts).
 *
 * After EVERY step (LRTDriver.afterCheckViews), against one batched read of the chain, invariant 8 (docs/invariants.md §8):
 *   (a) `getRate()` falls by more than 1 wei only at a step flagged as a slash request or execution on a node's
 *       operator or a price fall (a harvest cannot lower it: the idle after it is valued as one sum, at least the
 *       per-node net values it replaces plus the fees' values, floor(x + y) >= floor(x) + floor(y), and the fee shares
 *       are rounded down at the valuation before; turning countRewards off or changing the fee harvests first, so no
 *       counted reward leaves the total; so no step is exempted for them); every fulfilled or claimed request paid
 *       (tokens x price / 1e18) at most its value at request (and at most its value at fulfilment); every instant
 *       exit paid at most the value of its shares;
 *   (b) `totalValue(true)` and `totalValue(false)` equal the value recomputed from the core model's pools and the
 *       nodes' vault shares (active + queued) as the core model knows them, the idle counters and the oracle's prices
 *       (docs/invariants.md §8 "Total value": exit net of pending slashes rounded down per term, entry gross rounded
 *       up) and, for the LRT assets with `countRewards`, each node's pending distributor rewards in that asset net of
 *       the protocol fee (`amount - bpsUp(amount, feeBps)`), valued at the price rounded down per node
 *       (LRTValuation._valueRewards), the pending amounts taken from the step's read (`stepPendingRewards`: the
 *       property test's reward tracker reads pendingRewards of every staker in every listed token and checks them
 *       against the reward model within invariant 7's allowance); in the seeded walk no asset counts rewards;
 *   (c) solvency of the books: per asset `idle + reserved <= balanceOf(manager)` and the controllers' claimable assets
 *       sum to `reserved`;
 *   (d) supply: `totalSupply() = sum of holders' balances + the shares escrowed by pending requests` (the manager's
 *       balance).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionReceipt, Result } from "ethers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { deployTestLRT } from "../helpers/lrtFixtures";
import {
  MockLRTOracle__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type MockLRTOracle,
} from "../../typechain-types";
import { WAD } from "../helpers/fixtures";
import { show } from "../helpers/model";
import { ZERO, fundedWallet } from "../helpers/slashingFixtures";
import { Batch, big, bool, field, str } from "./batchReader";
import {
  BPS,
  bpsDown,
  bpsUp,
  instantFeeBpsUp,
  mulDivCeil,
  mulDivFloor,
  poolAssetsDown,
  poolAssetsUp,
  rateDown,
  toSharesDown,
  toTokensDown,
  toTokensUp,
  toValueDown,
  tokenValueDown,
  tokenValueUp,
} from "./lrtMath";
import { Driver, modelFixture, required, type Account, type ModelFixture } from "./protocolDriver";
import { isRevert, norm, type Outcome, type Revert } from "./protocolModel";

/** The LRT's deposit caps (stETH, rETH), its prices at start, its policy and the nodes' weights. */
export const LRT_CAPS = [2_500n * WAD, 2_500n * WAD] as const;
export const LRT_PRICES = [WAD, (11n * WAD) / 10n] as const;
export const LRT_POLICY = {
  bufferBps: 1_500n,
  baseFeeBps: 50n,
  maxFeeBps: 500n,
  protocolFeeBps: 1_000n,
} as const;
export const LRT_WEIGHTS = [4_000, 3_500, 2_500] as const;
/** Tokens each LRT user holds of each asset at start. */
export const LRT_USER_FUNDS = 20_000n * WAD;
/** `nodeIndex` of a deposit kept idle. */
export const IDLE = 255n;
/** The tolerance of fulfilment: pending slash reservations above 1 bps of the value hold every request. */
const PENDING_SLASH_TOLERANCE_BPS = 1n;
const UNIT = WAD; // every asset of the walk has 18 decimals

export interface LRTModelFixture extends ModelFixture {
  oracle: MockLRTOracle;
  lrt: LiquidRestakingToken;
  manager: LRTManager;
  managerAddress: string;
  lrtAddress: string;
  /** The LRT's assets (stETH, rETH) and their entry points. */
  lrtAssets: string[];
  entryPoints: LRTAssetVault[];
  /** Node contracts, in index order, and their operators (operator1, operator2, operator3). */
  nodes: string[];
  nodeOperators: string[];
  lrtUsers: Account[];
  treasury: Account;
}

/** Creates the LRT's nodes (the one place the walk calls createNode): one per operator, LRT_WEIGHTS. */
async function createNodes(manager: LRTManager, operators: string[]): Promise<string[]> {
  const nodes: string[] = [];
  for (const [i, operator] of operators.entries()) {
    await (
      await manager.createNode(operator, LRT_WEIGHTS[i], NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)
    ).wait();
    nodes.push((await manager.node(i)).node);
  }
  return nodes;
}

/**
 * modelFixture + the LRT: MockLRTOracle (stETH 1.0, rETH 1.1), deployTestLRT accepting stETH and rETH (LRT_CAPS), a
 * node per operator (LRT_WEIGHTS), the AVS allow-list X, Y, Z, risk caps at 100% (every allocation is allow-listed, so no
 * deposit is refused for risk), the buffer and fees of LRT_POLICY; three LRT users funded and approving both entry
 * points.
 */
export async function lrtModelFixture(): Promise<LRTModelFixture> {
  const f = await modelFixture();
  const oracle = await new MockLRTOracle__factory(f.admin).deploy();
  const lrtAssets = [f.stETHAddress, f.rETHAddress].map(norm);
  for (const [i, a] of lrtAssets.entries()) await (await oracle.setPrice(a, LRT_PRICES[i])).wait();
  const treasury = await fundedWallet("lrt walk: treasury");
  const d = await deployTestLRT(f.admin, f, {
    oracle: await oracle.getAddress(),
    treasury: treasury.address,
    rewardsReceiver: treasury.address,
    assets: lrtAssets.map((asset, i) => ({ asset, cap: LRT_CAPS[i] })),
  });
  const nodeOperators = f.operators.map((o) => norm(o.address));
  const nodes = (await createNodes(d.manager, nodeOperators)).map(norm);
  await (await d.manager.setAllowedAVSs([f.avs.address, f.avs2.address, f.avs3.address])).wait();
  await (await d.manager.setRiskCaps(10_000, 10_000)).wait();
  const p = LRT_POLICY;
  await (await d.manager.setBuffer(p.bufferBps, p.baseFeeBps, p.maxFeeBps)).wait();
  await (await d.manager.setProtocolFee(p.protocolFeeBps)).wait();
  const entryPoints = lrtAssets.map((a) => d.entryPoints[a]);
  const lrtUsers: Account[] = [];
  for (const name of ["lrt user 1", "lrt user 2", "lrt user 3"]) {
    const user = await fundedWallet(`lrt walk: ${name}`);
    for (const [i, a] of lrtAssets.entries()) {
      const token = f.tokens[i];
      await (await token.mint(user.address, LRT_USER_FUNDS)).wait();
      await (await token.connect(user).approve(await entryPoints[i].getAddress(), ethers.MaxUint256)).wait();
      void a;
    }
    lrtUsers.push(user);
  }
  const managerAddress = norm(d.addresses.manager);
  return {
    ...f,
    oracle,
    lrt: d.token,
    manager: d.manager,
    managerAddress,
    lrtAddress: norm(d.addresses.token),
    lrtAssets,
    entryPoints,
    nodes,
    nodeOperators,
    lrtUsers,
    treasury,
    extraStakers: nodes,
    extraAccounts: [...lrtUsers.map((u) => u.address), managerAddress, treasury.address],
  };
}

/* ---------------------------------------------------------------------------------------------------------------- */

interface BookModel {
  idle: bigint;
  reserved: bigint;
  deposited: bigint;
  pendingRedeemValue: bigint;
}

interface NodeModel {
  address: string;
  operator: string;
  weight: bigint;
  /** The LRT's flag: its operator undelegated it and syncNode (or processRequests) recorded it. */
  undelegated: boolean;
  /** The LRT's Position per LRT asset. */
  active: bigint[];
  queued: bigint[];
}

interface RequestLedger {
  controller: string;
  asset: number;
  shares: bigint;
  /** Value at request (ETH wei). */
  value: bigint;
  status: 1 | 2 | 3;
  /** Tokens it pays, once fulfilled; and the value they were worth at the fulfilment's price. */
  assets: bigint;
  paidValue: bigint;
}

export interface Valuation {
  total: bigint;
  nodeValues: bigint[];
  assetValues: bigint[];
  freeIdle: bigint;
  pendingValue: bigint;
}

/** A harvest as predicted before it runs (LRTDriver.harvestPlan). */
export interface HarvestPlan {
  outcome: Outcome<void>;
  /** The tokens it claims: the accepted assets with countRewards first (`accepted` of them), then the others. */
  tokens: string[];
  accepted: number;
  /** The exit valuation before it, without the pending rewards. */
  v: Valuation;
}

/** LRTManager's bounds (MAX_PROTOCOL_FEE_BPS, MAX_INSTANT_FEE_BPS, MAX_AVSS) and a uint96's largest value. */
const MAX_PROTOCOL_FEE_BPS = 2_000n;
const MAX_INSTANT_FEE_BPS = 1_000n;
const MAX_AVSS = 16n;
/** LRTManager.MAX_OTHER_REWARD_TOKENS. */
const MAX_OTHER_REWARD_TOKENS = 8n;
const UINT96_MAX = (1n << 96n) - 1n;

function lrtRevert<T>(error: string, ...args: unknown[]): Outcome<T> {
  return { revert: { target: "lrt", error, args } };
}

/** The LRT half of the walk's driver: its model, its actions, and invariant 8 after every step. */
export class LRTDriver extends Driver {
  protected readonly lrtAssets: string[];
  protected readonly lrtUsers: Account[];
  protected readonly books: BookModel[];
  protected readonly prices: bigint[];
  protected readonly lrtNodes: NodeModel[];
  /** The LRT's vault withdrawals (queued by the manager or synced): node, asset, shares. */
  protected readonly lrtWithdrawals = new Map<bigint, { node: number; asset: number; shares: bigint }>();
  protected readonly requests = new Map<bigint, RequestLedger>();
  /** Per asset, the FIFO of pending request ids. */
  protected readonly queues: bigint[][];
  private readonly claimables = new Map<string, { shares: bigint; assets: bigint }>();
  /** LRT balances of the holders (users, treasury) and of the manager (the escrow). */
  private readonly lrtBalances = new Map<string, bigint>();
  protected lrtSupply = 0n;
  protected readonly caps: bigint[];
  /** Whether each LRT asset accepts deposits (setAssetConfig's `enabled`). */
  protected readonly enabled: boolean[];
  /** Whether each LRT asset counts its nodes' pending distributor rewards (setAssetConfig's `countRewards`). */
  protected readonly countRewards: boolean[];
  /** setConfig's treasury (the fee's recipient), rewards receiver and other reward tokens (the fixture's at start). */
  protected treasury: string;
  protected rewardsReceiver: string;
  protected otherRewardTokens: string[] = [];
  /** The LRT's holders besides the manager: the users and every treasury the sequence can name. */
  protected readonly lrtHolders: string[];
  /** The manager's policy (LRT_POLICY and the risk caps at 100% at start; setRiskCaps, setBuffer, setProtocolFee). */
  protected readonly policy: Record<
    keyof typeof LRT_POLICY | "maxOperatorShareBps" | "maxSlashExposureBps",
    bigint
  > = {
    maxOperatorShareBps: BPS,
    maxSlashExposureBps: BPS,
    bufferBps: LRT_POLICY.bufferBps,
    baseFeeBps: LRT_POLICY.baseFeeBps,
    maxFeeBps: LRT_POLICY.maxFeeBps,
    protocolFeeBps: LRT_POLICY.protocolFeeBps,
  };
  protected weightsSum = 10_000n;
  private lastRate = 0n;
  /** The LRT's cached slash exposure per node (set when a deposit goes to it) and the AVS allow-list. */
  private readonly exposureCache: bigint[];
  private allowed: string[];
  /** Whether the current step lowered an oracle price. */
  private priceFell = false;
  private readonly lf: LRTModelFixture;

  constructor(f: LRTModelFixture, seed: number) {
    super(f, seed);
    this.lf = f;
    this.lrtAssets = f.lrtAssets;
    this.lrtUsers = f.lrtUsers;
    this.books = f.lrtAssets.map(() => ({ idle: 0n, reserved: 0n, deposited: 0n, pendingRedeemValue: 0n }));
    this.prices = [...LRT_PRICES];
    this.caps = [...LRT_CAPS];
    this.enabled = f.lrtAssets.map(() => true);
    this.countRewards = f.lrtAssets.map(() => false);
    this.treasury = norm(f.treasury.address);
    this.rewardsReceiver = norm(f.treasury.address);
    this.lrtHolders = [...f.lrtUsers.map((u) => norm(u.address)), norm(f.treasury.address)];
    this.queues = f.lrtAssets.map(() => []);
    this.exposureCache = f.nodes.map(() => 0n);
    this.allowed = [f.avs.address, f.avs2.address, f.avs3.address].map(norm);
    this.lrtNodes = f.nodes.map((address, i) => ({
      address,
      operator: f.nodeOperators[i],
      weight: BigInt(LRT_WEIGHTS[i]),
      undelegated: false,
      active: f.lrtAssets.map(() => 0n),
      queued: f.lrtAssets.map(() => 0n),
    }));
    // createNode delegated each node to its operator (no shares: nothing moved)
    for (const n of this.lrtNodes) {
      this.model.vault.stakers.add(n.address);
      this.model.vault.delegate(n.address, n.operator);
    }
    for (const [i, u] of f.lrtUsers.entries()) this.addName(`user${i + 1}`, u.address, u);
    for (const [i, n] of f.nodes.entries()) this.addName(`node${i}`, n);
    this.addName("manager", f.managerAddress);
    this.addName("treasury", f.treasury.address, f.treasury);
  }

  protected override lrtContract(target: "lrt" | "lrtToken"): BaseContract {
    return target === "lrt" ? this.lf.manager : this.lf.lrt;
  }

  /* ------------------------------------------------------------------------------------------ model views */

  protected lrtBalance(account: string): bigint {
    return this.lrtBalances.get(norm(account)) ?? 0n;
  }

  private addLrtBalance(account: string, delta: bigint): void {
    const b = this.lrtBalance(account) + delta;
    if (b < 0n) throw new Error(`lrt model: negative LRT balance of ${this.name(account)}`);
    this.lrtBalances.set(norm(account), b);
  }

  protected claimableOf(asset: number, controller: string): { shares: bigint; assets: bigint } {
    return this.claimables.get(`${asset}|${norm(controller)}`) ?? { shares: 0n, assets: 0n };
  }

  /** Node `i`'s vault shares (active + queued) in its operator's pool of `asset`, as the CORE model knows them. */
  protected coreShares(i: number, asset: string): bigint {
    const n = this.lrtNodes[i];
    const vault = this.model.vault;
    let shares = vault.operatorOf(n.address) === n.operator ? vault.sharesOf(n.address, asset) : 0n;
    for (const w of vault.withdrawals.values()) {
      if (w.staker === n.address && w.asset === norm(asset) && w.operator === n.operator) shares += w.shares;
    }
    return shares;
  }

  /**
   * Node `node`'s pending distributor rewards in `token` at `at`, as a prediction counts them (the reward model's, in
   * the property test: PropertyDriver); 0 without a reward tracker (the seeded walk funds no rewards).
   */
  protected pendingReward(node: string, token: string, at: bigint): bigint {
    void node;
    void token;
    void at;
    return 0n;
  }

  /**
   * LRTValuation.valuation(exit) recomputed from the core model's pools and the books, and (for the assets with
   * countRewards) the nodes' pending rewards `pending(node, asset)`: by default the reward model's at the next block
   * (pendingReward), the step's check passes the chain's read of the step.
   */
  protected valuation(
    exit: boolean,
    pending: (node: string, token: string) => bigint = (n, t) => this.pendingReward(n, t, this.soon()),
  ): Valuation {
    const v: Valuation = {
      total: 0n,
      nodeValues: this.lrtNodes.map(() => 0n),
      assetValues: this.lrtAssets.map(() => 0n),
      freeIdle: 0n,
      pendingValue: 0n,
    };
    for (const [a, book] of this.books.entries()) {
      if (book.idle === 0n) continue;
      const price = this.prices[a];
      const idleValue = exit ? tokenValueDown(book.idle, price, UNIT) : tokenValueUp(book.idle, price, UNIT);
      v.total += idleValue;
      v.assetValues[a] = idleValue;
      if (idleValue > book.pendingRedeemValue) v.freeIdle += idleValue - book.pendingRedeemValue;
    }
    for (const [i, n] of this.lrtNodes.entries()) {
      for (const [a, asset] of this.lrtAssets.entries()) {
        const shares = this.coreShares(i, asset);
        if (shares === 0n) continue;
        const p = this.model.vault.pool(n.operator, asset);
        const price = this.prices[a];
        if (p.pendingSlash !== 0n) {
          v.pendingValue += tokenValueUp(poolAssetsUp(shares, p.pendingSlash, p.totalShares), price, UNIT);
        }
        const value = exit
          ? tokenValueDown(poolAssetsDown(shares, p.totalAssets - p.pendingSlash, p.totalShares), price, UNIT)
          : tokenValueUp(poolAssetsUp(shares, p.totalAssets, p.totalShares), price, UNIT);
        v.nodeValues[i] += value;
        v.assetValues[a] += value;
        v.total += value;
      }
    }
    // LRTValuation._valueRewards: per node and asset with countRewards, the pending amount net of the protocol fee
    // (bpsUp), valued at this valuation's price rounded down, added to the total only (not to the node's or the
    // asset's value)
    for (const [a, asset] of this.lrtAssets.entries()) {
      if (!this.countRewards[a]) continue;
      for (const n of this.lrtNodes) v.total += this.netRewardValue(a, pending(n.address, asset));
    }
    return v;
  }

  /** `amount` of LRT asset `a` pending as a reward, net of the protocol fee (bpsUp), valued rounded down. */
  protected netRewardValue(a: number, amount: bigint): bigint {
    if (amount === 0n) return 0n;
    return tokenValueDown(amount - bpsUp(amount, this.policy.protocolFeeBps), this.prices[a], UNIT);
  }

  /** Why node `i`'s pool of `asset` takes no entry now (LRTRisk._poolRefusal), from the core model. */
  private poolRefusal(i: number, asset: string): Revert | undefined {
    const n = this.lrtNodes[i];
    if (this.model.vault.operatorOf(n.address) !== n.operator) {
      return { target: "lrt", error: "NodeUndelegated", args: [BigInt(i)] };
    }
    const refusal = this.model.vault.entryRefusal(n.operator, asset);
    return refusal === undefined ? undefined : { target: "vault", error: refusal.error, args: refusal.args };
  }

  /**
   * LRTRisk._slashableFraction of pool `(operator, asset)` at `now`, from the core model: the fraction the allow-listed
   * AVSs can slash plus the magnitude held outside the list at 100% (rounded up, capped at 1), and that magnitude.
   */
  private slashableFraction(
    operator: string,
    asset: string,
    now: bigint,
  ): { fraction: bigint; unapproved: bigint } {
    const sm = this.model.sm;
    const m = sm.magnitudesView(operator, asset);
    let approved = 0n;
    let slashable = 0n;
    for (const avs of this.allowed) {
      const al = sm.allocationView(operator, avs, asset, now);
      approved += al.current + (al.pendingIncrease ? al.pendingDelta : 0n);
      if (al.current !== 0n) slashable += al.current * sm.config(avs).maxSlashWad;
    }
    const held = m.encumbered - m.reserved;
    const unapproved = held > approved ? held - approved : 0n;
    // The magnitude pending requests reserve counts at 100%, over the whole magnitude (review 3 F2).
    if (m.maxMagnitude === 0n) return { fraction: WAD, unapproved };
    const fraction = mulDivCeil(slashable + (unapproved + m.reserved) * WAD, 1n, m.maxMagnitude);
    return { fraction: fraction > WAD ? WAD : fraction, unapproved };
  }

  /**
   * LRTRisk._refusal's risk part for node `i` taking `value` more of LRT asset `a`, in its order: the node's share of
   * the value after above the concentration cap, an allocation outside the allow-list, or the slash exposure (this
   * node's afresh, the others' cached) above the exposure cap; else the node's new exposure.
   */
  private riskRefusal(
    i: number,
    a: number,
    value: bigint,
    totalAfter: bigint,
    nodeValue: bigint,
    now: bigint,
  ): { exposure: bigint } | Revert {
    const n = this.lrtNodes[i];
    const shareBps = mulDivCeil(nodeValue + value, BPS, totalAfter);
    if (shareBps > this.policy.maxOperatorShareBps) {
      return {
        target: "lrt",
        error: "ConcentrationBreached",
        args: [n.operator, shareBps, this.policy.maxOperatorShareBps],
      };
    }
    let exposure = 0n;
    let unapprovedAsset: string | undefined;
    for (const [x, asset] of this.lrtAssets.entries()) {
      const shares = n.active[x] + n.queued[x];
      if (shares === 0n && x !== a) continue;
      const { fraction, unapproved } = this.slashableFraction(n.operator, asset, now);
      const p = this.model.vault.pool(n.operator, asset);
      // gross of pending slashes (review 3 F2)
      let worth = tokenValueDown(poolAssetsDown(shares, p.totalAssets, p.totalShares), this.prices[x], UNIT);
      if (x === a) worth += value;
      exposure += mulDivCeil(worth, fraction, WAD);
      if (unapproved !== 0n && unapprovedAsset === undefined) unapprovedAsset = asset;
    }
    if (unapprovedAsset !== undefined) {
      return { target: "lrt", error: "UnapprovedAllocation", args: [n.operator, unapprovedAsset] };
    }
    const sum = this.exposureCache.reduce((t, e) => t + e, 0n);
    const exposureBps = mulDivCeil(exposure + sum - this.exposureCache[i], BPS, totalAfter);
    const cap = this.policy.maxSlashExposureBps;
    if (exposureBps > cap) return { target: "lrt", error: "SlashExposureBreached", args: [exposureBps, cap] };
    return { exposure };
  }

  /** LRTRisk.pickNode with the model's risk caps: the node a deposit goes to and its exposure, or the first refusal. */
  private pickNode(
    v: Valuation,
    a: number,
    value: bigint,
    now: bigint,
  ): { node: number; exposure: bigint } | { revert: Revert } {
    const asset = this.lrtAssets[a];
    const tried = new Set<number>();
    let first: Revert | undefined;
    for (;;) {
      let best = -1;
      let bestDeficit = 0n;
      for (const [i, n] of this.lrtNodes.entries()) {
        if (tried.has(i) || n.weight === 0n || n.undelegated) continue;
        const deficit = mulDivFloor(v.total + value, n.weight, BPS) - v.nodeValues[i];
        if (best < 0 || deficit > bestDeficit) [best, bestDeficit] = [i, deficit];
      }
      if (best < 0) break;
      tried.add(best);
      const refusal = this.poolRefusal(best, asset);
      if (refusal === undefined) {
        const risk = this.riskRefusal(best, a, value, v.total + value, v.nodeValues[best], now);
        if (!("error" in risk)) return { node: best, exposure: risk.exposure };
        first ??= risk;
        continue;
      }
      first ??= refusal;
    }
    return {
      revert: first ?? { target: "lrt", error: "NoNodeAvailable", args: [norm(asset)] },
    };
  }

  /** The LRT shares a deposit of `amount` of asset `a` would mint now (0 if it reverts for another reason). */
  protected previewShares(a: number, amount: bigint): bigint {
    const v = this.valuation(false);
    return toSharesDown(tokenValueDown(amount, this.prices[a], UNIT), v.total, this.lrtSupply);
  }

  /** About the LRT shares worth `tokens` of asset `a` at the exit price. */
  protected sharesWorth(a: number, tokens: bigint): bigint {
    const v = this.valuation(true);
    return toSharesDown(tokenValueDown(tokens, this.prices[a], UNIT), v.total, this.lrtSupply);
  }

  protected isNode(staker: string): boolean {
    return this.lrtNodes.some((n) => n.address === norm(staker));
  }

  /** The claimable balances of `user` per LRT asset. */
  protected claimableAssets(a: number, user: string): { shares: bigint; assets: bigint } {
    return this.claimableOf(a, user);
  }

  /** Whether every node's pool of `asset` refuses entries now. */
  protected everyPoolClosed(asset: string): boolean {
    return this.lrtNodes.every((_, i) => this.poolRefusal(i, asset) !== undefined);
  }

  /** Tokens of asset `a` not owed to pending requests (LRTOperations.freeIdle). */
  protected freeIdle(a: number): bigint {
    const book = this.books[a];
    const committed = toTokensUp(book.pendingRedeemValue, this.prices[a], UNIT);
    return book.idle > committed ? book.idle - committed : 0n;
  }

  /** The instant redemption of `shares` in asset `a` now: tokens out and fee, or the revert. */
  protected instantQuote(a: number, shares: bigint): { out: bigint; fee: bigint; value: bigint } | Revert {
    const v = this.valuation(true);
    const value = toValueDown(shares, v.total, this.lrtSupply);
    const gross = toTokensDown(value, this.prices[a], UNIT);
    const free = this.freeIdle(a);
    if (gross > free || gross === 0n) {
      return { target: "lrt", error: "InsufficientBuffer", args: [this.lrtAssets[a], free, gross] };
    }
    const bufferAfter = v.freeIdle - (value < v.freeIdle ? value : v.freeIdle);
    const p = this.policy;
    const target = bpsDown(v.total - (value < v.total ? value : v.total), p.bufferBps);
    const fee = bpsUp(gross, instantFeeBpsUp(v.freeIdle, bufferAfter, target, p.baseFeeBps, p.maxFeeBps));
    return { out: gross - fee, fee, value };
  }

  /* ------------------------------------------------------------------------------------------ receipts */

  private parsed(
    receipt: ContractTransactionReceipt,
    contract: BaseContract,
    address: string,
  ): Array<[string, Result]> {
    const out: Array<[string, Result]> = [];
    for (const log of receipt.logs) {
      if (norm(log.address) !== norm(address)) continue;
      const p = contract.interface.parseLog(log);
      if (p !== null) out.push([p.name, p.args]);
    }
    return out;
  }

  /** The manager's events of `receipt`, in order. */
  protected managerEvents(receipt: ContractTransactionReceipt): Array<[string, Result]> {
    return this.parsed(receipt, this.lf.manager, this.lf.managerAddress);
  }

  /**
   * Applies to the core model what an LRT transaction did in the vault (its nodes' deposits, queued withdrawals,
   * completions, delegations; each must be what the core model predicts for that staker) and the token moves between
   * the LRT's accounts; in log order.
   */
  protected applyToCore(receipt: ContractTransactionReceipt, at: bigint): void {
    const vaultAddress = norm(this.f.vaultAddress);
    const rdAddress = norm(this.f.rewardDistributor.target as string);
    const nodes = new Set(this.lrtNodes.map((n) => n.address));
    for (const log of receipt.logs) {
      const address = norm(log.address);
      const ai = this.assets.indexOf(address);
      if (ai >= 0) {
        const t = this.tokens[ai].interface.parseLog(log);
        if (t === null || t.name !== "Transfer") continue;
        const [from, to, amount] = [norm(str(t.args[0])), norm(str(t.args[1])), big(t.args[2])];
        // the vault's side of a transfer is the core model's (deposit, completion); a payout of the distributor (a
        // harvest's claim of a node's rewards in an LRT asset) is the reward tracker's to credit (harvestClaims), so
        // that each balance is followed once
        if (from === vaultAddress || to === vaultAddress || from === rdAddress) continue;
        this.model.transfer(from, to, address, amount);
        continue;
      }
      if (address !== vaultAddress) continue;
      const e = this.f.vault.interface.parseLog(log);
      if (e === null) continue;
      const staker = norm(str(e.args[e.name === "Deposited" || e.name === "Delegated" ? 0 : 1]));
      if (e.name === "Deposited") {
        expect(nodes.has(staker), `an LRT step deposited for ${this.name(staker)}`).to.equal(true);
        const [asset, amount, shares] = [norm(str(e.args[2])), big(e.args[3]), big(e.args[4])];
        const o = this.model.deposit(staker, asset, amount, 1n);
        if (isRevert(o))
          throw new Error(`core model: ${this.name(staker)}'s deposit must revert ${o.revert.error}`);
        expect(o.commit(), `vault shares of ${this.name(staker)}'s deposit`).to.equal(shares);
        this.checker.recordDeposit(staker, asset, amount);
        this.checker.recordTransfer(asset, 1n);
      } else if (e.name === "WithdrawalQueued") {
        expect(nodes.has(staker), `an LRT step queued for ${this.name(staker)}`).to.equal(true);
        const [id, asset, shares] = [big(e.args[0]), norm(str(e.args[3])), big(e.args[4])];
        const o = this.model.queueWithdrawal(staker, asset, shares, at);
        if (isRevert(o))
          throw new Error(`core model: ${this.name(staker)}'s queue must revert ${o.revert.error}`);
        expect(o.commit(), "withdrawal id").to.equal(id);
        this.checker.addWithdrawals([id]);
        this.scope.ids.add(id);
      } else if (e.name === "WithdrawalCompleted") {
        expect(nodes.has(staker), `an LRT step completed for ${this.name(staker)}`).to.equal(true);
        const [id, asset, assets] = [big(e.args[0]), norm(str(e.args[4])), big(e.args[6])];
        const o = this.model.completeWithdrawal(staker, id, true, 0n, at);
        if (isRevert(o)) throw new Error(`core model: completion ${id} must revert ${o.revert.error}`);
        expect(o.commit().assets, `completion ${id} pays`).to.equal(assets);
        this.checker.recordWithdrawal(staker, asset, assets);
        this.checker.recordTransfer(asset, 1n);
        this.checker.removeWithdrawal(id);
        this.scope.ids.add(id);
      } else if (e.name === "Delegated") {
        expect(nodes.has(staker), `an LRT step delegated ${this.name(staker)}`).to.equal(true);
        const o = this.model.delegateTo(staker, str(e.args[1]));
        if (isRevert(o)) throw new Error(`core model: delegation must revert ${o.revert.error}`);
        expect(o.commit(), "a node's delegation moves nothing").to.deep.equal([]);
      }
    }
  }

  /** Adds the LRT's accounts to the step's read (their vault stakes and balances). */
  protected watchLRT(): void {
    for (const n of this.lrtNodes) {
      this.scope.stakers.add(n.address);
      this.scope.accounts.add(n.address);
    }
    for (const u of this.lrtUsers) this.scope.accounts.add(norm(u.address));
    this.scope.accounts.add(this.lf.managerAddress);
  }

  /**
   * Runs an LRT action: the chain must revert as `outcome` says, or succeed; then its vault effects go to the core
   * model (applyToCore) and `apply` reads its LRT events into the books. Ends with the step's check.
   */
  protected async lrtRun(
    label: string,
    outcome: Outcome<void>,
    send: () => Promise<import("ethers").ContractTransactionResponse>,
    apply: (events: Array<[string, Result]>, receipt: ContractTransactionReceipt, at: bigint) => void,
    note?: string,
  ): Promise<boolean> {
    const at = this.soon();
    this.watchLRT();
    const { receipt } = await this.run(label, at, outcome, send, false, note);
    if (receipt !== undefined) {
      this.applyToCore(receipt, at);
      apply(this.managerEvents(receipt), receipt, at);
    }
    await this.check();
    return receipt !== undefined;
  }

  /** The events named `name`, as arrays. */
  private only(events: Array<[string, Result]>, name: string): unknown[][] {
    return events.filter(([n]) => n === name).map(([, args]) => [...args]);
  }

  /** A manager WithdrawalQueued: the position moves from active to queued (the vault's side is the core model's). */
  private recordQueued(events: Array<[string, Result]>): void {
    for (const [id, n, asset, shares] of this.only(events, "WithdrawalQueued")) {
      const [i, a] = [Number(n), this.lrtAssets.indexOf(norm(str(asset)))];
      const node = this.lrtNodes[i];
      node.active[a] -= big(shares);
      node.queued[a] += big(shares);
      this.lrtWithdrawals.set(big(id), { node: i, asset: a, shares: big(shares) });
    }
    for (const [index, ids] of this.only(events, "NodeUndelegatedSynced")) {
      const i = Number(index);
      const node = this.lrtNodes[i];
      const expected = [...this.model.vault.withdrawals.entries()]
        .filter(([id, w]) => w.staker === node.address && !this.lrtWithdrawals.has(id))
        .map(([id]) => id)
        .sort((x, y) => (x < y ? -1 : 1));
      expect(
        [...(ids as Result)].map(big),
        `syncNode(${i}) records the withdrawals the undelegation queued`,
      ).to.deep.equal(expected);
      for (const id of expected) {
        const w = required(this.model.vault.withdrawals.get(id), "withdrawal");
        const a = this.lrtAssets.indexOf(w.asset);
        node.active[a] -= w.shares;
        node.queued[a] += w.shares;
        this.lrtWithdrawals.set(id, { node: i, asset: a, shares: w.shares });
      }
      node.undelegated = true;
      this.count("syncNode records a forced undelegation");
    }
  }

  /* ------------------------------------------------------------------------------------------ actions */

  /** ERC-7575 deposit of `amount` of LRT asset `a` by `user`, for itself, with `minShares` (depositWithMinShares). */
  async lrtDeposit(
    user: Account,
    a: number,
    amount: bigint,
    minShares: bigint,
    note?: string,
  ): Promise<void> {
    const asset = this.lrtAssets[a];
    const book = this.books[a];
    const v = this.valuation(false);
    const value = tokenValueDown(amount, this.prices[a], UNIT);
    const shares = toSharesDown(value, v.total, this.lrtSupply);
    let node = Number(IDLE);
    let exposure = 0n;
    const at = this.soon();
    let outcome: Outcome<void> = { commit: () => undefined };
    const closed = this.everyPoolClosed(asset);
    if (amount === 0n) outcome = lrtRevert("ZeroAmount");
    else if (!this.enabled[a]) outcome = lrtRevert("DepositsDisabled", asset);
    else if (book.deposited + amount > this.caps[a]) {
      outcome = lrtRevert("CapExceeded", asset, this.caps[a], book.deposited + amount);
    } else {
      let refusal: Revert | undefined;
      // A deposit the asset's pending requests need in full stays idle (review 3 F1, review 4 F1). The tokens in
      // flight for redemptions are read from the chain (the walk does not model inFlightRedeem).
      const owed = toTokensUp(book.pendingRedeemValue, this.prices[a], UNIT);
      const inFlight = (await this.lf.manager.assetBook(asset)).inFlightRedeem;
      if (
        book.idle + inFlight + amount > owed &&
        v.freeIdle >= bpsDown(v.total + value, this.policy.bufferBps)
      ) {
        const picked = this.pickNode(v, a, value, at);
        if ("revert" in picked) refusal = picked.revert;
        else [node, exposure] = [picked.node, picked.exposure];
      }
      if (refusal !== undefined) outcome = { revert: refusal };
      else if (shares < minShares || shares === 0n)
        outcome = lrtRevert("SharesBelowMinimum", shares, minShares);
      else if (node !== Number(IDLE)) {
        // the node's vault deposit, as the core model predicts it (the node holds the tokens then)
        const n = this.lrtNodes[node].address;
        this.model.setWallet(n, asset, this.model.wallet(n, asset) + amount);
        const o = this.model.deposit(n, asset, amount, 1n);
        this.model.setWallet(n, asset, this.model.wallet(n, asset) - amount);
        if (isRevert(o)) outcome = o;
      }
    }
    const ep = this.lf.entryPoints[a].connect(user);
    const label = `lrtDeposit ${this.name(user.address)} ${amount} ${this.name(asset)} (min ${minShares})`;
    const where = node === Number(IDLE) ? "idle" : `node${node}`;
    const ok = await this.lrtRunAt(
      at,
      label,
      outcome,
      () =>
        minShares === 0n
          ? ep.deposit(amount, user.address)
          : ep.depositWithMinShares(amount, user.address, minShares),
      (events) => {
        expect(this.only(events, "Deposited"), `${label}: shares, value and ${where}`).to.deep.equal([
          [norm(user.address), norm(user.address), asset, amount, shares, value, BigInt(node)],
        ]);
        book.deposited += amount;
        if (node === Number(IDLE)) book.idle += amount;
        else {
          this.exposureCache[node] = exposure;
          const [staked] = this.only(events, "Staked");
          this.lrtNodes[node].active[a] += big(staked[3]);
        }
        this.addLrtBalance(user.address, shares);
        this.lrtSupply += shares;
      },
      note,
    );
    if (closed && amount !== 0n)
      this.count(`lrt deposit while every node's pool is closed ${ok ? "(idle)" : "reverts"}`);
    if (ok) this.count(`lrt deposit to ${node === Number(IDLE) ? "idle" : "a node"}`);
  }

  /** ERC-7540 requestRedeem of `shares` by `user` (owner and controller) in LRT asset `a`. */
  async lrtRequest(user: Account, a: number, shares: bigint, note?: string): Promise<void> {
    const asset = this.lrtAssets[a];
    const v = this.valuation(false);
    const value = toValueDown(shares, v.total, this.lrtSupply);
    const owed = this.books[a].pendingRedeemValue;
    const held = v.assetValues[a];
    const balance = this.lrtBalance(user.address);
    let outcome: Outcome<void> = { commit: () => undefined };
    if (shares === 0n || value === 0n) outcome = lrtRevert("ZeroAmount");
    else if (value + owed > held) {
      outcome = lrtRevert("RedeemExceedsAssetLiquidity", asset, value, held > owed ? held - owed : 0n);
    } else if (shares > balance) {
      outcome = {
        revert: {
          target: "lrtToken",
          error: "ERC20InsufficientBalance",
          args: [norm(user.address), balance, shares],
        },
      };
    }
    const pendingSlash = this.lrtNodes.some((n) =>
      this.lrtAssets.some((x) => this.model.vault.pool(n.operator, x).pendingRequests !== 0n),
    );
    const label = `lrtRequest ${this.name(user.address)} ${shares} in ${this.name(asset)}`;
    const ok = await this.lrtRun(
      label,
      outcome,
      () => this.lf.entryPoints[a].connect(user).requestRedeem(shares, user.address, user.address),
      (events) => {
        const [e] = this.only(events, "RedeemRequested");
        const id = big(e[0]);
        expect(
          e.slice(1).map(String),
          `${label}: controller, owner, caller, asset, shares, value at request`,
        ).to.deep.equal(
          [user.address, user.address, user.address, asset, shares, value].map((x) => String(x)),
        );
        this.requests.set(id, {
          controller: norm(user.address),
          asset: a,
          shares,
          value,
          status: 1,
          assets: 0n,
          paidValue: 0n,
        });
        this.queues[a].push(id);
        this.books[a].pendingRedeemValue += value;
        this.addLrtBalance(user.address, -shares);
        this.addLrtBalance(this.lf.managerAddress, shares);
      },
      note,
    );
    if (ok && pendingSlash) this.count("lrt request while a slash request is pending on a node's pool");
  }

  /** processRequests(asset, maxCount) by anyone: the fulfilments predicted exactly; the withdrawals it queues checked. */
  async lrtProcess(a: number, maxCount: bigint): Promise<void> {
    const asset = this.lrtAssets[a];
    const v = this.valuation(true);
    const price = this.prices[a];
    let idle = this.books[a].idle;
    let supply = this.lrtSupply;
    let total = v.total;
    const fulfilled: Array<{ id: bigint; shares: bigint; assets: bigint; valueNow: bigint }> = [];
    let held = false;
    let short = false;
    for (const id of this.queues[a]) {
      if (BigInt(fulfilled.length) >= maxCount) break;
      const r = required(this.requests.get(id), "request");
      const valueNow = toValueDown(r.shares, total, supply);
      const value = r.value < valueNow ? r.value : valueNow;
      const assets = toTokensDown(value, price, UNIT);
      if (assets > idle) {
        short = true;
        break;
      }
      if (v.pendingValue * BPS > total * PENDING_SLASH_TOLERANCE_BPS) {
        held = true;
        break;
      }
      idle -= assets;
      const paid = tokenValueDown(assets, price, UNIT);
      total -= paid < total ? paid : total;
      supply -= r.shares;
      fulfilled.push({ id, shares: r.shares, assets, valueNow });
    }
    const label = `lrtProcess ${this.name(asset)} max ${maxCount}`;
    await this.lrtRun(
      label,
      { commit: () => undefined },
      () => this.lf.manager.connect(this.f.outsider).processRequests(asset, maxCount),
      (events) => {
        expect(
          this.only(events, "RedeemFulfilled"),
          `${label}: the requests fulfilled and their payouts`,
        ).to.deep.equal(
          fulfilled.map((x) => [
            x.id,
            required(this.requests.get(x.id), "request").controller,
            asset,
            x.shares,
            x.assets,
          ]),
        );
        for (const x of fulfilled) {
          const r = required(this.requests.get(x.id), "request");
          const paidValue = tokenValueDown(x.assets, price, UNIT);
          // invariant 8: a fulfilment pays at most the value at request, and at most the shares' value now
          expect(paidValue, `request ${x.id} paid more than its value at request`).to.be.lte(r.value);
          expect(paidValue, `request ${x.id} paid more than its value now`).to.be.lte(x.valueNow);
          r.status = 2;
          r.assets = x.assets;
          r.paidValue = paidValue;
          const book = this.books[a];
          book.idle -= x.assets;
          book.reserved += x.assets;
          book.deposited -= x.assets < book.deposited ? x.assets : book.deposited;
          book.pendingRedeemValue -= r.value;
          const cl = this.claimableOf(a, r.controller);
          this.claimables.set(`${a}|${r.controller}`, {
            shares: cl.shares + r.shares,
            assets: cl.assets + x.assets,
          });
          this.addLrtBalance(this.lf.managerAddress, -r.shares);
          this.lrtSupply -= r.shares;
          this.queues[a].shift();
        }
        this.recordQueued(events);
        if (fulfilled.length !== 0) this.count("lrt fulfil");
        if (held)
          this.count("lrt processRequests with a pending slash above the tolerance: fulfils nothing more");
        if (short && this.only(events, "WithdrawalQueued").length !== 0)
          this.count("lrt processRequests queues withdrawals");
      },
    );
  }

  /** completeWithdrawals(ids) by anyone. */
  async lrtComplete(ids: bigint[], note?: string): Promise<void> {
    let outcome: Outcome<void> = { commit: () => undefined };
    const at = this.soon();
    for (const id of ids) {
      const w = this.lrtWithdrawals.get(id);
      if (w === undefined) {
        outcome = lrtRevert("UnknownWithdrawal", id);
        break;
      }
      const o = this.model.completeWithdrawal(this.lrtNodes[w.node].address, id, true, 0n, at);
      if (isRevert(o)) {
        outcome = o;
        break;
      }
    }
    const label = `lrtComplete [${ids.map((id) => `${this.name(ethers.getAddress(ethers.toBeHex(id >> 96n, 20)))}#${id & 0xffffn}`).join(", ")}]`;
    await this.lrtRunAt(
      at,
      label,
      outcome,
      () => this.lf.manager.connect(this.f.outsider).completeWithdrawals(ids),
      (events) => {
        const completed = this.only(events, "WithdrawalCompleted");
        expect(
          completed.map((e) => big(e[0])),
          `${label}: completed`,
        ).to.deep.equal(ids);
        for (const e of completed) {
          const id = big(e[0]);
          const w = required(this.lrtWithdrawals.get(id), "withdrawal");
          this.lrtNodes[w.node].queued[w.asset] -= w.shares;
          this.books[w.asset].idle += big(e[3]);
          this.lrtWithdrawals.delete(id);
        }
        if (completed.length !== 0) this.count("lrt completeWithdrawals");
      },
      note,
    );
  }

  /** lrtRun at a given timestamp (the predictions were made for it). */
  private async lrtRunAt(
    at: bigint,
    label: string,
    outcome: Outcome<void>,
    send: () => Promise<import("ethers").ContractTransactionResponse>,
    apply: (events: Array<[string, Result]>) => void,
    note?: string,
  ): Promise<boolean> {
    this.watchLRT();
    const { receipt } = await this.run(label, at, outcome, send, false, note);
    if (receipt !== undefined) {
      this.applyToCore(receipt, at);
      apply(this.managerEvents(receipt));
    }
    await this.check();
    return receipt !== undefined;
  }

  /** A claim of `user`'s fulfilled request `id` (claim), or by shares (redeem) or by assets (withdraw). */
  async lrtClaim(
    user: Account,
    a: number,
    how: { byRequest: bigint } | { shares: bigint } | { assets: bigint },
  ): Promise<void> {
    const controller = norm(user.address);
    const cl = this.claimableOf(a, controller);
    let shares = 0n;
    let assets = 0n;
    let outcome: Outcome<void> = { commit: () => undefined };
    let requestId = 0n;
    let label: string;
    let send: () => Promise<import("ethers").ContractTransactionResponse>;
    const ep = this.lf.entryPoints[a].connect(user);
    if ("byRequest" in how) {
      requestId = how.byRequest;
      const r = this.requests.get(requestId);
      label = `lrtClaim #${requestId} by ${this.name(controller)}`;
      send = () => ep.claim(requestId, controller, 0n);
      // the walk claims only the user's own requests (the entry point authorizes the controller first)
      if (r === undefined || r.controller !== controller)
        throw new Error(`walk: ${label} of another controller`);
      if (r.status !== 2 || r.asset !== a) outcome = lrtRevert("NotClaimable", requestId, BigInt(r.status));
      else [shares, assets] = [r.shares, r.assets];
    } else if ("shares" in how) {
      shares = how.shares;
      label = `lrtClaim redeem ${shares} claimable shares of ${this.name(controller)} in ${this.name(this.lrtAssets[a])}`;
      send = () => ep.redeem(shares, controller, controller);
      if (shares > cl.shares || shares === 0n)
        outcome = lrtRevert("ClaimExceeded", controller, cl.shares, shares);
      else assets = mulDivFloor(cl.assets, shares, cl.shares);
    } else {
      assets = how.assets;
      label = `lrtClaim withdraw ${assets} claimable ${this.name(this.lrtAssets[a])} of ${this.name(controller)}`;
      send = () => ep.withdraw(assets, controller, controller);
      if (assets > cl.assets || assets === 0n)
        outcome = lrtRevert("ClaimExceeded", controller, cl.assets, assets);
      else shares = mulDivCeil(cl.shares, assets, cl.assets);
    }
    await this.lrtRun(label, outcome, send, (events) => {
      expect(this.only(events, "RedeemClaimed"), `${label}: paid`).to.deep.equal([
        [requestId, controller, controller, this.lrtAssets[a], shares, assets],
      ]);
      this.claimables.set(`${a}|${controller}`, { shares: cl.shares - shares, assets: cl.assets - assets });
      this.books[a].reserved -= assets;
      if (requestId !== 0n) required(this.requests.get(requestId), "request").status = 3;
      this.count("lrt claim");
    });
  }

  /** instantRedeem(shares, asset, minOut, user) by `user`. */
  async lrtInstant(user: Account, a: number, shares: bigint, minOut: bigint, note?: string): Promise<void> {
    const asset = this.lrtAssets[a];
    let outcome: Outcome<void> = { commit: () => undefined };
    let quote: { out: bigint; fee: bigint; value: bigint } | undefined;
    if (shares === 0n) outcome = lrtRevert("ZeroAmount");
    else {
      const q = this.instantQuote(a, shares);
      if ("error" in q) outcome = { revert: q };
      else if (q.out < minOut || q.out === 0n) outcome = lrtRevert("AssetsBelowMinimum", q.out, minOut);
      else if (shares > this.lrtBalance(user.address)) {
        outcome = {
          revert: {
            target: "lrtToken",
            error: "ERC20InsufficientBalance",
            args: [norm(user.address), this.lrtBalance(user.address), shares],
          },
        };
      } else quote = q;
    }
    const label = `lrtInstant ${this.name(user.address)} ${shares} for ${this.name(asset)} (min ${minOut})`;
    const freeBefore = this.freeIdle(a);
    await this.lrtRun(
      label,
      outcome,
      () => this.lf.manager.connect(user).instantRedeem(shares, asset, minOut, user.address),
      (events) => {
        const q = required(quote, "quote");
        expect(this.only(events, "InstantRedeemed"), `${label}: paid and fee`).to.deep.equal([
          [norm(user.address), norm(user.address), asset, shares, q.out, q.fee],
        ]);
        // invariant 8: an instant exit pays (with its fee) at most the value of its shares
        expect(
          tokenValueDown(q.out + q.fee, this.prices[a], UNIT),
          `${label}: paid more than the value`,
        ).to.be.lte(q.value);
        const book = this.books[a];
        book.idle -= q.out;
        book.deposited -= q.out < book.deposited ? q.out : book.deposited;
        this.addLrtBalance(user.address, -shares);
        this.lrtSupply -= shares;
        this.count("lrt instantRedeem");
        if (q.out + q.fee > freeBefore / 2n)
          this.count("lrt instantRedeem takes half the free buffer or more");
      },
      note,
    );
  }

  /**
   * harvest() by anyone: each node's rewards in the accepted assets with countRewards (to the manager's idle, the
   * protocol fee minted to the treasury) and in the other reward tokens (forwarded to the rewards receiver); nothing
   * while no token is configured (the seeded walk, and the property test until a command sets one).
   */
  async lrtHarvest(): Promise<void> {
    const plan = this.harvestPlan();
    await this.lrtRun(
      "lrtHarvest",
      plan.outcome,
      () => this.lf.manager.connect(this.f.outsider).harvest(),
      (events, receipt, at) => {
        this.applyHarvest(plan, events, receipt, at);
        this.count("lrtHarvest");
      },
    );
  }

  /* ------------------------------------------------------------------------------------------ harvest */

  /**
   * Why a harvest claiming `tokens` from the distributor reverts there: none without a reward tracker (the property
   * test's PropertyDriver: its GROUP_CLAIMS paused, an unlisted token).
   */
  protected harvestRefusal(tokens: string[]): Revert | undefined {
    void tokens;
    return undefined;
  }

  /**
   * The distributor's claims of a harvest (each node's RewardsClaimed in `tokens`, paid to the manager), checked
   * against the reward model and followed by the reward tracker (PropertyDriver); returns each node's amount per
   * token. The first `accepted` tokens stay with the manager, the others go on to the rewards receiver.
   */
  protected harvestClaims(
    receipt: ContractTransactionReceipt,
    tokens: string[],
    accepted: number,
    at: bigint,
  ): bigint[][] {
    void receipt;
    void accepted;
    void at;
    throw new Error(`lrt model: a harvest of [${tokens.join(", ")}] without a reward tracker`);
  }

  /**
   * A harvest (LRTOperations._harvest), predicted before it runs: the reward tokens (_rewardTokens: the accepted
   * assets with countRewards in asset order, then setConfig's other tokens), the distributor's refusal, and the exit
   * valuation before it without the rewards (applyHarvest adds them: they are exactly the amounts harvested, in the
   * same block).
   */
  protected harvestPlan(): HarvestPlan {
    const acceptedTokens = this.lrtAssets.filter((_, a) => this.countRewards[a]);
    const tokens = [...acceptedTokens, ...this.otherRewardTokens];
    const refusal = tokens.length === 0 ? undefined : this.harvestRefusal(tokens);
    return {
      outcome: refusal === undefined ? { commit: () => undefined } : { revert: refusal },
      tokens,
      accepted: acceptedTokens.length,
      v: this.valuation(true, () => 0n),
    };
  }

  /**
   * A harvest's events, exactly: Harvested(node, token, amount, toIdle) per node and token with a non-zero claim, in
   * the contract's order; each accepted amount to the asset's idle, its fee bpsUp(amount, feeBps) valued
   * tokenValueDown at the exit price; FeeMinted(treasury, toSharesDown(sum of the fees' values, total, supply), sum)
   * when the shares are not 0, where total is the exit valuation before the harvest including the pending rewards net
   * of the fee, each node's rounded down (LRTValuation._valueRewards): the amounts just harvested.
   */
  protected applyHarvest(
    plan: HarvestPlan,
    events: Array<[string, Result]>,
    receipt: ContractTransactionReceipt,
    at: bigint,
  ): void {
    if (plan.tokens.length === 0) {
      expect(this.only(events, "Harvested"), "nothing to harvest").to.deep.equal([]);
      expect(this.only(events, "FeeMinted"), "no fee minted").to.deep.equal([]);
      return;
    }
    const amounts = this.harvestClaims(receipt, plan.tokens, plan.accepted, at);
    let total = plan.v.total;
    let feeValue = 0n;
    let moved = false;
    let forwarded = false;
    const expected: unknown[][] = [];
    for (const [i] of this.lrtNodes.entries()) {
      for (const [t, token] of plan.tokens.entries()) {
        const amount = amounts[i][t];
        if (amount === 0n) continue;
        const toIdle = t < plan.accepted;
        expected.push([BigInt(i), token, amount, toIdle]);
        if (!toIdle) {
          forwarded = true;
          continue;
        }
        const a = this.lrtAssets.indexOf(norm(token));
        total += this.netRewardValue(a, amount);
        feeValue += tokenValueDown(bpsUp(amount, this.policy.protocolFeeBps), this.prices[a], UNIT);
        this.books[a].idle += amount;
        moved = true;
      }
    }
    expect(this.only(events, "Harvested"), "Harvested: each node's claims").to.deep.equal(expected);
    const feeShares = toSharesDown(feeValue, total, this.lrtSupply);
    expect(this.only(events, "FeeMinted"), "FeeMinted").to.deep.equal(
      feeShares === 0n ? [] : [[this.treasury, feeShares, feeValue]],
    );
    if (feeShares !== 0n) {
      this.addLrtBalance(this.treasury, feeShares);
      this.lrtSupply += feeShares;
      this.count("lrt FeeMinted");
    }
    if (moved) this.count("lrt harvest moves rewards");
    if (forwarded) this.count("lrt harvest forwards other rewards");
  }

  /** rebalance(node, asset, shares) by the manager role. */
  async lrtRebalance(i: number, a: number, shares: bigint): Promise<void> {
    const node = this.lrtNodes[i];
    const asset = this.lrtAssets[a];
    let outcome: Outcome<void> = { commit: () => undefined };
    if (node.undelegated) outcome = lrtRevert("NodeUndelegated", BigInt(i));
    else if (shares === 0n || shares > node.active[a]) {
      outcome = lrtRevert("InsufficientNodeShares", BigInt(i), node.active[a], shares);
    } else {
      const o = this.model.queueWithdrawal(node.address, asset, shares, this.soon());
      if (isRevert(o)) outcome = o;
    }
    await this.lrtRun(
      `lrtRebalance node${i} ${shares} shares of ${this.name(asset)}`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).rebalance(i, asset, shares),
      (events) => {
        expect(this.only(events, "WithdrawalQueued").map((e) => [e[1], e[2], e[3], e[4]])).to.deep.equal([
          [BigInt(i), asset, shares, 0n],
        ]);
        this.recordQueued(events);
        this.count("lrt rebalance");
      },
    );
  }

  /** An oracle price move of LRT asset `a` to `price` (MockLRTOracle.setPrice). */
  async lrtPrice(a: number, price: bigint): Promise<void> {
    const asset = this.lrtAssets[a];
    const fell = price < this.prices[a];
    await this.lrtRun(
      `oraclePrice ${this.name(asset)} ${this.prices[a]} -> ${price}`,
      { commit: () => undefined },
      () => this.lf.oracle.setPrice(asset, price),
      () => {
        this.prices[a] = price;
        this.priceFell = fell;
        this.count(fell ? "lrt price falls" : "lrt price rises");
      },
    );
  }

  /** setWeights(weights) by the manager role; InvalidWeights unless they sum to 10_000. */
  async lrtWeights(weights: bigint[]): Promise<void> {
    const sum = weights.reduce((s, w) => s + w, 0n);
    const outcome: Outcome<void> =
      sum === BPS ? { commit: () => undefined } : lrtRevert("InvalidWeights", BigInt(weights.length), sum);
    await this.lrtRun(
      `lrtSetWeights [${weights.join(", ")}]`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setWeights(weights),
      () => {
        weights.forEach((w, i) => (this.lrtNodes[i].weight = w));
        this.count("lrt setWeights");
      },
    );
  }

  /* ------------------------------------------------------------------------------------------ admin setters */

  /** The policy as PolicySet emits it (ILRTManager.Policy's field order). */
  private policyTuple(): bigint[] {
    const p = this.policy;
    return [
      p.maxOperatorShareBps,
      p.maxSlashExposureBps,
      p.bufferBps,
      p.baseFeeBps,
      p.maxFeeBps,
      p.protocolFeeBps,
    ];
  }

  private expectPolicySet(events: Array<[string, Result]>): void {
    const set = this.only(events, "PolicySet").map((e) => [...(e[0] as Result)]);
    expect(set, "PolicySet").to.deep.equal([this.policyTuple()]);
  }

  /**
   * setAssetConfig(asset, cap, enabled, countRewards) by the manager role. The cap is stored as a uint96 (a larger one
   * clamps to its max; the event carries it as given). countRewards needs the distributor to list the asset as a
   * reward token (isRewardToken; the property test lists rETH: test/model/rewardCommands.ts), else the distributor's
   * RewardTokenNotAllowed(asset); turning it off harvests first (LRTOperations.setAssetConfig: the counted pending
   * rewards are settled, so the rate does not drop), with the harvest's refusals.
   */
  async lrtSetAssetConfig(a: number, cap: bigint, enabled: boolean, countRewards: boolean): Promise<void> {
    const asset = this.lrtAssets[a];
    const stored = cap > UINT96_MAX ? UINT96_MAX : cap;
    const turnsOff = this.countRewards[a] && !countRewards;
    const plan = this.harvestPlan();
    let outcome: Outcome<void> = { commit: () => undefined };
    if (countRewards && !this.isRewardToken(asset))
      outcome = { revert: { target: "rd", error: "RewardTokenNotAllowed", args: [asset] } };
    else if (turnsOff) outcome = plan.outcome;
    await this.lrtRun(
      `lrtSetAssetConfig ${this.name(asset)} cap ${cap} enabled ${enabled} countRewards ${countRewards}`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setAssetConfig(asset, cap, enabled, countRewards),
      (events, receipt, at) => {
        if (turnsOff) this.applyHarvest(plan, events, receipt, at);
        else {
          expect(this.only(events, "Harvested"), "no harvest").to.deep.equal([]);
          expect(this.only(events, "FeeMinted"), "no fee minted").to.deep.equal([]);
        }
        expect(this.only(events, "AssetConfigSet"), "AssetConfigSet").to.deep.equal([
          [asset, cap, enabled, countRewards],
        ]);
        this.caps[a] = stored;
        this.enabled[a] = enabled;
        this.countRewards[a] = countRewards;
        if (!enabled) this.count("lrt deposits disabled");
        if (stored < this.books[a].deposited) this.count("lrt cap below the deposits");
        if (countRewards) this.count("lrtSetAssetConfig countRewards");
        if (turnsOff) this.count("lrtSetAssetConfig countRewards off harvests");
      },
    );
  }

  /** Whether the distributor lists `token` as a reward token (none in the seeded walk; the property test's tracker). */
  protected isRewardToken(token: string): boolean {
    void token;
    return false;
  }

  /** setRiskCaps(maxOperatorShareBps, maxSlashExposureBps) by the manager role: each at most 10,000, the first not 0. */
  async lrtSetRiskCaps(share: bigint, exposure: bigint): Promise<void> {
    let outcome: Outcome<void> = { commit: () => undefined };
    if (share > BPS || share === 0n) outcome = lrtRevert("InvalidParameter", share, BPS);
    else if (exposure > BPS) outcome = lrtRevert("InvalidParameter", exposure, BPS);
    await this.lrtRun(
      `lrtSetRiskCaps ${share} ${exposure}`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setRiskCaps(share, exposure),
      (events) => {
        [this.policy.maxOperatorShareBps, this.policy.maxSlashExposureBps] = [share, exposure];
        this.expectPolicySet(events);
      },
    );
  }

  /** setBuffer(bufferBps, baseFeeBps, maxFeeBps) by the default admin: buffer at most 10,000, max fee at most 10%. */
  async lrtSetBuffer(buffer: bigint, baseFee: bigint, maxFee: bigint): Promise<void> {
    let outcome: Outcome<void> = { commit: () => undefined };
    if (buffer > BPS) outcome = lrtRevert("InvalidParameter", buffer, BPS);
    else if (maxFee > MAX_INSTANT_FEE_BPS)
      outcome = lrtRevert("InvalidParameter", maxFee, MAX_INSTANT_FEE_BPS);
    else if (baseFee > maxFee) outcome = lrtRevert("InvalidParameter", baseFee, maxFee);
    await this.lrtRun(
      `lrtSetBuffer ${buffer} ${baseFee} ${maxFee}`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setBuffer(buffer, baseFee, maxFee),
      (events) => {
        [this.policy.bufferBps, this.policy.baseFeeBps, this.policy.maxFeeBps] = [buffer, baseFee, maxFee];
        this.expectPolicySet(events);
      },
    );
  }

  /**
   * setProtocolFee(fee) by the default admin (at most 20%): it harvests first at the old fee (applyHarvest; the
   * distributor's refusals of the harvest revert the change), then sets the fee.
   */
  async lrtSetProtocolFee(fee: bigint): Promise<void> {
    const plan = this.harvestPlan();
    const outcome: Outcome<void> =
      fee > MAX_PROTOCOL_FEE_BPS ? lrtRevert("InvalidParameter", fee, MAX_PROTOCOL_FEE_BPS) : plan.outcome;
    await this.lrtRun(
      `lrtSetProtocolFee ${fee}`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setProtocolFee(fee),
      (events, receipt, at) => {
        this.applyHarvest(plan, events, receipt, at);
        this.policy.protocolFeeBps = fee;
        this.expectPolicySet(events);
      },
    );
  }

  /**
   * setConfig(oracle, treasury, rewardsReceiver, otherRewardTokens) by the default admin: none address(0)
   * (ZeroAddress), at most 8 other tokens (ListFull(8)); no harvest. Later harvests claim the other tokens and forward
   * them to the receiver (applyHarvest), and mint the fee to the new treasury (an LRT holder the model checks:
   * lrtHolders). The oracle stays the LRT's MockLRTOracle (the model prices from it) or is address(0).
   */
  async lrtSetConfig(oracle: string, treasury: string, receiver: string, others: string[]): Promise<void> {
    let outcome: Outcome<void> = { commit: () => undefined };
    if ([oracle, treasury, receiver].includes(ethers.ZeroAddress)) outcome = lrtRevert("ZeroAddress");
    else if (BigInt(others.length) > MAX_OTHER_REWARD_TOKENS)
      outcome = lrtRevert("ListFull", MAX_OTHER_REWARD_TOKENS);
    else if (norm(oracle) !== norm(this.lf.oracle.target as string))
      throw new Error("lrt model: setConfig prices only from the LRT's MockLRTOracle");
    if (!this.lrtHolders.includes(norm(treasury)) && treasury !== ethers.ZeroAddress)
      throw new Error(`lrt model: the treasury ${treasury} is not an LRT holder the model checks`);
    await this.lrtRun(
      `lrtSetConfig oracle ${this.name(oracle)} treasury ${this.name(treasury)} receiver ${this.name(receiver)} others [${others.map((t) => this.name(t)).join(", ")}]`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setConfig(oracle, treasury, receiver, others),
      (events) => {
        expect(
          this.only(events, "ConfigSet").map((e) => [e[0], e[1], e[2], [...(e[3] as Result)]]),
          "ConfigSet",
        ).to.deep.equal([[oracle, treasury, receiver, others]]);
        expect(this.only(events, "Harvested"), "no harvest").to.deep.equal([]);
        this.treasury = norm(treasury);
        this.rewardsReceiver = norm(receiver);
        this.otherRewardTokens = others.map(norm);
        this.count("lrtSetConfig");
        if (others.length !== 0) this.count("lrtSetConfig with other reward tokens");
      },
    );
  }

  /** setAllowedAVSs(avss) by the manager role: at most 16, none address(0); later deposits' risk checks use it. */
  async lrtSetAllowedAVSs(avss: string[]): Promise<void> {
    let outcome: Outcome<void> = { commit: () => undefined };
    if (avss.length > MAX_AVSS) outcome = lrtRevert("ListFull", MAX_AVSS);
    else if (avss.some((x) => x === ethers.ZeroAddress)) outcome = lrtRevert("ZeroAddress");
    await this.lrtRun(
      `lrtSetAllowedAVSs [${avss.map((x) => this.name(x)).join(", ")}]`,
      outcome,
      () => this.lf.manager.connect(this.f.admin).setAllowedAVSs(avss),
      (events) => {
        expect(
          this.only(events, "AllowedAVSsSet").map((e) => [...(e[0] as Result)]),
          "AllowedAVSsSet",
        ).to.deep.equal([avss]);
        this.allowed = avss.map(norm);
      },
    );
  }

  /** The node's operator undelegates node `i` (a core action: the vault queues every share the node holds). */
  async lrtUndelegateNode(i: number): Promise<void> {
    const node = this.lrtNodes[i];
    const operator = this.signer(node.operator);
    const at = this.soon();
    this.watchLRT();
    const { value } = await this.run(
      `undelegateNode node${i} by ${this.name(node.operator)}`,
      at,
      this.model.undelegate(node.operator, node.address, at),
      () => this.f.registry.connect(operator).undelegate(node.address),
    );
    if (value !== undefined) {
      this.checker.addWithdrawals(value.ids);
      for (const id of value.ids) this.scope.ids.add(id);
      this.count("operator undelegates a node");
    }
    await this.check();
  }

  /** syncNode(i) by anyone. */
  async lrtSync(i: number): Promise<void> {
    await this.lrtRun(
      `lrtSync node${i}`,
      { commit: () => undefined },
      () => this.lf.manager.connect(this.f.outsider).syncNode(i),
      (events) => this.recordQueued(events),
    );
  }

  /** redelegateNode(i, its operator) by the manager role, once synced and empty. */
  async lrtRedelegate(i: number): Promise<void> {
    const node = this.lrtNodes[i];
    const empty = this.lrtAssets.every((_, a) => node.active[a] === 0n && node.queued[a] === 0n);
    let outcome: Outcome<void> = { commit: () => undefined };
    if (!node.undelegated || !empty || this.model.vault.operatorOf(node.address) !== ZERO) {
      outcome = lrtRevert("NodeNotEmpty", BigInt(i));
    }
    await this.lrtRun(
      `lrtRedelegate node${i} to ${this.name(node.operator)}`,
      outcome,
      () =>
        this.lf.manager
          .connect(this.f.admin)
          .redelegateNode(i, node.operator, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
      () => {
        node.undelegated = false;
        this.count("lrt redelegateNode");
      },
    );
  }

  /* ------------------------------------------------------------------------------------------ invariant 8 */

  /**
   * The nodes' pending rewards as the step's read reports them (`pendingRewards(node, token)`, valid once the batch
   * ran): the property test's reward tracker reads them for every staker and listed token (PropertyDriver); 0 here.
   */
  protected stepPendingRewards(b: Batch): (node: string, token: string) => bigint {
    void b;
    return () => 0n;
  }

  /**
   * After every step: the LRT's views, read in the step's batch (the core's eth_call), compared with the books and the
   * valuation, and invariant 8 (a)-(d).
   */
  protected override afterCheckViews(b: Batch): () => void {
    const f = this.lf;
    const M = f.manager.interface;
    const L = f.lrt.interface;
    const T = this.tokens[0].interface;
    const m = f.managerAddress;
    const exitValue = b.add(m, M, "totalValue", [true], (r) => big(r[0]));
    const entryValue = b.add(m, M, "totalValue", [false], (r) => big(r[0]));
    const rate = b.add(m, M, "getRate", [], (r) => big(r[0]));
    const supply = b.add(f.lrtAddress, L, "totalSupply", [], (r) => big(r[0]));
    const holders = [...this.lrtHolders, m];
    const pending = this.stepPendingRewards(b);
    const balances = holders.map(
      (h) => [h, b.add(f.lrtAddress, L, "balanceOf", [h], (r) => big(r[0]))] as const,
    );
    const books = this.lrtAssets.map((a) =>
      b.add(m, M, "assetBook", [a], (r) => ({
        idle: big(field(r[0], "idle")),
        reserved: big(field(r[0], "reserved")),
        deposited: big(field(r[0], "deposited")),
        pendingRedeemValue: big(field(r[0], "pendingRedeemValue")),
      })),
    );
    const tokenBalances = this.lrtAssets.map((a) => b.add(a, T, "balanceOf", [m], (r) => big(r[0])));
    const claimables = this.lrtAssets.map((a) =>
      this.lrtUsers.map((u) =>
        b.add(m, M, "claimable", [a, u.address], (r) => ({
          shares: big(field(r[0], "shares")),
          assets: big(field(r[0], "assets")),
        })),
      ),
    );
    const positions = this.lrtNodes.map((_, i) =>
      this.lrtAssets.map((a) =>
        b.add(m, M, "position", [i, a], (r) => ({
          active: big(field(r[0], "active")),
          queued: big(field(r[0], "queued")),
        })),
      ),
    );
    const infos = this.lrtNodes.map((_, i) =>
      b.add(m, M, "node", [i], (r) => ({
        operator: str(field(r[0], "operator")),
        weightBps: big(field(r[0], "weightBps")),
        undelegated: bool(field(r[0], "undelegated")),
      })),
    );
    return () => {
      const mismatches: string[] = [];
      const compare = (what: string, actual: unknown, expected: unknown): void => {
        const [x, y] = [show(actual), show(expected)];
        if (x !== y) mismatches.push(`${what}: chain ${x}, model ${y}`);
      };
      // the books, positions and nodes kept from the events
      for (const [a, book] of books.entries())
        compare(`assetBook(${this.name(this.lrtAssets[a])})`, book.value, this.books[a]);
      for (const [i, n] of this.lrtNodes.entries()) {
        compare(`node(${i})`, infos[i].value, {
          operator: n.operator,
          weightBps: n.weight,
          undelegated: n.undelegated,
        });
        for (const [a, asset] of this.lrtAssets.entries()) {
          compare(`position(${i}, ${this.name(asset)})`, positions[i][a].value, {
            active: n.active[a],
            queued: n.queued[a],
          });
          // the LRT's position is the node's stake as the core model knows it
          compare(
            `node${i}'s ${this.name(asset)} shares: LRT vs core model`,
            n.active[a] + n.queued[a],
            this.coreShares(i, asset),
          );
        }
      }
      // (b) total value, from the core model's pools, the nodes' shares, the idle counters and the prices
      const exit = this.valuation(true, pending);
      const entry = this.valuation(false, pending);
      compare("totalValue(true) (exit)", exitValue.value, exit.total);
      compare("totalValue(false) (entry)", entryValue.value, entry.total);
      // (d) supply: holders + the escrow of pending requests
      compare("totalSupply", supply.value, this.lrtSupply);
      for (const [h, slot] of balances)
        compare(`LRT balance of ${this.name(h)}`, slot.value, this.lrtBalance(h));
      let escrow = 0n;
      for (const r of this.requests.values()) if (r.status === 1) escrow += r.shares;
      const held = balances.reduce((s, [, slot]) => s + slot.value, 0n);
      compare("totalSupply = holders + manager (the escrow)", supply.value, held);
      compare(
        "the manager's LRT balance = the escrowed shares of pending requests",
        this.lrtBalance(m),
        escrow,
      );
      // (c) solvency of the books
      for (const [a, asset] of this.lrtAssets.entries()) {
        const book = books[a].value;
        if (book.idle + book.reserved > tokenBalances[a].value) {
          mismatches.push(
            `solvency: ${this.name(asset)} idle ${book.idle} + reserved ${book.reserved} > balance ${tokenBalances[a].value}`,
          );
        }
        const claimable = claimables[a].reduce((s, slot) => s + slot.value.assets, 0n);
        compare(`sum of claimable ${this.name(asset)} = reserved`, claimable, book.reserved);
        for (const [k, u] of this.lrtUsers.entries()) {
          compare(
            `claimable(${this.name(asset)}, ${this.name(u.address)})`,
            claimables[a][k].value,
            this.claimableOf(a, u.address),
          );
        }
      }
      // (a) the rate, and every payout at most the value at request
      const expectedRate = rateDown(exit.total, this.lrtSupply);
      compare("getRate()", rate.value, expectedRate);
      const flagged = this.priceFell || this.lrtNodes.some((n) => this.slashedOperators.has(n.operator));
      if (this.lastRate !== 0n && rate.value + 1n < this.lastRate) {
        if (flagged) this.count("lrt rate falls at a slash or a price fall");
        else
          mismatches.push(
            `invariant 8: getRate() fell from ${this.lastRate} to ${rate.value} at a step that is no slash or price fall`,
          );
      }
      for (const [id, r] of this.requests) {
        if (r.status >= 2 && r.paidValue > r.value)
          mismatches.push(`invariant 8: request ${id} paid ${r.paidValue} > ${r.value}`);
      }
      expect(mismatches, "LRT: chain vs model, invariant 8").to.deep.equal([]);
      this.lastRate = rate.value;
      this.priceFell = false;
    };
  }
}
