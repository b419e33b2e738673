/**
 * Model packages and basis-state sets by name, so that a simulation directory can say `model: chignolin-aae` or
 * `basis_states: {set: chignolin}` and be moved or copied anywhere. A name is looked for, in order, in the
 * simulation directory's own `models/` (`bstates/`), in each directory of WE_MODEL_PATH (WE_BSTATES_PATH), then in
 * the installation's `models/` (`bstates/`): the first directory holding `<name>/model.yaml` (`<name>/BASIS_STATES`)
 * wins, as PATH does for commands. Anything with a '/' (or '.', '..') is a path, relative to the simulation directory.
 */
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { suggestKey } from './config/unknown-keys.js';
import { packageRoot } from './installation.js';

export type ResourceKind = 'models' | 'bstates';

interface KindSpec {
  /** How the thing is called in messages. */
  noun: string;
  /** The file that makes a directory one of these. */
  marker: string;
  /** Extra search directories, separated as PATH is. */
  searchVariable: string;
}

const RESOURCE_KINDS: Record<ResourceKind, KindSpec> = {
  models: { noun: 'model package', marker: 'model.yaml', searchVariable: 'WE_MODEL_PATH' },
  bstates: { noun: 'basis-state set', marker: 'BASIS_STATES', searchVariable: 'WE_BSTATES_PATH' },
};

/** A directory, absolute and as messages show it. */
export interface Located {
  abs: string;
  shown: string;
}

/** Why a directory is searched: the simulation's own, a WE_MODEL_PATH (WE_BSTATES_PATH) entry, or the installation's. */
export type Origin = 'simulation' | 'search path' | 'installed';

interface SearchDir extends Located {
  origin: Origin;
}

export type Lookup = { found: Located } | { problem: string };

/** Relative to the working directory when below it, else absolute: what a user can paste into a shell. */
export function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

export function isName(written: string): boolean {
  return !written.includes('/') && written !== '.' && written !== '..';
}

/** Where names of this kind are looked for, in order; `env` is the environment holding the search variable. */
function searchDirs(kind: ResourceKind, simRoot: string, env: NodeJS.ProcessEnv = process.env): SearchDir[] {
  const at = (abs: string, origin: Origin): SearchDir => ({ abs, shown: shownPath(abs), origin });
  const listed = (env[RESOURCE_KINDS[kind].searchVariable] ?? '').split(delimiter).filter((d) => d !== '');
  return [at(join(simRoot, kind), 'simulation'), ...listed.map((d) => at(resolve(d), 'search path')), at(join(packageRoot, kind), 'installed')];
}

/** The search directories as messages list them, an unset search variable included so users learn of it. */
export function searchOrder(kind: ResourceKind, simRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dirs = searchDirs(kind, simRoot, env);
  const shown = dirs.map((d) => d.shown);
  if (!dirs.some((d) => d.origin === 'search path')) shown.splice(1, 0, `$${RESOURCE_KINDS[kind].searchVariable} (not set)`);
  return shown.join(', ');
}

/** The names a search directory offers: its subdirectories holding the kind's marker file, sorted. */
function namesIn(kind: ResourceKind, dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((name) => existsSync(join(dir, name, RESOURCE_KINDS[kind].marker))).sort();
}

/** A name or a path as written in we.yaml or on the command line; paths resolve against `simRoot`. */
export function lookUp(kind: ResourceKind, written: string, simRoot: string, env: NodeJS.ProcessEnv = process.env): Lookup {
  if (!isName(written)) {
    const abs = resolve(simRoot, written);
    return { found: { abs, shown: shownPath(abs) } };
  }
  const { noun, marker } = RESOURCE_KINDS[kind];
  const dirs = searchDirs(kind, simRoot, env);
  for (const dir of dirs) {
    const abs = join(dir.abs, written);
    if (existsSync(join(abs, marker))) return { found: { abs, shown: shownPath(abs) } };
  }
  const known = [...new Set(dirs.flatMap((d) => namesIn(kind, d.abs)))].sort();
  const suggestion = suggestKey(written, known);
  const hint = suggestion ? `; did you mean '${suggestion}'?` : known.length ? `; found: ${known.join(', ')}` : '';
  return { problem: `no ${noun} '${written}' (a directory holding ${marker}) in ${searchOrder(kind, simRoot, env)}${hint}` };
}

export interface Listed {
  name: string;
  dir: Located;
  origin: Origin;
  /** A directory searched earlier holds the same name: this one is never used by name. */
  shadowed: boolean;
}

/** Everything findable by name from `simRoot`, in search order. */
export function listNamed(kind: ResourceKind, simRoot: string, env: NodeJS.ProcessEnv = process.env): Listed[] {
  const seen = new Set<string>();
  return searchDirs(kind, simRoot, env).flatMap((dir) =>
    namesIn(kind, dir.abs).map((name) => {
      const abs = join(dir.abs, name);
      const shadowed = seen.has(name);
      seen.add(name);
      return { name, dir: { abs, shown: shownPath(abs) }, origin: dir.origin, shadowed };
    }),
  );
}
