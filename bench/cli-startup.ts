/**
 * Start-up of the command line: wall time from spawn to exit of `we` commands that do little beyond starting
 * (help, a completion script, `we status` on an initialised run, `we --version`), against bare Node
 * (`node -e 0`) in the same rounds. A batch job and a signal race see this time; `we status` must stay near
 * bare Node (it loads neither onnxruntime nor HDF5), `we --version` loads both on purpose. With
 * WE_OTHER=<another build's dist/cli/we.js> (e.g. from `git archive` of an older commit), its `--help` and
 * `status` are timed in the same rounds, for a before/after.
 * Run: npx tsc && node dist/bench/cli-startup.js
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './lib/median.js';

const ROUNDS = 15;
const root = fileURLToPath(new URL('../..', import.meta.url));
const we = join(root, 'dist/cli/we.js');

const sim = mkdtempSync(join(tmpdir(), 'we-bench-cli-'));
try {
  cpSync(join(root, 'examples/odld'), sim, { recursive: true });
  execFileSync(process.execPath, [we, 'init'], { cwd: sim, stdio: 'ignore' });
  const cases: [string, string[]][] = [
    ['node -e 0 (baseline)', ['-e', '0']],
    ['we --help', [we, '--help']],
    ['we run --help', [we, 'run', '--help']],
    ['we completion bash', [we, 'completion', 'bash']],
    ['we status', [we, 'status']],
    ['we --version', [we, '--version']],
    ...(process.env.WE_OTHER
      ? ([
          ['other build: we --help', [process.env.WE_OTHER, '--help']],
          ['other build: we status', [process.env.WE_OTHER, 'status']],
        ] as [string, string[]][])
      : []),
  ];
  const times = cases.map((): number[] => []);
  // Cases alternate within each round, so load from other processes falls on all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach(([, args], i) => {
      const started = performance.now();
      execFileSync(process.execPath, args, { cwd: sim, stdio: 'ignore' });
      times[i].push(performance.now() - started);
    });
  }
  const baseline = median(times[0]);
  console.log(`median of ${ROUNDS} runs each\n`);
  console.log('| command | ms | × bare node |');
  console.log('|---|---:|---:|');
  cases.forEach(([name], i) => {
    const ms = median(times[i]);
    console.log(`| ${name} | ${ms.toFixed(0)} | ${(ms / baseline).toFixed(2)} |`);
  });
} finally {
  rmSync(sim, { recursive: true, force: true });
}
