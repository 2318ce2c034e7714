import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { eventIn, eventsIn } from "../../sdk/events";
import { MockERC20__factory } from "../../typechain-types";

async function tokensFixture() {
  const [owner, other] = await ethers.getSigners();
  const token = await new MockERC20__factory(owner!).deploy("Token", "TKN", 18);
  const another = await new MockERC20__factory(owner!).deploy("Another", "ANO", 18);
  return { token, another, owner: owner!, other: other! };
}

describe("sdk/events.ts: a contract's events in a receipt", function () {
  it("reads the named events of the contract, in log order, decoded with its ABI", async function () {
    const { token, another, other } = await loadFixture(tokensFixture);
    const receipt = await (await token.mint(other.address, 7n)).wait();
    const [transfer] = await eventsIn(token, receipt, "Transfer");
    expect(transfer?.args.to).to.equal(other.address);
    expect(transfer?.args.value).to.equal(7n);
    expect((await eventIn(token, receipt, "Transfer")).args.value).to.equal(7n);
    // Another contract's logs, another event and no receipt give nothing.
    expect(await eventsIn(another, receipt, "Transfer")).to.deep.equal([]);
    expect(await eventsIn(token, receipt, "Approval")).to.deep.equal([]);
    expect(await eventsIn(token, null, "Transfer")).to.deep.equal([]);
  });

  it("eventIn requires exactly one; an event the ABI does not have is refused", async function () {
    const { token, other } = await loadFixture(tokensFixture);
    const receipt = await (await token.approve(other.address, 1n)).wait();
    let caught: unknown;
    try {
      await eventIn(token, receipt, "Transfer");
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal("expected one Transfer event, found 0");
    caught = undefined;
    try {
      await eventsIn(token, receipt, "Tranfser");
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal("the contract's ABI has no event Tranfser");
  });
});
