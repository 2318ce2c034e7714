/**
 * Where the property test's time goes (`npm run fuzz -- --profile`, FUZZ_PROFILE=1): the JSON-RPC requests to the
 * Hardhat network by method (count and time) and the driver's phases (the chain read, the comparison, the invariants,
 * the LRT's check), summed over the run. Off by default: `phase` then only runs its function.
 */
import { network } from "hardhat";

type Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;
type Send = (method: string, params?: unknown[]) => Promise<unknown>;

interface Tally {
  count: number;
  ms: number;
}

class Profiler {
  readonly enabled = process.env.FUZZ_PROFILE !== undefined && process.env.FUZZ_PROFILE !== "";
  private readonly rpc = new Map<string, Tally>();
  private readonly phases = new Map<string, Tally>();
  private installed = false;

  private static add(map: Map<string, Tally>, key: string, ms: number): void {
    const t = map.get(key) ?? { count: 0, ms: 0 };
    t.count++;
    t.ms += ms;
    map.set(key, t);
  }

  /** Times every JSON-RPC request of the Hardhat network provider (the one ethers and the helpers use). */
  install(): void {
    if (!this.enabled || this.installed) return;
    this.installed = true;
    const provider = network.provider as unknown as { request: Request; send: Send };
    const request = provider.request.bind(provider);
    const send = provider.send.bind(provider);
    const timed = async (method: string, run: () => Promise<unknown>): Promise<unknown> => {
      const t0 = performance.now();
      try {
        return await run();
      } finally {
        Profiler.add(this.rpc, method, performance.now() - t0);
      }
    };
    provider.request = (args) => timed(args.method, () => request(args));
    provider.send = (method, params) => timed(method, () => send(method, params));
  }

  /** Runs `fn`, adding its time to the phase `name` when profiling. */
  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.enabled) return fn();
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      Profiler.add(this.phases, name, performance.now() - t0);
    }
  }

  /** Runs `fn` (synchronous), adding its time to the phase `name` when profiling. */
  phaseSync<T>(name: string, fn: () => T): T {
    if (!this.enabled) return fn();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      Profiler.add(this.phases, name, performance.now() - t0);
    }
  }

  /** Forgets what was counted so far (the opening). */
  reset(): void {
    this.rpc.clear();
    this.phases.clear();
  }

  /** The tallies, slowest first, over `units` (commands and final reads). */
  report(units: number): string {
    const lines = (title: string, map: Map<string, Tally>): string[] => [
      title,
      ...[...map]
        .sort(([, a], [, b]) => b.ms - a.ms)
        .map(
          ([k, t]) =>
            `  ${k}: ${t.count} in ${(t.ms / 1000).toFixed(1)} s (${(t.ms / Math.max(units, 1)).toFixed(1)} ms per command)`,
        ),
    ];
    return [
      ...lines("JSON-RPC requests:", this.rpc),
      ...lines("driver phases (nested in the requests above):", this.phases),
    ].join("\n");
  }
}

/** The run's profiler (one per process: the drivers are copied per sequence, the profiler is not). */
export const profile = new Profiler();
