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
import { ODLD_PARAMS, odldBenchConfig } from './lib/odld-bench-config.js';

/** Untimed iterations first: V8 optimises the HDF5 WebAssembly only after many calls, as in any long run. */
const WARMUP = { small: 40, large: 4 };
const TIMED = { small: 21, large: 7 };

/** The same segments stepped with no engine around them: what propagation alone costs. */
function bareSteppingMs(n: number): number {
  const sigma = Math.sqrt(ODLD_PARAMS.sigma_squared);
  const out = new Float64Array(n * 21);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const rng = new Random(1, 1, Stream.propagate, i);
    let x = 1.15 + (i % 90) * 0.1;
    for (let t = 1; t < 21; t++) out[i * 21 + t] = x = Math.fround(odldStep(x, sigma * rng.normal(), ODLD_PARAMS));
  }
  return performance.now() - t0;
}

async function measure(walkersPerBin: number) {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-'));
  try {
    writeFileSync(join(dir, 'we.yaml'), odldBenchConfig(walkersPerBin, 1000));
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
