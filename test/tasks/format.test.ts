import { expect } from "chai";

import { PROTOCOL_ERRORS, decodeProtocolError } from "../../sdk/errors";
import { WAD } from "../../sdk/views";
import {
  addressBook,
  formatAmount,
  formatBps,
  formatDuration,
  formatError,
  formatTime,
  formatWadPercent,
  labelOf,
  showAmount,
} from "../../tasks/format";

describe("tasks/format.ts: console formatting", function () {
  it("formatAmount: exact when short, at most 6 decimals otherwise, no 18-decimal dust", function () {
    expect(formatAmount(12n * WAD + WAD / 2n, "stETH")).to.equal("12.5 stETH");
    expect(formatAmount(100n * WAD)).to.equal("100");
    expect(formatAmount(0n, "RWD")).to.equal("0 RWD");
    expect(formatAmount(123_456n * 10n ** 12n)).to.equal("0.123456");
    expect(formatAmount(WAD / 3n)).to.equal("0.333333");
    expect(formatAmount((2n * WAD) / 3n)).to.equal("0.666667");
    expect(formatAmount(90n * WAD + 347_222_222_222_222n)).to.equal("90.000347");
    expect(formatAmount(WAD - 1n)).to.equal("1");
    expect(formatAmount(-WAD / 4n)).to.equal("-0.25");
  });

  it("formatAmount: below one unit it keeps 6 significant digits, so dust stays visible", function () {
    expect(formatAmount(3n)).to.equal("0.000000000000000003");
    expect(formatAmount(1_234_567n)).to.equal("0.00000000000123457");
    expect(formatAmount(1_500_000n, "USDC", 6)).to.equal("1.5 USDC");
    expect(formatAmount(7n, "WBTC", 0)).to.equal("7 WBTC");
  });

  it("percentages, durations and times", function () {
    expect(formatWadPercent(WAD / 2n)).to.equal("50%");
    expect(formatWadPercent(WAD / 3n)).to.equal("33.333333%");
    expect(formatBps(1_000n)).to.equal("10%");
    expect(formatBps(5)).to.equal("0.05%");
    expect(formatDuration(7n * 86_400n)).to.equal("7d 0h");
    expect(formatDuration(2n * 86_400n - 1n)).to.equal("1d 23h 59m 59s");
    expect(formatDuration(-5n)).to.equal("0d 0h");
    expect(formatTime(1_796_880_805n)).to.equal("2026-12-10 05:33:25 UTC");
  });

  it("showAmount keeps the token units and the base units", function () {
    expect(showAmount(25n * 10n ** 17n, { symbol: "wstETH", decimals: 18 })).to.equal(
      "2.5 wstETH (2500000000000000000 base units)",
    );
    expect(showAmount(100n * WAD, { symbol: "wstETH", decimals: 18 })).to.equal(
      `100.0 wstETH (${100n * WAD} base units)`,
    );
  });

  it("labels and decoded errors: addresses by name, times as dates, amounts exactly", function () {
    const op1 = "0x00000000000000000000000000000000000000A1";
    const book = addressBook([["op1", op1]]);
    expect(labelOf(op1.toLowerCase(), book)).to.equal("op1");
    expect(labelOf("0x0000000000000000000000000000000000000000", book)).to.equal("undelegated");
    expect(labelOf("0x1234567890123456789012345678901234567890", book)).to.equal("0x1234…7890");
    const below = decodeProtocolError(
      PROTOCOL_ERRORS.encodeErrorResult("AssetsBelowMinimum", [9n * WAD, 9n * WAD + 1n]),
    );
    expect(formatError(below!, book)).to.equal("AssetsBelowMinimum(9, 9.000000000000000001)");
    const gated = decodeProtocolError(
      PROTOCOL_ERRORS.encodeErrorResult("PoolGated", [op1, op1, 1_796_880_805n]),
    );
    expect(formatError(gated!, book)).to.equal("PoolGated(op1, op1, 2026-12-10 05:33:25 UTC)");
  });
});
