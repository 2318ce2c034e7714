/**
 * Deployment and reading of the LRT's price layer (docs/oracle.md): the LRTOracle behind its UUPS proxy, the rate
 * adapters it reads, and the capped LRTPriceFeed that money markets read. Deploy scripts, the demo and the LRT tests
 * use these helpers.
 */
import type { BaseContract, Signer } from "ethers";

import { deployProxy, handOver } from "./deploy";
import {
  IdentityRateAdapter__factory,
  IRateSource__factory,
  LRTOracle__factory,
  LRTPriceFeed__factory,
  RETHRateAdapter__factory,
  WstETHRateAdapter__factory,
  type LRTOracle,
  type LRTPriceFeed,
} from "../typechain-types";

/** The kinds of rate adapter: what the asset's rate is read from. */
export type RateAdapterKind = "wstETH" | "rETH" | "identity";

/** One asset to list on the oracle. */
export interface OracleAssetParams {
  asset: string;
  /** The rate adapter of the asset (see `deployRateAdapter`). */
  adapter: string;
  /** Staleness bound, seconds (LRTOracle.MIN_MAX_AGE..MAX_MAX_AGE). */
  maxAge: bigint;
  /** Move bound per update, basis points (1..LRTOracle.MAX_MOVE_BPS). */
  maxMoveBps: bigint;
}

export interface DeployOracleOptions {
  /** Ends up with DEFAULT_ADMIN_ROLE and ORACLE_ADMIN_ROLE. Defaults to the deployer. */
  admin?: string;
  /** Ends up with PAUSER_ROLE. Defaults to the admin. */
  pauser?: string;
  /** Assets listed while the deployer still holds ORACLE_ADMIN_ROLE. */
  assets?: OracleAssetParams[];
  /** Minimum seconds between two updates of one asset's price (default: none). */
  minUpdateInterval?: bigint;
}

export interface DeployedOracle {
  oracle: LRTOracle;
  /** The proxy. */
  address: string;
  implementation: string;
}

/**
 * Deploys LRTOracle behind an ERC-1967 proxy, lists `assets` and sets the minimum update interval, then hands every
 * role to the admin and pauser and renounces the deployer's own.
 */
export async function deployOracle(
  deployer: Signer,
  options: DeployOracleOptions = {},
): Promise<DeployedOracle> {
  const me = await deployer.getAddress();
  const admin = options.admin ?? me;
  const pauser = options.pauser ?? admin;
  const impl = await new LRTOracle__factory(deployer).deploy();
  await impl.waitForDeployment();
  const { proxy, implementation } = await deployProxy(
    deployer,
    impl,
    impl.interface.encodeFunctionData("initialize", [me]),
  );
  const oracle = LRTOracle__factory.connect(proxy, deployer);
  for (const a of options.assets ?? []) {
    await (await oracle.addAsset(a.asset, a.adapter, a.maxAge, a.maxMoveBps)).wait();
  }
  if (options.minUpdateInterval !== undefined && options.minUpdateInterval !== 0n) {
    await (await oracle.setMinUpdateInterval(options.minUpdateInterval)).wait();
  }
  if (admin !== me || pauser !== me) {
    await handOver(oracle, me, admin, pauser, [await oracle.ORACLE_ADMIN_ROLE()]);
  }
  return { oracle, address: proxy, implementation };
}

/** Sends the creation of the immutable rate adapter of `asset` of the given kind, without waiting. */
export function newRateAdapter(
  deployer: Signer,
  kind: RateAdapterKind,
  asset: string,
): Promise<BaseContract> {
  return kind === "wstETH"
    ? new WstETHRateAdapter__factory(deployer).deploy(asset)
    : kind === "rETH"
      ? new RETHRateAdapter__factory(deployer).deploy(asset)
      : new IdentityRateAdapter__factory(deployer).deploy(asset);
}

/** The artifact of a rate adapter of `kind`. */
export function rateAdapterArtifact(kind: RateAdapterKind): string {
  return kind === "wstETH"
    ? "WstETHRateAdapter"
    : kind === "rETH"
      ? "RETHRateAdapter"
      : "IdentityRateAdapter";
}

/** Deploys the immutable rate adapter of `asset` of the given kind; returns its address. */
export async function deployRateAdapter(
  deployer: Signer,
  kind: RateAdapterKind,
  asset: string,
): Promise<string> {
  const adapter = await newRateAdapter(deployer, kind, asset);
  await adapter.waitForDeployment();
  return adapter.getAddress();
}

export interface DeployPriceFeedOptions {
  /** The rate source: the LRT (its `getRate()`). */
  source: string;
  /** What the feed prices, e.g. "rstETH / ETH". */
  description: string;
  /** Yearly growth bound of the cap, basis points (at most LRTPriceFeed.MAX_YEARLY_GROWTH_BPS). */
  maxYearlyGrowthBps: bigint;
  /** The first snapshot; defaults to the source's rate now. */
  snapshotRate?: bigint;
  /** Gets DEFAULT_ADMIN_ROLE and FEED_ADMIN_ROLE. Defaults to the deployer. */
  admin?: string;
}

/** Sends the creation of an LRTPriceFeed (not upgradeable: docs/oracle.md, "The money-market feed"), without
 * waiting. */
export async function newPriceFeed(deployer: Signer, options: DeployPriceFeedOptions): Promise<LRTPriceFeed> {
  const snapshotRate =
    options.snapshotRate ?? (await IRateSource__factory.connect(options.source, deployer).getRate());
  return new LRTPriceFeed__factory(deployer).deploy(
    options.source,
    options.admin ?? (await deployer.getAddress()),
    options.description,
    snapshotRate,
    options.maxYearlyGrowthBps,
  );
}

/** Deploys an LRTPriceFeed (not upgradeable: docs/oracle.md, "The money-market feed"). */
export async function deployPriceFeed(
  deployer: Signer,
  options: DeployPriceFeedOptions,
): Promise<LRTPriceFeed> {
  const feed = await newPriceFeed(deployer, options);
  await feed.waitForDeployment();
  return feed;
}

/** The oracle's figures for one asset, as a dashboard shows its freshness. */
export interface OraclePriceState {
  asset: string;
  adapter: string;
  /** ETH wei per whole token. */
  price: bigint;
  updatedAt: bigint;
  maxAge: bigint;
  maxMoveBps: bigint;
  /** The first timestamp at which `price(asset)` reverts StalePrice: updatedAt + maxAge + 1. */
  staleAt: bigint;
  /** Whether `price(asset)` reverts StalePrice at `now`. */
  stale: boolean;
}

/** Reads every listed asset's configuration and price, with its staleness at `now` (seconds). */
export async function readOracleState(oracle: LRTOracle, now: bigint): Promise<OraclePriceState[]> {
  const assets = await oracle.assets();
  return Promise.all(
    assets.map(async (asset): Promise<OraclePriceState> => {
      const c = await oracle.assetConfig(asset);
      const staleAt = c.updatedAt + c.maxAge + 1n;
      return {
        asset,
        adapter: c.adapter,
        price: c.price,
        updatedAt: c.updatedAt,
        maxAge: c.maxAge,
        maxMoveBps: c.maxMoveBps,
        staleAt,
        stale: now >= staleAt,
      };
    }),
  );
}
