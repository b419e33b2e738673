/**
 * The `Store` that keeps a run in WESTPA's west.h5 (format 9). The file stays open between commits; each commit
 * is one write and one flush, with west_current_iteration advanced last, and is undone if it fails or is killed
 * part-way (undo-log.ts), so the file is always as some commit left it. Whole-file rewrites (init, truncate) go
 * to a temporary file renamed over the target, so a failure never leaves half a file.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { WeError } from '../../../core/errors.js';
import { formatBytes, requireFreeSpace, type SpaceNeed } from '../../../core/free-space.js';
import { faultPoint } from '../../../core/driver/fault-injection.js';
import type { IterationRecord, RunDefinition, Store, StoreContext, StoredRun } from '../../../core/plugins.js';
import type { BasisState, PcoordShape, PreparedIteration } from '../../../core/types.js';
import type { File } from './hdf5.js';
import { closeHdf5, createHdf5, getGroup, hdf5Call, loadHdf5, openHdf5, readAttr, readColumns } from './hdf5.js';
import { FileWriter } from './file-writer.js';
import { UndoLog, undoPath } from './undo-log.js';
import { completedGroupData, completedSummary, preparedGroupData, preparedSummary, recycledWeights } from './iteration-data.js';
import { ATTR, PATH, WE_VERSION, iterationPath } from './layout.js';
import { westh5Options } from './options.js';
import { readStoredRun } from './stored-run.js';
import { parsePluginOptions } from '../../options.js';
import {
  checkWestH5,
  countIstates,
  readBasisStates,
  readCurrentIteration,
  readIstates,
  readIterationGroup,
  readNewWeights,
  readPcoordShape,
  readPreparedIteration,
  readSummary,
  readTargetStates,
} from './read.js';
import {
  appendIstates,
  resizeSummary,
  setCurrentIteration,
  writeIterationGroup,
  writeIterationResults,
  writeRootAttrs,
  writeStateSets,
  writeSummaryRows,
} from './write.js';

function sameShape(a: PcoordShape, b: PcoordShape): boolean {
  return a.len === b.len && a.ndim === b.ndim && a.dtype === b.dtype;
}

function describeShape(s: PcoordShape): string {
  return `pcoord len ${s.len}, ndim ${s.ndim}, ${s.dtype}`;
}

function shapeDifferences(found: PcoordShape, expected: PcoordShape): string {
  const fields = (['len', 'ndim', 'dtype'] as const).filter((k) => found[k] !== expected[k]);
  return fields.map((k) => `pcoord.${k}`).join(' and ') + (fields.length > 1 ? ' differ' : ' differs');
}

/** Writes a whole new file through `write`, then renames it over `path`; nothing is left behind on failure. */
function replaceFile(path: string, what: string, write: (w: FileWriter) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    hdf5Call(path, what, () => {
      const file = createHdf5(tmp);
      try {
        write(new FileWriter(file));
      } finally {
        closeHdf5(file);
      }
    });
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Room for what a commit writes beyond its arrays: HDF5's object headers, B-tree and heap growth, and the undo
 * log's copies of the metadata it overwrites.
 */
const COMMIT_SLACK_BYTES = 1 << 20;

/** Bytes of the arrays a record holds: the data a commit writes (and, for the completed iteration, overwrites). */
function arrayBytes(value: unknown): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value && typeof value === 'object') return Object.values(value).reduce((sum: number, v) => sum + arrayBytes(v), 0);
  return 0;
}

/** What a failed write's errno means to a user. */
const FULL: Record<string, string> = {
  ENOSPC: 'the file system is full',
  EDQUOT: 'the disk quota is exceeded',
};

function binhashOf(file: File, iteration: number): string {
  return String(readAttr(getGroup(file, iterationPath(iteration)), ATTR.binhash) ?? '');
}

