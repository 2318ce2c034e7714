/**
 * The coverage gate (issue #12; docs/verification.md, "Coverage gate"): runs `hardhat coverage` (solidity-coverage,
 * configured in .solcover.js) on the unit and attack suites, then checks every contract under the measured folders
 * against the thresholds: lines >= 95% and branches >= 90%, per file. Prints every file's figures and the failing
 * ones, and exits non-zero on a failing file, a failing test, or a run that changed a file git tracks.
 *
 * The suites run in shards, one `hardhat coverage` process each, at the same time (Hardhat runs the tests on one
 * core; the gate has to finish in under 10 minutes on 2): the test files are split into shards of about equal
 * instrumented time (the plan's `fileSeconds`, below), each shard runs in its own temporary copy of the working tree (its own artifacts/,
 * cache/, typechain-types/, coverage/ and coverage.json; node_modules linked), and the shards' coverage maps, which
 * come from the same instrumentation of the same sources (checked), are summed into coverage/ here.
 *
 * Usage: npm run coverage:gate                 (run the suites instrumented, then check)
 *        npm run coverage:gate -- --shards 1   (one process instead of 2)
 *        npm run coverage:gate -- --check-only (check the last run's coverage/coverage-summary.json)
 *        npm run coverage:gate -- --only test/core/LRTMathLib.test.ts,test/lrt/LRTPriceFeed.test.ts
 *                                              (those files only: to try the gate itself; the figures fall short)
 *        npm run coverage:gate -- --measure    (every test, recording the probes each one hits; writes the plan)
 *        npm run coverage:gate -- --plan-only  (the plan again from the last measuring run's coverage/probes.json)
 *
 * The plan (scripts/coverage-plan.json, written by `--measure`): the tests of at least MIN_REDUNDANT_SECONDS whose
 * every probe (line, function, branch, condition) other tests of the gate also hit, chosen longest first; the gate
 * leaves them out of the instrumented run (they run in `npm test` as every test does). Every probe the measuring run
 * hit is still hit by a test that runs, so the figures are the measuring run's; a change that leaves code reached only
 * by a left-out test shows as a file short of its figures, and `--measure` again puts that test back.
 */
import { spawn, execFileSync, ChildProcess } from "child_process";
import fs from "fs";
import { createRequire } from "module";
import os from "os";
import path from "path";

/** istanbul's per-file coverage object, as solidity-coverage writes it to coverage.json. */
interface FileCoverage {
  path: string;
  l: Record<string, number>;
  s: Record<string, number>;
  b: Record<string, number[]>;
  f: Record<string, number>;
  statementMap: Record<string, unknown>;
  branchMap: Record<string, unknown>;
  fnMap: Record<string, unknown>;
}
type CoverageMap = Record<string, FileCoverage>;
/**
 * The part of sc-istanbul (solidity-coverage's istanbul 0.4, installed with it; no type declarations) that writes the
 * merged reports of the shards as solidity-coverage writes one run's (lib/api.js, report()).
 */
interface Collector {
  add(coverage: CoverageMap): void;
}
interface Reporter {
  add(fmt: string): void;
  write(collector: Collector, sync: boolean, callback: (error?: Error) => void): void;
}
interface ScIstanbul {
  Collector: new () => Collector;
  Reporter: new (cfg: false, dir: string) => Reporter;
}
const istanbul = createRequire(__filename)("sc-istanbul") as ScIstanbul;

const root = path.resolve(__dirname, "..");
const coverageDir = path.join(root, "coverage");
const summaryFile = path.join(coverageDir, "coverage-summary.json");
/** Where the gate writes the instrumented seconds each test file took in the last run (git-ignored, as coverage/). */
const secondsFile = path.join(coverageDir, "file-seconds.json");

/** Contracts the gate holds to the thresholds (interfaces have no code; mocks are not instrumented, .solcover.js). */
const MEASURED = ["contracts/core/", "contracts/lrt/", "contracts/libraries/"];
const MIN_LINES_PCT = 95;
const MIN_BRANCHES_PCT = 90;
/** Processes run at once: the 2 cores issue #12 budgets for. */
const DEFAULT_SHARDS = 2;

