/**
 * The integrators' package end to end (issue #11, docs/integration.md): `npm pack` builds the tarball (its `prepack`
 * runs `npm run build:package`), a fresh TypeScript project in a temporary folder installs it, and two consumers
 * (CommonJS and ES module, the same sources: examples/consumer/main.ts and the doc's snippets in
 * examples/integration/) are typechecked with `tsc --strict` and run with node against the in-process Hardhat chain,
 * served over JSON-RPC from this process: each deploys the core and the LRT with the package's sdk, and deposits into
 * both.
 *
 * Offline: the consumer project takes ethers, typescript and @types/node as `file:` links to this repository's
 * node_modules, and `npm install <tarball> --offline` installs the package next to them (ethers, its peer dependency,
 * is then satisfied by the link; nothing is fetched). Set KEEP_CONSUMER=1 to keep the temporary folder for a look.
 */
import { execFile } from "child_process";
import fs from "fs";
import { createRequire } from "module";
import os from "os";
import path from "path";
import { promisify } from "util";
import { expect } from "chai";
import { network } from "hardhat";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";

import { packagedRecords } from "../../scripts/build-package";
// SharesMathLib: the first deposit into an empty pool mints VIRTUAL_SHARES (1e6) shares per asset unit.
import { VIRTUAL_SHARES } from "../../sdk/views";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

interface PackedFile {
  path: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}

/** What examples/consumer/main.ts prints. */
interface ConsumerReport {
  chainId: string;
  vault: string;
  operator: string;
  quotedShares: string;
  shares: string;
  assets: string;
  rate: string;
  poolTotalAssets: string;
  operatorStake: string;
  avsRegistered: boolean;
  allocation: { current: string; target: string; effectAt: string };
  withdrawalId: string;
  withdrawalReadyAt: string;
  lrt: {
    token: string;
    entryPoint: string;
    nodePredicted: string;
    node: string;
    shares: string;
    supply: string;
    totalValue: string;
  };
  deploymentChains: string[];
  sameDeployments: boolean;
  noDeployment: string;
}

const DEPOSIT = 10n * 10n ** 18n;
/** What examples/consumer/main.ts deposits into the LRT (a token the oracle double prices at 1 ETH). */
const LRT_DEPOSIT = 4n * 10n ** 18n;

function link(name: string): string {
  return `file:${path.join(ROOT, "node_modules", name)}`;
}

/** A consumer project of `type` ("commonjs" or "module") under `dir`, with the example sources copied in. */
function writeConsumer(dir: string, type: "commonjs" | "module"): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `consumer-${type}`, private: true, type }),
  );
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "node16",
        moduleResolution: "node16",
        strict: true,
        skipLibCheck: false,
        types: ["node"],
        outDir: "out",
        rootDir: ".",
      },
      include: ["consumer", "integration"],
    }),
  );
  for (const sub of ["consumer", "integration"]) {
    fs.cpSync(path.join(ROOT, "examples", sub), path.join(dir, sub), { recursive: true });
  }
}

