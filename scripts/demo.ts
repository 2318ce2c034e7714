/**
 * A guided tour of the protocol on the in-process Hardhat chain: `npm run demo`.
 *
 * It deploys the core (vault, operator registry, slashing manager, reward distributor) behind UUPS proxies, lists
 * three liquid staking tokens, allows a reward token with a minimum funding, hands the admin roles over to a timelock,
 * and then walks one story: operators and stakers, an AVS with a veto committee, allocations (slashable only after
 * allocationDelay(): until the vault's latestReadyAt() plus EXIT_BUFFER, 14 days 7 hours by default), a week of rewards, and a
 * slash that no exit can escape: a withdrawal that is ready waits for the request to resolve, and one queued during
 * the veto window bears it too. The pool gate takes requests in epochs (JOIN_WINDOW, GATE_CYCLE), bounding how long
 * requests keep a pool closed; a request skips the assets it cannot take and takes the others.
 * Exits complete with a minAssets bound; the escrowed funds are released per asset. Then the liquid restaking token
 * (docs/lrt.md): an LRT over stETH and rETH priced by LRTOracle, a node per operator under a risk policy, deposits
 * through the ERC-7575 entry points, streamed stETH rewards that raise the rate net of the fee (harvest does not move
 * it), a slash of op2 that lowers the rate at the request, an instant exit for a fee, and an ERC-7540 redemption paid
 * after the vault delay at most at its value at request. Every figure it prints is read from the contracts (sdk/views.ts,
 * sdk/lrt.ts, sdk/oracle.ts); a figure that is not what the protocol promises stops it with an error (exit code 1).
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { Signature, isCallException, type ContractTransactionResponse, type Interface } from "ethers";

import { deployCore, handOver, type CoreContracts } from "../sdk/deploy";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE, deployLRT } from "../sdk/lrt";
import { deployOracle, deployPriceFeed, deployRateAdapter } from "../sdk/oracle";
import {
  WAD,
  addressBook,
  decodeWithdrawalId,
  formatAllocation,
  formatAmount,
  formatDuration,
  formatPool,
  formatPosition,
  formatRewards,
  formatSlashRequest,
  formatWadPercent,
  formatWithdrawal,
  formatWithdrawalId,
  minAssetsFor,
  nameOf,
  nextWithdrawalId,
  readAllocation,
  readPool,
  readPosition,
  readRewards,
  readSlashRequest,
  readWithdrawal,
  securedStake,
  type AddressBook,
} from "../sdk/views";
import {
  MockERC20__factory,
  MockRETH__factory,
  ProtocolTimelock__factory,
  type LiquidRestakingToken,
  type LRTManager,
  type MockERC20,
  type MockRETH,
  type ProtocolTimelock,
} from "../typechain-types";

const DAY = 86_400n;
const HOUR = 3_600n;
const TIMELOCK_DELAY = 2n * DAY;
const COMMISSION_BPS = 1_000; // 10%
/** The smallest funding of RWD: below it, fundRewards reverts FundingTooSmall (docs/rewards.md). */
const RWD_MIN_FUNDING = 10n * WAD;
const NO_SIGNATURE = { signature: "0x", expiry: 0n };
const NO_SALT = ethers.ZeroHash;
const ZERO = ethers.ZeroAddress;

const eth = (whole: number): bigint => BigInt(whole) * WAD;

/** Names of the access-control roles, to print `AccessControlUnauthorizedAccount` readably. */
const ROLE_NAMES = new Map<string, string>(
  ["PAUSER_ROLE", "ASSET_ADMIN_ROLE", "REWARDS_ADMIN_ROLE"].map((name): [string, string] => [
    ethers.id(name),
    name,
  ]),
);
ROLE_NAMES.set(ethers.ZeroHash, "DEFAULT_ADMIN_ROLE");

/* OUTPUT */

let stepNumber = 0;
let startTime = 0n;

async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

async function step(title: string, ...explanation: string[]): Promise<void> {
  stepNumber += 1;
  const clock = startTime === 0n ? "" : ` [chain time +${formatDuration((await now()) - startTime)}]`;
  console.log(`\n${"=".repeat(100)}\n${stepNumber}. ${title}${clock}\n${"=".repeat(100)}`);
  for (const line of explanation) console.log(`   ${line}`);
}

/** formatDuration with the minutes and seconds too when there are any (e.g. MAX_VETO_WINDOW = 2 days - 1 s). */
function exactDuration(seconds: bigint): string {
  const rest = seconds % HOUR;
  return rest === 0n ? formatDuration(seconds) : `${formatDuration(seconds)} ${rest / 60n}m ${rest % 60n}s`;
}

function note(line: string): void {
  console.log(`   ${line}`);
}

function table(title: string, rows: Record<string, string>[]): void {
  console.log(`\n   ${title}`);
  if (rows.length === 0) note("(none)");
  else console.table(rows);
}

/** Sends a transaction and waits for it; throws if it reverted. */
async function send(tx: Promise<ContractTransactionResponse>): Promise<void> {
  const receipt = await (await tx).wait();
  if (receipt === null || receipt.status !== 1) throw new Error("transaction failed");
}

/** The revert data of a failed call: ethers' CallExceptionError or the Hardhat network's error carry it in `data`. */
function revertData(error: unknown): string | undefined {
  if (isCallException(error)) return error.data ?? undefined;
  if (typeof error === "object" && error !== null && "data" in error && typeof error.data === "string") {
    return error.data;
  }
  return undefined;
}

/** Runs a call that must revert and returns the custom error it reverted with, as "Name(arg, ...)". */
async function revertOf(call: Promise<unknown>, iface: Interface, book?: AddressBook): Promise<string> {
  const error = await callError(call, iface, book);
  if (error === null) throw new Error("expected the call to revert");
  return error;
}

/** Like revertOf, but throws unless the custom error starts with `expected` (e.g. "PoolGated(op1, stETH, 123)"). */
async function expectRevert(
  call: Promise<unknown>,
  iface: Interface,
  expected: string,
  book?: AddressBook,
): Promise<string> {
  const error = await revertOf(call, iface, book);
  if (!error.startsWith(expected)) throw new Error(`expected a revert ${expected}..., got ${error}`);
  return error;
}

/** Runs a call (usually a staticCall) and returns null if it succeeds, or the custom error it reverted with. */
async function callError(
  call: Promise<unknown>,
  iface: Interface,
  book?: AddressBook,
): Promise<string | null> {
  try {
    await call;
    return null;
  } catch (error: unknown) {
    const data = revertData(error);
    const parsed = data === undefined ? null : iface.parseError(data);
    if (parsed === null) throw error;
    const args = parsed.args.map((a: unknown) => {
      if (typeof a === "string" && ethers.isAddress(a)) return nameOf(a, book);
      if (typeof a === "string") return ROLE_NAMES.get(a) ?? a;
      if (typeof a === "bigint" && a >= 1n << 160n) return formatWithdrawalId(a);
      if (typeof a === "bigint" && a >= 10n ** 15n) return `${formatAmount(a)} (18 decimals)`;
      return String(a);
    });
    return `${parsed.name}(${args.join(", ")})`;
  }
}

/* THE STORY */

