/**
 * pdist.h5 in w_pdist's layout, so that WESTPA's plothist (and scripts written for w_pdist) read it: `histograms`
 * (iterations × bins…, float64) with attributes iter_start and iter_stop (exclusive), `binbounds_<k>` and
 * `midpoints_<k>` per histogram axis, `n_iter` (the iterations, in the smallest unsigned type that holds them).
 */
import { hostname, userInfo } from 'node:os';
import type { Pdist } from '../../../core/analysis/pdist.js';
import { writeNewHdf5 } from './new-file.js';

function smallestUnsigned(max: number): string {
  return max < 2 ** 8 ? '<B' : max < 2 ** 16 ? '<H' : '<I';
}

export async function writePdistFile(path: string, pdist: Pdist, source: string): Promise<void> {
  await writeNewHdf5(path, 'writing pdist.h5 failed', (w) => {
    const start = pdist.iterations[0];
    const stop = pdist.iterations[pdist.iterations.length - 1] + 1;
    w.setAttr('/', 'creation_program', 'we pdist');
    w.setAttr('/', 'creation_user', userInfo().username);
    w.setAttr('/', 'creation_hostname', hostname());
    w.setAttr('/', 'creation_time', new Date().toString());
    w.setAttr('/', 'creation_unix_time', Math.round(Date.now() / 1000));
    w.setAttr('/', 'source_data', source);
    pdist.axes.forEach((axis, k) => {
      w.put(`/binbounds_${k}`, { data: axis.edges, shape: [axis.edges.length], dtype: '<d' });
      w.put(`/midpoints_${k}`, { data: axis.midpoints, shape: [axis.midpoints.length], dtype: '<d' });
    });
    w.put('/histograms', { data: pdist.histograms, shape: [pdist.iterations.length, ...pdist.shape], dtype: '<d' });
    w.setAttr('/histograms', 'iter_start', start);
    w.setAttr('/histograms', 'iter_stop', stop);
    w.setAttr('/histograms', 'pcoord_dims', pdist.axes.map((a) => a.dim).join(','));
    w.put('/n_iter', { data: pdist.iterations, shape: [pdist.iterations.length], dtype: smallestUnsigned(stop) });
  });
}
