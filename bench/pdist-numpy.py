#!/usr/bin/python3
"""The histograms `we pdist` and w_pdist compute, written the way a numpy user would: h5py reads every iteration's
pcoord and weights once, then per iteration one weighted np.histogram of all its timepoints (timepoint 0 only in the
first iteration), over w_pdist's default bins (N per dimension between the data's min and 1.01 x max), normalised
to a density. 1-D (dimension 0) only: the benchmark's case.

    pdist-numpy.py WEST_H5 OUT_H5 NBINS

Prints one JSON line: seconds spent reading, histogramming and writing (Python's start-up and imports excluded).
"""
import json
import sys
import time

import h5py
import numpy as np

west_path, out_path, nbins = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
west = h5py.File(west_path, 'r')
last = int(west.attrs['west_current_iteration']) - 1
pcoords, weights = [], []
for n in range(1, last + 1):
    group = west['iterations/iter_%08d' % n]
    pcoords.append(group['pcoord'][:, :, 0])
    weights.append(group['seg_index']['weight'])
t1 = time.perf_counter()
lb = min(p.min() for p in pcoords)
ub = max(p.max() for p in pcoords)
ub = ub * 1.01 if ub > 0 else ub / 1.01
edges = np.linspace(lb, ub, nbins + 1)
edges32 = edges.astype(pcoords[0].dtype)
widths = np.diff(edges32)
hist = np.empty((last, nbins))
for i, (p, w) in enumerate(zip(pcoords, weights)):
    points = p if i == 0 else p[:, 1:]
    h, _ = np.histogram(points, bins=edges32, weights=np.broadcast_to(w[:, None], points.shape))
    hist[i] = h / (h * widths).sum()
t2 = time.perf_counter()
with h5py.File(out_path, 'w') as out:
    out['histograms'] = hist
    out['binbounds_0'] = edges
    out['midpoints_0'] = (edges[:-1] + edges[1:]) / 2
    out['n_iter'] = np.arange(1, last + 1)
t3 = time.perf_counter()
print(json.dumps({'read': t1 - t0, 'histogram': t2 - t1, 'write': t3 - t2, 'total': t3 - t0}))
