import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot, startWe, we } from './helpers/cli.js';
import { gone, processesWithEnv } from './helpers/processes.js';
import { h5pyJson } from './helpers/h5py.js';
import { tempDir } from './helpers/temp-dir.js';

function flakySim(): string {
  const dir = tempDir('flaky');
  cpSync(join(repoRoot, 'test/fixtures/flaky-sim'), dir, { recursive: true });
  return dir;
}

/** flaky-sim with `slots` slots and as many walkers per bin, so that iteration 1 fills every slot. */
function flakySimWithSlots(slots: number): string {
  const dir = flakySim();
  const config = readFileSync(join(dir, 'we.yaml'), 'utf8').replace('slots: 2', `slots: ${slots}`).replace('target_counts: 2', `target_counts: ${slots}`);
  writeFileSync(join(dir, 'we.yaml'), config);
  return dir;
}

const CURRENT = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
print(json.dumps({'current': int(f.attrs['west_current_iteration']), 'groups': sorted(f['iterations'])}))
`;

describe('failing segments with a real run script', () => {
  it('retries a transient failure and goes on', async () => {
    const dir = flakySim();
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = await we(['run'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(existsSync(join(dir, 'failed-once-2-1'))).toBe(true);
    // The failed attempt's log is kept beside the retry's.
    expect(readFileSync(join(dir, 'seg_logs/iter_000002_seg_000001.log'), 'utf8')).toBe('transient failure\n');
    expect(readFileSync(join(dir, 'seg_logs/iter_000002_seg_000001.log.1'), 'utf8')).toBe('');
    expect(run.stdout).toMatch(/completed: reached iteration limit 4/);
    // Two slots: every segment learns which one runs it, as WESTPA's WM_PROCESS_INDEX.
    const slots = readFileSync(join(dir, 'slots.log'), 'utf8').trim().split('\n');
    expect(new Set(slots)).toEqual(new Set(['0', '1']));
  });

  it('stops after the configured retries, naming iteration, segment and log, with west.h5 consistent; a later run resumes', async () => {
    const dir = flakySim();
    expect((await we(['init'], dir)).exitCode).toBe(0);
    writeFileSync(join(dir, 'always-fail'), '');
    const failed = await we(['run'], dir);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/iteration 3, segment \d+ failed after 3 attempt\(s\)/);
    expect(failed.stderr).toMatch(/exit code 9|exited with code 9|code 9/);
    // The error names the last attempt's log; every attempt's is kept.
    const segment = /iteration 3, segment (\d+) failed/.exec(failed.stderr)![1].padStart(6, '0');
    expect(failed.stderr).toContain(`seg_logs/iter_000003_seg_${segment}.log.2: iteration 3, segment`);
    for (const log of ['.log', '.log.1', '.log.2']) {
      expect(readFileSync(join(dir, `seg_logs/iter_000003_seg_${segment}${log}`), 'utf8')).toMatch(/engine crashed/);
    }
    expect(failed.stderr).toMatch(/engine crashed: segmentation fault in pmemd/);
    const status = JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8'));
    expect(status.state).toBe('failed');
    expect(status.iteration).toBe(3);
    expect(await h5pyJson(CURRENT, join(dir, 'west.h5'))).toEqual({
      current: 3,
      groups: ['iter_00000001', 'iter_00000002', 'iter_00000003'],
    });

    rmSync(join(dir, 'always-fail'));
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stdout).toMatch(/2 iteration\(s\) run, next is 5/);
  });

  it('leaves no run script behind when the engine is killed with SIGKILL, and the next run resumes', async () => {
    const dir = flakySim();
    expect((await we(['init'], dir)).exitCode).toBe(0);
    writeFileSync(join(dir, 'hang'), '');
    const engine = startWe(['run'], dir);
    const sleepers = () => readdirSync(dir).filter((f) => f.startsWith('sleeper-'));
    // Two slots: both of iteration 2's first segments hang (waiting up to 60 s: a loaded machine starts the run slowly).
    for (let i = 0; i < 3000 && sleepers().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sleepers().length).toBe(2);
    engine.kill('SIGKILL');
    await engine;
    // The launchers see the engine's pipe close and kill their scripts' process groups.
    for (const file of sleepers()) expect(await gone(Number(readFileSync(join(dir, file), 'utf8')))).toBe(true);
    // The killed engine could not remove its return-file directory; the next engine does.
    const abandoned = () => readdirSync('/dev/shm').filter((f) => f.startsWith(`we-returns-${engine.pid}-`));
    expect(abandoned()).toHaveLength(1);

    rmSync(join(dir, 'hang'));
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stdout).toMatch(/completed: reached iteration limit 4/);
    expect(abandoned()).toEqual([]);
  });

  for (const slots of [2, 4]) {
    it(`with ${slots} slots, a final failure stops the other slots' scripts and exits 1 at once`, async () => {
      const dir = flakySimWithSlots(slots);
      expect((await we(['init'], dir)).exitCode).toBe(0);
      writeFileSync(join(dir, 'fail-one-hang-rest'), String(slots - 1));
      const tag = randomUUID();
      // The other slots' scripts sleep 120 s; a run that waited for them (or hung) would outlast the test's timeout.
      const failed = await we(['run'], dir, { WE_TEST_TAG: tag });
      const exited = Date.now() / 1000;
      expect(failed.exitCode, failed.all).toBe(1);
      expect(failed.stderr).toMatch(/iteration 1, segment 0 failed after 3 attempt\(s\)/);
      const sleepers = readdirSync(dir).filter((f) => f.startsWith('sleeper-'));
      expect(sleepers).toHaveLength(slots - 1);
      // Measured in bench/failure-exit.ts; here only "long before the sleeps would end", for a loaded machine.
      const failedAt = Number(readFileSync(join(dir, 'failed-at'), 'utf8'));
      expect(exited - failedAt).toBeLessThan(30);
      for (const file of sleepers) expect(await gone(Number(readFileSync(join(dir, file), 'utf8')))).toBe(true);
      // No launcher, script or sleep of that run is left (all inherited the tag).
      expect(await processesWithEnv('WE_TEST_TAG', tag)).toEqual([]);
      expect(JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8')).state).toBe('failed');
    });
  }
});
