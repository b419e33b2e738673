/**
 * Node-local execution for the executable propagator: inputs are staged once per node into node-local storage,
 * segments run there, and after each iteration the node's segment outputs go to the shared file system as one
 * indexed tar (plus the few files the next iteration needs, copied individually). Keeps the parallel file
 * system out of the per-segment hot path, as the Summit runs had to by hand.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, cp, lstat, mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { posix, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WeError } from '../../core/errors.js';
import { hasEnded } from '../../core/process-identity.js';
import { copyFileAtomic, writeFileAtomic } from './atomic-file.js';
import { indexPathFor, packDirectory } from './indexed-tar.js';
import { canonicalMemberPath } from './member-path.js';
import { iterationTarName, segmentRelativePath, sixDigits, TRAJ_SEGS } from './layout.js';
import { clearLostOutputs } from './lost-outputs.js';
import { entriesOrNone } from './list-dir.js';

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
  /**
   * Names one run of the simulation (one `we run`) when runId names the simulation: a stage copy left by
   * another session is replaced, so inputs edited between runs are copied afresh. Without it, any copy counts.
   */
  session?: string;
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

/** Entries named by digits only (iterations or segment ids), as numbers, ascending; none if `dir` is absent. */
async function numberedEntries(dir: string): Promise<number[]> {
  return (await entriesOrNone(dir)).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => a - b);
}

export class NodeLocalStaging {
  /** `<localRoot>/we-<runId>`: everything this run keeps on the node. */
  readonly runDir: string;
  /** Where the stage list is copied, laid out as under sharedRoot. */
  readonly stagedRoot: string;
  readonly sharedRoot: string;
  private readonly stage: string[];
  private readonly keep: RegExp[];
  private readonly session: string | undefined;

  constructor(options: NodeLocalStagingOptions) {
    if (!/^[A-Za-z0-9._-]+$/.test(options.runId)) {
      throw new WeError(`expected letters, digits, ".", "_" or "-", found ${JSON.stringify(options.runId)}`, 'staging runId');
    }
    this.runDir = join(options.localRoot ?? tmpdir(), `we-${options.runId}`);
    this.stagedRoot = join(this.runDir, 'staged');
    this.sharedRoot = options.sharedRoot;
    this.stage = (options.stage ?? []).map((path) => canonicalMemberPath(path, 'staging stage list'));
    this.keep = (options.keep ?? []).map(keepPatternToRegExp);
    this.session = options.session;
  }

  /** Where a staged path (relative to sharedRoot) lives on this node. */
  stagedPath(relativePath: string): string {
    return join(this.stagedRoot, ...canonicalMemberPath(relativePath, 'staged path').split('/'));
  }

  /**
   * The node-local copy of `relativePath` (relative to sharedRoot) if the stage list covers it (the entry itself
   * or a directory above it), else undefined. Paths leaving sharedRoot are never staged.
   */
  stagedCopy(relativePath: string): string | undefined {
    let path: string;
    try {
      path = canonicalMemberPath(relativePath, 'staged path');
    } catch {
      return undefined;
    }
    return this.stage.some((entry) => path === entry || path.startsWith(`${entry}/`)) ? this.stagedPath(path) : undefined;
  }

