/**
 * Deploys the protocol's core from a checked plan (deploy/config.ts), step by step, recording each step so that a
 * re-run changes nothing that exists and finishes what a failed run left.
 *
 * Order: the four core contracts behind their proxies, the timelock, the wiring of the vault's modules, the mock
 * tokens (local chains), the asset and reward-token listings, the liquid restaking token (deploy/lrt.ts), and last
 * the hand-over of every admin role to the timelock (the pauser keeps PAUSER_ROLE). Before each step the deploy reads the chain: a contract whose recorded
 * address has code is reused, a module already set, an asset or reward token already listed, a role already
 * granted or renounced is left alone.
 */
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse, Provider, Signer } from "ethers";

import {
  MockERC20__factory,
  MockRETH__factory,
  MockWstETH__factory,
  OperatorRegistry__factory,
  ProtocolProxy__factory,
  ProtocolTimelock__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
} from "../typechain-types";
import { handOver, type RoleAdministered } from "../sdk/deploy";
import { writeDeployment, type DeploymentRecord, type RecordedContract } from "../sdk/deployments";
import type { DeployPlan } from "./config";
import { deployLRTSteps, type StepRunner } from "./lrt";

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

const ZERO = "0x0000000000000000000000000000000000000000";

class Deployment implements StepRunner {
  transactions = 0;

  constructor(
    readonly record: DeploymentRecord,
    private readonly provider: Provider,
    private readonly options: DeployOptions,
  ) {}

  private save(step: string): void {
    this.record.updatedAt = new Date().toISOString();
    writeDeployment(this.record, this.options.dir);
    this.options.afterStep?.(step);
  }

  log(line: string): void {
    this.options.log?.(line);
  }

  /** The recorded contract `name` if its address has code; otherwise deploys it and records it. */
  async contract(
    name: string,
    artifact: string,
    deploy: () => Promise<BaseContract>,
    implementation?: string,
  ): Promise<string> {
    const existing = this.record.contracts[name];
    if (existing !== undefined && (await this.provider.getCode(existing.address)) !== "0x") {
      this.log(`  ${name}: ${existing.address} (exists)`);
      return existing.address;
    }
    const contract = await deploy();
    const tx = contract.deploymentTransaction();
    if (tx === null) throw new Error(`${name}: the deploy returned no transaction`);
    const receipt = await tx.wait();
    if (receipt === null) throw new Error(`${name}: no receipt for ${tx.hash}`);
    this.transactions += 1;
    const entry: RecordedContract = {
      address: await contract.getAddress(),
      artifact,
      ...(implementation !== undefined ? { implementation } : {}),
      txHash: tx.hash,
      block: receipt.blockNumber,
    };
    this.record.contracts[name] = entry;
    this.log(`  ${name}: ${entry.address} (deployed in block ${entry.block})`);
    this.save(`contract:${name}`);
    return entry.address;
  }

  /** Runs `send` unless `done()` says the chain already holds its effect; records the transaction. */
  async step(name: string, done: () => Promise<boolean>, send: () => Promise<ContractTransactionResponse>) {
    if (await done()) {
      this.log(`  ${name}: done already`);
      return;
    }
    const tx = await send();
    const receipt = await tx.wait();
    if (receipt === null) throw new Error(`${name}: no receipt for ${tx.hash}`);
    this.transactions += 1;
    (this.record.steps[name] ??= []).push({ txHash: tx.hash, block: receipt.blockNumber });
    this.log(`  ${name}: sent in block ${receipt.blockNumber}`);
    this.save(`step:${name}`);
  }

