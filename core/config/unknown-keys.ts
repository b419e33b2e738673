/** Wording for keys a mapping does not accept, with the nearest accepted key as a suggestion. */
import { closest, distance } from 'fastest-levenshtein';

/** The known key a misspelling most likely meant: a small edit away, or one is a prefix of the other. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, [...known]);
  const closeEnough = distance(key, best) <= Math.max(2, Math.ceil(key.length * 0.4));
  const prefix = key.length >= 3 && (best.startsWith(key) || key.startsWith(best));
  return closeEnough || prefix ? best : undefined;
}

export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const listed = known.length > 0 ? `expected one of: ${known.join(', ')}` : 'this mapping takes none';
  if (keys.length === 1) {
    const suggestion = suggestKey(keys[0], known);
    return suggestion ? `unknown key '${keys[0]}'; did you mean '${suggestion}'?` : `unknown key '${keys[0]}'; ${listed}`;
  }
  const each = keys.map((key) => {
    const suggestion = suggestKey(key, known);
    return suggestion ? `'${key}' (did you mean '${suggestion}'?)` : `'${key}'`;
  });
  return `unknown keys ${each.join(', ')}; ${listed}`;
}
