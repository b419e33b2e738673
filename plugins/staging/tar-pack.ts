/**
 * Packs files of a directory tree into one tar plus its index, both replaced atomically: the tar is written
 * as `<tar>.tmp-<pid>`, fsynced and renamed; the index is written the same way only afterwards, so a tar
 * that has an index is always complete.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink, realpath, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import tarStream from 'tar-stream';
import { WeError } from '../../core/errors.js';
import { replaceAtomically, writeFileAtomic } from './atomic-file.js';
import { assertLinkConfined, canonicalMemberPath } from './member-path.js';
import { indexPathFor, scanTar, type TarIndex } from './tar-index.js';

export interface PackOptions {
  /** Record each file's sha256 in the index (readers then verify it); costs one hash pass while packing. */
  sha256?: boolean;
}

interface PackSource {
  path: string;
  absolute: string;
  stats: Stats;
  linkname?: string;
}

/** Output is written in batches: the packer emits many 512-byte headers and paddings. */
const WRITE_BATCH_BYTES = 1 << 20;

async function collectSources(srcRoot: string, members: string[] | 'all'): Promise<PackSource[]> {
  const realRoot = await realpath(srcRoot);
  const sources = new Map<string, PackSource>();

  const add = async (path: string, absolute: string, stats: Stats): Promise<void> => {
    if (stats.isDirectory()) {
      const names = (await readdir(absolute)).sort();
      for (const name of names) {
        const childAbsolute = join(absolute, name);
        await add(path === '' ? name : `${path}/${name}`, childAbsolute, await lstat(childAbsolute));
      }
    } else if (stats.isSymbolicLink()) {
      const linkname = await readlink(absolute);
      assertLinkConfined(path, linkname, srcRoot);
      sources.set(path, { path, absolute, stats, linkname });
    } else if (stats.isFile()) {
      sources.set(path, { path, absolute, stats });
    } else {
      throw new WeError(`member ${JSON.stringify(path)}: not a regular file, directory or symlink`, srcRoot);
    }
  };

  if (members === 'all') {
    await add('', realRoot, await lstat(realRoot));
  } else {
    for (const requested of members) {
      const path = canonicalMemberPath(requested, srcRoot);
      const absolute = join(realRoot, ...path.split('/'));
      let stats: Stats;
      try {
        stats = await lstat(absolute);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new WeError(`member ${JSON.stringify(requested)}: no such file under the source root`, srcRoot);
        throw error;
      }
      // A symlinked directory part of the path (`a` -> /etc in `a/passwd`) would smuggle outside files in.
      const realParent = await realpath(dirname(absolute));
      if (realParent !== realRoot && !realParent.startsWith(realRoot + sep)) {
        throw new WeError(`member ${JSON.stringify(requested)}: reached through a symlink that leaves the source root`, srcRoot);
      }
      await add(path, absolute, stats);
    }
  }
  return [...sources.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function writeFully(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

async function drainPackInto(pack: tarStream.Pack, handle: FileHandle): Promise<void> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for await (const chunk of pack) {
    batch.push(chunk as Buffer);
    batchBytes += (chunk as Buffer).length;
    if (batchBytes >= WRITE_BATCH_BYTES) {
      await writeFully(handle, Buffer.concat(batch, batchBytes));
      batch = [];
      batchBytes = 0;
    }
  }
  if (batchBytes > 0) await writeFully(handle, Buffer.concat(batch, batchBytes));
}

async function addEntry(pack: tarStream.Pack, source: PackSource, hash: Hash | undefined): Promise<void> {
  const header: Partial<tarStream.Header> & { name: string } = {
    name: source.path,
    mode: source.stats.mode & 0o7777,
    mtime: source.stats.mtime,
    ...(source.linkname === undefined ? { type: 'file', size: source.stats.size } : { type: 'symlink', linkname: source.linkname }),
  };
  let entry!: ReturnType<tarStream.Pack['entry']>;
  const done = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  if (source.linkname === undefined) {
    for await (const chunk of createReadStream(source.absolute, { highWaterMark: WRITE_BATCH_BYTES })) {
      hash?.update(chunk as Buffer);
      if (!entry.write(chunk)) await Promise.race([new Promise<void>((resolve) => entry.once('drain', () => resolve())), done]);
    }
    entry.end(null);
  }
  await done;
}

/** Writes and fsyncs the tar; returns the sha256 of each file member when asked to. */
async function writeTar(temporary: string, sources: PackSource[], withSha256: boolean): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  const pack = tarStream.pack();
  const handle = await open(temporary, 'w');
  try {
    const writing = drainPackInto(pack, handle);
    try {
      for (const source of sources) {
        const hash = withSha256 && source.linkname === undefined ? createHash('sha256') : undefined;
        await addEntry(pack, source, hash);
        if (hash) digests.set(source.path, hash.digest('hex'));
      }
      pack.finalize();
    } catch (error) {
      pack.destroy(error as Error);
      await writing.catch(() => undefined);
      throw error;
    }
    await writing;
    await handle.sync();
  } finally {
    await handle.close();
  }
  return digests;
}

/**
 * Packs `members` (paths relative to `srcRoot`; directories are taken recursively; 'all' for the whole tree)
 * into `destTarPath` and writes `<destTarPath>.idx.json`. Offsets in the index are read back from the written
 * tar itself, so they describe the bytes on disk rather than a prediction of them.
 */
export async function packDirectory(
  srcRoot: string,
  members: string[] | 'all',
  destTarPath: string,
  options: PackOptions = {},
): Promise<TarIndex> {
  const sources = await collectSources(srcRoot, members);
  const indexPath = indexPathFor(destTarPath);
  await mkdir(dirname(destTarPath), { recursive: true });
  const index = await replaceAtomically(destTarPath, async (temporaryTar) => {
    const digests = await writeTar(temporaryTar, sources, options.sha256 ?? false);
    const scanned = await scanTar(temporaryTar);
    for (const member of scanned.members) {
      const digest = digests.get(member.path);
      if (digest !== undefined) member.sha256 = digest;
    }
    // The old index must be gone before the new tar appears, or it would briefly describe the wrong bytes.
    await rm(indexPath, { force: true });
    return scanned;
  });
  await writeFileAtomic(indexPath, JSON.stringify(index));
  return index;
}
