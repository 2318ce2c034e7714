/**
 * The reward commands of the property-based model test (issue #12; invariant 7 of docs/invariants.md): list a reward
 * token, fund a pool's stream (an AVS or anyone), claim (a staker, its claimer, an operator's commission), queue a
 * commission. Each predicts its exact outcome from the reward model (test/helpers/rewardModel.ts, through
 * test/model/rewardState.ts) and the paused groups (test/model/adminState.ts), runs as one step of the driver
 * (`PropertyDriver.act`: the chain must revert as predicted or succeed) and checks what it emitted and paid; the step's
 * check then compares every pending reward, commission and stream with the model and checks invariant 7.
 *
 * Claims that pay: a claim names a fixed account or the k-th of the accounts the reward model owes a non-zero amount
 * when it runs (stakers of funded pools whose stream ran since their last settlement), a commission claim likewise the
 * operators owed a commission, and RWA (listed at the opening) is the token claimed most often; so the default run
 * claims non-zero amounts, which must match the model (rewards within the bound of invariant 7, commissions exactly).
 *
 * The LRT's rewards: rETH (an LRT asset) is a reward token a command may list; `fundThenHarvest` lists it, turns the
 * LRT's countRewards of it on or off, funds a node's pool in it, waits and harvests (with a protocol fee change, or by
 * turning countRewards off), so that harvests move rewards and charge the protocol fee (test/model/lrtDriver.ts
 * applyHarvest). Claims and fundings in rETH move balances the core model checks (rewardState.ts, useCore).
 *
 * Edges: amounts at the token's minimum funding, 1 wei below it, 0 and 1e24; durations at MIN_DURATION and 1 s below,
 * MAX_DURATION and 1 s above; an unlisted token; a funding of a running stream (the rolling rule: StreamRescheduled
 * for a guarded remainder); a pool of a non-operator; commissions of 0, MAX_COMMISSION_BPS and 1 above.
 */
import fc from "fast-check";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionReceipt, Log } from "ethers";

import { DAY } from "../helpers/fixtures";
import { ModelRevert, type FundParams, type FundResult } from "../helpers/rewardModel";
import { HOUR, type Account } from "./protocolDriver";
import type { Outcome, Revert } from "./protocolModel";
import { ModelCommand, type PropertyDriver } from "./commands";
import { MIN_FUNDING, RETH_TOKEN, type RewardChain, type RewardTracker } from "./rewardState";

type D = PropertyDriver;

const MIN_DURATION = HOUR;
const MAX_DURATION = 365n * DAY;
const MAX_COMMISSION_BPS = 5_000n;
const COMMISSION_DELAY_BUFFER = DAY;
const LARGE = 10n ** 24n;

const STAKERS = ["alice", "bob", "carol", "dave", "erin", "frank", "op1", "op2", "op3"] as const;
const ASSETS = ["stETH", "rETH", "cbETH"] as const;
/** The reward tokens by their index in RewardChain: RWA, RWB and the LRT asset rETH (RETH_TOKEN). */
const TOKENS = ["RWA", "RWB", "rETH"] as const;
const FUNDERS = ["AVS X", "AVS Y", "AVS Z", "outsider"] as const;

/** A revert of the distributor. */
function rd(error: string, ...args: unknown[]): { revert: Revert } {
  return { revert: { target: "rd", error, args } };
}

function tracker(d: D): RewardTracker {
  const r = d.rewards;
  if (r === undefined) throw new Error("reward commands: the driver has no reward tracker");
  r.active = true;
  return r;
}

const hasTracker = (d: D): boolean => d.rewards !== undefined;

/** The distributor's events `name` in `receipt`, as arrays of their arguments. */
function rdEvents(d: D, receipt: ContractTransactionReceipt, name: string): unknown[][] {
  const rdc = d.fixture.rewardDistributor;
  const address = (rdc.target as string).toLowerCase();
  return receipt.logs
    .filter((l: Log) => l.address.toLowerCase() === address)
    .map((l) => rdc.interface.parseLog(l))
    .filter((e) => e !== null && e.name === name)
    .map((e) => [...(e?.args ?? [])]);
}

