import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frames, ProgressCoordinateContext } from '../core/plugins.js';
import { printPcoords } from '../cli/actions/pcoord.js';
import { createOnnxProgressCoordinate, embedFiles, embedFrames, loadModelPackage, type ModelPackage } from '../plugins/pcoord-onnx/index.js';
import { structure } from './helpers/structures.js';
import { tempDir } from './helpers/temp-dir.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'onnx');
const MODELS = ['chignolin-aae', 'bba-aae'] as const;

interface Parity {
  nAtoms: number;
  frames: number[][];
  mu: number[][];
}

const parity = async (model: string): Promise<Parity> =>
  JSON.parse(await readFile(join(FIXTURES, `${model}-parity.json`), 'utf8')) as Parity;

function framesOf(fixture: Parity, rows = fixture.frames): Frames {
  return { nFrames: rows.length, nAtoms: fixture.nAtoms, xyz: Float32Array.from(rows.flat()) };
}

function context(simRoot: string, ndim = 2): ProgressCoordinateContext {
  return { configFile: join(simRoot, 'we.yaml'), simRoot, ndim };
}

const scratch = tempDir('pcoord-onnx');
const opened: ModelPackage[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((p) => p.close()));
});

async function open(dir: string, ndim?: number, threads?: number): Promise<ModelPackage> {
  const pkg = await loadModelPackage(dir, { ...(ndim === undefined ? {} : { ndim }), ...(threads === undefined ? {} : { threads }) });
  opened.push(pkg);
  return pkg;
}

/** A copy of a shipped package whose model.yaml (or model.onnx) a test then spoils. */
async function copyPackage(model: string, name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(join(ROOT, 'models', model), dir, { recursive: true });
  return dir;
}

async function editYaml(dir: string, from: string | RegExp, to: string): Promise<void> {
  const path = join(dir, 'model.yaml');
  const text = await readFile(path, 'utf8');
  const edited = text.replace(from, to);
  expect(edited).not.toBe(text);
  await writeFile(path, edited);
}

describe.each(MODELS)('%s package', (model) => {
  it('matches PyTorch mu on real frames (all atoms in, selection, Kabsch, box, encoder)', async () => {
    const fixture = await parity(model);
    const pkg = await open(join(ROOT, 'models', model));
    const [ours] = await embedFrames(pkg, [framesOf(fixture)]);
    const dims = pkg.description.output.dims;
    expect(ours.length).toBe(fixture.frames.length * dims.length);
    fixture.mu.forEach((mu, f) => dims.forEach((dim, k) => expect(Math.abs(ours[f * dims.length + k] - mu[dim])).toBeLessThan(1e-4)));
  });

  it('gives the same pcoords with two inference threads as with one', async () => {
    const fixture = await parity(model);
    const [one] = await embedFrames(await open(join(ROOT, 'models', model)), [framesOf(fixture)]);
    const [two] = await embedFrames(await open(join(ROOT, 'models', model), undefined, 2), [framesOf(fixture)]);
    two.forEach((v, k) => expect(Math.abs(v - one[k])).toBeLessThan(1e-6));
  });

  it('reads the same frames from a DCD to the same pcoords', async () => {
    const fixture = await parity(model);
    const pkg = await open(join(ROOT, 'models', model));
    const [fromDcd] = await embedFiles(pkg, [join(FIXTURES, `${model}-parity.dcd`)]);
    const [fromJson] = await embedFrames(pkg, [framesOf(fixture)]);
    expect(Array.from(fromDcd)).toEqual(Array.from(fromJson));
  });

  it('is deterministic: the same frames twice give identical pcoords, and the caller’s frames are not moved', async () => {
    const fixture = await parity(model);
    const pkg = await open(join(ROOT, 'models', model));
    const frames = framesOf(fixture);
    const before = Float32Array.from(frames.xyz);
    const [first] = await embedFrames(pkg, [frames]);
    const [second] = await embedFrames(pkg, [frames]);
    expect(Array.from(second)).toEqual(Array.from(first));
    expect(frames.xyz).toEqual(before);
  });

  it('gives the same pcoords in one batch as one frame at a time when the scaling is fixed', async () => {
    // Box scaling takes min/max over the frames given, so only a fixed scaling makes a frame's pcoord
    // independent of its companions; that is what this compares.
    const dir = await copyPackage(model, `${model}-fixed`);
    await editYaml(dir, /normalisation:\n {2}kind: box/, 'normalisation:\n  kind: fixed\n  mean: -12.5\n  std: 31.0');
    const fixture = await parity(model);
    const pkg = await open(dir);
    const [batch] = await embedFrames(pkg, [framesOf(fixture)]);
    const ndim = pkg.description.output.dims.length;
    for (let f = 0; f < fixture.frames.length; f++) {
      const [single] = await embedFrames(pkg, [framesOf(fixture, [fixture.frames[f]])]);
      single.forEach((v, k) => expect(Math.abs(v - batch[f * ndim + k])).toBeLessThan(1e-6));
    }
  });
});

