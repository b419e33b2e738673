import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProgressCoordinate, Propagator, PropagatorContext, SegmentTask } from '../core/plugins.js';
import { createExecutablePropagator as createPropagator } from '../plugins/propagators/executable/index.js';
import { makeContext, makeSimRoot } from './fixtures/runseg/sim-context.js';
import { repoRoot } from './helpers/cli.js';
import { gone, parentOf } from './helpers/processes.js';

interface Seg {
  segId: number;
  parentId: number;
  start?: number[];
}

/** Initial state i comes from basis state i (auxref "i"), as `we init` makes them. */
function makeTask(iteration: number, segs: Seg[], ndim = 1): SegmentTask {
  const istateIds = segs.filter((s) => s.parentId < 0).map((s) => -(s.parentId + 1));
  return {
    iteration,
    segIds: Int32Array.from(segs.map((s) => s.segId)),
    parentIds: Int32Array.from(segs.map((s) => s.parentId)),
    startPoints: Float64Array.from(segs.flatMap((s) => s.start ?? new Array(ndim).fill(0))),
    initialStates: istateIds.map((id) => ({ istateId: id, basisStateId: id, auxref: String(id), iterCreated: Math.max(1, iteration - 1) })),
  };
}

const roots: string[] = [];
async function simRoot(): Promise<string> {
  const root = await makeSimRoot();
  roots.push(root);
  return root;
}
const propagators: Propagator[] = [];
/** How the tests below start scripts (propagator.options.launcher). */
let launcher = 'python3';
async function createExecutablePropagator(ctx: PropagatorContext, options: Record<string, unknown>): Promise<Propagator> {
  const propagator = await createPropagator(ctx, { launcher, ...options });
  propagators.push(propagator);
  return propagator;
}
afterEach(async () => {
  await Promise.all(propagators.splice(0).map((p) => p.close?.()));
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

async function readEnv(dataRef: string): Promise<Record<string, string>> {
  const text = await readFile(join(dataRef, 'env.txt'), 'utf8');
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** The file lists textModel was called with, in order. */
const textModelCalls: string[][] = [];
/** A progress coordinate read from text files of one number per frame: a real implementation of the seam. */
const textModel: ProgressCoordinate = {
  ndim: 1,
  async fromFrames(frameSets) {
    return frameSets.map((frames) => Float64Array.from({ length: frames.nFrames }, (_, f) => frames.xyz[f * frames.nAtoms * 3]));
  },
  async fromFiles(paths) {
    textModelCalls.push([...paths]);
    return Promise.all(paths.map(async (path) => Float64Array.from((await readFile(path, 'utf8')).trim().split('\n').map(Number))));
  },
};

// Every behaviour holds whichever way scripts are started: through the launcher (default) or from this process.
describe.each(['python3', 'none'])('launcher: %s', (launcherOption) => {
  beforeEach(() => {
    launcher = launcherOption;
  });

  describe('executable propagator: a WESTPA tutorial-style runseg.sh', () => {
    it('runs unchanged from basis states and then from its parent, returning the pcoord it writes', async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 5, ndim: 1 });
      const propagator = await createExecutablePropagator(ctx, { runseg: 'runseg.sh' });

      const first = await propagator.propagate(makeTask(1, [{ segId: 0, parentId: -1 }, { segId: 1, parentId: -2 }]));
      expect(Array.from(first.segIds)).toEqual([0, 1]);
      expect(Array.from(first.pcoord)).toEqual([8, 7.9, 7.8, 7.7, 7.6, 5.5, 5.4, 5.3, 5.2, 5.1]);

      // Left over from an earlier attempt: cleared before the segment runs, as WESTPA does.
      await mkdir(join(root, 'traj_segs/000002/000000'), { recursive: true });
      await writeFile(join(root, 'traj_segs/000002/000000/stale.rst'), 'old');
      const second = await propagator.propagate(makeTask(2, [{ segId: 0, parentId: 1 }]));
      await expect(stat(join(root, 'traj_segs/000002/000000/stale.rst'))).rejects.toThrow('ENOENT');
      expect(Array.from(second.pcoord)).toEqual([5.1, 5.0, 4.9, 4.8, 4.7]);
      expect(second.walltime[0]).toBeGreaterThan(0);
      expect(second.cputime[0]).toBeGreaterThanOrEqual(0);

      const restart = await readFile(join(root, 'traj_segs/000002/000000/seg.rst'), 'utf8');
      expect(restart.trim()).toBe('4.7000');
      const log = await readFile(join(root, 'seg_logs/iter_000002_seg_000000.log'), 'utf8');
      expect(log).toContain('+ cp ' + join(root, 'traj_segs/000001/000001') + '/seg.rst ./parent.rst');
      expect(log).toMatch(/md\.conf' -> '.*common_files\/md\.conf'/);
    });

    it('accepts west.cfg-style data_refs with $WEST_SIM_ROOT and WESTPA field names', async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 5, ndim: 1 }), {
        runseg: 'runseg.sh',
        segment_ref: '$WEST_SIM_ROOT/traj/{segment.n_iter:04d}-{segment.seg_id:03d}',
        bstate_ref: '${WEST_SIM_ROOT}/bstates/{basis_state.auxref}',
      });
      const result = await propagator.propagate(makeTask(12, [{ segId: 3, parentId: -1 }]));
      expect(result.pcoord[0]).toBe(8);
      expect((await stat(join(root, 'traj/0012-003/seg.rst'))).isFile()).toBe(true);
    });
  });

  describe('executable propagator: environment', () => {
    it('gives a continuing segment every WEST_* variable WESTPA sets, in its data ref', async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 1, ndim: 1 });
      const propagator = await createExecutablePropagator(ctx, { runseg: 'dump-env.sh', env: { MY_SETTING: 42 } });
      await propagator.propagate(makeTask(3, [{ segId: 7, parentId: 2 }]));
      const dataRef = join(root, 'traj_segs/000003/000007');
      const env = await readEnv(dataRef);
      expect(env).toMatchObject({
        WEST_SIM_ROOT: root,
        WEST_CURRENT_ITER: '3',
        WEST_CURRENT_SEG_ID: '7',
        WEST_CURRENT_SEG_DATA_REF: dataRef,
        WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_CONTINUES',
        WEST_PARENT_ID: '2',
        WEST_PARENT_DATA_REF: join(root, 'traj_segs/000002/000002'),
        PWD_AT_START: dataRef,
        MY_SETTING: '42',
      });
      expect(env.WEST_PCOORD_RETURN).toMatch(/\/we-returns-\d+-\d+-\w+\/iter000003-seg000007-\d+\.pcoord$/);
      expect(env).not.toHaveProperty('WEST_BSTATE_ID');
      expect(env).not.toHaveProperty('WEST_ISTATE_ID');
      expect(Number(env.WEST_RAND16)).toBeLessThan(2 ** 16);
      expect(Number(env.WEST_RAND32)).toBeLessThan(2 ** 32);
      expect(BigInt(env.WEST_RAND64)).toBeLessThan(2n ** 64n);
      expect(BigInt(env.WEST_RAND128)).toBeLessThan(2n ** 128n);
      expect(Number(env.WEST_RANDFLOAT)).toBeGreaterThanOrEqual(0);
      expect(Number(env.WEST_RANDFLOAT)).toBeLessThan(1);
    });

    it("finds we-go-md by name: this installation's bin/ comes first on the scripts' PATH, before we.yaml's env.PATH", async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 1, ndim: 1 });
      const propagator = await createExecutablePropagator(ctx, { runseg: 'which-engine.sh', env: { PATH: '/opt/site/bin:/usr/bin:/bin' } });
      await propagator.propagate(makeTask(1, [{ segId: 0, parentId: 0 }]));
      const [engine, path] = (await readFile(join(root, 'traj_segs/000001/000000/engine.txt'), 'utf8')).trim().split('\n');
      expect(engine).toBe(join(repoRoot, 'bin', 'we-go-md'));
      expect(path).toBe(`${join(repoRoot, 'bin')}:/opt/site/bin:/usr/bin:/bin`);
    });

    it('points a new trajectory at its initial and basis states, with the basis state as parent data ref', async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'dump-env.sh' });
      await propagator.propagate(makeTask(1, [{ segId: 4, parentId: -2 }]));
      const env = await readEnv(join(root, 'traj_segs/000001/000004'));
      expect(env).toMatchObject({
        WEST_CURRENT_SEG_INITPOINT_TYPE: 'SEG_INITPOINT_NEWTRAJ',
        WEST_PARENT_ID: '-2',
        WEST_BSTATE_ID: '1',
        WEST_BSTATE_DATA_REF: join(root, 'bstates/1'),
        WEST_ISTATE_ID: '1',
        WEST_ISTATE_DATA_REF: join(root, 'istates/1'),
        WEST_PARENT_DATA_REF: join(root, 'bstates/1'),
      });
    });

    it("renders west.cfg's initial_state data ref, {initial_state.iter_created} included", async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 1, ndim: 1 }), {
        runseg: 'dump-env.sh',
        istate_ref: '$WEST_SIM_ROOT/istates/{initial_state.iter_created}/{initial_state.state_id}.rst',
      });
      await propagator.propagate(makeTask(5, [{ segId: 0, parentId: -2 }]));
      const env = await readEnv(join(root, 'traj_segs/000005/000000'));
      expect(env.WEST_ISTATE_DATA_REF).toBe(join(root, 'istates/4/1.rst'));
    });

    it("finds a named basis-state set's structures in its own folder, outside the simulation", async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 1, ndim: 1 });
      const setDir = join(repoRoot, 'bstates', 'chignolin');
      const propagator = await createExecutablePropagator({ ...ctx, basisStateDir: setDir }, { runseg: 'dump-env.sh' });
      await propagator.propagate(makeTask(1, [{ segId: 4, parentId: -2 }]));
      const env = await readEnv(join(root, 'traj_segs/000001/000004'));
      expect(env).toMatchObject({ WEST_BSTATE_DATA_REF: join(setDir, '1'), WEST_PARENT_DATA_REF: join(setDir, '1') });
    });

    it('draws WEST_RAND* from the run seed, iteration and segment: the same on a rerun, different elsewhere', async () => {
      const randoms = async (seed: number, iteration: number, segId: number) => {
        const root = await simRoot();
        const ctx = { ...makeContext(root, { len: 1, ndim: 1 }), seed };
        const propagator = await createExecutablePropagator(ctx, { runseg: 'dump-env.sh' });
        await propagator.propagate(makeTask(iteration, [{ segId, parentId: 0 }]));
        const env = await readEnv(join(root, `traj_segs/00000${iteration}/00000${segId}`));
        return ['WEST_RAND16', 'WEST_RAND32', 'WEST_RAND64', 'WEST_RAND128', 'WEST_RANDFLOAT'].map((k) => env[k]);
      };
      const base = await randoms(5, 2, 1);
      expect(await randoms(5, 2, 1)).toEqual(base);
      const others = [await randoms(5, 2, 2), await randoms(5, 3, 1), await randoms(6, 2, 1)];
      for (const other of others) for (let k = 0; k < base.length; k++) expect(other[k]).not.toBe(base[k]);
    });
  });

  describe('executable propagator: returned data', () => {
    it('reads an extra dataset from WEST_<NAME>_RETURN as auxdata', async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 3, ndim: 1 }), {
        runseg: 'auxdata.sh',
        datasets: ['com'],
      });
      const result = await propagator.propagate(makeTask(1, [{ segId: 0, parentId: -1 }]));
      expect(Array.from(result.pcoord)).toEqual([1, 2, 3]);
      expect(result.auxdata?.com.shape).toEqual([1, 3, 2]);
      expect(Array.from(result.auxdata?.com.data ?? [])).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    });

    it("takes the pcoord from the segment's trajectory through the model, row 0 being the parent's point", async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 3, ndim: 1 }, async () => textModel);
      const propagator = await createExecutablePropagator(ctx, {
        runseg: 'trajectory.sh',
        pcoord_from: 'trajectory',
        trajectory: 'seg.traj',
      });
      const result = await propagator.propagate(makeTask(2, [{ segId: 0, parentId: 5, start: [0.25] }]));
      expect(Array.from(result.pcoord)).toEqual([0.25, 1.5, 2.5]);
    });

    it('computes basis-state pcoords with get_pcoord (WEST_STRUCT_DATA_REF) or with the model', async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 5, ndim: 1 });
      const byScript = await createExecutablePropagator(ctx, { runseg: 'runseg.sh', get_pcoord: 'get_pcoord.sh' });
      expect(Array.from(await byScript.basisStatePcoords!([0, 1]))).toEqual([8.0, 5.5]);
      const log = await readFile(join(root, 'seg_logs/get_pcoord_bstate_000001.log'), 'utf8');
      expect(log).toContain(`cat ${join(root, 'bstates/1')}/bstate.rst`);

      const byModel = await createExecutablePropagator(makeContext(root, { len: 5, ndim: 1 }, async () => textModel), {
        runseg: 'runseg.sh',
        bstate_structure: 'bstate.traj',
      });
      textModelCalls.length = 0;
    expect(Array.from(await byModel.basisStatePcoords!([0, 1]))).toEqual([7.75, 3.25]);
    // All basis states in one call: the ONNX model then runs the encoder once for them all.
    expect(textModelCalls).toEqual([[join(root, 'bstates/0/bstate.traj'), join(root, 'bstates/1/bstate.traj')]]);
    });
  });

  describe('executable propagator: failures', () => {
    async function failure(
      runseg: string,
      len: number,
      options: Record<string, unknown> = {},
      signal?: AbortSignal,
      whileRunning?: (root: string) => Promise<void>,
    ) {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len, ndim: 1 }), { runseg, ...options });
      void whileRunning?.(root);
      const error = await propagator.propagate(makeTask(4, [{ segId: 9, parentId: 1 }]), signal).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).toBe('WeError');
      return { message: error?.message ?? '', root };
    }

    it('names iteration, segment and expected vs found shape for a pcoord of the wrong shape', async () => {
      const { message } = await failure('wrong-shape.sh', 3);
      expect(message).toContain('iteration 4, segment 9');
      expect(message).toContain('expected 3 × 1');
      expect(message).toContain('got 2 × 1');
    });

    it('names the return file and line of a non-numeric value, keeping the file beside the log', async () => {
      const { message, root } = await failure('non-numeric.sh', 3);
      const kept = join(root, 'seg_logs/iter_000004_seg_000009.pcoord');
      expect(message).toBe(`${kept}:3: iteration 4, segment 9: WEST_PCOORD_RETURN: column 1: expected a number, found 'abc'`);
      expect(await readFile(kept, 'utf8')).toBe('# x\n1.0\nabc\n2.0\n');
    });

    it('rejects a NaN progress coordinate, naming its line', async () => {
      const { message, root } = await failure('nan.sh', 3);
      expect(message).toBe(
        `${join(root, 'seg_logs/iter_000004_seg_000009.pcoord')}:3: iteration 4, segment 9: WEST_PCOORD_RETURN: ` +
          'expected a finite progress coordinate, found NaN',
      );
    });

    it('reports a non-zero exit with the code and the last 20 lines of the log', async () => {
      const { message, root } = await failure('exit3.sh', 1);
      expect(message.startsWith(join(root, 'seg_logs/iter_000004_seg_000009.log'))).toBe(true);
      expect(message).toContain('iteration 4, segment 9');
      expect(message).toContain('exited with code 3');
      expect(message).toContain('pmemd: fatal error, bad restart');
      expect(message).toMatch(/^output line 6$/m);
      expect(message).not.toMatch(/^output line 5$/m);
    });

    it('kills the whole process group of a segment that runs past its timeout', async () => {
      const { message, root } = await failure('hang.sh', 1, { timeout: 1 });
      expect(message).toContain('iteration 4, segment 9');
      expect(message).toContain('timed out after 1 s');
      const sleeper = Number(await readFile(join(root, 'traj_segs/000004/000009/sleeper.pid'), 'utf8'));
      expect(await gone(sleeper)).toBe(true);
    });

    it('kills the process group when the caller cancels', async () => {
      const controller = new AbortController();
      const { message } = await failure('hang.sh', 1, {}, controller.signal, (root) =>
        whenExists(join(root, 'traj_segs/000004/000009/sleeper.pid')).then(() => controller.abort()),
      );
      expect(message).toContain('iteration 4, segment 9');
      expect(message).toContain('was cancelled');
    });

    it('kills the scripts still running when the propagator closes', async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'hang.sh' });
      const running = propagator.propagate(makeTask(4, [{ segId: 9, parentId: 1 }]));
      void whenExists(join(root, 'traj_segs/000004/000009/sleeper.pid')).then(() => propagator.close?.());
      await expect(running).rejects.toThrow(/iteration 4, segment 9: .*hang\.sh was killed by signal SIGTERM/);
      const sleeper = Number(await readFile(join(root, 'traj_segs/000004/000009/sleeper.pid'), 'utf8'));
      expect(await gone(sleeper)).toBe(true);
    });

    it('reports a script that is missing or not executable, when configured and when run', async () => {
      const root = await simRoot();
      const ctx = makeContext(root, { len: 1, ndim: 1 });
      await expect(createExecutablePropagator(ctx, { runseg: 'nope.sh' })).rejects.toThrow(
        /we\.yaml: propagator\.options\.runseg: no such file: .*nope\.sh/,
      );
      await expect(createExecutablePropagator(ctx, { runseg: 'not-executable.sh' })).rejects.toThrow(
        /propagator\.options\.runseg: .*not-executable\.sh is not executable/,
      );
      const propagator = await createExecutablePropagator(ctx, { runseg: 'dump-env.sh' });
      await chmod(join(root, 'dump-env.sh'), 0o644);
      await expect(propagator.propagate(makeTask(2, [{ segId: 1, parentId: 0 }]))).rejects.toThrow(
        /dump-env\.sh: iteration 2, segment 1: the script could not be started: it is not executable/,
      );
      await rm(join(root, 'dump-env.sh'));
      await expect(propagator.propagate(makeTask(2, [{ segId: 1, parentId: 0 }]))).rejects.toThrow(
        /dump-env\.sh: iteration 2, segment 1: the script could not be started: no such file/,
      );
    });
  });

  describe('executable propagator: process', () => {
    it("starts scripts with no signal ignored and counts their children's CPU time", async () => {
      const root = await simRoot();
      const propagator = await createExecutablePropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'signals-and-cpu.sh' });
      const result = await propagator.propagate(makeTask(1, [{ segId: 0, parentId: 0 }]));
      expect(await readFile(join(root, 'seg_logs/iter_000001_seg_000000.log'), 'utf8')).toBe('');
      expect(result.pcoord[0]).toBe(0);
      expect(result.cputime[0]).toBeGreaterThan(0.05);
      expect(result.cputime[0]).toBeLessThanOrEqual(result.walltime[0] * 2);
    });
  });
});

