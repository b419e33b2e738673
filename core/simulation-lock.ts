/**
 * One writer per simulation: `we init`, `we run` and `we truncate` hold `<store>.lock` (west.h5.lock) for their
 * whole life; read-only commands never take it.
 *
 * It must work on the shared file systems of clusters (NFS, GPFS, Lustre), where flock may be a no-op or local to
 * a node, and O_EXCL is not atomic on old NFS. So the lock is a file made the way open(2) recommends there: the
 * holder's record is written to a file of its own, then hard-linked to the lock's name. link(2) either makes the
 * name or fails, on the server; if its reply was lost and the retry says EEXIST, the record's link count (2) shows
 * that it succeeded. The lock therefore never exists without its holder's record (host, pid, start time, command).
 *
 * A holder on this host that has ended (pid gone or reused, see process-identity.ts) is taken over. Takeover must
 * not race another taker, or one could delete the lock the other has just made: a file is removed only by whoever
 * made the claim `<lock>.break-<token>` (link(2) again, so exactly one), and only if the file still holds the
 * `token` that was judged stale; a taker that died holding a claim is taken over the same way. A holder on another
 * host cannot be checked from here: it is refused unless the user says it is gone (`--force-unlock`).
 */
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomUUID, createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { WeError, failureReason } from './errors.js';
import { currentProcess, hasEnded, isOnThisHost, type ProcessIdentity } from './process-identity.js';

export interface LockHolder extends ProcessIdentity {
  /** Unique to this acquisition: what a taker checks before removing the lock. */
  token: string;
  /** When the lock was taken (ISO 8601). */
  started: string;
  /** The command line, e.g. `we run --max-iter 10`. */
  command: string;
  /** SLURM_JOB_ID of the holder, where it ran in a batch job. */
  job?: string;
}

export interface SimulationLock {
  readonly path: string;
  /** Throws unless the lock still holds this process's record (someone may have forced it away). */
  assertHeld(): void;
  /** Removes the lock if it is still this process's. Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** The command line recorded for whoever finds the lock held. */
  command: string;
  /** Take the lock even from a holder that cannot be checked (another host, or an unreadable record). */
  forceUnlock: boolean;
  /** Told when a lock is taken over, with who held it and why it could be taken. */
  onTakeover(message: string): void;
}

export function lockPath(storePath: string): string {
  return `${storePath}.lock`;
}

/** Rounds of "find it held, take it over, try again" before giving up; each is a few file operations. */
const ATTEMPTS = 20;
const PAUSE_MS = 50;
/** Claims on claims: a chain of takers each dying while breaking the last one's lock. */
const MAX_CLAIM_DEPTH = 4;

interface Found {
  /** The token, or a digest of the content when it is not a record this code wrote. */
  key: string;
  holder?: LockHolder;
}

/** What is at `path`, or undefined when nothing is (removed meanwhile; ESTALE on NFS means the same). */
function readLockFile(path: string): Found | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESTALE') return undefined;
    throw new WeError(`cannot read the lock: ${failureReason(error)}`, path);
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    if (typeof holder.token === 'string' && typeof holder.host === 'string' && typeof holder.pid === 'number') return { key: holder.token, holder };
  } catch {
    // not a record of ours: keyed by its content below
  }
  return { key: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}

function describe(holder: LockHolder): string {
  const where = isOnThisHost(holder) ? `on this host, ${holder.host}` : `on host ${holder.host}`;
  const job = holder.job ? `, SLURM job ${holder.job}` : '';
  return `\`${holder.command}\` (pid ${holder.pid} ${where}${job}, since ${holder.started})`;
}

type Verdict = { takeable: false; refusal: string } | { takeable: true; reason: string };

