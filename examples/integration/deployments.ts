/**
 * docs/integration.md, "The package": a deployment's contracts by chain id. The consumer test compiles this file
 * against the packed package.
 */
import type { Provider, Signer } from "ethers";
import { OperatorRegistry__factory, RestakingVault__factory, deploymentOf, sdk } from "restaking-protocol";

// #region lookup
/** The vault and the registry of the deployment on `provider`'s chain, connected to `signer`. */
export async function connectDeployment(provider: Provider, signer: Signer) {
  const { chainId } = await provider.getNetwork();
  const record = deploymentOf(chainId); // throws, naming the chains the package has records of, when there is none
  // The record names the proxies "vault", "registry", "slashingManager", "rewardDistributor" (and "timelock").
  return {
    vault: RestakingVault__factory.connect(sdk.recordedAddress(record, "vault"), signer),
    registry: OperatorRegistry__factory.connect(sdk.recordedAddress(record, "registry"), signer),
  };
}
// #endregion lookup
