/**
 * The read-only run view over a west.h5 in WESTPA's own layout (variable-length strings, new_weights, a prepared
 * current iteration): everything it gives equals what h5py reads, and only complete iterations are offered.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { occupancy, segmentBins } from '../core/analysis/bins.js';
import { RectilinearBinMapper } from '../core/binning/rectilinear.js';
import { openRunView } from '../plugins/stores/westh5/run-view.js';
import { h5pyJson } from './helpers/h5py.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

const FACTS = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
last = int(f.attrs['west_current_iteration']) - 1
g = f['iterations/iter_%08d' % last]
si, pc = g['seg_index'][...], g['pcoord'][...]
nw = f['iterations/iter_%08d' % (last + 1)]
recycled = sorted(int(s) for s in nw['new_weights/index']['prev_seg_id']) if 'new_weights' in nw else []
ist = f['ibstates/0/istate_index'][-1]
s = f['summary'][...]
print(json.dumps({
    'last': last,
    'bstates': [[l.decode(), float(p)] for l, p in zip(f['ibstates/0/bstate_index']['label'], f['ibstates/0/bstate_index']['probability'])],
    'tstates': [l.decode() for l in f['tstates/0/index']['label']],
    'weight': si['weight'].tolist(), 'parent': si['parent_id'].tolist(), 'endpoint': si['endpoint_type'].tolist(),
    'recycled': recycled,
    'first': pc[:, 0, 0].astype(float).tolist(), 'final': pc[:, -1, 0].astype(float).tolist(), 'all': pc.astype(float).ravel().tolist(),
    'istates': len(f['ibstates/0/istate_index']), 'lastIstate': [int(ist['iter_created']), int(ist['basis_state_id'])],
    'walltime': s['walltime'][:last].tolist(),
}))
`;

describe('run view', () => {
  it('reads a WESTPA-layout west.h5 as h5py does, up to the last complete iteration', async () => {
    const dir = await westpaLayoutRun({ iterations: 10 });
    const facts = await h5pyJson<{
      last: number; bstates: [string, number][]; tstates: string[]; weight: number[]; parent: number[]; endpoint: number[];
      recycled: number[]; first: number[]; final: number[]; all: number[]; istates: number; lastIstate: [number, number]; walltime: number[];
    }>(FACTS, join(dir, 'west.h5'));
    const view = await openRunView(join(dir, 'west.h5'));
    try {
      expect(view.lastIteration).toBe(facts.last);
      expect(view.pcoord).toEqual({ len: 21, ndim: 1, dtype: 'float32' });
      expect(view.basisStates.map((b) => [b.label, b.probability])).toEqual(facts.bstates);
      expect(view.targetStates.map((t) => t.label)).toEqual(facts.tstates);

      const segments = view.segments(facts.last);
      expect(Array.from(segments.weight)).toEqual(facts.weight);
      expect(Array.from(view.weights(facts.last))).toEqual(facts.weight);
      expect(Array.from(segments.parentId)).toEqual(facts.parent);
      expect(Array.from(segments.endpointType)).toEqual(facts.endpoint);
      const recycled = Array.from(segments.recycledInto).flatMap((t, s) => (t >= 0 ? [s] : []));
      expect(recycled).toEqual(facts.recycled);
      expect(Array.from(view.pcoords(facts.last, 'first'))).toEqual(facts.first);
      expect(Array.from(view.pcoords(facts.last, 'last'))).toEqual(facts.final);
      // a reused buffer is filled in place, also from a smaller iteration
      const big = view.pcoords(facts.last, 'all');
      expect(Array.from(big)).toEqual(facts.all);
      const again = view.pcoords(1, 'all', big);
      expect(again.buffer).toBe(big.buffer);
      expect(Array.from(view.pcoords(facts.last, 'all', again))).toEqual(facts.all);

      const istate = view.initialState(facts.istates - 1);
      expect([istate.iterCreated, istate.basisStateId]).toEqual(facts.lastIstate);
      expect(Array.from(view.timings().walltime)).toEqual(facts.walltime);

      expect(() => view.segments(facts.last + 1)).toThrow(`iteration ${facts.last + 1} is out of range: complete iterations are 1 to ${facts.last}`);
      const mapper = new RectilinearBinMapper([[-Infinity, 1.1, 1.5, 2, 2.5, 3, Infinity]]);
      const bins = segmentBins(view, mapper, facts.last, 'last');
      expect(Array.from(bins)).toEqual(facts.final.map((x) => [1.1, 1.5, 2, 2.5, 3, Infinity].findIndex((b) => Math.fround(x) < b)));
      const occupied = occupancy(view, mapper, { first: 1, last: facts.last });
      expect(occupied.walkers[facts.last - 1]).toBe(facts.weight.length);
      expect(occupied.occupiedBins[facts.last - 1]).toBe(new Set(segmentBins(view, mapper, facts.last, 'first')).size);
    } finally {
      view.close();
    }
  });
});
