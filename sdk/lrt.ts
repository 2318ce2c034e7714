import {
  AbiCoder,
  ZeroAddress,
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
  OperatorRegistry__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type LRTNodeBeacon,
} from "../typechain-types";
import type { IOperatorRegistryTypes } from "../typechain-types/contracts/core/OperatorRegistry";
import { handOver, memoryRunner, proxiedStep, type CoreContracts, type StepRunner } from "./deploy";

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

/** The approver arguments of `createNode` / `redelegateNode` for an operator without a delegation approver. */
export const NO_APPROVER_SIGNATURE: IOperatorRegistryTypes.ApproverSignatureStruct = {
  signature: "0x",
  expiry: 0n,
};
export const NO_APPROVER_SALT = `0x${"00".repeat(32)}`;

/** The core contracts' addresses an LRT is wired to. */
export interface LRTCoreAddresses {
  vault: string;
  registry: string;
  slashingManager: string;
  rewardDistributor: string;
}

/** The manager's policy figures the LRT's steps set after the listings (the initializer leaves them 0). */
export interface LRTPolicyParams {
  bufferBps: bigint;
  baseFeeBps: bigint;
  maxFeeBps: bigint;
  protocolFeeBps: bigint;
}

/** What the LRT's steps deploy and wire: every address resolved. */
export interface LRTStepsPlan {
  name: string;
  symbol: string;
  core: LRTCoreAddresses;
  /** The ILRTOracle pricing every accepted asset. */
  oracle: string;
  treasury: string;
  rewardsReceiver: string;
  /** Owns the node beacon from its construction (the deploy's timelock; `deployLRT`'s admin). */
  governor: string;
  /** The accepted assets with their caps; `symbol` names each one's records. */
  assets: ReadonlyArray<{ symbol: string; asset: string; cap: bigint }>;
  /** Buffer and fees, set by the steps `lrtManager.setBuffer` and `lrtManager.setProtocolFee` (none when absent). */
  policy?: LRTPolicyParams;
  /** The reward tokens harvest sends to the rewards receiver, set with the oracle, treasury and rewards receiver by
   * the step `lrtManager.setConfig` (none when absent). */
  otherRewardTokens?: readonly string[];
  /** Registered operators, each given a node of equal weight (`equalWeights`) by the step
   * `lrtManager.createNode:<operator>` (none when absent). */
  operators?: readonly string[];
  /** Where `operators` come from, named when one is not a registered operator (the deploy: its config). */
  operatorsSource?: string;
}

/** The LRT the steps deployed. */
export interface LRTDeployment {
  token: LiquidRestakingToken;
  manager: LRTManager;
  beacon: LRTNodeBeacon;
  /** Entry point per accepted asset symbol. */
  entryPoints: Map<string, LRTAssetVault>;
  addresses: {
    token: string;
    manager: string;
    beacon: string;
    nodeImplementation: string;
    libraries: LRTLibraryAddresses;
  };
}

/** Equal weights summing to 10_000 (the last node takes the remainder). */
export function equalWeights(count: number): bigint[] {
  if (count === 0) return [];
  const each = 10_000n / BigInt(count);
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? 10_000n - each * BigInt(count - 1) : each,
  );
}

/**
 * The LRT's steps, each reading the chain first: the token behind its proxy (recorded as
 * `LiquidRestakingTokenImpl`, `lrt`), the node implementation and its beacon owned by `plan.governor` (`LRTNodeImpl`,
 * `lrtNodeBeacon`), the manager's libraries (`LRTValuation`, `LRTRisk`, `LRTOperations`) and the manager behind its
 * proxy (`LRTManagerImpl`, `lrtManager`), the token's minter and manager (`lrt.grantMinter`, `lrt.setManager`), one
 * ERC-7575 entry point per asset with its cap (`lrtEntryPoint:<symbol>`, `lrtManager.addAsset:<symbol>`), then what
 * the plan gives of the policy, the configuration and the nodes. The deployer holds every role of the token and the
 * manager afterwards (a hand-over follows). The deploy script (deploy/lrt.ts) runs them with its recording runner;
 * `deployLRT` in memory.
 */
