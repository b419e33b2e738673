import { describe, it, expect, beforeEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WeError } from '../core/errors.js';
import type { IterationRecord, RunDefinition, StoreContext } from '../core/plugins.js';
import { Endpoint, IstateStatus, IstateType } from '../core/types.js';
import type { BasisState, CompletedIteration, InitialState, PcoordShape, PreparedIteration } from '../core/types.js';
import { WestH5Store, createWestH5Store, openWestH5ForRead } from '../plugins/stores/westh5/index.js';
import { tempDir } from './helpers/temp-dir.js';

/** Debian's python3 has h5py; the pyenv python3 on PATH does not. */
const PYTHON = '/usr/bin/python3';

/** Dumps every object reachable by name (hard links included) with dtypes, shapes, values and attributes. */
const DUMP_PY = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
seen = []  # (object, first path): hard links are reported as links to the first path
def canonical(o):
    return next((p for (x, p) in seen if x == o), None)
def conv(v):
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, h5py.Reference): return canonical(f[v]) if v else None
    if isinstance(v, np.ndarray): return [conv(x) for x in v.tolist()] if v.dtype.kind in 'OV' else conv(v.tolist())
    if isinstance(v, (list, tuple)): return [conv(x) for x in v]
    if isinstance(v, np.generic): return v.item()
    return v
def attrs(o): return {k: [conv(v), str(np.asarray(v).dtype)] for k, v in sorted(o.attrs.items())}
out = {}
def walk(g, path):
    seen.append((g, path))
    # state sets first, so that iteration groups show their links to them
    keys = sorted(g.keys(), key=lambda k: (k == 'iterations', k))
    out[path] = {'kind': 'group', 'attrs': attrs(g), 'keys': keys}
    for k in keys:
        o = g[k]; sub = path.rstrip('/') + '/' + k
        if isinstance(o, h5py.Group):
            first = canonical(o)
            if first is None: walk(o, sub)
            else: out[sub] = {'kind': 'link', 'target': first}
        else:
            out[sub] = {'kind': 'dataset', 'dtype': [[n, o.dtype.fields[n][0].str] for n in o.dtype.names] if o.dtype.names else o.dtype.str,
                        'shape': list(o.shape), 'attrs': attrs(o)}
            seen.append((o, sub))
walk(f, '/')
for p, o in list(out.items()):
    if o['kind'] == 'dataset': o['value'] = conv(f[p][...])
print(json.dumps(out))
`;

type Dump = Record<string, { kind: string; dtype?: unknown; shape?: number[]; value?: any; attrs?: Record<string, [any, string]>; keys?: string[]; target?: string }>;

function h5dump(path: string): Dump {
  return JSON.parse(execFileSync(PYTHON, ['-c', DUMP_PY, path], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8' }).trim();
}

const ITER = (n: number) => `/iterations/iter_${String(n).padStart(8, '0')}`;

/** Each iteration's new_weights (null where absent), checked against WESTPA's nw_index_dtype and the pcoord dtype. */
const NEW_WEIGHTS_PY = `
import h5py, json, sys, numpy as np
f = h5py.File(sys.argv[1], 'r')
nw_index_dtype = np.dtype([('source_type', np.uint8), ('weight', np.float64), ('prev_seg_id', np.int64),
                           ('target_state_id', np.int64), ('initial_state_id', np.int64)])
pcoord_dtype = np.dtype(sys.argv[2])
out = {}
for name, g in f['iterations'].items():
    if 'new_weights' not in g:
        out[name] = None
        continue
    nw = g['new_weights']
    entry = {'keys': sorted(nw.keys()), 'index_dtype': nw['index'].dtype == nw_index_dtype, 'index': nw['index'][...].tolist()}
    for k in ('prev_init_pcoord', 'prev_final_pcoord', 'new_init_pcoord'):
        entry[k] = {'dtype': nw[k].dtype == pcoord_dtype, 'shape': list(nw[k].shape), 'value': nw[k][...].tolist()}
    out[name] = entry
