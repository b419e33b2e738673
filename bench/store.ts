/**
 * west.h5 commit speed: one Store.commit (iteration N's results, N + 1 prepared with the new_weights of N's
 * recycling, the initial states N created for N + 1, summary rows, pointer, flush) for 1,000 / 10,000 / 100,000
 * walkers, pcoord len 21 × ndim 1 float32 (ODLD's shape), 1% of walkers recycled into new initial states each
 * iteration. The machine is shared, so each
 * commit is followed by two baselines in the same process on the same bytes: h5wasm writing them as one new
 * dataset (the file grows as a commit makes it grow) and over one existing dataset, each with a flush. Every
 * other commit runs with the undo log's copying switched off (undo-log.ts: what makes a failed commit undoable),
 * to show what it costs, and the undo log's size is taken before each checkpoint removes it. Medians after a few
 * warm-up commits. Run: npx tsc -p tsconfig.json && node dist/bench/store.js
 */
import h5wasm from 'h5wasm/node';
import type { Dataset } from 'h5wasm/node';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { IterationRecord } from '../core/plugins.js';
import { WestH5Store } from '../plugins/stores/westh5/index.js';
import { UndoLog, undoPath } from '../plugins/stores/westh5/undo-log.js';
import { median } from './lib/median.js';
import { BINHASH, NBINS, SHAPE, completedIteration, preparedIteration, runDefinition } from './lib/synthetic-run.js';
/** Fewer commits for larger runs; the first WARMUP commits of each are not timed (JIT, file growth). */
const RUNS = [
  { walkers: 1_000, commits: 60 },
  { walkers: 10_000, commits: 30 },
  { walkers: 100_000, commits: 10 },
];
const WARMUP = 5;
/**
 * Commits run once, untimed, before any run: V8 first runs the HDF5 WebAssembly unoptimised and tiers it up as it
 * runs, which otherwise slows the first run's commits by about half.
 */
const PROCESS_WARMUP = { walkers: 1_000, commits: 200 };
const RECYCLED = 0.01;

/**
 * Bytes a commit hands to HDF5: iteration N's seg_index and pcoord (and flux), N + 1's group with its new_weights
 * (one row and three points per new initial state), istates, 2 summary rows.
 */
function commitBytes(n: number, newIstates: number): number {
  const segIndex = n * 50;
  const pcoord = n * SHAPE.len * SHAPE.ndim * 4;
  const newWeights = newIstates * (33 + 3 * 4 * SHAPE.ndim);
  return 2 * (segIndex + pcoord) + 8 + 8 * n + 8 * NBINS + newIstates * (90 + 4 * SHAPE.ndim) + newWeights + 2 * 128;
}

/** Whether the undo log copies what commits overwrite (off: the commit as it was before the undo log). */
let undoCopying = true;
/** Bytes of the undo log at each checkpoint, as the bench's commits left it. */
const undoSizes: number[] = [];

function instrumentUndoLog(): void {
  const { beforeChange, beforeTruncate, checkpoint } = UndoLog.prototype;
  UndoLog.prototype.beforeChange = function (this: UndoLog, ...args: Parameters<UndoLog['beforeChange']>) {
    if (undoCopying) beforeChange.apply(this, args);
  };
  UndoLog.prototype.beforeTruncate = function (this: UndoLog, ...args: Parameters<UndoLog['beforeTruncate']>) {
    if (undoCopying) beforeTruncate.apply(this, args);
  };
  UndoLog.prototype.checkpoint = function (this: UndoLog) {
    const file = (this as unknown as { file: string }).file;
    try {
      undoSizes.push(statSync(undoPath(file)).size);
    } catch {
      // no transaction: nothing was written since the last checkpoint
    }
    checkpoint.call(this);
  };
}

interface Timing {
  commit: number;
  /** The same commits without the undo log's copies. */
  commitNoUndo: number;
  undoBytes: number;
  rawAppend: number;
  rawOverwrite: number;
  bytesPerIteration: number;
}

async function commitTimes(dir: string, n: number, commits: number): Promise<Timing> {
  const path = join(dir, `west-${n}.h5`);
  const recycled = Math.round(n * RECYCLED);
  const store = new WestH5Store(path, SHAPE);
  let prepared = preparedIteration(1, n, 0, 1);
  let istates = 1;
  await store.initialize(runDefinition(), prepared, true);

  const raw = new h5wasm.File(join(dir, `raw-${n}.h5`), 'w');
  const bytes = new Uint8Array(commitBytes(n, recycled)).fill(7);
  raw.create_dataset({ name: 'overwrite', data: bytes });
  const times: (Omit<Timing, 'commitNoUndo' | 'undoBytes'> & { undo: boolean })[] = [];
  undoSizes.length = 0;
  for (let k = 0; k < WARMUP + 2 * commits; k++) {
    const next = preparedIteration(prepared.iteration + 1, n, istates, recycled);
    const record: IterationRecord = { prepared, completed: completedIteration(prepared, istates, recycled), next };
    undoCopying = k % 2 === 0;
    const t0 = performance.now();
    await store.commit(record, BINHASH);
    const t1 = performance.now();
    undoCopying = true;
    raw.create_dataset({ name: `append-${k}`, data: bytes });
    raw.flush();
    const t2 = performance.now();
    (raw.get('overwrite') as Dataset).write_slice([[0, bytes.length]], bytes);
    raw.flush();
    const t3 = performance.now();
    if (k >= WARMUP) times.push({ commit: t1 - t0, rawAppend: t2 - t1, rawOverwrite: t3 - t2, bytesPerIteration: 0, undo: k % 2 === 0 });
    prepared = next;
    istates += recycled;
  }
  raw.close();
  await store.close();
  return {
    commit: median(times.filter((t) => t.undo).map((t) => t.commit)),
    commitNoUndo: median(times.filter((t) => !t.undo).map((t) => t.commit)),
    undoBytes: median(undoSizes),
    rawAppend: median(times.map((t) => t.rawAppend)),
    rawOverwrite: median(times.map((t) => t.rawOverwrite)),
    bytesPerIteration: statSync(path).size / prepared.iteration,
  };
}

export async function main(): Promise<void> {
  await h5wasm.ready;
  instrumentUndoLog();
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-store-'));
  try {
    await commitTimes(dir, PROCESS_WARMUP.walkers, PROCESS_WARMUP.commits);
    console.log(`west.h5 commit (pcoord ${SHAPE.len} x ${SHAPE.ndim} ${SHAPE.dtype}, ${RECYCLED * 100}% recycled): median ms`);
    console.log('walkers  commits   commit  no-undo  undo-cost  undo-KiB  raw-append  raw-overwrite  commit/append  us/walker  MB/iteration');
    for (const { walkers: n, commits } of RUNS) {
      const t = await commitTimes(dir, n, commits);
      console.log(
        [
          String(n).padStart(7),
          String(commits).padStart(8),
          t.commit.toFixed(2).padStart(8),
          t.commitNoUndo.toFixed(2).padStart(8),
          `${(100 * (t.commit / t.commitNoUndo - 1)).toFixed(0)}%`.padStart(10),
          (t.undoBytes / 1024).toFixed(0).padStart(9),
          t.rawAppend.toFixed(2).padStart(11),
          t.rawOverwrite.toFixed(2).padStart(14),
          (t.commit / t.rawAppend).toFixed(2).padStart(14),
          ((t.commit * 1000) / n).toFixed(2).padStart(10),
          (t.bytesPerIteration / 2 ** 20).toFixed(2).padStart(13),
        ].join(' '),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
