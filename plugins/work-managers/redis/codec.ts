/**
 * Tasks and results as they travel through Redis: compact binary (binary.ts), one queue entry per task and one
 * record per result. Decoding checks every field, so a malformed or foreign entry is refused with a
 * MalformedEntryError naming what is wrong, never half-used.
 *
 *   queue entry   u32 task index in its round, then the task: u8 kind, its fields
 *   result record u32 task index, u8 outcome (0 ok, 1 error), f64 busy seconds, then the result (ok) or the
 *                 error message (UTF-8)
 */
import type { ResultOf, SegmentResult, SegmentTask, TaskKind, TaskOf } from '../../../core/plugins.js';
import { BinaryReader, BinaryWriter, MalformedEntryError, sizeOf } from './binary.js';

export { MalformedEntryError };

const KIND_CODE: Record<TaskKind, number> = { propagate: 1, basisPcoords: 2 };

function kindOf(code: number, what: string): TaskKind {
  if (code === KIND_CODE.propagate) return 'propagate';
  if (code === KIND_CODE.basisPcoords) return 'basisPcoords';
  throw new MalformedEntryError(`${what}: unknown task kind ${code}`);
}

// ---------- tasks ----------

export function encodeTask<K extends TaskKind>(kind: K, task: TaskOf<K>): Buffer {
  if (kind === 'basisPcoords') {
    const ids = Int32Array.from((task as TaskOf<'basisPcoords'>).basisStateIds);
    return new BinaryWriter(1 + sizeOf.array(ids.length, 4)).u8(KIND_CODE.basisPcoords).array(ids).finish();
  }
  const t = task as SegmentTask;
  const size =
    1 + 4 + sizeOf.array(t.segIds.length, 4) * 2 + sizeOf.array(t.startPoints.length, 8) + 4 +
    t.initialStates.reduce((s, i) => s + 12 + sizeOf.text(i.auxref), 0);
  const w = new BinaryWriter(size).u8(KIND_CODE.propagate).u32(t.iteration).array(t.segIds).array(t.parentIds).array(t.startPoints);
  w.u32(t.initialStates.length);
  for (const i of t.initialStates) w.u32(i.istateId).u32(i.basisStateId).u32(i.iterCreated).text(i.auxref);
  return w.finish();
}

export function decodeTask(bytes: Buffer): { kind: TaskKind; task: TaskOf<TaskKind> } {
  const r = new BinaryReader(bytes, 'task');
  const kind = kindOf(r.u8('kind'), 'task');
  if (kind === 'basisPcoords') {
    const ids = Array.from(r.int32s('basisStateIds'));
    r.end();
    if (ids.length === 0 || ids.some((id) => id < 0)) throw new MalformedEntryError(`task basisStateIds: expected ids ≥ 0, got [${ids.join(', ')}]`);
    return { kind, task: { basisStateIds: ids } };
  }
  const iteration = r.u32('iteration');
  if (iteration < 1) throw new MalformedEntryError('task iteration: expected ≥ 1, got 0');
  const segIds = r.int32s('segIds');
  const parentIds = r.int32s('parentIds');
  if (parentIds.length !== segIds.length) throw new MalformedEntryError(`task: ${segIds.length} segIds but ${parentIds.length} parentIds`);
  const startPoints = r.float64s('startPoints');
  const initialStates: SegmentTask['initialStates'] = [];
  for (let k = r.u32('initialStates count'); k > 0; k--) {
    const istateId = r.u32('istateId');
    const basisStateId = r.u32('basisStateId');
    const iterCreated = r.u32('iterCreated');
    if (iterCreated < 1) throw new MalformedEntryError(`task initial state ${istateId} iterCreated: expected ≥ 1, got 0`);
    initialStates.push({ istateId, basisStateId, iterCreated, auxref: r.text('auxref') });
  }
  r.end();
  return { kind, task: { iteration, segIds, parentIds, startPoints, initialStates } };
}

/** A queue entry: the task's index in its round, then the task. */
export function encodeEntry(index: number, task: Buffer): Buffer {
  return new BinaryWriter(4 + task.length).u32(index).bytes(task).finish();
}

export function decodeEntry(bytes: Buffer): { index: number; task: Buffer } {
  const r = new BinaryReader(bytes, 'queue entry');
  return { index: r.u32('index'), task: r.rest() };
}

// ---------- results ----------

export type Outcome = 'ok' | 'error';

export interface ResultRecord {
  index: number;
  outcome: Outcome;
  /** Seconds the task ran on its worker. */
  busy: number;
  /** The encoded result (ok) or the error message (error). */
  body: Buffer;
}

export function encodeRecord(index: number, outcome: Outcome, busy: number, body: Buffer): Buffer {
  return new BinaryWriter(4 + 1 + 8 + body.length).u32(index).u8(outcome === 'ok' ? 0 : 1).f64(busy).bytes(body).finish();
}

