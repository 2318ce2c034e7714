import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  IdentityRateAdapter__factory,
  RETHRateAdapter__factory,
  WstETHRateAdapter__factory,
} from "../../typechain-types";
import { RETH_RATE, WAD, WSTETH_RATE, oracleFixture } from "../helpers/oracleFixtures";

describe("Rate adapters and mock LSTs", function () {
  describe("WstETHRateAdapter", function () {
    it("names its asset and reads stEthPerToken() exactly, as it changes", async function () {
      const { admin, wstETH, wstETHAddress, wstETHAdapter } = await loadFixture(oracleFixture);
      const adapter = WstETHRateAdapter__factory.connect(wstETHAdapter, admin);
      expect(await adapter.asset()).to.equal(wstETHAddress);
      expect(await adapter.getRate()).to.equal(WSTETH_RATE);
      await (await wstETH.setStEthPerToken(1_234_567_890_123_456_789n)).wait();
      expect(await adapter.getRate()).to.equal(1_234_567_890_123_456_789n);
    });

    it("reverts without data when its asset has no stEthPerToken()", async function () {
      const { admin, rETHAddress } = await loadFixture(oracleFixture);
      const wrong = await new WstETHRateAdapter__factory(admin).deploy(rETHAddress);
      await expect(wrong.getRate()).to.be.revertedWithoutReason();
    });
  });

  describe("RETHRateAdapter", function () {
    it("names its asset and reads getExchangeRate() exactly, as it changes", async function () {
      const { admin, rETH, rETHAddress, rETHAdapter } = await loadFixture(oracleFixture);
      const adapter = RETHRateAdapter__factory.connect(rETHAdapter, admin);
      expect(await adapter.asset()).to.equal(rETHAddress);
      expect(await adapter.getRate()).to.equal(RETH_RATE);
      await (await rETH.setExchangeRate(987_654_321_000_000_000n)).wait();
      expect(await adapter.getRate()).to.equal(987_654_321_000_000_000n);
    });

    it("reverts without data when its asset has no getExchangeRate()", async function () {
      const { admin, wstETHAddress } = await loadFixture(oracleFixture);
      const wrong = await new RETHRateAdapter__factory(admin).deploy(wstETHAddress);
      await expect(wrong.getRate()).to.be.revertedWithoutReason();
    });
  });

  describe("IdentityRateAdapter", function () {
    it("names its asset and reports 1e18", async function () {
      const { admin, wethAddress, wethAdapter } = await loadFixture(oracleFixture);
      const adapter = IdentityRateAdapter__factory.connect(wethAdapter, admin);
      expect(await adapter.asset()).to.equal(wethAddress);
      expect(await adapter.getRate()).to.equal(WAD);
    });
  });

  describe("MockWstETH and MockRETH", function () {
    it("are 18-decimal ERC-20s with an open mint, starting at a rate of 1e18", async function () {
      const [deployer, holder] = await ethers.getSigners();
      const wst = await ethers.deployContract("MockWstETH", deployer);
      const r = await ethers.deployContract("MockRETH", deployer);
      expect([await wst.name(), await wst.symbol(), await wst.decimals()]).to.deep.equal([
        "Mock Wrapped stETH",
        "wstETH",
        18n,
      ]);
      expect([await r.name(), await r.symbol(), await r.decimals()]).to.deep.equal([
        "Mock Rocket Pool ETH",
        "rETH",
        18n,
      ]);
      expect(await wst.stEthPerToken()).to.equal(WAD);
      expect(await r.getExchangeRate()).to.equal(WAD);
      await (await wst.mint(holder.address, 5n * WAD)).wait();
      await (await r.mint(holder.address, 7n * WAD)).wait();
      expect([await wst.balanceOf(holder.address), await r.balanceOf(holder.address)]).to.deep.equal([
        5n * WAD,
        7n * WAD,
      ]);
    });

    it("emit an event when their rate is set", async function () {
      const { wstETH, rETH } = await loadFixture(oracleFixture);
      await expect(wstETH.setStEthPerToken(2n * WAD))
        .to.emit(wstETH, "StEthPerTokenSet")
        .withArgs(2n * WAD);
      await expect(rETH.setExchangeRate(3n * WAD))
        .to.emit(rETH, "ExchangeRateSet")
        .withArgs(3n * WAD);
    });
  });
});
