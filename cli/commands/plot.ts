/** `we plot`: the run's figures as PNG, each beside its Vega-Lite spec (WESTPA's plothist, and more). */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, westH5Option } from '../command-parts.js';
import { withFigureOptions } from '../figure-options.js';

export function plotCommand(): CommandUnknownOpts {
  const command = new Command('plot')
    .summary("the run's figures as PNG (no display needed), each beside its Vega-Lite spec")
    .description(
      'Draws, from west.h5: the evolution of each pcoord dimension\'s distribution over iterations (−ln P, as ' +
        'plothist evolution); the distribution over two dimensions averaged over a window (the latent space of an ' +
        'ML-driven run); the flux into each target per iteration and the rate with its interval as the window grows ' +
        "(w_direct's cumulative evolution); walkers and occupied bins per iteration; seconds per iteration and its " +
        'parts. Each figure is NAME.png and NAME.vl.json, the Vega-Lite spec with its data: restyle the spec and ' +
        'redraw it with --from-spec. Reads only complete iterations, so it can run beside `we run`.',
    )
    .addOption(configOption())
    .addOption(westH5Option())
    .option('-o, --output-dir <dir>', 'folder the figures are written to (created if missing; each file replaced whole)', 'figures');
  return withFigureOptions(command)
    .option('--from-spec <file.vl.json...>', 'draw these (restyled) specs to PNG beside them instead, reading no run')
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'every figure of the run in this folder, into figures/', run: 'we plot' },
        { does: 'the latent space averaged over iterations 100 to 200, with labelled axes', run: "we plot --figures distribution --window 100:200 --label 0='latent 1' --label 1='latent 2'" },
        { does: 'the rate per second of a WESTPA run, τ = 100 ps', run: 'we plot -W west.h5 --figures flux --tau 100ps' },
        { does: 'redraw a figure after editing its spec', run: 'we plot --from-spec figures/flux.vl.json' },
      ]),
    )
    .action(async (options) => {
      const plot = await import('../actions/plot.js');
      if (options.fromSpec) await plot.plotSpecs(options.fromSpec);
      else await plot.plot({ config: options.config, westH5: options.westH5 }, options.outputDir, options);
    });
}
