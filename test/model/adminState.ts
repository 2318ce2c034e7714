/**
 * Paused groups in the property-based model test (issue #12, invariant 9 of docs/invariants.md): which groups of the
 * registry, the slashing manager, the distributor, the vault, the LRT manager and the LRTOracle the sequence paused,
 * and the outcome every action of the driver must then have. A paused group's functions revert GroupPaused(group) (the
 * error of ProtocolUpgradeable, the base of all six) at their `whenNotPaused` modifier; the other groups, and the
 * functions in no group, work as the model says.
 *
 * Which actions reach which group (the tables of docs/invariants.md §9), by the first word of the driver's label, each
 * gate in the order the call meets it; "after E" lists the reverts the model predicts that come before the gate (the
 * predicted revert then stands), any other outcome (success or a later revert) becomes GroupPaused:
 *   registry GROUP_OPERATORS (0)   queueCommission
 *   registry GROUP_DELEGATION (1)  delegate, undelegate, redelegate (the registry's delegateTo, undelegate,
 *                                  redelegate), undelegateNode (an operator undelegating an LRT node); lrtRedelegate
 *                                  (the manager's redelegateNode calls the registry's delegateTo) when the manager's own
 *                                  checks pass (its NodeNotEmpty comes first)
 *   sm GROUP_AVS (0)               updateAVSConfig, registerOperatorToAVS (not deregisterOperatorFromAVS, applyAVSConfig)
 *   sm GROUP_ALLOCATIONS (1)       allocate (modifyAllocation; not applyPendingAllocation)
 *   sm GROUP_SLASHING (2)          requestSlash, executeSlash (not vetoSlash, cancelSlash, releaseSlashedFunds)
 *   rd GROUP_FUNDING (0)           fundRewards
 *   rd GROUP_CLAIMS (1)            claim, claimFor, claimCommission
 *   vault GROUP_DEPOSITS (0)       deposit (its first check)
 *   vault GROUP_WITHDRAWALS (1)    queue, complete (their first check); undelegate, redelegate, undelegateNode after
 *                                  the registry's OperatorCannotUndelegate, StakerNotDelegated,
 *                                  NotAuthorizedToUndelegate and after the vault's GROUP_DELEGATION (the vault's
 *                                  undelegate checks both; redelegate's NotOperator comes later, at its delegation)
 *   vault GROUP_DELEGATION (2)     delegate after the registry's NotOperator; undelegate, redelegate, undelegateNode
 *                                  after the registry's three checks above
 *   lrt GROUP_DEPOSITS (0)         lrtDeposit (the manager's deposit, called by the entry point first thing)
 *   lrt GROUP_REDEEM_REQUESTS (1)  lrtRequest
 *   lrt GROUP_CLAIMS (2)           lrtClaim (claim, redeem, withdraw: the entry point's authorization passes, a user
 *                                  claims its own)
 *   lrt GROUP_INSTANT_REDEEM (3)   lrtInstant
 *   lrt GROUP_OPERATIONS (4)       lrtProcess, lrtComplete, lrtHarvest, lrtRebalance (rebalance's onlyRole passes:
 *                                  the admin holds MANAGER_ROLE); not lrtSync, lrtRedelegate, lrtSetWeights
 *   oracle GROUP_UPDATES (0)       oracleUpdatePrice (the LRTOracle's updatePrice, its first check)
 *
 * The LRT on a paused vault (design (b) of issue #12's brief). The LRT's commands reach the vault through its nodes,
 * and whether one does depends on what the LRT decides on the chain (a deposit stakes on a node or stays idle, a
 * processRequests queues withdrawals only when idle is short): the label cannot say, and the LRT model does not predict
 * a vault revert inside them. Design (a), predicting it, would put a second copy of the manager's routing (which node a
 * deposit or a fulfilment reaches, through which vault function) into every LRT command for one state, a live LRT on a
 * paused vault, that a unit test pins down directly and exactly. So while a vault group an LRT command can reach is
 * paused, that command is not generated (`PauseBook.generates`, the commands' fast-check `check`): lrtDeposit and
 * lrtRiskCapsThenDeposit while the vault's DEPOSITS are paused;
 * lrtProcessRequests, slashThenProcess, lrtCompleteWithdrawals and lrtRebalance while its WITHDRAWALS are; lrtNode (undelegateNode,
 * syncNode, redelegateNode) while its WITHDRAWALS or DELEGATION are. The core's actions are gated exactly (above), the
 * LRT's other commands (request, claim, instant redeem, harvest, prices, weights) reach no vault group and keep
 * running; the LRT's behaviour under a paused vault (a deposit routed to a node and every queueing or completing path
 * revert the vault's GroupPaused and change nothing, a redemption request works) is test/lrt/LRTVaultPause.test.ts.
 *
 * The LRTOracle. The LRT in this test reads a MockLRTOracle (no pause groups; the oraclePrice command moves its
 * prices), so a real LRTOracle stands beside it (test/model/rewardState.ts `RewardChain.oracle`: stETH through its
 * identity adapter, no minimum interval): its updatePrice is an admin command (it stores the same price again, or
 * reverts GroupPaused(0) while GROUP_UPDATES is paused), and its pausedGroups() is compared after every step. Its
 * pause changes nothing of the LRT here (the manager reads `price`, a view no group pauses).
 */
