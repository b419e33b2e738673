/**
 * The shape of we.yaml (snake_case, as written). Messages of leaf checks start with "expected …": the issue
 * formatter appends what was found. Cross-field rules live in consistency.ts.
 */
import { availableParallelism } from 'node:os';
import * as z from 'zod';
import { checkConsistency } from './consistency.js';
import { edgeCount, firstNonIncreasing, generateEdges, MAX_GENERATED_EDGES } from './edges.js';
import { describeValue } from './config-error.js';
import type { BinMapperConfig } from './types.js';
import { unknownKeysMessage } from './unknown-keys.js';
import { parseWallclock } from './wallclock.js';

/** A mapping that rejects keys it does not know, naming the closest known one. */
function closedObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}

function intAtLeast(min: number, wording = `an integer >= ${min}`) {
  const error = `expected ${wording}`;
  return z.int({ error }).min(min, { error });
}

const finite = z.number({ error: 'expected a number' });
const positive = z.number({ error: 'expected a number > 0' }).positive({ error: 'expected a number > 0' });
const nonNegative = z.number({ error: 'expected a number >= 0' }).min(0, { error: 'expected a number >= 0' });
const flag = z.boolean({ error: 'expected true or false' });
const nonEmptyString = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what} (not empty)` });
/** Labels and auxrefs are strings in WESTPA; YAML turns an unquoted 0 into a number, so take integers too. */
const nameOrNumber = (what: string) =>
  z
    .union([z.string().min(1, { error: `expected a non-empty ${what}` }), z.int()], {
      error: `expected a ${what} (string or integer)`,
    })
    .transform(String);
const label = nameOrNumber('label');
const options = z.record(z.string(), z.unknown(), { error: 'expected a mapping of options' }).default({});
const pointOf = (what: string) => z.array(finite, { error: `expected a list of ${what}` });

const edge = z.union(
  [z.number(), z.literal(Infinity), z.literal(-Infinity), z.enum(['inf', '+inf', '-inf'])],
  { error: "expected a number, .inf, -.inf, 'inf' or '-inf'" },
).transform((value) => (typeof value === 'number' ? value : value === '-inf' ? -Infinity : Infinity));

const edgeList = z
  .array(edge, { error: 'expected a list of bin edges' })
  .min(2, { error: 'expected at least 2 edges' })
  .superRefine((edges, ctx) => {
    const i = firstNonIncreasing(edges);
    if (i >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `edges must be strictly increasing, but ${describeValue(edges[i])} follows ${describeValue(edges[i - 1])}`,
      });
    }
  });

const edgeRange = closedObject({
  start: finite,
  stop: finite,
  step: positive,
  underflow: flag.default(false),
  overflow: flag.default(false),
})
  .superRefine((range, ctx) => {
    // zod runs this even after `step` failed its own check; counting edges needs a positive step.
    if (!(range.step > 0)) return;
    const n = edgeCount(range) + Number(range.underflow) + Number(range.overflow);
    if (range.stop < range.start) {
      ctx.addIssue({ code: 'custom', path: ['stop'], message: `stop (${range.stop}) is below start (${range.start})` });
    } else if (n < 2) {
      ctx.addIssue({ code: 'custom', message: `this range gives ${n} edge(s); a dimension needs at least 2` });
    } else if (n > MAX_GENERATED_EDGES) {
      ctx.addIssue({ code: 'custom', message: `this range gives ${n} edges; at most ${MAX_GENERATED_EDGES} are allowed` });
    }
  })
  .transform(generateEdges);

const boundaryDim = z.union([edgeList, edgeRange], {
  error: 'expected a list of edges or a mapping {start, stop, step}',
});

export const mapperSchema: z.ZodType<BinMapperConfig, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    closedObject({
      type: z.literal('rectilinear'),
      boundaries: z
        .array(boundaryDim, { error: 'expected a list with one list of edges per dimension' })
        .min(1, { error: 'expected at least one dimension' }),
    }),
    closedObject({
      type: z.literal('recursive'),
      outer: mapperSchema,
      inner: z.array(closedObject({ at: pointOf('coordinates'), mapper: mapperSchema }), {
        error: 'expected a list of {at, mapper}',
      }),
    }),
    closedObject({
      type: z.literal('mab'),
      nbins: z.array(intAtLeast(1), { error: 'expected a list of bin counts' }),
      direction: z.array(intAtLeast(-1, '-1, 0 or 1').max(1, { error: 'expected -1, 0 or 1' }), {
        error: 'expected a list of -1, 0 or 1',
      }).optional(),
      bottleneck: flag.default(true),
      leading: flag.default(true),
    }).transform((mab) => ({ ...mab, direction: mab.direction ?? mab.nbins.map(() => 0) })),
    closedObject({
      type: z.literal('module'),
      path: nonEmptyString('a path to a JavaScript module'),
      export: nonEmptyString('an export name').default('default'),
      options,
    }).transform(({ export: exportName, ...rest }) => ({ ...rest, exportName })),
  ]),
);

const pluginChoice = closedObject({ name: nonEmptyString('a plugin name'), options });

const inlineBasisState = closedObject({
  label,
  probability: nonNegative,
  auxref: nameOrNumber('auxref').default(''),
  pcoord: pointOf('pcoord values').optional(),
});

const basisStatesFile = closedObject({
  file: nonEmptyString('a path to a BASIS_STATES file'),
  /** Each auxref must then name a folder <folder>/<auxref>. */
  require_folders: flag.default(true),
  /** Folder holding the auxref folders; default bstates/ next to we.yaml. */
  folder: nonEmptyString('a folder path').optional(),
});

/** A shipped or shared set by name (see core/named-resources.ts), or a path to a folder like WESTPA's bstates/. */
const basisStateSet = closedObject({
  set: nonEmptyString('a basis-state set name (e.g. chignolin) or the path of a folder holding BASIS_STATES'),
});

const inlineTargetState = closedObject({ label, pcoord: pointOf('pcoord values') });

const targetStatesFile = closedObject({ file: nonEmptyString('a path to a TSTATE file') });

const wallclock = z.string({ error: "expected a duration 'HH:MM:SS' or 'D-HH:MM:SS'" }).transform((text, ctx) => {
  const seconds = parseWallclock(text);
  if (seconds === undefined || seconds === 0) {
    ctx.addIssue({ code: 'custom', input: text, message: "expected a duration 'HH:MM:SS' or 'D-HH:MM:SS' above zero" });
    return z.NEVER;
  }
  return seconds;
});

const resampling = closedObject({
  name: nonEmptyString('a resampler name').default('bins'),
  smallest_allowed_weight: positive.default(1e-300),
  largest_allowed_weight: positive.max(1, { error: 'expected a number in (0, 1]' }).default(1),
}).superRefine((r, ctx) => {
  if (r.smallest_allowed_weight >= r.largest_allowed_weight) {
    ctx.addIssue({
      code: 'custom',
      path: ['smallest_allowed_weight'],
      message: `${r.smallest_allowed_weight} is not below largest_allowed_weight (${r.largest_allowed_weight})`,
    });
  }
});

/** What one allocation asks SLURM for; `sbatch` holds any further options (a QOS, a GPU request, `--clusters`). */
const allocationFields = {
  partition: nonEmptyString('a partition name').optional(),
  account: nonEmptyString('an account name').optional(),
  nodes: intAtLeast(1).optional(),
  time: wallclock.optional(),
  sbatch: z
    .array(z.string().regex(/^-/, { error: "expected an sbatch option starting with '-', such as --qos=high" }), {
      error: 'expected a list of sbatch options',
    })
    .default([]),
};

const cluster = closedObject({
  ...allocationFields,
  /** `local`, `redis` (scripts/slurm/<name>.sh) or the path of a template of the user's own. */
  template: nonEmptyString("'local', 'redis' or the path of a batch script template").default('local'),
  /** Allocations in a row that may fail before the chain gives up (1: no resubmission). */
  tries: intAtLeast(1).default(3),
  /** Time kept back from each allocation's limit for `we run` to stop and write; default min(5 min, 10%). */
  margin: wallclock.optional(),
  profiles: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a profile name of letters, digits, _ . -' }),
      closedObject(allocationFields),
      { error: 'expected a mapping of profile names to {partition, account, nodes, time, sbatch}' },
    )
    .default({}),
});

export const weYamlObject = closedObject({
  pcoord: closedObject({
    ndim: intAtLeast(1),
    // Row 0 repeats the parent's last point, so a segment that moves needs at least one more row.
    len: intAtLeast(2),
    dtype: z.enum(['float32', 'float64'], { error: "expected 'float32' or 'float64'" }).default('float32'),
  }),
  binning: closedObject({
    mapper: mapperSchema,
    target_counts: z.union([intAtLeast(1), z.array(intAtLeast(0)).min(1)], {
      error: 'expected a positive integer or a list of integers (one per bin)',
    }),
  }),
  basis_states: z.union(
    [z.array(inlineBasisState).min(1, { error: 'expected at least one basis state' }), basisStatesFile, basisStateSet],
    { error: 'expected a list of basis states, a mapping {file: BASIS_STATES} or a mapping {set: NAME}' },
  ),
  target_states: z
    .union([z.array(inlineTargetState), targetStatesFile], {
      error: 'expected a list of target states or a mapping {file: TSTATE}',
    })
    .nullish(),
  propagator: pluginChoice,
  progress_coordinate: pluginChoice.optional(),
  work_manager: closedObject({
    name: nonEmptyString('a work manager name').default('local'),
    slots: intAtLeast(1).default(() => availableParallelism()),
    retries: intAtLeast(0).default(2),
    options,
  }).prefault({}),
  store: closedObject({
    name: nonEmptyString('a store name').default('westh5'),
    path: nonEmptyString('a file path').default('west.h5'),
    options,
  }).prefault({}),
  resampling: resampling.prefault({}),
  max_iterations: intAtLeast(1),
  max_wallclock: wallclock.optional(),
  seed: intAtLeast(0, 'an integer from 0 to 2^53-1'),
  cluster: cluster.optional(),
});

export type WeYaml = z.output<typeof weYamlObject>;

export const weYamlSchema = weYamlObject.superRefine(checkConsistency);
