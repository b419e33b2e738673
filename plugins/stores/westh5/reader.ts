/** Read-only access to a west.h5 for tools such as `we status`; never writes to the file. */
import type { SummaryRow } from '../../../core/plugins.js';
import type { BasisState, InitialState, PcoordShape, PreparedIteration, TargetState } from '../../../core/types.js';
import type { File } from './hdf5.js';
import { closeHdf5, hdf5Call, loadHdf5, openHdf5 } from './hdf5.js';
import {
  checkWestH5,
  readBasisStates,
  readIstates,
  readPcoordShape,
  readPreparedIteration,
  readSummary,
  readTargetStates,
} from './read.js';

export interface WestH5Reader {
  readonly path: string;
  /** west_current_iteration: the iteration prepared to run next. */
  readonly currentIteration: number;
  readonly pcoord: PcoordShape;
  /** One row per iteration 1 … currentIteration. */
  summary(): SummaryRow[];
  basisStates(): BasisState[];
  targetStates(): TargetState[];
  istates(): InitialState[];
  readPrepared(iteration: number): PreparedIteration;
  close(): void;
}

/** Opens and validates a west.h5 read-only; WeError if it is missing, not HDF5, damaged, not ours or newer. */
export async function openWestH5ForRead(path: string): Promise<WestH5Reader> {
  await loadHdf5();
  const file: File = openHdf5(path, 'r');
  const read = <T>(what: string, fn: () => T): T => hdf5Call(path, what, fn);
  try {
    const currentIteration = read('reading failed', () => checkWestH5(file));
    const pcoord = read('reading failed', () => readPcoordShape(file, currentIteration));
    return {
      path,
      currentIteration,
      pcoord,
      summary: () => read('reading /summary failed', () => readSummary(file)),
      basisStates: () => read('reading basis states failed', () => readBasisStates(file)),
      targetStates: () => read('reading target states failed', () => readTargetStates(file)),
      istates: () => read('reading initial states failed', () => readIstates(file)),
      readPrepared: (n) => read(`reading iteration ${n} failed`, () => readPreparedIteration(file, n)),
      close: () => closeHdf5(file),
    };
  } catch (error) {
    closeHdf5(file);
    throw error;
  }
}
