/**
 * The `propagator.options` of the executable propagator (WESTPA's executable propagator section): one
 * schema, which config loading (through plugins/catalog.ts) and the factory both validate with. Keys are
 * snake_case as users write them.
 */
import * as z from 'zod';
import { closedObject } from '../../../core/config/closed-object.js';
import { parsePluginOptions } from '../../options.js';

export const OPTIONS_FIELD = 'propagator.options';

const DEFAULT_SEGMENT_REF = 'traj_segs/{iter:06d}/{seg:06d}';

const path = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what} (not empty)` });

const datasetName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a name of letters, digits and _ (it becomes WEST_<NAME>_RETURN)')
  .refine((name) => name.toLowerCase() !== 'pcoord', 'pcoord is always returned; list only extra datasets');

const staging = closedObject({
  local_root: path('a directory')
    .optional()
    .describe('Node-local base directory segments run in; `$VAR` and `~` are expanded (default: $TMPDIR, else /tmp).'),
  stage: z
    .array(path('a path'))
    .default([])
    .describe('Paths relative to the simulation root copied to each node once per run (scripts, inputs, environments).'),
  keep: z
    .array(path('a file name'))
    .default([])
    .describe(
      'File names (`*`, `?` allowed) also copied to the shared traj_segs/NNNNNN/SSSSSS/, for the next iteration’s WEST_PARENT_DATA_REF (restart files).',
    ),
}).describe(
  "Node-local execution: segments run under local_root and each node's outputs are packed after every iteration into traj_segs/iter_NNNNNN.<host>.tar with an offset index. Absent: segments run in the shared segment_ref.",
);

export const executableOptions = closedObject({
  runseg: path('a path to the run script').describe(
    "The run script each segment runs (WESTPA's runseg.sh), relative to the simulation root, with WESTPA's WEST_* environment.",
  ),
  get_pcoord: path('a path to a script')
    .optional()
    .describe("Script printing a basis state's pcoord into WEST_PCOORD_RETURN (WESTPA's get_pcoord), for basis states with none inline."),
  source: path('a path to a script')
    .optional()
    .describe(
      "A bash script (WESTPA's env.sh) sourced once in the simulation root when the propagator starts; the variables it exports reach every script of the run (runseg, get_pcoord, pre_iteration, post_iteration), as a job script's `source env.sh` before w_run. `env` entries override them.",
    ),
  pre_iteration: path('a path to a script')
    .optional()
    .describe(
      "Script run by the driver before each iteration is propagated (WESTPA's executable.pre_iteration), in the simulation root with WEST_SIM_ROOT, WEST_CURRENT_ITER, WEST_RAND* and `source`/`env`; a failure stops the run. Runs again when a resumed run redoes that iteration.",
    ),
  post_iteration: path('a path to a script')
    .optional()
    .describe(
      "Script run by the driver after each iteration is durable (WESTPA's executable.post_iteration), with the environment of pre_iteration; a failure stops the run and `we run` runs it again first. Runs at least once per iteration, also across a kill (the last iteration it finished is kept in we-hooks.json).",
    ),
  segment_log: path('a template')
    .optional()
    .describe(
      "Path template of each segment's log, with {iter} and {seg} fields as in segment_ref (WESTPA's executable.propagator.stdout, e.g. seg_logs/{iter:06d}-{seg:06d}.log). Default: <logs>/iter_{iter:06d}_seg_{seg:06d}.log.",
    ),
  segment_ref: path('a template')
    .default(DEFAULT_SEGMENT_REF)
    .describe('Directory of each segment (WEST_CURRENT_SEG_DATA_REF), a template of {iter} and {seg}, relative to the simulation root.'),
  bstate_ref: path('a template')
    .optional()
    .describe(
      "Directory of a basis state (WEST_BSTATE_DATA_REF), a template of {auxref} and {bstate}; default: {auxref} in the basis states' folder (bstates/, basis_states.folder, or the set's folder).",
    ),
  istate_ref: path('a template')
    .default('istates/{istate}')
    .describe('Directory of an initial state (WEST_ISTATE_DATA_REF), a template of {istate}, {bstate}, {auxref} and {iter_created} (also written as west.cfg\'s {initial_state.state_id}, {initial_state.iter_created}).'),
  timeout: z
    .number()
    .positive()
    .optional()
    .describe("Seconds a script may run before its process group is killed and the attempt fails (default: no limit)."),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, a number or true/false' }))
    .default({})
    .describe("Environment variables for every script (WESTPA's executable.environ)."),
  datasets: z
    .array(datasetName)
    .default([])
    .describe('Extra datasets each segment returns, each through WEST_<NAME>_RETURN, stored as auxdata/<name> in west.h5.'),
  pcoord_from: z
    .enum(['script', 'trajectory'])
    .default('script')
    .describe(
      "'script': the script writes WEST_PCOORD_RETURN; 'trajectory': we computes the pcoord from the trajectory the script leaves, with the progress_coordinate plugin.",
    ),
  trajectory: path('a file name')
    .optional()
    .describe("The trajectory file a segment's script leaves in its directory (e.g. seg.dcd); needed with pcoord_from: trajectory."),
  bstate_structure: path('a file name')
    .default('bstate.pdb')
    .describe("The structure file in each basis state's directory that the progress_coordinate model embeds at init."),
  logs: path('a directory')
    .default('seg_logs')
    .describe("Directory of each segment's log (iter_NNNNNN_seg_NNNNNN.log), relative to the simulation root."),
  launcher: path("a Python command or 'none'")
    .default('python3')
    .describe(
      "The Python (>= 3.8, standard library) running the per-slot script launchers, or 'none' to start scripts from the engine process.",
    ),
  staging: staging.optional(),
}).superRefine((options, ctx) => {
  if (options.pcoord_from === 'trajectory' && options.trajectory === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['trajectory'],
      message: "expected the trajectory file name (e.g. seg.dcd) because pcoord_from is 'trajectory'",
    });
  }
  if (options.staging && options.segment_ref !== DEFAULT_SEGMENT_REF) {
    ctx.addIssue({
      code: 'custom',
      path: ['segment_ref'],
      message: `staging lays segments out as ${DEFAULT_SEGMENT_REF} (node-local, and the kept files on the shared file system); remove segment_ref or staging`,
    });
  }
}).describe("Runs a WESTPA run script per segment, with WESTPA's environment (WEST_SIM_ROOT, WEST_CURRENT_SEG_DATA_REF, WEST_PCOORD_RETURN, …).");

export type ExecutableOptions = z.output<typeof executableOptions>;

/** Throws a WeError naming `propagator.options.<key>` in `file` (the we.yaml) for every problem found. */
export function parseExecutableOptions(raw: Record<string, unknown>, file: string): ExecutableOptions {
  return parsePluginOptions(executableOptions, raw, file, OPTIONS_FIELD);
}
