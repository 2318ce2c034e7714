import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { ReentrantRewardToken__factory } from "../../typechain-types";
import { Prng } from "../helpers/prng";
import { ModelRevert, RATE_SCALE, type FundParams, type RewardModel } from "../helpers/rewardModel";
import { RewardsDriver, type RollTally } from "../helpers/rewardsDriver";
import {
  DAY,
  FIXTURE_MIN_FUNDING,
  HOUR,
  NO_SIGNATURE as NO_SIG,
  ZERO_SALT,
  MAX_DURATION,
  MIN_DURATION,
  WAD,
  nextBlockIn,
  now,
  rewardsFixture,
  scenarioFixture,
  type RewardsFixture,
} from "../helpers/rewardsFixtures";

const REENTRANCY_SELECTOR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);
const BPS = 10_000n;
/**
 * The minimum funding of RWC in the random scenarios (RWA and RWB keep the fixture's, the least one: 1 wei). Some
 * random fundings of RWC fall below it (FundingTooSmall); some bring only a few minimums, so that their stream's
 * remainder decays below it and becomes dust that any later funding may absorb.
 */
const RWC_MIN_FUNDING = 10_000n;
/**
 * The minimums of RWC the admin moves between during a random scenario; 0 is refused (ZeroMinFunding) and leaves the
 * minimum as it was.
 */
const RWC_MIN_FUNDINGS = [RWC_MIN_FUNDING, WAD, 100n * WAD, 0n] as const;
const INT128_MAX = 2n ** 127n - 1n;
/**
 * Steps of each random scenario: enough that every seed meets every kind of roll the test asserts on (with the 4-day
 * minimum withdrawal delay fewer withdrawals are ready early, which changes the walks; 90 steps no longer sufficed).
 */
const RANDOM_STEPS = 120;

/** A driver over every account that stakes in these scenarios: the 5 stakers and both operators. */
function driverFor(f: RewardsFixture): RewardsDriver {
  return new RewardsDriver(f, {
    stakers: [...f.stakers, f.operator1, f.operator2],
    operators: [f.operator1, f.operator2],
    tokens: f.rewardTokenAddresses,
  });
}

/* RANDOM SCENARIOS */

interface RandomRun {
  steps: number;
  counts: Record<string, number>;
  /** The largest rounding gap seen between the chain and the model (within the driver's documented allowance). */
  maxGap: { wei: bigint; rps: bigint };
  /** How the fundings of each reward token (RWA, RWB, RWC) met running streams (RewardsDriver.rollTally). */
  rolls: RollTally[];
}

/** A random time gap before the next block: mostly seconds to minutes, sometimes hours or days. */
function gap(rng: Prng): bigint {
  const r = rng.next();
  if (r < 0.5) return BigInt(rng.int(1, 120));
  if (r < 0.82) return BigInt(rng.int(121, 12 * 3600));
  if (r < 0.96) return BigInt(rng.int(12 * 3600, 2 * 86400));
  return BigInt(rng.int(2 * 86400, 5 * 86400));
}

function depositAmount(rng: Prng): bigint {
  const r = rng.next();
  if (r < 0.7) return rng.big(WAD, 100n * WAD);
  if (r < 0.9) return rng.big(1_000n, 10n ** 15n);
  return rng.big(1n, 1_000n);
}

function fundAmount(rng: Prng): bigint {
  const r = rng.next();
  if (r < 0.6) return rng.big(WAD, 1_000n * WAD);
  if (r < 0.9) return rng.big(10n ** 6n, 10n ** 17n);
  return rng.big(1n, 10_000n);
}

/**
 * A funding of a few minimum fundings: often exactly the minimum, whose stream is dust from the start (its net of
 * commission is below the minimum), else up to 4 minimums, whose remainder decays below it while the stream runs.
 */
function nearMinimum(rng: Prng, minFunding: bigint): bigint {
  return rng.chance(0.5) ? minFunding : rng.big(minFunding, 4n * minFunding);
}

function duration(rng: Prng): bigint {
  const r = rng.next();
  if (r < 0.7) return rng.big(MIN_DURATION, 10n * DAY);
  if (r < 0.85) return MIN_DURATION;
  if (r < 0.95) return rng.big(10n * DAY, 60n * DAY);
  return MAX_DURATION;
}

/**
 * Runs `steps` random actions on a fresh scenarioFixture, each after a random time gap, and checks the whole state
 * against the model (and invariant 7) after every one. Every funding is asked of the model first, at the time of the
 * block it will be mined in: where the model says it reverts (StreamRescheduled, FundingTooSmall), the chain must
 * revert with the same error and arguments and change nothing; otherwise it must fund as the model says. Returns how
 * often each action ran (and "roll", "StreamRescheduled", "FundingTooSmall": valid rolls and the reverts seen), and how
 * the fundings of each token met running streams: guarded or dust remainders, dust absorbed, reschedules reverted.
 */
