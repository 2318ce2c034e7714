/**
 * docs/integration.md, "An AMM": the LRT's rate provider. The consumer test compiles this file against the packed
 * package.
 */
import type { ContractRunner } from "ethers";
import { ILRTManager__factory } from "restaking-protocol";

// #region rate-provider
/**
 * A Balancer-style rate provider: `getRate()` is the exit value of 1e18 LRT in wei (18 decimals), the price at which
 * the LRT can leave the protocol. Read it from the LRTManager (the LRT token's `manager`).
 */
export async function lrtRate(runner: ContractRunner, managerAddress: string): Promise<bigint> {
  return ILRTManager__factory.connect(managerAddress, runner).getRate();
}

/** The value in wei of `lrtAmount` LRT at the current rate, rounded down (the pool's side of a swap). */
export async function lrtValueInWei(
  runner: ContractRunner,
  managerAddress: string,
  lrtAmount: bigint,
): Promise<bigint> {
  return (lrtAmount * (await lrtRate(runner, managerAddress))) / 10n ** 18n;
}
// #endregion rate-provider
