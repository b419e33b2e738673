import { afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, we, weBin } from './helpers/cli.js';
import { gone } from './helpers/processes.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import { tempDir } from './helpers/temp-dir.js';
import { WeProcess } from './helpers/we-process.js';

const hooksLog = (dir: string) => readFileSync(join(dir, 'hooks.log'), 'utf8').trim().split('\n');
/** hooks.log without the pids of post-start lines, which differ from run to run. */
const events = (dir: string) => hooksLog(dir).map((line) => line.replace(/ pid \d+$/, '').replace(/:.*$/, ''));

async function initialised(): Promise<string> {
  const dir = copyFixture('iteration-scripts');
  const init = await we(['init'], dir);
  expect(init.exitCode, init.all).toBe(0);
  return dir;
}

describe('pre_iteration and post_iteration scripts, with env.sh sourced', () => {
  it("run around every iteration in the simulation root with WESTPA's variables, env.sh's and we.yaml's", async () => {
    const dir = await initialised();
    const run = await we(['run'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(events(dir)).toEqual(['pre 1 in ' + dir, 'post-start 1', 'post-end 1', 'pre 2 in ' + dir, 'post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
    const lines = hooksLog(dir);
    expect(lines[0]).toMatch(/^pre 1 in .*: tagged-by-env\.sh set-in-we\.yaml rand16=\d+$/);
    expect(lines[2]).toBe('post-end 1: tagged-by-env.sh set-in-we.yaml');
    // Each iteration's scripts draw their own WEST_RAND*.
    expect(new Set(lines.filter((l) => l.startsWith('pre ')).map((l) => l.split('rand16=')[1])).size).toBe(3);
    // env.sh was sourced once for the whole run; what it exported reached the segments, what it did not export did not.
    expect(readFileSync(join(dir, 'sourced.log'), 'utf8')).toBe('env.sh sourced\n');
    // post_iter.sh packed each iteration's segment logs, named as segment_log says (WESTPA's stdout template).
    const logs = readdirSync(join(dir, 'seg_logs'));
    expect(logs.filter((f) => f.endsWith('.tar')).sort()).toEqual(['000001.tar', '000002.tar', '000003.tar']);
    expect(logs.filter((f) => /^\d{6}-\d{6}\.log$/.test(f))).toEqual([]);
    const segmentLog = await execa('tar', ['-xOf', 'seg_logs/000002.tar', 'seg_logs/000002-000001.log'], { cwd: dir });
    expect(segmentLog.stdout).toContain('segment 2 1: tagged-by-env.sh set-in-we.yaml []');
    expect(JSON.parse(readFileSync(join(dir, 'we-hooks.json'), 'utf8'))).toEqual({ post_iteration: { last_iteration: 3 } });
  });

  it('a failing post_iteration stops the run, named; the next run runs it first', async () => {
    const dir = await initialised();
    const failed = await we(['run'], dir, { POST_ITER_FAIL_AT: '2' });
    expect(failed.exitCode).toBe(1);
    const log = join(dir, 'seg_logs/post_iteration_000002.log');
    expect(failed.stderr).toContain(`we: error: ${log}: post_iteration for iteration 2: ${join(dir, 'post_iter.sh')} exited with code 3`);
    expect(failed.stderr).toContain('failing on purpose at iteration 2');
    expect(events(dir)).toEqual(['pre 1 in ' + dir, 'post-start 1', 'post-end 1', 'pre 2 in ' + dir, 'post-start 2']);
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(events(dir).slice(5)).toEqual(['post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
  });

  it('post_iteration runs for an iteration made durable just before a kill', async () => {
    const dir = await initialised();
    // The engine SIGKILLs itself once iteration 2 is in west.h5, before anything runs after it.
    const killed = await we(['run'], dir, { WE_FAULT: 'committed:2' });
    expect(killed.signal).toBe('SIGKILL');
    expect(events(dir)).toEqual(['pre 1 in ' + dir, 'post-start 1', 'post-end 1', 'pre 2 in ' + dir]);
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(events(dir).slice(4)).toEqual(['post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
  });

  it('post_iteration runs again when a kill interrupts it', async () => {
    const dir = await initialised();
    const run = execa('node', [weBin, 'run'], { cwd: dir, env: { POST_ITER_HANG_AT: '2' }, reject: false });
    let hookPid = 0;
    for (let i = 0; i < 600 && !hookPid; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = existsSync(join(dir, 'hooks.log')) && readFileSync(join(dir, 'hooks.log'), 'utf8').match(/^post-start 2 pid (\d+)$/m);
      if (started) hookPid = Number(started[1]);
    }
    expect(hookPid).toBeGreaterThan(0);
    run.kill('SIGKILL');
    expect((await run).signal).toBe('SIGKILL');
    // The script went with the engine (its launcher killed its process group), before it finished.
    expect(await gone(hookPid)).toBe(true);
    expect(events(dir)).toEqual(['pre 1 in ' + dir, 'post-start 1', 'post-end 1', 'pre 2 in ' + dir, 'post-start 2']);
    const resumed = await we(['run'], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(events(dir).slice(5)).toEqual(['post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
  });

  it('post_iteration runs again for iterations redone after we truncate', async () => {
    const dir = await initialised();
    expect((await we(['run'], dir)).exitCode).toBe(0);
    writeFileSync(join(dir, 'hooks.log'), '');
    expect((await we(['truncate', '2'], dir)).exitCode).toBe(0);
    const rerun = await we(['run'], dir);
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(events(dir).filter((e) => e !== '')).toEqual(['pre 2 in ' + dir, 'post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
  });
});

describe('pre_iteration and post_iteration with segments on Redis workers', () => {
  let server: RedisServer | undefined;
  const workers: WeProcess[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null) await w.stop('SIGTERM');
    await server?.stop();
    server = undefined;
  });

  it('run once per iteration, on the driver; the workers run only segments', async () => {
    server = await startRedis();
    const dir = copyFixture('iteration-scripts');
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('work_manager: {slots: 2}', 'work_manager: {name: redis}'));
    for (const node of ['node-a', 'node-b']) {
      workers.push(new WeProcess(['worker', '--redis', server.url, '--slots', '1', '--node', node], dir, { TMPDIR: tempDir(node) }));
    }
    const env = { WE_REDIS_URL: server.url };
    expect((await we(['init'], dir, env)).exitCode).toBe(0);
    const run = await we(['run'], dir, env);
    expect(run.exitCode, run.all).toBe(0);
    expect(events(dir)).toEqual(['pre 1 in ' + dir, 'post-start 1', 'post-end 1', 'pre 2 in ' + dir, 'post-start 2', 'post-end 2', 'pre 3 in ' + dir, 'post-start 3', 'post-end 3']);
    // The segments ran in the workers (their logs went into the tars post_iter.sh made).
    expect(workers.map((w) => w.output).join('')).toMatch(/serving run/);
  }, 300_000);
});

describe('propagator.options.source (env.sh)', () => {
  it('that fails stops the run before any segment, naming it and quoting its output', async () => {
    const dir = await initialised();
    writeFileSync(join(dir, 'env.sh'), 'echo "module: command not found" >&2\nfalse\n');
    const run = await we(['run'], dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`propagator.options.source: sourcing ${join(dir, 'env.sh')} exited with code 1`);
    expect(run.stderr).toContain('module: command not found');
    expect(existsSync(join(dir, 'hooks.log'))).toBe(false);
  });

  it('that ends the shell with exit is refused rather than taken as setting nothing', async () => {
    const dir = await initialised();
    writeFileSync(join(dir, 'env.sh'), 'export SIM_TAG=x\nexit 0\n');
    const run = await we(['run'], dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('ended the shell before it finished (does it call exit?)');
  });
});
