/**
 * Deploys the protocol's core from a checked plan (deploy/config.ts), step by step, recording each step so that a
 * re-run changes nothing that exists and finishes what a failed run left.
 *
 * Order: the four core contracts behind their proxies and the wiring of the vault's modules (sdk/deploy.ts
 * `deployCoreSteps`), the timelock, the mock tokens (local chains) and the asset and reward-token listings
 * (`listAssetSteps`), the liquid restaking token (deploy/lrt.ts), and last the hand-over of every admin role to the
 * timelock (the pauser keeps PAUSER_ROLE). Before each step the deploy reads the chain: a contract whose recorded
 * address has code is reused, a module already set, an asset or reward token already listed, a role already
 * granted or renounced is left alone.
 *
 * The steps are functions over a `StepRunner` (sdk/deploy.ts). `deployProtocol` runs them with a `StepRecorder` that
 * writes the record after each; `deployCore` and the test fixtures (test/helpers/fixtures.ts, lrtFixtures.ts) run
 * the same functions on an in-memory runner and stop before the hand-over, so what the tests check is wired by this
 * code.
 */
import { ethers } from "hardhat";
import type { BaseContract, Signer } from "ethers";

import {
  MockERC20__factory,
  MockRETH__factory,
  MockWstETH__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
} from "../typechain-types";
import {
  StepRecorder,
  deployCoreSteps,
  deployTimelockStep,
  handOver,
  newDeploymentRecord,
  type RoleAdministered,
  type StepRunner,
} from "../sdk/deploy";
import { writeDeployment, type DeploymentRecord } from "../sdk/deployments";
import type { DeployPlan, PlannedAsset, PlannedRewardToken } from "./config";
import { deployPlannedLRT, deployPlannedLRTOracle } from "./lrt";

export interface DeployOptions {
  /** The record to continue (from `readDeployment`); a new one is started when absent. */
  record?: DeploymentRecord;
  /** Where records are written (default `deployments/`). */
  dir?: string;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Called after each step is recorded (tests use it to interrupt a run). */
  afterStep?: (step: string) => void;
  /** The accounts registered as the LRT's demo operators on local chains (`plan.lrt.demoOperators` of them);
   * default: the chain's last accounts. */
  demoOperators?: Signer[];
}

export interface DeployResult {
  record: DeploymentRecord;
  /** How many transactions this run sent. */
  transactions: number;
}

/** Throws a sentence, not a revert, when a step needs a role the deployer gave up at an earlier hand-over. */
async function requireRole(
  contract: RoleAdministered,
  role: string,
  account: string,
  what: string,
): Promise<void> {
  if (!(await contract.hasRole(role, account))) {
    throw new Error(
      `cannot ${what}: the deployer ${account} no longer holds the role (the timelock does since the hand-over); ` +
        "schedule the call through the timelock instead",
    );
  }
}

/** The mock of `symbol` a local chain lists: wstETH- and rETH-like mocks with their rate functions, else an ERC-20. */
function deployMock(deployer: Signer, symbol: string, decimals: number): Promise<BaseContract> {
  if (symbol === "wstETH") return new MockWstETH__factory(deployer).deploy();
  if (symbol === "rETH") return new MockRETH__factory(deployer).deploy();
  return new MockERC20__factory(deployer).deploy(`Mock ${symbol}`, symbol, decimals);
}

function mockArtifact(symbol: string): string {
  return symbol === "wstETH" ? "MockWstETH" : symbol === "rETH" ? "MockRETH" : "MockERC20";
}

/** The demo operators' signers: those given, else the chain's last accounts (local chains only). */
async function demoOperatorSigners(plan: DeployPlan, given: Signer[] | undefined): Promise<Signer[]> {
  const count = plan.lrt.demoOperators;
  if (count === 0) return [];
  const signers = given ?? (await ethers.getSigners()).slice(-count);
  if (signers.length < count) {
    throw new Error(
      `deploy/config.ts ${plan.network}.lrt.demoOperators is ${count}, but only ${signers.length} accounts were given`,
    );
  }
  return signers.slice(0, count);
}

/** The token addresses `listAssetSteps` listed: assets and reward tokens by symbol. */
export interface ListedTokens {
  assets: Map<string, string>;
  rewardTokens: Map<string, string>;
}

