/**
 * Attack review 6 of the LRT (issue #10): the fifth gas pass (docs/gas.md, "Fifth pass"; docs/lrt.md): the core
 * vault's new view `RestakingVault.poolBalancesOf(bytes pairs)` (packed 40-byte (operator, asset) pairs, encoded by
 * hand both ways, its pools' slots computed in assembly), the valuation's node records read in one assembly pass and
 * every node's pools read with one `poolBalancesOf` call, and the risk check valuing the chosen node's position with
 * the pool figures its pool check read (`LRTRisk._refusal`).
 *
 * Findings: none. No attack below works; each test asserts what the attacker (or the state) ends with.
 *
 * Failed attacks:
 *   (1) poolBalancesOf: equals `poolBalances` pool by pool with every neighbouring packed field set (fullySlashed and
 *       the unused top byte of slot 0, queuedShares and pendingRequests of slot 1 all ones), at each field's maximum,
 *       for unknown pairs (zeros) and for a pair repeated; length 0 returns an empty array, lengths 1, 20, 39, 41, 79,
 *       81, 121 revert PackedPairsLength(length); raw calldata that claims more bytes than it carries, a length near
 *       2^256 or an offset past the end revert empty in the ABI decoder; dirty padding and trailing words after the
 *       claimed bytes, and a non-standard offset, give the clean answer (the packed format has no upper bits to
 *       clean: each address is the top 20 bytes of its calldata word, shifted down). 1,000 pairs (the caller pays;
 *       the LRT passes at most nodeCount x assetCount = 256, its nodes' masks, set only by its own stakes) answer
 *       exactly. The implementation called directly reads its own (empty) storage: zeros, nothing of the proxy's. The
 *       answer returns by assembly `return` (no Solidity code runs after it in the vault); a Solidity caller's ABI
 *       decoder (offset, length, bounds) accepts it and gets the same figures.
 *   (2) valuation: with 16 nodes (one holding nothing, one force-undelegated by its operator, two assets each), a
 *       pool at 2^127 - 1 / 2^127 total shares (the whole valuation falls back to Solidity at 2^127: more gas), a 100%
 *       pending slash, an emptied pool under a position: getRate, totalValue(true/false) and previewDeposit equal the
 *       independent BigInt figures of docs/lrt.md "Rate" (lrtReviewHelpers' model), a deposit mints its preview; an
 *       LRT whose nodes hold nothing makes no vault call (a vault that reverts everything does not stop getRate).
 *       The oracle is read in the nodes' first-seen order (an oracle that reverts with its calldata shows the first
 *       read: rETH when node 0 holds only rETH, stETH when it holds only stETH, rETH when node 0 holds nothing and
 *       node 1 only rETH). The vault's answer must have exactly 0x40 + 96 bytes a pair: one pair short or one word
 *       long reverts empty; a custom-error revert of the vault bubbles with its data; a paused vault (every group)
 *       values as before.
 *   (3) risk check: the shared pool read is taken in the same view call as before (LRTRisk.priceDeposit / pickNode,
 *       before any token moves): exposure = the node's position before the deposit + the deposit's value, as
 *       docs/lrt.md "Risk policy" says. ConcentrationBreached / SlashExposureBreached figures equal an independent
 *       computation (magnitudes, allocations, maxSlashWad, positions and pools read from the chain) at the cap and one
 *       below; at a 25% cap with 25% of every pool slashable, a deposit of 10 stETH passes at 2500 bps, 10 stETH + 1 wei
 *       reverts SlashExposureBreached(2501, 2500) (the exposure rounds up: the conservative side), 10 stETH + 4 wei
 *       passes. With a pending slash on node 0 (its pools refuse: PoolSlashPending), the deposit goes to node 1 and
 *       the figures use node 0's cached exposure, as the policy says; the cache written is the model's pre-deposit
 *       figure and is not below the figure a refresh computes after the deposit.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

import { ERC1967_IMPLEMENTATION_SLOT } from "../behaviours/common";
import { WAD } from "../helpers/fixtures";
import { requestSlash } from "../helpers/lrtActions";
import {
  lrtFixture,
  lrtSlashFixture,
  rateOf,
  sharesFor,
  type LRTFixture,
  type LRTSlashFixture,
} from "../helpers/lrtFixtures";
import { compileTestContract } from "../helpers/solcjs";
import {
  MANAGER_STORAGE,
  MAX112,
  MAX128,
  POOL_VIRTUAL_SHARES,
  TWO127,
  ceilDiv,
  depositNode,
  expectModel,
  fourDeposits,
  mapSlot,
  modelTotal,
  poolSlot,
  rateGas,
  readSlot,
  setPool,
  sixteenNodes,
  twoAssetsStaked,
  writeSlot,
} from "./lrtReviewHelpers";

type Pair = readonly [string, string];

const pack = (pairs: readonly Pair[]): string =>
  ethers.solidityPacked(
    pairs.flatMap(() => ["address", "address"]),
    pairs.flatMap((p) => [p[0], p[1]]),
  );

/** Every (node operator, asset) pair of the fixture's four nodes and two assets. */
async function allPairs(f: LRTFixture): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0n; i < (await f.manager.nodeCount()); i++) {
    const op = (await f.manager.node(i)).operator;
    for (const a of [f.stETHAddress, f.rETHAddress]) pairs.push([op, a]);
  }
  return pairs;
}

