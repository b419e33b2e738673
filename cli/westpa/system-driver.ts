/**
 * What a WESTPA system driver (west.cfg `west.system.driver: system.System`) sets in `initialize()`: the
 * progress coordinate's shape, a RectilinearBinMapper's boundaries and the bin target counts, read statically
 * (python-module.ts). Each is a value or the reason it could not be read, with its line.
 */
import { PythonModule } from './python-module.js';
import { dtypeName, elements, NdArray, PyObject, StaticEvalError, describe, toNumber, type PyValue } from './python-values.js';

export type SystemKey = 'pcoord_ndim' | 'pcoord_len' | 'pcoord_dtype' | 'bin_mapper' | 'bin_target_counts';

export type Reading<T> = { value: T; line: number } | { problem: string; line: number };

export interface SystemDriverReading {
  pcoord_ndim: Reading<number>;
  pcoord_len: Reading<number>;
  pcoord_dtype: Reading<'float32' | 'float64'>;
  bin_mapper: Reading<{ type: 'rectilinear'; boundaries: number[][] }>;
  bin_target_counts: Reading<number | number[]>;
}

/** `new RectilinearBinMapper(boundaries)`: one list of edges per dimension ('inf' strings allowed, as numpy reads them). */
function rectilinearBinMapper(args: { positional: PyValue[]; keywords: Record<string, PyValue> }, line: number): PyValue {
  const given = args.positional[0] ?? args.keywords.boundaries;
  if (given === undefined) throw new StaticEvalError(line, 'RectilinearBinMapper: missing boundaries');
  const boundaries = elements(given, line, 'RectilinearBinMapper boundaries').map((dim, d) =>
    elements(dim, line, `RectilinearBinMapper boundaries[${d}]`).map((edge) => {
      if (typeof edge === 'string' && /^[+-]?inf(inity)?$/i.test(edge.trim())) return edge.trim().startsWith('-') ? -Infinity : Infinity;
      return toNumber(edge, line, `RectilinearBinMapper boundaries[${d}]`);
    }),
  );
  const nbins = boundaries.reduce((product, edges) => product * Math.max(0, edges.length - 1), 1);
  return new PyObject('RectilinearBinMapper', { boundaries, nbins });
}

function integer(value: PyValue, line: number, what: string): number {
  const n = toNumber(value, line, what);
  if (!Number.isInteger(n)) throw new StaticEvalError(line, `${what}: expected an integer, found ${n}`);
  return n;
}

function read<T>(line: number | undefined, compute: () => T): Reading<T> {
  try {
    return { value: compute(), line: line ?? 0 };
  } catch (err) {
    if (err instanceof StaticEvalError) return { problem: err.message, line: err.line || (line ?? 0) };
    throw err;
  }
}

/** Reads `className.initialize()` of the module text. Throws StaticEvalError when the class is not there. */
export function readSystemDriver(text: string, className: string): SystemDriverReading {
  const module = PythonModule.parse(text, { RectilinearBinMapper: rectilinearBinMapper });
  if (!module.hasClass(className)) throw new StaticEvalError(0, `no class ${className} in it`);
  const self = module.selfAttributes(className, 'initialize');
  const attr = <T>(name: SystemKey, convert: (value: PyValue, line: number) => T): Reading<T> =>
    read(self.line(name), () => {
      if (!self.has(name)) throw new StaticEvalError(0, `${className}.initialize() never sets self.${name}`);
      return convert(self.get(name), self.line(name) ?? 0);
    });
  return {
    pcoord_ndim: attr('pcoord_ndim', (v, line) => integer(v, line, 'pcoord_ndim')),
    pcoord_len: attr('pcoord_len', (v, line) => integer(v, line, 'pcoord_len')),
    pcoord_dtype: attr('pcoord_dtype', (v, line) => {
      const dtype = dtypeName(v);
      if (dtype !== 'float32' && dtype !== 'float64') throw new StaticEvalError(line, `pcoord_dtype ${describe(v)}: we stores float32 or float64`);
      return dtype;
    }),
    bin_mapper: attr('bin_mapper', (v, line) => {
      if (!(v instanceof PyObject) || v.type !== 'RectilinearBinMapper') {
        throw new StaticEvalError(line, `self.bin_mapper is ${describe(v)}, not a RectilinearBinMapper`);
      }
      return { type: 'rectilinear' as const, boundaries: v.attrs.boundaries as number[][] };
    }),
    bin_target_counts: attr('bin_target_counts', (v, line) => {
      if (!Array.isArray(v) && !(v instanceof NdArray)) return integer(v, line, 'bin_target_counts');
      const counts = elements(v, line, 'bin_target_counts').map((c, i) => {
        if (c === null) throw new StaticEvalError(line, `bin_target_counts[${i}] is never set (numpy.empty without a fill)`);
        return integer(c, line, `bin_target_counts[${i}]`);
      });
      return counts.every((c) => c === counts[0]) && counts.length > 0 ? counts[0] : counts;
    }),
  };
}
