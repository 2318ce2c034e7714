/**
 * The staker's and the operator's flows on the command line:
 *
 *   npx hardhat faucet --network localhost --asset wstETH --amount 100      (a local deployment's mock tokens)
 *   npx hardhat deposit --network localhost --asset wstETH --amount "10 wstETH"
 *   npx hardhat delegate --operator 0x...
 *   npx hardhat status [--of 0x...]
 *   npx hardhat queue-withdrawal --asset wstETH --shares all
 *   npx hardhat complete-withdrawal --id 0x... [--as-shares]
 *   npx hardhat undelegate
 *   npx hardhat register-operator --commission 10% [--metadata ipfs://...] [--approver 0x...]
 *   npx hardhat set-commission --commission 5%
 *
 * Every task acts as `--account` (an index of the network's accounts, default 0, or one of their addresses), checks
 * what it can before sending (a listed asset, a registered operator, the balance, a withdrawal's ready time) and
 * prints amounts in token units and base units.
 */
import { task } from "hardhat/config";
import { ZeroAddress, ZeroHash } from "ethers";

import { common, core, listedAsset, registeredOperator } from "./context";
import { erc20, fail, nameOf, orFail, progress, resolveAddress, send, tokenInfo } from "./shared";
import { formatDuration, showAmount } from "./format";
import { parseAmount, parseTokenAmount } from "../sdk/amounts";

/** "10%", "10 %" or "1000 bps" as basis points. */
function parseBps(text: string): bigint {
  const percent = /^\s*(\d+(?:\.\d{1,2})?)\s*%\s*$/.exec(text);
  if (percent !== null) return orFail(() => parseAmount(percent[1]!, { bareDecimals: 2 }));
  const bps = /^\s*(\d+)\s*bps\s*$/.exec(text);
  if (bps !== null) return BigInt(bps[1]!);
  fail(`"${text}" is not a commission: write "10%" or "1000 bps"`);
}

function withdrawalIdArg(text: string): bigint {
  try {
    return BigInt(text);
  } catch {
    fail(`"${text}" is not a withdrawal id (a number or 0x hex, as status prints it)`);
  }
}

common(task("status", "One account's positions, delegation, queued withdrawals and rewards"))
  .addOptionalParam("of", "The account to show (default: --account)", "")
  .setAction(async (a: { account: string; record: string; of: string }, hre) => {
    const c = await core(hre, a);
    const who = a.of === "" ? c.me : resolveAddress(c.record, a.of);
    const { readPosition, queuedWithdrawalIds, readWithdrawal, readRewards } = await import("../sdk/views");
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    const operator = await c.vault.delegatedTo(who);
    const isOperator = await c.registry.isOperator(who);
    console.log(`Account ${who} on ${hre.network.name}`);
    console.log(
      `  delegated to ${operator === ZeroAddress ? "nobody" : nameOf(c.record, operator)}` +
        (isOperator ? `; a registered operator (commission ${await c.registry.commissionBps(who)} bps)` : ""),
    );
    const positions = [];
    for (const asset of await c.vault.assets()) {
      const token = await tokenInfo(hre, asset);
      const p = await readPosition(c.vault, who, asset);
      const wallet = (await erc20(hre, asset).balanceOf!(who)) as bigint;
      positions.push({ asset: token.symbol, wallet, shares: p.shares, value: p.assets });
      console.log(
        `  ${token.symbol}: wallet ${showAmount(wallet, token)}; in the vault ${p.shares} shares worth ` +
          showAmount(p.assets, token),
      );
    }
    const withdrawals = [];
    for (const id of await queuedWithdrawalIds(c.vault, who)) {
      const w = await readWithdrawal(c.vault, id);
      if (w === undefined) continue;
      const token = await tokenInfo(hre, w.asset);
      const ready = w.completableAt <= now && w.pendingRequests === 0n;
      withdrawals.push({ id: `0x${id.toString(16)}`, asset: token.symbol, value: w.assets, ready });
      console.log(
        `  withdrawal 0x${id.toString(16)}: ${w.shares} shares of ${token.symbol} worth ${showAmount(w.assets, token)}, ` +
          (w.pendingRequests !== 0n
            ? `waits for ${w.pendingRequests} slash request(s) on its pool`
            : ready
              ? "ready"
              : `ready in ${formatDuration(w.completableAt - now)}`),
      );
    }
    const tokens = await c.rewards.rewardTokens();
    const r = await readRewards(c.rewards, who, tokens);
    const rewards = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = await tokenInfo(hre, tokens[i]!);
      rewards.push({ token: token.symbol, rewards: r.rewards[i]!, commission: r.commission[i]! });
      if (r.rewards[i] !== 0n || r.commission[i] !== 0n) {
        console.log(
          `  rewards in ${token.symbol}: ${showAmount(r.rewards[i]!, token)}` +
            (r.commission[i] !== 0n ? `; commission ${showAmount(r.commission[i]!, token)}` : ""),
        );
      }
    }
    return { account: who, operator, positions, withdrawals, rewards };
  });

