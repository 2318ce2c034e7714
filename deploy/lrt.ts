/**
 * The liquid restaking token's part of `deployProtocol` (deploy/protocol.ts), run on the deployed core before the
 * hand-over so that the timelock ends with the LRT's admin roles too. What is the deploy's own is here: the network
 * plan (deploy/config.ts) resolved to the sdk's step plans (asset symbols to the addresses the listings gave,
 * `"timelock"` recipients to the timelock), the demo operators of local chains, and the record; the steps themselves
 * are the sdk's, which `deployLRT` and `deployOracle` run too.
 *
 * `deployPlannedLRTOracle`: sdk/oracle.ts `deployOracleSteps`, the oracle behind its proxy with one rate adapter per
 * accepted asset (listed with its staleness and move bounds; the listing stores its first price).
 * `deployPlannedLRT`, on the oracle it is given: the demo operators (local chains), then sdk/lrt.ts `deployLRTSteps`
 * (the LRT token, the node implementation and its beacon owned by the timelock from its construction, the manager's
 * libraries and the manager, the token's minter and manager, one ERC-7575 entry point per accepted asset with its
 * cap, the buffer and fees, the reward tokens harvest sends to the rewards receiver, the nodes), and the capped price
 * feed (sdk/oracle.ts `deployPriceFeedStep`, administered by the timelock from its construction).
 *
 * The test fixtures (test/helpers/lrtFixtures.ts) run `deployPlannedLRT` on an in-memory runner with a MockLRTOracle,
 * signers[0] standing for the timelock.
 */
import { ZeroAddress, type Signer } from "ethers";

import { OperatorRegistry__factory, type LRTOracle } from "../typechain-types";
import { deployLRTSteps, type LRTDeployment } from "../sdk/lrt";
import { deployOracleSteps, deployPriceFeedStep } from "../sdk/oracle";
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

/** `LRTDeployContext` and the ILRTOracle the manager is wired to (`deployPlannedLRTOracle`'s in the deploy; the test
 * fixtures give their MockLRTOracle). */
export interface LRTManagerContext extends LRTDeployContext {
  oracle: string;
}

/** What the manager's steps read of the plan: an asset's oracle bounds and adapter are the oracle's steps'. */
export type LRTManagerPlan = Omit<PlannedLRT, "assets"> & {
  assets: ReadonlyArray<Pick<PlannedLRTAsset, "symbol" | "cap">>;
};

/** The LRT contracts the hand-over must take the roles of, and what the fixtures read (sdk/lrt.ts
 * `LRTDeployment`, entry points by symbol), with the price feed. */
export interface DeployedLRT extends LRTDeployment {
  addresses: LRTDeployment["addresses"] & { priceFeed: string };
}

const DEMO_COMMISSION_BPS = 1_000n;

/** The token address of listed asset `symbol`, or a sentence. */
function listedAsset(ctx: LRTDeployContext): (symbol: string) => string {
  return (symbol) => {
    const address = ctx.assets.get(symbol);
    if (address === undefined) throw new Error(`the LRT accepts ${symbol}, which the vault does not list`);
    return address;
  };
}

/**
 * The LRT's oracle of `plan` (sdk/oracle.ts `deployOracleSteps`): the LRTOracle behind its proxy (the deployer its
 * admin until the hand-over) and, per accepted asset, its rate adapter of the plan's kind, listed with its staleness
 * and move bounds.
 */
export async function deployPlannedLRTOracle(
  d: StepRunner,
  deployer: Signer,
  plan: PlannedLRT,
  ctx: LRTDeployContext,
): Promise<LRTOracle> {
  const assetOf = listedAsset(ctx);
  const { oracle } = await deployOracleSteps(
    d,
    deployer,
    plan.assets.map((a) => ({
      symbol: a.symbol,
      asset: assetOf(a.symbol),
      adapterKind: a.adapter,
      maxAge: a.maxAge,
      maxMoveBps: a.maxMoveBps,
    })),
  );
  return oracle;
}

/**
 * Deploys (or finishes deploying) the LRT of `plan` on the core of `ctx`, priced by `ctx.oracle`: registers
 * `demoOperators` (the accounts registered as demo operators on local chains, as many as `plan.demoOperators`), runs
 * the sdk's LRT steps (sdk/lrt.ts `deployLRTSteps`) with the plan's addresses, policy, other reward tokens and
 * operators (the demo ones after the plan's), then the price feed on the manager's rate.
 */
export async function deployPlannedLRT(
  d: StepRunner,
  deployer: Signer,
  plan: LRTManagerPlan,
  ctx: LRTManagerContext,
  demoOperators: Signer[],
): Promise<DeployedLRT> {
  const recipient = (value: string): string => (value === "timelock" ? ctx.timelock : value);
  const assetOf = listedAsset(ctx);

  // Demo operators (local chains): the node steps give them a node each.
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

  const assets = plan.assets.map((a) => ({ symbol: a.symbol, asset: assetOf(a.symbol), cap: a.cap }));
  // Reward tokens that are not accepted assets go to the rewards receiver at harvest.
  const accepted = new Set(assets.map((a) => a.asset));
  const lrt = await deployLRTSteps(d, deployer, {
    name: plan.name,
    symbol: plan.symbol,
    core: ctx,
    oracle: ctx.oracle,
    treasury: recipient(plan.treasury),
    rewardsReceiver: recipient(plan.rewardsReceiver),
    governor: ctx.timelock,
    assets,
    policy: plan,
    otherRewardTokens: [...new Set(ctx.rewardTokens.values())].filter((t) => !accepted.has(t)),
    operators,
    operatorsSource: "deploy/config.ts lrt.operators",
  });

  // The money markets' feed of the LRT's rate, administered by the timelock from its construction.
  const priceFeed = await deployPriceFeedStep(d, deployer, {
    source: lrt.addresses.manager,
    description: plan.priceFeed.description,
    maxYearlyGrowthBps: plan.priceFeed.maxYearlyGrowthBps,
    admin: ctx.timelock,
  });
  return { ...lrt, addresses: { ...lrt.addresses, priceFeed } };
}
