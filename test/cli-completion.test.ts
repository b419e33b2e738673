/**
 * Shell completion as the shells themselves run it: the script `we completion bash|zsh` prints is loaded into
 * a real bash (and the function `complete -p we` names is asked, as readline would) and a real interactive
 * zsh (compinit, a TAB typed on a pseudo-terminal).
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { repoRoot, we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

/** A simulation directory with something for file and directory completion to find. */
function simulationDir(): string {
  const dir = tempDir('completion');
  writeFileSync(join(dir, 'we.yaml'), '');
  writeFileSync(join(dir, 'west.h5'), '');
  mkdirSync(join(dir, 'models', 'chignolin-aae'), { recursive: true });
  return dir;
}

const BASH_ASK = `
eval "$(cat "$1")"
shift
fn=$(complete -p we | sed -E 's/.* -F ([^ ]+) we$/\\1/')
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=\${#COMP_LINE}
"$fn" we "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"
`;

async function script(shell: 'bash' | 'zsh', dir: string): Promise<string> {
  const printed = await we(['completion', shell], dir);
  expect(printed.exitCode, printed.all).toBe(0);
  const file = join(dir, `_we.${shell}`);
  writeFileSync(file, printed.stdout);
  return file;
}

/** The words bash offers for the command line `words` (the last is the word being completed). */
async function bashOffers(file: string, dir: string, words: string[]): Promise<string[]> {
  const result = await execa('bash', ['--norc', '-c', BASH_ASK, 'ask', file, ...words], { cwd: dir, reject: false });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter(Boolean).sort();
}

async function zshOffers(file: string, dir: string, line: string): Promise<string[]> {
  const harness = join(repoRoot, 'test/fixtures/completion/zsh-complete.zsh');
  const result = await execa('zsh', ['-f', harness, file, line], { cwd: dir, reject: false, timeout: 60_000 });
  expect(result.timedOut).toBe(false);
  return [...new Set(result.stdout.split('\n').filter(Boolean).map((l) => l.replace(/^candidate: /, '')))].sort();
}

const CASES: [line: string, offered: string[]][] = [
  ['we sta', ['status']],
  ['we run --max', ['--max-iter', '--max-wallclock']],
  ['we run --max-iter 5 --con', ['--config']],
  ['we pcoord --format ', ['csv', 'npy', 'text', 'tsv']],
  ['we pcoord --model mo', ['models']],
  ['we help tr', ['trace', 'truncate']],
  ['we completion ', ['bash', 'zsh']],
  ['we init --config we.', ['we.yaml']],
];

describe('completion', () => {
  it('completes commands, options, choices and paths in bash', async () => {
    const dir = simulationDir();
    const file = await script('bash', dir);
    for (const [line, offered] of CASES) {
      const words = line.split(' ');
      expect(await bashOffers(file, dir, words), line).toEqual(offered);
    }
    // Directories only where a directory is expected; any file for a structure argument.
    expect(await bashOffers(file, dir, ['we', 'pcoord', '--model', ''])).toEqual(['models']);
    expect(await bashOffers(file, dir, ['we', 'pcoord', '--model', 'models', 'we.'])).toEqual(['we.yaml']);
  });

  it('completes commands, options, choices and paths in zsh', async () => {
    const dir = simulationDir();
    const file = await script('zsh', dir);
    // Each asks a new zsh to start its completion system: a few cases cover commands, options, choices, paths.
    for (const [line, offered] of CASES.filter((_, i) => i % 2 === 0)) {
      expect(await zshOffers(file, dir, line), line).toEqual(offered);
    }
  });
});
