import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { WAD } from "../helpers/fixtures";
import { lrtFixture } from "../helpers/lrtFixtures";
import { signPermit } from "../helpers/signatures";
import { FeeOnTransferERC20__factory, LRTAssetVault__factory } from "../../typechain-types";

/** The ERC-165 id of an interface: the XOR of its function selectors. */
function interfaceId(signatures: string[]): string {
  let id = 0n;
  for (const sig of signatures) id ^= BigInt(ethers.id(sig).slice(0, 10));
  return ethers.toBeHex(id, 4);
}

const ERC7575 = [
  "asset()",
  "share()",
  "convertToShares(uint256)",
  "convertToAssets(uint256)",
  "totalAssets()",
  "maxDeposit(address)",
  "previewDeposit(uint256)",
  "deposit(uint256,address)",
  "maxMint(address)",
  "previewMint(uint256)",
  "mint(uint256,address)",
  "maxWithdraw(address)",
  "previewWithdraw(uint256)",
  "withdraw(uint256,address,address)",
  "maxRedeem(address)",
  "previewRedeem(uint256)",
  "redeem(uint256,address,address)",
];
const ERC7540_OPERATOR = ["setOperator(address,bool)", "isOperator(address,address)"];
const ERC7540_REDEEM = [
  "requestRedeem(uint256,address,address)",
  "pendingRedeemRequest(uint256,address)",
  "claimableRedeemRequest(uint256,address)",
];

