/**
 * Deployment parameters per network, and their validation before the first transaction.
 *
 * Every network the deploy scripts know is listed in `NETWORKS`: its chain id, whether it is the in-process chain
 * (which vanishes when the command ends), a local node, or a public network, the environment variable holding its
 * RPC URL, the timelock delay's default and bounds, and the assets and reward tokens to list. `resolveDeployPlan`
 * reads the environment (`DEPLOYER_PRIVATE_KEY`, the RPC URL, `TIMELOCK_DELAY`, `ADMIN`, `PAUSER`, `LRT_TREASURY`,
 * `LRT_REWARDS_RECEIVER`) and returns a
 * checked plan, or throws a `ConfigError` naming every bad variable; nothing has been sent at that point.
 */
import { getAddress } from "ethers";

import { ConfigError, EnvReader, addressProblem, parsePositiveUnits, type EnvSource } from "../sdk/env";

/** `ephemeral`: Hardhat's in-process chain; `local`: a node on this machine; `public`: a testnet or mainnet. */
export type NetworkKind = "ephemeral" | "local" | "public";

/** An asset the vault lists: a deployed token (`address`) or, on local chains only, a mock the deploy creates. */
export interface AssetSpec {
  symbol: string;
  /** The token's address, or `"mock"` for a mock LST the deploy creates (local chains only). */
  address: string;
  decimals: number;
  /** The vault's deposit cap in whole tokens ("100000"). */
  cap: string;
}

/** A reward token the distributor lists, with the minimum funding per stream in whole tokens. */
export interface RewardTokenSpec {
  symbol: string;
  /** The token's address, or `"mock"` (local chains only), or the symbol of a listed asset (`"asset:wstETH"`). */
  address: string;
  decimals: number;
  minFunding: string;
}

/** The rate adapter an LRT asset is priced through: `stEthPerToken()` (wstETH-like) or `getExchangeRate()` (rETH-like). */
export type LRTAdapterKind = "wstETH" | "rETH";

/** An asset the LRT accepts: one of the network's listed `assets`, with its oracle bounds and its LRT deposit cap. */
export interface LRTAssetSpec {
  /** The symbol of a listed asset (`assets`). */
  symbol: string;
  adapter: LRTAdapterKind;
  /** The LRT's deposit cap in whole tokens. */
  cap: string;
  /** The oracle's staleness bound, seconds (1 hour to 7 days). */
  maxAge: number;
  /** The oracle's bound on one update's move, basis points (1 to 1000). */
  maxMoveBps: number;
}

/** The liquid restaking token of a network. Amounts in basis points are integers. */
export interface LRTSpec {
  name: string;
  symbol: string;
  /** Receives the protocol fee in LRT: an address, or `"timelock"`. LRT_TREASURY overrides it. */
  treasury: string;
  /** Receives harvested reward tokens that are not accepted assets: an address, or `"timelock"`.
   * LRT_REWARDS_RECEIVER overrides it. */
  rewardsReceiver: string;
  /** The protocol fee on rewards (at most 2000). */
  protocolFeeBps: number;
  /** The idle buffer's target, bps of total value (at most 10000). */
  bufferBps: number;
  /** The instant-redeem fee at a full buffer (at least the largest `maxMoveBps`, at most `maxFeeBps`). */
  baseFeeBps: number;
  /** The instant-redeem fee at an empty buffer (at most 1000). */
  maxFeeBps: number;
  assets: readonly LRTAssetSpec[];
  /** The Chainlink-style capped feed of the LRT's rate: its description and yearly growth bound (1 to 2000 bps). */
  priceFeed: { description: string; maxYearlyGrowthBps: number };
  /** Registered operators to create a node for, each with an equal weight. Empty on a public network: nodes are then
   * created through the timelock once operators have registered. */
  operators: readonly string[];
  /** Local chains: how many demo operators (the chain's last accounts) the deploy registers and creates nodes for. */
  demoOperators: number;
}

export interface NetworkSpec {
  chainId: number;
  kind: NetworkKind;
  /** The environment variable holding the JSON-RPC URL (public networks). */
  rpcUrlEnv?: string;
  /** The timelock's delay when TIMELOCK_DELAY is unset, and its allowed range, in seconds. */
  timelockDelay: { fallback: bigint; min: bigint; max: bigint };
  assets: readonly AssetSpec[];
  rewardTokens: readonly RewardTokenSpec[];
  /** The block explorer for source verification (Etherscan's v2 API for the chain), if any. */
  explorer?: { apiUrl: string; browserUrl: string };
  /** The liquid restaking token, deployed on the core before the hand-over. */
  lrt: LRTSpec;
}

