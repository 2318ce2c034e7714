/**
 * Rewards in the property-based model test (issue #12, invariant 7 of docs/invariants.md): the reward model of the
 * reward suites (test/helpers/rewardModel.ts, the same BigInt model RewardDistributorScenarios.test.ts runs), fed
 * with every change of active shares the protocol model makes, and compared with the RewardDistributor after EVERY
 * step of the driver.
 *
 * Feeding. The vault calls the distributor's hook before every change of a staker's active shares; the protocol
 * model (test/model/vaultModel.ts) knows each staker's operator and shares after every step. After every step
 * (`afterStep`, from PropertyDriver.afterCheck) the tracker brings the reward model to the vault model at the step's
 * block time: an operator change is an undelegation (every held asset queued) then a delegation (the undelegated
 * pool's shares moved as they now stand), and every other difference of shares is a mint or a queue. Every step is one
 * block, so the changes are fed at the time the contract saw them; a step whose transaction changes one staker's
 * shares in one pool twice (none of the commands does) would be fed as one change. The reward model's active shares
 * of every pool are then compared with the vault model's `totalShares - queuedShares`, exactly (a missed change shows
 * at once).
 *
 * Checks after every step (in the step's batched read, from the first reward or admin command of a sequence on: before
 * it nothing is funded, nothing paused, so every figure is 0 by construction):
 *   - pendingRewards(staker, token) of every staker the vault model knows (walkers, operators, the LRT's nodes) in
 *     every listed reward token, within the rounding allowance of rewardsDriver.ts: 2 wei per settlement of the staker
 *     (each share change in a pool and each claim per pool it holds), as docs/invariants.md §7 states (a staker's
 *     pending rounds down against a debt rounded up);
 *   - pendingCommission(operator, token) exactly; registry.commissionBps(operator) exactly (the queued change applies
 *     from its effectAt);
 *   - poolStreams of every pool with a stream: token, periodFinish, lastUpdate exactly, the rate while it runs exactly,
 *     the reward per share within the allowance of rewardsDriver.ts (rpsTolerance);
 *   - invariant 7 on the chain's own figures, per token: claimed + Σ pendingRewards + Σ pendingCommission <= funded;
 *     (claimed + claimable) * 1e18 + what is left to stream (rate * time to each stream's end) <= funded * 1e18; the
 *     distributor's balance >= claimable;
 *   - every account's balance of each reward token equals what the claims paid it (and the funders' what they paid).
 * Every claim pays what the model says within the same allowance; every commission claim exactly.
 *
 * rETH, a core asset and an LRT asset, is a third reward token (unlisted until a command lists it; the LRT then counts
 * and harvests its nodes' rETH rewards: lrtDriver.ts applyHarvest, PropertyDriver.harvestClaims). The core model
 * already checks every balance of a core asset of the accounts it tracks (walkers, operators, nodes, the LRT's users,
 * manager and treasury; protocolDriver.ts): a reward funded or paid in rETH by or to one of those moves the core model's
 * wallet (useCore), and only the other accounts' (the funders') rETH wallets are this tracker's, so that each balance
 * has one owner and every balance is still checked.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Signer } from "ethers";

import { RATE_SCALE, RewardModel } from "../helpers/rewardModel";
import { ROUNDING, rpsTolerance } from "../helpers/rewardsDriver";
import { deployMockToken } from "../helpers/rewardsFixtures";
import { fundedWallet, ZERO } from "../helpers/slashingFixtures";
import type { LRTOracle, MockERC20 } from "../../typechain-types";
import { deployOracle, deployRateAdapter } from "../../sdk/oracle";
import { type Batch, type Slot, big, field, items, str } from "./batchReader";
import type { VaultModel } from "./vaultModel";
import type { ProtocolModel } from "./protocolModel";
import type { LRTModelFixture } from "./lrtDriver";
import { PAUSE_TARGETS, type PausableTarget } from "./adminState";

/**
 * The reward tokens the property test deploys: RWA listed at the opening with MIN_FUNDING, RWB left for the commands.
 * A third reward token is the LRT's asset rETH (RewardChain.addresses[2]), unlisted until a command lists it.
 */
export const REWARD_SYMBOLS = ["RWA", "RWB"] as const;
/** The index of rETH among RewardChain's tokens. */
export const RETH_TOKEN = 2;
/** RWA's minimum funding at the opening (a funding of 1 wei less reverts FundingTooSmall). */
export const MIN_FUNDING = 10n ** 12n;
/** What each funder holds of each reward token (a "large" funding is 1e24). */
export const FUNDER_FUNDS = 10n ** 30n;

