/** `we trace`: WESTPA's w_trace. */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, westH5Option } from '../command-parts.js';
import { positiveInteger, segmentId } from '../values.js';

export function traceCommand(): CommandUnknownOpts {
  return new Command('trace')
    .summary("a walker's lineage back to its initial state, and its trajectory concatenated along it")
    .description(
      'Follows segment SEG of iteration ITER back through its parents to the initial state its trajectory started ' +
        'from (a basis state at iteration 1, or a restart made by recycling), printing per iteration the segment, ' +
        'weight, final pcoord, bin (from we.yaml) and endpoint (continues, merged, recycled). With --export, the ' +
        "segments' trajectory files (plain under traj_segs/ or in the per-node tars) are read in the format the run " +
        'wrote and written as one DCD along the lineage, oldest frame first.',
    )
    .argument('<ITER>', 'the iteration', positiveInteger('trace ITER'))
    .argument('<SEG>', 'the segment id within the iteration', segmentId('trace SEG'))
    .addOption(configOption())
    .addOption(westH5Option())
    .option('--export <file.dcd>', 'write the trajectory along the lineage to this DCD (replaced whole, never half written)')
    .option('--traj <name>', "each segment's trajectory file (default: the propagator's `trajectory` in we.yaml, else the segment's only trajectory)")
    .option('--json', 'the lineage as JSON', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'the history of segment 5 of iteration 30', run: 'we trace 30 5' },
        { does: 'its transition path, for VMD with the topology', run: 'we trace 30 5 --export path.dcd && vmd bstates/0/bstate.pdb path.dcd' },
      ]),
    )
    .action(async (iteration, segment, { config, westH5, export: exportTo, traj, json }) => {
      await (await import('../actions/trace.js')).trace({ config, westH5 }, iteration, segment, { export: exportTo, traj, json });
    });
}
