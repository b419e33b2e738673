/**
 * The Redis work manager against a real redis-server and real `we worker` processes: a worker killed with
 * SIGKILL mid-segment, a stalled worker's late result, a driver killed mid-iteration, a server restarted with
 * and without persistence, malformed and foreign results. Every run must end bit for bit equal to a local run.
 */
import { existsSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import { tempDir } from './helpers/temp-dir.js';
import { WeProcess } from './helpers/we-process.js';
import type { LostOutputs } from '../plugins/staging/lost-outputs.js';
import { encodeRecord } from '../plugins/work-managers/redis/codec.js';
import { runId, runKeys } from '../plugins/work-managers/redis/keys.js';
import { gone } from './helpers/processes.js';

type Dump = { current: number; iterations: Record<string, { weight: string }> };
const dump = (dir: string) => h5pyJson<Dump>(DUMP_RUN, join(dir, 'west.h5'));

/** Total weight of every iteration, from west.h5 by h5py: each must be 1 within 1e-12. */
const WEIGHT_TOTALS = `
import sys, json, h5py, math
f = h5py.File(sys.argv[1], 'r')
print(json.dumps([math.fsum(f['iterations'][n]['seg_index']['weight']) for n in sorted(f['iterations']) if len(f['iterations'][n]['seg_index'])]))
`;

function simulation(name: string, workManager?: string): string {
  const dir = tempDir(name);
  cpSync(join(repoRoot, 'test/fixtures/redis-sim'), dir, { recursive: true });
  if (workManager) {
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^work_manager:.*$/m, `work_manager: ${workManager}`));
  }
  return dir;
}

let reference: Dump;
beforeAll(async () => {
  const dir = simulation('local', '{name: local, slots: 2, retries: 2}');
  expect((await we(['init'], dir)).exitCode).toBe(0);
  const run = await we(['run'], dir);
  expect(run.exitCode, run.all).toBe(0);
  reference = await dump(dir);
});

const started: { server?: RedisServer; processes: WeProcess[] } = { processes: [] };
afterEach(async () => {
  for (const p of started.processes.splice(0)) if (p.child.exitCode === null) await p.stop('SIGKILL');
  await started.server?.stop();
  started.server = undefined;
});

async function server(options: { persistent?: boolean } = {}): Promise<RedisServer> {
  started.server = await startRedis(options);
  return started.server;
}

function worker(url: string, node: string, slots = 2): WeProcess {
  // Each worker is its own node: its own node-local directory.
  const p = new WeProcess(['worker', '--redis', url, '--slots', String(slots), '--node', node], repoRoot, { TMPDIR: tempDir(`node-${node}`) });
  started.processes.push(p);
  return p;
}

function driver(dir: string, url: string): WeProcess {
  const p = new WeProcess(['run', '--redis', url], dir);
  started.processes.push(p);
  return p;
}

async function initialised(name: string, slowSeconds: number): Promise<string> {
  const dir = simulation(name);
  expect((await we(['init'], dir)).exitCode).toBe(0);
  writeFileSync(join(dir, 'slow'), String(slowSeconds));
  return dir;
}

async function expectSameAsLocal(dir: string): Promise<void> {
  expect(await dump(dir)).toEqual(reference);
  for (const total of await h5pyJson<number[]>(WEIGHT_TOTALS, join(dir, 'west.h5'))) expect(Math.abs(total - 1)).toBeLessThan(1e-12);
}

/** How often each task was started, over the given workers' logs. */
function startsPerTask(...workers: WeProcess[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of workers) for (const m of w.output.matchAll(/(iteration \d+, segments? \S+) started/g)) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  return counts;
}

