import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaStructure } from '../plugins/engines/go-model/ca-structure.js';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { readFrames } from '../plugins/trajectory/read-frames.js';
import { selectAtoms } from '../plugins/trajectory/selection.js';
import { repoRoot } from './helpers/cli.js';
import { structure } from './helpers/structures.js';
import { tempDir } from './helpers/temp-dir.js';

const goMd = join(repoRoot, 'bin/we-go-md');
const pathWithBin = `${join(repoRoot, 'bin')}${delimiter}${process.env.PATH}`;
const example = join(repoRoot, 'examples/go-chignolin');
const NATIVE = join(example, 'native.pdb');
const bstates = join(repoRoot, 'bstates/chignolin');

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  return execa(goMd, args, { cwd, env, reject: false });
}

describe('go-md command line (built: npm run build)', () => {
  it('writes F frames (+ the start with --include-start), a restart and a final PDB', async () => {
    const dir = tempDir('go-cli');
    const result = await run(
      ['--native', NATIVE, '--start', join(bstates, '0/bstate.pdb'), '--restart-out', 'seg.rst', '--dcd', 'seg.dcd',
        '--pdb-out', 'final.pdb', '--steps', '400', '--frames', '4', '--include-start', '--seed', '4294967295'],
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const log = result.stdout.trim().split('\n');
    expect(log[0]).toMatch(/^# step time_ps/);
    expect(log.slice(1).map((line) => Number(line.split(' ')[0]))).toEqual([0, 100, 200, 300, 400]);
    const frames = await readFrames(join(dir, 'seg.dcd'));
    expect([frames.nFrames, frames.nAtoms]).toEqual([5, 10]);
    const start = await readCaStructure(join(bstates, '0/bstate.pdb'));
    expect(frames.xyz.subarray(0, 30)).toEqual(Float32Array.from(start.positions));
    const final = await readCaStructure(join(dir, 'final.pdb'));
    for (let k = 0; k < 30; k++) expect(Math.abs(final.positions[k] - frames.xyz[4 * 30 + k])).toBeLessThan(6e-4);
    const restart = JSON.parse(await readFile(join(dir, 'seg.rst'), 'utf8'));
    expect([restart.step, restart.seed]).toEqual([400, 4294967295]);
  });

  it('writes backbone atoms rebuilt around the C-alphas with --atoms backbone (DCD and PDB)', async () => {
    const dir = tempDir('go-cli');
    const result = await run(
      ['--native', NATIVE, '--start', join(bstates, '0/bstate.pdb'), '--restart-out', 'seg.rst', '--dcd', 'seg.dcd',
        '--pdb-out', 'final.pdb', '--atoms', 'backbone', '--steps', '100', '--frames', '2', '--seed', '8', '--quiet'],
      dir,
    );
    expect(result.exitCode).toBe(0);
    const frames = await readFrames(join(dir, 'seg.dcd'));
    expect([frames.nFrames, frames.nAtoms]).toEqual([2, 40]);
    const { topology, frames: pdbFrames } = await readPdb(join(dir, 'final.pdb'));
    expect(topology.names.slice(0, 4)).toEqual(['N', 'CA', 'C', 'O']);
    expect(selectAtoms(topology, 'backbone').length).toBe(40);
    for (let k = 0; k < 120; k++) expect(Math.abs(pdbFrames.xyz[k] - frames.xyz[120 + k])).toBeLessThan(6e-4);
    // The simulated beads are the CAs: the restart's positions are the CA rows of the last frame.
    const restart = JSON.parse(await readFile(join(dir, 'seg.rst'), 'utf8'));
    for (let r = 0; r < 10; r++) {
      for (let d = 0; d < 3; d++) expect(frames.xyz[120 + 3 * (4 * r + 1) + d]).toBeCloseTo(restart.positions[3 * r + d], 4);
    }
    // The start may be a backbone PDB: the engine reads its C-alphas.
    const again = await run(['--native', NATIVE, '--start', join(dir, 'final.pdb'), '--restart-out', 'b.rst', '--steps', '10', '--frames', '1', '--seed', '1', '--quiet'], dir);
    expect(again.exitCode).toBe(0);
  });

  it('continues from a restart exactly: 2N steps equal N + restart + N', async () => {
    const dir = tempDir('go-cli');
    const common = ['--native', NATIVE, '--quiet'];
    const begin = ['--start', join(bstates, '2/bstate.pdb'), '--seed', '31'];
    const whole = await run([...common, ...begin, '--steps', '600', '--frames', '2', '--restart-out', 'whole.rst', '--dcd', 'whole.dcd'], dir);
    const first = await run([...common, ...begin, '--steps', '300', '--frames', '1', '--restart-out', 'half.rst', '--dcd', 'half.dcd'], dir);
    const second = await run([...common, '--restart-in', 'half.rst', '--steps', '300', '--frames', '1', '--restart-out', 'rest.rst', '--dcd', 'rest.dcd'], dir);
    expect([whole.exitCode, first.exitCode, second.exitCode]).toEqual([0, 0, 0]);
    expect(await readFile(join(dir, 'rest.rst'), 'utf8')).toBe(await readFile(join(dir, 'whole.rst'), 'utf8'));
    const wholeFrames = await readFrames(join(dir, 'whole.dcd'));
    expect((await readFrames(join(dir, 'half.dcd'))).xyz).toEqual(wholeFrames.xyz.subarray(0, 30));
    expect((await readFrames(join(dir, 'rest.dcd'))).xyz).toEqual(wholeFrames.xyz.subarray(30, 60));
    // A new seed on continuation (as each WE child gets) changes the noise from there on.
    const reseeded = await run([...common, '--restart-in', 'half.rst', '--seed', '32', '--steps', '300', '--frames', '1', '--restart-out', 'other.rst'], dir);
    expect(reseeded.exitCode).toBe(0);
    expect(await readFile(join(dir, 'other.rst'), 'utf8')).not.toBe(await readFile(join(dir, 'whole.rst'), 'utf8'));
  });

  it('rejects bad arguments with one line naming the option, exit code 2', async () => {
    const dir = tempDir('go-cli');
    const base = ['--native', NATIVE, '--restart-out', 'x.rst'];
    const cases: [string[], RegExp][] = [
      [[...base, '--start', NATIVE, '--steps', '10', '--frames', '2'], /--seed is missing, expected a non-negative integer/],
      [[...base, '--start', NATIVE, '--seed', '1', '--steps', '10', '--frames', '3'], /--steps 10 is not a multiple of --frames 3/],
      [[...base, '--start', NATIVE, '--seed', '1', '--steps', 'ten', '--frames', '2'], /--steps is "ten", expected a positive integer/],
      [[...base, '--steps', '10', '--frames', '2'], /expected exactly one of --start and --restart-in, got neither/],
      [[...base, '--restart-in', 'missing.rst', '--steps', '10', '--frames', '2'], /missing\.rst: cannot read restart/],
      [[...base, '--start', join(repoRoot, 'no-such.pdb'), '--seed', '1', '--steps', '10', '--frames', '2'], /no-such\.pdb: cannot read the file \(ENOENT\)/],
      [[...base, '--start', structure('2JOF-0-c-alpha.pdb'), '--seed', '1', '--steps', '10', '--frames', '2'], /2JOF-0-c-alpha\.pdb: holds 20 CA atoms, expected 10/],
      [[...base, '--bogus'], /Unknown option '--bogus'/],
      [[...base, '--start', NATIVE, '--seed', '1', '--steps', '10', '--frames', '2', '--atoms', 'heavy'], /--atoms is "heavy", expected ca or backbone/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'x.rst'))).toBe(false);
  });

  it("runs as the example's runseg.sh under WESTPA's environment: new trajectory, then continuation", async () => {
    const dir = tempDir('go-runseg');
    const parent = join(dir, 'traj_segs/000001/000000');
    const child = join(dir, 'traj_segs/000002/000000');
    await mkdir(parent, { recursive: true });
    await mkdir(child, { recursive: true });
    const runseg = (env: Record<string, string>) =>
      execa(join(example, 'runseg.sh'), [], { env: { WEST_SIM_ROOT: example, PATH: pathWithBin, ...env }, reject: false });
    const first = await runseg({
      WEST_CURRENT_SEG_DATA_REF: parent,
      WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_NEWTRAJ',
      WEST_BSTATE_DATA_REF: join(bstates, '1'),
      WEST_PARENT_DATA_REF: join(bstates, '1'),
      WEST_RAND32: '123456789',
    });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const second = await runseg({
      WEST_CURRENT_SEG_DATA_REF: child,
      WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_CONTINUES',
      WEST_PARENT_DATA_REF: parent,
      WEST_RAND32: '987654321',
    });
    expect(second.exitCode).toBe(0);
    for (const segment of [parent, child]) {
      const frames = await readFrames(join(segment, 'seg.dcd'));
      expect([frames.nFrames, frames.nAtoms]).toEqual([10, 10]); // C-alphas, the chignolin model's selection
    }
    const restart = JSON.parse(await readFile(join(child, 'seg.rst'), 'utf8'));
    expect([restart.step, restart.timePs.toFixed(6), restart.seed]).toEqual([4000, '20.000000', 987654321]);
  });
});
