import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

/** A simulation directory whose own models/ shadows the installed chignolin-aae and holds a broken package. */
function simWithOwnModels(): string {
  const sim = tempDir('models-sim');
  cpSync(join(repoRoot, 'models', 'chignolin-aae'), join(sim, 'models', 'chignolin-aae'), { recursive: true });
  mkdirSync(join(sim, 'models', 'broken-aae'));
  writeFileSync(join(sim, 'models', 'broken-aae', 'model.yaml'), 'name: broken-aae\nselecton: name CA\n');
  return sim;
}

describe('we models', () => {
  it('lists model packages and basis-state sets in search order, checked, with where each comes from', async () => {
    const sim = simWithOwnModels();
    const listed = await we(['models'], sim, { WE_MODEL_PATH: '' });
    expect(listed.exitCode, listed.all).toBe(0);
    const lines = listed.stdout.split('\n');
    const installed = (kind: string, name: string) => `${join(repoRoot, kind, name)} (installed with we`;
    expect(lines[0]).toBe('Model packages (progress_coordinate.options.model: NAME)');
    expect(lines[1].split(/\s{2,}/)).toEqual(['NAME', 'SELECTION', 'INPUT', 'PCOORD (latent mean dims)', 'TRAINED', 'WHERE']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['broken-aae', 'unusable (below)', "models/broken-aae (this simulation's)"]);
    expect(lines[3].split(/\s{2,}/)).toEqual([
      'chignolin-aae',
      'name CA',
      'x (frames, 3, 10)',
      'mu[0, 1] of 10',
      '2026-11-25, 40 epochs, loss 30.1293',
      "models/chignolin-aae (this simulation's)",
    ]);
    expect(lines[4].split(/\s{2,}/)).toEqual(['bba-aae', 'name CA', 'x (frames, 3, 28)', 'mu[0, 1] of 10', '2026-11-25, 60 epochs, loss 72.6238', `${installed('models', 'bba-aae')})`]);
    expect(lines[5]).toMatch(/^chignolin-aae .* \(installed with we; shadowed by the one above\)$/);
    expect(lines[6]).toMatch(/^broken-aae: models\/broken-aae\/model\.yaml:2:1: unknown key 'selecton'; did you mean 'selection'\?/);
    // Every problem of the broken package's model.yaml, each on its line, then where the search went.
    expect(lines[7]).toBe("models/broken-aae/model.yaml:1:1: missing required field 'description'");
    const sets = lines.indexOf('Basis-state sets (basis_states: {set: NAME})');
    expect(lines[sets - 2]).toBe(`searched in order: models, $WE_MODEL_PATH (not set), ${join(repoRoot, 'models')}`);
    expect(lines.slice(sets, sets + 4).map((l) => l.split(/\s{2,}/))).toEqual([
      ['Basis-state sets (basis_states: {set: NAME})'],
      ['NAME', 'STATES', 'WHERE'],
      ['bba', '3', `${installed('bstates', 'bba')})`],
      ['chignolin', '4', `${installed('bstates', 'chignolin')})`],
    ]);
  });

  it('shows one model in full with its provenance, or everything as JSON', async () => {
    const dir = tempDir('models-empty');
    const one = await we(['models', 'bba-aae'], dir);
    expect(one.exitCode, one.all).toBe(0);
    expect(one.stdout).toMatch(/^ {2}selection +name CA: 28 of the reference's 504 atoms$/m);
    expect(one.stdout).toMatch(/^ {2}training data +1200 frames \(180 ps, every 0\.15 ps\) of OpenMM 7\.7 CPU/m);
    expect(one.stdout).toMatch(/^ {2}command +\/usr\/bin\/python3 scripts\/train-aae\.py --data/m);
    const json = JSON.parse((await we(['models', '--json'], dir)).stdout) as {
      models: { name: string; origin: string; points: number; output: { dims: number[]; latent: number }; provenance: { epochs: number } }[];
      basisStateSets: { name: string; states: { label: string; auxref: string }[] }[];
    };
    expect(json.models.map((m) => [m.name, m.origin, m.points, m.output.dims, m.output.latent, m.provenance.epochs])).toEqual([
      ['bba-aae', 'installed', 28, [0, 1], 10, 60],
      ['chignolin-aae', 'installed', 10, [0, 1], 10, 40],
    ]);
    expect(json.basisStateSets.find((s) => s.name === 'chignolin')?.states.map((s) => s.auxref)).toEqual(['0', '1', '2', '3']);
    const unknown = await we(['models', 'bba-aa'], dir);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^we: error: no model package 'bba-aa' .*; did you mean 'bba-aae'\?$/);
  });
});