/* ---------------------------------------------------------------------------------------------------- funding */

/**
 * One funding step: `funder` funds `params` (`notOperator`: its operator is not one); the outcome is predicted in the
 * contract's order, the event checked, the funder's wallet followed.
 */
async function fundStep(
  d: D,
  funder: RewardChain["funders"][number],
  params: FundParams,
  notOperator: boolean,
) {
  const r = tracker(d);
  const { operator, asset, token, amount, duration } = params;
  const listed = r.isListed(token);
  const min = listed ? r.model.minFunding(token) : 1n;
  const symbol = TOKENS[r.chain.addresses.findIndex((t) => ethers.getAddress(t) === token)] ?? token;
  const at = d.now + d.gap;
  // the contract's order: ZeroAmount, InvalidDuration, RewardTokenNotAllowed (unlisted, then disabled),
  // FundingTooSmall, NotOperator, UnknownAsset (every asset here is listed), then the schedule's
  // TooManyStreams and StreamRescheduled (the model's)
  let outcome: Outcome<FundResult>;
  if (amount === 0n) outcome = rd("ZeroAmount");
  else if (duration < MIN_DURATION || duration > MAX_DURATION)
    outcome = rd("InvalidDuration", duration, MIN_DURATION, MAX_DURATION);
  else if (!listed || r.disabled.has(token)) outcome = rd("RewardTokenNotAllowed", token);
  else if (amount < min) outcome = rd("FundingTooSmall", token, amount, min);
  else if (notOperator) outcome = rd("NotOperator", operator);
  else {
    const preview = r.model.previewFunds([params], at);
    outcome =
      preview instanceof ModelRevert
        ? rd(preview.errorName, ...preview.args)
        : { commit: () => r.model.fund(params, at) };
  }
  await d.act(
    `fundRewards ${d.nameOf(funder.address)} -> ${d.nameOf(operator)} ${d.nameOf(asset)} ${symbol} ${amount} over ${duration}s`,
    outcome,
    () => d.fixture.rewardDistributor.connect(funder).fundRewards(operator, asset, token, amount, duration),
    (value, receipt) => {
      expect(rdEvents(d, receipt, "RewardsFunded"), "RewardsFunded").to.deep.equal([
        [funder.address, operator, asset, token, amount, value.commission, value.rate, value.periodFinish],
      ]);
      r.addWallet(funder.address, token, -amount);
      if (value.rolled)
        d.note(value.guarded ? "fundRewards rolls a guarded stream" : "fundRewards rolls dust");
    },
  );
}

type FundAmount = "min" | "min - 1 wei" | "0" | "1e24" | bigint;
type FundDuration = "MIN_DURATION" | "MIN_DURATION - 1" | "MAX_DURATION" | "MAX_DURATION + 1" | bigint;

const fundCmd = fc
  .record({
    funder: fc.nat(3),
    operator: fc.nat(3),
    asset: fc.nat(2),
    token: fc.oneof(
      { weight: 4, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.constant(RETH_TOKEN) },
    ),
    amount: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<FundAmount>("min", "min - 1 wei", "1e24", "0") },
      { weight: 3, arbitrary: fc.bigInt(10n ** 12n, 10n ** 21n) },
    ),
    duration: fc.oneof(
      {
        weight: 2,
        arbitrary: fc.constantFrom<FundDuration>(
          "MIN_DURATION",
          "MIN_DURATION - 1",
          "MAX_DURATION",
          "MAX_DURATION + 1",
        ),
      },
      { weight: 3, arbitrary: fc.bigInt(HOUR, 30n * DAY) },
    ),
  })
  .map((p) => {
    const op = p.operator === 3 ? "outsider" : `op${p.operator + 1}`;
    const amount = typeof p.amount === "bigint" ? `${p.amount} wei` : p.amount;
    const duration = typeof p.duration === "bigint" ? `${p.duration}s` : p.duration;
    return new ModelCommand(
      `fundRewards(${FUNDERS[p.funder]} -> ${op}, ${ASSETS[p.asset]}, ${TOKENS[p.token]}, ${amount}, ${duration})`,
      hasTracker,
      async (d) => {
        const r = tracker(d);
        const funder = r.chain.funders[p.funder];
        const token = ethers.getAddress(r.chain.addresses[p.token]);
        const operator = p.operator === 3 ? d.fixture.outsider.address : d.ops[p.operator].address;
        const asset = d.coreAssets[p.asset];
        const listed = r.isListed(token);
        const min = listed ? r.model.minFunding(token) : 1n;
        const amount =
          p.amount === "min"
            ? min
            : p.amount === "min - 1 wei"
              ? min - 1n
              : p.amount === "0"
                ? 0n
                : p.amount === "1e24"
                  ? LARGE
                  : p.amount;
        const duration =
          p.duration === "MIN_DURATION"
            ? MIN_DURATION
            : p.duration === "MIN_DURATION - 1"
              ? MIN_DURATION - 1n
              : p.duration === "MAX_DURATION"
                ? MAX_DURATION
                : p.duration === "MAX_DURATION + 1"
                  ? MAX_DURATION + 1n
                  : p.duration;
        await fundStep(d, funder, { operator, asset, token, amount, duration }, p.operator === 3);
      },
      1n,
    );
  });

