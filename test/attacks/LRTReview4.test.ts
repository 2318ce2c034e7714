/**
 * Attack review 4 of the LRT (issue #10; `git show 0b87a4b -- contracts`): three small fixes of review 3.
 *   (1) LRTManager._priceDeposit: while an asset has pending redemption requests its deposits stay idle;
 *   (2) LRTRisk._slashableFraction / _positionValue: exposure read gross, the reserved magnitude at 100% over the
 *       whole magnitude;
 *   (3) LRTManager.refreshExposure is nonReentrant.
 *
 * Findings:
 *   F1  fixed (Medium, yield griefing; idle rule (1); a deposit now stays idle only if the pending requests need all
 *       of it): the rule is all-or-nothing and per asset, so ANY pending request
 *       of the asset, even 1 wei of value, sends every deposit of that asset to idle in full, and it stays idle after
 *       the request is paid (nothing stakes idle back but `stakeIdle`, MANAGER_ROLE). Any LRT holder front-runs
 *       a 100 stETH deposit with a 1-share (1 wei of value) request in the same block: the deposit never reaches a node, and over the
 *       next day the LRT earns 0.171818 instead of 0.99 stETH of the 2.1 stETH streamed to the pool (operator1's
 *       pool shared with a 100 stETH direct staker). The dust is paid by the next processRequests (anyone); the
 *       attacker pays gas and gets his wei back. While a slash request reserving > 1 bps is pending nothing is
 *       fulfilled, so an allow-listed AVS rotating requests over the operators keeps a dust request pending and every
 *       deposit of the asset idle. Entry price and who bears a slash are unchanged (idle and staked enter at one
 *       price; a slash is borne pro rata); `mint` follows the same rule. Remedy today: `stakeIdle` (it stakes free idle,
 *       also while the dust is pending). Root fix: hold back only what the queue still lacks, i.e. keep idle
 *       `min(assets, tokens owed to pending requests - idle - inFlightRedeem)` and route the rest as usual (the
 *       split can live in LRTOperations next to `stake`, LRTManager has 178 bytes of margin).
 *   F2  LIMIT, documented (Low, deposit liveness; gross exposure (2); docs/lrt.md "Risk policy"): the figure errs
 *       high, never low, while a request is pending; counting the reservation at the requesting AVS's maxSlashWad
 *       needs a read of each open request per pool and asset in every deposit, and an unlisted requester must still
 *       count at 100%; left as the conservative reading: the reserved magnitude counted at 100% raises a pool's
 *       figure by `reserved x (1 - maxSlashWad)` while a request is pending (at most twice the figure before: 2.5 ->
 *       3.75 stETH for a 50% request with a 50% AVS). Anyone may `refreshExposure` the raised figure into the cache
 *       during the window; with a 25% cap every deposit that goes to a node is then refused
 *       (`SlashExposureBreached(2739, 2500)`), where with the cache left alone the same deposit passes (2441 bps).
 *       The slasher's own cancel does not lower the cache; the next refresh (anyone) does. Before the fix a refresh
 *       lowered the figure (review 3 F2); the pool's own closure (PoolSlashPending) only closed node 0. `riskReport`
 *       flags `exposureOk` false (2923 bps) during the window from the reservation alone. Root fix: count the
 *       magnitude a request reserves at the requesting AVS's maxSlashWad when that AVS is allow-listed (its
 *       allocation's `openRequest`), at 100% otherwise: the figure is then exactly the pre-request one (neither
 *       lower, which review 3 F2 fixed, nor higher).
 *   F3  fixed (Low, reentrancy; grep of (3); both setters are nonReentrant now): `setProtocolFee` (admin) and `setAssetConfig` turning `countRewards`
 *       off (MANAGER_ROLE) run `_harvest` (claims that move tokens to the manager, other reward tokens out) without the
 *       manager's reentrancy guard. A reentrant reward token's callback during that harvest enters `deposit`: the
 *       guard lets it through, and it is priced while the node's claimed rewards are in neither pending rewards nor
 *       idle: an attacker depositing 200 into a 200-LRT whose node has 9 of rewards pending buys 200 LRT at rate 1 and
 *       leaves with about 4.5 of those 9 (the holders' loss); the same reentry during `harvest()` is refused. Needs a
 *       reentrant (hooked) accepted asset that counts rewards, or other reward token, and an admin/manager call. Root fix: `nonReentrant` on `setProtocolFee` and `setAssetConfig` (or
 *       on the library's `_harvest` callers generally).
 * Failed attacks:
 *   - the idle rule changes neither the entry price (same shares with or without a pending request) nor who bears a
 *     later slash (all holders pro rata at one rate); `mint` stays idle the same way;
 *   - the gross figure never reads below the pre-request figure: not during the window, not after expiry (the
 *     request stays pending until cancelled), and a veto or cancel restores it exactly; after an execution it reads
 *     the slashed pool (lower in wei and in bps: the loss happened), never above the window's figure;
 *   - a fully reserved (100% AVS, 100% request) and then fully slashed pool (maxMagnitude 0): the fraction is capped
 *     at 1 (exposure = the whole position), then the position is 0 and the node takes no deposit (PoolFullySlashed);
 *   - the remaining unguarded non-view entries in contracts/lrt: role-gated setters without token movement,
 *     createNode/redelegateNode (registry only), LRTAssetVault.setOperator (no external call), LRTOracle.updatePrice
 *     (adapter read by staticcall), LiquidRestakingToken (MINTER_ROLE only), LRTNode (onlyManager): no reentry found
 *     beyond F3.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import { DAY, WAD } from "../helpers/fixtures";
import {
  BPS,
  VETO_WINDOW,
  lrtFixture,
  lrtSlashFixture,
  sharesFor,
  valueOf,
  type LRTFixture,
  type LRTSlashFixture,
} from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, requestSlash } from "../helpers/lrtActions";
import { mulDivDown, mulDivUp, toAssetsDown } from "../helpers/sharesMath";
import {
  call,
  deployAttackAccount,
  executeData,
  expectSolvent,
  fourDeposits,
  reentrantLRTFixture,
} from "./lrtReviewHelpers";

const PENDING = 1n;

/** bob, carol and dave each ask for their 10 LRT of stETH: 30 owed, more than idle and a 20 stETH deposit together,
 * so that a deposit of the asset is needed by the queue in full and stays idle. */
