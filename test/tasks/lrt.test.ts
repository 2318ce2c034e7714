import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile, recordedAddress } from "../../sdk/deployments";
import {
  LiquidRestakingToken__factory,
  LRTAssetVault__factory,
  LRTManager__factory,
  MockERC20__factory,
  RewardDistributor__factory,
} from "../../typechain-types";
import { DAY, DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";
import { LRT_GROUP } from "../helpers/lrtFixtures";

/**
 * A local deployment with the LRT (record in a temporary directory; two demo operators with a node each); the staker
 * (account 1) holds 100 wstETH and 100 rETH; account 3 keeps PAUSER_ROLE.
 */
async function deployedFixture() {
  const [deployer, staker, funder, pauser] = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-lrt-test-"));
  const plan = { ...resolveDeployPlan("localhost", { PAUSER: pauser!.address }), network: "hardhat" };
  const { record } = await deployProtocol(deployer!, plan, { dir });
  const wstETH = MockERC20__factory.connect(recordedAddress(record, "mock:wstETH"), deployer!);
  const rETH = MockERC20__factory.connect(recordedAddress(record, "mock:rETH"), deployer!);
  for (const t of [wstETH, rETH]) await (await t.mint(staker!.address, 100n * WAD)).wait();
  return {
    record,
    file: deploymentFile("hardhat", dir),
    staker: staker!,
    funder: funder!,
    pauser: pauser!,
    wstETH,
    rETH,
    lrt: LiquidRestakingToken__factory.connect(recordedAddress(record, "lrt"), deployer!),
    manager: LRTManager__factory.connect(recordedAddress(record, "lrtManager"), deployer!),
    wstEntry: LRTAssetVault__factory.connect(recordedAddress(record, "lrtEntryPoint:wstETH"), deployer!),
  };
}

const ADDRESS = "0x[0-9a-fA-F]{40}";

/** What `run` prints on stdout (console.log and the tasks' progress lines). */
async function printed<T>(run: () => Promise<T>): Promise<{ result: T; text: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await run(), text: chunks.join("") };
  } finally {
    process.stdout.write = write;
  }
}

