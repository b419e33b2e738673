/**
 * Science check: on ODLD, the WE steady-state flux into the target (weight recycled per iteration) equals
 * 1 / MFPT from brute-force trajectories of the same dynamics (Hill relation), within the 95% interval of
 * their difference. Both sides see the target only at segment ends (every 20 steps), as WE does.
 * WE's error bar comes from independent replicas (different seeds): the flux of one run is heavy-tailed and
 * correlated over hundreds of iterations, so block averages within a run understate its error.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';
import { tempDir } from './helpers/temp-dir.js';
import { odldStep } from '../plugins/propagators/odld/odld-propagator.js';
import { Random } from '../core/random.js';

const START = 9.0;
const TARGET_BELOW = 7.5;
const STEPS_PER_SEGMENT = 20;
const ITERATIONS = 700;
const BURN_IN = 150;
const REPLICAS = 4;
/** Two-sided 95% quantile of Student's t with REPLICAS - 1 degrees of freedom. */
const T_95 = 3.182;
const params = { A: 2, B: 10, C: 0.5, x0: 1, sigma_squared: 0.001, reflect_at: 10 };

const CONFIG = `
pcoord: {ndim: 1, len: ${STEPS_PER_SEGMENT + 1}, dtype: float32}
binning:
  mapper:
    type: rectilinear
    boundaries: [{start: ${TARGET_BELOW}, stop: 10.0, step: 0.1, underflow: true, overflow: true}]
  target_counts: 8
basis_states: [{label: start, probability: 1, auxref: '0', pcoord: [${START}]}]
target_states: [{label: over-the-barrier, pcoord: [${TARGET_BELOW - 0.5}]}]
propagator: {name: odld, options: ${JSON.stringify(params)}}
work_manager: {name: local, slots: 1}
max_iterations: ${ITERATIONS}
`;

/** Mean first-passage time in segments, from independent trajectories, with its standard error. */
function bruteForceMfpt(trajectories: number): { mean: number; se: number } {
  const sigma = Math.sqrt(params.sigma_squared);
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < trajectories; k++) {
    const rng = new Random(99, k);
    let x = START;
    let segments = 0;
    do {
      for (let s = 0; s < STEPS_PER_SEGMENT; s++) x = Math.fround(odldStep(x, sigma * rng.normal(), params));
      segments++;
    } while (x >= TARGET_BELOW);
    sum += segments;
    sumSq += segments * segments;
  }
  const mean = sum / trajectories;
  const variance = (sumSq - trajectories * mean * mean) / (trajectories - 1);
  return { mean, se: Math.sqrt(variance / trajectories) };
}

/** Recycled weight per iteration, read from west.h5 with h5py (endpoint_type 3), as w_ipa would. */
const FLUX_FROM_H5 = `
import sys, json, h5py, math
f = h5py.File(sys.argv[1], 'r')
out = []
for name in sorted(f['iterations'])[:-1]:
    si = f['iterations'][name]['seg_index'][...]
    out.append(math.fsum(w for w, e in zip(si['weight'].tolist(), si['endpoint_type'].tolist()) if e == 3))
print(json.dumps(out))
`;

/** One WE run through the CLI; returns its mean flux per iteration after the burn-in. */
async function weReplica(seed: number): Promise<number> {
  const dir = tempDir('rate');
  writeFileSync(join(dir, 'we.yaml'), `${CONFIG}seed: ${seed}\n`);
  expect((await we(['init'], dir)).exitCode).toBe(0);
  const run = await we(['run'], dir);
  expect(run.exitCode, run.all).toBe(0);
  const flux = await h5pyJson<number[]>(FLUX_FROM_H5, join(dir, 'west.h5'));
  expect(flux).toHaveLength(ITERATIONS);
  const steady = flux.slice(BURN_IN);
  return steady.reduce((s, v) => s + v, 0) / steady.length;
}

describe('ODLD rate: weighted ensemble vs brute force', () => {
  it('gives the same rate into the target within the 95% interval', async () => {
    const replicas: number[] = [];
    for (let r = 0; r < REPLICAS; r += 2) replicas.push(...(await Promise.all([weReplica(r + 1), weReplica(r + 2)])));
    const weRate = replicas.reduce((s, v) => s + v, 0) / REPLICAS;
    const weSe = Math.sqrt(replicas.reduce((s, v) => s + (v - weRate) ** 2, 0) / (REPLICAS - 1) / REPLICAS);

    const mfpt = bruteForceMfpt(3000);
    const bfRate = 1 / mfpt.mean;
    const bfSe = mfpt.se / (mfpt.mean * mfpt.mean);

    const difference = Math.abs(weRate - bfRate);
    const interval = T_95 * Math.sqrt(weSe ** 2 + bfSe ** 2);
    console.log(
      `rate per segment: WE ${weRate.toExponential(4)} ± ${weSe.toExponential(2)} (replicas ${replicas.map((r) => r.toExponential(3)).join(', ')}), ` +
        `brute force ${bfRate.toExponential(4)} ± ${bfSe.toExponential(2)}; |difference| ${difference.toExponential(3)} < ${interval.toExponential(3)}`,
    );
    expect(weRate).toBeGreaterThan(0);
    expect(difference).toBeLessThan(interval);
    // The test has power: the interval is a modest fraction of the rate itself.
    expect(interval / bfRate).toBeLessThan(0.5);
  });
});