describe("the integrators' package (npm pack, a TypeScript consumer in a temporary folder)", function () {
  // npm pack builds dist/ (two tsc runs) and each consumer runs tsc on the package's declarations: about a minute
  // on a quiet machine, more on a shared one.
  this.timeout(600_000);

  let dir: string;
  let packed: PackResult;
  let server: JsonRpcServer;
  let rpcUrl: string;
  let snapshot: string;
  const seconds: Record<string, number> = {};

  async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
    const started = Date.now();
    const result = await step();
    seconds[label] = (Date.now() - started) / 1000;
    return result;
  }

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "restaking-consumer-"));
    const { stdout } = await timed("npm pack (build:package)", () =>
      run(NPM, ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }),
    );
    // npm prints the prepack script's output before the JSON.
    const json = stdout.slice(stdout.indexOf("[\n"));
    [packed] = JSON.parse(json) as PackResult[];

    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: {
          ethers: link("ethers"),
          typescript: link("typescript"),
          "@types/node": link("@types/node"),
        },
      }),
    );
    await timed("npm install (offline)", () =>
      run(
        NPM,
        [
          "install",
          path.join(dir, packed.filename),
          "--offline",
          "--no-audit",
          "--no-fund",
          "--ignore-scripts",
          "--install-links=false",
        ],
        { cwd: dir },
      ),
    );
    writeConsumer(path.join(dir, "cjs"), "commonjs");
    writeConsumer(path.join(dir, "esm"), "module");

    server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider: network.provider });
    const { address, port } = await server.listen();
    rpcUrl = `http://${address}:${port}`;
    snapshot = (await network.provider.request({ method: "evm_snapshot" })) as string;
  });

  after(async function () {
    if (snapshot !== undefined) await network.provider.request({ method: "evm_revert", params: [snapshot] });
    if (server !== undefined) await server.close();
    if (dir !== undefined && process.env.KEEP_CONSUMER === undefined)
      fs.rmSync(dir, { recursive: true, force: true });
    console.log(`      package test steps (s): ${JSON.stringify(seconds)}`);
  });

  it("ships dist/ only (no test/, no sources), ESM marked as such, ethers as a peer dependency", function () {
    const files = packed.files.map((f) => f.path);
    expect(files.filter((f) => !f.startsWith("dist/"))).to.have.members(["package.json", "README.md"]);
    for (const entry of [
      "dist/cjs/pkg/index.js",
      "dist/esm/pkg/index.js",
      "dist/esm/package.json",
      "dist/types/cjs/pkg/index.d.ts",
      "dist/types/esm/pkg/index.d.ts",
      "dist/cjs/sdk/index.js",
      "dist/esm/pkg/deployments.js",
      "dist/abi/RestakingVault.json",
      "dist/abi/LRTPriceFeed.json",
    ]) {
      expect(files, entry).to.include(entry);
    }
    // Test doubles ship as factories (for integrators' local tests), not as ABIs of deployed contracts.
    expect(files).to.include("dist/esm/typechain-types/factories/contracts/mocks/MockERC20__factory.js");
    expect(files.filter((f) => f.startsWith("dist/abi/Mock"))).to.deep.equal([]);
    // The LRT's deploy ships (it links the libraries through the typechain factories); the hardhat-dependent sdk
    // module (upgrade checks through the Hardhat plugin) stays out.
    for (const format of ["cjs", "esm"]) expect(files).to.include(`dist/${format}/sdk/lrt.js`);
    expect(files.filter((f) => /\/sdk\/upgrades\./.test(f))).to.deep.equal([]);

    const installed = path.join(dir, "node_modules", "restaking-protocol");
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
      peerDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(manifest.peerDependencies).to.deep.equal({ ethers: "^6.16.0" });
    expect(manifest.dependencies).to.equal(undefined);
    expect(fs.existsSync(path.join(installed, "node_modules"))).to.equal(false); // no bundled ethers
    expect(
      JSON.parse(fs.readFileSync(path.join(installed, "dist", "esm", "package.json"), "utf8")),
    ).to.deep.equal({
      type: "module",
    });
    // The abi entry: `restaking-protocol/abi/<Contract>` is the JSON ABI.
    // Resolved from the consumer project (from this file, the name would resolve to this repository itself).
    const abiFile = createRequire(path.join(dir, "package.json")).resolve(
      "restaking-protocol/abi/RestakingVault",
    );
    expect(path.relative(installed, abiFile)).to.equal(path.join("dist", "abi", "RestakingVault.json"));
    const abi = JSON.parse(fs.readFileSync(abiFile, "utf8")) as Array<{ type: string; name?: string }>;
    expect(abi.some((item) => item.type === "function" && item.name === "depositWithPermit")).to.equal(true);
    // No shipped module requires hardhat at run time.
    const requiresHardhat = files.filter(
      (f) => f.endsWith(".js") && /["']hardhat["'/]/.test(fs.readFileSync(path.join(installed, f), "utf8")),
    );
    expect(requiresHardhat).to.deep.equal([]);
  });

  it("typechecks the CommonJS and the ES-module consumer with tsc --strict (declarations included)", async function () {
    const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
    // The two projects are independent: check them at once.
    await Promise.all(
      ["cjs", "esm"].map((format) =>
        timed(`tsc --strict ${format}`, async () => {
          try {
            await run(process.execPath, [tsc, "-p", path.join(dir, format, "tsconfig.json")], { cwd: dir });
          } catch (error) {
            const { stdout, stderr } = error as { stdout?: string; stderr?: string };
            throw new Error(`tsc failed on the ${format} consumer:\n${stdout ?? ""}${stderr ?? ""}`);
          }
        }),
      ),
    );
    const cjs = fs.readFileSync(path.join(dir, "cjs", "out", "consumer", "main.js"), "utf8");
    const esm = fs.readFileSync(path.join(dir, "esm", "out", "consumer", "main.js"), "utf8");
    expect(cjs).to.match(/require\("restaking-protocol"\)/);
    expect(esm).to.match(/from "restaking-protocol"/);
  });

  for (const format of ["cjs", "esm"] as const) {
    it(`runs the ${format === "cjs" ? "CommonJS" : "ES-module"} consumer against the in-process chain: deploy with the sdk, deposit, read`, async function () {
      const main = path.join(dir, format, "out", "consumer", "main.js");
      expect(fs.existsSync(main), "compiled by the previous test").to.equal(true);
      const { stdout } = await timed(`node ${format}`, () =>
        run(process.execPath, [main], {
          cwd: path.join(dir, format),
          env: { ...process.env, RPC_URL: rpcUrl },
        }),
      );
      const report = JSON.parse(stdout.trim().split("\n").pop() ?? "") as ConsumerReport;
      const chainId = (await network.provider.request({ method: "eth_chainId" })) as string;
      expect(report.chainId).to.equal(BigInt(chainId).toString());
      expect(report.operator).to.match(/^0x[0-9a-fA-F]{40}$/);
      expect(report.operator).to.not.equal("0x0000000000000000000000000000000000000000");
      // A fresh pool: shares = assets * VIRTUAL_SHARES, worth the deposit, rate 1.0.
      expect(BigInt(report.quotedShares)).to.equal(DEPOSIT * VIRTUAL_SHARES);
      expect(BigInt(report.shares)).to.equal(BigInt(report.quotedShares));
      expect(BigInt(report.assets)).to.equal(DEPOSIT);
      expect(BigInt(report.rate)).to.equal(10n ** 18n);
      expect(BigInt(report.poolTotalAssets)).to.equal(DEPOSIT);
      expect(BigInt(report.operatorStake)).to.equal(DEPOSIT);
      expect(report.avsRegistered).to.equal(true);
      // The allocation is an increase: pending (not slashable) until its effect time, after the vault's exits.
      expect(BigInt(report.allocation.current)).to.equal(0n);
      expect(BigInt(report.allocation.target)).to.equal(5n * 10n ** 17n);
      expect(BigInt(report.withdrawalId)).to.be.greaterThan(0n);
      const block = (await network.provider.request({
        method: "eth_getBlockByNumber",
        params: ["latest", false],
      })) as {
        timestamp: string;
      };
      expect(BigInt(report.withdrawalReadyAt)).to.be.greaterThan(BigInt(block.timestamp));
      expect(BigInt(report.allocation.effectAt)).to.be.greaterThan(BigInt(block.timestamp));
      // The LRT deployed by sdk.deployLRT on that core: the node where the sdk predicted it, and a first deposit
      // minting value * (0 + VIRTUAL_SHARES) / (0 + VIRTUAL_VALUE) = value (both offsets are 1e9) at a price of 1 ETH.
      for (const address of [report.lrt.token, report.lrt.entryPoint, report.lrt.node]) {
        expect(address).to.match(/^0x[0-9a-fA-F]{40}$/);
        expect(
          (await network.provider.request({ method: "eth_getCode", params: [address, "latest"] })) as string,
        ).to.not.equal("0x");
      }
      expect(report.lrt.node).to.equal(report.lrt.nodePredicted);
      expect(BigInt(report.lrt.shares)).to.equal(LRT_DEPOSIT);
      expect(BigInt(report.lrt.supply)).to.equal(LRT_DEPOSIT);
      expect(BigInt(report.lrt.totalValue)).to.equal(LRT_DEPOSIT);
      // What deployments/ held at pack time, keyed by chain id; the in-process chain has no record.
      expect(report.deploymentChains).to.deep.equal(
        Object.keys(packagedRecords(path.join(ROOT, "deployments"))),
      );
      expect(report.deploymentChains).to.not.include(report.chainId);
      // The root and the ./deployments entry are one module.
      expect(report.sameDeployments).to.equal(true);
      expect(report.noDeployment).to.equal(
        `restaking-protocol has no deployment on chain ${report.chainId} (it has: none)`,
      );
    });
  }
});
