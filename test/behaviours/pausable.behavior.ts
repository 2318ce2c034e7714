/**
 * shouldBehaveLikePausableGroups: IPausableGroups as every core contract implements it through ProtocolUpgradeable.
 * PAUSER_ROLE pauses groups, DEFAULT_ADMIN_ROLE unpauses them, each change emits PausedGroupsSet with the resulting
 * bitmap, and a function of a paused group reverts GroupPaused(group) while the other groups keep working.
 *
 * The context lists the contract's groups, each with calls that must be blocked while it is paused and succeed
 * once it is unpaused, and calls that belong to no group. A call that more than one group stops (e.g. the vault's
 * undelegate, in the delegation group, also honours the withdrawals group because it queues withdrawals) is listed
 * under its first group with `alsoPausedBy`: while one of those other groups alone is paused it must revert
 * GroupPaused(that group) instead of working. Every call is tried from the same state (a snapshot is restored before
 * each), so one call may not depend on another having run.
 *
 * getContext is called once per test; it should call loadFixture so that every test starts from the same state.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract } from "ethers";

import { ProtocolUpgradeable__factory, type ProtocolUpgradeable } from "../../typechain-types";
import { expectSuccess, step, type NamedCall } from "./common";

/** A call of a pause group; `alsoPausedBy` lists the other groups that stop it too. */
export interface GroupCall extends NamedCall {
  /** Other group indexes whose pause alone makes the call revert GroupPaused(index). */
  alsoPausedBy?: bigint[];
}

const DEFAULT_ADMIN_ROLE = ethers.ZeroHash;
const PAUSER_ROLE = ethers.id("PAUSER_ROLE");

/** One pause group: its GROUP_* constant and functions in it. */
export interface PausableGroup {
  /** The contract's constant, e.g. "GROUP_DEPOSITS". */
  name: string;
  /** Its bit index (0..7). */
  index: bigint;
  /** Calls that revert GroupPaused(index) while the group is paused and succeed once it is unpaused. */
  calls: GroupCall[];
}

export interface PausableGroupsContext {
  /** The contract behind its proxy. */
  contract: BaseContract;
  /** Holds PAUSER_ROLE but not DEFAULT_ADMIN_ROLE. */
  pauser: HardhatEthersSigner;
  /** Holds DEFAULT_ADMIN_ROLE. */
  admin: HardhatEthersSigner;
  /** Holds neither role. */
  stranger: HardhatEthersSigner;
  /** Every group of the contract. */
  groups: PausableGroup[];
  /** Calls outside every group: they succeed with every group paused. */
  ungrouped: NamedCall[];
}

function pausableAt(ctx: PausableGroupsContext, address: string): ProtocolUpgradeable {
  return ProtocolUpgradeable__factory.connect(address, ctx.admin);
}

function bit(group: PausableGroup): bigint {
  return 1n << group.index;
}

/** The bitmap of every group of the context. */
function allGroups(ctx: PausableGroupsContext): bigint {
  return ctx.groups.reduce((bits, g) => bits | bit(g), 0n);
}

/** Checks the shape of the context: distinct group indexes below 8, each group with at least one call. */
function checkGroups(ctx: PausableGroupsContext): void {
  expect(ctx.groups.length, "the contract has pause groups").to.be.greaterThan(0);
  const indexes = ctx.groups.map((g) => g.index);
  expect(new Set(indexes).size, "group indexes are distinct").to.equal(indexes.length);
  for (const g of ctx.groups) {
    expect(g.index, `${g.name} fits the uint8 bitmap`).to.be.lessThan(8n);
    expect(g.calls.length, `${g.name} has calls to try`).to.be.greaterThan(0);
    for (const c of g.calls) {
      for (const other of c.alsoPausedBy ?? []) {
        expect(indexes, `${g.name}: ${c.name} is also paused by a group of the contract`).to.include(other);
        expect(other, `${g.name}: ${c.name} lists its own group in alsoPausedBy`).to.not.equal(g.index);
      }
    }
  }
}

