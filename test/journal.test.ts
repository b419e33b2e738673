import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal, writeJournal, type Journal } from '../core/driver/journal.js';
import { tempDir } from './helpers/temp-dir.js';

function journal(iteration: number): Journal {
  return {
    iteration,
    binhash: 'ab'.repeat(32),
    prepared: {
      iteration,
      n: 2,
      weight: Float64Array.of(0.75, 0.25),
      parentId: Int32Array.of(0, -1),
      wtgOffset: Uint32Array.of(0, 1, 2),
      wtgParents: Int32Array.of(0, 3),
      initialPoints: Float64Array.of(1.5, 8),
      binTargetCounts: Uint32Array.of(2, 2, 2),
      newIstates: [{ id: 0, iterCreated: iteration - 1, iterUsed: iteration, basisStateId: 0, type: 1, status: 1, pcoord: Float64Array.of(8) }],
    },
    occupiedBins: 2,
    istateCount: 1,
    basisStatePoints: Float64Array.of(8),
    history: [
      { iteration: iteration - 1, nWalkers: 2, totalWeight: 1, minWeight: 0.25, maxWeight: 0.75, flux: [0.125, 0], walltime: 0.5 },
    ],
  };
}

describe('the journal', () => {
  it('round-trips typed arrays, non-finite numbers and the history', () => {
    const path = join(tempDir('journal'), 'west.h5.journal');
    const j = { ...journal(5), history: [{ ...journal(5).history[0], minWeight: Infinity }] };
    writeJournal(path, j);
    expect(readJournal(path)).toEqual(j);
  });

  it('reads the newest intact slot: a torn or corrupted write falls back to the previous iteration', () => {
    const path = join(tempDir('journal'), 'west.h5.journal');
    expect(readJournal(path)).toBeUndefined();
    writeJournal(path, journal(3));
    writeJournal(path, journal(4));
    expect(readJournal(path)?.iteration).toBe(4);
    writeJournal(path, journal(5)); // overwrites the slot that held 3
    expect(readJournal(path)?.iteration).toBe(5);

    const newest = [`${path}.0`, `${path}.1`].find((p) => readFileSync(p).includes(Buffer.from('"iteration":5')))!;
    truncateSync(newest, statSync(newest).size - 5); // torn write
    expect(readJournal(path)?.iteration).toBe(4);
    writeJournal(path, journal(6)); // goes over the torn slot, not over 4
    expect(readJournal(path)?.iteration).toBe(6);

    expect(readFileSync(newest).includes(Buffer.from('"iteration":6'))).toBe(true);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 3] ^= 0xff; // a flipped bit in the body
    writeFileSync(newest, bytes);
    expect(readJournal(path)?.iteration).toBe(4);
  });

  it('names both slot files when neither is intact', () => {
    const path = join(tempDir('journal'), 'west.h5.journal');
    writeFileSync(`${path}.0`, 'garbage');
    writeFileSync(`${path}.1`, 'WEJ2 also garbage');
    expect(() => readJournal(path)).toThrow(/no intact journal slot .*west\.h5\.journal\.0.*west\.h5\.journal\.1.*both are damaged/);
  });
});
