/**
 * Review finding Low 7 (issue 9): the withdrawals pause was bypassed through undelegation.
 *
 * The attack as reported: with only the vault's withdrawals group paused, `registry.undelegate` and
 * `registry.redelegate` still queued withdrawals; their delay ran during the pause and they completed the moment it
 * ended.
 *
 * The fix (docs/staking.md, pause groups): the vault's `undelegate` (behind both registry paths) honours
 * GROUP_WITHDRAWALS as well as GROUP_DELEGATION. This file drives every path that queues or completes a withdrawal
 * under each pause group of the vault (DEPOSITS 0, WITHDRAWALS 1, DELEGATION 2) and of the registry (OPERATORS 0,
 * DELEGATION 1), one group at a time, and asserts exactly which revert `GroupPaused(n)` (and that they change
 * nothing) and which go through.
 *
 * World (pauseFixture): stakingFixture + operator2 registered without an approver; alice delegated to operator1 with
 * 100 stETH and 50 rETH, and a ready withdrawal of 10 stETH queued before any pause.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";

import {
  DEFAULT_WITHDRAWAL_DELAY,
  REGISTRY_GROUP,
  VAULT_GROUP,
  WAD,
  stakingFixture,
  withdrawalId,
  type StakingFixture,
} from "../helpers/fixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { expectMinedAt, expectMinedRevert, sameBlock } from "./attackHelpersB";

interface PauseFixture extends StakingFixture {
  stETHAddress: string;
  rETHAddress: string;
  /** alice's ready withdrawal of 10 stETH (nonce 0). */
  readyId: bigint;
}

async function pauseFixture(): Promise<PauseFixture> {
  const f = await stakingFixture();
  const [stETHAddress, rETHAddress] = f.assetAddresses;
  await (
    await f.registry.connect(f.operator2).registerAsOperator("ipfs://op2", 500, ethers.ZeroAddress)
  ).wait();
  await (await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await f.vault.connect(f.alice).deposit(stETHAddress, 100n * WAD, 0n)).wait();
  await (await f.vault.connect(f.alice).deposit(rETHAddress, 50n * WAD, 0n)).wait();
  const [, shares] = await f.vault.position(f.alice.address, stETHAddress);
  await (await f.vault.connect(f.alice).queueWithdrawal(stETHAddress, shares / 10n)).wait();
  await time.increase(DEFAULT_WITHDRAWAL_DELAY);
  return { ...f, stETHAddress, rETHAddress, readyId: withdrawalId(f.alice.address, 0n) };
}

type GroupName =
  | "vault.DEPOSITS"
  | "vault.WITHDRAWALS"
  | "vault.DELEGATION"
  | "registry.OPERATORS"
  | "registry.DELEGATION";
type PathName =
  | "vault.queueWithdrawal"
  | "vault.queueWithdrawals"
  | "vault.completeWithdrawal(tokens)"
  | "vault.completeWithdrawal(shares)"
  | "registry.undelegate"
  | "registry.redelegate";

const GROUPS: Record<GroupName, { pause: (f: PauseFixture) => Promise<unknown>; bit: bigint }> = {
  "vault.DEPOSITS": { bit: VAULT_GROUP.DEPOSITS, pause: (f) => f.vault.pause(1n << VAULT_GROUP.DEPOSITS) },
  "vault.WITHDRAWALS": {
    bit: VAULT_GROUP.WITHDRAWALS,
    pause: (f) => f.vault.pause(1n << VAULT_GROUP.WITHDRAWALS),
  },
  "vault.DELEGATION": {
    bit: VAULT_GROUP.DELEGATION,
    pause: (f) => f.vault.pause(1n << VAULT_GROUP.DELEGATION),
  },
  "registry.OPERATORS": {
    bit: REGISTRY_GROUP.OPERATORS,
    pause: (f) => f.registry.pause(1n << REGISTRY_GROUP.OPERATORS),
  },
  "registry.DELEGATION": {
    bit: REGISTRY_GROUP.DELEGATION,
    pause: (f) => f.registry.pause(1n << REGISTRY_GROUP.DELEGATION),
  },
};

