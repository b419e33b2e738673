/**
 * A simulation directory copied to start a new one: its configuration and scripts without a run's outputs, and
 * every relative path in we.yaml that would point elsewhere from the new place made absolute (the editor's
 * schema comment too, so completion in an editor keeps working in the copy).
 */
import { existsSync } from 'node:fs';
import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { replaceValues, stringValues } from './yaml-values.js';

/**
 * What `we init` and `we run` write at the top of a simulation, and what `we pdist`, `we plot` and `we report`
 * write there by default: not part of a new one.
 */
const RUN_OUTPUT = /^(west\.h5(\..*)?|we-status\.json|seg_logs|traj_segs|istates|pdist\.h5|figures|report\.html)$/;

/** The copy filter: `path` lies in `src`; true for everything but a run's outputs. */
export function isSimulationInput(src: string, path: string): boolean {
  return path === src || !RUN_OUTPUT.test(relative(src, path).split(sep)[0]);
}

export interface Rewrite {
  field: string;
  from: string;
  to: string;
}

export interface Copied {
  /** we.yaml values made absolute. */
  rewrites: Rewrite[];
  /** Script lines that reach outside the simulation through $WEST_SIM_ROOT/.., which no copy can mend. */
  warnings: string[];
}

/** True when `path` lies outside `dir` (both absolute). */
function outside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel.startsWith('..') || isAbsolute(rel);
}

/** A value read as a path relative to the simulation: not absolute, not starting with a variable or ~. */
function relativePath(value: string): boolean {
  return value !== '' && !isAbsolute(value) && !/^[$~]/.test(value);
}

/** An editor's schema comment (`# yaml-language-server: $schema=PATH`) whose relative PATH would leave the copy. */
const SCHEMA_COMMENT = /^(#\s*yaml-language-server:\s*\$schema=)(\S+)/m;

/** The schema comment pointed at the same file from the copy's place, when it was relative and outside `src`. */
function rewriteSchemaComment(src: string, text: string): string {
  return text.replace(SCHEMA_COMMENT, (line, prefix: string, path: string) => {
    const target = resolve(src, path);
    return relativePath(path) && !/^[a-z]+:/i.test(path) && outside(src, target) && existsSync(target) ? `${prefix}${target}` : line;
  });
}

async function rewriteEscapingPaths(src: string, weYaml: string): Promise<Rewrite[]> {
  const text = await readFile(weYaml, 'utf8');
  const rewrites = stringValues(text).flatMap((v) => {
    const target = resolve(src, v.value);
    return relativePath(v.value) && outside(src, target) && existsSync(target) ? [{ ...v, to: target }] : [];
  });
  const rewritten = rewriteSchemaComment(src, replaceValues(text, rewrites.map((r) => ({ range: r.range, value: r.to }))));
  if (rewritten !== text) await writeFile(weYaml, rewritten);
  return rewrites.map(({ field, value, to }) => ({ field, from: value, to }));
}

async function scriptWarnings(dest: string): Promise<string[]> {
  const warnings: string[] = [];
  for (const name of (await readdir(dest)).filter((n) => n.endsWith('.sh')).sort()) {
    (await readFile(join(dest, name), 'utf8')).split('\n').forEach((line, i) => {
      if (/\$\{?WEST_SIM_ROOT\}?\/\.\./.test(line)) {
        warnings.push(`${name}:${i + 1}: reaches outside the simulation ($WEST_SIM_ROOT/..), which this copy does not carry`);
      }
    });
  }
  return warnings;
}

/** Copies `src` (holding we.yaml) into `dest`, which must not exist yet. */
export async function copySimulation(src: string, dest: string): Promise<Copied> {
  await cp(src, dest, { recursive: true, filter: (path) => isSimulationInput(src, path) });
  const rewrites = await rewriteEscapingPaths(resolve(src), join(dest, 'we.yaml'));
  return { rewrites, warnings: await scriptWarnings(dest) };
}
