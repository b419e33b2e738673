/**
 * west.cfg's executable propagator (`west.executable`, `west.data.data_refs`, datasets) → the options of we's
 * `executable` propagator, which runs the same scripts with the same WEST_* environment.
 */
import { WeError } from '../../core/errors.js';
import { RefTemplate, type RefField } from '../../plugins/propagators/executable/data-ref.js';
import { fromCfg, note, simPath, type Conversion } from './conversion.js';
import type { Path } from './west-cfg.js';

const EXECUTABLE: Path = ['west', 'executable'];
const DATA_REFS: Path = ['west', 'data', 'data_refs'];

/** WESTPA's default loaders, which read what `we` reads: a text matrix in WEST_<NAME>_RETURN. */
const TEXT_LOADERS = new Set(['aux_data_loader', 'westpa.core.propagators.executable.aux_data_loader', 'pcoord_loader']);

type Options = Record<string, unknown>;

/** `stdin: null`, `cwd: null` and `stderr: stdout` are what we does anyway; other values are reported. */
function childDefaults(c: Conversion, child: Path, logs: string): void {
  const stdin = c.cfg.get([...child, 'stdin']);
  if (stdin === null || stdin === '/dev/null') c.cfg.take([...child, 'stdin']);
  else c.cfg.leave([...child, 'stdin'], 'not carried: scripts read /dev/null');
  if (c.cfg.get([...child, 'cwd']) === null) c.cfg.take([...child, 'cwd']);
  else c.cfg.leave([...child, 'cwd'], "not carried: segments run in their data ref, other scripts in the simulation root, as in WESTPA 2");
  if (c.cfg.get([...child, 'stderr']) === 'stdout') c.cfg.take([...child, 'stderr']);
  else c.cfg.leave([...child, 'stderr'], `not carried: stderr goes with stdout into ${logs}`);
}

/** Variables of one script (`executable.<child>.environ`) join `env`, which in we every script gets. */
function mergeChildEnviron(c: Conversion, child: Path, env: Options): void {
  const environ = c.cfg.get([...child, 'environ']);
  if (environ === null || typeof environ !== 'object') return;
  Object.assign(env, environ);
  c.cfg.take([...child, 'environ']);
  c.cfg.report.push({
    where: c.cfg.where([...child, 'environ']),
    key: [...child, 'environ'].join('.'),
    message: 'carried into propagator.options.env, which every script of the run gets (not only this one)',
  });
}

/** A data-ref template, as we.yaml's option, if we can render every field it uses. */
function template(c: Conversion, path: Path, option: string, fields: RefField[], options: Options): void {
  const written = c.cfg.get(path);
  if (typeof written !== 'string') return;
  const value = simPath(c, written);
  try {
    RefTemplate.compile(value, fields, c.simRoot, 'we.yaml', `propagator.options.${option}`);
  } catch (err) {
    if (!(err instanceof WeError)) throw err;
    c.cfg.leave(path, `not carried: ${err.message.replace(/^.*?: /, '')}`);
    return;
  }
  c.cfg.take(path);
  options[option] = value;
  fromCfg(c, `propagator.options.${option}`, path);
}

function iterationScript(c: Conversion, kind: 'pre_iteration' | 'post_iteration', options: Options, env: Options): void {
  const child = [...EXECUTABLE, kind];
  if (!c.cfg.has(child)) return;
  if (c.cfg.get([...child, 'enabled']) === false) {
    c.cfg.leave(child, 'disabled (enabled: false): not carried');
    return;
  }
  c.cfg.take([...child, 'enabled']);
  const executable = c.cfg.take([...child, 'executable']);
  if (typeof executable !== 'string') return;
  options[kind] = simPath(c, executable);
  fromCfg(c, `propagator.options.${kind}`, [...child, 'executable']);
  c.cfg.leave([...child, 'stdout'], `not carried: its log is seg_logs/${kind}_NNNNNN.log`);
  childDefaults(c, child, `seg_logs/${kind}_NNNNNN.log`);
  mergeChildEnviron(c, child, env);
}

/**
 * Extra datasets each segment returns (WEST_<NAME>_RETURN): west.executable.datasets, or west.data.datasets
 * when it has none, as WESTPA takes them. HDF5 storage settings are reported, not carried.
 */
