/** `we kinetics`: WESTPA's w_direct / w_fluxanl for a recycling run, plus a haMSM estimate. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { bootstrapSetCount } from '../../core/analysis/mcbs.js';
import { configOption, examplesHelp, westH5Option } from '../command-parts.js';
import { alphaLevel, binSpec, duration, iterationWindow, positiveInteger } from '../values.js';

export function kineticsCommand(): CommandUnknownOpts {
  return new Command('kinetics')
    .summary('flux into each target and the rate with its confidence interval (direct as w_direct, and haMSM)')
    .description(
      'Per iteration, the weight recycled into each target state (the flux, as w_fluxanl reads it). Over the window: ' +
        'the rate per τ (one iteration) as the mean flux, with the interval w_direct and w_fluxanl compute (a Monte ' +
        'Carlo block bootstrap whose block length, corr_len, comes from the autocorrelation test of westpa.mclib); ' +
        "a check of whether the flux is still rising (and from which iteration it looks steady); and a second " +
        "estimate from a history-augmented Markov state model of the run's own bin-to-bin flux (bins from we.yaml, " +
        'or --bins), which needs no relaxed ensemble. Rates per second when --tau is given. Reads only complete ' +
        'iterations, so it can run beside `we run`.',
    )
    .addOption(configOption())
    .addOption(westH5Option())
    .addOption(new Option('--window <A:B>', 'iterations A to B, inclusive; A: or :B (default: all complete iterations)').argParser(iterationWindow('--window')))
    .addOption(new Option('--tau <duration>', 'the simulated time of one iteration, e.g. 10ps, to give rates per second too').argParser(duration('--tau')))
    .addOption(new Option('--evolution <mode>', 'also the estimate for growing windows from A (w_direct --evolution-mode)').choices(['cumulative'] as const))
    .addOption(new Option('--step-iter <N>', 'iterations added per window of the evolution').default(1).argParser(positiveInteger('--step-iter')))
    .addOption(new Option('--mcbs-alpha <alpha>', 'intervals at 1 − alpha').default(0.05).argParser(alphaLevel('--mcbs-alpha')))
    .addOption(new Option('--mcbs-nsets <N>', 'bootstrap data sets (default: 10^(⌈−log10 alpha⌉ + 1), 1000 at alpha 0.05)').argParser(positiveInteger('--mcbs-nsets')))
    .addOption(new Option('--mcbs-acalpha <alpha>', 'significance of the autocorrelation test (default: --mcbs-alpha)').argParser(alphaLevel('--mcbs-acalpha')))
    .addOption(new Option('--seed <S>', 'seed of the bootstrap random numbers (same seed, same intervals)').default(1).argParser(positiveInteger('--seed')))
    .addOption(new Option('--bins <SPEC>', "the haMSM's bins as boundaries [[b0,b1,…],…] (default: the run's mapper from we.yaml)").argParser(binSpec('--bins')))
    .option('--no-hamsm', 'skip the haMSM estimate')
    .option('--json', 'everything as JSON (per-iteration flux, estimates, evolution, window check), for scripts and plots', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'the rate over the whole run, τ = 10 ps', run: 'we kinetics --tau 10ps' },
        { does: 'over iterations 100 to 400, with the cumulative evolution every 10 iterations', run: 'we kinetics --window 100:400 --evolution cumulative --step-iter 10' },
        { does: "a WESTPA run's file, haMSM on w_assign-style bins", run: "we kinetics -W west.h5 --bins '[[-inf,1.1,1.2,1.3,inf]]' --json" },
      ]),
    )
    .action(async (options) => {
      const alpha = options.mcbsAlpha;
      await (await import('../actions/kinetics.js')).kinetics(
        { config: options.config, westH5: options.westH5 },
        {
          window: options.window,
          mcbs: { alpha, nsets: options.mcbsNsets ?? bootstrapSetCount(alpha), acAlpha: options.mcbsAcalpha ?? alpha, seed: options.seed },
          evolutionStep: options.evolution ? options.stepIter : undefined,
          tauSeconds: options.tau,
          bins: options.bins,
          hamsm: options.hamsm,
          json: options.json,
        },
      );
    });
}
