import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile, readDeployment } from "../../sdk/deployments";
import { OperatorRegistry__factory } from "../../typechain-types";

const DELAY = 3_600n;
/** ERC-1967's implementation slot. */
const IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

async function deployedFixture() {
  const [deployer] = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-test-"));
  const plan = {
    ...resolveDeployPlan("localhost", { TIMELOCK_DELAY: DELAY.toString() }),
    network: "hardhat",
  };
  const { record } = await deployProtocol(deployer!, plan, { dir });
  return { dir, file: deploymentFile("hardhat", dir), record, deployer: deployer! };
}

async function implementationOf(proxy: string): Promise<string> {
  const word = await ethers.provider.getStorage(proxy, IMPLEMENTATION_SLOT);
  return ethers.getAddress(`0x${word.slice(26)}`);
}

describe("tasks/upgrade.ts: upgrades validated by OpenZeppelin's layout check, then scheduled on the timelock", function () {
  it("a layout-breaking upgrade is rejected with the offending field named, and nothing is sent", async function () {
    const { file, record, deployer } = await loadFixture(deployedFixture);
    const nonce = await ethers.provider.getTransactionCount(deployer.address);
    await expect(
      hre.run("upgrade-schedule", {
        contract: "registry",
        to: "OperatorRegistryV2Inserted",
        salt: "",
        record: file,
      }),
    ).to.be.rejectedWith(
      /the upgrade of registry from OperatorRegistry to OperatorRegistryV2Inserted is rejected, nothing sent:[\s\S]*Inserted `inserted`/,
    );
    await expect(
      hre.run("upgrade-schedule", {
        contract: "registry",
        to: "OperatorRegistryV2Renamed",
        salt: "",
        record: file,
      }),
    ).to.be.rejectedWith(/Deleted namespace `erc7201:restaking.storage.OperatorRegistry`/);
    expect(await ethers.provider.getTransactionCount(deployer.address)).to.equal(nonce);
    expect(await implementationOf(record.contracts.registry!.address)).to.equal(
      record.contracts.registry!.implementation,
    );
  });

  it("a compatible upgrade is deployed, scheduled, executed after the delay, and the record follows it", async function () {
    const { dir, file, record } = await loadFixture(deployedFixture);
    const proxy = record.contracts.registry!.address;
    const opId = (await hre.run("upgrade-schedule", {
      contract: "registry",
      to: "OperatorRegistryV2Appended",
      salt: "",
      record: file,
    })) as string;
    const pending = readDeployment("hardhat", dir)!.contracts["pending:registry"]!;
    expect(pending.artifact).to.equal("OperatorRegistryV2Appended");
    await expect(hre.run("timelock-execute", { id: opId, record: file })).to.be.rejectedWith(/is not ready/);
    await time.increase(DELAY);
    await hre.run("timelock-execute", { id: opId, record: file });
    expect(await implementationOf(proxy)).to.equal(pending.address);
    const after = readDeployment("hardhat", dir)!;
    expect(after.contracts.registry).to.include({
      artifact: "OperatorRegistryV2Appended",
      implementation: pending.address,
    });
    expect(after.contracts["pending:registry"]).to.equal(undefined);
    // State kept across the upgrade: the timelock is still the admin.
    const registry = OperatorRegistry__factory.connect(proxy, ethers.provider);
    expect(await registry.hasRole(ethers.ZeroHash, record.contracts.timelock!.address)).to.equal(true);
  });

  it("refuses what is not a proxy of the record, and an unknown artifact", async function () {
    const { file } = await loadFixture(deployedFixture);
    await expect(
      hre.run("upgrade-schedule", {
        contract: "timelock",
        to: "OperatorRegistryV2Appended",
        salt: "",
        record: file,
      }),
    ).to.be.rejectedWith('"timelock" is not a proxy of the hardhat deployment');
    await expect(
      hre.run("upgrade-schedule", { contract: "registry", to: "OperatorRegistryV3", salt: "", record: file }),
    ).to.be.rejectedWith("no artifact OperatorRegistryV3: compile it first");
  });
});
