import { expect } from "chai";

import { WITHDRAWAL_NONCE_BITS, decodeWithdrawalId, withdrawalId } from "../../sdk/views";

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
