/**
 * Model-based random walk over the whole staking layer (docs/slashing.md "Invariants", docs/staking.md "Invariants"):
 * 6 stakers, 3 operators, 3 AVSs that share operators (X with a veto committee, Y without, and Z, an AVS operator3 runs
 * itself), 3 assets. Each seed runs a seeded opening (self-stakes, allocations, first deposits and delegations) and
 * then random steps among: deposit, delegateTo, undelegate, redelegate, partial and full queueWithdrawal,
 * completeWithdrawal as tokens or as shares with a minimum-out bound (ready ones, at the boundary or later, by the
 * staker or its withdrawer; early ones that must revert WithdrawalNotReady; ones behind a pending request that must
 * wait), modifyAllocation up and down, applyPendingAllocation, requestSlash (random fraction up to the AVS's maximum),
 * vetoSlash, cancelSlash, executeSlash (in its window, early, or expired), releaseSlashedFunds per asset, AVS
 * configuration updates (loosening ones are queued) and their application, setWithdrawalDelay by the admin, AVS
 * (de)registrations, and time jumps from a minute to 8 days; now and then with bad arguments or the wrong caller.
 *
 * The walk is biased towards the state regions of issue 9's findings (test/model/walk.ts): magnitudes near zero
 * (1-wei and 1e18 - 1 allocations, 100% self-slashes through the operator's own AVS, maxMagnitude to and below
 * MIN_MAX_MAGNITUDE), empty and dust pools (requests against pools of 0, 1 and 2 wei, deposits after), requests around
 * the veto window (veto, execute and cancel at executableAt - 1, executableAt, expiresAt - 1, expiresAt; a request and
 * a completion in one block), and configuration changes in flight (committee and recipient changes, withdrawal-delay
 * changes while requests, withdrawals and allocation changes are pending).
 *
 * The BigInt model (test/model/protocolModel.ts) predicts, for every action, success or the exact custom error and
 * arguments; after EVERY step the driver (test/model/protocolDriver.ts) compares one read of the chain with the model
 * and checks invariants 1 to 6, and around every request issue 9's High property (the amount reserved per asset is
 * >= floor(f * allocatedStake) - 1 wei and <= allocatedStake, as the view reported just before); no execution or
 * release gives an AVS more than the stake allocated to it at request time. Nothing is printed on success; a failure
 * names the seed, the step and the last steps.
 *
 * The liquid restaking token runs on the same core (test/model/lrtDriver.ts, issue #10): nodes for the three operators,
 * stETH and rETH accepted, X, Y and Z allow-listed, a buffer and fees, three LRT users. Its steps mix with the core's:
 * deposits (0 and 1 wei, up to the cap and past it, minShares one too high, into an LRT whose every node's pool is
 * closed), requestRedeem (also around slash requests on the nodes' pools), processRequests, completeWithdrawals,
 * claims, instantRedeem (draining the buffer), harvest, rebalance, oracle price moves, setWeights, an operator
 * undelegating a node, syncNode and redelegateNode; the core's slash requests, executions, vetoes and allocation
 * changes hit the nodes' pools. Every vault effect of an LRT step (a node's deposit, queued withdrawal, completion,
 * delegation) is applied to the core model as the same action by that node, which must predict it exactly. After
 * EVERY step, invariant 8 (docs/invariants.md §8): the rate falls by more than 1 wei only at a slash request or
 * execution on a node's operator or a price fall; every fulfilment and instant exit pays at most the value; total value
 * (exit and entry) recomputed from the core model equals the manager's; the LRT's books are solvent; the supply is the
 * holders' balances plus the escrow.
 *
 * The walk runs on demand only (MODEL_SEEDS=6,2,3 MODEL_STEPS=260 npx hardhat test test/model/ProtocolModel.test.ts, a
 * failure names its seed and step): the property-based test (test/model/PropertyModel.test.ts) runs the same driver
 * and model on every change and reaches every path the walk had to reach (its MUST_COVER; docs/verification.md, "The
 * seeded walk"). The directed tests below run always.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { show } from "../helpers/model";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { SLASH_COOLDOWN } from "../helpers/slashingFixtures";
import { toAssetsDown, toSharesDown } from "../helpers/sharesMath";
import { lrtModelFixture } from "./lrtDriver";
import { mineInOneBlock, modelFixture, revertOf, type ModelFixture } from "./protocolDriver";
import { EXIT_BUFFER, EXIT_MARGIN, GATE_CYCLE, JOIN_WINDOW } from "./protocolModel";
import { Walker } from "./walk";
import { withdrawalId } from "../../sdk/views";

const DEFAULT_STEPS = 260;

/** The seeds of an on-demand walk (MODEL_SEEDS), none by default. */
function seedsFromEnv(): number[] {
  const raw = process.env.MODEL_SEEDS?.trim();
  if (raw === undefined || raw === "") return [];
  return raw.split(",").map((s) => {
    const n = Number(s.trim());
    if (!Number.isSafeInteger(n)) throw new Error(`MODEL_SEEDS: not an integer: ${s}`);
    return n;
  });
}

