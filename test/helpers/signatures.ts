import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Signature } from "ethers";

import { NO_APPROVER_SALT, NO_APPROVER_SIGNATURE } from "../../sdk/lrt";
import type { MockERC20, OperatorRegistry } from "../../typechain-types";
import type { IOperatorRegistryTypes } from "../../typechain-types/contracts/core/OperatorRegistry";

/** The EIP-712 type an operator's delegation approver signs (see OperatorRegistry.DELEGATION_APPROVAL_TYPEHASH). */
export const DELEGATION_APPROVAL_TYPES = {
  DelegationApproval: [
    { name: "staker", type: "address" },
    { name: "operator", type: "address" },
    { name: "approver", type: "address" },
    { name: "salt", type: "bytes32" },
    { name: "expiry", type: "uint256" },
  ],
};

export interface DelegationApproval {
  staker: string;
  operator: string;
  approver: string;
  salt: string;
  expiry: bigint;
}

/** An EIP-712 domain (name, version, chain id, verifying contract). */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** The registry's EIP-712 domain, built from constants (not read from the contract). */
export async function registryDomain(registry: OperatorRegistry): Promise<Eip712Domain> {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "OperatorRegistry", version: "1", chainId, verifyingContract: await registry.getAddress() };
}

/** The digest of `approval` computed off-chain with ethers' EIP-712 encoder. */
export async function delegationDigest(
  registry: OperatorRegistry,
  approval: DelegationApproval,
): Promise<string> {
  return ethers.TypedDataEncoder.hash(await registryDomain(registry), DELEGATION_APPROVAL_TYPES, approval);
}

/** `signer` signs `approval` with eth_signTypedData_v4; returns the `ApproverSignature` argument of `delegateTo`.
 * `domain` replaces fields of the registry's domain (a signature made for another chain, contract or version). */
export async function signDelegationApproval(
  signer: HardhatEthersSigner,
  registry: OperatorRegistry,
  approval: DelegationApproval,
  domain: Partial<Eip712Domain> = {},
): Promise<IOperatorRegistryTypes.ApproverSignatureStruct> {
  const signature = await signer.signTypedData(
    { ...(await registryDomain(registry)), ...domain },
    DELEGATION_APPROVAL_TYPES,
    approval,
  );
  return { signature, expiry: approval.expiry };
}

/** The argument of `delegateTo` (and of the LRT's `createNode` / `redelegateNode`) for operators without an
 * approver (sdk/lrt.ts). */
export const NO_SIGNATURE: IOperatorRegistryTypes.ApproverSignatureStruct = NO_APPROVER_SIGNATURE;
export const ZERO_SALT = NO_APPROVER_SALT;

/** A salt derived from a label, so that tests read which salt they use. */
export function salt(label: string): string {
  return ethers.id(label);
}

/** What signing an EIP-2612 permit reads from a token (MockERC20, LiquidRestakingToken). */
export interface PermitToken {
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
  getAddress(): Promise<string>;
}

/** `owner` signs an EIP-2612 permit of `value` for `spender` on `token`; `domainOverride` replaces fields of the
 * token's domain (a permit made for another chain, token or version). */
export async function signPermit(
  owner: HardhatEthersSigner,
  token: PermitToken | MockERC20,
  spender: string,
  value: bigint,
  deadline: bigint,
  domainOverride: Partial<Eip712Domain> = {},
): Promise<Signature> {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = {
    name: await token.name(),
    version: "1",
    chainId,
    verifyingContract: await token.getAddress(),
    ...domainOverride,
  };
  const types = {
    Permit: [
      { name: "owner", type: "address" },
      { name: "spender", type: "address" },
      { name: "value", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const message = {
    owner: owner.address,
    spender,
    value,
    nonce: await token.nonces(owner.address),
    deadline,
  };
  return ethers.Signature.from(await owner.signTypedData(domain, types, message));
}
