/** `we init`: WESTPA's w_init. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, forceUnlockOption } from '../command-parts.js';
import { positiveInteger } from '../values.js';

export function initCommand(): CommandUnknownOpts {
  return new Command('init')
    .summary('compute the basis states\' pcoords, bin them and write iteration 1 to west.h5')
    .description(
      "Computes the basis states' progress coordinates (inline in we.yaml, the model package on " +
        "bstates/<auxref>/bstate.pdb, or the propagator's get_pcoord), bins them, splits them to the target " +
        'counts and writes iteration 1 to west.h5 (as WESTPA\'s w_init).',
    )
    .addOption(configOption())
    .option('--force', 'replace an existing west.h5 (and its journal) instead of refusing', false)
    .addOption(
      new Option(
        '--segs-per-state <N>',
        "start N walkers from each basis state, each with an equal share of its probability, before resampling to the target counts (WESTPA's w_init --segs-per-state)",
      )
        .argParser(positiveInteger('--segs-per-state'))
        .default(1),
    )
    .addOption(forceUnlockOption())
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'start the simulation described by ./we.yaml', run: 'we init' },
        { does: 'start over, replacing west.h5', run: 'we init --force -c sims/odld/we.yaml' },
        { does: 'start 5 walkers from each basis state, as w_init --segs-per-state 5', run: 'we init --segs-per-state 5' },
      ]),
    )
    .action(async ({ config, force, segsPerState, forceUnlock }) => {
      await (await import('../actions/init.js')).init(config, force, segsPerState, forceUnlock);
    });
}
