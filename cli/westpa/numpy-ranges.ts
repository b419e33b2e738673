/**
 * numpy's arange and linspace with numpy's own float64 arithmetic, so that bin edges read from a WESTPA
 * `system.py` are bit for bit the ones WESTPA bins with (0.1 * 3 is not 0.3, and numpy's arange does not compute
 * start + i * step either). Checked against numpy itself in test/westpa-python-static.test.ts.
 */

/**
 * numpy.arange(start, stop, step): length ceil((stop - start) / step); element 1 is start + step and element
 * i ≥ 2 is start + i * delta with delta = (start + step) - start, as numpy's fill does.
 */
export function arange(start: number, stop: number, step: number): number[] {
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite number other than 0, got ${step}`);
  const length = Math.ceil((stop - start) / step);
  if (!(length > 0)) return [];
  if (!Number.isSafeInteger(length) || length > 10_000_000) throw new RangeError(`arange: ${length} elements is too many`);
  const out = new Array<number>(length);
  out[0] = start;
  if (length > 1) out[1] = start + step;
  const delta = out[1] - start;
  for (let i = 2; i < length; i++) out[i] = start + i * delta;
  return out;
}

/**
 * numpy.linspace(start, stop, num, endpoint): i * step + start with step = (stop - start) / div, div being num - 1
 * with the endpoint (which is then set to stop exactly) and num without.
 */
export function linspace(start: number, stop: number, num: number, endpoint = true): number[] {
  if (!Number.isSafeInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const div = endpoint ? num - 1 : num;
  const delta = stop - start;
  const step = delta / div;
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) {
    // numpy divides first when the step underflows to 0, so that tiny ranges keep their points apart.
    out[i] = div > 0 && step === 0 ? (i / div) * delta + start : i * (div > 0 ? step : delta) + start;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}
