/**
 * `we import`: a WESTPA simulation's west.cfg (with its system.py, init.sh and env.sh) → the content of a
 * we.yaml, where each value came from, and a report naming every key that could not be carried.
 */
import { readFileSync } from 'node:fs';
import { fieldPath } from '../../core/config/config-error.js';
import { WeError } from '../../core/errors.js';
import { parseWallclock } from '../../core/config/wallclock.js';
import { formatSeconds } from '../progress.js';
import { findModule, fromCfg, note, simPath, type Conversion } from './conversion.js';
import { convertExecutable } from './convert-executable.js';
import { convertStates, type StateSources } from './convert-states.js';
import { convertSystem } from './convert-system.js';
import { readOdldPropagator } from './odld-propagator.js';
import { StaticEvalError } from './python-values.js';
import { WestCfg, type Path, type ReportLine } from './west-cfg.js';

export interface ImportRequest {
  cfgText: string;
  /** west.cfg as named in the report. */
  cfgShown: string;
  /** The directory of west.cfg: WEST_SIM_ROOT. */
  simRoot: string;
  states: StateSources;
  /** The env.sh to source before every script (relative to the simulation root), and how it was found. */
  envScript?: { path: string; origin: string };
  seed: number;
}

export interface ImportResult {
  /** we.yaml's content, keys in we.yaml's usual order; required keys that could not be filled are absent. */
  weYaml: Record<string, unknown>;
  origin: Map<string, string>;
  report: ReportLine[];
  /** From init.sh's `w_init --segs-per-state`, for the `we init` to suggest. */
  segsPerState?: number;
  /**
   * west.cfg keys read without becoming a we.yaml value or a report line, because we does that anyway (a
   * generic system driver, `stderr: stdout`, `gen_istates: false`, dataset names, ...).
   */
  alreadySo: string[];
}

const PROPAGATION: Path = ['west', 'propagation'];
const HDF5_OPTION = 'not carried: HDF5 storage options (we writes pcoord as pcoord.dtype and datasets as float64, unfiltered)';

interface PropagatorPart {
  propagator?: { name: string; options: Record<string, unknown> };
  /** The bstate data-ref template, which says where basis states' folders are. */
  bstateRef?: string;
  /** Basis state to use when none is given: where the propagator's get_pcoord puts every basis state. */
  defaultBasisPcoord?: number[];
}

/** A Python propagator cannot run in we; WESTPA's ODLD has a built-in twin, read from the module statically. */
function pythonPropagator(c: Conversion, name: string): PropagatorPart {
  const path = [...PROPAGATION, 'propagator'];
  const dot = name.lastIndexOf('.');
  const className = name.slice(dot + 1);
  const found = /odld/i.test(className) ? findModule(c, name.slice(0, dot)) : undefined;
  if (!found) {
    note(c, {
      where: c.cfg.where(path),
      key: path.join('.'),
      message: `not carried: ${name} is a Python propagator, which we cannot run; run its dynamics from a run script (propagator: {name: executable, options: {runseg: runseg.sh}}), see docs/from-westpa.md`,
    });
    return {};
  }
  let reading;
  try {
    reading = readOdldPropagator(readFileSync(found.file, 'utf8'), className);
  } catch (err) {
    if (!(err instanceof StaticEvalError)) throw err;
    note(c, { where: c.cfg.where(path), key: path.join('.'), message: `${found.shown}: ${err.message}: use the built-in odld propagator and set its options by hand` });
    return { propagator: { name: 'odld', options: {} } };
  }
  note(c, {
    where: c.cfg.where(path),
    key: path.join('.'),
    message: `${name} is a Python propagator, which we cannot run: written as we's built-in odld propagator (the same ODLD dynamics), with the parameters ${className}.__init__ sets in ${found.shown}`,
  });
  for (const problem of reading.problems) {
    note(c, { where: `${found.shown}:${problem.line}`, key: `${className}.__init__`, message: `${problem.message}: the odld default is used; check propagator.options` });
  }
  c.origin.set('propagator', `${found.shown} ${className}`);
  return { propagator: { name: 'odld', options: reading.options }, defaultBasisPcoord: reading.initialPcoord };
}

