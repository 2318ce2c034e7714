import { expect } from "chai";
import { ethers } from "hardhat";
import {
  getStorageAt,
  loadFixture,
  setStorageAt,
  takeSnapshot,
  time,
} from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  FeeOnTransferERC20__factory,
  MockSlashingCaller__factory,
  ProtocolProxy__factory,
  ReentrantERC20__factory,
  RestakingVault__factory,
  type MockRewardsHook,
  type MockSlashingCaller,
  type RestakingVault,
  type ReentrantERC20,
} from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import type { ExpectedEvent } from "../behaviours/common";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import {
  ASSET_CAP,
  DAY,
  HOUR,
  DEFAULT_WITHDRAWAL_DELAY,
  MAX_ASSETS,
  MAX_WITHDRAWAL_DELAY,
  MIN_WITHDRAWAL_DELAY,
  ROLES,
  STAKER_FUNDS,
  VAULT_GROUP,
  WAD,
  coreFixture,
  deployToken,
  fundAndApprove,
  moduleKey,
  poolOf,
  rewardsHookFixture,
  slashingFixture,
  stakingFixture,
  twoOperatorsFixture,
  withdrawalId,
  type TwoOperatorsFixture,
} from "../helpers/fixtures";
import { VaultModel } from "../helpers/model";
import { Prng } from "../helpers/prng";
import { NO_SIGNATURE, ZERO_SALT, signPermit } from "../helpers/signatures";
import { EXIT_BUFFER } from "../helpers/slashingFixtures";
import { VIRTUAL_SHARES, mulDivDown, toAssetsDown, toSharesDown } from "../helpers/sharesMath";

const ZERO = ethers.ZeroAddress;
const REENTRANCY_SELECTOR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);
/** VAULT_STORAGE_LOCATION as declared in RestakingVault.sol (its ERC-7201 namespace). */
const VAULT_STORAGE_LOCATION = "0x3b0d83ff0b6f9bda25e57505ef788bfbe24206f89760ee55e5eb878f57154400";

