/**
 * The liquid restaking token on the command line (docs/lrt.md, "Value flows", "Redemption", "Integration faces"):
 *
 *   npx hardhat lrt-deposit --network localhost --asset wstETH --amount "10 wstETH" [--min-shares "9.9 lrtETH"]
 *   npx hardhat lrt-request-redeem --asset wstETH --shares "5 lrtETH"        (or --shares all)
 *   npx hardhat lrt-claim --request 3 [--min-assets "4.9 wstETH"]           (or --asset wstETH: all claimable)
 *   npx hardhat lrt-harvest
 *   npx hardhat lrt-status [--of 0x...]
 *
 * Every task acts as `--account` through the asset's ERC-7575/7540 entry point (LRTAssetVault), checks what it can
 * before sending (an accepted asset, the LRT balance, the asset's balance and allowance, a paused group, the cap, a
 * stale oracle price, a request's state) and prints amounts in token units and base units. Operations anyone may run
 * on the way (refreshing a stale price, completing ready vault withdrawals, processing the redemption queue) are
 * sent as numbered steps `[i/n]`.
 */
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { ZeroAddress, formatEther } from "ethers";

import type { LiquidRestakingToken, LRTAssetVault, LRTManager, LRTOracle } from "../typechain-types";
import { common, core, type Core } from "./context";
import {
  erc20,
  fail,
  nameOf,
  orFail,
  progress,
  resolveAddress,
  send,
  tokenInfo,
  type TokenInfo,
} from "./shared";
import { formatDuration, showAmount } from "./format";
import { parseTokenAmount } from "../sdk/amounts";
import { LRT_REQUEST_STATUS, LRT_REQUEST_STATUS_VALUE, PAUSE_GROUP, isPaused } from "../sdk/views";

/** LRTManager's pause groups (bit positions, LRTManager.GROUP_*). */
const GROUPS = PAUSE_GROUP.LRTManager;
/** The most requests one `processRequests` call takes (bounded). */
const PROCESS_BATCH = 16n;

interface LRT extends Core {
  manager: LRTManager;
  token: LiquidRestakingToken;
  oracle: LRTOracle;
  lrtInfo: TokenInfo;
  /** The block the manager was deployed in: where its event history starts. */
  fromBlock: number;
}

/** An accepted asset and its entry point. */
interface LRTAssetInfo extends TokenInfo {
  entryPoint: LRTAssetVault;
}

async function lrt(hre: HardhatRuntimeEnvironment, args: { account: string; record: string }): Promise<LRT> {
  const c = await core(hre, args);
  const entry = c.record.contracts.lrtManager;
  if (entry === undefined || c.record.contracts.lrt === undefined) {
    fail(
      `the ${c.record.network} deployment has no LRT: re-run the deploy (it adds the LRT's steps and keeps the rest)`,
    );
  }
  const { LRTManager__factory, LiquidRestakingToken__factory, LRTOracle__factory } = await import(
    "../typechain-types"
  );
  const token = LiquidRestakingToken__factory.connect(resolveAddress(c.record, "lrt"), c.signer);
  return {
    ...c,
    manager: LRTManager__factory.connect(entry.address, c.signer),
    token,
    oracle: LRTOracle__factory.connect(resolveAddress(c.record, "lrtOracle"), c.signer),
    lrtInfo: await tokenInfo(hre, await token.getAddress()),
    fromBlock: entry.block,
  };
}

/** Every asset the LRT accepts, with its entry point. */
async function acceptedAssets(hre: HardhatRuntimeEnvironment, l: LRT): Promise<LRTAssetInfo[]> {
  const { LRTAssetVault__factory } = await import("../typechain-types");
  const accepted: LRTAssetInfo[] = [];
  for (const asset of await l.oracle.assets()) {
    const entryPoint = await l.manager.entryPoint(asset);
    if (entryPoint === ZeroAddress) continue;
    accepted.push({
      ...(await tokenInfo(hre, asset)),
      entryPoint: LRTAssetVault__factory.connect(entryPoint, l.signer),
    });
  }
  return accepted;
}

