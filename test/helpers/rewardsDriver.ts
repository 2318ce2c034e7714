/**
 * Applies each action to the chain and to the reward model (test/helpers/rewardModel.ts) with the timestamp of the
 * block it was mined in, checks every payment against the model, and checks after a step (`check`):
 *   - the vault state the model relies on (operators, shares, pools' active shares) equals the chain's;
 *   - pendingRewards of every staker in every reward token, pendingCommission of every operator, and the pools'
 *     streams (rate, periodFinish, rewardPerShare) equal the model's, exactly;
 *   - invariant 7: for every token, claimed + claimable (every pendingRewards + every pendingCommission) <= funded,
 *     and the distributor holds at least what is claimable; and the stronger form claimed + claimable + what is
 *     left to stream <= funded (nothing is paid twice, no stream pays out more than it was given).
 *
 * Rounding allowance (ROUNDING below). The model accumulates each stream's reward per share R as specified:
 * R += floor(rate * dt * 1e18 / A) at every pool update in which the stream accrues, and once more (not stored) when a
 * view or a claim reads it (a claim does not update the pool); so the model's R is below the exact value E by less
 * than 1 unit per such step: 0 <= E - R_model < accruals + 1. The contract derives R from one time-per-share
 * accumulator per pool (RewardMathLib): G += floor(dt * 1e54 / A) at every update (and once more on a read or a
 * claim), R = floor(rate * G / 1e36) - offset, with the offset re-based at every funding of the stream so that R is
 * continuous, and R frozen when the stream ends. Over a segment of constant rate (from one funding to the next, or to
 * the end), G is below its exact value by less than one unit per step, worth less than rate / 1e36 units of R each,
 * and the two floors at the segment's ends add less than 1 unit either way: -(steps * rate / 1e36) - 1 < R_contract -
 * E < 1 per segment. Hence, per stream:
 *   |R_contract - R_model| < fundings + (accruals + 1) * max(1, ceil(maxRate / 1e36)),
 * with `fundings`, `accruals` and the largest rate the stream had counted by the model (RewardModel.roundingSteps).
 * A staker's pending is floor(shares * R / 1e36) - debt with debt = ceil(shares * R / 1e36) - pending at every
 * settlement: a difference of R far below 1e36 / shares (shares stay below 1e32 and the R gap below 1e4 here) moves
 * each floor or ceil by at most 1 wei, so each period between two settlements of the staker in a pool (a share change
 * or a claim opens one; a read closes the last one) adds at most 2 wei to the gap. Hence: |pendingRewards - model| <=
 * 2 wei per settlement of the staker, and the same for every claimed amount. Observed (maxGap) over the three seeded
 * random scenarios and the other suites: at most 10 units of R, never more than two thirds of that allowance, and at
 * most 1 wei. Commissions, rates of running streams, period ends and every vault figure are compared exactly; the
 * invariants are checked on the chain's own figures. Set every allowance to 0 to compare exactly (a contract that
 * accumulates per stream, as the model does, matches to the wei).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse, Interface, Log } from "ethers";

import { IERC20__factory, type IERC20, type RewardDistributor } from "../../typechain-types";
import {
  ModelRevert,
  RATE_SCALE,
  RPS_SCALE,
  RewardModel,
  type FundParams,
  type FundResult,
  type ModelWithdrawal,
} from "./rewardModel";
import { NO_SIGNATURE, ZERO_SALT, mined, now, type Mined, type RewardsFixture } from "./rewardsFixtures";

/** See the file header. */
export const ROUNDING = { weiPerSettlement: 2n, rpsUnitsPerFunding: 1n, rpsUnitsPerStep: 1n } as const;

/**
 * How the fundings of one token met running streams of it, as the model predicted and the chain confirmed: the rolling
 * rule guards a remainder worth at least the token's minimum funding (never 0); a smaller one is dust that any
 * schedule may absorb.
 */
