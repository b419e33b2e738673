import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Frames } from '../core/plugins.js';
import { alignFrames, optimalRotation } from '../plugins/frames/kabsch.js';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { selectAtoms } from '../plugins/trajectory/selection.js';
import { structure } from './helpers/structures.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'trajectory');
const CRYSTAL = structure('CLN025_5AWL_protein.pdb');
const expected = JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as {
  probeAtoms: number[];
  alignment: { selection: string; rmsdBefore: number[]; rmsd: number[]; alignedCa: number[][][]; alignedProbe: number[][][] };
};

const crystal = await readPdb(CRYSTAL);
const { topology } = await readPdb(join(FIXTURES, 'cln025.pdb'));
const selection = expected.alignment.selection;
const mobileCa = selectAtoms(topology, selection);
const crystalCa = selectAtoms(crystal.topology, selection);

function coordinates(frames: Frames, frame: number, atoms: ArrayLike<number>): number[][] {
  return Array.from(atoms, (a) => Array.from(frames.xyz.subarray((frame * frames.nAtoms + a) * 3, (frame * frames.nAtoms + a) * 3 + 3)));
}

describe('alignment matches MDAnalysis alignto', () => {
  for (const file of ['cln025.dcd', 'cln025.nc', 'cln025.pdb']) {
    it(`${file} onto the 5AWL crystal on C-alpha atoms`, async () => {
      const frames = await readFrames(join(FIXTURES, file));
      const rmsd = alignFrames(frames, crystal.frames.xyz, mobileCa, crystalCa);
      // MDAnalysis aligned the DCD's frames; the PDB's are the same frames rounded to 1e-3 Å.
      const [rmsdTolerance, xyzTolerance] = file.endsWith('.pdb') ? [1e-3, 2e-3] : [1e-6, 1e-5];
      expect(rmsd).toHaveLength(5);
      rmsd.forEach((r, f) => expect(Math.abs(r - expected.alignment.rmsd[f])).toBeLessThan(rmsdTolerance));
      for (let f = 0; f < 5; f++) {
        for (const [ours, theirs] of [
          [coordinates(frames, f, mobileCa), expected.alignment.alignedCa[f]],
          [coordinates(frames, f, expected.probeAtoms), expected.alignment.alignedProbe[f]],
        ]) {
          ours.flat().forEach((v, i) => expect(Math.abs(v - theirs.flat()[i])).toBeLessThan(xyzTolerance));
        }
      }
    });
  }

  it('lowers the RMSD below the unaligned one, and aligning again changes nothing', async () => {
    const frames = await readFrames(join(FIXTURES, 'cln025.dcd'));
    const first = alignFrames(frames, crystal.frames.xyz, mobileCa, crystalCa);
    first.forEach((r, f) => expect(r).toBeLessThan(expected.alignment.rmsdBefore[f]));
    const before = Float32Array.from(frames.xyz);
    const second = alignFrames(frames, crystal.frames.xyz, mobileCa, crystalCa);
    second.forEach((r, f) => expect(r).toBeCloseTo(first[f], 5));
    frames.xyz.forEach((v, i) => expect(v).toBeCloseTo(before[i], 3));
  });
});

describe('recovers known rigid motions', () => {
  const points = crystal.frames.xyz;
  const nAtoms = crystal.frames.nAtoms;

  function moved(rotation: number[], shift: number[], mirror = false): Frames {
    const xyz = new Float32Array(points.length);
    for (let i = 0; i < nAtoms; i++) {
      const [x, y, z] = [points[3 * i], points[3 * i + 1], points[3 * i + 2] * (mirror ? -1 : 1)];
      for (let d = 0; d < 3; d++) xyz[3 * i + d] = rotation[3 * d] * x + rotation[3 * d + 1] * y + rotation[3 * d + 2] * z + shift[d];
    }
    return { nFrames: 1, nAtoms, xyz };
  }

  function axisAngle(axis: number[], angle: number): number[] {
    const n = Math.hypot(...axis);
    const [x, y, z] = axis.map((v) => v / n);
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const t = 1 - c;
    return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
  }

  for (const [label, rotation] of [
    ['identity', axisAngle([0, 0, 1], 0)],
    ['90° about x', axisAngle([1, 0, 0], Math.PI / 2)],
    ['180° about z (degenerate quaternion axis)', axisAngle([0, 0, 1], Math.PI)],
    ['180° about a skew axis', axisAngle([1, -2, 0.5], Math.PI)],
    ['2.5 rad about a skew axis', axisAngle([-0.3, 0.7, 2], 2.5)],
  ] as const) {
    it(label, () => {
      const frames = moved(rotation, [12, -7, 3.5]);
      const [rmsd] = alignFrames(frames, points);
      expect(rmsd).toBeLessThan(1e-4);
      frames.xyz.forEach((v, i) => expect(Math.abs(v - points[i])).toBeLessThan(1e-4));
    });
  }

  it('never reflects: a mirror image keeps a positive RMSD and the rotation stays proper', () => {
    const frames = moved(axisAngle([0, 1, 0], 0.4), [0, 0, 0], true);
    const [rmsd] = alignFrames(frames, points);
    expect(rmsd).toBeGreaterThan(1);
    const rotation = new Float64Array(9);
    const covariance = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, -1]);
    optimalRotation(covariance, rotation);
    const [a, b, c, d, e, f, g, h, k] = rotation;
    expect(a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g)).toBeCloseTo(1, 12);
  });
});

describe('bad selections', () => {
  it('rejects selections of different lengths or out of range', () => {
    const frames = { nFrames: 1, nAtoms: 3, xyz: new Float32Array(9) };
    expect(() => alignFrames(frames, new Float32Array(9), Int32Array.from([0, 1]), Int32Array.from([0]))).toThrow(
      'alignment: 2 selected atoms in the frames but 1 in the reference',
    );
    expect(() => alignFrames(frames, new Float32Array(6), Int32Array.from([2]))).toThrow(
      'alignment: atom index 2 selected, but the reference has 2 atoms',
    );
  });
});
