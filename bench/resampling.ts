/**
 * Binning + resampling cost per iteration at 10^4, 10^5 and 10^6 walkers over 10,000 one-dimensional
 * rectilinear bins, target count n / 10,000 per bin (so the ensemble is at its steady-state size but every
 * bin still splits and merges). Prints the median of 5 runs.
 *   npx tsc -p tsconfig.json && node dist/bench/resampling.js
 */
import { pathToFileURL } from 'node:url';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { Random } from '../core/random.js';
import { BinResampler } from '../core/resampling/bin-resampler.js';
import { checkResampled } from '../core/resampling/weight-checks.js';
import type { WalkerSet } from '../core/types.js';
import { median } from './lib/median.js';

const NBINS = 10_000;
const SIZES = [10_000, 100_000, 1_000_000];
const RUNS = 5;

function randomWalkers(n: number, rng: Random): WalkerSet {
  const points = new Float64Array(n);
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    points[i] = rng.float() * NBINS;
    // Weights spread over six decades, as after many iterations of WE.
    weights[i] = Math.exp(-14 * rng.float());
    total += weights[i];
  }
  for (let i = 0; i < n; i++) weights[i] /= total;
  return { n, ndim: 1, points, weights };
}

export function main(): void {
  const boundaries = Array.from({ length: NBINS + 1 }, (_, k) => k);
  const mapper = new RectilinearBinMapper([boundaries]);
  const resampler = new BinResampler();
  console.log(`binning + resampling, ${NBINS} bins, median of ${RUNS}`);
  console.log('walkers     binning ms  resampling ms  total ms  ns/walker');
  for (const n of SIZES) {
    const target = new Uint32Array(NBINS).fill(n / NBINS);
    const binning: number[] = [];
    const resampling: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const walkers = randomWalkers(n, new Random(1, n, run));
      const t0 = performance.now();
      const bins = mapper.assign(walkers);
      const t1 = performance.now();
      const input = { walkers, bins, nbins: NBINS, targetCounts: target, smallestAllowedWeight: 1e-310, largestAllowedWeight: 1 };
      const output = resampler.resample(input, new Random(2, n, run));
      const t2 = performance.now();
      checkResampled(input, output, run);
      binning.push(t1 - t0);
      resampling.push(t2 - t1);
    }
    const b = median(binning);
    const r = median(resampling);
    const total = median(binning.map((x, k) => x + resampling[k]));
    console.log(
      `${String(n).padStart(9)}  ${b.toFixed(1).padStart(10)}  ${r.toFixed(1).padStart(13)}  ${total.toFixed(1).padStart(8)}  ${((total * 1e6) / n).toFixed(0).padStart(9)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
