import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyScaling, boxScaling, fixedScaling, normalisePointCloud } from '../plugins/frames/normalise.js';
import { toPointCloud } from '../plugins/frames/point-cloud.js';
import { preparePointCloud } from '../plugins/frames/prepare-point-cloud.js';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { selectAtoms } from '../plugins/trajectory/selection.js';
import { structure } from './helpers/structures.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'trajectory');
const CRYSTAL = structure('CLN025_5AWL_protein.pdb');
const expected = JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as {
  boxPointCloud: { bias: number; scale: number; frame0: number[][] };
};

describe('toPointCloud', () => {
  it('lays frames out as (frames, 3, points)', () => {
    // frame f, atom a, axis d holds 100 f + 10 a + d
    const xyz = Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => 100 * Math.floor(i / 12) + 10 * (Math.floor(i / 3) % 4) + (i % 3));
    const cloud = toPointCloud({ nFrames: 2, nAtoms: 4, xyz }, Int32Array.from([3, 1]));
    expect(Array.from(cloud)).toEqual([30, 10, 31, 11, 32, 12, 130, 110, 131, 111, 132, 112]);
    expect(toPointCloud({ nFrames: 2, nAtoms: 4, xyz })).toHaveLength(24);
  });
});

describe('DeepDriveMD pipeline: align on C-alpha, point cloud, box scaling', () => {
  it('matches the numpy reference of DeepDriveMD PointCloudDataset(normalize="box")', async () => {
    const crystal = await readPdb(CRYSTAL);
    const { topology } = await readPdb(join(FIXTURES, 'cln025.pdb'));
    const frames = await readFrames(join(FIXTURES, 'cln025.dcd'));
    const atoms = selectAtoms(topology, 'protein and name CA');
    const { cloud, scaling, rmsd } = preparePointCloud(frames, {
      reference: crystal.frames.xyz,
      atoms,
      referenceAtoms: selectAtoms(crystal.topology, 'protein and name CA'),
      normalisation: { kind: 'box' },
    });
    expect(cloud).toHaveLength(5 * 3 * 10);
    expect(rmsd).toHaveLength(5);
    expect(scaling.bias as number).toBeCloseTo(expected.boxPointCloud.bias, 4);
    expect(scaling.scale as number).toBeCloseTo(expected.boxPointCloud.scale, 6);
    expected.boxPointCloud.frame0.flat().forEach((v, i) => expect(Math.abs(cloud[i] - v)).toBeLessThan(1e-5));
    expect(Math.min(...cloud)).toBe(0);
    expect(Math.max(...cloud)).toBeCloseTo(1, 6);
  });
});

describe('scalings', () => {
  it('box uses one min and one max over every axis of every frame', () => {
    expect(boxScaling([3, -1, 7, 2])).toEqual({ bias: -1, scale: 1 / 8 });
    expect(() => boxScaling([2, 2, 2])).toThrow('normalisation box: all 3 coordinates equal 2');
  });

  it('fixed statistics: scalar, per axis, per element', () => {
    // Two frames of two points: each sample is (3 axes, 2 points) = 6 values.
    const cloud = Float32Array.from([0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11]);
    const scalar = Float32Array.from(cloud);
    normalisePointCloud(scalar, 2, { kind: 'fixed', mean: 1, std: 2 });
    expect(Array.from(scalar)).toEqual(Array.from(cloud, (v) => (v - 1) / 2));

    const perAxis = Float32Array.from(cloud);
    normalisePointCloud(perAxis, 2, { kind: 'fixed', mean: [0, 4, 8], std: [1, 2, 4] });
    expect(Array.from(perAxis)).toEqual([0, 2, 0, 1, 0, 0.5, 1, 3, 0.5, 1.5, 0.25, 0.75]);

    const perElement = Float32Array.from(cloud);
    normalisePointCloud(perElement, 2, { kind: 'fixed', mean: [0, 2, 4, 6, 8, 10], std: [1, 1, 1, 1, 1, 2] });
    expect(Array.from(perElement)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0.5]);
  });

  it('rejects unusable statistics, naming the field', () => {
    expect(() => fixedScaling(0, [1, 0, 1], 4)).toThrow('normalisation fixed.std: value 4 is 0, expected a positive number');
    expect(() => fixedScaling([1, 2], 1, 4)).toThrow('normalisation fixed.mean: has 2 values, expected 1, 3 (per axis) or 12');
    expect(() => applyScaling(new Float32Array(7), { bias: new Float64Array(6), scale: 1 })).toThrow(
      'normalisation: 7 values do not split into samples of 6',
    );
  });
});
