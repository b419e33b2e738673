/** `we init`: WESTPA's w_init. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, forceUnlockOption } from '../command-parts.js';

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
    .addOption(forceUnlockOption())
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'start the simulation described by ./we.yaml', run: 'we init' },
        { does: 'start over, replacing west.h5', run: 'we init --force -c sims/odld/we.yaml' },
      ]),
    )
    .action(async ({ config, force, forceUnlock }) => {
      await (await import('../actions/init.js')).init(config, force, forceUnlock);
    });
}
