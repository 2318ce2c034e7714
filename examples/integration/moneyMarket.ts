/**
 * docs/integration.md, "A money market": the capped Chainlink-style feed (LRTPriceFeed). The consumer test compiles
 * this file against the packed package.
 */
import type { ContractRunner } from "ethers";
import { ILRTPriceFeed__factory } from "restaking-protocol";

// #region feed
/** The LRT's collateral price from its AggregatorV3 feed, checked the way a money market should check it. */
export async function readLRTPrice(
  runner: ContractRunner,
  feedAddress: string,
  maxAgeSeconds: bigint,
): Promise<{ price: bigint; decimals: number; capped: boolean; maxYearlyGrowthBps: bigint }> {
  const feed = ILRTPriceFeed__factory.connect(feedAddress, runner);
  const decimals = Number(await feed.decimals()); // 18
  const [roundId, answer, , updatedAt, answeredInRound] = await feed.latestRoundData();
  // The feed keeps no history: the round is the current block (roundId = updatedAt = block.timestamp).
  const block = await runner.provider?.getBlock("latest");
  if (answer <= 0n) throw new Error(`feed ${feedAddress} answered ${answer}`);
  if (answeredInRound < roundId)
    throw new Error(`feed ${feedAddress}: round ${roundId} answered in ${answeredInRound}`);
  if (block !== null && block !== undefined && BigInt(block.timestamp) - updatedAt > maxAgeSeconds) {
    throw new Error(`feed ${feedAddress} is stale: updated at ${updatedAt}, block time ${block.timestamp}`);
  }
  // `answer = min(LRT rate, snapshot * (1 + maxYearlyGrowthBps / 1e4 * elapsed / 365 days))`: when capped, the
  // LRT's own rate is above what the feed reports (a donation or an oracle fault cannot lift the collateral price).
  return {
    price: answer,
    decimals,
    capped: await feed.isCapped(),
    maxYearlyGrowthBps: await feed.maxYearlyGrowthBps(),
  };
}
// #endregion feed
