import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { h5pyJson } from './helpers/h5py.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

interface FixtureFacts {
  current: number;
  summaryRows: number;
  maxNormError: number;
  lineageErrors: string[];
  statuses: Record<string, number[]>;
  recyclingIterations: number;
  spareIstates: number;
  reusedIstates: number;
  pickleHashOk: boolean;
  firstHasBinning: boolean;
  labels: string[];
}

const FACTS = `
import sys, json, math, hashlib, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
current = int(f.attrs['west_current_iteration'])
ist = f['ibstates/0/istate_index'][...]
ipc = f['ibstates/0/istate_pcoord'][...]
errors, norm_error, statuses, recycling = [], 0.0, {}, 0
prev = None
for n in range(1, current + 1):
    g = f['iterations/iter_%08d' % n]
    si, pc, wtg = g['seg_index'][...], g['pcoord'][...], g['wtgraph'][...]
    norm_error = max(norm_error, abs(math.fsum(si['weight'].tolist()) - 1))
    statuses[str(n)] = sorted(set(si['status'].tolist()))
    if not np.array_equal(si['wtg_offset'][1:], np.cumsum(si['wtg_n_parents'])[:-1]) or len(wtg) != si['wtg_n_parents'].sum():
        errors.append('%d: weight graph offsets' % n)
    recycled = set()
    if 'new_weights' in g:
        recycling += 1
        recycled = set(g['new_weights/index']['prev_seg_id'].tolist())
    for i, p in enumerate(si['parent_id'].tolist()):
        if p >= 0:
            if prev is None or p >= len(prev[0]) or pc[i, 0, 0] != prev[1][p, -1, 0]:
                errors.append('%d:%d continues parent %d wrongly' % (n, i, p))
        else:
            s = -(p + 1)
            if ist[s]['iter_used'] != n or pc[i, 0, 0] != ipc[s, 0]:
                errors.append('%d:%d starts from initial state %d wrongly' % (n, i, s))
    if prev is not None and set(np.flatnonzero(prev[0]['endpoint_type'] == 3).tolist()) != recycled:
        errors.append('%d: new_weights do not name the recycled segments of %d' % (n, n - 1))
    prev = (si, pc)
idx = f['bin_topologies/index'][0]
pkl = bytes(f['bin_topologies/pickles'][0, :idx['pickle_len']])
print(json.dumps({
  'current': current,
  'summaryRows': int(f['summary'].shape[0]),
  'maxNormError': norm_error,
  'lineageErrors': errors,
  'statuses': statuses,
  'recyclingIterations': recycling,
  'spareIstates': int((ist['iter_used'] == 0).sum()),
  'reusedIstates': int((ist['iter_used'] > ist['iter_created'] + 1).sum()),
  'pickleHashOk': hashlib.sha256(pkl).hexdigest() == idx['hash'].decode(),
  'firstHasBinning': 'bin_target_counts' in f['iterations/iter_00000001'],
  'labels': [x.decode() if isinstance(x, bytes) else x for x in f['ibstates/0/bstate_index']['label']],
}))
`;

describe('the WESTPA-layout fixture (make-west-h5.py)', () => {
  it('writes a recycling ODLD run with weights summing to 1, consistent lineage, spare initial states and a prepared current iteration', async () => {
    const dir = await westpaLayoutRun({ iterations: 20 });
    const facts = await h5pyJson<FixtureFacts>(FACTS, join(dir, 'west.h5'));
    expect(facts.current).toBe(21);
    expect(facts.summaryRows).toBe(21);
    expect(facts.maxNormError).toBeLessThan(1e-12);
    expect(facts.lineageErrors).toEqual([]);
    expect(facts.statuses['1']).toEqual([2]);
    expect(facts.statuses['20']).toEqual([2]);
    expect(facts.statuses['21']).toEqual([1]);
    expect(facts.recyclingIterations).toBeGreaterThan(10);
    expect(facts.spareIstates).toBeGreaterThan(0);
    expect(facts.reusedIstates).toBeGreaterThan(0);
    expect(facts.pickleHashOk).toBe(true);
    // w_init writes no binning for iteration 1
    expect(facts.firstHasBinning).toBe(false);
    expect(facts.labels).toEqual(['barrier', 'shoulder']);
  });

  it('leaves a current iteration partly complete with --partial, as a WESTPA run killed inside it', async () => {
    const dir = await westpaLayoutRun({ iterations: 6, partial: 3 });
    const statuses = await h5pyJson<number[]>(
      `import sys, json, h5py; f = h5py.File(sys.argv[1], 'r'); print(json.dumps(f['iterations/iter_00000007/seg_index']['status'].tolist()))`,
      join(dir, 'west.h5'),
    );
    expect(statuses.slice(0, 3)).toEqual([2, 2, 2]);
    expect(new Set(statuses.slice(3))).toEqual(new Set([1]));
  });
});