const SEEDS = seedsFromEnv();
const STEPS = Number(process.env.MODEL_STEPS ?? DEFAULT_STEPS);
if (!Number.isSafeInteger(STEPS) || STEPS < 0)
  throw new Error(`MODEL_STEPS: not a count: ${process.env.MODEL_STEPS}`);

if (SEEDS.length !== 0) {
  describe("Protocol model (seeded random walk, model and invariants checked after every step)", function () {
    // A seed takes ~33 s on CI, but up to 136 s on a loaded machine: well above hardhat.config.ts's 120 s default.
    this.timeout(600_000);
    for (const seed of SEEDS) {
      it(`seed ${seed}: opening + ${STEPS} random steps`, async function () {
        const f = await loadFixture(lrtModelFixture);
        const walker = new Walker(f, seed);
        try {
          await walker.start();
          await walker.prologue();
          for (let i = 0; i < STEPS; i++) await walker.step();
          await walker.finish();
        } catch (e) {
          if (e instanceof Error) {
            const where = walker.describeFailure();
            e.message = `${where}\n${e.message}`;
            // errors built by the provider carry their stack (which mocha prints) from before the message changed
            if (e.stack !== undefined && !e.stack.includes(where)) e.stack = `${where}\n${e.stack}`;
          }
          throw e;
        }
        // every step was followed by the check, and the walk did exercise the interesting paths
        expect(walker.checker.checks).to.equal(walker.steps);
        expect(walker.steps).to.equal(walker.history.length);
        if (process.env.MODEL_HISTORY !== undefined) console.log(walker.history.join("\n"));
        if (process.env.MODEL_REPORT !== undefined) {
          console.log(`seed ${seed}: ${show(Object.fromEntries([...walker.coverage].sort()))}`);
        }
      });
    }
  });
}

/**
 * Exits and pending requests (docs/slashing.md "Pending requests close the pool"): a withdrawal from a pool with a
 * pending request waits for it to resolve, so that a veto or cancel leaves the leaver whole and an execution is borne
 * by it; every completion takes a minimum-out bound; a request that expired keeps the pool closed until anyone
 * cancels it, and the AVS's cooldown bounds how soon it can close the pool again. The random walk meets these
 * situations at random; these tests pin the exact amounts.
 *
 * Setting (modelFixture): alice 100 and bob 200 stETH delegated to operator1, whose stETH is allocated 40% to X
 * (committee, 1-day window, max 1/2) and 30% to Y (no committee, max 3/10), in force after allocationDelay().
 */
