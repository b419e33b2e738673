/** `we status`: reads we-status.json only, so it answers while a run holds west.h5. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp } from '../command-parts.js';
import { positiveNumber } from '../values.js';

export function statusCommand(): CommandUnknownOpts {
  return new Command('status')
    .summary('iteration, walkers, bins, weights and fluxes of a run (reads we-status.json)')
    .description(
      'Prints the state of the run, the next iteration, walkers, occupied bins, total/min/max weight, the flux ' +
        'into each target state and seconds per iteration, from we-status.json beside west.h5 (never west.h5 ' +
        'itself, so it answers while a run is writing).',
    )
    .addOption(configOption())
    .option('--json', 'print we-status.json as JSON, for scripts (with --watch: one JSON object per change)', false)
    .option('--watch', 'follow the run: redraw in place on a terminal (one line per change otherwise) until Ctrl-C', false)
    .addOption(new Option('--interval <seconds>', 'seconds between readings with --watch').default(2).argParser(positiveNumber('--interval')))
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'how far the run in this directory is', run: 'we status' },
        { does: 'the next iteration, for a script', run: "we status --json | jq .iteration" },
        { does: 'follow the run: rate, walkers, bins, flux, ETA', run: 'we status --watch' },
      ]),
    )
    .action(async ({ config, json, watch, interval }) => {
      if (watch) await (await import('../actions/status-watch.js')).watchStatus(config, interval, json);
      else await (await import('../actions/status.js')).showStatus(config, json);
    });
}
