import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { memoryRunner } from "../../sdk/deploy";
import { deployOracle, deployRateAdapter } from "../../sdk/oracle";
import { MockWstETH__factory } from "../../typechain-types";
import { implementationOf } from "../behaviours/common";

async function oracleSetup() {
  const [admin, newAdmin] = await ethers.getSigners();
  const wstETH = await new MockWstETH__factory(admin!).deploy();
  const asset = await wstETH.getAddress();
  const adapter = await deployRateAdapter(admin!, "wstETH", asset);
  return { admin: admin!, newAdmin: newAdmin!, asset, adapter };
}

describe("sdk/oracle.ts: deployOracle runs the oracle's steps", function () {
  it("records the deploy script's names on the runner it is given, hands over, and a second run sends nothing", async function () {
    const { admin, newAdmin, asset, adapter } = await loadFixture(oracleSetup);
    const runner = await memoryRunner(admin);
    const options = {
      admin: newAdmin.address,
      assets: [{ asset, adapter, maxAge: 86_400n, maxMoveBps: 50n }],
      minUpdateInterval: 600n,
    };
    const first = await deployOracle(admin, options, runner);
    // The names deploy/protocol.ts records for the oracle (test/deploy/deploy.test.ts); the adapter was given.
    expect(Object.keys(runner.record.contracts)).to.deep.equal(["LRTOracleImpl", "lrtOracle"]);
    expect(Object.keys(runner.record.steps)).to.deep.equal([
      `lrtOracle.addAsset:${asset}`,
      "lrtOracle.setMinUpdateInterval",
    ]);
    expect(first.address).to.equal(runner.record.contracts.lrtOracle!.address);
    expect(await implementationOf(first.address)).to.equal(first.implementation);
    expect((await first.oracle.assetConfig(asset)).adapter).to.equal(adapter);
    expect(await first.oracle.minUpdateInterval()).to.equal(600n);
    expect(await first.oracle.hasRole(await first.oracle.ORACLE_ADMIN_ROLE(), newAdmin.address)).to.equal(
      true,
    );
    expect(await first.oracle.hasRole(await first.oracle.ORACLE_ADMIN_ROLE(), admin.address)).to.equal(false);

    const sent = runner.transactions;
    const nonce = await ethers.provider.getTransactionCount(admin.address);
    const second = await deployOracle(admin, options, runner);
    expect(runner.transactions).to.equal(sent);
    expect(await ethers.provider.getTransactionCount(admin.address)).to.equal(nonce);
    expect(second.address).to.equal(first.address);
  });
});
