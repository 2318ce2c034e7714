/**
 * Keeps the code of docs/integration.md identical to the files the consumer test compiles (examples/integration/).
 *
 * In the doc, a marker line `<!-- snippet: examples/integration/wallet.ts#withdraw -->` is followed by a ```ts fence
 * holding region `withdraw` of that file: the lines between `// #region withdraw` and `// #endregion withdraw`.
 * `npm run docs:integration` rewrites every fence from its region; test/package/integration-doc.test.ts fails when
 * the doc and the files disagree, or when a region of examples/integration/ is quoted nowhere.
 */
import fs from "fs";
import path from "path";

export const DOC = "docs/integration.md";
export const SNIPPETS_DIR = "examples/integration";

const MARKER = /^<!-- snippet: (\S+?)#([\w-]+) -->$/;

/** Region `name` of `text` (the file `file`): the lines between its #region and #endregion comments. */
export function region(text: string, file: string, name: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  const end = lines.findIndex((l) => l.trim() === `// #endregion ${name}`);
  if (start < 0 || end < start)
    throw new Error(`${file} has no region "${name}" (// #region ${name} ... // #endregion ${name})`);
  return lines.slice(start + 1, end).join("\n");
}

/** Every region name of `text`, in order. */
export function regionNames(text: string): string[] {
  return [...text.matchAll(/^\s*\/\/ #region ([\w-]+)\s*$/gm)].map((m) => m[1]);
}

/**
 * `doc` with the fence after each marker replaced by the region it names (files read from `root`), and the list of
 * `file#region` it quotes.
 */
export function renderDoc(doc: string, root: string): { text: string; quoted: string[] } {
  const lines = doc.split("\n");
  const out: string[] = [];
  const quoted: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const marker = MARKER.exec(lines[i]);
    if (marker === null) continue;
    const [, file, name] = marker;
    if (lines[i + 1] !== "```ts")
      throw new Error(`${DOC}:${i + 2}: a \`\`\`ts fence must follow the marker of ${file}#${name}`);
    const close = lines.indexOf("```", i + 2);
    if (close < 0) throw new Error(`${DOC}:${i + 2}: the fence of ${file}#${name} is not closed`);
    out.push("```ts", region(fs.readFileSync(path.join(root, file), "utf8"), file, name), "```");
    quoted.push(`${file}#${name}`);
    i = close;
  }
  return { text: out.join("\n"), quoted };
}

/** Every `file#region` of the snippet files under `root`. */
export function allRegions(root: string): string[] {
  const dir = path.join(root, SNIPPETS_DIR);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .flatMap((f) =>
      regionNames(fs.readFileSync(path.join(dir, f), "utf8")).map((r) => `${SNIPPETS_DIR}/${f}#${r}`),
    );
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const file = path.join(root, DOC);
  const { text } = renderDoc(fs.readFileSync(file, "utf8"), root);
  fs.writeFileSync(file, text);
  console.log(`${DOC}: snippets rewritten from ${SNIPPETS_DIR}/`);
}
