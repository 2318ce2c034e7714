/**
 * Unit tests of SlashingManager: every external function's effects and events, every custom error with its
 * arguments, the pause groups, access control, upgrades and views. Expected amounts come from the BigInt model in
 * test/helpers/slashingFixtures.ts (DESIGN.md "AVSs, allocations and slashing"), never from the contract.
 *
 * Numbers of stakedFixture used throughout (see STAKES and ALLOCATIONS):
 *   pool (operator1, stETH) = 300 (alice 100 + bob 200); pool (operator1, rETH) = 80 (alice 50 + bob 30);
 *   operator1: X stETH 0.4, X rETH 0.5, Y stETH 0.3; operator2: pool stETH 150, X stETH 0.6; carol 70 undelegated.
 *   A request of X for f = 1/4 against operator1 takes s = 0.1 (stETH) and 0.125 (rETH), reserving 30 and 10.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse } from "ethers";

import { ProtocolProxy__factory, SlashingManager__factory } from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import type { ExpectedEvent } from "../behaviours/common";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import { DAY, DEFAULT_WITHDRAWAL_DELAY, ROLES, WAD } from "../helpers/fixtures";
import {
  ALLOCATIONS,
  AVS2_MAX_SLASH,
  AVS_MAX_SLASH,
  AVS_VETO_WINDOW,
  BURN_ADDRESS,
  DEFAULT_ALLOCATION_DELAY,
  DEREGISTRATION_GAS_NEEDED,
  EMPTY_CONFIG,
  EXECUTION_WINDOW,
  MAX_ALLOCATION_DELAY,
  MAX_VETO_WINDOW,
  OP1_RETH,
  OP1_STETH,
  REGISTRAR_GAS_LIMIT,
  REGISTRAR_MODE,
  SM_GROUP,
  STAKES,
  STATUS,
  ZERO,
  allocatedStakeOf,
  allocationOf,
  avs2Params,
  avsParams,
  deallocationCut,
  expectedConfig,
  magnitudesOf,
  nextTimestamp,
  poolOf,
  reservedAmount,
  scaledPendingDecrease,
  slashMagnitude,
  slashingManagerFixture,
  stakedFixture,
  type AVSParams,
  type SlashingManagerFixture,
  type StakedFixture,
} from "../helpers/slashingFixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { toAssetsDown } from "../helpers/sharesMath";

/** SLASHING_STORAGE_LOCATION as declared in SlashingManager.sol (its ERC-7201 namespace). */
const SLASHING_STORAGE_LOCATION = "0x7001db15732663957cf8da0a5773d4641a03ed7a692cc6f632e08ee61e83bb00";
const EVIDENCE = ethers.id("double-signing evidence");
/** The fraction of the default request of the tests. */
const F = WAD / 4n;
/** What a request of X for F against operator1 takes (see the header). */
const S_STETH = slashMagnitude(ALLOCATIONS.op1AvsStETH, F);
const S_RETH = slashMagnitude(ALLOCATIONS.op1AvsRETH, F);
const AMOUNT_STETH = reservedAmount(OP1_STETH, S_STETH, WAD, 0n);
const AMOUNT_RETH = reservedAmount(OP1_RETH, S_RETH, WAD, 0n);
/** operator1's encumbered stETH magnitude in stakedFixture: X 0.4 + Y 0.3. */
const OP1_STETH_ENCUMBERED = ALLOCATIONS.op1AvsStETH + ALLOCATIONS.op1Avs2StETH;

/** The args of every `name` event `contract` emitted in `tx`, in order. */
async function eventsOf(
  tx: ContractTransactionResponse,
  contract: BaseContract,
  name: string,
): Promise<unknown[][]> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  const address = await contract.getAddress();
  const out: unknown[][] = [];
  for (const log of receipt.logs) {
    if (log.address !== address) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed !== null && parsed.name === name) out.push([...parsed.args]);
  }
  return out;
}

/** The stored configuration of `avs` as an array in struct order. */
async function configOf(f: SlashingManagerFixture, avs: string): Promise<unknown[]> {
  return [...(await f.sm.avsConfig(avs))];
}

/** The pending configuration of `avs` and its effect time. */
async function pendingOf(f: SlashingManagerFixture, avs: string): Promise<[unknown[], bigint]> {
  const [config, effectAt] = await f.sm.pendingAVSConfig(avs);
  return [[...config], effectAt];
}

/** stakedFixture + X's request of F against operator1 (id 1). */
interface RequestedFixture extends StakedFixture {
  requestedAt: bigint;
  executableAt: bigint;
  expiresAt: bigint;
}

async function requestedFixture(): Promise<RequestedFixture> {
  const f = await stakedFixture();
  const requestedAt = await nextTimestamp();
  await (await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE)).wait();
  const executableAt = requestedAt + AVS_VETO_WINDOW;
  return { ...f, requestedAt, executableAt, expiresAt: executableAt + EXECUTION_WINDOW };
}

/** requestedFixture, executed at its executableAt. */
async function executedFixture(): Promise<RequestedFixture> {
  const f = await requestedFixture();
  await time.setNextBlockTimestamp(f.executableAt);
  await (await f.sm.connect(f.outsider).executeSlash(1n)).wait();
  return f;
}

/** What the shared behaviours (test/behaviours) run against. */
interface BehavioursFixture extends RequestedFixture {
  /** Holds PAUSER_ROLE only. */
  pauser: HardhatEthersSigner;
  /** An account that is not an AVS yet. */
  avs3: HardhatEthersSigner;
}

/** requestedFixture at the request's executableAt, with a pauser that is not the admin. */
async function behavioursFixture(): Promise<BehavioursFixture> {
  const f = await requestedFixture();
  const pauser = f.withdrawer;
  const [avs3] = (await ethers.getSigners()).slice(18, 19);
  await (await f.sm.connect(f.admin).grantRole(ROLES.PAUSER, pauser.address)).wait();
  await time.increaseTo(f.executableAt);
  return { ...f, pauser, avs3 };
}

/** slashingManagerFixture + X registered with the MockAVSRegistrar, Y without; neither has operators. */
async function registrarFixture(): Promise<SlashingManagerFixture> {
  const f = await slashingManagerFixture();
  await (
    await f.sm.connect(f.avs).registerAVS("ipfs://avs-x", avsParams(f, { registrar: f.registrarAddress }))
  ).wait();
  await (await f.sm.connect(f.avs2).registerAVS("ipfs://avs-y", avs2Params(f))).wait();
  return f;
}

/** registrarFixture + operator1 and operator2 registered for X (through the registrar). */
async function registeredFixture(): Promise<SlashingManagerFixture> {
  const f = await registrarFixture();
  await (await f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await f.sm.connect(f.operator2).registerOperatorToAVS(f.avs.address, "0x")).wait();
  return f;
}

/** A snapshot of everything a slash request could move for operator1 (pools, magnitudes, allocations, balances). */
async function operator1State(f: StakedFixture): Promise<unknown> {
  const assets = [f.stETHAddress, f.rETHAddress];
  const out: Record<string, unknown> = {};
  for (const asset of assets) {
    out[`pool ${asset}`] = await poolOf(f, f.operator1.address, asset);
    out[`undelegated ${asset}`] = await poolOf(f, ZERO, asset);
    out[`mags ${asset}`] = await magnitudesOf(f, f.operator1.address, asset);
    for (const avs of [f.avs.address, f.avs2.address]) {
      out[`alloc ${avs} ${asset}`] = await allocationOf(f, f.operator1.address, avs, asset);
      out[`stake ${avs} ${asset}`] = await f.sm.allocatedStake(f.operator1.address, avs, asset);
    }
    const token = f.tokens[f.assetAddresses.indexOf(asset)];
    out[`vault balance ${asset}`] = await token.balanceOf(f.vaultAddress);
    out[`escrow ${asset}`] = await token.balanceOf(f.smAddress);
    for (const staker of [f.alice, f.bob])
      out[`position ${staker.address} ${asset}`] = [...(await f.vault.position(staker.address, asset))];
  }
  return out;
}