/** The binhash in an iteration's /summary row: ours where `we` prepared the iteration, empty where WESTPA did. */
function summaryBinhash(file: File, iteration: number): string {
  return String(readColumns(file, PATH.summary, ['binhash'], { from: iteration - 1, to: iteration }).binhash[0] ?? '');
}

/**
 * What the file holds as of this process's last successful initialize, commit or truncate, so that the next
 * commit need not read it back. Dropped on close (another program may change the file) and on any failure.
 */
interface FileState {
  /** west_current_iteration. */
  current: number;
  /** Rows of the initial state table: the states made before iteration `current` ran, and no others. */
  istates: number;
  /** Iteration `current`'s /summary binhash (empty where another program prepared it). */
  binhash: string;
}

export class WestH5Store implements Store {
  private writer: FileWriter | undefined;
  /** Watches the writer's file while it is open. */
  private undo: UndoLog | undefined;
  private state: FileState | undefined;
  /** Bytes the last commit added to the file, the guide to what the next one needs. */
  private lastGrowth = 0;

  constructor(
    readonly path: string,
    private shape: PcoordShape,
  ) {}

  async initialize(run: RunDefinition, first: PreparedIteration, force: boolean): Promise<void> {
    await loadHdf5();
    if (existsSync(this.path) && !force) throw new WeError('already exists; use --force to overwrite it', this.path);
    if (first.iteration !== 1) throw new WeError(`the first prepared iteration is ${first.iteration}; expected 1`, this.path);
    await this.close();
    // What it would undo belongs to the file being replaced.
    rmSync(undoPath(this.path), { force: true });
    this.shape = run.pcoord;
    const bstatePcoords = new Float64Array(run.basisStates.length * run.pcoord.ndim).fill(NaN);
    run.basisStates.forEach((state, i) => {
      const pcoord = state.pcoord ?? first.newIstates.find((s) => s.basisStateId === i)?.pcoord;
      if (pcoord) bstatePcoords.set(pcoord.slice(0, run.pcoord.ndim), i * run.pcoord.ndim);
    });
    replaceFile(this.path, 'writing the new west.h5 failed', (w) => {
      writeRootAttrs(w, WE_VERSION);
      resizeSummary(w, 1);
      writeStateSets(w, run.basisStates, bstatePcoords, run.targetStates, run.pcoord);
      writeIterationGroup(w, preparedGroupData(first, run.pcoord, run.binhash, this.path), run.pcoord);
      appendIstates(w, first.newIstates, 0, run.pcoord);
      writeSummaryRows(w, 1, [preparedSummary(first.weight, run.binhash)]);
      setCurrentIteration(w, 1);
    });
    this.state = { current: 1, istates: first.newIstates.length, binhash: run.binhash };
  }

  /** The more of the last commit's growth and twice this record's arrays (in memory as float64), plus slack. */
  spaceNeeded(record: IterationRecord): SpaceNeed {
    return { path: this.path, bytes: 2 * Math.max(this.lastGrowth, arrayBytes(record.completed) + arrayBytes(record.next)) + COMMIT_SLACK_BYTES };
  }

  /**
   * Writes only what iteration n's completion changes in its group, then iteration n + 1's group (with the
   * new_weights of n's recycling), the initial states it uses (made by n's recycling; appended after those used
   * up to n), both summary rows and the pointer; one flush. Refused, writing nothing, when the file system has
   * not the room (spaceNeeded); undone when it fails part-way.
   */
  async commit(record: IterationRecord, binhash: string): Promise<void> {
    const n = record.completed.iteration;
    const need = this.spaceNeeded(record);
    requireFreeSpace([need]);
    const w = await this.writable();
    const sizeBefore = statSync(this.path).size;
    try {
      hdf5Call(this.path, `committing iteration ${n} failed`, () => this.writeCommit(w, record, binhash));
      this.undo?.checkpoint();
    } catch (error) {
      const failure = this.undo?.failure;
      this.abandonWriter();
      if (failure && FULL[failure]) {
        throw new WeError(
          `${FULL[failure]} (${failure}): committing iteration ${n} failed and was undone, the file is as before it; ` +
            `free at least ${formatBytes(need.bytes)} and run \`we run\` again`,
          this.path,
        );
      }
      throw error;
    }
    this.lastGrowth = Math.max(0, statSync(this.path).size - sizeBefore);
  }

