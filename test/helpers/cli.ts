/** Runs the built `we` command as a user would (a real child process). */
import { execa, type Result } from 'execa';
import { fileURLToPath } from 'node:url';
import { cpSync } from 'node:fs';
import { tempDir } from './temp-dir.js';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const weBin = join(repoRoot, 'dist/cli/we.js');

export async function we(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return execa('node', [weBin, ...args], { cwd, env, reject: false, all: true });
}

/** A fresh copy of an example directory in a temporary folder. */
export function copyExample(name: string): string {
  const dir = tempDir(name);
  cpSync(join(repoRoot, 'examples', name), dir, { recursive: true, filter: (src) => !/west\.h5|we-status|seg_logs|traj_segs/.test(src) });
  return dir;
}

/** A word for `sh -c`: single-quoted, its own single quotes closed and escaped. */
function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the built `we` on a real terminal (util-linux `script` gives it a pseudo-terminal for stdout), as at
 * an interactive shell; `script -e` returns its exit status. The terminal's output comes back with \r\n.
 */
export async function weOnTerminal(args: string[], cwd: string): Promise<Result> {
  const command = ['node', weBin, ...args].map(shellWord).join(' ');
  return execa('script', ['-qec', command, '/dev/null'], { cwd, reject: false, all: true });
}
