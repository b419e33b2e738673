/**
 * The basis and target states a WESTPA simulation starts from are not in west.cfg but in the `w_init` command
 * of its init.sh (`--bstates-from bstates/bstates.txt --tstates-from tstate.file --segs-per-state 5`). This finds
 * that command without running the script (init.sh deletes west.h5): variables assigned in it, and in the
 * files it sources (env.sh), are expanded as bash would, WEST_SIM_ROOT and PWD being the simulation root; words
 * are then split and unquoted by shell-quote.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'shell-quote';

export interface Located<T> {
  value: T;
  /** 1-based line of the w_init command in the script. */
  line: number;
}

export interface WInitArguments {
  bstatesFrom?: Located<string>;
  tstatesFrom?: Located<string>;
  /** `--bstate label,probability[,auxref]`, in order. */
  bstates: Located<string>[];
  /** `--tstate label,pcoord0[,pcoord1…]`, in order. */
  tstates: Located<string>[];
  segsPerState?: Located<string>;
  /** Arguments `we` has no equivalent for (start states, --no-we), for the report. */
  notCarried: Located<string>[];
}

const MAX_SOURCE_DEPTH = 4;

/** Lines with their backslash continuations joined, each with the number of its first line. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const continued = /\\$/.test(raw);
    const piece = continued ? raw.slice(0, -1) : raw;
    pending = pending ? { line: pending.line, text: `${pending.text} ${piece}` } : { line: i + 1, text: piece };
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

const UNQUOTED_SPECIAL = /[\\'"`;&|<>(){}*?#!~[\]]/g;

/**
 * Replaces $NAME and ${NAME} that bash would expand with their values, escaped so that shell-quote then splits
 * an unquoted value into words and keeps a double-quoted one whole. Unknown variables stay as written.
 */
function expandVariables(text: string, vars: Map<string, string>): string {
  let out = '';
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && quote !== "'") {
      out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === "'" && quote !== '"') quote = quote ? undefined : "'";
    else if (c === '"' && quote !== "'") quote = quote ? undefined : '"';
    if (c !== '$' || quote === "'") {
      out += c;
      continue;
    }
    const match = /^\$(?:\{(\w+)\}|(\w+))/.exec(text.slice(i));
    const name = match?.[1] ?? match?.[2];
    const value = name === undefined ? undefined : vars.get(name);
    if (match === null || value === undefined) {
      out += '\\$';
      continue;
    }
    out += quote === '"' ? value.replace(/[\\"$`]/g, '\\$&') : value.replace(UNQUOTED_SPECIAL, '\\$&');
    i += match[0].length - 1;
  }
  return out;
}

/** The words of a simple command, up to its first operator or comment. */
function words(text: string): string[] {
  const out: string[] = [];
  for (const token of parse(text)) {
    if (typeof token !== 'string') break;
    out.push(token);
  }
  return out;
}

const ASSIGNMENT = /^(?:export\s+)?(\w+)=/;

class ScriptReader {
  readonly vars: Map<string, string>;

  constructor(private readonly simRoot: string) {
    this.vars = new Map([
      ['WEST_SIM_ROOT', simRoot],
      ['PWD', simRoot],
    ]);
  }

  /** Files the script sources (`source env.sh`, `. env.sh`), in order, as written after expansion. */
  readonly sourced: Located<string>[] = [];

  /** Follows assignments and `source`/`.` of other files; calls `onCommand` for every other simple command. */
  read(path: string, depth: number, onCommand: (argv: string[], line: number) => void): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    for (const { line, text: raw } of logicalLines(text)) {
      const trimmed = raw.trim();
      if (!trimmed || trimmed.startsWith('#')) continue;
      const assignment = ASSIGNMENT.exec(trimmed);
      if (assignment) {
        const [value] = words(expandVariables(trimmed.slice(assignment[0].length), this.vars));
        this.vars.set(assignment[1], value ?? '');
        continue;
      }
      const argv = words(expandVariables(trimmed, this.vars));
      if ((argv[0] === 'source' || argv[0] === '.') && argv[1] && depth < MAX_SOURCE_DEPTH) {
        if (depth === 0) this.sourced.push({ value: argv[1], line });
        this.read(resolve(this.simRoot, argv[1]), depth + 1, () => {});
        continue;
      }
      if (argv.length) onCommand(argv, line);
    }
  }
}

function takeValue(argv: string[], i: number): { value: string | undefined; next: number } {
  const eq = argv[i].indexOf('=');
  if (eq >= 0) return { value: argv[i].slice(eq + 1), next: i };
  return { value: argv[i + 1], next: i + 1 };
}

export interface InitScript {
  /** The arguments of its first `w_init` command, if it has one. */
  wInit?: WInitArguments;
  /** The files it sources itself (env.sh). */
  sourced: Located<string>[];
}

/**
 * Reads `script` (absolute path), meant to run in `simRoot` (its relative paths are relative to it).
 */
export function readInitScript(script: string, simRoot: string): InitScript {
  const reader = new ScriptReader(simRoot);
  let found: WInitArguments | undefined;
  reader.read(script, 0, (argv, line) => {
    if (found || basename(argv[0]) !== 'w_init') return;
    const args: WInitArguments = { bstates: [], tstates: [], notCarried: [] };
    for (let i = 1; i < argv.length; i++) {
      const flag = argv[i].split('=')[0];
      const at = (value: string) => ({ value, line });
      if (['--bstate-file', '--bstates-from', '--tstate-file', '--tstates-from', '--bstate', '--tstate', '--segs-per-state'].includes(flag)) {
        const { value, next } = takeValue(argv, i);
        i = next;
        if (value === undefined) continue;
        if (flag === '--bstate-file' || flag === '--bstates-from') args.bstatesFrom = at(value);
        else if (flag === '--tstate-file' || flag === '--tstates-from') args.tstatesFrom = at(value);
        else if (flag === '--bstate') args.bstates.push(at(value));
        else if (flag === '--tstate') args.tstates.push(at(value));
        else args.segsPerState = at(value);
      } else if (flag.startsWith('--sstate') || flag === '--no-we' || flag === '--shotgun') {
        args.notCarried.push(at(argv[i]));
      }
    }
    found = args;
  });
  return { ...(found ? { wInit: found } : {}), sourced: reader.sourced };
}
