/**
 * `loadFixture` fixtures of the reward distributor, built on sdk/deploy.ts `deployCore` (vault, registry, slashing
 * manager and distributor behind their proxies, wired together; `admin` keeps every role).
 *
 * test/helpers/fixtures.ts (the vault's fixtures) drops the distributor from what it returns and gives operator2 a
 * delegation approver (every delegation to it needs a signature), so the reward tests use their own fixture:
 *
 *   rewardsFixture    2 listed assets (stETH, rETH); operator1 (10% commission) and operator2 (5%), both without a
 *                     delegation approver; 5 stakers funded and approved; 3 allowed reward tokens minted to `funder`
 *                     and approved for the distributor, each listed with the least minimum funding addRewardToken
 *                     accepts (FIXTURE_MIN_FUNDING, 1 wei: a token can no longer be listed without one), so that the
 *                     tests can still fund single wei; a test that needs a larger minimum sets it (setMinFunding).
 *                     Withdrawal delay: the vault's default (7 days).
 *   scenarioFixture   rewardsFixture with the withdrawal delay at its minimum (4 days), so that random scenarios
 *                     complete withdrawals often.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import { deployCore } from "../../sdk/deploy";
import { PAUSE_GROUP, WAD } from "../../sdk/views";
import {
  MockERC20__factory,
  RewardsStateReader__factory,
  type MockERC20,
  type RewardsStateReader,
  type OperatorRegistry,
  type RestakingVault,
  type RewardDistributor,
} from "../../typechain-types";

export { WAD };
export const HOUR = 3_600n;
export const DAY = 24n * HOUR;
export const ZERO_ADDRESS = ethers.ZeroAddress;

/** RewardDistributor constants (restated here, not read from the contract). */
export const MIN_DURATION = HOUR;
export const MAX_DURATION = 365n * DAY;
export const MAX_STREAMS_PER_POOL = 8n;
export const MAX_REWARD_TOKENS = 255n;
/**
 * The minimum funding the fixture lists each reward token with: the least non-zero one. A remainder worth less than
 * a wei is then dust (any later funding may reschedule it); every larger one is guarded by the rolling rule.
 */
export const FIXTURE_MIN_FUNDING = 1n;
/** Distributor pause groups (bit positions). */
export const RD_GROUP = PAUSE_GROUP.RewardDistributor;

export const OPERATOR1_BPS = 1_000n;
export const OPERATOR2_BPS = 500n;
export const MAX_COMMISSION_BPS = 5_000n;
export const COMMISSION_DELAY_BUFFER = DAY;
export const DEFAULT_WITHDRAWAL_DELAY = 7n * DAY;
export const MIN_WITHDRAWAL_DELAY = 4n * DAY;

export const ASSET_CAP = 10n ** 30n;
export const STAKER_FUNDS = 1_000_000n * WAD;
export const FUNDER_FUNDS = 10n ** 30n;

export const ROLES = {
  DEFAULT_ADMIN: ethers.ZeroHash,
  PAUSER: ethers.id("PAUSER_ROLE"),
  REWARDS_ADMIN: ethers.id("REWARDS_ADMIN_ROLE"),
} as const;

/** An empty approver signature for `delegateTo` (no operator in these fixtures has an approver). */
export const NO_SIGNATURE = { signature: "0x", expiry: 0n };
export const ZERO_SALT = ethers.ZeroHash;

export interface RewardsFixture {
  admin: HardhatEthersSigner;
  operator1: HardhatEthersSigner;
  operator2: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
  dave: HardhatEthersSigner;
  erin: HardhatEthersSigner;
  /** alice, bob, carol, dave, erin: funded with both assets, vault approved, undelegated. */
  stakers: HardhatEthersSigner[];
  /** Holds FUNDER_FUNDS of every reward token and has approved the distributor. */
  funder: HardhatEthersSigner;
  /** No role, no stake, no tokens. */
  outsider: HardhatEthersSigner;
  vault: RestakingVault;
  registry: OperatorRegistry;
  distributor: RewardDistributor;
  vaultAddress: string;
  registryAddress: string;
  distributorAddress: string;
  /** stETH, rETH in listing (index) order. */
  assets: MockERC20[];
  assetAddresses: string[];
  /** A token that is neither a vault asset nor a reward token. */
  stray: MockERC20;
  strayAddress: string;
  /** RWA, RWB, RWC, allowed in this order (ids 0, 1, 2). */
  rewardTokens: MockERC20[];
  rewardTokenAddresses: string[];
  /** The minimum funding each reward token was listed with (FIXTURE_MIN_FUNDING), in the same order. */
  rewardTokenMinFundings: bigint[];
  /** Test-only batch reader of the views a scenario compares after every step. */
  reader: RewardsStateReader;
}

