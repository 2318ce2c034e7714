/**
 * The protocol's TypeScript library, shared by deploy scripts, tasks, the demo, the tests and integrators:
 * deployment (`deploy`), the LRT's price layer (`oracle`), typed views and formatters computed the way the contracts
 * compute them (`views`), and gas measurement (`gas`). Contract bindings are the typechain factories in
 * `typechain-types/`.
 */
export * from "./deploy";
export * from "./deployments";
export * from "./env";
export * from "./gas";
export * from "./views";
export * from "./oracle";
