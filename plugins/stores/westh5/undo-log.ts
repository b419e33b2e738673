/**
 * A rollback journal for west.h5 (as SQLite's): before HDF5 overwrites bytes the file had at the last checkpoint,
 * they are copied to `west.h5.undo`; bytes appended past that size need no copy, truncating back removes them. A
 * commit that fails (a full disk, an exceeded quota, an I/O error) or is killed part-way is undone by writing the
 * copies back and truncating, which leaves the file exactly as it was after the previous commit, whatever HDF5
 * had written meanwhile. The journal of the run (core/driver/journal.ts) then redoes the commit.
 *
 * Copying the whole file per iteration would cost its size every time (100 GB on large runs); this costs what a
 * commit overwrites: the completed iteration's pcoord and seg_index (written as placeholders when it was
 * prepared) and HDF5's metadata. WESTPA users split the file per iteration (westpa#138) so that a failure cannot
 * reach earlier iterations' data; here no failure reaches any earlier state of the file, and tools keep one
 * west.h5.
 *
 * The copies are taken where every write leaves h5wasm: its Emscripten file system's `write` and `ftruncate`,
 * for the streams open on the file. No fsync: as for the run's journal, a killed process loses nothing the
 * kernel has, a machine crash is not covered.
 *
 * Undo file: "WEUNDO01", the size to truncate back to (f64), a CRC32 of those 16 bytes; then records of offset
 * (f64), length (u32), CRC32 (u32) of offset and bytes, and the bytes. A record is complete on disk before the
 * write it protects starts, so a torn last record protects a write that never happened and is ignored.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Module } from 'h5wasm/node';
import { WeError, failureReason } from '../../../core/errors.js';

interface FsStream {
  path?: string;
  nfd?: number;
  position: number;
}

type ErrnoError = Error & { errno: number; code?: string };

/** The parts of h5wasm's Emscripten file system (NODERAWFS: straight to Node's fs) this module hooks. */
interface EmscriptenFs {
  write(stream: FsStream, buffer: ArrayBufferView, offset: number, length: number, position?: number, canOwn?: boolean): number;
  ftruncate(fd: number, length: number): void;
  getStream(fd: number): FsStream | null;
  streams: (FsStream | null | undefined)[];
  ErrnoError: new (errno: number) => ErrnoError;
}

const MAGIC = Buffer.from('WEUNDO01', 'latin1');
const HEADER_BYTES = 20;
const RECORD_HEADER_BYTES = 16;

export function undoPath(file: string): string {
  return `${file}.undo`;
}

function emscriptenFs(): EmscriptenFs {
  return (Module as unknown as { FS: EmscriptenFs }).FS;
}

/** Emscripten numbers errno its own way: find the number whose ErrnoError has `code` (ENOSPC, EIO, ...). */
const errnoNumbers = new Map<string, number>();
function errnoError(code: string): ErrnoError {
  const { ErrnoError } = emscriptenFs();
  if (!errnoNumbers.has(code)) {
    for (let n = 1; n < 256; n++) {
      if (new ErrnoError(n).code === code) {
        errnoNumbers.set(code, n);
        break;
      }
    }
  }
  return new ErrnoError(errnoNumbers.get(code) ?? errnoNumbers.get('EIO') ?? 29);
}

/** The undo log watching each file, by the path HDF5 opened it with; streams that may no longer write. */
const watched = new Map<string, UndoLog>();
const refused = new WeakSet<FsStream>();

/** Wraps h5wasm's write and ftruncate once per process; files no log watches pass straight through. */
function installHooks(): void {
  const fs = emscriptenFs();
  if ((fs as { undoHooks?: boolean }).undoHooks) return;
  (fs as { undoHooks?: boolean }).undoHooks = true;
  const write = fs.write.bind(fs);
  const ftruncate = fs.ftruncate.bind(fs);
  fs.write = (stream, buffer, offset, length, position, canOwn) => {
    const log = stream.path === undefined ? undefined : watched.get(stream.path);
    if (!log && !refused.has(stream)) return write(stream, buffer, offset, length, position, canOwn);
    if (refused.has(stream)) throw errnoError('EIO');
    log!.beforeChange(stream, position ?? stream.position, length);
    return log!.noting(() => write(stream, buffer, offset, length, position, canOwn));
  };
  fs.ftruncate = (fd, length) => {
    const stream = fs.getStream(fd);
    const log = stream?.path === undefined ? undefined : watched.get(stream.path);
    if (stream && refused.has(stream)) throw errnoError('EIO');
    if (stream && log) log.beforeTruncate(stream, length);
    return log ? log.noting(() => ftruncate(fd, length)) : ftruncate(fd, length);
  };
}

export class UndoLog {
  private readonly undo: string;
  /** Open while a transaction (writes since the last checkpoint) is under way. */
  private fd: number | undefined;
  private undoSize = 0;
  /** The file's size at the last checkpoint: bytes past it need no copy. */
  private baseline = 0;
  /** Byte ranges [start, end) of the file already copied in this transaction, sorted and disjoint. */
  private saved: [number, number][] = [];
  private readonly streams = new Set<FsStream>();
  /** Why the last write to the file or to the undo log failed (ENOSPC, EDQUOT, EIO, ...). */
  failure: string | undefined;

  /** Starts watching `file` (as HDF5 will open it); open the HDF5 file after this. */
  constructor(private readonly file: string) {
    this.undo = undoPath(file);
    installHooks();
    watched.set(file, this);
  }

