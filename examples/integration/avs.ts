/**
 * docs/integration.md, "An AVS team": register the AVS, have operators register and allocate, and request, veto and
 * execute a slash. The consumer test compiles this file against the packed package and runs `registerAVS` and
 * `optInAndAllocate`.
 */
import { id, type Signer } from "ethers";
import { SlashingManager__factory, sdk } from "restaking-protocol";

// #region register
/** ISlashingManager.AVSParams: who slashes, who may veto and for how long, the most one request takes, and so on. */
export interface AVSParams {
  /** May request slashes. */
  slasher: string;
  /** May veto a request during its veto window (address(0): no committee). */
  vetoCommittee: string;
  /** Seconds between a request and its earliest execution. */
  vetoWindow: bigint;
  /** The largest fraction (WAD) one request may take. */
  maxSlashWad: bigint;
  /** Receives released slashed funds (address(0): burned). */
  recipient: string;
  /** Called when an operator registers (address(0): none). */
  registrar: string;
  /** The vault assets the AVS accepts as security. */
  assets: string[];
}

/** Registers the calling account as an AVS that accepts `assets`; its slasher, veto committee and bounds in `params`. */
export async function registerAVS(
  avs: Signer,
  slashingManagerAddress: string,
  metadataURI: string,
  params: AVSParams,
): Promise<void> {
  const manager = SlashingManager__factory.connect(slashingManagerAddress, avs);
  await (await manager.registerAVS(metadataURI, params)).wait();
}
// #endregion register

// #region operator
/** An operator opts in to `avs` and allocates `magnitudeWad` (a WAD fraction of its stake) of `asset` to it. */
export async function optInAndAllocate(
  operator: Signer,
  slashingManagerAddress: string,
  avs: string,
  asset: string,
  magnitudeWad: bigint,
): Promise<void> {
  const manager = SlashingManager__factory.connect(slashingManagerAddress, operator);
  await (await manager.registerOperatorToAVS(avs, "0x")).wait(); // data for the AVS's registrar, if it has one
  // An increase becomes slashable after the manager's allocation delay (a decrease stays slashable for a while).
  await (await manager.modifyAllocation(avs, asset, magnitudeWad)).wait();
}
// #endregion operator

// #region slash
/** The slasher requests a slash of `wadFraction` of `operator`'s allocations to `avs`, with the evidence's hash. */
export async function requestSlash(
  slasher: Signer,
  slashingManagerAddress: string,
  avs: string,
  operator: string,
  wadFraction: bigint,
  evidence: string,
): Promise<bigint> {
  const manager = SlashingManager__factory.connect(slashingManagerAddress, slasher);
  const args = [avs, operator, wadFraction, id(evidence)] as const;
  const requestId = await manager.requestSlash.staticCall(...args);
  await (await manager.requestSlash(...args)).wait();
  return requestId;
}

/** The veto committee vetoes request `requestId` within its veto window. */
export async function vetoSlash(
  committee: Signer,
  slashingManagerAddress: string,
  requestId: bigint,
): Promise<void> {
  await (
    await SlashingManager__factory.connect(slashingManagerAddress, committee).vetoSlash(requestId)
  ).wait();
}

/** Anyone executes request `requestId` after its veto window, then releases each slashed asset to the recipient. */
export async function executeSlash(
  anyone: Signer,
  slashingManagerAddress: string,
  requestId: bigint,
): Promise<void> {
  const manager = SlashingManager__factory.connect(slashingManagerAddress, anyone);
  const request = await sdk.readSlashRequest(manager, requestId);
  if (request === undefined) throw new Error(`no slash request ${requestId}`);
  await (await manager.executeSlash(requestId)).wait();
  for (const { asset } of request.assets) await (await manager.releaseSlashedFunds(requestId, asset)).wait();
}
// #endregion slash
