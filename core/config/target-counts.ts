/** binning.target_counts expanded to one count per bin, once the mapper (and so the bin count) is known. */
import { configError } from './config-error.js';
import type { RunConfig } from './types.js';
import { positionInFile } from './yaml-source.js';

/** One number for all bins, or one per bin: a list of another length names its line and the count expected. */
export async function expandTargetCounts(config: RunConfig, nbins: number): Promise<Uint32Array> {
  const counts = config.binning.targetCounts;
  if (typeof counts === 'number') return new Uint32Array(nbins).fill(counts);
  if (counts.length !== nbins) {
    const field = ['binning', 'target_counts'];
    throw configError([
      {
        file: config.file,
        pos: await positionInFile(config.file, field),
        field: field.join('.'),
        message: `expected ${nbins} counts, one per bin of binning.mapper; found ${counts.length}`,
      },
    ]);
  }
  return Uint32Array.from(counts);
}
