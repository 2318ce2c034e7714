/**
 * Shared pieces of the LRT attack review (issue #10, the review's files test/attacks/LRT*.test.ts):
 *   - `deployAttackAccount`: a test-only contract account that runs a list of calls in one transaction (to try
 *     entering and leaving in one transaction through several accounts). Compiled from the source below with the
 *     project's pinned solc (as test/model/batchReader.ts does), so contracts/ is left untouched;
 *   - `expectSolvent`: the LRT's books (idle + reserved of each asset) are at most the manager's balance;
 *   - small scenario builders on test/helpers/lrtFixtures.ts, and `reentrantLRTFixture` (an LRT on a reentrant
 *     token).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { Interface, type BaseContract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE, deployLRT } from "../../sdk/lrt";
import {
  MockLRTOracle__factory,
  ReentrantERC20__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type ReentrantERC20,
} from "../../typechain-types";
import { ASSET_CAP, WAD, stakingFixture, type StakingFixture } from "../helpers/fixtures";
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

/** The selector of OpenZeppelin's `ReentrancyGuardReentrantCall()`. */
export const GUARD_SELECTOR = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

/** The token's record of its last reentrant call (its `count`-th): refused by the reentrancy guard. */
export async function expectGuardRefused(token: ReentrantERC20, count: bigint): Promise<void> {
  expect(await token.reentryCount()).to.equal(count);
  expect(await token.lastReentrySucceeded()).to.equal(false);
  expect(await token.lastRevertSelector()).to.equal(GUARD_SELECTOR);
}

export interface ReentrantLRTFixture extends StakingFixture {
  token: ReentrantERC20;
  asset: string;
  manager: LRTManager;
  lrt: LiquidRestakingToken;
  entry: LRTAssetVault;
  managerAddress: string;
}

/**
 * An LRT on the core whose only asset is a `ReentrantERC20` (calls back into an armed target in the middle of a
 * transfer), two nodes of weight 50% (operator1, operator2), a 20% buffer; alice and bob deposit 100 each (alice's
 * fills the buffer, bob's goes to a node).
 */
export async function reentrantLRTFixture(): Promise<ReentrantLRTFixture> {
  const f = await stakingFixture();
  const token = await new ReentrantERC20__factory(f.admin).deploy("Reentrant staked ETH", "reETH");
  const asset = await token.getAddress();
  await (await f.vault.addAsset(asset, ASSET_CAP)).wait();
  const oracle = await new MockLRTOracle__factory(f.admin).deploy();
  await (await oracle.setPrice(asset, WAD)).wait();
  const lrt = await deployLRT(f.admin, f, {
    oracle: await oracle.getAddress(),
    treasury: f.admin.address,
    rewardsReceiver: f.admin.address,
    assets: [{ asset, cap: ASSET_CAP }],
  });
  await (
    await f.registry.connect(f.operator2).registerAsOperator("ipfs://op2", 0, ethers.ZeroAddress)
  ).wait();
  for (const op of [f.operator1, f.operator2]) {
    await (await lrt.manager.createNode(op.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  }
  const entry = lrt.entryPoints[asset];
  for (const s of [f.alice, f.bob]) {
    await (await token.mint(s.address, 1_000n * WAD)).wait();
    await (await token.connect(s).approve(await entry.getAddress(), ethers.MaxUint256)).wait();
  }
  // A buffer of 20%, so that the first deposits stay idle for instant exits and claims.
  await (await lrt.manager.setBuffer(2_000, 0, 0)).wait();
  await (await entry.connect(f.alice).deposit(100n * WAD, f.alice.address)).wait();
  await (await entry.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
  return {
    ...f,
    token,
    asset,
    manager: lrt.manager,
    lrt: lrt.token,
    entry,
    managerAddress: lrt.addresses.manager,
  };
}

export interface TokenLRT {
  manager: LRTManager;
  lrt: LiquidRestakingToken;
  entry: LRTAssetVault;
  managerAddress: string;
}

/**
 * An LRT on the core of `f` whose only asset is `asset` (listed on the core here, priced 1.0 by a MockLRTOracle), two
 * nodes of weight 50% (operator1, operator2) and no buffer (a deposit goes to a node); alice and bob approve the entry
 * point (the caller funds them).
 */
export async function lrtOnToken(f: StakingFixture, asset: string): Promise<TokenLRT> {
  await (await f.vault.addAsset(asset, ASSET_CAP)).wait();
  const oracle = await new MockLRTOracle__factory(f.admin).deploy();
  await (await oracle.setPrice(asset, WAD)).wait();
  const lrt = await deployLRT(f.admin, f, {
    oracle: await oracle.getAddress(),
    treasury: f.admin.address,
    rewardsReceiver: f.admin.address,
    assets: [{ asset, cap: ASSET_CAP }],
  });
  await (
    await f.registry.connect(f.operator2).registerAsOperator("ipfs://op2", 0, ethers.ZeroAddress)
  ).wait();
  for (const op of [f.operator1, f.operator2]) {
    await (await lrt.manager.createNode(op.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  }
  const entry = lrt.entryPoints[asset];
  const token = new ethers.Contract(asset, ["function approve(address,uint256) returns (bool)"], f.admin);
  for (const s of [f.alice, f.bob]) {
    await (
      await (token.connect(s) as typeof token).getFunction("approve")(
        await entry.getAddress(),
        ethers.MaxUint256,
      )
    ).wait();
  }
  return { manager: lrt.manager, lrt: lrt.token, entry, managerAddress: lrt.addresses.manager };
}
