/**
 * The liquid restaking token's steps of `deployProtocol` (deploy/protocol.ts), run on the deployed core before the
 * hand-over so that the timelock ends with the LRT's admin roles too.
 *
 * `deployLRTOracleSteps`: the oracle behind its proxy with one rate adapter per accepted asset (listed with its
 * staleness and move bounds; the listing stores its first price).
 * `deployLRTSteps`, on the oracle it is given: the LRT token, the node implementation and its beacon (owned by the
 * timelock from its construction), the manager's libraries and the manager, the token's minter and manager, one
 * ERC-7575 entry point per accepted asset with its cap, the buffer and fees, the reward tokens harvest sends to the
 * rewards receiver, the demo operators (local chains) and the nodes, and the capped price feed (administered by the
 * timelock from its construction).
 *
 * Each step reads the chain first, as the core's do; the contracts are built by the sdk's step-able helpers
 * (sdk/lrt.ts, sdk/oracle.ts). The test fixtures (test/helpers/lrtFixtures.ts) run `deployLRTSteps` on an in-memory
 * runner with a MockLRTOracle, signers[0] standing for the timelock.
 */
import { ZeroAddress, type Signer } from "ethers";

import {
  LiquidRestakingToken__factory,
  LRTAssetVault__factory,
  LRTManager__factory,
  LRTNode__factory,
  LRTNodeBeacon__factory,
  LRTOracle__factory,
  OperatorRegistry__factory,
  ProtocolProxy__factory,
  type LiquidRestakingToken,
  type LRTManager,
  type LRTAssetVault,
  type LRTOracle,
} from "../typechain-types";
import {
  LRT_LIBRARIES,
  NO_APPROVER_SALT,
  NO_APPROVER_SIGNATURE,
  libraryLinks,
  managerInitData,
  newLibrary,
  newManagerImplementation,
  tokenInitData,
  type LRTLibraryAddresses,
} from "../sdk/lrt";
import { newPriceFeed, newRateAdapter, rateAdapterArtifact } from "../sdk/oracle";
import type { StepRunner } from "../sdk/deploy";
import type { PlannedLRT, PlannedLRTAsset } from "./config";

/** The runner the steps run on (sdk/deploy.ts): the deploy script's recording one, or the fixtures' in-memory one. */
export type { StepRunner } from "../sdk/deploy";

/** The core addresses the LRT is wired to, its governor, and each listed asset's token address by symbol. */
export interface LRTDeployContext {
  vault: string;
  registry: string;
  slashingManager: string;
  rewardDistributor: string;
  /** The governor: owns the node beacon and administers the price feed from their construction, and stands for
   * `"timelock"` recipients. `deployProtocol`: the timelock; the test fixtures: signers[0], which keeps every role
   * because the fixtures stop before the hand-over. */
  timelock: string;
  assets: Map<string, string>;
  /** The reward tokens the distributor lists, by symbol: those that are not accepted assets are the LRT's "other
   * reward tokens", which harvest sends to the rewards receiver. */
  rewardTokens: Map<string, string>;
}

/** `LRTDeployContext` and the ILRTOracle the manager is wired to (`deployLRTOracleSteps`' in the deploy; the test
 * fixtures give their MockLRTOracle). */
export interface LRTManagerContext extends LRTDeployContext {
  oracle: string;
}

/** What the manager's steps read of the plan: an asset's oracle bounds and adapter are the oracle's steps'. */
export type LRTManagerPlan = Omit<PlannedLRT, "assets"> & {
  assets: ReadonlyArray<Pick<PlannedLRTAsset, "symbol" | "cap">>;
};

/** The LRT contracts the hand-over must take the roles of, and what the fixtures read. */
export interface DeployedLRT {
  token: LiquidRestakingToken;
  manager: LRTManager;
  /** Entry point per accepted asset symbol. */
  entryPoints: Map<string, LRTAssetVault>;
  addresses: { token: string; manager: string; beacon: string; priceFeed: string };
}

const DEMO_COMMISSION_BPS = 1_000n;

/** Equal weights summing to 10_000 (the last node takes the remainder). */
export function equalWeights(count: number): bigint[] {
  if (count === 0) return [];
  const each = 10_000n / BigInt(count);
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? 10_000n - each * BigInt(count - 1) : each,
  );
}

