import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { LRTMathHarness__factory, type LRTMathHarness } from "../../typechain-types";
import { Prng } from "../helpers/prng";

const PANIC_DIVISION_BY_ZERO = 0x12;
const MAX_UINT256 = (1n << 256n) - 1n;
const TWO_128 = 1n << 128n;

async function harnessFixture(): Promise<{ harness: LRTMathHarness }> {
  const [deployer] = await ethers.getSigners();
  const harness = await new LRTMathHarness__factory(deployer).deploy();
  await harness.waitForDeployment();
  return { harness };
}

/** A bigint of `bits` random bits (at most 256). */
function randomBits(prng: Prng, bits: number): bigint {
  return bits === 0 ? 0n : prng.big(0n, (1n << BigInt(bits)) - 1n);
}

describe("LRTMathLib.mulDivDown / mulDivUp and BitMaskLib.lowestBit16", function () {
  it("mulDivDown and mulDivUp equal Math.mulDiv (floor and ceiling) and the exact quotient, on both sides of 2^128 and in random operands", async function () {
    const { harness } = await loadFixture(harnessFixture);
    const cases: [bigint, bigint, bigint][] = [
      [TWO_128 - 1n, TWO_128 - 1n, 1n],
      [TWO_128 - 1n, TWO_128 - 1n, 3n],
      [TWO_128, TWO_128 - 1n, 7n],
      [TWO_128 - 1n, TWO_128, 7n],
      [TWO_128, TWO_128, MAX_UINT256],
      [MAX_UINT256, MAX_UINT256, MAX_UINT256],
      [0n, MAX_UINT256, 5n],
      [10n ** 18n, 10n ** 36n, 10n ** 18n + 1n],
    ];
    const prng = new Prng(0x4c52);
    for (let i = 0; i < 60; i++) {
      const x = randomBits(prng, prng.int(0, 200));
      const y = randomBits(prng, prng.int(0, 200));
      const d = randomBits(prng, prng.int(1, 256)) + 1n;
      if ((x * y) / d <= MAX_UINT256 - 1n) cases.push([x, y, d]);
    }
    let fastPath = 0;
    for (const [x, y, d] of cases) {
      const floor = (x * y) / d;
      const ceil = floor + ((x * y) % d === 0n ? 0n : 1n);
      expect(await harness.mulDivDown(x, y, d), `${x} * ${y} / ${d}`).to.deep.equal([floor, floor]);
      expect(await harness.mulDivUp(x, y, d), `${x} * ${y} / ${d} up`).to.deep.equal([ceil, ceil]);
      if (x < TWO_128 && y < TWO_128) fastPath++;
    }
    expect(fastPath).to.be.greaterThan(10);
    expect(fastPath).to.be.lessThan(cases.length);
  });

  it("a zero divisor panics with division by zero (0x12), as Math.mulDiv does, on the single-word path and the other", async function () {
    const { harness } = await loadFixture(harnessFixture);
    for (const [x, y] of [
      [3n, 5n],
      [TWO_128, TWO_128],
    ]) {
      await expect(harness.mulDivDownOnly(x, y, 0n)).to.be.revertedWithPanic(PANIC_DIVISION_BY_ZERO);
      await expect(harness.mulDivUpOnly(x, y, 0n)).to.be.revertedWithPanic(PANIC_DIVISION_BY_ZERO);
    }
  });

  it("lowestBit16 equals lowestBit and the index of the lowest set bit for every single bit, every pair of bits and random masks below 2^16", async function () {
    const { harness } = await loadFixture(harnessFixture);
    const masks: bigint[] = [0xffffn, 0x8000n];
    for (let k = 0; k < 16; k++) {
      masks.push(1n << BigInt(k));
      for (let j = k + 1; j < 16; j++) masks.push((1n << BigInt(k)) | (1n << BigInt(j)));
    }
    const prng = new Prng(0xb175);
    for (let i = 0; i < 200; i++) masks.push(BigInt(prng.int(1, 0xffff)));
    const expected = masks.map((m) => {
      let k = 0n;
      while (((m >> k) & 1n) === 0n) k++;
      return k;
    });
    const [fast, full] = await harness.lowestBits(masks);
    expect(fast).to.deep.equal(expected);
    expect(full).to.deep.equal(expected);
  });
});
