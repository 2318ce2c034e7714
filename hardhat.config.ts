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

const DEPLOYER_PRIVATE_KEY = process.env.DEPLOYER_PRIVATE_KEY?.trim() ?? "";

// Testnets never break local commands: a missing URL yields a placeholder, a missing key yields no accounts.
function testnet(rpcUrlEnvVar: string, chainId: number): NetworkUserConfig {
  const url =
    process.env[rpcUrlEnvVar]?.trim() ||
    `http://${rpcUrlEnvVar.toLowerCase().replace(/_/g, "-")}-unset.invalid`;
  return {
    url,
    chainId,
    ...(DEPLOYER_PRIVATE_KEY !== "" ? { accounts: [DEPLOYER_PRIVATE_KEY] } : {}),
  };
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
    sepolia: testnet("SEPOLIA_RPC_URL", 11155111),
    holesky: testnet("HOLESKY_RPC_URL", 17000),
    hoodi: testnet("HOODI_RPC_URL", 560048),
  },
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
