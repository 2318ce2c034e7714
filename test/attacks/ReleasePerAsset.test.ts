/**
 * Review finding 9a (issue 9): `releaseSlashedFunds` paid every asset of a request at once, so one asset whose token
 * blocklists the recipient (or the manager) held back the others.
 *
 * The fix (docs/slashing.md, "Request lifecycle"): `releaseSlashedFunds(id, asset)` releases one asset; it reverts
 * `AssetNotInRequest(id, asset)`, `FundsAlreadyReleased(id, asset)`, or `InvalidSlashStatus(id, status)` unless the
 * request was executed; the request becomes FundsReleased once every asset is released. Residual: the manager is the
 * escrow, so a token that blocklists the manager before the execution stops the whole execution; the request then
 * expires and anyone reopens the pool.
 *
 * World (requestedFixture): Y (no committee, redistributes to `recipient`) accepts stETH and BUSD (a blocklisting
 * token); alice's 100 of each is delegated to operator1, who allocated 50% of each to Y; Y requests half: 25 of each.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import {
  STATUS,
  avs2Params,
  slashingManagerFixture,
  type SlashingManagerFixture,
} from "../helpers/slashingFixtures";
import { ALLOCATION_DELAY, EXECUTION_WINDOW, WAD, request } from "./attackHelpersB";

const RELEASE_DEPOSIT = 100n * WAD;
/** Y takes half of its 50% in each asset: 25 of each 100. */
const RELEASED = 25n * WAD;

interface ReleaseFixture extends SlashingManagerFixture {
  id: bigint;
}

/** Y (no committee, redistributes to `recipient`) accepts stETH and BUSD; operator1 holds alice's 100 of each. */
async function requestedFixture(): Promise<ReleaseFixture> {
  const f = await slashingManagerFixture();
  const { sm, stETHAddress, blockTokenAddress } = f;
  await (
    await sm
      .connect(f.avs2)
      .registerAVS("ipfs://y", avs2Params(f, { assets: [stETHAddress, blockTokenAddress] }))
  ).wait();
  await (await sm.connect(f.operator1).registerOperatorToAVS(f.avs2.address, "0x")).wait();
  await (await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  for (const asset of [stETHAddress, blockTokenAddress]) {
    await (await f.vault.connect(f.alice).deposit(asset, RELEASE_DEPOSIT, 0n)).wait();
    await (await sm.connect(f.operator1).modifyAllocation(f.avs2.address, asset, WAD / 2n)).wait();
  }
  await time.increase(ALLOCATION_DELAY);
  const { id } = await request(f, f.slasher2, f.avs2.address, f.operator1.address, WAD / 2n);
  return { ...f, id };
}

async function executedFixture(): Promise<ReleaseFixture> {
  const f = await requestedFixture();
  await (await f.sm.executeSlash(f.id)).wait();
  return f;
}

describe("attack: one asset holds back a request's release (review finding 9a)", function () {
  describe("release per asset", function () {
    it("the recipient blocklisted by BUSD: BUSD's release reverts Blocklisted(recipient), stETH's pays the recipient its 25; BUSD follows once unblocked and the request is FundsReleased", async function () {
      const f = await loadFixture(executedFixture);
      const { sm, stETH, stETHAddress, blockToken, blockTokenAddress, recipient, id } = f;
      for (const i of [0n, 1n]) expect((await sm.slashedAsset(id, i))[1].amount).to.equal(RELEASED);
      await (await blockToken.setBlocklisted(recipient.address, true)).wait();

      await expect(sm.connect(f.outsider).releaseSlashedFunds(id, blockTokenAddress))
        .to.be.revertedWithCustomError(blockToken, "Blocklisted")
        .withArgs(recipient.address);
      await expect(sm.connect(f.outsider).releaseSlashedFunds(id, stETHAddress))
        .to.emit(sm, "SlashedFundsReleased")
        .withArgs(id, recipient.address, stETHAddress, RELEASED);
      expect(await stETH.balanceOf(recipient.address)).to.equal(RELEASED);
      expect((await sm.slashRequest(id))[0].status, "one asset still held").to.equal(STATUS.Executed);
      expect((await sm.slashedAsset(id, 0n))[1].released).to.equal(true);
      expect((await sm.slashedAsset(id, 1n))[1].released).to.equal(false);
      await expect(sm.releaseSlashedFunds(id, stETHAddress))
        .to.be.revertedWithCustomError(sm, "FundsAlreadyReleased")
        .withArgs(id, stETHAddress);
      await expect(sm.releaseSlashedFunds(id, f.cbETHAddress))
        .to.be.revertedWithCustomError(sm, "AssetNotInRequest")
        .withArgs(id, f.cbETHAddress);

      await (await blockToken.setBlocklisted(recipient.address, false)).wait();
      await expect(sm.releaseSlashedFunds(id, blockTokenAddress)).to.changeTokenBalances(
        blockToken,
        [recipient.address, f.smAddress],
        [RELEASED, -RELEASED],
      );
      expect((await sm.slashRequest(id))[0].status).to.equal(STATUS.FundsReleased);
      await expect(sm.releaseSlashedFunds(id, blockTokenAddress))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(id, STATUS.FundsReleased);
    });

    it("the manager blocklisted by BUSD after the execution: only BUSD's release is held (Blocklisted(manager)); stETH's goes through", async function () {
      const f = await loadFixture(executedFixture);
      const { sm, stETHAddress, blockToken, blockTokenAddress, id } = f;
      await (await blockToken.setBlocklisted(f.smAddress, true)).wait();
      await expect(sm.releaseSlashedFunds(id, blockTokenAddress))
        .to.be.revertedWithCustomError(blockToken, "Blocklisted")
        .withArgs(f.smAddress);
      await expect(sm.releaseSlashedFunds(id, stETHAddress)).to.changeTokenBalance(
        f.stETH,
        f.recipient,
        RELEASED,
      );
    });

    it("residual: the manager blocklisted by BUSD before the execution stops the whole execution (the escrow is the manager), stETH included; the request expires and anyone reopens the pool", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, vault, blockToken, operator1, stETHAddress, id } = f;
      await (await blockToken.setBlocklisted(f.smAddress, true)).wait();
      await expect(sm.connect(f.outsider).executeSlash(id))
        .to.be.revertedWithCustomError(blockToken, "Blocklisted")
        .withArgs(f.smAddress);
      const [r] = await sm.slashRequest(id);
      await time.setNextBlockTimestamp(r.executableAt + EXECUTION_WINDOW);
      await (await sm.connect(f.outsider).cancelSlash(id)).wait();
      expect((await vault.pool(operator1.address, stETHAddress)).pendingRequests).to.equal(0n);
    });

    it("no release before the execution or after a cancellation (InvalidSlashStatus)", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, stETHAddress, id } = f;
      await expect(sm.releaseSlashedFunds(id, stETHAddress))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(id, STATUS.Pending);
      await (await sm.connect(f.slasher2).cancelSlash(id)).wait();
      await expect(sm.releaseSlashedFunds(id, stETHAddress))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(id, STATUS.Cancelled);
    });
  });
});
