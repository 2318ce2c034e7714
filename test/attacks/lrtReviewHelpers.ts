/**
 * Shared pieces of the LRT attack review (issue #10, the review's files test/attacks/LRT*.test.ts):
 *   - `deployAttackAccount`: a test-only contract account that runs a list of calls in one transaction (to try
 *     entering and leaving in one transaction through several accounts). Compiled from the source below with the
 *     project's pinned solc (as test/model/batchReader.ts does), so contracts/ is left untouched;
 *   - `expectSolvent`: the LRT's books (idle + reserved of each asset) are at most the manager's balance;
 *   - small scenario builders on test/helpers/lrtFixtures.ts.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { Interface, type BaseContract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { WAD } from "../helpers/fixtures";
import type { LRTFixture } from "../helpers/lrtFixtures";
import { compileTestContract } from "../helpers/solcjs";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

contract AttackAccount {
    struct Call {
        address target;
        bytes data;
    }

    function execute(Call[] calldata calls) external returns (bytes[] memory results) {
        results = new bytes[](calls.length);
        for (uint256 i; i < calls.length; ++i) {
            (bool ok, bytes memory out) = calls[i].target.call(calls[i].data);
            if (!ok) {
                assembly {
                    revert(add(out, 32), mload(out))
                }
            }
            results[i] = out;
        }
    }
}
`;

export const ATTACK_ACCOUNT = new Interface([
  "function execute((address target, bytes data)[] calls) returns (bytes[] results)",
]);

function compileAttackAccount(): string {
  return compileTestContract("AttackAccount", SOURCE);
}

export interface AttackAccount {
  address: string;
  contract: BaseContract;
}

/** Deploys an AttackAccount (runs a list of calls in one transaction, reverting with the first failure). */
export async function deployAttackAccount(deployer: HardhatEthersSigner): Promise<AttackAccount> {
  const factory = new ethers.ContractFactory(ATTACK_ACCOUNT, compileAttackAccount(), deployer);
  const c = await factory.deploy();
  await c.waitForDeployment();
  return { address: await c.getAddress(), contract: c };
}

/** One call for AttackAccount.execute. */
export function call(target: BaseContract | string, data: string): { target: string; data: string } {
  const address = typeof target === "string" ? target : (target as unknown as { target: string }).target;
  return { target: address, data };
}

/** Encodes AttackAccount.execute(calls). */
export function executeData(calls: Array<{ target: string; data: string }>): string {
  return ATTACK_ACCOUNT.encodeFunctionData("execute", [calls]);
}

/** Solvency of the LRT's books: for each accepted asset, idle + reserved <= the manager's balance. */
export async function expectSolvent(f: LRTFixture): Promise<void> {
  for (const [asset, token] of [
    [f.stETHAddress, f.stETH],
    [f.rETHAddress, f.rETH],
  ] as const) {
    const book = await f.manager.assetBook(asset);
    const balance = await token.balanceOf(f.managerAddress);
    expect(book.idle + book.reserved, `books of ${asset} within the manager's balance`).to.be.lte(balance);
  }
}

/** alice, bob, carol and dave each deposit 10 stETH. */
export async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

/** The exit value of `shares` now (rounded down, with the virtual offsets). */
export async function exitValueOf(f: LRTFixture, shares: bigint): Promise<bigint> {
  const [tv, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
  return (shares * (tv + 10n ** 9n)) / (supply + 10n ** 9n);
}
