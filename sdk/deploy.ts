import type { BaseContract, Signer } from "ethers";

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

interface Deployable<T extends BaseContract> {
  deploy(): Promise<T>;
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

async function deployImplementation<T extends BaseContract>(factory: Deployable<T>): Promise<T> {
  const impl = await factory.deploy();
  await impl.waitForDeployment();
  return impl;
}

/**
 * Deploys the vault, operator registry, slashing manager and reward distributor behind UUPS proxies and wires
 * them together. The deployer holds the admin roles while wiring, then hands every role to the admin (or a new
 * timelock) and renounces its own.
 */
export async function deployCore(
  deployer: Signer,
  options: DeployCoreOptions = {},
): Promise<{ contracts: CoreContracts; addresses: CoreAddresses }> {
  const me = await deployer.getAddress();
  let admin = options.admin ?? me;
  let timelock: string | undefined;
  if (options.timelockDelay !== undefined) {
    const proposer = options.admin ?? me;
    const tl = await new ProtocolTimelock__factory(deployer).deploy(
      options.timelockDelay,
      [proposer],
      [proposer],
      "0x0000000000000000000000000000000000000000",
    );
    await tl.waitForDeployment();
    timelock = await tl.getAddress();
    admin = timelock;
  }
  const pauser = options.pauser ?? admin;

  const vaultImpl = await deployImplementation(new RestakingVault__factory(deployer));
  const vaultProxy = await deployProxy(
    deployer,
    vaultImpl,
    vaultImpl.interface.encodeFunctionData("initialize", [me]),
  );
  const vault = RestakingVault__factory.connect(vaultProxy.proxy, deployer);

  const registryImpl = await deployImplementation(new OperatorRegistry__factory(deployer));
  const registryProxy = await deployProxy(
    deployer,
    registryImpl,
    registryImpl.interface.encodeFunctionData("initialize", [me, vaultProxy.proxy]),
  );
  const registry = OperatorRegistry__factory.connect(registryProxy.proxy, deployer);

  const slashingImpl = await deployImplementation(new SlashingManager__factory(deployer));
  const slashingProxy = await deployProxy(
    deployer,
    slashingImpl,
    slashingImpl.interface.encodeFunctionData("initialize", [me, vaultProxy.proxy, registryProxy.proxy]),
  );
  const slashingManager = SlashingManager__factory.connect(slashingProxy.proxy, deployer);

  const rewardsImpl = await new RewardDistributor__factory(deployer).deploy(
    vaultProxy.proxy,
    registryProxy.proxy,
  );
  await rewardsImpl.waitForDeployment();
  const rewardsProxy = await deployProxy(
    deployer,
    rewardsImpl,
    rewardsImpl.interface.encodeFunctionData("initialize", [me]),
  );
  const rewardDistributor = RewardDistributor__factory.connect(rewardsProxy.proxy, deployer);

  await (await vault.setRegistry(registryProxy.proxy)).wait();
  await (await vault.setSlashingManager(slashingProxy.proxy)).wait();
  await (await vault.setRewardsHook(rewardsProxy.proxy)).wait();

  if (admin !== me || pauser !== me) {
    await handOver(vault, me, admin, pauser, [await vault.ASSET_ADMIN_ROLE()]);
    await handOver(registry, me, admin, pauser);
    await handOver(slashingManager, me, admin, pauser);
    await handOver(rewardDistributor, me, admin, pauser, [await rewardDistributor.REWARDS_ADMIN_ROLE()]);
  }

  return {
    contracts: { vault, registry, slashingManager, rewardDistributor },
    addresses: {
      vault: vaultProxy.proxy,
      registry: registryProxy.proxy,
      slashingManager: slashingProxy.proxy,
      rewardDistributor: rewardsProxy.proxy,
      ...(timelock !== undefined ? { timelock } : {}),
      implementations: {
        RestakingVault: vaultProxy.implementation,
        OperatorRegistry: registryProxy.implementation,
        SlashingManager: slashingProxy.implementation,
        RewardDistributor: rewardsProxy.implementation,
      },
    },
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
