/**
 * A multi-staker scenario over 2 operators and 3 assets: deposits, delegations, partial queues, completions as
 * tokens and as shares (each with the exact minimum it pays), undelegation by the operator and by the approver,
 * redelegation, slash requests (two on one pool, one vetoed and one executed; one executed in full; one worth nothing),
 * changes of the withdrawal delay, and time travel. After EVERY step the chain is compared with an independent BigInt
 * model (test/helpers/model.ts), including `latestReadyAt()`, and the invariants 1, 2 and 3 are checked
 * (test/helpers/invariants.ts); every queued withdrawal is checked against invariant 6 right after it is queued.
 *
 * While a slash request is pending on a pool (docs/slashing.md), the pool takes no new shares (entering at the net
 * price and then sharing a veto's returned value would pay the entrant for a risk it never bore) and pays no exit
 * (an exit priced net of a request that is later vetoed would leave its reserved part to those who stayed): the model
 * refuses such an action, and the scenario has explicit steps that expect the chain to revert PoolSlashPending with
 * the model's arguments (the number of pending requests) and change nothing. A withdrawal's readyAt is fixed when it is
 * queued (docs/staking.md): the model keeps it, and a later change of the delay moves only later withdrawals.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionReceipt, ContractTransactionResponse, Result } from "ethers";

import {
  DAY,
  DEFAULT_WITHDRAWAL_DELAY,
  MIN_WITHDRAWAL_DELAY,
  WAD,
  slashingFixture,
  type SlashingFixture,
} from "../helpers/fixtures";
import { InvariantChecker } from "../helpers/invariants";
import { VaultModel, expectModelRefusal } from "../helpers/model";
import { NO_SIGNATURE, ZERO_SALT, salt, signDelegationApproval } from "../helpers/signatures";
import type { IOperatorRegistryTypes } from "../../typechain-types/contracts/core/OperatorRegistry";

const ZERO = ethers.ZeroAddress;

/** Drives the vault, the model and the invariant checker in lockstep. */
class Scenario {
  readonly model: VaultModel;
  readonly inv: InvariantChecker;
  steps = 0;

  constructor(readonly f: SlashingFixture) {
    this.model = new VaultModel(f.assetAddresses);
    const everyone = [...f.stakers, f.operator1, f.operator2].map((s) => s.address);
    this.inv = new InvariantChecker(f.vault, f.tokens, everyone, [f.operator1.address, f.operator2.address]);
    // operators are stakers delegated to themselves
    this.model.delegate(f.operator1.address, f.operator1.address);
    this.model.delegate(f.operator2.address, f.operator2.address);
  }

  /** Pins the next block's timestamp, then sends: the transaction must not be built before the pin. */
  private async send(
    sendTx: () => Promise<ContractTransactionResponse>,
  ): Promise<{ receipt: ContractTransactionReceipt; timestamp: bigint }> {
    const timestamp = BigInt(await time.latest()) + 12n;
    await time.setNextBlockTimestamp(timestamp);
    const receipt = await (await sendTx()).wait();
    if (receipt === null) throw new Error("no receipt");
    return { receipt, timestamp };
  }

  private events(receipt: ContractTransactionReceipt, name: string): Result[] {
    const out: Result[] = [];
    for (const log of receipt.logs) {
      if (log.address !== this.f.vaultAddress && log.address !== this.f.registryAddress) continue;
      const iface = log.address === this.f.vaultAddress ? this.f.vault.interface : this.f.registry.interface;
      const parsed = iface.parseLog(log);
      if (parsed !== null && parsed.name === name) out.push(parsed.args);
    }
    return out;
  }

  /**
   * Ends every step: the chain equals the model and invariants 1, 2, 3 hold; `latestReadyAt()` equals the model's
   * (max(now + delay, the horizon of earlier, longer delays)) and is no earlier than any queued withdrawal's readyAt.
   */
  private async check(): Promise<void> {
    const state = await this.inv.readState();
    this.model.assertState(state);
    await this.inv.checkAll(state);
    const now = BigInt(await time.latest());
    const latest = await this.f.vault.latestReadyAt();
    expect(latest, "latestReadyAt").to.equal(this.model.latestReadyAt(now));
    for (const [id, w] of this.model.withdrawals) {
      expect(w.readyAt, `readyAt of ${id} <= latestReadyAt`).to.be.lte(latest);
    }
    this.steps++;
  }

