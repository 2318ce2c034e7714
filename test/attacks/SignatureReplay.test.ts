/**
 * Attack: approval and permit signatures replayed across domains (docs/threat-model.md, "Approval replay"). An
 * operator's delegation approver signs an EIP-712 `DelegationApproval` bound to the registry's domain (name
 * "OperatorRegistry", version "1", the chain id, the registry's proxy as verifying contract); the LRT token and the
 * assets sign EIP-2612 permits bound to their own domains. A signature made for another chain, another registry
 * (another deployment on the same chain), another version, or the registry's implementation instead of its proxy is
 * refused here (`InvalidSignature`, `ERC2612InvalidSigner`), spends nothing, and the same approval signed for this
 * domain goes through (the control). Same-domain replays (a reused salt, another staker or operator, expiry) are in
 * test/core/OperatorRegistry.test.ts.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { deployCore } from "../../sdk/deploy";
import type { OperatorRegistry } from "../../typechain-types";
import { DAY, WAD, twoOperatorsFixture, type TwoOperatorsFixture } from "../helpers/fixtures";
import { lrtFixture } from "../helpers/lrtFixtures";
import {
  salt,
  signDelegationApproval,
  signPermit,
  type DelegationApproval,
  type Eip712Domain,
} from "../helpers/signatures";

interface ReplayFixture extends TwoOperatorsFixture {
  /** A second deployment of the core on the same chain, where operator2 has the same approver. */
  otherRegistry: OperatorRegistry;
}

async function replayFixture(): Promise<ReplayFixture> {
  const f = await twoOperatorsFixture();
  const { contracts } = await deployCore(f.admin);
  await (
    await contracts.registry
      .connect(f.operator2)
      .registerAsOperator("ipfs://operator2", 0, f.approver.address)
  ).wait();
  return { ...f, otherRegistry: contracts.registry };
}

async function approvalFor(f: TwoOperatorsFixture, label: string): Promise<DelegationApproval> {
  return {
    staker: f.alice.address,
    operator: f.operator2.address,
    approver: f.approver.address,
    salt: salt(label),
    expiry: BigInt(await time.latest()) + DAY,
  };
}

