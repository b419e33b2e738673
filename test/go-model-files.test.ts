import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeError } from '../core/errors.js';
import { readCaStructure } from '../plugins/engines/go-model/ca-structure.js';
import { encodeDcd, writeDcd } from '../plugins/engines/go-model/dcd-writer.js';
import { startState } from '../plugins/engines/go-model/md-state.js';
import { readBackboneTemplate, rebuildBackbone } from '../plugins/engines/go-model/backbone.js';
import { formatPdb } from '../plugins/engines/go-model/pdb-writer.js';
import { readRestart, writeRestart } from '../plugins/engines/go-model/restart-file.js';
import { PS_PER_AKMA } from '../plugins/engines/go-model/units.js';
import { parseDcd } from '../plugins/trajectory/dcd.js';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { structure } from './helpers/structures.js';
import { tempDir } from './helpers/temp-dir.js';

const NATIVE = structure('CLN025_5AWL_protein.pdb');
const dir = tempDir('go-files');

describe('Go-model output files', () => {
  it('writes DCDs that readFrames reads back exactly', async () => {
    const nFrames = 4;
    const nAtoms = 10;
    const xyz = Float32Array.from({ length: nFrames * nAtoms * 3 }, (_, k) => Math.sin(k) * 20 + k / 7);
    const path = join(dir, 'round-trip.dcd');
    await writeDcd(path, { nFrames, nAtoms, xyz }, { firstStep: 200, stepsPerFrame: 200, timestepPs: 0.005, title: 'test' });
    const back = await readFrames(path);
    expect(back.nFrames).toBe(nFrames);
    expect(back.nAtoms).toBe(nAtoms);
    expect(back.xyz).toEqual(xyz);
    expect((await readFrames(path, { atoms: Int32Array.of(9, 0) })).xyz.slice(0, 6)).toEqual(
      Float32Array.of(...xyz.slice(27, 30), ...xyz.slice(0, 3)),
    );
  });

  it('writes the CHARMM header fields (frame count, first step, interval, AKMA time step, no unit cell)', () => {
    const bytes = encodeDcd({ nFrames: 3, nAtoms: 2, xyz: new Float32Array(18) }, { firstStep: 10, stepsPerFrame: 5, timestepPs: 0.002, title: 'x' });
    const view = new DataView(bytes.buffer);
    expect(view.getInt32(0, true)).toBe(84);
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('CORD');
    const control = (k: number) => view.getInt32(8 + 4 * k, true);
    expect([control(0), control(1), control(2), control(10), control(19)]).toEqual([3, 10, 5, 0, 24]);
    expect(view.getFloat32(8 + 36, true)).toBeCloseTo(0.002 / PS_PER_AKMA, 6);
    // header 84+8, title 84+8, atom count 4+8; then 3 frames of 3 records of (2 atoms × 4 bytes + 8).
    expect(bytes.byteLength).toBe(92 + 92 + 12 + 3 * 3 * 16);
    expect(parseDcd(bytes, 'x.dcd').nFrames).toBe(3);
  });

  it('restart files bring positions, velocities, step, time and seed back bit for bit', async () => {
    const native = await readCaStructure(NATIVE);
    const state = startState(native.positions, 300, 110, 4_000_000_000);
    state.positions[0] += 1 / 3;
    state.step = 123;
    state.timePs = 0.615 + 1e-13;
    const path = join(dir, 'seg.rst');
    await writeRestart(path, state);
    expect(await readRestart(path, native.nAtoms)).toEqual(state);
  });

  it('refuses restarts of another size or format, naming the file and field', async () => {
    const path = join(dir, 'other.rst');
    await writeRestart(path, startState(new Float64Array(12), 300, 110, 1));
    await expect(readRestart(path, 10)).rejects.toThrow(/other\.rst: field positions holds 12 values.*expected 30 finite numbers \(10 atoms × 3\)/);
    const wrong = join(dir, 'wrong.rst');
    await writeFile(wrong, JSON.stringify({ format: 'amber', version: 1 }));
    await expect(readRestart(wrong, 10)).rejects.toThrow(WeError);
    await expect(readRestart(wrong, 10)).rejects.toThrow(/wrong\.rst: format is "amber" version 1, expected "we-go-model-restart" version 1/);
    const truncated = join(dir, 'truncated.rst');
    await writeFile(truncated, (await readFile(path, 'utf8')).slice(0, 50));
    await expect(readRestart(truncated, 4)).rejects.toThrow(/truncated\.rst: cannot read restart/);
  });

  it('formats C-alpha PDBs that the PDB reader parses back to 3 decimals with the native residue names', async () => {
    const native = await readCaStructure(NATIVE);
    const path = join(dir, 'ca.pdb');
    await writeFile(path, formatPdb(native.topology, native.positions, 'test structure'));
    const { topology, frames } = await readPdb(path);
    expect(topology.names).toEqual(Array(10).fill('CA'));
    expect(topology.resNames).toEqual(['TYR', 'TYR', 'ASP', 'PRO', 'GLU', 'THR', 'GLY', 'THR', 'TRP', 'TYR']);
    expect(Array.from(topology.resIds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let k = 0; k < 30; k++) expect(Math.abs(frames.xyz[k] - native.positions[k])).toBeLessThan(6e-4);
  });

  it('rebuilds the native backbone from its C-alphas, and moves it rigidly with a rigidly moved trace', async () => {
    const native = await readCaStructure(NATIVE);
    const template = await readBackboneTemplate(NATIVE, native);
    const { topology, frames } = await readPdb(NATIVE);
    const backboneNames = topology.names.filter((name) => ['N', 'CA', 'C', 'O'].includes(name));
    expect(template.atoms.names).toEqual(backboneNames);
    expect(template.atoms.nAtoms).toBe(40);
    const rebuilt = new Float64Array(120);
    rebuildBackbone(template, native.positions, rebuilt);
    let k = 0;
    for (let i = 0; i < topology.nAtoms; i++) {
      if (!['N', 'CA', 'C', 'O'].includes(topology.names[i])) continue;
      for (let d = 0; d < 3; d++) expect(rebuilt[3 * k + d]).toBeCloseTo(frames.xyz[3 * i + d], 4);
      k++;
    }
    // Rotate the trace 90° about z and shift it: every rebuilt atom follows.
    const moved = Float64Array.from(native.positions, (_, j) => {
      const atom = Math.floor(j / 3);
      const [x, y, z] = [0, 1, 2].map((d) => native.positions[3 * atom + d]);
      return [-y + 5, x - 2, z + 1][j % 3];
    });
    const rebuiltMoved = new Float64Array(120);
    rebuildBackbone(template, moved, rebuiltMoved);
    for (let a = 0; a < 40; a++) {
      const [x, y, z] = [0, 1, 2].map((d) => rebuilt[3 * a + d]);
      expect([0, 1, 2].map((d) => rebuiltMoved[3 * a + d])).toEqual([-y + 5, x - 2, z + 1].map((v) => expect.closeTo(v, 9)));
    }
  });
});
