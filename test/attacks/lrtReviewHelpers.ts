/**
 * Shared pieces of the LRT attack review (issue #10, the review's files test/attacks/LRT*.test.ts):
 *   - `deployAttackAccount`: a test-only contract account that runs a list of calls in one transaction (to try
 *     entering and leaving in one transaction through several accounts). Compiled from the source below with the
 *     project's pinned solc (as test/model/batchReader.ts does), so contracts/ is left untouched;
 *   - `expectSolvent`: the LRT's books (idle + reserved of each asset) are at most the manager's balance;
 *   - small scenario builders on test/helpers/lrtFixtures.ts, and `reentrantLRTFixture` (an LRT on a reentrant
 *     token);
 *   - the storage builders and the docs/lrt.md "Rate" model of reviews 5 and 6 (`modelTotal`, `expectModel`,
 *     `positionSlot`, `poolSlot`, `setPool`, ...): raw slots of the manager's and the vault's ERC-7201 layouts.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, type BaseContract, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { VIRTUAL_SHARES } from "../../sdk/views";
import {
  MockLRTOracle__factory,
  ReentrantERC20__factory,
  type LiquidRestakingToken,
  type LRTAssetVault,
  type LRTManager,
  type ReentrantERC20,
} from "../../typechain-types";
import { ASSET_CAP, WAD, stakingFixture, type StakingFixture } from "../helpers/fixtures";
import { lrtFixture, rateOf, sharesFor, type LRTFixture, deployTestLRT } from "../helpers/lrtFixtures";
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
  const lrt = await deployTestLRT(f.admin, f, {
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
  const lrt = await deployTestLRT(f.admin, f, {
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

export const MANAGER_STORAGE = 0x916e6f1d6a950794474f36c551260bc2d682249703bee422ef9bacdcdc880500n;
export const VAULT_STORAGE = 0x3b0d83ff0b6f9bda25e57505ef788bfbe24206f89760ee55e5eb878f57154400n;
/** The vault pools' virtual shares (sdk/views.ts), not the LRT's. */
export const POOL_VIRTUAL_SHARES = VIRTUAL_SHARES;
export const TWO127 = 2n ** 127n;
export const MAX112 = 2n ** 112n - 1n;
export const MAX128 = 2n ** 128n - 1n;
export const ceilDiv = (x: bigint, d: bigint): bigint => (x + d - 1n) / d;
export const mapSlot = (key: bigint | string, slot: bigint): bigint =>
  BigInt(
    ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(
        [typeof key === "string" ? "address" : "uint256", "uint256"],
        [key, slot],
      ),
    ),
  );

export async function readSlot(address: string, slot: bigint): Promise<bigint> {
  return BigInt(await ethers.provider.getStorage(address, slot));
}

export async function writeSlot(address: string, slot: bigint, value: bigint): Promise<void> {
  await network.provider.send("hardhat_setStorageAt", [
    address,
    ethers.toQuantity(slot),
    ethers.zeroPadValue(ethers.toBeHex(value), 32),
  ]);
}

/** The LRT's total value by docs/lrt.md "Rate", from the chain's raw figures (idle, positions, pools, prices). */
export async function modelTotal(f: LRTFixture, exit: boolean): Promise<bigint> {
  let total = 0n;
  const count = await f.manager.nodeCount();
  for (const asset of [f.stETHAddress, f.rETHAddress]) {
    const p = await f.oracle.price(asset);
    const unit = WAD; // both 18 decimals
    const idle = (await f.manager.assetBook(asset)).idle;
    total += exit ? (idle * p) / unit : ceilDiv(idle * p, unit);
    for (let i = 0n; i < count; i++) {
      const pos = await f.manager.position(i, asset);
      const shares = pos.active + pos.queued;
      const [poolAssets, poolShares, pending] = await f.vault.poolBalances(
        (await f.manager.node(i)).operator,
        asset,
      );
      const d = poolShares + POOL_VIRTUAL_SHARES;
      if (exit) total += (((shares * (poolAssets - pending + 1n)) / d) * p) / unit;
      else total += ceilDiv(ceilDiv(shares * (poolAssets + 1n), d) * p, unit);
    }
  }
  return total;
}

/** getRate and previewDeposit (of both assets) equal the model's figures. */
export async function expectModel(f: LRTFixture): Promise<void> {
  const supply = await f.lrt.totalSupply();
  const [exitTotal, entryTotal] = [await modelTotal(f, true), await modelTotal(f, false)];
  expect(await f.manager.getRate()).to.equal(rateOf(exitTotal, supply));
  expect(await f.manager.totalValue(true)).to.equal(exitTotal);
  expect(await f.manager.totalValue(false)).to.equal(entryTotal);
  for (const asset of [f.stETHAddress, f.rETHAddress]) {
    const amount = 7n * WAD + 1n;
    const value = (amount * (await f.oracle.price(asset))) / WAD;
    expect(await f.manager.previewDeposit(asset, amount)).to.equal(sharesFor(value, entryTotal, supply));
  }
}

