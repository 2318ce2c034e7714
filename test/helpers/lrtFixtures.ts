/**
 * Fixtures of the liquid restaking token, built on test/helpers/fixtures.ts `stakingFixture` and the deploy script's
 * LRT part (deploy/lrt.ts `deployPlannedLRT`, the function deploy/protocol.ts `deployProtocol` runs, over the sdk's
 * LRT steps, sdk/lrt.ts `deployLRTSteps`; here on an in-memory runner, sdk/deploy.ts `memoryRunner`). The plan is the
 * in-process chain's (deploy/config.ts `hardhat`: name, symbol, price feed) with the tests' parameters: stETH and
 * rETH at LRT_CAP each, the four operators, the manager's initial policy (no buffer, no fees: tests set their own),
 * treasury and rewards receiver accounts, no demo operator. The manager is priced by a MockLRTOracle the tests move
 * (the deploy's oracle steps, sdk/oracle.ts `deployOracleSteps`, are tested by test/deploy and, through
 * `deployOracle`, by the oracle's own fixtures, test/helpers/oracleFixtures.ts). The fixtures stop before the
 * hand-over: signers[0] (`admin`) keeps every role, owns the node beacon and administers the price feed, where the
 * deploy gives them to the timelock. `deployTestLRT` is that deployment on any core, for the tests' other LRTs.
 *   lrtFixture       + four operators without delegation approver; a MockLRTOracle (stETH 1.0, rETH 1.1 ETH);
 *                      the LRT with stETH and rETH accepted (cap LRT_CAP each), four nodes of weight 25% each;
 *                      stakers approve both entry points
 *   lrtSlashFixture  + an AVS (veto committee, 1-day window, 50% max) with every operator allocating 50% of stETH and
 *                      rETH to it, in force
 */
import { artifacts, ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Signer } from "ethers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployPlannedLRT, type DeployedLRT, type LRTManagerPlan } from "../../deploy/lrt";
import { memoryRunner, type CoreContracts } from "../../sdk/deploy";
import { LRT_REQUEST_STATUS_VALUE, PAUSE_GROUP } from "../../sdk/views";
import {
  MockLRTOracle__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type MockLRTOracle,
} from "../../typechain-types";
import type { LRTManagerLibraryAddresses } from "../../typechain-types/factories/contracts/lrt/LRTManager__factory";
import { ERC1967_IMPLEMENTATION_SLOT } from "../behaviours/common";
import { DAY, WAD, stakingFixture, type StakingFixture } from "./fixtures";

export const LRT_CAP = 5_000n * WAD;
export const STETH_PRICE = WAD;
export const RETH_PRICE = (11n * WAD) / 10n;
export const VIRTUAL_SHARES = 10n ** 9n;
export const VIRTUAL_VALUE = 10n ** 9n;
export const BPS = 10_000n;
/** LRTManager pause groups (bit positions). */
export const LRT_GROUP = PAUSE_GROUP.LRTManager;
export const VETO_WINDOW = DAY;
/** ILRTManagerTypes.RequestStatus values (a redemption request's state; sdk/views.ts LRT_REQUEST_STATUS_VALUE). */
export const PENDING = LRT_REQUEST_STATUS_VALUE.Pending;
export const CLAIMABLE = LRT_REQUEST_STATUS_VALUE.Claimable;
export const CLAIMED = LRT_REQUEST_STATUS_VALUE.Claimed;
export const RETURNED = LRT_REQUEST_STATUS_VALUE.Returned;

export interface LRTFixture extends StakingFixture {
  operators: HardhatEthersSigner[];
  oracle: MockLRTOracle;
  lrt: LiquidRestakingToken;
  manager: LRTManager;
  stETHVault: LRTAssetVault;
  rETHVault: LRTAssetVault;
  stETHAddress: string;
  rETHAddress: string;
  managerAddress: string;
  /** The node beacon (with the manager, the vault and the distributor, what a node's CREATE2 address depends on). */
  beaconAddress: string;
  /** The LRTPriceFeed the deploy's LRT steps put on the manager's rate (administered by `admin`). */
  priceFeedAddress: string;
  treasury: HardhatEthersSigner;
  rewardsReceiver: HardhatEthersSigner;
}

export interface LRTSlashFixture extends LRTFixture {
  avs: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  committee: HardhatEthersSigner;
}

