/**
 * Finding 8 (Low) of issue 9: a 100% slash left the pool closed for good with SafeCast overflows.
 *
 * The attack (a griefing one): after a 100% slash the pool had 0 assets and every share outstanding (1e6 shares per
 * wei deposited); any entry above ~1e12 wei then minted more than 2^128 shares and reverted with a SafeCast overflow,
 * and so did delegations and completions as shares into it: an opaque, permanent failure.
 *
 * The rule now (docs/slashing.md, "Fully slashed operators"): an execution that leaves maxMagnitude below
 * MIN_MAX_MAGNITUDE = 1e12 marks the pool fullySlashed. Every entry then reverts PoolFullySlashed(operator, asset) whatever
 * its size, stakers still exit with what is left, and the operator cannot allocate the asset again
 * (OperatorFullySlashed(operator, asset, maxMagnitude)). Its other assets are unaffected.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_SIGNATURE, ZERO_SALT, signPermit } from "../helpers/signatures";
import {
  EVIDENCE,
  MIN_MAX_MAGNITUDE,
  UINT128_MAX,
  VIRTUAL_SHARES,
  WAD,
  ZERO,
  allocateInForce,
  assetsFor,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  inOneBlock,
  magnitudesView,
  poolView,
  probe,
  queueWithdrawal,
  requestSlash,
  sharesFor,
  takenBy,
  worldFixture,
  type SendOverrides,
  type WorldFixture,
} from "./attackHelpersA";

const ALICE = 100n * WAD;
const BOB = 200n * WAD;
const POOL = ALICE + BOB;
const POOL_SHARES = POOL * VIRTUAL_SHARES;
const CAROL = 70n * WAD;
const DAVE = 100n * WAD;
const ERIN_RETH = 20n * WAD;

interface StakedWorld extends WorldFixture {
  /** carol's withdrawal of her 70 undelegated stETH, ready. */
  carolExit: bigint;
  carolShares: bigint;
  /** dave's withdrawal of his 100 stETH from operator2's pool, ready. */
  daveExit: bigint;
  daveShares: bigint;
}

/**
 * operator1's stETH pool: alice 100 and bob 200 (3e26 shares); alice also holds 50 rETH there. carol and dave queued
 * withdrawals (carol's 70 undelegated stETH, dave's 100 stETH from operator2) that are ready, and both then delegated
 * to operator1 (without any share left, so nothing entered). erin holds 20 undelegated rETH.
 * operator1 allocates `allocations` (in force when the fixture returns).
 */
async function stakedWorld(
  allocations: (f: WorldFixture) => Array<[string, string, bigint]>,
): Promise<StakedWorld> {
  const f = await worldFixture();
  const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
  await deposit(f, f.alice, stETH, ALICE);
  await deposit(f, f.alice, rETH, 50n * WAD);
  await deposit(f, f.bob, stETH, BOB);
  await deposit(f, f.carol, stETH, CAROL);
  await deposit(f, f.dave, stETH, DAVE);
  await deposit(f, f.erin, rETH, ERIN_RETH);
  const carol = await queueWithdrawal(f, f.carol, stETH);
  const dave = await queueWithdrawal(f, f.dave, stETH);
  await allocateInForce(f, f.operator1, allocations(f));
  await (await f.registry.connect(f.carol).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await f.registry.connect(f.dave).undelegate(f.dave.address)).wait();
  await (await f.registry.connect(f.dave).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  return { ...f, carolExit: carol.id, carolShares: carol.shares, daveExit: dave.id, daveShares: dave.shares };
}

/** Y holds 100% of operator1's stETH. */
async function fullFixture(): Promise<StakedWorld> {
  return stakedWorld((f) => [[f.avs2.address, f.stETHAddress, WAD]]);
}

/** Y holds 1e18 - 1e12 + 1 and X the 1e12 - 1 that is left: Y's 100% leaves maxMagnitude one unit under the floor. */
async function underFloorFixture(): Promise<StakedWorld> {
  return stakedWorld((f) => [
    [f.avs2.address, f.stETHAddress, WAD - MIN_MAX_MAGNITUDE + 1n],
    [f.avs.address, f.stETHAddress, MIN_MAX_MAGNITUDE - 1n],
  ]);
}

/** Y holds 1e18 - 1e12: Y's 100% leaves maxMagnitude exactly at the floor. */
async function atFloorFixture(): Promise<StakedWorld> {
  return stakedWorld((f) => [[f.avs2.address, f.stETHAddress, WAD - MIN_MAX_MAGNITUDE]]);
}

/** Y holds 100% of operator1's stETH and the pool is empty. */
async function emptyFullFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [[f.avs2.address, f.stETHAddress, WAD]]);
  return f;
}

