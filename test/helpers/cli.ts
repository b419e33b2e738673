/** Runs the built `we` command as a user would (a real child process). */
import { execa, type Result, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';
import { cpSync } from 'node:fs';
import { isSimulationInput } from '../../cli/new/copy-simulation.js';
import { tempDir } from './temp-dir.js';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const weBin = join(repoRoot, 'dist/cli/we.js');

const running = new Set<ResultPromise>();

/**
 * Starts `we` without waiting for it. Every `we` a test starts is killed after its test file (test/setup.ts), so
 * a test that fails or times out leaves no engine running, writing into a temporary directory already removed.
 */
export function startWe(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = execa('node', [weBin, ...args], { cwd, env, reject: false, all: true });
  running.add(child);
  void child.finally(() => running.delete(child));
  return child;
}

export async function we(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  return startWe(args, cwd, env);
}

export async function killStrayWe(): Promise<void> {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running);
}

/** A fresh copy of a folder of test/fixtures in a temporary folder. */
export function copyFixture(name: string): string {
  const dir = tempDir(name.replace(/\W+/g, '-'));
  cpSync(join(repoRoot, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

/** A fresh copy of an example directory in a temporary folder, without outputs of runs made in the example. */
export function copyExample(name: string): string {
  const dir = tempDir(name);
  const example = join(repoRoot, 'examples', name);
  cpSync(example, dir, { recursive: true, filter: (path) => isSimulationInput(example, path) });
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
