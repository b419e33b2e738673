/** `we pcoord`: what DeepDriveMD's get_pcoord.sh printed, from a model package by name or directory. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { examplesHelp } from '../command-parts.js';
import { TABLE_FORMATS } from '../pcoord-table.js';

export function pcoordCommand(): CommandUnknownOpts {
  return new Command('pcoord')
    .summary('print the progress coordinates of structures or trajectories, a row per frame')
    .description(
      'Embeds every frame of PDB, DCD or AMBER NetCDF files with a model package (alignment, normalisation and ' +
        'the encoder mean, as a run does) and prints one row per frame. With several files, each row starts ' +
        'with its file.',
    )
    .argument('<file...>', 'PDB, DCD or AMBER NetCDF files, printed in order')
    .requiredOption(
      '--model <name|dir>',
      "a model package: a name (./models/<name>, then WE_MODEL_PATH, then the installed ones: `we models` lists them) or a directory holding model.yaml",
    )
    .addOption(
      new Option(
        '--format <format>',
        "text: get_pcoord.sh's %.4f columns; csv, tsv: a header and every digit; npy: a float64 frames × dims matrix for numpy.load (one file)",
      )
        .choices([...TABLE_FORMATS, 'npy'] as const)
        .default('text' as const),
    )
    .addHelpText(
      'after',
      examplesHelp([
        { does: "a basis state's latent coordinates", run: 'we pcoord --model chignolin-aae bstates/0/bstate.pdb' },
        { does: 'with a package of your own', run: 'we pcoord --model ./my-aae seg.dcd' },
        { does: 'every frame of two segments, for pandas', run: 'we pcoord --model chignolin-aae --format csv a/seg.dcd b/seg.dcd > pc.csv' },
        { does: 'a trajectory as a numpy matrix', run: 'we pcoord --model chignolin-aae --format npy seg.dcd > seg.npy' },
      ]),
    )
    .action(async (files, { model, format }) => {
      await (await import('../actions/pcoord.js')).printPcoords(model, files, format);
    });
}
