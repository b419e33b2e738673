/**
 * Which process wrote a lock or a status file, precisely enough to tell later whether it still runs: a pid alone
 * is not, since pids are reused, so the process's start time and the machine's boot id go with it (Linux /proc).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  host: string;
  pid: number;
  /** /proc/sys/kernel/random/boot_id: a process of an earlier boot has certainly ended. */
  bootId?: string;
  /** Field 22 of /proc/<pid>/stat: the process's start, in clock ticks after boot. */
  startTicks?: number;
}

function readProcStat(pid: number | 'self'): { state: string; startTicks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], startTicks: Number(fields[19]) };
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

export function currentProcess(): ProcessIdentity {
  const startTicks = readProcStat('self')?.startTicks;
  const boot = bootId();
  return { host: hostname(), pid: process.pid, ...(boot ? { bootId: boot } : {}), ...(startTicks !== undefined ? { startTicks } : {}) };
}

/** Whether `holder` was a process of this machine (by host name): only those can be checked from here. */
export function isOnThisHost(holder: Pick<ProcessIdentity, 'host'>): boolean {
  return holder.host === hostname();
}

/**
 * True when the process of this host that `holder` names has ended: its pid is free, taken by a process that
 * started at another time, or held by a zombie, or the machine has rebooted since. Only meaningful on its host.
 */
export function hasEnded(holder: ProcessIdentity): boolean {
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return true;
  if (boot === undefined) return !signalable(holder.pid);
  const stat = readProcStat(holder.pid);
  if (!stat || stat.state === 'Z') return true;
  return holder.startTicks !== undefined && stat.startTicks !== holder.startTicks;
}

/** Where there is no /proc: whether a signal could reach the pid (EPERM means it exists, owned by another user). */
function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