/** The node index of the `Deposited` event in `tx`. */
export async function depositNode(
  manager: LRTManager,
  tx: Promise<ContractTransactionResponse>,
): Promise<bigint> {
  const receipt = await (await tx).wait();
  for (const log of receipt?.logs ?? []) {
    const parsed = manager.interface.parseLog(log);
    if (parsed?.name === "Deposited") return parsed.args.nodeIndex as bigint;
  }
  throw new Error("no Deposited");
}

export async function rateGas(f: LRTFixture): Promise<bigint> {
  return ethers.provider.estimateGas({
    to: f.managerAddress,
    data: f.manager.interface.encodeFunctionData("getRate"),
  });
}

/** Both assets deposited by every staker (to nodes: no buffer), so that nodes hold two assets each. */
export async function twoAssetsStaked(): Promise<LRTFixture> {
  const f = await loadFixture(lrtFixture);
  for (const [i, s] of f.stakers.entries()) {
    await (await f.stETHVault.connect(s).deposit(BigInt(i + 3) * WAD + 12_345n, s.address)).wait();
    await (await f.rETHVault.connect(s).deposit(BigInt(i + 2) * WAD + 777n, s.address)).wait();
  }
  const n0 = await f.manager.position(0, f.stETHAddress);
  expect(n0.active).to.be.greaterThan(0n);
  expect((await f.manager.position(0, f.rETHAddress)).active).to.be.greaterThan(0n);
  return f;
}

/** The slot of `$.positions[n][a]` in the manager, found by the known figure of position (0, stETH). */
export async function positionSlot(f: LRTFixture, n: bigint, a: bigint): Promise<bigint> {
  const pos = await f.manager.position(0, f.stETHAddress);
  const word = pos.active | (pos.queued << 128n);
  const stIndex = BigInt((await f.manager.assetConfig(f.stETHAddress)).index);
  for (let k = 0n; k < 200n; k++) {
    if ((await readSlot(f.managerAddress, mapSlot(stIndex, mapSlot(0n, MANAGER_STORAGE + k)))) === word) {
      return mapSlot(a, mapSlot(n, MANAGER_STORAGE + k));
    }
  }
  throw new Error("positions slot not found");
}

/** The first slot of the vault's `pools[operator][asset]`, found by the known figures of the pool. */
export async function poolSlot(f: LRTFixture, operator: string, asset: string): Promise<bigint> {
  const [assets, shares] = await f.vault.poolBalances(operator, asset);
  for (let k = 0n; k < 100n; k++) {
    const slot = mapSlot(asset, mapSlot(operator, VAULT_STORAGE + k));
    const w = await readSlot(f.vaultAddress, slot);
    if ((w & MAX112) === assets && ((w >> 112n) & MAX128) === shares && assets !== 0n) return slot;
  }
  throw new Error("pools slot not found");
}

/**
 * Overwrites the pool at `slot` (node 0's stETH pool unless `operator` / `asset` say which): total assets, total
 * shares, pending slash (other fields kept).
 */
export async function setPool(
  f: LRTFixture,
  slot: bigint,
  assets: bigint,
  shares: bigint,
  pending: bigint,
  operator?: string,
  asset?: string,
): Promise<void> {
  const w0 = await readSlot(f.vaultAddress, slot);
  await writeSlot(f.vaultAddress, slot, (w0 & ~((1n << 240n) - 1n)) | assets | (shares << 112n));
  const w1 = await readSlot(f.vaultAddress, slot + 1n);
  const pendingMask = MAX112 << 128n;
  await writeSlot(f.vaultAddress, slot + 1n, (w1 & ~pendingMask) | (pending << 128n));
  const [a, s, p] = await f.vault.poolBalances(
    operator ?? (await f.manager.node(0)).operator,
    asset ?? f.stETHAddress,
  );
  expect([a, s, p]).to.deep.equal([assets, shares, pending]);
}

/** 16 nodes: the fixture's four and twelve new operators' (weight 0 until set), two assets staked in four rounds. */
export async function sixteenNodes(): Promise<LRTFixture> {
  const f = await loadFixture(lrtFixture);
  for (let i = 0; i < 12; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    await network.provider.send("hardhat_setBalance", [w.address, ethers.toQuantity(WAD)]);
    await (await f.registry.connect(w).registerAsOperator("ipfs://op", 0, ethers.ZeroAddress)).wait();
    await (await f.manager.createNode(w.address, 0, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  }
  await (await f.manager.setWeights([676, ...Array(14).fill(666), 0])).wait();
  for (let round = 0; round < 4; round++) {
    for (const s of f.stakers) {
      await (await f.stETHVault.connect(s).deposit(WAD + BigInt(round) * 13n, s.address)).wait();
      await (await f.rETHVault.connect(s).deposit(WAD / 2n + 7n, s.address)).wait();
    }
  }
  expect(await f.manager.nodeCount()).to.equal(16n);
  expect((await f.manager.node(15)).assetMask).to.equal(0n);
  return f;
}
