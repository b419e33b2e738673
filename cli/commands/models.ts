/** `we models`: the model packages and basis-state sets a simulation can name, each loaded and checked. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';

export function modelsCommand(): CommandUnknownOpts {
  return new Command('models')
    .summary('list the model packages and basis-state sets found by name, checked; one in full with NAME')
    .description(
      'Lists what `progress_coordinate.options.model: NAME` and `basis_states: {set: NAME}` can name from this ' +
        "directory, in the order they are looked for: the simulation's own models/ and bstates/, then the " +
        'directories of WE_MODEL_PATH and WE_BSTATES_PATH, then those installed with we. Each model package is ' +
        'loaded and checked as a run would (selection, ONNX input shape, latent dimensions); with NAME, one package ' +
        'or set in full, provenance included.',
    )
    .argument('[NAME]', 'a model package or basis-state set to show in full')
    .option('--json', 'print everything as JSON, for scripts', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'what a we.yaml here can name', run: 'we models' },
        { does: "a model's training data and command", run: 'we models chignolin-aae' },
        { does: "a group's shared models, searched before the installed ones", run: 'WE_MODEL_PATH=/proj/shared/models we models' },
      ]),
    )
    .action(async (name, { json }) => {
      await (await import('../actions/models.js')).listModels(name, json);
    });
}
