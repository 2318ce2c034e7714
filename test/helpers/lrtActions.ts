/**
 * Actions shared by the LRT tests: read the manager's withdrawal ids from a transaction, slash an operator through
 * the real SlashingManager, fund and accrue rewards, sign a delegation approval for a node.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { ContractTransactionResponse } from "ethers";

import { predictNodeAddress } from "../../sdk/lrt";
import type { IOperatorRegistryTypes } from "../../typechain-types/contracts/core/OperatorRegistry";
import { DAY, WAD } from "./fixtures";
import { VETO_WINDOW, type LRTFixture, type LRTSlashFixture } from "./lrtFixtures";
import { signDelegationApproval } from "./signatures";

/** The address node `index` has (or will have once created) in `f` (sdk/lrt.ts predictNodeAddress). */
export async function nodeAddress(f: LRTFixture, index: bigint | number): Promise<string> {
  return predictNodeAddress(
    {
      manager: f.managerAddress,
      beacon: f.beaconAddress,
      vault: f.vaultAddress,
      rewards: await f.rewardDistributor.getAddress(),
    },
    index,
  );
}

/** `approver`'s delegation approval of `staker` (a node's address) to `operator` with `salt`, valid until `expiry`:
 * the approver arguments of createNode / redelegateNode. */
export async function approveNode(
  f: LRTFixture,
  approver: HardhatEthersSigner,
  staker: string,
  operator: string,
  salt: string,
  expiry: bigint,
): Promise<IOperatorRegistryTypes.ApproverSignatureStruct> {
  return signDelegationApproval(approver, f.registry, {
    staker,
    operator,
    approver: approver.address,
    salt,
    expiry,
  });
}

/** The vault withdrawal ids the manager queued (WithdrawalQueued) in `tx`. */
export async function queuedIds(f: LRTFixture, tx: Promise<ContractTransactionResponse>): Promise<bigint[]> {
  const receipt = await (await tx).wait();
  const ids: bigint[] = [];
  for (const log of receipt?.logs ?? []) {
    if (log.address.toLowerCase() !== f.managerAddress.toLowerCase()) continue;
    const parsed = f.manager.interface.parseLog(log);
    if (parsed?.name === "WithdrawalQueued") ids.push(parsed.args.id as bigint);
  }
  return ids;
}

/** Requests a slash of `wadFraction` of `operator`'s allocation; returns its id. Pending for the veto window. */
export async function requestSlash(
  f: LRTSlashFixture,
  operator: string,
  wadFraction: bigint,
): Promise<bigint> {
  await (
    await f.slashingManager
      .connect(f.slasher)
      .requestSlash(f.avs.address, operator, wadFraction, ethers.id("evidence"))
  ).wait();
  return f.slashingManager.slashRequestCount();
}

/** Waits out the veto window and executes slash `id`. */
export async function executeSlash(f: LRTSlashFixture, id: bigint): Promise<void> {
  await time.increase(VETO_WINDOW);
  await (await f.slashingManager.executeSlash(id)).wait();
}

/** Lists stETH as a reward token and funds `amount` of it to `operator`'s stETH pool over one day. */
export async function fundStETHRewards(f: LRTFixture, operator: string, amount: bigint): Promise<void> {
  const rd = f.rewardDistributor;
  const tokens = await rd.rewardTokens();
  if (!tokens.map((t) => t.toLowerCase()).includes(f.stETHAddress.toLowerCase())) {
    await (await rd.addRewardToken(f.stETHAddress, WAD / 100n)).wait();
  }
  await (await f.stETH.mint(f.admin.address, amount)).wait();
  await (await f.stETH.connect(f.admin).approve(await rd.getAddress(), amount)).wait();
  await (await rd.fundRewards(operator, f.stETHAddress, f.stETHAddress, amount, DAY)).wait();
}
