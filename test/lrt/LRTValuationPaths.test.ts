import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { VIRTUAL_SHARES } from "../../sdk/views";
import { WAD } from "../helpers/fixtures";
import { STETH_PRICE, lrtFixture, rateOf, sharesFor, type LRTFixture } from "../helpers/lrtFixtures";

/**
 * LRTValuation values the nodes' positions in one assembly loop when every product fits LRTMathLib's single-word path,
 * and again in Solidity (through LRTMathLib) when one does not (docs/gas.md, "Fourth pass"). Both must give the
 * figures of docs/lrt.md "Rate", computed here from the vault's pools and the manager's positions: the exit total
 * (net of pending slashes, each part rounded down) and the entry total (gross, each part rounded up).
 */
describe("LRTValuation: the assembly and the Solidity node loop give the same figures", function () {
  const UNIT = WAD; // stETH has 18 decimals
  const POOL_VIRTUAL_SHARES = VIRTUAL_SHARES; // the vault pools', not the LRT's

  const ceilDiv = (x: bigint, d: bigint): bigint => (x + d - 1n) / d;

  /** The LRT's stETH value at `price`: exit (rounded down, net of pending slashes) or entry (rounded up, gross). */
  async function stETHValue(f: LRTFixture, price: bigint, exit: boolean): Promise<bigint> {
    const idle = (await f.manager.assetBook(f.stETHAddress)).idle;
    let total = exit ? (idle * price) / UNIT : ceilDiv(idle * price, UNIT);
    const count = await f.manager.nodeCount();
    for (let i = 0n; i < count; i++) {
      const info = await f.manager.node(i);
      const pos = await f.manager.position(i, f.stETHAddress);
      const shares = pos.active + pos.queued;
      const [poolAssets, poolShares, pendingSlash] = await f.vault.poolBalances(
        info.operator,
        f.stETHAddress,
      );
      const d = poolShares + POOL_VIRTUAL_SHARES;
      if (exit) total += (((shares * (poolAssets - pendingSlash + 1n)) / d) * price) / UNIT;
      else total += ceilDiv(ceilDiv(shares * (poolAssets + 1n), d) * price, UNIT);
    }
    return total;
  }

  async function staked(): Promise<LRTFixture> {
    const f = await loadFixture(lrtFixture);
    for (const [i, s] of f.stakers.entries()) {
      await (await f.stETHVault.connect(s).deposit(BigInt(i + 3) * WAD + 12_345n, s.address)).wait();
    }
    let holding = 0;
    for (let i = 0n; i < (await f.manager.nodeCount()); i++) {
      if ((await f.manager.position(i, f.stETHAddress)).active > 0n) holding++;
    }
    expect(holding).to.be.greaterThan(1); // several nodes hold stake: the node loop runs
    return f;
  }

  async function expectFigures(f: LRTFixture, price: bigint): Promise<void> {
    const supply = await f.lrt.totalSupply();
    const exitTotal = await stETHValue(f, price, true);
    const entryTotal = await stETHValue(f, price, false);
    expect(exitTotal).to.be.lessThan(entryTotal); // the roundings differ: each side is checked
    expect(await f.manager.getRate()).to.equal(rateOf(exitTotal, supply));
    const amount = 7n * WAD + 1n;
    const value = (amount * price) / UNIT;
    expect(await f.manager.previewDeposit(f.stETHAddress, amount)).to.equal(
      sharesFor(value, entryTotal, supply),
    );
  }

  it("at a price on the single-word path (the assembly loop)", async function () {
    const f = await staked();
    const price = STETH_PRICE - 7n; // a price that leaves remainders, so that the two roundings differ
    await (await f.oracle.setPrice(f.stETHAddress, price)).wait();
    await expectFigures(f, price);
  });

  it("at a price of 2^127 and more, off it (the Solidity loop, LRTMathLib's 512-bit products)", async function () {
    const f = await staked();
    const price = 2n ** 127n + 987_654_321n;
    await (await f.oracle.setPrice(f.stETHAddress, price)).wait();
    await expectFigures(f, price);
  });
});