/* ----------------------------------------------------------------------------------------------------- claims */

/** The tokens claimed: mostly RWA alone (listed at the opening, so that claims pay), else RWB (unlisted until
 * addRewardToken) alone or both, or rETH (a core asset: its payouts move balances the core model checks). */
const tokensArb: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<number[]>([0]) },
  { weight: 2, arbitrary: fc.constantFrom<number[]>([1], [0, 1]) },
  { weight: 1, arbitrary: fc.constantFrom<number[]>([RETH_TOKEN], [0, RETH_TOKEN]) },
);

/**
 * One claim step: `staker` claims the tokens `indices`, or an outsider claims them for it through claimFor (NotClaimer
 * unless the staker named the outsider its claimer: setClaimerCmd).
 */
async function claimStep(d: D, staker: Account, indices: number[], byOutsider: boolean): Promise<void> {
  const r = tracker(d);
  const tokens = indices.map((i) => ethers.getAddress(r.chain.addresses[i]));
  const at = d.now + d.gap;
  const caller = byOutsider ? d.fixture.outsider : staker;
  const unlisted = tokens.find((t) => !r.isListed(t));
  // the contract's order: the claimer check (claimFor), then each token's listing
  let outcome: Outcome<bigint[]>;
  if (byOutsider && !r.isClaimerOf(caller.address, staker.address)) {
    outcome = rd("NotClaimer", caller.address, staker.address);
  } else if (unlisted !== undefined) outcome = rd("RewardTokenNotAllowed", unlisted);
  else outcome = { commit: () => r.model.claim(staker.address, tokens, at) };
  const rdc = d.fixture.rewardDistributor;
  d.watchAccount(staker.address);
  await d.act(
    `${byOutsider ? "claimFor" : "claim"} ${d.nameOf(staker.address)} [${indices.map((i) => TOKENS[i]).join(", ")}] by ${d.nameOf(caller.address)}`,
    outcome,
    () =>
      byOutsider
        ? rdc.connect(caller).claimFor(staker.address, tokens, staker.address)
        : rdc.connect(staker).claim(tokens, staker.address),
    (value, receipt) => {
      const events = rdEvents(d, receipt, "RewardsClaimed");
      expect(
        events.map((e) => e.slice(0, 4)),
        "RewardsClaimed",
      ).to.deep.equal(tokens.map((t) => [staker.address, t, staker.address, caller.address]));
      const tolerance = r.tolerance(staker.address);
      events.forEach((e, i) => {
        const paid = e[4] as bigint;
        const gap = paid > value[i] ? paid - value[i] : value[i] - paid;
        expect(gap, `claim of ${tokens[i]}: chain ${paid}, model ${value[i]}`).to.be.lte(tolerance);
        if (gap > r.maxGapWei) r.maxGapWei = gap;
        r.addClaimed(tokens[i], paid);
        r.addWallet(staker.address, tokens[i], paid);
        if (paid !== 0n) d.note("claim pays");
      });
      r.settled(staker.address, r.model.heldAssets(staker.address).length);
    },
  );
}

