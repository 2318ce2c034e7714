/**
 * Timelock operations for admins, after the deploy has handed every admin role to the timelock:
 *
 *   npx hardhat timelock-schedule --network hoodi --contract vault --method addAsset \
 *     --args '["0x7E99eE3C66636DE415D2d7C880938F2f40f94De4", "10000 ether"]'
 *   npx hardhat timelock-status --network hoodi
 *   npx hardhat timelock-execute --network hoodi --id 0x...
 *
 * Arguments are JSON; an address argument may name a record entry ("vault", "wstETH" for a mock), and a number
 * argument may carry a unit ("10000 ether", "1000 gwei"); a bare number is a raw integer. `timelock-status` shows an
 * amount argument (cap, amount, minFunding, ...) in the units of the call's token and in base units.
 */
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, Interface, ZeroHash, id as keccakText, isHexString, type FunctionFragment } from "ethers";

import { parseAmount } from "../sdk/amounts";
import type { DeploymentRecord } from "../sdk/deployments";
import {
  contractOf,
  fail,
  interfaceAt,
  loadRecord,
  loadTaskModules,
  nameOf,
  orFail,
  resolveAddress,
  saveRecord,
  tokenInfo,
  type TokenInfo,
} from "./shared";
import { showAmount } from "./format";

/** OpenZeppelin TimelockController's operation states. */
const STATES = ["Unset", "Waiting", "Ready", "Done"] as const;

function toArg(record: DeploymentRecord, type: string, value: unknown): unknown {
  if (type === "address" && typeof value === "string") return resolveAddress(record, value);
  if (/^u?int\d*$/.test(type) && typeof value === "string")
    return orFail(() => parseAmount(value, { bareDecimals: 0 }));
  return value;
}

function encodeCall(record: DeploymentRecord, iface: Interface, method: string, argsJson: string): string {
  let args: unknown;
  try {
    args = JSON.parse(argsJson);
  } catch {
    fail(`--args is not JSON: ${argsJson} (e.g. '["vault", "10 ether"]')`);
  }
  if (!Array.isArray(args)) fail(`--args must be a JSON array, got ${argsJson}`);
  let fragment: FunctionFragment | null;
  try {
    fragment = iface.getFunction(method);
  } catch {
    fragment = null;
  }
  if (fragment === null) fail(`no function ${method} in the contract's ABI`);
  if (fragment.inputs.length !== args.length) {
    fail(`${fragment.format("full")} takes ${fragment.inputs.length} arguments, --args has ${args.length}`);
  }
  return iface.encodeFunctionData(
    fragment,
    fragment.inputs.map((input, i) => toArg(record, input.type, args[i])),
  );
}

async function timelockOf(hre: HardhatRuntimeEnvironment, record: DeploymentRecord): Promise<Contract> {
  await loadTaskModules();
  const [signer] = await hre.ethers.getSigners();
  if (signer === undefined) fail(`no account for ${hre.network.name}: set DEPLOYER_PRIVATE_KEY`);
  return contractOf(hre, record, "timelock", signer);
}

function saltOf(text: string): string {
  if (text === "") return ZeroHash;
  return isHexString(text, 32) ? text : keccakText(text);
}

async function explain(error: unknown): Promise<never> {
  const { explainError } = await import("../sdk/errors");
  fail(explainError(error));
}

interface ScheduledCall {
  id: string;
  target: string;
  value: bigint;
  data: string;
  predecessor: string;
  delay: bigint;
  salt: string;
  block: number;
}

/** Every call scheduled on the timelock since its deployment, from its CallScheduled and CallSalt events. */
async function scheduledCalls(timelock: Contract, record: DeploymentRecord): Promise<ScheduledCall[]> {
  const from = record.contracts.timelock?.block ?? 0;
  const scheduled = await timelock.queryFilter(timelock.filters.CallScheduled!(), from);
  const salts = await timelock.queryFilter(timelock.filters.CallSalt!(), from);
  const saltOfId = new Map<string, string>();
  for (const log of salts) {
    if ("args" in log) saltOfId.set(String(log.args[0]), String(log.args[1]));
  }
  const calls: ScheduledCall[] = [];
  for (const log of scheduled) {
    if (!("args" in log)) continue;
    const [opId, , target, value, data, predecessor, delay] = log.args as unknown as [
      string,
      bigint,
      string,
      bigint,
      string,
      string,
      bigint,
    ];
    calls.push({
      id: opId,
      target,
      value,
      data,
      predecessor,
      delay,
      salt: saltOfId.get(opId) ?? ZeroHash,
      block: log.blockNumber,
    });
  }
  return calls;
}

