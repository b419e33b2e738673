/** Splitting a prepared iteration into work-manager tasks, and checking what comes back. */
import type { SegmentResult, SegmentTask } from '../plugins.js';
import type { BasisState, PcoordShape, PreparedIteration } from '../types.js';
import { WeError } from '../errors.js';

export function makeTasks(
  prepared: PreparedIteration,
  ndim: number,
  batchSize: number,
  basisStates: BasisState[],
): SegmentTask[] {
  const size = Math.max(1, Math.min(batchSize, prepared.n));
  const istatesById = new Map(prepared.newIstates.map((s) => [s.id, s]));
  const tasks: SegmentTask[] = [];
  for (let start = 0; start < prepared.n; start += size) {
    const end = Math.min(start + size, prepared.n);
    const parentIds = prepared.parentId.slice(start, end);
    const initialStates: SegmentTask['initialStates'] = [];
    for (const parent of parentIds) {
      if (parent >= 0) continue;
      // A segment starting from an initial state starts from one made for this iteration.
      const istate = istatesById.get(-(parent + 1));
      if (!istate) throw new WeError(`iteration ${prepared.iteration}: parent ${parent} names initial state ${-(parent + 1)}, which was not made for it`);
      initialStates.push({
        istateId: istate.id,
        basisStateId: istate.basisStateId,
        auxref: basisStates[istate.basisStateId].auxref,
        iterCreated: istate.iterCreated,
      });
    }
    const segIds = new Int32Array(end - start);
    for (let i = 0; i < segIds.length; i++) segIds[i] = start + i;
    tasks.push({
      iteration: prepared.iteration,
      segIds,
      parentIds,
      startPoints: prepared.initialPoints.slice(start * ndim, end * ndim),
      initialStates,
    });
  }
  return tasks;
}

/**
 * Places every segment's returned pcoord into one n × len × ndim array, checking shape, finiteness and that
 * row 0 is the segment's starting point. Row 0 is then set to that point exactly: scripts that print it as
 * text (`%.4f`) must not move the walker.
 */
export function assemblePcoords(prepared: PreparedIteration, results: SegmentResult[], shape: PcoordShape): Float64Array {
  const { len, ndim } = shape;
  const rowSize = len * ndim;
  const pcoord = new Float64Array(prepared.n * rowSize);
  const seen = new Uint8Array(prepared.n);
  for (const result of results) {
    const count = result.segIds.length;
    if (result.pcoord.length !== count * rowSize) {
      const got = count ? result.pcoord.length / count : result.pcoord.length;
      throw new WeError(
        `iteration ${prepared.iteration}, segments ${result.segIds[0]}..: pcoord has ${got} values per segment, expected ${len} × ${ndim} (pcoord.len × pcoord.ndim)`,
      );
    }
    for (let k = 0; k < count; k++) {
      const seg = result.segIds[k];
      const values = result.pcoord.subarray(k * rowSize, (k + 1) * rowSize);
      checkSegmentPcoord(prepared, seg, values, shape);
      pcoord.set(values, seg * rowSize);
      pcoord.set(prepared.initialPoints.subarray(seg * ndim, (seg + 1) * ndim), seg * rowSize);
      seen[seg] = 1;
    }
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new WeError(`iteration ${prepared.iteration}, segment ${missing}: no result was returned`);
  return pcoord;
}

function checkSegmentPcoord(prepared: PreparedIteration, seg: number, values: Float64Array, { len, ndim }: PcoordShape): void {
  for (let t = 0; t < len; t++) {
    for (let d = 0; d < ndim; d++) {
      const v = values[t * ndim + d];
      if (!Number.isFinite(v)) {
        throw new WeError(`iteration ${prepared.iteration}, segment ${seg}: pcoord row ${t}, dimension ${d} is ${v}; expected a finite number`);
      }
    }
  }
  for (let d = 0; d < ndim; d++) {
    const start = prepared.initialPoints[seg * ndim + d];
    const row0 = values[d];
    // Loose enough for text round-trips of the parent's point, tight enough to catch a wrong parent.
    if (Math.abs(row0 - start) > 1e-3 * Math.max(1, Math.abs(start))) {
      throw new WeError(
        `iteration ${prepared.iteration}, segment ${seg}: pcoord row 0, dimension ${d} is ${row0} but the segment starts at ${start}; row 0 must repeat the parent's last point`,
      );
    }
  }
}

/**
 * Longest expected first (LPT), so the slowest segments do not start last and hold the iteration's barrier:
 * a segment is expected to take as long as its parent did (`parentWalltime`, the previous iteration's
 * walltimes); one starting from an initial state, the parents' mean. Ties keep segment order. Results do not
 * depend on the order: each segment draws from its own random stream and is placed by its id.
 */
export function orderLongestFirst(tasks: SegmentTask[], parentWalltime: Float64Array | undefined): SegmentTask[] {
  if (!parentWalltime || parentWalltime.length === 0) return tasks;
  const mean = parentWalltime.reduce((s, t) => s + t, 0) / parentWalltime.length;
  const expected = tasks.map((task) => task.parentIds.reduce((s, p) => s + (p >= 0 && p < parentWalltime.length ? parentWalltime[p] : mean), 0));
  return tasks
    .map((task, i) => ({ task, i }))
    .sort((a, b) => expected[b.i] - expected[a.i] || a.i - b.i)
    .map(({ task }) => task);
}
