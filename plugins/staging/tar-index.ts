/**
 * The index beside an indexed tar (`<tar>.idx.json`): where each member's data starts, so a reader can seek
 * straight to it. A tar without its index is, by convention, not yet gathered.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { WeError } from '../../core/errors.js';
import { assertLinkConfined, canonicalMemberPath } from './member-path.js';
import { readEntryAt } from './tar-entry.js';

export const INDEX_FORMAT = 'we-indexed-tar';
export const INDEX_VERSION = 1;

export interface TarMember {
  /** Canonical relative path, e.g. `000001/000003/seg.dcd`. */
  path: string;
  type: 'file' | 'symlink' | 'link';
  /** Byte offset of the member's data within the tar. */
  offset: number;
  /** Byte offset of the member's first header block (its pax header when it has one). */
  headerOffset: number;
  size: number;
  mode: number;
  /** Seconds since the epoch, as tar stores it. */
  mtime: number;
  /** Target of a symlink (relative to the member's directory) or of a hard link (a member path). */
  linkname?: string;
  sha256?: string;
}

export interface TarIndex {
  format: typeof INDEX_FORMAT;
  version: typeof INDEX_VERSION;
  /** Size of the tar the index describes; a different size means the index is stale. */
  tarSize: number;
  members: TarMember[];
}

export function indexPathFor(tarPath: string): string {
  return `${tarPath}.idx.json`;
}

/**
 * Walks the tar header by header (skipping over data) and returns its index. Every member is checked for
 * confinement; directories are not members (extraction creates them as needed). A later entry with the same
 * path replaces an earlier one, as tar extraction would.
 */
export async function scanTar(tarPath: string): Promise<TarIndex> {
  const handle = await open(tarPath, 'r');
  try {
    const tarSize = (await handle.stat()).size;
    const members = new Map<string, TarMember>();
    let position = 0;
    for (;;) {
      const entry = await readEntryAt(handle, position, tarPath);
      if (entry === null) break;
      if (entry.nextOffset > tarSize) throw new WeError(`member ${JSON.stringify(entry.rawPath)}: data runs past the end of the tar (truncated)`, tarPath);
      position = entry.nextOffset;
      if (entry.type === 'directory') continue;
      const path = canonicalMemberPath(entry.rawPath, tarPath);
      const member: TarMember = {
        path,
        type: entry.type,
        offset: entry.dataOffset,
        headerOffset: entry.headerOffset,
        size: entry.size,
        mode: entry.mode,
        mtime: entry.mtime,
      };
      if (entry.type === 'symlink') {
        assertLinkConfined(path, entry.linkname, tarPath);
        member.linkname = entry.linkname;
      } else if (entry.type === 'link') {
        member.linkname = canonicalMemberPath(entry.linkname, tarPath);
      }
      members.delete(path);
      members.set(path, member);
    }
    return { format: INDEX_FORMAT, version: INDEX_VERSION, tarSize, members: [...members.values()] };
  } finally {
    await handle.close();
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Checks one parsed index entry field by field; a hand-edited or foreign index gets no more trust than a tar. */
function validateMember(value: unknown, field: string, indexPath: string): TarMember {
  const fail = (what: string): never => {
    throw new WeError(`${field}: ${what}`, indexPath);
  };
  if (typeof value !== 'object' || value === null) return fail('expected an object');
  const member = value as Record<string, unknown>;
  if (typeof member.path !== 'string') return fail(`path: expected a string, found ${JSON.stringify(member.path)}`);
  const path = canonicalMemberPath(member.path, indexPath);
  if (path !== member.path) fail(`path: expected canonical form ${JSON.stringify(path)}, found ${JSON.stringify(member.path)}`);
  if (member.type !== 'file' && member.type !== 'symlink' && member.type !== 'link') fail(`type: expected "file", "symlink" or "link", found ${JSON.stringify(member.type)}`);
  for (const key of ['offset', 'headerOffset', 'size', 'mode', 'mtime'] as const) {
    if (!isNonNegativeInteger(member[key])) fail(`${key}: expected a non-negative integer, found ${JSON.stringify(member[key])}`);
  }
  if (member.type !== 'file') {
    if (typeof member.linkname !== 'string') fail(`linkname: expected a string for a ${String(member.type)}`);
    if (member.type === 'symlink') assertLinkConfined(path, member.linkname as string, indexPath);
    else canonicalMemberPath(member.linkname as string, indexPath);
  }
  if (member.sha256 !== undefined && !(typeof member.sha256 === 'string' && /^[0-9a-f]{64}$/.test(member.sha256))) {
    fail(`sha256: expected 64 lowercase hex digits, found ${JSON.stringify(member.sha256)}`);
  }
  return member as unknown as TarMember;
}

/** Parsed indexes by index path, with the file identity they were read from; a replaced index misses. */
const indexCache = new Map<string, { identity: string; index: TarIndex }>();
const INDEX_CACHE_ENTRIES = 32;

/**
 * Loads and validates the index of `tarPath`; a missing index means the tar is not (yet) gathered. Indexes are
 * cached while their file is unchanged (parsing dominates a one-shot read), so the result is shared: read only.
 */
export async function loadTarIndex(tarPath: string): Promise<TarIndex> {
  const indexPath = indexPathFor(tarPath);
  let text: string;
  let identity: string;
  try {
    const stats = await stat(indexPath);
    identity = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    const cached = indexCache.get(indexPath);
    if (cached?.identity === identity) return cached.index;
    text = await readFile(indexPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new WeError(`no index ${indexPath}: the tar is not gathered yet (or was packed by another tool: index it with indexTar)`, tarPath);
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new WeError(`not valid JSON (${(error as Error).message})`, indexPath);
  }
  const index = parsed as Record<string, unknown>;
  if (index?.format !== INDEX_FORMAT || index.version !== INDEX_VERSION) {
    throw new WeError(`format/version: expected "${INDEX_FORMAT}" version ${INDEX_VERSION}, found ${JSON.stringify(index?.format)} version ${JSON.stringify(index?.version)}`, indexPath);
  }
  if (!isNonNegativeInteger(index.tarSize)) throw new WeError(`tarSize: expected a non-negative integer, found ${JSON.stringify(index.tarSize)}`, indexPath);
  if (!Array.isArray(index.members)) throw new WeError('members: expected an array', indexPath);
  const members = index.members.map((member, i) => validateMember(member, `members[${i}]`, indexPath));
  const validated: TarIndex = { format: INDEX_FORMAT, version: INDEX_VERSION, tarSize: index.tarSize, members };
  indexCache.delete(indexPath);
  indexCache.set(indexPath, { identity, index: validated });
  if (indexCache.size > INDEX_CACHE_ENTRIES) indexCache.delete(indexCache.keys().next().value as string);
  return validated;
}
