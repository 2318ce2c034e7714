/**
 * AVSs, allocations, slashing and rewards on the command line:
 *
 *   npx hardhat register-avs --slasher 0x... --veto-committee 0x... --veto-window 86400 --max-slash 50% \
 *     --assets wstETH,rETH [--recipient 0x...] [--metadata ipfs://...]
 *   npx hardhat register-operator-to-avs --avs 0x...
 *   npx hardhat allocate --avs 0x... --asset wstETH --magnitude 25%
 *   npx hardhat request-slash --avs 0x... --operator 0x... --fraction 10% [--evidence "text"]
 *   npx hardhat veto-slash --id 1 | execute-slash --id 1 | release-slashed --id 1 [--asset wstETH]
 *   npx hardhat fund-rewards --operator 0x... --asset wstETH --token wstETH --amount "1 wstETH" --duration 7d
 *   npx hardhat claim-rewards [--commission] [--recipient 0x...]
 */
import { task } from "hardhat/config";
import { ZeroAddress, ZeroHash, id as keccakText, isHexString } from "ethers";

import { common, core, listedAsset, registeredOperator, type Core } from "./context";
import { erc20, fail, orFail, progress, resolveAddress, send, tokenInfo } from "./shared";
import { formatDuration, formatWadPercent, showAmount } from "./format";
import { parseAmount, parseTokenAmount } from "../sdk/amounts";
import { SLASH_STATUS, WAD, type SlashStatusName } from "../sdk/views";

/** A fraction as a WAD: "25%" or "0.25". */
function parseFraction(text: string, what: string): bigint {
  const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
  const value =
    percent !== null
      ? orFail(() => parseAmount(percent[1]!, { bareDecimals: 16 }))
      : /^\s*\d+(\.\d+)?\s*$/.test(text)
        ? orFail(() => parseAmount(text, { bareDecimals: 18 }))
        : -1n;
  if (value < 0n || value > WAD)
    fail(`${what} "${text}" is not a fraction between 0 and 100% (write "25%" or "0.25")`);
  return value;
}

/** "86400", "36h", "7d" as seconds. */
function parseDuration(text: string, what: string): bigint {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(text);
  if (match === null) fail(`${what} "${text}" is not a duration (write 86400, 36h or 7d)`);
  const unit = { "": 1n, s: 1n, m: 60n, h: 3600n, d: 86400n }[match[2] as "" | "s" | "m" | "h" | "d"];
  return BigInt(match[1]!) * unit;
}

async function registeredAVS(c: Core, text: string): Promise<string> {
  const avs = resolveAddress(c.record, text);
  const config = await c.slashing.avsConfig(avs);
  if (config.id === 0n) fail(`${avs} is not a registered AVS`);
  return avs;
}

async function knownRequest(
  c: Core,
  text: string,
): Promise<{ id: bigint; avs: string; executableAt: bigint }> {
  if (!/^\d+$/.test(text)) fail(`"${text}" is not a slash request id (a whole number)`);
  const id = BigInt(text);
  const count = await c.slashing.slashRequestCount();
  if (id === 0n || id > count) fail(`no slash request ${id}: requests are numbered 1 to ${count}`);
  const [request, avs] = await c.slashing.slashRequest(id);
  return { id, avs, executableAt: request.executableAt };
}

async function requestStatus(c: Core, id: bigint): Promise<SlashStatusName> {
  const [request] = await c.slashing.slashRequest(id);
  return SLASH_STATUS[Number(request.status)] ?? "None";
}

