/**
 * What a lost journal costs: rebuilding it from west.h5 (opening the store and Store.readRun at the current
 * iteration: prepared segments and their initial states, basis-state points, the history from /summary and each
 * iteration's new_weights) against reading the journal it replaces (readJournal of the same run), in the same
 * process on the same files. The history grows with the iterations, the rest with the walkers; 1% of walkers are
 * recycled each iteration, so every iteration has new_weights to read. Medians of 5.
 * Run: npx tsc -p tsconfig.json && node dist/bench/journal-rebuild.js
 */
import h5wasm from 'h5wasm/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { readJournal, writeJournal, type IterationSummary, type Journal } from '../core/driver/journal.js';
import { WestH5Store } from '../plugins/stores/westh5/index.js';
import { median } from './lib/median.js';
import { BINHASH, SHAPE, completedIteration, preparedIteration, runDefinition } from './lib/synthetic-run.js';

const RUNS = [
  { walkers: 1_000, iterations: 100 },
  { walkers: 1_000, iterations: 1_000 },
  { walkers: 10_000, iterations: 100 },
];
const REPEATS = 5;
const RECYCLED = 0.01;

/** A west.h5 of `iterations` completed iterations of `n` walkers, and the journal a run would have beside it. */
async function makeRun(dir: string, n: number, iterations: number): Promise<{ store: string; journal: string }> {
  const path = join(dir, `west-${n}-${iterations}.h5`);
  const recycled = Math.round(n * RECYCLED);
  const store = new WestH5Store(path, SHAPE);
  let prepared = preparedIteration(1, n, 0, 1);
  let istates = 1;
  await store.initialize(runDefinition(), prepared, true);
  const history: IterationSummary[] = [];
  let last: Journal['lastRecord'];
  for (let k = 0; k < iterations; k++) {
    const completed = completedIteration(prepared, istates, recycled);
    const next = preparedIteration(prepared.iteration + 1, n, istates, recycled);
    await store.commit({ prepared, completed, next }, BINHASH);
    history.push({ iteration: prepared.iteration, nWalkers: n, totalWeight: 1, minWeight: 1 / n, maxWeight: 1 / n, flux: [recycled / n], walltime: 1 });
    last = { prepared, completed };
    istates += recycled;
    prepared = next;
  }
  await store.close();
  const journal = join(dir, `west-${n}-${iterations}.h5.journal`);
  writeJournal(journal, {
    iteration: prepared.iteration,
    binhash: BINHASH,
    prepared,
    occupiedBins: 1,
    istateCount: istates,
    basisStatePoints: Float64Array.of(8),
    history,
    lastRecord: last,
  });
  return { store: path, journal };
}

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function main(): Promise<void> {
  await h5wasm.ready;
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-rebuild-'));
  try {
    console.log('journal rebuilt from west.h5 (open + readRun) vs the journal read (readJournal): median ms');
    console.log('walkers  iterations   rebuild   journal   rebuild/journal   rebuild ms per 100 iterations');
    for (const { walkers, iterations } of RUNS) {
      const files = await makeRun(dir, walkers, iterations);
      const rebuild = await timed(async () => {
        const store = new WestH5Store(files.store, SHAPE);
        await store.readRun(iterations + 1);
        await store.close();
      });
      const journal = await timed(() => readJournal(files.journal));
      console.log(
        [
          String(walkers).padStart(7),
          String(iterations).padStart(11),
          rebuild.toFixed(1).padStart(9),
          journal.toFixed(2).padStart(9),
          (rebuild / journal).toFixed(0).padStart(17),
          ((rebuild * 100) / iterations).toFixed(1).padStart(31),
        ].join(' '),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
