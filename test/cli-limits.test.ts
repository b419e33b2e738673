import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';

describe('we run limits and command-line mistakes', () => {
  it('stops before the wallclock limit, judging from past iteration times, and says why', async () => {
    const dir = copyExample('odld');
    const config = readFileSync(join(dir, 'we.yaml'), 'utf8').replace('max_iterations: 30', 'max_iterations: 100000');
    writeFileSync(join(dir, 'we.yaml'), config);
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = await we(['run', '--max-wallclock', '00:00:03'], dir);
    expect(run.exitCode, run.all).toBe(0);
    // The run's own clock, not the test's: a loaded machine slows Node's start-up, which the limit does not count.
    const stop = /^stopped: wallclock: ([\d.]+) s used, next iteration predicted ([\d.]+) s, limit 3 s/m.exec(run.stdout);
    expect(stop, run.stdout).not.toBeNull();
    const [used, predicted] = [Number(stop![1]), Number(stop![2])];
    const rounding = 0.1; // the message gives both to 0.1 s
    expect(used + predicted).toBeGreaterThan(3 - rounding);
    // Each iteration started only when the longest recent one still fitted: the last can overrun by no more.
    expect(used).toBeLessThanOrEqual(3 + predicted + rounding);
    const status = JSON.parse((await we(['status', '--json'], dir)).stdout);
    expect(status.state).toBe('stopped');
    expect(status.iteration).toBeGreaterThan(2);
  });

  it('stops at --max-iter and continues from there on the next call', async () => {
    const dir = copyExample('odld');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '3'], dir)).exitCode).toBe(0);
    expect(JSON.parse((await we(['status', '--json'], dir)).stdout).iteration).toBe(4);
    const more = await we(['run', '--max-iter', '5'], dir);
    expect(more.stdout).toMatch(/2 iteration\(s\) run, next is 6/);
  });

  it('names the flag and what was expected for malformed arguments', async () => {
    const dir = copyExample('odld');
    const wallclock = await we(['run', '--max-wallclock', '90 minutes'], dir);
    expect(wallclock.exitCode).toBe(2);
    expect(wallclock.stderr).toMatch(/--max-wallclock: expected HH:MM:SS or D-HH:MM:SS, got '90 minutes'/);
    const iter = await we(['run', '--max-iter', '0'], dir);
    expect(iter.stderr).toMatch(/--max-iter: expected a positive integer, got '0'/);
    const unknown = await we(['frobnicate'], dir);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const truncate = await we(['truncate'], dir);
    expect(truncate.stderr).toMatch(/missing required argument 'N' \(see 'we truncate --help'\)/);
  });

  it('points at the we.yaml line of a misspelt key before touching anything', async () => {
    const dir = copyExample('odld');
    writeFileSync(join(dir, 'we.yaml'), readFileSync(join(dir, 'we.yaml'), 'utf8').replace('binning:', 'bining:'));
    const init = await we(['init'], dir);
    expect(init.exitCode).toBe(1);
    expect(init.stderr).toMatch(/we\.yaml:\d+:1: unknown key 'bining'; did you mean 'binning'\?/);
  });

  it('refuses to run on a west.h5 that is not ours, leaving it unchanged', async () => {
    const dir = copyExample('odld');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    writeFileSync(join(dir, 'west.h5'), 'this is not an HDF5 file\n');
    const run = await we(['run'], dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/west\.h5/);
    expect(readFileSync(join(dir, 'west.h5'), 'utf8')).toBe('this is not an HDF5 file\n');
  });
});