common(task("register-avs", "Registers the account as an AVS"))
  .addParam("slasher", "The account that may request slashes")
  .addParam("maxSlash", 'The largest fraction one request may take ("50%")')
  .addParam("assets", "The vault assets it accepts, comma-separated symbols or addresses")
  .addOptionalParam("vetoCommittee", "The veto committee (default: none)", ZeroAddress)
  .addOptionalParam("vetoWindow", "The veto window (seconds, or 36h, 1d; 0 without a committee)", "0")
  .addOptionalParam("recipient", "Where slashed funds go (default: burned)", ZeroAddress)
  .addOptionalParam("registrar", "A registrar contract called on operator registration", ZeroAddress)
  .addOptionalParam("metadata", "The metadata URI", "")
  .setAction(async (a: Record<string, string>, hre) => {
    const c = await core(hre, { account: a.account!, record: a.record! });
    if ((await c.slashing.avsConfig(c.me)).id !== 0n) fail(`${c.me} is a registered AVS already`);
    const assets = [];
    for (const symbol of a.assets!.split(",").map((s) => s.trim()))
      assets.push((await listedAsset(hre, c, symbol)).address);
    const params = {
      slasher: resolveAddress(c.record, a.slasher!),
      vetoCommittee:
        a.vetoCommittee === ZeroAddress ? ZeroAddress : resolveAddress(c.record, a.vetoCommittee!),
      vetoWindow: parseDuration(a.vetoWindow!, "--veto-window"),
      maxSlashWad: parseFraction(a.maxSlash!, "--max-slash"),
      recipient: a.recipient === ZeroAddress ? ZeroAddress : resolveAddress(c.record, a.recipient!),
      registrar: a.registrar === ZeroAddress ? ZeroAddress : resolveAddress(c.record, a.registrar!),
      assets,
    };
    return send(`register ${c.me} as an AVS (max ${formatWadPercent(params.maxSlashWad)} per request)`, () =>
      c.slashing.registerAVS(a.metadata!, params),
    );
  });

common(task("register-operator-to-avs", "Registers the account's operator for an AVS"))
  .addParam("avs", "The AVS")
  .addOptionalParam("data", "Data for the AVS's registrar (hex)", "0x")
  .setAction(async (a: { account: string; record: string; avs: string; data: string }, hre) => {
    const c = await core(hre, a);
    if (!(await c.registry.isOperator(c.me))) fail(`${c.me} is not a registered operator`);
    const avs = await registeredAVS(c, a.avs);
    if (await c.slashing.isRegistered(avs, c.me)) fail(`${c.me} is registered for ${avs} already`);
    if (!isHexString(a.data)) fail(`--data "${a.data}" is not hex`);
    return send(`register operator ${c.me} for AVS ${avs}`, () =>
      c.slashing.registerOperatorToAVS(avs, a.data),
    );
  });

common(task("allocate", "Sets the account's operator's allocation of an asset to an AVS"))
  .addParam("avs", "The AVS")
  .addParam("asset", "The asset: its symbol or address")
  .addParam("magnitude", 'The new allocation, a fraction of the operator\'s stake ("25%", "0" to deallocate)')
  .setAction(
    async (a: { account: string; record: string; avs: string; asset: string; magnitude: string }, hre) => {
      const c = await core(hre, a);
      if (!(await c.registry.isOperator(c.me))) fail(`${c.me} is not a registered operator`);
      const avs = await registeredAVS(c, a.avs);
      const token = await listedAsset(hre, c, a.asset);
      const magnitude = parseFraction(a.magnitude, "--magnitude");
      const sent = await send(`allocate ${formatWadPercent(magnitude)} of ${token.symbol} to ${avs}`, () =>
        c.slashing.modifyAllocation(avs, token.address, magnitude),
      );
      const allocation = await c.slashing.allocation(c.me, avs, token.address);
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      if (allocation.effectAt > now && allocation.pendingDelta !== 0n) {
        const pending = allocation.pendingIncrease
          ? allocation.current + allocation.pendingDelta
          : allocation.current - allocation.pendingDelta;
        console.log(
          `Pending: ${formatWadPercent(pending)} in force in ${formatDuration(allocation.effectAt - now)}`,
        );
      }
      return sent;
    },
  );

