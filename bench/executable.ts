/**
 * Executable propagator throughput: segments/s through the propagator with a trivial run script (one child
 * process per segment), serial and two at a time, starting scripts through the launcher (the default) and from
 * the engine process (`launcher: none`), against the bare cost of Node's child_process.spawn of the same script
 * (no data ref, log, return-file or pcoord handling). Twice: at the bench process's own size, then holding as
 * much memory as a real `we run` (a fork copies the forking process's page tables, so spawning from Node slows
 * as the engine grows). Baseline from WESTPA itself when a WESTPA source tree is in WESTPA_SRC (default
 * /tmp/westpa-src): its ExecutablePropagator.propagate on the same script, in forked workers for 2
 * (bench/westpa-sim.py). (Whole runs, `we run` against `w_run`, are bench/westpa-executable.ts.) Reported: the median over rounds. Each segment makes a data-ref directory and
 * a log and return file: the simulation root is in $TMPDIR (or /tmp), or BENCH_DIR (e.g. /dev/shm) to take
 * the disk out of the figures.
 * Run: npx tsc && node dist/bench/executable.js
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { RunConfig } from '../core/config/types.js';
import type { PropagatorContext, SegmentTask } from '../core/plugins.js';
import { propagatorContext } from '../core/work/propagator-host.js';
import { createExecutablePropagator } from '../plugins/propagators/executable/index.js';
import { median } from './lib/median.js';

/** Modes alternate round by round so that load from other processes falls on all of them alike. */
const ROUNDS = 9;
const SEGMENTS_PER_ROUND = 50;
const WARMUP = 30;
const RUNSEG = '#!/bin/sh\necho 1.0 > $WEST_PCOORD_RETURN\n';
/**
 * Resident size of a real run: `/usr/bin/time -v we run` peaked at 162 MB on examples/go-chignolin (3
 * iterations) and the 100,000-walker ODLD iteration bench at 223–265 MB.
 */
const RUN_RESIDENT_MB = 250;
/** WESTPA's own ExecutablePropagator, driven by bench/westpa-sim.py, when a WESTPA source tree is there. */
const WESTPA_SRC = process.env.WESTPA_SRC ?? '/tmp/westpa-src';
const WESTPA_SIM = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../bench/westpa-sim.py' : './westpa-sim.py', import.meta.url));
const execFileAsync = promisify(execFile);

function context(simRoot: string): PropagatorContext {
  const pcoord = { len: 1, ndim: 1, dtype: 'float32' as const };
  const config: RunConfig = {
    file: join(simRoot, 'we.yaml'),
    simRoot,
    pcoord,
    binning: { mapper: { type: 'rectilinear', boundaries: [[-Infinity, Infinity]] }, targetCounts: 1 },
    basisStates: [{ label: 'start', probability: 1, auxref: '0' }],
    basisStateDir: join(simRoot, 'bstates'),
    targetStates: [],
    propagator: { name: 'executable', options: { runseg: 'runseg.sh' } },
    workManager: { name: 'local', options: {}, slots: 1, retries: 0 },
    store: { name: 'westh5', options: {}, path: join(simRoot, 'west.h5') },
    resampling: { name: 'huber-kim', smallestAllowedWeight: 1e-300, largestAllowedWeight: 1 },
    maxIterations: 1,
    seed: 1,
  };
  return propagatorContext(config);
}

function segmentTask(segId: number): SegmentTask {
  return {
    iteration: 1,
    segIds: Int32Array.of(segId),
    parentIds: Int32Array.of(-1),
    startPoints: Float64Array.of(1),
    initialStates: [{ istateId: 0, basisStateId: 0, auxref: '0', iterCreated: 1 }],
  };
}

/** Runs job(0 .. n-1) with at most `width` in flight; seconds taken. */
async function pool(n: number, width: number, job: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) await job(next++);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return (performance.now() - start) / 1000;
}

interface Mode {
  name: string;
  width: number;
  job: () => Promise<unknown>;
  rounds: number[];
  /** The job runs a whole round itself (in its own width) and returns its seconds. */
  timesItself?: boolean;
}

async function measure(modes: Mode[]): Promise<void> {
  for (const mode of modes) if (!mode.timesItself) await pool(WARMUP, mode.width, mode.job);
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) {
      mode.rounds.push(mode.timesItself ? ((await mode.job()) as number) : await pool(SEGMENTS_PER_ROUND, mode.width, mode.job));
    }
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(`\nengine process resident: ${rss.toFixed(0)} MB`);
  console.log('mode                                         concurrent  segments/s  ms/segment  vs spawn');
  for (const mode of modes) {
    const seconds = median(mode.rounds);
    const bareSeconds = median(modes.find((m) => m.width === mode.width)!.rounds);
    console.log(
      `${mode.name.padEnd(45)}${String(mode.width).padStart(10)}${(SEGMENTS_PER_ROUND / seconds).toFixed(0).padStart(12)}` +
        `${((1000 * seconds) / SEGMENTS_PER_ROUND).toFixed(2).padStart(12)}${(seconds / bareSeconds).toFixed(2).padStart(9)}x`,
    );
  }
  for (const mode of modes) mode.rounds = [];
}

