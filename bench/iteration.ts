/**
 * Whole-iteration cost on ODLD with the in-process propagator, at N ≈ 1,000 / 10,000 / 100,000 walkers:
 * propagation + binning + recycling + resampling + journal + west.h5 write, per iteration. Baseline in the
 * same process: the bare ODLD stepping of the same number of segments, no engine. Each size runs in its own
 * process so that its RSS is its own.
 *   node dist/bench/iteration.js            (table)
 *   node dist/bench/iteration.js --walkers-per-bin 111   (one size, JSON)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../core/config/load.js';
import { createRunContext } from '../core/driver/run-context.js';
import { initializeRun } from '../core/driver/initialize.js';
import { runIteration } from '../core/driver/iteration.js';
import { builtinPlugins } from '../plugins/registry.js';
import { odldStep } from '../plugins/propagators/odld/odld-propagator.js';
import { Random, Stream } from '../core/random.js';
import { median } from './lib/median.js';

/** Untimed iterations first: V8 optimises the HDF5 WebAssembly only after many calls, as in any long run. */
const WARMUP = { small: 40, large: 4 };
const TIMED = { small: 21, large: 7 };
const params = { A: 2, B: 10, C: 0.5, x0: 1, sigma_squared: 0.001, reflect_at: 10 };

function configText(walkersPerBin: number): string {
  // One basis state per bin centre (1.15 ... 10.05) so every bin is full from iteration 1.
  const bstates = Array.from({ length: 90 }, (_, i) => `  - {label: b${i}, probability: 1, auxref: '${i}', pcoord: [${(1.15 + i * 0.1).toFixed(2)}]}`);
  return `pcoord: {ndim: 1, len: 21, dtype: float32}
binning:
  mapper: {type: rectilinear, boundaries: [{start: 1.1, stop: 10.1, step: 0.1, underflow: true, overflow: true}]}
  target_counts: ${walkersPerBin}
basis_states:
${bstates.join('\n')}
target_states: [{label: bound, pcoord: [1.0]}]
propagator: {name: odld, options: ${JSON.stringify(params)}}
work_manager: {name: local, slots: 1}
max_iterations: 1000
seed: 1
`;
}

/** The same segments stepped with no engine around them: what propagation alone costs. */
function bareSteppingMs(n: number): number {
  const sigma = Math.sqrt(params.sigma_squared);
  const out = new Float64Array(n * 21);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const rng = new Random(1, 1, Stream.propagate, i);
    let x = 1.15 + (i % 90) * 0.1;
    for (let t = 1; t < 21; t++) out[i * 21 + t] = x = Math.fround(odldStep(x, sigma * rng.normal(), params));
  }
  return performance.now() - t0;
}

async function measure(walkersPerBin: number) {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-'));
  try {
    writeFileSync(join(dir, 'we.yaml'), configText(walkersPerBin));
    const ctx = await createRunContext(await loadConfig(join(dir, 'we.yaml')), builtinPlugins);
    let journal = await initializeRun(ctx, true);
    const wm = await ctx.workManager();
    const times: number[] = [];
    const bare: number[] = [];
    let walkers = 0;
    const size = walkersPerBin > 200 ? 'large' : 'small';
    for (let k = 0; k < WARMUP[size] + TIMED[size]; k++) {
      walkers = journal.prepared.n;
      const t0 = performance.now();
      journal = await runIteration(ctx, journal, wm, {});
      const ms = performance.now() - t0;
      if (k >= WARMUP[size]) {
        times.push(ms);
        bare.push(bareSteppingMs(walkers));
      }
    }
    await ctx.close();
    return { walkers, iterationMs: median(times), bareMs: median(bare), rssMB: process.memoryUsage().rss / 2 ** 20 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--walkers-per-bin');
  if (flag > 0) {
    console.log(JSON.stringify(await measure(Number(process.argv[flag + 1]))));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  console.log(
    `ODLD whole iteration, median of ${TIMED.small} (${TIMED.large} at 100k) after ${WARMUP.small} (${WARMUP.large}) untimed; propagation + WE + journal + west.h5 write`,
  );
  console.log('walkers   iteration ms   bare stepping ms   ratio   µs/walker   RSS MB   WESTPA 2 (shared notes)');
  const westpa: Record<number, string> = { 11: '63–120 ms, 116–134 MB', 111: '400–700 ms, 116–134 MB', 1111: '4,400 ms, 364 MB' };
  for (const perBin of [11, 111, 1111]) {
    const r = JSON.parse(execFileSync(process.execPath, [self, '--walkers-per-bin', String(perBin)], { encoding: 'utf8' }));
    console.log(
      `${String(r.walkers).padStart(7)}   ${r.iterationMs.toFixed(2).padStart(12)}   ${r.bareMs.toFixed(2).padStart(16)}   ${(r.iterationMs / r.bareMs).toFixed(2).padStart(5)}   ${((r.iterationMs * 1000) / r.walkers).toFixed(2).padStart(9)}   ${r.rssMB.toFixed(0).padStart(6)}   ${westpa[perBin]}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
