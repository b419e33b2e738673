import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { execa } from 'execa';
import { JobStore } from '../plugins/cluster/store/job-store.js';
import { repoRoot } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

/** A writer in its own process: read the last allocation number, add the next one, 40 times over. */
const WRITER = `
const { JobStore } = await import(process.argv[1]);
const [store, chain, profile] = [new JobStore(process.argv[2]), Number(process.argv[3]), process.argv[4]];
for (let i = 0; i < 40; i++) {
  store.transaction(() => {
    const last = Math.max(0, ...store.jobs(chain).map((j) => j.link));
    store.addJob({ chain, link: last + 1, profile, after: null, args: (id) => ['--comment=' + id] });
  });
}
store.close();
`;

describe('the job store', () => {
  it('serialises read-decide-write transactions of concurrent processes: no decision is made on stale data', async () => {
    const path = join(tempDir('job-store'), 'jobs.sqlite');
    const store = new JobStore(path);
    const chain = store.transaction(() => store.addChain({ tries: 3, margin: null, profiles: [] }));
    const module = join(repoRoot, 'dist/plugins/cluster/store/job-store.js');
    const writers = ['a', 'b', 'c', 'd'].map((profile) => execa('node', ['--input-type=module', '-e', WRITER, module, path, String(chain), profile]));
    for (const writer of await Promise.all(writers)) expect(writer.exitCode).toBe(0);

    const jobs = store.jobs(chain);
    expect(jobs.map((j) => j.link)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
    expect(new Set(jobs.map((j) => j.profile))).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect(jobs.every((j) => j.state === 'NS' && j.args[0] === `--comment=${j.id}`)).toBe(true);
    store.close();
  });

  it('keeps what it holds across reopening, and names its file when it cannot open', () => {
    const dir = tempDir('job-store');
    const first = new JobStore(join(dir, 'jobs.sqlite'));
    const token = first.token();
    const chain = first.transaction(() => first.addChain({ tries: 2, margin: 60, profiles: [{ name: 'a', args: ['--partition=a'] }] }));
    first.close();
    const again = new JobStore(join(dir, 'jobs.sqlite'));
    expect(again.token()).toBe(token);
    expect(again.activeChain()).toMatchObject({ id: chain, tries: 2, margin: 60, profiles: [{ name: 'a', args: ['--partition=a'] }] });
    again.close();
    expect(() => new JobStore(join(dir, 'missing', 'jobs.sqlite'))).toThrow(/missing\/jobs\.sqlite: cannot open the job store/);
  });
});
