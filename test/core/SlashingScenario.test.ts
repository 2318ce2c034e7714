/**
 * End-to-end slashing scenarios. After every step a SlashingWorld checks the DESIGN.md invariants:
 *   1 solvency, 2 shares, 3 no value from nothing (InvariantChecker), 6 queued withdrawals priced net of pending
 *   slashes, and the escrow; every request and execution also checks 4 (bounded, and the undelegated pool and other
 *   operators' pools untouched) and 5 (isolation of the other AVS's allocated stake, within 1 wei per 1e18).
 * Expected values come from the BigInt model (test/helpers/slashingFixtures.ts) and share math (sharesMath.ts).
 *
 * While a request is pending, its pool takes no new shares: entering at the net price and then sharing a veto's
 * returned value would pay the entrant for a risk it never bore (a slasher could request, deposit 1 wei and cancel to
 * take half a pool). Deposits, delegations and completions as shares into it revert PoolSlashPending with the model's
 * pending amount; exits stay open and are priced net of it; once the request is executed, vetoed or cancelled,
 * entries work again at the resolved rate. The scenarios make their deposits before a request or after its
 * resolution, and expect the refusal in an explicit step in between.
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
  ALLOCATIONS,
  AVS_MAX_SLASH,
  AVS_VETO_WINDOW,
  DEFAULT_ALLOCATION_DELAY,
  OP1_STETH,
  STATUS,
  ZERO,
  allocatedStakeOf,
  allocationOf,
  avs2Params,
  expectedConfig,
  fundedWallet,
  magnitudesOf,
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

    // Y can still take all of its allocated stake, and that leaves X's remaining stake whole.
    const xStake = await sm.allocatedStake(op.address, f.avs.address, stETH);
    expect(xStake).to.equal(allocatedStakeOf(POOL - amount, ALLOCATIONS.op1AvsStETH - s, WAD - s, 0n));
    const y = await world.requestChecked({
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: op.address,
      wadFraction: WAD,
      assets: [stETH],
      watched: [{ operator: op.address, avs: f.avs.address, asset: stETH }],
      untouched: othersOf(f),
    });
    expect(y.slashed[0].amount).to.equal(yStake);
    await world.check();
    await world.executeChecked(y.id, f.outsider, {
      watched: [{ operator: op.address, avs: f.avs.address, asset: stETH }],
      untouched: othersOf(f),
    });
    await world.check();
    expect(await sm.allocatedStake(op.address, f.avs.address, stETH)).to.equal(xStake);
  });

  it("a withdrawal queued right after a request bears it, and one completing during the veto window pays net of it", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { operator1: op, stETHAddress: stETH } = f;
    await world.check();

    // Dave queues everything a week before the request would be executable; he completes inside the veto window.
    const daveId = await world.queue(f.dave, stETH, await sharesOf(f, f.dave.address));
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

    // Erin queues right after the request: her shares stay in the pool and keep bearing it.
    const erinShares = await sharesOf(f, f.erin.address);
    const erinId = await world.queue(f.erin, stETH, erinShares);
    await world.check();
    await world.checker.assertNotCompletableBeforeDelay(erinId, f.erin);

    // Dave completes one hour later, still inside the veto window: paid on (400 - 80) / shares.
    await time.increase(3600n);
    const [, daveW] = await f.vault.withdrawal(daveId);
    const before = await poolOf(f, op.address, stETH);
    expect(before.pendingSlash).to.equal(amount);
    const davePaid = await world.complete(f.dave, daveId);
    expect(davePaid).to.equal(toAssetsDown(daveW.shares, before.totalAssets - amount, before.totalShares));
    expectClose(davePaid, (DAVE_STETH * 4n) / 5n, 1n, "dave's payout");
    expect((await f.sm.slashRequest(id))[0].status).to.equal(STATUS.Pending);
    await world.check();

    // The request still takes exactly its amount from what is left.
    await time.increase(AVS_VETO_WINDOW);
    await world.executeChecked(id, f.outsider, { watched: yOf(f), untouched: othersOf(f) });
    await world.check();

    const [, erinW] = await f.vault.withdrawal(erinId);
    const readyAt = erinW.startTime + DEFAULT_WITHDRAWAL_DELAY;
    await time.increaseTo(readyAt);
    const p = await poolOf(f, op.address, stETH);
    expect(p.pendingSlash).to.equal(0n);
    const erinPaid = await world.complete(f.erin, erinId);
    expect(erinPaid).to.equal(toAssetsDown(erinShares, p.totalAssets, p.totalShares));
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

  it("a deposit made after a request cannot pay for it: it is refused while the request is pending (PoolSlashPending with the exact pending amount), and a deposit right after execution enters at the post-slash rate and is worth what it deposited", async function () {
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
    expect(await world.depositRefused(late, op.address, stETH, D)).to.equal(amount);
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
          out.push(
            await sm.allocatedStake(op.address, avs, asset),
            await sm.maxSlashable(op.address, avs, asset),
          );
        }
      }
      return out;
    };
    const before = await snapshotState();

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
    await expect(sm.releaseSlashedFunds(id))
      .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
      .withArgs(id, STATUS.Vetoed);
    await time.increase(AVS_VETO_WINDOW);
    await expect(sm.executeSlash(id))
      .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
      .withArgs(id, STATUS.Vetoed);
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

    // The deallocated magnitude is out of reach: the next request takes only from what is left.
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

  it("a blocklisted recipient does not stop the execution; a new recipient, queued for the withdrawal delay and then applied, releases the escrow", async function () {
    const f = await loadFixture(scenarioFixture);
    const world = newWorld(f);
    const { sm, operator1: op, blockTokenAddress: busd } = f;
    const [avs3] = (await ethers.getSigners()).slice(18, 19);
    await (await sm.connect(avs3).registerAVS("ipfs://avs-z", avs2Params(f, { assets: [busd] }))).wait();
    await (await sm.connect(op).registerOperatorToAVS(avs3.address, "0x")).wait();
    await world.deposit(f.alice, busd, 100n * WAD);
    await world.deposit(f.bob, busd, 50n * WAD);
    await (await sm.connect(op).modifyAllocation(avs3.address, busd, WAD / 2n)).wait();
    await time.increase(DEFAULT_ALLOCATION_DELAY);
    await world.check();

    await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, true)).wait();
    const { id, slashed } = await world.requestChecked({
      avs: avs3.address,
      slasher: f.slasher2,
      operator: op.address,
      wadFraction: WAD / 2n,
      assets: [busd],
      untouched: [
        { operator: ZERO, asset: busd },
        { operator: op.address, asset: f.stETHAddress },
      ],
    });
    expect(slashed[0].amount).to.equal(reservedAmount(150n * WAD, WAD / 4n, WAD, 0n));
    await world.check();

    // No veto committee: executable at once, whatever the recipient.
    await world.executeChecked(id, f.outsider);
    await world.check();
    await expect(sm.releaseSlashedFunds(id))
      .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
      .withArgs(f.recipient.address);
    expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.Executed);
    await world.check();

    // A new destination for slashed funds is a loosening: queued for the vault's withdrawal delay.
    const params = avs2Params(f, { assets: [busd], recipient: f.recipient2.address });
    const t = await nextTimestamp();
    await expect(sm.connect(avs3).updateAVSConfig(params))
      .to.emit(sm, "AVSConfigQueued")
      .withArgs(avs3.address, expectedConfig(f, params, 3n), t + DEFAULT_WITHDRAWAL_DELAY);
    await expect(sm.releaseSlashedFunds(id))
      .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
      .withArgs(f.recipient.address);
    await world.check();

    await time.increaseTo(t + DEFAULT_WITHDRAWAL_DELAY);
    await (await sm.connect(f.outsider).applyAVSConfig(avs3.address)).wait();
    await expect(sm.releaseSlashedFunds(id)).to.changeTokenBalances(
      f.blockToken,
      [f.smAddress, f.recipient2.address],
      [-slashed[0].amount, slashed[0].amount],
    );
    expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.FundsReleased);
    await world.check();
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
    expect(await world.depositRefused(mev, op.address, stETH, D)).to.equal(amount);
    await world.check();

    await (await sm.connect(f.committee).vetoSlash(id)).wait();
    await world.check();
    // Nothing was slashed: the pool is whole and every old staker's value is what it deposited.
    expect(await poolOf(f, op.address, stETH)).to.deep.equal({
      totalAssets: POOL,
      totalShares: shares,
      queuedShares: 0n,
      pendingSlash: 0n,
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
    await time.increase(DEFAULT_ALLOCATION_DELAY);
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
    expect(await world.depositRefused(attacker, operator3.address, stETH, 1n)).to.equal(V);
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
    await time.increase(DEFAULT_ALLOCATION_DELAY);
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
