/**
 * Rectilinear bin assignment speed: 10^4 .. 10^6 walkers over a 1-D grid of 10,000 bins and a 2-D grid of
 * 100 × 100 bins (median of several runs, after warm-up runs). Run: npx tsc && node dist/bench/binning.js
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { Random } from '../core/random.js';
import type { WalkerSet } from '../core/types.js';
import { median } from './lib/median.js';

const RUNS = 7;
/** Enough calls for the optimising compiler to take over before timing. */
const WARMUP = 3;

function edges(count: number): number[] {
  return Array.from({ length: count + 1 }, (_, k) => k / count);
}

function uniformWalkers(n: number, ndim: number, rng: Random): WalkerSet {
  const points = new Float64Array(n * ndim);
  for (let k = 0; k < points.length; k++) points[k] = rng.float();
  return { n, ndim, points, weights: new Float64Array(n).fill(1 / n) };
}

function medianMs(mapper: RectilinearBinMapper, walkers: WalkerSet): number {
  const out = new Uint32Array(walkers.n);
  for (let run = 0; run < WARMUP; run++) mapper.assign(walkers, out);
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    mapper.assign(walkers, out);
    times.push(performance.now() - start);
  }
  return median(times);
}

export function main(): void {
  const grids = [
    { name: '1-D, 10,000 bins', mapper: new RectilinearBinMapper([edges(10_000)]) },
    { name: '2-D, 100 x 100 bins', mapper: new RectilinearBinMapper([edges(100), edges(100)]) },
  ];
  const rng = new Random(2024);
  console.log(`rectilinear assign, median of ${RUNS} runs`);
  console.log('grid                  walkers      ms   ns/walker');
  for (const { name, mapper } of grids) {
    for (const n of [10_000, 100_000, 1_000_000]) {
      const ms = medianMs(mapper, uniformWalkers(n, mapper.ndim, rng));
      console.log(`${name.padEnd(20)} ${String(n).padStart(8)} ${ms.toFixed(2).padStart(7)} ${((ms * 1e6) / n).toFixed(1).padStart(11)}`);
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
