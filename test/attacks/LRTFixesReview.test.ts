/**
 * Attack review of the LRT review fixes (issue #10, F1-F8; `git diff 7f22070 HEAD -- contracts/lrt ...`): each fix
 * attacked, and the regressions it could bring, one test per attack.
 *
 * Findings:
 *   F1  fixed (issue #10): the liquidity cap is checked at request only: a price drop of the asset (or a slash of its
 *       pools) after the request brought back the stuck head F1 removed; the asset's queue and its new requests
 *       waited for new deposits. Once the nodes hold none of the asset, a head idle cannot pay is now fulfilled for
 *       the pro-rata part of its shares (rounded up) and the rest go back to its controller
 *       (RedeemPartiallyFulfilled): value preserved, the rate does not fall, the queue moves on.
 *   F2  fixed: an AVS slasher with allocations from three of the LRT's operators kept every fulfilment blocked with
 *       dust slash requests. Fulfilment now waits only for pending requests that reserve more than 1 bps of the
 *       LRT's value (LRTOperations.PENDING_SLASH_TOLERANCE_BPS).
 *   F5  fixed: an adapter that reverted stopped the LRT at once. A failing (or 0) adapter now gives the whole move
 *       bound around the fresh stored price (LRTOracle.priceRange); staleness stays the one hard stop.
 * Failed attacks and limits:
 *   F1  a whale filling an asset's capacity blocks others' requests in that asset only until her (real, escrowed)
 *       exit is fulfilled; the other asset stays open. The boundary value + owed == held passes, +1 wei reverts.
 *   F3  refilling the buffer before an exit, or splitting it, saves nothing (the fee integral is additive; the rate
 *       rounds up to a whole bps, against the exiter).
 *   F4  harvest, processRequests, a claim and a deposit share a transaction; only deposit + redemption is refused
 *       (also for unrelated accounts batched by one relayer: the documented cost of the per-transaction flag).
 *   F5  an adapter at 0 or 2^200 is clamped to the move bound; pushing the rate moves at most the bound's width of a
 *       trade to the holders (limit: the adapter's rate is trusted).
 *   F6  a paused distributor blocks setProtocolFee / countRewards off until unpaused; no value moves (limit).
 *   F7  redelegation to an operator with an approver needs the approver's signature for the node (without it, it
 *       reverts atomically; issue #10 made it possible with one); to the undelegating operator again, it can
 *       repeat the undelegation, costing only the withdrawal delay.
 *   F8  not attacked with a test here (see the report).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { deployOracle, deployRateAdapter } from "../../sdk/oracle";
import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import {
  MockRETH__factory,
  MockWstETH__factory,
  type LRTAssetVault,
  type LRTManager,
  type LRTOracle,
  type LiquidRestakingToken,
  type MockWstETH,
} from "../../typechain-types";
import {
  ASSET_CAP,
  DAY,
  DEFAULT_WITHDRAWAL_DELAY,
  WAD,
  coreFixture,
  withdrawalId,
} from "../helpers/fixtures";
import {
  CLAIMABLE,
  LRT_CAP,
  PENDING,
  STETH_PRICE,
  lrtFixture,
  lrtSlashFixture,
  rateOf,
  valueOf,
  type LRTFixture,
  deployTestLRT,
} from "../helpers/lrtFixtures";
import { executeSlash, fundStETHRewards, queuedIds, requestSlash } from "../helpers/lrtActions";
import { ORACLE_MAX_AGE, ORACLE_MAX_MOVE_BPS } from "../helpers/oracleFixtures";
import { call, deployAttackAccount, executeData, expectSolvent, fourDeposits } from "./lrtReviewHelpers";

/** alice deposits 10 stETH (the LRT's only stETH), bob 100 rETH (110 ETH): 120 ETH, 120 LRT, all in nodes. */
async function stETHMinorityFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
  return f;
}

/** Queues, waits out and completes what processRequests queues for `asset`; then processes again. */
async function processThroughWithdrawals(f: LRTFixture, asset: string): Promise<void> {
  const ids = await queuedIds(f, f.manager.processRequests(asset, 10n));
  await time.increase(DEFAULT_WITHDRAWAL_DELAY);
  if (ids.length !== 0) await (await f.manager.completeWithdrawals(ids)).wait();
  await (await f.manager.processRequests(asset, 10n)).wait();
}

