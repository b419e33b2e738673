import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefTemplate } from '../plugins/propagators/executable/data-ref.js';
import { parseExecutableOptions } from '../plugins/propagators/executable/options.js';
import { checkPcoord } from '../plugins/propagators/executable/pcoord-shape.js';
import { readTextMatrix } from '../plugins/propagators/executable/text-matrix.js';
import { tempDir } from './helpers/temp-dir.js';

const YAML = '/sim/we.yaml';

describe('executable propagator options', () => {
  it('fills the WESTPA-like defaults', () => {
    expect(parseExecutableOptions({ runseg: 'runseg.sh' }, YAML)).toEqual({
      runseg: 'runseg.sh',
      segment_ref: 'traj_segs/{iter:06d}/{seg:06d}',
      istate_ref: 'istates/{istate}',
      env: {},
      datasets: [],
      pcoord_from: 'script',
      bstate_structure: 'bstate.pdb',
      logs: 'seg_logs',
      launcher: 'python3',
    });
  });

  it.each([
    [{ runseg: 'r.sh', runsge: 1 }, "/sim/we.yaml: propagator.options: unknown key 'runsge'; did you mean 'runseg'?"],
    [{}, "/sim/we.yaml: propagator.options: missing required field 'runseg'"],
    [{ runseg: 'r.sh', timeout: -5 }, 'propagator.options.timeout: expected a value > 0, found -5'],
    [{ runseg: 'r.sh', env: { A: [1] } }, 'propagator.options.env.A: expected a string, a number or true/false, found a list of 1'],
    [{ runseg: 'r.sh', datasets: ['pcoord'] }, 'propagator.options.datasets[0]: pcoord is always returned'],
    [{ runseg: 'r.sh', datasets: ['c-o-m'] }, 'propagator.options.datasets[0]: expected a name of letters'],
    [{ runseg: 'r.sh', pcoord_from: 'model' }, "propagator.options.pcoord_from: expected one of 'script', 'trajectory', found string 'model'"],
    [{ runseg: 'r.sh', pcoord_from: 'trajectory' }, 'propagator.options.trajectory: expected the trajectory file name'],
    [{ runseg: 'r.sh', segment_ref: 'segs/{seg}', staging: {} }, 'propagator.options.segment_ref: staging lays segments out as'],
  ])('rejects %j naming the field', (raw, expected) => {
    expect(() => parseExecutableOptions(raw, YAML)).toThrow(expected);
  });
});

describe('data-ref templates', () => {
  const compile = (t: string) => RefTemplate.compile(t, ['iter', 'seg'], '/sim', YAML, 'propagator.options.segment_ref');

  it('formats fields as Python does and resolves against the simulation root', () => {
    expect(compile('traj_segs/{iter:06d}/{seg:06d}').render({ iter: 12, seg: 3 })).toBe('/sim/traj_segs/000012/000003');
    expect(compile('t/{seg:4d}|{seg}|{seg:03d}').render({ seg: -1 })).toBe('/sim/t/  -1|-1|-01');
    expect(compile('$WEST_SIM_ROOT/../x/{segment.n_iter}').render({ iter: 2 })).toBe('/x/2');
    expect(compile('/abs/$WE_SURELY_UNSET_VAR/{n_iter}').render({ iter: 2 })).toBe('/abs/$WE_SURELY_UNSET_VAR/2');
  });

  it.each([
    ['traj/{segid}', "unknown field {segid} in 'traj/{segid}'; expected one of {iter}, {seg}"],
    ['traj/{auxref}', 'unknown field {auxref}'],
    ['traj/{seg:06x}', "unbalanced or unsupported braces in 'traj/{seg:06x}'; use {name} or {name:06d}"],
    ['traj/{seg', 'unbalanced or unsupported braces'],
  ])('rejects %s', (template, expected) => {
    expect(() => compile(template)).toThrow(`/sim/we.yaml: propagator.options.segment_ref: ${expected}`);
  });
});

describe('returned pcoord text', () => {
  async function parse(text: string, rows: number, ndim: number): Promise<number[]> {
    const path = join(tempDir('matrix'), 'pcoord');
    await writeFile(path, text);
    const m = await readTextMatrix(path, 'RET', 'seg 1');
    return Array.from(checkPcoord(m, rows, ndim, 'RET', 'seg 1'));
  }

  it('reads what numpy.loadtxt reads: comments, blank lines, exponents, tabs', async () => {
    expect(await parse('# header\n 1.5\t-2e-1 # note\n\n+3 .25\n', 2, 2)).toEqual([1.5, -0.2, 3, 0.25]);
  });

  it('accepts a single line or column of rows × ndim values, as WESTPA reshapes them', async () => {
    expect(await parse('1 2 3 4\n', 2, 2)).toEqual([1, 2, 3, 4]);
    expect(await parse('1\n2\n3\n4\n', 2, 2)).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ['1 2\n3\n', 'RET:2: seg 1: expected 2 columns (as on line 1), found 1'],
    ['1 2\n3 0x4\n', "RET:2: seg 1: column 2: expected a number, found '0x4'"],
    ['1 2\n3 4\n5 6\n', 'RET: seg 1: progress coordinate has the wrong shape: expected 2 × 2 (rows × pcoord ndim), got 3 × 2'],
    ['', 'expected 2 × 2 (rows × pcoord ndim), got an empty file'],
    ['1 2\n3 -inf\n', 'RET:2: seg 1: expected a finite progress coordinate, found -Infinity'],
  ])('rejects %j', async (text, expected) => {
    await expect(parse(text, 2, 2)).rejects.toThrow(expected);
  });
});
