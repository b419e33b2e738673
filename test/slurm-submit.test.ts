/**
 * `we submit` and `we jobs` where no SLURM is needed: the written batch script, the sbatch options of each
 * profile (--dry-run), and the mistakes they refuse before anything is submitted.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseConfigText } from '../core/config/load.js';
import { WeError } from '../core/errors.js';
import { renderBatchScript } from '../plugins/cluster/batch-script.js';
import { JobStore } from '../plugins/cluster/store/job-store.js';
import { repoRoot, we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

function simulationCopy(): string {
  const dir = tempDir('submit');
  cpSync(join(repoRoot, 'test/fixtures/slurm-odld'), dir, { recursive: true });
  return dir;
}

async function initialised(): Promise<string> {
  const dir = simulationCopy();
  expect((await we(['init'], dir)).exitCode).toBe(0);
  return dir;
}

describe('we submit without submitting', () => {
  it('writes slurm/job.sh from the template and prints the sbatch command of each profile (--dry-run)', async () => {
    const dir = await initialised();
    const dry = await we(['submit', '--dry-run', '--account', 'chm155'], dir);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([
      'sbatch --partition=a --account=chm155 --time=00:01:00 slurm/job.sh    # profile a',
      'sbatch --partition=b --account=chm155 --time=00:01:00 slurm/job.sh    # profile b',
    ]);
    const script = join(dir, 'slurm/job.sh');
    expect(statSync(script).mode & 0o111).toBe(0o111);
    const text = readFileSync(script, 'utf8');
    expect(text).not.toMatch(/\{\{/);
    expect(text).toContain(`--config ${join(dir, 'we.yaml')}`);
    expect(text).toContain(`cd ${dir} || exit`);
    // The script is valid bash, and nothing was submitted.
    expect((await execa('bash', ['-n', script], { reject: false })).exitCode).toBe(0);
    expect(JSON.parse((await we(['jobs', '--json'], dir)).stdout)).toEqual({ chains: [], jobs: [] });
  });

  it('takes one profile by name, with flags over we.yaml', async () => {
    const dir = await initialised();
    const dry = await we(['submit', '--dry-run', '--profile', 'b', '--time', '1-00:00:00', '--partition', 'gpu'], dir);
    expect(dry.stdout).toBe('sbatch --partition=gpu --time=1-00:00:00 slurm/job.sh    # profile b');
  });

  it('refuses what it cannot submit, naming the flag, profile or file', async () => {
    const fresh = simulationCopy();
    expect((await we(['submit', '--dry-run'], fresh)).stderr).toMatch(/no status file: run `we init` first/);

    const dir = await initialised();
    // Exit status 2 for a command line that cannot be read, 1 for one that asks for what cannot be done.
    const cases: [string[], number, RegExp][] = [
      [['--profile', 'gpu'], 1, /we\.yaml: --profile: no profile 'gpu' in we\.yaml \(cluster\.profiles has a, b\)/],
      [['--partition', 'x'], 1, /--partition: names one partition, but 2 profiles are chosen \(a, b\); pick one with --profile/],
      [['--nodes', '2'], 1, /profile 'a' asks for 2 nodes, but the local template runs segments on the first node only: use --template redis/],
      [['--template', 'pbs'], 1, /cluster\.template: no built-in template 'pbs' \(expected local or redis/],
      [['--time', '90'], 2, /--time: expected HH:MM:SS or D-HH:MM:SS, got '90'/],
      [['--time', '00:00:00'], 2, /--time: expected a time limit above zero, got '00:00:00'/],
    ];
    for (const [flags, status, message] of cases) {
      const result = await we(['submit', '--dry-run', ...flags], dir);
      expect(result.exitCode, flags.join(' ')).toBe(status);
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(join(dir, 'slurm/job.sh'))).toBe(false);
  });

  it('refuses to submit a run that is already complete', async () => {
    const dir = await initialised();
    writeFileSync(join(dir, 'we.yaml'), readFileSync(join(dir, 'we.yaml'), 'utf8').replace(/max_iterations: \d+/, 'max_iterations: 1'));
    writeFileSync(join(dir, 'runseg.sh'), readFileSync(join(dir, 'runseg.sh'), 'utf8').replace(/^sleep \d+$/m, ':'));
    expect((await we(['run'], dir)).exitCode).toBe(0);
    const submit = await we(['submit'], dir);
    expect(submit.exitCode).toBe(1);
    expect(submit.stderr).toMatch(/nothing to submit: the run is complete \(next iteration 2, max_iterations 1\); raise max_iterations/);
  });

  it('says where `we jobs begin` and `end` belong when run outside a job', async () => {
    const dir = await initialised();
    const begin = await we(['jobs', 'begin'], dir, { SLURM_JOB_ID: '' });
    expect(begin.stderr).toMatch(/`we jobs begin` is run by the batch script inside a job \(SLURM_JOB_ID is not set\)/);
    const end = await we(['jobs', 'end', 'x'], dir);
    expect(end.exitCode).toBe(2);
    expect(end.stderr).toMatch(/jobs end: expected an exit code 0-255, got 'x'/);
    expect((await we(['jobs'], dir)).stdout).toBe('no allocations yet: submit with `we submit`');
  });
});

describe('we jobs and we submit without SLURM to ask', () => {
  /** A PATH with node and nothing else: no sbatch, no squeue. */
  function pathWithoutSlurm(): string {
    const bin = tempDir('bin');
    symlinkSync(process.execPath, join(bin, 'node'));
    return bin;
  }

  it('we submit says no allocation could be submitted, and why', async () => {
    const dir = await initialised();
    const submit = await we(['submit', '--profile', 'a', '--tries', '1'], dir, { PATH: pathWithoutSlurm() });
    expect(submit.exitCode).toBe(1);
    expect(submit.stderr).toMatch(/no allocation could be submitted: 1 allocation\(s\) in a row failed; the last: job -: sbatch not found on the PATH/);
  });

  it('shows the allocations as last stored, warns and exits 1', async () => {
    const dir = await initialised();
    mkdirSync(join(dir, 'slurm'));
    const store = new JobStore(join(dir, 'slurm/jobs.sqlite'));
    store.transaction(() => {
      const chain = store.addChain({ tries: 3, margin: null, profiles: [{ name: 'a', args: [] }] });
      const job = store.addJob({ chain, link: 1, profile: 'a', after: null, args: () => [] });
      store.updateJob(job, { state: 'PD', slurmId: '4242' });
    });
    store.close();
    const jobs = await we(['jobs'], dir, { PATH: pathWithoutSlurm() });
    expect(jobs.exitCode).toBe(1);
    expect(jobs.stderr).toMatch(/^we: warning: the allocations could not be brought up to date \(squeue not found on the PATH: .*\); as last stored:/);
    expect(jobs.stdout).toMatch(/^chain 1: active; profiles a; tries 3\nalloc +profile +job +state.*\n1 +a +4242 +PD/);
  });
});

