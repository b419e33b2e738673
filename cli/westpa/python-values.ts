/**
 * The Python values a WESTPA `system.py` builds its progress coordinate and bins from, as the static reader
 * (python-module.ts) models them, and the numpy, math and builtin functions it can evaluate without running
 * any Python. Anything else is a StaticEvalError naming the line, so that `we import` can say what to port.
 */
import { arange, linspace } from './numpy-ranges.js';

/** A module, function, class or constant known only by its qualified name, e.g. `numpy.float32`. */
export class PyRef {
  constructor(readonly name: string) {}
}

/** A one-dimensional numpy array (arithmetic is elementwise, unlike a list's). */
export class NdArray {
  constructor(
    readonly values: readonly PyValue[],
    readonly dtype: string,
  ) {}
}

/** An object a known constructor made, e.g. a RectilinearBinMapper, with the attributes that matter here. */
export class PyObject {
  constructor(
    readonly type: string,
    readonly attrs: Readonly<Record<string, PyValue>>,
  ) {}
}

export const ELLIPSIS = Symbol('...');

export type PyValue = number | string | boolean | null | PyValue[] | NdArray | PyRef | PyObject | typeof ELLIPSIS;

export class StaticEvalError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CallArgs {
  positional: PyValue[];
  keywords: Record<string, PyValue>;
}

/** Evaluates a call of a known function; `line` locates errors. */
export type PyFunction = (args: CallArgs, line: number) => PyValue;