/** The accepted asset named by symbol, record name or address; an unknown one is refused with the accepted ones. */
async function lrtAsset(hre: HardhatRuntimeEnvironment, l: LRT, text: string): Promise<LRTAssetInfo> {
  const accepted = await acceptedAssets(hre, l);
  const address = /^0x/.test(text) ? text.toLowerCase() : (l.record.contracts[`mock:${text}`]?.address ?? "");
  const found = accepted.find((a) => a.symbol === text || a.address.toLowerCase() === address.toLowerCase());
  if (found === undefined) {
    fail(
      `unknown asset "${text}": the LRT accepts ${accepted.map((a) => `${a.symbol} (${a.address})`).join(", ")}`,
    );
  }
  return found;
}

async function requireUnpaused(l: LRT, group: keyof typeof GROUPS, what: string): Promise<void> {
  const paused = await l.manager.pausedGroups();
  if (isPaused(paused, GROUPS[group])) {
    fail(
      `${what} is paused on the LRT (LRTManager group ${group}, bit ${GROUPS[group]}): try again once it is unpaused`,
    );
  }
}

/** `amount` of LRT with its value in ETH at `rate` (wei per LRT). */
function showLRT(l: LRT, amount: bigint, rate?: bigint): string {
  const shown = showAmount(amount, l.lrtInfo);
  return rate === undefined ? shown : `${shown}, worth ${formatEther((amount * rate) / 10n ** 18n)} ETH`;
}

function showRate(rate: bigint): string {
  return `${formatEther(rate)} ETH per LRT (${rate} wei)`;
}

/** Whether the oracle's price of `asset` is stale at the chain's time (`price(asset)` would revert StalePrice). */
async function isStale(hre: HardhatRuntimeEnvironment, l: LRT, asset: string): Promise<boolean> {
  const c = await l.oracle.assetConfig(asset);
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  return now + 1n > c.updatedAt + c.maxAge;
}

/** Parses an LRT amount ("5", "5 lrtETH", "5 ether") or "all" (the holder's balance). */
function parseShares(text: string, l: LRT, balance: bigint): bigint {
  if (text.trim() === "all") {
    if (balance === 0n) fail(`${l.me} holds no ${l.lrtInfo.symbol}`);
    return balance;
  }
  return orFail(() => parseTokenAmount(text, l.lrtInfo));
}

interface WaitingWithdrawal {
  id: bigint;
  completableAt: bigint;
}

/** The vault withdrawals the manager queued for redemptions of `asset` that have not completed, with their times. */
async function redeemWithdrawals(l: LRT, asset: string): Promise<WaitingWithdrawal[]> {
  const { readWithdrawal } = await import("../sdk/views");
  const queued = await l.manager.queryFilter(
    l.manager.filters.WithdrawalQueued(undefined, undefined, asset),
    l.fromBlock,
  );
  const waiting: WaitingWithdrawal[] = [];
  for (const e of queued) {
    if (e.args.forRedeem === 0n) continue;
    const w = await readWithdrawal(l.vault, e.args.id);
    if (w !== undefined) waiting.push({ id: e.args.id, completableAt: w.completableAt });
  }
  return waiting;
}

/** The redemption requests of `controller`, from the manager's RedeemRequested events. */
async function requestIdsOf(l: LRT, controller: string): Promise<bigint[]> {
  const events = await l.manager.queryFilter(
    l.manager.filters.RedeemRequested(undefined, controller),
    l.fromBlock,
  );
  return events.map((e) => e.args.id);
}

async function when(hre: HardhatRuntimeEnvironment, at: bigint): Promise<string> {
  const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
  return `${new Date(Number(at) * 1000).toISOString()} (in ${formatDuration(at - now)})`;
}

