/** The `propagator.options` of the executable propagator, validated; keys are snake_case as users write them. */
import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { configError, fieldPath, type ConfigProblem } from '../../../core/config/config-error.js';

const datasetName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _ (it becomes WEST_<NAME>_RETURN)')
  .refine((name) => name.toLowerCase() !== 'pcoord', 'pcoord is always returned; list only extra datasets');

const schema = z.strictObject({
  runseg: z.string().min(1),
  get_pcoord: z.string().min(1).optional(),
  segment_ref: z.string().min(1).default('traj_segs/{iter:06d}/{seg:06d}'),
  bstate_ref: z.string().min(1).default('bstates/{auxref}'),
  istate_ref: z.string().min(1).default('istates/{istate}'),
  timeout: z.number().positive().optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  datasets: z.array(datasetName).default([]),
  pcoord_from: z.enum(['script', 'trajectory']).default('script'),
  trajectory: z.string().min(1).optional(),
  bstate_structure: z.string().min(1).default('bstate.pdb'),
  logs: z.string().min(1).default('seg_logs'),
});

export type ExecutableOptions = z.infer<typeof schema>;

export const OPTIONS_FIELD = 'propagator.options';

/** Throws a WeError naming `propagator.options.<key>` in `file` (the we.yaml) for every problem found. */
export function parseExecutableOptions(raw: Record<string, unknown>, file: string): ExecutableOptions {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const known = Object.keys(schema.shape);
    const problems: ConfigProblem[] = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            file,
            field: `${OPTIONS_FIELD}.${key}`,
            message: `unknown option (did you mean '${closest(key, known)}'?)`,
          }))
        : [{ file, field: fieldPath([OPTIONS_FIELD, ...issue.path]), message: issue.message }],
    );
    throw configError(problems);
  }
  const options = parsed.data;
  if (options.pcoord_from === 'trajectory' && options.trajectory === undefined) {
    throw configError([
      {
        file,
        field: `${OPTIONS_FIELD}.trajectory`,
        message: "expected the trajectory file name (e.g. seg.dcd) because pcoord_from is 'trajectory'",
      },
    ]);
  }
  return options;
}