  /**
   * Copies the stage list to the node once per run (with a session: once per session, replacing another
   * session's copy). Processes on the node race for a lock directory; the
   * winner copies and writes the marker last, the others wait for the marker. A lock left by a dead process
   * is taken over. Returns true only in the call that did the copying.
   */
  async prepareOnce(): Promise<boolean> {
    const marker = join(this.runDir, MARKER);
    await mkdir(this.runDir, { recursive: true });
    for (;;) {
      if (await this.stagedBySession()) return false;
      if (await this.tryLock()) {
        try {
          if (await this.stagedBySession()) return false;
          // Another session's copy (or a half-made one) goes first, so no file removed from the list lingers.
          await rm(marker, { force: true });
          await rm(this.stagedRoot, { recursive: true, force: true });
          await this.copyStageList();
          const record = { stage: this.stage, session: this.session, pid: process.pid, time: new Date().toISOString() };
          await writeFileAtomic(marker, `${JSON.stringify(record)}\n`);
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

  /**
   * Removes the stage copy (this session's, or one left by a process that died) and, if no segment outputs are
   * left (a failed iteration's stay, for inspection and for the next run to redo), the run directory itself.
   * A copy being made, or in use by another live process, is left alone.
   */
  async release(): Promise<void> {
    if (!(await exists(this.runDir)) || !(await this.tryLock())) return;
    try {
      const marker = await this.readMarker();
      const inUse = marker !== null && marker.session !== this.session && typeof marker.pid === 'number' && !hasEnded({ host: hostname(), pid: marker.pid });
      if (inUse) return;
      await rm(join(this.runDir, MARKER), { force: true });
      await rm(this.stagedRoot, { recursive: true, force: true });
    } finally {
      await rm(join(this.runDir, LOCK), { recursive: true, force: true });
    }
    for (const dir of [join(this.runDir, TRAJ_SEGS), this.runDir]) {
      try {
        await rmdir(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      }
    }
  }

  /** The node-local directory of a segment, `traj_segs/%06d/%06d` under runDir (not created). */
  segmentPath(iteration: number, segId: number): string {
    return join(this.runDir, TRAJ_SEGS, ...segmentRelativePath(iteration, segId).split('/'));
  }

  /** The node-local directory of a segment, created if needed. */
  async segmentDir(iteration: number, segId: number): Promise<string> {
    const dir = this.segmentPath(iteration, segId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Iterations that have a local directory (gathered ones have none), ascending. */
  async localIterations(): Promise<number[]> {
    return numberedEntries(join(this.runDir, TRAJ_SEGS));
  }

  /** Deletes an iteration's local outputs without gathering them: an interrupted iteration that will be redone. */
  async discardIteration(iteration: number): Promise<void> {
    await this.retire(join(this.runDir, TRAJ_SEGS), sixDigits(iteration, 'iteration'));
  }

  /**
   * Copies a segment's `keep` files (at any depth of its local directory) to the shared file system under a
   * name of this attempt, `traj_segs/%06d/%06d/.attempt-<attempt>/...`, and returns each copy (`from`) with the
   * place it belongs (`to`, where WEST_PARENT_DATA_REF leads), both relative to the shared root. Whoever accepts
   * the segment's result moves them there: so an accepted segment's restarts are safe before its node gathers.
   */
  async keepForAcceptance(iteration: number, segId: number, attempt: string): Promise<{ from: string; to: string }[]> {
    if (!/^[A-Za-z0-9._-]+$/.test(attempt)) throw new WeError(`expected letters, digits, ".", "_" or "-", found ${JSON.stringify(attempt)}`, 'attempt');
    const local = this.segmentPath(iteration, segId);
    const segment = `${TRAJ_SEGS}/${segmentRelativePath(iteration, segId)}`;
    const kept: { from: string; to: string }[] = [];
    for (const entry of await readdir(local, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !this.keep.some((pattern) => pattern.test(entry.name))) continue;
      const path = relative(local, join(entry.parentPath, entry.name)).split('\\').join('/');
      const from = `${segment}/.attempt-${attempt}/${path}`;
      await mkdir(join(this.sharedRoot, ...posix.dirname(from).split('/')), { recursive: true });
      await copyFile(join(entry.parentPath, entry.name), join(this.sharedRoot, ...from.split('/')));
      kept.push({ from, to: `${segment}/${path}` });
    }
    return kept;
  }

  /**
   * Packs every local segment directory of `iteration` (only those in `only`, if given: the rest are deleted
   * first, as outputs another node's run of the segment replaced) into `<sharedRoot>/traj_segs/iter_%06d.<node>.tar`
   * (with its index, both atomically), copies the `keep` files to `<sharedRoot>/traj_segs/%06d/%06d/` (unless
   * `copyKept` is false: they were put there when the segments' results were accepted), and only then deletes the
   * local directories; a record of the node's outputs as lost goes too. Safe to re-run after a crash at any point.
   */
  async gatherIteration(iteration: number, nodeName: string, only?: ReadonlySet<number>, copyKept = true): Promise<GatherResult> {
    const localTrajSegs = join(this.runDir, TRAJ_SEGS);
    const iterationName = sixDigits(iteration, 'iteration');
    const sharedTrajSegs = join(this.sharedRoot, TRAJ_SEGS);
    const tarPath = join(sharedTrajSegs, iterationTarName(iteration, nodeName));
    await this.removeRetiredDirectories(localTrajSegs);
    if (only) {
      for (const segId of await numberedEntries(join(localTrajSegs, iterationName))) {
        if (!only.has(segId)) await rm(join(localTrajSegs, iterationName, sixDigits(segId, 'segment id')), { recursive: true, force: true });
      }
    }

    const segIds = await numberedEntries(join(localTrajSegs, iterationName));
    if (segIds.length === 0) {
      // Either no segment ran here or an earlier call finished the gather and removed the local tree.
      const gathered = await exists(indexPathFor(tarPath));
      return { tarPath: gathered ? tarPath : null, segIds: [], members: 0, kept: [] };
    }

    const index = await packDirectory(localTrajSegs, [iterationName], tarPath);
    await clearLostOutputs(this.sharedRoot, iteration, nodeName);
    const kept: string[] = [];
    for (const member of index.members) {
      if (!copyKept || member.type !== 'file' || !this.keep.some((pattern) => pattern.test(posix.basename(member.path)))) continue;
      const destination = join(sharedTrajSegs, ...member.path.split('/'));
      await mkdir(join(destination, '..'), { recursive: true });
      await copyFileAtomic(join(localTrajSegs, ...member.path.split('/')), destination);
      kept.push(member.path);
    }

    await this.retire(localTrajSegs, iterationName);
    return { tarPath, segIds, members: index.members.length, kept };
  }

  /**
   * One rename retires the whole local iteration, so a crash during the deletion cannot leave a partial tree
   * that a re-run would gather over the complete tar.
   */
  private async retire(localTrajSegs: string, iterationName: string): Promise<void> {
    const retired = join(localTrajSegs, `${RETIRED_PREFIX}${iterationName}-${process.pid}`);
    try {
      await rename(join(localTrajSegs, iterationName), retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await rm(retired, { recursive: true, force: true });
  }

  /** The record of a complete stage copy, or null when there is none. An unreadable record counts as foreign. */
  private async readMarker(): Promise<{ session?: unknown; pid?: unknown } | null> {
    let text: string;
    try {
      text = await readFile(join(this.runDir, MARKER), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as { session?: unknown; pid?: unknown };
    } catch {
      return {};
    }
  }

  /** True when the stage copy is complete and, if this instance has a session, made by that session. */
  private async stagedBySession(): Promise<boolean> {
    const marker = await this.readMarker();
    return marker !== null && (this.session === undefined || marker.session === this.session);
  }

  private async removeRetiredDirectories(localTrajSegs: string): Promise<void> {
    for (const name of await entriesOrNone(localTrajSegs)) {
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
      return hasEnded({ host: hostname(), pid }) ? pid : null;
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
