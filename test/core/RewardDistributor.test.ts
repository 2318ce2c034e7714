import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  FeeOnTransferRewardToken__factory,
  ProtocolProxy__factory,
  RewardDistributor__factory,
} from "../../typechain-types";
import { ModelRevert, RATE_SCALE, type FundParams } from "../helpers/rewardModel";
import { RewardsDriver } from "../helpers/rewardsDriver";
import {
  DAY,
  FIXTURE_MIN_FUNDING,
  HOUR,
  MAX_DURATION,
  MAX_REWARD_TOKENS,
  MAX_STREAMS_PER_POOL,
  MIN_DURATION,
  NO_SIGNATURE,
  OPERATOR1_BPS,
  OPERATOR2_BPS,
  RD_GROUP,
  ROLES,
  WAD,
  ZERO_ADDRESS,
  ZERO_SALT,
  deployMockToken,
  mined,
  nextBlockIn,
  now,
  rewardsFixture,
  type RewardsFixture,
} from "../helpers/rewardsFixtures";

const FUNDING = 1n << RD_GROUP.FUNDING;
const CLAIMS = 1n << RD_GROUP.CLAIMS;

/** floor(amount * bps / 10_000): the commission of a funding. */
function commissionOf(amount: bigint, bps: bigint): bigint {
  return (amount * bps) / 10_000n;
}

/** floor(net * 1e18 / duration): the rate of a new stream. */
function rateOf(net: bigint, duration: bigint): bigint {
  return (net * RATE_SCALE) / duration;
}

/** The least amount whose net of a `bps` commission is `net` (every net is some amount's). */
function grossFor(net: bigint, bps: bigint): bigint {
  let amount = (net * 10_000n) / (10_000n - bps);
  while (amount - commissionOf(amount, bps) < net) amount += 1n;
  while (amount > 1n && amount - 1n - commissionOf(amount - 1n, bps) >= net) amount -= 1n;
  return amount;
}