/** The chain side of the rewards, deployed once with the opening (shared by every copy of the driver). */
export interface RewardChain {
  /** RWA, RWB, then the core asset rETH (the LRT counts its nodes' rewards in it once listed: lrtDriver.ts). */
  tokens: MockERC20[];
  addresses: string[];
  /** The AVS admins X, Y, Z and the outsider: each holds FUNDER_FUNDS of every reward token, distributor approved. */
  funders: Array<Signer & { address: string }>;
  /** Holds PAUSER_ROLE (only) on the registry, the slashing manager, the distributor, the vault, the LRT manager and
   * the LRTOracle. */
  pauser: Signer & { address: string };
  /**
   * An LRTOracle (sdk/oracle.ts deployOracle) listing stETH through its identity adapter, no minimum update interval:
   * the admin commands pause its GROUP_UPDATES and call its updatePrice. The LRT of this test reads a MockLRTOracle
   * (its prices move by the oraclePrice command); this one stands beside it, so that its pause group is exercised.
   */
  oracle: LRTOracle;
  /** The price it stores for stETH (the identity adapter's: every update stores it again). */
  oraclePrice: bigint;
  /** A second treasury and rewards receiver of the LRT (setConfig switches between it and the fixture's treasury). */
  treasury2: Signer & { address: string };
}

/** Deploys the reward tokens, lists RWA, funds and approves the funders, appoints the pauser. */
export async function setUpRewards(f: LRTModelFixture): Promise<RewardChain> {
  const rd = f.rewardDistributor;
  const rdAddress = await rd.getAddress();
  const tokens: MockERC20[] = [];
  for (const symbol of REWARD_SYMBOLS) tokens.push(await deployMockToken(f.admin, symbol));
  tokens.push(f.rETH);
  const addresses = await Promise.all(tokens.map((t) => t.getAddress()));
  await (await rd.connect(f.admin).addRewardToken(addresses[0], MIN_FUNDING)).wait();
  const funders: Array<Signer & { address: string }> = [f.avs, f.avs2, f.avs3, f.outsider];
  for (const token of tokens) {
    for (const funder of funders) {
      // every funder holds FUNDER_FUNDS of each token (the tracker starts from that; the AVS admins hold no rETH)
      await (await token.mint(funder.address, FUNDER_FUNDS - (await token.balanceOf(funder.address)))).wait();
      await (await token.connect(funder).approve(rdAddress, ethers.MaxUint256)).wait();
    }
  }
  const pauser = await fundedWallet("property test: pauser");
  const adapter = await deployRateAdapter(f.admin, "identity", f.stETHAddress);
  const { oracle } = await deployOracle(f.admin, {
    assets: [{ asset: f.stETHAddress, adapter, maxAge: 86_400n, maxMoveBps: 100n }],
  });
  const oraclePrice = (await oracle.assetConfig(f.stETHAddress)).price;
  for (const c of [f.registry, f.sm, rd, f.vault, f.manager, oracle]) {
    await (await c.connect(f.admin).grantRole(await c.PAUSER_ROLE(), pauser.address)).wait();
  }
  const [, , hook] = await f.vault.modules();
  expect(hook, "the vault's rewards hook is the distributor").to.equal(rdAddress);
  const treasury2 = await fundedWallet("property test: treasury 2");
  return { tokens, addresses, funders, pauser, oracle, oraclePrice, treasury2 };
}

/** What the tracker needs of the driver at a step. */
export interface StepContext {
  vault: VaultModel;
  /** The withdrawal delay in force (the queue time of a queued withdrawal is its readyAt less this). */
  delay: bigint;
  /** The step's block time. */
  t: bigint;
  operators: string[];
  assets: string[];
  f: LRTModelFixture;
  /** pausedGroups() the book expects of the registry, the slashing manager, the distributor, the vault, the LRT manager
   * and the LRTOracle. */
  paused: Readonly<Record<PausableTarget, bigint>>;
  name: (address: string) => string;
}

/** A stream of a pool as poolStreams returns it. */
interface StreamView {
  token: string;
  rate: bigint;
  periodFinish: bigint;
  lastUpdate: bigint;
  rewardPerShare: bigint;
}

