/**
 * Amounts as people write them, for tasks, scripts and integrators: "10", "2.5 ether", "1000 gwei", "12 wei",
 * "2.5 wstETH" (a token's own symbol: its decimals). Pure functions over ethers' `parseUnits` / `formatUnits`: no
 * provider, no Hardhat. A text that is not an amount throws an `AmountError` whose message says what is wrong with it
 * (the tasks print it as one sentence). Console formatting (rounding, dust, tables) is in tasks/format.ts.
 */
import { formatUnits, parseUnits } from "ethers";

/** The ether units an amount may name, and their decimals. Matched without regard to letter case. */
export const AMOUNT_UNITS: Readonly<Record<string, number>> = { wei: 0, gwei: 9, ether: 18, eth: 18 };

/** A text that is not an amount (or not one the caller accepts); the message names the text and what is wrong. */
export class AmountError extends Error {
  override readonly name = "AmountError";
}

/** The token an amount is written for: its symbol is a unit of `decimals` decimals. */
export interface AmountToken {
  symbol: string;
  decimals: number;
}

export interface ParseAmountOptions {
  /** The decimals of a bare number ("10"): 0 when a bare number is a raw integer, 18 for ether, a token's own. */
  bareDecimals: number;
  /** The token whose symbol the text may name as its unit. */
  token?: AmountToken;
}

/** An unsigned decimal number, then an optional unit: letters, then letters and digits. */
const AMOUNT = /^(\d+)(?:\.(\d+))?\s*([A-Za-z][A-Za-z0-9]*)?$/;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The decimals the unit of `text` stands for (`undefined`: a bare number), or an AmountError. */
function unitDecimals(text: string, unit: string | undefined, options: ParseAmountOptions): number {
  if (unit === undefined) return options.bareDecimals;
  const lower = unit.toLowerCase();
  if (Object.hasOwn(AMOUNT_UNITS, lower)) return AMOUNT_UNITS[lower]!;
  const { token } = options;
  if (token !== undefined && unit === token.symbol) return token.decimals;
  const known = [...Object.keys(AMOUNT_UNITS).filter((u) => u !== "eth"), ...(token ? [token.symbol] : [])];
  const last = known.pop()!;
  throw new AmountError(`"${text}": unknown unit ${unit} (use ${known.join(", ")} or ${last})`);
}

/**
 * Parses an amount with its unit: "10 ether", "1000 gwei", "12 wei", "2.5 wstETH" (`options.token`'s symbol, letter
 * case as the token spells it); a bare number is taken in `options.bareDecimals` decimals. Zero is an amount.
 * Refused, with an AmountError: an empty text, a negative amount, an exponent ("1e18": write "1 ether" or the
 * digits), a unit that is neither an ether unit nor the token's symbol, and more decimals than the unit has.
 */
export function parseAmount(text: string, options: ParseAmountOptions): bigint {
  const trimmed = text.trim();
  if (trimmed === "") throw new AmountError('the amount is empty (e.g. "10", "2.5 ether", "1000 gwei")');
  if (/^-/.test(trimmed)) throw new AmountError(`"${text}" is negative: an amount is 0 or more`);
  if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(trimmed.split(/\s+/)[0]!))
    throw new AmountError(
      `"${text}": exponents are not read (write the digits, or a unit: "1 ether", "5 gwei")`,
    );
  const match = AMOUNT.exec(trimmed);
  if (match === null)
    throw new AmountError(`"${text}" is not an amount (e.g. "10", "2.5 ether", "1000 gwei")`);
  const [, whole, fraction = "", unit] = match;
  const places = unitDecimals(text, unit, options);
  const given = fraction.replace(/0+$/, "").length;
  if (given > places) {
    const of = unit === undefined ? "a bare number here" : unit;
    throw new AmountError(`"${text}" has ${plural(given, "decimal")}: ${of} takes at most ${places}`);
  }
  return parseUnits(given === 0 ? whole! : `${whole}.${fraction.slice(0, given)}`, places);
}

/**
 * A token amount a user means to move: "10" and "10 wstETH" are whole tokens; "10 ether", "1000 gwei", "5 wei" as
 * said. Zero is refused (nothing to move), as is everything `parseAmount` refuses.
 */
export function parseTokenAmount(text: string, token: AmountToken): bigint {
  const amount = parseAmount(text, { bareDecimals: token.decimals, token });
  if (amount === 0n) throw new AmountError(`the amount "${text}" is zero`);
  return amount;
}

/** `amount` (base units) in the token's units with its symbol, exactly: "2.5 wstETH", "100.0 USDC". */
export function formatTokenAmount(amount: bigint, token: AmountToken): string {
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}
