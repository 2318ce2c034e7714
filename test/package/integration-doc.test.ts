/**
 * docs/integration.md quotes the files the consumer test compiles (examples/integration/): every TypeScript block after
 * a `<!-- snippet: file#region -->` marker must be that region verbatim, and every region must be quoted (see
 * scripts/integration-doc.ts; `npm run docs:integration` rewrites the blocks from the files).
 */
import fs from "fs";
import path from "path";
import { expect } from "chai";

import { DOC, allRegions, region, regionNames, renderDoc } from "../../scripts/integration-doc";

const ROOT = path.resolve(__dirname, "..", "..");

describe("docs/integration.md and examples/integration/", function () {
  const doc = fs.readFileSync(path.join(ROOT, DOC), "utf8");

  it("quotes each region verbatim (run `npm run docs:integration` after editing a snippet)", function () {
    const { text } = renderDoc(doc, ROOT);
    const docLines = doc.split("\n");
    const expected = text.split("\n");
    const first = expected.findIndex((line, i) => line !== docLines[i]);
    expect(
      first,
      `${DOC}:${first + 1} differs from its snippet: "${docLines[first]}" vs "${expected[first]}"`,
    ).to.equal(-1);
    expect(docLines.length).to.equal(expected.length);
  });

  it("quotes every region of every snippet file, each once", function () {
    const { quoted } = renderDoc(doc, ROOT);
    expect([...quoted].sort()).to.deep.equal([...allRegions(ROOT)].sort());
    expect(new Set(quoted).size).to.equal(quoted.length);
  });

  it("covers the four integrators the issue names", function () {
    for (const heading of ["## A wallet or app", "## An AMM", "## A money market", "## An AVS team"]) {
      expect(doc.split("\n"), heading).to.include(heading);
    }
  });

  it("notices a block that drifted from its file", function () {
    const drifted = doc.replace(
      "await vault.deposit(asset, amount, quoted)",
      "await vault.deposit(asset, amount, 0n)",
    );
    expect(drifted).to.not.equal(doc);
    expect(renderDoc(drifted, ROOT).text).to.not.equal(drifted);
    const file = "export const a = 1;\n// #region r\nconst b = 2;\n// #endregion r\n";
    expect(region(file, "f.ts", "r")).to.equal("const b = 2;");
    expect(regionNames(file)).to.deep.equal(["r"]);
    expect(() => region(file, "f.ts", "missing")).to.throw('f.ts has no region "missing"');
  });
});