  /**
   * Puts back what an interrupted transaction left in `file.undo` (a process killed during a commit), then
   * removes it. False when there was none. Idempotent: a crash while rolling back is rolled back again.
   */
  static recover(file: string): boolean {
    const undo = undoPath(file);
    let bytes: Buffer;
    try {
      bytes = readFileSync(undo);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new WeError(`cannot read the undo log of an interrupted commit: ${failureReason(error)}`, undo);
    }
    const header = bytes.subarray(0, 16);
    const valid = bytes.length >= HEADER_BYTES && header.subarray(0, 8).equals(MAGIC) && crc32(header) === bytes.readUInt32LE(16);
    // A header is complete before the first change it protects: without one the file was not touched.
    if (valid) {
      try {
        const fd = openSync(file, 'r+');
        try {
          for (let at = HEADER_BYTES; at + RECORD_HEADER_BYTES <= bytes.length; ) {
            const offset = bytes.readDoubleLE(at);
            const length = bytes.readUInt32LE(at + 8);
            const end = at + RECORD_HEADER_BYTES + length;
            if (end > bytes.length || crc32(bytes.subarray(at + RECORD_HEADER_BYTES, end), crc32(bytes.subarray(at, at + 8))) !== bytes.readUInt32LE(at + 12)) break;
            writeSync(fd, bytes, at + RECORD_HEADER_BYTES, length, offset);
            at = end;
          }
          ftruncateSync(fd, bytes.readDoubleLE(8));
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        throw new WeError(
          `could not roll back an interrupted commit (${failureReason(error)}); ${undo} keeps what is needed: fix that and run \`we run\` again`,
          file,
        );
      }
    }
    unlinkSync(undo);
    return valid;
  }

  /** The file as it is now is a consistent state (a commit finished and was flushed): forget the copies. */
  checkpoint(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.saved = [];
    unlinkSync(this.undo);
  }

  /** Undoes every change since the last checkpoint. Close or abandon the HDF5 file first. */
  rollback(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    this.saved = [];
    UndoLog.recover(this.file);
  }

  /**
   * After a failure the HDF5 handle's view no longer matches the file: nothing it still writes (a close, a
   * flush on exit) may reach the file. Then the log stops watching; a new handle gets a new log.
   */
  abandon(): void {
    for (const stream of [...this.streams, ...emscriptenFs().streams]) {
      if (stream && stream.path === this.file) refused.add(stream);
    }
    this.detach();
  }

  /** Stops watching the file (after a checkpoint or a rollback). */
  detach(): void {
    if (watched.get(this.file) === this) watched.delete(this.file);
  }

  /** Copies, before `length` bytes at `position` are written, what of them the file had at the last checkpoint. */
  beforeChange(stream: FsStream, position: number, length: number): void {
    this.streams.add(stream);
    this.protect(stream, position, Math.min(position + length, this.begin(stream)));
  }

  /** Copies what a truncation to `length` would cut of the file as it was at the last checkpoint. */
  beforeTruncate(stream: FsStream, length: number): void {
    this.streams.add(stream);
    this.protect(stream, length, this.begin(stream));
  }

  /** Runs a write to the file, remembering why it failed if it does. */
  noting<T>(change: () => T): T {
    try {
      return change();
    } catch (error) {
      this.failure = (error as ErrnoError).code ?? this.failure;
      throw error;
    }
  }

  /** Opens the transaction if none is open; the size to truncate back to. */
  private begin(stream: FsStream): number {
    if (this.fd !== undefined) return this.baseline;
    const header = Buffer.alloc(HEADER_BYTES);
    this.guard(() => {
      this.baseline = fstatSync(stream.nfd!).size;
      MAGIC.copy(header);
      header.writeDoubleLE(this.baseline, 8);
      header.writeUInt32LE(crc32(header.subarray(0, 16)), 16);
      this.fd = openSync(this.undo, 'w');
      this.undoSize = 0;
      this.append(header);
    });
    return this.baseline;
  }

  private protect(stream: FsStream, start: number, end: number): void {
    for (const [from, to] of this.gaps(start, end)) {
      this.guard(() => {
        const record = Buffer.alloc(RECORD_HEADER_BYTES + (to - from));
        const data = record.subarray(RECORD_HEADER_BYTES);
        if (readSync(stream.nfd!, data, 0, data.length, from) !== data.length) throw Object.assign(new Error('short read'), { code: 'EIO' });
        record.writeDoubleLE(from, 0);
        record.writeUInt32LE(data.length, 8);
        record.writeUInt32LE(crc32(data, crc32(record.subarray(0, 8))), 12);
        this.append(record);
      });
      this.markSaved(from, to);
    }
  }

  private append(bytes: Buffer): void {
    const written = writeSync(this.fd!, bytes, 0, bytes.length, this.undoSize);
    this.undoSize += written;
    // A short write means the file system filled up during it.
    if (written !== bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
  }

  /** A failure to protect a change refuses the change: HDF5 sees the write fail and the file stays as it was. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
      this.failure = code;
      throw errnoError(code);
    }
  }

  /** Sub-ranges of [start, end) not copied yet. */
  private gaps(start: number, end: number): [number, number][] {
    const gaps: [number, number][] = [];
    let at = start;
    for (const [from, to] of this.saved) {
      if (at >= end) break;
      if (to <= at) continue;
      if (from > at) gaps.push([at, Math.min(from, end)]);
      at = Math.max(at, to);
    }
    if (at < end) gaps.push([at, end]);
    return gaps;
  }

  private markSaved(start: number, end: number): void {
    const merged: [number, number][] = [];
    let range: [number, number] = [start, end];
    for (const r of this.saved) {
      if (r[1] < range[0] || r[0] > range[1]) merged.push(r);
      else range = [Math.min(r[0], range[0]), Math.max(r[1], range[1])];
    }
    merged.push(range);
    this.saved = merged.sort((a, b) => a[0] - b[0]);
  }
}
