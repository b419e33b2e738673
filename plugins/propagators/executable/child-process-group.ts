/**
 * What running one script means, whichever way it is started (script-launcher.ts or spawn-in-process.ts): its
 * own process group, so that a timeout, a cancellation or closing the propagator can kill everything the script
 * started.
 */

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
  /** Why a started script's end could not be seen (its launcher died); its process group was killed. */
  lost?: string;
  /** User + system seconds of the script and its descendants; undefined when it could not be measured. */
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

export interface Supervision {
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Call once the script has ended. */
  release(): void;
}

/** Enforces the spec's timeout and cancellation on a process group that has just started. */
export function superviseGroup(group: number, spec: ChildSpec): Supervision {
  const state = { timedOut: false, cancelled: false };
  spec.running.add(group);
  const timer =
    spec.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          state.timedOut = true;
          terminateGroup(group);
        }, spec.timeoutSeconds * 1000);
  const onAbort = () => {
    state.cancelled = true;
    terminateGroup(group);
  };
  if (spec.signal?.aborted) onAbort();
  else spec.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    get timedOut() {
      return state.timedOut;
    },
    get cancelled() {
      return state.cancelled;
    },
    release() {
      spec.running.delete(group);
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
    },
  };
}
