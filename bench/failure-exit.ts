/**
 * How soon `we run` exits after a segment fails for good while other slots run long scripts: from the failing
 * script's last attempt (it writes the time) to the engine's exit, with 2 and 4 slots whose other scripts sleep
 * 120 s (test/fixtures/flaky-sim, marker fail-one-hang-rest). Baseline in the same script: 1 slot, where nothing
 * else runs, so the difference is the cost of stopping the other slots (their scripts' process groups killed, the
 * launchers closed). Median of REPEATS. Run: npx tsc -p tsconfig.json && node dist/bench/failure-exit.js
 */
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './lib/median.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WE = join(REPO, 'dist/cli/we.js');
const REPEATS = 5;

/** Seconds from the final failure to the engine's exit, and the run's wall time. */
async function oneRun(slots: number): Promise<{ exitDelay: number; wall: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-failure-exit-'));
  try {
    cpSync(join(REPO, 'test/fixtures/flaky-sim'), dir, { recursive: true });
    const config = readFileSync(join(dir, 'we.yaml'), 'utf8').replace('slots: 2', `slots: ${slots}`).replace('target_counts: 2', `target_counts: ${Math.max(slots, 2)}`);
    writeFileSync(join(dir, 'we.yaml'), config);
    await execa('node', [WE, 'init'], { cwd: dir });
    writeFileSync(join(dir, 'fail-one-hang-rest'), String(slots - 1));
    const started = Date.now() / 1000;
    const run = await execa('node', [WE, 'run'], { cwd: dir, reject: false, timeout: 150_000 });
    const exited = Date.now() / 1000;
    if (run.exitCode !== 1) throw new Error(`expected exit code 1 with ${slots} slot(s), got ${run.exitCode}: ${run.stderr}`);
    return { exitDelay: exited - Number(readFileSync(join(dir, 'failed-at'), 'utf8')), wall: exited - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(): Promise<void> {
  console.log(`we run exit after a final segment failure, other slots' scripts sleeping 120 s: median of ${REPEATS}, seconds`);
  console.log('slots  failure->exit  run wall  vs 1 slot');
  let baseline = 0;
  for (const slots of [1, 2, 4]) {
    const runs = [];
    for (let k = 0; k < REPEATS; k++) runs.push(await oneRun(slots));
    const delay = median(runs.map((r) => r.exitDelay));
    if (slots === 1) baseline = delay;
    console.log(
      [String(slots).padStart(5), delay.toFixed(3).padStart(14), median(runs.map((r) => r.wall)).toFixed(2).padStart(9), `${(delay - baseline >= 0 ? '+' : '')}${(delay - baseline).toFixed(3)}`.padStart(10)].join(' '),
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
