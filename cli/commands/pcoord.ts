/** `we pcoord`: what DeepDriveMD's get_pcoord.sh printed, from a model package by name or directory. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';

export function pcoordCommand(): CommandUnknownOpts {
  return new Command('pcoord')
    .summary('print the progress coordinates of structures or trajectories, a row per frame')
    .description(
      'Embeds every frame of PDB, DCD or AMBER NetCDF files with a model package (alignment, normalisation and ' +
        'the encoder mean, as a run does) and prints one row per frame, `%.4f` columns.',
    )
    .argument('<file...>', 'PDB, DCD or AMBER NetCDF files, printed in order')
    .requiredOption(
      '--model <name|dir>',
      "a model package: a name (./models/<name>, then WE_MODEL_PATH, then the installed ones: `we models` lists them) or a directory holding model.yaml",
    )
    .addHelpText(
      'after',
      examplesHelp([
        { does: "a basis state's latent coordinates", run: 'we pcoord --model chignolin-aae bstates/0/bstate.pdb' },
        { does: 'with a package of your own', run: 'we pcoord --model ./my-aae seg.dcd' },
      ]),
    )
    .action(async (files, { model }) => {
      await (await import('../actions/pcoord.js')).printPcoords(model, files);
    });
}
