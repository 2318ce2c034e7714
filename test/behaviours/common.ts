/**
 * Pieces shared by the behaviour suites of test/behaviours: how a contract call and its expected outcome are
 * described, and how a failure inside a loop names the step that failed.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, ContractTransactionResponse } from "ethers";

/** A state-changing call, sent when the function is called. */
export type SendCall = () => Promise<ContractTransactionResponse>;

/** An event that a call must emit. */
export interface ExpectedEvent {
  contract: BaseContract;
  name: string;
}

/** A named call and what its success looks like. */
export interface NamedCall {
  /** What is called, for failure messages (e.g. "deposit" or "registry.delegateTo -> vault.delegate"). */
  name: string;
  call: SendCall;
  /** The event a successful call emits; without it the call only has to not revert. */
  emits?: ExpectedEvent;
}

/** The ERC-1967 implementation slot: bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
export const ERC1967_IMPLEMENTATION_SLOT =
  "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

/** The implementation an ERC-1967 proxy points to. */
export async function implementationOf(proxy: string): Promise<string> {
  const word = await ethers.provider.getStorage(proxy, ERC1967_IMPLEMENTATION_SLOT);
  return ethers.getAddress(ethers.dataSlice(word, 12));
}

/** Asserts that `tx` succeeds, emitting `emits` when given. */
export async function expectSuccess(
  tx: Promise<ContractTransactionResponse>,
  emits: ExpectedEvent | undefined,
): Promise<void> {
  if (emits === undefined) {
    await expect(tx).to.not.be.reverted;
  } else {
    await expect(tx).to.emit(emits.contract, emits.name);
  }
}

/** Runs `body`, prefixing the message of anything it throws with `label`, so that a loop names its failing step. */
export async function step(label: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error) error.message = `${label}: ${error.message}`;
    throw error;
  }
}
