// Values as JavaScript source, for `sluice build`'s modules: the scope a compiled program
// receives by reference (rationals, Sets, Maps, typed arrays, plans, dispatch trees) printed
// as data. Strings, numbers and booleans go through `lit` (the single escaping path); object
// keys too. An object reached twice is printed once and shared, so identity is kept. Anything
// that is not plain data (a function, a class instance, a getter, a cycle) is an error.
import { lit } from './literal.js';

/** Source declaring the shared objects, and the expression of the value itself. */
export interface ValueSource {
  readonly declarations: readonly string[];
  readonly expression: string;
}

const TYPED_ARRAYS = new Map<unknown, string>([
  [Int8Array.prototype, 'Int8Array'],
  [Uint8Array.prototype, 'Uint8Array'],
  [Int16Array.prototype, 'Int16Array'],
  [Uint16Array.prototype, 'Uint16Array'],
  [Int32Array.prototype, 'Int32Array'],
  [Uint32Array.prototype, 'Uint32Array'],
  [Float32Array.prototype, 'Float32Array'],
  [Float64Array.prototype, 'Float64Array'],
  [BigInt64Array.prototype, 'BigInt64Array'],
  [BigUint64Array.prototype, 'BigUint64Array'],
]);

export class SerializeError extends Error {}

function fail(path: string, what: string): never {
  throw new SerializeError(`cannot build a module: ${path} is ${what}, not plain data`);
}

function describeObject(v: object): string {
  const proto: unknown = Object.getPrototypeOf(v);
  const ctor = proto && typeof proto === 'object' && 'constructor' in proto ? (proto.constructor as { name?: unknown }).name : undefined;
  return typeof ctor === 'string' && ctor ? `an instance of ${ctor}` : 'an object of an unknown kind';
}

function primitive(v: unknown, path: string): string {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return lit(v);
    case 'number':
      if (Object.is(v, -0)) return '-0';
      return Number.isFinite(v) ? lit(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    case 'bigint':
      return `${v}n`;
    case 'undefined':
      return 'undefined';
    case 'object':
      if (v === null) return 'null';
      break;
    default:
      return fail(path, `a ${typeof v}`);
  }
  return fail(path, 'an object');
}

/** Object keys: `__proto__` written as a computed key, which makes a property, never a prototype. */
function key(k: string): string {
  return k === '__proto__' ? `[${lit(k)}]` : lit(k);
}

class Printer {
  readonly declarations: string[] = [];
  private readonly uses = new Map<object, number>();
  private readonly names = new Map<object, string>();
  private readonly open = new Set<object>();

  /** Counts how often each object is reached, so the shared ones get a name. */
  count(v: unknown): void {
    if (typeof v !== 'object' || v === null) return;
    const n = this.uses.get(v) ?? 0;
    this.uses.set(v, n + 1);
    if (n > 0) return;
    for (const child of children(v)) this.count(child);
  }

  print(v: unknown, path: string): string {
    if (typeof v !== 'object' || v === null) return primitive(v, path);
    const name = this.names.get(v);
    if (name !== undefined) return name;
    if (this.open.has(v)) fail(path, 'part of a cycle');
    this.open.add(v);
    const expression = this.object(v, path);
    this.open.delete(v);
    if ((this.uses.get(v) ?? 0) < 2) return expression;
    const shared = `s${this.names.size}`;
    this.names.set(v, shared);
    this.declarations.push(`const ${shared} = ${expression};`);
    return shared;
  }

  private object(v: object, path: string): string {
    const proto: unknown = Object.getPrototypeOf(v);
    const typed = TYPED_ARRAYS.get(proto);
    if (typed !== undefined) return `new ${typed}([${this.list([...(v as Iterable<unknown>)], path)}])`;
    if (v instanceof Set && proto === Set.prototype) return `new Set([${this.list([...v], `${path}'s members`)}])`;
    if (v instanceof Map && proto === Map.prototype) return `new Map([${this.entries([...v], path)}])`;
    if (Array.isArray(v) && proto === Array.prototype) return this.frozen(v, `[${this.list(arrayItems(v, path), path)}]`);
    if (proto === Object.prototype || proto === null) return this.frozen(v, this.record(v, proto === null, path));
    return fail(path, describeObject(v));
  }

  private list(items: readonly unknown[], path: string): string {
    return items.map((x, i) => this.print(x, `${path}[${i}]`)).join(', ');
  }

  private entries(entries: readonly (readonly [unknown, unknown])[], path: string): string {
    return entries.map(([k, x], i) => `[${this.print(k, `${path}'s key ${i}`)}, ${this.print(x, `${path}.get(${String(k)})`)}]`).join(', ');
  }

  private record(v: object, nullProto: boolean, path: string): string {
    const props = Reflect.ownKeys(v).map((k) => {
      if (typeof k === 'symbol') return fail(path, 'an object with a symbol key');
      const d = Object.getOwnPropertyDescriptor(v, k)!;
      if (!('value' in d) || !d.enumerable) fail(`${path}.${k}`, 'an accessor or hidden property');
      return `${key(k)}: ${this.print(d.value, `${path}.${k}`)}`;
    });
    return `{ ${[...(nullProto ? ['__proto__: null'] : []), ...props].join(', ')} }`;
  }

  private frozen(v: object, expression: string): string {
    return Object.isFrozen(v) ? `Object.freeze(${expression})` : expression;
  }
}

function arrayItems(v: readonly unknown[], path: string): readonly unknown[] {
  const keys = Reflect.ownKeys(v);
  if (keys.length !== v.length + 1) fail(path, 'an array with holes or extra properties');
  return v;
}

function children(v: object): Iterable<unknown> {
  if (v instanceof Map) return [...v].flat();
  if (v instanceof Set || TYPED_ARRAYS.has(Object.getPrototypeOf(v))) return v as Iterable<unknown>;
  return Reflect.ownKeys(v).flatMap((k) => {
    const d = Object.getOwnPropertyDescriptor(v, k);
    return d && 'value' in d ? [d.value] : [];
  });
}

/** The value as source: `declarations` (shared objects, in dependency order), then `expression`. */
export function valueSource(value: unknown, name = 'value'): ValueSource {
  const printer = new Printer();
  printer.count(value);
  const expression = printer.print(value, name);
  return { declarations: printer.declarations, expression };
}
