/**
 * Deployment of the core, as steps. `deployCoreSteps` deploys the vault, operator registry, slashing manager and
 * reward distributor behind their proxies and wires them; it runs on a `StepRunner`, which reads the chain before
 * each step, sends only what is missing and records what it sent. The deploy script (deploy/protocol.ts
 * `deployProtocol`) runs it with a runner that writes `deployments/<network>.json` after every step; `deployCore`
 * (integrators, the demo, the bench, the test fixtures) runs the same steps with an in-memory runner
 * (`memoryRunner`: no file, no log). So what is tested is wired by the code that deploys.
 */
import type { BaseContract, ContractTransactionResponse, Provider, Signer } from "ethers";

import {
  OperatorRegistry__factory,
  ProtocolProxy__factory,
  ProtocolTimelock__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
  type OperatorRegistry,
  type RestakingVault,
  type RewardDistributor,
  type SlashingManager,
} from "../typechain-types";
import type { DeploymentRecord, RecordedContract } from "./deployments";

/** The core contracts of one deployment, each behind its ERC-1967 proxy. */
export interface CoreContracts {
  vault: RestakingVault;
  registry: OperatorRegistry;
  slashingManager: SlashingManager;
  rewardDistributor: RewardDistributor;
}

/** Addresses of a deployment: proxies, their implementations, and the timelock if one was deployed. */
export interface CoreAddresses {
  vault: string;
  registry: string;
  slashingManager: string;
  rewardDistributor: string;
  timelock?: string;
  implementations: Record<string, string>;
}

export interface DeployCoreOptions {
  /**
   * The account that ends up with every admin role. Defaults to the deployer. Ignored when `timelockDelay` is set:
   * the new timelock becomes the admin.
   */
  admin?: string;
  /** Deploy a ProtocolTimelock with this minimum delay (seconds), proposed by `admin` (or the deployer). */
  timelockDelay?: bigint;
  /** An account to keep the PAUSER_ROLE on every contract (fast emergency response); defaults to the admin. */
  pauser?: string;
}

/** What a deployment step needs of the run it belongs to: the record, and a way to deploy and send idempotently. */
export interface StepRunner {
  readonly record: DeploymentRecord;
  /** How many transactions this run sent. */
  transactions: number;
  log(line: string): void;
  /** The recorded contract `name` if its address has code; otherwise deploys it and records it. Returns its address. */
  contract(
    name: string,
    artifact: string,
    deploy: () => Promise<BaseContract>,
    implementation?: string,
  ): Promise<string>;
  /** Runs `send` unless `done()` says the chain already holds its effect; records the transaction. */
  step(
    name: string,
    done: () => Promise<boolean>,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<void>;
}

export interface StepRecorderHooks {
  /** Progress lines. */
  log?: (line: string) => void;
  /** Called after each contract or transaction is recorded, with `contract:<name>` or `step:<name>`. */
  recorded?: (step: string) => void;
}

/** A `StepRunner` that records into `record` and tells `hooks` (the deploy script writes the record there). */
export class StepRecorder implements StepRunner {
  transactions = 0;

  constructor(
    readonly record: DeploymentRecord,
    private readonly provider: Provider,
    private readonly hooks: StepRecorderHooks = {},
  ) {}

  log(line: string): void {
    this.hooks.log?.(line);
  }

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
    this.hooks.recorded?.(`contract:${name}`);
    return entry.address;
  }

  async step(
    name: string,
    done: () => Promise<boolean>,
    send: () => Promise<ContractTransactionResponse>,
  ): Promise<void> {
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
    this.hooks.recorded?.(`step:${name}`);
  }
}

/** A new, empty record of `deployer`'s deployment on its chain, named `network`. */
export async function newDeploymentRecord(deployer: Signer, network: string): Promise<DeploymentRecord> {
  const provider = deployer.provider;
  if (provider === null) throw new Error("the deployer signer has no provider");
  const now = new Date().toISOString();
  return {
    format: 1,
    network,
    chainId: (await provider.getNetwork()).chainId.toString(),
    deployer: await deployer.getAddress(),
    complete: false,
    startedAt: now,
    updatedAt: now,
    parameters: {},
    contracts: {},
    steps: {},
  };
}

/**
 * A `StepRunner` whose record lives in memory only (nothing written, nothing logged): `deployCore` and the test
 * fixtures run the deploy script's steps with it.
 */