const HOUR = 3600n;
const DAY = 24n * HOUR;

/** Mock LSTs and a mock reward token: what local chains list. */
const LOCAL_ASSETS: readonly AssetSpec[] = [
  { symbol: "wstETH", address: "mock", decimals: 18, cap: "1000000" },
  { symbol: "rETH", address: "mock", decimals: 18, cap: "1000000" },
  { symbol: "cbETH", address: "mock", decimals: 18, cap: "1000000" },
];
const LOCAL_REWARDS: readonly RewardTokenSpec[] = [
  { symbol: "wstETH", address: "asset:wstETH", decimals: 18, minFunding: "0.01" },
  { symbol: "RWD", address: "mock", decimals: 18, minFunding: "1" },
];
const LOCAL_LRT: LRTSpec = {
  name: "Liquid Restaked ETH",
  symbol: "lrtETH",
  treasury: "timelock",
  rewardsReceiver: "timelock",
  protocolFeeBps: 1_000,
  bufferBps: 500,
  baseFeeBps: 100,
  maxFeeBps: 500,
  assets: [
    { symbol: "wstETH", adapter: "wstETH", cap: "100000", maxAge: 86_400, maxMoveBps: 100 },
    { symbol: "rETH", adapter: "rETH", cap: "100000", maxAge: 86_400, maxMoveBps: 100 },
  ],
  priceFeed: { description: "lrtETH / ETH", maxYearlyGrowthBps: 1_000 },
  operators: [],
  demoOperators: 2,
};
/** Public networks: wstETH only, nodes created through the timelock once operators have registered. */
const PUBLIC_LRT: LRTSpec = {
  ...LOCAL_LRT,
  assets: [{ symbol: "wstETH", adapter: "wstETH", cap: "1000", maxAge: 86_400, maxMoveBps: 100 }],
  demoOperators: 0,
};
const LOCAL_DELAY = { fallback: 0n, min: 0n, max: 30n * DAY };
// A public network's admin acts only after a delay that gives stakers time to leave: at least a day.
const PUBLIC_DELAY = { fallback: 2n * DAY, min: DAY, max: 30n * DAY };

/**
 * The networks the deploy scripts know. Public networks list Lido's wstETH (non-rebasing; the vault does not take
 * rebasing balances, docs/threat-model.md) at the addresses Lido publishes for each testnet.
 */
export const NETWORKS: Readonly<Record<string, NetworkSpec>> = {
  hardhat: {
    chainId: 31337,
    kind: "ephemeral",
    timelockDelay: LOCAL_DELAY,
    assets: LOCAL_ASSETS,
    rewardTokens: LOCAL_REWARDS,
    lrt: LOCAL_LRT,
  },
  localhost: {
    chainId: 31337,
    kind: "local",
    timelockDelay: LOCAL_DELAY,
    assets: LOCAL_ASSETS,
    rewardTokens: LOCAL_REWARDS,
    lrt: LOCAL_LRT,
  },
  sepolia: {
    chainId: 11155111,
    kind: "public",
    rpcUrlEnv: "SEPOLIA_RPC_URL",
    timelockDelay: PUBLIC_DELAY,
    assets: [
      { symbol: "wstETH", address: "0xB82381A3fBD3FaFA77B3a7bE693342618240067b", decimals: 18, cap: "10000" },
    ],
    rewardTokens: [{ symbol: "wstETH", address: "asset:wstETH", decimals: 18, minFunding: "0.01" }],
    explorer: {
      apiUrl: "https://api.etherscan.io/v2/api?chainid=11155111",
      browserUrl: "https://sepolia.etherscan.io",
    },
    lrt: PUBLIC_LRT,
  },
  hoodi: {
    chainId: 560048,
    kind: "public",
    rpcUrlEnv: "HOODI_RPC_URL",
    timelockDelay: PUBLIC_DELAY,
    assets: [
      { symbol: "wstETH", address: "0x7E99eE3C66636DE415D2d7C880938F2f40f94De4", decimals: 18, cap: "10000" },
    ],
    rewardTokens: [{ symbol: "wstETH", address: "asset:wstETH", decimals: 18, minFunding: "0.01" }],
    explorer: {
      apiUrl: "https://api.etherscan.io/v2/api?chainid=560048",
      browserUrl: "https://hoodi.etherscan.io",
    },
    lrt: PUBLIC_LRT,
  },
};

