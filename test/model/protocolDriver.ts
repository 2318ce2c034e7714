/**
 * The driver of the model-based random walk (test/model/ProtocolModel.test.ts): a fixture of 6 stakers, 3 operators,
 * 3 AVSs that share operators and 3 assets; every action of the protocol, first run on the BigInt model
 * (test/model/protocolModel.ts), then on the chain; and the checks after every step. The random choice of the actions
 * is test/model/walk.ts.
 *
 * The model says whether the chain must accept an action or revert, and with which custom error and arguments. The
 * driver fixes the block timestamp before it builds the transaction (so that time-dependent predictions are exact),
 * sends it, and asserts the outcome. A request and a completion can also be mined in ONE block, in either order
 * (`sameBlock`), as a front-running slasher would. After EVERY step one batched read of the chain
 * (test/model/batchReader.ts) is compared with the model and the invariants are checked. Every read covers the core:
 * every pool, every staker's delegation, asset mask and shares (activePositions), totalDeposited, the withdrawal delay,
 * latestReadyAt, the open slash reservations, the vault's and the escrow's balances; plus what the step's action touches (the
 * balances of the accounts it pays, the allocations, magnitudes and allocated stakes of the operators it concerns, the
 * requests and their assets, the AVS configurations and SlashTerms). At the start, every FULL_EVERY steps and at the
 * end, the read covers every view the checks know. A view call costs the Hardhat network about as much as a
 * transaction step, so reading all ~600 of them after every step would cost minutes.
 *   1, 2, 3  InvariantChecker (test/helpers/invariants.ts) on that read: solvency and totalDeposited, shares, and
 *            nobody withdraws (or withdraws and holds) more than it deposited;
 *   model    every pool (totalAssets, totalShares, fullySlashed, queuedShares, pendingSlash, pendingRequests),
 *            position and its value, delegation, withdrawal nonce and asset mask, live withdrawal with its readyAt and
 *            value (test/model/vaultModel.ts); the allocations (with changedAfterRequest and openRequest), magnitudes (with the pool gate's gateAt), allocated stakes, max slashable amounts, slash
 *            requests and each of their assets, AVS configurations (and the hash and effect time of queued ones),
 *            SlashTerms, registrations, allocationDelay(), withdrawalDelay() and latestReadyAt(); on full reads
 *            previewDeposit and poolNetAssets of every pool; every token balance read; and the model's own accounting
 *            (encumbered magnitude and reservations of every operator, one open request per allocation, every pool's
 *            pendingSlash and pendingRequests against its pending requests, reserved magnitude non-zero exactly while
 *            a request closes the pool, fully slashed pools exactly those with maxMagnitude < MIN_MAX_MAGNITUDE);
 *   4, 5     around every slash request and execution, from a read of the chain at the transaction's own timestamp
 *            (the pending block) and the read after it: per asset the AVS accepts, the amount reserved is
 *            >= floor(f * allocatedStake) - 1 wei and <= allocatedStake as the view reported just before (issue 9's
 *            High property); the magnitude taken is <= ceil(f_max * a_X) and the amount < f_max * stake + one
 *            magnitude unit's worth; an execution takes exactly what was reserved and never more than the AVS's
 *            allocated stake at the time of the request (nor does the release pay more); no other pool and no other
 *            allocation is touched; every other AVS's allocated stake keeps its size: a request may raise it by its
 *            rounding (0 or 1 wei, never lower it), an execution changes no allocated stake at all, and the stakes of
 *            other operators do not move;
 *   6        a withdrawal completes only at or after the readyAt fixed when it was queued (attempts before revert
 *            WithdrawalNotReady, also one second before), never while a request is pending on its pool (it waits:
 *            PoolSlashPending, also in the very block of a request), and pays its shares at the pool's price, at least
 *            the caller's minAssets.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type {
  BaseContract,
  BlockTag,
  ContractTransactionReceipt,
  ContractTransactionResponse,
  Overrides,
  Result,
  Signer,
} from "ethers";

import { DAY, STAKER_FUNDS, WAD, fundAndApprove } from "../helpers/fixtures";
import { InvariantChecker, type ChainState } from "../helpers/invariants";
import { show } from "../helpers/model";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import {
  BURN_ADDRESS,
  EXECUTION_WINDOW,
  SLASH_COOLDOWN,
  STATUS,
  ZERO,
  fundedWallet,
  slashingManagerFixture,
  type AVSParams,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";
import { toAssetsDown, toSharesDown } from "../helpers/sharesMath";
import type { MockERC20 } from "../../typechain-types";
import { Batch, big, bool, deployBatchReader, field, items, str } from "./batchReader";
import { profile } from "./profile";
import {
  EXIT_BUFFER,
  GATE_CYCLE,
  JOIN_WINDOW,
  ProtocolModel,
  isRevert,
  norm,
  type AVSConfigModel,
  type AllocationModel,
  type AssetExamined,
  type Outcome,
  type RequestModel,
  type Revert,
  type TermsModel,
} from "./protocolModel";
import type { CompletionModel, PoolModel, VaultView, WithdrawalModel } from "./vaultModel";
import { withdrawalId } from "../../sdk/views";

export const HOUR = 3_600n;
/** Every how many steps the check reads every view (the other steps read the core and what the step touched). */
const FULL_EVERY = 20;
export const PERCENT = WAD / 100n;
/** Deposit caps of stETH, rETH and cbETH (low enough that the walk meets them). */
export const CAPS = [4_000n * WAD, 10_000n * WAD, 2_500n * WAD] as const;
/** Gas of each transaction mined with another in one block (sent without an estimate, which would run alone). */
const SAME_BLOCK_GAS = 3_000_000n;

/** Anything that signs for an account the walk uses. */
export type Account = Signer & { address: string };

/* ---------------------------------------------------------------------------------------------------------------- */
/* Fixture                                                                                                          */
/* ---------------------------------------------------------------------------------------------------------------- */

export interface ModelFixture extends SlashingManagerFixture {
  operator3: HardhatEthersSigner;
  frank: HardhatEthersSigner;
  /** The six stakers: alice, bob, carol, dave, erin, frank. */
  walkers: HardhatEthersSigner[];
  /** operator1, operator2, operator3. */
  operators: HardhatEthersSigner[];
  /** AVS Z's admin account: the AVS operator3 runs itself (slasher and recipient operator3, no committee, max 1). */
  avs3: HardhatEthersSigner;
  /** A second veto committee the AVSs may move to. */
  committee2: Account;
  /** AVS X (`avs`), Y (`avs2`) and Z (`avs3`) as registered. */
  xParams: AVSParams;
  yParams: AVSParams;
  zParams: AVSParams;
  readerAddress: string;
  /** Vault stakers besides the walkers and the operators that the model tracks (the LRT's nodes; none here). */
  extraStakers: string[];
  /** Accounts besides those whose token balances the model tracks (the LRT's users and manager; none here). */
  extraAccounts: string[];
}

/**
 * slashingManagerFixture + operator3 (registered, no approver) and frank (a sixth staker), both funded; caps lowered to
 * CAPS; erin names `withdrawer`; AVS X (slasher, veto committee, 1-day window, max 1/2, burns; stETH, rETH), AVS Y
 * (slasher2, no committee, max 3/10, pays `recipient`; stETH, cbETH) and AVS Z, operator3's own (slasher and
 * recipient operator3, no committee, max 1; rETH, cbETH: the operator-owned AVS of issue 9's High and finding 6);
 * operators 1 and 2 registered for X and Y, operator3 for X, Y and Z; a second committee account; a BatchReader. No
 * deposit, no allocation: the walk makes them, through the model.
 */
export async function modelFixture(): Promise<ModelFixture> {
  const f = await slashingManagerFixture();
  const signers = await ethers.getSigners();
  const [operator3, frank] = [signers[18], signers[19]];
  // signers[3] (`approver`) approves nothing in this fixture: it is AVS Z's address
  const avs3 = signers[3];
  await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 800, ZERO)).wait();
  for (const token of f.tokens) {
    for (const account of [operator3, frank])
      await fundAndApprove(token, account, f.vaultAddress, STAKER_FUNDS);
  }
  for (let i = 0; i < 3; i++) await (await f.vault.setAssetCap(f.assetAddresses[i], CAPS[i])).wait();
  await (await f.vault.connect(f.erin).setWithdrawer(f.withdrawer.address)).wait();
  const committee2 = await fundedWallet("model walk: committee 2");

  const xParams: AVSParams = {
    slasher: f.slasher.address,
    vetoCommittee: f.committee.address,
    vetoWindow: DAY,
    maxSlashWad: WAD / 2n,
    recipient: ZERO,
    registrar: ZERO,
    assets: [f.stETHAddress, f.rETHAddress],
  };
  const yParams: AVSParams = {
    slasher: f.slasher2.address,
    vetoCommittee: ZERO,
    vetoWindow: 0n,
    maxSlashWad: (3n * WAD) / 10n,
    recipient: f.recipient.address,
    registrar: ZERO,
    assets: [f.stETHAddress, f.cbETHAddress],
  };
  const zParams: AVSParams = {
    slasher: operator3.address,
    vetoCommittee: ZERO,
    vetoWindow: 0n,
    maxSlashWad: WAD,
    recipient: operator3.address,
    registrar: ZERO,
    assets: [f.rETHAddress, f.cbETHAddress],
  };
  await (await f.sm.connect(f.avs).registerAVS("ipfs://avs-x", xParams)).wait();
  await (await f.sm.connect(f.avs2).registerAVS("ipfs://avs-y", yParams)).wait();
  await (await f.sm.connect(avs3).registerAVS("ipfs://avs-z", zParams)).wait();
  for (const [operator, avs] of REGISTRATIONS(f.operator1, f.operator2, operator3, f.avs, f.avs2, avs3)) {
    await (await f.sm.connect(operator).registerOperatorToAVS(avs.address, "0x")).wait();
  }
  const readerAddress = await deployBatchReader(f.admin);
  return {
    ...f,
    operator3,
    frank,
    walkers: [f.alice, f.bob, f.carol, f.dave, f.erin, frank],
    operators: [f.operator1, f.operator2, operator3],
    avs3,
    committee2,
    xParams,
    yParams,
    zParams,
    readerAddress,
    extraStakers: [],
    extraAccounts: [],
  };
}

