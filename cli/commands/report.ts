/** `we report`: one self-contained HTML file with the run's summary, interactive figures and configuration. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, westH5Option } from '../command-parts.js';
import { withFigureOptions } from '../figure-options.js';

export function reportCommand(): CommandUnknownOpts {
  const command = new Command('report')
    .summary("one HTML file with the run's summary, interactive figures and we.yaml (opens with no network)")
    .description(
      "Writes a single HTML file: the run's summary (iterations, walkers, bins, weights, time, each target's rate " +
        'with its interval and the window check), the figures of `we plot` drawn interactively (drag to pan, scroll ' +
        'to zoom, hover for values, save any as PNG or SVG) and we.yaml as written. The vega runtimes and all data ' +
        'are inside the file: open it in any browser, attach it to a mail, put it on a web page. Reads only complete ' +
        'iterations, so it can run beside `we run`.',
    )
    .addOption(configOption())
    .addOption(westH5Option())
    .option('-o, --output <file>', 'the file written (replaced whole, never half written)', 'report.html');
  return withFigureOptions(command)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'the report of the run in this folder', run: 'we report && xdg-open report.html' },
        { does: 'rates per second over iterations 100 to 200', run: 'we report --window 100:200 --tau 10ps -o rates.html' },
        { does: "a WESTPA run's west.h5", run: 'we report -W west.h5' },
      ]),
    )
    .action(async (options) => {
      await (await import('../actions/report.js')).report({ config: options.config, westH5: options.westH5 }, options.output, options);
    });
}
