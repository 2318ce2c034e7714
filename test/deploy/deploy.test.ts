import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { readDeployment, recordedAddress, type DeploymentRecord } from "../../sdk/deployments";
import {
  LiquidRestakingToken__factory,
  LRTAssetVault__factory,
  LRTManager__factory,
  LRTNodeBeacon__factory,
  LRTOracle__factory,
  LRTPriceFeed__factory,
  MockWstETH__factory,
  OperatorRegistry__factory,
  ProtocolTimelock__factory,
  RestakingVault__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
} from "../../typechain-types";
import { ROLES } from "../helpers/fixtures";
import { lrtRecordNames } from "../helpers/lrtFixtures";

const CONTRACTS = [
  "RestakingVaultImpl",
  "vault",
  "OperatorRegistryImpl",
  "registry",
  "SlashingManagerImpl",
  "slashingManager",
  "RewardDistributorImpl",
  "rewardDistributor",
  "timelock",
  "mock:wstETH",
  "mock:rETH",
  "mock:cbETH",
  "mock:RWD",
  "LRTOracleImpl",
  "lrtOracle",
  "lrtAdapter:wstETH",
  "lrtAdapter:rETH",
  ...lrtRecordNames(["wstETH", "rETH"]),
  "lrtPriceFeed",
];

/** The accounts the local plan registers as demo operators: the chain's last two. */
async function demoOperators(): Promise<string[]> {
  return (await ethers.getSigners()).slice(-2).map((s) => s.address);
}

/** Transactions sent by the deployer and the demo operators (each registers itself). */
async function sentByDeploy(deployer: string): Promise<number> {
  let total = 0;
  for (const a of [deployer, ...(await demoOperators())])
    total += await ethers.provider.getTransactionCount(a);
  return total;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "deploy-test-"));
}

class Interrupted extends Error {}

async function chainFixture() {
  const [deployer, pauser, stranger] = await ethers.getSigners();
  return { deployer: deployer!, pauser: pauser!, stranger: stranger! };
}

/** Checks a finished deployment on chain: wiring, listings, and every admin role with the timelock alone. */
async function expectDeployed(record: DeploymentRecord, deployer: string, pauser: string): Promise<void> {
  const [signer] = await ethers.getSigners();
  const vault = RestakingVault__factory.connect(recordedAddress(record, "vault"), signer);
  const timelock = recordedAddress(record, "timelock");
  const modules = await vault.modules();
  expect([modules.registry, modules.slashingManager, modules.rewardsHook]).to.deep.equal([
    recordedAddress(record, "registry"),
    recordedAddress(record, "slashingManager"),
    recordedAddress(record, "rewardDistributor"),
  ]);
  expect(await vault.assets()).to.deep.equal([
    recordedAddress(record, "mock:wstETH"),
    recordedAddress(record, "mock:rETH"),
    recordedAddress(record, "mock:cbETH"),
  ]);
  expect((await vault.assetConfig(recordedAddress(record, "mock:rETH"))).cap).to.equal(
    1_000_000n * 10n ** 18n,
  );
  const rewards = RewardDistributor__factory.connect(recordedAddress(record, "rewardDistributor"), signer);
  expect(await rewards.rewardTokens()).to.deep.equal([
    recordedAddress(record, "mock:wstETH"),
    recordedAddress(record, "mock:RWD"),
  ]);
  const contracts = [
    vault,
    OperatorRegistry__factory.connect(recordedAddress(record, "registry"), signer),
    SlashingManager__factory.connect(recordedAddress(record, "slashingManager"), signer),
    rewards,
  ];
  for (const c of contracts) {
    expect(await c.hasRole(ROLES.DEFAULT_ADMIN, timelock)).to.equal(true);
    expect(await c.hasRole(ROLES.DEFAULT_ADMIN, deployer)).to.equal(false);
    expect(await c.hasRole(ROLES.PAUSER, pauser)).to.equal(true);
    expect(await c.hasRole(ROLES.PAUSER, deployer)).to.equal(pauser === deployer);
  }
  expect(await vault.hasRole(ROLES.ASSET_ADMIN, timelock)).to.equal(true);
  expect(await vault.hasRole(ROLES.ASSET_ADMIN, deployer)).to.equal(false);
  const tl = ProtocolTimelock__factory.connect(timelock, signer);
  expect(await tl.getMinDelay()).to.equal(0n);
  expect(await tl.hasRole(await tl.PROPOSER_ROLE(), deployer)).to.equal(true);
  for (const name of CONTRACTS) {
    const entry = record.contracts[name]!;
    expect(await ethers.provider.getCode(entry.address), name).to.not.equal("0x");
    const receipt = await ethers.provider.getTransactionReceipt(entry.txHash);
    expect(receipt?.contractAddress, name).to.equal(entry.address);
    expect(receipt?.blockNumber, name).to.equal(entry.block);
  }
  expect(record.contracts.vault!.implementation).to.equal(record.contracts.RestakingVaultImpl!.address);
  await expectLRTDeployed(record, deployer, pauser);
  expect(record.complete).to.equal(true);
}

