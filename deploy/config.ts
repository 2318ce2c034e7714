/**
 * Deployment parameters per network, and their validation before the first transaction.
 *
 * Every network the deploy scripts know is listed in `NETWORKS`: its chain id, whether it is the in-process chain
 * (which vanishes when the command ends), a local node, or a public network, the environment variable holding its
 * RPC URL, the timelock delay's default and bounds, and the assets and reward tokens to list. `resolveDeployPlan`
 * reads the environment (`DEPLOYER_PRIVATE_KEY`, the RPC URL, `TIMELOCK_DELAY`, `ADMIN`, `PAUSER`) and returns a
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
  },
  localhost: {
    chainId: 31337,
    kind: "local",
    timelockDelay: LOCAL_DELAY,
    assets: LOCAL_ASSETS,
    rewardTokens: LOCAL_REWARDS,
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

/**
 * Checks the environment and `NETWORKS[network]` and returns the deployment plan, or throws a `ConfigError` naming
 * every problem. Public networks need their RPC URL, a well-formed `DEPLOYER_PRIVATE_KEY` and a timelock delay of at
 * least a day; `TIMELOCK_DELAY`, `ADMIN` and `PAUSER` may be unset (defaults) but never set empty or malformed.
 */
export function resolveDeployPlan(network: string, env: EnvSource): DeployPlan {
  const spec = NETWORKS[network];
  if (spec === undefined) {
    throw new ConfigError(`Cannot deploy to "${network}"`, [
      `no deployment parameters for network "${network}" in deploy/config.ts (known: ${Object.keys(NETWORKS).join(", ")})`,
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
  };
}
