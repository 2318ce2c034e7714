/**
 * Console formatting for the command line, the demo and the bench: amounts with units and without 18-decimal dust,
 * percentages, durations and times, address labels, decoded reverts, headers and tables, and the rows that turn the
 * typed views of sdk/views.ts into `console.table` rows.
 *
 * The library (sdk/) computes figures and never prints; this module prints them. It imports sdk/ only for types, and
 * sdk/amounts.ts (which needs only ethers), so that `hardhat.config.ts` (which loads the tasks) never depends on
 * generated code.
 */
import { formatUnits } from "ethers";

import { formatTokenAmount } from "../sdk/amounts";
import type { DecodedError } from "../sdk/errors";
import type {
  AllocationView,
  PoolView,
  PositionView,
  RewardsView,
  SlashRequestView,
  WithdrawalView,
} from "../sdk/views";

/* NUMBERS */

/** The most decimals `formatAmount` shows (significant ones when the amount is below one unit). */
export const AMOUNT_DECIMALS = 6;

/**
 * An amount in units of `decimals` decimals, without dust: "12.5 stETH", "0.333333 stETH", "1000". It is exact when it has at most 6 decimals; longer ones are rounded half up to 6 decimals, or, below one unit, to
 * 6 significant digits (so 3 wei shows as "0.000000000000000003", not "0").
 */
