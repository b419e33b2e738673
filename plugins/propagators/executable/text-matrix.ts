/**
 * Reads the whitespace-separated number tables that run scripts write to WEST_*_RETURN files, accepting what
 * numpy.loadtxt accepts by default ('#' comments, blank lines, nan/inf) and rejecting ragged rows.
 */
import { readFileSync } from 'node:fs';
import { WeError } from '../../../core/errors.js';

export interface TextMatrix {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  values: Float64Array;
  /** 1-based file line of each row. */
  lines: number[];
}

const NUMBER = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|nan|inf|infinity)$/i;

function parseNumber(token: string): number | undefined {
  if (!NUMBER.test(token)) return undefined;
  const lower = token.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(token);
}

/**
 * Async for its callers, but the read is synchronous: return files are a few lines, and a thread-pool round
 * trip costs more than reading them.
 * `label` names the file in errors (e.g. `WEST_PCOORD_RETURN /tmp/…/pcoord`), which point at label:line;
 * `context` (e.g. `iteration 3, segment 7`) starts every message.
 */
export async function readTextMatrix(path: string, label: string, context: string): Promise<TextMatrix> {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // A return file the script never wrote is empty, as WESTPA's pre-created one would be.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new WeError(`${context}: could not read the returned data: ${(err as Error).message}`, label);
    }
  }
  const values: number[] = [];
  const lines: number[] = [];
  let cols = -1;
  text.split('\n').forEach((raw, index) => {
    const content = raw.split('#', 1)[0].trim();
    if (content === '') return;
    const tokens = content.split(/\s+/);
    const line = index + 1;
    if (cols >= 0 && tokens.length !== cols) {
      throw new WeError(`${context}: expected ${cols} columns (as on line ${lines[0]}), found ${tokens.length}`, `${label}:${line}`);
    }
    cols = tokens.length;
    tokens.forEach((token, col) => {
      const value = parseNumber(token);
      if (value === undefined) {
        throw new WeError(`${context}: column ${col + 1}: expected a number, found '${token}'`, `${label}:${line}`);
      }
      values.push(value);
    });
    lines.push(line);
  });
  return { rows: lines.length, cols: Math.max(cols, 0), values: Float64Array.from(values), lines };
}
