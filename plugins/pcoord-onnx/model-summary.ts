/** What a loaded model package is, for `we models`: its description and the shapes its ONNX graph declares. */
import type { ModelPackage } from './model-package.js';
import type { ModelYaml } from './model-yaml.js';

export interface ModelSummary {
  name: string;
  description: string;
  selection: string;
  /** The encoder's points: the selected atoms of the reference. */
  points: number;
  referenceAtoms: number;
  /** As the graph declares it; symbolic axes (the frames) by name. */
  input: { name: string; shape: (string | number)[]; layout: ModelYaml['input']['layout'] };
  /** `latent`: the width of the output (undefined if the graph leaves it symbolic). */
  output: { name: string; dims: number[]; latent?: number };
  normalisation: ModelYaml['normalisation'];
  /** The basis-state set made for the model's system, if it names one. */
  basisStates?: string;
  provenance: ModelYaml['provenance'];
}

export function summariseModel(pkg: ModelPackage): ModelSummary {
  const { description: d, session } = pkg;
  const shapeOf = (list: typeof session.inputMetadata, name: string) => {
    const meta = list.find((m) => m.name === name);
    return meta?.isTensor ? [...meta.shape] : [];
  };
  const latent = shapeOf(session.outputMetadata, d.output.name).at(-1);
  return {
    name: d.name,
    description: d.description,
    selection: d.selection,
    points: pkg.atoms.length,
    referenceAtoms: pkg.reference.length / 3,
    input: { name: d.input.name, shape: shapeOf(session.inputMetadata, d.input.name), layout: d.input.layout },
    output: { name: d.output.name, dims: d.output.dims, ...(typeof latent === 'number' ? { latent } : {}) },
    normalisation: d.normalisation,
    ...(d.basis_states ? { basisStates: d.basis_states } : {}),
    provenance: d.provenance,
  };
}
