import path from "path";
import { HardhatUserConfig, subtask } from "hardhat/config";
import type { NetworkUserConfig } from "hardhat/types";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
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
    timeout: 120000,
  },
  paths: {
    sources: "contracts",
    tests: "test",
    cache: "cache",
    artifacts: "artifacts",
  },
};

export default config;