/** Sets the next block's timestamp to `latest + offset` and returns it. */
async function nextTimestamp(offset = 10n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Amounts of the deposited fixture. */
const ALICE_STETH = 100n * WAD;
const ALICE_RETH = 50n * WAD;
const BOB_STETH = 200n * WAD;

/**
 * twoOperatorsFixture + alice deposits 100 stETH and 50 rETH undelegated; bob delegates to operator1 and deposits
 * 200 stETH. Pools: (0, stETH) = 100e18 / 100e24, (0, rETH) = 50e18 / 50e24, (op1, stETH) = 200e18 / 200e24.
 */
async function depositedFixture(): Promise<TwoOperatorsFixture> {
  const f = await twoOperatorsFixture();
  const [stETH, rETH] = f.assetAddresses;
  await (await f.vault.connect(f.alice).deposit(stETH, ALICE_STETH, 0n)).wait();
  await (await f.vault.connect(f.alice).deposit(rETH, ALICE_RETH, 0n)).wait();
  await (await f.registry.connect(f.bob).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await f.vault.connect(f.bob).deposit(stETH, BOB_STETH, 0n)).wait();
  return f;
}

/** What the shared behaviours (test/behaviours) run against. */
interface BehavioursFixture extends TwoOperatorsFixture {
  /** Holds PAUSER_ROLE only. */
  pauser: HardhatEthersSigner;
  /** Holds ASSET_ADMIN_ROLE only. */
  assetAdmin: HardhatEthersSigner;
  /** alice's withdrawal of 1 stETH share, ready to complete. */
  readyWithdrawal: bigint;
  /** A token that is not listed. */
  unlisted: string;
}

/**
 * depositedFixture + a pauser and an asset admin that are not the admin, and alice's withdrawal of 1 stETH share
 * queued and past the withdrawal delay.
 */
async function behavioursFixture(): Promise<BehavioursFixture> {
  const f = await depositedFixture();
  const [pauser, assetAdmin] = (await ethers.getSigners()).slice(11, 13);
  await (await f.vault.connect(f.admin).grantRole(ROLES.PAUSER, pauser.address)).wait();
  await (await f.vault.connect(f.admin).grantRole(ROLES.ASSET_ADMIN, assetAdmin.address)).wait();
  await (await f.vault.connect(f.alice).queueWithdrawal(f.assetAddresses[0], 1n)).wait();
  await time.increase(DEFAULT_WITHDRAWAL_DELAY);
  const unlisted = await deployToken(f.admin, "Extra", "EXT");
  return {
    ...f,
    pauser,
    assetAdmin,
    readyWithdrawal: withdrawalId(f.alice.address, 0n),
    unlisted: await unlisted.getAddress(),
  };
}

/** A MockSlashingCaller set as the vault's slashing manager (no request epoch: the exit gate stays open). */
async function mockManager(vault: RestakingVault, admin: HardhatEthersSigner): Promise<MockSlashingCaller> {
  const manager = await new MockSlashingCaller__factory(admin).deploy(await vault.getAddress());
  await (await vault.connect(admin).setSlashingManager(await manager.getAddress())).wait();
  return manager;
}

describe("RestakingVault", function () {
  describe("initialization", function () {
    it("grants the admin every role, sets the default delay and the modules, lists nothing", async function () {
      const { vault, admin, outsider, addresses } = await loadFixture(coreFixture);
      expect(await vault.assets()).to.deep.equal([]);
      for (const role of [ROLES.DEFAULT_ADMIN, ROLES.PAUSER, ROLES.ASSET_ADMIN]) {
        expect(await vault.hasRole(role, admin.address)).to.equal(true);
        expect(await vault.hasRole(role, outsider.address)).to.equal(false);
      }
      expect(await vault.ASSET_ADMIN_ROLE()).to.equal(ROLES.ASSET_ADMIN);
      expect(await vault.PAUSER_ROLE()).to.equal(ROLES.PAUSER);
      expect(await vault.withdrawalDelay()).to.equal(DEFAULT_WITHDRAWAL_DELAY);
      // deployCore wires the registry, the slashing manager and the reward distributor (as rewards hook)
      expect(await vault.modules()).to.deep.equal([
        addresses.registry,
        addresses.slashingManager,
        addresses.rewardDistributor,
      ]);
      expect(await vault.pausedGroups()).to.equal(0n);
    });

    it("exposes the protocol constants", async function () {
      const { vault } = await loadFixture(stakingFixture);
      expect(await vault.MAX_ASSETS()).to.equal(MAX_ASSETS);
      expect(await vault.MIN_WITHDRAWAL_DELAY()).to.equal(MIN_WITHDRAWAL_DELAY);
      expect(await vault.MAX_WITHDRAWAL_DELAY()).to.equal(MAX_WITHDRAWAL_DELAY);
      expect(await vault.DEFAULT_WITHDRAWAL_DELAY()).to.equal(DEFAULT_WITHDRAWAL_DELAY);
      expect(await vault.GROUP_DEPOSITS()).to.equal(VAULT_GROUP.DEPOSITS);
      expect(await vault.GROUP_WITHDRAWALS()).to.equal(VAULT_GROUP.WITHDRAWALS);
      expect(await vault.GROUP_DELEGATION()).to.equal(VAULT_GROUP.DELEGATION);
    });

    it("emits WithdrawalDelaySet and the role grants when a proxy is initialized", async function () {
      const { admin, outsider } = await loadFixture(stakingFixture);
      const impl = await new RestakingVault__factory(admin).deploy();
      const init = impl.interface.encodeFunctionData("initialize", [outsider.address]);
      const proxy = await new ProtocolProxy__factory(admin).deploy(await impl.getAddress(), init);
      const vault = RestakingVault__factory.connect(await proxy.getAddress(), admin);
      const tx = proxy.deploymentTransaction();
      expect(tx).to.not.equal(null);
      await expect(tx).to.emit(vault, "WithdrawalDelaySet").withArgs(DEFAULT_WITHDRAWAL_DELAY);
      await expect(tx)
        .to.emit(vault, "RoleGranted")
        .withArgs(ROLES.ASSET_ADMIN, outsider.address, admin.address);
      expect(await vault.hasRole(ROLES.DEFAULT_ADMIN, outsider.address)).to.equal(true);
      expect(await vault.hasRole(ROLES.DEFAULT_ADMIN, admin.address)).to.equal(false);
    });

    it("rejects a zero admin (ZeroAddress)", async function () {
      const { admin, vault } = await loadFixture(stakingFixture);
      const impl = await new RestakingVault__factory(admin).deploy();
      const init = impl.interface.encodeFunctionData("initialize", [ZERO]);
      await expect(
        new ProtocolProxy__factory(admin).deploy(await impl.getAddress(), init),
      ).to.be.revertedWithCustomError(vault, "ZeroAddress");
    });

    it("keeps its modules and its asset list in its ERC-7201 namespace", async function () {
      const { vault, vaultAddress, addresses, admin, assetAddresses } = await loadFixture(stakingFixture);
      const base = BigInt(VAULT_STORAGE_LOCATION);
      await (await vault.connect(admin).pause(1n)).wait();
      const words = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          getStorageAt(vaultAddress, base + BigInt(i)).then((w) => BigInt(w)),
        ),
      );
      const low160 = words.map((w) => w & ((1n << 160n) - 1n));
      for (const address of [
        addresses.registry,
        addresses.slashingManager,
        addresses.rewardDistributor,
        ...assetAddresses,
      ]) {
        expect(low160, `${address} is stored in the namespace`).to.include(BigInt(address));
      }
    });
  });

  shouldBehaveLikeProtocolUpgradeable(async () => {
    const f = await loadFixture(behavioursFixture);
    const { vault } = f;
    const [stETH] = f.assetAddresses;
    return {
      proxy: vault,
      admin: f.admin,
      nonAdmin: f.outsider,
      deployImplementation: () => new RestakingVault__factory(f.admin).deploy(),
      initializerData: vault.interface.encodeFunctionData("initialize", [f.outsider.address]),
      stateProbe: async () => ({
        alice: [...(await vault.position(f.alice.address, stETH))],
        bob: [...(await vault.position(f.bob.address, stETH))],
        assets: await vault.assets(),
        modules: [...(await vault.modules())],
        withdrawalDelay: await vault.withdrawalDelay(),
        withdrawal: [...(await vault.withdrawableAmount(f.readyWithdrawal))],
      }),
      namespace: {
        id: "restaking.storage.RestakingVault",
        location: VAULT_STORAGE_LOCATION,
        // VaultStorage: assetList (16 slots), assetCount, 6 mappings, then registry at offset 23.
        field: {
          name: "VaultStorage.registry",
          slot: (base) => base + 23n,
          byteOffset: 0,
          byteLength: 20,
          read: async () => BigInt((await vault.modules()).registry),
        },
      },
    };
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(behavioursFixture);
    const { vault } = f;
    const [stETH] = f.assetAddresses;
    const emits = (name: string): ExpectedEvent => ({ contract: vault, name });
    return {
      contract: vault,
      // every staker, operator and the registry-side accounts lack the roles, not only the outsider
      strangers: [f.outsider, f.alice, f.operator1],
      holders: { DEFAULT_ADMIN_ROLE: f.admin, PAUSER_ROLE: f.pauser, ASSET_ADMIN_ROLE: f.assetAdmin },
      calls: [
        {
          name: "addAsset",
          role: "ASSET_ADMIN_ROLE",
          call: (a) => vault.connect(a).addAsset(f.unlisted, 1n),
          emits: emits("AssetAdded"),
        },
        {
          name: "setAssetCap",
          role: "ASSET_ADMIN_ROLE",
          call: (a) => vault.connect(a).setAssetCap(stETH, 1n),
          emits: emits("AssetCapSet"),
        },
        {
          name: "setDepositsEnabled",
          role: "ASSET_ADMIN_ROLE",
          call: (a) => vault.connect(a).setDepositsEnabled(stETH, false),
          emits: emits("AssetDepositsEnabledSet"),
        },
        {
          name: "setWithdrawalDelay",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY),
          emits: emits("WithdrawalDelaySet"),
        },
        {
          name: "setRegistry",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).setRegistry(f.outsider.address),
          emits: emits("ModuleSet"),
        },
        {
          name: "setSlashingManager",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).setSlashingManager(f.outsider.address),
          emits: emits("ModuleSet"),
        },
        {
          name: "setRewardsHook",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).setRewardsHook(f.outsider.address),
          emits: emits("ModuleSet"),
        },
        {
          name: "pause",
          role: "PAUSER_ROLE",
          call: (a) => vault.connect(a).pause(1n),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "unpause",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).unpause(1n),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "upgradeToAndCall",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).upgradeToAndCall(f.addresses.implementations.RestakingVault, "0x"),
          emits: emits("Upgraded"),
        },
        {
          name: "grantRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).grantRole(ROLES.ASSET_ADMIN, f.withdrawer.address),
          emits: emits("RoleGranted"),
        },
        {
          name: "revokeRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => vault.connect(a).revokeRole(ROLES.PAUSER, f.pauser.address),
          emits: emits("RoleRevoked"),
        },
      ],
    };
  });

  shouldBehaveLikePausableGroups(async () => {
    const f = await loadFixture(behavioursFixture);
    const { vault, registry, alice, bob, carol } = f;
    const [stETH] = f.assetAddresses;
    const op1 = f.operator1.address;
    const emits = (name: string): ExpectedEvent => ({ contract: vault, name });
    return {
      contract: vault,
      pauser: f.pauser,
      admin: f.admin,
      stranger: f.outsider,
      groups: [
        {
          name: "GROUP_DEPOSITS",
          index: VAULT_GROUP.DEPOSITS,
          calls: [
            {
              name: "deposit",
              call: () => vault.connect(alice).deposit(stETH, WAD, 0n),
              emits: emits("Deposited"),
            },
            {
              name: "depositWithPermit",
              call: async () => {
                const deadline = BigInt(await time.latest()) + DAY;
                const sig = await signPermit(alice, f.stETH, f.vaultAddress, WAD, deadline);
                return vault.connect(alice).depositWithPermit(stETH, WAD, 0n, deadline, sig.v, sig.r, sig.s);
              },
              emits: emits("Deposited"),
            },
          ],
        },
        {
          name: "GROUP_WITHDRAWALS",
          index: VAULT_GROUP.WITHDRAWALS,
          calls: [
            {
              name: "queueWithdrawal",
              call: () => vault.connect(alice).queueWithdrawal(stETH, 1n),
              emits: emits("WithdrawalQueued"),
            },
            {
              name: "queueWithdrawals",
              call: () => vault.connect(alice).queueWithdrawals([stETH], [1n]),
              emits: emits("WithdrawalQueued"),
            },
            {
              name: "completeWithdrawal as tokens",
              call: () => vault.connect(alice).completeWithdrawal(f.readyWithdrawal, true, 0n),
              emits: emits("WithdrawalCompleted"),
            },
            {
              name: "completeWithdrawal as shares",
              call: () => vault.connect(alice).completeWithdrawal(f.readyWithdrawal, false, 0n),
              emits: emits("WithdrawalCompleted"),
            },
          ],
        },
        {
          // delegate and undelegate are called by the registry: delegation and operator registration stop with them.
          // undelegate queues withdrawals, so the withdrawals group stops it (and redelegation) too.
          name: "GROUP_DELEGATION",
          index: VAULT_GROUP.DELEGATION,
          calls: [
            {
              name: "registry.delegateTo -> delegate",
              call: () => registry.connect(alice).delegateTo(op1, NO_SIGNATURE, ZERO_SALT),
              emits: emits("Delegated"),
            },
            {
              name: "registry.undelegate -> undelegate",
              call: () => registry.connect(bob).undelegate(bob.address),
              emits: emits("Undelegated"),
              alsoPausedBy: [VAULT_GROUP.WITHDRAWALS],
            },
            {
              name: "registry.redelegate -> undelegate, delegate",
              call: () => registry.connect(bob).redelegate(op1, NO_SIGNATURE, ZERO_SALT),
              emits: emits("Undelegated"),
              alsoPausedBy: [VAULT_GROUP.WITHDRAWALS],
            },
            {
              name: "registry.registerAsOperator -> delegate",
              call: () => registry.connect(carol).registerAsOperator("ipfs://carol", 0, ZERO),
              emits: emits("Delegated"),
            },
          ],
        },
      ],
      ungrouped: [
        {
          name: "setWithdrawer",
          call: () => vault.connect(alice).setWithdrawer(f.withdrawer.address),
          emits: emits("WithdrawerSet"),
        },
      ],
    };
  });

  describe("pause per function group", function () {
    it("does not pause slashing: reserve, release and execute work with every group paused", async function () {
      const { vault, registry, admin, slasher, operator1, assetAddresses, bob } =
        await loadFixture(slashingFixture);
      const [asset] = assetAddresses;
      await (await registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(asset, 10n * WAD, 0n)).wait();
      await (await vault.connect(admin).pause(7n)).wait();
      // two requests: 5e18 of 10e18, then 1e18 of the 5e18 left
      await expect(slasher.reserveSlash(operator1.address, asset, 1n, 2n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, asset, 5n * WAD, 5n * WAD, 1n);
      await expect(slasher.reserveSlash(operator1.address, asset, 1n, 5n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, asset, WAD, 6n * WAD, 2n);
      await expect(slasher.releaseSlash(operator1.address, asset, WAD))
        .to.emit(vault, "SlashReleased")
        .withArgs(operator1.address, asset, WAD, 5n * WAD, 1n);
      await expect(slasher.executeSlash(operator1.address, asset, 5n * WAD))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, asset, 5n * WAD, 5n * WAD, 0n, false);
      expect(await vault.pausedGroups()).to.equal(7n);
    });

    /** depositedFixture + bob's withdrawal of 1 stETH (1e24 shares of operator1's pool), ready to complete. */
    async function pauseFixture(): Promise<TwoOperatorsFixture & { readyId: bigint }> {
      const f = await depositedFixture();
      await (await f.vault.connect(f.bob).queueWithdrawal(f.assetAddresses[0], WAD * VIRTUAL_SHARES)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      return { ...f, readyId: withdrawalId(f.bob.address, 0n) };
    }

    it("every path that queues or completes a withdrawal honours the withdrawals group: with only WITHDRAWALS paused, registry.undelegate and registry.redelegate revert GroupPaused(1), as do queueWithdrawal(s) and completeWithdrawal; with only DELEGATION paused, undelegate and redelegate revert GroupPaused(2); with nothing paused every queueing path queues", async function () {
      const { vault, registry, admin, bob, operator1, readyId, assetAddresses } =
        await loadFixture(pauseFixture);
      const [stETH] = assetAddresses;
      const op1 = operator1.address;
      const held = (BOB_STETH - WAD) * VIRTUAL_SHARES;
      const start = await takeSnapshot();
      // the vault's pause alone stops the registry's paths: the registry itself is not paused
      for (const [group, paths] of [
        [
          VAULT_GROUP.WITHDRAWALS,
          ["undelegate", "redelegate", "queueWithdrawal", "queueWithdrawals", "complete"],
        ],
        [VAULT_GROUP.DELEGATION, ["undelegate", "redelegate"]],
      ] as const) {
        await start.restore();
        await (await vault.connect(admin).pause(1n << group)).wait();
        expect(await vault.pausedGroups()).to.equal(1n << group);
        expect(await registry.pausedGroups()).to.equal(0n);
        const calls = {
          undelegate: () => registry.connect(bob).undelegate(bob.address),
          redelegate: () => registry.connect(bob).redelegate(op1, NO_SIGNATURE, ZERO_SALT),
          queueWithdrawal: () => vault.connect(bob).queueWithdrawal(stETH, 1n),
          queueWithdrawals: () => vault.connect(bob).queueWithdrawals([stETH], [1n]),
          complete: () => vault.connect(bob).completeWithdrawal(readyId, true, 0n),
        };
        for (const path of paths) {
          await expect(calls[path](), `${path} with group ${group} paused`)
            .to.be.revertedWithCustomError(vault, "GroupPaused")
            .withArgs(group);
        }
        // nothing was queued or completed
        expect(await vault.stakerInfo(bob.address)).to.deep.equal([op1, 1n, 1n]);
        expect(await vault.pool(op1, stETH)).to.deep.equal(
          poolOf(BOB_STETH, BOB_STETH * VIRTUAL_SHARES, WAD * VIRTUAL_SHARES, 0n),
        );
      }

      // nothing paused: every queueing path queues (each from the same state)
      await start.restore();
      const t = await nextTimestamp();
      const readyAt = t + DEFAULT_WITHDRAWAL_DELAY;
      const next = withdrawalId(bob.address, 1n);
      await expect(vault.connect(bob).queueWithdrawal(stETH, 1n))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(next, bob.address, op1, stETH, 1n, t, readyAt);
      await start.restore();
      await time.setNextBlockTimestamp(t);
      await expect(vault.connect(bob).queueWithdrawals([stETH], [1n]))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(next, bob.address, op1, stETH, 1n, t, readyAt);
      for (const [name, call] of [
        ["undelegate", () => registry.connect(bob).undelegate(bob.address)],
        ["redelegate", () => registry.connect(bob).redelegate(op1, NO_SIGNATURE, ZERO_SALT)],
      ] as const) {
        await start.restore();
        await time.setNextBlockTimestamp(t);
        const tx = call();
        await expect(tx, name)
          .to.emit(vault, "WithdrawalQueued")
          .withArgs(next, bob.address, op1, stETH, held, t, readyAt);
        await expect(tx, name).to.emit(vault, "Undelegated").withArgs(bob.address, op1);
      }
      await start.restore();
      await expect(vault.connect(bob).completeWithdrawal(readyId, true, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(readyId, bob.address, bob.address, op1, stETH, WAD * VIRTUAL_SHARES, WAD, true, ZERO, 0n);
    });
  });

  describe("asset listing and caps", function () {
    it("addAsset lists the asset at the next index with deposits enabled (AssetAdded)", async function () {
      const { vault, admin, assetAddresses } = await loadFixture(stakingFixture);
      const token = await deployToken(admin, "Swell ETH", "swETH");
      const asset = await token.getAddress();
      expect(await vault.isAsset(asset)).to.equal(false);
      await expect(vault.connect(admin).addAsset(asset, 123n * WAD))
        .to.emit(vault, "AssetAdded")
        .withArgs(asset, 3n, 123n * WAD);
      const c = await vault.assetConfig(asset);
      expect([c.cap, c.totalDeposited, c.index, c.listed, c.depositsEnabled]).to.deep.equal([
        123n * WAD,
        0n,
        3n,
        true,
        true,
      ]);
      expect(await vault.assets()).to.deep.equal([...assetAddresses, asset]);
      expect(await vault.assetAt(3n)).to.equal(asset);
      expect(await vault.isAsset(asset)).to.equal(true);
    });

    it("addAsset rejects the zero address, a listed asset and a cap above uint112", async function () {
      const { vault, admin, assetAddresses } = await loadFixture(stakingFixture);
      await expect(vault.connect(admin).addAsset(ZERO, 1n)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      await expect(vault.connect(admin).addAsset(assetAddresses[1], 1n))
        .to.be.revertedWithCustomError(vault, "AssetAlreadyListed")
        .withArgs(assetAddresses[1]);
      const token = await deployToken(admin, "Big", "BIG");
      await expect(vault.connect(admin).addAsset(await token.getAddress(), 1n << 112n))
        .to.be.revertedWithCustomError(vault, "SafeCastOverflowedUintDowncast")
        .withArgs(112n, 1n << 112n);
      await expect(vault.connect(admin).addAsset(await token.getAddress(), (1n << 112n) - 1n)).to.emit(
        vault,
        "AssetAdded",
      );
    });

    it("lists at most 16 assets (TooManyAssets)", async function () {
      const { vault, admin } = await loadFixture(stakingFixture);
      for (let i = 3n; i < MAX_ASSETS; i++) {
        const token = await deployToken(admin, `Asset ${i}`, `A${i}`);
        await expect(vault.connect(admin).addAsset(await token.getAddress(), 1n))
          .to.emit(vault, "AssetAdded")
          .withArgs(await token.getAddress(), i, 1n);
      }
      expect((await vault.assets()).length).to.equal(16);
      const extra = await deployToken(admin, "Seventeenth", "A16");
      await expect(vault.connect(admin).addAsset(await extra.getAddress(), 1n))
        .to.be.revertedWithCustomError(vault, "TooManyAssets")
        .withArgs(MAX_ASSETS);
    });

    it("setAssetCap sets the cap (AssetCapSet), may go below the total, and stops only new deposits", async function () {
      const { vault, admin, alice, assetAddresses } = await loadFixture(depositedFixture);
      const [asset] = assetAddresses;
      await expect(vault.connect(admin).setAssetCap(asset, 10n * WAD))
        .to.emit(vault, "AssetCapSet")
        .withArgs(asset, 10n * WAD);
      expect((await vault.assetConfig(asset)).cap).to.equal(10n * WAD);
      const total = ALICE_STETH + BOB_STETH;
      await expect(vault.connect(alice).deposit(asset, 1n, 0n))
        .to.be.revertedWithCustomError(vault, "CapExceeded")
        .withArgs(asset, 10n * WAD, total + 1n);
      await expect(vault.connect(alice).queueWithdrawal(asset, 1n)).to.emit(vault, "WithdrawalQueued");
    });

    it("setAssetCap and setDepositsEnabled revert AssetNotListed for an unlisted asset", async function () {
      const { vault, admin, outsider } = await loadFixture(stakingFixture);
      await expect(vault.connect(admin).setAssetCap(outsider.address, 1n))
        .to.be.revertedWithCustomError(vault, "AssetNotListed")
        .withArgs(outsider.address);
      await expect(vault.connect(admin).setDepositsEnabled(outsider.address, true))
        .to.be.revertedWithCustomError(vault, "AssetNotListed")
        .withArgs(outsider.address);
    });

    it("setDepositsEnabled(false) stops deposits (DepositsDisabled) but not withdrawals; true restores them", async function () {
      const { vault, admin, alice, assetAddresses, stETH } = await loadFixture(depositedFixture);
      const [asset] = assetAddresses;
      await (await vault.connect(alice).queueWithdrawal(asset, 10n ** 24n)).wait();
      await expect(vault.connect(admin).setDepositsEnabled(asset, false))
        .to.emit(vault, "AssetDepositsEnabledSet")
        .withArgs(asset, false);
      expect((await vault.assetConfig(asset)).depositsEnabled).to.equal(false);
      await expect(vault.connect(alice).deposit(asset, WAD, 0n))
        .to.be.revertedWithCustomError(vault, "DepositsDisabled")
        .withArgs(asset);
      await expect(vault.connect(alice).queueWithdrawal(asset, 10n ** 24n)).to.emit(
        vault,
        "WithdrawalQueued",
      );
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      // 1e24 shares of a pool at exactly 1e6 shares per asset pay 1e18
      await expect(
        vault.connect(alice).completeWithdrawal(withdrawalId(alice.address, 0n), true, 0n),
      ).to.changeTokenBalance(stETH, alice, WAD);
    });
  });

  describe("admin settings", function () {
    it("setWithdrawalDelay accepts [4 days, 30 days] (WithdrawalDelaySet) and rejects outside (WithdrawalDelayOutOfBounds)", async function () {
      const { vault, admin } = await loadFixture(stakingFixture);
      expect([MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY]).to.deep.equal([4n * DAY, 30n * DAY]);
      for (const bad of [0n, MIN_WITHDRAWAL_DELAY - 1n, MAX_WITHDRAWAL_DELAY + 1n]) {
        await expect(vault.connect(admin).setWithdrawalDelay(bad))
          .to.be.revertedWithCustomError(vault, "WithdrawalDelayOutOfBounds")
          .withArgs(bad, MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY);
      }
      for (const good of [MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY, 10n * DAY]) {
        await expect(vault.connect(admin).setWithdrawalDelay(good))
          .to.emit(vault, "WithdrawalDelaySet")
          .withArgs(good);
        expect(await vault.withdrawalDelay()).to.equal(good);
      }
    });

    it("setRegistry and setSlashingManager reject zero and emit ModuleSet; setRewardsHook accepts zero", async function () {
      const { vault, admin, outsider, alice, registryAddress } = await loadFixture(stakingFixture);
      await expect(vault.connect(admin).setRegistry(ZERO)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      await expect(vault.connect(admin).setSlashingManager(ZERO)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      await expect(vault.connect(admin).setSlashingManager(outsider.address))
        .to.emit(vault, "ModuleSet")
        .withArgs(moduleKey("slashingManager"), outsider.address);
      await expect(vault.connect(admin).setRewardsHook(alice.address))
        .to.emit(vault, "ModuleSet")
        .withArgs(moduleKey("rewardsHook"), alice.address);
      expect(await vault.modules()).to.deep.equal([registryAddress, outsider.address, alice.address]);
      await expect(vault.connect(admin).setRegistry(alice.address))
        .to.emit(vault, "ModuleSet")
        .withArgs(moduleKey("registry"), alice.address);
      await expect(vault.connect(admin).setRewardsHook(ZERO))
        .to.emit(vault, "ModuleSet")
        .withArgs(moduleKey("rewardsHook"), ZERO);
      expect(await vault.modules()).to.deep.equal([alice.address, outsider.address, ZERO]);
    });

    it("setWithdrawer names and clears a withdrawer (WithdrawerSet, withdrawerOf)", async function () {
      const { vault, alice, withdrawer } = await loadFixture(stakingFixture);
      expect(await vault.withdrawerOf(alice.address)).to.equal(ZERO);
      await expect(vault.connect(alice).setWithdrawer(withdrawer.address))
        .to.emit(vault, "WithdrawerSet")
        .withArgs(alice.address, withdrawer.address);
      expect(await vault.withdrawerOf(alice.address)).to.equal(withdrawer.address);
      await expect(vault.connect(alice).setWithdrawer(ZERO))
        .to.emit(vault, "WithdrawerSet")
        .withArgs(alice.address, ZERO);
      expect(await vault.withdrawerOf(alice.address)).to.equal(ZERO);
    });
  });

  describe("latestReadyAt (the latest readyAt of any withdrawal queued so far or now)", function () {
    /** Mines a block at `t` and returns latestReadyAt() and the slashing manager's allocationDelay() there. */
    async function readAt(f: TwoOperatorsFixture, t: bigint): Promise<[bigint, bigint]> {
      await time.increaseTo(t);
      return [await f.vault.latestReadyAt(), await f.slashingManager.allocationDelay()];
    }

    /** The admin sets the delay in a block at `latest + offset`; returns that block's timestamp. */
    async function setDelay(f: TwoOperatorsFixture, delay: bigint, offset = 10n): Promise<bigint> {
      const t = await nextTimestamp(offset);
      await expect(f.vault.connect(f.admin).setWithdrawalDelay(delay))
        .to.emit(f.vault, "WithdrawalDelaySet")
        .withArgs(delay);
      return t;
    }

    /**
     * alice queues 1 stETH share in a block at `latest + 10`; returns that block's timestamp, the withdrawal's readyAt
     * (from WithdrawalQueued, equal to the stored record's) and latestReadyAt() in that block.
     */
    async function queueOne(f: TwoOperatorsFixture): Promise<[bigint, bigint, bigint]> {
      const t = await nextTimestamp();
      const receipt = await (await f.vault.connect(f.alice).queueWithdrawal(f.assetAddresses[0], 1n)).wait();
      if (receipt === null) throw new Error("no receipt");
      const queued = receipt.logs.flatMap((log) => {
        const e = f.vault.interface.parseLog(log);
        return e !== null && e.name === "WithdrawalQueued" ? [e.args] : [];
      });
      expect(queued.length).to.equal(1);
      // WithdrawalQueued(id, staker, operator, asset, shares, startTime, readyAt)
      const [id, startTime, readyAt]: bigint[] = [queued[0][0], queued[0][5], queued[0][6]];
      expect(startTime).to.equal(t);
      expect((await f.vault.withdrawal(id))[1].readyAt).to.equal(readyAt);
      return [t, readyAt, await f.vault.latestReadyAt({ blockTag: receipt.blockNumber })];
    }

    it("equals now + withdrawalDelay while the delay never changed, and a withdrawal queued now is ready exactly then", async function () {
      const f = await loadFixture(depositedFixture);
      const { vault, slashingManager } = f;
      expect(await slashingManager.EXIT_BUFFER()).to.equal(EXIT_BUFFER);
      expect(EXIT_BUFFER).to.equal(7n * DAY + 7n * HOUR);
      let now = BigInt(await time.latest());
      expect(await vault.latestReadyAt()).to.equal(now + DEFAULT_WITHDRAWAL_DELAY);
      // the allocation delay runs to latestReadyAt() + EXIT_BUFFER: 7 days + 7 days 7 hours by default
      expect(await slashingManager.allocationDelay()).to.equal(14n * DAY + 7n * HOUR);
      for (const step of [1n, DAY, 30n * DAY]) {
        now += step;
        expect(await readAt(f, now)).to.deep.equal([now + DEFAULT_WITHDRAWAL_DELAY, 14n * DAY + 7n * HOUR]);
      }
      const [t, readyAt, latest] = await queueOne(f);
      expect(readyAt).to.equal(t + DEFAULT_WITHDRAWAL_DELAY);
      expect(latest).to.equal(readyAt);
    });

    it("after shortening the delay stays at the old horizon (time of the change + old delay) until it passes, then follows now + the new delay", async function () {
      const f = await loadFixture(depositedFixture);
      const { vault } = f;
      // a withdrawal queued just before the change is ready under the old 7 days
      const [, earlyReady] = await queueOne(f);
      const t0 = await setDelay(f, MIN_WITHDRAWAL_DELAY);
      const horizon = t0 + DEFAULT_WITHDRAWAL_DELAY;
      expect(await vault.latestReadyAt()).to.equal(horizon);
      expect(earlyReady).to.be.lt(horizon);
      // one queued after it is ready under the new 4 days, before the horizon, which latestReadyAt() still reports
      const [t1, lateReady, latest] = await queueOne(f);
      expect(lateReady).to.equal(t1 + MIN_WITHDRAWAL_DELAY);
      expect(latest).to.equal(horizon);
      // the horizon holds until now + 4 days reaches it (3 days after the change), and the allocation delay with it
      const meet = horizon - MIN_WITHDRAWAL_DELAY;
      expect(meet).to.equal(t0 + 3n * DAY);
      for (const t of [t0 + DAY, meet - 1n, meet]) {
        expect(await readAt(f, t), `at change + ${t - t0}s`).to.deep.equal([
          horizon,
          horizon + EXIT_BUFFER - t,
        ]);
      }
      for (const t of [meet + 1n, t0 + 10n * DAY]) {
        expect(await readAt(f, t), `at change + ${t - t0}s`).to.deep.equal([
          t + MIN_WITHDRAWAL_DELAY,
          MIN_WITHDRAWAL_DELAY + EXIT_BUFFER,
        ]);
      }
      // 11 days 7 hours once the old horizon passed (4-day delay + EXIT_BUFFER)
      expect(MIN_WITHDRAWAL_DELAY + EXIT_BUFFER).to.equal(11n * DAY + 7n * HOUR);
    });

    it("lengthening the delay raises it at once; shortening it again keeps the longer horizon", async function () {
      const f = await loadFixture(depositedFixture);
      const { vault } = f;
      const t0 = await setDelay(f, MAX_WITHDRAWAL_DELAY);
      expect(await vault.latestReadyAt()).to.equal(t0 + MAX_WITHDRAWAL_DELAY);
      expect(await f.slashingManager.allocationDelay()).to.equal(MAX_WITHDRAWAL_DELAY + EXIT_BUFFER);
      const [t1, readyAt, latest] = await queueOne(f);
      expect([readyAt, latest]).to.deep.equal([t1 + MAX_WITHDRAWAL_DELAY, t1 + MAX_WITHDRAWAL_DELAY]);
      expect(await readAt(f, t0 + DAY)).to.deep.equal([
        t0 + DAY + MAX_WITHDRAWAL_DELAY,
        MAX_WITHDRAWAL_DELAY + EXIT_BUFFER,
      ]);
      // back to 7 days two days later: the 30-day horizon of that moment holds for 23 days
      const t2 = await setDelay(f, DEFAULT_WITHDRAWAL_DELAY, DAY);
      const horizon = t2 + MAX_WITHDRAWAL_DELAY;
      expect(await vault.latestReadyAt()).to.equal(horizon);
      expect(readyAt).to.be.lt(horizon);
      const meet = horizon - DEFAULT_WITHDRAWAL_DELAY;
      expect(await readAt(f, meet)).to.deep.equal([horizon, DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER]);
      expect(await readAt(f, meet + 1n)).to.deep.equal([
        meet + 1n + DEFAULT_WITHDRAWAL_DELAY,
        DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER,
      ]);
    });

    it("several successive changes keep the maximum of every horizon and of now + the delay in force (model-checked)", async function () {
      const f = await loadFixture(depositedFixture);
      const { vault } = f;
      const model = new VaultModel(f.assetAddresses);
      const t0 = BigInt(await time.latest()) + DAY;
      // [offset from t0, new delay, latestReadyAt() right after the change, worked out by hand]
      const changes: Array<[bigint, bigint, bigint]> = [
        [0n, MAX_WITHDRAWAL_DELAY, t0 + 30n * DAY], // lengthened: now + 30 days
        [DAY, MIN_WITHDRAWAL_DELAY, t0 + 31n * DAY], // horizon t0 + 1 + 30 days
        [2n * DAY, 10n * DAY, t0 + 31n * DAY], // now + 10 = t0 + 12 days, below the horizon
        [3n * DAY, MIN_WITHDRAWAL_DELAY, t0 + 31n * DAY], // horizon max(t0 + 31, t0 + 13) days
        [20n * DAY, 15n * DAY, t0 + 35n * DAY], // now + 15 = t0 + 35 days, above the horizon
        [21n * DAY, MIN_WITHDRAWAL_DELAY, t0 + 36n * DAY], // horizon t0 + 21 + 15 days
      ];
      const readyAts: bigint[] = [];
      const compare = async (label: string): Promise<bigint> => {
        const now = BigInt(await time.latest());
        const latest = await vault.latestReadyAt();
        expect(latest, label).to.equal(model.latestReadyAt(now));
        expect(await f.slashingManager.allocationDelay(), label).to.equal(latest + EXIT_BUFFER - now);
        for (const r of readyAts) expect(r, `${label}: a queued readyAt`).to.be.lte(latest);
        return latest;
      };
      for (const [offset, delay, expected] of changes) {
        await time.setNextBlockTimestamp(t0 + offset);
        await (await vault.connect(f.admin).setWithdrawalDelay(delay)).wait();
        model.setWithdrawalDelay(delay, t0 + offset);
        expect(await compare(`after the change at t0 + ${offset / DAY} days`)).to.equal(expected);
        // a withdrawal queued right after each change
        const [t, readyAt] = await queueOne(f);
        expect(readyAt).to.equal(t + delay);
        readyAts.push(readyAt);
        await compare(`after the queue at t0 + ${offset / DAY} days`);
      }
      // the last horizon (t0 + 36 days) holds until now + 4 days reaches it, at t0 + 32 days
      for (const [offset, expected] of [
        [25n * DAY, t0 + 36n * DAY],
        [32n * DAY, t0 + 36n * DAY],
        [33n * DAY, t0 + 37n * DAY],
      ]) {
        await time.increaseTo(t0 + offset);
        expect(await compare(`at t0 + ${offset / DAY} days`)).to.equal(expected);
      }
      expect(model.exitHorizon).to.equal(t0 + 36n * DAY);
    });
  });

  describe("deposit", function () {
    it("mints 1e6 shares per asset into an empty undelegated pool and pulls the tokens (Deposited)", async function () {
      const { vault, vaultAddress, alice, stETH, assetAddresses } = await loadFixture(stakingFixture);
      const [asset] = assetAddresses;
      const amount = 3n * WAD + 7n;
      const expected = toSharesDown(amount, 0n, 0n);
      expect(expected).to.equal(amount * VIRTUAL_SHARES);
      expect(await vault.connect(alice).deposit.staticCall(asset, amount, 0n)).to.equal(expected);
      const tx = vault.connect(alice).deposit(asset, amount, 0n);
      await expect(tx).to.emit(vault, "Deposited").withArgs(alice.address, ZERO, asset, amount, expected);
      await expect(tx).to.changeTokenBalances(stETH, [alice, vaultAddress], [-amount, amount]);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(poolOf(amount, expected, 0n, 0n));
      expect(await vault.position(alice.address, asset)).to.deep.equal([ZERO, expected, amount]);
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(amount);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 1n, 0n]);
    });

    it("prices later deposits on the pool's assets and shares, and sets one mask bit per asset", async function () {
      const { vault, alice, bob, assetAddresses } = await loadFixture(stakingFixture);
      const [stETH, , cbETH] = assetAddresses;
      await (await vault.connect(alice).deposit(stETH, 5n * WAD, 0n)).wait();
      const s1 = toSharesDown(5n * WAD, 0n, 0n);
      const s2 = toSharesDown(7n, 5n * WAD, s1);
      await expect(vault.connect(bob).deposit(stETH, 7n, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(bob.address, ZERO, stETH, 7n, s2);
      expect(await vault.pool(ZERO, stETH)).to.deep.equal(poolOf(5n * WAD + 7n, s1 + s2, 0n, 0n));
      await (await vault.connect(alice).deposit(cbETH, WAD, 0n)).wait();
      expect((await vault.stakerInfo(alice.address)).assetMask).to.equal(0b101n);
    });

    it("deposits into the staker's operator pool when delegated", async function () {
      const { vault, registry, alice, operator1, assetAddresses } = await loadFixture(stakingFixture);
      const [, rETH] = assetAddresses;
      await (await registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      const shares = toSharesDown(2n * WAD, 0n, 0n);
      await expect(vault.connect(alice).deposit(rETH, 2n * WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(alice.address, operator1.address, rETH, 2n * WAD, shares);
      expect(await vault.pool(operator1.address, rETH)).to.deep.equal(poolOf(2n * WAD, shares, 0n, 0n));
      expect(await vault.pool(ZERO, rETH)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
    });

    it("reverts ZeroAmount, AssetNotListed and DepositsDisabled", async function () {
      const { vault, admin, alice, outsider, assetAddresses } = await loadFixture(stakingFixture);
      const [asset] = assetAddresses;
      await expect(vault.connect(alice).deposit(asset, 0n, 0n)).to.be.revertedWithCustomError(
        vault,
        "ZeroAmount",
      );
      await expect(vault.connect(alice).deposit(outsider.address, 1n, 0n))
        .to.be.revertedWithCustomError(vault, "AssetNotListed")
        .withArgs(outsider.address);
      await (await vault.connect(admin).setDepositsEnabled(asset, false)).wait();
      await expect(vault.connect(alice).deposit(asset, 1n, 0n))
        .to.be.revertedWithCustomError(vault, "DepositsDisabled")
        .withArgs(asset);
    });

    it("accepts deposits up to the cap across every pool and reverts CapExceeded(asset, cap, totalAfter) above", async function () {
      const { vault, registry, admin, alice, bob, operator1, assetAddresses } =
        await loadFixture(stakingFixture);
      const [asset] = assetAddresses;
      const cap = 5n * WAD;
      await (await vault.connect(admin).setAssetCap(asset, cap)).wait();
      await (await registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(alice).deposit(asset, 3n * WAD, 0n)).wait();
      await expect(vault.connect(bob).deposit(asset, 2n * WAD + 1n, 0n))
        .to.be.revertedWithCustomError(vault, "CapExceeded")
        .withArgs(asset, cap, cap + 1n);
      await expect(vault.connect(bob).deposit(asset, 2n * WAD, 0n)).to.emit(vault, "Deposited");
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(cap);
      await expect(vault.connect(alice).deposit(asset, 1n, 0n))
        .to.be.revertedWithCustomError(vault, "CapExceeded")
        .withArgs(asset, cap, cap + 1n);
      // the fixture cap itself
      const [, rETH] = assetAddresses;
      expect((await vault.assetConfig(rETH)).cap).to.equal(ASSET_CAP);
    });

    it("reverts SharesBelowMinimum(shares, minShares) when fewer shares would be minted than asked", async function () {
      const { vault, alice, bob, assetAddresses } = await loadFixture(stakingFixture);
      const [asset] = assetAddresses;
      await (await vault.connect(alice).deposit(asset, 3n, 0n)).wait();
      const expected = toSharesDown(10n, 3n, 3_000_000n);
      await expect(vault.connect(bob).deposit(asset, 10n, expected + 1n))
        .to.be.revertedWithCustomError(vault, "SharesBelowMinimum")
        .withArgs(expected, expected + 1n);
      await expect(vault.connect(bob).deposit(asset, 10n, expected))
        .to.emit(vault, "Deposited")
        .withArgs(bob.address, ZERO, asset, 10n, expected);
    });

    it("rejects a fee-on-transfer token (TransferAmountMismatch) and changes nothing", async function () {
      const { vault, vaultAddress, admin, alice } = await loadFixture(stakingFixture);
      const fot = await new FeeOnTransferERC20__factory(admin).deploy("Fee Token", "FEE");
      const asset = await fot.getAddress();
      await (await vault.connect(admin).addAsset(asset, ASSET_CAP)).wait();
      await (await fot.mint(alice.address, 100n * WAD)).wait();
      await (await fot.connect(alice).approve(vaultAddress, ethers.MaxUint256)).wait();
      await expect(vault.connect(alice).deposit(asset, 100n * WAD, 0n))
        .to.be.revertedWithCustomError(vault, "TransferAmountMismatch")
        .withArgs(asset, 100n * WAD, 99n * WAD);
      await expect(vault.connect(alice).deposit(asset, 199n, 0n))
        .to.be.revertedWithCustomError(vault, "TransferAmountMismatch")
        .withArgs(asset, 199n, 198n);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(0n);
      expect(await fot.balanceOf(vaultAddress)).to.equal(0n);
    });

    it("reverts with the token's error when the allowance is missing", async function () {
      const { vault, vaultAddress, stETH, alice, assetAddresses } = await loadFixture(stakingFixture);
      await (await stETH.connect(alice).approve(vaultAddress, 0n)).wait();
      await expect(vault.connect(alice).deposit(assetAddresses[0], WAD, 0n))
        .to.be.revertedWithCustomError(stETH, "ERC20InsufficientAllowance")
        .withArgs(vaultAddress, 0n, WAD);
    });
  });

  describe("depositWithPermit", function () {
    async function noAllowanceFixture(): Promise<TwoOperatorsFixture> {
      const f = await twoOperatorsFixture();
      await (await f.stETH.connect(f.alice).approve(f.vaultAddress, 0n)).wait();
      return f;
    }

    it("deposits with a real EIP-2612 signature and no prior allowance", async function () {
      const { vault, vaultAddress, stETH, alice, assetAddresses } = await loadFixture(noAllowanceFixture);
      const [asset] = assetAddresses;
      const deadline = BigInt(await time.latest()) + DAY;
      const sig = await signPermit(alice, stETH, vaultAddress, 4n * WAD, deadline);
      const shares = toSharesDown(4n * WAD, 0n, 0n);
      const tx = vault
        .connect(alice)
        .depositWithPermit(asset, 4n * WAD, shares, deadline, sig.v, sig.r, sig.s);
      await expect(tx)
        .to.emit(vault, "Deposited")
        .withArgs(alice.address, ZERO, asset, 4n * WAD, shares);
      await expect(tx).to.changeTokenBalances(stETH, [alice, vaultAddress], [-4n * WAD, 4n * WAD]);
      expect(await stETH.nonces(alice.address)).to.equal(1n);
      expect(await stETH.allowance(alice.address, vaultAddress)).to.equal(0n);
    });

    it("still deposits when a front-runner used the permit first (the allowance is in place)", async function () {
      const { vault, vaultAddress, stETH, alice, outsider, assetAddresses } =
        await loadFixture(noAllowanceFixture);
      const [asset] = assetAddresses;
      const deadline = BigInt(await time.latest()) + DAY;
      const sig = await signPermit(alice, stETH, vaultAddress, 4n * WAD, deadline);
      await (
        await stETH
          .connect(outsider)
          .permit(alice.address, vaultAddress, 4n * WAD, deadline, sig.v, sig.r, sig.s)
      ).wait();
      expect(await stETH.allowance(alice.address, vaultAddress)).to.equal(4n * WAD);
      // the same permit now fails inside the vault; the failure is ignored
      await expect(
        stETH.connect(outsider).permit(alice.address, vaultAddress, 4n * WAD, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(stETH, "ERC2612InvalidSigner");
      await expect(vault.connect(alice).depositWithPermit(asset, 4n * WAD, 0n, deadline, sig.v, sig.r, sig.s))
        .to.emit(vault, "Deposited")
        .withArgs(alice.address, ZERO, asset, 4n * WAD, toSharesDown(4n * WAD, 0n, 0n));
      expect(await stETH.allowance(alice.address, vaultAddress)).to.equal(0n);
    });

    it("ignores an invalid or expired permit: the deposit then needs an allowance", async function () {
      const { vault, vaultAddress, stETH, alice, bob, assetAddresses } =
        await loadFixture(noAllowanceFixture);
      const [asset] = assetAddresses;
      const deadline = BigInt(await time.latest()) + DAY;
      const wrongSigner = await signPermit(bob, stETH, vaultAddress, WAD, deadline);
      await expect(
        vault
          .connect(alice)
          .depositWithPermit(asset, WAD, 0n, deadline, wrongSigner.v, wrongSigner.r, wrongSigner.s),
      )
        .to.be.revertedWithCustomError(stETH, "ERC20InsufficientAllowance")
        .withArgs(vaultAddress, 0n, WAD);
      const past = BigInt(await time.latest()) - 1n;
      const expired = await signPermit(alice, stETH, vaultAddress, WAD, past);
      await expect(
        vault.connect(alice).depositWithPermit(asset, WAD, 0n, past, expired.v, expired.r, expired.s),
      )
        .to.be.revertedWithCustomError(stETH, "ERC20InsufficientAllowance")
        .withArgs(vaultAddress, 0n, WAD);
      await (await stETH.connect(alice).approve(vaultAddress, WAD)).wait();
      await expect(
        vault.connect(alice).depositWithPermit(asset, WAD, 0n, past, expired.v, expired.r, expired.s),
      ).to.emit(vault, "Deposited");
    });

    it("works with a token without permit when the allowance exists", async function () {
      const { vault, vaultAddress, admin, alice } = await loadFixture(stakingFixture);
      const token = await new ReentrantERC20__factory(admin).deploy("No Permit", "NOP");
      const asset = await token.getAddress();
      await (await vault.connect(admin).addAsset(asset, ASSET_CAP)).wait();
      await (await token.mint(alice.address, WAD)).wait();
      await (await token.connect(alice).approve(vaultAddress, WAD)).wait();
      await expect(
        vault.connect(alice).depositWithPermit(asset, WAD, 0n, 0n, 27, ethers.ZeroHash, ethers.ZeroHash),
      )
        .to.emit(vault, "Deposited")
        .withArgs(alice.address, ZERO, asset, WAD, WAD * VIRTUAL_SHARES);
    });
  });

  describe("queueWithdrawal and queueWithdrawals", function () {
    it("moves shares into a withdrawal record that stays in the pool's total (WithdrawalQueued)", async function () {
      const { vault, alice, assetAddresses } = await loadFixture(depositedFixture);
      const [asset] = assetAddresses;
      const held = ALICE_STETH * VIRTUAL_SHARES;
      const shares = held / 4n + 3n;
      const id = withdrawalId(alice.address, 0n);
      expect(await vault.connect(alice).queueWithdrawal.staticCall(asset, shares)).to.equal(id);
      const t = await nextTimestamp();
      await expect(vault.connect(alice).queueWithdrawal(asset, shares))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(id, alice.address, ZERO, asset, shares, t, t + DEFAULT_WITHDRAWAL_DELAY);
      const [staker, w, wAsset] = await vault.withdrawal(id);
      expect([staker, wAsset]).to.deep.equal([alice.address, asset]);
      expect([w.operator, w.startTime, w.assetIndex, w.readyAt, w.shares]).to.deep.equal([
        ZERO,
        t,
        0n,
        t + DEFAULT_WITHDRAWAL_DELAY,
        shares,
      ]);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(poolOf(ALICE_STETH, held, shares, 0n));
      expect((await vault.position(alice.address, asset))[1]).to.equal(held - shares);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0b11n, 1n]);
      expect(await vault.withdrawableAmount(id)).to.deep.equal([
        toAssetsDown(shares, ALICE_STETH, held),
        t + DEFAULT_WITHDRAWAL_DELAY,
      ]);
    });

    it("queued shares stop counting as active stake but stay slashable", async function () {
      const { vault, bob, operator1, assetAddresses } = await loadFixture(depositedFixture);
      const [asset] = assetAddresses;
      const held = BOB_STETH * VIRTUAL_SHARES;
      const queued = held / 2n;
      await (await vault.connect(bob).queueWithdrawal(asset, queued)).wait();
      expect(await vault.activeShares(bob.address, asset)).to.deep.equal([
        operator1.address,
        held - queued,
        held - queued,
      ]);
      expect(await vault.operatorStake(operator1.address, asset)).to.equal(
        toAssetsDown(held - queued, BOB_STETH, held),
      );
      expect(await vault.poolNetAssets(operator1.address, asset)).to.equal(BOB_STETH);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(BOB_STETH, held, queued, 0n));
      const id = withdrawalId(bob.address, 0n);
      expect((await vault.withdrawal(id))[1].operator).to.equal(operator1.address);
    });

    it("clears the asset's mask bit when every share is queued", async function () {
      const { vault, alice, assetAddresses } = await loadFixture(depositedFixture);
      const [, rETH] = assetAddresses;
      await (await vault.connect(alice).queueWithdrawal(rETH, ALICE_RETH * VIRTUAL_SHARES - 1n)).wait();
      expect((await vault.stakerInfo(alice.address)).assetMask).to.equal(0b11n);
      await (await vault.connect(alice).queueWithdrawal(rETH, 1n)).wait();
      expect((await vault.stakerInfo(alice.address)).assetMask).to.equal(0b01n);
      expect((await vault.stakerInfo(alice.address)).withdrawalNonce).to.equal(2n);
    });

    it("reverts ZeroAmount, AssetNotListed and InsufficientShares(staker, asset, held, requested)", async function () {
      const { vault, alice, outsider, assetAddresses } = await loadFixture(depositedFixture);
      const [stETH, , cbETH] = assetAddresses;
      const held = ALICE_STETH * VIRTUAL_SHARES;
      await expect(vault.connect(alice).queueWithdrawal(stETH, 0n)).to.be.revertedWithCustomError(
        vault,
        "ZeroAmount",
      );
      await expect(vault.connect(alice).queueWithdrawal(outsider.address, 1n))
        .to.be.revertedWithCustomError(vault, "AssetNotListed")
        .withArgs(outsider.address);
      await expect(vault.connect(alice).queueWithdrawal(stETH, held + 1n))
        .to.be.revertedWithCustomError(vault, "InsufficientShares")
        .withArgs(alice.address, stETH, held, held + 1n);
      await expect(vault.connect(alice).queueWithdrawal(cbETH, 1n))
        .to.be.revertedWithCustomError(vault, "InsufficientShares")
        .withArgs(alice.address, cbETH, 0n, 1n);
      await expect(vault.connect(outsider).queueWithdrawal(stETH, 1n))
        .to.be.revertedWithCustomError(vault, "InsufficientShares")
        .withArgs(outsider.address, stETH, 0n, 1n);
    });

    it("queueWithdrawals queues one withdrawal per pair with consecutive ids", async function () {
      const { vault, alice, assetAddresses } = await loadFixture(depositedFixture);
      const [stETH, rETH] = assetAddresses;
      const ids = [0n, 1n, 2n].map((n) => withdrawalId(alice.address, n));
      const amounts = [10n, 20n, 30n];
      expect(
        await vault.connect(alice).queueWithdrawals.staticCall([stETH, rETH, stETH], amounts),
      ).to.deep.equal(ids);
      const t = await nextTimestamp();
      const tx = vault.connect(alice).queueWithdrawals([stETH, rETH, stETH], amounts);
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(ids[0], alice.address, ZERO, stETH, 10n, t, t + DEFAULT_WITHDRAWAL_DELAY);
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(ids[1], alice.address, ZERO, rETH, 20n, t, t + DEFAULT_WITHDRAWAL_DELAY);
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(ids[2], alice.address, ZERO, stETH, 30n, t, t + DEFAULT_WITHDRAWAL_DELAY);
      expect((await vault.pool(ZERO, stETH)).queuedShares).to.equal(40n);
      expect((await vault.pool(ZERO, rETH)).queuedShares).to.equal(20n);
      expect((await vault.stakerInfo(alice.address)).withdrawalNonce).to.equal(3n);
    });

    it("queueWithdrawals reverts LengthMismatch, and reverts whole when one item fails", async function () {
      const { vault, alice, assetAddresses } = await loadFixture(depositedFixture);
      const [stETH, rETH] = assetAddresses;
      await expect(vault.connect(alice).queueWithdrawals([stETH, rETH], [1n]))
        .to.be.revertedWithCustomError(vault, "LengthMismatch")
        .withArgs(2n, 1n);
      await expect(vault.connect(alice).queueWithdrawals([stETH], [1n, 2n]))
        .to.be.revertedWithCustomError(vault, "LengthMismatch")
        .withArgs(1n, 2n);
      const heldR = ALICE_RETH * VIRTUAL_SHARES;
      await expect(vault.connect(alice).queueWithdrawals([stETH, rETH], [1n, heldR + 1n]))
        .to.be.revertedWithCustomError(vault, "InsufficientShares")
        .withArgs(alice.address, rETH, heldR, heldR + 1n);
      expect((await vault.stakerInfo(alice.address)).withdrawalNonce).to.equal(0n);
      expect((await vault.pool(ZERO, stETH)).queuedShares).to.equal(0n);
      expect(await vault.connect(alice).queueWithdrawals.staticCall([], [])).to.deep.equal([]);
    });
  });

  describe("completeWithdrawal", function () {
    /** depositedFixture + alice queued 40e24 stETH shares (id 0) and bob queued 50e24 (id 0 of bob). */
    async function queuedFixture(): Promise<
      TwoOperatorsFixture & { aliceId: bigint; bobId: bigint; queuedAt: bigint }
    > {
      const f = await depositedFixture();
      const [asset] = f.assetAddresses;
      const queuedAt = BigInt(await time.latest()) + 100n;
      await time.setNextBlockTimestamp(queuedAt);
      await (await f.vault.connect(f.alice).queueWithdrawal(asset, 40n * WAD * VIRTUAL_SHARES)).wait();
      await time.setNextBlockTimestamp(queuedAt + 1n);
      await (await f.vault.connect(f.bob).queueWithdrawal(asset, 50n * WAD * VIRTUAL_SHARES)).wait();
      return {
        ...f,
        aliceId: withdrawalId(f.alice.address, 0n),
        bobId: withdrawalId(f.bob.address, 0n),
        queuedAt,
      };
    }

    it("reverts WithdrawalNotReady(id, readyAt) one second before readyAt, as tokens and as shares", async function () {
      const { vault, alice, aliceId, queuedAt } = await loadFixture(queuedFixture);
      const readyAt = queuedAt + DEFAULT_WITHDRAWAL_DELAY;
      const snapshot = await takeSnapshot();
      for (const asTokens of [true, false]) {
        // a reverted transaction is mined: go back before it to use the same timestamp again
        await snapshot.restore();
        await time.setNextBlockTimestamp(readyAt - 1n);
        await expect(vault.connect(alice).completeWithdrawal(aliceId, asTokens, 0n))
          .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
          .withArgs(aliceId, readyAt);
      }
      await time.setNextBlockTimestamp(readyAt);
      await expect(vault.connect(alice).completeWithdrawal(aliceId, false, 0n)).to.emit(
        vault,
        "WithdrawalCompleted",
      );
    });

    it("pays the shares' value in tokens to the staker at readyAt (WithdrawalCompleted) and deletes the record", async function () {
      const { vault, vaultAddress, stETH, alice, aliceId, queuedAt, assetAddresses } =
        await loadFixture(queuedFixture);
      const [asset] = assetAddresses;
      const shares = 40n * WAD * VIRTUAL_SHARES;
      const assets = toAssetsDown(shares, ALICE_STETH, ALICE_STETH * VIRTUAL_SHARES);
      expect(assets).to.equal(40n * WAD);
      await time.setNextBlockTimestamp(queuedAt + DEFAULT_WITHDRAWAL_DELAY);
      const tx = vault.connect(alice).completeWithdrawal(aliceId, true, 0n);
      await expect(tx)
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(aliceId, alice.address, alice.address, ZERO, asset, shares, assets, true, ZERO, 0n);
      await expect(tx).to.changeTokenBalances(stETH, [alice, vaultAddress], [assets, -assets]);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(
        poolOf(ALICE_STETH - assets, ALICE_STETH * VIRTUAL_SHARES - shares, 0n, 0n),
      );
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(ALICE_STETH + BOB_STETH - assets);
      const [staker, w, wAsset] = await vault.withdrawal(aliceId);
      expect([staker, w.operator, w.startTime, w.assetIndex, w.readyAt, w.shares, wAsset]).to.deep.equal([
        ZERO,
        ZERO,
        0n,
        0n,
        0n,
        0n,
        ZERO,
      ]);
      await expect(vault.withdrawableAmount(aliceId))
        .to.be.revertedWithCustomError(vault, "WithdrawalNotFound")
        .withArgs(aliceId);
    });

    it("returns the amount paid", async function () {
      const { vault, bob, bobId } = await loadFixture(queuedFixture);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      expect(await vault.connect(bob).completeWithdrawal.staticCall(bobId, true, 0n)).to.equal(50n * WAD);
      // as shares into the same operator pool: 50e18 at 1e6 shares per asset
      expect(await vault.connect(bob).completeWithdrawal.staticCall(bobId, false, 0n)).to.equal(
        50n * WAD * VIRTUAL_SHARES,
      );
    });

    it("reverts WithdrawalNotFound for a second completion and for an unknown id", async function () {
      const { vault, alice, aliceId } = await loadFixture(queuedFixture);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await (await vault.connect(alice).completeWithdrawal(aliceId, true, 0n)).wait();
      for (const asTokens of [true, false]) {
        await expect(vault.connect(alice).completeWithdrawal(aliceId, asTokens, 0n))
          .to.be.revertedWithCustomError(vault, "WithdrawalNotFound")
          .withArgs(aliceId);
      }
      const unknown = withdrawalId(alice.address, 7n);
      await expect(vault.connect(alice).completeWithdrawal(unknown, true, 0n))
        .to.be.revertedWithCustomError(vault, "WithdrawalNotFound")
        .withArgs(unknown);
    });

    it("lets the named withdrawer complete and receive the tokens; anyone else reverts NotWithdrawer", async function () {
      const { vault, stETH, alice, bob, withdrawer, outsider, aliceId, assetAddresses } =
        await loadFixture(queuedFixture);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      for (const caller of [outsider, bob, withdrawer]) {
        await expect(vault.connect(caller).completeWithdrawal(aliceId, true, 0n))
          .to.be.revertedWithCustomError(vault, "NotWithdrawer")
          .withArgs(aliceId, caller.address);
      }
      await (await vault.connect(alice).setWithdrawer(withdrawer.address)).wait();
      await expect(vault.connect(outsider).completeWithdrawal(aliceId, true, 0n))
        .to.be.revertedWithCustomError(vault, "NotWithdrawer")
        .withArgs(aliceId, outsider.address);
      const shares = 40n * WAD * VIRTUAL_SHARES;
      const tx = vault.connect(withdrawer).completeWithdrawal(aliceId, true, 0n);
      await expect(tx)
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          aliceId,
          alice.address,
          withdrawer.address,
          ZERO,
          assetAddresses[0],
          shares,
          40n * WAD,
          true,
          ZERO,
          0n,
        );
      await expect(tx).to.changeTokenBalances(stETH, [withdrawer, alice], [40n * WAD, 0n]);
    });

    it("a cleared withdrawer can no longer complete", async function () {
      const { vault, alice, withdrawer, aliceId } = await loadFixture(queuedFixture);
      await (await vault.connect(alice).setWithdrawer(withdrawer.address)).wait();
      await (await vault.connect(alice).setWithdrawer(ZERO)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await expect(vault.connect(withdrawer).completeWithdrawal(aliceId, true, 0n))
        .to.be.revertedWithCustomError(vault, "NotWithdrawer")
        .withArgs(aliceId, withdrawer.address);
    });

    it("as shares, re-deposits the value into the staker's current pool (redelegation)", async function () {
      const { vault, vaultAddress, registry, stETH, alice, operator1, aliceId, assetAddresses } =
        await loadFixture(queuedFixture);
      const [asset] = assetAddresses;
      await (await registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      // delegating moved alice's remaining 60 stETH (60e24 shares) and 50 rETH into operator1's pools
      const op1Assets = BOB_STETH + 60n * WAD;
      const op1Shares = (BOB_STETH + 60n * WAD) * VIRTUAL_SHARES;
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(op1Assets, op1Shares, 50n * WAD * VIRTUAL_SHARES, 0n),
      );
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const shares = 40n * WAD * VIRTUAL_SHARES;
      const assets = toAssetsDown(shares, 40n * WAD, shares);
      const minted = toSharesDown(assets, op1Assets, op1Shares);
      const tx = vault.connect(alice).completeWithdrawal(aliceId, false, 0n);
      await expect(tx)
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          aliceId,
          alice.address,
          alice.address,
          ZERO,
          asset,
          shares,
          assets,
          false,
          operator1.address,
          minted,
        );
      await expect(tx).to.changeTokenBalances(stETH, [alice, vaultAddress], [0n, 0n]);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(op1Assets + assets, op1Shares + minted, 50n * WAD * VIRTUAL_SHARES, 0n),
      );
      expect((await vault.position(alice.address, asset))[1]).to.equal(60n * WAD * VIRTUAL_SHARES + minted);
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(ALICE_STETH + BOB_STETH);
    });

    it("as shares by the named withdrawer credits the staker, not the withdrawer", async function () {
      const { vault, alice, withdrawer, aliceId, assetAddresses } = await loadFixture(queuedFixture);
      const [asset] = assetAddresses;
      await (await vault.connect(alice).setWithdrawer(withdrawer.address)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const shares = 40n * WAD * VIRTUAL_SHARES;
      // back into the undelegated pool of 60e18 / 60e24 (+ 40e24 queued)
      const minted = toSharesDown(40n * WAD, 60n * WAD, 60n * WAD * VIRTUAL_SHARES);
      await expect(vault.connect(withdrawer).completeWithdrawal(aliceId, false, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(aliceId, alice.address, alice.address, ZERO, asset, shares, 40n * WAD, false, ZERO, minted);
      expect((await vault.position(alice.address, asset))[1]).to.equal(60n * WAD * VIRTUAL_SHARES + minted);
      expect((await vault.position(withdrawer.address, asset))[1]).to.equal(0n);
    });

    it("fixes readyAt when the withdrawal is queued: a later setWithdrawalDelay, longer or shorter, moves neither readyAt nor when it can complete", async function () {
      const { vault, admin, alice, bob, operator1, aliceId, bobId, queuedAt, assetAddresses } =
        await loadFixture(queuedFixture);
      const [asset] = assetAddresses;
      const aliceReady = queuedAt + DEFAULT_WITHDRAWAL_DELAY;
      const bobReady = queuedAt + 1n + DEFAULT_WITHDRAWAL_DELAY;
      const readyAts = async (): Promise<bigint[]> => [
        (await vault.withdrawal(aliceId))[1].readyAt,
        (await vault.withdrawableAmount(aliceId))[1],
        (await vault.withdrawal(bobId))[1].readyAt,
        (await vault.withdrawableAmount(bobId))[1],
      ];
      expect(await readyAts()).to.deep.equal([aliceReady, aliceReady, bobReady, bobReady]);
      const start = await takeSnapshot();

      // lengthened to 30 days: alice's withdrawal still completes at queue time + 7 days, not 30
      await (await vault.connect(admin).setWithdrawalDelay(MAX_WITHDRAWAL_DELAY)).wait();
      expect(await readyAts()).to.deep.equal([aliceReady, aliceReady, bobReady, bobReady]);
      const beforeLonger = await takeSnapshot();
      await time.setNextBlockTimestamp(aliceReady - 1n);
      await expect(vault.connect(alice).completeWithdrawal(aliceId, true, 0n))
        .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
        .withArgs(aliceId, aliceReady);
      await beforeLonger.restore();
      await time.setNextBlockTimestamp(aliceReady);
      await expect(vault.connect(alice).completeWithdrawal(aliceId, true, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          aliceId,
          alice.address,
          alice.address,
          ZERO,
          asset,
          40n * WAD * VIRTUAL_SHARES,
          40n * WAD,
          true,
          ZERO,
          0n,
        );
      // a withdrawal queued after the change waits the new delay, and its WithdrawalQueued says so
      const t1 = await nextTimestamp();
      await expect(vault.connect(alice).queueWithdrawal(asset, 1n))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          withdrawalId(alice.address, 1n),
          alice.address,
          ZERO,
          asset,
          1n,
          t1,
          t1 + MAX_WITHDRAWAL_DELAY,
        );
      expect((await vault.withdrawal(withdrawalId(alice.address, 1n)))[1].readyAt).to.equal(
        t1 + MAX_WITHDRAWAL_DELAY,
      );

      // shortened to 4 days: bob's withdrawal cannot complete at queue time + 4 days, nor before + 7 days
      await start.restore();
      await (await vault.connect(admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      expect(await readyAts()).to.deep.equal([aliceReady, aliceReady, bobReady, bobReady]);
      const beforeShorter = await takeSnapshot();
      for (const at of [queuedAt + 1n + MIN_WITHDRAWAL_DELAY, bobReady - 1n]) {
        await beforeShorter.restore();
        await time.setNextBlockTimestamp(at);
        await expect(vault.connect(bob).completeWithdrawal(bobId, true, 0n))
          .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
          .withArgs(bobId, bobReady);
      }
      await beforeShorter.restore();
      await time.setNextBlockTimestamp(bobReady);
      await expect(vault.connect(bob).completeWithdrawal(bobId, true, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          bobId,
          bob.address,
          bob.address,
          operator1.address,
          asset,
          50n * WAD * VIRTUAL_SHARES,
          50n * WAD,
          true,
          ZERO,
          0n,
        );
      // and one queued after the change waits only the new delay
      const t2 = await nextTimestamp();
      await expect(vault.connect(alice).queueWithdrawal(asset, 1n))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          withdrawalId(alice.address, 1n),
          alice.address,
          ZERO,
          asset,
          1n,
          t2,
          t2 + MIN_WITHDRAWAL_DELAY,
        );
    });

    it("reverts AssetsBelowMinimum(assets, minAssets) as tokens and as shares when the withdrawal pays less than minAssets; minAssets == assets completes", async function () {
      const { vault, admin, stETH, bob, operator1, bobId, assetAddresses } = await loadFixture(queuedFixture);
      const [asset] = assetAddresses;
      // a slash of a third of operator1's pool (a MockSlashingCaller stands in for the slashing manager) makes the price uneven
      const manager = await mockManager(vault, admin);
      await (await manager.reserveSlash(operator1.address, asset, 1n, 3n)).wait();
      const slashed = mulDivDown(BOB_STETH, 1n, 3n);
      await (await manager.executeSlashWith(operator1.address, asset, slashed, false)).wait();
      const [t, s] = [BOB_STETH - slashed, BOB_STETH * VIRTUAL_SHARES];
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(t, s, 50n * WAD * VIRTUAL_SHARES, 0n),
      );
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const shares = 50n * WAD * VIRTUAL_SHARES;
      const assets = toAssetsDown(shares, t, s);
      expect(assets).to.equal(33_333_333_333_333_333_333n);
      expect((await vault.withdrawableAmount(bobId))[0]).to.equal(assets);
      const record = await vault.withdrawal(bobId);
      const start = await takeSnapshot();
      for (const asTokens of [true, false]) {
        await start.restore();
        for (const minAssets of [assets + 1n, ethers.MaxUint256]) {
          await expect(vault.connect(bob).completeWithdrawal(bobId, asTokens, minAssets))
            .to.be.revertedWithCustomError(vault, "AssetsBelowMinimum")
            .withArgs(assets, minAssets);
        }
        expect(await vault.withdrawal(bobId)).to.deep.equal(record);
        expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(t, s, shares, 0n));
        // the exact boundary completes
        const minted = asTokens ? 0n : toSharesDown(assets, t - assets, s - shares);
        const tx = vault.connect(bob).completeWithdrawal(bobId, asTokens, assets);
        await expect(tx)
          .to.emit(vault, "WithdrawalCompleted")
          .withArgs(
            bobId,
            bob.address,
            bob.address,
            operator1.address,
            asset,
            shares,
            assets,
            asTokens,
            asTokens ? ZERO : operator1.address,
            minted,
          );
        await expect(tx).to.changeTokenBalance(stETH, bob, asTokens ? assets : 0n);
      }
    });
  });

  describe("delegate and undelegate (registry only)", function () {
    it("revert OnlyRegistry(caller) for any caller but the registry", async function () {
      const { vault, admin, alice, operator1 } = await loadFixture(depositedFixture);
      for (const caller of [admin, alice, operator1]) {
        await expect(vault.connect(caller).delegate(alice.address, operator1.address))
          .to.be.revertedWithCustomError(vault, "OnlyRegistry")
          .withArgs(caller.address);
        await expect(vault.connect(caller).undelegate(alice.address))
          .to.be.revertedWithCustomError(vault, "OnlyRegistry")
          .withArgs(caller.address);
      }
    });

    /** depositedFixture with `admin` (an EOA) set as the registry, to call delegate and undelegate directly. */
    async function eoaRegistryFixture(): Promise<TwoOperatorsFixture> {
      const f = await depositedFixture();
      await (await f.vault.connect(f.admin).setRegistry(f.admin.address)).wait();
      return f;
    }

    it("delegate moves every undelegated share into the operator's pools (Delegated, SharesMoved)", async function () {
      const { vault, admin, alice, operator2, assetAddresses } = await loadFixture(eoaRegistryFixture);
      const [stETH, rETH, cbETH] = assetAddresses;
      // alice had queued nothing: pools (0, stETH) and (0, rETH) are at exactly 1e6 shares per asset
      const tx = vault.connect(admin).delegate(alice.address, operator2.address);
      await expect(tx).to.emit(vault, "Delegated").withArgs(alice.address, operator2.address);
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          stETH,
          ZERO,
          operator2.address,
          ALICE_STETH * VIRTUAL_SHARES,
          ALICE_STETH,
          ALICE_STETH * VIRTUAL_SHARES,
        );
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          rETH,
          ZERO,
          operator2.address,
          ALICE_RETH * VIRTUAL_SHARES,
          ALICE_RETH,
          ALICE_RETH * VIRTUAL_SHARES,
        );
      expect(await vault.delegatedTo(alice.address)).to.equal(operator2.address);
      expect(await vault.pool(ZERO, stETH)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect(await vault.pool(operator2.address, stETH)).to.deep.equal(
        poolOf(ALICE_STETH, ALICE_STETH * VIRTUAL_SHARES, 0n, 0n),
      );
      expect(await vault.pool(operator2.address, rETH)).to.deep.equal(
        poolOf(ALICE_RETH, ALICE_RETH * VIRTUAL_SHARES, 0n, 0n),
      );
      expect(await vault.pool(operator2.address, cbETH)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([operator2.address, 0b11n, 0n]);
    });

    it("delegate prices the move on both pools' rates", async function () {
      const { vault, admin, alice, carol, operator1, assetAddresses } = await loadFixture(eoaRegistryFixture);
      const [stETH] = assetAddresses;
      // carol makes pool (0, stETH) hold shares that are not a multiple of 1e6 assets
      await (await vault.connect(carol).deposit(stETH, 3n, 0n)).wait();
      await (await vault.connect(carol).queueWithdrawal(stETH, 1_500_000n)).wait();
      const t0 = ALICE_STETH + 3n;
      const s0 = (ALICE_STETH + 3n) * VIRTUAL_SHARES;
      const held = ALICE_STETH * VIRTUAL_SHARES;
      const assets = toAssetsDown(held, t0, s0);
      const minted = toSharesDown(assets, BOB_STETH, BOB_STETH * VIRTUAL_SHARES);
      await expect(vault.connect(admin).delegate(alice.address, operator1.address))
        .to.emit(vault, "SharesMoved")
        .withArgs(alice.address, stETH, ZERO, operator1.address, held, assets, minted);
      expect(await vault.pool(ZERO, stETH)).to.deep.equal(poolOf(t0 - assets, s0 - held, 1_500_000n, 0n));
    });

    it("delegate reverts ZeroAddress for operator zero and AlreadyDelegated(staker, operator)", async function () {
      const { vault, admin, alice, bob, operator1, operator2 } = await loadFixture(eoaRegistryFixture);
      await expect(vault.connect(admin).delegate(alice.address, ZERO)).to.be.revertedWithCustomError(
        vault,
        "ZeroAddress",
      );
      await expect(vault.connect(admin).delegate(bob.address, operator2.address))
        .to.be.revertedWithCustomError(vault, "AlreadyDelegated")
        .withArgs(bob.address, operator1.address);
    });

    it("undelegate queues every share in asset order and returns (operator, ids) (Undelegated)", async function () {
      const { vault, admin, alice, operator2, assetAddresses } = await loadFixture(eoaRegistryFixture);
      const [stETH, rETH] = assetAddresses;
      await (await vault.connect(admin).delegate(alice.address, operator2.address)).wait();
      const ids = [withdrawalId(alice.address, 0n), withdrawalId(alice.address, 1n)];
      expect(await vault.connect(admin).undelegate.staticCall(alice.address)).to.deep.equal([
        operator2.address,
        ids,
      ]);
      const t = await nextTimestamp();
      const tx = vault.connect(admin).undelegate(alice.address);
      await expect(tx).to.emit(vault, "Undelegated").withArgs(alice.address, operator2.address);
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          ids[0],
          alice.address,
          operator2.address,
          stETH,
          ALICE_STETH * VIRTUAL_SHARES,
          t,
          t + DEFAULT_WITHDRAWAL_DELAY,
        );
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          ids[1],
          alice.address,
          operator2.address,
          rETH,
          ALICE_RETH * VIRTUAL_SHARES,
          t,
          t + DEFAULT_WITHDRAWAL_DELAY,
        );
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0n, 2n]);
      expect((await vault.pool(operator2.address, stETH)).queuedShares).to.equal(
        ALICE_STETH * VIRTUAL_SHARES,
      );
    });

    // A staker's asset mask has a bit exactly for the assets it holds shares of: undelegation queues one withdrawal
    // per bit, so a bit without shares would make it queue 0 shares (ZeroAmount) and lock the staker in.
    it("delegate clears the mask bit of an asset whose undelegated shares were worth nothing, so undelegation queues nothing for it", async function () {
      const { vault, registry, alice, operator1, assetAddresses } = await loadFixture(stakingFixture);
      const [stETH] = assetAddresses;
      await (await vault.connect(alice).deposit(stETH, WAD, 0n)).wait();
      // leave 1 share, worth 1 * (1e18 + 1) / (1e24 + 1e6) = 0 assets
      await (await vault.connect(alice).queueWithdrawal(stETH, WAD * VIRTUAL_SHARES - 1n)).wait();
      expect(toAssetsDown(1n, WAD, WAD * VIRTUAL_SHARES)).to.equal(0n);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0b1n, 1n]);
      await expect(registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.emit(vault, "SharesMoved")
        .withArgs(alice.address, stETH, ZERO, operator1.address, 1n, 0n, 0n);
      expect(await vault.position(alice.address, stETH)).to.deep.equal([operator1.address, 0n, 0n]);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([operator1.address, 0n, 1n]);
      expect(await vault.activePositions(alice.address)).to.deep.equal([operator1.address, [], [], []]);
      await expect(registry.connect(alice).undelegate(alice.address))
        .to.emit(registry, "StakerUndelegated")
        .withArgs(alice.address, operator1.address, alice.address, []);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0n, 1n]);
    });

    it("a completion as shares worth nothing sets no mask bit, so a later undelegation queues only the held assets", async function () {
      const { vault, registry, admin, carol, operator1, assetAddresses } = await loadFixture(stakingFixture);
      const [stETH, rETH] = assetAddresses;
      await (await registry.connect(carol).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(carol).deposit(stETH, WAD, 0n)).wait();
      await (await vault.connect(carol).deposit(rETH, WAD, 0n)).wait();
      await (await vault.connect(carol).queueWithdrawal(stETH, WAD * VIRTUAL_SHARES)).wait();
      expect(await vault.stakerInfo(carol.address)).to.deep.equal([operator1.address, 0b10n, 1n]);
      // the whole stETH pool of operator1 is slashed (a MockSlashingCaller stands in for the slashing manager)
      const manager = await mockManager(vault, admin);
      await (await manager.reserveSlash(operator1.address, stETH, 1n, 1n)).wait();
      await (await manager.executeSlashWith(operator1.address, stETH, WAD, false)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const id = withdrawalId(carol.address, 0n);
      await expect(vault.connect(carol).completeWithdrawal(id, false, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          id,
          carol.address,
          carol.address,
          operator1.address,
          stETH,
          WAD * VIRTUAL_SHARES,
          0n,
          false,
          operator1.address,
          0n,
        );
      expect(await vault.stakerInfo(carol.address)).to.deep.equal([operator1.address, 0b10n, 1n]);
      expect(await vault.position(carol.address, stETH)).to.deep.equal([operator1.address, 0n, 0n]);
      await expect(registry.connect(carol).undelegate(carol.address))
        .to.emit(registry, "StakerUndelegated")
        .withArgs(carol.address, operator1.address, carol.address, [withdrawalId(carol.address, 1n)]);
      expect(await vault.stakerInfo(carol.address)).to.deep.equal([ZERO, 0n, 2n]);
    });

    it("undelegate reverts NotDelegated(staker)", async function () {
      const { vault, admin, alice } = await loadFixture(eoaRegistryFixture);
      await expect(vault.connect(admin).undelegate(alice.address))
        .to.be.revertedWithCustomError(vault, "NotDelegated")
        .withArgs(alice.address);
    });
  });

  describe("rewards hook", function () {
    /** [staker, operator, asset, stakerSharesBefore, stakerSharesAfter, poolActiveSharesBefore] */
    type ExpectedCall = [string, string, string, bigint, bigint, bigint];

    async function expectCalls(
      hook: MockRewardsHook,
      vaultAddress: string,
      expected: ExpectedCall[],
    ): Promise<void> {
      const calls = await hook.getCalls();
      expect(calls.length, "number of hook calls").to.equal(expected.length);
      calls.forEach((c, i) => {
        expect(c.caller).to.equal(vaultAddress);
        expect(
          [
            c.staker,
            c.operator,
            c.asset,
            c.stakerSharesBefore,
            c.stakerSharesAfter,
            c.poolActiveSharesBefore,
          ],
          `hook call ${i}`,
        ).to.deep.equal(expected[i]);
        // the pool the hook reads during the call has not changed yet
        expect(c.observedPoolActiveShares, `hook call ${i} ran before the change`).to.equal(
          c.poolActiveSharesBefore,
        );
      });
      await (await hook.reset()).wait();
    }

    it("is called before a deposit into a delegated pool, not into the undelegated pool", async function () {
      const { vault, registry, hook, vaultAddress, alice, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      const [stETH] = assetAddresses;
      const op = operator1.address;
      await (await vault.connect(alice).deposit(stETH, WAD, 0n)).wait();
      await expectCalls(hook, vaultAddress, []);
      // bob holds nothing: delegating moves nothing and tells the hook nothing
      await (await registry.connect(bob).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      await expectCalls(hook, vaultAddress, []);
      await (await vault.connect(bob).deposit(stETH, 2n * WAD, 0n)).wait();
      await (await vault.connect(bob).deposit(stETH, 3n * WAD, 0n)).wait();
      const s1 = 2n * WAD * VIRTUAL_SHARES;
      const s2 = toSharesDown(3n * WAD, 2n * WAD, s1);
      await expectCalls(hook, vaultAddress, [
        [bob.address, op, stETH, 0n, s1, 0n],
        [bob.address, op, stETH, s1, s1 + s2, s1],
      ]);
    });

    it("is called once per asset when delegating, with the staker's active shares before (0) and after", async function () {
      const { vault, registry, hook, vaultAddress, alice, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      const [stETH, , cbETH] = assetAddresses;
      const op = operator1.address;
      await (await registry.connect(bob).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(stETH, 2n * WAD, 0n)).wait();
      await (await vault.connect(alice).deposit(cbETH, WAD, 0n)).wait();
      await (await vault.connect(alice).deposit(stETH, WAD, 0n)).wait();
      await (await hook.reset()).wait();
      await (await registry.connect(alice).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      await expectCalls(hook, vaultAddress, [
        [alice.address, op, stETH, 0n, WAD * VIRTUAL_SHARES, 2n * WAD * VIRTUAL_SHARES],
        [alice.address, op, cbETH, 0n, WAD * VIRTUAL_SHARES, 0n],
      ]);
    });

    it("is called before queueing from a delegated pool and on undelegation, never for complete-as-tokens", async function () {
      const { vault, registry, hook, vaultAddress, alice, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      const [stETH, rETH] = assetAddresses;
      const op = operator1.address;
      await (await registry.connect(bob).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(stETH, 4n * WAD, 0n)).wait();
      await (await vault.connect(bob).deposit(rETH, WAD, 0n)).wait();
      await (await vault.connect(alice).deposit(stETH, WAD, 0n)).wait();
      await (await hook.reset()).wait();
      const held = 4n * WAD * VIRTUAL_SHARES;
      const queued = WAD * VIRTUAL_SHARES;
      await (await vault.connect(bob).queueWithdrawal(stETH, queued)).wait();
      await (await vault.connect(alice).queueWithdrawal(stETH, 1n)).wait();
      await expectCalls(hook, vaultAddress, [[bob.address, op, stETH, held, held - queued, held]]);
      await (await registry.connect(bob).undelegate(bob.address)).wait();
      const left = held - queued;
      await expectCalls(hook, vaultAddress, [
        [bob.address, op, stETH, left, 0n, left],
        [bob.address, op, rETH, WAD * VIRTUAL_SHARES, 0n, WAD * VIRTUAL_SHARES],
      ]);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await (await vault.connect(bob).completeWithdrawal(withdrawalId(bob.address, 0n), true, 0n)).wait();
      await (await vault.connect(alice).completeWithdrawal(withdrawalId(alice.address, 0n), true, 0n)).wait();
      await expectCalls(hook, vaultAddress, []);
    });

    it("is called before complete-as-shares into a delegated pool, not into the undelegated pool", async function () {
      const { vault, registry, hook, vaultAddress, alice, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      const [stETH] = assetAddresses;
      const op = operator1.address;
      await (await vault.connect(alice).deposit(stETH, 2n * WAD, 0n)).wait();
      await (await vault.connect(alice).queueWithdrawal(stETH, WAD * VIRTUAL_SHARES)).wait();
      await (await vault.connect(bob).deposit(stETH, WAD, 0n)).wait();
      await (await vault.connect(bob).queueWithdrawal(stETH, WAD * VIRTUAL_SHARES)).wait();
      await (await registry.connect(alice).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await hook.reset()).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await (await vault.connect(bob).completeWithdrawal(withdrawalId(bob.address, 0n), false, 0n)).wait();
      await expectCalls(hook, vaultAddress, []);
      // alice's 1e18 (pool 0 at 1e6 shares per asset) re-enter operator1's pool of 1e18 / 1e24
      await (
        await vault.connect(alice).completeWithdrawal(withdrawalId(alice.address, 0n), false, 0n)
      ).wait();
      const s = WAD * VIRTUAL_SHARES;
      await expectCalls(hook, vaultAddress, [
        [alice.address, op, stETH, s, s + toSharesDown(WAD, WAD, s), s],
      ]);
    });

    it("a reverting hook blocks changes of delegated active shares only", async function () {
      const { vault, registry, hook, alice, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      const [stETH] = assetAddresses;
      await (await registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(stETH, WAD, 0n)).wait();
      await (await vault.connect(bob).queueWithdrawal(stETH, 1n)).wait();
      await (await hook.setShouldRevert(true)).wait();
      await expect(vault.connect(bob).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(hook, "HookReverted")
        .withArgs(bob.address, operator1.address, stETH);
      await expect(vault.connect(bob).queueWithdrawal(stETH, 1n))
        .to.be.revertedWithCustomError(hook, "HookReverted")
        .withArgs(bob.address, operator1.address, stETH);
      await expect(vault.connect(alice).deposit(stETH, WAD, 0n)).to.emit(vault, "Deposited");
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await expect(vault.connect(bob).completeWithdrawal(withdrawalId(bob.address, 0n), true, 0n)).to.emit(
        vault,
        "WithdrawalCompleted",
      );
    });

    it("is not called once unset", async function () {
      const { vault, registry, hook, vaultAddress, admin, bob, operator1, assetAddresses } =
        await loadFixture(rewardsHookFixture);
      await (await vault.connect(admin).setRewardsHook(ZERO)).wait();
      await (await registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(assetAddresses[0], WAD, 0n)).wait();
      await expectCalls(hook, vaultAddress, []);
      // set again, the same action is recorded
      await (await vault.connect(admin).setRewardsHook(await hook.getAddress())).wait();
      await (await vault.connect(bob).deposit(assetAddresses[0], WAD, 0n)).wait();
      expect(await hook.callCount()).to.equal(1n);
    });
  });

  describe("slashing-manager functions (through MockSlashingCaller)", function () {
    const BOB = 60n * WAD;
    const CAROL = 40n * WAD;
    const T0 = BOB + CAROL;
    const S0 = T0 * VIRTUAL_SHARES;

    /** slashingFixture + bob (60 stETH) and carol (40 stETH) delegated to operator1: pool 100e18 / 100e24. */
    async function stakedFixture(): Promise<Awaited<ReturnType<typeof slashingFixture>>> {
      const f = await slashingFixture();
      const [stETH] = f.assetAddresses;
      for (const [s, amount] of [
        [f.bob, BOB],
        [f.carol, CAROL],
      ] as const) {
        await (await f.registry.connect(s).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
        await (await f.vault.connect(s).deposit(stETH, amount, 0n)).wait();
      }
      return f;
    }

    it("holds a withdrawal that became ready at or after its pool's request epoch closed to joining (gateAt + JOIN_WINDOW <= readyAt) until gateAt + GATE_CYCLE + EXIT_MARGIN, and one ready before that until gateAt + EXIT_MARGIN (WithdrawalGated, as tokens and as shares), reported by withdrawableAmount; no hold once it has passed, nor in the undelegated pool", async function () {
      const f = await loadFixture(stakedFixture);
      const { vault, slasher, registry, bob, carol, operator1, stETH, assetAddresses } = f;
      const [asset] = assetAddresses;
      const JOIN = 6n * HOUR;
      const CYCLE = 3n * DAY + 18n * HOUR - 1n;
      const MARGIN = HOUR;
      expect(await vault.EXIT_MARGIN()).to.equal(MARGIN);
      await (await vault.connect(bob).queueWithdrawal(asset, BOB * VIRTUAL_SHARES)).wait();
      const bobId = withdrawalId(bob.address, 0n);
      const readyAt = (await vault.withdrawal(bobId))[1].readyAt;
      const held = async (gateAt: bigint, expected: bigint) => {
        await (await slasher.setGateAt(operator1.address, asset, gateAt)).wait();
        expect((await vault.withdrawableAmount(bobId))[1], `gateAt = readyAt - ${readyAt - gateAt}`).to.equal(
          expected,
        );
      };
      await held(0n, readyAt);
      // ready while the join window was open: EXIT_MARGIN after the epoch's start, already past here
      await held(readyAt - JOIN + 1n, readyAt);
      await held(readyAt - MARGIN, readyAt);
      await held(readyAt - MARGIN + 1n, readyAt + 1n);
      // an epoch started after it was ready (the one before may have held it): EXIT_MARGIN after that start
      await held(readyAt, readyAt + MARGIN);
      await held(readyAt + DAY, readyAt + DAY + MARGIN);
      // ready once the join window had closed: GATE_CYCLE + EXIT_MARGIN after the epoch's start
      await held(readyAt - CYCLE - MARGIN, readyAt);
      await held(readyAt - CYCLE - MARGIN + 1n, readyAt + 1n);
      const gateAt = readyAt - JOIN;
      await held(gateAt, gateAt + CYCLE + MARGIN);
      await time.setNextBlockTimestamp(readyAt);
      await expect(vault.connect(bob).completeWithdrawal(bobId, true, 0n))
        .to.be.revertedWithCustomError(vault, "WithdrawalGated")
        .withArgs(bobId, gateAt + CYCLE + MARGIN);
      await time.setNextBlockTimestamp(gateAt + CYCLE + MARGIN - 1n);
      await expect(vault.connect(bob).completeWithdrawal(bobId, false, 0n))
        .to.be.revertedWithCustomError(vault, "WithdrawalGated")
        .withArgs(bobId, gateAt + CYCLE + MARGIN);
      await time.setNextBlockTimestamp(gateAt + CYCLE + MARGIN);
      await expect(vault.connect(bob).completeWithdrawal(bobId, true, BOB)).to.changeTokenBalance(
        stETH,
        bob,
        BOB,
      );
      // the undelegated pool has no epochs: a gateAt reported for address(0) holds nothing
      await (await registry.connect(carol).undelegate(carol.address)).wait();
      const carolId = withdrawalId(carol.address, 0n);
      const carolReady = (await vault.withdrawal(carolId))[1].readyAt;
      expect((await vault.withdrawal(carolId))[1].operator).to.equal(operator1.address);
      await (await vault.connect(carol).deposit(asset, WAD, 0n)).wait();
      await (await vault.connect(carol).queueWithdrawal(asset, WAD * VIRTUAL_SHARES)).wait();
      const undelegatedId = withdrawalId(carol.address, 1n);
      expect((await vault.withdrawal(undelegatedId))[1].operator).to.equal(ZERO);
      const undelegatedReady = (await vault.withdrawal(undelegatedId))[1].readyAt;
      await (await slasher.setGateAt(ZERO, asset, undelegatedReady - JOIN)).wait();
      await (await slasher.setGateAt(operator1.address, asset, carolReady - JOIN)).wait();
      expect((await vault.withdrawableAmount(undelegatedId))[1]).to.equal(undelegatedReady);
      expect((await vault.withdrawableAmount(carolId))[1]).to.equal(carolReady - JOIN + CYCLE + MARGIN);
      await time.setNextBlockTimestamp(undelegatedReady);
      await expect(vault.connect(carol).completeWithdrawal(undelegatedId, true, WAD)).to.changeTokenBalance(
        stETH,
        carol,
        WAD,
      );
    });

    it("reserveSlash, releaseSlash and executeSlash revert OnlySlashingManager(caller) for anyone else", async function () {
      const { vault, admin, operator1, outsider, assetAddresses } = await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      for (const caller of [admin, operator1, outsider]) {
        const v = vault.connect(caller);
        await expect(v.reserveSlash(operator1.address, asset, 1n, 2n))
          .to.be.revertedWithCustomError(vault, "OnlySlashingManager")
          .withArgs(caller.address);
        await expect(v.releaseSlash(operator1.address, asset, 0n))
          .to.be.revertedWithCustomError(vault, "OnlySlashingManager")
          .withArgs(caller.address);
        await expect(v.executeSlash(operator1.address, asset, 0n, false))
          .to.be.revertedWithCustomError(vault, "OnlySlashingManager")
          .withArgs(caller.address);
      }
    });

    it("reserveSlash reverts InvalidSlash for the undelegated pool, a zero magnitude, a zero free magnitude and magnitude > freeMagnitude", async function () {
      const { vault, slasher, operator1, assetAddresses } = await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      const before = await vault.pool(operator1.address, asset);
      await expect(slasher.reserveSlash(ZERO, asset, 1n, 2n))
        .to.be.revertedWithCustomError(vault, "InvalidSlash")
        .withArgs(ZERO, asset);
      // (magnitude, freeMagnitude): nothing to take, nothing free to take it from (not a division by zero), too much
      for (const [magnitude, free] of [
        [0n, WAD],
        [0n, 0n],
        [1n, 0n],
        [3n, 2n],
      ]) {
        await expect(slasher.reserveSlash(operator1.address, asset, magnitude, free))
          .to.be.revertedWithCustomError(vault, "InvalidSlash")
          .withArgs(operator1.address, asset);
      }
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(before);
    });

    it("reserveSlash reserves magnitude / freeMagnitude of the net assets and counts the request, in O(1) (SlashReserved)", async function () {
      const { vault, slasher, operator1, bob, assetAddresses } = await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      const first = mulDivDown(T0, WAD / 4n, WAD);
      expect(first).to.equal(25n * WAD);
      expect(await slasher.reserveSlash.staticCall(operator1.address, asset, WAD / 4n, WAD)).to.equal(first);
      await expect(slasher.reserveSlash(operator1.address, asset, WAD / 4n, WAD))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, asset, first, first, 1n);
      // the second request is priced on what the first left: 75e18 * 1 / 3, rounded down
      const second = mulDivDown(T0 - first, 1n, 3n);
      await expect(slasher.reserveSlash(operator1.address, asset, 1n, 3n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, asset, second, first + second, 2n);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(T0, S0, 0n, first + second, 2n),
      );
      expect(await vault.openSlashReservations()).to.equal(2n);
      const net = T0 - first - second;
      expect(await vault.poolNetAssets(operator1.address, asset)).to.equal(net);
      expect((await vault.position(bob.address, asset))[2]).to.equal(
        toAssetsDown(BOB * VIRTUAL_SHARES, net, S0),
      );
      expect(await vault.operatorStake(operator1.address, asset)).to.equal(toAssetsDown(S0, net, S0));
    });

    it("reserveSlash of a reservation worth 0 tokens changes nothing and returns 0 (no event, no count); an empty pool is not closed by it", async function () {
      const { vault, slasher, operator1, operator2, assetAddresses } = await loadFixture(stakedFixture);
      const [stETH, rETH] = assetAddresses;
      // 100e18 * 1 / (1e20 + 1) rounds to 0
      const free = T0 + 1n;
      expect(mulDivDown(T0, 1n, free)).to.equal(0n);
      const before = await vault.pool(operator1.address, stETH);
      expect(await slasher.reserveSlash.staticCall(operator1.address, stETH, 1n, free)).to.equal(0n);
      const tx = slasher.reserveSlash(operator1.address, stETH, 1n, free);
      await expect(tx).to.not.emit(vault, "SlashReserved");
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(before);
      expect(before).to.deep.equal(poolOf(T0, S0, 0n, 0n));
      // an empty pool: even the whole of it is worth 0
      expect(await slasher.reserveSlash.staticCall(operator2.address, rETH, WAD, WAD)).to.equal(0n);
      await expect(slasher.reserveSlash(operator2.address, rETH, WAD, WAD)).to.not.emit(
        vault,
        "SlashReserved",
      );
      expect(await vault.pool(operator2.address, rETH)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect(await vault.openSlashReservations()).to.equal(0n);
      // both pools still take deposits at their unreserved price (operators are delegated to themselves)
      expect(await vault.previewDeposit(operator2.address, rETH, WAD)).to.equal(WAD * VIRTUAL_SHARES);
      await expect(vault.connect(operator2).deposit(rETH, WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(operator2.address, operator2.address, rETH, WAD, WAD * VIRTUAL_SHARES);
      await expect(vault.connect(operator1).deposit(stETH, WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(operator1.address, operator1.address, stETH, WAD, toSharesDown(WAD, T0, S0));
    });

    it("pendingRequests counts the reservations on a pool and openSlashReservations() across pools: two reservations -> 2, a release -> 1, an execution -> 0", async function () {
      const { vault, slasher, operator1, operator2, assetAddresses } = await loadFixture(stakedFixture);
      const [stETH, rETH] = assetAddresses;
      await (await vault.connect(operator2).deposit(rETH, 8n * WAD, 0n)).wait();
      expect(await vault.openSlashReservations()).to.equal(0n);
      const a = mulDivDown(T0, 1n, 10n);
      const b = mulDivDown(T0 - a, 1n, 2n);
      await expect(slasher.reserveSlash(operator1.address, stETH, 1n, 10n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, stETH, a, a, 1n);
      await expect(slasher.reserveSlash(operator1.address, stETH, 1n, 2n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator1.address, stETH, b, a + b, 2n);
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(T0, S0, 0n, a + b, 2n));
      // a request on another operator's pool counts there, and in the global count
      await expect(slasher.reserveSlash(operator2.address, rETH, 1n, 4n))
        .to.emit(vault, "SlashReserved")
        .withArgs(operator2.address, rETH, 2n * WAD, 2n * WAD, 1n);
      expect(await vault.openSlashReservations()).to.equal(3n);
      // the first request on operator1's stETH is vetoed: one is still pending, the pool stays closed
      await expect(slasher.releaseSlash(operator1.address, stETH, a))
        .to.emit(vault, "SlashReleased")
        .withArgs(operator1.address, stETH, a, b, 1n);
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(T0, S0, 0n, b, 1n));
      expect(await vault.openSlashReservations()).to.equal(2n);
      await expect(vault.connect(operator1).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, stETH, 1n);
      // the second is executed: nothing pending, the pool is open again
      await expect(slasher.executeSlash(operator1.address, stETH, b))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, stETH, b, T0 - b, 0n, false);
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(T0 - b, S0, 0n, 0n, 0n));
      expect(await vault.openSlashReservations()).to.equal(1n);
      await expect(vault.connect(operator1).deposit(stETH, WAD, 0n)).to.emit(vault, "Deposited");
      await (await slasher.releaseSlash(operator2.address, rETH, 2n * WAD)).wait();
      expect(await vault.openSlashReservations()).to.equal(0n);
    });

    it("setSlashingManager reverts SlashReservationsOpen(n) while reservations are open, and succeeds once they are released", async function () {
      const { vault, admin, slasher, slasherAddress, outsider, operator1, operator2, assetAddresses } =
        await loadFixture(stakedFixture);
      const [stETH, rETH] = assetAddresses;
      await (await vault.connect(operator2).deposit(rETH, 8n * WAD, 0n)).wait();
      await (await slasher.reserveSlash(operator1.address, stETH, 1n, 4n)).wait();
      await (await slasher.reserveSlash(operator2.address, rETH, 1n, 4n)).wait();
      for (const open of [2n, 1n]) {
        await expect(vault.connect(admin).setSlashingManager(outsider.address))
          .to.be.revertedWithCustomError(vault, "SlashReservationsOpen")
          .withArgs(open);
        expect((await vault.modules()).slashingManager).to.equal(slasherAddress);
        if (open === 2n) await (await slasher.releaseSlash(operator1.address, stETH, T0 / 4n)).wait();
      }
      await (await slasher.executeSlash(operator2.address, rETH, 2n * WAD)).wait();
      expect(await vault.openSlashReservations()).to.equal(0n);
      await expect(vault.connect(admin).setSlashingManager(outsider.address))
        .to.emit(vault, "ModuleSet")
        .withArgs(moduleKey("slashingManager"), outsider.address);
      expect((await vault.modules()).slashingManager).to.equal(outsider.address);
    });

    // A pool with a pending request takes no new shares: entering at the net price and then sharing a veto's returned
    // value would pay the entrant for a risk it never bore (a slasher could request, deposit 1 wei and cancel to take
    // half a pool). Its exits wait too (docs/slashing.md). Once the request is executed, vetoed or cancelled, entries
    // and exits work again at the resolved rate. The undelegated pool is never slashed.
    it("a deposit made after a reservation cannot pay for it: refused while it is pending (PoolSlashPending with the number of requests); right after execution it enters at the post-slash rate and is worth what it deposited", async function () {
      const { vault, registry, stETH, slasher, operator1, dave, bob, assetAddresses } =
        await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      await (await registry.connect(dave).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await slasher.reserveSlash(operator1.address, asset, WAD / 4n, WAD)).wait();
      const reserved = mulDivDown(T0, WAD / 4n, WAD);
      expect(reserved).to.equal(25n * WAD);
      const amount = 30n * WAD;
      expect(await vault.previewDeposit(operator1.address, asset, amount)).to.equal(0n);
      for (const minShares of [0n, 1n]) {
        await expect(vault.connect(dave).deposit(asset, amount, minShares))
          .to.be.revertedWithCustomError(vault, "PoolSlashPending")
          .withArgs(operator1.address, asset, 1n);
      }
      // nothing moved: no token, no share, no cap usage
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(T0, S0, 0n, reserved, 1n));
      expect(await vault.position(dave.address, asset)).to.deep.equal([operator1.address, 0n, 0n]);
      expect(await vault.stakerInfo(dave.address)).to.deep.equal([operator1.address, 0n, 0n]);
      expect(await stETH.balanceOf(dave.address)).to.equal(STAKER_FUNDS);
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(T0);

      await (await slasher.executeSlash(operator1.address, asset, reserved)).wait();
      const t1 = T0 - reserved;
      const minted = toSharesDown(amount, t1, S0);
      expect(await vault.previewDeposit(operator1.address, asset, amount)).to.equal(minted);
      await expect(vault.connect(dave).deposit(asset, amount, minted))
        .to.emit(vault, "Deposited")
        .withArgs(dave.address, operator1.address, asset, amount, minted);
      const [t, s] = [t1 + amount, S0 + minted];
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(t, s, 0n, 0n));
      const daveValue = toAssetsDown(minted, t, s);
      expect((await vault.position(dave.address, asset))[2]).to.equal(daveValue);
      // dave loses at most the rounding of his own mint and of the valuation (2 wei), not a share of the slash
      expect(daveValue).to.be.lte(amount);
      expect(amount - daveValue).to.be.lte(2n);
      expect((await vault.position(bob.address, asset))[2]).to.equal(
        toAssetsDown(BOB * VIRTUAL_SHARES, t, s),
      );
      expect(BOB - toAssetsDown(BOB * VIRTUAL_SHARES, t, s)).to.be.gte(15n * WAD - 1n);
    });

    it("a deposit while a reservation is pending cannot profit from its release: refused; after the release the pool's stakers have their full value back (invariant 3)", async function () {
      const { vault, registry, stETH, slasher, bob, erin, operator1, assetAddresses } =
        await loadFixture(slashingFixture);
      const [asset] = assetAddresses;
      await (await registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(bob).deposit(asset, 100n * WAD, 0n)).wait();
      const [t, s] = [100n * WAD, 100n * WAD * VIRTUAL_SHARES];
      // a request reserves half of the pool; at the net price erin's 50e18 would buy 100e24 shares
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 2n)).wait();
      const reserved = mulDivDown(t, 1n, 2n);
      await (await registry.connect(erin).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await expect(vault.connect(erin).deposit(asset, 50n * WAD, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, asset, 1n);
      expect((await vault.position(bob.address, asset))[2]).to.equal(toAssetsDown(s, t - reserved, s));

      // the request is vetoed: the reserved 50e18 go back to bob, the only staker who bore the risk
      await (await slasher.releaseSlash(operator1.address, asset, reserved)).wait();
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(t, s, 0n, 0n));
      expect(toAssetsDown(s, t, s)).to.equal(100n * WAD);
      expect((await vault.position(bob.address, asset))[2], "bob's value after the veto").to.equal(
        100n * WAD,
      );

      // erin now enters at the restored rate and leaves with no more than she paid
      const erinShares = toSharesDown(50n * WAD, t, s);
      await expect(vault.connect(erin).deposit(asset, 50n * WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(erin.address, operator1.address, asset, 50n * WAD, erinShares);
      await (await vault.connect(erin).queueWithdrawal(asset, erinShares)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const paid = toAssetsDown(erinShares, t + 50n * WAD, s + erinShares);
      await expect(
        vault.connect(erin).completeWithdrawal(withdrawalId(erin.address, 0n), true, 0n),
      ).to.changeTokenBalance(stETH, erin, paid);
      expect(paid, "erin withdrew no more than she deposited").to.be.lte(50n * WAD);
      expect((await vault.position(bob.address, asset))[2]).to.equal(
        toAssetsDown(s, t + 50n * WAD - paid, s),
      );
      expect(toAssetsDown(s, t + 50n * WAD - paid, s)).to.be.gte(100n * WAD);
    });

    it("a pending reservation closes only its own pool: the undelegated pool, the operator's other assets and other operators stay open", async function () {
      const { vault, slasher, operator1, operator2, alice, bob, assetAddresses } =
        await loadFixture(stakedFixture);
      const [stETH, rETH] = assetAddresses;
      await (await slasher.reserveSlash(operator1.address, stETH, 1n, 4n)).wait();
      const reserved = mulDivDown(T0, 1n, 4n);
      await expect(vault.connect(bob).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, stETH, 1n);
      // (address(0), stETH): the undelegated pool is never slashed
      await expect(vault.connect(alice).deposit(stETH, 2n * WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(alice.address, ZERO, stETH, 2n * WAD, toSharesDown(2n * WAD, 0n, 0n));
      // (operator1, rETH): same operator, another asset
      await expect(vault.connect(bob).deposit(rETH, 3n * WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(bob.address, operator1.address, rETH, 3n * WAD, toSharesDown(3n * WAD, 0n, 0n));
      // (operator2, stETH): another operator (operators are delegated to themselves)
      await expect(vault.connect(operator2).deposit(stETH, 4n * WAD, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(operator2.address, operator2.address, stETH, 4n * WAD, toSharesDown(4n * WAD, 0n, 0n));
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(T0, S0, 0n, reserved, 1n));
    });

    it("delegate refuses to move undelegated shares into a pool with a pending reservation, until it is released", async function () {
      const { vault, registry, slasher, operator1, alice, erin, assetAddresses } =
        await loadFixture(stakedFixture);
      const [stETH, rETH] = assetAddresses;
      await (await vault.connect(alice).deposit(stETH, 10n * WAD, 0n)).wait();
      await (await vault.connect(alice).deposit(rETH, 5n * WAD, 0n)).wait();
      await (await vault.connect(erin).deposit(rETH, 7n * WAD, 0n)).wait();
      await (await slasher.reserveSlash(operator1.address, stETH, WAD / 4n, WAD)).wait();
      const reserved = mulDivDown(T0, WAD / 4n, WAD);

      // alice holds stETH, whose pool at operator1 is pending: the whole delegation reverts
      await expect(registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, stETH, 1n);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0b11n, 0n]);
      expect(await vault.position(alice.address, stETH)).to.deep.equal([
        ZERO,
        10n * WAD * VIRTUAL_SHARES,
        10n * WAD,
      ]);
      expect(await vault.pool(ZERO, stETH)).to.deep.equal(
        poolOf(10n * WAD, 10n * WAD * VIRTUAL_SHARES, 0n, 0n),
      );
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(T0, S0, 0n, reserved, 1n));

      // erin holds only rETH, whose pool at operator1 has nothing pending: she delegates
      await expect(registry.connect(erin).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.emit(vault, "SharesMoved")
        .withArgs(
          erin.address,
          rETH,
          ZERO,
          operator1.address,
          7n * WAD * VIRTUAL_SHARES,
          7n * WAD,
          toSharesDown(7n * WAD, 0n, 0n),
        );

      // once the request is vetoed, alice's stETH enters at the restored rate
      await (await slasher.releaseSlash(operator1.address, stETH, reserved)).wait();
      const tx = registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT);
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          stETH,
          ZERO,
          operator1.address,
          10n * WAD * VIRTUAL_SHARES,
          10n * WAD,
          toSharesDown(10n * WAD, T0, S0),
        );
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          rETH,
          ZERO,
          operator1.address,
          5n * WAD * VIRTUAL_SHARES,
          5n * WAD,
          toSharesDown(5n * WAD, 7n * WAD, toSharesDown(7n * WAD, 0n, 0n)),
        );
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([operator1.address, 0b11n, 0n]);
    });

    it("completeWithdrawal as shares into a pool with a pending request reverts PoolSlashPending; as tokens (from the undelegated pool, which has no request) it completes", async function () {
      const { vault, registry, stETH, slasher, operator1, alice, assetAddresses } =
        await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      // alice queues her undelegated stETH and delegates to operator1 (holding nothing, nothing moves)
      await (await vault.connect(alice).deposit(asset, 10n * WAD, 0n)).wait();
      await (await vault.connect(alice).queueWithdrawal(asset, 10n * WAD * VIRTUAL_SHARES)).wait();
      await (await registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 5n)).wait();
      const reserved = mulDivDown(T0, 1n, 5n);
      const id = withdrawalId(alice.address, 0n);
      const record = await vault.withdrawal(id);

      await expect(vault.connect(alice).completeWithdrawal(id, false, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, asset, 1n);
      expect(await vault.withdrawal(id)).to.deep.equal(record);
      expect(await vault.pool(ZERO, asset)).to.deep.equal(
        poolOf(10n * WAD, 10n * WAD * VIRTUAL_SHARES, 10n * WAD * VIRTUAL_SHARES, 0n),
      );
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(T0, S0, 0n, reserved, 1n));

      // the exit is open: as tokens it pays the undelegated pool's rate (never slashed)
      const snapshot = await takeSnapshot();
      await expect(vault.connect(alice).completeWithdrawal(id, true, 0n)).to.changeTokenBalance(
        stETH,
        alice,
        10n * WAD,
      );
      await snapshot.restore();

      // once the reservation is executed, the completion as shares enters at the post-slash rate
      await (await slasher.executeSlash(operator1.address, asset, reserved)).wait();
      const minted = toSharesDown(10n * WAD, T0 - reserved, S0);
      await expect(vault.connect(alice).completeWithdrawal(id, false, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          id,
          alice.address,
          alice.address,
          ZERO,
          asset,
          10n * WAD * VIRTUAL_SHARES,
          10n * WAD,
          false,
          operator1.address,
          minted,
        );
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(T0 - reserved + 10n * WAD, S0 + minted, 0n, 0n),
      );
    });

    // A pool whose shares are all gone while it still holds assets cannot be reached any more (exits wait for pending
    // requests, so nobody leaves at a net price of 0 for a veto to hand the pool back to no share). The vault still
    // refuses a deposit that would mint no shares; the state is written to storage to test that guard.
    it("a deposit that would mint no shares reverts SharesBelowMinimum(0, minShares), even with minShares 0", async function () {
      const { vault, vaultAddress, operator2, assetAddresses } = await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      // pool (operator2, stETH) := 100e18 assets and no share (slot 0 of the Pool: totalAssets | totalShares << 112)
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const poolsSlot = BigInt(VAULT_STORAGE_LOCATION) + 18n;
      const inner = ethers.keccak256(coder.encode(["address", "uint256"], [operator2.address, poolsSlot]));
      const slot = ethers.keccak256(coder.encode(["address", "bytes32"], [asset, inner]));
      await setStorageAt(vaultAddress, slot, T0);
      expect(await vault.pool(operator2.address, asset)).to.deep.equal(poolOf(T0, 0n, 0n, 0n));

      // 1e14 * (0 + 1e6) / (100e18 + 1) rounds to 0
      const worthless = 10n ** 14n;
      expect(toSharesDown(worthless, T0, 0n)).to.equal(0n);
      expect(await vault.previewDeposit(operator2.address, asset, worthless)).to.equal(0n);
      for (const minShares of [0n, 5n]) {
        await expect(vault.connect(operator2).deposit(asset, worthless, minShares))
          .to.be.revertedWithCustomError(vault, "SharesBelowMinimum")
          .withArgs(0n, minShares);
      }
      expect(await vault.pool(operator2.address, asset)).to.deep.equal(poolOf(T0, 0n, 0n, 0n));
      expect(await vault.stakerInfo(operator2.address)).to.deep.equal([operator2.address, 0n, 0n]);
      // one wei more mints a share
      const minted = toSharesDown(worthless + 1n, T0, 0n);
      expect(minted).to.equal(1n);
      await expect(vault.connect(operator2).deposit(asset, worthless + 1n, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(operator2.address, operator2.address, asset, worthless + 1n, minted);
      expect(await vault.stakerInfo(operator2.address)).to.deep.equal([operator2.address, 0b1n, 0n]);
    });

    // docs/slashing.md: a withdrawal from a pool with a pending request waits for it. Priced net of a request that is
    // later vetoed, the exit would leave the reserved part to those who stayed; waiting, every staker of the pool,
    // leaving or not, ends whole after a veto or a cancel and bears the slash pro rata after an execution.
    it("completeWithdrawal from a pool with a pending request reverts PoolSlashPending(operator, asset, pendingRequests), as tokens and as shares; after a veto it pays the full value, after the execution the slashed value", async function () {
      const {
        vault,
        stETH,
        rETH: rETHToken,
        slasher,
        operator1,
        bob,
        carol,
        assetAddresses,
      } = await loadFixture(stakedFixture);
      const [asset, rETH] = assetAddresses;
      const id = withdrawalId(bob.address, 0n);
      const shares = BOB * VIRTUAL_SHARES;
      await (await vault.connect(bob).queueWithdrawal(asset, shares)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const reserved = mulDivDown(T0, 1n, 4n);
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 4n)).wait();
      // the view still prices the withdrawal net of the reservation: what it would be worth if executed
      const net = toAssetsDown(shares, T0 - reserved, S0);
      expect((await vault.withdrawableAmount(id))[0]).to.equal(net);
      const record = await vault.withdrawal(id);
      const pending = poolOf(T0, S0, shares, reserved, 1n);
      for (const asTokens of [true, false]) {
        for (const minAssets of [0n, net]) {
          await expect(vault.connect(bob).completeWithdrawal(id, asTokens, minAssets))
            .to.be.revertedWithCustomError(vault, "PoolSlashPending")
            .withArgs(operator1.address, asset, 1n);
        }
      }
      expect(await vault.withdrawal(id)).to.deep.equal(record);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(pending);
      // a second request: the count in the error follows
      const second = mulDivDown(T0 - reserved, 1n, 3n);
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 3n)).wait();
      await expect(vault.connect(bob).completeWithdrawal(id, true, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, asset, 2n);
      await (await slasher.releaseSlash(operator1.address, asset, second)).wait();
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(pending);
      const start = await takeSnapshot();

      // vetoed (released): bob is paid his full 60e18 and carol keeps her 40e18
      await (await slasher.releaseSlash(operator1.address, asset, reserved)).wait();
      expect((await vault.withdrawableAmount(id))[0]).to.equal(BOB);
      await expect(vault.connect(bob).completeWithdrawal(id, true, BOB))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(id, bob.address, bob.address, operator1.address, asset, shares, BOB, true, ZERO, 0n);
      // bob has every token he deposited back
      expect(await stETH.balanceOf(bob.address)).to.equal(STAKER_FUNDS);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(CAROL, CAROL * VIRTUAL_SHARES, 0n, 0n),
      );
      expect((await vault.position(carol.address, asset))[2]).to.equal(CAROL);

      // executed: bob is paid his shares at the slashed rate, exactly what the view said, and carol bears the same 25%
      await start.restore();
      await (await slasher.executeSlash(operator1.address, asset, reserved)).wait();
      expect(net).to.equal(45n * WAD);
      await expect(vault.connect(bob).completeWithdrawal(id, true, net + 1n))
        .to.be.revertedWithCustomError(vault, "AssetsBelowMinimum")
        .withArgs(net, net + 1n);
      await expect(vault.connect(bob).completeWithdrawal(id, true, net))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(id, bob.address, bob.address, operator1.address, asset, shares, net, true, ZERO, 0n);
      const left = T0 - reserved - net;
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(left, CAROL * VIRTUAL_SHARES, 0n, 0n),
      );
      expect((await vault.position(carol.address, asset))[2]).to.equal(
        toAssetsDown(CAROL * VIRTUAL_SHARES, left, CAROL * VIRTUAL_SHARES),
      );
      expect(toAssetsDown(CAROL * VIRTUAL_SHARES, left, CAROL * VIRTUAL_SHARES)).to.equal(30n * WAD);

      // a request closes only its own pool's exits: operator1's rETH pays while its stETH is pending
      await start.restore();
      await (await vault.connect(carol).deposit(rETH, 4n * WAD, 0n)).wait();
      await (await vault.connect(carol).queueWithdrawal(rETH, 4n * WAD * VIRTUAL_SHARES)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await expect(
        vault.connect(carol).completeWithdrawal(withdrawalId(carol.address, 0n), true, 4n * WAD),
      ).to.changeTokenBalance(rETHToken, carol, 4n * WAD);
    });

    it("releaseSlash returns a reservation to the pool and uncounts its request (SlashReleased); it reverts SlashReservationExceeded above the reservation or with no request pending", async function () {
      const { vault, slasher, operator1, operator2, bob, assetAddresses } = await loadFixture(stakedFixture);
      const [asset, rETH] = assetAddresses;
      // two requests: 10e18 of 100e18, then 15e18 of the 90e18 left
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 10n)).wait();
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 6n)).wait();
      await expect(slasher.releaseSlash(operator1.address, asset, 25n * WAD + 1n))
        .to.be.revertedWithCustomError(vault, "SlashReservationExceeded")
        .withArgs(operator1.address, asset, 25n * WAD, 25n * WAD + 1n);
      await expect(slasher.releaseSlash(operator1.address, asset, 10n * WAD))
        .to.emit(vault, "SlashReleased")
        .withArgs(operator1.address, asset, 10n * WAD, 15n * WAD, 1n);
      expect(await vault.poolNetAssets(operator1.address, asset)).to.equal(85n * WAD);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(T0, S0, 0n, 15n * WAD, 1n));
      await expect(slasher.releaseSlash(operator1.address, asset, 15n * WAD))
        .to.emit(vault, "SlashReleased")
        .withArgs(operator1.address, asset, 15n * WAD, 0n, 0n);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(T0, S0, 0n, 0n, 0n));
      expect(await vault.openSlashReservations()).to.equal(0n);
      expect((await vault.position(bob.address, asset))[2]).to.equal(BOB);
      // nothing pending: not even 0 can be released (a release always uncounts a request)
      for (const [op, a, amount] of [
        [operator1.address, asset, 0n],
        [operator2.address, asset, 1n],
        [operator1.address, rETH, 1n],
      ] as const) {
        await expect(slasher.releaseSlash(op, a, amount))
          .to.be.revertedWithCustomError(vault, "SlashReservationExceeded")
          .withArgs(op, a, 0n, amount);
      }
    });

    it("executeSlash takes reserved assets to the slashing manager and uncounts the request (Slashed), and every staker loses pro rata", async function () {
      const { vault, vaultAddress, stETH, slasher, slasherAddress, operator1, bob, carol, assetAddresses } =
        await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      // two requests: 10e18 of 100e18, then 15e18 of the 90e18 left
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 10n)).wait();
      await (await slasher.reserveSlash(operator1.address, asset, 1n, 6n)).wait();
      await expect(slasher.executeSlash(operator1.address, asset, 25n * WAD + 1n))
        .to.be.revertedWithCustomError(vault, "SlashReservationExceeded")
        .withArgs(operator1.address, asset, 25n * WAD, 25n * WAD + 1n);
      const tx = slasher.executeSlash(operator1.address, asset, 10n * WAD);
      await expect(tx)
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, asset, 10n * WAD, T0 - 10n * WAD, 1n, false);
      await expect(tx).to.changeTokenBalances(stETH, [vaultAddress, slasherAddress], [-10n * WAD, 10n * WAD]);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(T0 - 10n * WAD, S0, 0n, 15n * WAD, 1n),
      );
      expect((await vault.assetConfig(asset)).totalDeposited).to.equal(T0 - 10n * WAD);
      const t = T0 - 25n * WAD;
      await expect(slasher.executeSlash(operator1.address, asset, 15n * WAD))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, asset, 15n * WAD, t, 0n, false);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(t, S0, 0n, 0n, 0n));
      expect(await vault.openSlashReservations()).to.equal(0n);
      expect((await vault.position(bob.address, asset))[2]).to.equal(
        toAssetsDown(BOB * VIRTUAL_SHARES, t, S0),
      );
      expect((await vault.position(carol.address, asset))[2]).to.equal(
        toAssetsDown(CAROL * VIRTUAL_SHARES, t, S0),
      );
      // 60e24 * (75e18 + 1) / (100e24 + 1e6) = 45e18 + 0.15
      expect(toAssetsDown(BOB * VIRTUAL_SHARES, t, S0)).to.equal(45n * WAD);
    });

    it("executeSlash with no request pending reverts SlashReservationExceeded, even for 0, and moves no token", async function () {
      const { vault, stETH, vaultAddress, slasher, slasherAddress, operator1, assetAddresses } =
        await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      await expect(slasher.executeSlash(operator1.address, asset, 0n))
        .to.be.revertedWithCustomError(vault, "SlashReservationExceeded")
        .withArgs(operator1.address, asset, 0n, 0n);
      // a reservation worth 0 opens no request, so there is still nothing to execute
      await (await slasher.reserveSlash(operator1.address, asset, 1n, T0 + 1n)).wait();
      await expect(slasher.executeSlash(operator1.address, asset, 0n))
        .to.be.revertedWithCustomError(vault, "SlashReservationExceeded")
        .withArgs(operator1.address, asset, 0n, 0n);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(T0, S0, 0n, 0n));
      expect(await stETH.balanceOf(vaultAddress)).to.equal(T0);
      expect(await stETH.balanceOf(slasherAddress)).to.equal(0n);
    });

    // A MockSlashingCaller stands in for the slashing manager and passes fullySlashed = true (executeSlashWith).
    it("executeSlash(..., fullySlashed = true) closes the pool for good (PoolFullySlashed on deposit, delegation and completion as shares; previewDeposit 0) while its exits stay open", async function () {
      const { vault, admin, registry, stETH, operator1, bob, carol, dave, alice, assetAddresses } =
        await loadFixture(stakedFixture);
      const [asset] = assetAddresses;
      await (await vault.connect(carol).queueWithdrawal(asset, CAROL * VIRTUAL_SHARES)).wait();
      await (await vault.connect(alice).deposit(asset, WAD, 0n)).wait();
      await (await vault.connect(alice).queueWithdrawal(asset, WAD * VIRTUAL_SHARES)).wait();
      await (await registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(dave).deposit(asset, WAD, 0n)).wait();
      const manager = await mockManager(vault, admin);
      const reserved = mulDivDown(T0, 999_999n, 1_000_000n);
      await (await manager.reserveSlash(operator1.address, asset, 999_999n, 1_000_000n)).wait();
      await expect(manager.executeSlashWith(operator1.address, asset, reserved, true))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, asset, reserved, T0 - reserved, 0n, true);
      const t = T0 - reserved;
      const q = CAROL * VIRTUAL_SHARES;
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(poolOf(t, S0, q, 0n, 0n, true));
      expect(await vault.previewDeposit(operator1.address, asset, WAD)).to.equal(0n);
      await expect(vault.connect(bob).deposit(asset, WAD, 0n))
        .to.be.revertedWithCustomError(vault, "PoolFullySlashed")
        .withArgs(operator1.address, asset);
      await expect(registry.connect(dave).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(vault, "PoolFullySlashed")
        .withArgs(operator1.address, asset);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const aliceId = withdrawalId(alice.address, 0n);
      await expect(vault.connect(alice).completeWithdrawal(aliceId, false, 0n))
        .to.be.revertedWithCustomError(vault, "PoolFullySlashed")
        .withArgs(operator1.address, asset);
      // exits: alice as tokens from the undelegated pool, carol from the slashed pool at its rate
      await expect(vault.connect(alice).completeWithdrawal(aliceId, true, WAD)).to.changeTokenBalance(
        stETH,
        alice,
        WAD,
      );
      const carolPaid = toAssetsDown(q, t, S0);
      await expect(
        vault.connect(carol).completeWithdrawal(withdrawalId(carol.address, 0n), true, carolPaid),
      ).to.changeTokenBalance(stETH, carol, carolPaid);
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        poolOf(t - carolPaid, S0 - q, 0n, 0n, 0n, true),
      );
      // a later execution with fullySlashed = false does not reopen it
      await (await manager.reserveSlash(operator1.address, asset, 1n, 2n)).wait();
      const more = mulDivDown(t - carolPaid, 1n, 2n);
      await expect(manager.executeSlashWith(operator1.address, asset, more, false))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, asset, more, t - carolPaid - more, 0n, true);
      expect((await vault.pool(operator1.address, asset)).fullySlashed).to.equal(true);
    });

    it("costs the same gas for a pool of 1 staker and a pool of 5 stakers", async function () {
      const f = await loadFixture(slashingFixture);
      const { vault, registry, slasher, slasherAddress, operator1, outsider, stETH, assetAddresses } = f;
      const [asset] = assetAddresses;
      for (const s of f.stakers) {
        await (await registry.connect(s).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
        await (await vault.connect(s).deposit(asset, 20n * WAD, 0n)).wait();
      }
      await fundAndApprove(stETH, outsider, f.vaultAddress, STAKER_FUNDS);
      await (await registry.connect(outsider).registerAsOperator("ipfs://solo", 0, ZERO)).wait();
      await (await vault.connect(outsider).deposit(asset, 100n * WAD, 0n)).wait();
      expect(await vault.pool(operator1.address, asset)).to.deep.equal(
        await vault.pool(outsider.address, asset),
      );
      await (await stETH.mint(slasherAddress, 1n)).wait();
      // execution gas: the transaction's gas minus its intrinsic cost (the operator addresses differ in zero bytes)
      const gas: bigint[] = [];
      for (const op of [operator1.address, outsider.address]) {
        await (await slasher.reserveSlash(op, asset, 1n, 4n)).wait();
        const tx = await slasher.executeSlash(op, asset, 25n * WAD);
        const receipt = await tx.wait();
        const calldata = ethers.getBytes(tx.data).reduce((sum, b) => sum + (b === 0 ? 4n : 16n), 0n);
        gas.push((receipt?.gasUsed ?? 0n) - 21_000n - calldata);
      }
      expect(gas[0]).to.be.greaterThan(0n);
      expect(gas[0]).to.equal(gas[1]);
      for (const s of f.stakers) {
        expect((await vault.position(s.address, asset))[2]).to.equal(
          toAssetsDown(20n * WAD * VIRTUAL_SHARES, 75n * WAD, S0),
        );
      }
    });
  });

  describe("reentrancy", function () {
    async function reentrantFixture(): Promise<
      TwoOperatorsFixture & { evil: ReentrantERC20; evilAddress: string }
    > {
      const f = await twoOperatorsFixture();
      const evil = await new ReentrantERC20__factory(f.admin).deploy("Reentrant", "RE");
      const evilAddress = await evil.getAddress();
      await (await f.vault.connect(f.admin).addAsset(evilAddress, ASSET_CAP)).wait();
      await (await evil.mint(f.alice.address, 100n * WAD)).wait();
      await (await evil.connect(f.alice).approve(f.vaultAddress, ethers.MaxUint256)).wait();
      return { ...f, evil, evilAddress };
    }

    it("the token's callback reaches the vault (control: an unguarded function succeeds)", async function () {
      const { vault, vaultAddress, evil, evilAddress, alice, outsider } = await loadFixture(reentrantFixture);
      await (
        await evil.arm(vaultAddress, vault.interface.encodeFunctionData("setWithdrawer", [outsider.address]))
      ).wait();
      await (await vault.connect(alice).deposit(evilAddress, WAD, 0n)).wait();
      expect(await evil.reentryCount()).to.equal(1n);
      expect(await evil.lastReentrySucceeded()).to.equal(true);
      expect(await vault.withdrawerOf(evilAddress)).to.equal(outsider.address);
    });

    it("blocks reentering deposit or queueWithdrawal from deposit's transferFrom", async function () {
      const { vault, vaultAddress, evil, evilAddress, alice } = await loadFixture(reentrantFixture);
      for (const data of [
        vault.interface.encodeFunctionData("deposit", [evilAddress, 1n, 0n]),
        vault.interface.encodeFunctionData("queueWithdrawal", [evilAddress, 1n]),
      ]) {
        await (await evil.arm(vaultAddress, data)).wait();
        await expect(vault.connect(alice).deposit(evilAddress, WAD, 0n)).to.emit(vault, "Deposited");
        expect(await evil.lastReentrySucceeded()).to.equal(false);
        expect(await evil.lastRevertSelector()).to.equal(REENTRANCY_SELECTOR);
        expect(await evil.lastReturnData()).to.equal(REENTRANCY_SELECTOR);
      }
      expect(await evil.reentryCount()).to.equal(2n);
      expect(await vault.pool(ZERO, evilAddress)).to.deep.equal(
        poolOf(2n * WAD, 2n * WAD * VIRTUAL_SHARES, 0n, 0n),
      );
      expect((await vault.assetConfig(evilAddress)).totalDeposited).to.equal(2n * WAD);
    });

    it("blocks reentering completeWithdrawal from the payout transfer", async function () {
      const { vault, vaultAddress, evil, evilAddress, alice } = await loadFixture(reentrantFixture);
      await (await vault.connect(alice).deposit(evilAddress, 2n * WAD, 0n)).wait();
      await (await vault.connect(alice).queueWithdrawal(evilAddress, WAD * VIRTUAL_SHARES)).wait();
      await (await vault.connect(alice).queueWithdrawal(evilAddress, WAD * VIRTUAL_SHARES)).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const [id0, id1] = [withdrawalId(alice.address, 0n), withdrawalId(alice.address, 1n)];
      await (
        await evil.arm(
          vaultAddress,
          vault.interface.encodeFunctionData("completeWithdrawal", [id1, true, 0n]),
        )
      ).wait();
      await expect(vault.connect(alice).completeWithdrawal(id0, true, 0n)).to.changeTokenBalance(
        evil,
        alice,
        WAD,
      );
      expect(await evil.lastReentrySucceeded()).to.equal(false);
      expect(await evil.lastRevertSelector()).to.equal(REENTRANCY_SELECTOR);
      expect((await vault.withdrawal(id1))[1].shares).to.equal(WAD * VIRTUAL_SHARES);
      await expect(vault.connect(alice).completeWithdrawal(id1, true, 0n)).to.changeTokenBalance(
        evil,
        alice,
        WAD,
      );
    });

    it("blocks reentering executeSlash from the slash transfer (the guard fires before the role check)", async function () {
      const { vault, vaultAddress, registry, admin, evil, evilAddress, alice, operator1 } =
        await loadFixture(reentrantFixture);
      await (await registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await vault.connect(alice).deposit(evilAddress, 10n * WAD, 0n)).wait();
      // the EOA admin stands in for the slashing manager here, so the transfer goes to an account; two requests
      // reserve 5e18 and 1e18
      await (await vault.connect(admin).setSlashingManager(admin.address)).wait();
      await (await vault.connect(admin).reserveSlash(operator1.address, evilAddress, 1n, 2n)).wait();
      await (await vault.connect(admin).reserveSlash(operator1.address, evilAddress, 1n, 5n)).wait();
      await (
        await evil.arm(
          vaultAddress,
          vault.interface.encodeFunctionData("executeSlash", [operator1.address, evilAddress, WAD, false]),
        )
      ).wait();
      await expect(vault.connect(admin).executeSlash(operator1.address, evilAddress, 5n * WAD, false))
        .to.emit(vault, "Slashed")
        .withArgs(operator1.address, evilAddress, 5n * WAD, 5n * WAD, 1n, false);
      expect(await evil.lastReentrySucceeded()).to.equal(false);
      expect(await evil.lastRevertSelector()).to.equal(REENTRANCY_SELECTOR);
      // the reentered execution of the second request did not happen
      expect(await vault.pool(operator1.address, evilAddress)).to.deep.equal(
        poolOf(5n * WAD, 10n * WAD * VIRTUAL_SHARES, 0n, WAD, 1n),
      );
      expect(await vault.openSlashReservations()).to.equal(1n);
    });
  });

  describe("views", function () {
    it("assets, assetAt, isAsset, assetConfig, modules", async function () {
      const { vault, assetAddresses, outsider, addresses } = await loadFixture(stakingFixture);
      expect(await vault.assets()).to.deep.equal(assetAddresses);
      for (let i = 0; i < assetAddresses.length; i++) {
        expect(await vault.assetAt(i)).to.equal(assetAddresses[i]);
        expect(await vault.isAsset(assetAddresses[i])).to.equal(true);
        const c = await vault.assetConfig(assetAddresses[i]);
        expect([c.cap, c.totalDeposited, c.index, c.listed, c.depositsEnabled]).to.deep.equal([
          ASSET_CAP,
          0n,
          BigInt(i),
          true,
          true,
        ]);
      }
      await expect(vault.assetAt(3n))
        .to.be.revertedWithCustomError(vault, "AssetIndexOutOfRange")
        .withArgs(3n, 3n);
      expect(await vault.isAsset(outsider.address)).to.equal(false);
      const c = await vault.assetConfig(outsider.address);
      expect([c.cap, c.totalDeposited, c.index, c.listed, c.depositsEnabled]).to.deep.equal([
        0n,
        0n,
        0n,
        false,
        false,
      ]);
      expect(await vault.modules()).to.deep.equal([
        addresses.registry,
        addresses.slashingManager,
        addresses.rewardDistributor,
      ]);
    });

    it("position, activeShares, stakerInfo, delegatedTo for delegated, undelegated and unknown stakers", async function () {
      const { vault, alice, bob, outsider, operator1, assetAddresses } = await loadFixture(depositedFixture);
      const [stETH, rETH, cbETH] = assetAddresses;
      expect(await vault.position(alice.address, stETH)).to.deep.equal([
        ZERO,
        ALICE_STETH * VIRTUAL_SHARES,
        ALICE_STETH,
      ]);
      expect(await vault.position(alice.address, cbETH)).to.deep.equal([ZERO, 0n, 0n]);
      expect(await vault.position(bob.address, stETH)).to.deep.equal([
        operator1.address,
        BOB_STETH * VIRTUAL_SHARES,
        BOB_STETH,
      ]);
      expect(await vault.position(outsider.address, stETH)).to.deep.equal([ZERO, 0n, 0n]);
      expect(await vault.activeShares(alice.address, rETH)).to.deep.equal([
        ZERO,
        ALICE_RETH * VIRTUAL_SHARES,
        ALICE_RETH * VIRTUAL_SHARES,
      ]);
      expect(await vault.activeShares(bob.address, stETH)).to.deep.equal([
        operator1.address,
        BOB_STETH * VIRTUAL_SHARES,
        BOB_STETH * VIRTUAL_SHARES,
      ]);
      expect(await vault.stakerInfo(alice.address)).to.deep.equal([ZERO, 0b11n, 0n]);
      expect(await vault.stakerInfo(bob.address)).to.deep.equal([operator1.address, 0b1n, 0n]);
      expect(await vault.stakerInfo(operator1.address)).to.deep.equal([operator1.address, 0n, 0n]);
      expect(await vault.stakerInfo(outsider.address)).to.deep.equal([ZERO, 0n, 0n]);
      expect(await vault.delegatedTo(bob.address)).to.equal(operator1.address);
      expect(await vault.delegatedTo(alice.address)).to.equal(ZERO);
    });

    it("activePositions lists every held asset in index order with the pool's active shares", async function () {
      const { vault, registry, alice, bob, carol, operator1, assetAddresses } =
        await loadFixture(depositedFixture);
      const [stETH, rETH, cbETH] = assetAddresses;
      await (await vault.connect(alice).deposit(cbETH, 2n * WAD, 0n)).wait();
      await (await vault.connect(alice).queueWithdrawal(rETH, ALICE_RETH * VIRTUAL_SHARES)).wait();
      expect(await vault.activePositions(alice.address)).to.deep.equal([
        ZERO,
        [stETH, cbETH],
        [ALICE_STETH * VIRTUAL_SHARES, 2n * WAD * VIRTUAL_SHARES],
        [ALICE_STETH * VIRTUAL_SHARES, 2n * WAD * VIRTUAL_SHARES],
      ]);
      await (await vault.connect(bob).queueWithdrawal(stETH, 5n)).wait();
      expect(await vault.activePositions(bob.address)).to.deep.equal([
        operator1.address,
        [stETH],
        [BOB_STETH * VIRTUAL_SHARES - 5n],
        [BOB_STETH * VIRTUAL_SHARES - 5n],
      ]);
      await (await registry.connect(carol).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      expect(await vault.activePositions(carol.address)).to.deep.equal([operator1.address, [], [], []]);
    });

    it("operatorStake and poolNetAssets reflect queued shares and pending slashes; previewDeposit matches a deposit once nothing is pending", async function () {
      const { vault, admin, bob, operator1, assetAddresses } = await loadFixture(depositedFixture);
      const [stETH] = assetAddresses;
      const s = BOB_STETH * VIRTUAL_SHARES;
      expect(await vault.operatorStake(operator1.address, stETH)).to.equal(BOB_STETH);
      expect(await vault.operatorStake(ZERO, stETH)).to.equal(ALICE_STETH);
      await (await vault.connect(bob).queueWithdrawal(stETH, s / 4n)).wait();
      // the EOA admin stands in for the slashing manager to make a reservation
      await (await vault.connect(admin).setSlashingManager(admin.address)).wait();
      await (await vault.connect(admin).reserveSlash(operator1.address, stETH, 1n, 10n)).wait();
      const net = BOB_STETH - BOB_STETH / 10n;
      expect(await vault.poolNetAssets(operator1.address, stETH)).to.equal(net);
      expect(await vault.operatorStake(operator1.address, stETH)).to.equal(toAssetsDown(s - s / 4n, net, s));
      // while the reservation is pending the pool takes no new shares (one request), and previewDeposit says 0
      const amount = 7n * WAD + 3n;
      expect(await vault.previewDeposit(operator1.address, stETH, amount)).to.equal(0n);
      await expect(vault.connect(bob).deposit(stETH, amount, 0n))
        .to.be.revertedWithCustomError(vault, "PoolSlashPending")
        .withArgs(operator1.address, stETH, 1n);
      // executed: the pool holds what the net figure said, and deposits are priced on it
      await (
        await vault.connect(admin).executeSlash(operator1.address, stETH, BOB_STETH / 10n, false)
      ).wait();
      expect(await vault.poolNetAssets(operator1.address, stETH)).to.equal(net);
      expect(await vault.operatorStake(operator1.address, stETH)).to.equal(toAssetsDown(s - s / 4n, net, s));
      const preview = await vault.previewDeposit(operator1.address, stETH, amount);
      expect(preview).to.equal(toSharesDown(amount, net, s));
      await expect(vault.connect(bob).deposit(stETH, amount, 0n))
        .to.emit(vault, "Deposited")
        .withArgs(bob.address, operator1.address, stETH, amount, preview);
    });

    it("withdrawal and withdrawableAmount of unknown ids", async function () {
      const { vault, alice } = await loadFixture(depositedFixture);
      const id = withdrawalId(alice.address, 0n);
      const [staker, w, asset] = await vault.withdrawal(id);
      expect([staker, w.operator, w.startTime, w.assetIndex, w.readyAt, w.shares, asset]).to.deep.equal([
        ZERO,
        ZERO,
        0n,
        0n,
        0n,
        0n,
        ZERO,
      ]);
      await expect(vault.withdrawableAmount(id))
        .to.be.revertedWithCustomError(vault, "WithdrawalNotFound")
        .withArgs(id);
    });
  });

  describe("poolBalances", function () {
    it("equals pool()'s totalAssets, totalShares and pendingSlash in random states (deposits, withdrawals, slash requests reserved, released and executed), and poolBalancesOf equals it pair by pair", async function () {
      const { vault, registry, slasher, operator1, assetAddresses, alice, bob, carol } =
        await loadFixture(slashingFixture);
      const [stETH, rETH] = assetAddresses;
      for (const s of [bob, carol])
        await (await registry.connect(s).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      const op = operator1.address;
      const prng = new Prng(0x7007);
      const stakers = [alice, bob, carol];
      const seen = { pending: 0, slashed: 0, queued: 0, batched: 0 };
      for (let step = 0; step < 40; step++) {
        const asset = prng.int(0, 1) === 0 ? stETH : rETH;
        const staker = stakers[prng.int(0, 2)];
        const operator = staker === alice ? ZERO : op;
        const p = await vault.pool(operator, asset);
        const action = prng.int(0, 4);
        if (action === 0 && p.pendingRequests === 0n) {
          await (await vault.connect(staker).deposit(asset, prng.big(1n, 5n * WAD), 0n)).wait();
        } else if (action === 1) {
          const [, held] = await vault.activeShares(staker.address, asset);
          if (held > 0n)
            await (await vault.connect(staker).queueWithdrawal(asset, prng.big(1n, held))).wait();
        } else if (action === 2 && operator !== ZERO && p.totalAssets > p.pendingSlash) {
          await (await slasher.reserveSlash(op, asset, 1n, BigInt(prng.int(2, 9)))).wait();
        } else if (action === 3 && p.pendingRequests > 0n) {
          await (await slasher.releaseSlash(op, asset, prng.big(0n, p.pendingSlash))).wait();
        } else if (action === 4 && p.pendingRequests > 0n) {
          await (await slasher.executeSlash(op, asset, prng.big(0n, p.pendingSlash))).wait();
          seen.slashed++;
        }
        for (const o of [ZERO, op]) {
          for (const a of [stETH, rETH]) {
            const full = await vault.pool(o, a);
            const [totalAssets, totalShares, pendingSlash] = await vault.poolBalances(o, a);
            expect([totalAssets, totalShares, pendingSlash], `step ${step}`).to.deep.equal([
              full.totalAssets,
              full.totalShares,
              full.pendingSlash,
            ]);
            if (full.pendingSlash > 0n) seen.pending++;
            if (full.queuedShares > 0n) seen.queued++;
          }
        }
        // poolBalancesOf: the same three figures per pair, for pairs in a random order with repeats and a pool
        // nobody holds (its three zeros).
        const candidates: [string, string][] = [
          [ZERO, stETH],
          [ZERO, rETH],
          [op, stETH],
          [op, rETH],
          [carol.address, stETH],
        ];
        const pairs: [string, string][] = [];
        for (let k = prng.int(0, 7); k > 0; k--) pairs.push(candidates[prng.int(0, candidates.length - 1)]);
        const packed = ethers.concat(pairs.flatMap(([o, a]) => [o, a]));
        const batch = await vault.poolBalancesOf(packed);
        const expected: bigint[] = [];
        for (const [o, a] of pairs) expected.push(...(await vault.poolBalances(o, a)));
        expect(batch, `step ${step} batch`).to.deep.equal(expected);
        seen.batched += pairs.length;
      }
      // The walk reached states where the three figures differ from a fresh pool's.
      expect(seen.pending).to.be.greaterThan(0);
      expect(seen.slashed).to.be.greaterThan(0);
      expect(seen.queued).to.be.greaterThan(0);
      expect(seen.batched).to.be.greaterThan(40);
    });

    it("poolBalancesOf reads no pair from an empty input and rejects a length that is not whole pairs", async function () {
      const { vault, operator1, assetAddresses } = await loadFixture(slashingFixture);
      expect(await vault.poolBalancesOf("0x")).to.deep.equal([]);
      const pair = ethers.concat([operator1.address, assetAddresses[0]]);
      expect(await vault.poolBalancesOf(pair)).to.have.length(3);
      for (const bad of [ethers.dataSlice(pair, 0, 39), ethers.concat([pair, "0x00"]), operator1.address]) {
        await expect(vault.poolBalancesOf(bad))
          .to.be.revertedWithCustomError(vault, "PackedPairsLength")
          .withArgs(ethers.dataLength(bad));
      }
    });
  });
});
