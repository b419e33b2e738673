/**
 * `we trace`: the lineage of a walker in a WESTPA-layout west.h5 follows its parent ids back to an initial state,
 * and on a go-chignolin run (latent 2-D pcoord, segment files in per-node tars) the exported DCD is the segments'
 * own frames one after the other, whether they sit in tars or in plain folders; without them nothing is written.
 * The chignolin run also gives pdist a 2-D pcoord to histogram.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseDcd } from '../plugins/trajectory/dcd.js';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { h5pyJson } from './helpers/h5py.js';
import { W_PDIST, type WPdistComparison } from './helpers/w-pdist.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

interface LineageJson {
  steps: { iteration: number; segment: number; weight: number; pcoord: number[]; bin?: number; endpoint: string }[];
  origin: { initialState: number; basisLabel: string; recycled: boolean };
  exported?: { path: string; frames: number; file: string };
}

/** For each segment of the last iteration: its lineage by parent ids, with weights, as h5py reads the file. */
const LINEAGES = `
import sys, json, h5py
f = h5py.File(sys.argv[1], 'r')
last = int(f.attrs['west_current_iteration']) - 1
si = {n: f['iterations/iter_%08d' % n]['seg_index'][...] for n in range(1, last + 1)}
out = []
for seg in range(len(si[last])):
    n, s, steps = last, seg, []
    while True:
        steps.append([n, s, float(si[n]['weight'][s])])
        p = int(si[n]['parent_id'][s])
        if p < 0: break
        n, s = n - 1, p
    out.append({'steps': steps[::-1], 'istate': -(p + 1)})
print(json.dumps({'last': last, 'lineages': out}))
`;

/** A segment's seg.dcd read out of its iteration's per-node tar by the system's tar. */
async function segmentDcd(dir: string, iteration: number, segment: number): Promise<Buffer> {
  const six = (n: number) => String(n).padStart(6, '0');
  const member = `${six(iteration)}/${six(segment)}/seg.dcd`;
  const trajSegs = join(dir, 'traj_segs');
  for (const tar of readdirSync(trajSegs).filter((n) => n.startsWith(`iter_${six(iteration)}.`) && n.endsWith('.tar'))) {
    const listed = await execa('tar', ['-tf', join(trajSegs, tar)]);
    const path = listed.stdout.split('\n').find((p) => p.endsWith(member));
    if (path) return (await execa('tar', ['-xOf', join(trajSegs, tar), path], { encoding: 'buffer' })).stdout;
  }
  throw new Error(`${member} in no tar of iteration ${iteration}`);
}

