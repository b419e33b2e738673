/**
 * Node-local execution for the executable propagator: inputs are staged once per node into node-local storage,
 * segments run there, and after each iteration the node's segment outputs go to the shared file system as one
 * indexed tar (plus the few files the next iteration needs, copied individually). Keeps the parallel file
 * system out of the per-segment hot path, as the Summit runs had to by hand.
 */
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { posix, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WeError } from '../../core/errors.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-file.js';
import { indexPathFor, packDirectory } from './indexed-tar.js';
import { canonicalMemberPath } from './member-path.js';
import { iterationTarName, segmentRelativePath, sixDigits, TRAJ_SEGS } from './layout.js';

export interface NodeLocalStagingOptions {
  /** Names the per-run directory `we-<runId>`, so concurrent runs on one node do not collide. */
  runId: string;
  /** Simulation root on the shared file system (WEST_SIM_ROOT). */
  sharedRoot: string;
  /** Node-local base directory; default $TMPDIR or /tmp. */
  localRoot?: string;
  /** Paths relative to sharedRoot copied once per node per run (directories recursively). */
  stage?: string[];
  /** File-name patterns (`*`, `?`) of segment outputs the next iteration needs, also copied individually. */
  keep?: string[];
}

export interface GatherResult {
  /** The shared tar now holding the iteration's outputs from this node, or null if the node has none. */
  tarPath: string | null;
  /** Segments found locally and gathered by this call (empty when already gathered or none ran here). */
  segIds: number[];
  /** Member count of the tar written by this call. */
  members: number;
  /** Member paths (`000001/000003/seg.rst`) copied individually to the shared traj_segs tree. */
  kept: string[];
}

const LOCK_POLL_MS = 50;
const MARKER = '.staged';
const LOCK = '.staging.lock';
const RETIRED_PREFIX = '.gathered-';

