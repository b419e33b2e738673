/** "Did you mean" suggestions for a name that was not found. */
import { posix } from 'node:path';
import { distance } from 'fastest-levenshtein';

/** Up to `count` candidates closest to `wanted`; names sharing its basename come first. */
export function similarNames(wanted: string, candidates: readonly string[], count = 5): string[] {
  const base = posix.basename(wanted);
  return candidates
    .map((name) => ({ name, score: distance(wanted, name) - (posix.basename(name) === base ? 1000 : 0) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, count)
    .map(({ name }) => name);
}

/** The tail of a not-found message: the suggestions, or a note that there is nothing to suggest. */
export function suggestionText(wanted: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return 'none to choose from';
  return `similar: ${similarNames(wanted, candidates).join(', ')}`;
}
