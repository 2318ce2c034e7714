import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { LRT_CAP, STETH_PRICE, lrtSlashFixture, type LRTSlashFixture } from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, queuedIds, requestSlash } from "../helpers/lrtActions";

/** Why the rate may fall at a step: only slashing or a price fall (invariant 8, docs/lrt.md "Invariants kept"). */
type StepKind = "neutral" | "slash" | "priceFall";

/**
 * Checks invariant 8 after every step: the rate falls only at a slash or a price fall (other steps may lose at most
 * 1 wei of the rate to the rounding of a pool conversion, docs/lrt.md "Rate"), and every fulfilled request pays at
 * most its value at request.
 */
class Invariant8 {
  private rate = 0n;
  private readonly valueAtRequest = new Map<bigint, bigint>();

  constructor(private readonly f: LRTSlashFixture) {}

  async step(label: string, kind: StepKind, action: () => Promise<unknown>): Promise<void> {
    await action();
    const rate = await this.f.manager.getRate();
    if (kind === "neutral" && this.rate !== 0n) {
      expect(rate, `${label}: the rate fell without a slash or a price fall`).to.be.gte(this.rate - 1n);
    }
    this.rate = rate;
    const count = await this.f.manager.requestCount();
    for (let id = 1n; id <= count; id++) {
      const r = await this.f.manager.request(id);
      if (r.status === 1n && !this.valueAtRequest.has(id)) this.valueAtRequest.set(id, r.amount);
      if (r.status >= 2n) {
        const paidValue = (r.amount * STETH_PRICE) / WAD;
        expect(paidValue, `${label}: request ${id} paid more than its value at request`).to.be.lte(
          this.valueAtRequest.get(id) ?? 0n,
        );
      }
    }
  }
}

describe("LRT scenario: invariant 8 after every step", function () {
  it("deposits, rewards, harvest, requests, slash, veto, rebalance, price moves, instant exit, claims", async function () {
    const f = await loadFixture(lrtSlashFixture);
    const inv = new Invariant8(f);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setBuffer(2_000, 50, 500)).wait();
    await (await f.manager.setProtocolFee(1_000)).wait();
    for (const s of [f.alice, f.bob, f.carol, f.dave]) {
      await inv.step(`deposit ${s.address}`, "neutral", async () =>
        (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait(),
      );
    }
    await inv.step("rETH deposit", "neutral", async () =>
      (await f.rETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait(),
    );
    await inv.step("rewards funded", "neutral", () => fundStETHRewards(f, f.operator2.address, 2n * WAD));
    await inv.step("count rewards", "neutral", async () =>
      (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait(),
    );
    await inv.step("rewards accrue", "neutral", () => time.increase(DAY / 2n));
    await inv.step("harvest", "neutral", async () => (await f.manager.harvest()).wait());
    await inv.step("alice requests", "neutral", async () =>
      (await f.stETHVault.connect(f.alice).requestRedeem(5n * WAD, f.alice.address, f.alice.address)).wait(),
    );
    let slash1 = 0n;
    await inv.step("slash request on operator1", "slash", async () => {
      slash1 = await requestSlash(f, f.operator1.address, WAD / 10n);
    });
    await inv.step("bob requests while it is pending", "neutral", async () =>
      (await f.stETHVault.connect(f.bob).requestRedeem(5n * WAD, f.bob.address, f.bob.address)).wait(),
    );
    await inv.step("veto", "neutral", async () =>
      (await f.slashingManager.connect(f.committee).vetoSlash(slash1)).wait(),
    );
    let slash2 = 0n;
    await inv.step("slash request on operator2", "slash", async () => {
      slash2 = await requestSlash(f, f.operator2.address, WAD / 5n);
    });
    await inv.step("slash execution", "slash", () => executeSlash(f, slash2));
    let ids: bigint[] = [];
    await inv.step("rebalance node 2", "neutral", async () => {
      ids = await queuedIds(
        f,
        f.manager.rebalance(2, f.stETHAddress, (await f.manager.position(2, f.stETHAddress)).active / 2n),
      );
    });
    await inv.step("withdrawal delay", "neutral", () => time.increase(DEFAULT_WITHDRAWAL_DELAY));
    await inv.step("complete withdrawals", "neutral", async () =>
      (await f.manager.completeWithdrawals(ids)).wait(),
    );
    await inv.step("process requests", "neutral", async () =>
      (await f.manager.processRequests(f.stETHAddress, 10n)).wait(),
    );
    await inv.step("rETH price falls 1%", "priceFall", async () =>
      (await f.oracle.setPrice(f.rETHAddress, (11n * WAD * 99n) / 1_000n)).wait(),
    );
    await inv.step("rETH price rises 2%", "neutral", async () =>
      (await f.oracle.setPrice(f.rETHAddress, (11n * WAD * 101n) / 1_000n)).wait(),
    );
    await inv.step("carol exits instantly", "neutral", async () =>
      (await f.manager.connect(f.carol).instantRedeem(WAD, f.stETHAddress, 0n, f.carol.address)).wait(),
    );
    await inv.step("alice claims", "neutral", async () =>
      (await f.stETHVault.connect(f.alice).claim(1n, f.alice.address, 0n)).wait(),
    );
    await inv.step("bob claims", "neutral", async () =>
      (await f.stETHVault.connect(f.bob).claim(2n, f.bob.address, 0n)).wait(),
    );
    expect((await f.manager.request(1n)).status).to.equal(3n);
    expect((await f.manager.request(2n)).status).to.equal(3n);
  });
});