/** An asset or reward token with its amount parsed. `address` is `"mock"` or a checksummed address. */
export interface PlannedAsset {
  symbol: string;
  address: string;
  decimals: number;
  cap: bigint;
}
export interface PlannedRewardToken {
  symbol: string;
  address: string;
  decimals: number;
  minFunding: bigint;
}

export interface PlannedLRTAsset {
  symbol: string;
  adapter: LRTAdapterKind;
  cap: bigint;
  maxAge: bigint;
  maxMoveBps: bigint;
}

/** The checked LRT parameters. `treasury` and `rewardsReceiver` are checksummed addresses or `"timelock"`. */
export interface PlannedLRT {
  name: string;
  symbol: string;
  treasury: string;
  rewardsReceiver: string;
  protocolFeeBps: bigint;
  bufferBps: bigint;
  baseFeeBps: bigint;
  maxFeeBps: bigint;
  assets: PlannedLRTAsset[];
  priceFeed: { description: string; maxYearlyGrowthBps: bigint };
  operators: string[];
  demoOperators: number;
}

/** A checked deployment plan: what `deploy/` scripts act on. */
export interface DeployPlan {
  network: string;
  chainId: number;
  kind: NetworkKind;
  /** The RPC URL read from the environment (public networks). */
  rpcUrl?: string;
  timelockDelay: bigint;
  /** The timelock's proposer and executor; the deployer when unset. */
  admin?: string;
  /** Keeps PAUSER_ROLE on every contract; the timelock when unset. */
  pauser?: string;
  assets: PlannedAsset[];
  rewardTokens: PlannedRewardToken[];
  lrt: PlannedLRT;
}

function checkAssets(reader: EnvReader, network: string, spec: NetworkSpec): PlannedAsset[] {
  const planned: PlannedAsset[] = [];
  const seen = new Set<string>();
  for (const asset of spec.assets) {
    const where = `deploy/config.ts ${network}.assets ${asset.symbol}`;
    if (seen.has(asset.symbol)) reader.problem(`${where}: listed twice`);
    seen.add(asset.symbol);
    const address = checkTokenAddress(reader, where, asset.address, spec.kind);
    const cap = parsePositiveUnits(asset.cap, asset.decimals);
    if (typeof cap === "string") reader.problem(`${where}: cap ${cap}`);
    if (address !== undefined && typeof cap === "bigint") planned.push({ ...asset, address, cap });
  }
  return planned;
}

function checkRewardTokens(reader: EnvReader, network: string, spec: NetworkSpec): PlannedRewardToken[] {
  const planned: PlannedRewardToken[] = [];
  for (const token of spec.rewardTokens) {
    const where = `deploy/config.ts ${network}.rewardTokens ${token.symbol}`;
    let address: string | undefined;
    if (token.address.startsWith("asset:")) {
      const asset = spec.assets.find((a) => a.symbol === token.address.slice("asset:".length));
      if (asset === undefined) reader.problem(`${where}: ${token.address} names no listed asset`);
      else address = token.address;
    } else {
      address = checkTokenAddress(reader, where, token.address, spec.kind);
    }
    const minFunding = parsePositiveUnits(token.minFunding, token.decimals);
    if (typeof minFunding === "string") reader.problem(`${where}: minFunding ${minFunding}`);
    if (address !== undefined && typeof minFunding === "bigint")
      planned.push({ ...token, address, minFunding });
  }
  return planned;
}

function checkTokenAddress(
  reader: EnvReader,
  where: string,
  address: string,
  kind: NetworkKind,
): string | undefined {
  if (address === "mock") {
    if (kind === "public") {
      reader.problem(`${where}: mocks are deployed on local chains only; give the token's address`);
      return undefined;
    }
    return address;
  }
  const problem = addressProblem(address);
  if (problem !== null) {
    reader.problem(`${where}: address ${problem}: "${address}"`);
    return undefined;
  }
  return getAddress(address);
}

