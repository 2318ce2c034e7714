/**
 * End-to-end slashing scenarios. After every step a SlashingWorld checks the invariants of docs/slashing.md:
 *   1 solvency, 2 shares, 3 no value from nothing (InvariantChecker), 6 queued withdrawals priced net of pending
 *   slashes, the escrow and the pools' reservations; every request and execution also checks 4 (bounded, and the
 *   undelegated pool and other operators' pools untouched) and 5 (isolation of the other AVS's allocated stake, within
 *   1 wei per 1e18).
 * Expected values come from the BigInt model (test/helpers/slashingFixtures.ts) and share math (sharesMath.ts).
 *
 * While a request is pending, its pool is closed both ways (docs/slashing.md "The reservation at request"): entering
 * at the net price and then sharing a veto's returned value would pay the entrant for a risk it never bore (a slasher
 * could request, deposit 1 wei and cancel to take half a pool), and an exit at the net price would leave a later
 * veto's returned value to those who stayed. Deposits, delegations and completions into or out of it revert
 * PoolSlashPending with the number of pending requests, whatever they reserved; once the request is executed, vetoed
 * or cancelled, entries and exits work again at the resolved rate. One AVS keeps a pool closed at most
 * vetoWindow + EXECUTION_WINDOW out of every vetoWindow + EXECUTION_WINDOW + SLASH_COOLDOWN, and all AVSs together
 * (the pool gate) at most JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW at a time, once expired requests are
 * cancelled: requests on a pool come in epochs, joining one only within JOIN_WINDOW of its start, and the next epoch
 * starts GATE_CYCLE after it, so that the pool is then open at least REOPEN_WINDOW, in which every staker can leave.
 * A request skips the assets it cannot take (a gated pool, its own open request or cooldown, nothing worth taking)
 * and takes the others, so that an operator cannot shield one pool by gating another.
 *
 * scenarioFixture = stakedFixture + dave (40 stETH) and erin (60 stETH) delegated to operator1, so that
 * pool (operator1, stETH) = 400 held by alice 100, bob 200, dave 40, erin 60.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { Signer } from "ethers";

import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import {
  ALLOCATION_DELAY,
  ALLOCATIONS,
  AVS_MAX_SLASH,
  AVS_VETO_WINDOW,
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  MAX_VETO_WINDOW,
  OP1_STETH,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  STATUS,
  ZERO,
  allocatedStakeOf,
  allocationOf,
  avs2Params,
  avsParams,
  expectedConfig,
  fundedWallet,
  gateAtOf,
  magnitudesOf,
  nextRequestAtOf,
  nextTimestamp,
  poolOf,
  reservedAmount,
  scaledPendingDecrease,
  slashMagnitude,
  slashingManagerFixture,
  stakedDeposits,
  stakedFixture,
  SlashingWorld,
  type PoolRef,
  type SlashingManagerFixture,
  type StakedFixture,
  type Watched,
} from "../helpers/slashingFixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { toAssetsDown, toSharesDown } from "../helpers/sharesMath";

const DAVE_STETH = 40n * WAD;
const ERIN_STETH = 60n * WAD;
const POOL = OP1_STETH + DAVE_STETH + ERIN_STETH;

async function scenarioFixture(): Promise<StakedFixture> {
  const f = await stakedFixture();
  for (const [staker, amount] of [
    [f.dave, DAVE_STETH],
    [f.erin, ERIN_STETH],
  ] as const) {
    await (await f.registry.connect(staker).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
    await (await f.vault.connect(staker).deposit(f.stETHAddress, amount, 0n)).wait();
  }
  return f;
}

/** A fresh world for `f` that knows every deposit of scenarioFixture. */
function newWorld(f: StakedFixture): SlashingWorld {
  return new SlashingWorld(f, [
    ...stakedDeposits(f),
    [f.dave.address, f.stETHAddress, DAVE_STETH],
    [f.erin.address, f.stETHAddress, ERIN_STETH],
  ]);
}

/** The pools a request of X or Y against operator1 must never touch. */
function othersOf(f: StakedFixture): PoolRef[] {
  return [
    { operator: ZERO, asset: f.stETHAddress },
    { operator: ZERO, asset: f.rETHAddress },
    { operator: f.operator2.address, asset: f.stETHAddress },
    { operator: f.operator1.address, asset: f.cbETHAddress },
  ];
}

/** operator1's stETH allocation to Y, watched for isolation while X slashes. */
function yOf(f: StakedFixture): Watched[] {
  return [{ operator: f.operator1.address, avs: f.avs2.address, asset: f.stETHAddress }];
}

/** |value - expected| <= tolerance. */
function expectClose(value: bigint, expected: bigint, tolerance: bigint, what: string): void {
  const diff = value > expected ? value - expected : expected - value;
  expect(diff, `${what}: ${value} vs ${expected}`).to.be.lte(tolerance);
}

async function sharesOf(f: StakedFixture, staker: string): Promise<bigint> {
  return (await f.vault.position(staker, f.stETHAddress))[1];
}