common(task("deposit", "Deposits an asset into the vault (approving it first if needed)"))
  .addParam("asset", "The asset: its symbol (wstETH) or address")
  .addParam("amount", 'The amount: "10" or "10 wstETH" are whole tokens; "10 gwei" and "5 wei" as said')
  .addOptionalParam("minShares", "The least shares to accept (default: the preview less 0)", "")
  .setAction(
    async (a: { account: string; record: string; asset: string; amount: string; minShares: string }, hre) => {
      const c = await core(hre, a);
      const token = await listedAsset(hre, c, a.asset);
      const amount = orFail(() => parseTokenAmount(a.amount, token));
      const balance = (await erc20(hre, token.address).balanceOf!(c.me)) as bigint;
      if (balance < amount) {
        fail(
          `insufficient balance: ${c.me} holds ${showAmount(balance, token)}, the deposit needs ${showAmount(amount, token)}`,
        );
      }
      const operator = await c.vault.delegatedTo(c.me);
      const preview = await c.vault.previewDeposit(operator, token.address, amount);
      const minShares = a.minShares === "" ? preview : BigInt(a.minShares);
      const allowance = (await erc20(hre, token.address).allowance!(
        c.me,
        await c.vault.getAddress(),
      )) as bigint;
      const step = progress(allowance < amount ? 2 : 1);
      if (allowance < amount) {
        const { MockERC20__factory } = await import("../typechain-types");
        const approvable = MockERC20__factory.connect(token.address, c.signer);
        await send(step(`approve ${showAmount(amount, token)} to the vault`), () =>
          approvable.approve(c.vault.getAddress(), amount),
        );
      }
      console.log(`Depositing ${showAmount(amount, token)} for at least ${minShares} shares`);
      const sent = await send(step("deposit"), () => c.vault.deposit(token.address, amount, minShares));
      const { readPosition } = await import("../sdk/views");
      const p = await readPosition(c.vault, c.me, token.address);
      console.log(`Position: ${p.shares} shares worth ${showAmount(p.assets, token)}`);
      return { ...sent, shares: p.shares };
    },
  );

