/** `we status`: reads we-status.json only, so it answers while a run holds west.h5. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp } from '../command-parts.js';

export function statusCommand(): CommandUnknownOpts {
  return new Command('status')
    .summary('iteration, walkers, bins, weights and fluxes of a run (reads we-status.json)')
    .description(
      'Prints the state of the run, the next iteration, walkers, occupied bins, total/min/max weight, the flux ' +
        'into each target state and seconds per iteration, from we-status.json beside west.h5 (never west.h5 ' +
        'itself, so it answers while a run is writing).',
    )
    .addOption(configOption())
    .option('--json', 'print we-status.json as JSON, for scripts', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'how far the run in this directory is', run: 'we status' },
        { does: 'the next iteration, for a script', run: "we status --json | jq .iteration" },
      ]),
    )
    .action(async ({ config, json }) => {
      await (await import('../actions/status.js')).showStatus(config, json);
    });
}