/** The token address of listed asset `symbol`, or a sentence. */
function listedAsset(ctx: LRTDeployContext): (symbol: string) => string {
  return (symbol) => {
    const address = ctx.assets.get(symbol);
    if (address === undefined) throw new Error(`the LRT accepts ${symbol}, which the vault does not list`);
    return address;
  };
}

/**
 * The LRT's oracle steps: the LRTOracle behind its proxy (the deployer its admin until the hand-over) and, per
 * accepted asset, its rate adapter, listed with its staleness and move bounds (listing stores the first price).
 */
export async function deployLRTOracleSteps(
  d: StepRunner,
  deployer: Signer,
  plan: PlannedLRT,
  ctx: LRTDeployContext,
): Promise<LRTOracle> {
  const me = await deployer.getAddress();
  const assetOf = listedAsset(ctx);
  // The oracle, its adapters and bounds (listing an asset stores its first price).
  const oracleImpl = await d.contract("LRTOracleImpl", "LRTOracle", () =>
    new LRTOracle__factory(deployer).deploy(),
  );
  const oracleAddress = await d.contract(
    "lrtOracle",
    "LRTOracle",
    () =>
      new ProtocolProxy__factory(deployer).deploy(
        oracleImpl,
        LRTOracle__factory.createInterface().encodeFunctionData("initialize", [me]),
      ),
    oracleImpl,
  );
  const oracle = LRTOracle__factory.connect(oracleAddress, deployer);
  for (const a of plan.assets) {
    const asset = assetOf(a.symbol);
    const adapter = await d.contract(`lrtAdapter:${a.symbol}`, rateAdapterArtifact(a.adapter), () =>
      newRateAdapter(deployer, a.adapter, asset),
    );
    await d.step(
      `lrtOracle.addAsset:${a.symbol}`,
      async () => (await oracle.assets()).includes(asset),
      () => oracle.addAsset(asset, adapter, a.maxAge, a.maxMoveBps),
    );
  }
  return oracle;
}

/**
 * Deploys (or finishes deploying) the LRT of `plan` on the core of `ctx`, priced by `ctx.oracle`: the token, the
 * node beacon, the manager's libraries and the manager, the token's minter and manager, the entry points with their
 * caps, buffer and fees, the other reward tokens, the nodes, and the price feed. `demoOperators` are the accounts
 * registered as demo operators on local chains (as many as `plan.demoOperators`).
 */
