import { expect } from "chai";

import {
  AMOUNT_UNITS,
  AmountError,
  formatTokenAmount,
  parseAmount,
  parseTokenAmount,
  type AmountToken,
} from "../../sdk/amounts";

describe("sdk/amounts.ts: amounts with units", function () {
  const wstETH: AmountToken = { symbol: "wstETH", decimals: 18 };
  const USDC: AmountToken = { symbol: "USDC", decimals: 6 };
  const ether = { bareDecimals: 18 };
  const raw = { bareDecimals: 0 };

  /** The AmountError `parse` throws (fails the test when it throws nothing or something else). */
  function refusal(parse: () => unknown): string {
    try {
      parse();
    } catch (error) {
      expect(error).to.be.instanceOf(AmountError);
      return (error as AmountError).message;
    }
    expect.fail("parsed without an AmountError");
  }

  it("reads ether units in any letter case, and a bare number in the caller's decimals", function () {
    expect(parseAmount("10 ether", raw)).to.equal(10n * 10n ** 18n);
    expect(parseAmount("10 ETH", raw)).to.equal(10n * 10n ** 18n);
    expect(parseAmount("1000 gwei", raw)).to.equal(1000n * 10n ** 9n);
    expect(parseAmount("1000 GWei", raw)).to.equal(1000n * 10n ** 9n);
    expect(parseAmount("12 wei", ether)).to.equal(12n);
    expect(parseAmount("12", raw)).to.equal(12n);
    expect(parseAmount("12", ether)).to.equal(12n * 10n ** 18n);
    expect(parseAmount("2.5", { bareDecimals: 16 })).to.equal(25n * 10n ** 15n);
    expect(AMOUNT_UNITS).to.deep.equal({ wei: 0, gwei: 9, ether: 18, eth: 18 });
  });

  it("reads the smallest amounts exactly: 0, 1 wei, 0.000000000000000001 ether", function () {
    expect(parseAmount("0", ether)).to.equal(0n);
    expect(parseAmount("0 ether", raw)).to.equal(0n);
    expect(parseAmount("1 wei", ether)).to.equal(1n);
    expect(parseAmount("0.000000000000000001 ether", raw)).to.equal(1n);
    expect(parseAmount("0.000000001 gwei", raw)).to.equal(1n);
  });

  it("reads the token's own symbol (as the token spells it) in the token's decimals", function () {
    expect(parseAmount("2.5 wstETH", { bareDecimals: 0, token: wstETH })).to.equal(25n * 10n ** 17n);
    expect(parseTokenAmount("2.5 USDC", USDC)).to.equal(2_500_000n);
    expect(parseTokenAmount("2.5", USDC)).to.equal(2_500_000n);
    expect(parseTokenAmount("0.000001 USDC", USDC)).to.equal(1n);
    // An ether unit keeps its own decimals on a 6-decimal token: "5 wei" is 5 base units.
    expect(parseTokenAmount("5 wei", USDC)).to.equal(5n);
    expect(refusal(() => parseTokenAmount("2.5 usdc", USDC))).to.equal(
      '"2.5 usdc": unknown unit usdc (use wei, gwei, ether or USDC)',
    );
  });

  it("ignores white space around and between the number and the unit", function () {
    expect(parseAmount("  10 ether  ", raw)).to.equal(10n * 10n ** 18n);
    expect(parseAmount("10ether", raw)).to.equal(10n * 10n ** 18n);
    expect(parseAmount("\t2.5 \t wstETH\n", { bareDecimals: 0, token: wstETH })).to.equal(25n * 10n ** 17n);
    expect(parseTokenAmount(" 7 ", USDC)).to.equal(7_000_000n);
  });

  it("counts only significant decimals: trailing zeros beyond the unit's places are not an error", function () {
    expect(parseTokenAmount("1.5000000000", USDC)).to.equal(1_500_000n);
    expect(parseAmount("3.000 wei", raw)).to.equal(3n);
  });

  it("refuses more decimals than the unit has, saying how many were given and allowed", function () {
    expect(refusal(() => parseTokenAmount("0.0000001 USDC", USDC))).to.equal(
      '"0.0000001 USDC" has 7 decimals: USDC takes at most 6',
    );
    expect(refusal(() => parseTokenAmount("1.2345678", USDC))).to.equal(
      '"1.2345678" has 7 decimals: a bare number here takes at most 6',
    );
    expect(refusal(() => parseAmount("1.5 wei", raw))).to.equal(
      '"1.5 wei" has 1 decimal: wei takes at most 0',
    );
    expect(refusal(() => parseAmount("0.0000000001 gwei", raw))).to.equal(
      '"0.0000000001 gwei" has 10 decimals: gwei takes at most 9',
    );
    expect(refusal(() => parseAmount("0.0000000000000000001 ether", raw))).to.match(/has 19 decimals/);
  });

  it("refuses an empty text, a negative amount and what is not a number", function () {
    expect(refusal(() => parseAmount("", ether))).to.match(/^the amount is empty/);
    expect(refusal(() => parseAmount("   ", ether))).to.match(/^the amount is empty/);
    expect(refusal(() => parseAmount("-1", ether))).to.equal('"-1" is negative: an amount is 0 or more');
    expect(refusal(() => parseAmount(" -0.5 ether", ether))).to.match(/is negative/);
    for (const text of ["ten", ".5", "5.", "1,000", "1 000", "ether"]) {
      expect(
        refusal(() => parseAmount(text, ether)),
        text,
      ).to.equal(`"${text}" is not an amount (e.g. "10", "2.5 ether", "1000 gwei")`);
    }
  });

  it("refuses an exponent ('1e18'): write the digits or a unit", function () {
    for (const text of ["1e18", "1E18", "1.5e3 wei", "2e-3"]) {
      expect(
        refusal(() => parseAmount(text, raw)),
        text,
      ).to.equal(`"${text}": exponents are not read (write the digits, or a unit: "1 ether", "5 gwei")`);
    }
  });

  it("refuses an unknown unit and a symbol that is not the token's, listing what it reads", function () {
    expect(refusal(() => parseAmount("1 finney", raw))).to.equal(
      '"1 finney": unknown unit finney (use wei, gwei or ether)',
    );
    expect(refusal(() => parseTokenAmount("1 rETH", wstETH))).to.equal(
      '"1 rETH": unknown unit rETH (use wei, gwei, ether or wstETH)',
    );
    // Names of Object.prototype are not units.
    expect(refusal(() => parseAmount("1 constructor", raw))).to.match(/unknown unit constructor/);
    expect(refusal(() => parseAmount("1 toString", raw))).to.match(/unknown unit toString/);
  });

  it("parseTokenAmount refuses zero (nothing to move); parseAmount reads it", function () {
    expect(refusal(() => parseTokenAmount("0", USDC))).to.equal('the amount "0" is zero');
    expect(refusal(() => parseTokenAmount("0.0 USDC", USDC))).to.equal('the amount "0.0 USDC" is zero');
    expect(parseAmount("0.0 USDC", { bareDecimals: 0, token: USDC })).to.equal(0n);
  });

  it("formatTokenAmount writes base units back in the token's units, exactly, and parses back", function () {
    expect(formatTokenAmount(2_500_000n, USDC)).to.equal("2.5 USDC");
    expect(formatTokenAmount(1n, wstETH)).to.equal("0.000000000000000001 wstETH");
    expect(formatTokenAmount(100n * 10n ** 18n, wstETH)).to.equal("100.0 wstETH");
    for (const amount of [1n, 999_999n, 1_000_000n, 123_456_789_012n]) {
      expect(parseTokenAmount(formatTokenAmount(amount, USDC), USDC)).to.equal(amount);
    }
  });
});