describe("SlashingManager", function () {
  describe("initialization", function () {
    it("is initialized behind its proxy with the vault, the registry, the admin roles and the constants", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const { sm } = f;
      expect(await sm.vault()).to.equal(f.vaultAddress);
      expect(await sm.registry()).to.equal(f.registryAddress);
      expect(await sm.hasRole(ROLES.DEFAULT_ADMIN, f.admin.address)).to.equal(true);
      expect(await sm.hasRole(ROLES.PAUSER, f.admin.address)).to.equal(true);
      expect(await sm.hasRole(ROLES.DEFAULT_ADMIN, f.outsider.address)).to.equal(false);
      expect((await f.vault.modules())[1]).to.equal(f.smAddress);
      expect(await sm.MAX_VETO_WINDOW()).to.equal(MAX_VETO_WINDOW);
      expect(await sm.EXECUTION_WINDOW()).to.equal(EXECUTION_WINDOW);
      expect(await sm.DEFAULT_ALLOCATION_DELAY()).to.equal(DEFAULT_ALLOCATION_DELAY);
      expect(await sm.MAX_ALLOCATION_DELAY()).to.equal(MAX_ALLOCATION_DELAY);
      expect(await sm.REGISTRAR_GAS_LIMIT()).to.equal(REGISTRAR_GAS_LIMIT);
      expect(await sm.BURN_ADDRESS()).to.equal(BURN_ADDRESS);
      expect([await sm.GROUP_AVS(), await sm.GROUP_ALLOCATIONS(), await sm.GROUP_SLASHING()]).to.deep.equal([
        SM_GROUP.AVS,
        SM_GROUP.ALLOCATIONS,
        SM_GROUP.SLASHING,
      ]);
      // The veto window plus the execution window stays under the shortest withdrawal delay (DESIGN.md).
      expect(MAX_VETO_WINDOW + EXECUTION_WINDOW).to.be.lt(await f.vault.MIN_WITHDRAWAL_DELAY());
      expect(await sm.slashRequestCount()).to.equal(0n);
      expect(await sm.pausedGroups()).to.equal(0n);
    });

    it("rejects a zero admin, vault or registry at initialization", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const implAddress = f.addresses.implementations.SlashingManager;
      const iface = SlashingManager__factory.createInterface();
      const cases: Array<[string, string, string]> = [
        [ZERO, f.vaultAddress, f.registryAddress],
        [f.admin.address, ZERO, f.registryAddress],
        [f.admin.address, f.vaultAddress, ZERO],
      ];
      for (const args of cases) {
        await expect(
          new ProtocolProxy__factory(f.admin).deploy(
            implAddress,
            iface.encodeFunctionData("initialize", args),
          ),
        )
          .to.be.revertedWithCustomError(f.sm, "ZeroAddress")
          .withArgs();
      }
    });
  });

  shouldBehaveLikeProtocolUpgradeable(async () => {
    const f = await loadFixture(behavioursFixture);
    const { sm } = f;
    return {
      proxy: sm,
      admin: f.admin,
      nonAdmin: f.outsider,
      deployImplementation: () => new SlashingManager__factory(f.admin).deploy(),
      initializerData: sm.interface.encodeFunctionData("initialize", [
        f.admin.address,
        f.vaultAddress,
        f.registryAddress,
      ]),
      stateProbe: async () => {
        const [request, avs, assets, slashed] = await sm.slashRequest(1n);
        return {
          modules: [await sm.vault(), await sm.registry()],
          config: await configOf(f, f.avs.address),
          allocation: await allocationOf(f, f.operator1.address, f.avs.address, f.stETHAddress),
          magnitudes: await magnitudesOf(f, f.operator1.address, f.stETHAddress),
          request: [[...request], avs, [...assets], slashed.map((s) => [...s])],
          requestCount: await sm.slashRequestCount(),
        };
      },
      namespace: {
        id: "restaking.storage.SlashingManager",
        location: SLASHING_STORAGE_LOCATION,
        // SlashingStorage: vault (packed with pausedGroups and requestCount), then registry.
        field: {
          name: "SlashingStorage.registry",
          slot: (base) => base + 1n,
          byteOffset: 0,
          byteLength: 20,
          read: async () => BigInt(await sm.registry()),
        },
      },
    };
  });

  describe("registerAVS", function () {
    it("registers the caller with its configuration, numbering AVSs from 1", async function () {
      const f = await loadFixture(slashingManagerFixture);
      // Assets given out of index order and not starting at index 0: the mask is 0b1010.
      const params = avsParams(f, {
        assets: [f.blockTokenAddress, f.rETHAddress],
        recipient: f.recipient.address,
        registrar: f.registrarAddress,
      });
      const config = expectedConfig(f, params, 1n);
      expect(config[4]).to.equal(0b1010n);
      await expect(f.sm.connect(f.avs).registerAVS("ipfs://avs-x", params))
        .to.emit(f.sm, "AVSRegistered")
        .withArgs(f.avs.address, "ipfs://avs-x", config);
      expect(await configOf(f, f.avs.address)).to.deep.equal(config);
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([EMPTY_CONFIG, 0n]);
      expect(await f.sm.avsAt(1)).to.equal(f.avs.address);

      const params2 = avs2Params(f);
      await expect(f.sm.connect(f.avs2).registerAVS("ipfs://avs-y", params2))
        .to.emit(f.sm, "AVSRegistered")
        .withArgs(f.avs2.address, "ipfs://avs-y", expectedConfig(f, params2, 2n));
      expect(await f.sm.avsAt(2)).to.equal(f.avs2.address);
    });

    it("accepts the boundaries: a maximum of 1e18 and a veto window of MAX_VETO_WINDOW", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const params = avsParams(f, { maxSlashWad: WAD, vetoWindow: MAX_VETO_WINDOW });
      await expect(f.sm.connect(f.avs).registerAVS("", params))
        .to.emit(f.sm, "AVSRegistered")
        .withArgs(f.avs.address, "", expectedConfig(f, params, 1n));
    });

    it("rejects invalid parameters with the error that names them, and stores nothing", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const { sm } = f;
      const random = ethers.Wallet.createRandom().address;
      const register = (o: Partial<AVSParams>): Promise<ContractTransactionResponse> =>
        sm.connect(f.avs).registerAVS("ipfs://avs-x", avsParams(f, o));

      await expect(register({ slasher: ZERO }))
        .to.be.revertedWithCustomError(sm, "ZeroAddress")
        .withArgs();
      await expect(register({ maxSlashWad: 0n }))
        .to.be.revertedWithCustomError(sm, "InvalidMaxSlash")
        .withArgs(0n);
      await expect(register({ maxSlashWad: WAD + 1n }))
        .to.be.revertedWithCustomError(sm, "InvalidMaxSlash")
        .withArgs(WAD + 1n);
      await expect(register({ vetoCommittee: ZERO, vetoWindow: 1n }))
        .to.be.revertedWithCustomError(sm, "VetoWindowWithoutCommittee")
        .withArgs();
      await expect(register({ vetoWindow: MAX_VETO_WINDOW + 1n }))
        .to.be.revertedWithCustomError(sm, "VetoWindowTooLong")
        .withArgs(MAX_VETO_WINDOW + 1n, MAX_VETO_WINDOW);
      await expect(register({ assets: [] }))
        .to.be.revertedWithCustomError(sm, "InvalidAssetList")
        .withArgs();
      await expect(register({ assets: [f.stETHAddress, f.rETHAddress, f.stETHAddress] }))
        .to.be.revertedWithCustomError(sm, "InvalidAssetList")
        .withArgs();
      await expect(register({ assets: [f.stETHAddress, random] }))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
      expect(await configOf(f, f.avs.address)).to.deep.equal(EMPTY_CONFIG);
      expect(await sm.avsAt(1)).to.equal(ZERO);

      await (await register({})).wait();
      await expect(register({}))
        .to.be.revertedWithCustomError(sm, "AVSAlreadyRegistered")
        .withArgs(f.avs.address);
      expect(await sm.avsAt(2)).to.equal(ZERO);
    });
  });

  describe("updateAVSMetadataURI", function () {
    it("emits the new URI for a registered AVS and rejects anyone else", async function () {
      const f = await loadFixture(stakedFixture);
      await expect(f.sm.connect(f.avs).updateAVSMetadataURI("ipfs://new"))
        .to.emit(f.sm, "AVSMetadataURIUpdated")
        .withArgs(f.avs.address, "ipfs://new");
      await expect(f.sm.connect(f.outsider).updateAVSMetadataURI("ipfs://new"))
        .to.be.revertedWithCustomError(f.sm, "AVSNotRegistered")
        .withArgs(f.outsider.address);
    });
  });

  describe("updateAVSConfig and applyAVSConfig", function () {
    it("applies a tightening at once: lower maximum, longer window, fewer assets and a new registrar", async function () {
      const f = await loadFixture(stakedFixture);
      const params = avsParams(f, {
        maxSlashWad: AVS_MAX_SLASH / 2n,
        vetoWindow: AVS_VETO_WINDOW + 3600n,
        assets: [f.rETHAddress],
        registrar: f.registrarAddress,
      });
      const config = expectedConfig(f, params, 1n);
      await expect(f.sm.connect(f.avs).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs.address, config)
        .and.not.to.emit(f.sm, "AVSConfigQueued");
      expect(await configOf(f, f.avs.address)).to.deep.equal(config);
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([EMPTY_CONFIG, 0n]);
    });

    it("treats adding a veto committee where there was none as a tightening", async function () {
      const f = await loadFixture(stakedFixture);
      const params = avs2Params(f, { vetoCommittee: f.committee.address, vetoWindow: DAY });
      await expect(f.sm.connect(f.avs2).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs2.address, expectedConfig(f, params, 2n));
    });

    // A change of where slashed funds go (burn <-> a recipient, or one recipient to another) is a loosening too:
    // redirecting slashed funds changes the AVS's incentive to slash, and queueing it gives anyone time to release
    // funds already in escrow to the old destination. X burns; Y redistributes to `recipient`.
    const loosenings: Array<[string, "X" | "Y", (f: SlashingManagerFixture) => Partial<AVSParams>]> = [
      ["a new slasher", "X", (f) => ({ slasher: f.slasher2.address })],
      ["a higher maximum fraction", "X", () => ({ maxSlashWad: AVS_MAX_SLASH + 1n })],
      ["a removed veto committee", "X", () => ({ vetoCommittee: ZERO, vetoWindow: 0n })],
      ["a replaced veto committee", "X", (f) => ({ vetoCommittee: f.outsider.address })],
      ["a shorter veto window", "X", () => ({ vetoWindow: AVS_VETO_WINDOW - 1n })],
      ["a new asset", "X", (f) => ({ assets: [f.stETHAddress, f.rETHAddress, f.cbETHAddress] })],
      ["a recipient where slashed funds were burned", "X", (f) => ({ recipient: f.recipient2.address })],
      ["another recipient", "Y", (f) => ({ recipient: f.recipient2.address })],
      ["burning where slashed funds went to a recipient", "Y", () => ({ recipient: ZERO })],
    ];
    for (const [name, which, overrides] of loosenings) {
      it(`queues ${name} for the vault's withdrawal delay, then anyone applies it`, async function () {
        const f = await loadFixture(stakedFixture);
        const [avs, params, id] =
          which === "X"
            ? [f.avs.address, avsParams(f, overrides(f)), 1n]
            : [f.avs2.address, avs2Params(f, overrides(f)), 2n];
        const avsSigner = which === "X" ? f.avs : f.avs2;
        const old = await configOf(f, avs);
        const config = expectedConfig(f, params, id);
        expect(config).to.not.deep.equal(old);
        const t = await nextTimestamp();
        const effectAt = t + (await f.vault.withdrawalDelay());
        expect(effectAt).to.equal(t + DEFAULT_WITHDRAWAL_DELAY);

        await expect(f.sm.connect(avsSigner).updateAVSConfig(params))
          .to.emit(f.sm, "AVSConfigQueued")
          .withArgs(avs, config, effectAt)
          .and.not.to.emit(f.sm, "AVSConfigUpdated");
        expect(await configOf(f, avs)).to.deep.equal(old);
        expect(await pendingOf(f, avs)).to.deep.equal([config, effectAt]);

        await time.setNextBlockTimestamp(effectAt - 1n);
        await expect(f.sm.connect(f.outsider).applyAVSConfig(avs))
          .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
          .withArgs(avs, effectAt);
        await time.setNextBlockTimestamp(effectAt);
        await expect(f.sm.connect(f.outsider).applyAVSConfig(avs))
          .to.emit(f.sm, "AVSConfigUpdated")
          .withArgs(avs, config);
        expect(await configOf(f, avs)).to.deep.equal(config);
        expect(await pendingOf(f, avs)).to.deep.equal([EMPTY_CONFIG, 0n]);
        await expect(f.sm.applyAVSConfig(avs))
          .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
          .withArgs(avs, 0n);
      });
    }

    it("keeps a queued loosening out of force: a queued new slasher cannot request", async function () {
      const f = await loadFixture(stakedFixture);
      await (await f.sm.connect(f.avs).updateAVSConfig(avsParams(f, { slasher: f.slasher2.address }))).wait();
      await expect(f.sm.connect(f.slasher2).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(f.sm, "NotSlasher")
        .withArgs(f.slasher2.address, f.avs.address);
      await expect(
        f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE),
      ).to.emit(f.sm, "SlashRequested");
    });

    it("replaces a queued loosening by a later one, and drops it on a tightening", async function () {
      const f = await loadFixture(stakedFixture);
      await (await f.sm.connect(f.avs).updateAVSConfig(avsParams(f, { slasher: f.slasher2.address }))).wait();
      await time.increase(DAY);
      const second = avsParams(f, { maxSlashWad: WAD });
      const t = await nextTimestamp();
      await (await f.sm.connect(f.avs).updateAVSConfig(second)).wait();
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([
        expectedConfig(f, second, 1n),
        t + DEFAULT_WITHDRAWAL_DELAY,
      ]);

      const tighter = avsParams(f, { maxSlashWad: AVS_MAX_SLASH / 2n });
      await expect(f.sm.connect(f.avs).updateAVSConfig(tighter))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs.address, expectedConfig(f, tighter, 1n));
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([EMPTY_CONFIG, 0n]);
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await expect(f.sm.applyAVSConfig(f.avs.address))
        .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
        .withArgs(f.avs.address, 0n);
    });

    it("rejects an unregistered caller and invalid parameters", async function () {
      const f = await loadFixture(stakedFixture);
      await expect(f.sm.connect(f.outsider).updateAVSConfig(avsParams(f)))
        .to.be.revertedWithCustomError(f.sm, "AVSNotRegistered")
        .withArgs(f.outsider.address);
      await expect(f.sm.connect(f.avs).updateAVSConfig(avsParams(f, { maxSlashWad: 0n })))
        .to.be.revertedWithCustomError(f.sm, "InvalidMaxSlash")
        .withArgs(0n);
      await expect(f.sm.connect(f.avs).updateAVSConfig(avsParams(f, { assets: [] })))
        .to.be.revertedWithCustomError(f.sm, "InvalidAssetList")
        .withArgs();
      await expect(f.sm.applyAVSConfig(f.outsider.address))
        .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
        .withArgs(f.outsider.address, 0n);
    });
  });

  describe("registerOperatorToAVS", function () {
    it("registers the operator and passes its data to the registrar", async function () {
      const f = await loadFixture(registrarFixture);
      await expect(f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0xbeef"))
        .to.emit(f.sm, "OperatorRegisteredToAVS")
        .withArgs(f.operator1.address, f.avs.address)
        .and.to.emit(f.registrar, "RegistrationRecorded")
        .withArgs(f.smAddress, f.operator1.address, f.avs.address, "0xbeef");
      expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(true);
      expect(await f.registrar.registrations()).to.equal(1n);
      expect(await f.registrar.lastData()).to.equal("0xbeef");
    });

    it("registers without a registrar", async function () {
      const f = await loadFixture(registrarFixture);
      await expect(f.sm.connect(f.operator1).registerOperatorToAVS(f.avs2.address, "0x"))
        .to.emit(f.sm, "OperatorRegisteredToAVS")
        .withArgs(f.operator1.address, f.avs2.address);
      expect(await f.sm.isRegistered(f.avs2.address, f.operator1.address)).to.equal(true);
    });

    it("rejects an unknown AVS, a non-operator and a second registration", async function () {
      const f = await loadFixture(registrarFixture);
      await expect(f.sm.connect(f.operator1).registerOperatorToAVS(f.outsider.address, "0x"))
        .to.be.revertedWithCustomError(f.sm, "AVSNotRegistered")
        .withArgs(f.outsider.address);
      await expect(f.sm.connect(f.alice).registerOperatorToAVS(f.avs.address, "0x"))
        .to.be.revertedWithCustomError(f.sm, "NotOperator")
        .withArgs(f.alice.address);
      await (await f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
      await expect(f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x"))
        .to.be.revertedWithCustomError(f.sm, "AlreadyRegistered")
        .withArgs(f.operator1.address, f.avs.address);
    });

    it("bubbles the registrar's rejection and registers nothing", async function () {
      const f = await loadFixture(registrarFixture);
      await (await f.registrar.setMode(REGISTRAR_MODE.RevertOnRegister)).wait();
      await expect(f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x"))
        .to.be.revertedWithCustomError(f.registrar, "RegistrationRejected")
        .withArgs(f.operator1.address);
      expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(false);
    });
  });

  describe("deregisterOperatorFromAVS", function () {
    it("deregisters the operator only, notifies the registrar, and allows registering again", async function () {
      const f = await loadFixture(registeredFixture);
      await expect(f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs.address))
        .to.emit(f.sm, "OperatorDeregisteredFromAVS")
        .withArgs(f.operator1.address, f.avs.address, true)
        .and.to.emit(f.registrar, "DeregistrationRecorded")
        .withArgs(f.smAddress, f.operator1.address, f.avs.address);
      expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(false);
      expect(await f.sm.isRegistered(f.avs.address, f.operator2.address)).to.equal(true);
      expect(await f.registrar.deregistrations()).to.equal(1n);
      await expect(f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs.address))
        .to.be.revertedWithCustomError(f.sm, "NotRegistered")
        .withArgs(f.operator1.address, f.avs.address);
      await (await f.sm.connect(f.operator1).registerOperatorToAVS(f.avs.address, "0x")).wait();
      expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(true);
    });

    it("reports a notified registrar when the AVS has none, and rejects an operator that is not registered", async function () {
      const f = await loadFixture(registeredFixture);
      await expect(f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs2.address))
        .to.be.revertedWithCustomError(f.sm, "NotRegistered")
        .withArgs(f.operator1.address, f.avs2.address);
      await (await f.sm.connect(f.operator1).registerOperatorToAVS(f.avs2.address, "0x")).wait();
      await expect(f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs2.address))
        .to.emit(f.sm, "OperatorDeregisteredFromAVS")
        .withArgs(f.operator1.address, f.avs2.address, true);
    });

    const misbehaving: Array<[string, bigint]> = [
      ["reverts", REGISTRAR_MODE.RevertOnDeregister],
      ["burns all its gas", REGISTRAR_MODE.BurnGasOnDeregister],
      ["reverts with huge garbage returndata", REGISTRAR_MODE.RevertHugeDataOnDeregister],
    ];
    for (const [name, mode] of misbehaving) {
      it(`cannot be blocked by a registrar that ${name}: registrarNotified is false`, async function () {
        const f = await loadFixture(registeredFixture);
        await (await f.registrar.setMode(mode)).wait();
        await (await f.registrar.setGarbageSize(96_000n)).wait();
        const tx = await f.sm
          .connect(f.operator1)
          .deregisterOperatorFromAVS(f.avs.address, { gasLimit: 1_000_000n });
        await expect(tx)
          .to.emit(f.sm, "OperatorDeregisteredFromAVS")
          .withArgs(f.operator1.address, f.avs.address, false);
        expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(false);
        expect(await f.registrar.deregistrations()).to.equal(0n);
        if (mode === REGISTRAR_MODE.BurnGasOnDeregister) {
          const receipt = await tx.wait();
          expect(receipt?.gasUsed, "the registrar got and burnt its whole budget").to.be.gt(
            REGISTRAR_GAS_LIMIT,
          );
        }
      });
    }

    it("is not hurt by a registrar that succeeds with huge returndata (it is never copied)", async function () {
      const f = await loadFixture(registeredFixture);
      await (await f.registrar.setMode(REGISTRAR_MODE.ReturnHugeDataOnDeregister)).wait();
      // 32 KB: the registrar also pays five fresh storage writes out of its 200,000 budget.
      await (await f.registrar.setGarbageSize(32_000n)).wait();
      await expect(
        f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs.address, { gasLimit: 1_000_000n }),
      )
        .to.emit(f.sm, "OperatorDeregisteredFromAVS")
        .withArgs(f.operator1.address, f.avs.address, true);
      expect(await f.registrar.deregistrations()).to.equal(1n);
    });

    it("reverts InsufficientGas when the caller sends too little gas for the registrar's budget", async function () {
      const f = await loadFixture(registeredFixture);
      await (await f.registrar.setMode(REGISTRAR_MODE.BurnGasOnDeregister)).wait();
      await expect(f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs.address, { gasLimit: 150_000n }))
        .to.be.revertedWithCustomError(f.sm, "InsufficientGas")
        .withArgs((gasLeft: bigint) => gasLeft < DEREGISTRATION_GAS_NEEDED, DEREGISTRATION_GAS_NEEDED);
      expect(await f.sm.isRegistered(f.avs.address, f.operator1.address)).to.equal(true);
    });

    it("gives the registrar its whole budget whenever deregistration succeeds, even at the minimum gas", async function () {
      const f = await loadFixture(registeredFixture);
      const call = f.sm.connect(f.operator1).deregisterOperatorFromAVS;
      const minimum = await call.estimateGas(f.avs.address);
      await expect(call(f.avs.address, { gasLimit: minimum - 1_000n })).to.be.revertedWithCustomError(
        f.sm,
        "InsufficientGas",
      );
      await (await call(f.avs.address, { gasLimit: minimum })).wait();
      // What the registrar saw at entry, less the few hundred gas of its own dispatch.
      expect(await f.registrar.lastGasLeft()).to.be.gte(REGISTRAR_GAS_LIMIT - 1_000n);
      expect(await f.registrar.lastGasLeft()).to.be.lte(REGISTRAR_GAS_LIMIT);
    });

    it("leaves allocations slashable: a deregistered operator can only decrease them", async function () {
      const f = await loadFixture(stakedFixture);
      await (await f.sm.connect(f.operator1).deregisterOperatorFromAVS(f.avs.address)).wait();
      await expect(
        f.sm
          .connect(f.operator1)
          .modifyAllocation(f.avs.address, f.stETHAddress, ALLOCATIONS.op1AvsStETH + 1n),
      )
        .to.be.revertedWithCustomError(f.sm, "NotRegistered")
        .withArgs(f.operator1.address, f.avs.address);
      await expect(f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE))
        .to.emit(f.sm, "SlashAssetReserved")
        .withArgs(1n, f.stETHAddress, S_STETH, AMOUNT_STETH);
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs.address, f.rETHAddress, 0n)).to.emit(
        f.sm,
        "AllocationUpdated",
      );
    });
  });

  describe("setAllocationDelay", function () {
    it("defaults to one day", async function () {
      const f = await loadFixture(slashingManagerFixture);
      expect(await f.sm.allocationDelay(f.operator1.address)).to.equal(DAY);
      expect(await f.sm.allocationDelay(f.outsider.address)).to.equal(DAY);
    });

    it("takes effect after the delay in force, and a later change waits for the new one", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs2 } = f;
      const t = await nextTimestamp();
      await expect(sm.connect(op).setAllocationDelay(3n * DAY))
        .to.emit(sm, "AllocationDelaySet")
        .withArgs(op.address, 3n * DAY, t + DAY);
      expect(await sm.allocationDelay(op.address)).to.equal(DAY);

      // An increase made one second before the change uses the old delay; one made at effectAt, the new one.
      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(t + DAY - 1n);
      await expect(
        sm.connect(op).modifyAllocation(avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + 1n),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs2.address,
          f.stETHAddress,
          ALLOCATIONS.op1Avs2StETH,
          ALLOCATIONS.op1Avs2StETH + 1n,
          t + 2n * DAY - 1n,
          OP1_STETH_ENCUMBERED + 1n,
        );
      await snapshot.restore();
      await time.setNextBlockTimestamp(t + DAY);
      await expect(
        sm.connect(op).modifyAllocation(avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + 1n),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs2.address,
          f.stETHAddress,
          ALLOCATIONS.op1Avs2StETH,
          ALLOCATIONS.op1Avs2StETH + 1n,
          t + 4n * DAY,
          OP1_STETH_ENCUMBERED + 1n,
        );
      expect(await sm.allocationDelay(op.address)).to.equal(3n * DAY);

      const t2 = await nextTimestamp();
      await expect(sm.connect(op).setAllocationDelay(MAX_ALLOCATION_DELAY))
        .to.emit(sm, "AllocationDelaySet")
        .withArgs(op.address, MAX_ALLOCATION_DELAY, t2 + 3n * DAY);
      await time.increaseTo(t2 + 3n * DAY);
      expect(await sm.allocationDelay(op.address)).to.equal(MAX_ALLOCATION_DELAY);
    });

    it("makes an increase slashable at once with a zero delay", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op } = f;
      await (await sm.connect(op).setAllocationDelay(0n)).wait();
      await time.increase(DAY);
      const t = await nextTimestamp();
      await expect(
        sm.connect(op).modifyAllocation(f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + WAD / 10n),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          f.avs2.address,
          f.stETHAddress,
          ALLOCATIONS.op1Avs2StETH,
          ALLOCATIONS.op1Avs2StETH + WAD / 10n,
          t,
          OP1_STETH_ENCUMBERED + WAD / 10n,
        );
      expect((await allocationOf(f, op.address, f.avs2.address, f.stETHAddress)).current).to.equal(
        ALLOCATIONS.op1Avs2StETH + WAD / 10n,
      );
    });

    it("rejects a delay above MAX_ALLOCATION_DELAY and a caller that is not an operator", async function () {
      const f = await loadFixture(slashingManagerFixture);
      await expect(f.sm.connect(f.operator1).setAllocationDelay(MAX_ALLOCATION_DELAY + 1n))
        .to.be.revertedWithCustomError(f.sm, "AllocationDelayTooLong")
        .withArgs(MAX_ALLOCATION_DELAY + 1n, MAX_ALLOCATION_DELAY);
      await expect(f.sm.connect(f.outsider).setAllocationDelay(DAY))
        .to.be.revertedWithCustomError(f.sm, "NotOperator")
        .withArgs(f.outsider.address);
    });
  });

  describe("modifyAllocation", function () {
    it("makes an increase pending for the allocation delay and slashable only from effectAt", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const target = ALLOCATIONS.op1AvsStETH + WAD / 10n;
      const t = await nextTimestamp();
      const effectAt = t + DEFAULT_ALLOCATION_DELAY;
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          ALLOCATIONS.op1AvsStETH,
          target,
          effectAt,
          OP1_STETH_ENCUMBERED + WAD / 10n,
        );
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: ALLOCATIONS.op1AvsStETH,
        pendingDelta: WAD / 10n,
        pendingIncrease: true,
        effectAt,
      });
      expect((await magnitudesOf(f, op.address, stETH)).encumbered).to.equal(
        OP1_STETH_ENCUMBERED + WAD / 10n,
      );
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
        allocatedStakeOf(OP1_STETH, ALLOCATIONS.op1AvsStETH, WAD, 0n),
      );

      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(effectAt - 1n);
      const sBefore = slashMagnitude(ALLOCATIONS.op1AvsStETH, F);
      await expect(sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, sBefore, reservedAmount(OP1_STETH, sBefore, WAD, 0n));
      await snapshot.restore();
      await time.setNextBlockTimestamp(effectAt);
      const sAfter = slashMagnitude(target, F);
      await expect(sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, sAfter, reservedAmount(OP1_STETH, sAfter, WAD, 0n));
    });

    it("requires a registration and an accepted, listed asset to increase", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      const random = ethers.Wallet.createRandom().address;
      await expect(sm.connect(f.operator2).modifyAllocation(f.avs2.address, f.stETHAddress, 1n))
        .to.be.revertedWithCustomError(sm, "NotRegistered")
        .withArgs(f.operator2.address, f.avs2.address);
      await expect(sm.connect(f.operator1).modifyAllocation(f.outsider.address, f.stETHAddress, 1n))
        .to.be.revertedWithCustomError(sm, "NotRegistered")
        .withArgs(f.operator1.address, f.outsider.address);
      await expect(sm.connect(f.operator1).modifyAllocation(f.avs.address, f.cbETHAddress, 1n))
        .to.be.revertedWithCustomError(sm, "AssetNotAccepted")
        .withArgs(f.avs.address, f.cbETHAddress);
      await expect(sm.connect(f.operator1).modifyAllocation(f.avs.address, random, 1n))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
    });

    it("keeps a decrease slashable until the withdrawal delay, and frees its magnitude once applied", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, avs2, stETHAddress: stETH } = f;
      const target = WAD / 10n;
      const delta = ALLOCATIONS.op1AvsStETH - target;
      const t = await nextTimestamp();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY;
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          ALLOCATIONS.op1AvsStETH,
          target,
          effectAt,
          OP1_STETH_ENCUMBERED,
        );
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: ALLOCATIONS.op1AvsStETH,
        pendingDelta: delta,
        pendingIncrease: false,
        effectAt,
      });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
        allocatedStakeOf(OP1_STETH, ALLOCATIONS.op1AvsStETH, WAD, 0n),
      );
      // Y wants the free magnitude plus what X gives back: not before the decrease is applied.
      const free = WAD - OP1_STETH_ENCUMBERED;
      const wanted = ALLOCATIONS.op1Avs2StETH + free + delta;
      await expect(sm.connect(op).modifyAllocation(avs2.address, stETH, wanted))
        .to.be.revertedWithCustomError(sm, "InsufficientMagnitude")
        .withArgs(free, free + delta);

      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(effectAt - 1n);
      const s = slashMagnitude(ALLOCATIONS.op1AvsStETH, F);
      await expect(sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, s, reservedAmount(OP1_STETH, s, WAD, 0n));
      await snapshot.restore();

      await time.increaseTo(effectAt);
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: target,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
        allocatedStakeOf(OP1_STETH, target, WAD, 0n),
      );
      // Matured but not applied: the magnitude is still encumbered.
      await expect(sm.connect(op).modifyAllocation(avs2.address, stETH, wanted))
        .to.be.revertedWithCustomError(sm, "InsufficientMagnitude")
        .withArgs(free, free + delta);
      await expect(sm.connect(f.outsider).applyPendingAllocation(op.address, avs.address, stETH))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(op.address, avs.address, stETH, target, target, 0n, OP1_STETH_ENCUMBERED - delta);
      expect((await magnitudesOf(f, op.address, stETH)).encumbered).to.equal(OP1_STETH_ENCUMBERED - delta);
      await expect(sm.connect(op).modifyAllocation(avs2.address, stETH, wanted)).to.emit(
        sm,
        "AllocationUpdated",
      );
    });

    it("allows one pending change per allocation (PendingAllocationChange)", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op } = f;
      const t = await nextTimestamp();
      await (
        await sm.connect(op).modifyAllocation(f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + 1n)
      ).wait();
      await expect(
        sm.connect(op).modifyAllocation(f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + 2n),
      )
        .to.be.revertedWithCustomError(sm, "PendingAllocationChange")
        .withArgs(t + DEFAULT_ALLOCATION_DELAY);
      const t2 = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs.address, f.stETHAddress, 1n)).wait();
      await expect(sm.connect(op).modifyAllocation(f.avs.address, f.stETHAddress, ALLOCATIONS.op1AvsStETH))
        .to.be.revertedWithCustomError(sm, "PendingAllocationChange")
        .withArgs(t2 + DEFAULT_WITHDRAWAL_DELAY);
    });

    it("rejects an unchanged magnitude and an increase above the free magnitude, with the numbers", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, ALLOCATIONS.op1AvsStETH))
        .to.be.revertedWithCustomError(sm, "AllocationUnchanged")
        .withArgs(ALLOCATIONS.op1AvsStETH);
      const free = WAD - OP1_STETH_ENCUMBERED;
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, WAD))
        .to.be.revertedWithCustomError(sm, "InsufficientMagnitude")
        .withArgs(free, WAD - ALLOCATIONS.op1AvsStETH);
      // Exactly the free magnitude fits; a pending increase encumbers it at once.
      const t = await nextTimestamp();
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, ALLOCATIONS.op1AvsStETH + free))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          ALLOCATIONS.op1AvsStETH,
          ALLOCATIONS.op1AvsStETH + free,
          t + DEFAULT_ALLOCATION_DELAY,
          WAD,
        );
      await expect(sm.connect(op).modifyAllocation(f.avs2.address, stETH, ALLOCATIONS.op1Avs2StETH + 1n))
        .to.be.revertedWithCustomError(sm, "InsufficientMagnitude")
        .withArgs(0n, 1n);
    });

    it("counts only what is left after a slash: available = 1e18 - lost - encumbered", async function () {
      const f = await loadFixture(executedFixture);
      const { sm, operator1: op } = f;
      const mags = await magnitudesOf(f, op.address, f.stETHAddress);
      expect(mags).to.deep.equal({
        lost: S_STETH,
        encumbered: OP1_STETH_ENCUMBERED - S_STETH,
        reserved: 0n,
        maxMagnitude: WAD - S_STETH,
      });
      const available = WAD - S_STETH - (OP1_STETH_ENCUMBERED - S_STETH);
      const current = ALLOCATIONS.op1AvsStETH - S_STETH;
      await expect(sm.connect(op).modifyAllocation(f.avs.address, f.stETHAddress, current + available + 1n))
        .to.be.revertedWithCustomError(sm, "InsufficientMagnitude")
        .withArgs(available, available + 1n);
    });
  });

  describe("applyPendingAllocation", function () {
    it("changes nothing before maturity and writes a matured increase", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs.address, stETH, WAD / 10n)).wait();
      const decreaseAt = t + DEFAULT_WITHDRAWAL_DELAY;
      await expect(sm.connect(f.outsider).applyPendingAllocation(op.address, f.avs.address, stETH))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          f.avs.address,
          stETH,
          ALLOCATIONS.op1AvsStETH,
          WAD / 10n,
          decreaseAt,
          OP1_STETH_ENCUMBERED,
        );
      expect((await allocationOf(f, op.address, f.avs.address, stETH)).effectAt).to.equal(decreaseAt);

      const up = ALLOCATIONS.op1Avs2StETH + WAD / 20n;
      await (await sm.connect(op).modifyAllocation(f.avs2.address, stETH, up)).wait();
      await time.increase(DEFAULT_ALLOCATION_DELAY);
      await expect(sm.connect(f.outsider).applyPendingAllocation(op.address, f.avs2.address, stETH))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(op.address, f.avs2.address, stETH, up, up, 0n, OP1_STETH_ENCUMBERED + WAD / 20n);
      expect(await allocationOf(f, op.address, f.avs2.address, stETH)).to.deep.equal({
        current: up,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
    });

    it("rejects an address that is not a vault asset", async function () {
      const f = await loadFixture(stakedFixture);
      const random = ethers.Wallet.createRandom().address;
      await expect(f.sm.applyPendingAllocation(f.operator1.address, f.avs.address, random))
        .to.be.revertedWithCustomError(f.sm, "UnknownAsset")
        .withArgs(random);
    });
  });

  describe("requestSlash", function () {
    it("records the request, reserves the model's amounts in every accepted asset and emits", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, vault, operator1: op, avs, stETHAddress: stETH, rETHAddress: rETH } = f;
      // The model in plain numbers: 300 * 0.1 and 80 * 0.125.
      expect([AMOUNT_STETH, AMOUNT_RETH]).to.deep.equal([30n * WAD, 10n * WAD]);
      expect(
        await sm.connect(f.slasher).requestSlash.staticCall(avs.address, op.address, F, EVIDENCE),
      ).to.equal(1n);
      const [, aliceShares] = await vault.position(f.alice.address, stETH);
      const sharesBefore = (await poolOf(f, op.address, stETH)).totalShares;

      const t = await nextTimestamp();
      const tx = await sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE);
      await expect(tx)
        .to.emit(sm, "SlashRequested")
        .withArgs(
          1n,
          avs.address,
          op.address,
          F,
          EVIDENCE,
          t + AVS_VETO_WINDOW,
          t + AVS_VETO_WINDOW + EXECUTION_WINDOW,
        );
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [1n, stETH, S_STETH, AMOUNT_STETH],
        [1n, rETH, S_RETH, AMOUNT_RETH],
      ]);
      expect(await eventsOf(tx, vault, "SlashReserved")).to.deep.equal([
        [op.address, stETH, AMOUNT_STETH, AMOUNT_STETH],
        [op.address, rETH, AMOUNT_RETH, AMOUNT_RETH],
      ]);

      expect(await sm.slashRequestCount()).to.equal(1n);
      const [request, requestAVS, assets, slashed] = await sm.slashRequest(1n);
      expect([...request]).to.deep.equal(
        expectedRequest(1n, op.address, t + AVS_VETO_WINDOW, STATUS.Pending, 2n),
      );
      expect(requestAVS).to.equal(avs.address);
      expect([...assets]).to.deep.equal([stETH, rETH]);
      // SlashedAsset in struct order: (assetIndex, magnitude, deallocationCut, amount); nothing was being deallocated
      expect(slashed.map((x) => [...x])).to.deep.equal([
        [0n, S_STETH, 0n, AMOUNT_STETH],
        [1n, S_RETH, 0n, AMOUNT_RETH],
      ]);

      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(
        ALLOCATIONS.op1AvsStETH - S_STETH,
      );
      expect((await allocationOf(f, op.address, avs.address, rETH)).current).to.equal(
        ALLOCATIONS.op1AvsRETH - S_RETH,
      );
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED,
        reserved: S_STETH,
        maxMagnitude: WAD,
      });
      expect(await magnitudesOf(f, op.address, rETH)).to.deep.equal({
        lost: 0n,
        encumbered: ALLOCATIONS.op1AvsRETH,
        reserved: S_RETH,
        maxMagnitude: WAD,
      });
      expect(await poolOf(f, op.address, stETH)).to.deep.equal({
        totalAssets: OP1_STETH,
        totalShares: sharesBefore,
        queuedShares: 0n,
        pendingSlash: AMOUNT_STETH,
      });
      // Positions are priced net of the pending request at once.
      expect((await vault.position(f.alice.address, stETH))[2]).to.equal(
        toAssetsDown(aliceShares, OP1_STETH - AMOUNT_STETH, sharesBefore),
      );
    });

    it("numbers requests from 1 and takes only the assets the operator allocated", async function () {
      const f = await loadFixture(requestedFixture);
      const s = slashMagnitude(ALLOCATIONS.op2AvsStETH, F);
      const amount = reservedAmount(STAKES.operator2StETH, s, WAD, 0n);
      const tx = await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE);
      expect(await eventsOf(tx, f.sm, "SlashAssetReserved")).to.deep.equal([[2n, f.stETHAddress, s, amount]]);
      expect(await f.sm.slashRequestCount()).to.equal(2n);
      expect((await f.sm.slashRequest(2n))[0].assetCount).to.equal(1n);
      expect(await f.sm.slashRequest(1n).then((r) => r[0].operator)).to.equal(f.operator1.address);
    });

    it("reserves the model's amount after a loss, next to another AVS's pending request, with odd numbers", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      const D = 12_345_678_901_234_567_891n;
      await (await f.registry.connect(f.dave).delegateTo(op.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await (await f.vault.connect(f.dave).deposit(stETH, D, 0n)).wait();
      const T0 = OP1_STETH + D;

      // Y takes a third of its allocation and executes at once (no committee): lost = s1.
      const f1 = 333_333_333_333_333_333n;
      const s1 = slashMagnitude(ALLOCATIONS.op1Avs2StETH, f1);
      const amount1 = reservedAmount(T0, s1, WAD, 0n);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, f1, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, s1, amount1);
      await (await sm.executeSlash(1n)).wait();
      const T1 = T0 - amount1;

      // Y asks again and stays pending: reserved = s2, pendingSlash = amount2.
      const f2 = WAD / 2n + 7n;
      const s2 = slashMagnitude(ALLOCATIONS.op1Avs2StETH - s1, f2);
      const amount2 = reservedAmount(T1, s2, WAD - s1, 0n);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, f2, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, s2, amount2);

      // X: net = T1 - amount2, free = (1e18 - s1) - s2.
      const f3 = 123_456_789_012_345_678n;
      const s3 = slashMagnitude(ALLOCATIONS.op1AvsStETH, f3);
      const amount3 = reservedAmount(T1 - amount2, s3, WAD - s1, s2);
      const s3r = slashMagnitude(ALLOCATIONS.op1AvsRETH, f3);
      const amount3r = reservedAmount(OP1_RETH, s3r, WAD, 0n);
      // The data must tell the formula from one that ignores the loss or the pending reservation.
      expect(amount3).to.not.equal(reservedAmount(T1 - amount2, s3, WAD, s2));
      expect(amount3).to.not.equal(reservedAmount(T1 - amount2, s3, WAD - s1, 0n));
      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, f3, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [3n, stETH, s3, amount3],
        [3n, rETH, s3r, amount3r],
      ]);
      expect((await poolOf(f, op.address, stETH)).pendingSlash).to.equal(amount2 + amount3);
      expect(await sm.allocatedStake(op.address, f.avs.address, stETH)).to.equal(
        allocatedStakeOf(T1 - amount2 - amount3, ALLOCATIONS.op1AvsStETH - s3, WAD - s1, s2 + s3),
      );
    });

    it("never lets two requests of one AVS reserve more than its allocation", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      const stakeX = await sm.allocatedStake(op.address, f.avs.address, stETH);
      const stakeY = await sm.allocatedStake(op.address, f.avs2.address, stETH);

      // X at its maximum twice: s1 = a/2, s2 = (a - s1)/2.
      const a = ALLOCATIONS.op1AvsStETH;
      const s1 = slashMagnitude(a, AVS_MAX_SLASH);
      const s2 = slashMagnitude(a - s1, AVS_MAX_SLASH);
      const amount1 = reservedAmount(OP1_STETH, s1, WAD, 0n);
      const amount2 = reservedAmount(OP1_STETH - amount1, s2, WAD, s1);
      const tx1 = await sm
        .connect(f.slasher)
        .requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE);
      const tx2 = await sm
        .connect(f.slasher)
        .requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE);
      expect((await eventsOf(tx1, sm, "SlashAssetReserved"))[0]).to.deep.equal([1n, stETH, s1, amount1]);
      expect((await eventsOf(tx2, sm, "SlashAssetReserved"))[0]).to.deep.equal([2n, stETH, s2, amount2]);
      expect(s1 + s2).to.be.lte(a);
      expect(amount1 + amount2).to.be.lte(stakeX);

      // Y (maximum 1e18) takes its whole allocation, which is exactly its allocated stake, then nothing is left.
      const sY = ALLOCATIONS.op1Avs2StETH;
      const amountY = reservedAmount(OP1_STETH - amount1 - amount2, sY, WAD, s1 + s2);
      expect(amountY).to.equal(stakeY);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(3n, stETH, sY, amountY);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(op.address, f.avs2.address);
    });

    it("scales a pending decrease by (a - s) / a", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const target = WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      const scaled = scaledPendingDecrease(a - target, a, s);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY;
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a - s,
        pendingDelta: scaled,
        pendingIncrease: false,
        effectAt,
      });
      // the request records the cut it made, to give it back on a veto or cancel
      const [, , , slashed] = await sm.slashRequest(1n);
      expect([...slashed[0]]).to.deep.equal([
        0n,
        s,
        deallocationCut(a - target, a, s),
        reservedAmount(OP1_STETH, s, WAD, 0n),
      ]);
      expect(deallocationCut(a - target, a, s)).to.equal(a - target - scaled);
      await time.increaseTo(effectAt);
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(a - s - scaled);
    });

    it("rejects a caller that is not the AVS's slasher", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op } = f;
      for (const [caller, avs] of [
        [f.outsider, f.avs],
        [f.committee, f.avs],
        [f.avs, f.avs],
        [f.slasher, f.avs2],
        [f.slasher, f.outsider],
      ] as const) {
        await expect(sm.connect(caller).requestSlash(avs.address, op.address, F, EVIDENCE))
          .to.be.revertedWithCustomError(sm, "NotSlasher")
          .withArgs(caller.address, avs.address);
      }
    });

    it("rejects a fraction of zero or above the AVS's maximum", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op } = f;
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, 0n, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "InvalidSlashFraction")
        .withArgs(0n, AVS_MAX_SLASH);
      await expect(
        sm.connect(f.slasher).requestSlash(f.avs.address, op.address, AVS_MAX_SLASH + 1n, EVIDENCE),
      )
        .to.be.revertedWithCustomError(sm, "InvalidSlashFraction")
        .withArgs(AVS_MAX_SLASH + 1n, AVS_MAX_SLASH);
      await expect(
        sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, AVS2_MAX_SLASH + 1n, EVIDENCE),
      )
        .to.be.revertedWithCustomError(sm, "InvalidSlashFraction")
        .withArgs(AVS2_MAX_SLASH + 1n, AVS2_MAX_SLASH);
    });

    it("reverts NothingToSlash without a slashable allocation (none, pending, or rounding to zero)", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator2: op2, avs2 } = f;
      const nothing = (operator: string, fraction = WAD): Promise<void> =>
        expect(sm.connect(f.slasher2).requestSlash(avs2.address, operator, fraction, EVIDENCE))
          .to.be.revertedWithCustomError(sm, "NothingToSlash")
          .withArgs(operator, avs2.address);
      await nothing(op2.address);
      await nothing(f.outsider.address);
      await nothing(ZERO);
      await (await sm.connect(op2).registerOperatorToAVS(avs2.address, "0x")).wait();
      await (await sm.connect(op2).modifyAllocation(avs2.address, f.stETHAddress, 1n)).wait();
      await nothing(op2.address);
      await time.increase(DEFAULT_ALLOCATION_DELAY);
      await nothing(op2.address, WAD - 1n);
      expect(await sm.slashRequestCount()).to.equal(0n);
      await expect(sm.connect(f.slasher2).requestSlash(avs2.address, op2.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, f.stETHAddress, 1n, reservedAmount(STAKES.operator2StETH, 1n, WAD, 0n));
    });

    it("does not reach an asset the AVS stopped accepting", async function () {
      const f = await loadFixture(stakedFixture);
      await (await f.sm.connect(f.avs).updateAVSConfig(avsParams(f, { assets: [f.stETHAddress] }))).wait();
      const tx = await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE);
      expect(await eventsOf(tx, f.sm, "SlashAssetReserved")).to.deep.equal([
        [1n, f.stETHAddress, S_STETH, AMOUNT_STETH],
      ]);
      expect((await allocationOf(f, f.operator1.address, f.avs.address, f.rETHAddress)).current).to.equal(
        ALLOCATIONS.op1AvsRETH,
      );
      expect((await poolOf(f, f.operator1.address, f.rETHAddress)).pendingSlash).to.equal(0n);
    });
  });

  describe("vetoSlash", function () {
    it("lets the veto committee return the reservation and the allocation: a vetoed request moves nothing", async function () {
      const f = await loadFixture(stakedFixture);
      const before = await operator1State(f);
      await (
        await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      expect(await operator1State(f)).to.not.deep.equal(before);
      const tx = await f.sm.connect(f.committee).vetoSlash(1n);
      await expect(tx).to.emit(f.sm, "SlashCancelled").withArgs(1n, f.committee.address, true);
      expect(await eventsOf(tx, f.vault, "SlashReleased")).to.deep.equal([
        [f.operator1.address, f.stETHAddress, AMOUNT_STETH, 0n],
        [f.operator1.address, f.rETHAddress, AMOUNT_RETH, 0n],
      ]);
      expect(await operator1State(f)).to.deep.equal(before);
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.Vetoed);
    });

    it("rejects anyone but the veto committee", async function () {
      const f = await loadFixture(requestedFixture);
      for (const caller of [f.outsider, f.slasher, f.avs]) {
        await expect(f.sm.connect(caller).vetoSlash(1n))
          .to.be.revertedWithCustomError(f.sm, "NotVetoCommittee")
          .withArgs(caller.address, f.avs.address);
      }
    });

    it("closes at executableAt", async function () {
      const f = await loadFixture(requestedFixture);
      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(f.executableAt - 1n);
      await expect(f.sm.connect(f.committee).vetoSlash(1n)).to.emit(f.sm, "SlashCancelled");
      await snapshot.restore();
      await time.setNextBlockTimestamp(f.executableAt);
      await expect(f.sm.connect(f.committee).vetoSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "VetoWindowClosed")
        .withArgs(1n, f.executableAt);
    });

    it("cannot veto a request of an AVS without a committee", async function () {
      const f = await loadFixture(stakedFixture);
      await (
        await f.sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      await expect(f.sm.connect(f.committee).vetoSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "NotVetoCommittee")
        .withArgs(f.committee.address, f.avs2.address);
    });

    it("rejects a request that is not pending", async function () {
      const f = await loadFixture(requestedFixture);
      await expect(f.sm.connect(f.committee).vetoSlash(99n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(99n, STATUS.None);
      await (await f.sm.connect(f.committee).vetoSlash(1n)).wait();
      await expect(f.sm.connect(f.committee).vetoSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Vetoed);
    });

    it("restores a pending deallocation that the vetoed request scaled, exactly, while it is still pending", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const target = WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY;
      const before = await allocationOf(f, op.address, avs.address, stETH);
      expect(before).to.deep.equal({
        current: a,
        pendingDelta: a - target,
        pendingIncrease: false,
        effectAt,
      });
      const magsBefore = await magnitudesOf(f, op.address, stETH);
      const stakeBefore = await sm.allocatedStake(op.address, avs.address, stETH);

      // an odd fraction, so that the scaled decrease rounds
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      const scaled = scaledPendingDecrease(a - target, a, s);
      const cut = deallocationCut(a - target, a, s);
      expect(cut).to.not.equal(0n);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      expect((await sm.slashRequest(1n))[3].map((x) => [...x])).to.deep.equal([
        [0n, s, cut, reservedAmount(OP1_STETH, s, WAD, 0n)],
        [
          1n,
          slashMagnitude(ALLOCATIONS.op1AvsRETH, fraction),
          0n,
          reservedAmount(OP1_RETH, slashMagnitude(ALLOCATIONS.op1AvsRETH, fraction), WAD, 0n),
        ],
      ]);
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        ...before,
        current: a - s,
        pendingDelta: scaled,
      });

      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      // the allocation is as it was, including the operator's pending deallocation
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal(before);
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal(magsBefore);
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(stakeBefore);

      // and the deallocation takes effect in full, at its time
      await time.increaseTo(effectAt);
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: target,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      // (magnitudes reports the stored figures: the matured decrease frees its magnitude once applied)
      await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        ...magsBefore,
        encumbered: OP1_STETH_ENCUMBERED - (a - target),
      });
    });

    it("restores a scaled deallocation that matured before the veto: the cut is taken off the allocation and the encumbered magnitude", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const target = WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY;

      // the request comes an hour before the decrease is in force; the veto window (a day) outlasts it
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      const scaled = scaledPendingDecrease(a - target, a, s);
      const cut = deallocationCut(a - target, a, s);
      await time.setNextBlockTimestamp(effectAt - 3600n);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      const [request, , , slashed] = await sm.slashRequest(1n);
      expect(request.executableAt).to.equal(effectAt - 3600n + AVS_VETO_WINDOW);
      expect([...slashed[0]]).to.deep.equal([0n, s, cut, reservedAmount(OP1_STETH, s, WAD, 0n)]);

      // the scaled decrease matures (and is written) while the request is pending
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a - s - scaled,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED - scaled,
        reserved: s,
        maxMagnitude: WAD,
      });

      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      // the end state of the decrease without the request: the allocation is the operator's target, and the whole
      // decrease has left the encumbered magnitude
      expect(s - cut + (a - s - scaled)).to.equal(target);
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: target,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED - (a - target),
        reserved: 0n,
        maxMagnitude: WAD,
      });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
        allocatedStakeOf(OP1_STETH, target, WAD, 0n),
      );
      expect(await poolOf(f, op.address, stETH)).to.deep.include({
        totalAssets: OP1_STETH,
        pendingSlash: 0n,
      });
    });
  });

  describe("cancelSlash", function () {
    it("lets the slasher cancel at once, returning everything", async function () {
      const f = await loadFixture(stakedFixture);
      const before = await operator1State(f);
      await (
        await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      const tx = await f.sm.connect(f.slasher).cancelSlash(1n);
      await expect(tx).to.emit(f.sm, "SlashCancelled").withArgs(1n, f.slasher.address, false);
      expect(await eventsOf(tx, f.vault, "SlashReleased")).to.deep.equal([
        [f.operator1.address, f.stETHAddress, AMOUNT_STETH, 0n],
        [f.operator1.address, f.rETHAddress, AMOUNT_RETH, 0n],
      ]);
      expect(await operator1State(f)).to.deep.equal(before);
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.Cancelled);
    });

    it("lets the slasher cancel after expiry too", async function () {
      const f = await loadFixture(requestedFixture);
      await time.increaseTo(f.expiresAt + DAY);
      await expect(f.sm.connect(f.slasher).cancelSlash(1n))
        .to.emit(f.sm, "SlashCancelled")
        .withArgs(1n, f.slasher.address, false);
    });

    it("lets anyone cancel from expiry on, and no one but the slasher before", async function () {
      const f = await loadFixture(requestedFixture);
      await time.setNextBlockTimestamp(f.expiresAt - 2n);
      await expect(f.sm.connect(f.outsider).cancelSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "NotCancellable")
        .withArgs(1n, f.outsider.address);
      await time.setNextBlockTimestamp(f.expiresAt - 1n);
      await expect(f.sm.connect(f.committee).cancelSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "NotCancellable")
        .withArgs(1n, f.committee.address);
      await time.setNextBlockTimestamp(f.expiresAt);
      await expect(f.sm.connect(f.outsider).cancelSlash(1n))
        .to.emit(f.sm, "SlashCancelled")
        .withArgs(1n, f.outsider.address, false);
    });

    it("rejects a request that is not pending", async function () {
      const f = await loadFixture(executedFixture);
      await expect(f.sm.connect(f.slasher).cancelSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Executed);
      await (
        await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE)
      ).wait();
      await (await f.sm.connect(f.slasher).cancelSlash(2n)).wait();
      await expect(f.sm.connect(f.slasher).cancelSlash(2n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(2n, STATUS.Cancelled);
    });

    it("gives a pending deallocation back on cancel: requests cancelled while it is pending leave it to take effect in full", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, 0n)).wait();
      for (let i = 0; i < 2; i++) {
        await (
          await sm.connect(f.slasher).requestSlash(avs.address, op.address, AVS_MAX_SLASH, EVIDENCE)
        ).wait();
        await (await sm.connect(f.slasher).cancelSlash(await sm.slashRequestCount())).wait();
      }
      await time.increaseTo(t + DEFAULT_WITHDRAWAL_DELAY);
      // Nothing was slashed, so the operator's full deallocation has taken effect.
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(0n);
      expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: 0n,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: ALLOCATIONS.op1Avs2StETH,
        reserved: 0n,
        maxMagnitude: WAD,
      });
    });
  });

  describe("executeSlash", function () {
    it("is not executable before executableAt", async function () {
      const f = await loadFixture(requestedFixture);
      await time.setNextBlockTimestamp(f.executableAt - 1n);
      await expect(f.sm.connect(f.outsider).executeSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "SlashNotExecutable")
        .withArgs(1n, f.executableAt);
    });

    it("executes at executableAt, by anyone, moving exactly the reserved amounts to the escrow", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, vault, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      const [, aliceShares] = await vault.position(f.alice.address, stETH);
      const shares = (await poolOf(f, op.address, stETH)).totalShares;
      const stakeY = await sm.allocatedStake(op.address, f.avs2.address, stETH);

      await time.setNextBlockTimestamp(f.executableAt);
      const tx = await sm.connect(f.outsider).executeSlash(1n);
      expect(await eventsOf(tx, sm, "SlashAssetExecuted")).to.deep.equal([
        [1n, stETH, S_STETH, AMOUNT_STETH, WAD - S_STETH],
        [1n, rETH, S_RETH, AMOUNT_RETH, WAD - S_RETH],
      ]);
      await expect(tx).to.emit(sm, "SlashExecuted").withArgs(1n, op.address, f.outsider.address);
      expect(await eventsOf(tx, vault, "Slashed")).to.deep.equal([
        [op.address, stETH, AMOUNT_STETH, OP1_STETH - AMOUNT_STETH],
        [op.address, rETH, AMOUNT_RETH, OP1_RETH - AMOUNT_RETH],
      ]);
      await expect(tx).to.changeTokenBalances(
        f.stETH,
        [f.vaultAddress, f.smAddress],
        [-AMOUNT_STETH, AMOUNT_STETH],
      );
      await expect(tx).to.changeTokenBalances(
        f.rETH,
        [f.vaultAddress, f.smAddress],
        [-AMOUNT_RETH, AMOUNT_RETH],
      );

      expect((await sm.slashRequest(1n))[0].status).to.equal(STATUS.Executed);
      expect(await poolOf(f, op.address, stETH)).to.deep.equal({
        totalAssets: OP1_STETH - AMOUNT_STETH,
        totalShares: shares,
        queuedShares: 0n,
        pendingSlash: 0n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: S_STETH,
        encumbered: OP1_STETH_ENCUMBERED - S_STETH,
        reserved: 0n,
        maxMagnitude: WAD - S_STETH,
      });
      expect(await magnitudesOf(f, op.address, rETH)).to.deep.equal({
        lost: S_RETH,
        encumbered: ALLOCATIONS.op1AvsRETH - S_RETH,
        reserved: 0n,
        maxMagnitude: WAD - S_RETH,
      });
      expect((await allocationOf(f, op.address, f.avs.address, stETH)).current).to.equal(
        ALLOCATIONS.op1AvsStETH - S_STETH,
      );
      expect((await vault.position(f.alice.address, stETH))[2]).to.equal(
        toAssetsDown(aliceShares, OP1_STETH - AMOUNT_STETH, shares),
      );
      expect(await sm.allocatedStake(op.address, f.avs2.address, stETH)).to.equal(stakeY);
    });

    it("executes a request of an AVS without a committee in the block it is made", async function () {
      const f = await loadFixture(stakedFixture);
      const s = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      const amount = reservedAmount(OP1_STETH, s, WAD, 0n);
      await network.provider.send("evm_setAutomine", [false]);
      let request: ContractTransactionResponse;
      let execute: ContractTransactionResponse;
      try {
        request = await f.sm
          .connect(f.slasher2)
          .requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE, { gasLimit: 500_000n });
        execute = await f.sm.connect(f.outsider).executeSlash(1n, { gasLimit: 500_000n });
        await mine();
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const [r1, r2] = [await request.wait(), await execute.wait()];
      expect(r1?.blockNumber).to.equal(r2?.blockNumber);
      const t = BigInt((await ethers.provider.getBlock(r1?.blockNumber ?? 0))?.timestamp ?? 0);
      await expect(request)
        .to.emit(f.sm, "SlashRequested")
        .withArgs(1n, f.avs2.address, f.operator1.address, F, EVIDENCE, t, t + EXECUTION_WINDOW);
      await expect(execute)
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(1n, f.stETHAddress, s, amount, WAD - s);
    });

    it("expires at executableAt + EXECUTION_WINDOW", async function () {
      const f = await loadFixture(requestedFixture);
      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(f.expiresAt - 1n);
      await expect(f.sm.executeSlash(1n)).to.emit(f.sm, "SlashExecuted");
      await snapshot.restore();
      await time.setNextBlockTimestamp(f.expiresAt);
      await expect(f.sm.executeSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "SlashExpired")
        .withArgs(1n, f.expiresAt);
    });

    it("executes once, and never a vetoed or unknown request", async function () {
      const f = await loadFixture(executedFixture);
      await expect(f.sm.executeSlash(1n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Executed);
      await (
        await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE)
      ).wait();
      await (await f.sm.connect(f.committee).vetoSlash(2n)).wait();
      await time.increase(AVS_VETO_WINDOW);
      await expect(f.sm.executeSlash(2n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(2n, STATUS.Vetoed);
      await expect(f.sm.executeSlash(3n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(3n, STATUS.None);
    });

    it("takes nothing from an empty pool but still spends the magnitude", async function () {
      const f = await loadFixture(stakedFixture);
      const [operator3] = (await ethers.getSigners()).slice(18, 19);
      await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 0, ZERO)).wait();
      await (await f.sm.connect(operator3).registerOperatorToAVS(f.avs2.address, "0x")).wait();
      await (await f.sm.connect(operator3).modifyAllocation(f.avs2.address, f.stETHAddress, WAD / 2n)).wait();
      await time.increase(DEFAULT_ALLOCATION_DELAY);
      const s = WAD / 4n;
      await expect(
        f.sm.connect(f.slasher2).requestSlash(f.avs2.address, operator3.address, WAD / 2n, EVIDENCE),
      )
        .to.emit(f.sm, "SlashAssetReserved")
        .withArgs(1n, f.stETHAddress, s, 0n);
      const tx = await f.sm.executeSlash(1n);
      await expect(tx)
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(1n, f.stETHAddress, s, 0n, WAD - s);
      await expect(tx).to.emit(f.vault, "Slashed").withArgs(operator3.address, f.stETHAddress, 0n, 0n);
      await expect(tx).to.changeTokenBalances(f.stETH, [f.vaultAddress, f.smAddress], [0n, 0n]);
      const release = await f.sm.releaseSlashedFunds(1n);
      await expect(release)
        .to.emit(f.sm, "SlashedFundsReleased")
        .withArgs(1n, f.recipient.address, f.stETHAddress, 0n);
      await expect(release).to.changeTokenBalances(f.stETH, [f.smAddress, f.recipient.address], [0n, 0n]);
    });
  });

  describe("releaseSlashedFunds", function () {
    it("releases only an executed request", async function () {
      const f = await loadFixture(requestedFixture);
      await expect(f.sm.releaseSlashedFunds(1n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Pending);
      await expect(f.sm.releaseSlashedFunds(2n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(2n, STATUS.None);
    });

    it("burns to BURN_ADDRESS when the AVS has no recipient, once", async function () {
      const f = await loadFixture(executedFixture);
      const tx = await f.sm.connect(f.outsider).releaseSlashedFunds(1n);
      expect(await eventsOf(tx, f.sm, "SlashedFundsReleased")).to.deep.equal([
        [1n, BURN_ADDRESS, f.stETHAddress, AMOUNT_STETH],
        [1n, BURN_ADDRESS, f.rETHAddress, AMOUNT_RETH],
      ]);
      await expect(tx).to.changeTokenBalances(
        f.stETH,
        [f.smAddress, BURN_ADDRESS],
        [-AMOUNT_STETH, AMOUNT_STETH],
      );
      await expect(tx).to.changeTokenBalances(
        f.rETH,
        [f.smAddress, BURN_ADDRESS],
        [-AMOUNT_RETH, AMOUNT_RETH],
      );
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.FundsReleased);
      await expect(f.sm.releaseSlashedFunds(1n))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.FundsReleased);
    });

    it("redistributes to the AVS's recipient", async function () {
      const f = await loadFixture(stakedFixture);
      const s = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      const amount = reservedAmount(OP1_STETH, s, WAD, 0n);
      await (
        await f.sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      await (await f.sm.executeSlash(1n)).wait();
      const tx = await f.sm.connect(f.outsider).releaseSlashedFunds(1n);
      await expect(tx)
        .to.emit(f.sm, "SlashedFundsReleased")
        .withArgs(1n, f.recipient.address, f.stETHAddress, amount);
      await expect(tx).to.changeTokenBalances(f.stETH, [f.smAddress, f.recipient.address], [-amount, amount]);
    });

    /**
     * stakedFixture + AVS Z (`avs3`: slasher2, no committee, max 1, redistributes to `recipient`, BUSD) with operator1
     * registered and 1/2 of its BUSD allocated (in force), and alice's 100 BUSD in operator1's pool.
     */
    async function busdFixture(): Promise<StakedFixture & { avs3: StakedFixture["avs"] }> {
      const f = await stakedFixture();
      const [avs3] = (await ethers.getSigners()).slice(18, 19);
      const busd = f.blockTokenAddress;
      await (
        await f.sm
          .connect(avs3)
          .registerAVS("ipfs://avs-z", avs2Params(f, { assets: [busd], recipient: f.recipient.address }))
      ).wait();
      await (await f.sm.connect(f.operator1).registerOperatorToAVS(avs3.address, "0x")).wait();
      await (await f.vault.connect(f.alice).deposit(busd, 100n * WAD, 0n)).wait();
      await (await f.sm.connect(f.operator1).modifyAllocation(avs3.address, busd, WAD / 2n)).wait();
      await time.increase(DEFAULT_ALLOCATION_DELAY);
      return { ...f, avs3 };
    }

    it("fails for a blocklisted recipient without blocking the execution; a new recipient, queued and applied after the delay, receives the escrow", async function () {
      const f = await loadFixture(busdFixture);
      const { avs3 } = f;
      const busd = f.blockTokenAddress;
      await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, true)).wait();

      const s = slashMagnitude(WAD / 2n, WAD / 2n);
      const amount = reservedAmount(100n * WAD, s, WAD, 0n);
      await (
        await f.sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE)
      ).wait();
      await expect(f.sm.executeSlash(1n)).to.changeTokenBalances(
        f.blockToken,
        [f.vaultAddress, f.smAddress],
        [-amount, amount],
      );
      await expect(f.sm.releaseSlashedFunds(1n))
        .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
        .withArgs(f.recipient.address);
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.Executed);
      expect(await f.blockToken.balanceOf(f.smAddress)).to.equal(amount);

      // a new recipient is queued for the vault's withdrawal delay; until then the escrow still goes to the old one
      const params = avs2Params(f, { assets: [busd], recipient: f.recipient2.address });
      const config = expectedConfig(f, params, 3n);
      const t = await nextTimestamp();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY;
      await expect(f.sm.connect(avs3).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigQueued")
        .withArgs(avs3.address, config, effectAt)
        .and.not.to.emit(f.sm, "AVSConfigUpdated");
      await expect(f.sm.releaseSlashedFunds(1n))
        .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
        .withArgs(f.recipient.address);
      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(f.sm.applyAVSConfig(avs3.address))
        .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
        .withArgs(avs3.address, effectAt);

      await time.setNextBlockTimestamp(effectAt);
      await expect(f.sm.connect(f.outsider).applyAVSConfig(avs3.address))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(avs3.address, config);
      const tx = await f.sm.connect(f.outsider).releaseSlashedFunds(1n);
      await expect(tx).to.emit(f.sm, "SlashedFundsReleased").withArgs(1n, f.recipient2.address, busd, amount);
      await expect(tx).to.changeTokenBalances(
        f.blockToken,
        [f.smAddress, f.recipient2.address],
        [-amount, amount],
      );
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.FundsReleased);
    });

    it("lets anyone release escrowed funds to the old recipient while a recipient change is queued", async function () {
      const f = await loadFixture(busdFixture);
      const { avs3 } = f;
      const busd = f.blockTokenAddress;
      const s1 = slashMagnitude(WAD / 2n, WAD / 2n);
      const amount1 = reservedAmount(100n * WAD, s1, WAD, 0n);
      await (
        await f.sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE)
      ).wait();
      await (await f.sm.executeSlash(1n)).wait();

      const params = avs2Params(f, { assets: [busd], recipient: f.recipient2.address });
      const t = await nextTimestamp();
      await expect(f.sm.connect(avs3).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigQueued")
        .withArgs(avs3.address, expectedConfig(f, params, 3n), t + DEFAULT_WITHDRAWAL_DELAY);

      // the recipient the funds were slashed for (not blocklisted) gets them, whoever calls
      const tx = await f.sm.connect(f.outsider).releaseSlashedFunds(1n);
      await expect(tx).to.emit(f.sm, "SlashedFundsReleased").withArgs(1n, f.recipient.address, busd, amount1);
      await expect(tx).to.changeTokenBalances(
        f.blockToken,
        [f.smAddress, f.recipient.address, f.recipient2.address],
        [-amount1, amount1, 0n],
      );

      // once the change applies, a later slash goes to the new recipient
      await time.increaseTo(t + DEFAULT_WITHDRAWAL_DELAY);
      await (await f.sm.applyAVSConfig(avs3.address)).wait();
      const s2 = slashMagnitude(WAD / 2n - s1, WAD / 2n);
      const amount2 = reservedAmount(100n * WAD - amount1, s2, WAD - s1, 0n);
      await (
        await f.sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE)
      ).wait();
      await (await f.sm.executeSlash(2n)).wait();
      const tx2 = await f.sm.connect(f.outsider).releaseSlashedFunds(2n);
      await expect(tx2)
        .to.emit(f.sm, "SlashedFundsReleased")
        .withArgs(2n, f.recipient2.address, busd, amount2);
      await expect(tx2).to.changeTokenBalances(
        f.blockToken,
        [f.smAddress, f.recipient.address, f.recipient2.address],
        [-amount2, 0n, amount2],
      );
    });
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(behavioursFixture);
    const { sm } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: sm, name });
    return {
      contract: sm,
      strangers: [f.outsider, f.avs, f.slasher, f.operator1],
      holders: { DEFAULT_ADMIN_ROLE: f.admin, PAUSER_ROLE: f.pauser },
      calls: [
        {
          name: "pause",
          role: "PAUSER_ROLE",
          call: (a) => sm.connect(a).pause(1n << SM_GROUP.SLASHING),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "unpause",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => sm.connect(a).unpause(1n << SM_GROUP.SLASHING),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "upgradeToAndCall",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => sm.connect(a).upgradeToAndCall(f.addresses.implementations.SlashingManager, "0x"),
          emits: emits("Upgraded"),
        },
        {
          name: "grantRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => sm.connect(a).grantRole(ROLES.PAUSER, f.recipient.address),
          emits: emits("RoleGranted"),
        },
        {
          name: "revokeRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => sm.connect(a).revokeRole(ROLES.PAUSER, f.pauser.address),
          emits: emits("RoleRevoked"),
        },
      ],
    };
  });

  shouldBehaveLikePausableGroups(async () => {
    const f = await loadFixture(behavioursFixture);
    const { sm } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: sm, name });
    return {
      contract: sm,
      pauser: f.pauser,
      admin: f.admin,
      stranger: f.outsider,
      groups: [
        {
          name: "GROUP_AVS",
          index: SM_GROUP.AVS,
          calls: [
            {
              name: "registerAVS",
              call: () => sm.connect(f.avs3).registerAVS("", avsParams(f)),
              emits: emits("AVSRegistered"),
            },
            {
              name: "updateAVSConfig",
              call: () => sm.connect(f.avs).updateAVSConfig(avsParams(f, { maxSlashWad: 1n })),
              emits: emits("AVSConfigUpdated"),
            },
            {
              name: "registerOperatorToAVS",
              call: () => sm.connect(f.operator2).registerOperatorToAVS(f.avs2.address, "0x"),
              emits: emits("OperatorRegisteredToAVS"),
            },
          ],
        },
        {
          name: "GROUP_ALLOCATIONS",
          index: SM_GROUP.ALLOCATIONS,
          calls: [
            {
              name: "modifyAllocation",
              call: () => sm.connect(f.operator1).modifyAllocation(f.avs.address, f.stETHAddress, 1n),
              emits: emits("AllocationUpdated"),
            },
          ],
        },
        {
          name: "GROUP_SLASHING",
          index: SM_GROUP.SLASHING,
          calls: [
            {
              name: "requestSlash",
              call: () => sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE),
              emits: emits("SlashRequested"),
            },
            {
              name: "executeSlash",
              call: () => sm.connect(f.outsider).executeSlash(1n),
              emits: emits("SlashExecuted"),
            },
          ],
        },
      ],
      // Exits, cancellations and maintenance stay open (see also "keeps exits, vetoes, ... open" below).
      ungrouped: [
        {
          name: "cancelSlash",
          call: () => sm.connect(f.slasher).cancelSlash(1n),
          emits: emits("SlashCancelled"),
        },
        {
          name: "deregisterOperatorFromAVS",
          call: () => sm.connect(f.operator2).deregisterOperatorFromAVS(f.avs.address),
          emits: emits("OperatorDeregisteredFromAVS"),
        },
        {
          name: "setAllocationDelay",
          call: () => sm.connect(f.operator1).setAllocationDelay(DAY),
          emits: emits("AllocationDelaySet"),
        },
        {
          name: "updateAVSMetadataURI",
          call: () => sm.connect(f.avs).updateAVSMetadataURI("ipfs://paused"),
          emits: emits("AVSMetadataURIUpdated"),
        },
        {
          name: "applyPendingAllocation",
          call: () => sm.applyPendingAllocation(f.operator1.address, f.avs2.address, f.stETHAddress),
          emits: emits("AllocationUpdated"),
        },
      ],
    };
  });

  describe("pause groups", function () {
    it("keeps exits, vetoes, cancellations, releases and maintenance open while every group is paused", async function () {
      const f = await loadFixture(executedFixture);
      const { sm } = f;
      await (await sm.connect(f.avs).updateAVSConfig(avsParams(f, { slasher: f.slasher2.address }))).wait();
      await (
        await sm.connect(f.operator1).modifyAllocation(f.avs2.address, f.stETHAddress, WAD / 10n)
      ).wait();
      await (
        await sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F / 2n, EVIDENCE)
      ).wait();
      await (
        await sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F / 2n, EVIDENCE)
      ).wait();
      await (await sm.pause(0b111n)).wait();

      await expect(sm.connect(f.committee).vetoSlash(2n)).to.emit(sm, "SlashCancelled");
      await expect(sm.connect(f.slasher).cancelSlash(3n)).to.emit(sm, "SlashCancelled");
      await expect(sm.releaseSlashedFunds(1n)).to.emit(sm, "SlashedFundsReleased");
      await expect(sm.connect(f.operator2).deregisterOperatorFromAVS(f.avs.address)).to.emit(
        sm,
        "OperatorDeregisteredFromAVS",
      );
      await expect(sm.connect(f.operator1).setAllocationDelay(DAY)).to.emit(sm, "AllocationDelaySet");
      await expect(sm.connect(f.avs).updateAVSMetadataURI("ipfs://paused")).to.emit(
        sm,
        "AVSMetadataURIUpdated",
      );
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      await expect(sm.applyAVSConfig(f.avs.address)).to.emit(sm, "AVSConfigUpdated");
      await expect(sm.applyPendingAllocation(f.operator1.address, f.avs2.address, f.stETHAddress)).to.emit(
        sm,
        "AllocationUpdated",
      );
    });
  });

  describe("views", function () {
    it("report zeros for unknown AVSs, operators, allocations and requests", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      expect(await configOf(f, f.outsider.address)).to.deep.equal(EMPTY_CONFIG);
      expect(await pendingOf(f, f.outsider.address)).to.deep.equal([EMPTY_CONFIG, 0n]);
      expect(await sm.isRegistered(f.outsider.address, f.operator1.address)).to.equal(false);
      expect(await sm.isRegistered(f.avs2.address, f.operator2.address)).to.equal(false);
      expect([await sm.avsAt(0), await sm.avsAt(1), await sm.avsAt(2), await sm.avsAt(3)]).to.deep.equal([
        ZERO,
        f.avs.address,
        f.avs2.address,
        ZERO,
      ]);
      expect(await allocationOf(f, f.operator2.address, f.avs2.address, f.stETHAddress)).to.deep.equal({
        current: 0n,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await sm.allocatedStake(f.operator2.address, f.avs2.address, f.stETHAddress)).to.equal(0n);
      const [request, avs, assets, slashed] = await sm.slashRequest(42n);
      expect([...request]).to.deep.equal(expectedRequest(0n, ZERO, 0n, STATUS.None, 0n));
      expect([avs, assets.length, slashed.length]).to.deep.equal([ZERO, 0, 0]);
      expect(await sm.slashRequestCount()).to.equal(0n);
    });

    it("reject an address that is not a vault asset", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      const random = ethers.Wallet.createRandom().address;
      const op = f.operator1.address;
      await expect(sm.magnitudes(op, random))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
      await expect(sm.allocation(op, f.avs.address, random))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
      await expect(sm.allocatedStake(op, f.avs.address, random))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
      await expect(sm.maxSlashable(op, f.avs.address, random))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
    });

    it("answer for a listed asset that no AVS has used yet", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      // cbETH is a vault asset (index 2); no AVS accepts it and nobody allocated it.
      expect(await f.vault.isAsset(f.cbETHAddress)).to.equal(true);
      expect(await magnitudesOf(f, f.operator1.address, f.cbETHAddress)).to.deep.equal({
        lost: 0n,
        encumbered: 0n,
        reserved: 0n,
        maxMagnitude: WAD,
      });
      expect(await allocationOf(f, f.operator1.address, f.avs.address, f.cbETHAddress)).to.deep.equal({
        current: 0n,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await sm.allocatedStake(f.operator1.address, f.avs.address, f.cbETHAddress)).to.equal(0n);
      expect(await sm.maxSlashable(f.operator1.address, f.avs.address, f.cbETHAddress)).to.equal(0n);
      expect(await sm.securedStake(f.avs.address, f.cbETHAddress, [f.operator1.address])).to.equal(0n);
    });

    it("price allocated stake, max slashable and secured stake by the model, net of pending requests", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op1, operator2: op2, avs, avs2, stETHAddress: stETH, rETHAddress: rETH } = f;
      const x1 = allocatedStakeOf(OP1_STETH, ALLOCATIONS.op1AvsStETH, WAD, 0n);
      const x2 = allocatedStakeOf(STAKES.operator2StETH, ALLOCATIONS.op2AvsStETH, WAD, 0n);
      const y1 = allocatedStakeOf(OP1_STETH, ALLOCATIONS.op1Avs2StETH, WAD, 0n);
      expect(await sm.allocatedStake(op1.address, avs.address, stETH)).to.equal(x1);
      expect(await sm.allocatedStake(op1.address, avs.address, rETH)).to.equal(
        allocatedStakeOf(OP1_RETH, ALLOCATIONS.op1AvsRETH, WAD, 0n),
      );
      expect(await sm.allocatedStake(op1.address, avs2.address, stETH)).to.equal(y1);
      expect(await sm.allocatedStake(op2.address, avs.address, stETH)).to.equal(x2);
      expect(await sm.maxSlashable(op1.address, avs.address, stETH)).to.equal((x1 * AVS_MAX_SLASH) / WAD);
      expect(await sm.maxSlashable(op1.address, avs2.address, stETH)).to.equal((y1 * AVS2_MAX_SLASH) / WAD);
      expect(await sm.securedStake(avs.address, stETH, [op1.address, op2.address])).to.equal(x1 + x2);
      expect(await sm.securedStake(avs.address, stETH, [op2.address])).to.equal(x2);
      expect(await sm.securedStake(avs.address, stETH, [])).to.equal(0n);

      await (await sm.connect(f.slasher).requestSlash(avs.address, op1.address, F, EVIDENCE)).wait();
      const net = OP1_STETH - AMOUNT_STETH;
      const x1After = allocatedStakeOf(net, ALLOCATIONS.op1AvsStETH - S_STETH, WAD, S_STETH);
      expect(await sm.allocatedStake(op1.address, avs.address, stETH)).to.equal(x1After);
      expect(await sm.allocatedStake(op1.address, avs2.address, stETH)).to.equal(
        allocatedStakeOf(net, ALLOCATIONS.op1Avs2StETH, WAD, S_STETH),
      );
      expect(await sm.maxSlashable(op1.address, avs.address, stETH)).to.equal(
        (x1After * AVS_MAX_SLASH) / WAD,
      );
      expect(await sm.securedStake(avs.address, stETH, [op1.address, op2.address])).to.equal(x1After + x2);
    });

    it("report the allocation delay in force", async function () {
      const f = await loadFixture(stakedFixture);
      await (await f.sm.connect(f.operator1).setAllocationDelay(5n * DAY)).wait();
      expect(await f.sm.allocationDelay(f.operator1.address)).to.equal(DAY);
      await time.increase(DAY);
      expect(await f.sm.allocationDelay(f.operator1.address)).to.equal(5n * DAY);
    });
  });
});

/** A SlashRequest as an array in struct order (avsId, operator, executableAt, status, assetCount). */
function expectedRequest(
  avsId: bigint,
  operator: string,
  executableAt: bigint,
  status: bigint,
  assetCount: bigint,
): unknown[] {
  return [avsId, operator, executableAt, status, assetCount];
}