async function runRandomScenario(seed: number, steps: number): Promise<RandomRun> {
  const f = await loadFixture(scenarioFixture);
  const d = driverFor(f);
  const rng = new Prng(seed);
  const { distributor } = f;
  const operators = [f.operator1, f.operator2];
  const everyone = [...f.stakers, ...operators];
  const counts: Record<string, number> = {};
  const count = (name: string): void => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  // RWC has a real minimum funding (some random fundings of it fall below it and revert FundingTooSmall; the
  // remainders of its streams are guarded or dust); RWA and RWB keep the least one, 1 wei (a remainder is guarded
  // unless it is worth less than a wei).
  await d.setMinFunding(f.admin, f.rewardTokenAddresses[2], RWC_MIN_FUNDING);
  // alice and bob let `outsider` claim for them.
  await (await distributor.connect(f.alice).setClaimer(f.outsider.address)).wait();
  await (await distributor.connect(f.bob).setClaimer(f.outsider.address)).wait();
  const claimers = new Set([f.alice.address, f.bob.address]);

  for (let step = 0; step < steps; step++) {
    const t = await nextBlockIn(gap(rng));
    const r = rng.int(0, 99);
    const undelegated = f.stakers.filter((s) => d.model.operatorOf(s.address) === ethers.ZeroAddress);
    const delegated = f.stakers.filter((s) => d.model.operatorOf(s.address) !== ethers.ZeroAddress);
    const holders = everyone.flatMap((s) =>
      f.assetAddresses
        .filter((a) => d.model.sharesOf(s.address, a) > 0n)
        .map((a): [HardhatEthersSigner, string] => [s, a]),
    );
    const ready = [...d.model.withdrawals.values()].filter((w) => w.readyAt <= t);
    let label: string;

    if (r < 17) {
      const s = rng.pick(everyone);
      const asset = rng.pick(f.assetAddresses);
      label = "deposit";
      await d.deposit(s, asset, depositAmount(rng));
    } else if (r < 25 && undelegated.length > 0) {
      label = "delegate";
      await d.delegate(rng.pick(undelegated), rng.pick(operators));
    } else if (r < 29 && delegated.length > 0) {
      label = "undelegate";
      await d.undelegate(rng.pick(delegated));
    } else if (r < 40 && holders.length > 0) {
      const [s, asset] = rng.pick(holders);
      const held = d.model.sharesOf(s.address, asset);
      label = "queue";
      await d.queue(s, asset, rng.chance(0.25) ? held : rng.big(1n, held));
    } else if (r < 50 && ready.length > 0) {
      const w = rng.pick(ready);
      const s = everyone.find((x) => x.address === w.staker);
      if (s === undefined) throw new Error("unknown staker");
      const asTokens = rng.chance(0.5);
      label = asTokens ? "complete as tokens" : "complete as shares";
      await d.complete(s, w.id, asTokens);
    } else if (r < 66) {
      // Fundings, mostly valid rolls of running streams; some try to reschedule one (or fall below RWC's minimum):
      // the chain must then revert exactly as the model says, and nothing changes.
      const batch = r >= 60;
      const running = runningStreams(d.model, f, t);
      // Sometimes a single funding targets a running stream on purpose and tries to reschedule it.
      const attack = !batch && running.length > 0 && rng.chance(0.3) ? rng.pick(running) : undefined;
      const trial = d.model.clone();
      const params: FundParams[] = [];
      const entries = batch ? (rng.chance(0.5) ? 3 : 2) : 1;
      for (let i = 0; i < entries; i++) {
        // A third entry funds the first entry's stream again, rolling it within the same second.
        const same = i === 2 ? params[0] : attack;
        const p = randomFunding(rng, f, trial, t, attack !== undefined ? 1 : 0.08, same);
        params.push(p);
        try {
          trial.fund(p, t);
        } catch (e) {
          // The batch will revert at this entry (the model checks every rule before it changes anything).
          if (e instanceof ModelRevert) break;
          throw e;
        }
      }
      const out = await d.tryFund(f.funder, params, t, batch);
      label = batch ? "fund batch" : "fund";
      if (out.reverted !== undefined) {
        label += ` reverted ${out.reverted.errorName}`;
        count(out.reverted.errorName);
      } else {
        for (const res of out.funded.results) if (res.rolled) count("roll");
      }
    } else if (r < 78) {
      // A funding of RWC, the token with a minimum funding (rwcFunding): rolls of guarded and of dust remainders, most
      // of them trying to end the stream sooner or slow it down. The chain must revert StreamRescheduled or absorb the
      // dust exactly as the model says.
      const out = await d.tryFund(f.funder, [rwcFunding(rng, d.model, f, t)], t, false);
      label = out.reverted === undefined ? "fund RWC" : `fund RWC reverted ${out.reverted.errorName}`;
      if (out.reverted !== undefined) count(out.reverted.errorName);
      else if (out.funded.results[0].rolled) count("roll");
    } else if (r < 88) {
      const s = rng.pick(everyone);
      const tokens = rng.subset(f.rewardTokenAddresses);
      if (rng.chance(0.15)) tokens.push(tokens[0]);
      const recipient = rng.chance(0.7) ? s.address : f.outsider.address;
      const byClaimer = claimers.has(s.address) && rng.chance(0.4);
      label = byClaimer ? "claimFor" : "claim";
      await d.claim(s, tokens, recipient, byClaimer ? f.outsider : undefined);
    } else if (r < 91) {
      const op = rng.pick(operators);
      label = "claimCommission";
      await d.claimCommission(
        op,
        rng.subset(f.rewardTokenAddresses),
        rng.chance(0.5) ? op.address : f.outsider.address,
      );
    } else if (r < 93) {
      label = "queueCommission";
      await d.queueCommission(rng.pick(operators), BigInt(rng.int(0, 5_000)));
    } else if (r < 96) {
      // The admin moves RWC's minimum: the remainders of its running streams may turn from guarded to dust or back.
      // An attempt to remove it (0) reverts ZeroMinFunding, as the model says, and changes nothing.
      const out = await d.setMinFunding(f.admin, f.rewardTokenAddresses[2], rng.pick(RWC_MIN_FUNDINGS));
      label = out instanceof ModelRevert ? `setMinFunding reverted ${out.errorName}` : "setMinFunding";
    } else {
      label = "time passes";
      await mine();
    }
    count(label);
    await d.check(label);
  }

  // Wind down: let the streams run out (those still waiting for stakers, or a year long, keep their remainder),
  // everyone claims; what was funded is then paid, claimable or still to stream, less rounding dust only.
  await time.increase(61n * DAY);
  await d.check("streams ran out");
  for (const s of everyone) await d.claim(s, f.rewardTokenAddresses, s.address);
  for (const op of operators) await d.claimCommission(op, f.rewardTokenAddresses, op.address);
  await d.check("all claimed");
  for (const token of f.rewardTokenAddresses) {
    const dust = await d.dustScaled(token);
    expect(dust, `dust of ${token}`).to.be.gte(0n);
    expect(dust, `dust of ${token}`).to.be.lte(d.dustBoundWei() * RATE_SCALE);
  }
  return { steps, counts, maxGap: d.maxGap, rolls: f.rewardTokenAddresses.map((t) => d.rollTally(t)) };
}

/** Every stream running at `t` (operator, asset and token, as a funding's target). */
function runningStreams(m: RewardModel, f: RewardsFixture, t: bigint): FundParams[] {
  return [f.operator1, f.operator2].flatMap((op) =>
    f.assetAddresses.flatMap((asset) =>
      f.rewardTokenAddresses
        .filter((token) => m.runningStream(op.address, asset, token, t) !== undefined)
        .map((token) => ({ operator: op.address, asset, token, amount: 0n, duration: 0n })),
    ),
  );
}

/**
 * A funding of RWC, the token with a minimum funding, at `t`. It targets a running stream of RWC, its remainder guarded
 * or dust with equal odds when both kinds run, and most often tries to end it sooner or slow it down (randomFunding; a
 * dust remainder is often met with a schedule that ends sooner, which absorbs it). Or it starts one with a few
 * minimums, over a random duration or a year, in a pool where no RWC stream runs (one with active shares if possible,
 * so that the remainder decays): always when no RWC stream runs, half of the time when none of them is dust.
 */
