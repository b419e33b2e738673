/** `we extract`: a segment's file out of the gathered per-node tars, read by offset. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp } from '../command-parts.js';
import { positiveInteger, segmentId } from '../values.js';

export function extractCommand(): CommandUnknownOpts {
  return new Command('extract')
    .summary("print one file of a segment from its iteration's tars (lists the files without FILE)")
    .description(
      "Prints one file of a segment's outputs, read by offset from the index of the iteration's per-node tars " +
        '(traj_segs/iter_NNNNNN.<host>.tar), or from traj_segs/NNNNNN/SSSSSS for runs without staging. ' +
        'Without FILE, lists the files the segment has.',
    )
    .argument('<ITER>', 'the iteration', positiveInteger('extract ITER'))
    .argument('<SEG>', 'the segment id within the iteration', segmentId('extract SEG'))
    .argument('[FILE]', "the file's path within the segment's directory")
    .addOption(configOption())
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'the files segment 5 of iteration 12 left', run: 'we extract 12 5' },
        { does: 'its trajectory, into a file', run: 'we extract 12 5 seg.dcd > seg.dcd' },
      ]),
    )
    .action(async (iteration, segment, file, { config }) => {
      await (await import('../actions/extract.js')).extract(config, iteration, segment, file);
    });
}
