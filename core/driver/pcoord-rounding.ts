/** Pcoords are stored in the configured dtype; rounding once here keeps memory, journal and west.h5 identical. */
import type { PcoordArray, PcoordDtype } from '../types.js';

export function toDtype(values: ArrayLike<number>, dtype: PcoordDtype): PcoordArray {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

export function roundToDtype(values: Float64Array, dtype: PcoordDtype): Float64Array {
  if (dtype === 'float32') for (let i = 0; i < values.length; i++) values[i] = Math.fround(values[i]);
  return values;
}
