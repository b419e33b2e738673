/**
 * Slot occupancy at the iteration barrier (issue 10, Speed): 64 slots (8 `we worker` processes × 8) through one
 * loopback redis-server, 10 iterations of 256 segments whose run scripts sleep for log-normal times (median
 * 0.5 s, σ 0.6 in log space; a scaled-down stand-in for MD segments of different cost), each walker keeping
 * its time from iteration to iteration as a real system's walker roughly does. Busy fraction of all slots per
 * iteration (the work manager's own figure, as `we status` shows it), in segment order and longest expected
 * first (the driver's order: each segment expected to take its parent's time), alternating iteration by iteration.
 *
 *   node dist/bench/redis-occupancy.js
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
const SEGMENTS = 256;
const ITERATIONS = 10;
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
    const seconds = Array.from({ length: SEGMENTS }, () => 0.5 * Math.exp(0.6 * rng.normal()));
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
    console.log('| iteration | order | wall s | busy fraction |');
    console.log('|---:|---|---:|---:|');
    let previous: Float64Array | undefined;
    const busy: Record<string, number[]> = { 'segment order': [], 'longest first': [] };
    for (let iteration = 1; iteration <= ITERATIONS; iteration++) {
      const ordered = iteration % 2 === 0;
      const batch = ordered ? orderLongestFirst(tasks(iteration), previous) : tasks(iteration);
      const start = performance.now();
      const results = await wm.run('propagate', batch);
      const wall = (performance.now() - start) / 1000;
      previous = new Float64Array(SEGMENTS);
      for (const r of results) previous[r.segIds[0]] = r.walltime[0];
      const occupancy = wm.lastOccupancy();
      if (!occupancy) throw new Error('no occupancy');
      const order = ordered ? 'longest first' : 'segment order';
      // Iteration 1 has no past times and pays the workers' first start: left out of the means.
      if (iteration > 1) busy[order].push(occupancy.busyFraction);
      console.log(`| ${iteration} | ${order} | ${wall.toFixed(2)} | ${(100 * occupancy.busyFraction).toFixed(1)}% |`);
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

await main();