common(
  task(
    "lrt-deposit",
    "Deposits an asset into the LRT through its entry point (approving it first if needed)",
  ),
)
  .addParam("asset", "The asset: its symbol (wstETH) or address")
  .addParam("amount", 'The amount: "10" or "10 wstETH" are whole tokens; "10 gwei" and "5 wei" as said')
  .addOptionalParam("minShares", 'The least LRT to accept: "9.9", "9.9 lrtETH" (default: the preview)', "")
  .addOptionalParam("receiver", "Receives the LRT (default: --account)", "")
  .setAction(
    async (
      a: {
        account: string;
        record: string;
        asset: string;
        amount: string;
        minShares: string;
        receiver: string;
      },
      hre,
    ) => {
      const l = await lrt(hre, a);
      const asset = await lrtAsset(hre, l, a.asset);
      const amount = orFail(() => parseTokenAmount(a.amount, asset));
      const receiver = a.receiver === "" ? l.me : resolveAddress(l.record, a.receiver);
      await requireUnpaused(l, "DEPOSITS", "depositing");
      const config = await l.manager.assetConfig(asset.address);
      if (!config.enabled) fail(`deposits of ${asset.symbol} are disabled on the LRT (its asset config)`);
      const room = await l.manager.maxDeposit(asset.address);
      if (amount > room) {
        fail(
          `the deposit of ${showAmount(amount, asset)} exceeds what ${asset.symbol}'s cap of ` +
            `${showAmount(config.cap, asset)} leaves: ${showAmount(room, asset)}`,
        );
      }
      const balance = (await erc20(hre, asset.address).balanceOf!(l.me)) as bigint;
      if (balance < amount) {
        fail(
          `insufficient balance: ${l.me} holds ${showAmount(balance, asset)}, the deposit needs ${showAmount(amount, asset)}`,
        );
      }
      const stale = await isStale(hre, l, asset.address);
      const entryPoint = await asset.entryPoint.getAddress();
      const allowance = (await erc20(hre, asset.address).allowance!(l.me, entryPoint)) as bigint;
      const step = progress(1 + (stale ? 1 : 0) + (allowance < amount ? 1 : 0));
      if (stale) {
        await send(step(`refresh the oracle's stale ${asset.symbol} price`), () =>
          l.oracle.updatePrice(asset.address),
        );
      }
      if (allowance < amount) {
        const { MockERC20__factory } = await import("../typechain-types");
        await send(step(`approve ${showAmount(amount, asset)} to the ${asset.symbol} entry point`), () =>
          MockERC20__factory.connect(asset.address, l.signer).approve(entryPoint, amount),
        );
      }
      const preview = await asset.entryPoint.previewDeposit(amount);
      const minShares = a.minShares === "" ? preview : orFail(() => parseTokenAmount(a.minShares, l.lrtInfo));
      if (minShares > preview) {
        fail(
          `--min-shares ${showLRT(l, minShares)} is more than the deposit mints now: ${showLRT(l, preview)}`,
        );
      }
      const before = await l.token.balanceOf(receiver);
      console.log(`Depositing ${showAmount(amount, asset)} for at least ${showLRT(l, minShares)}`);
      const sent = await send(step("deposit"), () =>
        asset.entryPoint.depositWithMinShares(amount, receiver, minShares),
      );
      const shares = (await l.token.balanceOf(receiver)) - before;
      const rate = await l.manager.getRate();
      console.log(
        `Minted ${showLRT(l, shares, rate)} to ${nameOf(l.record, receiver)}; rate ${showRate(rate)}`,
      );
      return { ...sent, shares, rate };
    },
  );

common(
  task(
    "lrt-request-redeem",
    "Requests the redemption of LRT in one asset (ERC-7540: claimable once processed)",
  ),
)
  .addParam("shares", 'The LRT to redeem: "5", "5 lrtETH", "5 ether", or "all"')
  .addParam("asset", "The asset to be paid in: its symbol (wstETH) or address")
  .setAction(async (a: { account: string; record: string; shares: string; asset: string }, hre) => {
    const l = await lrt(hre, a);
    const asset = await lrtAsset(hre, l, a.asset);
    const balance = await l.token.balanceOf(l.me);
    const shares = parseShares(a.shares, l, balance);
    if (balance < shares) {
      fail(`insufficient LRT: ${l.me} holds ${showLRT(l, balance)}, the request needs ${showLRT(l, shares)}`);
    }
    await requireUnpaused(l, "REDEEM_REQUESTS", "requesting redemptions");
    const stale = await isStale(hre, l, asset.address);
    const step = progress(stale ? 2 : 1);
    if (stale) {
      await send(step(`refresh the oracle's stale ${asset.symbol} price`), () =>
        l.oracle.updatePrice(asset.address),
      );
    }
    const sent = await send(step(`request the redemption of ${showLRT(l, shares)} in ${asset.symbol}`), () =>
      asset.entryPoint.requestRedeem(shares, l.me, l.me),
    );
    const receipt = await hre.ethers.provider.getTransactionReceipt(sent.hash);
    const event = receipt?.logs
      .map((log) => {
        try {
          return l.manager.interface.parseLog(log);
        } catch {
          return null;
        }
      })
      .find((parsed) => parsed?.name === "RedeemRequested");
    if (event === undefined || event === null) fail(`no RedeemRequested event in ${sent.hash}`);
    const id = event.args.id as bigint;
    const value = event.args.value as bigint;
    console.log(
      `Request ${id}: ${showLRT(l, shares)} locked, worth ${formatEther(value)} ETH (${value} wei) at request; ` +
        `claim it with \`npx hardhat lrt-claim --request ${id}\` once processed`,
    );
    return { ...sent, id, shares, value };
  });

