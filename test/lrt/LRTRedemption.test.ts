import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { lrtFixture, lrtSlashFixture, valueOf, type LRTFixture } from "../helpers/lrtFixtures";
import { executeSlash, queuedIds, requestSlash } from "../helpers/lrtActions";
import { LRTSameTxActor__factory } from "../../typechain-types";

async function fourDeposits(f: LRTFixture): Promise<void> {
  for (const s of [f.alice, f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
  }
}

/** Requests `shares` of alice, processes (queueing vault withdrawals), waits the delay, completes, fulfils. */
async function redeemThroughQueue(f: LRTFixture, shares: bigint): Promise<bigint> {
  await (await f.stETHVault.connect(f.alice).requestRedeem(shares, f.alice.address, f.alice.address)).wait();
  const id = await f.manager.requestCount();
  const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
  await time.increase(DEFAULT_WITHDRAWAL_DELAY);
  await (await f.manager.completeWithdrawals(ids)).wait();
  await (await f.manager.processRequests(f.stETHAddress, 10n)).wait();
  return id;
}

describe("LRT redemption (ERC-7540 request, process, claim)", function () {
  it("locks the shares in escrow at the exit value, queues the vault withdrawal, pays after the delay", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const shares = 4n * WAD;
    const value = valueOf(shares, await f.manager.totalValue(true), await f.lrt.totalSupply());
    await expect(f.stETHVault.connect(f.alice).requestRedeem(shares, f.alice.address, f.alice.address))
      .to.emit(f.manager, "RedeemRequested")
      .withArgs(1, f.alice.address, f.alice.address, f.alice.address, f.stETHAddress, shares, value);
    expect(await f.lrt.balanceOf(f.managerAddress)).to.equal(shares);
    expect(await f.lrt.totalSupply()).to.equal(40n * WAD);
    expect(await f.stETHVault.pendingRedeemRequest(1, f.alice.address)).to.equal(shares);
    expect(await f.stETHVault.claimableRedeemRequest(1, f.alice.address)).to.equal(0n);
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect(ids.length).to.equal(1);
    expect((await f.manager.assetBook(f.stETHAddress)).inFlightRedeem).to.equal(value);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    await expect(f.manager.processRequests(f.stETHAddress, 10n))
      .to.emit(f.manager, "RedeemFulfilled")
      .withArgs(1, f.alice.address, f.stETHAddress, shares, value);
    expect(await f.lrt.totalSupply()).to.equal(36n * WAD);
    expect(await f.stETHVault.claimableRedeemRequest(1, f.alice.address)).to.equal(shares);
    expect(await f.stETHVault.maxWithdraw(f.alice.address)).to.equal(value);
    await expect(f.stETHVault.connect(f.alice).claim(1, f.alice.address, value + 1n))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(value, value + 1n);
    await expect(f.stETHVault.connect(f.alice).claim(1, f.alice.address, value)).to.changeTokenBalance(
      f.stETH,
      f.alice,
      value,
    );
    expect((await f.manager.assetBook(f.stETHAddress)).reserved).to.equal(0n);
    await expect(f.stETHVault.connect(f.alice).claim(1, f.alice.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(1, 3);
  });

  it("a request made before a slash bears it; one made while its request is pending records its gross value and bears only what executes: both are paid the value after the execution", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await fourDeposits(f);
    // alice requests before the slash request, bob while it is pending.
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    const aliceValue = (await f.manager.request(1)).amount;
    expect(aliceValue).to.equal(4n * WAD);
    const slashId = await requestSlash(f, f.operator1.address, WAD / 10n);
    const tvAfterRequest = await f.manager.totalValue(true);
    expect(tvAfterRequest).to.equal(40n * WAD - WAD / 2n);
    await (await f.stETHVault.connect(f.bob).requestRedeem(4n * WAD, f.bob.address, f.bob.address)).wait();
    // bob's value at request is gross of the pending reservation (the entry valuation): a veto would leave him whole.
    const bobValue = (await f.manager.request(2)).amount;
    expect(bobValue).to.equal(valueOf(4n * WAD, await f.manager.totalValue(false), 40n * WAD));
    expect(bobValue).to.equal(4n * WAD);
    // Nothing is fulfilled while the request is pending (LRT review F2).
    expect(await f.manager.processRequests.staticCall(f.stETHAddress, 2n)).to.equal(0n);
    await executeSlash(f, slashId);
    // Serve both from idle: the rate now prices every share net of the slash.
    await (await f.stETH.connect(f.erin).approve(await f.stETHVault.getAddress(), 100n * WAD)).wait();
    await (await f.manager.setBuffer(10_000, 0, 0)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(20n * WAD, f.erin.address)).wait();
    const tv = await f.manager.totalValue(true);
    const supply = await f.lrt.totalSupply();
    const aliceNow = valueOf(4n * WAD, tv, supply);
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    // alice is paid min(value at request, value now) = value now: she bears the slash.
    expect((await f.manager.request(1)).amount).to.equal(aliceNow);
    expect(aliceNow).to.be.lessThan(aliceValue);
    const tv2 = await f.manager.totalValue(true);
    const supply2 = await f.lrt.totalSupply();
    await (await f.manager.processRequests(f.stETHAddress, 1n)).wait();
    // bob bears the executed slash as alice does, and no more: he is paid the value now, which is what his shares
    // were worth net of the reservation when he requested (or more).
    const bobNow = valueOf(4n * WAD, tv2, supply2);
    expect((await f.manager.request(2)).amount).to.equal(bobNow);
    expect(bobNow).to.be.gte(valueOf(4n * WAD, tvAfterRequest, 40n * WAD));
    expect(bobNow).to.be.lessThan(bobValue);
  });

  it("claims by amount (redeem/withdraw) and by request come out of one balance", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await redeemThroughQueue(f, 4n * WAD);
    const assets = await f.stETHVault.maxWithdraw(f.alice.address);
    await expect(
      f.stETHVault.connect(f.alice).redeem(WAD, f.bob.address, f.alice.address),
    ).to.changeTokenBalance(f.stETH, f.bob, assets / 4n);
    await expect(f.stETHVault.connect(f.alice).claim(1, f.alice.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "ClaimExceeded")
      .withArgs(f.alice.address, 3n * WAD, 4n * WAD);
    await expect(f.stETHVault.connect(f.bob).withdraw(WAD, f.bob.address, f.alice.address))
      .to.be.revertedWithCustomError(f.stETHVault, "NotAuthorized")
      .withArgs(f.bob.address, f.alice.address);
    await (await f.stETHVault.connect(f.alice).setOperator(f.bob.address, true)).wait();
    const left = await f.stETHVault.maxWithdraw(f.alice.address);
    await expect(
      f.stETHVault.connect(f.bob).withdraw(left, f.bob.address, f.alice.address),
    ).to.changeTokenBalance(f.stETH, f.bob, left);
    expect(await f.stETHVault.maxRedeem(f.alice.address)).to.equal(0n);
  });

  it("instant redeem pays from the buffer with a fee rising as it drains, never from queued claims", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 10, 500)).wait();
    await fourDeposits(f);
    // 20 stETH idle (the buffer target is 50% of 40 = 20), 20 in nodes.
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(20n * WAD);
    const gross = 2n * WAD;
    // The free buffer goes from 20 to 18 against a target of 19 (50% of the 38 left): the rate is 10 bps down to 19,
    // then rises to 10 + 490 * 1/19 at 18; its mean over the 2 consumed is 10 + ceil(490 * 1 / (2 * 19 * 2)) = 17 bps.
    const fee = (gross * 17n) / 10_000n;
    await expect(
      f.manager.connect(f.alice).instantRedeem(2n * WAD, f.stETHAddress, gross - fee, f.alice.address),
    )
      .to.emit(f.manager, "InstantRedeemed")
      .withArgs(f.alice.address, f.alice.address, f.stETHAddress, 2n * WAD, gross - fee, fee);
    // A pending request's value is set aside from instant redemption.
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    const idle = (await f.manager.assetBook(f.stETHAddress)).idle;
    const pendingValue = (await f.manager.assetBook(f.stETHAddress)).pendingRedeemValue;
    await expect(f.manager.connect(f.carol).instantRedeem(10n * WAD, f.stETHAddress, 0n, f.carol.address))
      .to.be.revertedWithCustomError(f.manager, "InsufficientBuffer")
      .withArgs(
        f.stETHAddress,
        idle - pendingValue,
        valueOf(10n * WAD, await f.manager.totalValue(true), await f.lrt.totalSupply()),
      );
  });

  it("a deposit and a redemption by the same account in one transaction revert", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 10, 500)).wait();
    await fourDeposits(f);
    const actor = await new LRTSameTxActor__factory(f.admin).deploy();
    const actorAddress = await actor.getAddress();
    await (await f.stETH.mint(actorAddress, 10n * WAD)).wait();
    for (const call of [
      () => actor.depositThenInstantRedeem(f.stETHVault, WAD),
      () => actor.depositThenRequest(f.stETHVault, WAD),
    ]) {
      await expect(call())
        .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
        .withArgs(actorAddress);
    }
    await (await f.lrt.connect(f.alice).transfer(actorAddress, WAD)).wait();
    await expect(actor.instantRedeemThenDeposit(f.stETHVault, WAD, WAD))
      .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
      .withArgs(actorAddress);
  });
});
