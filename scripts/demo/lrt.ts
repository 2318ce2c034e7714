/**
 * The liquid restaking token's chapters (docs/lrt.md): deposits through the ERC-7575 entry points, streamed rewards
 * that raise the rate net of the fee (harvest does not move it), a slash that lowers the rate at the request, an
 * instant exit for a fee, and an ERC-7540 redemption request paid after the vault delay at most at its value at
 * request.
 */
import { id as textHash } from "ethers";

import { eventsIn } from "../../sdk/events";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE, deployLRT, type LRTContracts } from "../../sdk/lrt";
import { deployOracle, deployPriceFeed, deployRateAdapter } from "../../sdk/oracle";
import { WAD, readWithdrawal } from "../../sdk/views";
import {
  formatAmount,
  formatBps,
  formatDuration,
  formatWithdrawalId,
  labelOf,
  note,
  printTable,
} from "../../tasks/format";
import type { LRTOracle, LRTPriceFeed } from "../../typechain-types";
import { chapter, check, checkThat, eth, name, now, send, type Demo } from "./context";

const DAY = 86_400n;
const HOUR = 3_600n;
/** The LRT's virtual shares and value (docs/invariants.md §8): rate = (value + 1e9) / (supply + 1e9). */
const LRT_VIRTUAL = 10n ** 9n;

/** The LRT of the story. */
export interface Lrt {
  lrt: LRTContracts;
  oracle: LRTOracle;
  feed: LRTPriceFeed;
}

interface Figures {
  exitValue: bigint;
  entryValue: bigint;
  supply: bigint;
  rate: bigint;
}

async function figures(l: Lrt): Promise<Figures> {
  const { manager, token } = l.lrt;
  const [exitValue, entryValue, supply, rate] = await Promise.all([
    manager.totalValue(true),
    manager.totalValue(false),
    token.totalSupply(),
    manager.getRate(),
  ]);
  return { exitValue, entryValue, supply, rate };
}

/** A keeper refreshes the prices after each jump in time: the oracle refuses a price older than maxAge (1 day). */
async function refreshPrices(demo: Demo, l: Lrt): Promise<void> {
  for (const asset of [demo.S, demo.R]) await send(l.oracle.connect(demo.cast.keeper).updatePrice(asset));
}

async function showLRT(demo: Demo, l: Lrt, title: string): Promise<Figures> {
  const { manager } = l.lrt;
  const fig = await figures(l);
  const risk = await manager.riskReport();
  printTable(title, [
    {
      "value (exit)": formatAmount(fig.exitValue, "ETH"),
      "value (entry)": formatAmount(fig.entryValue, "ETH"),
      supply: formatAmount(fig.supply, "lrtETH"),
      "getRate()": formatAmount(fig.rate),
      "feed answer": formatAmount((await l.feed.latestRoundData())[1]),
      "idle stETH": formatAmount((await manager.assetBook(demo.S)).idle),
      "idle rETH": formatAmount((await manager.assetBook(demo.R)).idle),
      exposure: `${formatBps(risk.exposureBps)}${risk.exposureOk ? "" : " BREACH"}`,
    },
  ]);
  printTable(
    "Nodes",
    risk.nodes.map((n, i) => ({
      node: String(i),
      operator: labelOf(n.operator, demo.book),
      value: formatAmount(n.value, "ETH"),
      share: `${formatBps(n.shareBps)}${n.concentrationOk ? "" : " BREACH"}`,
    })),
  );
  checkThat(
    "the LRT's risk report",
    risk.exposureOk && risk.nodes.every((n) => n.concentrationOk),
    "within the policy",
    risk.exposureOk ? "within the policy" : "BREACH",
  );
  return fig;
}

/* 10. THE LRT: SET-UP AND DEPOSITS */

