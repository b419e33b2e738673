/**
 * Tasks and results as they travel through Redis: JSON with typed arrays as base64 of their bytes (exact for
 * every double, NaN included, and a third the size of decimal text). Decoding checks every field, so a
 * malformed or foreign entry is refused with a MalformedEntryError naming what is wrong, never half-used.
 */
import * as z from 'zod';
import type { ResultOf, TaskKind, TaskOf } from '../../../core/plugins.js';

export class MalformedEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedEntryError';
  }
}

const TASK_KINDS = ['propagate', 'basisPcoords'] as const satisfies readonly TaskKind[];

type Typed = Int32Array | Float64Array;

function b64(array: Typed): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function fromB64<T extends Typed>(text: string, make: (buffer: ArrayBuffer) => T, bytesPer: number, field: string): T {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % bytesPer !== 0) throw new MalformedEntryError(`${field}: ${bytes.length} bytes is not a whole number of values`);
  // A copy: Buffer.from may return a view into a shared pool, and typed arrays need their own aligned buffer.
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
const int32 = (text: string, field: string) => fromB64(text, (b) => new Int32Array(b), 4, field);
const float64 = (text: string, field: string) => fromB64(text, (b) => new Float64Array(b), 8, field);

const wireSegmentTask = z.strictObject({
  iteration: z.int().min(1),
  segIds: z.string(),
  parentIds: z.string(),
  startPoints: z.string(),
  initialStates: z.array(z.strictObject({ istateId: z.int(), basisStateId: z.int().min(0), auxref: z.string(), iterCreated: z.int().min(1) })),
});
const wireBasisTask = z.strictObject({ basisStateIds: z.array(z.int().min(0)).min(1) });
const wireSegmentResult = z.strictObject({
  segIds: z.string(),
  pcoord: z.string(),
  cputime: z.string(),
  walltime: z.string(),
  auxdata: z.record(z.string(), z.strictObject({ data: z.string(), shape: z.array(z.int().min(0)) })).optional(),
});
const wireBasisResult = z.strictObject({ basisStateIds: z.array(z.int().min(0)), pcoord: z.string() });

function parse<T extends z.ZodType>(schema: T, text: string, what: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedEntryError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedEntryError(`${what}: ${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  return parsed.data;
}

export function parseKind(text: string | undefined): TaskKind {
  if (!TASK_KINDS.includes(text as TaskKind)) throw new MalformedEntryError(`unknown task kind ${JSON.stringify(text)}`);
  return text as TaskKind;
}

export function encodeTask<K extends TaskKind>(kind: K, task: TaskOf<K>): string {
  if (kind === 'basisPcoords') return JSON.stringify(task);
  const t = task as TaskOf<'propagate'>;
  return JSON.stringify({
    iteration: t.iteration,
    segIds: b64(t.segIds),
    parentIds: b64(t.parentIds),
    startPoints: b64(t.startPoints),
    initialStates: t.initialStates,
  });
}

export function decodeTask<K extends TaskKind>(kind: K, text: string): TaskOf<K> {
  if (kind === 'basisPcoords') return parse(wireBasisTask, text, 'task') as TaskOf<K>;
  const w = parse(wireSegmentTask, text, 'task');
  const segIds = int32(w.segIds, 'task segIds');
  const parentIds = int32(w.parentIds, 'task parentIds');
  if (parentIds.length !== segIds.length) throw new MalformedEntryError(`task: ${segIds.length} segIds but ${parentIds.length} parentIds`);
  return { iteration: w.iteration, segIds, parentIds, startPoints: float64(w.startPoints, 'task startPoints'), initialStates: w.initialStates } as TaskOf<K>;
}

export function encodeResult<K extends TaskKind>(kind: K, result: ResultOf<K>): string {
  if (kind === 'basisPcoords') {
    const r = result as ResultOf<'basisPcoords'>;
    return JSON.stringify({ basisStateIds: r.basisStateIds, pcoord: b64(r.pcoord) });
  }
  const r = result as ResultOf<'propagate'>;
  return JSON.stringify({
    segIds: b64(r.segIds),
    pcoord: b64(r.pcoord),
    cputime: b64(r.cputime),
    walltime: b64(r.walltime),
    ...(r.auxdata
      ? { auxdata: Object.fromEntries(Object.entries(r.auxdata).map(([name, a]) => [name, { data: b64(a.data), shape: a.shape }])) }
      : {}),
  });
}

/**
 * Decodes a result and checks it answers `task`: the same segments or basis states, in order, and arrays of
 * the lengths they imply (`valuesPerItem`: pcoord values per segment, len × ndim, or per basis state, ndim).
 */
export function decodeResult<K extends TaskKind>(kind: K, text: string, task: TaskOf<K>, valuesPerItem: number): ResultOf<K> {
  if (kind === 'basisPcoords') {
    const w = parse(wireBasisResult, text, 'result');
    const ids = (task as TaskOf<'basisPcoords'>).basisStateIds;
    if (w.basisStateIds.join() !== ids.join()) throw new MalformedEntryError(`result names basis states ${w.basisStateIds.join(', ')}, the task ${ids.join(', ')}`);
    const pcoord = float64(w.pcoord, 'result pcoord');
    expectLength(pcoord, ids.length * valuesPerItem, 'pcoord');
    return { basisStateIds: w.basisStateIds, pcoord } as ResultOf<K>;
  }
  const w = parse(wireSegmentResult, text, 'result');
  const expected = (task as TaskOf<'propagate'>).segIds;
  const segIds = int32(w.segIds, 'result segIds');
  if (segIds.length !== expected.length || segIds.some((s, k) => s !== expected[k])) {
    throw new MalformedEntryError(`result is for segments ${Array.from(segIds).join(', ')}, the task for ${Array.from(expected).join(', ')}`);
  }
  const n = segIds.length;
  const result: ResultOf<'propagate'> = {
    segIds,
    pcoord: expectLength(float64(w.pcoord, 'result pcoord'), n * valuesPerItem, 'pcoord'),
    cputime: expectLength(float64(w.cputime, 'result cputime'), n, 'cputime'),
    walltime: expectLength(float64(w.walltime, 'result walltime'), n, 'walltime'),
  };
  if (w.auxdata) {
    result.auxdata = Object.fromEntries(
      Object.entries(w.auxdata).map(([name, a]) => {
        const data = float64(a.data, `result auxdata ${name}`);
        return [name, { data: expectLength(data, a.shape.reduce((x, y) => x * y, 1), `auxdata ${name}`), shape: a.shape }];
      }),
    );
  }
  return result as ResultOf<K>;
}

function expectLength<T extends Typed>(array: T, length: number, field: string): T {
  if (array.length !== length) throw new MalformedEntryError(`result ${field} has ${array.length} values, expected ${length}`);
  return array;
}