describe('the cluster section of we.yaml and batch script templates', () => {
  const BASE = `pcoord: {ndim: 1, len: 3}
binning: {mapper: {type: rectilinear, boundaries: [[-.inf, 1, .inf]]}, target_counts: 1}
basis_states: [{label: s, probability: 1, pcoord: [0.5]}]
propagator: {name: odld}
max_iterations: 2
seed: 1
`;

  async function errorOf(text: string): Promise<string> {
    try {
      await parseConfigText(BASE + text, 'we.yaml');
    } catch (error) {
      if (error instanceof WeError) return error.message;
      throw error;
    }
    throw new Error('expected a configuration error');
  }

  it('reads profiles, defaults, tries and margin', async () => {
    const config = await parseConfigText(
      BASE + `cluster:\n  account: chm155\n  sbatch: [--qos=high]\n  margin: "00:10:00"\n  profiles:\n    summit: {partition: batch, nodes: 4, time: "2:00:00", sbatch: [--gpus-per-node=6]}\n`,
      'we.yaml',
    );
    expect(config.cluster).toEqual({
      template: 'local',
      tries: 3,
      margin: 600,
      defaults: { account: 'chm155', sbatch: ['--qos=high'] },
      profiles: { summit: { partition: 'batch', nodes: 4, time: 7200, sbatch: ['--gpus-per-node=6'] } },
    });
  });

  it('points at the line of a mistake in it', async () => {
    expect(await errorOf('cluster:\n  profiles:\n    a: {partition: a, time: 90}\n')).toMatch(/^we\.yaml:9:29: cluster\.profiles\.a\.time: expected a duration/);
    expect(await errorOf('cluster:\n  trys: 3\n')).toMatch(/^we\.yaml:8:3: cluster: unknown key 'trys'; did you mean 'tries'\?/);
    expect(await errorOf('cluster:\n  sbatch: [qos=high]\n')).toMatch(/cluster\.sbatch\[0\]: expected an sbatch option starting with '-'/);
  });

  it('fills a template and names the line of an unknown placeholder', () => {
    const values = { we: 'node we.js', config: '/sim/we.yaml', sim_root: '/sim' };
    expect(renderBatchScript('cd {{sim_root}}\n{{ we }} run --config {{config}}', 'job.sh', values)).toBe('cd /sim\nnode we.js run --config /sim/we.yaml');
    expect(() => renderBatchScript('#!/bin/bash\n{{we}} run {{wallclock}}', 'job.sh', values)).toThrow(
      /^job\.sh:2: unknown placeholder \{\{wallclock\}\}; a template may use \{\{we\}\}, \{\{config\}\}, \{\{sim_root\}\}$/,
    );
  });
});
