/**
 * Attack review of the LRT (issue #10), class 4: the instant exit.
 *
 * Claims tried and results:
 *   F3 (Low) fixed    splitting an instant exit into pieces paid less fee: the whole exit was charged the rate at
 *                     the buffer left after it (10 LRT out of a 20 stETH buffer: one exit paid 0.25 stETH, ten exits
 *                     of 1 paid 0.0956). An exit now pays the mean rate over the buffer it consumes
 *                     (LRTMathLib.instantFeeBpsUp); a splitter keeps only its share of its own earlier fees.
 *   F4 (Low) fixed    the same-transaction entry/exit guard was per account: a contract that deposited, moved the LRT
 *                     to a second contract (transfer, or the depositor's permit) and exited from there in the same
 *                     transaction was not stopped. The guard is now per transaction (LRTManager._markEntry/_markExit).
 *   fails  deposit then instant redeem by the same contract in one transaction (SameTransactionEntryAndExit).
 *   fails  the F4 bypass combined with an in-transaction oracle update of 1% against a 1% base fee: reverts.
 *   fails  1-wei instant exits (each pays its 1 wei of value; the rate does not move), minOut above the quote.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";

import { WAD } from "../helpers/fixtures";
import { RETH_PRICE, VIRTUAL_SHARES, VIRTUAL_VALUE, lrtFixture } from "../helpers/lrtFixtures";
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

  /**
   * The instant exit as the contracts price it (docs/lrt.md, "Instant redemption"), for an LRT whose value is all in
   * stETH at price 1: value = shares * (V + 1e9) / (S + 1e9), the fee rate the mean over the consumed buffer of the
   * curve 0 bps at or above the target (50% of V after the exit) rising to `maxBps` at 0, rounded up, the fee rounded
   * up.
   */
  function instantOut(
    state: { value: bigint; supply: bigint; idle: bigint },
    shares: bigint,
    maxBps: bigint,
  ): bigint {
    const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;
    const value = (shares * (state.value + VIRTUAL_VALUE)) / (state.supply + VIRTUAL_SHARES);
    const before = state.idle;
    const after = before - (value < before ? value : before);
    const target = ((state.value - value) * 5_000n) / 10_000n;
    let bps = 0n;
    if (after < target && before > after) {
      const d1 = target - after;
      const d0 = before >= target ? 0n : target - before;
      bps = ceilDiv(maxBps * (d1 - d0) * (d1 + d0), 2n * target * (before - after));
    }
    const out = value - ceilDiv(value * bps, 10_000n);
    state.value -= out;
    state.supply -= shares;
    state.idle -= out;
    return out;
  }

  it("fixed (LRT review F3): an exit pays the mean fee rate over the buffer it consumes, against the target of the LRT it leaves: alice's 10 LRT at once pay 42 bps (9.958 stETH); in ten pieces each piece meets a higher target and alice gets less (9.935381703779077849 stETH): splitting saves nothing", async function () {
    const f = await loadFixture(bufferedFixture);
    // One exit: the buffer goes from 20 to 10 against a target of 15 (50% of the 30 left): the rate rises from 0 at
    // 15 to ceil(500 * 5 / 15) at 10; its mean over the 10 consumed is ceil(500 * 25 / (2 * 15 * 10)) = 42 bps.
    const single = { value: 40n * WAD, supply: 40n * WAD, idle: 20n * WAD };
    expect(instantOut(single, 10n * WAD, 500n)).to.equal(9_958_000_000_000_000_000n);
    await expect(
      f.manager.connect(f.alice).instantRedeem(10n * WAD, f.stETHAddress, 0n, f.alice.address),
    ).to.changeTokenBalance(f.stETH, f.alice, 9_958_000_000_000_000_000n);
    expect(await f.manager.totalValue(true)).to.equal(single.value);

    const g = await loadFixture(bufferedFixture);
    const before = await g.stETH.balanceOf(g.alice.address);
    const model = { value: 40n * WAD, supply: 40n * WAD, idle: 20n * WAD };
    let expected = 0n;
    for (let i = 0; i < 10; ++i) {
      expected += instantOut(model, WAD, 500n);
      await (await g.manager.connect(g.alice).instantRedeem(WAD, g.stETHAddress, 0n, g.alice.address)).wait();
    }
    const out = (await g.stETH.balanceOf(g.alice.address)) - before;
    expect([out, await g.manager.totalValue(true)]).to.deep.equal([expected, model.value]);
    expect(out).to.equal(9_935_381_703_779_077_849n);
    expect(out, "splitting pays more, not less").to.be.lt(9_958_000_000_000_000_000n);
    expect(await g.lrt.totalSupply()).to.equal(30n * WAD);
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

  it("a 1-wei exit pays its 1 wei of value and no more (the rate is unchanged); a minOut above the quote fails", async function () {
    const f = await loadFixture(bufferedFixture);
    const rate = await f.manager.getRate();
    await expect(
      f.manager.connect(f.alice).instantRedeem(1n, f.stETHAddress, 0n, f.alice.address),
    ).to.changeTokenBalance(f.stETH, f.alice, 1n);
    expect(await f.manager.getRate()).to.equal(rate);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(10n * WAD - 1n);
    const quote = await f.manager
      .connect(f.alice)
      .instantRedeem.staticCall(WAD, f.stETHAddress, 0n, f.alice.address);
    // (after the 1-wei exit) 20 -> 19 of a 19.5 target: the rate rises from 0 to ceil(500 * 0.5 / 19.5); the mean is 4 bps
    expect(quote).to.equal(instantOut({ value: 40n * WAD, supply: 40n * WAD, idle: 20n * WAD }, WAD, 500n));
    expect(quote).to.equal(WAD - (WAD * 4n) / 10_000n);
    await expect(f.manager.connect(f.alice).instantRedeem(WAD, f.stETHAddress, quote + 1n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "AssetsBelowMinimum")
      .withArgs(quote, quote + 1n);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(10n * WAD - 1n);
  });
});