  async deposit(staker: HardhatEthersSigner, assetIndex: number, amount: bigint): Promise<void> {
    const token = this.f.tokens[assetIndex];
    const asset = this.f.assetAddresses[assetIndex];
    const before = await token.balanceOf(staker.address);
    const minted = this.model.deposit(staker.address, asset, amount);
    const { receipt } = await this.send(() => this.f.vault.connect(staker).deposit(asset, amount, minted));
    const paid = before - (await token.balanceOf(staker.address));
    expect(paid).to.equal(amount);
    expect(this.events(receipt, "Deposited").map((e) => [...e])).to.deep.equal([
      [staker.address, this.model.operatorOf(staker.address), asset, amount, minted],
    ]);
    this.inv.recordDeposit(staker.address, asset, paid);
    await this.check();
  }

  async delegate(
    staker: HardhatEthersSigner,
    operator: HardhatEthersSigner,
    signature: IOperatorRegistryTypes.ApproverSignatureStruct = NO_SIGNATURE,
    approverSalt: string = ZERO_SALT,
  ): Promise<void> {
    const moves = this.model.delegate(staker.address, operator.address);
    const { receipt } = await this.send(() =>
      this.f.registry.connect(staker).delegateTo(operator.address, signature, approverSalt),
    );
    expect(this.events(receipt, "SharesMoved").map((e) => [...e])).to.deep.equal(
      moves.map((m) => [
        staker.address,
        m.asset,
        ZERO,
        operator.address,
        m.sharesBurned,
        m.assets,
        m.sharesMinted,
      ]),
    );
    await this.check();
  }

  /** Queues `shares` (or, when `fraction` is given, that fraction of the position) and checks invariant 6. */
  async queue(staker: HardhatEthersSigner, assetIndex: number, shares: bigint): Promise<bigint> {
    const asset = this.f.assetAddresses[assetIndex];
    const { receipt, timestamp } = await this.send(() =>
      this.f.vault.connect(staker).queueWithdrawal(asset, shares),
    );
    const operator = this.model.operatorOf(staker.address);
    const id = this.model.queue(staker.address, asset, shares, timestamp);
    const readyAt = this.readyAt(id);
    expect(readyAt).to.equal(timestamp + this.model.withdrawalDelay);
    expect(this.events(receipt, "WithdrawalQueued").map((e) => [...e])).to.deep.equal([
      [id, staker.address, operator, asset, shares, timestamp, readyAt],
    ]);
    this.inv.addWithdrawals([id]);
    await this.inv.assertNotCompletableBeforeDelay(id, staker, readyAt);
    await this.check();
    return id;
  }

  async undelegate(staker: HardhatEthersSigner, caller: HardhatEthersSigner): Promise<bigint[]> {
    const operator = this.model.operatorOf(staker.address);
    const { receipt, timestamp } = await this.send(() =>
      this.f.registry.connect(caller).undelegate(staker.address),
    );
    const ids = this.model.undelegate(staker.address, timestamp);
    expect(this.events(receipt, "StakerUndelegated").map((e) => [e[0], e[1], e[2], [...e[3]]])).to.deep.equal(
      [[staker.address, operator, caller.address, ids]],
    );
    this.expectQueued(receipt, ids);
    this.inv.addWithdrawals(ids);
    for (const id of ids) await this.inv.assertNotCompletableBeforeDelay(id, staker, this.readyAt(id));
    await this.check();
    return ids;
  }

  async redelegate(
    staker: HardhatEthersSigner,
    operator: HardhatEthersSigner,
    signature: IOperatorRegistryTypes.ApproverSignatureStruct,
    approverSalt: string,
  ): Promise<bigint[]> {
    const { receipt, timestamp } = await this.send(() =>
      this.f.registry.connect(staker).redelegate(operator.address, signature, approverSalt),
    );
    const ids = this.model.undelegate(staker.address, timestamp);
    expect(this.model.delegate(staker.address, operator.address)).to.deep.equal([]);
    expect(this.events(receipt, "StakerUndelegated").map((e) => [...e[3]])).to.deep.equal([ids]);
    expect(this.events(receipt, "Delegated").map((e) => [...e])).to.deep.equal([
      [staker.address, operator.address],
    ]);
    this.expectQueued(receipt, ids);
    this.inv.addWithdrawals(ids);
    for (const id of ids) await this.inv.assertNotCompletableBeforeDelay(id, staker, this.readyAt(id));
    await this.check();
    return ids;
  }

