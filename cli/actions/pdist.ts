/** `we pdist`: per-iteration pcoord histograms written to pdist.h5 in w_pdist's layout (plothist reads it). */
import { resolve } from 'node:path';
import type { BinSpec } from '../../core/analysis/bin-spec.js';
import { probabilityDistribution } from '../../core/analysis/pdist.js';
import { writePdistFile } from '../../plugins/stores/westh5/pdist-file.js';
import { openAnalysisRun, type AnalysisSource } from '../analysis-run.js';

export interface PdistCommandOptions {
  first?: number;
  last?: number;
  bins?: BinSpec;
  dims?: number[];
  loose: boolean;
  output: string;
}

export async function pdist(source: AnalysisSource, options: PdistCommandOptions): Promise<void> {
  const { view } = await openAnalysisRun(source);
  try {
    const pdist = probabilityDistribution(view, options);
    const output = resolve(options.output);
    await writePdistFile(output, pdist, view.source);
    const { iterations, shape, axes } = pdist;
    console.log(
      `wrote ${options.output}: iterations ${iterations[0]} to ${iterations[iterations.length - 1]}, ` +
        axes.map((a, k) => `dimension ${a.dim} in ${shape[k]} bins [${a.edges[0]}, ${a.edges[shape[k]]})`).join(', '),
    );
  } finally {
    view.close();
  }
}
