/**
 * Crash-safe file replacement: write beside the target, fsync, rename over it, fsync the directory.
 * A reader sees either the old complete file or the new complete file, never a torn one.
 */
import { copyFile, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The temporary name a file is written under before it is renamed into place. */
function temporaryPathFor(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}`;
}

/**
 * Flushes a file's data, or a directory's entries, to disk. A completed rename is durable only once its
 * directory has been synced too.
 */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Has `fill` write a temporary file beside `finalPath` (and sync it), then renames it into place and syncs the
 * directory; if anything fails the temporary file goes and `finalPath` is untouched. Returns what `fill` did.
 */
export async function replaceAtomically<T>(finalPath: string, fill: (temporary: string) => Promise<T>): Promise<T> {
  const temporary = temporaryPathFor(finalPath);
  let result: T;
  try {
    result = await fill(temporary);
    await rename(temporary, finalPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await fsyncPath(dirname(finalPath));
  return result;
}

/** `mode`, when given, is applied exactly (not filtered by the umask), as extraction must restore it. */
export function writeFileAtomic(finalPath: string, data: string | Buffer, mode?: number): Promise<void> {
  return replaceAtomically(finalPath, async (temporary) => {
    const handle = await open(temporary, 'w');
    try {
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

export function copyFileAtomic(source: string, finalPath: string): Promise<void> {
  return replaceAtomically(finalPath, async (temporary) => {
    await copyFile(source, temporary);
    await fsyncPath(temporary);
  });
}
