import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../core/config/load.js';
import { lookUp, shownPath } from '../core/named-resources.js';
import { repoRoot, we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

/** A directory holding `<name>/<marker>` for each name: what makes a model package or a basis-state set findable. */
function shelf(marker: string, names: string[]): string {
  const dir = tempDir('shelf');
  for (const name of names) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, marker), '');
  }
  return dir;
}

const found = (lookup: ReturnType<typeof lookUp>) => ('found' in lookup ? lookup.found.abs : lookup.problem);

describe('model packages by name', () => {
  it("takes the simulation's models/ first, then WE_MODEL_PATH in order, then the installation's models/", () => {
    const sim = tempDir('sim');
    const first = shelf('model.yaml', ['shared-aae', 'chignolin-aae']);
    const second = shelf('model.yaml', ['shared-aae', 'group-aae']);
    const env = { WE_MODEL_PATH: `${first}:${second}` };
    expect(found(lookUp('models', 'chignolin-aae', sim, {}))).toBe(join(repoRoot, 'models', 'chignolin-aae'));
    expect(found(lookUp('models', 'chignolin-aae', sim, env))).toBe(join(first, 'chignolin-aae'));
    expect(found(lookUp('models', 'shared-aae', sim, env))).toBe(join(first, 'shared-aae'));
    expect(found(lookUp('models', 'group-aae', sim, env))).toBe(join(second, 'group-aae'));
    mkdirSync(join(sim, 'models', 'chignolin-aae'), { recursive: true });
    // A folder without model.yaml is not a package, so the search goes on past it.
    expect(found(lookUp('models', 'chignolin-aae', sim, env))).toBe(join(first, 'chignolin-aae'));
    writeFileSync(join(sim, 'models', 'chignolin-aae', 'model.yaml'), '');
    expect(found(lookUp('models', 'chignolin-aae', sim, env))).toBe(join(sim, 'models', 'chignolin-aae'));
  });

  it('takes anything with a slash as a path relative to the simulation directory', () => {
    const sim = tempDir('sim');
    expect(found(lookUp('models', './chignolin-aae', sim, {}))).toBe(join(sim, 'chignolin-aae'));
    expect(found(lookUp('models', '../elsewhere/m', sim, {}))).toBe(join(sim, '..', 'elsewhere', 'm'));
    expect(found(lookUp('models', '/opt/models/m', sim, {}))).toBe('/opt/models/m');
  });

  it('names every place it looked, and the closest name it found', () => {
    const sim = tempDir('sim');
    const lookup = lookUp('models', 'chignolin-aa', sim, {});
    expect('problem' in lookup && lookup.problem).toBe(
      `no model package 'chignolin-aa' (a directory holding model.yaml) in ${join(sim, 'models')}, $WE_MODEL_PATH (not set), ` +
        `${shownPath(join(repoRoot, 'models'))}; did you mean 'chignolin-aae'?`,
    );
    const group = shelf('model.yaml', ['spike-aae']);
    const other = lookUp('models', 'villin', sim, { WE_MODEL_PATH: group });
    expect('problem' in other && other.problem).toBe(
      `no model package 'villin' (a directory holding model.yaml) in ${join(sim, 'models')}, ${group}, ${shownPath(join(repoRoot, 'models'))}; ` +
        'found: bba-aae, chignolin-aae, spike-aae',
    );
  });

  it('`we pcoord --model NAME` embeds with the installed package, and names what it looked for otherwise', async () => {
    const dir = tempDir('pcoord-by-name');
    const byName = await we(['pcoord', '--model', 'chignolin-aae', join(repoRoot, 'examples/go-chignolin/native.pdb')], dir);
    expect(byName.exitCode, byName.all).toBe(0);
    const byPath = await we(['pcoord', '--model', join(repoRoot, 'models/chignolin-aae'), join(repoRoot, 'examples/go-chignolin/native.pdb')], dir);
    expect(byName.stdout).toBe(byPath.stdout);
    expect(byName.stdout).toMatch(/^-?\d+\.\d{4} -?\d+\.\d{4}$/);
    const missing = await we(['pcoord', '--model', 'bba-ae', 'x.pdb'], dir, { WE_MODEL_PATH: '' });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(
      `we: error: --model: no model package 'bba-ae' (a directory holding model.yaml) in models, $WE_MODEL_PATH (not set), ` +
        `${join(repoRoot, 'models')}; did you mean 'bba-aae'?`,
    );
  });
});

describe('basis-state sets by name', () => {
  const weYaml = (basisStates: string) => `pcoord: {ndim: 1, len: 2}
binning: {mapper: {type: rectilinear, boundaries: [[-.inf, .inf]]}, target_counts: 1}
basis_states: ${basisStates}
propagator: {name: odld}
max_iterations: 1
seed: 1
`;

  it("reads the installation's set, whose folder then holds the auxref folders", async () => {
    const sim = tempDir('sim');
    const config = await parseConfigText(weYaml('{set: chignolin}'), join(sim, 'we.yaml'));
    expect(config.basisStates.map((b) => [b.label, b.probability, b.auxref])).toEqual([
      ['unfolded-a', 0.25, '0'],
      ['unfolded-b', 0.25, '1'],
      ['partial-a', 0.25, '2'],
      ['partial-b', 0.25, '3'],
    ]);
    expect(config.basisStateDir).toBe(join(repoRoot, 'bstates', 'chignolin'));
  });

  it("prefers the simulation's own bstates/<set>, and takes a path as a set folder", async () => {
    const sim = tempDir('sim');
    const own = join(sim, 'bstates', 'chignolin');
    cpSync(join(repoRoot, 'bstates', 'chignolin'), own, { recursive: true });
    writeFileSync(join(own, 'BASIS_STATES'), 'mine 1 2\n');
    const config = await parseConfigText(weYaml('{set: chignolin}'), join(sim, 'we.yaml'));
    expect(config.basisStates).toEqual([{ label: 'mine', probability: 1, auxref: '2' }]);
    expect(config.basisStateDir).toBe(own);
    const byPath = await parseConfigText(weYaml('{set: bstates/chignolin}'), join(sim, 'we.yaml'));
    expect(byPath.basisStateDir).toBe(own);
  });

  it('names the field, its line and column, the places searched and the closest set', async () => {
    const sim = tempDir('sim');
    await expect(parseConfigText(weYaml('{set: chignlin}'), join(sim, 'we.yaml'))).rejects.toThrow(
      `${join(sim, 'we.yaml')}:3:21: basis_states.set: no basis-state set 'chignlin' (a directory holding BASIS_STATES) in ` +
        `${join(sim, 'bstates')}, $WE_BSTATES_PATH (not set), ${shownPath(join(repoRoot, 'bstates'))}; did you mean 'chignolin'?`,
    );
  });

  it("requires each state's folder in the set, naming the set's BASIS_STATES line", async () => {
    const sim = tempDir('sim');
    const own = join(sim, 'bstates', 'two');
    mkdirSync(join(own, '0'), { recursive: true });
    writeFileSync(join(own, 'BASIS_STATES'), 'a 0.5 0\nb 0.5 1\n');
    await expect(parseConfigText(weYaml('{set: two}'), join(sim, 'we.yaml'))).rejects.toThrow(
      `${join(own, 'BASIS_STATES')}:2: auxref '1': folder ${join(own, '1')} does not exist`,
    );
  });
});
