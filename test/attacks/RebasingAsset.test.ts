/**
 * Attack class: rebasing assets (docs/threat-model.md, "Fee-on-transfer and rebasing assets"). The vault counts each
 * pool's assets in storage (`totalAssets`), never its token balance, so a rebasing token (stETH-like: balances move
 * with an index) does not fit it: the protocol lists wrapped, non-rebasing forms (wstETH, rETH) and the listing is an
 * admin choice (docs/architecture.md, trust assumptions). These tests pin what happens if one is listed anyway: a
 * transfer that delivers a wei less is refused (`TransferAmountMismatch`); a positive rebase is never credited (no one
 * can take it; it stays in the vault); a negative rebase leaves the last leaver unpaid, which is why such tokens must
 * not be listed.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { RebasingERC20__factory, type RebasingERC20 } from "../../typechain-types";
import {
  ASSET_CAP,
  DEFAULT_WITHDRAWAL_DELAY,
  WAD,
  stakingFixture,
  withdrawalId,
  type StakingFixture,
} from "../helpers/fixtures";

interface RebasingFixture extends StakingFixture {
  token: RebasingERC20;
  asset: string;
}

async function rebasingFixture(): Promise<RebasingFixture> {
  const f = await stakingFixture();
  const token = await new RebasingERC20__factory(f.admin).deploy("Rebasing staked ETH", "rbETH");
  const asset = await token.getAddress();
  await (await f.vault.addAsset(asset, ASSET_CAP)).wait();
  for (const s of [f.alice, f.bob]) {
    await (await token.mint(s.address, 100n * WAD)).wait();
    await (await token.connect(s).approve(f.vaultAddress, ethers.MaxUint256)).wait();
  }
  await (await f.vault.connect(f.alice).deposit(asset, 100n * WAD, 0n)).wait();
  await (await f.vault.connect(f.bob).deposit(asset, 50n * WAD, 0n)).wait();
  return { ...f, token, asset };
}

/** Queues all of `staker`'s shares of `asset` (undelegated) and returns the withdrawal id. */
async function queueAll(f: RebasingFixture, staker: StakingFixture["alice"]): Promise<bigint> {
  const [, shares] = await f.vault.position(staker.address, f.asset);
  const nonce = (await f.vault.stakerInfo(staker.address)).withdrawalNonce;
  await (await f.vault.connect(staker).queueWithdrawal(f.asset, shares)).wait();
  return withdrawalId(staker.address, nonce);
}

describe("Attack: a rebasing asset listed in the vault", function () {
  it("after a rebase, a deposit that delivers a wei less than its amount is refused (TransferAmountMismatch) and changes nothing", async function () {
    const f = await loadFixture(rebasingFixture);
    await (await f.token.rebase((11n * WAD) / 10n)).wait();
    const pool = await f.vault.pool(ethers.ZeroAddress, f.asset);
    const received = (((100n * WAD * WAD) / ((11n * WAD) / 10n)) * ((11n * WAD) / 10n)) / WAD;
    expect(received).to.equal(100n * WAD - 1n);
    await (await f.token.mint(f.carol.address, 200n * WAD)).wait();
    await (await f.token.connect(f.carol).approve(f.vaultAddress, ethers.MaxUint256)).wait();
    await expect(f.vault.connect(f.carol).deposit(f.asset, 100n * WAD, 0n))
      .to.be.revertedWithCustomError(f.vault, "TransferAmountMismatch")
      .withArgs(f.asset, 100n * WAD, received);
    expect(await f.vault.pool(ethers.ZeroAddress, f.asset)).to.deep.equal(pool);
  });

  it("a positive rebase of 10% is never credited: the pool still counts 150, both stakers leave with what they put in, and the 15 extra stay in the vault where no one can take them", async function () {
    const f = await loadFixture(rebasingFixture);
    await (await f.token.rebase((11n * WAD) / 10n)).wait();
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(165n * WAD);
    expect((await f.vault.pool(ethers.ZeroAddress, f.asset)).totalAssets).to.equal(150n * WAD);
    const ids = [await queueAll(f, f.alice), await queueAll(f, f.bob)];
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const paid: bigint[] = [];
    for (const [i, s] of [f.alice, f.bob].entries()) {
      const before = await f.token.balanceOf(s.address);
      await (await f.vault.connect(s).completeWithdrawal(ids[i], true, 0n)).wait();
      paid.push((await f.token.balanceOf(s.address)) - before);
    }
    // Each is paid the pool's count (less the vault's rounding and the token's wei), not the rebased balance.
    expect(paid[0]).to.be.lte(100n * WAD);
    expect(paid[0]).to.be.gte(100n * WAD - 2n);
    expect(paid[1]).to.be.lte(50n * WAD);
    expect(paid[1]).to.be.gte(50n * WAD - 2n);
    expect(await f.token.balanceOf(f.vaultAddress)).to.be.gte(15n * WAD);
    expect((await f.vault.pool(ethers.ZeroAddress, f.asset)).totalAssets).to.be.lte(2n);
  });

  it("a negative rebase of 10% breaks solvency (invariant 1): the vault holds 135 for 150 counted; the first leaver is paid in full and the last cannot be (the token's ERC20InsufficientBalance) — hence only non-rebasing forms are listed", async function () {
    const f = await loadFixture(rebasingFixture);
    await (await f.token.rebase((9n * WAD) / 10n)).wait();
    expect(await f.token.balanceOf(f.vaultAddress)).to.equal(135n * WAD);
    expect((await f.vault.pool(ethers.ZeroAddress, f.asset)).totalAssets).to.equal(150n * WAD);
    const aliceId = await queueAll(f, f.alice);
    const bobId = await queueAll(f, f.bob);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.vault.connect(f.alice).completeWithdrawal(aliceId, true, 0n)).wait();
    expect(await f.token.balanceOf(f.vaultAddress)).to.be.lt(50n * WAD);
    await expect(f.vault.connect(f.bob).completeWithdrawal(bobId, true, 0n)).to.be.revertedWithCustomError(
      f.token,
      "ERC20InsufficientBalance",
    );
  });
});