/** Checks the LRT of a finished local deployment: prices, entry points, policy, nodes, and roles with the timelock. */
async function expectLRTDeployed(record: DeploymentRecord, deployer: string, pauser: string): Promise<void> {
  const [signer] = await ethers.getSigners();
  const at = (name: string): string => recordedAddress(record, name);
  const timelock = at("timelock");
  const [wstETH, rETH] = [at("mock:wstETH"), at("mock:rETH")];
  const oracle = LRTOracle__factory.connect(at("lrtOracle"), signer);
  expect(await oracle.assets()).to.deep.equal([wstETH, rETH]);
  const wstConfig = await oracle.assetConfig(wstETH);
  expect([wstConfig.adapter, wstConfig.maxAge, wstConfig.maxMoveBps]).to.deep.equal([
    at("lrtAdapter:wstETH"),
    86_400n,
    100n,
  ]);
  expect(await oracle.price(wstETH)).to.equal(
    await MockWstETH__factory.connect(wstETH, signer).stEthPerToken(),
  );
  expect(await oracle.adapterPrice(rETH)).to.equal((await oracle.assetConfig(rETH)).price);
  const manager = LRTManager__factory.connect(at("lrtManager"), signer);
  for (const [symbol, asset] of [
    ["wstETH", wstETH],
    ["rETH", rETH],
  ] as const) {
    const config = await manager.assetConfig(asset);
    expect(config.entryPoint).to.equal(at(`lrtEntryPoint:${symbol}`));
    expect(config.cap).to.equal(100_000n * 10n ** 18n);
    expect(config.enabled).to.equal(true);
    const ep = LRTAssetVault__factory.connect(config.entryPoint, signer);
    expect([await ep.asset(), await ep.manager(), await ep.share()]).to.deep.equal([
      asset,
      at("lrtManager"),
      at("lrt"),
    ]);
  }
  const policy = await manager.policy();
  expect([policy.bufferBps, policy.baseFeeBps, policy.maxFeeBps, policy.protocolFeeBps]).to.deep.equal([
    500n,
    100n,
    500n,
    1_000n,
  ]);
  const configs = await manager.queryFilter(manager.filters.ConfigSet());
  const config = configs[configs.length - 1]!.args;
  expect([
    config.oracle,
    config.treasury,
    config.rewardsReceiver,
    [...config.otherRewardTokens],
  ]).to.deep.equal([at("lrtOracle"), timelock, timelock, [at("mock:RWD")]]);
  const operators = await demoOperators();
  expect(await manager.nodeCount()).to.equal(2n);
  for (const [i, operator] of operators.entries()) {
    const node = await manager.node(i);
    expect([node.operator, node.weightBps]).to.deep.equal([operator, 5_000n]);
  }
  const token = LiquidRestakingToken__factory.connect(at("lrt"), signer);
  expect([await token.name(), await token.symbol()]).to.deep.equal(["Liquid Restaked ETH", "lrtETH"]);
  expect(await token.hasRole(await token.MINTER_ROLE(), at("lrtManager"))).to.equal(true);
  expect(await token.vault(rETH)).to.equal(at("lrtEntryPoint:rETH"));
  expect(await manager.token()).to.equal(at("lrt"));
  for (const c of [token, manager, oracle]) {
    expect(await c.hasRole(ROLES.DEFAULT_ADMIN, timelock)).to.equal(true);
    expect(await c.hasRole(ROLES.DEFAULT_ADMIN, deployer)).to.equal(false);
    expect(await c.hasRole(ROLES.PAUSER, pauser)).to.equal(true);
    expect(await c.hasRole(ROLES.PAUSER, deployer)).to.equal(pauser === deployer);
  }
  for (const [c, role] of [
    [manager, await manager.MANAGER_ROLE()],
    [oracle, await oracle.ORACLE_ADMIN_ROLE()],
  ] as const) {
    expect(await c.hasRole(role, timelock)).to.equal(true);
    expect(await c.hasRole(role, deployer)).to.equal(false);
  }
  const beacon = LRTNodeBeacon__factory.connect(at("lrtNodeBeacon"), signer);
  expect([await beacon.owner(), await beacon.implementation()]).to.deep.equal([timelock, at("LRTNodeImpl")]);
  const feed = LRTPriceFeed__factory.connect(at("lrtPriceFeed"), signer);
  expect(await feed.hasRole(ROLES.DEFAULT_ADMIN, timelock)).to.equal(true);
  expect(await feed.hasRole(ROLES.DEFAULT_ADMIN, deployer)).to.equal(false);
  expect(record.contracts.lrtManager!.implementation).to.equal(at("LRTManagerImpl"));
  expect(record.contracts.lrt!.implementation).to.equal(at("LiquidRestakingTokenImpl"));
  expect(record.contracts.lrtOracle!.implementation).to.equal(at("LRTOracleImpl"));
}