async function main(): Promise<void> {
  const signers = await ethers.getSigners();
  const [
    deployer,
    pauser,
    op1,
    op2,
    alice,
    bob,
    carol,
    dave,
    avsX,
    slasher,
    vetoCommittee,
    insurance,
    avsY,
    keeper,
  ] = signers;
  const stakers = [alice, bob, carol, dave];
  const operators = [op1, op2];

  await step(
    "Deploy the core behind UUPS proxies (sdk/deploy.ts deployCore)",
    "The deployer keeps every admin role for now, so that it can list assets and reward tokens before the hand-over.",
  );
  const { contracts, addresses } = await deployCore(deployer);
  const { vault, registry, slashingManager, rewardDistributor } = contracts;
  for (const [name, address] of Object.entries(addresses.implementations)) {
    note(`${name.padEnd(18)} proxy ${addresses[lowerFirst(name)]}  implementation ${address}`);
  }

  const token = async (name: string, symbol: string): Promise<MockERC20> => {
    const t = await new MockERC20__factory(deployer).deploy(name, symbol, 18);
    await t.waitForDeployment();
    return t;
  };
  const stETH = await token("Liquid staked Ether", "stETH");
  // rETH is a MockRETH: an ERC-20 with getExchangeRate(), which the LRT's oracle reads (its rate stays 1 until then).
  const rETH = await new MockRETH__factory(deployer).deploy();
  await rETH.waitForDeployment();
  const cbETH = await token("Coinbase Wrapped Staked ETH", "cbETH");
  const rwd = await token("AVS Reward Token", "RWD");
  const assetTokens = [stETH, rETH, cbETH];
  const [S, R, C, RWD] = await Promise.all([stETH, rETH, cbETH, rwd].map((t) => t.getAddress()));
  const assets = [S, R, C];
  const vaultAddress = await vault.getAddress();
  const distributorAddress = await rewardDistributor.getAddress();

  const book: AddressBook = addressBook([
    ["op1", op1.address],
    ["op2", op2.address],
    ["alice", alice.address],
    ["bob", bob.address],
    ["carol", carol.address],
    ["dave", dave.address],
    ["AVS-X", avsX.address],
    ["AVS-Y", avsY.address],
    ["insurance", insurance.address],
    ["slasher", slasher.address],
    ["vetoCommittee", vetoCommittee.address],
    ["keeper", keeper.address],
    ["deployer", deployer.address],
    ["stETH", S],
    ["rETH", R],
    ["cbETH", C],
    ["RWD", RWD],
  ]);

  await step(
    "Admin setup: list three LSTs with deposit caps and allow one reward token with a minimum funding",
    "addAsset gives each asset an index (its bit in a staker's asset mask); caps bound what deposits may bring in.",
    "addRewardToken(token, minFunding) requires a minimum above 0: a funding below it reverts FundingTooSmall, so",
    "nobody can lock a pool's schedule of the token with a dust stream over a year (docs/rewards.md).",
  );
  const caps: Array<[string, bigint]> = [
    [S, eth(10_000)],
    [R, eth(5_000)],
    [C, eth(5_000)],
  ];
  for (const [address, cap] of caps) await send(vault.addAsset(address, cap));
  await send(rewardDistributor.addRewardToken(RWD, RWD_MIN_FUNDING));
  table(
    "Listed assets",
    await Promise.all(
      assets.map(async (a) => {
        const config = await vault.assetConfig(a);
        return { asset: nameOf(a, book), index: config.index.toString(), cap: formatAmount(config.cap) };
      }),
    ),
  );
  note(
    `Reward tokens: ${(await rewardDistributor.rewardTokens()).map((t) => nameOf(t, book)).join(", ")} (RWD: minimum funding ${formatAmount(RWD_MIN_FUNDING)})`,
  );

  await step(
    "Hand-over: a ProtocolTimelock (2-day delay) becomes the admin; a second signer keeps PAUSER_ROLE",
    "sdk/deploy.ts handOver grants DEFAULT_ADMIN_ROLE (and ASSET_ADMIN_ROLE / REWARDS_ADMIN_ROLE) to the timelock,",
    "PAUSER_ROLE to the pauser, then renounces every role of the deployer.",
  );
  const timelock = await new ProtocolTimelock__factory(deployer).deploy(
    TIMELOCK_DELAY,
    [deployer.address],
    [deployer.address],
    ZERO,
  );
  await timelock.waitForDeployment();
  const timelockAddress = await timelock.getAddress();
  await handOver(vault, deployer.address, timelockAddress, pauser.address, [await vault.ASSET_ADMIN_ROLE()]);
  await handOver(registry, deployer.address, timelockAddress, pauser.address);
  await handOver(slashingManager, deployer.address, timelockAddress, pauser.address);
  await handOver(rewardDistributor, deployer.address, timelockAddress, pauser.address, [
    await rewardDistributor.REWARDS_ADMIN_ROLE(),
  ]);
  const adminRole = await vault.DEFAULT_ADMIN_ROLE();
  const pauserRole = await vault.PAUSER_ROLE();
  const roleRows: Record<string, string>[] = [];
  for (const [name, c] of [
    ["RestakingVault", vault],
    ["OperatorRegistry", registry],
    ["SlashingManager", slashingManager],
    ["RewardDistributor", rewardDistributor],
  ] as const) {
    roleRows.push({
      contract: name,
      "timelock admin": String(await c.hasRole(adminRole, timelockAddress)),
      "pauser has PAUSER_ROLE": String(await c.hasRole(pauserRole, pauser.address)),
      "deployer admin": String(await c.hasRole(adminRole, deployer.address)),
      "deployer pauser": String(await c.hasRole(pauserRole, deployer.address)),
    });
  }
  table("Roles after the hand-over", roleRows);
  note(
    `The deployer can no longer list assets: addAsset reverts ${await revertOf(
      vault.addAsset.staticCall(RWD, 1n),
      vault.interface,
      book,
    )}`,
  );
  const newCbEthCap = eth(8_000);
  const capCall = vault.interface.encodeFunctionData("setAssetCap", [C, newCbEthCap]);
  const capSalt = ethers.id("demo: raise the cbETH cap");
  await send(timelock.schedule(vaultAddress, 0n, capCall, NO_SALT, capSalt, TIMELOCK_DELAY));
  const capOperation = await timelock.hashOperation(vaultAddress, 0n, capCall, NO_SALT, capSalt);
  note(
    `Governance now goes through the timelock: setAssetCap(cbETH, 8000) is scheduled, executable in ${formatDuration(
      (await timelock.getTimestamp(capOperation)) - (await now()),
    )}.`,
  );
  startTime = await now();

  await step(
    "Two operators register with a 10% commission",
    "registerAsOperator records the commission (at most 50%) and delegates the operator to itself.",
  );
  for (const [i, op] of operators.entries()) {
    await send(registry.connect(op).registerAsOperator(`ipfs://operator-${i + 1}`, COMMISSION_BPS, ZERO));
  }
  table(
    "Operators",
    await Promise.all(
      operators.map(async (op) => ({
        operator: nameOf(op.address, book),
        registered: String(await registry.isOperator(op.address)),
        commission: `${Number(await registry.commissionBps(op.address)) / 100}%`,
        delegatedTo: nameOf(await vault.delegatedTo(op.address), book),
      })),
    ),
  );
  note(
    `A commission change would wait commissionDelay() = ${formatDuration(
      await registry.commissionDelay(),
    )} (withdrawal delay + 1 day), so stakers can leave first.`,
  );

  await step(
    "Four stakers deposit and delegate",
    "alice deposits stETH with an EIP-2612 permit (no approve transaction) while undelegated, then delegates to",
    "op1: her shares move from the undelegated pool into op1's pool at once (moving into risk is instant).",
    "bob delegates to op1 first and deposits afterwards, straight into op1's pool. carol and dave join op2.",
    "alice also starts leaving with 10 of her 50 rETH at once: that withdrawal is ready after the withdrawal delay.",
  );
  for (const staker of stakers) {
    for (const t of assetTokens) {
      await send(t.mint(staker.address, eth(1_000)));
      // alice's first stETH deposit uses a permit instead of an approve transaction.
      if (staker !== alice || t !== stETH)
        await send(t.connect(staker).approve(vaultAddress, ethers.MaxUint256));
    }
  }
  const permitAmount = eth(100);
  const deadline = (await now()) + HOUR;
  const domain = await stETH.eip712Domain();
  const permitSignature = Signature.from(
    await alice.signTypedData(
      {
        name: domain.name,
        version: domain.version,
        chainId: domain.chainId,
        verifyingContract: domain.verifyingContract,
      },
      {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      },
      {
        owner: alice.address,
        spender: vaultAddress,
        value: permitAmount,
        nonce: await stETH.nonces(alice.address),
        deadline,
      },
    ),
  );
  const expectedShares = await vault.previewDeposit(ZERO, S, permitAmount);
  await send(
    vault
      .connect(alice)
      .depositWithPermit(
        S,
        permitAmount,
        expectedShares,
        deadline,
        permitSignature.v,
        permitSignature.r,
        permitSignature.s,
      ),
  );
  note(
    `alice: depositWithPermit(100 stETH, minShares ${formatAmount(expectedShares)}) into the undelegated pool`,
  );
  note("(the permit's allowance is spent; alice approves the vault normally for her later deposits)");
  await send(stETH.connect(alice).approve(vaultAddress, ethers.MaxUint256));
  table("alice before delegating", [formatPosition(await readPosition(vault, alice.address, S), book)]);
  await send(registry.connect(alice).delegateTo(op1.address, NO_SIGNATURE, NO_SALT));
  await send(vault.connect(alice).deposit(R, eth(50), 0n));
  await send(registry.connect(bob).delegateTo(op1.address, NO_SIGNATURE, NO_SALT));
  await send(vault.connect(bob).deposit(S, eth(200), 0n));
  await send(vault.connect(carol).deposit(S, eth(150), 0n));
  await send(vault.connect(carol).deposit(C, eth(30), 0n));
  await send(registry.connect(carol).delegateTo(op2.address, NO_SIGNATURE, NO_SALT));
  await send(registry.connect(dave).delegateTo(op2.address, NO_SIGNATURE, NO_SALT));
  await send(vault.connect(dave).deposit(S, eth(60), 0n));
  await send(vault.connect(dave).deposit(R, eth(40), 0n));
  const aliceRethShares = (await readPosition(vault, alice.address, R)).shares;
  const aliceExitId = await nextWithdrawalId(vault, alice.address);
  await send(vault.connect(alice).queueWithdrawal(R, aliceRethShares / 5n));
  const aliceExit = await readWithdrawal(vault, aliceExitId);
  if (aliceExit === undefined) throw new Error("alice's withdrawal is missing");
  table("alice's rETH withdrawal (readyAt is fixed when it is queued: queue time + the withdrawal delay)", [
    formatWithdrawal(aliceExit, await now(), book),
  ]);

  const showPositions = async (
    title = "Positions (value = shares priced net of pending slashes)",
  ): Promise<void> => {
    const rows: Record<string, string>[] = [];
    for (const staker of stakers) {
      for (const asset of assets) {
        const p = await readPosition(vault, staker.address, asset);
        if (p.shares !== 0n) rows.push(formatPosition(p, book));
      }
    }
    table(title, rows);
  };
  let rateExplained = false;
  const showPools = async (title = "Pools (operator / asset)"): Promise<void> => {
    const rows: Record<string, string>[] = [];
    for (const operator of [op1.address, op2.address, ZERO]) {
      for (const asset of assets) {
        const p = await readPool(vault, operator, asset);
        if (p.totalShares !== 0n || p.totalAssets !== 0n) rows.push(formatPool(p, book));
      }
    }
    table(title, rows);
    if (!rateExplained) {
      note(
        "rate = tokens paid for the shares that 1 token minted in an empty pool (1e24 shares): 1.0 until a slash.",
      );
      rateExplained = true;
    }
  };
  await showPositions();
  await showPools();

  await step(
    "AVS-X registers: slasher, veto committee, 1-day veto window, at most 50% per request, insurance recipient",
    "AVS-Y (an oracle network) registers too, without a veto committee, to show that slashes are isolated per AVS.",
  );
  await send(
    slashingManager.connect(avsX).registerAVS("ipfs://avs-x", {
      slasher: slasher.address,
      vetoCommittee: vetoCommittee.address,
      vetoWindow: Number(DAY),
      maxSlashWad: WAD / 2n,
      recipient: insurance.address,
      registrar: ZERO,
      assets,
    }),
  );
  await send(
    slashingManager.connect(avsY).registerAVS("ipfs://avs-y", {
      slasher: avsY.address,
      vetoCommittee: ZERO,
      vetoWindow: 0,
      maxSlashWad: WAD / 10n,
      recipient: ZERO,
      registrar: ZERO,
      assets: [S],
    }),
  );
  table(
    "AVSs",
    await Promise.all(
      [avsX, avsY].map(async (avs) => {
        const c = await slashingManager.avsConfig(avs.address);
        return {
          avs: nameOf(avs.address, book),
          slasher: nameOf(c.slasher, book),
          vetoCommittee: c.vetoCommittee === ZERO ? "none" : nameOf(c.vetoCommittee, book),
          vetoWindow: formatDuration(c.vetoWindow),
          maxPerRequest: formatWadPercent(c.maxSlashWad),
          recipient: c.recipient === ZERO ? "burn" : nameOf(c.recipient, book),
          assets: assets
            .filter((_, i) => (c.assetMask & (1n << BigInt(i))) !== 0n)
            .map((a) => nameOf(a, book))
            .join(","),
        };
      }),
    ),
  );
  const [maxVetoWindow, executionWindow, joinWindow, reopenWindow, gateCycle, exitBuffer] = await Promise.all(
    [
      slashingManager.MAX_VETO_WINDOW(),
      slashingManager.EXECUTION_WINDOW(),
      slashingManager.JOIN_WINDOW(),
      slashingManager.REOPEN_WINDOW(),
      slashingManager.GATE_CYCLE(),
      slashingManager.EXIT_BUFFER(),
    ],
  );
  note(
    `MAX_VETO_WINDOW ${exactDuration(maxVetoWindow)} + EXECUTION_WINDOW ${exactDuration(
      executionWindow,
    )} < vault MIN_WITHDRAWAL_DELAY ${exactDuration(await vault.MIN_WITHDRAWAL_DELAY())}.`,
  );
  const longestClosure = joinWindow + maxVetoWindow + executionWindow;
  note(
    `Pool gate (per operator and asset): a pool's first request starts an epoch; further requests join it only within`,
  );
  note(
    `JOIN_WINDOW ${exactDuration(joinWindow)} of its start, so the pool stays closed at most JOIN_WINDOW + MAX_VETO_WINDOW +`,
  );
  note(
    `EXECUTION_WINDOW = ${exactDuration(longestClosure)} (an expired request must be cancelled; anyone may). Later requests`,
  );
  note(
    `revert PoolGated(operator, asset, nextEpochAt) until the pool is open again and GATE_CYCLE has passed since the start:`,
  );
  note(
    `GATE_CYCLE ${exactDuration(gateCycle)} ${
      gateCycle === longestClosure + reopenWindow ? "=" : "!="
    } that closure + REOPEN_WINDOW ${exactDuration(reopenWindow)}, so every epoch leaves stakers a window to enter or`,
  );
  note(
    `leave, and it is ${gateCycle <= exitBuffer ? "within" : "BEYOND"} EXIT_BUFFER ${exactDuration(exitBuffer)}. A request skips an asset whose pool is gated (or`,
  );
  note(
    "that is in the AVS's cooldown or has nothing to take) and takes the others; it reverts only if it takes none.",
  );

  await step(
    "Operators opt in and allocate 50% magnitude per asset to AVS-X; op1 also gives 30% of its stETH to AVS-Y",
    "An increase becomes slashable after allocationDelay(): until the vault's latestReadyAt() (the latest readyAt of",
    "any withdrawal queued so far or now) plus EXIT_BUFFER, 14 days 7 hours by default: a staker who starts leaving when an",
    "allocation is announced is gone before it can be slashed, even if requests close the pool meanwhile.",
  );
  const allocations: Array<[HardhatEthersSigner, HardhatEthersSigner, string, bigint]> = [
    [op1, avsX, S, WAD / 2n],
    [op1, avsX, R, WAD / 2n],
    [op1, avsY, S, (3n * WAD) / 10n],
    [op2, avsX, S, WAD / 2n],
    [op2, avsX, R, WAD / 2n],
    [op2, avsX, C, WAD / 2n],
  ];
  for (const op of operators)
    await send(slashingManager.connect(op).registerOperatorToAVS(avsX.address, "0x"));
  await send(slashingManager.connect(op1).registerOperatorToAVS(avsY.address, "0x"));
  for (const [op, avs, asset, magnitude] of allocations) {
    await send(slashingManager.connect(op).modifyAllocation(avs.address, asset, magnitude));
  }
  const showAllocations = async (
    title = "Allocations (allocatedStake = net assets * magnitude / (max - reserved))",
  ) => {
    const rows: Record<string, string>[] = [];
    for (const [op, avs, asset] of allocations) {
      rows.push(
        formatAllocation(await readAllocation(slashingManager, op.address, avs.address, asset), book),
      );
    }
    table(title, rows);
  };
  await showAllocations("Allocations right after modifyAllocation: nothing is slashable yet");

  await step("Wait for the allocation delay");
  const allocationDelay = await slashingManager.allocationDelay();
  const latestReadyIn = (await vault.latestReadyAt()) - (await now());
  await time.increase(allocationDelay);
  note(
    `allocationDelay() = latestReadyAt() - now ${formatDuration(latestReadyIn)} (the withdrawal delay ${formatDuration(
      await vault.withdrawalDelay(),
    )}, never changed) + EXIT_BUFFER ${formatDuration(exitBuffer)} = ${formatDuration(
      allocationDelay,
    )}; the views apply the matured change without a tx.`,
  );
  await showAllocations();
  note(
    `AVS-X's secured stake in stETH (sdk securedStake: allocatedStake summed over op1 and op2): ${formatAmount(
      await securedStake(slashingManager, avsX.address, S, [op1.address, op2.address]),
    )} stETH.`,
  );

  await step(
    "AVS-X funds a week of rewards for op1's and op2's stETH pools (fundRewardsBatch)",
    "10% commission is set aside for the operator at funding; the rest streams per second to the pool's active shares.",
  );
  const funding = [
    { operator: op1.address, asset: S, token: RWD, amount: eth(700), duration: 7n * DAY },
    { operator: op2.address, asset: S, token: RWD, amount: eth(700), duration: 7n * DAY },
  ];
  const funded = funding.reduce((sum, f) => sum + f.amount, 0n);
  await send(rwd.mint(avsX.address, funded));
  await send(rwd.connect(avsX).approve(distributorAddress, funded));
  await send(rewardDistributor.connect(avsX).fundRewardsBatch(funding));
  table(
    "Streams",
    (
      await Promise.all(
        funding.map(async (f) =>
          (await rewardDistributor.poolStreams(f.operator, f.asset)).map((s) => ({
            pool: `${nameOf(f.operator, book)} / ${nameOf(f.asset, book)}`,
            token: nameOf(s.token, book),
            "tokens/day": formatAmount((s.rate * DAY) / WAD),
            endsIn: formatDuration(s.periodFinish - s.lastUpdate),
          })),
        ),
      )
    ).flat(),
  );
  const showRewards = async (title = "Claimable rewards and commission (RWD)"): Promise<void> => {
    const rows: Record<string, string>[] = [];
    for (const account of [...stakers, ...operators]) {
      rows.push(...formatRewards(await readRewards(rewardDistributor, account.address, [RWD]), book));
    }
    table(title, rows);
  };
  await showRewards();

  await step("Three days pass");
  await time.increase(3n * DAY);
  await showRewards();
  note("op1's pool: alice holds 1/3 and bob 2/3 of the active shares; op2's: carol 150/210 and dave 60/210.");

  await step(
    "Governance: the timelocked setAssetCap(cbETH, 8000) is now executable",
    "Anyone holding the executor role (here the deployer) executes it; the timelock is the caller with the role.",
  );
  await send(timelock.execute(vaultAddress, 0n, capCall, NO_SALT, capSalt));
  note(`cbETH cap is now ${formatAmount((await vault.assetConfig(C)).cap)}`);

  await step("alice claims her rewards; op1 claims its commission");
  const aliceBefore = await rwd.balanceOf(alice.address);
  await send(rewardDistributor.connect(alice).claim([RWD], alice.address));
  const aliceClaimed = (await rwd.balanceOf(alice.address)) - aliceBefore;
  const op1Before = await rwd.balanceOf(op1.address);
  await send(rewardDistributor.connect(op1).claimCommission([RWD], op1.address));
  const op1Commission = (await rwd.balanceOf(op1.address)) - op1Before;
  note(
    `alice received ${formatAmount(aliceClaimed)} RWD; op1 received ${formatAmount(op1Commission)} RWD (10% of 700).`,
  );
  await showRewards();

  await step(
    "AVS-X's slasher requests a slash of 20% of op1's allocations (requestSlash)",
    "s = ceil(f * a_X) = 0.2 * 50% = 10% of op1's magnitude in each asset (rounded against the operator); the amount is",
    "fixed now and reserved in the pool: amount = netAssets * s / (maxMagnitude - reserved), rounded down. Until the",
    "request is executed, vetoed or cancelled, the pool takes no new shares and pays no exits.",
  );
  const op1StEthBefore = await readPool(vault, op1.address, S);
  const bobValueBefore = (await readPosition(vault, bob.address, S)).assets;
  const aliceExitBefore = await readWithdrawal(vault, aliceExitId);
  if (aliceExitBefore === undefined) throw new Error("alice's withdrawal is missing");
  const yBefore = await readAllocation(slashingManager, op1.address, avsY.address, S);
  const op2Before = await readAllocation(slashingManager, op2.address, avsX.address, S);
  await send(
    slashingManager
      .connect(slasher)
      .requestSlash(avsX.address, op1.address, WAD / 5n, ethers.id("evidence: batch 42")),
  );
  const requestedAt = await now();
  const slashId = await slashingManager.slashRequestCount();
  const request = await readSlashRequest(slashingManager, slashId);
  if (request === undefined) throw new Error(`slash request ${slashId} is missing`);
  table(
    `Slash request ${slashId} (${request.status}): executable in ${formatDuration(
      request.executableAt - (await now()),
    )}, then until ${formatDuration(request.expiresAt - (await now()))} from now`,
    formatSlashRequest(request, book),
  );
  note(
    `It carries SlashTerms #${request.termsId}: veto by ${nameOf(request.vetoCommittee, book)}, funds to ${nameOf(
      request.recipient,
      book,
    )}; a later change of AVS-X's configuration does not change them for this request.`,
  );
  const takesCbEth = request.assets.some((a) => a.asset.toLowerCase() === C.toLowerCase());
  const op1CbEth = await readAllocation(slashingManager, op1.address, avsX.address, C);
  note(
    `AVS-X accepts cbETH too, but op1 allocates ${formatWadPercent(op1CbEth.current)} of its cbETH to it: the request ${
      takesCbEth ? "TAKES" : "skips"
    } cbETH and takes the other assets.`,
  );
  const [requestMagnitudes] = await slashingManager.magnitudes(op1.address, S);
  const epochStart = requestMagnitudes.gateAt;
  const nextEpochAt = epochStart + gateCycle;
  note(
    `The request started op1/stETH's first request epoch: gateAt = ${
      epochStart === requestedAt
        ? "the request's time"
        : `${formatDuration(requestedAt - epochStart)} before it`
    }; the next epoch may start ${exactDuration(nextEpochAt - requestedAt)} after it (GATE_CYCLE).`,
  );
  const stEthSlashed = request.assets.find((a) => a.asset.toLowerCase() === S.toLowerCase());
  if (stEthSlashed === undefined) throw new Error("the request takes no stETH");
  const expectedStEth = (op1StEthBefore.netAssets * (WAD / 10n)) / WAD;
  note(
    `Check: 300 stETH * 10% / 100% = ${formatAmount(expectedStEth)} stETH reserved (${formatAmount(stEthSlashed.amount)}).`,
  );
  await showPools();
  await showAllocations();
  const yDuring = await readAllocation(slashingManager, op1.address, avsY.address, S);
  note(
    `Isolation: AVS-Y's stake in op1/stETH ${formatAmount(yBefore.allocatedStake)} -> ${formatAmount(
      yDuring.allocatedStake,
    )}; op2 is untouched: ${formatAmount(op2Before.allocatedStake)} -> ${formatAmount(
      (await readAllocation(slashingManager, op2.address, avsX.address, S)).allocatedStake,
    )}.`,
  );

  await step(
    "alice's rETH withdrawal is ready, but op1's rETH pool has a pending request: her exit waits for it",
    "Paid now, priced net of the reservation, she would keep nothing of a veto (the stakers who stayed would get it);",
    "so a withdrawal from a pool with a pending request cannot complete: a veto or cancel leaves her whole, an",
    "execution is borne by her as by every share of the pool (docs/slashing.md).",
  );
  const aliceReady = await readWithdrawal(vault, aliceExitId);
  if (aliceReady === undefined) throw new Error("alice's withdrawal is missing");
  if (aliceReady.readyAt > (await now())) throw new Error("alice's withdrawal should be ready by now");
  table("alice's rETH withdrawal", [formatWithdrawal(aliceReady, await now(), book)]);
  note(
    `Even accepting its net value, completeWithdrawal(id, asTokens, minAssets ${formatAmount(
      minAssetsFor(aliceReady),
    )}) reverts ${await revertOf(
      vault.connect(alice).completeWithdrawal.staticCall(aliceExitId, true, minAssetsFor(aliceReady)),
      vault.interface,
      book,
    )}: the last argument counts the pool's pending requests.`,
  );
  note(
    `One AVS cannot keep a pool closed for long: one request per allocation at a time, and its next one waits SLASH_COOLDOWN (${formatDuration(
      await slashingManager.SLASH_COOLDOWN(),
    )}) after the last one's expiry.`,
  );
  const ySlash = (): Promise<bigint> =>
    slashingManager
      .connect(avsY)
      .requestSlash.staticCall(avsY.address, op1.address, WAD / 10n, ethers.id("evidence: oracle round 7"));
  note(
    `Nor can several AVSs take turns: within JOIN_WINDOW of the epoch's start AVS-Y could still join (its request on op1/stETH would ${
      (await callError(ySlash(), slashingManager.interface, book)) === null ? "succeed" : "REVERT"
    }), but later ones are refused until the next epoch (below).`,
  );

  await step(
    "During the veto window, bob queues a withdrawal of half his stETH shares; alice tries to deposit 30 more",
    "bob's queued shares stay in the pool's totalShares (slashable) and stop earning rewards. His withdrawal is ready",
    "only after the withdrawal delay, and could not complete while the request is pending anyway: it cannot escape",
    "it. A deposit must neither pay for a slash requested before it nor collect what a veto would return: the pool",
    "refuses it (see docs/slashing.md).",
  );
  const bobPosition = await readPosition(vault, bob.address, S);
  const predictedId = await nextWithdrawalId(vault, bob.address);
  await send(vault.connect(bob).queueWithdrawal(S, bobPosition.shares / 2n));
  const [queued] = await vault.queryFilter(vault.filters.WithdrawalQueued(undefined, bob.address));
  const bobWithdrawalId = queued.args.id;
  const decoded = decodeWithdrawalId(bobWithdrawalId);
  note(`Withdrawal id ${formatWithdrawalId(bobWithdrawalId)}`);
  note(
    `  = (staker << 96) | nonce = (${nameOf(decoded.staker, book)} << 96) | ${decoded.nonce}; predicted from stakerInfo: ${
      predictedId === bobWithdrawalId ? "match" : "MISMATCH"
    }`,
  );
  const bobWithdrawal = await readWithdrawal(vault, bobWithdrawalId);
  if (bobWithdrawal === undefined) throw new Error("bob's withdrawal is missing");
  table(
    "Queued withdrawal (value is net of the pending slash; it waits for the request as well as its delay)",
    [formatWithdrawal(bobWithdrawal, await now(), book)],
  );
  const topUp = eth(30);
  note(
    `alice's deposit of 30 stETH reverts ${await revertOf(
      vault.connect(alice).deposit.staticCall(S, topUp, 0n),
      vault.interface,
      book,
    )}:`,
  );
  note("a pool with a pending slash request takes no new shares until it is executed, vetoed or cancelled");
  note(
    `(previewDeposit(op1, stETH, 30) = ${formatAmount(await vault.previewDeposit(op1.address, S, topUp))} shares).`,
  );
  await showPositions();
  await showPools();
  await showRewards("Claimable rewards (bob's queued half no longer earns)");

  await step("Nobody can execute before the veto window ends");
  note(
    `executeSlash(${slashId}) now reverts ${await revertOf(
      slashingManager.connect(keeper).executeSlash.staticCall(slashId),
      slashingManager.interface,
      book,
    )}`,
  );
  note("The veto committee could call vetoSlash during the window; it does not, so the request stands.");

  await step(
    "The window passes: a keeper executes the slash (anyone may, until the request expires)",
    "The reserved amounts leave the pools for the slashing manager's escrow; maxMagnitude drops by s.",
  );
  await time.increaseTo(request.executableAt);
  note(
    `The epoch started ${formatDuration(
      (await now()) - epochStart,
    )} ago, past JOIN_WINDOW: AVS-Y's request on op1/stETH now reverts ${await expectRevert(
      ySlash(),
      slashingManager.interface,
      `PoolGated(op1, stETH, ${nextEpochAt})`,
      book,
    )},`,
  );
  note(
    `nextEpochAt = gateAt + GATE_CYCLE = ${nextEpochAt}, ${exactDuration(nextEpochAt - (await now()))} from now.`,
  );
  await send(slashingManager.connect(keeper).executeSlash(slashId));
  note(
    `Executed, so the pool reopened, but AVS-Y's request still reverts ${await expectRevert(
      ySlash(),
      slashingManager.interface,
      `PoolGated(op1, stETH, ${nextEpochAt})`,
      book,
    )}: until the next epoch`,
  );
  note("no request can close the pool again, and every staker can enter or leave meanwhile.");
  const yAfterExecution = await readAllocation(slashingManager, op1.address, avsY.address, S);
  await showPools();
  await showAllocations();
  await showRewards();
  const aliceStEthBefore = await readPosition(vault, alice.address, S);
  const minShares = await vault.previewDeposit(op1.address, S, topUp);
  await send(vault.connect(alice).deposit(S, topUp, minShares));
  const aliceStEthAfter = await readPosition(vault, alice.address, S);
  note(
    `The request is resolved, so the pool takes deposits again: alice's 30 stETH now mint ${formatAmount(
      aliceStEthAfter.shares - aliceStEthBefore.shares,
    )} shares (minShares ${formatAmount(minShares)}) at the post-slash rate, worth ${formatAmount(
      aliceStEthAfter.assets - aliceStEthBefore.assets,
    )}.`,
  );
  const [, maxMagnitude] = await slashingManager.magnitudes(op1.address, S);
  note(
    `op1's maxMagnitude in stETH: ${formatWadPercent(maxMagnitude)}; op2's pools and allocations did not move.`,
  );
  note(
    `AVS-Y's stake in op1/stETH: ${formatAmount(yBefore.allocatedStake)} before the request, ${formatAmount(
      yDuring.allocatedStake,
    )} during it, ${formatAmount(yAfterExecution.allocatedStake)} after execution, ${formatAmount(
      (await readAllocation(slashingManager, op1.address, avsY.address, S)).allocatedStake,
    )} after alice's deposit: every allocation scales with the pool.`,
  );

  await step(
    "Anyone releases the escrowed funds to the recipient of the request's terms, one asset at a time",
    "releaseSlashedFunds(id, asset) is separate from execution, so a reverting or blocklisted recipient can never stop",
    "a slash; and per asset, so an asset that cannot reach the recipient holds back no other.",
  );
  const insuranceBefore = await Promise.all(assetTokens.map((t) => t.balanceOf(insurance.address)));
  const [firstAsset, ...otherAssets] = request.assets;
  await send(slashingManager.connect(keeper).releaseSlashedFunds(slashId, firstAsset.asset));
  const afterFirst = await readSlashRequest(slashingManager, slashId);
  note(
    `After releasing ${nameOf(firstAsset.asset, book)}: request ${slashId} is ${afterFirst?.status ?? "missing"}; releasing it again reverts ${await revertOf(
      slashingManager.connect(keeper).releaseSlashedFunds.staticCall(slashId, firstAsset.asset),
      slashingManager.interface,
      book,
    )}.`,
  );
  for (const a of otherAssets) {
    await send(slashingManager.connect(keeper).releaseSlashedFunds(slashId, a.asset));
  }
  const released = await readSlashRequest(slashingManager, slashId);
  if (released === undefined) throw new Error(`slash request ${slashId} is missing`);
  table(
    `Slash request ${slashId} after every asset was released (${released.status})`,
    formatSlashRequest(released, book),
  );
  table(
    "Insurance pool received",
    await Promise.all(
      assetTokens.map(async (t, i) => ({
        asset: nameOf(assets[i], book),
        amount: formatAmount((await t.balanceOf(insurance.address)) - insuranceBefore[i]),
      })),
    ),
  );

  await step(
    "The request is resolved: alice's rETH withdrawal completes, with a minAssets bound, and bears the slash",
    "completeWithdrawal(id, receiveAsTokens, minAssets) reverts AssetsBelowMinimum if it would pay less than minAssets",
    "(for example if a slash lands first in the same block); alice sets it to what the withdrawal is worth now.",
  );
  const aliceExitNow = await readWithdrawal(vault, aliceExitId);
  if (aliceExitNow === undefined) throw new Error("alice's withdrawal is missing");
  const aliceMinAssets = minAssetsFor(aliceExitNow);
  note(
    `Asking 1 wei more than it is worth reverts ${await revertOf(
      vault.connect(alice).completeWithdrawal.staticCall(aliceExitId, true, aliceMinAssets + 1n),
      vault.interface,
      book,
    )}`,
  );
  const aliceRethBefore = await rETH.balanceOf(alice.address);
  await send(vault.connect(alice).completeWithdrawal(aliceExitId, true, aliceMinAssets));
  const aliceRethReceived = (await rETH.balanceOf(alice.address)) - aliceRethBefore;
  note(
    `alice's withdrawal was worth ${formatAmount(aliceExitBefore.assets)} rETH before the request; it paid ${formatAmount(
      aliceRethReceived,
    )} rETH (minAssets ${formatAmount(aliceMinAssets)}): 10% less, like every share of op1's rETH pool.`,
  );

  const pending = await readWithdrawal(vault, bobWithdrawalId);
  if (pending === undefined) throw new Error("bob's withdrawal is missing");
  if (pending.readyAt <= nextEpochAt)
    throw new Error("bob's withdrawal should be ready after the next epoch");

  await step(
    "GATE_CYCLE after the epoch started, op1's stETH pool takes requests again",
    "A new epoch may start once the pool is open and GATE_CYCLE has passed since the last one started. Each AVS still",
    "has its own limits: AVS-X's next request on op1 waits for its cooldown.",
  );
  await time.increaseTo(nextEpochAt);
  note(
    `At nextEpochAt, AVS-Y's request on op1/stETH (a staticCall: it is not sent) would ${
      (await callError(ySlash(), slashingManager.interface, book)) === null ? "succeed" : "REVERT"
    } and start a new epoch.`,
  );
  const [xStEth, xREth, xCbEth] = await Promise.all(
    assets.map((a) => readAllocation(slashingManager, op1.address, avsX.address, a)),
  );
  const xCooldown = await expectRevert(
    slashingManager
      .connect(slasher)
      .requestSlash.staticCall(avsX.address, op1.address, WAD / 5n, ethers.id("evidence: batch 43")),
    slashingManager.interface,
    `SlashCooldown(AVS-X, op1, stETH, ${xStEth.nextRequestAt})`,
    book,
  );
  const inCooldown = xStEth.nextRequestAt > (await now()) && xREth.nextRequestAt > (await now());
  note(
    `AVS-X's own request on op1 reverts ${xCooldown}: stETH and rETH are ${
      inCooldown ? "in its cooldown" : "NOT in its cooldown"
    } and op1 allocates`,
  );
  note(
    `${formatWadPercent(xCbEth.current)} of its cbETH to AVS-X, so it takes no asset and reverts with the first skipped asset's reason;`,
  );
  note(
    `its next request may come at the last one's executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN, ${exactDuration(
      xStEth.nextRequestAt - (await now()),
    )} from now.`,
  );

  await step("bob's withdrawal completes after the withdrawal delay, as tokens, and bears the slash");
  note(
    `completeWithdrawal now reverts ${await revertOf(
      vault.connect(bob).completeWithdrawal.staticCall(bobWithdrawalId, true, minAssetsFor(pending)),
      vault.interface,
      book,
    )}`,
  );
  await time.increaseTo(pending.readyAt);
  const ready = await readWithdrawal(vault, bobWithdrawalId);
  if (ready === undefined) throw new Error("bob's withdrawal is missing");
  const bobMinAssets = minAssetsFor(ready);
  const bobBefore = await stETH.balanceOf(bob.address);
  await send(vault.connect(bob).completeWithdrawal(bobWithdrawalId, true, bobMinAssets));
  const bobReceived = (await stETH.balanceOf(bob.address)) - bobBefore;
  note(
    `Before the request, half of bob's stETH was worth ${formatAmount(bobValueBefore / 2n)}; his withdrawal paid ${formatAmount(
      bobReceived,
    )} stETH (minAssets ${formatAmount(bobMinAssets)}): 10% less, like every share of op1's stETH pool (queued shares included).`,
  );
  await showPositions();
  await showPools();
  await showRewards();

  await lrtChapters({
    deployer,
    users: [signers[15], signers[16]],
    op1,
    op2,
    avsX,
    avsY,
    slasher,
    keeper,
    treasury: signers[14],
    stETH,
    rETH,
    core: contracts,
    timelock,
    book,
  });

  await step("Final balances and invariants");
  await showRewards();
  let claimable = 0n;
  for (const account of [...stakers, ...operators]) {
    claimable += await rewardDistributor.pendingRewards(account.address, RWD);
    claimable += await rewardDistributor.pendingCommission(account.address, RWD);
  }
  const paidOut = aliceClaimed + op1Commission;
  const held = await rwd.balanceOf(distributorAddress);
  note(
    `Invariant 7: funded ${formatAmount(funded)} RWD >= claimed ${formatAmount(paidOut)} + claimable ${formatAmount(
      claimable,
    )}; rounding dust left in the distributor: ${formatAmount(held - claimable)} RWD.`,
  );
  const solvency: Record<string, string>[] = [];
  for (const [i, asset] of assets.entries()) {
    let sum = 0n;
    for (const operator of [op1.address, op2.address, ZERO])
      sum += (await vault.pool(operator, asset)).totalAssets;
    solvency.push({
      asset: nameOf(asset, book),
      vaultBalance: formatAmount(await assetTokens[i].balanceOf(vaultAddress)),
      sumOfPools: formatAmount(sum),
      totalDeposited: formatAmount((await vault.assetConfig(asset)).totalDeposited),
    });
  }
  table("Invariant 1 (solvency): vault balance >= sum of the pools' totalAssets", solvency);
  console.log(
    `\nDemo complete: ${stepNumber} steps, chain time +${formatDuration((await now()) - startTime)}.`,
  );
}

