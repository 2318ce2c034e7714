/**
 * shouldBehaveLikeProtocolUpgradeable: what every core contract inherits from ProtocolUpgradeable on the upgrade
 * side. Initializers are disabled on implementations, a proxy is initialized once, UUPS upgrades are authorized by
 * DEFAULT_ADMIN_ROLE and keep the state, and the state sits in the contract's ERC-7201 namespace.
 *
 * Usage, inside the contract's describe:
 *
 *   shouldBehaveLikeProtocolUpgradeable(async () => {
 *     const f = await loadFixture(someFixture);
 *     return { proxy: f.vault, admin: f.admin, nonAdmin: f.outsider, ... };
 *   });
 *
 * getContext is called once per test; it should call loadFixture so that every test starts from the same state.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract } from "ethers";

import {
  MockERC20__factory,
  ProtocolProxy__factory,
  ProtocolUpgradeable__factory,
  type ProtocolUpgradeable,
} from "../../typechain-types";
import { implementationOf, step } from "./common";

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
/** How many of the linear slots (0, 1, ...) must stay empty: a namespaced contract writes none of them. */
const LINEAR_SLOTS_CHECKED = 64n;

/** The ERC-7201 location of namespace `id`: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff. */
export function erc7201Slot(id: string): bigint {
  const inner = BigInt(ethers.keccak256(ethers.toUtf8Bytes(id))) - 1n;
  const outer = BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return outer & ~0xffn;
}

/** A field of the namespaced struct that a view reports, and where the struct keeps it. */
export interface NamespacedField {
  /** The field's name, for failure messages. */
  name: string;
  /** The storage slot of the field, given the namespace's base slot (e.g. `(base) => base + 23n`). */
  slot: (base: bigint) => bigint;
  /** The field's offset in its slot, in bytes from the low-order end (Solidity packs from there). */
  byteOffset: number;
  /** The field's size in bytes (20 for an address). */
  byteLength: number;
  /** The value a view reports for the field. It must not be zero, so that finding it at the slot means something. */
  read: () => Promise<bigint>;
}

export interface UpgradeableContext {
  /** The contract, behind its proxy. */
  proxy: BaseContract;
  /** Holds DEFAULT_ADMIN_ROLE. */
  admin: HardhatEthersSigner;
  /** Does not hold DEFAULT_ADMIN_ROLE. */
  nonAdmin: HardhatEthersSigner;
  /** Deploys a fresh implementation of the same contract. */
  deployImplementation: () => Promise<BaseContract>;
  /** The call data of the contract's initializer, as a proxy's constructor would run it. */
  initializerData: string;
  /** Reads some of the proxy's state; it must read the same before and after an upgrade. */
  stateProbe: () => Promise<unknown>;
  /** The contract's ERC-7201 namespace. */
  namespace: {
    /** The namespace id of the `@custom:storage-location erc7201:<id>` annotation. */
    id: string;
    /** The slot constant the source declares for it. */
    location: string;
    /** A field of the struct to find at the slot. */
    field: NamespacedField;
  };
}

/** The proxy seen through ProtocolUpgradeable's ABI (its errors, events, roles and upgrade functions). */
function protocolAt(ctx: UpgradeableContext, address: string): ProtocolUpgradeable {
  return ProtocolUpgradeable__factory.connect(address, ctx.admin);
}

