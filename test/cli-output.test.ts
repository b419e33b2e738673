/** What `we pcoord` and `we extract` print, and binary output refused on a terminal. */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { copyExample, repoRoot, we, weBin, weOnTerminal } from './helpers/cli.js';
import { systemPython } from './helpers/h5py.js';

const MODEL = 'models/chignolin-aae';
const PDB = 'test/fixtures/trajectory/cln025.pdb';
const DCD = 'test/fixtures/trajectory/cln025.dcd';

async function pcoord(...args: string[]): Promise<string> {
  const result = await we(['pcoord', '--model', MODEL, ...args], repoRoot);
  expect(result.exitCode, result.all).toBe(0);
  return result.stdout;
}

describe('we pcoord', () => {
  it("prints get_pcoord.sh's rows for one file and a file column for several, in every table format", async () => {
    const single = (await pcoord(PDB)).split('\n');
    expect(single[0]).toMatch(/^-?\d+\.\d{4} -?\d+\.\d{4}$/);
    const both = (await pcoord(PDB, DCD)).split('\n');
    expect(both.length).toBe(single.length + 5); // the DCD holds 5 frames
    expect(both.slice(0, single.length)).toEqual(single.map((row) => `${PDB} ${row}`));
    expect(both.at(-1)).toMatch(new RegExp(`^${DCD} -?\\d+\\.\\d{4} -?\\d+\\.\\d{4}$`));

    const csv = (await pcoord('--format', 'csv', PDB, DCD)).split('\n');
    expect(csv[0]).toBe('file,mu[0],mu[1]');
    expect(csv.length).toBe(both.length + 1);
    const [file, x, y] = csv[1].split(',');
    expect(file).toBe(PDB);
    // Every digit the float32 encoder gives, rounding to the 4 decimals of the text format.
    expect(`${Number(x).toFixed(4)} ${Number(y).toFixed(4)}`).toBe(single[0]);
    expect(x.replace(/^-/, '').length).toBeGreaterThan(6);

    const tsv = (await pcoord('--format', 'tsv', DCD)).split('\n');
    expect(tsv[0]).toBe('mu[0]\tmu[1]');
    expect(tsv.length).toBe(6);
  });

  it('writes a .npy matrix that numpy loads, equal to the csv values', async () => {
    const csv = (await pcoord('--format', 'csv', DCD)).split('\n').slice(1).map((row) => row.split(',').map(Number));
    const loaded = await execa(
      'sh',
      ['-c', `node "$1" pcoord --model ${MODEL} --format npy ${DCD} | "$2" -c "$3"`, 'sh', weBin, systemPython,
        'import sys, io, json, numpy; a = numpy.load(io.BytesIO(sys.stdin.buffer.read())); print(json.dumps([a.dtype.str, a.shape, a.tolist()]))'],
      { cwd: repoRoot },
    );
    const [dtype, shape, values] = JSON.parse(loaded.stdout) as [string, number[], number[][]];
    expect(dtype).toBe('<f8');
    expect(shape).toEqual([5, 2]);
    values.forEach((row, f) => row.forEach((v, d) => expect(Math.fround(v)).toBe(Math.fround(csv[f][d]))));
  });

  it('refuses npy for several files (a .npy holds one matrix) and on a terminal, with a hint', async () => {
    const several = await we(['pcoord', '--model', MODEL, '--format', 'npy', PDB, DCD], repoRoot);
    expect(several.exitCode).toBe(2);
    expect(several.stderr).toBe("we: error: --format npy writes one matrix, so one file at a time (got 2); --format csv or tsv names each row's file");
    const terminal = await weOnTerminal(['pcoord', '--model', MODEL, '--format', 'npy', DCD], repoRoot);
    expect(terminal.exitCode).toBe(2);
    expect(terminal.stdout.trim()).toBe(
      `we: error: refusing to write a .npy matrix (binary) to the terminal; redirect it to a file: we pcoord --model ${MODEL} ${DCD} --format npy > pcoords.npy`,
    );
    expect(terminal.stdout).not.toContain('NUMPY');
  });
});

describe('we extract', () => {
  it('writes a binary segment file to a pipe but not to a terminal; text goes to both', async () => {
    const dir = copyExample('odld');
    const segment = join(dir, 'traj_segs', '000001', '000000');
    mkdirSync(segment, { recursive: true });
    const binary = Buffer.from([0x54, 0x00, 0x00, 0x00, ...Buffer.from('CORD'), 0x00, 0xff]);
    writeFileSync(join(segment, 'seg.dcd'), binary);
    writeFileSync(join(segment, 'seg.log'), 'segment log\n');

    const piped = await execa('node', [weBin, 'extract', '1', '0', 'seg.dcd'], { cwd: dir, encoding: 'buffer' });
    expect(Buffer.compare(Buffer.from(piped.stdout), binary)).toBe(0);

    const terminal = await weOnTerminal(['extract', '1', '0', 'seg.dcd'], dir);
    expect(terminal.exitCode).toBe(2);
    expect(terminal.stdout.trim()).toBe(
      'we: error: refusing to write seg.dcd (binary) to the terminal; redirect it to a file: we extract 1 0 seg.dcd > seg.dcd',
    );
    const text = await weOnTerminal(['extract', '1', '0', 'seg.log'], dir);
    expect(text.exitCode).toBe(0);
    expect(text.stdout.trim()).toBe('segment log');
  });
});

describe('a closed pipe', () => {
  it('ends `we` quietly with 141 (as SIGPIPE would) when the reader has gone (`we plot --help | head`)', async () => {
    const child = execa('node', [weBin, 'plot', '--help'], { reject: false, stdout: 'pipe', stderr: 'pipe' });
    // Close the only read end before `we` has started: its first write finds no reader.
    child.stdout.destroy();
    const result = await child;
    expect(result.exitCode).toBe(141);
    expect(result.stderr).toBe('');
  });
});
