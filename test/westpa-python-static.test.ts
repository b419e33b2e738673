import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arange, linspace } from '../cli/westpa/numpy-ranges.js';
import { PythonModule } from '../cli/westpa/python-module.js';
import { NdArray, PyObject, StaticEvalError, type PyValue } from '../cli/westpa/python-values.js';
import { readSystemDriver } from '../cli/westpa/system-driver.js';
import { readInitScript } from '../cli/westpa/w-init-script.js';
import { systemPython } from './helpers/h5py.js';
import { tempDir } from './helpers/temp-dir.js';

const ARANGES: [number, number, number][] = [
  [0.0, 10.12, 0.1],
  [1.4, 10.1, 0.1],
  [-3, 3, 0.5],
  [0.5, 0.1, -0.05],
  [0, 1, 0.3],
  [2.6, 12.0, 0.2],
  [0, 5, 1],
];
const LINSPACES: [number, number, number, boolean][] = [
  [0, 1, 7, true],
  [-2.5, 2.5, 11, false],
  [1e-300, 2e-300, 5, true],
  [3, 3, 1, true],
];

describe('numpy ranges', () => {
  it('are bit for bit what numpy gives', async () => {
    const script = `
import json, sys, numpy as np
cases = json.loads(sys.argv[1])
print(json.dumps({
  'arange': [np.arange(*c).astype(float).tolist() for c in cases['arange']],
  'linspace': [np.linspace(a, b, n, endpoint=e).tolist() for a, b, n, e in cases['linspace']],
}))`;
    const result = await execa(systemPython, ['-c', script, JSON.stringify({ arange: ARANGES, linspace: LINSPACES })]);
    const numpy = JSON.parse(result.stdout) as { arange: number[][]; linspace: number[][] };
    expect(ARANGES.map(([a, b, c]) => arange(a, b, c))).toEqual(numpy.arange);
    expect(LINSPACES.map(([a, b, n, e]) => linspace(a, b, n, e))).toEqual(numpy.linspace);
    // Not start + i * step: numpy's 0.1 * 3 steps are not 0.3.
    expect(numpy.arange[0][3]).toBe(0.30000000000000004);
  });
});

/** self.<name> after `className.method()` of `source`. */
function selfValue(source: string, name: string, className = 'S', method = 'initialize'): PyValue {
  return PythonModule.parse(source, { RectilinearBinMapper: (args) => new PyObject('RectilinearBinMapper', { boundaries: args.positional[0] }) })
    .selfAttributes(className, method)
    .get(name);
}

