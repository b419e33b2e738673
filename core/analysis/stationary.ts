/** The stationary distribution of a small dense Markov chain, by Gaussian elimination. */

/**
 * π with π·T = π and Σπ = 1, for a row-stochastic m × m matrix `t` (row-major) with a single closed class.
 * Solves (Tᵀ − I)·π = 0 with the last equation replaced by the normalisation, with partial pivoting; returns
 * undefined when the system is singular or the solution is not a distribution (more than one closed class).
 * Pivots are not thresholded: a chain with a rare exit (WE's business) has legitimately tiny ones.
 */
export function stationaryDistribution(t: Float64Array, m: number): Float64Array | undefined {
  // a = Tᵀ − I, augmented with the right-hand side in column m
  const w = m + 1;
  const a = new Float64Array(m * w);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) a[i * w + j] = t[j * m + i] - (i === j ? 1 : 0);
  }
  for (let j = 0; j < m; j++) a[(m - 1) * w + j] = 1;
  a[(m - 1) * w + m] = 1;
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * w + col]) > Math.abs(a[pivot * w + col])) pivot = r;
    const p = a[pivot * w + col];
    if (p === 0) return undefined;
    if (pivot !== col) {
      for (let c = col; c < w; c++) [a[col * w + c], a[pivot * w + c]] = [a[pivot * w + c], a[col * w + c]];
    }
    for (let r = col + 1; r < m; r++) {
      const f = a[r * w + col] / p;
      if (f === 0) continue;
      for (let c = col; c < w; c++) a[r * w + c] -= f * a[col * w + c];
    }
  }
  const pi = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let sum = a[r * w + m];
    for (let c = r + 1; c < m; c++) sum -= a[r * w + c] * pi[c];
    pi[r] = sum / a[r * w + r];
  }
  const largest = pi.reduce((x, y) => Math.max(x, y), 0);
  return pi.every((x) => Number.isFinite(x) && x >= -1e-9 * largest) ? pi.map((x) => Math.max(x, 0)) : undefined;
}