  address(name: string): string {
    const entry = this.record.contracts[name];
    if (entry === undefined) throw new Error(`${name} is not deployed`);
    return entry.address;
  }
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

function newRecord(plan: DeployPlan, deployer: string): DeploymentRecord {
  const now = new Date().toISOString();
  return {
    format: 1,
    network: plan.network,
    chainId: plan.chainId.toString(),
    deployer,
    complete: false,
    startedAt: now,
    updatedAt: now,
    parameters: {},
    contracts: {},
    steps: {},
  };
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
  let record = options.record;
  if (record !== undefined) {
    if (record.chainId !== plan.chainId.toString()) {
      throw new Error(`the ${plan.network} record is of chain ${record.chainId}, not ${plan.chainId}`);
    }
    if (record.deployer.toLowerCase() !== me.toLowerCase()) {
      throw new Error(
        `the ${plan.network} record was started by ${record.deployer}, who holds the roles until the hand-over; ` +
          `deploy with that account (now ${me}) to finish it`,
      );
    }
  } else {
    record = newRecord(plan, me);
  }
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
  const d = new Deployment(record, provider, options);
  d.log(`Deploying to ${plan.network} (chain ${chainId}) as ${me}`);

  // Contracts. The implementations' constructors disable their initializers; each proxy initializes in its
  // constructor, so no proxy is ever left uninitialized.
  const vaultImpl = await d.contract("RestakingVaultImpl", "RestakingVault", () =>
    new RestakingVault__factory(deployer).deploy(),
  );
  const vaultInit = RestakingVault__factory.createInterface().encodeFunctionData("initialize", [me]);
  const vault = await d.contract(
    "vault",
    "RestakingVault",
    () => new ProtocolProxy__factory(deployer).deploy(vaultImpl, vaultInit),
    vaultImpl,
  );
  const registryImpl = await d.contract("OperatorRegistryImpl", "OperatorRegistry", () =>
    new OperatorRegistry__factory(deployer).deploy(),
  );
  const registryInit = OperatorRegistry__factory.createInterface().encodeFunctionData("initialize", [
    me,
    vault,
  ]);
  const registry = await d.contract(
    "registry",
    "OperatorRegistry",
    () => new ProtocolProxy__factory(deployer).deploy(registryImpl, registryInit),
    registryImpl,
  );
  const slashingImpl = await d.contract("SlashingManagerImpl", "SlashingManager", () =>
    new SlashingManager__factory(deployer).deploy(),
  );
  const slashingInit = SlashingManager__factory.createInterface().encodeFunctionData("initialize", [
    me,
    vault,
    registry,
  ]);
  const slashingManager = await d.contract(
    "slashingManager",
    "SlashingManager",
    () => new ProtocolProxy__factory(deployer).deploy(slashingImpl, slashingInit),
    slashingImpl,
  );
  const rewardsImpl = await d.contract("RewardDistributorImpl", "RewardDistributor", () =>
    new RewardDistributor__factory(deployer).deploy(vault, registry),
  );
  const rewardsInit = RewardDistributor__factory.createInterface().encodeFunctionData("initialize", [me]);
  const rewardDistributor = await d.contract(
    "rewardDistributor",
    "RewardDistributor",
    () => new ProtocolProxy__factory(deployer).deploy(rewardsImpl, rewardsInit),
    rewardsImpl,
  );
  const timelock = await d.contract("timelock", "ProtocolTimelock", () =>
    new ProtocolTimelock__factory(deployer).deploy(plan.timelockDelay, [admin], [admin], ZERO),
  );

  // Wiring.
  const vaultC = RestakingVault__factory.connect(vault, deployer);
  await d.step(
    "vault.setRegistry",
    async () => (await vaultC.modules()).registry === registry,
    () => vaultC.setRegistry(registry),
  );
  await d.step(
    "vault.setSlashingManager",
    async () => (await vaultC.modules()).slashingManager === slashingManager,
    () => vaultC.setSlashingManager(slashingManager),
  );
  await d.step(
    "vault.setRewardsHook",
    async () => (await vaultC.modules()).rewardsHook === rewardDistributor,
    () => vaultC.setRewardsHook(rewardDistributor),
  );

  // Mock tokens (local chains only; the plan refuses mocks on public networks) and listings.
  const tokenAddress = new Map<string, string>();
  for (const asset of plan.assets) {
    const address =
      asset.address === "mock"
        ? await d.contract(`mock:${asset.symbol}`, mockArtifact(asset.symbol), () =>
            deployMock(deployer, asset.symbol, asset.decimals),
          )
        : asset.address;
    tokenAddress.set(`asset:${asset.symbol}`, address);
    await d.step(
      `vault.addAsset:${asset.symbol}`,
      () => vaultC.isAsset(address),
      async () => {
        await requireRole(vaultC, await vaultC.ASSET_ADMIN_ROLE(), me, `list ${asset.symbol} in the vault`);
        return vaultC.addAsset(address, asset.cap);
      },
    );
  }
  const rewardsC = RewardDistributor__factory.connect(rewardDistributor, deployer);
  const rewardTokenAddress = new Map<string, string>();
  for (const token of plan.rewardTokens) {
    const address =
      token.address === "mock"
        ? await d.contract(`mock:${token.symbol}`, "MockERC20", () =>
            deployMock(deployer, token.symbol, token.decimals),
          )
        : (tokenAddress.get(token.address) ?? token.address);
    rewardTokenAddress.set(token.symbol, address);
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

  // The liquid restaking token, on the core above, while the deployer still holds the roles it needs.
  const demo = await demoOperatorSigners(plan, options.demoOperators);
  const lrt = await deployLRTSteps(
    d,
    deployer,
    plan.lrt,
    {
      vault,
      registry,
      slashingManager,
      rewardDistributor,
      timelock,
      assets: new Map([...tokenAddress].map(([key, address]) => [key.slice("asset:".length), address])),
      rewardTokens: rewardTokenAddress,
    },
    demo,
  );

  // Hand-over: the timelock takes every admin role; the pauser (default the timelock) takes PAUSER_ROLE; the
  // deployer renounces its own. Last, so that every listing above ran with the deployer's roles.
  const pauser = plan.pauser ?? timelock;
  const registryC = OperatorRegistry__factory.connect(registry, deployer);
  const slashingC = SlashingManager__factory.connect(slashingManager, deployer);
  const handOvers: Array<[string, RoleAdministered, string[]]> = [
    ["vault", vaultC, [await vaultC.ASSET_ADMIN_ROLE()]],
    ["registry", registryC, []],
    ["slashingManager", slashingC, []],
    ["rewardDistributor", rewardsC, [await rewardsC.REWARDS_ADMIN_ROLE()]],
    ["lrtOracle", lrt.oracle, [await lrt.oracle.ORACLE_ADMIN_ROLE()]],
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
