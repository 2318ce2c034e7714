/**
 * Review finding 9b (issue 9): `setSlashingManager` while requests were pending stranded their reservations (the pool
 * closed, exits priced net, for good).
 *
 * The fix (docs/staking.md, "Slashing entry points"): the vault counts open reservations (one per asset a pending
 * request reserved in) and `setSlashingManager` reverts `SlashReservationsOpen(n)` while n > 0; an expired request
 * counts until anyone cancels it. Same block, either order: nothing is stranded.
 *
 * World (attackHelpersB.ts attackFixture): X (committee, stETH and rETH) and Y (no committee, stETH) allocated by
 * operator1, alice and bob delegated to it.
 */
import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { MockSlashingCaller__factory } from "../../typechain-types";
import {
  EVIDENCE,
  EXECUTION_WINDOW,
  WAD,
  X_VETO_WINDOW,
  attackFixture,
  expectMinedAt,
  expectMinedRevert,
  request,
  sameBlock,
} from "./attackHelpersB";

describe("attack: a slashing-manager swap strands pending reservations (review finding 9b)", function () {
  describe("setSlashingManager while requests are pending", function () {
    it("refused with the count of open reservations (one per asset a request reserved in): 2 for X's request, 3 with Y's, 1 after X's veto, allowed at 0", async function () {
      const f = await loadFixture(attackFixture);
      const { vault, sm, operator1 } = f;
      const replacement = await new MockSlashingCaller__factory(f.admin).deploy(f.vaultAddress);
      const replacementAddress = await replacement.getAddress();
      await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
      expect(await vault.openSlashReservations()).to.equal(2n);
      await expect(vault.setSlashingManager(replacementAddress))
        .to.be.revertedWithCustomError(vault, "SlashReservationsOpen")
        .withArgs(2n);
      await request(f, f.slasher2, f.avs2.address, operator1.address, WAD / 10n);
      await expect(vault.setSlashingManager(replacementAddress))
        .to.be.revertedWithCustomError(vault, "SlashReservationsOpen")
        .withArgs(3n);
      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      await expect(vault.setSlashingManager(replacementAddress))
        .to.be.revertedWithCustomError(vault, "SlashReservationsOpen")
        .withArgs(1n);
      await (await sm.executeSlash(2n)).wait();
      expect(await vault.openSlashReservations()).to.equal(0n);
      await expect(vault.setSlashingManager(replacementAddress)).to.emit(vault, "ModuleSet");
      expect((await vault.modules()).slashingManager).to.equal(replacementAddress);
    });

    it("an expired request nobody cancelled still blocks the swap until anyone (the admin too) cancels it", async function () {
      const f = await loadFixture(attackFixture);
      const { vault, sm, operator1 } = f;
      const { id, at } = await request(f, f.slasher, f.avs.address, operator1.address, WAD / 2n);
      await time.setNextBlockTimestamp(at + X_VETO_WINDOW + EXECUTION_WINDOW);
      await expect(vault.setSlashingManager(f.outsider.address))
        .to.be.revertedWithCustomError(vault, "SlashReservationsOpen")
        .withArgs(2n);
      await (await sm.connect(f.admin).cancelSlash(id)).wait();
      await expect(vault.setSlashingManager(f.outsider.address)).to.emit(vault, "ModuleSet");
    });

    it("same block, either order: a request first makes the swap revert SlashReservationsOpen(2); the swap first makes the old manager's request revert OnlySlashingManager, so nothing is stranded", async function () {
      const f = await loadFixture(attackFixture);
      const { vault, sm, operator1 } = f;
      const requestFirst = await sameBlock([
        {
          tip: 60n,
          send: (o) =>
            sm.connect(f.slasher).requestSlash(f.avs.address, operator1.address, WAD / 2n, EVIDENCE, o),
        },
        { tip: 1n, send: (o) => vault.setSlashingManager(f.outsider.address, o) },
      ]);
      expectMinedAt(requestFirst.receipts[0], 0, "the request");
      await expectMinedRevert(requestFirst.receipts[1], vault, "SlashReservationsOpen", [2n]);
      await (await sm.connect(f.committee).vetoSlash(1n)).wait();

      const swapFirst = await sameBlock([
        { tip: 60n, send: (o) => vault.setSlashingManager(f.outsider.address, o) },
        {
          tip: 1n,
          send: (o) =>
            sm.connect(f.slasher2).requestSlash(f.avs2.address, operator1.address, WAD / 10n, EVIDENCE, o),
        },
      ]);
      expectMinedAt(swapFirst.receipts[0], 0, "the swap");
      await expectMinedRevert(swapFirst.receipts[1], vault, "OnlySlashingManager", [
        f.addresses.slashingManager,
      ]);
      expect(await vault.openSlashReservations()).to.equal(0n);
    });
  });
});