  private writeCommit(w: FileWriter, record: IterationRecord, binhash: string): void {
    const n = record.completed.iteration;
    const known = this.state;
    this.state = undefined;
    const current = known?.current ?? readCurrentIteration(w.file);
    // current === n + 1: an earlier commit of n finished or got as far as the pointer; redoing it is harmless.
    if (current !== n && current !== n + 1) {
      throw new WeError(`the file's current iteration is ${current}; cannot commit iteration ${n}`, this.path);
    }
    if (record.next.iteration !== n + 1) {
      throw new WeError(`record.next is iteration ${record.next.iteration}; expected ${n + 1}`, this.path);
    }
    const sameAsKnown = known?.current === n;
    writeIterationResults(w, completedGroupData(record, this.shape, this.path), this.shape);
    // A crash here leaves iteration n half rewritten (partly on disk, partly in HDF5's cache): the next open undoes it.
    faultPoint('store-midwrite', n);
    let basisStates: BasisState[] | undefined;
    const basisStatePoint = (id: number) => (basisStates ??= readBasisStates(w.file))[id]?.pcoord;
    writeIterationGroup(w, {
      ...preparedGroupData(record.next, this.shape, binhash, this.path),
      newWeights: recycledWeights(record, this.shape, basisStatePoint, this.path),
    }, this.shape);
    const firstId = sameAsKnown ? known.istates : countIstates(w.file, n);
    appendIstates(w, record.next.newIstates, firstId, this.shape);
    resizeSummary(w, n + 1);
    writeSummaryRows(w, n, [
      completedSummary(record, sameAsKnown ? known.binhash : summaryBinhash(w.file, n)),
      preparedSummary(record.next.weight, binhash),
    ]);
    setCurrentIteration(w, n + 1);
    w.file.flush();
    this.state = { current: n + 1, istates: firstId + record.next.newIstates.length, binhash };
    // commits from now on touch iterations n + 1 and later (or redo n)
    w.forgetGroup(iterationPath(n - 1));
  }

  async currentIteration(): Promise<number> {
    const w = await this.writable();
    return hdf5Call(this.path, 'reading the current iteration failed', () => readCurrentIteration(w.file));
  }

  async readRun(iteration: number): Promise<StoredRun> {
    const w = await this.writable();
    return hdf5Call(this.path, `reading iteration ${iteration} and the run before it failed`, () => {
      this.requireIteration(w.file, iteration);
      return readStoredRun(w.file, iteration);
    });
  }

  /**
   * Leaves iteration n prepared (as its group was before it ran) and removes everything after it: the groups of
   * later iterations, their summary rows and the initial states they use. WESTPA's `w_truncate -n n` instead
   * deletes group n too and points at the completed n - 1, whose resampling w_run then redoes; keeping n prepared
   * keeps its walkers, and readPrepared(n) gives them back. h5wasm cannot delete objects, so the kept part is
   * copied into a new file that replaces the old one.
   */
  async truncate(n: number): Promise<void> {
    const src = (await this.writable()).file;
    let kept: FileState | undefined;
    replaceFile(this.path, `truncating to iteration ${n} failed`, (dst) => {
      this.requireIteration(src, n);
      const shape = this.shape;
      writeRootAttrs(dst, String(readAttr(src, ATTR.version) ?? WE_VERSION));
      const basisStates = readBasisStates(src);
      writeStateSets(dst, basisStates, Float64Array.from(basisStates.flatMap((b) => b.pcoord ?? [])), readTargetStates(src), shape);
      const istates = readIstates(src, { from: 0, to: countIstates(src, n) });
      appendIstates(dst, istates, 0, shape);
      const summary = readSummary(src);
      resizeSummary(dst, n);
      for (let k = 1; k < n; k++) writeIterationGroup(dst, readIterationGroup(src, k), shape);
      writeSummaryRows(dst, 1, summary.slice(0, n - 1));
      const prepared = readPreparedIteration(src, n);
      // n's new_weights record the recycling at the end of n - 1, which is kept
      writeIterationGroup(dst, { ...preparedGroupData(prepared, shape, binhashOf(src, n), this.path), newWeights: readNewWeights(src, n, shape) }, shape);
      // empty where WESTPA prepared n: its binhash (of a pickled mapper) is not comparable with ours
      const binhash = summary[n - 1].binhash;
      writeSummaryRows(dst, n, [preparedSummary(prepared.weight, binhash)]);
      setCurrentIteration(dst, n);
      kept = { current: n, istates: istates.length, binhash };
      this.closeWriter();
    });
    this.state = kept;
  }

