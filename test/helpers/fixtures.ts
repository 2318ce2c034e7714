/**
 * Reusable `loadFixture` fixtures of the core staking layer. They run the deploy script's own steps (issue #11: what
 * is tested is what is deployed): sdk/deploy.ts `deployCoreSteps` (through `deployCore`, on an in-memory runner) and
 * deploy/protocol.ts `listAssetSteps`, the functions deploy/protocol.ts `deployProtocol` runs with its recording
 * runner. They stop before the hand-over (and deploy no timelock): signers[0] (`admin`) keeps every role the tests use,
 * as the deployer does until `deployProtocol` hands the roles to the timelock (tested by test/deploy/deploy.test.ts).
 *
 * Each fixture builds on the previous one by calling it directly (only `loadFixture` caches):
 *   coreFixture            the deploy's core steps: vault, registry, slashing manager and reward distributor behind
 *                          ERC-1967 proxies, wired together; admin = signers[0]
 *   stakingFixture         + stETH, rETH, cbETH (18-decimal MockERC20s) listed with caps by the deploy's listing steps;
 *                          stakers funded and approved; operator1 registered (10% commission, no delegation approver)
 *   twoOperatorsFixture    + operator2 registered (5% commission, EOA delegation approver `approver`)
 *   slashingFixture        + MockSlashingCaller set as the vault's slashing manager (replaces the SlashingManager)
 *   rewardsHookFixture     + MockRewardsHook set as the vault's rewards hook (replaces the RewardDistributor)
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployCore, memoryRunner, type CoreAddresses } from "../../sdk/deploy";
import { listAssetSteps } from "../../deploy/protocol";
import {
  MockERC20__factory,
  MockRewardsHook__factory,
  MockSlashingCaller__factory,
  type MockERC20,
  type MockRewardsHook,
  type MockSlashingCaller,
  type OperatorRegistry,
  type RestakingVault,
  type RewardDistributor,
  type SlashingManager,
} from "../../typechain-types";
import { PAUSE_GROUP, WAD, withdrawalId } from "../../sdk/views";

/* 1e18 and withdrawal ids come from the sdk (sdk/views.ts), the same code the scripts and tasks use. */
export { WAD, withdrawalId };
export const HOUR = 3_600n;
export const DAY = 24n * HOUR;
export const DEFAULT_WITHDRAWAL_DELAY = 7n * DAY;
export const MIN_WITHDRAWAL_DELAY = 4n * DAY;
export const MAX_WITHDRAWAL_DELAY = 30n * DAY;
export const COMMISSION_DELAY_BUFFER = DAY;
export const MAX_ASSETS = 16n;
export const MAX_COMMISSION_BPS = 5_000n;

/** Deposit cap of every fixture asset. */
export const ASSET_CAP = 10_000n * WAD;
/** Balance of every fixture asset minted to every staker. */
export const STAKER_FUNDS = 1_000n * WAD;

export const OPERATOR1_COMMISSION_BPS = 1_000n;
export const OPERATOR2_COMMISSION_BPS = 500n;
export const OPERATOR1_METADATA = "ipfs://operator-1";
export const OPERATOR2_METADATA = "ipfs://operator-2";

/** Vault pause groups (bit positions; sdk/views.ts PAUSE_GROUP). */
export const VAULT_GROUP = PAUSE_GROUP.RestakingVault;
/** Registry pause groups (bit positions; sdk/views.ts PAUSE_GROUP). */
export const REGISTRY_GROUP = PAUSE_GROUP.OperatorRegistry;

export const ROLES = {
  DEFAULT_ADMIN: ethers.ZeroHash,
  PAUSER: ethers.id("PAUSER_ROLE"),
  ASSET_ADMIN: ethers.id("ASSET_ADMIN_ROLE"),
} as const;

/** A pool as `vault.pool(operator, asset)` returns it: IRestakingVault.Pool in struct order. */
export type PoolTuple = [bigint, bigint, boolean, bigint, bigint, bigint];

/**
 * The expected `vault.pool(operator, asset)` (IRestakingVault.Pool: totalAssets, totalShares, fullySlashed,
 * queuedShares, pendingSlash, pendingRequests), from its fields in the order (totalAssets, totalShares, queuedShares,
 * pendingSlash, pendingRequests, fullySlashed). `pendingRequests` counts the pending slash requests with a reservation
 * on the pool; `fullySlashed` closes it to entries for good.
 */
export function poolOf(
  totalAssets: bigint,
  totalShares: bigint,
  queuedShares: bigint,
  pendingSlash: bigint,
  pendingRequests = 0n,
  fullySlashed = false,
): PoolTuple {
  return [totalAssets, totalShares, fullySlashed, queuedShares, pendingSlash, pendingRequests];
}

/** The bytes32 module key of `ModuleSet`. */
export function moduleKey(name: "registry" | "slashingManager" | "rewardsHook"): string {
  return ethers.encodeBytes32String(name);
}

/** Named accounts. `stakers` are funded and have approved the vault for every fixture asset. */
export interface Actors {
  admin: HardhatEthersSigner;
  operator1: HardhatEthersSigner;
  operator2: HardhatEthersSigner;
  /** EOA delegation approver of operator2 (from twoOperatorsFixture on). */
  approver: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  erin: HardhatEthersSigner;
  /** alice, bob, carol, dave, erin. */
  stakers: HardhatEthersSigner[];
  /** An account a staker may name as withdrawer. */
  withdrawer: HardhatEthersSigner;
  /** An account with no role and no stake. */
  outsider: HardhatEthersSigner;
}

