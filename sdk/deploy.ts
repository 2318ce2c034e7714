import type { BaseContract, ContractRunner, Signer } from "ethers";

import {
  OperatorRegistry__factory,
  ProtocolProxy__factory,
  RestakingVault__factory,
  type OperatorRegistry,
  type RestakingVault,
} from "../typechain-types";

/** The core contracts of one deployment, each behind its ERC-1967 proxy. */
export interface CoreContracts {
  vault: RestakingVault;
  registry: OperatorRegistry;
}

/** Addresses of a deployment: proxies and their implementations. */
export interface CoreAddresses {
  vault: string;
  registry: string;
  implementations: Record<string, string>;
}

export interface DeployCoreOptions {
  /** The account that receives every admin role (a timelock on public networks). Defaults to the deployer. */
  admin?: string;
}

interface UpgradeableFactory<T extends BaseContract> {
  deploy(): Promise<T>;
}

/** Deploys `impl` and an ERC-1967 proxy whose constructor calls `initData`; returns the proxy and implementation. */
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

async function deployImplementation<T extends BaseContract>(factory: UpgradeableFactory<T>): Promise<T> {
  const impl = await factory.deploy();
  await impl.waitForDeployment();
  return impl;
}

/** Deploys the vault and the operator registry behind proxies and wires them together. */
export async function deployCore(
  deployer: Signer,
  options: DeployCoreOptions = {},
): Promise<{
  contracts: CoreContracts;
  addresses: CoreAddresses;
}> {
  const deployerAddress = await deployer.getAddress();
  const admin = options.admin ?? deployerAddress;

  const vaultImpl = await deployImplementation(new RestakingVault__factory(deployer));
  const vaultInit = vaultImpl.interface.encodeFunctionData("initialize", [deployerAddress]);
  const vaultProxy = await deployProxy(deployer, vaultImpl, vaultInit);
  const vault = RestakingVault__factory.connect(vaultProxy.proxy, deployer);

  const registryImpl = await deployImplementation(new OperatorRegistry__factory(deployer));
  const registryInit = registryImpl.interface.encodeFunctionData("initialize", [admin, vaultProxy.proxy]);
  const registryProxy = await deployProxy(deployer, registryImpl, registryInit);
  const registry = OperatorRegistry__factory.connect(registryProxy.proxy, deployer);

  await (await vault.setRegistry(registryProxy.proxy)).wait();

  if (admin !== deployerAddress) {
    await handOver(vault, deployerAddress, admin);
  }

  return {
    contracts: { vault, registry },
    addresses: {
      vault: vaultProxy.proxy,
      registry: registryProxy.proxy,
      implementations: {
        RestakingVault: vaultProxy.implementation,
        OperatorRegistry: registryProxy.implementation,
      },
    },
  };
}

interface RoleAdministered {
  DEFAULT_ADMIN_ROLE(): Promise<string>;
  PAUSER_ROLE(): Promise<string>;
  grantRole(role: string, account: string): Promise<{ wait(): Promise<unknown> }>;
  renounceRole(role: string, account: string): Promise<{ wait(): Promise<unknown> }>;
}

/** Grants the admin and pauser roles to `admin` and renounces them (and any `extraRoles`) for the deployer. */
export async function handOver(
  contract: RoleAdministered,
  deployer: string,
  admin: string,
  extraRoles: string[] = [],
): Promise<void> {
  const roles = [await contract.PAUSER_ROLE(), ...extraRoles, await contract.DEFAULT_ADMIN_ROLE()];
  for (const role of roles) {
    await (await contract.grantRole(role, admin)).wait();
  }
  for (const role of roles) {
    await (await contract.renounceRole(role, deployer)).wait();
  }
}

export type { ContractRunner };