common(task("lrt-claim", "Claims a redemption: a request by id, or everything claimable in an asset"))
  .addOptionalParam("request", "The request id (as lrt-request-redeem and lrt-status print it)", "")
  .addOptionalParam("asset", "Without --request: claim all that is claimable in this asset", "")
  .addOptionalParam("controller", "The request's controller (default: --account)", "")
  .addOptionalParam(
    "minAssets",
    'The least tokens to accept: "4.9", "4.9 wstETH" (default: what is claimable)',
    "",
  )
  .setAction(
    async (
      a: {
        account: string;
        record: string;
        request: string;
        asset: string;
        controller: string;
        minAssets: string;
      },
      hre,
    ) => {
      const l = await lrt(hre, a);
      if ((a.request === "") === (a.asset === "")) fail("give either --request <id> or --asset <symbol>");
      const controller = a.controller === "" ? l.me : resolveAddress(l.record, a.controller);
      const accepted = await acceptedAssets(hre, l);
      let id: bigint | undefined;
      let asset: LRTAssetInfo;
      if (a.request !== "") {
        try {
          id = BigInt(a.request);
        } catch {
          fail(`"${a.request}" is not a request id (a number, as lrt-request-redeem prints it)`);
        }
        const r = await l.manager.request(id);
        if (r.status === LRT_REQUEST_STATUS_VALUE.None)
          fail(`request ${id} does not exist (the LRT has ${await l.manager.requestCount()})`);
        const found = await Promise.all(
          accepted.map(async (x) =>
            (await l.manager.assetConfig(x.address)).index === r.assetIndex ? x : undefined,
          ),
        );
        asset =
          found.find((x) => x !== undefined) ??
          fail(`request ${id} is of an asset the LRT no longer accepts`);
        if (r.controller !== controller) fail(`request ${id} is ${r.controller}'s, not ${controller}'s`);
        if (r.status === LRT_REQUEST_STATUS_VALUE.Claimed) fail(`request ${id} was claimed already`);
        if (r.status === LRT_REQUEST_STATUS_VALUE.Returned) {
          fail(
            `request ${id} was returned: ${asset.symbol} had nothing left to pay it and its LRT went back to ${r.controller}`,
          );
        }
      } else {
        asset = await lrtAsset(hre, l, a.asset);
      }
      if (controller !== l.me && !(await asset.entryPoint.isOperator(controller, l.me))) {
        fail(
          `${l.me} may not claim for ${controller}: the controller has not made it an operator (setOperator)`,
        );
      }
      await requireUnpaused(l, "CLAIMS", "claiming");

      // Not claimable yet: say when from the views, and run the permissionless steps that are due.
      const claimableNow = async (): Promise<boolean> =>
        id !== undefined
          ? (await l.manager.request(id)).status === LRT_REQUEST_STATUS_VALUE.Claimable
          : (await l.manager.claimable(asset.address, controller)).shares > 0n;
      const planned: Array<{ label: string; tx: Parameters<typeof send>[1] }> = [];
      if (!(await claimableNow())) {
        if (id === undefined && (await requestIdsOf(l, controller)).length === 0) {
          fail(`${controller} has nothing claimable in ${asset.symbol} and no redemption request`);
        }
        const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
        const waiting = await redeemWithdrawals(l, asset.address);
        const ready = waiting.filter((w) => w.completableAt <= now);
        if (waiting.length > 0 && ready.length === 0) {
          const last = waiting.reduce((m, w) => (w.completableAt > m ? w.completableAt : m), 0n);
          fail(
            `${id !== undefined ? `request ${id}` : `${controller}'s ${asset.symbol} redemption`} is not claimable yet: ` +
              `it waits for the vault withdrawals queued to pay it, completable at ${await when(hre, last)}; ` +
              "run lrt-claim again then",
          );
        }
        await requireUnpaused(l, "OPERATIONS", "processing redemptions");
        if (ready.length > 0) {
          planned.push({
            label: `complete ${ready.length} ready vault withdrawal(s) into the LRT's idle ${asset.symbol}`,
            tx: () => l.manager.completeWithdrawals(ready.map((w) => w.id)),
          });
        }
        if (await isStale(hre, l, asset.address)) {
          planned.push({
            label: `refresh the oracle's stale ${asset.symbol} price`,
            tx: () => l.oracle.updatePrice(asset.address),
          });
        }
        planned.push({
          label: `process up to ${PROCESS_BATCH} ${asset.symbol} redemption requests`,
          tx: () => l.manager.processRequests(asset.address, PROCESS_BATCH),
        });
      }
      const step = progress(planned.length + 1);
      for (const p of planned) await send(step(p.label), p.tx);
      if (planned.length > 0 && !(await claimableNow())) {
        if (id !== undefined && (await l.manager.request(id)).status === LRT_REQUEST_STATUS_VALUE.Returned) {
          fail(
            `request ${id} was returned: ${asset.symbol} had nothing left to pay it; its LRT went back to ${controller}`,
          );
        }
        const waiting = await redeemWithdrawals(l, asset.address);
        const last = waiting.reduce((m, w) => (w.completableAt > m ? w.completableAt : m), 0n);
        fail(
          `${id !== undefined ? `request ${id}` : `${controller}'s ${asset.symbol} redemption`} is not claimable yet: ` +
            (waiting.length > 0
              ? `the queue now waits for vault withdrawals completable at ${await when(hre, last)}; run lrt-claim again then`
              : "requests ahead of it are still being paid; run lrt-claim again later"),
        );
      }

      const claimable = await l.manager.claimable(asset.address, controller);
      const expected = id !== undefined ? (await l.manager.request(id)).amount : BigInt(claimable.assets);
      if (id !== undefined && claimable.assets < expected) {
        // Claims by amount (redeem/withdraw) draw on the controller's claimable balance without naming a request.
        fail(
          `request ${id} is paid already: it is fulfilled for ${showAmount(expected, asset)}, but ${controller}'s ` +
            `claimable ${asset.symbol} balance is ${showAmount(claimable.assets, asset)} (claimed by amount)`,
        );
      }
      const minAssets = a.minAssets === "" ? expected : orFail(() => parseTokenAmount(a.minAssets, asset));
      if (minAssets > expected) {
        fail(
          `--min-assets ${showAmount(minAssets, asset)} is more than the claim pays: ${showAmount(expected, asset)}`,
        );
      }
      const before = (await erc20(hre, asset.address).balanceOf!(l.me)) as bigint;
      const sent =
        id !== undefined
          ? await send(step(`claim request ${id}`), () => asset.entryPoint.claim(id!, l.me, minAssets))
          : await send(step(`claim ${showLRT(l, claimable.shares)} of ${controller}`), () =>
              asset.entryPoint.redeem(claimable.shares, l.me, controller),
            );
      const paid = ((await erc20(hre, asset.address).balanceOf!(l.me)) as bigint) - before;
      if (paid < minAssets) fail(`the claim paid ${showAmount(paid, asset)}, less than --min-assets`);
      console.log(`Paid ${showAmount(paid, asset)} to ${l.me}`);
      return { ...sent, assets: paid };
    },
  );

