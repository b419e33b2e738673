import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, we } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

describe('we new --from', () => {
  it('copies a shipped example by name, ready to init wherever it is', async () => {
    const parent = tempDir('new-from');
    const made = await we(['new', 'sim', '--from', 'go-chignolin'], parent);
    expect(made.exitCode, made.all).toBe(0);
    expect(made.stdout).toBe(`wrote sim/ from ${join(repoRoot, 'examples/go-chignolin')}\nnext: cd sim && we init && we run`);
    const sim = join(parent, 'sim');
    expect(readdirSync(sim).sort()).toEqual(['README.md', 'TSTATE', 'make-tstate.sh', 'native.pdb', 'runseg.sh', 'we.yaml']);
    // Only the editor's schema comment changes: it names the installation's schema, which the copy does not carry.
    const schema = join(repoRoot, 'schema/we-yaml.schema.json');
    expect(readFileSync(join(sim, 'we.yaml'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'examples/go-chignolin/we.yaml'), 'utf8').replace('$schema=../../schema/we-yaml.schema.json', `$schema=${schema}`),
    );
    expect(existsSync(schema)).toBe(true);
    const init = await we(['init'], sim);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.stdout).toMatch(/4 basis state\(s\), iteration 1 with 16 walkers/);
    expect(readdirSync(parent)).toEqual(['sim']);
  });

  it("copies a simulation directory without its run's outputs, making paths that leave it absolute", async () => {
    const root = tempDir('new-from-path');
    const src = join(root, 'project', 'sim');
    mkdirSync(join(src, 'seg_logs'), { recursive: true });
    mkdirSync(join(src, 'traj_segs', '000001'), { recursive: true });
    mkdirSync(join(src, 'figures'), { recursive: true });
    mkdirSync(join(root, 'project', 'common'));
    writeFileSync(join(root, 'project', 'common', 'BASIS_STATES'), 'a 1 0\n');
    for (const name of ['west.h5', 'west.h5.journal.0', 'we-status.json', 'pdist.h5', 'report.html', 'TSTATE']) writeFileSync(join(src, name), '');
    const weYaml = [
      '# my simulation',
      "basis_states: {file: ../common/BASIS_STATES, folder: '../common'}   # shared with the other runs",
      'target_states: {file: TSTATE}',
      'propagator: {name: executable, options: {runseg: runseg.sh, logs: ../logs}}',
      '',
    ].join('\n');
    writeFileSync(join(src, 'we.yaml'), weYaml);
    writeFileSync(join(src, 'runseg.sh'), '#!/bin/bash\nsource "$WEST_SIM_ROOT/../env.sh"\n');
    chmodSync(join(src, 'runseg.sh'), 0o755);

    const made = await we(['new', 'copy', '--from', src], root);
    expect(made.exitCode, made.all).toBe(0);
    const common = join(root, 'project', 'common');
    expect(made.stdout.split('\n')).toEqual([
      `wrote copy/ from project/sim`,
      `  we.yaml basis_states.file: ../common/BASIS_STATES -> ${join(common, 'BASIS_STATES')} (outside the copied directory, so made absolute)`,
      `  we.yaml basis_states.folder: ../common -> ${common} (outside the copied directory, so made absolute)`,
      '  warning: runseg.sh:2: reaches outside the simulation ($WEST_SIM_ROOT/..), which this copy does not carry',
      'next: cd copy && we init && we run',
    ]);
    const copy = join(root, 'copy');
    expect(readdirSync(copy).sort()).toEqual(['TSTATE', 'runseg.sh', 'we.yaml']);
    // Only the values change: comments, quoting elsewhere and layout stay as written; ../logs does not exist, so it stays.
    expect(readFileSync(join(copy, 'we.yaml'), 'utf8')).toBe(
      weYaml.replace('../common/BASIS_STATES', join(common, 'BASIS_STATES')).replace("'../common'", common),
    );
    expect(readFileSync(join(copy, 'runseg.sh'), 'utf8')).toBe(readFileSync(join(src, 'runseg.sh'), 'utf8'));
  });

  it('refuses a non-empty directory and leaves it as it was; takes an empty one', async () => {
    const parent = tempDir('new-refuse');
    mkdirSync(join(parent, 'busy'));
    writeFileSync(join(parent, 'busy', 'notes.txt'), 'mine');
    const refused = await we(['new', 'busy', '--from', 'odld'], parent);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(`we: error: ${join(parent, 'busy')}: is not empty (1 entries); \`we new\` writes only into a new or empty directory`);
    expect(readdirSync(join(parent, 'busy'))).toEqual(['notes.txt']);
    mkdirSync(join(parent, 'empty'));
    expect((await we(['new', 'empty', '--from', 'odld'], parent)).exitCode).toBe(0);
    expect(readdirSync(join(parent, 'empty'))).toEqual(['we.yaml']);
    const unknown = await we(['new', 'x', '--from', 'go-chignlin'], parent);
    expect(unknown.stderr).toBe(`we: error: --from: no example 'go-chignlin' in ${join(repoRoot, 'examples')}; did you mean 'go-chignolin'?`);
    expect(readdirSync(parent).sort()).toEqual(['busy', 'empty']);
  });
});