/** The suites run instrumented: the unit and attack suites (their users of test/behaviours included). */
const SUITES = ["test/core", "test/lrt", "test/attacks"];
/**
 * Tests left out of the instrumented run, by full mocha title (a regular expression each): the randomized walks and one
 * gas measurement (docs/verification.md, "Coverage gate", has the measurements). The four attack walks and the gas test
 * took 920 s of a 2,290 s instrumented run and added no covered line, statement, function or branch to any file.
 * test/model (the protocol's random walk) is not in SUITES at all.
 */
const EXCLUDED_TESTS: ReadonlyArray<{ title: string; why: string }> = [
  {
    title: "^RewardDistributor scenarios random scenarios against the reference model",
    why: "3 seeds x 120 random steps, each compared with the reward model after every step",
  },
  {
    title: "^RewardDistributor\\.pendingRewardsIn and pendingRewardsOf seed ",
    why: "2 seeds of random states, every staker and token compared after every step",
  },
  {
    title: "^Attack: magnitude collapse makes an allocation unslashable \\(issue 9, finding 1\\) property: ",
    why: "6 seeds x 30 random steps, requests probed at 3 fractions after each (400 s instrumented)",
  },
  {
    title:
      "^Attack: a request that reserves no tokens leaves the pool open \\(issue 9, finding 2\\) property: ",
    why: "4 seeds x 60 random steps (210 s instrumented)",
  },
  {
    title: "random worlds \\(3 seeds x 30 steps",
    why: "DeallocationGate: 3 seeds x 30 random steps, requests probed at every window edge (185 s instrumented)",
  },
  {
    title: "random operator schedules \\(16 seeds",
    why: "DeallocationGate: 16 random schedules (20 s instrumented)",
  },
  {
    title: "^Slashing gas costs the same to request and execute with 1 staker or 50 stakers",
    why: "a gas measurement (meaningless on instrumented code) that deposits for 50 stakers (105 s instrumented)",
  },
];

/** Tests of at least this many seconds (instrumented, in the measuring run) may be left out as covered by others. */
const MIN_REDUNDANT_SECONDS = 2;
const planFile = path.join(root, "scripts", "coverage-plan.json");
/** The measuring run's records (git-ignored, as coverage/): `--plan-only` plans again from them. */
const probesFile = path.join(coverageDir, "probes.json");

/** One test of the measuring run, as .solcover.js's reporter writes it. */
interface TestRecord {
  file: string;
  title: string;
  ms: number;
  /** The probes hit since the previous test ended ("contracts/...|type|id|location"). */
  hits: string[];
}

/** scripts/coverage-plan.json. */
interface Plan {
  measured: string;
  minSeconds: number;
  /** Probes the measuring run hit, and how many of them the kept tests hit (the same figure, by construction). */
  probes: number;
  /** Seconds each file's kept tests took instrumented: the shards are balanced with them. */
  fileSeconds: Record<string, number>;
  /** Tests left out, by full title (all tests of that title, in the files listed). */
  redundant: Array<{ title: string; files: string[]; seconds: number }>;
}

function readPlan(): Plan | undefined {
  if (!fs.existsSync(planFile)) return undefined;
  return JSON.parse(fs.readFileSync(planFile, "utf8")) as Plan;
}

/**
 * The plan from a measuring run: tests with the same full title count as one (mocha's grep selects by title), and
 * are taken longest first; one is left out if it took at least `minSeconds` and every probe it hit is hit by another
 * test still kept.
 */
