/** Checks a returned progress coordinate the way WESTPA's pcoord loader does, with messages that say what is wrong. */
import { WeError } from '../../../core/errors.js';
import type { TextMatrix } from './text-matrix.js';

/**
 * numpy.loadtxt gives a 1-D array for a single row or column, which WESTPA then reshapes to rows × ndim; so a
 * single line or column holding exactly rows × ndim values is accepted too.
 */
export function checkPcoord(m: TextMatrix, rows: number, ndim: number, label: string, context: string): Float64Array {
  const exact = m.rows === rows && m.cols === ndim;
  const flat = (m.rows === 1 || m.cols === 1) && m.values.length === rows * ndim;
  if (!exact && !flat) {
    const got = m.values.length === 0 ? 'an empty file (did the script write to it?)' : `${m.rows} × ${m.cols}`;
    throw new WeError(`${context}: progress coordinate has the wrong shape: expected ${rows} × ${ndim} (rows × pcoord ndim), got ${got}`, label);
  }
  const bad = m.values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const line = m.lines[m.cols === 0 ? 0 : Math.floor(bad / m.cols)];
    throw new WeError(`${context}: expected a finite progress coordinate, found ${m.values[bad]}`, `${label}:${line}`);
  }
  return m.values;
}
