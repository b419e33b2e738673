/**
 * A canonical JSON text of a describe() value, so equal bin topologies hash equally: object keys sorted, no
 * whitespace, typed arrays written as arrays, and non-finite numbers (±Infinity edges are normal in bin
 * boundaries, and plain JSON would turn them into null) written as the strings "Infinity", "-Infinity", "NaN".
 */
import { WeError } from '../errors.js';

export function canonicalJson(value: unknown, where = 'describe()'): string {
  const ancestors = new Set<object>();
  const write = (v: unknown, path: string): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'number':
        return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
      case 'string':
      case 'boolean':
        return JSON.stringify(v);
      case 'object':
        break;
      default:
        throw new WeError(`${path} is a ${typeof v}, which has no JSON form`, where);
    }
    const node = v as object;
    if (ancestors.has(node)) throw new WeError(`${path} refers back to an enclosing object`, where);
    ancestors.add(node);
    let text: string;
    if (Array.isArray(node) || ArrayBuffer.isView(node)) {
      const items = Array.from(node as ArrayLike<unknown>, (item, k) => write(item, `${path}[${k}]`));
      text = `[${items.join(',')}]`;
    } else {
      const entries = Object.entries(node)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, item]) => `${JSON.stringify(key)}:${write(item, `${path}.${key}`)}`);
      text = `{${entries.join(',')}}`;
    }
    ancestors.delete(node);
    return text;
  };
  return write(value, 'value');
}
