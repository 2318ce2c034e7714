import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, WAD } from "../helpers/fixtures";
import { LRT_CAP, lrtFixture, sharesFor, valueOf } from "../helpers/lrtFixtures";
import { fundStETHRewards } from "../helpers/lrtActions";

describe("Attack: LRT first depositor and donations", function () {
  it("a first depositor who inflates total value through rewards loses, and the victim keeps his value", async function () {
    const f = await loadFixture(lrtFixture);
    // The attacker (erin) deposits 1 wei: 1 share (virtual offsets 1e9 / 1e9).
    await (await f.stETHVault.connect(f.erin).deposit(1n, f.erin.address)).wait();
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(1n);
    // ... then streams 100 stETH of rewards to the only staker of operator1's pool: the LRT's node 0.
    await fundStETHRewards(f, f.operator1.address, 100n * WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await time.increase(DAY);
    const tv = await f.manager.totalValue(false);
    const supply = await f.lrt.totalSupply();
    // The operator keeps its 10% commission: 90 stETH stream to the node.
    expect(tv).to.be.greaterThan(89n * WAD);
    // The victim deposits 10 stETH and gets the shares his value buys.
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    const aliceShares = await f.lrt.balanceOf(f.alice.address);
    expect(aliceShares).to.equal(sharesFor(10n * WAD, tv, supply));
    const tvAfter = await f.manager.totalValue(true);
    const supplyAfter = await f.lrt.totalSupply();
    const aliceValue = valueOf(aliceShares, tvAfter, supplyAfter);
    const erinValue = valueOf(1n, tvAfter, supplyAfter);
    // The victim loses at most one share's worth of rounding; the attacker recovers a dust fraction of 100 stETH.
    expect(10n * WAD - aliceValue).to.be.lte(valueOf(1n, tvAfter, supplyAfter) + 1n);
    expect(erinValue).to.be.lessThan(WAD / 10n ** 6n);
  });

  it("donations to the manager, a node, an entry point, the vault or the LRT change no one's shares", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.erin).deposit(1n, f.erin.address)).wait();
    const [tv, supply] = [await f.manager.totalValue(false), await f.lrt.totalSupply()];
    const node0 = (await f.manager.node(0)).node;
    for (const to of [
      f.managerAddress,
      node0,
      await f.stETHVault.getAddress(),
      f.vaultAddress,
      await f.lrt.getAddress(),
    ]) {
      await (await f.stETH.connect(f.erin).transfer(to, 100n * WAD)).wait();
    }
    expect(await f.manager.totalValue(false)).to.equal(tv);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(sharesFor(10n * WAD, tv, supply));
  });
});