/** x with a * x = 1 (mod m), for a coprime to m. */
function inverseMod(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [x0, x1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [x0, x1] = [x1, x0 - q * x1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return ((x0 % m) + m) % m;
}

function driverFor(f: RewardsFixture): RewardsDriver {
  return new RewardsDriver(f, {
    stakers: [...f.stakers, f.operator1, f.operator2],
    operators: [f.operator1, f.operator2],
    tokens: f.rewardTokenAddresses,
  });
}

/** alice (100 stETH) and bob (300 stETH) in operator1's stETH pool; nothing funded yet. */
async function stakedFixture() {
  const f = await rewardsFixture();
  const [stETH] = f.assetAddresses;
  for (const [s, amount] of [
    [f.alice, 100n * WAD],
    [f.bob, 300n * WAD],
  ] as const) {
    await (await f.registry.connect(s).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
    await (await f.vault.connect(s).deposit(stETH, amount, 0n)).wait();
  }
  return f;
}

/** stakedFixture + 1,000 RWA funded to operator1's stETH pool over 10 days, 5 days ago. */
async function streamingFixture() {
  const f = await stakedFixture();
  const [stETH] = f.assetAddresses;
  const [rwa] = f.rewardTokenAddresses;
  await (
    await f.distributor
      .connect(f.funder)
      .fundRewards(f.operator1.address, stETH, rwa, 1_000n * WAD, 10n * DAY)
  ).wait();
  await time.increase(5n * DAY);
  return f;
}

describe("RewardDistributor", function () {
  describe("initialization", function () {
    it("is wired to the vault, gives the admin every role, and lists the fixture's reward tokens", async function () {
      const { distributor, vaultAddress, admin, rewardTokenAddresses, outsider, operator1, assetAddresses } =
        await loadFixture(rewardsFixture);
      expect(await distributor.vault()).to.equal(vaultAddress);
      for (const role of [ROLES.DEFAULT_ADMIN, ROLES.PAUSER, ROLES.REWARDS_ADMIN]) {
        expect(await distributor.hasRole(role, admin.address)).to.equal(true);
        expect(await distributor.hasRole(role, outsider.address)).to.equal(false);
      }
      expect(await distributor.REWARDS_ADMIN_ROLE()).to.equal(ROLES.REWARDS_ADMIN);
      expect(await distributor.rewardTokens()).to.deep.equal(rewardTokenAddresses);
      expect(await distributor.MAX_STREAMS_PER_POOL()).to.equal(MAX_STREAMS_PER_POOL);
      expect(await distributor.MAX_REWARD_TOKENS()).to.equal(MAX_REWARD_TOKENS);
      expect(await distributor.MIN_DURATION()).to.equal(MIN_DURATION);
      expect(await distributor.MAX_DURATION()).to.equal(MAX_DURATION);
      expect([await distributor.GROUP_FUNDING(), await distributor.GROUP_CLAIMS()]).to.deep.equal([
        RD_GROUP.FUNDING,
        RD_GROUP.CLAIMS,
      ]);
      expect(await distributor.pausedGroups()).to.equal(0n);
      expect(await distributor.claimerOf(outsider.address)).to.equal(ZERO_ADDRESS);
      expect(await distributor.poolStreams(operator1.address, assetAddresses[0])).to.deep.equal([]);
    });

    it("rejects a zero vault or registry (constructor) and a zero admin (initializer)", async function () {
      const { admin, vaultAddress, registryAddress } = await loadFixture(rewardsFixture);
      const factory = new RewardDistributor__factory(admin);
      await expect(factory.deploy(ZERO_ADDRESS, registryAddress)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      await expect(factory.deploy(vaultAddress, ZERO_ADDRESS)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      const impl = await factory.deploy(vaultAddress, registryAddress);
      const data = impl.interface.encodeFunctionData("initialize", [ZERO_ADDRESS]);
      await expect(
        new ProtocolProxy__factory(admin).deploy(await impl.getAddress(), data),
      ).to.be.revertedWithCustomError(impl, "ZeroAddress");
    });
  });

  describe("addRewardToken", function () {
    it("allows a token under the next id with its minimum funding (RewardTokenAdded, MinFundingSet), in force at once", async function () {
      const {
        distributor,
        admin,
        funder,
        operator1,
        rewardTokenAddresses,
        stray,
        strayAddress,
        assetAddresses,
      } = await loadFixture(stakedFixture);
      const min = 3n * WAD + 1n;
      const tx = distributor.connect(admin).addRewardToken(strayAddress, min);
      await expect(tx).to.emit(distributor, "RewardTokenAdded").withArgs(strayAddress, 3);
      await expect(tx).to.emit(distributor, "MinFundingSet").withArgs(strayAddress, min);
      expect(await distributor.rewardTokens()).to.deep.equal([...rewardTokenAddresses, strayAddress]);
      expect(await distributor.pendingCommission(admin.address, strayAddress)).to.equal(0n);
      // The minimum applies from the listing on: no setMinFunding is needed.
      await (await stray.mint(funder.address, 10n * WAD)).wait();
      await (await stray.connect(funder).approve(await distributor.getAddress(), ethers.MaxUint256)).wait();
      const fund = (amount: bigint) =>
        distributor
          .connect(funder)
          .fundRewards(operator1.address, assetAddresses[0], strayAddress, amount, DAY);
      await expect(fund(min - 1n))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(strayAddress, min - 1n, min);
      await expect(fund(min)).to.emit(distributor, "RewardsFunded");
    });

    it("reverts ZeroMinFunding(token) for a minimum of 0 and lists nothing", async function () {
      const { distributor, admin, funder, operator1, rewardTokenAddresses, strayAddress, assetAddresses } =
        await loadFixture(rewardsFixture);
      await expect(distributor.connect(admin).addRewardToken(strayAddress, 0n))
        .to.be.revertedWithCustomError(distributor, "ZeroMinFunding")
        .withArgs(strayAddress);
      expect(await distributor.rewardTokens()).to.deep.equal(rewardTokenAddresses);
      await expect(
        distributor.connect(funder).fundRewards(operator1.address, assetAddresses[0], strayAddress, 1n, DAY),
      )
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      // The least minimum, 1 wei, is accepted.
      await expect(distributor.connect(admin).addRewardToken(strayAddress, 1n))
        .to.emit(distributor, "MinFundingSet")
        .withArgs(strayAddress, 1n);
    });

    it("reverts on the zero address, on a token allowed already, and for an account without REWARDS_ADMIN_ROLE", async function () {
      const { distributor, rewardTokenAddresses, strayAddress, outsider } = await loadFixture(rewardsFixture);
      await expect(distributor.addRewardToken(ZERO_ADDRESS, WAD)).to.be.revertedWithCustomError(
        distributor,
        "ZeroAddress",
      );
      await expect(distributor.addRewardToken(rewardTokenAddresses[1], WAD))
        .to.be.revertedWithCustomError(distributor, "RewardTokenAlreadyAdded")
        .withArgs(rewardTokenAddresses[1]);
      await expect(distributor.connect(outsider).addRewardToken(strayAddress, WAD))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.REWARDS_ADMIN);
      // The role, not the admin account, is what is checked.
      await (await distributor.grantRole(ROLES.REWARDS_ADMIN, outsider.address)).wait();
      await expect(distributor.connect(outsider).addRewardToken(strayAddress, WAD)).to.emit(
        distributor,
        "RewardTokenAdded",
      );
    });

    it("stops at MAX_REWARD_TOKENS", async function () {
      const { distributor } = await loadFixture(rewardsFixture);
      for (let i = 3n; i < MAX_REWARD_TOKENS; i++) {
        await (
          await distributor.addRewardToken(ethers.zeroPadValue(ethers.toBeHex(0x1000n + i), 20), WAD)
        ).wait();
      }
      expect((await distributor.rewardTokens()).length).to.equal(Number(MAX_REWARD_TOKENS));
      await expect(distributor.addRewardToken(ethers.zeroPadValue("0x01", 20), WAD))
        .to.be.revertedWithCustomError(distributor, "TooManyRewardTokens")
        .withArgs(MAX_REWARD_TOKENS);
    });

    it("a token cannot be listed open to the 1-wei-over-365-days lock (review finding 5): the lock reverts FundingTooSmall from the listing on, and the AVS's weekly fundings go through", async function () {
      // The attack: right after a token is listed (no setMinFunding ever called), anyone funds 1 wei of it over
      // MAX_DURATION into a pool with no stream of it; with a minimum of 0 that remainder was guarded, so the AVS's
      // weekly fundings would revert StreamRescheduled for a year. Now the listing itself carries the minimum.
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      const avsToken = await deployMockToken(f.admin, "AVS");
      const token = await avsToken.getAddress();
      for (const account of [f.funder, f.carol]) {
        await (await avsToken.mint(account.address, 10_000n * WAD)).wait();
        await (await avsToken.connect(account).approve(f.distributorAddress, ethers.MaxUint256)).wait();
      }
      // Listing it without a minimum is refused; the deployment lists it with 10 tokens.
      const refused = await d.addRewardToken(f.admin, token, 0n);
      expect(refused).to.be.instanceOf(ModelRevert);
      if (!(refused instanceof ModelRevert)) throw new Error("listed without a minimum");
      expect([refused.errorName, refused.args]).to.deep.equal(["ZeroMinFunding", [token]]);
      const min = 10n * WAD;
      await d.addRewardToken(f.admin, token, min);
      const lock = (amount: bigint): FundParams => ({
        operator: f.operator1.address,
        asset: stETH,
        token,
        amount,
        duration: MAX_DURATION,
      });
      // carol's 1 wei over a year, in the very next block: FundingTooSmall, and no slot or stream appears.
      let t = await nextBlockIn(1n);
      const out = await d.tryFund(f.carol, [lock(1n)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "FundingTooSmall",
        [token, 1n, min],
      ]);
      expect(await f.distributor.poolStreams(f.operator1.address, stETH)).to.deep.equal([]);
      await d.check("the 1-wei lock reverted");
      // Paying the minimum itself locks nothing: net of the commission it is below the minimum, dust from the start.
      const paid = await d.fund(f.carol, lock(min));
      expect(paid.results[0].rolled).to.equal(false);
      const running = d.model.runningStream(f.operator1.address, stETH, token, paid.timestamp + 1n);
      expect(running?.guarded).to.equal(false);
      // The AVS's week, a day later, ends carol's year-long stream sooner and goes through (absorbing it).
      t = await nextBlockIn(DAY);
      const week = await d.tryFund(f.funder, [{ ...lock(1_000n * WAD), duration: 7n * DAY }], t, false);
      expect(
        week.funded?.results.map((r) => [r.rolled, r.guarded, r.rescheduled, r.periodFinish]),
      ).to.deep.equal([[true, false, true, t + 7n * DAY]]);
      await d.check("the AVS's week absorbed the minimum funding");
      await time.increase(8n * DAY);
      await d.check("the week ended");
    });
  });

  describe("setRewardTokenEnabled", function () {
    it("disables new funding of a token but not its claims, and enables it again", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, funder, operator1, alice, assetAddresses } = f;
      const [rwa] = f.rewardTokenAddresses;
      await expect(distributor.setRewardTokenEnabled(rwa, false))
        .to.emit(distributor, "RewardTokenEnabledSet")
        .withArgs(rwa, false);
      await expect(
        distributor.connect(funder).fundRewards(operator1.address, assetAddresses[0], rwa, WAD, DAY),
      )
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(rwa);
      await expect(
        distributor
          .connect(funder)
          .fundRewardsBatch([
            { operator: operator1.address, asset: assetAddresses[0], token: rwa, amount: WAD, duration: DAY },
          ]),
      )
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(rwa);
      // The running stream keeps streaming to its end, and claims are unaffected.
      const midway = await distributor.pendingRewards(alice.address, rwa);
      await time.increase(6n * DAY);
      const pending = await distributor.pendingRewards(alice.address, rwa);
      expect(midway).to.be.greaterThan(0n);
      // alice holds a quarter of the pool: a quarter of the 900 streamed, less rounding dust.
      expect(pending).to.be.closeTo((900n * WAD) / 4n, 2n);
      await expect(distributor.connect(alice).claim([rwa], alice.address)).to.changeTokenBalance(
        f.rewardTokens[0],
        alice,
        pending,
      );
      await expect(distributor.setRewardTokenEnabled(rwa, true))
        .to.emit(distributor, "RewardTokenEnabledSet")
        .withArgs(rwa, true);
      await expect(
        distributor.connect(funder).fundRewards(operator1.address, assetAddresses[0], rwa, WAD, DAY),
      ).to.emit(distributor, "RewardsFunded");
    });

    it("reverts for a token never allowed and for an account without REWARDS_ADMIN_ROLE", async function () {
      const { distributor, strayAddress, rewardTokenAddresses, outsider } = await loadFixture(rewardsFixture);
      await expect(distributor.setRewardTokenEnabled(strayAddress, true))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      await expect(distributor.connect(outsider).setRewardTokenEnabled(rewardTokenAddresses[0], false))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.REWARDS_ADMIN);
    });
  });

  describe("setMinFunding", function () {
    it("sets a token's minimum (MinFundingSet): a funding below it reverts FundingTooSmall, one at exactly it passes", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, admin, funder, operator1, operator2 } = f;
      const [stETH, rETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      const min = 5n * WAD + 7n;
      await expect(distributor.connect(admin).setMinFunding(rwa, min))
        .to.emit(distributor, "MinFundingSet")
        .withArgs(rwa, min);
      const fund = (operator: string, token: string, amount: bigint, duration = DAY) =>
        distributor.connect(funder).fundRewards(operator, stETH, token, amount, duration);
      await expect(fund(operator1.address, rwa, min - 1n))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(rwa, min - 1n, min);
      await expect(fund(operator1.address, rwa, 1n))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(rwa, 1n, min);
      // In a batch, one entry below the minimum reverts the whole batch.
      await expect(
        distributor.connect(funder).fundRewardsBatch([
          { operator: operator1.address, asset: stETH, token: rwa, amount: min, duration: DAY },
          { operator: operator1.address, asset: rETH, token: rwa, amount: min - 1n, duration: DAY },
        ]),
      )
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(rwa, min - 1n, min);
      expect(await distributor.poolStreams(operator1.address, stETH)).to.deep.equal([]);
      // Exactly the minimum passes; the minimum is per token (rwb keeps the fixture's 1 wei).
      const t = await nextBlockIn(1n);
      const commission = commissionOf(min, OPERATOR1_BPS);
      await expect(fund(operator1.address, rwa, min))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          min,
          commission,
          rateOf(min - commission, DAY),
          t + DAY,
        );
      await expect(fund(operator1.address, rwb, 1n)).to.emit(distributor, "RewardsFunded");
      // It applies to a roll too, before the rolling rule: a 1-wei top-up over the stream's remaining time would keep
      // its end and not slow it down, but is below the minimum.
      const [running] = await distributor.poolStreams(operator1.address, stETH);
      const t2 = await nextBlockIn(1n);
      await expect(fund(operator1.address, rwa, 1n, running.periodFinish - t2))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(rwa, 1n, min);
      // There is no going back to no minimum: 0 reverts ZeroMinFunding and the minimum stays.
      await expect(distributor.connect(admin).setMinFunding(rwa, 0n))
        .to.be.revertedWithCustomError(distributor, "ZeroMinFunding")
        .withArgs(rwa);
      await expect(fund(operator2.address, rwa, min - 1n))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(rwa, min - 1n, min);
      // The least minimum, 1 wei, makes 1 wei a funding again.
      await expect(distributor.connect(admin).setMinFunding(rwa, 1n))
        .to.emit(distributor, "MinFundingSet")
        .withArgs(rwa, 1n);
      await expect(fund(operator2.address, rwa, 1n)).to.emit(distributor, "RewardsFunded");
    });

    it("reverts for a token never allowed, for a minimum of 0 and for an account without REWARDS_ADMIN_ROLE", async function () {
      const { distributor, strayAddress, rewardTokenAddresses, outsider } = await loadFixture(rewardsFixture);
      await expect(distributor.setMinFunding(strayAddress, WAD))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      // A token never allowed is refused before its amount is looked at.
      await expect(distributor.setMinFunding(strayAddress, 0n))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      for (const token of rewardTokenAddresses) {
        await expect(distributor.setMinFunding(token, 0n))
          .to.be.revertedWithCustomError(distributor, "ZeroMinFunding")
          .withArgs(token);
      }
      await expect(distributor.connect(outsider).setMinFunding(rewardTokenAddresses[0], WAD))
        .to.be.revertedWithCustomError(distributor, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, ROLES.REWARDS_ADMIN);
      // The role, not the admin account, is what is checked.
      await (await distributor.grantRole(ROLES.REWARDS_ADMIN, outsider.address)).wait();
      await expect(distributor.connect(outsider).setMinFunding(rewardTokenAddresses[0], WAD))
        .to.emit(distributor, "MinFundingSet")
        .withArgs(rewardTokenAddresses[0], WAD);
    });

    it("makes squatting a pool's 8 stream slots cost 8 * minFunding, which the pool's stakers (and operator) receive", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1, alice, bob, admin } = f;
      const [stETH] = f.assetAddresses;
      const min = 10n * WAD;
      const extra: string[] = [];
      for (let i = 0; i < 6; i++) {
        const token = await deployMockToken(admin, `X${i}`);
        await (await token.mint(funder.address, 100n * WAD)).wait();
        await (await token.connect(funder).approve(distributorAddress, ethers.MaxUint256)).wait();
        await (await distributor.addRewardToken(await token.getAddress(), min)).wait();
        extra.push(await token.getAddress());
      }
      const tokens = [...f.rewardTokenAddresses, ...extra];
      for (const token of f.rewardTokenAddresses) await (await distributor.setMinFunding(token, min)).wait();
      // 1 wei no longer takes a slot.
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, tokens[0], 1n, HOUR))
        .to.be.revertedWithCustomError(distributor, "FundingTooSmall")
        .withArgs(tokens[0], 1n, min);
      for (const token of tokens.slice(0, 8)) {
        await (
          await distributor.connect(funder).fundRewards(operator1.address, stETH, token, min, HOUR)
        ).wait();
      }
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, tokens[8], min, HOUR))
        .to.be.revertedWithCustomError(distributor, "TooManyStreams")
        .withArgs(MAX_STREAMS_PER_POOL);
      // The squat cost 8 * min: each funding's commission went to the operator, the rest streamed to alice (1/4)
      // and bob (3/4) within the hour.
      await time.increase(2n * HOUR);
      const commission = commissionOf(min, OPERATOR1_BPS);
      for (const token of tokens.slice(0, 8)) {
        expect(await distributor.pendingCommission(operator1.address, token)).to.equal(commission);
        const a = await distributor.pendingRewards(alice.address, token);
        const b = await distributor.pendingRewards(bob.address, token);
        expect(a + b)
          .to.be.lte(min - commission)
          .and.gte(min - commission - 2n);
        expect(a).to.be.closeTo((min - commission) / 4n, 1n);
      }
    });
  });

  describe("fundRewards", function () {
    it("pulls the amount, credits the commission and starts a stream of the rest", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const amount = 1_234n * WAD + 5n;
      const duration = 7n * DAY;
      const commission = commissionOf(amount, OPERATOR1_BPS);
      const rate = rateOf(amount - commission, duration);
      const t = await nextBlockIn(10n);
      const tx = distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, amount, duration);
      await expect(tx)
        .to.emit(distributor, "RewardsFunded")
        .withArgs(funder.address, operator1.address, stETH, rwa, amount, commission, rate, t + duration);
      await expect(tx).to.changeTokenBalances(
        f.rewardTokens[0],
        [funder, distributorAddress],
        [-amount, amount],
      );
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(commission);
      const streams = await distributor.poolStreams(operator1.address, stETH);
      expect(
        streams.map((s) => [s.token, s.rate, s.periodFinish, s.rewardPerShare, s.lastUpdate]),
      ).to.deep.equal([[rwa, rate, t + duration, 0n, t]]);
    });

    it("accepts MIN_DURATION and MAX_DURATION and rejects a zero amount or a duration outside them", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      const fund = (amount: bigint, duration: bigint, token = rwa) =>
        distributor.connect(funder).fundRewards(operator1.address, stETH, token, amount, duration);
      await expect(fund(0n, DAY)).to.be.revertedWithCustomError(distributor, "ZeroAmount");
      await expect(fund(WAD, MIN_DURATION - 1n))
        .to.be.revertedWithCustomError(distributor, "InvalidDuration")
        .withArgs(MIN_DURATION - 1n, MIN_DURATION, MAX_DURATION);
      await expect(fund(WAD, MAX_DURATION + 1n))
        .to.be.revertedWithCustomError(distributor, "InvalidDuration")
        .withArgs(MAX_DURATION + 1n, MIN_DURATION, MAX_DURATION);
      await expect(fund(WAD, 0n))
        .to.be.revertedWithCustomError(distributor, "InvalidDuration")
        .withArgs(0n, MIN_DURATION, MAX_DURATION);
      const t1 = await nextBlockIn(1n);
      await expect(fund(WAD, MIN_DURATION))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          WAD,
          commissionOf(WAD, OPERATOR1_BPS),
          rateOf(WAD - commissionOf(WAD, OPERATOR1_BPS), MIN_DURATION),
          t1 + MIN_DURATION,
        );
      const t2 = await nextBlockIn(1n);
      await expect(fund(WAD, MAX_DURATION, rwb))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwb,
          WAD,
          commissionOf(WAD, OPERATOR1_BPS),
          rateOf(WAD - commissionOf(WAD, OPERATOR1_BPS), MAX_DURATION),
          t2 + MAX_DURATION,
        );
    });

    it("rejects a token that is not allowed, an unregistered operator, the undelegated pool and an unknown asset", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, funder, operator1, alice, strayAddress } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, strayAddress, WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      await expect(distributor.connect(funder).fundRewards(alice.address, stETH, rwa, WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "NotOperator")
        .withArgs(alice.address);
      await expect(distributor.connect(funder).fundRewards(ZERO_ADDRESS, stETH, rwa, WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "NotOperator")
        .withArgs(ZERO_ADDRESS);
      await expect(distributor.connect(funder).fundRewards(operator1.address, strayAddress, rwa, WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "UnknownAsset")
        .withArgs(strayAddress);
      expect(await distributor.poolStreams(operator1.address, stETH)).to.deep.equal([]);
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(0n);
    });

    it("rejects a fee-on-transfer token (TransferAmountMismatch) and keeps no state", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1, admin } = f;
      const [stETH] = f.assetAddresses;
      const fot = await new FeeOnTransferRewardToken__factory(admin).deploy("Fee", "FEE", 100n);
      const fotAddress = await fot.getAddress();
      await (await distributor.addRewardToken(fotAddress, FIXTURE_MIN_FUNDING)).wait();
      await (await fot.mint(funder.address, 1_000n * WAD)).wait();
      await (await fot.connect(funder).approve(distributorAddress, ethers.MaxUint256)).wait();
      const amount = 100n * WAD;
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, fotAddress, amount, DAY))
        .to.be.revertedWithCustomError(distributor, "TransferAmountMismatch")
        .withArgs(fotAddress, amount, amount - amount / 100n);
      expect(await distributor.poolStreams(operator1.address, stETH)).to.deep.equal([]);
      expect(await distributor.pendingCommission(operator1.address, fotAddress)).to.equal(0n);
      expect(await fot.balanceOf(distributorAddress)).to.equal(0n);
    });

    it("allows at most MAX_STREAMS_PER_POOL tokens per pool (TooManyStreams on the 9th); a token with a slot can still be funded", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1, operator2, admin } = f;
      const [stETH, rETH] = f.assetAddresses;
      const extra: string[] = [];
      for (let i = 0; i < 6; i++) {
        const token = await deployMockToken(admin, `X${i}`);
        await (await token.mint(funder.address, 10n * WAD)).wait();
        await (await token.connect(funder).approve(distributorAddress, ethers.MaxUint256)).wait();
        await (await distributor.addRewardToken(await token.getAddress(), FIXTURE_MIN_FUNDING)).wait();
        extra.push(await token.getAddress());
      }
      const tokens = [...f.rewardTokenAddresses, ...extra];
      // With the least minimum funding (1 wei, as every token here), 1 wei per token is enough to take a slot for
      // good. With a larger one, squatting the 8 slots costs 8 * minFunding of real rewards, which the pool's stakers
      // receive ("setMinFunding" above shows it).
      for (const token of tokens.slice(0, 8)) {
        await (
          await distributor.connect(funder).fundRewards(operator1.address, stETH, token, 1n, HOUR)
        ).wait();
      }
      expect((await distributor.poolStreams(operator1.address, stETH)).map((s) => s.token)).to.deep.equal(
        tokens.slice(0, 8),
      );
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, tokens[8], WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "TooManyStreams")
        .withArgs(MAX_STREAMS_PER_POOL);
      // Even after every stream ended, the slots stay taken.
      await time.increase(2n * HOUR);
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, tokens[8], WAD, DAY))
        .to.be.revertedWithCustomError(distributor, "TooManyStreams")
        .withArgs(MAX_STREAMS_PER_POOL);
      // The limit is per pool, and a token that has a slot can still be funded.
      await expect(
        distributor.connect(funder).fundRewards(operator1.address, rETH, tokens[8], WAD, DAY),
      ).to.emit(distributor, "RewardsFunded");
      await expect(
        distributor.connect(funder).fundRewards(operator2.address, stETH, tokens[8], WAD, DAY),
      ).to.emit(distributor, "RewardsFunded");
      await expect(
        distributor.connect(funder).fundRewards(operator1.address, stETH, tokens[0], WAD, DAY),
      ).to.emit(distributor, "RewardsFunded");
    });

    it("rolls a running stream: its unstreamed remainder and the new amount stream over the new duration", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const a1 = 1_000n * WAD;
      const t1 = await nextBlockIn(1n);
      await (
        await distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, a1, 10n * DAY)
      ).wait();
      const rate1 = rateOf(a1 - commissionOf(a1, OPERATOR1_BPS), 10n * DAY);
      // 4 days in, 500 more over 7 days: the end moves from day 10 to day 11, and the rate goes up, from 90 to
      // (540 unstreamed + 450 net) / 7 = 141.4 a day (rounded down, in 1e18-scaled wei per second).
      const a2 = 500n * WAD + 3n;
      const t2 = await nextBlockIn(4n * DAY);
      const remaining = rate1 * (t1 + 10n * DAY - t2);
      const rate2 = (remaining + (a2 - commissionOf(a2, OPERATOR1_BPS)) * RATE_SCALE) / (7n * DAY);
      expect(rate2).to.equal(1_636_904_761_904_761_904_766_865_079_365_078n);
      expect(rate2).to.be.greaterThan(rate1);
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, a2, 7n * DAY))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          a2,
          commissionOf(a2, OPERATOR1_BPS),
          rate2,
          t2 + 7n * DAY,
        );
      const [s] = await distributor.poolStreams(operator1.address, stETH);
      expect([s.rate, s.periodFinish]).to.deep.equal([rate2, t2 + 7n * DAY]);
      // After the end, a new funding carries nothing over and is unconstrained: shorter and slower is fine.
      const t3 = await nextBlockIn(8n * DAY);
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, WAD, 2n * DAY))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          WAD,
          commissionOf(WAD, OPERATOR1_BPS),
          rateOf(WAD - commissionOf(WAD, OPERATOR1_BPS), 2n * DAY),
          t3 + 2n * DAY,
        );
      expect(rateOf(WAD - commissionOf(WAD, OPERATOR1_BPS), 2n * DAY)).to.be.lessThan(rate2);
    });

    it("takes the commission in force at funding: the old one until a queued change matures, the new one after", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, registry, funder, operator1, operator2 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      const amount = 333n * WAD + 33n;
      const fund = (op: string) => distributor.connect(funder).fundRewards(op, stETH, rwa, amount, DAY);
      const queued = await mined(registry.connect(operator1).queueCommission(3_000));
      const effectAt = queued.timestamp + (await registry.commissionDelay());
      const c1 = commissionOf(amount, OPERATOR1_BPS);
      const r1 = rateOf(amount - c1, DAY);
      let t = await nextBlockIn(1n);
      await expect(fund(operator1.address))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(funder.address, operator1.address, stETH, rwa, amount, c1, r1, t + DAY);
      // One second before the change matures: still 10% (and the first stream ended: nothing carries over).
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(fund(operator1.address))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(funder.address, operator1.address, stETH, rwa, amount, c1, r1, effectAt - 1n + DAY);
      // At maturity: 30%; the 1-second-old stream rolls.
      await time.setNextBlockTimestamp(effectAt);
      const c3 = commissionOf(amount, 3_000n);
      await expect(fund(operator1.address))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          amount,
          c3,
          (r1 * (DAY - 1n) + (amount - c3) * RATE_SCALE) / DAY,
          effectAt + DAY,
        );
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(2n * c1 + c3);
      // operator2's commission did not move.
      const c2 = commissionOf(amount, OPERATOR2_BPS);
      t = await nextBlockIn(1n);
      await expect(fund(operator2.address))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator2.address,
          stETH,
          rwa,
          amount,
          c2,
          rateOf(amount - c2, DAY),
          t + DAY,
        );
      expect(await distributor.pendingCommission(operator2.address, rwa)).to.equal(c2);
    });
  });

  describe("rolling rule and minimum funding: a remainder below the minimum is dust that any schedule absorbs", function () {
    /**
     * alice (100 stETH, 50 rETH) and bob (300 stETH) in operator1's pools, set up through a driver (whose model then
     * predicts every funding, and is compared with the chain at every check); carol, who will fund RWA herself, holds
     * `carolRwa` of it. (The driver holds model state, so each test builds this on a fresh fixture.)
     */
    async function dustSetup(carolRwa: bigint) {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH, rETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      await d.deposit(f.alice, rETH, 50n * WAD);
      await d.delegate(f.bob, f.operator1);
      await d.deposit(f.bob, stETH, 300n * WAD);
      await (await f.rewardTokens[0].mint(f.carol.address, carolRwa)).wait();
      await (
        await f.rewardTokens[0].connect(f.carol).approve(f.distributorAddress, ethers.MaxUint256)
      ).wait();
      return { f, d, stETH, rETH, rwa };
    }

    /** A funding of operator1's `asset` pool with RWA. */
    function rwaFunding(f: RewardsFixture, asset: string, amount: bigint, duration: bigint): FundParams {
      return { operator: f.operator1.address, asset, token: f.rewardTokenAddresses[0], amount, duration };
    }

    /** The stream of RWA in operator1's `asset` pool, as the distributor shows it: [rate, periodFinish]. */
    async function rwaStream(f: RewardsFixture, asset: string): Promise<[bigint, bigint]> {
      const [view] = await f.distributor.poolStreams(f.operator1.address, asset);
      expect(view.token).to.equal(f.rewardTokenAddresses[0]);
      return [view.rate, view.periodFinish];
    }

    it("a stream of 4 minimum fundings over MAX_DURATION blocks shorter fundings only while its remainder is worth the minimum; then an AVS's 7-day funding absorbs it", async function () {
      const min = 100n * WAD;
      const { f, d, stETH, rwa } = await dustSetup(4n * min);
      await d.setMinFunding(f.admin, rwa, min);
      // carol would lock the token's schedule in the pool: 4 minimums (360 RWA net of 10%) over a year.
      const griefed = await d.fund(f.carol, rwaFunding(f, stETH, 4n * min, MAX_DURATION));
      const rate = rateOf(4n * min - commissionOf(4n * min, OPERATOR1_BPS), MAX_DURATION);
      const finish = griefed.timestamp + MAX_DURATION;
      expect(await rwaStream(f, stETH)).to.deep.equal([rate, finish]);
      // Its remainder, rate * (finish - now), is worth the minimum while at least `guardedFor` seconds are left: for
      // about the first 264 days of the year (a fraction 1 - 1/3.6 of it).
      const guardedFor = (min * RATE_SCALE + rate - 1n) / rate;
      expect(rate * guardedFor).to.be.gte(min * RATE_SCALE);
      expect(rate * (guardedFor - 1n)).to.be.lt(min * RATE_SCALE);
      expect(MAX_DURATION - guardedFor).to.be.closeTo(264n * DAY, DAY);

      // The AVS's weekly funding: 1,000 RWA (900 net) over 7 days, with carol's remainder rolled in.
      const week = rwaFunding(f, stETH, 1_000n * WAD, 7n * DAY);
      const rolled = (remaining: bigint): bigint => (remaining + 900n * WAD * RATE_SCALE) / (7n * DAY);
      // A week in, and at the last second the remainder is still worth the minimum, the AVS's week would end carol's
      // stream sooner: StreamRescheduled.
      for (const t of [griefed.timestamp + 7n * DAY, finish - guardedFor]) {
        await time.setNextBlockTimestamp(t);
        const out = await d.tryFund(f.funder, [week], t, false);
        expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
          "StreamRescheduled",
          [rate, rolled(rate * (finish - t)), finish, t + 7n * DAY],
        ]);
        expect(await rwaStream(f, stETH)).to.deep.equal([rate, finish]);
        await d.check(`the AVS's week reverted ${finish - t} s before carol's end`);
      }

      // One second later the remainder is below the minimum: dust, which the AVS's week absorbs (ending carol's stream
      // about 94 days sooner), at the rolled rate.
      const t = finish - guardedFor + 1n;
      await time.setNextBlockTimestamp(t);
      const out = await d.tryFund(f.funder, [week], t, false);
      const remaining = rate * (guardedFor - 1n);
      expect(out.funded?.results).to.deep.equal([
        {
          commission: 100n * WAD,
          rate: rolled(remaining),
          periodFinish: t + 7n * DAY,
          rolled: true,
          remainingScaled: remaining,
          guarded: false,
          rescheduled: true,
        },
      ]);
      if (out.funded === undefined) throw new Error("the AVS's week reverted");
      await expect(out.funded.receipt)
        .to.emit(f.distributor, "RewardsFunded")
        .withArgs(
          f.funder.address,
          f.operator1.address,
          stETH,
          rwa,
          1_000n * WAD,
          100n * WAD,
          rolled(remaining),
          t + 7n * DAY,
        );
      expect(rolled(remaining)).to.be.greaterThan(rateOf(900n * WAD, 7n * DAY));
      expect(await rwaStream(f, stETH)).to.deep.equal([rolled(remaining), t + 7n * DAY]);
      await d.check("the AVS's week absorbed carol's dust");
      // The week streams the AVS's 900 RWA and the dust to alice and bob (the model follows it to the end).
      await time.increase(8n * DAY);
      await d.check("the week ended");
    });

    it("a remainder one wei (1e18-scaled) below the minimum is dust that a 1-hour funding absorbs; one of exactly the minimum is guarded", async function () {
      // A stream at rate floor(min * 1e18 / s) leaves rate * s at s seconds before its end: min * 1e18 - 1 when
      // min * 1e18 = 1 (mod s), and min * 1e18 when s divides min * 1e18. So: s1 = 2 h + 1 s (coprime to 10),
      // s0 = 2 h = 2^5 * 3^2 * 5^2, and min about 100 RWA with min = (1e18)^-1 (mod s1) and min a multiple of 9.
      const s1 = 2n * HOUR + 1n;
      const s0 = 2n * HOUR;
      let min = inverseMod(RATE_SCALE, s1) + s1 * ((100n * WAD) / s1);
      while (min % 9n !== 0n) min += s1;
      expect((min * RATE_SCALE) % s1).to.equal(1n);
      expect((min * RATE_SCALE) % s0).to.equal(0n);
      const { f, d, stETH, rETH, rwa } = await dustSetup(min);
      await d.setMinFunding(f.admin, rwa, min);
      // The AVS streams 12 minimums net over 12 * s1 in the stETH pool and over 12 * s0 in the rETH pool, in one
      // batch: the rates are floor(min * 1e18 / s1) and min * 1e18 / s0.
      const c = 12n;
      const amount = grossFor(c * min, OPERATOR1_BPS);
      expect(amount - commissionOf(amount, OPERATOR1_BPS)).to.equal(c * min);
      const funded = await d.fundBatch(f.funder, [
        rwaFunding(f, stETH, amount, c * s1),
        rwaFunding(f, rETH, amount, c * s0),
      ]);
      const t0 = funded.timestamp;
      const rate1 = (min * RATE_SCALE - 1n) / s1;
      const rate0 = (min * RATE_SCALE) / s0;
      expect(funded.results.map((r) => [r.rate, r.periodFinish])).to.deep.equal([
        [rate1, t0 + c * s1],
        [rate0, t0 + c * s0],
      ]);
      expect(rate1 * s1).to.equal(min * RATE_SCALE - 1n);
      expect(rate0 * s0).to.equal(min * RATE_SCALE);
      // carol's funding of exactly the minimum over an hour, with the remainder rolled in.
      const carolNet = min - commissionOf(min, OPERATOR1_BPS);
      const hourRate = (remaining: bigint): bigint => (remaining + carolNet * RATE_SCALE) / HOUR;

      // rETH, s0 seconds before the end: the remainder is exactly the minimum, guarded; the hour would end it sooner.
      let t = t0 + (c - 1n) * s0;
      await time.setNextBlockTimestamp(t);
      let out = await d.tryFund(f.carol, [rwaFunding(f, rETH, min, HOUR)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate0, hourRate(min * RATE_SCALE), t0 + c * s0, t + HOUR],
      ]);
      await d.check("exactly the minimum: reverted");

      // stETH, s1 + 1 seconds before the end: the remainder is min * 1e18 - 1 + rate1, guarded.
      t = t0 + (c - 1n) * s1 - 1n;
      await time.setNextBlockTimestamp(t);
      out = await d.tryFund(f.carol, [rwaFunding(f, stETH, min, HOUR)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate1, hourRate(rate1 * (s1 + 1n)), t0 + c * s1, t + HOUR],
      ]);
      await d.check("one second before the dust: reverted");

      // One second later, min * 1e18 - 1: dust. carol's hour absorbs it and ends an hour and a second sooner.
      t += 1n;
      await time.setNextBlockTimestamp(t);
      out = await d.tryFund(f.carol, [rwaFunding(f, stETH, min, HOUR)], t, false);
      expect(out.funded?.results).to.deep.equal([
        {
          commission: commissionOf(min, OPERATOR1_BPS),
          rate: hourRate(min * RATE_SCALE - 1n),
          periodFinish: t + HOUR,
          rolled: true,
          remainingScaled: min * RATE_SCALE - 1n,
          guarded: false,
          rescheduled: true,
        },
      ]);
      if (out.funded === undefined) throw new Error("carol's hour reverted");
      await expect(out.funded.receipt)
        .to.emit(f.distributor, "RewardsFunded")
        .withArgs(
          f.carol.address,
          f.operator1.address,
          stETH,
          rwa,
          min,
          commissionOf(min, OPERATOR1_BPS),
          hourRate(min * RATE_SCALE - 1n),
          t + HOUR,
        );
      expect(t0 + c * s1 - (t + HOUR)).to.equal(HOUR + 1n);
      expect(await rwaStream(f, stETH)).to.deep.equal([hourRate(min * RATE_SCALE - 1n), t + HOUR]);
      await d.check("the dust absorbed");
      await time.increase(DAY);
      await d.check("both streams ended");
    });

    it("with the least minimum (1 wei) a stream worth less than a wei is dust from the start, and one of 2 wei over a year locks the schedule for half of it only", async function () {
      // Every token is listed with a minimum; the fixture's is the least one, 1 wei. carol funds 1 wei of RWA over a
      // year into operator1's stETH pool and 2 wei into its rETH pool, in one batch (no commission on 1 or 2 wei).
      const { f, d, stETH, rETH, rwa } = await dustSetup(3n);
      expect(d.model.minFunding(rwa)).to.equal(FIXTURE_MIN_FUNDING);
      expect(FIXTURE_MIN_FUNDING).to.equal(1n);
      const griefed = await d.fundBatch(f.carol, [
        rwaFunding(f, stETH, 1n, MAX_DURATION),
        rwaFunding(f, rETH, 2n, MAX_DURATION),
      ]);
      const rate1 = RATE_SCALE / MAX_DURATION;
      const rate2 = (2n * RATE_SCALE) / MAX_DURATION;
      const finish = griefed.timestamp + MAX_DURATION;
      expect(griefed.results).to.deep.equal(
        [rate1, rate2].map((rate) => ({
          commission: 0n,
          rate,
          periodFinish: finish,
          rolled: false,
          remainingScaled: 0n,
          guarded: false,
          rescheduled: false,
        })),
      );
      // The 1-wei stream is worth less than a wei, below the minimum from the start; the 2-wei one stays worth a wei
      // while at least `guardedFor` seconds are left: the first half of the year (k minimums lock 1 - 1/k of it).
      expect(rate1 * MAX_DURATION).to.be.lessThan(RATE_SCALE);
      const guardedFor = (RATE_SCALE + rate2 - 1n) / rate2;
      expect(rate2 * guardedFor).to.be.gte(RATE_SCALE);
      expect(rate2 * (guardedFor - 1n)).to.be.lt(RATE_SCALE);
      expect(guardedFor).to.be.closeTo(MAX_DURATION / 2n, 2n);
      const rolled = (rate: bigint, t: bigint, duration: bigint): bigint =>
        (rate * (finish - t) + 900n * WAD * RATE_SCALE) / duration;
      const week = (asset: string): FundParams => rwaFunding(f, asset, 1_000n * WAD, 7n * DAY);

      // A week in, the AVS's week (1,000 RWA) would end the 2-wei stream 351 days sooner: StreamRescheduled.
      let t = griefed.timestamp + 7n * DAY;
      await time.setNextBlockTimestamp(t);
      let out = await d.tryFund(f.funder, [week(rETH)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate2, rolled(rate2, t, 7n * DAY), finish, t + 7n * DAY],
      ]);
      // A second later, the same week absorbs the 1-wei stream's dust, ending it 351 days sooner.
      t += 1n;
      await time.setNextBlockTimestamp(t);
      out = await d.tryFund(f.funder, [week(stETH)], t, false);
      expect(out.funded?.results).to.deep.equal([
        {
          commission: 100n * WAD,
          rate: rolled(rate1, t, 7n * DAY),
          periodFinish: t + 7n * DAY,
          rolled: true,
          remainingScaled: rate1 * (finish - t),
          guarded: false,
          rescheduled: true,
        },
      ]);
      expect(await rwaStream(f, stETH)).to.deep.equal([rolled(rate1, t, 7n * DAY), t + 7n * DAY]);
      await d.check("the 1-wei stream absorbed, the 2-wei one guarded");

      // The 2-wei stream is guarded up to `guardedFor` seconds before its end, and dust one second later.
      t = finish - guardedFor;
      await time.setNextBlockTimestamp(t);
      out = await d.tryFund(f.funder, [week(rETH)], t, false);
      expect([out.reverted?.errorName, out.reverted?.args]).to.deep.equal([
        "StreamRescheduled",
        [rate2, rolled(rate2, t, 7n * DAY), finish, t + 7n * DAY],
      ]);
      t += 1n;
      await time.setNextBlockTimestamp(t);
      out = await d.tryFund(f.funder, [week(rETH)], t, false);
      expect(out.funded?.results).to.deep.equal([
        {
          commission: 100n * WAD,
          rate: rolled(rate2, t, 7n * DAY),
          periodFinish: t + 7n * DAY,
          rolled: true,
          remainingScaled: rate2 * (guardedFor - 1n),
          guarded: false,
          rescheduled: true,
        },
      ]);
      expect(await rwaStream(f, rETH)).to.deep.equal([rolled(rate2, t, 7n * DAY), t + 7n * DAY]);
      await d.check("the 2-wei stream absorbed half a year in");
    });
  });

  describe("fundRewardsBatch", function () {
    it("funds every entry in order, in one transaction (the same stream twice rolls within the second)", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1, operator2 } = f;
      const [stETH, rETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      const a = 100n * WAD;
      const b = 70n * WAD + 1n;
      const c = 9n * WAD;
      const t = await nextBlockIn(5n);
      const rate1 = rateOf(a - commissionOf(a, OPERATOR1_BPS), 2n * DAY);
      // The third entry rolls the first one in the same second, over its whole remaining duration (2 days): the end
      // stays, the rate goes up by c's net over 2 days.
      const rate2 = (rate1 * 2n * DAY + (c - commissionOf(c, OPERATOR1_BPS)) * RATE_SCALE) / (2n * DAY);
      expect(rate2).to.equal(rate1 + rateOf(c - commissionOf(c, OPERATOR1_BPS), 2n * DAY));
      const tx = distributor.connect(funder).fundRewardsBatch([
        { operator: operator1.address, asset: stETH, token: rwa, amount: a, duration: 2n * DAY },
        { operator: operator2.address, asset: rETH, token: rwb, amount: b, duration: 3n * DAY },
        { operator: operator1.address, asset: stETH, token: rwa, amount: c, duration: 2n * DAY },
      ]);
      await expect(tx)
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          a,
          commissionOf(a, OPERATOR1_BPS),
          rate1,
          t + 2n * DAY,
        );
      await expect(tx)
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator2.address,
          rETH,
          rwb,
          b,
          commissionOf(b, OPERATOR2_BPS),
          rateOf(b - commissionOf(b, OPERATOR2_BPS), 3n * DAY),
          t + 3n * DAY,
        );
      await expect(tx)
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          c,
          commissionOf(c, OPERATOR1_BPS),
          rate2,
          t + 2n * DAY,
        );
      await expect(tx).to.changeTokenBalance(f.rewardTokens[0], distributorAddress, a + c);
      const [s] = await distributor.poolStreams(operator1.address, stETH);
      expect([s.rate, s.periodFinish]).to.deep.equal([rate2, t + 2n * DAY]);
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(
        commissionOf(a, OPERATOR1_BPS) + commissionOf(c, OPERATOR1_BPS),
      );
    });

    it("reverts as a whole when one entry reverts; an empty batch does nothing", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, distributorAddress, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await expect(
        distributor.connect(funder).fundRewardsBatch([
          { operator: operator1.address, asset: stETH, token: rwa, amount: WAD, duration: DAY },
          { operator: operator1.address, asset: stETH, token: rwa, amount: 0n, duration: DAY },
        ]),
      ).to.be.revertedWithCustomError(distributor, "ZeroAmount");
      expect(await distributor.poolStreams(operator1.address, stETH)).to.deep.equal([]);
      expect(await f.rewardTokens[0].balanceOf(distributorAddress)).to.equal(0n);
      await expect(distributor.connect(funder).fundRewardsBatch([])).not.to.emit(
        distributor,
        "RewardsFunded",
      );
    });

    it("reverts GroupPaused while the funding group is paused, even for an empty batch", async function () {
      // The shared behaviours pause a one-entry batch; this checks that the pause is not checked per entry.
      const f = await loadFixture(stakedFixture);
      await (await f.distributor.pause(FUNDING)).wait();
      await expect(f.distributor.connect(f.funder).fundRewardsBatch([]))
        .to.be.revertedWithCustomError(f.distributor, "GroupPaused")
        .withArgs(RD_GROUP.FUNDING);
    });
  });

  describe("onActiveSharesChange", function () {
    it("is callable by the vault only", async function () {
      const { distributor, admin, outsider, alice, operator1, assetAddresses } =
        await loadFixture(streamingFixture);
      for (const caller of [outsider, admin]) {
        await expect(
          distributor
            .connect(caller)
            .onActiveSharesChange(alice.address, operator1.address, assetAddresses[0], 0n, 1n, 1n),
        )
          .to.be.revertedWithCustomError(distributor, "OnlyVault")
          .withArgs(caller.address);
      }
    });

    it("settles a staker before the vault changes its shares, and is not stopped by a paused distributor", async function () {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      for (const s of [f.alice, f.bob, f.carol]) await d.delegate(s, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      await d.deposit(f.bob, stETH, 100n * WAD);
      await d.fund(f.funder, {
        operator: f.operator1.address,
        asset: stETH,
        token: rwa,
        amount: 100n * WAD,
        duration: DAY,
      });
      await time.increase(HOUR);
      await (await f.distributor.pause(FUNDING | CLAIMS)).wait();
      const before = await f.distributor.pendingRewards(f.alice.address, rwa);
      const [s] = await f.distributor.poolStreams(f.operator1.address, stETH);
      // alice triples her stake: what she earned so far (plus her half of the deposit's second) stays hers.
      await d.deposit(f.alice, stETH, 200n * WAD);
      await d.check("alice tripled her stake");
      expect((await f.distributor.pendingRewards(f.alice.address, rwa)) - before).to.be.closeTo(
        s.rate / RATE_SCALE / 2n,
        2n,
      );
      // From now on she earns 3/4 of the stream.
      const after = await f.distributor.pendingRewards(f.alice.address, rwa);
      await time.increase(HOUR);
      expect((await f.distributor.pendingRewards(f.alice.address, rwa)) - after).to.be.closeTo(
        (s.rate * HOUR * 3n) / 4n / RATE_SCALE,
        2n,
      );
      await d.queue(f.bob, stETH, d.model.sharesOf(f.bob.address, stETH));
      await time.increase(HOUR);
      await d.deposit(f.carol, stETH, WAD);
      await d.check("bob left and carol joined while the distributor was paused");
    });
  });

  describe("setClaimer / claimFor", function () {
    it("lets the appointed claimer claim a staker's rewards to any recipient", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, alice, outsider, carol } = f;
      const [rwa] = f.rewardTokenAddresses;
      await expect(distributor.connect(alice).setClaimer(outsider.address))
        .to.emit(distributor, "ClaimerSet")
        .withArgs(alice.address, outsider.address);
      expect(await distributor.claimerOf(alice.address)).to.equal(outsider.address);
      await time.increase(6n * DAY);
      const expected = await distributor
        .connect(outsider)
        .claimFor.staticCall(alice.address, [rwa], carol.address);
      expect(expected).to.deep.equal([await distributor.pendingRewards(alice.address, rwa)]);
      const tx = distributor.connect(outsider).claimFor(alice.address, [rwa], carol.address);
      await expect(tx)
        .to.emit(distributor, "RewardsClaimed")
        .withArgs(alice.address, rwa, carol.address, outsider.address, expected[0]);
      await expect(tx).to.changeTokenBalances(
        f.rewardTokens[0],
        [carol, alice, outsider],
        [expected[0], 0n, 0n],
      );
      expect(await distributor.pendingRewards(alice.address, rwa)).to.equal(0n);
    });

    it("reverts NotClaimer for anyone else, and after the staker revokes its claimer", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, alice, bob, outsider } = f;
      const [rwa] = f.rewardTokenAddresses;
      await expect(distributor.connect(bob).claimFor(alice.address, [rwa], bob.address))
        .to.be.revertedWithCustomError(distributor, "NotClaimer")
        .withArgs(bob.address, alice.address);
      await (await distributor.connect(alice).setClaimer(outsider.address)).wait();
      await expect(distributor.connect(bob).claimFor(alice.address, [rwa], bob.address))
        .to.be.revertedWithCustomError(distributor, "NotClaimer")
        .withArgs(bob.address, alice.address);
      await expect(
        distributor.connect(outsider).claimFor(alice.address, [rwa], ZERO_ADDRESS),
      ).to.be.revertedWithCustomError(distributor, "ZeroAddress");
      await expect(distributor.connect(alice).setClaimer(ZERO_ADDRESS))
        .to.emit(distributor, "ClaimerSet")
        .withArgs(alice.address, ZERO_ADDRESS);
      await expect(distributor.connect(outsider).claimFor(alice.address, [rwa], outsider.address))
        .to.be.revertedWithCustomError(distributor, "NotClaimer")
        .withArgs(outsider.address, alice.address);
    });
  });

  describe("claim", function () {
    it("pays what streamed to the staker's share, once", async function () {
      const f = await loadFixture(stakedFixture);
      const { distributor, alice, bob, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      const funded = await mined(
        distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, 1_000n * WAD, 10n * DAY),
      );
      const rate = rateOf(900n * WAD, 10n * DAY);
      await nextBlockIn(5n * DAY);
      // alice holds 100 of the 400 shares (1e26 of 4e26: the virtual offset keeps the ratio exact here).
      const tx = distributor.connect(alice).claim([rwa, rwb], alice.address);
      const claimed = await mined(tx);
      const paid = await f.rewardTokens[0].balanceOf(alice.address);
      expect(paid).to.be.closeTo((rate * (claimed.timestamp - funded.timestamp)) / RATE_SCALE / 4n, 2n);
      expect(paid).to.be.closeTo((900n * WAD) / 2n / 4n, WAD / 1_000n);
      await expect(tx)
        .to.emit(distributor, "RewardsClaimed")
        .withArgs(alice.address, rwa, alice.address, alice.address, paid);
      await expect(tx)
        .to.emit(distributor, "RewardsClaimed")
        .withArgs(alice.address, rwb, alice.address, alice.address, 0n);
      expect(await distributor.pendingRewards(alice.address, rwa)).to.equal(0n);
      // bob, who did not claim, has 3 times as much.
      expect(await distributor.pendingRewards(bob.address, rwa)).to.be.closeTo(3n * paid, 4n);
      // Claiming again one second later pays that second's share only.
      await nextBlockIn(1n);
      await (await distributor.connect(alice).claim([rwa], alice.address)).wait();
      expect((await f.rewardTokens[0].balanceOf(alice.address)) - paid).to.be.closeTo(
        rate / RATE_SCALE / 4n,
        2n,
      );
    });

    it("pays the accrued rewards of a pool the staker left (undelegated) plus the pending ones of its current pools", async function () {
      const f = await loadFixture(rewardsFixture);
      const d = driverFor(f);
      const [stETH, rETH] = f.assetAddresses;
      const [rwa, rwb] = f.rewardTokenAddresses;
      await d.delegate(f.alice, f.operator1);
      await d.deposit(f.alice, stETH, 100n * WAD);
      await d.deposit(f.alice, rETH, 50n * WAD);
      await d.delegate(f.bob, f.operator2);
      await d.deposit(f.bob, stETH, 100n * WAD);
      for (const [op, asset, token] of [
        [f.operator1, stETH, rwa],
        [f.operator1, rETH, rwa],
        [f.operator1, rETH, rwb],
        [f.operator2, stETH, rwa],
      ] as const) {
        await d.fund(f.funder, {
          operator: op.address,
          asset,
          token,
          amount: 100n * WAD,
          duration: 20n * DAY,
        });
      }
      await nextBlockIn(2n * DAY);
      await d.undelegate(f.alice);
      await d.check("alice left operator1");
      const accrued = await f.distributor.pendingRewards(f.alice.address, rwa);
      // Two days of both operator1 streams of rwa (90 net over 20 days each), alone in both pools.
      expect(accrued).to.be.closeTo(18n * WAD, WAD / 1_000n);
      await time.increase(DAY);
      expect(await f.distributor.pendingRewards(f.alice.address, rwa)).to.equal(accrued);

      // alice joins operator2 and puts her stETH back to work there.
      await d.delegate(f.alice, f.operator2);
      await nextBlockIn(8n * DAY);
      const [stWithdrawal] = d.model.withdrawalsOf(f.alice.address);
      await d.complete(f.alice, stWithdrawal.id, false);
      await time.increase(DAY);
      await d.check("alice in operator2");
      const now2 = await f.distributor.pendingRewards(f.alice.address, rwa);
      expect(now2).to.be.greaterThan(accrued);
      await nextBlockIn(1n);
      const [paidA, paidB] = await d.claim(f.alice, [rwa, rwb], f.outsider.address);
      expect(paidA).to.be.greaterThan(now2);
      expect(paidB).to.be.greaterThan(0n);
      await d.check("alice claimed");
      expect(await f.distributor.pendingRewards(f.alice.address, rwa)).to.equal(0n);
      expect(await f.distributor.pendingRewards(f.alice.address, rwb)).to.equal(0n);
    });

    it("returns what it pays, per entry; an empty list pays nothing", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, bob } = f;
      const [rwa] = f.rewardTokenAddresses;
      const pending = await distributor.pendingRewards(bob.address, rwa);
      expect(pending).to.be.greaterThan(0n);
      expect(await distributor.connect(bob).claim.staticCall([rwa, rwa], bob.address)).to.deep.equal([
        pending,
        0n,
      ]);
      await expect(distributor.connect(bob).claim([], bob.address)).not.to.emit(
        distributor,
        "RewardsClaimed",
      );
      expect(await distributor.connect(bob).claim.staticCall([], bob.address)).to.deep.equal([]);
    });

    it("reverts on the zero recipient and on a token that is not allowed", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, alice, strayAddress } = f;
      await expect(
        distributor.connect(alice).claim(f.rewardTokenAddresses, ZERO_ADDRESS),
      ).to.be.revertedWithCustomError(distributor, "ZeroAddress");
      await expect(distributor.connect(alice).claim([strayAddress], alice.address))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
    });
  });

  describe("claimCommission", function () {
    it("pays the operator exactly its commission, once", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, operator1, outsider } = f;
      const [rwa, rwb] = f.rewardTokenAddresses;
      const commission = commissionOf(1_000n * WAD, OPERATOR1_BPS);
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(commission);
      expect(
        await distributor.connect(operator1).claimCommission.staticCall([rwa, rwb], outsider.address),
      ).to.deep.equal([commission, 0n]);
      const tx = distributor.connect(operator1).claimCommission([rwa, rwb], outsider.address);
      await expect(tx)
        .to.emit(distributor, "CommissionClaimed")
        .withArgs(operator1.address, rwa, outsider.address, commission);
      await expect(tx)
        .to.emit(distributor, "CommissionClaimed")
        .withArgs(operator1.address, rwb, outsider.address, 0n);
      await expect(tx).to.changeTokenBalances(f.rewardTokens[0], [outsider, operator1], [commission, 0n]);
      expect(await distributor.pendingCommission(operator1.address, rwa)).to.equal(0n);
      await expect(
        distributor.connect(operator1).claimCommission([rwa], operator1.address),
      ).to.changeTokenBalance(f.rewardTokens[0], operator1, 0n);
    });

    it("pays nothing to an account with no commission and reverts on a zero recipient or an unknown token", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, alice, operator1, strayAddress } = f;
      const [rwa] = f.rewardTokenAddresses;
      await expect(distributor.connect(alice).claimCommission([rwa], alice.address))
        .to.emit(distributor, "CommissionClaimed")
        .withArgs(alice.address, rwa, alice.address, 0n);
      await expect(
        distributor.connect(operator1).claimCommission([rwa], ZERO_ADDRESS),
      ).to.be.revertedWithCustomError(distributor, "ZeroAddress");
      await expect(distributor.connect(operator1).claimCommission([strayAddress], operator1.address))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
    });
  });

  describe("pause groups", function () {
    it("after the funding group is unpaused, a top-up of the running stream funds at the exact rolled rate; pendingRewards reads while claims are paused", async function () {
      // The role checks, PausedGroupsSet, GroupPaused of every function and the ungrouped functions are the shared
      // behaviours' (RewardDistributor.behaviours.test.ts): this test keeps what only the distributor shows.
      const f = await loadFixture(streamingFixture);
      const { distributor, alice, funder, operator1 } = f;
      const [stETH] = f.assetAddresses;
      const [rwa] = f.rewardTokenAddresses;
      await (await distributor.pause(FUNDING | CLAIMS)).wait();
      await (await distributor.unpause(FUNDING)).wait();
      expect(await distributor.pausedGroups()).to.equal(CLAIMS);
      // Funding works again: a top-up of the running stream over exactly its remaining time (its end stays, its rate
      // goes up by the top-up's net over that time).
      const [running] = await distributor.poolStreams(operator1.address, stETH);
      const t = await nextBlockIn(1n);
      const remaining = running.periodFinish - t;
      const net = WAD - commissionOf(WAD, OPERATOR1_BPS);
      const rolled = (running.rate * remaining + net * RATE_SCALE) / remaining;
      expect(rolled).to.equal(running.rate + rateOf(net, remaining));
      await expect(distributor.connect(funder).fundRewards(operator1.address, stETH, rwa, WAD, remaining))
        .to.emit(distributor, "RewardsFunded")
        .withArgs(
          funder.address,
          operator1.address,
          stETH,
          rwa,
          WAD,
          commissionOf(WAD, OPERATOR1_BPS),
          rolled,
          running.periodFinish,
        );
      // The views are never paused.
      expect(await distributor.pendingRewards(alice.address, rwa)).to.be.greaterThan(0n);
    });
  });

  describe("views", function () {
    it("pendingRewards and pendingCommission revert for a token that is not allowed", async function () {
      const { distributor, alice, operator1, strayAddress } = await loadFixture(streamingFixture);
      await expect(distributor.pendingRewards(alice.address, strayAddress))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
      await expect(distributor.pendingCommission(operator1.address, strayAddress))
        .to.be.revertedWithCustomError(distributor, "RewardTokenNotAllowed")
        .withArgs(strayAddress);
    });

    it("pendingRewards is zero for an account that never staked in a funded pool; poolStreams lists streams by slot", async function () {
      const f = await loadFixture(streamingFixture);
      const { distributor, outsider, carol, operator1, funder } = f;
      const [stETH] = f.assetAddresses;
      const [rwa, rwb, rwc] = f.rewardTokenAddresses;
      expect(await distributor.pendingRewards(outsider.address, rwa)).to.equal(0n);
      // carol holds stETH undelegated: the undelegated pool earns nothing.
      await (await f.vault.connect(carol).deposit(stETH, 10n * WAD, 0n)).wait();
      await time.increase(DAY);
      expect(await distributor.pendingRewards(carol.address, rwa)).to.equal(0n);
      await (await distributor.connect(funder).fundRewards(operator1.address, stETH, rwc, WAD, DAY)).wait();
      await (await distributor.connect(funder).fundRewards(operator1.address, stETH, rwb, WAD, DAY)).wait();
      const t = await now();
      const views = await distributor.poolStreams(operator1.address, stETH);
      expect(views.map((v) => [v.token, v.lastUpdate])).to.deep.equal([
        [rwa, t],
        [rwc, t],
        [rwb, t],
      ]);
    });
  });
});
