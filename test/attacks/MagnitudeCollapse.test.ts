/**
 * Finding 1 (High) of issue 9: magnitude collapse makes an allocation unslashable.
 *
 * The attack: an operator registers its own AVS Z (no committee, 100% maximum), allocates 1e18 - 1 of its stETH
 * magnitude to Z and 1 to a real AVS Y, then slashes itself 100% through Z while its pool is empty (so it costs
 * nothing). maxMagnitude becomes 1; once stakers deposit 300 stETH the views report the whole pool as Y's stake, yet
 * every request by Y rounded s = f * 1 down to 0 and reverted NothingToSlash.
 *
 * The rules that close it (docs/slashing.md, "Rounding against the operator" and "Fully slashed operators"): s rounds
 * up; no magnitude moves without tokens; below maxMagnitude 1e12 the operator is fully slashed in the asset. The
 * property checked in every state reached below: a request for f takes at least f * allocatedStake - 1 wei per asset of
 * what the views reported just before, never more than allocatedStake, and exactly allocatedStake at 100%.
 */
import { expect } from "chai";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Prng } from "../helpers/prng";
import {
  ALLOCATION_DELAY,
  MIN_MAX_MAGNITUDE,
  GATE_CYCLE,
  JOIN_WINDOW,
  WAD,
  allocateInForce,
  allocationView,
  checkedRequest,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  inOneBlock,
  gateView,
  magnitudesView,
  minedAt,
  poolView,
  probe,
  requestSlash,
  securedStake,
  sharesFor,
  takenBy,
  worldFixture,
  EVIDENCE,
  yParams,
  type CheckedRequest,
  type Taken,
  type SendOverrides,
  type WorldFixture,
} from "./attackHelpersA";

const STAKE_ALICE = 100n * WAD;
const STAKE_BOB = 200n * WAD;
const POOL = STAKE_ALICE + STAKE_BOB;

/** The allocations: 1e18 - 1 of stETH to Z, 1 to Y, in force, with an empty pool. */
async function collapseFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [
    [f.zAvs.address, f.stETHAddress, WAD - 1n],
    [f.avs2.address, f.stETHAddress, 1n],
  ]);
  return f;
}

/** Y holds 1 magnitude unit of stETH and 1e18 - 1 of rETH; Z holds the rest of each; pools empty. */
async function extremesFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [
    [f.zAvs.address, f.stETHAddress, WAD - 1n],
    [f.avs2.address, f.stETHAddress, 1n],
    [f.zAvs.address, f.rETHAddress, 1n],
    [f.avs2.address, f.rETHAddress, WAD - 1n],
  ]);
  return f;
}

/** Z's self-slash of 100% stops exactly at the floor: Z holds 1e18 - 1e12, Y 1 unit. */
async function floorFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [
    [f.zAvs.address, f.stETHAddress, WAD - MIN_MAX_MAGNITUDE],
    [f.avs2.address, f.stETHAddress, 1n],
  ]);
  return f;
}

/** Z's self-slash of 100% stops one unit under the floor: Z holds 1e18 - 1e12 + 1, Y 1 unit. */
async function underFloorFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [
    [f.zAvs.address, f.stETHAddress, WAD - MIN_MAX_MAGNITUDE + 1n],
    [f.avs2.address, f.stETHAddress, 1n],
  ]);
  return f;
}

/** Y's request for `wadFraction` of operator1, checked against the model and the views, then rolled back. */
function probeY(f: WorldFixture, wadFraction: bigint, assets: string[] = [f.stETHAddress, f.rETHAddress]) {
  return probe(() =>
    checkedRequest(f, {
      slasher: f.slasher2,
      avs: f.avs2.address,
      operator: f.operator1.address,
      wadFraction,
      assets,
    }),
  );
}

/**
 * probeY where the epoch pool gate may skip a pool: from JOIN_WINDOW after a self-slash started the pool's epoch until
 * GATE_CYCLE after it, the pool takes no request (PoolGated, exactly, with nextEpochAt). Y's request takes the other
 * pools; Y asks again at the latest nextEpochAt of the pools it could not take (its taken pools are then skipped for
 * its own pending request, SlashRequestOpen), with the views read again, until every pool was taken or found worth 0.
 * Returns the first request (its `taken` = everything Y's requests took), its last time and how many skips by the gate.
 */
