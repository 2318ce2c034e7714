import fs from "fs";
import path from "path";
import { expect } from "chai";

import {
  LRT_REQUEST_STATUS,
  LRT_REQUEST_STATUS_VALUE,
  PAUSE_GROUP,
  SLASH_STATUS,
  SLASH_STATUS_VALUE,
  WITHDRAWAL_NONCE_BITS,
  decodeWithdrawalId,
  isPaused,
  withdrawalId,
} from "../../sdk/views";

/** The members of `enum name { ... }` in the Solidity file `file` (relative to the repository), in order. */
function solidityEnum(file: string, name: string): string[] {
  const source = fs.readFileSync(path.resolve(__dirname, "..", "..", file), "utf8");
  const body = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(source);
  if (body === null) throw new Error(`${file} declares no enum ${name}`);
  return body[1]!
    .replace(/\/\/.*$/gm, "")
    .split(",")
    .map((member) => member.trim())
    .filter((member) => member !== "");
}

describe("sdk/views.ts: withdrawal ids", function () {
  const staker = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

  it("encodes (staker << 96) | nonce and decodes it back", function () {
    const id = withdrawalId(staker, 5n);
    expect(id).to.equal((BigInt(staker) << 96n) | 5n);
    expect(decodeWithdrawalId(id)).to.deep.equal({ staker, nonce: 5n });
    const last = (1n << WITHDRAWAL_NONCE_BITS) - 1n;
    expect(decodeWithdrawalId(withdrawalId(staker, last)).nonce).to.equal(last);
  });

  it("refuses a nonce out of range and an id beyond uint256", function () {
    expect(() => withdrawalId(staker, -1n)).to.throw(RangeError);
    expect(() => withdrawalId(staker, 1n << WITHDRAWAL_NONCE_BITS)).to.throw(RangeError);
    expect(() => decodeWithdrawalId(1n << 256n)).to.throw(RangeError);
  });
});

describe("sdk/views.ts: status names in the contracts' enum order", function () {
  it("SLASH_STATUS is ISlashingManagerTypes.SlashStatus, and SLASH_STATUS_VALUE its values", function () {
    const members = solidityEnum("contracts/interfaces/ISlashingManager.sol", "SlashStatus");
    expect([...SLASH_STATUS]).to.deep.equal(members);
    expect(Object.entries(SLASH_STATUS_VALUE)).to.deep.equal(members.map((m, i) => [m, BigInt(i)]));
    expect(SLASH_STATUS_VALUE.FundsReleased).to.equal(5n);
    expect(Object.isFrozen(SLASH_STATUS_VALUE)).to.equal(true);
  });

  it("LRT_REQUEST_STATUS is ILRTManagerTypes.RequestStatus, and LRT_REQUEST_STATUS_VALUE its values", function () {
    const members = solidityEnum("contracts/interfaces/ILRTManager.sol", "RequestStatus");
    expect([...LRT_REQUEST_STATUS]).to.deep.equal(members);
    expect(Object.entries(LRT_REQUEST_STATUS_VALUE)).to.deep.equal(members.map((m, i) => [m, BigInt(i)]));
    expect(LRT_REQUEST_STATUS_VALUE.Returned).to.equal(4n);
  });
});

/** The `uint8 public constant GROUP_<NAME> = <bit>;` declarations of the Solidity file `file`, as { NAME: bit }. */
function solidityGroups(file: string): Record<string, bigint> {
  const source = fs.readFileSync(path.resolve(__dirname, "..", "..", file), "utf8");
  const groups: Record<string, bigint> = {};
  for (const m of source.matchAll(/uint8\s+public\s+constant\s+GROUP_([A-Z_]+)\s*=\s*(\d+)\s*;/g)) {
    groups[m[1]!] = BigInt(m[2]!);
  }
  return groups;
}

describe("sdk/views.ts: pause groups", function () {
  const files: Record<keyof typeof PAUSE_GROUP, string> = {
    RestakingVault: "contracts/core/RestakingVault.sol",
    OperatorRegistry: "contracts/core/OperatorRegistry.sol",
    SlashingManager: "contracts/core/SlashingManager.sol",
    RewardDistributor: "contracts/core/RewardDistributor.sol",
    LRTManager: "contracts/lrt/LRTManager.sol",
    LRTOracle: "contracts/lrt/LRTOracle.sol",
  };

  for (const [name, file] of Object.entries(files) as Array<[keyof typeof PAUSE_GROUP, string]>) {
    it(`PAUSE_GROUP.${name} is ${file}'s GROUP_* constants, every one of them`, function () {
      expect({ ...PAUSE_GROUP[name] }).to.deep.equal(solidityGroups(file));
    });
  }

  it("isPaused reads one bit of the mask", function () {
    const mask = (1n << PAUSE_GROUP.LRTManager.CLAIMS) | (1n << PAUSE_GROUP.LRTManager.OPERATIONS);
    expect(Object.entries(PAUSE_GROUP.LRTManager).filter(([, bit]) => isPaused(mask, bit))).to.deep.equal([
      ["CLAIMS", 2n],
      ["OPERATIONS", 4n],
    ]);
    expect(isPaused(0n, 0n)).to.equal(false);
  });
});