export function shouldBehaveLikeProtocolUpgradeable(getContext: () => Promise<UpgradeableContext>): void {
  describe("upgradeable (ProtocolUpgradeable: initializers, UUPS, ERC-7201)", function () {
    it("keeps its implementation's initializers disabled (InvalidInitialization)", async function () {
      const ctx = await getContext();
      const proxy = protocolAt(ctx, await ctx.proxy.getAddress());
      const current = await implementationOf(await proxy.getAddress());
      expect(await ethers.provider.getCode(current), "the proxy's implementation has code").to.not.equal(
        "0x",
      );
      const fresh = await (await ctx.deployImplementation()).getAddress();
      for (const implementation of [current, fresh]) {
        for (const sender of [ctx.admin, ctx.nonAdmin]) {
          await step(`implementation ${implementation}, sender ${sender.address}`, async () => {
            await expect(
              sender.sendTransaction({ to: implementation, data: ctx.initializerData }),
            ).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
          });
        }
      }
    });

    it("cannot be initialized twice through its proxy (InvalidInitialization)", async function () {
      const ctx = await getContext();
      const proxy = protocolAt(ctx, await ctx.proxy.getAddress());
      for (const sender of [ctx.admin, ctx.nonAdmin]) {
        await step(`sender ${sender.address}`, async () => {
          await expect(
            sender.sendTransaction({ to: await proxy.getAddress(), data: ctx.initializerData }),
          ).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
        });
      }
    });

    it("initializes a fresh proxy with the same call data, once (control of the two tests above)", async function () {
      const ctx = await getContext();
      const implementation = await (await ctx.deployImplementation()).getAddress();
      const deployed = await new ProtocolProxy__factory(ctx.admin).deploy(
        implementation,
        ctx.initializerData,
      );
      await deployed.waitForDeployment();
      const fresh = protocolAt(ctx, await deployed.getAddress());
      await expect(deployed.deploymentTransaction()).to.emit(fresh, "Initialized").withArgs(1n);
      expect(await implementationOf(await fresh.getAddress())).to.equal(implementation);
      await expect(
        ctx.admin.sendTransaction({ to: await fresh.getAddress(), data: ctx.initializerData }),
      ).to.be.revertedWithCustomError(fresh, "InvalidInitialization");
    });

    it("lets the admin upgrade with upgradeToAndCall: Upgraded, the ERC-1967 slot moves, the state is kept", async function () {
      const ctx = await getContext();
      const proxyAddress = await ctx.proxy.getAddress();
      const proxy = protocolAt(ctx, proxyAddress);
      const before = await ctx.stateProbe();
      const previous = await implementationOf(proxyAddress);
      const next = await (await ctx.deployImplementation()).getAddress();
      expect(next).to.not.equal(previous);

      await expect(proxy.connect(ctx.admin).upgradeToAndCall(next, "0x"))
        .to.emit(proxy, "Upgraded")
        .withArgs(next);
      expect(await implementationOf(proxyAddress)).to.equal(next);
      expect(await ctx.stateProbe()).to.deep.equal(before);
      expect(await proxy.hasRole(DEFAULT_ADMIN_ROLE, ctx.admin.address)).to.equal(true);
      // The upgrade does not reopen the initializer.
      await expect(
        ctx.admin.sendTransaction({ to: proxyAddress, data: ctx.initializerData }),
      ).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
    });

    it("cannot re-run the initializer through upgradeToAndCall (InvalidInitialization)", async function () {
      const ctx = await getContext();
      const proxyAddress = await ctx.proxy.getAddress();
      const proxy = protocolAt(ctx, proxyAddress);
      const previous = await implementationOf(proxyAddress);
      const next = await (await ctx.deployImplementation()).getAddress();
      await expect(
        proxy.connect(ctx.admin).upgradeToAndCall(next, ctx.initializerData),
      ).to.be.revertedWithCustomError(proxy, "InvalidInitialization");
      expect(await implementationOf(proxyAddress)).to.equal(previous);
    });

    it("rejects an upgrade by an account without DEFAULT_ADMIN_ROLE (AccessControlUnauthorizedAccount)", async function () {
      const ctx = await getContext();
      const proxyAddress = await ctx.proxy.getAddress();
      const proxy = protocolAt(ctx, proxyAddress);
      expect(await proxy.DEFAULT_ADMIN_ROLE()).to.equal(DEFAULT_ADMIN_ROLE);
      expect(await proxy.hasRole(DEFAULT_ADMIN_ROLE, ctx.nonAdmin.address)).to.equal(false);
      const previous = await implementationOf(proxyAddress);
      const next = await (await ctx.deployImplementation()).getAddress();
      await expect(proxy.connect(ctx.nonAdmin).upgradeToAndCall(next, "0x"))
        .to.be.revertedWithCustomError(proxy, "AccessControlUnauthorizedAccount")
        .withArgs(ctx.nonAdmin.address, DEFAULT_ADMIN_ROLE);
      expect(await implementationOf(proxyAddress)).to.equal(previous);
    });

    it("rejects an implementation that is not UUPS (ERC1967InvalidImplementation)", async function () {
      const ctx = await getContext();
      const proxy = protocolAt(ctx, await ctx.proxy.getAddress());
      const notUups = await new MockERC20__factory(ctx.admin).deploy("Not UUPS", "NOPE", 18);
      await notUups.waitForDeployment();
      const notUupsAddress = await notUups.getAddress();
      await expect(proxy.connect(ctx.admin).upgradeToAndCall(notUupsAddress, "0x"))
        .to.be.revertedWithCustomError(proxy, "ERC1967InvalidImplementation")
        .withArgs(notUupsAddress);
    });

    it("rejects upgradeToAndCall on an implementation itself (UUPSUnauthorizedCallContext)", async function () {
      const ctx = await getContext();
      const current = await implementationOf(await ctx.proxy.getAddress());
      const fresh = await (await ctx.deployImplementation()).getAddress();
      for (const implementation of [current, fresh]) {
        await step(`implementation ${implementation}`, async () => {
          const direct = protocolAt(ctx, implementation);
          await expect(
            direct.connect(ctx.admin).upgradeToAndCall(implementation, "0x"),
          ).to.be.revertedWithCustomError(direct, "UUPSUnauthorizedCallContext");
        });
      }
    });

    it("declares its ERC-7201 namespace slot as keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~0xff", async function () {
      const { namespace } = await getContext();
      expect(ethers.toBeHex(erc7201Slot(namespace.id), 32)).to.equal(namespace.location.toLowerCase());
      expect(BigInt(namespace.location) & 0xffn, "the last byte is cleared").to.equal(0n);
    });

    it("keeps its state at that slot (a known field is found there) and none in the linear slots", async function () {
      const ctx = await getContext();
      const proxyAddress = await ctx.proxy.getAddress();
      const { field, location } = ctx.namespace;
      const expected = await field.read();
      expect(expected, `${field.name} is not zero`).to.not.equal(0n);
      const word = BigInt(await ethers.provider.getStorage(proxyAddress, field.slot(BigInt(location))));
      const mask = (1n << BigInt(8 * field.byteLength)) - 1n;
      expect((word >> BigInt(8 * field.byteOffset)) & mask, `${field.name} at its namespaced slot`).to.equal(
        expected,
      );
      for (let slot = 0n; slot < LINEAR_SLOTS_CHECKED; slot++) {
        expect(BigInt(await ethers.provider.getStorage(proxyAddress, slot)), `linear slot ${slot}`).to.equal(
          0n,
        );
      }
    });
  });
}