describe("tasks/lrt.ts: the LRT's deposit, redemption, claim, harvest and status on the command line", function () {
  it("deposit with units, status, request, a claim that says when, then claims after the vault's delay", async function () {
    const { file, staker, wstETH, lrt, manager, wstEntry } = await loadFixture(deployedFixture);
    const as = { account: "1", record: file };
    const preview = await wstEntry.previewDeposit(10n * WAD);
    const dep = (await hre.run("lrt-deposit", {
      ...as,
      asset: "wstETH",
      amount: "10 wstETH",
      minShares: "",
      receiver: "",
    })) as { shares: bigint; rate: bigint };
    expect(dep.shares).to.equal(preview);
    expect(await lrt.balanceOf(staker.address)).to.equal(preview);
    expect(dep.rate).to.equal(await manager.getRate());
    expect(await wstETH.balanceOf(staker.address)).to.equal(90n * WAD);

    const req = (await hre.run("lrt-request-redeem", { ...as, shares: "4 lrtETH", asset: "wstETH" })) as {
      id: bigint;
      value: bigint;
    };
    const r = await manager.request(req.id);
    expect([r.controller, r.status, r.shares, r.amount]).to.deep.equal([
      staker.address,
      1n,
      4n * WAD,
      req.value,
    ]);
    expect(req.value).to.be.greaterThan(0n);

    const status = (await hre.run("lrt-status", { ...as, of: "" })) as {
      balance: bigint;
      rate: bigint;
      requests: Array<{ id: bigint; asset: string; status: string; shares: bigint; amount: bigint }>;
    };
    expect(status.balance).to.equal(preview - 4n * WAD);
    expect(status.rate).to.equal(await manager.getRate());
    expect(status.requests).to.deep.equal([
      { id: req.id, asset: "wstETH", status: "Pending", shares: 4n * WAD, amount: req.value },
    ]);

    // The deposit stayed idle (the buffer): the claim processes the queue from idle and pays at once.
    const claim = { ...as, request: req.id.toString(), asset: "", controller: "", minAssets: "" };
    const first = (await hre.run("lrt-claim", claim)) as { assets: bigint };
    expect((await manager.request(req.id)).status).to.equal(3n);
    expect(first.assets).to.equal((await manager.request(req.id)).amount);
    expect(await wstETH.balanceOf(staker.address)).to.equal(90n * WAD + first.assets);
    await expect(hre.run("lrt-claim", claim)).to.be.rejectedWith(`request ${req.id} was claimed already`);

    // A larger deposit is staked in a node; a request beyond the idle buffer waits for a vault withdrawal, and the
    // claim says until when.
    await hre.run("lrt-deposit", { ...as, asset: "wstETH", amount: "50", minShares: "", receiver: "" });
    const big = (await hre.run("lrt-request-redeem", { ...as, shares: "20", asset: "wstETH" })) as {
      id: bigint;
    };
    const wait = { ...claim, request: big.id.toString() };
    await expect(hre.run("lrt-claim", wait)).to.be.rejectedWith(
      new RegExp(
        `request ${big.id} is not claimable yet: the queue now waits for vault withdrawals completable at .* \\(in 7d 0h\\)`,
      ),
    );
    await expect(hre.run("lrt-claim", wait)).to.be.rejectedWith(
      new RegExp(`request ${big.id} is not claimable yet: it waits for .* completable at .* \\(in 7d 0h\\)`),
    );
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    const walletBefore = await wstETH.balanceOf(staker.address);
    const paid = (await hre.run("lrt-claim", wait)) as { assets: bigint };
    expect((await manager.request(big.id)).status).to.equal(3n);
    expect(paid.assets).to.equal((await manager.request(big.id)).amount);
    expect(paid.assets).to.be.greaterThan(19n * WAD);
    expect(await wstETH.balanceOf(staker.address)).to.equal(walletBefore + paid.assets);
  });

  it("lrt-deposit refuses before sending: unknown asset, balance, cap, minimum, paused deposits", async function () {
    const { file, staker, pauser, rETH, manager } = await loadFixture(deployedFixture);
    const as = { account: "1", record: file, minShares: "", receiver: "" };
    await expect(hre.run("lrt-deposit", { ...as, asset: "cbETH", amount: "1" })).to.be.rejectedWith(
      new RegExp(`unknown asset "cbETH": the LRT accepts wstETH \\(${ADDRESS}\\), rETH \\(${ADDRESS}\\)$`),
    );
    await expect(hre.run("lrt-deposit", { ...as, asset: "rETH", amount: "100.5" })).to.be.rejectedWith(
      `insufficient balance: ${staker.address} holds 100.0 rETH (${100n * WAD} base units), the deposit needs 100.5 rETH`,
    );
    await (await rETH.mint(staker.address, 200_000n * WAD)).wait();
    await expect(hre.run("lrt-deposit", { ...as, asset: "rETH", amount: "100001 rETH" })).to.be.rejectedWith(
      `the deposit of 100001.0 rETH (${100_001n * WAD} base units) exceeds what rETH's cap of 100000.0 rETH`,
    );
    await expect(
      hre.run("lrt-deposit", { ...as, asset: "rETH", amount: "1", minShares: "1000 lrtETH" }),
    ).to.be.rejectedWith(/--min-shares 1000.0 lrtETH .* is more than the deposit mints now: /);
    await (await manager.connect(pauser).pause(1n << LRT_GROUP.DEPOSITS)).wait();
    await expect(hre.run("lrt-deposit", { ...as, asset: "rETH", amount: "1" })).to.be.rejectedWith(
      "depositing is paused on the LRT (LRTManager group DEPOSITS, bit 0)",
    );
  });

  it("lrt-request-redeem refuses what it can foresee and decodes what it cannot", async function () {
    const { file, staker } = await loadFixture(deployedFixture);
    const as = { account: "1", record: file };
    await expect(
      hre.run("lrt-request-redeem", { account: "4", record: file, shares: "all", asset: "wstETH" }),
    ).to.be.rejectedWith(/holds no lrtETH/);
    await hre.run("lrt-deposit", { ...as, asset: "wstETH", amount: "5", minShares: "", receiver: "" });
    await expect(
      hre.run("lrt-request-redeem", { ...as, shares: "1000", asset: "wstETH" }),
    ).to.be.rejectedWith(`insufficient LRT: ${staker.address} holds`);
    await expect(hre.run("lrt-request-redeem", { ...as, shares: "1", asset: "stETH" })).to.be.rejectedWith(
      'unknown asset "stETH": the LRT accepts wstETH',
    );
    // Only wstETH was deposited: a request in rETH exceeds what the LRT holds of rETH.
    await expect(hre.run("lrt-request-redeem", { ...as, shares: "all", asset: "rETH" })).to.be.rejectedWith(
      /request the redemption of .* in rETH reverted: RedeemExceedsAssetLiquidity: asset = 0x[0-9a-fA-F]{40}, value = \d+.*available = 0/,
    );
  });

  it("lrt-claim: which request, an unknown one, nothing to claim, another's request, paused claims", async function () {
    const { file, pauser, manager, staker, wstETH } = await loadFixture(deployedFixture);
    const base = { account: "1", record: file, request: "", asset: "", controller: "", minAssets: "" };
    await expect(hre.run("lrt-claim", base)).to.be.rejectedWith(
      "give either --request <id> or --asset <symbol>",
    );
    await expect(hre.run("lrt-claim", { ...base, request: "99" })).to.be.rejectedWith(
      "request 99 does not exist (the LRT has 0)",
    );
    await expect(hre.run("lrt-claim", { ...base, asset: "wstETH" })).to.be.rejectedWith(
      `${staker.address} has nothing claimable in wstETH and no redemption request`,
    );
    await hre.run("lrt-deposit", { ...base, asset: "wstETH", amount: "5", minShares: "", receiver: "" });
    const { id } = (await hre.run("lrt-request-redeem", { ...base, shares: "1", asset: "wstETH" })) as {
      id: bigint;
    };
    await expect(hre.run("lrt-claim", { ...base, account: "2", request: id.toString() })).to.be.rejectedWith(
      `request ${id} is ${staker.address}'s, not `,
    );
    // By asset: the queue is processed from idle and the controller's claimable balance is redeemed.
    const { result: claimed, text } = await printed(
      () => hre.run("lrt-claim", { ...base, asset: "wstETH" }) as Promise<{ assets: bigint }>,
    );
    expect(text).to.match(
      /\[1\/2\] process up to 16 wstETH redemption requests: sent .*\n\[2\/2\] claim 1.0 lrtETH/,
    );
    const r = await manager.request(id);
    // A claim by amount draws on the controller's claimable balance: the request stays Claimable, with nothing left.
    expect([r.status, r.amount]).to.deep.equal([2n, claimed.assets]);
    expect(claimed.assets).to.be.greaterThan(0n);
    expect((await manager.claimable(await wstETH.getAddress(), staker.address)).shares).to.equal(0n);
    await expect(hre.run("lrt-claim", { ...base, request: id.toString() })).to.be.rejectedWith(
      `request ${id} is paid already: it is fulfilled for 1.0 wstETH (${WAD} base units), but ${staker.address}'s ` +
        "claimable wstETH balance is 0.0 wstETH (0 base units) (claimed by amount)",
    );
    await (await manager.connect(pauser).pause(1n << LRT_GROUP.CLAIMS)).wait();
    await expect(hre.run("lrt-claim", { ...base, asset: "wstETH" })).to.be.rejectedWith(
      "claiming is paused on the LRT (LRTManager group CLAIMS, bit 2)",
    );
  });

  it("lrt-harvest sends reward tokens to the receiver; refuses a paused group and an LRT without nodes", async function () {
    const { file, record, funder, pauser, manager } = await loadFixture(deployedFixture);
    const as = { account: "1", record: file };
    // 10 wstETH fill the idle buffer, the next 50 are staked in a node.
    await hre.run("lrt-deposit", { ...as, asset: "wstETH", amount: "10", minShares: "", receiver: "" });
    await hre.run("lrt-deposit", { ...as, asset: "wstETH", amount: "50", minShares: "", receiver: "" });
    const rwd = MockERC20__factory.connect(recordedAddress(record, "mock:RWD"), funder);
    const rewards = RewardDistributor__factory.connect(recordedAddress(record, "rewardDistributor"), funder);
    await (await rwd.mint(funder.address, 100n * WAD)).wait();
    await (await rwd.approve(await rewards.getAddress(), 100n * WAD)).wait();
    for (const i of [0n, 1n]) {
      const { operator } = await manager.node(i);
      await (
        await rewards.fundRewards(operator, recordedAddress(record, "mock:wstETH"), rwd, 10n * WAD, DAY)
      ).wait();
    }
    await time.increase(DAY);
    const timelock = recordedAddress(record, "timelock");
    const before = await rwd.balanceOf(timelock);
    // A day later both prices are stale: harvest refreshes them first, each a numbered step.
    const { result: h, text } = await printed(
      () =>
        hre.run("lrt-harvest", as) as Promise<{
          harvested: Array<{ token: string; amount: bigint; toIdle: boolean }>;
          rate: bigint;
          rateBefore: bigint;
        }>,
    );
    expect(text).to.match(
      /\[1\/3\] refresh the oracle's stale wstETH price: sent .*\n\[2\/3\] refresh the oracle's stale rETH price: sent .*\n\[3\/3\] harvest: sent /,
    );
    expect(text).to.include("RWD (");
    expect(text).to.include("went to the rewards receiver");
    expect(h.harvested.map((x) => [x.token, x.toIdle])).to.deep.equal([["RWD", false]]);
    expect(h.harvested[0]!.amount).to.be.greaterThan(0n);
    expect((await rwd.balanceOf(timelock)) - before).to.equal(h.harvested[0]!.amount);
    expect(h.rate).to.equal(h.rateBefore);

    await (await manager.connect(pauser).pause(1n << LRT_GROUP.OPERATIONS)).wait();
    await expect(hre.run("lrt-harvest", as)).to.be.rejectedWith(
      "harvesting is paused on the LRT (LRTManager group OPERATIONS, bit 4)",
    );
  });

  it("tasks on an LRT without nodes, and on a record without the LRT, say so", async function () {
    const { record, file } = await loadFixture(deployedFixture);
    const [deployer] = await ethers.getSigners();
    const base = resolveDeployPlan("localhost", {});
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-lrt-test-"));
    await deployProtocol(
      deployer!,
      { ...base, network: "hardhat", lrt: { ...base.lrt, demoOperators: 0 } },
      { dir },
    );
    await expect(
      hre.run("lrt-harvest", { account: "0", record: deploymentFile("hardhat", dir) }),
    ).to.be.rejectedWith("the LRT has no node: there is nothing to harvest");
    const withoutLRT = { ...record, contracts: { ...record.contracts } };
    delete withoutLRT.contracts.lrtManager;
    const old = path.join(path.dirname(file), "old.json");
    fs.writeFileSync(old, JSON.stringify(withoutLRT));
    await expect(hre.run("lrt-status", { account: "0", record: old, of: "" })).to.be.rejectedWith(
      "the hardhat deployment has no LRT: re-run the deploy",
    );
  });
});
