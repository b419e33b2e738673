/** The `progress_coordinate.options` of the `onnx` progress coordinate. */
import * as z from 'zod';
import { closedObject } from '../../core/config/closed-object.js';

export const onnxOptions = closedObject({
  model: z
    .string({ error: 'expected a model package name or directory' })
    .min(1, { error: 'expected a model package name or directory (not empty)' })
    .describe(
      "A model package (model.yaml, model.onnx, reference.pdb) by name (the simulation's models/, WE_MODEL_PATH, then the installation's models/: `we models` lists them) or its directory, relative to the simulation root.",
    ),
  threads: z
    .int()
    .positive()
    .default(1)
    .describe('Inference threads per worker; on GPU nodes, where MD leaves the CPUs idle, up to the cores per slot.'),
}).describe(
  "An encoder model package turning frames into pcoords: the selection aligned to the model's reference, its normalisation, the encoder mean's chosen dimensions (see models/README.md).",
);