export interface RollTally {
  /** Rolls of a guarded remainder (they kept its end and rate). */
  guarded: number;
  /** Rolls of a dust remainder. */
  dust: number;
  /** Of the dust rolls, those that ended the running stream sooner or slowed it down (the dust was absorbed). */
  dustRescheduled: number;
  /** Fundings that tried to reschedule a guarded remainder and reverted StreamRescheduled. */
  blocked: number;
  /** The largest remainder (1e18-scaled) a dust roll met: below the token's minimum funding * 1e18 at that time. */
  maxDustScaled: bigint;
}

/** A funding that was mined, with what the model computed for each entry. */
export interface Funded extends Mined {
  results: FundResult[];
}

/** What `tryFund` saw: the funding mined, or reverted as the model predicted (with the model's error). */
export type FundOutcome =
  | { funded: Funded; reverted?: undefined }
  | { funded?: undefined; reverted: ModelRevert };

export interface DriverOptions {
  /** Accounts whose pendingRewards are compared (every account that ever stakes). */
  stakers: HardhatEthersSigner[];
  operators: HardhatEthersSigner[];
  /**
   * Reward tokens compared and accounted: some of the fixture's (whose minimum fundings the model takes from the
   * fixture); tokens listed later through `addRewardToken` join them.
   */
  tokens: string[];
}

export class RewardsDriver {
  readonly model: RewardModel;
  readonly f: RewardsFixture;
  private readonly opts: DriverOptions;
  /** The reward tokens compared and accounted (opts.tokens, then those listed through addRewardToken). */
  private readonly tokens: string[];
  /** Tokens paid out per token, measured from the RewardsClaimed and CommissionClaimed events. */
  readonly claimed = new Map<string, bigint>();
  steps = 0;
  /** Settlements (share changes and claims, per pool) of each staker so far. */
  private readonly settlements = new Map<string, bigint>();
  /** The largest gap seen between the chain and the model: pending or claimed wei, and reward-per-share units. */
  readonly maxGap = { wei: 0n, rps: 0n };
  private readonly erc20s = new Map<string, IERC20>();
  /** Per token (checksummed): how its fundings met running streams (see rollTally). */
  private readonly rolls = new Map<string, RollTally>();

  constructor(f: RewardsFixture, opts: DriverOptions) {
    this.f = f;
    this.opts = opts;
    this.tokens = [...opts.tokens];
    this.model = new RewardModel(f.assetAddresses);
    // The fixture listed its reward tokens with their minimum fundings before the driver existed.
    f.rewardTokenAddresses.forEach((token, i) =>
      this.model.addRewardToken(token, f.rewardTokenMinFundings[i]),
    );
    for (const op of opts.operators) {
      const bps = op === f.operator1 ? 1_000n : op === f.operator2 ? 500n : -1n;
      if (bps < 0n) throw new Error("driver: unknown operator");
      this.model.registerOperator(op.address, bps);
    }
  }

  /* VAULT ACTIONS */

  async deposit(staker: HardhatEthersSigner, asset: string, amount: bigint): Promise<Mined> {
    const m = await mined(this.f.vault.connect(staker).deposit(asset, amount, 0n));
    const ev = this.vaultEvents(m.receipt.logs, "Deposited");
    expect(ev.length).to.equal(1);
    this.model.deposit(staker.address, asset, ev[0].args.shares as bigint, m.timestamp);
    this.settled(staker.address, 1);
    return m;
  }

  async delegate(staker: HardhatEthersSigner, operator: HardhatEthersSigner): Promise<Mined> {
    const m = await mined(
      this.f.registry.connect(staker).delegateTo(operator.address, NO_SIGNATURE, ZERO_SALT),
    );
    const minted = new Map<string, bigint>();
    for (const ev of this.vaultEvents(m.receipt.logs, "SharesMoved")) {
      minted.set(ethers.getAddress(ev.args.asset as string), ev.args.sharesMinted as bigint);
    }
    this.model.delegate(staker.address, operator.address, minted, m.timestamp);
    this.settled(staker.address, minted.size);
    return m;
  }

