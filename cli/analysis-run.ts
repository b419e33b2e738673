/**
 * What the analysis commands start from: the run view of a west.h5 and, where the run's we.yaml is at hand, its
 * configuration (for the bin mapper and τ-independent settings). `-W FILE` analyses any west.h5 in WESTPA's
 * layout without a we.yaml, as WESTPA's tools do; without either, ./we.yaml, else ./west.h5.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { boundariesOf, type BinSpec } from '../core/analysis/bin-spec.js';
import type { BinMapperConfig, RunConfig } from '../core/config/types.js';
import { WeError } from '../core/errors.js';
import type { BinMapper } from '../core/plugins.js';
import type { RunView } from '../core/run-view.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';

export interface AnalysisSource {
  /** the run's we.yaml (-c) */
  config: string;
  /** a west.h5 to read instead (-W) */
  westH5?: string;
}

export interface AnalysisRun {
  view: RunView;
  /** Undefined when analysing a bare west.h5. */
  config?: RunConfig;
}

export async function openAnalysisRun(source: AnalysisSource): Promise<AnalysisRun> {
  if (source.westH5 !== undefined) return { view: await openRunView(resolve(source.westH5)) };
  const configPath = resolve(source.config);
  if (!existsSync(configPath) && source.config === 'we.yaml' && existsSync('west.h5')) {
    return { view: await openRunView(resolve('west.h5')) };
  }
  if (!existsSync(configPath)) {
    throw new WeError('no such file: give the run\'s we.yaml with -c, or a west.h5 with -W', source.config);
  }
  // loaded only here: with -W, the configuration code (zod, yaml) would be half a second of CPU for nothing
  const { loadRunConfig } = await import('./run-config.js');
  const config = await loadRunConfig(configPath);
  return { view: await openRunView(config.store.path), config };
}

/** Whether a mapper's bins move from iteration to iteration (MAB, also nested in a recursive mapper). */
function adaptive(mapper: BinMapperConfig): boolean {
  if (mapper.type === 'mab') return true;
  return mapper.type === 'recursive' && (adaptive(mapper.outer) || mapper.inner.some((entry) => adaptive(entry.mapper)));
}

/**
 * The bins analysis assigns walkers to: `--bins` boundaries when given, else the run's own mapper from we.yaml.
 * `fixed` refuses adaptive (MAB) mappers, whose bins move every iteration.
 */
export async function analysisBins(run: AnalysisRun, spec: BinSpec | undefined, fixed: boolean): Promise<BinMapper> {
  const { ndim } = run.view.pcoord;
  if (spec) {
    const boundaries = boundariesOf(spec);
    if (boundaries.length !== ndim) throw new WeError(`gives ${boundaries.length} dimension(s); the pcoord has ${ndim}`, '--bins');
    const { RectilinearBinMapper } = await import('../core/binning/rectilinear.js');
    return new RectilinearBinMapper(boundaries, '--bins');
  }
  if (!run.config) {
    throw new WeError('no we.yaml to take the run\'s bins from: give them with --bins [[b0,b1,…],…] (as w_assign\'s --bins-from-expr)', run.view.source);
  }
  if (fixed && adaptive(run.config.binning.mapper)) {
    throw new WeError('the run bins adaptively (mab), so its bins differ between iterations; give fixed bins with --bins [[b0,b1,…],…]', `${run.config.file}: binning.mapper`);
  }
  const { createBinMapper } = await import('../core/binning/create.js');
  return createBinMapper(run.config.binning.mapper, ndim);
}