export function formatAmount(amount: bigint, symbol?: string, decimals = 18): string {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be >= 0: ${decimals}`);
  const sign = amount < 0n ? "-" : "";
  const magnitude = amount < 0n ? -amount : amount;
  const unit = 10n ** BigInt(decimals);
  let places = Math.min(AMOUNT_DECIMALS, decimals);
  if (magnitude < unit && magnitude !== 0n) {
    // Below one unit: keep AMOUNT_DECIMALS significant digits after the leading zeros.
    const leadingZeros = decimals - magnitude.toString().length;
    places = Math.min(decimals, leadingZeros + AMOUNT_DECIMALS);
  }
  const scale = 10n ** BigInt(decimals - places);
  const rounded = (magnitude + scale / 2n) / scale;
  const placesUnit = 10n ** BigInt(places);
  const whole = rounded / placesUnit;
  const fraction =
    places === 0 ? "" : (rounded % placesUnit).toString().padStart(places, "0").replace(/0+$/, "");
  const text = `${sign}${whole}${fraction === "" ? "" : `.${fraction}`}`;
  return symbol === undefined ? text : `${text} ${symbol}`;
}

/** A WAD fraction as a percentage ("50%", "33.333333%"). */
export function formatWadPercent(wad: bigint): string {
  return `${formatAmount(wad * 100n)}%`;
}

/** Basis points as a percentage ("10%", "0.5%"). */
export function formatBps(bps: bigint | number): string {
  return `${formatAmount(BigInt(bps), undefined, 2)}%`;
}

/** A duration in seconds as days and hours, with minutes and seconds when there are any ("7d 0h", "1d 23h 59m 59s"). */
export function formatDuration(seconds: bigint): string {
  const s = seconds < 0n ? 0n : seconds;
  const base = `${s / 86_400n}d ${(s % 86_400n) / 3_600n}h`;
  const rest = s % 3_600n;
  return rest === 0n ? base : `${base} ${rest / 60n}m ${rest % 60n}s`;
}

/** A block timestamp as a UTC date and time ("2026-12-03 05:30:00 UTC"). */
export function formatTime(timestamp: bigint): string {
  return `${new Date(Number(timestamp) * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `amount` in the token's units and in base units: "2.5 wstETH (2500000000000000000 base units)". */
export function showAmount(amount: bigint, token: { symbol: string; decimals: number }): string {
  return `${formatTokenAmount(amount, token)} (${amount} base units)`;
}

/* ADDRESS LABELS */

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** Human names of addresses (any letter case). */
export type AddressBook = ReadonlyMap<string, string>;

/** Builds an address book from `[name, address]` pairs; address(0) is "undelegated" unless named. */
export function addressBook(entries: ReadonlyArray<readonly [string, string]>): AddressBook {
  const book = new Map<string, string>([[ZERO_ADDRESS, "undelegated"]]);
  for (const [name, address] of entries) book.set(address.toLowerCase(), name);
  return book;
}

/** The name of `address` in `book`, or the address shortened to 0x1234…abcd. */
export function labelOf(address: string, book?: AddressBook): string {
  const name = book?.get(address.toLowerCase());
  if (name !== undefined) return name;
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A withdrawal id as a 32-byte hex string (the staker's address is visible in its first 20 bytes). */
export function formatWithdrawalId(id: bigint): string {
  return `0x${id.toString(16).padStart(64, "0")}`;
}

/* ERRORS */

/**
 * A decoded protocol error as `Name(arg, ...)`: addresses by their label, withdrawal ids in hex, times (arguments
 * named `...At`) as dates, and 18-decimal amounts exactly (a revert's last wei may be its point).
 */
export function formatError(error: DecodedError, book?: AddressBook): string {
  const args = error.args.map(({ name, type, value }) => {
    if (type === "address" && typeof value === "string") return labelOf(value, book);
    if (typeof value !== "bigint") return String(value);
    if (value >= 1n << 160n) return formatWithdrawalId(value);
    // Times (executableAt, readyAt, nextEpochAt, ...) as dates; amounts exactly: the last wei may be the point.
    if (/At$/.test(name) && value > 1_000_000_000n && value < 100_000_000_000n) return formatTime(value);
    if (value >= 10n ** 15n && value < 10n ** 40n) return formatUnits(value, 18).replace(/\.0$/, "");
    return value.toString();
  });
  return `${error.name}(${args.join(", ")})`;
}

/* OUTPUT */

/** Prints a numbered header with a clock line under a rule. */
export function printHeader(title: string, clock?: string): void {
  const rule = "=".repeat(100);
  console.log(`\n${rule}\n${title}${clock === undefined ? "" : `\n${clock}`}\n${rule}`);
}

/** Prints an indented line. */
export function note(line: string): void {
  console.log(`   ${line}`);
}

/** Prints `rows` under `title` with `console.table`, or "(none)". */
export function printTable(title: string, rows: ReadonlyArray<Record<string, string>>): void {
  console.log(`\n   ${title}`);
  if (rows.length === 0) note("(none)");
  else console.table(rows);
}

/* ROWS OF THE VIEWS */

/** A pool as a table row. */
export function poolRow(pool: PoolView, book?: AddressBook): Record<string, string> {
  return {
    pool: `${labelOf(pool.operator, book)} / ${labelOf(pool.asset, book)}`,
    totalAssets: formatAmount(pool.totalAssets),
    pendingSlash: formatAmount(pool.pendingSlash),
    pendingRequests: pool.pendingRequests.toString(),
    ...(pool.fullySlashed ? { fullySlashed: "yes" } : {}),
    netAssets: formatAmount(pool.netAssets),
    totalShares: formatAmount(pool.totalShares),
    queuedShares: formatAmount(pool.queuedShares),
    activeStake: formatAmount(pool.activeStake),
    rate: formatAmount(pool.rate),
  };
}

/** A position as a table row. */
export function positionRow(position: PositionView, book?: AddressBook): Record<string, string> {
  return {
    staker: labelOf(position.staker, book),
    asset: labelOf(position.asset, book),
    operator: labelOf(position.operator, book),
    shares: formatAmount(position.shares),
    value: formatAmount(position.assets),
  };
}

/** A withdrawal as a table row; `now` (a block timestamp) shows the time left. */
export function withdrawalRow(w: WithdrawalView, now: bigint, book?: AddressBook): Record<string, string> {
  return {
    id: formatWithdrawalId(w.id),
    staker: labelOf(w.staker, book),
    nonce: w.nonce.toString(),
    pool: `${labelOf(w.operator, book)} / ${labelOf(w.asset, book)}`,
    shares: formatAmount(w.shares),
    value: formatAmount(w.assets),
    readyIn: w.completableAt > now ? formatDuration(w.completableAt - now) : "ready",
    ...(w.completableAt > w.readyAt ? { heldBy: "the pool's request epoch" } : {}),
    ...(w.pendingRequests !== 0n ? { waitsFor: `${w.pendingRequests} slash request(s)` } : {}),
  };
}

/** An allocation as a table row. */
export function allocationRow(a: AllocationView, book?: AddressBook): Record<string, string> {
  return {
    avs: labelOf(a.avs, book),
    pool: `${labelOf(a.operator, book)} / ${labelOf(a.asset, book)}`,
    magnitude: formatWadPercent(a.current),
    target: formatWadPercent(a.target),
    maxMagnitude: formatWadPercent(a.maxMagnitude),
    operatorReserved: formatWadPercent(a.reserved),
    allocatedStake: formatAmount(a.allocatedStake),
    maxSlashable: formatAmount(a.maxSlashable),
  };
}

/** What a slash request takes, as table rows, one per asset. */
export function slashRequestRows(r: SlashRequestView, book?: AddressBook): Record<string, string>[] {
  return r.assets.map((a) => ({
    request: r.id.toString(),
    status: r.status,
    asset: labelOf(a.asset, book),
    magnitude: formatWadPercent(a.magnitude),
    amount: formatAmount(a.amount),
    released: a.released ? "yes" : "no",
  }));
}

/** Rewards as table rows, one per token. */
export function rewardsRows(view: RewardsView, book?: AddressBook): Record<string, string>[] {
  return view.tokens.map((token, i) => ({
    account: labelOf(view.account, book),
    token: labelOf(token, book),
    pendingRewards: formatAmount(view.rewards[i] ?? 0n),
    pendingCommission: formatAmount(view.commission[i] ?? 0n),
  }));
}
