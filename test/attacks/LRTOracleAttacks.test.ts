/**
 * Attack review of the LRT (issue #10), class 7: the oracle (LRTOracle, its adapters, and the LRT on it).
 *
 * Claims tried and results (no finding; the admin's power is a documented trust assumption):
 *   fails  a stale price: answers at updatedAt + maxAge, reverts StalePrice one second later; on the LRT it stops
 *          deposits, requests, instant exits and processing, but never a claim of reserved tokens.
 *   fails  a move beyond the bound (exactly the bound is stored, one wei more reverts PriceMoveTooLarge).
 *   fails  an adapter returning 0 (ZeroPrice) or more than 128 bits (PriceTooLarge): nothing is stored.
 *   fails  setAdapter / resetPrice by a non-admin; setAdapter to another asset's adapter (AdapterAssetMismatch);
 *          the admin's resetPrice outside its own range (ResetPriceOutOfRange).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { deployOracle, deployRateAdapter } from "../../sdk/oracle";
import { DAY, WAD } from "../helpers/fixtures";
import { lrtFixture } from "../helpers/lrtFixtures";
import { ORACLE_MAX_AGE, ORACLE_ROLES, RETH_RATE, oracleFixture } from "../helpers/oracleFixtures";
import { expectSolvent, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): the oracle", function () {
  it("a stale price is refused at maxAge + 1 s; a move of one wei beyond the bound, a zero or a 2^128 rate store nothing", async function () {
    const f = await loadFixture(oracleFixture);
    await time.setNextBlockTimestamp(f.rETHListedAt + ORACLE_MAX_AGE);
    await ethers.provider.send("evm_mine", []);
    expect(await f.oracle.price(f.rETHAddress)).to.equal(RETH_RATE);
    await ethers.provider.send("evm_mine", []);
    await expect(f.oracle.price(f.rETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "StalePrice")
      .withArgs(f.rETHAddress, f.rETHListedAt, ORACLE_MAX_AGE);
    // 50 bps is the bound: 1.1 -> 1.1055 is stored, one wei more is not.
    const bound = RETH_RATE + (RETH_RATE * 50n) / 10_000n;
    await (await f.rETH.setExchangeRate(bound + 1n)).wait();
    await expect(f.oracle.connect(f.attacker).updatePrice(f.rETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "PriceMoveTooLarge")
      .withArgs(f.rETHAddress, RETH_RATE, bound + 1n, 50n);
    await (await f.rETH.setExchangeRate(0n)).wait();
    await expect(f.oracle.connect(f.attacker).updatePrice(f.rETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "ZeroPrice")
      .withArgs(f.rETHAddress);
    await (await f.rETH.setExchangeRate(2n ** 128n)).wait();
    await expect(f.oracle.connect(f.attacker).updatePrice(f.rETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "PriceTooLarge")
      .withArgs(f.rETHAddress, 2n ** 128n);
    await (await f.rETH.setExchangeRate(bound)).wait();
    await (await f.oracle.connect(f.attacker).updatePrice(f.rETHAddress)).wait();
    expect((await f.oracle.assetConfig(f.rETHAddress)).price).to.equal(bound);
  });

  it("setAdapter and resetPrice by the attacker revert; the admin cannot point rETH at wstETH's adapter nor reset outside his range", async function () {
    const f = await loadFixture(oracleFixture);
    await expect(f.oracle.connect(f.attacker).setAdapter(f.rETHAddress, f.wstETHAdapter))
      .to.be.revertedWithCustomError(f.oracle, "AccessControlUnauthorizedAccount")
      .withArgs(f.attacker.address, ORACLE_ROLES.ORACLE_ADMIN);
    await expect(f.oracle.connect(f.attacker).resetPrice(f.rETHAddress, 0n, 2n ** 128n))
      .to.be.revertedWithCustomError(f.oracle, "AccessControlUnauthorizedAccount")
      .withArgs(f.attacker.address, ORACLE_ROLES.ORACLE_ADMIN);
    await expect(f.oracle.connect(f.admin).setAdapter(f.rETHAddress, f.wstETHAdapter))
      .to.be.revertedWithCustomError(f.oracle, "AdapterAssetMismatch")
      .withArgs(f.rETHAddress, f.wstETHAddress);
    await (await f.rETH.setExchangeRate(2n * RETH_RATE)).wait();
    await expect(f.oracle.connect(f.admin).resetPrice(f.rETHAddress, RETH_RATE, RETH_RATE + WAD / 10n))
      .to.be.revertedWithCustomError(f.oracle, "ResetPriceOutOfRange")
      .withArgs(f.rETHAddress, 2n * RETH_RATE, RETH_RATE, RETH_RATE + WAD / 10n);
    expect((await f.oracle.assetConfig(f.rETHAddress)).price).to.equal(RETH_RATE);
  });

  it("the LRT on the real oracle with a stale price: deposits, requests, instant exits and processing stop; alice's claim still pays 2 stETH", async function () {
    const f = await loadFixture(lrtFixture);
    const adapters = [
      await deployRateAdapter(f.admin, "identity", f.stETHAddress),
      await deployRateAdapter(f.admin, "identity", f.rETHAddress),
    ];
    const { oracle, address } = await deployOracle(f.admin, {
      assets: [
        { asset: f.stETHAddress, adapter: adapters[0], maxAge: DAY, maxMoveBps: 50n },
        { asset: f.rETHAddress, adapter: adapters[1], maxAge: DAY, maxMoveBps: 50n },
      ],
    });
    await (await f.manager.setConfig(address, f.treasury.address, f.rewardsReceiver.address, [])).wait();
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(2n * WAD, f.alice.address, f.alice.address)
    ).wait();
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    const updatedAt = (await oracle.assetConfig(f.stETHAddress)).updatedAt;
    await time.increase(DAY + 1n);
    const stale = [f.stETHAddress, updatedAt, DAY] as const;
    await expect(f.stETHVault.connect(f.bob).deposit(WAD, f.bob.address))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(...stale);
    await expect(f.stETHVault.connect(f.bob).requestRedeem(WAD, f.bob.address, f.bob.address))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(...stale);
    await expect(f.manager.connect(f.bob).instantRedeem(WAD, f.stETHAddress, 0n, f.bob.address))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(...stale);
    await expect(f.manager.processRequests(f.stETHAddress, 1n))
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(...stale);
    await expect(f.manager.getRate())
      .to.be.revertedWithCustomError(oracle, "StalePrice")
      .withArgs(...stale);
    await expect(f.stETHVault.connect(f.alice).claim(1n, f.alice.address, 2n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      2n * WAD,
    );
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(10n * WAD);
    await expectSolvent(f);
  });
});
