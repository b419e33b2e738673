/** Per-atom identity read from a structure file, in file order; what atom selections are evaluated against. */
export interface Topology {
  nAtoms: number;
  /** Atom names (PDB columns 13-16), trimmed. */
  names: string[];
  /** Residue names (PDB columns 18-21), trimmed. */
  resNames: string[];
  /** Chain identifiers (PDB column 22); '' when blank. */
  chainIds: string[];
  /** Residue sequence numbers (PDB columns 23-26). */
  resIds: Int32Array;
}
