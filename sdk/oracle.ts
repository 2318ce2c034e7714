/**
 * Deployment and reading of the LRT's price layer (docs/oracle.md): the LRTOracle behind its UUPS proxy, the rate
 * adapters it reads, and the capped LRTPriceFeed that money markets read. Deploy scripts, the demo and the LRT tests
 * use these helpers.
 */
import type { BaseContract, Signer } from "ethers";

import { handOver, memoryRunner, proxiedStep, type StepRunner } from "./deploy";
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

/** One asset the oracle's steps list: a deployed rate adapter (`adapter`) or the kind of adapter the step deploys
 * (`adapterKind`, recorded as `lrtAdapter:<symbol>`). */
export type OracleStepAsset = {
  /** Names the asset's records (`lrtAdapter:<symbol>`, `lrtOracle.addAsset:<symbol>`). */
  symbol: string;
  asset: string;
  /** Staleness bound, seconds (LRTOracle.MIN_MAX_AGE..MAX_MAX_AGE). */
  maxAge: bigint;
  /** Move bound per update, basis points (1..LRTOracle.MAX_MOVE_BPS). */
  maxMoveBps: bigint;
} & ({ adapter: string } | { adapterKind: RateAdapterKind });

/**
 * The oracle's steps: LRTOracle behind its proxy, the deployer its admin until a hand-over (recorded as
 * `LRTOracleImpl`, `lrtOracle`); per asset its rate adapter when `adapterKind` is given (`lrtAdapter:<symbol>`) and
 * its listing with its staleness and move bounds (`lrtOracle.addAsset:<symbol>`; listing stores the first price);
 * then the minimum update interval when one is given (`lrtOracle.setMinUpdateInterval`). The deploy script
 * (deploy/lrt.ts) runs them with its recording runner; `deployOracle` in memory.
 */
export async function deployOracleSteps(
  d: StepRunner,
  deployer: Signer,
  assets: readonly OracleStepAsset[],
  minUpdateInterval = 0n,
): Promise<DeployedOracle> {
  const me = await deployer.getAddress();
  const { proxy, implementation } = await proxiedStep(
    d,
    deployer,
    "lrtOracle",
    "LRTOracle",
    () => new LRTOracle__factory(deployer).deploy(),
    LRTOracle__factory.createInterface().encodeFunctionData("initialize", [me]),
  );
  const oracle = LRTOracle__factory.connect(proxy, deployer);
  for (const a of assets) {
    const adapter =
      "adapter" in a
        ? a.adapter
        : await d.contract(`lrtAdapter:${a.symbol}`, rateAdapterArtifact(a.adapterKind), () =>
            newRateAdapter(deployer, a.adapterKind, a.asset),
          );
    await d.step(
      `lrtOracle.addAsset:${a.symbol}`,
      async () => (await oracle.assets()).includes(a.asset),
      () => oracle.addAsset(a.asset, adapter, a.maxAge, a.maxMoveBps),
    );
  }
  if (minUpdateInterval !== 0n) {
    await d.step(
      "lrtOracle.setMinUpdateInterval",
      async () => (await oracle.minUpdateInterval()) === minUpdateInterval,
      () => oracle.setMinUpdateInterval(minUpdateInterval),
    );
  }
  return { oracle, address: proxy, implementation };
}

/**
 * Deploys LRTOracle behind an ERC-1967 proxy, lists `assets` and sets the minimum update interval (the oracle's
 * steps, `deployOracleSteps`, on an in-memory runner or the one given), then hands every role to the admin and
 * pauser and renounces the deployer's own.
 */
export async function deployOracle(
  deployer: Signer,
  options: DeployOracleOptions = {},
  runner?: StepRunner,
): Promise<DeployedOracle> {
  const me = await deployer.getAddress();
  const admin = options.admin ?? me;
  const pauser = options.pauser ?? admin;
  const deployed = await deployOracleSteps(
    runner ?? (await memoryRunner(deployer)),
    deployer,
    (options.assets ?? []).map((a) => ({ symbol: a.asset, ...a })),
    options.minUpdateInterval,
  );
  if (admin !== me || pauser !== me) {
    const { oracle } = deployed;
    await handOver(oracle, me, admin, pauser, [await oracle.ORACLE_ADMIN_ROLE()]);
  }
  return deployed;
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

/** The price feed's step: an LRTPriceFeed over `options.source` (recorded as `lrtPriceFeed`). */
export function deployPriceFeedStep(
  d: StepRunner,
  deployer: Signer,
  options: DeployPriceFeedOptions,
): Promise<string> {
  return d.contract("lrtPriceFeed", "LRTPriceFeed", () => newPriceFeed(deployer, options));
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
