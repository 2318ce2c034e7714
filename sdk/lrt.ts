import {
  AbiCoder,
  getCreate2Address,
  type BaseContract,
  keccak256,
  solidityPacked,
  toBeHex,
  zeroPadValue,
  type Signer,
} from "ethers";

import {
  BeaconProxy__factory,
  LiquidRestakingToken__factory,
  LRTAssetVault__factory,
  LRTManager__factory,
  LRTNode__factory,
  LRTNodeBeacon__factory,
  LRTOperations__factory,
  LRTRisk__factory,
  LRTValuation__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type LRTNodeBeacon,
} from "../typechain-types";
import type { IOperatorRegistryTypes } from "../typechain-types/contracts/core/OperatorRegistry";
import { deployProxy, handOver, type CoreContracts } from "./deploy";

/** One accepted asset of a deployment and its deposit cap (tokens). */
export interface LRTAssetParams {
  asset: string;
  cap: bigint;
}

export interface DeployLRTOptions {
  /** The ILRTOracle pricing every accepted asset. */
  oracle: string;
  /** Receives the protocol fee, in LRT. */
  treasury: string;
  /** Receives harvested reward tokens that are not accepted assets. */
  rewardsReceiver: string;
  /** Assets to accept, each with its own ERC-7575 entry point. */
  assets: LRTAssetParams[];
  /** The account that ends up with every admin role (DEFAULT_ADMIN, MANAGER, PAUSER, beacon owner). Defaults to the
   * deployer. */
  admin?: string;
  /** An account to keep the PAUSER_ROLE; defaults to the admin. */
  pauser?: string;
  name?: string;
  symbol?: string;
}

/** The LRT contracts of one deployment. */
export interface LRTContracts {
  token: LiquidRestakingToken;
  manager: LRTManager;
  beacon: LRTNodeBeacon;
  /** Entry point per accepted asset address (as given). */
  entryPoints: Record<string, LRTAssetVault>;
  addresses: {
    token: string;
    manager: string;
    beacon: string;
    nodeImplementation: string;
    libraries: Record<string, string>;
    entryPoints: Record<string, string>;
  };
}

/** The manager's linked libraries, by fully qualified name. */
export const LRT_LIBRARIES = {
  valuation: "contracts/lrt/LRTValuation.sol:LRTValuation",
  risk: "contracts/lrt/LRTRisk.sol:LRTRisk",
  operations: "contracts/lrt/LRTOperations.sol:LRTOperations",
} as const;
const VALUATION = LRT_LIBRARIES.valuation;
const RISK = LRT_LIBRARIES.risk;
const OPERATIONS = LRT_LIBRARIES.operations;

/** The addresses of the manager's libraries. */
export interface LRTLibraryAddresses {
  valuation: string;
  risk: string;
  operations: string;
}

/** The fully qualified name of one of the manager's libraries. */
export type LRTLibraryName = (typeof LRT_LIBRARIES)[keyof LRTLibraryAddresses];

/**
 * Sends the creation of library `name` (fully qualified) with `links` (fully qualified name to address, as
 * `libraryLinks` gives them) written into its link references, through its typechain factory (no Hardhat: the
 * package ships this); returns the contract without waiting for it (step-able deploys wait and record it).
 */
export async function newLibrary(
  deployer: Signer,
  name: LRTLibraryName,
  links: Record<string, string> = {},
): Promise<BaseContract> {
  const link = (library: LRTLibraryName): string => {
    const address = links[library];
    if (address === undefined) throw new Error(`${name} links ${library}: give its address`);
    return address;
  };
  switch (name) {
    case VALUATION:
      return new LRTValuation__factory(deployer).deploy();
    case RISK:
      return new LRTRisk__factory(deployer).deploy();
    case OPERATIONS:
      return new LRTOperations__factory(
        { [VALUATION]: link(VALUATION), [RISK]: link(RISK) },
        deployer,
      ).deploy();
  }
}