/** What `deployTestLRT` deploys on a core. */
export interface TestLRTParams {
  /** The ILRTOracle the manager is wired to (the tests' MockLRTOracle, or an LRTOracle). */
  oracle: string;
  treasury: string;
  rewardsReceiver: string;
  /** The accepted assets with their LRT caps; `symbol` names the entry point in the run's in-memory record (default:
   * the asset's address). */
  assets: ReadonlyArray<{ asset: string; cap: bigint; symbol?: string }>;
  /** Registered operators the deploy's node step gives a node each, of equal weight (default: none). */
  operators?: readonly string[];
}

/** The LRT `deployTestLRT` deployed; `entryPoints` by asset address. */
export interface TestLRT {
  token: LiquidRestakingToken;
  manager: LRTManager;
  entryPoints: Record<string, LRTAssetVault>;
  addresses: DeployedLRT["addresses"];
}

/**
 * The LRT on `core`, deployed by the deploy script's LRT part (deploy/lrt.ts `deployPlannedLRT`, in memory) with the
 * in-process chain's plan (name, symbol, price feed) and the tests' parameters: the manager's initial policy (no
 * buffer, no fees), no demo operator, and `admin` standing for the timelock (it keeps every role, owns the node
 * beacon and administers the price feed: the tests' runs stop before the hand-over).
 */
export async function deployTestLRT(admin: Signer, core: CoreContracts, p: TestLRTParams): Promise<TestLRT> {
  const symbolOf = (a: { asset: string; symbol?: string }): string => a.symbol ?? a.asset;
  const plan: LRTManagerPlan = {
    ...resolveDeployPlan("hardhat", {}).lrt,
    treasury: p.treasury,
    rewardsReceiver: p.rewardsReceiver,
    protocolFeeBps: 0n,
    bufferBps: 0n,
    baseFeeBps: 0n,
    maxFeeBps: 0n,
    assets: p.assets.map((a) => ({ symbol: symbolOf(a), cap: a.cap })),
    operators: [...(p.operators ?? [])],
    demoOperators: 0,
  };
  const d = await deployPlannedLRT(
    await memoryRunner(admin),
    admin,
    plan,
    {
      vault: await core.vault.getAddress(),
      registry: await core.registry.getAddress(),
      slashingManager: await core.slashingManager.getAddress(),
      rewardDistributor: await core.rewardDistributor.getAddress(),
      timelock: await admin.getAddress(),
      assets: new Map(p.assets.map((a) => [symbolOf(a), a.asset])),
      rewardTokens: new Map(),
      oracle: p.oracle,
    },
    [],
  );
  const entryPoints: Record<string, LRTAssetVault> = {};
  for (const a of p.assets) {
    const entryPoint = d.entryPoints.get(symbolOf(a));
    if (entryPoint === undefined) throw new Error(`no entry point for ${symbolOf(a)}`);
    entryPoints[a.asset] = entryPoint;
  }
  return { token: d.token, manager: d.manager, entryPoints, addresses: d.addresses };
}

/**
 * The names the LRT's steps (sdk/lrt.ts `deployLRTSteps`) record its contracts under, in deployment order, for an LRT
 * whose accepted assets' records are named `symbols`: what the deploy's record and `deployLRT`'s runner must hold.
 */
export function lrtRecordNames(symbols: readonly string[]): string[] {
  return [
    "LiquidRestakingTokenImpl",
    "lrt",
    "LRTNodeImpl",
    "lrtNodeBeacon",
    "LRTValuation",
    "LRTRisk",
    "LRTOperations",
    "LRTManagerImpl",
    "lrtManager",
    ...symbols.map((symbol) => `lrtEntryPoint:${symbol}`),
  ];
}

