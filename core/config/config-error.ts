/** How configuration problems are worded and turned into a WeError (the one place that decides the format). */
import { PermanentError, WeError } from '../errors.js';

export interface SourcePos {
  line: number;
  col: number;
}

/** One thing wrong with the configuration, located in `file` (at `pos`, and/or in field `field`). */
export interface ConfigProblem {
  file: string;
  pos?: SourcePos;
  /** Dotted field path such as `binning.mapper.boundaries[0]`; empty for the document root. */
  field?: string;
  message: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function whereOf(problem: ConfigProblem): string {
  return problem.pos ? `${problem.file}:${problem.pos.line}:${problem.pos.col}` : problem.file;
}

function messageOf(problem: ConfigProblem): string {
  return problem.field ? `${problem.field}: ${problem.message}` : problem.message;
}

/**
 * The first problem becomes the error's `where`; any others follow on their own lines so that a user can fix
 * everything in one pass. Permanent: a plugin created on first use inside a segment is not retried over it.
 */
export function configError(problems: readonly ConfigProblem[]): WeError {
  const [first, ...rest] = problems;
  if (!first) throw new Error('configError needs at least one problem');
  const others = rest.map((p) => `\n${whereOf(p)}: ${messageOf(p)}`).join('');
  return new PermanentError(messageOf(first) + others, whereOf(first));
}

/** A problem on a line of a plain-text state file (BASIS_STATES, TSTATE): `where` is `file:line`. */
export function lineError(file: string, line: number, message: string): WeError {
  return new WeError(message, `${file}:${line}`);
}

/** How a value the user wrote reads in an "expected …, found …" message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return `string '${value}'`;
  if (typeof value === 'number') {
    if (value === Infinity) return '.inf';
    if (value === -Infinity) return '-.inf';
    if (Number.isNaN(value)) return '.nan';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
