/**
 * Attack review of the LRT (issue #10), class 3: the ERC-7540 redemption queue.
 *
 * Claims tried and results:
 *   F1 (Medium) fixed    one request larger than the LRT's holdings of its asset blocked that asset's FIFO queue for
 *                        everyone behind it. A request now reverts RedeemExceedsAssetLiquidity unless the LRT holds
 *                        its value in that asset (idle and in the nodes) beyond what earlier requests are owed.
 *   F2 (Medium) fixed    anyone could fulfil a request while a slash request was pending: the request was fixed at
 *                        the net value, and a later veto gave nothing back. processRequests now waits while any pool
 *                        the LRT holds has a pending request (PoolSlashPending), as the vault's exits do, and a
 *                        request records its value gross of pending reservations.
 *   fails  dust requests (1 share each) ahead of a victim: served FIFO from idle, the victim is paid his value
 *          exactly, and the griefer pays more gas than the keeper.
 *   fails  requests and claims for someone else without approval; an operator approved on one entry point acting
 *          on another; a claim through the wrong entry point; minAssetsOut.
 *   fails  instant redemptions taking idle tokens owed to a pending request (claims are never starved).
 *   fails  a request while the node's pool is closed by a pending slash request: the withdrawal is queued from that
 *          pool and the request (made after the slash request) bears the execution once, as every holder does.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import {
  CLAIMABLE,
  PENDING,
  RETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  valueOf,
  type LRTSlashFixture,
} from "../helpers/lrtFixtures";
import { executeSlash, queuedIds, requestSlash } from "../helpers/lrtActions";
import { expectSolvent, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): the ERC-7540 redemption queue", function () {
  it("fixed (LRT review F1): a request above the LRT's rETH holdings reverts RedeemExceedsAssetLiquidity with what is available; erin can ask for the 10 of the 11 ETH of rETH there is, alice for at most the 1 ETH left, and both are served in turn", async function () {
    const f = await loadFixture(lrtFixture);
    // alice holds the LRT's only rETH: 10 rETH (11 ETH) in node 0; erin deposits 100 stETH (node 1).
    await (await f.rETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(100n * WAD, f.erin.address)).wait();
    const erinShares = await f.lrt.balanceOf(f.erin.address);
    const [tv, supply] = [await f.manager.totalValue(false), await f.lrt.totalSupply()];
    // erin asks for all her value in rETH: 100 ETH = 90.9 rETH, far more than the 10 rETH (11 ETH) the LRT holds.
    await expect(f.rETHVault.connect(f.erin).requestRedeem(erinShares, f.erin.address, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.rETHAddress, valueOf(erinShares, tv, supply), 11n * WAD);
    // She can ask for what there is: 10 ETH of rETH; then alice's 2 ETH would exceed the 1 ETH left.
    const erinPart = (erinShares * 10n) / 100n;
    await (await f.rETHVault.connect(f.erin).requestRedeem(erinPart, f.erin.address, f.erin.address)).wait();
    expect((await f.manager.request(1n)).amount).to.equal(valueOf(erinPart, tv, supply));
    await expect(f.rETHVault.connect(f.alice).requestRedeem(2n * WAD, f.alice.address, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.rETHAddress, valueOf(2n * WAD, tv, supply), 11n * WAD - valueOf(erinPart, tv, supply));
    await (
      await f.rETHVault.connect(f.alice).requestRedeem(WAD / 2n, f.alice.address, f.alice.address)
    ).wait();
    // Processing queues the rETH the head request needs; after the delay erin is fulfilled, and the next round does
    // the same for alice.
    for (const request of [1n, 2n]) {
      const ids = await queuedIds(f, f.manager.processRequests(f.rETHAddress, 10n));
      expect(ids.length).to.equal(1);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await (await f.manager.completeWithdrawals(ids)).wait();
      expect(await f.manager.processRequests.staticCall(f.rETHAddress, 1n), `request ${request}`).to.equal(
        1n,
      );
      await (await f.manager.processRequests(f.rETHAddress, 1n)).wait();
    }
    expect([(await f.manager.request(1n)).status, (await f.manager.request(2n)).status]).to.deep.equal([
      CLAIMABLE,
      CLAIMABLE,
    ]);
    expect((await f.manager.request(2n)).amount).to.equal((valueOf(WAD / 2n, tv, supply) * WAD) / RETH_PRICE);
    await expectSolvent(f);
  });

  async function requestedBeforeSlashRequest(): Promise<LRTSlashFixture & { slashId: bigint }> {
    const f = await lrtSlashFixture();
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    // A 50% buffer: alice and carol stay idle (20 stETH), bob -> node 0 (operator1), dave -> node 1.
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    expect((await f.manager.request(1n)).amount).to.equal(4n * WAD);
    // A 10% slash request on operator1 reserves 0.5 stETH of node 0's 10.
    const slashId = await requestSlash(f, f.operator1.address, WAD / 10n);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD - WAD / 2n);
    return { ...f, slashId };
  }

  it("fixed (LRT review F2): erin's processRequests fulfils nothing while a slash request is pending; after the veto alice's request is fulfilled and she is paid her 4 stETH", async function () {
    const f = await loadFixture(requestedBeforeSlashRequest);
    // erin (anyone) tries to process during the veto window: the request waits, like the vault's exits.
    expect(await f.manager.connect(f.erin).processRequests.staticCall(f.stETHAddress, 1n)).to.equal(0n);
    await (await f.manager.connect(f.erin).processRequests(f.stETHAddress, 1n)).wait();
    expect((await f.manager.request(1n)).status).to.equal(PENDING);
    await (await f.slashingManager.connect(f.committee).vetoSlash(f.slashId)).wait();
    await (await f.manager.connect(f.erin).processRequests(f.stETHAddress, 1n)).wait();
    expect((await f.manager.request(1n)).amount).to.equal(4n * WAD);
    await expect(f.stETHVault.connect(f.alice).claim(1n, f.alice.address, 0n)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      4n * WAD,
    );
    // The slash never happened and nobody paid for it: the 36 remaining shares keep 36 stETH.
    expect(await f.manager.totalValue(true)).to.equal(36n * WAD);
    expect(await f.lrt.totalSupply()).to.equal(36n * WAD);
    await expectSolvent(f);
  });

  it("dust requests ahead of a victim: served FIFO from idle, alice is paid exactly her 4 stETH, erin gets 20 wei for 20 shares", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    await (await f.stETHVault.connect(f.erin).deposit(10n ** 9n, f.erin.address)).wait();
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(10n ** 9n);
    let griefGas = 0n;
    for (let i = 0; i < 20; ++i) {
      const r = await (
        await f.stETHVault.connect(f.erin).requestRedeem(1n, f.erin.address, f.erin.address)
      ).wait();
      griefGas += r?.gasUsed ?? 0n;
    }
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    expect((await f.manager.request(21n)).amount).to.equal(4n * WAD);
    // A keeper serves the 20 dust requests in one bounded call, then alice.
    const r1 = await (await f.manager.processRequests(f.stETHAddress, 20n)).wait();
    expect((await f.manager.request(21n)).status).to.equal(PENDING);
    const r2 = await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    expect((await f.manager.request(21n)).amount).to.equal(4n * WAD);
    expect((r1?.gasUsed ?? 0n) + (r2?.gasUsed ?? 0n)).to.be.lessThan(griefGas);
    await expect(f.stETHVault.connect(f.alice).claim(21n, f.alice.address, 4n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      4n * WAD,
    );
    expect(await f.stETHVault.maxWithdraw(f.erin.address)).to.equal(20n);
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(10n ** 9n - 20n);
    await expectSolvent(f);
  });

  it("requests and claims for others without approval fail; bob (allowance) and carol (operator on stETH only) get exactly what ERC-7540 grants", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    // No approval at all: the token refuses the escrow.
    await expect(f.stETHVault.connect(f.bob).requestRedeem(WAD, f.bob.address, f.alice.address))
      .to.be.revertedWithCustomError(f.lrt, "ERC20InsufficientAllowance")
      .withArgs(f.bob.address, 0n, WAD);
    // An ERC-20 allowance of 1 LRT lets bob request exactly 1 LRT of alice's, as ERC-7540 allows, and no more.
    await (await f.lrt.connect(f.alice).approve(f.bob.address, WAD)).wait();
    await (await f.stETHVault.connect(f.bob).requestRedeem(WAD, f.bob.address, f.alice.address)).wait();
    expect(await f.lrt.allowance(f.alice.address, f.bob.address)).to.equal(0n);
    await expect(f.stETHVault.connect(f.bob).requestRedeem(1n, f.bob.address, f.alice.address))
      .to.be.revertedWithCustomError(f.lrt, "ERC20InsufficientAllowance")
      .withArgs(f.bob.address, 0n, 1n);
    // carol is alice's operator on the stETH entry point only (dave's rETH gives the rETH queue something to pay).
    await (await f.rETHVault.connect(f.dave).deposit(10n * WAD, f.dave.address)).wait();
    await (await f.stETHVault.connect(f.alice).setOperator(f.carol.address, true)).wait();
    await expect(f.rETHVault.connect(f.carol).requestRedeem(2n * WAD, f.carol.address, f.alice.address))
      .to.be.revertedWithCustomError(f.lrt, "ERC20InsufficientAllowance")
      .withArgs(f.carol.address, 0n, 2n * WAD);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(2n * WAD, f.alice.address, f.alice.address)
    ).wait();
    await (await f.manager.processRequests(f.stETHAddress, 10n)).wait();
    // dave cannot claim, redeem or withdraw for alice; nor through the rETH entry point can alice.
    await expect(f.stETHVault.connect(f.dave).claim(2n, f.dave.address, 0n))
      .to.be.revertedWithCustomError(f.stETHVault, "NotAuthorized")
      .withArgs(f.dave.address, f.alice.address);
    await expect(f.stETHVault.connect(f.dave).redeem(1n, f.dave.address, f.alice.address))
      .to.be.revertedWithCustomError(f.stETHVault, "NotAuthorized")
      .withArgs(f.dave.address, f.alice.address);
    await expect(f.stETHVault.connect(f.dave).withdraw(1n, f.dave.address, f.alice.address))
      .to.be.revertedWithCustomError(f.stETHVault, "NotAuthorized")
      .withArgs(f.dave.address, f.alice.address);
    await expect(f.rETHVault.connect(f.alice).claim(2n, f.alice.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(2n, CLAIMABLE);
    await expect(f.stETHVault.connect(f.alice).claim(2n, f.alice.address, 2n * WAD + 1n))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(2n * WAD, 2n * WAD + 1n);
    // carol, alice's operator, claims alice's request to herself: the operator is fully trusted (ERC-7540).
    await expect(f.stETHVault.connect(f.carol).claim(2n, f.carol.address, 2n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.carol,
      2n * WAD,
    );
    await expect(f.stETHVault.connect(f.bob).claim(1n, f.bob.address, WAD)).to.changeTokenBalance(
      f.stETH,
      f.bob,
      WAD,
    );
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(7n * WAD);
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(10n * WAD);
    await expectSolvent(f);
  });

  it("instant redeemers cannot take idle owed to a pending request: bob drains the free half, carol is refused, alice is paid in full", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(20n * WAD);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(10n * WAD, f.alice.address, f.alice.address)
    ).wait();
    await expect(
      f.manager.connect(f.bob).instantRedeem(10n * WAD, f.stETHAddress, 0n, f.bob.address),
    ).to.changeTokenBalance(f.stETH, f.bob, 10n * WAD);
    await expect(f.manager.connect(f.carol).instantRedeem(1n * WAD, f.stETHAddress, 0n, f.carol.address))
      .to.be.revertedWithCustomError(f.manager, "InsufficientBuffer")
      .withArgs(f.stETHAddress, 0n, WAD);
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    await expect(f.stETHVault.connect(f.alice).claim(1n, f.alice.address, 10n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      10n * WAD,
    );
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.idle, book.reserved, book.pendingRedeemValue]).to.deep.equal([0n, 0n, 0n]);
    expect(await f.lrt.balanceOf(f.carol.address)).to.equal(10n * WAD);
    await expectSolvent(f);
  });

  it("a request while node 0's pool is closed by a pending slash request: queued from that pool; alice, who requested after the slash request, records her gross value and is paid the value after the execution: what her shares were worth net of the reservation, not less", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    const slashId = await requestSlash(f, f.operator1.address, WAD / 10n);
    // Node 0 is made the most overweight, so the queue draws on the pool that is closed to entries.
    await (await f.manager.setWeights([1_000, 3_000, 3_000, 3_000])).wait();
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    const atRequest = valueOf(4n * WAD, 40n * WAD - WAD / 2n, 40n * WAD);
    expect((await f.manager.request(1n)).amount, "gross of the pending reservation").to.equal(4n * WAD);
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect(ids.length).to.equal(1);
    expect((await f.manager.withdrawalRecord(ids[0])).nodeIndex).to.equal(0n);
    await executeSlash(f, slashId);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    const [tv, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    expect(tv).to.equal(40n * WAD - WAD / 2n);
    const now = valueOf(4n * WAD, tv, supply);
    await (await f.manager.processRequests(f.stETHAddress, 10n)).wait();
    // Made after the slash request: she bears its execution once, as every holder does, and no more.
    expect(now).to.be.gte(atRequest);
    expect((await f.manager.request(1n)).amount).to.equal(now);
    await expectSolvent(f);
  });
});