function makePlan(records: TestRecord[], minSeconds: number, measured: string): Plan {
  const units = new Map<string, { files: Set<string>; ms: number; hits: Set<string> }>();
  for (const r of records) {
    const u = units.get(r.title) ?? { files: new Set<string>(), ms: 0, hits: new Set<string>() };
    u.files.add(r.file);
    u.ms += r.ms;
    for (const h of r.hits) u.hits.add(h);
    units.set(r.title, u);
  }
  const count = new Map<string, number>();
  for (const u of units.values()) for (const h of u.hits) count.set(h, (count.get(h) ?? 0) + 1);
  const probes = count.size;
  const redundant: Plan["redundant"] = [];
  const byTime = [...units.entries()].sort((a, b) => b[1].ms - a[1].ms || a[0].localeCompare(b[0]));
  for (const [title, u] of byTime) {
    if (u.ms < minSeconds * 1000) break;
    if (![...u.hits].every((h) => (count.get(h) ?? 0) >= 2)) continue;
    for (const h of u.hits) count.set(h, (count.get(h) ?? 0) - 1);
    redundant.push({ title, files: [...u.files].sort(), seconds: Math.round(u.ms / 1000) });
  }
  const left = new Set(redundant.map((r) => r.title));
  const fileSeconds: Record<string, number> = {};
  for (const r of records) {
    fileSeconds[r.file] = (fileSeconds[r.file] ?? 0) + (left.has(r.title) ? 0 : r.ms / 1000);
  }
  for (const f of Object.keys(fileSeconds)) fileSeconds[f] = Math.round(fileSeconds[f]);
  const kept = [...count.values()].filter((n) => n > 0).length;
  if (kept !== probes) throw new Error(`the plan keeps ${kept} of ${probes} probes`); // cannot happen: checked above
  return {
    measured,
    minSeconds,
    probes,
    fileSeconds: Object.fromEntries(Object.entries(fileSeconds).sort((a, b) => a[0].localeCompare(b[0]))),
    redundant: redundant.sort(
      (a, b) => a.files[0].localeCompare(b.files[0]) || a.title.localeCompare(b.title),
    ),
  };
}

function writePlan(records: TestRecord[], measured: string): void {
  const plan = makePlan(records, MIN_REDUNDANT_SECONDS, measured);
  fs.writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  const total = records.reduce((sum, r) => sum + r.ms, 0) / 1000;
  const leftOut = plan.redundant.reduce((sum, r) => sum + r.seconds, 0);
  console.log(
    `\nPlan: ${plan.redundant.length} of ${records.length} tests (${leftOut.toFixed(0)} of ${total.toFixed(0)} s) ` +
      `left out, every one of the ${plan.probes} probes hit still hit; written to ${path.relative(root, planFile)}`,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** mocha's grep (inverted) for the tests the run leaves out: the walks, and the plan's tests unless measuring. */
function excludedPattern(plan: Plan | undefined): string {
  const patterns = EXCLUDED_TESTS.map((t) => `(?:${t.title})`);
  for (const r of plan?.redundant ?? []) patterns.push(`^${escapeRegExp(r.title)}$`);
  return patterns.join("|");
}

const DEFAULT_FILE_SECONDS = 60;

interface Figure {
  total: number;
  covered: number;
  pct: number | string;
}
interface FileSummary {
  lines: Figure;
  statements: Figure;
  functions: Figure;
  branches: Figure;
}

/** A figure as a percentage; a file with nothing to cover (a library of constants) is fully covered. */
function percent(f: Figure): number {
  return f.total === 0 ? 100 : (100 * f.covered) / f.total;
}

/** Whether `covered / total` reaches `minPct` percent, in exact integer arithmetic (no rounding up to the bar). */
function reaches(f: Figure, minPct: number): boolean {
  return f.covered * 100 >= minPct * f.total;
}

/** Every `*.test.ts` file under the suites, sorted, as paths relative to the repository. */
function testFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".test.ts")) files.push(rel);
    }
  };
  SUITES.forEach(walk);
  return files.sort();
}

/** The plan the run follows (none while measuring: every test runs). */
let runPlan: Plan | undefined;
/** Whether the run records each test's probes (`--measure`). */
let measuring = false;

/** Each file's instrumented seconds in this run, by the plan (only the shards' balance depends on them). */
let balance: Record<string, number> = {};