import { isRevert, type Outcome } from "./protocolModel";

export type PausableTarget = "registry" | "sm" | "rd" | "vault" | "lrt" | "oracle";

export const PAUSE_TARGETS: readonly PausableTarget[] = ["registry", "sm", "rd", "vault", "lrt", "oracle"];

export const PAUSE_GROUPS: ReadonlyArray<{ target: PausableTarget; group: number; name: string }> = [
  { target: "registry", group: 0, name: "GROUP_OPERATORS" },
  { target: "registry", group: 1, name: "GROUP_DELEGATION" },
  { target: "sm", group: 0, name: "GROUP_AVS" },
  { target: "sm", group: 1, name: "GROUP_ALLOCATIONS" },
  { target: "sm", group: 2, name: "GROUP_SLASHING" },
  { target: "rd", group: 0, name: "GROUP_FUNDING" },
  { target: "rd", group: 1, name: "GROUP_CLAIMS" },
  { target: "vault", group: 0, name: "GROUP_DEPOSITS" },
  { target: "vault", group: 1, name: "GROUP_WITHDRAWALS" },
  { target: "vault", group: 2, name: "GROUP_DELEGATION" },
  { target: "lrt", group: 0, name: "GROUP_DEPOSITS" },
  { target: "lrt", group: 1, name: "GROUP_REDEEM_REQUESTS" },
  { target: "lrt", group: 2, name: "GROUP_CLAIMS" },
  { target: "lrt", group: 3, name: "GROUP_INSTANT_REDEEM" },
  { target: "lrt", group: 4, name: "GROUP_OPERATIONS" },
  { target: "oracle", group: 0, name: "GROUP_UPDATES" },
];

/** One pause check an action meets: `after`, the predicted reverts that come before it ("any": every revert). */
interface Gate {
  target: PausableTarget;
  group: number;
  after?: readonly string[] | "any";
}

/** The registry's checks of undelegate and redelegate, made before it calls the vault. */
const UNDELEGATE_CHECKS = ["OperatorCannotUndelegate", "StakerNotDelegated", "NotAuthorizedToUndelegate"];

const UNDELEGATION: Gate[] = [
  { target: "registry", group: 1 },
  { target: "vault", group: 2, after: UNDELEGATE_CHECKS },
  { target: "vault", group: 1, after: UNDELEGATE_CHECKS },
];

