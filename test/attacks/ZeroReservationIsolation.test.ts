/**
 * Finding 2 (Medium) of issue 9: a request that reserves no tokens leaves the pool open and breaks isolation.
 *
 * The attack: against an empty (or dust) pool, AVS X's request reserved magnitude but 0 tokens; pendingSlash stayed 0,
 * so deposits and delegations were accepted. Y's stake is net * a_Y / (maxMagnitude - reserved), so 100 stETH deposited
 * afterwards all counted as Y's although the operator allocated Y 50%; Y took 100 of 100, then X's request was vetoed
 * and X got its magnitude back.
 *
 * The rules now (docs/slashing.md, "Pending requests close the pool" and "Rounding against the operator"): a request
 * that would reserve 0 tokens in an asset takes nothing there (NothingToSlash if it takes nothing anywhere), and a pool
 * is closed to entries while ANY request is pending on it, whatever it reserved: the vault counts requests
 * (`PoolSlashPending(operator, asset, pendingRequests)`), not tokens. The epoch pool gate (same section) skips a pool
 * from JOIN_WINDOW after its epoch started until GATE_CYCLE after it (and while it is closed), and a request takes the
 * pools it is not skipped in; the random campaign below checks every skip and refusal against the model
 * (attackHelpersA.ts `checkedRequest`).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { Prng } from "../helpers/prng";
import {
  EVIDENCE,
  EXECUTION_WINDOW,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  STATUS,
  WAD,
  X_WINDOW,
  ZERO,
  allocateInForce,
  allocationView,
  assetsFor,
  checkedRequest,
  deposit,
  expectMinedOk,
  expectMinedRevert,
  inOneBlock,
  magnitudesView,
  gateView,
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

const HALF = WAD / 2n;
const DEPOSIT = 100n * WAD;

/** operator1 allocated half of its stETH and rETH to X (committee) and half to Y (none); pools empty. */
async function isolationFixture(): Promise<WorldFixture> {
  const f = await worldFixture();
  await allocateInForce(f, f.operator1, [
    [f.avs.address, f.stETHAddress, HALF],
    [f.avs2.address, f.stETHAddress, HALF],
    [f.avs.address, f.rETHAddress, HALF],
    [f.avs2.address, f.rETHAddress, HALF],
  ]);
  return f;
}

interface DustFixture extends WorldFixture {
  /** bob's withdrawal of half his 2-wei stake in operator1's pool, ready. */
  bobExit: bigint;
  /** erin's withdrawal from the undelegated pool (10 stETH), ready; erin is delegated to operator1 since. */
  erinExit: bigint;
  erinShares: bigint;
}

/**
 * isolationFixture + operator1's stETH pool holds 2 wei (bob's), bob has queued half of it and can complete; carol
 * holds 70 stETH undelegated; erin queued her 10 undelegated stETH, delegated to operator1 and can complete.
 */
