/**
 * The root entry of the `restaking-protocol` package (see docs/integration.md):
 *
 * - the typechain bindings (ethers v6): a `<Contract>__factory` and a `<Contract>` type per contract, interface and
 *   test double of `contracts/` (the mocks' factories let integrators deploy a local protocol in their own tests);
 * - `deployments`: the deployment record of each public network the package was packed with, keyed by chain id;
 * - `sdk`: the hardhat-free part of `sdk/` (deploy, the LRT's deploy, deployment records, environment checks, amounts,
 *   gas, views, oracle, errors, events, signatures).
 *
 * ethers is a peer dependency: every type here refers to the consumer's own ethers.
 */
export * from "../typechain-types";
export * as sdk from "../sdk";
export { deployments, deploymentOf, type PackagedDeployments } from "./deployments";
