/**
 * −ln P of histograms as WESTPA's plothist draws them: natural log of the normalised histogram, shifted so that
 * the most probable bin over everything drawn is 0 (plothist's default --zero-energy min). Empty bins have no
 * value (drawn blank), not +∞.
 */
export function negLogP(histograms: Float64Array): Float64Array {
  const out = new Float64Array(histograms.length);
  let min = Infinity;
  for (let i = 0; i < histograms.length; i++) {
    out[i] = histograms[i] > 0 ? -Math.log(histograms[i]) : NaN;
    if (out[i] < min) min = out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] -= min;
  return out;
}

/** The mean of `count` equal-sized histograms laid one after another (plothist average: every iteration alike). */
export function meanHistogram(histograms: Float64Array, count: number): Float64Array {
  const size = histograms.length / count;
  const mean = new Float64Array(size);
  for (let k = 0; k < count; k++) for (let b = 0; b < size; b++) mean[b] += histograms[k * size + b] / count;
  return mean;
}