/** Parameter names of token amounts: shown in the units of the call's `token` (else `asset`) argument. */
const AMOUNT_PARAMS = new Set(["cap", "amount", "minFunding", "minAssets", "minAssetsOut", "assets"]);

/** The token an amount argument of `fragment` is counted in: its `token` argument, else its `asset` argument. */
async function amountToken(
  hre: HardhatRuntimeEnvironment,
  fragment: FunctionFragment,
  args: readonly unknown[],
): Promise<TokenInfo | undefined> {
  for (const name of ["token", "asset"]) {
    const i = fragment.inputs.findIndex((p) => p.name === name && p.type === "address");
    if (i < 0) continue;
    try {
      return await tokenInfo(hre, String(args[i]));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function describeCall(hre: HardhatRuntimeEnvironment, record: DeploymentRecord, call: ScheduledCall) {
  const iface = await interfaceAt(hre, record, call.target);
  const parsed = iface?.parseTransaction({ data: call.data, value: call.value });
  if (parsed === null || parsed === undefined) return `${nameOf(record, call.target)}.${call.data}`;
  const args = parsed.args.toArray() as unknown[];
  const token = parsed.fragment.inputs.some((p) => AMOUNT_PARAMS.has(p.name))
    ? await amountToken(hre, parsed.fragment, args)
    : undefined;
  const shown = args.map((value, i) => {
    const input = parsed.fragment.inputs[i]!;
    if (token !== undefined && typeof value === "bigint" && AMOUNT_PARAMS.has(input.name)) {
      return showAmount(value, token);
    }
    return String(value);
  });
  return `${nameOf(record, call.target)}.${parsed.name}(${shown.join(", ")})`;
}

/** After an executed `upgradeToAndCall` of a recorded proxy, the record names the new implementation. */
async function followUpgrade(record: DeploymentRecord, call: ScheduledCall, file: string): Promise<void> {
  const upgrade = new Interface(["function upgradeToAndCall(address,bytes)"]);
  if (!call.data.startsWith(upgrade.getFunction("upgradeToAndCall")!.selector)) return;
  const [implementation] = upgrade.decodeFunctionData("upgradeToAndCall", call.data) as unknown as [string];
  const name = Object.keys(record.contracts).find(
    (n) => record.contracts[n]!.address.toLowerCase() === call.target.toLowerCase(),
  );
  if (name === undefined) return;
  const pending = record.contracts[`pending:${name}`];
  const proxy = record.contracts[name]!;
  proxy.implementation = implementation;
  if (pending !== undefined && pending.address.toLowerCase() === implementation.toLowerCase()) {
    proxy.artifact = pending.artifact;
    delete record.contracts[`pending:${name}`];
  }
  await saveRecord(record, file);
  console.log(`  the record now names ${implementation} (${proxy.artifact}) behind ${name}`);
}

function when(timestamp: bigint, now: bigint): string {
  const iso = new Date(Number(timestamp) * 1000).toISOString();
  return timestamp > now ? `${iso} (in ${timestamp - now} s)` : `${iso} (passed)`;
}

task("timelock-schedule", "Schedules a call on the deployment's timelock (PROPOSER_ROLE)")
  .addParam(
    "contract",
    "The target: a record name (vault, registry, slashingManager, rewardDistributor, ...) or address",
  )
  .addParam("method", "The function to call: a name (addAsset) or a signature (addAsset(address,uint256))")
  .addOptionalParam("args", 'The arguments as a JSON array; numbers may carry units ("10 ether")', "[]")
  .addOptionalParam("salt", "A salt (bytes32 or any text) to schedule the same call again", "")
  .addOptionalParam(
    "delay",
    "Seconds before execution (default and minimum: the timelock's delay)",
    undefined,
    types.int,
  )
  .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "")
  .setAction(
    async (
      a: { contract: string; method: string; args: string; salt: string; delay?: number; record: string },
      hre,
    ) => {
      const record = loadRecord(hre, a.record);
      const timelock = await timelockOf(hre, record);
      const target = resolveAddress(record, a.contract);
      const iface = await interfaceAt(hre, record, target);
      if (iface === undefined) fail(`the ${record.network} record has no ABI for ${a.contract}`);
      const data = encodeCall(record, iface, a.method, a.args);
      const minDelay = (await timelock.getMinDelay!()) as bigint;
      const delay = a.delay === undefined ? minDelay : BigInt(a.delay);
      if (delay < minDelay) fail(`--delay ${delay} is below the timelock's minimum delay of ${minDelay} s`);
      const salt = saltOf(a.salt);
      const opId = (await timelock.hashOperation!(target, 0n, data, ZeroHash, salt)) as string;
      const state = Number(await timelock.getOperationState!(opId));
      if (state !== 0) {
        fail(
          `this call is already scheduled (operation ${opId}, ${STATES[state]}): ` +
            `execute it with timelock-execute --id ${opId}, or schedule it again with another --salt`,
        );
      }
      try {
        const tx = await timelock.schedule!(target, 0n, data, ZeroHash, salt, delay);
        await tx.wait();
      } catch (error) {
        await explain(error);
      }
      const readyAt = (await timelock.getTimestamp!(opId)) as bigint;
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      console.log(
        `Scheduled ${await describeCall(hre, record, { id: opId, target, value: 0n, data, predecessor: ZeroHash, delay, salt, block: 0 })}`,
      );
      console.log(`  operation ${opId}`);
      console.log(`  ready at ${when(readyAt, now)}`);
      console.log(`  then: npx hardhat timelock-execute --network ${hre.network.name} --id ${opId}`);
      return opId;
    },
  );

task("timelock-execute", "Executes a ready call of the deployment's timelock (EXECUTOR_ROLE)")
  .addParam("id", "The operation id timelock-schedule printed")
  .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "")
  .setAction(async (a: { id: string; record: string }, hre) => {
    const record = loadRecord(hre, a.record);
    const timelock = await timelockOf(hre, record);
    const call = (await scheduledCalls(timelock, record)).find(
      (c) => c.id.toLowerCase() === a.id.toLowerCase(),
    );
    if (call === undefined) fail(`no operation ${a.id} was scheduled on the ${record.network} timelock`);
    const state = Number(await timelock.getOperationState!(call.id));
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    if (state === 1) {
      fail(
        `operation ${call.id} is not ready: ready at ${when((await timelock.getTimestamp!(call.id)) as bigint, now)}`,
      );
    }
    if (state === 3) fail(`operation ${call.id} was executed already`);
    if (state === 0) fail(`operation ${call.id} was cancelled`);
    try {
      const tx = await timelock.execute!(call.target, call.value, call.data, call.predecessor, call.salt);
      const receipt = await tx.wait();
      console.log(`Executed ${await describeCall(hre, record, call)} in block ${receipt.blockNumber}`);
      await followUpgrade(record, call, a.record);
    } catch (error) {
      await explain(error);
    }
  });

task("timelock-status", "Lists the calls scheduled on the deployment's timelock and their state")
  .addOptionalParam("id", "Only this operation", "")
  .addOptionalParam("record", "A deployment record file (default: deployments/<network>.json)", "")
  .setAction(async (a: { id: string; record: string }, hre) => {
    const record = loadRecord(hre, a.record);
    const timelock = await timelockOf(hre, record);
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const calls = (await scheduledCalls(timelock, record)).filter(
      (c) => a.id === "" || c.id.toLowerCase() === a.id.toLowerCase(),
    );
    console.log(`Timelock ${await timelock.getAddress()} (minimum delay ${await timelock.getMinDelay!()} s)`);
    if (calls.length === 0) console.log("  no operation scheduled");
    const rows: Array<{ id: string; state: string; call: string }> = [];
    for (const call of calls) {
      const state = STATES[Number(await timelock.getOperationState!(call.id))] ?? "Unknown";
      const readyAt = (await timelock.getTimestamp!(call.id)) as bigint;
      const shown =
        state === "Unset" ? "Cancelled" : state === "Waiting" ? `Waiting until ${when(readyAt, now)}` : state;
      const description = await describeCall(hre, record, call);
      console.log(`  ${call.id}  ${shown}\n    ${description}`);
      rows.push({ id: call.id, state: state === "Unset" ? "Cancelled" : state, call: description });
    }
    return rows;
  });
