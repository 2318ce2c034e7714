import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile } from "../../sdk/deployments";
import { MockERC20__factory, RestakingVault__factory } from "../../typechain-types";
import { DEFAULT_WITHDRAWAL_DELAY, WAD } from "../helpers/fixtures";

/** A local deployment (record in a temporary directory); the staker (account 1) holds 100 wstETH. */
async function deployedFixture() {
  const [deployer, staker, operator] = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-test-"));
  const plan = { ...resolveDeployPlan("localhost", {}), network: "hardhat" };
  const { record } = await deployProtocol(deployer!, plan, { dir });
  const wstETH = MockERC20__factory.connect(record.contracts["mock:wstETH"]!.address, deployer!);
  await wstETH.mint(staker!.address, 100n * WAD);
  const vault = RestakingVault__factory.connect(record.contracts.vault!.address, deployer!);
  return { file: deploymentFile("hardhat", dir), staker: staker!, operator: operator!, wstETH, vault };
}

describe("tasks/staking.ts: a staker's and an operator's flows on the command line", function () {
  it("register, deposit with units, delegate, status, queue all, refuse early completion, complete", async function () {
    const { file, staker, operator, wstETH, vault } = await loadFixture(deployedFixture);
    const as = (account: string) => ({ account, record: file });
    await hre.run("register-operator", {
      ...as("2"),
      commission: "10%",
      metadata: "ipfs://op",
      approver: ethers.ZeroAddress,
    });
    await hre.run("deposit", { ...as("1"), asset: "wstETH", amount: "2.5 wstETH", minShares: "" });
    await hre.run("deposit", { ...as("1"), asset: "wstETH", amount: "7.5", minShares: "" });
    expect(await wstETH.balanceOf(staker.address)).to.equal(90n * WAD);
    await hre.run("delegate", { ...as("1"), operator: operator.address });
    const status = (await hre.run("status", { ...as("1"), of: "" })) as {
      operator: string;
      positions: Array<{ asset: string; wallet: bigint; shares: bigint; value: bigint }>;
    };
    expect(status.operator).to.equal(operator.address);
    const [, shares, value] = await vault.position(staker.address, await wstETH.getAddress());
    expect(status.positions[0]).to.deep.equal({ asset: "wstETH", wallet: 90n * WAD, shares, value });
    expect(value).to.equal(10n * WAD);

    const { id } = (await hre.run("queue-withdrawal", { ...as("1"), asset: "wstETH", shares: "all" })) as {
      id: string;
    };
    await expect(
      hre.run("complete-withdrawal", { ...as("1"), id, asShares: false, slippage: "0" }),
    ).to.be.rejectedWith(new RegExp(`withdrawal ${id} is not ready: completable at .* \\(in 7d`));
    await time.increase(DEFAULT_WITHDRAWAL_DELAY);
    await hre.run("complete-withdrawal", { ...as("1"), id, asShares: false, slippage: "0" });
    expect(await wstETH.balanceOf(staker.address)).to.equal(100n * WAD);
    await expect(
      hre.run("complete-withdrawal", { ...as("1"), id, asShares: false, slippage: "0" }),
    ).to.be.rejectedWith(`withdrawal ${id} is not queued`);

    await hre.run("set-commission", { ...as("2"), commission: "500 bps" });
  });

  it("refuses bad input before sending: unknown asset, short balance, unit, non-operator, not delegated", async function () {
    const { file, staker } = await loadFixture(deployedFixture);
    const as = (account: string) => ({ account, record: file });
    await expect(
      hre.run("deposit", { ...as("1"), asset: "stETH", amount: "1", minShares: "" }),
    ).to.be.rejectedWith(/unknown asset "stETH": the vault lists wstETH \(0x[0-9a-fA-F]{40}\), rETH/);
    await expect(
      hre.run("deposit", { ...as("1"), asset: "wstETH", amount: "100.5", minShares: "" }),
    ).to.be.rejectedWith(
      `insufficient balance: ${staker.address} holds 100.0 wstETH (${100n * WAD} base units), the deposit needs 100.5 wstETH`,
    );
    await expect(
      hre.run("deposit", { ...as("1"), asset: "wstETH", amount: "1 rETH", minShares: "" }),
    ).to.be.rejectedWith('"1 rETH": unknown unit rETH (use wei, gwei, ether or wstETH)');
    await expect(hre.run("delegate", { ...as("1"), operator: staker.address })).to.be.rejectedWith(
      `${staker.address} is not a registered operator`,
    );
    await expect(hre.run("undelegate", { ...as("1"), staker: "" })).to.be.rejectedWith(
      `${staker.address} is not delegated`,
    );
    await expect(hre.run("set-commission", { ...as("1"), commission: "5%" })).to.be.rejectedWith(
      `${staker.address} is not a registered operator`,
    );
    await expect(
      hre.run("register-operator", {
        ...as("1"),
        commission: "ten",
        metadata: "",
        approver: ethers.ZeroAddress,
      }),
    ).to.be.rejectedWith('"ten" is not a commission');
    await expect(hre.run("status", { account: "99", record: file, of: "" })).to.be.rejectedWith(
      "--account 99: the network has 20 accounts",
    );
  });

  it("a revert the task cannot foresee is the protocol's error as a sentence", async function () {
    const { file } = await loadFixture(deployedFixture);
    await expect(
      hre.run("register-operator", {
        account: "2",
        record: file,
        commission: "60%",
        metadata: "",
        approver: ethers.ZeroAddress,
      }),
    ).to.be.rejectedWith(/register 0x[0-9a-fA-F]{40} as an operator at 6000 bps reverted: [A-Za-z]+: .*6000/);
  });
  it("faucet: mints a local deployment's mock token with units; refuses what is not a mock", async function () {
    const { file } = await loadFixture(deployedFixture);
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as {
      contracts: Record<string, { address: string }>;
    };
    const rETH = MockERC20__factory.connect(record.contracts["mock:rETH"]!.address, ethers.provider);
    const receiver = (await ethers.getSigners())[4]!;
    const before = await rETH.balanceOf(receiver.address);
    const out = (await hre.run("faucet", {
      account: "3",
      record: file,
      asset: "rETH",
      amount: "2.5 rETH",
      to: receiver.address,
    })) as {
      balance: bigint;
    };
    expect(await rETH.balanceOf(receiver.address)).to.equal(before + (5n * WAD) / 2n);
    expect(out.balance).to.equal(before + (5n * WAD) / 2n);
    await expect(
      hre.run("faucet", { account: "3", record: file, asset: "stETH", amount: "1", to: "" }),
    ).to.be.rejectedWith('"stETH" is not a mock token of the hardhat deployment: wstETH, rETH, cbETH, RWD');
    await expect(
      hre.run("faucet", { account: "3", record: file, asset: "rETH", amount: "1 wstETH", to: "" }),
    ).to.be.rejectedWith(/wstETH/);

    // a deployment without mocks (a public network's record): the faucet says what it is for
    for (const name of Object.keys(record.contracts))
      if (name.startsWith("mock:")) delete record.contracts[name];
    const bare = path.join(path.dirname(file), "no-mocks.json");
    fs.writeFileSync(bare, JSON.stringify(record));
    await expect(
      hre.run("faucet", { account: "3", record: bare, asset: "rETH", amount: "1", to: "" }),
    ).to.be.rejectedWith("the hardhat deployment has no mock tokens: the faucet is for local deployments");
  });
});
