/**
 * Runs one script as WESTPA does (executed directly, so it needs a #! line and the execute bit; stdin from
 * /dev/null; stdout and stderr together into a log file), in its own process group so that a timeout or a
 * cancellation can kill everything the script started.
 */
import { open } from 'node:fs/promises';
import { execa, type StdoutStderrOption } from 'execa';
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

export async function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  const log = await open(spec.logPath, 'w');
  const start = performance.now();
  const closeCpuWindow = openCpuWindow();
  let windowClosed = false;
  let timedOut = false;
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let pid: number | undefined;
  // execa accepts a file descriptor (passed to the child as is, no piping through Node), but its types only
  // admit numeric literals.
  const logFd = log.fd as StdoutStderrOption;
  try {
    const child = execa(spec.file, [], {
      cwd: spec.cwd,
      env: spec.env,
      stdin: 'ignore',
      stdout: logFd,
      stderr: logFd,
      detached: true,
      reject: false,
    });
    pid = child.pid;
    if (pid !== undefined) {
      const group = pid;
      spec.running.add(group);
      if (spec.timeoutSeconds !== undefined) {
        timer = setTimeout(() => {
          timedOut = true;
          terminateGroup(group);
        }, spec.timeoutSeconds * 1000);
      }
      onAbort = () => {
        cancelled = true;
        terminateGroup(group);
      };
      if (spec.signal?.aborted) onAbort();
      else spec.signal?.addEventListener('abort', onAbort, { once: true });
    }
    const result = await child;
    const cputime = closeCpuWindow();
    windowClosed = true;
    return {
      exitCode: result.exitCode,
      killedBy: result.signal,
      timedOut,
      cancelled,
      spawnError: pid === undefined ? String(result.code ?? 'spawn failed') : undefined,
      cputime,
      walltime: (performance.now() - start) / 1000,
    };
  } finally {
    // Balances openCpuWindow when spawning threw.
    if (!windowClosed) closeCpuWindow();
    if (pid !== undefined) spec.running.delete(pid);
    clearTimeout(timer);
    if (onAbort) spec.signal?.removeEventListener('abort', onAbort);
    await log.close();
  }
}
