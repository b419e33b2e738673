/**
 * Random access to an indexed tar: each read seeks straight to the member's offset from the index (positioned
 * reads, no scanning), after re-reading the member's own header to prove the index still describes this tar.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, realpath, rm, symlink, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { WeError } from '../../core/errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { assertLinkConfined, canonicalMemberPath, resolveLinkTarget } from './member-path.js';
import { suggestionText } from './similar-names.js';
import { BLOCK, readAt, readEntryAt } from './tar-entry.js';
import { indexPathFor, loadTarIndex, type TarIndex, type TarMember } from './tar-index.js';

/** Links inside an archive may chain; a loop must end in an error, not a hang. */
const MAX_LINK_HOPS = 16;
/** Header chains longer than this (huge pax records) are read separately from the data. */
const PREFETCH_HEADER_LIMIT = 64 * 1024;

export class IndexedTar {
  private readonly byPath: Map<string, TarMember>;

  private constructor(
    readonly tarPath: string,
    readonly index: TarIndex,
    private readonly handle: FileHandle,
  ) {
    this.byPath = new Map(index.members.map((member) => [member.path, member]));
  }

  /** Opens `tarPath` with its index; a tar without an index is not gathered yet and is refused. */
  static async open(tarPath: string): Promise<IndexedTar> {
    const index = await loadTarIndex(tarPath);
    const handle = await open(tarPath, 'r');
    const { size } = await handle.stat();
    if (size !== index.tarSize) {
      await handle.close();
      throw new WeError(`is ${size} bytes but its index ${indexPathFor(tarPath)} describes ${index.tarSize} bytes: stale index (tar re-gathered?)`, tarPath);
    }
    return new IndexedTar(tarPath, index, handle);
  }

  paths(): string[] {
    return [...this.byPath.keys()];
  }

  /** The index entry of `memberPath`, or a WeError listing similar member names. */
  member(memberPath: string): TarMember {
    const path = canonicalMemberPath(memberPath, this.tarPath);
    const member = this.byPath.get(path);
    if (member === undefined) {
      throw new WeError(`member ${JSON.stringify(memberPath)} not found; ${suggestionText(path, this.paths())}`, this.tarPath);
    }
    return member;
  }

  async read(memberPath: string): Promise<Buffer> {
    const member = this.followLinks(this.member(memberPath));
    const headerBytes = member.offset - member.headerOffset;
    // One positioned read covers the header chain and the data when the chain is short, as it nearly always is.
    const span = headerBytes >= BLOCK && headerBytes <= PREFETCH_HEADER_LIMIT ? await readAt(this.handle, member.headerOffset, headerBytes + member.size) : undefined;
    await this.verifyHeader(member, span);
    const data = span === undefined ? await readAt(this.handle, member.offset, member.size) : span.subarray(headerBytes);
    if (data.length !== member.size) {
      throw new WeError(`member ${JSON.stringify(member.path)}: tar ends after ${data.length} of its ${member.size} bytes (truncated)`, this.tarPath);
    }
    if (member.sha256 !== undefined) {
      const digest = createHash('sha256').update(data).digest('hex');
      if (digest !== member.sha256) throw new WeError(`member ${JSON.stringify(member.path)}: sha256 ${digest} does not match the index's ${member.sha256}`, this.tarPath);
    }
    return data;
  }

  /**
   * Writes `memberPath` under `destDir` (at its member path) and returns where. Symlinks are recreated only if
   * they stay inside `destDir`; a hard link is extracted as a copy of the file it names.
   */
  async extract(memberPath: string, destDir: string): Promise<string> {
    const member = this.member(memberPath);
    const target = join(destDir, ...member.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const realDest = await realpath(destDir);
    const realParent = await realpath(dirname(target));
    if (realParent !== realDest && !realParent.startsWith(realDest + sep)) {
      throw new WeError(`member ${JSON.stringify(member.path)}: would be written outside ${destDir} through a symlink already there`, this.tarPath);
    }
    if (member.type === 'symlink') {
      await this.verifyHeader(member);
      assertLinkConfined(member.path, member.linkname ?? '', this.tarPath);
      await rm(target, { force: true });
      await symlink(member.linkname as string, target);
      return target;
    }
    const data = await this.read(member.path);
    const file = this.followLinks(member);
    await writeFileAtomic(target, data, file.mode);
    await utimes(target, file.mtime, file.mtime);
    return target;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private followLinks(start: TarMember): TarMember {
    let member = start;
    for (let hop = 0; member.type !== 'file'; hop++) {
      if (hop === MAX_LINK_HOPS) throw new WeError(`member ${JSON.stringify(start.path)}: more than ${MAX_LINK_HOPS} links deep (a link loop?)`, this.tarPath);
      const target = member.type === 'symlink' ? resolveLinkTarget(member.path, member.linkname as string) : (member.linkname as string);
      const next = this.byPath.get(target);
      if (next === undefined) throw new WeError(`member ${JSON.stringify(member.path)}: links to ${JSON.stringify(target)}, which is not in the archive`, this.tarPath);
      member = next;
    }
    return member;
  }

  /** The header in front of the data must name this member with this size, or the index is not this tar's. */
  private async verifyHeader(member: TarMember, prefetched?: Buffer): Promise<void> {
    const entry = await readEntryAt(this.handle, member.headerOffset, this.tarPath, prefetched);
    const path = entry === null ? null : canonicalMemberPath(entry.rawPath, this.tarPath);
    if (entry === null || path !== member.path || entry.dataOffset !== member.offset || entry.size !== member.size || entry.type !== member.type) {
      const found = entry === null ? 'no header' : `${entry.type} ${JSON.stringify(path)} (${entry.size} bytes at offset ${entry.dataOffset})`;
      throw new WeError(
        `index ${indexPathFor(this.tarPath)} does not match the tar at offset ${member.headerOffset}: index says ${member.type} ${JSON.stringify(member.path)} (${member.size} bytes at offset ${member.offset}), tar has ${found}`,
        this.tarPath,
      );
    }
  }
}