/** The links each of the manager's libraries needs, in deployment order (each needs only earlier ones). */
export function libraryLinks(
  name: keyof LRTLibraryAddresses,
  done: Partial<LRTLibraryAddresses>,
): Record<string, string> {
  const need = (which: keyof LRTLibraryAddresses): string => {
    const address = done[which];
    if (address === undefined)
      throw new Error(`the ${which} library must be deployed before the ${name} library`);
    return address;
  };
  // LRTValuation and LRTRisk link nothing; LRTOperations calls both.
  if (name !== "operations") return {};
  return { [RISK]: need("risk"), [VALUATION]: need("valuation") };
}

/** Sends the creation of the manager's implementation linked to `libraries`, without waiting. */
export function newManagerImplementation(
  deployer: Signer,
  libraries: LRTLibraryAddresses,
): Promise<LRTManager> {
  return new LRTManager__factory(
    { [OPERATIONS]: libraries.operations, [VALUATION]: libraries.valuation, [RISK]: libraries.risk },
    deployer,
  ).deploy();
}

/** What the manager is wired to at initialization. */
export interface LRTWiring {
  token: string;
  vault: string;
  slashingManager: string;
  rewards: string;
  registry: string;
  oracle: string;
  beacon: string;
  treasury: string;
  rewardsReceiver: string;
}

/** The manager proxy's initializer call: `admin` holds every role until the hand-over. */
export function managerInitData(admin: string, wiring: LRTWiring): string {
  return LRTManager__factory.createInterface().encodeFunctionData("initialize", [admin, wiring]);
}

/** The token proxy's initializer call. */
export function tokenInitData(admin: string, name: string, symbol: string): string {
  return LiquidRestakingToken__factory.createInterface().encodeFunctionData("initialize", [
    admin,
    name,
    symbol,
  ]);
}

export const DEFAULT_LRT_NAME = "Liquid Restaked ETH";
export const DEFAULT_LRT_SYMBOL = "lrtETH";

async function deployLibrary(
  deployer: Signer,
  name: LRTLibraryName,
  links: Record<string, string> = {},
): Promise<string> {
  const contract = await newLibrary(deployer, name, links);
  await contract.waitForDeployment();
  return contract.getAddress();
}

/**
 * Deploys the liquid restaking token on a core deployment: the LRT (UUPS proxy), the node implementation and its
 * beacon, the manager's libraries and the manager (UUPS proxy), and one ERC-7575 entry point per asset. The LRT is an
 * ordinary staker of the vault: nothing in the core changes. The deployer wires everything, then hands the roles to
 * the admin.
 */
