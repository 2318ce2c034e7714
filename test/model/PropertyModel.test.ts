/**
 * Property-based model test of the whole protocol with fast-check (issue #12): random sequences of the commands of
 * test/model/commands.ts (core and LRT actions, with edge-biased arguments), run by `fc.asyncModelRun` on the
 * protocol model's driver. After EVERY command the driver compares one read of the chain with the BigInt model and
 * checks invariants 1-6 and 8 (test/model/protocolDriver.ts and lrtDriver.ts state them and their rounding bounds:
 * exact, except invariant 3 within the rounding dust recorded per deposit and move, invariants 4-5 within one magnitude
 * unit and one wei, and invariant 8's rate within 1 wei per step outside a slash or a price fall, its total value
 * counting the nodes' pending rewards in the LRT assets with countRewards; harvests predicted exactly); each sequence
 * ends with a full read of every view. The reward and admin commands (test/model/rewardCommands.ts, adminCommands.ts) add
 * invariant 7, checked after every step from the first of them on (test/model/rewardState.ts: every pending reward
 * within 2 wei per settlement of the staker, commissions and streams exactly, claimed + claimable (+ left to stream)
 * <= funded), and invariant 9 (test/model/adminState.ts: a paused group's actions revert GroupPaused(group), the
 * others work; a call without its role reverts AccessControlUnauthorizedAccount(account, role)).
 *
 * Every sequence starts from the same state: the walk's seeded opening (Walker.prologue with OPENING_SEED: self-stakes,
 * allocations with operator3's near-zero cbETH layout, staker deposits and delegations, LRT deposits), run once, then
 * restored for each sequence from a Hardhat snapshot and a copy of the driver (test/model/cloneState.ts).
 *
 * A failure prints fast-check's seed and path and the shrunk command sequence, then the driver's last resolved steps.
 * Replay or run longer: `npm run fuzz -- --runs N --seed S [--path P --replay-path R] [--max-commands M]`
 * (scripts/fuzz.ts), or the variables FUZZ_RUNS, FUZZ_SEED, FUZZ_PATH, FUZZ_REPLAY_PATH, FUZZ_MAX_COMMANDS;
 * FUZZ_REPORT=1 prints the coverage of the run.
 */
import { expect } from "chai";
import fc from "fast-check";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { show } from "../helpers/model";
import { PropertyDriver, commandsArb } from "./commands";
import { lrtModelFixture, type LRTModelFixture } from "./lrtDriver";
import { profile } from "./profile";
import { RewardTracker, setUpRewards } from "./rewardState";
import { REWARD_COMMANDS } from "./rewardCommands";
import { ADMIN_COMMANDS } from "./adminCommands";

