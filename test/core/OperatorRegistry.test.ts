import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  MockERC1271Approver__factory,
  OperatorRegistry__factory,
  ProtocolProxy__factory,
  type MockERC1271Approver,
} from "../../typechain-types";
import { shouldRestrictToRole } from "../behaviours/accessControl.behavior";
import type { ExpectedEvent } from "../behaviours/common";
import { shouldBehaveLikePausableGroups } from "../behaviours/pausable.behavior";
import { shouldBehaveLikeProtocolUpgradeable } from "../behaviours/upgradeable.behavior";
import {
  COMMISSION_DELAY_BUFFER,
  DAY,
  DEFAULT_WITHDRAWAL_DELAY,
  MAX_COMMISSION_BPS,
  MIN_WITHDRAWAL_DELAY,
  OPERATOR1_COMMISSION_BPS,
  OPERATOR1_METADATA,
  OPERATOR2_COMMISSION_BPS,
  REGISTRY_GROUP,
  ROLES,
  VAULT_GROUP,
  WAD,
  coreFixture,
  poolOf,
  stakingFixture,
  twoOperatorsFixture,
  withdrawalId,
  type TwoOperatorsFixture,
} from "../helpers/fixtures";
import {
  NO_SIGNATURE,
  ZERO_SALT,
  delegationDigest,
  salt,
  signDelegationApproval,
  type DelegationApproval,
} from "../helpers/signatures";
import { VIRTUAL_SHARES, toAssetsDown, toSharesDown } from "../helpers/sharesMath";

const ZERO = ethers.ZeroAddress;
/** REGISTRY_STORAGE_LOCATION as declared in OperatorRegistry.sol (its ERC-7201 namespace). */
const REGISTRY_STORAGE_LOCATION = "0x853121b1f79b4cd502df9f9adc363742e576e70c408737fdd1e4765dc5b13e00";
const COMMISSION_DELAY = DEFAULT_WITHDRAWAL_DELAY + COMMISSION_DELAY_BUFFER;

