/**
 * Dispatch through Redis (issue 10, Speed): no-op tasks (one ODLD step of one walker each) from the driver's
 * RedisWorkManager through one loopback redis-server to 8 `we worker` processes (1 slot each) on this 2-core
 * machine, end to end: from publishing the round to the last result accepted. Baseline, in the same process:
 * the local work manager running the same tasks in process. Also the driver's peak RSS and heap per size, and
 * the CPU time all processes (driver, workers, redis-server) spent per task: on a shared machine the wall-clock
 * rate follows the load, the CPU per task does not, and 2 cores ÷ CPU per task is the rate this machine gives
 * when it is ours.
 *
 *   node dist/bench/redis-dispatch.js                 # 1,000 / 10,000 / 100,000 tasks
 *   BENCH_REDIS_TASKS=1000000 node dist/bench/redis-dispatch.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
import { RedisServer } from './lib/redis-server.js';

const WORKERS = 8;
const weBin = fileURLToPath(new URL('../cli/we.js', import.meta.url));
const sizes = (process.env.BENCH_REDIS_TASKS ?? '1000,10000,100000').split(',').map(Number);

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

/** User + system CPU seconds of a process so far (/proc/PID/stat, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Runs `job` sampling this process's peak RSS and heap (MB) every 50 ms. */
async function withMemory<T>(job: () => Promise<T>): Promise<{ value: T; seconds: number; rss: number; heap: number }> {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss / 2 ** 20);
    heap = Math.max(heap, m.heapUsed / 2 ** 20);
  };
  const timer = setInterval(sample, 50);
  const start = performance.now();
  try {
    const value = await job();
    sample();
    return { value, seconds: (performance.now() - start) / 1000, rss, heap };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-redis-'));
  const server = await RedisServer.start(dir);
  const workers: ChildProcess[] = [];
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
    const wm = await createRedisWorkManager(ctx, { url: new URL(server.url), leaseSeconds: 60, segmentsPerTask: 1 });
    for (let k = 0; k < WORKERS; k++) {
      workers.push(spawn(process.execPath, [weBin, 'worker', '--redis', server.url, '--slots', '1', '--node', `w${k}`], { stdio: 'ignore' }));
    }
    const probe = new Redis(server.url);
    const id = runId(config.file);
    while (liveWorkers(await probe.hgetall(WORKERS_KEY), Date.now()).filter((w) => w.runs.includes(id)).length < WORKERS) {
      await new Promise((r) => setTimeout(r, 100));
    }
    probe.disconnect();

    await wm.run('propagate', tasks(1000, 1)); // warm-up: workers' propagators, scripts, JIT
    const local = new LocalWorkManager(ctx);
    console.log(`${WORKERS} worker processes × 1 slot, one loopback redis-server; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log('| tasks | redis s | tasks/s | local (in process) tasks/s | redis ÷ local | CPU µs/task (all processes) | 2 cores ÷ CPU/task | driver peak RSS MB | peak heap MB |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const pids = [...workers.map((w) => w.pid!), server.pid!];
    const cpuNow = () => pids.reduce((s, pid) => s + cpuSeconds(pid), 0) + (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    for (const [k, n] of sizes.entries()) {
      const batch = tasks(n, k + 2);
      const baseline = await withMemory(() => local.run('propagate', batch));
      const cpuBefore = cpuNow();
      const measured = await withMemory(() => wm.run('propagate', batch));
      const cpuPerTask = (cpuNow() - cpuBefore) / n;
      if (measured.value.length !== n) throw new Error(`expected ${n} results, got ${measured.value.length}`);
      const rate = n / measured.seconds;
      const localRate = n / baseline.seconds;
      console.log(
        `| ${n.toLocaleString('en')} | ${measured.seconds.toFixed(2)} | ${Math.round(rate).toLocaleString('en')} | ${Math.round(localRate).toLocaleString('en')} | ${(rate / localRate).toFixed(3)} | ${(cpuPerTask * 1e6).toFixed(0)} | ${Math.round(2 / cpuPerTask).toLocaleString('en')} | ${measured.rss.toFixed(0)} | ${measured.heap.toFixed(0)} |`,
      );
    }
    await wm.close();
    await host.close();
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
