/**
 * Oracle manipulation against the LRT's price layer (docs/oracle.md).
 *
 * The attacker controls, or can push, the rate an adapter reads (the mock LSTs' setters are open: they model an LST
 * whose rate moves with a donation, or a faulty rate provider), and can call every permissionless function. What it
 * wants: a price (or a money-market answer) above the assets' value, to mint LRT cheaply or borrow against inflated
 * collateral, or an old price that no longer holds.
 *
 * What stops it: the stored price moves at most maxMoveBps per update (PriceMoveTooLarge), at most one update per
 * minUpdateInterval (UpdateTooSoon), and `price` refuses a price older than maxAge (StalePrice); the money-market feed
 * never answers above its cap. What it is left with is measured below: one bounded step per interval, which the
 * LRT's instant-exit fee (>= maxMoveBps) absorbs, and the cap's headroom above the true rate.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { expectMinedOk, expectMinedRevert, inOneBlock, type SendOverrides } from "./attackHelpersA";
import {
  DAY,
  FEED_GROWTH_BPS,
  ORACLE_MAX_AGE,
  ORACLE_MAX_MOVE_BPS,
  SOURCE_RATE,
  WAD,
  WSTETH_RATE,
  YEAR,
  capAfter,
  mineAt,
  oracleFixture,
  priceFeedFixture,
  type OracleFixture,
} from "../helpers/oracleFixtures";

/** `price` moved by `bps` basis points. */
function moved(price: bigint, bps: bigint): bigint {
  return (price * (10_000n + bps)) / 10_000n;
}

/** Three steps of exactly the bound from the listed wstETH rate: 1.15575, 1.16152875, 1.16733639375. */
const STEPS = [1_155_750_000_000_000_000n, 1_161_528_750_000_000_000n, 1_167_336_393_750_000_000n];

/** The attacker pushes the rate by the bound and updates, three times in one block. */
async function walkInOneBlock(f: OracleFixture) {
  const wst = f.wstETH.connect(f.attacker);
  const oracle = f.oracle.connect(f.attacker);
  return inOneBlock(
    STEPS.flatMap((p) => [
      (o: SendOverrides) => wst.setStEthPerToken(p, o),
      (o: SendOverrides) => oracle.updatePrice(f.wstETHAddress, o),
    ]),
  );
}

