/**
 * Starts a script from this process with Node's spawn (`launcher: none`), as WESTPA does: executed directly
 * (so it needs a #! line and the execute bit), stdin from /dev/null, stdout and stderr together into its log.
 * The log's descriptor is handed to the child as is, so no output passes through this process. Node can only
 * fork, which copies this process's page tables: each start blocks the event loop for longer the more memory the
 * engine holds (script-launcher.ts avoids that).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { superviseGroup, type ChildOutcome, type ChildSpec } from './child-process-group.js';
import { openCpuWindow } from './cpu-window.js';

export function spawnInProcess(spec: ChildSpec): Promise<ChildOutcome> {
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
  const supervision = child.pid === undefined ? undefined : superviseGroup(child.pid, spec);
  let spawnError: string | undefined;
  return new Promise((resolve) => {
    child.once('error', (err) => {
      spawnError = errnoCode(err);
    });
    child.once('close', (code, signal) => {
      const cputime = closeCpuWindow();
      supervision?.release();
      resolve({
        // Node reports a failed start as a negative errno exit code; that is no exit of the script's.
        exitCode: supervision === undefined ? undefined : (code ?? undefined),
        killedBy: signal ?? undefined,
        timedOut: supervision?.timedOut ?? false,
        cancelled: supervision?.cancelled ?? false,
        spawnError: supervision === undefined ? (spawnError ?? 'spawn failed') : undefined,
        cputime,
        walltime: walltime(),
      });
    });
  });
}

function errnoCode(err: unknown): string {
  return String((err as NodeJS.ErrnoException).code ?? 'spawn failed');
}