describe("Exits and pending requests", function () {
  const ALICE = 100n * WAD;
  const BOB = 200n * WAD;

  async function pool(
    f: ModelFixture,
  ): Promise<{ totalAssets: bigint; totalShares: bigint; pendingRequests: bigint }> {
    const p = await f.vault.pool(f.operator1.address, f.stETHAddress);
    return { totalAssets: p.totalAssets, totalShares: p.totalShares, pendingRequests: p.pendingRequests };
  }

  /** The setting, and bob's whole position queued; returns bob's withdrawal id, its readyAt and the pool's shares. */
  async function setting(): Promise<{
    f: ModelFixture;
    id: bigint;
    readyAt: bigint;
    aliceShares: bigint;
    bobShares: bigint;
  }> {
    const f = await loadFixture(modelFixture);
    const stETH = f.stETHAddress;
    for (const staker of [f.alice, f.bob]) {
      await (
        await f.registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)
      ).wait();
    }
    await (await f.vault.connect(f.alice).deposit(stETH, ALICE, 0n)).wait();
    await (await f.vault.connect(f.bob).deposit(stETH, BOB, 0n)).wait();
    await (await f.sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, (4n * WAD) / 10n)).wait();
    await (await f.sm.connect(f.operator1).modifyAllocation(f.avs2.address, stETH, (3n * WAD) / 10n)).wait();
    expect(await f.sm.allocationDelay(), "withdrawal delay + EXIT_BUFFER").to.equal(
      DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER,
    );
    await time.increase(DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER);
    const aliceShares = toSharesDown(ALICE, 0n, 0n);
    const bobShares = toSharesDown(BOB, ALICE, aliceShares);
    expect((await f.vault.position(f.bob.address, stETH))[1]).to.equal(bobShares);
    await (await f.vault.connect(f.bob).queueWithdrawal(stETH, bobShares)).wait();
    const id = withdrawalId(f.bob.address, 0n);
    const [, readyAt] = await f.vault.withdrawableAmount(id);
    expect(readyAt, "readyAt fixed at queue time").to.equal(
      BigInt(await time.latest()) + DEFAULT_WITHDRAWAL_DELAY,
    );
    return { f, id, readyAt, aliceShares, bobShares };
  }

  it("a request mined before a ready completion makes it wait; after the veto the leaver is paid in full", async function () {
    const { f, id, readyAt, aliceShares, bobShares } = await setting();
    const stETH = f.stETHAddress;
    const bobValue = toAssetsDown(bobShares, ALICE + BOB, aliceShares + bobShares);
    expect((await f.vault.withdrawableAmount(id))[0]).to.equal(bobValue);
    // the slasher's request (higher tip) and bob's completion land in the same block
    const [request, completion] = await mineInOneBlock(readyAt, [
      (o) =>
        f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, WAD / 2n, ethers.id("x"), o),
      (o) => f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue, o),
    ]);
    expect(request.status, "the request goes through").to.equal(1);
    expect(completion.status, "the completion behind it waits").to.equal(0);
    expect(show(await revertOf(completion.hash, f.vault))).to.equal(
      show({ name: "PoolSlashPending", args: [f.operator1.address, stETH, 1n] }),
    );
    // X takes ceil(0.4 * 1/2) = 0.2 of the pool's magnitude: 60 of 300 reserved
    expect((await f.vault.pool(f.operator1.address, stETH)).pendingSlash).to.equal(60n * WAD);
    const balance = await f.stETH.balanceOf(f.bob.address);
    await (await f.sm.connect(f.committee).vetoSlash(1n)).wait();
    expect(await pool(f)).to.deep.equal({
      totalAssets: ALICE + BOB,
      totalShares: aliceShares + bobShares,
      pendingRequests: 0n,
    });
    // the request started the pool's epoch at readyAt: bob, ready before its join window closed, waits until
    // EXIT_MARGIN after its start (docs/slashing.md, "Pending requests close the pool")
    expect((await f.sm.magnitudes(f.operator1.address, stETH))[0].gateAt).to.equal(readyAt);
    await expect(f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue))
      .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
      .withArgs(id, readyAt + EXIT_MARGIN);
    expect((await f.vault.withdrawableAmount(id))[1]).to.equal(readyAt + EXIT_MARGIN);
    // then bob leaves whole, and alice keeps hers: nobody paid for the vetoed request
    await time.setNextBlockTimestamp(readyAt + EXIT_MARGIN);
    await (await f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue)).wait();
    expect((await f.stETH.balanceOf(f.bob.address)) - balance).to.equal(bobValue);
    expect(bobValue, "200 stETH less at most 1 wei of rounding").to.be.gte(BOB - 1n);
    expect((await f.vault.position(f.alice.address, stETH))[2]).to.equal(
      toAssetsDown(aliceShares, ALICE + BOB - bobValue, aliceShares),
    );
  });

  it("a slash executed in the block of a completion cannot pay the leaver less than its minimum", async function () {
    const { f, id, readyAt, aliceShares, bobShares } = await setting();
    const stETH = f.stETHAddress;
    const bobValue = toAssetsDown(bobShares, ALICE + BOB, aliceShares + bobShares);
    // Y (no committee) requests 3/10 and executes at once, before bob's completion in the same block:
    // s = ceil(0.3 * 0.3) = 0.09 of the magnitude, 27 of 300
    const [request, execution, completion] = await mineInOneBlock(readyAt, [
      (o) =>
        f.sm
          .connect(f.slasher2)
          .requestSlash(f.avs2.address, f.operator1.address, (3n * WAD) / 10n, ethers.id("y"), o),
      (o) => f.sm.connect(f.outsider).executeSlash(1n, o),
      (o) => f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue, o),
    ]);
    expect([request.status, execution.status, completion.status]).to.deep.equal([1, 1, 0]);
    expect((await f.vault.pool(f.operator1.address, stETH)).totalAssets, "27 slashed").to.equal(
      ALICE + BOB - 27n * WAD,
    );
    const slashedValue = toAssetsDown(bobShares, ALICE + BOB - 27n * WAD, aliceShares + bobShares);
    // the request started the pool's epoch in that block: bob waits until EXIT_MARGIN after it (docs/slashing.md,
    // "Pending requests close the pool"); then his minimum still refuses the slashed value
    expect(show(await revertOf(completion.hash, f.vault))).to.equal(
      show({ name: "WithdrawalGated", args: [id, readyAt + EXIT_MARGIN] }),
    );
    const [bounded] = await mineInOneBlock(readyAt + EXIT_MARGIN, [
      (o) => f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue, o),
    ]);
    expect(bounded.status, "the bounded completion reverts").to.equal(0);
    expect(show(await revertOf(bounded.hash, f.vault))).to.equal(
      show({ name: "AssetsBelowMinimum", args: [slashedValue, bobValue] }),
    );
    // bob accepts the slashed value: he bears the slash that executed before he left
    const balance = await f.stETH.balanceOf(f.bob.address);
    await (await f.vault.connect(f.bob).completeWithdrawal(id, true, slashedValue)).wait();
    expect((await f.stETH.balanceOf(f.bob.address)) - balance).to.equal(slashedValue);
    expect(slashedValue, "182 stETH less at most 1 wei").to.be.gte(182n * WAD - 1n);
  });

  it("an expired request keeps exits closed until anyone cancels it; a withdrawal that became ready while the epoch took no new requests then waits for its gate; the pool gate and the cooldown bound the next requests", async function () {
    const { f, id, readyAt, aliceShares, bobShares } = await setting();
    const stETH = f.stETHAddress;
    const [X, Y] = [f.avs.address, f.avs2.address];
    const op1 = f.operator1.address;
    // Y reserves ceil(0.3 * 0.3) = 0.09: 27 of 300, executable at once for one day, two days before bob is ready;
    // the request starts the pool's request epoch
    const t = readyAt - 2n * DAY;
    await time.setNextBlockTimestamp(t);
    await (await f.sm.connect(f.slasher2).requestSlash(Y, op1, (3n * WAD) / 10n, ethers.id("y"))).wait();
    expect((await f.sm.allocation(op1, Y, stETH)).openRequest).to.equal(1n);
    expect((await f.sm.magnitudes(op1, stETH))[0].gateAt, "the epoch started at the request").to.equal(t);
    await time.setNextBlockTimestamp(readyAt);
    await expect(f.sm.connect(f.outsider).executeSlash(1n))
      .to.be.revertedWithCustomError(f.sm, "SlashExpired")
      .withArgs(1n, t + DAY);
    // expired but still pending: bob waits, and Y cannot file another request while it is open
    await expect(f.vault.connect(f.bob).completeWithdrawal(id, true, 0n))
      .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
      .withArgs(op1, stETH, 1n);
    await expect(f.sm.connect(f.slasher2).requestSlash(Y, op1, WAD / 10n, ethers.id("y2")))
      .to.be.revertedWithCustomError(f.sm, "SlashRequestOpen")
      .withArgs(Y, op1, stETH);
    // and another AVS cannot join the epoch once JOIN_WINDOW has passed since it started
    await expect(f.sm.connect(f.slasher).requestSlash(X, op1, WAD / 10n, ethers.id("x")))
      .to.be.revertedWithCustomError(f.sm, "PoolGated")
      .withArgs(op1, stETH, t + GATE_CYCLE);
    // anyone cancels the expired request; the pool reopens, but bob became ready while the epoch took no new requests:
    // he waits until EXIT_MARGIN after the gate lets X (held off by it) request (docs/slashing.md, "Pending requests
    // close the pool")
    await (await f.sm.connect(f.alice).cancelSlash(1n)).wait();
    await expect(f.vault.connect(f.bob).completeWithdrawal(id, true, 0n))
      .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
      .withArgs(id, t + GATE_CYCLE + EXIT_MARGIN);
    expect((await f.vault.withdrawableAmount(id))[1]).to.equal(t + GATE_CYCLE + EXIT_MARGIN);
    // the next epoch starts GATE_CYCLE after the last one (every staker has had REOPEN_WINDOW to enter or leave);
    // Y also waits for its cooldown, SLASH_COOLDOWN after its last request's expiry
    await expect(f.sm.connect(f.slasher).requestSlash(X, op1, WAD / 10n, ethers.id("x")))
      .to.be.revertedWithCustomError(f.sm, "PoolGated")
      .withArgs(op1, stETH, t + GATE_CYCLE);
    await time.setNextBlockTimestamp(t + GATE_CYCLE + EXIT_MARGIN);
    const bobValue = toAssetsDown(bobShares, ALICE + BOB, aliceShares + bobShares);
    await expect(f.vault.connect(f.bob).completeWithdrawal(id, true, bobValue)).to.changeTokenBalance(
      f.stETH,
      f.bob,
      bobValue,
    );
    const nextRequestAt = t + DAY + SLASH_COOLDOWN;
    await expect(f.sm.connect(f.slasher2).requestSlash(Y, op1, WAD / 10n, ethers.id("y2")))
      .to.be.revertedWithCustomError(f.sm, "SlashCooldown")
      .withArgs(Y, op1, stETH, nextRequestAt);
    expect(nextRequestAt, "the cooldown ends after the next epoch may start").to.be.gt(t + GATE_CYCLE);
    await time.setNextBlockTimestamp(nextRequestAt);
    await expect(f.sm.connect(f.slasher2).requestSlash(Y, op1, WAD / 10n, ethers.id("y3"))).to.emit(
      f.sm,
      "SlashRequested",
    );
    expect((await f.sm.magnitudes(op1, stETH))[0].gateAt, "a new epoch").to.equal(nextRequestAt);
  });
});