export async function memoryRunner(deployer: Signer): Promise<StepRecorder> {
  const provider = deployer.provider;
  if (provider === null) throw new Error("the deployer signer has no provider");
  return new StepRecorder(await newDeploymentRecord(deployer, "memory"), provider);
}

/** Deploys `implementation`'s ERC-1967 proxy whose constructor runs `initData`. */
export async function deployProxy(
  deployer: Signer,
  implementation: BaseContract,
  initData: string,
): Promise<{ proxy: string; implementation: string }> {
  const implAddress = await implementation.getAddress();
  const proxy = await new ProtocolProxy__factory(deployer).deploy(implAddress, initData);
  await proxy.waitForDeployment();
  return { proxy: await proxy.getAddress(), implementation: implAddress };
}

/**
 * The implementation of `artifact` (recorded as `<artifact>Impl`) and a `ProtocolProxy` in front of it that initializes
 * it with `init` in its constructor (recorded as `name`). Returns both addresses.
 */
export async function proxiedStep(
  d: StepRunner,
  deployer: Signer,
  name: string,
  artifact: string,
  deployImplementation: () => Promise<BaseContract>,
  init: string,
): Promise<{ proxy: string; implementation: string }> {
  const implementation = await d.contract(`${artifact}Impl`, artifact, deployImplementation);
  const proxy = await d.contract(
    name,
    artifact,
    () => new ProtocolProxy__factory(deployer).deploy(implementation, init),
    implementation,
  );
  return { proxy, implementation };
}

/**
 * The core's steps: the vault, operator registry, slashing manager and reward distributor behind their proxies
 * (each implementation's constructor disables its initializers; each proxy initializes in its constructor, so no
 * proxy is ever left uninitialized; the deployer holds every role), then the vault's modules (registry, slashing
 * manager, the distributor as rewards hook). Recorded as `RestakingVaultImpl`, `vault`, `OperatorRegistryImpl`,
 * `registry`, `SlashingManagerImpl`, `slashingManager`, `RewardDistributorImpl`, `rewardDistributor` and the steps
 * `vault.setRegistry`, `vault.setSlashingManager`, `vault.setRewardsHook`.
 */
export async function deployCoreSteps(
  d: StepRunner,
  deployer: Signer,
): Promise<{ contracts: CoreContracts; addresses: CoreAddresses }> {
  const me = await deployer.getAddress();
  const { proxy: vault, implementation: vaultImpl } = await proxiedStep(
    d,
    deployer,
    "vault",
    "RestakingVault",
    () => new RestakingVault__factory(deployer).deploy(),
    RestakingVault__factory.createInterface().encodeFunctionData("initialize", [me]),
  );
  const { proxy: registry, implementation: registryImpl } = await proxiedStep(
    d,
    deployer,
    "registry",
    "OperatorRegistry",
    () => new OperatorRegistry__factory(deployer).deploy(),
    OperatorRegistry__factory.createInterface().encodeFunctionData("initialize", [me, vault]),
  );
  const { proxy: slashingManager, implementation: slashingImpl } = await proxiedStep(
    d,
    deployer,
    "slashingManager",
    "SlashingManager",
    () => new SlashingManager__factory(deployer).deploy(),
    SlashingManager__factory.createInterface().encodeFunctionData("initialize", [me, vault, registry]),
  );
  const { proxy: rewardDistributor, implementation: rewardsImpl } = await proxiedStep(
    d,
    deployer,
    "rewardDistributor",
    "RewardDistributor",
    () => new RewardDistributor__factory(deployer).deploy(vault, registry),
    RewardDistributor__factory.createInterface().encodeFunctionData("initialize", [me]),
  );

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

  return {
    contracts: {
      vault: vaultC,
      registry: OperatorRegistry__factory.connect(registry, deployer),
      slashingManager: SlashingManager__factory.connect(slashingManager, deployer),
      rewardDistributor: RewardDistributor__factory.connect(rewardDistributor, deployer),
    },
    addresses: {
      vault,
      registry,
      slashingManager,
      rewardDistributor,
      implementations: {
        RestakingVault: vaultImpl,
        OperatorRegistry: registryImpl,
        SlashingManager: slashingImpl,
        RewardDistributor: rewardsImpl,
      },
    },
  };
}

