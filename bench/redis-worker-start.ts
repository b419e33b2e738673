/**
 * Worker start (issue 10, Speed): from `we worker` starting to its first segment running, and the first
 * segment's time (which loads the ONNX model) against the next ones on the same slot, on go-chignolin (the
 * embedded MD engine + the chignolin autoencoder). The driver has published iteration 1 before the worker
 * starts. Baseline in the same script: a bare `node -e 0`.
 *
 *   node dist/bench/redis-worker-start.js
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { runId, runKeys } from '../plugins/work-managers/redis/keys.js';
import { RedisServer } from './lib/redis-server.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const weBin = join(repo, 'dist/cli/we.js');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'we-bench-start-'));
  const server = await RedisServer.start(dir);
  const sim = join(dir, 'sim');
  cpSync(join(repo, 'examples/go-chignolin'), sim, { recursive: true });
  for (const file of ['we.yaml', 'runseg.sh']) {
    const path = join(sim, file);
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('../../models/', `${repo}models/`).replaceAll('$WEST_SIM_ROOT/../../dist/', `${repo}dist/`));
  }
  execFileSync(process.execPath, [weBin, 'init'], { cwd: sim, stdio: 'ignore' });
  const driver = spawn(process.execPath, [weBin, 'run', '--redis', server.url, '--max-iter', '1'], { cwd: sim, stdio: 'ignore' });
  const probe = new Redis(server.url);
  const keys = runKeys(runId(join(sim, 'we.yaml')));
  while ((await probe.hget(keys.round, 'published')) !== '1') await new Promise((r) => setTimeout(r, 50));
  probe.disconnect();

  const nodeStart = performance.now();
  execFileSync(process.execPath, ['-e', '0']);
  const bareNode = (performance.now() - nodeStart) / 1000;

  const started = performance.now();
  const worker = spawn(process.execPath, [weBin, 'worker', '--redis', server.url, '--slots', '1', '--node', 'w0'], {
    env: { ...process.env, TMPDIR: dir },
  });
  let log = '';
  let firstStart = 0;
  const durations: number[] = [];
  await new Promise<void>((resolve) => {
    worker.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (!firstStart && / started on slot/.test(log)) firstStart = (performance.now() - started) / 1000;
      durations.splice(0, durations.length, ...[...log.matchAll(/ done in ([\d.]+) s/g)].map((m) => Number(m[1])));
      if (durations.length >= 4) resolve();
    });
  });
  worker.kill('SIGTERM');
  driver.kill('SIGTERM');
  await Promise.all([worker, driver].map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
  await server.stop();
  rmSync(dir, { recursive: true, force: true });

  const later = durations.slice(1);
  const laterMean = later.reduce((a, b) => a + b, 0) / later.length;
  console.log(`load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| bare node start s | worker start → first segment running s | first segment s (loads the model) | next segments s (mean of 3) | first − next s |');
  console.log('|---:|---:|---:|---:|---:|');
  console.log(`| ${bareNode.toFixed(2)} | ${firstStart.toFixed(2)} | ${durations[0].toFixed(2)} | ${laterMean.toFixed(2)} | ${(durations[0] - laterMean).toFixed(2)} |`);
}

await main();
