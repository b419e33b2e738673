/**
 * `we submit` and `we jobs` against a real SLURM on this machine (test/helpers/slurm.ts): real sbatch, squeue,
 * scancel and job scripts, an ODLD run (test/fixtures/slurm-odld, a slow run script) that needs several
 * allocations of one minute with a 30 s margin, and its west.h5 compared with a local run's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Chain, Job } from '../plugins/cluster/store/job-store.js';
import { repoRoot, we, weBin } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';
import { gone } from './helpers/processes.js';
import { slurmUnavailable, startLocalSlurm, type LocalSlurm } from './helpers/slurm.js';
import { tempDir } from './helpers/temp-dir.js';

interface Snapshot {
  chains: Chain[];
  jobs: Job[];
}

const FIXTURE = join(repoRoot, 'test/fixtures/slurm-odld');
const MAX_ITERATIONS = 10;
/** A chain of several one-minute allocations; far longer on a loaded machine. */
const CHAIN_TIMEOUT = 900_000;

function simulationCopy(name: string): string {
  const dir = tempDir(name);
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

type Dump = { iterations: Record<string, unknown> };

function firstIterations(dump: unknown, n: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries((dump as Dump).iterations).filter(([name]) => Number(name.slice(5)) <= n));
}

const unavailable = slurmUnavailable();
/** The redis template needs the Redis work manager's `we worker` and a redis-server to start. */
const noWorkers = !existsSync(join(repoRoot, 'dist/cli/commands/worker.js'))
  ? '`we worker` is not built'
  : !existsSync('/usr/bin/redis-server')
    ? 'redis-server is not installed'
    : undefined;

