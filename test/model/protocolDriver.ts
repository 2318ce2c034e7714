/**
 * The driver of the model-based random walk (test/model/ProtocolModel.test.ts): a fixture of 6 stakers, 3 operators,
 * 2 AVSs that share operators and 3 assets; a seeded generator of actions; and the checks after every step.
 *
 * Every action is first run on the BigInt model (test/model/protocolModel.ts), which says whether the chain must accept
 * it or revert, and with which custom error and arguments. The driver fixes the block timestamp before it builds the
 * transaction (so that time-dependent predictions are exact), sends it, and asserts the outcome. After EVERY step one
 * batched read of the chain (test/model/batchReader.ts) is compared with the model and the invariants are checked.
 * Every read covers the core: every pool, every staker's delegation, nonce, asset mask and shares (activePositions),
 * every live withdrawal, totalDeposited, the vault's and the escrow's balances; plus what the step's action touches (the
 * balances of the accounts it pays, the allocations, magnitudes and allocated stakes of the operators it concerns, the
 * requests, the AVS configurations). At the start, every FULL_EVERY steps and at the end, the read covers every view
 * the checks know (the position and withdrawableAmount views, every withdrawal ever queued, every balance, allocation,
 * magnitude, allocated stake, max slashable, request, configuration, registration and delay). A view call costs the
 * Hardhat network about as much as a transaction step, so reading all ~400 of them after every step would cost minutes.
 *   1, 2, 3  InvariantChecker (test/helpers/invariants.ts) on that read: solvency and totalDeposited, shares, and
 *            nobody withdraws (or withdraws and holds) more than it deposited;
 *   model    every pool (totalAssets, totalShares, queuedShares, pendingSlash), position and its value, delegation,
 *            withdrawal nonce and asset mask, live withdrawal and its value (VaultModel.assertState); the allocations,
 *            magnitudes, allocated stakes, max slashable amounts, slash requests, AVS configurations (and queued ones),
 *            registrations and allocation delays read; every token balance read (stakers, operators, withdrawer,
 *            vault, escrow, recipient, burn address); and the model's own accounting (encumbered magnitude and
 *            reservations of every operator, every pool's pendingSlash against its pending requests);
 *   4, 5     around every slash request and execution, from a read of the chain at the transaction's own timestamp
 *            (the pending block) and the read after it: the magnitude taken <= f_max * a_X, the amount <= maxSlashable
 *            + 1 wei and <= net * a_X * f_max / free, no other pool and no other allocation touched, and every other
 *            AVS's allocated stake unchanged within |delta| * 1e18 <= before (exactly for the other operators);
 *   6        a withdrawal completes only at or after startTime + delay (attempts before revert WithdrawalNotReady, also
 *            one second before), and pays its shares at the pool's net price (totalAssets - pendingSlash) read before
 *            the completion, whether or not a request is pending on its pool.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type {
  BaseContract,
  BlockTag,
  ContractTransactionReceipt,
  ContractTransactionResponse,
  Result,
} from "ethers";

import { DAY, STAKER_FUNDS, WAD, fundAndApprove } from "../helpers/fixtures";
import { InvariantChecker, type ChainState } from "../helpers/invariants";
import { show } from "../helpers/model";
import { Prng } from "../helpers/prng";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import {
  BURN_ADDRESS,
  EXECUTION_WINDOW,
  MAX_ALLOCATION_DELAY,
  MAX_VETO_WINDOW,
  STATUS,
  ZERO,
  expectIsolated,
  slashingManagerFixture,
  type AVSParams,
  type AllocationState,
  type MagnitudeState,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";
import { toAssetsDown, toSharesDown } from "../helpers/sharesMath";
import type { MockERC20 } from "../../typechain-types";
import { Batch, big, bool, deployBatchReader, field, items, str } from "./batchReader";
import {
  ProtocolModel,
  WITHDRAWAL_DELAY,
  isRevert,
  norm,
  type AVSConfigModel,
  type Outcome,
  type Revert,
} from "./protocolModel";

const HOUR = 3_600n;
/** Every how many steps the check reads every view (the other steps read the core and what the step touched). */
const FULL_EVERY = 20;
const PERCENT = WAD / 100n;
/** Deposit caps of stETH, rETH and cbETH (low enough that the walk meets them). */
export const CAPS = [4_000n * WAD, 10_000n * WAD, 2_500n * WAD] as const;

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
  /** AVS X (`avs`) and AVS Y (`avs2`) as registered. */
  xParams: AVSParams;
  yParams: AVSParams;
  readerAddress: string;
}

/**
 * slashingManagerFixture + operator3 (registered, no approver), frank (a sixth staker), both funded; caps lowered to
 * CAPS; erin names `withdrawer`; AVS X (slasher, veto committee, 1-day window, max 1/2, burns; stETH, rETH) and AVS Y
 * (slasher2, no committee, max 3/10, pays `recipient`; stETH, cbETH); operators 1 and 2 registered for both, operator3
 * for X only; a BatchReader. No deposit, no allocation: the walk makes them, through the model.
 */
export async function modelFixture(): Promise<ModelFixture> {
  const f = await slashingManagerFixture();
  const signers = await ethers.getSigners();
  const [operator3, frank] = [signers[18], signers[19]];
  await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 800, ZERO)).wait();
  for (const token of f.tokens) {
    for (const account of [operator3, frank])
      await fundAndApprove(token, account, f.vaultAddress, STAKER_FUNDS);
  }
  for (let i = 0; i < 3; i++) await (await f.vault.setAssetCap(f.assetAddresses[i], CAPS[i])).wait();
  await (await f.vault.connect(f.erin).setWithdrawer(f.withdrawer.address)).wait();

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
  await (await f.sm.connect(f.avs).registerAVS("ipfs://avs-x", xParams)).wait();
  await (await f.sm.connect(f.avs2).registerAVS("ipfs://avs-y", yParams)).wait();
  for (const [operator, avs] of [
    [f.operator1, f.avs],
    [f.operator1, f.avs2],
    [f.operator2, f.avs],
    [f.operator2, f.avs2],
    [operator3, f.avs],
  ] as const) {
    await (await f.sm.connect(operator).registerOperatorToAVS(avs.address, "0x")).wait();
  }
  const readerAddress = await deployBatchReader(f.admin);
  return {
    ...f,
    operator3,
    frank,
    walkers: [f.alice, f.bob, f.carol, f.dave, f.erin, frank],
    operators: [f.operator1, f.operator2, operator3],
    xParams,
    yParams,
    readerAddress,
  };
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* One read of the chain                                                                                            */
/* ---------------------------------------------------------------------------------------------------------------- */

