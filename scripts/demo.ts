/**
 * The protocol told as a story, in chapters over the sdk: `npm run demo` (the in-process chain) or
 * `npm run demo -- --network localhost` (a running `npx hardhat node`).
 *
 * The demo deploys a fresh protocol for its story with roles it controls (its deployer is the network's first
 * account; a production deployment hands them to a timelock: deploy/) and plays it with the network's unlocked
 * accounts. Each chapter is a short function (scripts/demo/core.ts, scripts/demo/lrt.ts) that prints what it reads
 * from the contracts (sdk/views.ts) with the console formatting of tasks/format.ts, and checks the figures the
 * protocol promises: a figure that is not what it promises stops the demo with its name, the expected and the actual
 * value (exit code 1). Time jumps use evm_increaseTime / evm_setNextBlockTimestamp and evm_mine; each chapter's
 * header shows the chain time after its jump. Nothing is written to deployments/.
 */
import { network } from "hardhat";

import { explainError } from "../sdk/errors";
import { formatDuration, printHeader } from "../tasks/format";
import { now } from "./demo/context";
import {
  allocate,
  depositsAndDelegation,
  invariants,
  queuedDuringWindow,
  rewards,
  setUp,
  slashExecuted,
  slashRequested,
  vetoedSlash,
  withdrawals,
} from "./demo/core";
import { lrtDeposits, lrtHarvest, lrtRedeem, lrtSlash } from "./demo/lrt";

async function main(): Promise<void> {
  const started = Date.now();
  const demo = await setUp();
  const deposits = await depositsAndDelegation(demo);
  await allocate(demo);
  const paid = await rewards(demo);
  await vetoedSlash(demo);
  const slash = await slashRequested(demo, deposits);
  const bobWithdrawal = await queuedDuringWindow(demo, slash);
  await slashExecuted(demo, slash);
  await withdrawals(demo, deposits, slash, bobWithdrawal);
  const lrt = await lrtDeposits(demo);
  await lrtHarvest(demo, lrt);
  await lrtSlash(demo, lrt);
  await lrtRedeem(demo, lrt);
  await invariants(demo, paid);
  printHeader(
    `Demo complete on ${network.name}: ${demo.chapter} chapters, every checked figure as promised`,
    `   [story +${formatDuration((await now()) - demo.startTime)} of chain time, ${((Date.now() - started) / 1000).toFixed(1)} s of wall time]`,
  );
}

main().catch((error: unknown) => {
  // A figure that is not as promised names itself; a transaction that reverted is the protocol's error, decoded.
  const figure = error instanceof Error && error.name === "FigureMismatch";
  console.error(
    `\nDEMO FAILED on ${network.name}: ${figure ? (error as Error).message : explainError(error)}`,
  );
  if (!figure && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
});