  async undelegate(staker: HardhatEthersSigner): Promise<Mined> {
    const delay = await this.f.vault.withdrawalDelay();
    const m = await mined(this.f.registry.connect(staker).undelegate(staker.address));
    const queued = this.model.undelegate(staker.address, m.timestamp, delay);
    this.expectQueued(m.receipt.logs, queued);
    this.settled(staker.address, queued.length);
    return m;
  }

  async queue(staker: HardhatEthersSigner, asset: string, shares: bigint): Promise<Mined> {
    const delay = await this.f.vault.withdrawalDelay();
    const m = await mined(this.f.vault.connect(staker).queueWithdrawal(asset, shares));
    const w = this.model.queueWithdrawal(staker.address, asset, shares, m.timestamp, delay);
    this.expectQueued(m.receipt.logs, [w]);
    this.settled(staker.address, 1);
    return m;
  }

  /**
   * `completeWithdrawal(id, asTokens, minAssets)` by `staker`, with minAssets the exact value withdrawableAmount
   * reports just before (no slash request is ever pending in these tests, so nothing moves it): the completion must
   * pay exactly that, at the ready time the model fixed when the withdrawal was queued.
   */
  async complete(staker: HardhatEthersSigner, id: bigint, asTokens: boolean): Promise<Mined> {
    const w = this.model.withdrawals.get(id);
    if (w === undefined) throw new Error(`driver: no withdrawal ${id}`);
    const [expectedAssets, readyAt] = await this.f.vault.withdrawableAmount(id);
    expect(readyAt, `ready time of withdrawal ${id}`).to.equal(w.readyAt);
    const m = await mined(this.f.vault.connect(staker).completeWithdrawal(id, asTokens, expectedAssets));
    const ev = this.vaultEvents(m.receipt.logs, "WithdrawalCompleted");
    expect(ev.length).to.equal(1);
    expect(ev[0].args.id).to.equal(id);
    expect(ev[0].args.assets, `assets paid by withdrawal ${id}`).to.equal(expectedAssets);
    this.model.completeWithdrawal(id, asTokens, ev[0].args.sharesMinted as bigint, m.timestamp);
    if (!asTokens) this.settled(ev[0].args.staker as string, 1);
    return m;
  }

  /* REGISTRY */

  async queueCommission(operator: HardhatEthersSigner, bps: bigint): Promise<Mined> {
    const delay = await this.f.registry.commissionDelay();
    const m = await mined(this.f.registry.connect(operator).queueCommission(bps));
    const effectAt = this.model.queueCommission(operator.address, bps, m.timestamp, delay);
    await expect(m.receipt)
      .to.emit(this.f.registry, "CommissionQueued")
      .withArgs(operator.address, bps, effectAt);
    return m;
  }

  /* DISTRIBUTOR */

  /**
   * `addRewardToken(token, minFunding)` by `admin`. Where the model says it reverts (ZeroMinFunding,
   * RewardTokenAlreadyAdded), the chain must revert with the same error and arguments and list nothing: returns the
   * model's error. Otherwise it must emit RewardTokenAdded(token, next id) and MinFundingSet(token, minFunding); the
   * token then joins the tokens compared by `check`.
   */
  async addRewardToken(
    admin: HardhatEthersSigner,
    token: string,
    minFunding: bigint,
  ): Promise<Mined | ModelRevert> {
    const { distributor } = this.f;
    const listed = await distributor.rewardTokens();
    const predicted = this.model.clone();
    try {
      predicted.addRewardToken(token, minFunding);
    } catch (e) {
      if (!(e instanceof ModelRevert)) throw e;
      await expect(distributor.connect(admin).addRewardToken(token, minFunding))
        .to.be.revertedWithCustomError(distributor, e.errorName)
        .withArgs(...e.args);
      expect(await distributor.rewardTokens()).to.deep.equal(listed);
      return e;
    }
    const m = await mined(distributor.connect(admin).addRewardToken(token, minFunding));
    await expect(m.receipt)
      .to.emit(distributor, "RewardTokenAdded")
      .withArgs(ethers.getAddress(token), BigInt(listed.length));
    await expect(m.receipt)
      .to.emit(distributor, "MinFundingSet")
      .withArgs(ethers.getAddress(token), minFunding);
    expect(await distributor.rewardTokens()).to.deep.equal([...listed, ethers.getAddress(token)]);
    this.model.addRewardToken(token, minFunding);
    this.tokens.push(token);
    return m;
  }

