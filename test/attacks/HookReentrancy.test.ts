/**
 * Review finding 9c (issue 9): the vault's `delegate` / `undelegate` ran the rewards hook with the staker record cached
 * in memory and without the reentrancy guard.
 *
 * The fix (docs/staking.md, "RestakingVault flows"): both are `nonReentrant` (defence in depth against a future hook).
 *
 * No mock in contracts/mocks can reenter through the rewards hook: MockRewardsHook only records its calls (or
 * reverts), and the RewardDistributor's hook moves no tokens and calls nothing back; no mock has a fallback. So the
 * guard on delegate/undelegate is proven from the other side: ReentrantERC20, listed as a vault asset, calls the
 * registry from inside a vault call (a deposit's transferFrom), and the registry's call into vault.delegate or
 * vault.undelegate meets the vault's transient lock. The same calls made outside any vault call go through, so the
 * revert is the guard and nothing else.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD, stakingFixture, type StakingFixture } from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { ReentrantERC20__factory, type ReentrantERC20 } from "../../typechain-types";

interface ReentryFixture extends StakingFixture {
  rnt: ReentrantERC20;
  rntAddress: string;
  guardSelector: string;
}

async function reentryFixture(): Promise<ReentryFixture> {
  const f = await stakingFixture();
  const rnt = await new ReentrantERC20__factory(f.admin).deploy("Reentrant", "RNT");
  await rnt.waitForDeployment();
  const rntAddress = await rnt.getAddress();
  await (await f.vault.addAsset(rntAddress, 10n ** 30n)).wait();
  await (await rnt.mint(f.alice.address, 1_000n * WAD)).wait();
  await (await rnt.connect(f.alice).approve(f.vaultAddress, ethers.MaxUint256)).wait();
  const guard = f.vault.interface.getError("ReentrancyGuardReentrantCall");
  if (guard === null) throw new Error("the vault has no reentrancy guard error");
  return { ...f, rnt, rntAddress, guardSelector: guard.selector };
}

describe("attack: reentering delegate / undelegate through the vault (review finding 9c)", function () {
  it("registry.delegateTo reentered from a deposit's token transfer: vault.delegate reverts ReentrancyGuardReentrantCall; outside a vault call it goes through", async function () {
    const f = await loadFixture(reentryFixture);
    const { vault, registry, rnt, rntAddress, alice } = f;
    const delegateCall = registry.interface.encodeFunctionData("delegateTo", [
      f.operator1.address,
      NO_SIGNATURE,
      ZERO_SALT,
    ]);
    await (await rnt.arm(f.registryAddress, delegateCall)).wait();
    await (await vault.connect(alice).deposit(rntAddress, WAD, 0n)).wait();
    expect(await rnt.reentryCount()).to.equal(1n);
    expect(await rnt.lastReentrySucceeded()).to.equal(false);
    expect(await rnt.lastRevertSelector()).to.equal(f.guardSelector);
    expect(await vault.delegatedTo(rntAddress)).to.equal(ethers.ZeroAddress);

    await (await rnt.arm(f.registryAddress, delegateCall)).wait();
    await (await rnt.connect(alice).transfer(f.bob.address, 1n)).wait();
    expect(await rnt.lastReentrySucceeded()).to.equal(true);
    expect(await vault.delegatedTo(rntAddress)).to.equal(f.operator1.address);
  });

  it("registry.undelegate reentered from a deposit's token transfer: vault.undelegate reverts ReentrancyGuardReentrantCall; outside a vault call it goes through", async function () {
    const f = await loadFixture(reentryFixture);
    const { vault, registry, rnt, rntAddress, alice } = f;
    await (
      await rnt.arm(
        f.registryAddress,
        registry.interface.encodeFunctionData("delegateTo", [f.operator1.address, NO_SIGNATURE, ZERO_SALT]),
      )
    ).wait();
    await (await rnt.connect(alice).transfer(f.bob.address, 1n)).wait();
    expect(await vault.delegatedTo(rntAddress)).to.equal(f.operator1.address);

    const undelegateCall = registry.interface.encodeFunctionData("undelegate", [rntAddress]);
    await (await rnt.arm(f.registryAddress, undelegateCall)).wait();
    await (await vault.connect(alice).deposit(rntAddress, WAD, 0n)).wait();
    expect(await rnt.lastReentrySucceeded()).to.equal(false);
    expect(await rnt.lastRevertSelector()).to.equal(f.guardSelector);
    expect(await vault.delegatedTo(rntAddress)).to.equal(f.operator1.address);

    await (await rnt.arm(f.registryAddress, undelegateCall)).wait();
    await (await rnt.connect(alice).transfer(f.bob.address, 1n)).wait();
    expect(await rnt.lastReentrySucceeded()).to.equal(true);
    expect(await vault.delegatedTo(rntAddress)).to.equal(ethers.ZeroAddress);
    expect(await rnt.balanceOf(alice.address)).to.equal(1_000n * WAD - WAD - 2n);
  });
});
