/**
 * Slot occupancy at the iteration barrier (issue 10, Speed): 64 slots (8 `we worker` processes × 8) through one
 * loopback redis-server, iterations of 640 segments (10 per slot) whose run scripts sleep for log-normal times
 * (median 0.25 s, σ 0.6 in log space; a scaled-down stand-in for MD segments of different cost), each walker
 * keeping its time from iteration to iteration (in real WE a segment's cost follows where its walker is), so
 * "expected from the parent's time" has signal. Busy fraction of all slots per iteration (the work manager's
 * own figure, as `we status` shows it) in three orders, taking turns: segment order, random, and longest
 * expected first (the driver's order). Beside each, the barrier's bound: the busy fraction of the best
 * schedule a list scheduler reaches with the same times known exactly (longest first, offline), so what is
 * lost to the barrier itself is told apart from what dispatch and process starts lose.
 *
 *   node dist/bench/redis-occupancy.js           # BENCH_OCCUPANCY_ITERATIONS=13 by default
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadConfig } from '../core/config/load.js';
import { orderLongestFirst } from '../core/driver/segment-tasks.js';
import type { SegmentTask, WorkManagerContext } from '../core/plugins.js';
import { Random, Stream } from '../core/random.js';
import { hostPropagator, simulationSpec } from '../core/work/propagator-host.js';
import { builtinPlugins } from '../plugins/registry.js';
import { runId, WORKERS_KEY } from '../plugins/work-managers/redis/keys.js';
import { createRedisWorkManager } from '../plugins/work-managers/redis/redis-work-manager.js';
import { liveWorkers } from '../plugins/work-managers/redis/worker-records.js';
import { RedisServer } from './lib/redis-server.js';

const WORKERS = 8;
const SLOTS_PER_WORKER = 8;
const SEGMENTS = 640;
const ITERATIONS = Number(process.env.BENCH_OCCUPANCY_ITERATIONS ?? 13);
const ORDERS = ['segment order', 'random', 'longest first'] as const;
const weBin = fileURLToPath(new URL('../cli/we.js', import.meta.url));

const WE_YAML = `pcoord: {ndim: 1, len: 2, dtype: float32}
binning: {mapper: {type: rectilinear, boundaries: [[-.inf, .inf]]}, target_counts: 1}
basis_states: [{label: a, probability: 1, auxref: '0', pcoord: [0.0]}]
propagator: {name: executable, options: {runseg: runseg.sh}}
work_manager: {name: redis, retries: 0}
max_iterations: ${ITERATIONS}
seed: 1
`;
const RUNSEG = `#!/bin/bash
sleep "$(cat "$WEST_SIM_ROOT/durations/$WEST_CURRENT_SEG_ID")"
printf '0\\n0\\n' > "$WEST_PCOORD_RETURN"
`;

function tasks(iteration: number): SegmentTask[] {
  return Array.from({ length: SEGMENTS }, (_, i) => ({
    iteration,
    segIds: Int32Array.of(i),
    parentIds: Int32Array.of(iteration === 1 ? -1 : i),
    startPoints: Float64Array.of(0),
    initialStates: iteration === 1 ? [{ istateId: 0, basisStateId: 0, auxref: '0', iterCreated: 1 }] : [],
  }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-occupancy-'));
  const server = await RedisServer.start(dir);
  const workers: ChildProcess[] = [];
  try {
    writeFileSync(join(dir, 'we.yaml'), WE_YAML);
    writeFileSync(join(dir, 'runseg.sh'), RUNSEG);
    chmodSync(join(dir, 'runseg.sh'), 0o755);
    mkdirSync(join(dir, 'durations'));
    const rng = new Random(7, 0, Stream.propagate, 0);
    const seconds = Array.from({ length: SEGMENTS }, () => 0.25 * Math.exp(0.6 * rng.normal()));
    seconds.forEach((s, i) => writeFileSync(join(dir, 'durations', String(i)), s.toFixed(3)));
    const config = await loadConfig(join(dir, 'we.yaml'));
    const host = hostPropagator(config, builtinPlugins);
    const ctx: WorkManagerContext = {
      configFile: config.file,
      simulation: simulationSpec(config, builtinPlugins),
      slots: WORKERS * SLOTS_PER_WORKER,
      retries: 0,
      pcoord: config.pcoord,
      local: host,
    };
    const wm = await createRedisWorkManager(ctx, { url: new URL(server.url), leaseSeconds: 60, segmentsPerTask: 1 });
    for (let k = 0; k < WORKERS; k++) {
      workers.push(
        spawn(process.execPath, [weBin, 'worker', '--redis', server.url, '--slots', String(SLOTS_PER_WORKER), '--node', `w${k}`], {
          stdio: 'ignore',
          env: { ...process.env, TMPDIR: join(dir, `node-${k}`) },
        }),
      );
      mkdirSync(join(dir, `node-${k}`));
    }
    const probe = new Redis(server.url);
    const id = runId(config.file);
    while (liveWorkers(await probe.hgetall(WORKERS_KEY), Date.now()).filter((w) => w.runs.includes(id)).length < WORKERS) {
      await new Promise((r) => setTimeout(r, 100));
    }
    probe.disconnect();

    const total = seconds.reduce((a, b) => a + b, 0);
    const bound = Math.max(total / (WORKERS * SLOTS_PER_WORKER), Math.max(...seconds));
    console.log(
      `${WORKERS} workers × ${SLOTS_PER_WORKER} slots, ${SEGMENTS} segments of ${seconds.reduce((a, b) => Math.min(a, b)).toFixed(2)}–${Math.max(...seconds).toFixed(2)} s ` +
        `(sum ${total.toFixed(1)} s; no schedule beats ${bound.toFixed(2)} s); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    );
    const slots = WORKERS * SLOTS_PER_WORKER;
    const bestMakespan = listSchedule([...seconds].sort((a, b) => b - a), slots);
    const bestBusy = total / (slots * bestMakespan);
    console.log(`barrier's bound (offline longest first, exact times): ${bestMakespan.toFixed(2)} s per iteration, ${(100 * bestBusy).toFixed(1)}% busy`);
    console.log('| iteration | order | wall s | busy fraction | bound ÷ wall |');
    console.log('|---:|---|---:|---:|---:|');
    let previous: Float64Array | undefined;
    const busy: Record<string, number[]> = Object.fromEntries(ORDERS.map((o) => [o, []]));
    const shuffler = new Random(7, 1, Stream.propagate, 0);
    for (let iteration = 1; iteration <= ITERATIONS; iteration++) {
      const order = ORDERS[(iteration - 1) % ORDERS.length];
      const batch =
        order === 'longest first' ? orderLongestFirst(tasks(iteration), previous) : order === 'random' ? shuffled(tasks(iteration), shuffler) : tasks(iteration);
      const start = performance.now();
      const results = await wm.run('propagate', batch);
      const wall = (performance.now() - start) / 1000;
      previous = new Float64Array(SEGMENTS);
      for (const r of results) previous[r.segIds[0]] = r.walltime[0];
      const occupancy = wm.lastOccupancy();
      if (!occupancy) throw new Error('no occupancy');
      // Iteration 1 pays the workers' first start (and longest first has no past times yet): left out of the means.
      if (iteration > 1) busy[order].push(occupancy.busyFraction);
      console.log(`| ${iteration} | ${order} | ${wall.toFixed(2)} | ${(100 * occupancy.busyFraction).toFixed(1)}% | ${(100 * (bestMakespan / wall)).toFixed(1)}% |`);
    }
    for (const [order, values] of Object.entries(busy)) {
      console.log(`mean busy fraction, ${order}: ${((100 * values.reduce((a, b) => a + b, 0)) / values.length).toFixed(1)}%`);
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

/** Makespan of list scheduling `times` in the given order on `slots` slots (each task to the slot free first). */
function listSchedule(times: number[], slots: number): number {
  const free = new Float64Array(slots);
  for (const t of times) {
    let k = 0;
    for (let j = 1; j < slots; j++) if (free[j] < free[k]) k = j;
    free[k] += t;
  }
  return Math.max(...free);
}

function shuffled<T>(items: T[], rng: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.float() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

await main();