function rwcFunding(rng: Prng, m: RewardModel, f: RewardsFixture, t: bigint): FundParams {
  const rwc = f.rewardTokenAddresses[2];
  const running = runningStreams(m, f, t).filter((p) => p.token === rwc);
  const guarded = running.filter((p) => m.runningStream(p.operator, p.asset, rwc, t)?.guarded === true);
  const dust = running.filter((p) => m.runningStream(p.operator, p.asset, rwc, t)?.guarded === false);
  const pools = [f.operator1, f.operator2]
    .flatMap((op) => f.assetAddresses.map((asset) => ({ operator: op.address, asset })))
    .filter((p) => m.runningStream(p.operator, p.asset, rwc, t) === undefined);
  const start = pools.length > 0 && (running.length === 0 || (dust.length === 0 && rng.chance(0.5)));
  if (!start) {
    const kinds = [guarded, dust].filter((k) => k.length > 0);
    const target = rng.pick(rng.pick(kinds));
    const stream = m.runningStream(target.operator, target.asset, rwc, t);
    if (
      stream !== undefined &&
      !stream.guarded &&
      stream.periodFinish - t > MIN_DURATION &&
      rng.chance(0.5)
    ) {
      // Dust: a schedule that ends sooner (an AVS's own, shorter funding) absorbs it.
      const amount = rng.chance(0.5) ? nearMinimum(rng, m.minFunding(rwc)) : fundAmount(rng);
      return {
        ...target,
        amount: maxBig(amount, m.minFunding(rwc)),
        duration: rng.big(MIN_DURATION, stream.periodFinish - t - 1n),
      };
    }
    return randomFunding(rng, f, m, t, 0.7, target);
  }
  const active = pools.filter((p) => m.activeShares(p.operator, p.asset) > 0n);
  return {
    ...rng.pick(active.length > 0 ? active : pools),
    token: rwc,
    amount: nearMinimum(rng, m.minFunding(rwc)),
    duration: rng.chance(0.5) ? MAX_DURATION : duration(rng),
  };
}

