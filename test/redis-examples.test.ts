/**
 * The examples through Redis, as on two nodes: two `we worker`s with their own node names and node-local
 * directories, one killed with SIGKILL mid-run; each run must end bit for bit equal to a local run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';
import { startRedis, type RedisServer } from './helpers/redis-server.js';
import { tempDir } from './helpers/temp-dir.js';
import { WeProcess } from './helpers/we-process.js';

const dump = (dir: string) => h5pyJson<unknown>(DUMP_RUN, join(dir, 'west.h5'));

const started: { server?: RedisServer; processes: WeProcess[] } = { processes: [] };
afterEach(async () => {
  for (const p of started.processes.splice(0)) if (p.child.exitCode === null) await p.stop('SIGKILL');
  await started.server?.stop();
  started.server = undefined;
});

function worker(url: string, node: string): WeProcess {
  const p = new WeProcess(['worker', '--redis', url, '--slots', '2', '--node', node], repoRoot, { TMPDIR: tempDir(`node-${node}`) });
  started.processes.push(p);
  return p;
}

/** A copy of the example whose paths into the repository (the model, the MD engine) still lead there. */
function copied(example: string): string {
  const dir = copyExample(example);
  for (const file of ['we.yaml', 'runseg.sh']) {
    const path = join(dir, file);
    try {
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('../../models/', `${repoRoot}/models/`).replaceAll('$WEST_SIM_ROOT/../../dist/', `${repoRoot}/dist/`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return dir;
}

/**
 * The example with its work manager swapped for Redis (2 s leases, URL from WE_REDIS_URL), initialised: basis
 * states without a pcoord (go-chignolin's) are embedded by the workers.
 */
async function throughRedis(example: string, url: string): Promise<string> {
  const dir = copied(example);
  const yaml = join(dir, 'we.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^work_manager:.*$/m, 'work_manager: {name: redis, options: {lease_seconds: 2}}'));
  const init = await we(['init'], dir, { WE_REDIS_URL: url });
  expect(init.exitCode, init.all).toBe(0);
  return dir;
}

async function localRun(example: string, maxIter: string): Promise<unknown> {
  const dir = copied(example);
  expect((await we(['init'], dir)).exitCode).toBe(0);
  const run = await we(['run', '--max-iter', maxIter], dir);
  expect(run.exitCode, run.all).toBe(0);
  return dump(dir);
}

describe('examples through Redis on two worker "nodes", one killed mid-run', () => {
  // When node-b dies: once the driver has finished iteration 3 (odld's tasks are too short for a log line each),
  // or once node-b has finished a segment of iteration 2.
  for (const [example, maxIter, killAfter] of [
    ['odld', '8', { who: 'run', line: /iteration 3: \d+ segments/ }],
    ['go-chignolin', '2', { who: 'b', line: /iteration 2, segments? \S+ done/ }],
  ] as const) {
    it(`${example}: equals the local run; \`we status\` lists the workers meanwhile`, async () => {
      const reference = await localRun(example, maxIter);
      started.server = await startRedis();
      const url = started.server.url;
      const a = worker(url, 'node-a');
      const b = worker(url, 'node-b');
      const dir = await throughRedis(example, url);
      const run = new WeProcess(['run', '--max-iter', maxIter], dir, { WE_REDIS_URL: url });
      started.processes.push(run);
      await (killAfter.who === 'run' ? run : b).waitFor(killAfter.line);
      const status = await we(['status'], dir);
      expect(status.stdout).toMatch(/worker node-a \(pid \d+\)\s+2 slot\(s\); heartbeat/);
      expect(status.stdout).toMatch(/worker node-b \(pid \d+\)/);
      expect(await b.stop('SIGKILL')).toBe('SIGKILL');
      expect((await run.child).exitCode, run.output).toBe(0);
      expect(a.output).toMatch(/serving run/);
      expect(await dump(dir)).toEqual(reference);
    }, 300_000);
  }
});
