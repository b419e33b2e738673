/**
 * west.cfg's system (`west.system.system_options`, or the system driver's `initialize()` in system.py read
 * statically) → we.yaml's `pcoord` and `binning`. system_options win over the driver, as in WESTPA.
 */
import { readFileSync } from 'node:fs';
import { failureReason } from '../../core/errors.js';
import { findModule, fromCfg, note, type Conversion } from './conversion.js';
import { PythonModule } from './python-module.js';
import { dtypeName, elements, PyRef, StaticEvalError, toNumber } from './python-values.js';
import { readSystemDriver, type Reading, type SystemDriverReading, type SystemKey } from './system-driver.js';
import type { Path } from './west-cfg.js';

/** Drivers that take everything from system_options. */
const GENERIC_DRIVERS = new Set(['west.WESTSystem', 'westpa.WESTSystem', 'westpa.core.systems.WESTSystem', 'westpa.systems.WESTSystem']);

const SYSTEM: Path = ['west', 'system'];
const OPTIONS: Path = [...SYSTEM, 'system_options'];

export interface SystemPart {
  pcoord: { ndim?: number; len?: number; dtype?: 'float32' | 'float64' };
  binning: { mapper?: unknown; target_counts?: number | number[] };
}

interface Driver {
  shown: string;
  className: string;
  reading: SystemDriverReading;
}

/** Where in we.yaml each system value goes, for the messages that say what to port. */
const TARGET: Record<SystemKey, string> = {
  pcoord_ndim: 'pcoord.ndim',
  pcoord_len: 'pcoord.len',
  pcoord_dtype: 'pcoord.dtype',
  bin_mapper: 'binning.mapper',
  bin_target_counts: 'binning.target_counts',
};

function readDriver(c: Conversion): Driver | undefined {
  const driver = c.cfg.take([...SYSTEM, 'driver']);
  if (typeof driver !== 'string' || GENERIC_DRIVERS.has(driver)) return undefined;
  const dot = driver.lastIndexOf('.');
  const className = driver.slice(dot + 1);
  const where = c.cfg.where([...SYSTEM, 'driver']);
  const found = findModule(c, driver.slice(0, dot));
  if (!found) {
    note(c, { where, key: 'west.system.driver', message: `cannot find ${driver.slice(0, dot)}.py: port its progress coordinate and bins to we.yaml (pcoord, binning)` });
    return undefined;
  }
  const { file, shown } = found;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    note(c, { where, key: 'west.system.driver', message: `cannot read ${shown} (${failureReason(err)}): port its progress coordinate and bins to we.yaml (pcoord, binning)` });
    return undefined;
  }
  try {
    return { shown, className, reading: readSystemDriver(text, className) };
  } catch (err) {
    if (!(err instanceof StaticEvalError)) throw err;
    note(c, { where, key: 'west.system.driver', message: `${shown}: ${err.message}: port its progress coordinate and bins to we.yaml (pcoord, binning)` });
    return undefined;
  }
}

/** The value from system_options when given there, else from the driver; reports what neither gives. */
function pick<T>(c: Conversion, driver: Driver | undefined, key: SystemKey, fromOptions: () => T | undefined): T | undefined {
  if (c.cfg.has([...OPTIONS, key === 'bin_mapper' ? 'bins' : key])) {
    const value = fromOptions();
    if (value !== undefined) fromCfg(c, TARGET[key], [...OPTIONS, key === 'bin_mapper' ? 'bins' : key]);
    return value;
  }
  const reading: Reading<T> | undefined = driver?.reading[key] as Reading<T> | undefined;
  if (reading && 'value' in reading) {
    c.origin.set(TARGET[key], `${driver!.shown}:${reading.line} ${driver!.className}.initialize: self.${key}`);
    return reading.value;
  }
  if (reading) {
    note(c, {
      where: `${driver!.shown}:${reading.line}`,
      key: `${driver!.className}.initialize: self.${key}`,
      message: `${reading.problem}: port it to we.yaml ${TARGET[key]}`,
    });
  } else if (key !== 'pcoord_dtype') {
    // (Without a dtype WESTPA's systems use float32, as we.yaml does.)
    note(c, { where: c.cfg.where(SYSTEM), key: `west.system.system_options.${key}`, message: `not given: set we.yaml ${TARGET[key]}` });
  }
  return undefined;
}

function integerOption(c: Conversion, path: Path, what: string): number | undefined {
  const value = c.cfg.take(path);
  if (Number.isInteger(value)) return value as number;
  c.cfg.leave(path, `expected an integer ${what}, found ${JSON.stringify(value)}: set it in we.yaml`);
  return undefined;
}