describe("Slashing scenarios", function () {
  it("two AVSs share an operator with several stakers: X slashes, Y's allocated stake keeps its size", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, stETHAddress: stETH } = f;
    await world.check();

    const stakers = [f.alice, f.bob, f.dave, f.erin];
    const shares = await Promise.all(stakers.map((s) => sharesOf(f, s.address)));
    const totalShares = (await poolOf(f, op.address, stETH)).totalShares;
    const yStake = allocatedStakeOf(POOL, ALLOCATIONS.op1Avs2StETH, WAD, 0n);
    expect(await sm.allocatedStake(op.address, f.avs2.address, stETH)).to.equal(yStake);

    // X takes its maximum: s = 0.2 of operator1's stETH magnitude, i.e. 80 of the 400.
    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    const s = slashMagnitude(ALLOCATIONS.op1AvsStETH, AVS_MAX_SLASH);
    const amount = reservedAmount(POOL, s, WAD, 0n);
    expect(amount).to.equal(80n * WAD);

    await time.increase(AVS_VETO_WINDOW);
    await world.executeChecked(id, f.outsider, { watched: yOf(f), untouched: othersOf(f) });
    await world.check();

    // Y's stake is exactly what it was, and the model says so too.
    expect(await sm.allocatedStake(op.address, f.avs2.address, stETH)).to.equal(yStake);
    expect(allocatedStakeOf(POOL - amount, ALLOCATIONS.op1Avs2StETH, WAD - s, 0n)).to.equal(yStake);
    // Every staker lost the same 20 %, without a loop.
    for (const [i, staker] of stakers.entries()) {
      const value = (await f.vault.position(staker.address, stETH))[2];
      expect(value).to.equal(toAssetsDown(shares[i], POOL - amount, totalShares));
      const deposited = [100n, 200n, 40n, 60n][i] * WAD;
      expectClose(value, (deposited * 4n) / 5n, 1n, `value of staker ${i}`);
    }

    // Y can still take all of its allocated stake at the pool's next request epoch (GATE_CYCLE after X's request
    // started this one; executeChecked checked that the execution did not move the gate), and that leaves X's
    // remaining stake whole.
    const nextEpochAt = (await gateAtOf(f, op.address, stETH)) + GATE_CYCLE;
    const yArgs = {
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: op.address,
      wadFraction: WAD,
      assets: [stETH],
    };
    expect(await world.requestRefusedChecked(yArgs)).to.deep.equal({
      error: "PoolGated",
      args: [op.address, stETH, nextEpochAt],
    });
    expect(await world.requestRefusedChecked({ ...yArgs, at: nextEpochAt - 1n })).to.deep.equal({
      error: "PoolGated",
      args: [op.address, stETH, nextEpochAt],
    });
    const xStake = await sm.allocatedStake(op.address, f.avs.address, stETH);
    expect(xStake).to.equal(allocatedStakeOf(POOL - amount, ALLOCATIONS.op1AvsStETH - s, WAD - s, 0n));
    const y = await world.requestChecked({
      ...yArgs,
      at: nextEpochAt,
      watched: [{ operator: op.address, avs: f.avs.address, asset: stETH }],
      untouched: othersOf(f),
    });
    expect(await gateAtOf(f, op.address, stETH)).to.equal(nextEpochAt);
    expect(y.slashed[0].amount).to.equal(yStake);
    await world.check();
    await world.executeChecked(y.id, f.outsider, {
      watched: [{ operator: op.address, avs: f.avs.address, asset: stETH }],
      untouched: othersOf(f),
    });
    await world.check();
    expect(await sm.allocatedStake(op.address, f.avs.address, stETH)).to.equal(xStake);
  });

  it("a withdrawal queued right after a request bears it, and one ready during the veto window waits for the request and then pays the post-slash rate", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { operator1: op, stETHAddress: stETH } = f;
    await world.check();

    // Dave queues everything a week before the request would be executable; he is ready inside the veto window.
    const daveShares = await sharesOf(f, f.dave.address);
    const daveId = await world.queue(f.dave, stETH, daveShares);
    await world.check();
    await time.increase(DEFAULT_WITHDRAWAL_DELAY - 3600n);

    const { id, slashed } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    const amount = slashed[0].amount;
    expect(amount).to.equal(80n * WAD);

    // Erin queues right after the request: her shares stay in the pool and keep bearing it.
    const erinShares = await sharesOf(f, f.erin.address);
    const erinId = await world.queue(f.erin, stETH, erinShares);
    await world.check();
    await world.checker.assertNotCompletableBeforeDelay(erinId, f.erin);

    // Dave is ready one hour later, still inside the veto window: his exit waits for the request (as tokens and as
    // shares), and is still worth the net price.
    await time.increase(3600n);
    const [, daveW] = await f.vault.withdrawal(daveId);
    expect(BigInt(await time.latest())).to.be.gte(daveW.readyAt);
    const before = await poolOf(f, op.address, stETH);
    expect(before.pendingSlash).to.equal(amount);
    expect(await world.completionRefused(f.dave, daveId, op.address, stETH)).to.equal(1n);
    expect((await f.vault.withdrawableAmount(daveId))[0]).to.equal(
      toAssetsDown(daveShares, before.totalAssets - amount, before.totalShares),
    );
    expect((await f.sm.slashRequest(id))[0].status).to.equal(STATUS.Pending);
    await world.check();

    // The request takes exactly its amount.
    await time.increase(AVS_VETO_WINDOW);
    await world.executeChecked(id, f.outsider, { watched: yOf(f), untouched: othersOf(f) });
    await world.check();

    // Dave now completes at the post-slash rate, which is what he was quoted while it was pending.
    const p = await poolOf(f, op.address, stETH);
    const daveWorth = toAssetsDown(daveShares, p.totalAssets, p.totalShares);
    expect(daveWorth).to.equal(toAssetsDown(daveShares, before.totalAssets - amount, before.totalShares));
    await expect(f.vault.connect(f.dave).completeWithdrawal(daveId, true, daveWorth + 1n))
      .to.be.revertedWithCustomError(f.vault, "AssetsBelowMinimum")
      .withArgs(daveWorth, daveWorth + 1n);
    const davePaid = await world.complete(f.dave, daveId, daveWorth);
    expect(davePaid).to.equal(daveWorth);
    expectClose(davePaid, (DAVE_STETH * 4n) / 5n, 1n, "dave's payout");
    await world.check();

    const [, erinW] = await f.vault.withdrawal(erinId);
    expect(erinW.readyAt).to.equal(erinW.startTime + DEFAULT_WITHDRAWAL_DELAY);
    await time.increaseTo(erinW.readyAt);
    const p2 = await poolOf(f, op.address, stETH);
    expect(p2.pendingSlash).to.equal(0n);
    const erinPaid = await world.complete(f.erin, erinId);
    expect(erinPaid).to.equal(toAssetsDown(erinShares, p2.totalAssets, p2.totalShares));
    expectClose(erinPaid, (ERIN_STETH * 4n) / 5n, 2n, "erin's payout");
    await world.check();

    for (const [staker, deposited] of [
      [f.alice, 100n * WAD],
      [f.bob, 200n * WAD],
    ] as const) {
      expectClose(
        (await f.vault.position(staker.address, stETH))[2],
        (deposited * 4n) / 5n,
        2n,
        "remaining stakers",
      );
    }
  });

  it("a request that lands before a ready withdrawal completes cannot take part of the exit: the exit waits, and after a veto the staker leaves whole (minAssets honoured)", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, stETHAddress: stETH } = f;
    await world.check();

    // Bob's withdrawal of his 200 stETH is ready.
    const bobShares = await sharesOf(f, f.bob.address);
    const bobId = await world.queue(f.bob, stETH, bobShares);
    const pool = await poolOf(f, op.address, stETH);
    const full = toAssetsDown(bobShares, pool.totalAssets, pool.totalShares);
    expectClose(full, 200n * WAD, 1n, "bob's withdrawal");
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await world.check();

    // The slasher's 20% request lands first (a higher tip) and starts the pool's epoch at s; Bob's completion, with
    // his minimum, waits.
    const s = await nextTimestamp();
    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    await expect(f.vault.connect(f.bob).completeWithdrawal(bobId, true, full))
      .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
      .withArgs(op.address, stETH, 1n);
    expect(await world.completionRefused(f.bob, bobId, op.address, stETH)).to.equal(1n);
    await world.check();

    // The committee vetoes: the pool reopens, but Bob, ready before the epoch's join window closed, is held until
    // EXIT_MARGIN after its start (docs/slashing.md "Pending requests close the pool"); then he receives all 200, the
    // stakers who stayed keep theirs.
    await (await sm.connect(f.committee).vetoSlash(id)).wait();
    await world.check();
    expect(await gateAtOf(f, op.address, stETH)).to.equal(s);
    await expect(f.vault.connect(f.bob).completeWithdrawal(bobId, true, full))
      .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
      .withArgs(bobId, s + EXIT_MARGIN);
    expect((await f.vault.withdrawableAmount(bobId))[1]).to.equal(s + EXIT_MARGIN);
    await time.setNextBlockTimestamp(s + EXIT_MARGIN);
    expect(await world.complete(f.bob, bobId, full)).to.equal(full);
    await world.check();
    for (const [staker, deposited] of [
      [f.alice, 100n * WAD],
      [f.dave, DAVE_STETH],
      [f.erin, ERIN_STETH],
    ] as const) {
      expectClose((await f.vault.position(staker.address, stETH))[2], deposited, 1n, "a staker who stayed");
      expect((await f.vault.position(staker.address, stETH))[2]).to.be.lte(deposited);
    }
  });

  it("a slasher cannot keep a pool closed by re-requesting: after each request the next waits SLASH_COOLDOWN past its expiry, and exits go through in between", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, stETHAddress: stETH } = f;
    await world.check();
    const bobShares = await sharesOf(f, f.bob.address);
    const bobId = await world.queue(f.bob, stETH, bobShares);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);

    const requestAt = await nextTimestamp();
    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    expect(await world.completionRefused(f.bob, bobId, op.address, stETH)).to.equal(1n);
    // The slasher cancels and tries again at once: refused until nextRequestAt.
    await (await sm.connect(f.slasher).cancelSlash(id)).wait();
    await world.check();
    const nextRequestAt = nextRequestAtOf(requestAt + AVS_VETO_WINDOW);
    expect(nextRequestAt - requestAt).to.equal(AVS_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN);
    await expect(
      sm.connect(f.slasher).requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, ethers.id("again")),
    )
      .to.be.revertedWithCustomError(sm, "SlashCooldown")
      .withArgs(f.avs.address, op.address, stETH, nextRequestAt);
    // The pool is open: Bob, held until EXIT_MARGIN after the request that started the pool's epoch, then leaves
    // whole.
    const p = await poolOf(f, op.address, stETH);
    const worth = toAssetsDown(bobShares, p.totalAssets, p.totalShares);
    await expect(f.vault.connect(f.bob).completeWithdrawal(bobId, true, worth))
      .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
      .withArgs(bobId, requestAt + EXIT_MARGIN);
    await time.setNextBlockTimestamp(requestAt + EXIT_MARGIN);
    expect(await world.complete(f.bob, bobId, worth)).to.equal(worth);
    expectClose(worth, 200n * WAD, 1n, "bob leaves whole");
    await world.check();
  });

  it("several AVSs cannot chain closures: a request joins the pool's epoch only within JOIN_WINDOW of its start; once the epoch's requests resolve, the pool stays open until GATE_CYCLE after that start, and a ready staker leaves in between", async function () {
    const f = await loadFixture(scenarioFixture);
    const { sm, operator1: op, stETHAddress: stETH } = f;
    // Z: a third AVS on operator1's stETH, with a committee and the longest veto window (an operator-owned AVS could
    // be one). operator1 gives it 0.1 of its stETH magnitude.
    const [z, slasherZ, committeeZ] = [
      await fundedWallet("chain-avs-z"),
      await fundedWallet("chain-slasher-z"),
      await fundedWallet("chain-committee-z"),
    ];
    const zParams = avsParams(f, {
      slasher: slasherZ.address,
      vetoCommittee: committeeZ.address,
      vetoWindow: MAX_VETO_WINDOW,
      assets: [stETH],
    });
    await (await sm.connect(z).registerAVS("ipfs://avs-z", zParams)).wait();
    await (await sm.connect(op).registerOperatorToAVS(z.address, "0x")).wait();
    await (await sm.connect(op).modifyAllocation(z.address, stETH, WAD / 10n)).wait();
    await time.increase(ALLOCATION_DELAY);
    const world = newWorld(f);
    await world.check();

    // Bob's withdrawal of his 200 stETH is ready.
    const bobShares = await sharesOf(f, f.bob.address);
    const bobId = await world.queue(f.bob, stETH, bobShares);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await world.check();

    // X's request starts the pool's epoch at t0 and closes it; Bob's exit waits.
    const t0 = await nextTimestamp();
    const x = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
    expect(await world.completionRefused(f.bob, bobId, op.address, stETH)).to.equal(1n);
    await world.check();

    // Y joins one second before the join window closes.
    const joinUntil = t0 + JOIN_WINDOW;
    const nextEpochAt = t0 + GATE_CYCLE;
    const y = await world.requestChecked({
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: op.address,
      wadFraction: WAD / 2n,
      assets: [stETH],
      at: joinUntil - 1n,
      watched: [{ operator: op.address, avs: f.avs.address, asset: stETH }],
      untouched: othersOf(f),
    });
    // Z comes too late: refused from joinUntil on (PoolGated, naming the next epoch), whatever it would take.
    const zArgs = {
      avs: z.address,
      slasher: slasherZ,
      operator: op.address,
      wadFraction: WAD / 2n,
      assets: [stETH],
    };
    const gated = { error: "PoolGated", args: [op.address, stETH, nextEpochAt] };
    expect(await world.requestRefusedChecked({ ...zArgs, at: joinUntil })).to.deep.equal(gated);
    expect(await world.completionRefused(f.bob, bobId, op.address, stETH)).to.equal(2n);
    await world.check();

    // Y executes; X's request still holds the pool closed, and Z is still refused.
    await world.executeChecked(y.id, f.outsider, { untouched: othersOf(f) });
    expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
    expect(await world.completionRefused(f.bob, bobId, op.address, stETH)).to.equal(1n);
    expect(await world.requestRefusedChecked({ ...zArgs, at: joinUntil + 6n * 3600n })).to.deep.equal(gated);
    await world.check();

    // X's committee vetoes before X's request is executable: the pool reopens, its epoch still the one from t0.
    const reopenedAt = await nextTimestamp();
    expect(reopenedAt).to.be.lt(t0 + AVS_VETO_WINDOW);
    await (await sm.connect(f.committee).vetoSlash(x.id)).wait();
    await world.check();
    expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
    expect(reopenedAt - t0, "the closure").to.be.lt(JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW);
    // Open now, and for at least REOPEN_WINDOW: no AVS may close it again before the next epoch.
    expect(nextEpochAt - reopenedAt).to.be.gte(REOPEN_WINDOW);
    expect(await world.requestRefusedChecked(zArgs)).to.deep.equal(gated);

    // Bob leaves in the open window, at the rate Y's execution left (X's reservation is back).
    await time.setNextBlockTimestamp(nextEpochAt - 1n);
    const pool = await poolOf(f, op.address, stETH);
    expect(pool.pendingRequests).to.equal(0n);
    const worth = toAssetsDown(bobShares, pool.totalAssets, pool.totalShares);
    expect(await world.complete(f.bob, bobId, worth)).to.equal(worth);
    const yAmount = y.slashed[0].amount;
    expect(yAmount).to.equal(
      reservedAmount(
        POOL - x.slashed[0].amount,
        slashMagnitude(ALLOCATIONS.op1Avs2StETH, WAD / 2n),
        WAD,
        x.slashed[0].magnitude,
      ),
    );
    expectClose(worth, ((POOL - yAmount) * 200n * WAD) / POOL, 1n, "bob bears Y's slash only");
    await world.check();

    // From nextEpochAt, Z may request: it starts the next epoch and closes the pool again.
    await world.requestChecked({ ...zArgs, at: nextEpochAt, watched: yOf(f), untouched: othersOf(f) });
    expect(await gateAtOf(f, op.address, stETH)).to.equal(nextEpochAt);
    await world.check();
  });

  it("an operator cannot shield one pool by gating another: a two-asset request takes the pool it may and skips the gated one (its stakers untouched), reverts with the first asset's reason only when it takes none, and takes the other pool at its next epoch", async function () {
    const f = await loadFixture(scenarioFixture);
    const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
    // Z: operator1's own AVS (no committee), a quarter of its rETH.
    const [z, slasherZ] = [await fundedWallet("shield-avs-z"), await fundedWallet("shield-slasher-z")];
    await (
      await sm
        .connect(z)
        .registerAVS(
          "ipfs://avs-z",
          avs2Params(f, { slasher: slasherZ.address, recipient: ZERO, assets: [rETH] }),
        )
    ).wait();
    await (await sm.connect(op).registerOperatorToAVS(z.address, "0x")).wait();
    await (await sm.connect(op).modifyAllocation(z.address, rETH, WAD / 4n)).wait();
    await time.increase(ALLOCATION_DELAY);
    const world = newWorld(f);
    await world.check();
    const zArgs = {
      avs: z.address,
      slasher: slasherZ,
      operator: op.address,
      wadFraction: WAD / 100n,
      assets: [rETH],
    };
    const xArgs = {
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, rETH],
    };
    const others = othersOf(f);

    // Z closes the rETH pool with a dust request at t0 and leaves it pending.
    const t0 = await nextTimestamp();
    const zRequest = await world.requestChecked({
      ...zArgs,
      untouched: [...others, { operator: op.address, asset: stETH }],
    });
    await world.check();

    // Past the join window X's request takes stETH and skips rETH: rETH's stakers bear nothing of it.
    const x = await world.requestChecked({
      ...xArgs,
      at: t0 + JOIN_WINDOW,
      watched: yOf(f),
      untouched: others,
    });
    expect(x.slashed.map((a) => a.asset)).to.deep.equal([stETH]);
    await world.check();
    // Both refused now: X's open request on stETH (index 0) names the revert, before rETH's gate.
    expect(await world.requestRefusedChecked(xArgs)).to.deep.equal({
      error: "SlashRequestOpen",
      args: [f.avs.address, op.address, stETH],
    });

    // Z executes (no committee): rETH reopens within Z's epoch and takes entries again, but no new request.
    await world.executeChecked(zRequest.id, f.outsider, { untouched: others });
    await world.check();
    await world.deposit(f.alice, rETH, 5n * WAD);
    await world.check();
    expect(await world.depositRefused(f.alice, op.address, stETH, WAD)).to.equal(1n);

    // X's request executes; X's next request waits for its cooldown on stETH, and rETH's next epoch.
    await time.increaseTo(t0 + JOIN_WINDOW + AVS_VETO_WINDOW);
    await world.executeChecked(x.id, f.outsider, { watched: yOf(f), untouched: others });
    await world.check();
    const stETHNext = nextRequestAtOf(t0 + JOIN_WINDOW + AVS_VETO_WINDOW);
    expect(await world.requestRefusedChecked(xArgs)).to.deep.equal({
      error: "SlashCooldown",
      args: [f.avs.address, op.address, stETH, stETHNext],
    });
    // At t0 + GATE_CYCLE rETH starts a new epoch: X takes rETH alone (stETH still cooling down).
    expect(stETHNext).to.be.gt(t0 + GATE_CYCLE);
    expect(await world.requestRefusedChecked({ ...xArgs, at: t0 + GATE_CYCLE - 1n })).to.deep.equal({
      error: "SlashCooldown",
      args: [f.avs.address, op.address, stETH, stETHNext],
    });
    const x2 = await world.requestChecked({ ...xArgs, at: t0 + GATE_CYCLE, untouched: others });
    expect(x2.slashed.map((a) => a.asset)).to.deep.equal([rETH]);
    expect(await gateAtOf(f, op.address, rETH)).to.equal(t0 + GATE_CYCLE);
    await world.check();
  });

  it("a deposit made after a request cannot pay for it: it is refused while the request is pending (PoolSlashPending with the number of pending requests), and a deposit right after execution enters at the post-slash rate and is worth what it deposited", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { operator1: op, stETHAddress: stETH } = f;
    await world.check();
    const shares = (await poolOf(f, op.address, stETH)).totalShares;

    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    const amount = reservedAmount(POOL, slashMagnitude(ALLOCATIONS.op1AvsStETH, AVS_MAX_SLASH), WAD, 0n);
    expect(amount).to.equal(80n * WAD);

    const late = await fundedWallet("late-depositor");
    const D = 33_333_333_333_333_333_333n;
    await (await f.stETH.mint(late.address, D)).wait();
    await (await f.stETH.connect(late).approve(f.vaultAddress, D)).wait();
    // delegating with nothing to move is an entry of nothing: allowed
    await (await f.registry.connect(late).delegateTo(op.address, NO_SIGNATURE, ZERO_SALT)).wait();
    // PoolSlashPending(operator1, stETH, 1): one request pending, whatever it reserved.
    expect(await world.depositRefused(late, op.address, stETH, D)).to.equal(1n);
    expect((await poolOf(f, op.address, stETH)).pendingSlash).to.equal(amount);
    await world.check();

    await time.increase(AVS_VETO_WINDOW);
    await world.executeChecked(id, f.outsider, { watched: yOf(f), untouched: othersOf(f) });
    await world.check();

    // right after the execution: priced on the pool the slash left, (400 - 80) / shares
    const minted = await world.deposit(late, stETH, D);
    expect(minted).to.equal(toSharesDown(D, POOL - amount, shares));
    await world.check();
    const after = await poolOf(f, op.address, stETH);
    expect(after).to.deep.equal({
      totalAssets: POOL - amount + D,
      totalShares: shares + minted,
      queuedShares: 0n,
      pendingSlash: 0n,
      pendingRequests: 0n,
      fullySlashed: false,
    });
    const value = (await f.vault.position(late.address, stETH))[2];
    expect(value).to.equal(toAssetsDown(minted, after.totalAssets, after.totalShares));
    expect(value).to.be.lte(D);
    expectClose(value, D, 2n, "late depositor's position");
    // Had it paid its share of the slash, it would have lost a fifth.
    expect(value).to.be.gt((D * (POOL - amount)) / POOL + WAD);
    expectClose((await f.vault.position(f.alice.address, stETH))[2], 80n * WAD, 1n, "alice bears it");
  });

  it("a vetoed request moves nothing", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op } = f;
    await world.check();

    const snapshotState = async (): Promise<unknown> => {
      const out: unknown[] = [];
      for (const asset of [...f.assetAddresses, f.blockTokenAddress]) {
        for (const operator of [ZERO, op.address, f.operator2.address])
          out.push(await poolOf(f, operator, asset));
        const token = [...f.tokens, f.blockToken][[...f.assetAddresses, f.blockTokenAddress].indexOf(asset)];
        out.push(await token.balanceOf(f.vaultAddress), await token.balanceOf(f.smAddress));
        for (const staker of [f.alice, f.bob, f.carol, f.dave, f.erin])
          out.push([...(await f.vault.position(staker.address, asset))]);
      }
      for (const asset of [f.stETHAddress, f.rETHAddress]) {
        out.push(await magnitudesOf(f, op.address, asset));
        for (const avs of [f.avs.address, f.avs2.address]) {
          out.push(await allocationOf(f, op.address, avs, asset));
          out.push(await sm.allocatedStake(op.address, avs, asset));
        }
      }
      return out;
    };
    // maxSlashable of [X stETH, Y stETH, X rETH, Y rETH]: it also reads 0 while a request would skip the asset (X's
    // cooldown after its vetoed request, the pool's epoch closed to new requests), which moves nothing.
    const maxSlashables = async (): Promise<bigint[]> => {
      const out: bigint[] = [];
      for (const asset of [f.stETHAddress, f.rETHAddress])
        for (const avs of [f.avs.address, f.avs2.address])
          out.push(await sm.maxSlashable(op.address, avs, asset));
      return out;
    };
    const before = await snapshotState();
    const maxBefore = await maxSlashables();
    const [xSt, ySt, xR, yR] = maxBefore;
    expect([xSt, ySt, xR, yR], "X: stake * 1/2; Y: its stETH stake (100%), no rETH").to.deep.equal([
      (allocatedStakeOf(POOL, ALLOCATIONS.op1AvsStETH, WAD, 0n) * AVS_MAX_SLASH) / WAD,
      allocatedStakeOf(POOL, ALLOCATIONS.op1Avs2StETH, WAD, 0n),
      (40n * WAD * AVS_MAX_SLASH) / WAD,
      0n,
    ]);

    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [f.stETHAddress, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    expect(await snapshotState()).to.not.deep.equal(before);

    await (await sm.connect(f.committee).vetoSlash(id)).wait();
    await world.check();
    expect(await snapshotState()).to.deep.equal(before);
    // X is in its cooldown (a veto does not reset it); Y may still join the epoch X's request started.
    expect(await maxSlashables(), "after the veto").to.deep.equal([0n, ySt, 0n, yR]);
    await expect(sm.releaseSlashedFunds(id, f.stETHAddress))
      .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
      .withArgs(id, STATUS.Vetoed);
    await time.increase(AVS_VETO_WINDOW);
    await expect(sm.executeSlash(id))
      .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
      .withArgs(id, STATUS.Vetoed);
    expect(await snapshotState()).to.deep.equal(before);
    // Past the epoch's join window the pool takes no new request until GATE_CYCLE after its start: Y's reads 0 too.
    expect(await maxSlashables(), "past the join window").to.deep.equal([0n, 0n, 0n, yR]);
    const [request] = await sm.slashRequest(id);
    const gateAt = await gateAtOf(f, op.address, f.stETHAddress);
    expect(gateAt, "the epoch X's request started").to.equal(request.executableAt - AVS_VETO_WINDOW);
    await time.increaseTo(gateAt + GATE_CYCLE);
    expect(await maxSlashables(), "at the next epoch, X still cooling down").to.deep.equal([0n, ySt, 0n, yR]);
    await time.increaseTo(nextRequestAtOf(request.executableAt));
    expect(await maxSlashables(), "once X's cooldown is over: as before").to.deep.equal(maxBefore);
    expect(await snapshotState()).to.deep.equal(before);
  });

  it("a pending deallocation still bears a slash, and stops being slashable once in force", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, avs, stETHAddress: stETH } = f;
    await world.check();

    const a = ALLOCATIONS.op1AvsStETH;
    const target = WAD / 10n;
    await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
    const effectAt = (await allocationOf(f, op.address, avs.address, stETH)).effectAt;
    await world.check();
    expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
      allocatedStakeOf(POOL, a, WAD, 0n),
    );

    // Two days before the decrease is in force, X slashes the full, not yet decreased, allocation.
    await time.increaseTo(effectAt - 2n * 24n * 3600n);
    const { id, slashed } = await world.requestChecked({
      avs: avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    const s = slashMagnitude(a, AVS_MAX_SLASH);
    expect(slashed[0].magnitude).to.equal(s);
    expect(slashed[0].amount).to.equal(reservedAmount(POOL, s, WAD, 0n));
    const scaled = scaledPendingDecrease(a - target, a, s);
    expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
      current: a - s,
      pendingDelta: scaled,
      pendingIncrease: false,
      effectAt,
    });

    await time.increase(AVS_VETO_WINDOW);
    await world.executeChecked(id, f.outsider, { watched: yOf(f), untouched: othersOf(f) });
    await world.check();

    // In force: the allocation is what was left after the slash, scaled like the rest.
    await time.increaseTo(effectAt);
    await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
    const left = a - s - scaled;
    expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(left);
    expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
      lost: s,
      encumbered: ALLOCATIONS.op1Avs2StETH + left,
      reserved: 0n,
      maxMagnitude: WAD - s,
    });
    await world.check();

    // The deallocated magnitude is out of reach: the next request (once X's cooldown is over) takes only from what
    // is left.
    const [request] = await sm.slashRequest(id);
    await time.increaseTo(nextRequestAtOf(request.executableAt));
    const next = await world.requestChecked({
      avs: avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    expect(next.slashed[0].magnitude).to.equal(slashMagnitude(left, AVS_MAX_SLASH));
    await world.check();
  });

  it("a blocklisted recipient does not stop the execution nor the release of the request's other assets; the request keeps its recipient when the AVS changes it", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, blockTokenAddress: busd, stETHAddress: stETH } = f;
    // Z: no committee, maximum 1, redistributes to `recipient`, BUSD and stETH (SlashTerms 3).
    const [avs3] = (await ethers.getSigners()).slice(18, 19);
    await (
      await sm.connect(avs3).registerAVS("ipfs://avs-z", avs2Params(f, { assets: [stETH, busd] }))
    ).wait();
    await (await sm.connect(op).registerOperatorToAVS(avs3.address, "0x")).wait();
    await world.deposit(f.alice, busd, 100n * WAD);
    await world.deposit(f.bob, busd, 50n * WAD);
    await (await sm.connect(op).modifyAllocation(avs3.address, busd, WAD / 2n)).wait();
    await (await sm.connect(op).modifyAllocation(avs3.address, stETH, WAD / 10n)).wait();
    await time.increase(ALLOCATION_DELAY);
    await world.check();

    await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, true)).wait();
    const { id, slashed } = await world.requestChecked({
      avs: avs3.address,
      slasher: f.slasher2,
      operator: op.address,
      wadFraction: WAD / 2n,
      assets: [stETH, busd],
      untouched: [
        { operator: ZERO, asset: busd },
        { operator: ZERO, asset: stETH },
        { operator: f.operator2.address, asset: stETH },
      ],
    });
    expect(slashed.map((x) => x.asset)).to.deep.equal([stETH, busd]);
    expect(slashed[1].amount).to.equal(reservedAmount(150n * WAD, WAD / 4n, WAD, 0n));
    expect((await sm.slashRequest(id))[0].termsId).to.equal(3n);
    await world.check();

    // No veto committee: executable at once, whatever the recipient.
    await world.executeChecked(id, f.outsider);
    await world.check();
    await expect(sm.releaseSlashedFunds(id, busd))
      .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
      .withArgs(f.recipient.address);
    // stETH is not held back by BUSD.
    await expect(sm.releaseSlashedFunds(id, stETH)).to.changeTokenBalances(
      f.stETH,
      [f.smAddress, f.recipient.address],
      [-slashed[0].amount, slashed[0].amount],
    );
    expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.Executed);
    await world.check();

    // A new destination for slashed funds is a loosening: queued for the withdrawal delay + EXIT_BUFFER. Applied, it
    // writes SlashTerms 4; request `id` keeps terms 3 and so its recipient.
    const params = avs2Params(f, { assets: [stETH, busd], recipient: f.recipient2.address });
    const t = await nextTimestamp();
    const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;
    await expect(sm.connect(avs3).updateAVSConfig(params))
      .to.emit(sm, "AVSConfigQueued")
      .withArgs(avs3.address, expectedConfig(f, params, 3n, 0n), effectAt);
    await time.increaseTo(effectAt);
    await (await sm.connect(f.outsider).applyAVSConfig(avs3.address, params)).wait();
    expect((await sm.avsConfig(avs3.address)).termsId).to.equal(4n);
    await expect(sm.releaseSlashedFunds(id, busd))
      .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
      .withArgs(f.recipient.address);
    await world.check();

    await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, false)).wait();
    await expect(sm.releaseSlashedFunds(id, busd)).to.changeTokenBalances(
      f.blockToken,
      [f.smAddress, f.recipient.address, f.recipient2.address],
      [-slashed[1].amount, slashed[1].amount, 0n],
    );
    expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.FundsReleased);
    await world.check();
  });

  it("a request against an empty pool takes nothing and breaks no isolation: stakers who enter later are split between the AVSs as allocated", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, stETHAddress: stETH } = f;
    // operator3 allocates half of its stETH to X and half to Y while its pool is empty.
    const [operator3] = (await ethers.getSigners()).slice(18, 19);
    await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 0, ZERO)).wait();
    world.checker.addOperator(operator3.address);
    for (const avs of [f.avs, f.avs2]) {
      await (await sm.connect(operator3).registerOperatorToAVS(avs.address, "0x")).wait();
      await (await sm.connect(operator3).modifyAllocation(avs.address, stETH, WAD / 2n)).wait();
    }
    await time.increase(ALLOCATION_DELAY);
    const magsBefore = await magnitudesOf(f, operator3.address, stETH);

    // X's request would reserve magnitude for 0 tokens: refused, nothing moves, the pool stays open.
    await expect(
      sm.connect(f.slasher).requestSlash(f.avs.address, operator3.address, AVS_MAX_SLASH, ethers.id("x")),
    )
      .to.be.revertedWithCustomError(sm, "NothingToSlash")
      .withArgs(operator3.address, f.avs.address);
    expect(await magnitudesOf(f, operator3.address, stETH)).to.deep.equal(magsBefore);
    expect((await allocationOf(f, operator3.address, f.avs.address, stETH)).current).to.equal(WAD / 2n);

    const staker = await fundedWallet("late-staker");
    const D = 100n * WAD;
    await (await f.stETH.mint(staker.address, D)).wait();
    await (await f.stETH.connect(staker).approve(f.vaultAddress, D)).wait();
    await (await f.registry.connect(staker).delegateTo(operator3.address, NO_SIGNATURE, ZERO_SALT)).wait();
    await world.deposit(staker, stETH, D);
    await world.check();

    // Each AVS secures half of the 100; Y's full request takes its half and X keeps its half.
    expect(await sm.allocatedStake(operator3.address, f.avs2.address, stETH)).to.equal(50n * WAD);
    expect(await sm.allocatedStake(operator3.address, f.avs.address, stETH)).to.equal(50n * WAD);
    const y = await world.requestChecked({
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: operator3.address,
      wadFraction: WAD,
      assets: [stETH],
      watched: [{ operator: operator3.address, avs: f.avs.address, asset: stETH }],
      untouched: [
        { operator: ZERO, asset: stETH },
        { operator: f.operator1.address, asset: stETH },
      ],
    });
    expect(y.slashed[0].amount).to.equal(50n * WAD);
    await world.check();
    await world.executeChecked(y.id, f.outsider, {
      watched: [{ operator: operator3.address, avs: f.avs.address, asset: stETH }],
    });
    await world.check();
    expect(await sm.allocatedStake(operator3.address, f.avs.address, stETH)).to.equal(50n * WAD);
    const [, held, value] = await f.vault.position(staker.address, stETH);
    const pool = await poolOf(f, operator3.address, stETH);
    expect(value).to.equal(toAssetsDown(held, pool.totalAssets, pool.totalShares));
    expect(pool.totalAssets).to.equal(50n * WAD);
    expectClose(value, 50n * WAD, 1n, "the staker bore Y's half only");
  });

  it("a deposit while a request is pending cannot profit from a veto: refused; after the veto, the pool's old stakers get their full value back (nothing slashed, invariant 3 holds)", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, stETHAddress: stETH } = f;
    await world.check();
    const stakers: Array<[Signer & { address: string }, bigint]> = [
      [f.alice, 100n * WAD],
      [f.bob, 200n * WAD],
      [f.dave, DAVE_STETH],
      [f.erin, ERIN_STETH],
    ];
    const shares = (await poolOf(f, op.address, stETH)).totalShares;
    const { id, slashed } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: op.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
      watched: yOf(f),
      untouched: othersOf(f),
    });
    await world.check();
    const amount = slashed[0].amount;

    // Someone who expects the committee to veto would like to buy at (400 - 80) / shares and share the returned 80.
    const mev = await fundedWallet("veto-front-runner");
    const D = 100n * WAD;
    await (await f.stETH.mint(mev.address, D)).wait();
    await (await f.stETH.connect(mev).approve(f.vaultAddress, D)).wait();
    await (await f.registry.connect(mev).delegateTo(op.address, NO_SIGNATURE, ZERO_SALT)).wait();
    expect(await world.depositRefused(mev, op.address, stETH, D)).to.equal(1n);
    expect((await poolOf(f, op.address, stETH)).pendingSlash).to.equal(amount);
    await world.check();

    await (await sm.connect(f.committee).vetoSlash(id)).wait();
    await world.check();
    // Nothing was slashed: the pool is whole and every old staker's value is what it deposited.
    expect(await poolOf(f, op.address, stETH)).to.deep.equal({
      totalAssets: POOL,
      totalShares: shares,
      queuedShares: 0n,
      pendingSlash: 0n,
      pendingRequests: 0n,
      fullySlashed: false,
    });
    for (const [staker, deposited] of stakers) {
      const [, held, value] = await f.vault.position(staker.address, stETH);
      expect(value).to.equal(toAssetsDown(held, POOL, shares));
      expect(value, "an old staker's value after the veto").to.equal(deposited);
    }

    // After the veto the front-runner enters at the restored rate, and leaves with no more than it paid.
    const minted = await world.deposit(mev, stETH, D);
    expect(minted).to.equal(toSharesDown(D, POOL, shares));
    await world.check();
    const id2 = await world.queue(mev, stETH, minted);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const received = await world.complete(mev, id2);
    expect(received).to.equal(toAssetsDown(minted, POOL + D, shares + minted));
    expect(received, "inv 3: withdrew no more than it deposited").to.be.lte(D);
    await world.check();
  });

  it("a slasher and a 1-wei depositor cannot take half a pool: the deposit reverts PoolSlashPending; after the cancel the victim's value is intact", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, stETHAddress: stETH } = f;
    // operator3 allocates its whole stETH magnitude to Y (maximum 1e18); a victim holds its only stake.
    const [operator3] = (await ethers.getSigners()).slice(18, 19);
    await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 0, ZERO)).wait();
    world.checker.addOperator(operator3.address);
    await (await sm.connect(operator3).registerOperatorToAVS(f.avs2.address, "0x")).wait();
    const victim = await fundedWallet("victim");
    const attacker = await fundedWallet("attacker");
    const V = 100n * WAD;
    for (const [who, amount] of [
      [victim, V],
      [attacker, 1n],
    ] as const) {
      await (await f.stETH.mint(who.address, amount)).wait();
      await (await f.stETH.connect(who).approve(f.vaultAddress, amount)).wait();
      await (await f.registry.connect(who).delegateTo(operator3.address, NO_SIGNATURE, ZERO_SALT)).wait();
    }
    await world.deposit(victim, stETH, V);
    await (await sm.connect(operator3).modifyAllocation(f.avs2.address, stETH, WAD)).wait();
    await time.increase(ALLOCATION_DELAY);
    await world.check();
    const victimShares = (await poolOf(f, operator3.address, stETH)).totalShares;
    expect(victimShares).to.equal(toSharesDown(V, 0n, 0n));

    // Request the whole allocation: the pool's net value is 0 while it is pending. At that price 1 wei would buy
    // as many shares as the victim holds; the pool takes no new shares instead.
    const { id, slashed } = await world.requestChecked({
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: operator3.address,
      wadFraction: WAD,
      assets: [stETH],
      untouched: [
        { operator: ZERO, asset: stETH },
        { operator: f.operator1.address, asset: stETH },
      ],
    });
    expect(slashed[0].amount).to.equal(reservedAmount(V, WAD, WAD, 0n));
    expect(slashed[0].amount).to.equal(V);
    await world.check();
    expect(await world.depositRefused(attacker, operator3.address, stETH, 1n)).to.equal(1n);
    expect((await poolOf(f, operator3.address, stETH)).pendingSlash).to.equal(V);
    await world.check();
    await (await sm.connect(f.slasher2).cancelSlash(id)).wait();
    await world.check();

    expect((await f.vault.position(victim.address, stETH))[2], "the victim keeps its 100 stETH").to.equal(V);
    expect(await f.vault.position(attacker.address, stETH)).to.deep.equal([operator3.address, 0n, 0n]);
    // After the cancel, 1 wei buys 1 wei's worth: the attacker's deposit is worth at most what it paid.
    const minted = await world.deposit(attacker, stETH, 1n);
    expect(minted).to.equal(toSharesDown(1n, V, victimShares));
    const attackerValue = (await f.vault.position(attacker.address, stETH))[2];
    expect(attackerValue).to.equal(toAssetsDown(minted, V + 1n, victimShares + minted));
    expect(attackerValue, "inv 3: 1 wei deposited must not be worth more than 1 wei").to.be.lte(1n);
    expect((await f.vault.position(victim.address, stETH))[2]).to.be.gte(V);
    await world.check();
  });
});

