/**
 * SLURM's own client commands (sbatch, squeue, scancel, scontrol), run as child processes: they are how any
 * user-level tool talks to slurmctld, they honour the site's SLURM_CONF and authentication, and they behave
 * the same on a login node and inside a job.
 */
import { execFile } from 'node:child_process';
import { WeError } from '../../../core/errors.js';
import { parseWallclock } from '../../../core/config/wallclock.js';

/** A job as squeue reports it. */
export interface SlurmJob {
  id: string;
  /** SLURM's state name: PENDING, RUNNING, COMPLETED, FAILED, TIMEOUT, CANCELLED, NODE_FAIL, ... */
  state: string;
  /** Why it is pending or how it ended (Dependency, Resources, PartitionDown, NonZeroExitCode, ...). */
  reason: string;
  /** The batch script's exit status once it ended: exit code, or 128 + signal when killed by one. */
  exitCode: number | null;
}

/** A running job's time limit (undefined when unlimited) and time used so far, in seconds. */
export interface JobClock {
  limit: number | undefined;
  used: number;
}

interface Output {
  stdout: string;
  stderr: string;
}

/**
 * A job submitting its successor must not pass on its own SLURM_* variables: sbatch reads some of them
 * (SLURM_MEM_PER_*, SLURM_CPUS_PER_TASK, ...) as requests. SLURM_CONF says which cluster to talk to and stays.
 */
function clientEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('SLURM_') || key === 'SLURM_CONF') env[key] = value;
  }
  return env;
}

function run(command: string, args: readonly string[]): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: clientEnvironment(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return reject(new WeError(`${command} not found on the PATH: \`we submit\` and \`we jobs\` need SLURM's client commands`));
      }
      const said = stderr.trim().split('\n').pop() || error.message;
      reject(new WeError(`${command} ${args.join(' ')} failed: ${said}`));
    });
  });
}

/** SLURM prints a job's raw wait status; turn it into what a shell would report. */
function exitStatus(raw: string): number | null {
  const status = Number(raw);
  if (!Number.isInteger(status)) return null;
  const signal = status & 0x7f;
  return signal ? 128 + signal : status >> 8;
}

export class Slurm {
  /** Returns the new job's id. */
  async submit(args: readonly string[], script: string): Promise<string> {
    const { stdout } = await run('sbatch', ['--parsable', ...args, script]);
    // --parsable prints "id" or "id;cluster".
    const id = stdout.trim().split(';')[0];
    if (!/^\d+$/.test(id)) throw new WeError(`sbatch printed '${stdout.trim()}' where a job id was expected`);
    return id;
  }

  /**
   * The jobs slurmctld still knows (pending, running, or ended less than MinJobAge ago); ids it has forgotten
   * are absent from the result.
   */
  async query(ids: readonly string[]): Promise<Map<string, SlurmJob>> {
    const jobs = new Map<string, SlurmJob>();
    if (ids.length === 0) return jobs;
    let stdout: string;
    try {
      ({ stdout } = await run('squeue', ['--noheader', '--states=all', `--jobs=${ids.join(',')}`, '--Format=JobID:|,State:|,Reason:|,exit_code:|']));
    } catch (error) {
      // Asked about a single job it no longer knows, squeue fails instead of printing nothing.
      if (/Invalid job id/i.test((error as Error).message)) return jobs;
      throw error;
    }
    for (const line of stdout.split('\n')) {
      const [id, state, reason, exit] = line.split('|');
      if (!id || !state) continue;
      jobs.set(id.trim(), { id: id.trim(), state: state.trim(), reason: reason.trim(), exitCode: exitStatus(exit.trim()) });
    }
    return jobs;
  }

  /** Jobs named `name` with their --comment, to find a submission whose id was never recorded. */
  async findByComment(name: string, comment: string): Promise<string | undefined> {
    const { stdout } = await run('squeue', ['--noheader', '--states=all', `--name=${name}`, '--Format=JobID:|,Comment:|']);
    for (const line of stdout.split('\n')) {
      const [id, found] = line.split('|');
      if (found?.trim() === comment) return id.trim();
    }
    return undefined;
  }

  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await run('scancel', [...ids]);
    } catch (error) {
      // A job that ended meanwhile needs no cancelling.
      if (!/already completing|Invalid job id|Job has already finished/i.test((error as Error).message)) throw error;
    }
  }

  async clock(id: string): Promise<JobClock> {
    const { stdout } = await run('scontrol', ['show', 'job', '--oneliner', id]);
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S+)`).exec(stdout)?.[1];
    const limit = field('TimeLimit');
    const used = field('RunTime');
    const usedSeconds = used === undefined ? undefined : parseWallclock(used);
    if (limit === undefined || usedSeconds === undefined) throw new WeError(`scontrol show job ${id} printed no TimeLimit and RunTime`);
    // UNLIMITED (or a partition's limit spelt out in words) parses to undefined: no limit to keep to.
    return { limit: parseWallclock(limit), used: usedSeconds };
  }
}
