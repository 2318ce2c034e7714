/**
 * Attack review 3 of the LRT (issue #10; `git diff 51dffc5 HEAD -- contracts sdk/lrt.ts`): the partial fill of a head
 * the asset can no longer pay (LRT fixes review F1), CREATE2 nodes with approver signatures, the valuation refactor
 * (arrays sized to the LRT, RewardDistributor.pendingRewardsOf) and the exposure cap read from magnitudes (LRT review
 * F8) around a slash request.
 *
 * Findings (both fixed at the root; the tests below are the PoCs turned around):
 *   F1  fixed (Medium, liveness; deposits of an asset with pending requests now stay idle): "the nodes hold none of the asset" is read from the nodes' positions at the time of
 *       processRequests, and any deposit of the asset is routed to a node while the LRT's free idle (summed over
 *       every asset) meets the buffer target. So a 1 gwei stETH deposit made once per withdrawal delay keeps an
 *       underwater stETH head (and every stETH request behind it) Pending forever: each processRequests queues the
 *       dust instead of filling in part. The attacker keeps her dust's value; she pays gas only.
 *   F2  fixed (Low, risk policy; exposure is now read gross, the reserved magnitude at 100%): while a slash request is pending, the node's exposure is read net of the
 *       reservation (position value net of pendingSlash, fraction from the allocation left after the reserved
 *       magnitude) and so drops (10 -> 9.5 ETH valued at 0.2368 instead of 0.25: 2.25 instead of 2.5 ETH), while the
 *       deposit check divides by the gross total. Anyone may refresh the cached figure during the window; deposits
 *       then pass the cap by the slack, and a veto (or the slasher's own cancel) puts the exposure back above it.
 * Failed attacks:
 *   - instant exits cannot drain idle owed to the head to force its partial fill (InsufficientBuffer, free 0), before
 *     or after the price fall;
 *   - one processRequests with full, partial and returned requests: burns exactly the fulfilled shares, returns the
 *     rest, leaves no escrow, pays the partial at most the full per-share rate, does not lower the rate; claims by
 *     amount and by request never pay more than credited (the per-request ERC-7540 view over-reports after a claim
 *     by amount: pre-existing, noted);
 *   - the valuation equals the sum of its parts (idle, positions, pending rewards net of fee node by node) with
 *     rewards counted, a node with an empty mask and accrued rewards, 0-position nodes; pendingRewardsOf with
 *     duplicated and zero stakers equals pendingRewards, and masks beyond the asset list revert;
 *   - approver signatures: one for another manager's node or another node of the same manager is refused
 *     (InvalidSignature), a stranger cannot call the node's delegateTo or initialize it again, and the CREATE2
 *     address can only be deployed by the manager (nodeCount as salt, never reused);
 *   - the whole-token price conversion below 18 decimals: a 6-decimal asset's adapter rate that converts to 0 is
 *     refused by updatePrice (ZeroPrice) and clamped by priceRange to the move bound's floor, like a failed adapter;
 *     the exact division equals the former mulDiv (no new rounding).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { LRTNode__factory, MockERC20__factory, MockRateAdapter__factory } from "../../typechain-types";
import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import {
  CLAIMABLE,
  LRT_CAP,
  RETURNED,
  STETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  valueOf,
  type LRTFixture,
  deployTestLRT,
} from "../helpers/lrtFixtures";
import { approveNode, fundStETHRewards, nodeAddress, queuedIds, requestSlash } from "../helpers/lrtActions";
import { ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS, oracleFixture } from "../helpers/oracleFixtures";
import { salt } from "../helpers/signatures";
import { mulDivDown, mulDivUp } from "../helpers/sharesMath";
import { expectSolvent } from "./lrtReviewHelpers";

const FALLEN_PRICE = (9n * STETH_PRICE) / 10n;
const GWEI = 10n ** 9n;

/** alice deposits 10 stETH (the LRT's only stETH), bob 100 rETH (110 ETH): 120 ETH, 120 LRT, all in nodes. */
async function stETHMinorityFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
  return f;
}

/** The same holdings kept idle (buffer 100%): the nodes hold nothing, so a short head is filled in part at once. */
async function allIdleFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.manager.setBuffer(10_000, 0, 0)).wait();
  await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
  return f;
}

/** The stETH a pending request of `shares` worth `atRequest` is owed now at `price` (as `_fulfilHead` computes it). */
function owedTokens(shares: bigint, atRequest: bigint, total: bigint, supply: bigint, price: bigint): bigint {
  const now = valueOf(shares, total, supply);
  return ((now < atRequest ? now : atRequest) * WAD) / price;
}

