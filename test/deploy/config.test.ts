import { expect } from "chai";

import { NETWORKS, resolveDeployPlan, type LRTSpec } from "../../deploy/config";
import {
  ConfigError,
  EnvReader,
  addressProblem,
  isPrivateKey,
  isRpcUrl,
  parsePositiveUnits,
} from "../../sdk/env";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const HOODI_OK = { HOODI_RPC_URL: "https://rpc.hoodi.example", DEPLOYER_PRIVATE_KEY: KEY };

/** The problems `resolveDeployPlan` reports for `env`; fails the test if it does not throw a ConfigError. */
function problemsOf(network: string, env: Record<string, string>): readonly string[] {
  try {
    resolveDeployPlan(network, env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  expect.fail(`resolveDeployPlan(${network}) accepted ${JSON.stringify(env)}`);
}

describe("deploy/config.ts: deployment parameters checked before any transaction", function () {
  describe("sdk/env.ts checks", function () {
    it("private keys: 32 bytes of hex in [1, n - 1], with or without 0x", function () {
      expect(isPrivateKey(KEY)).to.equal(true);
      expect(isPrivateKey(KEY.slice(2))).to.equal(true);
      expect(isPrivateKey(KEY.slice(0, -1))).to.equal(false);
      expect(isPrivateKey(`${KEY}0`)).to.equal(false);
      expect(isPrivateKey(`0x${"0".repeat(64)}`)).to.equal(false);
      expect(isPrivateKey("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")).to.equal(
        false,
      );
      expect(isPrivateKey("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")).to.equal(
        true,
      );
      expect(isPrivateKey(`0x${"g".repeat(64)}`)).to.equal(false);
    });

    it("RPC URLs: http(s) and ws(s) only", function () {
      expect(isRpcUrl("https://rpc.example/v1/key")).to.equal(true);
      expect(isRpcUrl("wss://rpc.example")).to.equal(true);
      expect(isRpcUrl("rpc.example")).to.equal(false);
      expect(isRpcUrl("ftp://rpc.example")).to.equal(false);
      expect(isRpcUrl("")).to.equal(false);
    });

    it("addresses: malformed, wrong checksum and zero are told apart", function () {
      expect(addressProblem("0x1234")).to.match(/not an address/);
      expect(addressProblem("0x7E99eE3C66636DE415D2d7C880938F2f40f94de4")).to.match(/checksum/);
      expect(addressProblem("0x7e99ee3c66636de415d2d7c880938f2f40f94de4")).to.equal(null);
      expect(addressProblem("0x0000000000000000000000000000000000000000")).to.equal("is the zero address");
    });

    it("amounts: positive decimals within the token's decimals", function () {
      expect(parsePositiveUnits("2.5", 18)).to.equal(2_500_000_000_000_000_000n);
      expect(parsePositiveUnits("0", 18)).to.match(/not above zero/);
      expect(parsePositiveUnits("1e18", 18)).to.match(/not a decimal number/);
      expect(parsePositiveUnits("0.0000001", 6)).to.equal(
        '"0.0000001" has 7 decimals: a bare number here takes at most 6',
      );
    });

    it("an empty variable never means its default", function () {
      const reader = new EnvReader({ TIMELOCK_DELAY: "" });
      expect(reader.seconds("TIMELOCK_DELAY", 172_800n, 0n, 100n, "")).to.equal(172_800n);
      expect(() => reader.finish("ctx")).to.throw(ConfigError, /TIMELOCK_DELAY is set but empty/);
    });
  });

  describe("resolveDeployPlan", function () {
    it("a local node: defaults, mocks listed, nothing required from the environment", function () {
      const plan = resolveDeployPlan("localhost", {});
      expect(plan.kind).to.equal("local");
      expect(plan.timelockDelay).to.equal(0n);
      expect(plan.admin).to.equal(undefined);
      expect(plan.assets.map((a) => [a.symbol, a.address])).to.deep.equal([
        ["wstETH", "mock"],
        ["rETH", "mock"],
        ["cbETH", "mock"],
      ]);
      expect(plan.assets[0]!.cap).to.equal(1_000_000n * 10n ** 18n);
      expect(plan.rewardTokens.map((t) => t.address)).to.deep.equal(["asset:wstETH", "mock"]);
    });

    it("a public network with its URL and key: Lido's wstETH, a two-day timelock", function () {
      const plan = resolveDeployPlan("hoodi", HOODI_OK);
      expect(plan).to.include({ network: "hoodi", chainId: 560048, kind: "public", timelockDelay: 172_800n });
      expect(plan.rpcUrl).to.equal("https://rpc.hoodi.example");
      expect(plan.assets).to.deep.equal([
        {
          symbol: "wstETH",
          address: "0x7E99eE3C66636DE415D2d7C880938F2f40f94De4",
          decimals: 18,
          cap: 10_000n * 10n ** 18n,
        },
      ]);
    });

    it("names every missing or malformed variable at once, and never echoes the key", function () {
      const problems = problemsOf("hoodi", {
        DEPLOYER_PRIVATE_KEY: "0xdeadbeef",
        TIMELOCK_DELAY: "2 days",
        ADMIN: "0x1234",
        PAUSER: "",
      });
      expect(problems).to.have.length(5);
      expect(problems[0]).to.match(/^HOODI_RPC_URL is not set/);
      expect(problems[1]).to.match(/^DEPLOYER_PRIVATE_KEY is not a private key/);
      expect(problems[1]).not.to.include("deadbeef");
      expect(problems[2]).to.match(/^TIMELOCK_DELAY is not a whole number of seconds: "2 days"/);
      expect(problems[3]).to.match(/^ADMIN is not an address/);
      expect(problems[4]).to.match(/^PAUSER is set but empty/);
    });

    it("TIMELOCK_DELAY= (empty) stops the deploy instead of deploying a zero-delay timelock", function () {
      expect(problemsOf("localhost", { TIMELOCK_DELAY: "" })).to.deep.equal([
        "TIMELOCK_DELAY is set but empty: give a number of seconds, or unset it for 0 s",
      ]);
      expect(
        problemsOf("sepolia", {
          SEPOLIA_RPC_URL: "https://x.example",
          DEPLOYER_PRIVATE_KEY: KEY,
          TIMELOCK_DELAY: " ",
        }),
      ).to.have.length(1);
    });

    it("a zero or sub-day timelock delay on a public network is refused; a day is the floor", function () {
      const zero = problemsOf("hoodi", { ...HOODI_OK, TIMELOCK_DELAY: "0" });
      expect(zero).to.have.length(1);
      expect(zero[0]).to.match(/^TIMELOCK_DELAY is 0 s, outside \[86400, 2592000\] s/);
      expect(problemsOf("hoodi", { ...HOODI_OK, TIMELOCK_DELAY: "86399" })).to.have.length(1);
      expect(resolveDeployPlan("hoodi", { ...HOODI_OK, TIMELOCK_DELAY: "86400" }).timelockDelay).to.equal(
        86_400n,
      );
      expect(resolveDeployPlan("localhost", { TIMELOCK_DELAY: "0" }).timelockDelay).to.equal(0n);
    });

    it("PAUSER=0x1234 stops the deploy before its first transaction, naming the variable", function () {
      expect(problemsOf("localhost", { PAUSER: "0x1234" })).to.deep.equal([
        'PAUSER is not an address (expected 0x followed by 40 hex digits): "0x1234"',
      ]);
    });

    it("a missing RPC URL is named, not left to a DNS error", function () {
      const problems = problemsOf("sepolia", { DEPLOYER_PRIVATE_KEY: KEY });
      expect(problems).to.deep.equal(["SEPOLIA_RPC_URL is not set: the JSON-RPC endpoint of sepolia"]);
      expect(
        problemsOf("sepolia", { DEPLOYER_PRIVATE_KEY: KEY, SEPOLIA_RPC_URL: "sepolia.example" })[0],
      ).to.match(/^SEPOLIA_RPC_URL is not an http\(s\) or ws\(s\) URL/);
    });

    it("ADMIN and PAUSER are checksummed; an unknown network is refused with the known ones", function () {
      const plan = resolveDeployPlan("localhost", {
        ADMIN: "0x7e99ee3c66636de415d2d7c880938f2f40f94de4",
      });
      expect(plan.admin).to.equal("0x7E99eE3C66636DE415D2d7C880938F2f40f94De4");
      expect(problemsOf("mainnet", {})[0]).to.include("known: hardhat, localhost, sepolia, hoodi");
    });

    it("every network's listings are valid: public networks list addresses, never mocks", function () {
      for (const [name, spec] of Object.entries(NETWORKS)) {
        const env =
          spec.kind === "public" ? { [spec.rpcUrlEnv!]: "https://x.example", DEPLOYER_PRIVATE_KEY: KEY } : {};
        const plan = resolveDeployPlan(name, env);
        expect(plan.assets).to.have.length(spec.assets.length);
        expect(plan.rewardTokens).to.have.length(spec.rewardTokens.length);
        if (spec.kind === "public")
          expect(plan.assets.every((a) => a.address.startsWith("0x"))).to.equal(true);
      }
    });
  });

  describe("the LRT's parameters", function () {
    /** The problems of `network` in a copy of NETWORKS whose `network` has `lrt` changed by `change`. */
    function lrtProblems(
      network: string,
      change: Partial<LRTSpec>,
      env: Record<string, string> = {},
    ): readonly string[] {
      const spec = NETWORKS[network]!;
      const networks = { ...NETWORKS, [network]: { ...spec, lrt: { ...spec.lrt, ...change } } };
      try {
        resolveDeployPlan(network, env, networks);
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as ConfigError).problems;
      }
      expect.fail(`resolveDeployPlan(${network}) accepted ${JSON.stringify(change)}`);
    }

    it("a local plan: wstETH and rETH with their adapters, two demo operators, the timelock as treasury", function () {
      const { lrt } = resolveDeployPlan("localhost", {});
      expect(lrt.assets.map((a) => [a.symbol, a.adapter, a.cap, a.maxAge, a.maxMoveBps])).to.deep.equal([
        ["wstETH", "wstETH", 100_000n * 10n ** 18n, 86_400n, 100n],
        ["rETH", "rETH", 100_000n * 10n ** 18n, 86_400n, 100n],
      ]);
      expect([lrt.treasury, lrt.rewardsReceiver, lrt.demoOperators]).to.deep.equal([
        "timelock",
        "timelock",
        2,
      ]);
      expect([lrt.protocolFeeBps, lrt.bufferBps, lrt.baseFeeBps, lrt.maxFeeBps]).to.deep.equal([
        1_000n,
        500n,
        100n,
        500n,
      ]);
      const treasury = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
      const plan = resolveDeployPlan("localhost", { LRT_TREASURY: treasury });
      expect(plan.lrt.treasury).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect(problemsOf("localhost", { LRT_REWARDS_RECEIVER: "0x1234" })).to.deep.equal([
        'LRT_REWARDS_RECEIVER is not an address (expected 0x followed by 40 hex digits): "0x1234"',
      ]);
      const hoodi = resolveDeployPlan("hoodi", HOODI_OK).lrt;
      expect([hoodi.assets.map((a) => a.symbol), hoodi.operators, hoodi.demoOperators]).to.deep.equal([
        ["wstETH"],
        [],
        0,
      ]);
    });

    it("names every bad figure: bps out of range, zero bounds, unknown asset, bad address, demo operators", function () {
      const where = "deploy/config.ts localhost.lrt";
      expect(
        lrtProblems("localhost", {
          treasury: "0x1234",
          protocolFeeBps: 2_500,
          maxFeeBps: 1_500,
          assets: [
            { symbol: "wstETH", adapter: "wstETH", cap: "0", maxAge: 0, maxMoveBps: 0 },
            { symbol: "stETH", adapter: "wstETH", cap: "1", maxAge: 3_600, maxMoveBps: 10 },
          ],
          priceFeed: { description: "x", maxYearlyGrowthBps: 0 },
          operators: ["0xnope"],
        }),
      ).to.deep.equal([
        `${where}.treasury is not an address (expected 0x followed by 40 hex digits): "0x1234" (an address, or "timelock")`,
        `${where}.protocolFeeBps is 2500: an integer from 0 to 2000 basis points`,
        `${where}.maxFeeBps is 1500: an integer from 0 to 1000 basis points`,
        `${where}.assets wstETH: cap "0" is not above zero`,
        `${where}.assets wstETH.maxAge is 0: the staleness bound is 3600 to 604800 seconds`,
        `${where}.assets wstETH.maxMoveBps is 0: an integer from 1 to 1000 basis points`,
        `${where}.assets stETH: not a listed asset of localhost (wstETH, rETH, cbETH)`,
        `${where}.priceFeed.maxYearlyGrowthBps is 0: an integer from 1 to 2000 basis points`,
        `${where}.operators: address is not an address (expected 0x followed by 40 hex digits): "0xnope"`,
      ]);
      expect(lrtProblems("localhost", { baseFeeBps: 50 })).to.deep.equal([
        `${where}.baseFeeBps is 50, below wstETH's maxMoveBps 100: the instant-redeem fee must cover the oracle's ` +
          'largest move per update (docs/lrt.md, "Instant redemption")',
        `${where}.baseFeeBps is 50, below rETH's maxMoveBps 100: the instant-redeem fee must cover the oracle's ` +
          'largest move per update (docs/lrt.md, "Instant redemption")',
      ]);
      expect(lrtProblems("hoodi", { demoOperators: 2 }, HOODI_OK)).to.deep.equal([
        "deploy/config.ts hoodi.lrt.demoOperators is 2: demo operators exist on local chains only",
      ]);
      expect(lrtProblems("localhost", { assets: [] })).to.deep.equal([
        `${where}.assets is empty: the LRT accepts at least one asset`,
      ]);
    });
  });
});