export async function deployLRT(
  deployer: Signer,
  core: CoreContracts,
  options: DeployLRTOptions,
): Promise<LRTContracts> {
  const me = await deployer.getAddress();
  const admin = options.admin ?? me;
  const pauser = options.pauser ?? admin;

  const tokenImpl = await new LiquidRestakingToken__factory(deployer).deploy();
  await tokenImpl.waitForDeployment();
  const tokenProxy = await deployProxy(
    deployer,
    tokenImpl,
    tokenInitData(me, options.name ?? DEFAULT_LRT_NAME, options.symbol ?? DEFAULT_LRT_SYMBOL),
  );
  const token = LiquidRestakingToken__factory.connect(tokenProxy.proxy, deployer);

  const nodeImpl = await new LRTNode__factory(deployer).deploy();
  await nodeImpl.waitForDeployment();
  const nodeImplementation = await nodeImpl.getAddress();
  const beacon = await new LRTNodeBeacon__factory(deployer).deploy(nodeImplementation, admin);
  await beacon.waitForDeployment();

  const valuation = await deployLibrary(deployer, VALUATION);
  const risk = await deployLibrary(deployer, RISK, libraryLinks("risk", { valuation }));
  const operations = await deployLibrary(
    deployer,
    OPERATIONS,
    libraryLinks("operations", { valuation, risk }),
  );
  const libraries = {
    [VALUATION]: valuation,
    [RISK]: risk,
    [OPERATIONS]: operations,
  };
  const managerImpl = await newManagerImplementation(deployer, { valuation, risk, operations });
  await managerImpl.waitForDeployment();
  const managerProxy = await deployProxy(
    deployer,
    managerImpl,
    managerInitData(me, {
      token: tokenProxy.proxy,
      vault: await core.vault.getAddress(),
      slashingManager: await core.slashingManager.getAddress(),
      rewards: await core.rewardDistributor.getAddress(),
      registry: await core.registry.getAddress(),
      oracle: options.oracle,
      beacon: await beacon.getAddress(),
      treasury: options.treasury,
      rewardsReceiver: options.rewardsReceiver,
    }),
  );
  const manager = LRTManager__factory.connect(managerProxy.proxy, deployer);

  await (await token.grantRole(await token.MINTER_ROLE(), managerProxy.proxy)).wait();
  await (await token.setManager(managerProxy.proxy)).wait();

  const entryPoints: Record<string, LRTAssetVault> = {};
  const entryPointAddresses: Record<string, string> = {};
  for (const { asset, cap } of options.assets) {
    const ep = await new LRTAssetVault__factory(deployer).deploy(managerProxy.proxy, asset);
    await ep.waitForDeployment();
    const epAddress = await ep.getAddress();
    await (await manager.addAsset(asset, epAddress, cap)).wait();
    entryPoints[asset] = ep;
    entryPointAddresses[asset] = epAddress;
  }

  if (admin !== me || pauser !== me) {
    await handOver(token, me, admin, pauser);
    await handOver(manager, me, admin, pauser, [await manager.MANAGER_ROLE()]);
  }

  return {
    token,
    manager,
    beacon,
    entryPoints,
    addresses: {
      token: tokenProxy.proxy,
      manager: managerProxy.proxy,
      beacon: await beacon.getAddress(),
      nodeImplementation,
      libraries,
      entryPoints: entryPointAddresses,
    },
  };
}

/** The approver arguments of `createNode` / `redelegateNode` for an operator without a delegation approver. */
export const NO_APPROVER_SIGNATURE: IOperatorRegistryTypes.ApproverSignatureStruct = {
  signature: "0x",
  expiry: 0n,
};
export const NO_APPROVER_SALT = `0x${"00".repeat(32)}`;

/** What a node's address depends on: the manager (the CREATE2 deployer), the node beacon, and the vault and reward
 * distributor the node's initializer names. */
export interface NodeAddressParams {
  manager: string;
  beacon: string;
  vault: string;
  rewards: string;
}

/**
 * The address `LRTManager.createNode` gives node `index` (the next one is `await manager.nodeCount()`): a BeaconProxy
 * created with CREATE2 by the manager, salt = the index as bytes32, init code = BeaconProxy's creation code and
 * `(beacon, LRTNode.initialize(manager, vault, rewards))`. The initializer names no operator, so an operator's
 * delegation approver can sign the EIP-712 DelegationApproval for this address (staker) before the node exists.
 */
export function predictNodeAddress(params: NodeAddressParams, index: bigint | number): string {
  const init = LRTNode__factory.createInterface().encodeFunctionData("initialize", [
    params.manager,
    params.vault,
    params.rewards,
  ]);
  const initCode = solidityPacked(
    ["bytes", "bytes"],
    [
      BeaconProxy__factory.bytecode,
      AbiCoder.defaultAbiCoder().encode(["address", "bytes"], [params.beacon, init]),
    ],
  );
  return getCreate2Address(params.manager, zeroPadValue(toBeHex(index), 32), keccak256(initCode));
}

/** `predictNodeAddress` for a deployment of `deployLRT` on `core`. */
export async function nodeAddressOf(
  lrt: LRTContracts,
  core: CoreContracts,
  index: bigint | number,
): Promise<string> {
  return predictNodeAddress(
    {
      manager: lrt.addresses.manager,
      beacon: lrt.addresses.beacon,
      vault: await core.vault.getAddress(),
      rewards: await core.rewardDistributor.getAddress(),
    },
    index,
  );
}