common(task("request-slash", "Requests a slash of an operator's allocations to an AVS (the AVS's slasher)"))
  .addParam("avs", "The AVS")
  .addParam("operator", "The operator")
  .addParam("fraction", 'The fraction of each allocation to take ("10%")')
  .addOptionalParam("evidence", "The evidence: a bytes32 hash, or text that is hashed", "")
  .setAction(async (a: Record<string, string>, hre) => {
    const c = await core(hre, { account: a.account!, record: a.record! });
    const avs = await registeredAVS(c, a.avs!);
    const config = await c.slashing.avsConfig(avs);
    if (config.slasher !== c.me) fail(`${c.me} is not ${avs}'s slasher (${config.slasher})`);
    const operator = await registeredOperator(c, a.operator!);
    const fraction = parseFraction(a.fraction!, "--fraction");
    if (fraction > config.maxSlashWad) {
      fail(
        `--fraction ${formatWadPercent(fraction)} is above ${avs}'s maximum of ${formatWadPercent(config.maxSlashWad)} per request`,
      );
    }
    const evidence =
      a.evidence === "" ? ZeroHash : isHexString(a.evidence, 32) ? a.evidence! : keccakText(a.evidence!);
    const id = (await c.slashing.slashRequestCount()) + 1n;
    const sent = await send(`request a ${formatWadPercent(fraction)} slash of ${operator}`, () =>
      c.slashing.requestSlash(avs, operator, fraction, evidence),
    );
    const [request] = await c.slashing.slashRequest(id);
    console.log(
      `Request ${id}: executable from ${new Date(Number(request.executableAt) * 1000).toISOString()}`,
    );
    for (let i = 0n; i < request.assetCount; i++) {
      const [asset, slashed] = await c.slashing.slashedAsset(id, i);
      const token = await tokenInfo(hre, asset);
      console.log(`  reserves ${showAmount(slashed.amount, token)}`);
    }
    return { ...sent, id };
  });

common(task("veto-slash", "Vetoes a pending slash request (its veto committee)"))
  .addParam("id", "The request id")
  .setAction(async (a: { account: string; record: string; id: string }, hre) => {
    const c = await core(hre, a);
    const r = await knownRequest(c, a.id);
    const status = await requestStatus(c, r.id);
    if (status !== "Pending") fail(`slash request ${r.id} is ${status}, not Pending`);
    return send(`veto slash request ${r.id}`, () => c.slashing.vetoSlash(r.id));
  });

common(task("execute-slash", "Executes a slash request after its veto window (anyone)"))
  .addParam("id", "The request id")
  .setAction(async (a: { account: string; record: string; id: string }, hre) => {
    const c = await core(hre, a);
    const r = await knownRequest(c, a.id);
    const status = await requestStatus(c, r.id);
    if (status !== "Pending") fail(`slash request ${r.id} is ${status}, not Pending`);
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    if (r.executableAt > now) {
      fail(
        `slash request ${r.id} is in its veto window: executable from ` +
          `${new Date(Number(r.executableAt) * 1000).toISOString()} (in ${r.executableAt - now} s)`,
      );
    }
    return send(`execute slash request ${r.id}`, () => c.slashing.executeSlash(r.id));
  });

common(task("release-slashed", "Sends an executed request's escrow to its recipient, or burns it (anyone)"))
  .addParam("id", "The request id")
  .addOptionalParam("asset", "Only this asset (default: every asset not released yet)", "")
  .setAction(async (a: { account: string; record: string; id: string; asset: string }, hre) => {
    const c = await core(hre, a);
    const r = await knownRequest(c, a.id);
    const status = await requestStatus(c, r.id);
    if (status !== "Executed")
      fail(`slash request ${r.id} is ${status}: only an executed request's escrow is released`);
    const [request] = await c.slashing.slashRequest(r.id);
    const only = a.asset === "" ? undefined : (await listedAsset(hre, c, a.asset)).address;
    const due: Array<{ asset: string; amount: bigint }> = [];
    for (let i = 0n; i < request.assetCount; i++) {
      const [asset, slashed] = await c.slashing.slashedAsset(r.id, i);
      if (!slashed.released && (only === undefined || asset === only))
        due.push({ asset, amount: slashed.amount });
    }
    const step = progress(due.length);
    for (const { asset, amount } of due) {
      const token = await tokenInfo(hre, asset);
      await send(step(`release ${showAmount(amount, token)}`), () =>
        c.slashing.releaseSlashedFunds(r.id, asset),
      );
    }
    const released = due.length;
    if (released === 0)
      fail(`slash request ${r.id} has nothing left to release${only !== undefined ? " in that asset" : ""}`);
    return { released };
  });

