/**
 * w_pdist's histograms recomputed with numpy and h5py from a west.h5 (WESTPA's algorithm, written out
 * independently: every timepoint from 1, plus timepoint 0 in the first iteration; boundaries cast to the pcoord's
 * dtype; normhistnd's normalisation), for comparison with a pdist.h5.
 */
export const W_PDIST = `
import sys, json, h5py, numpy as np
west = h5py.File(sys.argv[1], 'r')
args = json.loads(sys.argv[2])
pd = h5py.File(args['pdist'], 'r')
dims, first, last = args['dims'], args['first'], args['last']
bounds = [pd['binbounds_%d' % k][...] for k in range(len(dims))]
out = []
for n in range(first, last + 1):
    g = west['iterations/iter_%08d' % n]
    pc = g['pcoord'][...]
    w = g['seg_index']['weight']
    b32 = [np.require(b, pc.dtype) for b in bounds]
    hist = np.zeros([len(b) - 1 for b in bounds])
    for t in range(0 if n == first else 1, pc.shape[1]):
        h, _ = np.histogramdd(pc[:, t, dims].astype(np.float64), bins=[b.astype(np.float64) for b in b32], weights=w)
        hist += h
    widths = [np.diff(b) for b in b32]
    if len(dims) == 1:
        hist /= (hist * widths[0]).sum()
    else:
        vol = np.multiply.outer(widths[0], widths[1])
        for d in widths[2:]:
            vol = np.multiply.outer(vol, d)
        hist /= vol
        hist /= hist.sum()
    out.append(hist.ravel().tolist())
ours = pd['histograms'][...].reshape(len(out), -1)
print(json.dumps({
    'max_abs_diff': float(np.abs(ours - np.array(out)).max()),
    'max_value': float(np.abs(np.array(out)).max()),
    'n_iter': pd['n_iter'][...].tolist(),
    'n_iter_dtype': str(pd['n_iter'].dtype),
    'iter_range': [int(pd['histograms'].attrs['iter_start']), int(pd['histograms'].attrs['iter_stop'])],
    'shape': list(pd['histograms'].shape),
    'midpoints_ok': all(np.allclose(pd['midpoints_%d' % k][...], (bounds[k][:-1] + bounds[k][1:]) / 2, rtol=0, atol=0) for k in range(len(dims))),
}))
`;

export interface WPdistComparison {
  max_abs_diff: number;
  max_value: number;
  n_iter: number[];
  n_iter_dtype: string;
  iter_range: [number, number];
  shape: number[];
  midpoints_ok: boolean;
}
