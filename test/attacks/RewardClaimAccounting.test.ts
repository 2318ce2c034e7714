/**
 * Attack review of the reward-claim accounting after the gas work (branch gasreview: RewardDebtLib packing, claims that
 * read the accumulator without writing the pool, one product for a claimed slot's pending and debt).
 *
 * The claims under review (docs/rewards.md, "How debts are stored" and "Claims read the accumulator"):
 *   1. A claim changes no shares, so it need not write the pool: the reward per share it reads at now (G_now from the
 *      stored G and lastUpdate with the pool's active shares, or G at the end of a stream that ended since) is what an
 *      update would store, and every later update reaches at least that value.
 *   2. A staker's debts packed two to a word (int128 halves, wider values spilled whole) read and write exactly: a
 *      claim or share change of one slot never disturbs the other half of its word.
 *   3. Invariant 7: claimed plus claimable never exceeds what was funded net of commission.
 *
 * Every expected figure below comes from `ClaimMirror`, a BigInt mirror of the distributor's integer math (the same
 * roundings, the same order of operations), fed with the timestamps of the blocks the actions were mined in. Where an
 * attack compares two orderings of the same actions, the two runs start from the same fixture snapshot and use the
 * same timestamps, and the payouts are compared exactly.
 *
 * World: test/helpers/rewardsFixtures.ts rewardsFixture (operator1 with 10% commission, reward tokens RWA, RWB, RWC
 * with ids 0, 1, 2, the funder holding all of them, stakers holding stETH and rETH at par: 1 wei = 1e6 shares).
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";

import {
  DAY,
  HOUR,
  NO_SIGNATURE,
  OPERATOR1_BPS,
  WAD,
  ZERO_SALT,
  deployMockToken,
  mined,
  now,
  rewardsFixture,
  type RewardsFixture,
} from "../helpers/rewardsFixtures";
import { sameBlock } from "./attackHelpersB";

const BPS = 10_000n;
const RATE_SCALE = 10n ** 18n;
const TPS_SCALE = 10n ** 54n;
const RPS_SCALE = 10n ** 36n;
const G_DIVISOR = 10n ** 36n;
const SHARES_PER_WEI = 1_000_000n;
const INT128_MAX = 2n ** 127n - 1n;
const INT128_MIN = -(2n ** 127n);

const ceilDiv = (a: bigint, b: bigint): bigint => (a === 0n ? 0n : (a - 1n) / b + 1n);
const net = (amount: bigint): bigint => amount - (amount * OPERATOR1_BPS) / BPS;

interface MirrorStream {
  id: number;
  rate: bigint;
  finish: bigint;
  offset: bigint;
}

/**
 * The distributor's integer math for one pool `(operator1, asset)`: _updatePool, _schedule, _rewardPerShareAt, the
 * hook's settlement and the claim's, with the staker's debts kept as plain bigints (the packing must be invisible).
 */
class ClaimMirror {
  g = 0n;
  last = 0n;
  streams: MirrorStream[] = [];
  debts = new Map<string, bigint[]>();
  accrued = new Map<string, bigint[]>();

  private debtsOf(staker: string): bigint[] {
    let d = this.debts.get(staker);
    if (d === undefined) {
      d = Array<bigint>(8).fill(0n);
      this.debts.set(staker, d);
    }
    return d;
  }

  private accruedOf(staker: string): bigint[] {
    let a = this.accrued.get(staker);
    if (a === undefined) {
      a = Array<bigint>(8).fill(0n);
      this.accrued.set(staker, a);
    }
    return a;
  }

  private static rps(rate: bigint, g: bigint, offset: bigint): bigint {
    return (rate * g) / G_DIVISOR - offset;
  }

  update(active: bigint, t: bigint): bigint[] {
    if (this.streams.length === 0) {
      this.last = t;
      return [];
    }
    if (this.last === t) return this.streams.map((s) => ClaimMirror.rps(s.rate, this.g, s.offset));
    const gNow = active === 0n ? this.g : this.g + ((t - this.last) * TPS_SCALE) / active;
    const out: bigint[] = [];
    for (const s of this.streams) {
      if (s.rate === 0n || s.finish > t) {
        out.push(ClaimMirror.rps(s.rate, gNow, s.offset));
        if (active === 0n && s.rate !== 0n) s.finish += t - this.last;
      } else if (active === 0n) {
        if (s.finish > this.last) s.finish += t - this.last;
        out.push(ClaimMirror.rps(s.rate, this.g, s.offset));
      } else {
        const gEnd = s.finish > this.last ? this.g + ((s.finish - this.last) * TPS_SCALE) / active : this.g;
        const r = ClaimMirror.rps(s.rate, gEnd, s.offset);
        out.push(r);
        s.rate = 0n;
        s.offset = -r;
      }
    }
    this.g = gNow;
    this.last = t;
    return out;
  }

