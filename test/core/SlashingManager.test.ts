/**
 * Unit tests of SlashingManager: every external function's effects and events, every custom error with its
 * arguments, the pause groups, access control, upgrades and views. Expected amounts come from the BigInt model in
 * test/helpers/slashingFixtures.ts (docs/slashing.md "The magnitude model"), never from the contract:
 * s = ceil(current * f / 1e18), amount = floor(net * s / (maxMagnitude - reserved)).
 *
 * Numbers of stakedFixture used throughout (see STAKES and ALLOCATIONS):
 *   pool (operator1, stETH) = 300 (alice 100 + bob 200); pool (operator1, rETH) = 80 (alice 50 + bob 30);
 *   operator1: X stETH 0.4, X rETH 0.5, Y stETH 0.3; operator2: pool stETH 150, X stETH 0.6; carol 70 undelegated.
 *   A request of X for f = 1/4 against operator1 takes s = 0.1 (stETH) and 0.125 (rETH), reserving 30 and 10.
 *   X's SlashTerms are 1 (committee, burn) and Y's are 2 (no committee, `recipient`).
 *   The allocation delay is the vault's latestReadyAt() + EXIT_BUFFER (7 days 7 hours) - now: the withdrawal delay
 *   (7 days) + 7 days 7 hours = 14 days 7 hours for every operator while no withdrawal queued under a longer delay can be outstanding. A
 *   decrease (and the decrease a restore creates) stays slashable the deallocation delay, max(the withdrawal delay,
 *   MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN = 6 days - 1 s) + GATE_CYCLE = 10 days 18 hours - 1 s
 *   (DEALLOCATION_DELAY). An AVS's
 *   next request on an allocation waits until its last request's expiry + SLASH_COOLDOWN (3 days). Requests on a pool
 *   come in epochs (the pool gate, Magnitudes.gateAt = the epoch's start, never moved by a resolution): a request
 *   joins within JOIN_WINDOW (6 hours) of the start, closed pool or reopened; after that PoolGated(operator, asset,
 *   gateAt + GATE_CYCLE) while a request is pending or before gateAt + GATE_CYCLE (3 days 18 hours - 1 s), when the
 *   next request starts a new epoch. A request skips the assets it cannot take and takes the others.
 */
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture, mine, takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { BaseContract, ContractTransactionResponse, Interface, Signer } from "ethers";

import { ProtocolProxy__factory, SlashingManager__factory } from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import type { ExpectedEvent } from "../behaviours/common";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import {
  DAY,
  DEFAULT_WITHDRAWAL_DELAY,
  HOUR,
  MAX_WITHDRAWAL_DELAY,
  MIN_WITHDRAWAL_DELAY,
  ROLES,
  WAD,
  withdrawalId,
} from "../helpers/fixtures";
import {
  ALLOCATION_DELAY,
  DEALLOCATION_DELAY,
  ALLOCATIONS,
  AVS2_MAX_SLASH,
  AVS_MAX_SLASH,
  AVS_VETO_WINDOW,
  BURN_ADDRESS,
  DEREGISTRATION_GAS_NEEDED,
  EMPTY_CONFIG,
  EXECUTION_WINDOW,
  EXIT_BUFFER,
  EXIT_MARGIN,
  GATE_CYCLE,
  JOIN_WINDOW,
  MAX_REQUEST_INTERVAL,
  MAX_VETO_WINDOW,
  MIN_MAX_MAGNITUDE,
  OP1_RETH,
  OP1_STETH,
  REGISTRAR_GAS_LIMIT,
  REGISTRAR_MODE,
  REOPEN_WINDOW,
  SLASH_COOLDOWN,
  SM_GROUP,
  STAKES,
  STATUS,
  ZERO,
  allocatedStakeOf,
  deallocationDelayFor,
  allocationDelayAt,
  allocationDelayFor,
  allocationOf,
  allocationRecordOf,
  avs2Params,
  avsParams,
  blockTimeOf,
  deallocationCut,
  expectedConfig,
  expectedTerms,
  fundedWallet,
  gateAtOf,
  latestReadyAtOf,
  magnitudesOf,
  nextRequestAtOf,
  nextTimestamp,
  poolOf,
  reservedAmount,
  scaledPendingDecrease,
  slashMagnitude,
  slashingManagerFixture,
  stakedDeposits,
  stakedFixture,
  SlashingWorld,
  type AVSParams,
  type AllocationState,
  type SlashingManagerFixture,
  type StakedFixture,
} from "../helpers/slashingFixtures";
import { NO_SIGNATURE, ZERO_SALT } from "../helpers/signatures";
import { toAssetsDown } from "../helpers/sharesMath";
import { avsParamsHash, securedStake } from "../../sdk/views";

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

/**
 * Every AVS registered so far, in registration order, with the id its AVSRegistered event gave it (from 1; the stored
 * `avsConfig(avs).id` must agree): how an indexer maps ids to AVSs (an id no event gave maps to nothing).
 */
async function registeredIds(f: SlashingManagerFixture): Promise<[string, bigint][]> {
  const logs = await f.sm.queryFilter(f.sm.filters.AVSRegistered(), 0);
  const out: [string, bigint][] = [];
  for (const log of logs) {
    const { avs, config } = log.args;
    expect((await f.sm.avsConfig(avs)).id, `avsConfig(${avs}).id = its AVSRegistered id`).to.equal(config.id);
    out.push([avs, config.id]);
  }
  return out;
}

/** The stored configuration of `avs` as an array in struct order. */
async function configOf(f: SlashingManagerFixture, avs: string): Promise<unknown[]> {
  return [...(await f.sm.avsConfig(avs))];
}

/** The queued configuration change of `avs`: [paramsHash, effectAt] ([ZeroHash, 0] when none). */
async function pendingOf(f: SlashingManagerFixture, avs: string): Promise<[string, bigint]> {
  const { paramsHash, effectAt } = await f.sm.pendingAVSConfig(avs);
  return [paramsHash, effectAt];
}

/** No queued configuration change. */
const NO_PENDING: [string, bigint] = [ethers.ZeroHash, 0n];
/** ISlashingManagerTypes.AVSParams as an ABI tuple: pendingAVSConfig's paramsHash is keccak256(abi.encode(params)). */
const AVS_PARAMS_TUPLE =
  "tuple(address slasher,address vetoCommittee,uint32 vetoWindow,uint64 maxSlashWad,address recipient,address registrar,address[] assets)";

