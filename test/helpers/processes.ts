/** Process checks through /proc, for tests that kill or orphan real processes. */
import { readdir, readFile } from 'node:fs/promises';

/** True once the process has exited (absent, or a zombie awaiting a reaper); polls for up to 5 s. */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').then(
      (s) => s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3),
      () => 'gone',
    );
    if (state === 'gone' || state === 'Z') return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function parentOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * Pids of live processes whose environment holds `name=value`: a test sets a unique value on the command it
 * starts, and every process that command started (launchers, scripts, their children) inherits it.
 */
export async function processesWithEnv(name: string, value: string): Promise<number[]> {
  const wanted = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(wanted)) found.push(Number(entry));
  }
  return found;
}
