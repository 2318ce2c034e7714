/**
 * `loadFixture` fixtures of the LRT's price layer, built on sdk/oracle.ts:
 *   oracleFixture   MockWstETH (rate 1.15), MockRETH (rate 1.10), a WETH-like MockERC20 and a 6-decimal token with
 *                   their adapters; an LRTOracle with wstETH and rETH listed (maxAge 1 day, maxMove 50 bps), no minimum
 *                   update interval; admin = signers[0] (DEFAULT_ADMIN_ROLE, ORACLE_ADMIN_ROLE), pauser its own account
 *   priceFeedFixture  a MockRateSource (rate 1.05) and an LRTPriceFeed over it (10% a year, snapshot = source rate)
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployOracle, deployPriceFeed, deployRateAdapter } from "../../sdk/oracle";
import { PAUSE_GROUP, WAD } from "../../sdk/views";
import {
  MockERC20__factory,
  MockRateSource__factory,
  MockRETH__factory,
  MockWstETH__factory,
  type LRTOracle,
  type LRTPriceFeed,
  type MockERC20,
  type MockRateSource,
  type MockRETH,
  type MockWstETH,
} from "../../typechain-types";

export { WAD };
export const HOUR = 3600n;
export const DAY = 24n * HOUR;
export const YEAR = 365n * DAY;

export const WSTETH_RATE = 1_150_000_000_000_000_000n;
export const RETH_RATE = 1_100_000_000_000_000_000n;
export const ORACLE_MAX_AGE = DAY;
export const ORACLE_MAX_MOVE_BPS = 50n;

export const ORACLE_LIMITS = {
  MAX_ASSETS: 16n,
  MIN_MAX_AGE: HOUR,
  MAX_MAX_AGE: 7n * DAY,
  MIN_MOVE_BPS: 1n,
  MAX_MOVE_BPS: 1_000n,
  MAX_MIN_UPDATE_INTERVAL: 30n * 60n,
  MAX_DECIMALS: 36n,
} as const;

export const ORACLE_GROUP = PAUSE_GROUP.LRTOracle;

export const ORACLE_ROLES = {
  DEFAULT_ADMIN: ethers.ZeroHash,
  PAUSER: ethers.id("PAUSER_ROLE"),
  ORACLE_ADMIN: ethers.id("ORACLE_ADMIN_ROLE"),
  FEED_ADMIN: ethers.id("FEED_ADMIN_ROLE"),
} as const;

export const SOURCE_RATE = 1_050_000_000_000_000_000n;
export const FEED_GROWTH_BPS = 1_000n;
export const MAX_YEARLY_GROWTH_BPS = 2_000n;
export const FEED_DESCRIPTION = "LRT / ETH capped rate";

export interface OracleFixture {
  admin: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  attacker: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  oracle: LRTOracle;
  oracleAddress: string;
  implementation: string;
  wstETH: MockWstETH;
  rETH: MockRETH;
  weth: MockERC20;
  usdc6: MockERC20;
  wstETHAddress: string;
  rETHAddress: string;
  wethAddress: string;
  usdc6Address: string;
  wstETHAdapter: string;
  rETHAdapter: string;
  wethAdapter: string;
  usdc6Adapter: string;
  /** Timestamp of the block that listed wstETH (its stored price's updatedAt). */
  listedAt: bigint;
  /** Timestamp of the block that listed rETH. */
  rETHListedAt: bigint;
}

export async function oracleFixture(): Promise<OracleFixture> {
  const [admin, pauser, keeper, attacker, outsider] = await ethers.getSigners();
  const wstETH = await new MockWstETH__factory(admin).deploy();
  const rETH = await new MockRETH__factory(admin).deploy();
  const weth = await new MockERC20__factory(admin).deploy("Wrapped Ether", "WETH", 18);
  const usdc6 = await new MockERC20__factory(admin).deploy("Six Decimals", "SIX", 6);
  await (await wstETH.setStEthPerToken(WSTETH_RATE)).wait();
  await (await rETH.setExchangeRate(RETH_RATE)).wait();
  const [wstETHAddress, rETHAddress, wethAddress, usdc6Address] = await Promise.all(
    [wstETH, rETH, weth, usdc6].map((t) => t.getAddress()),
  );
  const wstETHAdapter = await deployRateAdapter(admin, "wstETH", wstETHAddress);
  const rETHAdapter = await deployRateAdapter(admin, "rETH", rETHAddress);
  const wethAdapter = await deployRateAdapter(admin, "identity", wethAddress);
  const usdc6Adapter = await deployRateAdapter(admin, "identity", usdc6Address);
  const { oracle, address, implementation } = await deployOracle(admin, {
    pauser: pauser.address,
    assets: [
      {
        asset: wstETHAddress,
        adapter: wstETHAdapter,
        maxAge: ORACLE_MAX_AGE,
        maxMoveBps: ORACLE_MAX_MOVE_BPS,
      },
      { asset: rETHAddress, adapter: rETHAdapter, maxAge: ORACLE_MAX_AGE, maxMoveBps: ORACLE_MAX_MOVE_BPS },
    ],
  });
  return {
    admin,
    pauser,
    keeper,
    attacker,
    outsider,
    oracle,
    oracleAddress: address,
    implementation,
    wstETH,
    rETH,
    weth,
    usdc6,
    wstETHAddress,
    rETHAddress,
    wethAddress,
    usdc6Address,
    wstETHAdapter,
    rETHAdapter,
    wethAdapter,
    usdc6Adapter,
    listedAt: (await oracle.assetConfig(wstETHAddress)).updatedAt,
    rETHListedAt: (await oracle.assetConfig(rETHAddress)).updatedAt,
  };
}

export interface PriceFeedFixture {
  admin: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  source: MockRateSource;
  sourceAddress: string;
  feed: LRTPriceFeed;
  /** Timestamp of the feed's deployment block (its first snapshot). */
  deployedAt: bigint;
}

export async function priceFeedFixture(): Promise<PriceFeedFixture> {
  const [admin, , , , outsider] = await ethers.getSigners();
  const source = await new MockRateSource__factory(admin).deploy(SOURCE_RATE);
  const sourceAddress = await source.getAddress();
  const feed = await deployPriceFeed(admin, {
    source: sourceAddress,
    description: FEED_DESCRIPTION,
    maxYearlyGrowthBps: FEED_GROWTH_BPS,
  });
  return { admin, outsider, source, sourceAddress, feed, deployedAt: BigInt(await time.latest()) };
}

/** The cap `elapsed` seconds after a snapshot, as OracleMathLib.cappedRateDown computes it. */
export function capAfter(snapshotRate: bigint, growthBps: bigint, elapsed: bigint): bigint {
  return snapshotRate + (snapshotRate * growthBps * elapsed) / (10_000n * YEAR);
}

/** Mines a block at `timestamp`, so that views called next run at it. */
export async function mineAt(timestamp: bigint): Promise<void> {
  await time.increaseTo(timestamp);
}
