import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyExample, startWe, we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';

const ITERATIONS = '12';

async function dump(dir: string) {
  return h5pyJson<{ current: number; iterations: Record<string, unknown> }>(DUMP_RUN, join(dir, 'west.h5'));
}

async function undisturbedRun(): Promise<string> {
  const dir = await initialised();
  const run = await we(['run', '--max-iter', ITERATIONS], dir);
  expect(run.exitCode, run.all).toBe(0);
  return dir;
}

/** `we run` to the end after whatever happened to `dir`, then the file must equal the reference bit for bit. */
async function resumeAndCompare(dir: string, reference: Awaited<ReturnType<typeof dump>>): Promise<void> {
  const finish = await we(['run', '--max-iter', ITERATIONS], dir);
  expect(finish.exitCode, finish.all).toBe(0);
  expect(await dump(dir)).toEqual(reference);
}

/** A fresh copy of the example, initialised. */
async function initialised(): Promise<string> {
  const dir = copyExample('odld');
  expect((await we(['init'], dir)).exitCode).toBe(0);
  return dir;
}

describe('restart safety: kill -9 at any point, then `we run` again, equals the undisturbed run', () => {
  it('survives SIGKILL at named points: after propagation, after resampling, after the journal, inside the HDF5 write', async () => {
    const reference = await dump(await undisturbedRun());
    const dir = await initialised();
    for (const fault of ['propagated:2', 'resampled:4', 'journaled:6', 'store-midwrite:8', 'store-midwrite:9', 'committed:10']) {
      const crashed = await we(['run', '--max-iter', ITERATIONS], dir, { WE_FAULT: fault });
      expect(crashed.signal, `${fault}: ${crashed.all}`).toBe('SIGKILL');
    }
    await resumeAndCompare(dir, reference);
  });

  it('survives SIGKILL at arbitrary times from outside the process', async () => {
    const reference = await dump(await undisturbedRun());
    const dir = await initialised();
    // Node starts in ~0.1-0.2 s; the delays spread the kills over start-up, propagation and writes.
    for (const delayMs of [250, 330, 410, 490, 570]) {
      const child = startWe(['run', '--max-iter', ITERATIONS], dir);
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await child;
    }
    await resumeAndCompare(dir, reference);
  });

  it('stops cleanly on SIGTERM and resumes to the same result', async () => {
    const reference = await dump(await undisturbedRun());
    const dir = await initialised();
    const child = startWe(['run', '--max-iter', ITERATIONS], dir);
    // Signal once the run is under way (its first iteration logged), whatever the machine's start-up time.
    await new Promise<void>((resolve) => child.stderr?.on('data', (chunk: Buffer) => /iteration 1:/.test(String(chunk)) && resolve()));
    child.kill('SIGTERM');
    const stopped = await child;
    expect(stopped.exitCode, stopped.all).toBe(143);
    expect(stopped.stdout).toMatch(/^stopped: stopped by signal/m);
    await resumeAndCompare(dir, reference);
  });

  it('truncates like w_truncate and re-runs the removed iterations identically', async () => {
    const dir = await undisturbedRun();
    const reference = await dump(dir);
    const cut = await we(['truncate', '5'], dir);
    expect(cut.exitCode, cut.all).toBe(0);
    const afterCut = await dump(dir);
    expect(afterCut.current).toBe(5);
    expect(Object.keys(afterCut.iterations)).toHaveLength(5);
    await resumeAndCompare(dir, reference);
  });
});
