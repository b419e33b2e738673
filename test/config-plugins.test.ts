/** Plugin names and options in we.yaml, checked as it loads (with the catalog), with line:column. */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../core/config/load.js';
import { pluginCatalog } from '../plugins/catalog.js';
import { builtinPlugins } from '../plugins/registry.js';
import { copyExample, we } from './helpers/cli.js';

/** Line numbers below refer to this text. */
const BASE = `pcoord: {ndim: 1, len: 21}
binning:
  mapper: {type: rectilinear, boundaries: [[-.inf, 1.0, 2.0, .inf]]}
  target_counts: 10
basis_states:
  - {label: start, probability: 1.0, pcoord: [8.0]}
propagator:
  name: odld
  options: {sigma_squared: 0.001}
max_iterations: 5
seed: 1
`;

async function problems(text: string): Promise<string> {
  const loaded = parseConfigText(text, '/sim/we.yaml', pluginCatalog);
  const error = await loaded.then(
    () => undefined,
    (e: Error) => e,
  );
  if (!error) throw new Error('expected the configuration to be refused');
  return error.message;
}

describe('plugin choices checked while loading we.yaml', () => {
  it('names unknown plugins of every kind, with a suggestion when one is close', async () => {
    expect(await problems(BASE.replace('name: odld', 'name: odl'))).toBe(
      "/sim/we.yaml:8:9: propagator.name: unknown plugin 'odl'; did you mean 'odld'?",
    );
    expect(await problems(`${BASE}work_manager: {name: mpi}\n`)).toMatch(
      /^\/sim\/we\.yaml:12:22: work_manager\.name: unknown plugin 'mpi'; expected one of: local, redis/,
    );
    expect(await problems(`${BASE}store: {name: west5}\n`)).toBe("/sim/we.yaml:12:15: store.name: unknown plugin 'west5'; did you mean 'westh5'?");
    expect(await problems(`${BASE}progress_coordinate: {name: onx, options: {model: m}}\n`)).toBe(
      "/sim/we.yaml:12:29: progress_coordinate.name: unknown plugin 'onx'; did you mean 'onnx'?",
    );
  });

  it('checks options against the plugin’s own schema, as top-level keys are', async () => {
    expect(await problems(BASE.replace('sigma_squared', 'sigma_sqared'))).toBe(
      "/sim/we.yaml:9:13: propagator.options: unknown key 'sigma_sqared'; did you mean 'sigma_squared'?",
    );
    expect(await problems(BASE.replace('sigma_squared: 0.001', 'sigma_squared: -1'))).toBe(
      '/sim/we.yaml:9:28: propagator.options.sigma_squared: expected a value > 0, found -1',
    );
    const executable = BASE.replace('name: odld', 'name: executable').replace('{sigma_squared: 0.001}', '{runseg: r.sh, timeout: soon}');
    expect(await problems(executable)).toBe("/sim/we.yaml:9:36: propagator.options.timeout: expected a number, found string 'soon'");
    // Reported with the rest of the file's problems, in one pass.
    expect((await problems(BASE.replace('sigma_squared', 'sigma_sqared').replace('seed: 1', 'seed: -1'))).split('\n')).toEqual([
      "/sim/we.yaml:9:13: propagator.options: unknown key 'sigma_sqared'; did you mean 'sigma_squared'?",
      '/sim/we.yaml:11:7: seed: expected an integer from 0 to 2^53-1, found -1',
    ]);
  });

  it('keeps the options as written: each plugin’s factory validates them again through the same schema', async () => {
    const config = await parseConfigText(BASE, '/sim/we.yaml', pluginCatalog);
    expect(config.propagator.options).toEqual({ sigma_squared: 0.001 });
  });

  it('lists the plugins the registry can create, and only those', () => {
    const catalogNames = Object.fromEntries(Object.entries(pluginCatalog).map(([field, plugins]) => [field, Object.keys(plugins).sort()]));
    expect(catalogNames).toEqual({
      propagator: Object.keys(builtinPlugins.propagators).sort(),
      progress_coordinate: Object.keys(builtinPlugins.progressCoordinates).sort(),
      work_manager: Object.keys(builtinPlugins.workManagers).sort(),
      store: Object.keys(builtinPlugins.stores).sort(),
    });
  });
});

describe('we init', () => {
  it('refuses a misspelt plugin option with its line:column, before writing anything', async () => {
    const dir = copyExample('odld');
    const yaml = join(dir, 'we.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('sigma_squared', 'sigma_sqared'));
    const init = await we(['init'], dir);
    expect(init.exitCode).toBe(1);
    expect(init.stderr).toMatch(/^we: error: .*we\.yaml:\d+:\d+: propagator\.options: unknown key 'sigma_sqared'; did you mean 'sigma_squared'\?$/);
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('sigma_sqared', 'sigma_squared').replace('name: odld', 'name: odl'));
    const again = await we(['init'], dir);
    expect(again.stderr).toMatch(/^we: error: .*we\.yaml:\d+:\d+: propagator\.name: unknown plugin 'odl'; did you mean 'odld'\?$/);
    expect(existsSync(join(dir, 'west.h5'))).toBe(false);
  });
});
