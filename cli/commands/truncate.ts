/** `we truncate N`: WESTPA's w_truncate, keeping N. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, forceUnlockOption } from '../command-parts.js';
import { positiveInteger } from '../values.js';

export function truncateCommand(): CommandUnknownOpts {
  return new Command('truncate')
    .summary('remove the iterations after N and leave N prepared, so `we run` redoes it')
    .description(
      'Removes iterations after N from west.h5 and resets N to prepared, so `we run` redoes it (bit-identical, ' +
        "the random streams being keyed by iteration). WESTPA's `w_truncate -n N` instead deletes N too.",
    )
    .argument('<N>', 'the iteration to keep, prepared', positiveInteger('truncate N'))
    .addOption(configOption())
    .addOption(forceUnlockOption())
    .addHelpText('after', examplesHelp([{ does: 'redo iteration 10 and everything after it', run: 'we truncate 10' }]))
    .action(async (n, { config, forceUnlock }) => {
      await (await import('../actions/truncate.js')).truncate(config, n, forceUnlock);
    });
}