/** One commission claim step: `caller` claims its commission in the tokens `indices` (exactly the model's). */
async function claimCommissionStep(d: D, caller: Account, indices: number[]): Promise<void> {
  const r = tracker(d);
  const tokens = indices.map((i) => ethers.getAddress(r.chain.addresses[i]));
  const unlisted = tokens.find((t) => !r.isListed(t));
  const outcome: Outcome<bigint[]> =
    unlisted !== undefined
      ? rd("RewardTokenNotAllowed", unlisted)
      : { commit: () => r.model.claimCommission(caller.address, tokens) };
  d.watchAccount(caller.address);
  await d.act(
    `claimCommission ${d.nameOf(caller.address)} [${indices.map((i) => TOKENS[i]).join(", ")}]`,
    outcome,
    () => d.fixture.rewardDistributor.connect(caller).claimCommission(tokens, caller.address),
    (value, receipt) => {
      // the operator receives exactly its commission
      expect(rdEvents(d, receipt, "CommissionClaimed"), "CommissionClaimed").to.deep.equal(
        tokens.map((t, i) => [caller.address, t, caller.address, value[i]]),
      );
      tokens.forEach((t, i) => {
        r.addClaimed(t, value[i]);
        r.addWallet(caller.address, t, value[i]);
        if (value[i] !== 0n) d.note("claimCommission pays");
      });
    },
  );
}

/**
 * Who claims: a fixed account, or (biased, so that claims pay) the k-th of the accounts the reward model owes a
 * non-zero amount of the claimed tokens when the command runs: stakers of pools whose stream ran since their last
 * settlement (the fixed account if none is owed anything).
 */
const earnerArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat(8) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

/** The k-th of `candidates` whose `owed` is non-zero, else `fallback`. */
function owedOne<T>(candidates: T[], owed: (c: T) => bigint, k: number | undefined, fallback: T): T {
  if (k === undefined) return fallback;
  const owing = candidates.filter((c) => owed(c) !== 0n);
  return owing.length === 0 ? fallback : owing[k % owing.length];
}

