import { WeError } from '../../../core/errors.js';
import type { AtomStructure } from './ca-structure.js';
import { readSelection } from './ca-structure.js';

/**
 * Rebuilds backbone atoms (N, CA, C, O) around a C-alpha trace from the native structure's local geometry, so
 * that models trained on backbone point clouds (e.g. a DeepDriveMD encoder, whose convolutions need more than
 * chignolin's 10 C-alpha points) can embed Go-model frames. Each non-CA atom keeps the coordinates it has in the
 * native structure in a frame built from its residue's CA and the two neighbouring CAs (at a chain end, the
 * nearest three CAs), which keeps peptide planes roughly as the native orients them: a template, not a refinement.
 */
export interface BackboneTemplate {
  /** The rebuilt atoms, in the native file's order. */
  atoms: AtomStructure['topology'];
  /** Per atom: the CA index it sits on, and the three CA indices of its local frame. */
  anchor: Int32Array;
  frame: Int32Array;
  /** Per atom: coordinates in its local frame, Å. */
  local: Float64Array;
}

export async function readBackboneTemplate(nativePath: string, ca: AtomStructure): Promise<BackboneTemplate> {
  const backbone = await readSelection(nativePath, 'backbone');
  const n = backbone.nAtoms;
  const caOfResidue = new Map<string, number>();
  for (let i = 0; i < ca.nAtoms; i++) caOfResidue.set(`${ca.topology.chainIds[i]}:${ca.topology.resIds[i]}`, i);
  const anchor = new Int32Array(n);
  const frame = new Int32Array(3 * n);
  const local = new Float64Array(3 * n);
  const axes = new Float64Array(9);
  for (let j = 0; j < n; j++) {
    const key = `${backbone.topology.chainIds[j]}:${backbone.topology.resIds[j]}`;
    const i = caOfResidue.get(key);
    if (i === undefined) throw new WeError(`backbone atom ${j + 1} (residue ${key}) has no CA in the same residue`, nativePath);
    anchor[j] = i;
    const middle = Math.min(Math.max(i, 1), ca.nAtoms - 2);
    frame.set([middle - 1, middle, middle + 1], 3 * j);
    localAxes(ca.positions, middle - 1, middle, middle + 1, axes);
    for (let k = 0; k < 3; k++) {
      let sum = 0;
      for (let d = 0; d < 3; d++) sum += (backbone.positions[3 * j + d] - ca.positions[3 * i + d]) * axes[3 * k + d];
      local[3 * j + k] = sum;
    }
  }
  return { atoms: backbone.topology, anchor, frame, local };
}

/** Writes the template's atoms around C-alpha positions `ca` into `out` (atoms × 3). */
export function rebuildBackbone(template: BackboneTemplate, ca: ArrayLike<number>, out: Float32Array | Float64Array): void {
  const axes = new Float64Array(9);
  const { anchor, frame, local } = template;
  for (let j = 0; j < anchor.length; j++) {
    localAxes(ca, frame[3 * j], frame[3 * j + 1], frame[3 * j + 2], axes);
    for (let d = 0; d < 3; d++) {
      out[3 * j + d] = ca[3 * anchor[j] + d] + local[3 * j] * axes[d] + local[3 * j + 1] * axes[3 + d] + local[3 * j + 2] * axes[6 + d];
    }
  }
}

/** Orthonormal axes (rows of `axes`): e1 along CA(a)→CA(c), e2 towards CA(b) off that line, e3 = e1 × e2. */
function localAxes(x: ArrayLike<number>, a: number, b: number, c: number, axes: Float64Array): void {
  let n1 = 0;
  for (let d = 0; d < 3; d++) {
    axes[d] = x[3 * c + d] - x[3 * a + d];
    n1 += axes[d] * axes[d];
  }
  n1 = Math.sqrt(n1);
  let along = 0;
  for (let d = 0; d < 3; d++) {
    axes[d] /= n1;
    axes[3 + d] = x[3 * b + d] - (x[3 * a + d] + x[3 * c + d]) / 2;
    along += axes[3 + d] * axes[d];
  }
  let n2 = 0;
  for (let d = 0; d < 3; d++) {
    axes[3 + d] -= along * axes[d];
    n2 += axes[3 + d] * axes[3 + d];
  }
  n2 = Math.sqrt(n2);
  for (let d = 0; d < 3; d++) axes[3 + d] /= n2;
  axes[6] = axes[1] * axes[5] - axes[2] * axes[4];
  axes[7] = axes[2] * axes[3] - axes[0] * axes[5];
  axes[8] = axes[0] * axes[4] - axes[1] * axes[3];
}