export function describe(value: PyValue): string {
  if (value === null) return 'None';
  if (value === ELLIPSIS) return '...';
  if (value instanceof PyRef) return value.name;
  if (value instanceof PyObject) return `a ${value.type}`;
  if (value instanceof NdArray) return `a numpy array of ${value.values.length}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === 'string' ? `'${value}'` : String(value);
}

export function toNumber(value: PyValue, line: number, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  if (value instanceof PyRef && CONSTANTS[value.name] !== undefined) return CONSTANTS[value.name];
  throw new StaticEvalError(line, `${what}: expected a number, found ${describe(value)}`);
}

/** The elements of a list, tuple or array. */
export function elements(value: PyValue, line: number, what: string): readonly PyValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof NdArray) return value.values;
  throw new StaticEvalError(line, `${what}: expected a list or array, found ${describe(value)}`);
}

/** numpy's float dtypes by the names a system.py uses for them. */
const DTYPES: Record<string, string> = {
  'numpy.float32': 'float32',
  'numpy.single': 'float32',
  'numpy.float64': 'float64',
  'numpy.double': 'float64',
  'numpy.float_': 'float64',
  'builtins.float': 'float64',
  float32: 'float32',
  float64: 'float64',
  'numpy.int_': 'int64',
  'numpy.int64': 'int64',
  'numpy.int32': 'int32',
  'numpy.uint': 'uint64',
  'builtins.int': 'int64',
};

/** The dtype a value names (numpy.float32, 'float32', float), or undefined. */
export function dtypeName(value: PyValue): string | undefined {
  if (value instanceof PyRef) return DTYPES[value.name];
  return typeof value === 'string' ? DTYPES[value] : undefined;
}

const CONSTANTS: Record<string, number> = {
  'numpy.inf': Infinity,
  'numpy.Inf': Infinity,
  'numpy.infty': Infinity,
  'numpy.pi': Math.PI,
  'numpy.e': Math.E,
  'numpy.nan': NaN,
  'math.inf': Infinity,
  'math.pi': Math.PI,
  'math.e': Math.E,
  'math.nan': NaN,
};

/** A constant a reference names (numpy.inf), or the reference itself. */
export function resolveConstant(ref: PyRef): PyValue {
  return CONSTANTS[ref.name] ?? ref;
}

function argument(args: CallArgs, index: number, keyword: string, fallback?: PyValue): PyValue | undefined {
  return args.positional[index] ?? args.keywords[keyword] ?? fallback;
}

function required(args: CallArgs, index: number, keyword: string, fn: string, line: number): PyValue {
  const value = argument(args, index, keyword);
  if (value === undefined) throw new StaticEvalError(line, `${fn}: missing argument ${keyword}`);
  return value;
}

function onlyKeywords(args: CallArgs, allowed: string[], fn: string, line: number): void {
  const extra = Object.keys(args.keywords).filter((k) => !allowed.includes(k));
  if (extra.length) throw new StaticEvalError(line, `${fn}: keyword argument ${extra[0]} is not understood`);
}

function pyFloat(value: PyValue, line: number): number {
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (/^[+-]?(inf|infinity)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(text)) return NaN;
    const n = Number(text);
    if (text === '' || Number.isNaN(n)) throw new StaticEvalError(line, `float(): cannot read '${value}' as a number`);
    return n;
  }
  return toNumber(value, line, 'float()');
}

/** numpy arrays of a float dtype hold values rounded to it; strings such as 'inf' are parsed, as numpy does. */
function toArray(value: PyValue, dtype: string | undefined, line: number): NdArray | PyValue[] {
  const items = elements(value, line, 'numpy.array()');
  if (items.some((x) => Array.isArray(x) || x instanceof NdArray)) return items.map((row) => toArray(row, dtype, line) as NdArray);
  const kind = dtype ?? (value instanceof NdArray ? value.dtype : 'float64');
  const numbers = items.map((x) => pyFloat(x, line));
  return new NdArray(kind === 'float32' ? numbers.map(Math.fround) : numbers, kind);
}

function shapeLength(shape: PyValue, fn: string, line: number): number {
  const dims = typeof shape === 'number' ? [shape] : elements(shape, line, `${fn} shape`);
  if (dims.length !== 1) throw new StaticEvalError(line, `${fn}: only one-dimensional shapes are understood`);
  const n = toNumber(dims[0], line, `${fn} shape`);
  if (!Number.isSafeInteger(n) || n < 0) throw new StaticEvalError(line, `${fn}: shape ${n} is not a size`);
  return n;
}

function filled(fn: string, fill: (args: CallArgs, line: number) => PyValue): PyFunction {
  return (args, line) => {
    onlyKeywords(args, ['shape', 'dtype', 'fill_value'], fn, line);
    const n = shapeLength(required(args, 0, 'shape', fn, line), fn, line);
    const dtype = dtypeName(argument(args, fn === 'numpy.full' ? 2 : 1, 'dtype') ?? 'float64') ?? 'float64';
    return new NdArray(new Array<PyValue>(n).fill(fill(args, line)), dtype);
  };
}

function rangeArgs(args: CallArgs, fn: string, line: number): [number, number, number] {
  const numbers = args.positional.map((x, i) => toNumber(x, line, `${fn} argument ${i + 1}`));
  const step = args.keywords.step === undefined ? undefined : toNumber(args.keywords.step, line, `${fn} step`);
  if (numbers.length === 1) return [0, numbers[0], step ?? 1];
  if (numbers.length === 2) return [numbers[0], numbers[1], step ?? 1];
  if (numbers.length === 3 && step === undefined) return [numbers[0], numbers[1], numbers[2]];
  throw new StaticEvalError(line, `${fn}: expected (stop), (start, stop) or (start, stop, step)`);
}

function wrapRangeError<T>(fn: () => T, line: number): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new StaticEvalError(line, err.message);
    throw err;
  }
}

/** The functions that can be evaluated statically, by qualified name. */
export const FUNCTIONS: Record<string, PyFunction> = {
  'builtins.float': (args, line) => (args.positional.length === 0 ? 0 : pyFloat(args.positional[0], line)),
  'builtins.int': (args, line) => Math.trunc(pyFloat(required(args, 0, 'x', 'int()', line), line)),
  'builtins.list': (args, line) => [...elements(required(args, 0, 'iterable', 'list()', line), line, 'list()')],
  'builtins.tuple': (args, line) => [...elements(required(args, 0, 'iterable', 'tuple()', line), line, 'tuple()')],
  'builtins.len': (args, line) => elements(required(args, 0, 'obj', 'len()', line), line, 'len()').length,
  'builtins.range': (args, line) => {
    const [start, stop, step] = rangeArgs(args, 'range()', line);
    if (![start, stop, step].every(Number.isInteger)) throw new StaticEvalError(line, 'range(): expected integers');
    return wrapRangeError(() => arange(start, stop, step), line);
  },
  'numpy.arange': (args, line) => {
    onlyKeywords(args, ['step'], 'numpy.arange', line);
    const [start, stop, step] = rangeArgs(args, 'numpy.arange', line);
    const integral = [start, stop, step].every(Number.isInteger);
    return new NdArray(wrapRangeError(() => arange(start, stop, step), line), integral ? 'int64' : 'float64');
  },
  'numpy.linspace': (args, line) => {
    onlyKeywords(args, ['start', 'stop', 'num', 'endpoint'], 'numpy.linspace', line);
    const start = toNumber(required(args, 0, 'start', 'numpy.linspace', line), line, 'numpy.linspace start');
    const stop = toNumber(required(args, 1, 'stop', 'numpy.linspace', line), line, 'numpy.linspace stop');
    const num = toNumber(argument(args, 2, 'num', 50) as PyValue, line, 'numpy.linspace num');
    const endpoint = argument(args, 3, 'endpoint', true);
    if (typeof endpoint !== 'boolean') throw new StaticEvalError(line, 'numpy.linspace: endpoint must be True or False');
    return new NdArray(wrapRangeError(() => linspace(start, stop, num, endpoint), line), 'float64');
  },
  'numpy.array': (args, line) => {
    onlyKeywords(args, ['object', 'dtype'], 'numpy.array', line);
    const dtype = argument(args, 1, 'dtype');
    return toArray(required(args, 0, 'object', 'numpy.array', line), dtype === undefined ? undefined : dtypeName(dtype), line);
  },
  'numpy.concatenate': (args, line) => {
    const parts = elements(required(args, 0, 'arrays', 'numpy.concatenate', line), line, 'numpy.concatenate');
    return new NdArray(parts.flatMap((p) => elements(p, line, 'numpy.concatenate')), 'float64');
  },
  'numpy.empty': filled('numpy.empty', () => null),
  'numpy.zeros': filled('numpy.zeros', () => 0),
  'numpy.ones': filled('numpy.ones', () => 1),
  'numpy.full': filled('numpy.full', (args, line) => toNumber(required(args, 1, 'fill_value', 'numpy.full', line), line, 'numpy.full')),
};
FUNCTIONS['numpy.asarray'] = FUNCTIONS['numpy.array'];
FUNCTIONS['numpy.hstack'] = FUNCTIONS['numpy.concatenate'];
