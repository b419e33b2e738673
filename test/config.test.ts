import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../core/config/load.js';
import { expandTargetCounts } from '../core/config/target-counts.js';
import { WeError } from '../core/errors.js';
import { tempDir } from './helpers/temp-dir.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'config');

/** A small valid we.yaml; tests swap one line for a bad one. Line numbers below refer to this text. */
const BASE = `pcoord: {ndim: 1, len: 21}
binning:
  mapper: {type: rectilinear, boundaries: [[-.inf, 1.0, 2.0, .inf]]}
  target_counts: 10
basis_states:
  - {label: start, probability: 1.0, pcoord: [8.0]}
propagator: {name: odld}
max_iterations: 5
seed: 1
`;

function edit(from: string, to: string, text = BASE): string {
  if (!text.includes(from)) throw new Error(`test setup: '${from}' not in the base config`);
  return text.replace(from, to);
}

async function errorOf(promise: Promise<unknown>): Promise<WeError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof WeError) return e;
    throw e;
  }
  throw new Error('expected a WeError, but loading succeeded');
}

/** A simulation folder with `files` (a trailing '/' makes a directory); returns its path. */
async function simDir(files: Record<string, string>): Promise<string> {
  const dir = tempDir('config');
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    if (name.endsWith('/')) {
      await mkdir(path, { recursive: true });
    } else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }
  return dir;
}

describe('loadConfig: a complete we.yaml', () => {
  it('produces the expected RunConfig with paths, state files and defaults resolved', async () => {
    const dir = join(FIXTURES, 'full');
    const config = await loadConfig(join(dir, 'we.yaml'));
    expect(config).toEqual({
      file: join(dir, 'we.yaml'),
      simRoot: dir,
      pcoord: { ndim: 1, len: 21, dtype: 'float64' },
      binning: {
        mapper: {
          type: 'recursive',
          outer: { type: 'rectilinear', boundaries: [[-Infinity, 0, 5, 10, Infinity]] },
          inner: [
            { at: [2.5], mapper: { type: 'rectilinear', boundaries: [[-Infinity, 0, 0.1, 0.2, 0.3]] } },
            {
              at: [7.5],
              mapper: { type: 'module', path: join(dir, 'mybins.js'), exportName: 'makeBins', options: { width: 0.5 } },
            },
          ],
        },
        targetCounts: [4, 4, 10, 10, 10, 10, 4],
      },
      basisStates: [
        { label: 'start8', probability: 0.75, auxref: '0' },
        { label: 'start9', probability: 0.25, auxref: '1' },
      ],
      basisStateDir: join(dir, 'bstates'),
      targetStates: [{ label: 'bound', pcoord: [1] }],
      propagator: { name: 'odld', options: { sigma2: 0.001 } },
      progressCoordinate: { name: 'onnx', options: { model: 'model.onnx' } },
      workManager: { name: 'processes', slots: 3, retries: 1, options: { tmp: '/tmp' } },
      store: { name: 'westh5', path: join(dir, 'out', 'west.h5'), options: {} },
      resampling: { name: 'bins', smallestAllowedWeight: 1e-100, largestAllowedWeight: 0.5 },
      maxIterations: 100,
      maxWallclock: 24 * 3600 + 90 * 60,
      seed: 12345,
    });
  });

  it('fills in defaults and resolves relative paths against the directory of we.yaml', async () => {
    const config = await parseConfigText(BASE, 'sim/we.yaml');
    expect(config.file).toBe(resolve('sim/we.yaml'));
    expect(config.simRoot).toBe(resolve('sim'));
    expect(config.pcoord.dtype).toBe('float32');
    expect(config.basisStates).toEqual([{ label: 'start', probability: 1, auxref: '', pcoord: [8] }]);
    expect(config.targetStates).toEqual([]);
    expect(config.propagator).toEqual({ name: 'odld', options: {} });
    expect(config.progressCoordinate).toBeUndefined();
    expect(config.workManager.name).toBe('local');
    expect(config.workManager.slots).toBeGreaterThanOrEqual(1);
    expect(config.workManager.retries).toBe(2);
    expect(config.store).toEqual({ name: 'westh5', path: resolve('sim/west.h5'), options: {} });
    expect(config.resampling).toEqual({ name: 'bins', smallestAllowedWeight: 1e-300, largestAllowedWeight: 1 });
    expect(config.maxWallclock).toBeUndefined();
  });

  it('expands an edge range like numpy.arange(start, stop + step/2, step), rounded to 12 digits', async () => {
    const text = edit(
      'boundaries: [[-.inf, 1.0, 2.0, .inf]]',
      'boundaries: [{start: 0.0, stop: 1.0, step: 0.1, overflow: true}]',
    );
    const { binning } = await parseConfigText(text, 'we.yaml');
    expect(binning.mapper).toEqual({
      type: 'rectilinear',
      boundaries: [[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, Infinity]],
    });
  });

  it('normalises inline probabilities and gives MAB its default directions', async () => {
    const text = `pcoord: {ndim: 2, len: 11}
binning:
  mapper: {type: mab, nbins: [10, 5]}
  target_counts: 4
basis_states:
  - {label: a, probability: 2, auxref: 0}
  - {label: 7, probability: 6}
target_states:
propagator: {name: odld}
max_iterations: 1
seed: 0
max_wallclock: '00:00:30'
`;
    const config = await parseConfigText(text, 'we.yaml');
    expect(config.binning.mapper).toEqual({ type: 'mab', nbins: [10, 5], direction: [0, 0], bottleneck: true, leading: true });
    expect(config.basisStates).toEqual([
      { label: 'a', probability: 0.25, auxref: '0' },
      { label: '7', probability: 0.75, auxref: '' },
    ]);
    expect(config.targetStates).toEqual([]);
    expect(config.maxWallclock).toBe(30);
  });
});

