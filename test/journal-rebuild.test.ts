import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson, systemPython } from './helpers/h5py.js';
import { execa } from 'execa';

const ITERATIONS = '8';
type Dump = { current: number; iterations: Record<string, unknown> };

const dump = (dir: string) => h5pyJson<Dump>(DUMP_RUN, join(dir, 'west.h5'));
const journals = (dir: string) => [0, 1].map((k) => join(dir, `west.h5.journal.${k}`));
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('we: warning:'));

/** The flux and weight figures of we-status.json, which the journal's history feeds. */
function statusFigures(dir: string) {
  const { targets, totalWeight, walkers, occupiedBins, iteration } = JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8'));
  return { targets, totalWeight, walkers, occupiedBins, iteration };
}

async function initialised(): Promise<string> {
  const dir = copyExample('odld');
  const init = await we(['init'], dir);
  expect(init.exitCode, init.all).toBe(0);
  return dir;
}

async function runTo(dir: string, iteration: string): Promise<Awaited<ReturnType<typeof we>>> {
  const run = await we(['run', '--max-iter', iteration], dir);
  expect(run.exitCode, run.all).toBe(0);
  return run;
}

describe('a lost journal: the run goes on from west.h5', () => {
  let reference: Dump;
  let referenceStatus: ReturnType<typeof statusFigures>;
  beforeAll(async () => {
    const dir = await initialised();
    await runTo(dir, ITERATIONS);
    reference = await dump(dir);
    referenceStatus = statusFigures(dir);
  });

  it('resumes bit for bit after both journal files are deleted, warning once that the journal was rebuilt', async () => {
    const dir = await initialised();
    await runTo(dir, '4');
    journals(dir).forEach((j) => rmSync(j));
    const resumed = await runTo(dir, ITERATIONS);
    const told = warnings(resumed.stderr);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/rebuilt the journal .*west\.h5\.journal\.0, \.1\) from .*west\.h5 at iteration 5; .*continues exactly as it would have/);
    expect(await dump(dir)).toEqual(reference);
    expect(statusFigures(dir)).toEqual(referenceStatus);
    // the next run has its journal again and says nothing
    const again = await runTo(dir, ITERATIONS);
    expect(warnings(again.stderr)).toEqual([]);
  });

  it('resumes bit for bit when both journal slots are damaged, naming them', async () => {
    const dir = await initialised();
    await runTo(dir, '3');
    journals(dir).forEach((j) => writeFileSync(j, 'WEJ2 not a journal'));
    const resumed = await runTo(dir, ITERATIONS);
    const told = warnings(resumed.stderr);
    expect(told[0]).toMatch(/no intact journal slot .*west\.h5\.journal\.0.*west\.h5\.journal\.1.*both are damaged/);
    expect(told[1]).toMatch(/rebuilt the journal .* at iteration 4/);
    expect(await dump(dir)).toEqual(reference);
  });

  it('truncates without a journal, naming the file\'s own iteration when asked for one beyond it, and re-runs identically', async () => {
    const dir = await initialised();
    await runTo(dir, ITERATIONS);
    journals(dir).forEach((j) => rmSync(j));
    const beyond = await we(['truncate', '10'], dir);
    expect(beyond.exitCode).toBe(1);
    expect(beyond.stderr).toMatch(/expected an iteration between 1 and 9 \(the current one\), got 10/);
    const cut = await we(['truncate', '5'], dir);
    expect(cut.exitCode, cut.all).toBe(0);
    expect(warnings(cut.stderr)[0]).toMatch(/rebuilt the journal .* at iteration 5/);
    expect((await dump(dir)).current).toBe(5);
    await runTo(dir, ITERATIONS);
    expect(await dump(dir)).toEqual(reference);
  });

  it('refuses, naming what is missing and leaving the files alone, when west.h5 itself is incomplete', async () => {
    const dir = await initialised();
    await runTo(dir, '4');
    journals(dir).forEach((j) => rmSync(j));
    // h5py deletes the current iteration's segment index (as a damaged or hand-edited file would lack it)
    const cut = await execa(systemPython, ['-c', 'import sys, h5py; f = h5py.File(sys.argv[1], "a"); del f["iterations/iter_00000005/seg_index"]', join(dir, 'west.h5')]);
    expect(cut.exitCode).toBe(0);
    const before = readFileSync(join(dir, 'west.h5'));
    const refused = await we(['run', '--max-iter', ITERATIONS], dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/west\.h5\.journal: cannot continue from iteration 5: .*west\.h5:\/iterations\/iter_00000005\/seg_index: dataset missing/);
    expect(readFileSync(join(dir, 'west.h5')).equals(before)).toBe(true);
    expect(journals(dir).map((j) => { try { readFileSync(j); return true; } catch { return false; } })).toEqual([false, false]);
  });
});
