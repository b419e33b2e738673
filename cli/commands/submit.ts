/** `we submit`: the simulation as a chain of SLURM allocations. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp } from '../command-parts.js';
import { UsageError } from '../usage-error.js';
import { positiveInteger, wallclockSeconds } from '../values.js';

function timeLimit(text: string): number {
  const seconds = wallclockSeconds('--time')(text);
  if (seconds === 0) throw new UsageError(`--time: expected a time limit above zero, got '${text}'`);
  return seconds;
}

export function submitCommand(): CommandUnknownOpts {
  return new Command('submit')
    .summary('submit a chain of SLURM allocations that runs the simulation to max_iterations')
    .description(
      'Writes slurm/job.sh (from a template in scripts/slurm/) and submits the first allocation to every profile ' +
        "of we.yaml's cluster section. Each allocation runs `we run` for its time limit less a margin and queues " +
        'the next one (--dependency=afterany) as it starts; the first job of a profile to start runs it and the ' +
        "other profiles' jobs are cancelled. A failed allocation is retried up to cluster.tries times in a row; the " +
        'chain stops itself once max_iterations is reached. Flags override we.yaml for this chain.',
    )
    .addOption(configOption())
    .addOption(
      new Option('--profile <name>', 'submit to this profile of cluster.profiles; repeat for several (default: every profile)')
        .argParser((name: string, chosen: string[] | undefined) => [...(chosen ?? []), name]),
    )
    .addOption(new Option('--nodes <N>', "nodes per allocation (default: we.yaml's, else SLURM's)").argParser(positiveInteger('--nodes')))
    .addOption(new Option('--time <HH:MM:SS>', "time limit per allocation, D-HH:MM:SS too (default: we.yaml's, else the partition's)").argParser(timeLimit))
    .addOption(new Option('--partition <name>', "the partition, for one profile (default: we.yaml's, else SLURM's)"))
    .addOption(new Option('--account <name>', "the account to charge (default: we.yaml's, else SLURM's)"))
    .addOption(
      new Option('--template <name>', "batch script: 'local' (one node), 'redis' (a worker per node) or a file (default: cluster.template, else local)"),
    )
    .addOption(new Option('--tries <N>', 'failed allocations in a row before the chain gives up (default: cluster.tries, else 3)').argParser(positiveInteger('--tries')))
    .option('--dry-run', 'write slurm/job.sh and print the sbatch commands without submitting', false)
    .addHelpText(
      'after',
      examplesHelp([
        { does: "12-hour allocations on one node of partition gpu, charged to chm155", run: 'we submit --time 12:00:00 --partition gpu --account chm155' },
        { does: 'the profiles of we.yaml, one of them only', run: 'we submit --profile backfill' },
        { does: 'see what would be submitted', run: 'we submit --dry-run' },
      ]),
    )
    .action(async ({ config, profile, nodes, time, partition, account, template, tries, dryRun }) => {
      await (await import('../actions/submit.js')).submit(config, {
        profiles: profile ?? [],
        ...(nodes !== undefined ? { nodes } : {}),
        ...(time !== undefined ? { time } : {}),
        ...(partition !== undefined ? { partition } : {}),
        ...(account !== undefined ? { account } : {}),
        ...(template !== undefined ? { template } : {}),
        ...(tries !== undefined ? { tries } : {}),
        dryRun,
      });
    });
}