/* THE LIQUID RESTAKING TOKEN (docs/lrt.md) */

interface LRTChapterContext {
  deployer: HardhatEthersSigner;
  users: [HardhatEthersSigner, HardhatEthersSigner];
  op1: HardhatEthersSigner;
  op2: HardhatEthersSigner;
  avsX: HardhatEthersSigner;
  avsY: HardhatEthersSigner;
  slasher: HardhatEthersSigner;
  keeper: HardhatEthersSigner;
  treasury: HardhatEthersSigner;
  stETH: MockERC20;
  rETH: MockRETH;
  core: CoreContracts;
  timelock: ProtocolTimelock;
  book: AddressBook;
}

/** The LRT's figures that the chapters print and check. */
async function lrtFigures(manager: LRTManager, token: LiquidRestakingToken) {
  const [exitValue, entryValue, supply, rate] = await Promise.all([
    manager.totalValue(true),
    manager.totalValue(false),
    token.totalSupply(),
    manager.getRate(),
  ]);
  return { exitValue, entryValue, supply, rate };
}

/** The rate the contracts compute from a value and a supply (docs/invariants.md §8). */
function lrtRateOf(value: bigint, supply: bigint): bigint {
  return (WAD * (value + LRT_VIRTUAL)) / (supply + LRT_VIRTUAL);
}