const PATHS: Record<PathName, (f: PauseFixture) => Promise<ContractTransactionResponse>> = {
  "vault.queueWithdrawal": (f) => f.vault.connect(f.alice).queueWithdrawal(f.stETHAddress, WAD),
  "vault.queueWithdrawals": (f) =>
    f.vault.connect(f.alice).queueWithdrawals([f.stETHAddress, f.rETHAddress], [WAD, WAD]),
  "vault.completeWithdrawal(tokens)": (f) => f.vault.connect(f.alice).completeWithdrawal(f.readyId, true, 0n),
  "vault.completeWithdrawal(shares)": (f) =>
    f.vault.connect(f.alice).completeWithdrawal(f.readyId, false, 0n),
  "registry.undelegate": (f) => f.registry.connect(f.alice).undelegate(f.alice.address),
  "registry.redelegate": (f) =>
    f.registry.connect(f.alice).redelegate(f.operator2.address, NO_SIGNATURE, ZERO_SALT),
};

/** The group each path is refused under, as `GroupPaused(n)`; under every other single group it goes through. */
const REFUSED: Record<PathName, Partial<Record<GroupName, bigint>>> = {
  "vault.queueWithdrawal": { "vault.WITHDRAWALS": 1n },
  "vault.queueWithdrawals": { "vault.WITHDRAWALS": 1n },
  "vault.completeWithdrawal(tokens)": { "vault.WITHDRAWALS": 1n },
  "vault.completeWithdrawal(shares)": { "vault.WITHDRAWALS": 1n },
  "registry.undelegate": { "vault.WITHDRAWALS": 1n, "vault.DELEGATION": 2n, "registry.DELEGATION": 1n },
  "registry.redelegate": { "vault.WITHDRAWALS": 1n, "vault.DELEGATION": 2n, "registry.DELEGATION": 1n },
};

/** What a path changes for alice: her withdrawal nonce, her operator, the ready record, her shares and balance. */
async function aliceState(f: PauseFixture): Promise<unknown[]> {
  const info = await f.vault.stakerInfo(f.alice.address);
  const [, ready] = await f.vault.withdrawal(f.readyId);
  return [
    info.withdrawalNonce,
    info.operator,
    ready.shares,
    (await f.vault.position(f.alice.address, f.stETHAddress))[1],
    (await f.vault.position(f.alice.address, f.rETHAddress))[1],
    await f.stETH.balanceOf(f.alice.address),
  ];
}