const claimCmd = fc
  .record({
    who: fc.nat(8),
    earner: earnerArb,
    tokens: tokensArb,
    by: fc.oneof(
      { weight: 4, arbitrary: fc.constant("self") },
      { weight: 2, arbitrary: fc.constant("outsider (claimFor)") },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `claim(${p.earner === undefined ? STAKERS[p.who] : `owed #${p.earner} or ${STAKERS[p.who]}`}, [${p.tokens.map((i) => TOKENS[i]).join(", ")}] by ${p.by})`,
        hasTracker,
        async (d) => {
          const r = tracker(d);
          const tokens = p.tokens.map((i) => ethers.getAddress(r.chain.addresses[i]));
          const at = d.now + d.gap;
          const listedTokens = tokens.filter((t) => r.isListed(t));
          const byOutsider = p.by !== "self";
          // claimFor: among the stakers that named the outsider their claimer, if any (else every account: NotClaimer)
          const named = d.accounts9.filter((a) => r.isClaimerOf(d.fixture.outsider.address, a.address));
          const candidates = byOutsider && named.length > 0 ? named : d.accounts9;
          const staker = owedOne(
            candidates,
            (a) => listedTokens.reduce((sum, t) => sum + r.model.pendingRewards(a.address, t, at), 0n),
            p.earner,
            byOutsider && named.length > 0 ? named[p.who % named.length] : d.accounts9[p.who],
          );
          await claimStep(d, staker, p.tokens, byOutsider);
        },
      ),
  );

const claimCommissionCmd = fc.record({ who: fc.nat(3), earner: earnerArb, tokens: tokensArb }).map(
  (p) =>
    new ModelCommand(
      `claimCommission(${p.earner === undefined ? "" : `owed #${p.earner} or `}${p.who === 3 ? "outsider" : `op${p.who + 1}`}, [${p.tokens.map((i) => TOKENS[i]).join(", ")}])`,
      hasTracker,
      async (d) => {
        const r = tracker(d);
        const tokens = p.tokens.map((i) => ethers.getAddress(r.chain.addresses[i]));
        const listedTokens = tokens.filter((t) => r.isListed(t));
        const caller = owedOne(
          d.ops,
          (o) => listedTokens.reduce((sum, t) => sum + r.model.pendingCommission(o.address, t), 0n),
          p.earner,
          p.who === 3 ? d.fixture.outsider : d.ops[p.who],
        );
        await claimCommissionStep(d, caller, p.tokens);
      },
    ),
);

/** The (staker, asset) positions of the signing accounts with active shares in an operator's pool, in a fixed order. */
function positions(d: D): Array<{ staker: Account; operator: Account; asset: string }> {
  const r = d.rewards;
  if (r === undefined) return [];
  const out: Array<{ staker: Account; operator: Account; asset: string }> = [];
  for (const staker of d.accounts9) {
    const op = r.model.operatorOf(staker.address);
    const operator = d.ops.find((o) => o.address.toLowerCase() === op.toLowerCase());
    if (operator === undefined) continue;
    for (const asset of d.coreAssets)
      if (r.model.sharesOf(staker.address, asset) !== 0n) out.push({ staker, operator, asset });
  }
  return out;
}

/** A paying funding's amount, duration and wait before its claim or harvest (fundThenClaim, fundThenHarvest). */
const paidFundingArb = fc.bigInt(10n ** 15n, 10n ** 21n);
const paidDurationArb = fc.bigInt(HOUR, 30n * DAY);
const paidWaitArb = fc.oneof(
  { weight: 2, arbitrary: fc.bigInt(60n, HOUR) },
  { weight: 2, arbitrary: fc.bigInt(HOUR, DAY) },
);

/**
 * A funding that pays: AVS X funds RWA to the pool of the k-th staked position (its operator, its asset), time passes
 * (a minute to a day, through the driver's time jump), then that staker claims RWA, and (or not) its operator claims
 * its commission. Four steps of the driver, each predicted and checked as the commands above check them; so that the
 * default run claims non-zero rewards and commissions (a funding and a later claim of its pool in one sequence are rare
 * among the other commands).
 */
const fundThenClaimCmd = fc
  .record({
    k: fc.nat(40),
    amount: paidFundingArb,
    duration: paidDurationArb,
    wait: paidWaitArb,
    commission: fc.boolean(),
    byClaimer: fc.oneof(
      { weight: 3, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `fundThenClaim(position #${p.k}, RWA ${p.amount} wei over ${p.duration}s, claim after ${p.wait}s${p.byClaimer ? " by the outsider it names (setClaimer, claimFor)" : ""}${p.commission ? ", then the commission" : ""})`,
        (d) => positions(d).length !== 0,
        async (d) => {
          const r = tracker(d);
          const all = positions(d);
          const { staker, operator, asset } = all[p.k % all.length];
          const token = ethers.getAddress(r.chain.addresses[0]);
          const params = { operator: operator.address, asset, token, amount: p.amount, duration: p.duration };
          await fundStep(d, r.chain.funders[0], params, false);
          if (p.byClaimer) await setClaimerStep(d, staker, "outsider");
          await d.timeJump(p.wait);
          await claimStep(d, staker, [0], p.byClaimer);
          if (p.commission) await claimCommissionStep(d, operator, [0]);
        },
      ),
  );

/** The LRT's (node, asset) positions with active vault shares (as the reward model knows them), in a fixed order. */
function nodePositions(d: D): Array<{ node: string; operator: string; asset: string }> {
  const r = d.rewards;
  if (r === undefined) return [];
  const out: Array<{ node: string; operator: string; asset: string }> = [];
  for (let i = 0; i < d.lrtNodeCount; i++) {
    const { address, operator } = d.lrtNode(i);
    if (r.model.operatorOf(address).toLowerCase() !== operator.toLowerCase()) continue;
    for (const asset of d.coreAssets)
      if (r.model.sharesOf(address, asset) !== 0n) out.push({ node: address, operator, asset });
  }
  return out;
}

type CountRewards = "on" | "off" | "as is" | "on, turned off to harvest";

/**
 * Rewards the LRT harvests: rETH listed on the distributor if it is not (addRewardToken by the admin at MIN_FUNDING),
 * setAssetConfig(rETH, countRewards) turned on, off (harvesting first if it was on) or left as is, AVS X funds rETH to
 * the pool of the k-th node position (the node's operator, the asset), time passes (through the driver's time jump),
 * the protocol fee changes or not (setProtocolFee harvests first at the old fee), then harvest() (or, after turning
 * countRewards on, setAssetConfig turning it off, which harvests first): the nodes' rETH rewards go to the manager's
 * idle with the fee minted to the treasury (countRewards on), or are left pending (off, and no other token
 * configured); one time in three the LRT forwards RWA too (setConfig names RWA its other reward token and the second
 * treasury its receiver, and AVS X funds RWA to the same pool). Each step predicted and checked as its own command
 * checks it.
 */
const fundThenHarvestCmd = fc
  .record({
    k: fc.nat(8),
    amount: paidFundingArb,
    duration: paidDurationArb,
    wait: paidWaitArb,
    countRewards: fc.oneof(
      { weight: 3, arbitrary: fc.constant<CountRewards>("on") },
      { weight: 1, arbitrary: fc.constant<CountRewards>("off") },
      { weight: 1, arbitrary: fc.constant<CountRewards>("as is") },
      { weight: 2, arbitrary: fc.constant<CountRewards>("on, turned off to harvest") },
    ),
    fee: fc.oneof(
      { weight: 3, arbitrary: fc.constant<bigint | undefined>(undefined) },
      { weight: 1, arbitrary: fc.constantFrom<bigint | undefined>(0n, 500n, 2_000n) },
    ),
    forward: fc.oneof(
      { weight: 2, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `fundThenHarvest(node position #${p.k}, rETH ${p.amount} wei over ${p.duration}s${p.forward ? " and RWA to forward (setConfig: others [RWA], receiver treasury2)" : ""}, countRewards ${p.countRewards}, harvest after ${p.wait}s${p.fee === undefined ? "" : ` and setProtocolFee(${p.fee})`})`,
        (d) => nodePositions(d).length !== 0,
        async (d) => {
          const r = tracker(d);
          const token = ethers.getAddress(r.chain.addresses[RETH_TOKEN]);
          if (!r.isListed(token)) await listStep(d, RETH_TOKEN, MIN_FUNDING, d.fixture.admin);
          const a = d.fixture.lrtAssets.findIndex((x) => ethers.getAddress(x) === token);
          if (p.countRewards !== "as is") {
            const c = d.lrtAssetConfig(a);
            await d.lrtSetAssetConfig(a, c.cap, c.enabled, p.countRewards !== "off");
          }
          const all = nodePositions(d);
          const { operator, asset } = all[p.k % all.length];
          await fundStep(
            d,
            r.chain.funders[0],
            { operator, asset, token, amount: p.amount, duration: p.duration },
            false,
          );
          if (p.forward) {
            const rwa = ethers.getAddress(r.chain.addresses[0]);
            const oracle = ethers.getAddress(d.fixture.oracle.target as string);
            await d.lrtSetConfig(oracle, d.lrtConfig().treasury, r.chain.treasury2.address, [rwa]);
            const params = { operator, asset, token: rwa, amount: p.amount, duration: p.duration };
            await fundStep(d, r.chain.funders[0], params, false);
          }
          await d.timeJump(p.wait);
          if (p.fee !== undefined) await d.lrtSetProtocolFee(p.fee);
          if (p.countRewards === "on, turned off to harvest") {
            const c = d.lrtAssetConfig(a);
            await d.lrtSetAssetConfig(a, c.cap, c.enabled, false);
          } else await d.lrtHarvest();
        },
      ),
  );

/* ------------------------------------------------------------------------------------------------- commission */

const commissionCmd = fc
  .record({
    who: fc.nat(3),
    bps: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(0n, MAX_COMMISSION_BPS, MAX_COMMISSION_BPS + 1n) },
      { weight: 3, arbitrary: fc.bigInt(1n, MAX_COMMISSION_BPS) },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `queueCommission(${p.who === 3 ? "outsider" : `op${p.who + 1}`}, ${p.bps} bps)`,
        hasTracker,
        async (d) => {
          const r = tracker(d);
          const caller = p.who === 3 ? d.fixture.outsider : d.ops[p.who];
          const at = d.now + d.gap;
          const delay = d.model.withdrawalDelay + COMMISSION_DELAY_BUFFER;
          const outcome: Outcome<bigint> =
            p.who === 3
              ? { revert: { target: "registry", error: "NotOperator", args: [caller.address] } }
              : p.bps > MAX_COMMISSION_BPS
                ? {
                    revert: {
                      target: "registry",
                      error: "CommissionTooHigh",
                      args: [p.bps, MAX_COMMISSION_BPS],
                    },
                  }
                : { commit: () => r.model.queueCommission(caller.address, p.bps, at, delay) };
          await d.act(
            `queueCommission ${d.nameOf(caller.address)} ${p.bps} bps`,
            outcome,
            () => d.fixture.registry.connect(caller).queueCommission(p.bps),
            (value, receipt) => {
              const reg = d.fixture.registry;
              const events = receipt.logs
                .filter((l) => l.address.toLowerCase() === (reg.target as string).toLowerCase())
                .map((l) => reg.interface.parseLog(l))
                .filter((e) => e !== null && e.name === "CommissionQueued")
                .map((e) => [...(e?.args ?? [])]);
              expect(events, "CommissionQueued").to.deep.equal([[caller.address, p.bps, value]]);
            },
          );
        },
      ),
  );

/* -------------------------------------------------------------------------------------------------- listing */

/** One addRewardToken step: `caller` lists reward token `index` with minimum funding `min`. */
async function listStep(d: D, index: number, min: bigint, caller: Account): Promise<void> {
  const r = tracker(d);
  const token = ethers.getAddress(r.chain.addresses[index]);
  const role = ethers.id("REWARDS_ADMIN_ROLE");
  const outcome: Outcome<void> =
    caller.address !== d.fixture.admin.address
      ? rd("AccessControlUnauthorizedAccount", caller.address, role)
      : min === 0n
        ? rd("ZeroMinFunding", token)
        : r.isListed(token)
          ? rd("RewardTokenAlreadyAdded", token)
          : {
              commit: () => {
                r.model.addRewardToken(token, min);
                r.listed.push(token);
              },
            };
  await d.act(`addRewardToken ${TOKENS[index]} min ${min} by ${d.nameOf(caller.address)}`, outcome, () =>
    d.fixture.rewardDistributor.connect(caller).addRewardToken(token, min),
  );
}

/** addRewardToken of RWA, RWB or rETH (the LRT asset: then setAssetConfig(rETH, countRewards) succeeds). */
const listCmd = fc
  .record({
    token: fc.nat(2),
    min: fc.constantFrom<bigint>(10n ** 12n, 1n, 0n, 10n ** 18n),
    caller: fc.oneof(
      { weight: 4, arbitrary: fc.constant("admin") },
      { weight: 1, arbitrary: fc.constant("outsider") },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(`addRewardToken(${TOKENS[p.token]}, min ${p.min}) by ${p.caller}`, hasTracker, (d) =>
        listStep(d, p.token, p.min, p.caller === "admin" ? d.fixture.admin : d.fixture.outsider),
      ),
  );

/** setMinFunding and setRewardTokenEnabled (REWARDS_ADMIN_ROLE). */
const tokenSettingCmd = fc
  .record({
    token: fc.nat(1),
    setting: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<bigint>(1n, 10n ** 12n, 10n ** 15n, 0n) },
      { weight: 2, arbitrary: fc.boolean() },
    ),
    caller: fc.oneof(
      { weight: 4, arbitrary: fc.constant("admin") },
      { weight: 1, arbitrary: fc.constant("outsider") },
    ),
  })
  .map((p) => {
    const what =
      typeof p.setting === "bigint"
        ? `setMinFunding(${TOKENS[p.token]}, ${p.setting})`
        : `setRewardTokenEnabled(${TOKENS[p.token]}, ${p.setting})`;
    return new ModelCommand(`${what} by ${p.caller}`, hasTracker, async (d) => {
      const r = tracker(d);
      const token = ethers.getAddress(r.chain.addresses[p.token]);
      const caller = p.caller === "admin" ? d.fixture.admin : d.fixture.outsider;
      const role = ethers.id("REWARDS_ADMIN_ROLE");
      const rdc = d.fixture.rewardDistributor.connect(caller);
      let outcome: Outcome<void>;
      if (p.caller !== "admin") outcome = rd("AccessControlUnauthorizedAccount", caller.address, role);
      else if (!r.isListed(token)) outcome = rd("RewardTokenNotAllowed", token);
      else if (p.setting === 0n) outcome = rd("ZeroMinFunding", token);
      else {
        const setting = p.setting;
        outcome = {
          commit: () => {
            if (typeof setting === "bigint") r.model.setMinFunding(token, setting);
            else if (setting) r.disabled.delete(token);
            else r.disabled.add(token);
          },
        };
      }
      const setting = p.setting;
      await d.act(
        `${typeof setting === "bigint" ? "setMinFunding" : "setRewardTokenEnabled"} ${TOKENS[p.token]} ${setting} by ${d.nameOf(caller.address)}`,
        outcome,
        () =>
          typeof setting === "bigint"
            ? rdc.setMinFunding(token, setting)
            : rdc.setRewardTokenEnabled(token, setting),
      );
    });
  });

/* --------------------------------------------------------------------------------------------------- claimers */

/** One setClaimer step: `staker` names the outsider its claimer, or none (address(0)). */
async function setClaimerStep(d: D, staker: Account, who: "outsider" | "none"): Promise<void> {
  const r = tracker(d);
  const claimer = who === "outsider" ? d.fixture.outsider.address : ethers.ZeroAddress;
  await d.act(
    `setClaimer ${d.nameOf(staker.address)} -> ${who}`,
    { commit: () => r.setClaimer(staker.address, claimer) },
    () => d.fixture.rewardDistributor.connect(staker).setClaimer(claimer),
    (_value, receipt) => {
      expect(rdEvents(d, receipt, "ClaimerSet"), "ClaimerSet").to.deep.equal([[staker.address, claimer]]);
    },
  );
}

/**
 * setClaimer(claimer) by a staker (anyone may name its own claimer; no role, no pause group): the outsider (then the
 * claim command's claimFor by the outsider claims for it) or address(0) (no claimer again: NotClaimer).
 */
const setClaimerCmd = fc
  .record({
    who: fc.nat(8),
    claimer: fc.oneof(
      { weight: 3, arbitrary: fc.constant<"outsider" | "none">("outsider") },
      { weight: 1, arbitrary: fc.constant<"outsider" | "none">("none") },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(`setClaimer(${STAKERS[p.who]} names ${p.claimer})`, hasTracker, (d) =>
        setClaimerStep(d, d.accounts9[p.who], p.claimer),
      ),
  );

/** The commands of the distributor's and the registry's actions a pause group stops (adminCommands.ts pauseThenAct). */
export const REWARD_GROUP_ACTIONS = {
  queueCommission: commissionCmd,
  fundRewards: fundCmd,
  claim: claimCmd,
} as const;

/** The reward commands with their weights (PropertyModel.test.ts adds them to the core's). */
export const REWARD_COMMANDS: Array<{ weight: number; arbitrary: fc.Arbitrary<ModelCommand> }> = [
  { weight: 5, arbitrary: fundCmd },
  { weight: 4, arbitrary: claimCmd },
  { weight: 2, arbitrary: claimCommissionCmd },
  { weight: 2, arbitrary: fundThenClaimCmd },
  { weight: 2, arbitrary: fundThenHarvestCmd },
  { weight: 1, arbitrary: commissionCmd },
  { weight: 1, arbitrary: listCmd },
  { weight: 1, arbitrary: tokenSettingCmd },
  { weight: 2, arbitrary: setClaimerCmd },
];