/** Y's request for 100% of operator1, executed; returns its id. */
async function slashAll(f: WorldFixture): Promise<bigint> {
  const { id } = await requestSlash(f, f.slasher2, f.avs2.address, f.operator1.address, WAD);
  await (await f.sm.connect(f.outsider).executeSlash(id)).wait();
  return id;
}

describe("Attack: a 100% slash leaves the pool closed for good (issue 9, finding 8)", function () {
  describe("the issue's state: 0 assets, 3e26 shares", function () {
    it("a 100% slash marks the pool fully slashed (events say so) and leaves 0 assets for 3e26 shares", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const { id } = await requestSlash(f, f.slasher2, f.avs2.address, op, WAD);
      expect(await takenBy(f, id)).to.deep.equal([
        { asset: stETH, magnitude: WAD, deallocationCut: 0n, amount: POOL, released: false },
      ]);
      await expect(f.sm.executeSlash(id))
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD, POOL, 0n, true)
        .and.to.emit(f.vault, "Slashed")
        .withArgs(op, stETH, POOL, 0n, 0n, true);
      expect(await poolView(f, op, stETH)).to.deep.equal({
        totalAssets: 0n,
        totalShares: POOL_SHARES,
        queuedShares: 0n,
        pendingSlash: 0n,
        pendingRequests: 0n,
        fullySlashed: true,
      });
      expect(await magnitudesView(f, op, stETH)).to.deep.equal({
        lost: WAD,
        encumbered: 0n,
        reserved: 0n,
        maxMagnitude: 0n,
      });
    });

    it("deposits of 1 wei, of the old overflow threshold ±1 and of 100 stETH all revert PoolFullySlashed (no overflow)", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      await slashAll(f);
      // The smallest deposit whose shares no longer fit in uint128 at the old rate (3e26 + 1e6 shares per wei).
      const threshold = (UINT128_MAX - POOL_SHARES) / (POOL_SHARES + VIRTUAL_SHARES) + 1n;
      expect(threshold).to.equal(1_134_274_556_403n);
      expect(sharesFor(threshold, 0n, POOL_SHARES) + POOL_SHARES).to.be.gt(UINT128_MAX);
      const balance = await f.stETH.balanceOf(f.vaultAddress);
      for (const amount of [1n, threshold - 1n, threshold, threshold + 1n, ALICE]) {
        await expect(f.vault.connect(f.alice).deposit(stETH, amount, 0n), `deposit of ${amount}`)
          .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
          .withArgs(op, stETH);
        expect(await f.vault.previewDeposit(op, stETH, amount)).to.equal(0n);
      }
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(f.alice, f.stETH, f.vaultAddress, ALICE, deadline);
      await expect(
        f.vault.connect(f.alice).depositWithPermit(stETH, ALICE, 0n, deadline, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      expect(await f.stETH.balanceOf(f.vaultAddress), "no token moved").to.equal(balance);
      expect((await poolView(f, op, stETH)).totalShares).to.equal(POOL_SHARES);
    });

    it("a delegation that would move stETH shares in reverts PoolFullySlashed; one with rETH only goes through", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
      await slashAll(f);
      // carol's stETH is queued; she re-deposits 1 stETH undelegated after leaving operator1 for the undelegated pool.
      await (await f.registry.connect(f.carol).undelegate(f.carol.address)).wait();
      await deposit(f, f.carol, stETH, WAD);
      await expect(f.registry.connect(f.carol).delegateTo(op, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      expect(await f.vault.delegatedTo(f.carol.address)).to.equal(ZERO);
      // erin holds only rETH: operator1's rETH pool is open.
      const rPool = await poolView(f, op, rETH);
      await (await f.registry.connect(f.erin).delegateTo(op, NO_SIGNATURE, ZERO_SALT)).wait();
      expect(await f.vault.delegatedTo(f.erin.address)).to.equal(op);
      expect((await poolView(f, op, rETH)).totalAssets).to.equal(rPool.totalAssets + ERIN_RETH);
    });

    it("completions as shares into it revert PoolFullySlashed; the same withdrawals complete as tokens, in full", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      await slashAll(f);
      // From the undelegated pool (carol) and from operator2's pool (dave), both now delegated to operator1.
      for (const [who, id] of [
        [f.carol, f.carolExit],
        [f.dave, f.daveExit],
      ] as const) {
        await expect(f.vault.connect(who).completeWithdrawal(id, false, 0n))
          .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
          .withArgs(op, stETH);
      }
      // As tokens they are whole: neither pool was slashed.
      const p0 = await poolView(f, ZERO, stETH);
      const carolAssets = assetsFor(f.carolShares, p0.totalAssets, p0.totalShares);
      expect(carolAssets).to.equal(CAROL);
      await expect(
        f.vault.connect(f.carol).completeWithdrawal(f.carolExit, true, CAROL),
      ).to.changeTokenBalance(f.stETH, f.carol, CAROL);
      const p2 = await poolView(f, f.operator2.address, stETH);
      expect(assetsFor(f.daveShares, p2.totalAssets, p2.totalShares)).to.equal(DAVE);
      await expect(f.vault.connect(f.dave).completeWithdrawal(f.daveExit, true, DAVE)).to.changeTokenBalance(
        f.stETH,
        f.dave,
        DAVE,
      );
    });

    it("its stakers still exit: queue, undelegate, redelegate, and complete as tokens (0 left) or as shares elsewhere", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
      await slashAll(f);
      const aliceExit = await queueWithdrawal(f, f.alice, stETH);
      const bobIds = await f.registry.connect(f.bob).undelegate.staticCall(f.bob.address);
      await (await f.registry.connect(f.bob).undelegate(f.bob.address)).wait();
      await time.increaseTo(aliceExit.readyAt);
      // As shares back into the same (fully slashed) pool: refused with the clear error.
      await expect(f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, false, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      // As tokens: floor(1e26 * (0 + 1) / (3e26 + 1e6)) = 0, no revert, nothing moves.
      await expect(f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, 0n))
        .to.emit(f.vault, "WithdrawalCompleted")
        .withArgs(
          aliceExit.id,
          f.alice.address,
          f.alice.address,
          op,
          stETH,
          ALICE * VIRTUAL_SHARES,
          0n,
          true,
          ZERO,
          0n,
        );
      await expect(f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, 1n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalNotFound")
        .withArgs(aliceExit.id);
      // bob left with undelegate: his stETH withdrawal completes as shares into the undelegated pool (0 minted).
      expect(bobIds.length).to.equal(1);
      await expect(f.vault.connect(f.bob).completeWithdrawal(bobIds[0], false, 0n))
        .to.emit(f.vault, "WithdrawalCompleted")
        .withArgs(
          bobIds[0],
          f.bob.address,
          f.bob.address,
          op,
          stETH,
          BOB * VIRTUAL_SHARES,
          0n,
          false,
          ZERO,
          0n,
        );
      // alice redelegates to operator2 with her rETH: it queues (leaving operator1 is never instant), and completes
      // as shares in operator2's rETH pool.
      const ids = await f.registry
        .connect(f.alice)
        .redelegate.staticCall(f.operator2.address, NO_SIGNATURE, ZERO_SALT);
      await (
        await f.registry.connect(f.alice).redelegate(f.operator2.address, NO_SIGNATURE, ZERO_SALT)
      ).wait();
      const [, w] = await f.vault.withdrawal(ids[0]);
      await time.increaseTo(w.readyAt);
      const rPool = await poolView(f, op, rETH);
      const rAssets = assetsFor(w.shares, rPool.totalAssets, rPool.totalShares);
      await (await f.vault.connect(f.alice).completeWithdrawal(ids[0], false, rAssets)).wait();
      expect((await f.vault.position(f.alice.address, rETH))[1]).to.equal(sharesFor(rAssets, 0n, 0n));
      const after = await poolView(f, op, stETH);
      expect([after.totalAssets, after.totalShares, after.queuedShares]).to.deep.equal([0n, 0n, 0n]);
    });

    it("the operator cannot allocate the asset again (OperatorFullySlashed); its rETH is unaffected", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
      await slashAll(f);
      for (const [avs, magnitude] of [
        [f.avs.address, 1n],
        [f.avs2.address, 1n],
        [f.zAvs.address, WAD],
      ] as const) {
        await expect(f.sm.connect(f.operator1).modifyAllocation(avs, stETH, magnitude))
          .to.be.revertedWithCustomError(f.sm, "OperatorFullySlashed")
          .withArgs(op, stETH, 0n);
      }
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs.address, rETH, WAD)).to.emit(
        f.sm,
        "AllocationUpdated",
      );
      await deposit(f, f.alice, rETH, WAD);
      expect((await poolView(f, op, rETH)).fullySlashed).to.equal(false);
    });
  });

  describe("the fix at the edges", function () {
    it("maxMagnitude exactly 1e12: not fully slashed; 100 stETH enter without overflow and 1e12 can be allocated", async function () {
      const f = await loadFixture(atFloorFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const { id } = await requestSlash(f, f.slasher2, f.avs2.address, op, WAD);
      // amount = 300e18 * (1e18 - 1e12) / 1e18 = 300e18 - 3e14.
      const left = POOL - (POOL * (WAD - MIN_MAX_MAGNITUDE)) / WAD;
      expect(left).to.equal(300_000_000_000_000n);
      await expect(f.sm.executeSlash(id))
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD - MIN_MAX_MAGNITUDE, POOL - left, MIN_MAX_MAGNITUDE, false);
      const before = await poolView(f, op, stETH);
      expect([before.totalAssets, before.fullySlashed]).to.deep.equal([left, false]);
      await deposit(f, f.alice, stETH, ALICE);
      const after = await poolView(f, op, stETH);
      expect(after.totalShares - before.totalShares).to.equal(sharesFor(ALICE, left, POOL_SHARES));
      expect(after.totalShares).to.be.lt(UINT128_MAX);
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, MIN_MAX_MAGNITUDE + 1n))
        .to.be.revertedWithCustomError(f.sm, "InsufficientMagnitude")
        .withArgs(MIN_MAX_MAGNITUDE, MIN_MAX_MAGNITUDE + 1n);
      await expect(
        f.sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, MIN_MAX_MAGNITUDE),
      ).to.emit(f.sm, "AllocationUpdated");
    });

    it("maxMagnitude 1e12 - 1: fully slashed; what is left (3e14 - 300 wei) is paid out exactly, entries refused", async function () {
      const f = await loadFixture(underFloorFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const { id } = await requestSlash(f, f.slasher2, f.avs2.address, op, WAD);
      const amount = (POOL * (WAD - MIN_MAX_MAGNITUDE + 1n)) / WAD;
      const left = POOL - amount;
      expect(left).to.equal(299_999_999_999_700n);
      await expect(f.sm.executeSlash(id))
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD - MIN_MAX_MAGNITUDE + 1n, amount, MIN_MAX_MAGNITUDE - 1n, true);
      await expect(f.vault.connect(f.alice).deposit(stETH, 1n, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      // X's 1e12 - 1 is now all of the operator's magnitude: X's stake is what is left. The operator may decrease it
      // (not increase anything).
      expect(await f.sm.allocatedStake(op, f.avs.address, stETH)).to.equal(left);
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs2.address, stETH, 1n))
        .to.be.revertedWithCustomError(f.sm, "OperatorFullySlashed")
        .withArgs(op, stETH, MIN_MAX_MAGNITUDE - 1n);
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs.address, stETH, 0n)).to.emit(
        f.sm,
        "AllocationUpdated",
      );

      // alice and bob leave with exactly their share of what is left, bounded by minAssets.
      const aliceOut = assetsFor(ALICE * VIRTUAL_SHARES, left, POOL_SHARES);
      const aliceExit = await queueWithdrawal(f, f.alice, stETH);
      const [bobId] = await f.registry.connect(f.bob).undelegate.staticCall(f.bob.address);
      await (await f.registry.connect(f.bob).undelegate(f.bob.address)).wait();
      await time.increaseTo(aliceExit.readyAt + 1n);
      await expect(f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, aliceOut + 1n))
        .to.be.revertedWithCustomError(f.vault, "AssetsBelowMinimum")
        .withArgs(aliceOut, aliceOut + 1n);
      await expect(
        f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, aliceOut),
      ).to.changeTokenBalance(f.stETH, f.alice, aliceOut);
      const p = await poolView(f, op, stETH);
      const bobOut = assetsFor(BOB * VIRTUAL_SHARES, p.totalAssets, p.totalShares);
      await expect(f.vault.connect(f.bob).completeWithdrawal(bobId, true, bobOut)).to.changeTokenBalance(
        f.stETH,
        f.bob,
        bobOut,
      );
      expect([aliceOut, bobOut]).to.deep.equal([99_999_999_999_900n, 199_999_999_999_800n]);
      expect((await poolView(f, op, stETH)).totalAssets, "everything left was paid out").to.equal(0n);
    });

    it("a 1-wei pool slashed 100% is fully slashed; an empty pool cannot be (NothingToSlash) and stays open", async function () {
      const f = await loadFixture(emptyFullFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      await expect(f.sm.connect(f.slasher2).requestSlash(f.avs2.address, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, f.avs2.address);
      expect((await poolView(f, op, stETH)).fullySlashed).to.equal(false);
      await deposit(f, f.operator1, stETH, 1n);
      const id = await slashAll(f);
      expect((await takenBy(f, id)).map((t) => t.amount)).to.deep.equal([1n]);
      expect(await poolView(f, op, stETH)).to.deep.equal({
        totalAssets: 0n,
        totalShares: VIRTUAL_SHARES,
        queuedShares: 0n,
        pendingSlash: 0n,
        pendingRequests: 0n,
        fullySlashed: true,
      });
      await expect(f.vault.connect(f.alice).deposit(stETH, ALICE, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
    });

    it("crossing the floor while another request is pending: entries refused for good, exits wait for the request", async function () {
      const f = await loadFixture(underFloorFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const x = await requestSlash(f, f.slasher, f.avs.address, op, WAD);
      const xAmount = (POOL * (MIN_MAX_MAGNITUDE - 1n)) / WAD;
      expect((await takenBy(f, x.id)).map((t) => t.amount)).to.deep.equal([xAmount]);
      const aliceExit = await queueWithdrawal(f, f.alice, stETH);
      const id = await slashAll(f);
      // Y took all of the net assets its (whole free) magnitude stood for.
      expect((await takenBy(f, id)).map((t) => t.amount)).to.deep.equal([POOL - xAmount]);
      const p = await poolView(f, op, stETH);
      expect([p.totalAssets, p.pendingSlash, p.pendingRequests, p.fullySlashed]).to.deep.equal([
        xAmount,
        xAmount,
        1n,
        true,
      ]);
      // An entry meets the permanent error first; an exit waits for X's request.
      await expect(f.vault.connect(f.bob).deposit(stETH, 1n, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      await time.increaseTo(aliceExit.readyAt);
      await expect(f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      // X's request expired unexecuted (its window ended days ago): anyone cancels it, and the exit pays alice her
      // third of what X had reserved.
      const [request] = await f.sm.slashRequest(x.id);
      expect(BigInt(await time.latest())).to.be.gte(request.executableAt + 86_400n);
      await (await f.sm.connect(f.outsider).cancelSlash(x.id)).wait();
      const out = assetsFor(ALICE * VIRTUAL_SHARES, xAmount, POOL_SHARES);
      await expect(
        f.vault.connect(f.alice).completeWithdrawal(aliceExit.id, true, out),
      ).to.changeTokenBalance(f.stETH, f.alice, out);
      await expect(f.vault.connect(f.bob).deposit(stETH, 1n, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
    });

    it("in one block: the 100% execution, then a deposit and a delegation (both PoolFullySlashed); before it, PoolSlashPending", async function () {
      const f = await loadFixture(fullFixture);
      const op = f.operator1.address;
      const stETH = f.stETHAddress;
      const { id } = await requestSlash(f, f.slasher2, f.avs2.address, op, WAD);
      // erin (undelegated) holds stETH and rETH: delegating would move both into operator1's pools.
      await deposit(f, f.erin, stETH, WAD);
      const execute = () => (o: SendOverrides) => f.sm.executeSlash(id, o);
      await probe(async () => {
        const { receipts } = await inOneBlock([
          execute(),
          (o) => f.vault.connect(f.alice).deposit(stETH, 1n, 0n, o),
          (o) => f.registry.connect(f.erin).delegateTo(op, NO_SIGNATURE, ZERO_SALT, o),
        ]);
        expectMinedOk(receipts[0], "the execution");
        await expectMinedRevert(receipts[1], f.vault, "PoolFullySlashed", [op, stETH]);
        await expectMinedRevert(receipts[2], f.vault, "PoolFullySlashed", [op, stETH]);
      });
      await probe(async () => {
        const { receipts } = await inOneBlock([
          (o) => f.vault.connect(f.alice).deposit(stETH, 1n, 0n, o),
          execute(),
          (o) => f.vault.connect(f.bob).deposit(stETH, 1n, 0n, o),
        ]);
        await expectMinedRevert(receipts[0], f.vault, "PoolSlashPending", [op, stETH, 1n]);
        expectMinedOk(receipts[1], "the execution");
        await expectMinedRevert(receipts[2], f.vault, "PoolFullySlashed", [op, stETH]);
      });
    });
  });
});
