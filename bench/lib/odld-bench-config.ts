/**
 * The ODLD system the benches run: examples/odld's potential and bins, with one basis state per bin centre
 * (1.15 … 10.05) so that every bin is full from iteration 1 and walkers start next to the target.
 */
export const ODLD_PARAMS = { A: 2, B: 10, C: 0.5, x0: 1, sigma_squared: 0.001, reflect_at: 10 };

export function odldBenchConfig(walkersPerBin: number, iterations: number): string {
  const bstates = Array.from({ length: 90 }, (_, i) => `  - {label: b${i}, probability: 1, auxref: '${i}', pcoord: [${(1.15 + i * 0.1).toFixed(2)}]}`);
  return `pcoord: {ndim: 1, len: 21, dtype: float32}
binning:
  mapper: {type: rectilinear, boundaries: [{start: 1.1, stop: 10.1, step: 0.1, underflow: true, overflow: true}]}
  target_counts: ${walkersPerBin}
basis_states:
${bstates.join('\n')}
target_states: [{label: bound, pcoord: [1.0]}]
propagator: {name: odld, options: ${JSON.stringify(ODLD_PARAMS)}}
work_manager: {name: local, slots: 1}
max_iterations: ${iterations}
seed: 1
`;
}
