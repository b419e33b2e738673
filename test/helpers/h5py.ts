/** Reads HDF5 files with the real h5py (Debian's python3-h5py), the way WESTPA's tools would. */
import { execa } from 'execa';

export const systemPython = '/usr/bin/python3';

/** Runs a Python snippet with `path` as `sys.argv[1]` (and `args` after it) and returns what it prints as JSON. */
export async function h5pyJson<T>(script: string, path: string, ...args: string[]): Promise<T> {
  const result = await execa(systemPython, ['-c', script, path, ...args], { reject: false });
  if (result.exitCode !== 0) throw new Error(`h5py script failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Every iteration's pcoord, weights, parents, endpoint types and weight graph, for bit-for-bit comparison. */
export const DUMP_RUN = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
out = {'current': int(f.attrs['west_current_iteration']), 'iterations': {}}
for name in sorted(f['iterations']):
    g = f['iterations'][name]
    si = g['seg_index'][...]
    out['iterations'][name] = {
        'pcoord': g['pcoord'][...].astype(np.float64).tobytes().hex(),
        'weight': si['weight'].tobytes().hex(),
        'parent_id': si['parent_id'].tolist(),
        'endpoint_type': si['endpoint_type'].tolist(),
        'status': si['status'].tolist(),
        'wtgraph': g['wtgraph'][...].tolist(),
    }
print(json.dumps(out))
`;
