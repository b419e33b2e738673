import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse } from 'yaml';
import { convertWestCfg } from '../cli/westpa/convert.js';
import { readInitScript } from '../cli/westpa/w-init-script.js';
import { copyFixture, repoRoot, we } from './helpers/cli.js';
import { h5pyJson, systemPython } from './helpers/h5py.js';

const weYaml = (dir: string, name = 'we.yaml') => parse(readFileSync(join(dir, name), 'utf8')) as Record<string, any>;

/** Every file of a folder with its bytes, to show that running left the scripts as they were. */
function snapshot(dir: string, files: string[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

/** Dotted paths of every leaf value of a parsed west.cfg. */
function leaves(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return value === null ? [] : [path];
}

describe('we import: real WESTPA configurations (test/fixtures/westpa, MIT)', () => {
  it.each(['basic_nacl', 'intermediate_p53', 'advanced_WExplore', 'odld'])(
    '%s: every key of west.cfg is carried (a comment in we.yaml names it), reported, or what we does anyway',
    (name) => {
      const simRoot = join(repoRoot, 'test/fixtures/westpa', name);
      const cfgText = readFileSync(join(simRoot, 'west.cfg'), 'utf8');
      const init = readInitScript(join(simRoot, 'init.sh'), simRoot);
      const result = convertWestCfg({
        cfgText,
        cfgShown: 'west.cfg',
        simRoot,
        states: { flags: { bstates: [], tstates: [] }, ...(init.wInit ? { init: { shown: 'init.sh', args: init.wInit } } : {}) },
        seed: 1,
      });
      const named = [...[...result.origin.values()].map((o) => o.split(' ')[1]), ...result.report.map((r) => r.key.split(' ')[0]), ...result.alreadySo];
      const covered = (leaf: string) => named.some((n) => leaf === n || leaf.startsWith(`${n}.`) || leaf.startsWith(`${n}[`));
      expect(leaves(parse(cfgText, { version: '1.1', logLevel: 'error' })).filter((leaf) => !covered(leaf))).toEqual([]);
      if (name === 'basic_nacl') {
        // What is read but needs neither a we.yaml value nor a report line, because we does it anyway.
        expect(result.alreadySo.sort()).toEqual([
          'west.data.west_data_file',
          'west.executable.get_pcoord.stderr',
          'west.executable.post_iteration.enabled',
          'west.executable.post_iteration.stderr',
          'west.executable.propagator.cwd',
          'west.executable.propagator.stderr',
          'west.executable.propagator.stdin',
          'west.propagation.gen_istates',
          'west.system.driver',
        ]);
      }
    },
  );

  it('basic_nacl (the basic tutorial): bins from system_options, states from init.sh, env.sh, WESTPA log names; we init loads it', async () => {
    const dir = copyFixture('westpa/basic_nacl');
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode, imported.all).toBe(0);
    const y = weYaml(dir);
    expect(y.pcoord).toEqual({ ndim: 1, len: 50, dtype: 'float32' });
    expect(y.binning).toEqual({
      mapper: { type: 'rectilinear', boundaries: [[0, 2.6, 2.8, 3, 3.2, 3.4, 3.6, 3.8, 4, 4.5, 5, 5.5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, Infinity]] },
      target_counts: 5,
    });
    // auxref bstate.xml names a file, not a folder: the folder check is off.
    expect(y.basis_states).toEqual({ file: 'bstates/bstates.txt', require_folders: false });
    expect(y.target_states).toEqual({ file: 'tstate.file' });
    expect(y.propagator).toEqual({
      name: 'executable',
      options: {
        runseg: 'westpa_scripts/runseg.sh',
        segment_log: 'seg_logs/{segment.n_iter:06d}-{segment.seg_id:06d}.log',
        get_pcoord: 'westpa_scripts/get_pcoord.sh',
        post_iteration: 'westpa_scripts/post_iter.sh',
        env: { PROPAGATION_DEBUG: 1, SEG_DEBUG: 1 },
        segment_ref: 'traj_segs/{segment.n_iter:06d}/{segment.seg_id:06d}',
        bstate_ref: 'bstates/{basis_state.auxref}',
        istate_ref: 'istates/{initial_state.iter_created}/{initial_state.state_id}.rst',
        source: 'env.sh',
      },
    });
    expect(y.max_iterations).toBe(100);
    expect(y.max_wallclock).toBe('72:00:00');
    expect(Number.isInteger(y.seed)).toBe(true);
    const text = readFileSync(join(dir, 'we.yaml'), 'utf8');
    expect(text).toContain('len: 50 # west.cfg:11 west.system.system_options.pcoord_len');
    expect(text).toContain('source: env.sh # init.sh:4 source env.sh');
    expect(imported.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        '  west.cfg:32: west.data.datasets[0] (pcoord): scaleoffset: not carried: HDF5 storage options (we writes pcoord as pcoord.dtype and datasets as float64, unfiltered)',
        '  west.cfg:53: west.executable.gen_istate: not carried (unused: gen_istates is not true)',
        '  west.cfg:61: west.executable.pre_iteration: disabled (enabled: false): not carried',
        "  west.cfg:66: west.analysis: not carried: w_ipa's analysis settings (we kinetics, planned, takes its states and bins as options)",
        '  init.sh:15: w_init --segs-per-state 5: a flag of init, not a we.yaml key: run `we init --segs-per-state 5`',
        'next: we init --segs-per-state 5, then we run',
      ]),
    );
    // The tutorial's own get_pcoord.sh gives the basis state's pcoord (bstates/pcoord.init), env.sh sourced first.
    const init = await we(['init', '--segs-per-state', '5'], dir);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.stdout).toContain('iteration 1 with 5 walkers in 1 bin(s)');
  });

  it('intermediate_p53: two-dimensional bins and fourteen returned datasets', async () => {
    const dir = copyFixture('westpa/intermediate_p53');
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode, imported.all).toBe(0);
    const y = weYaml(dir);
    expect(y.binning.mapper.boundaries.map((d: number[]) => d.length)).toEqual([20, 18]);
    expect(y.binning.mapper.boundaries[1].slice(-2)).toEqual([26, Infinity]);
    expect(y.propagator.options.datasets).toEqual(['heavy_sc_rmsd_p53', ...Array.from({ length: 13 }, (_, i) => `dihedral_${i + 2}`)]);
    expect(imported.stdout).toContain('  west.cfg:79: west.plugins[0]: plugin westext.wess.WESSDriver (disabled): not carried');
  });

  it('advanced_WExplore: a system.py binning with WExplore is named, with its line, and we.yaml says it does not load yet', async () => {
    const dir = copyFixture('westpa/advanced_WExplore');
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode).toBe(1);
    expect(imported.stdout).toContain('  system.py:39: System.initialize: self.bin_mapper: self.bin_mapper.add_bin(…) on line 39 may change it; a static reading cannot follow that: port it to we.yaml binning.mapper');
    expect(imported.stdout).toContain('  west.cfg:23: west.plugins[0]: plugin wex_plugin.WExploreDriver: not carried');
    expect(imported.stdout).toMatch(/we\.yaml does not load yet; fix it by hand:\n.*we\.yaml:\d+:1: missing required field 'binning'/);
    // What could be read is there, from system.py.
    expect(weYaml(dir).pcoord).toEqual({ ndim: 3, len: 11, dtype: 'float32' });
  });

  it("odld (WESTPA's test fixture): bins from system.py's numpy.arange, and the Python propagator becomes the built-in odld", async () => {
    const dir = copyFixture('westpa/odld');
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode, imported.all).toBe(0);
    expect(imported.stdout).toContain(
      "  west.cfg:11: west.propagation.propagator: odld_system.ODLDPropagator is a Python propagator, which we cannot run: written as we's built-in odld propagator (the same ODLD dynamics), with the parameters ODLDPropagator.__init__ sets in odld_system.py",
    );
    const y = weYaml(dir);
    const numpy = await execa(systemPython, ['-c', 'import json, numpy as np; print(json.dumps(list(np.arange(0.0, 10.12, 0.1))))']);
    expect(y.binning).toEqual({ mapper: { type: 'rectilinear', boundaries: [JSON.parse(numpy.stdout)] }, target_counts: 10 });
    expect(y.pcoord).toEqual({ ndim: 1, len: 21, dtype: 'float32' });
    // sigma = 0.001 ** 0.5 in odld_system.py, squared.
    expect(y.propagator).toEqual({ name: 'odld', options: { A: 2, B: 10, C: 0.5, x0: 1, sigma_squared: 0.001 ** 0.5 * 0.001 ** 0.5, reflect_at: 10 } });
    expect(y.basis_states).toEqual([{ label: 'initial', probability: 1, pcoord: [8] }]);
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = await we(['run', '--max-iter', '2'], dir);
    expect(run.exitCode, run.all).toBe(0);
  });
});