/** Bounds the contracts enforce (LRTOracle, LRTManager, LRTPriceFeed), checked here before any transaction. */
export const LRT_BOUNDS = {
  minMaxAge: 3_600,
  maxMaxAge: 7 * 86_400,
  maxMoveBps: 1_000,
  protocolFeeBps: 2_000,
  bufferBps: 10_000,
  maxFeeBps: 1_000,
  maxYearlyGrowthBps: 2_000,
  maxNodes: 16,
} as const;

function checkBps(
  reader: EnvReader,
  where: string,
  name: string,
  value: number,
  min: number,
  max: number,
): bigint {
  if (!Number.isInteger(value) || value < min || value > max) {
    reader.problem(`${where}.${name} is ${value}: an integer from ${min} to ${max} basis points`);
  }
  return BigInt(Number.isInteger(value) ? value : 0);
}

function checkRecipient(
  reader: EnvReader,
  where: string,
  name: string,
  value: string,
  envName: string,
): string {
  const override = reader.optionalAddress(envName, `the LRT's ${name}`);
  if (override !== undefined) return getAddress(override);
  if (value === "timelock") return value;
  const problem = addressProblem(value);
  if (problem !== null) {
    reader.problem(`${where}.${name} ${problem}: "${value}" (an address, or "timelock")`);
    return value;
  }
  return getAddress(value);
}

function checkLRT(reader: EnvReader, network: string, spec: NetworkSpec): PlannedLRT {
  const lrt = spec.lrt;
  const where = `deploy/config.ts ${network}.lrt`;
  const B = LRT_BOUNDS;
  const treasury = checkRecipient(reader, where, "treasury", lrt.treasury, "LRT_TREASURY");
  const rewardsReceiver = checkRecipient(
    reader,
    where,
    "rewardsReceiver",
    lrt.rewardsReceiver,
    "LRT_REWARDS_RECEIVER",
  );
  const protocolFeeBps = checkBps(reader, where, "protocolFeeBps", lrt.protocolFeeBps, 0, B.protocolFeeBps);
  const bufferBps = checkBps(reader, where, "bufferBps", lrt.bufferBps, 0, B.bufferBps);
  const maxFeeBps = checkBps(reader, where, "maxFeeBps", lrt.maxFeeBps, 0, B.maxFeeBps);
  const baseFeeBps = checkBps(reader, where, "baseFeeBps", lrt.baseFeeBps, 0, lrt.maxFeeBps);
  const assets: PlannedLRTAsset[] = [];
  const seen = new Set<string>();
  if (lrt.assets.length === 0) reader.problem(`${where}.assets is empty: the LRT accepts at least one asset`);
  for (const a of lrt.assets) {
    const at = `${where}.assets ${a.symbol}`;
    if (seen.has(a.symbol)) reader.problem(`${at}: listed twice`);
    seen.add(a.symbol);
    const listed = spec.assets.find((x) => x.symbol === a.symbol);
    if (listed === undefined) {
      reader.problem(
        `${at}: not a listed asset of ${network} (${spec.assets.map((x) => x.symbol).join(", ")})`,
      );
      continue;
    }
    if (a.adapter !== "wstETH" && a.adapter !== "rETH") {
      reader.problem(
        `${at}.adapter is "${String(a.adapter)}": "wstETH" (stEthPerToken) or "rETH" (getExchangeRate)`,
      );
    }
    const cap = parsePositiveUnits(a.cap, listed.decimals);
    if (typeof cap === "string") reader.problem(`${at}: cap ${cap}`);
    if (!Number.isInteger(a.maxAge) || a.maxAge < B.minMaxAge || a.maxAge > B.maxMaxAge) {
      reader.problem(
        `${at}.maxAge is ${a.maxAge}: the staleness bound is ${B.minMaxAge} to ${B.maxMaxAge} seconds`,
      );
    }
    const maxMoveBps = checkBps(reader, at, "maxMoveBps", a.maxMoveBps, 1, B.maxMoveBps);
    if (a.maxMoveBps > lrt.baseFeeBps) {
      reader.problem(
        `${where}.baseFeeBps is ${lrt.baseFeeBps}, below ${a.symbol}'s maxMoveBps ${a.maxMoveBps}: the instant-redeem ` +
          'fee must cover the oracle\'s largest move per update (docs/lrt.md, "Instant redemption")',
      );
    }
    if (typeof cap === "bigint") {
      assets.push({ symbol: a.symbol, adapter: a.adapter, cap, maxAge: BigInt(a.maxAge), maxMoveBps });
    }
  }
  const maxYearlyGrowthBps = checkBps(
    reader,
    `${where}.priceFeed`,
    "maxYearlyGrowthBps",
    lrt.priceFeed.maxYearlyGrowthBps,
    1,
    B.maxYearlyGrowthBps,
  );
  if (lrt.priceFeed.description.trim() === "") reader.problem(`${where}.priceFeed.description is empty`);
  const operators: string[] = [];
  for (const op of lrt.operators) {
    const problem = addressProblem(op);
    if (problem !== null) reader.problem(`${where}.operators: address ${problem}: "${op}"`);
    else operators.push(getAddress(op));
  }
  if (!Number.isInteger(lrt.demoOperators) || lrt.demoOperators < 0) {
    reader.problem(`${where}.demoOperators is ${lrt.demoOperators}: a count of accounts`);
  } else if (lrt.demoOperators > 0 && spec.kind === "public") {
    reader.problem(
      `${where}.demoOperators is ${lrt.demoOperators}: demo operators exist on local chains only`,
    );
  }
  if (operators.length + lrt.demoOperators > B.maxNodes) {
    reader.problem(
      `${where}: ${operators.length + lrt.demoOperators} nodes, more than the manager's ${B.maxNodes}`,
    );
  }
  if (lrt.name.trim() === "" || lrt.symbol.trim() === "")
    reader.problem(`${where}: the token's name and symbol are required`);
  return {
    name: lrt.name,
    symbol: lrt.symbol,
    treasury,
    rewardsReceiver,
    protocolFeeBps,
    bufferBps,
    baseFeeBps,
    maxFeeBps,
    assets,
    priceFeed: { description: lrt.priceFeed.description, maxYearlyGrowthBps },
    operators,
    demoOperators: lrt.demoOperators,
  };
}

