/**
 * Upgrade safety with OpenZeppelin's upgrades plugin (`@openzeppelin/hardhat-upgrades`): every compile records each
 * contract's storage layout, ERC-7201 namespaces included, and its unsafe patterns in cache/validations.json; these
 * wrappers check an implementation, or an upgrade from one implementation to another, against that record.
 *
 * Deploy and upgrade scripts call `validateImplementation` before deploying an implementation and `validateUpgrade`
 * before scheduling `upgradeToAndCall` (or a beacon's `upgradeTo`) on the timelock; a failure throws the plugin's
 * error, which names the contract and the offending item (e.g. "Inserted `x`", "Deleted namespace `erc7201:...`").
 *
 * Allowances (docs/design-decisions.md, "Upgrades are validated by OpenZeppelin's plugin"). None is a global flag:
 * each is a `@custom:oz-upgrades-unsafe-allow` NatSpec tag on the precise item, so the validator still flags the
 * same pattern anywhere else.
 * - `constructor`: ProtocolUpgradeable's and LRTNode's constructors only call `_disableInitializers()`, so no one
 *   can initialize an implementation; RewardDistributor's also sets its two immutables (below).
 * - `state-variable-immutable`: RewardDistributor's `_vault` and `_registry`, set by the constructor into the code
 *   (the vault's accrual hook saves a storage read). They are not proxy state: a new implementation must be
 *   constructed with the proxy's vault and registry again (the validator cannot check the values).
 * - `external-library-linking` on LRTManager: its code lives in the linked libraries LRTOperations, LRTRisk and
 *   LRTValuation (EIP-170). The tag only silences "linking is not supported": the plugin still follows the calls
 *   into the libraries and rejects a delegatecall or selfdestruct there (test: LinksDelegatingLibrary). The
 *   libraries hold no state (everything is in LRTManager's namespace); an upgrade links libraries deployed from the
 *   same compilation as the implementation it validates (sdk/lrt.ts deploys them through the typechain factories,
 *   which `npx hardhat compile` regenerates from that compilation's artifacts).
 * Not an allowance but needed for the check to mean something: the validator reads only namespaces declared in a
 * contract or its bases, and LRTManager's struct (LRTStorage.Layout) lives in a library, so LRTManager declares its
 * namespace around it (LRTManager.ManagerStorage); `validatedNamespaces` shows what the validator sees.
 */
import type { ContractFactory } from "ethers";
import { promises as fs } from "fs";
import path from "path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
// Types only (hre.upgrades): hardhat.config.ts loads the plugin.
import type {} from "@openzeppelin/hardhat-upgrades";

/** The plugin's validation options, with `constructorArgs`: the plugin encodes them to find the contract's
 * record (utils/deploy-impl.js, getDeployData) although its validation option types omit them. */
type ValidationOptionsWithArgs = NonNullable<
  Parameters<HardhatRuntimeEnvironment["upgrades"]["validateUpgrade"]>[2]
> & {
  constructorArgs: string[];
};

/** How a contract is upgraded: UUPS behind a ProtocolProxy, or every LRT node at once through the LRTNodeBeacon. */
export type UpgradeKind = "uups" | "beacon";

/**
 * Every upgradeable contract of the protocol and how it is upgraded. LRTAssetVault and LRTPriceFeed are not
 * upgradeable (immutable facades deployed per asset / per source).
 */
export const UPGRADEABLE_CONTRACTS: Readonly<Record<string, UpgradeKind>> = {
  RestakingVault: "uups",
  OperatorRegistry: "uups",
  SlashingManager: "uups",
  RewardDistributor: "uups",
  LRTManager: "uups",
  LiquidRestakingToken: "uups",
  LRTOracle: "uups",
  LRTNode: "beacon",
};

/** Validation passes no address to a library or a constructor: nothing is deployed, the plugin reads the code. */
const PLACEHOLDER_ADDRESS = "0x000000000000000000000000000000000000dEaD";

/** One contract's record in cache/validations.json (the part these checks read). */
interface ContractRecord {
  src: string;
  errors: { kind: string; name?: string; src: string }[];
  layout: { namespaces?: Record<string, unknown> };
}

interface ValidationsFile {
  log: Record<string, ContractRecord>[];
}

