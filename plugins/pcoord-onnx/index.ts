/** The `onnx` progress coordinate: an encoder model package turns frames into the latent mean's chosen dims. */
import { WeError } from '../../core/errors.js';
import { lookUp } from '../../core/named-resources.js';
import type { Frames, ProgressCoordinate, ProgressCoordinateContext } from '../../core/plugins.js';
import { parsePluginOptions } from '../options.js';
import { embedFiles, embedFrames } from './embed.js';
import { loadModelPackage, type ModelPackage } from './model-package.js';
import { onnxOptions } from './options.js';

export { embedFiles, embedFrames } from './embed.js';
export { loadModelPackage, type ModelPackage } from './model-package.js';

/** Options as plugins/pcoord-onnx/options.ts describes them. */
export async function createOnnxProgressCoordinate(
  ctx: ProgressCoordinateContext,
  options: Record<string, unknown>,
): Promise<ProgressCoordinate> {
  const { model, threads } = parsePluginOptions(onnxOptions, options, ctx.configFile, 'progress_coordinate.options');
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

  fromFrames(frameSets: readonly Frames[]): Promise<Float64Array[]> {
    return embedFrames(this.pkg, frameSets);
  }

  fromFiles(paths: readonly string[]): Promise<Float64Array[]> {
    return embedFiles(this.pkg, paths);
  }

  close(): Promise<void> {
    return this.pkg.close();
  }
}
