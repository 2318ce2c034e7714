import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import { lrtFixture, sharesFor, rateOf } from "../helpers/lrtFixtures";

describe("LRTManager: deposits and valuation", function () {
  it("mints at the entry price and routes to the node furthest below its weight", async function () {
    const f = await loadFixture(lrtFixture);
    const amount = 10n * WAD;
    await expect(f.stETHVault.connect(f.alice).deposit(amount, f.alice.address))
      .to.emit(f.manager, "Deposited")
      .withArgs(f.alice.address, f.alice.address, f.stETHAddress, amount, sharesFor(amount, 0n, 0n), amount, 0);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(amount);
    expect(await f.manager.totalValue(true)).to.equal(amount);
    // The next deposit goes to node 1 (node 0 is now above its 25%).
    await expect(f.stETHVault.connect(f.bob).deposit(amount, f.bob.address))
      .to.emit(f.manager, "Staked")
      .withArgs(1, f.stETHAddress, amount, amount * 10n ** 6n);
    expect(await f.manager.getRate()).to.equal(rateOf(await f.manager.totalValue(true), await f.lrt.totalSupply()));
  });
});
