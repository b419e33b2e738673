/**
 * `we status --watch` follows a real run from we-status.json: one line per new iteration when its output is not a
 * terminal, an in-place redraw on a terminal (a real pseudo-terminal from util-linux's `script`), without west.h5,
 * and Ctrl-C (SIGINT) ends it with status 0.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we, weBin } from './helpers/cli.js';

const LINE = /^\S+Z (initialized|running|completed)( \([^)]*\))?: iteration (\d+) of 300 complete, ETA (\S+); rate (\?|\S+ iterations\/h \(\S+ s each\)); (\d+) walkers in (\d+) bins; flux into 'bound': last \S+, mean \S+ per iteration$/;

describe('we status --watch', () => {
  it('prints a line per iteration while a run goes, redraws in place on a terminal, and ends on Ctrl-C', async () => {
    const dir = copyExample('odld');
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/max_iterations: \d+/, 'max_iterations: 300'));
    expect((await we(['init'], dir)).exitCode).toBe(0);

    const run = execa('node', [weBin, 'run'], { cwd: dir, reject: false, all: true });
    const watch = execa('node', [weBin, 'status', '--watch', '--interval', '0.1'], { cwd: dir, reject: false });
    const seen = new Set<number>();
    let runningSeen = 0;
    watch.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const match = LINE.exec(line);
        if (match?.[1] === 'running') runningSeen++;
        if (match) seen.add(Number(match[3]));
      }
    });
    const ran = await run;
    expect(ran.exitCode, ran.all).toBe(0);
    await new Promise((done) => setTimeout(done, 1000));
    watch.kill('SIGINT');
    const watched = await watch;
    expect(watched.exitCode, watched.stderr).toBe(0);
    const lines = watched.stdout.split('\n').filter(Boolean);
    expect(lines.every((line) => LINE.test(line)), `${lines.join("\n")}\n--- run:\n${ran.all}`).toBe(true);
    // it followed the run: several iterations while it was running, and the end
    expect(runningSeen).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...seen)).toBe(300);
    expect(lines.at(-1)).toMatch(/completed \(reached iteration limit 300\): iteration 300 of 300 complete, ETA done/);

    // on a terminal, without west.h5 (the watch never opens it): drawn, then redrawn over itself
    rmSync(join(dir, 'west.h5'));
    const tty = await execa('script', ['-qfec', `timeout -s INT 8 node ${weBin} status --watch --interval 0.2`, '/dev/null'], { cwd: dir, reject: false });
    const screen = tty.stdout;
    expect(screen).toContain('\x1b[Jcompleted (reached iteration limit 300): iteration 300 of 300 complete, ETA done');
    expect(screen).toMatch(/\x1b\[\d+F\x1b\[Jcompleted \(reached iteration limit 300\): iteration 300/);
    expect(screen).not.toContain('error');

    // --json: one object per change, the status with the rate and ETA
    const json = execa('node', [weBin, 'status', '--watch', '--json', '--interval', '0.2'], { cwd: dir, reject: false });
    await new Promise((done) => json.stdout!.once('data', done));
    json.kill('SIGINT');
    const objects = (await json).stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({ state: 'completed', iteration: 301, lastCompleted: 300, etaSeconds: 0 });
  });
});