describe('Redis work manager: faults with real processes and a real redis-server', () => {
  it('a worker killed with SIGKILL mid-segment: its task comes back when the lease lapses, and the run equals the local one', async () => {
    const redis = await server();
    const dir = await initialised('kill-worker', 0.4);
    const a = worker(redis.url, 'a');
    const b = worker(redis.url, 'b');
    const run = driver(dir, redis.url);
    const [, task] = await a.waitFor(/(iteration 2, segments? \S+) started/);
    expect(await a.stop('SIGKILL')).toBe('SIGKILL');
    expect(a.output).not.toMatch(new RegExp(`${task} done`));
    // Worker b takes the task over once a's lease (2 s) has lapsed without a heartbeat.
    await b.waitFor(new RegExp(`${task} started on slot \\d \\(taken over`));
    expect((await run.child).exitCode, run.output).toBe(0);
    await expectSameAsLocal(dir);
    // SIGTERM drains the survivor: it says so, leaves the worker list and exits 0.
    expect(await b.stop('SIGTERM')).toBeUndefined();
    expect(b.child.exitCode).toBe(0);
    expect(b.output).toMatch(/SIGTERM: draining[\s\S]*stopped/);
  });

  it('a worker stopped (SIGSTOP) past its lease, then continued: its late result is ignored and says so', async () => {
    const redis = await server();
    const dir = await initialised('stop-worker', 1.5);
    const a = worker(redis.url, 'a', 1);
    const b = worker(redis.url, 'b', 1);
    const run = driver(dir, redis.url);
    const [, task] = await a.waitFor(/(iteration 2, segments? \S+) started/);
    process.kill(a.pid, 'SIGSTOP');
    await b.waitFor(new RegExp(`${task} started on slot \\d \\(taken over`));
    process.kill(a.pid, 'SIGCONT');
    await a.waitFor(new RegExp(`late result for ${task} ignored`));
    expect((await run.child).exitCode, run.output).toBe(0);
    await expectSameAsLocal(dir);
  });

  it('the driver killed with SIGKILL mid-iteration, then `we run` again: no finished segment runs again', async () => {
    const redis = await server();
    const dir = await initialised('kill-driver', 0.3);
    const a = worker(redis.url, 'a');
    const b = worker(redis.url, 'b');
    const first = driver(dir, redis.url);
    // Kill it once three of iteration 3's segments are in.
    for (let done = 0; done < 3; ) {
      await new Promise((r) => setTimeout(r, 20));
      done = [...(a.output + b.output).matchAll(/iteration 3, segments? \S+ done/g)].length;
      expect(first.child.exitCode, first.output).toBeNull();
    }
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const resumed = driver(dir, redis.url);
    expect((await resumed.child).exitCode, resumed.output).toBe(0);
    expect(resumed.output).toMatch(/adopting the open round of \d+ task\(s\) \(iteration 3\)/);
    const starts = startsPerTask(a, b);
    expect([...starts.keys()].filter((k) => k.startsWith('iteration 3,')).length).toBeGreaterThan(3);
    expect([...starts.entries()].filter(([, n]) => n > 1), a.output + b.output).toEqual([]);
    await expectSameAsLocal(dir);
  });

  for (const persistent of [false, true]) {
    it(`redis-server killed and restarted mid-iteration (${persistent ? 'with an fsynced append-only file' : 'no persistence'}): the run completes and equals the local one`, async () => {
      const redis = await server({ persistent });
      const dir = await initialised(`restart-${persistent}`, 0.3);
      const a = worker(redis.url, 'a');
      const b = worker(redis.url, 'b');
      const run = driver(dir, redis.url);
      await a.waitFor(/iteration 2, segments? \S+ done/);
      await redis.restart();
      expect((await run.child).exitCode, run.output).toBe(0);
      if (!persistent) expect(run.output).toMatch(/the open round is gone from the server .* publishing its \d+ unfinished task\(s\) again/);
      else expect(run.output).not.toMatch(/the open round is gone/);
      void b;
      await expectSameAsLocal(dir);
    });
  }

  it('a node killed (SIGKILL) after its results were accepted, before it gathered: the run goes on from its restarts, its outputs recorded as lost', async () => {
    const redis = await server();
    const dir = await initialised('lost-node', 0.2);
    // Node-local staging (in each worker's TMPDIR): `x`, the restart the next segment reads, is the kept file.
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('runseg: runseg.sh}', 'runseg: runseg.sh, staging: {stage: [runseg.sh], keep: [x]}}'));
    // Node a kills itself as it starts gathering iteration 2, i.e. once the driver has made it durable.
    const a = new WeProcess(['worker', '--redis', redis.url, '--slots', '2', '--node', 'a'], repoRoot, { TMPDIR: tempDir('node-a'), WE_FAULT: 'gather:2' });
    started.processes.push(a);
    const run = driver(dir, redis.url);
    await a.waitFor(/iteration 2, segments? \S+ started/);
    const b = worker(redis.url, 'b');
    expect((await run.child).exitCode, run.output).toBe(0);
    expect((await a.child).signal).toBe('SIGKILL');
    expect(a.output).toMatch(/iteration 2, segments? \S+ done/);
    expect(existsSync(join(dir, 'traj_segs', 'iter_000002.a.tar'))).toBe(false);
    // Node b ran the last iteration alone; the run ended once it had gathered it.
    expect(existsSync(join(dir, 'traj_segs', 'iter_000004.b.tar'))).toBe(true);
    const lost = JSON.parse(readFileSync(join(dir, 'traj_segs', 'iter_000002.a.lost.json'), 'utf8')) as LostOutputs;
    expect(lost).toMatchObject({ iteration: 2, node: 'a', reason: expect.stringMatching(/no worker of node a has a heartbeat/) });
    expect(lost.segments.length).toBeGreaterThan(0);
    expect(run.output).toMatch(/outputs of \d+ segment\(s\) of iteration 2 on node a are lost/);
    expect((await we(['status'], dir)).stdout).toMatch(/lost outputs, iteration 2\s+node a, \d+ segment\(s\): no worker of node a has a heartbeat/);
    // Iteration 3 continued segments node a ran, from the restarts that reached the shared file system with their results.
    const result = await dump(dir);
    expect(result).toEqual(reference);
    const parents = (result.iterations.iter_00000003 as unknown as { parent_id: number[] }).parent_id;
    expect(parents.some((p) => lost.segments.includes(p))).toBe(true);
    for (const segment of lost.segments) expect(existsSync(join(dir, 'traj_segs', '000002', String(segment).padStart(6, '0'), 'x'))).toBe(true);
    void b;
  });

  it('rejects malformed and foreign results on the queue with a named error, and the run is unharmed', async () => {
    const redis = await server();
    const dir = await initialised('malformed', 0.3);
    const a = worker(redis.url, 'a');
    const run = driver(dir, redis.url);
    // Iteration 2's round is open (publishing a round clears the last one's results).
    await a.waitFor(/iteration 2, segments? \S+ started/);
    const client = redis.client();
    try {
      const { results } = runKeys(runId(join(dir, 'we.yaml')));
      // Task 0 answered with a result cut short, and a task no round of this size has.
      const truncated = encodeRecord(0, 'ok', 0, Buffer.of(1, 1, 0, 0, 0));
      await client.xadd(results, '*', 'w', 'intruder', 'n', 'x', 'r', truncated, 'r', encodeRecord(99_999, 'ok', 0, Buffer.alloc(0)));
    } finally {
      client.disconnect();
    }
    expect((await run.child).exitCode, run.output).toBe(0);
    expect(run.output).toMatch(/rejected result for iteration 2, segment \d+ from worker intruder on node x: MalformedEntryError: result segIds: .*; queued again/);
    expect(run.output).toMatch(/rejected result for task 99999 from worker intruder on node x: no such task in this round of \d+/);
    await expectSameAsLocal(dir);
  });
});
