/** Builds the configured bin mapper and names its topology (the binhash WESTPA stores in west.h5). */
import { createHash } from 'node:crypto';
import type { BinMapperConfig } from '../config/types.js';
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import { canonicalJson } from './canonical-json.js';
import { MabBinMapper } from './mab.js';
import { loadModuleBinMapper } from './module-mapper.js';
import { RecursiveBinMapper } from './recursive.js';
import { RectilinearBinMapper } from './rectilinear.js';

/**
 * `ndim` is the run's pcoord.ndim; every (nested) mapper must match it. `where` names the config field, and
 * errors name the nested field under it (e.g. binning.mapper.inner[0].mapper.nbins).
 */
export async function createBinMapper(config: BinMapperConfig, ndim: number, where = 'binning.mapper'): Promise<BinMapper> {
  const mismatch = (field: string, found: number) =>
    new WeError(`has ${found} dimension(s), expected pcoord.ndim = ${ndim}`, `${where}.${field}`);
  switch (config.type) {
    case 'rectilinear':
      if (config.boundaries.length !== ndim) throw mismatch('boundaries', config.boundaries.length);
      return new RectilinearBinMapper(config.boundaries, where);
    case 'mab':
      if (config.nbins.length !== ndim) throw mismatch('nbins', config.nbins.length);
      if (config.direction.length !== ndim) throw mismatch('direction', config.direction.length);
      return new MabBinMapper(config, where);
    case 'recursive': {
      if (config.outer.type === 'mab') {
        // "The outer bin containing `at`" has no fixed meaning when the outer bins move every iteration.
        throw new WeError('is an adaptive (mab) mapper, which cannot hold nested mappers; nest the mab mapper inside instead', `${where}.outer`);
      }
      const outer = await createBinMapper(config.outer, ndim, `${where}.outer`);
      const inner = [];
      for (const [k, entry] of config.inner.entries()) {
        if (entry.at.length !== ndim) throw mismatch(`inner[${k}].at`, entry.at.length);
        inner.push({ at: entry.at, mapper: await createBinMapper(entry.mapper, ndim, `${where}.inner[${k}].mapper`) });
      }
      return new RecursiveBinMapper(outer, inner, where);
    }
    case 'module': {
      const mapper = await loadModuleBinMapper(config, where);
      if (mapper.ndim !== ndim) throw new WeError(`the loaded mapper has ndim ${mapper.ndim}, expected pcoord.ndim = ${ndim}`, `${where} (${config.path})`);
      return mapper;
    }
    default: {
      const unknown: { type?: unknown } = config;
      throw new WeError(`type '${String(unknown.type)}' is not one of rectilinear, recursive, mab, module`, `${where}.type`);
    }
  }
}

/** Hex SHA-256 of the mapper's canonical description: 64 characters, as WESTPA's binhash. */
export function binhash(mapper: BinMapper): string {
  return createHash('sha256').update(canonicalJson(mapper.describe())).digest('hex');
}
