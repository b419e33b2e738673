/**
 * `we` as a user installs it: the packed tarball installed with `npm install -g` into an empty prefix, then, in an
 * empty directory with a PATH holding only that prefix's bin and the system's, a new simulation written from an
 * example, initialised and run. Needs the npm registry for the dependencies (npm's cache makes later runs quick).
 * The tarball is packed from the build the test command made (--ignore-scripts: rebuilding dist/ here would
 * rewrite files that other test files are running).
 */
import { execa } from 'execa';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const work = tempDir('install');
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', 'we');
/** Only the prefix's commands and the system's: nothing of the repository or of the shell running the tests. */
const userEnv = {
  PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`,
  HOME: process.env.HOME ?? work,
  ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
};

async function packAndInstall(): Promise<string[]> {
  const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: repoRoot });
  const [{ filename, files }] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const install = await execa('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, filename)], {
    env: { ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' },
    reject: false,
    all: true,
  });
  expect(install.exitCode, install.all).toBe(0);
  return files.map((f) => f.path);
}

/** The installed `we` (or another command on the user's PATH), run as the user would. */
function user(command: string, args: string[], cwd: string) {
  return execa(command, args, { cwd, env: userEnv, extendEnv: false, reject: false, all: true });
}

describe('npm install -g of the packed tarball', () => {
  let files: string[];
  beforeAll(async () => {
    files = await packAndInstall();
  }, 600_000);

  it('ships the build, models, basis states, examples and engine, and nothing of the tests or benches', () => {
    for (const path of ['bin/we', 'bin/we-go-md', 'dist/cli/we.js', 'dist/plugins/engines/go-model/go-md.js', 'models/chignolin-aae/model.onnx',
      'models/bba-aae/model.yaml', 'bstates/chignolin/BASIS_STATES', 'bstates/bba/0/bstate.pdb', 'examples/go-chignolin/runseg.sh', 'plugins/figures/fonts/DejaVuSans.ttf', 'README.md']) {
      expect(files).toContain(path);
    }
    expect(files.filter((f) => /^(test|bench|scripts|dist\/bench)\/|\.ts$|\.map$|west\.h5|node_modules/.test(f))).toEqual([]);
  });

  it('runs `we new sim --from go-chignolin && cd sim && we init && we run --max-iter 3` in an empty directory', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    const which = await user('sh', ['-c', 'command -v we; command -v we-go-md'], empty);
    expect(which.stdout.split('\n')).toEqual([join(prefix, 'bin', 'we'), join(prefix, 'bin', 'we-go-md')]);

    const made = await user('we', ['new', 'sim', '--from', 'go-chignolin'], empty);
    expect(made.exitCode, made.all).toBe(0);
    const sim = join(empty, 'sim');
    const init = await user('we', ['init'], sim);
    expect(init.exitCode, init.all).toBe(0);
    const run = await user('we', ['run', '--max-iter', '3'], sim);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/reached iteration limit 3; 3 iteration\(s\) run, next is 4/);
    const status = JSON.parse((await user('we', ['status', '--json'], sim)).stdout) as { iteration: number; totalWeight: number };
    expect(status.iteration).toBe(4);
    expect(Math.abs(status.totalWeight - 1)).toBeLessThan(1e-12);
    // The segments ran the engine by name: its log, gathered into the iteration's tar, has a line per frame.
    const log = await user('we', ['extract', '1', '0', 'seg.log'], sim);
    expect(log.exitCode, log.all).toBe(0);
    expect(log.stdout.split('\n')).toHaveLength(11);
    expect(log.stdout).toMatch(/^# step time_ps/);

    // The model and basis states came from the installation, not from the repository the tarball was packed in.
    const models = await user('we', ['models', '--json'], sim);
    const listed = JSON.parse(models.stdout) as { models: { name: string; where: string }[]; basisStateSets: { name: string; where: string }[] };
    expect(listed.models.map((m) => m.where)).toEqual([join(installed, 'models', 'bba-aae'), join(installed, 'models', 'chignolin-aae')]);
    expect(listed.basisStateSets.find((s) => s.name === 'chignolin')?.where).toBe(join(installed, 'bstates', 'chignolin'));

    // Figures are drawn with the font the package ships; without it resvg would draw no text, so `we plot` refuses.
    const plot = await user('we', ['plot', '--figures', 'walkers'], sim);
    expect(plot.exitCode, plot.all).toBe(0);
    const font = join(installed, 'plugins/figures/fonts/DejaVuSans.ttf');
    renameSync(font, `${font}.aside`);
    const fontless = await user('we', ['plot', '--figures', 'walkers', '-o', 'fontless'], sim);
    renameSync(`${font}.aside`, font);
    expect(fontless.exitCode).toBe(1);
    expect(fontless.stderr).toBe(`we: error: ${font}: the font figures are drawn with is missing from this installation of we (reinstall it)`);
    expect(existsSync(join(sim, 'fontless', 'walkers.png'))).toBe(false);
  }, 900_000);
});
