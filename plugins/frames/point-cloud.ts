import type { Frames } from '../../core/plugins.js';

/**
 * The AAE's input layout: (frames, 3, points), channel-first, from frames × atoms × 3. `atoms` picks the
 * points (e.g. the C-alpha atoms) in order; every atom when absent.
 */
export function toPointCloud(frames: Frames, atoms?: Int32Array): Float32Array {
  const points = atoms ?? Int32Array.from({ length: frames.nAtoms }, (_, i) => i);
  const n = points.length;
  const cloud = new Float32Array(frames.nFrames * 3 * n);
  for (let f = 0; f < frames.nFrames; f++) {
    const from = f * frames.nAtoms * 3;
    const to = f * 3 * n;
    for (let j = 0; j < n; j++) {
      const at = from + 3 * points[j];
      cloud[to + j] = frames.xyz[at];
      cloud[to + n + j] = frames.xyz[at + 1];
      cloud[to + 2 * n + j] = frames.xyz[at + 2];
    }
  }
  return cloud;
}
