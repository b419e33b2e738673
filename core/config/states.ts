/** Rules shared by basis/target states written inline in we.yaml and those read from WESTPA state files. */

/** The first label that repeats an earlier one, with both positions. */
export function firstDuplicate(labels: readonly string[]): { index: number; firstIndex: number } | undefined {
  const seen = new Map<string, number>();
  for (let index = 0; index < labels.length; index++) {
    const firstIndex = seen.get(labels[index]);
    if (firstIndex !== undefined) return { index, firstIndex };
    seen.set(labels[index], index);
  }
  return undefined;
}

/** Probabilities can be scaled to sum 1 only if their sum is positive and finite. */
export function canNormalise(probabilities: readonly number[]): boolean {
  const sum = probabilities.reduce((a, b) => a + b, 0);
  return sum > 0 && Number.isFinite(sum);
}

/** WESTPA rescales basis-state probabilities to sum 1, so users may write relative weights. */
export function normalise(probabilities: readonly number[]): number[] {
  const sum = probabilities.reduce((a, b) => a + b, 0);
  return probabilities.map((p) => p / sum);
}
