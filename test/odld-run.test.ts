import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample, we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';

interface Readback {
  attrs: Record<string, number | string>;
  seg_index_dtype: [string, string][];
  pcoord_dtype: string;
  pcoord_shape: number[];
  n_iterations: number;
  summary_fields: string[];
  summary_rows: number;
  norms: number[];
  wtgraph_ok: boolean;
  lineage_ok: boolean;
  ibstates_labels: string[];
  tstate_labels: string[];
  statuses_last: number[];
  continuity_ok: boolean;
}

const READBACK = `
import sys, json, h5py, math, numpy as np
f = h5py.File(sys.argv[1], 'r')
its = sorted(f['iterations'])
last_done = its[-2]
g = f['iterations'][last_done]
si = g['seg_index']
norms, wtg_ok, lin_ok, cont_ok = [], True, True, True
for k, name in enumerate(its):
    s = f['iterations'][name]['seg_index'][...]
    w = s['weight']
    norms.append(math.fsum(w.tolist()))
    wtg = f['iterations'][name]['wtgraph'][...]
    for row in s:
        off, n = int(row['wtg_offset']), int(row['wtg_n_parents'])
        if n < 1 or off + n > len(wtg): wtg_ok = False
    if k > 0:
        prev = f['iterations'][its[k-1]]
        pp = prev['pcoord'][...]
        pc = f['iterations'][name]['pcoord'][...]
        for i, row in enumerate(s):
            p = int(row['parent_id'])
            if p >= len(pp): lin_ok = False
            if p >= 0 and not np.array_equal(pc[i, 0], pp[p, -1]): cont_ok = False
print(json.dumps({
  'attrs': {k: (v.item() if hasattr(v, 'item') else (v.decode() if isinstance(v, bytes) else v)) for k, v in f.attrs.items()},
  'seg_index_dtype': [[n, si.dtype.fields[n][0].str] for n in si.dtype.names],
  'pcoord_dtype': g['pcoord'].dtype.str,
  'pcoord_shape': list(g['pcoord'].shape),
  'n_iterations': len(its),
  'summary_fields': list(f['summary'].dtype.names),
  'summary_rows': int(f['summary'].shape[0]),
  'norms': norms,
  'wtgraph_ok': wtg_ok,
  'lineage_ok': lin_ok,
  'continuity_ok': cont_ok,
  'ibstates_labels': [x.decode() if isinstance(x, bytes) else x for x in g['ibstates']['bstate_index']['label']],
  'tstate_labels': [x.decode() if isinstance(x, bytes) else str(x) for x in f['tstates']['0']['index']['label']],
  'statuses_last': sorted(set(f['iterations'][its[-1]]['seg_index']['status'].tolist())),
}))
`;

describe('the ODLD example, run as a user would', () => {
  let dir: string;
  let runOutput: string;
  beforeAll(async () => {
    dir = copyExample('odld');
    const init = await we(['init'], dir);
    expect(init.exitCode, init.all).toBe(0);
    const run = await we(['run'], dir);
    runOutput = run.all ?? '';
    expect(run.exitCode, runOutput).toBe(0);
  });

  it('runs 30 iterations and logs one line per iteration when not on a terminal', () => {
    const lines = runOutput.split('\n').filter((l) => / iteration \d+: \d+ segments, .* next \d+ walkers in \d+ bins/.test(l));
    expect(lines).toHaveLength(30);
    expect(runOutput).toMatch(/completed: reached iteration limit 30/);
  });

  it('writes a west.h5 that h5py reads with WESTPA datasets and dtypes', async () => {
    const r = await h5pyJson<Readback>(READBACK, join(dir, 'west.h5'));
    expect(r.attrs.west_file_format_version).toBe(9);
    expect(r.attrs.west_iter_prec).toBe(8);
    expect(r.attrs.west_current_iteration).toBe(31);
    expect(r.n_iterations).toBe(31);
    expect(r.summary_rows).toBe(31);
    expect(r.seg_index_dtype).toEqual([
      ['weight', '<f8'],
      ['parent_id', '<i8'],
      ['wtg_n_parents', '<u8'],
      ['wtg_offset', '<u8'],
      ['cputime', '<f8'],
      ['walltime', '<f8'],
      ['endpoint_type', '|u1'],
      ['status', '|u1'],
    ]);
    expect(r.summary_fields).toEqual([
      'n_particles', 'norm', 'min_bin_prob', 'max_bin_prob', 'min_seg_prob', 'max_seg_prob', 'cputime', 'walltime', 'binhash',
    ]);
    expect(r.pcoord_dtype).toBe('<f4');
    expect(r.pcoord_shape[1]).toBe(21);
    expect(r.pcoord_shape[2]).toBe(1);
    for (const norm of r.norms) expect(Math.abs(norm - 1)).toBeLessThan(1e-12);
    expect(r.wtgraph_ok).toBe(true);
    expect(r.lineage_ok).toBe(true);
    expect(r.continuity_ok).toBe(true);
    expect(r.ibstates_labels).toEqual(['start']);
    expect(r.tstate_labels).toEqual(['bound']);
    expect(r.statuses_last).toEqual([1]);
  });

  it('reports status from the side file, as text and JSON', async () => {
    const text = await we(['status'], dir);
    expect(text.exitCode, text.all).toBe(0);
    expect(text.stdout).toMatch(/iteration \(next to run\)\s+31/);
    expect(text.stdout).toMatch(/flux into 'bound'/);
    const json = await we(['status', '--json'], dir);
    const status = JSON.parse(json.stdout);
    expect(status.state).toBe('completed');
    expect(Math.abs(status.totalWeight - 1)).toBeLessThan(1e-12);
    expect(status.walkers).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(join(dir, 'we-status.json'), 'utf8')).iteration).toBe(31);
  });

  it('refuses to overwrite west.h5 without --force and leaves it untouched', async () => {
    const before = readFileSync(join(dir, 'west.h5'));
    const again = await we(['init'], dir);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/west\.h5.*already exists.*--force/);
    expect(readFileSync(join(dir, 'west.h5')).equals(before)).toBe(true);
  });
});