  /**
   * `setMinFunding(token, amount)` by `admin`. Where the model says it reverts (RewardTokenNotAllowed,
   * ZeroMinFunding), the chain must revert with the same error and arguments and the minimum stays: returns the
   * model's error. Otherwise it must emit MinFundingSet(token, amount).
   */
  async setMinFunding(
    admin: HardhatEthersSigner,
    token: string,
    amount: bigint,
  ): Promise<Mined | ModelRevert> {
    const { distributor } = this.f;
    const predicted = this.model.clone();
    try {
      predicted.setMinFunding(token, amount);
    } catch (e) {
      if (!(e instanceof ModelRevert)) throw e;
      await expect(distributor.connect(admin).setMinFunding(token, amount))
        .to.be.revertedWithCustomError(distributor, e.errorName)
        .withArgs(...e.args);
      return e;
    }
    const m = await mined(distributor.connect(admin).setMinFunding(token, amount));
    await expect(m.receipt).to.emit(distributor, "MinFundingSet").withArgs(token, amount);
    this.model.setMinFunding(token, amount);
    return m;
  }

  async fund(funder: HardhatEthersSigner, p: FundParams): Promise<Funded> {
    return this.fundBatch(funder, [p], false);
  }

  /**
   * `fundRewardsBatch(params)` (or `fundRewards` for one entry when `batch` is false), which the model must accept
   * at the block's time; checks every RewardsFunded event against the model.
   */
  async fundBatch(funder: HardhatEthersSigner, params: FundParams[], batch = true): Promise<Funded> {
    const m = await mined(this.sendFunding(funder, params, batch));
    const predicted = this.model.previewFunds(params, m.timestamp);
    if (predicted instanceof ModelRevert) {
      throw new Error(`the chain funded at ${m.timestamp} where the model reverts ${predicted.message}`);
    }
    const events = this.rdEvents(m.receipt.logs, "RewardsFunded");
    expect(events.length).to.equal(params.length);
    const results = params.map((p, i) => {
      const r = this.model.fund(p, m.timestamp);
      if (r.rolled) {
        const tally = this.tally(p.token);
        if (r.guarded) tally.guarded += 1;
        else {
          tally.dust += 1;
          if (r.remainingScaled > tally.maxDustScaled) tally.maxDustScaled = r.remainingScaled;
        }
        if (r.rescheduled) tally.dustRescheduled += 1;
      }
      const a = events[i].args;
      expect([
        a.funder,
        a.operator,
        a.asset,
        a.token,
        a.amount,
        a.commission,
        a.rate,
        a.periodFinish,
      ]).to.deep.equal([
        funder.address,
        ethers.getAddress(p.operator),
        ethers.getAddress(p.asset),
        ethers.getAddress(p.token),
        p.amount,
        r.commission,
        r.rate,
        r.periodFinish,
      ]);
      return r;
    });
    return { ...m, results };
  }

