/**
 * docs/integration.md, "A wallet or app": deposit into the vault, delegate, withdraw, and the LRT's deposit and
 * redemption with an EIP-2612 permit. The consumer test (test/package/consumer.test.ts) compiles this file against the
 * packed package and runs `delegateAndDeposit`, `readStake`, `queueFullWithdrawal` and `depositLRTWithPermit` on the
 * in-process chain.
 */
import { ZeroHash, type Signer } from "ethers";
import {
  IERC20Permit__factory,
  IERC20__factory,
  IERC5267__factory,
  ILRTAssetVault__factory,
  OperatorRegistry__factory,
  RestakingVault__factory,
  sdk,
} from "restaking-protocol";

// #region delegate-deposit
/** Delegates `signer` to `operator` (an operator without a delegation approver) and deposits `amount` of `asset`. */
export async function delegateAndDeposit(
  signer: Signer,
  vaultAddress: string,
  registryAddress: string,
  operator: string,
  asset: string,
  amount: bigint,
): Promise<bigint> {
  const vault = RestakingVault__factory.connect(vaultAddress, signer);
  const registry = OperatorRegistry__factory.connect(registryAddress, signer);
  const me = await signer.getAddress();
  if ((await vault.delegatedTo(me)) !== operator) {
    // No approver: an empty signature and salt. An operator with an approver needs its EIP-712 signature.
    await (await registry.delegateTo(operator, { signature: "0x", expiry: 0n }, ZeroHash)).wait();
  }
  // Quote first, and refuse fewer shares than quoted (a slash landing first would mint more, never fewer).
  const quoted = await vault.previewDeposit(operator, asset, amount);
  await (await IERC20__factory.connect(asset, signer).approve(vaultAddress, amount)).wait();
  await (await vault.deposit(asset, amount, quoted)).wait();
  return quoted;
}
// #endregion delegate-deposit

// #region read-stake
/** What `staker` holds in `asset` with its operator, in tokens, and the pool's rate. */
export async function readStake(
  signer: Signer,
  vaultAddress: string,
  staker: string,
  asset: string,
): Promise<{ operator: string; shares: bigint; assets: bigint; rate: bigint }> {
  const vault = RestakingVault__factory.connect(vaultAddress, signer);
  const operator = await vault.delegatedTo(staker);
  const position = await sdk.readPosition(vault, staker, asset);
  const pool = await sdk.readPool(vault, operator, asset);
  return { operator, shares: position.shares, assets: position.assets, rate: pool.rate };
}
// #endregion read-stake

// #region withdraw
/** Queues the withdrawal of every active share of `asset`; returns its id and when it can be completed. */
export async function queueFullWithdrawal(
  signer: Signer,
  vaultAddress: string,
  asset: string,
): Promise<{ id: bigint; readyAt: bigint }> {
  const vault = RestakingVault__factory.connect(vaultAddress, signer);
  const me = await signer.getAddress();
  const [, shares] = await vault.activeShares(me, asset);
  const id = await vault.queueWithdrawal.staticCall(asset, shares);
  await (await vault.queueWithdrawal(asset, shares)).wait();
  const [, readyAt] = await vault.withdrawableAmount(id);
  return { id, readyAt };
}

/** Completes withdrawal `id` once ready, in tokens, accepting at most `slippageBps` below its current value. */
export async function completeWithdrawal(
  signer: Signer,
  vaultAddress: string,
  id: bigint,
  slippageBps: bigint,
): Promise<void> {
  const vault = RestakingVault__factory.connect(vaultAddress, signer);
  const [assets] = await vault.withdrawableAmount(id);
  await (await vault.completeWithdrawal(id, true, (assets * (10_000n - slippageBps)) / 10_000n)).wait();
}
// #endregion withdraw

// #region lrt-permit
/** Deposits `assets` into the LRT through `entryPoint` (the asset's ERC-7575 vault) with a permit: one transaction. */
export async function depositLRTWithPermit(
  signer: Signer,
  entryPoint: string,
  assets: bigint,
  slippageBps: bigint,
): Promise<void> {
  const vault = ILRTAssetVault__factory.connect(entryPoint, signer);
  const assetAddress = await vault.asset();
  const asset = IERC20Permit__factory.connect(assetAddress, signer);
  const owner = await signer.getAddress();
  // The token's EIP-712 domain as it reports it (ERC-5267); a token without eip712Domain() needs its name and version.
  const [, name, version, chainId, verifyingContract] = await IERC5267__factory.connect(
    assetAddress,
    signer,
  ).eip712Domain();
  // Ten minutes from the chain's clock, not the computer's (a local chain may run ahead of it).
  const latest = await signer.provider?.getBlock("latest");
  if (latest == null) throw new Error("the signer has no provider to read the chain's time from");
  const deadline = BigInt(latest.timestamp + 600);
  const domain = { name, version, chainId, verifyingContract };
  const signature = await sdk.signPermitIn(
    signer,
    domain,
    entryPoint,
    assets,
    await asset.nonces(owner),
    deadline,
  );
  const minShares = ((await vault.previewDeposit(assets)) * (10_000n - slippageBps)) / 10_000n;
  await (
    await vault.depositWithPermit(assets, owner, minShares, deadline, signature.v, signature.r, signature.s)
  ).wait();
}

/** Redeeming is asynchronous (ERC-7540): request now, claim once the manager has processed the request. */
export async function requestLRTRedeem(signer: Signer, entryPoint: string, shares: bigint): Promise<bigint> {
  const vault = ILRTAssetVault__factory.connect(entryPoint, signer);
  const me = await signer.getAddress();
  const requestId = await vault.requestRedeem.staticCall(shares, me, me);
  await (await vault.requestRedeem(shares, me, me)).wait();
  return requestId;
}

export async function claimLRTRedeem(
  signer: Signer,
  entryPoint: string,
  requestId: bigint,
  minAssetsOut: bigint,
): Promise<void> {
  const vault = ILRTAssetVault__factory.connect(entryPoint, signer);
  const me = await signer.getAddress();
  if ((await vault.claimableRedeemRequest(requestId, me)) === 0n)
    throw new Error(`request ${requestId} is pending`);
  await (await vault.claim(requestId, me, minAssetsOut)).wait();
}
// #endregion lrt-permit
