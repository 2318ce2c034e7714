/**
 * An independent BigInt reference of contracts/libraries/SharesMathLib.sol, used to compute every expected value in
 * the tests. Kept free of any contract call so that a bug in the library cannot leak into the expectation.
 */

export const VIRTUAL_SHARES = 1_000_000n;
export const VIRTUAL_ASSETS = 1n;
export const MAX_UINT256 = (1n << 256n) - 1n;

/** floor(x * y / d). */
export function mulDivDown(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError("division by zero");
  return (x * y) / d;
}

/** ceil(x * y / d). */
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError("division by zero");
  const p = x * y;
  return p / d + (p % d === 0n ? 0n : 1n);
}

/** Shares minted for `assets` deposited into a pool of `totalAssets` (net) and `totalShares`. */
export function toSharesDown(assets: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivDown(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
}

/** Assets paid for `shares` redeemed. */
export function toAssetsDown(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivDown(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
}

/** Shares burned to take out exactly `assets`. */
export function toSharesUp(assets: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivUp(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS);
}

/** Assets needed to mint exactly `shares`. */
export function toAssetsUp(shares: bigint, totalAssets: bigint, totalShares: bigint): bigint {
  return mulDivUp(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES);
}