export async function deployMockToken(deployer: HardhatEthersSigner, symbol: string): Promise<MockERC20> {
  const token = await new MockERC20__factory(deployer).deploy(symbol, symbol, 18);
  await token.waitForDeployment();
  return token;
}

export async function rewardsFixture(): Promise<RewardsFixture> {
  const [admin, operator1, operator2, alice, bob, carol, dave, erin, funder, outsider] =
    await ethers.getSigners();
  const stakers = [alice, bob, carol, dave, erin];
  const { contracts, addresses } = await deployCore(admin);
  const { vault, registry, rewardDistributor: distributor } = contracts;

  const assets = [await deployMockToken(admin, "stETH"), await deployMockToken(admin, "rETH")];
  const assetAddresses = await Promise.all(assets.map((a) => a.getAddress()));
  for (const asset of assetAddresses) await (await vault.addAsset(asset, ASSET_CAP)).wait();
  for (const asset of assets) {
    for (const account of [...stakers, operator1, operator2]) {
      await (await asset.mint(account.address, STAKER_FUNDS)).wait();
      await (await asset.connect(account).approve(addresses.vault, ethers.MaxUint256)).wait();
    }
  }

  const rewardTokens = [
    await deployMockToken(admin, "RWA"),
    await deployMockToken(admin, "RWB"),
    await deployMockToken(admin, "RWC"),
  ];
  const rewardTokenAddresses = await Promise.all(rewardTokens.map((t) => t.getAddress()));
  for (const token of rewardTokens) {
    await (await distributor.addRewardToken(await token.getAddress(), FIXTURE_MIN_FUNDING)).wait();
    await (await token.mint(funder.address, FUNDER_FUNDS)).wait();
    await (await token.connect(funder).approve(addresses.rewardDistributor, ethers.MaxUint256)).wait();
  }
  const stray = await deployMockToken(admin, "STRAY");
  const reader = await new RewardsStateReader__factory(admin).deploy();
  await reader.waitForDeployment();

  await (
    await registry.connect(operator1).registerAsOperator("ipfs://op1", OPERATOR1_BPS, ZERO_ADDRESS)
  ).wait();
  await (
    await registry.connect(operator2).registerAsOperator("ipfs://op2", OPERATOR2_BPS, ZERO_ADDRESS)
  ).wait();

  return {
    admin,
    operator1,
    operator2,
    alice,
    bob,
    carol,
    dave,
    erin,
    stakers,
    funder,
    outsider,
    vault,
    registry,
    distributor,
    vaultAddress: addresses.vault,
    registryAddress: addresses.registry,
    distributorAddress: addresses.rewardDistributor,
    assets,
    assetAddresses,
    stray,
    strayAddress: await stray.getAddress(),
    rewardTokens,
    rewardTokenAddresses,
    rewardTokenMinFundings: rewardTokenAddresses.map(() => FIXTURE_MIN_FUNDING),
    reader,
  };
}

export async function scenarioFixture(): Promise<RewardsFixture> {
  const f = await rewardsFixture();
  await (await f.vault.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
  return f;
}

/** A mined transaction and the timestamp of its block. */
export interface Mined {
  receipt: ContractTransactionReceipt;
  timestamp: bigint;
}

/** Waits for `tx` and returns its receipt and its block's timestamp (throws if it reverted). */
export async function mined(
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
): Promise<Mined> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  const block = await receipt.getBlock();
  return { receipt, timestamp: BigInt(block.timestamp) };
}

/** The latest block's timestamp. */
export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

/** Makes the next block's timestamp `latest + gap` (gap >= 1) and returns it. */
export async function nextBlockIn(gap: bigint): Promise<bigint> {
  const t = (await now()) + gap;
  await time.setNextBlockTimestamp(t);
  return t;
}
