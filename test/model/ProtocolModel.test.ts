/**
 * Model-based random walk over the whole staking layer (DESIGN.md "Invariants that the tests must hold (and a
 * model-based test must drive at random)"): 6 stakers, 3 operators, 2 AVSs that share operators, 3 assets. Each seed
 * runs a seeded opening (self-stakes, allocations, first deposits and delegations) and then random steps among:
 * deposit, delegateTo, undelegate, redelegate, partial and full queueWithdrawal, completeWithdrawal as tokens or as
 * shares (ready ones, at the boundary or later, by the staker or its withdrawer, plus early ones that must revert
 * WithdrawalNotReady), modifyAllocation up and down, applyPendingAllocation, setAllocationDelay, requestSlash (random
 * fraction up to the AVS's maximum), vetoSlash, cancelSlash, executeSlash (in its window, early, or expired),
 * releaseSlashedFunds, AVS configuration updates (loosening ones are queued) and their application, AVS
 * (de)registrations, and time jumps from a minute to 8 days; now and then with bad arguments or the wrong caller.
 *
 * The BigInt model (test/model/protocolModel.ts) predicts, for every action, success or the exact custom error and
 * arguments; after EVERY step the driver (test/model/protocolDriver.ts) compares one read of the chain with the model
 * and checks invariants 1 to 6. Nothing is printed on success; a failure names the seed, the step and the last steps.
 *
 * Reproduce or explore: MODEL_SEEDS=7,8,9 MODEL_STEPS=400 npx hardhat test test/model/ProtocolModel.test.ts
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { DAY, DEFAULT_WITHDRAWAL_DELAY } from "../helpers/fixtures";
import {
  AVS2_MAX_SLASH,
  AVS_MAX_SLASH,
  STAKES,
  SlashingWorld,
  stakedDeposits,
  stakedFixture,
} from "../helpers/slashingFixtures";
import { Driver, modelFixture } from "./protocolDriver";

const DEFAULT_SEEDS = [0x5eed01, 20_240_607, 5];
const DEFAULT_STEPS = 130;

function seedsFromEnv(): number[] {
  const raw = process.env.MODEL_SEEDS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_SEEDS;
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

/** What every default seed must have exercised, or the walk proves little (kinds counted by the driver). */
const MUST_COVER = [
  "deposit",
  "delegate",
  "undelegate",
  "redelegate",
  "queue",
  "complete as tokens",
  "complete as shares",
  "complete reverts WithdrawalNotReady",
  "complete while a slash is pending (tokens)",
  "allocate",
  "applyPendingAllocation",
  "requestSlash",
  "isolation checked (request)",
  "executeSlash",
  "isolation checked (execution)",
  "cancelSlash",
  "releaseSlashedFunds",
  "timeJump",
  "full read",
];

describe("Protocol model (seeded random walk, model and invariants checked after every step)", function () {
  for (const seed of SEEDS) {
    it(`seed ${seed}: opening + ${STEPS} random steps`, async function () {
      const f = await loadFixture(modelFixture);
      const driver = new Driver(f, seed);
      try {
        await driver.start();
        await driver.prologue();
        for (let i = 0; i < STEPS; i++) await driver.step();
        await driver.finish();
      } catch (e) {
        if (e instanceof Error) e.message = `${driver.describeFailure()}\n${e.message}`;
        throw e;
      }
      // every step was followed by the check, and the walk did exercise the interesting paths
      expect(driver.checker.checks).to.equal(driver.steps);
      expect(driver.steps).to.equal(driver.history.length);
      if (process.env.MODEL_SEEDS === undefined) {
        const missing = MUST_COVER.filter((k) => (driver.coverage.get(k) ?? 0) === 0);
        expect(missing, `seed ${seed} never exercised`).to.deep.equal([]);
      }
    });
  }
});

