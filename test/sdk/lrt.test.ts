import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { deployCore, memoryRunner } from "../../sdk/deploy";
import { LRT_LIBRARIES, deployLRT, libraryLinks, newLibrary } from "../../sdk/lrt";
import { MockERC20__factory, MockLRTOracle__factory } from "../../typechain-types";
import { implementationOf } from "../behaviours/common";
import { lrtRecordNames } from "../helpers/lrtFixtures";

/** The addresses written into the code at `address` at `name`'s deployed link references, by library. */
async function linkedIn(name: string, address: string): Promise<Record<string, string>> {
  const code = await ethers.provider.getCode(address);
  const { deployedLinkReferences } = await artifacts.readArtifact(name);
  const linked: Record<string, string> = {};
  for (const [file, byName] of Object.entries(deployedLinkReferences)) {
    for (const [library, refs] of Object.entries(byName)) {
      const found = new Set(
        refs.map(({ start, length }) => ethers.getAddress(ethers.dataSlice(code, start, start + length))),
      );
      expect(found.size, `${name} links ${library} to one address`).to.equal(1);
      linked[`${file}:${library}`] = [...found][0]!;
    }
  }
  return linked;
}

/** A core listing one mock asset priced by a MockLRTOracle, and `deployLRT`'s options for an LRT accepting it. */
async function lrtSetup() {
  const [admin, treasury, newAdmin] = await ethers.getSigners();
  const core = await deployCore(admin!);
  const token = await new MockERC20__factory(admin!).deploy("Mock stETH", "stETH", 18);
  const oracle = await new MockLRTOracle__factory(admin!).deploy();
  const asset = await token.getAddress();
  // The LRT accepts only what the vault lists and the oracle prices.
  await (await core.contracts.vault.addAsset(asset, 10n ** 24n)).wait();
  await (await oracle.setPrice(asset, 10n ** 18n)).wait();
  const options = {
    oracle: await oracle.getAddress(),
    treasury: treasury!.address,
    rewardsReceiver: treasury!.address,
    assets: [{ asset, cap: 10n ** 24n }],
  };
  return { admin: admin!, newAdmin: newAdmin!, core, asset, options };
}

async function lrtDeployment() {
  const { admin, core, options } = await lrtSetup();
  const lrt = await deployLRT(admin, core.contracts, options);
  return { admin, lrt };
}

describe("sdk/lrt.ts: the LRT's libraries linked through the typechain factories", function () {
  it("deployLRT links the manager to the three libraries it reports, and LRTOperations to LRTValuation and LRTRisk", async function () {
    const { lrt } = await loadFixture(lrtDeployment);
    const { libraries } = lrt.addresses;
    expect(Object.keys(libraries).sort()).to.deep.equal(Object.values(LRT_LIBRARIES).sort());
    for (const address of Object.values(libraries)) {
      expect(await ethers.provider.getCode(address)).to.not.equal("0x");
    }
    const managerLinks = await linkedIn("LRTManager", await implementationOf(lrt.addresses.manager));
    expect(managerLinks).to.deep.equal(libraries);
    const operationsLinks = await linkedIn("LRTOperations", libraries[LRT_LIBRARIES.operations]!);
    expect(operationsLinks).to.deep.equal({
      [LRT_LIBRARIES.valuation]: libraries[LRT_LIBRARIES.valuation],
      [LRT_LIBRARIES.risk]: libraries[LRT_LIBRARIES.risk],
    });
  });

  it("newLibrary refuses LRTOperations without the addresses it links, naming the missing one", async function () {
    const { admin, lrt } = await loadFixture(lrtDeployment);
    const valuation = lrt.addresses.libraries[LRT_LIBRARIES.valuation]!;
    await expect(
      newLibrary(admin, LRT_LIBRARIES.operations, { [LRT_LIBRARIES.valuation]: valuation }),
    ).to.be.rejectedWith(`${LRT_LIBRARIES.operations} links ${LRT_LIBRARIES.risk}: give its address`);
    expect(() => libraryLinks("operations", { valuation })).to.throw(
      "the risk library must be deployed before the operations library",
    );
  });

  it("deployLRT runs the deploy script's LRT steps on the runner it is given: its record names, and a second run sends nothing", async function () {
    const { admin, newAdmin, core, asset, options } = await loadFixture(lrtSetup);
    const runner = await memoryRunner(admin);
    const handedOver = { ...options, admin: newAdmin.address };
    const first = await deployLRT(admin, core.contracts, handedOver, runner);
    // The names deploy/protocol.ts records for the same contracts and transactions (test/deploy/deploy.test.ts too).
    expect(Object.keys(runner.record.contracts)).to.deep.equal(lrtRecordNames([asset]));
    expect(Object.keys(runner.record.steps)).to.deep.equal([
      "lrt.grantMinter",
      "lrt.setManager",
      `lrtManager.addAsset:${asset}`,
    ]);
    expect(runner.record.contracts.lrtManager!.address).to.equal(first.addresses.manager);
    expect(runner.record.contracts[`lrtEntryPoint:${asset}`]!.address).to.equal(
      first.addresses.entryPoints[asset],
    );
    expect(await first.beacon.owner()).to.equal(newAdmin.address);
    expect(await first.manager.hasRole(await first.manager.MANAGER_ROLE(), newAdmin.address)).to.equal(true);
    expect(await first.manager.hasRole(await first.manager.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(
      false,
    );

    // The deployer gave its roles away: a second run on the same record finds every step done and sends nothing.
    const sent = runner.transactions;
    const nonce = await ethers.provider.getTransactionCount(admin.address);
    const second = await deployLRT(admin, core.contracts, handedOver, runner);
    expect(runner.transactions).to.equal(sent);
    expect(await ethers.provider.getTransactionCount(admin.address)).to.equal(nonce);
    expect(second.addresses).to.deep.equal(first.addresses);
  });
});