describe('reading a system.py without running it', () => {
  it('evaluates literals, module constants, import aliases, locals and numpy calls', () => {
    const source = `
import numpy
import numpy as np
from numpy import inf as INF, linspace
import math
from westpa.core.binning import RectilinearBinMapper

LEN = 11
edges = [0.0, 1.5]

class S(WESTSystem):
    def initialize(self):
        self.pcoord_len = LEN - 1
        self.pcoord_dtype = numpy.float64
        inner = list(np.arange(2.0, 3.0, 0.5))
        self.bin_mapper = RectilinearBinMapper([edges + inner + [float('inf')], [-math.inf] + list(linspace(0, 1, 3)) + [INF]])
        self.bin_target_counts = np.empty((7,), np.int_)
        self.bin_target_counts[...] = 4
        self.bin_target_counts[-1] = 0
        self.counts = [2] * 3
        self.x = -2 ** 2 + 7 // 2 + 7 % 4 + 0x10
`;
    expect(selfValue(source, 'pcoord_len')).toBe(10);
    expect(selfValue(source, 'pcoord_dtype')).toMatchObject({ name: 'numpy.float64' });
    expect((selfValue(source, 'bin_mapper') as PyObject).attrs.boundaries).toEqual([
      [0, 1.5, 2, 2.5, Infinity],
      [-Infinity, 0, 0.5, 1, Infinity],
    ]);
    expect((selfValue(source, 'bin_target_counts') as NdArray).values).toEqual([4, 4, 4, 4, 4, 4, 0]);
    expect(selfValue(source, 'counts')).toEqual([2, 2, 2]);
    expect(selfValue(source, 'x')).toBe(-4 + 3 + 3 + 16);
  });

  it('follows super().__init__() into a base class of the module, and later assignments win', () => {
    const source = `
class Base:
    def __init__(self, rc=None):
        self.A = 2
        self.B = 10
class Seeded(Base):
    def __init__(self, rc=None):
        super().__init__(rc)
        self.B = 12
`;
    expect(selfValue(source, 'A', 'Seeded', '__init__')).toBe(2);
    expect(selfValue(source, 'B', 'Seeded', '__init__')).toBe(12);
  });

  it('refuses, naming the line, what only running the code would tell', () => {
    const source = `
import numpy as np
from westpa_wexplore import wexplore

class S:
    def initialize(self):
        self.pcoord_len = 5
        if self.pcoord_len > 3:
            self.pcoord_ndim = 2
        self.bin_mapper = wexplore.WExploreBinMapper(n_regions=[10, 10])
        self.bin_target_counts = np.loadtxt('counts.txt')
        self.edges = [0.0, 1.0]
        self.edges.append(2.0)
`;
    const attrs = PythonModule.parse(source).selfAttributes('S', 'initialize');
    const problem = (name: string) => {
      try {
        attrs.get(name);
      } catch (err) {
        expect(err).toBeInstanceOf(StaticEvalError);
        return `${(err as StaticEvalError).line}: ${(err as Error).message}`;
      }
      return 'no error';
    };
    expect(problem('pcoord_ndim')).toBe('8: set inside the `if` block on line 8; a static reading cannot tell what runs');
    expect(problem('bin_mapper')).toBe('10: westpa_wexplore.wexplore.WExploreBinMapper() is not a function a static reading can evaluate');
    expect(problem('bin_target_counts')).toBe('11: numpy.loadtxt() is not a function a static reading can evaluate');
    expect(problem('edges')).toBe('13: self.edges.append(…) on line 13 may change it; a static reading cannot follow that');
    expect(attrs.get('pcoord_len')).toBe(5);
  });

  it('never runs the code it reads', () => {
    const dir = tempDir('python-static');
    const sentinel = join(dir, 'ran');
    const source = `
import os
open(${JSON.stringify(sentinel)}, 'w').write('module level')
os.system('touch ${sentinel}')

class S:
    def initialize(self):
        self.pcoord_len = len(open(${JSON.stringify(sentinel)}, 'w').write('initialize'))
        self.pcoord_ndim = 1
`;
    writeFileSync(join(dir, 'system.py'), source);
    const reading = readSystemDriver(source, 'S');
    expect(reading.pcoord_ndim).toEqual({ value: 1, line: 9 });
    expect(reading.pcoord_len).toMatchObject({ problem: expect.stringContaining('open') });
    expect(existsSync(sentinel)).toBe(false);
  });

  it("evaluates west.cfg's string boundaries as WESTPA's parsePCV does", () => {
    expect(PythonModule.evaluateExpression("[0, 2.5, inf]")).toEqual([0, 2.5, Infinity]);
    expect((PythonModule.evaluateExpression('numpy.arange(0, 1, 0.25)') as NdArray).values).toEqual([0, 0.25, 0.5, 0.75]);
  });
});

describe("reading init.sh's w_init without running it", () => {
  it('expands the variables it and the files it sources set, splitting unquoted ones into words', () => {
    const dir = tempDir('init-script');
    writeFileSync(join(dir, 'env.sh'), 'export WEST_SIM_ROOT="$PWD"\nexport STATES=${WEST_SIM_ROOT}/states\n');
    writeFileSync(
      join(dir, 'init.sh'),
      [
        '#!/bin/bash',
        'source env.sh',
        'BSTATE_ARGS="--bstates-from $STATES/BASIS STATES.txt"  # a comment',
        "TSTATE='--tstate=bound,0.5'",
        '$WEST_ROOT/bin/w_init $BSTATE_ARGS --bstate "extra,0.1,my dir" \\',
        '  $TSTATE --segs-per-state=3 --sstates-from x --work-manager=threads "$@" > init.log',
        'w_init --bstates-from ignored.txt',
      ].join('\n'),
    );
    const read = readInitScript(join(dir, 'init.sh'), dir);
    expect(read.sourced).toEqual([{ value: 'env.sh', line: 2 }]);
    expect(read.wInit).toEqual({
      // Unquoted, $BSTATE_ARGS splits into words as bash splits it: the space in the path splits it too.
      bstatesFrom: { value: join(dir, 'states/BASIS'), line: 5 },
      bstates: [{ value: 'extra,0.1,my dir', line: 5 }],
      tstates: [{ value: 'bound,0.5', line: 5 }],
      segsPerState: { value: '3', line: 5 },
      notCarried: [{ value: '--sstates-from', line: 5 }],
    });
  });
});
