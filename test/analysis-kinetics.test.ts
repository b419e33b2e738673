/**
 * `we kinetics` on a west.h5 in WESTPA's own layout: the per-iteration flux is the recycled weight (as w_fluxanl
 * reads it from new_weights), the direct estimate is w_direct's block mean with an interval around it, and the
 * haMSM rate equals 1 / MFPT of the same bin model solved independently here with numpy (a different algorithm
 * from the stationary distribution the command computes).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

/** examples/odld's bins, as the fixture's we.yaml makes them. */
const BINS = `[[-inf,${Array.from({ length: 91 }, (_, i) => Number((1.1 + 0.1 * i).toPrecision(12))).join(',')},inf]]`;

interface EstimateJson {
  expected: number;
  ci_lbound: number;
  ci_ubound: number;
  sterr: number;
  corr_len: number;
}

interface KineticsJson {
  window: { first: number; last: number };
  tau_seconds: number | null;
  iterations: number[];
  targets: {
    label: string;
    flux: number[];
    direct: { per_tau: EstimateJson; per_second?: EstimateJson };
    hamsm: { per_tau: EstimateJson; states: number; trimmed_weight: number; nsets: number };
    window_check: { verdict: string; message: string; block_length: number };
    evolution?: (EstimateJson & { iter_start: number; iter_stop: number })[];
  }[];
}

/** Recycled weight per iteration, and the haMSM's rate as 1 / MFPT from the basis states (numpy). */
const REFERENCE = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
a = json.loads(sys.argv[2])
b = np.array([float(x) for x in a['bins']])
first, last = a['first'], a['last']
last_all = int(f.attrs['west_current_iteration']) - 1
flux = []
for n in range(1, last_all + 1):
    si = f['iterations/iter_%08d' % n]['seg_index'][...]
    flux.append(float(si['weight'][si['endpoint_type'] == 3].sum()))
binof = lambda x: int(np.searchsorted(b, x, side='right') - 1)
counts = {}
for n in range(first, last + 1):
    g = f['iterations/iter_%08d' % n]
    pc = g['pcoord'][...].astype(np.float64)
    for w, x0, x1 in zip(g['seg_index']['weight'], pc[:, 0, 0], pc[:, -1, 0]):
        key = (binof(x0), binof(x1))
        counts[key] = counts.get(key, 0.0) + w
targets = {binof(float(x)) for x in f['tstates/0/pcoord'][:, 0]}
basis = {}
for (p,), x in zip(f['ibstates/0/bstate_index']['probability'][:, None], f['ibstates/0/bstate_pcoord'][:, 0]):
    basis[binof(float(x))] = basis.get(binof(float(x)), 0.0) + p
fwd, bwd = {}, {}
for (i, j), w in counts.items():
    if i in targets: continue
    fwd.setdefault(i, set()).add(j); bwd.setdefault(j, set()).add(i)
for t in targets: fwd[t] = set(basis)
def reach(seeds, edges):
    seen, stack = set(seeds), list(seeds)
    while stack:
        for k in edges.get(stack.pop(), ()):
            if k not in seen: seen.add(k); stack.append(k)
    return seen
kept = sorted((reach(basis, fwd) & reach(targets, bwd)) - targets)
ix = {k: i for i, k in enumerate(kept)}
m = len(kept)
Q = np.zeros((m, m)); row = np.zeros(m)
for (i, j), w in counts.items():
    if i in ix and (j in ix or j in targets):
        row[ix[i]] += w
        if j in ix: Q[ix[i], ix[j]] += w
Q /= row[:, None]
mfpt = np.linalg.solve(np.eye(m) - Q, np.ones(m))
p = np.array([basis.get(k, 0.0) for k in kept]); p /= p.sum()
print(json.dumps({'flux': flux, 'hamsm_rate': 1.0 / float(p @ mfpt), 'states': m}))
`;

function blockMean(series: number[], length: number): number {
  const blocks = Math.floor(series.length / length);
  let sum = 0;
  for (let i = 0; i < blocks * length; i++) sum += series[i];
  return sum / (blocks * length);
}

describe('we kinetics', () => {
  it('gives the recycled flux, the direct rate with its interval, and a haMSM rate equal to 1/MFPT of the bin model', async () => {
    const dir = await westpaLayoutRun({ iterations: 30 });
    const run = await we(['kinetics', '-W', 'west.h5', '--bins', BINS, '--window', '6:30', '--tau', '10ps', '--evolution', 'cumulative', '--step-iter', '5', '--json'], dir);
    expect(run.exitCode, run.all).toBe(0);
    const out = JSON.parse(run.stdout) as KineticsJson;
    const bins = BINS.slice(2, -2).split(',');
    const reference = await h5pyJson<{ flux: number[]; hamsm_rate: number; states: number }>(REFERENCE, join(dir, 'west.h5'), JSON.stringify({ bins, first: 6, last: 30 }));

    expect(out.window).toEqual({ first: 6, last: 30 });
    expect(out.tau_seconds).toBe(1e-11);
    expect(out.iterations).toHaveLength(30);
    const [target] = out.targets;
    expect(target.label).toBe('bound');
    target.flux.forEach((x, i) => expect(x).toBeCloseTo(reference.flux[i], 14));
    expect(reference.flux.slice(5).some((x) => x > 0)).toBe(true);

    const direct = target.direct.per_tau;
    // w_direct's estimate: the mean of whole blocks of corr_len + 1 iterations
    expect(direct.expected).toBeCloseTo(blockMean(reference.flux.slice(5), direct.corr_len + 1), 14);
    expect(direct.ci_lbound).toBeLessThanOrEqual(direct.expected);
    expect(direct.ci_ubound).toBeGreaterThanOrEqual(direct.expected);
    expect(direct.ci_ubound).toBeGreaterThan(direct.ci_lbound);
    expect(target.direct.per_second!.expected).toBeCloseTo(direct.expected / 1e-11, 0);

    expect(target.hamsm.states).toBe(reference.states);
    expect(Math.abs(target.hamsm.per_tau.expected / reference.hamsm_rate - 1)).toBeLessThan(1e-9);
    expect(target.hamsm.per_tau.ci_lbound).toBeLessThanOrEqual(target.hamsm.per_tau.ci_ubound);

    expect(target.evolution!.map((p) => [p.iter_start, p.iter_stop])).toEqual([[6, 11], [6, 16], [6, 21], [6, 26], [6, 31]]);
    expect(['rising', 'falling', 'steady', 'undetermined']).toContain(target.window_check.verdict);

    // the same run read through its we.yaml (bins from the run's own mapper) gives the same numbers
    const viaConfig = await we(['kinetics', '--window', '6:30', '--json'], dir);
    expect(viaConfig.exitCode, viaConfig.all).toBe(0);
    const again = JSON.parse(viaConfig.stdout) as KineticsJson;
    expect(again.targets[0].direct.per_tau).toEqual(direct);
    expect(again.targets[0].hamsm.per_tau.expected).toBe(target.hamsm.per_tau.expected);

    const text = await we(['kinetics', '-W', 'west.h5', '--window', '6:30', '--no-hamsm'], dir);
    expect(text.exitCode, text.all).toBe(0);
    expect(text.stdout).toMatch(/target 'bound'\n {2}direct \(mean recycled flux\) +\d\.\d{3}e[-+]\d+ \/τ {2}\[/);
    expect(text.stdout).toContain('haMSM                          unavailable: not asked for (--no-hamsm)');
    expect(text.stdout).toMatch(/window check: (steady|still rising|falling|cannot tell)/);
  });
});
