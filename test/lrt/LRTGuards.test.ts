/**
 * LRTManager's reentrancy guard on every guarded entry point not already reentered by
 * test/attacks/LRTReentrancy.test.ts (processRequests, harvest, completeWithdrawals, refreshExposure, instantRedeem,
 * claimRequest): an LRT on a `ReentrantERC20` (test/attacks/lrtReviewHelpers.ts `reentrantLRTFixture`) calls back into
 * the manager, or into the entry point that forwards to it, in the middle of a deposit's pull. Each reentrant call is
 * refused with `ReentrancyGuardReentrantCall` (the token records the revert instead of bubbling it), and the outer
 * deposit mints what it previewed. The role-gated functions are reentered by a token given the role, so that the
 * call passes `onlyRole` and reaches the guard.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import {
  expectGuardRefused,
  reentrantLRTFixture,
  type ReentrantLRTFixture,
} from "../attacks/lrtReviewHelpers";

const MANAGER_ROLE = ethers.id("MANAGER_ROLE");
const ADMIN_ROLE = ethers.ZeroHash;

/** Arms the token with `data` for `target`, makes alice deposit 1 token, and checks the deposit minted its preview. */
async function depositReentering(f: ReentrantLRTFixture, target: string, data: string): Promise<void> {
  const preview = await f.entry.previewDeposit(WAD);
  const before = await f.lrt.balanceOf(f.alice.address);
  await (await f.token.arm(target, data)).wait();
  await (await f.entry.connect(f.alice).deposit(WAD, f.alice.address)).wait();
  expect((await f.lrt.balanceOf(f.alice.address)) - before).to.equal(preview);
}

describe("LRTManager: the reentrancy guard of each entry point", function () {
  it("the deposit's pull reenters the role-gated setAssetConfig, setProtocolFee, rebalance and stakeIdle (the token holds the roles): each refused, the configuration unchanged", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    const tokenAddress = await f.token.getAddress();
    await (await f.manager.grantRole(MANAGER_ROLE, tokenAddress)).wait();
    await (await f.manager.grantRole(ADMIN_ROLE, tokenAddress)).wait();
    const configBefore = await f.manager.assetConfig(f.asset);
    const feeBefore = (await f.manager.policy()).protocolFeeBps;
    const staked = (await f.manager.position(0n, f.asset)).active !== 0n ? 0 : 1;
    const position = await f.manager.position(staked, f.asset);
    expect(position.active).to.not.equal(0n);
    const m = f.manager.interface;
    const reentries = [
      m.encodeFunctionData("setAssetConfig", [f.asset, 1n, false, false]),
      m.encodeFunctionData("setProtocolFee", [2_000]),
      m.encodeFunctionData("rebalance", [staked, f.asset, 1n]),
      m.encodeFunctionData("stakeIdle", [f.asset, 1n]),
    ];
    for (const [i, data] of reentries.entries()) {
      await depositReentering(f, f.managerAddress, data);
      await expectGuardRefused(f.token, BigInt(i + 1));
    }
    const configAfter = await f.manager.assetConfig(f.asset);
    expect([configAfter.cap, configAfter.enabled]).to.deep.equal([configBefore.cap, configBefore.enabled]);
    expect((await f.manager.policy()).protocolFeeBps).to.equal(feeBefore);
    expect((await f.manager.position(staked, f.asset)).queued).to.equal(position.queued);
  });

  it("the deposit's pull reenters syncNode: refused", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    await depositReentering(f, f.managerAddress, f.manager.interface.encodeFunctionData("syncNode", [0n]));
    await expectGuardRefused(f.token, 1n);
  });

  it("the deposit's pull reenters the entry point's deposit, mint, requestRedeem, redeem and withdraw (the manager's deposit, mint, requestRedeem, claimShares, claimAssets): each refused", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    const tokenAddress = await f.token.getAddress();
    const entryAddress = await f.entry.getAddress();
    const e = f.entry.interface;
    const reentries = [
      e.encodeFunctionData("deposit", [1n, tokenAddress]),
      e.encodeFunctionData("mint", [1n, tokenAddress]),
      e.encodeFunctionData("requestRedeem", [1n, tokenAddress, tokenAddress]),
      e.encodeFunctionData("redeem", [1n, tokenAddress, tokenAddress]),
      e.encodeFunctionData("withdraw", [1n, tokenAddress, tokenAddress]),
    ];
    for (const [i, data] of reentries.entries()) {
      await depositReentering(f, entryAddress, data);
      await expectGuardRefused(f.token, BigInt(i + 1));
    }
    // The token was minted no LRT and filed no request.
    expect(await f.lrt.balanceOf(tokenAddress)).to.equal(0n);
    expect(await f.manager.requestCount()).to.equal(0n);
  });
});
