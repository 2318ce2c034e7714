/**
 * The admin and pause commands of the property-based model test (issue #12; invariant 9 of docs/invariants.md):
 *   - pause(group) of each group of the registry, the slashing manager, the distributor, the vault and the LRT manager
 *     by the PAUSER_ROLE (a wallet holding only that role) or by an account without it; unpause(group) by
 *     DEFAULT_ADMIN_ROLE, by the pauser (it may not) or by an outsider. The paused groups persist across the following
 *     commands: every action of a paused group then must revert GroupPaused(group), the others work as the model says,
 *     and an LRT command that could reach a paused vault group is not generated (test/model/adminState.ts; the step's
 *     check compares pausedGroups() of the six contracts, the LRTOracle's included, with the book after every step);
 *     pauseThenAct pauses a group and runs one of the actions it stops in the next step;
 *   - a privileged call by an account without its role (an outsider, a staker, an operator, the pauser), across the
 *     vault, the registry, the slashing manager, the distributor and the LRT manager: it must revert
 *     AccessControlUnauthorizedAccount(account, role) and change nothing;
 *   - setAssetCap of cbETH (ASSET_ADMIN_ROLE; the one core asset the LRT does not take) at the pool's deposits, 1 wei
 *     above, 1 wei below and back at its cap: the model's cap follows, and deposits are predicted against it.;
 *   - setDepositsEnabled of each core asset (ASSET_ADMIN_ROLE): deposits of a disabled asset revert DepositsDisabled;
 *   - the LRT manager's setters at their edges (setAssetConfig, setRiskCaps, setBuffer, setProtocolFee,
 *     setAllowedAVSs; test/model/lrtDriver.ts): the LRT model's caps, flags, policy and allow-list follow, and every
 *     later LRT command is predicted from them.
 */
import fc from "fast-check";
import { expect } from "chai";
import { ethers } from "hardhat";
import type { ContractTransactionResponse } from "ethers";

import { GROUP_ACTIONS, ModelCommand, type PropertyDriver } from "./commands";
import { REWARD_GROUP_ACTIONS } from "./rewardCommands";
import { PAUSE_GROUPS, PAUSE_TARGETS, type PausableTarget } from "./adminState";
import type { Outcome, RevertTarget } from "./protocolModel";
import { CAPS, type Account } from "./protocolDriver";
import { LRT_CAPS } from "./lrtDriver";

type D = PropertyDriver;

const ROLE = {
  DEFAULT_ADMIN: ethers.ZeroHash,
  PAUSER: ethers.id("PAUSER_ROLE"),
  ASSET_ADMIN: ethers.id("ASSET_ADMIN_ROLE"),
  REWARDS_ADMIN: ethers.id("REWARDS_ADMIN_ROLE"),
  MANAGER: ethers.id("MANAGER_ROLE"),
} as const;

const hasTracker = (d: D): boolean => d.rewards !== undefined;

const LRT_ASSET_NAMES = ["stETH", "rETH"] as const;

function pauserOf(d: D): Account {
  const r = d.rewards;
  if (r === undefined) throw new Error("admin commands: the driver has no reward tracker (the pauser)");
  r.active = true;
  return r.chain.pauser;
}

function contractOf(
  d: D,
  target: PausableTarget,
): {
  pause: (caller: Account, groups: bigint) => Promise<ContractTransactionResponse>;
  unpause: (caller: Account, groups: bigint) => Promise<ContractTransactionResponse>;
} {
  const f = d.fixture;
  const oracle = d.rewards?.chain.oracle;
  if (oracle === undefined)
    throw new Error("admin commands: the driver has no reward tracker (the LRTOracle)");
  const c = {
    registry: f.registry,
    sm: f.sm,
    rd: f.rewardDistributor,
    vault: f.vault,
    lrt: f.manager,
    oracle,
  }[target];
  return {
    pause: (caller, groups) => c.connect(caller).pause(groups),
    unpause: (caller, groups) => c.connect(caller).unpause(groups),
  };
}

function unauthorized(target: RevertTarget, caller: string, role: string): Outcome<void> {
  return { revert: { target, error: "AccessControlUnauthorizedAccount", args: [caller, role] } };
}

/* -------------------------------------------------------------------------------------------------- pauses */

