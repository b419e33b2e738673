/** The middle value (the upper one of an even count): what every bench reports over its timed runs. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