/** The groups each action kind meets, in call order (see the file header). */
const KINDS: Record<string, Gate[]> = {
  queueCommission: [{ target: "registry", group: 0 }],
  delegate: [
    { target: "registry", group: 1 },
    { target: "vault", group: 2, after: ["NotOperator"] },
  ],
  undelegate: UNDELEGATION,
  redelegate: UNDELEGATION,
  undelegateNode: UNDELEGATION,
  lrtRedelegate: [{ target: "registry", group: 1, after: "any" }],
  updateAVSConfig: [{ target: "sm", group: 0 }],
  registerOperatorToAVS: [{ target: "sm", group: 0 }],
  allocate: [{ target: "sm", group: 1 }],
  requestSlash: [{ target: "sm", group: 2 }],
  executeSlash: [{ target: "sm", group: 2 }],
  fundRewards: [{ target: "rd", group: 0 }],
  claim: [{ target: "rd", group: 1 }],
  claimFor: [{ target: "rd", group: 1 }],
  claimCommission: [{ target: "rd", group: 1 }],
  deposit: [{ target: "vault", group: 0 }],
  queue: [{ target: "vault", group: 1 }],
  complete: [{ target: "vault", group: 1 }],
  lrtDeposit: [{ target: "lrt", group: 0 }],
  lrtRequest: [{ target: "lrt", group: 1 }],
  lrtClaim: [{ target: "lrt", group: 2 }],
  lrtInstant: [{ target: "lrt", group: 3 }],
  lrtProcess: [{ target: "lrt", group: 4 }],
  lrtComplete: [{ target: "lrt", group: 4 }],
  lrtHarvest: [{ target: "lrt", group: 4 }],
  lrtRebalance: [{ target: "lrt", group: 4 }],
  oracleUpdatePrice: [{ target: "oracle", group: 0 }],
};

/**
 * The vault groups each LRT command (by the name its fast-check label starts with) can reach through the nodes: while
 * one is paused the command is not generated (the file header's design (b)).
 */
const LRT_REACHES_VAULT: Record<string, number[]> = {
  lrtDeposit: [0],
  lrtRiskCapsThenDeposit: [0],
  lrtProcessRequests: [1],
  slashThenProcess: [1],
  lrtCompleteWithdrawals: [1],
  lrtRebalance: [1],
  lrtNode: [1, 2],
};

/** The paused groups (bitmaps, as pausedGroups() returns them) of the six contracts. */
export class PauseBook {
  registry = 0n;
  sm = 0n;
  rd = 0n;
  vault = 0n;
  lrt = 0n;
  oracle = 0n;
  /** Actions turned into GroupPaused reverts, per "GroupPaused <target> <group name>" (coverage kinds). */
  readonly stopped = new Map<string, number>();

  bits(target: PausableTarget): bigint {
    return this[target];
  }

  set(target: PausableTarget, bits: bigint): void {
    this[target] = bits;
  }

  isPaused(target: PausableTarget, group: number): boolean {
    return (this[target] & (1n << BigInt(group))) !== 0n;
  }

  /** Whether the command labelled `label` (its fast-check label) may run now (design (b) of the file header). */
  generates(label: string): boolean {
    const name = label.split("(")[0];
    const groups = LRT_REACHES_VAULT[name];
    return groups === undefined || !groups.some((g) => this.isPaused("vault", g));
  }

  /**
   * The outcome of the driver's action `label` under the paused groups: the first paused gate the call meets decides,
   * unless the model predicts a revert that comes before it.
   */
  gate<T>(label: string, outcome: Outcome<T>): Outcome<T> {
    const gates = KINDS[label.split(" ")[0]];
    if (gates === undefined) return outcome;
    for (const g of gates) {
      if (!this.isPaused(g.target, g.group)) continue;
      if (isRevert(outcome) && g.after !== undefined) {
        if (g.after === "any" || g.after.includes(outcome.revert.error)) return outcome;
      }
      const name = PAUSE_GROUPS.find((p) => p.target === g.target && p.group === g.group)?.name;
      const key = `GroupPaused ${g.target} ${name ?? g.group}`;
      this.stopped.set(key, (this.stopped.get(key) ?? 0) + 1);
      return { revert: { target: g.target, error: "GroupPaused", args: [BigInt(g.group)] } };
    }
    return outcome;
  }
}