function datasets(c: Conversion): string[] {
  const own = c.cfg.get([...EXECUTABLE, 'datasets']);
  const list: Path = Array.isArray(own) ? [...EXECUTABLE, 'datasets'] : ['west', 'data', 'datasets'];
  const entries = c.cfg.get(list);
  const names: string[] = [];
  (Array.isArray(entries) ? entries : []).forEach((entry: unknown, i) => {
    const at: Path = [...list, i];
    const name = c.cfg.take([...at, 'name']);
    if (typeof name !== 'string') return;
    const enabled = c.cfg.take([...at, 'enabled']) !== false;
    const loader = c.cfg.get([...at, 'loader']);
    if (loader === undefined || TEXT_LOADERS.has(String(loader))) c.cfg.take([...at, 'loader']);
    else c.cfg.leave([...at, 'loader'], `not carried: we reads WEST_${name.toUpperCase()}_RETURN as a text matrix (as numpy.loadtxt); have the script write that`);
    if (enabled && name !== 'pcoord') names.push(name);
  });
  return names;
}

/** `propagator.options` of the executable propagator, and its env. */
export function convertExecutable(c: Conversion): Options {
  const options: Options = {};
  const env: Options = {};
  const runseg = c.cfg.take([...EXECUTABLE, 'propagator', 'executable']);
  if (typeof runseg === 'string') {
    options.runseg = simPath(c, runseg);
    fromCfg(c, 'propagator.options.runseg', [...EXECUTABLE, 'propagator', 'executable']);
  }
  const stdout = c.cfg.get([...EXECUTABLE, 'propagator', 'stdout']);
  if (typeof stdout === 'string' && /\{/.test(stdout)) template(c, [...EXECUTABLE, 'propagator', 'stdout'], 'segment_log', ['iter', 'seg'], options);
  else c.cfg.leave([...EXECUTABLE, 'propagator', 'stdout'], "not carried: each segment's log is seg_logs/iter_NNNNNN_seg_NNNNNN.log");
  const logs = typeof options.segment_log === 'string' ? options.segment_log : "the segment's log";
  childDefaults(c, [...EXECUTABLE, 'propagator'], logs);

  const getPcoord = c.cfg.take([...EXECUTABLE, 'get_pcoord', 'executable']);
  if (typeof getPcoord === 'string') {
    options.get_pcoord = simPath(c, getPcoord);
    fromCfg(c, 'propagator.options.get_pcoord', [...EXECUTABLE, 'get_pcoord', 'executable']);
    c.cfg.leave([...EXECUTABLE, 'get_pcoord', 'stdout'], 'not carried: its log is seg_logs/get_pcoord_bstate_NNNNNN.log');
    childDefaults(c, [...EXECUTABLE, 'get_pcoord'], 'seg_logs/get_pcoord_bstate_NNNNNN.log');
  }
  c.cfg.leave(
    [...EXECUTABLE, 'gen_istate'],
    c.cfg.get(['west', 'propagation', 'gen_istates']) === true
      ? 'not carried: we starts new trajectories from the basis states themselves (WEST_ISTATE_DATA_REF is still set); generate them in runseg.sh'
      : 'not carried (unused: gen_istates is not true)',
  );
  iterationScript(c, 'pre_iteration', options, env);
  iterationScript(c, 'post_iteration', options, env);

  const environ = c.cfg.take([...EXECUTABLE, 'environ']);
  if (environ && typeof environ === 'object') Object.assign(env, environ);
  mergeChildEnviron(c, [...EXECUTABLE, 'propagator'], env);
  mergeChildEnviron(c, [...EXECUTABLE, 'get_pcoord'], env);
  if (Object.keys(env).length) options.env = env;
  if (environ) fromCfg(c, 'propagator.options.env', [...EXECUTABLE, 'environ']);

  const names = datasets(c);
  if (names.length) options.datasets = names;
  template(c, [...DATA_REFS, 'segment'], 'segment_ref', ['iter', 'seg'], options);
  template(c, [...DATA_REFS, 'basis_state'], 'bstate_ref', ['auxref', 'bstate'], options);
  template(c, [...DATA_REFS, 'initial_state'], 'istate_ref', ['istate', 'bstate', 'auxref', 'iter_created'], options);
  if (options.runseg === undefined) {
    note(c, { where: c.cfg.where(EXECUTABLE), key: 'west.executable.propagator.executable', message: 'not given: set propagator.options.runseg to the run script' });
  }
  return options;
}
