import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { deployCore } from "../../sdk/deploy";
import {
  DELEGATION_APPROVAL_TYPES,
  PERMIT_TYPES,
  registryDomain,
  signDelegationApproval,
  signPermit,
  signPermitIn,
} from "../../sdk/signatures";
import { MockERC20__factory } from "../../typechain-types";

async function permitFixture() {
  const [owner, spender] = await ethers.getSigners();
  const token = await new MockERC20__factory(owner!).deploy("Permit Token", "PMT", 18);
  return { token, owner: owner!, spender: spender! };
}

describe("sdk/signatures.ts: EIP-2612 permits signed by any ethers signer", function () {
  it("a permit the token accepts: it recovers to the owner and sets the allowance", async function () {
    const { token, owner, spender } = await loadFixture(permitFixture);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = await signPermit(owner, token, spender.address, 42n, deadline);
    const { chainId } = await ethers.provider.getNetwork();
    const domain = {
      name: "Permit Token",
      version: "1",
      chainId,
      verifyingContract: await token.getAddress(),
    };
    const message = { owner: owner.address, spender: spender.address, value: 42n, nonce: 0n, deadline };
    expect(ethers.verifyTypedData(domain, PERMIT_TYPES, message, sig)).to.equal(owner.address);
    await token.permit(owner.address, spender.address, 42n, deadline, sig.v, sig.r, sig.s);
    expect(await token.allowance(owner.address, spender.address)).to.equal(42n);
    expect(await token.nonces(owner.address)).to.equal(1n);
  });

  it("signPermitIn signs in the domain the token reports (ERC-5267 eip712Domain) at the nonce given", async function () {
    const { token, owner, spender } = await loadFixture(permitFixture);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
    const domain = { name, version, chainId, verifyingContract };
    const sig = await signPermitIn(owner, domain, spender.address, 7n, 0n, deadline);
    expect(sig.serialized).to.equal(
      (await signPermit(owner, token, spender.address, 7n, deadline)).serialized,
    );
    await token.permit(owner.address, spender.address, 7n, deadline, sig.v, sig.r, sig.s);
    expect(await token.allowance(owner.address, spender.address)).to.equal(7n);
    // the same signature again: the nonce moved on, so the token recovers another signer
    await expect(
      token.permit(owner.address, spender.address, 7n, deadline, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
  });

  it("a permit for another chain is refused by the token", async function () {
    const { token, owner, spender } = await loadFixture(permitFixture);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sig = await signPermit(owner, token, spender.address, 42n, deadline, { chainId: 1n });
    await expect(
      token.permit(owner.address, spender.address, 42n, deadline, sig.v, sig.r, sig.s),
    ).to.be.revertedWithCustomError(token, "ERC2612InvalidSigner");
  });
});

describe("sdk/signatures.ts: delegation approvals", function () {
  async function registryFixture() {
    const [deployer, staker, operator, approver] = await ethers.getSigners();
    const { contracts } = await deployCore(deployer!);
    return { registry: contracts.registry, staker: staker!, operator: operator!, approver: approver! };
  }

  it("signs the digest the registry computes, recoverable to the approver", async function () {
    const { registry, staker, operator, approver } = await loadFixture(registryFixture);
    const approval = {
      staker: staker.address,
      operator: operator.address,
      approver: approver.address,
      salt: ethers.id("salt 1"),
      expiry: 1_900_000_000n,
    };
    const digest = await registry.delegationApprovalDigest(
      approval.staker,
      approval.operator,
      approval.approver,
      approval.salt,
      approval.expiry,
    );
    const domain = await registryDomain(approver, registry);
    expect(ethers.TypedDataEncoder.hash(domain, DELEGATION_APPROVAL_TYPES, approval)).to.equal(digest);
    const { signature, expiry } = await signDelegationApproval(approver, registry, approval);
    expect(expiry).to.equal(approval.expiry);
    expect(ethers.recoverAddress(digest, signature)).to.equal(approver.address);
    const foreign = await signDelegationApproval(approver, registry, approval, { chainId: 1n });
    expect(ethers.recoverAddress(digest, foreign.signature)).to.not.equal(approver.address);
  });
});