  /**
   * A funding in the block the caller has timed at `at` (nextBlockIn), whatever the model predicts for it: if the
   * model says it reverts, the chain must revert with the same custom error and the same arguments (and change no
   * balance; `check` then finds every other figure unchanged); otherwise it must fund exactly as the model says. So a
   * roll that ends a running stream sooner or slows it down must revert StreamRescheduled exactly when the model
   * finds its remainder guarded (worth at least the token's minimum funding), and fund with the model's rate when it
   * is dust.
   */
  async tryFund(
    funder: HardhatEthersSigner,
    params: FundParams[],
    at: bigint,
    batch = true,
  ): Promise<FundOutcome> {
    const predicted = this.model.previewFunds(params, at);
    if (!(predicted instanceof ModelRevert)) {
      const funded = await this.fundBatch(funder, params, batch);
      expect(funded.timestamp, "the funding was mined at the time the model was asked about").to.equal(at);
      return { funded };
    }
    const tokens = [...new Set(params.map((p) => ethers.getAddress(p.token)))];
    const distributorBefore = await this.balances(this.f.distributorAddress, tokens);
    const funderBefore = await this.balances(funder.address, tokens);
    await expect(this.sendFunding(funder, params, batch))
      .to.be.revertedWithCustomError(this.f.distributor, predicted.errorName)
      .withArgs(...predicted.args);
    expect(await now(), "the reverted funding was mined at the time the model was asked about").to.equal(at);
    expect(await this.balances(this.f.distributorAddress, tokens)).to.deep.equal(distributorBefore);
    expect(await this.balances(funder.address, tokens)).to.deep.equal(funderBefore);
    if (predicted.errorName === "StreamRescheduled") {
      this.tally(this.failingEntry(params, at).token).blocked += 1;
    }
    return { reverted: predicted };
  }

  /** How the fundings of `token` met running streams so far (fundings through this driver only). */
  rollTally(token: string): RollTally {
    return { ...this.tally(token) };
  }

  private tally(token: string): RollTally {
    const key = ethers.getAddress(token);
    let tally = this.rolls.get(key);
    if (tally === undefined) {
      tally = { guarded: 0, dust: 0, dustRescheduled: 0, blocked: 0, maxDustScaled: 0n };
      this.rolls.set(key, tally);
    }
    return tally;
  }

  /** `claim(tokens, recipient)` by `staker`, or `claimFor` by `claimer`; checks the amounts and transfers. */
  async claim(
    staker: HardhatEthersSigner,
    tokens: string[],
    recipient: string,
    claimer?: HardhatEthersSigner,
  ): Promise<bigint[]> {
    const before = await this.balances(recipient, tokens);
    const m =
      claimer === undefined
        ? await mined(this.f.distributor.connect(staker).claim(tokens, recipient))
        : await mined(this.f.distributor.connect(claimer).claimFor(staker.address, tokens, recipient));
    const expected = this.model.claim(staker.address, tokens, m.timestamp);
    const events = this.rdEvents(m.receipt.logs, "RewardsClaimed");
    expect(events.map((e) => [e.args.staker, e.args.token, e.args.recipient, e.args.caller])).to.deep.equal(
      tokens.map((t) => [staker.address, ethers.getAddress(t), recipient, (claimer ?? staker).address]),
    );
    const paid = events.map((e) => e.args.amount as bigint);
    const tolerance = this.weiTolerance(staker.address);
    paid.forEach((amount, i) =>
      this.expectClose(amount, expected[i], tolerance, `claim of ${staker.address} #${i}`),
    );
    this.settled(staker.address, this.model.heldAssets(staker.address).length);
    await this.expectReceived(recipient, tokens, before, paid);
    tokens.forEach((t, i) => this.addClaimed(t, paid[i]));
    return paid;
  }

  async claimCommission(
    operator: HardhatEthersSigner,
    tokens: string[],
    recipient: string,
  ): Promise<bigint[]> {
    const before = await this.balances(recipient, tokens);
    const m = await mined(this.f.distributor.connect(operator).claimCommission(tokens, recipient));
    const expected = this.model.claimCommission(operator.address, tokens);
    const events = this.rdEvents(m.receipt.logs, "CommissionClaimed");
    expect(events.map((e) => [e.args.operator, e.args.token, e.args.recipient, e.args.amount])).to.deep.equal(
      tokens.map((t, i) => [operator.address, ethers.getAddress(t), recipient, expected[i]]),
    );
    await this.expectReceived(recipient, tokens, before, expected);
    tokens.forEach((t, i) => this.addClaimed(t, expected[i]));
    return expected;
  }

