import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { readOracleState } from "../../sdk/oracle";
import {
  IdentityRateAdapter__factory,
  LRTOracle__factory,
  MockERC20__factory,
  MockRateAdapter__factory,
  WstETHRateAdapter__factory,
} from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import {
  DAY,
  HOUR,
  ORACLE_GROUP,
  ORACLE_LIMITS,
  ORACLE_MAX_AGE,
  ORACLE_MAX_MOVE_BPS,
  ORACLE_ROLES,
  RETH_RATE,
  WAD,
  WSTETH_RATE,
  mineAt,
  oracleFixture,
  type OracleFixture,
} from "../helpers/oracleFixtures";

const ORACLE_STORAGE_LOCATION = "0x10cc645b21b2feb0a31a0f30b23c1cfbc674b9d8bf46cc927468170213b70400";

/** The price `bps` basis points above (or, negative, below) `price`, exact when 1e4 divides price * bps. */
function moved(price: bigint, bps: bigint): bigint {
  return (price * (10_000n + bps)) / 10_000n;
}

/** The oracle fixture with a minimum update interval of 10 minutes. */
async function intervalFixture(): Promise<OracleFixture> {
  const f = await oracleFixture();
  await (await f.oracle.setMinUpdateInterval(600n)).wait();
  return f;
}