/** The exit total value recomputed from its parts: idle, the nodes' positions at their pools' net rates, and (for
 * assets counting rewards) each node's pending rewards net of the protocol fee, each rounded as docs/lrt.md "Rate". */
async function exitValueFromParts(f: LRTFixture): Promise<bigint> {
  const assets = [
    { address: f.stETHAddress, price: await f.oracle.price(f.stETHAddress) },
    { address: f.rETHAddress, price: await f.oracle.price(f.rETHAddress) },
  ];
  const feeBps = BigInt((await f.manager.policy()).protocolFeeBps);
  let total = 0n;
  for (const a of assets) {
    total += mulDivDown((await f.manager.assetBook(a.address)).idle, a.price, WAD);
    const counted = (await f.manager.assetConfig(a.address)).countRewards;
    for (let i = 0n; i < (await f.manager.nodeCount()); ++i) {
      const info = await f.manager.node(i);
      const pos = await f.manager.position(i, a.address);
      const pool = await f.vault.pool(info.operator, a.address);
      const tokens = mulDivDown(
        pos.active + pos.queued,
        pool.totalAssets - pool.pendingSlash + 1n,
        pool.totalShares + 10n ** 6n,
      );
      total += mulDivDown(tokens, a.price, WAD);
      if (counted) {
        const pending = await f.rewardDistributor.pendingRewards(info.node, a.address);
        total += mulDivDown(pending - mulDivUp(pending, feeBps, 10_000n), a.price, WAD);
      }
    }
  }
  return total;
}

