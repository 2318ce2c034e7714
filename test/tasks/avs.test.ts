import fs from "fs";
import os from "os";
import path from "path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { resolveDeployPlan } from "../../deploy/config";
import { deployProtocol } from "../../deploy/protocol";
import { deploymentFile } from "../../sdk/deployments";
import {
  MockERC20__factory,
  RewardDistributor__factory,
  SlashingManager__factory,
} from "../../typechain-types";
import { WAD } from "../helpers/fixtures";

const DAY = 86_400n;

/**
 * A local deployment; account 1 (staker) deposits 10 wstETH with operator 2 (10% commission); AVS X (account 3,
 * recipient account 5) and AVS Y (account 6) share the veto committee account 4; the operator allocates 50% of
 * wstETH to each, in force.
 */
async function allocatedFixture() {
  const signers = await ethers.getSigners();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tasks-test-"));
  const plan = { ...resolveDeployPlan("localhost", {}), network: "hardhat" };
  const { record } = await deployProtocol(signers[0]!, plan, { dir });
  const file = deploymentFile("hardhat", dir);
  const at = (i: number) => ({ account: String(i), record: file });
  const wstETH = MockERC20__factory.connect(record.contracts["mock:wstETH"]!.address, signers[0]!);
  const rwd = MockERC20__factory.connect(record.contracts["mock:RWD"]!.address, signers[0]!);
  await wstETH.mint(signers[1]!.address, 100n * WAD);
  await rwd.mint(signers[7]!.address, 100n * WAD);
  const [staker, operator, avsX, committee, recipient, avsY] = [1, 2, 3, 4, 5, 6].map(
    (i) => signers[i]!.address,
  );
  await hre.run("register-operator", {
    ...at(2),
    commission: "10%",
    metadata: "",
    approver: ethers.ZeroAddress,
  });
  await hre.run("deposit", { ...at(1), asset: "wstETH", amount: "10", minShares: "" });
  await hre.run("delegate", { ...at(1), operator });
  const avs = {
    vetoCommittee: committee,
    vetoWindow: "1d",
    maxSlash: "50%",
    assets: "wstETH",
    registrar: ethers.ZeroAddress,
    metadata: "",
  };
  await hre.run("register-avs", { ...at(3), ...avs, slasher: avsX, recipient });
  await hre.run("register-avs", { ...at(6), ...avs, slasher: avsY, recipient: ethers.ZeroAddress });
  for (const a of [avsX, avsY]) {
    await hre.run("register-operator-to-avs", { ...at(2), avs: a, data: "0x" });
    await hre.run("allocate", { ...at(2), avs: a, asset: "wstETH", magnitude: "50%" });
  }
  const slashing = SlashingManager__factory.connect(record.contracts.slashingManager!.address, signers[0]!);
  await time.increase((await slashing.allocationDelay()) + 1n);
  return { file, at, staker, operator, avsX, avsY, recipient, wstETH, rwd, slashing, record };
}