export async function lrtDeposits(demo: Demo): Promise<Lrt> {
  const { deployer, op1, op2, avsX, avsY, treasury, erin, frank } = demo.cast;
  const { stETH, rETH } = demo.tokens;
  const { S, R } = demo;
  await chapter(
    demo,
    "The LRT: an oracle, the token, a node per operator, a risk policy; erin and frank deposit",
    [
      "sdk/oracle.ts deploys LRTOracle (stETH at par, rETH from getExchangeRate(): 1.1 ETH); sdk/lrt.ts deployLRT the",
      "token, the manager and an ERC-7575 entry point per asset. A deposit refills the 10% buffer first, then goes to",
      "the node furthest below its weight; shares are minted at the entry value (rounded against the depositor).",
    ],
  );
  await send(rETH.setExchangeRate((11n * WAD) / 10n));
  const { oracle } = await deployOracle(deployer, {
    assets: [
      { asset: S, adapter: await deployRateAdapter(deployer, "identity", S), maxAge: DAY, maxMoveBps: 500n },
      { asset: R, adapter: await deployRateAdapter(deployer, "rETH", R), maxAge: DAY, maxMoveBps: 500n },
    ],
  });
  const lrt = await deployLRT(deployer, demo.core, {
    oracle: await oracle.getAddress(),
    treasury: treasury.address,
    rewardsReceiver: treasury.address,
    assets: [
      { asset: S, cap: eth(1_000) },
      { asset: R, cap: eth(1_000) },
    ],
  });
  const { manager, token } = lrt;
  await send(manager.createNode(op1.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(manager.createNode(op2.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(manager.setAllowedAVSs([avsX.address, avsY.address]));
  await send(manager.setRiskCaps(6_000, 4_000));
  await send(manager.setBuffer(1_000, 10, 100));
  await send(manager.setProtocolFee(1_000));
  const feed = await deployPriceFeed(deployer, {
    source: lrt.addresses.manager,
    description: "lrtETH / ETH",
    maxYearlyGrowthBps: 1_000n,
  });
  const l: Lrt = { lrt, oracle, feed };
  name(demo, [
    ["LRTManager", lrt.addresses.manager],
    ["lrtETH", lrt.addresses.token],
  ]);
  const nodes = await Promise.all([0n, 1n].map((i) => manager.node(i)));
  printTable("LRT contracts", [
    { contract: "LiquidRestakingToken (lrtETH)", address: lrt.addresses.token },
    { contract: "LRTManager", address: lrt.addresses.manager },
    { contract: "stETH entry point (ERC-7575/7540)", address: lrt.addresses.entryPoints[S]! },
    { contract: "rETH entry point (ERC-7575/7540)", address: lrt.addresses.entryPoints[R]! },
    { contract: "LRTOracle", address: await oracle.getAddress() },
    { contract: "LRTPriceFeed (capped growth)", address: await feed.getAddress() },
    ...nodes.map((n, i) => ({ contract: `node ${i} (${labelOf(n.operator, demo.book)})`, address: n.node })),
  ]);
  const policy = await manager.policy();
  note(
    `Policy: operator share <= ${formatBps(policy.maxOperatorShareBps)}, slash exposure <= ${formatBps(policy.maxSlashExposureBps)}, buffer ${formatBps(policy.bufferBps)}, instant-exit fee ${formatBps(policy.baseFeeBps)}..${formatBps(policy.maxFeeBps)}, protocol fee ${formatBps(policy.protocolFeeBps)} of rewards.`,
  );
  const stEntry = lrt.entryPoints[S]!;
  const rEntry = lrt.entryPoints[R]!;
  for (const [user, asset, entry, amount] of [
    [erin, stETH, stEntry, eth(100)],
    [frank, rETH, rEntry, eth(50)],
  ] as const) {
    await send(asset.mint(user.address, amount));
    await send(asset.connect(user).approve(await entry.getAddress(), amount));
  }
  const erinShares = await stEntry.previewDeposit(eth(100));
  await send(stEntry.connect(erin).depositWithMinShares(eth(100), erin.address, erinShares));
  check("erin's lrtETH for the first 100 stETH (1 per ETH)", eth(100), await token.balanceOf(erin.address), {
    unit: "lrtETH",
  });
  const beforeFrank = await figures(l);
  const frankValue = (eth(50) * (await oracle.price(R))) / WAD;
  check("frank's 50 rETH in ETH at the oracle's 1.1", eth(55), frankValue, { unit: "ETH" });
  await send(rEntry.connect(frank).deposit(eth(50), frank.address));
  check(
    "frank's lrtETH: value * (supply + 1e9) / (entry value + 1e9), rounded down",
    (frankValue * (beforeFrank.supply + LRT_VIRTUAL)) / (beforeFrank.entryValue + LRT_VIRTUAL),
    await token.balanceOf(frank.address),
    { unit: "lrtETH" },
  );
  await send(manager.stakeIdle(S, eth(80)));
  await showLRT(demo, l, "The LRT after the deposits and stakeIdle(stETH, 80)");
  return l;
}

/* 11. REWARDS AND HARVEST */

export async function lrtHarvest(demo: Demo, l: Lrt): Promise<void> {
  const { manager, token } = l.lrt;
  const { rewardDistributor } = demo.core;
  const { stETH } = demo.tokens;
  const { avsX, op1, op2, keeper, treasury } = demo.cast;
  await chapter(demo, "AVS-X streams 20 stETH of rewards over a day to op1's and op2's stETH pools", [
    "The LRT counts the rewards its nodes accrue in accepted assets, net of the protocol fee, so the rate rises as",
    "they stream.",
  ]);
  // The demo's deployer holds REWARDS_ADMIN_ROLE on its instance: stETH becomes a reward token.
  await send(rewardDistributor.addRewardToken(demo.S, WAD));
  await send(manager.setAssetConfig(demo.S, eth(1_000), true, true));
  const before = await figures(l);
  await send(stETH.mint(avsX.address, eth(20)));
  await send(stETH.connect(avsX).approve(await rewardDistributor.getAddress(), eth(20)));
  for (const op of [op1, op2])
    await send(rewardDistributor.connect(avsX).fundRewards(op.address, demo.S, demo.S, eth(10), Number(DAY)));
  await chapter(
    demo,
    "A day later the rewards have streamed: the LRT's rate has risen; a keeper harvests",
    ["harvest() claims them, keeps them idle and mints the fee to the treasury without moving the rate."],
    { by: DAY + HOUR, why: "the day of rewards streams" },
  );
  await refreshPrices(demo, l);
  const accrued = await showLRT(demo, l, "The day of stETH rewards has streamed (not harvested yet)");
  checkThat(
    "getRate() after the rewards streamed",
    accrued.rate > before.rate,
    `> ${formatAmount(before.rate)}`,
    formatAmount(accrued.rate),
  );
  const treasuryBefore = await token.balanceOf(treasury.address);
  await send(manager.connect(keeper).harvest());
  const harvested = await figures(l);
  const feeShares = (await token.balanceOf(treasury.address)) - treasuryBefore;
  check("getRate() across harvest() (rewards were counted net of the fee)", accrued.rate, harvested.rate, {
    tolerance: 1n,
  });
  checkThat("the treasury's fee in lrtETH", feeShares > 0n, "> 0", formatAmount(feeShares, "lrtETH"));
  note(
    `The money-market feed reads ${formatAmount((await l.feed.latestRoundData())[1])}: it grows at most 10% a year from its snapshot.`,
  );
}

/* 12. A SLASH LOWERS THE RATE AT THE REQUEST */

export async function lrtSlash(demo: Demo, l: Lrt): Promise<void> {
  const { manager } = l.lrt;
  const { vault, slashingManager } = demo.core;
  const { slasher, avsX, op2, keeper } = demo.cast;
  await chapter(
    demo,
    "AVS-X's slasher requests 10% of op2's allocations: the LRT's rate falls at the request",
    [
      "The exit value nets the stake pending requests reserve, so the rate falls by node 1's loss at once; the",
      "execution after the veto window changes nothing more. Nobody can leave at the old rate in between.",
    ],
  );
  const before = await figures(l);
  await send(
    slashingManager
      .connect(slasher)
      .requestSlash(avsX.address, op2.address, WAD / 10n, textHash("evidence: lrt")),
  );
  const id = await slashingManager.slashRequestCount();
  const requested = await figures(l);
  let expectedLoss = 0n;
  for (const asset of [demo.S, demo.R]) {
    const pool = await vault.pool(op2.address, asset);
    const position = await manager.position(1n, asset);
    const shares = position.active + position.queued;
    const reserved = (shares * pool.pendingSlash + pool.totalShares - 1n) / pool.totalShares;
    expectedLoss += (reserved * (await l.oracle.price(asset))) / WAD;
  }
  check(
    "the LRT's exit value lost at the request (node 1's reserved stake)",
    expectedLoss,
    before.exitValue - requested.exitValue,
    { tolerance: 2n, unit: "ETH" },
  );
  check(
    "getRate() at the request = (exit value + 1e9) / (supply + 1e9)",
    (WAD * (requested.exitValue + LRT_VIRTUAL)) / (requested.supply + LRT_VIRTUAL),
    requested.rate,
  );
  note(`getRate() ${formatAmount(before.rate)} -> ${formatAmount(requested.rate)}`);
  const request = await slashingManager.slashRequest(id);
  await chapter(
    demo,
    "The veto window passes: the slash of op2 executes; the LRT's rate does not fall again",
    [],
    {
      to: request[0].executableAt,
      why: "to the request's executableAt",
    },
  );
  await refreshPrices(demo, l);
  await send(slashingManager.connect(keeper).executeSlash(id));
  const executed = await figures(l);
  checkThat(
    "getRate() after the execution (the request had netted it)",
    executed.rate + 1n >= requested.rate,
    `>= ${formatAmount(requested.rate)} - 1 wei`,
    formatAmount(executed.rate),
  );
  await showLRT(demo, l, "The LRT after the slash of op2");
}

/* 13. AN INSTANT EXIT, AND A REQUEST AND ITS CLAIM */

export async function lrtRedeem(demo: Demo, l: Lrt): Promise<void> {
  const { manager } = l.lrt;
  const { vault } = demo.core;
  const { stETH } = demo.tokens;
  const { frank, erin, keeper } = demo.cast;
  const stEntry = l.lrt.entryPoints[demo.S]!;
  await chapter(
    demo,
    "frank leaves 5 lrtETH at once from the buffer for a fee; erin requests to redeem 40 lrtETH (ERC-7540)",
    [
      "An instant exit pays at most the shares' value; the fee stays with the holders. A request escrows the shares and",
      "records their value; processRequests pays from idle or queues the nodes' vault withdrawals.",
    ],
  );
  const quote = await manager.connect(frank).instantRedeem.staticCall(eth(5), demo.S, 0n, frank.address);
  const frankBefore = await stETH.balanceOf(frank.address);
  const beforeInstant = await figures(l);
  await send(manager.connect(frank).instantRedeem(eth(5), demo.S, quote, frank.address));
  const instantPaid = (await stETH.balanceOf(frank.address)) - frankBefore;
  const worth = (eth(5) * (beforeInstant.exitValue + LRT_VIRTUAL)) / (beforeInstant.supply + LRT_VIRTUAL);
  const afterInstant = await figures(l);
  check("frank's instant exit: the quote", quote, instantPaid, { unit: "stETH" });
  checkThat(
    "frank's instant exit pays at most the value of 5 lrtETH",
    instantPaid <= worth,
    `<= ${formatAmount(worth, "ETH")}`,
    formatAmount(instantPaid, "stETH"),
  );
  checkThat(
    "getRate() after the instant exit (the fee stays)",
    afterInstant.rate >= beforeInstant.rate,
    `>= ${formatAmount(beforeInstant.rate)}`,
    formatAmount(afterInstant.rate),
  );

  await send(stEntry.connect(erin).requestRedeem(eth(40), erin.address, erin.address));
  const requestId = await manager.requestCount();
  const recorded = await manager.request(requestId);
  check("erin's escrowed shares", eth(40), recorded.shares, { unit: "lrtETH" });
  check("pendingRedeemRequest", eth(40), await stEntry.pendingRedeemRequest(requestId, erin.address), {
    unit: "lrtETH",
  });
  note(`Request ${requestId}: worth ${formatAmount(recorded.amount, "ETH")} at request.`);
  const receipt = await send(manager.connect(keeper).processRequests(demo.S, 10n));
  const withdrawalIds = (await eventsIn(manager, receipt, "WithdrawalQueued")).map(
    (e) => e.args.id as bigint,
  );
  checkThat(
    "processRequests queued vault withdrawals (idle stETH does not cover the request)",
    withdrawalIds.length > 0,
    "at least one",
    String(withdrawalIds.length),
  );
  let openAt = 0n;
  const rows: Record<string, string>[] = [];
  for (const id of withdrawalIds) {
    const w = await readWithdrawal(vault, id);
    if (w === undefined) throw new Error(`withdrawal ${formatWithdrawalId(id)} is missing`);
    if (w.completableAt > openAt) openAt = w.completableAt;
    rows.push({
      id: formatWithdrawalId(id),
      value: formatAmount(w.assets, "stETH"),
      "completable in": formatDuration(w.completableAt - (await now())),
    });
  }
  printTable("Vault withdrawals the LRT queued for the request", rows);

  await chapter(
    demo,
    "After the vault's delay the withdrawals complete, the request is fulfilled and erin claims",
    [],
    {
      to: openAt,
      why: "to the last withdrawal's completableAt",
    },
  );
  await refreshPrices(demo, l);
  await send(manager.connect(keeper).completeWithdrawals(withdrawalIds));
  await send(manager.connect(keeper).processRequests(demo.S, 10n));
  const fulfilled = await manager.request(requestId);
  check("claimableRedeemRequest", eth(40), await stEntry.claimableRedeemRequest(requestId, erin.address), {
    unit: "lrtETH",
  });
  const erinBefore = await stETH.balanceOf(erin.address);
  await send(stEntry.connect(erin).claim(requestId, erin.address, fulfilled.amount));
  const paid = (await stETH.balanceOf(erin.address)) - erinBefore;
  check("erin's claim pays the fulfilled amount", fulfilled.amount, paid, { unit: "stETH" });
  const paidValue = (paid * (await l.oracle.price(demo.S))) / WAD;
  checkThat(
    "erin's claim is worth at most its value at request",
    paidValue <= recorded.amount,
    `<= ${formatAmount(recorded.amount, "ETH")}`,
    formatAmount(paidValue, "ETH"),
  );
  await showLRT(demo, l, "The LRT at the end");
}