common(task("faucet", "Mints a local deployment's mock token (its LSTs and reward token) to an account"))
  .addParam("asset", "The mock token's symbol (wstETH, rETH, cbETH, RWD)")
  .addParam("amount", 'The amount: "100" or "100 wstETH" are whole tokens; "10 gwei" and "5 wei" as said')
  .addOptionalParam("to", "The receiver (default: the acting account)", "")
  .setAction(
    async (a: { account: string; record: string; asset: string; amount: string; to: string }, hre) => {
      const c = await core(hre, a);
      const mocks = Object.keys(c.record.contracts).filter((name) => name.startsWith("mock:"));
      const entry = c.record.contracts[`mock:${a.asset}`];
      if (entry === undefined) {
        fail(
          mocks.length === 0
            ? `the ${c.record.network} deployment has no mock tokens: the faucet is for local deployments`
            : `"${a.asset}" is not a mock token of the ${c.record.network} deployment: ${mocks.map((m) => m.slice(5)).join(", ")}`,
        );
      }
      const token = await tokenInfo(hre, entry.address);
      const amount = orFail(() => parseTokenAmount(a.amount, token));
      const to = a.to === "" ? c.me : resolveAddress(c.record, a.to);
      const { MockERC20__factory } = await import("../typechain-types");
      const mock = MockERC20__factory.connect(entry.address, c.signer);
      const sent = await send(`mint ${showAmount(amount, token)} to ${nameOf(c.record, to)}`, () =>
        mock.mint(to, amount),
      );
      const balance = await mock.balanceOf(to);
      console.log(`${nameOf(c.record, to)} holds ${showAmount(balance, token)}`);
      return { ...sent, balance };
    },
  );

common(task("delegate", "Delegates the account's stake to a registered operator"))
  .addParam("operator", "The operator's address")
  .setAction(async (a: { account: string; record: string; operator: string }, hre) => {
    const c = await core(hre, a);
    const operator = await registeredOperator(c, a.operator);
    const current = await c.vault.delegatedTo(c.me);
    if (current !== ZeroAddress)
      fail(`${c.me} is delegated to ${current} already: undelegate first (or redelegate)`);
    const details = await c.registry.operatorDetails(operator);
    if (details.delegationApprover !== ZeroAddress) {
      fail(
        `${operator}'s delegations need its approver's signature (${details.delegationApprover}); this task does ` +
          "not sign for approvers: use sdk's approval helpers",
      );
    }
    return send(`delegate to ${operator}`, () =>
      c.registry.delegateTo(operator, { signature: "0x", expiry: 0n }, ZeroHash),
    );
  });

common(task("undelegate", "Undelegates the account: every share is queued for withdrawal"))
  .addOptionalParam(
    "staker",
    "The staker to undelegate (its operator or approver may do it; default: --account)",
    "",
  )
  .setAction(async (a: { account: string; record: string; staker: string }, hre) => {
    const c = await core(hre, a);
    const staker = a.staker === "" ? c.me : resolveAddress(c.record, a.staker);
    const operator = await c.vault.delegatedTo(staker);
    if (operator === ZeroAddress) fail(`${staker} is not delegated`);
    const { nextWithdrawalId } = await import("../sdk/views");
    const firstId = await nextWithdrawalId(c.vault, staker);
    const sent = await send(`undelegate ${staker} from ${operator}`, () => c.registry.undelegate(staker));
    const lastId = await nextWithdrawalId(c.vault, staker);
    const ids = [];
    for (let id = firstId; id < lastId; id++) ids.push(`0x${id.toString(16)}`);
    console.log(`Queued withdrawals: ${ids.length === 0 ? "none (no shares)" : ids.join(", ")}`);
    return { ...sent, ids };
  });

common(task("queue-withdrawal", "Queues a withdrawal of the account's shares of one asset"))
  .addParam("asset", "The asset: its symbol or address")
  .addParam("shares", 'The shares to withdraw, or "all"')
  .setAction(async (a: { account: string; record: string; asset: string; shares: string }, hre) => {
    const c = await core(hre, a);
    const token = await listedAsset(hre, c, a.asset);
    const { readPosition, nextWithdrawalId, readWithdrawal } = await import("../sdk/views");
    const p = await readPosition(c.vault, c.me, token.address);
    const shares =
      a.shares === "all"
        ? p.shares
        : (() => {
            if (!/^\d+$/.test(a.shares))
              fail(`--shares "${a.shares}" is not a whole number of shares or "all"`);
            return BigInt(a.shares);
          })();
    if (shares === 0n) fail(`${c.me} holds no shares of ${token.symbol}`);
    if (shares > p.shares)
      fail(`insufficient shares: ${c.me} holds ${p.shares} shares of ${token.symbol}, asked ${shares}`);
    const id = await nextWithdrawalId(c.vault, c.me);
    const sent = await send(`queue ${shares} shares of ${token.symbol}`, () =>
      c.vault.queueWithdrawal(token.address, shares),
    );
    const w = await readWithdrawal(c.vault, id);
    const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
    console.log(
      `Withdrawal 0x${id.toString(16)}: worth ${showAmount(w!.assets, token)} now; ready in ${formatDuration(w!.completableAt - now)}`,
    );
    return { ...sent, id: `0x${id.toString(16)}` };
  });

