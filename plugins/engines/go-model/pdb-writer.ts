import type { Topology } from '../../trajectory/topology.js';

/**
 * Formats atoms as a PDB (fixed columns of PDB format 3.3), named as `topology` names them. Three decimals, as
 * the format allows: a structure written here and read back differs by up to 0.0005 Å.
 */
export function formatPdb(topology: Topology, positions: ArrayLike<number>, remark?: string): string {
  const lines: string[] = [];
  if (remark) lines.push(`REMARK   1 ${remark}`.slice(0, 80));
  for (let j = 0; j < topology.nAtoms; j++) {
    const [x, y, z] = [0, 1, 2].map((d) => positions[3 * j + d].toFixed(3).padStart(8));
    const serial = String(j + 1).padStart(5);
    const name = topology.names[j];
    // Names of fewer than 4 characters start in column 14, so that the element stays in columns 13-14.
    const nameField = name.length < 4 ? ` ${name.padEnd(3)}` : name.slice(0, 4);
    const resName = topology.resNames[j].padEnd(4).slice(0, 4);
    const chain = (topology.chainIds[j] || 'A').slice(0, 1);
    const resSeq = String(topology.resIds[j]).padStart(4);
    const element = name.replace(/[^A-Za-z]/g, '').slice(0, 1).padStart(2);
    lines.push(`ATOM  ${serial} ${nameField} ${resName}${chain}${resSeq}    ${x}${y}${z}  1.00  0.00          ${element}`);
  }
  lines.push('TER', 'END', '');
  return lines.join('\n');
}
