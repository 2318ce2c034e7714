import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { SharesMathHarness__factory, type SharesMathHarness } from "../../typechain-types";
import {
  MAX_UINT256,
  VIRTUAL_ASSETS,
  VIRTUAL_SHARES,
  toAssetsDown,
  toAssetsUp,
  toSharesDown,
  toSharesUp,
} from "../helpers/sharesMath";

const V = VIRTUAL_SHARES;
const PANIC_OVERFLOW = 0x11;
const U128_MAX = (1n << 128n) - 1n;

/** splitmix64: a deterministic 64-bit generator, so the randomized cases are the same on every run. */
function prng(seed: bigint): () => bigint {
  let state = seed & 0xffffffffffffffffn;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  };
}

/** A value of a random bit length in [0, maxBits], so that small, medium and huge magnitudes all occur. */
function randomValue(next: () => bigint, maxBits: bigint): bigint {
  const bits = next() % (maxBits + 1n);
  if (bits === 0n) return 0n;
  const words = (bits + 63n) / 64n;
  let v = 0n;
  for (let i = 0n; i < words; i++) v = (v << 64n) | next();
  return v & ((1n << bits) - 1n);
}

interface Case {
  x: bigint;
  totalAssets: bigint;
  totalShares: bigint;
}

type Fn = "toSharesDown" | "toAssetsDown" | "toSharesUp" | "toAssetsUp";
const REFERENCE: Record<Fn, (x: bigint, a: bigint, s: bigint) => bigint> = {
  toSharesDown,
  toAssetsDown,
  toSharesUp,
  toAssetsUp,
};

