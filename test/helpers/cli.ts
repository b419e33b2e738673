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

/** A fresh copy of a folder of test/fixtures in a temporary folder. */
export function copyFixture(name: string): string {
  const dir = tempDir(name.replace(/\W+/g, '-'));
  cpSync(join(repoRoot, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

/** A fresh copy of an example directory in a temporary folder. */
export function copyExample(name: string): string {
  const dir = tempDir(name);
  cpSync(join(repoRoot, 'examples', name), dir, { recursive: true, filter: (src) => !/west\.h5|we-status|seg_logs|traj_segs/.test(src) });
  return dir;
}
