/**
 * Runs the property-based model test (test/model/PropertyModel.test.ts) with the given figures, to replay a failure or
 * to run longer than CI does.
 *
 * Usage: npm run fuzz -- [--runs N] [--seed S] [--path P [--replay-path R]] [--max-commands M] [--report] [--profile]
 *   --runs          sequences to run (FUZZ_RUNS)
 *   --seed          fast-check's seed (FUZZ_SEED); a failure prints it
 *   --path          fast-check's path to replay one failing sequence, as a failure prints it (FUZZ_PATH)
 *   --replay-path   the counterexample's replayPath, as a failure prints it (FUZZ_REPLAY_PATH): a shrunk path
 *                   replays only with it (fc.commands shrinks by the commands that ran)
 *   --max-commands  the longest sequence (FUZZ_MAX_COMMANDS)
 *   --report        print the run's time and coverage (FUZZ_REPORT)
 *   --profile       with --report, where the time goes: JSON-RPC requests and the driver's phases (FUZZ_PROFILE)
 */
import { spawnSync } from "child_process";
import path from "path";

const FLAGS: Record<string, string> = {
  "--runs": "FUZZ_RUNS",
  "--seed": "FUZZ_SEED",
  "--path": "FUZZ_PATH",
  "--replay-path": "FUZZ_REPLAY_PATH",
  "--max-commands": "FUZZ_MAX_COMMANDS",
};

function usage(message: string): never {
  console.error(
    `fuzz: ${message}\nusage: npm run fuzz -- [--runs N] [--seed S] [--path P [--replay-path R]] [--max-commands M] [--report] [--profile]`,
  );
  process.exit(2);
}

function parse(args: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--report") {
      env.FUZZ_REPORT = "1";
      continue;
    }
    if (flag === "--profile") {
      env.FUZZ_REPORT = "1";
      env.FUZZ_PROFILE = "1";
      continue;
    }
    const name = FLAGS[flag];
    if (name === undefined) usage(`unknown argument ${flag}`);
    const value = args[i + 1];
    if (value === undefined) usage(`${flag} needs a value`);
    if (name === "FUZZ_REPLAY_PATH") {
      if (!/^[A-Za-z0-9+/]*:[A-Za-z0-9+/]*$/.test(value))
        usage(`--replay-path takes a replayPath such as FADAFbl:VB, not ${value}`);
    } else if (name !== "FUZZ_PATH" && !/^\d+$/.test(value))
      usage(`${flag} takes a non-negative integer, not ${value}`);
    if (name === "FUZZ_PATH" && !/^\d+(:\d+)*$/.test(value))
      usage(`--path takes a path such as 3:0:1, not ${value}`);
    env[name] = value;
    i++;
  }
  return env;
}

const env = parse(process.argv.slice(2));
const root = path.resolve(__dirname, "..");
const result = spawnSync("npx", ["hardhat", "test", "test/model/PropertyModel.test.ts"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, ...env },
});
process.exit(result.status ?? 1);
