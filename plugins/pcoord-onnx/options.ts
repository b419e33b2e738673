/** The `progress_coordinate.options` of the `onnx` progress coordinate. */
import * as z from 'zod';
import { closedObject } from '../../core/config/closed-object.js';

export const onnxOptions = closedObject({
  model: z
    .string({ error: 'expected a path to a model package directory' })
    .min(1, { error: 'expected a path to a model package directory (not empty)' })
    .describe('The model package directory (model.yaml, model.onnx, reference.pdb), relative to the simulation root.'),
  threads: z
    .int()
    .positive()
    .default(1)
    .describe('Inference threads per worker; on GPU nodes, where MD leaves the CPUs idle, up to the cores per slot.'),
}).describe(
  "An encoder model package turning frames into pcoords: the selection aligned to the model's reference, its normalisation, the encoder mean's chosen dimensions (see models/README.md).",
);
