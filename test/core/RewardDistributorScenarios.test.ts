import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";

import { ReentrantRewardToken__factory } from "../../typechain-types";
import { Prng } from "../helpers/prng";
import { RATE_SCALE, type FundParams } from "../helpers/rewardModel";
import { RewardsDriver } from "../helpers/rewardsDriver";
import {
  DAY,
  HOUR,
  NO_SIGNATURE as NO_SIG,
  ZERO_SALT,
  MAX_DURATION,
  MIN_DURATION,
  MIN_WITHDRAWAL_DELAY,
  WAD,
  nextBlockIn,
  now,
  rewardsFixture,
  scenarioFixture,
  type RewardsFixture,
} from "../helpers/rewardsFixtures";

const REENTRANCY_SELECTOR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

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

function duration(rng: Prng): bigint {
  const r = rng.next();
  if (r < 0.7) return rng.big(MIN_DURATION, 10n * DAY);
  if (r < 0.85) return MIN_DURATION;
  if (r < 0.95) return rng.big(10n * DAY, 60n * DAY);
  return MAX_DURATION;
}

/**
 * Runs `steps` random actions on a fresh scenarioFixture, each after a random time gap, and checks the whole state
 * against the model (and invariant 7) after every one. Returns how often each action ran.
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
    const ready = [...d.model.withdrawals.values()].filter((w) => w.startTime + MIN_WITHDRAWAL_DELAY <= t);
    let label: string;

    if (r < 20) {
      const s = rng.pick(everyone);
      const asset = rng.pick(f.assetAddresses);
      label = "deposit";
      await d.deposit(s, asset, depositAmount(rng));
    } else if (r < 28 && undelegated.length > 0) {
      label = "delegate";
      await d.delegate(rng.pick(undelegated), rng.pick(operators));
    } else if (r < 32 && delegated.length > 0) {
      label = "undelegate";
      await d.undelegate(rng.pick(delegated));
    } else if (r < 44 && holders.length > 0) {
      const [s, asset] = rng.pick(holders);
      const held = d.model.sharesOf(s.address, asset);
      label = "queue";
      await d.queue(s, asset, rng.chance(0.25) ? held : rng.big(1n, held));
    } else if (r < 54 && ready.length > 0) {
      const w = rng.pick(ready);
      const s = everyone.find((x) => x.address === w.staker);
      if (s === undefined) throw new Error("unknown staker");
      const asTokens = rng.chance(0.5);
      label = asTokens ? "complete as tokens" : "complete as shares";
      await d.complete(s, w.id, asTokens);
    } else if (r < 66) {
      label = "fund";
      await d.fund(f.funder, randomFunding(rng, f));
    } else if (r < 70) {
      label = "fund batch";
      const params = [randomFunding(rng, f), randomFunding(rng, f)];
      if (rng.chance(0.5)) params.push({ ...params[0], amount: fundAmount(rng), duration: duration(rng) });
      await d.fundBatch(f.funder, params);
    } else if (r < 85) {
      const s = rng.pick(everyone);
      const tokens = rng.subset(f.rewardTokenAddresses);
      if (rng.chance(0.15)) tokens.push(tokens[0]);
      const recipient = rng.chance(0.7) ? s.address : f.outsider.address;
      const byClaimer = claimers.has(s.address) && rng.chance(0.4);
      label = byClaimer ? "claimFor" : "claim";
      await d.claim(s, tokens, recipient, byClaimer ? f.outsider : undefined);
    } else if (r < 90) {
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
  return { steps, counts, maxGap: d.maxGap };
}

function randomFunding(rng: Prng, f: RewardsFixture): FundParams {
  return {
    operator: rng.pick([f.operator1, f.operator2]).address,
    asset: rng.pick(f.assetAddresses),
    token: rng.pick(f.rewardTokenAddresses),
    amount: fundAmount(rng),
    duration: duration(rng),
  };
}

/** "mined", or the revert reason of `tx` (so that a failure says why). */
async function outcome(tx: Promise<ContractTransactionResponse>): Promise<string> {
  try {
    await (await tx).wait();
    return "mined";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
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
        const run = await runRandomScenario(seed, 90);
        // Every kind of action ran, so the comparisons covered them.
        for (const name of ["deposit", "delegate", "undelegate", "queue", "fund", "fund batch", "claim"]) {
          expect(run.counts[name] ?? 0, `${name} ran`).to.be.greaterThan(0);
        }
        expect(
          (run.counts["complete as tokens"] ?? 0) + (run.counts["complete as shares"] ?? 0),
        ).to.be.greaterThan(0);
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
      await (await f.distributor.addRewardToken(tokenAddress)).wait();
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
});

/*
 * Known issues: these tests state properties that DESIGN.md promises ("streaming over a duration ... stops
 * deposit-just-before-reward sandwiches") and that the distributor breaks today, because anyone may fund any pool and
 * a funding re-schedules the unstreamed remainder of the running stream of the same token over the new duration.
 * They fail until the contract is fixed (see the report); they are not skipped.
 */
