/**
 * The LRT's upgradeable contracts (LRTManager, LiquidRestakingToken) run the shared ProtocolUpgradeable behaviour that
 * every core contract runs (test/behaviours/upgradeable.behavior.ts): initializers disabled on implementations, one
 * initialization per proxy, UUPS upgrades by DEFAULT_ADMIN_ROLE only and keeping the state, state in the contract's
 * ERC-7201 namespace (docs/lrt.md, "Contracts"; docs/architecture.md, "Upgrades").
 */
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { LRTManager__factory, LiquidRestakingToken__factory } from "../../typechain-types";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import { WAD } from "../helpers/fixtures";
import { lrtFixture, managerLibraries, type LRTFixture } from "../helpers/lrtFixtures";

const MANAGER_STORAGE_LOCATION = "0x916e6f1d6a950794474f36c551260bc2d682249703bee422ef9bacdcdc880500";
const TOKEN_STORAGE_LOCATION = "0x1122ed61e9ae9a5c73d5e661a7fb60e245d7f4010a93bfc08f9ea4bcf9803800";

/** lrtFixture with LRT minted to alice and bob, and one pause group of the token set (a non-zero field to find). */
async function upgradeFixture(): Promise<LRTFixture> {
  const f = await lrtFixture();
  await (await f.stETHVault.connect(f.alice).deposit(10n * WAD, f.alice.address)).wait();
  await (await f.rETHVault.connect(f.bob).deposit(5n * WAD, f.bob.address)).wait();
  await (await f.lrt.connect(f.admin).pause(1n << 7n)).wait();
  return f;
}

describe("LRT upgradeable contracts (shared behaviour)", function () {
  describe("LRTManager", function () {
    shouldBehaveLikeProtocolUpgradeable(async () => {
      const f = await loadFixture(upgradeFixture);
      const { manager } = f;
      const libraries = await managerLibraries(f);
      return {
        proxy: manager,
        admin: f.admin,
        nonAdmin: f.outsider,
        deployImplementation: () => new LRTManager__factory(libraries, f.admin).deploy(),
        initializerData: manager.interface.encodeFunctionData("initialize", [
          f.outsider.address,
          {
            token: f.outsider.address,
            vault: f.outsider.address,
            slashingManager: f.outsider.address,
            rewards: f.outsider.address,
            registry: f.outsider.address,
            oracle: f.outsider.address,
            beacon: f.outsider.address,
            treasury: f.outsider.address,
            rewardsReceiver: f.outsider.address,
          },
        ]),
        stateProbe: async () => ({
          token: await manager.token(),
          nodes: await manager.nodeCount(),
          totalValue: [await manager.totalValue(true), await manager.totalValue(false)],
          rate: await manager.getRate(),
          policy: [...(await manager.policy())],
          books: [
            [...(await manager.assetBook(f.stETHAddress))],
            [...(await manager.assetBook(f.rETHAddress))],
          ],
        }),
        namespace: {
          id: "restaking.storage.LRTManager",
          location: MANAGER_STORAGE_LOCATION,
          // LRTStorage.Layout: token (20 bytes) then the pause flags and counts in slot 0.
          field: {
            name: "Layout.token",
            slot: (base) => base,
            byteOffset: 0,
            byteLength: 20,
            read: async () => BigInt(await manager.token()),
          },
        },
      };
    });
  });

  describe("LiquidRestakingToken", function () {
    shouldBehaveLikeProtocolUpgradeable(async () => {
      const f = await loadFixture(upgradeFixture);
      const { lrt } = f;
      return {
        proxy: lrt,
        admin: f.admin,
        nonAdmin: f.outsider,
        deployImplementation: () => new LiquidRestakingToken__factory(f.admin).deploy(),
        initializerData: lrt.interface.encodeFunctionData("initialize", [f.outsider.address, "X", "X"]),
        stateProbe: async () => ({
          meta: [await lrt.name(), await lrt.symbol(), await lrt.decimals()],
          supply: await lrt.totalSupply(),
          alice: await lrt.balanceOf(f.alice.address),
          bob: await lrt.balanceOf(f.bob.address),
          entryPoint: await lrt.vault(f.stETHAddress),
          paused: await lrt.pausedGroups(),
        }),
        namespace: {
          id: "restaking.storage.LiquidRestakingToken",
          location: TOKEN_STORAGE_LOCATION,
          // TokenStorage: manager (20 bytes), then pausedGroups.
          field: {
            name: "TokenStorage.pausedGroups",
            slot: (base) => base,
            byteOffset: 20,
            byteLength: 1,
            read: async () => await lrt.pausedGroups(),
          },
        },
      };
    });
  });
});
