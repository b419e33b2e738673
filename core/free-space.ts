/**
 * Refusing a write that cannot complete before it starts: what the run's files will need is compared with what
 * their file systems have free (statfs), so that a full disk stops a run with a named error and nothing half
 * written. A quota (EDQUOT) is invisible to statfs; the writes themselves must still fail safely.
 */
import { statSync, statfsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { WeError, failureReason } from './errors.js';
import { faultEnabled } from './driver/fault-injection.js';

/** Bytes a write to `path` may add to its file system. */
export interface SpaceNeed {
  path: string;
  bytes: number;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Bytes an unprivileged write may still use on the file system holding `dir` (the root reserve not counted). */
function freeBytes(dir: string): number {
  const { bavail, bsize } = statfsSync(dir);
  return bavail * bsize;
}

/**
 * Throws a WeError naming the files and the space they need when, on any file system they share, less is free
 * than they need together; the error's file is the one needing most.
 */
export function requireFreeSpace(needs: readonly SpaceNeed[]): void {
  // The disk-full test lets a commit run into ENOSPC, to show that it is undone.
  if (faultEnabled('no-space-check')) return;
  const byFileSystem = new Map<number, SpaceNeed[]>();
  for (const need of needs) {
    let device: number;
    try {
      device = statSync(dirname(need.path)).dev;
    } catch (error) {
      throw new WeError(`cannot check the free space: ${failureReason(error)}`, need.path);
    }
    byFileSystem.set(device, [...(byFileSystem.get(device) ?? []), need]);
  }
  for (const group of byFileSystem.values()) {
    const needed = group.reduce((sum, need) => sum + need.bytes, 0);
    const free = freeBytes(dirname(group[0].path));
    if (free >= needed) continue;
    const largest = group.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const parts = group.map((need) => `${basename(need.path)} ${formatBytes(need.bytes)}`).join(', ');
    throw new WeError(
      `not enough free space: ${formatBytes(free)} free on its file system, ${formatBytes(needed)} needed (${parts}); ` +
        'free some space, or move the simulation to a larger file system, and run `we run` again',
      largest.path,
    );
  }
}
