import { describe, expect, it } from 'vitest';
import { assemblePcoords, makeTasks, orderLongestFirst } from '../core/driver/segment-tasks.js';
import type { PreparedIteration } from '../core/types.js';
import { IstateStatus, IstateType } from '../core/types.js';

const shape = { len: 3, ndim: 2, dtype: 'float64' as const };

function prepared(): PreparedIteration {
  return {
    iteration: 7,
    n: 3,
    weight: Float64Array.of(0.5, 0.25, 0.25),
    parentId: Int32Array.of(0, -1, 1),
    wtgOffset: Uint32Array.of(0, 1, 2, 3),
    wtgParents: Int32Array.of(0, 4, 1),
    initialPoints: Float64Array.of(1, 2, 3, 4, 5, 6),
    binTargetCounts: Uint32Array.of(2, 2),
    newIstates: [{ id: 0, iterCreated: 7, iterUsed: 7, basisStateId: 1, type: IstateType.basis, status: IstateStatus.prepared, pcoord: Float64Array.of(3, 4) }],
  };
}

/** A well-formed result for segments `segs`, every row equal to the segment's start point plus t. */
function result(p: PreparedIteration, segs: number[]) {
  const pcoord = new Float64Array(segs.length * shape.len * shape.ndim);
  segs.forEach((seg, k) => {
    for (let t = 0; t < shape.len; t++) {
      for (let d = 0; d < shape.ndim; d++) pcoord[(k * shape.len + t) * shape.ndim + d] = p.initialPoints[seg * 2 + d] + t;
    }
  });
  const n = segs.length;
  return { segIds: Int32Array.from(segs), pcoord, cputime: new Float64Array(n), walltime: new Float64Array(n) };
}

describe('segment tasks and returned pcoords', () => {
  it('splits an iteration into tasks of the propagator batch size, carrying initial states and basis states', () => {
    const tasks = makeTasks(prepared(), 2, 2, [
      { label: 'a', probability: 0.5, auxref: 'a' },
      { label: 'b', probability: 0.5, auxref: 'bee' },
    ]);
    expect(tasks.map((t) => Array.from(t.segIds))).toEqual([[0, 1], [2]]);
    expect(Array.from(tasks[0].startPoints)).toEqual([1, 2, 3, 4]);
    expect(tasks[0].initialStates).toEqual([{ istateId: 0, basisStateId: 1, auxref: 'bee', iterCreated: 7 }]);
    expect(tasks[1].initialStates).toEqual([]);
  });

  it('orders tasks longest expected first from the parents\' walltimes; initial-state segments expect the mean; ties keep order', () => {
    const tasks = makeTasks(prepared(), 2, 1, [
      { label: 'a', probability: 0.5, auxref: 'a' },
      { label: 'b', probability: 0.5, auxref: 'b' },
    ]);
    // Parents 0 and 1 took 1 s and 4 s; segment 1 starts from an initial state: expected (1 + 4) / 2.
    expect(orderLongestFirst(tasks, Float64Array.of(1, 4)).map((t) => t.segIds[0])).toEqual([2, 1, 0]);
    expect(orderLongestFirst(tasks, Float64Array.of(2, 2)).map((t) => t.segIds[0])).toEqual([0, 1, 2]);
    expect(orderLongestFirst(tasks, undefined)).toBe(tasks);
  });

  it('assembles results from several tasks in segment order', () => {
    const p = prepared();
    const pcoord = assemblePcoords(p, [result(p, [2]), result(p, [0, 1])], shape);
    expect(Array.from(pcoord.subarray(12, 18))).toEqual([5, 6, 6, 7, 7, 8]);
  });

  it('names iteration, segment, row and dimension of a NaN', () => {
    const p = prepared();
    const r = result(p, [0, 1, 2]);
    r.pcoord[(1 * 3 + 2) * 2 + 1] = NaN;
    expect(() => assemblePcoords(p, [r], shape)).toThrow('iteration 7, segment 1: pcoord row 2, dimension 1 is NaN; expected a finite number');
  });

  it('names expected and found shape', () => {
    const p = prepared();
    const r = result(p, [0, 1, 2]);
    const short = { ...r, pcoord: r.pcoord.subarray(0, 12) };
    expect(() => assemblePcoords(p, [short], shape)).toThrow(/pcoord has 4 values per segment, expected 3 × 2/);
  });

  it('refuses a row 0 that is not the parent’s last point, and snaps a text-rounded one to it exactly', () => {
    const p = prepared();
    const r = result(p, [0, 1, 2]);
    r.pcoord[0] = 1.5;
    expect(() => assemblePcoords(p, [r], shape)).toThrow(/segment 0: pcoord row 0, dimension 0 is 1.5 but the segment starts at 1/);
    r.pcoord[0] = 1.00004;
    expect(assemblePcoords(p, [r], shape)[0]).toBe(1);
  });

  it('notices a segment with no result', () => {
    const p = prepared();
    expect(() => assemblePcoords(p, [result(p, [0, 2])], shape)).toThrow('iteration 7, segment 1: no result was returned');
  });
});