  /** The model's readyAt of withdrawal `id`. */
  readyAt(id: bigint): bigint {
    const w = this.model.withdrawals.get(id);
    if (w === undefined) throw new Error(`unknown withdrawal ${id}`);
    return w.readyAt;
  }

  /** The WithdrawalQueued events of `receipt` are exactly those of the model's withdrawals `ids`. */
  private expectQueued(receipt: ContractTransactionReceipt, ids: bigint[]): void {
    expect(this.events(receipt, "WithdrawalQueued").map((e) => [...e])).to.deep.equal(
      ids.map((id) => {
        const w = this.model.withdrawals.get(id);
        if (w === undefined) throw new Error(`unknown withdrawal ${id}`);
        return [id, w.staker, w.operator, w.asset, w.shares, w.startTime, w.readyAt];
      }),
    );
  }

  /**
   * Completes withdrawal `id` with minAssets = exactly what the model says it pays (the boundary that must pass), and
   * checks the event, the tokens received and the whole state.
   */
  async complete(id: bigint, asTokens: boolean, caller: HardhatEthersSigner): Promise<void> {
    const w = this.model.withdrawals.get(id);
    if (w === undefined) throw new Error(`unknown withdrawal ${id}`);
    const token = this.f.tokens[this.f.assetAddresses.indexOf(w.asset)];
    const before = await token.balanceOf(caller.address);
    const minAssets = this.model.completionValue(id);
    const c = this.model.complete(id, asTokens, minAssets);
    expect(c.assets).to.equal(minAssets);
    const { receipt, timestamp } = await this.send(() =>
      this.f.vault.connect(caller).completeWithdrawal(id, asTokens, minAssets),
    );
    expect(timestamp, "completed at or after its readyAt").to.be.gte(w.readyAt);
    const received = (await token.balanceOf(caller.address)) - before;
    const receiver = asTokens ? caller.address : w.staker;
    expect(this.events(receipt, "WithdrawalCompleted").map((e) => [...e])).to.deep.equal([
      [
        id,
        w.staker,
        receiver,
        w.operator,
        w.asset,
        w.shares,
        c.assets,
        asTokens,
        c.newOperator,
        c.sharesMinted,
      ],
    ]);
    expect(received).to.equal(asTokens ? c.assets : 0n);
    if (asTokens) this.inv.recordWithdrawal(w.staker, w.asset, received);
    this.inv.removeWithdrawal(id);
    await this.check();
  }

  async reserve(
    operator: HardhatEthersSigner,
    assetIndex: number,
    magnitude: bigint,
    free: bigint,
  ): Promise<bigint> {
    const asset = this.f.assetAddresses[assetIndex];
    const amount = this.model.reserve(operator.address, asset, magnitude, free);
    const { receipt } = await this.send(() =>
      this.f.slasher.reserveSlash(operator.address, asset, magnitude, free),
    );
    const p = this.model.pool(operator.address, asset);
    // a reservation worth nothing changes nothing and says nothing
    expect(this.events(receipt, "SlashReserved").map((e) => [...e])).to.deep.equal(
      amount === 0n ? [] : [[operator.address, asset, amount, p.pendingSlash, p.pendingRequests]],
    );
    await this.check();
    return amount;
  }

  /** A request is vetoed or cancelled: its reservation goes back to the pool and it is no longer counted. */
  async release(operator: HardhatEthersSigner, assetIndex: number, amount: bigint): Promise<void> {
    const asset = this.f.assetAddresses[assetIndex];
    this.model.release(operator.address, asset, amount);
    const { receipt } = await this.send(() => this.f.slasher.releaseSlash(operator.address, asset, amount));
    const p = this.model.pool(operator.address, asset);
    expect(this.events(receipt, "SlashReleased").map((e) => [...e])).to.deep.equal([
      [operator.address, asset, amount, p.pendingSlash, p.pendingRequests],
    ]);
    await this.check();
  }

  async execute(operator: HardhatEthersSigner, assetIndex: number, amount: bigint): Promise<void> {
    const asset = this.f.assetAddresses[assetIndex];
    const token = this.f.tokens[assetIndex];
    const before = await token.balanceOf(this.f.slasherAddress);
    this.model.execute(operator.address, asset, amount);
    const { receipt } = await this.send(() => this.f.slasher.executeSlash(operator.address, asset, amount));
    expect((await token.balanceOf(this.f.slasherAddress)) - before).to.equal(amount);
    const p = this.model.pool(operator.address, asset);
    expect(this.events(receipt, "Slashed").map((e) => [...e])).to.deep.equal([
      [operator.address, asset, amount, p.totalAssets, p.pendingRequests, p.fullySlashed],
    ]);
    await this.check();
  }

