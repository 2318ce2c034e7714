/**
 * A deep copy of a driver's state (test/model/PropertyModel.test.ts): the property test runs its opening once, takes a
 * Hardhat snapshot of the chain, and starts every sequence from a copy of the driver as it was then, so that the model
 * and the chain start equal without replaying the opening.
 *
 * Plain data (objects with their prototypes, arrays, Maps, Sets, bigints) is copied, shared references and cycles
 * kept; the handles to the chain (contracts, signers, providers) and the objects `shared` names are shared, not copied.
 * A function among the data still closes over the original: it is kept only at the paths `closures` names (the caller
 * rebinds it on the copy), and refused anywhere else.
 */
import { AbstractProvider, AbstractSigner, BaseContract } from "ethers";
import { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

function isHandle(value: object): boolean {
  return (
    value instanceof BaseContract ||
    value instanceof AbstractSigner ||
    value instanceof HardhatEthersSigner ||
    value instanceof AbstractProvider
  );
}

export function cloneState<T>(
  root: T,
  shared: ReadonlySet<object> = new Set(),
  closures: ReadonlySet<string> = new Set(),
): T {
  const copies = new Map<object, unknown>();
  const copy = (value: unknown, path: string): unknown => {
    if (typeof value === "function") {
      if (closures.has(path)) return value;
      throw new Error(`cloneState: a function at ${path}`);
    }
    if (value === null || typeof value !== "object") return value;
    if (shared.has(value) || isHandle(value)) return value;
    const done = copies.get(value);
    if (done !== undefined) return done;
    if (value instanceof Map) {
      const m = new Map<unknown, unknown>();
      copies.set(value, m);
      for (const [k, v] of value) m.set(copy(k, `${path}.key`), copy(v, `${path}[${String(k)}]`));
      return m;
    }
    if (value instanceof Set) {
      const s = new Set<unknown>();
      copies.set(value, s);
      for (const v of value) s.add(copy(v, `${path}{}`));
      return s;
    }
    if (Array.isArray(value)) {
      const a: unknown[] = [];
      copies.set(value, a);
      value.forEach((v, i) => a.push(copy(v, `${path}[${i}]`)));
      return a;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (
      proto !== Object.prototype &&
      proto !== null &&
      !Object.prototype.hasOwnProperty.call(proto, "constructor")
    ) {
      throw new Error(`cloneState: an exotic object at ${path}`);
    }
    const o = Object.create(proto) as Record<PropertyKey, unknown>;
    copies.set(value, o);
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d === undefined) continue;
      if ("value" in d) d.value = copy(d.value, `${path}.${String(key)}`);
      Object.defineProperty(o, key, d);
    }
    return o;
  };
  return copy(root, "root") as T;
}