common(task("complete-withdrawal", "Completes a ready withdrawal, as tokens (default) or as shares"))
  .addParam("id", "The withdrawal id (status prints it)")
  .addFlag("asShares", "Receive shares in the current operator's pool instead of tokens")
  .addOptionalParam("slippage", "Basis points of the value now to give up against a same-block slash", "0")
  .setAction(
    async (a: { account: string; record: string; id: string; asShares: boolean; slippage: string }, hre) => {
      const c = await core(hre, a);
      const id = withdrawalIdArg(a.id);
      const { readWithdrawal, minAssetsFor } = await import("../sdk/views");
      const w = await readWithdrawal(c.vault, id);
      if (w === undefined) fail(`withdrawal ${a.id} is not queued (completed already, or never queued)`);
      const now = BigInt((await hre.ethers.provider.getBlock("latest"))!.timestamp);
      if (w.pendingRequests !== 0n) {
        fail(
          `withdrawal ${a.id} waits for ${w.pendingRequests} slash request(s) on its pool to be executed, vetoed or cancelled`,
        );
      }
      if (w.completableAt > now) {
        fail(
          `withdrawal ${a.id} is not ready: completable at ${new Date(Number(w.completableAt) * 1000).toISOString()} ` +
            `(in ${formatDuration(w.completableAt - now)})`,
        );
      }
      const token = await tokenInfo(hre, w.asset);
      const minAssets = a.asShares ? 0n : minAssetsFor(w, BigInt(a.slippage));
      console.log(
        `Completing ${a.id}: worth ${showAmount(w.assets, token)}${a.asShares ? ", as shares" : ""}`,
      );
      return send("complete withdrawal", () => c.vault.completeWithdrawal(id, !a.asShares, minAssets));
    },
  );

common(task("register-operator", "Registers the account as an operator"))
  .addParam("commission", 'The commission: "10%" or "1000 bps"')
  .addOptionalParam("metadata", "The metadata URI", "")
  .addOptionalParam("approver", "A delegation approver (address(0): anyone may delegate)", ZeroAddress)
  .setAction(
    async (
      a: { account: string; record: string; commission: string; metadata: string; approver: string },
      hre,
    ) => {
      const c = await core(hre, a);
      if (await c.registry.isOperator(c.me)) fail(`${c.me} is a registered operator already`);
      const bps = parseBps(a.commission);
      const approver = a.approver === ZeroAddress ? ZeroAddress : resolveAddress(c.record, a.approver);
      return send(`register ${c.me} as an operator at ${bps} bps`, () =>
        c.registry.registerAsOperator(a.metadata, bps, approver),
      );
    },
  );

common(
  task("set-commission", "Queues a new commission for the account's operator (in force after the delay)"),
)
  .addParam("commission", 'The commission: "10%" or "1000 bps"')
  .setAction(async (a: { account: string; record: string; commission: string }, hre) => {
    const c = await core(hre, a);
    if (!(await c.registry.isOperator(c.me))) fail(`${c.me} is not a registered operator`);
    const bps = parseBps(a.commission);
    const sent = await send(`queue commission ${bps} bps`, () => c.registry.queueCommission(bps));
    console.log(
      `In force after the commission delay of ${formatDuration(await c.registry.commissionDelay())}`,
    );
    return sent;
  });
