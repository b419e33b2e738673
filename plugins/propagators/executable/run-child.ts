/**
 * Runs one script as WESTPA does (executed directly, so it needs a #! line and the execute bit; stdin from
 * /dev/null; stdout and stderr together into a log file), in its own process group so that a timeout or a
 * cancellation can kill everything the script started. Node's own spawn, with the log's descriptor handed to
 * the child as is: no output passes through this process, and nothing per child is set up beyond the exit.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { openCpuWindow } from './cpu-window.js';

export interface ChildSpec {
  file: string;
  cwd: string;
  /** Added to this process's environment. */
  env: Record<string, string>;
  logPath: string;
  timeoutSeconds?: number;
  signal?: AbortSignal;
  /** The caller's set of running process groups, so that it can kill them all when it closes. */
  running: Set<number>;
}

export interface ChildOutcome {
  exitCode?: number;
  /** Signal that ended the child, e.g. SIGTERM. */
  killedBy?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** errno code when the script could not be started at all (ENOENT, EACCES, ENOEXEC). */
  spawnError?: string;
  /** User + system seconds; undefined when it could not be attributed (see cpu-window.ts). */
  cputime?: number;
  walltime: number;
}

/** After SIGTERM, how long a script gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 2000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function terminateGroup(pid: number): void {
  killGroup(pid, 'SIGTERM');
  setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS).unref();
}

export function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  const start = performance.now();
  const log = openSync(spec.logPath, 'w');
  const closeCpuWindow = openCpuWindow();
  const walltime = () => (performance.now() - start) / 1000;
  let child;
  try {
    child = spawn(spec.file, [], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', log, log],
      detached: true,
    });
  } catch (err) {
    // Failures found only once exec ran (ENOEXEC, ENOTDIR, ...) are thrown; ENOENT and EACCES come as 'error'.
    closeCpuWindow();
    return Promise.resolve({ timedOut: false, cancelled: false, spawnError: errnoCode(err), walltime: walltime() });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(log);
  }
  const group = child.pid;
  let timedOut = false;
  let cancelled = false;
  let spawnError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    cancelled = true;
    if (group !== undefined) terminateGroup(group);
  };
  if (group !== undefined) {
    spec.running.add(group);
    if (spec.timeoutSeconds !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        terminateGroup(group);
      }, spec.timeoutSeconds * 1000);
    }
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener('abort', onAbort, { once: true });
  }
  return new Promise((resolve) => {
    child.once('error', (err) => {
      spawnError = errnoCode(err);
    });
    child.once('close', (code, signal) => {
      const cputime = closeCpuWindow();
      if (group !== undefined) spec.running.delete(group);
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      resolve({
        // Node reports a failed start as a negative errno exit code; that is no exit of the script's.
        exitCode: group === undefined ? undefined : (code ?? undefined),
        killedBy: signal ?? undefined,
        timedOut,
        cancelled,
        spawnError: group === undefined ? (spawnError ?? 'spawn failed') : undefined,
        cputime,
        walltime: walltime(),
      });
    });
  });
}

function errnoCode(err: unknown): string {
  return String((err as NodeJS.ErrnoException).code ?? 'spawn failed');
}