/** A group drawn by contract first (each of the six as often), then among its groups (k modulo 1, 2, 3 or 5: even). */
const groupArb = fc
  .record({ target: fc.nat(PAUSE_TARGETS.length - 1), k: fc.nat(59) })
  .map(({ target, k }) => {
    const groups = PAUSE_GROUPS.filter((x) => x.target === PAUSE_TARGETS[target]);
    return PAUSE_GROUPS.indexOf(groups[k % groups.length]);
  });

const pauseCmd = fc
  .record({
    g: groupArb,
    caller: fc.oneof(
      { weight: 4, arbitrary: fc.constant("pauser") },
      { weight: 1, arbitrary: fc.constant("outsider") },
    ),
  })
  .map((p) => {
    const g = PAUSE_GROUPS[p.g];
    return new ModelCommand(`pause(${g.target} ${g.name}) by ${p.caller}`, hasTracker, async (d) => {
      const pauser = pauserOf(d);
      const caller = p.caller === "pauser" ? pauser : d.fixture.outsider;
      const bits = d.pauses.bits(g.target) | (1n << BigInt(g.group));
      const outcome: Outcome<void> =
        p.caller === "pauser"
          ? { commit: () => d.pauses.set(g.target, bits) }
          : unauthorized(g.target, caller.address, ROLE.PAUSER);
      await d.act(`pause ${g.target} ${g.name} by ${d.nameOf(caller.address)}`, outcome, () =>
        contractOf(d, g.target).pause(caller, 1n << BigInt(g.group)),
      );
    });
  });

