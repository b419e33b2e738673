/**
 * CPU time (user + system) of one child process. Node cannot wait4() a child, so this reads the kernel's running
 * total of reaped children's time for this process (/proc/self/stat cutime + cstime, which includes the
 * child's own descendants) before and after. That difference belongs to one child only if no other child
 * started by this module was running at any moment of the window; otherwise, and where /proc is missing, the
 * caller falls back to wall time. Children started by other code in this process cannot be seen here.
 */
import { readFileSync } from 'node:fs';

/** Linux reports /proc times in USER_HZ, which is 100 on every architecture Node runs on. */
const USER_HZ = 100;

let running = 0;
let started = 0;

function reapedChildrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; cutime is 16, cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** Call just before spawning; call the returned function once after the child is reaped. */
export function openCpuWindow(): () => number | undefined {
  const alone = running === 0;
  const startedBefore = started;
  const before = reapedChildrenCpu();
  running++;
  started++;
  return () => {
    const after = reapedChildrenCpu();
    const exclusive = alone && started === startedBefore + 1;
    running--;
    return exclusive && before !== undefined && after !== undefined ? after - before : undefined;
  };
}
