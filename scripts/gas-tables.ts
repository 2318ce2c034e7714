/**
 * Rewrites the gas tables in docs/ from reports/gas.json (written by `npm run bench`) and the gas targets.
 * A table sits between `<!-- gas-table:SEL -->` and `<!-- /gas-table -->`, where SEL is `all` or a comma-separated
 * list of key prefixes (`vault,registry`) or exact keys. Targets are read from GAS_TARGETS, or ../shared/gas-targets.json.
 *
 * Usage: npx ts-node scripts/gas-tables.ts   (or: npm run gas:tables)
 */
import fs from "fs";
import path from "path";

type Figures = Record<string, number>;

const root = path.resolve(__dirname, "..");
const readJson = (file: string): Figures => JSON.parse(fs.readFileSync(file, "utf8")) as Figures;

const figures = readJson(path.join(root, "reports/gas.json"));
const targetsFile = process.env.GAS_TARGETS ?? path.join(root, "../shared/gas-targets.json");
const targets: Figures = fs.existsSync(targetsFile) ? readJson(targetsFile) : {};

const fmt = (n: number): string => n.toLocaleString("en-US");

function verdict(gas: number, target: number | undefined): string {
  if (target === undefined) return "no target";
  const diff = gas - target;
  const pct = ((diff / target) * 100).toFixed(1);
  return diff > 0 ? `**over by ${fmt(diff)} (+${pct}%)**` : `under by ${fmt(-diff)} (${pct}%)`;
}

function table(selector: string): string {
  const parts = selector.split(",").map((s) => s.trim());
  const keys = Object.keys(figures)
    .filter((k) => selector === "all" || parts.some((p) => k === p || k.startsWith(`${p}.`)))
    .sort();
  const rows = keys.map(
    (k) =>
      `| \`${k}\` | ${fmt(figures[k])} | ${targets[k] === undefined ? "—" : fmt(targets[k])} | ${verdict(figures[k], targets[k])} |`,
  );
  return [
    "| operation | measured gas | target gas | against target |",
    "| --- | ---: | ---: | --- |",
    ...rows,
  ].join("\n");
}

for (const file of fs.readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md"))) {
  const full = path.join(root, "docs", file);
  const text = fs.readFileSync(full, "utf8");
  const next = text.replace(
    /<!-- gas-table:([^>]+?) -->\n[\s\S]*?<!-- \/gas-table -->/g,
    (_m, sel: string) => `<!-- gas-table:${sel} -->\n${table(sel)}\n<!-- /gas-table -->`,
  );
  if (next !== text) {
    fs.writeFileSync(full, next);
    console.log(`updated ${path.relative(root, full)}`);
  }
}