describe.skipIf(unavailable)(`SLURM allocations${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let slurm: LocalSlurm;
  /** The same simulation run locally, to compare every SLURM run's west.h5 with. */
  let reference: Promise<unknown>;

  beforeAll(async () => {
    reference = (async () => {
      const dir = simulationCopy('slurm-reference');
      expect((await we(['init'], dir)).exitCode).toBe(0);
      const run = await we(['run'], dir);
      expect(run.exitCode, run.all).toBe(0);
      return h5pyJson(DUMP_RUN, join(dir, 'west.h5'));
    })();
    // Keep a failing reference from surfacing as an unhandled rejection before a test awaits it.
    reference.catch(() => undefined);
    slurm = await startLocalSlurm();
  });

  afterAll(async () => {
    // The local run must not outlive the file (its directory is removed after it).
    await reference?.catch(() => undefined);
    await slurm?.stop();
  });

  async function simulation(name: string): Promise<string> {
    const dir = simulationCopy(name);
    const init = await we(['init'], dir);
    expect(init.exitCode, init.all).toBe(0);
    return dir;
  }

  async function snapshot(dir: string): Promise<Snapshot> {
    const jobs = await we(['jobs', '--json'], dir, slurm.env);
    expect(jobs.exitCode, jobs.all).toBe(0);
    return JSON.parse(jobs.stdout) as Snapshot;
  }

  async function waitForJobs(dir: string, what: string, ready: (s: Snapshot) => boolean, seconds = 300): Promise<Snapshot> {
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
      const s = await snapshot(dir);
      if (ready(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${JSON.stringify(s, null, 1)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** `we jobs --watch`, which returns once no chain is active. */
  async function watchToTheEnd(dir: string): Promise<Snapshot> {
    const watch = await execa('node', [weBin, 'jobs', '--watch', '1'], { cwd: dir, env: slurm.env, reject: false, timeout: CHAIN_TIMEOUT });
    expect(watch.exitCode, watch.stderr).toBe(0);
    return snapshot(dir);
  }

  async function pendingInSlurm(): Promise<string> {
    return (await slurm.client('squeue', ['--noheader', '--states=PENDING', '--format=%i'])).trim();
  }

  /** At most one job of each allocation ever ran `we run`, and the iterations they ran follow on. */
  function expectOneRunPerAllocation(jobs: readonly Job[]): Job[] {
    const ran = jobs.filter((j) => j.started !== null).sort((x, y) => x.link - y.link);
    expect(new Set(ran.map((j) => j.link)).size).toBe(ran.length);
    return ran;
  }

  it(
    'submits a chain that runs the simulation to max_iterations across allocations, tracked through PD, R and D, ' +
      "cancelling the other profile's pending job, surviving a killed `we jobs`, and stopping itself",
    async () => {
      const dir = await simulation('slurm-chain');
      await slurm.setPartition('b', 'DOWN');
      try {
        const submit = await we(['submit'], dir, slurm.env);
        expect(submit.exitCode, submit.all).toBe(0);
        const watcher = execa('node', [weBin, 'jobs', '--watch', '1'], { cwd: dir, env: slurm.env, reject: false });
        expect(submit.stdout).toMatch(/submitted job \d+ \(profile a\): allocation 1/);
        expect(submit.stdout).toMatch(/submitted job \d+ \(profile b\): allocation 1/);
        expect(readFileSync(join(dir, 'slurm/job.sh'), 'utf8')).toContain('we run "${limit[@]}"');

        // Allocation 1 runs in partition a; its successor waits for it in SLURM's queue (afterany).
        const running = await waitForJobs(dir, 'allocation 1 running and allocation 2 pending', (s) =>
          s.jobs.some((j) => j.link === 1 && j.state === 'R' && j.firstIteration !== null) &&
          s.jobs.some((j) => j.link === 2 && j.profile === 'a' && j.state === 'PD' && /PENDING \(Dependency\)/.test(j.slurmState ?? '')),
        );
        const [first, other] = [running.jobs.find((j) => j.link === 1 && j.profile === 'a')!, running.jobs.find((j) => j.link === 1 && j.profile === 'b')!];
        expect(first.state).toBe('R');
        expect(running.jobs.find((j) => j.link === 2 && j.profile === 'a')!.after).toBe(first.slurmId);
        // Profile b's job, pending behind its partition, was cancelled once profile a's ran: in SLURM too.
        expect(other.state).toBe('CA');
        expect(other.reason).toBe(`job ${first.slurmId} (profile a) runs allocation 1`);
        expect((await slurm.client('squeue', ['--noheader', '--states=all', `--jobs=${other.slurmId}`, '--format=%T'])).trim()).toBe('CANCELLED');

        // `we jobs --watch` killed mid-chain; started again, it follows the chain to its end.
        watcher.kill('SIGKILL');
        expect((await watcher).signal).toBe('SIGKILL');
        const end = await watchToTheEnd(dir);

        expect(end.chains.at(-1)).toMatchObject({ state: 'completed', reason: expect.stringMatching(/the run is complete/) });
        const ran = expectOneRunPerAllocation(end.jobs);
        expect(ran.length).toBeGreaterThanOrEqual(2);
        expect(ran.every((j) => j.state === 'D' && j.profile === 'a' && j.exitCode === 0)).toBe(true);
        expect(ran[0].firstIteration).toBe(1);
        for (let k = 1; k < ran.length; k++) expect(ran[k].firstIteration).toBe(ran[k - 1].nextIteration);
        expect(ran.at(-1)!.nextIteration).toBe(MAX_ITERATIONS + 1);
        expect(end.jobs.filter((j) => j.profile === 'b').every((j) => j.state === 'CA')).toBe(true);
        // The chain stopped itself: nothing left waiting, in the store or in SLURM.
        expect(end.jobs.filter((j) => j.state === 'NS' || j.state === 'PD' || j.state === 'R')).toEqual([]);
        expect(await pendingInSlurm()).toBe('');
        expect(await h5pyJson(DUMP_RUN, join(dir, 'west.h5'))).toEqual(await reference);
      } finally {
        await slurm.setPartition('b', 'UP');
      }
    },
    CHAIN_TIMEOUT,
  );

  it('goes on after an allocation fails for real (its `we run` killed with SIGKILL), one job per allocation of two racing profiles, to the same west.h5 as a local run', async () => {
    const dir = simulationCopy('slurm-failure');
    // Three iterations are enough here: allocation 1 is killed during the first.
    writeFileSync(join(dir, 'we.yaml'), readFileSync(join(dir, 'we.yaml'), 'utf8').replace(`max_iterations: ${MAX_ITERATIONS}`, 'max_iterations: 3'));
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const submit = await we(['submit'], dir, slurm.env);
    expect(submit.exitCode, submit.all).toBe(0);

    const statusFile = join(dir, 'we-status.json');
    let pid = 0;
    await waitForJobs(dir, '`we run` running in allocation 1', () => {
      const status = existsSync(statusFile) ? (JSON.parse(readFileSync(statusFile, 'utf8')) as { state: string; pid: number }) : undefined;
      pid = status?.state === 'running' ? status.pid : 0;
      return pid !== 0 && existsSync(`/proc/${pid}`);
    });
    process.kill(pid, 'SIGKILL');
    expect(await gone(pid)).toBe(true);

    const end = await watchToTheEnd(dir);
    expect(end.chains.at(-1)!.state).toBe('completed');
    const ran = expectOneRunPerAllocation(end.jobs);
    const failed = ran.find((j) => j.state === 'F')!;
    expect(failed).toMatchObject({ link: 1, exitCode: 137, reason: 'we run exited with 137' });
    expect(ran.filter((j) => j.link > 1).every((j) => j.state === 'D')).toBe(true);
    expect(ran.at(-1)!.nextIteration).toBe(4);
    // Each allocation went to both profiles; whichever job did not run it was cancelled or stood down.
    expect(end.jobs.filter((j) => j.started === null).every((j) => j.state === 'CA')).toBe(true);
    expect(await pendingInSlurm()).toBe('');
    expect(firstIterations(await h5pyJson(DUMP_RUN, join(dir, 'west.h5')), 3)).toEqual(firstIterations(await reference, 3));
  }, CHAIN_TIMEOUT);

  it.skipIf(noWorkers)(
    `runs the redis template: a Redis server started in the allocation, the driver and a \`we worker\` per node through srun${noWorkers ? ` (skipped: ${noWorkers})` : ''}`,
    async () => {
      const dir = simulationCopy('slurm-redis');
      writeFileSync(join(dir, 'we.yaml'), readFileSync(join(dir, 'we.yaml'), 'utf8').replace(`max_iterations: ${MAX_ITERATIONS}`, 'max_iterations: 3'));
      expect((await we(['init'], dir)).exitCode).toBe(0);
      const submit = await we(['submit', '--profile', 'a', '--template', 'redis'], dir, { ...slurm.env, WE_REDIS_URL: '' });
      expect(submit.exitCode, submit.all).toBe(0);

      const end = await watchToTheEnd(dir);
      const logs = readdirSync(join(dir, 'slurm/logs')).map((f) => `${f}:\n${readFileSync(join(dir, 'slurm/logs', f), 'utf8')}`);
      expect(end.chains.at(-1)!.state, [end.chains.at(-1)!.reason, ...logs].join('\n')).toBe('completed');
      const ran = expectOneRunPerAllocation(end.jobs);
      expect(ran.every((j) => j.state === 'D')).toBe(true);
      expect(ran.at(-1)!.nextIteration).toBe(4);
      // The server kept its data beside the simulation and is gone with the allocation.
      const conf = readFileSync(join(dir, `slurm/redis/redis-${ran[0].slurmId}.conf`), 'utf8');
      expect(conf).toMatch(/^requirepass [0-9a-f]{64}$/m);
      expect(existsSync(join(dir, 'slurm/redis/appendonlydir'))).toBe(true);
      const port = /^port (\d+)$/m.exec(conf)![1];
      expect((await execa('redis-cli', ['-p', port, 'ping'], { reject: false })).exitCode).not.toBe(0);
      expect(firstIterations(await h5pyJson(DUMP_RUN, join(dir, 'west.h5')), 3)).toEqual(firstIterations(await reference, 3));
    },
    CHAIN_TIMEOUT,
  );

  it('resubmits an allocation that failed before its script ran, up to the tries, then ends the chain as failed', async () => {
    const dir = await simulation('slurm-tries');
    await slurm.setPartition('b', 'DOWN');
    try {
      const submit = await we(['submit', '--profile', 'b', '--tries', '2'], dir, slurm.env);
      expect(submit.exitCode, submit.all).toBe(0);
      // Without its output directory the job cannot be launched: SLURM fails it before the script runs.
      rmSync(join(dir, 'slurm/logs'), { recursive: true });
      await slurm.setPartition('b', 'UP');

      const end = await watchToTheEnd(dir);
      expect(end.chains.at(-1)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^2 allocation\(s\) in a row failed; the last: job \d+: SLURM: FAILED \(JobLaunchFailure\)/) });
      // SLURM shows a job RUNNING for a moment before its launch fails; a poll that saw it so has already
      // submitted the successor, which the chain's end then cancelled.
      const failed = end.jobs.filter((j) => j.state === 'F');
      expect(failed.map((j) => [j.link, j.slurmState])).toEqual([
        [1, 'FAILED (JobLaunchFailure)'],
        [2, 'FAILED (JobLaunchFailure)'],
      ]);
      expect(end.jobs.filter((j) => j.state !== 'F').every((j) => j.state === 'CA' && j.link === 3)).toBe(true);
      expect(await pendingInSlurm()).toBe('');
    } finally {
      await slurm.setPartition('b', 'UP');
    }
  }, CHAIN_TIMEOUT);
});
