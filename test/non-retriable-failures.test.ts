import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, copyFileSync, cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressCoordinate, Propagator, SegmentTask } from '../core/plugins.js';
import { executeTask } from '../core/work/tasks.js';
import { createExecutablePropagator } from '../plugins/propagators/executable/index.js';
import { createOnnxProgressCoordinate } from '../plugins/pcoord-onnx/index.js';
import { LocalWorkManager } from '../plugins/work-managers/local-work-manager.js';
import { FIXTURES, makeContext } from './fixtures/runseg/sim-context.js';
import { repoRoot } from './helpers/cli.js';
import { tempDir } from './helpers/temp-dir.js';

const RETRIES = 2;

function simRoot(): string {
  const root = tempDir('non-retriable');
  cpSync(FIXTURES, root, { recursive: true });
  return root;
}

function script(root: string, name: string, body: string): void {
  writeFileSync(join(root, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(root, name), 0o755);
}

const task: SegmentTask = {
  iteration: 3,
  segIds: Int32Array.of(0),
  parentIds: Int32Array.of(-1),
  startPoints: Float64Array.of(0, 0),
  initialStates: [{ istateId: 0, basisStateId: 0, auxref: '0' }],
};

const propagators: Propagator[] = [];
afterEach(async () => {
  await Promise.all(propagators.splice(0).map((p) => p.close?.()));
});

/** Runs the task through the local work manager with RETRIES retries; the error and the logs left. */
async function runToFailure(
  root: string,
  options: Record<string, unknown>,
  { ndim = 1, model, beforeRun }: { ndim?: number; model?: () => Promise<ProgressCoordinate>; beforeRun?: () => void } = {},
) {
  const propagator = await createExecutablePropagator(makeContext(root, { len: 3, ndim }, model), options);
  propagators.push(propagator);
  beforeRun?.();
  const configFile = join(root, 'we.yaml');
  const site = { propagator, propagatorName: 'executable', configFile, basisStates: [] };
  const manager = new LocalWorkManager({
    configFile,
    simulation: { configFile, simRoot: root, seed: 1, configDigest: '', batchSize: 1 },
    slots: 1,
    retries: RETRIES,
    local: { run: (kind, t, signal, slot) => executeTask(kind, t, site, signal, slot), iterationsDurable: async () => {} },
  });
  const error = await manager.run('propagate', [task]).then(
    () => undefined,
    (e: Error) => e,
  );
  return { message: error?.message ?? 'no error', logs: readdirSync(join(root, 'seg_logs')).filter((f) => f.startsWith('iter_000003_seg_000000.log')).sort() };
}

describe('failures a retry cannot fix fail at once; others are retried', () => {
  it('retries a script that exits non-zero, keeping each attempt\'s log', async () => {
    const root = simRoot();
    script(root, 'fails.sh', 'echo "attempt failed"; exit 4');
    const { message, logs } = await runToFailure(root, { runseg: 'fails.sh' });
    expect(message).toMatch(/^iteration 3, segment 0 failed after 3 attempt\(s\): .*iter_000003_seg_000000\.log\.2: .*exited with code 4/);
    expect(logs).toEqual(['iter_000003_seg_000000.log', 'iter_000003_seg_000000.log.1', 'iter_000003_seg_000000.log.2']);
  });

  it('does not retry a run script that has become missing or not executable', async () => {
    const root = simRoot();
    script(root, 'vanishing.sh', 'exit 0');
    // The propagator checks the script when it is made; it loses its execute bit before the segment runs.
    const { message } = await runToFailure(root, { runseg: 'vanishing.sh' }, { beforeRun: () => chmodSync(join(root, 'vanishing.sh'), 0o644) });
    expect(message).toMatch(/failed after 1 attempt\(s\) \(not retried: a retry would fail the same way\): .*vanishing\.sh: iteration 3, segment 0: the script could not be started: it is not executable/);
  });

  it('does not retry a segment whose progress-coordinate model has other dimensions than the run', async () => {
    const root = simRoot();
    script(root, 'trajectory.sh', "printf '1 2\\n3 4\\n' > seg.traj");
    const twoDimensional: ProgressCoordinate = { ndim: 2, fromFrames: async () => [], fromFiles: async () => [] };
    const { message } = await runToFailure(root, { runseg: 'trajectory.sh', pcoord_from: 'trajectory', trajectory: 'seg.traj' }, { model: async () => twoDimensional });
    expect(message).toMatch(/failed after 1 attempt\(s\) \(not retried.*the progress-coordinate model gives 2 dimensions, expected pcoord ndim 1/);
  });

  it("does not retry a segment whose trajectory holds another system's atoms than the model's (real ONNX model)", async () => {
    const root = simRoot();
    copyFileSync(join(repoRoot, 'test/fixtures/trajectory/cln025.dcd'), join(root, 'chignolin.dcd'));
    script(root, 'md.sh', 'cp "$WEST_SIM_ROOT/chignolin.dcd" seg.dcd');
    const model = () => createOnnxProgressCoordinate({ configFile: join(root, 'we.yaml'), simRoot: root, ndim: 2 }, { model: join(repoRoot, 'models/bba-aae') });
    const { message, logs } = await runToFailure(root, { runseg: 'md.sh', pcoord_from: 'trajectory', trajectory: 'seg.dcd' }, { ndim: 2, model });
    expect(message).toMatch(/failed after 1 attempt\(s\) \(not retried.*seg\.dcd: holds 166 atoms per frame, expected \d+ \(as the model's reference/);
    expect(logs).toEqual(['iter_000003_seg_000000.log']);
    expect(existsSync(join(root, 'seg_logs/iter_000003_seg_000000.log.1'))).toBe(false);
  });
});
