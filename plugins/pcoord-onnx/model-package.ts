/**
 * A model package: a directory holding model.onnx (an encoder) and model.yaml (how to feed it and which latent
 * dimensions become the progress coordinate). Loading checks the description against the ONNX graph, so that a
 * mismatch fails at start-up with both sides named rather than mid-run inside onnxruntime.
 */
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { configError, fieldPath, type ConfigProblem } from '../../core/config/config-error.js';
import { WeError } from '../../core/errors.js';
import type { Normalisation } from '../frames/normalise.js';
import { readPdb } from '../trajectory/pdb.js';
import { selectAtoms } from '../trajectory/selection.js';
import { readModelYaml, type ModelYaml } from './model-yaml.js';
import { acquireSession, releaseSession } from './sessions.js';

export interface ModelPackage {
  /** The package directory, absolute. */
  dir: string;
  /** The package directory as the user wrote it, for messages. */
  shown: string;
  description: ModelYaml;
  /** Reference coordinates, all its atoms × 3 (Å): frames are superposed on its selected atoms. */
  reference: Float32Array;
  /** The selected atoms of the reference, in order; their count is the encoder's number of points. */
  atoms: Int32Array;
  normalisation: Normalisation;
  session: InferenceSession;
  /** Releases this user's hold on the shared session. */
  close(): Promise<void>;
}

export interface LoadOptions {
  /** The run's pcoord.ndim: the package must pick exactly this many latent dimensions. */
  ndim?: number;
  /** Intra-op threads for inference (default 1: on a node running MD on its CPUs, more would compete with it). */
  threads?: number;
}

/** `dir` is resolved against the working directory; `shown` (default `dir`) names it in messages. */
export async function loadModelPackage(dir: string, options: LoadOptions = {}, shown = dir): Promise<ModelPackage> {
  const abs = resolve(dir);
  const yamlShown = join(shown, 'model.yaml');
  const { model, source } = await readModelYaml(join(abs, 'model.yaml'), yamlShown);
  const problem = (path: (string | number)[], message: string): ConfigProblem => ({
    file: yamlShown,
    pos: source.positionOf(path),
    field: fieldPath(path),
    message,
  });

  const referenceShown = join(shown, model.reference);
  const { topology, frames } = await readPdb(join(abs, model.reference)).catch((e: unknown) => {
    if (e instanceof WeError) throw e;
    throw configError([problem(['reference'], `cannot read ${referenceShown} (${(e as NodeJS.ErrnoException).code ?? e})`)]);
  });
  let atoms: Int32Array;
  try {
    atoms = selectAtoms(topology, model.selection);
  } catch (e) {
    throw configError([problem(['selection'], (e as Error).message)]);
  }
  if (atoms.length === 0) {
    throw configError([problem(['selection'], `'${model.selection}' selects no atom of ${referenceShown}, expected at least one`)]);
  }

  const onnxPath = join(abs, 'model.onnx');
  const onnxShown = join(shown, 'model.onnx');
  await access(onnxPath).catch(() => {
    throw new WeError('missing: expected the encoder exported to ONNX beside model.yaml', onnxShown);
  });
  const threads = options.threads ?? 1;
  const session = await acquireSession(onnxPath, onnxShown, threads);
  try {
    const problems = checkAgainstGraph(session, model, atoms.length, referenceShown, onnxShown, options.ndim).map(
      ([path, message]) => problem(path, message),
    );
    if (problems.length > 0) throw configError(problems);
  } catch (e) {
    await releaseSession(onnxPath, threads);
    throw e;
  }
  return {
    dir: abs,
    shown,
    description: model,
    reference: frames.xyz,
    atoms,
    normalisation: model.normalisation,
    session,
    close: () => releaseSession(onnxPath, threads),
  };
}

type Problem = [(string | number)[], string];

function checkAgainstGraph(
  session: InferenceSession,
  model: ModelYaml,
  nPoints: number,
  referenceShown: string,
  onnxShown: string,
  ndim: number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const input = tensorMetadata(session.inputMetadata, model.input.name);
  if (!input) {
    problems.push([['input', 'name'], `expected one of ${onnxShown}'s inputs (${session.inputNames.join(', ')}), found '${model.input.name}'`]);
  } else {
    const pointsAxis = model.input.layout === 'channels-first' ? 2 : 1;
    const coordinatesAxis = 3 - pointsAxis;
    const shape = input.shape;
    if (shape.length !== 3 || shape[coordinatesAxis] !== 3) {
      problems.push([
        ['input', 'layout'],
        `${model.input.layout} means (frames, ${pointsAxis === 2 ? '3, points' : 'points, 3'}), but ${onnxShown} input '${input.name}' has shape [${shape.join(', ')}]`,
      ]);
    } else if (shape[pointsAxis] !== nPoints) {
      problems.push([
        ['selection'],
        `'${model.selection}' selects ${nPoints} atoms of ${referenceShown}, but ${onnxShown} input '${input.name}' expects ${shape[pointsAxis]} points (shape [${shape.join(', ')}])`,
      ]);
    }
  }
  const output = tensorMetadata(session.outputMetadata, model.output.name);
  if (!output) {
    problems.push([['output', 'name'], `expected one of ${onnxShown}'s outputs (${session.outputNames.join(', ')}), found '${model.output.name}'`]);
  } else {
    const latent = output.shape[output.shape.length - 1];
    model.output.dims.forEach((dim, i) => {
      if (typeof latent === 'number' && dim >= latent) {
        problems.push([['output', 'dims', i], `expected a latent dimension 0..${latent - 1} (${onnxShown} output '${output.name}' has ${latent}), found ${dim}`]);
      }
    });
  }
  if (ndim !== undefined && model.output.dims.length !== ndim) {
    problems.push([['output', 'dims'], `picks ${model.output.dims.length} latent dimension(s), but the run's pcoord.ndim is ${ndim}`]);
  }
  return problems;
}

function tensorMetadata(list: readonly InferenceSession.ValueMetadata[], name: string) {
  const found = list.find((m) => m.name === name);
  return found?.isTensor ? found : undefined;
}
