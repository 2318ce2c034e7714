/**
 * shouldRestrictToRole: for every (call, role) pair of the context, accounts without the role revert
 * AccessControlUnauthorizedAccount(account, role) and an account holding it succeeds.
 *
 * Roles are named by the contract's public constant (DEFAULT_ADMIN_ROLE, PAUSER_ROLE, ASSET_ADMIN_ROLE, ...): the
 * behaviour derives the id as OpenZeppelin does (0x00 for DEFAULT_ADMIN_ROLE, keccak256(name) otherwise) and checks
 * it against the contract's constant. Every call is tried from the same state (a snapshot is restored before each).
 *
 * getContext is called once per test; it should call loadFixture so that every test starts from the same state.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";

import { ProtocolUpgradeable__factory } from "../../typechain-types";
import { expectSuccess, step, type ExpectedEvent } from "./common";

/** The id of the role whose constant is `name`. */
export function roleId(name: string): string {
  return name === "DEFAULT_ADMIN_ROLE" ? ethers.ZeroHash : ethers.id(name);
}

/** A function restricted to one role. */
export interface RoleRestrictedCall {
  /** What is called, for failure messages. */
  name: string;
  /** The name of the role constant it requires, e.g. "ASSET_ADMIN_ROLE". */
  role: string;
  /** Sends the call from `account`. */
  call: (account: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
  /** The event the role holder's call emits; without it the call only has to not revert. */
  emits?: ExpectedEvent;
}

export interface AccessControlContext {
  /** The contract behind its proxy. */
  contract: BaseContract;
  /** Accounts holding none of the roles of `calls` (at least one). */
  strangers: HardhatEthersSigner[];
  /** An account holding each role of `calls`, by role name. */
  holders: Readonly<Record<string, HardhatEthersSigner>>;
  calls: RoleRestrictedCall[];
}

export function shouldRestrictToRole(getContext: () => Promise<AccessControlContext>): void {
  describe("access control (AccessControlUnauthorizedAccount)", function () {
    it("names every role as the contract does, held by its holder and by no stranger", async function () {
      const ctx = await getContext();
      const contract = ProtocolUpgradeable__factory.connect(await ctx.contract.getAddress(), ethers.provider);
      expect(ctx.strangers.length, "the context lists strangers").to.be.greaterThan(0);
      expect(ctx.calls.length, "the context lists restricted calls").to.be.greaterThan(0);
      for (const role of new Set(ctx.calls.map((c) => c.role))) {
        await step(role, async () => {
          const declared: unknown = await ctx.contract.getFunction(role).staticCall();
          expect(declared, `${role}()`).to.equal(roleId(role));
          const holder = ctx.holders[role];
          expect(holder, `a holder of ${role}`).to.not.equal(undefined);
          expect(await contract.hasRole(roleId(role), holder.address)).to.equal(true);
          for (const stranger of ctx.strangers) {
            expect(await contract.hasRole(roleId(role), stranger.address), stranger.address).to.equal(false);
          }
        });
      }
    });

    it("reverts AccessControlUnauthorizedAccount(account, role) for every account without the role", async function () {
      const ctx = await getContext();
      for (const c of ctx.calls) {
        for (const stranger of ctx.strangers) {
          await step(`${c.name} by ${stranger.address}`, async () => {
            await expect(c.call(stranger))
              .to.be.revertedWithCustomError(ctx.contract, "AccessControlUnauthorizedAccount")
              .withArgs(stranger.address, roleId(c.role));
          });
        }
      }
    });

    it("lets the holder of the role make every call", async function () {
      const ctx = await getContext();
      const start = await takeSnapshot();
      for (const c of ctx.calls) {
        await start.restore();
        await step(`${c.name} by the ${c.role} holder`, () =>
          expectSuccess(c.call(ctx.holders[c.role]), c.emits),
        );
      }
    });
  });
}
