/** What the parts of `we import` share while they turn a west.cfg into a we.yaml. */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Path, ReportLine, WestCfg } from './west-cfg.js';

export interface Conversion {
  cfg: WestCfg;
  /** The directory of west.cfg, which is WEST_SIM_ROOT, and where we.yaml goes. */
  simRoot: string;
  /** Where each we.yaml value came from, by its dotted we.yaml path (becomes a comment in we.yaml). */
  origin: Map<string, string>;
}

/** Adds a line to the report about something outside west.cfg (system.py, init.sh, flags). */
export function note(c: Conversion, line: ReportLine): void {
  c.cfg.report.push(line);
}

/** Records that the we.yaml value at `weYamlPath` came from the west.cfg key at `path`. */
export function fromCfg(c: Conversion, weYamlPath: string, path: Path): void {
  c.origin.set(weYamlPath, `${c.cfg.where(path)} ${path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}`);
}

const SIM_ROOT_PREFIX = /^\$(?:\{WEST_SIM_ROOT\}|WEST_SIM_ROOT)\/+/;

/**
 * A path as we.yaml should say it: relative to the simulation root when west.cfg wrote it under
 * $WEST_SIM_ROOT or as an absolute path inside the root (we.yaml's relative paths resolve against its folder).
 */
export function simPath(c: Conversion, written: string): string {
  const stripped = written.replace(SIM_ROOT_PREFIX, '');
  if (!isAbsolute(stripped)) return stripped;
  const inside = relative(c.simRoot, stripped);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : stripped;
}

/** The absolute path a west.cfg path names ($WEST_SIM_ROOT being the simulation root). */
export function absoluteSimPath(c: Conversion, written: string): string {
  return resolve(c.simRoot, simPath(c, written));
}

/**
 * The file of a Python module west.cfg names (`odld_system` of `odld_system.ODLDPropagator`), searched where
 * WESTPA imports it from: `west.drivers.module_path`, the simulation root (and WESTPA 1's `west.system.module_path`).
 */
export function findModule(c: Conversion, module: string): { file: string; shown: string } | undefined {
  const listed = [c.cfg.take(['west', 'drivers', 'module_path']), c.cfg.take(['west', 'system', 'module_path'])].flat();
  const dirs = [...listed.filter((d): d is string => typeof d === 'string'), '.'];
  for (const dir of dirs) {
    const file = absoluteSimPath(c, `${dir}/${module.replace(/\./g, '/')}.py`);
    if (existsSync(file)) return { file, shown: relative(c.simRoot, file) };
  }
  return undefined;
}
