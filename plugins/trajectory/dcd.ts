import { readInput } from './read-input.js';
import { WeError } from '../../core/errors.js';
import type { Frames } from '../../core/plugins.js';
import { checkFinite, resolveAtoms } from './frame-checks.js';
import type { ReadFramesOptions } from './options.js';

export interface DcdTrajectory extends Frames {
  /** Per frame a, b, c (Å), alpha, beta, gamma (degrees), when the header flags a unit cell block. */
  unitCell?: Float64Array;
}

/** Length of the first record: "CORD" and 20 int32 control words. */
const HEADER_RECORD_BYTES = 84;
const CELL_RECORD_BYTES = 48;

interface Layout {
  littleEndian: boolean;
  /** Fortran record markers are 4 bytes, or 8 when the writer's compiler used 64-bit record lengths. */
  markerBytes: 4 | 8;
}

export async function readDcd(path: string, options: ReadFramesOptions = {}): Promise<DcdTrajectory> {
  return parseDcd(await readInput(path), path, options);
}

/**
 * Parses a CHARMM/NAMD/OpenMM/X-PLOR DCD (Fortran unformatted records). The frame count comes from the file
 * size: writers that append (OpenMM) or crash may leave the header's count stale or 0.
 */
export function parseDcd(bytes: Uint8Array, source: string, options: ReadFramesOptions = {}): DcdTrajectory {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const layout = detectLayout(view, source);
  const { littleEndian: le, markerBytes: m } = layout;
  const int32 = (offset: number) => view.getInt32(offset, le);

  const control = (k: number) => int32(m + 4 + 4 * k);
  const framesInHeader = control(0);
  const fixedAtoms = control(8);
  const isCharmm = control(19) !== 0;
  const hasCell = isCharmm && control(10) !== 0;
  const has4d = isCharmm && control(11) !== 0;
  if (fixedAtoms > 0) throw new WeError(`header declares ${fixedAtoms} fixed atoms; DCDs with fixed atoms are not supported`, source);

  let offset = 2 * m + HEADER_RECORD_BYTES;
  const titleBytes = recordLength(view, layout, offset, source, 'title record');
  offset += 2 * m + titleBytes;
  const atomCountBytes = recordLength(view, layout, offset, source, 'atom count record');
  if (atomCountBytes !== 4) throw new WeError(`atom count record is ${atomCountBytes} bytes long, expected 4`, source);
  const nAtomsInFile = int32(offset + m);
  offset += 2 * m + 4;
  const headerEnd = offset;
  const atoms = resolveAtoms(source, nAtomsInFile, options);

  const axisBytes = 4 * nAtomsInFile;
  const frameBytes = (hasCell ? 2 * m + CELL_RECORD_BYTES : 0) + (has4d ? 4 : 3) * (2 * m + axisBytes);
  const available = bytes.byteLength - headerEnd;
  const nFrames = Math.floor(available / frameBytes);
  const leftover = available - nFrames * frameBytes;
  if (leftover !== 0) {
    throw new WeError(`frame ${nFrames + 1} is truncated: ${frameBytes} bytes expected, ${leftover} found`, source);
  }
  if (framesInHeader > nFrames) {
    throw new WeError(
      `frame ${nFrames + 1} is missing: the header promises ${framesInHeader} frames of ${frameBytes} bytes ` +
        `(${framesInHeader * frameBytes} bytes expected after the header, ${available} found)`,
      source,
    );
  }

  const nOut = atoms.length;
  const xyz = new Float32Array(nFrames * nOut * 3);
  const unitCell = hasCell ? new Float64Array(nFrames * 6) : undefined;
  for (let f = 0; f < nFrames; f++) {
    let at = headerEnd + f * frameBytes;
    const expectRecord = (length: number, what: string) => {
      const found = recordLength(view, layout, at, source, `frame ${f + 1} ${what}`);
      if (found !== length) {
        throw new WeError(`frame ${f + 1} ${what} at byte ${at} is ${found} bytes long, expected ${length}`, source);
      }
      const payload = at + m;
      at += 2 * m + length;
      return payload;
    };
    if (unitCell) readCell(view, le, expectRecord(CELL_RECORD_BYTES, 'unit cell record'), unitCell.subarray(6 * f, 6 * f + 6));
    for (let axis = 0; axis < 3; axis++) {
      const payload = expectRecord(axisBytes, `${'xyz'[axis]} record`);
      const base = f * nOut * 3 + axis;
      for (let j = 0; j < nOut; j++) xyz[base + 3 * j] = view.getFloat32(payload + 4 * atoms[j], le);
    }
  }
  const frames: DcdTrajectory = { nFrames, nAtoms: nOut, xyz };
  checkFinite(source, frames, atoms);
  if (unitCell) frames.unitCell = unitCell;
  return frames;
}

function detectLayout(view: DataView, source: string): Layout {
  for (const markerBytes of [4, 8] as const) {
    for (const littleEndian of [true, false]) {
      if (view.byteLength < 2 * markerBytes + HEADER_RECORD_BYTES) continue;
      const marker = markerBytes === 4 ? view.getInt32(0, littleEndian) : Number(view.getBigInt64(0, littleEndian));
      if (marker === HEADER_RECORD_BYTES && magic(view, markerBytes) === 'CORD') return { littleEndian, markerBytes };
    }
  }
  throw new WeError(`not a DCD file: expected a first record of ${HEADER_RECORD_BYTES} bytes starting "CORD"`, source);
}

function magic(view: DataView, offset: number): string {
  return String.fromCharCode(...[0, 1, 2, 3].map((i) => view.getUint8(offset + i)));
}

/** Length of the record starting at `offset`, checked against its closing marker and the file's end. */
function recordLength(view: DataView, layout: Layout, offset: number, source: string, what: string): number {
  const { littleEndian, markerBytes } = layout;
  const read = (at: number) =>
    markerBytes === 4 ? view.getInt32(at, littleEndian) : Number(view.getBigInt64(at, littleEndian));
  if (offset + markerBytes > view.byteLength) throw new WeError(`${what} at byte ${offset} is missing: the file ends`, source);
  const length = read(offset);
  const end = offset + markerBytes + length;
  if (length < 0 || end + markerBytes > view.byteLength) {
    throw new WeError(`${what} at byte ${offset} declares ${length} bytes, but the file ends at byte ${view.byteLength}`, source);
  }
  const closing = read(end);
  if (closing !== length) {
    throw new WeError(`${what} at byte ${offset} opens with length ${length} but closes with ${closing}`, source);
  }
  return length;
}

/**
 * The cell record stores A, gamma, B, beta, alpha, C. CHARMM and NAMD write the angles' cosines, OpenMM and
 * MDAnalysis write degrees; as MDAnalysis does, values all within [-1, 1] are taken as cosines.
 */
function readCell(view: DataView, le: boolean, payload: number, out: Float64Array): void {
  const raw = [0, 1, 2, 3, 4, 5].map((k) => view.getFloat64(payload + 8 * k, le));
  const [a, gamma, b, beta, alpha, c] = raw;
  const angles = [alpha, beta, gamma];
  const cosines = angles.every((x) => Math.abs(x) <= 1);
  out.set([a, b, c, ...angles.map((x) => (cosines ? (Math.acos(x) * 180) / Math.PI : x))]);
}