/**
 * Checks the environment and `NETWORKS[network]` and returns the deployment plan, or throws a `ConfigError` naming
 * every problem. Public networks need their RPC URL, a well-formed `DEPLOYER_PRIVATE_KEY` and a timelock delay of at
 * least a day; `TIMELOCK_DELAY`, `ADMIN` and `PAUSER` may be unset (defaults) but never set empty or malformed.
 */
export function resolveDeployPlan(
  network: string,
  env: EnvSource,
  networks: Readonly<Record<string, NetworkSpec>> = NETWORKS,
): DeployPlan {
  const spec = networks[network];
  if (spec === undefined) {
    throw new ConfigError(`Cannot deploy to "${network}"`, [
      `no deployment parameters for network "${network}" in deploy/config.ts (known: ${Object.keys(networks).join(", ")})`,
    ]);
  }
  const reader = new EnvReader(env);
  let rpcUrl: string | undefined;
  if (spec.kind === "public") {
    rpcUrl = reader.rpcUrl(spec.rpcUrlEnv ?? "RPC_URL", network);
    reader.privateKey("DEPLOYER_PRIVATE_KEY");
  }
  const { fallback, min, max } = spec.timelockDelay;
  const timelockDelay = reader.seconds(
    "TIMELOCK_DELAY",
    fallback,
    min,
    max,
    spec.kind === "public"
      ? "a public network's admin must act only after a delay that lets stakers leave (at least a day)"
      : "at most 30 days",
  );
  const admin = reader.optionalAddress("ADMIN", "the timelock's proposer and executor");
  const pauser = reader.optionalAddress("PAUSER", "the account that keeps PAUSER_ROLE");
  const assets = checkAssets(reader, network, spec);
  const rewardTokens = checkRewardTokens(reader, network, spec);
  const lrt = checkLRT(reader, network, spec);
  reader.finish(`Deployment to ${network} stopped before any transaction`);
  return {
    network,
    chainId: spec.chainId,
    kind: spec.kind,
    ...(rpcUrl !== undefined ? { rpcUrl } : {}),
    timelockDelay,
    ...(admin !== undefined ? { admin } : {}),
    ...(pauser !== undefined ? { pauser } : {}),
    assets,
    rewardTokens,
    lrt,
  };
}
