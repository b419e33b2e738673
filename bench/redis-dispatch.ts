/**
 * Dispatch through Redis (issue 10, Speed): no-op tasks (one ODLD step of one walker each) from the driver
 * through one loopback redis-server to 8 worker processes (1 slot each) on this 2-core machine, end to end:
 * from publishing the round to the last result accepted. Two designs side by side in the same run, on the same
 * server and tasks: ours (the Redis work manager and `we worker`: streams, consumer group, leases) and BullMQ
 * (bench/lib/bullmq-*.ts: jobs added in bulk, BullMQ workers, results from completion events). Baseline in the
 * same process: the local work manager running the same tasks in process.
 *
 * For each: the CPU time per task of the driver, the workers and redis-server (from /proc): on a shared machine
 * the wall-clock rate follows the load, the CPU per task does not, and 2 cores ÷ CPU per task is the rate this
 * machine gives when it is ours. For ours also the driver's memory: the heap its tasks take, the peak heap
 * while the round runs, and what that adds per task (run with --expose-gc for a clean baseline).
 *
 *   node --expose-gc dist/bench/redis-dispatch.js                     # 1,000 / 10,000 / 100,000 tasks
 *   BENCH_REDIS_TASKS=1000000 BENCH_BULLMQ_TASKS=100000 node --expose-gc dist/bench/redis-dispatch.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../core/config/load.js';
import type { SegmentTask, WorkManagerContext } from '../core/plugins.js';
import { hostPropagator, simulationSpec } from '../core/work/propagator-host.js';
import { builtinPlugins } from '../plugins/registry.js';
import { LocalWorkManager } from '../plugins/work-managers/local-work-manager.js';
import { createRedisWorkManager } from '../plugins/work-managers/redis/redis-work-manager.js';
import { runId, WORKERS_KEY } from '../plugins/work-managers/redis/keys.js';
import { liveWorkers } from '../plugins/work-managers/redis/worker-records.js';
import { BullmqDispatch } from './lib/bullmq-dispatch.js';
import { cpuSeconds, ownCpuSeconds } from './lib/process-cpu.js';
import { RedisServer } from './lib/redis-server.js';

const WORKERS = 8;
const weBin = fileURLToPath(new URL('../cli/we.js', import.meta.url));
const sizes = (process.env.BENCH_REDIS_TASKS ?? '1000,10000,100000').split(',').map(Number);
const bullmqSizes = new Set((process.env.BENCH_BULLMQ_TASKS ?? sizes.filter((n) => n <= 100_000).join(',')).split(',').map(Number));

const WE_YAML = `pcoord: {ndim: 1, len: 2, dtype: float32}
binning: {mapper: {type: rectilinear, boundaries: [[-.inf, .inf]]}, target_counts: 1}
basis_states: [{label: a, probability: 1, auxref: '0', pcoord: [8.0]}]
propagator: {name: odld, options: {}}
work_manager: {name: redis, retries: 0}
max_iterations: 1
seed: 1
`;

/** A distinct iteration for each measurement: the same round twice would be adopted, results and all. */
function tasks(n: number, iteration: number): SegmentTask[] {
  return Array.from({ length: n }, (_, i) => ({
    iteration,
    segIds: Int32Array.of(i),
    parentIds: Int32Array.of(-1),
    startPoints: Float64Array.of(8),
    initialStates: [],
  }));
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const MB = 2 ** 20;

/** Runs `job` sampling this process's peak RSS and heap (bytes) every 20 ms. */
async function withMemory<T>(job: () => Promise<T>): Promise<{ value: T; seconds: number; rss: number; heap: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const start = performance.now();
  try {
    const value = await job();
    sample();
    return { value, seconds: (performance.now() - start) / 1000, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

/** CPU seconds of the driver (this process), the workers and redis-server, and their sum. */
function cpuParts(workers: ChildProcess[], serverPid: number): number[] {
  const parts = [ownCpuSeconds(), workers.reduce((s, w) => s + cpuSeconds(w.pid!), 0), cpuSeconds(serverPid)];
  return [...parts, parts[0] + parts[1] + parts[2]];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-redis-'));
  const server = await RedisServer.start(dir);
  const ours: ChildProcess[] = [];
  let bullmq: BullmqDispatch | undefined;
  try {
    writeFileSync(join(dir, 'we.yaml'), WE_YAML);
    const config = await loadConfig(join(dir, 'we.yaml'));
    const host = hostPropagator(config, builtinPlugins);
    const ctx: WorkManagerContext = {
      configFile: config.file,
      simulation: simulationSpec(config, builtinPlugins),
      slots: 1,
      retries: 0,
      pcoord: config.pcoord,
      local: host,
    };
    const valuesPerItem = config.pcoord.len * config.pcoord.ndim;
    const wm = await createRedisWorkManager(ctx, { url: new URL(server.url), leaseSeconds: 60, segmentsPerTask: 1 });
    for (let k = 0; k < WORKERS; k++) {
      ours.push(spawn(process.execPath, [weBin, 'worker', '--redis', server.url, '--slots', '1', '--node', `w${k}`], { stdio: 'ignore' }));
    }
    const probe = new Redis(server.url);
    const id = runId(config.file);
    while (liveWorkers(await probe.hgetall(WORKERS_KEY), Date.now()).filter((w) => w.runs.includes(id)).length < WORKERS) {
      await new Promise((r) => setTimeout(r, 100));
    }
    probe.disconnect();
    if (bullmqSizes.size > 0) bullmq = await BullmqDispatch.open(server.url, 'we-bench-dispatch', config.file, WORKERS, 1);

    // Warm-up: workers' propagators, scripts, JIT.
    await wm.run('propagate', tasks(1000, 1));
    await bullmq?.run(tasks(1000, 1), valuesPerItem);
    const local = new LocalWorkManager(ctx);
    console.log(`${WORKERS} worker processes × 1 slot each design, one loopback redis-server; load before ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const rateRows: string[] = [];
    const memoryRows: string[] = [];
    for (const [k, n] of sizes.entries()) {
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const batch = tasks(n, k + 2);
      gc();
      const tasksHeap = process.memoryUsage().heapUsed - heapBefore;
      const baseline = await withMemory(() => local.run('propagate', batch));
      const localRate = n / baseline.seconds;
      const row = (design: string, seconds: number, before: number[], after: number[]) => {
        const perTask = after.map((v, i) => ((v - before[i]) / n) * 1e6);
        rateRows.push(
          `| ${n.toLocaleString('en')} | ${design} | ${seconds.toFixed(2)} | **${Math.round(n / seconds).toLocaleString('en')}** | ${Math.round(localRate).toLocaleString('en')} | ` +
            `${perTask.map((v) => v.toFixed(0)).join(' | ')} | ${Math.round(2e6 / perTask[3]).toLocaleString('en')} |`,
        );
      };

      gc();
      const heapAtStart = process.memoryUsage().heapUsed;
      let before = cpuParts(ours, server.pid!);
      const measured = await withMemory(() => wm.run('propagate', batch));
      row('streams (ours)', measured.seconds, before, cpuParts(ours, server.pid!));
      if (measured.value.length !== n || measured.value.some((r) => r === undefined)) throw new Error(`expected ${n} results`);
      memoryRows.push(
        `| ${n.toLocaleString('en')} | ${(tasksHeap / MB).toFixed(0)} | ${(tasksHeap / n).toFixed(0)} | ${(measured.heap / MB).toFixed(0)} | ` +
          `${((measured.heap - heapAtStart) / n).toFixed(0)} | ${(measured.rss / MB).toFixed(0)} |`,
      );
      measured.value.length = 0;

      if (bullmq && bullmqSizes.has(n)) {
        before = cpuParts(bullmq.workers, server.pid!);
        const start = performance.now();
        const results = await bullmq.run(batch, valuesPerItem);
        const seconds = (performance.now() - start) / 1000;
        row('BullMQ 6', seconds, before, cpuParts(bullmq.workers, server.pid!));
        if (results.length !== n || results.some((r) => r === undefined)) throw new Error(`expected ${n} BullMQ results`);
      }
    }
    console.log('\n| tasks | design | s | tasks/s end to end | local (in process) tasks/s | CPU µs/task: driver | workers | redis-server | all | 2 cores ÷ CPU/task |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of rateRows) console.log(r);
    console.log('\nDriver memory (ours):\n');
    console.log('| tasks | its tasks\' heap MB | B per task | peak heap in the round MB | heap added per task B | peak RSS MB |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const r of memoryRows) console.log(r);
    console.log(`\nload after ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    await wm.close();
    await host.close();
  } finally {
    await bullmq?.close();
    for (const w of ours) w.kill('SIGTERM');
    await Promise.all(ours.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