function convertPropagator(c: Conversion, envScript: ImportRequest['envScript']): PropagatorPart {
  const path = [...PROPAGATION, 'propagator'];
  const name = c.cfg.take(path);
  if (name === 'executable') {
    const options = convertExecutable(c);
    if (envScript) {
      options.source = envScript.path;
      c.origin.set('propagator.options.source', envScript.origin);
    }
    fromCfg(c, 'propagator', path);
    return { propagator: { name: 'executable', options }, bstateRef: typeof options.bstate_ref === 'string' ? options.bstate_ref : 'bstates/{auxref}' };
  }
  c.cfg.leave(['west', 'executable'], 'not used: the propagator is not executable');
  c.cfg.leave(['west', 'data', 'data_refs'], 'not used: the propagator is not executable');
  if (typeof name === 'string') return pythonPropagator(c, name);
  note(c, { where: c.cfg.where(PROPAGATION), key: path.join('.'), message: 'not given: set we.yaml propagator' });
  return {};
}

function convertLimits(c: Conversion, weYaml: Record<string, unknown>): void {
  const iterations = [...PROPAGATION, 'max_total_iterations'];
  const n = c.cfg.take(iterations);
  if (Number.isInteger(n) && (n as number) >= 1) {
    weYaml.max_iterations = n;
    fromCfg(c, 'max_iterations', iterations);
  } else if (n === undefined) {
    note(c, { where: c.cfg.where(PROPAGATION), key: iterations.join('.'), message: 'not given: set we.yaml max_iterations' });
  } else {
    c.cfg.leave(iterations, `expected an integer >= 1, found ${JSON.stringify(n)}: set we.yaml max_iterations`);
  }
  const wallclock = [...PROPAGATION, 'max_run_wallclock'];
  const limit = c.cfg.take(wallclock);
  // PyYAML reads 72:00:00 as a number of seconds; quoted, WESTPA parses it itself.
  const seconds = typeof limit === 'number' ? limit : typeof limit === 'string' ? parseWallclock(limit) : undefined;
  if (seconds !== undefined && seconds > 0) {
    weYaml.max_wallclock = formatSeconds(seconds);
    fromCfg(c, 'max_wallclock', wallclock);
  } else if (limit !== undefined && limit !== null) {
    c.cfg.leave(wallclock, `expected HH:MM:SS, found ${JSON.stringify(limit)}: set we.yaml max_wallclock`);
  }
}

function convertData(c: Conversion, weYaml: Record<string, unknown>): void {
  const file = c.cfg.take(['west', 'data', 'west_data_file']);
  if (typeof file === 'string' && file !== 'west.h5') {
    weYaml.store = { name: 'westh5', path: simPath(c, file) };
    fromCfg(c, 'store', ['west', 'data', 'west_data_file']);
  }
  const datasets = c.cfg.get(['west', 'data', 'datasets']);
  (Array.isArray(datasets) ? datasets : []).forEach((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object') return;
    const at: Path = ['west', 'data', 'datasets', i];
    const name = c.cfg.take([...at, 'name']);
    const keys = Object.keys(entry).filter((k) => k !== 'name');
    c.cfg.leaveTogether(
      keys.map((k) => [...at, k]),
      `${fieldPath(at)} (${String(name)}): ${keys.join(', ')}`,
      HDF5_OPTION,
    );
  });
  for (const key of ['aux_compression_threshold', 'iter_prec', 'flush_period']) c.cfg.leave(['west', 'data', key], HDF5_OPTION);
  c.cfg.leave(['west', 'data', 'data_refs', 'iteration'], 'not carried: we keeps every iteration in west.h5 (no per-iteration HDF5 files)');
}

function convertResampling(c: Conversion, weYaml: Record<string, unknown>): void {
  const resampling: Record<string, unknown> = {};
  for (const key of ['smallest_allowed_weight', 'largest_allowed_weight']) {
    const path = ['west', 'we', key];
    if (!c.cfg.has(path)) continue;
    resampling[key] = c.cfg.take(path);
    fromCfg(c, `resampling.${key}`, path);
  }
  if (Object.keys(resampling).length) weYaml.resampling = resampling;
}