/** A file's seconds for the shards' balance; a file the plan does not know counts 60. */
function fileSeconds(file: string): number {
  return balance[file] ?? DEFAULT_FILE_SECONDS;
}

/** The seconds of every test the plan measured, left out or not (a measuring run runs them all). */
function allSeconds(plan: Plan): Record<string, number> {
  const seconds = { ...plan.fileSeconds };
  for (const r of plan.redundant) {
    for (const f of r.files) seconds[f] = (seconds[f] ?? 0) + r.seconds / r.files.length;
  }
  return seconds;
}

/** Splits `files` into `count` shards of about equal time: longest first, each to the shard with the least so far. */
function split(files: string[], count: number): string[][] {
  const shards = Array.from({ length: count }, () => ({ files: [] as string[], seconds: 0 }));
  const byTime = [...files].sort((a, b) => fileSeconds(b) - fileSeconds(a) || a.localeCompare(b));
  for (const file of byTime) {
    const lightest = shards.reduce((min, s) => (s.seconds < min.seconds ? s : min));
    lightest.files.push(file);
    lightest.seconds += fileSeconds(file);
  }
  return shards.map((s) => s.files.sort()).filter((s) => s.length !== 0);
}

function gitStatus(): string[] {
  return execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\n")
    .filter((line) => line !== "");
}

/**
 * A temporary copy of the working tree as it is (the files git tracks, as edited, and the untracked ones it does not
 * ignore), with node_modules linked: one shard's own artifacts/, cache/, typechain-types/ and coverage output.
 */
function makeCopy(shard: number, files: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `coverage-gate-${shard}-`));
  for (const rel of files) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, rel), target);
  }
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** The working tree's files (tracked, as edited, and untracked but not ignored) that exist. */
function workingFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  })
    .split("\0")
    .filter((rel) => rel !== "" && !rel.startsWith("node_modules/"))
    .filter((rel) => fs.lstatSync(path.join(root, rel), { throwIfNoEntry: false })?.isFile() === true);
}

interface Shard {
  index: number;
  dir: string;
  files: string[];
  log: string;
  child?: ChildProcess;
}

/** The children's CPU time when the last shard exited (or when the shards started). */
let cpuSeen: { user: number; sys: number } | undefined;

/** Runs `hardhat coverage` on the shard's files in its copy, output to its log; resolves with the exit code. */
function runShard(shard: Shard, started: number): Promise<number> {
  // solidity-coverage takes one glob: a brace list of the files (a single file is its own glob).
  const glob = shard.files.length === 1 ? shard.files[0] : `{${shard.files.join(",")}}`;
  const hardhat = path.join(root, "node_modules", ".bin", "hardhat");
  const env = {
    ...process.env,
    COVERAGE_EXCLUDE_TESTS: excludedPattern(runPlan),
    COVERAGE_FILE_SECONDS: path.join(shard.dir, "file-seconds.json"),
    ...(measuring ? { COVERAGE_PROBES: path.join(shard.dir, "probes.json") } : {}),
  };
  const log = fs.openSync(shard.log, "w");
  return new Promise((resolve, reject) => {
    const child = spawn(hardhat, ["coverage", "--testfiles", glob], {
      cwd: shard.dir,
      env,
      stdio: ["ignore", log, log],
    });
    shard.child = child;
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      fs.closeSync(log);
      shard.child = undefined;
      const result = code ?? (signal !== null ? 1 : 0);
      const cpu = childrenCpu();
      let cpuText = "";
      if (cpu !== undefined && cpuSeen !== undefined) {
        cpuText = `, CPU ${(cpu.user - cpuSeen.user).toFixed(0)} s user + ${(cpu.sys - cpuSeen.sys).toFixed(0)} s sys`;
        cpuSeen = cpu;
      }
      console.log(
        `\n===== shard ${shard.index}: exit code ${result}, ${elapsed(started)} wall${cpuText} =====`,
      );
      process.stdout.write(fs.readFileSync(shard.log, "utf8"));
      console.log(`===== end of shard ${shard.index} =====`);
      resolve(result);
    });
  });
}

