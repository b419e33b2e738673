/**
 * `we new DIR --model NAME`: a working simulation around a model package, on the embedded C-alpha Go-model engine.
 * examples/go-chignolin is the template (its runseg.sh, bins, walkers per bin and staging); the model, its
 * basis-state set, the native structure the Go model is built on (the model's reference) and the target (the bin
 * of the reference's latent point) are swapped in.
 */
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBasisStatesFile } from '../../core/config/state-files.js';
import { WeError } from '../../core/errors.js';
import { packageRoot } from '../../core/installation.js';
import { lookUp, type Located, type ResourceKind } from '../../core/named-resources.js';
import { embedFiles, loadModelPackage, type ModelPackage } from '../../plugins/pcoord-onnx/index.js';
import { readPdb } from '../../plugins/trajectory/pdb.js';
import { selectAtoms } from '../../plugins/trajectory/selection.js';
import { copySimulation } from './copy-simulation.js';
import { replaceValues, stringValues } from './yaml-values.js';

export const GO_MODEL_TEMPLATE = join(packageRoot, 'examples', 'go-chignolin');

/** The template's files that describe chignolin alone. */
const CHIGNOLIN_ONLY = ['README.md', 'make-tstate.sh'];

/** The template's latent grid is two-dimensional. */
const PCOORD_NDIM = 2;

export interface ModelSimulation {
  model: Located;
  set: Located;
  /** The reference's latent point: the target state. */
  target: number[];
}

function locate(kind: ResourceKind, written: string, option: string): Located {
  const lookup = lookUp(kind, written, process.cwd());
  if ('problem' in lookup) throw new WeError(`${option}: ${lookup.problem}`);
  return lookup.found;
}

/** The Go-model engine writes C-alpha frames, which a model can embed only if the C-alphas are what it selects. */
async function requireCalphaSelection(pkg: ModelPackage): Promise<void> {
  const { topology } = await readPdb(join(pkg.dir, pkg.description.reference));
  const calphas = selectAtoms(topology, 'name CA');
  if (calphas.length !== pkg.atoms.length || calphas.some((atom, i) => atom !== pkg.atoms[i])) {
    throw new WeError(
      `--model: ${pkg.shown} selects '${pkg.description.selection}' (${pkg.atoms.length} atoms), but the Go-model engine writes the ` +
        `${calphas.length} C-alphas only; \`we new --model\` needs a model selecting 'name CA'. For another engine start from ` +
        'an example that runs it, e.g. `we new DIR --from openmm-chignolin`',
    );
  }
}

/** Fails now, naming the structure, rather than at `we init` when the set is another system's. */
async function requireEmbeddable(pkg: ModelPackage, set: Located): Promise<void> {
  const file = join(set.shown, 'BASIS_STATES');
  const states = parseBasisStatesFile(await readFile(join(set.abs, 'BASIS_STATES'), 'utf8'), file);
  // The template's runseg.sh and bstate_structure read <auxref>/bstate.pdb.
  const structures = states.map((s) => join(set.abs, s.auxref, 'bstate.pdb'));
  try {
    await embedFiles(pkg, structures);
  } catch (e) {
    if (!(e instanceof WeError)) throw e;
    throw new WeError(`--bstates: the basis states of ${set.shown} do not fit model ${pkg.shown}: ${e.message}`);
  }
}

/** A name when the new simulation finds the same directory by it, else the absolute path. */
function reference(kind: ResourceKind, written: string, found: Located, dest: string): string {
  const fromDest = lookUp(kind, written, dest);
  return 'found' in fromDest && fromDest.found.abs === found.abs ? written : found.abs;
}

function header(modelName: string, description: string, setName: string): string {
  return [
    `# Written by \`we new --model ${modelName}\`: ${description}.`,
    "# Folding with we's embedded C-alpha Go-model engine (we-go-md in runseg.sh), built on native.pdb, the model's",
    `# reference. Walkers start from the basis-state set '${setName}' and are recycled when they reach the bin of`,
    "# native.pdb's latent point (TSTATE). Bins, walkers per bin and segment length are examples/go-chignolin's.",
  ].join('\n');
}

/** Writes the simulation into `dest` (which must not exist). `setWritten` overrides the model's own basis_states. */
export async function writeModelSimulation(dest: string, modelWritten: string, setWritten: string | undefined): Promise<ModelSimulation> {
  const model = locate('models', modelWritten, '--model');
  const pkg = await loadModelPackage(model.abs, { ndim: PCOORD_NDIM }, model.shown);
  try {
    await requireCalphaSelection(pkg);
    const setName = setWritten ?? pkg.description.basis_states;
    if (setName === undefined) {
      throw new WeError(`--model: ${join(model.shown, 'model.yaml')} names no basis_states set; give one with --bstates SET (\`we models\` lists them)`);
    }
    const set = locate('bstates', setName, '--bstates');
    const referencePdb = join(pkg.dir, pkg.description.reference);
    const [target] = await embedFiles(pkg, [referencePdb]);
    await requireEmbeddable(pkg, set);

    await copySimulation(GO_MODEL_TEMPLATE, dest);
    for (const name of CHIGNOLIN_ONLY) await rm(join(dest, name), { force: true });
    await copyFile(referencePdb, join(dest, 'native.pdb'));
    const point = Array.from(target, (x) => x.toFixed(4)).join(' ');
    await writeFile(join(dest, 'TSTATE'), `# label pcoord_1 pcoord_2 (latent point of native.pdb under ${pkg.description.name})\nfolded ${point}\n`);

    const weYaml = join(dest, 'we.yaml');
    const text = await readFile(weYaml, 'utf8');
    const values = stringValues(text);
    const valueOf = (field: string) => {
      const found = values.find((v) => v.field === field);
      if (!found) throw new Error(`${GO_MODEL_TEMPLATE}/we.yaml has no ${field} to set`);
      return found;
    };
    const edited = replaceValues(text, [
      { range: valueOf('basis_states.set').range, value: reference('bstates', setName, set, dest) },
      { range: valueOf('progress_coordinate.options.model').range, value: reference('models', modelWritten, model, dest) },
    ]);
    // The template's opening comment describes chignolin; the rest of its comments hold for any system.
    const body = edited.replace(/^(#.*\n)+/, '');
    await writeFile(weYaml, `${header(pkg.description.name, pkg.description.description, setName)}\n${body}`);
    return { model, set, target: Array.from(target) };
  } finally {
    await pkg.close();
  }
}
