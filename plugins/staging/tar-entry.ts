/**
 * Reads one tar entry's header chain (ustar header, optionally preceded by a pax extended header or GNU long
 * name/link records) at a known position, with positioned reads only. Shared by the indexer, which walks a tar
 * once, and by readers, which re-read the header in front of a member to prove the index still matches.
 */
import type { FileHandle } from 'node:fs/promises';
import { WeError } from '../../core/errors.js';

export const BLOCK = 512;

export type TarEntryType = 'file' | 'symlink' | 'link' | 'directory';

export interface TarEntryHeader {
  /** Path exactly as the archive stores it (not yet checked for confinement). */
  rawPath: string;
  type: TarEntryType;
  size: number;
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkname: string;
  /** Where this entry's first header block starts. */
  headerOffset: number;
  /** Where the member's data starts. */
  dataOffset: number;
  /** Where the next entry's header starts. */
  nextOffset: number;
}

export function paddedSize(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** Reads exactly `length` bytes at `position`, or fewer only at end of file. */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function cString(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

/** Numeric header fields are octal text, or base-256 big-endian when the top bit of the first byte is set. */
function numericField(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksumMatches(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === numericField(block, 148, 8);
}

/** Pax records are `<length> <key>=<value>\n`, where length counts the whole record. */
function parsePaxRecords(data: Buffer, where: string): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length && data[position] !== 0) {
    const space = data.indexOf(0x20, position);
    const length = space === -1 ? NaN : parseInt(data.toString('latin1', position, space), 10);
    if (!Number.isFinite(length) || length <= 0 || position + length > data.length) {
      throw new WeError(`malformed pax record at byte ${position} of an extended header`, where);
    }
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

const TYPE_FLAGS: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'link',
  '2': 'symlink',
  '5': 'directory',
};

/**
 * The entry whose header chain starts at `position`, or null at the end-of-archive marker (or end of file).
 * `where` names the tar in errors.
 */
export async function readEntryAt(handle: FileHandle, position: number, where: string, prefetched?: Buffer): Promise<TarEntryHeader | null> {
  const headerOffset = position;
  // `prefetched` holds bytes from `headerOffset` already read by the caller; past its end, read the file.
  const read = (at: number, length: number): Promise<Buffer> => {
    const start = at - headerOffset;
    if (prefetched !== undefined && start + length <= prefetched.length) return Promise.resolve(prefetched.subarray(start, start + length));
    return readAt(handle, at, length);
  };
  let overridePath: string | undefined;
  let overrideLink: string | undefined;
  let overrideSize: number | undefined;
  for (;;) {
    const block = await read(position, BLOCK);
    if (block.length === 0) return null;
    if (block.length < BLOCK) throw new WeError(`truncated tar header at offset ${position}`, where);
    if (isZeroBlock(block)) return null;
    if (!checksumMatches(block)) throw new WeError(`corrupt tar header at offset ${position} (checksum mismatch)`, where);
    const flag = String.fromCharCode(block[156]);
    const size = numericField(block, 124, 12);
    const dataOffset = position + BLOCK;
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      const data = await read(dataOffset, size);
      if (data.length < size) throw new WeError(`truncated extended header at offset ${position}`, where);
      if (flag === 'x') {
        const records = parsePaxRecords(data, where);
        overridePath = records.get('path') ?? overridePath;
        overrideLink = records.get('linkpath') ?? overrideLink;
        const paxSize = records.get('size');
        if (paxSize !== undefined) overrideSize = Number(paxSize);
      } else if (flag === 'L') {
        overridePath = cString(data, 0, data.length);
      } else if (flag === 'K') {
        overrideLink = cString(data, 0, data.length);
      }
      position = dataOffset + paddedSize(size);
      continue;
    }
    const type = TYPE_FLAGS[flag];
    const name = cString(block, 0, 100);
    if (type === undefined) {
      throw new WeError(`member ${JSON.stringify(overridePath ?? name)}: unsupported tar entry type '${flag}' at offset ${position}; expected file, directory, symlink or hard link`, where);
    }
    const isPosixUstar = block.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = isPosixUstar ? cString(block, 345, 155) : '';
    const entrySize = type === 'file' ? overrideSize ?? size : 0;
    return {
      rawPath: overridePath ?? (prefix ? `${prefix}/${name}` : name),
      type,
      size: entrySize,
      mode: numericField(block, 100, 8) & 0o7777,
      mtime: numericField(block, 136, 12),
      linkname: overrideLink ?? cString(block, 157, 100),
      headerOffset,
      dataOffset,
      nextOffset: dataOffset + paddedSize(entrySize),
    };
  }
}
