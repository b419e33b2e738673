import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { describe, expect, it } from 'vitest';
import type { Frames } from '../core/plugins.js';
import { readDcd } from '../plugins/trajectory/dcd.js';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { structure } from './helpers/structures.js';
import { tempDir } from './helpers/temp-dir.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'trajectory');
const fixture = (name: string) => join(FIXTURES, name);
const expected = JSON.parse(await readFile(fixture('expected.json'), 'utf8')) as {
  nAtoms: number;
  nFrames: number;
  probeAtoms: number[];
  dcd: number[][][];
  netcdf: number[][][];
  pdb: number[][][];
  cellDimensions: number[][];
  restart: number[][];
};

/** Header (92) + title (8 + 4 + 2·80) + atom count (12) bytes of the OpenMM DCD; then frames of 3 · (8 + 4·166). */
const OPENMM_HEADER_BYTES = 92 + 172 + 12;
const OPENMM_FRAME_BYTES = 3 * (8 + 4 * 166);

function atom(frames: Frames, frame: number, index: number): number[] {
  const at = (frame * frames.nAtoms + index) * 3;
  return Array.from(frames.xyz.subarray(at, at + 3));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const scratch = tempDir('trajectory');

async function scratchCopy(name: string, as = name): Promise<string> {
  const path = join(scratch, as);
  await copyFile(fixture(name), path);
  return path;
}

describe('readers agree with MDAnalysis', () => {
  for (const [file, key] of [
    ['cln025.dcd', 'dcd'],
    ['cln025.nc', 'netcdf'],
    ['cln025.pdb', 'pdb'],
  ] as const) {
    it(`${file}: frame and atom counts and probe coordinates`, async () => {
      const frames = await readFrames(fixture(file));
      expect(frames.nFrames).toBe(expected.nFrames);
      expect(frames.nAtoms).toBe(expected.nAtoms);
      expect(frames.xyz.length).toBe(expected.nFrames * expected.nAtoms * 3);
      for (let f = 0; f < expected.nFrames; f++) {
        expected.probeAtoms.forEach((index, k) => {
          const ours = atom(frames, f, index);
          expected[key][f][k].forEach((v, d) => expect(ours[d]).toBeCloseTo(v, 5));
        });
      }
    });
  }

  it('DCD, NetCDF and PDB hold the same frames to 1e-3 Å', async () => {
    const [dcd, nc, pdb] = await Promise.all(['cln025.dcd', 'cln025.nc', 'cln025.pdb'].map((f) => readFrames(fixture(f))));
    expect(maxDifference(dcd.xyz, nc.xyz)).toBe(0);
    expect(maxDifference(dcd.xyz, pdb.xyz)).toBeLessThanOrEqual(1e-3);
    expect(maxDifference(dcd.xyz, pdb.xyz)).toBeGreaterThan(0);
  });

  it('reads unit cells, big-endian files and 64-bit record markers', async () => {
    const reference = await readDcd(fixture('cln025.dcd'));
    expect(reference.unitCell).toBeUndefined();
    for (const file of ['cln025-cell.dcd', 'cln025-cell-be.dcd', 'cln025-be64.dcd']) {
      const frames = await readDcd(fixture(file));
      expect(frames.nFrames).toBe(5);
      expect(maxDifference(frames.xyz, reference.xyz)).toBe(0);
    }
    for (const file of ['cln025-cell.dcd', 'cln025-cell-be.dcd']) {
      const { unitCell } = await readDcd(fixture(file));
      expect(Array.from(unitCell!)).toEqual(expected.cellDimensions.flat());
    }
  });

  it('keeps only the requested atoms, in the requested order', async () => {
    const atoms = Int32Array.from([17, 0, 165]);
    const all = await readFrames(fixture('cln025.dcd'));
    for (const file of ['cln025.dcd', 'cln025.nc', 'cln025.pdb']) {
      const some = await readFrames(fixture(file), { atoms });
      expect(some.nAtoms).toBe(3);
      for (let f = 0; f < 5; f++) {
        atoms.forEach((index, j) => {
          atom(some, f, j).forEach((v, d) => expect(v).toBeCloseTo(atom(all, f, index)[d], 3));
        });
      }
    }
  });
});

describe('DCD frame count and damage', () => {
  async function withFrameCount(count: number, name: string): Promise<string> {
    const path = await scratchCopy('cln025.dcd', name);
    const bytes = await readFile(path);
    bytes.writeInt32LE(count, 8);
    await writeFile(path, bytes);
    return path;
  }

  it('counts frames from the file size when the header says 0 or fewer (OpenMM appending)', async () => {
    expect((await readDcd(await withFrameCount(0, 'zero.dcd'))).nFrames).toBe(5);
    expect((await readDcd(await withFrameCount(2, 'two.dcd'))).nFrames).toBe(5);
  });

  it('rejects a file holding fewer whole frames than its header promises', async () => {
    const path = await withFrameCount(7, 'seven.dcd');
    await expect(readDcd(path)).rejects.toThrow(`${path}: frame 6 is missing: the header promises 7 frames`);
  });

  it('names the file, the frame and the bytes expected vs found for a truncated final frame', async () => {
    const path = await scratchCopy('cln025.dcd', 'truncated.dcd');
    await truncate(path, OPENMM_HEADER_BYTES + 4 * OPENMM_FRAME_BYTES + 100);
    await expect(readFrames(path)).rejects.toThrow(`${path}: frame 5 is truncated: ${OPENMM_FRAME_BYTES} bytes expected, 100 found`);
  });

  it('names the frame and atom of a NaN coordinate', async () => {
    const path = await scratchCopy('cln025.dcd', 'nan.dcd');
    const bytes = await readFile(path);
    const yRecordOfFrame3 = OPENMM_HEADER_BYTES + 2 * OPENMM_FRAME_BYTES + (8 + 4 * 166) + 4;
    bytes.writeFloatLE(NaN, yRecordOfFrame3 + 4 * 17);
    await writeFile(path, bytes);
    await expect(readFrames(path)).rejects.toThrow(`${path}: frame 3 of 5, atom index 17: y coordinate is NaN`);
    await expect(readFrames(path, { atoms: Int32Array.from([0, 1]) })).resolves.toMatchObject({ nAtoms: 2 });
  });

  it('rejects a corrupt record marker and a file that is not a DCD', async () => {
    const path = await scratchCopy('cln025.dcd', 'marker.dcd');
    const bytes = await readFile(path);
    bytes.writeInt32LE(12, OPENMM_HEADER_BYTES + OPENMM_FRAME_BYTES);
    await writeFile(path, bytes);
    await expect(readDcd(path)).rejects.toThrow(`frame 2 x record at byte ${OPENMM_HEADER_BYTES + OPENMM_FRAME_BYTES}`);
    const pdbAsDcd = await scratchCopy('cln025.pdb', 'pdb.dcd');
    await expect(readFrames(pdbAsDcd)).rejects.toThrow(`${pdbAsDcd}: not a DCD file`);
  });
});

describe('AMBER NetCDF', () => {
  it('reads a restart file (AMBERRESTART, double precision) as one frame', async () => {
    const frames = await readFrames(fixture('cln025.ncrst'));
    expect([frames.nFrames, frames.nAtoms]).toEqual([1, 166]);
    expected.probeAtoms.forEach((index, k) => {
      atom(frames, 0, index).forEach((v, d) => expect(v).toBeCloseTo(expected.restart[k][d], 5));
    });
  });

  it('names the file and frame of a truncated trajectory', async () => {
    const path = await scratchCopy('cln025.nc', 'truncated.nc');
    const size = (await readFile(path)).length;
    await truncate(path, size - 200);
    await expect(readFrames(path)).rejects.toThrow(/truncated\.nc: frame 5 of 5 is truncated: its coordinates need 1992 bytes from byte \d+, 1\d\d\d found/);
  });

  it('rejects NetCDF-4 (HDF5) files with a clear message', async () => {
    await h5wasm.ready;
    const path = join(scratch, 'netcdf4.nc');
    const file = new h5wasm.File(path, 'w');
    file.create_dataset({ name: 'coordinates', data: new Float32Array(6), shape: [1, 2, 3] });
    file.close();
    await expect(readFrames(path)).rejects.toThrow(`${path}: is a NetCDF-4 (HDF5-based) file, which is not supported`);
  });

  it('rejects files that are not NetCDF or not AMBER', async () => {
    const notNetcdf = await scratchCopy('cln025.pdb', 'pdb.nc');
    await expect(readFrames(notNetcdf)).rejects.toThrow(`${notNetcdf}: not a readable NetCDF-3 file`);
    const path = await scratchCopy('cln025.nc', 'conventions.ncdf');
    const bytes = await readFile(path);
    bytes.write('NOTAM', bytes.indexOf('AMBER'), 'latin1');
    await writeFile(path, bytes);
    await expect(readFrames(path)).rejects.toThrow(`${path}: global attribute Conventions is "NOTAM", expected "AMBER"`);
  });

  it('names the frame and atom of a NaN coordinate', async () => {
    const path = await scratchCopy('cln025.nc', 'nan.netcdf');
    const bytes = await readFile(path);
    const dcd = await readDcd(fixture('cln025.dcd'));
    const value = Buffer.alloc(4);
    value.writeFloatBE(dcd.xyz[(1 * 166 + 42) * 3 + 2]);
    const at = bytes.indexOf(value);
    expect(at).toBeGreaterThan(0);
    bytes.writeFloatBE(NaN, at);
    await writeFile(path, bytes);
    await expect(readFrames(path)).rejects.toThrow(`${path}: frame 2 of 5, atom index 42: z coordinate is NaN`);
  });
});

describe('PDB', () => {
  it('keeps atom names and residues of the first model', async () => {
    const { topology, frames } = await readPdb(fixture('cln025.pdb'));
    expect(topology.nAtoms).toBe(166);
    expect(frames.nFrames).toBe(5);
    expect([topology.names[0], topology.resNames[0], topology.chainIds[0], topology.resIds[0]]).toEqual(['N', 'TYR', 'A', 1]);
    expect(topology.resIds[165]).toBe(10);
  });

  it('reads the copied wwPDB structures, including an insertion code in column 27 and 28 NMR models', async () => {
    const calpha = await readPdb(structure('CLN025-0-c-alpha.pdb'));
    expect(calpha.topology.names).toEqual(Array(10).fill('CA'));
    const trpCage = await readPdb(structure('TrpCage_2JOF.pdb'));
    expect([trpCage.frames.nFrames, trpCage.frames.nAtoms]).toEqual([28, 284]);
  });

  it('rejects models of different sizes, naming the line', async () => {
    const text = await readFile(fixture('cln025.pdb'), 'utf8');
    const lines = text.split('\n');
    const lastAtom = lines.findLastIndex((l) => l.startsWith('ATOM'));
    lines.splice(lastAtom, 1);
    const path = join(scratch, 'short-model.pdb');
    await writeFile(path, lines.join('\n'));
    await expect(readPdb(path)).rejects.toThrow(`${path}:${lastAtom + 2}: model 5 has 165 atoms, model 1 has 166`);
  });

  it('rejects an unreadable coordinate, naming line, columns, frame and atom', async () => {
    const lines = (await readFile(fixture('cln025.pdb'), 'utf8')).split('\n');
    const second = lines.indexOf('MODEL        2');
    const line = lines[second + 4];
    lines[second + 4] = line.slice(0, 38) + '     nan' + line.slice(46);
    const path = join(scratch, 'nan.pdb');
    await writeFile(path, lines.join('\n'));
    await expect(readFrames(path)).rejects.toThrow(`${path}:${second + 5}: frame 2, atom index 3: y (columns 39-46) is "nan"`);
  });

  it('checks the expected atom count for every format', async () => {
    for (const file of ['cln025.pdb', 'cln025.dcd', 'cln025.nc']) {
      await expect(readFrames(fixture(file), { expectedAtoms: 93 })).rejects.toThrow(
        `${fixture(file)}: holds 166 atoms per frame, expected 93`,
      );
    }
    await expect(readFrames(fixture('cln025.dcd'), { atoms: Int32Array.from([166]) })).rejects.toThrow('atom index 166 was requested');
  });
});

it('rejects an unknown extension, naming the formats it knows', async () => {
  await expect(readFrames('/x/traj.xtc')).rejects.toThrow('/x/traj.xtc: unknown trajectory format ".xtc", expected one of .pdb, .dcd');
});