/** Sets the next block's timestamp to `latest + offset` and returns it. */
async function nextTimestamp(offset = 10n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** twoOperatorsFixture + alice holds 10 stETH and 4 rETH undelegated. */
async function aliceDepositedFixture(): Promise<TwoOperatorsFixture> {
  const f = await twoOperatorsFixture();
  const [stETH, rETH] = f.assetAddresses;
  await (await f.vault.connect(f.alice).deposit(stETH, 10n * WAD, 0n)).wait();
  await (await f.vault.connect(f.alice).deposit(rETH, 4n * WAD, 0n)).wait();
  return f;
}

/** aliceDepositedFixture + alice delegated to operator1 (no approver). */
async function aliceDelegatedFixture(): Promise<TwoOperatorsFixture> {
  const f = await aliceDepositedFixture();
  await (await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
  return f;
}

/** aliceDelegatedFixture + a pauser that is not the admin; the shared behaviours (test/behaviours) run on it. */
async function behavioursFixture(): Promise<TwoOperatorsFixture & { pauser: HardhatEthersSigner }> {
  const f = await aliceDelegatedFixture();
  const [pauser] = (await ethers.getSigners()).slice(11, 12);
  await (await f.registry.connect(f.admin).grantRole(ROLES.PAUSER, pauser.address)).wait();
  return { ...f, pauser };
}

describe("OperatorRegistry", function () {
  describe("initialization", function () {
    it("stores the vault, grants the admin its roles and exposes the constants", async function () {
      const { registry, vaultAddress, admin, outsider } = await loadFixture(coreFixture);
      expect(await registry.vault()).to.equal(vaultAddress);
      expect(await registry.hasRole(ROLES.DEFAULT_ADMIN, admin.address)).to.equal(true);
      expect(await registry.hasRole(ROLES.PAUSER, admin.address)).to.equal(true);
      expect(await registry.hasRole(ROLES.DEFAULT_ADMIN, outsider.address)).to.equal(false);
      expect(await registry.MAX_COMMISSION_BPS()).to.equal(MAX_COMMISSION_BPS);
      expect(await registry.COMMISSION_DELAY_BUFFER()).to.equal(COMMISSION_DELAY_BUFFER);
      expect(await registry.GROUP_OPERATORS()).to.equal(REGISTRY_GROUP.OPERATORS);
      expect(await registry.GROUP_DELEGATION()).to.equal(REGISTRY_GROUP.DELEGATION);
      expect(await registry.DELEGATION_APPROVAL_TYPEHASH()).to.equal(
        ethers.id(
          "DelegationApproval(address staker,address operator,address approver,bytes32 salt,uint256 expiry)",
        ),
      );
      expect(await registry.pausedGroups()).to.equal(0n);
    });

    it("uses the EIP-712 domain {name: OperatorRegistry, version: 1, chainId, verifyingContract: proxy}", async function () {
      const { registry, registryAddress } = await loadFixture(coreFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = await registry.eip712Domain();
      expect([domain.name, domain.version, domain.chainId, domain.verifyingContract]).to.deep.equal([
        "OperatorRegistry",
        "1",
        chainId,
        registryAddress,
      ]);
    });

    it("rejects a zero admin or a zero vault (ZeroAddress)", async function () {
      const { registry, admin, vaultAddress } = await loadFixture(coreFixture);
      const impl = await new OperatorRegistry__factory(admin).deploy();
      for (const args of [
        [ZERO, vaultAddress],
        [admin.address, ZERO],
      ] as const) {
        const init = impl.interface.encodeFunctionData("initialize", [args[0], args[1]]);
        await expect(
          new ProtocolProxy__factory(admin).deploy(await impl.getAddress(), init),
        ).to.be.revertedWithCustomError(registry, "ZeroAddress");
      }
    });
  });

  shouldBehaveLikeProtocolUpgradeable(async () => {
    const f = await loadFixture(behavioursFixture);
    const { registry } = f;
    return {
      proxy: registry,
      admin: f.admin,
      nonAdmin: f.outsider,
      deployImplementation: () => new OperatorRegistry__factory(f.admin).deploy(),
      initializerData: registry.interface.encodeFunctionData("initialize", [
        f.outsider.address,
        f.vaultAddress,
      ]),
      stateProbe: async () => {
        const domain = await registry.eip712Domain();
        return {
          vault: await registry.vault(),
          isOperator: [
            await registry.isOperator(f.operator1.address),
            await registry.isOperator(f.operator2.address),
          ],
          commissionBps: await registry.commissionBps(f.operator1.address),
          operator1: [...(await registry.operatorDetails(f.operator1.address))],
          operator2: [...(await registry.operatorDetails(f.operator2.address))],
          domain: [domain.name, domain.version, domain.chainId, domain.verifyingContract],
        };
      },
      namespace: {
        id: "restaking.storage.OperatorRegistry",
        location: REGISTRY_STORAGE_LOCATION,
        // RegistryStorage: vault first, packed with pausedGroups.
        field: {
          name: "RegistryStorage.vault",
          slot: (base) => base,
          byteOffset: 0,
          byteLength: 20,
          read: async () => BigInt(await registry.vault()),
        },
      },
    };
  });

  shouldRestrictToRole(async () => {
    const f = await loadFixture(behavioursFixture);
    const { registry } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: registry, name });
    return {
      contract: registry,
      strangers: [f.outsider, f.alice, f.operator1],
      holders: { DEFAULT_ADMIN_ROLE: f.admin, PAUSER_ROLE: f.pauser },
      calls: [
        {
          name: "pause",
          role: "PAUSER_ROLE",
          call: (a) => registry.connect(a).pause(1n),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "unpause",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => registry.connect(a).unpause(1n),
          emits: emits("PausedGroupsSet"),
        },
        {
          name: "upgradeToAndCall",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) =>
            registry.connect(a).upgradeToAndCall(f.addresses.implementations.OperatorRegistry, "0x"),
          emits: emits("Upgraded"),
        },
        {
          name: "grantRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => registry.connect(a).grantRole(ROLES.PAUSER, f.withdrawer.address),
          emits: emits("RoleGranted"),
        },
        {
          name: "revokeRole",
          role: "DEFAULT_ADMIN_ROLE",
          call: (a) => registry.connect(a).revokeRole(ROLES.PAUSER, f.pauser.address),
          emits: emits("RoleRevoked"),
        },
      ],
    };
  });

  shouldBehaveLikePausableGroups(async () => {
    const f = await loadFixture(behavioursFixture);
    const { registry, vault, operator1, alice, bob, carol } = f;
    const emits = (name: string): ExpectedEvent => ({ contract: registry, name });
    return {
      contract: registry,
      pauser: f.pauser,
      admin: f.admin,
      stranger: f.outsider,
      groups: [
        {
          name: "GROUP_OPERATORS",
          index: REGISTRY_GROUP.OPERATORS,
          calls: [
            {
              name: "registerAsOperator",
              call: () => registry.connect(carol).registerAsOperator("ipfs://c", 0, ZERO),
              emits: emits("OperatorRegistered"),
            },
            {
              name: "setDelegationApprover",
              call: () => registry.connect(operator1).setDelegationApprover(carol.address),
              emits: emits("DelegationApproverSet"),
            },
            {
              name: "queueCommission",
              call: () => registry.connect(operator1).queueCommission(1n),
              emits: emits("CommissionQueued"),
            },
          ],
        },
        {
          name: "GROUP_DELEGATION",
          index: REGISTRY_GROUP.DELEGATION,
          calls: [
            {
              name: "delegateTo",
              call: () => registry.connect(bob).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT),
              emits: { contract: vault, name: "Delegated" },
            },
            {
              name: "undelegate",
              call: () => registry.connect(alice).undelegate(alice.address),
              emits: emits("StakerUndelegated"),
            },
            {
              name: "redelegate",
              call: () => registry.connect(alice).redelegate(operator1.address, NO_SIGNATURE, ZERO_SALT),
              emits: emits("StakerUndelegated"),
            },
          ],
        },
      ],
      ungrouped: [
        {
          name: "updateMetadataURI",
          call: () => registry.connect(operator1).updateMetadataURI("ipfs://paused"),
          emits: emits("OperatorMetadataURIUpdated"),
        },
      ],
    };
  });

  describe("registerAsOperator", function () {
    it("registers the caller delegated to itself (OperatorRegistered, vault Delegated)", async function () {
      const { registry, vault, carol, approver } = await loadFixture(stakingFixture);
      const tx = registry.connect(carol).registerAsOperator("ipfs://carol", 1_234, approver.address);
      await expect(tx)
        .to.emit(registry, "OperatorRegistered")
        .withArgs(carol.address, "ipfs://carol", 1_234n, approver.address);
      await expect(tx).to.emit(vault, "Delegated").withArgs(carol.address, carol.address);
      expect(await registry.isOperator(carol.address)).to.equal(true);
      const d = await registry.operatorDetails(carol.address);
      expect([
        d.delegationApprover,
        d.commissionBps,
        d.pendingCommissionBps,
        d.commissionEffectAt,
        d.registered,
      ]).to.deep.equal([approver.address, 1_234n, 0n, 0n, true]);
      expect(await registry.commissionBps(carol.address)).to.equal(1_234n);
      expect(await vault.delegatedTo(carol.address)).to.equal(carol.address);
    });

    it("moves the new operator's undelegated shares into its own pools", async function () {
      const { registry, vault, carol, assetAddresses } = await loadFixture(stakingFixture);
      const [, rETH] = assetAddresses;
      await (await vault.connect(carol).deposit(rETH, 3n * WAD, 0n)).wait();
      await expect(registry.connect(carol).registerAsOperator("", 0, ZERO))
        .to.emit(vault, "SharesMoved")
        .withArgs(
          carol.address,
          rETH,
          ZERO,
          carol.address,
          3n * WAD * VIRTUAL_SHARES,
          3n * WAD,
          3n * WAD * VIRTUAL_SHARES,
        );
      expect(await vault.pool(carol.address, rETH)).to.deep.equal(
        poolOf(3n * WAD, 3n * WAD * VIRTUAL_SHARES, 0n, 0n),
      );
    });

    it("caps the commission at MAX_COMMISSION_BPS (CommissionTooHigh)", async function () {
      const { registry, carol, dave } = await loadFixture(stakingFixture);
      await expect(registry.connect(carol).registerAsOperator("", MAX_COMMISSION_BPS + 1n, ZERO))
        .to.be.revertedWithCustomError(registry, "CommissionTooHigh")
        .withArgs(MAX_COMMISSION_BPS + 1n, MAX_COMMISSION_BPS);
      await expect(registry.connect(dave).registerAsOperator("", MAX_COMMISSION_BPS, ZERO))
        .to.emit(registry, "OperatorRegistered")
        .withArgs(dave.address, "", MAX_COMMISSION_BPS, ZERO);
    });

    it("reverts AlreadyOperator, and the vault's AlreadyDelegated for a delegated staker", async function () {
      const { registry, vault, operator1, alice } = await loadFixture(aliceDelegatedFixture);
      await expect(registry.connect(operator1).registerAsOperator(OPERATOR1_METADATA, 0, ZERO))
        .to.be.revertedWithCustomError(registry, "AlreadyOperator")
        .withArgs(operator1.address);
      await expect(registry.connect(alice).registerAsOperator("", 0, ZERO))
        .to.be.revertedWithCustomError(vault, "AlreadyDelegated")
        .withArgs(alice.address, operator1.address);
      expect(await registry.isOperator(alice.address)).to.equal(false);
    });
  });

  describe("operator settings", function () {
    it("updateMetadataURI emits OperatorMetadataURIUpdated; NotOperator for others", async function () {
      const { registry, operator1, outsider } = await loadFixture(stakingFixture);
      await expect(registry.connect(operator1).updateMetadataURI("ipfs://new"))
        .to.emit(registry, "OperatorMetadataURIUpdated")
        .withArgs(operator1.address, "ipfs://new");
      await expect(registry.connect(outsider).updateMetadataURI("x"))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(outsider.address);
    });

    it("setDelegationApprover sets and clears the approver (DelegationApproverSet); NotOperator for others", async function () {
      const { registry, operator2, approver, outsider, bob } = await loadFixture(twoOperatorsFixture);
      expect((await registry.operatorDetails(operator2.address)).delegationApprover).to.equal(
        approver.address,
      );
      await expect(registry.connect(operator2).setDelegationApprover(ZERO))
        .to.emit(registry, "DelegationApproverSet")
        .withArgs(operator2.address, ZERO);
      expect((await registry.operatorDetails(operator2.address)).delegationApprover).to.equal(ZERO);
      // without an approver anyone delegates without a signature
      await expect(registry.connect(bob).delegateTo(operator2.address, NO_SIGNATURE, ZERO_SALT)).to.not.be
        .reverted;
      await expect(registry.connect(operator2).setDelegationApprover(outsider.address))
        .to.emit(registry, "DelegationApproverSet")
        .withArgs(operator2.address, outsider.address);
      await expect(registry.connect(outsider).setDelegationApprover(outsider.address))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(outsider.address);
    });
  });

  describe("queueCommission", function () {
    it("waits the vault's withdrawal delay plus one day, and follows changes of the vault's delay", async function () {
      const { registry, vault, admin } = await loadFixture(stakingFixture);
      expect(await registry.commissionDelay()).to.equal(COMMISSION_DELAY);
      expect(COMMISSION_DELAY).to.equal(8n * DAY);
      await (await vault.connect(admin).setWithdrawalDelay(MIN_WITHDRAWAL_DELAY)).wait();
      expect(await registry.commissionDelay()).to.equal(MIN_WITHDRAWAL_DELAY + DAY);
    });

    it("queues a change (CommissionQueued) that commissionBps applies exactly at effectAt", async function () {
      const { registry, operator1 } = await loadFixture(stakingFixture);
      const t = await nextTimestamp();
      const effectAt = t + COMMISSION_DELAY;
      await expect(registry.connect(operator1).queueCommission(2_000))
        .to.emit(registry, "CommissionQueued")
        .withArgs(operator1.address, 2_000n, effectAt);
      const d = await registry.operatorDetails(operator1.address);
      expect([d.commissionBps, d.pendingCommissionBps, d.commissionEffectAt]).to.deep.equal([
        OPERATOR1_COMMISSION_BPS,
        2_000n,
        effectAt,
      ]);
      await time.increaseTo(effectAt - 1n);
      expect(await registry.commissionBps(operator1.address)).to.equal(OPERATOR1_COMMISSION_BPS);
      await time.increaseTo(effectAt);
      expect(await registry.commissionBps(operator1.address)).to.equal(2_000n);
    });

    it("a later call replaces a pending change, restarting the delay", async function () {
      const { registry, operator1 } = await loadFixture(stakingFixture);
      const t1 = await nextTimestamp();
      await (await registry.connect(operator1).queueCommission(2_000)).wait();
      const t2 = await nextTimestamp(DAY);
      await expect(registry.connect(operator1).queueCommission(3_000))
        .to.emit(registry, "CommissionQueued")
        .withArgs(operator1.address, 3_000n, t2 + COMMISSION_DELAY);
      await time.increaseTo(t1 + COMMISSION_DELAY);
      expect(await registry.commissionBps(operator1.address)).to.equal(OPERATOR1_COMMISSION_BPS);
      await time.increaseTo(t2 + COMMISSION_DELAY);
      expect(await registry.commissionBps(operator1.address)).to.equal(3_000n);
    });

    it("a change queued after the previous one took effect keeps the previous one in force meanwhile", async function () {
      const { registry, operator1 } = await loadFixture(stakingFixture);
      await (await registry.connect(operator1).queueCommission(2_000)).wait();
      await time.increase(COMMISSION_DELAY);
      const t = await nextTimestamp();
      await (await registry.connect(operator1).queueCommission(4_000)).wait();
      const d = await registry.operatorDetails(operator1.address);
      expect([d.commissionBps, d.pendingCommissionBps, d.commissionEffectAt]).to.deep.equal([
        2_000n,
        4_000n,
        t + COMMISSION_DELAY,
      ]);
      expect(await registry.commissionBps(operator1.address)).to.equal(2_000n);
    });

    it("reverts CommissionTooHigh and NotOperator", async function () {
      const { registry, operator1, outsider } = await loadFixture(stakingFixture);
      await expect(registry.connect(operator1).queueCommission(MAX_COMMISSION_BPS + 1n))
        .to.be.revertedWithCustomError(registry, "CommissionTooHigh")
        .withArgs(MAX_COMMISSION_BPS + 1n, MAX_COMMISSION_BPS);
      await expect(registry.connect(outsider).queueCommission(1))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(outsider.address);
    });
  });

  describe("delegateTo", function () {
    it("without an approver moves every undelegated share into the operator's pools (vault Delegated, SharesMoved)", async function () {
      const { registry, vault, alice, operator1, assetAddresses } = await loadFixture(aliceDepositedFixture);
      const [stETH, rETH] = assetAddresses;
      const tx = registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT);
      await expect(tx).to.emit(vault, "Delegated").withArgs(alice.address, operator1.address);
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          stETH,
          ZERO,
          operator1.address,
          10n * WAD * VIRTUAL_SHARES,
          10n * WAD,
          10n * WAD * VIRTUAL_SHARES,
        );
      await expect(tx)
        .to.emit(vault, "SharesMoved")
        .withArgs(
          alice.address,
          rETH,
          ZERO,
          operator1.address,
          4n * WAD * VIRTUAL_SHARES,
          4n * WAD,
          4n * WAD * VIRTUAL_SHARES,
        );
      await expect(tx).to.not.emit(registry, "ApproverSaltSpent");
      expect(await vault.delegatedTo(alice.address)).to.equal(operator1.address);
      expect(await vault.position(alice.address, stETH)).to.deep.equal([
        operator1.address,
        10n * WAD * VIRTUAL_SHARES,
        10n * WAD,
      ]);
    });

    it("reverts NotOperator for an unregistered operator and the vault's AlreadyDelegated when delegated", async function () {
      const { registry, vault, alice, outsider, operator1 } = await loadFixture(aliceDelegatedFixture);
      await expect(registry.connect(alice).delegateTo(outsider.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(outsider.address);
      await expect(registry.connect(alice).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(vault, "AlreadyDelegated")
        .withArgs(alice.address, operator1.address);
      await expect(registry.connect(alice).delegateTo(ZERO, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(ZERO);
    });

    describe("with an EOA delegation approver (EIP-712)", function () {
      async function approval(
        f: TwoOperatorsFixture,
        staker: HardhatEthersSigner,
        label: string,
        expiry?: bigint,
      ): Promise<DelegationApproval> {
        return {
          staker: staker.address,
          operator: f.operator2.address,
          approver: f.approver.address,
          salt: salt(label),
          expiry: expiry ?? BigInt(await time.latest()) + DAY,
        };
      }

      it("builds the same digest off-chain as delegationApprovalDigest", async function () {
        const f = await loadFixture(twoOperatorsFixture);
        const a = await approval(f, f.alice, "digest");
        expect(
          await f.registry.delegationApprovalDigest(a.staker, a.operator, a.approver, a.salt, a.expiry),
        ).to.equal(await delegationDigest(f.registry, a));
        // every field is part of the digest
        const other = await delegationDigest(f.registry, { ...a, expiry: a.expiry + 1n });
        expect(other).to.not.equal(await delegationDigest(f.registry, a));
      });

      it("accepts the approver's signature and spends the salt (ApproverSaltSpent)", async function () {
        const f = await loadFixture(aliceDepositedFixture);
        const { registry, vault, alice, approver, operator2 } = f;
        const a = await approval(f, alice, "alice-1");
        const sig = await signDelegationApproval(approver, registry, a);
        expect(await registry.isSaltSpent(approver.address, a.salt)).to.equal(false);
        const tx = registry.connect(alice).delegateTo(operator2.address, sig, a.salt);
        await expect(tx)
          .to.emit(registry, "ApproverSaltSpent")
          .withArgs(approver.address, a.salt, alice.address, operator2.address);
        await expect(tx).to.emit(vault, "Delegated").withArgs(alice.address, operator2.address);
        expect(await registry.isSaltSpent(approver.address, a.salt)).to.equal(true);
        expect(await vault.delegatedTo(alice.address)).to.equal(operator2.address);
      });

      it("accepts a signature in its expiry second and rejects it one second later (SignatureExpired)", async function () {
        const f = await loadFixture(twoOperatorsFixture);
        const { registry, alice, bob, approver, operator2 } = f;
        const expiry = BigInt(await time.latest()) + 100n;
        const late = await approval(f, bob, "late", expiry);
        await time.setNextBlockTimestamp(expiry + 1n);
        await expect(
          registry
            .connect(bob)
            .delegateTo(operator2.address, await signDelegationApproval(approver, registry, late), late.salt),
        )
          .to.be.revertedWithCustomError(registry, "SignatureExpired")
          .withArgs(expiry, expiry + 1n);
        const onTime = await approval(f, alice, "on-time", expiry + 10n);
        const sig = await signDelegationApproval(approver, registry, onTime);
        await time.setNextBlockTimestamp(expiry + 10n);
        await expect(registry.connect(alice).delegateTo(operator2.address, sig, onTime.salt)).to.emit(
          registry,
          "ApproverSaltSpent",
        );
      });

      it("rejects a replayed signature and any reuse of a spent salt (SaltSpent)", async function () {
        const f = await loadFixture(twoOperatorsFixture);
        const { registry, alice, bob, approver, operator2 } = f;
        const a = await approval(f, alice, "once");
        const sig = await signDelegationApproval(approver, registry, a);
        await (await registry.connect(alice).delegateTo(operator2.address, sig, a.salt)).wait();
        await (await registry.connect(alice).undelegate(alice.address)).wait();
        await expect(registry.connect(alice).delegateTo(operator2.address, sig, a.salt))
          .to.be.revertedWithCustomError(registry, "SaltSpent")
          .withArgs(approver.address, a.salt);
        const forBob = await approval(f, bob, "once");
        await expect(
          registry
            .connect(bob)
            .delegateTo(operator2.address, await signDelegationApproval(approver, registry, forBob), a.salt),
        )
          .to.be.revertedWithCustomError(registry, "SaltSpent")
          .withArgs(approver.address, a.salt);
      });

      it("rejects invalid signatures (InvalidSignature) and spends nothing", async function () {
        const f = await loadFixture(twoOperatorsFixture);
        const { registry, alice, bob, approver, operator2 } = f;
        const a = await approval(f, alice, "bad");
        const cases = [
          // signed by someone else
          await signDelegationApproval(bob, registry, a),
          // signed for another staker
          await signDelegationApproval(approver, registry, { ...a, staker: bob.address }),
          // signed for another operator
          await signDelegationApproval(approver, registry, { ...a, operator: f.operator1.address }),
          // signed with another expiry than the one submitted
          {
            signature: (await signDelegationApproval(approver, registry, { ...a, expiry: a.expiry + 1n }))
              .signature,
            expiry: a.expiry,
          },
          // malformed and empty signatures
          { signature: "0x1234", expiry: a.expiry },
          { signature: "0x", expiry: a.expiry },
        ];
        for (const sig of cases) {
          await expect(
            registry.connect(alice).delegateTo(operator2.address, sig, a.salt),
          ).to.be.revertedWithCustomError(registry, "InvalidSignature");
        }
        expect(await registry.isSaltSpent(approver.address, a.salt)).to.equal(false);
      });

      it("needs no signature when the approver delegates itself", async function () {
        const { registry, vault, approver, operator2 } = await loadFixture(twoOperatorsFixture);
        const tx = registry.connect(approver).delegateTo(operator2.address, NO_SIGNATURE, salt("unused"));
        await expect(tx).to.emit(vault, "Delegated").withArgs(approver.address, operator2.address);
        await expect(tx).to.not.emit(registry, "ApproverSaltSpent");
        expect(await registry.isSaltSpent(approver.address, salt("unused"))).to.equal(false);
      });

      it("needs no signature when the operator calls for itself (it then fails only as already delegated)", async function () {
        const { registry, vault, operator2 } = await loadFixture(twoOperatorsFixture);
        // an expired, empty signature: the signature checks are skipped, the vault's delegation check is reached
        await expect(
          registry
            .connect(operator2)
            .delegateTo(operator2.address, { signature: "0x", expiry: 0n }, ZERO_SALT),
        )
          .to.be.revertedWithCustomError(vault, "AlreadyDelegated")
          .withArgs(operator2.address, operator2.address);
      });
    });

    describe("with an ERC-1271 contract delegation approver", function () {
      async function erc1271Fixture(): Promise<
        TwoOperatorsFixture & { approverContract: MockERC1271Approver; approverAddress: string }
      > {
        const f = await twoOperatorsFixture();
        const approverContract = await new MockERC1271Approver__factory(f.admin).deploy();
        const approverAddress = await approverContract.getAddress();
        // dave runs a third operator whose approver is a contract
        await (await f.registry.connect(f.dave).registerAsOperator("ipfs://dave", 0, approverAddress)).wait();
        return { ...f, approverContract, approverAddress };
      }

      it("accepts a delegation whose digest the contract approves, and rejects it otherwise", async function () {
        const f = await loadFixture(erc1271Fixture);
        const { registry, vault, alice, dave, approverContract, approverAddress } = f;
        const a: DelegationApproval = {
          staker: alice.address,
          operator: dave.address,
          approver: approverAddress,
          salt: salt("1271"),
          expiry: BigInt(await time.latest()) + DAY,
        };
        const sig = { signature: "0xdeadbeef", expiry: a.expiry };
        await expect(
          registry.connect(alice).delegateTo(dave.address, sig, a.salt),
        ).to.be.revertedWithCustomError(registry, "InvalidSignature");
        const digest = await registry.delegationApprovalDigest(
          a.staker,
          a.operator,
          a.approver,
          a.salt,
          a.expiry,
        );
        expect(digest).to.equal(await delegationDigest(registry, a));
        await (await approverContract.setApproved(digest, true)).wait();
        await expect(registry.connect(alice).delegateTo(dave.address, sig, a.salt))
          .to.emit(registry, "ApproverSaltSpent")
          .withArgs(approverAddress, a.salt, alice.address, dave.address);
        expect(await vault.delegatedTo(alice.address)).to.equal(dave.address);
      });

      it("rejects a revoked approval", async function () {
        const f = await loadFixture(erc1271Fixture);
        const { registry, bob, dave, approverContract, approverAddress } = f;
        const expiry = BigInt(await time.latest()) + DAY;
        const digest = await registry.delegationApprovalDigest(
          bob.address,
          dave.address,
          approverAddress,
          salt("r"),
          expiry,
        );
        await (await approverContract.setApproved(digest, true)).wait();
        await (await approverContract.setApproved(digest, false)).wait();
        await expect(
          registry.connect(bob).delegateTo(dave.address, { signature: "0x", expiry }, salt("r")),
        ).to.be.revertedWithCustomError(registry, "InvalidSignature");
      });
    });
  });

  describe("undelegate", function () {
    async function undelegatableFixture(): Promise<TwoOperatorsFixture> {
      const f = await aliceDepositedFixture();
      // bob delegates to operator2 through its approver's signature and deposits 6 cbETH
      const a: DelegationApproval = {
        staker: f.bob.address,
        operator: f.operator2.address,
        approver: f.approver.address,
        salt: salt("bob"),
        expiry: BigInt(await time.latest()) + DAY,
      };
      await (
        await f.registry
          .connect(f.bob)
          .delegateTo(f.operator2.address, await signDelegationApproval(f.approver, f.registry, a), a.salt)
      ).wait();
      await (await f.vault.connect(f.bob).deposit(f.assetAddresses[2], 6n * WAD, 0n)).wait();
      await (
        await f.registry.connect(f.alice).delegateTo(f.operator1.address, NO_SIGNATURE, ZERO_SALT)
      ).wait();
      return f;
    }

    it("by the staker queues every share (StakerUndelegated with the ids, vault Undelegated)", async function () {
      const { registry, vault, alice, operator1, assetAddresses } = await loadFixture(undelegatableFixture);
      const [stETH, rETH] = assetAddresses;
      const ids = [withdrawalId(alice.address, 0n), withdrawalId(alice.address, 1n)];
      expect(await registry.connect(alice).undelegate.staticCall(alice.address)).to.deep.equal(ids);
      const t = await nextTimestamp();
      const tx = registry.connect(alice).undelegate(alice.address);
      await expect(tx)
        .to.emit(registry, "StakerUndelegated")
        .withArgs(alice.address, operator1.address, alice.address, ids);
      await expect(tx).to.emit(vault, "Undelegated").withArgs(alice.address, operator1.address);
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          ids[0],
          alice.address,
          operator1.address,
          stETH,
          10n * WAD * VIRTUAL_SHARES,
          t,
          t + DEFAULT_WITHDRAWAL_DELAY,
        );
      await expect(tx)
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          ids[1],
          alice.address,
          operator1.address,
          rETH,
          4n * WAD * VIRTUAL_SHARES,
          t,
          t + DEFAULT_WITHDRAWAL_DELAY,
        );
      expect(await vault.delegatedTo(alice.address)).to.equal(ZERO);
      expect(await vault.position(alice.address, stETH)).to.deep.equal([ZERO, 0n, 0n]);
    });

    it("by the staker's operator", async function () {
      const { registry, alice, operator1 } = await loadFixture(undelegatableFixture);
      await expect(registry.connect(operator1).undelegate(alice.address))
        .to.emit(registry, "StakerUndelegated")
        .withArgs(alice.address, operator1.address, operator1.address, [
          withdrawalId(alice.address, 0n),
          withdrawalId(alice.address, 1n),
        ]);
    });

    it("by the operator's delegation approver", async function () {
      const { registry, bob, operator2, approver } = await loadFixture(undelegatableFixture);
      await expect(registry.connect(approver).undelegate(bob.address))
        .to.emit(registry, "StakerUndelegated")
        .withArgs(bob.address, operator2.address, approver.address, [withdrawalId(bob.address, 0n)]);
    });

    it("reverts NotAuthorizedToUndelegate for anyone else (another operator, another approver, an outsider)", async function () {
      const { registry, alice, bob, operator2, approver, outsider } = await loadFixture(undelegatableFixture);
      for (const caller of [outsider, operator2, approver, bob]) {
        await expect(registry.connect(caller).undelegate(alice.address))
          .to.be.revertedWithCustomError(registry, "NotAuthorizedToUndelegate")
          .withArgs(caller.address, alice.address);
      }
    });

    it("reverts OperatorCannotUndelegate for an operator and StakerNotDelegated for an undelegated staker", async function () {
      const { registry, operator1, carol, admin } = await loadFixture(undelegatableFixture);
      for (const caller of [operator1, admin]) {
        await expect(registry.connect(caller).undelegate(operator1.address))
          .to.be.revertedWithCustomError(registry, "OperatorCannotUndelegate")
          .withArgs(operator1.address);
      }
      await expect(registry.connect(carol).undelegate(carol.address))
        .to.be.revertedWithCustomError(registry, "StakerNotDelegated")
        .withArgs(carol.address);
    });

    it("undelegates a staker that holds nothing, queueing no withdrawal", async function () {
      const { registry, carol, operator1 } = await loadFixture(undelegatableFixture);
      await (await registry.connect(carol).delegateTo(operator1.address, NO_SIGNATURE, ZERO_SALT)).wait();
      await expect(registry.connect(carol).undelegate(carol.address))
        .to.emit(registry, "StakerUndelegated")
        .withArgs(carol.address, operator1.address, carol.address, []);
    });

    // Undelegating queues withdrawals: the vault's withdrawals pause holds for it (and for redelegation), not only
    // the delegation pause, whatever the registry's own pause groups.
    it("reverts GroupPaused(1) with only the vault's WITHDRAWALS group paused and GroupPaused(2) with only its DELEGATION group, by every caller and for redelegate; works again once unpaused", async function () {
      const { registry, vault, admin, alice, operator1, assetAddresses } =
        await loadFixture(undelegatableFixture);
      const calls = [
        () => registry.connect(alice).undelegate(alice.address),
        () => registry.connect(operator1).undelegate(alice.address),
        () => registry.connect(alice).redelegate(operator1.address, NO_SIGNATURE, ZERO_SALT),
      ];
      for (const group of [VAULT_GROUP.WITHDRAWALS, VAULT_GROUP.DELEGATION]) {
        await (await vault.connect(admin).pause(1n << group)).wait();
        expect(await registry.pausedGroups()).to.equal(0n);
        for (const call of calls) {
          await expect(call()).to.be.revertedWithCustomError(vault, "GroupPaused").withArgs(group);
        }
        expect(await vault.delegatedTo(alice.address)).to.equal(operator1.address);
        expect((await vault.stakerInfo(alice.address)).withdrawalNonce).to.equal(0n);
        await (await vault.connect(admin).unpause(1n << group)).wait();
      }
      const [stETH] = assetAddresses;
      const t = await nextTimestamp();
      await expect(registry.connect(alice).undelegate(alice.address))
        .to.emit(vault, "WithdrawalQueued")
        .withArgs(
          withdrawalId(alice.address, 0n),
          alice.address,
          operator1.address,
          stETH,
          10n * WAD * VIRTUAL_SHARES,
          t,
          t + DEFAULT_WITHDRAWAL_DELAY,
        );
    });
  });

  describe("redelegate", function () {
    it("queues every share out of the old pool and delegates to the new operator in one call", async function () {
      const f = await loadFixture(aliceDelegatedFixture);
      const { registry, vault, alice, operator1, operator2, approver, assetAddresses } = f;
      const [stETH] = assetAddresses;
      const a: DelegationApproval = {
        staker: alice.address,
        operator: operator2.address,
        approver: approver.address,
        salt: salt("redelegate"),
        expiry: BigInt(await time.latest()) + DAY,
      };
      const sig = await signDelegationApproval(approver, registry, a);
      const ids = [withdrawalId(alice.address, 0n), withdrawalId(alice.address, 1n)];
      expect(
        await registry.connect(alice).redelegate.staticCall(operator2.address, sig, a.salt),
      ).to.deep.equal(ids);
      const tx = registry.connect(alice).redelegate(operator2.address, sig, a.salt);
      await expect(tx)
        .to.emit(registry, "StakerUndelegated")
        .withArgs(alice.address, operator1.address, alice.address, ids);
      await expect(tx).to.emit(vault, "Delegated").withArgs(alice.address, operator2.address);
      await expect(tx)
        .to.emit(registry, "ApproverSaltSpent")
        .withArgs(approver.address, a.salt, alice.address, operator2.address);
      expect(await vault.delegatedTo(alice.address)).to.equal(operator2.address);
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(
        poolOf(10n * WAD, 10n * WAD * VIRTUAL_SHARES, 10n * WAD * VIRTUAL_SHARES, 0n),
      );
    });

    it("the queued withdrawals complete as shares into the new operator's pools", async function () {
      const f = await loadFixture(aliceDelegatedFixture);
      const { registry, vault, alice, bob, operator1, operator2, approver, assetAddresses } = f;
      const [stETH, rETH] = assetAddresses;
      // operator2's stETH pool already holds bob's 5 stETH
      const bobSig = await signDelegationApproval(approver, registry, {
        staker: bob.address,
        operator: operator2.address,
        approver: approver.address,
        salt: salt("bob"),
        expiry: BigInt(await time.latest()) + DAY,
      });
      await (await registry.connect(bob).delegateTo(operator2.address, bobSig, salt("bob"))).wait();
      await (await vault.connect(bob).deposit(stETH, 5n * WAD, 0n)).wait();
      // alice needs the approver's signature to redelegate to operator2
      const a: DelegationApproval = {
        staker: alice.address,
        operator: operator2.address,
        approver: approver.address,
        salt: salt("alice"),
        expiry: BigInt(await time.latest()) + DAY,
      };
      await (
        await registry
          .connect(alice)
          .redelegate(operator2.address, await signDelegationApproval(approver, registry, a), a.salt)
      ).wait();
      await time.increase(DEFAULT_WITHDRAWAL_DELAY);
      const [id0, id1] = [withdrawalId(alice.address, 0n), withdrawalId(alice.address, 1n)];
      const s = 10n * WAD * VIRTUAL_SHARES;
      const assets0 = toAssetsDown(s, 10n * WAD, s);
      const minted0 = toSharesDown(assets0, 5n * WAD, 5n * WAD * VIRTUAL_SHARES);
      await expect(vault.connect(alice).completeWithdrawal(id0, false, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          id0,
          alice.address,
          alice.address,
          operator1.address,
          stETH,
          s,
          assets0,
          false,
          operator2.address,
          minted0,
        );
      const r = 4n * WAD * VIRTUAL_SHARES;
      const minted1 = toSharesDown(4n * WAD, 0n, 0n);
      await expect(vault.connect(alice).completeWithdrawal(id1, false, 0n))
        .to.emit(vault, "WithdrawalCompleted")
        .withArgs(
          id1,
          alice.address,
          alice.address,
          operator1.address,
          rETH,
          r,
          4n * WAD,
          false,
          operator2.address,
          minted1,
        );
      expect(await vault.position(alice.address, stETH)).to.deep.equal([
        operator2.address,
        minted0,
        10n * WAD,
      ]);
      expect(await vault.pool(operator1.address, stETH)).to.deep.equal(poolOf(0n, 0n, 0n, 0n));
      expect(await vault.pool(operator2.address, stETH)).to.deep.equal(
        poolOf(15n * WAD, 5n * WAD * VIRTUAL_SHARES + minted0, 0n, 0n),
      );
    });

    it("reverts StakerNotDelegated, OperatorCannotUndelegate, NotOperator and InvalidSignature, changing nothing", async function () {
      const { registry, vault, alice, carol, operator1, operator2, outsider } =
        await loadFixture(aliceDelegatedFixture);
      await expect(registry.connect(carol).redelegate(operator1.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "StakerNotDelegated")
        .withArgs(carol.address);
      await expect(registry.connect(operator1).redelegate(operator2.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "OperatorCannotUndelegate")
        .withArgs(operator1.address);
      await expect(registry.connect(alice).redelegate(outsider.address, NO_SIGNATURE, ZERO_SALT))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(outsider.address);
      const expiry = BigInt(await time.latest()) + DAY;
      await expect(
        registry.connect(alice).redelegate(operator2.address, { signature: "0x", expiry }, ZERO_SALT),
      ).to.be.revertedWithCustomError(registry, "InvalidSignature");
      expect(await vault.delegatedTo(alice.address)).to.equal(operator1.address);
      expect((await vault.stakerInfo(alice.address)).withdrawalNonce).to.equal(0n);
    });
  });

  describe("views", function () {
    it("isOperator, operatorDetails, commissionBps and isSaltSpent for unknown accounts are empty", async function () {
      const { registry, outsider, operator1, operator2, approver } = await loadFixture(twoOperatorsFixture);
      expect(await registry.isOperator(outsider.address)).to.equal(false);
      const d = await registry.operatorDetails(outsider.address);
      expect([
        d.delegationApprover,
        d.commissionBps,
        d.pendingCommissionBps,
        d.commissionEffectAt,
        d.registered,
      ]).to.deep.equal([ZERO, 0n, 0n, 0n, false]);
      expect(await registry.commissionBps(outsider.address)).to.equal(0n);
      expect(await registry.commissionBps(operator1.address)).to.equal(OPERATOR1_COMMISSION_BPS);
      expect(await registry.commissionBps(operator2.address)).to.equal(OPERATOR2_COMMISSION_BPS);
      expect(await registry.isSaltSpent(approver.address, ZERO_SALT)).to.equal(false);
    });
  });
});