describe('executable propagator: launcher', () => {
  it('names the launcher option when its Python cannot run', async () => {
    const root = await simRoot();
    await expect(
      createPropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'runseg.sh', launcher: join(root, 'no-python3') }),
    ).rejects.toThrow(/we\.yaml: propagator\.options\.launcher: could not start the script launcher \(cannot run .*no-python3: ENOENT\); expected a Python >= 3\.8, or 'none'/);
    await expect(
      createPropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'runseg.sh', launcher: '/bin/false' }),
    ).rejects.toThrow(/propagator\.options\.launcher: could not start the script launcher \(\/bin\/false exited \(code 1\) before it was ready\)/);
  });

  it('fails a segment whose launcher dies, killing its script, and starts a new launcher for the next', async () => {
    const root = await simRoot();
    const propagator = await createPropagator(makeContext(root, { len: 1, ndim: 1 }), { runseg: 'hang.sh' });
    propagators.push(propagator);
    const running = propagator.propagate(makeTask(4, [{ segId: 9, parentId: 1 }]));
    const sleeperFile = join(root, 'traj_segs/000004/000009/sleeper.pid');
    await whenExists(sleeperFile);
    const sleeper = Number(await readFile(sleeperFile, 'utf8'));
    // sleep's parent is hang.sh, whose parent is the launcher.
    const launcherPid = await parentOf(await parentOf(sleeper));
    process.kill(launcherPid, 'SIGKILL');
    await expect(running).rejects.toThrow(/iteration 4, segment 9: .*hang\.sh was lost \(the script launcher exited \(SIGKILL\)\); its process group was killed/);
    expect(await gone(sleeper)).toBe(true);

    const next = propagator.propagate(makeTask(4, [{ segId: 10, parentId: 1 }]));
    await whenExists(join(root, 'traj_segs/000004/000010/sleeper.pid'));
    expect(await parentOf(await parentOf(Number(await readFile(join(root, 'traj_segs/000004/000010/sleeper.pid'), 'utf8'))))).not.toBe(launcherPid);
    void propagator.close?.();
    await expect(next).rejects.toThrow(/iteration 4, segment 10: .*was killed by signal SIGTERM/);
  });
});

/**
 * Resolves once `path` exists and has content (polling for up to 5 s, the test's own limit): the shell creates a
 * redirect's file before it writes the pid, and a loaded machine can be read in between.
 */
async function whenExists(path: string): Promise<void> {
  for (let i = 0; i < 250 && !(await stat(path).then((s) => s.size > 0, () => false)); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
}
