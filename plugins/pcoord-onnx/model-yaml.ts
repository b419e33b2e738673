/** The model.yaml of a model package: its schema, and errors that name `<dir>/model.yaml`, line and field. */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { closedObject } from '../../core/config/closed-object.js';
import { configError } from '../../core/config/config-error.js';
import { schemaProblems } from '../../core/config/schema-problems.js';
import { YamlSource } from '../../core/config/yaml-source.js';
import { failureReason, WeError } from '../../core/errors.js';

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what} (not empty)` });
const statistic = z.union([z.number(), z.array(z.number()).min(1)], { error: 'expected a number or a list of numbers' });

const modelYamlSchema = closedObject({
  name: text('the model name'),
  description: z.string({ error: 'expected a description' }),
  selection: text('an atom selection such as "name CA"'),
  reference: text('a PDB path relative to the package'),
  normalisation: z.discriminatedUnion(
    'kind',
    [closedObject({ kind: z.literal('box') }), closedObject({ kind: z.literal('fixed'), mean: statistic, std: statistic })],
    { error: "expected {kind: box} or {kind: fixed, mean, std}" },
  ),
  input: closedObject({
    name: text('the ONNX input name'),
    layout: z.enum(['points-first', 'channels-first'], { error: "expected 'points-first' or 'channels-first'" }),
  }),
  output: closedObject({
    name: text('the ONNX output name (the latent mean, e.g. mu)'),
    dims: z
      .array(z.int({ error: 'expected an integer >= 0' }).min(0, { error: 'expected an integer >= 0' }), {
        error: 'expected a list of latent dimensions',
      })
      .min(1, { error: 'expected at least one latent dimension' }),
  }),
  /** The basis-state set made for this model's system (bstates/<name>): what `we new --model` starts walkers from. */
  basis_states: text('the name of a basis-state set, e.g. chignolin').optional(),
  provenance: closedObject({
    training_data: text('what the model was trained on'),
    command: text('the command that trained it'),
    epochs: z.int({ error: 'expected an integer' }).min(0, { error: 'expected an integer >= 0' }),
    final_loss: z.number({ error: 'expected a number' }),
    date: text('the training date'),
    objective: z.string().optional(),
    latent: z.string().optional(),
    notes: z.string().optional(),
  }),
});

export type ModelYaml = z.infer<typeof modelYamlSchema>;

export interface ModelYamlSource {
  model: ModelYaml;
  source: YamlSource;
}

/** `shown` is how the file is named in messages (e.g. `models/bba-aae/model.yaml`). */
export async function readModelYaml(path: string, shown: string): Promise<ModelYamlSource> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (e) {
    const reason = failureReason(e);
    throw new WeError(`cannot read the model description (${reason}); a model package holds model.onnx and model.yaml`, shown);
  }
  const source = YamlSource.parse(raw, shown);
  const parsed = modelYamlSchema.safeParse(source.value);
  if (!parsed.success) throw configError(schemaProblems(parsed.error.issues, source));
  return { model: parsed.data, source };
}