/**
 * What the disk charges for the files every segment makes (a data-ref directory, a log, a return file): on
 * these shared machines it varies several-fold from hour to hour, and the propagator's rate with it.
 */
async function metadataCost(dir: string): Promise<string> {
  const probe = join(dir, 'metadata-probe');
  const n = 200;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    mkdirSync(join(probe + i));
    writeFileSync(join(probe + i, 'f'), '');
  }
  const made = performance.now();
  for (let i = 0; i < n; i++) rmSync(probe + i, { recursive: true });
  const us = (ms: number) => ((1000 * ms) / n).toFixed(0);
  return `mkdir + create ${us(made - start)} µs, remove ${us(performance.now() - made)} µs`;
}

export async function main(): Promise<void> {
  const simRoot = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'we-bench-exec-'));
  try {
    const script = join(simRoot, 'runseg.sh');
    await writeFile(script, RUNSEG);
    await chmod(script, 0o755);
    const viaLauncher = await createExecutablePropagator(context(simRoot), { runseg: 'runseg.sh' });
    const fromEngine = await createExecutablePropagator(context(simRoot), { runseg: 'runseg.sh', launcher: 'none' });
    const bareReturn = join(simRoot, 'bare-pcoord');
    const bareSpawn = () =>
      new Promise<void>((done, fail) => {
        const child = spawn(script, [], { env: { ...process.env, WEST_PCOORD_RETURN: bareReturn }, stdio: 'ignore' });
        child.once('error', fail);
        child.once('close', () => done());
      });
    // Every call a new segment, as in a run: a data ref left by an earlier attempt (a retry) costs a removal.
    let segments = 0;
    const modes: Mode[] = [1, 2].flatMap((width) => [
      { name: 'bare child_process.spawn runseg.sh', width, job: bareSpawn, rounds: [] },
      { name: 'executable propagator, launcher (default)', width, job: () => viaLauncher.propagate(segmentTask(segments++), undefined, 0), rounds: [] },
      { name: 'executable propagator, launcher: none', width, job: () => fromEngine.propagate(segmentTask(segments++)), rounds: [] },
    ]);
    // Two slots get two launchers, as the local work manager would use them.
    for (const mode of modes.filter((m) => m.width === 2 && m.name.includes('(default)'))) {
      let lane = 0;
      mode.job = () => viaLauncher.propagate(segmentTask(segments++), undefined, lane++ % 2);
    }
    if (existsSync(join(WESTPA_SRC, 'src', 'westpa'))) {
      for (const width of [1, 2]) {
        const westpaSim = await mkdtemp(join(simRoot, 'westpa-'));
        const env = { ...process.env, PYTHONPATH: join(WESTPA_SRC, 'src') };
        await execFileAsync('/usr/bin/python3', [WESTPA_SIM, 'setup', westpaSim, script, '1', '1', '1'], { env });
        const args = [WESTPA_SIM, 'propagate', westpaSim, String(SEGMENTS_PER_ROUND), String(width), '1'];
        // Its own timing excludes Python's start-up; the process is the round.
        const job = async () => Number((await execFileAsync('/usr/bin/python3', args, { env })).stdout.trim().split('\n').pop());
        modes.splice(modes.findIndex((m) => m.width === width) + 1, 0, { name: "WESTPA 2's ExecutablePropagator", width, job, rounds: [], timesItself: true });
      }
    } else {
      console.log(`(no WESTPA source tree at ${WESTPA_SRC}: its rows are left out; set WESTPA_SRC)`);
    }
    console.log(`trivial runseg.sh, pcoord len 1; median of ${ROUNDS} interleaved rounds of ${SEGMENTS_PER_ROUND} segments`);
    console.log(`file system of the simulation root: ${await metadataCost(simRoot)}`);
    await measure(modes);
    const ballast: Buffer[] = [];
    while (process.memoryUsage().rss < RUN_RESIDENT_MB * 2 ** 20) ballast.push(Buffer.alloc(2 ** 20, 1));
    await measure(modes);
    console.log(`(ballast: ${ballast.length} MB of touched buffers, to the size of a real run)`);
    console.log(`file system of the simulation root, after: ${await metadataCost(simRoot)}`);
    await viaLauncher.close?.();
    await fromEngine.close?.();
  } finally {
    await rm(simRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