print(json.dumps(out))
`;

// ---------- hand-built run: 5 walkers, 2 basis states, 1 target state ----------

/** As WESTPA: states made at init are created and used by iteration 1; recycling at the end of N creates for N + 1. */
function istate(id: number, iterUsed: number, basisStateId: number, value: number, ndim: number): InitialState {
  return {
    id,
    iterCreated: Math.max(1, iterUsed - 1),
    iterUsed,
    basisStateId,
    type: IstateType.basis,
    status: IstateStatus.prepared,
    pcoord: new Float64Array(ndim).fill(value),
  };
}

function prepared(
  iteration: number,
  weight: number[],
  parentId: number[],
  wtg: number[][],
  initialPoints: number[],
  newIstates: InitialState[],
): PreparedIteration {
  const wtgOffset = new Uint32Array(weight.length + 1);
  wtg.forEach((parents, i) => (wtgOffset[i + 1] = wtgOffset[i] + parents.length));
  return {
    iteration,
    n: weight.length,
    weight: Float64Array.from(weight),
    parentId: Int32Array.from(parentId),
    wtgOffset,
    wtgParents: Int32Array.from(wtg.flat()),
    initialPoints: Float64Array.from(initialPoints),
    binTargetCounts: Uint32Array.from([5, 5, 0]),
    newIstates,
  };
}

function round(shape: PcoordShape, x: number): number {
  return shape.dtype === 'float32' ? Math.fround(x) : x;
}

/** A segment that ended in target state 0 and restarts from a basis state, through an initial state or (-1) not. */
interface Recycled {
  seg: number;
  basisState: number;
  istate: number;
}

/** Segment i moves by step × (t) × (i + 1) × (d + 1) from its row 0. */
function completed(
  p: PreparedIteration,
  shape: PcoordShape,
  step: number,
  endpointType: number[],
  withAux: boolean,
  recycled: Recycled[] = [],
): CompletedIteration {
  const { len, ndim } = shape;
  const recycling = { target: new Int32Array(p.n).fill(-1), basisState: new Int32Array(p.n).fill(-1), istate: new Int32Array(p.n).fill(-1) };
  for (const r of recycled) {
    recycling.target[r.seg] = 0;
    recycling.basisState[r.seg] = r.basisState;
    recycling.istate[r.seg] = r.istate;
  }
  const pcoord = shape.dtype === 'float32' ? new Float32Array(p.n * len * ndim) : new Float64Array(p.n * len * ndim);
  for (let i = 0; i < p.n; i++)
    for (let t = 0; t < len; t++)
      for (let d = 0; d < ndim; d++) pcoord[(i * len + t) * ndim + d] = p.initialPoints[i * ndim + d] + step * t * (i + 1) * (d + 1);
  return {
    iteration: p.iteration,
    pcoord,
    cputime: Float64Array.from({ length: p.n }, (_, i) => 1 + i),
    walltime: Float64Array.from({ length: p.n }, (_, i) => 2 + i),
    endpointType: Uint8Array.from(endpointType),
    targetFlux: Float64Array.of(recycled.reduce((sum, r) => sum + p.weight[r.seg], 0)),
    recycling,
    minBinProb: 0.2,
    maxBinProb: 0.6,
    walltimeTotal: 12.5,
    cputimeTotal: p.n * 3,
    auxdata: withAux ? { energy: { data: Float64Array.from({ length: p.n * len }, (_, k) => k / 2), shape: [p.n, len] } } : undefined,
  };
}

function firstPoint(c: CompletedIteration, shape: PcoordShape, i: number): number[] {
  const start = i * shape.len * shape.ndim;
  return Array.from(c.pcoord.subarray(start, start + shape.ndim));
}

function finalPoint(c: CompletedIteration, shape: PcoordShape, i: number): number[] {
  const start = (i * shape.len + shape.len - 1) * shape.ndim;
  return Array.from(c.pcoord.subarray(start, start + shape.ndim));
}

function scenario(shape: PcoordShape) {
  const nd = shape.ndim;
  const basisStates: BasisState[] = [
    { label: 'left', probability: 0.6, auxref: '0', pcoord: new Array(nd).fill(1.5) },
    // no inline pcoord: the store takes it from this basis state's initial state
    { label: 'right', probability: 0.4, auxref: '1' },
  ];
  const run: RunDefinition = {
    pcoord: shape,
    basisStates,
    targetStates: [{ label: 'bound', pcoord: new Array(nd).fill(0.5) }],
    binhash: 'a'.repeat(64),
    nbins: 3,
  };
  const istates1 = [0, 1, 2].map((i) => istate(i, 1, 0, 1.5, nd)).concat([3, 4].map((i) => istate(i, 1, 1, 8, nd)));
  const pts = (values: number[][]) => values.flat().map((x) => round(shape, x));
  const first = prepared(1, [0.2, 0.2, 0.2, 0.2, 0.2], [-1, -2, -3, -4, -5], [[-1], [-2], [-3], [-4], [-5]],
    pts(istates1.map((s) => Array.from(s.pcoord))), istates1);

  // segment 4 restarts from basis state 0 through initial state 5; segment 2 from basis state 1, merged away at once
  const c1 = completed(first, shape, 0.25, [Endpoint.merged, Endpoint.continues, Endpoint.recycled, Endpoint.continues, Endpoint.recycled], true, [
    { seg: 2, basisState: 1, istate: -1 },
    { seg: 4, basisState: 0, istate: 5 },
  ]);
  const recycledIstate = istate(5, 2, 0, 1.5, nd);
  const next2 = prepared(2, [0.4, 0.2, 0.2, 0.2], [0, 1, 3, -6], [[0, 2], [1], [3], [4]],
    pts([finalPoint(c1, shape, 0), finalPoint(c1, shape, 1), finalPoint(c1, shape, 3), Array.from(recycledIstate.pcoord)]),
    [recycledIstate]);
  const record1: IterationRecord = { prepared: first, completed: c1, next: next2 };

  const c2 = completed(next2, shape, -0.125, [Endpoint.continues, Endpoint.continues, Endpoint.continues, Endpoint.continues], false);
  const next3 = prepared(3, [0.2, 0.2, 0.2, 0.2, 0.2], [0, 0, 1, 2, 3], [[0], [0], [1], [2], [3]],
    pts([0, 0, 1, 2, 3].map((i) => finalPoint(c2, shape, i))), []);
  const record2: IterationRecord = { prepared: next2, completed: c2, next: next3 };

  // iteration 3 recycles two walkers: initial states 6 and 7, created by iteration 3 and used by iteration 4
  const c3 = completed(next3, shape, 0.5, [Endpoint.continues, Endpoint.continues, Endpoint.continues, Endpoint.recycled, Endpoint.recycled], false, [
    { seg: 3, basisState: 0, istate: 6 },
    { seg: 4, basisState: 1, istate: 7 },
  ]);
  const istates4 = [istate(6, 4, 0, 1.5, nd), istate(7, 4, 1, 8, nd)];
  const next4 = prepared(4, [0.2, 0.2, 0.2, 0.2, 0.2], [0, 1, 2, -7, -8], [[0], [1], [2], [3], [4]],
    pts([finalPoint(c3, shape, 0), finalPoint(c3, shape, 1), finalPoint(c3, shape, 2), Array.from(istates4[0].pcoord), Array.from(istates4[1].pcoord)]),
    istates4);
  const record3: IterationRecord = { prepared: next3, completed: c3, next: next4 };
  return { run, first, record1, record2, record3 };
}

// ---------- tests ----------

let dir: string;
let path: string;
beforeEach(() => {
  dir = tempDir('westh5');
  path = join(dir, 'west.h5');
});

/** Binhashes the scenario's records are committed with, in order. */
const BINHASHES = ['b', 'c', 'd'].map((c) => c.repeat(64));

/** Initialises `store` with scenario `s` and commits its first `n` records. */
async function initializeAndCommit(store: WestH5Store, s: ReturnType<typeof scenario>, n: number): Promise<void> {
  await store.initialize(s.run, s.first, false);
  const records = [s.record1, s.record2, s.record3];
  for (let i = 0; i < n; i++) await store.commit(records[i], BINHASHES[i]);
}

async function rejection(p: Promise<unknown>): Promise<WeError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WeError);
  return error as WeError;
}

const SHAPES: PcoordShape[] = [
  { len: 3, ndim: 1, dtype: 'float32' },
  { len: 4, ndim: 2, dtype: 'float64' },
];

describe.each(SHAPES)('west.h5 with pcoord len $len ndim $ndim $dtype', (shape) => {
  async function runTwoIterations() {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 2);
    await store.close();
    return { s, store };
  }

  it('writes WESTPA format 9 that h5py reads: attributes, dtypes, values, links', async () => {
    const { s } = await runTwoIterations();
    const d = h5dump(path);
    const root = d['/'].attrs!;
    expect(root.west_file_format_version).toEqual([9, 'int64']);
    expect(root.west_iter_prec).toEqual([8, 'int64']);
    expect(root.west_current_iteration).toEqual([3, 'int64']);
    expect(root.west_version[0]).toMatch(/^we-/);

    expect(d['/summary'].dtype).toEqual([
      ['n_particles', '<i8'], ['norm', '<f8'], ['min_bin_prob', '<f8'], ['max_bin_prob', '<f8'],
      ['min_seg_prob', '<f8'], ['max_seg_prob', '<f8'], ['cputime', '<f8'], ['walltime', '<f8'], ['binhash', '|S64'],
    ]);
    const summary = d['/summary'].value;
    expect(summary).toHaveLength(3);
    expect(summary[0]).toEqual([5, 1, 0.2, 0.6, 0.2, 0.2, 15, 12.5, 'a'.repeat(64)]);
    expect(summary[1][0]).toBe(4);
    expect(summary[1][4]).toBeCloseTo(0.2, 15);
    expect(summary[1][5]).toBeCloseTo(0.4, 15);
    expect(summary[1][8]).toBe('b'.repeat(64));
    expect(summary[2]).toEqual([5, 1, 0, 0, 0, 0, 0, 0, 'c'.repeat(64)]);

    const seg = d[`${ITER(1)}/seg_index`];
    expect(seg.dtype).toEqual([
      ['weight', '<f8'], ['parent_id', '<i8'], ['wtg_n_parents', '<u8'], ['wtg_offset', '<u8'],
      ['cputime', '<f8'], ['walltime', '<f8'], ['endpoint_type', '|u1'], ['status', '|u1'],
    ]);
    expect(seg.value.map((r: number[]) => r[1])).toEqual([-1, -2, -3, -4, -5]);
    expect(seg.value.map((r: number[]) => r[6])).toEqual([2, 1, 3, 1, 3]);
    expect(seg.value.map((r: number[]) => r[7])).toEqual([2, 2, 2, 2, 2]);
    expect(seg.value[4].slice(4, 6)).toEqual([5, 6]);
    const seg2 = d[`${ITER(2)}/seg_index`].value;
    expect(seg2.map((r: number[]) => [r[0], r[1], r[2], r[3]])).toEqual([[0.4, 0, 2, 0], [0.2, 1, 1, 2], [0.2, 3, 1, 3], [0.2, -6, 1, 4]]);
    expect(d[`${ITER(2)}/wtgraph`]).toMatchObject({ dtype: '<i8', value: [0, 2, 1, 3, 4] });
    const seg3 = d[`${ITER(3)}/seg_index`].value;
    expect(seg3.map((r: number[]) => [r[4], r[5], r[6], r[7]])).toEqual(new Array(5).fill([0, 0, 0, 1]));

    const pcoordDtype = shape.dtype === 'float32' ? '<f4' : '<f8';
    for (const n of [1, 2, 3]) {
      const pc = d[`${ITER(n)}/pcoord`];
      expect(pc.dtype).toBe(pcoordDtype);
      expect(pc.shape).toEqual([n === 2 ? 4 : 5, shape.len, shape.ndim]);
    }
    expect(d[`${ITER(2)}/pcoord`].value.flat(2)).toEqual(Array.from(s.record2.completed.pcoord));
    const prepared3 = d[`${ITER(3)}/pcoord`].value as number[][][];
    expect(prepared3.map((seg) => seg[0])).toEqual(chunk(Array.from(s.record2.next.initialPoints), shape.ndim));
    expect(prepared3.flatMap((seg) => seg.slice(1)).flat().every((x) => x === 0)).toBe(true);

    expect(d[`${ITER(1)}/auxdata/energy`]).toMatchObject({ dtype: '<f8', shape: [5, shape.len] });
    expect(d[`${ITER(1)}/target_flux`].value).toEqual([0.4]);
    expect(d[`${ITER(2)}/target_flux`].value).toEqual([0]);
    expect(d[`${ITER(3)}`].keys).not.toContain('target_flux');
    expect(d[`${ITER(1)}/bin_target_counts`].value).toEqual([5, 5, 0]);
    expect(d[ITER(1)].attrs!.n_iter[0]).toBe(1);
    expect(d[ITER(1)].attrs!.binhash[0]).toBe('a'.repeat(64));
    expect(d[ITER(3)].attrs!.binhash[0]).toBe('c'.repeat(64));

    for (const n of [1, 2, 3]) {
      expect(d[`${ITER(n)}/ibstates`]).toEqual({ kind: 'link', target: '/ibstates/0' });
      expect(d[`${ITER(n)}/tstates`]).toEqual({ kind: 'link', target: '/tstates/0' });
    }
    expect(d['/ibstates/index'].dtype).toEqual([['iter_valid', '<u8'], ['n_bstates', '<u8'], ['group_ref', '|O']]);
    expect(d['/ibstates/index'].value).toEqual([[0, 2, '/ibstates/0']]);
    expect(d['/tstates/index'].value).toEqual([[0, 1, '/tstates/0']]);
    const bstates = d['/ibstates/0/bstate_index'];
    expect(bstates.dtype).toEqual([['label', '|S64'], ['probability', '<f8'], ['auxref', '|S64']]);
    expect(bstates.value).toEqual([['left', 0.6, '0'], ['right', 0.4, '1']]);
    expect(d['/ibstates/0/bstate_pcoord'].value).toEqual([new Array(shape.ndim).fill(1.5), new Array(shape.ndim).fill(8)]);
    const istates = d['/ibstates/0/istate_index'];
    expect(istates.dtype).toEqual([
      ['iter_created', '<u8'], ['iter_used', '<u8'], ['basis_state_id', '<i8'],
      ['istate_type', '|u1'], ['istate_status', '|u1'], ['basis_auxref', '|S64'],
    ]);
    expect(istates.value.map((r: number[]) => [r[0], r[1], r[2]])).toEqual([[1, 1, 0], [1, 1, 0], [1, 1, 0], [1, 1, 1], [1, 1, 1], [1, 2, 0]]);
    expect(d['/tstates/0/index'].value).toEqual([['bound']]);
    expect(d['/tstates/0/pcoord'].value).toEqual([new Array(shape.ndim).fill(0.5)]);
  });

  it('reads back prepared iterations as they were given', async () => {
    const { s, store } = await runTwoIterations();
    const expectSame = (a: PreparedIteration, b: PreparedIteration) => {
      expect({ ...a, newIstates: a.newIstates.map((x) => ({ ...x })) }).toEqual({ ...b, newIstates: b.newIstates.map((x) => ({ ...x })) });
    };
    expectSame((await store.readRun(1)).prepared, s.first);
    expectSame((await store.readRun(2)).prepared, s.record1.next);
    expectSame((await store.readRun(3)).prepared, s.record2.next);
    expect(await store.currentIteration()).toBe(3);
    await rejection(store.readRun(4));
    await store.close();

    const reader = await openWestH5ForRead(path);
    expect(reader.currentIteration).toBe(3);
    expect(reader.pcoord).toEqual(shape);
    expect(reader.summary().map((r) => r.nParticles)).toEqual([5, 4, 5]);
    expect(reader.basisStates().map((b) => b.label)).toEqual(['left', 'right']);
    expect(reader.targetStates()).toEqual([{ label: 'bound', pcoord: new Array(shape.ndim).fill(0.5) }]);
    expect(reader.istates()).toHaveLength(6);
    reader.close();
  });

  it("writes WESTPA's new_weights into the iteration after one that recycled, and none after one that did not", async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 3);
    await store.close();
    const found = JSON.parse(python(NEW_WEIGHTS_PY, path, shape.dtype === 'float32' ? '<f4' : '<f8'));
    expect(found.iter_00000001).toBeNull();
    expect(found.iter_00000003).toBeNull();
    const points = (values: number[][]) => ({ dtype: true, shape: [values.length, shape.ndim], value: values });
    const same = (x: number) => new Array(shape.ndim).fill(x);
    const c1 = s.record1.completed;
    // rows: source_type (0, recycled), weight, prev_seg_id, target_state_id, initial_state_id (-1: none)
    expect(found.iter_00000002).toEqual({
      keys: ['index', 'new_init_pcoord', 'prev_final_pcoord', 'prev_init_pcoord'],
      index_dtype: true,
      index: [[0, 0.2, 2, 0, -1], [0, 0.2, 4, 0, 5]],
      prev_init_pcoord: points([firstPoint(c1, shape, 2), firstPoint(c1, shape, 4)]),
      prev_final_pcoord: points([finalPoint(c1, shape, 2), finalPoint(c1, shape, 4)]),
      // without an initial state, the basis state's point (basis state 1's comes from /ibstates/0/bstate_pcoord)
      new_init_pcoord: points([same(8), same(1.5)]),
    });
    const c3 = s.record3.completed;
    expect(found.iter_00000004).toMatchObject({
      index: [[0, 0.2, 3, 0, 6], [0, 0.2, 4, 0, 7]],
      prev_init_pcoord: points([firstPoint(c3, shape, 3), firstPoint(c3, shape, 4)]),
      prev_final_pcoord: points([finalPoint(c3, shape, 3), finalPoint(c3, shape, 4)]),
      new_init_pcoord: points([same(1.5), same(8)]),
    });
  });

  it('commit is idempotent: committing an iteration again leaves the same content', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 1);
    await store.close();
    const once = h5dump(path);
    await store.commit(s.record1, 'b'.repeat(64));
    await store.close();
    expect(h5dump(path)).toEqual(once);

    await store.commit(s.record2, 'c'.repeat(64));
    await store.commit(s.record2, 'c'.repeat(64));
    await store.close();
    const twice = h5dump(path);
    expect(twice['/'].attrs!.west_current_iteration[0]).toBe(3);
    expect(twice['/summary'].shape).toEqual([3]);
  });

  it('a commit that fails half-way is undone, leaving the file as before it, and redoing it gives the clean file', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 2);
    await store.close();
    const clean = h5dump(path);

    rmSync(path);
    await initializeAndCommit(store, s, 1);
    await store.close();
    const before = readFileSync(path);
    // iteration 2's results are written before iteration 3 is prepared; a bad weight graph stops it there
    const broken = { ...s.record2, next: { ...s.record2.next, wtgParents: new Int32Array(1) } };
    const error = await rejection(store.commit(broken, 'c'.repeat(64)));
    expect(error.message).toMatch(/prepared iteration 3: wtgParents has 1 values; expected 5/);
    expect(await store.currentIteration()).toBe(2);
    await store.close();
    expect(readFileSync(path).equals(before), 'the same bytes').toBe(true);
    expect(existsSync(`${path}.undo`)).toBe(false);

    await store.commit(s.record2, 'c'.repeat(64));
    await store.close();
    expect(h5dump(path)).toEqual(clean);
  });

  it('appends the initial states each iteration uses, ids continuing, and counts those made before each iteration', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await store.initialize(s.run, s.first, false);
    expect((await store.readRun(1)).istateCount).toBe(5);
    await store.commit(s.record1, 'b'.repeat(64));
    await store.commit(s.record2, 'c'.repeat(64));
    await store.commit(s.record3, 'd'.repeat(64));
    // iter_created 1, 1, 1, 1, 1 (made at init), 1 (recycled at the end of 1), 3, 3: before iteration 1 ran there
    // were the 5 made at init, before 2 and 3 six, before 4 eight
    const counts = async (st: WestH5Store) => Promise.all([1, 2, 3, 4].map(async (k) => (await st.readRun(k)).istateCount));
    expect(await counts(store)).toEqual([5, 6, 6, 8]);
    await store.close();
    // a fresh store reads the counts from the file
    const reopened = new WestH5Store(path, shape);
    expect(await counts(reopened)).toEqual([5, 6, 6, 8]);
    expect(((await reopened.readRun(1)).prepared).newIstates.map((x) => x.id)).toEqual([0, 1, 2, 3, 4]);
    expect(((await reopened.readRun(2)).prepared).newIstates.map((x) => x.id)).toEqual([5]);
    expect(((await reopened.readRun(3)).prepared).newIstates).toEqual([]);
    expect(((await reopened.readRun(4)).prepared).newIstates).toEqual(s.record3.next.newIstates);
    await reopened.close();

    const d = h5dump(path);
    expect(d['/ibstates/0/istate_index'].value.map((r: number[]) => [r[0], r[1], r[2], r[3], r[4], r[5]])).toEqual([
      ...[0, 0, 0, 1, 1].map((b) => [1, 1, b, IstateType.basis, IstateStatus.prepared, '']),
      [1, 2, 0, IstateType.basis, IstateStatus.prepared, ''],
      [3, 4, 0, IstateType.basis, IstateStatus.prepared, ''],
      [3, 4, 1, IstateType.basis, IstateStatus.prepared, ''],
    ]);
    expect(d['/ibstates/0/istate_pcoord'].value).toEqual([1.5, 1.5, 1.5, 8, 8, 1.5, 1.5, 8].map((x) => new Array(shape.ndim).fill(x)));
  });

  it('undoes a commit that failed after the istate append, rows included; redone, it gives the clean file', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 3);
    await store.close();
    const clean = h5dump(path);
    rmSync(path);

    // A binhash too long for /summary fails a commit after the istate append; these records add extra states.
    const tooLong = 'x'.repeat(65);
    const extra = (id: number, iteration: number) => istate(id, iteration, 1, 8, shape.ndim);
    await initializeAndCommit(store, s, 1);
    const bad2 = { ...s.record2, next: { ...s.record2.next, newIstates: [extra(6, 3)] } };
    expect((await rejection(store.commit(bad2, tooLong))).message).toMatch(/binhash of iteration 3 .* 65 bytes; at most 64/);
    expect(await store.currentIteration()).toBe(2);
    // the state the failed commit appended (6, made for iteration 3) went with the rest of it
    expect((await store.readRun(2)).istateCount).toBe(6);
    // redone in the same process, with no new states: the table ends with those made before iteration 3
    await store.commit(s.record2, 'c'.repeat(64));
    expect((await store.readRun(3)).istateCount).toBe(6);
    await store.close();
    const beforeBad3 = h5dump(path);

    const bad3 = { ...s.record3, next: { ...s.record3.next, newIstates: [...s.record3.next.newIstates, extra(8, 4), extra(9, 4)] } };
    await rejection(store.commit(bad3, tooLong));
    await store.close();
    expect(h5dump(path)).toEqual(beforeBad3);
    await store.commit(s.record3, 'd'.repeat(64));
    await store.close();
    expect(h5dump(path)).toEqual(clean);
  });

  it('truncate(n) keeps only the initial states made before iteration n ran', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 3);
    await store.close();
    const full = h5dump(path);

    await store.truncate(3);
    expect((await store.readRun(3)).istateCount).toBe(6);
    await store.close();
    expect(h5dump(path)['/ibstates/0/istate_index'].value.map((r: number[]) => [r[0], r[1]])).toEqual([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 2]]);
    expect((await store.readRun(3)).istateCount).toBe(6);
    await store.commit(s.record3, 'd'.repeat(64));
    await store.close();
    expect(h5dump(path)).toEqual(full);

    await store.truncate(1);
    expect((await store.readRun(1)).istateCount).toBe(5);
    await store.close();
    expect(h5dump(path)['/ibstates/0/istate_index'].value.map((r: number[]) => r[1])).toEqual([1, 1, 1, 1, 1]);
  });

  it('truncate(n) leaves n prepared; committing the same records again rebuilds the same file', async () => {
    const { s, store } = await runTwoIterations();
    const full = h5dump(path);
    await store.truncate(2);
    expect(await store.currentIteration()).toBe(2);
    await store.close();

    const t = h5dump(path);
    expect(t[ITER(3)]).toBeUndefined();
    expect(t['/summary'].shape).toEqual([2]);
    expect(t['/summary'].value[1]).toEqual([4, 1, 0, 0, 0, 0, 0, 0, 'b'.repeat(64)]);
    expect(t[`${ITER(2)}/seg_index`].value.map((r: number[]) => [r[6], r[7]])).toEqual(new Array(4).fill([0, 1]));
    expect(t[`${ITER(2)}`].keys).not.toContain('target_flux');
    expect(t[`${ITER(1)}`]).toEqual(full[ITER(1)]);
    expect(t[`${ITER(1)}/pcoord`]).toEqual(full[`${ITER(1)}/pcoord`]);
    expect(t['/ibstates/0/istate_index'].value).toHaveLength(6);
    // iteration 2's new_weights record iteration 1's recycling, which is kept
    for (const name of ['index', 'prev_init_pcoord', 'prev_final_pcoord', 'new_init_pcoord']) {
      expect(t[`${ITER(2)}/new_weights/${name}`]).toEqual(full[`${ITER(2)}/new_weights/${name}`]);
    }

    const again = (await store.readRun(2)).prepared;
    expect(again.weight).toEqual(s.record1.next.weight);
    expect(again.initialPoints).toEqual(s.record1.next.initialPoints);
    expect(again.newIstates.map((x) => x.id)).toEqual([5]);

    await store.commit(s.record2, 'c'.repeat(64));
    await store.close();
    expect(h5dump(path)).toEqual(full);

    await store.truncate(1);
    await store.close();
    const t1 = h5dump(path);
    expect(Object.keys(t1).filter((k) => k.startsWith('/iterations/'))).toEqual(
      Object.keys(t1).filter((k) => k.startsWith(`${ITER(1)}`)),
    );
    expect(t1['/ibstates/0/istate_index'].value).toHaveLength(5);
    expect((await store.readRun(1)).prepared).toMatchObject({ n: 5, parentId: s.first.parentId });
    await rejection(store.truncate(2));
    await store.close();
  });
});

function chunk(values: number[], size: number): number[][] {
  return Array.from({ length: values.length / size }, (_, i) => values.slice(i * size, (i + 1) * size));
}

describe('west.h5 refusals', () => {
  const shape: PcoordShape = { len: 3, ndim: 1, dtype: 'float32' };

  it('initialize refuses an existing file unless forced, leaving it byte for byte', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 1);
    await store.close();
    const before = readFileSync(path);
    const error = await rejection(store.initialize(s.run, s.first, false));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/already exists.*--force/);
    expect(readFileSync(path).equals(before)).toBe(true);

    await store.initialize(s.run, s.first, true);
    expect(await store.currentIteration()).toBe(1);
    await store.close();
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
  });

  it('a failed initialize leaves no file behind', async () => {
    const s = scenario(shape);
    const run = { ...s.run, basisStates: [{ ...s.run.basisStates[0], label: 'x'.repeat(65) }, s.run.basisStates[1]] };
    const error = await rejection(new WestH5Store(path, shape).initialize(run, s.first, false));
    expect(error.message).toMatch(/basis state label 0 .* 65 bytes; at most 64/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
  });

  async function expectRefused(file: string, pattern: RegExp) {
    const before = readFileSync(file);
    for (const attempt of [
      () => new WestH5Store(file, shape).currentIteration(),
      () => new WestH5Store(file, shape).commit(scenario(shape).record1, ''),
      () => openWestH5ForRead(file),
    ]) {
      const error = await rejection(attempt());
      expect(error.message).toContain(file);
      expect(error.message).toMatch(pattern);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  }

  it('refuses a file that is not HDF5', async () => {
    writeFileSync(path, 'label probability auxref\n'.repeat(100));
    await expectRefused(path, /not an HDF5 file/);
  });

  it('refuses an HDF5 file that is not a west.h5', async () => {
    python('import h5py, sys; f = h5py.File(sys.argv[1], "w"); f["x"] = [1, 2, 3]; f.attrs["west_current_iteration"] = 1', path);
    await expectRefused(path, /not a west\.h5: root attribute west_file_format_version is missing/);
  });

  it('refuses a newer file format', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await store.initialize(s.run, s.first, false);
    python('import h5py, sys; f = h5py.File(sys.argv[1], "a"); f.attrs["west_file_format_version"] = 10', path);
    await expectRefused(path, /west_file_format_version 10, newer than the format 9/);
  });

  it('refuses a truncated file', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await initializeAndCommit(store, s, 1);
    await store.close();
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRefused(path, /truncated file/);
  });

  it('refuses a missing file, a run with another pcoord shape, and an out-of-turn commit', async () => {
    const missing = await rejection(new WestH5Store(path, shape).currentIteration());
    expect(missing.message).toMatch(/no such file/);

    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await store.initialize(s.run, s.first, false);
    await store.close();
    const other = await rejection(new WestH5Store(path, { ...shape, len: 21 }).currentIteration());
    expect(other.message).toMatch(/written with pcoord len 3, ndim 1, float32; the run has pcoord len 21/);

    const early = await rejection(store.commit(s.record2, ''));
    expect(early.message).toMatch(/current iteration is 1; cannot commit iteration 2/);
    await store.close();
  });

  it('refuses new initial states whose ids do not continue the table or that another iteration uses', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await store.initialize(s.run, s.first, false);
    // segment 4 restarts from the one new state
    const withIstates = (newIstates: InitialState[]) => ({
      prepared: s.record1.prepared,
      completed: { ...s.record1.completed, recycling: { ...s.record1.completed.recycling, istate: Int32Array.of(-1, -1, -1, -1, newIstates[0].id) } },
      next: { ...s.record1.next, newIstates },
    });
    const gap = await rejection(store.commit(withIstates([istate(7, 2, 0, 1.5, 1)]), 'b'.repeat(64)));
    expect(gap.message).toMatch(/initial state at position 0 has id 7; expected 5/);
    const later = await rejection(store.commit(withIstates([istate(5, 3, 0, 1.5, 1)]), 'b'.repeat(64)));
    expect(later.message).toMatch(/prepared iteration 2: new initial state 5 has iterUsed 3; expected 2/);
    expect(await store.currentIteration()).toBe(1);
    await store.commit(s.record1, 'b'.repeat(64));
    expect((await store.readRun(2)).istateCount).toBe(6);
    await store.close();
  });

  it('refuses recycling into an initial state the next iteration does not have, and recycling arrays of the wrong length', async () => {
    const s = scenario(shape);
    const store = new WestH5Store(path, shape);
    await store.initialize(s.run, s.first, false);
    const withRecycling = (recycling: CompletedIteration['recycling']) => ({ ...s.record1, completed: { ...s.record1.completed, recycling } });
    const { recycling } = s.record1.completed;
    const unknown = await rejection(store.commit(withRecycling({ ...recycling, istate: Int32Array.of(-1, -1, -1, -1, 9) }), 'b'.repeat(64)));
    expect(unknown.message).toMatch(/completed iteration 1: segment 4 restarts from initial state 9, which is not among iteration 2's new initial states/);
    const short = await rejection(store.commit(withRecycling({ ...recycling, target: Int32Array.of(-1) }), 'b'.repeat(64)));
    expect(short.message).toMatch(/completed iteration 1: recycling.target has 1 values; expected 5 \(n\)/);
    expect(await store.currentIteration()).toBe(1);
    await store.close();
    expect(h5dump(path)[ITER(2)]).toBeUndefined();
  });

  it('the factory takes the path from the config and rejects options', async () => {
    const ctx: StoreContext = { configFile: join(dir, 'we.yaml'), path, pcoord: shape };
    const store = await createWestH5Store(ctx, {});
    const s = scenario(shape);
    await store.initialize(s.run, s.first, false);
    await store.close();
    expect(existsSync(path)).toBe(true);
    const error = await rejection(createWestH5Store(ctx, { compression: 9 }));
    expect(error.message).toMatch(/we\.yaml: store\.options: unknown key 'compression'; this mapping takes none$/);
  });
});