/** The reward views of one step, added to the step's batch (RewardTracker.check). */
interface RewardReads {
  pending: Slot<bigint>[][];
  commission: Slot<bigint>[][];
  bps: Slot<bigint>[];
  pools: Array<{ op: string; a: string; slot: Slot<StreamView[]> }>;
  holders: string[];
  balances: Slot<bigint>[];
  held: Slot<bigint>[];
  paused: Slot<bigint>[];
  stakers: string[];
  tokens: string[];
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

/** The reward model and what the checks count, per sequence (copied with the driver by cloneState). */
export class RewardTracker {
  readonly model: RewardModel;
  readonly chain: RewardChain;
  /** Reward tokens listed on the distributor, in listing order. */
  readonly listed: string[] = [];
  /** Listed tokens whose funding is disabled (setRewardTokenEnabled(token, false)). */
  readonly disabled = new Set<string>();
  /** Paid out per token (RewardsClaimed and CommissionClaimed events). */
  readonly claimed = new Map<string, bigint>();
  /** Each account's balance of each reward token ("account|token"), as the fundings and claims moved it. */
  readonly wallets = new Map<string, bigint>();
  /** Settlements (share changes and claims, per pool) of each staker: the rounding allowance counts them. */
  readonly settlements = new Map<string, bigint>();
  /** The claimer each staker named (setClaimer; "staker" -> claimer, checksummed; absent = none, as address(0)). */
  readonly claimers = new Map<string, string>();
  /** Set by the first reward or admin command of the sequence: from then on every step reads the distributor. */
  active = false;
  /** The largest |chain - model| of a pending amount or a claim seen (wei). */
  maxGapWei = 0n;
  /**
   * The core model's wallets (protocolDriver.ts checks every tracked account's balance of every core asset): a reward
   * paid or funded in a core asset (rETH) by or to one of those accounts moves the core model's wallet, not this
   * tracker's, so that each balance has one check (useCore). The other accounts' (the funders') stay here.
   */
  private core: { model: ProtocolModel; accounts: Set<string>; assets: Set<string> } | undefined;

  constructor(chain: RewardChain, assets: string[], commissions: Array<[string, bigint]>) {
    this.chain = chain;
    this.model = new RewardModel(assets);
    this.model.addRewardToken(chain.addresses[0], MIN_FUNDING);
    this.listed.push(ethers.getAddress(chain.addresses[0]));
    for (const [op, bps] of commissions) this.model.registerOperator(op, bps);
    for (const token of chain.addresses) {
      for (const funder of chain.funders) this.wallets.set(this.key(funder.address, token), FUNDER_FUNDS);
    }
  }

  /** Hands the balances of the core model's accounts in core assets to the core model (see `core`). */
  useCore(model: ProtocolModel, accounts: string[], assets: string[]): void {
    const core = {
      model,
      accounts: new Set(accounts.map((a) => ethers.getAddress(a))),
      assets: new Set(assets.map((a) => ethers.getAddress(a))),
    };
    for (const k of this.wallets.keys()) {
      const [account, token] = k.split("|");
      if (core.accounts.has(account) && core.assets.has(token))
        throw new Error(`reward tracker: ${account}'s balance of ${token} is the core model's`);
    }
    this.core = core;
  }

  key(account: string, token: string): string {
    return `${ethers.getAddress(account)}|${ethers.getAddress(token)}`;
  }

  /** setClaimer(claimer) by `staker`: address(0) removes the claimer. */
  setClaimer(staker: string, claimer: string): void {
    if (claimer === ethers.ZeroAddress) this.claimers.delete(ethers.getAddress(staker));
    else this.claimers.set(ethers.getAddress(staker), ethers.getAddress(claimer));
  }

  /** Whether `caller` may claimFor `staker` (RewardDistributor.claimFor: the staker's claimer, never address(0)). */
  isClaimerOf(caller: string, staker: string): boolean {
    return this.claimers.get(ethers.getAddress(staker)) === ethers.getAddress(caller);
  }

  isListed(token: string): boolean {
    return this.listed.includes(ethers.getAddress(token));
  }

  wallet(account: string, token: string): bigint {
    return this.wallets.get(this.key(account, token)) ?? 0n;
  }

  addWallet(account: string, token: string, amount: bigint): void {
    const core = this.core;
    if (core?.accounts.has(ethers.getAddress(account)) && core.assets.has(ethers.getAddress(token))) {
      core.model.setWallet(account, token, core.model.wallet(account, token) + amount);
      return;
    }
    const k = this.key(account, token);
    this.wallets.set(k, (this.wallets.get(k) ?? 0n) + amount);
  }

  addClaimed(token: string, amount: bigint): void {
    const k = ethers.getAddress(token);
    this.claimed.set(k, (this.claimed.get(k) ?? 0n) + amount);
  }

  settled(staker: string, pools: number): void {
    const k = ethers.getAddress(staker);
    this.settlements.set(k, (this.settlements.get(k) ?? 0n) + BigInt(pools));
  }

  /** The rounding allowance of `staker`'s pending or claimed amount in one token (rewardsDriver.ts). */
  tolerance(staker: string): bigint {
    return ROUNDING.weiPerSettlement * (this.settlements.get(ethers.getAddress(staker)) ?? 0n);
  }