/** Request `id` and its SlashedAssets as plain arrays: [[request...], avs, [[asset, [slashed...]], ...]]. */
async function requestOf(f: SlashingManagerFixture, id: bigint): Promise<unknown[]> {
  const [request, avs] = await f.sm.slashRequest(id);
  const assets: unknown[] = [];
  for (let i = 0n; i < request.assetCount; i++) {
    const [asset, slashed] = await f.sm.slashedAsset(id, i);
    assets.push([asset, [...slashed]]);
  }
  return [[...request], avs, assets];
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

/** dave's stETH in operator3's pool (operator3Fixture). */
const OP3_STETH = 100n * WAD;

interface Operator3Fixture extends StakedFixture {
  /** An operator registered for X and Y with nothing allocated. */
  operator3: HardhatEthersSigner;
}

/** stakedFixture + operator3, registered for X and Y with nothing allocated; dave delegated to it with 100 stETH. */
async function operator3Fixture(): Promise<Operator3Fixture> {
  const f = await stakedFixture();
  const [operator3] = (await ethers.getSigners()).slice(18, 19);
  await (await f.registry.connect(operator3).registerAsOperator("ipfs://operator-3", 0, ZERO)).wait();
  await (await f.sm.connect(operator3).registerOperatorToAVS(f.avs.address, "0x")).wait();
  await (await f.sm.connect(operator3).registerOperatorToAVS(f.avs2.address, "0x")).wait();
  await (await f.registry.connect(f.dave).delegateTo(operator3.address, NO_SIGNATURE, ZERO_SALT)).wait();
  await (await f.vault.connect(f.dave).deposit(f.stETHAddress, OP3_STETH, 0n)).wait();
  return { ...f, operator3 };
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
      expect(await sm.EXIT_BUFFER()).to.equal(EXIT_BUFFER);
      expect(EXIT_BUFFER, "2 * GATE_CYCLE - JOIN_WINDOW, rounded up").to.equal(7n * DAY + 7n * HOUR);
      expect(2n * GATE_CYCLE - JOIN_WINDOW + EXIT_MARGIN).to.equal(EXIT_BUFFER - 2n);
      expect(await sm.SLASH_COOLDOWN()).to.equal(SLASH_COOLDOWN);
      expect([await sm.JOIN_WINDOW(), await sm.REOPEN_WINDOW(), await sm.GATE_CYCLE()]).to.deep.equal([
        JOIN_WINDOW,
        REOPEN_WINDOW,
        GATE_CYCLE,
      ]);
      expect([JOIN_WINDOW, REOPEN_WINDOW]).to.deep.equal([6n * 3600n, 12n * 3600n]);
      expect(GATE_CYCLE).to.equal(JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW + REOPEN_WINDOW);
      expect(GATE_CYCLE).to.equal(3n * DAY + 18n * 3600n - 1n);
      expect(await sm.allocationDelay()).to.equal(DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect([await sm.GROUP_AVS(), await sm.GROUP_ALLOCATIONS(), await sm.GROUP_SLASHING()]).to.deep.equal([
        SM_GROUP.AVS,
        SM_GROUP.ALLOCATIONS,
        SM_GROUP.SLASHING,
      ]);
      // The veto window plus the execution window stays under the shortest withdrawal delay; the longest pool
      // closure (an epoch's join window, then its last request's veto and execution windows) plus the reopening
      // window is GATE_CYCLE, within EXIT_BUFFER; a legitimate AVS waits at most GATE_CYCLE - JOIN_WINDOW for the
      // next epoch, less than the shortest withdrawal delay; a deallocation stays slashable GATE_CYCLE beyond the
      // withdrawal delay or an AVS's longest wait between two requests (MAX_REQUEST_INTERVAL, 6 days - 1 s), whichever
      // is longer, so an AVS deciding to slash within a withdrawal delay of its announcement (or whose cooldown ends
      // then) always reaches a join window or an open pool before it matures (docs/slashing.md "Windows and delays").
      expect(await f.vault.MIN_WITHDRAWAL_DELAY()).to.equal(MIN_WITHDRAWAL_DELAY);
      expect(MIN_WITHDRAWAL_DELAY).to.equal(4n * DAY);
      expect(MAX_VETO_WINDOW + EXECUTION_WINDOW).to.be.lt(MIN_WITHDRAWAL_DELAY);
      const closure = JOIN_WINDOW + MAX_VETO_WINDOW + EXECUTION_WINDOW;
      expect(closure).to.equal(3n * DAY + 6n * 3600n - 1n);
      expect(closure + REOPEN_WINDOW).to.equal(GATE_CYCLE);
      expect(GATE_CYCLE).to.be.lte(EXIT_BUFFER);
      expect(GATE_CYCLE - JOIN_WINDOW).to.be.lt(MIN_WITHDRAWAL_DELAY);
      expect(DEALLOCATION_DELAY).to.equal(DEFAULT_WITHDRAWAL_DELAY + GATE_CYCLE);
      expect(DEALLOCATION_DELAY).to.equal(10n * DAY + 18n * 3600n - 1n);
      expect(MAX_REQUEST_INTERVAL).to.equal(MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN);
      expect(MAX_REQUEST_INTERVAL).to.equal(6n * DAY - 1n);
      expect(deallocationDelayFor(MIN_WITHDRAWAL_DELAY)).to.equal(MAX_REQUEST_INTERVAL + GATE_CYCLE);
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

    it("has no per-operator allocation delay nor securedStake any more, and no getters for MIN_MAX_MAGNITUDE, REGISTRAR_GAS_LIMIT and BURN_ADDRESS (internal constants, for code size)", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const removed = new ethers.Interface([
        "function setAllocationDelay(uint32 delay)",
        "function allocationDelay(address operator) view returns (uint256)",
        "function DEFAULT_ALLOCATION_DELAY() view returns (uint256)",
        "function MAX_ALLOCATION_DELAY() view returns (uint256)",
        "function securedStake(address avs, address asset, address[] operators) view returns (uint256)",
        "function MIN_MAX_MAGNITUDE() view returns (uint256)",
        "function REGISTRAR_GAS_LIMIT() view returns (uint256)",
        "function BURN_ADDRESS() view returns (address)",
      ]);
      const calls: Array<[string, string]> = [
        ["setAllocationDelay(uint32)", removed.encodeFunctionData("setAllocationDelay", [DAY])],
        ["allocationDelay(address)", removed.encodeFunctionData("allocationDelay", [f.operator1.address])],
        ["DEFAULT_ALLOCATION_DELAY()", removed.encodeFunctionData("DEFAULT_ALLOCATION_DELAY")],
        ["MAX_ALLOCATION_DELAY()", removed.encodeFunctionData("MAX_ALLOCATION_DELAY")],
        [
          "securedStake(address,address,address[])",
          removed.encodeFunctionData("securedStake", [f.avs.address, f.stETHAddress, [f.operator1.address]]),
        ],
        ["MIN_MAX_MAGNITUDE()", removed.encodeFunctionData("MIN_MAX_MAGNITUDE")],
        ["REGISTRAR_GAS_LIMIT()", removed.encodeFunctionData("REGISTRAR_GAS_LIMIT")],
        ["BURN_ADDRESS()", removed.encodeFunctionData("BURN_ADDRESS")],
      ];
      const iface: Interface = f.sm.interface;
      for (const [signature, data] of calls) {
        expect(iface.getFunction(signature), signature).to.equal(null);
        // Nothing answers the old selector (no fallback).
        await expect(
          f.operator1.sendTransaction({ to: f.smAddress, data }),
          signature,
        ).to.be.revertedWithoutReason();
      }
      for (const name of ["AllocationDelaySet", "AllocationDelayTooLong"]) {
        expect(
          f.sm.interface.fragments.some((x) => "name" in x && x.name === name),
          name,
        ).to.equal(false);
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
      stateProbe: async () => ({
        modules: [await sm.vault(), await sm.registry()],
        config: await configOf(f, f.avs.address),
        terms: [...(await sm.slashTerms(1))],
        allocation: await allocationRecordOf(f, f.operator1.address, f.avs.address, f.stETHAddress),
        magnitudes: await magnitudesOf(f, f.operator1.address, f.stETHAddress),
        request: await requestOf(f, 1n),
        requestCount: await sm.slashRequestCount(),
      }),
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
      const config = expectedConfig(f, params, 1n, 1n);
      expect(config[4]).to.equal(0b1010n);
      const tx = await f.sm.connect(f.avs).registerAVS("ipfs://avs-x", params);
      await expect(tx).to.emit(f.sm, "AVSRegistered").withArgs(f.avs.address, "ipfs://avs-x", config);
      // Its committee and recipient are SlashTerms 1, which its requests will carry.
      expect(await eventsOf(tx, f.sm, "SlashTermsSet")).to.deep.equal([
        [f.avs.address, 1n, f.committee.address, f.recipient.address],
      ]);
      expect([...(await f.sm.slashTerms(1))]).to.deep.equal(
        expectedTerms(f.committee.address, 1n, f.recipient.address),
      );
      expect(await configOf(f, f.avs.address)).to.deep.equal(config);
      expect(await pendingOf(f, f.avs.address)).to.deep.equal(NO_PENDING);
      expect(await registeredIds(f), "X is AVS 1").to.deep.equal([[f.avs.address, 1n]]);

      const params2 = avs2Params(f);
      await expect(f.sm.connect(f.avs2).registerAVS("ipfs://avs-y", params2))
        .to.emit(f.sm, "AVSRegistered")
        .withArgs(f.avs2.address, "ipfs://avs-y", expectedConfig(f, params2, 2n, 2n))
        .and.to.emit(f.sm, "SlashTermsSet")
        .withArgs(f.avs2.address, 2n, ZERO, f.recipient.address);
      expect(await registeredIds(f), "ids from 1 in registration order").to.deep.equal([
        [f.avs.address, 1n],
        [f.avs2.address, 2n],
      ]);
      expect([...(await f.sm.slashTerms(2))]).to.deep.equal(expectedTerms(ZERO, 2n, f.recipient.address));
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
      expect(await registeredIds(f), "a rejected registration gives no id").to.deep.equal([]);
      expect([...(await sm.slashTerms(1))]).to.deep.equal(expectedTerms(ZERO, 0n, ZERO));

      await (await register({})).wait();
      await expect(register({}))
        .to.be.revertedWithCustomError(sm, "AVSAlreadyRegistered")
        .withArgs(f.avs.address);
      expect(await registeredIds(f), "a second registration gives no second id").to.deep.equal([
        [f.avs.address, 1n],
      ]);
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
      // Same committee and recipient: the AVS keeps its SlashTerms.
      const config = expectedConfig(f, params, 1n, 1n);
      await expect(f.sm.connect(f.avs).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs.address, config)
        .and.not.to.emit(f.sm, "AVSConfigQueued")
        .and.not.to.emit(f.sm, "SlashTermsSet");
      expect(await configOf(f, f.avs.address)).to.deep.equal(config);
      expect(await pendingOf(f, f.avs.address)).to.deep.equal(NO_PENDING);
      expect([...(await f.sm.slashTerms(3))]).to.deep.equal(expectedTerms(ZERO, 0n, ZERO));
    });

    it("treats adding a veto committee where there was none as a tightening, with new SlashTerms", async function () {
      const f = await loadFixture(stakedFixture);
      const params = avs2Params(f, { vetoCommittee: f.committee.address, vetoWindow: DAY });
      await expect(f.sm.connect(f.avs2).updateAVSConfig(params))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs2.address, expectedConfig(f, params, 2n, 3n))
        .and.to.emit(f.sm, "SlashTermsSet")
        .withArgs(f.avs2.address, 3n, f.committee.address, f.recipient.address);
      expect([...(await f.sm.slashTerms(3))]).to.deep.equal(
        expectedTerms(f.committee.address, 2n, f.recipient.address),
      );
      // The old terms stay as they were, for the requests made under them.
      expect([...(await f.sm.slashTerms(2))]).to.deep.equal(expectedTerms(ZERO, 2n, f.recipient.address));
    });

    // A change of where slashed funds go (burn <-> a recipient, or one recipient to another) is a loosening too:
    // redirecting slashed funds changes the AVS's incentive to slash, and queueing it gives anyone time to release
    // funds already in escrow to the old destination. X burns; Y redistributes to `recipient`.
    // `newTerms`: the change replaces the committee or the recipient, so applying it writes SlashTerms 3.
    const loosenings: Array<[string, "X" | "Y", (f: SlashingManagerFixture) => Partial<AVSParams>, boolean]> =
      [
        ["a new slasher", "X", (f) => ({ slasher: f.slasher2.address }), false],
        ["a higher maximum fraction", "X", () => ({ maxSlashWad: AVS_MAX_SLASH + 1n }), false],
        ["a removed veto committee", "X", () => ({ vetoCommittee: ZERO, vetoWindow: 0n }), true],
        ["a replaced veto committee", "X", (f) => ({ vetoCommittee: f.outsider.address }), true],
        ["a shorter veto window", "X", () => ({ vetoWindow: AVS_VETO_WINDOW - 1n }), false],
        ["a new asset", "X", (f) => ({ assets: [f.stETHAddress, f.rETHAddress, f.cbETHAddress] }), false],
        [
          "a recipient where slashed funds were burned",
          "X",
          (f) => ({ recipient: f.recipient2.address }),
          true,
        ],
        ["another recipient", "Y", (f) => ({ recipient: f.recipient2.address }), true],
        ["burning where slashed funds went to a recipient", "Y", () => ({ recipient: ZERO }), true],
      ];
    for (const [name, which, overrides, newTerms] of loosenings) {
      it(`queues ${name} until latestReadyAt() + EXIT_BUFFER, then anyone applies it with the queued params`, async function () {
        const f = await loadFixture(stakedFixture);
        const [avs, params, id] =
          which === "X"
            ? [f.avs.address, avsParams(f, overrides(f)), 1n]
            : [f.avs2.address, avs2Params(f, overrides(f)), 2n];
        const avsSigner = which === "X" ? f.avs : f.avs2;
        const old = await configOf(f, avs);
        // Queued, the configuration has no terms yet (termsId 0); applied, it keeps the AVS's or gets new ones.
        const queued = expectedConfig(f, params, id, 0n);
        const termsId = newTerms ? 3n : id;
        const config = expectedConfig(f, params, id, termsId);
        expect(config).to.not.deep.equal(old);
        const t = await nextTimestamp();
        // No withdrawal delay change: latestReadyAt() = now + the withdrawal delay.
        const effectAt = latestReadyAtOf(t, DEFAULT_WITHDRAWAL_DELAY) + EXIT_BUFFER;
        expect(effectAt).to.equal(t + DEFAULT_WITHDRAWAL_DELAY + 7n * DAY + 7n * HOUR);

        await expect(f.sm.connect(avsSigner).updateAVSConfig(params))
          .to.emit(f.sm, "AVSConfigQueued")
          .withArgs(avs, queued, effectAt)
          .and.not.to.emit(f.sm, "AVSConfigUpdated")
          .and.not.to.emit(f.sm, "SlashTermsSet");
        expect(await configOf(f, avs)).to.deep.equal(old);
        // Only the hash of the queued params is stored (the params are in the event).
        const paramsHash = avsParamsHash(params);
        expect(paramsHash).to.equal(
          ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode([AVS_PARAMS_TUPLE], [params])),
        );
        expect(await pendingOf(f, avs)).to.deep.equal([paramsHash, effectAt]);

        await time.setNextBlockTimestamp(effectAt - 1n);
        await expect(f.sm.connect(f.outsider).applyAVSConfig(avs, params))
          .to.be.revertedWithCustomError(f.sm, "NoPendingConfig")
          .withArgs(avs, effectAt);
        // In force from effectAt, but only with the params that were queued: the old ones, or any others, do not match.
        const snapshot = await takeSnapshot();
        await time.setNextBlockTimestamp(effectAt);
        const oldParams = which === "X" ? avsParams(f) : avs2Params(f);
        const others = { ...params, maxSlashWad: params.maxSlashWad - 1n };
        for (const wrong of [oldParams, others]) {
          await expect(f.sm.connect(f.outsider).applyAVSConfig(avs, wrong))
            .to.be.revertedWithCustomError(f.sm, "PendingConfigMismatch")
            .withArgs(avs, paramsHash);
        }
        expect(await pendingOf(f, avs)).to.deep.equal([paramsHash, effectAt]);
        await snapshot.restore();
        await time.setNextBlockTimestamp(effectAt);
        const tx = await f.sm.connect(f.outsider).applyAVSConfig(avs, params);
        await expect(tx).to.emit(f.sm, "AVSConfigUpdated").withArgs(avs, config);
        expect(await eventsOf(tx, f.sm, "SlashTermsSet")).to.deep.equal(
          newTerms ? [[avs, 3n, params.vetoCommittee, params.recipient]] : [],
        );
        expect([...(await f.sm.slashTerms(Number(termsId)))]).to.deep.equal(
          expectedTerms(params.vetoCommittee, id, params.recipient),
        );
        expect(await configOf(f, avs)).to.deep.equal(config);
        expect(await pendingOf(f, avs)).to.deep.equal(NO_PENDING);
        await expect(f.sm.applyAVSConfig(avs, params))
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
      const first = avsParams(f, { slasher: f.slasher2.address });
      const second = avsParams(f, { maxSlashWad: WAD });
      const t = await nextTimestamp();
      await (await f.sm.connect(f.avs).updateAVSConfig(second)).wait();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([avsParamsHash(second), effectAt]);
      // The first change is gone: its params no longer match.
      await time.increaseTo(effectAt);
      await expect(f.sm.applyAVSConfig(f.avs.address, first))
        .to.be.revertedWithCustomError(f.sm, "PendingConfigMismatch")
        .withArgs(f.avs.address, avsParamsHash(second));

      const tighter = avsParams(f, { maxSlashWad: AVS_MAX_SLASH / 2n });
      await expect(f.sm.connect(f.avs).updateAVSConfig(tighter))
        .to.emit(f.sm, "AVSConfigUpdated")
        .withArgs(f.avs.address, expectedConfig(f, tighter, 1n, 1n));
      expect(await pendingOf(f, f.avs.address)).to.deep.equal(NO_PENDING);
      await expect(f.sm.applyAVSConfig(f.avs.address, second))
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
      await expect(f.sm.applyAVSConfig(f.outsider.address, avsParams(f)))
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
        .withArgs(1n, f.stETHAddress, S_STETH, AMOUNT_STETH, 0n);
      await expect(f.sm.connect(f.operator1).modifyAllocation(f.avs.address, f.rETHAddress, 0n)).to.emit(
        f.sm,
        "AllocationUpdated",
      );
    });
  });

  describe("allocationDelay", function () {
    it("is latestReadyAt() + EXIT_BUFFER - now, the same for every operator: 14 days 7 hours by default, and longer at once when the withdrawal delay grows", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const now = BigInt(await time.latest());
      expect(await f.vault.latestReadyAt()).to.equal(now + DEFAULT_WITHDRAWAL_DELAY);
      expect(await f.sm.allocationDelay()).to.equal(ALLOCATION_DELAY);
      expect(ALLOCATION_DELAY).to.equal(14n * DAY + 7n * HOUR);
      for (const delay of [10n * DAY, MAX_WITHDRAWAL_DELAY]) {
        await (await f.vault.connect(f.admin).setWithdrawalDelay(delay)).wait();
        const t = BigInt(await time.latest());
        // Longer than any delay before: latestReadyAt() is now + the new delay.
        expect(await f.vault.latestReadyAt()).to.equal(t + delay);
        expect(await f.sm.allocationDelay()).to.equal(delay + EXIT_BUFFER);
        expect(allocationDelayFor(delay)).to.equal(delay + EXIT_BUFFER);
      }
    });

    it("does not shrink when the withdrawal delay is shortened until withdrawals queued under the old delay can no longer be outstanding", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const { sm, vault } = f;
      // 7 -> 4 days at ts: a withdrawal queued just before is ready at ts + 7 days (the exit horizon).
      const ts = await nextTimestamp();
      await (await vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const horizon = ts + DEFAULT_WITHDRAWAL_DELAY;
      expect(await vault.latestReadyAt()).to.equal(horizon);
      expect(await sm.allocationDelay()).to.equal(horizon + EXIT_BUFFER - ts);
      expect(await sm.allocationDelay()).to.equal(ALLOCATION_DELAY);
      // It runs down with the horizon, then stays at the new delay + EXIT_BUFFER (8 days).
      for (const at of [
        ts + DAY,
        horizon - MIN_WITHDRAWAL_DELAY - 1n,
        horizon - MIN_WITHDRAWAL_DELAY,
        horizon - MIN_WITHDRAWAL_DELAY + 1n,
        horizon + DAY,
      ]) {
        await time.increaseTo(at);
        const expected = allocationDelayAt(at, MIN_WITHDRAWAL_DELAY, horizon);
        expect(await vault.latestReadyAt(), `latestReadyAt at ${at - ts} s`).to.equal(
          latestReadyAtOf(at, MIN_WITHDRAWAL_DELAY, horizon),
        );
        expect(await sm.allocationDelay(), `allocationDelay at ${at - ts} s`).to.equal(expected);
        expect(expected, "never below the new delay + EXIT_BUFFER").to.be.gte(
          MIN_WITHDRAWAL_DELAY + EXIT_BUFFER,
        );
      }
      expect(allocationDelayAt(horizon - MIN_WITHDRAWAL_DELAY - 1n, MIN_WITHDRAWAL_DELAY, horizon)).to.equal(
        MIN_WITHDRAWAL_DELAY + EXIT_BUFFER + 1n,
      );
      expect(await sm.allocationDelay()).to.equal(MIN_WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect(MIN_WITHDRAWAL_DELAY + EXIT_BUFFER).to.equal(11n * DAY + 7n * HOUR);
    });

    it("applies a withdrawal delay change to increases queued after it, never to increases already queued, and a shorter delay shortens none while old withdrawals can be outstanding", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op1, operator2: op2 } = f;
      const up = WAD / 10n;

      // Queued under the default delay: in force 7 + 4 days later.
      const t1 = await nextTimestamp();
      await expect(
        sm.connect(op1).modifyAllocation(f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + up),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op1.address,
          f.avs2.address,
          f.stETHAddress,
          ALLOCATIONS.op1Avs2StETH,
          ALLOCATIONS.op1Avs2StETH + up,
          t1 + ALLOCATION_DELAY,
          OP1_STETH_ENCUMBERED + up,
        );
      const effectAt1 = t1 + ALLOCATION_DELAY;

      // Longer withdrawal delay: a later increase waits 14 + 4 days; the queued one does not move.
      await (await f.vault.connect(f.admin).setWithdrawalDelay(14n * DAY)).wait();
      expect((await allocationOf(f, op1.address, f.avs2.address, f.stETHAddress)).effectAt).to.equal(
        effectAt1,
      );
      const t2 = await nextTimestamp();
      await (
        await sm.connect(op1).modifyAllocation(f.avs.address, f.rETHAddress, ALLOCATIONS.op1AvsRETH + up)
      ).wait();
      const effectAt2 = t2 + 14n * DAY + EXIT_BUFFER;
      expect(await allocationOf(f, op1.address, f.avs.address, f.rETHAddress)).to.deep.equal({
        current: ALLOCATIONS.op1AvsRETH,
        pendingDelta: up,
        pendingIncrease: true,
        effectAt: effectAt2,
      });

      // Shorter withdrawal delay (4 days): a withdrawal queued just before is ready 14 days after the change, so a
      // later increase still waits until then + EXIT_BUFFER, not 4 + 4 days; the queued ones do not move.
      const ts = await nextTimestamp(DAY);
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const horizon = ts + 14n * DAY;
      const t3 = await nextTimestamp();
      await expect(
        sm.connect(op2).modifyAllocation(f.avs.address, f.stETHAddress, ALLOCATIONS.op2AvsStETH + up),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op2.address,
          f.avs.address,
          f.stETHAddress,
          ALLOCATIONS.op2AvsStETH,
          ALLOCATIONS.op2AvsStETH + up,
          horizon + EXIT_BUFFER,
          ALLOCATIONS.op2AvsStETH + up,
        );
      const effectAt3 = horizon + EXIT_BUFFER;
      expect(effectAt3).to.equal(t3 + allocationDelayAt(t3, MIN_WITHDRAWAL_DELAY, horizon));
      expect(effectAt3, "later than 4 + 4 days").to.be.gt(t3 + MIN_WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect(effectAt3, "not before the increase queued under the longer delay").to.be.gt(effectAt2);
      expect((await allocationOf(f, op1.address, f.avs2.address, f.stETHAddress)).effectAt).to.equal(
        effectAt1,
      );
      expect((await allocationOf(f, op1.address, f.avs.address, f.rETHAddress)).effectAt).to.equal(effectAt2);

      // Each increase becomes slashable exactly at its own effectAt.
      for (const [operator, avs, asset, before, effectAt] of [
        [op1.address, f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH, effectAt1],
        [op1.address, f.avs.address, f.rETHAddress, ALLOCATIONS.op1AvsRETH, effectAt2],
        [op2.address, f.avs.address, f.stETHAddress, ALLOCATIONS.op2AvsStETH, effectAt3],
      ] as const) {
        await time.increaseTo(effectAt - 1n);
        expect((await allocationOf(f, operator, avs, asset)).current, "1 s before effectAt").to.equal(before);
        await time.increaseTo(effectAt);
        expect((await allocationOf(f, operator, avs, asset)).current, "at effectAt").to.equal(before + up);
      }

      // Past the horizon, an increase waits the new delay + EXIT_BUFFER.
      const t4 = await nextTimestamp();
      expect(t4).to.be.gt(horizon);
      await expect(
        sm.connect(op1).modifyAllocation(f.avs2.address, f.stETHAddress, ALLOCATIONS.op1Avs2StETH + 2n * up),
      )
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op1.address,
          f.avs2.address,
          f.stETHAddress,
          ALLOCATIONS.op1Avs2StETH + up,
          ALLOCATIONS.op1Avs2StETH + 2n * up,
          t4 + MIN_WITHDRAWAL_DELAY + EXIT_BUFFER,
          OP1_STETH_ENCUMBERED + 2n * up,
        );
    });

    it("lets a staker who queued under the old, longer delay leave before an increase announced after the delay was shortened", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, vault, operator1: op, stETHAddress: stETH } = f;
      // Bob queues everything under the 7-day delay; the admin then shortens it to 4 days.
      const [, bobShares] = await vault.position(f.bob.address, stETH);
      const queuedAt = await nextTimestamp();
      await (await vault.connect(f.bob).queueWithdrawal(stETH, bobShares)).wait();
      const readyAt = queuedAt + DEFAULT_WITHDRAWAL_DELAY;
      const ts = await nextTimestamp();
      await (await vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const id = withdrawalId(f.bob.address, 0n);
      expect((await vault.withdrawableAmount(id))[1], "readyAt is fixed at queue").to.equal(readyAt);
      expect(await vault.latestReadyAt()).to.equal(ts + DEFAULT_WITHDRAWAL_DELAY);

      // operator1 announces an increase of Y's allocation right after: it waits until Bob is ready + EXIT_BUFFER.
      const target = ALLOCATIONS.op1Avs2StETH + WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs2.address, stETH, target)).wait();
      const effectAt = (await allocationOf(f, op.address, f.avs2.address, stETH)).effectAt;
      expect(effectAt).to.equal(ts + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect(effectAt - t).to.equal(
        allocationDelayAt(t, MIN_WITHDRAWAL_DELAY, ts + DEFAULT_WITHDRAWAL_DELAY),
      );
      expect(effectAt - readyAt, "Bob has EXIT_BUFFER (and more) to leave").to.equal(EXIT_BUFFER + 1n);

      // Bob leaves whole at his readyAt, with nothing of the increase slashable.
      const pool = await poolOf(f, op.address, stETH);
      const worth = toAssetsDown(bobShares, OP1_STETH, pool.totalShares);
      await time.setNextBlockTimestamp(readyAt);
      await expect(vault.connect(f.bob).completeWithdrawal(id, true, worth)).to.changeTokenBalance(
        f.stETH,
        f.bob,
        worth,
      );
      expect(STAKES.bobStETH - worth, "Bob leaves with his 200 (share rounding aside)").to.be.lte(1n);
      await time.increaseTo(effectAt - 1n);
      expect((await allocationOf(f, op.address, f.avs2.address, stETH)).current).to.equal(
        ALLOCATIONS.op1Avs2StETH,
      );

      // From effectAt Y slashes the increased allocation, out of what stayed (alice's 100).
      await time.setNextBlockTimestamp(effectAt);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, target, reservedAmount(OP1_STETH - worth, target, WAD, 0n), 0n);
    });

    it("lets a staker who starts leaving when an increase is announced leave before the increase is slashable", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, vault, operator1: op, stETHAddress: stETH } = f;
      const target = ALLOCATIONS.op1Avs2StETH + WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs2.address, stETH, target)).wait();
      const effectAt = t + ALLOCATION_DELAY;

      // Bob queues everything in the next block; his withdrawal is ready EXIT_BUFFER - 1 s before the increase.
      const [, bobShares] = await vault.position(f.bob.address, stETH);
      const queuedAt = await nextTimestamp();
      await (await vault.connect(f.bob).queueWithdrawal(stETH, bobShares)).wait();
      const readyAt = queuedAt + DEFAULT_WITHDRAWAL_DELAY;
      expect(effectAt - readyAt).to.equal(EXIT_BUFFER - 1n);
      const id = withdrawalId(f.bob.address, 0n);
      const [worth, ready] = await vault.withdrawableAmount(id);
      expect(ready).to.equal(readyAt);
      const pool = await poolOf(f, op.address, stETH);
      expect(worth).to.equal(toAssetsDown(bobShares, OP1_STETH, pool.totalShares));
      await time.setNextBlockTimestamp(readyAt);
      await expect(vault.connect(f.bob).completeWithdrawal(id, true, worth)).to.changeTokenBalance(
        f.stETH,
        f.bob,
        worth,
      );
      expect((await allocationOf(f, op.address, f.avs2.address, stETH)).current).to.equal(
        ALLOCATIONS.op1Avs2StETH,
      );

      // From effectAt Y slashes the increased allocation, out of what stayed (alice's 100).
      await time.setNextBlockTimestamp(effectAt);
      const s = slashMagnitude(target, WAD);
      expect(s).to.equal(target);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, s, reservedAmount(OP1_STETH - worth, s, WAD, 0n), 0n);
    });

    it("queues a loosening AVS change until latestReadyAt() + EXIT_BUFFER: a later delay change does not move it, and a shorter delay shortens no later one while old withdrawals can be outstanding", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      await (await f.vault.connect(f.admin).setWithdrawalDelay(10n * DAY)).wait();
      const params = avsParams(f, { slasher: f.slasher2.address });
      const t = await nextTimestamp();
      const effectAt = t + 10n * DAY + EXIT_BUFFER;
      await expect(sm.connect(f.avs).updateAVSConfig(params))
        .to.emit(sm, "AVSConfigQueued")
        .withArgs(f.avs.address, expectedConfig(f, params, 1n, 0n), effectAt);

      // Shortened to 4 days: the queued change keeps its effectAt, and one queued now waits for the 10-day horizon.
      const ts = await nextTimestamp();
      await (await f.vault.connect(f.admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      const horizon = ts + 10n * DAY;
      expect(await pendingOf(f, f.avs.address)).to.deep.equal([avsParamsHash(params), effectAt]);
      const params2 = avs2Params(f, { recipient: f.recipient2.address });
      const t2 = await nextTimestamp();
      await expect(sm.connect(f.avs2).updateAVSConfig(params2))
        .to.emit(sm, "AVSConfigQueued")
        .withArgs(f.avs2.address, expectedConfig(f, params2, 2n, 0n), horizon + EXIT_BUFFER);
      expect(horizon + EXIT_BUFFER).to.be.gt(t2 + MIN_WITHDRAWAL_DELAY + EXIT_BUFFER);
      expect(horizon + EXIT_BUFFER).to.be.gt(effectAt);

      await time.setNextBlockTimestamp(effectAt - 1n);
      await expect(sm.applyAVSConfig(f.avs.address, params))
        .to.be.revertedWithCustomError(sm, "NoPendingConfig")
        .withArgs(f.avs.address, effectAt);
      await time.setNextBlockTimestamp(effectAt);
      await expect(sm.applyAVSConfig(f.avs.address, params))
        .to.emit(sm, "AVSConfigUpdated")
        .withArgs(f.avs.address, expectedConfig(f, params, 1n, 1n));

      // Past the horizon (effectAt is), a loosening waits the new delay + EXIT_BUFFER.
      expect(effectAt).to.be.gt(horizon);
      const params3 = avsParams(f, { slasher: f.slasher2.address, maxSlashWad: WAD });
      const t3 = await nextTimestamp();
      await expect(sm.connect(f.avs).updateAVSConfig(params3))
        .to.emit(sm, "AVSConfigQueued")
        .withArgs(f.avs.address, expectedConfig(f, params3, 1n, 0n), t3 + MIN_WITHDRAWAL_DELAY + EXIT_BUFFER);
    });
  });

  describe("modifyAllocation", function () {
    it("makes an increase pending for the allocation delay and slashable only from effectAt", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const target = ALLOCATIONS.op1AvsStETH + WAD / 10n;
      const t = await nextTimestamp();
      const effectAt = t + ALLOCATION_DELAY;
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
        .withArgs(1n, stETH, sBefore, reservedAmount(OP1_STETH, sBefore, WAD, 0n), 0n);
      await snapshot.restore();
      await time.setNextBlockTimestamp(effectAt);
      const sAfter = slashMagnitude(target, F);
      await expect(sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, sAfter, reservedAmount(OP1_STETH, sAfter, WAD, 0n), 0n);
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

    it("keeps a decrease slashable until the deallocation delay (the default 7-day withdrawal delay + GATE_CYCLE), and frees its magnitude once applied", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, avs2, stETHAddress: stETH } = f;
      const target = WAD / 10n;
      const delta = ALLOCATIONS.op1AvsStETH - target;
      const t = await nextTimestamp();
      const effectAt = t + DEALLOCATION_DELAY;
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
        .withArgs(
          1n,
          stETH,
          s,
          reservedAmount(OP1_STETH, s, WAD, 0n),
          deallocationCut(delta, ALLOCATIONS.op1AvsStETH, s),
        );
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

    it("sets a decrease's effectAt max(withdrawal delay, MAX_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN) + GATE_CYCLE after it: at a withdrawal delay of 4 days and of 6 days - 1 s, 9 days 18 hours - 2 s; at 6 days, 9 days 18 hours - 1 s; at 30 days, 33 days 18 hours - 1 s", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op1, operator2: op2 } = f;
      const [X, Y, stETH, rETH] = [f.avs.address, f.avs2.address, f.stETHAddress, f.rETHAddress];
      const cases = [
        [MIN_WITHDRAWAL_DELAY, op1, X, stETH, ALLOCATIONS.op1AvsStETH, 9n * DAY + 18n * 3600n - 2n],
        [6n * DAY - 1n, op1, X, rETH, ALLOCATIONS.op1AvsRETH, 9n * DAY + 18n * 3600n - 2n],
        [6n * DAY, op1, Y, stETH, ALLOCATIONS.op1Avs2StETH, 9n * DAY + 18n * 3600n - 1n],
        [MAX_WITHDRAWAL_DELAY, op2, X, stETH, ALLOCATIONS.op2AvsStETH, 33n * DAY + 18n * 3600n - 1n],
      ] as const;
      for (const [delay, op, avs, asset, current, expected] of cases) {
        await (await f.vault.connect(f.admin).setWithdrawalDelay(delay)).wait();
        expect(deallocationDelayFor(delay), `model at ${delay}`).to.equal(expected);
        const t = await nextTimestamp();
        await (await sm.connect(op).modifyAllocation(avs, asset, current / 2n)).wait();
        expect(
          await allocationOf(f, op.address, avs, asset),
          `a decrease at a withdrawal delay of ${delay}`,
        ).to.deep.equal({
          current,
          pendingDelta: current - current / 2n,
          pendingIncrease: false,
          effectAt: t + expected,
        });
      }
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
        .withArgs(t + ALLOCATION_DELAY);
      const t2 = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs.address, f.stETHAddress, 1n)).wait();
      await expect(sm.connect(op).modifyAllocation(f.avs.address, f.stETHAddress, ALLOCATIONS.op1AvsStETH))
        .to.be.revertedWithCustomError(sm, "PendingAllocationChange")
        .withArgs(t2 + DEALLOCATION_DELAY);
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
          t + ALLOCATION_DELAY,
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

    it("lets an operator left with exactly MIN_MAX_MAGNITUDE allocate again: not fully slashed", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, stETHAddress: stETH } = f;
      const a = WAD - MIN_MAX_MAGNITUDE;
      await (await sm.connect(op3).modifyAllocation(f.avs2.address, stETH, a)).wait();
      await time.increase(ALLOCATION_DELAY);
      const amount = reservedAmount(OP3_STETH, a, WAD, 0n);
      await (await sm.connect(f.slasher2).requestSlash(f.avs2.address, op3.address, WAD, EVIDENCE)).wait();
      const tx = await sm.executeSlash(1n);
      await expect(tx)
        .to.emit(sm, "SlashAssetExecuted")
        .withArgs(1n, stETH, a, amount, MIN_MAX_MAGNITUDE, false);
      await expect(tx)
        .to.emit(f.vault, "Slashed")
        .withArgs(op3.address, stETH, amount, OP3_STETH - amount, 0n, false);
      expect((await poolOf(f, op3.address, stETH)).fullySlashed).to.equal(false);
      expect((await magnitudesOf(f, op3.address, stETH)).maxMagnitude).to.equal(MIN_MAX_MAGNITUDE);

      const t = await nextTimestamp();
      await expect(sm.connect(op3).modifyAllocation(f.avs.address, stETH, MIN_MAX_MAGNITUDE))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op3.address,
          f.avs.address,
          stETH,
          0n,
          MIN_MAX_MAGNITUDE,
          t + ALLOCATION_DELAY,
          MIN_MAX_MAGNITUDE,
        );
      await expect(f.vault.connect(f.dave).deposit(stETH, WAD, 0n)).to.emit(f.vault, "Deposited");
    });

    it("refuses any increase once the operator is fully slashed in the asset (OperatorFullySlashed), and its pool refuses entries", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, stETHAddress: stETH } = f;
      // Y gets all but MIN_MAX_MAGNITUDE - 1 of the magnitude, X the rest.
      const aY = WAD - MIN_MAX_MAGNITUDE + 1n;
      const aX = MIN_MAX_MAGNITUDE - 1n;
      await (await sm.connect(op3).modifyAllocation(f.avs2.address, stETH, aY)).wait();
      await (await sm.connect(op3).modifyAllocation(f.avs.address, stETH, aX)).wait();
      await time.increase(ALLOCATION_DELAY);

      const amountY = reservedAmount(OP3_STETH, aY, WAD, 0n);
      const requestedAt = await nextTimestamp();
      await (await sm.connect(f.slasher2).requestSlash(f.avs2.address, op3.address, WAD, EVIDENCE)).wait();
      const maxMagnitude = WAD - aY;
      expect(maxMagnitude).to.equal(MIN_MAX_MAGNITUDE - 1n);
      const tx = await sm.executeSlash(1n);
      await expect(tx).to.emit(sm, "SlashAssetExecuted").withArgs(1n, stETH, aY, amountY, maxMagnitude, true);
      await expect(tx)
        .to.emit(f.vault, "Slashed")
        .withArgs(op3.address, stETH, amountY, OP3_STETH - amountY, 0n, true);
      const left = OP3_STETH - amountY;
      expect(await poolOf(f, op3.address, stETH)).to.deep.include({
        totalAssets: left,
        pendingSlash: 0n,
        pendingRequests: 0n,
        fullySlashed: true,
      });

      // No new allocation, to any AVS, however small; entries into the pool are refused for good.
      for (const avs of [f.avs2.address, f.avs.address]) {
        const current = avs === f.avs.address ? aX : 0n;
        await expect(sm.connect(op3).modifyAllocation(avs, stETH, current + 1n))
          .to.be.revertedWithCustomError(sm, "OperatorFullySlashed")
          .withArgs(op3.address, stETH, maxMagnitude);
      }
      await expect(f.vault.connect(f.dave).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op3.address, stETH);
      // Another asset of the same operator is not affected.
      await (await sm.connect(op3).modifyAllocation(f.avs.address, f.rETHAddress, WAD / 2n)).wait();

      // What X was allocated stays slashable, and the pool stays fully slashed. X joins the request epoch Y's request
      // started (the execution reopened the pool but did not move its gate) at the last second of its join window.
      const sX = slashMagnitude(aX, F);
      expect(sX).to.equal(250_000_000_000n);
      const amountX = reservedAmount(left, sX, maxMagnitude, 0n);
      expect(amountX).to.not.equal(0n);
      expect(await gateAtOf(f, op3.address, stETH)).to.equal(requestedAt);
      const t = requestedAt + JOIN_WINDOW - 1n;
      await time.setNextBlockTimestamp(t);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, sX, amountX, 0n);
      expect(await gateAtOf(f, op3.address, stETH)).to.equal(requestedAt);
      await time.setNextBlockTimestamp(t + AVS_VETO_WINDOW);
      await expect(sm.executeSlash(2n))
        .to.emit(sm, "SlashAssetExecuted")
        .withArgs(2n, stETH, sX, amountX, maxMagnitude - sX, true);
      expect((await poolOf(f, op3.address, stETH)).fullySlashed).to.equal(true);
      // ... and a decrease is still allowed.
      await expect(sm.connect(op3).modifyAllocation(f.avs.address, stETH, 0n)).to.emit(
        sm,
        "AllocationUpdated",
      );
    });
  });

  describe("applyPendingAllocation", function () {
    it("changes nothing before maturity and writes a matured increase", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(f.avs.address, stETH, WAD / 10n)).wait();
      const decreaseAt = t + DEALLOCATION_DELAY;
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
      await time.increase(ALLOCATION_DELAY);
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
      const executableAt = t + AVS_VETO_WINDOW;
      const tx = await sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE);
      await expect(tx)
        .to.emit(sm, "SlashRequested")
        .withArgs(
          1n,
          avs.address,
          op.address,
          F,
          EVIDENCE,
          executableAt,
          executableAt + EXECUTION_WINDOW,
          1n,
        );
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [1n, stETH, S_STETH, AMOUNT_STETH, 0n],
        [1n, rETH, S_RETH, AMOUNT_RETH, 0n],
      ]);
      // SlashReserved(operator, asset, amount, pendingSlash, pendingRequests)
      expect(await eventsOf(tx, vault, "SlashReserved")).to.deep.equal([
        [op.address, stETH, AMOUNT_STETH, AMOUNT_STETH, 1n],
        [op.address, rETH, AMOUNT_RETH, AMOUNT_RETH, 1n],
      ]);
      expect(await vault.openSlashReservations()).to.equal(2n);

      expect(await sm.slashRequestCount()).to.equal(1n);
      // The request carries X's SlashTerms (1); SlashedAsset in struct order: (assetIndex, magnitude,
      // deallocationCut, amount, released); nothing was being deallocated.
      expect(await requestOf(f, 1n)).to.deep.equal([
        expectedRequest(1n, op.address, executableAt, STATUS.Pending, 2n),
        avs.address,
        [
          [stETH, [0n, S_STETH, 0n, AMOUNT_STETH, false]],
          [rETH, [1n, S_RETH, 0n, AMOUNT_RETH, false]],
        ],
      ]);
      // Past the request's assets: all zero.
      const [none, noneSlashed] = await sm.slashedAsset(1n, 2n);
      expect([none, [...noneSlashed]]).to.deep.equal([ZERO, [0n, 0n, 0n, 0n, false]]);

      // Each allocation records the open request (X's next request there waits for it).
      for (const [asset, a, sTaken] of [
        [stETH, ALLOCATIONS.op1AvsStETH, S_STETH],
        [rETH, ALLOCATIONS.op1AvsRETH, S_RETH],
      ] as const) {
        expect(await allocationRecordOf(f, op.address, avs.address, asset)).to.deep.equal({
          current: a - sTaken,
          pendingDelta: 0n,
          pendingIncrease: false,
          effectAt: 0n,
          changedAfterRequest: false,
          openRequest: 1n,
        });
        // The pool closed now: its gate records when.
        expect(await gateAtOf(f, op.address, asset)).to.equal(t);
      }
      expect(nextRequestAtOf(executableAt)).to.equal(t + AVS_VETO_WINDOW + EXECUTION_WINDOW + SLASH_COOLDOWN);
      // Y's allocation is not X's: no request bookkeeping there.
      expect(await allocationRecordOf(f, op.address, f.avs2.address, stETH)).to.deep.include({
        openRequest: 0n,
        changedAfterRequest: false,
      });
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
        pendingRequests: 1n,
        fullySlashed: false,
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
      expect(await eventsOf(tx, f.sm, "SlashAssetReserved")).to.deep.equal([
        [2n, f.stETHAddress, s, amount, 0n],
      ]);
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
      // Rounded up: the floor would take one unit less.
      expect(s1).to.equal((ALLOCATIONS.op1Avs2StETH * f1) / WAD + 1n);
      const amount1 = reservedAmount(T0, s1, WAD, 0n);
      const t1 = await nextTimestamp();
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, f1, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, s1, amount1, 0n);
      await (await sm.executeSlash(1n)).wait();
      const T1 = T0 - amount1;

      // Y asks again once its cooldown is over, and stays pending: reserved = s2, pendingSlash = amount2.
      await time.setNextBlockTimestamp(nextRequestAtOf(t1));
      const f2 = WAD / 2n + 7n;
      const s2 = slashMagnitude(ALLOCATIONS.op1Avs2StETH - s1, f2);
      const amount2 = reservedAmount(T1, s2, WAD - s1, 0n);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, f2, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, s2, amount2, 0n);

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
        [3n, stETH, s3, amount3, 0n],
        [3n, rETH, s3r, amount3r, 0n],
      ]);
      expect((await poolOf(f, op.address, stETH)).pendingSlash).to.equal(amount2 + amount3);
      expect(await sm.allocatedStake(op.address, f.avs.address, stETH)).to.equal(
        allocatedStakeOf(T1 - amount2 - amount3, ALLOCATIONS.op1AvsStETH - s3, WAD - s1, s2 + s3),
      );
    });

    it("allows one request per allocation at a time: the next waits for the cooldown (SlashCooldown until nextRequestAt), and two never take more than the allocation", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      const stakeX = await sm.allocatedStake(op.address, f.avs.address, stETH);
      const stakeY = await sm.allocatedStake(op.address, f.avs2.address, stETH);

      // X at its maximum: s1 = a/2.
      const a = ALLOCATIONS.op1AvsStETH;
      const s1 = slashMagnitude(a, AVS_MAX_SLASH);
      const amount1 = reservedAmount(OP1_STETH, s1, WAD, 0n);
      const r1 = slashMagnitude(ALLOCATIONS.op1AvsRETH, AVS_MAX_SLASH);
      const amountR1 = reservedAmount(OP1_RETH, r1, WAD, 0n);
      const t1 = await nextTimestamp();
      const tx1 = await sm
        .connect(f.slasher)
        .requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE);
      expect(await eventsOf(tx1, sm, "SlashAssetReserved")).to.deep.equal([
        [1n, stETH, s1, amount1, 0n],
        [1n, rETH, r1, amountR1, 0n],
      ]);
      const nextRequestAt = nextRequestAtOf(t1 + AVS_VETO_WINDOW);

      // A second request of X while the first is pending is refused (the first asset it would touch names it).
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, op.address, stETH);
      await time.setNextBlockTimestamp(t1 + AVS_VETO_WINDOW);
      await (await sm.executeSlash(1n)).wait();
      // Resolved, it stays the allocation's last request: the cooldown is derived from it.
      expect((await allocationRecordOf(f, op.address, f.avs.address, stETH)).openRequest).to.equal(1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, nextRequestAt);

      // Still refused one second before nextRequestAt (= expiry + SLASH_COOLDOWN), accepted at nextRequestAt.
      await time.setNextBlockTimestamp(nextRequestAt - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, nextRequestAt);
      const s2 = slashMagnitude(a - s1, AVS_MAX_SLASH);
      const amount2 = reservedAmount(OP1_STETH - amount1, s2, WAD - s1, 0n);
      await time.setNextBlockTimestamp(nextRequestAt);
      const r2 = slashMagnitude(ALLOCATIONS.op1AvsRETH - r1, AVS_MAX_SLASH);
      const amountR2 = reservedAmount(OP1_RETH - amountR1, r2, WAD - r1, 0n);
      const tx2 = await sm
        .connect(f.slasher)
        .requestSlash(f.avs.address, op.address, AVS_MAX_SLASH, EVIDENCE);
      expect(await eventsOf(tx2, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, stETH, s2, amount2, 0n],
        [2n, rETH, r2, amountR2, 0n],
      ]);
      expect(s1 + s2).to.be.lte(a);
      expect(amount1 + amount2).to.be.lte(stakeX);

      // Y (maximum 1e18) takes its whole allocation, which is exactly its allocated stake, then nothing is left.
      const sY = ALLOCATIONS.op1Avs2StETH;
      const amountY = reservedAmount(OP1_STETH - amount1 - amount2, sY, WAD - s1, s2);
      expect(amountY).to.equal(stakeY);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(3n, stETH, sY, amountY, 0n);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(op.address, f.avs2.address);
    });

    it("keeps an expired request open until it is cancelled (SlashRequestOpen); once resolved it stays the allocation's last request and its cooldown runs from it", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      const nextRequestAt = nextRequestAtOf(f.executableAt);
      expect(nextRequestAt).to.equal(f.expiresAt + SLASH_COOLDOWN);

      // Never executed nor cancelled: past its cooldown it still blocks X's next request on the allocation.
      await time.setNextBlockTimestamp(nextRequestAt);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, op.address, stETH);
      expect((await sm.slashRequest(1n))[0].status).to.equal(STATUS.Pending);
      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      // The request stays the allocation's last one; the pool reopened at the cancel, its gate unmoved.
      expect(await allocationRecordOf(f, op.address, f.avs.address, stETH)).to.deep.equal({
        current: ALLOCATIONS.op1AvsStETH,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(await gateAtOf(f, op.address, stETH)).to.equal(f.requestedAt);
      // X's cooldown is over, and so is the pool's epoch (its GATE_CYCLE ran out while the request kept it closed):
      // X's next request goes through at once and starts a new epoch.
      expect(nextRequestAt).to.be.gte(f.requestedAt + GATE_CYCLE);
      const opensAt = await nextTimestamp();
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, S_STETH, AMOUNT_STETH, 0n);
      expect(await gateAtOf(f, op.address, stETH)).to.equal(opensAt);

      // A vetoed request gives everything back but its cooldown: X cannot re-request at once.
      await (await sm.connect(f.committee).vetoSlash(2n)).wait();
      const next2 = nextRequestAtOf(opensAt + AVS_VETO_WINDOW);
      expect(await allocationRecordOf(f, op.address, f.avs.address, stETH)).to.deep.equal({
        current: ALLOCATIONS.op1AvsStETH,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
        changedAfterRequest: false,
        openRequest: 2n,
      });
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, next2);
      await time.setNextBlockTimestamp(next2 - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, next2);
      await time.setNextBlockTimestamp(next2);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(3n, stETH, S_STETH, AMOUNT_STETH, 0n);
      expect((await allocationRecordOf(f, op.address, f.avs.address, stETH)).openRequest).to.equal(3n);
    });

    it("keeps the open request and the cooldown per AVS, operator and allocation: other AVSs and operators are independent", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      // X's request 1 holds (operator1, X, stETH/rETH). Y may request on operator1's stETH at once...
      const sY = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      const amountY = reservedAmount(OP1_STETH - AMOUNT_STETH, sY, WAD, S_STETH);
      const tY = await nextTimestamp();
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, sY, amountY, 0n);
      expect((await poolOf(f, op.address, stETH)).pendingRequests).to.equal(2n);
      // ... and X on operator2.
      const s2 = slashMagnitude(ALLOCATIONS.op2AvsStETH, F);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(3n, stETH, s2, reservedAmount(STAKES.operator2StETH, s2, WAD, 0n), 0n);
      // Each holds only its own allocation, while pending.
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs2.address, op.address, stETH);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, op.address, stETH);
      expect((await allocationRecordOf(f, op.address, f.avs2.address, stETH)).openRequest).to.equal(2n);
      expect((await allocationRecordOf(f, op.address, f.avs.address, stETH)).openRequest).to.equal(1n);
      expect((await allocationRecordOf(f, op.address, f.avs.address, f.rETHAddress)).openRequest).to.equal(
        1n,
      );
      expect((await allocationRecordOf(f, f.operator2.address, f.avs.address, stETH)).openRequest).to.equal(
        3n,
      );

      // Y's request executes (no committee): Y waits for its own cooldown; X's request is still open.
      await (await sm.executeSlash(2n)).wait();
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs2.address, op.address, stETH, nextRequestAtOf(tY));
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, op.address, stETH);
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
      const requestedAt = await nextTimestamp();
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      const effectAt = t + DEALLOCATION_DELAY;
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a - s,
        pendingDelta: scaled,
        pendingIncrease: false,
        effectAt,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect((await sm.slashRequest(1n))[0].executableAt).to.equal(requestedAt + AVS_VETO_WINDOW);
      // the request records the cut it made, to give it back on a veto or cancel
      const [asset0, slashed0] = await sm.slashedAsset(1n, 0n);
      expect([asset0, [...slashed0]]).to.deep.equal([
        stETH,
        [0n, s, deallocationCut(a - target, a, s), reservedAmount(OP1_STETH, s, WAD, 0n), false],
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

    it("reverts NothingToSlash without a slashable allocation (none, or still pending), and moves nothing", async function () {
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
      expect(await sm.slashRequestCount()).to.equal(0n);
    });

    it("rounds the magnitude up: a 1-wei allocation is taken whole by any fraction, and is worth its tokens", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator2: op2, avs2, stETHAddress: stETH } = f;
      await (await sm.connect(op2).registerOperatorToAVS(avs2.address, "0x")).wait();
      await (await sm.connect(op2).modifyAllocation(avs2.address, stETH, 1n)).wait();
      await time.increase(ALLOCATION_DELAY);
      // floor(1 * f / 1e18) would be 0 for every f < 1e18: the operator's 1 wei of magnitude would be unslashable.
      expect(slashMagnitude(1n, 1n)).to.equal(1n);
      const amount = reservedAmount(STAKES.operator2StETH, 1n, WAD, 0n);
      expect(amount).to.equal(150n);
      // The views report that 1 wei of magnitude as 150 wei of stake; a request for the smallest fraction takes them.
      expect(await sm.allocatedStake(op2.address, avs2.address, stETH)).to.equal(amount);
      await expect(sm.connect(f.slasher2).requestSlash(avs2.address, op2.address, 1n, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, 1n, amount, 0n);
      expect((await allocationOf(f, op2.address, avs2.address, stETH)).current).to.equal(0n);
    });

    it("skips an asset whose reservation is worth 0 tokens: no magnitude moves without tokens (NothingToSlash when all are)", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, stETHAddress: stETH, rETHAddress: rETH } = f;
      // operator3 has 100 stETH and no rETH; it allocates both to X.
      await (await sm.connect(op3).modifyAllocation(f.avs.address, stETH, WAD / 2n)).wait();
      await (await sm.connect(op3).modifyAllocation(f.avs.address, rETH, WAD / 2n)).wait();
      await time.increase(ALLOCATION_DELAY);
      const rETHBefore = await allocationRecordOf(f, op3.address, f.avs.address, rETH);
      const rETHMags = await magnitudesOf(f, op3.address, rETH);
      const rETHPool = await poolOf(f, op3.address, rETH);
      expect(rETHPool.totalAssets).to.equal(0n);

      const s = slashMagnitude(WAD / 2n, F);
      const amount = reservedAmount(OP3_STETH, s, WAD, 0n);
      const t = await nextTimestamp();
      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([[1n, stETH, s, amount, 0n]]);
      expect(await eventsOf(tx, f.vault, "SlashReserved")).to.deep.equal([
        [op3.address, stETH, amount, amount, 1n],
      ]);
      expect(await requestOf(f, 1n)).to.deep.equal([
        expectedRequest(1n, op3.address, t + AVS_VETO_WINDOW, STATUS.Pending, 1n),
        f.avs.address,
        [[stETH, [0n, s, 0n, amount, false]]],
      ]);
      // rETH: untouched (no open request, so no cooldown), its gate unset, and its (empty) pool stays open.
      expect(await allocationRecordOf(f, op3.address, f.avs.address, rETH)).to.deep.equal(rETHBefore);
      expect(rETHBefore.openRequest).to.equal(0n);
      expect(await gateAtOf(f, op3.address, rETH)).to.equal(0n);
      expect(await gateAtOf(f, op3.address, stETH)).to.equal(t);
      expect(await magnitudesOf(f, op3.address, rETH)).to.deep.equal(rETHMags);
      expect(await poolOf(f, op3.address, rETH)).to.deep.equal(rETHPool);
      await expect(f.vault.connect(f.dave).deposit(rETH, WAD, 0n)).to.emit(f.vault, "Deposited");
      await expect(f.vault.connect(f.dave).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolSlashPending")
        .withArgs(op3.address, stETH, 1n);
      await expect(sm.releaseSlashedFunds(1n, rETH))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Pending);
    });

    it("reverts NothingToSlash against an empty or dust pool, taking no magnitude; once stakers enter, the allocation is slashable", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, rETHAddress: rETH } = f;
      // operator3 allocates half its rETH to X; its rETH pool is empty: a request would take magnitude for 0 tokens.
      await (await sm.connect(op3).modifyAllocation(f.avs.address, rETH, WAD / 2n)).wait();
      await time.increase(ALLOCATION_DELAY);
      const before = await allocationRecordOf(f, op3.address, f.avs.address, rETH);
      const mags = await magnitudesOf(f, op3.address, rETH);
      const refused = async (): Promise<void> => {
        await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE))
          .to.be.revertedWithCustomError(sm, "NothingToSlash")
          .withArgs(op3.address, f.avs.address);
        expect(await allocationRecordOf(f, op3.address, f.avs.address, rETH)).to.deep.equal(before);
        expect(await magnitudesOf(f, op3.address, rETH)).to.deep.equal(mags);
        expect(await sm.slashRequestCount()).to.equal(0n);
      };
      await refused();

      // A dust pool: s = 1/8 of the magnitude is worth floor(1 wei / 8) = 0 tokens.
      await (await f.vault.connect(f.dave).deposit(rETH, 1n, 0n)).wait();
      const s = slashMagnitude(WAD / 2n, F);
      expect(reservedAmount(1n, s, WAD, 0n)).to.equal(0n);
      await refused();
      // Refused requests leave the pool open.
      expect((await poolOf(f, op3.address, rETH)).pendingRequests).to.equal(0n);

      // With 40 rETH more in the pool, the same request takes an eighth of it.
      await (await f.vault.connect(f.dave).deposit(rETH, 40n * WAD, 0n)).wait();
      const amount = reservedAmount(40n * WAD + 1n, s, WAD, 0n);
      expect(amount).to.equal(5n * WAD);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, rETH, s, amount, 0n);
    });

    it("does not reach an asset the AVS stopped accepting, and the views report no stake of it there", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, rETHAddress: rETH } = f;
      const stakeRETH = allocatedStakeOf(OP1_RETH, ALLOCATIONS.op1AvsRETH, WAD, 0n);
      expect(await sm.allocatedStake(op.address, f.avs.address, rETH)).to.equal(stakeRETH);
      expect(await sm.maxSlashable(op.address, f.avs.address, rETH)).to.equal(
        (stakeRETH * AVS_MAX_SLASH) / WAD,
      );
      await (await sm.connect(f.avs).updateAVSConfig(avsParams(f, { assets: [f.stETHAddress] }))).wait();
      // The allocation stays (and encumbered), but it is no stake of X any more; stETH is unchanged.
      expect((await allocationOf(f, op.address, f.avs.address, rETH)).current).to.equal(
        ALLOCATIONS.op1AvsRETH,
      );
      expect(await sm.allocatedStake(op.address, f.avs.address, rETH)).to.equal(0n);
      expect(await sm.maxSlashable(op.address, f.avs.address, rETH)).to.equal(0n);
      expect(await securedStake(sm, f.avs.address, rETH, [op.address, f.operator2.address])).to.equal(0n);
      const stakeStETH = allocatedStakeOf(OP1_STETH, ALLOCATIONS.op1AvsStETH, WAD, 0n);
      expect(await sm.allocatedStake(op.address, f.avs.address, f.stETHAddress)).to.equal(stakeStETH);
      expect(await sm.maxSlashable(op.address, f.avs.address, f.stETHAddress)).to.equal(
        (stakeStETH * AVS_MAX_SLASH) / WAD,
      );

      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [1n, f.stETHAddress, S_STETH, AMOUNT_STETH, 0n],
      ]);
      expect((await allocationOf(f, op.address, f.avs.address, rETH)).current).to.equal(
        ALLOCATIONS.op1AvsRETH,
      );
      expect((await poolOf(f, op.address, rETH)).pendingSlash).to.equal(0n);
      expect(await gateAtOf(f, op.address, rETH)).to.equal(0n);
    });
  });

  // docs/slashing.md "Pending requests close the pool": the pool gate, per operator and asset (Magnitudes.gateAt =
  // the start of the pool's current request epoch), and requests that skip the assets they cannot take.
  describe("pool gate", function () {
    /** Z's share of operator1's rETH (gateFixture). */
    const Z_RETH = WAD / 4n;

    type Account = Signer & { address: string };

    interface GateFixture extends StakedFixture {
      /** AVS Z: no committee, maximum 1, burns, rETH only; operator1 registered, Z_RETH of its rETH allocated. */
      z: Account;
      slasherZ: Account;
    }

    /**
     * Registers an AVS (no committee, maximum 1, burns) accepting `assets`, with `operator` registered and allocating
     * `magnitudes[i]` of `assets[i]` to it (not yet in force; 0 allocates nothing).
     */
    async function addAVS(
      f: StakedFixture,
      label: string,
      operator: Account,
      assets: string[],
      magnitudes: bigint[],
    ): Promise<{ avs: Account; slasher: Account }> {
      const avs = await fundedWallet(`avs-${label}`);
      const slasher = await fundedWallet(`slasher-${label}`);
      const params = avs2Params(f, { slasher: slasher.address, recipient: ZERO, assets });
      await (await f.sm.connect(avs).registerAVS(`ipfs://avs-${label}`, params)).wait();
      await (await f.sm.connect(operator).registerOperatorToAVS(avs.address, "0x")).wait();
      for (const [i, asset] of assets.entries()) {
        if (magnitudes[i] === 0n) continue;
        await (await f.sm.connect(operator).modifyAllocation(avs.address, asset, magnitudes[i])).wait();
      }
      return { avs, slasher };
    }

    async function gateFixture(): Promise<GateFixture> {
      const f = await stakedFixture();
      const { avs: z, slasher: slasherZ } = await addAVS(f, "z", f.operator1, [f.rETHAddress], [Z_RETH]);
      await time.increase(ALLOCATION_DELAY);
      return { ...f, z, slasherZ };
    }

    /** What Z's request for all of its allocation takes from operator1's rETH, with X's request `reservedX` pending. */
    function zTakes(net: bigint, reservedX: bigint): bigint {
      return reservedAmount(net, Z_RETH, WAD, reservedX);
    }

    interface TxOverrides {
      gasLimit: bigint;
      maxPriorityFeePerGas: bigint;
      maxFeePerGas: bigint;
    }
    type Send = (o?: TxOverrides) => Promise<ContractTransactionResponse>;

    /** Mines `sends` into one block at `timestamp`, in that order (by decreasing tip); returns the transactions. */
    async function inOneBlock(timestamp: bigint, sends: Send[]): Promise<ContractTransactionResponse[]> {
      const sent: ContractTransactionResponse[] = [];
      await network.provider.send("evm_setAutomine", [false]);
      try {
        for (const [i, send] of sends.entries()) {
          const tip = BigInt(sends.length - i) * 10n ** 9n;
          sent.push(
            await send({ gasLimit: 1_000_000n, maxPriorityFeePerGas: tip, maxFeePerGas: tip + 10n ** 11n }),
          );
        }
        await time.setNextBlockTimestamp(timestamp);
        await mine();
      } finally {
        await network.provider.send("evm_setAutomine", [true]);
      }
      const receipts = await Promise.all(sent.map((tx) => tx.wait()));
      for (const [i, r] of receipts.entries()) {
        expect(r?.blockNumber, "one block").to.equal(receipts[0]?.blockNumber);
        expect(r?.index, "in the order sent").to.equal(i);
      }
      expect(await blockTimeOf(receipts[0])).to.equal(timestamp);
      return sent;
    }

    it("has replaced PoolClosedToRequests and PoolReopening by PoolGated(operator, asset, nextEpochAt)", async function () {
      const f = await loadFixture(slashingManagerFixture);
      const iface: Interface = f.sm.interface;
      for (const name of ["PoolClosedToRequests", "PoolReopening"]) {
        expect(
          iface.fragments.some((x) => "name" in x && x.name === name),
          name,
        ).to.equal(false);
      }
      expect(iface.getError("PoolGated")?.format("full")).to.equal(
        "error PoolGated(address operator, address asset, uint256 nextEpochAt)",
      );
    });

    it("lets other AVSs join an epoch until gateAt + JOIN_WINDOW - 1; from gateAt + JOIN_WINDOW, while a request of it is pending, refuses them PoolGated(operator, asset, gateAt + GATE_CYCLE), even past their expiry and past GATE_CYCLE; the first request after they resolve starts a new epoch; another operator's pool is independent", async function () {
      const f = await loadFixture(gateFixture);
      const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      // X's request closes operator1's stETH and rETH pools at t0 and starts their epochs.
      const t0 = await nextTimestamp();
      await (await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE)).wait();
      expect([await gateAtOf(f, op.address, stETH), await gateAtOf(f, op.address, rETH)]).to.deep.equal([
        t0,
        t0,
      ]);
      const joinUntil = t0 + JOIN_WINDOW;
      const nextEpochAt = t0 + GATE_CYCLE;

      // Y joins one second before the join window closes; the gate keeps the epoch's start.
      const sY = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      await time.setNextBlockTimestamp(joinUntil - 1n);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(2n, stETH, sY, reservedAmount(OP1_STETH - AMOUNT_STETH, sY, WAD, S_STETH), 0n);
      expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
      expect((await magnitudesOf(f, op.address, stETH)).reserved).to.equal(S_STETH + sY);

      // From joinUntil, Z is refused on the closed rETH pool and nothing moves, however late: X's request (expired at
      // t0 + AVS_VETO_WINDOW + EXECUTION_WINDOW) keeps the pool closed until someone cancels it, and a closed pool
      // starts no new epoch, even past nextEpochAt (which the error still names).
      const before = await operator1State(f);
      const expiresAt = t0 + AVS_VETO_WINDOW + EXECUTION_WINDOW;
      const late = [joinUntil, joinUntil + 1n, joinUntil + DAY, expiresAt, nextEpochAt - 1n, nextEpochAt];
      for (const at of [...late, nextEpochAt + DAY]) {
        await time.setNextBlockTimestamp(at);
        await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
          .to.be.revertedWithCustomError(sm, "PoolGated")
          .withArgs(op.address, rETH, nextEpochAt);
      }
      expect(await operator1State(f)).to.deep.equal(before);
      expect(await sm.slashRequestCount()).to.equal(2n);
      expect([await gateAtOf(f, op.address, stETH), await gateAtOf(f, op.address, rETH)]).to.deep.equal([
        t0,
        t0,
      ]);

      // operator2's stETH pool never had a request: X's request there goes through and starts its epoch now. (The
      // refused requests mined no block: set the time explicitly.)
      const t2 = nextEpochAt + DAY + 1n;
      await time.setNextBlockTimestamp(t2);
      const s2 = slashMagnitude(ALLOCATIONS.op2AvsStETH, F);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(3n, stETH, s2, reservedAmount(STAKES.operator2StETH, s2, WAD, 0n), 0n);
      expect(await gateAtOf(f, f.operator2.address, stETH)).to.equal(t2);
      expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);

      // Anyone cancels X's expired request: the rETH pool reopens, its gate unmoved; past nextEpochAt, Z's request in
      // the next second goes through and starts a new epoch.
      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      expect(await gateAtOf(f, op.address, rETH)).to.equal(t0);
      expect((await poolOf(f, op.address, rETH)).pendingRequests).to.equal(0n);
      const t3 = await nextTimestamp();
      await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(4n, rETH, Z_RETH, zTakes(OP1_RETH, 0n), 0n);
      expect(await gateAtOf(f, op.address, rETH)).to.equal(t3);
      // (Y's expired request still holds the stETH pool closed, in its old epoch.)
      expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
    });

    const resolutions: Array<["vetoed" | "cancelled" | "executed", string]> = [
      ["vetoed", "a veto"],
      ["cancelled", "a cancel"],
      ["executed", "an execution"],
    ];
    for (const [how, what] of resolutions) {
      it(`does not move the gate when a pool's last pending request resolves (${what}): the pool reopens within its epoch, takes joiners until gateAt + JOIN_WINDOW - 1, refuses PoolGated(operator, asset, gateAt + GATE_CYCLE) until gateAt + GATE_CYCLE - 1, and starts a new epoch at gateAt + GATE_CYCLE`, async function () {
        const f = await loadFixture(gateFixture);
        const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
        const t0 = await nextTimestamp();
        await (await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE)).wait();
        // Y joins on stETH and executes at once: X's request still holds the stETH pool closed.
        await (await sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE)).wait();
        await (await sm.executeSlash(2n)).wait();
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
        expect((await poolOf(f, op.address, stETH)).pendingRequests).to.equal(1n);
        expect((await magnitudesOf(f, op.address, stETH)).reserved).to.equal(S_STETH);

        // X's request resolves at tr: both its pools reopen, and neither gate moves.
        const tr = how === "executed" ? t0 + AVS_VETO_WINDOW : t0 + 3600n;
        await time.setNextBlockTimestamp(tr);
        if (how === "vetoed") await (await sm.connect(f.committee).vetoSlash(1n)).wait();
        else if (how === "cancelled") await (await sm.connect(f.slasher).cancelSlash(1n)).wait();
        else await (await sm.executeSlash(1n)).wait();
        expect([await gateAtOf(f, op.address, stETH), await gateAtOf(f, op.address, rETH)]).to.deep.equal([
          t0,
          t0,
        ]);
        for (const asset of [stETH, rETH])
          expect(await poolOf(f, op.address, asset)).to.deep.include({
            pendingSlash: 0n,
            pendingRequests: 0n,
          });
        // What Z takes: its allocation's worth in the pool X's request left (slashed only if executed).
        const [net, lost] = how === "executed" ? [OP1_RETH - AMOUNT_RETH, S_RETH] : [OP1_RETH, 0n];
        expect(await magnitudesOf(f, op.address, rETH)).to.deep.include({ lost, reserved: 0n });
        const zAmount = reservedAmount(net, Z_RETH, WAD - lost, 0n);

        // Reopened within the join window (veto, cancel): Z still joins the epoch at its last second, and the gate
        // stays at t0.
        if (tr < t0 + JOIN_WINDOW) {
          const snapshot = await takeSnapshot();
          await time.setNextBlockTimestamp(t0 + JOIN_WINDOW - 1n);
          await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
            .to.emit(sm, "SlashAssetReserved")
            .withArgs(3n, rETH, Z_RETH, zAmount, 0n);
          expect(await gateAtOf(f, op.address, rETH)).to.equal(t0);
          await snapshot.restore();
        }

        // Past the join window the open pool is gated until the epoch's cycle is over.
        const nextEpochAt = t0 + GATE_CYCLE;
        const from = tr < t0 + JOIN_WINDOW ? t0 + JOIN_WINDOW : tr + 1n;
        for (const at of [from, nextEpochAt - 1n]) {
          await time.setNextBlockTimestamp(at);
          await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
            .to.be.revertedWithCustomError(sm, "PoolGated")
            .withArgs(op.address, rETH, nextEpochAt);
        }
        expect(await gateAtOf(f, op.address, rETH)).to.equal(t0);
        await time.setNextBlockTimestamp(nextEpochAt);
        await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
          .to.emit(sm, "SlashAssetReserved")
          .withArgs(3n, rETH, Z_RETH, zAmount, 0n);
        // It closes the rETH pool again and starts its next epoch, exactly at the cycle's end.
        expect(await gateAtOf(f, op.address, rETH)).to.equal(nextEpochAt);
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
      });
    }

    for (const how of ["executes", "cancels"] as const) {
      it(`an AVS that closes and reopens a pool in one second (it requests and ${how} in one block) keeps no other AVS out: a request in that block, or until gateAt + JOIN_WINDOW - 1, joins the epoch; from gateAt + JOIN_WINDOW the open pool is gated for everyone until gateAt + GATE_CYCLE`, async function () {
        const f = await loadFixture(stakedFixture);
        const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
        // W: operator1's own AVS (no committee), a tenth of its stETH; it asks for 1% of it.
        const { avs: w, slasher: slasherW } = await addAVS(f, "w", op, [stETH], [WAD / 10n]);
        await time.increase(ALLOCATION_DELAY);
        const sW = slashMagnitude(WAD / 10n, WAD / 100n);
        const amountW = reservedAmount(OP1_STETH, sW, WAD, 0n);
        const closeAndReopen: Send[] = [
          (o) => sm.connect(slasherW).requestSlash(w.address, op.address, WAD / 100n, EVIDENCE, o ?? {}),
          (o) =>
            how === "executes"
              ? sm.connect(f.outsider).executeSlash(1n, o ?? {})
              : sm.connect(slasherW).cancelSlash(1n, o ?? {}),
        ];
        const xRequest: Send = (o) =>
          sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE, o ?? {});
        const t0 = BigInt(await time.latest()) + 10n;
        const [net, lost] = how === "executes" ? [OP1_STETH - amountW, sW] : [OP1_STETH, 0n];
        const xStETH = reservedAmount(net, S_STETH, WAD - lost, 0n);

        // (a) X's request in the same block, after the pool closed and reopened: it joins W's epoch.
        let snapshot = await takeSnapshot();
        const [, resolve, inBlock] = await inOneBlock(t0, [...closeAndReopen, xRequest]);
        await expect(resolve).to.emit(sm, how === "executes" ? "SlashExecuted" : "SlashCancelled");
        expect(await eventsOf(inBlock, sm, "SlashAssetReserved")).to.deep.equal([
          [2n, stETH, S_STETH, xStETH, 0n],
          [2n, rETH, S_RETH, AMOUNT_RETH, 0n],
        ]);
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
        await snapshot.restore();

        // (b) W closes and reopens the pool at t0; at t0 + JOIN_WINDOW - 1 X's request still joins the epoch.
        snapshot = await takeSnapshot();
        await inOneBlock(t0, closeAndReopen);
        expect(await poolOf(f, op.address, stETH)).to.deep.include({ pendingSlash: 0n, pendingRequests: 0n });
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
        await time.setNextBlockTimestamp(t0 + JOIN_WINDOW - 1n);
        expect(await eventsOf(await xRequest(), sm, "SlashAssetReserved")).to.deep.equal([
          [2n, stETH, S_STETH, xStETH, 0n],
          [2n, rETH, S_RETH, AMOUNT_RETH, 0n],
        ]);
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
        await snapshot.restore();

        // (c) From t0 + JOIN_WINDOW the open stETH pool is gated: X's request takes rETH alone (no epoch there yet),
        // and Y's (stETH only) is refused until t0 + GATE_CYCLE; W itself waits for its cooldown, later still.
        await inOneBlock(t0, closeAndReopen);
        const nextEpochAt = t0 + GATE_CYCLE;
        await time.setNextBlockTimestamp(t0 + JOIN_WINDOW);
        expect(await eventsOf(await xRequest(), sm, "SlashAssetReserved")).to.deep.equal([
          [2n, rETH, S_RETH, AMOUNT_RETH, 0n],
        ]);
        expect(await gateAtOf(f, op.address, rETH)).to.equal(t0 + JOIN_WINDOW);
        expect(await gateAtOf(f, op.address, stETH)).to.equal(t0);
        expect((await allocationRecordOf(f, op.address, f.avs.address, stETH)).openRequest).to.equal(0n);
        await expect(sm.connect(slasherW).requestSlash(w.address, op.address, WAD / 100n, EVIDENCE))
          .to.be.revertedWithCustomError(sm, "SlashCooldown")
          .withArgs(w.address, op.address, stETH, nextRequestAtOf(t0));
        expect(nextRequestAtOf(t0)).to.be.gt(nextEpochAt);
        for (const at of [t0 + JOIN_WINDOW + 60n, nextEpochAt - 1n]) {
          await time.setNextBlockTimestamp(at);
          await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
            .to.be.revertedWithCustomError(sm, "PoolGated")
            .withArgs(op.address, stETH, nextEpochAt);
        }
        const sY = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
        await time.setNextBlockTimestamp(nextEpochAt);
        await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE))
          .to.emit(sm, "SlashAssetReserved")
          .withArgs(3n, stETH, sY, reservedAmount(net, sY, WAD - lost, 0n), 0n);
        expect(await gateAtOf(f, op.address, stETH)).to.equal(nextEpochAt);
      });
    }

    it("skips an asset whose pool is gated and takes the others (only its SlashAssetReserved, SlashReserved and SlashedAsset; the skipped asset untouched); taking nothing, it reverts with the first refused asset's reason in vault-index order: SlashRequestOpen, then SlashCooldown, on stETH before rETH's PoolGated", async function () {
      const f = await loadFixture(gateFixture);
      const { sm, vault, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      // Z closes operator1's rETH pool at t0 (its epoch) and stays pending.
      const t0 = await nextTimestamp();
      await expect(sm.connect(f.slasherZ).requestSlash(f.z.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, rETH, Z_RETH, zTakes(OP1_RETH, 0n), 0n);
      const rETHBefore = {
        allocation: await allocationRecordOf(f, op.address, f.avs.address, rETH),
        mags: await magnitudesOf(f, op.address, rETH),
        pool: await poolOf(f, op.address, rETH),
      };

      // At t0 + JOIN_WINDOW, X's request: stETH (no epoch yet) is taken, the gated rETH pool skipped.
      const t1 = t0 + JOIN_WINDOW;
      await time.setNextBlockTimestamp(t1);
      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE);
      await expect(tx)
        .to.emit(sm, "SlashRequested")
        .withArgs(
          2n,
          f.avs.address,
          op.address,
          F,
          EVIDENCE,
          t1 + AVS_VETO_WINDOW,
          t1 + AVS_VETO_WINDOW + EXECUTION_WINDOW,
          1n,
        );
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, stETH, S_STETH, AMOUNT_STETH, 0n],
      ]);
      expect(await eventsOf(tx, vault, "SlashReserved")).to.deep.equal([
        [op.address, stETH, AMOUNT_STETH, AMOUNT_STETH, 1n],
      ]);
      expect(await requestOf(f, 2n)).to.deep.equal([
        expectedRequest(1n, op.address, t1 + AVS_VETO_WINDOW, STATUS.Pending, 1n),
        f.avs.address,
        [[stETH, [0n, S_STETH, 0n, AMOUNT_STETH, false]]],
      ]);
      expect(await vault.openSlashReservations()).to.equal(2n);
      expect({
        allocation: await allocationRecordOf(f, op.address, f.avs.address, rETH),
        mags: await magnitudesOf(f, op.address, rETH),
        pool: await poolOf(f, op.address, rETH),
      }).to.deep.equal(rETHBefore);
      expect(rETHBefore.allocation.openRequest, "no open request on the skipped allocation").to.equal(0n);
      expect([await gateAtOf(f, op.address, stETH), await gateAtOf(f, op.address, rETH)]).to.deep.equal([
        t1,
        t0,
      ]);
      // A request X releases pays only stETH: rETH is not in it.
      await expect(sm.releaseSlashedFunds(2n, rETH))
        .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
        .withArgs(2n, STATUS.Pending);

      // Now both are refused: stETH (index 0) for X's open request, rETH for its gate. The first one names the revert,
      // and nothing moves.
      let before = await operator1State(f);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashRequestOpen")
        .withArgs(f.avs.address, op.address, stETH);
      expect(await operator1State(f)).to.deep.equal(before);
      // Vetoed, X's request leaves stETH in its cooldown: SlashCooldown on stETH, still before rETH's PoolGated.
      await (await sm.connect(f.committee).vetoSlash(2n)).wait();
      const next = nextRequestAtOf(t1 + AVS_VETO_WINDOW);
      before = await operator1State(f);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, next);
      expect(await operator1State(f)).to.deep.equal(before);
      expect(await sm.slashRequestCount()).to.equal(2n);

      // Z cancels; rETH stays gated until t0 + GATE_CYCLE, then X's request takes rETH alone (stETH cooling down).
      await (await sm.connect(f.slasherZ).cancelSlash(1n)).wait();
      expect(next).to.be.gt(t0 + GATE_CYCLE);
      await time.setNextBlockTimestamp(t0 + GATE_CYCLE - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, next);
      const stETHAllocation = await allocationRecordOf(f, op.address, f.avs.address, stETH);
      await time.setNextBlockTimestamp(t0 + GATE_CYCLE);
      const tx3 = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE);
      expect(await eventsOf(tx3, sm, "SlashAssetReserved")).to.deep.equal([
        [3n, rETH, S_RETH, AMOUNT_RETH, 0n],
      ]);
      expect(await allocationRecordOf(f, op.address, f.avs.address, stETH)).to.deep.equal(stETHAllocation);
      expect(stETHAllocation.openRequest).to.equal(2n);
      expect(await gateAtOf(f, op.address, rETH)).to.equal(t0 + GATE_CYCLE);
    });

    const openOrCooling: Array<["still pending", "SlashRequestOpen"] | ["in its cooldown", "SlashCooldown"]> =
      [
        ["still pending", "SlashRequestOpen"],
        ["in its cooldown", "SlashCooldown"],
      ];
    for (const [state, error] of openOrCooling) {
      it(`skips an allocation whose last request is ${state} and takes the AVS's other asset (SlashAssetReserved for it only); taking nothing, it reverts ${error} on the first asset`, async function () {
        const f = await loadFixture(operator3Fixture);
        const { sm, operator3: op3, stETHAddress: stETH, rETHAddress: rETH } = f;
        // operator3 allocates half its stETH and half its (empty) rETH to X: request 1 takes stETH only.
        await (await sm.connect(op3).modifyAllocation(f.avs.address, stETH, WAD / 2n)).wait();
        await (await sm.connect(op3).modifyAllocation(f.avs.address, rETH, WAD / 2n)).wait();
        await time.increase(ALLOCATION_DELAY);
        const s = slashMagnitude(WAD / 2n, F);
        const t1 = await nextTimestamp();
        const tx1 = await sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE);
        expect(await eventsOf(tx1, sm, "SlashAssetReserved")).to.deep.equal([
          [1n, stETH, s, reservedAmount(OP3_STETH, s, WAD, 0n), 0n],
        ]);
        if (error === "SlashCooldown") await (await sm.connect(f.committee).vetoSlash(1n)).wait();
        const args =
          error === "SlashCooldown"
            ? [f.avs.address, op3.address, stETH, nextRequestAtOf(t1 + AVS_VETO_WINDOW)]
            : [f.avs.address, op3.address, stETH];

        // Dave enters the rETH pool (no request there); X's next request takes rETH alone.
        await (await f.vault.connect(f.dave).deposit(rETH, 40n * WAD, 0n)).wait();
        const stETHBefore = {
          allocation: await allocationRecordOf(f, op3.address, f.avs.address, stETH),
          mags: await magnitudesOf(f, op3.address, stETH),
          pool: await poolOf(f, op3.address, stETH),
          gateAt: await gateAtOf(f, op3.address, stETH),
        };
        const amount = reservedAmount(40n * WAD, s, WAD, 0n);
        expect(amount).to.equal(5n * WAD);
        const t2 = await nextTimestamp();
        const tx2 = await sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE);
        expect(await eventsOf(tx2, sm, "SlashAssetReserved")).to.deep.equal([[2n, rETH, s, amount, 0n]]);
        expect(await eventsOf(tx2, f.vault, "SlashReserved")).to.deep.equal([
          [op3.address, rETH, amount, amount, 1n],
        ]);
        expect(await requestOf(f, 2n)).to.deep.equal([
          expectedRequest(1n, op3.address, t2 + AVS_VETO_WINDOW, STATUS.Pending, 1n),
          f.avs.address,
          [[rETH, [1n, s, 0n, amount, false]]],
        ]);
        expect({
          allocation: await allocationRecordOf(f, op3.address, f.avs.address, stETH),
          mags: await magnitudesOf(f, op3.address, stETH),
          pool: await poolOf(f, op3.address, stETH),
          gateAt: await gateAtOf(f, op3.address, stETH),
        }).to.deep.equal(stETHBefore);
        expect(stETHBefore.allocation.openRequest).to.equal(1n);
        expect(await gateAtOf(f, op3.address, rETH)).to.equal(t2);

        // Both refused now (rETH: request 2 is pending): the stETH reason names the revert.
        await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE))
          .to.be.revertedWithCustomError(sm, error)
          .withArgs(...args);
        expect(await sm.slashRequestCount()).to.equal(2n);
      });
    }

    it("reverts PoolGated on the first asset when its pool is gated and a later asset is refused for another reason (open request, cooldown); at the next epoch it takes the first asset and skips the later one", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH, rETHAddress: rETH } = f;
      // Y starts operator1's stETH epoch at t1 and executes at once: the pool is open again.
      const sY = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      const amountY = reservedAmount(OP1_STETH, sY, WAD, 0n);
      const t1 = await nextTimestamp();
      await (await sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, F, EVIDENCE)).wait();
      await (await sm.executeSlash(1n)).wait();
      const nextEpochAt = t1 + GATE_CYCLE;

      // Past the join window X's request skips the (open but gated) stETH pool and takes rETH.
      const t2 = t1 + JOIN_WINDOW;
      await time.setNextBlockTimestamp(t2);
      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, rETH, S_RETH, AMOUNT_RETH, 0n],
      ]);
      expect((await allocationRecordOf(f, op.address, f.avs.address, stETH)).openRequest).to.equal(0n);

      // stETH gated (index 0), rETH under X's open request, then its cooldown: PoolGated names the revert.
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(op.address, stETH, nextEpochAt);
      await (await sm.connect(f.committee).vetoSlash(2n)).wait();
      const rETHNext = nextRequestAtOf(t2 + AVS_VETO_WINDOW);
      expect(rETHNext).to.be.gt(nextEpochAt);
      await time.setNextBlockTimestamp(nextEpochAt - 1n);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(op.address, stETH, nextEpochAt);

      // At nextEpochAt stETH starts a new epoch; rETH (cooling down) is skipped.
      await time.setNextBlockTimestamp(nextEpochAt);
      const tx3 = await sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE);
      expect(await eventsOf(tx3, sm, "SlashAssetReserved")).to.deep.equal([
        [3n, stETH, S_STETH, reservedAmount(OP1_STETH - amountY, S_STETH, WAD - sY, 0n), 0n],
      ]);
      expect(await gateAtOf(f, op.address, stETH)).to.equal(nextEpochAt);
      expect((await allocationRecordOf(f, op.address, f.avs.address, rETH)).openRequest).to.equal(2n);
    });

    it("gives no reason for an asset with nothing allocated or worth 0 tokens: a request refused on a later asset reverts with that asset's reason (PoolGated), not NothingToSlash", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, rETHAddress: rETH, cbETHAddress: cbETH, blockTokenAddress: busd } = f;
      // W accepts rETH (operator1 allocates none), cbETH (operator1's cbETH pool is empty) and BUSD; V takes BUSD.
      await (await f.vault.connect(f.alice).deposit(busd, 100n * WAD, 0n)).wait();
      const { avs: w, slasher: slasherW } = await addAVS(
        f,
        "w",
        op,
        [rETH, cbETH, busd],
        [0n, WAD / 2n, WAD / 2n],
      );
      const { avs: v, slasher: slasherV } = await addAVS(f, "v", op, [busd], [WAD / 4n]);
      await time.increase(ALLOCATION_DELAY);
      expect((await poolOf(f, op.address, cbETH)).totalAssets).to.equal(0n);
      const t0 = await nextTimestamp();
      await expect(sm.connect(slasherV).requestSlash(v.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, busd, WAD / 4n, 25n * WAD, 0n);

      // Within the join window W joins on BUSD alone.
      const snapshot = await takeSnapshot();
      await time.setNextBlockTimestamp(t0 + JOIN_WINDOW - 1n);
      const tx = await sm.connect(slasherW).requestSlash(w.address, op.address, WAD / 2n, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, busd, WAD / 4n, reservedAmount(75n * WAD, WAD / 4n, WAD, WAD / 4n), 0n],
      ]);
      await snapshot.restore();

      // Past it: rETH and cbETH give no reason, BUSD is gated.
      const before = [
        await magnitudesOf(f, op.address, cbETH),
        await allocationRecordOf(f, op.address, w.address, cbETH),
      ];
      await time.setNextBlockTimestamp(t0 + JOIN_WINDOW);
      await expect(sm.connect(slasherW).requestSlash(w.address, op.address, WAD / 2n, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(op.address, busd, t0 + GATE_CYCLE);
      expect([
        await magnitudesOf(f, op.address, cbETH),
        await allocationRecordOf(f, op.address, w.address, cbETH),
      ]).to.deep.equal(before);
      expect(await gateAtOf(f, op.address, cbETH)).to.equal(0n);
      expect(await sm.slashRequestCount()).to.equal(1n);
    });

    it("never gates an asset skipped for being worth 0 tokens: a request on a dust pool gated past JOIN_WINDOW goes through on the other assets, and one with only that asset reverts NothingToSlash, not PoolGated", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, stETHAddress: stETH, rETHAddress: rETH } = f;
      // operator3: 100 stETH and a 3-wei rETH pool; half of its rETH to Z, the other half and half its stETH to X.
      await (await f.vault.connect(f.dave).deposit(rETH, 3n, 0n)).wait();
      const { avs: z, slasher: slasherZ } = await addAVS(f, "z", op3, [rETH], [WAD / 2n]);
      await (await sm.connect(op3).modifyAllocation(f.avs.address, rETH, WAD / 2n)).wait();
      await (await sm.connect(op3).modifyAllocation(f.avs.address, stETH, WAD / 2n)).wait();
      await time.increase(ALLOCATION_DELAY);

      // Z takes its half of the rETH pool (1 of 3 wei) and closes it at t0, starting its epoch.
      const t0 = await nextTimestamp();
      expect(reservedAmount(3n, WAD / 2n, WAD, 0n)).to.equal(1n);
      await expect(sm.connect(slasherZ).requestSlash(z.address, op3.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, rETH, WAD / 2n, 1n, 0n);
      const rETHMags = await magnitudesOf(f, op3.address, rETH);
      const rETHAllocation = await allocationRecordOf(f, op3.address, f.avs.address, rETH);

      // Past the join window X's request would reserve floor(2 * s / (1e18 - 1e18/2)) = 0 wei of rETH: skipped, and so
      // not refused by the gated rETH pool; it takes stETH (no epoch yet) alone.
      const s = slashMagnitude(WAD / 2n, F);
      expect(reservedAmount(2n, s, WAD, WAD / 2n)).to.equal(0n);
      const t1 = t0 + JOIN_WINDOW + DAY;
      await time.setNextBlockTimestamp(t1);
      const tx = await sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, stETH, s, reservedAmount(OP3_STETH, s, WAD, 0n), 0n],
      ]);
      expect(await gateAtOf(f, op3.address, rETH)).to.equal(t0);
      expect(await gateAtOf(f, op3.address, stETH)).to.equal(t1);
      expect(await magnitudesOf(f, op3.address, rETH)).to.deep.equal(rETHMags);
      expect(await allocationRecordOf(f, op3.address, f.avs.address, rETH)).to.deep.equal(rETHAllocation);
      expect((await poolOf(f, op3.address, rETH)).pendingRequests).to.equal(1n);

      // X accepting rETH alone (a tightening, at once): worth 0 there, its request reverts NothingToSlash although
      // the pool is gated.
      await (await sm.connect(f.avs).updateAVSConfig(avsParams(f, { assets: [rETH] }))).wait();
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op3.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "NothingToSlash")
        .withArgs(op3.address, f.avs.address);
      expect(await magnitudesOf(f, op3.address, rETH)).to.deep.equal(rETHMags);
      expect(await allocationRecordOf(f, op3.address, f.avs.address, rETH)).to.deep.equal(rETHAllocation);
    });
  });

  describe("vetoSlash", function () {
    it("lets the veto committee return the reservation and the allocation: a vetoed request moves nothing", async function () {
      const f = await loadFixture(stakedFixture);
      const before = await operator1State(f);
      const requestedAt = await nextTimestamp();
      await (
        await f.sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      expect(await operator1State(f)).to.not.deep.equal(before);
      const tx = await f.sm.connect(f.committee).vetoSlash(1n);
      await expect(tx).to.emit(f.sm, "SlashCancelled").withArgs(1n, f.committee.address, true);
      // SlashReleased(operator, asset, amount, pendingSlash, pendingRequests)
      expect(await eventsOf(tx, f.vault, "SlashReleased")).to.deep.equal([
        [f.operator1.address, f.stETHAddress, AMOUNT_STETH, 0n, 0n],
        [f.operator1.address, f.rETHAddress, AMOUNT_RETH, 0n, 0n],
      ]);
      expect(await operator1State(f)).to.deep.equal(before);
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.Vetoed);
      expect(await f.vault.openSlashReservations()).to.equal(0n);
      // The request stays the allocation's last one (X's cooldown runs from it); the pools reopened at the veto, but
      // their request epochs keep the start the request gave them.
      expect(await allocationRecordOf(f, f.operator1.address, f.avs.address, f.stETHAddress)).to.deep.include(
        {
          openRequest: 1n,
          changedAfterRequest: false,
        },
      );
      expect(await blockTimeOf(await tx.wait())).to.be.gt(requestedAt);
      for (const asset of [f.stETHAddress, f.rETHAddress])
        expect(await gateAtOf(f, f.operator1.address, asset)).to.equal(requestedAt);
    });

    // docs/slashing.md "Request lifecycle": a request carries the SlashTerms it was made under.
    const committeeChanges: Array<[string, (f: SlashingManagerFixture) => Partial<AVSParams>]> = [
      ["removed", () => ({ vetoCommittee: ZERO, vetoWindow: 0n })],
      ["replaced", (f) => ({ vetoCommittee: f.outsider.address })],
    ];
    for (const [name, change] of committeeChanges) {
      it(`lets the committee of the request's terms veto it after the AVS's committee was ${name}`, async function () {
        const f = await loadFixture(stakedFixture);
        const { sm } = f;
        const params = avsParams(f, change(f));
        const t = await nextTimestamp();
        await (await sm.connect(f.avs).updateAVSConfig(params)).wait();
        const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;

        // An hour before the change applies, X's slasher files a request under terms 1.
        const requestedAt = effectAt - 3600n;
        await time.setNextBlockTimestamp(requestedAt);
        await expect(sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE))
          .to.emit(sm, "SlashRequested")
          .withArgs(
            1n,
            f.avs.address,
            f.operator1.address,
            F,
            EVIDENCE,
            requestedAt + AVS_VETO_WINDOW,
            requestedAt + AVS_VETO_WINDOW + EXECUTION_WINDOW,
            1n,
          );
        await time.setNextBlockTimestamp(effectAt);
        await expect(sm.applyAVSConfig(f.avs.address, params))
          .to.emit(sm, "SlashTermsSet")
          .withArgs(f.avs.address, 3n, params.vetoCommittee, ZERO);
        expect((await sm.avsConfig(f.avs.address)).vetoCommittee).to.equal(params.vetoCommittee);
        expect((await sm.slashRequest(1n))[0].termsId).to.equal(1n);
        expect([...(await sm.slashTerms(1))]).to.deep.equal(expectedTerms(f.committee.address, 1n, ZERO));

        // The AVS's new committee (if any) cannot veto it; the request's committee can.
        if (params.vetoCommittee !== ZERO) {
          await expect(sm.connect(f.outsider).vetoSlash(1n))
            .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
            .withArgs(f.outsider.address, f.avs.address);
        }
        await expect(sm.connect(f.committee).vetoSlash(1n))
          .to.emit(sm, "SlashCancelled")
          .withArgs(1n, f.committee.address, true);

        // A request made under the new terms carries them: the old committee cannot veto it.
        const t2 = await nextTimestamp();
        await expect(sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F, EVIDENCE))
          .to.emit(sm, "SlashRequested")
          .withArgs(
            2n,
            f.avs.address,
            f.operator2.address,
            F,
            EVIDENCE,
            t2 + params.vetoWindow,
            t2 + params.vetoWindow + EXECUTION_WINDOW,
            3n,
          );
        await expect(sm.connect(f.committee).vetoSlash(2n))
          .to.be.revertedWithCustomError(sm, "NotVetoCommittee")
          .withArgs(f.committee.address, f.avs.address);
        if (params.vetoCommittee !== ZERO) {
          await expect(sm.connect(f.outsider).vetoSlash(2n))
            .to.emit(sm, "SlashCancelled")
            .withArgs(2n, f.outsider.address, true);
        } else {
          // No committee: executable at once.
          await expect(sm.executeSlash(2n)).to.emit(sm, "SlashExecuted");
        }
      });
    }

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
      const effectAt = t + DEALLOCATION_DELAY;
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
      const sR = slashMagnitude(ALLOCATIONS.op1AvsRETH, fraction);
      expect((await requestOf(f, 1n))[2]).to.deep.equal([
        [stETH, [0n, s, cut, reservedAmount(OP1_STETH, s, WAD, 0n), false]],
        [f.rETHAddress, [1n, sR, 0n, reservedAmount(OP1_RETH, sR, WAD, 0n), false]],
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
      const effectAt = t + DEALLOCATION_DELAY;

      // the request comes an hour before the decrease is in force; the veto window (a day) outlasts it
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      const scaled = scaledPendingDecrease(a - target, a, s);
      const cut = deallocationCut(a - target, a, s);
      await time.setNextBlockTimestamp(effectAt - 3600n);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      const [request] = await sm.slashRequest(1n);
      expect(request.executableAt).to.equal(effectAt - 3600n + AVS_VETO_WINDOW);
      const [, slashed0] = await sm.slashedAsset(1n, 0n);
      expect([...slashed0]).to.deep.equal([0n, s, cut, reservedAmount(OP1_STETH, s, WAD, 0n), false]);

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
        pendingRequests: 0n,
      });
    });

    it("restores to the operator's target when it queued a decrease after the request", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();
      const magsBefore = await magnitudesOf(f, op.address, stETH);

      // While the request is pending the operator asks for `target`, out of what the request left it.
      const target = WAD / 10n;
      const t = await nextTimestamp();
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          a - s,
          target,
          t + DEALLOCATION_DELAY,
          OP1_STETH_ENCUMBERED,
        );
      const effectAt = t + DEALLOCATION_DELAY;
      // The change was queued while the request was pending: the allocation records it.
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a - s,
        pendingDelta: a - s - target,
        pendingIncrease: false,
        effectAt,
        changedAfterRequest: true,
        openRequest: 1n,
      });

      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      // The restored magnitude joins the pending decrease: the allocation is a again and still ends at `target`.
      const after = await allocationRecordOf(f, op.address, avs.address, stETH);
      expect(after).to.deep.equal({
        current: a,
        pendingDelta: a - target,
        pendingIncrease: false,
        effectAt,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({ ...magsBefore, reserved: 0n });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
        allocatedStakeOf(OP1_STETH, a, WAD, 0n),
      );
      await time.increaseTo(effectAt);
      await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(target);
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED - (a - target),
        reserved: 0n,
        maxMagnitude: WAD,
      });
    });

    it("restores to the operator's target when the scaled decrease matured and it queued another one", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const target1 = WAD / 5n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target1)).wait();
      const effectAt1 = t + DEALLOCATION_DELAY;

      // The request scales the first decrease an hour before it matures.
      const fraction = 123_456_789_012_345_678n;
      const s = slashMagnitude(a, fraction);
      const scaled = scaledPendingDecrease(a - target1, a, s);
      const cut = deallocationCut(a - target1, a, s);
      expect(cut).to.not.equal(0n);
      await time.setNextBlockTimestamp(effectAt1 - 3600n);
      await (await sm.connect(f.slasher).requestSlash(avs.address, op.address, fraction, EVIDENCE)).wait();

      // It matures; the operator then asks for target2 from what is left.
      await time.setNextBlockTimestamp(effectAt1);
      const left = a - s - scaled;
      const target2 = WAD / 20n;
      expect(target2).to.be.lt(left);
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target2))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          left,
          target2,
          effectAt1 + DEALLOCATION_DELAY,
          OP1_STETH_ENCUMBERED - scaled,
        );
      const effectAt2 = effectAt1 + DEALLOCATION_DELAY;

      // The veto deallocates the first decrease's cut at once and adds the rest of the magnitude to the second one.
      expect((await allocationRecordOf(f, op.address, avs.address, stETH)).changedAfterRequest).to.equal(
        true,
      );
      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: left + s - cut,
        pendingDelta: left - target2 + s - cut,
        pendingIncrease: false,
        effectAt: effectAt2,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(left + s - cut).to.equal(target1);
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED - (a - target1),
        reserved: 0n,
        maxMagnitude: WAD,
      });
      await time.increaseTo(effectAt2);
      await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(target2);
      expect((await magnitudesOf(f, op.address, stETH)).encumbered).to.equal(
        OP1_STETH_ENCUMBERED - (a - target2),
      );
    });

    it("keeps the delta of an increase queued before the request (its target was announced with the allocation whole)", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const delta = WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, a + delta)).wait();
      const effectAt = t + ALLOCATION_DELAY;
      // The pending increase is not slashable: the request takes F of a.
      await expect(sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, S_STETH, AMOUNT_STETH, 0n);
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a - S_STETH,
        pendingDelta: delta,
        pendingIncrease: true,
        effectAt,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      await (await sm.connect(f.committee).vetoSlash(1n)).wait();
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: a,
        pendingDelta: delta,
        pendingIncrease: true,
        effectAt,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED + delta,
        reserved: 0n,
        maxMagnitude: WAD,
      });
      await time.increaseTo(effectAt);
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(a + delta);
    });

    // docs/slashing.md "Pending requests close the pool" (the restore table): an increase queued after the request
    // announced the target T = a - s + delta at its effectAt. A veto, or a cancel before the request expired, makes the
    // request's r = s - cut slashable again (as it was during the request): current += r and the increase shrinks by r;
    // if r is more than delta, the rest becomes a decrease of r - delta with the deallocation delay (it stays slashable
    // that long: no escape from the deallocation delay by queuing a 1-wei increase). A cancel once the request expired
    // deallocates s at once (its magnitude was no longer slashable) and leaves current and the increase alone.
    const topUps: Array<[string, bigint]> = [
      ["the increase is larger than the restored magnitude", (3n * WAD) / 20n],
      ["the increase equals the restored magnitude", WAD / 10n],
      ["the increase is smaller than the restored magnitude", WAD / 20n],
      ["the increase is 1 wei", 1n],
    ];
    const endings: Array<["vetoed" | "cancelled" | "cancelled after expiry", string]> = [
      ["vetoed", "a veto"],
      ["cancelled", "the slasher's cancel before expiry"],
      ["cancelled after expiry", "anyone's cancel after expiry"],
    ];
    for (const [name, delta] of topUps) {
      for (const [how, what] of endings) {
        it(`restores after ${what} when the operator queued an increase after the request (${name}): the allocation still ends at the target`, async function () {
          const f = await loadFixture(requestedFixture);
          const { sm, operator1: op, avs, stETHAddress: stETH } = f;
          const a = ALLOCATIONS.op1AvsStETH;
          expect(S_STETH).to.equal(WAD / 10n);
          const target = a - S_STETH + delta;
          const t = await nextTimestamp();
          const effectAt = t + ALLOCATION_DELAY;
          await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target))
            .to.emit(sm, "AllocationUpdated")
            .withArgs(
              op.address,
              avs.address,
              stETH,
              a - S_STETH,
              target,
              effectAt,
              OP1_STETH_ENCUMBERED + delta,
            );
          expect((await allocationRecordOf(f, op.address, avs.address, stETH)).changedAfterRequest).to.equal(
            true,
          );

          const resolvedAt = how === "cancelled after expiry" ? f.expiresAt : t + 3600n;
          await time.setNextBlockTimestamp(resolvedAt);
          if (how === "vetoed") await (await sm.connect(f.committee).vetoSlash(1n)).wait();
          else if (how === "cancelled") await (await sm.connect(f.slasher).cancelSlash(1n)).wait();
          else await (await sm.connect(f.outsider).cancelSlash(1n)).wait();

          // (no deallocation cut here: nothing was being deallocated at the request)
          const r = S_STETH;
          let expected: AllocationState;
          let encumbered: bigint;
          let endsAt: bigint;
          if (how === "cancelled after expiry") {
            // s is deallocated; the allocation is as the request left it, with the announced increase.
            expected = { current: a - S_STETH, pendingDelta: delta, pendingIncrease: true, effectAt };
            encumbered = OP1_STETH_ENCUMBERED - S_STETH + delta;
            endsAt = effectAt;
          } else if (r <= delta) {
            // current takes r back and the increase shrinks by r (a delta of 0 stays pending until its effectAt).
            expected = { current: a, pendingDelta: delta - r, pendingIncrease: true, effectAt };
            encumbered = OP1_STETH_ENCUMBERED - a + target;
            endsAt = effectAt;
          } else {
            // the restored excess over the target becomes a decrease, with the deallocation delay from now.
            const decreaseAt = resolvedAt + DEALLOCATION_DELAY;
            expected = {
              current: a,
              pendingDelta: r - delta,
              pendingIncrease: false,
              effectAt: decreaseAt,
            };
            encumbered = OP1_STETH_ENCUMBERED;
            endsAt = decreaseAt;
          }
          expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
            ...expected,
            changedAfterRequest: false,
            openRequest: 1n,
          });
          expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
            lost: 0n,
            encumbered,
            reserved: 0n,
            maxMagnitude: WAD,
          });
          expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(
            allocatedStakeOf(OP1_STETH, expected.current, WAD, 0n),
          );
          // It is `current` until the change's effectAt and the target from then on, with nothing more encumbered.
          await time.increaseTo(endsAt - 1n);
          expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(expected.current);
          await time.increaseTo(endsAt);
          expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
            current: target,
            pendingDelta: 0n,
            pendingIncrease: false,
            effectAt: 0n,
          });
          await (await sm.applyPendingAllocation(op.address, avs.address, stETH)).wait();
          expect((await magnitudesOf(f, op.address, stETH)).encumbered).to.equal(
            OP1_STETH_ENCUMBERED - a + target,
          );
        });
      }
    }
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
        [f.operator1.address, f.stETHAddress, AMOUNT_STETH, 0n, 0n],
        [f.operator1.address, f.rETHAddress, AMOUNT_RETH, 0n, 0n],
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

    it("lets the AVS's current slasher cancel a request its previous slasher made, and not the previous one", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm } = f;
      const t = await nextTimestamp();
      await (await sm.connect(f.avs).updateAVSConfig(avsParams(f, { slasher: f.slasher2.address }))).wait();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;
      await time.setNextBlockTimestamp(effectAt - 3600n);
      await (
        await sm.connect(f.slasher).requestSlash(f.avs.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.applyAVSConfig(f.avs.address, avsParams(f, { slasher: f.slasher2.address }))).wait();
      await expect(sm.connect(f.slasher).cancelSlash(1n))
        .to.be.revertedWithCustomError(sm, "NotCancellable")
        .withArgs(1n, f.slasher.address);
      await expect(sm.connect(f.slasher2).cancelSlash(1n))
        .to.emit(sm, "SlashCancelled")
        .withArgs(1n, f.slasher2.address, false);
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

    // _restore promises that a vetoed or cancelled request's magnitude goes back "so that it ends where the operator
    // asked". A request stays Pending past its expiry until someone cancels it, so a decrease the operator queued
    // after the request can mature before the cancel.
    it("restores to the operator's target when a decrease queued after the request matured before the expired request was cancelled", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      // While request 1 (s = S_STETH) is pending, the operator asks for `target` out of the a - s it has left.
      const target = WAD / 10n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
      const effectAt = t + DEALLOCATION_DELAY;
      expect(effectAt).to.be.gt(f.expiresAt);

      // The request expires unexecuted; the decrease matures; then anyone cancels the request.
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      expect(
        await allocationOf(f, op.address, avs.address, stETH),
        "the allocation ends at the operator's target",
      ).to.deep.equal({
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
    });

    it("restores to the announced target when an increase queued after the request matured before the expired request was cancelled: the request's magnitude is deallocated", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const a = ALLOCATIONS.op1AvsStETH;
      const delta = WAD / 20n;
      const target = a - S_STETH + delta;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target)).wait();
      const effectAt = t + ALLOCATION_DELAY;
      expect(effectAt).to.be.gt(f.expiresAt);

      await time.setNextBlockTimestamp(effectAt);
      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: target,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: OP1_STETH_ENCUMBERED - a + target,
        reserved: 0n,
        maxMagnitude: WAD,
      });
    });

    // The round-3 restore rule (docs/slashing.md, the restore table's last row): with a change queued since the
    // request and no decrease pending, the request's magnitude is deallocated at once.
    it("deallocates the request's magnitude when a decrease to 0 queued after the request matured and an increase was announced before the expired request was cancelled: the allocation stays 0 until the increase's effectAt", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH, rETHAddress: rETH } = f;
      // While request 1 is pending the operator deallocates the a - s it has left.
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, 0n)).wait();
      const decreaseAt = t + DEALLOCATION_DELAY;
      expect(decreaseAt).to.be.gt(f.expiresAt);

      // The decrease matures (request 1 expired, still Pending); the operator announces an increase to `target`.
      const target = WAD / 5n;
      await time.setNextBlockTimestamp(decreaseAt);
      await expect(sm.connect(op).modifyAllocation(avs.address, stETH, target))
        .to.emit(sm, "AllocationUpdated")
        .withArgs(
          op.address,
          avs.address,
          stETH,
          0n,
          target,
          decreaseAt + ALLOCATION_DELAY,
          ALLOCATIONS.op1Avs2StETH + S_STETH + target,
        );
      const effectAt = decreaseAt + ALLOCATION_DELAY;
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: 0n,
        pendingDelta: target,
        pendingIncrease: true,
        effectAt,
        changedAfterRequest: true,
        openRequest: 1n,
      });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(0n);

      // Anyone cancels the expired request: stETH's s is deallocated, nothing of it becomes slashable; rETH (no change
      // since the request) gets its s back as before.
      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: 0n,
        pendingDelta: target,
        pendingIncrease: true,
        effectAt,
        changedAfterRequest: false,
        openRequest: 1n,
      });
      expect(await magnitudesOf(f, op.address, stETH)).to.deep.equal({
        lost: 0n,
        encumbered: ALLOCATIONS.op1Avs2StETH + target,
        reserved: 0n,
        maxMagnitude: WAD,
      });
      expect(await sm.allocatedStake(op.address, avs.address, stETH)).to.equal(0n);
      expect((await allocationOf(f, op.address, avs.address, rETH)).current).to.equal(ALLOCATIONS.op1AvsRETH);

      // X's next request (its cooldown and the pools' epochs are over) finds nothing in stETH: it takes rETH alone.
      const tx = await sm.connect(f.slasher).requestSlash(avs.address, op.address, F, EVIDENCE);
      expect(await eventsOf(tx, sm, "SlashAssetReserved")).to.deep.equal([
        [2n, rETH, S_RETH, AMOUNT_RETH, 0n],
      ]);
      // The increase applies at its announced time, and only then.
      await time.increaseTo(effectAt - 1n);
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(0n);
      await time.increaseTo(effectAt);
      expect((await allocationOf(f, op.address, avs.address, stETH)).current).to.equal(target);
    });

    // A cancel after expiry deallocates the request's magnitude whatever change is pending: here a decrease queued
    // since the request matured and a second one is pending. (Under the round-3 rule the pending decrease took the
    // magnitude back into `current`, above the level in force since the first decrease matured, unannounced.)
    it("deallocates the request's magnitude on a cancel after expiry when a decrease queued since the request matured and a second one is pending: nothing above the level in force becomes slashable", async function () {
      const f = await loadFixture(requestedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const target1 = WAD / 20n;
      const target2 = WAD / 40n;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target1)).wait();
      const decreaseAt = t + DEALLOCATION_DELAY;

      // The first decrease matures; the operator queues a second one, then the expired request is cancelled.
      await time.setNextBlockTimestamp(decreaseAt);
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, target2)).wait();
      const effectAt2 = decreaseAt + DEALLOCATION_DELAY;
      expect(await allocationRecordOf(f, op.address, avs.address, stETH)).to.deep.equal({
        current: target1,
        pendingDelta: target1 - target2,
        pendingIncrease: false,
        effectAt: effectAt2,
        changedAfterRequest: true,
        openRequest: 1n,
      });
      const stakeBefore = await sm.allocatedStake(op.address, avs.address, stETH);
      expect(stakeBefore).to.equal(allocatedStakeOf(OP1_STETH - AMOUNT_STETH, target1, WAD, S_STETH));
      expect(stakeBefore).to.equal(15n * WAD);

      await (await sm.connect(f.outsider).cancelSlash(1n)).wait();
      expect(
        {
          allocation: await allocationRecordOf(f, op.address, avs.address, stETH),
          encumbered: (await magnitudesOf(f, op.address, stETH)).encumbered,
          stake: await sm.allocatedStake(op.address, avs.address, stETH),
        },
        "nothing becomes slashable unannounced: the allocation stays at the level in force",
      ).to.deep.equal({
        allocation: {
          current: target1,
          pendingDelta: target1 - target2,
          pendingIncrease: false,
          effectAt: effectAt2,
          changedAfterRequest: false,
          openRequest: 1n,
        },
        encumbered: ALLOCATIONS.op1Avs2StETH + target1,
        stake: stakeBefore,
      });
    });

    it("gives a pending deallocation back on cancel: requests cancelled while it is pending leave it to take effect in full", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, avs, stETHAddress: stETH } = f;
      const t = await nextTimestamp();
      await (await sm.connect(op).modifyAllocation(avs.address, stETH, 0n)).wait();
      // Two requests, the second once the first's cooldown is over (still before the decrease is in force).
      let requestAt = t + 1n;
      for (let i = 0; i < 2; i++) {
        await time.setNextBlockTimestamp(requestAt);
        await (
          await sm.connect(f.slasher).requestSlash(avs.address, op.address, AVS_MAX_SLASH, EVIDENCE)
        ).wait();
        const a = await allocationRecordOf(f, op.address, avs.address, stETH);
        expect(a).to.deep.include({
          current: ALLOCATIONS.op1AvsStETH / 2n,
          pendingDelta: ALLOCATIONS.op1AvsStETH / 2n,
        });
        await (await sm.connect(f.slasher).cancelSlash(await sm.slashRequestCount())).wait();
        expect(await allocationOf(f, op.address, avs.address, stETH)).to.deep.equal({
          current: ALLOCATIONS.op1AvsStETH,
          pendingDelta: ALLOCATIONS.op1AvsStETH,
          pendingIncrease: false,
          effectAt: t + DEALLOCATION_DELAY,
        });
        requestAt = nextRequestAtOf(requestAt + AVS_VETO_WINDOW);
      }
      expect(requestAt - SLASH_COOLDOWN - EXECUTION_WINDOW - AVS_VETO_WINDOW).to.be.lt(
        t + DEALLOCATION_DELAY,
      );
      await time.increaseTo(t + DEALLOCATION_DELAY);
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
      // SlashAssetExecuted(id, asset, magnitude, amount, maxMagnitude, fullySlashed)
      expect(await eventsOf(tx, sm, "SlashAssetExecuted")).to.deep.equal([
        [1n, stETH, S_STETH, AMOUNT_STETH, WAD - S_STETH, false],
        [1n, rETH, S_RETH, AMOUNT_RETH, WAD - S_RETH, false],
      ]);
      await expect(tx).to.emit(sm, "SlashExecuted").withArgs(1n, op.address, f.outsider.address);
      // Slashed(operator, asset, amount, totalAssets, pendingRequests, fullySlashed)
      expect(await eventsOf(tx, vault, "Slashed")).to.deep.equal([
        [op.address, stETH, AMOUNT_STETH, OP1_STETH - AMOUNT_STETH, 0n, false],
        [op.address, rETH, AMOUNT_RETH, OP1_RETH - AMOUNT_RETH, 0n, false],
      ]);
      expect(await vault.openSlashReservations()).to.equal(0n);
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
        pendingRequests: 0n,
        fullySlashed: false,
      });
      // Execution leaves the allocation's request bookkeeping (its cooldown runs on), and reopens the pools without
      // moving their gates (the epochs started at the request).
      expect(await allocationRecordOf(f, op.address, f.avs.address, stETH)).to.deep.include({
        openRequest: 1n,
        changedAfterRequest: false,
      });
      for (const asset of [stETH, rETH]) expect(await gateAtOf(f, op.address, asset)).to.equal(f.requestedAt);
      await expect(sm.connect(f.slasher).requestSlash(f.avs.address, op.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "SlashCooldown")
        .withArgs(f.avs.address, op.address, stETH, nextRequestAtOf(f.executableAt));
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
        .withArgs(1n, f.avs2.address, f.operator1.address, F, EVIDENCE, t, t + EXECUTION_WINDOW, 2n);
      await expect(execute)
        .to.emit(f.sm, "SlashAssetExecuted")
        .withArgs(1n, f.stETHAddress, s, amount, WAD - s, false);
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

    it("marks the operator fully slashed in the asset once maxMagnitude falls below MIN_MAX_MAGNITUDE", async function () {
      const f = await loadFixture(operator3Fixture);
      const { sm, operator3: op3, stETHAddress: stETH } = f;
      // operator3 gives Y its whole stETH magnitude; Y takes all of it.
      await (await sm.connect(op3).modifyAllocation(f.avs2.address, stETH, WAD)).wait();
      await time.increase(ALLOCATION_DELAY);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op3.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, WAD, OP3_STETH, 0n);
      const tx = await sm.executeSlash(1n);
      await expect(tx).to.emit(sm, "SlashAssetExecuted").withArgs(1n, stETH, WAD, OP3_STETH, 0n, true);
      await expect(tx).to.emit(f.vault, "Slashed").withArgs(op3.address, stETH, OP3_STETH, 0n, 0n, true);
      await expect(tx).to.changeTokenBalances(
        f.stETH,
        [f.vaultAddress, f.smAddress],
        [-OP3_STETH, OP3_STETH],
      );
      expect(await poolOf(f, op3.address, stETH)).to.deep.include({
        totalAssets: 0n,
        pendingSlash: 0n,
        pendingRequests: 0n,
        fullySlashed: true,
      });
      expect(await magnitudesOf(f, op3.address, stETH)).to.deep.equal({
        lost: WAD,
        encumbered: 0n,
        reserved: 0n,
        maxMagnitude: 0n,
      });
      await expect(sm.connect(op3).modifyAllocation(f.avs2.address, stETH, 1n))
        .to.be.revertedWithCustomError(sm, "OperatorFullySlashed")
        .withArgs(op3.address, stETH, 0n);
      await expect(f.vault.connect(f.dave).deposit(stETH, WAD, 0n))
        .to.be.revertedWithCustomError(f.vault, "PoolFullySlashed")
        .withArgs(op3.address, stETH);
    });
  });

  describe("releaseSlashedFunds", function () {
    it("releases only an executed request", async function () {
      const f = await loadFixture(requestedFixture);
      await expect(f.sm.releaseSlashedFunds(1n, f.stETHAddress))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Pending);
      await expect(f.sm.releaseSlashedFunds(2n, f.stETHAddress))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(2n, STATUS.None);
      await (await f.sm.connect(f.committee).vetoSlash(1n)).wait();
      await expect(f.sm.releaseSlashedFunds(1n, f.stETHAddress))
        .to.be.revertedWithCustomError(f.sm, "InvalidSlashStatus")
        .withArgs(1n, STATUS.Vetoed);
    });

    it("burns to BURN_ADDRESS when the request's terms have no recipient, one asset at a time, each once", async function () {
      const f = await loadFixture(executedFixture);
      const { sm } = f;
      // stETH first: the request stays Executed until rETH is released too.
      const tx = await sm.connect(f.outsider).releaseSlashedFunds(1n, f.stETHAddress);
      expect(await eventsOf(tx, sm, "SlashedFundsReleased")).to.deep.equal([
        [1n, BURN_ADDRESS, f.stETHAddress, AMOUNT_STETH],
      ]);
      await expect(tx).to.changeTokenBalances(
        f.stETH,
        [f.smAddress, BURN_ADDRESS],
        [-AMOUNT_STETH, AMOUNT_STETH],
      );
      await expect(tx).to.changeTokenBalances(f.rETH, [f.smAddress, BURN_ADDRESS], [0n, 0n]);
      expect(await requestOf(f, 1n)).to.deep.equal([
        expectedRequest(1n, f.operator1.address, f.executableAt, STATUS.Executed, 2n),
        f.avs.address,
        [
          [f.stETHAddress, [0n, S_STETH, 0n, AMOUNT_STETH, true]],
          [f.rETHAddress, [1n, S_RETH, 0n, AMOUNT_RETH, false]],
        ],
      ]);
      await expect(sm.releaseSlashedFunds(1n, f.stETHAddress))
        .to.be.revertedWithCustomError(sm, "FundsAlreadyReleased")
        .withArgs(1n, f.stETHAddress);

      const tx2 = await sm.connect(f.outsider).releaseSlashedFunds(1n, f.rETHAddress);
      await expect(tx2)
        .to.emit(sm, "SlashedFundsReleased")
        .withArgs(1n, BURN_ADDRESS, f.rETHAddress, AMOUNT_RETH);
      await expect(tx2).to.changeTokenBalances(
        f.rETH,
        [f.smAddress, BURN_ADDRESS],
        [-AMOUNT_RETH, AMOUNT_RETH],
      );
      expect((await sm.slashRequest(1n))[0].status).to.equal(STATUS.FundsReleased);
      expect((await sm.slashedAsset(1n, 1n))[1].released).to.equal(true);
      for (const asset of [f.stETHAddress, f.rETHAddress]) {
        await expect(sm.releaseSlashedFunds(1n, asset))
          .to.be.revertedWithCustomError(sm, "InvalidSlashStatus")
          .withArgs(1n, STATUS.FundsReleased);
      }
    });

    it("rejects an asset the request did not take (AssetNotInRequest) and an address that is not a vault asset", async function () {
      const f = await loadFixture(executedFixture);
      const { sm } = f;
      const random = ethers.Wallet.createRandom().address;
      for (const asset of [f.cbETHAddress, f.blockTokenAddress]) {
        await expect(sm.releaseSlashedFunds(1n, asset))
          .to.be.revertedWithCustomError(sm, "AssetNotInRequest")
          .withArgs(1n, asset);
      }
      await expect(sm.releaseSlashedFunds(1n, random))
        .to.be.revertedWithCustomError(sm, "UnknownAsset")
        .withArgs(random);
      // Y's request took only stETH (Y accepts nothing else): rETH is not in it. (Past the join window of the epoch
      // request 1 started, it waits for the next epoch, GATE_CYCLE after request 1.)
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE))
        .to.be.revertedWithCustomError(sm, "PoolGated")
        .withArgs(f.operator1.address, f.stETHAddress, f.requestedAt + GATE_CYCLE);
      await time.setNextBlockTimestamp(f.requestedAt + GATE_CYCLE);
      await (
        await sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      await (await sm.executeSlash(2n)).wait();
      await expect(sm.releaseSlashedFunds(2n, f.rETHAddress))
        .to.be.revertedWithCustomError(sm, "AssetNotInRequest")
        .withArgs(2n, f.rETHAddress);
      await expect(sm.releaseSlashedFunds(2n, f.stETHAddress)).to.emit(sm, "SlashedFundsReleased");
      expect((await sm.slashRequest(2n))[0].status).to.equal(STATUS.FundsReleased);
    });

    it("redistributes to the recipient of the request's terms", async function () {
      const f = await loadFixture(stakedFixture);
      const s = slashMagnitude(ALLOCATIONS.op1Avs2StETH, F);
      const amount = reservedAmount(OP1_STETH, s, WAD, 0n);
      await (
        await f.sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F, EVIDENCE)
      ).wait();
      await (await f.sm.executeSlash(1n)).wait();
      const tx = await f.sm.connect(f.outsider).releaseSlashedFunds(1n, f.stETHAddress);
      await expect(tx)
        .to.emit(f.sm, "SlashedFundsReleased")
        .withArgs(1n, f.recipient.address, f.stETHAddress, amount);
      await expect(tx).to.changeTokenBalances(f.stETH, [f.smAddress, f.recipient.address], [-amount, amount]);
      expect((await f.sm.slashRequest(1n))[0].status).to.equal(STATUS.FundsReleased);
    });

    /**
     * stakedFixture + AVS Z (`avs3`: slasher2, no committee, max 1, redistributes to `recipient`, BUSD and stETH,
     * SlashTerms 3) with operator1 registered and 1/2 of its BUSD allocated (in force), alice's 100 BUSD in
     * operator1's pool, and 1/10 of its stETH allocated too.
     */
    async function busdFixture(): Promise<StakedFixture & { avs3: StakedFixture["avs"] }> {
      const f = await stakedFixture();
      const [avs3] = (await ethers.getSigners()).slice(18, 19);
      const busd = f.blockTokenAddress;
      await (
        await f.sm
          .connect(avs3)
          .registerAVS(
            "ipfs://avs-z",
            avs2Params(f, { assets: [f.stETHAddress, busd], recipient: f.recipient.address }),
          )
      ).wait();
      await (await f.sm.connect(f.operator1).registerOperatorToAVS(avs3.address, "0x")).wait();
      await (await f.vault.connect(f.alice).deposit(busd, 100n * WAD, 0n)).wait();
      await (await f.sm.connect(f.operator1).modifyAllocation(avs3.address, busd, WAD / 2n)).wait();
      await (
        await f.sm.connect(f.operator1).modifyAllocation(avs3.address, f.stETHAddress, WAD / 10n)
      ).wait();
      await time.increase(ALLOCATION_DELAY);
      return { ...f, avs3 };
    }

    it("lets one asset that cannot reach the recipient hold back no other, and keeps paying the request's recipient after the AVS changes it", async function () {
      const f = await loadFixture(busdFixture);
      const { sm, avs3 } = f;
      const busd = f.blockTokenAddress;
      await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, true)).wait();

      const sB = slashMagnitude(WAD / 2n, WAD / 2n);
      const amountB = reservedAmount(100n * WAD, sB, WAD, 0n);
      const sS = slashMagnitude(WAD / 10n, WAD / 2n);
      const amountS = reservedAmount(OP1_STETH, sS, WAD, 0n);
      const requestedAt = await nextTimestamp();
      await expect(sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE))
        .to.emit(sm, "SlashRequested")
        .withArgs(
          1n,
          avs3.address,
          f.operator1.address,
          WAD / 2n,
          EVIDENCE,
          requestedAt,
          requestedAt + EXECUTION_WINDOW,
          3n,
        );
      // The blocklist does not stop the execution.
      const exec = await sm.executeSlash(1n);
      await expect(exec).to.changeTokenBalances(
        f.blockToken,
        [f.vaultAddress, f.smAddress],
        [-amountB, amountB],
      );
      await expect(exec).to.changeTokenBalances(f.stETH, [f.vaultAddress, f.smAddress], [-amountS, amountS]);

      // BUSD cannot reach the recipient; stETH is released all the same.
      await expect(sm.releaseSlashedFunds(1n, busd))
        .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
        .withArgs(f.recipient.address);
      await expect(sm.releaseSlashedFunds(1n, f.stETHAddress)).to.changeTokenBalances(
        f.stETH,
        [f.smAddress, f.recipient.address],
        [-amountS, amountS],
      );
      expect((await sm.slashRequest(1n))[0].status).to.equal(STATUS.Executed);
      expect(await f.blockToken.balanceOf(f.smAddress)).to.equal(amountB);

      // Z moves its recipient to recipient2 (queued, then applied: SlashTerms 4). Request 1 keeps terms 3.
      const params = avs2Params(f, { assets: [f.stETHAddress, busd], recipient: f.recipient2.address });
      const t = await nextTimestamp();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;
      await expect(sm.connect(avs3).updateAVSConfig(params))
        .to.emit(sm, "AVSConfigQueued")
        .withArgs(avs3.address, expectedConfig(f, params, 3n, 0n), effectAt);
      await time.setNextBlockTimestamp(effectAt);
      await expect(sm.connect(f.outsider).applyAVSConfig(avs3.address, params))
        .to.emit(sm, "AVSConfigUpdated")
        .withArgs(avs3.address, expectedConfig(f, params, 3n, 4n))
        .and.to.emit(sm, "SlashTermsSet")
        .withArgs(avs3.address, 4n, ZERO, f.recipient2.address);
      await expect(sm.releaseSlashedFunds(1n, busd))
        .to.be.revertedWithCustomError(f.blockToken, "Blocklisted")
        .withArgs(f.recipient.address);

      // Once the recipient may receive BUSD again, the escrow goes to it, not to the AVS's new recipient.
      await (await f.blockToken.connect(f.admin).setBlocklisted(f.recipient.address, false)).wait();
      const tx = await sm.connect(f.outsider).releaseSlashedFunds(1n, busd);
      await expect(tx).to.emit(sm, "SlashedFundsReleased").withArgs(1n, f.recipient.address, busd, amountB);
      await expect(tx).to.changeTokenBalances(
        f.blockToken,
        [f.smAddress, f.recipient.address, f.recipient2.address],
        [-amountB, amountB, 0n],
      );
      expect((await sm.slashRequest(1n))[0].status).to.equal(STATUS.FundsReleased);
    });

    it("pays a request made after a recipient change to the new recipient, and one made before to the old", async function () {
      const f = await loadFixture(busdFixture);
      const { sm, avs3 } = f;
      const busd = f.blockTokenAddress;
      const s1 = slashMagnitude(WAD / 2n, WAD / 2n);
      const amount1 = reservedAmount(100n * WAD, s1, WAD, 0n);

      const params = avs2Params(f, { assets: [f.stETHAddress, busd], recipient: f.recipient2.address });
      const t = await nextTimestamp();
      const effectAt = t + DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER;
      await expect(sm.connect(avs3).updateAVSConfig(params))
        .to.emit(sm, "AVSConfigQueued")
        .withArgs(avs3.address, expectedConfig(f, params, 3n, 0n), effectAt);

      // Request 1 is made (and executed) while the change is queued: it carries terms 3 (recipient).
      await (
        await sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE)
      ).wait();
      await (await sm.executeSlash(1n)).wait();
      await time.setNextBlockTimestamp(effectAt);
      await (await sm.applyAVSConfig(avs3.address, params)).wait();
      expect((await sm.avsConfig(avs3.address)).termsId).to.equal(4n);

      // Request 2, after the change, carries terms 4 (recipient2).
      const s2 = slashMagnitude(WAD / 2n - s1, WAD / 2n);
      const amount2 = reservedAmount(100n * WAD - amount1, s2, WAD - s1, 0n);
      await (
        await sm.connect(f.slasher2).requestSlash(avs3.address, f.operator1.address, WAD / 2n, EVIDENCE)
      ).wait();
      await (await sm.executeSlash(2n)).wait();
      expect((await sm.slashRequest(2n))[0].termsId).to.equal(4n);

      const tx1 = await sm.connect(f.outsider).releaseSlashedFunds(1n, busd);
      await expect(tx1).to.emit(sm, "SlashedFundsReleased").withArgs(1n, f.recipient.address, busd, amount1);
      await expect(tx1).to.changeTokenBalances(
        f.blockToken,
        [f.smAddress, f.recipient.address, f.recipient2.address],
        [-amount1, amount1, 0n],
      );
      const tx2 = await sm.connect(f.outsider).releaseSlashedFunds(2n, busd);
      await expect(tx2).to.emit(sm, "SlashedFundsReleased").withArgs(2n, f.recipient2.address, busd, amount2);
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
      // operator1's stETH pool reopened at request 1's execution, within the epoch request 1 started: Y requests at
      // the next epoch, GATE_CYCLE after request 1 (request 2); then X on operator2 (request 3).
      await time.setNextBlockTimestamp(f.requestedAt + GATE_CYCLE);
      await (
        await sm.connect(f.slasher2).requestSlash(f.avs2.address, f.operator1.address, F / 2n, EVIDENCE)
      ).wait();
      await (
        await sm.connect(f.slasher).requestSlash(f.avs.address, f.operator2.address, F / 2n, EVIDENCE)
      ).wait();
      await (await sm.pause(0b111n)).wait();

      await expect(sm.connect(f.committee).vetoSlash(3n)).to.emit(sm, "SlashCancelled");
      await expect(sm.connect(f.slasher2).cancelSlash(2n)).to.emit(sm, "SlashCancelled");
      await expect(sm.releaseSlashedFunds(1n, f.stETHAddress)).to.emit(sm, "SlashedFundsReleased");
      await expect(sm.releaseSlashedFunds(1n, f.rETHAddress)).to.emit(sm, "SlashedFundsReleased");
      await expect(sm.connect(f.operator2).deregisterOperatorFromAVS(f.avs.address)).to.emit(
        sm,
        "OperatorDeregisteredFromAVS",
      );
      await expect(sm.connect(f.avs).updateAVSMetadataURI("ipfs://paused")).to.emit(
        sm,
        "AVSMetadataURIUpdated",
      );
      await time.increase(DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER);
      await expect(sm.applyAVSConfig(f.avs.address, avsParams(f, { slasher: f.slasher2.address }))).to.emit(
        sm,
        "AVSConfigUpdated",
      );
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
      expect(await pendingOf(f, f.outsider.address)).to.deep.equal(NO_PENDING);
      expect(await sm.isRegistered(f.outsider.address, f.operator1.address)).to.equal(false);
      expect(await sm.isRegistered(f.avs2.address, f.operator2.address)).to.equal(false);
      // ids 1 and 2 are X's and Y's; no other id was given (0 is nobody's: an unregistered AVS reads id 0)
      expect(await registeredIds(f)).to.deep.equal([
        [f.avs.address, 1n],
        [f.avs2.address, 2n],
      ]);
      expect((await sm.avsConfig(f.outsider.address)).id).to.equal(0n);
      expect(await allocationOf(f, f.operator2.address, f.avs2.address, f.stETHAddress)).to.deep.equal({
        current: 0n,
        pendingDelta: 0n,
        pendingIncrease: false,
        effectAt: 0n,
      });
      expect(await sm.allocatedStake(f.operator2.address, f.avs2.address, f.stETHAddress)).to.equal(0n);
      expect(await requestOf(f, 42n)).to.deep.equal([
        expectedRequest(0n, ZERO, 0n, STATUS.None, 0n),
        ZERO,
        [],
      ]);
      const [asset, slashed] = await sm.slashedAsset(42n, 0n);
      expect([asset, [...slashed]]).to.deep.equal([ZERO, [0n, 0n, 0n, 0n, false]]);
      expect([...(await sm.slashTerms(0))]).to.deep.equal(expectedTerms(ZERO, 0n, ZERO));
      expect([...(await sm.slashTerms(3))]).to.deep.equal(expectedTerms(ZERO, 0n, ZERO));
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
      // Never closed: no pool gate.
      expect(await gateAtOf(f, f.operator1.address, f.cbETHAddress)).to.equal(0n);
      expect(await securedStake(sm, f.avs.address, f.cbETHAddress, [f.operator1.address])).to.equal(0n);
    });

    it("price allocated stake, max slashable and secured stake (sdk: the sum of allocatedStake) by the model, net of pending requests", async function () {
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
      expect(await securedStake(sm, avs.address, stETH, [op1.address, op2.address])).to.equal(x1 + x2);
      expect(await securedStake(sm, avs.address, stETH, [op2.address])).to.equal(x2);
      expect(await securedStake(sm, avs.address, stETH, [])).to.equal(0n);

      await (await sm.connect(f.slasher).requestSlash(avs.address, op1.address, F, EVIDENCE)).wait();
      const net = OP1_STETH - AMOUNT_STETH;
      const x1After = allocatedStakeOf(net, ALLOCATIONS.op1AvsStETH - S_STETH, WAD, S_STETH);
      expect(await sm.allocatedStake(op1.address, avs.address, stETH)).to.equal(x1After);
      expect(await sm.allocatedStake(op1.address, avs2.address, stETH)).to.equal(
        allocatedStakeOf(net, ALLOCATIONS.op1Avs2StETH, WAD, S_STETH),
      );
      // X's request is pending on both of operator1's assets: a request of X now would skip them (SlashRequestOpen), so
      // X's maxSlashable reads 0 there while its allocated stake still reports what it holds; operator2's is untouched.
      expect(await sm.maxSlashable(op1.address, avs.address, stETH)).to.equal(0n);
      expect(await sm.maxSlashable(op1.address, avs.address, rETH)).to.equal(0n);
      expect(await sm.maxSlashable(op2.address, avs.address, stETH)).to.equal((x2 * AVS_MAX_SLASH) / WAD);
      expect(await securedStake(sm, avs.address, stETH, [op1.address, op2.address])).to.equal(x1After + x2);
      // Y may join the epoch X's request started until gateAt + JOIN_WINDOW - 1 (its stake, net of X's reservation),
      // and reads 0 from gateAt + JOIN_WINDOW (PoolGated: the pool is closed to new requests).
      const y1After = allocatedStakeOf(net, ALLOCATIONS.op1Avs2StETH, WAD, S_STETH);
      const gateAt = await gateAtOf(f, op1.address, stETH);
      await time.increaseTo(gateAt + JOIN_WINDOW - 1n);
      expect(await sm.maxSlashable(op1.address, avs2.address, stETH)).to.equal(
        (y1After * AVS2_MAX_SLASH) / WAD,
      );
      await time.increaseTo(gateAt + JOIN_WINDOW);
      expect(await sm.maxSlashable(op1.address, avs2.address, stETH)).to.equal(0n);
      expect(await sm.allocatedStake(op1.address, avs2.address, stETH)).to.equal(y1After);
    });

    it("read maxSlashable 0 exactly while a request made now would skip the asset (SlashRequestOpen, PoolGated, SlashCooldown), and allocatedStake * max otherwise, of which a request for f takes at least f * allocatedStake - 1 wei", async function () {
      const f = await loadFixture(stakedFixture);
      const world = new SlashingWorld(f, stakedDeposits(f));
      const { sm, operator1: op, avs, avs2, stETHAddress: stETH, rETHAddress: rETH } = f;
      const fy = WAD / 3n;
      const xArgs = {
        avs: avs.address,
        slasher: f.slasher,
        operator: op.address,
        wadFraction: F,
        assets: [stETH, rETH],
      };
      const yArgs = {
        avs: avs2.address,
        slasher: f.slasher2,
        operator: op.address,
        wadFraction: fy,
        assets: [stETH],
      };
      /** A request made now would skip the asset: maxSlashable reads 0 while the AVS holds stake there. */
      const expectSkippedView = async (a: string, asset: string, why: string): Promise<void> => {
        expect(await sm.allocatedStake(op.address, a, asset), `${why}: stake held`).to.be.gt(0n);
        expect(await sm.maxSlashable(op.address, a, asset), `${why}: maxSlashable`).to.equal(0n);
      };
      /** Otherwise maxSlashable reads allocatedStake * max; returns the stake. */
      const expectOpenView = async (
        a: string,
        asset: string,
        maxWad: bigint,
        why: string,
      ): Promise<bigint> => {
        const stake = await sm.allocatedStake(op.address, a, asset);
        expect(stake, `${why}: stake held`).to.be.gt(0n);
        expect(await sm.maxSlashable(op.address, a, asset), `${why}: maxSlashable`).to.equal(
          (stake * maxWad) / WAD,
        );
        return stake;
      };
      /** The request took at least f * stake - 1 wei of `asset`. */
      const expectTook = (
        taken: Array<{ asset: string; amount: bigint }>,
        asset: string,
        wadFraction: bigint,
        stake: bigint,
      ) => {
        const amount = taken.find((x) => x.asset === asset)?.amount ?? 0n;
        expect((amount + 1n) * WAD, `took ${amount} of ${asset}: at least f * ${stake} - 1`).to.be.gte(
          wadFraction * stake,
        );
      };

      // t0: Y (no committee: executable at once) requests; it takes at least fy * its stake and starts stETH's epoch.
      const yStake = await expectOpenView(avs2.address, stETH, AVS2_MAX_SLASH, "Y, nothing requested yet");
      const t0 = BigInt(await time.latest()) + 1n;
      const y1 = await world.requestChecked({ ...yArgs, at: t0 });
      expectTook(y1.slashed, stETH, fy, yStake);
      // SlashRequestOpen: Y's request is Pending.
      await expectSkippedView(avs2.address, stETH, "Y's request pending");
      expect(await world.requestRefusedChecked(yArgs)).to.deep.equal({
        error: "SlashRequestOpen",
        args: [avs2.address, op.address, stETH],
      });
      // PoolGated: from t0 + JOIN_WINDOW stETH's epoch takes no new request (Y's is pending); rETH was never requested.
      await time.increaseTo(t0 + JOIN_WINDOW);
      await expectSkippedView(avs.address, stETH, "X in stETH, the pool gated");
      const xRETH = await expectOpenView(avs.address, rETH, AVS_MAX_SLASH, "X in rETH, never requested");
      const x1 = await world.requestChecked({ ...xArgs, at: t0 + JOIN_WINDOW + 1n });
      expect(
        x1.slashed.map((x) => x.asset),
        "X skips exactly the asset whose maxSlashable read 0",
      ).to.deep.equal([rETH]);
      expectTook(x1.slashed, rETH, F, xRETH);
      await world.executeChecked(y1.id, f.outsider);
      // SlashCooldown: at t0 + GATE_CYCLE stETH's pool takes a request that starts a new epoch, but Y's cooldown runs
      // until t0 + EXECUTION_WINDOW + SLASH_COOLDOWN; X's rETH request is still Pending (expired, never cancelled).
      await time.increaseTo(t0 + GATE_CYCLE);
      await expectSkippedView(avs2.address, stETH, "Y cooling down");
      expect(await world.requestRefusedChecked(yArgs)).to.deep.equal({
        error: "SlashCooldown",
        args: [avs2.address, op.address, stETH, nextRequestAtOf(t0)],
      });
      await expectSkippedView(avs.address, rETH, "X's rETH request pending");
      const xStETH = await expectOpenView(avs.address, stETH, AVS_MAX_SLASH, "X in stETH, the next epoch");
      const x2 = await world.requestChecked(xArgs);
      expect(
        x2.slashed.map((x) => x.asset),
        "X skips exactly the asset whose maxSlashable read 0",
      ).to.deep.equal([stETH]);
      expectTook(x2.slashed, stETH, F, xStETH);
      await world.check();
    });

    it("report the allocation delay in force: the vault's latestReadyAt() + EXIT_BUFFER - now, the same for everyone", async function () {
      const f = await loadFixture(stakedFixture);
      expect(await f.sm.allocationDelay()).to.equal(DEFAULT_WITHDRAWAL_DELAY + EXIT_BUFFER);
      await (await f.vault.connect(f.admin).setWithdrawalDelay(20n * DAY)).wait();
      expect(await f.sm.allocationDelay()).to.equal(27n * DAY + 7n * HOUR);
    });

    it("report allocated stake as what a request for the whole of it would take (magnitude rounded up)", async function () {
      const f = await loadFixture(stakedFixture);
      const { sm, operator1: op, stETHAddress: stETH } = f;
      // Y (maximum 1e18): maxSlashable is the allocated stake, and a request for all of it takes exactly that.
      const stake = await sm.allocatedStake(op.address, f.avs2.address, stETH);
      expect(await sm.maxSlashable(op.address, f.avs2.address, stETH)).to.equal(stake);
      await expect(sm.connect(f.slasher2).requestSlash(f.avs2.address, op.address, WAD, EVIDENCE))
        .to.emit(sm, "SlashAssetReserved")
        .withArgs(1n, stETH, ALLOCATIONS.op1Avs2StETH, stake, 0n);
    });
  });
});

/** A SlashRequest as an array in struct order (termsId, operator, executableAt, status, assetCount). */
function expectedRequest(
  termsId: bigint,
  operator: string,
  executableAt: bigint,
  status: bigint,
  assetCount: bigint,
): unknown[] {
  return [termsId, operator, executableAt, status, assetCount];
}
