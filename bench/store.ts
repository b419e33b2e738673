/**
 * west.h5 commit speed: one Store.commit (iteration N's results, N+1 prepared, flush) for 1,000 / 10,000 /
 * 100,000 walkers, pcoord len 21 × ndim 1 float32 (ODLD's shape). Median over several iterations after a few
 * warm-up commits. Run: npx tsc && node dist/bench/store.js
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { IterationRecord, RunDefinition } from '../core/plugins.js';
import { Endpoint, IstateStatus, IstateType } from '../core/types.js';
import type { CompletedIteration, InitialState, PcoordShape, PreparedIteration } from '../core/types.js';
import { WestH5Store } from '../plugins/stores/westh5/index.js';

const SHAPE: PcoordShape = { len: 21, ndim: 1, dtype: 'float32' };
/** Fewer commits for larger runs; the first WARMUP commits of each are not timed (JIT, file growth). */
const RUNS = [
  { walkers: 1_000, commits: 30 },
  { walkers: 10_000, commits: 20 },
  { walkers: 100_000, commits: 10 },
];
const WARMUP = 3;

/** Every walker continues from the same-numbered walker, so iterations differ only in their number. */
function preparedIteration(iteration: number, n: number, istates: InitialState[]): PreparedIteration {
  return {
    iteration,
    n,
    weight: new Float64Array(n).fill(1 / n),
    parentId: iteration === 1 ? Int32Array.from({ length: n }, () => -1) : Int32Array.from({ length: n }, (_, i) => i),
    wtgOffset: Uint32Array.from({ length: n + 1 }, (_, i) => i),
    wtgParents: iteration === 1 ? new Int32Array(n).fill(-1) : Int32Array.from({ length: n }, (_, i) => i),
    initialPoints: Float64Array.from({ length: n }, (_, i) => Math.fround(8 + i / n)),
    binTargetCounts: new Uint32Array(102).fill(10),
    newIstates: iteration === 1 ? istates : [],
  };
}

function completedIteration(p: PreparedIteration): CompletedIteration {
  const pcoord = new Float32Array(p.n * SHAPE.len);
  for (let i = 0; i < p.n; i++) for (let t = 0; t < SHAPE.len; t++) pcoord[i * SHAPE.len + t] = p.initialPoints[i] - t * 1e-3;
  return {
    iteration: p.iteration,
    pcoord,
    cputime: new Float64Array(p.n).fill(1e-4),
    walltime: new Float64Array(p.n).fill(1e-4),
    endpointType: new Uint8Array(p.n).fill(Endpoint.continues),
    targetFlux: new Float64Array(1),
    minBinProb: 1 / p.n,
    maxBinProb: 0.5,
    walltimeTotal: 1,
    cputimeTotal: p.n * 1e-4,
  };
}

async function commitTimes(dir: string, n: number, commits: number): Promise<{ ms: number; bytesPerIteration: number }> {
  const path = join(dir, `west-${n}.h5`);
  const istates: InitialState[] = [
    { id: 0, iterCreated: 1, iterUsed: 1, basisStateId: 0, type: IstateType.basis, status: IstateStatus.prepared, pcoord: Float64Array.of(8) },
  ];
  const run: RunDefinition = {
    pcoord: SHAPE,
    basisStates: [{ label: 'start', probability: 1, auxref: '0', pcoord: [8] }],
    targetStates: [{ label: 'well', pcoord: [1] }],
    binhash: 'f'.repeat(64),
    nbins: 102,
  };
  const store = new WestH5Store(path, SHAPE);
  let prepared = preparedIteration(1, n, istates);
  await store.initialize(run, prepared, true);
  const times: number[] = [];
  for (let k = 0; k < WARMUP + commits; k++) {
    const next = preparedIteration(prepared.iteration + 1, n, istates);
    const record: IterationRecord = { prepared, completed: completedIteration(prepared), next, istates };
    const start = performance.now();
    await store.commit(record, 'f'.repeat(64));
    if (k >= WARMUP) times.push(performance.now() - start);
    prepared = next;
  }
  await store.close();
  times.sort((a, b) => a - b);
  const bytesPerIteration = statSync(path).size / prepared.iteration;
  return { ms: times[times.length >> 1], bytesPerIteration };
}

export async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-store-'));
  try {
    console.log(`west.h5 commit: iteration N written, N+1 prepared, flushed (pcoord ${SHAPE.len} x ${SHAPE.ndim} ${SHAPE.dtype})`);
    console.log('walkers  commits   median ms/iteration   us/walker   MB/iteration');
    for (const { walkers: n, commits } of RUNS) {
      const { ms, bytesPerIteration } = await commitTimes(dir, n, commits);
      console.log(
        `${String(n).padStart(7)} ${String(commits).padStart(8)} ${ms.toFixed(1).padStart(21)} ${((ms * 1000) / n).toFixed(2).padStart(11)} ${(bytesPerIteration / 2 ** 20).toFixed(2).padStart(14)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