describe("Attack: oracle manipulation", function () {
  it("a pushed rate beyond the bound is rejected: the stored price keeps its value (PriceMoveTooLarge)", async function () {
    const { oracle, wstETH, wstETHAddress, attacker } = await loadFixture(oracleFixture);
    const inflated = (WSTETH_RATE * 12n) / 10n;
    await (await wstETH.connect(attacker).setStEthPerToken(inflated)).wait();
    await expect(oracle.connect(attacker).updatePrice(wstETHAddress))
      .to.be.revertedWithCustomError(oracle, "PriceMoveTooLarge")
      .withArgs(wstETHAddress, WSTETH_RATE, inflated, ORACLE_MAX_MOVE_BPS);
    expect(await oracle.price(wstETHAddress)).to.equal(WSTETH_RATE);
  });

  it("a pushed rate of exactly the bound is stored: the most one update gives the attacker is maxMoveBps", async function () {
    const { oracle, wstETH, wstETHAddress, attacker } = await loadFixture(oracleFixture);
    await (await wstETH.connect(attacker).setStEthPerToken(STEPS[0])).wait();
    await (await oracle.connect(attacker).updatePrice(wstETHAddress)).wait();
    const after = await oracle.price(wstETHAddress);
    expect(after).to.equal(STEPS[0]);
    // 100 wstETH entered at the old price and valued at the new one: 115 ETH -> 115.575 ETH, a gain of 0.575 ETH
    // (50 bps). An instant exit whose fee is at least 50 bps of what it pays takes 0.577875 ETH: no profit.
    const position = 100n * WAD;
    const gain = (position * (after - WSTETH_RATE)) / WAD;
    expect(gain).to.equal(575_000_000_000_000_000n);
    const exitFee = (((position * after) / WAD) * ORACLE_MAX_MOVE_BPS) / 10_000n;
    expect(exitFee).to.equal(577_875_000_000_000_000n);
    expect(exitFee).to.be.greaterThanOrEqual(gain);
  });

  it("without a minimum interval, the attacker walks the price three bounds in one block", async function () {
    const f = await loadFixture(oracleFixture);
    const { receipts } = await walkInOneBlock(f);
    receipts.forEach((r, i) => expectMinedOk(r, `step ${i}`));
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(STEPS[2]);
    expect(moved(moved(moved(WSTETH_RATE, 50n), 50n), 50n)).to.equal(STEPS[2]);
  });

  it("with a minimum interval, the second and third updates of the block revert UpdateTooSoon: one bound per interval", async function () {
    const f = await loadFixture(oracleFixture);
    await (await f.oracle.setMinUpdateInterval(600n)).wait();
    await time.increase(600n);
    const { receipts, timestamp } = await walkInOneBlock(f);
    expectMinedOk(receipts[0], "push 1");
    expectMinedOk(receipts[1], "update 1");
    for (const i of [3, 5]) {
      await expectMinedRevert(receipts[i], f.oracle, "UpdateTooSoon", [f.wstETHAddress, timestamp, 600n]);
    }
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(STEPS[0]);
    // The next step needs the interval to pass, and is again bounded against the stored price.
    await time.setNextBlockTimestamp(timestamp + 600n);
    await expect(f.oracle.connect(f.attacker).updatePrice(f.wstETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "PriceMoveTooLarge")
      .withArgs(f.wstETHAddress, STEPS[0], STEPS[2], ORACLE_MAX_MOVE_BPS);
  });

  it("a stale price is refused (StalePrice), and the first update after an outage is still bounded", async function () {
    const { oracle, wstETH, wstETHAddress, attacker, admin, listedAt } = await loadFixture(oracleFixture);
    // The keepers stop while the true rate falls 2% (a slash of the LST).
    const fallen = moved(WSTETH_RATE, -200n);
    await (await wstETH.setStEthPerToken(fallen)).wait();
    await mineAt(listedAt + ORACLE_MAX_AGE + 1n);
    await expect(oracle.price(wstETHAddress))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(wstETHAddress, listedAt, ORACLE_MAX_AGE);
    // Nobody can store the 2% move with a bounded update: the price stays refused, never old.
    await expect(oracle.connect(attacker).updatePrice(wstETHAddress))
      .to.be.revertedWithCustomError(oracle, "PriceMoveTooLarge")
      .withArgs(wstETHAddress, WSTETH_RATE, fallen, ORACLE_MAX_MOVE_BPS);
    await expect(oracle.price(wstETHAddress)).to.be.revertedWithCustomError(oracle, "StalePrice");
    // The oracle admin resets it within the range it checked off-chain.
    await expect(oracle.connect(admin).resetPrice(wstETHAddress, fallen, fallen)).to.emit(
      oracle,
      "PriceReset",
    );
    expect(await oracle.price(wstETHAddress)).to.equal(fallen);
  });

  it("the attacker cannot reset, re-bound or re-point a price (ORACLE_ADMIN_ROLE)", async function () {
    const { oracle, wstETHAddress, rETHAdapter, attacker } = await loadFixture(oracleFixture);
    const role = await oracle.ORACLE_ADMIN_ROLE();
    await expect(oracle.connect(attacker).resetPrice(wstETHAddress, 0n, 10n * WAD))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(attacker.address, role);
    await expect(oracle.connect(attacker).setBounds(wstETHAddress, DAY, 1_000n))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(attacker.address, role);
    await expect(oracle.connect(attacker).setAdapter(wstETHAddress, rETHAdapter))
      .to.be.revertedWithCustomError(oracle, "AccessControlUnauthorizedAccount")
      .withArgs(attacker.address, role);
  });

  it("a donation that doubles the LRT's rate leaves the money-market answer at the cap: the attacker keeps the headroom only", async function () {
    const { feed, source, deployedAt } = await loadFixture(priceFeedFixture);
    // 30 days after the snapshot the true rate has not moved; the attacker doubles the source.
    const t = deployedAt + 30n * DAY;
    await mineAt(t - 1n);
    await (await source.setRate(2n * SOURCE_RATE)).wait();
    expect(BigInt(await time.latest())).to.equal(t);
    const [, answer] = await feed.latestRoundData();
    const cap = capAfter(SOURCE_RATE, FEED_GROWTH_BPS, 30n * DAY);
    expect(answer).to.equal(cap);
    expect(cap).to.equal(1_050_000_000_000_000_000n + 8_630_136_986_301_369n);
    // Collateral valued at most 0.8219% (10% a year for 30 days) above the true rate, not 100%.
    expect(((answer - SOURCE_RATE) * 1_000_000n) / SOURCE_RATE).to.equal(8_219n);
    // A year on, the headroom is the full yearly growth bound.
    await mineAt(deployedAt + YEAR);
    expect((await feed.latestRoundData())[1]).to.equal(1_155_000_000_000_000_000n);
  });
});