describe("Slashing gas", function () {
  const STAKE = 10n * WAD;

  /** slashingManagerFixture + X without a committee, operator1 allocated, and `n` stakers of 10 stETH each. */
  async function gasFixture(
    n: number,
  ): Promise<{ f: SlashingManagerFixture; stakers: Array<Signer & { address: string }> }> {
    const f = await slashingManagerFixture();
    const { sm, stETHAddress: stETH, operator1: op } = f;
    await (
      await sm
        .connect(f.avs)
        .registerAVS("ipfs://avs-x", avs2Params(f, { slasher: f.slasher.address, recipient: ZERO }))
    ).wait();
    await (await sm.connect(op).registerOperatorToAVS(f.avs.address, "0x")).wait();
    await (await sm.connect(op).modifyAllocation(f.avs.address, stETH, WAD / 2n)).wait();
    const stakers: Array<Signer & { address: string }> = [];
    for (let i = 0; i < n; i++) {
      const staker = await fundedWallet(`gas-staker-${i}`);
      await (await f.stETH.mint(staker.address, STAKE)).wait();
      await (await f.stETH.connect(staker).approve(f.vaultAddress, STAKE)).wait();
      await (await f.registry.connect(staker).delegateTo(op.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await f.vault.connect(staker).deposit(stETH, STAKE, 0n)).wait();
      stakers.push(staker);
    }
    await time.increase(ALLOCATION_DELAY);
    return { f, stakers };
  }

  async function oneStakerFixture(): Promise<{
    f: SlashingManagerFixture;
    stakers: Array<Signer & { address: string }>;
  }> {
    return gasFixture(1);
  }

  async function fiftyStakersFixture(): Promise<{
    f: SlashingManagerFixture;
    stakers: Array<Signer & { address: string }>;
  }> {
    return gasFixture(50);
  }

  async function slashGas(
    fixture: typeof oneStakerFixture,
  ): Promise<{ request: bigint; execute: bigint; amount: bigint }> {
    const { f, stakers } = await loadFixture(fixture);
    const world = new SlashingWorld(
      f,
      stakers.map((s): [string, string, bigint] => [s.address, f.stETHAddress, STAKE]),
    );
    await world.check();
    const request = await f.sm
      .connect(f.slasher)
      .requestSlash(f.avs.address, f.operator1.address, WAD / 2n, ethers.id("e"));
    const requestReceipt = await request.wait();
    const id = await f.sm.slashRequestCount();
    const pool = BigInt(stakers.length) * STAKE;
    const amount = reservedAmount(pool, WAD / 4n, WAD, 0n);
    world.trackRequest(id, [{ operator: f.operator1.address, asset: f.stETHAddress, amount }]);
    await world.check();
    const execute = await f.sm.connect(f.outsider).executeSlash(id);
    const executeReceipt = await execute.wait();
    await world.check();
    if (requestReceipt === null || executeReceipt === null) throw new Error("no receipt");
    expect((await poolOf(f, f.operator1.address, f.stETHAddress)).totalAssets).to.equal(pool - amount);
    // Every staker lost a quarter, without being touched.
    for (const staker of [stakers[0], stakers[stakers.length - 1]]) {
      expectClose(
        (await f.vault.position(staker.address, f.stETHAddress))[2],
        (STAKE * 3n) / 4n,
        1n,
        "staker value",
      );
    }
    return { request: requestReceipt.gasUsed, execute: executeReceipt.gasUsed, amount };
  }

  it("costs the same to request and execute with 1 staker or 50 stakers in the pool (O(1))", async function () {
    const one = await slashGas(oneStakerFixture);
    const fifty = await slashGas(fiftyStakersFixture);
    expect(fifty.amount).to.equal(one.amount * 50n);
    expect(fifty.execute).to.equal(one.execute);
    expect(fifty.request).to.equal(one.request);
  });
});
