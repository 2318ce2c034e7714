import os from "os";
import path from "path";
import { HardhatUserConfig, subtask } from "hardhat/config";
import type { NetworkUserConfig } from "hardhat/types";
import {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_TEST_GET_TEST_FILES,
} from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
// Storage-layout validation of upgrades (sdk/upgrades.ts). It adds `storageLayout` to the compiler output selection
// (bytecode unchanged) and compiles a namespaced copy of the sources with the same solc build as below.
import "@openzeppelin/hardhat-upgrades";
import "dotenv/config";

import "./tasks";
import { NETWORKS } from "./deploy/config";
import { isPrivateKey, isRpcUrl } from "./sdk/env";

// Hardhat cannot download solc on this machine: compile with the pinned solcjs from node_modules.
// node_modules/solc/package.json is the single source of truth for the compiler version.
const SOLC_PACKAGE_DIR = path.dirname(require.resolve("solc/package.json"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SOLC_VERSION: string = (require("solc/package.json") as { version: string }).version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion === SOLC_VERSION) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: path.join(SOLC_PACKAGE_DIR, "soljson.js"),
      isSolcJs: true,
      version: args.solcVersion,
      longVersion: solc.version(),
    };
  }
  return runSuper();
});

// `npm test` runs the files in parallel, one Hardhat network per worker (docs/verification.md, "In CI"). A worker
// takes the next file when it finishes one, so the longest files start first: the property test alone takes about as
// long as all the others together, and the package test waits on npm and tsc.
const LONGEST_FIRST = ["test/model/PropertyModel.test.ts", "test/package/consumer.test.ts"];

subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, hre, runSuper) => {
  const files = (await runSuper(args)) as string[];
  const rank = (file: string): number => {
    const i = LONGEST_FIRST.indexOf(path.relative(hre.config.paths.root, file).split(path.sep).join("/"));
    return i === -1 ? LONGEST_FIRST.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b));
});

// A malformed key must not break local commands (compile, test): it is left out here, and the deploy's own check
// (deploy/config.ts) names it before any transaction on the network that needs it.
const DEPLOYER_PRIVATE_KEY = process.env.DEPLOYER_PRIVATE_KEY?.trim() ?? "";

// Public networks come from deploy/config.ts. A missing RPC URL yields a placeholder that the deploy's check reports
// by its variable's name before anything connects.
function publicNetworks(): Record<string, NetworkUserConfig> {
  const networks: Record<string, NetworkUserConfig> = {};
  for (const [name, spec] of Object.entries(NETWORKS)) {
    if (spec.kind !== "public" || spec.rpcUrlEnv === undefined) continue;
    const url = process.env[spec.rpcUrlEnv]?.trim() ?? "";
    networks[name] = {
      url: isRpcUrl(url) ? url : `http://${spec.rpcUrlEnv.toLowerCase().replace(/_/g, "-")}-unset.invalid`,
      chainId: spec.chainId,
      ...(isPrivateKey(DEPLOYER_PRIVATE_KEY) ? { accounts: [DEPLOYER_PRIVATE_KEY] } : {}),
    };
  }
  return networks;
}

const config: HardhatUserConfig = {
  solidity: {
    compilers: [
      {
        version: SOLC_VERSION,
        settings: {
          optimizer: { enabled: true, runs: 200 },
          evmVersion: "cancun",
        },
      },
    ],
    // SlashingManager is over EIP-170's 24,576-byte limit at 200 runs; 20 runs keep it under with its gas within
    // target (docs/design-decisions.md, "SlashingManager is compiled with 20 optimizer runs").
    overrides: {
      "contracts/core/SlashingManager.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 20 }, evmVersion: "cancun" },
      },
    },
  },
  networks: {
    hardhat: {
      allowUnlimitedContractSize: false,
    },
    localhost: {
      url: "http://127.0.0.1:8545",
    },
    ...publicNetworks(),
  },
  // Etherscan's v2 API: one key for every chain; chains hardhat-verify does not know get their explorer from
  // deploy/config.ts (`npm run verify -- --network <name>`, tasks/verify.ts).
  etherscan: {
    apiKey: process.env.ETHERSCAN_API_KEY?.trim() ?? "",
    customChains: Object.entries(NETWORKS).flatMap(([network, spec]) =>
      spec.explorer === undefined
        ? []
        : [
            {
              network,
              chainId: spec.chainId,
              urls: { apiURL: spec.explorer.apiUrl, browserURL: spec.explorer.browserUrl },
            },
          ],
    ),
  },
  sourcify: { enabled: false },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    outputFile: "reports/gas-report.txt",
    noColors: true,
  },
  mocha: {
    // Per test. The longest deterministic tests (random walks over a reference model) take about 70 s on a core of their
    // own; `npm test` in CI shares 2 cores between its two workers and the coverage gate's two shards.
    timeout: 600_000,
    // Workers of `hardhat test --parallel` (npm test): one per core, at least two.
    jobs: Math.max(2, os.cpus().length),
  },
  paths: {
    sources: "contracts",
    tests: "test",
    cache: "cache",
    artifacts: "artifacts",
  },
};

export default config;