describe('onnx progress-coordinate plugin', () => {
  it('embeds an OpenMM DCD of chignolin through we.yaml-relative options, one row per frame', async () => {
    const pcoord = await createOnnxProgressCoordinate(context(ROOT), { model: 'models/chignolin-aae' });
    try {
      expect(pcoord.ndim).toBe(2);
      const [values] = await pcoord.fromFiles([join(import.meta.dirname, 'fixtures', 'trajectory', 'cln025.dcd')]);
      expect(values.length).toBe(5 * 2);
      expect(values.every(Number.isFinite)).toBe(true);
    } finally {
      await pcoord.close?.();
    }
  });

  it('embeds a PDB on its own topology: the selected atoms of a heavy-atom chignolin structure', async () => {
    const pkg = await open(join(ROOT, 'models', 'chignolin-aae'));
    const [values] = await embedFiles(pkg, [structure('CLN025_5AWL_protein.pdb')]);
    expect(values.length).toBe(2);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('rejects unknown options naming the field', async () => {
    await expect(createOnnxProgressCoordinate(context(ROOT), { modle: 'models/bba-aae' })).rejects.toThrow(
      /progress_coordinate\.options: unknown key 'modle'; did you mean 'model'\?/,
    );
    await expect(createOnnxProgressCoordinate(context(ROOT), { model: 'models/bba-aae', threads: 0 })).rejects.toThrow(
      /progress_coordinate\.options\.threads: /,
    );
  });

  it('rejects a package whose dims do not match the run’s pcoord.ndim', async () => {
    await expect(createOnnxProgressCoordinate(context(ROOT, 3), { model: 'models/bba-aae' })).rejects.toThrow(
      /model\.yaml:\d+:\d+: output\.dims: picks 2 latent dimension\(s\), but the run's pcoord\.ndim is 3/,
    );
  });

  it('prints one %.4f row per frame for we pcoord', async () => {
    const pkg = await open(join(ROOT, 'models', 'bba-aae'));
    const dcd = join(FIXTURES, 'bba-aae-parity.dcd');
    const [expected] = await embedFiles(pkg, [dcd]);
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
    try {
      await printPcoords(join(ROOT, 'models', 'bba-aae'), [dcd], 'text');
    } finally {
      process.stdout.write = write;
    }
    const rows = written.join('').trimEnd().split('\n');
    expect(rows.length).toBe(11);
    rows.forEach((row, f) => expect(row).toBe(`${expected[2 * f].toFixed(4)} ${expected[2 * f + 1].toFixed(4)}`));
    expect(rows[0]).toMatch(/^-?\d+\.\d{4} -?\d+\.\d{4}$/);
  });
});

describe('bad model packages and inputs', () => {
  it('names a missing model.onnx', async () => {
    const dir = await copyPackage('bba-aae', 'no-onnx');
    await rm(join(dir, 'model.onnx'));
    await expect(loadModelPackage(dir)).rejects.toThrow(`${join(dir, 'model.onnx')}: missing: expected the encoder exported to ONNX`);
  });

  it('names a corrupt model.onnx', async () => {
    const dir = await copyPackage('bba-aae', 'corrupt-onnx');
    await writeFile(join(dir, 'model.onnx'), Buffer.from('this is not a protobuf \x00\xff\x13 at all'.repeat(20)));
    await expect(loadModelPackage(dir)).rejects.toThrow(`${join(dir, 'model.onnx')}: cannot be loaded as an ONNX model`);
  });

  it('names a missing model.yaml', async () => {
    const dir = await copyPackage('bba-aae', 'no-yaml');
    await rm(join(dir, 'model.yaml'));
    await expect(loadModelPackage(dir)).rejects.toThrow(`${join(dir, 'model.yaml')}: cannot read the model description (ENOENT)`);
  });

  it('suggests the field a misspelt model.yaml key meant', async () => {
    const dir = await copyPackage('bba-aae', 'misspelt');
    await editYaml(dir, /^selection:/m, 'selecton:');
    await expect(loadModelPackage(dir)).rejects.toThrow(/model\.yaml:3:1: unknown key 'selecton'; did you mean 'selection'\?/);
  });

  it('says what a bad model.yaml value should have been', async () => {
    const dir = await copyPackage('bba-aae', 'bad-layout');
    await editYaml(dir, 'layout: channels-first', 'layout: sideways');
    await expect(loadModelPackage(dir)).rejects.toThrow(
      /model\.yaml:\d+:\d+: input\.layout: expected 'points-first' or 'channels-first', found string 'sideways'/,
    );
  });

  it('names a selection whose size differs from the encoder input, with both counts', async () => {
    const dir = await copyPackage('chignolin-aae', 'backbone');
    await editYaml(dir, /^selection: .*$/m, 'selection: backbone');
    await expect(loadModelPackage(dir)).rejects.toThrow(
      /model\.yaml:3:\d+: selection: 'backbone' selects 40 atoms of .*reference\.pdb, but .*model\.onnx input 'x' expects 10 points \(shape \[frames, 3, 10\]\)/,
    );
  });

  it('names a latent dimension the encoder does not have', async () => {
    const dir = await copyPackage('bba-aae', 'dims');
    await editYaml(dir, 'dims: [0, 1]', 'dims: [0, 12]');
    await expect(loadModelPackage(dir)).rejects.toThrow(
      /model\.yaml:\d+:\d+: output\.dims\[1\]: expected a latent dimension 0\.\.9 \(.*model\.onnx output 'mu' has 10\), found 12/,
    );
  });

  it('names an output the encoder does not have', async () => {
    const dir = await copyPackage('bba-aae', 'output-name');
    await editYaml(dir, 'name: mu', 'name: z');
    await expect(loadModelPackage(dir)).rejects.toThrow(/output\.name: expected one of .*model\.onnx's outputs \(mu, logvar\), found 'z'/);
  });

  it('rejects a trajectory with the wrong atom count, naming the file and both counts', async () => {
    const pkg = await open(join(ROOT, 'models', 'bba-aae'));
    const dcd = join(import.meta.dirname, 'fixtures', 'trajectory', 'cln025.dcd');
    await expect(embedFiles(pkg, [dcd])).rejects.toThrow(
      `${dcd}: holds 166 atoms per frame, expected 504 (as the model's reference in ${pkg.shown}) or 28 (its selection 'name CA' alone)`,
    );
  });

  it('rejects NaN coordinates, naming the frame and atom', async () => {
    const fixture = await parity('bba-aae');
    const pkg = await open(join(ROOT, 'models', 'bba-aae'));
    const frames = framesOf(fixture);
    const ca = pkg.atoms[3];
    frames.xyz[(2 * frames.nAtoms + ca) * 3 + 1] = Number.NaN;
    await expect(embedFrames(pkg, [frames], 'seg.dcd')).rejects.toThrow(
      `seg.dcd: frame 3 of 11, atom index ${ca}: y coordinate is NaN, expected a finite number`,
    );
  });
});
