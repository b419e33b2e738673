import type { CaStructure } from './ca-structure.js';

/**
 * Formats C-alpha positions as a PDB (fixed columns of PDB format 3.3), naming residues as `structure` does.
 * Three decimals, as the format allows: a structure written here and read back differs by up to 0.0005 Å.
 */
export function formatCaPdb(structure: CaStructure, positions: ArrayLike<number>, remark?: string): string {
  const lines: string[] = [];
  if (remark) lines.push(`REMARK   1 ${remark}`.slice(0, 80));
  for (let j = 0; j < structure.nAtoms; j++) {
    const [x, y, z] = [0, 1, 2].map((d) => positions[3 * j + d].toFixed(3).padStart(8));
    const serial = String(j + 1).padStart(5);
    const resName = structure.resNames[j].padEnd(4).slice(0, 4);
    const chain = (structure.chainIds[j] || 'A').slice(0, 1);
    const resSeq = String(structure.resIds[j]).padStart(4);
    lines.push(`ATOM  ${serial}  CA  ${resName}${chain}${resSeq}    ${x}${y}${z}  1.00  0.00           C`);
  }
  lines.push('TER', 'END', '');
  return lines.join('\n');
}