export interface CoreFixture extends Actors {
  vault: RestakingVault;
  registry: OperatorRegistry;
  slashingManager: SlashingManager;
  rewardDistributor: RewardDistributor;
  addresses: CoreAddresses;
  vaultAddress: string;
  registryAddress: string;
}

export interface StakingFixture extends CoreFixture {
  stETH: MockERC20;
  rETH: MockERC20;
  cbETH: MockERC20;
  /** stETH, rETH, cbETH in listing (index) order. */
  tokens: MockERC20[];
  /** Their addresses, in listing order. */
  assetAddresses: string[];
}

export type TwoOperatorsFixture = StakingFixture;

export interface SlashingFixture extends TwoOperatorsFixture {
  slasher: MockSlashingCaller;
  slasherAddress: string;
}

export interface RewardsHookFixture extends TwoOperatorsFixture {
  hook: MockRewardsHook;
  hookAddress: string;
}

export async function getActors(): Promise<Actors> {
  const s = await ethers.getSigners();
  const [admin, operator1, operator2, approver, alice, bob, carol, dave, erin, withdrawer, outsider] = s;
  return {
    admin,
    operator1,
    operator2,
    approver,
    alice,
    bob,
    carol,
    dave,
    erin,
    stakers: [alice, bob, carol, dave, erin],
    withdrawer,
    outsider,
  };
}

/** The core contracts behind their proxies, wired together by the deploy's core steps (`deployCore`); no asset
 * listed; signers[0] holds every role. */
export async function coreFixture(): Promise<CoreFixture> {
  const actors = await getActors();
  const { contracts, addresses } = await deployCore(actors.admin);
  return {
    ...actors,
    vault: contracts.vault,
    registry: contracts.registry,
    slashingManager: contracts.slashingManager,
    rewardDistributor: contracts.rewardDistributor,
    addresses,
    vaultAddress: addresses.vault,
    registryAddress: addresses.registry,
  };
}

/** Deploys an 18-decimal MockERC20. */
export async function deployToken(
  deployer: HardhatEthersSigner,
  name: string,
  symbol: string,
  decimals = 18,
): Promise<MockERC20> {
  const token = await new MockERC20__factory(deployer).deploy(name, symbol, decimals);
  await token.waitForDeployment();
  return token;
}

/** Mints `amount` of `token` to `account` and approves the vault for the maximum. */
export async function fundAndApprove(
  token: MockERC20,
  account: HardhatEthersSigner,
  vaultAddress: string,
  amount: bigint,
): Promise<void> {
  await (await token.mint(account.address, amount)).wait();
  await (await token.connect(account).approve(vaultAddress, ethers.MaxUint256)).wait();
}

/** Three assets listed by the deploy's listing steps, funded stakers, operator1 registered. */
export async function stakingFixture(): Promise<StakingFixture> {
  const core = await coreFixture();
  const { admin, vaultAddress, registry, operator1, operator2 } = core;
  const stETH = await deployToken(admin, "Lido Staked Ether", "stETH");
  const rETH = await deployToken(admin, "Rocket Pool ETH", "rETH");
  const cbETH = await deployToken(admin, "Coinbase Wrapped Staked ETH", "cbETH");
  const tokens = [stETH, rETH, cbETH];
  const assetAddresses = await Promise.all(tokens.map((t) => t.getAddress()));
  const symbols = ["stETH", "rETH", "cbETH"];
  await listAssetSteps(
    await memoryRunner(admin),
    admin,
    symbols.map((symbol, i) => ({ symbol, address: assetAddresses[i]!, decimals: 18, cap: ASSET_CAP })),
    [],
    core.addresses,
  );
  for (const token of tokens) {
    for (const account of [...core.stakers, operator1, operator2, core.approver]) {
      await fundAndApprove(token, account, vaultAddress, STAKER_FUNDS);
    }
  }
  await (
    await registry
      .connect(operator1)
      .registerAsOperator(OPERATOR1_METADATA, OPERATOR1_COMMISSION_BPS, ethers.ZeroAddress)
  ).wait();
  return { ...core, stETH, rETH, cbETH, tokens, assetAddresses };
}

/** stakingFixture + operator2 registered with the EOA `approver` as delegation approver. */
export async function twoOperatorsFixture(): Promise<TwoOperatorsFixture> {
  const f = await stakingFixture();
  await (
    await f.registry
      .connect(f.operator2)
      .registerAsOperator(OPERATOR2_METADATA, OPERATOR2_COMMISSION_BPS, f.approver.address)
  ).wait();
  return f;
}

/** twoOperatorsFixture + a MockSlashingCaller as the vault's slashing manager. */
export async function slashingFixture(): Promise<SlashingFixture> {
  const f = await twoOperatorsFixture();
  const slasher = await new MockSlashingCaller__factory(f.admin).deploy(f.vaultAddress);
  await slasher.waitForDeployment();
  const slasherAddress = await slasher.getAddress();
  await (await f.vault.setSlashingManager(slasherAddress)).wait();
  return { ...f, slasher, slasherAddress };
}

/** twoOperatorsFixture + a MockRewardsHook as the vault's rewards hook. */
export async function rewardsHookFixture(): Promise<RewardsHookFixture> {
  const f = await twoOperatorsFixture();
  const hook = await new MockRewardsHook__factory(f.admin).deploy();
  await hook.waitForDeployment();
  const hookAddress = await hook.getAddress();
  await (await f.vault.setRewardsHook(hookAddress)).wait();
  return { ...f, hook, hookAddress };
}