export async function lrtFixture(): Promise<LRTFixture> {
  const f = await stakingFixture();
  const signers = await ethers.getSigners();
  const [op3, op4, treasury, rewardsReceiver] = [signers[11], signers[12], signers[13], signers[14]];
  for (const op of [f.operator2, op3, op4]) {
    await (await f.registry.connect(op).registerAsOperator("ipfs://op", 1_000, ethers.ZeroAddress)).wait();
  }
  const operators = [f.operator1, f.operator2, op3, op4];
  const oracle = await new MockLRTOracle__factory(f.admin).deploy();
  const [stETHAddress, rETHAddress] = [f.assetAddresses[0], f.assetAddresses[1]];
  await (await oracle.setPrice(stETHAddress, STETH_PRICE)).wait();
  await (await oracle.setPrice(rETHAddress, RETH_PRICE)).wait();
  const d = await deployTestLRT(f.admin, f, {
    oracle: await oracle.getAddress(),
    treasury: treasury.address,
    rewardsReceiver: rewardsReceiver.address,
    assets: [
      { symbol: "stETH", asset: stETHAddress, cap: LRT_CAP },
      { symbol: "rETH", asset: rETHAddress, cap: LRT_CAP },
    ],
    operators: operators.map((op) => op.address),
  });
  const stETHVault = d.entryPoints[stETHAddress];
  const rETHVault = d.entryPoints[rETHAddress];
  for (const s of f.stakers) {
    await (await f.stETH.connect(s).approve(await stETHVault.getAddress(), ethers.MaxUint256)).wait();
    await (await f.rETH.connect(s).approve(await rETHVault.getAddress(), ethers.MaxUint256)).wait();
  }
  return {
    ...f,
    operators,
    oracle,
    lrt: d.token,
    manager: d.manager,
    stETHVault,
    rETHVault,
    stETHAddress,
    rETHAddress,
    managerAddress: d.addresses.manager,
    beaconAddress: d.addresses.beacon,
    priceFeedAddress: d.addresses.priceFeed,
    treasury,
    rewardsReceiver,
  };
}

export async function lrtSlashFixture(): Promise<LRTSlashFixture> {
  const f = await lrtFixture();
  const signers = await ethers.getSigners();
  const [avs, slasher, committee] = [signers[15], signers[16], signers[17]];
  await (
    await f.slashingManager.connect(avs).registerAVS("ipfs://avs", {
      slasher: slasher.address,
      vetoCommittee: committee.address,
      vetoWindow: Number(VETO_WINDOW),
      maxSlashWad: WAD / 2n,
      recipient: ethers.ZeroAddress,
      registrar: ethers.ZeroAddress,
      assets: [f.stETHAddress, f.rETHAddress],
    })
  ).wait();
  for (const op of f.operators) {
    await (await f.slashingManager.connect(op).registerOperatorToAVS(avs.address, "0x")).wait();
    for (const a of [f.stETHAddress, f.rETHAddress]) {
      await (await f.slashingManager.connect(op).modifyAllocation(avs.address, a, WAD / 2n)).wait();
    }
  }
  await time.increase(await f.slashingManager.allocationDelay());
  return { ...f, avs, slasher, committee };
}

/** The exit (or entry) rate the contracts compute: value of 1e18 LRT with the virtual offsets, rounded down. */
export function rateOf(totalValue: bigint, supply: bigint): bigint {
  return (WAD * (totalValue + VIRTUAL_VALUE)) / (supply + VIRTUAL_SHARES);
}

/** LRT shares minted for `value` wei entering at total value `totalValue` and supply `supply`. */
export function sharesFor(value: bigint, totalValue: bigint, supply: bigint): bigint {
  return (value * (supply + VIRTUAL_SHARES)) / (totalValue + VIRTUAL_VALUE);
}

/** Value of `shares` (rounded down) at total value `totalValue` and supply `supply`. */
export function valueOf(shares: bigint, totalValue: bigint, supply: bigint): bigint {
  return (shares * (totalValue + VIRTUAL_VALUE)) / (supply + VIRTUAL_SHARES);
}

/** The libraries linked into the manager's current implementation (read from its code at the link positions). */
export async function managerLibraries(f: LRTFixture): Promise<LRTManagerLibraryAddresses> {
  const implementation = ethers.getAddress(
    ethers.dataSlice(await ethers.provider.getStorage(f.managerAddress, ERC1967_IMPLEMENTATION_SLOT), 12),
  );
  const code = await ethers.provider.getCode(implementation);
  const { deployedLinkReferences } = await artifacts.readArtifact("LRTManager");
  const libraries: Record<string, string> = {};
  for (const [file, byName] of Object.entries(deployedLinkReferences)) {
    for (const [name, [{ start, length }]] of Object.entries(byName)) {
      libraries[`${file}:${name}`] = ethers.getAddress(ethers.dataSlice(code, start, start + length));
    }
  }
  const linked = (name: keyof LRTManagerLibraryAddresses): string => {
    const address = libraries[name];
    if (address === undefined) throw new Error(`${name} is not linked into the manager`);
    return address;
  };
  return {
    "contracts/lrt/LRTOperations.sol:LRTOperations": linked("contracts/lrt/LRTOperations.sol:LRTOperations"),
    "contracts/lrt/LRTValuation.sol:LRTValuation": linked("contracts/lrt/LRTValuation.sol:LRTValuation"),
    "contracts/lrt/LRTRisk.sol:LRTRisk": linked("contracts/lrt/LRTRisk.sol:LRTRisk"),
  };
}