const LRT_VIRTUAL = 10n ** 9n;

/**
 * The LRT chapters: an LRT over stETH and rETH with a node per operator; deposits through the ERC-7575 entry points,
 * the buffer and staking; streamed stETH rewards raise the rate net of the fee and harvest does not move it; a slash of
 * op2 lowers the rate by the node's loss at the request; a queued redemption pays min(value at request, value at
 * fulfilment) after the vault delay; an instant exit pays from the buffer for a fee. Every figure the protocol promises
 * is checked: a wrong one stops the demo with an error.
 */
async function lrtChapters(ctx: LRTChapterContext): Promise<void> {
  const { deployer, op1, op2, avsX, slasher, keeper, treasury, stETH, rETH, core, timelock } = ctx;
  const [erin, frank] = ctx.users;
  const { vault, slashingManager, rewardDistributor } = core;
  const [S, R] = await Promise.all([stETH.getAddress(), rETH.getAddress()]);

  await step(
    "A liquid restaking token over stETH and rETH: an oracle, the LRT, one node per operator, a risk policy",
    "sdk/oracle.ts deploys LRTOracle with a rate adapter per asset (stETH at par, rETH from getExchangeRate(), here",
    "1.1 ETH), each price bounded per update and refused when stale. sdk/lrt.ts deployLRT deploys the token, the",
    "manager and an ERC-7575 entry point per asset; each node is a vault staker delegated to its operator. The",
    "policy caps any operator's share of value, allow-lists the AVSs whose slashing the LRT accepts and caps the slash",
    "exposure; 10% of value stays idle as a buffer for instant exits; the protocol takes 10% of rewards.",
  );
  await send(rETH.setExchangeRate((11n * WAD) / 10n));
  const { oracle } = await deployOracle(deployer, {
    assets: [
      { asset: S, adapter: await deployRateAdapter(deployer, "identity", S), maxAge: DAY, maxMoveBps: 500n },
      { asset: R, adapter: await deployRateAdapter(deployer, "rETH", R), maxAge: DAY, maxMoveBps: 500n },
    ],
  });
  // A keeper refreshes the prices after each jump in time: the oracle refuses a price older than maxAge (1 day).
  const refreshPrices = async (): Promise<void> => {
    for (const asset of [S, R]) await send(oracle.connect(keeper).updatePrice(asset));
  };
  await refreshPrices();
  const lrt = await deployLRT(deployer, core, {
    oracle: await oracle.getAddress(),
    treasury: treasury.address,
    rewardsReceiver: treasury.address,
    assets: [
      { asset: S, cap: eth(1_000) },
      { asset: R, cap: eth(1_000) },
    ],
  });
  const { manager, token } = lrt;
  const stEntry = lrt.entryPoints[S];
  const rEntry = lrt.entryPoints[R];
  await send(manager.createNode(op1.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(manager.createNode(op2.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT));
  await send(manager.setAllowedAVSs([avsX.address, ctx.avsY.address]));
  await send(manager.setRiskCaps(6_000, 4_000));
  await send(manager.setBuffer(1_000, 10, 100));
  await send(manager.setProtocolFee(1_000));
  const feed = await deployPriceFeed(deployer, {
    source: lrt.addresses.manager,
    description: "lrtETH / ETH",
    maxYearlyGrowthBps: 1_000n,
  });
  const book = addressBook([
    ...[...ctx.book].map(([address, name]): [string, string] => [name, address]),
    ["erin", erin.address],
    ["frank", frank.address],
    ["treasury", treasury.address],
    ["LRTManager", lrt.addresses.manager],
    ["lrtETH", lrt.addresses.token],
  ]);
  const nodes = await Promise.all([0n, 1n].map((i) => manager.node(i)));
  table("LRT contracts", [
    { contract: "LiquidRestakingToken (lrtETH)", address: lrt.addresses.token },
    { contract: "LRTManager", address: lrt.addresses.manager },
    { contract: "stETH entry point (ERC-7575/7540)", address: lrt.addresses.entryPoints[S] },
    { contract: "rETH entry point (ERC-7575/7540)", address: lrt.addresses.entryPoints[R] },
    { contract: "LRTOracle", address: await oracle.getAddress() },
    { contract: "LRTPriceFeed (AggregatorV3, capped)", address: await feed.getAddress() },
    ...nodes.map((n, i) => ({ contract: `node ${i} (${nameOf(n.operator, book)})`, address: n.node })),
  ]);
  const policy = await manager.policy();
  note(
    `Policy: operator share <= ${Number(policy.maxOperatorShareBps) / 100}%, slash exposure <= ${
      Number(policy.maxSlashExposureBps) / 100
    }%, buffer ${Number(policy.bufferBps) / 100}%, instant-exit fee ${Number(policy.baseFeeBps) / 100}%..${
      Number(policy.maxFeeBps) / 100
    }%, protocol fee ${Number(policy.protocolFeeBps) / 100}% of rewards.`,
  );
  // stETH becomes a reward token through the timelock (the core's admin since the hand-over): scheduled now.
  const listCall = rewardDistributor.interface.encodeFunctionData("addRewardToken", [S, WAD]);
  const listSalt = ethers.id("demo: stETH rewards");
  const distributorAddress = await rewardDistributor.getAddress();
  await send(timelock.schedule(distributorAddress, 0n, listCall, NO_SALT, listSalt, TIMELOCK_DELAY));
  note("The timelock now has addRewardToken(stETH, 1) scheduled, so that AVSs can pay rewards in stETH.");

  const showLRT = async (title: string): Promise<Awaited<ReturnType<typeof lrtFigures>>> => {
    const fig = await lrtFigures(manager, token);
    const risk = await manager.riskReport();
    table(title, [
      {
        "value (exit)": formatAmount(fig.exitValue),
        "value (entry)": formatAmount(fig.entryValue),
        "lrtETH supply": formatAmount(fig.supply),
        "getRate()": formatAmount(fig.rate),
        "feed answer": formatAmount((await feed.latestRoundData())[1]),
        "idle stETH": formatAmount((await manager.assetBook(S)).idle),
        "idle rETH": formatAmount((await manager.assetBook(R)).idle),
        exposure: `${Number(risk.exposureBps) / 100}%${risk.exposureOk ? "" : " BREACH"}`,
      },
    ]);
    table(
      "Nodes",
      risk.nodes.map((n, i) => ({
        node: String(i),
        operator: nameOf(n.operator, book),
        value: formatAmount(n.value),
        share: `${Number(n.shareBps) / 100}%${n.concentrationOk ? "" : " BREACH"}`,
      })),
    );
    return fig;
  };

  await step(
    "erin deposits 100 stETH and frank 50 rETH through the entry points; the manager stakes the idle surplus",
    "A deposit refills the buffer first, then goes to the node furthest below its weight that the policy allows.",
    "Shares are minted at the entry value (pools gross of pending slashes, prices at the high end, rounded up).",
  );
  for (const [user, asset, entry, amount] of [
    [erin, stETH, stEntry, eth(100)],
    [frank, rETH, rEntry, eth(50)],
  ] as const) {
    await send(asset.mint(user.address, amount));
    await send(asset.connect(user).approve(await entry.getAddress(), amount));
  }
  const erinShares = await stEntry.previewDeposit(eth(100));
  await send(stEntry.connect(erin).depositWithMinShares(eth(100), erin.address, erinShares));
  if (erinShares !== eth(100))
    throw new Error(`the first deposit should mint 1 lrtETH per ETH, got ${erinShares}`);
  const beforeFrank = await lrtFigures(manager, token);
  const frankValue = (eth(50) * (await oracle.price(R))) / WAD;
  const frankExpected =
    (frankValue * (beforeFrank.supply + LRT_VIRTUAL)) / (beforeFrank.entryValue + LRT_VIRTUAL);
  await send(rEntry.connect(frank).deposit(eth(50), frank.address));
  const frankShares = await token.balanceOf(frank.address);
  if (frankShares !== frankExpected)
    throw new Error(`frank should hold ${frankExpected} lrtETH, has ${frankShares}`);
  note(
    `erin: ${formatAmount(erinShares)} lrtETH for 100 stETH (it filled the buffer); frank: ${formatAmount(
      frankShares,
    )} lrtETH for 50 rETH worth ${formatAmount(frankValue)} ETH (staked to a node).`,
  );
  await send(manager.stakeIdle(S, eth(80)));
  const afterDeposits = await showLRT("The LRT after the deposits and stakeIdle(stETH, 80)");

  await time.increase(TIMELOCK_DELAY);
  await step(
    "Two days later the timelock lists stETH as a reward token; AVS-X streams 20 stETH over a day to op1's and op2's stETH pools",
    "The LRT counts the rewards its nodes accrue in accepted assets, net of the protocol fee, so the rate rises as",
    "they stream and harvest() (which claims them, keeps them idle and mints the fee to the treasury) does not move it.",
  );
  await refreshPrices();
  await send(timelock.execute(distributorAddress, 0n, listCall, NO_SALT, listSalt));
  // Now that stETH is a reward token, the LRT counts its nodes' pending stETH rewards in its value.
  await send(manager.setAssetConfig(S, eth(1_000), true, true));
  await send(stETH.mint(avsX.address, eth(20)));
  await send(stETH.connect(avsX).approve(distributorAddress, eth(20)));
  for (const op of [op1, op2]) {
    await send(rewardDistributor.connect(avsX).fundRewards(op.address, S, S, eth(10), Number(DAY)));
  }
  await time.increase(DAY + HOUR);
  await refreshPrices();
  const accrued = await showLRT("The day of stETH rewards has streamed (not harvested yet)");
  if (accrued.rate <= afterDeposits.rate) throw new Error("streamed rewards should raise the rate");
  const treasuryBefore = await token.balanceOf(treasury.address);
  await send(manager.connect(keeper).harvest());
  const harvested = await lrtFigures(manager, token);
  const feeShares = (await token.balanceOf(treasury.address)) - treasuryBefore;
  note(
    `harvest(): getRate() ${formatAmount(accrued.rate)} -> ${formatAmount(harvested.rate)} (the rate does not move: the`,
  );
  note(
    `rewards were already counted net of the fee); the treasury received ${formatAmount(feeShares)} lrtETH as the 10% fee.`,
  );
  note(
    `The money-market feed reads ${formatAmount((await feed.latestRoundData())[1])}: it may grow at most 10% a year from its`,
  );
  note("snapshot, so a donation or an oracle fault cannot inflate collateral at once (docs/oracle.md).");
  if (harvested.rate + 1n < accrued.rate || harvested.rate > accrued.rate + 1n || feeShares === 0n) {
    throw new Error("harvest must leave the rate within 1 wei and mint the fee");
  }

  await step(
    "AVS-X's slasher requests a slash of 10% of op2's allocations: the LRT's rate falls at the request",
    "The exit value nets the stake pending requests reserve, so the rate falls by node 1's loss at once; the",
    "execution after the veto window changes nothing more. Nobody can leave at the old rate in between.",
  );
  const beforeSlash = await lrtFigures(manager, token);
  await send(
    slashingManager
      .connect(slasher)
      .requestSlash(avsX.address, op2.address, WAD / 10n, ethers.id("evidence: lrt")),
  );
  const slashId = await slashingManager.slashRequestCount();
  const requested = await lrtFigures(manager, token);
  let expectedLoss = 0n;
  for (const asset of [S, R]) {
    const pool = await vault.pool(op2.address, asset);
    const position = await manager.position(1n, asset);
    const shares = position.active + position.queued;
    const reserved = (shares * pool.pendingSlash + pool.totalShares - 1n) / pool.totalShares;
    expectedLoss += (reserved * (await oracle.price(asset))) / WAD;
  }
  const loss = beforeSlash.exitValue - requested.exitValue;
  note(
    `Exit value ${formatAmount(beforeSlash.exitValue)} -> ${formatAmount(requested.exitValue)} ETH (node 1's reserved stake: ${formatAmount(
      expectedLoss,
    )} ETH); getRate() ${formatAmount(beforeSlash.rate)} -> ${formatAmount(requested.rate)}.`,
  );
  if (loss > expectedLoss + 2n || loss + 2n < expectedLoss) {
    throw new Error(`the rate should fall by node 1's reservation (${expectedLoss}), fell by ${loss}`);
  }
  if (requested.rate !== lrtRateOf(requested.exitValue, requested.supply))
    throw new Error("getRate() mismatch");
  await time.increase(DAY);
  await refreshPrices();
  await send(slashingManager.connect(keeper).executeSlash(slashId));
  const executed = await lrtFigures(manager, token);
  note(
    `After the veto window the slash executes: getRate() ${formatAmount(executed.rate)} (the request had already netted it).`,
  );
  if (executed.rate + 1n < requested.rate) throw new Error("the execution should not lower the rate again");
  await showLRT("The LRT after the slash of op2");

  await step(
    "frank leaves 5 lrtETH at once through instantRedeem, from the buffer, for a fee that rises as it drains",
  );
  const quote = await manager.connect(frank).instantRedeem.staticCall(eth(5), S, 0n, frank.address);
  const frankBefore = await stETH.balanceOf(frank.address);
  const beforeInstant = await lrtFigures(manager, token);
  await send(manager.connect(frank).instantRedeem(eth(5), S, quote, frank.address));
  const instantPaid = (await stETH.balanceOf(frank.address)) - frankBefore;
  const worth = (eth(5) * (beforeInstant.exitValue + LRT_VIRTUAL)) / (beforeInstant.supply + LRT_VIRTUAL);
  const afterInstant = await lrtFigures(manager, token);
  note(
    `frank received ${formatAmount(instantPaid)} stETH for 5 lrtETH worth ${formatAmount(worth)} ETH: a fee of ${formatAmount(
      worth - instantPaid,
    )} stETH stays with the holders (getRate() ${formatAmount(beforeInstant.rate)} -> ${formatAmount(afterInstant.rate)}).`,
  );
  if (instantPaid > worth || afterInstant.rate < beforeInstant.rate) {
    throw new Error("an instant exit must pay at most the value and leave the fee to the holders");
  }
  await step(
    "erin requests to redeem 40 lrtETH for stETH (ERC-7540); processRequests queues the vault withdrawals",
    "The request escrows her shares and records their value; anyone may call processRequests, which pays from idle",
    "or queues the nodes' withdrawals. After the vault delay the claim pays min(value at request, value then).",
  );
  const redeemShares = eth(40);
  await send(stEntry.connect(erin).requestRedeem(redeemShares, erin.address, erin.address));
  const requestId = await manager.requestCount();
  const recorded = await manager.request(requestId);
  note(
    `Request ${requestId}: ${formatAmount(recorded.shares)} lrtETH escrowed, worth ${formatAmount(
      recorded.amount,
    )} ETH at request; pendingRedeemRequest = ${formatAmount(await stEntry.pendingRedeemRequest(requestId, erin.address))}.`,
  );
  const processReceipt = await (await manager.connect(keeper).processRequests(S, 10n)).wait();
  const withdrawalIds: bigint[] = [];
  for (const log of processReceipt?.logs ?? []) {
    const parsed = log.address === lrt.addresses.manager ? manager.interface.parseLog(log) : null;
    if (parsed?.name === "WithdrawalQueued") withdrawalIds.push(parsed.args.id as bigint);
  }
  const openAts = await Promise.all(
    withdrawalIds.map(async (id) => {
      const w = await readWithdrawal(vault, id);
      if (w === undefined) throw new Error(`withdrawal ${formatWithdrawalId(id)} is missing`);
      return w.completableAt;
    }),
  );
  const queuedAt = await now();
  table(
    "Vault withdrawals the LRT queued for the request",
    withdrawalIds.map((id, i) => ({
      id: formatWithdrawalId(id),
      "completable in": formatDuration(openAts[i] - queuedAt),
    })),
  );
  const idle = (await manager.assetBook(S)).idle;
  note(`Idle stETH (${formatAmount(idle)}) does not cover it, so the request waits for the withdrawals.`);

  await time.increaseTo(openAts.reduce((a, b) => (a > b ? a : b), 0n));
  await step("After the vault's delay the withdrawals complete and the request is fulfilled; erin claims");
  await refreshPrices();
  await send(manager.connect(keeper).completeWithdrawals(withdrawalIds));
  await send(manager.connect(keeper).processRequests(S, 10n));
  const fulfilled = await manager.request(requestId);
  const claimable = await stEntry.claimableRedeemRequest(requestId, erin.address);
  const erinBefore = await stETH.balanceOf(erin.address);
  await send(stEntry.connect(erin).claim(requestId, erin.address, fulfilled.amount));
  const paid = (await stETH.balanceOf(erin.address)) - erinBefore;
  const paidValue = (paid * (await oracle.price(S))) / WAD;
  note(
    `claimableRedeemRequest = ${formatAmount(claimable)} lrtETH; erin received ${formatAmount(paid)} stETH worth ${formatAmount(
      paidValue,
    )} ETH, at most the ${formatAmount(recorded.amount)} ETH her shares were worth at request.`,
  );
  if (paid !== fulfilled.amount || paidValue > recorded.amount) {
    throw new Error("a redemption must pay at most the value at request");
  }

  await showLRT("The LRT at the end");
}

function lowerFirst(name: string): "vault" | "registry" | "slashingManager" | "rewardDistributor" {
  switch (name) {
    case "RestakingVault":
      return "vault";
    case "OperatorRegistry":
      return "registry";
    case "SlashingManager":
      return "slashingManager";
    case "RewardDistributor":
      return "rewardDistributor";
    default:
      throw new Error(`unknown contract ${name}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
