/** `we jobs`: the simulation's SLURM allocations; its subcommands stop the chain or are run by the job script. */
import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { configOption, examplesHelp } from '../command-parts.js';
import { UsageError } from '../usage-error.js';
import { positiveInteger } from '../values.js';
import type { JobsAction } from '../actions/jobs.js';

function exitCode(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 255) throw new UsageError(`jobs end: expected an exit code 0-255, got '${text}'`);
  return Number(text);
}

async function act(config: string, action: JobsAction): Promise<void> {
  process.exitCode = await (await import('../actions/jobs.js')).jobs(config, action);
}

export function jobsCommand(): CommandUnknownOpts {
  const jobs = new Command('jobs')
    .summary('the allocations of `we submit` (NS, PD, R, D, F, CA), brought up to date from squeue')
    .description(
      'Asks squeue about every open allocation of the simulation, records what changed in slurm/jobs.sqlite and ' +
        'lets the chain go on (an allocation that failed before it could queue its successor is resubmitted), ' +
        'then prints them: NS not submitted, PD pending, R running, D done, F failed, CA cancelled by `we` (not ' +
        'needed). Exit status 1 when SLURM could not be asked (the table is then as last stored).',
    )
    .addOption(configOption())
    .option('--json', 'print the chains and jobs as JSON, for scripts', false)
    .addOption(new Option('--watch <seconds>', 'again every so many seconds, until no chain is active').argParser(positiveInteger('--watch')))
    .addHelpText(
      'after',
      examplesHelp([
        { does: 'where the chain is', run: 'we jobs' },
        { does: 'follow it until it ends, every 10 minutes', run: 'we jobs --watch 600' },
        { does: 'stop it', run: 'we jobs cancel' },
      ]),
    )
    .action(async ({ config, json, watch }) => act(config, { kind: 'show', json, ...(watch !== undefined ? { watchSeconds: watch } : {}) }));
  jobs
    .command('cancel')
    .summary("stop the chain: cancel its pending and running jobs")
    .addOption(configOption())
    .action(async ({ config }) => act(config, { kind: 'cancel' }));
  jobs
    .command('begin')
    .summary("the job script's first step: claim the allocation, queue the next, print how long `we run` may take")
    .description(
      'Run by slurm/job.sh as an allocation starts (SLURM_JOB_ID set). Prints the --max-wallclock for `we run` ' +
        "(the job's time left less the margin) or 'unlimited'; prints nothing when this job is not to run it " +
        "(another profile's job runs this allocation, the chain has ended, or the run is complete).",
    )
    .addOption(configOption())
    .action(async ({ config }) => act(config, { kind: 'begin' }));
  jobs
    .command('end')
    .summary("the job script's last step: record how `we run` ended")
    .argument('<exit-code>', "`we run`'s exit status", exitCode)
    .addOption(configOption())
    .action(async (code, { config }) => act(config, { kind: 'end', exitCode: code }));
  return jobs;
}