describe("Attack: signatures replayed across domains", function () {
  describe("delegation approvals", function () {
    const foreignDomains: Array<[string, (f: ReplayFixture) => Promise<Partial<Eip712Domain>>]> = [
      ["another chain (chain id 1)", async () => ({ chainId: 1n })],
      [
        "another registry on this chain",
        async (f) => ({ verifyingContract: await f.otherRegistry.getAddress() }),
      ],
      ['another version ("2")', async () => ({ version: "2" })],
      ["another name", async () => ({ name: "OperatorRegistryV2" })],
      [
        "the registry's implementation instead of its proxy",
        async (f) => ({ verifyingContract: f.addresses.implementations.OperatorRegistry }),
      ],
    ];
    for (const [name, domainOf] of foreignDomains) {
      it(`a signature made for ${name} is refused (InvalidSignature) and spends nothing; the same approval signed for this registry goes through`, async function () {
        const f = await loadFixture(replayFixture);
        const approval = await approvalFor(f, `replay ${name}`);
        const foreign = await signDelegationApproval(f.approver, f.registry, approval, await domainOf(f));
        await expect(
          f.registry.connect(f.alice).delegateTo(f.operator2.address, foreign, approval.salt),
        ).to.be.revertedWithCustomError(f.registry, "InvalidSignature");
        expect(await f.registry.isSaltSpent(f.approver.address, approval.salt)).to.equal(false);
        expect(await f.vault.delegatedTo(f.alice.address)).to.equal(ethers.ZeroAddress);
        const own = await signDelegationApproval(f.approver, f.registry, approval);
        await (await f.registry.connect(f.alice).delegateTo(f.operator2.address, own, approval.salt)).wait();
        expect(await f.vault.delegatedTo(f.alice.address)).to.equal(f.operator2.address);
      });
    }

    it("a signature valid on another registry (same chain, same approver, same salt) is accepted there and refused here; spending it there leaves the salt unspent here", async function () {
      const f = await loadFixture(replayFixture);
      const approval = await approvalFor(f, "two registries");
      const forOther = await signDelegationApproval(f.approver, f.otherRegistry, approval);
      await (
        await f.otherRegistry.connect(f.alice).delegateTo(f.operator2.address, forOther, approval.salt)
      ).wait();
      expect(await f.otherRegistry.isSaltSpent(f.approver.address, approval.salt)).to.equal(true);
      await expect(
        f.registry.connect(f.alice).delegateTo(f.operator2.address, forOther, approval.salt),
      ).to.be.revertedWithCustomError(f.registry, "InvalidSignature");
      expect(await f.registry.isSaltSpent(f.approver.address, approval.salt)).to.equal(false);
    });
  });

  describe("EIP-2612 permits", function () {
    it("an LRT permit signed for another chain or another token is refused (ERC2612InvalidSigner), the nonce unspent; the same permit for this token works", async function () {
      const f = await loadFixture(lrtFixture);
      await (await f.stETHVault.connect(f.erin).deposit(WAD, f.erin.address)).wait();
      const deadline = BigInt(await time.latest()) + DAY;
      for (const domain of [{ chainId: 1n }, { verifyingContract: f.stETHAddress }, { version: "2" }]) {
        const sig = await signPermit(f.erin, f.lrt, f.bob.address, WAD, deadline, domain);
        await expect(
          f.lrt.permit(f.erin.address, f.bob.address, WAD, deadline, sig.v, sig.r, sig.s),
        ).to.be.revertedWithCustomError(f.lrt, "ERC2612InvalidSigner");
        expect(await f.lrt.nonces(f.erin.address)).to.equal(0n);
      }
      const sig = await signPermit(f.erin, f.lrt, f.bob.address, WAD, deadline);
      await (await f.lrt.permit(f.erin.address, f.bob.address, WAD, deadline, sig.v, sig.r, sig.s)).wait();
      expect(await f.lrt.allowance(f.erin.address, f.bob.address)).to.equal(WAD);
      expect(await f.lrt.nonces(f.erin.address)).to.equal(1n);
    });

    it("an asset permit signed for another token cannot feed depositWithPermit here: the failed permit is ignored, the pull then finds no allowance (ERC20InsufficientAllowance); the right permit deposits", async function () {
      const f = await loadFixture(lrtFixture);
      const entry = await f.stETHVault.getAddress();
      const user = f.outsider;
      await (await f.stETH.mint(user.address, WAD)).wait();
      await (await f.rETH.mint(user.address, WAD)).wait();
      const deadline = BigInt(await time.latest()) + DAY;
      // A permit of rETH for the stETH entry point, submitted as a stETH permit.
      const foreign = await signPermit(user, f.rETH, entry, WAD, deadline);
      await expect(
        f.stETHVault
          .connect(user)
          .depositWithPermit(WAD, user.address, 0n, deadline, foreign.v, foreign.r, foreign.s),
      ).to.be.revertedWithCustomError(f.stETH, "ERC20InsufficientAllowance");
      expect(await f.stETH.allowance(user.address, entry)).to.equal(0n);
      expect(await f.rETH.allowance(user.address, entry)).to.equal(0n);
      expect(await f.stETH.nonces(user.address)).to.equal(0n);
      const own = await signPermit(user, f.stETH, entry, WAD, deadline);
      await (
        await f.stETHVault
          .connect(user)
          .depositWithPermit(WAD, user.address, 0n, deadline, own.v, own.r, own.s)
      ).wait();
      expect(await f.lrt.balanceOf(user.address)).to.be.gt(0n);
      expect(await f.stETH.nonces(user.address)).to.equal(1n);
    });
  });
});
