import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { RewardDebtHarness__factory, type RewardDebtHarness } from "../../typechain-types";

const INT128_MIN = -(1n << 127n);
const INT128_MAX = (1n << 127n) - 1n;
const INT256_MIN = -(1n << 255n);
const INT256_MAX = (1n << 255n) - 1n;
const U128_MASK = (1n << 128n) - 1n;

/** The low (even slot) or high (odd slot) half of a packed word, as a signed 128-bit value. */
function half(word: bigint, slot: number): bigint {
  const bits = (word >> BigInt(128 * (slot & 1))) & U128_MASK;
  return bits >= 1n << 127n ? bits - (1n << 128n) : bits;
}

describe("RewardDebtLib", function () {
  async function harnessFixture(): Promise<{ debts: RewardDebtHarness }> {
    const [deployer] = await ethers.getSigners();
    const debts = await new RewardDebtHarness__factory(deployer).deploy();
    await debts.waitForDeployment();
    return { debts };
  }

  it("keeps every debt an int128 holds in its half of the word, without touching the other half", async function () {
    const { debts } = await loadFixture(harnessFixture);
    const values = [0n, 1n, -1n, INT128_MAX, INT128_MIN + 1n, 123_456_789n * 10n ** 30n, -(10n ** 38n)];
    for (const low of values) {
      for (const high of [INT128_MAX, -7n]) {
        await debts.set(2, low);
        await debts.set(3, high);
        expect(await debts.get(2)).to.equal(low);
        expect(await debts.get(3)).to.equal(high);
        const [word, spilled2] = await debts.raw(1, 2);
        expect(half(word, 2)).to.equal(low);
        expect(half(word, 3)).to.equal(high);
        expect(spilled2).to.equal(0n);
      }
    }
  });

  it("spills every debt an int128 does not hold, and type(int128).min itself, to a full word, exactly", async function () {
    const { debts } = await loadFixture(harnessFixture);
    const values = [
      INT128_MAX + 1n,
      INT128_MIN,
      INT128_MIN - 1n,
      INT256_MAX,
      INT256_MIN,
      375n * 10n ** 36n,
      -(10n ** 60n),
    ];
    for (const value of values) {
      await debts.set(5, value);
      await debts.set(4, -3n);
      expect(await debts.get(5)).to.equal(value);
      expect(await debts.get(4)).to.equal(-3n);
      const [word, spilled] = await debts.raw(2, 5);
      expect(half(word, 5)).to.equal(INT128_MIN);
      expect(half(word, 4)).to.equal(-3n);
      expect(spilled).to.equal(value);
    }
  });

  it("reads a debt back in its half once it fits again, ignoring the stale spilled value", async function () {
    const { debts } = await loadFixture(harnessFixture);
    await debts.set(0, INT256_MAX);
    expect(await debts.get(0)).to.equal(INT256_MAX);
    await debts.set(0, 42n);
    expect(await debts.get(0)).to.equal(42n);
    const [word, spilled] = await debts.raw(0, 0);
    expect(half(word, 0)).to.equal(42n);
    expect(spilled).to.equal(INT256_MAX);
    await debts.set(0, 0n);
    expect(await debts.get(0)).to.equal(0n);
    expect(await debts.get(1)).to.equal(0n);
  });

  it("keeps the eight slots independent", async function () {
    const { debts } = await loadFixture(harnessFixture);
    const values = [INT256_MIN, -1n, INT128_MAX, INT128_MIN, 0n, INT128_MAX + 1n, 5n, -(10n ** 70n)];
    for (let i = 0; i < 8; i++) await debts.set(i, values[i]);
    for (let i = 0; i < 8; i++) expect(await debts.get(i), `slot ${i}`).to.equal(values[i]);
  });
});
