/**
 * Whole runs with a trivial run script, `we run` against WESTPA 2's `w_run`, side by side on the same machine
 * in the same hour: 100 walkers in one bin, each segment one `runseg.sh` that writes a 2-row pcoord, serial
 * and with 2 slots (WESTPA: `--work-manager processes --n-workers 2`). The rate is segments per second of
 * iteration wall time as each engine reports it (WESTPA's "Iteration wallclock", our progress line), over
 * iterations 2–6 (iteration 1 warms up), so start-up is left out on both sides; it holds propagation,
 * resampling and the west.h5 write: what a user waits for per segment. Median of rounds, engines alternating.
 * WESTPA's simulation is written by bench/westpa-sim.py, laid out as its tutorials do (logs in seg_logs/).
 * Needs /usr/bin/python3 with WESTPA's dependencies and a WESTPA source tree with its extensions built
 * (`bash scripts/check-with-westpa.sh WESTPA_SRC` prepares one), in WESTPA_SRC (default /tmp/westpa-src).
 * The simulations live in $TMPDIR (or /tmp), or BENCH_DIR: on a disk, each segment's new directory, log and
 * return file cost both engines alike (BENCH_DIR=/dev/shm leaves only the engines' own costs).
 * Run: npx tsc && node dist/bench/westpa-executable.js
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { median } from './lib/median.js';

const WESTPA_SRC = process.env.WESTPA_SRC ?? '/tmp/westpa-src';
const PYTHON = '/usr/bin/python3';
const WE = fileURLToPath(new URL('../cli/we.js', import.meta.url));
const WESTPA_SIM = fileURLToPath(new URL('../../bench/westpa-sim.py', import.meta.url));
const WALKERS = 100;
const ITERATIONS = 6;
const ROUNDS = 3;
const RUNSEG = '#!/bin/sh\necho 1.0 > $WEST_PCOORD_RETURN\necho 1.0 >> $WEST_PCOORD_RETURN\n';

const weYaml = (slots: number) => `pcoord: {ndim: 1, len: 2, dtype: float32}
binning: {mapper: {type: rectilinear, boundaries: [[-.inf, .inf]]}, target_counts: ${WALKERS}}
basis_states: [{label: start, probability: 1, auxref: '0', pcoord: [1.0]}]
propagator: {name: executable, options: {runseg: runseg.sh}}
work_manager: {name: local, slots: ${slots}}
max_iterations: ${ITERATIONS}
seed: 1
`;

/** A folder holding the run script; the rest is up to each engine. */
async function simulation(): Promise<string> {
  const dir = await mkdtemp(join(process.env.BENCH_DIR ?? tmpdir(), 'we-bench-vs-westpa-'));
  await writeFile(join(dir, 'runseg.sh'), RUNSEG);
  await chmod(join(dir, 'runseg.sh'), 0o755);
  return dir;
}

/** Seconds per iteration after the first, read from each engine's own log lines. */
function iterationSeconds(log: string, pattern: RegExp, seconds: (match: RegExpMatchArray) => number): number[] {
  const all = [...log.matchAll(pattern)].map(seconds);
  if (all.length !== ITERATIONS) throw new Error(`expected ${ITERATIONS} iteration timings, found ${all.length}:\n${log}`);
  return all.slice(1);
}

const segmentsPerSecond = (seconds: number[]) => (WALKERS * seconds.length) / seconds.reduce((a, b) => a + b, 0);

async function westpaRate(workers: number): Promise<number> {
  const dir = await simulation();
  try {
    const env = { PYTHONPATH: join(WESTPA_SRC, 'src'), WEST_SIM_ROOT: dir };
    await execa(PYTHON, [WESTPA_SIM, 'setup', dir, join(dir, 'runseg.sh'), '2', String(WALKERS), String(ITERATIONS)], { env });
    await execa(PYTHON, ['-m', 'westpa.cli.core.w_init', '--bstate', 'start,1.0,0', '--segs-per-state', String(WALKERS), '--force'], { cwd: dir, env });
    const manager = workers === 1 ? ['--work-manager', 'serial'] : ['--work-manager', 'processes', '--n-workers', String(workers)];
    const run = await execa(PYTHON, ['-m', 'westpa.cli.core.w_run', ...manager], { cwd: dir, env, all: true });
    const wallclock = /Iteration wallclock: (\d+):(\d+):([\d.]+)/g;
    return segmentsPerSecond(iterationSeconds(run.all ?? '', wallclock, (m) => 3600 * Number(m[1]) + 60 * Number(m[2]) + Number(m[3])));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function weRate(slots: number): Promise<number> {
  const dir = await simulation();
  try {
    await mkdir(join(dir, 'bstates', '0'), { recursive: true });
    await writeFile(join(dir, 'we.yaml'), weYaml(slots));
    await execa('node', [WE, 'init'], { cwd: dir });
    const run = await execa('node', [WE, 'run'], { cwd: dir, all: true });
    const progress = new RegExp(`iteration \\d+: ${WALKERS} segments, .*?, ([\\d.]+) s;`, 'g');
    return segmentsPerSecond(iterationSeconds(run.all ?? '', progress, (m) => Number(m[1])));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  if (!existsSync(join(WESTPA_SRC, 'src', 'westpa'))) {
    console.log(`skipped: no WESTPA source tree at ${WESTPA_SRC} (set WESTPA_SRC; scripts/check-with-westpa.sh builds one)`);
    return;
  }
  console.log(`trivial runseg.sh, ${WALKERS} walkers, iterations 2-${ITERATIONS}; median of ${ROUNDS} rounds, engines alternating`);
  console.log('slots  WESTPA w_run seg/s  we run seg/s  we / WESTPA');
  for (const slots of [1, 2]) {
    const westpa: number[] = [];
    const we: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      westpa.push(await westpaRate(slots));
      we.push(await weRate(slots));
    }
    const [w, ours] = [median(westpa), median(we)];
    console.log(`${String(slots).padStart(5)}${w.toFixed(0).padStart(20)}${ours.toFixed(0).padStart(14)}${(ours / w).toFixed(2).padStart(12)}x`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
