/** `we new`: a ready simulation directory, from a shipped example or around a model package. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';

export function newCommand(): CommandUnknownOpts {
  return new Command('new')
    .summary('write a ready simulation directory from an example, or around a model package')
    .description(
      'Writes DIR (new, or empty) as a simulation ready for `we init`. --from copies a shipped example (or any ' +
        "simulation directory) without a run's outputs, making we.yaml paths that would point elsewhere from DIR " +
        "absolute. --model writes a simulation on the embedded Go-model engine around a model package: its reference " +
        "is the native structure, the bin of its latent point the target, and walkers start from the model's " +
        'basis-state set (model.yaml basis_states) or --bstates. DIR is built beside itself and moved into place, ' +
        'so a failure leaves nothing.',
    )
    .argument('<DIR>', 'the new simulation directory')
    .option('--from <example|dir>', 'a shipped example (go-chignolin, odld, openmm-chignolin, amber-spike) or a simulation directory')
    .option('--model <name|dir>', 'a model package selecting C-alphas (`we models` lists them)')
    .option('--bstates <set|dir>', "with --model: the basis-state set (default: the model's basis_states)")
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'chignolin folding with the embedded engine, then its first three iterations', run: 'we new sim --from go-chignolin && cd sim && we init && we run --max-iter 3' },
        { does: 'the same around the BBA model and its basis states', run: 'we new bba --model bba-aae' },
        { does: "a colleague's simulation as the start of yours", run: 'we new mine --from ../alice/sim' },
      ]),
    )
    .action(async (dir, options) => {
      await (await import('../actions/new.js')).newSimulation(dir, options);
    });
}