/** A bin edge as WESTPA reads it from west.cfg: a number, or a string such as 'inf' that float() reads. */
function edge(value: unknown, where: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (/^[+-]?inf(inity)?$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  }
  throw new StaticEvalError(0, `${where}: expected a number or 'inf', found ${JSON.stringify(value)}`);
}

/** WESTPA's bins_from_yaml_dict → a we.yaml binning.mapper, or undefined (reported) when it has no equivalent. */
export function convertMapper(c: Conversion, path: Path): unknown {
  const type = c.cfg.take([...path, 'type']);
  const here = path.join('.');
  try {
    switch (type) {
      case 'RectilinearBinMapper': {
        const dims = c.cfg.take([...path, 'boundaries']);
        if (!Array.isArray(dims)) throw new StaticEvalError(0, `${here}.boundaries: expected a list with one list of edges per dimension`);
        const boundaries = dims.map((dim: unknown, d) => {
          // A string is a Python expression, as WESTPA's parsePCV evaluates it (e.g. 'numpy.arange(0, 10, 0.5)').
          const edges = typeof dim === 'string' ? elements(PythonModule.evaluateExpression(dim), 0, `${here}.boundaries[${d}]`) : dim;
          if (!Array.isArray(edges)) throw new StaticEvalError(0, `${here}.boundaries[${d}]: expected a list of edges`);
          return edges.map((e: unknown) => edge(e instanceof PyRef ? toNumber(e, 0, 'edge') : e, `${here}.boundaries[${d}]`));
        });
        return { type: 'rectilinear', boundaries };
      }
      case 'RecursiveBinMapper': {
        const basePath = c.cfg.has([...path, 'base']) ? [...path, 'base'] : [...path, 'base_mapper'];
        const outer = convertMapper(c, basePath);
        c.cfg.leave([...path, 'start_index'], 'not carried: bins are numbered by the outer mapper first');
        const mappers = c.cfg.get([...path, 'mappers']);
        const inner = (Array.isArray(mappers) ? mappers : []).map((_, i) => {
          const child: Path = [...path, 'mappers', i];
          const at = c.cfg.take([...child, 'replaces_bin_at']) ?? c.cfg.take([...child, 'at']);
          return { at, mapper: convertMapper(c, child) };
        });
        if (outer === undefined || inner.some((m) => m.mapper === undefined)) return undefined;
        return { type: 'recursive', outer, inner };
      }
      case 'MABBinMapper': {
        const mab: Record<string, unknown> = { type: 'mab', nbins: c.cfg.take([...path, 'nbins']) };
        for (const key of ['direction', 'bottleneck']) if (c.cfg.has([...path, key])) mab[key] = c.cfg.take([...path, key]);
        return mab;
      }
      default:
        c.cfg.leave(path, `bins of type ${JSON.stringify(type)}: not carried; port them to binning.mapper (rectilinear, recursive, mab, or a module mapper)`);
        return undefined;
    }
  } catch (err) {
    if (!(err instanceof StaticEvalError)) throw err;
    c.cfg.leave(path, `${err.message}: port the bins to binning.mapper`);
    return undefined;
  }
}

function dtypeOption(c: Conversion): 'float32' | 'float64' | undefined {
  const path = [...OPTIONS, 'pcoord_dtype'];
  const named = c.cfg.pythonName(path);
  const value = c.cfg.take(path);
  const dtype = named ? dtypeName(new PyRef(named)) : typeof value === 'string' ? dtypeName(value) : undefined;
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  c.cfg.leave(path, `${named ?? JSON.stringify(value)}: we stores pcoords as float32 or float64; set pcoord.dtype`);
  return undefined;
}

function targetCountsOption(c: Conversion): number | number[] | undefined {
  const path = [...OPTIONS, 'bin_target_counts'];
  const value = c.cfg.take(path);
  if (Number.isInteger(value)) return value as number;
  if (Array.isArray(value) && value.every(Number.isInteger)) return value as number[];
  c.cfg.leave(path, `expected an integer or a list of integers, found ${JSON.stringify(value)}: set binning.target_counts`);
  return undefined;
}

export function convertSystem(c: Conversion): SystemPart {
  const driver = readDriver(c);
  return {
    pcoord: {
      ndim: pick(c, driver, 'pcoord_ndim', () => integerOption(c, [...OPTIONS, 'pcoord_ndim'], 'number of dimensions')),
      len: pick(c, driver, 'pcoord_len', () => integerOption(c, [...OPTIONS, 'pcoord_len'], 'number of time points')),
      dtype: pick(c, driver, 'pcoord_dtype', () => dtypeOption(c)),
    },
    binning: {
      mapper: pick(c, driver, 'bin_mapper', () => convertMapper(c, [...OPTIONS, 'bins'])),
      target_counts: pick(c, driver, 'bin_target_counts', () => targetCountsOption(c)),
    },
  };
}
