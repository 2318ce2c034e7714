/**
 * Upgrade attacks (docs/threat-model.md, "Upgrades by a non-admin and upgrades that break the storage layout"):
 * - every upgradeable contract passes OpenZeppelin's upgrade-safety validation (sdk/upgrades.ts), and the validator
 *   sees each contract's own ERC-7201 namespace (LRTManager's included, whose struct lives in a library);
 * - a V2 that breaks the storage layout of a core contract (OperatorRegistry) or of an LRT contract
 *   (LiquidRestakingToken, LRTManager) is rejected with the layout error named; a V2 that appends a field passes;
 * - a contract linking an external library that delegatecalls is rejected even with linking allowed (as LRTManager);
 * - an upgrade by any account without DEFAULT_ADMIN_ROLE reverts; the timelock (schedule, wait, execute) or the admin
 *   upgrades and the state is kept; the node beacon rejects an upgrade by anyone but its owner.
 */
import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployCore } from "../../sdk/deploy";
import {
  UPGRADEABLE_CONTRACTS,
  validateImplementation,
  validateUpgrade,
  validatedNamespaces,
} from "../../sdk/upgrades";
import {
  LRTManager__factory,
  LRTNodeBeacon__factory,
  LRTNode__factory,
  LiquidRestakingToken__factory,
  OperatorRegistry__factory,
  ProtocolTimelock__factory,
  ProtocolUpgradeable__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
  type ProtocolTimelock,
  type ProtocolUpgradeable,
} from "../../typechain-types";
import { implementationOf, step } from "../behaviours/common";
import { erc7201Slot } from "../behaviours/upgradeable.behavior";
import { lrtFixture, managerLibraries } from "../helpers/lrtFixtures";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const TIMELOCK_DELAY = 2n * 24n * 3600n;
/** The slots of a namespace compared before and after an upgrade (the first words of each ERC-7201 struct). */
const NAMESPACE_WORDS = 32n;

/** The ERC-7201 namespace id of each upgradeable contract's own state. */
const OWN_NAMESPACE: Record<string, string> = {
  RestakingVault: "restaking.storage.RestakingVault",
  OperatorRegistry: "restaking.storage.OperatorRegistry",
  SlashingManager: "restaking.storage.SlashingManager",
  RewardDistributor: "restaking.storage.RewardDistributor",
  LRTManager: "restaking.storage.LRTManager",
  LiquidRestakingToken: "restaking.storage.LiquidRestakingToken",
  LRTOracle: "restaking.storage.LRTOracle",
  LRTNode: "restaking.storage.LRTNode",
};

