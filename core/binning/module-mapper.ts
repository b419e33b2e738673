/**
 * A user's bin mapper from an ES module: the export named in the config is either a class (constructed with
 * the options) or a factory (options) => BinMapper, possibly async. The loaded object is checked for the
 * BinMapper members up front, and each assign() result is checked against nbins, so a faulty user mapper fails
 * with its path in the message instead of corrupting resampling later.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import type { WalkerSet } from '../types.js';
import { checkWalkers, outputFor } from './walkers.js';

export interface ModuleMapperSpec {
  path: string;
  exportName: string;
  options: Record<string, unknown>;
}

export async function loadModuleBinMapper(spec: ModuleMapperSpec, where = 'module bin mapper'): Promise<BinMapper> {
  const { path, exportName, options } = spec;
  const origin = `${where} (${path}, export '${exportName}')`;
  if (!isAbsolute(path)) throw new WeError(`path '${path}' is not absolute`, where);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new WeError(`cannot load module: ${error instanceof Error ? error.message : String(error)}`, `${where} (${path})`);
  }
  const exported = exports[exportName];
  if (typeof exported !== 'function') {
    const found = exported === undefined ? `no such export (exports: ${Object.keys(exports).join(', ') || 'none'})` : typeof exported;
    throw new WeError(`expected a class or factory function, found ${found}`, origin);
  }
  let made: unknown;
  try {
    made = isClass(exported) ? new (exported as new (o: unknown) => unknown)(options) : await exported(options);
  } catch (error) {
    throw new WeError(`constructing the mapper failed: ${error instanceof Error ? error.message : String(error)}`, origin);
  }
  return new ModuleBinMapper(checkedMapper(made, origin), origin);
}

/** The user's mapper behind checks of every assign() result. */
class ModuleBinMapper implements BinMapper {
  readonly nbins: number;
  readonly ndim: number;

  constructor(
    private readonly inner: BinMapper,
    private readonly where: string,
  ) {
    this.nbins = inner.nbins;
    this.ndim = inner.ndim;
  }

  assign(walkers: WalkerSet, out?: Uint32Array): Uint32Array {
    checkWalkers(walkers, this.ndim, this.where);
    const result = outputFor(out, walkers.n, this.where);
    const bins: ArrayLike<number> = this.inner.assign(walkers, result);
    if (bins == null || typeof bins.length !== 'number' || bins.length !== walkers.n) {
      throw new WeError(`assign() returned ${bins == null ? String(bins) : `${bins.length} bins`}, expected ${walkers.n}`, this.where);
    }
    for (let i = 0; i < walkers.n; i++) {
      const bin = bins[i];
      if (!Number.isInteger(bin) || bin < 0 || bin >= this.nbins) {
        throw new WeError(`assign() put walker ${i} in bin ${bin}, expected an integer in [0, ${this.nbins})`, this.where);
      }
      result[i] = bin;
    }
    return result;
  }

  describe(): unknown {
    return { type: 'module', mapper: this.inner.describe() };
  }
}

function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function checkedMapper(made: unknown, where: string): BinMapper {
  if (typeof made !== 'object' || made === null) {
    throw new WeError(`the export produced ${made === null ? 'null' : typeof made}, expected a BinMapper object`, where);
  }
  const candidate = made as Record<string, unknown>;
  const problems: string[] = [];
  for (const member of ['nbins', 'ndim'] as const) {
    const value = candidate[member];
    if (!Number.isInteger(value) || (value as number) < 1) problems.push(`${member} (expected a positive integer, found ${String(value)})`);
  }
  for (const member of ['assign', 'describe'] as const) {
    if (typeof candidate[member] !== 'function') problems.push(`${member} (expected a method, found ${typeof candidate[member]})`);
  }
  if (problems.length > 0) throw new WeError(`the mapper is missing or has invalid: ${problems.join('; ')}`, where);
  return made as BinMapper;
}