/** Checks the roles the tests rely on: the pauser pauses but does not administer, the stranger does neither. */
async function checkRoles(ctx: PausableGroupsContext, contract: ProtocolUpgradeable): Promise<void> {
  expect(await contract.PAUSER_ROLE()).to.equal(PAUSER_ROLE);
  expect(await contract.DEFAULT_ADMIN_ROLE()).to.equal(DEFAULT_ADMIN_ROLE);
  expect(await contract.hasRole(PAUSER_ROLE, ctx.pauser.address), "pauser has PAUSER_ROLE").to.equal(true);
  expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, ctx.pauser.address), "pauser is not admin").to.equal(
    false,
  );
  expect(await contract.hasRole(DEFAULT_ADMIN_ROLE, ctx.admin.address), "admin is admin").to.equal(true);
  for (const role of [PAUSER_ROLE, DEFAULT_ADMIN_ROLE]) {
    expect(await contract.hasRole(role, ctx.stranger.address), `stranger lacks ${role}`).to.equal(false);
  }
}

export function shouldBehaveLikePausableGroups(getContext: () => Promise<PausableGroupsContext>): void {
  describe("pausable by group (IPausableGroups)", function () {
    it("lets only PAUSER_ROLE pause (AccessControlUnauthorizedAccount(account, PAUSER_ROLE))", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      await checkRoles(ctx, contract);
      for (const bits of [...ctx.groups.map(bit), allGroups(ctx)]) {
        await step(`pause(${bits})`, async () => {
          await expect(contract.connect(ctx.stranger).pause(bits))
            .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
            .withArgs(ctx.stranger.address, PAUSER_ROLE);
        });
      }
      expect(await contract.pausedGroups()).to.equal(0n);
      await expect(contract.connect(ctx.pauser).pause(allGroups(ctx)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.pauser.address, allGroups(ctx));
    });

    it("lets only DEFAULT_ADMIN_ROLE unpause, not even a pauser (AccessControlUnauthorizedAccount)", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      await checkRoles(ctx, contract);
      const all = allGroups(ctx);
      await (await contract.connect(ctx.pauser).pause(all)).wait();
      for (const account of [ctx.stranger, ctx.pauser]) {
        for (const bits of [...ctx.groups.map(bit), all]) {
          await step(`unpause(${bits}) by ${account.address}`, async () => {
            await expect(contract.connect(account).unpause(bits))
              .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
              .withArgs(account.address, DEFAULT_ADMIN_ROLE);
          });
        }
      }
      expect(await contract.pausedGroups()).to.equal(all);
      await expect(contract.connect(ctx.admin).unpause(all))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.admin.address, 0n);
      expect(await contract.pausedGroups()).to.equal(0n);
    });

    it("pause ORs groups into the bitmap and unpause clears them, each with PausedGroupsSet(account, bitmap); pausedGroups() reports it", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      expect(await contract.pausedGroups()).to.equal(0n);
      let expected = 0n;
      for (const g of ctx.groups) {
        expected |= bit(g);
        await step(`pause ${g.name}`, async () => {
          await expect(contract.connect(ctx.pauser).pause(bit(g)))
            .to.emit(contract, "PausedGroupsSet")
            .withArgs(ctx.pauser.address, expected);
          expect(await contract.pausedGroups()).to.equal(expected);
        });
      }
      const [first] = ctx.groups;
      // Pausing a paused group changes nothing but still reports the bitmap.
      await expect(contract.connect(ctx.pauser).pause(bit(first)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.pauser.address, expected);
      for (const g of ctx.groups) {
        expected &= ~bit(g);
        await step(`unpause ${g.name}`, async () => {
          await expect(contract.connect(ctx.admin).unpause(bit(g)))
            .to.emit(contract, "PausedGroupsSet")
            .withArgs(ctx.admin.address, expected);
          expect(await contract.pausedGroups()).to.equal(expected);
        });
      }
      // Unpausing a group that is not paused changes nothing either.
      await expect(contract.connect(ctx.admin).unpause(bit(first)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.admin.address, 0n);
      // Several groups at once.
      await expect(contract.connect(ctx.pauser).pause(allGroups(ctx)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.pauser.address, allGroups(ctx));
      expect(await contract.pausedGroups()).to.equal(allGroups(ctx));
      await expect(contract.connect(ctx.admin).unpause(allGroups(ctx)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.admin.address, 0n);
      expect(await contract.pausedGroups()).to.equal(0n);
    });

    it("ignores bits above the eight groups of the uint8 bitmap", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      const [first] = ctx.groups;
      await expect(contract.connect(ctx.pauser).pause(1n << 8n))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.pauser.address, 0n);
      expect(await contract.pausedGroups()).to.equal(0n);
      await expect(contract.connect(ctx.pauser).pause((1n << 8n) | bit(first)))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.pauser.address, bit(first));
      await expect(contract.connect(ctx.admin).unpause(1n << 8n))
        .to.emit(contract, "PausedGroupsSet")
        .withArgs(ctx.admin.address, bit(first));
      expect(await contract.pausedGroups()).to.equal(bit(first));
    });

    it("makes each group's functions revert GroupPaused(group) while it is paused, and work again once unpaused", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      const start = await takeSnapshot();
      for (const g of ctx.groups) {
        await start.restore();
        await (await contract.connect(ctx.pauser).pause(bit(g))).wait();
        for (const c of g.calls) {
          await step(`${g.name} paused: ${c.name}`, async () => {
            await expect(c.call()).to.be.revertedWithCustomError(contract, "GroupPaused").withArgs(g.index);
          });
        }
        await (await contract.connect(ctx.admin).unpause(bit(g))).wait();
        const unpaused = await takeSnapshot();
        for (const c of g.calls) {
          await unpaused.restore();
          await step(`${g.name} unpaused: ${c.name}`, () => expectSuccess(c.call(), c.emits));
        }
      }
    });

    it("leaves the other groups' functions and the ungrouped ones working while one group is paused (a call that group also stops reverts GroupPaused(group))", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      const start = await takeSnapshot();
      for (const g of ctx.groups) {
        await start.restore();
        await (await contract.connect(ctx.pauser).pause(bit(g))).wait();
        const paused = await takeSnapshot();
        const others = ctx.groups.filter((o) => o.index !== g.index);
        const calls = [
          ...others.flatMap((o) =>
            o.calls.map((c) => ({
              label: `${o.name}: ${c.name}`,
              c: c as NamedCall,
              stopped: (c.alsoPausedBy ?? []).includes(g.index),
            })),
          ),
          ...ctx.ungrouped.map((c) => ({ label: `ungrouped: ${c.name}`, c, stopped: false })),
        ];
        expect(calls.length, `something to try while ${g.name} is paused`).to.be.greaterThan(0);
        for (const { label, c, stopped } of calls) {
          await paused.restore();
          if (stopped) {
            await step(`${g.name} paused, ${label} (also paused by it)`, async () => {
              await expect(c.call()).to.be.revertedWithCustomError(contract, "GroupPaused").withArgs(g.index);
            });
          } else {
            await step(`${g.name} paused, ${label}`, () => expectSuccess(c.call(), c.emits));
          }
        }
      }
    });

    it("leaves the functions outside every group working while every group is paused", async function () {
      const ctx = await getContext();
      const contract = pausableAt(ctx, await ctx.contract.getAddress());
      checkGroups(ctx);
      expect(ctx.ungrouped.length, "the context lists ungrouped calls").to.be.greaterThan(0);
      await (await contract.connect(ctx.pauser).pause(allGroups(ctx))).wait();
      const paused = await takeSnapshot();
      for (const c of ctx.ungrouped) {
        await paused.restore();
        await step(`every group paused: ${c.name}`, () => expectSuccess(c.call(), c.emits));
      }
    });
  });
}