interface RequestView {
  avsId: bigint;
  operator: string;
  executableAt: bigint;
  status: bigint;
  assetCount: bigint;
  avs: string;
  assets: string[];
  slashed: Array<{ assetIndex: bigint; magnitude: bigint; deallocationCut: bigint; amount: bigint }>;
}

/** What one read covers besides the core (pools, positions, live withdrawals, totalDeposited, vault and escrow). */
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
  /** AVS configurations, queued configurations, registrations and allocation delays. */
  meta: boolean;
}

type WithdrawalState = ChainState["withdrawals"] extends Map<bigint, infer W> ? W : never;

/** Everything the checks compare, read in one eth_call. Keys use checksummed addresses. */
export interface Snapshot {
  timestamp: bigint;
  full: boolean;
  /** The InvariantChecker's view (pools, positions, withdrawals, balances, totalDeposited). */
  state: ChainState;
  masks: Map<string, bigint>;
  /** `${account}|${asset}`. */
  balances: Map<string, bigint>;
  /** `${operator}|${avs}|${asset}`. */
  allocations: Map<string, AllocationState>;
  stakes: Map<string, bigint>;
  maxSlashable: Map<string, bigint>;
  /** `${operator}|${asset}`. */
  magnitudes: Map<string, MagnitudeState>;
  requests: Map<bigint, RequestView>;
  requestCount: bigint;
  configs: Map<string, AVSConfigModel>;
  pendingConfigs: Map<string, { config: AVSConfigModel; effectAt: bigint }>;
  /** `${avs}|${operator}`. */
  registered: Map<string, boolean>;
  delays: Map<string, bigint>;
}

function configOf(r: unknown): AVSConfigModel {
  return {
    slasher: str(field(r, "slasher")),
    maxSlashWad: big(field(r, "maxSlashWad")),
    vetoWindow: big(field(r, "vetoWindow")),
    vetoCommittee: str(field(r, "vetoCommittee")),
    assetMask: big(field(r, "assetMask")),
    id: big(field(r, "id")),
    recipient: str(field(r, "recipient")),
    registrar: str(field(r, "registrar")),
    registered: bool(field(r, "registered")),
  };
}

