import { PermanentError, WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import type { ReadFramesOptions } from './options.js';

/**
 * Validates the file's atom count against `expectedAtoms` and the requested atom indices against the file, and
 * returns the atoms to output (every atom when none were asked for).
 */
export function resolveAtoms(path: string, nAtomsInFile: number, options: ReadFramesOptions = {}): Int32Array {
  const { expectedAtoms, atoms } = options;
  if (expectedAtoms !== undefined && expectedAtoms !== nAtomsInFile) {
    throw new PermanentError(`holds ${nAtomsInFile} atoms per frame, expected ${expectedAtoms}`, path);
  }
  if (atoms === undefined) return Int32Array.from({ length: nAtomsInFile }, (_, i) => i);
  for (const atom of atoms) {
    if (!(atom >= 0 && atom < nAtomsInFile)) {
      throw new WeError(`atom index ${atom} was requested, but the file holds atoms 0..${nAtomsInFile - 1}`, path);
    }
  }
  return atoms;
}

/**
 * A NaN or infinite coordinate means the simulation blew up; it must not reach a model as a progress coordinate.
 * `atoms` maps output atoms back to file atoms so the message names the atom as the file numbers it.
 */
export function checkFinite(path: string, frames: Frames, atoms: Int32Array): void {
  const { xyz, nAtoms, nFrames } = frames;
  for (let i = 0; i < xyz.length; i++) {
    if (!Number.isFinite(xyz[i])) {
      const frame = Math.floor(i / (3 * nAtoms));
      const atom = atoms[Math.floor(i / 3) % nAtoms];
      const axis = 'xyz'[i % 3];
      throw new WeError(
        `frame ${frame + 1} of ${nFrames}, atom index ${atom}: ${axis} coordinate is ${xyz[i]}, expected a finite number`,
        path,
      );
    }
  }
}
