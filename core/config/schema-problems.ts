/** Turns zod's validation issues into located, user-worded configuration problems. */
import type * as z from 'zod';
import { describeValue, fieldPath, type ConfigProblem, type SourcePos } from './config-error.js';

/**
 * What was validated: the file it came from, the value at a path, and, for a parsed YAML document
 * (YamlSource), where a path or a mapping's key is written.
 */
export interface ProblemSource {
  readonly file: string;
  valueAt(path: readonly PropertyKey[]): unknown;
  positionOf?(path: readonly PropertyKey[]): SourcePos;
  keyPosition?(path: readonly PropertyKey[], key: string): SourcePos;
}

/** A value that has no text behind it (plugin options handed to a factory), found under `prefix`. */
export function valueSource(file: string, prefix: readonly string[], value: unknown): ProblemSource {
  const root = prefix.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
  return {
    file,
    valueAt(path) {
      let here = root;
      for (const key of path) {
        if (here === null || typeof here !== 'object') return undefined;
        here = (here as Record<PropertyKey, unknown>)[key];
      }
      return here;
    },
  };
}

type Issue = z.core.$ZodIssue;

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** What the check wanted, in words, for issues whose message is zod's default. */
function expectation(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'invalid_value':
      return `one of ${issue.values.map(quote).join(', ')}`;
    case 'invalid_union':
      return 'options' in issue && issue.options ? `one of ${issue.options.map(quote).join(', ')}` : 'a valid value';
    case 'too_small':
      if (issue.origin === 'array') return `at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'a non-empty string' : `at least ${issue.minimum} characters`;
      return `a value ${issue.inclusive === false ? '>' : '>='} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `at most ${issue.maximum} item(s)`;
      if (issue.origin === 'string') return `at most ${issue.maximum} characters`;
      return `a value ${issue.inclusive === false ? '<' : '<='} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function prefixed(issue: Issue, prefix: readonly PropertyKey[]): Issue {
  return { ...issue, path: [...prefix, ...issue.path] } as Issue;
}

/** Issues by which an alternative of a union says the value is not even of its kind. */
const WRONG_KIND = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

/**
 * A union's issue lists every alternative's complaints. Report the alternative whose kind matched what was
 * written (a list vs a mapping); when none did, the union's own "expected …" message says it best.
 */
function flatten(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const shapeMatched = issue.errors.filter((branch) =>
    branch.every((inner) => inner.path.length > 0 || !WRONG_KIND.has(inner.code)),
  );
  if (shapeMatched.length === 0) return [issue];
  return shapeMatched[0].flatMap((inner) => flatten(prefixed(inner, issue.path)));
}

function toProblem(issue: Issue, source: ProblemSource): ConfigProblem {
  const { file } = source;
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return { file, pos: source.keyPosition?.(path, issue.keys[0]), field: fieldPath(path), message: issue.message };
  }
  const found = source.valueAt(path);
  if (found === undefined && path.length > 0 && issue.code !== 'custom') {
    const parent = path.slice(0, -1);
    return {
      file,
      pos: source.positionOf?.(parent),
      field: fieldPath(parent),
      message: `missing required field '${String(path[path.length - 1])}'`,
    };
  }
  const pos = source.positionOf?.(path);
  const field = fieldPath(path);
  if (issue.code === 'custom' && !issue.message.startsWith('expected ')) return { file, pos, field, message: issue.message };
  const wanted = issue.message.startsWith('expected ') ? issue.message : `expected ${expectation(issue)}`;
  return { file, pos, field, message: `${wanted}, found ${describeValue(found)}` };
}

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0);
}

/**
 * Unknown keys first (a misspelt key also makes the intended one "missing", and the misspelling is the
 * real mistake), then the rest in the order they appear in the file.
 */
export function schemaProblems(issues: readonly Issue[], source: ProblemSource): ConfigProblem[] {
  const flat = issues.flatMap(flatten);
  const unknownKeys = flat.filter((i) => i.code === 'unrecognized_keys').map((i) => toProblem(i, source));
  const others = flat.filter((i) => i.code !== 'unrecognized_keys').map((i) => toProblem(i, source));
  return [...unknownKeys.sort(byPosition), ...others.sort(byPosition)];
}