/** A rate adapter whose rate is set and which can be made to revert (compiled like lrtReviewHelpers' account). */
const ADAPTER_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

contract ToggleAdapter {
    error AdapterDown();

    address public immutable asset;
    uint256 private _rate;
    bool public down;

    constructor(address asset_, uint256 rate_) {
        asset = asset_;
        _rate = rate_;
    }

    function set(uint256 rate_, bool down_) external {
        (_rate, down) = (rate_, down_);
    }

    function getRate() external view returns (uint256) {
        if (down) revert AdapterDown();
        return _rate;
    }
}
`;
const ADAPTER_ABI = [
  "constructor(address asset_, uint256 rate_)",
  "function set(uint256 rate_, bool down_)",
  "function getRate() view returns (uint256)",
  "function asset() view returns (address)",
];

function compileAdapter(): string {
  // The pinned solcjs has no type declarations; hardhat.config.ts loads it the same way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "ToggleAdapter.sol": { content: ADAPTER_SOURCE } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { ToggleAdapter: ["evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const object = out.contracts?.["ToggleAdapter.sol"]?.ToggleAdapter?.evm.bytecode.object;
  if (object === undefined || object === "") throw new Error("ToggleAdapter: no bytecode");
  return `0x${object}`;
}

interface OracleLRT {
  admin: HardhatEthersSigner;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  erin: HardhatEthersSigner;
  wstETH: MockWstETH;
  wstETHAddress: string;
  rETHAddress: string;
  oracle: LRTOracle;
  lrt: LiquidRestakingToken;
  manager: LRTManager;
  wstETHVault: LRTAssetVault;
  rETHVault: LRTAssetVault;
}

const WSTETH_RATE = (115n * WAD) / 100n;
const RETH_RATE = (110n * WAD) / 100n;

/** The LRT on the real LRTOracle (wstETH 1.15, rETH 1.10; maxAge 1 day, maxMove 50 bps), as test/lrt/LRTWithOracle;
 * alice has deposited 10 wstETH and bob 10 rETH. */
async function oracleLRTFixture(): Promise<OracleLRT> {
  const core = await coreFixture();
  const { admin, vault, registry } = core;
  const wstETH = await new MockWstETH__factory(admin).deploy();
  const rETH = await new MockRETH__factory(admin).deploy();
  await (await wstETH.setStEthPerToken(WSTETH_RATE)).wait();
  await (await rETH.setExchangeRate(RETH_RATE)).wait();
  const [wstETHAddress, rETHAddress] = await Promise.all([wstETH.getAddress(), rETH.getAddress()]);
  for (const asset of [wstETHAddress, rETHAddress]) await (await vault.addAsset(asset, ASSET_CAP)).wait();
  const { oracle } = await deployOracle(admin, {
    pauser: admin.address,
    assets: [
      {
        asset: wstETHAddress,
        adapter: await deployRateAdapter(admin, "wstETH", wstETHAddress),
        maxAge: ORACLE_MAX_AGE,
        maxMoveBps: ORACLE_MAX_MOVE_BPS,
      },
      {
        asset: rETHAddress,
        adapter: await deployRateAdapter(admin, "rETH", rETHAddress),
        maxAge: ORACLE_MAX_AGE,
        maxMoveBps: ORACLE_MAX_MOVE_BPS,
      },
    ],
  });
  for (const op of [core.operator1, core.operator2]) {
    await (await registry.connect(op).registerAsOperator("ipfs://op", 1_000, ethers.ZeroAddress)).wait();
  }
  const d = await deployTestLRT(admin, core, {
    oracle: await oracle.getAddress(),
    treasury: admin.address,
    rewardsReceiver: admin.address,
    assets: [
      { asset: wstETHAddress, cap: LRT_CAP },
      { asset: rETHAddress, cap: LRT_CAP },
    ],
  });
  for (const op of [core.operator1, core.operator2])
    await (await d.manager.createNode(op.address, 5_000, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)).wait();
  const wstETHVault = d.entryPoints[wstETHAddress];
  const rETHVault = d.entryPoints[rETHAddress];
  for (const s of core.stakers) {
    await (await wstETH.mint(s.address, 1_000n * WAD)).wait();
    await (await rETH.mint(s.address, 1_000n * WAD)).wait();
    await (await wstETH.connect(s).approve(await wstETHVault.getAddress(), ethers.MaxUint256)).wait();
    await (await rETH.connect(s).approve(await rETHVault.getAddress(), ethers.MaxUint256)).wait();
  }
  await (await wstETHVault.connect(core.alice).deposit(10n * WAD, core.alice.address)).wait();
  await (await rETHVault.connect(core.bob).deposit(10n * WAD, core.bob.address)).wait();
  return {
    admin,
    alice: core.alice,
    bob: core.bob,
    erin: core.erin,
    wstETH,
    wstETHAddress,
    rETHAddress,
    oracle,
    lrt: d.token,
    manager: d.manager,
    wstETHVault,
    rETHVault,
  };
}

describe("Attack review (LRT fixes): the fixes of the LRT review, attacked", function () {
  /* F1: a request must be payable in its asset */

  it("fixed (LRT fixes review F1): bob asks for all 10 ETH of the LRT's stETH (exactly at the cap; 1 wei more reverts); stETH then falls to 0.9 ETH: the head is owed 11.018 stETH of the 10 there are; once the nodes' stETH is idle bob is paid the 10 stETH for 9.0756 LRT and gets 0.9244 LRT back, the rate does not fall, and the stETH queue takes requests again as soon as there is stETH", async function () {
    // The cap holds in value at request but the request is paid in tokens at fulfilment, so a later loss particular
    // to the asset (its price, a slash of its pools) can leave the head owed more tokens than the asset will ever
    // have. Once the nodes hold none of the asset (every withdrawal of it completed), such a head is fulfilled for
    // the pro-rata part of its shares (rounded up) and the rest go back to its controller.
    const f = await loadFixture(stETHMinorityFixture);
    expect(await f.manager.totalValue(false)).to.equal(120n * WAD);
    expect(await f.lrt.totalSupply()).to.equal(120n * WAD);
    // The boundary: value + owed == held passes, one wei more does not.
    await expect(f.stETHVault.connect(f.bob).requestRedeem(10n * WAD + 1n, f.bob.address, f.bob.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.stETHAddress, 10n * WAD + 1n, 10n * WAD);
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    expect((await f.manager.request(1n)).amount).to.equal(10n * WAD);
    // stETH falls 10% (the oracle stores 0.9 ETH; it is the stored and the live price).
    await (await f.oracle.setPrice(f.stETHAddress, (9n * STETH_PRICE) / 10n)).wait();
    const exitTotal = await f.manager.totalValue(true);
    expect(exitTotal).to.equal(119n * WAD);
    const valueNow = valueOf(10n * WAD, exitTotal, 120n * WAD);
    const tokensOwed = (valueNow * WAD) / ((9n * WAD) / 10n);
    expect(tokensOwed).to.equal(11_018_518_518_519_290_123n);
    const rateBefore = await f.manager.getRate();
    // The first pass queues all the stETH the nodes hold and fulfils nothing: more may come from them.
    const ids = await queuedIds(f, f.manager.processRequests(f.stETHAddress, 10n));
    expect(ids.length).to.equal(1);
    expect((await f.manager.request(1n)).status).to.equal(PENDING);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals(ids)).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    // Now the nodes hold no stETH: bob's head is paid the 10 stETH for 10 * 10 / 11.018 LRT, rounded up.
    const filled = (10n * WAD * 10n * WAD + tokensOwed - 1n) / tokensOwed;
    expect(filled).to.equal(9_075_630_252_100_204_789n);
    const returned = 10n * WAD - filled;
    await expect(f.manager.processRequests(f.stETHAddress, 10n))
      .to.emit(f.manager, "RedeemPartiallyFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, returned, 10n * WAD)
      .and.to.emit(f.manager, "RedeemFulfilled")
      .withArgs(1n, f.bob.address, f.stETHAddress, filled, 10n * WAD);
    expect((await f.manager.request(1n)).status).to.equal(CLAIMABLE);
    expect(await f.stETHVault.claimableRedeemRequest(1n, f.bob.address)).to.equal(filled);
    // What each party ends with. bob: 10 stETH (9 ETH) and 100 + 0.9244 LRT; alice: her 10 LRT, now worth at
    // least what they were (the rate does not fall); the LRT: 110 ETH of rETH for 110.9244 LRT.
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(100n * WAD + returned);
    expect(await f.lrt.totalSupply()).to.equal(120n * WAD - filled);
    expect(await f.manager.totalValue(true)).to.equal(110n * WAD);
    const rateAfter = await f.manager.getRate();
    expect(rateAfter).to.equal(rateOf(110n * WAD, 120n * WAD - filled));
    expect(rateAfter).to.be.gte(rateBefore);
    await expect(f.stETHVault.connect(f.bob).claim(1n, f.bob.address, 10n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.bob,
      10n * WAD,
    );
    const bobValue = (10n * WAD * 9n) / 10n + valueOf(100n * WAD + returned, 110n * WAD, 120n * WAD - filled);
    expect(valueNow + valueOf(100n * WAD, exitTotal, 120n * WAD) - bobValue).to.be.lte(2n);
    expect(valueOf(10n * WAD, 110n * WAD, 120n * WAD - filled)).to.be.gte(
      valueOf(10n * WAD, exitTotal, 120n * WAD),
    );
    // The stETH queue is empty, not stuck: the LRT holds no stETH, so a stETH request is refused for that alone;
    // erin's 2 stETH make room, and alice's request of 1 LRT is queued and paid a withdrawal delay later.
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.head, book.tail, book.pendingRedeemValue]).to.deep.equal([1n, 1n, 0n]);
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.stETHAddress, valueOf(WAD, 110n * WAD, 120n * WAD - filled), 0n);
    await (await f.stETHVault.connect(f.erin).deposit(2n * WAD, f.erin.address)).wait();
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    await processThroughWithdrawals(f, f.stETHAddress);
    expect((await f.manager.request(2n)).status).to.equal(CLAIMABLE);
    await expectSolvent(f);
  });

  it("fixed (LRT fixes review F1): bob asks for all 10 ETH of stETH (node of operator1); a 25% slash of operator1's stETH executes after the request: the head is owed 9.79 stETH of the 7.5 left; once they are idle bob is paid the 7.5 stETH for 7.6596 LRT and gets 2.3404 LRT back, which bear the slash like every other holder's", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.rETHVault.connect(f.bob).deposit(100n * WAD, f.bob.address)).wait();
    let stNode = -1;
    for (let i = 0; i < 4; ++i) if ((await f.manager.position(i, f.stETHAddress)).active !== 0n) stNode = i;
    const stOperator = f.operators[stNode];
    expect((await f.manager.position(stNode, f.rETHAddress)).active, "the stETH node holds no rETH").to.equal(
      0n,
    );
    await (await f.stETHVault.connect(f.bob).requestRedeem(10n * WAD, f.bob.address, f.bob.address)).wait();
    // The AVS slashes its whole maximum (50% of the 50% allocation: 2.5 stETH of 10).
    const id = await requestSlash(f, stOperator.address, WAD / 2n);
    await executeSlash(f, id);
    const exitTotal = await f.manager.totalValue(true);
    expect(exitTotal).to.equal(117n * WAD + WAD / 2n);
    const valueNow = valueOf(10n * WAD, exitTotal, 120n * WAD);
    expect(valueNow).to.equal(9_791_666_666_668_402_777n);
    const rateBefore = await f.manager.getRate();
    await processThroughWithdrawals(f, f.stETHAddress);
    const book = await f.manager.assetBook(f.stETHAddress);
    expect([book.idle, book.reserved, book.head, book.tail]).to.deep.equal([0n, 7n * WAD + WAD / 2n, 1n, 1n]);
    // 10 LRT * 7.5 / 9.7917, rounded up, were fulfilled; the rest came back to bob.
    const filled = (10n * WAD * (7n * WAD + WAD / 2n) + valueNow - 1n) / valueNow;
    expect(filled).to.equal(7_659_574_468_083_748_304n);
    const r = await f.manager.request(1n);
    expect([r.status, r.shares, r.amount]).to.deep.equal([CLAIMABLE, filled, 7n * WAD + WAD / 2n]);
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(100n * WAD + 10n * WAD - filled);
    expect(await f.manager.totalValue(true)).to.equal(110n * WAD);
    expect(await f.manager.getRate()).to.be.gte(rateBefore);
    // The stETH queue is empty (not stuck): with no stETH left, a stETH request is refused for that alone.
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.stETHAddress, valueOf(WAD, await f.manager.totalValue(false), 120n * WAD - filled), 0n);
    await expect(f.stETHVault.connect(f.bob).claim(1n, f.bob.address, 0n)).to.changeTokenBalance(
      f.stETH,
      f.bob,
      7n * WAD + WAD / 2n,
    );
    await expectSolvent(f);
  });

  it("a whale fills the stETH capacity to block others: erin's 10 ETH request locks her shares and is paid exactly 10 stETH; alice is refused stETH for the withdrawal delay only, can exit in rETH meanwhile, and asks again once erin is fulfilled", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await (await f.rETHVault.connect(f.erin).deposit(100n * WAD, f.erin.address)).wait();
    await (
      await f.stETHVault.connect(f.erin).requestRedeem(10n * WAD, f.erin.address, f.erin.address)
    ).wait();
    // The escrowed shares left erin: she cannot transfer them to repeat the block with them.
    expect(await f.lrt.balanceOf(f.erin.address)).to.equal(100n * WAD);
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "RedeemExceedsAssetLiquidity")
      .withArgs(f.stETHAddress, WAD, 0n);
    await (await f.rETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    await processThroughWithdrawals(f, f.stETHAddress);
    expect((await f.manager.request(1n)).status).to.equal(CLAIMABLE);
    await expect(f.stETHVault.connect(f.erin).claim(1n, f.erin.address, 10n * WAD)).to.changeTokenBalance(
      f.stETH,
      f.erin,
      10n * WAD,
    );
    // The capacity came back with the fulfilment: alice's next stETH request would be payable, but the LRT holds no
    // stETH any more (erin took it), so it is refused for lack of stETH, not for erin's request.
    expect((await f.manager.assetBook(f.stETHAddress)).pendingRedeemValue).to.equal(0n);
    await (await f.stETHVault.connect(f.carol).deposit(5n * WAD, f.carol.address)).wait();
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, f.alice.address, f.alice.address)).wait();
    await expectSolvent(f);
  });

  /* F2: no fulfilment while a slash request is pending on a node's pool */

  it("fixed (LRT fixes F2): the AVS's slasher's dust slash request (1e-18 of the allocation) no longer holds redemptions up: it reserves less than 1 bps of the LRT's value, so alice's 4 stETH request is fulfilled at once, at 4 stETH; a material request (10% of operator1's allocation) still makes fulfilment wait until it resolves", async function () {
    const f = await loadFixture(lrtSlashFixture);
    await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
    await (await f.manager.setBuffer(2_500, 0, 0)).wait();
    // alice's 10 stETH stay idle (the buffer); bob, carol and dave go to nodes 0, 1 and 2.
    await fourDeposits(f);
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    await (
      await f.stETHVault.connect(f.alice).requestRedeem(4n * WAD, f.alice.address, f.alice.address)
    ).wait();
    await (
      await f.slashingManager
        .connect(f.slasher)
        .requestSlash(f.avs.address, f.operator1.address, 1n, ethers.id("dust"))
    ).wait();
    expect((await f.vault.pool(f.operator1.address, f.stETHAddress)).pendingRequests).to.equal(1n);
    await (await f.manager.connect(f.erin).processRequests(f.stETHAddress, 10n)).wait();
    expect((await f.manager.request(1n)).status).to.equal(CLAIMABLE);
    // Paid at the exit value, net of the dust reservation: 1 wei less (at most 1 bps is the bound).
    expect((await f.manager.request(1n)).amount).to.equal(4n * WAD - 1n);

    // A material request on operator2's pool: bob's next request waits for it.
    const g = await loadFixture(lrtSlashFixture);
    await (await g.manager.setAllowedAVSs([g.avs.address])).wait();
    await (await g.manager.setBuffer(2_500, 0, 0)).wait();
    await fourDeposits(g);
    await (
      await g.stETHVault.connect(g.alice).requestRedeem(4n * WAD, g.alice.address, g.alice.address)
    ).wait();
    const id = await requestSlash(g, g.operator2.address, WAD / 10n);
    await (await g.manager.connect(g.erin).processRequests(g.stETHAddress, 10n)).wait();
    expect((await g.manager.request(1n)).status).to.equal(PENDING);
    await (await g.slashingManager.connect(g.committee).vetoSlash(id)).wait();
    await (await g.manager.processRequests(g.stETHAddress, 10n)).wait();
    expect((await g.manager.request(1n)).amount).to.equal(4n * WAD);
    await expectSolvent(f);
    await expectSolvent(g);
  });

  /* F3: the instant-exit fee is the mean over the consumed buffer */

  it("bob refills the buffer with 20 stETH before his 8-LRT instant exit so as to pay the base rate: he pays the base fee on the extra 20 and nets less than the direct exit; a 4-piece split nets less too", async function () {
    const setup = async (): Promise<LRTFixture> => {
      const f = await loadFixture(lrtFixture);
      await (await f.manager.setBuffer(2_000, 10, 500)).wait();
      await fourDeposits(f);
      return f;
    };
    // Direct: 8 LRT out of a 10 stETH buffer whose target after the exit is 20% of 32 = 6.4.
    let f = await setup();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    const direct = await f.manager
      .connect(f.bob)
      .instantRedeem.staticCall(8n * WAD, f.stETHAddress, 0n, f.bob.address);
    // Refill first: 20 stETH to idle (10 < 20% of 60), then 28 LRT out (same target after, 6.4; same buffer after, 2).
    f = await setup();
    await (await f.stETHVault.connect(f.bob).deposit(20n * WAD, f.bob.address)).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(30n * WAD);
    const refilled = await f.manager
      .connect(f.bob)
      .instantRedeem.staticCall(28n * WAD, f.stETHAddress, 0n, f.bob.address);
    // The extra 20 crossed the buffer above the target at the base 10 bps: 0.02 stETH more fee (0.0212 with the bps
    // rounding), no saving.
    // The fee rate is rounded up to a whole bps: 103 bps on 8 (0.0824), 37 bps on 28 (0.1036).
    expect(direct - (refilled - 20n * WAD)).to.equal(21_200_000_000_000_000n);
    // Split: four exits of 2 LRT, each against a target higher than the whole exit's.
    f = await setup();
    let split = 0n;
    for (let i = 0; i < 4; ++i) {
      const out = await f.manager
        .connect(f.bob)
        .instantRedeem.staticCall(2n * WAD, f.stETHAddress, 0n, f.bob.address);
      await (
        await f.manager.connect(f.bob).instantRedeem(2n * WAD, f.stETHAddress, 0n, f.bob.address)
      ).wait();
      split += out;
    }
    expect(split).to.be.lt(direct);
    expect(direct).to.equal(7_917_600_000_000_000_000n);
    await expectSolvent(f);
  });

  /* F4: one entry/exit flag per transaction */

  it("one transaction of a contract account: harvest, processRequests, a claim and a deposit pass together (the flag marks only deposits and redemptions); a relayer batching erin's deposit with its own exit of shares held since an earlier block is refused (the per-transaction flag's documented cost)", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await fourDeposits(f);
    const acct = await deployAttackAccount(f.admin);
    await (await f.stETH.connect(f.erin).transfer(acct.address, 20n * WAD)).wait();
    await (await f.stETHVault.connect(f.alice).requestRedeem(WAD, acct.address, f.alice.address)).wait();
    const approve = f.stETH.interface.encodeFunctionData("approve", [
      await f.stETHVault.getAddress(),
      ethers.MaxUint256,
    ]);
    await (
      await f.admin.sendTransaction({ to: acct.address, data: executeData([call(f.stETH, approve)]) })
    ).wait();
    await (
      await f.admin.sendTransaction({
        to: acct.address,
        data: executeData([
          call(f.manager, f.manager.interface.encodeFunctionData("harvest")),
          call(f.manager, f.manager.interface.encodeFunctionData("processRequests", [f.stETHAddress, 10n])),
          call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("claim", [1n, acct.address, WAD])),
          call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("deposit", [5n * WAD, acct.address])),
        ]),
      })
    ).wait();
    expect((await f.manager.request(1n)).status).to.equal(3n);
    expect(await f.lrt.balanceOf(acct.address)).to.equal(5n * WAD);
    // A later transaction: a deposit for erin and an instant exit of the account's 5 LRT (minted a block earlier).
    await expect(
      f.admin.sendTransaction({
        to: acct.address,
        data: executeData([
          call(f.stETHVault, f.stETHVault.interface.encodeFunctionData("deposit", [WAD, f.erin.address])),
          call(
            f.manager,
            f.manager.interface.encodeFunctionData("instantRedeem", [
              5n * WAD,
              f.stETHAddress,
              0n,
              acct.address,
            ]),
          ),
        ]),
      }),
    )
      .to.be.revertedWithCustomError(f.manager, "SameTransactionEntryAndExit")
      .withArgs(acct.address);
    await expectSolvent(f);
  });

  /* F5: prices from the oracle's range */

  it("fixed (LRT fixes F5): the wstETH adapter reverts: the range is the whole move bound around the fresh stored price (floor 1.14425, ceiling 1.15575 ETH), so deposits, requests, instant exits, processing and setProtocolFee go on (entries priced against the LRT's holdings at the ceiling); the stored price's staleness stays the one hard stop", async function () {
    const f = await loadFixture(oracleLRTFixture);
    const factory = new ethers.ContractFactory(ADAPTER_ABI, compileAdapter(), f.admin);
    const adapter = await factory.deploy(f.wstETHAddress, WSTETH_RATE);
    await adapter.waitForDeployment();
    await (await f.oracle.setAdapter(f.wstETHAddress, await adapter.getAddress())).wait();
    await (await f.manager.setBuffer(5_000, 0, 0)).wait();
    await (await f.rETHVault.connect(f.erin).deposit(10n * WAD, f.erin.address)).wait();
    const set = adapter.getFunction("set");
    await (await set(WSTETH_RATE, true)).wait();
    expect(await f.oracle.price(f.wstETHAddress)).to.equal(WSTETH_RATE);
    const bound = (WSTETH_RATE * 50n) / 10_000n;
    expect(await f.oracle.priceRange(f.wstETHAddress)).to.deep.equal([
      WSTETH_RATE - bound,
      WSTETH_RATE + bound,
    ]);
    // alice's 10 wstETH count at the floor at exit and at the ceiling at entry.
    expect((await f.manager.totalValue(false)) - (await f.manager.totalValue(true))).to.equal(
      10n * 2n * bound,
    );
    await (await f.rETHVault.connect(f.bob).deposit(WAD, f.bob.address)).wait();
    await (await f.wstETHVault.connect(f.bob).deposit(WAD, f.bob.address)).wait();
    await (await f.rETHVault.connect(f.bob).requestRedeem(WAD / 4n, f.bob.address, f.bob.address)).wait();
    await (await f.manager.connect(f.bob).instantRedeem(WAD / 4n, f.rETHAddress, 0n, f.bob.address)).wait();
    await (await f.manager.processRequests(f.rETHAddress, 1n)).wait();
    await (await f.manager.setProtocolFee(100)).wait();
    // Stale: the one hard stop.
    const { updatedAt } = await f.oracle.assetConfig(f.wstETHAddress);
    await time.increaseTo(updatedAt + ORACLE_MAX_AGE + 1n);
    await expect(f.oracle.priceRange(f.wstETHAddress)).to.be.revertedWithCustomError(f.oracle, "StalePrice");
    await expect(f.rETHVault.connect(f.bob).deposit(WAD, f.bob.address)).to.be.revertedWithCustomError(
      f.oracle,
      "StalePrice",
    );
  });

  it("the adapter at 0 (a failed adapter: the whole bound) and at 2^200 (clamped to the ceiling): the range stays within the move bound (floor 1.14425, ceiling 1.15575 ETH) and the LRT keeps working; whoever can push the LST's rate (an open setter here) moves at most the bound's 0.5% of bob's deposit (here 0.255%) to the existing holders, a pusher gaining only her share of it (a limit of trusting the adapter's rate)", async function () {
    const f = await loadFixture(oracleLRTFixture);
    const move = (WSTETH_RATE * ORACLE_MAX_MOVE_BPS) / 10_000n;
    await (await f.wstETH.setStEthPerToken(0n)).wait();
    // A rate of 0 is a failed adapter: the whole bound around the stored price.
    expect(await f.oracle.priceRange(f.wstETHAddress)).to.deep.equal([
      WSTETH_RATE - move,
      WSTETH_RATE + move,
    ]);
    await (await f.wstETH.setStEthPerToken(2n ** 200n)).wait();
    expect(await f.oracle.priceRange(f.wstETHAddress)).to.deep.equal([WSTETH_RATE, WSTETH_RATE + move]);
    expect(WSTETH_RATE - move).to.equal(1_144_250_000_000_000_000n);
    // erin pushes the rate to the ceiling: bob's 10 wstETH enter at the low (stored) price against holdings at high.
    await (await f.wstETH.setStEthPerToken(WSTETH_RATE)).wait();
    const fair = await f.wstETHVault.previewDeposit(10n * WAD);
    await (await f.wstETH.setStEthPerToken(2n ** 200n)).wait();
    const pushed = await f.wstETHVault.previewDeposit(10n * WAD);
    // Holdings of 10 wstETH + 10 rETH = 22.5 ETH; the wstETH half counts 0.5% higher: bob's shares fall by 0.2549%.
    expect(fair - pushed).to.be.gt(0n);
    expect(((fair - pushed) * 1_000_000n) / fair).to.equal(2_549n);
    await (await f.wstETHVault.connect(f.bob).deposit(10n * WAD, f.bob.address)).wait();
    await (await f.wstETH.setStEthPerToken(WSTETH_RATE)).wait();
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(10n * RETH_RATE + pushed);
  });

  /* F6: the fee setter and turning rewards off harvest first */

  it("with stETH rewards counted, the distributor's claims are paused: setProtocolFee and turning countRewards off revert until it is unpaused (the setter is tied to the distributor's liveness; no value is moved)", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    await fundStETHRewards(f, f.operator1.address, WAD);
    await (await f.manager.setAssetConfig(f.stETHAddress, 5_000n * WAD, true, true)).wait();
    await time.increase(DAY);
    const before = await f.manager.totalValue(true);
    await (await f.rewardDistributor.pause(1n << 1n)).wait();
    await expect(f.manager.setProtocolFee(500)).to.be.revertedWithCustomError(
      f.rewardDistributor,
      "GroupPaused",
    );
    await expect(
      f.manager.setAssetConfig(f.stETHAddress, 5_000n * WAD, true, false),
    ).to.be.revertedWithCustomError(f.rewardDistributor, "GroupPaused");
    expect(await f.manager.totalValue(true)).to.equal(before);
    await (await f.rewardDistributor.unpause(1n << 1n)).wait();
    await (await f.manager.setProtocolFee(500)).wait();
    expect((await f.manager.policy()).protocolFeeBps).to.equal(500n);
  });

  /* F7: redelegateNode */

  it("redelegateNode to an operator with a delegation approver, without the approver's signature, reverts and leaves node 0 undelegated; to operator1 again (who force-undelegated it) it succeeds and operator1 can repeat the undelegation: the LRT loses only the withdrawal delay on node 0's stake, no value", async function () {
    const f = await loadFixture(lrtFixture);
    await fourDeposits(f);
    const node0 = (await f.manager.node(0)).node;
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    await (await f.manager.syncNode(0)).wait();
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals([withdrawalId(node0, 0n)])).wait();
    expect((await f.manager.assetBook(f.stETHAddress)).idle).to.equal(10n * WAD);
    // erin registers with a delegation approver: without the approver's signature for node 0 (empty: expiry 0) the
    // whole call reverts (with it, it succeeds: test/attacks/LRTNodes.test.ts).
    await (
      await f.registry.connect(f.erin).registerAsOperator("ipfs://erin", 1_000, f.approver.address)
    ).wait();
    await expect(
      f.manager.redelegateNode(0, f.erin.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT),
    ).to.be.revertedWithCustomError(f.registry, "SignatureExpired");
    expect([(await f.manager.node(0)).operator, (await f.manager.node(0)).undelegated]).to.deep.equal([
      f.operator1.address,
      true,
    ]);
    expect(await f.vault.delegatedTo(node0)).to.equal(ethers.ZeroAddress);
    // Back to operator1; stake goes to node 0 again; operator1 undelegates again: the stake is queued, not lost.
    await (
      await f.manager.redelegateNode(0, f.operator1.address, NO_APPROVER_SIGNATURE, NO_APPROVER_SALT)
    ).wait();
    await (await f.manager.stakeIdle(f.stETHAddress, 10n * WAD)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(10n ** 25n);
    await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
    await (await f.manager.syncNode(0)).wait();
    expect((await f.manager.position(0, f.stETHAddress)).queued).to.equal(10n ** 25n);
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await (await f.manager.completeWithdrawals([withdrawalId(node0, 1n)])).wait();
    expect(await f.manager.totalValue(true)).to.equal(40n * WAD);
    await expectSolvent(f);
  });
});
