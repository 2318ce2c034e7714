/**
 * Review finding Low 5 (issue 9): a reward token's minimum funding defaulted to 0.
 *
 * The attack as reported: with setMinFunding never called, anyone funds 1 wei over 365 days on a pool with no running
 * stream of that token; the AVS's weekly fundings then revert StreamRescheduled for a year (a roll may neither end a
 * stream that is worth at least the minimum sooner nor slow it down), and it can be repeated at every gap.
 *
 * The fix (docs/rewards.md, "Allow reward tokens"): `addRewardToken(token, minFunding)` takes the minimum and refuses 0
 * (`ZeroMinFunding(token)`), and so does `setMinFunding`. A stream is protected only while its unstreamed remainder is
 * worth at least the minimum (docs/rewards.md "Fund"), so a lock must be bought: a funding of k * minFunding over
 * duration D holds the schedule at most D * (1 - 1/k), and the funding itself streams to the pool's stakers.
 *
 * World: the core deployment of test/helpers/fixtures.ts stakingFixture; RWD allowed with MIN_FUNDING = 1 RWD;
 * dave registered as an operator with 0% commission (so that the net of a funding is the funding) and alice's
 * 100 stETH delegated to him (an active pool: streams run); the attacker (`outsider`) and the AVS's funder (`carol`)
 * hold RWD.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployToken, stakingFixture, type StakingFixture } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import type { MockERC20 } from "../../typechain-types";
import { DAY, WAD, expectMinedAt, expectMinedRevert, sameBlock } from "./attackHelpersB";

const MIN_FUNDING = WAD;
const RATE_SCALE = WAD;
const MAX_DURATION = 365n * DAY;
const WEEK = 7n * DAY;
/** The AVS's weekly funding. */
const WEEKLY = 1_000n * WAD;

interface RewardLockFixture extends StakingFixture {
  rwd: MockERC20;
  rwdAddress: string;
  distributorAddress: string;
  attacker: HardhatEthersSigner;
  funder: HardhatEthersSigner;
  /** A 0%-commission operator with alice's 100 stETH. */
  zeroOp: HardhatEthersSigner;
}