describe('we trace', () => {
  it('follows parent ids back to the initial state in a WESTPA-layout file', async () => {
    const dir = await westpaLayoutRun({ iterations: 15 });
    const { last, lineages } = await h5pyJson<{ last: number; lineages: { steps: [number, number, number][]; istate: number }[] }>(LINEAGES, join(dir, 'west.h5'));
    const fromRecycling = lineages.findIndex((l) => l.steps[0][0] > 1);
    const fromStart = lineages.findIndex((l) => l.steps[0][0] === 1);
    expect(fromRecycling).toBeGreaterThanOrEqual(0);
    expect(fromStart).toBeGreaterThanOrEqual(0);
    for (const seg of [fromRecycling, fromStart]) {
      const run = await we(['trace', String(last), String(seg), '-W', 'west.h5', '--json'], dir);
      expect(run.exitCode, run.all).toBe(0);
      const lineage = JSON.parse(run.stdout) as LineageJson;
      expect(lineage.steps.map((s) => [s.iteration, s.segment, s.weight])).toEqual(lineages[seg].steps);
      expect(lineage.origin.initialState).toBe(lineages[seg].istate);
      expect(lineage.origin.recycled).toBe(seg === fromRecycling);
      expect(lineage.steps.slice(0, -1).every((s) => s.endpoint === 'continues' || s.endpoint === 'merged')).toBe(true);
    }
    const text = await we(['trace', String(last), String(fromRecycling), '-c', 'we.yaml'], dir);
    expect(text.exitCode, text.all).toBe(0);
    expect(text.stdout).toMatch(/^# starts at iteration \d+ from initial state \d+ \(basis state '(barrier|shoulder)', pcoord [\d.]+\), made when a walker was recycled at the end of iteration \d+\n# iteration\tsegment\tweight\tfinal pcoord\tbin\tendpoint\n/);
  });

  it('exports the trajectory along a lineage from the tars or plain folders, and writes nothing when they are gone', async () => {
    const dir = copyExample('go-chignolin');
    // one walker per bin, two iterations; the example's paths into the repository made absolute for the copy
    const edit = (file: string, change: (text: string) => string) => writeFileSync(join(dir, file), change(readFileSync(join(dir, file), 'utf8')));
    edit('we.yaml', (t) => t.replace(/target_counts: \d+/, 'target_counts: 1').replace(/max_iterations: \d+/, 'max_iterations: 2').replaceAll('../../models/', `${repoRoot}/models/`));
    edit('runseg.sh', (t) => t.replaceAll('$WEST_SIM_ROOT/../../dist/', `${repoRoot}/dist/`));
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const run = await we(['run'], dir);
    expect(run.exitCode, run.all).toBe(0);

    const traced = await we(['trace', '2', '0', '--export', 'path.dcd', '--json'], dir);
    expect(traced.exitCode, traced.all).toBe(0);
    const lineage = JSON.parse(traced.stdout) as LineageJson;
    expect(lineage.steps.map((s) => s.iteration)).toEqual([1, 2]);
    expect(lineage.steps.every((s) => s.pcoord.length === 2 && Number.isInteger(s.bin))).toBe(true);
    expect(lineage.exported).toEqual({ path: 'path.dcd', frames: 20, file: 'seg.dcd' });
    const segmentFiles = await Promise.all(lineage.steps.map((step) => segmentDcd(dir, step.iteration, step.segment)));
    const segmentFrames = segmentFiles.map((bytes) => parseDcd(bytes, 'seg.dcd'));
    const exported = parseDcd(readFileSync(join(dir, 'path.dcd')), 'path.dcd');
    expect(exported.nFrames).toBe(20);
    expect(Array.from(exported.xyz)).toEqual([...segmentFrames[0].xyz, ...segmentFrames[1].xyz]);

    // the same frames from plain traj_segs/NNNNNN/SSSSSS folders (a run without staging)
    const trajSegs = join(dir, 'traj_segs');
    lineage.steps.forEach((step, k) => {
      const folder = join(trajSegs, String(step.iteration).padStart(6, '0'), String(step.segment).padStart(6, '0'));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'seg.dcd'), segmentFiles[k]);
    });
    const tars = join(dir, 'tars-moved-away');
    mkdirSync(tars);
    for (const name of readdirSync(trajSegs).filter((n) => n.startsWith('iter_'))) renameSync(join(trajSegs, name), join(tars, name));
    const plain = await we(['trace', '2', '0', '--export', 'plain.dcd'], dir);
    expect(plain.exitCode, plain.all).toBe(0);
    expect(readFileSync(join(dir, 'plain.dcd'))).toEqual(readFileSync(join(dir, 'path.dcd')));

    rmSync(trajSegs, { recursive: true });
    const gone = await we(['trace', '2', '0', '--export', 'gone.dcd'], dir);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toMatch(/^we: error: the trajectory of iteration 1, segment \d+ is gone \(.*segment \d+ of iteration 1 not found; searched .*\); nothing was written$/);
    expect(existsSync(join(dir, 'gone.dcd'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    cpSync(join(tars), trajSegs, { recursive: true });

    // the latent pcoord is 2-D: pdist histograms both dimensions as w_pdist would
    const pdist = await we(['pdist', '--bins', '12,9'], dir);
    expect(pdist.exitCode, pdist.all).toBe(0);
    const compared = await h5pyJson<WPdistComparison>(W_PDIST, join(dir, 'west.h5'), JSON.stringify({ pdist: join(dir, 'pdist.h5'), dims: [0, 1], first: 1, last: 2 }));
    expect(compared.shape).toEqual([2, 12, 9]);
    expect(compared.max_abs_diff).toBeLessThan(1e-12 * compared.max_value);
  });
});
