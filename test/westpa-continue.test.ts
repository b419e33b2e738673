import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { we } from './helpers/cli.js';
import { DUMP_RUN, h5pyJson } from './helpers/h5py.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

/** make-west-h5.py's default: 20 iterations done, 21 prepared by "WESTPA". */
const WESTPA_CURRENT = 21;
const LAST = '24';

type Dump = { current: number; iterations: Record<string, unknown> };
const dump = (dir: string) => h5pyJson<Dump>(DUMP_RUN, join(dir, 'west.h5'));
const journals = (dir: string) => [0, 1].map((k) => join(dir, `west.h5.journal.${k}`));

interface Continued {
  current: number;
  maxNormError: number;
  lineageErrors: string[];
  istateDtype: string;
  istateRows: number;
  westVersion: string;
  binTopologies: boolean;
  summaryBinhashes: string[];
  /** Per iteration: binhash attribute, status values, datasets. */
  groups: Record<string, { binhash: string; status: number[]; keys: string[] }>;
}

/** What a continued file must show: weights sum to 1 every iteration and every parent is a segment or state of the file. */
const CONTINUED = `
import sys, json, math, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
current = int(f.attrs['west_current_iteration'])
ist = f['ibstates/0/istate_index']
ipc = f['ibstates/0/istate_pcoord'][...]
used = ist['iter_used']
errors, norm_error, groups, prev = [], 0.0, {}, None
for n in range(1, current + 1):
    g = f['iterations/iter_%08d' % n]
    si, pc = g['seg_index'][...], g['pcoord'][...]
    norm_error = max(norm_error, abs(math.fsum(si['weight'].tolist()) - 1))
    for i, p in enumerate(si['parent_id'].tolist()):
        if p >= 0:
            if prev is None or p >= len(prev) or pc[i, 0, 0] != prev[p, -1, 0]:
                errors.append('%d:%d parent %d' % (n, i, p))
        elif used[-(p + 1)] != n or pc[i, 0, 0] != ipc[-(p + 1), 0]:
            errors.append('%d:%d initial state %d' % (n, i, -(p + 1)))
    prev = pc
    groups[str(n)] = {'binhash': str(g.attrs.get('binhash', '')), 'status': sorted(set(si['status'].tolist())), 'keys': sorted(g)}
print(json.dumps({
  'current': current, 'maxNormError': norm_error, 'lineageErrors': errors,
  'istateDtype': 'vlen' if h5py.check_string_dtype(ist.dtype.fields['basis_auxref'][0]) and h5py.check_string_dtype(ist.dtype.fields['basis_auxref'][0]).length is None else 'fixed',
  'istateRows': int(ist.shape[0]),
  'westVersion': f.attrs['west_version'] if isinstance(f.attrs['west_version'], str) else f.attrs['west_version'].decode(),
  'binTopologies': 'bin_topologies' in f,
  'summaryBinhashes': [b.decode() for b in f['summary']['binhash']],
  'groups': groups,
}))
`;

