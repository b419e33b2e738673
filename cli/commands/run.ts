/** `we run`: WESTPA's w_run. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp, forceUnlockOption } from '../command-parts.js';
import { positiveInteger, wallclockSeconds } from '../values.js';

export function runCommand(): CommandUnknownOpts {
  return new Command('run')
    .summary('run iterations, resuming where the last run stopped')
    .description(
      'Runs iterations until iteration N or until the next iteration would pass the wallclock limit (predicted ' +
        'from the longest of the last 5 iterations), resuming where the last run stopped. SIGINT/SIGTERM stop ' +
        'after the current step (a second one aborts at once). Exit status 0 when a limit was reached, ' +
        '130/143 after SIGINT/SIGTERM. One `we run` per allocation.',
    )
    .addOption(configOption())
    .addOption(
      new Option('--max-iter <N>', "stop after iteration N (WESTPA's max_total_iterations) (default: max_iterations in we.yaml)")
        .argParser(positiveInteger('--max-iter')),
    )
    .addOption(
      new Option(
        '--max-wallclock <HH:MM:SS>',
        "stop before this much time has passed; D-HH:MM:SS too, as SLURM's --time (default: max_wallclock in we.yaml, else none)",
      ).argParser(wallclockSeconds('--max-wallclock')),
    )
    .addOption(
      new Option(
        '--redis <URL>',
        'run the tasks on `we worker`s through this Redis server, whatever work_manager we.yaml names ' +
          '(default: work_manager in we.yaml; with work_manager redis, its url or $WE_REDIS_URL)',
      ),
    )
    .addOption(forceUnlockOption())
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'run to max_iterations of ./we.yaml', run: 'we run' },
        { does: "run to iteration 200 within a 24-hour job's time", run: 'we run --max-iter 200 --max-wallclock 23:50:00' },
        { does: 'hand the segments to the workers of a Redis server on this machine', run: 'we run --redis redis://127.0.0.1:6379' },
        { does: 'continue after the node of the last run failed (its lock names that node)', run: 'we run --force-unlock' },
      ]),
    )
    .action(async ({ config, maxIter, maxWallclock, redis, forceUnlock }) => {
      process.exitCode = await (await import('../actions/run.js')).run(config, {
        ...(maxIter !== undefined ? { maxIterations: maxIter } : {}),
        ...(maxWallclock !== undefined ? { maxWallclock } : {}),
        ...(redis !== undefined ? { redis } : {}),
        forceUnlock,
      });
    });
}
