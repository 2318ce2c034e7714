/**
 * The shared behaviours of test/behaviours (upgrades, pause groups, role checks) applied to the RewardDistributor.
 * Its unit tests (RewardDistributor.test.ts) keep what only the distributor does.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployCore, type CoreAddresses } from "../../sdk/deploy";
import { PAUSE_GROUP } from "../../sdk/views";
import {
  RewardDistributor__factory,
  type MockERC20,
  type OperatorRegistry,
  type RestakingVault,
  type RewardDistributor,
} from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import type { ExpectedEvent } from "../behaviours/common";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import { ASSET_CAP, DAY, WAD, deployToken, fundAndApprove } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";

/** DISTRIBUTOR_STORAGE_LOCATION as declared in RewardDistributor.sol (its ERC-7201 namespace). */
const DISTRIBUTOR_STORAGE_LOCATION = "0xa453a1c92dd3a38b2f52fb284182f59d1a1f8da036b0ad897e6bff7ee1897f00";
/** Distributor pause groups (bit positions), restated from the contract. */
const GROUP = PAUSE_GROUP.RewardDistributor;
const ROLES = {
  PAUSER: ethers.id("PAUSER_ROLE"),
  REWARDS_ADMIN: ethers.id("REWARDS_ADMIN_ROLE"),
} as const;

const OPERATOR_BPS = 1_000n;
const STAKE = 100n * WAD;
const FUNDING = 1_000n * WAD;
/** The minimum funding RWA is listed with (addRewardToken requires one). */
const MIN_FUNDING = WAD;
const DURATION = 10n * DAY;

interface DistributorFixture {
  admin: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  funder: HardhatEthersSigner;
  /** alice's claimer. */
  claimer: HardhatEthersSigner;
  /** Holds PAUSER_ROLE only. */
  pauser: HardhatEthersSigner;
  /** Holds REWARDS_ADMIN_ROLE only. */
  rewardsAdmin: HardhatEthersSigner;
  /** Holds no role, no stake, no token. */
  outsider: HardhatEthersSigner;
  vault: RestakingVault;
  registry: OperatorRegistry;
  distributor: RewardDistributor;
  addresses: CoreAddresses;
  stETH: MockERC20;
  stETHAddress: string;
  /** The allowed reward token. */
  rwa: string;
  /** A token that is not allowed. */
  other: string;
}

/**
 * deployCore, stETH listed, `operator` registered (10% commission), alice delegated to it with 100 stETH, RWA allowed
 * (minimum funding 1 RWA) and 1,000 RWA funded to the (operator, stETH) pool over 10 days, 5 days ago: alice has rewards to claim, the
 * operator a commission, and the stream can be topped up. alice named `claimer`; a pauser and a rewards admin that are
 * not the admin.
 */