/** The smallest amount whose net of a `bps` commission is at least `net` (at least 1). */
function grossFor(net: bigint, bps: bigint): bigint {
  let amount = (net * BPS + BPS - bps - 1n) / (BPS - bps);
  while (amount > 1n && amount - 1n - ((amount - 1n) * bps) / BPS >= net) amount -= 1n;
  return amount > 0n ? amount : 1n;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * A random funding at `t` of a random pool and token (or of `same`'s pool and token), given the state `m` it will
 * meet; of a token with a minimum funding above a wei, often only a few minimums (a stream whose remainder soon decays below
 * the minimum). When that stream is running, the funding rolls it, and with probability 1 - `invalid` it is made to
 * obey the rolling rule (end no sooner: duration >= remaining; rate no lower: net * 1e18 >= rate * (duration -
 * remaining)),
 * often right at the limit; otherwise it tries to end the stream sooner, to lengthen it with one wei too little, or to
 * stretch it over MAX_DURATION with dust. Whether it reverts is left to the model (and checked against the chain): it
 * does when the running stream's remainder is worth at least the token's minimum funding (at least a wei with the
 * least minimum); a smaller remainder is dust, which the funding absorbs.
 */
function randomFunding(
  rng: Prng,
  f: RewardsFixture,
  m: RewardModel,
  t: bigint,
  invalid: number,
  same?: FundParams,
): FundParams {
  const operator = same?.operator ?? rng.pick([f.operator1, f.operator2]).address;
  const asset = same?.asset ?? rng.pick(f.assetAddresses);
  const token = same?.token ?? rng.pick(f.rewardTokenAddresses);
  const minFunding = m.minFunding(token);
  // Of a token with a minimum above the least one, often a few minimums, half of the time over a year (a long dust
  // stream).
  const few = minFunding > FIXTURE_MIN_FUNDING && rng.chance(0.5);
  const p: FundParams = {
    operator,
    asset,
    token,
    amount: few ? nearMinimum(rng, minFunding) : fundAmount(rng),
    duration: few && rng.chance(0.5) ? MAX_DURATION : duration(rng),
  };
  const belowMin = (duration: bigint): FundParams => ({
    ...p,
    amount: rng.big(1n, minFunding - 1n),
    duration,
  });
  const running = m.runningStream(p.operator, p.asset, p.token, t);
  if (running === undefined) return minFunding > 1n && rng.chance(invalid / 2) ? belowMin(p.duration) : p;
  const remaining = running.periodFinish - t;
  const bps = m.commissionBps(p.operator, t);
  const longer = minBig(
    MAX_DURATION,
    maxBig(remaining, MIN_DURATION) + rng.big(1n, rng.chance(0.5) ? HOUR : 10n * DAY),
  );
  /** The least amount that keeps the rate over `d` (>= remaining). */
  const least = (d: bigint): bigint =>
    grossFor((running.rate * (d - remaining) + RATE_SCALE - 1n) / RATE_SCALE, bps);
  if (rng.chance(invalid)) {
    const r = rng.next();
    if (r < 0.2 && minFunding > 1n) return belowMin(maxBig(remaining, MIN_DURATION));
    if (r < 0.5 && remaining > MIN_DURATION) {
      return { ...p, amount: maxBig(p.amount, minFunding), duration: rng.big(MIN_DURATION, remaining - 1n) };
    }
    if (r < 0.8 && longer > remaining && least(longer) > maxBig(1n, minFunding)) {
      return { ...p, amount: least(longer) - 1n, duration: longer };
    }
    return { ...p, amount: maxBig(1n, minFunding), duration: MAX_DURATION };
  }
  const d = rng.chance(0.4) ? maxBig(remaining, MIN_DURATION) : longer;
  const enough = maxBig(d > remaining ? least(d) : 1n, minFunding);
  return { ...p, amount: rng.chance(0.4) ? enough : enough + fundAmount(rng), duration: d };
}

/** The single stream of pool `(operator, asset)` as the distributor shows it now. */
async function streamOf(f: RewardsFixture, operator: string, asset: string, token: string) {
  const views = await f.distributor.poolStreams(operator, asset);
  const v = views.find((x) => x.token === token);
  if (v === undefined) throw new Error("no such stream");
  return v;
}

describe("RewardDistributor scenarios", function () {
  describe("random scenarios against the reference model (exact, after every step) and invariant 7", function () {
    for (const seed of [0x5eed1, 0xbeef2, 0xc0ffee3]) {
      it(`seed ${seed.toString(16)}: pendingRewards, pendingCommission, poolStreams and every claim match the model`, async function () {
        const run = await runRandomScenario(seed, RANDOM_STEPS);
        // Every kind of action ran, so the comparisons covered them.
        for (const name of ["deposit", "delegate", "undelegate", "queue", "fund", "fund batch", "claim"]) {
          expect(run.counts[name] ?? 0, `${name} ran`).to.be.greaterThan(0);
        }
        expect(
          (run.counts["complete as tokens"] ?? 0) + (run.counts["complete as shares"] ?? 0),
        ).to.be.greaterThan(0);
        // Running streams were rolled within the rule, and attempts to reschedule one reverted as the model said.
        expect(run.counts["roll"] ?? 0, "valid rolls").to.be.greaterThan(0);
        expect(run.counts["StreamRescheduled"] ?? 0, "rescheduling attempts reverted").to.be.greaterThan(0);
        // RWC has a minimum funding: its remainders were met both guarded (rolled within the rule, and attempts to
        // reschedule them reverted) and as dust (rolled, and some absorbed by a schedule ending sooner or slower).
        const [rwa, rwb, rwc] = run.rolls;
        expect(rwc.guarded, "RWC: rolls of guarded remainders").to.be.greaterThan(0);
        expect(rwc.blocked, "RWC: reschedules of guarded remainders reverted").to.be.greaterThan(0);
        expect(rwc.dust, "RWC: rolls of dust remainders").to.be.greaterThan(0);
        expect(rwc.dustRescheduled, "RWC: dust absorbed by a shorter or slower schedule").to.be.greaterThan(
          0,
        );
        // RWA and RWB keep the least minimum, 1 wei: every remainder worth a wei or more is guarded; only one worth
        // less (the tail of a stream of a few wei) may have been dust.
        for (const [name, tally] of [
          ["RWA", rwa],
          ["RWB", rwb],
        ] as const) {
          expect(tally.maxDustScaled, `${name}: dust is worth less than a wei`).to.be.lt(
            FIXTURE_MIN_FUNDING * RATE_SCALE,
          );
        }
        expect(rwa.guarded + rwb.guarded, "RWA, RWB: rolls").to.be.greaterThan(0);
        expect(rwa.blocked + rwb.blocked, "RWA, RWB: reschedules reverted").to.be.greaterThan(0);
      });
    }
  });

  describe("no sandwich: a deposit just before a funding earns only its share of what streams after it", function () {
    it("deposit, fund, queue in the next block: earns its share of one second of the stream", async function () {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      await d.delegate(f.bob, f.operator1);
      await time.increase(DAY);

      await nextBlockIn(1n);
      await d.deposit(f.bob, stETH, 300n * WAD);
      await nextBlockIn(1n);
      const amount = 7_000n * WAD;
      await d.fund(f.funder, {
        operator: f.operator1.address,
        asset: stETH,
        token: rwa,
        amount,
        duration: 7n * DAY,
      });
      const { rate } = await streamOf(f, f.operator1.address, stETH, rwa);
      const aliceShares = d.model.sharesOf(f.alice.address, stETH);
      const bobShares = d.model.sharesOf(f.bob.address, stETH);
      await nextBlockIn(1n);
      await d.queue(f.bob, stETH, bobShares);
      await d.check("bob left one second after the funding");

      // One second of the stream, pro rata: rate * 1 s * bob / (alice + bob), less at most 2 wei of rounding down.
      const oneSecondShare = (rate * bobShares) / ((aliceShares + bobShares) * RATE_SCALE);
      const bobPending = await f.distributor.pendingRewards(f.bob.address, rwa);
      expect(bobPending)
        .to.be.lte(oneSecondShare)
        .and.gte(oneSecondShare - 2n);
      // ... which is about 1 / 604,800 of bob's pro-rata share of the whole funding (3/4 of 90%).
      expect(bobPending).to.be.lt((amount * 9n) / 10n / (7n * DAY));

      // Nothing more for bob; alice gets everything else.
      await time.increase(8n * DAY);
      await d.check("stream ended");
      expect(await f.distributor.pendingRewards(f.bob.address, rwa)).to.equal(bobPending);
      const net = amount - (amount * 1_000n) / 10_000n;
      const alicePending = await f.distributor.pendingRewards(f.alice.address, rwa);
      expect(alicePending + bobPending)
        .to.be.lte(net)
        .and.gte(net - 4n);
    });
  });

  describe("queued shares earn nothing", function () {
    it("a partial queue earns on the rest only; a full queue stops accrual; completing as shares resumes it", async function () {
      const f = await loadFixture(scenarioFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      for (const s of [f.alice, f.bob]) {
        await d.delegate(s, f.operator1);
        await d.deposit(s, stETH, 100n * WAD);
      }
      await d.fund(f.funder, {
        operator: f.operator1.address,
        asset: stETH,
        token: rwa,
        amount: 1_000n * WAD,
        duration: 20n * DAY,
      });
      const { rate } = await streamOf(f, f.operator1.address, stETH, rwa);
      const perDay = (rate * DAY) / RATE_SCALE;
      await time.increase(DAY);
      await d.check("day 1");

      // bob queues half: for the next day he earns on 50 of 150 active shares.
      const half = d.model.sharesOf(f.bob.address, stETH) / 2n;
      await d.queue(f.bob, stETH, half);
      const bob1 = await f.distributor.pendingRewards(f.bob.address, rwa);
      const alice1 = await f.distributor.pendingRewards(f.alice.address, rwa);
      await nextBlockIn(DAY);
      await mine();
      await d.check("day 2");
      const bobDay2 = (await f.distributor.pendingRewards(f.bob.address, rwa)) - bob1;
      const aliceDay2 = (await f.distributor.pendingRewards(f.alice.address, rwa)) - alice1;
      expect(bobDay2).to.be.closeTo(perDay / 3n, 2n);
      expect(aliceDay2).to.be.closeTo((perDay * 2n) / 3n, 2n);

      // bob queues the rest: nothing accrues to him any more, alice takes the whole stream.
      await d.queue(f.bob, stETH, d.model.sharesOf(f.bob.address, stETH));
      const bob2 = await f.distributor.pendingRewards(f.bob.address, rwa);
      const alice2 = await f.distributor.pendingRewards(f.alice.address, rwa);
      await nextBlockIn(3n * DAY);
      await mine();
      await d.check("day 5");
      expect(await f.distributor.pendingRewards(f.bob.address, rwa)).to.equal(bob2);
      const aliceDays345 = (await f.distributor.pendingRewards(f.alice.address, rwa)) - alice2;
      expect(aliceDays345).to.be.closeTo((rate * 3n * DAY) / RATE_SCALE, 2n);

      // Completing the first withdrawal as shares puts 50 back to work from that second on only.
      const [first] = d.model.withdrawalsOf(f.bob.address);
      await d.complete(f.bob, first.id, false);
      const bob3 = await f.distributor.pendingRewards(f.bob.address, rwa);
      expect(bob3).to.equal(bob2);
      const back = d.model.sharesOf(f.bob.address, stETH);
      const aliceShares = d.model.sharesOf(f.alice.address, stETH);
      await nextBlockIn(DAY);
      await mine();
      await d.check("day 6");
      expect((await f.distributor.pendingRewards(f.bob.address, rwa)) - bob3).to.be.closeTo(
        (perDay * back) / (back + aliceShares),
        2n,
      );
    });
  });

  describe("commission", function () {
    it("the operator receives exactly floor(amount * bps / 10_000) of every funding, at the bps in force then", async function () {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH, rETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 10n * WAD);
      const fund = (operator: HardhatEthersSigner, asset: string, token: string, amount: bigint) =>
        d.fund(f.funder, { operator: operator.address, asset, token, amount, duration: 2n * DAY });

      // Amounts chosen so that the commission rounds down.
      const a1 = 12_345_678_901_234_567_891n;
      const a2 = 999n;
      const a3 = 7n * WAD + 3n;
      await fund(f.operator1, stETH, rwa, a1);
      await fund(f.operator1, rETH, rwa, a2);
      await fund(f.operator2, stETH, rwb, a3);
      // operator1 raises its commission to 25%: fundings before it matures still pay 10%.
      await d.queueCommission(f.operator1, 2_500n);
      const delay = await f.registry.commissionDelay();
      const a4 = 5n * WAD + 1n;
      await fund(f.operator1, stETH, rwa, a4);
      await time.increase(delay);
      const a5 = 3n * WAD + 7n;
      await fund(f.operator1, stETH, rwa, a5);
      await d.fundBatch(f.funder, [
        { operator: f.operator1.address, asset: rETH, token: rwb, amount: a1, duration: DAY },
        { operator: f.operator2.address, asset: rETH, token: rwb, amount: a2 * 1_000n + 19n, duration: DAY },
      ]);
      await d.check("funded");

      const expected1a =
        (a1 * 1_000n) / 10_000n + (a2 * 1_000n) / 10_000n + (a4 * 1_000n) / 10_000n + (a5 * 2_500n) / 10_000n;
      const expected1b = (a1 * 2_500n) / 10_000n;
      const expected2b = (a3 * 500n) / 10_000n + ((a2 * 1_000n + 19n) * 500n) / 10_000n;
      expect(await f.distributor.pendingCommission(f.operator1.address, rwa)).to.equal(expected1a);
      expect(await f.distributor.pendingCommission(f.operator1.address, rwb)).to.equal(expected1b);
      expect(await f.distributor.pendingCommission(f.operator2.address, rwb)).to.equal(expected2b);
      expect(await f.distributor.pendingCommission(f.operator2.address, rwa)).to.equal(0n);

      const [paid1a, paid1b] = await d.claimCommission(f.operator1, [rwa, rwb], f.outsider.address);
      expect([paid1a, paid1b]).to.deep.equal([expected1a, expected1b]);
      const [paid2b] = await d.claimCommission(f.operator2, [rwb], f.operator2.address);
      expect(paid2b).to.equal(expected2b);
      // Paid once: a second claim pays nothing.
      expect(await d.claimCommission(f.operator1, [rwa, rwb], f.outsider.address)).to.deep.equal([0n, 0n]);
      await time.increase(3n * DAY);
      await d.check("claimed");
    });
  });

  describe("reentrancy", function () {
    async function reentrantFixture() {
      const f = await rewardsFixture();
      const token = await new ReentrantRewardToken__factory(f.admin).deploy("Reentrant", "RNT");
      await token.waitForDeployment();
      const tokenAddress = await token.getAddress();
      await (await f.distributor.addRewardToken(tokenAddress, FIXTURE_MIN_FUNDING)).wait();
      await (await token.mint(f.funder.address, 10_000n * WAD)).wait();
      await (await token.connect(f.funder).approve(f.distributorAddress, ethers.MaxUint256)).wait();
      const [stETH] = f.assetAddresses;
      await (await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIG, ZERO_SALT)).wait();
      await (await f.vault.connect(f.alice).deposit(stETH, 100n * WAD, 0n)).wait();
      await (
        await f.distributor
          .connect(f.funder)
          .fundRewards(f.operator1.address, stETH, tokenAddress, 1_000n * WAD, DAY)
      ).wait();
      await time.increase(2n * DAY);
      // alice names the token as her claimer, so a reentrant claimFor from it would be authorized.
      await (await f.distributor.connect(f.alice).setClaimer(tokenAddress)).wait();
      const reenter = f.distributor.interface.encodeFunctionData("claimFor", [
        f.alice.address,
        [tokenAddress],
        f.alice.address,
      ]);
      return { ...f, token, tokenAddress, reenter };
    }

    it("a reward token that reenters claimFor during the claim's transfer cannot make it pay twice", async function () {
      const { distributor, distributorAddress, alice, token, tokenAddress, reenter } =
        await loadFixture(reentrantFixture);
      const pending = await distributor.pendingRewards(alice.address, tokenAddress);
      expect(pending).to.be.greaterThan(800n * WAD);
      const held = await token.balanceOf(distributorAddress);
      await (await token.arm(distributorAddress, reenter)).wait();

      await expect(distributor.connect(alice).claim([tokenAddress], alice.address))
        .to.emit(token, "Reentered")
        .withArgs(distributorAddress, true, REENTRANCY_SELECTOR);
      expect(await token.reentryCount()).to.equal(1n);
      expect(await token.lastReentryReverted()).to.equal(true);
      expect(await token.lastReentryData()).to.equal(REENTRANCY_SELECTOR);
      expect(await token.balanceOf(alice.address)).to.equal(pending);
      expect(await token.balanceOf(distributorAddress)).to.equal(held - pending);
      expect(await distributor.pendingRewards(alice.address, tokenAddress)).to.equal(0n);

      // The same call made outside a transfer is a valid claimFor: it pays what is left, nothing.
      await expect(token.callStored(distributorAddress))
        .to.emit(distributor, "RewardsClaimed")
        .withArgs(alice.address, tokenAddress, alice.address, tokenAddress, 0n);
      expect(await token.balanceOf(alice.address)).to.equal(pending);
    });

    it("a reward token that reenters claimFor during a funding's transferFrom is blocked too", async function () {
      const f = await loadFixture(reentrantFixture);
      const { distributor, distributorAddress, alice, token, tokenAddress, reenter, funder, operator1 } = f;
      const pending = await distributor.pendingRewards(alice.address, tokenAddress);
      await (await token.arm(distributorAddress, reenter)).wait();
      await expect(
        distributor
          .connect(funder)
          .fundRewards(operator1.address, f.assetAddresses[0], tokenAddress, WAD, DAY),
      )
        .to.emit(token, "Reentered")
        .withArgs(distributorAddress, true, REENTRANCY_SELECTOR);
      expect(await token.balanceOf(alice.address)).to.equal(0n);
      expect(await distributor.pendingRewards(alice.address, tokenAddress)).to.equal(pending);
      await (await distributor.connect(alice).claim([tokenAddress], alice.address)).wait();
      expect(await token.balanceOf(alice.address)).to.be.gte(pending);
      expect(await token.balanceOf(alice.address)).to.be.lte(pending + WAD);
    });
  });

  describe("a stream with no active shares pauses and resumes", function () {
    it("nothing streams while the pool is idle; the end moves by the idle time; everything is paid but dust", async function () {
      const f = await loadFixture(scenarioFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const op = f.operator1.address;
      await d.delegate(f.alice, f.operator1);
      await d.delegate(f.bob, f.operator1);
      const amount = 1_000n * WAD;
      const duration = 10n * DAY;
      const funded = await d.fund(f.funder, { operator: op, asset: stETH, token: rwa, amount, duration });
      const net = amount - (amount * 1_000n) / 10_000n;
      expect((await streamOf(f, op, stETH, rwa)).periodFinish).to.equal(funded.timestamp + duration);

      // Idle for 3 days: nothing accrues, the end moves by the idle time (the whole duration is still ahead).
      await nextBlockIn(3n * DAY);
      await mine();
      const view = await streamOf(f, op, stETH, rwa);
      expect([view.periodFinish, view.rewardPerShare]).to.deep.equal([(await now()) + duration, 0n]);
      await d.check("idle");

      const aliceIn = await d.deposit(f.alice, stETH, 100n * WAD);
      let end = aliceIn.timestamp + duration;
      expect((await streamOf(f, op, stETH, rwa)).periodFinish).to.equal(end);
      await nextBlockIn(2n * DAY);
      await d.deposit(f.bob, stETH, 50n * WAD);
      await nextBlockIn(2n * DAY);
      await d.queue(f.alice, stETH, d.model.sharesOf(f.alice.address, stETH));
      const lastOut = await d.queue(f.bob, stETH, d.model.sharesOf(f.bob.address, stETH));
      await d.check("everyone queued");

      // Idle again for 4 days: the pending rewards do not move, the end moves by the idle time.
      const alicePending = await f.distributor.pendingRewards(f.alice.address, rwa);
      const bobPending = await f.distributor.pendingRewards(f.bob.address, rwa);
      await nextBlockIn(4n * DAY);
      await mine();
      expect((await streamOf(f, op, stETH, rwa)).periodFinish).to.equal(
        end + (await now()) - lastOut.timestamp,
      );
      expect(await f.distributor.pendingRewards(f.alice.address, rwa)).to.equal(alicePending);
      expect(await f.distributor.pendingRewards(f.bob.address, rwa)).to.equal(bobPending);
      await d.check("idle again");

      // bob comes back (his withdrawal completes as shares): the stream resumes where it stopped.
      const [bobWithdrawal] = d.model.withdrawalsOf(f.bob.address);
      const back = await d.complete(f.bob, bobWithdrawal.id, false);
      end += back.timestamp - lastOut.timestamp;
      expect((await streamOf(f, op, stETH, rwa)).periodFinish).to.equal(end);
      await nextBlockIn(DAY);
      await d.claim(f.bob, [rwa], f.bob.address);
      await time.increase(10n * DAY);
      await d.check("stream ended");

      await d.claim(f.alice, [rwa], f.alice.address);
      await d.claim(f.bob, [rwa], f.bob.address);
      const totalPaid = d.claimed.get(ethers.getAddress(rwa)) ?? 0n;
      // Every update rounds each staker's share down by less than 1 wei: dust < stakers * updates.
      const updates = BigInt(d.model.poolUpdates(op, stETH));
      expect(totalPaid).to.be.lte(net);
      expect(net - totalPaid).to.be.lt(2n * updates);
      expect(await f.distributor.pendingRewards(f.alice.address, rwa)).to.equal(0n);
      expect(await f.distributor.pendingRewards(f.bob.address, rwa)).to.equal(0n);
    });
  });

  describe("rolling rule: a funding may neither end someone else's running stream sooner nor slow it down", function () {
    /**
     * alice alone in operator1's stETH pool, a 30-day stream a day old; carol, who would like to move it, holds 1 wei
     * of RWA. RWA has no minimum funding here, so the rule guards the stream whatever its remainder (remainders below
     * a minimum: RewardDistributor.test.ts, "rolling rule and minimum funding"). (The driver holds model state, so each
     * test builds this on a fresh fixture instead of caching it in a fixture of its own.)
     */
    async function runningStream() {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      // The AVS funds 3,000 RWA (2,700 net of 10% commission) over 30 days.
      await d.fund(f.funder, {
        operator: f.operator1.address,
        asset: stETH,
        token: rwa,
        amount: 3_000n * WAD,
        duration: 30n * DAY,
      });
      await (await f.rewardTokens[0].mint(f.carol.address, 1n)).wait();
      await (await f.rewardTokens[0].connect(f.carol).approve(f.distributorAddress, 1n)).wait();
      await time.increase(DAY);
      const { rate, periodFinish } = await streamOf(f, f.operator1.address, stETH, rwa);
      // 2,700 RWA over 30 days, in 1e18-scaled wei per second.
      expect(rate).to.equal((2_700n * WAD * RATE_SCALE) / (30n * DAY));
      return { f, d, stETH, rwa, rate, periodFinish };
    }

    /** Funding of operator1's stETH pool with RWA. */
    function rwaFunding(f: RewardsFixture, amount: bigint, duration: bigint): FundParams {
      return {
        operator: f.operator1.address,
        asset: f.assetAddresses[0],
        token: f.rewardTokenAddresses[0],
        amount,
        duration,
      };
    }

    /** The rolled rate: floor((rate * (periodFinish - t) + net * 1e18) / duration). */
    function rolledRate(
      rate: bigint,
      periodFinish: bigint,
      t: bigint,
      net: bigint,
      duration: bigint,
    ): bigint {
      return (rate * (periodFinish - t) + net * RATE_SCALE) / duration;
    }

    it("a 1-wei funding with MIN_DURATION cannot pull a 30-day stream forward into an hour: StreamRescheduled, and the sandwich earns its fair share only", async function () {
      const { f, d, stETH, rwa, rate, periodFinish } = await runningStream();
      await d.delegate(f.carol, f.operator1);
      const enter = await d.deposit(f.carol, stETH, 900n * WAD);
      // Rolled into an hour, the 29 days left would stream about 696 times faster (and end 29 days sooner).
      const t = await nextBlockIn(1n);
      const pulled = rolledRate(rate, periodFinish, t, 1n, MIN_DURATION);
      expect(pulled).to.be.greaterThan(600n * rate);
      const out = await d.tryFund(f.carol, [rwaFunding(f, 1n, MIN_DURATION)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate, pulled, periodFinish, t + MIN_DURATION],
      ]);
      // Nothing moved: the stream, and carol's wei.
      expect(await f.rewardTokens[0].balanceOf(f.carol.address)).to.equal(1n);
      const after = await streamOf(f, f.operator1.address, stETH, rwa);
      expect([after.rate, after.periodFinish]).to.deep.equal([rate, periodFinish]);
      await d.check("the pull-forward reverted");

      // carol's hour at 90% of the pool is worth 0.9 * 2,700 / 720 = 3.4 RWA, and that is what she gets.
      await nextBlockIn(HOUR);
      const exit = await d.queue(f.carol, stETH, d.model.sharesOf(f.carol.address, stETH));
      await d.check("carol left");
      const carolShares = d.model.withdrawalsOf(f.carol.address)[0].shares;
      const active = carolShares + d.model.sharesOf(f.alice.address, stETH);
      const fair = (rate * (exit.timestamp - enter.timestamp) * carolShares) / (active * RATE_SCALE);
      expect(await f.distributor.pendingRewards(f.carol.address, rwa)).to.be.closeTo(fair, 2n);
    });

    it("a 1-wei funding with MAX_DURATION cannot stretch a 30-day stream over a year: StreamRescheduled, and the stream keeps its rate", async function () {
      const { f, d, stETH, rwa, rate, periodFinish } = await runningStream();
      const t = await nextBlockIn(1n);
      // Over a year, the 29 days left would stream at less than a twelfth of the rate.
      const stretched = rolledRate(rate, periodFinish, t, 1n, MAX_DURATION);
      expect(stretched * 12n).to.be.lessThan(rate);
      const out = await d.tryFund(f.carol, [rwaFunding(f, 1n, MAX_DURATION)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate, stretched, periodFinish, t + MAX_DURATION],
      ]);
      const after = await streamOf(f, f.operator1.address, stETH, rwa);
      expect([after.rate, after.periodFinish]).to.deep.equal([rate, periodFinish]);
      const before = await f.distributor.pendingRewards(f.alice.address, rwa);
      await nextBlockIn(DAY);
      await mine();
      await d.check("a day later");
      const aliceDay = (await f.distributor.pendingRewards(f.alice.address, rwa)) - before;
      expect(aliceDay).to.be.closeTo((rate * DAY) / RATE_SCALE, 2n);
    });

    it("a top-up over exactly the remaining duration is allowed: the end stays, the rate goes up", async function () {
      const { f, d, stETH, rwa, rate, periodFinish } = await runningStream();
      // Even carol's 1 wei, over exactly the 29 days left.
      let t = await nextBlockIn(1n);
      const byCarol = await d.tryFund(f.carol, [rwaFunding(f, 1n, periodFinish - t)], t, false);
      const rate1 = rolledRate(rate, periodFinish, t, 1n, periodFinish - t);
      expect(rate1).to.equal(rate + RATE_SCALE / (periodFinish - t));
      expect(byCarol.funded?.results).to.deep.equal([
        {
          commission: 0n,
          rate: rate1,
          periodFinish,
          rolled: true,
          remainingScaled: rate * (periodFinish - t),
          guarded: true,
          rescheduled: false,
        },
      ]);
      // The AVS adds 1,000 RWA (900 net) for the rest of its stream.
      t = await nextBlockIn(HOUR);
      const topUp = await d.tryFund(f.funder, [rwaFunding(f, 1_000n * WAD, periodFinish - t)], t, false);
      const rate2 = rolledRate(rate1, periodFinish, t, 900n * WAD, periodFinish - t);
      expect(rate2).to.equal(rate1 + (900n * WAD * RATE_SCALE) / (periodFinish - t));
      expect(topUp.funded?.results).to.deep.equal([
        {
          commission: 100n * WAD,
          rate: rate2,
          periodFinish,
          rolled: true,
          remainingScaled: rate1 * (periodFinish - t),
          guarded: true,
          rescheduled: false,
        },
      ]);
      const view = await streamOf(f, f.operator1.address, stETH, rwa);
      expect([view.rate, view.periodFinish]).to.deep.equal([rate2, periodFinish]);
      await d.check("topped up");
      // The stream ends when it was going to, and alice, alone in the pool, received all of it but dust.
      await time.increase(periodFinish - t + DAY);
      await d.check("ended");
      const alicePending = await f.distributor.pendingRewards(f.alice.address, rwa);
      const streamed = 2_700n * WAD + 1n + 900n * WAD;
      expect(alicePending)
        .to.be.lte(streamed)
        .and.gte(streamed - 3n);
    });

    it("a longer duration is allowed with enough amount that the rate does not drop, and reverts with one wei less", async function () {
      const { f, d, stETH, rwa, rate, periodFinish } = await runningStream();
      // 10 days past the end: the net must cover the current rate over the 10 extra days, rounded up.
      const extra = 10n * DAY;
      const leastAmount = (t: bigint): bigint => {
        const net = (rate * extra + RATE_SCALE - 1n) / RATE_SCALE;
        // The least amount whose net of the 10% commission reaches it.
        let amount = (net * 10n + 8n) / 9n;
        while (amount - 1n - (amount - 1n) / 10n >= net) amount -= 1n;
        expect(amount - amount / 10n).to.be.gte(net);
        expect(periodFinish + extra - t).to.be.lte(MAX_DURATION);
        return amount;
      };
      let t = await nextBlockIn(1n);
      let duration = periodFinish + extra - t;
      const short = leastAmount(t) - 1n;
      const slower = rolledRate(rate, periodFinish, t, short - short / 10n, duration);
      expect(slower).to.be.lessThan(rate);
      const out = await d.tryFund(f.funder, [rwaFunding(f, short, duration)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate, slower, periodFinish, periodFinish + extra],
      ]);
      await d.check("one wei short reverted");

      t = await nextBlockIn(1n);
      duration = periodFinish + extra - t;
      const enough = leastAmount(t);
      const kept = rolledRate(rate, periodFinish, t, enough - enough / 10n, duration);
      expect(kept).to.be.gte(rate);
      const ok = await d.tryFund(f.funder, [rwaFunding(f, enough, duration)], t, false);
      expect(ok.funded?.results).to.deep.equal([
        {
          commission: enough / 10n,
          rate: kept,
          periodFinish: periodFinish + extra,
          rolled: true,
          remainingScaled: rate * (periodFinish - t),
          guarded: true,
          rescheduled: false,
        },
      ]);
      const view = await streamOf(f, f.operator1.address, stETH, rwa);
      expect([view.rate, view.periodFinish]).to.deep.equal([kept, periodFinish + extra]);
      await d.check("lengthened");
    });

    it("a paused stream's end moves with the idle time, and a roll must keep the moved end", async function () {
      const { f, d, stETH, rwa, rate, periodFinish } = await runningStream();
      // alice queues everything: the pool is idle and its stream pauses.
      const out = await d.queue(f.alice, stETH, d.model.sharesOf(f.alice.address, stETH));
      await nextBlockIn(2n * DAY);
      await mine();
      const moved = periodFinish + (await now()) - out.timestamp;
      expect((await streamOf(f, f.operator1.address, stETH, rwa)).periodFinish).to.equal(moved);
      // Ending at the original end is now ending sooner.
      let t = await nextBlockIn(1n);
      const early = await d.tryFund(f.funder, [rwaFunding(f, 100n * WAD, periodFinish - t)], t, false);
      const movedAtT = periodFinish + t - out.timestamp;
      expect([early.reverted?.errorName, early.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate, rolledRate(rate, movedAtT, t, 90n * WAD, periodFinish - t), movedAtT, periodFinish],
      ]);
      await d.check("rolled onto the original end: reverted");
      // Over the moved remaining time it passes, and the end stays the moved one.
      t = await nextBlockIn(1n);
      const movedNow = periodFinish + t - out.timestamp;
      const ok = await d.tryFund(f.funder, [rwaFunding(f, 100n * WAD, movedNow - t)], t, false);
      expect(ok.funded?.results).to.deep.equal([
        {
          commission: 10n * WAD,
          rate: rolledRate(rate, movedNow, t, 90n * WAD, movedNow - t),
          periodFinish: movedNow,
          rolled: true,
          remainingScaled: rate * (movedNow - t),
          guarded: true,
          rescheduled: false,
        },
      ]);
      await d.check("rolled onto the moved end");
    });

    it("after the stream ended, a funding is unconstrained again (shorter and slower than the last one)", async function () {
      const { f, d, rate, periodFinish } = await runningStream();
      await time.increaseTo(periodFinish);
      const t = await nextBlockIn(1n);
      const out = await d.tryFund(f.carol, [rwaFunding(f, 1n, MIN_DURATION)], t, false);
      expect(out.funded?.results).to.deep.equal([
        {
          commission: 0n,
          rate: RATE_SCALE / MIN_DURATION,
          periodFinish: t + MIN_DURATION,
          rolled: false,
          remainingScaled: 0n,
          guarded: false,
          rescheduled: false,
        },
      ]);
      expect(RATE_SCALE / MIN_DURATION).to.be.lessThan(rate);
      await d.check("refunded after the end");
    });
  });

  describe("a pool whose reward per share grew while its stake was dust (256-bit debts)", function () {
    /**
     * operator1's stETH pool is empty when an AVS funds it (the stream waits, paused). carol enters first with 1 wei of
     * stETH (1e6 shares) and is alone for an hour: the stream's reward per share grows to about 3.75e18 * 1e36 / 1e6.
     * A 100-stETH position (about 1e26 shares) is then worth shares * rewardPerShare / 1e36, about 3.75e38: more than
     * the 128-bit signed debts the contract used to keep could hold (2^127 - 1, about 1.7e38), so entering the pool with
     * it reverted. bob holds 100 stETH undelegated.
     */
    async function dustFirst() {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const op = f.operator1.address;
      await d.fund(f.funder, {
        operator: op,
        asset: stETH,
        token: rwa,
        amount: 1_000n * WAD,
        duration: 10n * DAY,
      });
      await d.delegate(f.carol, f.operator1);
      await d.deposit(f.carol, stETH, 1n);
      expect(d.model.sharesOf(f.carol.address, stETH)).to.equal(10n ** 6n);
      await time.increase(HOUR);
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.bob, stETH, 100n * WAD);
      await d.check("carol alone with dust for an hour");
      return { f, d, stETH, rwa, op };
    }

    /** The staker's position in the pool is worth more than a 128-bit signed debt holds. */
    async function expectBeyondInt128(f: RewardsFixture, d: RewardsDriver, staker: HardhatEthersSigner) {
      const [stETH] = f.assetAddresses;
      const { rewardPerShare } = await streamOf(f, f.operator1.address, stETH, f.rewardTokenAddresses[0]);
      const value = (d.model.sharesOf(staker.address, stETH) * rewardPerShare) / 10n ** 36n;
      expect(value).to.be.greaterThan(INT128_MAX);
    }

    /** Time passes, everyone claims, the stream runs out: the model matches all along and only dust is left. */
    async function accrualStaysExact(f: RewardsFixture, d: RewardsDriver, staker: HardhatEthersSigner) {
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const carolBefore = await f.distributor.pendingRewards(f.carol.address, rwa);
      const before = await f.distributor.pendingRewards(staker.address, rwa);
      const { rate } = await streamOf(f, f.operator1.address, stETH, rwa);
      await nextBlockIn(DAY);
      await mine();
      await d.check("a day later");
      // The staker holds all but carol's 1e6 of the pool's shares: it earns that share of the day's stream.
      const shares = d.model.sharesOf(staker.address, stETH);
      const active = d.model.activeShares(f.operator1.address, stETH);
      expect((await f.distributor.pendingRewards(staker.address, rwa)) - before).to.be.closeTo(
        (rate * DAY * shares) / (active * RATE_SCALE),
        2n,
      );
      // carol's 1e6 shares now earn almost nothing.
      expect((await f.distributor.pendingRewards(f.carol.address, rwa)) - carolBefore).to.be.lte(1n);
      await d.claim(staker, [rwa], staker.address);
      await d.queue(staker, stETH, d.model.sharesOf(staker.address, stETH) / 2n);
      await time.increase(10n * DAY);
      await d.check("ended");
      await d.claim(staker, [rwa], staker.address);
      await d.claim(f.carol, [rwa], f.carol.address);
      await d.claimCommission(f.operator1, [rwa], f.operator1.address);
      await d.check("all claimed");
      const dust = await d.dustScaled(rwa);
      expect(dust).to.be.gte(0n);
      expect(dust).to.be.lte(d.dustBoundWei() * RATE_SCALE);
    }

    it("accepts a 100 stETH deposit, and accrual stays exact", async function () {
      const { f, d, stETH } = await dustFirst();
      await d.deposit(f.alice, stETH, 100n * WAD);
      await d.check("alice deposited 100 stETH");
      await expectBeyondInt128(f, d, f.alice);
      await accrualStaysExact(f, d, f.alice);
    });

    it("accepts the delegation of a staker holding 100 stETH, and accrual stays exact", async function () {
      const { f, d } = await dustFirst();
      await d.delegate(f.bob, f.operator1);
      await d.check("bob delegated 100 stETH");
      await expectBeyondInt128(f, d, f.bob);
      await accrualStaysExact(f, d, f.bob);
    });
  });
});