  async close(): Promise<void> {
    this.closeWriter();
    this.state = undefined;
  }

  /** Closing may write too (HDF5 settles its free space): watched like a commit, undone if it fails. */
  private closeWriter(): void {
    const { writer, undo } = this;
    this.writer = undefined;
    this.undo = undefined;
    if (!writer) return;
    try {
      closeHdf5(writer.file);
      undo?.checkpoint();
    } catch (error) {
      undo?.rollback();
      throw error;
    } finally {
      undo?.detach();
    }
  }

  /**
   * After a failed write the HDF5 handle's idea of the file is wrong: it may write nothing more, and the file
   * goes back to the last checkpoint. The next use opens it afresh.
   */
  private abandonWriter(): void {
    const { writer, undo } = this;
    this.writer = undefined;
    this.undo = undefined;
    this.state = undefined;
    undo?.abandon();
    try {
      if (writer) closeHdf5(writer.file);
    } catch {
      // Its writes are refused; closing only releases what HDF5 holds.
    }
    undo?.rollback();
  }

  private requireIteration(file: File, iteration: number): void {
    const current = readCurrentIteration(file);
    if (!Number.isInteger(iteration) || iteration < 1 || iteration > current) {
      throw new WeError(`iteration ${iteration} is not in the file; it holds iterations 1 to ${current}`, this.path);
    }
  }

  /** Opens the file for writing on first use, after checking read-only that it is a west.h5 of this run. */
  private async writable(): Promise<FileWriter> {
    if (this.writer) return this.writer;
    await loadHdf5();
    // A commit killed part-way is undone before anything reads the file.
    UndoLog.recover(this.path);
    const probe = openHdf5(this.path, 'r');
    try {
      hdf5Call(this.path, 'reading failed', () => {
        const current = checkWestH5(probe);
        const found = readPcoordShape(probe, current);
        if (!sameShape(found, this.shape)) {
          throw new WeError(
            `was written with ${describeShape(found)}; the run has ${describeShape(this.shape)} (${shapeDifferences(found, this.shape)})`,
            this.path,
          );
        }
      });
    } finally {
      closeHdf5(probe);
    }
    // Opening marks the file as open for writing: that change belongs to the first commit's transaction, so
    // undoing that commit gives back the very bytes found here.
    const undo = new UndoLog(this.path);
    try {
      this.writer = new FileWriter(openHdf5(this.path, 'a'));
    } catch (error) {
      undo.rollback();
      undo.detach();
      throw error;
    }
    this.undo = undo;
    return this.writer;
  }
}

/** Store factory for the plugin registry: the file is ctx.path (store.path in we.yaml); there are no options. */
export async function createWestH5Store(ctx: StoreContext, options: Record<string, unknown>): Promise<Store> {
  parsePluginOptions(westh5Options, options, ctx.configFile, 'store.options');
  await loadHdf5();
  return new WestH5Store(ctx.path, ctx.pcoord);
}
