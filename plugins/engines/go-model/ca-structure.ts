import { WeError } from '../../../core/errors.js';
import { readPdb } from '../../trajectory/pdb.js';
import { selectAtoms } from '../../trajectory/selection.js';

/** The C-alpha trace of a protein: what the Go model simulates and what its PDB output names. */
export interface CaStructure {
  nAtoms: number;
  /** nAtoms × 3, Å. */
  positions: Float64Array;
  resNames: string[];
  resIds: Int32Array;
  chainIds: string[];
}

/** Reads the CA atoms of the first model of a PDB (all-atom or CA-only). */
export async function readCaStructure(path: string): Promise<CaStructure> {
  const { topology, frames } = await readPdb(path);
  const atoms = selectAtoms(topology, 'name CA');
  if (atoms.length < 4) {
    throw new WeError(`holds ${atoms.length} CA atoms, expected at least 4 (a Go model needs one dihedral)`, path);
  }
  const positions = new Float64Array(atoms.length * 3);
  for (let j = 0; j < atoms.length; j++) {
    for (let d = 0; d < 3; d++) positions[3 * j + d] = frames.xyz[3 * atoms[j] + d];
  }
  return {
    nAtoms: atoms.length,
    positions,
    resNames: Array.from(atoms, (i) => topology.resNames[i]),
    resIds: Int32Array.from(atoms, (i) => topology.resIds[i]),
    chainIds: Array.from(atoms, (i) => topology.chainIds[i]),
  };
}
