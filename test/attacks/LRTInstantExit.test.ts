/**
 * Attack review of the LRT (issue #10), class 4: the instant exit.
 *
 * Claims tried and results:
 *   F3 (Low) FINDING  splitting an instant exit into pieces pays less fee: the whole exit is charged the rate at the
 *                     buffer left after it, and the fee of each earlier piece stays in the LRT, partly for the
 *                     splitter. 10 LRT out of a 20 stETH buffer: one exit pays 0.25 stETH, ten exits of 1 pay
 *                     0.0956 stETH (the other holders lose the difference).
 *   F4 (Low) fixed    the same-transaction entry/exit guard was per account: a contract that deposited, moved the LRT
 *                     to a second contract (transfer, or the depositor's permit) and exited from there in the same
 *                     transaction was not stopped. The guard is now per transaction (LRTManager._markEntry/_markExit).
 *   fails  deposit then instant redeem by the same contract in one transaction (SameTransactionEntryAndExit).
 *   fails  the F4 bypass combined with an in-transaction oracle update of 1% against a 1% base fee: reverts.
 *   fails  1-wei instant exits (InsufficientBuffer: nothing payable), minOut above the quote.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";

import { WAD } from "../helpers/fixtures";
import { RETH_PRICE, lrtFixture } from "../helpers/lrtFixtures";
import { signPermit } from "../helpers/signatures";
import { call, deployAttackAccount, executeData, expectSolvent, fourDeposits } from "./lrtReviewHelpers";

describe("Attack review (LRT): the instant exit", function () {
  async function bufferedFixture() {
    const f = await lrtFixture();
    // A 50% buffer; fee 0 at or above target, rising to 5% when empty.
    await (await f.manager.setBuffer(5_000, 0, 500)).wait();
    await fourDeposits(f);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(20n * WAD);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    return f;
  }

  it("FINDING (LRT review F3): alice exits 10 LRT in ten pieces and is left with 9.912726544455298124 stETH instead of 9.75", async function () {
    const f = await loadFixture(bufferedFixture);
    // One exit: the buffer after it is 10 of a 20 target: 250 bps on 10 stETH.
    await expect(
      f.manager.connect(f.alice).instantRedeem(10n * WAD, f.stETHAddress, 0n, f.alice.address),
    ).to.changeTokenBalance(f.stETH, f.alice, 9_750_000_000_000_000_000n);
    expect(await f.manager.totalValue(true)).to.equal(30_250_000_000_000_000_000n);

    const g = await loadFixture(bufferedFixture);
    const before = await g.stETH.balanceOf(g.alice.address);
    for (let i = 0; i < 10; ++i) {
      await (await g.manager.connect(g.alice).instantRedeem(WAD, g.stETHAddress, 0n, g.alice.address)).wait();
    }
    // Ten exits: 25, 39, 53, 68, 84, 100, 118, 136, 156, 176 bps on ~1 stETH each, and alice, still a holder,
    // recovers part of each fee: 0.095615135921665969 stETH of fees in all instead of 0.25.
    expect((await g.stETH.balanceOf(g.alice.address)) - before).to.equal(9_912_726_544_455_298_124n);
    // bob, carol and dave (30 LRT) keep 30.087273455544701876 stETH of value instead of 30.25.
    expect(await g.manager.totalValue(true)).to.equal(30_087_273_455_544_701_876n);
    expect(await g.lrt.totalSupply()).to.equal(30n * WAD);
    // Fix (LRTOperations._instantQuote): charge the integral of the fee curve over the buffer the exit consumes
    // (for the linear curve, the mean of the rates before and after the exit), so that an exit's fee does not depend
    // on how it is split; the remaining gap (a splitter recovering his share of his own fees) is then second order.
    await expectSolvent(g);
  });

  it("deposit then instant redeem by one contract in one transaction reverts SameTransactionEntryAndExit", async function () {
    const f = await loadFixture(bufferedFixture);
    const a = await deployAttackAccount(f.erin);
    await (await f.stETH.connect(f.erin).transfer(a.address, 10n * WAD)).wait();
    const shares = await f.stETHVault.previewDeposit(10n * WAD);
    const calls = [
      call(f.stETH, f.stETH.interface.encodeFunctionData("approve", [f.stETHVault.target, 10n * WAD])),
      call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("deposit", [10n * WAD, a.address])),
      call(
        f.manager,
        f.manager.interface.encodeFunctionData("instantRedeem", [shares, f.stETHAddress, 0n, f.erin.address]),
      ),
    ];
    await expect(f.erin.sendTransaction({ to: a.address, data: executeData(calls) }))
      .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
      .withArgs(a.address);
    expect(await f.stETH.balanceOf(a.address)).to.equal(10n * WAD);
  });

  it("fixed (LRT review F4): a contract deposits 10 stETH and transfers the LRT to a second contract that exits instantly, in one transaction: the exit reverts SameTransactionEntryAndExit (the guard is per transaction) and erin keeps her 10 stETH; the same through the depositor's LRT permit", async function () {
    const f = await loadFixture(bufferedFixture);
    await (await f.manager.setBuffer(5_000, 100, 500)).wait();
    const [a, b] = [await deployAttackAccount(f.erin), await deployAttackAccount(f.erin)];
    await (await f.stETH.connect(f.erin).transfer(a.address, 10n * WAD)).wait();
    const shares = await f.stETHVault.previewDeposit(10n * WAD);
    expect(shares).to.equal(10n * WAD);
    const exit = [
      call(
        f.manager,
        f.manager.interface.encodeFunctionData("instantRedeem", [shares, f.stETHAddress, 0n, f.erin.address]),
      ),
    ];
    const calls = [
      call(f.stETH, f.stETH.interface.encodeFunctionData("approve", [f.stETHVault.target, 10n * WAD])),
      call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("deposit", [10n * WAD, a.address])),
      call(f.lrt, f.lrt.interface.encodeFunctionData("transfer", [b.address, shares])),
      call(b.address, executeData(exit)),
    ];
    await expect(f.erin.sendTransaction({ to: a.address, data: executeData(calls) }))
      .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
      .withArgs(b.address);
    expect(await f.stETH.balanceOf(a.address), "the deposit was undone with the exit").to.equal(10n * WAD);
    expect(await f.lrt.balanceOf(b.address)).to.equal(0n);

    // The depositor's own LRT permit does the same: alice deposits through a contract, a second contract takes her
    // shares by permit and exits.
    const g = await loadFixture(bufferedFixture);
    const [c, d] = [await deployAttackAccount(g.alice), await deployAttackAccount(g.alice)];
    await (await g.stETH.connect(g.alice).transfer(c.address, 10n * WAD)).wait();
    const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3_600n;
    const sig = await signPermit(g.alice, g.lrt, d.address, shares, deadline);
    const viaPermit = [
      call(
        g.lrt,
        g.lrt.interface.encodeFunctionData("permit", [
          g.alice.address,
          d.address,
          shares,
          deadline,
          sig.v,
          sig.r,
          sig.s,
        ]),
      ),
      call(g.lrt, g.lrt.interface.encodeFunctionData("transferFrom", [g.alice.address, d.address, shares])),
      call(
        g.manager,
        g.manager.interface.encodeFunctionData("instantRedeem", [
          shares,
          g.stETHAddress,
          0n,
          g.alice.address,
        ]),
      ),
    ];
    const calls2 = [
      call(g.stETH, g.stETH.interface.encodeFunctionData("approve", [g.stETHVault.target, 10n * WAD])),
      call(g.stETHVault, g.stETHVault.interface.encodeFunctionData("deposit", [10n * WAD, g.alice.address])),
      call(d.address, executeData(viaPermit)),
    ];
    await expect(g.alice.sendTransaction({ to: c.address, data: executeData(calls2) }))
      .to.be.revertedWithCustomError(g.manager, "SameTransactionEntryAndExit")
      .withArgs(d.address);
    expect(await g.stETH.balanceOf(c.address)).to.equal(10n * WAD);
    expect(await g.lrt.balanceOf(g.alice.address)).to.equal(10n * WAD);
    await expectSolvent(g);
  });

  it("the F4 bypass with a 1% oracle update inside the transaction and a 1% base fee: reverts SameTransactionEntryAndExit; erin keeps her 10 stETH", async function () {
    const f = await loadFixture(lrtFixture);
    // Everything stays idle (100% buffer) so that the exit can be paid; base fee 1% = the oracle's bound.
    await (await f.manager.setBuffer(10_000, 100, 500)).wait();
    for (const s of [f.alice, f.bob])
      await (await f.rETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    await (await f.stETHVault.connect(f.carol).deposit(10n * WAD, f.carol.address)).wait();
    const [a, b] = [await deployAttackAccount(f.erin), await deployAttackAccount(f.erin)];
    await (await f.stETH.connect(f.erin).transfer(a.address, 10n * WAD)).wait();
    const shares = await f.stETHVault.previewDeposit(10n * WAD);
    expect(shares).to.equal(10n * WAD);
    const exit = [
      call(
        f.manager,
        f.manager.interface.encodeFunctionData("instantRedeem", [
          shares / 2n,
          f.stETHAddress,
          0n,
          f.erin.address,
        ]),
      ),
      call(
        f.manager,
        f.manager.interface.encodeFunctionData("instantRedeem", [
          shares / 2n,
          f.stETHAddress,
          0n,
          f.erin.address,
        ]),
      ),
    ];
    // MockLRTOracle.setPrice stands in for LRTOracle.updatePrice (anyone may call it) moving rETH by its 1% bound.
    const calls = [
      call(f.stETH, f.stETH.interface.encodeFunctionData("approve", [f.stETHVault.target, 10n * WAD])),
      call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("deposit", [10n * WAD, a.address])),
      call(
        f.oracle,
        f.oracle.interface.encodeFunctionData("setPrice", [f.rETHAddress, (RETH_PRICE * 101n) / 100n]),
      ),
      call(f.lrt, f.lrt.interface.encodeFunctionData("transfer", [b.address, shares])),
      call(b.address, executeData(exit)),
    ];
    await expect(f.erin.sendTransaction({ to: a.address, data: executeData(calls) }))
      .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
      .withArgs(b.address);
    expect(await f.stETH.balanceOf(a.address)).to.equal(10n * WAD);
    expect(await f.lrt.balanceOf(b.address)).to.equal(0n);
    await expectSolvent(f);
  });

  it("1-wei exits and a minOut above the quote fail; alice keeps her 10 LRT", async function () {
    const f = await loadFixture(bufferedFixture);
    await expect(f.manager.connect(f.alice).instantRedeem(1n, f.stETHAddress, 0n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(0n, 0n);
    const quote = await f.manager
      .connect(f.alice)
      .instantRedeem.staticCall(WAD, f.stETHAddress, 0n, f.alice.address);
    expect(quote).to.equal(WAD - (WAD * 25n) / 10_000n);
    await expect(f.manager.connect(f.alice).instantRedeem(WAD, f.stETHAddress, quote + 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(quote, quote + 1n);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(10n * WAD);
  });
});