describe('we.yaml errors name file:line:column, the field, and expected vs found', () => {
  it('suggests the nearest key for a misspelt one', async () => {
    const err = await errorOf(parseConfigText(edit('binning:', 'bining:'), 'we.yaml'));
    expect(err.where).toBe('we.yaml:2:1');
    expect(err.message.split('\n')[0]).toBe("we.yaml:2:1: unknown key 'bining'; did you mean 'binning'?");
  });

  it('locates a misspelt nested key and names its mapping', async () => {
    const err = await errorOf(parseConfigText(edit('boundaries:', 'bondaries:'), 'we.yaml'));
    expect(err.message.split('\n')[0]).toBe(
      "we.yaml:3:31: binning.mapper: unknown key 'bondaries'; did you mean 'boundaries'?",
    );
  });

  it('lists the accepted keys when nothing is close', async () => {
    const err = await errorOf(parseConfigText(edit('propagator: {name: odld}', 'propagator: {name: odld, zzz: 1}'), 'we.yaml'));
    expect(err.message).toBe("we.yaml:7:26: propagator: unknown key 'zzz'; expected one of: name, options");
  });

  it('reports a wrong type with the expected and the found value', async () => {
    const err = await errorOf(parseConfigText(edit('max_iterations: 5', 'max_iterations: five'), 'we.yaml'));
    expect(err.where).toBe('we.yaml:8:17');
    expect(err.message).toBe("we.yaml:8:17: max_iterations: expected an integer >= 1, found string 'five'");
  });

  it('reports a string where a number belongs inside a flow mapping', async () => {
    const err = await errorOf(parseConfigText(edit('probability: 1.0', "probability: 'high'"), 'we.yaml'));
    expect(err.message).toBe("we.yaml:6:33: basis_states[0].probability: expected a number >= 0, found string 'high'");
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const err = await errorOf(parseConfigText(edit('seed: 1', 'seed: 1: 2'), 'we.yaml'));
    expect(err.where).toBe('we.yaml:9:7');
    expect(err.message).toContain('YAML syntax error');
  });

  it('reports an unclosed [ or { where it opens, not where the parser gives up lines later', async () => {
    const list = await errorOf(parseConfigText(edit('target_counts: 10', 'target_counts: [10'), 'we.yaml'));
    expect(list.message).toBe("we.yaml:4:18: YAML syntax error: this '[' is never closed with ']'");
    const map = await errorOf(parseConfigText(edit('propagator: {name: odld}', 'propagator: {name: odld'), 'we.yaml'));
    expect(map.message).toBe("we.yaml:7:13: YAML syntax error: this '{' is never closed with '}'");
  });

  it('names the line of a target_counts list whose length is not the bin count, and the count expected', async () => {
    const dir = await simDir({ 'we.yaml': edit('target_counts: 10', 'target_counts: [10, 10]') });
    const config = await loadConfig(join(dir, 'we.yaml'));
    // the mapper's boundaries [-inf, 1, 2, inf] make 3 bins
    const err = await errorOf(expandTargetCounts(config, 3));
    expect(err.message).toBe(`${join(dir, 'we.yaml')}:4:18: binning.target_counts: expected 3 counts, one per bin of binning.mapper; found 2`);
    expect(Array.from(await expandTargetCounts({ ...config, binning: { ...config.binning, targetCounts: [1, 2, 3] } }, 3))).toEqual([1, 2, 3]);
  });

  it('reports a duplicated key as a syntax error on its line', async () => {
    const err = await errorOf(parseConfigText(`${BASE}seed: 2\n`, 'we.yaml'));
    expect(err.where).toBe('we.yaml:10:1');
    expect(err.message).toContain('unique');
  });

  it('reports a missing required field at the mapping that lacks it', async () => {
    const err = await errorOf(parseConfigText(edit('seed: 1\n', ''), 'we.yaml'));
    expect(err.message).toBe("we.yaml:1:1: missing required field 'seed'");
    const nested = await errorOf(parseConfigText(edit('{ndim: 1, len: 21}', '{ndim: 1}'), 'we.yaml'));
    expect(nested.message).toBe("we.yaml:1:9: pcoord: missing required field 'len'");
  });

  it('reports an unknown mapper type with the accepted ones', async () => {
    const err = await errorOf(parseConfigText(edit('type: rectilinear', 'type: grid'), 'we.yaml'));
    expect(err.message).toBe(
      "we.yaml:3:18: binning.mapper.type: expected one of 'rectilinear', 'recursive', 'mab', 'module', found string 'grid'",
    );
  });

  it('reports the problem inside the alternative that matches what was written', async () => {
    const range = await errorOf(
      parseConfigText(edit('[[-.inf, 1.0, 2.0, .inf]]', '[{start: 1, stop: 2, step: 0}]'), 'we.yaml'),
    );
    expect(range.message).toBe('we.yaml:3:70: binning.mapper.boundaries[0].step: expected a number > 0, found 0');
    const file = await errorOf(
      parseConfigText(edit('\n  - {label: start, probability: 1.0, pcoord: [8.0]}', ' {file: 3}'), 'we.yaml'),
    );
    expect(file.message).toBe('we.yaml:5:22: basis_states.file: expected a path to a BASIS_STATES file, found 3');
    const neither = await errorOf(parseConfigText(edit('target_counts: 10', 'target_counts: ten'), 'we.yaml'));
    expect(neither.message).toBe(
      "we.yaml:4:18: binning.target_counts: expected a positive integer or a list of integers (one per bin), found string 'ten'",
    );
  });

  it('reports a misspelt key inside a list element', async () => {
    const err = await errorOf(parseConfigText(edit('probability: 1.0', 'probabilty: 1.0'), 'we.yaml'));
    expect(err.message.split('\n')[0]).toBe(
      "we.yaml:6:20: basis_states[0]: unknown key 'probabilty'; did you mean 'probability'?",
    );
  });

  it('reports boundaries that do not increase, at the offending edge', async () => {
    const err = await errorOf(parseConfigText(edit('1.0, 2.0', '2.0, 1.0'), 'we.yaml'));
    expect(err.message).toBe(
      'we.yaml:3:57: binning.mapper.boundaries[0][2]: edges must be strictly increasing, but 1 follows 2',
    );
  });

  it('reports a boundaries list whose dimension count differs from pcoord.ndim', async () => {
    const err = await errorOf(parseConfigText(edit('.inf]]}', '.inf], [0, 1]]}'), 'we.yaml'));
    expect(err.message).toBe('we.yaml:3:43: binning.mapper.boundaries: has 2 lists of edges but pcoord.ndim is 1');
  });

  it('reports a basis-state pcoord of the wrong length', async () => {
    const err = await errorOf(parseConfigText(edit('pcoord: [8.0]', 'pcoord: [8.0, 1.0]'), 'we.yaml'));
    expect(err.message).toBe('we.yaml:6:46: basis_states[0].pcoord: has 2 values but pcoord.ndim is 1');
  });

  it('reports duplicate inline labels and probabilities that cannot be normalised', async () => {
    const twice = edit(
      '  - {label: start, probability: 1.0, pcoord: [8.0]}\n',
      '  - {label: start, probability: 0, pcoord: [8.0]}\n  - {label: start, probability: 0, pcoord: [9.0]}\n',
    );
    const err = await errorOf(parseConfigText(twice, 'we.yaml'));
    expect(err.message).toContain("we.yaml:6:3: basis_states: probabilities must have a positive, finite sum");
    expect(err.message).toContain(
      "we.yaml:7:13: basis_states[1].label: label 'start' is already used by basis_states[0]",
    );
  });

  it.each([
    ['1:30', "string '1:30'"],
    ['01:75:00', "string '01:75:00'"],
    ['1-24:00:00', "string '1-24:00:00'"],
    ['00:00:00', "string '00:00:00'"],
  ])('rejects max_wallclock %s', async (value, found) => {
    const err = await errorOf(parseConfigText(`${BASE}max_wallclock: '${value}'\n`, 'we.yaml'));
    expect(err.message).toBe(
      `we.yaml:10:16: max_wallclock: expected a duration 'HH:MM:SS' or 'D-HH:MM:SS' above zero, found ${found}`,
    );
  });

  it('rejects a seed beyond 2^53-1 and an out-of-range weight limit', async () => {
    const seed = await errorOf(parseConfigText(edit('seed: 1', 'seed: 18014398509481984'), 'we.yaml'));
    expect(seed.message).toBe(
      'we.yaml:9:7: seed: expected an integer from 0 to 2^53-1, found 18014398509481984',
    );
    const weight = await errorOf(parseConfigText(`${BASE}resampling: {largest_allowed_weight: 2}\n`, 'we.yaml'));
    expect(weight.message).toBe(
      'we.yaml:10:38: resampling.largest_allowed_weight: expected a number in (0, 1], found 2',
    );
  });

  it('names the file when we.yaml itself cannot be read', async () => {
    const dir = await simDir({});
    const err = await errorOf(loadConfig(join(dir, 'we.yaml')));
    expect(err.message).toBe(`${join(dir, 'we.yaml')}: cannot read the configuration (ENOENT)`);
  });
});

