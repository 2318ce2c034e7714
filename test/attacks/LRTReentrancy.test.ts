/**
 * Attack class: reentrant tokens on the LRT's token-moving paths (docs/threat-model.md, "Reentrant tokens and
 * receivers"). An LRT accepts a `ReentrantERC20` (an ERC-777-like token that calls back into a target in the middle of
 * a transfer, after the balances moved, and records the outcome instead of bubbling it). On every path where the LRT
 * moves the token — the deposit's pull, the stake into the vault, a completed vault withdrawal paying a node, an
 * instant exit's payout, a claim's payout — the reentrant call into the manager is refused with
 * `ReentrancyGuardReentrantCall` and the outer operation completes with its own figures. Found here (review 3,
 * reentrancy): `refreshExposure` had no guard, so a reentrant asset could overwrite, during a deposit, the exposure
 * the deposit had just recorded for its node with the figure before the stake; it is now guarded.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { expectGuardRefused, reentrantLRTFixture } from "./lrtReviewHelpers";

describe("Attack: a reentrant token on the LRT's paths", function () {
  it("the deposit's pull reenters processRequests, harvest, completeWithdrawals and refreshExposure: each refused (ReentrancyGuardReentrantCall); each deposit mints what it previewed", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    const reentries = [
      f.manager.interface.encodeFunctionData("processRequests", [f.asset, 10n]),
      f.manager.interface.encodeFunctionData("harvest"),
      f.manager.interface.encodeFunctionData("completeWithdrawals", [[]]),
      f.manager.interface.encodeFunctionData("refreshExposure", [0n]),
    ];
    for (const [i, data] of reentries.entries()) {
      const preview = await f.entry.previewDeposit(WAD);
      const before = await f.lrt.balanceOf(f.alice.address);
      await (await f.token.arm(f.managerAddress, data)).wait();
      await (await f.entry.connect(f.alice).deposit(WAD, f.alice.address)).wait();
      expect((await f.lrt.balanceOf(f.alice.address)) - before).to.equal(preview);
      await expectGuardRefused(f.token, BigInt(i + 1));
    }
  });

  it("an instant exit's payout reenters instantRedeem: refused; alice is paid the quote once", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    const quote = await f.manager
      .connect(f.alice)
      .instantRedeem.staticCall(10n * WAD, f.asset, 0n, f.alice.address);
    expect(quote).to.be.gt(0n);
    await (
      await f.token.arm(
        f.managerAddress,
        f.manager.interface.encodeFunctionData("instantRedeem", [WAD, f.asset, 0n, f.alice.address]),
      )
    ).wait();
    const before = await f.token.balanceOf(f.alice.address);
    await (await f.manager.connect(f.alice).instantRedeem(10n * WAD, f.asset, quote, f.alice.address)).wait();
    expect((await f.token.balanceOf(f.alice.address)) - before).to.equal(quote);
    await expectGuardRefused(f.token, 1n);
  });

  it("a claim's payout reenters the claim through the entry point: refused; bob is paid his request once and a second claim reverts", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    await (await f.entry.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    const id = await f.manager.requestCount();
    await (await f.manager.processRequests(f.asset, 10n)).wait();
    const owed = (await f.manager.request(id)).amount;
    expect(owed).to.be.gt(0n);
    const entryAddress = await f.entry.getAddress();
    // bob makes the token his ERC-7540 operator, so that the reentrant claim passes the entry point's authorization
    // and reaches the manager's guard.
    await (await f.entry.connect(f.bob).setOperator(f.asset, true)).wait();
    await (
      await f.token.arm(entryAddress, f.entry.interface.encodeFunctionData("claim", [id, f.bob.address, 0n]))
    ).wait();
    const before = await f.token.balanceOf(f.bob.address);
    await (await f.entry.connect(f.bob).claim(id, f.bob.address, owed)).wait();
    expect((await f.token.balanceOf(f.bob.address)) - before).to.equal(owed);
    await expectGuardRefused(f.token, 1n);
    await expect(f.entry.connect(f.bob).claim(id, f.bob.address, 0n)).to.be.revertedWithCustomError(
      f.manager,
      "NotClaimable",
    );
  });

  it("a completed vault withdrawal paying a node reenters processRequests: refused; the withdrawal's tokens join idle", async function () {
    const f = await loadFixture(reentrantLRTFixture);
    // bob's deposit went to one node (alice's filled the buffer): rebalance half of it out.
    const staked = (await f.manager.position(0n, f.asset)).active !== 0n ? 0 : 1;
    const held = (await f.manager.position(staked, f.asset)).active;
    expect(held).to.not.equal(0n);
    const receipt = await (await f.manager.rebalance(staked, f.asset, held / 2n)).wait();
    let id: bigint | undefined;
    for (const log of receipt?.logs ?? []) {
      const parsed = log.address === f.managerAddress ? f.manager.interface.parseLog(log) : null;
      if (parsed?.name === "WithdrawalQueued") id = parsed.args.id as bigint;
    }
    if (id === undefined) throw new Error("no withdrawal queued");
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const idleBefore = (await f.manager.assetBook(f.asset)).idle;
    const expected = (await f.vault.withdrawableAmount(id))[0];
    await (
      await f.token.arm(
        f.managerAddress,
        f.manager.interface.encodeFunctionData("processRequests", [f.asset, 1n]),
      )
    ).wait();
    await (await f.manager.completeWithdrawals([id])).wait();
    expect((await f.manager.assetBook(f.asset)).idle - idleBefore).to.equal(expected);
    await expectGuardRefused(f.token, 1n);
  });
});
