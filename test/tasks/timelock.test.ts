import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile } from "../../sdk/deployments";
import { decodeProtocolError, explainError, roleName } from "../../sdk/errors";
import { LRTManager__factory, MockERC20__factory, RestakingVault__factory } from "../../typechain-types";
import { ROLES } from "../helpers/fixtures";

const DELAY = 3_600n;

/** A local deployment whose timelock has a one-hour delay, its record in a temporary directory. */
async function deployedFixture() {
  const [deployer, stranger] = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-test-"));
  const plan = {
    ...resolveDeployPlan("localhost", { TIMELOCK_DELAY: DELAY.toString() }),
    network: "hardhat",
  };
  const { record } = await deployProtocol(deployer!, plan, { dir });
  const osETH = await new MockERC20__factory(deployer!).deploy("Mock osETH", "osETH", 18);
  const vault = RestakingVault__factory.connect(record.contracts.vault!.address, deployer!);
  return {
    record,
    file: deploymentFile("hardhat", dir),
    osETH: await osETH.getAddress(),
    vault,
    stranger: stranger!,
  };
}

describe("tasks/timelock.ts: listing an asset after the hand-over is two commands", function () {
  it("schedules vault.addAsset, refuses to execute early with the ready time, executes after the delay", async function () {
    const { file, osETH, vault } = await loadFixture(deployedFixture);
    const opId = (await hre.run("timelock-schedule", {
      contract: "vault",
      method: "addAsset",
      args: JSON.stringify([osETH, "5000 ether"]),
      record: file,
    })) as string;
    const waiting = (await hre.run("timelock-status", { record: file })) as Array<{
      id: string;
      state: string;
      call: string;
    }>;
    expect(waiting).to.deep.equal([
      {
        id: opId,
        state: "Waiting",
        call: `vault.addAsset(${osETH}, 5000.0 osETH (${5000n * 10n ** 18n} base units))`,
      },
    ]);
    await expect(hre.run("timelock-execute", { id: opId, record: file })).to.be.rejectedWith(
      new RegExp(`operation ${opId} is not ready: ready at .* \\(in 3600 s\\)`),
    );
    await time.increase(DELAY);
    await hre.run("timelock-execute", { id: opId, record: file });
    expect(await vault.isAsset(osETH)).to.equal(true);
    expect((await vault.assetConfig(osETH)).cap).to.equal(5000n * 10n ** 18n);
    const done = (await hre.run("timelock-status", { id: opId, record: file })) as Array<{ state: string }>;
    expect(done.map((r) => r.state)).to.deep.equal(["Done"]);
    await expect(hre.run("timelock-execute", { id: opId, record: file })).to.be.rejectedWith(
      `operation ${opId} was executed already`,
    );
  });

  it("names record entries and mock symbols as addresses; a second identical schedule points to the first", async function () {
    const { file, record } = await loadFixture(deployedFixture);
    const opId = (await hre.run("timelock-schedule", {
      contract: "vault",
      method: "setAssetCap",
      args: JSON.stringify(["rETH", "1 ether"]),
      record: file,
    })) as string;
    const rows = (await hre.run("timelock-status", { id: opId, record: file })) as Array<{ call: string }>;
    expect(rows[0]!.call).to.equal(
      `vault.setAssetCap(${record.contracts["mock:rETH"]!.address}, 1.0 rETH (${10n ** 18n} base units))`,
    );
    await expect(
      hre.run("timelock-schedule", {
        contract: "vault",
        method: "setAssetCap",
        args: JSON.stringify(["rETH", "1 ether"]),
        record: file,
      }),
    ).to.be.rejectedWith(`this call is already scheduled (operation ${opId}, Waiting)`);
    const again = (await hre.run("timelock-schedule", {
      contract: "vault",
      method: "setAssetCap",
      args: JSON.stringify(["rETH", "1 ether"]),
      salt: "second",
      record: file,
    })) as string;
    expect(again).to.not.equal(opId);
  });

  it("the LRT's admin is the timelock too: amounts in token units, other integers raw, executed after the delay", async function () {
    const { file, record } = await loadFixture(deployedFixture);
    const wstETH = record.contracts["mock:wstETH"]!.address;
    const capId = (await hre.run("timelock-schedule", {
      contract: "lrtManager",
      method: "setAssetConfig",
      args: JSON.stringify(["wstETH", "2.5 ether", true, false]),
      record: file,
    })) as string;
    const feeId = (await hre.run("timelock-schedule", {
      contract: "lrtManager",
      method: "setProtocolFee",
      args: JSON.stringify(["500"]),
      record: file,
    })) as string;
    const rows = (await hre.run("timelock-status", { record: file })) as Array<{ id: string; call: string }>;
    expect(rows.map((r) => [r.id, r.call])).to.deep.equal([
      [
        capId,
        `lrtManager.setAssetConfig(${wstETH}, 2.5 wstETH (${25n * 10n ** 17n} base units), true, false)`,
      ],
      [feeId, "lrtManager.setProtocolFee(500)"],
    ]);
    await time.increase(DELAY);
    await hre.run("timelock-execute", { id: capId, record: file });
    await hre.run("timelock-execute", { id: feeId, record: file });
    const manager = LRTManager__factory.connect(record.contracts.lrtManager!.address, ethers.provider);
    expect((await manager.assetConfig(wstETH)).cap).to.equal(25n * 10n ** 17n);
    expect((await manager.policy()).protocolFeeBps).to.equal(500n);
  });

  it("bad input is refused with a sentence: unknown contract, method, arity, unit, short delay", async function () {
    const { file } = await loadFixture(deployedFixture);
    const base = { contract: "vault", method: "addAsset", args: '["wstETH", "1 ether"]', record: file };
    await expect(hre.run("timelock-schedule", { ...base, contract: "vaults" })).to.be.rejectedWith(
      /"vaults" is neither an address nor a contract of the hardhat deployment \(it has: RestakingVaultImpl, vault/,
    );
    await expect(hre.run("timelock-schedule", { ...base, method: "addAssets" })).to.be.rejectedWith(
      "no function addAssets in the contract's ABI",
    );
    await expect(hre.run("timelock-schedule", { ...base, args: '["wstETH"]' })).to.be.rejectedWith(
      "takes 2 arguments, --args has 1",
    );
    await expect(hre.run("timelock-schedule", { ...base, args: '["wstETH", "1 stETH"]' })).to.be.rejectedWith(
      '"1 stETH": unknown unit stETH',
    );
    await expect(hre.run("timelock-schedule", { ...base, delay: 60 })).to.be.rejectedWith(
      "--delay 60 is below the timelock's minimum delay of 3600 s",
    );
    await expect(hre.run("timelock-execute", { id: ethers.ZeroHash, record: file })).to.be.rejectedWith(
      `no operation ${ethers.ZeroHash} was scheduled on the hardhat timelock`,
    );
    await expect(hre.run("timelock-status", {})).to.be.rejectedWith(
      "no deployment record for hardhat (deployments/hardhat.json): deploy first",
    );
  });

  it("an account without PROPOSER_ROLE gets the role by name and its own address, not a hash", async function () {
    const { record, stranger } = await loadFixture(deployedFixture);
    const timelock = (
      await ethers.getContractAt("ProtocolTimelock", record.contracts.timelock!.address)
    ).connect(stranger);
    const error = await timelock
      .schedule(record.contracts.vault!.address, 0n, "0x", ethers.ZeroHash, ethers.ZeroHash, DELAY)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(explainError(error)).to.equal(
      `AccessControlUnauthorizedAccount: account = ${stranger.address}, neededRole = PROPOSER_ROLE`,
    );
  });
});

describe("sdk/errors.ts: protocol errors as sentences", function () {
  it("decodes an error with its figures and names every protocol role", function () {
    const vault = RestakingVault__factory.createInterface();
    const data = vault.encodeErrorResult("AccessControlUnauthorizedAccount", [
      ethers.ZeroAddress,
      ROLES.ASSET_ADMIN,
    ]);
    expect(decodeProtocolError(data)?.sentence).to.equal(
      `AccessControlUnauthorizedAccount: account = ${ethers.ZeroAddress}, neededRole = ASSET_ADMIN_ROLE`,
    );
    expect(roleName(ROLES.DEFAULT_ADMIN)).to.equal("DEFAULT_ADMIN_ROLE");
    expect(roleName(ethers.id("NOT_A_ROLE"))).to.equal(ethers.id("NOT_A_ROLE"));
    expect(decodeProtocolError("0xdeadbeef")).to.equal(undefined);
  });
});
