/** The command line as a user meets it: help, versions, suggestions, and mistakes as one line each. */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyExample, repoRoot, we, weBin } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const COMMANDS = ['init', 'run', 'status', 'truncate', 'pcoord', 'extract', 'worker', 'completion'];

/** Every stderr line of a failure is a `we: error:` line; returns them. */
function errorLines(stderr: string): string[] {
  const lines = stderr.trimEnd().split('\n');
  for (const line of lines) expect(line).toMatch(/^we: error: /);
  return lines;
}

describe('help', () => {
  it('lists every command in `we --help`', async () => {
    const help = await we(['--help'], repoRoot);
    expect(help.exitCode).toBe(0);
    for (const name of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  it.each(COMMANDS)('gives `we %s` its own --help, with examples', async (name) => {
    const help = await we([name, '--help'], repoRoot);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: we ${name} `));
    expect(help.stdout).toMatch(new RegExp(`Examples:\\n  # .+\\n  .*we ${name}`));
  });

  it('answers `we help run` as `we run --help`', async () => {
    const help = await we(['help', 'run'], repoRoot);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: we run /);
    expect(help.stdout).toBe((await we(['run', '--help'], repoRoot)).stdout);
  });

  it('shows each option with its default', async () => {
    const run = (await we(['run', '--help'], repoRoot)).stdout.replace(/\s+/g, ' ');
    expect(run).toContain('-c, --config <file> the simulation\'s we.yaml (its directory is the simulation root) (default: "we.yaml")');
    expect(run).toMatch(/--max-iter <N> stop after iteration N .*\(default: max_iterations in we\.yaml\)/);
    expect(run).toMatch(/--max-wallclock <HH:MM:SS> .*\(default: max_wallclock in we\.yaml, else none\)/);
    expect(run).toMatch(/--debug print the stack trace .* \(default: false\)/);
    const pcoord = (await we(['pcoord', '--help'], repoRoot)).stdout.replace(/\s+/g, ' ');
    expect(pcoord).toMatch(/--format <format> .*\(choices: "text", "csv", "tsv", "npy", default: "text"\)/);
  });
});

describe('versions', () => {
  it('prints we, Node, onnxruntime and the HDF5 library h5wasm carries', async () => {
    const version = await we(['--version'], repoRoot);
    expect(version.exitCode, version.all).toBe(0);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const ort = createRequire(join(repoRoot, 'package.json'))('onnxruntime-node') as { env: { versions: { node: string } } };
    expect(version.stdout.split('\n')).toEqual([
      `we ${pkg.version}`,
      `node ${process.versions.node}`,
      `onnxruntime ${ort.env.versions.node} (onnxruntime-node)`,
      expect.stringMatching(/^HDF5 \d+\.\d+\.\d+ \(h5wasm\)$/),
    ]);
  });
});

describe('mistakes on the command line: one line, exit status 2', () => {
  it.each([
    [['statsu'], "we: error: unknown command 'statsu'; did you mean 'status'? (see 'we --help')"],
    [['run', '--bogus'], "we: error: unknown option '--bogus' (see 'we run --help')"],
    [['run', '--max-ite', '3'], "we: error: unknown option '--max-ite'; did you mean '--max-iter'? (see 'we run --help')"],
    [['run', '--max-iter'], "we: error: option '--max-iter <N>' argument missing (see 'we run --help')"],
    [['run', '--max-iter', 'ten'], "we: error: --max-iter: expected a positive integer, got 'ten'"],
    [['truncate'], "we: error: missing required argument 'N' (see 'we truncate --help')"],
    [['status', 'now'], "we: error: too many arguments for 'status'. Expected 0 arguments but got 1 (see 'we status --help')"],
    [['pcoord', 'missing.pdb'], "we: error: required option '--model <name|dir>' not specified (see 'we pcoord --help')"],
    [['pcoord', '--model', 'm', '--format', 'xls', 'a.pdb'],
      "we: error: option '--format <format>' argument 'xls' is invalid. Allowed choices are text, csv, tsv, npy (see 'we pcoord --help')"],
    [['completion', 'fish'],
      "we: error: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh (see 'we completion --help')"],
  ])('we %j', async (args, message) => {
    const result = await we(args, repoRoot);
    expect(result.exitCode, result.all).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(message);
  });

  it('prints the overview on stderr and exits 2 when no command is given', async () => {
    const bare = await we([], repoRoot);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: we \[options\] \[command\]/);
  });
});

describe('failures: one line naming the file, exit status 1, a stack only when asked for', () => {
  it('names a structure file that is not there', async () => {
    const result = await we(['pcoord', '--model', 'models/chignolin-aae', 'missing.pdb'], repoRoot);
    expect(result.exitCode).toBe(1);
    expect(errorLines(result.stderr)).toEqual(['we: error: missing.pdb: cannot read the file (ENOENT)']);
  });

  it('shows where it failed with --debug or WE_DEBUG=1, and not otherwise', async () => {
    const dir = tempDir('cli-debug');
    const plain = await we(['status'], dir);
    expect(plain.exitCode).toBe(1);
    expect(errorLines(plain.stderr)).toEqual([`we: error: ${join(dir, 'we.yaml')}: cannot read the configuration (ENOENT)`]);
    for (const [args, env] of [[['status', '--debug'], {}], [['--debug', 'status'], {}], [['status'], { WE_DEBUG: '1' }]] as const) {
      const debug = await we([...args], dir, env);
      expect(debug.exitCode).toBe(1);
      const [first, ...stack] = debug.stderr.split('\n');
      expect(first).toBe(plain.stderr);
      expect(stack.join('\n')).toMatch(/^WeError: .*\n\s+at .*core\/config\/load\.js/);
    }
  });

  it('lists every problem of a we.yaml, each on a line of its own', async () => {
    const dir = copyExample('odld');
    const text = readFileSync(join(dir, 'we.yaml'), 'utf8');
    const broken = text.replace('binning:', 'bining:').replace(/seed: \d+/, 'seed: -1');
    expect(broken).not.toBe(text);
    writeFileSync(join(dir, 'we.yaml'), broken);
    const init = await we(['init'], dir);
    expect(init.exitCode).toBe(1);
    const lines = errorLines(init.stderr);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).toMatch(/we\.yaml:\d+:1: unknown key 'bining'; did you mean 'binning'\?/);
  });
});

describe('start-up', () => {
  /** The modules `we ARGS` loads, as Node's loader sees them. */
  async function modulesLoaded(args: string[], cwd: string): Promise<string[]> {
    const trace = join(repoRoot, 'test/fixtures/module-trace/register.mjs');
    const result = await execa('node', ['--import', trace, weBin, ...args], { cwd, reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    return result.stderr.split('\n').filter((line) => line.startsWith('module ')).map((line) => line.slice('module '.length));
  }
  const heavy = (modules: string[]) => modules.filter((url) => /onnxruntime|h5wasm/.test(url));

  it('loads neither onnxruntime nor HDF5 for `we status` or help; `we --version` does (the trace sees them)', async () => {
    const dir = copyExample('odld');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect(heavy(await modulesLoaded(['status'], dir))).toEqual([]);
    expect(heavy(await modulesLoaded(['run', '--help'], dir))).toEqual([]);
    const version = heavy(await modulesLoaded(['--version'], dir));
    expect(version.some((url) => url.includes('onnxruntime'))).toBe(true);
    expect(version.some((url) => url.includes('h5wasm'))).toBe(true);
  });
});