/**
 * CPU seconds (user, system) of the children this process has waited for, from /proc/self/stat (cutime, cstime; Linux,
 * 100 ticks a second); undefined elsewhere. Read as each shard exits, the difference is that shard's CPU time: what it
 * would take on a core of its own.
 */
function childrenCpu(): { user: number; sys: number } | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { user: Number(fields[13]) / 100, sys: Number(fields[14]) / 100 };
  } catch {
    return undefined;
  }
}

function elapsed(started: number): string {
  const seconds = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** The maps of one file from two shards describe the same instrumentation: same statements, branches, functions. */
function sameInstrumentation(a: FileCoverage, b: FileCoverage): boolean {
  return (
    JSON.stringify([a.statementMap, a.branchMap, a.fnMap, Object.keys(a.l)]) ===
    JSON.stringify([b.statementMap, b.branchMap, b.fnMap, Object.keys(b.l)])
  );
}

function sumCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const key of Object.keys(into)) into[key] += from[key];
}

/**
 * Sums the shards' coverage maps (keys relative to each copy's root, as solidity-coverage writes coverage.json) file
 * by file: line, statement, function and branch hit counts. istanbul's own merge drops the line counts and derives
 * lines from statements again; solidity-coverage measures lines itself, so they are summed here like the rest.
 */
function mergeMaps(maps: CoverageMap[]): CoverageMap {
  const merged = JSON.parse(JSON.stringify(maps[0])) as CoverageMap;
  const keys = Object.keys(merged).sort();
  for (const [i, map] of maps.entries()) {
    const other = Object.keys(map).sort();
    if (JSON.stringify(other) !== JSON.stringify(keys))
      throw new Error(`shard ${i} instrumented other files than shard 0: ${other.join(", ")}`);
  }
  for (const key of keys) {
    const into = merged[key];
    into.path = path.join(root, key);
    for (const [i, map] of maps.slice(1).entries()) {
      const from = map[key];
      if (!sameInstrumentation(into, from))
        throw new Error(
          `${key}: shard ${i + 1} instrumented it differently from shard 0; the maps do not add up`,
        );
      sumCounts(into.l, from.l);
      sumCounts(into.s, from.s);
      sumCounts(into.f, from.f);
      for (const b of Object.keys(into.b)) into.b[b] = into.b[b].map((hits, j) => hits + from.b[b][j]);
    }
  }
  return merged;
}

/** Writes coverage.json and coverage/ (json-summary, html, text) for `map`, as solidity-coverage does for one run. */
function writeReports(map: CoverageMap): Promise<void> {
  fs.rmSync(coverageDir, { recursive: true, force: true });
  fs.writeFileSync(path.join(root, "coverage.json"), JSON.stringify(map));
  const collector = new istanbul.Collector();
  collector.add(map);
  const reporter = new istanbul.Reporter(false, coverageDir);
  // The summary first: the gate reads it, and the html report reads the sources again.
  for (const fmt of ["json-summary", "html", "text"]) reporter.add(fmt);
  return new Promise((resolve, reject) => {
    reporter.write(collector, true, (error) => (error === undefined ? resolve() : reject(error)));
  });
}