async function dustFixture(): Promise<DustFixture> {
  const f = await isolationFixture();
  const stETH = f.stETHAddress;
  await deposit(f, f.bob, stETH, 2n);
  const bob = await queueWithdrawal(f, f.bob, stETH, 10n ** 6n);
  await deposit(f, f.carol, stETH, 70n * WAD);
  await deposit(f, f.erin, stETH, 10n * WAD);
  const erin = await queueWithdrawal(f, f.erin, stETH);
  await time.increaseTo(erin.readyAt);
  await (await f.registry.connect(f.erin).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  return { ...f, bobExit: bob.id, erinExit: erin.id, erinShares: erin.shares };
}

describe("Attack: a request that reserves no tokens leaves the pool open (issue 9, finding 2)", function () {
  describe("the issue's attack against the new code", function () {
    it("X's request against the empty pool takes nothing and leaves nothing pending: NothingToSlash", async function () {
      const f = await loadFixture(isolationFixture);
      const op = f.operator1.address;
      await expect(f.sm.connect(f.slasher).requestSlash(f.avs.address, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, f.avs.address);
      for (const asset of [f.stETHAddress, f.rETHAddress]) {
        expect(await magnitudesView(f, op, asset)).to.deep.equal({
          lost: 0n,
          encumbered: WAD,
          reserved: 0n,
          maxMagnitude: WAD,
        });
        const x = await allocationView(f, op, f.avs.address, asset);
        expect(
          [x.current, x.openRequest, x.nextRequestAt],
          "X's allocation untouched, no cooldown",
        ).to.deep.equal([HALF, 0n, 0n]);
        const pool = await poolView(f, op, asset);
        expect([pool.pendingRequests, pool.pendingSlash]).to.deep.equal([0n, 0n]);
      }
      expect(await f.vault.openSlashReservations()).to.equal(0n);
    });

    it("the 100 stETH deposited after it count 50/50: Y takes 50 of 100, not 100, and X keeps its 50", async function () {
      const f = await loadFixture(isolationFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      await expect(f.sm.connect(f.slasher).requestSlash(X, op, WAD, EVIDENCE)).to.be.revertedWithCustomError(
        f.sm,
        "NothingToSlash",
      );
      await deposit(f, f.alice, stETH, DEPOSIT);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(50n * WAD);
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(50n * WAD);

      const y = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(y.taken.map((t) => [t.magnitude, t.amount])).to.deep.equal([[HALF, 50n * WAD]]);
      await (await f.sm.executeSlash(y.id)).wait();

      // What the attacker (Y, or Y with X) is left with: Y's 50, exactly its allocation; X's 50 is still X's and alice
      // keeps 50 (she lost what was allocated to Y, not a wei more).
      expect(await f.stETH.balanceOf(f.smAddress)).to.equal(50n * WAD);
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(50n * WAD);
      expect((await f.vault.position(f.alice.address, stETH))[2]).to.equal(50n * WAD);
      // X's earlier attempt set no cooldown of X's own (and started no epoch: it took nothing). Y's request started the
      // pool's epoch (docs/slashing.md, "Pending requests close the pool"): X joins it until JOIN_WINDOW after, even
      // though Y's execution reopened the pool, is gated exactly from then until GATE_CYCLE after Y's request, and then
      // takes its own 50 (never Y's).
      expect((await gateView(f, op, stETH)).gateAt).to.equal(y.at);
      const xArgs = { slasher: f.slasher, avs: X, operator: op, wadFraction: WAD, assets: [stETH] };
      const joins = await probe(() => checkedRequest(f, { ...xArgs, at: y.at + JOIN_WINDOW - 1n }));
      expect(joins.taken.map((t) => t.amount)).to.deep.equal([50n * WAD]);
      const refused = await checkedRequest(f, { ...xArgs, at: y.at + JOIN_WINDOW });
      expect(refused.refusal).to.deep.equal({ name: "PoolGated", args: [op, stETH, y.at + GATE_CYCLE] });
      const early = await checkedRequest(f, { ...xArgs, at: y.at + GATE_CYCLE - 1n });
      expect(early.refusal).to.deep.equal({ name: "PoolGated", args: [op, stETH, y.at + GATE_CYCLE] });
      const x = await checkedRequest(f, { ...xArgs, at: y.at + GATE_CYCLE });
      expect(x.taken.map((t) => t.amount)).to.deep.equal([50n * WAD]);
    });

    it("against a 1-wei pool X's request still takes nothing; deposits stay open and count 50/50", async function () {
      const f = await loadFixture(isolationFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      await deposit(f, f.operator1, stETH, 1n);
      // s = 0.5e18, worth floor(1 * 0.5e18 / 1e18) = 0 tokens.
      await expect(f.sm.connect(f.slasher).requestSlash(X, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, X);
      await deposit(f, f.alice, stETH, DEPOSIT);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal((DEPOSIT + 1n) / 2n);
      const y = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(y.taken.map((t) => t.amount)).to.deep.equal([50n * WAD]);
    });

    it("against a 2-wei pool X's 1-wei reservation closes the pool to every entry and exit until it resolves", async function () {
      const f = await loadFixture(dustFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      const x = await checkedRequest(f, {
        slasher: f.slasher,
        avs: X,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(x.taken.map((t) => [t.magnitude, t.amount])).to.deep.equal([[HALF, 1n]]);
      const closed = [op, stETH, 1n];

      await expect(f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(...closed);
      await expect(f.vault.connect(f.alice).deposit(stETH, 1n, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(...closed);
      await expect(f.registry.connect(f.carol).delegateTo(op, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(...closed);
      await expect(f.vault.connect(f.erin).completeWithdrawal(f.erinExit, false, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(...closed);
      await expect(f.vault.connect(f.bob).completeWithdrawal(f.bobExit, true, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(...closed);
      expect(await f.vault.previewDeposit(op, stETH, DEPOSIT)).to.equal(0n);

      // Y, while X's request is pending, sees and takes its own 1 wei (net 1 for free magnitude 0.5e18).
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(1n);
      const y = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(y.taken.map((t) => t.amount)).to.deep.equal([1n]);
      await expect(f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 2n);

      await (await f.sm.connect(f.committee).vetoSlash(x.id)).wait();
      await expect(f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      await (await f.sm.executeSlash(y.id)).wait();

      // Resolved: X has its half back, Y took 1 wei, the pool (1 wei) is open and the 100 stETH count 50/50.
      const pool = await poolView(f, op, stETH);
      expect([pool.totalAssets, pool.pendingSlash, pool.pendingRequests]).to.deep.equal([1n, 0n, 0n]);
      expect((await allocationView(f, op, X, stETH)).current).to.equal(HALF);
      await deposit(f, f.alice, stETH, DEPOSIT);
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(DEPOSIT + 1n);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(0n);
      // Y took its whole half: it has nothing left in stETH, and nothing in the empty rETH pool.
      await expect(f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, Y);
      // The exits that waited now complete, EXIT_MARGIN after X's request started the pool's epoch (an AVS the epoch
      // held off gets that long to request first): bob's half of 2 wei pays floor(1e6 * (1 + 1) / (2e6 + 1e6)) = 0 (Y
      // took a wei of his 2), and erin's 10 stETH come in as shares of the pool as it is now.
      const { gateAt } = await gateView(f, op, stETH);
      await expect(f.vault.connect(f.bob).completeWithdrawal(f.bobExit, true, 1n))
        .to.be.revertedWithCustomError(f.vault, "WithdrawalGated")
        .withArgs(f.bobExit, gateAt + EXIT_MARGIN);
      await time.increaseTo(gateAt + EXIT_MARGIN);
      await expect(f.vault.connect(f.bob).completeWithdrawal(f.bobExit, true, 1n))
        .to.be.revertedWithCustomError(f.vault, "AssetsBelowMinimum")
        .withArgs(0n, 1n);
      const [p0, p] = [await poolView(f, ZERO, stETH), await poolView(f, op, stETH)];
      const assets = assetsFor(f.erinShares, p0.totalAssets, p0.totalShares);
      await (await f.vault.connect(f.erin).completeWithdrawal(f.erinExit, false, 0n)).wait();
      expect((await f.vault.position(f.erin.address, stETH))[1]).to.equal(
        sharesFor(assets, p.totalAssets, p.totalShares),
      );
    });
  });

  describe("the fix at the edges", function () {
    it("2 wei and f = 1 wei: s = 1 unit, worth 0: nothing is taken and the pool stays open", async function () {
      const f = await loadFixture(dustFixture);
      const op = f.operator1.address;
      await expect(f.sm.connect(f.slasher).requestSlash(f.avs.address, op, 1n, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NothingToSlash")
        .withArgs(op, f.avs.address);
      await deposit(f, f.alice, f.stETHAddress, 1n);
      expect((await poolView(f, op, f.stETHAddress)).totalAssets).to.equal(3n);
    });

    it("3 wei: X's reservation rounds down, and the wei it leaves moves Y's stake from 1 to 2 (Y never takes more than it sees)", async function () {
      const f = await loadFixture(isolationFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      await deposit(f, f.operator1, stETH, 3n);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(1n);
      const x = await checkedRequest(f, {
        slasher: f.slasher,
        avs: X,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(x.taken.map((t) => t.amount)).to.deep.equal([1n]);
      expect(await f.sm.allocatedStake(op, Y, stETH)).to.equal(2n);
      const y = await checkedRequest(f, {
        slasher: f.slasher2,
        avs: Y,
        operator: op,
        wadFraction: WAD,
        assets: [stETH],
      });
      expect(y.taken.map((t) => t.amount)).to.deep.equal([2n]);
      // After X's veto, X's half stands for the 1 wei left: the wei of rounding went to Y, never more than one.
      await (await f.sm.connect(f.committee).vetoSlash(x.id)).wait();
      await (await f.sm.executeSlash(y.id)).wait();
      expect(await f.sm.allocatedStake(op, X, stETH)).to.equal(1n);
    });

    it("in one block: X's request on the empty pool, a 100-stETH deposit, Y's request for 100%: Y takes 50", async function () {
      const f = await loadFixture(isolationFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      const xReq = (o: SendOverrides) => f.sm.connect(f.slasher).requestSlash(X, op, WAD, EVIDENCE, o);
      const yReq = (o: SendOverrides) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o);
      const aliceIn = (o: SendOverrides) => f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n, o);

      await probe(async () => {
        const { receipts } = await inOneBlock([xReq, aliceIn, yReq]);
        await expectMinedRevert(receipts[0], f.sm, "NothingToSlash", [op, X]);
        expectMinedOk(receipts[1], "the deposit");
        expectMinedOk(receipts[2], "Y's request");
        expect((await takenBy(f, 1n)).map((t) => [t.asset, t.amount])).to.deep.equal([[stETH, 50n * WAD]]);
      });
      // Deposit first: X and Y, in one block, each take exactly their half.
      await probe(async () => {
        const { receipts } = await inOneBlock([aliceIn, xReq, yReq]);
        receipts.forEach((r, i) => expectMinedOk(r, `transaction ${i}`));
        expect((await takenBy(f, 1n)).map((t) => t.amount)).to.deep.equal([50n * WAD]);
        expect((await takenBy(f, 2n)).map((t) => t.amount)).to.deep.equal([50n * WAD]);
        expect((await poolView(f, op, stETH)).pendingRequests).to.equal(2n);
      });
      // Y before X in the same block: the same amounts (isolation does not depend on the order).
      await probe(async () => {
        await inOneBlock([aliceIn, yReq, xReq]);
        expect((await takenBy(f, 1n)).map((t) => t.amount)).to.deep.equal([50n * WAD]);
        expect((await takenBy(f, 2n)).map((t) => t.amount)).to.deep.equal([50n * WAD]);
      });
    });

    it("in one block: X's 1-wei reservation on a 2-wei pool, then a deposit (refused), then Y's request: Y takes 1 wei", async function () {
      const f = await loadFixture(dustFixture);
      const op = f.operator1.address;
      const [stETH, X, Y] = [f.stETHAddress, f.avs.address, f.avs2.address];
      const { receipts } = await inOneBlock([
        (o) => f.sm.connect(f.slasher).requestSlash(X, op, WAD, EVIDENCE, o),
        (o) => f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n, o),
        (o) => f.registry.connect(f.carol).delegateTo(op, NO_SIGNATURE, ZERO_SALT, o),
        (o) => f.sm.connect(f.slasher2).requestSlash(Y, op, WAD, EVIDENCE, o),
      ]);
      expectMinedOk(receipts[0], "X's request");
      await expectMinedRevert(receipts[1], f.vault, "PoolSlashPending", [op, stETH, 1n]);
      await expectMinedRevert(receipts[2], f.vault, "PoolSlashPending", [op, stETH, 1n]);
      expectMinedOk(receipts[3], "Y's request");
      expect((await takenBy(f, 1n)).map((t) => t.amount)).to.deep.equal([1n]);
      expect((await takenBy(f, 2n)).map((t) => t.amount)).to.deep.equal([1n]);
      expect((await poolView(f, op, stETH)).pendingRequests).to.equal(2n);
    });

    it("the pool reopens at the second the last request resolves, not before (veto window and expiry ±1 s)", async function () {
      const f = await loadFixture(dustFixture);
      const op = f.operator1.address;
      const [stETH, X] = [f.stETHAddress, f.avs.address];
      const { id, at } = await requestSlash(f, f.slasher, X, op, WAD);
      const executableAt = at + X_WINDOW;
      const expiresAt = executableAt + EXECUTION_WINDOW;
      // Still closed at expiry - 1 (nobody but the slasher may cancel), and anyone may cancel at expiry.
      await time.setNextBlockTimestamp(expiresAt - 1n);
      await expect(f.sm.connect(f.alice).cancelSlash(id))
        .to.be.revertedWithCustomError(f.sm, "NotCancellable")
        .withArgs(id, f.alice.address);
      await time.setNextBlockTimestamp(expiresAt);
      await expect(f.vault.connect(f.alice).deposit(stETH, DEPOSIT, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op, stETH, 1n);
      await time.setNextBlockTimestamp(expiresAt + 1n);
      await (await f.sm.connect(f.alice).cancelSlash(id)).wait();
      expect((await f.sm.slashRequest(id))[0].status).to.equal(STATUS.Cancelled);
      await deposit(f, f.alice, stETH, DEPOSIT);
      expect(await f.sm.allocatedStake(op, f.avs2.address, stETH)).to.equal((DEPOSIT + 2n) / 2n);
    });
  });

  describe("property: closed while anything is pending, and no AVS takes more than its allocated stake at its request", function () {
    const SEEDS = [0x150a01, 0x150a02, 0x150a03, 0x150a04];
    const STEPS = 60;

    interface Tracked {
      id: bigint;
      avs: string;
      executableAt: bigint;
      amounts: Map<string, bigint>;
    }

    for (const seed of SEEDS) {
      it(`seed ${seed.toString(16)}: ${STEPS} random steps over empty, dust and real pools`, async function () {
        const f = await loadFixture(worldFixture);
        const rng = new Prng(seed);
        const op = f.operator1.address;
        const assets = [f.stETHAddress, f.rETHAddress];
        const avss = [
          { avs: f.avs.address, slasher: f.slasher, other: f.avs2.address },
          { avs: f.avs2.address, slasher: f.slasher2, other: f.avs.address },
        ];
        const entries: Array<[string, string, bigint]> = [];
        for (const asset of assets) {
          const x = rng.pick([1n, rng.big(1n, WAD / 2n), HALF]);
          const y = rng.pick([1n, rng.big(1n, WAD - x), WAD - x]);
          entries.push([f.avs.address, asset, x], [f.avs2.address, asset, y]);
        }
        await allocateInForce(f, f.operator1, entries);

        // The gate's edges are drawn from a second generator, so that the campaign's own draws stay as they were.
        const edgeRng = new Prng(seed ^ 0xed9e);
        const pending: Tracked[] = [];
        let requests = 0;
        let refusedEntries = 0;
        const gateRefusals = new Set<string>();
        let resolutions = 0;
        const now = async (): Promise<bigint> => BigInt(await time.latest());
        const pendingOn = (asset: string) => pending.filter((p) => p.amounts.has(asset));

        for (let step = 0; step < STEPS; step++) {
          const action = rng.int(0, 9);
          const t = (await now()) + 1n;
          await time.setNextBlockTimestamp(t);
          if (action <= 2) {
            const who = rng.pick<HardhatEthersSigner>([f.operator1, f.alice, f.bob]);
            const asset = rng.pick(assets);
            const amount = rng.pick([1n, 2n, 3n, rng.big(1n, 10n ** 6n), rng.big(10n ** 15n, 20n * WAD)]);
            const pool = await poolView(f, op, asset);
            if (pool.fullySlashed) {
              await expect(f.vault.connect(who).deposit(asset, amount, 0n)).to.be.revertedWithCustomError(
                f.vault,
                "PoolFullySlashed",
              );
              refusedEntries++;
            } else if (pendingOn(asset).length !== 0) {
              await expect(f.vault.connect(who).deposit(asset, amount, 0n))
                .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
                .withArgs(op, asset, BigInt(pendingOn(asset).length));
              refusedEntries++;
            } else {
              await deposit(f, who, asset, amount);
            }
          } else if (action <= 5) {
            const who = rng.pick(avss);
            let [open, wait] = [false, 0n];
            for (const asset of assets) {
              const a = await allocationView(f, op, who.avs, asset);
              if (a.current === 0n) continue;
              if (pending.some((p) => p.id === a.openRequest)) open = true;
              if (a.nextRequestAt > wait) wait = a.nextRequestAt;
            }
            if (open) {
              // Its last request is still pending: only time can pass (a resolution step will come).
              await time.increase(rng.big(3_600n, 86_400n));
            } else if (t < wait) {
              // In its cooldown: wait until it ends (the cooldown itself is RepeatedRequests.test.ts's subject).
              await time.increaseTo(wait);
            } else {
              // At t, or at an edge of a pool's epoch gate when one is ahead (four times out of five).
              // (A pool where the AVS has stake if there is one; the refusing edges weighted double.)
              const staked = [];
              for (const a of assets) if ((await f.sm.allocatedStake(op, who.avs, a)) !== 0n) staked.push(a);
              const g = await gateView(f, op, edgeRng.pick(staked.length !== 0 ? staked : assets));
              const edge =
                g.gateAt +
                edgeRng.pick([
                  JOIN_WINDOW - 1n,
                  JOIN_WINDOW,
                  JOIN_WINDOW,
                  GATE_CYCLE - 1n,
                  GATE_CYCLE - 1n,
                  GATE_CYCLE,
                ]);
              const at = g.gateAt !== 0n && edge > t && edgeRng.chance(0.8) ? edge : t;
              const otherBefore = await Promise.all(assets.map((a) => f.sm.allocatedStake(op, who.other, a)));
              const wadFraction = rng.pick([1n, rng.big(1n, WAD), WAD]);
              // checkedRequest models the epoch pool gate: a gated pool is skipped (left untouched), and a request
              // that takes nothing reverts with the first skipped pool's exact error (and nothing moves).
              const r = await checkedRequest(f, {
                slasher: who.slasher,
                avs: who.avs,
                operator: op,
                wadFraction,
                assets,
                at,
              });
              if (r.refusal !== null) gateRefusals.add(`reverted ${r.refusal.name}`);
              for (const x of r.skipped) if (r.id !== 0n) gateRefusals.add(`skipped ${x.refusal.name}`);
              if (r.id !== 0n) {
                expect(r.at).to.equal(at);
                requests++;
                const [req] = await f.sm.slashRequest(r.id);
                pending.push({
                  id: r.id,
                  avs: who.avs,
                  executableAt: req.executableAt,
                  amounts: new Map(r.taken.map((x) => [x.asset, x.amount])),
                });
              }
              // Isolation: the other AVS's allocated stake moves by at most the wei the reservation rounded away.
              for (let i = 0; i < assets.length; i++) {
                const after = await f.sm.allocatedStake(op, who.other, assets[i]);
                const diff = after > otherBefore[i] ? after - otherBefore[i] : otherBefore[i] - after;
                expect(diff, "another AVS's request moves an allocated stake by at most 1 wei").to.be.lte(1n);
              }
            }
          } else if (action <= 7 && pending.length !== 0) {
            const p = rng.pick(pending);
            const expiresAt = p.executableAt + EXECUTION_WINDOW;
            const other = p.avs === f.avs.address ? f.avs2.address : f.avs.address;
            const otherBefore = await Promise.all(assets.map((a) => f.sm.allocatedStake(op, other, a)));
            if (t < p.executableAt && p.avs === f.avs.address) {
              await (await f.sm.connect(f.committee).vetoSlash(p.id)).wait();
            } else if (t >= p.executableAt && t < expiresAt) {
              await (await f.sm.connect(f.outsider).executeSlash(p.id)).wait();
            } else if (t >= expiresAt) {
              await (await f.sm.connect(f.outsider).cancelSlash(p.id)).wait();
            } else {
              const slasher = p.avs === f.avs.address ? f.slasher : f.slasher2;
              await (await f.sm.connect(slasher).cancelSlash(p.id)).wait();
            }
            pending.splice(pending.indexOf(p), 1);
            resolutions++;
            for (let i = 0; i < assets.length; i++) {
              const after = await f.sm.allocatedStake(op, other, assets[i]);
              const diff = after > otherBefore[i] ? after - otherBefore[i] : otherBefore[i] - after;
              expect(
                diff,
                "resolving another AVS's request moves an allocated stake by at most 1 wei",
              ).to.be.lte(1n);
            }
          } else {
            await time.increase(rng.big(3_600n, 3n * 86_400n));
          }

          // The gate in this state: X and Y (probed) at the first second of each running epoch's gated part.
          for (const asset of assets) {
            const g = await gateView(f, op, asset);
            const next = (await now()) + 1n;
            const at = g.gateAt + JOIN_WINDOW > next ? g.gateAt + JOIN_WINDOW : next;
            if (g.gateAt === 0n || (at >= g.gateAt + GATE_CYCLE && pendingOn(asset).length === 0)) continue;
            for (const who of avss) {
              const r = await probe(() =>
                checkedRequest(f, {
                  slasher: who.slasher,
                  avs: who.avs,
                  operator: op,
                  wadFraction: WAD,
                  assets,
                  at,
                }),
              );
              for (const x of r.skipped)
                if (x.refusal.name === "PoolGated") gateRefusals.add("probed PoolGated");
            }
          }
          for (const asset of assets) {
            const pool = await poolView(f, op, asset);
            const mine = pendingOn(asset);
            expect(
              pool.pendingRequests,
              "the vault counts every pending request that took the asset",
            ).to.equal(BigInt(mine.length));
            expect(pool.pendingSlash).to.equal(mine.reduce((s, p) => s + (p.amounts.get(asset) ?? 0n), 0n));
            const preview = await f.vault.previewDeposit(op, asset, WAD);
            if (mine.length !== 0 || pool.fullySlashed)
              expect(preview, "closed: previewDeposit 0").to.equal(0n);
            else expect(preview, "open").to.be.gt(0n);
          }
        }
        expect(requests, "the campaign made requests").to.be.gt(0);
        expect(refusedEntries, "the campaign met closed pools").to.be.gt(0);
        expect(resolutions, "the campaign resolved requests").to.be.gt(0);
        expect(gateRefusals.size, "the campaign met the pool gate").to.be.gt(0);
        // Every request that is still open resolves, and leaves its pool open.
        for (const p of pending) {
          const expiresAt = p.executableAt + EXECUTION_WINDOW;
          if (expiresAt > (await now())) await time.increaseTo(expiresAt);
          await (await f.sm.connect(f.outsider).cancelSlash(p.id)).wait();
        }
        for (const asset of assets) expect((await poolView(f, op, asset)).pendingRequests).to.equal(0n);
        expect(await f.vault.openSlashReservations()).to.equal(0n);
      });
    }
  });
});