/**
 * The listing steps: the vault lists `assets` with their caps and the distributor `rewardTokens` with their minimum
 * funding, each deploying its mock first when its address is `"mock"` (local chains; recorded as `mock:<symbol>`).
 * A reward token's address may name a listed asset (`"asset:wstETH"`). Needs the deployer's ASSET_ADMIN_ROLE and
 * REWARDS_ADMIN_ROLE (a sentence, not a revert, when the hand-over took them).
 */
export async function listAssetSteps(
  d: StepRunner,
  deployer: Signer,
  assets: readonly PlannedAsset[],
  rewardTokens: readonly PlannedRewardToken[],
  core: { vault: string; rewardDistributor: string },
): Promise<ListedTokens> {
  const me = await deployer.getAddress();
  const vaultC = RestakingVault__factory.connect(core.vault, deployer);
  const listed: ListedTokens = { assets: new Map(), rewardTokens: new Map() };
  for (const asset of assets) {
    const address =
      asset.address === "mock"
        ? await d.contract(`mock:${asset.symbol}`, mockArtifact(asset.symbol), () =>
            deployMock(deployer, asset.symbol, asset.decimals),
          )
        : asset.address;
    listed.assets.set(asset.symbol, address);
    await d.step(
      `vault.addAsset:${asset.symbol}`,
      () => vaultC.isAsset(address),
      async () => {
        await requireRole(vaultC, await vaultC.ASSET_ADMIN_ROLE(), me, `list ${asset.symbol} in the vault`);
        return vaultC.addAsset(address, asset.cap);
      },
    );
  }
  const rewardsC = RewardDistributor__factory.connect(core.rewardDistributor, deployer);
  for (const token of rewardTokens) {
    const address =
      token.address === "mock"
        ? await d.contract(`mock:${token.symbol}`, "MockERC20", () =>
            deployMock(deployer, token.symbol, token.decimals),
          )
        : token.address.startsWith("asset:")
          ? listed.assets.get(token.address.slice("asset:".length))
          : token.address;
    if (address === undefined)
      throw new Error(`reward token ${token.symbol}: ${token.address} is not listed`);
    listed.rewardTokens.set(token.symbol, address);
    await d.step(
      `rewards.addRewardToken:${token.symbol}`,
      async () => (await rewardsC.rewardTokens()).includes(address),
      async () => {
        await requireRole(
          rewardsC,
          await rewardsC.REWARDS_ADMIN_ROLE(),
          me,
          `list reward token ${token.symbol}`,
        );
        return rewardsC.addRewardToken(address, token.minFunding);
      },
    );
  }
  return listed;
}

/**
 * Deploys (or finishes deploying) the core described by `plan` with `deployer`, writing the record after every
 * step. Throws before any transaction if the connected chain is not the plan's, or if the record belongs to another
 * chain or another deployer.
 */
