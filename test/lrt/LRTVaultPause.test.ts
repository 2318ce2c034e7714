/**
 * The LRT on a paused vault (invariant 9 of docs/invariants.md; the property test's design (b),
 * test/model/adminState.ts).
 *
 * The LRT's nodes are stakers of the RestakingVault: a deposit the manager routes to a node is the node's vault
 * deposit, a rebalance or a processRequests that finds idle short queues the node's vault withdrawals, and
 * completeWithdrawals completes them. While the vault's DEPOSITS or WITHDRAWALS group is paused, each of these reverts
 * with the vault's GroupPaused (bubbled through the node and the manager) and changes nothing; the LRT's paths that do
 * not reach the vault (a redemption request, the views) work; once the group is unpaused the same calls go through.
 *
 * World: lrtFixture (four nodes, no buffer: every deposit goes to the node furthest below its weight) and alice, bob,
 * carol and dave with 10 stETH each on a node.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DEFAULT_WITHDRAWAL_DELAY, VAULT_GROUP, WAD } from "../helpers/fixtures";
import { lrtFixture, type LRTFixture } from "../helpers/lrtFixtures";
import { queuedIds } from "../helpers/lrtActions";

async function fourDeposits(): Promise<LRTFixture> {
  const f = await lrtFixture();
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
  return f;
}

/** What a reverted call must leave as it was: the LRT's supply and value, the vault's view of the stETH pool. */
async function state(f: LRTFixture): Promise<unknown[]> {
  return [
    await f.lrt.totalSupply(),
    await f.manager.totalValue(false),
    await f.manager.totalValue(true),
    (await f.vault.assetConfig(f.stETHAddress)).totalDeposited,
    await f.stETH.balanceOf(f.erin.address),
    (await f.manager.assetBook(f.stETHAddress)).idle,
  ].map(String);
}

describe("LRT on a paused vault: the nodes' vault calls revert the vault's GroupPaused", function () {
  it("with the vault's DEPOSITS paused, a deposit routed to a node reverts GroupPaused(0) and changes nothing; unpaused, the deposit stakes; a redemption request works with every vault group paused", async function () {
    const f = await loadFixture(fourDeposits);
    await (await f.vault.connect(f.admin).pause(1n << VAULT_GROUP.DEPOSITS)).wait();
    const before = await state(f);
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.vault, "GroupPaused")
      .withArgs(VAULT_GROUP.DEPOSITS);
    expect(await state(f), "nothing moved").to.deep.equal(before);
    await (await f.vault.connect(f.admin).unpause(1n << VAULT_GROUP.DEPOSITS)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).to.emit(f.manager, "Staked");
    // a redemption request reaches no vault function: it works with every group of the vault paused
    await (await f.vault.connect(f.admin).pause(7n)).wait();
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).to.emit(
      f.manager,
      "RedeemRequested",
    );
  });

  it("with the vault's WITHDRAWALS paused, rebalance, a processRequests that must queue and completeWithdrawals revert GroupPaused(1) and change nothing; unpaused, each goes through", async function () {
    const f = await loadFixture(fourDeposits);
    const paused = 1n << VAULT_GROUP.WITHDRAWALS;
    await (await f.vault.connect(f.admin).pause(paused)).wait();
    const before = await state(f);
    await expect(f.manager.connect(f.admin).rebalance(0, f.stETHAddress, WAD))
      .to.be.revertedWithCustomError(f.vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    // the request is recorded (no vault call); fulfilling it needs a vault withdrawal (idle is 0)
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    const requested = await state(f);
    await expect(f.manager.processRequests(f.stETHAddress, 1n))
      .to.be.revertedWithCustomError(f.vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    expect(await state(f), "nothing moved").to.deep.equal(requested);
    expect(requested.slice(0, 1), "the request escrowed its shares, burned none").to.deep.equal(
      before.slice(0, 1),
    );

    await (await f.vault.connect(f.admin).unpause(paused)).wait();
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 1n));
    expect(ids.length, "processRequests queued a node withdrawal").to.be.greaterThan(0);
    await (await f.vault.connect(f.admin).pause(paused)).wait();
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const queued = await state(f);
    await expect(f.manager.completeWithdrawals(ids))
      .to.be.revertedWithCustomError(f.vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    expect(await state(f), "nothing moved").to.deep.equal(queued);
    await (await f.vault.connect(f.admin).unpause(paused)).wait();
    await expect(f.manager.completeWithdrawals(ids)).to.emit(f.manager, "WithdrawalCompleted");
    await expect(f.manager.connect(f.admin).rebalance(0, f.stETHAddress, WAD)).to.emit(
      f.manager,
      "WithdrawalQueued",
    );
  });
});