describe("Attack review 3 (issue #10): partial fill, CREATE2 nodes, valuation refactor, exposure", function () {
  /* The partial fill (LRT fixes review F1) */

  it("fixed (review 3 F1): erin's 1 gwei stETH deposit, made while bob's underwater 10-LRT stETH head waits, stays idle instead of going to a node; the next processRequests fills the head in part at once (10 stETH + 1 gwei), and erin's dust keeps its value", async function () {
    // The fix (LRTManager._priceDeposit): while an asset has pending redemption requests, its deposits stay idle and
    // pay them first, so "the nodes hold none of the asset" can be undone only by the queue itself.
    const f = await loadFixture(stETHMinorityFixture);
    expect((await f.manager.policy()).bufferBps).to.equal(0n);
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    // The first pass queues the nodes' 10 stETH; a withdrawal delay later they are idle: the head is owed 11.018.
    const first = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect(first.length).to.equal(1);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(first)).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    // erin deposits 1 gwei of stETH: with bob's request pending it stays idle (node 0 holds no stETH).
    const node0Before = (await f.manager.position(0, f.stETHAddress)).active;
    await (await f.stETHVault.connect(f.erin).deposit(GWEI, f.erin.address)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(node0Before);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD + GWEI);
    const erinShares = await f.lrt.balanceOf(f.erin.address);
    expect(erinShares).to.equal(907_563_025n);
    // The next processRequests queues nothing and fills bob's head in part with all the idle stETH.
    const tx = f.manager.processRequests(f.stETHAddress, 10n);
    await expect(tx).to.emit(f.manager, "RedeemPartiallyFulfilled");
    expect((await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n))).length).to.equal(0);
    const request = await f.manager.request(1n);
    expect(request.status).to.equal(CLAIMABLE);
    expect(request.amount).to.equal(10n * WAD + GWEI);
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.idle, book.inFlightRedeem, book.head, book.tail]).to.deep.equal([0n, 0n, 1n, 1n]);
    // erin lost nothing: her gwei of stETH is still worth at least a gwei less rounding in LRT.
    const erinValue = valueOf(erinShares, await f.manager.totalValue(true), await f.lrt.totalSupply());
    expect(erinValue).to.be.gte((GWEI * FALLEN_PRICE) / WAD - 2n);
    await expectSolvent(f);
  });

  it("fails: instant exits cannot take the stETH owed to bob's head to force its partial fill: free idle is 0 before and after the fall (InsufficientBuffer), and the head is then filled exactly as the rule says", async function () {
    const f = await loadFixture(allIdleFixture);
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    await expect(f.manager.connect(f.alice).instantRedeem(WAD, f.stETHAddress, 0n, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "InsufficientBuffer")
      .withArgs(f.stETHAddress, 0n, WAD);
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    // After the fall the head is owed more stETH than there is: still nothing is free, even 1 wei.
    const [total, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    const oneWeiShares = 2n;
    await expect(
      f.manager.connect(f.alice).instantRedeem(oneWeiShares, f.stETHAddress, 0n, f.alice.address),
    ).to.be.revertedWithCustomError(f.manager, "InsufficientBuffer");
    const owed = owedTokens(10n * WAD, 10n * WAD, total, supply, FALLEN_PRICE);
    const filled = (10n * WAD * 10n * WAD + owed - 1n) / owed;
    await expect(f.manager.connect(f.erin).processRequests(f.stETHAddress, 1n))
      .to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, 10n * WAD - filled, 10n * WAD);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(10n * WAD);
    await expectSolvent(f);
  });

  it("fails: one processRequests over four requests with mixed outcomes (full, full, partial, returned) burns exactly the fulfilled shares, returns the rest to the controllers, leaves no escrow, pays the partial at most the full per-share rate and does not lower the rate; bob's claims by amount over his full and partial requests pay exactly what was credited, never more", async function () {
    const f = await loadFixture(allIdleFixture);
    // bob requests 10 LRT of stETH (all there is) in four parts: carol 4, bob 4, bob 1.5, dave 0.5.
    const parts: Array<[bigint, string]> = [
      [4n * WAD, f.carol.address],
      [4n * WAD, f.bob.address],
      [(3n * WAD) / 2n, f.bob.address],
      [WAD / 2n, f.dave.address],
    ];
    for (const [shares, controller] of parts) {
      await (await f.stETHVault.connect(f.bob).requestRedeem(shares, controller, f.bob.address)).wait();
    }
    await (await f.oracle.setPrice(f.stETHAddress, FALLEN_PRICE)).wait();
    const rateBefore = await f.manager.getRate();
    const [total, supply] = [await f.manager.totalValue(true), await f.lrt.totalSupply()];
    expect([total, supply]).to.deep.equal([119n * WAD, 120n * WAD]);
    // The rate is 119/120 throughout the full fills (payouts leave value and supply in proportion, up to rounding).
    const owed1 = owedTokens(4n * WAD, 4n * WAD, total, supply, FALLEN_PRICE);
    expect(owed1).to.equal(4_407_407_407_407_716_048n);
    const tx = f.manager.processRequests(f.stETHAddress, 10n);
    await expect(tx)
      .to.emit(f.manager, "RedeemFulfilled")
      .withArgs(1n, f.carol.address, f.stETHAddress, 4n * WAD, owed1)
      .and.to.emit(f.manager, "RedeemFulfilled")
      .withArgs(2n, f.bob.address, f.stETHAddress, 4n * WAD, owed1)
      .and.to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(4n, f.dave.address, f.stETHAddress, 0n, WAD / 2n, 0n);
    const r3 = await f.manager.request(3n);
    const idleLeft = 10n * WAD - 2n * owed1;
    expect([r3.status, r3.amount]).to.deep.equal([CLAIMABLE, idleLeft]);
    expect((await f.manager.request(4n)).status).to.equal(RETURNED);
    // The partial fill's per-share payout is at most the full fills': amount3 / shares3 <= owed1 / 4 LRT.
    expect(r3.amount * 4n * WAD).to.be.lte(owed1 * r3.shares);
    const returned3 = (3n * WAD) / 2n - r3.shares;
    // Request 3 is owed its value at the figures the two full fills left (value and supply out in proportion).
    const total2 = total - 2n * ((owed1 * FALLEN_PRICE) / WAD);
    const owed3 = owedTokens((3n * WAD) / 2n, (3n * WAD) / 2n, total2, supply - 8n * WAD, FALLEN_PRICE);
    expect(owed3).to.be.gt(idleLeft);
    expect(r3.shares).to.equal(mulDivUp((3n * WAD) / 2n, idleLeft, owed3));
    expect(r3.shares).to.equal(1_075_630_252_100_204_792n);
    // Escrow empty, supply down by exactly the fulfilled shares, controllers hold their returned shares.
    expect(await f.lrt.balanceOf(f.managerAddress)).to.equal(0n);
    expect(await f.lrt.totalSupply()).to.equal(120n * WAD - 8n * WAD - r3.shares);
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(110n * WAD - 10n * WAD + returned3);
    expect(await f.lrt.balanceOf(f.dave.address)).to.equal(WAD / 2n);
    expect(await f.manager.getRate()).to.be.gte(rateBefore);
    expect(await f.manager.totalValue(true)).to.equal(110n * WAD);
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.idle, book.reserved, book.pendingRedeemValue, book.head, book.tail]).to.deep.equal([
      0n,
      10n * WAD,
      0n,
      4n,
      4n,
    ]);
    // bob's two claimable requests share one balance: 4 + 1.0756 LRT for 4.4074 + 1.1852 stETH.
    const credited = owed1 + idleLeft;
    expect(await f.stETHVault.maxWithdraw(f.bob.address)).to.equal(credited);
    // He withdraws 4 stETH by amount; the per-request views then each show the balance left (their sum exceeds it:
    // the ERC-7540 per-request view is ambiguous once a balance is claimed by amount; pre-existing).
    await (await f.stETHVault.connect(f.bob).withdraw(4n * WAD, f.bob.address, f.bob.address)).wait();
    const left = await f.manager.claimable(f.stETHAddress, f.bob.address);
    const views =
      (await f.stETHVault.claimableRedeemRequest(2n, f.bob.address)) +
      (await f.stETHVault.claimableRedeemRequest(3n, f.bob.address));
    expect(views).to.be.gt(left.shares);
    // Claiming request 2 by id now asks more than is left: refused; claiming the rest by amount pays exactly it.
    await expect(f.stETHVault.connect(f.bob).claim(2n, f.bob.address, 0n)).to.be.revertedWithCustomError(
      f.manager,
      "ClaimExceeded",
    );
    await expect(
      f.stETHVault.connect(f.bob).redeem(left.shares, f.bob.address, f.bob.address),
    ).to.changeTokenBalance(f.stETH, f.bob, credited - 4n * WAD);
    await expect(f.stETHVault.connect(f.bob).claim(3n, f.bob.address, 0n)).to.be.revertedWithCustomError(
      f.manager,
      "ClaimExceeded",
    );
    // carol claims her request; dave's returned one pays nothing; the books end at 0.
    await (await f.stETHVault.connect(f.carol).claim(1n, f.carol.address, owed1)).wait();
    await expect(f.stETHVault.connect(f.dave).claim(4n, f.dave.address, 0n))
      .to.be.revertedWithCustomError(f.manager, "NotClaimable")
      .withArgs(4n, RETURNED);
    expect((await f.manager.assetBook(f.stETHAddress)).reserved).to.equal(0n);
    expect(await f.stETH.balanceOf(f.managerAddress)).to.equal(0n);
    await expectSolvent(f);
  });

  /* The exposure cap (LRT review F8) around a slash request */

  it("fixed (review 3 F2): with a 24.5% exposure cap, erin's 50 stETH deposit is refused (24.73%); a 10% slash request on operator1 now raises node 0's exposure (gross position, the reserved magnitude counted at 100%) instead of lowering it, so refreshing it during the window lets nothing pass; after the veto the LRT is within its cap", async function () {
    // The fix (LRTRisk._assetExposure): a node's exposure is read gross of pending slashes, with the magnitude pending
    // requests reserve counted as wholly slashable over the operator's whole magnitude: at least the figure before the
    // request and the figure a veto restores.
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    for (const s of [f.alice, f.bob, f.carol, f.dave]) {
      await (await f.stETHVault.connect(s).deposit(10n * WAD, s.address)).wait();
    }
    // 1 stETH idle beside the four nodes' 10 stETH each; cap 24.5%.
    await (await f.manager.setBuffer(10_000, 0, 0)).wait();
    await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
    await (await f.manager.setBuffer(0, 0, 0)).wait();
    await (await f.manager.setRiskCaps(10_000, 2_450)).wait();
    let report = await f.manager.riskReport();
    expect([report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([10n * WAD, 2_440n, true]);
    // Without a slash request: (7.5 + 12.5 for node 0 with 50 more) / 91 = 24.73% > 24.5%.
    await expect(f.stETHVault.connect(f.erin).deposit(50n * WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
      .withArgs(2_473n, 2_450n);
    // The AVS's slasher requests 10% of operator1's allocation (node 0): 0.5 stETH reserved.
    const id = await requestSlash(f, f.operators[0].address, WAD / 10n);
    report = await f.manager.riskReport();
    // The exit valuation nets the reservation; the exposure does not shrink with it.
    expect(report.nodes[0].value).to.equal(9n * WAD + WAD / 2n);
    const during = report.nodes[0].exposure;
    expect(during).to.be.gte((5n * WAD) / 2n);
    await (await f.manager.connect(f.erin).refreshExposure(0)).wait();
    // The same deposit is still refused: node 0's pool is closed by the request (the first refusal, which pickNode
    // reverts with) and node 1 would breach the cap at (exposure + 15 + 2.5 + 2.5) / 91 > 24.73%.
    const expectedBps = ((during + 15n * WAD + 5n * WAD) * 10_000n + 91n * WAD - 1n) / (91n * WAD);
    expect(expectedBps).to.be.gt(2_473n);
    await expect(f.stETHVault.connect(f.erin).deposit(50n * WAD, f.erin.address))
      .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
      .withArgs(f.operators[0].address, f.stETHAddress, 1n);
    // Control: with the cap raised to exactly that figure, the deposit goes to node 1; one bps lower it does not.
    const snapshot = await ethers.provider.send("evm_snapshot", []);
    await (await f.manager.setRiskCaps(10_000, Number(expectedBps) - 1)).wait();
    await expect(f.stETHVault.connect(f.erin).deposit(50n * WAD, f.erin.address)).to.be.reverted;
    await (await f.manager.setRiskCaps(10_000, Number(expectedBps))).wait();
    await (await f.stETHVault.connect(f.erin).deposit(50n * WAD, f.erin.address)).wait();
    expect((await f.manager.position(1, f.stETHAddress)).active).to.equal(60n * 10n ** 24n);
    await ethers.provider.send("evm_revert", [snapshot]);
    // The committee vetoes: node 0's exposure is 2.5 again, and the LRT is within its cap.
    await (await f.slashingManager.connect(f.committee).vetoSlash(id)).wait();
    report = await f.manager.riskReport();
    expect(report.nodes[0].exposure).to.equal((5n * WAD) / 2n);
    expect([report.totalValue, report.exposure, report.exposureBps, report.exposureOk]).to.deep.equal([
      41n * WAD,
      10n * WAD,
      2_440n,
      true,
    ]);
  });

  /* The valuation refactor */

  it("fails: with stETH rewards counted at a 10% fee, node 0 emptied (mask 0) but holding accrued rewards, and nodes 2-3 holding nothing, the exit value equals the sum of its parts to the wei; pendingRewardsOf with duplicated and zero stakers equals pendingRewards, and a mask beyond the asset list reverts", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.rETHVault.connect(f.bob).deposit(10n * WAD, f.bob.address)).wait();
    await fundStETHRewards(f, f.operators[0].address, 3n * WAD);
    await fundStETHRewards(f, f.operators[1].address, WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, LRT_CAP, true, true)).wait();
    await (await f.manager.setProtocolFee(1_000)).wait();
    await time.increase(DAY / 2n);
    // Node 0's whole stETH position is withdrawn: its mask empties, its rewards stay accrued in the distributor.
    const shares0 = (await f.manager.position(0, f.stETHAddress)).active;
    expect(shares0).to.equal(10n ** 25n);
    const ids = await queuedIds(f, f.manager.rebalance(0, f.stETHAddress, shares0));
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    expect((await f.manager.node(0)).assetMask).to.equal(0n);
    const node0 = (await f.manager.node(0)).node;
    const accrued0 = await f.rewardDistributor.pendingRewards(node0, f.stETHAddress);
    expect(accrued0).to.be.gt(0n);
    const fromParts = await exitValueFromParts(f);
    expect(await f.manager.totalValue(true)).to.equal(fromParts);
    expect(fromParts).to.be.gt(21n * WAD);
    // pendingRewardsOf: node 0 (mask 0), node 1 (rETH, bit 1), node 0 again, the zero address.
    const nodes = [node0, (await f.manager.node(1)).node, node0, ethers.ZeroAddress];
    const list = [f.stETHAddress, f.rETHAddress];
    const amounts = await f.rewardDistributor.pendingRewardsOf(nodes, f.stETHAddress, list, [0n, 2n, 3n, 3n]);
    expect(amounts).to.deep.equal([
      accrued0,
      await f.rewardDistributor.pendingRewards(nodes[1], f.stETHAddress),
      accrued0,
      0n,
    ]);
    await expect(
      f.rewardDistributor.pendingRewardsOf([node0], f.stETHAddress, list, [4n]),
    ).to.be.revertedWithCustomError(f.rewardDistributor, "UnknownAsset");
    // Harvest moves the rewards into idle and mints the fee: the rate does not fall.
    const rate = await f.manager.getRate();
    await (await f.manager.harvest()).wait();
    expect(await f.manager.getRate()).to.be.gte(rate);
    expect(await f.manager.totalValue(true)).to.equal(await exitValueFromParts(f));
    await expectSolvent(f);
  });

  /* CREATE2 nodes and approver signatures */

  it("fails: the approver's signature for this manager's node 4 is refused by a second LRT's createNode (its node 0 sits elsewhere) and by redelegateNode of node 0; strangers cannot delegate or re-initialize a node; the predicted address is deployed only by the manager's createNode", async function () {
    const f = await loadFixture(lrtFixture);
    const signers = await ethers.getSigners();
    const op = signers[18];
    await (await f.registry.connect(op).registerAsOperator("ipfs://op", 1_000, f.approver.address)).wait();
    const predicted = await nodeAddress(f, 4);
    const s = salt("review 3 node 4");
    const expiry = BigInt(await time.latest()) + DAY;
    const sig = await approveNode(f, f.approver, predicted, op.address, s, expiry);
    // A second LRT on the same core: its node 0 is another address, so the signature does not verify there.
    const second = await deployTestLRT(f.admin, f, {
      oracle: await f.oracle.getAddress(),
      treasury: f.treasury.address,
      rewardsReceiver: f.rewardsReceiver.address,
      assets: [{ asset: f.stETHAddress, cap: LRT_CAP }],
    });
    await expect(second.manager.createNode(op.address, 10_000, sig, s)).to.be.revertedWithCustomError(
      f.registry,
      "InvalidSignature",
    );
    // Node 0, force-undelegated and empty, cannot be redelegated to op with node 4's signature.
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    await (await f.manager.syncNode(0)).wait();
    await expect(f.manager.redelegateNode(0, op.address, sig, s)).to.be.revertedWithCustomError(
      f.registry,
      "InvalidSignature",
    );
    // Strangers and the node.
    const asNode = LRTNode__factory.connect(node0, f.outsider);
    await expect(asNode.delegateTo(await f.registry.getAddress(), op.address, sig, s))
      .to.be.revertedWithCustomError(asNode, "OnlyManager")
      .withArgs(f.outsider.address);
    await expect(
      asNode.initialize(f.outsider.address, f.vaultAddress, ethers.ZeroAddress),
    ).to.be.revertedWithCustomError(asNode, "InvalidInitialization");
    // The signature still serves its purpose once: node 4 at the predicted address, delegated to op.
    expect(await ethers.provider.getCode(predicted)).to.equal("0x");
    await expect(f.manager.createNode(op.address, 0, sig, s))
      .to.emit(f.manager, "NodeCreated")
      .withArgs(4n, predicted, op.address, 0n);
    expect(await f.vault.delegatedTo(predicted)).to.equal(op.address);
    expect((await f.manager.node(0)).undelegated).to.equal(true);
  });

  /* The oracle's conversion (OracleMathLib.toWholeTokenPriceDown) */

  it("fails: a 6-decimal asset whose adapter rate converts to 0 (below 1e12 per 1e18 units) cannot store a 0 price (ZeroPrice), and priceRange gives the move bound's floor below the stored price; one unit up converts exactly (rate / 1e12)", async function () {
    const { oracle, admin } = await loadFixture(oracleFixture);
    const token = await new MockERC20__factory(admin).deploy("Six", "SIX", 6);
    const tokenAddress = await token.getAddress();
    // 1 ETH per whole token (1e6 units) is a rate of 1e30 per 1e18 units.
    const adapter = await new MockRateAdapter__factory(admin).deploy(tokenAddress, 10n ** 30n);
    await (
      await oracle.addAsset(tokenAddress, await adapter.getAddress(), ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS)
    ).wait();
    const stored = WAD;
    expect(await oracle.price(tokenAddress)).to.equal(stored);
    const floor = stored - (stored * ORACLE_MAX_MOVE_BPS) / 10_000n;
    await (await adapter.setRate(10n ** 12n - 1n)).wait();
    expect(await oracle.adapterPrice(tokenAddress)).to.equal(0n);
    await expect(oracle.updatePrice(tokenAddress))
      .to.be.revertedWithCustomError(oracle, "ZeroPrice")
      .withArgs(tokenAddress);
    expect(await oracle.priceRange(tokenAddress)).to.deep.equal([floor, stored]);
    await (await adapter.setRate(10n ** 12n * 3n + 10n ** 12n - 1n)).wait();
    expect(await oracle.adapterPrice(tokenAddress)).to.equal(
      mulDivDown(10n ** 12n * 4n - 1n, 10n ** 6n, WAD),
    );
    expect(await oracle.adapterPrice(tokenAddress)).to.equal(3n);
  });
});
