/**
 * The WEST_<NAME>_RETURN files scripts write their results to. WESTPA makes each with mkstemp; here one private
 * temporary directory per propagator holds them, named per attempt, and they are not pre-created: a script's
 * `>` or `>>` works the same, and a file never written reads as empty. Each saves file system round trips,
 * which dominate the cost of a trivial segment.
 */
import { constants, unlinkSync } from 'node:fs';
import { access, copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentProcess, hasEnded } from '../../../core/process-identity.js';

export interface ReturnFiles {
  /** Dataset name -> file; always has `pcoord`. */
  paths: Record<string, string>;
  /** WEST_<NAME>_RETURN -> file. */
  env: Record<string, string>;
  remove(): Promise<void>;
  /** Moves the files the script wrote to `destination(name)` (for a failed read to be inspected later). */
  keep(destination: (name: string) => string): Promise<void>;
}

export function returnVariable(name: string): string {
  return `WEST_${name.toUpperCase()}_RETURN`;
}

const SHARED_MEMORY = '/dev/shm';
/** `we-returns-<pid>-<start ticks>-XXXXXX`: which engine made it, so that another can tell it was abandoned. */
const PREFIX = 'we-returns-';

async function isWritableDirectory(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class ReturnFileDir {
  private attempts = 0;

  private constructor(private readonly dir: string) {}

  /**
   * In /dev/shm where there is one: return files are a few hundred bytes passed from script to engine, and on a
   * disk each new file costs a journal write (0.2–1.2 ms measured on these machines, against 12 µs in memory).
   */
  static async create(): Promise<ReturnFileDir> {
    const base = (await isWritableDirectory(SHARED_MEMORY)) ? SHARED_MEMORY : tmpdir();
    await removeAbandoned(base);
    const me = currentProcess();
    return new ReturnFileDir(await mkdtemp(join(base, `${PREFIX}${me.pid}-${me.startTicks ?? 0}-`)));
  }

  /** `tag` (e.g. iter000003-seg000007) makes files kept after a failed read recognisable. */
  files(tag: string, datasets: readonly string[]): ReturnFiles {
    const attempt = ++this.attempts;
    const paths: Record<string, string> = {};
    const env: Record<string, string> = {};
    for (const name of ['pcoord', ...datasets]) {
      const path = join(this.dir, `${tag}-${attempt}.${name}`);
      paths[name] = path;
      env[returnVariable(name)] = path;
    }
    // Synchronous: unlinking a small local file is cheaper than a thread-pool round trip.
    const remove = async () => {
      for (const path of Object.values(paths)) {
        try {
          unlinkSync(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    };
    const keep = async (destination: (name: string) => string) => {
      for (const [name, path] of Object.entries(paths)) {
        // Copied, not renamed: the temporary directory may be on another file system.
        await copyFile(path, destination(name)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
      }
      await remove();
    };
    return { paths, env, remove, keep };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Return-file directories of engines that have ended without removing them (killed with SIGKILL). */
async function removeAbandoned(base: string): Promise<void> {
  for (const name of await readdir(base)) {
    const made = /^we-returns-(\d+)-(\d+)-/.exec(name);
    if (made && hasEnded({ host: hostname(), pid: Number(made[1]), startTicks: Number(made[2]) || undefined })) {
      await rm(join(base, name), { recursive: true, force: true });
    }
  }
}
