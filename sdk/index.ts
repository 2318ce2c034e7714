/**
 * The protocol's TypeScript library, shared by deploy scripts, tasks, the demo, the tests and integrators: amounts
 * parsed from text with their units (`amounts`), deployment (`deploy`; the liquid restaking token's in `lrt`), the
 * LRT's price layer (`oracle`), typed views computed the way the contracts compute them (`views`; console formatting
 * is in tasks/format.ts), protocol errors decoded (`errors`), event readers (`events`), EIP-712 signing
 * (`signatures`), and gas measurement (`gas`). Contract bindings are the typechain factories in `typechain-types/`.
 * Nothing here imports Hardhat: the package ships this module (sdk/upgrades.ts, which needs the Hardhat runtime, is
 * not exported from it).
 */
export * from "./amounts";
export * from "./deploy";
export * from "./deployments";
export * from "./env";
export * from "./errors";
export * from "./events";
export * from "./gas";
export * from "./lrt";
export * from "./views";
export * from "./oracle";
export * from "./signatures";