common(
  task("lrt-harvest", "Claims the nodes' rewards into the LRT (the protocol fee is minted to the treasury)"),
).setAction(async (a: { account: string; record: string }, hre) => {
  const l = await lrt(hre, a);
  const nodes = await l.manager.nodeCount();
  if (nodes === 0n) fail("the LRT has no node: there is nothing to harvest");
  await requireUnpaused(l, "OPERATIONS", "harvesting");
  // Harvest mints the fee at the rate, which reads every accepted asset's price: refresh the stale ones first.
  const stale: LRTAssetInfo[] = [];
  for (const x of await acceptedAssets(hre, l)) if (await isStale(hre, l, x.address)) stale.push(x);
  const step = progress(stale.length + 1);
  for (const x of stale) {
    await send(step(`refresh the oracle's stale ${x.symbol} price`), () => l.oracle.updatePrice(x.address));
  }
  const before = await l.manager.getRate();
  const sent = await send(step("harvest"), () => l.manager.harvest());
  const receipt = await hre.ethers.provider.getTransactionReceipt(sent.hash);
  const harvested: Array<{ node: bigint; token: string; amount: bigint; toIdle: boolean }> = [];
  let fee = 0n;
  for (const log of receipt?.logs ?? []) {
    let parsed;
    try {
      parsed = l.manager.interface.parseLog(log);
    } catch {
      parsed = null;
    }
    if (parsed?.name === "Harvested") {
      const token = await tokenInfo(hre, parsed.args.token as string);
      const amount = parsed.args.amount as bigint;
      harvested.push({
        node: parsed.args.nodeIndex as bigint,
        token: token.symbol,
        amount,
        toIdle: parsed.args.toIdle as boolean,
      });
      console.log(
        `  node ${parsed.args.nodeIndex}: ${showAmount(amount, token)} ${parsed.args.toIdle ? "joined the idle buffer" : "went to the rewards receiver"}`,
      );
    } else if (parsed?.name === "FeeMinted") {
      fee = parsed.args.shares as bigint;
      console.log(
        `  protocol fee: ${showLRT(l, fee)} minted to ${nameOf(l.record, parsed.args.treasury as string)}`,
      );
    }
  }
  if (harvested.length === 0) console.log("  no rewards were pending");
  const after = await l.manager.getRate();
  console.log(`Rate ${showRate(after)} (before: ${formatEther(before)})`);
  return { ...sent, harvested, fee, rateBefore: before, rate: after };
});

