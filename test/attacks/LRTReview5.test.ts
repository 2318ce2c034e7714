/**
 * Attack review 5 of the LRT (issue #10): the fourth gas pass (docs/gas.md, "Fourth pass"; docs/lrt.md): the entry
 * point pulls a deposit straight to its node (`pullTo(from, to, amount)`, `_pull` checks `to`'s balance delta), the
 * node's standing max allowance to the core vault, and the node loop of the valuation in one assembly pass with a
 * Solidity fallback (`LRTValuation._valueNodesFast`, inlined into LRTRisk).
 *
 * Findings: none. No attack below works; each test asserts what the attacker (or the state) ends with.
 *
 * Failed attacks:
 *   (5) valuation: at the fast path's thresholds (price 2^127 - 1 / 2^127; a position's active + queued shares
 *       2^127 - 1 / 2^127, split across the two halves; pool shares 2^127 - 1 / 2^127; pool assets at the uint112
 *       maximum; a pool-asset figure q = 2^128 - 2^92 / 2^128, on the gross and on the pending-slash side; pending
 *       slash = pool assets; an empty pool), with two assets per node, and with 16 nodes one of which holds nothing,
 *       `getRate` and `previewDeposit` equal the independent BigInt figures of docs/lrt.md "Rate" (the fallback is
 *       taken past each threshold: the view costs more gas there); pending slash > pool assets reverts (Panic 0x11)
 *       as the Solidity loop does. Memory: a deposit valued on the fast path emits `Deposited` / `Staked` with the
 *       previewed figures and mints them; a vault revert inside the loop is bubbled with its data, a short answer
 *       reverts empty.
 *   (1)/(2) token path: a fee-on-transfer asset (node's delta short: TransferAmountMismatch), a rebasing asset
 *       whose transfer delivers 2 wei short (TransferAmountMismatch; an exact one stakes), a token that returns
 *       false (SafeERC20FailedOperation), a reentrant token that donates 1 wei to the node in the middle of the pull
 *       (TransferAmountMismatch: the donation is not counted as deposited), a donation sitting on the chosen node
 *       before a deposit (the deposit mints its own preview, stakes only its amount, the donation stays on the node
 *       and out of the value): nothing minted for tokens not deposited, nothing counted twice.
 *   (4) standing allowance: the core's only two `transferFrom`s (`RestakingVault.deposit`,
 *       `RewardDistributor.fundRewards`) pull from msg.sender: an attacker calling them moves his own tokens, never the
 *       node's; a non-OZ token that spends a capped "max" allowance and requires approve(0) first (USDT-like): the
 *       node re-approves when the allowance falls below a deposit and every deposit keeps staking.
 * Not attacked here: a node beacon upgrade (admin only; the allowance is token state of the node's address, which an
 * upgrade keeps: the new implementation could spend it, as it could spend anything the node holds).
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";

import {
  FeeOnTransferERC20__factory,
  RebasingERC20__factory,
  ReentrantERC20__factory,
  RewardDistributor__factory,
} from "../../typechain-types";
import { WAD, stakingFixture } from "../helpers/fixtures";
import { lrtFixture } from "../helpers/lrtFixtures";
import { compileTestContract } from "../helpers/solcjs";
import {
  MAX112,
  POOL_VIRTUAL_SHARES,
  TWO127,
  depositNode,
  expectModel,
  fourDeposits,
  lrtOnToken,
  modelTotal,
  poolSlot,
  positionSlot,
  rateGas,
  setPool,
  sixteenNodes,
  twoAssetsStaked,
  writeSlot,
} from "./lrtReviewHelpers";

const QUIRKY = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A non-OZ token: approve stores at most \`cap\` and requires a zero allowance first (USDT-like), transferFrom always
/// spends the allowance (a "max" allowance included); optionally transfers return false without moving anything.
contract QuirkyToken {
    string public constant name = "Quirky";
    string public constant symbol = "QRK";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    uint256 public cap = type(uint256).max;
    bool public returnFalse;
    uint256 public approvals;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    function setCap(uint256 c) external { cap = c; }
    function setReturnFalse(bool b) external { returnFalse = b; }
    function mint(address to, uint256 v) external { balanceOf[to] += v; totalSupply += v; }

    function approve(address spender, uint256 v) external returns (bool) {
        require(v == 0 || allowance[msg.sender][spender] == 0, "approve from non-zero");
        uint256 a = v < cap ? v : cap;
        allowance[msg.sender][spender] = a;
        ++approvals;
        emit Approval(msg.sender, spender, a);
        return true;
    }

    function transfer(address to, uint256 v) external returns (bool) {
        if (returnFalse) return false;
        _move(msg.sender, to, v);
        return true;
    }

    function transferFrom(address from, address to, uint256 v) external returns (bool) {
        if (returnFalse) return false;
        require(allowance[from][msg.sender] >= v, "allowance");
        allowance[from][msg.sender] -= v;
        _move(from, to, v);
        return true;
    }

    function _move(address from, address to, uint256 v) private {
        require(balanceOf[from] >= v, "balance");
        balanceOf[from] -= v;
        balanceOf[to] += v;
        emit Transfer(from, to, v);
    }
}
`;
const QUIRKY_ABI = [
  "function setCap(uint256)",
  "function setReturnFalse(bool)",
  "function mint(address,uint256)",
  "function approve(address,uint256) returns (bool)",
  "function allowance(address,address) view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
  "function approvals() view returns (uint256)",
];

async function quirkyLRT() {
  const f = await stakingFixture();
  const factory = new ethers.ContractFactory(QUIRKY_ABI, compileTestContract("QuirkyToken", QUIRKY), f.admin);
  const token = await factory.deploy();
  await token.waitForDeployment();
  const asset = await token.getAddress();
  const q = new ethers.Contract(asset, QUIRKY_ABI, f.admin);
  for (const s of [f.alice, f.bob]) await (await q.getFunction("mint")(s.address, 1_000n * WAD)).wait();
  const l = await lrtOnToken(f, asset);
  return { ...f, ...l, q, asset };
}

describe("Attack review 5 (issue #10): the LRT's fourth gas pass", function () {
  describe("(5) the assembly node loop against the model of docs/lrt.md 'Rate'", function () {
    it("price 2^127 - 1 (fast path) and 2^127 (fallback: more gas) give the model's figures, two assets per node", async function () {
      const f = await twoAssetsStaked();
      await (await f.oracle.setPrice(f.stETHAddress, TWO127 - 1n)).wait();
      await expectModel(f);
      const fast = await rateGas(f);
      await (await f.oracle.setPrice(f.stETHAddress, TWO127)).wait();
      await expectModel(f);
      expect(await rateGas(f)).to.be.greaterThan(fast);
      await (await f.oracle.setPrice(f.rETHAddress, TWO127 - 1n)).wait();
      await expectModel(f);
    });

    it("a position's shares at 2^127 - 1 and 2^127 (active + queued halves): the model's figures either side", async function () {
      const f = await twoAssetsStaked();
      const stIndex = BigInt((await f.manager.assetConfig(f.stETHAddress)).index);
      const slot = await positionSlot(f, 0n, stIndex);
      await writeSlot(f.managerAddress, slot, TWO127 - 1n);
      expect((await f.manager.position(0, f.stETHAddress)).active).to.equal(TWO127 - 1n);
      await expectModel(f);
      const fast = await rateGas(f);
      await writeSlot(f.managerAddress, slot, TWO127);
      await expectModel(f);
      expect(await rateGas(f)).to.be.greaterThan(fast);
      // 1 active + 2^127 - 1 queued: the sum crosses the threshold, each half does not.
      await writeSlot(f.managerAddress, slot, 1n | ((TWO127 - 1n) << 128n));
      await expectModel(f);
      await writeSlot(f.managerAddress, slot, 0n | ((TWO127 - 2n) << 128n));
      await expectModel(f);
    });

    it("pool shares 2^127 - 1 / 2^127, pool assets at uint112 max, q = 2^128 - 2^92 / 2^128 (gross and pending), pending = assets, an empty pool", async function () {
      const f = await twoAssetsStaked();
      const stIndex = BigInt((await f.manager.assetConfig(f.stETHAddress)).index);
      const op0 = (await f.manager.node(0)).operator;
      const pool = await poolSlot(f, op0, f.stETHAddress);
      const pos = await positionSlot(f, 0n, stIndex);
      const [assets0] = await f.vault.poolBalances(op0, f.stETHAddress);
      for (const shares of [TWO127 - 1n, TWO127]) {
        await setPool(f, pool, assets0, shares, 0n);
        await expectModel(f);
      }
      // d = 2^20 (pool shares 2^20 - 1e6), assets + 1 = 2^112: q = shares * 2^92.
      const d20 = 2n ** 20n - POOL_VIRTUAL_SHARES;
      for (const shares of [2n ** 36n - 1n, 2n ** 36n]) {
        await writeSlot(f.managerAddress, pos, shares);
        for (const pending of [0n, 1n, MAX112 - 1n, MAX112]) {
          await setPool(f, pool, MAX112, d20, pending);
          await expectModel(f);
        }
      }
      // A 100% pending slash on an ordinary pool; then an empty pool with no position in it.
      await writeSlot(f.managerAddress, pos, 5n * WAD);
      await setPool(f, pool, 9n * WAD, 8n * WAD, 9n * WAD);
      await expectModel(f);
      await setPool(f, pool, 1n, 0n, 1n);
      await expectModel(f);
      await writeSlot(f.managerAddress, pos, 0n);
      await setPool(f, pool, 0n, 0n, 0n);
      await expectModel(f);
      // Pending slash above the pool's assets: the exit valuation reverts (Panic 0x11), as the Solidity loop does.
      await writeSlot(f.managerAddress, pos, 5n * WAD);
      await setPool(f, pool, 9n * WAD, 8n * WAD, 9n * WAD + 1n);
      await expect(f.manager.getRate()).to.be.revertedWithPanic(0x11);
    });

    it("16 nodes, one holding nothing, two assets: the model's figures; a deposit on the fast path emits and mints its preview", async function () {
      const f = await sixteenNodes();
      let holding = 0;
      for (let i = 0n; i < 16n; i++) if ((await f.manager.node(i)).assetMask !== 0n) holding++;
      expect(holding).to.be.greaterThan(8);
      expect((await f.manager.node(15)).assetMask).to.equal(0n);
      await (await f.oracle.setPrice(f.stETHAddress, WAD - 7n)).wait();
      await expectModel(f);
      // Memory: the valuation's buffer leaves the deposit's own figures intact.
      const amount = 3n * WAD + 1n;
      const preview = await f.manager.previewDeposit(f.stETHAddress, amount);
      const supply = await f.lrt.totalSupply();
      const before = await f.lrt.balanceOf(f.alice.address);
      const tx = f.stETHVault.connect(f.alice).deposit(amount, f.alice.address);
      await expect(tx)
        .to.emit(f.manager, "Deposited")
        .withArgs(
          f.alice.address,
          f.alice.address,
          f.stETHAddress,
          amount,
          preview,
          (amount * (WAD - 7n)) / WAD,
          (n: bigint) => n < 15n,
        );
      await expect(tx).to.emit(f.manager, "Staked");
      expect((await f.lrt.balanceOf(f.alice.address)) - before).to.equal(preview);
      expect(await f.lrt.totalSupply()).to.equal(supply + preview);
      await expectModel(f);
    });

    it("a vault revert inside the loop is bubbled with its data; a short answer reverts empty", async function () {
      const f = await twoAssetsStaked();
      const src = (body: string) => `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
contract Broken${body.length} {
    fallback() external { ${body} }
}
`;
      for (const [body, check] of [
        [`revert("pool read failed");`, "reason"],
        [`assembly { mstore(0, 7) return(0, 0x40) }`, "empty"],
      ] as const) {
        const code = compileTestContract(`Broken${body.length}`, src(body));
        const c = await new ethers.ContractFactory([], code, f.admin).deploy();
        await c.waitForDeployment();
        const runtime = await ethers.provider.getCode(await c.getAddress());
        const original = await ethers.provider.getCode(f.vaultAddress);
        await network.provider.send("hardhat_setCode", [f.vaultAddress, runtime]);
        if (check === "reason") await expect(f.manager.getRate()).to.be.revertedWith("pool read failed");
        else await expect(f.manager.getRate()).to.be.revertedWithoutReason();
        await network.provider.send("hardhat_setCode", [f.vaultAddress, original]);
      }
      await expectModel(f);
    });
  });

  describe("(1)/(2) the deposit's direct pull to its node", function () {
    it("a fee-on-transfer asset: the node's delta is short, TransferAmountMismatch; nothing minted", async function () {
      const f = await stakingFixture();
      const token = await new FeeOnTransferERC20__factory(f.admin).deploy("Fee token", "FEE");
      const asset = await token.getAddress();
      for (const s of [f.alice, f.bob]) await (await token.mint(s.address, 100n * WAD)).wait();
      const l = await lrtOnToken(f, asset);
      const amount = 10n * WAD;
      await expect(l.entry.connect(f.alice).deposit(amount, f.alice.address))
        .to.be.revertedWithCustomError(l.manager, "TransferAmountMismatch")
        .withArgs(asset, amount, amount - amount / 100n); // the 1% fee, seen on the node (the pull, before any stake)
      expect(await l.lrt.balanceOf(f.alice.address)).to.equal(0n);
      expect(await token.balanceOf(f.alice.address)).to.equal(100n * WAD);
    });

    it("a rebasing asset (index 3.0): a transfer that delivers 2 wei short to the node is refused (TransferAmountMismatch); an exact one stakes and mints its preview", async function () {
      const f = await stakingFixture();
      const token = await new RebasingERC20__factory(f.admin).deploy("Rebasing", "RB");
      const asset = await token.getAddress();
      await (await token.mint(f.alice.address, 100n * WAD)).wait();
      const l = await lrtOnToken(f, asset);
      await (await token.rebase(3n * WAD)).wait();
      const exact = 9n * WAD; // a multiple of the index: delivered in full
      const preview = await l.manager.previewDeposit(asset, exact);
      const n = await depositNode(l.manager, l.entry.connect(f.alice).deposit(exact, f.alice.address));
      expect(await l.lrt.balanceOf(f.alice.address)).to.equal(preview);
      expect(await token.balanceOf((await l.manager.node(n)).node)).to.equal(0n);
      const short = 10n * WAD + 1n; // (short * 1e18 / 3e18) shares, worth short - 2
      await expect(l.entry.connect(f.alice).deposit(short, f.alice.address))
        .to.be.revertedWithCustomError(l.manager, "TransferAmountMismatch")
        .withArgs(asset, short, short - 2n);
      expect(await l.lrt.balanceOf(f.alice.address)).to.equal(preview);
    });

    it("a token that returns false: SafeERC20FailedOperation; nothing minted, nothing moved", async function () {
      const f = await quirkyLRT();
      await (await f.q.getFunction("setReturnFalse")(true)).wait();
      await expect(f.entry.connect(f.alice).deposit(WAD, f.alice.address))
        .to.be.revertedWithCustomError(f.entry, "SafeERC20FailedOperation")
        .withArgs(f.asset);
      expect(await f.lrt.balanceOf(f.alice.address)).to.equal(0n);
      expect(await f.q.getFunction("balanceOf")(f.alice.address)).to.equal(1_000n * WAD);
    });

    it("a reentrant token donates 1 wei to the node in the middle of the pull: TransferAmountMismatch (the donation is not deposited)", async function () {
      const f = await stakingFixture();
      const token = await new ReentrantERC20__factory(f.admin).deploy("Reentrant", "RE");
      const asset = await token.getAddress();
      await (await token.mint(f.alice.address, 100n * WAD)).wait();
      await (await token.mint(asset, 1n)).wait(); // the token pays the donation from its own balance
      const l = await lrtOnToken(f, asset);
      await (await l.entry.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
      const amount = 10n * WAD;
      // The node the router picks for the next deposit (read from a deposit undone by a snapshot).
      const snapshot = await takeSnapshot();
      const n = await depositNode(l.manager, l.entry.connect(f.alice).deposit(amount, f.alice.address));
      await snapshot.restore();
      const node = (await l.manager.node(n)).node;
      const lrtBefore = await l.lrt.balanceOf(f.alice.address);
      await (await token.arm(asset, token.interface.encodeFunctionData("transfer", [node, 1n]))).wait();
      await expect(l.entry.connect(f.alice).deposit(amount, f.alice.address))
        .to.be.revertedWithCustomError(l.manager, "TransferAmountMismatch")
        .withArgs(asset, amount, amount + 1n);
      expect(await l.lrt.balanceOf(f.alice.address)).to.equal(lrtBefore);
      expect(await token.balanceOf(node)).to.equal(0n);
    });

    it("a donation on the chosen node before a deposit: the deposit mints its preview and stakes only its amount; the donation stays on the node, out of the value", async function () {
      const f = await loadFixture(lrtFixture);
      await (await f.stETHVault.connect(f.bob).deposit(5n * WAD, f.bob.address)).wait();
      const amount = 4n * WAD + 3n;
      const snapshot = await takeSnapshot();
      const n = await depositNode(f.manager, f.stETHVault.connect(f.alice).deposit(amount, f.alice.address));
      await snapshot.restore();
      const node = (await f.manager.node(n)).node;
      const donation = 2n * WAD;
      await (await f.stETH.connect(f.carol).transfer(node, donation)).wait();
      const [rate, exitBefore] = [await f.manager.getRate(), await f.manager.totalValue(true)];
      expect(exitBefore).to.equal(await modelTotal(f, true)); // the donation moved nothing
      const preview = await f.manager.previewDeposit(f.stETHAddress, amount);
      const posBefore = (await f.manager.position(n, f.stETHAddress)).active;
      const [, poolSharesBefore] = await f.vault.poolBalances(
        (await f.manager.node(n)).operator,
        f.stETHAddress,
      );
      const [assetsBefore] = await f.vault.poolBalances((await f.manager.node(n)).operator, f.stETHAddress);
      await expect(f.stETHVault.connect(f.alice).deposit(amount, f.alice.address))
        .to.emit(f.manager, "Staked")
        .withArgs(n, f.stETHAddress, amount, (s: bigint) => s > 0n);
      expect(await f.lrt.balanceOf(f.alice.address)).to.equal(preview);
      expect(await f.stETH.balanceOf(node)).to.equal(donation);
      const [assetsAfter, poolSharesAfter] = await f.vault.poolBalances(
        (await f.manager.node(n)).operator,
        f.stETHAddress,
      );
      expect(assetsAfter - assetsBefore).to.equal(amount);
      expect((await f.manager.position(n, f.stETHAddress)).active - posBefore).to.equal(
        poolSharesAfter - poolSharesBefore,
      );
      expect(await f.manager.getRate()).to.be.gte(rate);
      await expectModel(f);
    });

    it("a node its operator force-undelegated (not yet synced): deposits skip it, its tokens and the unowned pool stay untouched, the figures match the model", async function () {
      const f = await loadFixture(lrtFixture);
      await fourDeposits(f);
      const node0 = (await f.manager.node(0)).node;
      await (await f.registry.connect(f.operator1).undelegate(node0)).wait();
      expect((await f.manager.node(0)).undelegated).to.equal(false); // the manager has not synced it
      const [unownedBefore] = await f.vault.poolBalances(ethers.ZeroAddress, f.stETHAddress);
      const sharesBefore = (await f.vault.activeShares(node0, f.stETHAddress))[1];
      for (const s of [f.alice, f.bob, f.carol, f.dave, f.erin]) {
        const amount = 6n * WAD + 1n;
        const preview = await f.manager.previewDeposit(f.stETHAddress, amount);
        const before = await f.lrt.balanceOf(s.address);
        const n = await depositNode(f.manager, f.stETHVault.connect(s).deposit(amount, s.address));
        expect(n).to.not.equal(0n);
        expect((await f.lrt.balanceOf(s.address)) - before).to.equal(preview);
      }
      expect(await f.stETH.balanceOf(node0)).to.equal(0n);
      expect((await f.vault.activeShares(node0, f.stETHAddress))[1]).to.equal(sharesBefore);
      expect((await f.vault.poolBalances(ethers.ZeroAddress, f.stETHAddress))[0]).to.equal(unownedBefore);
      await expectModel(f);
    });
  });

  describe("(4) the node's standing vault allowance", function () {
    it("only the node makes the vault pull the node's tokens: the core's transferFroms pull from msg.sender", async function () {
      const f = await loadFixture(lrtFixture);
      await (await f.stETHVault.connect(f.bob).deposit(5n * WAD, f.bob.address)).wait();
      const n = 0n;
      const info = await f.manager.node(n);
      expect(info.assetMask).to.not.equal(0n);
      const node = info.node;
      expect(await f.stETH.allowance(node, f.vaultAddress)).to.equal(ethers.MaxUint256);
      // Tokens sitting on the node (a donation): the prize.
      await (await f.stETH.connect(f.carol).transfer(node, 3n * WAD)).wait();
      const attacker = f.dave;
      const attackerStETH = await f.stETH.balanceOf(attacker.address);
      // The vault's deposit: pulls from the attacker (approved by the fixture), credits him.
      await (await f.vault.connect(attacker).deposit(f.stETHAddress, WAD, 1)).wait();
      expect(await f.stETH.balanceOf(attacker.address)).to.equal(attackerStETH - WAD);
      expect(await f.stETH.balanceOf(node)).to.equal(3n * WAD);
      // The distributor's funding: pulls from its caller; without the caller's allowance it fails.
      const rd = RewardDistributor__factory.connect(await f.rewardDistributor.getAddress(), attacker);
      await (await rd.connect(f.admin).addRewardToken(f.stETHAddress, WAD / 100n)).wait();
      expect(await f.stETH.allowance(attacker.address, await rd.getAddress())).to.equal(0n);
      await expect(rd.fundRewards(info.operator, f.stETHAddress, f.stETHAddress, WAD, 86_400))
        .to.be.revertedWithCustomError(f.stETH, "ERC20InsufficientAllowance")
        .withArgs(await rd.getAddress(), 0n, WAD); // it pulls from the attacker, not from the node
      expect(await f.stETH.balanceOf(attacker.address)).to.equal(attackerStETH - WAD);
      expect(await f.stETH.balanceOf(node)).to.equal(3n * WAD);
      expect(await f.stETH.allowance(node, f.vaultAddress)).to.equal(ethers.MaxUint256);
    });

    it("a USDT-like token whose capped 'max' allowance is spent: the node re-approves (through approve(0)) and every deposit stakes", async function () {
      const f = await quirkyLRT();
      const cap = 25n * WAD;
      await (await f.q.getFunction("setCap")(cap)).wait();
      const amount = 10n * WAD;
      let staked = 0n;
      const approvals0 = (await f.q.getFunction("approvals")()) as bigint;
      for (let i = 0; i < 6; i++) {
        const preview = await f.manager.previewDeposit(f.asset, amount);
        const before = await f.lrt.balanceOf(f.alice.address);
        await (await f.entry.connect(f.alice).deposit(amount, f.alice.address)).wait();
        expect((await f.lrt.balanceOf(f.alice.address)) - before).to.equal(preview);
        staked += amount;
      }
      const nodes = [(await f.manager.node(0)).node, (await f.manager.node(1)).node];
      for (const node of nodes) expect(await f.q.getFunction("balanceOf")(node)).to.equal(0n);
      const [a0] = await f.vault.poolBalances(f.operator1.address, f.asset);
      const [a1] = await f.vault.poolBalances(f.operator2.address, f.asset);
      expect(a0 + a1).to.equal(staked);
      // 3 deposits of 10 per node against a cap of 25: each node approved at least twice (0 -> cap, then 0 and cap).
      expect(((await f.q.getFunction("approvals")()) as bigint) - approvals0).to.be.gte(6n);
      for (const node of nodes) {
        expect(await f.q.getFunction("allowance")(node, f.vaultAddress)).to.be.lte(cap);
      }
    });
  });
});