  fund(id: number, netAmount: bigint, duration: bigint, active: bigint, t: bigint): void {
    const rps = this.update(active, t);
    let slot = this.streams.findIndex((s) => s.id === id);
    let remaining = 0n;
    if (slot === -1) {
      slot = this.streams.length;
      this.streams.push({ id, rate: 0n, finish: 0n, offset: 0n });
      rps.push(0n);
    } else {
      const old = this.streams[slot];
      if (old.rate !== 0n && old.finish > t) remaining = old.rate * (old.finish - t);
    }
    const rate = (remaining + netAmount * RATE_SCALE) / duration;
    const s = this.streams[slot];
    s.rate = rate;
    s.finish = t + duration;
    s.offset = (rate * this.g) / G_DIVISOR - rps[slot];
  }

  /** _rewardPerShareAt: what a claim reads, without writing. */
  read(slot: number, active: bigint, t: bigint): bigint {
    const s = this.streams[slot];
    const gNow = active !== 0n && t > this.last ? this.g + ((t - this.last) * TPS_SCALE) / active : this.g;
    let g = this.g;
    if (s.finish >= t) g = gNow;
    else if (active !== 0n && s.finish > this.last) g += ((s.finish - this.last) * TPS_SCALE) / active;
    return ClaimMirror.rps(s.rate, g, s.offset);
  }

  hook(staker: string, before: bigint, after: bigint, active: bigint, t: bigint): void {
    const rps = this.update(active, t);
    const d = this.debtsOf(staker);
    for (let i = 0; i < this.streams.length; ++i) {
      const p0 = (before * rps[i]) / RPS_SCALE - d[i];
      const pending = p0 > 0n ? p0 : 0n;
      if (after === 0n) {
        this.accruedOf(staker)[this.streams[i].id] += pending;
        d[i] = 0n;
      } else {
        d[i] = ceilDiv(after * rps[i], RPS_SCALE) - pending;
      }
    }
  }

  claim(staker: string, shares: bigint, active: bigint, t: bigint, ids: number[]): bigint[] {
    const d = this.debtsOf(staker);
    const acc = this.accruedOf(staker);
    const taken = new Set<number>();
    return ids.map((id) => {
      let amount = 0n;
      if (!taken.has(id)) {
        amount = acc[id];
        acc[id] = 0n;
        taken.add(id);
      }
      const slot = this.streams.findIndex((s) => s.id === id);
      if (slot === -1 || shares === 0n) return amount;
      const r = this.read(slot, active, t);
      const p0 = (shares * r) / RPS_SCALE - d[slot];
      d[slot] = ceilDiv(shares * r, RPS_SCALE);
      return amount + (p0 > 0n ? p0 : 0n);
    });
  }

  debt(staker: string, slot: number): bigint {
    return this.debtsOf(staker)[slot];
  }
}

