import { execa } from 'execa';
import { constants } from 'node:fs';
import { access, chmod, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBinMapper } from '../core/binning/create.js';
import { loadConfig } from '../core/config/load.js';
import type { PropagatorContext } from '../core/plugins.js';
import { propagatorContext } from '../core/work/propagator-host.js';
import { createOnnxProgressCoordinate } from '../plugins/pcoord-onnx/index.js';
import { createExecutablePropagator } from '../plugins/propagators/executable/index.js';
import { parseExecutableOptions } from '../plugins/propagators/executable/options.js';
import { repoRoot } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const example = join(repoRoot, 'examples/amber-spike');
const weYaml = join(example, 'we.yaml');

/** `key = value` pairs of an AMBER &cntrl namelist, comments (`!`) removed. */
function namelist(text: string): Map<string, string> {
  const body = text.slice(text.indexOf('&cntrl') + '&cntrl'.length, text.lastIndexOf('/'));
  const pairs = body.split('\n').map((line) => line.split('!')[0]).join(',').split(',');
  return new Map(pairs.filter((p) => p.includes('=')).map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
}

describe('the AMBER spike example (configuration only: no AMBER here)', () => {
  it('loads: pcoord 11 × 2, 13 × 13 bins on the Summit edges, 8 walkers per bin', async () => {
    const config = await loadConfig(weYaml);
    expect(config.pcoord).toEqual({ ndim: 2, len: 11, dtype: 'float32' });
    const edges = [-Infinity, ...Array.from({ length: 12 }, (_, i) => -3 + 0.5 * i), Infinity];
    expect(config.binning.mapper).toEqual({ type: 'rectilinear', boundaries: [edges, edges] });
    expect(config.binning.targetCounts).toBe(8);
    const mapper = await createBinMapper(config.binning.mapper, config.pcoord.ndim);
    expect(mapper.nbins).toBe(169);
  });

  it('has 50 basis states of equal, normalised weight, each with its auxref folder', async () => {
    const { basisStates } = await loadConfig(weYaml);
    expect(basisStates.map((s) => s.auxref)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    for (const s of basisStates) expect(s.probability).toBeCloseTo(0.02, 15);
    expect(basisStates.reduce((sum, s) => sum + s.probability, 0)).toBeCloseTo(1, 12);
    for (const s of basisStates) expect((await stat(join(example, 'bstates', s.auxref))).isDirectory()).toBe(true);
  });

  it('has one target state with a 2-dimensional point', async () => {
    const { targetStates } = await loadConfig(weYaml);
    expect(targetStates).toHaveLength(1);
    expect(targetStates[0].pcoord).toHaveLength(2);
  });

  it('creates its executable propagator, and its model package loads with 2 pcoord dimensions', async () => {
    const config = await loadConfig(weYaml);
    const options = parseExecutableOptions(config.propagator.options, config.file);
    expect(options).toMatchObject({ runseg: 'runseg.sh', pcoord_from: 'trajectory', trajectory: 'seg.nc', bstate_structure: 'bstate.pdb' });
    expect(options.staging?.keep).toEqual(['seg.rst']);
    const ctx: PropagatorContext = {
      ...propagatorContext(config),
      progressCoordinate: () =>
        createOnnxProgressCoordinate({ configFile: config.file, simRoot: config.simRoot, ndim: config.pcoord.ndim }, config.progressCoordinate?.options ?? {}),
    };
    // Segment logs go to a temporary folder rather than into the repository's example.
    const logs = tempDir('amber-logs');
    await expect(createExecutablePropagator(ctx, { ...config.propagator.options, logs })).resolves.toBeDefined();
    const model = await ctx.progressCoordinate!();
    expect(model.ndim).toBe(2);
    await model.close?.();
  });

  it('md.in runs 100 ps of 2 fs steps at 300 K and writes pcoord.len - 1 = 10 frames', async () => {
    const md = namelist(await readFile(join(example, 'md.in'), 'utf8'));
    expect(Number(md.get('nstlim')) * Number(md.get('dt'))).toBeCloseTo(100, 9);
    expect(Number(md.get('dt'))).toBe(0.002);
    expect(Number(md.get('temp0'))).toBe(300);
    expect(md.get('ntt')).toBe('3');
    expect(Number(md.get('nstlim')) / Number(md.get('ntwx'))).toBe(10);
    expect(md.get('ig')).toBe('RAND');
  });

  it('runseg.sh and make-tstate.sh are executable and pass bash -n', async () => {
    for (const script of ['runseg.sh', 'make-tstate.sh']) {
      await expect(access(join(example, script), constants.X_OK)).resolves.toBeUndefined();
      const check = await execa('bash', ['-n', join(example, script)], { reject: false });
      expect(check.exitCode, check.stderr).toBe(0);
    }
  });

  describe('runseg.sh up to the engine (a stand-in records how pmemd.cuda is called)', () => {
    async function runSegment(env: Record<string, string>) {
      const dir = tempDir('amber-seg');
      const pmemd = join(dir, 'pmemd-stand-in.sh');
      await writeFile(pmemd, '#!/bin/bash\nprintf "%s\\n" "$@" > pmemd-args\n');
      await chmod(pmemd, 0o755);
      const result = await execa(join(example, 'runseg.sh'), [], {
        env: { WEST_SIM_ROOT: example, WEST_CURRENT_SEG_DATA_REF: dir, PMEMD: pmemd, ...env },
        reject: false,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      const md = namelist(await readFile(join(dir, 'md.in'), 'utf8'));
      return { dir, md, args: (await readFile(join(dir, 'pmemd-args'), 'utf8')).trim().split('\n') };
    }

    it("starts a new trajectory from the basis state's restart, with a nonzero seed for WEST_RAND32 = 0", async () => {
      const bstate = join(example, 'bstates/3');
      const { dir, md, args } = await runSegment({
        WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_NEWTRAJ',
        WEST_BSTATE_DATA_REF: bstate,
        WEST_PARENT_DATA_REF: bstate,
        WEST_RAND32: '0',
      });
      expect(args).toEqual(['-O', '-i', 'md.in', '-p', join(example, 'common_files/spike.prmtop'), '-c', 'parent.rst',
        '-r', 'seg.rst', '-x', 'seg.nc', '-o', 'seg.out', '-inf', 'seg.inf']);
      expect(await readlink(join(dir, 'parent.rst'))).toBe(join(bstate, 'bstate.ncrst'));
      expect(md.get('ig')).toBe('1');
    });

    it("continues from the parent's seg.rst, with the seed inside AMBER's distinct range", async () => {
      const { dir, md } = await runSegment({
        WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_CONTINUES',
        WEST_PARENT_DATA_REF: '/shared/traj_segs/000001/000004',
        WEST_RAND32: '4294967295',
      });
      expect(await readlink(join(dir, 'parent.rst'))).toBe('/shared/traj_segs/000001/000004/seg.rst');
      expect(md.get('ig')).toBe(String((4294967295 % 942377567) + 1));
    });
  });
});