describe('we new --model', () => {
  it('writes a Go-model simulation around the model and its basis states, which runs', async () => {
    const parent = tempDir('new-model');
    const made = await we(['new', 'bba', '--model', 'bba-aae'], parent);
    expect(made.exitCode, made.all).toBe(0);
    const sim = join(parent, 'bba');
    expect(readdirSync(sim).sort()).toEqual(['TSTATE', 'native.pdb', 'runseg.sh', 'we.yaml']);
    const weYaml = readFileSync(join(sim, 'we.yaml'), 'utf8');
    expect(weYaml).toMatch(/^# Written by `we new --model bba-aae`: BBA \(1FME, FSD-EY\)/);
    expect(weYaml).toContain('basis_states: {set: bba}');
    expect(weYaml).toContain('options: {model: bba-aae}');
    expect(readFileSync(join(sim, 'native.pdb'), 'utf8')).toBe(readFileSync(join(repoRoot, 'models/bba-aae/reference.pdb'), 'utf8'));
    const point = (await we(['pcoord', '--model', 'bba-aae', 'native.pdb'], sim)).stdout;
    expect(readFileSync(join(sim, 'TSTATE'), 'utf8')).toBe(`# label pcoord_1 pcoord_2 (latent point of native.pdb under bba-aae)\nfolded ${point}\n`);
    expect(made.stdout).toContain(`target: its reference's latent point (${point.replace(' ', ', ')})`);

    expect((await we(['init'], sim)).stdout).toMatch(/3 basis state\(s\)/);
    const run = await we(['run', '--max-iter', '1'], sim);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/reached iteration limit 1/);
  });

  it('fails before writing anything when the model cannot drive the Go-model engine or has no basis states', async () => {
    const parent = tempDir('new-model-errors');
    const mismatch = await we(['new', 'x', '--model', 'chignolin-aae', '--bstates', 'bba'], parent);
    expect(mismatch.stderr).toMatch(
      /^we: error: --bstates: the basis states of .*bstates\/bba do not fit model .*models\/chignolin-aae: .*bstates\/bba\/0\/bstate\.pdb: selection 'name CA' picks 28 atoms, expected 10/,
    );
    // A copy of chignolin-aae that selects the 10 backbone N atoms: as many points, but not what the engine writes.
    const model = join(parent, 'models', 'n-aae');
    cpSync(join(repoRoot, 'models/chignolin-aae'), model, { recursive: true });
    const yaml = readFileSync(join(model, 'model.yaml'), 'utf8');
    writeFileSync(join(model, 'model.yaml'), yaml.replace('selection: "name CA"', 'selection: "name N"').replace('basis_states: chignolin\n', ''));
    const notCalpha = await we(['new', 'x', '--model', 'n-aae'], parent);
    expect(notCalpha.stderr).toMatch(/^we: error: --model: models\/n-aae selects 'name N' \(10 atoms\), but the Go-model engine writes the 10 C-alphas only/);
    writeFileSync(join(model, 'model.yaml'), yaml.replace('basis_states: chignolin\n', ''));
    const noSet = await we(['new', 'x', '--model', 'n-aae'], parent);
    expect(noSet.stderr).toBe('we: error: --model: models/n-aae/model.yaml names no basis_states set; give one with --bstates SET (`we models` lists them)');
    expect((await we(['new', 'x', '--model', 'n-aae', '--bstates', 'chignolin'], parent)).exitCode).toBe(0);
    expect(readFileSync(join(parent, 'x', 'we.yaml'), 'utf8')).toContain('options: {model: ' + model + '}');
    expect(existsSync(join(parent, 'x', 'TSTATE'))).toBe(true);
    expect(readdirSync(parent).sort()).toEqual(['models', 'x']);
  });
});