describe("attack: queueing or completing a withdrawal under a pause (review finding Low 7)", function () {
  it("the issue's bypass: with only the vault's withdrawals group paused, registry.undelegate and registry.redelegate revert GroupPaused(1) and queue nothing; the ready withdrawal waits for the unpause", async function () {
    const f = await loadFixture(pauseFixture);
    const { vault, registry, alice } = f;
    await (await vault.pause(1n << VAULT_GROUP.WITHDRAWALS)).wait();
    const before = await aliceState(f);
    await expect(registry.connect(alice).undelegate(alice.address))
      .to.be.revertedWithCustomError(vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    await expect(registry.connect(alice).redelegate(f.operator2.address, NO_SIGNATURE, ZERO_SALT))
      .to.be.revertedWithCustomError(vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    // The operator and the staker's delegation approver cannot undelegate her either.
    await expect(registry.connect(f.operator1).undelegate(alice.address))
      .to.be.revertedWithCustomError(vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    expect(await aliceState(f), "nothing queued, nothing moved").to.deep.equal(before);

    // A long pause: nothing runs a delay during it. After the unpause the undelegation starts its full delay.
    await time.increase(30n * 24n * 3600n);
    await (await vault.unpause(1n << VAULT_GROUP.WITHDRAWALS)).wait();
    const nonce = (await vault.stakerInfo(alice.address)).withdrawalNonce;
    await (await registry.connect(alice).undelegate(alice.address)).wait();
    const [, queued] = await vault.withdrawal(withdrawalId(alice.address, nonce));
    expect(queued.readyAt).to.equal(BigInt(await time.latest()) + DEFAULT_WITHDRAWAL_DELAY);
    await expect(vault.connect(alice).completeWithdrawal(withdrawalId(alice.address, nonce), true, 0n))
      .to.be.revertedWithCustomError(vault, "WithdrawalNotReady")
      .withArgs(withdrawalId(alice.address, nonce), queued.readyAt);
  });

  it("same block: a pause mined before alice's undelegation refuses it; one mined after it comes too late and the queued withdrawal waits, refused, until the unpause", async function () {
    const f = await loadFixture(pauseFixture);
    const { vault, registry, alice } = f;
    const pauseFirst = await sameBlock([
      { tip: 60n, send: (o) => vault.pause(1n << VAULT_GROUP.WITHDRAWALS, o) },
      { tip: 1n, send: (o) => registry.connect(alice).undelegate(alice.address, o) },
    ]);
    expectMinedAt(pauseFirst.receipts[0], 0, "the pause");
    await expectMinedRevert(pauseFirst.receipts[1], vault, "GroupPaused", [VAULT_GROUP.WITHDRAWALS]);
    await (await vault.unpause(1n << VAULT_GROUP.WITHDRAWALS)).wait();

    const nonce = (await vault.stakerInfo(alice.address)).withdrawalNonce;
    const undelegateFirst = await sameBlock([
      { tip: 60n, send: (o) => registry.connect(alice).undelegate(alice.address, o) },
      { tip: 1n, send: (o) => vault.pause(1n << VAULT_GROUP.WITHDRAWALS, o) },
    ]);
    expectMinedAt(undelegateFirst.receipts[0], 0, "the undelegation");
    expectMinedAt(undelegateFirst.receipts[1], 1, "the pause");
    const id = withdrawalId(alice.address, nonce);
    const [, queued] = await vault.withdrawal(id);
    await time.increaseTo(queued.readyAt);
    await expect(vault.connect(alice).completeWithdrawal(id, true, 0n))
      .to.be.revertedWithCustomError(vault, "GroupPaused")
      .withArgs(VAULT_GROUP.WITHDRAWALS);
    await (await vault.unpause(1n << VAULT_GROUP.WITHDRAWALS)).wait();
    await expect(vault.connect(alice).completeWithdrawal(id, true, 0n)).to.emit(vault, "WithdrawalCompleted");
  });

  it("nothing is paused: every path goes through", async function () {
    for (const [name, run] of Object.entries(PATHS)) {
      const f = await loadFixture(pauseFixture);
      const before = await aliceState(f);
      await expect(run(f), name).to.not.be.reverted;
      expect(await aliceState(f), `${name} changes alice's state`).to.not.deep.equal(before);
    }
  });

  for (const [groupName, group] of Object.entries(GROUPS) as Array<[GroupName, (typeof GROUPS)[GroupName]]>) {
    describe(`${groupName} (bit ${group.bit}) paused alone`, function () {
      for (const [pathName, run] of Object.entries(PATHS) as Array<[PathName, (typeof PATHS)[PathName]]>) {
        const refused = REFUSED[pathName][groupName];
        const title =
          refused === undefined ? `${pathName} goes through` : `${pathName} reverts GroupPaused(${refused})`;
        it(title, async function () {
          const f = await loadFixture(pauseFixture);
          await group.pause(f);
          const before = await aliceState(f);
          if (refused === undefined) {
            await expect(run(f)).to.not.be.reverted;
            expect(await aliceState(f), "the path took effect").to.not.deep.equal(before);
          } else {
            const source = groupName.startsWith("vault") ? f.vault : f.registry;
            await expect(run(f)).to.be.revertedWithCustomError(source, "GroupPaused").withArgs(refused);
            expect(await aliceState(f), "a refused path changes nothing").to.deep.equal(before);
          }
        });
      }
    });
  }
});