/** poolBalancesOf(pairs) equals the pools' `poolBalances`, three words a pair in the pairs' order. */
async function expectSameAsPoolBalances(f: LRTFixture, pairs: readonly Pair[]): Promise<void> {
  const expected: bigint[] = [];
  for (const [op, a] of pairs) expected.push(...(await f.vault.poolBalances(op, a)));
  expect([...(await f.vault.poolBalancesOf(pack(pairs)))]).to.deep.equal(expected);
}

/** The revert data of an eth_call (throws if it does not revert). */
async function revertData(to: string, data: string): Promise<string> {
  try {
    await ethers.provider.call({ to, data });
  } catch (e) {
    const d = (e as { data?: string }).data;
    if (typeof d === "string") return d;
    throw e;
  }
  throw new Error("the call did not revert");
}

/** Replaces the code at `address` with a contract whose fallback has `body` (assembly allowed); returns the old code. */
async function replaceCode(f: LRTFixture, address: string, name: string, body: string): Promise<string> {
  const src = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
contract ${name} {
    fallback() external { ${body} }
}
`;
  const c = await new ethers.ContractFactory([], compileTestContract(name, src), f.admin).deploy();
  await c.waitForDeployment();
  const original = await ethers.provider.getCode(address);
  await network.provider.send("hardhat_setCode", [
    address,
    await ethers.provider.getCode(await c.getAddress()),
  ]);
  return original;
}

/** The first slot of `$.nodes` in the manager's layout, found by node 0's record (operator, then node address). */
async function nodesSlot(f: LRTFixture): Promise<bigint> {
  const info = await f.manager.node(0);
  const low160 = (1n << 160n) - 1n;
  for (let k = 0n; k < 100n; k++) {
    const w0 = await readSlot(f.managerAddress, MANAGER_STORAGE + k);
    if ((w0 & low160) !== BigInt(info.operator)) continue;
    if (((await readSlot(f.managerAddress, MANAGER_STORAGE + k + 1n)) & low160) === BigInt(info.node)) {
      return MANAGER_STORAGE + k;
    }
  }
  throw new Error("nodes slot not found");
}

/** Sets node `i`'s asset mask (bits 176-191 of its record's first word). */
async function setMask(f: LRTFixture, nodes: bigint, i: bigint, mask: bigint): Promise<void> {
  const slot = nodes + 2n * i;
  const w = await readSlot(f.managerAddress, slot);
  await writeSlot(f.managerAddress, slot, (w & ~(0xffffn << 176n)) | (mask << 176n));
  expect((await f.manager.node(i)).assetMask).to.equal(mask);
}

/** The manager's `positions` mapping slot (by position (0, stETH)); `exposureCache` and `exposureSum` follow it. */
async function exposureSlots(f: LRTFixture): Promise<{ cache: (i: bigint) => bigint; sum: bigint }> {
  const pos = await f.manager.position(0, f.stETHAddress);
  const word = pos.active | (pos.queued << 128n);
  expect(word).to.not.equal(0n);
  const st = BigInt((await f.manager.assetConfig(f.stETHAddress)).index);
  for (let k = 0n; k < 200n; k++) {
    if ((await readSlot(f.managerAddress, mapSlot(st, mapSlot(0n, MANAGER_STORAGE + k)))) === word) {
      // LRTStorage.Layout: positions, exposureCache, withdrawals, requests, queues, claimables, exposureSum.
      const base = MANAGER_STORAGE + k;
      return { cache: (i: bigint) => mapSlot(i, base + 1n), sum: base + 6n };
    }
  }
  throw new Error("positions slot not found");
}

async function cachedExposures(f: LRTFixture): Promise<{ caches: bigint[]; sum: bigint }> {
  const s = await exposureSlots(f);
  const caches: bigint[] = [];
  for (let i = 0n; i < (await f.manager.nodeCount()); i++)
    caches.push(await readSlot(f.managerAddress, s.cache(i)));
  const sum = await readSlot(f.managerAddress, s.sum);
  expect(sum).to.equal(caches.reduce((x, y) => x + y, 0n)); // exposureSum in step with the caches
  return { caches, sum };
}

/** Node `i`'s value at the entry price (gross, each part rounded up): docs/lrt.md "Rate". */
async function nodeEntryValue(f: LRTFixture, i: bigint): Promise<bigint> {
  const op = (await f.manager.node(i)).operator;
  let value = 0n;
  for (const asset of [f.stETHAddress, f.rETHAddress]) {
    const pos = await f.manager.position(i, asset);
    const [assets, shares] = await f.vault.poolBalances(op, asset);
    const q = ceilDiv((pos.active + pos.queued) * (assets + 1n), shares + POOL_VIRTUAL_SHARES);
    value += ceilDiv(q * (await f.oracle.price(asset)), WAD);
  }
  return value;
}

/**
 * Node `i`'s slash exposure with `added` value more in stETH, by docs/lrt.md "Risk policy" (c), from the chain's raw
 * figures: per asset held (or added), the slashable fraction of the pool (allow-listed AVSs' current magnitude x
 * maxSlashWad, plus unapproved and reserved magnitude at 100%, over the operator's magnitude, rounded up, capped at
 * 1e18) times the position gross of pending slashes (pool assets down, value down) plus the added value, rounded up.
 */
async function modelExposure(f: LRTSlashFixture, i: bigint, added: bigint): Promise<bigint> {
  const op = (await f.manager.node(i)).operator;
  const allowed = [f.avs.address];
  let exposure = 0n;
  for (const asset of [f.stETHAddress, f.rETHAddress]) {
    const pos = await f.manager.position(i, asset);
    const extra = asset === f.stETHAddress ? added : 0n;
    const shares = pos.active + pos.queued;
    if (shares === 0n && extra === 0n) continue;
    const [m, maxMagnitude] = await f.slashingManager.magnitudes(op, asset);
    let approved = 0n;
    let slashable = 0n;
    for (const avs of allowed) {
      const al = await f.slashingManager.allocation(op, avs, asset);
      approved += al.current + (al.pendingIncrease ? al.pendingDelta : 0n);
      if (al.current !== 0n) slashable += al.current * (await f.slashingManager.avsConfig(avs)).maxSlashWad;
    }
    const held = m.encumbered - m.reserved;
    const unapproved = held > approved ? held - approved : 0n;
    let fraction = WAD;
    if (maxMagnitude !== 0n) fraction = ceilDiv(slashable + (unapproved + m.reserved) * WAD, maxMagnitude);
    if (fraction > WAD) fraction = WAD;
    const [poolAssets, poolShares] = await f.vault.poolBalances(op, asset);
    const tokens = (shares * (poolAssets + 1n)) / (poolShares + POOL_VIRTUAL_SHARES);
    const value = (tokens * (await f.oracle.price(asset))) / WAD + extra;
    exposure += ceilDiv(value * fraction, WAD);
  }
  return exposure;
}

/** The risk check's figures for a deposit of `amount` stETH routed to node `n`: exposure, exposure bps, share bps. */
async function modelCheck(
  f: LRTSlashFixture,
  n: bigint,
  amount: bigint,
): Promise<{ exposure: bigint; exposureBps: bigint; shareBps: bigint }> {
  const value = (amount * (await f.oracle.price(f.stETHAddress))) / WAD;
  const totalAfter = (await modelTotal(f, false)) + value;
  const exposure = await modelExposure(f, n, value);
  const { caches, sum } = await cachedExposures(f);
  return {
    exposure,
    exposureBps: ceilDiv((exposure + sum - caches[Number(n)]) * 10_000n, totalAfter),
    shareBps: ceilDiv(((await nodeEntryValue(f, n)) + value) * 10_000n, totalAfter),
  };
}

/** 25% of every pool slashable (lrtSlashFixture), the AVS allow-listed, caps 100% / 25%, four 10 stETH deposits. */
async function exposedLRT(): Promise<LRTSlashFixture> {
  const f = await loadFixture(lrtSlashFixture);
  await (await f.manager.setAllowedAVSs([f.avs.address])).wait();
  await (await f.manager.setRiskCaps(10_000, 2_500)).wait();
  await fourDeposits(f);
  expect(await f.manager.totalValue(false)).to.equal(40n * WAD);
  return f;
}

/** Deposits and returns the node index of its `Deposited` event. */
function deposited(f: LRTFixture, tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return depositNode(f.manager, tx);
}

describe("Attack review 6 (issue #10): the LRT's fifth gas pass and RestakingVault.poolBalancesOf", function () {
  describe("(1) RestakingVault.poolBalancesOf against poolBalances", function () {
    it("every pool, unknown pairs and a repeated pair: the same figures, with every neighbouring packed field set and at each field's maximum", async function () {
      const f = await twoAssetsStaked();
      const pairs = await allPairs(f);
      const stranger = ethers.Wallet.createRandom().address;
      const extra: Pair[] = [
        [stranger, f.stETHAddress],
        [pairs[0][0], stranger],
        [ethers.ZeroAddress, ethers.ZeroAddress],
        pairs[3],
        pairs[3],
      ];
      await expectSameAsPoolBalances(f, [...pairs, ...extra]);
      // Every pool: fullySlashed and the top byte of slot 0 set, queuedShares and pendingRequests of slot 1 all ones,
      // a distinct pending slash per pool.
      for (const [k, [op, asset]] of pairs.entries()) {
        const slot = await poolSlot(f, op, asset);
        const w0 = await readSlot(f.vaultAddress, slot);
        await writeSlot(f.vaultAddress, slot, (w0 & ((1n << 240n) - 1n)) | (0xffn << 248n) | (1n << 240n));
        const [assets] = await f.vault.poolBalances(op, asset);
        const pending = assets / BigInt(k + 2);
        await writeSlot(f.vaultAddress, slot + 1n, MAX128 | (pending << 128n) | (0xffffn << 240n));
        const pool = await f.vault.pool(op, asset);
        expect([pool.fullySlashed, pool.queuedShares, pool.pendingSlash, pool.pendingRequests]).to.deep.equal(
          [true, MAX128, pending, 0xffffn],
        );
      }
      await expectSameAsPoolBalances(f, [...pairs, ...extra]);
      // Each field at its maximum; then both words all ones.
      const slot = await poolSlot(f, pairs[5][0], pairs[5][1]);
      await setPool(f, slot, MAX112, MAX128, MAX112, pairs[5][0], pairs[5][1]);
      await expectSameAsPoolBalances(f, pairs);
      await writeSlot(f.vaultAddress, slot, 2n ** 256n - 1n);
      await writeSlot(f.vaultAddress, slot + 1n, 2n ** 256n - 1n);
      expect(await f.vault.poolBalances(pairs[5][0], pairs[5][1])).to.deep.equal([MAX112, MAX128, MAX112]);
      await expectSameAsPoolBalances(f, pairs);
    });

    it("length 0: an empty array; lengths not a multiple of 40 revert PackedPairsLength(length)", async function () {
      const f = await twoAssetsStaked();
      expect([...(await f.vault.poolBalancesOf("0x"))]).to.deep.equal([]);
      const packed = pack(await allPairs(f));
      for (const len of [1, 20, 39, 41, 79, 81, 121]) {
        await expect(f.vault.poolBalancesOf(ethers.dataSlice(packed, 0, len)))
          .to.be.revertedWithCustomError(f.vault, "PackedPairsLength")
          .withArgs(len);
      }
    });

    it("raw calldata: short of its claimed length, a huge length or an offset past the end revert empty; dirty padding, trailing words and an odd offset give the clean answer", async function () {
      const f = await twoAssetsStaked();
      const pairs = await allPairs(f);
      const iface = f.vault.interface;
      const selector = iface.getFunction("poolBalancesOf").selector;
      const word = (x: bigint): string => ethers.zeroPadValue(ethers.toBeHex(x), 32);
      const one = pack([pairs[0]]); // 40 bytes
      const padded = ethers.concat([one, "0x" + "ff".repeat(24)]); // dirty padding to a whole word
      const expected = await f.vault.poolBalancesOf(one);
      expect(expected[0]).to.be.greaterThan(0n);
      const decode = async (data: string): Promise<bigint[]> => [
        ...iface.decodeFunctionResult(
          "poolBalancesOf",
          await ethers.provider.call({ to: f.vaultAddress, data }),
        )[0],
      ];
      // Claims 80 bytes, carries 64.
      expect(
        await revertData(
          f.vaultAddress,
          ethers.concat([selector, word(0x20n), word(80n), ethers.dataSlice(padded, 0)]),
        ),
      ).to.equal("0x");
      // A length near 2^256, an offset past the end.
      expect(
        await revertData(
          f.vaultAddress,
          ethers.concat([selector, word(0x20n), word(2n ** 256n - 40n), padded]),
        ),
      ).to.equal("0x");
      expect(
        await revertData(f.vaultAddress, ethers.concat([selector, word(0x1000n), word(40n), padded])),
      ).to.equal("0x");
      // Dirty padding and a trailing word: ignored.
      expect(
        await decode(ethers.concat([selector, word(0x20n), word(40n), padded, word(2n ** 256n - 1n)])),
      ).to.deep.equal([...expected]);
      // An offset of 0x40 with a garbage word in between.
      expect(
        await decode(ethers.concat([selector, word(0x40n), word(2n ** 255n + 7n), word(40n), padded])),
      ).to.deep.equal([...expected]);
    });

    it("1,000 pairs (caller-paid) answer exactly; the implementation called directly reads zeros; a Solidity caller's ABI decoder accepts the hand-encoded answer", async function () {
      const f = await twoAssetsStaked();
      const pairs = await allPairs(f);
      const many: Pair[] = Array.from({ length: 1_000 }, (_, k) => pairs[k % pairs.length]);
      const answer = [...(await f.vault.poolBalancesOf(pack(many)))];
      expect(answer.length).to.equal(3_000);
      const expected: bigint[] = [];
      for (const [op, a] of pairs) expected.push(...(await f.vault.poolBalances(op, a)));
      for (let k = 0; k < 1_000; k++) {
        expect(answer.slice(3 * k, 3 * k + 3)).to.deep.equal(expected.slice(3 * (k % 8), 3 * (k % 8) + 3));
      }
      // The implementation behind the proxy: its own storage (empty), nothing of the proxy's pools.
      const impl = ethers.getAddress(
        ethers.dataSlice(await ethers.provider.getStorage(f.vaultAddress, ERC1967_IMPLEMENTATION_SLOT), 12),
      );
      expect(impl).to.not.equal(f.vaultAddress);
      expect([...(await f.vault.attach(impl).getFunction("poolBalancesOf")(pack(pairs)))]).to.deep.equal(
        Array(24).fill(0n),
      );
      // A Solidity caller decodes it (offset, length and bounds checked) and keeps allocating after it.
      const src = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;
interface IPools { function poolBalancesOf(bytes calldata pairs) external view returns (uint256[] memory); }
contract PoolsReader {
    function read(IPools v, bytes calldata pairs) external view returns (uint256[] memory out, uint256 sum, bytes memory tail) {
        out = v.poolBalancesOf(pairs);
        for (uint256 i; i < out.length; ++i) sum += out[i];
        tail = abi.encode(out.length, sum);
    }
}
`;
      const abi = ["function read(address,bytes) view returns (uint256[] out, uint256 sum, bytes tail)"];
      const reader = await new ethers.ContractFactory(
        abi,
        compileTestContract("PoolsReader", src),
        f.admin,
      ).deploy();
      await reader.waitForDeployment();
      const [out, sum, tail] = await reader.getFunction("read")(f.vaultAddress, pack(pairs));
      const total = expected.reduce((x, y) => x + y, 0n);
      expect([...out]).to.deep.equal(expected);
      expect(sum).to.equal(total);
      expect(tail).to.equal(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [24n, total]));
    });
  });

  describe("(2) the valuation's single pool read against the model of docs/lrt.md 'Rate'", function () {
    it("16 nodes (one empty, one undelegated), pool shares 2^127 - 1 / 2^127, a 100% pending slash, an emptied pool: the model's figures; a deposit mints its preview", async function () {
      const f = await sixteenNodes();
      const node3 = await f.manager.node(3);
      expect(node3.operator).to.equal(f.operators[3].address);
      await (await f.registry.connect(f.operators[3]).undelegate(node3.node)).wait();
      expect(await f.vault.delegatedTo(node3.node)).to.equal(ethers.ZeroAddress);
      await expectModel(f);
      // Three other nodes holding stETH, and one holding rETH (the deposits' routing decides which).
      const holding: bigint[] = [];
      let rNode = -1n;
      for (let i = 4n; i < 16n; i++) {
        if ((await f.manager.position(i, f.stETHAddress)).active > 0n) holding.push(i);
        if (rNode < 0n && (await f.manager.position(i, f.rETHAddress)).active > 0n) rNode = i;
      }
      expect(holding.length).to.be.greaterThan(1);
      expect(rNode).to.be.greaterThan(3n);
      const op5 = (await f.manager.node(holding[0])).operator;
      const pool5 = await poolSlot(f, op5, f.stETHAddress);
      const [a5, s5] = await f.vault.poolBalances(op5, f.stETHAddress);
      await setPool(f, pool5, a5, TWO127 - 1n, 0n, op5, f.stETHAddress);
      await expectModel(f);
      const fast = await rateGas(f);
      await setPool(f, pool5, a5, TWO127, 0n, op5, f.stETHAddress); // this node's pool is off the single-word path
      await expectModel(f);
      expect(await rateGas(f)).to.be.greaterThan(fast);
      await setPool(f, pool5, a5, s5, 0n, op5, f.stETHAddress);
      // A 100% pending slash on another node's stETH pool, a node's rETH pool emptied under its position.
      const op7 = (await f.manager.node(holding[1])).operator;
      const [a7, s7] = await f.vault.poolBalances(op7, f.stETHAddress);
      await setPool(f, await poolSlot(f, op7, f.stETHAddress), a7, s7, a7, op7, f.stETHAddress);
      const op9 = (await f.manager.node(rNode)).operator;
      await setPool(f, await poolSlot(f, op9, f.rETHAddress), 0n, 0n, 0n, op9, f.rETHAddress);
      await expectModel(f);
      // A deposit: its preview minted.
      const amount = 3n * WAD + 1n;
      const preview = await f.manager.previewDeposit(f.stETHAddress, amount);
      const before = await f.lrt.balanceOf(f.alice.address);
      const n = await deposited(f, f.stETHVault.connect(f.alice).deposit(amount, f.alice.address));
      expect(n).to.not.equal(3n); // the undelegated node refuses
      expect((await f.lrt.balanceOf(f.alice.address)) - before).to.equal(preview);
      await expectModel(f);
    });

    it("an LRT whose nodes hold nothing makes no vault call: getRate with a vault that reverts everything", async function () {
      const f = await loadFixture(lrtFixture);
      await replaceCode(f, f.vaultAddress, "RevertsAll", "revert();");
      expect(await f.manager.getRate()).to.equal(rateOf(0n, 0n));
      expect(await f.manager.totalValue(false)).to.equal(0n);
    });

    it("prices are read in the nodes' first-seen order: an oracle reverting with its calldata shows the first read", async function () {
      const f = await twoAssetsStaked();
      for (const a of [f.stETHAddress, f.rETHAddress])
        expect((await f.manager.assetBook(a)).idle).to.equal(0n);
      const [st, re] = [
        BigInt((await f.manager.assetConfig(f.stETHAddress)).index),
        BigInt((await f.manager.assetConfig(f.rETHAddress)).index),
      ];
      expect(st).to.be.lessThan(re);
      const nodes = await nodesSlot(f);
      const oracle = await f.oracle.getAddress();
      await replaceCode(
        f,
        oracle,
        "EchoOracle",
        "assembly { calldatacopy(0, 0, calldatasize()) revert(0, calldatasize()) }",
      );
      const priceRange = f.oracle.interface.encodeFunctionData("priceRange", [f.rETHAddress]).slice(0, 10);
      const firstRead = async (): Promise<string> => {
        const data = await revertData(f.managerAddress, f.manager.interface.encodeFunctionData("getRate"));
        expect(ethers.dataSlice(data, 0, 4)).to.equal(priceRange);
        return ethers.getAddress(ethers.dataSlice(data, 16, 36));
      };
      await setMask(f, nodes, 0n, 1n << re);
      expect(await firstRead()).to.equal(f.rETHAddress);
      await setMask(f, nodes, 0n, 1n << st);
      expect(await firstRead()).to.equal(f.stETHAddress);
      await setMask(f, nodes, 0n, 0n);
      await setMask(f, nodes, 1n, 1n << re);
      expect(await firstRead()).to.equal(f.rETHAddress);
      await setMask(f, nodes, 1n, (1n << re) | (1n << st));
      expect(await firstRead()).to.equal(f.stETHAddress);
    });

    it("the vault's answer one pair short or one word long reverts empty; a custom-error revert bubbles; a paused vault values as before", async function () {
      const f = await twoAssetsStaked();
      const bodies = [
        // 3 (n - 1) words for n pairs
        `assembly { let n := div(calldataload(0x24), 40) mstore(0, 0x20) mstore(0x20, mul(sub(n, 1), 3)) return(0, add(0x40, mul(sub(n, 1), 0x60))) }`,
        // the right array and one word more
        `assembly { let n := div(calldataload(0x24), 40) mstore(0, 0x20) mstore(0x20, mul(n, 3)) return(0, add(0x60, mul(n, 0x60))) }`,
      ];
      const original = await ethers.provider.getCode(f.vaultAddress);
      for (const [k, body] of bodies.entries()) {
        await replaceCode(f, f.vaultAddress, `Answer${k}`, body);
        await expect(f.manager.getRate()).to.be.revertedWithoutReason();
        await network.provider.send("hardhat_setCode", [f.vaultAddress, original]);
      }
      const sel = f.vault.interface.getError("PackedPairsLength")?.selector ?? "";
      await replaceCode(
        f,
        f.vaultAddress,
        "CustomRevert",
        `assembly { mstore(0, shl(224, ${sel})) mstore(4, 7) revert(0, 0x24) }`,
      );
      await expect(f.manager.getRate())
        .to.be.revertedWithCustomError(f.vault, "PackedPairsLength")
        .withArgs(7n);
      await network.provider.send("hardhat_setCode", [f.vaultAddress, original]);
      const rate = await f.manager.getRate();
      await (await f.vault.connect(f.admin).pause(7n)).wait();
      expect(await f.vault.pausedGroups()).to.equal(7n);
      expect(await f.manager.getRate()).to.equal(rate);
      await expectModel(f);
    });
  });

  describe("(3) the risk check's shared pool read", function () {
    it("at a 25% cap with 25% slashable: 10 stETH passes at 2500 bps, + 1 wei reverts SlashExposureBreached(2501, 2500), + 4 wei passes; figures as the model's", async function () {
      const f = await exposedLRT();
      const total = await f.lrt.totalSupply();
      for (const [extra, passes] of [
        [1n, false],
        [0n, true],
        [4n, true],
      ] as const) {
        const amount = 10n * WAD + extra;
        const n = 0n; // all four nodes at 10 stETH and 2500 weight: node 0 is tried first
        const m = await modelCheck(f, n, amount);
        if (!passes) {
          expect(m.exposureBps).to.equal(2_501n);
          await expect(f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))
            .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
            .withArgs(m.exposureBps, 2_500n);
          expect(await f.lrt.totalSupply()).to.equal(total);
          continue;
        }
        expect(m.exposureBps).to.equal(2_500n);
        const snapshot = await network.provider.send("evm_snapshot", []);
        expect(await deposited(f, f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))).to.equal(n);
        expect((await cachedExposures(f)).caches[0]).to.equal(m.exposure);
        await network.provider.send("evm_revert", [snapshot]);
      }
    });

    it("ConcentrationBreached and SlashExposureBreached at the cap and one below equal the model; the cache written is the pre-deposit figure and not below a refresh's", async function () {
      const f = await exposedLRT();
      await (await f.manager.setWeights([4_000, 2_000, 2_000, 2_000])).wait();
      const amount = 7n * WAD + 3n;
      const m = await modelCheck(f, 0n, amount);
      expect(m.shareBps).to.be.greaterThan(2_500n);
      await (await f.manager.setRiskCaps(Number(m.shareBps - 1n), 10_000)).wait();
      // Node 0 (the most underweight) refuses first; the others, with the same figures, refuse too: node 0's is reported.
      await expect(f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))
        .to.be.revertedWithCustomError(f.manager, "ConcentrationBreached")
        .withArgs(f.operators[0].address, m.shareBps, m.shareBps - 1n);
      await (await f.manager.setRiskCaps(Number(m.shareBps), Number(m.exposureBps - 1n))).wait();
      await expect(f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))
        .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
        .withArgs(m.exposureBps, m.exposureBps - 1n);
      await (await f.manager.setRiskCaps(Number(m.shareBps), Number(m.exposureBps))).wait();
      expect(await deposited(f, f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))).to.equal(0n);
      const cached = (await cachedExposures(f)).caches[0];
      expect(cached).to.equal(m.exposure);
      const fresh = await modelExposure(f, 0n, 0n);
      expect(cached).to.be.gte(fresh);
      await expect(f.manager.refreshExposure(0)).to.emit(f.manager, "ExposureRefreshed").withArgs(0n, fresh);
    });

    it("a pending slash on node 0: its pools refuse (PoolSlashPending), the deposit goes to node 1 with node 0's cached exposure in the sum; figures as the model's", async function () {
      const f = await exposedLRT();
      const before = await cachedExposures(f);
      await requestSlash(f, f.operators[0].address, WAD / 2n);
      const pool0 = await f.vault.pool(f.operators[0].address, f.stETHAddress);
      expect(pool0.pendingRequests).to.be.greaterThan(0n);
      expect(pool0.pendingSlash).to.be.greaterThan(0n);
      expect((await cachedExposures(f)).caches).to.deep.equal(before.caches); // node 0's cache as last computed
      const amount = 2n * WAD + 5n;
      const m = await modelCheck(f, 1n, amount);
      await (await f.manager.setRiskCaps(10_000, Number(m.exposureBps - 1n))).wait();
      // Node 0 is tried first: its refusal (the pool's pending request) is the one reported.
      await expect(f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(f.operators[0].address, f.stETHAddress, pool0.pendingRequests);
      await (await f.manager.setWeights([0, 3_334, 3_333, 3_333])).wait();
      await expect(f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))
        .to.be.revertedWithCustomError(f.manager, "SlashExposureBreached")
        .withArgs(m.exposureBps, m.exposureBps - 1n);
      await (await f.manager.setRiskCaps(10_000, Number(m.exposureBps))).wait();
      expect(await deposited(f, f.stETHVault.connect(f.erin).deposit(amount, f.erin.address))).to.equal(1n);
      const after = await cachedExposures(f);
      expect(after.caches).to.deep.equal([before.caches[0], m.exposure, before.caches[2], before.caches[3]]);
      // Node 0's fresh figure counts its reserved magnitude at 100%: above its cache, as the policy says.
      expect(await modelExposure(f, 0n, 0n)).to.be.greaterThan(before.caches[0]);
      expect(await f.lrt.totalSupply()).to.equal(40n * WAD + sharesFor(amount, 40n * WAD, 40n * WAD)); // price 1, V = S = 40
    });
  });
});
