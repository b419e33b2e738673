import { writeFile } from 'node:fs/promises';
import type { Frames } from '../../../core/plugins.js';
import { PS_PER_AKMA } from './units.js';

export interface DcdHeader {
  /** Step number of the first frame (CHARMM ISTART). */
  firstStep: number;
  /** Steps between frames (NSAVC). */
  stepsPerFrame: number;
  /** Integration step, ps (stored in AKMA units, as CHARMM and OpenMM do). */
  timestepPs: number;
  /** Up to 80 ASCII characters. */
  title: string;
}

const TITLE_BYTES = 80;
/** CHARMM version word: a non-zero value tells readers the header uses the CHARMM layout. */
const CHARMM_VERSION = 24;

/**
 * Encodes frames as a CHARMM-style DCD: little-endian, 4-byte Fortran record markers, no unit cell, no fixed
 * atoms. The layout OpenMM's DCDFile writes, which MDAnalysis, VMD, mdtraj and plugins/trajectory/dcd.ts read.
 */
export function encodeDcd(frames: Frames, header: DcdHeader): Uint8Array {
  const { nFrames, nAtoms, xyz } = frames;
  const axisBytes = 4 * nAtoms;
  const headerBytes = 92 + (8 + 4 + TITLE_BYTES) + 12;
  const frameBytes = 3 * (8 + axisBytes);
  const out = new Uint8Array(headerBytes + nFrames * frameBytes);
  const view = new DataView(out.buffer);
  let at = 0;
  const int32 = (value: number) => {
    view.setInt32(at, value, true);
    at += 4;
  };

  int32(84);
  out.set([0x43, 0x4f, 0x52, 0x44], at); // "CORD"
  at += 4;
  const control = new Int32Array(20);
  control[0] = nFrames;
  control[1] = header.firstStep;
  control[2] = header.stepsPerFrame;
  control[3] = nFrames * header.stepsPerFrame;
  control[19] = CHARMM_VERSION;
  for (let k = 0; k < 20; k++) {
    if (k === 9) view.setFloat32(at, header.timestepPs / PS_PER_AKMA, true);
    else view.setInt32(at, control[k], true);
    at += 4;
  }
  int32(84);

  int32(4 + TITLE_BYTES);
  int32(1);
  const title = header.title.slice(0, TITLE_BYTES).padEnd(TITLE_BYTES, ' ');
  for (let c = 0; c < TITLE_BYTES; c++) out[at + c] = title.charCodeAt(c) & 0x7f;
  at += TITLE_BYTES;
  int32(4 + TITLE_BYTES);

  int32(4);
  int32(nAtoms);
  int32(4);

  for (let f = 0; f < nFrames; f++) {
    for (let axis = 0; axis < 3; axis++) {
      int32(axisBytes);
      for (let j = 0; j < nAtoms; j++) {
        view.setFloat32(at, xyz[(f * nAtoms + j) * 3 + axis], true);
        at += 4;
      }
      int32(axisBytes);
    }
  }
  return out;
}

export async function writeDcd(path: string, frames: Frames, header: DcdHeader): Promise<void> {
  const bytes = encodeDcd(frames, header);
  await writeFile(path, bytes);
}