describe("tasks/avs.ts: AVSs, allocations, slashing and rewards on the command line", function () {
  it("X's request executes after its veto window and its escrow reaches the recipient; Y's is vetoed", async function () {
    const { at, operator, avsX, avsY, recipient, wstETH, slashing } = await loadFixture(allocatedFixture);
    const x = (await hre.run("request-slash", {
      ...at(3),
      avs: avsX,
      operator,
      fraction: "10%",
      evidence: "double sign",
    })) as {
      id: bigint;
    };
    const y = (await hre.run("request-slash", {
      ...at(6),
      avs: avsY,
      operator,
      fraction: "10%",
      evidence: "",
    })) as {
      id: bigint;
    };
    expect([x.id, y.id]).to.deep.equal([1n, 2n]);
    await expect(
      hre.run("deposit", { ...at(1), asset: "wstETH", amount: "1", minShares: "" }),
    ).to.be.rejectedWith(
      /deposit reverted: PoolSlashPending: operator = 0x[0-9a-fA-F]{40}, asset = 0x[0-9a-fA-F]{40}/,
    );
    await expect(hre.run("execute-slash", { ...at(0), id: "1" })).to.be.rejectedWith(
      /slash request 1 is in its veto window: executable from .* \(in \d+ s\)/,
    );
    await expect(hre.run("veto-slash", { ...at(0), id: "2" })).to.be.rejectedWith(
      /veto slash request 2 reverted: \w+/,
    );
    await hre.run("veto-slash", { ...at(4), id: "2" });
    await expect(hre.run("veto-slash", { ...at(4), id: "2" })).to.be.rejectedWith(
      "slash request 2 is Vetoed, not Pending",
    );
    await time.increase(DAY);
    await hre.run("execute-slash", { ...at(0), id: "1" });
    const [, slashed] = await slashing.slashedAsset(1n, 0n);
    expect(slashed.amount).to.equal(WAD / 2n); // 10% of the 50% allocation of a 10 wstETH pool
    await hre.run("release-slashed", { ...at(0), id: "1", asset: "" });
    expect(await wstETH.balanceOf(recipient)).to.equal(slashed.amount);
    await expect(hre.run("release-slashed", { ...at(0), id: "1", asset: "" })).to.be.rejectedWith(
      "slash request 1 is FundsReleased: only an executed request's escrow is released",
    );
    await expect(hre.run("execute-slash", { ...at(0), id: "3" })).to.be.rejectedWith(
      "no slash request 3: requests are numbered 1 to 2",
    );
  });

  it("refuses bad input before sending: not the slasher, above the maximum, fractions and durations", async function () {
    const { at, operator, avsX } = await loadFixture(allocatedFixture);
    const signers = await ethers.getSigners();
    await expect(
      hre.run("request-slash", { ...at(6), avs: avsX, operator, fraction: "10%", evidence: "" }),
    ).to.be.rejectedWith(`${signers[6]!.address} is not ${avsX}'s slasher (${avsX})`);
    await expect(
      hre.run("request-slash", { ...at(3), avs: avsX, operator, fraction: "60%", evidence: "" }),
    ).to.be.rejectedWith(`--fraction 60% is above ${avsX}'s maximum of 50% per request`);
    await expect(
      hre.run("allocate", { ...at(2), avs: avsX, asset: "wstETH", magnitude: "150%" }),
    ).to.be.rejectedWith('--magnitude "150%" is not a fraction between 0 and 100%');
    await expect(
      hre.run("allocate", { ...at(2), avs: operator, asset: "wstETH", magnitude: "1%" }),
    ).to.be.rejectedWith(`${operator} is not a registered AVS`);
    await expect(
      hre.run("fund-rewards", {
        ...at(7),
        operator,
        asset: "wstETH",
        token: "RWD",
        amount: "1",
        duration: "a week",
      }),
    ).to.be.rejectedWith('--duration "a week" is not a duration');
    await expect(
      hre.run("fund-rewards", {
        ...at(7),
        operator,
        asset: "wstETH",
        token: "DAI",
        amount: "1",
        duration: "7d",
      }),
    ).to.be.rejectedWith('"DAI" is not a reward token: the distributor lists wstETH, RWD');
  });

  it("funds a stream, and the staker's rewards and the operator's commission are claimed in full", async function () {
    const { at, operator, staker, rwd, record } = await loadFixture(allocatedFixture);
    await hre.run("fund-rewards", {
      ...at(7),
      operator,
      asset: "wstETH",
      token: "RWD",
      amount: "10 RWD",
      duration: "7d",
    });
    await time.increase(8n * DAY);
    await hre.run("claim-rewards", { ...at(1), commission: false, recipient: "" });
    await hre.run("claim-rewards", { ...at(2), commission: true, recipient: "" });
    const toStaker = await rwd.balanceOf(staker);
    const toOperator = await rwd.balanceOf(operator);
    expect(toOperator).to.equal(WAD); // 10% of 10 RWD
    expect(toStaker).to.be.lte(9n * WAD);
    expect(9n * WAD - toStaker).to.be.lte(10n ** 7n); // rounding dust of the per-share accumulator
    const distributor = RewardDistributor__factory.connect(
      record.contracts.rewardDistributor!.address,
      ethers.provider,
    );
    expect(await distributor.pendingRewards(staker, await rwd.getAddress())).to.equal(0n);
    await expect(hre.run("claim-rewards", { ...at(1), commission: false, recipient: "" })).to.be.rejectedWith(
      `${staker} has no rewards to claim`,
    );
  });
});
