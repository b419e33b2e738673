/**
 * WE's cumulative flux against what brute force predicts for it, iteration by iteration. A WE run started from
 * the basis states is an unbiased picture of the brute-force ensemble with recycling, so the expected weight that
 * has reached the target by iteration N is the renewal function of the brute-force first-passage times T (in
 * segments): M(N) = Σ_{t ≤ N} m(t), with m(t) = f(t) + Σ_{s < t} f(s) m(t − s) and f the distribution of T (a
 * recycled walker starts a new passage at the next iteration). M(N)/N tends to 1 / MFPT, from below when T has a
 * lag (fewer short passages than an exponential), which is why WE's rate comes from a window after the transient.
 * The brute-force prediction's interval is a bootstrap over its trajectories.
 *
 *   node dist/bench/science/renewal-flux.js WEST_H5 BRUTE.json [BRUTE.json …] [--at N,N,…]
 *
 * BRUTE.json: what go-chignolin-brute-force.js prints (its first_passages are pooled).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { targetFlux } from '../../core/analysis/target-flux.js';
import { Random } from '../../core/random.js';
import { openRunView } from '../../plugins/stores/westh5/run-view.js';

const BOOTSTRAP_SETS = 1000;

/** Renewal function M(1 … horizon) of the passage-time sample `times` (positive integers). */
function renewalFunction(times: readonly number[], horizon: number): Float64Array {
  const f = new Float64Array(horizon + 1);
  for (const t of times) if (t <= horizon) f[t] += 1 / times.length;
  const m = new Float64Array(horizon + 1);
  const cumulative = new Float64Array(horizon + 1);
  for (let t = 1; t <= horizon; t++) {
    let value = f[t];
    for (let s = 1; s < t; s++) value += f[s] * m[t - s];
    m[t] = value;
    cumulative[t] = cumulative[t - 1] + value;
  }
  return cumulative;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string' } } });
const [westH5, ...bruteFiles] = positionals;
if (!westH5 || bruteFiles.length === 0) throw new Error('usage: renewal-flux.js WEST_H5 BRUTE.json [BRUTE.json …] [--at N,N,…]');
const passages = bruteFiles.flatMap((file) => (JSON.parse(readFileSync(file, 'utf8')) as { first_passages: number[]; censored: number }).first_passages);

const view = await openRunView(westH5);
const last = view.lastIteration;
const [flux] = targetFlux(view, { first: 1, last }).flux;
view.close();
const at = (values.at ?? '').split(',').filter(Boolean).map(Number).filter((n) => n <= last);
if (!at.includes(last)) at.push(last);
at.sort((a, b) => a - b);

const expected = renewalFunction(passages, last);
const random = new Random(20261205);
const sets = at.map(() => new Float64Array(BOOTSTRAP_SETS));
for (let b = 0; b < BOOTSTRAP_SETS; b++) {
  const resample = passages.map(() => passages[Math.floor(random.float() * passages.length)]);
  const m = renewalFunction(resample, last);
  at.forEach((n, k) => (sets[k][b] = m[n]));
}
const mean = passages.reduce((a, t) => a + t, 0) / passages.length;
console.log(`brute force: ${passages.length} first passages, MFPT ${mean.toFixed(1)} segments, 1/MFPT ${(1 / mean).toExponential(3)} per τ`);
console.log(`WE: ${westH5}, iterations 1 to ${last}\n`);
console.log('| iteration N | WE cumulative flux | brute force M(N), 95% interval | WE mean flux 1…N | brute force M(N)/N |');
console.log('|---:|---:|---|---:|---:|');
let cumulative = 0;
let k = 0;
for (let n = 1; n <= last; n++) {
  cumulative += flux[n - 1];
  if (n !== at[k]) continue;
  const sorted = sets[k].sort();
  const lower = sorted[Math.floor(0.025 * BOOTSTRAP_SETS)];
  const upper = sorted[Math.ceil(0.975 * BOOTSTRAP_SETS) - 1];
  console.log(`| ${n} | ${cumulative.toFixed(4)} | ${expected[n].toFixed(4)} [${lower.toFixed(4)}, ${upper.toFixed(4)}] | ${(cumulative / n).toExponential(2)} | ${(expected[n] / n).toExponential(2)} |`);
  k++;
}