function REGISTRATIONS<T>(op1: T, op2: T, op3: T, x: T, y: T, z: T): Array<readonly [T, T]> {
  return [
    [op1, x],
    [op1, y],
    [op2, x],
    [op2, y],
    [op3, x],
    [op3, y],
    [op3, z],
  ];
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* One read of the chain                                                                                            */
/* ---------------------------------------------------------------------------------------------------------------- */

interface SlashedAssetView {
  asset: string;
  assetIndex: bigint;
  magnitude: bigint;
  deallocationCut: bigint;
  amount: bigint;
  released: boolean;
}

interface RequestView {
  termsId: bigint;
  operator: string;
  executableAt: bigint;
  status: bigint;
  assetCount: bigint;
  avs: string;
  /** slashedAsset(id, i) for i up to the model's count (one past the end must read empty). */
  slashed: SlashedAssetView[];
}

/** What one read covers besides the core. */
export interface Scope {
  /** Every view the checks know. */
  full: boolean;
  /** Stakers whose stakerInfo (delegation, asset mask, withdrawal nonce) to read. */
  stakers: Set<string>;
  /** Withdrawal records to read (just queued, or just completed: then they must be gone). */
  ids: Set<bigint>;
  /** Accounts whose balances to read. */
  accounts: Set<string>;
  /** Operators whose allocations, magnitudes and allocated stakes (to every AVS, in every asset) to read. */
  operators: Set<string>;
  /** maxSlashable keys. */
  maxSlashable: Set<string>;
  /** Requests to read (with the count and the next id, which must not exist). */
  requests: Set<bigint>;
  /** AVS configurations, queued configurations, SlashTerms, registrations and allocationDelay(). */
  meta: boolean;
}

type WithdrawalState = WithdrawalModel & { value: bigint };

/** Everything the checks compare, read in one eth_call. Keys use checksummed addresses. */
export interface Snapshot {
  timestamp: bigint;
  full: boolean;
  /** The InvariantChecker's view (pools, positions, withdrawals, balances, totalDeposited). */
  state: ChainState;
  /** The same pools and withdrawals, with every field the vault reports. */
  vault: VaultView;
  masks: Map<string, bigint>;
  /** `${account}|${asset}`. */
  balances: Map<string, bigint>;
  /** `${operator}|${avs}|${asset}`. */
  allocations: Map<string, AllocationModel>;
  stakes: Map<string, bigint>;
  maxSlashable: Map<string, bigint>;
  /** `${operator}|${asset}`. */
  magnitudes: Map<
    string,
    { lost: bigint; encumbered: bigint; reserved: bigint; gateAt: bigint; maxMagnitude: bigint }
  >;
  requests: Map<bigint, RequestView>;
  requestCount: bigint;
  configs: Map<string, AVSConfigModel>;
  /** pendingAVSConfig: the hash of the queued params and their effect time. */
  pendingConfigs: Map<string, { paramsHash: string; effectAt: bigint }>;
  terms: Map<bigint, TermsModel>;
  /** `${avs}|${operator}`. */
  registered: Map<string, boolean>;
  allocationDelay: bigint | undefined;
  /** `${operator}|${asset}`: previewDeposit(operator, asset, 1e18) and poolNetAssets (full reads). */
  previews: Map<string, { preview: bigint; net: bigint }>;
  /** vault.latestReadyAt(). */
  latestReadyAt: bigint;
  withdrawalDelay: bigint;
  openReservations: bigint;
}

function configOf(r: unknown): AVSConfigModel {
  return {
    slasher: str(field(r, "slasher")),
    maxSlashWad: big(field(r, "maxSlashWad")),
    vetoWindow: big(field(r, "vetoWindow")),
    vetoCommittee: str(field(r, "vetoCommittee")),
    assetMask: big(field(r, "assetMask")),
    id: big(field(r, "id")),
    termsId: big(field(r, "termsId")),
    recipient: str(field(r, "recipient")),
    registrar: str(field(r, "registrar")),
    registered: bool(field(r, "registered")),
  };
}

const EMPTY_SLASHED: SlashedAssetView = {
  asset: ZERO,
  assetIndex: 0n,
  magnitude: 0n,
  deallocationCut: 0n,
  amount: 0n,
  released: false,
};

export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not read`);
  return value;
}

/** One transaction of a `sameBlock` pair: its label, the model's outcome (asked once the first one committed). */
export interface BlockTx<T> {
  label: string;
  predict: () => Outcome<T>;
  send: (overrides: Overrides) => Promise<ContractTransactionResponse>;
  /** Read the chain (pending block) just before it, for invariants 4 and 5. */
  pre: boolean;
}

/**
 * Overrides for a transaction mined together with others: a fixed gas limit (an estimate would run it alone, before
 * the others) and a tip; the Hardhat mempool mines higher tips first, as a front-runner's would be.
 */
export function sameBlockOverrides(tip: number): Overrides {
  const gwei = 10n ** 9n;
  return { gasLimit: SAME_BLOCK_GAS, maxFeePerGas: 1_000n * gwei, maxPriorityFeePerGas: BigInt(tip) * gwei };
}

/**
 * Mines the transactions `sends` builds in ONE block at timestamp `at`, in the order given (decreasing tips); returns
 * their receipts (a failed one has status 0: `revertOf` tells why).
 */
export async function mineInOneBlock(
  at: bigint,
  sends: Array<(overrides: Overrides) => Promise<ContractTransactionResponse>>,
): Promise<ContractTransactionReceipt[]> {
  await time.setNextBlockTimestamp(at);
  await network.provider.send("evm_setAutomine", [false]);
  const hashes: string[] = [];
  try {
    for (const [i, send] of sends.entries())
      hashes.push((await send(sameBlockOverrides(sends.length - i))).hash);
    await network.provider.send("evm_mine", []);
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
  const receipts: ContractTransactionReceipt[] = [];
  for (const hash of hashes) {
    const receipt = (await ethers.provider.getTransactionReceipt(hash)) as ContractTransactionReceipt | null;
    if (receipt === null) throw new Error(`${hash}: not mined`);
    receipts.push(receipt);
  }
  expect(new Set(receipts.map((r) => r.blockNumber)).size, "one block").to.equal(1);
  expect(
    receipts.map((r) => r.index),
    "mined in the order given",
  ).to.deep.equal([...receipts.map((r) => r.index)].sort((a, b) => a - b));
  return receipts;
}

/** The custom error a mined, failed transaction reverted with (re-executed by debug_traceTransaction). */
export async function revertOf(
  hash: string,
  contract: BaseContract,
): Promise<{ name: string; args: unknown[] }> {
  const trace = (await network.provider.request({
    method: "debug_traceTransaction",
    params: [hash, { disableMemory: true, disableStack: true, disableStorage: true }],
  })) as { failed: boolean; returnValue: string };
  expect(trace.failed, `transaction ${hash} failed`).to.equal(true);
  const data = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
  const parsed = contract.interface.parseError(data);
  if (parsed === null) throw new Error(`transaction ${hash} reverted with unknown data ${data}`);
  return { name: parsed.name, args: [...parsed.args] };
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The driver                                                                                                       */
/* ---------------------------------------------------------------------------------------------------------------- */

export class Driver {
  readonly model: ProtocolModel;
  readonly checker: InvariantChecker;
  protected readonly assets: string[];
  protected readonly tokens: MockERC20[];
  protected readonly stakers: HardhatEthersSigner[];
  protected readonly operators: HardhatEthersSigner[];
  /** Every account whose token balances the model tracks. */
  protected readonly accounts: string[];
  private readonly names = new Map<string, string>();
  private readonly signers = new Map<string, Account>();
  /** Vault stakers that are contracts of the walk (the LRT's nodes): read and checked like the others. */
  protected readonly extraStakers: string[];
  /** Operators the current step makes a slash request or execution against (invariant 8 flags those steps). */
  protected readonly slashedOperators = new Set<string>();
  /** The admin accounts of X, Y, Z (in model.sm.avsList() order). */
  protected readonly avsAdmins: Account[];
  protected clock = 0n;
  private last: Snapshot | undefined;
  /** What the current step's check reads besides the core. */
  protected scope: Scope = Driver.emptyScope();
  protected readonly completed: bigint[] = [];
  /** Per request: each accepted asset's allocated stake as the view reported just before it (the AVS's cap). */
  private readonly stakeAtRequest = new Map<bigint, Map<string, bigint>>();
  /** Pools (`${operator}|${asset}`) a request met while they held 0, 1 or 2 wei. */
  protected readonly dustRequested = new Set<string>();
  /** Labels of every step so far (the failure message shows the last ones). */
  readonly history: string[] = [];
  /** How many steps ran (each followed by the full check). */
  steps = 0;
  /** Successful actions and expected reverts, per kind. */
  readonly coverage = new Map<string, number>();

  constructor(
    readonly f: ModelFixture,
    readonly seed: number,
  ) {
    this.assets = f.assetAddresses.slice(0, 3).map(norm);
    this.tokens = f.tokens.slice(0, 3);
    this.stakers = f.walkers;
    this.operators = f.operators;
    this.avsAdmins = [f.avs, f.avs2, f.avs3];
    this.model = new ProtocolModel(this.assets, f.vaultAddress, f.smAddress, f.admin.address);
    this.extraStakers = f.extraStakers.map(norm);
    const everyone = [...this.stakers, ...this.operators].map((s) => s.address).concat(this.extraStakers);
    this.checker = new InvariantChecker(
      f.vault,
      this.tokens,
      everyone,
      this.operators.map((o) => o.address),
    );
    this.accounts = [
      ...everyone,
      f.withdrawer.address,
      f.recipient.address,
      f.recipient2.address,
      BURN_ADDRESS,
      f.vaultAddress,
      f.smAddress,
      ...f.extraAccounts,
    ].map(norm);

    const named: Array<[string, string]> = [
      ["alice", f.alice.address],
      ["bob", f.bob.address],
      ["carol", f.carol.address],
      ["dave", f.dave.address],
      ["erin", f.erin.address],
      ["frank", f.frank.address],
      ["op1", f.operator1.address],
      ["op2", f.operator2.address],
      ["op3", f.operator3.address],
      ["withdrawer", f.withdrawer.address],
      ["outsider", f.outsider.address],
      ["admin", f.admin.address],
      ["X", f.avs.address],
      ["Y", f.avs2.address],
      ["Z", f.avs3.address],
      ["slasherX", f.slasher.address],
      ["slasherY", f.slasher2.address],
      ["committee", f.committee.address],
      ["committee2", f.committee2.address],
      ["recipient", f.recipient.address],
      ["recipient2", f.recipient2.address],
      ["burn", BURN_ADDRESS],
      ["stETH", this.assets[0]],
      ["rETH", this.assets[1]],
      ["cbETH", this.assets[2]],
      ["0", ZERO],
    ];
    for (const [name, address] of named) this.names.set(norm(address), name);
    for (const s of [
      ...this.stakers,
      ...this.operators,
      f.admin,
      f.withdrawer,
      f.outsider,
      f.slasher,
      f.slasher2,
      f.committee,
      f.committee2,
      f.avs,
      f.avs2,
      f.avs3,
    ]) {
      this.signers.set(norm(s.address), s);
    }

    // The model starts from the fixture: operators delegated to themselves, caps, erin's withdrawer, AVSs, opt-ins.
    for (const o of this.operators) this.model.addOperator(o.address);
    for (const s of this.stakers) this.model.vault.stakers.add(norm(s.address));
    for (const o of [ZERO, ...this.operators.map((x) => x.address)]) {
      for (const a of this.assets) this.model.vault.pool(o, a);
    }
    this.assets.forEach((a, i) => this.model.setCap(a, CAPS[i]));
    this.model.setWithdrawer(f.erin.address, f.withdrawer.address);
    this.model.sm.registerAVS(f.avs.address, f.xParams);
    this.model.sm.registerAVS(f.avs2.address, f.yParams);
    this.model.sm.registerAVS(f.avs3.address, f.zParams);
    for (const [o, avs] of REGISTRATIONS(f.operator1, f.operator2, f.operator3, f.avs, f.avs2, f.avs3)) {
      this.model.sm.registerOperator(avs.address, o.address);
    }
  }

  /* ------------------------------------------------------------------------------------------------ helpers */

  /** Names `address` in labels and failure messages; `signer` also signs for it. */
  protected addName(name: string, address: string, signer?: Account): void {
    this.names.set(norm(address), name);
    if (signer !== undefined) this.signers.set(norm(address), signer);
  }

  protected name(address: string): string {
    return this.names.get(norm(address)) ?? address;
  }

  protected signer(address: string): Account {
    return required(this.signers.get(norm(address)), `signer of ${address}`);
  }

  private tokenOf(asset: string): MockERC20 {
    return this.tokens[this.assets.indexOf(norm(asset))];
  }

  protected count(what: string): void {
    this.coverage.set(what, (this.coverage.get(what) ?? 0) + 1);
  }

  /** The current block time of the walk. */
  get now(): bigint {
    return this.clock;
  }

  /** A few seconds after the clock (the walk's PRNG is the subclass's; the driver's own actions use +1). */
  protected soon(): bigint {
    return this.clock + 1n;
  }

  protected events(
    receipt: ContractTransactionReceipt,
    contract: BaseContract,
    address: string,
    name: string,
  ): Result[] {
    const out: Result[] = [];
    for (const log of receipt.logs) {
      if (norm(log.address) !== norm(address)) continue;
      const parsed = contract.interface.parseLog(log);
      if (parsed !== null && parsed.name === name) out.push(parsed.args);
    }
    return out;
  }

  protected contractFor(r: Revert): BaseContract {
    switch (r.target) {
      case "vault":
        return this.f.vault;
      case "registry":
        return this.f.registry;
      case "sm":
        return this.f.sm;
      case "rd":
        return this.f.rewardDistributor;
      case "token":
        return this.tokenOf(required(r.asset, "asset of a token revert"));
      case "lrt":
      case "lrtToken":
        return this.lrtContract(r.target);
      case "oracle":
        return this.oracleContract();
    }
  }

  /** The LRTOracle of a subclass that drives one (the property test's admin commands). */
  protected oracleContract(): BaseContract {
    throw new Error("driver: no LRTOracle");
  }

  /** The LRT's manager or token, for the reverts of a subclass that drives the LRT. */
  protected lrtContract(target: "lrt" | "lrtToken"): BaseContract {
    throw new Error(`driver: no LRT for a revert of ${target}`);
  }

  /* ------------------------------------------------------------------------------------------------ reading */

  /** A fresh scope: the core only (plus what the step's action adds). */
  private static emptyScope(): Scope {
    return {
      full: false,
      stakers: new Set(),
      ids: new Set(),
      accounts: new Set(),
      operators: new Set(),
      maxSlashable: new Set(),
      requests: new Set(),
      meta: false,
    };
  }

  /** Adds the slashing-manager state of `operator` (allocations, magnitudes, allocated stakes) to the step's read. */
  protected watchOperator(operator: string): void {
    this.scope.operators.add(norm(operator));
  }

  /**
   * What invariants 4 and 5 compare around a request or an execution of `avs` against `operator`: every operator's
   * allocations, magnitudes and allocated stakes, the maxSlashable of `operator`'s allocations to `avs`, the configs.
   */
  private watchSlash(avs: string, operator: string): void {
    this.slashedOperators.add(norm(operator));
    for (const o of this.operators) this.watchOperator(o.address);
    for (const a of this.assets) {
      this.scope.maxSlashable.add(`${norm(operator)}|${norm(avs)}|${a}`);
      // the AVS's last request on each allocation (whether it keeps the allocation open or in its cooldown)
      const last = this.model.sm.storedAllocationOf(operator, avs, a).openRequest;
      if (last !== 0n) this.scope.requests.add(last);
    }
    this.scope.meta = true;
  }

  /**
   * Why a request by `avs` against `operator` at `before.timestamp` may skip `asset` by the request rules
   * (docs/slashing.md: the AVS's last request on the allocation still pending, its cooldown, the pool gate), from the
   * chain as it was just before the request; undefined if no rule lets it skip the asset.
   */
  private refusalOf(before: Snapshot, avs: string, operator: string, asset: string): string | undefined {
    const now = before.timestamp;
    const a = required(before.allocations.get(`${operator}|${avs}|${asset}`), "allocation before");
    if (a.openRequest !== 0n) {
      const last = required(before.requests.get(a.openRequest), `request ${a.openRequest} before`);
      if (last.status === STATUS.Pending) return "SlashRequestOpen";
      if (now < last.executableAt + EXECUTION_WINDOW + SLASH_COOLDOWN) return "SlashCooldown";
    }
    const m = required(before.magnitudes.get(`${operator}|${asset}`), "magnitudes before");
    if (
      m.gateAt !== 0n &&
      now >= m.gateAt + JOIN_WINDOW &&
      (m.reserved !== 0n || now < m.gateAt + GATE_CYCLE)
    ) {
      return "PoolGated";
    }
    return undefined;
  }

  /** Adds request `id` (and its operator's state and its recipient's balances, if it exists) to the step's read. */
  private watchRequest(id: bigint): void {
    this.scope.requests.add(id);
    this.scope.meta = true;
    const r = this.model.sm.request(id);
    if (r !== undefined) {
      this.watchOperator(r.operator);
      this.scope.accounts.add(this.model.sm.recipientOf(r));
    }
  }

  /**
   * Reads, in one eth_call at `blockTag`, the core and what `scope` adds. A full scope reads every view the checks
   * know: every stakerInfo, the position and withdrawableAmount views, every withdrawal ever queued, every balance,
   * allocation, magnitude, allocated stake, max slashable, request and its assets, configuration, SlashTerms record,
   * registration and the delays.
   *
   * Between full reads, a staker's withdrawal nonce and a withdrawal record are read when the step touches them and
   * taken from the previous read otherwise: the vault writes them only when that staker queues (a new record) or that
   * withdrawal completes (its record deleted), and the driver adds exactly those to the scope. Withdrawal values are
   * always priced on the pools just read.
   */
  async read(scope: Scope, blockTag: BlockTag = "latest", extra?: (b: Batch) => void): Promise<Snapshot> {
    const { f, model } = this;
    const V = f.vault.interface;
    const S = f.sm.interface;
    const T = this.tokens[0].interface;
    const vault = f.vaultAddress;
    const sm = f.smAddress;
    const b = new Batch(f.readerAddress);
    const stakers = [...this.stakers, ...this.operators]
      .map((s) => norm(s.address))
      .concat(this.extraStakers);
    const operators = this.operators.map((o) => norm(o.address));
    const poolOperators = [ZERO, ...operators];
    const avsList = model.sm.avsList();
    const full = scope.full;
    const previous = full ? undefined : required(this.last, "a full read before");

    const infos = stakers
      .filter((s) => full || scope.stakers.has(s))
      .map((s) =>
        b.add(vault, V, "stakerInfo", [s], (r) => ({
          staker: s,
          operator: str(field(r[0], "operator")),
          assetMask: big(field(r[0], "assetMask")),
          withdrawalNonce: big(field(r[0], "withdrawalNonce")),
        })),
      );
    const active = stakers.map((s) =>
      b.add(vault, V, "activePositions", [s], (r) => ({
        operator: str(r[0]),
        assets: items(r[1]).map(str),
        shares: items(r[2]).map(big),
        poolActiveShares: items(r[3]).map(big),
      })),
    );
    const positionViews = full
      ? stakers.flatMap((s) =>
          this.assets.map(
            (a) =>
              [
                `${s}|${a}`,
                b.add(vault, V, "position", [s, a], (r) => ({
                  operator: str(r[0]),
                  shares: big(r[1]),
                  value: big(r[2]),
                })),
              ] as const,
          ),
        )
      : [];
    const ids = full
      ? stakers.flatMap((s) => {
          const out: bigint[] = [];
          for (let n = 0n; n < model.vault.nonceOf(s); n++) out.push(withdrawalId(s, n));
          return out;
        })
      : [...scope.ids];
    const withdrawals = ids.map(
      (id) =>
        [
          id,
          b.add(vault, V, "withdrawal", [id], (r) => ({
            staker: str(r[0]),
            operator: str(field(r[1], "operator")),
            asset: str(r[2]),
            shares: big(field(r[1], "shares")),
            startTime: big(field(r[1], "startTime")),
            readyAt: big(field(r[1], "readyAt")),
          })),
          full
            ? b.add(vault, V, "withdrawableAmount", [id], (r) => ({ value: big(r[0]), readyAt: big(r[1]) }))
            : undefined,
        ] as const,
    );
    const pools = poolOperators.flatMap((o) =>
      this.assets.map(
        (a) =>
          [
            `${o}|${a}`,
            b.add(
              vault,
              V,
              "pool",
              [o, a],
              (r): PoolModel => ({
                totalAssets: big(field(r[0], "totalAssets")),
                totalShares: big(field(r[0], "totalShares")),
                fullySlashed: bool(field(r[0], "fullySlashed")),
                queuedShares: big(field(r[0], "queuedShares")),
                pendingSlash: big(field(r[0], "pendingSlash")),
                pendingRequests: big(field(r[0], "pendingRequests")),
              }),
            ),
          ] as const,
      ),
    );
    const deposited = this.assets.map((a) =>
      b.add(vault, V, "assetConfig", [a], (r) => big(field(r[0], "totalDeposited"))),
    );
    const withdrawalDelay = b.add(vault, V, "withdrawalDelay", [], (r) => big(r[0]));
    const openReservations = b.add(vault, V, "openSlashReservations", [], (r) => big(r[0]));
    const latestReadyAt = b.add(vault, V, "latestReadyAt", [], (r) => big(r[0]));
    const accounts = full
      ? this.accounts
      : [...new Set([norm(vault), norm(sm), ...[...scope.accounts].map(norm)])];
    const balances = accounts.flatMap((account) =>
      this.assets.map(
        (a) => [`${account}|${a}`, b.add(a, T, "balanceOf", [account], (r) => big(r[0]))] as const,
      ),
    );

    const smOperators = full ? operators : operators.filter((o) => scope.operators.has(o));
    const triples = (ops: string[]): string[] =>
      ops.flatMap((o) => avsList.flatMap((avs) => this.assets.map((a) => `${o}|${avs}|${a}`)));
    const allocations = triples(smOperators).map((key) => {
      const [o, avs, a] = key.split("|");
      return [
        key,
        b.add(
          sm,
          S,
          "allocation",
          [o, avs, a],
          (r): AllocationModel => ({
            current: big(field(r[0], "current")),
            pendingDelta: big(field(r[0], "pendingDelta")),
            pendingIncrease: bool(field(r[0], "pendingIncrease")),
            effectAt: big(field(r[0], "effectAt")),
            changedAfterRequest: bool(field(r[0], "changedAfterRequest")),
            openRequest: big(field(r[0], "openRequest")),
          }),
        ),
      ] as const;
    });
    const stakes = triples(smOperators).map((key) => {
      const [o, avs, a] = key.split("|");
      return [key, b.add(sm, S, "allocatedStake", [o, avs, a], (r) => big(r[0]))] as const;
    });
    const maxKeys = full ? triples(operators) : [...scope.maxSlashable];
    const maxSlashable = maxKeys.map((key) => {
      const [o, avs, a] = key.split("|");
      return [key, b.add(sm, S, "maxSlashable", [o, avs, a], (r) => big(r[0]))] as const;
    });
    const magnitudes = smOperators.flatMap((o) =>
      this.assets.map(
        (a) =>
          [
            `${o}|${a}`,
            b.add(sm, S, "magnitudes", [o, a], (r) => ({
              lost: big(field(r[0], "lost")),
              encumbered: big(field(r[0], "encumbered")),
              reserved: big(field(r[0], "reserved")),
              gateAt: big(field(r[0], "gateAt")),
              maxMagnitude: big(r[1]),
            })),
          ] as const,
      ),
    );
    const count = BigInt(model.sm.requests.length);
    const requestIds = full
      ? Array.from({ length: Number(count) + 1 }, (_, i) => BigInt(i + 1))
      : [...new Set([...scope.requests, count + 1n])];
    const requests = requestIds.map((id) => {
      const known = model.sm.request(id)?.slashed.length ?? 0;
      return [
        id,
        b.add(sm, S, "slashRequest", [id], (r) => ({
          termsId: big(field(r[0], "termsId")),
          operator: str(field(r[0], "operator")),
          executableAt: big(field(r[0], "executableAt")),
          status: big(field(r[0], "status")),
          assetCount: big(field(r[0], "assetCount")),
          avs: str(r[1]),
        })),
        Array.from({ length: known + 1 }, (_, i) =>
          b.add(
            sm,
            S,
            "slashedAsset",
            [id, i],
            (r): SlashedAssetView => ({
              asset: str(r[0]),
              assetIndex: big(field(r[1], "assetIndex")),
              magnitude: big(field(r[1], "magnitude")),
              deallocationCut: big(field(r[1], "deallocationCut")),
              amount: big(field(r[1], "amount")),
              released: bool(field(r[1], "released")),
            }),
          ),
        ),
      ] as const;
    });
    const requestCount = b.add(sm, S, "slashRequestCount", [], (r) => big(r[0]));
    const meta = full || scope.meta;
    const configs = (meta ? avsList : []).map(
      (avs) =>
        [
          avs,
          b.add(sm, S, "avsConfig", [avs], (r) => configOf(r[0])),
          b.add(sm, S, "pendingAVSConfig", [avs], (r) => ({
            paramsHash: str(field(r[0], "paramsHash")),
            effectAt: big(field(r[0], "effectAt")),
          })),
        ] as const,
    );
    const termIds = meta ? Array.from({ length: model.sm.terms.length + 1 }, (_, i) => BigInt(i + 1)) : [];
    const terms = termIds.map(
      (id) =>
        [
          id,
          b.add(
            sm,
            S,
            "slashTerms",
            [id],
            (r): TermsModel => ({
              vetoCommittee: str(field(r[0], "vetoCommittee")),
              avsId: big(field(r[0], "avsId")),
              recipient: str(field(r[0], "recipient")),
            }),
          ),
        ] as const,
    );
    const registered = (meta ? avsList : []).flatMap((avs) =>
      operators.map(
        (o) => [`${avs}|${o}`, b.add(sm, S, "isRegistered", [avs, o], (r) => bool(r[0]))] as const,
      ),
    );
    const allocationDelay = meta ? b.add(sm, S, "allocationDelay", [], (r) => big(r[0])) : undefined;
    // integrators' views, on full reads: previewDeposit and poolNetAssets of every operator pool
    const poolViews = (full ? operators : []).flatMap((o) =>
      this.assets.map(
        (a) =>
          [
            `${o}|${a}`,
            b.add(vault, V, "previewDeposit", [o, a, WAD], (r) => big(r[0])),
            b.add(vault, V, "poolNetAssets", [o, a], (r) => big(r[0])),
          ] as const,
      ),
    );
    extra?.(b);
    const timestamp = await b.run(blockTag);

    // The InvariantChecker's view. Values come from the views on a full read, else from the share math on the pools
    // just read (the full reads check that the views agree with it).
    const poolMap = new Map(pools.map(([k, slot]) => [k, slot.value]));
    const priced = (operator: string, asset: string, shares: bigint): bigint => {
      const p = required(poolMap.get(`${operator}|${asset}`), `pool (${operator}, ${asset})`);
      return toAssetsDown(shares, p.totalAssets - p.pendingSlash, p.totalShares);
    };
    const mismatches: string[] = [];
    const positions = new Map<string, { operator: string; shares: bigint; value: bigint }>();
    const masks = new Map<string, bigint>();
    const stakerInfo = new Map<string, { operator: string; withdrawalNonce: bigint }>();
    const infoOf = new Map(infos.map((slot) => [slot.value.staker, slot.value]));
    stakers.forEach((s, i) => {
      const ap = active[i].value;
      const mask = this.assets.reduce((m, a, k) => (ap.assets.includes(a) ? m | (1n << BigInt(k)) : m), 0n);
      const maskAssets = this.assets.filter((_, k) => (mask & (1n << BigInt(k))) !== 0n);
      if (show(ap.assets) !== show(maskAssets)) {
        mismatches.push(`activePositions(${this.name(s)}) assets ${show(ap.assets)} not in index order`);
      }
      masks.set(s, mask);
      const info = infoOf.get(s);
      if (info !== undefined) {
        if (info.assetMask !== mask)
          mismatches.push(`stakerInfo(${this.name(s)}).assetMask != activePositions`);
        if (info.operator !== ap.operator)
          mismatches.push(`stakerInfo(${this.name(s)}).operator != activePositions`);
      }
      const nonce =
        info?.withdrawalNonce ??
        required(previous?.state.stakerInfo.get(s), "previous stakerInfo").withdrawalNonce;
      stakerInfo.set(s, { operator: ap.operator, withdrawalNonce: nonce });
      for (const a of this.assets) {
        const k = ap.assets.indexOf(a);
        const shares = k < 0 ? 0n : ap.shares[k];
        if (k >= 0) {
          const p = required(poolMap.get(`${ap.operator}|${a}`), "pool");
          if (ap.poolActiveShares[k] !== p.totalShares - p.queuedShares) {
            mismatches.push(`activePositions(${this.name(s)}) pool active shares in ${this.name(a)}`);
          }
        }
        positions.set(`${s}|${a}`, { operator: ap.operator, shares, value: priced(ap.operator, a, shares) });
      }
    });
    for (const [key, view] of positionViews) {
      const computed = required(positions.get(key), "position");
      if (show(view.value) !== show(computed)) {
        mismatches.push(`position(${key}) view ${show(view.value)} != ${show(computed)}`);
      }
    }
    const live = new Map<bigint, WithdrawalState>();
    for (const [id, w] of previous?.vault.withdrawals ?? []) {
      if (!scope.ids.has(id)) live.set(id, { ...w, value: priced(w.operator, w.asset, w.shares) });
    }
    for (const [id, record, worth] of withdrawals) {
      const w = record.value;
      if (w.startTime === 0n) {
        if (worth !== undefined && worth.ok) {
          mismatches.push(`withdrawableAmount(${id}) of a deleted withdrawal`);
        }
        continue;
      }
      const value = priced(w.operator, w.asset, w.shares);
      const openAt = model.exitOpensAt(id);
      if (worth !== undefined && show(worth.value) !== show({ value, readyAt: openAt })) {
        mismatches.push(
          `withdrawableAmount(${id}) ${show(worth.value)} != its shares at the net price ${value} and the time it may complete ${openAt} (readyAt ${w.readyAt})`,
        );
      }
      live.set(id, { ...w, value });
    }
    expect(mismatches, "views agree with each other").to.deep.equal([]);

    const balanceMap = new Map(balances.map(([k, slot]) => [k, slot.value]));
    const state: ChainState = {
      stakers,
      stakerInfo,
      assets: this.assets,
      operators: poolOperators,
      positions,
      withdrawals: live,
      pools: poolMap,
      balances: this.assets.map((a) => required(balanceMap.get(`${norm(vault)}|${a}`), "vault balance")),
      totalDeposited: deposited.map((d) => d.value),
    };
    return {
      timestamp,
      full,
      state,
      vault: { pools: poolMap, stakerInfo, positions, withdrawals: live },
      masks,
      balances: balanceMap,
      allocations: new Map(allocations.map(([k, a]) => [k, a.value])),
      stakes: new Map(stakes.map(([k, stake]) => [k, stake.value])),
      maxSlashable: new Map(maxSlashable.map(([k, max]) => [k, max.value])),
      magnitudes: new Map(magnitudes.map(([k, m]) => [k, m.value])),
      requests: new Map(
        requests.map(([id, r, slashed]) => [id, { ...r.value, slashed: slashed.map((s) => s.value) }]),
      ),
      requestCount: requestCount.value,
      configs: new Map(configs.map(([avs, c]) => [avs, c.value])),
      pendingConfigs: new Map(configs.map(([avs, , p]) => [avs, p.value])),
      terms: new Map(terms.map(([id, t]) => [id, t.value])),
      registered: new Map(registered.map(([k, r]) => [k, r.value])),
      allocationDelay: allocationDelay?.value,
      previews: new Map(
        poolViews.map(([k, preview, net]) => [k, { preview: preview.value, net: net.value }]),
      ),
      latestReadyAt: latestReadyAt.value,
      withdrawalDelay: withdrawalDelay.value,
      openReservations: openReservations.value,
    };
  }

  /* ------------------------------------------------------------------------------------------------ checks */

  /**
   * Ends every step: reads the chain once (the core and the step's scope, everything every FULL_EVERY steps, and a
   * subclass's views), compares it with the model and checks the invariants.
   */
  protected async check(): Promise<Snapshot> {
    const scope = { ...this.scope, full: this.scope.full || this.steps % FULL_EVERY === 0 };
    let after: (() => void) | undefined;
    const snap = await profile.phase("read", () =>
      this.read(scope, "latest", (b) => {
        after = this.afterCheckViews(b);
      }),
    );
    expect(snap.timestamp, "the step's block has the timestamp the model used").to.equal(this.clock);
    // invariants 1, 2, 3
    await profile.phase("invariants 1-3", () => this.checker.checkAll(snap.state));
    profile.phaseSync("compare (core)", () => this.compareWithModel(snap));
    if (snap.full) this.count("full read");
    profile.phaseSync("subclass checks (LRT: invariant 8; property test: rewards, invariant 7)", () =>
      required(after, "the subclass's check")(),
    );
    await profile.phase("subclass check (rewards)", () => this.afterCheck(snap));
    this.slashedOperators.clear();
    this.scope = Driver.emptyScope();
    this.last = snap;
    this.steps++;
    return snap;
  }

  /** The core's comparison of a read with the model, and the model's own accounting. */
  private compareWithModel(snap: Snapshot): void {
    const now = this.clock;
    const model = this.model;
    const mismatches: string[] = model.vault.compare(snap.vault);

    const compare = (what: string, actual: unknown, expected: unknown): void => {
      const [a, e] = [show(actual), show(expected)];
      if (a !== e) mismatches.push(`${what}: chain ${a}, model ${e}`);
    };
    for (const [staker, mask] of snap.masks) {
      const expected = this.assets.reduce(
        (m, a, i) => (model.vault.sharesOf(staker, a) !== 0n ? m | (1n << BigInt(i)) : m),
        0n,
      );
      compare(`asset mask of ${this.name(staker)}`, mask, expected);
    }
    compare("withdrawalDelay", snap.withdrawalDelay, model.withdrawalDelay);
    compare("openSlashReservations", snap.openReservations, model.vault.openReservations);
    if (snap.allocationDelay !== undefined) {
      compare("allocationDelay()", snap.allocationDelay, model.sm.allocationDelay(now));
    }
    for (const [key, balance] of snap.balances) {
      const [account, a] = key.split("|");
      compare(`balance of ${this.name(account)} in ${this.name(a)}`, balance, model.wallet(account, a));
    }
    for (const [key, allocation] of snap.allocations) {
      const [o, avs, a] = key.split("|");
      compare(`allocation ${this.where(key)}`, allocation, model.sm.allocationView(o, avs, a, now));
    }
    for (const [key, stake] of snap.stakes) {
      const [o, avs, a] = key.split("|");
      compare(`allocatedStake ${this.where(key)}`, stake, model.allocatedStake(o, avs, a, now));
    }
    for (const [key, max] of snap.maxSlashable) {
      const [o, avs, a] = key.split("|");
      compare(`maxSlashable ${this.where(key)}`, max, model.maxSlashable(o, avs, a, now));
    }
    for (const [key, m] of snap.magnitudes) {
      const [o, a] = key.split("|");
      compare(`magnitudes ${this.where(key)}`, m, model.sm.magnitudesView(o, a));
    }
    compare("slashRequestCount", snap.requestCount, BigInt(model.sm.requests.length));
    for (const [id, r] of snap.requests) {
      const m = model.sm.request(id);
      compare(
        `slash request ${id}`,
        r,
        m === undefined
          ? {
              termsId: 0n,
              operator: ZERO,
              executableAt: 0n,
              status: 0n,
              assetCount: 0n,
              avs: ZERO,
              slashed: [EMPTY_SLASHED],
            }
          : {
              termsId: m.termsId,
              operator: m.operator,
              executableAt: m.executableAt,
              status: m.status,
              assetCount: BigInt(m.slashed.length),
              avs: m.avs,
              slashed: [
                ...m.slashed.map((s) => ({ ...s, asset: this.assets[Number(s.assetIndex)] })),
                EMPTY_SLASHED,
              ],
            },
      );
    }
    for (const [avs, c] of snap.configs) compare(`config of ${this.name(avs)}`, c, model.sm.config(avs));
    for (const [avs, p] of snap.pendingConfigs) {
      compare(`queued config of ${this.name(avs)}`, p, model.sm.pendingConfig(avs));
    }
    compare("latestReadyAt()", snap.latestReadyAt, model.latestReadyAt(now));
    for (const [id, t] of snap.terms) compare(`SlashTerms ${id}`, t, model.sm.termsOf(id));
    for (const [key, v] of snap.previews) {
      const [o, a] = key.split("|");
      const p = model.vault.pool(o, a);
      // a closed pool previews 0 shares: its entries revert
      const preview =
        model.vault.entryRefusal(o, a) === undefined ? toSharesDown(WAD, p.totalAssets, p.totalShares) : 0n;
      compare(`previewDeposit / poolNetAssets ${this.where(key)}`, v, {
        preview,
        net: p.totalAssets - p.pendingSlash,
      });
    }
    expect(mismatches, "chain vs model").to.deep.equal([]);
    expect(
      model.consistency(
        this.operators.map((o) => o.address),
        now,
      ),
      "the model's accounting",
    ).to.deep.equal([]);
  }

  /**
   * The views a subclass checks after the core's on every step (the LRT's invariant 8), added to the step's read (the
   * same eth_call, so the same block); returns its check, run once the batch ran and the core's checks passed.
   */
  protected afterCheckViews(b: Batch): () => void {
    void b;
    return () => undefined;
  }

  /**
   * The outcome of action `label` as a subclass's extra state changes it (the property test's paused groups: a paused
   * group's functions revert GroupPaused(group) before anything else). The core driver pauses nothing.
   */
  protected gate<T>(label: string, outcome: Outcome<T>): Outcome<T> {
    void label;
    return outcome;
  }

  /** Checks of a subclass after the core's and the LRT's, on every step (the property test's rewards). */
  protected async afterCheck(snap: Snapshot): Promise<void> {
    void snap;
    return Promise.resolve();
  }

  private where(key: string): string {
    return `(${key
      .split("|")
      .map((x) => this.name(x))
      .join(", ")})`;
  }

  protected get before(): Snapshot {
    return required(this.last, "the previous snapshot");
  }

  private countOutcome(label: string, r: Revert | undefined, note: string | undefined): void {
    const kind = label.split(" ")[0];
    const base = r === undefined ? kind : `${kind} reverts ${r.error}`;
    this.count(base);
    if (note !== undefined) this.count(`${base} ${note}`);
  }

  /**
   * Runs one action at timestamp `at`: the chain must revert as the model says, or accept it (then the model commits).
   * With `pre`, first reads the chain at `at` (the pending block, with the step's scope) for invariants 4 and 5.
   * `note` adds a coverage kind "<kind>[ reverts <error>] <note>".
   */
  protected async run<T>(
    label: string,
    at: bigint,
    outcome: Outcome<T>,
    send: () => Promise<ContractTransactionResponse>,
    pre = false,
    note?: string,
  ): Promise<{ value?: T; receipt?: ContractTransactionReceipt; pre?: Snapshot }> {
    this.history.push(`${label}${note === undefined ? "" : ` (${note})`} @ +${at - this.clock}s`);
    if (at <= this.clock) throw new Error(`driver: timestamp ${at} not after ${this.clock}`);
    outcome = this.gate(label, outcome);
    await time.setNextBlockTimestamp(at);
    let before: Snapshot | undefined;
    if (pre) {
      before = await this.read(this.scope, "pending");
      expect(before.timestamp, "the pending block has the step's timestamp").to.equal(at);
    }
    if (isRevert(outcome)) {
      const r = outcome.revert;
      await expect(send(), `${label} must revert ${r.error}`)
        .to.be.revertedWithCustomError(this.contractFor(r), r.error)
        .withArgs(...r.args);
      // a signer that estimates gas first (a Wallet) sends nothing: mine the step's block anyway
      if (BigInt(await time.latest()) < at) await network.provider.send("evm_mine", []);
      this.clock = at;
      this.countOutcome(label, r, note);
      return { pre: before };
    }
    const receipt = await (await send()).wait();
    if (receipt === null) throw new Error("no receipt");
    this.clock = at;
    const value = outcome.commit();
    this.countOutcome(label, undefined, note);
    return { value, receipt, pre: before };
  }

  /**
   * Mines `first` and `second` in ONE block at timestamp `at`, `first` with the higher tip (as a front-runner would):
   * each must succeed or revert exactly as the model predicts, the second predicted on the model after the first.
   * Returns each transaction's value, receipt and, where asked, the read of the pending block just before it.
   */
  protected async sameBlock<A, B>(
    label: string,
    at: bigint,
    first: BlockTx<A>,
    second: BlockTx<B>,
  ): Promise<{
    first: { value?: A; receipt?: ContractTransactionReceipt; pre?: Snapshot };
    second: { value?: B; receipt?: ContractTransactionReceipt; pre?: Snapshot };
  }> {
    this.history.push(`${label}: ${first.label}, then ${second.label}, in one block @ +${at - this.clock}s`);
    if (at <= this.clock) throw new Error(`driver: timestamp ${at} not after ${this.clock}`);
    await time.setNextBlockTimestamp(at);
    await network.provider.send("evm_setAutomine", [false]);
    const results: Array<{ outcome: Outcome<unknown>; hash: string; pre?: Snapshot; value?: unknown }> = [];
    try {
      for (const [tx, tip] of [
        [first as BlockTx<unknown>, 2],
        [second as BlockTx<unknown>, 1],
      ] as const) {
        const outcome = this.gate(tx.label, tx.predict());
        let pre: Snapshot | undefined;
        if (tx.pre) {
          pre = await this.read(this.scope, "pending");
          expect(pre.timestamp, "the pending block has the step's timestamp").to.equal(at);
        }
        const response = await tx.send(sameBlockOverrides(tip));
        results.push({
          outcome,
          hash: response.hash,
          pre,
          value: isRevert(outcome) ? undefined : outcome.commit(),
        });
      }
      await network.provider.send("evm_mine", []);
    } finally {
      await network.provider.send("evm_setAutomine", [true]);
    }
    this.clock = at;
    const receipts: ContractTransactionReceipt[] = [];
    for (const [i, r] of results.entries()) {
      const tx = i === 0 ? first : second;
      const receipt = (await ethers.provider.getTransactionReceipt(
        r.hash,
      )) as ContractTransactionReceipt | null;
      if (receipt === null) throw new Error(`${tx.label}: not mined`);
      receipts.push(receipt);
      if (isRevert(r.outcome)) {
        const expected = r.outcome.revert;
        expect(receipt.status, `${tx.label} must revert ${expected.error}`).to.equal(0);
        const actual = await revertOf(r.hash, this.contractFor(expected));
        expect(show(actual), `${tx.label}: the revert`).to.equal(
          show({ name: expected.error, args: expected.args }),
        );
        this.countOutcome(tx.label, expected, "in the block of another transaction");
      } else {
        expect(receipt.status, `${tx.label} must succeed`).to.equal(1);
        this.countOutcome(tx.label, undefined, "in the block of another transaction");
      }
    }
    expect(receipts[0].blockNumber, "both in one block").to.equal(receipts[1].blockNumber);
    expect(receipts[0].index, "the first one first").to.be.lt(receipts[1].index);
    const part = <T>(i: number): { value?: T; receipt?: ContractTransactionReceipt; pre?: Snapshot } => {
      const r = results[i];
      return isRevert(r.outcome) ? { pre: r.pre } : { value: r.value as T, receipt: receipts[i], pre: r.pre };
    };
    return { first: part<A>(0), second: part<B>(1) };
  }

  /* ------------------------------------------------------------------------------------------------ actions */

  async deposit(
    staker: Account,
    asset: string,
    amount: bigint,
    minShares: bigint,
    at = this.soon(),
  ): Promise<void> {
    const operator = this.model.vault.operatorOf(staker.address);
    const p = this.model.vault.pool(operator, asset);
    // an empty or dust pool whose operator has allocated magnitude in the asset (not a pool's first deposit)
    const dust =
      operator !== ZERO &&
      p.totalAssets <= 2n &&
      this.model.sm.magnitudesView(operator, asset).encumbered !== 0n;
    const label = `deposit ${this.name(staker.address)} ${amount} ${this.name(asset)} (min ${minShares} shares)`;
    this.scope.accounts.add(norm(staker.address));
    this.scope.stakers.add(norm(staker.address));
    const key = `${operator}|${norm(asset)}`;
    const afterDustRequest = this.dustRequested.has(key);
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.deposit(staker.address, asset, amount, minShares),
      () => this.f.vault.connect(staker).deposit(asset, amount, minShares),
      false,
      dust ? `into a pool of ${p.totalAssets} wei` : undefined,
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.vault, this.f.vaultAddress, "Deposited").map((e) => [...e]),
      ).to.deep.equal([[norm(staker.address), operator, asset, amount, value]]);
      this.checker.recordDeposit(staker.address, asset, amount);
      this.checker.recordTransfer(asset, 1n); // the deposit's rounding remainder (< 1 wei) stays in the pool
      if (afterDustRequest) {
        this.count("deposit into a pool after a request against it while it held 0-2 wei");
        this.dustRequested.delete(key);
      }
    }
    await this.check();
  }

  async delegate(staker: Account, operator: string): Promise<void> {
    const label = `delegate ${this.name(staker.address)} to ${this.name(operator)}`;
    this.scope.stakers.add(norm(staker.address));
    const { value, receipt } = await this.run(
      label,
      this.soon(),
      this.model.delegateTo(staker.address, operator),
      () => this.f.registry.connect(staker).delegateTo(operator, NO_SIGNATURE, ZERO_SALT),
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.vault, this.f.vaultAddress, "SharesMoved").map((e) => [...e]),
      ).to.deep.equal(
        value.map((m) => [
          norm(staker.address),
          m.asset,
          ZERO,
          norm(operator),
          m.sharesBurned,
          m.assets,
          m.sharesMinted,
        ]),
      );
      // each move rounds down twice (assets out of the undelegated pool, shares into the operator's): < 2 wei stay
      for (const m of value) this.checker.recordTransfer(m.asset, 2n);
    }
    await this.check();
  }

  async undelegate(staker: Account, caller: Account): Promise<void> {
    const at = this.soon();
    const label = `undelegate ${this.name(staker.address)} by ${this.name(caller.address)}`;
    this.scope.stakers.add(norm(staker.address));
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.undelegate(caller.address, staker.address, at),
      () => this.f.registry.connect(caller).undelegate(staker.address),
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.registry, this.f.registryAddress, "StakerUndelegated").map((e) => [
          e[0],
          e[1],
          e[2],
          [...e[3]],
        ]),
      ).to.deep.equal([[norm(staker.address), value.operator, norm(caller.address), value.ids]]);
      this.checker.addWithdrawals(value.ids);
      for (const id of value.ids) this.scope.ids.add(id);
    }
    await this.check();
  }

  async redelegate(staker: Account, operator: string): Promise<void> {
    const at = this.soon();
    const label = `redelegate ${this.name(staker.address)} to ${this.name(operator)}`;
    this.scope.stakers.add(norm(staker.address));
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.redelegate(staker.address, operator, at),
      () => this.f.registry.connect(staker).redelegate(operator, NO_SIGNATURE, ZERO_SALT),
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.registry, this.f.registryAddress, "StakerUndelegated").map((e) => [
          ...e[3],
        ]),
      ).to.deep.equal([value.ids]);
      this.checker.addWithdrawals(value.ids);
      for (const id of value.ids) this.scope.ids.add(id);
    }
    await this.check();
  }

  async queue(staker: Account, asset: string, shares: bigint, at = this.soon()): Promise<void> {
    const operator = this.model.vault.operatorOf(staker.address);
    const label = `queue ${this.name(staker.address)} ${shares} shares of ${this.name(asset)}`;
    this.scope.stakers.add(norm(staker.address));
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.queueWithdrawal(staker.address, asset, shares, at),
      () => this.f.vault.connect(staker).queueWithdrawal(asset, shares),
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.vault, this.f.vaultAddress, "WithdrawalQueued").map((e) => [...e]),
      ).to.deep.equal([
        [value, norm(staker.address), operator, asset, shares, at, this.model.readyAt(value)],
      ]);
      expect(this.model.readyAt(value), "readyAt = queue time + the delay in force").to.equal(
        at + this.model.withdrawalDelay,
      );
      this.checker.addWithdrawals([value]);
      this.scope.ids.add(value);
    }
    await this.check();
  }

  private completionLabel(id: bigint, asTokens: boolean, minAssets: bigint, caller: Account): string {
    const staker = ethers.getAddress(ethers.toBeHex(id >> 96n, 20));
    const by = norm(staker) === norm(caller.address) ? "" : `(by ${this.name(caller.address)}) `;
    return `complete ${by}${this.name(staker)}#${id & 0xffffn} as ${asTokens ? "tokens" : "shares"} (min ${minAssets})`;
  }

  private watchCompletion(id: bigint, caller: Account): void {
    this.scope.ids.add(id);
    this.scope.accounts.add(norm(caller.address));
    this.scope.stakers.add(norm(ethers.getAddress(ethers.toBeHex(id >> 96n, 20))));
  }

  /**
   * Checks a completion the chain accepted (invariant 6) against the chain as it was just before: at or after the
   * readyAt fixed at queue time, from a pool with no pending request, paying its shares at the pool's price, and at
   * least minAssets.
   */
  private checkCompletion(
    id: bigint,
    asTokens: boolean,
    minAssets: bigint,
    caller: Account,
    at: bigint,
    before: Snapshot,
    value: { assets: bigint; newOperator: string; sharesMinted: bigint },
    receipt: ContractTransactionReceipt,
  ): void {
    const w = required(before.vault.withdrawals.get(id), `withdrawal ${id} before its completion`);
    expect(at, "inv 6: completes at or after the readyAt fixed at queue time").to.be.gte(w.readyAt);
    const p = required(before.vault.pools.get(`${w.operator}|${w.asset}`), "pool before completion");
    expect(p.pendingRequests, "inv 6: no exit while a request is pending on the pool").to.equal(0n);
    const paid = toAssetsDown(w.shares, p.totalAssets, p.totalShares);
    expect(value.assets, "inv 6: a completion pays its shares at the pool's price").to.equal(paid);
    expect(value.assets, "the minimum-out bound").to.be.gte(minAssets);
    this.checker.recordTransfer(w.asset, 1n); // the rounding remainder (< 1 wei) stays in the pool
    expect(
      this.events(receipt, this.f.vault, this.f.vaultAddress, "WithdrawalCompleted").map((e) => [...e]),
    ).to.deep.equal([
      [
        id,
        w.staker,
        asTokens ? norm(caller.address) : w.staker,
        w.operator,
        w.asset,
        w.shares,
        paid,
        asTokens,
        value.newOperator,
        value.sharesMinted,
      ],
    ]);
    if (asTokens) this.checker.recordWithdrawal(w.staker, w.asset, paid);
    this.count(`complete as ${asTokens ? "tokens" : "shares"}`);
    this.checker.removeWithdrawal(id);
    this.completed.push(id);
  }

  /** Completes withdrawal `id` at `at` with the minimum-out bound `minAssets`; checks invariant 6. */
  async complete(
    id: bigint,
    asTokens: boolean,
    minAssets: bigint,
    caller: Account,
    at: bigint,
    note?: string,
  ): Promise<void> {
    const label = this.completionLabel(id, asTokens, minAssets, caller);
    this.watchCompletion(id, caller);
    const before = this.before;
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.completeWithdrawal(caller.address, id, asTokens, minAssets, at),
      () => this.f.vault.connect(caller).completeWithdrawal(id, asTokens, minAssets),
      false,
      note,
    );
    if (receipt !== undefined && value !== undefined) {
      this.checkCompletion(id, asTokens, minAssets, caller, at, before, value, receipt);
    }
    await this.check();
  }

  async modifyAllocation(
    operator: Account,
    avs: string,
    asset: string,
    magnitude: bigint,
    at: bigint,
    note?: string,
  ): Promise<void> {
    const label = `allocate ${this.name(operator.address)} -> ${this.name(avs)} ${this.name(asset)} = ${magnitude}`;
    this.watchOperator(operator.address);
    this.scope.meta = true;
    const current = this.model.sm.allocationView(operator.address, avs, asset, at).current;
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.modifyAllocation(operator.address, avs, asset, magnitude, at),
      () => this.f.sm.connect(operator).modifyAllocation(avs, asset, magnitude),
      false,
      note,
    );
    if (value !== undefined && receipt !== undefined) {
      if (magnitude === 1n) this.count("allocate 1 wei of magnitude");
      if (magnitude === WAD - 1n) this.count("allocate 1e18 - 1 of magnitude");
      const [event] = this.events(receipt, this.f.sm, this.f.smAddress, "AllocationUpdated");
      if (magnitude > current) this.expectAfterEveryExit(big(event[5]), at, "an allocation increase");
    }
    await this.check();
  }

  /**
   * Finding 6 (and the delay changes of round 2): an allocation increase or a loosening AVS change announced at `at`
   * takes effect (`effectAt`, from the chain's event) no sooner than EXIT_BUFFER after the ready time of every
   * withdrawal queued so far (read from the chain) and of one queued at `at` under the delay in force.
   */
  private expectAfterEveryExit(effectAt: bigint, at: bigint, what: string): void {
    const before = this.before;
    let latest = at + before.withdrawalDelay;
    for (const w of before.vault.withdrawals.values()) if (w.readyAt > latest) latest = w.readyAt;
    expect(effectAt, `${what} takes effect EXIT_BUFFER after every exit queued so far or now`).to.be.gte(
      latest + EXIT_BUFFER,
    );
    if (latest > at + before.withdrawalDelay) {
      this.count(`${what} announced while exits queued under a longer delay are pending`);
    }
  }

  async applyPendingAllocation(
    operator: string,
    avs: string,
    asset: string,
    at = this.soon(),
  ): Promise<void> {
    const label = `applyPendingAllocation ${this.name(operator)} -> ${this.name(avs)} ${this.name(asset)}`;
    this.watchOperator(operator);
    await this.run(label, at, this.model.sm.applyPendingAllocation(operator, avs, asset, at), () =>
      this.f.sm.connect(this.f.outsider).applyPendingAllocation(operator, avs, asset),
    );
    await this.check();
  }

  /** setWithdrawalDelay by `caller`: never moves a queued withdrawal, allocation change or AVS change. */
  async setWithdrawalDelay(caller: Account, delay: bigint, at = this.soon()): Promise<void> {
    this.scope.meta = true;
    for (const o of this.operators) this.watchOperator(o.address);
    const model = this.model;
    const inFlight: string[] = [];
    if (model.vault.withdrawals.size !== 0) inFlight.push("withdrawals are queued");
    const changes = this.operators.some((o) =>
      model.sm
        .avsList()
        .some((avs) => this.assets.some((a) => model.sm.storedAllocationOf(o.address, avs, a).effectAt > at)),
    );
    if (changes) inFlight.push("an allocation change is queued");
    if (model.sm.avsList().some((avs) => model.sm.pendingConfig(avs).effectAt > at))
      inFlight.push("an AVS change is queued");
    if (model.sm.requests.some((r) => r.status === STATUS.Pending)) inFlight.push("a request is pending");
    const { receipt } = await this.run(
      `setWithdrawalDelay ${delay} by ${this.name(caller.address)}`,
      at,
      model.setWithdrawalDelay(caller.address, delay, at),
      () => this.f.vault.connect(caller).setWithdrawalDelay(delay),
    );
    if (receipt !== undefined) {
      for (const what of inFlight) this.count(`setWithdrawalDelay while ${what}`);
    }
    await this.check();
  }

  /**
   * Checks a request the chain accepted (invariants 4, 5 and issue 9's High property) between `before`, the chain at
   * the request's own timestamp just before it, and `after`.
   */
  private checkRequest(
    r: RequestModel,
    wadFraction: bigint,
    receipt: ContractTransactionReceipt,
    before: Snapshot,
    after: Snapshot,
  ): void {
    const operator = r.operator;
    const avs = r.avs;
    const requested = this.events(receipt, this.f.sm, this.f.smAddress, "SlashRequested");
    expect(requested.map((e) => [e[0], e[1], e[2], e[3], e[5], e[6], e[7]])).to.deep.equal([
      [r.id, avs, operator, wadFraction, r.executableAt, r.executableAt + EXECUTION_WINDOW, r.termsId],
    ]);
    const config = required(before.configs.get(avs), "config");
    expect(r.executableAt, "executableAt = now + the AVS's veto window").to.equal(
      before.timestamp + config.vetoWindow,
    );
    const maxSlashWad = config.maxSlashWad;
    const touched = new Set<string>();
    const caps = new Map<string, bigint>();
    for (const [i, asset] of this.assets.entries()) {
      if ((config.assetMask & (1n << BigInt(i))) === 0n) continue;
      const key = `${operator}|${avs}|${asset}`;
      const stake = required(before.stakes.get(key), "allocatedStake before");
      const s = r.slashed.find((x) => x.assetIndex === BigInt(i));
      const amount = s?.amount ?? 0n;
      const what = `${this.name(avs)} takes ${amount} of ${this.name(operator)}'s ${this.name(asset)} (stake ${stake}, f ${wadFraction})`;
      expect(amount, `${what}: <= allocatedStake`).to.be.lte(stake);
      caps.set(asset, stake);
      // An asset the request rules let it skip (its last request still pending, its cooldown, the pool gate: checked
      // on the chain as it was) is taken later, by another request; every other asset meets issue 9's High property.
      const refusal = s === undefined ? this.refusalOf(before, avs, operator, asset) : undefined;
      // maxSlashable, read at the request's own timestamp, says which: 0 exactly for an allocated asset a rule skips,
      // otherwise exactly what a request for maxSlashWad would take: floor(net * ceil(a * maxSlashWad / 1e18) / free).
      const max = required(before.maxSlashable.get(key), "maxSlashable before");
      const current = required(before.allocations.get(key), "allocation before").current;
      const mags = required(before.magnitudes.get(`${operator}|${asset}`), "magnitudes before");
      const pool = required(before.vault.pools.get(`${operator}|${asset}`), "pool before");
      const maxTake =
        current === 0n
          ? 0n
          : ((pool.totalAssets - pool.pendingSlash) * ((current * maxSlashWad + WAD - 1n) / WAD)) /
            (mags.maxMagnitude - mags.reserved);
      expect(max, `${what}: maxSlashable before (${refusal ?? "not skipped"})`).to.equal(
        current !== 0n && this.refusalOf(before, avs, operator, asset) !== undefined ? 0n : maxTake,
      );
      if (refusal !== undefined) {
        if (stake !== 0n) this.count(`High property: an allocated asset skipped (${refusal})`);
        continue;
      }
      expect(amount, `High: ${what}: >= floor(f * allocatedStake) - 1`).to.be.gte(
        (wadFraction * stake) / WAD - 1n,
      );
      if (stake !== 0n) this.count("High property checked on a non-zero allocated stake");
      if (s === undefined) continue;
      const a = required(before.allocations.get(key), "allocation before").current;
      const m = required(before.magnitudes.get(`${operator}|${asset}`), "magnitudes before");
      const p = required(before.vault.pools.get(`${operator}|${asset}`), "pool before");
      const net = p.totalAssets - p.pendingSlash;
      const free = m.maxMagnitude - m.reserved;
      expect(s.magnitude, "inv 4: magnitude <= a_X").to.be.lte(a);
      expect((s.magnitude - 1n) * WAD, "inv 4: magnitude <= ceil(f_max * a_X)").to.be.lt(maxSlashWad * a);
      expect(s.amount * free * WAD, "inv 4: amount < f_max * stake + one magnitude unit's worth").to.be.lt(
        net * (maxSlashWad * a + WAD),
      );
      expect(s.amount, "no reservation of 0 tokens").to.be.gt(0n);
      touched.add(`${operator}|${asset}`);
      expect(
        after.vault.pools.get(`${operator}|${asset}`),
        "inv 4: the slashed pool only reserves, and counts the request",
      ).to.deep.equal({
        ...p,
        pendingSlash: p.pendingSlash + s.amount,
        pendingRequests: p.pendingRequests + 1n,
      });
    }
    this.stakeAtRequest.set(r.id, caps);
    this.expectOthersUntouched(before, after, touched, avs, operator, "request");
  }

  /** Coverage of what a request found: pools of 0, 1, 2 wei, assets skipped for 0 tokens, self-slashes. */
  private countExamined(
    avs: string,
    operator: string,
    wadFraction: bigint,
    examined: AssetExamined[],
    taken: boolean,
  ): void {
    for (const e of examined) {
      // an asset priced (not skipped for the AVS's open request or its cooldown)
      if (e.magnitude === 0n) continue;
      if (e.net <= 2n) {
        this.count(`request against a pool of ${e.net} wei`);
        this.dustRequested.add(`${norm(operator)}|${e.asset}`);
      }
      if (e.amount === 0n && e.refused === undefined) {
        this.count("request skips an asset its reservation would not cover a wei of");
      }
    }
    if (taken) {
      for (const e of examined)
        if (e.refused !== undefined) this.count(`request skips an asset: ${e.refused.error}`);
    }
    const config = this.model.sm.config(avs);
    if (config.slasher === norm(operator) && config.vetoCommittee === ZERO && wadFraction === WAD) {
      this.count("self-slash of 100% through an operator-owned AVS without committee");
    }
  }

  /** A slash request, with invariants 4 and 5 checked between the chain at the request's timestamp and after it. */
  async requestSlash(
    caller: Account,
    avs: string,
    operator: string,
    wadFraction: bigint,
    at = this.soon(),
    note?: string,
  ): Promise<void> {
    this.watchSlash(avs, operator);
    const label = `requestSlash ${this.name(avs)} ${this.name(operator)} f=${wadFraction} by ${this.name(caller.address)}`;
    const outcome = this.model.requestSlash(caller.address, avs, operator, wadFraction, at);
    const examined = this.model.sm.examine(avs, operator, wadFraction, at);
    const { value, receipt, pre } = await this.run(
      label,
      at,
      outcome,
      () =>
        this.f.sm
          .connect(caller)
          .requestSlash(avs, operator, wadFraction, ethers.id(`evidence ${this.steps}`)),
      true,
      note,
    );
    if (!isRevert(outcome) || !["NotSlasher", "InvalidSlashFraction"].includes(outcome.revert.error)) {
      this.countExamined(avs, operator, wadFraction, examined.assets, !isRevert(outcome));
    }
    if (value !== undefined) this.scope.requests.add(value.id);
    const post = await this.check();
    if (receipt === undefined || value === undefined) return;
    this.checkRequest(value, wadFraction, receipt, required(pre, "read before the request"), post);
  }

  /**
   * Invariants 4 and 5 around a request or an execution by `avs` against `operator`: every pool not in `touched` is
   * unchanged, every allocation of another AVS is unchanged, and every other AVS's allocated stake keeps its size:
   * exactly for other operators and around an execution (which changes neither a pool's net assets nor its free
   * magnitude); around a request, the same operator's other stakes may only gain the request's rounding (the
   * reservation rounds down, so N' / (F - s) >= N / F), 1 wei at most since a_Y <= F - s.
   */
  private expectOthersUntouched(
    before: Snapshot,
    after: Snapshot,
    touched: Set<string>,
    avs: string,
    operator: string,
    step: "request" | "execution",
  ): void {
    for (const [key, p] of before.vault.pools) {
      if (touched.has(key)) continue;
      expect(after.vault.pools.get(key), `inv 4: pool ${key} after a ${step}`).to.deep.equal(p);
    }
    for (const [key, stake] of before.stakes) {
      const [o, other, a] = key.split("|");
      const now = required(after.stakes.get(key), "stake after");
      if (other === avs) {
        if (o !== operator || step === "execution") {
          expect(now, `inv 4: ${this.where(key)} after a ${step}`).to.equal(stake);
        }
        continue;
      }
      const what = `allocated stake of ${this.name(o)} to ${this.name(other)} in ${this.name(a)} after a ${step} by ${this.name(avs)}`;
      expect(after.allocations.get(key), `inv 4: allocation of ${what}`).to.deep.equal(
        before.allocations.get(key),
      );
      if (o === operator && step === "request") {
        expect(now, `inv 5: ${what} (${stake} -> ${now})`).to.be.gte(stake);
        expect(now, `inv 5: ${what} (${stake} -> ${now})`).to.be.lte(stake + 1n);
        if (stake !== 0n) this.count(`isolation checked (${step})`);
      } else {
        expect(now, `inv 5: ${what}`).to.equal(stake);
        if (o === operator && stake !== 0n) this.count(`isolation checked (${step})`);
      }
    }
  }

  async vetoSlash(caller: Account, id: bigint, at: bigint, note?: string): Promise<void> {
    this.watchRequest(id);
    const r = this.model.sm.request(id);
    const changed =
      r !== undefined && r.status === STATUS.Pending && this.model.sm.config(r.avs).termsId !== r.termsId;
    const { value } = await this.run(
      `vetoSlash #${id} by ${this.name(caller.address)}`,
      at,
      this.model.vetoSlash(caller.address, id, at),
      () => this.f.sm.connect(caller).vetoSlash(id),
      false,
      note,
    );
    if (value !== undefined) for (const c of this.model.sm.lastRestores) this.count(`restore: ${c}`);
    if (changed) {
      const committee = this.model.sm.termsOf(r.termsId).vetoCommittee;
      const current = this.model.sm.config(r.avs).vetoCommittee;
      if (value !== undefined) this.count("veto by the request's committee after the AVS changed its terms");
      else if (norm(caller.address) === current && committee !== current)
        this.count("veto by the AVS's new committee refused for a request made under the old terms");
    }
    await this.check();
  }

  async cancelSlash(caller: Account, id: bigint, at: bigint, note?: string): Promise<void> {
    this.watchRequest(id);
    const { value } = await this.run(
      `cancelSlash #${id} by ${this.name(caller.address)}`,
      at,
      this.model.cancelSlash(caller.address, id, at),
      () => this.f.sm.connect(caller).cancelSlash(id),
      false,
      note,
    );
    if (value !== undefined) for (const c of this.model.sm.lastRestores) this.count(`restore: ${c}`);
    await this.check();
  }

  /** Executes request `id` at `at`, with invariants 4 and 5 checked around it. */
  async executeSlash(id: bigint, at: bigint, note?: string): Promise<void> {
    this.watchRequest(id);
    const request = this.model.sm.request(id);
    if (request !== undefined) this.watchSlash(request.avs, request.operator);
    const { value, receipt, pre } = await this.run(
      `executeSlash #${id}`,
      at,
      this.model.executeSlash(id, at),
      () => this.f.sm.connect(this.f.outsider).executeSlash(id),
      true,
      note,
    );
    const post = await this.check();
    if (receipt === undefined || value === undefined) return;
    this.checkExecution(id, value, receipt, required(pre, "read before the execution"), post);
  }

  /**
   * Checks an execution the chain accepted between `before`, the chain at its timestamp just before it, and `after`:
   * it takes exactly what the request reserved, never more than the AVS's allocated stake at request time, marks the
   * pool fully slashed exactly when maxMagnitude falls below the floor, and moves no other pool or allocated stake.
   */
  private checkExecution(
    id: bigint,
    value: { request: RequestModel; after: Array<{ maxMagnitude: bigint; fullySlashed: boolean }> },
    receipt: ContractTransactionReceipt,
    before: Snapshot,
    post: Snapshot,
  ): void {
    const r = value.request;
    const touched = new Set<string>();
    const caps = required(this.stakeAtRequest.get(id), `stakes at request ${id}`);
    const executed = this.events(receipt, this.f.sm, this.f.smAddress, "SlashAssetExecuted");
    expect(executed.map((e) => [...e])).to.deep.equal(
      r.slashed.map((s, i) => [
        id,
        this.assets[Number(s.assetIndex)],
        s.magnitude,
        s.amount,
        value.after[i].maxMagnitude,
        value.after[i].fullySlashed,
      ]),
    );
    for (const [i, s] of r.slashed.entries()) {
      const asset = this.assets[Number(s.assetIndex)];
      const key = `${r.operator}|${asset}`;
      const p = required(before.vault.pools.get(key), "pool before");
      touched.add(key);
      expect(post.vault.pools.get(key), "the execution takes exactly the reserved amount").to.deep.equal({
        ...p,
        totalAssets: p.totalAssets - s.amount,
        pendingSlash: p.pendingSlash - s.amount,
        pendingRequests: p.pendingRequests - 1n,
        fullySlashed: p.fullySlashed || value.after[i].fullySlashed,
      });
      expect(s.amount, "no AVS takes more than the stake allocated to it at request time").to.be.lte(
        required(caps.get(asset), "stake at request"),
      );
      const maxMagnitude = value.after[i].maxMagnitude;
      if (value.after[i].fullySlashed)
        this.count("execution takes maxMagnitude below 1e12: pool fully slashed");
      else if (maxMagnitude < 10n ** 15n) this.count("execution leaves maxMagnitude in [1e12, 1e15)");
    }
    this.expectOthersUntouched(before, post, touched, r.avs, r.operator, "execution");
  }

  /** releaseSlashedFunds(id, asset): pays the recipient of the request's terms, never more than its stake cap. */
  async releaseSlashedFunds(id: bigint, asset: string, at = this.soon()): Promise<void> {
    this.watchRequest(id);
    const r = this.model.sm.request(id);
    const changed = r !== undefined && this.model.sm.config(r.avs).termsId !== r.termsId;
    const { value } = await this.run(
      `releaseSlashedFunds #${id} ${this.name(asset)}`,
      at,
      this.model.releaseSlashedFunds(id, asset),
      () => this.f.sm.connect(this.f.outsider).releaseSlashedFunds(id, asset),
    );
    if (value !== undefined) {
      const cap = required(this.stakeAtRequest.get(id)?.get(norm(asset)), "stake at request");
      expect(value.slashed.amount, "the release pays no more than the AVS's stake at request").to.be.lte(cap);
      const current = this.model.sm.recipientOfTerms(this.model.sm.config(value.request.avs).termsId);
      if (changed && value.recipient !== current) {
        this.count("release pays the request's recipient after the AVS changed it");
      }
    }
    await this.check();
  }

  async updateAVSConfig(admin: Account, params: AVSParams, at = this.soon()): Promise<void> {
    this.scope.meta = true;
    const label = `updateAVSConfig ${this.name(admin.address)} slasher=${this.name(params.slasher)} committee=${this.name(params.vetoCommittee)} window=${params.vetoWindow} max=${params.maxSlashWad} recipient=${this.name(params.recipient)} assets=${params.assets.map((a) => this.name(a)).join("+")}`;
    const pending = this.model.sm.requests.some(
      (r) => r.status === STATUS.Pending && r.avs === norm(admin.address),
    );
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.sm.updateAVSConfig(admin.address, params, at),
      () => this.f.sm.connect(admin).updateAVSConfig(params),
    );
    if (value !== undefined && receipt !== undefined) {
      this.count(value.queued ? "updateAVSConfig queued" : "updateAVSConfig applied at once");
      const queued = this.events(receipt, this.f.sm, this.f.smAddress, "AVSConfigQueued");
      expect(queued.length, "a loosening change is queued, any other applied at once").to.equal(
        value.queued ? 1 : 0,
      );
      if (value.queued) this.expectAfterEveryExit(big(queued[0][2]), at, "a loosening AVS change");
      if (pending) this.count("updateAVSConfig while a request of the AVS is pending");
    }
    await this.check();
  }

  /** applyAVSConfig(avs, params): `params` must be the queued ones (PendingConfigMismatch otherwise). */
  async applyAVSConfig(avs: string, params: AVSParams, at = this.soon()): Promise<void> {
    this.scope.meta = true;
    const pending = this.model.sm.requests.some(
      (r) => r.avs === norm(avs) && (r.status === STATUS.Pending || r.status === STATUS.Executed),
    );
    const termsBefore = this.model.sm.config(avs).termsId;
    const { receipt } = await this.run(
      `applyAVSConfig ${this.name(avs)}`,
      at,
      this.model.sm.applyAVSConfig(avs, params, at),
      () => this.f.sm.connect(this.f.outsider).applyAVSConfig(avs, params),
    );
    if (receipt !== undefined && pending && this.model.sm.config(avs).termsId !== termsBefore) {
      this.count("new terms applied while a request of the AVS is pending or unreleased");
    }
    await this.check();
  }

  async registration(operator: Account, avs: string, register: boolean): Promise<void> {
    const label = `${register ? "registerOperatorToAVS" : "deregisterOperatorFromAVS"} ${this.name(operator.address)} ${this.name(avs)}`;
    this.scope.meta = true;
    await this.run(
      label,
      this.soon(),
      register
        ? this.model.sm.registerOperatorToAVS(operator.address, avs)
        : this.model.sm.deregisterOperatorFromAVS(operator.address, avs),
      () =>
        register
          ? this.f.sm.connect(operator).registerOperatorToAVS(avs, "0x")
          : this.f.sm.connect(operator).deregisterOperatorFromAVS(avs),
    );
    await this.check();
  }

  /**
   * A slash request and a completion of a ready withdrawal in ONE block (the front-run of issue 9's finding 3), in
   * the given order. Request first: a completion from the pool it reserved on must revert PoolSlashPending.
   * Completion first: it is paid in full and the request reserves on what is left.
   */
  async requestAndCompleteInOneBlock(
    requestFirst: boolean,
    slasher: Account,
    avs: string,
    operator: string,
    wadFraction: bigint,
    id: bigint,
    asTokens: boolean,
    minAssets: bigint,
    caller: Account,
    at: bigint,
  ): Promise<void> {
    this.watchSlash(avs, operator);
    this.watchCompletion(id, caller);
    const before = this.before;
    const request: BlockTx<RequestModel> = {
      label: `requestSlash ${this.name(avs)} ${this.name(operator)} f=${wadFraction} by ${this.name(slasher.address)}`,
      predict: () => this.model.requestSlash(slasher.address, avs, operator, wadFraction, at),
      send: (o) =>
        this.f.sm
          .connect(slasher)
          .requestSlash(avs, operator, wadFraction, ethers.id(`evidence ${this.steps}`), o),
      pre: true,
    };
    const completion: BlockTx<CompletionModel> = {
      label: this.completionLabel(id, asTokens, minAssets, caller),
      predict: () => this.model.completeWithdrawal(caller.address, id, asTokens, minAssets, at),
      send: (o) => this.f.vault.connect(caller).completeWithdrawal(id, asTokens, minAssets, o),
      pre: requestFirst,
    };
    const w = this.model.vault.withdrawals.get(id);
    const reservesOnIt = (): boolean => {
      const r = this.model.sm.requests.at(-1);
      return (
        w !== undefined &&
        r !== undefined &&
        r.status === STATUS.Pending &&
        r.operator === w.operator &&
        r.slashed.some((s) => this.assets[Number(s.assetIndex)] === w.asset)
      );
    };
    const countBefore = this.model.sm.requests.length;
    if (requestFirst) {
      const { first, second } = await this.sameBlock("front-run", at, request, completion);
      const completionPre = second.pre;
      const waits = this.model.sm.requests.length > countBefore && reservesOnIt();
      if (second.value !== undefined && second.receipt !== undefined) {
        expect(waits, "a completion behind a request on its pool waits").to.equal(false);
        const pre = required(completionPre, "read before the completion");
        this.checkCompletion(id, asTokens, minAssets, caller, at, pre, second.value, second.receipt);
      }
      await this.check();
      if (first.value !== undefined && first.receipt !== undefined) {
        // the request's effects, before the completion that follows it in the block
        const mid = required(completionPre, "read between the request and the completion");
        this.checkRequest(first.value, wadFraction, first.receipt, required(first.pre, "pre"), mid);
        if (waits)
          this.count("request then completion in one block: the completion waits (PoolSlashPending)");
      }
      return;
    }
    const { first, second } = await this.sameBlock("back-run", at, completion, request);
    if (first.value !== undefined && first.receipt !== undefined) {
      this.checkCompletion(id, asTokens, minAssets, caller, at, before, first.value, first.receipt);
    }
    const post = await this.check();
    if (second.value !== undefined && second.receipt !== undefined) {
      this.checkRequest(second.value, wadFraction, second.receipt, required(second.pre, "pre"), post);
      if (first.value !== undefined) this.count("completion then request in one block: both go through");
    }
  }

  /**
   * A request and its execution in ONE block: an AVS without committee (here the operator's own) takes its slash at
   * the request's very timestamp, which is its executableAt. Invariants 4 and 5 are checked around each.
   */
  async requestAndExecuteInOneBlock(
    slasher: Account,
    avs: string,
    operator: string,
    wadFraction: bigint,
    at: bigint,
  ): Promise<void> {
    this.watchSlash(avs, operator);
    const id = BigInt(this.model.sm.requests.length + 1);
    this.watchRequest(id);
    const request: BlockTx<RequestModel> = {
      label: `requestSlash ${this.name(avs)} ${this.name(operator)} f=${wadFraction} by ${this.name(slasher.address)}`,
      predict: () => this.model.requestSlash(slasher.address, avs, operator, wadFraction, at),
      send: (o) =>
        this.f.sm
          .connect(slasher)
          .requestSlash(avs, operator, wadFraction, ethers.id(`evidence ${this.steps}`), o),
      pre: true,
    };
    const execution: BlockTx<{
      request: RequestModel;
      after: Array<{ maxMagnitude: bigint; fullySlashed: boolean }>;
    }> = {
      label: `executeSlash #${id}`,
      predict: () => this.model.executeSlash(id, at),
      send: (o) => this.f.sm.connect(slasher).executeSlash(id, o),
      pre: true,
    };
    const examined = this.model.sm.examine(avs, operator, wadFraction, at);
    const { first, second } = await this.sameBlock("request and execute", at, request, execution);
    if (first.value !== undefined || examined.assets.some((e) => e.magnitude !== 0n)) {
      this.countExamined(avs, operator, wadFraction, examined.assets, first.value !== undefined);
    }
    const post = await this.check();
    if (first.value !== undefined && first.receipt !== undefined) {
      const mid = required(second.pre, "read between the request and the execution");
      this.checkRequest(first.value, wadFraction, first.receipt, required(first.pre, "pre"), mid);
      if (second.value !== undefined && second.receipt !== undefined) {
        this.checkExecution(id, second.value, second.receipt, mid, post);
        this.count("request and execution in one block");
      }
    }
  }

  /** Mines an empty block `seconds` later. */
  async timeJump(seconds: bigint, note?: string): Promise<void> {
    const at = this.clock + seconds;
    this.history.push(`time jump +${seconds}s${note === undefined ? "" : ` (${note})`}`);
    await time.increaseTo(at);
    this.clock = at;
    // matured allocation changes show in the views
    for (const o of this.operators) this.watchOperator(o.address);
    this.scope.meta = true;
    this.count("timeJump");
    if (note !== undefined) this.count(`timeJump ${note}`);
    await this.check();
  }

  /** Step 0: the chain as the fixture left it equals the model (balances are taken from the chain here). */
  async start(): Promise<void> {
    const latest = await ethers.provider.getBlock("latest");
    this.clock = BigInt(required(latest ?? undefined, "latest block").timestamp);
    const snap = await this.read({ ...Driver.emptyScope(), full: true });
    for (const account of this.accounts) {
      for (const a of this.assets)
        this.model.setWallet(account, a, required(snap.balances.get(`${account}|${a}`), "balance"));
    }
    this.history.push("start");
    await this.check();
  }

  /** A last step: a full read of every view, compared with the model, with the invariants checked. */
  async finish(): Promise<void> {
    this.history.push("final full read");
    this.scope.full = true;
    await this.check();
  }

  /** The failure message: seed, step, and the last actions. */
  describeFailure(): string {
    const tail = this.history
      .slice(-14)
      .map((h, i, all) => `  ${this.history.length - all.length + i}: ${h}`);
    return `model walk failed: seed ${this.seed}, step ${this.history.length - 1} (${this.history.at(-1) ?? "start"})\nlast steps:\n${tail.join("\n")}`;
  }
}
