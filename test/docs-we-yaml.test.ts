/** The we.yaml reference (JSON Schema and docs/we-yaml.md) is what the schema generates, and the examples point at it. */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { weYamlReference } from '../scripts/docs/generate.js';
import { SCHEMA_FILE } from '../scripts/docs/we-yaml-schema.js';
import { repoRoot } from './helpers/cli.js';

describe('we.yaml reference', () => {
  it.each(Object.entries(weYamlReference()))('%s is what `npm run docs` generates from the schema', (file, generated) => {
    const committed = readFileSync(join(repoRoot, file), 'utf8');
    expect(committed, `${file} differs from the schema: run \`npm run docs\` and commit it`).toBe(generated);
  });

  it('lists every key of the schema and every plugin option', () => {
    const page = weYamlReference()['docs/we-yaml.md'];
    for (const key of ['pcoord.len', 'binning.target_counts', 'basis_states[].auxref', 'work_manager.slots', 'seed', 'max_wallclock']) {
      expect(page).toContain(`| \`${key}\` |`);
    }
    expect(page).toMatch(/\| `propagator\.options\.sigma_squared` \| number > 0 \| `0\.001` \| .+ \|/);
    expect(page).toMatch(/\| `propagator\.options\.staging\.keep` \| list of string \| `\[\]` \| .+ \|/);
    expect(page).toMatch(/\| `progress_coordinate\.options\.model` \| string \| required \| .+ \|/);
    // A default computed where we.yaml loads is named, not this machine's value.
    expect(page).toMatch(/\| `work_manager\.slots` \| integer ≥ 1 \| the number of cores \|/);
  });

  it("gives each example's we.yaml editor checking through its first line", () => {
    const examples = readdirSync(join(repoRoot, 'examples')).filter((name) => existsSync(join(repoRoot, 'examples', name, 'we.yaml')));
    expect(examples.length).toBeGreaterThan(0);
    for (const name of examples) {
      const yaml = join(repoRoot, 'examples', name, 'we.yaml');
      const first = readFileSync(yaml, 'utf8').split('\n')[0];
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, `${name}/we.yaml's first line`).not.toBeNull();
      expect(resolve(dirname(yaml), match![1])).toBe(join(repoRoot, SCHEMA_FILE));
    }
  });
});