describe("LRT faces: ERC-20, EIP-2612, ERC-7575, ERC-7540", function () {
  it("ERC-165: the ERC-7575 and ERC-7540 ids (computed from the EIPs' function lists)", async function () {
    const f = await loadFixture(lrtFixture);
    expect(interfaceId(ERC7575)).to.equal("0x2f0a18c5");
    expect(interfaceId(ERC7540_OPERATOR)).to.equal("0xe3bc4e65");
    expect(interfaceId(ERC7540_REDEEM)).to.equal("0x620ee8e4");
    for (const id of ["0x2f0a18c5", "0xe3bc4e65", "0x620ee8e4", "0x01ffc9a7"]) {
      expect(await f.stETHVault.supportsInterface(id)).to.equal(true);
    }
    // No asynchronous deposit (0xce3bbe50): deposits are synchronous.
    expect(await f.stETHVault.supportsInterface("0xce3bbe50")).to.equal(false);
  });

  it("ERC-7575: every entry point shares the LRT, and the LRT names each entry point", async function () {
    const f = await loadFixture(lrtFixture);
    expect(await f.stETHVault.share()).to.equal(await f.lrt.getAddress());
    expect(await f.rETHVault.share()).to.equal(await f.lrt.getAddress());
    expect(await f.stETHVault.asset()).to.equal(f.stETHAddress);
    expect(await f.lrt.vault(f.stETHAddress)).to.equal(await f.stETHVault.getAddress());
    expect(await f.lrt.vault(f.rETHAddress)).to.equal(await f.rETHVault.getAddress());
    expect(await f.lrt.decimals()).to.equal(18n);
  });

  it("ERC-4626 deposit/mint faces: previews match, events as the standard states", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    const preview = await f.stETHVault.previewDeposit(3n * WAD);
    await expect(f.stETHVault.connect(f.bob).deposit(3n * WAD, f.carol.address))
      .to.emit(f.stETHVault, "Deposit")
      .withArgs(f.bob.address, f.carol.address, 3n * WAD, preview);
    expect(await f.lrt.balanceOf(f.carol.address)).to.equal(preview);
    const cost = await f.stETHVault.previewMint(WAD);
    await expect(f.stETHVault.connect(f.bob).mint(WAD, f.bob.address)).to.changeTokenBalances(
      f.stETH,
      [f.bob],
      [-cost],
    );
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(WAD);
    expect(await f.stETHVault.totalAssets()).to.equal(await f.manager.totalAssets(f.stETHAddress));
    expect(await f.stETHVault.convertToAssets(await f.stETHVault.convertToShares(WAD))).to.be.lte(WAD);
  });

  it("ERC-7540: previewRedeem and previewWithdraw revert", async function () {
    const f = await loadFixture(lrtFixture);
    await expect(f.stETHVault.previewRedeem(WAD)).to.be.revertedWithCustomError(
      f.stETHVault,
      "AsyncRedeemOnly",
    );
    await expect(f.stETHVault.previewWithdraw(WAD)).to.be.revertedWithCustomError(
      f.stETHVault,
      "AsyncRedeemOnly",
    );
  });

  it("ERC-7540: requestRedeem by the owner, its operator, or an allowance; events", async function () {
    const f = await loadFixture(lrtFixture);
    await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
    await expect(f.stETHVault.connect(f.alice).requestRedeem(WAD, f.bob.address, f.alice.address))
      .to.emit(f.stETHVault, "RedeemRequest")
      .withArgs(f.bob.address, f.alice.address, 1, f.alice.address, WAD);
    expect(await f.stETHVault.pendingRedeemRequest(1, f.bob.address)).to.equal(WAD);
    expect(await f.stETHVault.pendingRedeemRequest(1, f.alice.address)).to.equal(0n);
    await expect(f.stETHVault.connect(f.carol).requestRedeem(WAD, f.carol.address, f.alice.address))
      .to.be.revertedWithCustomError(f.lrt, "ERC20InsufficientAllowance")
      .withArgs(f.carol.address, 0n, WAD);
    await expect(f.stETHVault.connect(f.alice).setOperator(f.carol.address, true))
      .to.emit(f.stETHVault, "OperatorSet")
      .withArgs(f.alice.address, f.carol.address, true);
    expect(await f.stETHVault.isOperator(f.alice.address, f.carol.address)).to.equal(true);
    await (await f.stETHVault.connect(f.carol).requestRedeem(WAD, f.carol.address, f.alice.address)).wait();
    await (await f.stETHVault.connect(f.alice).setOperator(f.carol.address, false)).wait();
    await (await f.lrt.connect(f.alice).approve(f.dave.address, WAD)).wait();
    await (await f.stETHVault.connect(f.dave).requestRedeem(WAD, f.dave.address, f.alice.address)).wait();
    expect(await f.lrt.allowance(f.alice.address, f.dave.address)).to.equal(0n);
    expect(await f.lrt.balanceOf(f.alice.address)).to.equal(7n * WAD);
    await expect(
      f.stETHVault.connect(f.alice).setOperator(f.alice.address, true),
    ).to.be.revertedWithCustomError(f.stETHVault, "SelfOperator");
  });

  it("permit: deposit with an EIP-2612 permit of the asset, and the LRT's own permit", async function () {
    const f = await loadFixture(lrtFixture);
    const entry = await f.stETHVault.getAddress();
    await (await f.stETH.connect(f.erin).approve(entry, 0n)).wait();
    const deadline = BigInt(await time.latest()) + 3600n;
    const sig = await signPermit(f.erin, f.stETH, entry, 5n * WAD, deadline);
    await expect(
      f.stETHVault
        .connect(f.erin)
        .depositWithPermit(5n * WAD, f.erin.address, 0n, deadline, sig.v, sig.r, sig.s),
    ).to.changeTokenBalance(f.lrt, f.erin, 5n * WAD);
    const lsig = await signPermit(f.erin, f.lrt, f.bob.address, WAD, deadline);
    await (await f.lrt.permit(f.erin.address, f.bob.address, WAD, deadline, lsig.v, lsig.r, lsig.s)).wait();
    expect(await f.lrt.allowance(f.erin.address, f.bob.address)).to.equal(WAD);
    await expect(
      f.lrt.permit(f.erin.address, f.bob.address, WAD, deadline, lsig.v, lsig.r, lsig.s),
    ).to.be.revertedWithCustomError(f.lrt, "ERC2612InvalidSigner");
    await (await f.lrt.connect(f.bob).transferFrom(f.erin.address, f.bob.address, WAD)).wait();
    expect(await f.lrt.balanceOf(f.bob.address)).to.equal(WAD);
  });

  it("rejects a fee-on-transfer asset (received != amount)", async function () {
    const f = await loadFixture(lrtFixture);
    const fot = await new FeeOnTransferERC20__factory(f.admin).deploy("Fee", "FEE");
    const fotAddress = await fot.getAddress();
    await (await f.vault.addAsset(fotAddress, 1_000n * WAD)).wait();
    await (await f.oracle.setPrice(fotAddress, WAD)).wait();
    const entry = await new LRTAssetVault__factory(f.admin).deploy(f.managerAddress, fotAddress);
    await (await f.manager.addAsset(fotAddress, await entry.getAddress(), 1_000n * WAD)).wait();
    await (await fot.mint(f.alice.address, 10n * WAD)).wait();
    await (await fot.connect(f.alice).approve(await entry.getAddress(), 10n * WAD)).wait();
    const received = 10n * WAD - (10n * WAD) / 100n;
    await expect(entry.connect(f.alice).deposit(10n * WAD, f.alice.address))
      .to.be.revertedWithCustomError(f.manager, "TransferAmountMismatch")
      .withArgs(fotAddress, 10n * WAD, received);
  });
});