  /* CHECKS */

  /** Every comparison and invariant of the file header, at the latest block. */
  async check(label = ""): Promise<void> {
    this.steps += 1;
    const t = await now();
    const where = `step ${this.steps}${label === "" ? "" : ` (${label})`} at ${t}`;
    const { distributor, distributorAddress } = this.f;
    const pools = this.opts.operators.flatMap((op) =>
      this.f.assetAddresses.map((asset) => [op.address, asset]),
    );

    // One call reads every figure (through the contracts' external views); poolStreams is read per pool.
    const stakers = this.opts.stakers.map((s) => s.address);
    const operators = this.opts.operators.map((s) => s.address);
    const tokens = this.tokens;
    const assets = this.f.assetAddresses;
    const state = await this.f.reader.read(distributorAddress, stakers, operators, assets, tokens);
    const streams: Awaited<ReturnType<RewardDistributor["poolStreams"]>>[] = [];
    for (const [op, asset] of pools) streams.push(await distributor.poolStreams(op, asset));

    // The vault state the model was fed.
    stakers.forEach((s, i) => {
      expect(state.operatorOf[i], `${where}: operator of ${s}`).to.equal(this.model.operatorOf(s));
      this.f.assetAddresses.forEach((asset, j) => {
        const shares = state.shares[i * assets.length + j];
        expect(shares, `${where}: shares of ${s} in ${asset}`).to.equal(this.model.sharesOf(s, asset));
      });
    });
    pools.forEach(([op, asset], i) => {
      expect(state.poolActive[i], `${where}: active shares of ${op}/${asset}`).to.equal(
        this.model.activeShares(op, asset),
      );
    });

    // The distributor's views against the model.
    pools.forEach(([op, asset], i) => {
      const expected = this.model.poolStreams(op, asset, t);
      const label = `${where}: streams of ${op}/${asset}`;
      // Token, end and read time exactly; the rate while the stream runs (an ended stream may show 0).
      expect(
        streams[i].map((v) => [v.token, v.periodFinish, v.lastUpdate]),
        label,
      ).to.deep.equal(expected.map((v) => [v.token, v.periodFinish, v.lastUpdate]));
      expected.forEach((v, j) => {
        if (v.periodFinish > t) expect(streams[i][j].rate, `${label}: rate of ${v.token}`).to.equal(v.rate);
        const gap = abs(streams[i][j].rewardPerShare - v.rewardPerShare);
        if (gap > this.maxGap.rps) this.maxGap.rps = gap;
        expect(
          gap,
          `${label}: rewardPerShare of ${v.token} (chain ${streams[i][j].rewardPerShare}, model ${v.rewardPerShare})`,
        ).to.be.lte(this.rpsTolerance(op, asset, v.token));
      });
    });
    const claimable = new Map<string, bigint>();
    const distributorBalance = new Map<string, bigint>();
    tokens.forEach((token, k) => {
      let sum = 0n;
      stakers.forEach((s, i) => {
        const pending = state.pendingRewards[k * stakers.length + i];
        this.expectClose(
          pending,
          this.model.pendingRewards(s, token, t),
          this.weiTolerance(s),
          `${where}: pendingRewards(${s}, ${token})`,
        );
        sum += pending;
      });
      operators.forEach((op, i) => {
        const pending = state.pendingCommission[k * operators.length + i];
        expect(pending, `${where}: pendingCommission(${op}, ${token})`).to.equal(
          this.model.pendingCommission(op, token),
        );
        sum += pending;
      });
      claimable.set(token, sum);
      distributorBalance.set(token, state.balances[k]);
    });

    // Invariant 7.
    for (const token of this.tokens) {
      const key = ethers.getAddress(token);
      const funded = this.model.funded.get(key) ?? 0n;
      const claimed = this.claimed.get(key) ?? 0n;
      const owed = claimable.get(token) ?? 0n;
      expect(claimed + owed, `${where}: claimed + claimable <= funded for ${token}`).to.be.lte(funded);
      const erc20 = await ethers.getContractAt("IERC20", token);
      expect(
        await erc20.balanceOf(distributorAddress),
        `${where}: balance >= claimable for ${token}`,
      ).to.be.gte(owed);
      let unstreamedScaled = 0n;
      for (const [op, asset] of pools) unstreamedScaled += this.model.unstreamedScaled(op, asset, token, t);
      expect(
        (claimed + owed) * RATE_SCALE + unstreamedScaled,
        `${where}: claimed + claimable + unstreamed <= funded for ${token}`,
      ).to.be.lte(funded * RATE_SCALE);
    }
  }

