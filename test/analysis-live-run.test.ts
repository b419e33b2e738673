/**
 * Analysis beside a running `we run`: pdist and trace, started again and again while the run commits iterations
 * to west.h5, succeed and see exactly the complete iterations as the finished file holds them (no lock taken, no
 * half-written iteration read).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we, weBin } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';

const ITERATIONS = 400;
const BINS = '[[0,1,2,3,4,5,6,7,8,9,10.5]]';

const HISTOGRAMS = `
import sys, json, h5py
p = h5py.File(sys.argv[1], 'r')
print(json.dumps({'n_iter': p['n_iter'][...].tolist(), 'histograms': p['histograms'][...].tobytes().hex()}))
`;

describe('analysis while a run is writing west.h5', () => {
  it('reads only complete iterations, the same as the finished file holds them', async () => {
    const dir = copyExample('odld');
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/max_iterations: \d+/, `max_iterations: ${ITERATIONS}`));
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = execa('node', [weBin, 'run'], { cwd: dir, reject: false, all: true });
    let running = true;
    void run.finally(() => (running = false));

    const live: { file: string; last: number }[] = [];
    const traces: { last: number; stdout: string }[] = [];
    for (let k = 0; running; k++) {
      const file = `live-${k}.h5`;
      const pdist = await we(['pdist', '--bins', BINS, '-o', file], dir);
      if (pdist.exitCode !== 0 && /holds no complete iteration yet/.test(pdist.stderr)) continue;
      expect(pdist.exitCode, pdist.all).toBe(0);
      const last = Number(/iterations 1 to (\d+)/.exec(pdist.stdout)![1]);
      live.push({ file, last });
      const trace = await we(['trace', String(last), '0', '--json'], dir);
      expect(trace.exitCode, trace.all).toBe(0);
      traces.push({ last, stdout: trace.stdout });
    }
    const finished = await run;
    expect(finished.exitCode, finished.all).toBe(0);

    // the race happened: several reads while iterations were still being added
    const duringRun = live.filter((l) => l.last < ITERATIONS);
    expect(duringRun.length).toBeGreaterThanOrEqual(2);
    expect(new Set(duringRun.map((l) => l.last)).size).toBeGreaterThanOrEqual(2);

    // with fixed bins each iteration's histogram stands alone: the live files are the first rows of the final one
    const final = await we(['pdist', '--bins', BINS, '-o', 'final.h5'], dir);
    expect(final.exitCode, final.all).toBe(0);
    const whole = await h5pyJson<{ n_iter: number[]; histograms: string }>(HISTOGRAMS, join(dir, 'final.h5'));
    expect(whole.n_iter).toHaveLength(ITERATIONS);
    const rowHex = whole.histograms.length / ITERATIONS;
    for (const { file, last } of live) {
      const then = await h5pyJson<{ n_iter: number[]; histograms: string }>(HISTOGRAMS, join(dir, file));
      expect(then.n_iter).toEqual(whole.n_iter.slice(0, last));
      expect(then.histograms).toBe(whole.histograms.slice(0, last * rowHex));
    }
    for (const { last, stdout } of [traces[0], traces[traces.length - 1]]) {
      const again = await we(['trace', String(last), '0', '--json'], dir);
      expect(again.stdout).toBe(stdout);
    }
  }, 400_000);
});
