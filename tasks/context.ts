/**
 * The protocol as a task sees it: the record's core contracts bound to the acting account, and the checks several
 * tasks make before sending (a listed asset, a registered operator). The typechain bindings are imported lazily.
 */
import type { ConfigurableTaskDefinition, HardhatRuntimeEnvironment } from "hardhat/types";
import type { Signer } from "ethers";

import type {
  OperatorRegistry,
  RestakingVault,
  RewardDistributor,
  SlashingManager,
} from "../typechain-types";
import type { DeploymentRecord } from "../sdk/deployments";
import { fail, loadRecord, resolveAddress, signerOf, tokenInfo, type TokenInfo } from "./shared";

/** The options every protocol task takes. */
export function common(t: ConfigurableTaskDefinition): ConfigurableTaskDefinition {
  return t
    .addOptionalParam(
      "account",
      "The account to act as: an index of the network's accounts or an address",
      "0",
    )
    .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "");
}

export interface Core {
  record: DeploymentRecord;
  signer: Signer;
  me: string;
  vault: RestakingVault;
  registry: OperatorRegistry;
  slashing: SlashingManager;
  rewards: RewardDistributor;
}

export async function core(
  hre: HardhatRuntimeEnvironment,
  args: { account: string; record: string },
): Promise<Core> {
  const record = loadRecord(hre, args.record);
  const signer = await signerOf(hre, args.account);
  const {
    RestakingVault__factory,
    OperatorRegistry__factory,
    RewardDistributor__factory,
    SlashingManager__factory,
  } = await import("../typechain-types");
  return {
    record,
    signer,
    me: await signer.getAddress(),
    vault: RestakingVault__factory.connect(resolveAddress(record, "vault"), signer),
    registry: OperatorRegistry__factory.connect(resolveAddress(record, "registry"), signer),
    slashing: SlashingManager__factory.connect(resolveAddress(record, "slashingManager"), signer),
    rewards: RewardDistributor__factory.connect(resolveAddress(record, "rewardDistributor"), signer),
  };
}

/** A listed asset named by symbol, record name or address; an unknown one is refused with the listed ones. */
export async function listedAsset(hre: HardhatRuntimeEnvironment, c: Core, text: string): Promise<TokenInfo> {
  const listed = await c.vault.assets();
  const infos = await Promise.all(listed.map((a) => tokenInfo(hre, a)));
  const bySymbol = infos.find((t) => t.symbol === text);
  if (bySymbol !== undefined) return bySymbol;
  const address = /^0x/.test(text) ? text : undefined;
  const found = infos.find((t) => t.address.toLowerCase() === (address ?? "").toLowerCase());
  if (found === undefined) {
    fail(
      `unknown asset "${text}": the vault lists ${infos.map((t) => `${t.symbol} (${t.address})`).join(", ")}`,
    );
  }
  return found;
}

export async function registeredOperator(c: Core, text: string): Promise<string> {
  const operator = resolveAddress(c.record, text);
  if (!(await c.registry.isOperator(operator))) fail(`${operator} is not a registered operator`);
  return operator;
}