async function largeRequests(f: LRTSlashFixture): Promise<void> {
  for (const s of [f.bob, f.carol, f.dave]) {
    await (await f.stETHVault.connect(s).requestRedeem(10n * WAD, s.address, s.address)).wait();
  }
}

/** Node `i`'s slash exposure in `asset` recomputed from docs/lrt.md "Risk policy" (c): the fraction
 * `(sum over allow-listed AVSs of current x maxSlashWad + (unapproved + reserved) x 1e18) / maxMagnitude` (rounded
 * up, capped at 1) times the position gross of pending slashes (price 1 ETH: stETH). */
async function modelExposure(f: LRTFixture, i: bigint, asset: string): Promise<bigint> {
  const info = await f.manager.node(i);
  const [m, maxMagnitude] = await f.slashingManager.magnitudes(info.operator, asset);
  let approved = 0n;
  let slashable = 0n;
  for (const avs of await f.manager.allowedAVSs()) {
    const al = await f.slashingManager.allocation(info.operator, avs, asset);
    approved += al.current + (al.pendingIncrease ? al.pendingDelta : 0n);
    slashable += al.current * (await f.slashingManager.avsConfig(avs)).maxSlashWad;
  }
  const held = m.encumbered - m.reserved;
  const unapproved = held > approved ? held - approved : 0n;
  let fraction = WAD;
  if (maxMagnitude !== 0n) fraction = mulDivUp(slashable + (unapproved + m.reserved) * WAD, 1n, maxMagnitude);
  if (fraction > WAD) fraction = WAD;
  const pos = await f.manager.position(i, asset);
  const pool = await f.vault.pool(info.operator, asset);
  const tokens = toAssetsDown(pos.active + pos.queued, pool.totalAssets, pool.totalShares);
  const value = mulDivDown(tokens, await f.oracle.price(asset), WAD);
  return mulDivUp(value, fraction, WAD);
}

/** The four LRT deposits of 10 stETH (nodes 0-3), the AVS allow-listed, 1 stETH idle (buffer raised for it). */
async function listedFixture(): Promise<LRTSlashFixture> {
  const f = await lrtSlashFixture();
  await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
  await fourDeposits(f);
  await (await f.manager.setBuffer(10_000, 0, 0)).wait();
  await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
  await (await f.manager.setBuffer(0, 0, 0)).wait();
  return f;
}