  /**
   * The admin changes the withdrawal delay: only withdrawals queued from now on wait the new delay; latestReadyAt()
   * keeps the old horizon (this block + the old delay) until it passes. Returns the block's timestamp.
   */
  async setWithdrawalDelay(delay: bigint): Promise<bigint> {
    const { timestamp } = await this.send(() => this.f.vault.connect(this.f.admin).setWithdrawalDelay(delay));
    this.model.setWithdrawalDelay(delay, timestamp);
    expect(await this.f.vault.withdrawalDelay()).to.equal(delay);
    await this.check();
    return timestamp;
  }

  /**
   * An action that the model refuses (a pool with a pending request takes no new shares and pays no exit; a
   * completion below its minimum): the chain must revert with the model's custom error and arguments (for
   * PoolSlashPending: operator, asset, pendingRequests) and change nothing. Returns the error's name and arguments.
   */
  private async refused(
    model: () => unknown,
    chain: () => Promise<ContractTransactionResponse>,
  ): Promise<Array<string | bigint>> {
    const expected = expectModelRefusal(model);
    await expect(chain())
      .to.be.revertedWithCustomError(this.f.vault, expected.error)
      .withArgs(...expected.errorArgs);
    await this.check();
    return [expected.error, ...expected.errorArgs];
  }

  async depositRefused(
    staker: HardhatEthersSigner,
    assetIndex: number,
    amount: bigint,
  ): Promise<Array<string | bigint>> {
    const asset = this.f.assetAddresses[assetIndex];
    return this.refused(
      () => this.model.deposit(staker.address, asset, amount),
      () => this.f.vault.connect(staker).deposit(asset, amount, 0n),
    );
  }

  async delegateRefused(
    staker: HardhatEthersSigner,
    operator: HardhatEthersSigner,
  ): Promise<Array<string | bigint>> {
    return this.refused(
      () => this.model.delegate(staker.address, operator.address),
      () => this.f.registry.connect(staker).delegateTo(operator.address, NO_SIGNATURE, ZERO_SALT),
    );
  }

  /**
   * A completion the model refuses: out of a pool with a pending request (as tokens or as shares), as shares into one,
   * or below `minAssets`.
   */
  async completeRefused(
    id: bigint,
    caller: HardhatEthersSigner,
    asTokens: boolean,
    minAssets = 0n,
  ): Promise<Array<string | bigint>> {
    return this.refused(
      () => this.model.complete(id, asTokens, minAssets),
      () => this.f.vault.connect(caller).completeWithdrawal(id, asTokens, minAssets),
    );
  }

  async setWithdrawer(staker: HardhatEthersSigner, withdrawer: HardhatEthersSigner): Promise<void> {
    await this.send(() => this.f.vault.connect(staker).setWithdrawer(withdrawer.address));
    expect(await this.f.vault.withdrawerOf(staker.address)).to.equal(withdrawer.address);
    await this.check();
  }

  /** Sends tokens straight to the vault: no pool may change (the model is untouched), the balance exceeds the pools. */
  async donate(from: HardhatEthersSigner, assetIndex: number, amount: bigint): Promise<void> {
    await this.send(() => this.f.tokens[assetIndex].connect(from).transfer(this.f.vaultAddress, amount));
    this.inv.recordDonation(this.f.assetAddresses[assetIndex], amount);
    await this.check();
  }

  async advance(seconds: bigint): Promise<void> {
    await time.increase(seconds);
    await this.check();
  }

  /** The operator2 approver's signature for `staker`. */
  async approval(
    staker: HardhatEthersSigner,
    label: string,
  ): Promise<[IOperatorRegistryTypes.ApproverSignatureStruct, string]> {
    const s = salt(label);
    const sig = await signDelegationApproval(this.f.approver, this.f.registry, {
      staker: staker.address,
      operator: this.f.operator2.address,
      approver: this.f.approver.address,
      salt: s,
      expiry: BigInt(await time.latest()) + DAY,
    });
    return [sig, s];
  }
}

