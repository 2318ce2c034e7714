import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import {
  PROTOCOL_ERRORS,
  UnexpectedOutcomeError,
  decodeProtocolError,
  expectRevert,
  revertOf,
} from "../../sdk/errors";
import { MockERC20__factory } from "../../typechain-types";

async function tokenFixture() {
  const [owner, other] = await ethers.getSigners();
  const token = await new MockERC20__factory(owner!).deploy("Token", "TKN", 18);
  await token.mint(owner!.address, 5n);
  return { token, owner: owner!, other: other! };
}

describe("sdk/errors.ts: protocol errors decoded, calls that must revert", function () {
  it("decodes a protocol error's data with its arguments by name", function () {
    const operator = "0x00000000000000000000000000000000000000A1";
    const asset = "0x00000000000000000000000000000000000000B2";
    const data = PROTOCOL_ERRORS.encodeErrorResult("PoolSlashPending", [operator, asset, 2n]);
    const decoded = decodeProtocolError(data);
    expect(decoded?.name).to.equal("PoolSlashPending");
    expect(decoded?.args.map((a) => a.name)).to.deep.equal(["operator", "asset", "pendingRequests"]);
    expect(decoded?.args[2]?.value).to.equal(2n);
    expect(decodeProtocolError("0xdeadbeef")).to.equal(undefined);
  });

  it("revertOf: undefined when the call succeeds, the decoded error when it reverts with a protocol error", async function () {
    const { token, owner, other } = await loadFixture(tokenFixture);
    expect(await revertOf(token.transfer.staticCall(other.address, 5n))).to.equal(undefined);
    const decoded = await revertOf(token.transfer.staticCall(other.address, 6n));
    expect(decoded?.name).to.equal("ERC20InsufficientBalance");
    expect(decoded?.args.map((a) => a.value)).to.deep.equal([owner.address, 5n, 6n]);
  });

  it("revertOf rethrows a failure that is not a protocol error", async function () {
    const failure = new Error("network down");
    let caught: unknown;
    try {
      await revertOf(Promise.reject(failure));
    } catch (error) {
      caught = error;
    }
    expect(caught).to.equal(failure);
  });

  it("expectRevert checks the name and the named arguments (addresses in any letter case)", async function () {
    const { token, owner, other } = await loadFixture(tokenFixture);
    const call = () => token.transfer.staticCall(other.address, 6n);
    const decoded = await expectRevert(call(), "ERC20InsufficientBalance", {
      sender: owner.address.toLowerCase(),
      needed: 6n,
    });
    expect(decoded.sentence).to.match(/^ERC20InsufficientBalance: sender = /);
    for (const [name, args] of [
      ["ERC20InvalidReceiver", {}],
      ["ERC20InsufficientBalance", { needed: 7n }],
      ["ERC20InsufficientBalance", { noSuchArgument: 1n }],
    ] as const) {
      let caught: unknown;
      try {
        await expectRevert(call(), name, args);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(UnexpectedOutcomeError);
      expect((caught as UnexpectedOutcomeError).actual?.name).to.equal("ERC20InsufficientBalance");
    }
    let caught: unknown;
    try {
      await expectRevert(token.transfer.staticCall(other.address, 1n), "ERC20InsufficientBalance");
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(UnexpectedOutcomeError);
    expect((caught as Error).message).to.contain("got no revert");
  });
});