/** lrtFixture with the four 10 stETH deposits, and the outsider staking 100 stETH directly in operator1's pool. */
async function sharedPoolFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await fourDeposits(f);
  await (await f.stETH.mint(f.outsider.address, 100n * WAD)).wait();
  await (await f.stETH.connect(f.outsider).approve(f.vaultAddress, ethers.MaxUint256)).wait();
  await (
    await f.registry
      .connect(f.outsider)
      .delegateTo(f.operator1.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)
  ).wait();
  await (await f.vault.connect(f.outsider).deposit(f.stETHAddress, 100n * WAD, 0n)).wait();
  return f;
}

describe("Attack review 4 (issue #10): idle deposits while redemptions pend, gross exposure, reentrancy", function () {
  /* (1) Deposits stay idle while the asset has pending requests */

  it("fixed (review 4 F1): dave's 1-share stETH request, mined just before erin's 100 stETH deposit in the same block, no longer keeps the deposit idle: it goes to node 0 as without the request, for the same shares, and earns the pool's rewards", async function () {
    // The fix (LRTManager._priceDeposit): a deposit stays idle only if the asset's pending requests need all of it
    // (idle + in flight + deposit within what they are owed); a larger one is routed as usual.
    const f = await loadFixture(sharedPoolFixture);
    const pool = async (): Promise<bigint> => (await f.manager.position(0, f.stETHAddress)).active;
    const node0Before = await pool();
    // Control (no request): the deposit goes to node 0 (all nodes equally below weight; the first wins).
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    await (await f.stETHVault.connect(f.erin).deposit(100n * WAD, f.erin.address)).wait();
    expect(await pool()).to.be.gt(node0Before);
    const controlShares = await f.lrt.balanceOf(f.erin.address);
    await fundStETHRewards(f, f.operator1.address, (21n * WAD) / 10n);
    await time.increase(DAY);
    const node0 = (await f.manager.node(0)).node;
    const earnedStaked = await f.rewardDistributor.pendingRewards(node0, f.stETHAddress);
    await ethers.provider.send("evm_revert", [snapshot]);

    // The attack: dave's request of 1 LRT-wei (value 1 wei) and erin's deposit in one block, dave first.
    await ethers.provider.send("evm_setAutomine", [false]);
    const request = await f.stETHVault.connect(f.dave).requestRedeem(1n, f.dave.address, f.dave.address);
    const deposit = await f.stETHVault.connect(f.erin).deposit(100n * WAD, f.erin.address);
    await ethers.provider.send("evm_mine", []);
    await ethers.provider.send("evm_setAutomine", [true]);
    expect((await request.wait())?.blockNumber).to.equal((await deposit.wait())?.blockNumber);
    const id = await f.manager.requestCount();
    expect((await f.manager.request(id)).amount).to.equal(1n);
    // erin got exactly the shares of the control, and her deposit went to node 0 as in the control.
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(controlShares);
    expect(await pool()).to.be.gt(node0Before);
    // The next day's 2.1 stETH to operator1's pool: node 0 earns what it earned in the control.
    await fundStETHRewards(f, f.operator1.address, (21n * WAD) / 10n);
    await time.increase(DAY);
    expect(await f.rewardDistributor.pendingRewards(node0, f.stETHAddress)).to.be.closeTo(
      earnedStaked,
      10n ** 9n,
    );
    await expectSolvent(f);
  });

  it("fixed (review 4 F1, the wait): while a slash request reserving > 1 bps is pending, dave's dust request is not fulfilled, but erin's deposit goes to node 1 as without the dust (the dust does not need it)", async function () {
    const f = await loadFixture(listedFixture);
    await requestSlash(f, f.operators[0].address, WAD / 10n);
    await (await f.stETHVault.connect(f.dave).requestRedeem(1n, f.dave.address, f.dave.address)).wait();
    const dust = await f.manager.requestCount();
    await (await f.stETHVault.connect(f.erin).deposit(5n * WAD, f.erin.address)).wait();
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(15n * 10n ** 24n);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(WAD);
    // Idle covers the dust, but the pending slash (0.5 stETH of 41, 122 bps) holds fulfilment.
    await (await f.manager.processRequests(f.stETHAddress, 10n)).wait();
    expect((await f.manager.request(dust)).status).to.equal(PENDING);
    await expectSolvent(f);
  });

  it("fails: the idle rule changes neither the entry price nor who bears a slash: erin's 20 stETH buys the same shares idle (needed by pending requests) as staked, and after a 50% slash of operator1 erin and alice hold the same value per share in both cases; mint stays idle the same way", async function () {
    const f = await loadFixture(listedFixture);
    const run = async (
      withRequest: boolean,
    ): Promise<{ shares: bigint; perShareErin: bigint; perShareAlice: bigint }> => {
      const snapshot = await ethers.provider.send("evm_snapshot", []);
      if (withRequest) await largeRequests(f);
      const [total, supply] = [await f.manager.totalValue(false), await f.lrt.totalSupply()];
      await (await f.stETHVault.connect(f.erin).deposit(20n * WAD, f.erin.address)).wait();
      const shares = (await f.lrt.balanceOf(f.erin.address)) - WAD;
      expect(shares).to.equal(sharesFor(20n * WAD, total, supply));
      expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(withRequest ? 21n * WAD : WAD);
      await executeSlash(f, await requestSlash(f, f.operators[0].address, WAD / 2n));
      const [t, s] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
      const perShareErin = (valueOf(shares, t, s) * WAD) / shares;
      const perShareAlice = valueOf(10n * WAD, t, s) / 10n;
      await ethers.provider.send("evm_revert", [snapshot]);
      return { shares, perShareErin, perShareAlice };
    };
    const staked = await run(false);
    const idle = await run(true);
    expect(idle.shares).to.equal(staked.shares);
    // One rate for every holder in each case (to rounding); the idle case loses less (its 20 stETH were not in the pool).
    expect(staked.perShareErin).to.be.closeTo(staked.perShareAlice, 1n);
    expect(idle.perShareErin).to.be.closeTo(idle.perShareAlice, 1n);
    expect(idle.perShareAlice).to.be.gt(staked.perShareAlice);
    // mint: with the queue needing it, minting 5 LRT pulls previewMint's stETH into idle.
    await largeRequests(f);
    const assets = await f.stETHVault.previewMint(5n * WAD);
    const idleBefore = (await f.manager.assetBook(f.stETHAddress)).idle;
    const positions = await Promise.all(
      [0, 1, 2, 3].map(async (i) => (await f.manager.position(i, f.stETHAddress)).active),
    );
    await (await f.stETHVault.connect(f.erin).mint(5n * WAD, f.erin.address)).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle - idleBefore).to.equal(assets);
    for (const [i, p] of positions.entries())
      expect((await f.manager.position(i, f.stETHAddress)).active).to.equal(p);
  });

  /* (2) The gross exposure */

  it("fails: node 0's figure never reads below the pre-request one: 2.5 before, 2.75 during a 10% request (= before + reserved x (1 - 50%), below twice before), the same after expiry, 2.5 after anyone's cancel and after a veto; after the execution it reads the slashed pool (2.25, lower in bps too); every figure equals the formula of docs/lrt.md", async function () {
    const f = await loadFixture(listedFixture);
    const figure = async (): Promise<bigint> => {
      const e = (await f.manager.riskReport()).nodes[0].exposure;
      expect(e).to.equal(await modelExposure(f, 0n, f.stETHAddress));
      return e;
    };
    const before = await figure();
    expect(before).to.equal((5n * WAD) / 2n);
    const bpsBefore = (await f.manager.riskReport()).exposureBps;
    const id = await requestSlash(f, f.operators[0].address, WAD / 10n);
    const [m] = await f.slashingManager.magnitudes(f.operators[0].address, f.stETHAddress);
    expect(m.reserved).to.equal(WAD / 20n);
    const during = await figure();
    expect(during).to.equal(before + mulDivUp(10n * WAD, m.reserved / 2n, WAD));
    expect(during).to.equal((11n * WAD) / 4n);
    expect(during).to.be.lte(2n * before);
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    // Veto.
    await (await f.slashingManager.connect(f.committee).vetoSlash(id)).wait();
    expect(await figure()).to.equal(before);
    await ethers.provider.send("evm_revert", [snapshot]);
    // Expiry: past the execution window the request is still pending until someone cancels it.
    const snapshot2 = await ethers.provider.send("evm_snapshot", []);
    await time.increase(VETO_WINDOW + (await f.slashingManager.EXECUTION_WINDOW()));
    expect(await figure()).to.equal(during);
    await (await f.slashingManager.connect(f.outsider).cancelSlash(id)).wait();
    expect(await figure()).to.equal(before);
    await ethers.provider.send("evm_revert", [snapshot2]);
    // Execution: 0.5 stETH leaves the pool; 9.5 x 0.225 / 0.95.
    await executeSlash(f, id);
    const after = await figure();
    expect(after).to.equal(
      mulDivUp((19n * WAD) / 2n, mulDivUp(((9n * WAD) / 20n) * (WAD / 2n), 1n, (19n * WAD) / 20n), WAD),
    );
    expect(after).to.be.lt(before);
    expect((await f.manager.riskReport()).exposureBps).to.be.lt(bpsBefore);
  });

  it("limit (documented, review 4 F2): with a 25% cap, the AVS's 50% request on operator1 and erin's refreshExposure(0) (3.75 stETH cached) refuse every deposit to a node (SlashExposureBreached 2739 > 2500) while the same deposit passes without the refresh (2441); riskReport shows exposureOk false from the reservation alone; the slasher's cancel leaves the cache raised until the next refresh", async function () {
    // Root fix: count the magnitude a request reserves at the requesting AVS's maxSlashWad when it is allow-listed
    // (100% otherwise): the figure is then exactly the pre-request one.
    const f = await loadFixture(listedFixture);
    // Node 0 (the slashed operator's) gets no deposits, so every refusal comes from nodes 1-3.
    await (await f.manager.setWeights([0, 3_334, 3_333, 3_333])).wait();
    await (await f.manager.setRiskCaps(10_000, 2_500)).wait();
    let report = await f.manager.riskReport();
    expect([report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([10n * WAD, 2_440n, true]);
    const id = await requestSlash(f, f.operators[0].address, WAD / 2n);
    // Without a refresh: (2.75 + 2.5 + 2.5 + 2.5) / 42 = 24.41%.
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(11n * 10n ** 24n);
    await ethers.provider.send("evm_revert", [snapshot]);
    // erin refreshes node 0: 10 x (0.25 x 0.5 + 0.25) = 3.75 cached.
    await expect(f.manager.connect(f.erin).refreshExposure(0))
      .to.emit(f.manager, "ExposureRefreshed")
      .withArgs(0n, (15n * WAD) / 4n);
    const bps = mulDivUp(
      (15n * WAD) / 4n + (15n * WAD) / 2n - (5n * WAD) / 2n + (11n * WAD) / 4n,
      BPS,
      42n * WAD,
    );
    expect(bps).to.equal(2_739n);
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(bps, 2_500n);
    // The report: 11.25 / (41 - 2.5 reserved) = 29.23%: a breach that is only the pending reservation.
    report = await f.manager.riskReport();
    expect(report.exposure).to.equal((45n * WAD) / 4n);
    expect(report.totalValue).to.equal((77n * WAD) / 2n);
    expect([report.exposureBps, report.exposureOk]).to.deep.equal([2_923n, false]);
    // The slasher cancels: the pool reopens, the cache stays raised, the deposit is still refused.
    await (await f.slashingManager.connect(f.slasher).cancelSlash(id)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(bps, 2_500n);
    report = await f.manager.riskReport();
    expect([report.exposureBps, report.exposureOk]).to.deep.equal([2_440n, true]);
    // Anyone's refresh ends it.
    await (await f.manager.connect(f.outsider).refreshExposure(0)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(11n * 10n ** 24n);
  });

  it("fails: a fully reserved pool (100% AVS, 100% allocation, 100% request) reads a fraction capped at 1 (exposure = the whole 10 stETH position); once executed (maxMagnitude 0) the position is 0, the figure 0, and deposits skip the node (PoolFullySlashed)", async function () {
    const f = await loadFixture(lrtFixture);
    const signers = await ethers.getSigners();
    const [avs, slasher] = [signers[15], signers[16]];
    await (
      await f.slashingManager.connect(avs).registerAVS("ipfs://avs", {
        slasher: slasher.address,
        vetoCommittee: ethers.ZeroAddress,
        vetoWindow: 0,
        maxSlashWad: WAD,
        recipient: ethers.ZeroAddress,
        registrar: ethers.ZeroAddress,
        assets: [f.stETHAddress],
      })
    ).wait();
    const op = f.operators[0];
    await (await f.slashingManager.connect(op).registerOperatorToAVS(avs.address, "0x")).wait();
    await (await f.slashingManager.connect(op).modifyAllocation(avs.address, f.stETHAddress, WAD)).wait();
    await time.increase(await f.slashingManager.allocationDelay());
    await (await f.manager.setAllowedAVSs([avs.address])).wait();
    await fourDeposits(f);
    expect((await f.manager.riskReport()).nodes[0].exposure).to.equal(10n * WAD);
    await (
      await f.slashingManager.connect(slasher).requestSlash(avs.address, op.address, WAD, ethers.ZeroHash)
    ).wait();
    const id = await f.slashingManager.slashRequestCount();
    const [m, maxMagnitude] = await f.slashingManager.magnitudes(op.address, f.stETHAddress);
    expect([m.reserved, maxMagnitude]).to.deep.equal([WAD, WAD]);
    expect((await f.manager.riskReport()).nodes[0].exposure).to.equal(10n * WAD);
    expect(await modelExposure(f, 0n, f.stETHAddress)).to.equal(10n * WAD);
    await (await f.slashingManager.executeSlash(id)).wait();
    const [, maxAfter] = await f.slashingManager.magnitudes(op.address, f.stETHAddress);
    expect(maxAfter).to.equal(0n);
    const pool = await f.vault.pool(op.address, f.stETHAddress);
    expect([pool.totalAssets, pool.fullySlashed]).to.deep.equal([0n, true]);
    const report = await f.manager.riskReport();
    expect([report.nodes[0].value, report.nodes[0].exposure]).to.deep.equal([0n, 0n]);
    expect(report.totalValue).to.equal(30n * WAD);
    // The next deposit would go to node 0 (furthest below its weight): it skips to node 1.
    await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(10n ** 25n);
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(11n * 10n ** 24n);
  });

  /* (3) Unguarded entries */

  it("fixed (review 4 F3): a reentrant reward asset's claim transfer during the harvest of setProtocolFee or setAssetConfig (countRewards off) is refused by the guard, as during harvest(): the attacker's deposit never gets in", async function () {
    // The fix: nonReentrant on setProtocolFee and setAssetConfig (both run _harvest, which moves tokens).
    const f = await loadFixture(reentrantLRTFixture);
    const { token, asset, manager, entry, lrt } = f;
    // The reentrant asset counts rewards: the distributor lists it; 10 of it stream to the staked node's pool.
    const staked = (await manager.position(0, asset)).active !== 0n ? 0n : 1n;
    const node = await manager.node(staked);
    await (await f.rewardDistributor.addRewardToken(asset, WAD / 100n)).wait();
    await (await token.mint(f.admin.address, 10n * WAD)).wait();
    await (await token.approve(await f.rewardDistributor.getAddress(), 10n * WAD)).wait();
    await (await f.rewardDistributor.fundRewards(node.operator, asset, asset, 10n * WAD, DAY)).wait();
    await (await manager.setAssetConfig(asset, 10n ** 24n, true, true)).wait();
    await (await manager.setBuffer(10_000, 0, 0)).wait(); // the attacker's deposit stays idle (no vault call)
    await time.increase(DAY);
    // The attacker's contract holds 200 of the asset; armed, the token calls it during the next transfer.
    const attacker = await deployAttackAccount(f.alice);
    await (await token.mint(attacker.address, 200n * WAD)).wait();
    const entryAddress = await entry.getAddress();
    const calls = executeData([
      call(asset, token.interface.encodeFunctionData("approve", [entryAddress, ethers.MaxUint256])),
      call(entry, entry.interface.encodeFunctionData("deposit", [200n * WAD, attacker.address])),
    ]);
    // Control: during harvest() the reentry is refused by the guard.
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    await (await token.arm(attacker.address, calls)).wait();
    await (await manager.harvest()).wait();
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect(await token.lastRevertSelector()).to.equal(
      ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10),
    );
    expect(await lrt.balanceOf(attacker.address)).to.equal(0n);
    await ethers.provider.send("evm_revert", [snapshot]);
    // setProtocolFee (0 -> 10%) runs the harvest: the reentry is refused too.
    const guard = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);
    await (await token.arm(attacker.address, calls)).wait();
    await (await manager.setProtocolFee(1_000)).wait();
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect(await token.lastRevertSelector()).to.equal(guard);
    expect(await lrt.balanceOf(attacker.address)).to.equal(0n);
    // So does setAssetConfig turning countRewards off (it harvests first).
    await time.increase(DAY / 2n);
    await (await token.arm(attacker.address, calls)).wait();
    await (await manager.setAssetConfig(asset, 10n ** 24n, true, false)).wait();
    expect(await token.lastReentrySucceeded()).to.equal(false);
    expect(await token.lastRevertSelector()).to.equal(guard);
    expect(await lrt.balanceOf(attacker.address)).to.equal(0n);
  });
});
