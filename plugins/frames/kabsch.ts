import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';

/**
 * Superposes every frame onto a reference structure, in place, as MDAnalysis `align.alignto` does: the rotation
 * minimising the RMSD between the selected atoms (after centring both on their selection's centroid) is applied
 * to all atoms of the frame, which then sits on the reference selection's centroid. Returns each frame's RMSD
 * (Å) over the selected atoms after superposition.
 *
 * The rotation is the unit quaternion of Horn (1987): the eigenvector of the largest eigenvalue of the 4x4
 * symmetric key matrix built from the 3x3 covariance; that eigenvalue also gives the RMSD (Theobald 2005).
 *
 * @param reference reference coordinates, its atoms × 3 (Å)
 * @param atoms selected atoms of the frames (every atom when absent)
 * @param referenceAtoms the matching atoms of the reference, in the same order (defaults to `atoms`)
 */
export function alignFrames(
  frames: Frames,
  reference: Float32Array | Float64Array,
  atoms?: Int32Array,
  referenceAtoms: Int32Array | undefined = atoms,
): Float64Array {
  const mobileSel = atoms ?? Int32Array.from({ length: frames.nAtoms }, (_, i) => i);
  const referenceSel = referenceAtoms ?? Int32Array.from({ length: reference.length / 3 }, (_, i) => i);
  checkSelections(frames, reference, mobileSel, referenceSel);

  const n = mobileSel.length;
  const target = new Float64Array(3 * n);
  const targetCentre = centroid(reference, referenceSel, 0);
  let targetNorm = 0;
  for (let k = 0; k < n; k++) {
    for (let d = 0; d < 3; d++) {
      const v = reference[3 * referenceSel[k] + d] - targetCentre[d];
      target[3 * k + d] = v;
      targetNorm += v * v;
    }
  }

  const rmsd = new Float64Array(frames.nFrames);
  const covariance = new Float64Array(9);
  const rotation = new Float64Array(9);
  const { xyz, nAtoms } = frames;
  for (let f = 0; f < frames.nFrames; f++) {
    const base = f * nAtoms * 3;
    // One pass: the target is centred (Σ t = 0), so Σ (x − c) tᵀ = Σ x tᵀ, and Σ |x − c|² = Σ |x|² − n |c|².
    covariance.fill(0);
    let sx = 0;
    let sy = 0;
    let sz = 0;
    let squares = 0;
    for (let k = 0; k < n; k++) {
      const at = base + 3 * mobileSel[k];
      const x = xyz[at];
      const y = xyz[at + 1];
      const z = xyz[at + 2];
      const tx = target[3 * k];
      const ty = target[3 * k + 1];
      const tz = target[3 * k + 2];
      covariance[0] += x * tx;
      covariance[1] += x * ty;
      covariance[2] += x * tz;
      covariance[3] += y * tx;
      covariance[4] += y * ty;
      covariance[5] += y * tz;
      covariance[6] += z * tx;
      covariance[7] += z * ty;
      covariance[8] += z * tz;
      sx += x;
      sy += y;
      sz += z;
      squares += x * x + y * y + z * z;
    }
    const centre = [sx / n, sy / n, sz / n];
    const mobileNorm = squares - n * (centre[0] ** 2 + centre[1] ** 2 + centre[2] ** 2);
    const largest = optimalRotation(covariance, rotation);
    rmsd[f] = Math.sqrt(Math.max(0, (mobileNorm + targetNorm - 2 * largest) / n));
    transform(xyz, base, nAtoms, centre, rotation, targetCentre);
  }
  return rmsd;
}

function checkSelections(frames: Frames, reference: ArrayLike<number>, mobile: Int32Array, target: Int32Array): void {
  const referenceAtoms = reference.length / 3;
  if (mobile.length !== target.length) {
    throw new WeError(
      `${mobile.length} selected atoms in the frames but ${target.length} in the reference; they must pair one to one`,
      'alignment',
    );
  }
  if (mobile.length === 0) throw new WeError('no atoms selected, expected at least one', 'alignment');
  for (const [selection, limit, what] of [
    [mobile, frames.nAtoms, 'a frame'],
    [target, referenceAtoms, 'the reference'],
  ] as const) {
    for (const atom of selection) {
      if (!(atom >= 0 && atom < limit)) {
        throw new WeError(`atom index ${atom} selected, but ${what} has ${limit} atoms`, 'alignment');
      }
    }
  }
}