const FILE_FORM = edit(
  '  - {label: start, probability: 1.0, pcoord: [8.0]}\n',
  '  file: BASIS_STATES\ntarget_states: {file: TSTATE}\n',
);

describe('BASIS_STATES and TSTATE files', () => {
  it('reads both, skipping comments and blank lines, and normalises probabilities', async () => {
    const dir = await simDir({
      'we.yaml': FILE_FORM,
      BASIS_STATES: '# label prob auxref\n\na 1 x   # first\nb 3 y\n',
      TSTATE: 'bound 1.5\n# comment\nfar 9\n',
      'bstates/x/': '',
      'bstates/y/': '',
    });
    const config = await loadConfig(join(dir, 'we.yaml'));
    expect(config.basisStates).toEqual([
      { label: 'a', probability: 0.25, auxref: 'x' },
      { label: 'b', probability: 0.75, auxref: 'y' },
    ]);
    expect(config.targetStates).toEqual([
      { label: 'bound', pcoord: [1.5] },
      { label: 'far', pcoord: [9] },
    ]);
  });

  it('looks for auxref folders in basis_states.folder, and not at all without require_folders', async () => {
    const withFolder = edit('file: BASIS_STATES', 'file: BASIS_STATES\n  folder: structures', FILE_FORM);
    const dir = await simDir({ 'we.yaml': withFolder, BASIS_STATES: 'a 1 x\n', TSTATE: '', 'structures/x/': '' });
    expect((await loadConfig(join(dir, 'we.yaml'))).basisStates).toEqual([{ label: 'a', probability: 1, auxref: 'x' }]);

    const noFolders = edit('file: BASIS_STATES', 'file: BASIS_STATES\n  require_folders: false', FILE_FORM);
    const bare = await simDir({ 'we.yaml': noFolders, BASIS_STATES: 'a 1\n', TSTATE: '' });
    expect((await loadConfig(join(bare, 'we.yaml'))).basisStates).toEqual([{ label: 'a', probability: 1, auxref: '' }]);
  });

  async function basisError(content: string, folders: string[] = ['bstates/x/', 'bstates/y/']): Promise<[WeError, string]> {
    const files: Record<string, string> = { 'we.yaml': FILE_FORM, BASIS_STATES: content, TSTATE: '' };
    for (const folder of folders) files[folder] = '';
    const dir = await simDir(files);
    return [await errorOf(loadConfig(join(dir, 'we.yaml'))), join(dir, 'BASIS_STATES')];
  }

  it('rejects a negative probability at file:line', async () => {
    const [err, file] = await basisError('# header\na 1 x\nb -0.5 y\n');
    expect(err.where).toBe(`${file}:3`);
    expect(err.message).toBe(`${file}:3: probability: expected a number >= 0, found '-0.5'`);
  });

  it('rejects a non-numeric probability at file:line', async () => {
    const [err, file] = await basisError('a one x\n');
    expect(err.message).toBe(`${file}:1: probability: expected a number >= 0, found 'one'`);
  });

  it('rejects a wrong column count, duplicate labels and a zero sum', async () => {
    const [columns, file] = await basisError('a 1 x extra\n');
    expect(columns.message).toBe(`${file}:1: expected 2 or 3 columns 'label probability [auxref]', found 4`);
    const [dup, dupFile] = await basisError('a 1 x\n\na 2 y\n');
    expect(dup.message).toBe(`${dupFile}:3: label 'a' is already used on line 1`);
    const [zero, zeroFile] = await basisError('a 0 x\nb 0 y\n');
    expect(zero.message).toBe(`${zeroFile}:2: probabilities must have a positive, finite sum`);
  });

  it('rejects an auxref without its folder, naming the folder', async () => {
    const [err, file] = await basisError('a 1 x\nb 1 missing\n');
    expect(err.message).toBe(
      `${file}:2: auxref 'missing': folder ${join(dirname(file), 'bstates', 'missing')} does not exist`,
    );
  });

  it('reports an unreadable state file at the we.yaml field that names it', async () => {
    const dir = await simDir({ 'we.yaml': FILE_FORM, TSTATE: '' });
    const err = await errorOf(loadConfig(join(dir, 'we.yaml')));
    expect(err.message).toBe(
      `${join(dir, 'we.yaml')}:6:9: basis_states.file: cannot read ${join(dir, 'BASIS_STATES')} (ENOENT)`,
    );
  });

  async function targetError(content: string): Promise<[WeError, string]> {
    const dir = await simDir({ 'we.yaml': FILE_FORM, BASIS_STATES: 'a 1 x\n', TSTATE: content, 'bstates/x/': '' });
    return [await errorOf(loadConfig(join(dir, 'we.yaml'))), join(dir, 'TSTATE')];
  }

  it('rejects a TSTATE line with the wrong number of dimensions, expected vs found', async () => {
    const [err, file] = await targetError('bound 1.0\nopen 9 1\n');
    expect(err.where).toBe(`${file}:2`);
    expect(err.message).toBe(`${file}:2: expected 1 pcoord value(s) after the label (pcoord.ndim), found 2`);
  });

  it('rejects a non-numeric TSTATE value and a duplicate target label', async () => {
    const [nan, file] = await targetError('bound x\n');
    expect(nan.message).toBe(`${file}:1: pcoord value 1: expected a number, found 'x'`);
    const [dup, dupFile] = await targetError('bound 1\nbound 2\n');
    expect(dup.message).toBe(`${dupFile}:2: label 'bound' is already used on line 1`);
  });
});
