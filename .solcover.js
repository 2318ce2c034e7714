// solidity-coverage (`npx hardhat coverage`, and the gate `npm run coverage:gate`, scripts/coverage-gate.ts):
// measure the protocol, not the test doubles.
//
// The instrumented compile regenerates typechain-types/ (the factories carry the bytecode, and the tests and sdk/
// deploy through them, so the instrumented bytecode must be there while the tests run). The hooks below copy
// typechain-types/ aside before that compile and put it back once the tests are done (or when the process exits
// early), so that every coverage run leaves the committed bindings as they were.
// solidity-coverage loads this file with require(): a CommonJS module.
/* eslint-disable @typescript-eslint/no-require-imports */
const fs = require("fs");
const os = require("os");
const path = require("path");

const BINDINGS = path.join(__dirname, "typechain-types");
let saved; // the copy of typechain-types/ while a run holds the instrumented one

function restoreBindings() {
  if (saved === undefined) return;
  fs.rmSync(BINDINGS, { recursive: true, force: true });
  fs.cpSync(saved, BINDINGS, { recursive: true, preserveTimestamps: true });
  fs.rmSync(path.dirname(saved), { recursive: true, force: true });
  saved = undefined;
}

// The gate's measuring run (`npm run coverage:gate -- --measure`) records which probes each test hits: it needs
// solidity-coverage's instrumentation data, which the plugin keeps in its API object; the object is caught here, when
// the plugin attaches it to the Hardhat network (this file is loaded before that).
let coverageApi;
if (process.env.COVERAGE_PROBES) {
  const API = require("solidity-coverage/lib/api");
  const attach = API.prototype.attachToHardhatVM;
  API.prototype.attachToHardhatVM = function (provider) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the plugin's API object, kept for the reporter
    coverageApi = this;
    return attach.call(this, provider);
  };
}

/**
 * The probes (line, function, branch, and the conditions of `&&` and `||`) hit since the last call, as
 * "contracts/...|type|id|location" (the same key in every copy of the tree; the probes' hashes depend on the path).
 * A `require` or a modifier has no probe per outcome: solidity-coverage counts the checks made (pre) and passed (post)
 * and derives the branch (passed = post, refused = pre - post, summed over the run), so the key says which outcome the
 * test had: "|require|id|passed" when a check passed, "|require|id|refused" when one did not.
 */
function probeReader() {
  const seen = new Map();
  return () => {
    const hit = [];
    if (coverageApi === undefined) return hit;
    const checks = new Map();
    for (const [hash, d] of Object.entries(coverageApi.instrumenter.instrumentationData)) {
      const before = seen.get(hash) ?? 0;
      if (d.hits === before) continue;
      seen.set(hash, d.hits);
      const file = path.relative(__dirname, d.contractPath);
      if (d.type === "requirePre" || d.type === "requirePost") {
        const key = `${file}|require|${d.id}`;
        const c = checks.get(key) ?? { made: 0, passed: 0 };
        if (d.type === "requirePre") c.made += d.hits - before;
        else c.passed += d.hits - before;
        checks.set(key, c);
      } else hit.push(`${file}|${d.type}|${d.id}|${d.locationIdx ?? ""}`);
    }
    for (const [key, c] of checks) {
      if (c.passed > 0) hit.push(`${key}|passed`);
      if (c.made > c.passed) hit.push(`${key}|refused`);
    }
    return hit;
  };
}

/**
 * A mocha reporter that prints as the spec reporter does and writes, at the end of the run, the seconds each test file's
 * top-level suites took to `file` ({ "test/...": seconds }, paths relative to the repository). With `probesFile`, it
 * also writes every test's full title, file, milliseconds and the probes hit since the previous test ended (its hooks
 * included) to that file: the gate's measuring run (scripts/coverage-gate.ts, `--measure`).
 */
function fileTimer(file, probesFile) {
  const Mocha = require("mocha");
  const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_END, EVENT_RUN_END } = Mocha.Runner.constants;
  return class FileTimer extends Mocha.reporters.Spec {
    constructor(runner, options) {
      super(runner, options);
      const started = new Map();
      const seconds = {};
      const tests = [];
      const probes = probeReader();
      runner.on(EVENT_SUITE_BEGIN, (suite) => {
        if (suite.file !== undefined && suite.parent !== undefined && suite.parent.root)
          started.set(suite, Date.now());
      });
      runner.on(EVENT_SUITE_END, (suite) => {
        if (!started.has(suite)) return;
        const rel = path.relative(__dirname, suite.file);
        seconds[rel] = Math.round((seconds[rel] ?? 0) + (Date.now() - started.get(suite)) / 1000);
      });
      if (probesFile) {
        runner.on(EVENT_TEST_END, (test) => {
          const rel = path.relative(__dirname, test.file ?? "");
          tests.push({ file: rel, title: test.fullTitle(), ms: test.duration ?? 0, hits: probes() });
        });
      }
      runner.once(EVENT_RUN_END, () => {
        fs.writeFileSync(file, JSON.stringify(seconds));
        if (probesFile) fs.writeFileSync(probesFile, JSON.stringify(tests));
      });
    }
  };
}

module.exports = {
  skipFiles: ["mocks/"],
  // The gate holds files to lines and branches (scripts/coverage-gate.ts): statement probes would only add
  // instrumented steps (each probe is a PUSH and a POP that the collector sees in JavaScript). Function probes stay:
  // solidity-coverage registers modifier probes with them, and counts each use of a modifier (a guard, a role check, a
  // pause check) as a branch the gate holds to 90%.
  measureStatementCoverage: false,
  // coverage/coverage-summary.json (json-summary) is what the gate reads; html for people, text for the log.
  istanbulReporter: ["html", "json-summary", "text"],
  onPreCompile: () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "typechain-types-"));
    saved = path.join(dir, "typechain-types");
    fs.cpSync(BINDINGS, saved, { recursive: true, preserveTimestamps: true });
    process.once("exit", restoreBindings);
  },
  onCompileComplete: async () => {
    // A compile that found the instrumented build of an earlier coverage run in artifacts/ compiles nothing and so
    // generates no bindings: the tests would deploy the committed, uninstrumented bytecode and measure nothing.
    // Regenerate every binding from the instrumented artifacts (the typechain task compiles first: a cache hit now).
    const hre = require("hardhat");
    await hre.run("typechain");
  },
  onServerReady: (config) => {
    // Instrumented code runs several times slower than the optimized build: a longer per-test timeout than
    // hardhat.config.ts's 600 s (mocha options given here, outside a hook, are not read by the Hardhat plugin).
    config.mocha = { ...config.mocha, timeout: 1_200_000 };
    // The gate runs the unit and attack suites without their long random walks: COVERAGE_EXCLUDE_TESTS is a regular
    // expression on full test titles (mocha's grep, inverted).
    const exclude = process.env.COVERAGE_EXCLUDE_TESTS;
    if (exclude !== undefined && exclude !== "") {
      config.mocha = { ...config.mocha, grep: exclude, invert: true };
    }
    // The gate's shards time their test files (scripts/coverage-gate.ts): COVERAGE_FILE_SECONDS names the output.
    const secondsFile = process.env.COVERAGE_FILE_SECONDS;
    if (secondsFile !== undefined && secondsFile !== "") {
      config.mocha = { ...config.mocha, reporter: fileTimer(secondsFile, process.env.COVERAGE_PROBES) };
    }
  },
  onTestsComplete: restoreBindings,
};