/** The fixture with alice and bob delegated to operator1 (no deposit yet). */
async function claimFixture(): Promise<RewardsFixture> {
  const f = await rewardsFixture();
  for (const s of [f.alice, f.bob, f.carol]) {
    await (await f.registry.connect(s).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  }
  return f;
}

/** Mines `tx` at exactly `t` and returns the block's timestamp. */
async function at(t: bigint, send: () => Promise<ContractTransactionResponse>): Promise<bigint> {
  await time.setNextBlockTimestamp(t);
  const m = await mined(send());
  expect(m.timestamp).to.equal(t);
  return m.timestamp;
}

/** The `RewardsClaimed` amounts of a mined claim, in token order. */
async function claimed(
  f: RewardsFixture,
  t: bigint,
  staker: HardhatEthersSigner,
  tokens: string[],
): Promise<bigint[]> {
  await time.setNextBlockTimestamp(t);
  const m = await mined(f.distributor.connect(staker).claim(tokens, staker.address));
  expect(m.timestamp).to.equal(t);
  const out: bigint[] = [];
  for (const log of m.receipt.logs) {
    const parsed = f.distributor.interface.parseLog(log);
    if (parsed?.name === "RewardsClaimed") out.push(parsed.args.amount as bigint);
  }
  expect(out.length, "one RewardsClaimed per token").to.equal(tokens.length);
  return out;
}

describe("attack: reward claim accounting after the gas work (claims read the accumulator, packed debts)", function () {
  it("claim spam by a dust staker: 12 claims pay it exactly what the mirror says, never more than one claim, and leave bob's payout unchanged to the wei", async function () {
    const AMOUNT = 1_000n * WAD;
    const DURATION = DAY;
    const ALICE = 3n; // 3 wei: 3e6 shares
    const BOB = 100n * WAD;

    const run = async (
      spam: boolean,
    ): Promise<{ alice: bigint; bob: bigint; mirrorAlice: bigint; mirrorBob: bigint }> => {
      const f = await loadFixture(claimFixture);
      const asset = f.assetAddresses[0];
      const rwa = f.rewardTokenAddresses[0];
      const m = new ClaimMirror();
      const t0 = (await now()) + 100n;
      await at(t0, () => f.vault.connect(f.alice).deposit(asset, ALICE, 0n));
      m.hook(f.alice.address, 0n, 0n, 0n, t0); // no stream yet: the hook returns early
      await at(t0 + 1n, () => f.vault.connect(f.bob).deposit(asset, BOB, 0n));
      const active = (ALICE + BOB) * SHARES_PER_WEI;
      await at(t0 + 2n, () =>
        f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, AMOUNT, DURATION),
      );
      m.fund(0, net(AMOUNT), DURATION, active, t0 + 2n);
      let alice = 0n;
      let mirrorAlice = 0n;
      if (spam) {
        for (let k = 1n; k <= 12n; ++k) {
          const t = t0 + 2n + k * 997n;
          alice += (await claimed(f, t, f.alice, [rwa]))[0];
          mirrorAlice += m.claim(f.alice.address, ALICE * SHARES_PER_WEI, active, t, [0])[0];
        }
      }
      const tEnd = t0 + 2n + DURATION + HOUR;
      const bob = (await claimed(f, tEnd, f.bob, [rwa]))[0];
      const mirrorBob = m.claim(f.bob.address, BOB * SHARES_PER_WEI, active, tEnd, [0])[0];
      alice += (await claimed(f, tEnd + 1n, f.alice, [rwa]))[0];
      mirrorAlice += m.claim(f.alice.address, ALICE * SHARES_PER_WEI, active, tEnd + 1n, [0])[0];
      return { alice, bob, mirrorAlice, mirrorBob };
    };

    const spam = await run(true);
    const once = await run(false);
    // The mirror's figures, exactly.
    expect(spam.alice).to.equal(spam.mirrorAlice);
    expect(spam.bob).to.equal(spam.mirrorBob);
    expect(once.alice).to.equal(once.mirrorAlice);
    expect(once.bob).to.equal(once.mirrorBob);
    // Claims do not write the pool: alice's 12 claims do not move bob's payout by a single wei.
    expect(spam.bob).to.equal(once.bob);
    // Alice's share of the stream: 3 wei of 100e18 + 3 wei is 26 wei of the net 900e18; spam pays no more.
    expect(once.alice).to.equal(26n);
    // Spamming only loses alice the rounding of each claim (the debt rounds up): 22 wei against 26.
    expect(spam.alice).to.equal(22n);
    expect(once.bob).to.equal(899_999_999_999_999_999_972n);
    // Invariant 7: together they never take more than the net funding (900e18).
    expect(net(AMOUNT) - (spam.alice + spam.bob)).to.equal(6n);
    expect(net(AMOUNT) - (once.alice + once.bob)).to.equal(2n);
  });

  it("a claim after a stream ended (the pool not frozen), then a roll of the same token: the ended stream's tail is paid once, alice's two claims (one in between) sum exactly to bob's one", async function () {
    const f = await loadFixture(claimFixture);
    const asset = f.assetAddresses[0];
    const rwa = f.rewardTokenAddresses[0];
    const STAKE = 10n * WAD;
    const A1 = 1_000n * WAD;
    const A2 = 500n * WAD;
    const m = new ClaimMirror();
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(asset, STAKE, 0n));
    await at(t0 + 1n, () => f.vault.connect(f.bob).deposit(asset, STAKE, 0n));
    const active = 2n * STAKE * SHARES_PER_WEI;
    const shares = STAKE * SHARES_PER_WEI;
    await at(t0 + 2n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, A1, HOUR),
    );
    m.fund(0, net(A1), HOUR, active, t0 + 2n);

    // Two hours later the stream has ended; nothing has updated the pool since the funding.
    const tClaim = t0 + 2n + 2n * HOUR;
    const first = (await claimed(f, tClaim, f.alice, [rwa]))[0];
    expect(first).to.equal(m.claim(f.alice.address, shares, active, tClaim, [0])[0]);
    expect(first).to.equal(450_000_000_000_000_000_000n);
    // The claim wrote nothing of the pool: the stream still has its rate (it is frozen by the next update only).
    const [view] = await f.distributor.poolStreams(f.operator1.address, asset);
    expect(view.rate).to.equal((net(A1) * RATE_SCALE) / HOUR);
    expect(view.periodFinish).to.equal(t0 + 2n + HOUR);

    // A second funding of the same token an hour later: the update freezes the first stream at its end, a new one starts.
    const tRoll = tClaim + HOUR;
    await at(tRoll, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, A2, HOUR),
    );
    m.fund(0, net(A2), HOUR, active, tRoll);

    const tEnd = tRoll + 2n * HOUR;
    const second = (await claimed(f, tEnd, f.alice, [rwa]))[0];
    const bob = (await claimed(f, tEnd + 1n, f.bob, [rwa]))[0];
    expect(second).to.equal(m.claim(f.alice.address, shares, active, tEnd, [0])[0]);
    expect(bob).to.equal(m.claim(f.bob.address, shares, active, tEnd + 1n, [0])[0]);
    expect(second).to.equal(225_000_000_000_000_000_000n);
    expect(bob).to.equal(675_000_000_000_000_000_000n);
    // The tail [funding, end] of the first stream was not paid to alice a second time: her two claims sum to bob's one.
    expect(first + second).to.equal(bob);
    // Invariant 7: exactly the net 1,350e18 was paid; the distributor keeps the commission (150e18), unclaimed.
    expect(net(A1) + net(A2) - (first + second + bob)).to.equal(0n);
    expect(await f.rewardTokens[0].balanceOf(f.distributorAddress)).to.equal(150n * WAD);
    expect(await f.distributor.pendingCommission(f.operator1.address, rwa)).to.equal(150n * WAD);
  });

  it("same-block ordering: a claim mined before or after another staker's deposit in one block pays exactly the same, and so does everyone's later claim", async function () {
    const AMOUNT = 700n * WAD;
    const ALICE = 7n * WAD;
    const BOB = 13n * WAD;
    const CAROL = 29n * WAD;
    const run = async (claimFirst: boolean): Promise<bigint[]> => {
      const f = await loadFixture(claimFixture);
      const asset = f.assetAddresses[0];
      const rwa = f.rewardTokenAddresses[0];
      const m = new ClaimMirror();
      const t0 = (await now()) + 100n;
      await at(t0, () => f.vault.connect(f.alice).deposit(asset, ALICE, 0n));
      await at(t0 + 1n, () => f.vault.connect(f.bob).deposit(asset, BOB, 0n));
      let active = (ALICE + BOB) * SHARES_PER_WEI;
      await at(t0 + 2n, () =>
        f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, AMOUNT, DAY),
      );
      m.fund(0, net(AMOUNT), DAY, active, t0 + 2n);
      const tBlock = t0 + 2n + 5_000n;
      const claimTx = {
        send: (o: { gasLimit: bigint; maxPriorityFeePerGas: bigint; maxFeePerGas: bigint }) =>
          f.distributor.connect(f.alice).claim([rwa], f.alice.address, o),
        tip: claimFirst ? 3n : 1n,
      };
      const depositTx = {
        send: (o: { gasLimit: bigint; maxPriorityFeePerGas: bigint; maxFeePerGas: bigint }) =>
          f.vault.connect(f.carol).deposit(asset, CAROL, 0n, o),
        tip: claimFirst ? 1n : 3n,
      };
      const block = await sameBlock([claimTx, depositTx], tBlock);
      expect(block.receipts[0].status).to.equal(1);
      expect(block.receipts[1].status).to.equal(1);
      expect(block.receipts[0].index).to.equal(claimFirst ? 0 : 1);
      let aliceFirst = 0n;
      for (const log of block.receipts[0].logs) {
        const parsed = f.distributor.interface.parseLog(log);
        if (parsed?.name === "RewardsClaimed") aliceFirst = parsed.args.amount as bigint;
      }
      // The mirror in the mined order; the claim reads the same value either way.
      const before = active;
      if (claimFirst) {
        expect(aliceFirst).to.equal(m.claim(f.alice.address, ALICE * SHARES_PER_WEI, before, tBlock, [0])[0]);
        m.hook(f.carol.address, 0n, CAROL * SHARES_PER_WEI, before, tBlock);
      } else {
        m.hook(f.carol.address, 0n, CAROL * SHARES_PER_WEI, before, tBlock);
        expect(aliceFirst).to.equal(
          m.claim(f.alice.address, ALICE * SHARES_PER_WEI, before + CAROL * SHARES_PER_WEI, tBlock, [0])[0],
        );
      }
      active = before + CAROL * SHARES_PER_WEI;
      const tEnd = t0 + 2n + 2n * DAY;
      const out = [aliceFirst];
      for (const [k, [s, stake]] of [
        [f.alice, ALICE],
        [f.bob, BOB],
        [f.carol, CAROL],
      ].entries() as IterableIterator<[number, [HardhatEthersSigner, bigint]]>) {
        const paid = (await claimed(f, tEnd + BigInt(k), s, [rwa]))[0];
        expect(paid).to.equal(m.claim(s.address, stake * SHARES_PER_WEI, active, tEnd + BigInt(k), [0])[0]);
        out.push(paid);
      }
      return out;
    };
    const claimFirst = await run(true);
    const claimSecond = await run(false);
    expect(claimFirst).to.deep.equal(claimSecond);
    expect(claimFirst).to.deep.equal([
      12_760_416_666_666_666_666n,
      84_791_666_666_666_666_666n,
      181_168_154_761_904_761_904n,
      351_279_761_904_761_904_761n,
    ]);
    // Invariant 7: of the net 630e18, 3 wei stay in the distributor.
    expect(net(AMOUNT) - claimFirst.reduce((a, b) => a + b, 0n)).to.equal(3n);
  });

  it("duplicate tokens in one claim and two pools: [RWA, RWA, RWB] pays RWA's accrued (a pool left) and pending once, the repeat 0", async function () {
    const f = await loadFixture(claimFixture);
    const [steth, reth] = f.assetAddresses;
    const [rwa, rwb] = f.rewardTokenAddresses;
    const STAKE = 40n * WAD;
    const mS = new ClaimMirror();
    const mR = new ClaimMirror();
    const shares = STAKE * SHARES_PER_WEI;
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(steth, STAKE, 0n));
    await at(t0 + 1n, () => f.vault.connect(f.alice).deposit(reth, STAKE, 0n));
    await at(t0 + 2n, () => f.vault.connect(f.bob).deposit(reth, STAKE, 0n));
    await at(t0 + 3n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, steth, rwa, 300n * WAD, DAY),
    );
    mS.fund(0, net(300n * WAD), DAY, shares, t0 + 3n);
    await at(t0 + 4n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, reth, rwa, 200n * WAD, DAY),
    );
    mR.fund(0, net(200n * WAD), DAY, 2n * shares, t0 + 4n);
    await at(t0 + 5n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, reth, rwb, 100n * WAD, DAY),
    );
    mR.fund(1, net(100n * WAD), DAY, 2n * shares, t0 + 5n);
    // Alice leaves the stETH pool: its RWA pending moves to her accrued balance.
    const tLeave = t0 + 5n + 6n * HOUR;
    await at(tLeave, () => f.vault.connect(f.alice).queueWithdrawal(steth, shares));
    mS.hook(f.alice.address, shares, 0n, shares, tLeave);
    const tClaim = tLeave + 3n * HOUR;
    const paid = await claimed(f, tClaim, f.alice, [rwa, rwa, rwb]);
    const fromS = mS.claim(f.alice.address, 0n, 0n, tClaim, [0, 0, 1]);
    const fromR = mR.claim(f.alice.address, shares, 2n * shares, tClaim, [0, 0, 1]);
    expect(paid).to.deep.equal([fromS[0] + fromR[0], fromS[1] + fromR[1], fromS[2] + fromR[2]]);
    expect(paid).to.deep.equal([101_257_291_666_666_666_666n, 0n, 16_875_000_000_000_000_000n]);
    // What she was paid left the distributor, once.
    expect(await f.rewardTokens[0].balanceOf(f.alice.address)).to.equal(paid[0]);
    expect(await f.rewardTokens[1].balanceOf(f.alice.address)).to.equal(paid[2]);
    // Nothing is left to claim at that instant: a second claim in the next second pays only that second.
    const again = await claimed(f, tClaim + 1n, f.alice, [rwa, rwb]);
    expect(again).to.deep.equal(mR.claim(f.alice.address, shares, 2n * shares, tClaim + 1n, [0, 1]));
    expect(again).to.deep.equal([1_041_666_666_666_666n, 520_833_333_333_333n]);
  });

  it("packed debts: a spilled (wider than int128) debt and a negative debt share a word; claiming one slot leaves the other exact", async function () {
    const f = await loadFixture(claimFixture);
    const asset = f.assetAddresses[0];
    const [rwa, rwb] = f.rewardTokenAddresses;
    const m = new ClaimMirror();
    const ALICE = 1n; // dust: 1e6 shares
    const BOB = 10n ** 24n; // 1e30 shares
    const BIG = 10n ** 29n;
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(asset, ALICE, 0n));
    let active = ALICE * SHARES_PER_WEI;
    // RWB streams over the dust pool: slot 0, its reward per share becomes huge.
    await at(t0 + 1n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwb, BIG, HOUR),
    );
    m.fund(1, net(BIG), HOUR, active, t0 + 1n);
    const tBob = t0 + 1n + HOUR + 10n;
    await at(tBob, () => f.vault.connect(f.bob).deposit(asset, BOB, 0n));
    m.hook(f.bob.address, 0n, BOB * SHARES_PER_WEI, active, tBob);
    active += BOB * SHARES_PER_WEI;
    // Bob's RWB debt does not fit an int128: it is spilled, its half holds the marker.
    expect(m.debt(f.bob.address, 0) > INT128_MAX).to.equal(true);
    // RWA: slot 1, the high half of the same word, starts after bob joined.
    await at(tBob + 1n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, 1_000n * WAD, DAY),
    );
    m.fund(0, net(1_000n * WAD), DAY, active, tBob + 1n);
    // Half a day later bob queues 99% of his shares: his RWA debt goes negative (it carries what he earned).
    const tQueue = tBob + 1n + DAY / 2n;
    const queued = (BOB * SHARES_PER_WEI * 99n) / 100n;
    await at(tQueue, () => f.vault.connect(f.bob).queueWithdrawal(asset, queued));
    const bobShares = BOB * SHARES_PER_WEI - queued;
    m.hook(f.bob.address, BOB * SHARES_PER_WEI, bobShares, active, tQueue);
    active -= queued;
    expect(m.debt(f.bob.address, 1) < 0n && m.debt(f.bob.address, 1) > INT128_MIN).to.equal(true);
    expect(m.debt(f.bob.address, 0) > INT128_MAX).to.equal(true);

    // Bob claims RWA only (rewrites the word), then RWB only, then both at the end. RWB's reward per share is 9e58:
    // with bob's 1e28 shares the product (9e86) overflows 256 bits, so the claim takes pendingDownDebtUp's 512-bit path.
    expect(m.read(0, active, tQueue) * bobShares >= 2n ** 256n).to.equal(true);
    const rwaFirst = (await claimed(f, tQueue + 100n, f.bob, [rwa]))[0];
    expect(rwaFirst).to.equal(m.claim(f.bob.address, bobShares, active, tQueue + 100n, [0])[0]);
    const rwbFirst = (await claimed(f, tQueue + 200n, f.bob, [rwb]))[0];
    expect(rwbFirst).to.equal(m.claim(f.bob.address, bobShares, active, tQueue + 200n, [1])[0]);
    const tEnd = tQueue + DAY;
    const last = await claimed(f, tEnd, f.bob, [rwa, rwb]);
    expect(last).to.deep.equal(m.claim(f.bob.address, bobShares, active, tEnd, [0, 1]));
    const alice = await claimed(f, tEnd + 1n, f.alice, [rwa, rwb]);
    expect(alice).to.deep.equal(m.claim(f.alice.address, ALICE * SHARES_PER_WEI, active, tEnd + 1n, [0, 1]));

    // Bob earned RWA for half a day on the pool, then, with 1e28 of its 1e28 + 1e6 active shares, the rest of the day:
    // nothing of RWB (it ended before he came).
    expect(rwaFirst).to.equal(451_041_666_666_666_666_665n);
    expect(rwbFirst).to.equal(0n);
    expect(last).to.deep.equal([448_958_333_333_333_333_332n, 0n]);
    // Alice, the dust staker, got all of RWB (9e28 net) and nothing of RWA for her 1e6 shares.
    expect(alice).to.deep.equal([0n, 90_000_000_000n * 10n ** 18n]);
    // Invariant 7 per token: 3 wei of RWA stay in the distributor, none of RWB.
    expect(net(1_000n * WAD) - (rwaFirst + last[0] + alice[0])).to.equal(3n);
    expect(net(BIG) - (rwbFirst + last[1] + alice[1])).to.equal(0n);
  });

  it("idle pool: a claim while the pool has no active shares pays only what was accrued and moves nothing; the paused stream resumes and pays the rest exactly", async function () {
    const f = await loadFixture(claimFixture);
    const asset = f.assetAddresses[0];
    const rwa = f.rewardTokenAddresses[0];
    const AMOUNT = 1_000n * WAD;
    const STAKE = 50n * WAD;
    const shares = STAKE * SHARES_PER_WEI;
    const m = new ClaimMirror();
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(asset, STAKE, 0n));
    await at(t0 + 1n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, AMOUNT, DAY),
    );
    m.fund(0, net(AMOUNT), DAY, shares, t0 + 1n);
    // A quarter of the way, alice queues everything: the pool is idle, the stream pauses.
    const tQueue = t0 + 1n + DAY / 4n;
    await at(tQueue, () => f.vault.connect(f.alice).queueWithdrawal(asset, shares));
    m.hook(f.alice.address, shares, 0n, shares, tQueue);
    // Two days later (past the stream's original end) alice claims: her accrued quarter, nothing more.
    const aliceClaim = (await claimed(f, t0 + 2n * DAY, f.alice, [rwa]))[0];
    expect(aliceClaim).to.equal(m.claim(f.alice.address, 0n, 0n, t0 + 2n * DAY, [0])[0]);
    expect(aliceClaim).to.equal(224_999_999_999_999_999_999n);
    // Bob joins on day 3: the update pushes the stream's end out by the idle time.
    const tBob = t0 + 3n * DAY;
    await at(tBob, () => f.vault.connect(f.bob).deposit(asset, STAKE, 0n));
    m.hook(f.bob.address, 0n, shares, 0n, tBob);
    const [view] = await f.distributor.poolStreams(f.operator1.address, asset);
    expect(view.periodFinish).to.equal(tBob + (DAY - DAY / 4n));
    expect(view.periodFinish).to.equal(m.streams[0].finish);
    // Bob claims after the resumed stream ended (nothing froze it), then again a day later.
    const tEnd = tBob + DAY;
    const bob1 = (await claimed(f, tEnd, f.bob, [rwa]))[0];
    expect(bob1).to.equal(m.claim(f.bob.address, shares, shares, tEnd, [0])[0]);
    const bob2 = (await claimed(f, tEnd + DAY, f.bob, [rwa]))[0];
    expect(bob2).to.equal(m.claim(f.bob.address, shares, shares, tEnd + DAY, [0])[0]);
    expect(bob1).to.equal(674_999_999_999_999_999_999n);
    expect(bob2).to.equal(0n);
    // Invariant 7: 2 wei of the net 900e18 stay in the distributor.
    expect(net(AMOUNT) - (aliceClaim + bob1 + bob2)).to.equal(2n);
  });

  it("odd stream count: a share change or claim rewrites the word that also holds the next (unused) slot; a stream added there later starts from a zero debt and pays exactly", async function () {
    const f = await loadFixture(claimFixture);
    const asset = f.assetAddresses[0];
    const rwd = await deployMockToken(f.admin, "RWD");
    const rwdAddress = await rwd.getAddress();
    await (await f.distributor.addRewardToken(rwdAddress, 1n)).wait();
    await (await rwd.mint(f.funder.address, 10_000n * WAD)).wait();
    await (await rwd.connect(f.funder).approve(f.distributorAddress, 10_000n * WAD)).wait();
    const tokens = [...f.rewardTokenAddresses, rwdAddress];
    const m = new ClaimMirror();
    const ALICE = 30n * WAD;
    const BOB = 70n * WAD;
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(asset, ALICE, 0n));
    await at(t0 + 1n, () => f.vault.connect(f.bob).deposit(asset, BOB, 0n));
    let active = (ALICE + BOB) * SHARES_PER_WEI;
    for (let id = 0; id < 3; ++id) {
      const t = t0 + 2n + BigInt(id);
      await at(t, () =>
        f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, tokens[id], 100n * WAD, DAY),
      );
      m.fund(id, net(100n * WAD), DAY, active, t);
    }
    // Alice adds to her stake (the hook writes words 0 and 1: slots 2 and 3 share word 1), then claims RWC.
    const tAdd = t0 + 6n * HOUR;
    await at(tAdd, () => f.vault.connect(f.alice).deposit(asset, ALICE, 0n));
    m.hook(f.alice.address, ALICE * SHARES_PER_WEI, 2n * ALICE * SHARES_PER_WEI, active, tAdd);
    active += ALICE * SHARES_PER_WEI;
    const aliceShares = 2n * ALICE * SHARES_PER_WEI;
    const rwc = (await claimed(f, tAdd + 60n, f.alice, [tokens[2]]))[0];
    expect(rwc).to.equal(m.claim(f.alice.address, aliceShares, active, tAdd + 60n, [2])[0]);
    // RWD takes slot 3, the high half of the word alice's writes carried.
    const tD = tAdd + HOUR;
    await at(tD, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwdAddress, 100n * WAD, DAY),
    );
    m.fund(3, net(100n * WAD), DAY, active, tD);
    const tEnd = tD + 2n * DAY;
    const alice = await claimed(f, tEnd, f.alice, tokens);
    const bob = await claimed(f, tEnd + 1n, f.bob, tokens);
    expect(alice).to.deep.equal(m.claim(f.alice.address, aliceShares, active, tEnd, [0, 1, 2, 3]));
    expect(bob).to.deep.equal(m.claim(f.bob.address, BOB * SHARES_PER_WEI, active, tEnd + 1n, [0, 1, 2, 3]));
    // RWD streamed only while alice held 60 of the 130 active: 90e18 * 60/130 to her, 90e18 * 70/130 to bob.
    expect(alice[3]).to.equal(41_538_461_538_461_538_461n);
    expect(bob[3]).to.equal(48_461_538_461_538_461_538n);
    // Invariant 7 per token (net 90e18 each): what stays in the distributor.
    expect(tokens.map((_, i) => net(100n * WAD) - alice[i] - bob[i] - (i === 2 ? rwc : 0n))).to.deep.equal([
      2n,
      1n,
      3n,
      1n,
    ]);
  });

  it("claims at the stream's end -1 s, exactly at it and +1 s read the same accumulator the freezing update stores: the last second pays 0 and a twin who claims once gets 1 wei more", async function () {
    const f = await loadFixture(claimFixture);
    const asset = f.assetAddresses[0];
    const rwa = f.rewardTokenAddresses[0];
    const STAKE = 11n * WAD;
    const AMOUNT = 333n * WAD;
    const shares = STAKE * SHARES_PER_WEI;
    const active = 2n * shares;
    const m = new ClaimMirror();
    const t0 = (await now()) + 100n;
    await at(t0, () => f.vault.connect(f.alice).deposit(asset, STAKE, 0n));
    await at(t0 + 1n, () => f.vault.connect(f.bob).deposit(asset, STAKE, 0n));
    await at(t0 + 2n, () =>
      f.distributor.connect(f.funder).fundRewards(f.operator1.address, asset, rwa, AMOUNT, HOUR),
    );
    m.fund(0, net(AMOUNT), HOUR, active, t0 + 2n);
    const finish = t0 + 2n + HOUR;
    const alice: bigint[] = [];
    for (const t of [finish - 1n, finish, finish + 1n]) {
      const paid = (await claimed(f, t, f.alice, [rwa]))[0];
      expect(paid).to.equal(m.claim(f.alice.address, shares, active, t, [0])[0]);
      alice.push(paid);
    }
    // Then an update (carol joins) freezes the stream at its end: nothing more for alice, bob's single claim matches.
    await at(finish + 2n, () => f.vault.connect(f.carol).deposit(asset, STAKE, 0n));
    m.hook(f.carol.address, 0n, shares, active, finish + 2n);
    const after = (await claimed(f, finish + 3n, f.alice, [rwa]))[0];
    expect(after).to.equal(m.claim(f.alice.address, shares, active + shares, finish + 3n, [0])[0]);
    const bob = (await claimed(f, finish + 4n, f.bob, [rwa]))[0];
    expect(bob).to.equal(m.claim(f.bob.address, shares, active + shares, finish + 4n, [0])[0]);
    const carol = (await claimed(f, finish + 5n, f.carol, [rwa]))[0];
    expect(alice).to.deep.equal([149_808_374_999_999_999_999n, 41_624_999_999_999_999n, 0n]);
    expect(after).to.equal(0n);
    expect(bob).to.equal(149_849_999_999_999_999_999n);
    expect(carol).to.equal(0n);
    // Alice's three claims lost her 1 wei of rounding against bob's one; 3 wei of the net stay in the distributor.
    expect(bob - (alice[0] + alice[1] + alice[2] + after)).to.equal(1n);
    expect(net(AMOUNT) - (alice[0] + alice[1] + bob)).to.equal(3n);
  });
});