async function distributorFixture(): Promise<DistributorFixture> {
  const [admin, operator, alice, funder, claimer, pauser, rewardsAdmin, outsider] = await ethers.getSigners();
  const { contracts, addresses } = await deployCore(admin);
  const { vault, registry, rewardDistributor: distributor } = contracts;

  const stETH = await deployToken(admin, "Lido Staked Ether", "stETH");
  const stETHAddress = await stETH.getAddress();
  await (await vault.addAsset(stETHAddress, ASSET_CAP)).wait();
  await (
    await registry.connect(operator).registerAsOperator("ipfs://operator", OPERATOR_BPS, ethers.ZeroAddress)
  ).wait();
  await fundAndApprove(stETH, alice, addresses.vault, 10n * STAKE);
  await (await registry.connect(alice).delegateTo(operator.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await vault.connect(alice).deposit(stETHAddress, STAKE, 0n)).wait();

  const rwa = await deployToken(admin, "Reward A", "RWA");
  const rwaAddress = await rwa.getAddress();
  await (await distributor.addRewardToken(rwaAddress, MIN_FUNDING)).wait();
  await (await rwa.mint(funder.address, 10n * FUNDING)).wait();
  await (await rwa.connect(funder).approve(addresses.rewardDistributor, ethers.MaxUint256)).wait();
  await (
    await distributor
      .connect(funder)
      .fundRewards(operator.address, stETHAddress, rwaAddress, FUNDING, DURATION)
  ).wait();
  await time.increase(DURATION / 2n);

  await (await distributor.connect(alice).setClaimer(claimer.address)).wait();
  await (await distributor.grantRole(ROLES.PAUSER, pauser.address)).wait();
  await (await distributor.grantRole(ROLES.REWARDS_ADMIN, rewardsAdmin.address)).wait();
  const other = await deployToken(admin, "Reward B", "RWB");

  return {
    admin,
    operator,
    alice,
    funder,
    claimer,
    pauser,
    rewardsAdmin,
    outsider,
    vault,
    registry,
    distributor,
    addresses,
    stETH,
    stETHAddress,
    rwa: rwaAddress,
    other: await other.getAddress(),
  };
}

describe("RewardDistributor (shared behaviours)", function () {
  shouldBehaveLikeProtocolUpgradeable(async () => {
    const f = await loadFixture(distributorFixture);
    const { distributor } = f;
    return {
      proxy: distributor,
      admin: f.admin,
      nonAdmin: f.outsider,
      deployImplementation: () =>
        new RewardDistributor__factory(f.admin).deploy(f.addresses.vault, f.addresses.registry),
      initializerData: distributor.interface.encodeFunctionData("initialize", [f.outsider.address]),
      // What does not move with the clock (pending rewards and reward per share grow between two blocks).
      stateProbe: async () => ({
        vault: await distributor.vault(),
        tokens: await distributor.rewardTokens(),
        streams: (await distributor.poolStreams(f.operator.address, f.stETHAddress)).map((s) => [
          s.token,
          s.rate,
          s.periodFinish,
        ]),
        commission: await distributor.pendingCommission(f.operator.address, f.rwa),
        claimer: await distributor.claimerOf(f.alice.address),
        aliceEarns: (await distributor.pendingRewards(f.alice.address, f.rwa)) > 0n,
      }),
      namespace: {
        id: "restaking.storage.RewardDistributor",
        location: DISTRIBUTOR_STORAGE_LOCATION,
        // DistributorStorage: pausedGroups, then the token list (address[]), whose elements start at keccak256(slot).
        field: {
          name: "DistributorStorage.tokens[0]",
          slot: (base) =>
            BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [base + 1n]))),
          byteOffset: 0,
          byteLength: 20,
          read: async () => BigInt((await distributor.rewardTokens())[0]),
        },
      },
    };
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(distributorFixture);
    const { distributor } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: distributor, name });
    return {
      contract: distributor,
      strangers: [f.outsider, f.alice, f.operator, f.funder],
      holders: { DEFAULT_ADMIN_ROLE: f.admin, PAUSER_ROLE: f.pauser, REWARDS_ADMIN_ROLE: f.rewardsAdmin },
      calls: [
        {
          name: "addRewardToken",
          role: "REWARDS_ADMIN_ROLE",
          call: (a) => distributor.connect(a).addRewardToken(f.other, MIN_FUNDING),
          emits: emits("RewardTokenAdded"),
        },
        {
          name: "setRewardTokenEnabled",
          role: "REWARDS_ADMIN_ROLE",
          call: (a) => distributor.connect(a).setRewardTokenEnabled(f.rwa, false),
          emits: emits("RewardTokenEnabledSet"),
        },
        {
          name: "setMinFunding",
          role: "REWARDS_ADMIN_ROLE",
          call: (a) => distributor.connect(a).setMinFunding(f.rwa, 2n * MIN_FUNDING),
          emits: emits("MinFundingSet"),
        },
        {
          name: "pause",
          role: "PAUSER_ROLE",
          call: (a) => distributor.connect(a).pause(1n << GROUP.FUNDING),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "unpause",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => distributor.connect(a).unpause(1n << GROUP.FUNDING),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "upgradeToAndCall",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) =>
            distributor.connect(a).upgradeToAndCall(f.addresses.implementations.RewardDistributor, "0x"),
          emits: emits("Upgraded"),
        },
        {
          name: "grantRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => distributor.connect(a).grantRole(ROLES.REWARDS_ADMIN, f.claimer.address),
          emits: emits("RoleGranted"),
        },
        {
          name: "revokeRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => distributor.connect(a).revokeRole(ROLES.PAUSER, f.pauser.address),
          emits: emits("RoleRevoked"),
        },
      ],
    };
  });

  shouldBehaveLikePausableGroups(async () => {
    const f = await loadFixture(distributorFixture);
    const { distributor, operator, alice } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: distributor, name });
    // A top-up of the running stream over a full new period: it ends later and streams faster, as a roll must.
    const topUp = {
      operator: operator.address,
      asset: f.stETHAddress,
      token: f.rwa,
      amount: FUNDING,
      duration: DURATION,
    };
    return {
      contract: distributor,
      pauser: f.pauser,
      admin: f.admin,
      stranger: f.outsider,
      groups: [
        {
          name: "GROUP_FUNDING",
          index: GROUP.FUNDING,
          calls: [
            {
              name: "fundRewards",
              call: () =>
                distributor
                  .connect(f.funder)
                  .fundRewards(topUp.operator, topUp.asset, topUp.token, topUp.amount, topUp.duration),
              emits: emits("RewardsFunded"),
            },
            {
              name: "fundRewardsBatch",
              call: () => distributor.connect(f.funder).fundRewardsBatch([topUp]),
              emits: emits("RewardsFunded"),
            },
          ],
        },
        {
          name: "GROUP_CLAIMS",
          index: GROUP.CLAIMS,
          calls: [
            {
              name: "claim",
              call: () => distributor.connect(alice).claim([f.rwa], alice.address),
              emits: emits("RewardsClaimed"),
            },
            {
              name: "claimFor",
              call: () => distributor.connect(f.claimer).claimFor(alice.address, [f.rwa], f.claimer.address),
              emits: emits("RewardsClaimed"),
            },
            {
              name: "claimCommission",
              call: () => distributor.connect(operator).claimCommission([f.rwa], operator.address),
              emits: emits("CommissionClaimed"),
            },
          ],
        },
      ],
      ungrouped: [
        {
          name: "setClaimer",
          call: () => distributor.connect(alice).setClaimer(f.outsider.address),
          emits: emits("ClaimerSet"),
        },
        {
          // The vault settles alice's rewards through the hook before her shares change: a pause must not stop it.
          name: "vault.deposit -> onActiveSharesChange",
          call: async () => {
            expect((await f.vault.modules()).rewardsHook).to.equal(f.addresses.rewardDistributor);
            return f.vault.connect(alice).deposit(f.stETHAddress, WAD, 0n);
          },
          emits: { contract: f.vault, name: "Deposited" },
        },
      ],
    };
  });
});
