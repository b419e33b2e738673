/** The `propagator.options` of the executable propagator, validated; keys are snake_case as users write them. */
import { closest } from 'fastest-levenshtein';
import { z } from 'zod';
import { configError, fieldPath, type ConfigProblem } from '../../../core/config/config-error.js';

const datasetName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _ (it becomes WEST_<NAME>_RETURN)')
  .refine((name) => name.toLowerCase() !== 'pcoord', 'pcoord is always returned; list only extra datasets');

/** Node-local execution (see plugins/staging/node-local.ts); absent: segments run in the shared segment_ref. */
const staging = z.strictObject({
  /** Node-local base directory; `$VAR` and `~` are expanded. Default $TMPDIR or /tmp. */
  local_root: z.string().min(1).optional(),
  /** Paths relative to the simulation root copied to each node once per run. */
  stage: z.array(z.string().min(1)).default([]),
  /** File names (`*`, `?` allowed) copied individually to the shared segment directory for the next iteration. */
  keep: z.array(z.string().min(1)).default([]),
});

const DEFAULT_SEGMENT_REF = 'traj_segs/{iter:06d}/{seg:06d}';

const schema = z.strictObject({
  runseg: z.string().min(1),
  get_pcoord: z.string().min(1).optional(),
  segment_ref: z.string().min(1).default(DEFAULT_SEGMENT_REF),
  /** Default: {auxref} in the basis states' folder (bstates/, basis_states.folder, or the set's folder). */
  bstate_ref: z.string().min(1).optional(),
  istate_ref: z.string().min(1).default('istates/{istate}'),
  timeout: z.number().positive().optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  datasets: z.array(datasetName).default([]),
  pcoord_from: z.enum(['script', 'trajectory']).default('script'),
  trajectory: z.string().min(1).optional(),
  bstate_structure: z.string().min(1).default('bstate.pdb'),
  logs: z.string().min(1).default('seg_logs'),
  /** The Python running the script launchers (script-launcher.ts), or 'none' to start scripts from the engine. */
  launcher: z.string().min(1).default('python3'),
  staging: staging.optional(),
});

export type ExecutableOptions = z.infer<typeof schema>;

export const OPTIONS_FIELD = 'propagator.options';

/** Throws a WeError naming `propagator.options.<key>` in `file` (the we.yaml) for every problem found. */
export function parseExecutableOptions(raw: Record<string, unknown>, file: string): ExecutableOptions {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems: ConfigProblem[] = parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            file,
            field: fieldPath([OPTIONS_FIELD, ...issue.path, key]),
            message: `unknown option (did you mean '${closest(key, Object.keys((issue.path[0] === 'staging' ? staging : schema).shape))}'?)`,
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
  if (options.staging && options.segment_ref !== DEFAULT_SEGMENT_REF) {
    throw configError([
      {
        file,
        field: `${OPTIONS_FIELD}.segment_ref`,
        message: `staging lays segments out as ${DEFAULT_SEGMENT_REF} (node-local, and the kept files on the shared file system); remove segment_ref or staging`,
      },
    ]);
  }
  return options;
}