/**
 * The request rules that let a request skip an allocated asset (docs/slashing.md): the pool gate, the AVS's open
 * request, its cooldown. A request takes nothing of a skipped asset, and `maxSlashable` reads 0 for it while
 * `allocatedStake` still reports the stake; so issue 9's High property reads: a request for f takes at least
 * f * allocatedStake, minus one wei, of every asset whose maxSlashable was > 0 just before, and skips exactly the
 * allocated assets whose maxSlashable was 0. The random walk checks it at every request and every skip against these
 * rules. This test pins one such skip and how long it defers the AVS: until the pool's next request epoch.
 */
describe("Request rules: skipped assets", function () {
  it("a request skips an allocated asset whose pool is gated, and takes f * stake of it in the next epoch", async function () {
    const f = await loadFixture(modelFixture);
    const [stETH, cbETH] = [f.stETHAddress, f.cbETHAddress];
    const [X, Y] = [f.avs.address, f.avs2.address];
    const op1 = f.operator1.address;
    for (const staker of [f.alice, f.bob]) {
      await (await f.registry.connect(staker).delegateTo(op1, NO_SIGNATURE, ZERO_SALT)).wait();
    }
    await (await f.vault.connect(f.alice).deposit(stETH, 100n * WAD, 0n)).wait();
    await (await f.vault.connect(f.bob).deposit(stETH, 200n * WAD, 0n)).wait();
    await (await f.vault.connect(f.operator1).deposit(cbETH, 100n * WAD, 0n)).wait();
    const sm = f.sm.connect(f.operator1);
    await (await sm.modifyAllocation(X, stETH, (4n * WAD) / 10n)).wait();
    await (await sm.modifyAllocation(Y, stETH, (3n * WAD) / 10n)).wait();
    await (await sm.modifyAllocation(Y, cbETH, (3n * WAD) / 10n)).wait();
    await time.increase(await f.sm.allocationDelay());

    // X's request starts the stETH pool's request epoch and reserves ceil(0.4 * 1/2) = 0.2 of it: 60 of 300
    const t = BigInt(await time.latest()) + 1n;
    await time.setNextBlockTimestamp(t);
    await (await f.sm.connect(f.slasher).requestSlash(X, op1, WAD / 2n, ethers.id("x"))).wait();
    // until the join window's last second Y may join the epoch: maxSlashable 0.3 of its 90 stETH; from JOIN_WINDOW
    // Y's stETH stake is still 240 * 0.3 / 0.8 = 90 by the views, but its pool is gated: maxSlashable reads 0, and
    // Y's request takes only cbETH (ceil(0.3 * 0.3) = 0.09 of 100, its maxSlashable 0.3 of 30)
    await time.increaseTo(t + JOIN_WINDOW - 1n);
    expect(await f.sm.maxSlashable(op1, Y, stETH)).to.equal(27n * WAD);
    await time.increaseTo(t + JOIN_WINDOW);
    expect(await f.sm.allocatedStake(op1, Y, stETH)).to.equal(90n * WAD);
    expect(await f.sm.maxSlashable(op1, Y, stETH)).to.equal(0n);
    expect(await f.sm.maxSlashable(op1, Y, cbETH)).to.equal(9n * WAD);
    await (await f.sm.connect(f.slasher2).requestSlash(Y, op1, (3n * WAD) / 10n, ethers.id("y"))).wait();
    const [request] = await f.sm.slashRequest(2n);
    expect(request.assetCount, "stETH skipped").to.equal(1n);
    const [asset, taken] = await f.sm.slashedAsset(2n, 0n);
    expect([asset, taken.amount]).to.deep.equal([cbETH, 9n * WAD]);
    // the committee vetoes X's request; until the next epoch Y's stETH stays gated (and its cbETH allocation has Y's
    // open request): a request taking nothing reverts with the first refusal, in asset order
    await (await f.sm.connect(f.committee).vetoSlash(1n)).wait();
    await expect(f.sm.connect(f.slasher2).requestSlash(Y, op1, (3n * WAD) / 10n, ethers.id("y2")))
      .to.be.revertedWithCustomError(f.sm, "PoolGated")
      .withArgs(op1, stETH, t + GATE_CYCLE);
    // from the next epoch Y takes exactly f * stake: its stake is 300 * 0.3 = 90 again, its maxSlashable 0.3 of it
    // (cbETH's reads 0: Y's request 2 is still open), and it takes 0.3 of it
    expect(await f.sm.maxSlashable(op1, Y, stETH), "gated until the next epoch").to.equal(0n);
    await time.increaseTo(t + GATE_CYCLE);
    expect(await f.sm.allocatedStake(op1, Y, stETH)).to.equal(90n * WAD);
    expect(await f.sm.maxSlashable(op1, Y, stETH)).to.equal(27n * WAD);
    expect(await f.sm.maxSlashable(op1, Y, cbETH)).to.equal(0n);
    await (await f.sm.connect(f.slasher2).requestSlash(Y, op1, (3n * WAD) / 10n, ethers.id("y3"))).wait();
    const [next] = await f.sm.slashRequest(3n);
    expect(next.assetCount, "cbETH skipped: Y's request 2 is still open").to.equal(1n);
    const [asset3, taken3] = await f.sm.slashedAsset(3n, 0n);
    expect([asset3, taken3.amount]).to.deep.equal([stETH, 27n * WAD]);
  });
});
