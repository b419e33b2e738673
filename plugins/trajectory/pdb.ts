import { readInput } from './read-input.js';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { resolveAtoms } from './frame-checks.js';
import type { ReadFramesOptions } from './options.js';
import type { Topology } from './topology.js';

export interface PdbStructure {
  /** Topology of every atom in the file (of the first model), whatever `atoms` selected. */
  topology: Topology;
  /** One frame per MODEL (or one frame when the file has no MODEL records), restricted to `atoms`. */
  frames: Frames;
}

/** Fixed columns of ATOM/HETATM records (PDB format 3.3), as 0-based [start, end) slices. */
const COLUMNS = {
  name: [12, 16],
  resName: [17, 21],
  chainId: [21, 22],
  resSeq: [22, 26],
  x: [30, 38],
  y: [38, 46],
  z: [46, 54],
} as const;

export async function readPdb(path: string, options: ReadFramesOptions = {}): Promise<PdbStructure> {
  return parsePdb((await readInput(path)).toString('utf8'), path, options);
}

/** Parses PDB text; `source` names the file in errors. */
export function parsePdb(text: string, source: string, options: ReadFramesOptions = {}): PdbStructure {
  const names: string[] = [];
  const resNames: string[] = [];
  const chainIds: string[] = [];
  const resIds: number[] = [];
  const coordinates: number[] = [];
  let nModels = 0;
  let inModel = false;
  let atomsInModel = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const record = line.slice(0, 6);
    const where = `${source}:${i + 1}`;
    if (record === 'ATOM  ' || record === 'HETATM') {
      if (nModels > 0 && !inModel) throw new WeError(`${record.trim()} record outside MODEL/ENDMDL`, where);
      const frame = Math.max(nModels, 1);
      if (nModels <= 1) {
        names.push(field(line, COLUMNS.name));
        resNames.push(field(line, COLUMNS.resName));
        chainIds.push(field(line, COLUMNS.chainId));
        resIds.push(integer(line, COLUMNS.resSeq, 'residue sequence number', where));
      } else if (atomsInModel >= names.length) {
        throw new WeError(`model ${frame} has more atoms than model 1 (${names.length})`, where);
      }
      for (const axis of ['x', 'y', 'z'] as const) {
        coordinates.push(coordinate(line, axis, where, frame, atomsInModel));
      }
      atomsInModel++;
    } else if (record === 'MODEL ' || record.trimEnd() === 'MODEL') {
      if (inModel) throw new WeError('MODEL inside a model: ENDMDL missing before it', where);
      inModel = true;
      nModels++;
      atomsInModel = 0;
    } else if (record === 'ENDMDL') {
      if (!inModel) throw new WeError('ENDMDL without a MODEL before it', where);
      if (nModels > 1 && atomsInModel !== names.length) {
        throw new WeError(`model ${nModels} has ${atomsInModel} atoms, model 1 has ${names.length}`, where);
      }
      inModel = false;
    } else if (record.trimEnd() === 'END') {
      break;
    }
  }
  if (inModel) throw new WeError(`model ${nModels} has no ENDMDL`, `${source}:${lines.length}`);
  if (names.length === 0) throw new WeError('no ATOM or HETATM records, expected at least one atom', source);

  const topology: Topology = { nAtoms: names.length, names, resNames, chainIds, resIds: Int32Array.from(resIds) };
  const all = Float32Array.from(coordinates);
  const nFrames = all.length / (3 * names.length);
  const atoms = resolveAtoms(source, names.length, options);
  return { topology, frames: { nFrames, nAtoms: atoms.length, xyz: options.atoms ? pick(all, nFrames, names.length, atoms) : all } };
}

function pick(xyz: Float32Array, nFrames: number, nAtoms: number, atoms: Int32Array): Float32Array {
  const out = new Float32Array(nFrames * atoms.length * 3);
  for (let f = 0; f < nFrames; f++) {
    for (let j = 0; j < atoms.length; j++) {
      const from = (f * nAtoms + atoms[j]) * 3;
      out.set(xyz.subarray(from, from + 3), (f * atoms.length + j) * 3);
    }
  }
  return out;
}

function field(line: string, [start, end]: readonly [number, number]): string {
  return line.slice(start, end).trim();
}

function integer(line: string, columns: readonly [number, number], what: string, where: string): number {
  const text = field(line, columns);
  if (!/^-?\d+$/.test(text)) {
    throw new WeError(`${what} (columns ${columns[0] + 1}-${columns[1]}) is "${text}", expected an integer`, where);
  }
  return Number(text);
}

function coordinate(line: string, axis: 'x' | 'y' | 'z', where: string, frame: number, atom: number): number {
  const [start, end] = COLUMNS[axis];
  const text = line.slice(start, end).trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw new WeError(
      `frame ${frame}, atom index ${atom}: ${axis} (columns ${start + 1}-${end}) is "${text}", expected a finite number`,
      where,
    );
  }
  return value;
}
