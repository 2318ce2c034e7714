/**
 * The LRT's conversions in BigInt (contracts/libraries/LRTMathLib.sol, docs/lrt.md "Rate"), each with its rounding in
 * its name, for the protocol model's LRT checks (test/model/lrtDriver.ts). Written from the library's NatSpec.
 */
export const LRT_VIRTUAL_SHARES = 10n ** 9n;
export const LRT_VIRTUAL_VALUE = 10n ** 9n;
export const BPS = 10_000n;
/** The vault's virtual offsets (SharesMathLib), which the LRT uses to value a pool position as the vault pays it. */
const POOL_VIRTUAL_ASSETS = 1n;
const POOL_VIRTUAL_SHARES = 10n ** 6n;

function mulDivDown(a: bigint, b: bigint, d: bigint): bigint {
  return (a * b) / d;
}

function mulDivUp(a: bigint, b: bigint, d: bigint): bigint {
  const p = a * b;
  return p === 0n ? 0n : (p - 1n) / d + 1n;
}

export const toSharesDown = (value: bigint, total: bigint, supply: bigint): bigint =>
  mulDivDown(value, supply + LRT_VIRTUAL_SHARES, total + LRT_VIRTUAL_VALUE);
export const toValueDown = (shares: bigint, total: bigint, supply: bigint): bigint =>
  mulDivDown(shares, total + LRT_VIRTUAL_VALUE, supply + LRT_VIRTUAL_SHARES);
export const tokenValueDown = (amount: bigint, price: bigint, unit: bigint): bigint =>
  mulDivDown(amount, price, unit);
export const tokenValueUp = (amount: bigint, price: bigint, unit: bigint): bigint =>
  mulDivUp(amount, price, unit);
export const toTokensDown = (value: bigint, price: bigint, unit: bigint): bigint =>
  mulDivDown(value, unit, price);
export const toTokensUp = (value: bigint, price: bigint, unit: bigint): bigint =>
  mulDivUp(value, unit, price);
export const poolAssetsDown = (shares: bigint, assets: bigint, totalShares: bigint): bigint =>
  mulDivDown(shares, assets + POOL_VIRTUAL_ASSETS, totalShares + POOL_VIRTUAL_SHARES);
export const poolAssetsUp = (shares: bigint, assets: bigint, totalShares: bigint): bigint =>
  mulDivUp(shares, assets + POOL_VIRTUAL_ASSETS, totalShares + POOL_VIRTUAL_SHARES);
export const bpsDown = (amount: bigint, bps: bigint): bigint => mulDivDown(amount, bps, BPS);
export const bpsUp = (amount: bigint, bps: bigint): bigint => mulDivUp(amount, bps, BPS);
export const mulDivCeil = mulDivUp;
export const mulDivFloor = mulDivDown;

/** The instant-redeem fee rate (bps, rounded up): its mean over the stretch of buffer the exit consumes. */
export function instantFeeBpsUp(
  bufferBefore: bigint,
  bufferAfter: bigint,
  target: bigint,
  baseBps: bigint,
  maxBps: bigint,
): bigint {
  if (bufferAfter >= target || bufferBefore <= bufferAfter) return baseBps;
  const d1 = target - bufferAfter;
  const d0 = bufferBefore >= target ? 0n : target - bufferBefore;
  return (
    baseBps + mulDivUp((maxBps - baseBps) * (d1 - d0), d1 + d0, 2n * target * (bufferBefore - bufferAfter))
  );
}

/** `getRate()`: the exit value of 1e18 LRT, rounded down. */
export const rateDown = (total: bigint, supply: bigint): bigint => toValueDown(10n ** 18n, total, supply);
