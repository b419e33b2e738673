/**
 * `we models [NAME] [--json]` (declared in cli/commands/models.ts): the model packages and basis-state sets a simulation in the working directory can
 * name (`progress_coordinate.options.model: NAME`, `basis_states: {set: NAME}`), in search order, each loaded and
 * checked as a run would; with NAME, everything about that one, provenance included.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBasisStatesFile } from '../../core/config/state-files.js';
import { WeError } from '../../core/errors.js';
import { listNamed, lookUp, searchOrder, type Listed } from '../../core/named-resources.js';
import type { BasisState } from '../../core/types.js';
import { loadModelPackage } from '../../plugins/pcoord-onnx/index.js';
import { summariseModel, type ModelSummary } from '../../plugins/pcoord-onnx/model-summary.js';
import { formatTable } from '../table.js';

type Checked<T> = Listed & ({ problem: string } | T);
type ModelEntry = Checked<{ model: ModelSummary }>;
type SetEntry = Checked<{ states: Omit<BasisState, 'pcoord'>[] }>;

async function checkModel(entry: Listed): Promise<ModelEntry> {
  try {
    const pkg = await loadModelPackage(entry.dir.abs, {}, entry.dir.shown);
    try {
      return { ...entry, model: summariseModel(pkg) };
    } finally {
      await pkg.close();
    }
  } catch (e) {
    if (!(e instanceof WeError)) throw e;
    return { ...entry, problem: e.message };
  }
}

async function checkSet(entry: Listed): Promise<SetEntry> {
  const file = join(entry.dir.shown, 'BASIS_STATES');
  try {
    const rows = parseBasisStatesFile(await readFile(join(entry.dir.abs, 'BASIS_STATES'), 'utf8'), file);
    return { ...entry, states: rows.map(({ label, probability, auxref }) => ({ label, probability, auxref })) };
  } catch (e) {
    if (!(e instanceof WeError)) throw e;
    return { ...entry, problem: e.message };
  }
}

function where(entry: Listed): string {
  const notes = [entry.origin === 'installed' ? 'installed with we' : entry.origin === 'simulation' ? "this simulation's" : 'search path'];
  if (entry.shadowed) notes.push('shadowed by the one above');
  return `${entry.dir.shown} (${notes.join('; ')})`;
}

function inputShape(model: ModelSummary): string {
  return `${model.input.name} (${model.input.shape.join(', ')})`;
}

function pcoordDims(model: ModelSummary): string {
  return `${model.output.name}[${model.output.dims.join(', ')}]${model.output.latent === undefined ? '' : ` of ${model.output.latent}`}`;
}

function trained(model: ModelSummary): string {
  const p = model.provenance;
  return `${p.date}, ${p.epochs} epochs, loss ${p.final_loss}`;
}

function modelTable(models: ModelEntry[]): string[] {
  const rows = models.map((m) =>
    'model' in m
      ? [m.name, m.model.selection, inputShape(m.model), pcoordDims(m.model), trained(m.model), where(m)]
      : [m.name, 'unusable (below)', '', '', '', where(m)],
  );
  const problems = models.flatMap((m) => ('problem' in m ? [`${m.name}: ${m.problem}`] : []));
  return [formatTable([['NAME', 'SELECTION', 'INPUT', 'PCOORD (latent mean dims)', 'TRAINED', 'WHERE'], ...rows]), ...problems];
}

function setTable(sets: SetEntry[]): string[] {
  const rows = sets.map((s) => [s.name, 'states' in s ? String(s.states.length) : 'unusable (below)', where(s)]);
  const problems = sets.flatMap((s) => ('problem' in s ? [`${s.name}: ${s.problem}`] : []));
  return [formatTable([['NAME', 'STATES', 'WHERE'], ...rows]), ...problems];
}

function modelDetails(m: ModelEntry): string[] {
  if ('problem' in m) return [`model package ${m.name}: ${where(m)}`, `unusable: ${m.problem}`];
  const { model } = m;
  const p = model.provenance;
  const rows: [string, string][] = [
    ['where', where(m)],
    ['description', model.description],
    ['selection', `${model.selection}: ${model.points} of the reference's ${model.referenceAtoms} atoms`],
    ['input', `${inputShape(model)}, ${model.input.layout}; normalisation ${model.normalisation.kind}`],
    ['pcoord', `latent mean ${pcoordDims(model)}`],
    ...(model.basisStates ? [['basis states', `set ${model.basisStates} (we new --model ${m.name} starts from it)`] as [string, string]] : []),
    ['trained', trained(model)],
    ['training data', p.training_data],
    ['command', p.command],
    ...(p.objective ? [['objective', p.objective] as [string, string]] : []),
    ...(p.latent ? [['latent', p.latent] as [string, string]] : []),
    ...(p.notes ? [['notes', p.notes] as [string, string]] : []),
  ];
  return [`model package ${m.name}`, formatTable(rows.map(([k, v]) => [`  ${k}`, v]))];
}

function setDetails(s: SetEntry): string[] {
  if ('problem' in s) return [`basis-state set ${s.name}: ${where(s)}`, `unusable: ${s.problem}`];
  const rows = s.states.map((b) => [`  ${b.label}`, String(b.probability), `${b.auxref}/`]);
  return [`basis-state set ${s.name}: ${where(s)}`, formatTable([['  LABEL', 'PROBABILITY', 'FOLDER'], ...rows])];
}

export async function listModels(name: string | undefined, json: boolean): Promise<void> {
  const cwd = process.cwd();
  const pick = (entries: Listed[]) => entries.filter((e) => name === undefined || e.name === name);
  const models: ModelEntry[] = [];
  // One at a time: each check creates an onnxruntime session.
  for (const entry of pick(listNamed('models', cwd))) models.push(await checkModel(entry));
  const sets = await Promise.all(pick(listNamed('bstates', cwd)).map(checkSet));
  if (name !== undefined && models.length === 0 && sets.length === 0) {
    const lookup = lookUp('models', name, cwd);
    throw new WeError('problem' in lookup ? lookup.problem : `'${name}' is a path; \`we models\` takes a name`);
  }
  if (json) {
    const plain = (e: Listed) => ({ name: e.name, where: e.dir.abs, origin: e.origin, shadowed: e.shadowed });
    const out = {
      models: models.map((m) => ({ ...plain(m), ...('model' in m ? m.model : { problem: m.problem }) })),
      basisStateSets: sets.map((s) => ({ ...plain(s), ...('states' in s ? { states: s.states } : { problem: s.problem }) })),
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }
  const lines =
    name === undefined
      ? [
          'Model packages (progress_coordinate.options.model: NAME)',
          ...modelTable(models),
          `searched in order: ${searchOrder('models', cwd)}`,
          '',
          'Basis-state sets (basis_states: {set: NAME})',
          ...setTable(sets),
          `searched in order: ${searchOrder('bstates', cwd)}`,
          '',
          '`we models NAME` shows one in full, provenance included; `--json` gives everything.',
        ]
      : [...models.flatMap(modelDetails), ...sets.flatMap(setDetails)];
  console.log(lines.join('\n'));
}
