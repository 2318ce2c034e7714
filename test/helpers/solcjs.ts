/**
 * Compiles a small test-only contract with the pinned solcjs (the same compiler and settings as hardhat.config.ts), for
 * helpers that must not add a contract to contracts/ (the model's batch reader, the attack tests' multicall account).
 */

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
}

const compiled = new Map<string, string>();

/** The creation bytecode of contract `name` in `source` (compiled once per name). */
export function compileTestContract(name: string, source: string): string {
  const cached = compiled.get(name);
  if (cached !== undefined) return cached;
  // The pinned solcjs has no type declarations; hardhat.config.ts loads it the same way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { compile(input: string): string };
  const file = `${name}.sol`;
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { [name]: ["evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length !== 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const object = output.contracts?.[file]?.[name]?.evm.bytecode.object;
  if (object === undefined || object === "") throw new Error(`${name}: no bytecode`);
  const bytecode = `0x${object}`;
  compiled.set(name, bytecode);
  return bytecode;
}