describe("SharesMathLib", function () {
  async function harnessFixture(): Promise<{ math: SharesMathHarness }> {
    const [deployer] = await ethers.getSigners();
    const math = await new SharesMathHarness__factory(deployer).deploy();
    await math.waitForDeployment();
    return { math };
  }

  /** Calls all four functions of the harness on one case. */
  async function all(math: SharesMathHarness, c: Case): Promise<Record<Fn, bigint>> {
    const [sd, ad, su, au] = await Promise.all([
      math.toSharesDown(c.x, c.totalAssets, c.totalShares),
      math.toAssetsDown(c.x, c.totalAssets, c.totalShares),
      math.toSharesUp(c.x, c.totalAssets, c.totalShares),
      math.toAssetsUp(c.x, c.totalAssets, c.totalShares),
    ]);
    return { toSharesDown: sd, toAssetsDown: ad, toSharesUp: su, toAssetsUp: au };
  }

  const GRID: Case[] = [];
  for (const x of [0n, 1n, 2n, 3n, 999_999n, 1_000_000n, 1_000_001n, 10n ** 18n, 10n ** 24n + 7n]) {
    for (const [totalAssets, totalShares] of [
      [0n, 0n],
      [1n, 0n],
      [0n, 1n],
      [1n, 1n],
      [10n ** 18n, 10n ** 24n],
      [10n ** 18n - 1n, 10n ** 24n - 1_500_000n],
      [5n * 10n ** 17n, 10n ** 24n],
      [3n, 7n],
      [12_345_678_901n, 98_765_432_109_876n],
    ]) {
      GRID.push({ x, totalAssets, totalShares });
    }
  }

  describe("constants and zero cases", function () {
    it("uses 1e6 virtual shares and 1 virtual asset: the first deposit mints 1e6 shares per asset", async function () {
      const { math } = await loadFixture(harnessFixture);
      expect(VIRTUAL_SHARES).to.equal(1_000_000n);
      expect(VIRTUAL_ASSETS).to.equal(1n);
      expect(await math.toSharesDown(1n, 0n, 0n)).to.equal(1_000_000n);
      expect(await math.toSharesDown(10n ** 18n, 0n, 0n)).to.equal(10n ** 24n);
      expect(await math.toSharesUp(10n ** 18n, 0n, 0n)).to.equal(10n ** 24n);
    });

    it("converts zero to zero in every direction and pool state", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const [totalAssets, totalShares] of [
        [0n, 0n],
        [1n, 0n],
        [0n, 1n],
        [10n ** 18n, 10n ** 24n],
        [U128_MAX, U128_MAX],
      ]) {
        const r = await all(math, { x: 0n, totalAssets, totalShares });
        expect(r).to.deep.equal({ toSharesDown: 0n, toAssetsDown: 0n, toSharesUp: 0n, toAssetsUp: 0n });
      }
    });

    it("prices an empty pool at the virtual rate: floor and ceil of shares / 1e6", async function () {
      const { math } = await loadFixture(harnessFixture);
      expect(await math.toAssetsDown(999_999n, 0n, 0n)).to.equal(0n);
      expect(await math.toAssetsUp(999_999n, 0n, 0n)).to.equal(1n);
      expect(await math.toAssetsDown(1_000_000n, 0n, 0n)).to.equal(1n);
      expect(await math.toAssetsUp(1_000_000n, 0n, 0n)).to.equal(1n);
      expect(await math.toAssetsDown(1_000_001n, 0n, 0n)).to.equal(1n);
      expect(await math.toAssetsUp(1_000_001n, 0n, 0n)).to.equal(2n);
    });

    it("gives a pool holding assets but no shares to the virtual shares (a donation cannot be captured)", async function () {
      const { math } = await loadFixture(harnessFixture);
      // totalAssets 1e18 and no shares: a deposit of 1e18 gets 1e6 * 1e18 / (1e18 + 1) shares, about 1e6
      expect(await math.toSharesDown(10n ** 18n, 10n ** 18n, 0n)).to.equal(999_999n);
      // those shares redeem, in the pool after the deposit, for 999999 * (2e18 + 1) / 1999999: less than deposited,
      // because half the pool belongs to the virtual shares
      expect(await math.toAssetsDown(999_999n, 2n * 10n ** 18n, 999_999n)).to.equal(999_999_499_999_750_000n);
    });
  });

  describe("exact values on a grid", function () {
    it("matches the BigInt reference for every function on the grid", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        const r = await all(math, c);
        for (const fn of Object.keys(REFERENCE) as Fn[]) {
          expect(r[fn], `${fn}(${c.x}, ${c.totalAssets}, ${c.totalShares})`).to.equal(
            REFERENCE[fn](c.x, c.totalAssets, c.totalShares),
          );
        }
      }
    });

    it("computes known values by hand", async function () {
      const { math } = await loadFixture(harnessFixture);
      // 3 * (7 + 1e6) / (3 + 1) = 750005.25
      expect(await math.toSharesDown(3n, 3n, 7n)).to.equal(750_005n);
      expect(await math.toSharesUp(3n, 3n, 7n)).to.equal(750_006n);
      // 750005 * (3 + 1) / (7 + 1e6) = 2.99999...
      expect(await math.toAssetsDown(750_005n, 3n, 7n)).to.equal(2n);
      expect(await math.toAssetsUp(750_005n, 3n, 7n)).to.equal(3n);
      // an exact division rounds the same both ways: 2e6 * (1 + 1) / (1e6 + 1e6) = 2
      expect(await math.toAssetsDown(2_000_000n, 1n, 1_000_000n)).to.equal(2n);
      expect(await math.toAssetsUp(2_000_000n, 1n, 1_000_000n)).to.equal(2n);
    });
  });

  describe("rounding directions", function () {
    it("Down <= exact <= Up and Up - Down <= 1, with Up == Down exactly when the division is exact", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        const r = await all(math, c);
        const sharesNum = c.x * (c.totalShares + V);
        const sharesDen = c.totalAssets + VIRTUAL_ASSETS;
        const assetsNum = c.x * (c.totalAssets + VIRTUAL_ASSETS);
        const assetsDen = c.totalShares + V;
        for (const [down, up, num, den] of [
          [r.toSharesDown, r.toSharesUp, sharesNum, sharesDen],
          [r.toAssetsDown, r.toAssetsUp, assetsNum, assetsDen],
        ]) {
          expect(down * den, "Down <= exact").to.be.lte(num);
          expect(up * den, "exact <= Up").to.be.gte(num);
          expect(up - down, "Up - Down").to.equal(num % den === 0n ? 0n : 1n);
        }
      }
    });

    it("is monotonic: more assets never mint fewer shares, more shares never pay fewer assets", async function () {
      const { math } = await loadFixture(harnessFixture);
      const [totalAssets, totalShares] = [5n * 10n ** 17n + 3n, 10n ** 24n + 11n];
      let prevShares = 0n;
      let prevAssets = 0n;
      for (let x = 0n; x < 40n; x++) {
        const amount = x * 37_171n;
        const shares = await math.toSharesDown(amount, totalAssets, totalShares);
        const assets = await math.toAssetsDown(amount, totalAssets, totalShares);
        expect(shares).to.be.gte(prevShares);
        expect(assets).to.be.gte(prevAssets);
        [prevShares, prevAssets] = [shares, assets];
      }
    });
  });

  describe("the invariants stated in the library", function () {
    it("toAssetsDown: assets <= totalAssets whenever shares <= totalShares", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        if (c.x > c.totalShares) continue;
        expect(await math.toAssetsDown(c.x, c.totalAssets, c.totalShares)).to.be.lte(c.totalAssets);
      }
      // redeeming every share leaves the pool's rounding dust in the pool
      expect(await math.toAssetsDown(10n ** 24n, 5n * 10n ** 17n, 10n ** 24n)).to.equal(5n * 10n ** 17n);
      // U * (U + 1) / (U + 1e6) = U - 999999 + (999999 * 1e6 + U) / (U + 1e6), rounded down
      expect(await math.toAssetsDown(U128_MAX, U128_MAX, U128_MAX)).to.equal(U128_MAX - 999_999n);
    });

    it("toSharesUp: the shares burned for `assets` are worth at least `assets`", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        const burned = await math.toSharesUp(c.x, c.totalAssets, c.totalShares);
        expect(await math.toAssetsDown(burned, c.totalAssets, c.totalShares)).to.be.gte(c.x);
      }
    });

    it("toAssetsUp: paying toAssetsUp(shares) mints at least `shares`, whose value after the mint <= the payment", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        const paid = await math.toAssetsUp(c.x, c.totalAssets, c.totalShares);
        expect(await math.toSharesDown(paid, c.totalAssets, c.totalShares)).to.be.gte(c.x);
        expect(await math.toAssetsDown(c.x, c.totalAssets + paid, c.totalShares + c.x)).to.be.lte(paid);
      }
    });

    it("toSharesDown: the new shares' fraction of the pool (virtual offsets included) <= the assets' fraction, and they redeem for <= the deposit", async function () {
      const { math } = await loadFixture(harnessFixture);
      for (const c of GRID) {
        const minted = await math.toSharesDown(c.x, c.totalAssets, c.totalShares);
        // minted / (S + V + minted) <= x / (T + 1 + x)
        expect(minted * (c.totalAssets + VIRTUAL_ASSETS + c.x)).to.be.lte(c.x * (c.totalShares + V + minted));
        expect(await math.toAssetsDown(minted, c.totalAssets + c.x, c.totalShares + minted)).to.be.lte(c.x);
      }
    });

    it("toSharesDown: the literal form newShares / (S + new) <= assets / (T + assets) holds for pools priced at or below the first-deposit rate (S >= 1e6 * T)", async function () {
      const { math } = await loadFixture(harnessFixture);
      let checked = 0;
      for (const c of GRID) {
        if (c.totalShares < V * c.totalAssets) continue;
        const minted = await math.toSharesDown(c.x, c.totalAssets, c.totalShares);
        expect(minted * (c.totalAssets + c.x)).to.be.lte(c.x * (c.totalShares + minted));
        // and the brief form: assets <= totalAssets mints shares <= totalShares
        if (c.x <= c.totalAssets) expect(minted).to.be.lte(c.totalShares);
        checked++;
      }
      expect(checked).to.be.greaterThan(20);
    });

    it("toSharesDown: the literal form does not hold once rounding dust raised the rate above 1e6 shares per asset (documentation finding)", async function () {
      const { math } = await loadFixture(harnessFixture);
      // A pool of 1e18 assets / 1e24 shares paid 1 asset for 1.5e6 shares, leaving half an asset of dust.
      const [T, S, x] = [10n ** 18n - 1n, 10n ** 24n - 1_500_000n, 10n ** 18n];
      const minted = await math.toSharesDown(x, T, S);
      expect(minted).to.equal(10n ** 24n - 500_000n);
      // minted / (S + minted) > x / (T + x): the literal comment is off by the virtual offsets ...
      expect(minted * (T + x) - x * (S + minted)).to.equal(500_000n);
      // ... but the depositor still cannot take out more than it put in (exactly x here)
      expect(await math.toAssetsDown(minted, T + x, S + minted)).to.equal(x);
    });
  });

  describe("large values", function () {
    it("does not overflow for every input up to 2^128 - 1 when the result fits in 256 bits", async function () {
      const { math } = await loadFixture(harnessFixture);
      const big = [U128_MAX, U128_MAX - 1n, 1n << 127n, (1n << 112n) - 1n, 1n];
      for (const x of big) {
        for (const totalAssets of big) {
          for (const totalShares of big) {
            const r = await all(math, { x, totalAssets, totalShares });
            for (const fn of Object.keys(REFERENCE) as Fn[]) {
              expect(r[fn], `${fn}(${x}, ${totalAssets}, ${totalShares})`).to.equal(
                REFERENCE[fn](x, totalAssets, totalShares),
              );
            }
          }
        }
      }
    });

    it("reverts with an overflow panic (never a wrong value) when the result does not fit in 256 bits", async function () {
      const { math } = await loadFixture(harnessFixture);
      // U128_MAX * (U128_MAX + 1e6) / 1 > 2^256 - 1
      expect(toSharesDown(U128_MAX, 0n, U128_MAX)).to.be.greaterThan(MAX_UINT256);
      await expect(math.toSharesDown(U128_MAX, 0n, U128_MAX)).to.be.revertedWithPanic(PANIC_OVERFLOW);
      await expect(math.toSharesUp(U128_MAX, 0n, U128_MAX)).to.be.revertedWithPanic(PANIC_OVERFLOW);
      // the virtual offsets themselves overflow at the top of the range
      await expect(math.toSharesDown(1n, MAX_UINT256, 0n)).to.be.revertedWithPanic(PANIC_OVERFLOW);
      await expect(math.toAssetsDown(1n, 0n, MAX_UINT256)).to.be.revertedWithPanic(PANIC_OVERFLOW);
    });
  });

  describe("randomized comparison with the BigInt reference", function () {
    it("matches the reference on 400 deterministic random cases (inputs up to 2^128)", async function () {
      const { math } = await loadFixture(harnessFixture);
      const next = prng(0x5eed_2024n);
      const cases: Case[] = [];
      for (let i = 0; i < 400; i++) {
        cases.push({
          x: randomValue(next, 128n),
          totalAssets: randomValue(next, 128n),
          totalShares: randomValue(next, 128n),
        });
      }
      let overflows = 0;
      let checked = 0;
      const results = await Promise.all(
        cases.map(async (c) =>
          Promise.all(
            (Object.keys(REFERENCE) as Fn[]).map(async (fn) => {
              const expected = REFERENCE[fn](c.x, c.totalAssets, c.totalShares);
              if (expected > MAX_UINT256) {
                await expect(math[fn](c.x, c.totalAssets, c.totalShares)).to.be.revertedWithPanic(
                  PANIC_OVERFLOW,
                );
                return "overflow";
              }
              const actual = await math[fn](c.x, c.totalAssets, c.totalShares);
              expect(actual, `${fn}(${c.x}, ${c.totalAssets}, ${c.totalShares})`).to.equal(expected);
              return "checked";
            }),
          ),
        ),
      );
      for (const r of results.flat()) {
        if (r === "overflow") overflows++;
        else checked++;
      }
      expect(checked + overflows).to.equal(1600);
      // the generator must produce mostly in-range cases for the comparison to mean something
      expect(checked).to.be.greaterThan(1400);
    });

    it("keeps Down <= exact <= Up <= Down + 1 on 400 random pool-sized cases (inputs up to 2^112, pools up to 2^128)", async function () {
      const { math } = await loadFixture(harnessFixture);
      const next = prng(0xc0ffeen);
      const cases: Case[] = [];
      for (let i = 0; i < 400; i++) {
        cases.push({
          x: randomValue(next, 112n),
          totalAssets: randomValue(next, 128n),
          totalShares: randomValue(next, 128n),
        });
      }
      await Promise.all(
        cases.map(async (c) => {
          const r = await all(math, c);
          const sNum = c.x * (c.totalShares + V);
          const sDen = c.totalAssets + 1n;
          const aNum = c.x * (c.totalAssets + 1n);
          const aDen = c.totalShares + V;
          expect(r.toSharesDown * sDen <= sNum && sNum <= r.toSharesUp * sDen).to.equal(true);
          expect(r.toAssetsDown * aDen <= aNum && aNum <= r.toAssetsUp * aDen).to.equal(true);
          expect(r.toSharesUp - r.toSharesDown).to.be.oneOf([0n, 1n]);
          expect(r.toAssetsUp - r.toAssetsDown).to.be.oneOf([0n, 1n]);
          if (c.x <= c.totalShares) expect(r.toAssetsDown).to.be.lte(c.totalAssets);
        }),
      );
    });
  });
});