common(task("fund-rewards", "Funds a pool's reward stream"))
  .addParam("operator", "The pool's operator")
  .addParam("asset", "The pool's asset")
  .addParam("token", "The reward token: a symbol the record holds, or an address")
  .addParam("amount", 'The amount ("1", "1 wstETH")')
  .addParam("duration", "The streaming duration (seconds, 36h, 7d)")
  .setAction(async (a: Record<string, string>, hre) => {
    const c = await core(hre, { account: a.account!, record: a.record! });
    const operator = await registeredOperator(c, a.operator!);
    const asset = await listedAsset(hre, c, a.asset!);
    const tokens = await c.rewards.rewardTokens();
    const infos = await Promise.all(tokens.map((t) => tokenInfo(hre, t)));
    const token =
      infos.find((t) => t.symbol === a.token) ??
      infos.find((t) => t.address.toLowerCase() === a.token!.toLowerCase());
    if (token === undefined)
      fail(
        `"${a.token}" is not a reward token: the distributor lists ${infos.map((t) => t.symbol).join(", ")}`,
      );
    const amount = orFail(() => parseTokenAmount(a.amount!, token));
    const duration = parseDuration(a.duration!, "--duration");
    const balance = (await erc20(hre, token.address).balanceOf!(c.me)) as bigint;
    if (balance < amount)
      fail(
        `insufficient balance: ${c.me} holds ${showAmount(balance, token)}, the funding needs ${showAmount(amount, token)}`,
      );
    const distributor = await c.rewards.getAddress();
    const needsApproval =
      ((await erc20(hre, token.address).allowance!(c.me, distributor)) as bigint) < amount;
    const step = progress(needsApproval ? 2 : 1);
    if (needsApproval) {
      const { MockERC20__factory } = await import("../typechain-types");
      await send(step(`approve ${showAmount(amount, token)} to the distributor`), () =>
        MockERC20__factory.connect(token.address, c.signer).approve(distributor, amount),
      );
    }
    return send(
      step(`fund ${showAmount(amount, token)} over ${duration} s to ${operator} / ${asset.symbol}`),
      () => c.rewards.fundRewards(operator, asset.address, token.address, amount, duration),
    );
  });

common(
  task("claim-rewards", "Claims the account's rewards (or its operator's commission) in every reward token"),
)
  .addFlag("commission", "Claim the operator's commission instead of staking rewards")
  .addOptionalParam("recipient", "Where to send them (default: the account)", "")
  .setAction(async (a: { account: string; record: string; commission: boolean; recipient: string }, hre) => {
    const c = await core(hre, a);
    const recipient = a.recipient === "" ? c.me : resolveAddress(c.record, a.recipient);
    const tokens = await c.rewards.rewardTokens();
    const due: string[] = [];
    for (const t of tokens) {
      const amount = a.commission
        ? await c.rewards.pendingCommission(c.me, t)
        : await c.rewards.pendingRewards(c.me, t);
      if (amount !== 0n) {
        due.push(t);
        console.log(`  ${showAmount(amount, await tokenInfo(hre, t))}`);
      }
    }
    if (due.length === 0) fail(`${c.me} has no ${a.commission ? "commission" : "rewards"} to claim`);
    return send(`claim ${a.commission ? "commission" : "rewards"} to ${recipient}`, () =>
      a.commission ? c.rewards.claimCommission(due, recipient) : c.rewards.claim(due, recipient),
    );
  });