export async function deployProtocol(
  deployer: Signer,
  plan: DeployPlan,
  options: DeployOptions = {},
): Promise<DeployResult> {
  const provider = deployer.provider;
  if (provider === null) throw new Error("the deployer signer has no provider");
  const me = await deployer.getAddress();
  const chainId = (await provider.getNetwork()).chainId;
  if (chainId !== BigInt(plan.chainId)) {
    throw new Error(
      `the RPC endpoint of ${plan.network} serves chain ${chainId}, not ${plan.chainId}: check the network's RPC URL`,
    );
  }
  const given = options.record;
  if (given !== undefined) {
    if (given.chainId !== plan.chainId.toString()) {
      throw new Error(`the ${plan.network} record is of chain ${given.chainId}, not ${plan.chainId}`);
    }
    if (given.deployer.toLowerCase() !== me.toLowerCase()) {
      throw new Error(
        `the ${plan.network} record was started by ${given.deployer}, who holds the roles until the hand-over; ` +
          `deploy with that account (now ${me}) to finish it`,
      );
    }
  }
  const record: DeploymentRecord = given ?? (await newDeploymentRecord(deployer, plan.network));
  const admin = plan.admin ?? me;
  record.parameters = {
    timelockDelay: plan.timelockDelay.toString(),
    timelockProposer: admin,
    pauser: plan.pauser ?? "timelock",
    ...Object.fromEntries(plan.assets.map((a) => [`cap:${a.symbol}`, a.cap.toString()])),
    ...Object.fromEntries(plan.rewardTokens.map((t) => [`minFunding:${t.symbol}`, t.minFunding.toString()])),
    "lrt:name": plan.lrt.name,
    "lrt:symbol": plan.lrt.symbol,
    "lrt:treasury": plan.lrt.treasury,
    "lrt:rewardsReceiver": plan.lrt.rewardsReceiver,
    "lrt:protocolFeeBps": plan.lrt.protocolFeeBps.toString(),
    "lrt:buffer": `${plan.lrt.bufferBps}/${plan.lrt.baseFeeBps}/${plan.lrt.maxFeeBps} bps`,
    ...Object.fromEntries(
      plan.lrt.assets.map((a) => [
        `lrt:${a.symbol}`,
        `cap ${a.cap}, ${a.adapter} adapter, maxAge ${a.maxAge} s, maxMove ${a.maxMoveBps} bps`,
      ]),
    ),
    "lrt:priceFeed": `${plan.lrt.priceFeed.description}, growth at most ${plan.lrt.priceFeed.maxYearlyGrowthBps} bps a year`,
    "lrt:operators": [
      ...plan.lrt.operators,
      ...(plan.lrt.demoOperators > 0 ? [`${plan.lrt.demoOperators} demo`] : []),
    ].join(", "),
  };
  const d = new StepRecorder(record, provider, {
    ...(options.log !== undefined ? { log: options.log } : {}),
    recorded: (step) => {
      record.updatedAt = new Date().toISOString();
      writeDeployment(record, options.dir);
      options.afterStep?.(step);
    },
  });
  d.log(`Deploying to ${plan.network} (chain ${chainId}) as ${me}`);

  // The core behind its proxies, wired (sdk/deploy.ts: the steps `deployCore` and the test fixtures run too), and
  // the timelock.
  const core = await deployCoreSteps(d, deployer);
  const { vault, registry, slashingManager, rewardDistributor } = core.addresses;
  const timelock = await deployTimelockStep(d, deployer, plan.timelockDelay, admin);

  // Mock tokens (local chains only; the plan refuses mocks on public networks) and listings.
  const listed = await listAssetSteps(d, deployer, plan.assets, plan.rewardTokens, core.addresses);

  // The liquid restaking token, on the core above, while the deployer still holds the roles it needs.
  const demo = await demoOperatorSigners(plan, options.demoOperators);
  const ctx = {
    vault,
    registry,
    slashingManager,
    rewardDistributor,
    timelock,
    assets: listed.assets,
    rewardTokens: listed.rewardTokens,
  };
  const oracle = await deployPlannedLRTOracle(d, deployer, plan.lrt, ctx);
  const lrt = await deployPlannedLRT(
    d,
    deployer,
    plan.lrt,
    { ...ctx, oracle: await oracle.getAddress() },
    demo,
  );

  // Hand-over: the timelock takes every admin role; the pauser (default the timelock) takes PAUSER_ROLE; the
  // deployer renounces its own. Last, so that every listing above ran with the deployer's roles.
  const pauser = plan.pauser ?? timelock;
  const {
    vault: vaultC,
    registry: registryC,
    slashingManager: slashingC,
    rewardDistributor: rewardsC,
  } = core.contracts;
  const handOvers: Array<[string, RoleAdministered, string[]]> = [
    ["vault", vaultC, [await vaultC.ASSET_ADMIN_ROLE()]],
    ["registry", registryC, []],
    ["slashingManager", slashingC, []],
    ["rewardDistributor", rewardsC, [await rewardsC.REWARDS_ADMIN_ROLE()]],
    ["lrtOracle", oracle, [await oracle.ORACLE_ADMIN_ROLE()]],
    ["lrt", lrt.token, []],
    ["lrtManager", lrt.manager, [await lrt.manager.MANAGER_ROLE()]],
  ];
  for (const [name, contract, extraRoles] of handOvers) {
    const sent = await handOver(contract, me, timelock, pauser, extraRoles, (tx) => {
      d.transactions += 1;
      (d.record.steps[`handOver:${name}`] ??= []).push(tx);
    });
    d.log(`  handOver:${name}: ${sent === 0 ? "done already" : `${sent} transactions`}`);
    if (sent > 0) {
      d.record.updatedAt = new Date().toISOString();
      writeDeployment(d.record, options.dir);
    }
    options.afterStep?.(`handOver:${name}`);
  }

  d.record.complete = true;
  d.record.updatedAt = new Date().toISOString();
  writeDeployment(d.record, options.dir);
  return { record: d.record, transactions: d.transactions };
}
