/**
 * Frames to progress coordinates through a model package: pick the selected atoms, superpose them on the
 * reference, channel-first point cloud, the package's normalisation, one encoder call for the whole batch, and
 * the chosen dimensions of the latent mean (never a sample: a progress coordinate must be deterministic).
 */
import { extname } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { PermanentError, WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { preparePointCloud } from '../frames/prepare-point-cloud.js';
import { checkFinite } from '../trajectory/frame-checks.js';
import { readPdb } from '../trajectory/pdb.js';
import { readFrames } from '../trajectory/read-frames.js';
import { selectAtoms } from '../trajectory/selection.js';
import type { ModelPackage } from './model-package.js';

/**
 * pcoords of each set of frames (a segment's, say): one result per set (its nFrames × dims, row-major), each set
 * scaled on its own, all in one encoder call; `source` names where the frames came from in messages.
 */
export async function embedFrames(pkg: ModelPackage, frameSets: readonly Frames[], source = 'frames'): Promise<Float64Array[]> {
  return embedBatches(pkg, frameSets.map((frames) => preparedInput(pkg, pointFrames(pkg, frames, source), source)));
}

/**
 * Embeds each file's frames (PDB, DCD, AMBER NetCDF), one result per file in order. Every file is scaled on its
 * own (the box is a segment's), then all files go through the encoder in a single call.
 */
export async function embedFiles(pkg: ModelPackage, paths: readonly string[]): Promise<Float64Array[]> {
  const inputs: PreparedInput[] = [];
  for (const path of paths) inputs.push(preparedInput(pkg, await readPointFrames(pkg, path), path));
  return embedBatches(pkg, inputs);
}

/** The selected atoms of a file's frames. A PDB is selected on its own topology; other formats have none. */
async function readPointFrames(pkg: ModelPackage, path: string): Promise<Frames> {
  if (extname(path).toLowerCase() !== '.pdb') return pointFrames(pkg, await readFrames(path), path);
  const { topology, frames } = await readPdb(path);
  const atoms = selectAtoms(topology, pkg.description.selection);
  if (atoms.length !== pkg.atoms.length) {
    throw new PermanentError(
      `selection '${pkg.description.selection}' picks ${atoms.length} atoms, expected ${pkg.atoms.length} as in the model's reference (${pkg.shown})`,
      path,
    );
  }
  return pickAtoms(frames, atoms, path);
}

/**
 * Frames holding the whole system (as many atoms as the reference) are reduced to the selection; frames that
 * already hold only the selected atoms are taken as they are.
 */
function pointFrames(pkg: ModelPackage, frames: Frames, source: string): Frames {
  const systemAtoms = pkg.reference.length / 3;
  if (frames.nAtoms === systemAtoms) return pickAtoms(frames, pkg.atoms, source);
  if (frames.nAtoms === pkg.atoms.length) return pickAtoms(frames, identity(frames.nAtoms), source);
  // A trajectory of another system: its run script or its model is wrong, and a retry would find the same.
  throw new PermanentError(
    `holds ${frames.nAtoms} atoms per frame, expected ${systemAtoms} (as the model's reference in ${pkg.shown}) or ${pkg.atoms.length} (its selection '${pkg.description.selection}' alone)`,
    source,
  );
}

/** A copy holding only `atoms`, so that alignment never moves the caller's coordinates. */
function pickAtoms(frames: Frames, atoms: Int32Array, source: string): Frames {
  const n = atoms.length;
  const xyz = new Float32Array(frames.nFrames * n * 3);
  for (let f = 0; f < frames.nFrames; f++) {
    for (let j = 0; j < n; j++) {
      const from = (f * frames.nAtoms + atoms[j]) * 3;
      xyz.set(frames.xyz.subarray(from, from + 3), (f * n + j) * 3);
    }
  }
  const picked = { nFrames: frames.nFrames, nAtoms: n, xyz };
  checkFinite(source, picked, atoms);
  return picked;
}

interface PreparedInput {
  nFrames: number;
  /** (frames, 3, points) or (frames, points, 3) per the package's input layout. */
  values: Float32Array;
}

function preparedInput(pkg: ModelPackage, frames: Frames, source: string): PreparedInput {
  if (frames.nFrames === 0) return { nFrames: 0, values: new Float32Array(0) };
  const nPoints = pkg.atoms.length;
  let cloud: Float32Array;
  try {
    ({ cloud } = preparePointCloud(frames, {
      reference: pkg.reference,
      atoms: identity(nPoints),
      referenceAtoms: pkg.atoms,
      normalisation: pkg.normalisation,
    }));
  } catch (e) {
    if (e instanceof WeError) throw new WeError(e.message, source);
    throw e;
  }
  const values = pkg.description.input.layout === 'channels-first' ? cloud : pointsFirst(cloud, frames.nFrames, nPoints);
  return { nFrames: frames.nFrames, values };
}

function pointsFirst(cloud: Float32Array, nFrames: number, nPoints: number): Float32Array {
  const out = new Float32Array(cloud.length);
  for (let f = 0; f < nFrames; f++) {
    const base = f * 3 * nPoints;
    for (let p = 0; p < nPoints; p++) {
      for (let d = 0; d < 3; d++) out[base + 3 * p + d] = cloud[base + d * nPoints + p];
    }
  }
  return out;
}

async function embedBatches(pkg: ModelPackage, inputs: PreparedInput[]): Promise<Float64Array[]> {
  const { input, output } = pkg.description;
  const dims = output.dims;
  const total = inputs.reduce((sum, x) => sum + x.nFrames, 0);
  const results = inputs.map((x) => new Float64Array(x.nFrames * dims.length));
  if (total === 0) return results;

  const values = new Float32Array(inputs.reduce((sum, x) => sum + x.values.length, 0));
  let offset = 0;
  for (const x of inputs) {
    values.set(x.values, offset);
    offset += x.values.length;
  }
  const shape = input.layout === 'channels-first' ? [total, 3, pkg.atoms.length] : [total, pkg.atoms.length, 3];
  const feeds = { [input.name]: new Tensor('float32', values, shape) };
  const fetched = await pkg.session.run(feeds, [output.name]);
  const latent = fetched[output.name];
  const mean = latent.data as Float32Array;
  const width = mean.length / total;

  let row = 0;
  for (const result of results) {
    for (let f = 0; f < result.length / dims.length; f++, row++) {
      dims.forEach((dim, k) => (result[f * dims.length + k] = mean[row * width + dim]));
    }
  }
  latent.dispose();
  return results;
}

function identity(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