/** The group an unpause names: a fixed one, or the k-th of the groups paused when it runs (that fixed one if none). */
const unpauseCmd = fc
  .record({
    g: groupArb,
    paused: fc.oneof(
      { weight: 3, arbitrary: fc.nat(PAUSE_GROUPS.length - 1) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    caller: fc.oneof(
      { weight: 4, arbitrary: fc.constant("admin") },
      { weight: 1, arbitrary: fc.constantFrom("pauser", "outsider") },
    ),
  })
  .map((p) => {
    const fixed = PAUSE_GROUPS[p.g];
    const what = p.paused === undefined ? `${fixed.target} ${fixed.name}` : `paused group #${p.paused}`;
    return new ModelCommand(`unpause(${what}) by ${p.caller}`, hasTracker, async (d) => {
      const pauser = pauserOf(d);
      const paused = PAUSE_GROUPS.filter((x) => d.pauses.isPaused(x.target, x.group));
      const g = p.paused === undefined || paused.length === 0 ? fixed : paused[p.paused % paused.length];
      const caller =
        p.caller === "admin" ? d.fixture.admin : p.caller === "pauser" ? pauser : d.fixture.outsider;
      const bits = d.pauses.bits(g.target) & ~(1n << BigInt(g.group));
      // the pauser may pause, never unpause
      const outcome: Outcome<void> =
        p.caller === "admin"
          ? { commit: () => d.pauses.set(g.target, bits) }
          : unauthorized(g.target, caller.address, ROLE.DEFAULT_ADMIN);
      await d.act(`unpause ${g.target} ${g.name} by ${d.nameOf(caller.address)}`, outcome, () =>
        contractOf(d, g.target).unpause(caller, 1n << BigInt(g.group)),
      );
    });
  });

/** pause(group) of `target` by the pauser, as the pause command does it (the first step of the composites below). */
async function pauseByPauser(d: D, target: PausableTarget, name: string): Promise<void> {
  const pauser = pauserOf(d);
  const g = PAUSE_GROUPS.find((x) => x.target === target && x.name === name);
  if (g === undefined) throw new Error(`admin commands: no ${target} ${name}`);
  const bits = d.pauses.bits(g.target) | (1n << BigInt(g.group));
  await d.act(
    `pause ${g.target} ${g.name} by ${d.nameOf(pauser.address)}`,
    { commit: () => d.pauses.set(g.target, bits) },
    () => contractOf(d, g.target).pause(pauser, 1n << BigInt(g.group)),
  );
}

/* ------------------------------------------------------------------------------------------- unauthorized calls */

interface Privileged {
  name: string;
  target: RevertTarget;
  role: string;
  send: (d: D, caller: Account) => Promise<ContractTransactionResponse>;
}

const PRIVILEGED: Privileged[] = [
  {
    name: "vault.setWithdrawalDelay",
    target: "vault",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.vault.connect(c).setWithdrawalDelay(5n * 86_400n),
  },
  {
    name: "vault.setAssetCap",
    target: "vault",
    role: ROLE.ASSET_ADMIN,
    send: (d, c) => d.fixture.vault.connect(c).setAssetCap(d.coreAssets[2], 1n),
  },
  {
    name: "vault.setDepositsEnabled",
    target: "vault",
    role: ROLE.ASSET_ADMIN,
    send: (d, c) => d.fixture.vault.connect(c).setDepositsEnabled(d.coreAssets[0], false),
  },
  {
    name: "vault.pause",
    target: "vault",
    role: ROLE.PAUSER,
    send: (d, c) => d.fixture.vault.connect(c).pause(1n),
  },
  {
    name: "vault.upgradeToAndCall",
    target: "vault",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.vault.connect(c).upgradeToAndCall(d.fixture.registryAddress, "0x"),
  },
  {
    name: "registry.grantRole",
    target: "registry",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.registry.connect(c).grantRole(ROLE.PAUSER, c.address),
  },
  {
    name: "registry.unpause",
    target: "registry",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.registry.connect(c).unpause(3n),
  },
  {
    name: "sm.unpause",
    target: "sm",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.sm.connect(c).unpause(7n),
  },
  {
    name: "rd.addRewardToken",
    target: "rd",
    role: ROLE.REWARDS_ADMIN,
    send: (d, c) => d.fixture.rewardDistributor.connect(c).addRewardToken(c.address, 1n),
  },
  {
    name: "rd.setMinFunding",
    target: "rd",
    role: ROLE.REWARDS_ADMIN,
    send: (d, c) => d.fixture.rewardDistributor.connect(c).setMinFunding(c.address, 1n),
  },
  {
    name: "manager.setBuffer",
    target: "lrt",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) => d.fixture.manager.connect(c).setBuffer(0, 0, 0),
  },
  {
    name: "manager.setConfig",
    target: "lrt",
    role: ROLE.DEFAULT_ADMIN,
    send: (d, c) =>
      d.fixture.manager.connect(c).setConfig(d.fixture.oracle.target as string, c.address, c.address, []),
  },
  {
    name: "manager.setWeights",
    target: "lrt",
    role: ROLE.MANAGER,
    send: (d, c) => d.fixture.manager.connect(c).setWeights([1, 1, 1]),
  },
];

const CALLERS = ["outsider", "alice", "op1", "the pauser"] as const;

const unauthorizedCmd = fc
  .record({ call: fc.nat(PRIVILEGED.length - 1), caller: fc.nat(CALLERS.length - 1) })
  // the pauser holds PAUSER_ROLE on the vault (rewardState.ts setUpRewards): its vault.pause is no unauthorized call
  .filter((p) => !(PRIVILEGED[p.call].role === ROLE.PAUSER && CALLERS[p.caller] === "the pauser"))
  .map(
    (p) =>
      new ModelCommand(
        `${PRIVILEGED[p.call].name} by ${CALLERS[p.caller]} (no role)`,
        hasTracker,
        async (d) => {
          const call = PRIVILEGED[p.call];
          const pauser = pauserOf(d);
          const caller = [d.fixture.outsider, d.accounts9[0], d.ops[0], pauser][p.caller];
          await d.act(
            `unauthorized ${call.name} by ${d.nameOf(caller.address)}`,
            unauthorized(call.target, caller.address, call.role),
            () => call.send(d, caller),
          );
        },
      ),
  );

/* -------------------------------------------------------------------------------------------------- asset caps */

type CapEdge = "deposits" | "deposits + 1 wei" | "deposits - 1 wei" | "the fixture's cap";

const capCmd = fc
  .constantFrom<CapEdge>("deposits", "deposits + 1 wei", "deposits - 1 wei", "the fixture's cap")
  .map(
    (edge) =>
      new ModelCommand(`setAssetCap(cbETH, ${edge}) by the asset admin`, hasTracker, async (d) => {
        pauserOf(d);
        const asset = d.coreAssets[2];
        const m = d.model;
        const deposited = m.totalDeposited(asset);
        const cap =
          edge === "deposits"
            ? deposited
            : edge === "deposits + 1 wei"
              ? deposited + 1n
              : edge === "deposits - 1 wei"
                ? deposited > 0n
                  ? deposited - 1n
                  : 0n
                : CAPS[2];
        await d.act(
          `setAssetCap cbETH ${cap}`,
          { commit: () => m.setCap(asset, cap) },
          () => d.fixture.vault.connect(d.fixture.admin).setAssetCap(asset, cap),
          (_value, receipt) => {
            const v = d.fixture.vault;
            const events = receipt.logs
              .map((l) => v.interface.parseLog(l))
              .filter((e) => e !== null && e.name === "AssetCapSet")
              .map((e) => [...(e?.args ?? [])]);
            expect(events, "AssetCapSet").to.deep.equal([[asset, cap]]);
          },
        );
      }),
  );

/* ----------------------------------------------------------------------------------------- deposits enabled */

const CORE_ASSET_NAMES = ["stETH", "rETH", "cbETH"] as const;

/**
 * setDepositsEnabled(asset, enabled) by the asset admin (ASSET_ADMIN_ROLE) on each core asset: the model's flag
 * follows, and a deposit of a disabled asset must revert DepositsDisabled(asset) (after ZeroAmount, before the cap:
 * RestakingVault._deposit's order), also an LRT deposit the LRT routes to a node (the node's vault deposit, which the
 * LRT model predicts with the core model's; LRTRisk's node choice does not look at the flag).
 */
const depositsEnabledCmd = fc.record({ a: fc.nat(2), enabled: fc.boolean() }).map(
  (p) =>
    new ModelCommand(
      `setDepositsEnabled(${CORE_ASSET_NAMES[p.a]}, ${p.enabled}) by the asset admin`,
      hasTracker,
      async (d) => {
        pauserOf(d);
        const asset = d.coreAssets[p.a];
        await d.act(
          `setDepositsEnabled ${CORE_ASSET_NAMES[p.a]} ${p.enabled}`,
          { commit: () => d.model.setDepositsEnabled(asset, p.enabled) },
          () => d.fixture.vault.connect(d.fixture.admin).setDepositsEnabled(asset, p.enabled),
          (_value, receipt) => {
            const v = d.fixture.vault;
            const events = receipt.logs
              .map((l) => v.interface.parseLog(l))
              .filter((e) => e !== null && e.name === "AssetDepositsEnabledSet")
              .map((e) => [...(e?.args ?? [])]);
            expect(events, "AssetDepositsEnabledSet").to.deep.equal([[asset, p.enabled]]);
          },
        );
      },
    ),
);

/* ------------------------------------------------------------------------------------------------- the oracle */

/** updatePrice(stETH) on the LRTOracle (test/model/rewardState.ts RewardChain.oracle) by an outsider. */
const oracleUpdateCmd = fc.constant(
  new ModelCommand("updatePrice(stETH) on the LRTOracle by outsider", hasTracker, async (d) => {
    pauserOf(d); // the step's check reads the rewards and the paused groups from here on
    const chain = d.rewards?.chain;
    if (chain === undefined) throw new Error("admin commands: no LRTOracle");
    const asset = d.fixture.stETHAddress;
    const at = d.now + d.gap;
    // the identity adapter's price, within every bound: stored again (GroupPaused while GROUP_UPDATES is, by the gate)
    await d.act(
      `oracleUpdatePrice stETH`,
      { commit: () => undefined },
      () => chain.oracle.connect(d.fixture.outsider).updatePrice(asset),
      (_value, receipt) => {
        const events = receipt.logs
          .map((l) => chain.oracle.interface.parseLog(l))
          .filter((e) => e !== null && e.name === "PriceUpdated")
          .map((e) => [...(e?.args ?? [])]);
        expect(events, "PriceUpdated").to.deep.equal([[asset, chain.oraclePrice, chain.oraclePrice, at]]);
      },
    );
  }),
);

/* ------------------------------------------------------------------------------------------- the LRT's setters */

type LrtCapEdge = "the deposits" | "the deposits - 1 wei" | "0" | "the fixture's cap" | "uint96 max + 1";

/**
 * setAssetConfig(asset, cap, enabled, countRewards) by the manager role (test/model/lrtDriver.ts lrtSetAssetConfig):
 * the cap at the LRT's counted deposits, 1 wei below, 0, back at the fixture's, and above a uint96 (stored clamped);
 * deposits disabled 1 time in 4; countRewards 1 time in 5 (the distributor's RewardTokenNotAllowed for stETH, never
 * listed, and for rETH until a command lists it; then the LRT counts the nodes' rETH rewards), and countRewards off
 * while on harvests first.
 */
const lrtAssetConfigCmd = fc
  .record({
    a: fc.nat(1),
    cap: fc.constantFrom<LrtCapEdge>(
      "the deposits",
      "the deposits - 1 wei",
      "0",
      "the fixture's cap",
      "uint96 max + 1",
    ),
    enabled: fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    countRewards: fc.oneof(
      { weight: 4, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtSetAssetConfig(${LRT_ASSET_NAMES[p.a]}, cap ${p.cap}, enabled ${p.enabled}, countRewards ${p.countRewards})`,
        hasTracker,
        async (d) => {
          pauserOf(d);
          const deposited = d.lrtDeposited(p.a);
          const cap =
            p.cap === "the deposits"
              ? deposited
              : p.cap === "the deposits - 1 wei"
                ? deposited > 0n
                  ? deposited - 1n
                  : 0n
                : p.cap === "0"
                  ? 0n
                  : p.cap === "the fixture's cap"
                    ? LRT_CAPS[p.a]
                    : 1n << 96n;
          await d.lrtSetAssetConfig(p.a, cap, p.enabled, p.countRewards);
        },
      ),
  );

/**
 * setRiskCaps(maxOperatorShareBps, maxSlashExposureBps) by the manager role: each at 0 (the concentration cap's 0
 * reverts), a value inside, 10,000 (the fixture's) and 10,001 (InvalidParameter); later deposits' node choice follows.
 */
const lrtRiskCapsCmd = fc
  .record({
    share: fc.constantFrom(0n, 1n, 4_000n, 10_000n, 10_001n),
    exposure: fc.constantFrom(0n, 2_000n, 10_000n, 10_001n),
  })
  .map(
    (p) =>
      new ModelCommand(`lrtSetRiskCaps(${p.share}, ${p.exposure}) by the manager`, hasTracker, async (d) => {
        pauserOf(d);
        await d.lrtSetRiskCaps(p.share, p.exposure);
      }),
  );

/**
 * One risk cap lowered for one deposit, then both restored: the concentration cap to 1 bps or 10%, or the slash
 * exposure cap to 0 or 20%. The deposit that would stake on a node (its amount above the buffer's refill) then finds
 * the nodes over the cap and reverts ConcentrationBreached or SlashExposureBreached (LRTRisk._refusal's order), unless
 * the buffer takes it all or a node stays under the cap. The plain setter and a later deposit meet in one sequence only
 * by chance: the default run reached each refusal a few times, then, with other commands in the mix, not at all.
 */
const lrtRiskCapsThenDepositCmd = fc
  .record({
    cap: fc.constantFrom<[string, bigint]>(
      ["concentration", 1n],
      ["concentration", 1_000n],
      ["exposure", 0n],
      ["exposure", 2_000n],
    ),
    user: fc.nat(2),
    a: fc.nat(1),
    tokens: fc.bigInt(20n, 200n),
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtRiskCapsThenDeposit(${p.cap[0]} cap ${p.cap[1]} bps; user${p.user + 1} deposits ${p.tokens} ${LRT_ASSET_NAMES[p.a]}; caps restored)`,
        hasTracker,
        async (d) => {
          pauserOf(d);
          const [share, exposure] = d.lrtRiskCaps();
          await d.lrtSetRiskCaps(
            ...(p.cap[0] === "concentration"
              ? ([p.cap[1], exposure] as const)
              : ([share, p.cap[1]] as const)),
          );
          await d.lrtDeposit(d.users[p.user], p.a, p.tokens * 10n ** 18n, 0n);
          await d.lrtSetRiskCaps(share, exposure);
        },
      ),
  );

/**
 * setBuffer(bufferBps, baseFeeBps, maxFeeBps) by the default admin: the buffer at 0, the fixture's 15%, 100% and
 * 100% + 1 bps; the fees at the fixture's, 0, both at the 10% bound, the max fee 1 bps above it, the base 1 bps above
 * the max. Later deposits' routing (the buffer first) and instant redemptions' fees follow.
 */
const lrtBufferCmd = fc
  .record({
    buffer: fc.constantFrom(0n, 1_500n, 10_000n, 10_001n),
    fees: fc.constantFrom<[bigint, bigint]>(
      [50n, 500n],
      [0n, 0n],
      [1_000n, 1_000n],
      [0n, 1_001n],
      [501n, 500n],
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtSetBuffer(${p.buffer}, fees ${p.fees[0]}-${p.fees[1]}) by the admin`,
        hasTracker,
        async (d) => {
          pauserOf(d);
          await d.lrtSetBuffer(p.buffer, p.fees[0], p.fees[1]);
        },
      ),
  );

/** setProtocolFee(fee) by the default admin: 0, the fixture's 10%, the 20% bound and 1 bps above it. */
const lrtProtocolFeeCmd = fc.constantFrom(0n, 1_000n, 2_000n, 2_001n).map(
  (fee) =>
    new ModelCommand(`lrtSetProtocolFee(${fee}) by the admin`, hasTracker, async (d) => {
      pauserOf(d);
      await d.lrtSetProtocolFee(fee);
    }),
);

type AvsList = "X, Y, Z" | "X" | "none" | "17 entries" | "X and address(0)";

/**
 * setAllowedAVSs(list) by the manager role: the fixture's X, Y, Z, X alone, none, 17 entries (ListFull) and one
 * address(0) (ZeroAddress); later deposits' risk checks (allocations outside the list) follow.
 */
const lrtAllowedCmd = fc
  .constantFrom<AvsList>("X, Y, Z", "X, Y, Z", "X", "none", "17 entries", "X and address(0)")
  .map(
    (list) =>
      new ModelCommand(`lrtSetAllowedAVSs(${list}) by the manager`, hasTracker, async (d) => {
        pauserOf(d);
        const f = d.fixture;
        const xyz = [f.avs.address, f.avs2.address, f.avs3.address];
        const avss =
          list === "X, Y, Z"
            ? xyz
            : list === "X"
              ? [xyz[0]]
              : list === "none"
                ? []
                : list === "17 entries"
                  ? Array.from({ length: 17 }, (_, i) => xyz[i % 3])
                  : [xyz[0], ethers.ZeroAddress];
        await d.lrtSetAllowedAVSs(avss);
      }),
  );

/** The command each group's pauseThenAct runs after the pause (PAUSE_GROUPS' order): an action the group stops. */
const GROUP_ACTION: ReadonlyArray<ReadonlyArray<fc.Arbitrary<ModelCommand>>> = [
  [REWARD_GROUP_ACTIONS.queueCommission], // registry GROUP_OPERATORS
  [GROUP_ACTIONS.delegate], // registry GROUP_DELEGATION
  [GROUP_ACTIONS.updateAVSConfig], // sm GROUP_AVS
  [GROUP_ACTIONS.allocate], // sm GROUP_ALLOCATIONS
  [GROUP_ACTIONS.requestSlash], // sm GROUP_SLASHING
  [REWARD_GROUP_ACTIONS.fundRewards], // rd GROUP_FUNDING
  [REWARD_GROUP_ACTIONS.claim], // rd GROUP_CLAIMS
  [GROUP_ACTIONS.deposit], // vault GROUP_DEPOSITS
  [GROUP_ACTIONS.queue], // vault GROUP_WITHDRAWALS
  [GROUP_ACTIONS.delegate], // vault GROUP_DELEGATION
  [GROUP_ACTIONS.lrtDeposit], // lrt GROUP_DEPOSITS
  [GROUP_ACTIONS.lrtRequest], // lrt GROUP_REDEEM_REQUESTS
  [GROUP_ACTIONS.lrtClaim], // lrt GROUP_CLAIMS
  [GROUP_ACTIONS.lrtInstant], // lrt GROUP_INSTANT_REDEEM
  [GROUP_ACTIONS.lrtProcess, GROUP_ACTIONS.lrtHarvest], // lrt GROUP_OPERATIONS
  [oracleUpdateCmd], // oracle GROUP_UPDATES
];

/**
 * pause(group) by the pauser, then, in the next step, one of the actions that group stops (drawn as its own command
 * draws it; run when that command applies, which for an LRT command also means no vault group it reaches is paused:
 * adminState.ts). Sixteen groups, each met by a few commands among many: the plain pause command meets a given stop in
 * the default run only by chance, and which ones it met moved with every change of the mix (the vault's DELEGATION
 * with the setters, the LRT's OPERATIONS, DEPOSITS and the distributor's FUNDING after them). The action may still
 * revert before the gate (a check the call makes first) or, if the group's bit was already set, meet an earlier
 * paused gate: the book predicts either.
 */
const pauseThenActCmd = fc
  .nat(PAUSE_GROUPS.length - 1)
  .chain((g) => fc.oneof(...GROUP_ACTION[g]).map((action) => ({ g, action })))
  .map(({ g, action }) => {
    const { target, name } = PAUSE_GROUPS[g];
    return new ModelCommand(
      `pauseThenAct(${target} ${name}, then ${action.label})`,
      hasTracker,
      async (d) => {
        await pauseByPauser(d, target, name);
        if (action.check(d)) await action.run(d);
      },
    );
  });

type OtherTokens = "none" | "RWA" | "RWA, RWB" | "9 entries";
type ConfigAccount = "treasury" | "treasury2" | "address(0)";

/**
 * setConfig(oracle, treasury, rewardsReceiver, otherRewardTokens) by the default admin (test/model/lrtDriver.ts
 * lrtSetConfig): the other reward tokens none, RWA, RWA and RWB (RWB unlisted until a command lists it: a harvest then
 * reverts the distributor's RewardTokenNotAllowed(RWB)) or 9 entries (ListFull(8)); the treasury and the receiver each
 * the fixture's treasury or a second one, or address(0) (ZeroAddress), as the oracle is (else the LRT's
 * MockLRTOracle, which the model prices from). Later harvests forward the other tokens to the receiver and mint the fee
 * to the treasury.
 */
const lrtConfigCmd = fc
  .record({
    others: fc.constantFrom<OtherTokens>("RWA", "none", "RWA, RWB", "9 entries"),
    treasury: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<ConfigAccount>("treasury", "treasury2") },
      { weight: 1, arbitrary: fc.constant<ConfigAccount>("address(0)") },
    ),
    receiver: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<ConfigAccount>("treasury2", "treasury") },
      { weight: 1, arbitrary: fc.constant<ConfigAccount>("address(0)") },
    ),
    zeroOracle: fc.oneof(
      { weight: 6, arbitrary: fc.constant(false) },
      { weight: 1, arbitrary: fc.constant(true) },
    ),
  })
  .map(
    (p) =>
      new ModelCommand(
        `lrtSetConfig(oracle ${p.zeroOracle ? "address(0)" : "the LRT's"}, treasury ${p.treasury}, receiver ${p.receiver}, others ${p.others}) by the admin`,
        hasTracker,
        async (d) => {
          pauserOf(d);
          const chain = d.rewards?.chain;
          if (chain === undefined) throw new Error("admin commands: the driver has no reward tracker");
          const f = d.fixture;
          const account = (a: ConfigAccount): string =>
            a === "treasury"
              ? f.treasury.address
              : a === "treasury2"
                ? chain.treasury2.address
                : ethers.ZeroAddress;
          const [rwa, rwb] = chain.addresses.map((t) => ethers.getAddress(t));
          const others =
            p.others === "none"
              ? []
              : p.others === "RWA"
                ? [rwa]
                : p.others === "RWA, RWB"
                  ? [rwa, rwb]
                  : Array.from({ length: 9 }, (_, i) => (i % 2 === 0 ? rwa : rwb));
          const oracle = p.zeroOracle ? ethers.ZeroAddress : ethers.getAddress(f.oracle.target as string);
          await d.lrtSetConfig(oracle, account(p.treasury), account(p.receiver), others);
        },
      ),
  );

/** The admin commands with their weights (PropertyModel.test.ts adds them to the core's). */
export const ADMIN_COMMANDS: Array<{ weight: number; arbitrary: fc.Arbitrary<ModelCommand> }> = [
  { weight: 3, arbitrary: pauseCmd },
  { weight: 3, arbitrary: unpauseCmd },
  { weight: 2, arbitrary: pauseThenActCmd },
  { weight: 1, arbitrary: unauthorizedCmd },
  { weight: 1, arbitrary: capCmd },
  { weight: 1, arbitrary: depositsEnabledCmd },
  { weight: 1, arbitrary: lrtAssetConfigCmd },
  { weight: 1, arbitrary: lrtRiskCapsCmd },
  { weight: 1, arbitrary: lrtRiskCapsThenDepositCmd },
  { weight: 1, arbitrary: lrtBufferCmd },
  { weight: 1, arbitrary: lrtProtocolFeeCmd },
  { weight: 1, arbitrary: lrtAllowedCmd },
  { weight: 1, arbitrary: lrtConfigCmd },
  { weight: 2, arbitrary: oracleUpdateCmd },
];
