/**
 * Moving an accepted attempt's restarts into place (SegmentResult.nodeOutputs.kept): a worker copies them to the
 * shared file system under names of its attempt before it returns the result, and the driver moves them to
 * where the next iteration reads them before it counts the result. So an accepted result's restarts survive the
 * loss of the node that ran it, and a late attempt's never replace them.
 */
import { lstat, mkdir, rename, rmdir } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';

/** Renames at once at most: enough to keep a parallel file system busy, few enough for the thread pool. */
const CONCURRENCY = 16;

function inside(root: string, path: string, what: string): string {
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || resolve(root, rel) !== full) {
    throw new Error(`${what} ${JSON.stringify(path)} leaves the simulation root`);
  }
  return full;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Moves each `from` to `to` (relative to `simRoot`). A `from` already gone whose `to` exists was moved by an
 * earlier driver (a resumed driver reads the round's results again). Resolves to undefined when all are in
 * place, else the reason they are not (the result must then not be accepted).
 */
export async function moveKeptFiles(simRoot: string, kept: readonly { from: string; to: string }[]): Promise<string | undefined> {
  try {
    for (const k of kept) {
      const from = inside(simRoot, k.from, 'kept file');
      const to = inside(simRoot, k.to, 'kept file destination');
      try {
        await rename(from, to);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && (await exists(to)) && !(await exists(from))) continue;
        if (code !== 'ENOENT' || !(await exists(from))) throw error;
        await mkdir(dirname(to), { recursive: true });
        await rename(from, to);
      }
      await rmdir(dirname(from)).catch(() => undefined);
    }
    return undefined;
  } catch (error) {
    return `its restarts could not be moved into place: ${(error as Error).message}`;
  }
}

/** Runs `work` over `items`, CONCURRENCY at a time. */
export async function forEachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, lane));
}
