/**
 * EIP-712 signing for the protocol's users: EIP-2612 permits (the vault's `depositWithPermit`, the LRT token) and the
 * operator registry's delegation approvals. Works with any ethers `Signer` that can sign typed data (a node's unlocked
 * account, a wallet, a Hardhat signer).
 */
import { Signature, type Signer, type TypedDataField } from "ethers";

/** An EIP-712 domain (name, version, chain id, verifying contract). */
export interface Eip712Domain {
  name: string;
  version: string;
  chainId: bigint;
  verifyingContract: string;
}

/** The EIP-2612 Permit type. */
export const PERMIT_TYPES: Record<string, TypedDataField[]> = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

/** The EIP-712 type an operator's delegation approver signs (OperatorRegistry.DELEGATION_APPROVAL_TYPEHASH). */
export const DELEGATION_APPROVAL_TYPES: Record<string, TypedDataField[]> = {
  DelegationApproval: [
    { name: "staker", type: "address" },
    { name: "operator", type: "address" },
    { name: "approver", type: "address" },
    { name: "salt", type: "bytes32" },
    { name: "expiry", type: "uint256" },
  ],
};

/** What signing an EIP-2612 permit reads from a token (MockERC20, LiquidRestakingToken). */
export interface PermitToken {
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
  getAddress(): Promise<string>;
}

/** The chain id of the signer's provider. */
async function chainIdOf(signer: Signer): Promise<bigint> {
  if (signer.provider === null) throw new Error("the signer has no provider to read the chain id from");
  return (await signer.provider.getNetwork()).chainId;
}

/**
 * `owner` signs an EIP-2612 permit of `value` for `spender` on `token`, at the token's current nonce for `owner`.
 * The domain is the token's name, version "1", the signer's chain and the token's address; `domainOverride` replaces
 * fields of it (a permit made for another chain, token or version).
 */
export async function signPermit(
  owner: Signer,
  token: PermitToken,
  spender: string,
  value: bigint,
  deadline: bigint,
  domainOverride: Partial<Eip712Domain> = {},
): Promise<Signature> {
  const ownerAddress = await owner.getAddress();
  const domain: Eip712Domain = {
    name: await token.name(),
    version: "1",
    chainId: await chainIdOf(owner),
    verifyingContract: await token.getAddress(),
    ...domainOverride,
  };
  return signPermitIn(owner, domain, spender, value, await token.nonces(ownerAddress), deadline);
}

/**
 * `owner` signs an EIP-2612 permit of `value` for `spender` at `nonce` in `domain` (e.g. the token's own ERC-5267
 * `eip712Domain()`, for a token whose version is not "1").
 */
export async function signPermitIn(
  owner: Signer,
  domain: Eip712Domain,
  spender: string,
  value: bigint,
  nonce: bigint,
  deadline: bigint,
): Promise<Signature> {
  const message = { owner: await owner.getAddress(), spender, value, nonce, deadline };
  return Signature.from(await owner.signTypedData(domain, PERMIT_TYPES, message));
}

/** An operator's approval of a staker's delegation (OperatorRegistry.delegationApprovalDigest). */
export interface DelegationApproval {
  staker: string;
  operator: string;
  approver: string;
  salt: string;
  expiry: bigint;
}

/** The registry's EIP-712 domain on the signer's chain ("OperatorRegistry", version "1"). */
export async function registryDomain(
  signer: Signer,
  registry: { getAddress(): Promise<string> },
): Promise<Eip712Domain> {
  return {
    name: "OperatorRegistry",
    version: "1",
    chainId: await chainIdOf(signer),
    verifyingContract: await registry.getAddress(),
  };
}

/**
 * `approver` signs `approval` (eth_signTypedData_v4); returns the `ApproverSignature` argument of `delegateTo` (and of
 * the LRT's `createNode` / `redelegateNode`). `domainOverride` replaces fields of the registry's domain.
 */
export async function signDelegationApproval(
  approver: Signer,
  registry: { getAddress(): Promise<string> },
  approval: DelegationApproval,
  domainOverride: Partial<Eip712Domain> = {},
): Promise<{ signature: string; expiry: bigint }> {
  const domain = { ...(await registryDomain(approver, registry)), ...domainOverride };
  const signature = await approver.signTypedData(domain, DELEGATION_APPROVAL_TYPES, approval);
  return { signature, expiry: approval.expiry };
}