describe("LRTOracle", function () {
  describe("deployment (sdk deployOracle)", function () {
    it("lists the fixture assets in order, with their adapters, bounds and first prices", async function () {
      const f = await loadFixture(oracleFixture);
      const { oracle } = f;
      expect(await oracle.assets()).to.deep.equal([f.wstETHAddress, f.rETHAddress]);
      const wst = await oracle.assetConfig(f.wstETHAddress);
      expect([
        wst.adapter,
        wst.maxAge,
        wst.maxMoveBps,
        wst.decimals,
        wst.index,
        wst.listed,
        wst.price,
      ]).to.deep.equal([f.wstETHAdapter, ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS, 18n, 0n, true, WSTETH_RATE]);
      const r = await oracle.assetConfig(f.rETHAddress);
      expect([r.adapter, r.index, r.price, r.updatedAt]).to.deep.equal([
        f.rETHAdapter,
        1n,
        RETH_RATE,
        f.rETHListedAt,
      ]);
      expect(f.rETHListedAt).to.equal(f.listedAt + 1n);
      expect(await oracle.price(f.wstETHAddress)).to.equal(WSTETH_RATE);
      expect(await oracle.price(f.rETHAddress)).to.equal(RETH_RATE);
      expect(await oracle.minUpdateInterval()).to.equal(0n);
    });

    it("gives the admin DEFAULT_ADMIN_ROLE and ORACLE_ADMIN_ROLE and the pauser PAUSER_ROLE only", async function () {
      const { oracle, admin, pauser } = await loadFixture(oracleFixture);
      expect(await oracle.ORACLE_ADMIN_ROLE()).to.equal(ORACLE_ROLES.ORACLE_ADMIN);
      expect(await oracle.hasRole(ORACLE_ROLES.DEFAULT_ADMIN, admin.address)).to.equal(true);
      expect(await oracle.hasRole(ORACLE_ROLES.ORACLE_ADMIN, admin.address)).to.equal(true);
      expect(await oracle.hasRole(ORACLE_ROLES.PAUSER, admin.address)).to.equal(false);
      expect(await oracle.hasRole(ORACLE_ROLES.PAUSER, pauser.address)).to.equal(true);
      expect(await oracle.hasRole(ORACLE_ROLES.DEFAULT_ADMIN, pauser.address)).to.equal(false);
    });

    it("states its limits as constants", async function () {
      const { oracle } = await loadFixture(oracleFixture);
      expect([
        await oracle.MAX_ASSETS(),
        await oracle.MIN_MAX_AGE(),
        await oracle.MAX_MAX_AGE(),
        await oracle.MIN_MOVE_BPS(),
        await oracle.MAX_MOVE_BPS(),
        await oracle.MAX_MIN_UPDATE_INTERVAL(),
        await oracle.MAX_DECIMALS(),
        await oracle.GROUP_UPDATES(),
      ]).to.deep.equal([
        ORACLE_LIMITS.MAX_ASSETS,
        ORACLE_LIMITS.MIN_MAX_AGE,
        ORACLE_LIMITS.MAX_MAX_AGE,
        ORACLE_LIMITS.MIN_MOVE_BPS,
        ORACLE_LIMITS.MAX_MOVE_BPS,
        ORACLE_LIMITS.MAX_MIN_UPDATE_INTERVAL,
        ORACLE_LIMITS.MAX_DECIMALS,
        ORACLE_GROUP.UPDATES,
      ]);
    });

    it("rejects a zero admin at initialization (ZeroAddress)", async function () {
      const { admin, oracle } = await loadFixture(oracleFixture);
      const impl = await new LRTOracle__factory(admin).deploy();
      const data = impl.interface.encodeFunctionData("initialize", [ethers.ZeroAddress]);
      const proxyFactory = await ethers.getContractFactory("ProtocolProxy", admin);
      await expect(proxyFactory.deploy(await impl.getAddress(), data)).to.be.revertedWithCustomError(
        oracle,
        "ZeroAddress",
      );
    });
  });

  describe("price (staleness)", function () {
    it("returns the stored price up to maxAge seconds after the update and reverts StalePrice one second later", async function () {
      const { oracle, wstETHAddress, listedAt } = await loadFixture(oracleFixture);
      await mineAt(listedAt + ORACLE_MAX_AGE);
      expect(await oracle.price(wstETHAddress)).to.equal(WSTETH_RATE);
      await mineAt(listedAt + ORACLE_MAX_AGE + 1n);
      await expect(oracle.price(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(wstETHAddress, listedAt, ORACLE_MAX_AGE);
    });

    it("is fresh again after an update, from the update's timestamp", async function () {
      const { oracle, wstETHAddress, listedAt } = await loadFixture(oracleFixture);
      await mineAt(listedAt + ORACLE_MAX_AGE + 10n);
      await expect(oracle.price(wstETHAddress)).to.be.revertedWithCustomError(oracle, "StalePrice");
      const t = listedAt + ORACLE_MAX_AGE + 20n;
      await time.setNextBlockTimestamp(t);
      await (await oracle.updatePrice(wstETHAddress)).wait();
      expect(await oracle.price(wstETHAddress)).to.equal(WSTETH_RATE);
      expect((await oracle.assetConfig(wstETHAddress)).updatedAt).to.equal(t);
      await mineAt(t + ORACLE_MAX_AGE + 1n);
      await expect(oracle.price(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(wstETHAddress, t, ORACLE_MAX_AGE);
    });

    it("a 36-decimal asset whose adapter reports an absurd rate: updatePrice reverts PriceTooLarge (no panic), and priceRange clamps the rate to the move bound above the stored price", async function () {
      const { oracle, admin } = await loadFixture(oracleFixture);
      const token = await new MockERC20__factory(admin).deploy("Wide", "WIDE", 36);
      const tokenAddress = await token.getAddress();
      const adapter = await new MockRateAdapter__factory(admin).deploy(tokenAddress, WAD);
      await (
        await oracle.addAsset(tokenAddress, await adapter.getAddress(), ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS)
      ).wait();
      // A rate of 1 ETH per 1e18 units is 1e18 ETH-wei per whole token of 1e36 units.
      const stored = WAD * 10n ** 18n;
      expect(await oracle.price(tokenAddress)).to.equal(stored);
      const ceiling = stored + (stored * ORACLE_MAX_MOVE_BPS) / 10_000n;
      // rate * 1e18 overflows 256 bits: the whole-token price saturates at 2^256 - 1 instead of reverting with a panic.
      for (const rate of [ethers.MaxUint256, ethers.MaxUint256 / 10n ** 18n + 1n]) {
        await (await adapter.setRate(rate)).wait();
        await expect(oracle.updatePrice(tokenAddress))
          .to.be.revertedWithCustomError(oracle, "PriceTooLarge")
          .withArgs(tokenAddress, ethers.MaxUint256);
        expect(await oracle.priceRange(tokenAddress)).to.deep.equal([stored, ceiling]);
      }
      // The largest rate that does not overflow converts exactly (rate * 1e18), and is clamped the same way.
      const largest = ethers.MaxUint256 / 10n ** 18n;
      await (await adapter.setRate(largest)).wait();
      expect(await oracle.adapterPrice(tokenAddress)).to.equal(largest * 10n ** 18n);
      expect(await oracle.priceRange(tokenAddress)).to.deep.equal([stored, ceiling]);
    });

    it("reverts UnknownAsset for an asset without a price source", async function () {
      const { oracle, wethAddress } = await loadFixture(oracleFixture);
      await expect(oracle.price(wethAddress))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(wethAddress);
    });

    it("follows a new maxAge at once (setBounds)", async function () {
      const { oracle, wstETHAddress, listedAt } = await loadFixture(oracleFixture);
      await (await oracle.setBounds(wstETHAddress, 2n * HOUR, ORACLE_MAX_MOVE_BPS)).wait();
      await mineAt(listedAt + 2n * HOUR);
      expect(await oracle.price(wstETHAddress)).to.equal(WSTETH_RATE);
      await mineAt(listedAt + 2n * HOUR + 1n);
      await expect(oracle.price(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "StalePrice")
        .withArgs(wstETHAddress, listedAt, 2n * HOUR);
    });
  });

  describe("updatePrice (move bound)", function () {
    it("stores a move of exactly maxMoveBps up, from anyone, with PriceUpdated", async function () {
      const { oracle, wstETH, wstETHAddress, keeper } = await loadFixture(oracleFixture);
      const next = moved(WSTETH_RATE, ORACLE_MAX_MOVE_BPS);
      expect(next).to.equal(1_155_750_000_000_000_000n);
      await (await wstETH.setStEthPerToken(next)).wait();
      expect(await oracle.connect(keeper).updatePrice.staticCall(wstETHAddress)).to.equal(next);
      const t = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(oracle.connect(keeper).updatePrice(wstETHAddress))
        .to.emit(oracle, "PriceUpdated")
        .withArgs(wstETHAddress, WSTETH_RATE, next, t);
      expect(await oracle.price(wstETHAddress)).to.equal(next);
      expect((await oracle.assetConfig(wstETHAddress)).updatedAt).to.equal(t);
    });

    it("rejects a move of maxMoveBps plus one wei up (PriceMoveTooLarge) and keeps the stored price", async function () {
      const { oracle, wstETH, wstETHAddress, keeper, listedAt } = await loadFixture(oracleFixture);
      const next = moved(WSTETH_RATE, ORACLE_MAX_MOVE_BPS) + 1n;
      await (await wstETH.setStEthPerToken(next)).wait();
      await expect(oracle.connect(keeper).updatePrice(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "PriceMoveTooLarge")
        .withArgs(wstETHAddress, WSTETH_RATE, next, ORACLE_MAX_MOVE_BPS);
      const c = await oracle.assetConfig(wstETHAddress);
      expect([c.price, c.updatedAt]).to.deep.equal([WSTETH_RATE, listedAt]);
    });

    it("stores a move of exactly maxMoveBps down and rejects one wei more", async function () {
      const { oracle, rETH, rETHAddress } = await loadFixture(oracleFixture);
      const down = moved(RETH_RATE, -ORACLE_MAX_MOVE_BPS);
      expect(down).to.equal(1_094_500_000_000_000_000n);
      await (await rETH.setExchangeRate(down - 1n)).wait();
      await expect(oracle.updatePrice(rETHAddress))
        .to.be.revertedWithCustomError(oracle, "PriceMoveTooLarge")
        .withArgs(rETHAddress, RETH_RATE, down - 1n, ORACLE_MAX_MOVE_BPS);
      await (await rETH.setExchangeRate(down)).wait();
      await expect(oracle.updatePrice(rETHAddress)).to.emit(oracle, "PriceUpdated");
      expect(await oracle.price(rETHAddress)).to.equal(down);
    });

    it("bounds each update against the price stored by the previous one", async function () {
      const { oracle, wstETH, wstETHAddress } = await loadFixture(oracleFixture);
      const first = moved(WSTETH_RATE, ORACLE_MAX_MOVE_BPS);
      await (await wstETH.setStEthPerToken(first)).wait();
      await (await oracle.updatePrice(wstETHAddress)).wait();
      const second = moved(first, ORACLE_MAX_MOVE_BPS);
      await (await wstETH.setStEthPerToken(second)).wait();
      await (await oracle.updatePrice(wstETHAddress)).wait();
      expect(await oracle.price(wstETHAddress)).to.equal(second);
    });

    it("refreshes an unchanged price (new updatedAt, PriceUpdated with equal prices)", async function () {
      const { oracle, rETHAddress, rETHListedAt } = await loadFixture(oracleFixture);
      const t = rETHListedAt + DAY / 2n;
      await time.setNextBlockTimestamp(t);
      await expect(oracle.updatePrice(rETHAddress))
        .to.emit(oracle, "PriceUpdated")
        .withArgs(rETHAddress, RETH_RATE, RETH_RATE, t);
    });

    it("rejects a zero price (ZeroPrice)", async function () {
      const { oracle, rETH, rETHAddress } = await loadFixture(oracleFixture);
      await (await rETH.setExchangeRate(0n)).wait();
      await expect(oracle.updatePrice(rETHAddress))
        .to.be.revertedWithCustomError(oracle, "ZeroPrice")
        .withArgs(rETHAddress);
    });

    it("rejects a price above 2^128 - 1 (PriceTooLarge), by update and by reset", async function () {
      const { oracle, rETH, rETHAddress } = await loadFixture(oracleFixture);
      const huge = 2n ** 128n;
      await (await rETH.setExchangeRate(huge)).wait();
      await expect(oracle.updatePrice(rETHAddress))
        .to.be.revertedWithCustomError(oracle, "PriceTooLarge")
        .withArgs(rETHAddress, huge);
      await expect(oracle.resetPrice(rETHAddress, 0n, huge))
        .to.be.revertedWithCustomError(oracle, "PriceTooLarge")
        .withArgs(rETHAddress, huge);
    });

    it("reverts UnknownAsset for an asset without a price source", async function () {
      const { oracle, wethAddress } = await loadFixture(oracleFixture);
      await expect(oracle.updatePrice(wethAddress))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(wethAddress);
    });

    it("with a minimum interval: UpdateTooSoon one second before it, an update at it", async function () {
      const { oracle, wstETHAddress } = await loadFixture(intervalFixture);
      const t = BigInt(await time.latest()) + 600n;
      await time.setNextBlockTimestamp(t);
      await (await oracle.updatePrice(wstETHAddress)).wait();
      await time.setNextBlockTimestamp(t + 599n);
      await expect(oracle.updatePrice(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "UpdateTooSoon")
        .withArgs(wstETHAddress, t, 600n);
      await time.setNextBlockTimestamp(t + 600n);
      await expect(oracle.updatePrice(wstETHAddress))
        .to.emit(oracle, "PriceUpdated")
        .withArgs(wstETHAddress, WSTETH_RATE, WSTETH_RATE, t + 600n);
    });
  });

  describe("resetPrice", function () {
    it("stores a move beyond the bound inside the admin's range, with PriceReset, and restarts the age", async function () {
      const { oracle, admin, wstETH, wstETHAddress } = await loadFixture(oracleFixture);
      const slashed = 1_000_000_000_000_000_000n;
      await (await wstETH.setStEthPerToken(slashed)).wait();
      await expect(oracle.updatePrice(wstETHAddress)).to.be.revertedWithCustomError(
        oracle,
        "PriceMoveTooLarge",
      );
      expect(await oracle.resetPrice.staticCall(wstETHAddress, slashed, slashed)).to.equal(slashed);
      const t = BigInt(await time.latest()) + 3n;
      await time.setNextBlockTimestamp(t);
      await expect(oracle.resetPrice(wstETHAddress, slashed - WAD / 100n, slashed))
        .to.emit(oracle, "PriceReset")
        .withArgs(wstETHAddress, admin.address, WSTETH_RATE, slashed, t);
      const c = await oracle.assetConfig(wstETHAddress);
      expect([c.price, c.updatedAt]).to.deep.equal([slashed, t]);
    });

    it("rejects a price outside [minPrice, maxPrice] (ResetPriceOutOfRange), by one wei on either side", async function () {
      const { oracle, wstETH, wstETHAddress } = await loadFixture(oracleFixture);
      const p = 1_000_000_000_000_000_000n;
      await (await wstETH.setStEthPerToken(p)).wait();
      await expect(oracle.resetPrice(wstETHAddress, p + 1n, p + 2n))
        .to.be.revertedWithCustomError(oracle, "ResetPriceOutOfRange")
        .withArgs(wstETHAddress, p, p + 1n, p + 2n);
      await expect(oracle.resetPrice(wstETHAddress, 0n, p - 1n))
        .to.be.revertedWithCustomError(oracle, "ResetPriceOutOfRange")
        .withArgs(wstETHAddress, p, 0n, p - 1n);
    });

    it("rejects a zero price and an unknown asset", async function () {
      const { oracle, rETH, rETHAddress, wethAddress } = await loadFixture(oracleFixture);
      await (await rETH.setExchangeRate(0n)).wait();
      await expect(oracle.resetPrice(rETHAddress, 0n, WAD))
        .to.be.revertedWithCustomError(oracle, "ZeroPrice")
        .withArgs(rETHAddress);
      await expect(oracle.resetPrice(wethAddress, 0n, WAD))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(wethAddress);
    });

    it("ignores the minimum update interval", async function () {
      const { oracle, rETH, rETHAddress } = await loadFixture(intervalFixture);
      await time.increase(600n);
      await (await oracle.updatePrice(rETHAddress)).wait();
      await expect(oracle.updatePrice(rETHAddress)).to.be.revertedWithCustomError(oracle, "UpdateTooSoon");
      await (await rETH.setExchangeRate(WAD)).wait();
      await expect(oracle.resetPrice(rETHAddress, WAD, WAD)).to.emit(oracle, "PriceReset");
      expect(await oracle.price(rETHAddress)).to.equal(WAD);
    });
  });

  describe("addAsset", function () {
    it("lists an asset: AssetAdded, BoundsSet and PriceUpdated from zero, at the next index", async function () {
      const { oracle, wethAddress, wethAdapter } = await loadFixture(oracleFixture);
      const t = BigInt(await time.latest()) + 7n;
      await time.setNextBlockTimestamp(t);
      const tx = oracle.addAsset(wethAddress, wethAdapter, 2n * DAY, 10n);
      await expect(tx).to.emit(oracle, "AssetAdded").withArgs(wethAddress, wethAdapter, 18n, 2n);
      await expect(tx)
        .to.emit(oracle, "BoundsSet")
        .withArgs(wethAddress, 2n * DAY, 10n);
      await expect(tx).to.emit(oracle, "PriceUpdated").withArgs(wethAddress, 0n, WAD, t);
      expect(await oracle.price(wethAddress)).to.equal(WAD);
      expect((await oracle.assets())[2]).to.equal(wethAddress);
    });

    it("prices a whole token of a 6-decimal asset from a rate per 1e18 units (1e18 per 1e18 units: 1e6 wei)", async function () {
      const { oracle, usdc6Address, usdc6Adapter } = await loadFixture(oracleFixture);
      await (await oracle.addAsset(usdc6Address, usdc6Adapter, DAY, 10n)).wait();
      expect(await oracle.price(usdc6Address)).to.equal(1_000_000n);
      expect((await oracle.assetConfig(usdc6Address)).decimals).to.equal(6n);
      expect(await oracle.adapterPrice(usdc6Address)).to.equal(1_000_000n);
    });

    it("rejects zero addresses, a listed asset and an adapter of another asset", async function () {
      const { oracle, wethAddress, wethAdapter, wstETHAddress, wstETHAdapter } =
        await loadFixture(oracleFixture);
      await expect(oracle.addAsset(ethers.ZeroAddress, wethAdapter, DAY, 10n)).to.be.revertedWithCustomError(
        oracle,
        "ZeroAddress",
      );
      await expect(oracle.addAsset(wethAddress, ethers.ZeroAddress, DAY, 10n)).to.be.revertedWithCustomError(
        oracle,
        "ZeroAddress",
      );
      await expect(oracle.addAsset(wstETHAddress, wstETHAdapter, DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "AssetAlreadyListed")
        .withArgs(wstETHAddress);
      await expect(oracle.addAsset(wethAddress, wstETHAdapter, DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "AdapterAssetMismatch")
        .withArgs(wethAddress, wstETHAddress);
    });

    it("accepts maxAge and maxMoveBps at their limits and rejects one beyond (MaxAgeOutOfBounds, MaxMoveOutOfBounds)", async function () {
      const { oracle, wethAddress, wethAdapter } = await loadFixture(oracleFixture);
      const L = ORACLE_LIMITS;
      await expect(oracle.addAsset(wethAddress, wethAdapter, L.MIN_MAX_AGE - 1n, 10n))
        .to.be.revertedWithCustomError(oracle, "MaxAgeOutOfBounds")
        .withArgs(L.MIN_MAX_AGE - 1n, L.MIN_MAX_AGE, L.MAX_MAX_AGE);
      await expect(oracle.addAsset(wethAddress, wethAdapter, L.MAX_MAX_AGE + 1n, 10n))
        .to.be.revertedWithCustomError(oracle, "MaxAgeOutOfBounds")
        .withArgs(L.MAX_MAX_AGE + 1n, L.MIN_MAX_AGE, L.MAX_MAX_AGE);
      await expect(oracle.addAsset(wethAddress, wethAdapter, DAY, 0n))
        .to.be.revertedWithCustomError(oracle, "MaxMoveOutOfBounds")
        .withArgs(0n, L.MIN_MOVE_BPS, L.MAX_MOVE_BPS);
      await expect(oracle.addAsset(wethAddress, wethAdapter, DAY, L.MAX_MOVE_BPS + 1n))
        .to.be.revertedWithCustomError(oracle, "MaxMoveOutOfBounds")
        .withArgs(L.MAX_MOVE_BPS + 1n, L.MIN_MOVE_BPS, L.MAX_MOVE_BPS);
      await expect(oracle.addAsset(wethAddress, wethAdapter, L.MIN_MAX_AGE, L.MIN_MOVE_BPS))
        .to.emit(oracle, "BoundsSet")
        .withArgs(wethAddress, L.MIN_MAX_AGE, L.MIN_MOVE_BPS);
      await expect(oracle.setBounds(wethAddress, L.MAX_MAX_AGE, L.MAX_MOVE_BPS))
        .to.emit(oracle, "BoundsSet")
        .withArgs(wethAddress, L.MAX_MAX_AGE, L.MAX_MOVE_BPS);
    });

    it("rejects an asset whose adapter reports zero (ZeroPrice) and one with more than 36 decimals", async function () {
      const { oracle, admin, wstETH, wstETHAdapter, wstETHAddress } = await loadFixture(oracleFixture);
      await (await oracle.removeAsset(wstETHAddress)).wait();
      await (await wstETH.setStEthPerToken(0n)).wait();
      await expect(oracle.addAsset(wstETHAddress, wstETHAdapter, DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "ZeroPrice")
        .withArgs(wstETHAddress);
      const wide = await new MockERC20__factory(admin).deploy("Wide", "W37", 37);
      const wideAddress = await wide.getAddress();
      const adapter = await new IdentityRateAdapter__factory(admin).deploy(wideAddress);
      await expect(oracle.addAsset(wideAddress, await adapter.getAddress(), DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "UnsupportedDecimals")
        .withArgs(wideAddress, 37n, 36n);
    });

    it("holds at most 16 assets (TooManyAssets)", async function () {
      const { oracle, admin } = await loadFixture(oracleFixture);
      const deployListed = async () => {
        const token = await new MockERC20__factory(admin).deploy("T", "T", 18);
        const address = await token.getAddress();
        const adapter = await new IdentityRateAdapter__factory(admin).deploy(address);
        return { address, adapter: await adapter.getAddress() };
      };
      for (let i = 2; i < 16; i++) {
        const t = await deployListed();
        await (await oracle.addAsset(t.address, t.adapter, DAY, 10n)).wait();
      }
      expect((await oracle.assets()).length).to.equal(16);
      const extra = await deployListed();
      await expect(oracle.addAsset(extra.address, extra.adapter, DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "TooManyAssets")
        .withArgs(16n);
    });
  });

  describe("removeAsset", function () {
    it("moves the last asset into the freed index, forgets the asset (UnknownAsset), and lets it be listed again", async function () {
      const f = await loadFixture(oracleFixture);
      const { oracle } = f;
      await (await oracle.addAsset(f.wethAddress, f.wethAdapter, DAY, 10n)).wait();
      await expect(oracle.removeAsset(f.wstETHAddress))
        .to.emit(oracle, "AssetRemoved")
        .withArgs(f.wstETHAddress, 0n);
      expect(await oracle.assets()).to.deep.equal([f.wethAddress, f.rETHAddress]);
      expect((await oracle.assetConfig(f.wethAddress)).index).to.equal(0n);
      const gone = await oracle.assetConfig(f.wstETHAddress);
      expect([gone.adapter, gone.listed, gone.price, gone.updatedAt]).to.deep.equal([
        ethers.ZeroAddress,
        false,
        0n,
        0n,
      ]);
      await expect(oracle.price(f.wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(f.wstETHAddress);
      await expect(oracle.removeAsset(f.wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(f.wstETHAddress);
      await (await oracle.removeAsset(f.rETHAddress)).wait();
      expect(await oracle.assets()).to.deep.equal([f.wethAddress]);
      await expect(oracle.addAsset(f.wstETHAddress, f.wstETHAdapter, DAY, 10n))
        .to.emit(oracle, "AssetAdded")
        .withArgs(f.wstETHAddress, f.wstETHAdapter, 18n, 1n);
    });
  });

  describe("setAdapter, setBounds, setMinUpdateInterval", function () {
    it("replaces the adapter (AdapterSet); the next update is bounded against the stored price", async function () {
      const { oracle, admin, wstETHAddress } = await loadFixture(oracleFixture);
      // An identity adapter on wstETH reports 1e18, 13% under the stored 1.15e18.
      const identity = await new IdentityRateAdapter__factory(admin).deploy(wstETHAddress);
      const identityAddress = await identity.getAddress();
      await expect(oracle.setAdapter(wstETHAddress, identityAddress))
        .to.emit(oracle, "AdapterSet")
        .withArgs(wstETHAddress, identityAddress);
      expect(await oracle.price(wstETHAddress)).to.equal(WSTETH_RATE);
      expect(await oracle.adapterPrice(wstETHAddress)).to.equal(WAD);
      await expect(oracle.updatePrice(wstETHAddress))
        .to.be.revertedWithCustomError(oracle, "PriceMoveTooLarge")
        .withArgs(wstETHAddress, WSTETH_RATE, WAD, ORACLE_MAX_MOVE_BPS);
    });

    it("rejects an adapter of another asset, a zero adapter and an unknown asset", async function () {
      const { oracle, admin, wstETHAddress, rETHAdapter, rETHAddress, wethAddress, wethAdapter } =
        await loadFixture(oracleFixture);
      await expect(oracle.setAdapter(wstETHAddress, rETHAdapter))
        .to.be.revertedWithCustomError(oracle, "AdapterAssetMismatch")
        .withArgs(wstETHAddress, rETHAddress);
      await expect(oracle.setAdapter(wstETHAddress, ethers.ZeroAddress)).to.be.revertedWithCustomError(
        oracle,
        "ZeroAddress",
      );
      await expect(oracle.setAdapter(wethAddress, wethAdapter))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(wethAddress);
      const other = await new WstETHRateAdapter__factory(admin).deploy(wstETHAddress);
      await expect(oracle.setAdapter(wstETHAddress, await other.getAddress())).to.emit(oracle, "AdapterSet");
    });

    it("setBounds rejects an unknown asset and out-of-limit bounds", async function () {
      const { oracle, wethAddress, rETHAddress } = await loadFixture(oracleFixture);
      await expect(oracle.setBounds(wethAddress, DAY, 10n))
        .to.be.revertedWithCustomError(oracle, "UnknownAsset")
        .withArgs(wethAddress);
      await expect(oracle.setBounds(rETHAddress, DAY, 0n))
        .to.be.revertedWithCustomError(oracle, "MaxMoveOutOfBounds")
        .withArgs(0n, ORACLE_LIMITS.MIN_MOVE_BPS, ORACLE_LIMITS.MAX_MOVE_BPS);
      await expect(oracle.setBounds(rETHAddress, 0n, 10n))
        .to.be.revertedWithCustomError(oracle, "MaxAgeOutOfBounds")
        .withArgs(0n, ORACLE_LIMITS.MIN_MAX_AGE, ORACLE_LIMITS.MAX_MAX_AGE);
    });

    it("a new maxMoveBps bounds the next update", async function () {
      const { oracle, rETH, rETHAddress } = await loadFixture(oracleFixture);
      await (await oracle.setBounds(rETHAddress, DAY, 200n)).wait();
      const next = moved(RETH_RATE, 200n);
      await (await rETH.setExchangeRate(next)).wait();
      const at = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(at);
      await expect(oracle.updatePrice(rETHAddress))
        .to.emit(oracle, "PriceUpdated")
        .withArgs(rETHAddress, RETH_RATE, next, at);
    });

    it("setMinUpdateInterval accepts 30 minutes and rejects one second more", async function () {
      const { oracle } = await loadFixture(oracleFixture);
      const max = ORACLE_LIMITS.MAX_MIN_UPDATE_INTERVAL;
      await expect(oracle.setMinUpdateInterval(max + 1n))
        .to.be.revertedWithCustomError(oracle, "MinUpdateIntervalTooLong")
        .withArgs(max + 1n, max);
      await expect(oracle.setMinUpdateInterval(max)).to.emit(oracle, "MinUpdateIntervalSet").withArgs(max);
      expect(await oracle.minUpdateInterval()).to.equal(max);
    });
  });

  describe("sdk readOracleState", function () {
    it("reports each asset's price, age bounds and staleness", async function () {
      const { oracle, listedAt, rETHListedAt, wstETHAddress, rETHAddress, wstETHAdapter } =
        await loadFixture(oracleFixture);
      const fresh = await readOracleState(oracle, listedAt + ORACLE_MAX_AGE);
      expect(fresh.map((s) => [s.asset, s.price, s.stale])).to.deep.equal([
        [wstETHAddress, WSTETH_RATE, false],
        [rETHAddress, RETH_RATE, false],
      ]);
      expect(fresh[0].adapter).to.equal(wstETHAdapter);
      expect(fresh.map((s) => s.staleAt)).to.deep.equal([
        listedAt + ORACLE_MAX_AGE + 1n,
        rETHListedAt + ORACLE_MAX_AGE + 1n,
      ]);
      const stale = await readOracleState(oracle, listedAt + ORACLE_MAX_AGE + 1n);
      expect(stale.map((s) => s.stale)).to.deep.equal([true, false]);
    });
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(oracleFixture);
    const { oracle } = f;
    return {
      contract: oracle,
      strangers: [f.outsider, f.keeper, f.pauser],
      holders: { ORACLE_ADMIN_ROLE: f.admin, DEFAULT_ADMIN_ROLE: f.admin },
      calls: [
        {
          name: "addAsset",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).addAsset(f.wethAddress, f.wethAdapter, DAY, 10n),
          emits: { contract: oracle, name: "AssetAdded" },
        },
        {
          name: "removeAsset",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).removeAsset(f.rETHAddress),
          emits: { contract: oracle, name: "AssetRemoved" },
        },
        {
          name: "setAdapter",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).setAdapter(f.rETHAddress, f.rETHAdapter),
          emits: { contract: oracle, name: "AdapterSet" },
        },
        {
          name: "setBounds",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).setBounds(f.rETHAddress, DAY, 20n),
          emits: { contract: oracle, name: "BoundsSet" },
        },
        {
          name: "setMinUpdateInterval",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).setMinUpdateInterval(60n),
          emits: { contract: oracle, name: "MinUpdateIntervalSet" },
        },
        {
          name: "resetPrice",
          role: "ORACLE_ADMIN_ROLE",
          call: (a) => oracle.connect(a).resetPrice(f.rETHAddress, 0n, RETH_RATE),
          emits: { contract: oracle, name: "PriceReset" },
        },
        {
          name: "upgradeToAndCall",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => oracle.connect(a).upgradeToAndCall(f.implementation, "0x"),
          emits: { contract: oracle, name: "Upgraded" },
        },
      ],
    };
  });

  shouldBehaveLikePausableGroups(async () => {
    const f = await loadFixture(oracleFixture);
    const { oracle } = f;
    return {
      contract: oracle,
      pauser: f.pauser,
      admin: f.admin,
      stranger: f.outsider,
      groups: [
        {
          name: "GROUP_UPDATES",
          index: ORACLE_GROUP.UPDATES,
          calls: [
            {
              name: "updatePrice",
              call: () => oracle.connect(f.keeper).updatePrice(f.wstETHAddress),
              emits: { contract: oracle, name: "PriceUpdated" },
            },
          ],
        },
      ],
      ungrouped: [
        {
          name: "resetPrice",
          call: () => oracle.resetPrice(f.wstETHAddress, 0n, WSTETH_RATE),
          emits: { contract: oracle, name: "PriceReset" },
        },
        {
          name: "setBounds",
          call: () => oracle.setBounds(f.wstETHAddress, DAY, 20n),
          emits: { contract: oracle, name: "BoundsSet" },
        },
        {
          name: "addAsset",
          call: () => oracle.addAsset(f.wethAddress, f.wethAdapter, DAY, 10n),
          emits: { contract: oracle, name: "AssetAdded" },
        },
      ],
    };
  });

  shouldBehaveLikeProtocolUpgradeable(async () => {
    const f = await loadFixture(oracleFixture);
    const { oracle } = f;
    return {
      proxy: oracle,
      admin: f.admin,
      nonAdmin: f.outsider,
      deployImplementation: () => new LRTOracle__factory(f.admin).deploy(),
      initializerData: oracle.interface.encodeFunctionData("initialize", [f.outsider.address]),
      stateProbe: async () => ({
        assets: await oracle.assets(),
        wstETH: [...(await oracle.assetConfig(f.wstETHAddress))],
        rETH: [...(await oracle.assetConfig(f.rETHAddress))],
        interval: await oracle.minUpdateInterval(),
      }),
      namespace: {
        id: "restaking.storage.LRTOracle",
        location: ORACLE_STORAGE_LOCATION,
        // OracleStorage: assetList (16 slots), configs (1 slot), then assetCount at offset 17.
        field: {
          name: "OracleStorage.assetCount",
          slot: (base) => base + 17n,
          byteOffset: 0,
          byteLength: 1,
          read: async () => BigInt((await oracle.assets()).length),
        },
      },
    };
  });
});