function centroid(xyz: ArrayLike<number>, atoms: Int32Array, base: number): [number, number, number] {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const atom of atoms) {
    const at = base + 3 * atom;
    x += xyz[at];
    y += xyz[at + 1];
    z += xyz[at + 2];
  }
  return [x / atoms.length, y / atoms.length, z / atoms.length];
}

/** x' = R (x − from) + to for every atom of one frame. */
function transform(xyz: Float32Array, base: number, nAtoms: number, from: number[], r: Float64Array, to: number[]): void {
  for (let i = 0; i < nAtoms; i++) {
    const at = base + 3 * i;
    const x = xyz[at] - from[0];
    const y = xyz[at + 1] - from[1];
    const z = xyz[at + 2] - from[2];
    xyz[at] = r[0] * x + r[1] * y + r[2] * z + to[0];
    xyz[at + 1] = r[3] * x + r[4] * y + r[5] * z + to[1];
    xyz[at + 2] = r[6] * x + r[7] * y + r[8] * z + to[2];
  }
}

/**
 * Writes into `rotation` (row-major) the rotation R maximising Σ (R a)·b for covariance S = Σ a bᵀ, and returns
 * that maximum (the largest eigenvalue of Horn's key matrix).
 */
export function optimalRotation(s: Float64Array, rotation: Float64Array): number {
  const [sxx, sxy, sxz, syx, syy, syz, szx, szy, szz] = s;
  const key = new Float64Array([
    sxx + syy + szz, syz - szy, szx - sxz, sxy - syx,
    syz - szy, sxx - syy - szz, sxy + syx, szx + sxz,
    szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy,
    sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz,
  ]);
  const vectors = new Float64Array(16);
  symmetricEigen4(key, vectors);
  let best = 0;
  for (let k = 1; k < 4; k++) if (key[5 * k] > key[5 * best]) best = k;
  const [q0, q1, q2, q3] = [0, 1, 2, 3].map((row) => vectors[4 * row + best]);
  rotation.set([
    q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3, 2 * (q1 * q2 - q0 * q3), 2 * (q1 * q3 + q0 * q2),
    2 * (q1 * q2 + q0 * q3), q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3, 2 * (q2 * q3 - q0 * q1),
    2 * (q1 * q3 - q0 * q2), 2 * (q2 * q3 + q0 * q1), q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
  ]);
  return key[5 * best];
}

/**
 * Cyclic Jacobi: diagonalises the symmetric 4x4 `a` in place (eigenvalues end on its diagonal) and writes the
 * eigenvectors as the columns of `v`. Robust for the repeated eigenvalues of symmetric or degenerate selections.
 */
function symmetricEigen4(a: Float64Array, v: Float64Array): void {
  v.fill(0);
  for (let i = 0; i < 4; i++) v[5 * i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < 16; i++) {
      if (i % 5 === 0) scale += a[i] * a[i];
      else off += a[i] * a[i];
    }
    if (off <= 1e-30 * scale || off === 0) return;
    for (let p = 0; p < 3; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[4 * p + q];
        if (apq === 0) continue;
        const theta = (a[4 * q + q] - a[4 * p + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[4 * k + p];
          const akq = a[4 * k + q];
          a[4 * k + p] = c * akp - s * akq;
          a[4 * k + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[4 * p + k];
          const aqk = a[4 * q + k];
          a[4 * p + k] = c * apk - s * aqk;
          a[4 * q + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[4 * k + p];
          const vkq = v[4 * k + q];
          v[4 * k + p] = c * vkp - s * vkq;
          v[4 * k + q] = s * vkp + c * vkq;
        }
      }
    }
  }
}
