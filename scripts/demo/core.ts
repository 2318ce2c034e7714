/**
 * The core chapters: set-up, deposits and delegation, allocations, rewards, a vetoed slash, an executed slash that
 * leaves the other AVS's stake whole, a staker who queued a withdrawal during the veto window bearing the slash, and
 * the withdrawals. Each chapter prints what it reads from the contracts (sdk/views.ts) and checks what the protocol
 * promises (docs/slashing.md, docs/rewards.md, docs/invariants.md).
 */
import { ethers } from "hardhat";
import { ZeroAddress, id as textHash } from "ethers";

import { deployCore } from "../../sdk/deploy";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { signPermit } from "../../sdk/signatures";
import {
  WAD,
  decodeWithdrawalId,
  minAssetsFor,
  nextWithdrawalId,
  readAllocation,
  readPool,
  readPosition,
  readRewards,
  readSlashRequest,
  readWithdrawal,
  securedStake,
  type SlashRequestView,
  type WithdrawalView,
} from "../../sdk/views";
import { eventIn } from "../../sdk/events";
import {
  addressBook,
  allocationRow,
  formatAmount,
  formatBps,
  formatDuration,
  formatWadPercent,
  formatWithdrawalId,
  labelOf,
  note,
  poolRow,
  positionRow,
  printTable,
  rewardsRows,
  slashRequestRows,
  withdrawalRow,
} from "../../tasks/format";
import { MockERC20__factory, MockRETH__factory, type MockERC20 } from "../../typechain-types";
import { castOf, chapter, check, checkThat, eth, now, refused, send, type Demo } from "./context";

const DAY = 86_400n;
const HOUR = 3_600n;
const COMMISSION_BPS = 1_000n; // 10%
/** The smallest funding of RWD: below it, fundRewards reverts FundingTooSmall (docs/rewards.md). */
const RWD_MIN_FUNDING = 10n * WAD;

/** What the chapters read of a token (MockERC20 and MockRETH). */
type Balances = Pick<MockERC20, "balanceOf">;

/* TABLES */

async function showPositions(demo: Demo, title = "Positions (value = shares priced net of pending slashes)") {
  const { vault } = demo.core;
  const rows: Record<string, string>[] = [];
  for (const staker of [demo.cast.alice, demo.cast.bob, demo.cast.carol, demo.cast.dave]) {
    for (const asset of [demo.S, demo.R, demo.C]) {
      const p = await readPosition(vault, staker.address, asset);
      if (p.shares !== 0n) rows.push(positionRow(p, demo.book));
    }
  }
  printTable(title, rows);
}

async function showPools(
  demo: Demo,
  title = "Pools (operator / asset; rate = value of 1 token's first shares)",
) {
  const rows: Record<string, string>[] = [];
  for (const operator of [demo.cast.op1.address, demo.cast.op2.address, ZeroAddress]) {
    for (const asset of [demo.S, demo.R, demo.C]) {
      const p = await readPool(demo.core.vault, operator, asset);
      if (p.totalShares !== 0n || p.totalAssets !== 0n) rows.push(poolRow(p, demo.book));
    }
  }
  printTable(title, rows);
}

/** The allocations of the story: [operator, avs, asset, magnitude]. */
function allocations(demo: Demo): Array<[string, string, string, bigint]> {
  const { op1, op2, avsX, avsY } = demo.cast;
  return [
    [op1.address, avsX.address, demo.S, WAD / 2n],
    [op1.address, avsX.address, demo.R, WAD / 2n],
    [op1.address, avsY.address, demo.S, (3n * WAD) / 10n],
    [op2.address, avsX.address, demo.S, WAD / 2n],
    [op2.address, avsX.address, demo.R, WAD / 2n],
    [op2.address, avsX.address, demo.C, WAD / 2n],
  ];
}

async function showAllocations(
  demo: Demo,
  title = "Allocations (allocatedStake = net assets * magnitude / (max - reserved))",
) {
  const rows: Record<string, string>[] = [];
  for (const [op, avs, asset] of allocations(demo)) {
    rows.push(allocationRow(await readAllocation(demo.core.slashingManager, op, avs, asset), demo.book));
  }
  printTable(title, rows);
}

async function showRewards(demo: Demo, title = "Claimable rewards and commission (RWD)") {
  const { alice, bob, carol, dave, op1, op2 } = demo.cast;
  const rows: Record<string, string>[] = [];
  for (const account of [alice, bob, carol, dave, op1, op2]) {
    rows.push(
      ...rewardsRows(await readRewards(demo.core.rewardDistributor, account.address, [demo.RWD]), demo.book),
    );
  }
  printTable(title, rows);
}

/* 1. SET-UP */

