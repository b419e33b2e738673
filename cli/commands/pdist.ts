/** `we pdist`: WESTPA's w_pdist. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, westH5Option } from '../command-parts.js';
import { binSpec, dimensionList, positiveInteger } from '../values.js';

export function pdistCommand(): CommandUnknownOpts {
  return new Command('pdist')
    .summary("pcoord histograms per iteration, written to pdist.h5 in w_pdist's layout (plothist reads it)")
    .description(
      'Histograms every timepoint of every segment, weighted by the segment weights, per iteration (timepoint 0, the ' +
        "parent's last point, only in the first iteration), normalised as w_pdist does, into pdist.h5: histograms " +
        '(iterations × bins…), binbounds_<k> and midpoints_<k> per histogram axis, n_iter. Reads only complete ' +
        'iterations, so it can run beside `we run`. WESTPA\'s plothist draws the file (plothist evolution pdist.h5).',
    )
    .addOption(configOption())
    .addOption(westH5Option())
    .addOption(new Option('--first-iter <A>', 'first iteration (default: 1)').argParser(positiveInteger('--first-iter')))
    .addOption(new Option('--last-iter <B>', 'last iteration (default: the last complete one)').argParser(positiveInteger('--last-iter')))
    .addOption(
      new Option('--bins <SPEC>', 'N bins per dimension over the data, N1,N2,… per dimension, or boundaries [[b0,b1,…],…] (inf allowed)')
        .default('100')
        .argParser(binSpec('--bins')),
    )
    .addOption(new Option('--dims <D,…>', 'pcoord dimensions to histogram (default: all)').argParser(dimensionList('--dims')))
    .option('-o, --output <file>', 'the file written (replaced whole, never half written)', 'pdist.h5')
    .option('--loose', 'drop points outside the --bins boundaries instead of failing (w_pdist --loose)', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'histograms of all iterations, 100 bins per dimension', run: 'we pdist' },
        { does: 'latent dimensions 0 and 1 over iterations 50 to 200 on a fixed grid', run: "we pdist --dims 0,1 --first-iter 50 --last-iter 200 --bins '[[-3,-2.5,-2,-1.5,-1,-0.5,0,0.5,1,1.5,2,2.5,3],[-3,-2.5,-2,-1.5,-1,-0.5,0,0.5,1,1.5,2,2.5,3]]'" },
        { does: "a WESTPA run's file, then its picture", run: 'we pdist -W west.h5 && plothist evolution pdist.h5' },
      ]),
    )
    .action(async ({ config, westH5, firstIter, lastIter, bins, dims, output, loose }) => {
      await (await import('../actions/pdist.js')).pdist(
        { config, westH5 },
        { first: firstIter, last: lastIter, bins: typeof bins === 'string' ? binSpec('--bins')(bins) : bins, dims, loose, output },
      );
    });
}