function keepPatternToRegExp(pattern: string): RegExp {
  if (pattern === '' || pattern.includes('/')) {
    throw new WeError(`expected a file-name pattern without "/" (e.g. "seg.rst" or "*.rst"), found ${JSON.stringify(pattern)}`, 'staging keep');
  }
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class NodeLocalStaging {
  /** `<localRoot>/we-<runId>`: everything this run keeps on the node. */
  readonly runDir: string;
  readonly sharedRoot: string;
  private readonly stage: string[];
  private readonly keep: RegExp[];

  constructor(options: NodeLocalStagingOptions) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.runId)) {
      throw new WeError(`expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.runId)}`, 'staging runId');
    }
    this.runDir = join(options.localRoot ?? tmpdir(), `we-${options.runId}`);
    this.sharedRoot = options.sharedRoot;
    this.stage = (options.stage ?? []).map((path) => canonicalMemberPath(path, 'staging stage list'));
    this.keep = (options.keep ?? []).map(keepPatternToRegExp);
  }

  /** Where a staged path (relative to sharedRoot) lives on this node. */
  stagedPath(relativePath: string): string {
    return join(this.runDir, 'staged', ...canonicalMemberPath(relativePath, 'staged path').split('/'));
  }

  /**
   * Copies the stage list to the node once per run. Processes on the node race for a lock directory; the
   * winner copies and writes the marker last, the others wait for the marker. A lock left by a dead process
   * is taken over. Returns true only in the call that did the copying.
   */
  async prepareOnce(): Promise<boolean> {
    const marker = join(this.runDir, MARKER);
    await mkdir(this.runDir, { recursive: true });
    for (;;) {
      if (await exists(marker)) return false;
      if (await this.tryLock()) {
        try {
          if (await exists(marker)) return false;
          await this.copyStageList();
          await writeFileAtomic(marker, `${JSON.stringify({ stage: this.stage, pid: process.pid, time: new Date().toISOString() })}\n`);
          return true;
        } finally {
          await rm(join(this.runDir, LOCK), { recursive: true, force: true });
        }
      }
      const deadPid = await this.deadLockHolder();
      if (deadPid !== null) await this.breakStaleLock(deadPid);
      else await sleep(LOCK_POLL_MS);
    }
  }

  /** The node-local directory of a segment, `traj_segs/%06d/%06d` under runDir, created if needed. */
  async segmentDir(iteration: number, segId: number): Promise<string> {
    const dir = join(this.runDir, TRAJ_SEGS, ...segmentRelativePath(iteration, segId).split('/'));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Packs every local segment directory of `iteration` into `<sharedRoot>/traj_segs/iter_%06d.<node>.tar`
   * (with its index, both atomically), copies the `keep` files to `<sharedRoot>/traj_segs/%06d/%06d/`, and only
   * then deletes the local directories. Safe to re-run after a crash at any point.
   */
  async gatherIteration(iteration: number, nodeName: string): Promise<GatherResult> {
    const localTrajSegs = join(this.runDir, TRAJ_SEGS);
    const iterationName = sixDigits(iteration, 'iteration');
    const sharedTrajSegs = join(this.sharedRoot, TRAJ_SEGS);
    const tarPath = join(sharedTrajSegs, iterationTarName(iteration, nodeName));
    await this.removeRetiredDirectories(localTrajSegs);

    const segIds = await this.localSegmentIds(join(localTrajSegs, iterationName));
    if (segIds.length === 0) {
      // Either no segment ran here or an earlier call finished the gather and removed the local tree.
      const gathered = await exists(indexPathFor(tarPath));
      return { tarPath: gathered ? tarPath : null, segIds: [], members: 0, kept: [] };
    }

    const index = await packDirectory(localTrajSegs, [iterationName], tarPath);
    const kept: string[] = [];
    for (const member of index.members) {
      if (member.type !== 'file' || !this.keep.some((pattern) => pattern.test(posix.basename(member.path)))) continue;
      const destination = join(sharedTrajSegs, ...member.path.split('/'));
      await mkdir(join(destination, '..'), { recursive: true });
      await copyFileAtomic(join(localTrajSegs, ...member.path.split('/')), destination);
      kept.push(member.path);
    }

    // One rename retires the whole local iteration, so a crash during the deletion cannot leave a partial
    // tree that a re-run would gather over the complete tar.
    const retired = join(localTrajSegs, `${RETIRED_PREFIX}${iterationName}-${process.pid}`);
    await rename(join(localTrajSegs, iterationName), retired);
    await rm(retired, { recursive: true, force: true });
    return { tarPath, segIds, members: index.members.length, kept };
  }

  private async localSegmentIds(localIterationDir: string): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(localIterationDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
  }

  private async removeRetiredDirectories(localTrajSegs: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(localTrajSegs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      if (name.startsWith(RETIRED_PREFIX)) await rm(join(localTrajSegs, name), { recursive: true, force: true });
    }
  }

  private async copyStageList(): Promise<void> {
    for (const path of this.stage) {
      const source = join(this.sharedRoot, ...path.split('/'));
      if (!(await exists(source))) {
        throw new WeError(`stage entry ${JSON.stringify(path)}: ${source} does not exist`, 'staging stage list');
      }
      await cp(source, this.stagedPath(path), { recursive: true, force: true, preserveTimestamps: true, verbatimSymlinks: true });
    }
  }

  /** The lock is a directory holding its owner's pid, renamed into place so it never exists without one. */
  private async tryLock(): Promise<boolean> {
    const lock = join(this.runDir, LOCK);
    const candidate = `${lock}.tmp-${process.pid}-${randomUUID()}`;
    await mkdir(candidate);
    await writeFile(join(candidate, 'pid'), String(process.pid));
    try {
      await rename(candidate, lock);
      return true;
    } catch (error) {
      await rm(candidate, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw error;
    }
  }

  /** The pid of a lock holder that has died, or null while the holder lives (or the lock is gone). */
  private async deadLockHolder(): Promise<number | null> {
    try {
      const pid = Number(await readFile(join(this.runDir, LOCK, 'pid'), 'utf8'));
      return processIsAlive(pid) ? null : pid;
    } catch (error) {
      // Released between our attempt and this read: try again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Moves the dead holder's lock aside before deleting it. If another waiter broke it first and a live process
   * has locked since, the lock we moved is that live one's: put it back. (A waiter slipping in during that
   * instant could still double-lock; the worst outcome is the stage list copied twice, and only after a crash.)
   */
  private async breakStaleLock(deadPid: number): Promise<void> {
    const lock = join(this.runDir, LOCK);
    const stale = join(this.runDir, `${LOCK}.stale-${process.pid}-${randomUUID()}`);
    try {
      await rename(lock, stale);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (Number(await readFile(join(stale, 'pid'), 'utf8')) !== deadPid) {
      await rename(stale, lock).catch(() => undefined);
    }
    await rm(stale, { recursive: true, force: true });
  }
}