/**
 * Exits during a pending request (DESIGN.md "Withdrawals"): a withdrawal that completes while a request is pending is
 * paid net of it, so it cannot escape the slash; if the request is then vetoed or cancelled, the reserved value,
 * including the exiter's haircut, returns to the pool, i.e. to the stakers who stayed and carried the risk
 * (docs/slashing.md, "Trust assumptions and caveats"). The random walk accounts for these transfers in invariant 3
 * (`InvariantChecker.recordTransfer`); these two tests pin the exact amounts. stakedFixture: pool (operator1, stETH) =
 * alice 100 + bob 200; X (committee, 1-day window, max 1/2) holds 0.4 of it, Y (no committee, max 1) 0.3.
 */
describe("Exits during a pending request", function () {
  async function bobsExit(
    world: SlashingWorld,
    f: Awaited<ReturnType<typeof stakedFixture>>,
  ): Promise<bigint> {
    const { bob, stETHAddress: stETH } = f;
    const bobId = await world.queue(bob, stETH, (await f.vault.position(bob.address, stETH))[1]);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const [expected] = await f.vault.withdrawableAmount(bobId);
    const received = await world.complete(bob, bobId);
    expect(received, "paid what withdrawableAmount showed").to.equal(expected);
    return received;
  }

  it("a veto returns the haircut of a staker who exited in the window to the stakers who stayed", async function () {
    const f = await loadFixture(stakedFixture);
    const world = new SlashingWorld(f, stakedDeposits(f));
    const { alice, stETHAddress: stETH } = f;
    const aliceId = await world.queue(alice, stETH, (await f.vault.position(alice.address, stETH))[1]);
    const [, readyAt] = await f.vault.withdrawableAmount(aliceId);
    await time.increaseTo(readyAt - DAY / 2n);
    // X reserves 0.5 * 0.4 of the pool: 60 of 300
    const { id } = await world.requestChecked({
      avs: f.avs.address,
      slasher: f.slasher,
      operator: f.operator1.address,
      wadFraction: AVS_MAX_SLASH,
      assets: [stETH, f.rETHAddress],
    });
    await time.increaseTo(readyAt);
    // alice leaves at the net price (inv 6: she does not escape the pending request): 100 * 240 / 300
    expect(await world.complete(alice, aliceId)).to.equal(80n * 10n ** 18n);
    // the committee vetoes: nothing is slashed, and the 60 go back to the pool, which only bob holds now
    await (await f.sm.connect(f.committee).vetoSlash(id)).wait();
    // bob gets his 200 plus alice's 20 haircut, less one wei of rounding
    expect(await bobsExit(world, f)).to.equal(STAKES.bobStETH + 20n * 10n ** 18n - 1n);
  });

  it("an expired request prices exits until anyone cancels it: cancelling first avoids the haircut", async function () {
    const f = await loadFixture(stakedFixture);
    const world = new SlashingWorld(f, stakedDeposits(f));
    const { alice, stETHAddress: stETH } = f;
    const aliceId = await world.queue(alice, stETH, (await f.vault.position(alice.address, stETH))[1]);
    const [, readyAt] = await f.vault.withdrawableAmount(aliceId);
    await time.increaseTo(readyAt - 2n * DAY);
    // Y (no committee) reserves 1 * 0.3 of the pool: 90 of 300, executable at once, for one day
    const { id } = await world.requestChecked({
      avs: f.avs2.address,
      slasher: f.slasher2,
      operator: f.operator1.address,
      wadFraction: AVS2_MAX_SLASH,
      assets: [stETH],
    });
    await time.increaseTo(readyAt);
    await expect(f.sm.connect(f.outsider).executeSlash(id)).to.be.revertedWithCustomError(
      f.sm,
      "SlashExpired",
    );
    // the request can no longer execute, but its reservation prices exits until it is cancelled
    const [netValue] = await f.vault.withdrawableAmount(aliceId);
    expect(netValue, "100 * 210 / 300 while the expired reservation stands").to.equal(70n * 10n ** 18n);
    // anyone may cancel an expired request; alice does so before completing and exits whole
    await (await f.sm.connect(alice).cancelSlash(id)).wait();
    expect(await world.complete(alice, aliceId)).to.equal(STAKES.aliceStETH);
    expect(await bobsExit(world, f)).to.equal(STAKES.bobStETH);
  });
});
