import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import {
  DELEGATION_APPROVAL_TYPES,
  registryDomain as sdkRegistryDomain,
  signDelegationApproval as sdkSignDelegationApproval,
  signPermit,
  type DelegationApproval,
  type Eip712Domain,
  type PermitToken,
} from "../../sdk/signatures";
import type { OperatorRegistry } from "../../typechain-types";
import type { IOperatorRegistryTypes } from "../../typechain-types/contracts/core/OperatorRegistry";

/** The registry's EIP-712 domain, built from constants (not read from the contract). */
export async function registryDomain(registry: OperatorRegistry): Promise<Eip712Domain> {
  const [signer] = await ethers.getSigners();
  return sdkRegistryDomain(signer!, registry);
}

/** The digest of `approval` computed off-chain with ethers' EIP-712 encoder. */
export async function delegationDigest(
  registry: OperatorRegistry,
  approval: DelegationApproval,
): Promise<string> {
  return ethers.TypedDataEncoder.hash(await registryDomain(registry), DELEGATION_APPROVAL_TYPES, approval);
}

/** `signer` signs `approval` (sdk/signatures.ts); returns the `ApproverSignature` argument of `delegateTo`.
 * `domain` replaces fields of the registry's domain (a signature made for another chain, contract or version). */
export async function signDelegationApproval(
  signer: HardhatEthersSigner,
  registry: OperatorRegistry,
  approval: DelegationApproval,
  domain: Partial<Eip712Domain> = {},
): Promise<IOperatorRegistryTypes.ApproverSignatureStruct> {
  return sdkSignDelegationApproval(signer, registry, approval, domain);
}

/** The argument of `delegateTo` (and of the LRT's `createNode` / `redelegateNode`) for operators without an
 * approver (sdk/lrt.ts). */
export const NO_SIGNATURE: IOperatorRegistryTypes.ApproverSignatureStruct = NO_APPROVER_SIGNATURE;
export const ZERO_SALT = NO_APPROVER_SALT;

/** A salt derived from a label, so that tests read which salt they use. */
export function salt(label: string): string {
  return ethers.id(label);
}

/* EIP-712 types and `signPermit` come from sdk/signatures.ts (the same code the demo and integrators use). */
export {
  DELEGATION_APPROVAL_TYPES,
  signPermit,
  type DelegationApproval,
  type Eip712Domain,
  type PermitToken,
};
