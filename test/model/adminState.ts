/**
 * Paused groups in the property-based model test (issue #12, invariant 9 of docs/invariants.md): which groups of the
 * registry, the slashing manager and the distributor the sequence paused, and the outcome every action of the driver
 * must then have. A paused group's functions revert GroupPaused(group) before anything else (the `whenNotPaused`
 * modifier comes first on each of them); the other groups, and the functions in no group, work as the model says.
 *
 * Which actions reach which group (the tables of docs/invariants.md §9), by the first word of the driver's label:
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
 * The vault's groups and the LRT's are not paused by the commands (docs/verification.md, "What is left").
 */
import { isRevert, type Outcome } from "./protocolModel";

export type PausableTarget = "registry" | "sm" | "rd";

export const PAUSE_GROUPS: ReadonlyArray<{ target: PausableTarget; group: number; name: string }> = [
  { target: "registry", group: 0, name: "GROUP_OPERATORS" },
  { target: "registry", group: 1, name: "GROUP_DELEGATION" },
  { target: "sm", group: 0, name: "GROUP_AVS" },
  { target: "sm", group: 1, name: "GROUP_ALLOCATIONS" },
  { target: "sm", group: 2, name: "GROUP_SLASHING" },
  { target: "rd", group: 0, name: "GROUP_FUNDING" },
  { target: "rd", group: 1, name: "GROUP_CLAIMS" },
];

/** The group each action kind reaches (see the file header); `ifAccepted`: only when the model accepts it. */
const KINDS: Record<string, { target: PausableTarget; group: number; ifAccepted?: boolean }> = {
  queueCommission: { target: "registry", group: 0 },
  delegate: { target: "registry", group: 1 },
  undelegate: { target: "registry", group: 1 },
  redelegate: { target: "registry", group: 1 },
  undelegateNode: { target: "registry", group: 1 },
  lrtRedelegate: { target: "registry", group: 1, ifAccepted: true },
  updateAVSConfig: { target: "sm", group: 0 },
  registerOperatorToAVS: { target: "sm", group: 0 },
  allocate: { target: "sm", group: 1 },
  requestSlash: { target: "sm", group: 2 },
  executeSlash: { target: "sm", group: 2 },
  fundRewards: { target: "rd", group: 0 },
  claim: { target: "rd", group: 1 },
  claimFor: { target: "rd", group: 1 },
  claimCommission: { target: "rd", group: 1 },
};

/** The paused groups (bitmaps, as pausedGroups() returns them) of the three contracts. */
export class PauseBook {
  registry = 0n;
  sm = 0n;
  rd = 0n;
  /** Actions turned into GroupPaused reverts, per "target group" (the coverage the report prints). */
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

  /** The outcome of the driver's action `label` under the paused groups. */
  gate<T>(label: string, outcome: Outcome<T>): Outcome<T> {
    const kind = KINDS[label.split(" ")[0]];
    if (kind === undefined || !this.isPaused(kind.target, kind.group)) return outcome;
    if (kind.ifAccepted === true && isRevert(outcome)) return outcome;
    const key = `${kind.target} ${kind.group}`;
    this.stopped.set(key, (this.stopped.get(key) ?? 0) + 1);
    return { revert: { target: kind.target, error: "GroupPaused", args: [BigInt(kind.group)] } };
  }
}