describe('we import: a WESTPA executable simulation runs unchanged', () => {
  const scripts = ['env.sh', 'init.sh', 'bin/toy-md', 'westpa_scripts/runseg.sh', 'westpa_scripts/get_pcoord.sh', 'westpa_scripts/post_iter.sh', 'bstates/BASIS_STATES', 'tstate.file', 'west.cfg'];

  it('west.cfg, env.sh, runseg.sh, get_pcoord.sh, post_iter.sh, BASIS_STATES, tstate.file → we import → we init → we run', async () => {
    const dir = copyFixture('westpa-sim');
    const before = snapshot(dir, scripts);
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode, imported.all).toBe(0);
    expect(imported.stdout).toContain('next: we init --segs-per-state 2, then we run');
    // The import draws a seed; a fixed one makes the run, and what it recycles, the same every time.
    const weYamlPath = join(dir, 'we.yaml');
    writeFileSync(weYamlPath, readFileSync(weYamlPath, 'utf8').replace(/^seed: \d+$/m, 'seed: 20261205'));
    const init = await we(['init', '--segs-per-state', '2'], dir);
    expect(init.exitCode, init.all).toBe(0);
    expect(init.stdout).toContain('2 basis state(s), iteration 1 with 4 walkers');
    const run = await we(['run'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain('reached iteration limit 4');
    // post_iter.sh ran once per iteration, with env.sh's SIM_NAME, and packed each iteration's segment logs.
    const simName = relative(join(dir, '..'), dir);
    expect(readFileSync(join(dir, 'post_iter.done'), 'utf8')).toBe([1, 2, 3, 4].map((i) => `${simName} iteration ${i} done\n`).join(''));
    const logs = readdirSync(join(dir, 'seg_logs'));
    expect(logs.filter((f) => f.endsWith('.tar')).sort()).toEqual(['000001.tar', '000002.tar', '000003.tar', '000004.tar']);
    expect(logs.filter((f) => /^\d{6}-\d{6}\.log$/.test(f))).toEqual([]);
    const h5 = await h5pyJson<{ iterations: number; norms: number[]; energy: boolean; recycled: number }>(
      `
import sys, json, math, h5py
f = h5py.File(sys.argv[1], 'r')
its = [f['iterations'][k] for k in sorted(f['iterations'])][:4]
print(json.dumps({
  'iterations': int(f.attrs['west_current_iteration']) - 1,
  'norms': [math.fsum(g['seg_index']['weight'].tolist()) for g in its],
  'energy': all('auxdata/energy' in g for g in its),
  'recycled': int(sum((g['seg_index']['endpoint_type'] == 3).sum() for g in its)),
}))`,
      join(dir, 'west.h5'),
    );
    expect(h5.iterations).toBe(4);
    for (const norm of h5.norms) expect(Math.abs(norm - 1)).toBeLessThan(1e-12);
    expect(h5.energy).toBe(true);
    // Walkers reached the target state of tstate.file and were recycled.
    expect(h5.recycled).toBeGreaterThan(0);
    expect(snapshot(dir, scripts)).toEqual(before);
    expect(statSync(join(dir, 'westpa_scripts/runseg.sh')).mode & 0o111).not.toBe(0);
  });
});

describe('we import: what it refuses and what it is told', () => {
  it('never replaces an existing we.yaml unless --force', async () => {
    const dir = copyFixture('westpa-sim');
    expect((await we(['import', 'west.cfg'], dir)).exitCode).toBe(0);
    const first = readFileSync(join(dir, 'we.yaml'), 'utf8');
    const again = await we(['import', 'west.cfg'], dir);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toBe('we: error: we.yaml: exists; pass --force to replace it');
    expect(readFileSync(join(dir, 'we.yaml'), 'utf8')).toBe(first);
    expect((await we(['import', 'west.cfg', '--force'], dir)).exitCode).toBe(0);
    expect(readFileSync(join(dir, 'we.yaml'), 'utf8')).not.toBe(first); // a new seed
  });

  it('writes beside west.cfg only, under another name if asked', async () => {
    const dir = copyFixture('westpa-sim');
    const elsewhere = await we(['import', 'west.cfg', '--out', '../we.yaml'], dir);
    expect(elsewhere.exitCode).toBe(2);
    expect(elsewhere.stderr).toMatch(/^we: error: --out: we\.yaml goes in the simulation's folder .* \(west\.cfg's, which is WEST_SIM_ROOT for its scripts\)/);
    const named = await we(['import', 'west.cfg', '--out', 'we-toy.yaml'], dir);
    expect(named.exitCode, named.all).toBe(0);
    expect(named.stdout).toContain('next: we init -c we-toy.yaml --segs-per-state 2, then we run -c we-toy.yaml');
    // From another folder, a bare name still lands beside west.cfg.
    const fromParent = await we(['import', `${basename(dir)}/west.cfg`, '--out', 'we-other.yaml'], join(dir, '..'));
    expect(fromParent.exitCode, fromParent.all).toBe(0);
    expect(fromParent.stdout).toContain(`wrote ${basename(dir)}/we-other.yaml from ${basename(dir)}/west.cfg`);
    expect(fromParent.stdout).toContain(`then we run -c we-other.yaml (in ${basename(dir)})`);
  });

  it("takes basis and target states from w_init's flags over init.sh's", async () => {
    const dir = copyFixture('westpa-sim');
    writeFileSync(join(dir, 'BSTATES_NEAR'), 'near 1.0 0\n');
    const imported = await we(['import', 'west.cfg', '--bstates-from', 'BSTATES_NEAR', '--tstate', 'bound,0.5', '--tstate', 'far,4.9'], dir);
    expect(imported.exitCode, imported.all).toBe(0);
    const y = weYaml(dir);
    expect(y.basis_states).toEqual({ file: 'BSTATES_NEAR' });
    expect(y.target_states).toEqual([
      { label: 'bound', pcoord: [0.5] },
      { label: 'far', pcoord: [4.9] },
    ]);
    expect(readFileSync(join(dir, 'we.yaml'), 'utf8')).toContain('# we import --bstates-from');
  });

  it('says where to give basis states when it finds none', async () => {
    const dir = copyFixture('westpa-sim');
    writeFileSync(join(dir, 'init.sh'), '#!/bin/bash\nsource env.sh\necho nothing here\n');
    const imported = await we(['import', 'west.cfg'], dir);
    expect(imported.exitCode).toBe(1);
    expect(imported.stdout).toContain(
      'west.cfg: basis states: not found: give them as w_init takes them (we import --bstates-from FILE or --bstate label,prob[,auxref]), or --init the script that runs w_init',
    );
    expect(imported.stdout).toContain("missing required field 'basis_states'");
  });

  it('refuses a file that is not a WESTPA configuration', async () => {
    const dir = copyFixture('iteration-scripts');
    const imported = await we(['import', 'we.yaml', '--out', 'other.yaml'], dir);
    expect(imported.exitCode).toBe(1);
    expect(imported.stderr).toBe("we: error: we.yaml: expected a WESTPA configuration, a mapping under 'west:'");
  });
});