function reportExtensions(c: Conversion): void {
  const plugins = c.cfg.get(['west', 'plugins']);
  (Array.isArray(plugins) ? plugins : []).forEach((entry: unknown, i) => {
    const { plugin, enabled } = (entry ?? {}) as { plugin?: unknown; enabled?: unknown };
    c.cfg.leave(
      ['west', 'plugins', i],
      enabled === false ? `plugin ${String(plugin)} (disabled): not carried` : `plugin ${String(plugin)}: not carried: we runs no WESTPA plugins (port what it does to a post_iteration script or a module bin mapper)`,
    );
  });
  for (const section of ['analysis', 'w_ipython']) {
    c.cfg.leave(['west', section], "not carried: w_ipa's analysis settings (we kinetics, planned, takes its states and bins as options)");
  }
  c.cfg.leave([...PROPAGATION, 'block_size'], 'not carried: the executable propagator runs one segment per task, the built-in ones a whole iteration');
  if (c.cfg.get([...PROPAGATION, 'gen_istates']) === true) {
    c.cfg.leave([...PROPAGATION, 'gen_istates'], 'not carried: we starts new trajectories from the basis states themselves');
  } else {
    c.cfg.take([...PROPAGATION, 'gen_istates']);
  }
}

/** Report lines by file (`first`, west.cfg, first) and line. */
function inFileOrder(report: ReportLine[], first: string): ReportLine[] {
  const place = (where: string) => {
    const colon = where.lastIndexOf(':');
    return colon < 0 ? { file: where, line: 0 } : { file: where.slice(0, colon), line: Number(where.slice(colon + 1)) || 0 };
  };
  const files = [...new Set([first, ...report.map((r) => place(r.where).file)])];
  return report
    .map((r, i) => ({ r, i, ...place(r.where) }))
    .sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.i - b.i)
    .map(({ r }) => r);
}

export function convertWestCfg(request: ImportRequest): ImportResult {
  const cfg = WestCfg.parse(request.cfgText, request.cfgShown);
  const west = cfg.get(['west']);
  if (west === null || typeof west !== 'object' || Array.isArray(west)) {
    throw new WeError("expected a WESTPA configuration, a mapping under 'west:'", request.cfgShown);
  }
  const c: Conversion = { cfg, simRoot: request.simRoot, origin: new Map() };
  const system = convertSystem(c);
  const propagator = convertPropagator(c, request.envScript);
  const weYaml: Record<string, unknown> = {};
  weYaml.pcoord = Object.fromEntries(Object.entries(system.pcoord).filter(([, v]) => v !== undefined));
  // What could not be read stays out, so that we.yaml fails to load naming it rather than binning wrongly.
  const binning = Object.fromEntries(Object.entries(system.binning).filter(([, v]) => v !== undefined));
  if (Object.keys(binning).length) weYaml.binning = binning;
  const states = convertStates(c, request.states, propagator.bstateRef, system.pcoord.ndim);
  if (states.basis_states === undefined && propagator.defaultBasisPcoord) {
    states.basis_states = [{ label: 'initial', probability: 1, pcoord: propagator.defaultBasisPcoord }];
    c.origin.set('basis_states', `${c.origin.get('propagator')}: self.initial_pcoord, what its get_pcoord gives`);
  }
  if (states.basis_states === undefined) {
    note(c, {
      where: request.cfgShown,
      key: 'basis states',
      message: 'not found: give them as w_init takes them (we import --bstates-from FILE or --bstate label,prob[,auxref]), or --init the script that runs w_init',
    });
  } else {
    weYaml.basis_states = states.basis_states;
  }
  if (states.target_states !== undefined) weYaml.target_states = states.target_states;
  if (propagator.propagator) weYaml.propagator = propagator.propagator;
  convertData(c, weYaml);
  convertResampling(c, weYaml);
  convertLimits(c, weYaml);
  weYaml.seed = request.seed;
  reportExtensions(c);
  cfg.reportTheRest();
  const named = [...[...c.origin.values()].map((o) => o.split(' ')[1]), ...cfg.report.map((r) => r.key.split(' ')[0])];
  const isNamed = (key: string) => named.some((n) => key === n || key.startsWith(`${n}.`) || key.startsWith(`${n}[`));
  return {
    weYaml,
    origin: c.origin,
    report: inFileOrder(cfg.report, cfg.shown),
    ...(states.segsPerState ? { segsPerState: states.segsPerState } : {}),
    alreadySo: cfg.handledKeys().filter((k) => !isNamed(k)),
  };
}