export async function deployLRTSteps(
  d: StepRunner,
  deployer: Signer,
  plan: LRTManagerPlan,
  ctx: LRTManagerContext,
  demoOperators: Signer[],
): Promise<DeployedLRT> {
  const me = await deployer.getAddress();
  const recipient = (value: string): string => (value === "timelock" ? ctx.timelock : value);
  const assetOf = listedAsset(ctx);
  const oracleAddress = ctx.oracle;

  // The token, the node beacon, the manager's libraries and the manager.
  const tokenImpl = await d.contract("LiquidRestakingTokenImpl", "LiquidRestakingToken", () =>
    new LiquidRestakingToken__factory(deployer).deploy(),
  );
  const tokenAddress = await d.contract(
    "lrt",
    "LiquidRestakingToken",
    () => new ProtocolProxy__factory(deployer).deploy(tokenImpl, tokenInitData(me, plan.name, plan.symbol)),
    tokenImpl,
  );
  const token = LiquidRestakingToken__factory.connect(tokenAddress, deployer);
  const nodeImpl = await d.contract("LRTNodeImpl", "LRTNode", () => new LRTNode__factory(deployer).deploy());
  const beacon = await d.contract("lrtNodeBeacon", "LRTNodeBeacon", () =>
    new LRTNodeBeacon__factory(deployer).deploy(nodeImpl, ctx.timelock),
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
  const managerImpl = await d.contract("LRTManagerImpl", "LRTManager", () =>
    newManagerImplementation(deployer, linked),
  );
  const treasury = recipient(plan.treasury);
  const rewardsReceiver = recipient(plan.rewardsReceiver);
  const managerAddress = await d.contract(
    "lrtManager",
    "LRTManager",
    () =>
      new ProtocolProxy__factory(deployer).deploy(
        managerImpl,
        managerInitData(me, {
          token: tokenAddress,
          vault: ctx.vault,
          slashingManager: ctx.slashingManager,
          rewards: ctx.rewardDistributor,
          registry: ctx.registry,
          oracle: oracleAddress,
          beacon,
          treasury,
          rewardsReceiver,
        }),
      ),
    managerImpl,
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
    const asset = assetOf(a.symbol);
    const entryPoint = await d.contract(`lrtEntryPoint:${a.symbol}`, "LRTAssetVault", () =>
      new LRTAssetVault__factory(deployer).deploy(managerAddress, asset),
    );
    await d.step(
      `lrtManager.addAsset:${a.symbol}`,
      async () => (await manager.entryPoint(asset)) !== ZeroAddress,
      () => manager.addAsset(asset, entryPoint, a.cap),
    );
    entryPoints.set(a.symbol, LRTAssetVault__factory.connect(entryPoint, deployer));
  }

  // Buffer and fees.
  await d.step(
    "lrtManager.setBuffer",
    async () => {
      const p = await manager.policy();
      return (
        p.bufferBps === plan.bufferBps && p.baseFeeBps === plan.baseFeeBps && p.maxFeeBps === plan.maxFeeBps
      );
    },
    () => manager.setBuffer(plan.bufferBps, plan.baseFeeBps, plan.maxFeeBps),
  );
  await d.step(
    "lrtManager.setProtocolFee",
    async () => (await manager.policy()).protocolFeeBps === plan.protocolFeeBps,
    () => manager.setProtocolFee(plan.protocolFeeBps),
  );

  // Reward tokens that are not accepted assets go to the rewards receiver at harvest.
  const accepted = new Set(plan.assets.map((a) => assetOf(a.symbol)));
  const others = [...new Set(ctx.rewardTokens.values())].filter((t) => !accepted.has(t));
  const managerBlock = d.record.contracts.lrtManager!.block;
  await d.step(
    "lrtManager.setConfig",
    async () => {
      const set = await manager.queryFilter(manager.filters.ConfigSet(), managerBlock);
      const last = set[set.length - 1]?.args;
      return (
        last !== undefined &&
        last.oracle === oracleAddress &&
        last.treasury === treasury &&
        last.rewardsReceiver === rewardsReceiver &&
        last.otherRewardTokens.join() === others.join()
      );
    },
    () => manager.setConfig(oracleAddress, treasury, rewardsReceiver, others),
  );

  // Demo operators (local chains) and the nodes, with equal weights.
  const registry = OperatorRegistry__factory.connect(ctx.registry, deployer);
  const operators = [...plan.operators];
  for (const [i, signer] of demoOperators.entries()) {
    const address = await signer.getAddress();
    operators.push(address);
    await d.step(
      `registry.registerDemoOperator:${i}`,
      () => registry.isOperator(address),
      () =>
        registry
          .connect(signer)
          .registerAsOperator(`ipfs://demo-operator-${i}`, DEMO_COMMISSION_BPS, ZeroAddress),
    );
  }
  if (operators.length === 0) {
    d.log(
      "  lrt nodes: none (deploy/config.ts lists no operator for this network): deposits stay idle until the " +
        "timelock creates nodes (lrtManager.createNode) for registered operators",
    );
  }
  const weights = equalWeights(operators.length);
  for (const [i, operator] of operators.entries()) {
    await d.step(
      `lrtManager.createNode:${operator}`,
      async () => {
        const count = await manager.nodeCount();
        for (let n = 0n; n < count; n++) if ((await manager.node(n)).operator === operator) return true;
        if (!(await registry.isOperator(operator))) {
          throw new Error(
            `cannot create a node for ${operator}: it is not a registered operator (deploy/config.ts lrt.operators)`,
          );
        }
        return false;
      },
      () => manager.createNode(operator, weights[i]!, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    );
  }

  // The money markets' feed of the LRT's rate, administered by the timelock from its construction.
  const priceFeed = await d.contract("lrtPriceFeed", "LRTPriceFeed", () =>
    newPriceFeed(deployer, {
      source: managerAddress,
      description: plan.priceFeed.description,
      maxYearlyGrowthBps: plan.priceFeed.maxYearlyGrowthBps,
      admin: ctx.timelock,
    }),
  );
  return {
    token,
    manager,
    entryPoints,
    addresses: { token: tokenAddress, manager: managerAddress, beacon, priceFeed },
  };
}