common(
  task(
    "lrt-status",
    "One account's LRT: balance and value, redemption requests, claimable amounts, the rate",
  ),
)
  .addOptionalParam("of", "The account to show (default: --account)", "")
  .setAction(async (a: { account: string; record: string; of: string }, hre) => {
    const l = await lrt(hre, a);
    const who = a.of === "" ? l.me : resolveAddress(l.record, a.of);
    const rate = await l.manager.getRate();
    const balance = await l.token.balanceOf(who);
    console.log(`LRT of ${who} on ${hre.network.name}`);
    console.log(`  balance ${showLRT(l, balance, rate)}; rate ${showRate(rate)}`);
    const accepted = await acceptedAssets(hre, l);
    const byIndex = new Map<bigint, LRTAssetInfo>();
    for (const x of accepted) byIndex.set((await l.manager.assetConfig(x.address)).index, x);
    const requests: Array<{ id: bigint; asset: string; status: string; shares: bigint; amount: bigint }> = [];
    for (const id of await requestIdsOf(l, who)) {
      const r = await l.manager.request(id);
      const asset = byIndex.get(r.assetIndex);
      const status = LRT_REQUEST_STATUS[Number(r.status)] ?? String(r.status);
      requests.push({
        id,
        asset: asset?.symbol ?? `#${r.assetIndex}`,
        status,
        shares: r.shares,
        amount: r.amount,
      });
      if (r.status === LRT_REQUEST_STATUS_VALUE.Pending) {
        console.log(
          `  request ${id}: ${showLRT(l, r.shares)} pending in ${asset?.symbol}, worth ${formatEther(r.amount)} ETH at request`,
        );
      } else if (r.status === LRT_REQUEST_STATUS_VALUE.Claimable && asset !== undefined) {
        console.log(
          `  request ${id}: fulfilled for ${showAmount(r.amount, asset)}, paid from the claimable balance below`,
        );
      }
    }
    const claimable: Array<{ asset: string; shares: bigint; assets: bigint }> = [];
    for (const x of accepted) {
      const c = await l.manager.claimable(x.address, who);
      claimable.push({ asset: x.symbol, shares: c.shares, assets: c.assets });
      if (c.shares > 0n)
        console.log(`  claimable in ${x.symbol}: ${showAmount(c.assets, x)} for ${showLRT(l, c.shares)}`);
    }
    return { account: who, balance, rate, value: (balance * rate) / 10n ** 18n, requests, claimable };
  });
