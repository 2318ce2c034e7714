import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { deployPriceFeed } from "../../sdk/oracle";
import { LRTPriceFeed__factory } from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import {
  DAY,
  FEED_DESCRIPTION,
  FEED_GROWTH_BPS,
  MAX_YEARLY_GROWTH_BPS,
  ORACLE_ROLES,
  SOURCE_RATE,
  WAD,
  YEAR,
  capAfter,
  mineAt,
  priceFeedFixture,
} from "../helpers/oracleFixtures";

/** 1.05e18 grown by 10% over a full year. */
const CAP_AFTER_YEAR = 1_155_000_000_000_000_000n;
/** 1.05e18 grown by 10% over one day: 1.05e18 + floor(1.05e18 / 3650). */
const CAP_AFTER_DAY = 1_050_287_671_232_876_712n;

describe("LRTPriceFeed", function () {
  describe("deployment (sdk deployPriceFeed)", function () {
    it("is an 18-decimal AggregatorV3 feed over its source, with the source's rate as first snapshot", async function () {
      const { feed, admin, sourceAddress, deployedAt } = await loadFixture(priceFeedFixture);
      expect([await feed.decimals(), await feed.description(), await feed.version()]).to.deep.equal([
        18n,
        FEED_DESCRIPTION,
        1n,
      ]);
      expect(await feed.source()).to.equal(sourceAddress);
      expect([...(await feed.snapshot())]).to.deep.equal([SOURCE_RATE, deployedAt]);
      expect(await feed.maxYearlyGrowthBps()).to.equal(FEED_GROWTH_BPS);
      expect(await feed.MAX_YEARLY_GROWTH_BPS()).to.equal(MAX_YEARLY_GROWTH_BPS);
      expect(await feed.FEED_ADMIN_ROLE()).to.equal(ORACLE_ROLES.FEED_ADMIN);
      expect(await feed.hasRole(ORACLE_ROLES.DEFAULT_ADMIN, admin.address)).to.equal(true);
      expect(await feed.hasRole(ORACLE_ROLES.FEED_ADMIN, admin.address)).to.equal(true);
    });

    it("emits MaxYearlyGrowthSet and SnapshotSet at construction", async function () {
      const { admin, sourceAddress } = await loadFixture(priceFeedFixture);
      const feed = await deployPriceFeed(admin, {
        source: sourceAddress,
        description: "x",
        maxYearlyGrowthBps: 300n,
        snapshotRate: WAD,
      });
      const at = BigInt(await time.latest());
      const tx = feed.deploymentTransaction();
      if (tx === null) throw new Error("no deployment transaction");
      await expect(tx).to.emit(feed, "MaxYearlyGrowthSet").withArgs(admin.address, 300n);
      await expect(tx).to.emit(feed, "SnapshotSet").withArgs(admin.address, WAD, at);
    });

    it("rejects a zero source or admin, a snapshot of zero or above the source, and growth above 20%", async function () {
      const { admin, sourceAddress, feed } = await loadFixture(priceFeedFixture);
      const factory = new LRTPriceFeed__factory(admin);
      await expect(
        factory.deploy(ethers.ZeroAddress, admin.address, "x", WAD, 100n),
      ).to.be.revertedWithCustomError(feed, "ZeroAddress");
      await expect(
        factory.deploy(sourceAddress, ethers.ZeroAddress, "x", WAD, 100n),
      ).to.be.revertedWithCustomError(feed, "ZeroAddress");
      await expect(factory.deploy(sourceAddress, admin.address, "x", 0n, 100n))
        .to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds")
        .withArgs(0n, SOURCE_RATE);
      await expect(factory.deploy(sourceAddress, admin.address, "x", SOURCE_RATE + 1n, 100n))
        .to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds")
        .withArgs(SOURCE_RATE + 1n, SOURCE_RATE);
      await expect(factory.deploy(sourceAddress, admin.address, "x", SOURCE_RATE, MAX_YEARLY_GROWTH_BPS + 1n))
        .to.be.revertedWithCustomError(feed, "MaxYearlyGrowthTooHigh")
        .withArgs(MAX_YEARLY_GROWTH_BPS + 1n, MAX_YEARLY_GROWTH_BPS);
      const at = factory.deploy(sourceAddress, admin.address, "x", SOURCE_RATE, MAX_YEARLY_GROWTH_BPS);
      await expect(at).to.not.be.reverted;
    });
  });

  describe("the cap", function () {
    it("grows linearly from the snapshot: exact at 0, 1 day, half a year and a year", async function () {
      const { feed, deployedAt } = await loadFixture(priceFeedFixture);
      expect(capAfter(SOURCE_RATE, FEED_GROWTH_BPS, DAY)).to.equal(CAP_AFTER_DAY);
      expect(capAfter(SOURCE_RATE, FEED_GROWTH_BPS, YEAR)).to.equal(CAP_AFTER_YEAR);
      expect(await feed.capRate()).to.equal(SOURCE_RATE);
      await mineAt(deployedAt + DAY);
      expect(await feed.capRate()).to.equal(CAP_AFTER_DAY);
      await mineAt(deployedAt + YEAR / 2n);
      expect(await feed.capRate()).to.equal(1_102_500_000_000_000_000n);
      await mineAt(deployedAt + YEAR);
      expect(await feed.capRate()).to.equal(CAP_AFTER_YEAR);
    });

    it("answers the source rate while it is under the cap, and the cap once the source is above it", async function () {
      const { feed, source, deployedAt } = await loadFixture(priceFeedFixture);
      const underCap = 1_060_000_000_000_000_000n;
      await (await source.setRate(underCap)).wait();
      await mineAt(deployedAt + YEAR);
      expect((await feed.latestRoundData())[1]).to.equal(underCap);
      expect(await feed.isCapped()).to.equal(false);
      await (await source.setRate(2n * WAD)).wait();
      const t = BigInt(await time.latest());
      expect(t).to.equal(deployedAt + YEAR + 1n);
      const cap = capAfter(SOURCE_RATE, FEED_GROWTH_BPS, t - deployedAt);
      expect((await feed.latestRoundData())[1]).to.equal(cap);
      expect(await feed.isCapped()).to.equal(true);
    });

    it("does not lift the answer when the source is inflated tenfold (a donation or an oracle fault)", async function () {
      const { feed, source, deployedAt } = await loadFixture(priceFeedFixture);
      await mineAt(deployedAt + DAY - 1n);
      await (await source.setRate(10n * SOURCE_RATE)).wait();
      expect(BigInt(await time.latest())).to.equal(deployedAt + DAY);
      expect((await feed.latestRoundData())[1]).to.equal(CAP_AFTER_DAY);
    });

    it("follows the source down at once (a slash lowers the answer)", async function () {
      const { feed, source } = await loadFixture(priceFeedFixture);
      await (await source.setRate(WAD)).wait();
      expect((await feed.latestRoundData())[1]).to.equal(WAD);
    });
  });

  describe("round data", function () {
    it("latestRoundData: roundId = answeredInRound = startedAt = updatedAt = the block timestamp", async function () {
      const { feed, deployedAt } = await loadFixture(priceFeedFixture);
      await mineAt(deployedAt + 100n);
      const t = deployedAt + 100n;
      const cap = capAfter(SOURCE_RATE, FEED_GROWTH_BPS, 100n);
      expect(cap).to.be.greaterThan(SOURCE_RATE);
      expect([...(await feed.latestRoundData())]).to.deep.equal([t, SOURCE_RATE, t, t, t]);
    });

    it("getRoundData answers the current round as latestRoundData does and reverts RoundNotAvailable for any other", async function () {
      const { feed } = await loadFixture(priceFeedFixture);
      const t = BigInt(await time.latest());
      expect([...(await feed.getRoundData(t))]).to.deep.equal([...(await feed.latestRoundData())]);
      await expect(feed.getRoundData(t - 1n))
        .to.be.revertedWithCustomError(feed, "RoundNotAvailable")
        .withArgs(t - 1n, t);
      await expect(feed.getRoundData(0n))
        .to.be.revertedWithCustomError(feed, "RoundNotAvailable")
        .withArgs(0n, t);
    });

    it("reverts when the source reverts (a stale LRT price is never answered)", async function () {
      const { feed, source } = await loadFixture(priceFeedFixture);
      await (await source.setReverts(true)).wait();
      await expect(feed.latestRoundData()).to.be.revertedWithCustomError(source, "SourceDown");
    });
  });

  describe("setSnapshot", function () {
    it("accepts a snapshot equal to the current answer (SnapshotSet) and grows from it", async function () {
      const { feed, source, admin, deployedAt } = await loadFixture(priceFeedFixture);
      await (await source.setRate(2n * WAD)).wait();
      const t = deployedAt + DAY;
      await time.setNextBlockTimestamp(t);
      await expect(feed.setSnapshot(CAP_AFTER_DAY))
        .to.emit(feed, "SnapshotSet")
        .withArgs(admin.address, CAP_AFTER_DAY, t);
      expect([...(await feed.snapshot())]).to.deep.equal([CAP_AFTER_DAY, t]);
      await mineAt(t + YEAR);
      expect(await feed.capRate()).to.equal(capAfter(CAP_AFTER_DAY, FEED_GROWTH_BPS, YEAR));
    });

    it("rejects a snapshot one wei above the current answer, and zero (SnapshotOutOfBounds)", async function () {
      const { feed, source, deployedAt } = await loadFixture(priceFeedFixture);
      await (await source.setRate(2n * WAD)).wait();
      await time.setNextBlockTimestamp(deployedAt + DAY);
      await expect(feed.setSnapshot(CAP_AFTER_DAY + 1n))
        .to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds")
        .withArgs(CAP_AFTER_DAY + 1n, CAP_AFTER_DAY);
      await expect(feed.setSnapshot(0n)).to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds");
    });

    it("bounds the snapshot by the source when the source is under the cap", async function () {
      const { feed, source } = await loadFixture(priceFeedFixture);
      await (await source.setRate(WAD)).wait();
      await expect(feed.setSnapshot(WAD + 1n))
        .to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds")
        .withArgs(WAD + 1n, WAD);
      await expect(feed.setSnapshot(WAD)).to.emit(feed, "SnapshotSet");
    });
  });

  describe("setMaxYearlyGrowth", function () {
    it("re-snapshots at the current answer first, so a higher growth never lifts the cap retroactively", async function () {
      const { feed, source, admin, deployedAt } = await loadFixture(priceFeedFixture);
      await (await source.setRate(2n * WAD)).wait();
      const t = deployedAt + YEAR / 2n;
      await time.setNextBlockTimestamp(t);
      const tx = feed.setMaxYearlyGrowth(MAX_YEARLY_GROWTH_BPS);
      const capAtT = 1_102_500_000_000_000_000n;
      await expect(tx).to.emit(feed, "SnapshotSet").withArgs(admin.address, capAtT, t);
      await expect(tx).to.emit(feed, "MaxYearlyGrowthSet").withArgs(admin.address, MAX_YEARLY_GROWTH_BPS);
      expect(await feed.capRate()).to.equal(capAtT);
      await mineAt(t + YEAR);
      expect(await feed.capRate()).to.equal(capAtT + capAtT / 5n);
    });

    it("rejects growth above MAX_YEARLY_GROWTH_BPS and accepts zero (a flat cap)", async function () {
      const { feed, source, deployedAt } = await loadFixture(priceFeedFixture);
      await expect(feed.setMaxYearlyGrowth(MAX_YEARLY_GROWTH_BPS + 1n))
        .to.be.revertedWithCustomError(feed, "MaxYearlyGrowthTooHigh")
        .withArgs(MAX_YEARLY_GROWTH_BPS + 1n, MAX_YEARLY_GROWTH_BPS);
      await (await feed.setMaxYearlyGrowth(0n)).wait();
      await (await source.setRate(2n * WAD)).wait();
      await mineAt(deployedAt + YEAR);
      expect((await feed.latestRoundData())[1]).to.equal(SOURCE_RATE);
    });

    it("rejects a change while the answer is zero (a zero snapshot would freeze the cap)", async function () {
      const { feed, source } = await loadFixture(priceFeedFixture);
      await (await source.setRate(0n)).wait();
      await expect(feed.setMaxYearlyGrowth(100n))
        .to.be.revertedWithCustomError(feed, "SnapshotOutOfBounds")
        .withArgs(0n, 0n);
    });
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(priceFeedFixture);
    const { feed } = f;
    return {
      contract: feed,
      strangers: [f.outsider],
      holders: { FEED_ADMIN_ROLE: f.admin, DEFAULT_ADMIN_ROLE: f.admin },
      calls: [
        {
          name: "setSnapshot",
          role: "FEED_ADMIN_ROLE",
          call: (a) => feed.connect(a).setSnapshot(SOURCE_RATE - 1n),
          emits: { contract: feed, name: "SnapshotSet" },
        },
        {
          name: "setMaxYearlyGrowth",
          role: "FEED_ADMIN_ROLE",
          call: (a) => feed.connect(a).setMaxYearlyGrowth(500n),
          emits: { contract: feed, name: "MaxYearlyGrowthSet" },
        },
        {
          name: "grantRole(FEED_ADMIN_ROLE)",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => feed.connect(a).grantRole(ORACLE_ROLES.FEED_ADMIN, f.outsider.address),
          emits: { contract: feed, name: "RoleGranted" },
        },
      ],
    };
  });
});