export function decodeRecord(bytes: Buffer): ResultRecord {
  const r = new BinaryReader(bytes, 'result');
  const index = r.u32('index');
  const code = r.u8('outcome');
  if (code > 1) throw new MalformedEntryError(`result outcome: expected 0 (ok) or 1 (error), got ${code}`);
  const busy = r.f64('busy');
  return { index, outcome: code === 0 ? 'ok' : 'error', busy: Number.isFinite(busy) && busy >= 0 ? busy : 0, body: r.rest() };
}

export function encodeResult<K extends TaskKind>(kind: K, result: ResultOf<K>): Buffer {
  if (kind === 'basisPcoords') {
    const b = result as ResultOf<'basisPcoords'>;
    const ids = Int32Array.from(b.basisStateIds);
    return new BinaryWriter(1 + sizeOf.array(ids.length, 4) + sizeOf.array(b.pcoord.length, 8))
      .u8(KIND_CODE.basisPcoords)
      .array(ids)
      .array(b.pcoord)
      .finish();
  }
  const s = result as SegmentResult;
  const aux = Object.entries(s.auxdata ?? {});
  const kept = s.nodeOutputs?.kept ?? [];
  const size =
    1 + sizeOf.array(s.segIds.length, 4) + sizeOf.array(s.pcoord.length, 8) + sizeOf.array(s.cputime.length, 8) +
    sizeOf.array(s.walltime.length, 8) + 4 +
    aux.reduce((n, [name, a]) => n + sizeOf.text(name) + sizeOf.array(a.shape.length, 4) + sizeOf.array(a.data.length, 8), 0) +
    1 + (s.nodeOutputs ? 4 + kept.reduce((n, k) => n + sizeOf.text(k.from) + sizeOf.text(k.to), 0) : 0);
  const w = new BinaryWriter(size).u8(KIND_CODE.propagate).array(s.segIds).array(s.pcoord).array(s.cputime).array(s.walltime);
  w.u32(aux.length);
  for (const [name, a] of aux) w.text(name).array(Uint32Array.from(a.shape)).array(a.data);
  w.u8(s.nodeOutputs ? 1 : 0);
  if (s.nodeOutputs) {
    w.u32(kept.length);
    for (const k of kept) w.text(k.from).text(k.to);
  }
  return w.finish();
}

/**
 * Decodes a result and checks it answers `task`: the same segments or basis states, in order, and arrays of
 * the lengths they imply (`valuesPerItem`: pcoord values per segment, len × ndim, or per basis state, ndim).
 */
export function decodeResult<K extends TaskKind>(kind: K, bytes: Buffer, task: TaskOf<K>, valuesPerItem: number): ResultOf<K> {
  const r = new BinaryReader(bytes, 'result');
  const got = kindOf(r.u8('kind'), 'result');
  if (got !== kind) throw new MalformedEntryError(`result is of kind ${got}, the task of kind ${kind}`);
  if (kind === 'basisPcoords') {
    const ids = (task as TaskOf<'basisPcoords'>).basisStateIds;
    const named = Array.from(r.int32s('basisStateIds'));
    if (named.join() !== ids.join()) throw new MalformedEntryError(`result names basis states ${named.join(', ')}, the task ${ids.join(', ')}`);
    const pcoord = expectLength(r.float64s('pcoord'), ids.length * valuesPerItem, 'pcoord');
    r.end();
    return { basisStateIds: ids, pcoord } as ResultOf<K>;
  }
  const expected = (task as SegmentTask).segIds;
  const segIds = r.int32s('segIds');
  if (segIds.length !== expected.length || segIds.some((s, k) => s !== expected[k])) {
    throw new MalformedEntryError(`result is for segments ${Array.from(segIds).join(', ')}, the task for ${Array.from(expected).join(', ')}`);
  }
  const n = segIds.length;
  // The task's own array: the result's is equal, and a driver holding a million results keeps one, not two.
  const result: SegmentResult = {
    segIds: expected,
    pcoord: expectLength(r.float64s('pcoord'), n * valuesPerItem, 'pcoord'),
    cputime: expectLength(r.float64s('cputime'), n, 'cputime'),
    walltime: expectLength(r.float64s('walltime'), n, 'walltime'),
  };
  const nAux = r.u32('auxdata count');
  if (nAux > 0) result.auxdata = {};
  for (let k = 0; k < nAux; k++) {
    const name = r.text('auxdata name');
    const shape = Array.from(r.uint32s(`auxdata ${name} shape`));
    result.auxdata![name] = { shape, data: expectLength(r.float64s(`auxdata ${name}`), shape.reduce((x, y) => x * y, 1), `auxdata ${name}`) };
  }
  if (r.u8('nodeOutputs flag') === 1) {
    const kept: { from: string; to: string }[] = [];
    for (let k = r.u32('kept count'); k > 0; k--) kept.push({ from: r.text('kept from'), to: r.text('kept to') });
    result.nodeOutputs = { kept };
  }
  r.end();
  return result as ResultOf<K>;
}

function expectLength<T extends { length: number }>(array: T, length: number, field: string): T {
  if (array.length !== length) throw new MalformedEntryError(`result ${field} has ${array.length} values, expected ${length}`);
  return array;
}
