import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';

interface FirstIteration {
  weights: number[];
  parents: number[];
  istateBasis: number[];
}

const FIRST_ITERATION = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
g = f['iterations/iter_00000001']
si = g['seg_index'][...]
print(json.dumps({
  'weights': si['weight'].tolist(),
  'parents': si['parent_id'].tolist(),
  'istateBasis': g['ibstates/istate_index'][...]['basis_state_id'].tolist(),
}))
`;

/** The ODLD example with two basis states in different bins, `targetCount` walkers wanted per bin. */
function twoStateOdld(targetCount: number): string {
  const dir = copyExample('odld');
  const yaml = readFileSync(join(dir, 'we.yaml'), 'utf8')
    .replace('target_counts: 10', `target_counts: ${targetCount}`)
    .replace(
      "  - {label: start, probability: 1.0, auxref: '0', pcoord: [8.0]}",
      "  - {label: a, probability: 0.25, pcoord: [8.0]}\n  - {label: b, probability: 0.75, pcoord: [5.0]}",
    );
  writeFileSync(join(dir, 'we.yaml'), yaml);
  return dir;
}

describe('we init --segs-per-state', () => {
  it('starts N walkers from each basis state, each from its own initial state, with the weight split evenly', async () => {
    const dir = twoStateOdld(3);
    const init = await we(['init', '--segs-per-state', '3'], dir);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.stdout).toContain('iteration 1 with 6 walkers in 2 bin(s)');
    const first = await h5pyJson<FirstIteration>(FIRST_ITERATION, join(dir, 'west.h5'));
    expect(first.istateBasis).toEqual([0, 0, 0, 1, 1, 1]);
    // Every walker starts from a different initial state (parent_id -1 - istate id).
    expect(new Set(first.parents).size).toBe(6);
    expect(first.parents.every((p) => p < 0)).toBe(true);
    const basisAndWeight = first.parents.map((p, i) => [first.istateBasis[-p - 1], first.weights[i]]);
    expect(basisAndWeight.sort()).toEqual([...Array(3).fill([0, 0.25 / 3]), ...Array(3).fill([1, 0.75 / 3])]);
    const run = await we(['run', '--max-iter', '2'], dir);
    expect(run.exitCode, run.all).toBe(0);
  });

  it('resamples the walkers to the target counts afterwards, as w_init does', async () => {
    const dir = twoStateOdld(2);
    const init = await we(['init', '--segs-per-state', '5'], dir);
    expect(init.exitCode, init.all).toBe(0);
    const first = await h5pyJson<FirstIteration>(FIRST_ITERATION, join(dir, 'west.h5'));
    expect(first.istateBasis).toHaveLength(10);
    expect(first.weights).toHaveLength(4);
    expect(Math.abs(first.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  });

  it('refuses a count that is not a positive integer', async () => {
    const dir = twoStateOdld(2);
    const init = await we(['init', '--segs-per-state', '0'], dir);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toBe("we: error: --segs-per-state: expected a positive integer, got '0'");
  });
});