async function rewardLockFixture(): Promise<RewardLockFixture> {
  const f = await stakingFixture();
  const { rewardDistributor: rd, registry, vault } = f;
  const distributorAddress = await rd.getAddress();
  const rwd = await deployToken(f.admin, "Reward", "RWD");
  const rwdAddress = await rwd.getAddress();
  await (await rd.addRewardToken(rwdAddress, MIN_FUNDING)).wait();
  for (const account of [f.outsider, f.carol]) {
    await (await rwd.mint(account.address, 1_000_000n * WAD)).wait();
    await (await rwd.connect(account).approve(distributorAddress, ethers.MaxUint256)).wait();
  }
  await (await registry.connect(f.dave).registerAsOperator("ipfs://zero", 0, ethers.ZeroAddress)).wait();
  await (await registry.connect(f.alice).delegateTo(f.dave.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await vault.connect(f.alice).deposit(f.assetAddresses[0], 100n * WAD, 0n)).wait();
  return { ...f, rwd, rwdAddress, distributorAddress, attacker: f.outsider, funder: f.carol, zeroOp: f.dave };
}

async function streamOf(
  f: RewardLockFixture,
  operator: string,
): Promise<{ rate: bigint; periodFinish: bigint }> {
  const streams = await f.rewardDistributor.poolStreams(operator, f.assetAddresses[0]);
  const s = streams.find((x) => x.token === f.rwdAddress);
  if (s === undefined) throw new Error("no RWD stream");
  return { rate: s.rate, periodFinish: s.periodFinish };
}

describe("attack: a dust funding locks a pool's reward schedule (review finding Low 5)", function () {
  it("no token can be allowed without a non-zero minimum: addRewardToken(token, 0) and setMinFunding(token, 0) revert ZeroMinFunding(token); 1 wei is accepted", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const fresh = await (await deployToken(f.admin, "Fresh", "FRSH")).getAddress();
    const listed = await rd.rewardTokens();
    await expect(rd.addRewardToken(fresh, 0n))
      .to.be.revertedWithCustomError(rd, "ZeroMinFunding")
      .withArgs(fresh);
    expect(await rd.rewardTokens(), "nothing listed").to.deep.equal(listed);
    await expect(rd.addRewardToken(fresh, 1n))
      .to.emit(rd, "RewardTokenAdded")
      .withArgs(fresh, BigInt(listed.length))
      .and.to.emit(rd, "MinFundingSet")
      .withArgs(fresh, 1n);
    await expect(rd.setMinFunding(fresh, 0n))
      .to.be.revertedWithCustomError(rd, "ZeroMinFunding")
      .withArgs(fresh);
    await expect(rd.setMinFunding(f.rwdAddress, 0n))
      .to.be.revertedWithCustomError(rd, "ZeroMinFunding")
      .withArgs(f.rwdAddress);
  });

  it("the issue's lock: 1 wei (and minFunding - 1) over 365 days reverts FundingTooSmall; the AVS's weekly fundings go through", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const stETH = f.assetAddresses[0];
    for (const amount of [1n, MIN_FUNDING - 1n]) {
      await expect(
        rd.connect(f.attacker).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, amount, MAX_DURATION),
      )
        .to.be.revertedWithCustomError(rd, "FundingTooSmall")
        .withArgs(f.rwdAddress, amount, MIN_FUNDING);
    }
    for (let week = 0; week < 3; week++) {
      await expect(
        rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK),
      ).to.emit(rd, "RewardsFunded");
      await time.increase(WEEK);
    }
  });

  it("a funding of exactly the minimum over 365 days protects nothing one second later: the AVS's week goes through at t + 1 (and in the same block when the operator takes a commission)", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const stETH = f.assetAddresses[0];
    // 0% commission: the remainder is rate * D <= minFunding * RATE_SCALE in the funding's block, below it after.
    await (
      await rd
        .connect(f.attacker)
        .fundRewards(f.zeroOp.address, stETH, f.rwdAddress, MIN_FUNDING, MAX_DURATION)
    ).wait();
    const { rate } = await streamOf(f, f.zeroOp.address);
    expect(rate).to.equal((MIN_FUNDING * RATE_SCALE) / MAX_DURATION);
    expect(rate * (MAX_DURATION - 1n)).to.be.lt(MIN_FUNDING * RATE_SCALE);
    await expect(
      rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK),
    ).to.emit(rd, "RewardsFunded");

    // operator1 takes 10%: the attacker's stream nets 0.9 of the minimum and is dust at once.
    const block = await sameBlock([
      {
        tip: 60n,
        send: (o) =>
          rd
            .connect(f.attacker)
            .fundRewards(f.operator1.address, stETH, f.rwdAddress, MIN_FUNDING, MAX_DURATION, o),
      },
      {
        tip: 1n,
        send: (o) =>
          rd.connect(f.funder).fundRewards(f.operator1.address, stETH, f.rwdAddress, WEEKLY, WEEK, o),
      },
    ]);
    expectMinedAt(block.receipts[0], 0, "the attacker's funding");
    expectMinedAt(block.receipts[1], 1, "the AVS's week in the same block");
    expect((await streamOf(f, f.operator1.address)).periodFinish).to.equal(block.timestamp + WEEK);
  });

  it("a lock is bought: 2 x minFunding over 365 days holds the schedule about half a year (until pf - ceil(min * RATE_SCALE / rate) + 1); meanwhile the AVS can still roll in over the remaining time", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const stETH = f.assetAddresses[0];
    await (
      await rd
        .connect(f.attacker)
        .fundRewards(f.zeroOp.address, stETH, f.rwdAddress, 2n * MIN_FUNDING, MAX_DURATION)
    ).wait();
    const { rate, periodFinish } = await streamOf(f, f.zeroOp.address);
    expect(rate).to.equal((2n * MIN_FUNDING * RATE_SCALE) / MAX_DURATION);
    // Protected while rate * (pf - now) >= min * RATE_SCALE.
    const threshold = (MIN_FUNDING * RATE_SCALE + rate - 1n) / rate;
    const unlockAt = periodFinish - threshold + 1n;
    const funded = periodFinish - MAX_DURATION;
    expect(unlockAt - funded, "about half the duration").to.be.closeTo(MAX_DURATION / 2n, 2n);

    // A day into the lock: the week reverts with exact figures, a roll over the remaining time goes through.
    const dayIn = funded + DAY;
    await time.setNextBlockTimestamp(dayIn);
    const remaining = rate * (periodFinish - dayIn);
    await expect(rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK))
      .to.be.revertedWithCustomError(rd, "StreamRescheduled")
      .withArgs(rate, (remaining + WEEKLY * RATE_SCALE) / WEEK, periodFinish, dayIn + WEEK);
    await expect(
      rd
        .connect(f.funder)
        .fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, periodFinish - (dayIn + 1n)),
    ).to.emit(rd, "RewardsFunded");
  });

  it("the lock's edges: at unlockAt - 1 StreamRescheduled, at unlockAt the week goes through", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const stETH = f.assetAddresses[0];
    await (
      await rd
        .connect(f.attacker)
        .fundRewards(f.zeroOp.address, stETH, f.rwdAddress, 2n * MIN_FUNDING, MAX_DURATION)
    ).wait();
    const { rate, periodFinish } = await streamOf(f, f.zeroOp.address);
    const unlockAt = periodFinish - (MIN_FUNDING * RATE_SCALE + rate - 1n) / rate + 1n;

    const week = (o: { gasLimit: bigint; maxPriorityFeePerGas: bigint; maxFeePerGas: bigint }) =>
      rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK, o);
    const before = await sameBlock([{ tip: 1n, send: week }], unlockAt - 1n);
    const remaining = rate * (periodFinish - (unlockAt - 1n));
    expect(remaining).to.be.gte(MIN_FUNDING * RATE_SCALE);
    await expectMinedRevert(before.receipts[0], rd, "StreamRescheduled", [
      rate,
      (remaining + WEEKLY * RATE_SCALE) / WEEK,
      periodFinish,
      unlockAt - 1n + WEEK,
    ]);
    const at = await sameBlock([{ tip: 1n, send: week }], unlockAt);
    expectMinedAt(at.receipts[0], 0, "the week at unlockAt");
    expect(rate * (periodFinish - unlockAt)).to.be.lt(MIN_FUNDING * RATE_SCALE);
  });

  it("config change in flight: the admin raising the minimum above a running lock's remainder releases it at once", async function () {
    const f = await loadFixture(rewardLockFixture);
    const rd = f.rewardDistributor;
    const stETH = f.assetAddresses[0];
    await (
      await rd
        .connect(f.attacker)
        .fundRewards(f.zeroOp.address, stETH, f.rwdAddress, 2n * MIN_FUNDING, MAX_DURATION)
    ).wait();
    await time.increase(DAY);
    await expect(
      rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK),
    ).to.be.revertedWithCustomError(rd, "StreamRescheduled");
    await (await rd.setMinFunding(f.rwdAddress, 10n * MIN_FUNDING)).wait();
    await expect(
      rd.connect(f.funder).fundRewards(f.zeroOp.address, stETH, f.rwdAddress, WEEKLY, WEEK),
    ).to.emit(rd, "RewardsFunded");
  });
});