function judge(found: Found, forceUnlock: boolean): Verdict {
  const { holder } = found;
  if (!holder) {
    return forceUnlock
      ? { takeable: true, reason: '--force-unlock' }
      : { takeable: false, refusal: 'a lock file is present but holds no record this version of `we` can read; if no `we` command is using this simulation, run again with --force-unlock' };
  }
  if (isOnThisHost(holder)) {
    if (hasEnded(holder)) return { takeable: true, reason: 'that process is gone' };
    return { takeable: false, refusal: `the simulation is in use by ${describe(holder)}; wait for it to end, or stop it first (kill ${holder.pid})` };
  }
  if (forceUnlock) return { takeable: true, reason: '--force-unlock' };
  return {
    takeable: false,
    refusal: `the simulation is in use by ${describe(holder)}, which cannot be checked from ${currentProcess().host}; if that process is gone (its job ended, its node failed), run again with --force-unlock`,
  };
}

/** link(2) `from` to `to`; true if `to` is now `from` (also when a lost reply made a successful link say EEXIST). */
function linkExclusive(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return statSync(from).nlink === 2;
    throw new WeError(`cannot create the lock (${failureReason(error)}); the file system must support hard links`, to);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ESTALE') throw error;
  }
}

/**
 * Removes `target` if it still holds `key`, as the only process doing so (see the module comment). False when
 * another live taker holds the claim: the caller waits a moment and looks again.
 */
function removeIfUnchanged(lock: string, target: string, key: string, record: string, forceUnlock: boolean, depth: number): boolean {
  const claim = `${lock}.break-${key}`;
  if (linkExclusive(record, claim)) {
    try {
      if (readLockFile(target)?.key === key) unlinkIfPresent(target);
    } finally {
      unlinkIfPresent(claim);
    }
    return true;
  }
  const claimant = readLockFile(claim);
  if (!claimant) return true;
  if (depth >= MAX_CLAIM_DEPTH || !judge(claimant, forceUnlock).takeable) return false;
  removeIfUnchanged(lock, claim, claimant.key, record, forceUnlock, depth + 1);
  return true;
}

/** A claimant is between two file operations: give it a moment (synchronously; nothing else is running yet). */
function pause(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PAUSE_MS);
}

/** Takes the simulation's lock or throws a WeError naming its holder. Released on process exit at the latest. */
export function lockSimulation(storePath: string, options: LockOptions): SimulationLock {
  const path = lockPath(storePath);
  const job = process.env.SLURM_JOB_ID;
  const me: LockHolder = {
    token: randomUUID(),
    ...currentProcess(),
    started: new Date().toISOString(),
    command: options.command,
    ...(job ? { job } : {}),
  };
  const record = `${path}.${me.token}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(record, `${JSON.stringify(me)}\n`, { flag: 'wx' });
  } catch (error) {
    unlinkIfPresent(record);
    throw new WeError(`cannot create the lock (${failureReason(error)})`, path);
  }
  try {
    let takenOver: string | undefined;
    for (let attempt = 0; ; attempt++) {
      if (linkExclusive(record, path)) break;
      if (attempt === ATTEMPTS) throw new WeError(`could not take the lock: it changed hands ${ATTEMPTS} times while trying`, path);
      const found = readLockFile(path);
      if (!found) continue;
      const verdict = judge(found, options.forceUnlock);
      if (!verdict.takeable) throw new WeError(verdict.refusal, path);
      takenOver = `took over the lock of ${found.holder ? describe(found.holder) : 'an unreadable record'}: ${verdict.reason}`;
      if (!removeIfUnchanged(path, path, found.key, record, options.forceUnlock, 0)) pause();
    }
    if (takenOver) options.onTakeover(takenOver);
  } finally {
    unlinkIfPresent(record);
  }
  return heldLock(path, me.token);
}

function heldLock(path: string, token: string): SimulationLock {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readLockFile(path)?.key === token) unlinkIfPresent(path);
  };
  // A second Ctrl-C exits at once, without unwinding to the command's own release.
  process.on('exit', release);
  return {
    path,
    assertHeld() {
      const found = readLockFile(path);
      if (found?.key !== token) {
        const now = found?.holder ? `it is now held by ${describe(found.holder)}` : 'it has been removed';
        throw new WeError(`this process no longer holds the simulation's lock (${now}); stopping before writing anything more`, path);
      }
    },
    release,
  };
}
