import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile } from "../../sdk/deployments";
import { RestakingVault__factory } from "../../typechain-types";
import type { VerificationItem } from "../../tasks/verify";

async function deployedFixture() {
  const [deployer] = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-test-"));
  const plan = { ...resolveDeployPlan("localhost", { TIMELOCK_DELAY: "600" }), network: "hardhat" };
  const { record } = await deployProtocol(deployer!, plan, { dir });
  return { file: deploymentFile("hardhat", dir), record, deployer: deployer! };
}

describe("tasks/verify.ts: verification from the deployment record", function () {
  it("reads every contract's constructor arguments back from its creation transaction", async function () {
    const { file, record, deployer } = await loadFixture(deployedFixture);
    const items = (await hre.run("verify-deployment", { record: file, dryRun: true })) as VerificationItem[];
    const byName = new Map(items.map((i) => [i.name, i]));
    expect([...byName.keys()]).to.have.members(Object.keys(record.contracts));
    const c = record.contracts;
    expect(byName.get("RewardDistributorImpl")).to.deep.equal({
      name: "RewardDistributorImpl",
      address: c.RewardDistributorImpl!.address,
      contract: "contracts/core/RewardDistributor.sol:RewardDistributor",
      constructorArguments: [c.vault!.address, c.registry!.address],
    });
    expect(byName.get("timelock")!.constructorArguments).to.deep.equal([
      600n,
      [deployer.address],
      [deployer.address],
      ethers.ZeroAddress,
    ]);
    const vault = byName.get("vault")!;
    expect(vault.contract).to.equal("contracts/core/ProtocolProxy.sol:ProtocolProxy");
    expect(vault.constructorArguments).to.deep.equal([
      c.RestakingVaultImpl!.address,
      RestakingVault__factory.createInterface().encodeFunctionData("initialize", [deployer.address]),
    ]);
    expect(byName.get("mock:cbETH")!.constructorArguments).to.deep.equal(["Mock cbETH", "cbETH", 18n]);
    expect(byName.get("RestakingVaultImpl")!.constructorArguments).to.deep.equal([]);
    // The LRT: libraries read back from the linked creation code, and the entry points' arguments.
    const libs = {
      "contracts/lrt/LRTOperations.sol:LRTOperations": c.LRTOperations!.address,
      "contracts/lrt/LRTValuation.sol:LRTValuation": c.LRTValuation!.address,
      "contracts/lrt/LRTRisk.sol:LRTRisk": c.LRTRisk!.address,
    };
    expect(byName.get("LRTManagerImpl")).to.deep.equal({
      name: "LRTManagerImpl",
      address: c.LRTManagerImpl!.address,
      contract: "contracts/lrt/LRTManager.sol:LRTManager",
      constructorArguments: [],
      libraries: libs,
    });
    expect(byName.get("LRTOperations")!.libraries).to.deep.equal({
      "contracts/lrt/LRTRisk.sol:LRTRisk": c.LRTRisk!.address,
      "contracts/lrt/LRTValuation.sol:LRTValuation": c.LRTValuation!.address,
    });
    expect(byName.get("LRTValuation")!.libraries).to.equal(undefined);
    expect(byName.get("lrtEntryPoint:rETH")!.constructorArguments).to.deep.equal([
      c.lrtManager!.address,
      c["mock:rETH"]!.address,
    ]);
  });

  it("refuses a network without a block explorer", async function () {
    const { file } = await loadFixture(deployedFixture);
    await expect(hre.run("verify-deployment", { record: file, dryRun: false })).to.be.rejectedWith(
      "hardhat has no block explorer: verify on a public network (sepolia, hoodi)",
    );
  });
});