/** Runs the shards at once; returns the problems (failed shards, missing output) and writes the merged reports. */
async function runShards(files: string[], count: number): Promise<string[]> {
  const plan = split(files, count);
  const copied = workingFiles();
  const shards: Shard[] = plan.map((shardFiles, index) => {
    const dir = makeCopy(index, copied);
    return { index, dir, files: shardFiles, log: path.join(dir, "coverage-gate.log") };
  });
  const stop = (): void => {
    for (const s of shards) s.child?.kill("SIGINT");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const problems: string[] = [];
  try {
    for (const s of shards) {
      const seconds = s.files.reduce((sum, f) => sum + fileSeconds(f), 0);
      console.log(
        `shard ${s.index}: ${s.files.length} files, about ${Math.round(seconds)} s of tests by the plan, in ${s.dir}`,
      );
    }
    const started = Date.now();
    const load = os.loadavg()[0].toFixed(2);
    cpuSeen = childrenCpu();
    const codes = await Promise.all(shards.map((s) => runShard(s, started)));
    console.log(
      `\nhardhat coverage: ${shards.length} shards, exit codes ${codes.join(", ")}, ${elapsed(started)} ` +
        `(load average ${load} at the start, ${os.loadavg()[0].toFixed(2)} at the end, ${os.cpus().length} cores)`,
    );
    const maps: CoverageMap[] = [];
    const seconds: Record<string, number> = {};
    const records: TestRecord[] = [];
    for (const [i, s] of shards.entries()) {
      if (codes[i] !== 0)
        problems.push(
          `shard ${i}: hardhat coverage exited with code ${codes[i]} (a failing test or a failed compile)`,
        );
      const json = path.join(s.dir, "coverage.json");
      if (!fs.existsSync(json)) {
        problems.push(`shard ${i}: no coverage.json`);
        continue;
      }
      maps.push(JSON.parse(fs.readFileSync(json, "utf8")) as CoverageMap);
      const times = path.join(s.dir, "file-seconds.json");
      if (fs.existsSync(times)) Object.assign(seconds, JSON.parse(fs.readFileSync(times, "utf8")));
      const probes = path.join(s.dir, "probes.json");
      if (measuring) {
        if (fs.existsSync(probes))
          records.push(...(JSON.parse(fs.readFileSync(probes, "utf8")) as TestRecord[]));
        else problems.push(`shard ${i}: no probes.json (the measuring run records each test's probes)`);
      }
    }
    if (maps.length === shards.length) {
      await writeReports(mergeMaps(maps));
      fs.writeFileSync(secondsFile, `${JSON.stringify(seconds, Object.keys(seconds).sort(), 2)}\n`);
      console.log(`\nInstrumented seconds per test file: ${path.relative(root, secondsFile)}`);
      const slowest = Object.entries(seconds).sort((a, b) => b[1] - a[1]);
      for (const [file, s] of slowest.slice(0, 10)) console.log(`  ${String(s).padStart(6)} s  ${file}`);
      if (measuring && problems.length === 0) {
        fs.writeFileSync(probesFile, JSON.stringify(records));
        writePlan(
          records,
          `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, load average ${load}`,
        );
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    for (const s of shards) fs.rmSync(s.dir, { recursive: true, force: true });
  }
  return problems;
}

function fmtPct(f: Figure): string {
  return `${percent(f).toFixed(2)}% (${f.covered}/${f.total})`;
}

/** Checks coverage/coverage-summary.json; prints the table; returns the failing files. */
function check(): string[] {
  if (!fs.existsSync(summaryFile)) throw new Error(`${summaryFile} not found: run the coverage first`);
  const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as Record<string, FileSummary>;
  const rows = Object.entries(summary)
    .filter(([file]) => file !== "total")
    .map(([file, s]) => ({ file: path.relative(root, path.resolve(root, file)), s }))
    .filter(({ file }) => MEASURED.some((dir) => file.startsWith(dir)))
    .sort((a, b) => a.file.localeCompare(b.file));
  if (rows.length === 0) throw new Error(`no file under ${MEASURED.join(", ")} in ${summaryFile}`);

  const failing: string[] = [];
  const width = Math.max(...rows.map((r) => r.file.length));
  console.log(`\nCoverage gate: lines >= ${MIN_LINES_PCT}%, branches >= ${MIN_BRANCHES_PCT}%, per file\n`);
  console.log(`${"file".padEnd(width)}  ${"lines".padEnd(24)}${"branches".padEnd(24)}verdict`);
  for (const { file, s } of rows) {
    const short: string[] = [];
    if (!reaches(s.lines, MIN_LINES_PCT)) short.push(`lines < ${MIN_LINES_PCT}%`);
    if (!reaches(s.branches, MIN_BRANCHES_PCT)) short.push(`branches < ${MIN_BRANCHES_PCT}%`);
    if (short.length !== 0) failing.push(`${file}: ${short.join(", ")}`);
    const verdict = short.length === 0 ? "ok" : `FAIL (${short.join(", ")})`;
    console.log(
      `${file.padEnd(width)}  ${fmtPct(s.lines).padEnd(24)}${fmtPct(s.branches).padEnd(24)}${verdict}`,
    );
  }
  return failing;
}

function shardCount(): number {
  const i = process.argv.indexOf("--shards");
  if (i === -1) return DEFAULT_SHARDS;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--shards takes a whole number >= 1, not ${process.argv[i + 1]}`);
  return n;
}

/** `--only a,b`: the test files under these paths only (to try a change of the gate; the figures then fall short). */
function onlyFiles(files: string[]): string[] {
  const i = process.argv.indexOf("--only");
  if (i === -1) return files;
  const prefixes = (process.argv[i + 1] ?? "").split(",").filter((p) => p !== "");
  const kept = files.filter((f) => prefixes.some((p) => f.startsWith(p)));
  if (kept.length === 0) throw new Error(`--only ${process.argv[i + 1]}: no test file of the suites matches`);
  return kept;
}

async function main(): Promise<number> {
  const checkOnly = process.argv.includes("--check-only");
  measuring = process.argv.includes("--measure");
  if (process.argv.includes("--plan-only")) {
    if (!fs.existsSync(probesFile))
      throw new Error(`${path.relative(root, probesFile)} not found: run --measure`);
    writePlan(
      JSON.parse(fs.readFileSync(probesFile, "utf8")) as TestRecord[],
      `${readPlan()?.measured ?? "?"}`,
    );
    return 0;
  }
  const plan = readPlan();
  runPlan = measuring ? undefined : plan;
  balance = plan === undefined ? {} : measuring ? allSeconds(plan) : plan.fileSeconds;
  const problems: string[] = [];
  if (!checkOnly) {
    const files = onlyFiles(testFiles());
    const count = shardCount();
    console.log(`Coverage gate: ${files.length} test files of ${SUITES.join(", ")}; left out of this run:`);
    for (const t of EXCLUDED_TESTS) console.log(`  /${t.title}/: ${t.why}`);
    if (runPlan !== undefined) {
      const seconds = runPlan.redundant.reduce((sum, r) => sum + r.seconds, 0);
      console.log(
        `  ${runPlan.redundant.length} tests (${seconds} s instrumented) whose every probe other tests hit ` +
          `(${path.relative(root, planFile)}, measured ${runPlan.measured})`,
      );
    } else if (measuring)
      console.log("  (measuring: every other test runs, and each one's probes are recorded)");
    fs.rmSync(summaryFile, { force: true }); // never check an earlier run's figures
    const before = gitStatus();
    problems.push(...(await runShards(files, count)));
    const after = gitStatus();
    // A measuring run writes the plan (tracked) on purpose.
    const planLine = (line: string): boolean => measuring && line.endsWith(path.relative(root, planFile));
    const changed = after.filter((line) => !before.includes(line) && !planLine(line));
    if (changed.length !== 0)
      problems.push(`the run changed files git tracks or sees:\n    ${changed.join("\n    ")}`);
  }
  if (fs.existsSync(summaryFile)) problems.push(...check());
  else problems.push(`${path.relative(root, summaryFile)} not written: nothing to check`);
  if (problems.length === 0) {
    console.log("\nCoverage gate: passed");
    return 0;
  }
  console.log(`\nCoverage gate: FAILED\n  ${problems.join("\n  ")}`);
  if (runPlan !== undefined && !measuring)
    console.log(
      `  (a file short of its figures after a change may be reached only by a test the plan leaves out: ` +
        `npm run coverage:gate -- --measure)`,
    );
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