/** CI's defaults (see docs/verification.md for the cost per sequence and why these figures). */
const DEFAULT_RUNS = 200;
const DEFAULT_SEED = 12;
const DEFAULT_MAX_COMMANDS = 50;
/** The opening's seed (Walker.prologue). */
const OPENING_SEED = 6;

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name}: not an integer: ${raw}`);
  return n;
}

const RUNS = envInt("FUZZ_RUNS", DEFAULT_RUNS);
const SEED = envInt("FUZZ_SEED", DEFAULT_SEED);
const MAX_COMMANDS = envInt("FUZZ_MAX_COMMANDS", DEFAULT_MAX_COMMANDS);
const PATH = process.env.FUZZ_PATH?.trim() || undefined;
/** The counterexample's replayPath: a shrunk path replays only with it (fc.commands shrinks by the commands that ran). */
const REPLAY_PATH = process.env.FUZZ_REPLAY_PATH?.trim() || undefined;
const DEFAULTS =
  process.env.FUZZ_RUNS === undefined &&
  process.env.FUZZ_SEED === undefined &&
  process.env.FUZZ_MAX_COMMANDS === undefined &&
  PATH === undefined &&
  REPLAY_PATH === undefined;

/**
 * What the default run must have exercised over its sequences (kinds counted by the driver), or it proves little: every
 * path the former seeded random walk had to reach (docs/verification.md, "The seeded walk"), and the successful veto.
 */
const MUST_COVER = [
  // the everyday protocol
  "deposit",
  "delegate",
  "undelegate",
  "redelegate",
  "queue",
  "complete as tokens",
  "complete as shares",
  "complete reverts WithdrawalNotReady",
  "complete reverts PoolSlashPending",
  "allocate",
  "applyPendingAllocation",
  "requestSlash",
  "isolation checked (request)",
  "executeSlash",
  "isolation checked (execution)",
  "cancelSlash",
  "vetoSlash",
  "releaseSlashedFunds",
  "timeJump",
  "full read",
  // magnitudes near zero
  "allocate 1 wei of magnitude",
  "self-slash of 100% through an operator-owned AVS without committee",
  "request skips an asset its reservation would not cover a wei of",
  "High property checked on a non-zero allocated stake",
  // empty and dust pools
  "request against a pool of 0 wei",
  "deposit into a pool of 0 wei",
  "deposit into a pool after a request against it while it held 0-2 wei",
  // requests around the veto window
  "vetoSlash at executableAt - 1",
  "vetoSlash reverts VetoWindowClosed at executableAt",
  "executeSlash at executableAt",
  "executeSlash reverts SlashExpired at expiresAt",
  "cancelSlash at expiresAt",
  "request then completion in one block: the completion waits (PoolSlashPending)",
  // configuration changes in flight
  "updateAVSConfig queued",
  "requestSlash while a change of the AVS is queued",
  "new terms applied while a request of the AVS is pending or unreleased",
  "setWithdrawalDelay while withdrawals are queued",
  "setWithdrawalDelay while an allocation change is queued",
  // the LRT on the core (test/model/lrtDriver.ts)
  "lrt deposit to idle",
  "lrt deposit to a node",
  "lrtDeposit",
  "lrtRequest",
  "lrtProcess",
  "lrt request while a slash request is pending on a node's pool",
  "lrt processRequests with a pending slash above the tolerance: fulfils nothing more",
  "lrt rate falls at a slash or a price fall",
  // claims that pay (test/model/rewardCommands.ts)
  "claim pays",
  "claimCommission pays",
  // paused groups of every pausable target (test/model/adminState.ts): an action stopped by GroupPaused
  "GroupPaused registry GROUP_OPERATORS",
  "GroupPaused registry GROUP_DELEGATION",
  "GroupPaused sm GROUP_AVS",
  "GroupPaused sm GROUP_ALLOCATIONS",
  "GroupPaused sm GROUP_SLASHING",
  "GroupPaused rd GROUP_FUNDING",
  "GroupPaused rd GROUP_CLAIMS",
  "GroupPaused vault GROUP_DEPOSITS",
  "GroupPaused vault GROUP_WITHDRAWALS",
  "GroupPaused vault GROUP_DELEGATION",
  "GroupPaused lrt GROUP_DEPOSITS",
  "GroupPaused lrt GROUP_REDEEM_REQUESTS",
  "GroupPaused lrt GROUP_CLAIMS",
  "GroupPaused lrt GROUP_INSTANT_REDEEM",
  "GroupPaused lrt GROUP_OPERATIONS",
  "GroupPaused oracle GROUP_UPDATES",
  "oracleUpdatePrice",
  // the setters as state-changing commands (test/model/adminCommands.ts, rewardCommands.ts, lrtDriver.ts)
  "setDepositsEnabled",
  "deposit reverts DepositsDisabled",
  "setClaimer",
  "claimFor",
  "lrtSetAssetConfig",
  "lrtSetAssetConfig reverts RewardTokenNotAllowed",
  "lrt deposits disabled",
  "lrt cap below the deposits",
  "lrtSetRiskCaps",
  "lrtSetRiskCaps reverts InvalidParameter",
  "lrtDeposit reverts ConcentrationBreached",
  "lrtDeposit reverts SlashExposureBreached",
  "lrtSetBuffer",
  "lrtSetBuffer reverts InvalidParameter",
  "lrtSetProtocolFee",
  "lrtSetProtocolFee reverts InvalidParameter",
  "lrtSetAllowedAVSs",
  "lrtSetAllowedAVSs reverts ListFull",
  "lrtSetAllowedAVSs reverts ZeroAddress",
  "lrtDeposit reverts UnapprovedAllocation",
  // the LRT's rewards (test/model/lrtDriver.ts applyHarvest, rewardCommands.ts fundThenHarvest, adminCommands.ts)
  "lrtSetAssetConfig countRewards",
  "lrtSetAssetConfig countRewards off harvests",
  "lrt harvest moves rewards",
  "lrt FeeMinted",
  "lrt harvest forwards other rewards",
  "lrtSetConfig",
  "lrtSetConfig with other reward tokens",
  "lrtSetConfig reverts ListFull",
  "lrtSetConfig reverts ZeroAddress",
];

/** The chain after the opening, and the driver as it was then (never run itself: each sequence runs a copy). */
async function openedFixture(): Promise<{ f: LRTModelFixture; pristine: PropertyDriver }> {
  const f = await lrtModelFixture();
  const chain = await setUpRewards(f);
  const commissions: Array<[string, bigint]> = [];
  for (const op of f.operators) commissions.push([op.address, await f.registry.commissionBps(op.address)]);
  const d = new PropertyDriver(f, OPENING_SEED);
  d.attachRewards(new RewardTracker(chain, f.assetAddresses, commissions));
  await d.start();
  await d.prologue();
  return { f, pristine: d.fork() };
}

describe("Protocol model, property-based (fast-check commands; model and invariants checked after every command)", function () {
  this.timeout(0);

  /** What the sequences exercised, summed over them (kinds counted by the driver). */
  const coverage = new Map<string, number>();

  it(`${RUNS} sequences of up to ${MAX_COMMANDS} commands (seed ${SEED}${PATH === undefined ? "" : `, path ${PATH}`})`, async function () {
    let sequences = 0;
    let commands = 0;
    let running = 0;
    profile.install();
    const started = Date.now();
    await loadFixture(openedFixture);
    const opening = (Date.now() - started) / 1000;
    profile.reset();
    const arb = commandsArb(MAX_COMMANDS, [...REWARD_COMMANDS, ...ADMIN_COMMANDS], REPLAY_PATH);
    await fc.assert(
      fc.asyncProperty(arb, async (cmds) => {
        const { pristine } = await profile.phase("snapshot revert", () => loadFixture(openedFixture));
        const d = profile.phaseSync("driver copy", () => pristine.fork());
        const before = d.steps;
        const t0 = Date.now();
        try {
          await fc.asyncModelRun(() => ({ model: d, real: d }), cmds);
          await d.finish();
        } catch (e) {
          if (e instanceof Error) {
            const where = d.describeFailure().replace(/seed \d+, /, "");
            e.message = `${e.message}\n${where}`;
          }
          throw e;
        }
        // every command was followed by the check
        expect(d.checker.checks, "a check after every step").to.equal(d.steps);
        expect(d.steps, "one history line per step").to.equal(d.history.length);
        running += Date.now() - t0;
        sequences++;
        commands += d.steps - before - 1;
        for (const [k, n] of d.coverage)
          coverage.set(k, (coverage.get(k) ?? 0) + n - (pristine.coverage.get(k) ?? 0));
        // the actions a paused group stopped, by contract and group ("GroupPaused vault GROUP_DEPOSITS")
        for (const [k, n] of d.pauses.stopped) coverage.set(k, (coverage.get(k) ?? 0) + n);
      }),
      { numRuns: RUNS, seed: SEED, path: PATH, endOnFailure: false },
    );
    const seconds = (Date.now() - started) / 1000;
    if (process.env.FUZZ_REPORT !== undefined) {
      const perCommand = running / 1000 / Math.max(commands + sequences, 1);
      console.log(
        `${seconds.toFixed(0)} s in all: the opening ${opening.toFixed(0)} s; ${sequences} sequences of ${commands} commands ` +
          `(${(commands / Math.max(sequences, 1)).toFixed(1)} on average) in ${(running / 1000).toFixed(0)} s: ` +
          `${perCommand.toFixed(3)} s per command or final read, ${(perCommand * 51).toFixed(1)} s per sequence of 50`,
      );
      if (profile.enabled) console.log(profile.report(commands + sequences));
      console.log(show(Object.fromEntries([...coverage].filter(([, n]) => n > 0).sort())));
    }
  });

  // The default run must have reached every path of MUST_COVER (which ones a run reaches moves with any change of the
  // commands or the protocol's rules, so the requirement is on the default run as a whole).
  if (DEFAULTS) {
    it("the default run exercised every path of MUST_COVER", function () {
      const missing = MUST_COVER.filter((k) => (coverage.get(k) ?? 0) === 0);
      expect(missing, "never exercised by the default run").to.deep.equal([]);
    });
  }
});