/** The timelock's step: a ProtocolTimelock of minimum delay `delay` (seconds), `admin` its proposer and executor,
 * no admin of its own (recorded as `timelock`). */
export function deployTimelockStep(
  d: StepRunner,
  deployer: Signer,
  delay: bigint,
  admin: string,
): Promise<string> {
  return d.contract("timelock", "ProtocolTimelock", () =>
    new ProtocolTimelock__factory(deployer).deploy(
      delay,
      [admin],
      [admin],
      "0x0000000000000000000000000000000000000000",
    ),
  );
}

/**
 * Deploys the vault, operator registry, slashing manager and reward distributor behind UUPS proxies and wires
 * them together: the deploy script's core steps (`deployCoreSteps`) on an in-memory runner. The deployer holds the
 * admin roles while wiring, then hands every role to the admin (or a new timelock) and renounces its own.
 */
export async function deployCore(
  deployer: Signer,
  options: DeployCoreOptions = {},
): Promise<{ contracts: CoreContracts; addresses: CoreAddresses }> {
  const me = await deployer.getAddress();
  const d = await memoryRunner(deployer);
  let admin = options.admin ?? me;
  let timelock: string | undefined;
  if (options.timelockDelay !== undefined) {
    timelock = await deployTimelockStep(d, deployer, options.timelockDelay, options.admin ?? me);
    admin = timelock;
  }
  const pauser = options.pauser ?? admin;
  const { contracts, addresses } = await deployCoreSteps(d, deployer);

  if (admin !== me || pauser !== me) {
    const { vault, registry, slashingManager, rewardDistributor } = contracts;
    await handOver(vault, me, admin, pauser, [await vault.ASSET_ADMIN_ROLE()]);
    await handOver(registry, me, admin, pauser);
    await handOver(slashingManager, me, admin, pauser);
    await handOver(rewardDistributor, me, admin, pauser, [await rewardDistributor.REWARDS_ADMIN_ROLE()]);
  }

  const { implementations, ...proxies } = addresses;
  return {
    contracts,
    addresses: { ...proxies, ...(timelock !== undefined ? { timelock } : {}), implementations },
  };
}

export interface RoleAdministered {
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  PAUSER_ROLE(): Promise<string>;
  hasRole(role: string, account: string): Promise<boolean>;
  grantRole(
    role: string,
    account: string,
  ): Promise<{ hash: string; wait(): Promise<{ blockNumber: number } | null> }>;
  renounceRole(
    role: string,
    account: string,
  ): Promise<{ hash: string; wait(): Promise<{ blockNumber: number } | null> }>;
}

/** A transaction `handOver` sent, for the caller's record. */
export interface SentTransaction {
  txHash: string;
  block: number;
}

/**
 * Grants the admin roles (DEFAULT_ADMIN_ROLE and `extraRoles`) to `admin` and PAUSER_ROLE to `pauser`, then
 * renounces every one of them that `deployer` does not keep by being that account. Reads each role first, so that a
 * second run sends nothing; returns the number of transactions sent and reports each to `onSent`.
 */
export async function handOver(
  contract: RoleAdministered,
  deployer: string,
  admin: string,
  pauser: string,
  extraRoles: string[] = [],
  onSent?: (tx: SentTransaction) => void,
): Promise<number> {
  const adminRole = await contract.DEFAULT_ADMIN_ROLE();
  const grants: Array<[string, string]> = [
    [await contract.PAUSER_ROLE(), pauser],
    ...extraRoles.map((role): [string, string] => [role, admin]),
    [adminRole, admin],
  ];
  let sent = 0;
  const send = async (tx: {
    hash: string;
    wait(): Promise<{ blockNumber: number } | null>;
  }): Promise<void> => {
    const receipt = await tx.wait();
    sent += 1;
    onSent?.({ txHash: tx.hash, block: receipt?.blockNumber ?? 0 });
  };
  for (const [role, account] of grants) {
    if (!(await contract.hasRole(role, account))) await send(await contract.grantRole(role, account));
  }
  // The admin role goes last: renouncing it first would forbid the other renunciations' grants.
  for (const [role, account] of grants) {
    if (account !== deployer && (await contract.hasRole(role, deployer))) {
      await send(await contract.renounceRole(role, deployer));
    }
  }
  return sent;
}