/** Resolves to the error `validation` throws (fails the test if it does not throw). */
async function rejectionOf(validation: Promise<void>): Promise<Error> {
  try {
    await validation;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  expect.fail("the validation passed");
}

/** The namespace's first words, the paused groups and the admin role of `holder`: what an upgrade must keep. */
async function stateOf(proxy: string, namespace: string, holder: string): Promise<string[]> {
  const base = erc7201Slot(namespace);
  const words: string[] = [];
  for (let i = 0n; i < NAMESPACE_WORDS; i++) words.push(await ethers.provider.getStorage(proxy, base + i));
  const asProtocol = ProtocolUpgradeable__factory.connect(proxy, ethers.provider);
  words.push(
    String(await asProtocol.pausedGroups()),
    String(await asProtocol.hasRole(DEFAULT_ADMIN_ROLE, holder)),
  );
  return words;
}

/** Every signer of the node without DEFAULT_ADMIN_ROLE on `proxy`. */
async function nonAdmins(proxy: ProtocolUpgradeable): Promise<HardhatEthersSigner[]> {
  const out: HardhatEthersSigner[] = [];
  for (const signer of await ethers.getSigners()) {
    if (!(await proxy.hasRole(DEFAULT_ADMIN_ROLE, signer.address))) out.push(signer);
  }
  return out;
}

async function expectUpgradeRejectedForEveryNonAdmin(
  proxy: ProtocolUpgradeable,
  next: string,
): Promise<void> {
  const accounts = await nonAdmins(proxy);
  expect(accounts.length, "signers without the role").to.be.greaterThan(10);
  const previous = await implementationOf(await proxy.getAddress());
  for (const account of accounts) {
    await step(`account ${account.address}`, async () => {
      await expect(proxy.connect(account).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(proxy, "AccessControlUnauthorizedAccount")
        .withArgs(account.address, DEFAULT_ADMIN_ROLE);
    });
  }
  expect(await implementationOf(await proxy.getAddress())).to.equal(previous);
}

interface TimelockedCore {
  deployer: HardhatEthersSigner;
  timelock: ProtocolTimelock;
  proxies: Record<string, string>;
  /** A fresh implementation of each core contract. */
  next: Record<string, string>;
}

/** The core deployed by sdk/deploy.ts with a ProtocolTimelock as the admin (as in production). */
async function timelockedCoreFixture(): Promise<TimelockedCore> {
  const [deployer, pauser] = await ethers.getSigners();
  const { addresses } = await deployCore(deployer, { timelockDelay: TIMELOCK_DELAY, pauser: pauser.address });
  if (addresses.timelock === undefined) throw new Error("deployCore deployed no timelock");
  // A pause group set on every contract: state in each namespace for the upgrade to keep.
  for (const proxy of [
    addresses.vault,
    addresses.registry,
    addresses.slashingManager,
    addresses.rewardDistributor,
  ]) {
    await (await ProtocolUpgradeable__factory.connect(proxy, pauser).pause(1n << 7n)).wait();
  }
  const deploy = async (factory: { deploy(): Promise<{ getAddress(): Promise<string> }> }): Promise<string> =>
    (await factory.deploy()).getAddress();
  const rewards = await new RewardDistributor__factory(deployer).deploy(addresses.vault, addresses.registry);
  return {
    deployer,
    timelock: ProtocolTimelock__factory.connect(addresses.timelock, deployer),
    proxies: {
      RestakingVault: addresses.vault,
      OperatorRegistry: addresses.registry,
      SlashingManager: addresses.slashingManager,
      RewardDistributor: addresses.rewardDistributor,
    },
    next: {
      RestakingVault: await deploy(new RestakingVault__factory(deployer)),
      OperatorRegistry: await deploy(new OperatorRegistry__factory(deployer)),
      SlashingManager: await deploy(new SlashingManager__factory(deployer)),
      RewardDistributor: await rewards.getAddress(),
    },
  };
}

describe("Upgrade safety: OpenZeppelin validation, admin-only upgrades (attack)", function () {
  describe("storage-layout and upgrade-safety validation (sdk/upgrades.ts)", function () {
    for (const [name, kind] of Object.entries(UPGRADEABLE_CONTRACTS)) {
      it(`${name} (${kind}) passes OpenZeppelin's validation and the validator sees its own namespace`, async function () {
        await validateImplementation(hre, name);
        const { sourceName } = await hre.artifacts.readArtifact(name);
        expect(await validatedNamespaces(hre, `${sourceName}:${name}`)).to.include(
          `erc7201:${OWN_NAMESPACE[name]}`,
        );
      });
    }

    it("a V2 of OperatorRegistry with a field inserted before the existing ones is rejected (Inserted `inserted`)", async function () {
      const error = await rejectionOf(validateUpgrade(hre, "OperatorRegistry", "OperatorRegistryV2Inserted"));
      expect(error.message).to.contain("New storage layout is incompatible");
      expect(error.message).to.contain("OperatorRegistryV2Inserted.sol");
      expect(error.message).to.contain("Inserted `inserted`");
    });

    it("a V2 of OperatorRegistry with a field's type changed is rejected (incompatible type for `pausedGroups`)", async function () {
      const error = await rejectionOf(
        validateUpgrade(hre, "OperatorRegistry", "OperatorRegistryV2TypeChanged"),
      );
      expect(error.message).to.contain("New storage layout is incompatible");
      expect(error.message).to.match(/Upgraded `pausedGroups` to an incompatible type/);
    });

    it("a V2 of OperatorRegistry whose namespace is renamed is rejected (Deleted namespace)", async function () {
      const error = await rejectionOf(validateUpgrade(hre, "OperatorRegistry", "OperatorRegistryV2Renamed"));
      expect(error.message).to.contain("Deleted namespace `erc7201:restaking.storage.OperatorRegistry`");
    });

    it("a V2 of LiquidRestakingToken with a field inserted is rejected (Inserted `inserted`)", async function () {
      const error = await rejectionOf(
        validateUpgrade(hre, "LiquidRestakingToken", "LiquidRestakingTokenV2Inserted"),
      );
      expect(error.message).to.contain("New storage layout is incompatible");
      expect(error.message).to.contain("Inserted `inserted`");
    });

    it("a V2 of LRTManager with a field inserted before the library's layout is rejected (Inserted `inserted`)", async function () {
      const error = await rejectionOf(validateUpgrade(hre, "LRTManager", "LRTManagerV2Inserted"));
      expect(error.message).to.contain("New storage layout is incompatible");
      expect(error.message).to.contain("Inserted `inserted`");
    });

    it("V2s that append a field to the namespace pass (OperatorRegistry, LiquidRestakingToken, LRTManager)", async function () {
      await validateUpgrade(hre, "OperatorRegistry", "OperatorRegistryV2Appended");
      await validateUpgrade(hre, "LiquidRestakingToken", "LiquidRestakingTokenV2Appended");
      await validateUpgrade(hre, "LRTManager", "LRTManagerV2Appended");
    });

    it("every contract upgrades to itself (control: the rejections above come from the V2s)", async function () {
      for (const name of Object.keys(UPGRADEABLE_CONTRACTS)) {
        await step(name, () => validateUpgrade(hre, name, name));
      }
    });

    it("a contract allowed to link libraries is still rejected when a linked library delegatecalls", async function () {
      const error = await rejectionOf(validateImplementation(hre, "LinksDelegatingLibrary", "uups"));
      expect(error.message).to.contain("LinksDelegatingLibrary` is not upgrade safe");
      expect(error.message).to.contain(
        "contracts/mocks/upgrades/DelegatingLibrary.sol:10: Use of delegatecall is not allowed",
      );
    });
  });

  describe("core contracts behind the timelock", function () {
    for (const name of ["RestakingVault", "OperatorRegistry", "SlashingManager", "RewardDistributor"]) {
      it(`${name}: every non-admin account's upgrade reverts AccessControlUnauthorizedAccount`, async function () {
        const f = await loadFixture(timelockedCoreFixture);
        const proxy = ProtocolUpgradeable__factory.connect(f.proxies[name], f.deployer);
        expect(await proxy.hasRole(DEFAULT_ADMIN_ROLE, await f.timelock.getAddress())).to.equal(true);
        // The deployer proposes on the timelock but holds no role on the contract itself.
        expect(await proxy.hasRole(DEFAULT_ADMIN_ROLE, f.deployer.address)).to.equal(false);
        await expectUpgradeRejectedForEveryNonAdmin(proxy, f.next[name]);
      });

      it(`${name}: the timelock upgrades it (schedule, wait the delay, execute) and the state is kept`, async function () {
        const f = await loadFixture(timelockedCoreFixture);
        const proxy = ProtocolUpgradeable__factory.connect(f.proxies[name], f.deployer);
        const timelockAddress = await f.timelock.getAddress();
        const before = await stateOf(f.proxies[name], OWN_NAMESPACE[name], timelockAddress);
        expect(before.slice(0, Number(NAMESPACE_WORDS)).some((word) => BigInt(word) !== 0n)).to.equal(true);
        const data = proxy.interface.encodeFunctionData("upgradeToAndCall", [f.next[name], "0x"]);
        const salt = ethers.id(`upgrade ${name}`);
        await (
          await f.timelock.schedule(f.proxies[name], 0n, data, ethers.ZeroHash, salt, TIMELOCK_DELAY)
        ).wait();
        await expect(
          f.timelock.execute(f.proxies[name], 0n, data, ethers.ZeroHash, salt),
        ).to.be.revertedWithCustomError(f.timelock, "TimelockUnexpectedOperationState");
        await time.increase(TIMELOCK_DELAY);
        await expect(f.timelock.execute(f.proxies[name], 0n, data, ethers.ZeroHash, salt))
          .to.emit(proxy, "Upgraded")
          .withArgs(f.next[name]);
        expect(await implementationOf(f.proxies[name])).to.equal(f.next[name]);
        expect(await stateOf(f.proxies[name], OWN_NAMESPACE[name], timelockAddress)).to.deep.equal(before);
      });
    }
  });

  describe("LRT contracts and the node beacon", function () {
    it("LRTManager and LiquidRestakingToken: every non-admin account's upgrade reverts; the admin's keeps the state", async function () {
      const f = await loadFixture(lrtFixture);
      const libraries = await managerLibraries(f);
      const targets = [
        {
          name: "LRTManager",
          proxy: f.managerAddress,
          next: await (await new LRTManager__factory(libraries, f.admin).deploy()).getAddress(),
        },
        {
          name: "LiquidRestakingToken",
          proxy: await f.lrt.getAddress(),
          next: await (await new LiquidRestakingToken__factory(f.admin).deploy()).getAddress(),
        },
      ];
      for (const { name, proxy: address, next } of targets) {
        await step(name, async () => {
          const proxy = ProtocolUpgradeable__factory.connect(address, f.admin);
          await expectUpgradeRejectedForEveryNonAdmin(proxy, next);
          const before = await stateOf(address, OWN_NAMESPACE[name], f.admin.address);
          expect(before.slice(0, Number(NAMESPACE_WORDS)).some((word) => BigInt(word) !== 0n)).to.equal(true);
          await expect(proxy.connect(f.admin).upgradeToAndCall(next, "0x"))
            .to.emit(proxy, "Upgraded")
            .withArgs(next);
          expect(await implementationOf(address)).to.equal(next);
          expect(await stateOf(address, OWN_NAMESPACE[name], f.admin.address)).to.deep.equal(before);
        });
      }
    });

    it("the node beacon: every account but its owner fails to upgrade it (OwnableUnauthorizedAccount); the owner can", async function () {
      const f = await loadFixture(lrtFixture);
      const beacon = LRTNodeBeacon__factory.connect(f.beaconAddress, f.admin);
      const owner = await beacon.owner();
      const previous = await beacon.implementation();
      const next = await (await new LRTNode__factory(f.admin).deploy()).getAddress();
      const others = (await ethers.getSigners()).filter((signer) => signer.address !== owner);
      expect(others.length).to.be.greaterThan(10);
      for (const account of others) {
        await step(`account ${account.address}`, async () => {
          await expect(beacon.connect(account).upgradeTo(next))
            .to.be.revertedWithCustomError(beacon, "OwnableUnauthorizedAccount")
            .withArgs(account.address);
        });
      }
      expect(await beacon.implementation()).to.equal(previous);
      expect(owner).to.equal(f.admin.address);
      await expect(beacon.connect(f.admin).upgradeTo(next)).to.emit(beacon, "Upgraded").withArgs(next);
      expect(await beacon.implementation()).to.equal(next);
    });
  });
});