export async function deployLRTSteps(
  d: StepRunner,
  deployer: Signer,
  plan: LRTStepsPlan,
): Promise<LRTDeployment> {
  const me = await deployer.getAddress();

  // The token, the node beacon, the manager's libraries and the manager.
  const { proxy: tokenAddress } = await proxiedStep(
    d,
    deployer,
    "lrt",
    "LiquidRestakingToken",
    () => new LiquidRestakingToken__factory(deployer).deploy(),
    tokenInitData(me, plan.name, plan.symbol),
  );
  const token = LiquidRestakingToken__factory.connect(tokenAddress, deployer);
  const nodeImplementation = await d.contract("LRTNodeImpl", "LRTNode", () =>
    new LRTNode__factory(deployer).deploy(),
  );
  const beacon = await d.contract("lrtNodeBeacon", "LRTNodeBeacon", () =>
    new LRTNodeBeacon__factory(deployer).deploy(nodeImplementation, plan.governor),
  );
  const libraries: Partial<LRTLibraryAddresses> = {};
  for (const which of ["valuation", "risk", "operations"] as const) {
    const fqName = LRT_LIBRARIES[which];
    const artifact = fqName.split(":")[1]!;
    libraries[which] = await d.contract(artifact, artifact, () =>
      newLibrary(deployer, fqName, libraryLinks(which, libraries)),
    );
  }
  const linked = libraries as LRTLibraryAddresses;
  const { proxy: managerAddress } = await proxiedStep(
    d,
    deployer,
    "lrtManager",
    "LRTManager",
    () => newManagerImplementation(deployer, linked),
    managerInitData(me, {
      token: tokenAddress,
      vault: plan.core.vault,
      slashingManager: plan.core.slashingManager,
      rewards: plan.core.rewardDistributor,
      registry: plan.core.registry,
      oracle: plan.oracle,
      beacon,
      treasury: plan.treasury,
      rewardsReceiver: plan.rewardsReceiver,
    }),
  );
  const manager = LRTManager__factory.connect(managerAddress, deployer);

  // The token mints for the manager and names it (its `vault(asset)` reads the manager's entry points).
  await d.step(
    "lrt.grantMinter",
    async () => token.hasRole(await token.MINTER_ROLE(), managerAddress),
    async () => token.grantRole(await token.MINTER_ROLE(), managerAddress),
  );
  const tokenBlock = d.record.contracts.lrt!.block;
  await d.step(
    "lrt.setManager",
    async () => {
      const set = await token.queryFilter(token.filters.ManagerSet(), tokenBlock);
      return set.length > 0 && set[set.length - 1]!.args.manager === managerAddress;
    },
    () => token.setManager(managerAddress),
  );

  // One entry point per accepted asset, with its cap.
  const entryPoints = new Map<string, LRTAssetVault>();
  for (const a of plan.assets) {
    const entryPoint = await d.contract(`lrtEntryPoint:${a.symbol}`, "LRTAssetVault", () =>
      new LRTAssetVault__factory(deployer).deploy(managerAddress, a.asset),
    );
    await d.step(
      `lrtManager.addAsset:${a.symbol}`,
      async () => (await manager.entryPoint(a.asset)) !== ZeroAddress,
      () => manager.addAsset(a.asset, entryPoint, a.cap),
    );
    entryPoints.set(a.symbol, LRTAssetVault__factory.connect(entryPoint, deployer));
  }

  // Buffer and fees.
  const policy = plan.policy;
  if (policy !== undefined) {
    await d.step(
      "lrtManager.setBuffer",
      async () => {
        const p = await manager.policy();
        return (
          p.bufferBps === policy.bufferBps &&
          p.baseFeeBps === policy.baseFeeBps &&
          p.maxFeeBps === policy.maxFeeBps
        );
      },
      () => manager.setBuffer(policy.bufferBps, policy.baseFeeBps, policy.maxFeeBps),
    );
    await d.step(
      "lrtManager.setProtocolFee",
      async () => (await manager.policy()).protocolFeeBps === policy.protocolFeeBps,
      () => manager.setProtocolFee(policy.protocolFeeBps),
    );
  }

  // Reward tokens that are not accepted assets go to the rewards receiver at harvest.
  const others = plan.otherRewardTokens;
  if (others !== undefined) {
    const managerBlock = d.record.contracts.lrtManager!.block;
    await d.step(
      "lrtManager.setConfig",
      async () => {
        const set = await manager.queryFilter(manager.filters.ConfigSet(), managerBlock);
        const last = set[set.length - 1]?.args;
        return (
          last !== undefined &&
          last.oracle === plan.oracle &&
          last.treasury === plan.treasury &&
          last.rewardsReceiver === plan.rewardsReceiver &&
          last.otherRewardTokens.join() === others.join()
        );
      },
      () => manager.setConfig(plan.oracle, plan.treasury, plan.rewardsReceiver, [...others]),
    );
  }

  // The nodes, with equal weights.
  const operators = plan.operators ?? [];
  const registry = OperatorRegistry__factory.connect(plan.core.registry, deployer);
  const weights = equalWeights(operators.length);
  for (const [i, operator] of operators.entries()) {
    await d.step(
      `lrtManager.createNode:${operator}`,
      async () => {
        const count = await manager.nodeCount();
        for (let n = 0n; n < count; n++) if ((await manager.node(n)).operator === operator) return true;
        if (!(await registry.isOperator(operator))) {
          const source = plan.operatorsSource === undefined ? "" : ` (${plan.operatorsSource})`;
          throw new Error(`cannot create a node for ${operator}: it is not a registered operator${source}`);
        }
        return false;
      },
      () => manager.createNode(operator, weights[i]!, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    );
  }

  return {
    token,
    manager,
    beacon: LRTNodeBeacon__factory.connect(beacon, deployer),
    entryPoints,
    addresses: {
      token: tokenAddress,
      manager: managerAddress,
      beacon,
      nodeImplementation,
      libraries: linked,
    },
  };
}

/**
 * Deploys the liquid restaking token on a core deployment: the LRT's steps (`deployLRTSteps`, those the deploy script
 * runs) on an in-memory runner, or the one given: the LRT (UUPS proxy), the node implementation and its beacon (owned
 * by the admin), the manager's libraries and the manager (UUPS proxy), and one ERC-7575 entry point per asset. The
 * LRT is an ordinary staker of the vault: nothing in the core changes. The deployer wires everything, then hands the
 * roles to the admin.
 */
export async function deployLRT(
  deployer: Signer,
  core: CoreContracts,
  options: DeployLRTOptions,
  runner?: StepRunner,
): Promise<LRTContracts> {
  const me = await deployer.getAddress();
  const admin = options.admin ?? me;
  const pauser = options.pauser ?? admin;
  const lrt = await deployLRTSteps(runner ?? (await memoryRunner(deployer)), deployer, {
    name: options.name ?? DEFAULT_LRT_NAME,
    symbol: options.symbol ?? DEFAULT_LRT_SYMBOL,
    core: {
      vault: await core.vault.getAddress(),
      registry: await core.registry.getAddress(),
      slashingManager: await core.slashingManager.getAddress(),
      rewardDistributor: await core.rewardDistributor.getAddress(),
    },
    oracle: options.oracle,
    treasury: options.treasury,
    rewardsReceiver: options.rewardsReceiver,
    governor: admin,
    // Each asset's records are named by its address.
    assets: options.assets.map(({ asset, cap }) => ({ symbol: asset, asset, cap })),
  });
  const { token, manager, beacon } = lrt;

  if (admin !== me || pauser !== me) {
    await handOver(token, me, admin, pauser);
    await handOver(manager, me, admin, pauser, [await manager.MANAGER_ROLE()]);
  }

  const entryPoints: Record<string, LRTAssetVault> = {};
  const entryPointAddresses: Record<string, string> = {};
  for (const { asset } of options.assets) {
    const entryPoint = lrt.entryPoints.get(asset)!;
    entryPoints[asset] = entryPoint;
    entryPointAddresses[asset] = await entryPoint.getAddress();
  }
  const { libraries } = lrt.addresses;
  return {
    token,
    manager,
    beacon,
    entryPoints,
    addresses: {
      token: lrt.addresses.token,
      manager: lrt.addresses.manager,
      beacon: lrt.addresses.beacon,
      nodeImplementation: lrt.addresses.nodeImplementation,
      libraries: {
        [VALUATION]: libraries.valuation,
        [RISK]: libraries.risk,
        [OPERATIONS]: libraries.operations,
      },
      entryPoints: entryPointAddresses,
    },
  };
}

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
