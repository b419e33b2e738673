/** Resamplers by the name we.yaml gives them; binless resamplers register here too. */
import { WeError } from '../errors.js';
import type { Resampler } from '../plugins.js';
import { BinResampler } from './bin-resampler.js';

const RESAMPLERS: Record<string, (options: Record<string, unknown>) => Resampler> = {
  bins: (options) => new BinResampler(options),
};

export const RESAMPLER_NAMES: readonly string[] = Object.keys(RESAMPLERS);

export function createResampler(name: string, options: Record<string, unknown> = {}): Resampler {
  const make = Object.hasOwn(RESAMPLERS, name) ? RESAMPLERS[name] : undefined;
  if (!make) {
    throw new WeError(`unknown resampler '${name}', expected one of: ${RESAMPLER_NAMES.join(', ')}`, 'resampling.name');
  }
  return make(options);
}