  /**
   * Brings the reward model to the vault model at the step's time, and adds the step's reward views to `batch` (the
   * driver's read of the step: one eth_call, one block); returns the check (see the file header) to run on its result.
   */
  afterStep(
    c: StepContext,
    batch: Batch,
  ): { check: () => void; pending: (staker: string, token: string) => bigint } {
    this.sync(c);
    if (!this.active) return { check: () => undefined, pending: () => 0n };
    return this.check(c, batch);
  }

  /** The stakers whose rewards are compared: every staker the vault model knows, and the operators. */
  stakers(c: StepContext): string[] {
    return [...new Set([...c.operators, ...c.vault.stakers].map((a) => ethers.getAddress(a)))];
  }

  private sync(c: StepContext): void {
    const m = this.model;
    for (const s of this.stakers(c)) {
      const vOp = c.vault.operatorOf(s);
      const rOp = m.operatorOf(s);
      if (ethers.getAddress(vOp) !== ethers.getAddress(rOp)) {
        if (rOp !== ZERO) {
          this.settled(s, m.heldAssets(s).length);
          m.undelegate(s, c.t, c.delay);
        }
        if (vOp !== ZERO) {
          const minted = new Map(m.heldAssets(s).map((a) => [a, c.vault.sharesOf(s, a)] as [string, bigint]));
          this.settled(s, minted.size);
          m.delegate(s, vOp, minted, c.t);
        }
      }
      for (const a of c.assets) {
        const v = c.vault.sharesOf(s, a);
        const r = m.sharesOf(s, a);
        if (v > r) m.deposit(s, a, v - r, c.t);
        else if (v < r) m.queueWithdrawal(s, a, r - v, c.t, c.delay);
        if (v !== r) this.settled(s, 1);
      }
    }
    const mismatches: string[] = [];
    // poolEntries, not pool(): reading must not add pools to the vault model
    const active = new Map(
      c.vault
        .poolEntries()
        .map(([o, a, p]) => [
          `${ethers.getAddress(o)}|${ethers.getAddress(a)}`,
          p.totalShares - p.queuedShares,
        ]),
    );
    for (const op of c.operators) {
      for (const a of c.assets) {
        const vActive = active.get(`${ethers.getAddress(op)}|${ethers.getAddress(a)}`) ?? 0n;
        if (m.activeShares(op, a) !== vActive) {
          mismatches.push(
            `active shares of (${c.name(op)}, ${c.name(a)}): rewards ${m.activeShares(op, a)}, vault ${vActive}`,
          );
        }
      }
    }
    expect(mismatches, "the reward model's shares follow the vault model").to.deep.equal([]);
  }

  private check(
    c: StepContext,
    batch: Batch,
  ): { check: () => void; pending: (staker: string, token: string) => bigint } {
    const { f, t } = c;
    const rd = f.rewardDistributor;
    const rdAddress = rd.target as string;
    const RD = rd.interface;
    const stakers = this.stakers(c);
    const tokens = this.listed;
    const pending = tokens.map((token) =>
      stakers.map((s) => batch.add(rdAddress, RD, "pendingRewards", [s, token], (r) => big(r[0]))),
    );
    const commission = tokens.map((token) =>
      c.operators.map((op) => batch.add(rdAddress, RD, "pendingCommission", [op, token], (r) => big(r[0]))),
    );
    const bps = c.operators.map((op) =>
      batch.add(f.registryAddress, f.registry.interface, "commissionBps", [op], (r) => big(r[0])),
    );
    const pools = c.operators.flatMap((op) =>
      c.assets
        .filter((a) => this.model.poolStreams(op, a, t).length !== 0)
        .map((a) => ({
          op,
          a,
          slot: batch.add(rdAddress, RD, "poolStreams", [op, a], (r) =>
            items(r[0]).map((v) => ({
              token: str(field(v, "token")),
              rate: big(field(v, "rate")),
              periodFinish: big(field(v, "periodFinish")),
              rewardPerShare: big(field(v, "rewardPerShare")),
              lastUpdate: big(field(v, "lastUpdate")),
            })),
          ),
        })),
    );
    const holders = [...this.wallets.keys()];
    const ERC20 = this.chain.tokens[0].interface;
    const balances = holders.map((k) => {
      const [account, token] = k.split("|");
      return batch.add(token, ERC20, "balanceOf", [account], (r) => big(r[0]));
    });
    const held = this.chain.addresses.map((token) =>
      batch.add(token, ERC20, "balanceOf", [rdAddress], (r) => big(r[0])),
    );
    const paused = PAUSE_TARGETS.map((k) => {
      const target = {
        registry: f.registry,
        sm: f.sm,
        rd,
        vault: f.vault,
        lrt: f.manager,
        oracle: this.chain.oracle,
      }[k];
      return batch.add(target.target as string, target.interface, "pausedGroups", [], (r) => big(r[0]));
    });
    // the step's pendingRewards of a staker in a listed token (0 for an unlisted one: nothing is owed in it)
    const lookup = (staker: string, token: string): bigint => {
      const [i, k] = [stakers.indexOf(ethers.getAddress(staker)), tokens.indexOf(ethers.getAddress(token))];
      if (k < 0) return 0n;
      if (i < 0) throw new Error(`reward tracker: ${staker} is not read`);
      return pending[k][i].value;
    };
    return {
      check: () =>
        this.compare(c, {
          pending,
          commission,
          bps,
          pools,
          holders,
          balances,
          held,
          paused,
          stakers,
          tokens,
        }),
      pending: lookup,
    };
  }

