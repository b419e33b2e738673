import { execaSync } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { h5pyJson, systemPython } from './helpers/h5py.js';

const example = join(repoRoot, 'examples/openmm-chignolin');
const hasOpenmm = execaSync(systemPython, ['-c', 'import simtk.openmm'], { reject: false }).exitCode === 0;

/** Per completed iteration: statuses, pcoord shape, finiteness; and whether each continuing walker starts where its parent ended. */
const READBACK = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
out = {'current': int(f.attrs['west_current_iteration']), 'iterations': []}
previous = None
for n in (1, 2):
    g = f['iterations']['iter_%08d' % n]
    p = g['pcoord'][...]
    si = g['seg_index'][...]
    continuous = all(previous is None or np.array_equal(p[i, 0], previous[parent, -1])
                     for i, parent in enumerate(si['parent_id']) if parent >= 0)
    out['iterations'].append({'statuses': sorted(set(si['status'].tolist())), 'shape': list(p.shape),
                              'finite': bool(np.isfinite(p).all()), 'moved': bool(np.ptp(p[:, 1:], axis=1).min() > 0),
                              'continuous': continuous})
    previous = p
print(json.dumps(out))
`;

interface Readback {
  current: number;
  iterations: { statuses: number[]; shape: number[]; finite: boolean; moved: boolean; continuous: boolean }[];
}

describe('the OpenMM chignolin example', () => {
  it('was prepared with the model reference\'s atoms in its order, so full-atom DCD frames are accepted as written', async () => {
    const prepared = (await readPdb(join(example, 'chignolin.pdb'))).topology;
    const reference = (await readPdb(join(repoRoot, 'models/chignolin-aae/reference.pdb'))).topology;
    expect(prepared.nAtoms).toBe(166);
    expect([prepared.names, prepared.resNames, Array.from(prepared.resIds)]).toEqual([
      reference.names,
      reference.resNames,
      Array.from(reference.resIds),
    ]);
  });

  it.skipIf(!hasOpenmm)(
    hasOpenmm
      ? 'runs init + 2 iterations of real OpenMM segments: complete, finite (n, 11, 2) pcoords in west.h5'
      : `SKIPPED: ${systemPython} cannot import simtk.openmm (apt-get install python3-simtk libopenmm-plugins)`,
    async () => {
      const dir = copyExample('openmm-chignolin');
      const init = await we(['init'], dir);
      expect(init.exitCode, init.all).toBe(0);
      const run = await we(['run', '--max-iter', '2'], dir);
      expect(run.exitCode, run.all).toBe(0);

      const frames = await readFrames(join(dir, 'traj_segs/000001/000000/seg.dcd'));
      expect([frames.nFrames, frames.nAtoms]).toEqual([10, 166]);

      const r = await h5pyJson<Readback>(READBACK, join(dir, 'west.h5'));
      expect(r.current).toBe(3);
      for (const [k, iteration] of r.iterations.entries()) {
        expect(iteration.statuses, `iteration ${k + 1}`).toEqual([2]); // SEG_STATUS_COMPLETE
        expect(iteration.shape.slice(1), `iteration ${k + 1}`).toEqual([11, 2]);
        expect(iteration.shape[0], `iteration ${k + 1}`).toBeGreaterThan(0);
        expect(iteration.finite, `iteration ${k + 1}`).toBe(true);
        expect(iteration.moved, `iteration ${k + 1}: every segment's frames differ`).toBe(true);
        expect(iteration.continuous, `iteration ${k + 1}`).toBe(true);
      }
    },
    180_000,
  );
});