  /** Funded - claimed - claimable - unstreamed per token (scaled by RATE_SCALE): the rounding dust kept. */
  async dustScaled(token: string): Promise<bigint> {
    const t = await now();
    const key = ethers.getAddress(token);
    let owed = 0n;
    for (const s of this.opts.stakers) owed += await this.f.distributor.pendingRewards(s.address, token);
    for (const op of this.opts.operators)
      owed += await this.f.distributor.pendingCommission(op.address, token);
    let unstreamedScaled = 0n;
    for (const op of this.opts.operators) {
      for (const asset of this.f.assetAddresses)
        unstreamedScaled += this.model.unstreamedScaled(op.address, asset, token, t);
    }
    const funded = this.model.funded.get(key) ?? 0n;
    const claimed = this.claimed.get(key) ?? 0n;
    return funded * RATE_SCALE - (claimed + owed) * RATE_SCALE - unstreamedScaled;
  }

  /**
   * An upper bound of the rounding dust (see dustScaled), in wei: each funding's rate rounds down by less than 1 wei
   * over its duration, each pool update by less than 1 wei (active shares stay below 1e36), each settlement of a staker
   * by at most 2 wei, and each read of a staker's pending by less than 1 wei per pool it holds.
   */
  dustBoundWei(): bigint {
    let settlements = 0n;
    for (const n of this.settlements.values()) settlements += n;
    let updates = 0n;
    for (const op of this.opts.operators) {
      for (const asset of this.f.assetAddresses) {
        updates += BigInt(
          this.model.poolUpdates(op.address, asset) + this.model.poolFundings(op.address, asset),
        );
      }
    }
    const reads = BigInt(this.opts.stakers.length * this.f.assetAddresses.length);
    return 2n * settlements + updates + reads;
  }

  /* INTERNAL */

  private sendFunding(
    funder: HardhatEthersSigner,
    params: FundParams[],
    batch: boolean,
  ): Promise<ContractTransactionResponse> {
    const d = this.f.distributor.connect(funder);
    if (batch) return d.fundRewardsBatch(params);
    if (params.length !== 1) throw new Error("driver: fundRewards takes one funding");
    const [p] = params;
    return d.fundRewards(p.operator, p.asset, p.token, p.amount, p.duration);
  }

  /** The entry of `params` at which a batch at `at` reverts, per the model (it must revert). */
  private failingEntry(params: FundParams[], at: bigint): FundParams {
    const trial = this.model.clone();
    for (const p of params) {
      try {
        trial.fund(p, at);
      } catch (e) {
        if (e instanceof ModelRevert) return p;
        throw e;
      }
    }
    throw new Error("driver: the model funds every entry");
  }

  private settled(staker: string, pools: number): void {
    const key = ethers.getAddress(staker);
    this.settlements.set(key, (this.settlements.get(key) ?? 0n) + BigInt(pools));
  }

  /** The rounding allowance of a staker's pending or claimed amount in one token (see the file header). */
  private weiTolerance(staker: string): bigint {
    return ROUNDING.weiPerSettlement * (this.settlements.get(ethers.getAddress(staker)) ?? 0n);
  }