describe("deploy/protocol.ts: the deploy, its record, re-runs and interrupted runs", function () {
  it("deploys, wires, lists, hands every admin role to the timelock, and records each step", async function () {
    const { deployer, pauser } = await loadFixture(chainFixture);
    const dir = tempDir();
    const plan = resolveDeployPlan("localhost", { PAUSER: pauser.address });
    const before = await sentByDeploy(deployer.address);
    const { record, transactions } = await deployProtocol(
      deployer,
      { ...plan, network: "local-test" },
      { dir },
    );
    expect(Object.keys(record.contracts)).to.have.members(CONTRACTS);
    await expectDeployed(record, deployer.address, pauser.address);
    expect(readDeployment("local-test", dir)).to.deep.equal(record);
    expect(transactions).to.be.greaterThan(0);
    expect(transactions).to.equal((await sentByDeploy(deployer.address)) - before);
  });

  it("a second run sends nothing and leaves the record's contracts and steps as they were", async function () {
    const { deployer } = await loadFixture(chainFixture);
    const dir = tempDir();
    const plan = { ...resolveDeployPlan("localhost", {}), network: "local-test" };
    const first = await deployProtocol(deployer, plan, { dir });
    const nonce = await sentByDeploy(deployer.address);
    const again = await deployProtocol(deployer, plan, { dir, record: readDeployment("local-test", dir)! });
    expect(again.transactions).to.equal(0);
    expect(await sentByDeploy(deployer.address)).to.equal(nonce);
    expect(again.record.contracts).to.deep.equal(first.record.contracts);
    expect(again.record.steps).to.deep.equal(first.record.steps);
  });

  for (const stopAt of [
    "contract:registry",
    "step:vault.setSlashingManager",
    "contract:mock:rETH",
    "step:lrtOracle.addAsset:wstETH",
    "contract:LRTRisk",
    "contract:lrtManager",
    "step:lrtManager.addAsset:rETH",
    "step:registry.registerDemoOperator:0",
    "step:lrtManager.createNode:",
    "handOver:registry",
    "handOver:lrtManager",
  ]) {
    it(`a run interrupted after ${stopAt} is finished by the next run, to the same end state`, async function () {
      const { deployer } = await loadFixture(chainFixture);
      const dir = tempDir();
      const plan = { ...resolveDeployPlan("localhost", {}), network: "local-test" };
      const before = await sentByDeploy(deployer.address);
      let stopped = false;
      const stop = (step: string): void => {
        // A step name ending in ":" stops at the first step of that kind (the node of the first demo operator).
        if (!stopped && (step === stopAt || (stopAt.endsWith(":") && step.startsWith(stopAt)))) {
          stopped = true;
          throw new Interrupted(step);
        }
      };
      await expect(deployProtocol(deployer, plan, { dir, afterStep: stop })).to.be.rejectedWith(Interrupted);
      const partial = readDeployment("local-test", dir)!;
      expect(partial.complete).to.equal(false);
      const deployedBefore = Object.keys(partial.contracts);
      const finished = await deployProtocol(deployer, plan, { dir, record: partial });
      for (const name of deployedBefore) {
        expect(finished.record.contracts[name]).to.deep.equal(partial.contracts[name]);
      }
      await expectDeployed(finished.record, deployer.address, finished.record.contracts.timelock!.address);
      const total = await sentByDeploy(deployer.address);
      const clean = await loadFixture(chainFixture).then(async ({ deployer: d }) => {
        const r = await deployProtocol(d, plan, { dir: tempDir() });
        return r.transactions;
      });
      expect(total - before).to.equal(clean);
    });
  }

  it("refuses another chain's record, another deployer's record, and a chain that is not the plan's", async function () {
    const { deployer, stranger } = await loadFixture(chainFixture);
    const dir = tempDir();
    const plan = { ...resolveDeployPlan("localhost", {}), network: "local-test" };
    const stop = (): void => {
      throw new Interrupted("first step");
    };
    await expect(deployProtocol(deployer, plan, { dir, afterStep: stop })).to.be.rejectedWith(Interrupted);
    const record = readDeployment("local-test", dir)!;
    const nonce = await ethers.provider.getTransactionCount(stranger.address);
    await expect(deployProtocol(stranger, plan, { dir, record })).to.be.rejectedWith(
      `the local-test record was started by ${deployer.address}`,
    );
    await expect(
      deployProtocol(deployer, plan, { dir, record: { ...record, chainId: "1" } }),
    ).to.be.rejectedWith("the local-test record is of chain 1, not 31337");
    await expect(deployProtocol(deployer, { ...plan, chainId: 560048 }, { dir })).to.be.rejectedWith(
      "serves chain 31337, not 560048",
    );
    expect(await ethers.provider.getTransactionCount(stranger.address)).to.equal(nonce);
  });

  it("without operators the LRT has no node and the log says why; an unregistered operator is a sentence", async function () {
    const { deployer, stranger } = await loadFixture(chainFixture);
    const base = resolveDeployPlan("localhost", {});
    const plan = { ...base, network: "local-test", lrt: { ...base.lrt, demoOperators: 0, operators: [] } };
    const lines: string[] = [];
    const { record } = await deployProtocol(deployer, plan, { dir: tempDir(), log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.includes("lrt nodes: none"))).to.have.length(1);
    const manager = LRTManager__factory.connect(recordedAddress(record, "lrtManager"), deployer);
    expect(await manager.nodeCount()).to.equal(0n);
    expect(record.complete).to.equal(true);

    const { deployer: d2 } = await loadFixture(chainFixture);
    const withStranger = { ...plan, lrt: { ...plan.lrt, operators: [stranger.address] } };
    await expect(deployProtocol(d2, withStranger, { dir: tempDir() })).to.be.rejectedWith(
      `cannot create a node for ${stranger.address}: it is not a registered operator (deploy/config.ts lrt.operators)`,
    );
  });

  it("an asset added to the config after the hand-over is refused with a sentence, not a revert", async function () {
    const { deployer } = await loadFixture(chainFixture);
    const dir = tempDir();
    const plan = { ...resolveDeployPlan("localhost", {}), network: "local-test" };
    await deployProtocol(deployer, plan, { dir });
    const grown = {
      ...plan,
      assets: [...plan.assets, { symbol: "osETH", address: "mock", decimals: 18, cap: 5n * 10n ** 18n }],
    };
    await expect(
      deployProtocol(deployer, grown, { dir, record: readDeployment("local-test", dir)! }),
    ).to.be.rejectedWith(/cannot list osETH in the vault: the deployer .* no longer holds the role/);
  });
});
