import type { Frames } from '../../core/plugins.js';
import { alignFrames } from './kabsch.js';
import { normalisePointCloud } from './normalise.js';
import type { Normalisation, Scaling } from './normalise.js';
import { toPointCloud } from './point-cloud.js';

export interface PointCloudRecipe {
  /** Reference structure coordinates, its atoms × 3 (Å). */
  reference: Float32Array | Float64Array;
  /** Atoms of the frames that are aligned on and become the cloud's points (e.g. "protein and name CA"). */
  atoms: Int32Array;
  /** The reference's matching atoms, when its atom numbering differs from the frames'. */
  referenceAtoms?: Int32Array;
  normalisation: Normalisation;
}

export interface PreparedPointCloud {
  /** (frames, 3, atoms.length), scaled. */
  cloud: Float32Array;
  /** Per frame RMSD to the reference over `atoms` after superposition (Å). */
  rmsd: Float64Array;
  scaling: Scaling;
}

/**
 * DeepDriveMD's preprocessing for its AAE encoder: superpose every frame on the reference over the selected
 * atoms, take those atoms as a channel-first point cloud, scale it. Aligns `frames` in place.
 */
export function preparePointCloud(frames: Frames, recipe: PointCloudRecipe): PreparedPointCloud {
  const rmsd = alignFrames(frames, recipe.reference, recipe.atoms, recipe.referenceAtoms ?? recipe.atoms);
  const cloud = toPointCloud(frames, recipe.atoms);
  const scaling = normalisePointCloud(cloud, recipe.atoms.length, recipe.normalisation);
  return { cloud, rmsd, scaling };
}