  /**
   * The largest |chain - model| allowed for a stream's reward per share: the strict bound of the file header, less
   * one (gaps are whole units).
   */
  private rpsTolerance(operator: string, asset: string, token: string): bigint {
    return rpsTolerance(this.model, operator, asset, token);
  }

  private expectClose(actual: bigint, expected: bigint, tolerance: bigint, label: string): void {
    const gap = abs(actual - expected);
    if (gap > this.maxGap.wei) this.maxGap.wei = gap;
    expect(gap, `${label}: chain ${actual}, model ${expected}`).to.be.lte(tolerance);
  }

  private erc20(token: string): IERC20 {
    const key = ethers.getAddress(token);
    let c = this.erc20s.get(key);
    if (c === undefined) {
      c = IERC20__factory.connect(key, ethers.provider);
      this.erc20s.set(key, c);
    }
    return c;
  }

  private addClaimed(token: string, amount: bigint): void {
    const key = ethers.getAddress(token);
    this.claimed.set(key, (this.claimed.get(key) ?? 0n) + amount);
  }

  private async balances(account: string, tokens: string[]): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const t of new Set(tokens.map((x) => ethers.getAddress(x)))) {
      out.set(t, await this.erc20(t).balanceOf(account));
    }
    return out;
  }

  /** The recipient's balance of each token grew by the sum of the amounts expected for it. */
  private async expectReceived(
    recipient: string,
    tokens: string[],
    before: Map<string, bigint>,
    amounts: bigint[],
  ): Promise<void> {
    const after = await this.balances(recipient, tokens);
    const sums = new Map<string, bigint>();
    tokens.forEach((t, i) => {
      const k = ethers.getAddress(t);
      sums.set(k, (sums.get(k) ?? 0n) + amounts[i]);
    });
    for (const [k, sum] of sums) {
      expect((after.get(k) ?? 0n) - (before.get(k) ?? 0n), `received ${k}`).to.equal(sum);
    }
  }

  private expectQueued(logs: readonly Log[], queued: ModelWithdrawal[]): void {
    const events = this.vaultEvents(logs, "WithdrawalQueued");
    expect(
      events.map((e) => [
        e.args.id,
        e.args.staker,
        e.args.operator,
        e.args.asset,
        e.args.shares,
        e.args.startTime,
        e.args.readyAt,
      ]),
    ).to.deep.equal(
      queued.map((w) => [w.id, w.staker, w.operator, w.asset, w.shares, w.startTime, w.readyAt]),
    );
  }

  private vaultEvents(logs: readonly Log[], name: string): ReturnType<typeof parse> {
    return parse(logs, this.f.vaultAddress, this.f.vault.interface, name);
  }

  private rdEvents(logs: readonly Log[], name: string): ReturnType<typeof parse> {
    return parse(logs, this.f.distributorAddress, this.f.distributor.interface, name);
  }
}

interface ParsedEvent {
  args: Record<string, unknown>;
}

/**
 * The largest |chain - model| allowed for the reward per share of the stream of `token` in pool `(operator, asset)`:
 * the strict bound of the file header, less one (gaps are whole units). Shared with the property test
 * (test/model/rewardCommands.ts).
 */
export function rpsTolerance(model: RewardModel, operator: string, asset: string, token: string): bigint {
  const { fundings, accruals, maxRate } = model.roundingSteps(operator, asset, token);
  const perStep = (maxRate + RPS_SCALE - 1n) / RPS_SCALE;
  const bound =
    ROUNDING.rpsUnitsPerFunding * BigInt(fundings) +
    ROUNDING.rpsUnitsPerStep * BigInt(accruals + 1) * (perStep > 1n ? perStep : 1n);
  return bound > 0n ? bound - 1n : 0n;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function parse(logs: readonly Log[], address: string, iface: Interface, name: string): ParsedEvent[] {
  const out: ParsedEvent[] = [];
  for (const log of logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const parsed = iface.parseLog(log);
    if (parsed !== null && parsed.name === name) out.push({ args: parsed.args.toObject() });
  }
  return out;
}
