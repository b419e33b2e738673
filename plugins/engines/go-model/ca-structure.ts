import { WeError } from '../../../core/errors.js';
import { readPdb } from '../../trajectory/pdb.js';
import { selectAtoms } from '../../trajectory/selection.js';
import type { Topology } from '../../trajectory/topology.js';

/** Some atoms of a protein structure with their identities: what the engine simulates or writes. */
export interface AtomStructure {
  nAtoms: number;
  /** nAtoms × 3, Å. */
  positions: Float64Array;
  topology: Topology;
}

/** Reads the CA atoms of the first model of a PDB (all-atom or CA-only): the Go model's beads. */
export async function readCaStructure(path: string): Promise<AtomStructure> {
  const structure = await readSelection(path, 'name CA');
  if (structure.nAtoms < 4) {
    throw new WeError(`holds ${structure.nAtoms} CA atoms, expected at least 4 (a Go model needs one dihedral)`, path);
  }
  return structure;
}

/** The atoms of `selection` (MDAnalysis dialect) in the first model of a PDB, in file order. */
export async function readSelection(path: string, selection: string): Promise<AtomStructure> {
  const { topology, frames } = await readPdb(path);
  const atoms = selectAtoms(topology, selection);
  const positions = new Float64Array(atoms.length * 3);
  for (let j = 0; j < atoms.length; j++) {
    for (let d = 0; d < 3; d++) positions[3 * j + d] = frames.xyz[3 * atoms[j] + d];
  }
  return {
    nAtoms: atoms.length,
    positions,
    topology: {
      nAtoms: atoms.length,
      names: Array.from(atoms, (i) => topology.names[i]),
      resNames: Array.from(atoms, (i) => topology.resNames[i]),
      chainIds: Array.from(atoms, (i) => topology.chainIds[i]),
      resIds: Int32Array.from(atoms, (i) => topology.resIds[i]),
    },
  };
}