  private compare(c: StepContext, r: RewardReads): void {
    const { t } = c;
    const { pending, commission, bps, pools, holders, balances, held, paused, stakers, tokens } = r;
    const where = `rewards at ${t}`;
    expect(
      paused.map((p) => p.value),
      `${where}: pausedGroups() of the registry, the slashing manager, the distributor, the vault, the LRT manager, the LRTOracle`,
    ).to.deep.equal(PAUSE_TARGETS.map((k) => c.paused[k]));
    c.operators.forEach((op, i) =>
      expect(bps[i].value, `${where}: commissionBps(${c.name(op)})`).to.equal(
        this.model.commissionBps(op, t),
      ),
    );
    for (const p of pools) {
      const expected = this.model.poolStreams(p.op, p.a, t);
      const actual = p.slot.value;
      const label = `${where}: streams of (${c.name(p.op)}, ${c.name(p.a)})`;
      expect(
        actual.map((v) => [v.token, v.periodFinish, v.lastUpdate]),
        label,
      ).to.deep.equal(expected.map((v) => [v.token, v.periodFinish, v.lastUpdate]));
      expected.forEach((v, j) => {
        if (v.periodFinish > t) expect(actual[j].rate, `${label}: rate of ${v.token}`).to.equal(v.rate);
        expect(
          abs(actual[j].rewardPerShare - v.rewardPerShare),
          `${label}: rewardPerShare (chain ${actual[j].rewardPerShare}, model ${v.rewardPerShare})`,
        ).to.be.lte(rpsTolerance(this.model, p.op, p.a, v.token));
      });
    }
    holders.forEach((k, i) => {
      const [account, token] = k.split("|");
      expect(balances[i].value, `${where}: ${c.name(account)}'s balance of ${token}`).to.equal(
        this.wallets.get(k),
      );
    });
    tokens.forEach((token, k) => {
      let owed = 0n;
      stakers.forEach((s, i) => {
        const chain = pending[k][i].value;
        const model = this.model.pendingRewards(s, token, t);
        const gap = abs(chain - model);
        if (gap > this.maxGapWei) this.maxGapWei = gap;
        expect(
          gap,
          `${where}: pendingRewards(${c.name(s)}, ${token}): chain ${chain}, model ${model}`,
        ).to.be.lte(this.tolerance(s));
        owed += chain;
      });
      c.operators.forEach((op, i) => {
        expect(commission[k][i].value, `${where}: pendingCommission(${c.name(op)}, ${token})`).to.equal(
          this.model.pendingCommission(op, token),
        );
        owed += commission[k][i].value;
      });
      // invariant 7 on the chain's figures
      const funded = this.model.funded.get(token) ?? 0n;
      const claimed = this.claimed.get(token) ?? 0n;
      expect(claimed + owed, `${where}: claimed + claimable <= funded (${token})`).to.be.lte(funded);
      let unstreamed = 0n;
      for (const op of c.operators) {
        for (const a of c.assets) unstreamed += this.model.unstreamedScaled(op, a, token, t);
      }
      expect(
        (claimed + owed) * RATE_SCALE + unstreamed,
        `${where}: claimed + claimable + left to stream <= funded (${token})`,
      ).to.be.lte(funded * RATE_SCALE);
      const i = this.chain.addresses.findIndex((x) => ethers.getAddress(x) === token);
      expect(held[i].value, `${where}: the distributor holds what is claimable (${token})`).to.be.gte(owed);
      expect(held[i].value, `${where}: the distributor holds funded - claimed (${token})`).to.equal(
        funded - claimed,
      );
    });
  }
}