describe('continuing a west.h5 written by WESTPA', () => {
  let reference: Dump;
  let westpaIterations: Dump['iterations'];
  beforeAll(async () => {
    const dir = await westpaLayoutRun();
    westpaIterations = (await dump(dir)).iterations;
    const run = await we(['run', '--max-iter', LAST], dir);
    expect(run.exitCode, run.all).toBe(0);
    reference = await dump(dir);
  });

  it('continues it: weights sum to 1 every iteration, lineage runs into the WESTPA iterations, WESTPA\'s part is untouched', async () => {
    const dir = await westpaLayoutRun();
    const run = await we(['run', '--max-iter', LAST], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stderr).toMatch(/we: warning: continuing .*west\.h5, written by another program \(WESTPA\), from its iteration 21: the configuration matches it/);
    expect(run.stdout).toMatch(/completed: reached iteration limit 24; 4 iteration\(s\) run, next is 25/);
    const c = await h5pyJson<Continued>(CONTINUED, join(dir, 'west.h5'));
    expect(c.current).toBe(25);
    expect(c.maxNormError).toBeLessThan(1e-12);
    expect(c.lineageErrors).toEqual([]);
    // WESTPA's own structures stay as WESTPA wrote them, extended in its own types
    expect(c.istateDtype).toBe('vlen');
    expect(c.westVersion).toBe('2022.13');
    expect(c.binTopologies).toBe(true);
    // who prepared each iteration: WESTPA leaves the summary binhash empty, we writes its own
    expect(c.summaryBinhashes.slice(0, WESTPA_CURRENT).every((h) => h === '')).toBe(true);
    expect(new Set(c.summaryBinhashes.slice(WESTPA_CURRENT)).size).toBe(1);
    expect(c.summaryBinhashes[WESTPA_CURRENT]).toMatch(/^[0-9a-f]{64}$/);
    expect(c.groups['21'].status).toEqual([2]);
    expect(c.groups['21'].keys).toContain('target_flux');
    expect(c.groups['25'].status).toEqual([1]);
    expect(c.groups['22'].binhash).toBe(c.summaryBinhashes[21]);
    const after = (await dump(dir)).iterations;
    for (let n = 1; n < WESTPA_CURRENT; n++) {
      const name = `iter_${String(n).padStart(8, '0')}`;
      expect(after[name], name).toEqual(westpaIterations[name]);
    }
  });

  it('resumes bit for bit after a kill inside its first commits, even with the journal then lost', async () => {
    const dir = await westpaLayoutRun();
    // the first commit writes into WESTPA's own tables (its variable-length initial-state rows)
    const first = await we(['run', '--max-iter', LAST], dir, { WE_FAULT: `store-midwrite:${WESTPA_CURRENT}` });
    expect(first.signal, first.all).toBe('SIGKILL');
    const second = await we(['run', '--max-iter', LAST], dir, { WE_FAULT: `store-midwrite:${WESTPA_CURRENT + 1}` });
    expect(second.signal, second.all).toBe('SIGKILL');
    journals(dir).forEach((j) => rmSync(j));
    const resumed = await we(['run', '--max-iter', LAST], dir);
    expect(resumed.exitCode, resumed.all).toBe(0);
    expect(resumed.stderr).toMatch(/rebuilt the journal .* at iteration 22/);
    expect(await dump(dir)).toEqual(reference);
  });

  it('names every difference between we.yaml and the file, and writes nothing', async () => {
    const dir = await westpaLayoutRun({ iterations: 6 });
    const yaml = readFileSync(join(dir, 'we.yaml'), 'utf8');
    writeFileSync(
      join(dir, 'we.yaml'),
      yaml
        .replace('target_counts: 4', 'target_counts: 5')
        .replace('{label: shoulder, probability: 0.25', '{label: ridge, probability: 0.5')
        .replace("label: bound, pcoord: [1.0]", 'label: bound, pcoord: [1.05]'),
    );
    const before = readFileSync(join(dir, 'west.h5'));
    const refused = await we(['run', '--max-iter', '8'], dir);
    expect(refused.exitCode).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    const yamlPath = join(dir, 'we.yaml');
    expect(lines).toEqual([
      `we: error: ${yamlPath}: basis_states[0].probability: 0.6 here (normalised); ${join(dir, 'west.h5')} has 0.75`,
      `we: error: ${yamlPath}: basis_states[1].label: 'ridge' here; ${join(dir, 'west.h5')} has 'shoulder'`,
      `we: error: ${yamlPath}: basis_states[1].probability: 0.4 here (normalised); ${join(dir, 'west.h5')} has 0.25`,
      `we: error: ${yamlPath}: target_states[0].pcoord: [1.05] here; ${join(dir, 'west.h5')} has [1]`,
      expect.stringMatching(/^we: error: .*we\.yaml: binning\.target_counts: differ from those of .*west\.h5's iteration 7: bin 1: 5 here, 4 there; bin 2: 5 here, 4 there; bin 3: 5 here, 4 there and 88 more$/),
    ]);
    expect(readFileSync(join(dir, 'west.h5')).equals(before)).toBe(true);
    expect(journals(dir).some(existsSync)).toBe(false);

    // bins with other edges: WESTPA resampled every occupied bin to its count, these bins are not so filled
    writeFileSync(join(dir, 'we.yaml'), yaml.replace('start: 1.1, stop: 10.1', 'start: 1.15, stop: 10.15'));
    const edges = await we(['run', '--max-iter', '8'], dir);
    expect(edges.stderr).toMatch(/binning\.mapper: at the start of iteration 7 bin \d+ holds \d+ walkers \(one at \[[\d.]+\]\), but its target count is \d+: the bin edges differ/);
    writeFileSync(join(dir, 'we.yaml'), yaml.replace('step: 0.1, under', 'step: 0.05, under'));
    const count = await we(['run', '--max-iter', '8'], dir);
    expect(count.stderr).toMatch(/binning\.mapper: makes 182 bins; .*west\.h5's iteration 7 was prepared with 92 \(the length of its bin_target_counts\)/);
    writeFileSync(join(dir, 'we.yaml'), yaml.replace('len: 21', 'len: 11').replace('float32', 'float64'));
    const shape = await we(['run', '--max-iter', '8'], dir);
    expect(shape.stderr).toMatch(/west\.h5: was written with pcoord len 21, ndim 1, float32; the run has pcoord len 11, ndim 1, float64 \(pcoord\.len and pcoord\.dtype differ\)/);
    expect(readFileSync(join(dir, 'west.h5')).equals(before)).toBe(true);
  });

  it('refuses an iteration WESTPA had begun, saying how to finish it, and writes nothing', async () => {
    const dir = await westpaLayoutRun({ iterations: 6, partial: 3 });
    const before = readFileSync(join(dir, 'west.h5'));
    const refused = await we(['run', '--max-iter', '8'], dir);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /iteration 7 was begun by another program \(WESTPA\) and not finished: 3 of its \d+ segments have results\. Let WESTPA finish it \(w_run with max_total_iterations: 7/,
    );
    expect(readFileSync(join(dir, 'west.h5')).equals(before)).toBe(true);
    expect(journals(dir).some(existsSync)).toBe(false);
  });
});
