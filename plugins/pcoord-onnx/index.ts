/** The `onnx` progress coordinate: an encoder model package turns frames into the latent mean's chosen dims. */
import * as z from 'zod';
import { WeError } from '../../core/errors.js';
import { lookUp } from '../../core/named-resources.js';
import type { Frames, ProgressCoordinate, ProgressCoordinateContext } from '../../core/plugins.js';
import { parsePluginOptions } from '../options.js';
import { embedFiles, embedFrames } from './embed.js';
import { loadModelPackage, type ModelPackage } from './model-package.js';

export { embedFiles, embedFrames } from './embed.js';
export { loadModelPackage, type ModelPackage } from './model-package.js';

const optionsSchema = z.strictObject({ model: z.string().min(1), threads: z.number().int().positive().default(1) });

/**
 * options.model: a model package by name (`chignolin-aae`: the simulation's models/, WE_MODEL_PATH, then the
 * installation's models/) or its directory, relative to the directory of we.yaml. options.threads: inference
 * threads per worker; on GPU nodes, where MD leaves the CPUs idle, up to the cores per slot.
 */
export async function createOnnxProgressCoordinate(
  ctx: ProgressCoordinateContext,
  options: Record<string, unknown>,
): Promise<ProgressCoordinate> {
  const { model, threads } = parsePluginOptions(optionsSchema, options, ctx.configFile, 'progress_coordinate.options');
  const lookup = lookUp('models', model, ctx.simRoot);
  if ('problem' in lookup) throw new WeError(`progress_coordinate.options.model: ${lookup.problem}`, ctx.configFile);
  const pkg = await loadModelPackage(lookup.found.abs, { ndim: ctx.ndim, threads }, lookup.found.shown);
  return new OnnxProgressCoordinate(pkg);
}

class OnnxProgressCoordinate implements ProgressCoordinate {
  readonly ndim: number;

  constructor(private readonly pkg: ModelPackage) {
    this.ndim = pkg.description.output.dims.length;
  }

  fromFrames(frames: Frames): Promise<Float64Array> {
    return embedFrames(this.pkg, frames);
  }

  fromFiles(paths: readonly string[]): Promise<Float64Array[]> {
    return embedFiles(this.pkg, paths);
  }

  close(): Promise<void> {
    return this.pkg.close();
  }
}
