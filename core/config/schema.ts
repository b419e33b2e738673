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
import { closedObject } from './closed-object.js';
import { pluginCheck, type PluginCatalog, type PluginField } from './plugin-catalog.js';
import { parseWallclock } from './wallclock.js';

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

/**
 * The refinement checking a plugin choice against the catalog's plugins for `field`; none without a catalog
 * (then the factory's own validation, at run time, is the only check).
 */
function checkedAgainst(catalog: PluginCatalog | undefined, field: PluginField) {
  return catalog ? pluginCheck(catalog[field]) : () => {};
}

function pluginChoice(catalog: PluginCatalog | undefined, field: PluginField) {
  return closedObject({ name: nonEmptyString('a plugin name'), options }).superRefine(checkedAgainst(catalog, field));
}

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

/** we.yaml's shape; with `catalog`, plugin names and options are checked too. */
export function weYamlObject(catalog?: PluginCatalog) {
  return closedObject({
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
      [z.array(inlineBasisState).min(1, { error: 'expected at least one basis state' }), basisStatesFile],
      { error: 'expected a list of basis states or a mapping {file: BASIS_STATES}' },
    ),
    target_states: z
      .union([z.array(inlineTargetState), targetStatesFile], {
        error: 'expected a list of target states or a mapping {file: TSTATE}',
      })
      .nullish(),
    propagator: pluginChoice(catalog, 'propagator'),
    progress_coordinate: pluginChoice(catalog, 'progress_coordinate').optional(),
    work_manager: closedObject({
      name: nonEmptyString('a work manager name').default('local'),
      slots: intAtLeast(1).default(() => availableParallelism()),
      retries: intAtLeast(0).default(2),
      options,
    })
      .superRefine(checkedAgainst(catalog, 'work_manager'))
      .prefault({}),
    store: closedObject({
      name: nonEmptyString('a store name').default('westh5'),
      path: nonEmptyString('a file path').default('west.h5'),
      options,
    })
      .superRefine(checkedAgainst(catalog, 'store'))
      .prefault({}),
    resampling: resampling.prefault({}),
    max_iterations: intAtLeast(1),
    max_wallclock: wallclock.optional(),
    seed: intAtLeast(0, 'an integer from 0 to 2^53-1'),
  });
}

export type WeYaml = z.output<ReturnType<typeof weYamlObject>>;

/** The whole check of we.yaml: its shape, the plugins (with `catalog`), and the rules across fields. */
export function weYamlSchema(catalog?: PluginCatalog) {
  return weYamlObject(catalog).superRefine(checkConsistency);
}