function probeYOpen(
  f: WorldFixture,
  wadFraction: bigint,
  assets: string[] = [f.stETHAddress, f.rETHAddress],
): Promise<CheckedRequest & { refused: number }> {
  return probe(async () => {
    let refused = 0;
    let at: bigint | undefined;
    let first: CheckedRequest | null = null;
    const taken: Taken[] = [];
    for (;;) {
      const r = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: f.avs2.address,
        operator: f.operator1.address,
        wadFraction,
        assets,
        at,
      });
      first ??= r;
      taken.push(...r.taken);
      const gated = r.skipped.filter((x) => x.refusal.name === "PoolGated");
      for (const x of r.skipped)
        if (x.refusal.name !== "PoolGated")
          expect(
            [x.refusal.name, taken.some((t) => t.asset === x.asset)],
            "the only other skip: a pool Y's own earlier request of this probe took",
          ).to.deep.equal(["SlashRequestOpen", true]);
      if (gated.length === 0) return { ...first, taken, at: r.at, refused };
      expect(refused, "one skip per gated pool at most").to.be.lt(assets.length);
      refused += gated.length;
      at = gated.map((x) => x.refusal.args[2] as bigint).reduce((m, x) => (x > m ? x : m), 0n);
    }
  });
}

describe("Attack: magnitude collapse makes an allocation unslashable (issue 9, finding 1)", function () {
  describe("the issue's attack against the new code", function () {
    it("the free self-slash of the empty pool moves nothing: NothingToSlash, magnitudes and allocations untouched", async function () {
      const f = await loadFixture(collapseFixture);
      const op = f.operator1.address;
      const magsBefore = await magnitudesView(f, op, f.stETHAddress);
      const zBefore = await allocationView(f, op, f.zAvs.address, f.stETHAddress);
      const yBefore = await allocationView(f, op, f.avs2.address, f.stETHAddress);
      expect(magsBefore).to.deep.equal({ lost: 0n, encumbered: WAD, reserved: 0n, maxMagnitude: WAD });

      await expect(f.sm.connect(f.zAvs).requestSlash(f.zAvs.address, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, f.zAvs.address);

      expect(await f.sm.slashRequestCount(), "no request recorded").to.equal(0n);
      expect(await magnitudesView(f, op, f.stETHAddress), "maxMagnitude stays 1e18").to.deep.equal(
        magsBefore,
      );
      expect(await allocationView(f, op, f.zAvs.address, f.stETHAddress)).to.deep.equal(zBefore);
      expect(await allocationView(f, op, f.avs2.address, f.stETHAddress)).to.deep.equal(yBefore);
      expect(zBefore.current).to.equal(WAD - 1n);
      expect(yBefore.current).to.equal(1n);
      const pool = await poolView(f, op, f.stETHAddress);
      expect([pool.totalAssets, pool.pendingRequests, pool.fullySlashed]).to.deep.equal([0n, 0n, false]);
    });

    it("after 300 stETH arrive, Y's views report 300 wei (its one unit), and Y's request takes exactly that", async function () {
      const f = await loadFixture(collapseFixture);
      const op = f.operator1.address;
      const [stETH, Y] = [f.stETHAddress, f.avs2.address];
      await expect(
        f.sm.connect(f.zAvs).requestSlash(f.zAvs.address, op, WAD, EVIDENCE),
      ).to.be.revertedWithCustomError(f.sm, "NothingToSlash");
      await deposit(f, f.alice, stETH, STAKE_ALICE);
      await deposit(f, f.bob, stETH, STAKE_BOB);

      // Before the fix the views reported the whole 300e18 as Y's (maxMagnitude had collapsed to 1).
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(300n);
      expect(await securedStake(f.sm, Y, stETH, [op])).to.equal(300n);
      expect(await f.sm.maxSlashable(op, Y, stETH)).to.equal(300n);
      expect(await f.sm.allocatedStake(op, f.zAvs.address, stETH)).to.equal(POOL - 300n);

      // Y asks for half: s = ceil(1 * 0.5) = 1 unit, worth floor(300e18 * 1 / 1e18) = 300 wei (>= 150).
      const { id } = await requestSlash(f, f.slasher2, Y, op, WAD / 2n);
      expect(await takenBy(f, id)).to.deep.equal([
        { asset: stETH, magnitude: 1n, deallocationCut: 0n, amount: 300n, released: false },
      ]);
      await (await f.sm.connect(f.outsider).executeSlash(id)).wait();

      // What the attacker is left with: nothing gained. Y took what the views promised; the operator's own AVS Z still
      // holds 1e18 - 1 of a 300-stETH pool that its stakers saw allocated (14 days 7 hours' notice: the allocation delay) before
      // depositing.
      expect(await f.sm.allocationDelay()).to.equal(ALLOCATION_DELAY);
      expect(await magnitudesView(f, op, stETH)).to.deep.equal({
        lost: 1n,
        encumbered: WAD - 1n,
        reserved: 0n,
        maxMagnitude: WAD - 1n,
      });
      const pool = await poolView(f, op, stETH);
      expect(pool.totalAssets).to.equal(POOL - 300n);
      expect(pool.fullySlashed).to.equal(false);
      expect((await f.vault.position(f.alice.address, stETH))[2]).to.equal(99_999_999_999_999_999_900n);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(0n);
      expect(await f.stETH.balanceOf(f.smAddress), "escrow holds Y's take").to.equal(300n);
    });

    it("through a 1-wei pool the self-slash still moves nothing; through a 2-wei pool it costs a wei and closes the pool for good", async function () {
      const f = await loadFixture(collapseFixture);
      const op = f.operator1.address;
      const [stETH, Z, Y] = [f.stETHAddress, f.zAvs.address, f.avs2.address];
      await deposit(f, f.operator1, stETH, 1n);
      // floor(1 * (1e18 - 1) / 1e18) = 0 tokens: skipped.
      await expect(f.sm.connect(f.zAvs).requestSlash(Z, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, Z);
      expect((await magnitudesView(f, op, stETH)).maxMagnitude).to.equal(WAD);

      await deposit(f, f.operator1, stETH, 1n);
      const { id } = await requestSlash(f, f.zAvs, Z, op, WAD);
      expect(await takenBy(f, id)).to.deep.equal([
        { asset: stETH, magnitude: WAD - 1n, deallocationCut: 0n, amount: 1n, released: false },
      ]);
      const execution = f.sm.executeSlash(id);
      await expect(execution)
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD - 1n, 1n, 1n, true)
        .and.to.emit(f.vault, "Slashed")
        .withArgs(op, stETH, 1n, 1n, 0n, true);

      // maxMagnitude 1 < 1e12: fully slashed. The 300 stETH the attack needed can no longer come in.
      expect((await magnitudesView(f, op, stETH)).maxMagnitude).to.equal(1n);
      await expect(f.vault.connect(f.alice).deposit(stETH, STAKE_ALICE, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      expect(await f.vault.previewDeposit(op, stETH, STAKE_ALICE)).to.equal(0n);
      await expect(f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 2n))
        .to.be.revertedWithCustomError(f.sm, "OperatorFullySlashed")
        .withArgs(op, stETH, 1n);

      // Y's views report the 1 wei that is left, and any fraction takes it (s = ceil(f * 1) = 1 = free magnitude):
      // Y joins the epoch Z's request started until its JOIN_WINDOW ends (the pool reopened by the execution), is
      // gated from then (PoolGated, exactly) and gets in again at the next epoch, GATE_CYCLE after Z's request.
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(1n);
      const gate = await gateView(f, op, stETH);
      const epoch = gate.gateAt;
      expect(epoch, "the epoch started at Z's request, one block before its execution").to.equal(
        (await minedAt(await execution)) - 1n,
      );
      expect(gate.reserved, "reopened by the execution").to.equal(0n);
      await probe(async () => {
        await time.setNextBlockTimestamp(epoch + JOIN_WINDOW);
        await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE))
          .to.be.revertedWithCustomError(f.sm, "PoolGated")
          .withArgs(op, stETH, epoch + GATE_CYCLE);
      });
      for (const at of [epoch + JOIN_WINDOW - 1n, epoch + GATE_CYCLE]) {
        for (const wadFraction of [1n, WAD / 2n, WAD - 1n, WAD]) {
          const r = await probe(() =>
            checkedRequest(f, {
              slasher: f.slasher2,
              avs: Y,
              operator: op,
              wadFraction,
              assets: [stETH],
              at,
            }),
          );
          expect(
            r.taken.map((t) => [t.magnitude, t.amount]),
            `f = ${wadFraction} at ${at}`,
          ).to.deep.equal([[1n, 1n]]);
        }
      }
      await time.setNextBlockTimestamp(epoch + JOIN_WINDOW);
      await mine();
      for (const wadFraction of [1n, WAD / 2n, WAD - 1n, WAD]) {
        const r = await probeYOpen(f, wadFraction, [stETH]);
        expect(r.refused, "gated once, until the next epoch").to.equal(1);
        expect(r.at).to.equal(epoch + GATE_CYCLE);
        expect(
          r.taken.map((t) => [t.magnitude, t.amount]),
          `f = ${wadFraction}`,
        ).to.deep.equal([[1n, 1n]]);
      }
    });

    it("stopping exactly at the floor (maxMagnitude = 1e12) leaves Y one unit worth net / 1e12, which any request takes", async function () {
      const f = await loadFixture(floorFixture);
      const op = f.operator1.address;
      const [stETH, Z, Y] = [f.stETHAddress, f.zAvs.address, f.avs2.address];
      await deposit(f, f.operator1, stETH, 2n);
      const { id } = await requestSlash(f, f.zAvs, Z, op, WAD);
      expect(await takenBy(f, id)).to.deep.equal([
        {
          asset: stETH,
          magnitude: WAD - MIN_MAX_MAGNITUDE,
          deallocationCut: 0n,
          amount: 1n,
          released: false,
        },
      ]);
      await expect(f.sm.executeSlash(id))
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD - MIN_MAX_MAGNITUDE, 1n, MIN_MAX_MAGNITUDE, false);
      expect((await poolView(f, op, stETH)).fullySlashed).to.equal(false);

      // Entries are open at the floor; the share price (2e6 shares for 1 wei) mints without overflow.
      const before = await poolView(f, op, stETH);
      await deposit(f, f.alice, stETH, STAKE_ALICE);
      const afterAlice = await poolView(f, op, stETH);
      expect(afterAlice.totalShares - before.totalShares).to.equal(
        sharesFor(STAKE_ALICE, 1n, 2n * 10n ** 6n),
      );
      await deposit(f, f.bob, stETH, STAKE_BOB);
      expect((await poolView(f, op, stETH)).totalAssets).to.equal(POOL + 1n);

      // Y's stake: floor((300e18 + 1) * 1 / 1e12) = 300,000,000 wei, and every fraction takes all of it.
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(300_000_000n);
      expect(await securedStake(f.sm, Y, stETH, [op])).to.equal(300_000_000n);
      for (const wadFraction of [1n, WAD / 3n, WAD - 1n, WAD]) {
        const r = await probeYOpen(f, wadFraction, [stETH]);
        expect(
          r.taken.map((t) => [t.magnitude, t.amount]),
          `f = ${wadFraction}`,
        ).to.deep.equal([[1n, 300_000_000n]]);
      }
      // The operator may still allocate what is free (the floor is not crossed).
      await expect(f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 2n)).to.emit(
        f.sm,
        "AllocationUpdated",
      );
    });

    it("stopping one unit under the floor (maxMagnitude = 1e12 - 1) marks the operator fully slashed", async function () {
      const f = await loadFixture(underFloorFixture);
      const op = f.operator1.address;
      const [stETH, Z, Y] = [f.stETHAddress, f.zAvs.address, f.avs2.address];
      await deposit(f, f.operator1, stETH, 2n);
      const { id } = await requestSlash(f, f.zAvs, Z, op, WAD);
      await expect(f.sm.executeSlash(id))
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(id, stETH, WAD - MIN_MAX_MAGNITUDE + 1n, 1n, MIN_MAX_MAGNITUDE - 1n, true);
      expect((await poolView(f, op, stETH)).fullySlashed).to.equal(true);
      await expect(f.vault.connect(f.alice).deposit(stETH, 1n, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op, stETH);
      await expect(f.sm.connect(f.operator1).modifyAllocation(Y, stETH, 2n))
        .to.be.revertedWithCustomError(f.sm, "OperatorFullySlashed")
        .withArgs(op, stETH, MIN_MAX_MAGNITUDE - 1n);
      // What is left (1 wei for Y's unit out of 1e12 - 1) is what Y's views report and what Y takes.
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(0n);
      await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, Y);
    });
  });

  describe("the fix at the edges", function () {
    it("magnitudes 1 and 1e18 - 1, pools of 0, 1, 2, 3 wei, 1e6 wei and 300 stETH, fractions 1 wei to 100%", async function () {
      const f = await loadFixture(extremesFixture);
      const [stETH, rETH] = [f.stETHAddress, f.rETHAddress];
      const fractions = [1n, 2n, WAD / 2n, WAD - 1n, WAD];
      let total = 0n;
      let nothing = 0;
      for (const size of [0n, 1n, 2n, 3n, 10n ** 6n, POOL]) {
        if (size > total) {
          await deposit(f, f.alice, stETH, size - total);
          await deposit(f, f.alice, rETH, size - total);
          total = size;
        }
        for (const wadFraction of fractions) {
          const r = await probeY(f, wadFraction);
          if (r.id === 0n) nothing++;
        }
      }
      // Skipped everywhere: at 0 and 1 wei every fraction (rETH's 1e18 - 1 units are worth floor(1 * (1e18 - 1) / 1e18)
      // = 0); at 2 wei, 3 wei and 1e6 wei the fractions 1 and 2 wei (s = 1 or 2 units, worth 0); stETH's single unit
      // is worth something only in the 300-stETH pool.
      expect(nothing, "requests that found nothing to take").to.equal(5 + 5 + 2 + 2 + 2);
    });

    it("Y's 1-unit stETH allocation is worth exactly floor(net / 1e18) and rETH's 1e18 - 1 exactly floor(net * (1e18 - 1) / 1e18)", async function () {
      const f = await loadFixture(extremesFixture);
      const op = f.operator1.address;
      await deposit(f, f.alice, f.stETHAddress, POOL);
      await deposit(f, f.alice, f.rETHAddress, 3n);
      expect(await f.sm.allocatedStake(op, f.avs2.address, f.stETHAddress)).to.equal(300n);
      expect(await f.sm.allocatedStake(op, f.avs2.address, f.rETHAddress)).to.equal(2n);
      const r = await probeY(f, 1n);
      // f = 1e-18: s = ceil(1 * 1e-18) = 1 unit in stETH (300 wei) and ceil((1e18 - 1) * 1e-18) = 1 unit in rETH,
      // worth floor(3 * 1 / 1e18) = 0: rETH is skipped, stETH taken.
      expect(r.taken.map((t) => [t.asset, t.magnitude, t.amount])).to.deep.equal([
        [f.stETHAddress, 1n, 300n],
      ]);
    });

    it("the operator cannot order the collapse around its stakers' deposits within one block", async function () {
      const f = await loadFixture(collapseFixture);
      const op = f.operator1.address;
      const [stETH, Z, Y] = [f.stETHAddress, f.zAvs.address, f.avs2.address];
      const zRequest = (o: SendOverrides) => f.sm.connect(f.zAvs).requestSlash(Z, op, WAD, EVIDENCE, o);
      const aliceIn = (o: SendOverrides) => f.vault.connect(f.alice).deposit(stETH, STAKE_ALICE, 0n, o);
      const bobIn = (o: SendOverrides) => f.vault.connect(f.bob).deposit(stETH, STAKE_BOB, 0n, o);

      // Order 1: the self-slash first, on the empty pool, then the deposits.
      await probe(async () => {
        const { receipts } = await inOneBlock([zRequest, aliceIn, bobIn]);
        await expectMinedRevert(receipts[0], f.sm, "NothingToSlash", [op, Z]);
        expectMinedOk(receipts[1], "alice's deposit");
        expectMinedOk(receipts[2], "bob's deposit");
        expect((await magnitudesView(f, op, stETH)).maxMagnitude).to.equal(WAD);
        expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(300n);
        const r = await probeY(f, WAD, [stETH]);
        expect(r.taken.map((t) => t.amount)).to.deep.equal([300n]);
      });

      // Order 2: between the deposits. The self-slash takes Z's share of alice's 100 (it was allocated to Z); bob's
      // deposit waits (PoolSlashPending); Y's stake stays 100 wei through it all and Y takes exactly that.
      await probe(async () => {
        const { receipts } = await inOneBlock([aliceIn, zRequest, bobIn]);
        expectMinedOk(receipts[0], "alice's deposit");
        expectMinedOk(receipts[1], "Z's request");
        await expectMinedRevert(receipts[2], f.vault, "PoolSlashPending", [op, stETH, 1n]);
        expect(await takenBy(f, 1n)).to.deep.equal([
          {
            asset: stETH,
            magnitude: WAD - 1n,
            deallocationCut: 0n,
            amount: STAKE_ALICE - 100n,
            released: false,
          },
        ]);
        expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(100n);
        const r = await probeY(f, WAD / 2n, [stETH]);
        expect(r.taken.map((t) => [t.magnitude, t.amount])).to.deep.equal([[1n, 100n]]);
      });
    });
  });

  describe("property: a request takes at least f * allocatedStake - 1 wei per asset, in every state a self-slash campaign reaches", function () {
    const SEEDS = [0x5eed01, 0x5eed02, 0x5eed03, 0x5eed04, 0x5eed05, 0x5eed06];
    const STEPS = 30;

    for (const seed of SEEDS) {
      it(`seed ${seed.toString(16)}: ${STEPS} random steps (self-slashes, dust and large deposits, time), Y probed at 3 fractions after each`, async function () {
        const f = await loadFixture(worldFixture);
        const rng = new Prng(seed);
        const op = f.operator1.address;
        const assets = [f.stETHAddress, f.rETHAddress];
        const selfAvs: HardhatEthersSigner[] = [f.zAvs, f.z2Avs];

        // Allocations that a 100% self-slash by Z drives to or across the floor: Y small, Z2 around 1e12, Z the rest.
        const entries: Array<[string, string, bigint]> = [];
        for (const asset of assets) {
          const y = rng.pick([1n, rng.big(1n, 10n ** 6n), rng.big(1n, MIN_MAX_MAGNITUDE)]);
          const z2 = rng.big(0n, 2n * MIN_MAX_MAGNITUDE);
          const gap = rng.big(0n, 2n * MIN_MAX_MAGNITUDE);
          const z = WAD - y - z2 - gap;
          entries.push([f.avs2.address, asset, y], [f.zAvs.address, asset, z]);
          if (z2 !== 0n) entries.push([f.z2Avs.address, asset, z2]);
        }
        await allocateInForce(f, f.operator1, entries);

        // The collapse itself, against dust: 2 wei in each pool, then Z takes 100%. maxMagnitude lands within 5e12 of
        // zero, above or below the floor depending on the seed.
        await deposit(f, f.operator1, f.stETHAddress, 2n);
        await deposit(f, f.operator1, f.rETHAddress, 2n);
        const collapse = await checkedRequest(f, {
          slasher: f.zAvs,
          avs: f.zAvs.address,
          operator: op,
          wadFraction: WAD,
          assets,
        });
        await (await f.sm.connect(f.outsider).executeSlash(collapse.id)).wait();
        let lowest = WAD;
        for (const asset of assets) {
          const m = await magnitudesView(f, op, asset);
          expect(m.maxMagnitude, "the collapse reaches the region near zero").to.be.lte(
            5n * MIN_MAX_MAGNITUDE,
          );
          if (m.maxMagnitude < lowest) lowest = m.maxMagnitude;
        }

        // The gate's edges are drawn from a second generator, so that the campaign's own draws stay as they were.
        const edgeRng = new Prng(seed ^ 0xed9e);
        /** Four times out of five, an edge of a pool's epoch gate (the refusing edges weighted double) (null without an epoch, or the fifth time). */
        const EDGES = [
          JOIN_WINDOW - 1n,
          JOIN_WINDOW,
          JOIN_WINDOW,
          GATE_CYCLE - 1n,
          GATE_CYCLE - 1n,
          GATE_CYCLE,
        ];
        const gateEdge = async (): Promise<bigint | null> => {
          // A pool where Y has stake if there is one (elsewhere nothing is worth asking the gate about).
          const staked = [];
          for (const a of assets)
            if ((await f.sm.allocatedStake(op, f.avs2.address, a)) !== 0n) staked.push(a);
          const g = await gateView(f, op, edgeRng.pick(staked.length !== 0 ? staked : assets));
          const edge = g.gateAt + edgeRng.pick(EDGES);
          return edgeRng.chance(0.8) && g.gateAt !== 0n ? edge : null;
        };
        let probes = 0;
        let takes = 0;
        let selfSlashes = 1;
        let gateRefusals = 0;
        for (let step = 0; step < STEPS; step++) {
          const action = rng.int(0, 9);
          if (action <= 3) {
            // A deposit of dust or of real stake, by the operator or a staker.
            const who = rng.pick([f.operator1, f.alice, f.bob]);
            const asset = rng.pick(assets);
            const amount = rng.pick([1n, 2n, 3n, rng.big(1n, 10n ** 6n), rng.big(10n ** 15n, 50n * WAD)]);
            const pool = await poolView(f, op, asset);
            if (pool.fullySlashed) {
              await expect(f.vault.connect(who).deposit(asset, amount, 0n))
                .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
                .withArgs(op, asset);
            } else {
              await deposit(f, who, asset, amount);
            }
          } else if (action <= 7) {
            // A self-slash through one of the operator's own AVSs, executed at once.
            const z = rng.pick(selfAvs);
            const wadFraction = rng.pick([1n, WAD - 1n, WAD, rng.big(1n, WAD)]);
            let wait = 0n;
            for (const asset of assets) {
              const a = await allocationView(f, op, z.address, asset);
              if (a.nextRequestAt > wait) wait = a.nextRequestAt;
            }
            if (wait > BigInt(await time.latest())) await time.increaseTo(wait);
            // The epoch gate may skip a pool (past the join window of the last self-slash's epoch) or refuse the
            // whole request (every pool gated): exactly, then the operator asks again at the next epoch. Most
            // self-slashes are made at an edge of a pool's gate.
            const edge = await gateEdge();
            let r = await checkedRequest(f, {
              slasher: z,
              avs: z.address,
              operator: op,
              wadFraction,
              assets,
              at: edge !== null && edge > BigInt(await time.latest()) ? edge : undefined,
            });
            gateRefusals += r.skipped.length;
            for (let i = 0; r.refusal !== null; i++) {
              expect(r.refusal.name).to.equal("PoolGated");
              expect(i, "one refusal at most: the next epoch of the first pool").to.be.lt(1);
              r = await checkedRequest(f, {
                slasher: z,
                avs: z.address,
                operator: op,
                wadFraction,
                assets,
                at: r.refusal.args[2] as bigint,
              });
            }
            if (r.id !== 0n) {
              await (await f.sm.connect(f.outsider).executeSlash(r.id)).wait();
              selfSlashes++;
              for (const asset of assets) {
                const [mags, pool] = [await magnitudesView(f, op, asset), await poolView(f, op, asset)];
                expect(pool.fullySlashed, "fully slashed iff maxMagnitude < 1e12").to.equal(
                  mags.maxMagnitude < MIN_MAX_MAGNITUDE,
                );
                if (mags.maxMagnitude < lowest) lowest = mags.maxMagnitude;
              }
            }
          } else {
            // Time passes: at random, or up to an edge of a pool's epoch gate (Y's probes then ask at that second).
            const dt = rng.big(3_600n, 5n * 86_400n);
            const edge = await gateEdge();
            if (edge !== null && edge - 1n > BigInt(await time.latest())) await time.increaseTo(edge - 1n);
            else await time.increase(dt);
          }

          for (const wadFraction of [1n, rng.big(1n, WAD), WAD]) {
            const r = await probeYOpen(f, wadFraction);
            probes++;
            gateRefusals += r.refused;
            if (r.id !== 0n) takes++;
          }
          // The gate in this state: Y (probed) at the first second of each running epoch's gated part.
          for (const asset of assets) {
            const g = await gateView(f, op, asset);
            const next = BigInt(await time.latest()) + 1n;
            const at = g.gateAt + JOIN_WINDOW > next ? g.gateAt + JOIN_WINDOW : next;
            if (g.gateAt === 0n || at >= g.gateAt + GATE_CYCLE) continue;
            const r = await probe(() =>
              checkedRequest(f, {
                slasher: f.slasher2,
                avs: f.avs2.address,
                operator: op,
                wadFraction: WAD,
                assets,
                at,
              }),
            );
            gateRefusals += r.skipped.filter((x) => x.refusal.name === "PoolGated").length;
          }
          for (const asset of assets) {
            // The views never promise more than the pool holds.
            const [stake, net] = [
              await f.sm.allocatedStake(op, f.avs2.address, asset),
              await f.vault.poolNetAssets(op, asset),
            ];
            expect(stake).to.be.lte(net);
            expect(await securedStake(f.sm, f.avs2.address, asset, [op])).to.equal(stake);
          }
        }
        expect(probes).to.equal(3 * STEPS);
        expect(takes, "probes where Y's request took something (the property is not vacuous)").to.be.gt(0);
        expect(selfSlashes, "the campaign slashed").to.be.gte(1);
        expect(lowest, "the campaign stayed near zero magnitude").to.be.lte(5n * MIN_MAX_MAGNITUDE);
        expect(gateRefusals, "the campaign met gated pools (the gate's model was exercised)").to.be.gt(0);
      });
    }
  });

  describe("views against requests when the AVS's terms change", function () {
    it("once an AVS stops accepting an asset (a tightening, at once), the views must not report its stake there: none of its requests can take it", async function () {
      const f = await loadFixture(worldFixture);
      const op = f.operator1.address;
      const [stETH, rETH, Y] = [f.stETHAddress, f.rETHAddress, f.avs2.address];
      await allocateInForce(f, f.operator1, [
        [Y, stETH, WAD / 2n],
        [Y, rETH, WAD / 2n],
      ]);
      await deposit(f, f.alice, stETH, STAKE_ALICE);
      await deposit(f, f.alice, rETH, STAKE_ALICE);
      // Y drops rETH: fewer assets is a tightening, applied at once (docs/slashing.md, "Register an AVS / update it").
      await (await f.sm.connect(f.avs2).updateAVSConfig({ ...yParams(f), assets: [stETH] })).wait();
      const stake = await f.sm.allocatedStake(op, Y, rETH);
      const slashable = await f.sm.maxSlashable(op, Y, rETH);
      const secured = await securedStake(f.sm, Y, rETH, [op]);
      // The best Y can do: a 100% request. It takes stETH and never rETH.
      const { id } = await requestSlash(f, f.slasher2, Y, op, WAD);
      const taken = await takenBy(f, id);
      expect(taken.map((t) => t.asset)).to.deep.equal([stETH]);
      expect(
        { allocatedStake: stake, maxSlashable: slashable, securedStake: secured },
        "views of rETH stake that no request of Y can take",
      ).to.deep.equal({ allocatedStake: 0n, maxSlashable: 0n, securedStake: 0n });
    });
  });
});
