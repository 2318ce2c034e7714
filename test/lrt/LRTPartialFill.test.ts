/**
 * The redemption queue's partial fill (LRT fixes review F1, docs/lrt.md "Redemption rule"): once the nodes hold none
 * of an asset, a head its idle tokens cannot pay is fulfilled for the pro-rata part of its shares (rounded up, against
 * the requester) and the rest go back to its controller, so the queue always moves on. Here every deposit stays idle
 * (buffer 100%): the nodes hold nothing, so the partial fill happens at the first processRequests.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import {
  CLAIMABLE,
  CLAIMED,
  PENDING,
  RETURNED,
  STETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  rateOf,
  valueOf,
  type LRTFixture,
} from "../helpers/lrtFixtures";
import { requestSlash } from "../helpers/lrtActions";

const FALLEN_PRICE = (9n * STETH_PRICE) / 10n;

/** alice deposits `stETH`, bob 100 rETH (110 ETH); both stay idle (buffer 100%): the nodes hold nothing. */
async function idleWith(stETH: bigint): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.manager.setBuffer(10_000, 0, 0)).wait();
  await (await f.stETHVault.connect(f.alice).deposit(stETH, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
  return f;
}

/** 10 stETH and 110 ETH of rETH, idle: 120 ETH, 120 LRT. */
async function idleFixture(): Promise<LRTFixture> {
  return idleWith(10n * WAD);
}

/** 10 stETH + 1 wei and 110 ETH of rETH, idle (the wei makes the 1-wei edge reachable with the contract's rounding). */
async function idlePlusWeiFixture(): Promise<LRTFixture> {
  return idleWith(10n * WAD + 1n);
}

/** The stETH a pending request of `shares` worth `valueAtRequest` is owed now (as `_fulfilHead` computes it). */
function owed(shares: bigint, valueAtRequest: bigint, total: bigint, supply: bigint, price: bigint): bigint {
  const value = valueOf(shares, total, supply);
  return ((value < valueAtRequest ? value : valueAtRequest) * WAD) / price;
}

/** shares * paid / owed, rounded up: the shares a partial fill burns for `paid` tokens. */
function filledShares(shares: bigint, paid: bigint, owedTokens: bigint): bigint {
  return (shares * paid + owedTokens - 1n) / owedTokens;
}

describe("LRT redemption: partial fill of a head the asset can no longer pay (LRT fixes review F1)", function () {
  it("0-idle edge: bob's 9.1 LRT head takes all 10 stETH for 9.0756 LRT and gets 0.0244 LRT back; carol's 0.9 LRT request behind it finds no stETH and is returned whole (status Returned); ERC-7540 views and claims follow; the rate does not fall", async function () {
    const f = await loadFixture(idleFixture);
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(0n);
    // bob asks for 9.1 LRT of stETH for himself and 0.9 LRT for carol (controller): 10 ETH, the whole stETH holding.
    await (
      await f.stETHVault.connect(f.bob).requestRedeem((91n * WAD) / 10n, f.bob.address, f.bob.address)
    ).wait();
    await (
      await f.stETHVault.connect(f.bob).requestRedeem((9n * WAD) / 10n, f.carol.address, f.bob.address)
    ).wait();
    expect(await f.stETHVault.pendingRedeemRequest(1n, f.bob.address)).to.equal((91n * WAD) / 10n);
    expect(await f.stETHVault.pendingRedeemRequest(2n, f.carol.address)).to.equal((9n * WAD) / 10n);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(0n);
    // stETH falls 10%: bob's head is owed 10.0277 stETH of the 10 there are, and none can come from the nodes.
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    const [total, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    expect([total, supply]).to.deep.equal([119n * WAD, 120n * WAD]);
    const bobOwed = owed((91n * WAD) / 10n, (91n * WAD) / 10n, total, supply, FALLEN_PRICE);
    expect(bobOwed).to.equal(10_026_851_851_852_554_012n);
    const filled = filledShares((91n * WAD) / 10n, 10n * WAD, bobOwed);
    expect(filled).to.equal(9_075_630_252_100_204_789n);
    const returned = (91n * WAD) / 10n - filled;
    const rateBefore = await f.manager.getRate();
    expect(rateBefore).to.equal(rateOf(total, supply));
    const tx = f.manager.processRequests(f.stETHAddress, 10n);
    await expect(tx)
      .to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, returned, 10n * WAD)
      .and.to.emit(f.manager, "RedeemFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, 10n * WAD)
      .and.to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(2n, f.carol.address, f.stETHAddress, 0n, (9n * WAD) / 10n, 0n);
    // Both requests settled: the queue is empty.
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.head, book.tail, book.idle, book.reserved, book.pendingRedeemValue]).to.deep.equal([
      2n,
      2n,
      0n,
      10n * WAD,
      0n,
    ]);
    expect(await f.manager.processRequests.staticCall(f.stETHAddress, 10n)).to.equal(0n);
    // bob: 100 LRT kept + the shares returned; carol: her 0.9 LRT; the escrow holds only bob's fulfilled shares
    // until the burn (done in the same call).
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(100n * WAD + returned);
    expect(await f.lrt.balanceOf(f.carol.address)).to.equal((9n * WAD) / 10n);
    expect(await f.lrt.balanceOf(f.managerAddress)).to.equal(0n);
    expect(await f.lrt.totalSupply()).to.equal(120n * WAD - filled);
    // Requests and ERC-7540 views.
    const r1 = await f.manager.request(1n);
    expect([r1.status, r1.shares, r1.amount]).to.deep.equal([CLAIMABLE, filled, 10n * WAD]);
    expect((await f.manager.request(2n)).status).to.equal(RETURNED);
    expect(await f.stETHVault.pendingRedeemRequest(1n, f.bob.address)).to.equal(0n);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(filled);
    expect(await f.stETHVault.pendingRedeemRequest(2n, f.carol.address)).to.equal(0n);
    expect(await f.stETHVault.claimableRedeemRequest(2n, f.carol.address)).to.equal(0n);
    expect(await f.stETHVault.maxRedeem(f.bob.address)).to.equal(filled);
    expect(await f.stETHVault.maxWithdraw(f.bob.address)).to.equal(10n * WAD);
    // The rate does not fall: bob took at most his shares' value (110 ETH of rETH now back 110.92 LRT).
    expect(await f.manager.totalValue(true)).to.equal(110n * WAD);
    const rateAfter = await f.manager.getRate();
    expect(rateAfter).to.equal(rateOf(110n * WAD, 120n * WAD - filled));
    expect(rateAfter).to.be.gte(rateBefore);
    // bob's value: 10 stETH (9 ETH) + his returned shares, at most what his 9.1 LRT were worth and at most 2 wei
    // below it (the burned shares rounded up, the returned shares' value rounded down).
    const bobValueNow = valueOf((91n * WAD) / 10n, total, supply);
    const bobGot = (10n * WAD * FALLEN_PRICE) / WAD + valueOf(returned, 110n * WAD, 120n * WAD - filled);
    expect(bobGot).to.be.lte(bobValueNow);
    expect(bobValueNow - bobGot).to.be.lte(2n);
    // Claims: carol's returned request is not claimable; bob's pays what was fulfilled.
    await expect(f.stETHVault.connect(f.carol).claim(2n, f.carol.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(2n, RETURNED);
    await expect(f.stETHVault.connect(f.bob).claim(1n, f.bob.address, 10n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.bob,
      10n * WAD,
    );
    expect((await f.manager.request(1n)).status).to.equal(CLAIMED);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(0n);
    expect((await f.manager.assetBook(f.stETHAddress)).reserved).to.equal(0n);
    // The queue is open again: the LRT holds no stETH, so a new stETH request is refused for that alone, and an
    // rETH one goes through.
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.stETHAddress, valueOf(WAD, 110n * WAD, 120n * WAD - filled), 0n);
    await (await f.rETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
  });

  it("1-wei edge: bob's head leaves exactly 1 wei of stETH; carol's request behind it is paid that 1 wei for the shares it is worth (rounded up) and the rest of hers come back; withdraw by amount pays the 1 wei", async function () {
    const f = await loadFixture(idlePlusWeiFixture);
    const held = 10n * WAD + 1n;
    // The figures after the fall (read with the price down, then restored): bob's request is sized so that it is then
    // owed exactly all the stETH but 1 wei (searched with the contract's rounding); carol's is the rest.
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    const [total, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    await (await f.oracle.setPrice(f.stETHAddress, STETH_PRICE)).wait();
    const target = held - 1n;
    let [lo, hi] = [0n, held];
    while (lo < hi) {
      const mid = (lo + hi + 1n) / 2n;
      if (owed(mid, mid, total, supply, FALLEN_PRICE) <= target) lo = mid;
      else hi = mid - 1n;
    }
    const bobShares = lo;
    expect(owed(bobShares, bobShares, total, supply, FALLEN_PRICE)).to.equal(target);
    const carolShares = held - bobShares;
    await (await f.stETHVault.connect(f.bob).requestRedeem(bobShares, f.bob.address, f.bob.address)).wait();
    await (
      await f.stETHVault.connect(f.bob).requestRedeem(carolShares, f.carol.address, f.bob.address)
    ).wait();
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    expect([await f.manager.totalValue(true), await f.lrt.totalSupply()]).to.deep.equal([total, supply]);
    await expect(f.manager.processRequests(f.stETHAddress, 1n))
      .to.emit(f.manager, "RedeemFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, bobShares, target)
      .and.not.to.emit(f.manager, "RedeemPartiallyFulfilled");
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(1n);
    // carol's head, with 1 wei idle.
    const [total2, supply2] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    expect(supply2).to.equal(supply - bobShares);
    const carolOwed = owed(carolShares, carolShares, total2, supply2, FALLEN_PRICE);
    expect(carolOwed).to.be.gt(1n);
    const filled = filledShares(carolShares, 1n, carolOwed);
    expect(filled).to.equal(1n);
    expect(await f.stETHVault.pendingRedeemRequest(2n, f.carol.address)).to.equal(carolShares);
    const rateBefore = await f.manager.getRate();
    await expect(f.manager.processRequests(f.stETHAddress, 1n))
      .to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(2n, f.carol.address, f.stETHAddress, filled, carolShares - filled, 1n);
    expect(await f.manager.getRate()).to.be.gte(rateBefore);
    expect(await f.lrt.balanceOf(f.carol.address)).to.equal(carolShares - filled);
    expect(await f.stETHVault.pendingRedeemRequest(2n, f.carol.address)).to.equal(0n);
    expect(await f.stETHVault.claimableRedeemRequest(2n, f.carol.address)).to.equal(filled);
    expect(await f.stETHVault.maxWithdraw(f.carol.address)).to.equal(1n);
    await expect(
      f.stETHVault.connect(f.carol).withdraw(1n, f.carol.address, f.carol.address),
    ).to.changeTokenBalance(f.stETH, f.carol, 1n);
    expect(await f.stETHVault.claimableRedeemRequest(2n, f.carol.address)).to.equal(0n);
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.head, book.tail, book.idle, book.reserved, book.pendingRedeemValue]).to.deep.equal([
      2n,
      2n,
      0n,
      target,
      0n,
    ]);
  });

  it("a partial fill waits while a material slash request is pending (the exit price is net of it): bob's head is fulfilled in part only once the request is vetoed", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    // alice's 10 stETH stay idle (buffer 100%); bob's 100 rETH go to a node (buffer 0).
    await (await f.manager.setBuffer(10_000, 0, 0)).wait();
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.manager.setBuffer(0, 0, 0)).wait();
    await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
    let rNode = -1;
    for (let i = 0; i < 4; ++i) if ((await f.manager.position(i, f.rETHAddress)).active !== 0n) rNode = i;
    expect((await f.manager.position(rNode, f.stETHAddress)).active).to.equal(0n);
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    // 10% of the rETH node's allocation: 5.5 ETH reserved, far above 1 bps of the value.
    const id = await requestSlash(f, f.operators[rNode].address, WAD / 10n);
    await expect(f.manager.processRequests(f.stETHAddress, 10n)).to.not.emit(
      f.manager,
      "RedeemPartiallyFulfilled",
    );
    expect((await f.manager.request(1n)).status).to.equal(PENDING);
    expect(await f.stETHVault.pendingRedeemRequest(1n, f.bob.address)).to.equal(10n * WAD);
    await (await f.slashingManager.connect(f.committee).vetoSlash(id)).wait();
    const [total, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    expect(total).to.equal(119n * WAD);
    const bobOwed = owed(10n * WAD, 10n * WAD, total, supply, FALLEN_PRICE);
    const filled = filledShares(10n * WAD, 10n * WAD, bobOwed);
    await expect(f.manager.processRequests(f.stETHAddress, 10n))
      .to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, 10n * WAD - filled, 10n * WAD);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(filled);
  });
});
