/**
 * Science check: on ODLD, the rate `we kinetics` gives (the WE steady-state flux into the target, per iteration)
 * equals 1 / MFPT from brute-force trajectories of the same dynamics (Hill relation), within the 95% interval of
 * their difference; so does its haMSM estimate. Both sides see the target only at segment ends (every 20 steps),
 * as WE does. WE's error bar comes from independent replicas (different seeds): the flux of one run is
 * heavy-tailed and correlated over hundreds of iterations, so block averages within a run understate its error.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { we } from './helpers/cli.js';
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

interface ReplicaRates {
  direct: number;
  hamsm: number;
  directInterval: [number, number];
  hamsmInterval: [number, number];
}

/** One WE run through the CLI; the rates `we kinetics` gives after the burn-in (per iteration = per segment). */
async function weReplica(seed: number): Promise<ReplicaRates> {
  const dir = tempDir('rate');
  writeFileSync(join(dir, 'we.yaml'), `${CONFIG}seed: ${seed}\n`);
  expect((await we(['init'], dir)).exitCode).toBe(0);
  const run = await we(['run'], dir);
  expect(run.exitCode, run.all).toBe(0);
  const kinetics = await we(['kinetics', '--window', `${BURN_IN + 1}:${ITERATIONS}`, '--json'], dir);
  expect(kinetics.exitCode, kinetics.all).toBe(0);
  const [target] = JSON.parse(kinetics.stdout).targets;
  expect(target.label).toBe('over-the-barrier');
  expect(target.flux).toHaveLength(ITERATIONS);
  const { direct, hamsm } = { direct: target.direct.per_tau, hamsm: target.hamsm.per_tau };
  return {
    direct: direct.expected,
    hamsm: hamsm.expected,
    directInterval: [direct.ci_lbound, direct.ci_ubound],
    hamsmInterval: [hamsm.ci_lbound, hamsm.ci_ubound],
  };
}

/** Mean of the replicas and its standard error. */
function pooled(values: number[]): { mean: number; se: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, se: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) / values.length) };
}

describe('ODLD rate: weighted ensemble vs brute force', () => {
  it('gives the same rate into the target within the 95% interval, directly and from the haMSM', async () => {
    const replicas: ReplicaRates[] = [];
    for (let r = 0; r < REPLICAS; r += 2) replicas.push(...(await Promise.all([weReplica(r + 1), weReplica(r + 2)])));

    const mfpt = bruteForceMfpt(3000);
    const bfRate = 1 / mfpt.mean;
    const bfSe = mfpt.se / (mfpt.mean * mfpt.mean);
    const show = (x: number) => x.toExponential(3);

    for (const estimator of ['direct', 'hamsm'] as const) {
      const values = replicas.map((r) => r[estimator]);
      const we = pooled(values);
      const difference = Math.abs(we.mean - bfRate);
      const interval = T_95 * Math.sqrt(we.se ** 2 + bfSe ** 2);
      const own = replicas.map((r) => r[estimator === 'direct' ? 'directInterval' : 'hamsmInterval']);
      console.log(
        `${estimator} rate per segment: WE ${we.mean.toExponential(4)} ± ${we.se.toExponential(2)} ` +
          `(replicas ${values.map(show).join(', ')}; their own intervals ${own.map(([a, b]) => `[${show(a)}, ${show(b)}]`).join(' ')}), ` +
          `brute force ${bfRate.toExponential(4)} ± ${bfSe.toExponential(2)}; |difference| ${difference.toExponential(3)} < ${interval.toExponential(3)}`,
      );
      expect(we.mean).toBeGreaterThan(0);
      expect(difference).toBeLessThan(interval);
      // The test has power: the interval is a modest fraction of the rate itself.
      expect(interval / bfRate).toBeLessThan(0.5);
    }
  }, 600_000);
});