/** Deploys a fresh protocol whose roles the demo's deployer keeps, three LSTs, a reward token, operators and AVSs. */
export async function setUp(): Promise<Demo> {
  const cast = await castOf();
  const { deployer } = cast;
  const { contracts: core, addresses } = await deployCore(deployer);
  const token = async (label: string, symbol: string): Promise<MockERC20> => {
    const t = await new MockERC20__factory(deployer).deploy(label, symbol, 18);
    await t.waitForDeployment();
    return t;
  };
  const stETH = await token("Liquid staked Ether", "stETH");
  // rETH is a MockRETH: an ERC-20 with getExchangeRate(), which the LRT's oracle reads.
  const rETH = await new MockRETH__factory(deployer).deploy();
  await rETH.waitForDeployment();
  const cbETH = await token("Coinbase Wrapped Staked ETH", "cbETH");
  const rwd = await token("AVS Reward Token", "RWD");
  const [S, R, C, RWD] = await Promise.all([stETH, rETH, cbETH, rwd].map((t) => t.getAddress()));
  const book = addressBook([
    ...Object.entries(cast).map(([n, s]): [string, string] => [
      n === "avsX" ? "AVS-X" : n === "avsY" ? "AVS-Y" : n,
      s.address,
    ]),
    ["stETH", S],
    ["rETH", R],
    ["cbETH", C],
    ["RWD", RWD],
    ["vault", addresses.vault],
  ]);
  const demo: Demo = {
    cast,
    core,
    tokens: { stETH, rETH, cbETH, rwd },
    S,
    R,
    C,
    RWD,
    book,
    startTime: 0n,
    chapter: 0,
  };

  await chapter(
    demo,
    "Set-up: a fresh protocol for the story, three LSTs, a reward token, two operators, two AVSs",
    [
      "sdk/deploy.ts deployCore deploys the core behind UUPS proxies; the demo's deployer keeps the admin roles of this",
      "instance (a production deployment hands them to a timelock: deploy/). The cast is the network's unlocked accounts.",
    ],
  );
  const { vault, registry, slashingManager, rewardDistributor } = core;
  const proxies = [
    ["RestakingVault", addresses.vault],
    ["OperatorRegistry", addresses.registry],
    ["SlashingManager", addresses.slashingManager],
    ["RewardDistributor", addresses.rewardDistributor],
  ] as const;
  printTable(
    "Contracts (proxy / implementation)",
    proxies.map(([contract, proxy]) => ({
      contract,
      proxy,
      implementation: addresses.implementations[contract]!,
    })),
  );
  const adminRole = await vault.DEFAULT_ADMIN_ROLE();
  for (const [label, c] of [
    ["RestakingVault", vault],
    ["OperatorRegistry", registry],
    ["SlashingManager", slashingManager],
    ["RewardDistributor", rewardDistributor],
  ] as const) {
    const held = await c.hasRole(adminRole, deployer.address);
    checkThat(`${label}'s DEFAULT_ADMIN_ROLE held by the deployer`, held, "true", String(held));
  }
  for (const [asset, cap] of [
    [S, eth(10_000)],
    [R, eth(5_000)],
    [C, eth(5_000)],
  ] as const) {
    await send(vault.addAsset(asset, cap));
  }
  await send(rewardDistributor.addRewardToken(RWD, RWD_MIN_FUNDING));
  printTable(
    "Listed assets (the index is the asset's bit in a staker's asset mask)",
    await Promise.all(
      [S, R, C].map(async (a) => {
        const config = await vault.assetConfig(a);
        return {
          asset: labelOf(a, book),
          index: config.index.toString(),
          cap: formatAmount(config.cap, labelOf(a, book)),
        };
      }),
    ),
  );
  note(
    `Reward token RWD, minimum funding ${formatAmount(RWD_MIN_FUNDING, "RWD")} (a dust stream reverts FundingTooSmall).`,
  );
  for (const [i, op] of [cast.op1, cast.op2].entries()) {
    await send(
      registry.connect(op).registerAsOperator(`ipfs://operator-${i + 1}`, COMMISSION_BPS, ZeroAddress),
    );
    check(
      `${labelOf(op.address, book)}'s commission`,
      COMMISSION_BPS,
      await registry.commissionBps(op.address),
      {
        decimals: 0,
        unit: "bps",
      },
    );
  }
  await send(
    slashingManager.connect(cast.avsX).registerAVS("ipfs://avs-x", {
      slasher: cast.slasher.address,
      vetoCommittee: cast.vetoCommittee.address,
      vetoWindow: Number(DAY),
      maxSlashWad: WAD / 2n,
      recipient: cast.insurance.address,
      registrar: ZeroAddress,
      assets: [S, R, C],
    }),
  );
  await send(
    slashingManager.connect(cast.avsY).registerAVS("ipfs://avs-y", {
      slasher: cast.avsY.address,
      vetoCommittee: ZeroAddress,
      vetoWindow: 0,
      maxSlashWad: WAD / 10n,
      recipient: ZeroAddress,
      registrar: ZeroAddress,
      assets: [S],
    }),
  );
  printTable(
    "AVSs (AVS-Y, an oracle network without a veto committee, shows that slashes are isolated per AVS)",
    await Promise.all(
      [cast.avsX, cast.avsY].map(async (avs) => {
        const c = await slashingManager.avsConfig(avs.address);
        return {
          avs: labelOf(avs.address, book),
          slasher: labelOf(c.slasher, book),
          vetoCommittee: c.vetoCommittee === ZeroAddress ? "none" : labelOf(c.vetoCommittee, book),
          vetoWindow: formatDuration(c.vetoWindow),
          maxPerRequest: formatWadPercent(c.maxSlashWad),
          recipient: c.recipient === ZeroAddress ? "burn" : labelOf(c.recipient, book),
        };
      }),
    ),
  );
  note(
    `Operators commission ${formatBps(COMMISSION_BPS)}; a change waits commissionDelay() = ${formatDuration(
      await registry.commissionDelay(),
    )}, so stakers can leave first.`,
  );
  demo.startTime = await now();
  return demo;
}