function kindOf(name: string, kind?: UpgradeKind): UpgradeKind {
  const resolved = kind ?? UPGRADEABLE_CONTRACTS[name];
  if (resolved === undefined) {
    throw new Error(`${name} is not an upgradeable contract of the protocol: pass its upgrade kind`);
  }
  return resolved;
}

/** A factory of `name` with its libraries linked to a placeholder (the plugin unlinks them to find the record). */
async function factoryOf(hre: HardhatRuntimeEnvironment, name: string): Promise<ContractFactory> {
  const artifact = await hre.artifacts.readArtifact(name);
  const libraries: Record<string, string> = {};
  for (const [source, byName] of Object.entries(artifact.linkReferences)) {
    for (const library of Object.keys(byName)) libraries[`${source}:${library}`] = PLACEHOLDER_ADDRESS;
  }
  return hre.ethers.getContractFactory(name, { libraries });
}

/** Placeholder constructor arguments (RewardDistributor's vault and registry): validation does not deploy. */
async function constructorArgsOf(hre: HardhatRuntimeEnvironment, name: string): Promise<string[]> {
  const { abi } = await hre.artifacts.readArtifact(name);
  const constructor = (abi as { type: string; inputs?: { type: string; name: string }[] }[]).find(
    (item) => item.type === "constructor",
  );
  return (constructor?.inputs ?? []).map((input) => {
    if (input.type !== "address") {
      throw new Error(
        `${name}'s constructor takes ${input.type} ${input.name}: only addresses are supported`,
      );
    }
    return PLACEHOLDER_ADDRESS;
  });
}

/** The latest record of `fullyQualifiedName` ("contracts/lrt/LRTRisk.sol:LRTRisk") in cache/validations.json. */
async function recordOf(hre: HardhatRuntimeEnvironment, fullyQualifiedName: string): Promise<ContractRecord> {
  const file = path.join(hre.config.paths.cache, "validations.json");
  const data = JSON.parse(await fs.readFile(file, "utf8")) as ValidationsFile;
  // The plugin puts each compilation's run first: the first record found is the latest.
  for (const run of data.log) {
    const record = run[fullyQualifiedName];
    if (record !== undefined) return record;
  }
  throw new Error(`${fullyQualifiedName} has no validation record in ${file}: run \`npx hardhat compile\``);
}

/**
 * Validates `name`'s implementation for its upgrade kind (UUPS or beacon): no unsafe pattern outside the
 * allowances above, initializers in order, `upgradeToAndCall` present for UUPS. Throws the plugin's error.
 */
export async function validateImplementation(
  hre: HardhatRuntimeEnvironment,
  name: string,
  kind?: UpgradeKind,
): Promise<void> {
  const options: ValidationOptionsWithArgs = {
    kind: kindOf(name, kind),
    constructorArgs: await constructorArgsOf(hre, name),
  };
  await hre.upgrades.validateImplementation(await factoryOf(hre, name), options);
}

/**
 * Validates an upgrade from `fromName` to `toName` (two contracts of this compilation, e.g. the deployed version
 * kept under another name): both implementations are valid and the new storage layout, every ERC-7201 namespace
 * included, keeps the old one (fields only appended, none inserted, retyped, renamed or removed, no namespace
 * dropped). Throws the plugin's error, which lists what is incompatible.
 */
export async function validateUpgrade(
  hre: HardhatRuntimeEnvironment,
  fromName: string,
  toName: string,
  kind?: UpgradeKind,
): Promise<void> {
  const constructorArgs = await constructorArgsOf(hre, toName);
  if ((await constructorArgsOf(hre, fromName)).length !== constructorArgs.length) {
    // The plugin encodes one set of arguments for both contracts.
    throw new Error(
      `${fromName} and ${toName} take different constructor arguments: validate them one by one`,
    );
  }
  const options: ValidationOptionsWithArgs = { kind: kindOf(fromName, kind), constructorArgs };
  await hre.upgrades.validateUpgrade(await factoryOf(hre, fromName), await factoryOf(hre, toName), options);
}

/**
 * The ERC-7201 namespace ids (`erc7201:<id>`) the validator sees in `fullyQualifiedName`'s storage layout: a
 * namespace missing here is not checked by `validateUpgrade`.
 */
export async function validatedNamespaces(
  hre: HardhatRuntimeEnvironment,
  fullyQualifiedName: string,
): Promise<string[]> {
  return Object.keys((await recordOf(hre, fullyQualifiedName)).layout.namespaces ?? {});
}
