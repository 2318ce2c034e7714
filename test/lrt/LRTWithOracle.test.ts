/**
 * The LRT priced by the real LRTOracle (docs/lrt.md, "Rate"; docs/oracle.md): the vault lists a wstETH-like and an
 * rETH-like token, the oracle prices them through their rate adapters (`stEthPerToken()`, `getExchangeRate()`), and
 * the LRT's total value, rate, deposits and instant exits follow the oracle's prices (its stored price, and at entry
 * the adapter's live price when it is higher, clamped to the move bound: ILRTOracle.priceRange):
 *   - a deposit mints value / rate at the stored price, in both assets;
 *   - a rate rise of an LST counts at once at the entry price and at the exit price once `updatePrice` stores it;
 *   - a move beyond the oracle's bound is refused (PriceMoveTooLarge) and the LRT keeps the last price;
 *   - a stale price (older than maxAge) stops deposits and every valuation with the oracle's StalePrice error, and an
 *     update brings them back;
 *   - a paused oracle (updates group) keeps serving its last price until it is stale.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployOracle, deployRateAdapter } from "../../sdk/oracle";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import {
  MockRETH__factory,
  MockWstETH__factory,
  type LRTAssetVault,
  type LRTManager,
  type LRTOracle,
  type LiquidRestakingToken,
  type MockRETH,
  type MockWstETH,
} from "../../typechain-types";
import { ASSET_CAP, DAY, WAD, coreFixture, type CoreFixture } from "../helpers/fixtures";
import { LRT_CAP, sharesFor, deployTestLRT } from "../helpers/lrtFixtures";
import { ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS } from "../helpers/oracleFixtures";

const WSTETH_RATE = (115n * WAD) / 100n;
const RETH_RATE = (110n * WAD) / 100n;

interface OracleLRTFixture extends CoreFixture {
  wstETH: MockWstETH;
  rETH: MockRETH;
  wstETHAddress: string;
  rETHAddress: string;
  oracle: LRTOracle;
  lrt: LiquidRestakingToken;
  manager: LRTManager;
  wstETHVault: LRTAssetVault;
  rETHVault: LRTAssetVault;
  operators: HardhatEthersSigner[];
}

/** Core + the two LSTs listed in the vault + LRTOracle over their adapters + an LRT with two nodes on it. */
async function oracleLRTFixture(): Promise<OracleLRTFixture> {
  const core = await coreFixture();
  const { admin, vault, registry } = core;
  const wstETH = await new MockWstETH__factory(admin).deploy();
  const rETH = await new MockRETH__factory(admin).deploy();
  await (await wstETH.setStEthPerToken(WSTETH_RATE)).wait();
  await (await rETH.setExchangeRate(RETH_RATE)).wait();
  const [wstETHAddress, rETHAddress] = await Promise.all([wstETH.getAddress(), rETH.getAddress()]);
  for (const asset of [wstETHAddress, rETHAddress]) await (await vault.addAsset(asset, ASSET_CAP)).wait();
  const { oracle } = await deployOracle(admin, {
    pauser: admin.address,
    assets: [
      {
        asset: wstETHAddress,
        adapter: await deployRateAdapter(admin, "wstETH", wstETHAddress),
        maxAge: ORACLE_MAX_AGE,
        maxMoveBps: ORACLE_MAX_MOVE_BPS,
      },
      {
        asset: rETHAddress,
        adapter: await deployRateAdapter(admin, "rETH", rETHAddress),
        maxAge: ORACLE_MAX_AGE,
        maxMoveBps: ORACLE_MAX_MOVE_BPS,
      },
    ],
  });
  const operators = [core.operator1, core.operator2];
  for (const op of operators) {
    await (await registry.connect(op).registerAsOperator("ipfs://op", 1_000, ethers.ZeroAddress)).wait();
  }
  const d = await deployTestLRT(admin, core, {
    oracle: await oracle.getAddress(),
    treasury: admin.address,
    rewardsReceiver: admin.address,
    assets: [
      { asset: wstETHAddress, cap: LRT_CAP },
      { asset: rETHAddress, cap: LRT_CAP },
    ],
  });
  for (const op of operators)
    await (await d.manager.createNode(op.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  const wstETHVault = d.entryPoints[wstETHAddress];
  const rETHVault = d.entryPoints[rETHAddress];
  for (const s of core.stakers) {
    await (await wstETH.mint(s.address, 1_000n * WAD)).wait();
    await (await rETH.mint(s.address, 1_000n * WAD)).wait();
    await (await wstETH.connect(s).approve(await wstETHVault.getAddress(), ethers.MaxUint256)).wait();
    await (await rETH.connect(s).approve(await rETHVault.getAddress(), ethers.MaxUint256)).wait();
  }
  return {
    ...core,
    wstETH,
    rETH,
    wstETHAddress,
    rETHAddress,
    oracle,
    lrt: d.token,
    manager: d.manager,
    wstETHVault,
    rETHVault,
    operators,
  };
}

/** After alice deposits 10 wstETH and bob 10 rETH. */
async function depositedFixture(): Promise<OracleLRTFixture> {
  const f = await oracleLRTFixture();
  await (await f.wstETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(10n * WAD, f.bob.address)).wait();
  return f;
}

describe("LRT priced by the real LRTOracle", function () {
  it("deposits mint at the oracle's stored prices: 10 wstETH at 1.15 ETH, then 10 rETH at 1.10 ETH", async function () {
    const f = await loadFixture(oracleLRTFixture);
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(WSTETH_RATE);
    expect(await f.oracle.price(f.rETHAddress)).to.equal(RETH_RATE);
    const aliceValue = 10n * WSTETH_RATE;
    const aliceShares = sharesFor(aliceValue, 0n, 0n);
    await expect(f.wstETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).to.changeTokenBalance(
      f.lrt,
      f.alice,
      aliceShares,
    );
    expect(await f.manager.totalValue(false)).to.equal(aliceValue);
    const bobShares = sharesFor(10n * RETH_RATE, aliceValue, aliceShares);
    await expect(f.rETHVault.connect(f.bob).deposit(10n * WAD, f.bob.address)).to.changeTokenBalance(
      f.lrt,
      f.bob,
      bobShares,
    );
    expect(await f.manager.totalValue(false)).to.equal(aliceValue + 10n * RETH_RATE);
    expect(await f.lrt.totalSupply()).to.equal(aliceShares + bobShares);
  });

  it("an LST rate rise (+0.5%) counts at once at the entry price (an entrant pays for it) and at the exit price only once updatePrice stores it; then both move by exactly 10 wstETH times the move", async function () {
    const f = await loadFixture(depositedFixture);
    const before = await f.manager.totalValue(true);
    expect(await f.manager.totalValue(false)).to.equal(before);
    const rate = await f.manager.getRate();
    const moved = (WSTETH_RATE * 10_050n) / 10_000n;
    await (await f.wstETH.setStEthPerToken(moved)).wait();
    expect(await f.oracle.priceRange(f.wstETHAddress)).to.deep.equal([WSTETH_RATE, moved]);
    expect(await f.manager.totalValue(false), "entry: the adapter's higher price").to.equal(
      before + 10n * (moved - WSTETH_RATE),
    );
    expect(await f.manager.totalValue(true), "exit: the stored price").to.equal(before);
    expect(await f.manager.getRate()).to.equal(rate);
    await expect(f.oracle.updatePrice(f.wstETHAddress)).to.emit(f.oracle, "PriceUpdated");
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(moved);
    expect(await f.manager.totalValue(true)).to.equal(before + 10n * (moved - WSTETH_RATE));
    expect(await f.manager.totalValue(false)).to.equal(before + 10n * (moved - WSTETH_RATE));
    expect(await f.manager.getRate()).to.be.gt(rate);
  });

  it("a move beyond the oracle's bound (0.5% + 1 wei) is refused and the LRT keeps the last price", async function () {
    const f = await loadFixture(depositedFixture);
    const before = await f.manager.totalValue(true);
    const ceiling = (WSTETH_RATE * (10_000n + ORACLE_MAX_MOVE_BPS)) / 10_000n;
    const tooFar = ceiling + 1n;
    await (await f.wstETH.setStEthPerToken(tooFar)).wait();
    await expect(f.oracle.updatePrice(f.wstETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "PriceMoveTooLarge")
      .withArgs(f.wstETHAddress, WSTETH_RATE, tooFar, ORACLE_MAX_MOVE_BPS);
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(WSTETH_RATE);
    expect(await f.manager.totalValue(true)).to.equal(before);
    // The entry price follows the adapter only up to the bound: the range is clamped to [stored, ceiling].
    expect(await f.oracle.priceRange(f.wstETHAddress)).to.deep.equal([WSTETH_RATE, ceiling]);
    expect(await f.manager.totalValue(false)).to.equal(before + 10n * (ceiling - WSTETH_RATE));
  });

  it("a stale price stops deposits and valuations with the oracle's StalePrice; an update of the stale asset brings them back", async function () {
    const f = await loadFixture(depositedFixture);
    const { updatedAt } = await f.oracle.assetConfig(f.wstETHAddress);
    // the rETH price is kept fresh; wstETH's goes stale one second after maxAge
    await time.increaseTo(updatedAt + ORACLE_MAX_AGE);
    await (await f.oracle.updatePrice(f.rETHAddress)).wait();
    await expect(f.manager.totalValue(false))
      .to.be.revertedWithCustomError(f.oracle, "StalePrice")
      .withArgs(f.wstETHAddress, updatedAt, ORACLE_MAX_AGE);
    await expect(f.rETHVault.connect(f.carol).deposit(WAD, f.carol.address))
      .to.be.revertedWithCustomError(f.oracle, "StalePrice")
      .withArgs(f.wstETHAddress, updatedAt, ORACLE_MAX_AGE);
    await (await f.oracle.updatePrice(f.wstETHAddress)).wait();
    const total = await f.manager.totalValue(false);
    expect(total).to.equal(10n * WSTETH_RATE + 10n * RETH_RATE);
    // the expected shares are read before the deposit is sent (an await in the matcher's arguments would run after it)
    const expected = sharesFor(RETH_RATE, await f.manager.totalValue(true), await f.lrt.totalSupply());
    await expect(f.rETHVault.connect(f.carol).deposit(WAD, f.carol.address)).to.changeTokenBalance(
      f.lrt,
      f.carol,
      expected,
    );
  });

  it("a paused oracle keeps serving its last price until it is stale (deposits go on for maxAge, then stop)", async function () {
    const f = await loadFixture(depositedFixture);
    await (await f.oracle.pause(1n)).wait();
    await (await f.wstETH.setStEthPerToken((WSTETH_RATE * 10_010n) / 10_000n)).wait();
    await expect(f.oracle.updatePrice(f.wstETHAddress))
      .to.be.revertedWithCustomError(f.oracle, "GroupPaused")
      .withArgs(0n);
    await expect(f.wstETHVault.connect(f.carol).deposit(WAD, f.carol.address)).to.emit(
      f.manager,
      "Deposited",
    );
    const { updatedAt } = await f.oracle.assetConfig(f.wstETHAddress);
    await time.increaseTo(updatedAt + ORACLE_MAX_AGE + DAY);
    await expect(f.wstETHVault.connect(f.carol).deposit(WAD, f.carol.address)).to.be.revertedWithCustomError(
      f.oracle,
      "StalePrice",
    );
  });
});