const EMPTY_CONFIG: AVSConfigModel = {
  slasher: ZERO,
  maxSlashWad: 0n,
  vetoWindow: 0n,
  vetoCommittee: ZERO,
  assetMask: 0n,
  id: 0n,
  recipient: ZERO,
  registrar: ZERO,
  registered: false,
};

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not read`);
  return value;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The driver                                                                                                       */
/* ---------------------------------------------------------------------------------------------------------------- */

type Planned = () => Promise<void>;

/** Action kinds and their weights in the walk. */
const WEIGHTS = {
  deposit: 14,
  delegate: 6,
  undelegate: 4,
  redelegate: 4,
  queue: 10,
  complete: 13,
  completeEarly: 3,
  modifyAllocation: 10,
  applyPendingAllocation: 2,
  setAllocationDelay: 1,
  requestSlash: 9,
  vetoSlash: 3,
  cancelSlash: 4,
  executeSlash: 8,
  releaseSlashedFunds: 4,
  timeJump: 10,
  updateAVSConfig: 2,
  applyAVSConfig: 1,
  registration: 1,
} as const;
type Kind = keyof typeof WEIGHTS;

export class Driver {
  readonly model: ProtocolModel;
  readonly checker: InvariantChecker;
  private readonly prng: Prng;
  private readonly assets: string[];
  private readonly tokens: MockERC20[];
  private readonly stakers: HardhatEthersSigner[];
  private readonly operators: HardhatEthersSigner[];
  /** Every account whose token balances the model tracks. */
  private readonly accounts: string[];
  private readonly names = new Map<string, string>();
  private readonly signers = new Map<string, HardhatEthersSigner>();
  private readonly avsAdmins: HardhatEthersSigner[];
  private clock = 0n;
  private last: Snapshot | undefined;
  /** What the current step's check reads besides the core. */
  private scope: Scope = Driver.emptyScope();
  private readonly completed: bigint[] = [];
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
    this.prng = new Prng(seed);
    this.assets = f.assetAddresses.slice(0, 3).map(norm);
    this.tokens = f.tokens.slice(0, 3);
    this.stakers = f.walkers;
    this.operators = f.operators;
    this.avsAdmins = [f.avs, f.avs2];
    this.model = new ProtocolModel(this.assets, f.vaultAddress, f.smAddress);
    const everyone = [...this.stakers, ...this.operators].map((s) => s.address);
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
      BURN_ADDRESS,
      f.vaultAddress,
      f.smAddress,
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
      ["X", f.avs.address],
      ["Y", f.avs2.address],
      ["slasherX", f.slasher.address],
      ["slasherY", f.slasher2.address],
      ["committee", f.committee.address],
      ["stETH", this.assets[0]],
      ["rETH", this.assets[1]],
      ["cbETH", this.assets[2]],
      ["0", ZERO],
    ];
    for (const [name, address] of named) this.names.set(norm(address), name);
    for (const s of [
      ...this.stakers,
      ...this.operators,
      f.withdrawer,
      f.outsider,
      f.slasher,
      f.slasher2,
      f.committee,
      f.avs,
      f.avs2,
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
    for (const [o, avs] of [
      [f.operator1, f.avs],
      [f.operator1, f.avs2],
      [f.operator2, f.avs],
      [f.operator2, f.avs2],
      [f.operator3, f.avs],
    ] as const) {
      this.model.sm.registerOperator(avs.address, o.address);
    }
  }

  /* ------------------------------------------------------------------------------------------------ helpers */

  private name(address: string): string {
    return this.names.get(norm(address)) ?? address;
  }

  private signer(address: string): HardhatEthersSigner {
    return required(this.signers.get(norm(address)), `signer of ${address}`);
  }

  private tokenOf(asset: string): MockERC20 {
    return this.tokens[this.assets.indexOf(norm(asset))];
  }

  private count(what: string): void {
    this.coverage.set(what, (this.coverage.get(what) ?? 0) + 1);
  }

  /** A few seconds after the clock. */
  private soon(): bigint {
    return this.clock + BigInt(this.prng.int(1, 90));
  }

  private events(
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

  private contractFor(r: Revert): BaseContract {
    switch (r.target) {
      case "vault":
        return this.f.vault;
      case "registry":
        return this.f.registry;
      case "sm":
        return this.f.sm;
      case "token":
        return this.tokenOf(required(r.asset, "asset of a token revert"));
    }
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
  private watchOperator(operator: string): void {
    this.scope.operators.add(norm(operator));
  }

  /**
   * What invariants 4 and 5 compare around a request or an execution of `avs` against `operator`: every operator's
   * allocations, magnitudes and allocated stakes, the maxSlashable of `operator`'s allocations to `avs`, the configs.
   */
  private watchSlash(avs: string, operator: string): void {
    for (const o of this.operators) this.watchOperator(o.address);
    for (const a of this.assets) this.scope.maxSlashable.add(`${norm(operator)}|${norm(avs)}|${a}`);
    this.scope.meta = true;
  }

  /** Adds request `id` (and its operator's state, if it exists) to the step's read. */
  private watchRequest(id: bigint): void {
    this.scope.requests.add(id);
    const r = this.model.sm.request(id);
    if (r !== undefined) this.watchOperator(r.operator);
  }

  /**
   * Reads, in one eth_call at `blockTag`, the core (every pool, every staker's delegation, asset mask and shares from
   * activePositions, totalDeposited, the vault's and the escrow's balances) and what `scope` adds. A full scope reads
   * every view the checks know: every stakerInfo, the position and withdrawableAmount views, every withdrawal ever
   * queued, every balance, allocation, magnitude, allocated stake, max slashable, request, configuration, registration
   * and delay.
   *
   * Between full reads, a staker's withdrawal nonce and a withdrawal record are read when the step touches them and
   * taken from the previous read otherwise: the vault writes them only when that staker queues (a new record) or that
   * withdrawal completes (its record deleted), and the driver adds exactly those to the scope. Withdrawal values are
   * always priced on the pools just read.
   */
  async read(scope: Scope, blockTag: BlockTag = "latest"): Promise<Snapshot> {
    const { f, model } = this;
    const V = f.vault.interface;
    const S = f.sm.interface;
    const T = this.tokens[0].interface;
    const vault = f.vaultAddress;
    const sm = f.smAddress;
    const b = new Batch(f.readerAddress);
    const stakers = [...this.stakers, ...this.operators].map((s) => norm(s.address));
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
          for (let n = 0n; n < model.vault.nonceOf(s); n++) out.push((BigInt(s) << 96n) | n);
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
          })),
          full ? b.add(vault, V, "withdrawableAmount", [id], (r) => big(r[0])) : undefined,
        ] as const,
    );
    const pools = poolOperators.flatMap((o) =>
      this.assets.map(
        (a) =>
          [
            `${o}|${a}`,
            b.add(vault, V, "pool", [o, a], (r) => ({
              totalAssets: big(field(r[0], "totalAssets")),
              totalShares: big(field(r[0], "totalShares")),
              queuedShares: big(field(r[0], "queuedShares")),
              pendingSlash: big(field(r[0], "pendingSlash")),
            })),
          ] as const,
      ),
    );
    const deposited = this.assets.map((a) =>
      b.add(vault, V, "assetConfig", [a], (r) => big(field(r[0], "totalDeposited"))),
    );
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
        b.add(sm, S, "allocation", [o, avs, a], (r) => ({
          current: big(field(r[0], "current")),
          pendingDelta: big(field(r[0], "pendingDelta")),
          pendingIncrease: bool(field(r[0], "pendingIncrease")),
          effectAt: big(field(r[0], "effectAt")),
        })),
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
              maxMagnitude: big(r[1]),
            })),
          ] as const,
      ),
    );
    const count = BigInt(model.sm.requests.length);
    const requestIds = full
      ? Array.from({ length: Number(count) + 1 }, (_, i) => BigInt(i + 1))
      : [...new Set([...scope.requests, count + 1n])];
    const requests = requestIds.map(
      (id) =>
        [
          id,
          b.add(sm, S, "slashRequest", [id], (r) => ({
            avsId: big(field(r[0], "avsId")),
            operator: str(field(r[0], "operator")),
            executableAt: big(field(r[0], "executableAt")),
            status: big(field(r[0], "status")),
            assetCount: big(field(r[0], "assetCount")),
            avs: str(r[1]),
            assets: items(r[2]).map(str),
            slashed: items(r[3]).map((s) => ({
              assetIndex: big(field(s, "assetIndex")),
              magnitude: big(field(s, "magnitude")),
              deallocationCut: big(field(s, "deallocationCut")),
              amount: big(field(s, "amount")),
            })),
          })),
        ] as const,
    );
    const requestCount = b.add(sm, S, "slashRequestCount", [], (r) => big(r[0]));
    const meta = full || scope.meta;
    const configs = (meta ? avsList : []).map(
      (avs) =>
        [
          avs,
          b.add(sm, S, "avsConfig", [avs], (r) => configOf(r[0])),
          b.add(sm, S, "pendingAVSConfig", [avs], (r) => ({ config: configOf(r[0]), effectAt: big(r[1]) })),
        ] as const,
    );
    const registered = (meta ? avsList : []).flatMap((avs) =>
      operators.map(
        (o) => [`${avs}|${o}`, b.add(sm, S, "isRegistered", [avs, o], (r) => bool(r[0]))] as const,
      ),
    );
    const delays = (meta ? operators : []).map(
      (o) => [o, b.add(sm, S, "allocationDelay", [o], (r) => big(r[0]))] as const,
    );

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
    for (const [id, w] of previous?.state.withdrawals ?? []) {
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
      if (worth !== undefined && worth.value !== value) {
        mismatches.push(`withdrawableAmount(${id}) ${worth.value} != its shares at the net price ${value}`);
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
      masks,
      balances: balanceMap,
      allocations: new Map(allocations.map(([k, a]) => [k, a.value])),
      stakes: new Map(stakes.map(([k, stake]) => [k, stake.value])),
      maxSlashable: new Map(maxSlashable.map(([k, max]) => [k, max.value])),
      magnitudes: new Map(magnitudes.map(([k, m]) => [k, m.value])),
      requests: new Map(requests.map(([id, r]) => [id, r.value])),
      requestCount: requestCount.value,
      configs: new Map(configs.map(([avs, c]) => [avs, c.value])),
      pendingConfigs: new Map(configs.map(([avs, , p]) => [avs, p.value])),
      registered: new Map(registered.map(([k, r]) => [k, r.value])),
      delays: new Map(delays.map(([o, d]) => [o, d.value])),
    };
  }

  /* ------------------------------------------------------------------------------------------------ checks */

  /**
   * Ends every step: reads the chain once (the core and the step's scope; everything every FULL_EVERY steps),
   * compares it with the model and checks the invariants.
   */
  private async check(): Promise<Snapshot> {
    const scope = { ...this.scope, full: this.scope.full || this.steps % FULL_EVERY === 0 };
    const snap = await this.read(scope);
    expect(snap.timestamp, "the step's block has the timestamp the model used").to.equal(this.clock);
    const now = this.clock;
    const model = this.model;
    // the vault: pools, positions, delegations, nonces, withdrawals (VaultModel), invariants 1, 2, 3 (checker)
    model.vault.assertState(snap.state);
    await this.checker.checkAll(snap.state);

    const mismatches: string[] = [];
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
              avsId: 0n,
              operator: ZERO,
              executableAt: 0n,
              status: 0n,
              assetCount: 0n,
              avs: ZERO,
              assets: [],
              slashed: [],
            }
          : {
              avsId: m.avsId,
              operator: m.operator,
              executableAt: m.executableAt,
              status: m.status,
              assetCount: BigInt(m.slashed.length),
              avs: m.avs,
              assets: m.slashed.map((s) => this.assets[Number(s.assetIndex)]),
              slashed: m.slashed,
            },
      );
    }
    for (const [avs, c] of snap.configs) compare(`config of ${this.name(avs)}`, c, model.sm.config(avs));
    for (const [avs, p] of snap.pendingConfigs) {
      const q = model.sm.pendingConfig(avs);
      compare(`queued config of ${this.name(avs)}`, p, {
        config: q.config ?? EMPTY_CONFIG,
        effectAt: q.effectAt,
      });
    }
    for (const [key, r] of snap.registered) {
      const [avs, o] = key.split("|");
      compare(`registration of ${this.name(o)} for ${this.name(avs)}`, r, model.sm.isRegistered(avs, o));
    }
    for (const [o, d] of snap.delays) {
      compare(`allocation delay of ${this.name(o)}`, d, model.sm.allocationDelay(o, now));
    }
    expect(mismatches, "chain vs model").to.deep.equal([]);
    expect(
      model.consistency(
        this.operators.map((o) => o.address),
        now,
      ),
      "the model's accounting",
    ).to.deep.equal([]);

    if (snap.full) this.count("full read");
    this.scope = Driver.emptyScope();
    this.last = snap;
    this.steps++;
    return snap;
  }

  private where(key: string): string {
    return `(${key
      .split("|")
      .map((x) => this.name(x))
      .join(", ")})`;
  }

  private get before(): Snapshot {
    return required(this.last, "the previous snapshot");
  }

  /**
   * Runs one action at timestamp `at`: the chain must revert as the model says, or accept it (then the model commits).
   * With `pre`, first reads the chain at `at` (the pending block, with the step's scope) for invariants 4 and 5.
   */
  private async run<T>(
    label: string,
    at: bigint,
    outcome: Outcome<T>,
    send: () => Promise<ContractTransactionResponse>,
    pre = false,
  ): Promise<{ value?: T; receipt?: ContractTransactionReceipt; pre?: Snapshot }> {
    this.history.push(`${label} @ +${at - this.clock}s`);
    if (at <= this.clock) throw new Error(`driver: timestamp ${at} not after ${this.clock}`);
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
      this.clock = at;
      this.count(`${label.split(" ")[0]} reverts ${r.error}`);
      return { pre: before };
    }
    const receipt = await (await send()).wait();
    if (receipt === null) throw new Error("no receipt");
    this.clock = at;
    const value = outcome.commit();
    this.count(label.split(" ")[0]);
    return { value, receipt, pre: before };
  }

  /* ------------------------------------------------------------------------------------------------ actions */

  async deposit(
    staker: HardhatEthersSigner,
    asset: string,
    amount: bigint,
    minShares: bigint,
  ): Promise<void> {
    const at = this.soon();
    const operator = this.model.vault.operatorOf(staker.address);
    const label = `deposit ${this.name(staker.address)} ${amount} ${this.name(asset)} (min ${minShares} shares)`;
    this.scope.accounts.add(norm(staker.address));
    this.scope.stakers.add(norm(staker.address));
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.deposit(staker.address, asset, amount, minShares),
      () => this.f.vault.connect(staker).deposit(asset, amount, minShares),
    );
    if (receipt !== undefined && value !== undefined) {
      expect(
        this.events(receipt, this.f.vault, this.f.vaultAddress, "Deposited").map((e) => [...e]),
      ).to.deep.equal([[norm(staker.address), operator, asset, amount, value]]);
      this.checker.recordDeposit(staker.address, asset, amount);
      this.checker.recordTransfer(asset, 1n); // the deposit's rounding remainder (< 1 wei) stays in the pool
    }
    await this.check();
  }

  async delegate(staker: HardhatEthersSigner, operator: string): Promise<void> {
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

  async undelegate(staker: HardhatEthersSigner, caller: HardhatEthersSigner): Promise<void> {
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

  async redelegate(staker: HardhatEthersSigner, operator: string): Promise<void> {
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

  async queue(staker: HardhatEthersSigner, asset: string, shares: bigint): Promise<void> {
    const at = this.soon();
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
      ).to.deep.equal([[value, norm(staker.address), operator, asset, shares, at]]);
      this.checker.addWithdrawals([value]);
      this.scope.ids.add(value);
    }
    await this.check();
  }

  /**
   * Completes withdrawal `id` at `at`. On success checks invariant 6 against the chain as it was before: the
   * completion is at or after startTime + delay, and pays the shares at the pool's net price (net of pending slashes).
   */
  async complete(id: bigint, asTokens: boolean, caller: HardhatEthersSigner, at: bigint): Promise<void> {
    const label = `complete ${id >> 96n === BigInt(caller.address) ? "" : `(by ${this.name(caller.address)}) `}${this.name(
      ethers.getAddress(ethers.toBeHex(id >> 96n, 20)),
    )}#${id & 0xffffn} as ${asTokens ? "tokens" : "shares"}`;
    const recorded = this.before.state.withdrawals.get(id);
    this.scope.ids.add(id);
    this.scope.accounts.add(norm(caller.address));
    this.scope.stakers.add(norm(ethers.getAddress(ethers.toBeHex(id >> 96n, 20))));
    const { value, receipt } = await this.run(
      label,
      at,
      this.model.completeWithdrawal(caller.address, id, asTokens, at),
      () => this.f.vault.connect(caller).completeWithdrawal(id, asTokens),
    );
    if (receipt !== undefined && value !== undefined) {
      const w = required(recorded, `withdrawal ${id} before its completion`);
      expect(at, "inv 6: completes at or after startTime + delay").to.be.gte(w.startTime + WITHDRAWAL_DELAY);
      const p = required(this.before.state.pools.get(`${w.operator}|${w.asset}`), "pool before completion");
      const net = toAssetsDown(w.shares, p.totalAssets - p.pendingSlash, p.totalShares);
      expect(value.assets, "inv 6: a completion pays its shares at the pool's net price").to.equal(net);
      if (p.pendingSlash !== 0n)
        this.count(`complete while a slash is pending (${asTokens ? "tokens" : "shares"})`);
      // Inv 3 bookkeeping: the haircut of an exit priced net of a pending request goes back to the stakers who stayed
      // if the request is vetoed or cancelled, and the rounding remainder (< 1 wei) stays in the pool.
      const gross = toAssetsDown(w.shares, p.totalAssets, p.totalShares);
      this.checker.recordTransfer(w.asset, gross - net + 1n);
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
          net,
          asTokens,
          value.newOperator,
          value.sharesMinted,
        ],
      ]);
      if (asTokens) this.checker.recordWithdrawal(w.staker, w.asset, net);
      this.count(`complete as ${asTokens ? "tokens" : "shares"}`);
      this.checker.removeWithdrawal(id);
      this.completed.push(id);
    }
    await this.check();
  }

  async modifyAllocation(
    operator: HardhatEthersSigner,
    avs: string,
    asset: string,
    magnitude: bigint,
    at: bigint,
  ): Promise<void> {
    const label = `allocate ${this.name(operator.address)} -> ${this.name(avs)} ${this.name(asset)} = ${magnitude}`;
    this.watchOperator(operator.address);
    await this.run(label, at, this.model.modifyAllocation(operator.address, avs, asset, magnitude, at), () =>
      this.f.sm.connect(operator).modifyAllocation(avs, asset, magnitude),
    );
    await this.check();
  }

  async applyPendingAllocation(operator: string, avs: string, asset: string): Promise<void> {
    const at = this.soon();
    const label = `applyPendingAllocation ${this.name(operator)} -> ${this.name(avs)} ${this.name(asset)}`;
    this.watchOperator(operator);
    await this.run(label, at, this.model.sm.applyPendingAllocation(operator, avs, asset, at), () =>
      this.f.sm.connect(this.f.outsider).applyPendingAllocation(operator, avs, asset),
    );
    await this.check();
  }

  async setAllocationDelay(operator: HardhatEthersSigner, delay: bigint): Promise<void> {
    const at = this.soon();
    this.scope.meta = true;
    await this.run(
      `setAllocationDelay ${this.name(operator.address)} ${delay}`,
      at,
      this.model.setAllocationDelay(operator.address, delay, at),
      () => this.f.sm.connect(operator).setAllocationDelay(delay),
    );
    await this.check();
  }

  /** A slash request, with invariants 4 and 5 checked between the chain at the request's timestamp and after it. */
  async requestSlash(
    caller: HardhatEthersSigner,
    avs: string,
    operator: string,
    wadFraction: bigint,
  ): Promise<void> {
    const at = this.soon();
    this.watchSlash(avs, operator);
    const label = `requestSlash ${this.name(avs)} ${this.name(operator)} f=${wadFraction} by ${this.name(caller.address)}`;
    const { value, receipt, pre } = await this.run(
      label,
      at,
      this.model.requestSlash(caller.address, avs, operator, wadFraction, at),
      () =>
        this.f.sm
          .connect(caller)
          .requestSlash(avs, operator, wadFraction, ethers.id(`evidence ${this.steps}`)),
      true,
    );
    if (value !== undefined) this.scope.requests.add(value.id);
    const post = await this.check();
    if (receipt === undefined || value === undefined) return;
    const before = required(pre, "read before the request");
    const requested = this.events(receipt, this.f.sm, this.f.smAddress, "SlashRequested");
    expect(requested.map((e) => [e[0], e[1], e[2], e[3], e[5], e[6]])).to.deep.equal([
      [
        value.id,
        norm(avs),
        norm(operator),
        wadFraction,
        value.executableAt,
        value.executableAt + EXECUTION_WINDOW,
      ],
    ]);
    const maxSlashWad = required(before.configs.get(norm(avs)), "config").maxSlashWad;
    const touched = new Set<string>();
    for (const s of value.slashed) {
      const asset = this.assets[Number(s.assetIndex)];
      const key = `${norm(operator)}|${norm(avs)}|${asset}`;
      const a = required(before.allocations.get(key), "allocation before").current;
      const m = required(before.magnitudes.get(`${norm(operator)}|${asset}`), "magnitudes before");
      const p = required(before.state.pools.get(`${norm(operator)}|${asset}`), "pool before");
      const net = p.totalAssets - p.pendingSlash;
      expect(s.magnitude * WAD, "inv 4: magnitude <= f_max * a_X").to.be.lte(maxSlashWad * a);
      expect(s.amount, "inv 4: amount <= maxSlashable at the request (+1 wei)").to.be.lte(
        required(before.maxSlashable.get(key), "maxSlashable") + 1n,
      );
      expect(
        s.amount * (m.maxMagnitude - m.reserved) * WAD,
        "inv 4: amount <= net * a_X / free * f_max",
      ).to.be.lte(net * a * maxSlashWad);
      touched.add(`${norm(operator)}|${asset}`);
      expect(
        post.state.pools.get(`${norm(operator)}|${asset}`),
        "inv 4: the slashed pool only reserves",
      ).to.deep.equal({
        ...p,
        pendingSlash: p.pendingSlash + s.amount,
      });
      this.count(s.amount === 0n ? "request reserving 0 tokens in an asset" : "request reserving tokens");
    }
    this.expectOthersUntouched(before, post, touched, norm(avs), norm(operator), "request");
  }

  /**
   * Invariants 4 and 5 around a request or an execution by `avs` against `operator`: every pool not in `touched` is
   * unchanged, every allocation of another AVS is unchanged, and every other AVS's allocated stake keeps its size
   * (exactly for other operators; within |delta| * 1e18 <= before for `operator`).
   */
  private expectOthersUntouched(
    before: Snapshot,
    after: Snapshot,
    touched: Set<string>,
    avs: string,
    operator: string,
    step: string,
  ): void {
    for (const [key, p] of before.state.pools) {
      if (touched.has(key)) continue;
      expect(after.state.pools.get(key), `inv 4: pool ${key} after a ${step}`).to.deep.equal(p);
    }
    for (const [key, stake] of before.stakes) {
      const [o, other, a] = key.split("|");
      if (other === avs) {
        if (o !== operator) expect(after.stakes.get(key), `inv 4: ${key} after a ${step}`).to.equal(stake);
        continue;
      }
      const what = `allocated stake of ${this.name(o)} to ${this.name(other)} in ${this.name(a)} after a ${step} by ${this.name(avs)}`;
      expect(after.allocations.get(key), `inv 4: allocation of ${what}`).to.deep.equal(
        before.allocations.get(key),
      );
      const now = required(after.stakes.get(key), "stake after");
      if (o === operator) {
        expectIsolated(stake, now, what);
        if (stake !== 0n) this.count(`isolation checked (${step})`);
      } else {
        expect(now, `inv 5: ${what}`).to.equal(stake);
      }
    }
  }

  async vetoSlash(caller: HardhatEthersSigner, id: bigint, at: bigint): Promise<void> {
    this.watchRequest(id);
    await this.run(
      `vetoSlash #${id} by ${this.name(caller.address)}`,
      at,
      this.model.vetoSlash(caller.address, id, at),
      () => this.f.sm.connect(caller).vetoSlash(id),
    );
    await this.check();
  }

  async cancelSlash(caller: HardhatEthersSigner, id: bigint, at: bigint): Promise<void> {
    this.watchRequest(id);
    await this.run(
      `cancelSlash #${id} by ${this.name(caller.address)}`,
      at,
      this.model.cancelSlash(caller.address, id, at),
      () => this.f.sm.connect(caller).cancelSlash(id),
    );
    await this.check();
  }

  /** Executes request `id` at `at`, with invariants 4 and 5 checked around it. */
  async executeSlash(id: bigint, at: bigint): Promise<void> {
    this.watchRequest(id);
    const request = this.model.sm.request(id);
    if (request !== undefined) this.watchSlash(request.avs, request.operator);
    const { value, receipt, pre } = await this.run(
      `executeSlash #${id}`,
      at,
      this.model.executeSlash(id, at),
      () => this.f.sm.connect(this.f.outsider).executeSlash(id),
      true,
    );
    const post = await this.check();
    if (receipt === undefined || value === undefined) return;
    const before = required(pre, "read before the execution");
    const touched = new Set<string>();
    for (const s of value.slashed) {
      const key = `${value.operator}|${this.assets[Number(s.assetIndex)]}`;
      const p = required(before.state.pools.get(key), "pool before");
      touched.add(key);
      expect(post.state.pools.get(key), "the execution takes exactly the reserved amount").to.deep.equal({
        ...p,
        totalAssets: p.totalAssets - s.amount,
        pendingSlash: p.pendingSlash - s.amount,
      });
    }
    this.expectOthersUntouched(before, post, touched, value.avs, value.operator, "execution");
  }

  async releaseSlashedFunds(id: bigint): Promise<void> {
    this.watchRequest(id);
    const request = this.model.sm.request(id);
    if (request !== undefined) {
      const recipient = this.model.sm.config(request.avs).recipient;
      this.scope.accounts.add(recipient === ZERO ? norm(BURN_ADDRESS) : recipient);
    }
    await this.run(`releaseSlashedFunds #${id}`, this.soon(), this.model.releaseSlashedFunds(id), () =>
      this.f.sm.connect(this.f.outsider).releaseSlashedFunds(id),
    );
    await this.check();
  }

  async updateAVSConfig(admin: HardhatEthersSigner, params: AVSParams): Promise<void> {
    const at = this.soon();
    this.scope.meta = true;
    const label = `updateAVSConfig ${this.name(admin.address)} max=${params.maxSlashWad} window=${params.vetoWindow} assets=${params.assets.map((a) => this.name(a)).join("+")}`;
    const { value } = await this.run(
      label,
      at,
      this.model.sm.updateAVSConfig(admin.address, params, at),
      () => this.f.sm.connect(admin).updateAVSConfig(params),
    );
    if (value !== undefined)
      this.count(value.queued ? "updateAVSConfig queued" : "updateAVSConfig applied at once");
    await this.check();
  }

  async applyAVSConfig(avs: string): Promise<void> {
    const at = this.soon();
    this.scope.meta = true;
    await this.run(`applyAVSConfig ${this.name(avs)}`, at, this.model.sm.applyAVSConfig(avs, at), () =>
      this.f.sm.connect(this.f.outsider).applyAVSConfig(avs),
    );
    await this.check();
  }

  async registration(operator: HardhatEthersSigner, avs: string, register: boolean): Promise<void> {
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

  /** Mines an empty block `seconds` later. */
  async timeJump(seconds: bigint): Promise<void> {
    const at = this.clock + seconds;
    this.history.push(`time jump +${seconds}s`);
    await time.increaseTo(at);
    this.clock = at;
    // matured allocation changes and allocation delays show in the views
    for (const o of this.operators) this.watchOperator(o.address);
    this.scope.meta = true;
    this.count("timeJump");
    await this.check();
  }

  /* ------------------------------------------------------------------------------------------------ the walk */

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

  /** A seeded opening: self-stakes, allocations, first deposits and delegations. */
  async prologue(): Promise<void> {
    const { prng } = this;
    for (const o of this.operators) {
      for (const a of this.assets)
        await this.deposit(o, a, prng.big(150n, 400n) * WAD + prng.big(0n, WAD), 0n);
    }
    await this.setAllocationDelay(this.f.operator3, 3n * HOUR);
    for (const o of this.operators) {
      for (const avs of this.model.sm.avsList()) {
        if (!this.model.sm.isRegistered(avs, o.address)) continue;
        for (const a of this.model.sm.acceptedAssets(avs)) {
          await this.modifyAllocation(o, avs, a, prng.big(10n, 45n) * PERCENT, this.soon());
        }
      }
    }
    for (const s of this.stakers) {
      for (const a of prng.subset(this.assets).slice(0, 2))
        await this.deposit(s, a, prng.big(20n, 200n) * WAD + prng.big(0n, WAD), 0n);
      if (prng.chance(0.7)) await this.delegate(s, prng.pick(this.operators).address);
    }
    await this.timeJump(DAY + 1n);
  }

  private pickKind(): Kind {
    const kinds = Object.keys(WEIGHTS) as Kind[];
    const total = kinds.reduce((sum, k) => sum + WEIGHTS[k], 0);
    let r = this.prng.int(0, total - 1);
    for (const k of kinds) {
      r -= WEIGHTS[k];
      if (r < 0) return k;
    }
    return "timeJump";
  }

  /** One random step (an action and the full check). */
  async step(): Promise<void> {
    for (let attempt = 0; attempt < 16; attempt++) {
      const planned = this.plan(this.pickKind());
      if (planned !== undefined) return planned();
    }
    return this.timeJump(BigInt(this.prng.int(60, 3_600)));
  }

  private plan(kind: Kind): Planned | undefined {
    const { prng, model } = this;
    const now = this.clock;
    const anyStaker = (operatorChance: number): HardhatEthersSigner =>
      prng.chance(operatorChance) ? prng.pick(this.operators) : prng.pick(this.stakers);
    /** Mostly a staker that is (or is not) delegated, else anyone. */
    const stakerWho = (delegated: boolean, operatorChance: number): HardhatEthersSigner => {
      const fit = this.stakers.filter((s) => (model.vault.operatorOf(s.address) !== ZERO) === delegated);
      return fit.length !== 0 && prng.chance(0.85) ? prng.pick(fit) : anyStaker(operatorChance);
    };
    const live = [...model.vault.withdrawals.entries()];
    const pending = model.sm.requests.filter((r) => r.status === STATUS.Pending);

    switch (kind) {
      case "deposit": {
        const staker = anyStaker(0.15);
        const asset = prng.pick(this.assets);
        const wallet = model.wallet(staker.address, asset);
        const r = prng.next();
        let amount: bigint;
        if (r < 0.03) amount = 0n;
        else if (r < 0.06) amount = wallet + 1n;
        else if (r < 0.14) amount = prng.big(1n, 10n ** 9n);
        else {
          const hi = wallet < 250n * WAD ? wallet : 250n * WAD;
          amount = hi < WAD ? prng.big(1n, WAD) : prng.big(WAD, hi);
        }
        const p = model.vault.pool(model.vault.operatorOf(staker.address), asset);
        const expected = toSharesDown(amount, p.totalAssets, p.totalShares);
        const m = prng.next();
        const minShares = m < 0.05 ? expected + 1n : m < 0.5 ? expected : 0n;
        return () => this.deposit(staker, asset, amount, minShares);
      }
      case "delegate": {
        const staker = stakerWho(false, 0.3);
        const operator = prng.chance(0.04) ? this.f.outsider.address : prng.pick(this.operators).address;
        return () => this.delegate(staker, operator);
      }
      case "undelegate": {
        const staker = stakerWho(true, 0.3);
        const operator = model.vault.operatorOf(staker.address);
        const r = prng.next();
        const caller =
          r < 0.7 || operator === ZERO
            ? staker
            : r < 0.9
              ? this.signer(operator)
              : prng.pick([this.f.outsider, ...this.stakers]);
        return () => this.undelegate(staker, caller);
      }
      case "redelegate": {
        const staker = stakerWho(true, 0.3);
        const operator = prng.chance(0.04) ? this.f.outsider.address : prng.pick(this.operators).address;
        return () => this.redelegate(staker, operator);
      }
      case "queue": {
        const isOperator = prng.chance(0.15);
        const staker = isOperator ? prng.pick(this.operators) : prng.pick(this.stakers);
        const heldAssets = this.assets.filter((a) => model.vault.sharesOf(staker.address, a) !== 0n);
        const asset =
          heldAssets.length !== 0 && prng.chance(0.9) ? prng.pick(heldAssets) : prng.pick(this.assets);
        const held = model.vault.sharesOf(staker.address, asset);
        const r = prng.next();
        let shares: bigint;
        if (r < 0.04) shares = 0n;
        else if (r < 0.08 || held === 0n) shares = held + prng.big(1n, 10n ** 12n);
        else if (!isOperator && r < 0.3) shares = held;
        else shares = (held * prng.big(1n, isOperator ? 30n : 99n)) / 100n + 1n;
        return () => this.queue(staker, asset, shares);
      }
      case "complete": {
        if (this.completed.length !== 0 && prng.chance(0.04)) {
          const id = prng.pick(this.completed);
          const staker = this.signer(ethers.getAddress(ethers.toBeHex(id >> 96n, 20)));
          return () => this.complete(id, prng.chance(0.5), staker, this.soon());
        }
        const candidates = live.filter(([id]) => model.readyAt(id) <= now + 2n * DAY);
        if (candidates.length === 0) return undefined;
        // mostly one whose pool has a request pending, if any (invariant 6: it pays the net price)
        const slashed = candidates.filter(
          ([, q]) => model.vault.pool(q.operator, q.asset).pendingSlash !== 0n,
        );
        const [id, w] = slashed.length !== 0 && prng.chance(0.7) ? prng.pick(slashed) : prng.pick(candidates);
        const readyAt = model.readyAt(id);
        const at =
          readyAt > now ? (prng.chance(0.3) ? readyAt : readyAt + BigInt(prng.int(0, 600))) : this.soon();
        const withdrawer = model.withdrawerOf(w.staker);
        const r = prng.next();
        const caller =
          r < 0.05
            ? prng.pick(
                [...this.stakers, ...this.operators, this.f.withdrawer].filter(
                  (s) => norm(s.address) !== w.staker,
                ),
              )
            : withdrawer !== ZERO && r < 0.5
              ? this.signer(withdrawer)
              : this.signer(w.staker);
        return () => this.complete(id, prng.chance(0.6), caller, at);
      }
      case "completeEarly": {
        const candidates = live.filter(([id]) => model.readyAt(id) > now + 1n);
        if (candidates.length === 0) return undefined;
        const [id, w] = prng.pick(candidates);
        const readyAt = model.readyAt(id);
        const at = prng.chance(0.4) ? readyAt - 1n : prng.big(now + 1n, readyAt - 1n);
        return () => this.complete(id, prng.chance(0.5), this.signer(w.staker), at);
      }
      case "modifyAllocation": {
        const operator = prng.pick(this.operators);
        const avs = prng.pick(model.sm.avsList());
        const accepted = model.sm.acceptedAssets(avs);
        const asset =
          accepted.length !== 0 && prng.chance(0.85) ? prng.pick(accepted) : prng.pick(this.assets);
        const at = this.soon();
        const current = model.sm.allocationView(operator.address, avs, asset, at).current;
        const r = prng.next();
        let magnitude: bigint;
        if (r < 0.05) magnitude = current;
        else if (r < 0.55 || current === 0n) {
          magnitude =
            current + prng.big(1n, 35n) * PERCENT + (prng.chance(0.2) ? prng.big(0n, 10n ** 15n) : 0n);
        } else magnitude = prng.chance(0.3) ? 0n : prng.big(0n, current - 1n);
        return () => this.modifyAllocation(operator, avs, asset, magnitude, at);
      }
      case "applyPendingAllocation": {
        const triples = this.operators.flatMap((o) =>
          model.sm.avsList().flatMap((avs) => this.assets.map((a) => [o.address, avs, a] as const)),
        );
        const matured = triples.filter(([o, avs, a]) => {
          const stored = model.sm.storedAllocationOf(o, avs, a);
          return stored.effectAt !== 0n && stored.effectAt <= now;
        });
        const [o, avs, a] =
          matured.length !== 0 && prng.chance(0.85) ? prng.pick(matured) : prng.pick(triples);
        return () => this.applyPendingAllocation(o, avs, a);
      }
      case "setAllocationDelay": {
        const delay = prng.pick([0n, HOUR, 6n * HOUR, DAY, 2n * DAY, MAX_ALLOCATION_DELAY + 1n]);
        const operator = prng.pick(this.operators);
        return () => this.setAllocationDelay(operator, delay);
      }
      case "requestSlash": {
        const avs = prng.pick(model.sm.avsList());
        const allocated = this.operators.filter((o) =>
          model.sm
            .acceptedAssets(avs)
            .some((a) => model.sm.allocationView(o.address, avs, a, now).current !== 0n),
        );
        const operator = (
          allocated.length !== 0 && prng.chance(0.85) ? prng.pick(allocated) : prng.pick(this.operators)
        ).address;
        const config = model.sm.config(avs);
        const max = config.maxSlashWad;
        const r = prng.next();
        const fraction = r < 0.04 ? 0n : r < 0.08 ? max + 1n : r < 0.3 ? max : prng.big(10n ** 15n, max);
        const caller = prng.chance(0.06)
          ? prng.pick([this.f.outsider, this.f.slasher, this.f.slasher2])
          : this.signer(config.slasher);
        return () => this.requestSlash(caller, avs, operator, fraction);
      }
      case "vetoSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        // mostly a request of an AVS with a veto committee, still in its window
        const vetoable = pending.filter(
          (q) => model.sm.config(q.avs).vetoCommittee !== ZERO && q.executableAt > now + 1n,
        );
        const r =
          vetoable.length !== 0 && prng.chance(0.85)
            ? prng.pick(vetoable)
            : prng.chance(0.1) || pending.length === 0
              ? prng.pick(all)
              : prng.pick(pending);
        const open = r.executableAt > now + 1n;
        const at = open && prng.chance(0.8) ? prng.big(now + 1n, r.executableAt - 1n) : this.soon();
        const caller = prng.chance(0.9) ? this.f.committee : prng.pick([this.f.outsider, this.f.slasher]);
        return () => this.vetoSlash(caller, r.id, at);
      }
      case "cancelSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        const r = prng.chance(0.08) || pending.length === 0 ? prng.pick(all) : prng.pick(pending);
        const bySlasher = prng.chance(0.55);
        const caller = bySlasher ? this.signer(model.sm.config(r.avs).slasher) : this.f.outsider;
        const expiresAt = r.executableAt + EXECUTION_WINDOW;
        const at = !bySlasher && expiresAt > now && prng.chance(0.5) ? expiresAt : this.soon();
        return () => this.cancelSlash(caller, r.id, at);
      }
      case "executeSlash": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        const r = prng.chance(0.05) || pending.length === 0 ? prng.pick(all) : prng.pick(pending);
        const expiresAt = r.executableAt + EXECUTION_WINDOW;
        const x = prng.next();
        let at: bigint;
        if (x < 0.7 && expiresAt > now + 1n) {
          const from = r.executableAt > now ? r.executableAt : now + 1n;
          at = prng.chance(0.2) && r.executableAt > now ? r.executableAt : prng.big(from, expiresAt - 1n);
        } else if (x < 0.85 || expiresAt <= now) at = this.soon();
        else at = expiresAt + BigInt(prng.int(0, 600));
        return () => this.executeSlash(r.id, at);
      }
      case "releaseSlashedFunds": {
        const all = model.sm.requests;
        if (all.length === 0) return undefined;
        const executed = all.filter((r) => r.status === STATUS.Executed);
        const r = executed.length !== 0 && prng.chance(0.85) ? prng.pick(executed) : prng.pick(all);
        return () => this.releaseSlashedFunds(r.id);
      }
      case "timeJump": {
        const r = prng.next();
        const seconds =
          r < 0.4 ? prng.big(60n, HOUR) : r < 0.7 ? prng.big(HOUR, DAY) : prng.big(DAY, 8n * DAY);
        return () => this.timeJump(seconds);
      }
      case "updateAVSConfig": {
        const index = prng.int(0, 1);
        const avs = model.sm.avsList()[index];
        const c = model.sm.config(avs);
        const r = prng.next();
        const params: AVSParams = {
          slasher: c.slasher,
          vetoCommittee: c.vetoCommittee,
          vetoWindow:
            c.vetoCommittee === ZERO
              ? 0n
              : r < 0.05
                ? MAX_VETO_WINDOW + 1n
                : prng.pick([HOUR, 12n * HOUR, DAY, MAX_VETO_WINDOW]),
          maxSlashWad: r > 0.95 ? 0n : prng.pick([10n, 20n, 30n, 50n, 75n, 100n]) * PERCENT,
          recipient: c.recipient,
          registrar: c.registrar,
          assets: prng.chance(0.8) ? model.sm.acceptedAssets(avs) : prng.subset(this.assets),
        };
        return () => this.updateAVSConfig(this.avsAdmins[index], params);
      }
      case "applyAVSConfig": {
        const avs = prng.pick(model.sm.avsList());
        return () => this.applyAVSConfig(avs);
      }
      case "registration": {
        const operator = prng.pick(this.operators);
        const avs = prng.pick(model.sm.avsList());
        const registered = model.sm.isRegistered(avs, operator.address);
        const register = prng.chance(0.1) ? registered : !registered;
        return () => this.registration(operator, avs, register);
      }
    }
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
      .slice(-12)
      .map((h, i, all) => `  ${this.history.length - all.length + i}: ${h}`);
    return `model walk failed: seed ${this.seed}, step ${this.history.length - 1} (${this.history.at(-1) ?? "start"})\nlast steps:\n${tail.join("\n")}`;
  }
}
