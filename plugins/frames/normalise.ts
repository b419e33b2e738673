import { WeError } from '../../core/errors.js';

/** x' = (x − bias) · scale; array statistics hold one value per element of a sample and repeat over samples. */
export interface Scaling {
  bias: number | Float64Array;
  scale: number | Float64Array;
}

/**
 * How point clouds are scaled before the encoder.
 * - box: DeepDriveMD's: bias = min, scale = 1/(max − min), one scalar each over every coordinate (x, y and z
 *   alike) of every point of every frame given, i.e. of the segment's own frames.
 * - fixed: statistics saved with the model; mean and std are a scalar, one value per axis (3), or one per
 *   element of a (3, points) sample (3·points, channel-first like the cloud).
 */
export type Normalisation =
  | { kind: 'box' }
  | { kind: 'fixed'; mean: number | ArrayLike<number>; std: number | ArrayLike<number> };

/** Scales a (frames, 3, points) cloud in place and returns the scaling it used. */
export function normalisePointCloud(cloud: Float32Array, nPoints: number, normalisation: Normalisation): Scaling {
  const scaling = normalisation.kind === 'box' ? boxScaling(cloud) : fixedScaling(normalisation.mean, normalisation.std, nPoints);
  applyScaling(cloud, scaling);
  return scaling;
}

export function boxScaling(values: ArrayLike<number>): { bias: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) {
    throw new WeError(`all ${values.length} coordinates equal ${min}; box scaling needs max > min`, 'normalisation box');
  }
  return { bias: min, scale: 1 / (max - min) };
}

export function fixedScaling(mean: number | ArrayLike<number>, std: number | ArrayLike<number>, nPoints: number): Scaling {
  const bias = perElement(mean, nPoints, 'mean');
  const spread = perElement(std, nPoints, 'std');
  const values = typeof spread === 'number' ? [spread] : spread;
  const invalid = values.findIndex((s) => !(s > 0));
  if (invalid >= 0) {
    throw new WeError(`value ${invalid} is ${values[invalid]}, expected a positive number`, 'normalisation fixed.std');
  }
  const scale = typeof spread === 'number' ? 1 / spread : spread.map((s) => 1 / s);
  return { bias, scale };
}

export function applyScaling(data: Float32Array, { bias, scale }: Scaling): void {
  if (typeof bias === 'number' && typeof scale === 'number') {
    for (let i = 0; i < data.length; i++) data[i] = (data[i] - bias) * scale;
    return;
  }
  const lengths = [bias, scale].filter((x): x is Float64Array => typeof x !== 'number').map((x) => x.length);
  const period = lengths[0];
  if (lengths.some((l) => l !== period)) {
    throw new WeError(`bias has ${lengths[0]} values but scale ${lengths[1]}; they must match`, 'normalisation');
  }
  if (data.length % period !== 0) {
    throw new WeError(`${data.length} values do not split into samples of ${period}`, 'normalisation');
  }
  const b = (i: number) => (typeof bias === 'number' ? bias : bias[i]);
  const s = (i: number) => (typeof scale === 'number' ? scale : scale[i]);
  for (let i = 0; i < data.length; i++) {
    const e = i % period;
    data[i] = (data[i] - b(e)) * s(e);
  }
}

/** A scalar stays a scalar; per-axis (3) values are spread over the points of the channel-first sample. */
function perElement(value: number | ArrayLike<number>, nPoints: number, name: string): number | Float64Array {
  if (typeof value === 'number') return value;
  if (value.length === 3 * nPoints) return Float64Array.from(value);
  if (value.length === 3) return Float64Array.from({ length: 3 * nPoints }, (_, e) => value[Math.floor(e / nPoints)]);
  throw new WeError(
    `has ${value.length} values, expected 1, 3 (per axis) or ${3 * nPoints} (3 × ${nPoints} points)`,
    `normalisation fixed.${name}`,
  );
}