describe("Staking scenario (model-checked, invariants after every step)", function () {
  it("5 stakers, 2 operators, 3 assets: deposits, delegations, queues, completions, slashing, redelegation", async function () {
    const f = await loadFixture(slashingFixture);
    const { alice, bob, carol, dave, erin, operator1: op1, operator2: op2, approver, withdrawer } = f;
    const [STETH, RETH, CBETH] = [0, 1, 2];
    const sc = new Scenario(f);
    const sharesOf = (s: HardhatEthersSigner, a: number): bigint =>
      sc.model.sharesOf(s.address, f.assetAddresses[a]);

    // --- deposits and delegations
    await sc.deposit(alice, STETH, 100n * WAD);
    await sc.deposit(alice, RETH, 30n * WAD + 17n);
    await sc.delegate(bob, op1);
    await sc.deposit(bob, STETH, 50n * WAD + 1_234_567n);
    await sc.deposit(bob, CBETH, 20n * WAD);
    await sc.deposit(carol, STETH, 40n * WAD);
    await sc.deposit(carol, RETH, 15n * WAD);
    await sc.delegate(carol, op2, ...(await sc.approval(carol, "carol")));
    await sc.delegate(dave, op1);
    await sc.deposit(dave, RETH, 7n * WAD + 3n);
    await sc.deposit(erin, CBETH, 12n * WAD);
    await sc.delegate(alice, op1);

    // --- partial queues (shares that are not multiples of 1e6 leave rounding dust in the pools)
    const bobQueued = await sc.queue(bob, STETH, sharesOf(bob, STETH) / 3n);
    const carolQueued = await sc.queue(carol, RETH, 5n * WAD * 1_000_000n + 999_999n);
    const erinQueued = await sc.queue(erin, CBETH, sharesOf(erin, CBETH));
    await sc.advance(2n * DAY);

    // --- two slash requests on operator1's stETH: 10% of the pool, then 5% of what is left. Until both are resolved
    // the pool takes no new shares (entering at the net price and then sharing a veto's returned value would pay the
    // entrant for a risk it never bore) and pays no exit (an exit priced net of a request later vetoed would leave
    // its reserved part to those who stayed). The refusals carry the number of pending requests.
    const [stETH, rETH] = f.assetAddresses;
    const vetoed = await sc.reserve(op1, STETH, WAD / 10n, WAD);
    const executed = await sc.reserve(op1, STETH, 1n, 20n);
    expect(sc.model.pool(op1.address, stETH).pendingRequests).to.equal(2n);
    // a request worth nothing (operator2's cbETH pool is empty) reserves nothing and closes nothing
    expect(await sc.reserve(op2, CBETH, WAD, WAD)).to.equal(0n);
    const pending2 = ["PoolSlashPending", op1.address, stETH, 2n];
    expect(await sc.depositRefused(dave, STETH, 5n * WAD)).to.deep.equal(pending2);
    await sc.setWithdrawer(erin, withdrawer);
    await sc.advance(DEFAULT_WITHDRAWAL_DELAY - 2n * DAY);
    // bob's withdrawal is ready, but its pool has pending requests: it waits, as tokens and as shares
    expect(await sc.completeRefused(bobQueued, bob, false)).to.deep.equal(pending2);
    expect(await sc.completeRefused(bobQueued, bob, true)).to.deep.equal(pending2);
    // erin's cbETH left the undelegated pool, which no request touches
    await sc.complete(erinQueued, true, withdrawer);
    // the first request is vetoed (released); the second stays pending, so the pool stays closed
    await sc.release(op1, STETH, vetoed);
    const pending1 = ["PoolSlashPending", op1.address, stETH, 1n];
    expect(await sc.completeRefused(bobQueued, bob, true)).to.deep.equal(pending1);
    // erin deposits into the undelegated pool (never slashed, so always open), but cannot move it into operator1's
    const erinDeposit = 25n * WAD + 11n;
    await sc.deposit(erin, STETH, erinDeposit);
    expect(await sc.delegateRefused(erin, op1)).to.deep.equal(pending1);
    // the second is executed: the pool opens again. Bob's exit bears that slash pro rata and none of the vetoed one
    await sc.execute(op1, STETH, executed);
    const bobValue = sc.model.completionValue(bobQueued);
    expect(await sc.completeRefused(bobQueued, bob, true, bobValue + 1n)).to.deep.equal([
      "AssetsBelowMinimum",
      bobValue,
      bobValue + 1n,
    ]);
    await sc.complete(bobQueued, true, bob);
    // right after, erin enters at the post-slash rate and bears none of it
    await sc.delegate(erin, op1);
    const erinValue = sc.model.positionValue(erin.address, stETH);
    expect(erinValue).to.be.lte(erinDeposit);
    expect(erinDeposit - erinValue, "erin's value is what she deposited, to rounding").to.be.lte(2n);
    await sc.complete(carolQueued, false, carol);

    // --- the delay goes up to 10 days: withdrawals queued before keep their readyAt, later ones wait 10 days
    const carolEarly = await sc.queue(carol, STETH, sharesOf(carol, STETH) / 7n);
    const tenDays = 10n * DAY;
    await sc.setWithdrawalDelay(tenDays);

    // --- operator-initiated undelegation, redelegation with an approver signature
    const daveIds = await sc.undelegate(dave, op1);
    const aliceIds = await sc.redelegate(alice, op2, ...(await sc.approval(alice, "alice")));
    await sc.deposit(alice, CBETH, 3n * WAD);
    await sc.advance(DEFAULT_WITHDRAWAL_DELAY);
    // carol's withdrawal queued before the change is ready after 7 days; dave's, queued after it, is not
    await sc.complete(carolEarly, true, carol);
    await expect(f.vault.connect(dave).completeWithdrawal(daveIds[0], true, 0n))
      .to.be.revertedWithCustomError(f.vault, "WithdrawalNotReady")
      .withArgs(daveIds[0], sc.readyAt(daveIds[0]));
    await sc.advance(tenDays - DEFAULT_WITHDRAWAL_DELAY);
    for (const id of aliceIds) await sc.complete(id, false, alice);
    for (const id of daveIds) await sc.complete(id, true, dave);

    // --- and down to 4 days (the minimum): a withdrawal queued before still waits its 10 days, and latestReadyAt()
    // stays at the change's time + 10 days (past alice's readyAt) until then
    const aliceTen = await sc.queue(alice, CBETH, sharesOf(alice, CBETH) / 2n);
    const shortenedAt = await sc.setWithdrawalDelay(MIN_WITHDRAWAL_DELAY);
    expect(await f.vault.latestReadyAt()).to.equal(shortenedAt + tenDays);
    expect(sc.readyAt(aliceTen)).to.be.lt(shortenedAt + tenDays);

    // --- a slash of operator2's rETH: carol, undelegated by the approver meanwhile, queues freely but her rETH
    // withdrawal waits for the request; executed in full, it pays at the slashed rate
    const reservedR = await sc.reserve(op2, RETH, 1n, 4n);
    const carolIds = await sc.undelegate(carol, approver);
    await sc.advance(MIN_WITHDRAWAL_DELAY);
    expect(sc.readyAt(aliceTen), "still 10 days").to.be.greaterThan(BigInt(await time.latest()) + DAY);
    const carolRETH = carolIds.filter((id) => sc.model.withdrawals.get(id)?.asset === rETH);
    expect(carolRETH.length).to.equal(1);
    expect(await sc.completeRefused(carolRETH[0], carol, true)).to.deep.equal([
      "PoolSlashPending",
      op2.address,
      rETH,
      1n,
    ]);
    await sc.execute(op2, RETH, reservedR);
    for (const id of carolIds) await sc.complete(id, true, carol);
    await sc.advance(tenDays - MIN_WITHDRAWAL_DELAY);
    await sc.complete(aliceTen, true, alice);

    // --- everyone left in operator2's stETH pool leaves
    const aliceLast = await sc.queue(alice, STETH, sharesOf(alice, STETH));
    await sc.advance(MIN_WITHDRAWAL_DELAY);
    await sc.complete(aliceLast, true, alice);

    // --- a donation changes no pool and no position: the vault's balance exceeds the pools by exactly the donation
    await sc.donate(dave, CBETH, WAD);

    // the scenario ran its checks after every one of its steps
    expect(sc.steps).to.equal(60);
    expect(sc.inv.checks).to.equal(sc.steps);
    expect(sc.inv.pendingWithdrawals()).to.deep.equal([]);
    expect(await f.vault.openSlashReservations()).to.equal(0n);
    // and it did exercise the interesting paths
    expect(await f.stETH.balanceOf(f.slasherAddress)).to.equal(executed);
    expect(await f.rETH.balanceOf(f.slasherAddress)).to.equal(reservedR);
    await sc.model.assertMatches(f.vault);
  });
});