/* 2. DEPOSITS AND DELEGATION */

/** What the deposits chapter leaves for later ones. */
export interface Deposits {
  /** alice's rETH withdrawal, queued at once (10 of her 50 rETH). */
  aliceExitId: bigint;
}

export async function depositsAndDelegation(demo: Demo): Promise<Deposits> {
  await chapter(demo, "Four stakers deposit and delegate", [
    "alice deposits 100 stETH with an EIP-2612 permit (sdk/signatures.ts signPermit) while undelegated, then delegates",
    "to op1: her shares move into op1's pool at once. bob delegates to op1 and deposits 200 stETH. carol and dave join",
    "op2. alice also starts leaving with 10 of her 50 rETH: that withdrawal is ready after the withdrawal delay.",
  ]);
  const { vault, registry } = demo.core;
  const { stETH, rETH, cbETH } = demo.tokens;
  const { alice, bob, carol, dave, op1, op2 } = demo.cast;
  const vaultAddress = await vault.getAddress();
  for (const staker of [alice, bob, carol, dave]) {
    for (const t of [stETH, rETH, cbETH]) {
      await send(t.mint(staker.address, eth(1_000)));
      if (staker !== alice || t !== stETH)
        await send(t.connect(staker).approve(vaultAddress, ethers.MaxUint256));
    }
  }
  const permitAmount = eth(100);
  const deadline = (await now()) + HOUR;
  const sig = await signPermit(alice, stETH, vaultAddress, permitAmount, deadline);
  const expectedShares = await vault.previewDeposit(ZeroAddress, demo.S, permitAmount);
  await send(
    vault
      .connect(alice)
      .depositWithPermit(demo.S, permitAmount, expectedShares, deadline, sig.v, sig.r, sig.s),
  );
  const alicePermitted = await readPosition(vault, alice.address, demo.S);
  check("alice's shares from depositWithPermit (previewDeposit)", expectedShares, alicePermitted.shares, {
    decimals: 0,
    unit: "shares",
  });
  check("the permit's allowance left", 0n, await stETH.allowance(alice.address, vaultAddress), {
    unit: "stETH",
  });
  await send(stETH.connect(alice).approve(vaultAddress, ethers.MaxUint256));
  await send(registry.connect(alice).delegateTo(op1.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  const aliceDelegated = await readPosition(vault, alice.address, demo.S);
  checkThat(
    "alice's stETH pool after delegateTo",
    aliceDelegated.operator === op1.address,
    "op1",
    labelOf(aliceDelegated.operator, demo.book),
  );
  check("alice's stETH value after moving into op1's pool", permitAmount, aliceDelegated.assets, {
    unit: "stETH",
  });
  await send(vault.connect(alice).deposit(demo.R, eth(50), 0n));
  await send(registry.connect(bob).delegateTo(op1.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(vault.connect(bob).deposit(demo.S, eth(200), 0n));
  await send(vault.connect(carol).deposit(demo.S, eth(150), 0n));
  await send(vault.connect(carol).deposit(demo.C, eth(30), 0n));
  await send(registry.connect(carol).delegateTo(op2.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(registry.connect(dave).delegateTo(op2.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(vault.connect(dave).deposit(demo.S, eth(60), 0n));
  await send(vault.connect(dave).deposit(demo.R, eth(40), 0n));
  // A deposit is priced down: a position is worth what was deposited, at most 1 base unit less.
  for (const [staker, asset, amount] of [
    [bob, demo.S, 200],
    [carol, demo.S, 150],
    [dave, demo.S, 60],
    [dave, demo.R, 40],
  ] as const) {
    const p = await readPosition(vault, staker.address, asset);
    check(
      `${labelOf(staker.address, demo.book)}'s ${labelOf(asset, demo.book)} value`,
      eth(amount),
      p.assets,
      {
        tolerance: 1n,
        unit: labelOf(asset, demo.book),
      },
    );
  }
  const aliceRethShares = (await readPosition(vault, alice.address, demo.R)).shares;
  const aliceExitId = await nextWithdrawalId(vault, alice.address);
  const receipt = await send(vault.connect(alice).queueWithdrawal(demo.R, aliceRethShares / 5n));
  const queued = await eventIn(vault, receipt, "WithdrawalQueued");
  check("alice's withdrawal id (event = sdk nextWithdrawalId)", aliceExitId, queued.args.id as bigint, {
    format: formatWithdrawalId,
  });
  const exit = await readWithdrawal(vault, aliceExitId);
  if (exit === undefined) throw new Error("alice's withdrawal is missing");
  check(
    "alice's withdrawal readyAt = queued + withdrawal delay",
    exit.startTime + (await vault.withdrawalDelay()),
    exit.readyAt,
    { decimals: 0 },
  );
  printTable("alice's rETH withdrawal", [withdrawalRow(exit, await now(), demo.book)]);
  await showPositions(demo);
  await showPools(demo);
  return { aliceExitId };
}

/* 3. ALLOCATIONS */

export async function allocate(demo: Demo): Promise<void> {
  const { slashingManager } = demo.core;
  const { op1, op2, avsX, avsY } = demo.cast;
  await chapter(
    demo,
    "Operators opt in and allocate 50% per asset to AVS-X; op1 also gives 30% of its stETH to AVS-Y",
    [
      "An increase becomes slashable after allocationDelay(): the vault's latestReadyAt() (the latest readyAt of any",
      "withdrawal queued so far or now) plus EXIT_BUFFER: a staker who leaves when it is announced is gone before it.",
    ],
  );
  for (const op of [op1, op2])
    await send(slashingManager.connect(op).registerOperatorToAVS(avsX.address, "0x"));
  await send(slashingManager.connect(op1).registerOperatorToAVS(avsY.address, "0x"));
  const signerOf = new Map([op1, op2].map((s) => [s.address, s]));
  for (const [op, avs, asset, magnitude] of allocations(demo)) {
    await send(slashingManager.connect(signerOf.get(op)!).modifyAllocation(avs, asset, magnitude));
  }
  const before = await readAllocation(slashingManager, op1.address, avsX.address, demo.S);
  check("op1's stETH stake slashable by AVS-X right after modifyAllocation", 0n, before.allocatedStake, {
    unit: "stETH",
  });
  const delay = await slashingManager.allocationDelay();
  note(
    `allocationDelay() = ${formatDuration(delay)} (withdrawal delay ${formatDuration(await demo.core.vault.withdrawalDelay())} + EXIT_BUFFER ${formatDuration(await slashingManager.EXIT_BUFFER())}).`,
  );
  let effectAt = 0n;
  for (const [op, avs, asset] of allocations(demo)) {
    const a = await readAllocation(slashingManager, op, avs, asset);
    if (a.effectAt > effectAt) effectAt = a.effectAt;
  }
  await chapter(
    demo,
    "The allocation delay passes: the allocations are slashable",
    ["The views apply the matured changes without a transaction."],
    { to: effectAt, why: "to the last allocation's effectAt" },
  );
  await showAllocations(demo);
  let secured = 0n;
  for (const [op, avs, asset, magnitude] of allocations(demo)) {
    const pool = await readPool(demo.core.vault, op, asset);
    const expected = (pool.netAssets * magnitude) / WAD;
    const a = await readAllocation(slashingManager, op, avs, asset);
    check(
      `${labelOf(avs, demo.book)}'s stake in ${labelOf(op, demo.book)} / ${labelOf(asset, demo.book)}`,
      expected,
      a.allocatedStake,
      { unit: labelOf(asset, demo.book) },
    );
    if (avs === avsX.address && asset === demo.S) secured += expected;
  }
  check(
    "AVS-X's secured stETH (sdk securedStake over op1 and op2)",
    secured,
    await securedStake(slashingManager, avsX.address, demo.S, [op1.address, op2.address]),
    { unit: "stETH" },
  );
}

/* 4. REWARDS */

/** What the rewards chapter leaves for the final check. */
export interface Rewards {
  funded: bigint;
  paidOut: bigint;
}

export async function rewards(demo: Demo): Promise<Rewards> {
  const { rewardDistributor } = demo.core;
  const { rwd } = demo.tokens;
  const { avsX, alice, bob, op1, op2 } = demo.cast;
  await chapter(demo, "AVS-X funds a week of RWD rewards for op1's and op2's stETH pools", [
    "10% commission is set aside for the operator at funding; the rest streams per second to the pool's active",
    "shares: in op1's pool alice holds 1/3 (100 stETH) and bob 2/3 (200 stETH).",
  ]);
  const funding = [op1, op2].map((op) => ({
    operator: op.address,
    asset: demo.S,
    token: demo.RWD,
    amount: eth(700),
    duration: 7n * DAY,
  }));
  const funded = eth(1_400);
  await send(rwd.mint(avsX.address, funded));
  await send(rwd.connect(avsX).approve(await rewardDistributor.getAddress(), funded));
  const fundedAt = (await ethers.provider.getBlock(
    (await send(rewardDistributor.connect(avsX).fundRewardsBatch(funding))).blockNumber,
  ))!.timestamp;
  const [stream] = await rewardDistributor.poolStreams(op1.address, demo.S);
  if (stream === undefined) throw new Error("op1's stETH pool has no stream");
  note(
    `Stream: ${formatAmount((stream.rate * DAY) / WAD, "RWD")} a day per pool for ${formatDuration(stream.periodFinish - stream.lastUpdate)}.`,
  );
  await chapter(demo, "Three days later alice claims her rewards and op1 its commission", [], {
    to: BigInt(fundedAt) + 3n * DAY,
    why: "three days of streaming",
  });
  await showRewards(demo);
  const aliceBefore = await rwd.balanceOf(alice.address);
  const claimBlock = await send(rewardDistributor.connect(alice).claim([demo.RWD], alice.address));
  const claimedAt = BigInt((await ethers.provider.getBlock(claimBlock.blockNumber))!.timestamp);
  const aliceClaimed = (await rwd.balanceOf(alice.address)) - aliceBefore;
  // alice's third of the stream since funding; the per-share accumulator rounds down (a few base units).
  const aliceExpected = (stream.rate * (claimedAt - BigInt(fundedAt))) / WAD / 3n;
  check("alice's claim: 1/3 of 630 RWD / 7 days for the time streamed", aliceExpected, aliceClaimed, {
    tolerance: 10n ** 6n,
    unit: "RWD",
  });
  const op1Before = await rwd.balanceOf(op1.address);
  await send(rewardDistributor.connect(op1).claimCommission([demo.RWD], op1.address));
  const op1Commission = (await rwd.balanceOf(op1.address)) - op1Before;
  check("op1's commission: 10% of 700 RWD", eth(70), op1Commission, { unit: "RWD" });
  const bobPending = await rewardDistributor.pendingRewards(bob.address, demo.RWD);
  check(
    "bob's claimable now: 2/3 of the stream since funding",
    (2n * ((stream.rate * ((await now()) - BigInt(fundedAt))) / WAD)) / 3n,
    bobPending,
    { tolerance: 10n ** 6n, unit: "RWD" },
  );
  return { funded, paidOut: aliceClaimed + op1Commission };
}

/* 5. A VETOED SLASH */

export async function vetoedSlash(demo: Demo): Promise<void> {
  const { vault, slashingManager } = demo.core;
  const { slasher, vetoCommittee, avsX, op2, carol, dave } = demo.cast;
  await chapter(demo, "AVS-X's slasher requests 20% of op2's allocations; the veto committee vetoes it", [
    "A request reserves its amount in each pool at once (stakers' values fall by it, nobody can leave at the old",
    "price); a veto within the window gives it all back: positions, pools and magnitudes are as before.",
  ]);
  const carolBefore = await readPosition(vault, carol.address, demo.S);
  const daveBefore = await readPosition(vault, dave.address, demo.R);
  const poolBefore = await readPool(vault, op2.address, demo.S);
  await send(
    slashingManager
      .connect(slasher)
      .requestSlash(avsX.address, op2.address, WAD / 5n, textHash("evidence: batch 17")),
  );
  const id = await slashingManager.slashRequestCount();
  const request = await readSlashRequest(slashingManager, id);
  if (request === undefined) throw new Error(`slash request ${id} is missing`);
  printTable(`Slash request ${id}`, slashRequestRows(request, demo.book));
  const stEth = request.assets.find((a) => a.asset === demo.S);
  check(
    "op2's stETH reserved: 10% of 210 stETH",
    (poolBefore.netAssets * (WAD / 10n)) / WAD,
    stEth?.amount ?? 0n,
    { unit: "stETH" },
  );
  const carolDuring = await readPosition(vault, carol.address, demo.S);
  check(
    "carol's stETH value while the request is pending (-10%)",
    (carolBefore.assets * 9n) / 10n,
    carolDuring.assets,
    { tolerance: 1n, unit: "stETH" },
  );
  await send(slashingManager.connect(vetoCommittee).vetoSlash(id));
  const vetoed = await readSlashRequest(slashingManager, id);
  checkThat(`request ${id}'s status`, vetoed?.status === "Vetoed", "Vetoed", vetoed?.status ?? "missing");
  const poolAfter = await readPool(vault, op2.address, demo.S);
  check("op2's stETH pendingSlash after the veto", 0n, poolAfter.pendingSlash, { unit: "stETH" });
  check(
    "carol's stETH value after the veto (as before)",
    carolBefore.assets,
    (await readPosition(vault, carol.address, demo.S)).assets,
    { unit: "stETH" },
  );
  check(
    "dave's rETH value after the veto (as before)",
    daveBefore.assets,
    (await readPosition(vault, dave.address, demo.R)).assets,
    { unit: "rETH" },
  );
  const [, maxMagnitude] = await slashingManager.magnitudes(op2.address, demo.S);
  check("op2's stETH maxMagnitude after the veto", WAD, maxMagnitude, { format: formatWadPercent });
  note(
    `Vetoing again reverts ${await refused(demo, slashingManager.connect(vetoCommittee).vetoSlash.staticCall(id), "InvalidSlashStatus")}.`,
  );
}

/* 6. AN EXECUTED SLASH: THE REQUEST */

/** The executed slash's request and the figures it is checked against later. */
export interface Slash {
  id: bigint;
  request: SlashRequestView;
  /** AVS-Y's stake in op1/stETH before the request. */
  yStakeBefore: bigint;
  /** op2's stake slashable by AVS-X in stETH before the request. */
  op2StakeBefore: bigint;
  /** alice's rETH withdrawal and bob's stETH value before the request. */
  aliceExitBefore: WithdrawalView;
  bobValueBefore: bigint;
}

export async function slashRequested(demo: Demo, deposits: Deposits): Promise<Slash> {
  const { vault, slashingManager } = demo.core;
  const { slasher, avsX, avsY, op1, op2, alice, bob } = demo.cast;
  await chapter(
    demo,
    "AVS-X's slasher requests 20% of op1's allocations; the pools take no new shares and pay no exits",
    [
      "s = 20% of AVS-X's 50% = 10% of op1's magnitude in each asset the request can take; amount = netAssets * s /",
      "(maxMagnitude - reserved), fixed now. op1 allocates no cbETH to AVS-X: the request skips cbETH.",
    ],
  );
  const poolBefore = await Promise.all([demo.S, demo.R].map((a) => readPool(vault, op1.address, a)));
  const yStakeBefore = (await readAllocation(slashingManager, op1.address, avsY.address, demo.S))
    .allocatedStake;
  const op2StakeBefore = (await readAllocation(slashingManager, op2.address, avsX.address, demo.S))
    .allocatedStake;
  const aliceExitBefore = await readWithdrawal(vault, deposits.aliceExitId);
  if (aliceExitBefore === undefined) throw new Error("alice's withdrawal is missing");
  const bobValueBefore = (await readPosition(vault, bob.address, demo.S)).assets;
  await send(
    slashingManager
      .connect(slasher)
      .requestSlash(avsX.address, op1.address, WAD / 5n, textHash("evidence: batch 42")),
  );
  const id = await slashingManager.slashRequestCount();
  const request = await readSlashRequest(slashingManager, id);
  if (request === undefined) throw new Error(`slash request ${id} is missing`);
  printTable(
    `Slash request ${id}: executable in ${formatDuration(request.executableAt - (await now()))}`,
    slashRequestRows(request, demo.book),
  );
  for (const [i, asset] of [demo.S, demo.R].entries()) {
    const taken = request.assets.find((a) => a.asset === asset);
    check(
      `op1's ${labelOf(asset, demo.book)} reserved: 10% of its net assets`,
      (poolBefore[i]!.netAssets * (WAD / 10n)) / WAD,
      taken?.amount ?? 0n,
      { unit: labelOf(asset, demo.book) },
    );
  }
  const takesCbEth = request.assets.some((a) => a.asset === demo.C);
  checkThat(
    "the request skips cbETH (op1 allocates none to AVS-X)",
    !takesCbEth,
    "skipped",
    takesCbEth ? "taken" : "skipped",
  );
  const yDuring = (await readAllocation(slashingManager, op1.address, avsY.address, demo.S)).allocatedStake;
  check("AVS-Y's stake in op1/stETH during AVS-X's request (isolated)", yStakeBefore, yDuring, {
    tolerance: 1n,
    unit: "stETH",
  });
  check(
    "AVS-X's stake in op2/stETH during the request on op1",
    op2StakeBefore,
    (await readAllocation(slashingManager, op2.address, avsX.address, demo.S)).allocatedStake,
    { unit: "stETH" },
  );
  await showPools(demo);
  const exit = await readWithdrawal(vault, deposits.aliceExitId);
  if (exit === undefined) throw new Error("alice's withdrawal is missing");
  const t = await now();
  checkThat(
    "alice's rETH withdrawal is past its readyAt",
    exit.readyAt <= t,
    "ready",
    exit.readyAt <= t
      ? `ready for ${formatDuration(t - exit.readyAt)}`
      : `${formatDuration(exit.readyAt - t)} left`,
  );
  note(
    `Yet completing it reverts ${await refused(demo, vault.connect(alice).completeWithdrawal.staticCall(deposits.aliceExitId, true, minAssetsFor(exit)), "PoolSlashPending", { operator: op1.address, asset: demo.R, pendingRequests: 1n })}:`,
  );
  note(
    "paid now she would keep nothing of a veto; she waits, and bears an execution like every share of the pool.",
  );
  note(
    `alice's deposit of 30 stETH reverts ${await refused(demo, vault.connect(alice).deposit.staticCall(demo.S, eth(30), 0n), "PoolSlashPending")}: a deposit must neither pay for an earlier request nor collect a veto.`,
  );
  return { id, request, yStakeBefore, op2StakeBefore, aliceExitBefore, bobValueBefore };
}

/* 7. A WITHDRAWAL QUEUED DURING THE VETO WINDOW */

export async function queuedDuringWindow(demo: Demo, slash: Slash): Promise<bigint> {
  const { vault } = demo.core;
  const { bob } = demo.cast;
  await chapter(
    demo,
    "During the veto window, bob queues a withdrawal of half his stETH: it cannot escape the request",
    [
      "Queued shares stay in the pool's totalShares (slashable) and stop earning rewards; the withdrawal is ready only",
      "after the withdrawal delay, and could not complete while the request is pending anyway.",
    ],
  );
  const position = await readPosition(vault, bob.address, demo.S);
  const predicted = await nextWithdrawalId(vault, bob.address);
  const receipt = await send(vault.connect(bob).queueWithdrawal(demo.S, position.shares / 2n));
  const id = (await eventIn(vault, receipt, "WithdrawalQueued")).args.id as bigint;
  const decoded = decodeWithdrawalId(id);
  check("bob's withdrawal id (WithdrawalQueued = sdk nextWithdrawalId)", predicted, id, {
    format: formatWithdrawalId,
  });
  note(`id ${formatWithdrawalId(id)} = (${labelOf(decoded.staker, demo.book)} << 96) | ${decoded.nonce}`);
  const w = await readWithdrawal(vault, id);
  if (w === undefined) throw new Error("bob's withdrawal is missing");
  printTable("bob's withdrawal (value net of the pending request)", [
    withdrawalRow(w, await now(), demo.book),
  ]);
  check(
    "bob's withdrawal value: half his stETH, net of the 10% reserved",
    (slash.bobValueBefore * 9n) / 20n,
    w.assets,
    { tolerance: 2n, unit: "stETH" },
  );
  checkThat(
    "bob's withdrawal is ready after the request could execute",
    w.readyAt > slash.request.executableAt,
    "later",
    formatDuration(w.readyAt - slash.request.executableAt) + " later",
  );
  await showPositions(demo);
  note(
    `Executing before the window ends reverts ${await refused(demo, demo.core.slashingManager.connect(demo.cast.keeper).executeSlash.staticCall(slash.id), "SlashNotExecutable")}.`,
  );
  return id;
}

/* 8. THE SLASH EXECUTES; AVS-Y'S STAKE IS WHOLE */

export async function slashExecuted(demo: Demo, slash: Slash): Promise<void> {
  const { vault, slashingManager } = demo.core;
  const { keeper, insurance, op1, op2, avsX, avsY } = demo.cast;
  await chapter(
    demo,
    "The veto window passes: a keeper executes the slash; anyone releases the escrow to the insurance, per asset",
    [
      "The reserved amounts leave the pools; op1's maxMagnitude drops by s. AVS-Y's and op2's stakes do not move.",
    ],
    { to: slash.request.executableAt, why: "to the request's executableAt" },
  );
  // The request started op1/stETH's request epoch; other AVSs may join it only within JOIN_WINDOW of its start, so
  // requests cannot take turns keeping the pool closed (docs/slashing.md, "Pending requests close the pool").
  const [{ gateAt }] = await slashingManager.magnitudes(op1.address, demo.S);
  const nextEpochAt = gateAt + (await slashingManager.GATE_CYCLE());
  const joinWindow = await slashingManager.JOIN_WINDOW();
  // The refused call starts inside `refused`, which handles its rejection at once (a call started before another
  // await could reject with no handler yet, which ends the process).
  const ySlash = refused(
    demo,
    slashingManager
      .connect(avsY)
      .requestSlash.staticCall(avsY.address, op1.address, WAD / 10n, textHash("evidence: oracle round 7")),
    "PoolGated",
    { operator: op1.address, asset: demo.S, nextEpochAt },
  );
  note(
    `Past JOIN_WINDOW (${formatDuration(joinWindow)}) AVS-Y's request on op1 reverts ${await ySlash}: the next epoch starts GATE_CYCLE after this one.`,
  );
  const before = await Promise.all(slash.request.assets.map((a) => readPool(vault, op1.address, a.asset)));
  await send(slashingManager.connect(keeper).executeSlash(slash.id));
  for (const [i, a] of slash.request.assets.entries()) {
    const after = await readPool(vault, op1.address, a.asset);
    check(
      `op1's ${labelOf(a.asset, demo.book)} totalAssets after execution`,
      before[i]!.totalAssets - a.amount,
      after.totalAssets,
      { unit: labelOf(a.asset, demo.book) },
    );
    check(`op1's ${labelOf(a.asset, demo.book)} pendingSlash after execution`, 0n, after.pendingSlash);
  }
  const [, maxMagnitude] = await slashingManager.magnitudes(op1.address, demo.S);
  check("op1's stETH maxMagnitude after execution", (9n * WAD) / 10n, maxMagnitude, {
    format: formatWadPercent,
  });
  const y = await readAllocation(slashingManager, op1.address, avsY.address, demo.S);
  check("AVS-Y's magnitude in op1/stETH (untouched by AVS-X's slash)", (3n * WAD) / 10n, y.current, {
    format: formatWadPercent,
  });
  check("AVS-Y's stake in op1/stETH after AVS-X's slash (isolated)", slash.yStakeBefore, y.allocatedStake, {
    tolerance: 1n,
    unit: "stETH",
  });
  check(
    "AVS-X's stake in op2/stETH (another operator: untouched)",
    slash.op2StakeBefore,
    (await readAllocation(slashingManager, op2.address, avsX.address, demo.S)).allocatedStake,
    { unit: "stETH" },
  );
  await showAllocations(demo);
  const tokens = new Map<string, Balances>([
    [demo.S, demo.tokens.stETH],
    [demo.R, demo.tokens.rETH],
  ]);
  for (const a of slash.request.assets) {
    const token = tokens.get(a.asset)!;
    const insuranceBefore = await token.balanceOf(insurance.address);
    await send(slashingManager.connect(keeper).releaseSlashedFunds(slash.id, a.asset));
    check(
      `insurance received ${labelOf(a.asset, demo.book)}`,
      a.amount,
      (await token.balanceOf(insurance.address)) - insuranceBefore,
      { unit: labelOf(a.asset, demo.book) },
    );
  }
  const released = await readSlashRequest(slashingManager, slash.id);
  checkThat(
    `request ${slash.id}'s status`,
    released?.status === "FundsReleased",
    "FundsReleased",
    released?.status ?? "missing",
  );
}

/* 9. WITHDRAWALS */

export async function withdrawals(
  demo: Demo,
  deposits: Deposits,
  slash: Slash,
  bobWithdrawalId: bigint,
): Promise<void> {
  const { vault } = demo.core;
  const { alice, bob } = demo.cast;
  await chapter(
    demo,
    "The request is resolved: alice's rETH withdrawal completes with a minAssets bound and bears the slash",
    [
      "completeWithdrawal(id, asTokens, minAssets) reverts AssetsBelowMinimum if it would pay less than minAssets.",
    ],
  );
  const exit = await readWithdrawal(vault, deposits.aliceExitId);
  if (exit === undefined) throw new Error("alice's withdrawal is missing");
  const minAssets = minAssetsFor(exit);
  note(
    `Asking 1 wei more than it is worth reverts ${await refused(demo, vault.connect(alice).completeWithdrawal.staticCall(deposits.aliceExitId, true, minAssets + 1n), "AssetsBelowMinimum")}.`,
  );
  const rethBefore = await demo.tokens.rETH.balanceOf(alice.address);
  await send(vault.connect(alice).completeWithdrawal(deposits.aliceExitId, true, minAssets));
  const paid = (await demo.tokens.rETH.balanceOf(alice.address)) - rethBefore;
  check(
    "alice's rETH paid: her withdrawal's value before the request, less 10%",
    (slash.aliceExitBefore.assets * 9n) / 10n,
    paid,
    { tolerance: 1n, unit: "rETH" },
  );

  const bobW = await readWithdrawal(vault, bobWithdrawalId);
  if (bobW === undefined) throw new Error("bob's withdrawal is missing");
  note(
    `bob's withdrawal now reverts ${await refused(demo, vault.connect(bob).completeWithdrawal.staticCall(bobWithdrawalId, true, minAssetsFor(bobW)), "WithdrawalNotReady")}.`,
  );
  await chapter(
    demo,
    "bob's withdrawal completes after the withdrawal delay, as tokens, and bears the slash",
    [],
    {
      to: bobW.completableAt,
      why: "to bob's withdrawal's completableAt",
    },
  );
  const ready = await readWithdrawal(vault, bobWithdrawalId);
  if (ready === undefined) throw new Error("bob's withdrawal is missing");
  const before = await demo.tokens.stETH.balanceOf(bob.address);
  await send(vault.connect(bob).completeWithdrawal(bobWithdrawalId, true, minAssetsFor(ready)));
  const bobPaid = (await demo.tokens.stETH.balanceOf(bob.address)) - before;
  check(
    "bob's stETH paid: half his value before the request, less 10%",
    (slash.bobValueBefore * 9n) / 20n,
    bobPaid,
    { tolerance: 2n, unit: "stETH" },
  );
  await showPositions(demo);
  await showPools(demo);
}

/* THE END: INVARIANTS */

export async function invariants(demo: Demo, r: Rewards): Promise<void> {
  const { vault, rewardDistributor } = demo.core;
  await chapter(demo, "Invariants at the end of the story (docs/invariants.md)", []);
  await showRewards(demo);
  const { alice, bob, carol, dave, op1, op2 } = demo.cast;
  let claimable = 0n;
  for (const account of [alice, bob, carol, dave, op1, op2]) {
    claimable += await rewardDistributor.pendingRewards(account.address, demo.RWD);
    claimable += await rewardDistributor.pendingCommission(account.address, demo.RWD);
  }
  const held = await demo.tokens.rwd.balanceOf(await rewardDistributor.getAddress());
  checkThat(
    "invariant 7: RWD funded >= claimed + claimable, and held >= claimable",
    r.funded >= r.paidOut + claimable && held >= claimable,
    `${formatAmount(r.funded)} >= ${formatAmount(r.paidOut)} + ${formatAmount(claimable)}`,
    `funded ${formatAmount(r.funded, "RWD")}, claimed ${formatAmount(r.paidOut, "RWD")}, claimable ${formatAmount(claimable, "RWD")}, held ${formatAmount(held, "RWD")}`,
  );
  const vaultAddress = await vault.getAddress();
  const tokens: Array<[string, Balances]> = [
    [demo.S, demo.tokens.stETH],
    [demo.R, demo.tokens.rETH],
    [demo.C, demo.tokens.cbETH],
  ];
  const rows: Record<string, string>[] = [];
  for (const [asset, token] of tokens) {
    let sum = 0n;
    for (const operator of [op1.address, op2.address, ZeroAddress])
      sum += (await vault.pool(operator, asset)).totalAssets;
    const balance = await token.balanceOf(vaultAddress);
    rows.push({
      asset: labelOf(asset, demo.book),
      vaultBalance: formatAmount(balance),
      sumOfPools: formatAmount(sum),
    });
    checkThat(
      `invariant 1 (solvency) in ${labelOf(asset, demo.book)}: vault balance >= sum of the pools`,
      balance >= sum,
      `>= ${formatAmount(sum)}`,
      formatAmount(balance),
    );
  }
  printTable("Solvency", rows);
}