describe("RewardDistributor known issues: a funding re-schedules someone else's running stream", function () {
  /** alice alone in operator1's stETH pool, a 30-day stream a day old. (The driver holds model state, so each test
   * builds it on a fresh fixture instead of caching it in a fixture of its own.) */
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
    // carol, the attacker, holds 1 wei of RWA.
    await (await f.rewardTokens[0].mint(f.carol.address, 1n)).wait();
    await (await f.rewardTokens[0].connect(f.carol).approve(f.distributorAddress, 1n)).wait();
    await time.increase(DAY);
    return { f, d, stETH, rwa };
  }

  it("a 1-wei funding with MIN_DURATION cannot pull a 30-day stream forward into an hour (sandwich)", async function () {
    const { f, d, stETH, rwa } = await runningStream();
    const { rate } = await streamOf(f, f.operator1.address, stETH, rwa);
    await d.delegate(f.carol, f.operator1);
    const enter = await d.deposit(f.carol, stETH, 900n * WAD);
    await d.fund(f.carol, {
      operator: f.operator1.address,
      asset: stETH,
      token: rwa,
      amount: 1n,
      duration: MIN_DURATION,
    });
    await nextBlockIn(HOUR);
    const exit = await d.queue(f.carol, stETH, d.model.sharesOf(f.carol.address, stETH));
    await d.check("carol left");
    const carolShares = d.model.withdrawalsOf(f.carol.address)[0].shares;
    const active = carolShares + d.model.sharesOf(f.alice.address, stETH);
    // Under the funder's schedule, carol's hour at 90% of the pool is worth about 0.9 * 2,700 / 720 = 3.4 RWA.
    const fair = (rate * (exit.timestamp - enter.timestamp) * carolShares) / (active * RATE_SCALE);
    const carolPending = await f.distributor.pendingRewards(f.carol.address, rwa);
    expect(
      carolPending,
      `carol earned ${ethers.formatEther(carolPending)} RWA for one hour instead of about ${ethers.formatEther(fair)}`,
    ).to.be.lte(fair + fair / 100n);
  });

  it("a 1-wei funding with MAX_DURATION cannot stretch a 30-day stream over a year (griefing)", async function () {
    const { f, d, stETH, rwa } = await runningStream();
    const { rate } = await streamOf(f, f.operator1.address, stETH, rwa);
    await d.fund(f.carol, {
      operator: f.operator1.address,
      asset: stETH,
      token: rwa,
      amount: 1n,
      duration: MAX_DURATION,
    });
    const before = await f.distributor.pendingRewards(f.alice.address, rwa);
    await nextBlockIn(DAY);
    await mine();
    await d.check("a day later");
    const aliceDay = (await f.distributor.pendingRewards(f.alice.address, rwa)) - before;
    const promised = (rate * DAY) / RATE_SCALE;
    expect(
      aliceDay,
      `alice earned ${ethers.formatEther(aliceDay)} RWA in a day instead of ${ethers.formatEther(promised)}`,
    ).to.be.gte(promised - promised / 100n);
  });
});

describe("RewardDistributor known issues: 128-bit debts overflow after a dust-only period", function () {
  /**
   * operator1's stETH pool is empty when an AVS funds it (the stream waits, paused). carol enters first with 1 wei of
   * stETH (1e6 shares) and is alone for an hour: the stream's reward per share grows by about 3.75e18 * 1e36 / 1e6.
   * A later staker's debt ceil(shares * rewardPerShare / 1e36) no longer fits the int128 the contract stores it in.
   */
  async function dustFirstFixture() {
    const f = await rewardsFixture();
    const [stETH] = f.assetAddresses;
    const [rwa] = f.rewardTokenAddresses;
    await (
      await f.distributor
        .connect(f.funder)
        .fundRewards(f.operator1.address, stETH, rwa, 1_000n * WAD, 10n * DAY)
    ).wait();
    await (await f.registry.connect(f.carol).delegateTo(f.operator1.address, NO_SIG, ZERO_SALT)).wait();
    await (await f.vault.connect(f.carol).deposit(stETH, 1n, 0n)).wait();
    await time.increase(HOUR);
    await (await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIG, ZERO_SALT)).wait();
    await (await f.vault.connect(f.bob).deposit(stETH, 100n * WAD, 0n)).wait();
    return f;
  }

  it("a 100 stETH deposit into the pool still succeeds", async function () {
    const f = await loadFixture(dustFirstFixture);
    expect(await outcome(f.vault.connect(f.alice).deposit(f.assetAddresses[0], 100n * WAD, 0n))).to.equal(
      "mined",
    );
  });

  it("a staker holding 100 stETH can still delegate to the operator", async function () {
    const f = await loadFixture(dustFirstFixture);
    await expect(f.registry.connect(f.bob).delegateTo(f.operator1.address, NO_SIG, ZERO_SALT)).not.to.be
      .reverted;
  });
});
