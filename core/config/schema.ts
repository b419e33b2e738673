/**
 * The shape of we.yaml (snake_case, as written), and the one source of its reference: every key's
 * `.describe()` text is what docs/we-yaml.md and the JSON Schema say it means (`npm run docs`). Messages of
 * leaf checks start with "expected …": the issue formatter appends what was found. Cross-field rules live in
 * consistency.ts.
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
const options = z
  .record(z.string(), z.unknown(), { error: 'expected a mapping of options' })
  .default({})
  .describe("The plugin's options (see its section below).");
const pointOf = (what: string) => z.array(finite, { error: `expected a list of ${what}` });

const edge = z
  .union([z.number(), z.literal(Infinity), z.literal(-Infinity), z.enum(['inf', '+inf', '-inf'])], {
    error: "expected a number, .inf, -.inf, 'inf' or '-inf'",
  })
  .transform((value) => (typeof value === 'number' ? value : value === '-inf' ? -Infinity : Infinity))
  .describe("A bin edge: a number, or YAML's .inf / -.inf (also the strings 'inf', '-inf').");

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
  start: finite.describe('The first edge.'),
  stop: finite.describe('The last edge (included when a whole number of steps from start, as numpy.arange(start, stop + step/2, step)).'),
  step: positive.describe('The distance between edges.'),
  underflow: flag.default(false).describe('Add a -inf edge before start, so points below it still fall in a bin.'),
  overflow: flag.default(false).describe('Add a +inf edge after the last one.'),
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

const boundaryDim = z
  .union([edgeList.describe('The edges, strictly increasing.'), edgeRange.describe('Evenly spaced edges.')], {
    error: 'expected a list of edges or a mapping {start, stop, step}',
  })
  .describe('One dimension\'s bin edges: a list, or {start, stop, step} for evenly spaced ones.');

export const mapperSchema: z.ZodType<BinMapperConfig, unknown> = z.lazy(() =>
  z
    .discriminatedUnion('type', [
      closedObject({
        type: z.literal('rectilinear'),
        boundaries: z
          .array(boundaryDim, { error: 'expected a list with one list of edges per dimension' })
          .min(1, { error: 'expected at least one dimension' })
          .describe('One entry per pcoord dimension; bins are the cells of the grid, the last dimension fastest (as WESTPA).'),
      }).describe("A grid of bins (WESTPA's RectilinearBinMapper)."),
      closedObject({
        type: z.literal('recursive'),
        outer: mapperSchema.describe('The mapper of the whole space.'),
        inner: z
          .array(
            closedObject({
              at: pointOf('coordinates').describe('A point in the outer bin to replace.'),
              mapper: mapperSchema.describe('The mapper that bins that outer bin.'),
            }),
            { error: 'expected a list of {at, mapper}' },
          )
          .describe('Outer bins replaced by finer mappers, each named by a point inside it.'),
      }).describe("Bins within bins (WESTPA's RecursiveBinMapper)."),
      closedObject({
        type: z.literal('mab'),
        nbins: z.array(intAtLeast(1), { error: 'expected a list of bin counts' }).describe('Bins per dimension, between the current extremes.'),
        direction: z
          .array(intAtLeast(-1, '-1, 0 or 1').max(1, { error: 'expected -1, 0 or 1' }), {
            error: 'expected a list of -1, 0 or 1',
          })
          .optional()
          .describe('Per dimension, where progress lies: 1 increasing, -1 decreasing, 0 both (default: all 0).'),
        bottleneck: flag.default(true).describe('Give the walkers behind the largest weight drop a bin of their own.'),
        leading: flag.default(true).describe('Give the leading walker of each direction a bin of its own.'),
      })
        .transform((mab) => ({ ...mab, direction: mab.direction ?? mab.nbins.map(() => 0) }))
        .describe("Minimal adaptive binning (WESTPA 2's MAB): bins placed each iteration from where the walkers are."),
      closedObject({
        type: z.literal('module'),
        path: nonEmptyString('a path to a JavaScript module').describe('The module, relative to the simulation root.'),
        export: nonEmptyString('an export name').default('default').describe('The export: a class or factory of a mapper with nbins, ndim, assign and describe.'),
        options: options.describe('Passed to the class or factory.'),
      })
        .transform(({ export: exportName, ...rest }) => ({ ...rest, exportName }))
        .describe("A user's JavaScript bin mapper."),
    ])
    .meta({ id: 'bin_mapper', description: 'A bin mapper, chosen by `type`.' }),
);

/**
 * The refinement checking a plugin choice against the catalog's plugins for `field`; none without a catalog
 * (then the factory's own validation, at run time, is the only check).
 */
function checkedAgainst(catalog: PluginCatalog | undefined, field: PluginField) {
  return catalog ? pluginCheck(catalog[field]) : () => {};
}

function pluginChoice(catalog: PluginCatalog | undefined, field: PluginField) {
  return closedObject({ name: nonEmptyString('a plugin name').describe('The plugin.'), options }).superRefine(
    checkedAgainst(catalog, field),
  );
}

const inlineBasisState = closedObject({
  label: label.describe('The basis state\'s name.'),
  probability: nonNegative.describe('Its share of the initial weight (normalised over all basis states).'),
  auxref: nameOrNumber('auxref')
    .default('')
    .describe("Names its data (WESTPA's auxref): bstate_ref's {auxref}, by default the folder bstates/<auxref>."),
  pcoord: pointOf('pcoord values')
    .optional()
    .describe("Its progress coordinate (pcoord.ndim values); without it, init computes one (the model, or the propagator's get_pcoord)."),
});

const basisStatesFile = closedObject({
  file: nonEmptyString('a path to a BASIS_STATES file').describe(
    "A WESTPA BASIS_STATES file (lines 'label probability auxref'), relative to the simulation root.",
  ),
  require_folders: flag.default(true).describe('Each auxref must name a folder <folder>/<auxref> (a typo then fails at load).'),
  folder: nonEmptyString('a folder path').optional().describe("The folder holding the auxref folders (default: bstates beside we.yaml)."),
});

/** A shipped or shared set by name (see core/named-resources.ts), or a path to a folder like WESTPA's bstates/. */
const basisStateSet = closedObject({
  set: nonEmptyString('a basis-state set name (e.g. chignolin) or the path of a folder holding BASIS_STATES').describe(
    "A basis-state set by name (the simulation's bstates/, WE_BSTATES_PATH, then the installation's bstates/: `we models` lists them) or the path of a folder holding BASIS_STATES and its auxref folders.",
  ),
});

const inlineTargetState = closedObject({
  label: label.describe("The target state's name."),
  pcoord: pointOf('pcoord values').describe('A point in it: walkers ending in the bin of this point are recycled.'),
});

const targetStatesFile = closedObject({
  file: nonEmptyString('a path to a TSTATE file').describe("A WESTPA TSTATE file (lines 'label pcoord…'), relative to the simulation root."),
});

const wallclock = z.string({ error: "expected a duration 'HH:MM:SS' or 'D-HH:MM:SS'" }).transform((text, ctx) => {
  const seconds = parseWallclock(text);
  if (seconds === undefined || seconds === 0) {
    ctx.addIssue({ code: 'custom', input: text, message: "expected a duration 'HH:MM:SS' or 'D-HH:MM:SS' above zero" });
    return z.NEVER;
  }
  return seconds;
});

const resampling = closedObject({
  name: nonEmptyString('a resampler name').default('bins').describe("The resampler: 'bins' (WESTPA's we_driver: split and merge per bin to the target count)."),
  smallest_allowed_weight: positive.default(1e-300).describe('No split makes a walker lighter than this.'),
  largest_allowed_weight: positive
    .max(1, { error: 'expected a number in (0, 1]' })
    .default(1)
    .describe('Walkers heavier than this are split, and no merge makes one heavier.'),
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
  partition: nonEmptyString('a partition name').optional().describe('The SLURM partition (sbatch --partition).'),
  account: nonEmptyString('an account name').optional().describe('The account charged (sbatch --account).'),
  nodes: intAtLeast(1).optional().describe('Nodes per allocation (sbatch --nodes; default 1).'),
  time: wallclock.optional().describe("Each allocation's time limit, 'HH:MM:SS' or 'D-HH:MM:SS' (sbatch --time)."),
  sbatch: z
    .array(z.string().regex(/^-/, { error: "expected an sbatch option starting with '-', such as --qos=high" }), {
      error: 'expected a list of sbatch options',
    })
    .default([])
    .describe('Further sbatch options, each starting with - (a QOS, a GPU request, --clusters).'),
};

const cluster = closedObject({
  ...allocationFields,
  template: nonEmptyString("'local', 'redis' or the path of a batch script template")
    .default('local')
    .describe("The batch script: 'local' (we run with the local work manager), 'redis' (a Redis server, the driver and a we worker per node; scripts/slurm/<name>.sh), or the path of a template of your own."),
  tries: intAtLeast(1).default(3).describe('Allocations in a row that may fail before the chain gives up (1: no resubmission).'),
  margin: wallclock
    .optional()
    .describe("Time kept back from each allocation's limit for `we run` to stop and write (default: min(5 min, 10% of the limit))."),
  profiles: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected a profile name of letters, digits, _ . -' }),
      closedObject(allocationFields),
      { error: 'expected a mapping of profile names to {partition, account, nodes, time, sbatch}' },
    )
    .default({})
    .describe('Named allocation shapes (`we submit --profile NAME`), each with partition, account, nodes, time, sbatch.'),
}).describe('How `we submit` runs the simulation as a chain of SLURM allocations.');

/** The number of cores, as `work_manager.slots` defaults to on the machine that loads we.yaml. */
export const SLOTS_DEFAULT_TEXT = 'the number of cores';

/** we.yaml's shape; with `catalog`, plugin names and options are checked too. */
export function weYamlObject(catalog?: PluginCatalog) {
  return closedObject({
    pcoord: closedObject({
      ndim: intAtLeast(1).describe('Dimensions of the progress coordinate.'),
      // Row 0 repeats the parent's last point, so a segment that moves needs at least one more row.
      len: intAtLeast(2).describe("Points per segment, row 0 (the parent's last point) included (WESTPA's pcoord_len)."),
      dtype: z
        .enum(['float32', 'float64'], { error: "expected 'float32' or 'float64'" })
        .default('float32')
        .describe('How pcoords are stored in west.h5 (and rounded before the next segment starts from them).'),
    }).describe('The progress coordinate.'),
    binning: closedObject({
      mapper: mapperSchema.describe('How pcoords map to bins: a bin mapper, chosen by its `type` (below).'),
      target_counts: z
        .union([intAtLeast(1), z.array(intAtLeast(0)).min(1)], {
          error: 'expected a positive integer or a list of integers (one per bin)',
        })
        .describe("Walkers per occupied bin after resampling: one number for every bin, or a list with one per bin (WESTPA's bin_target_counts)."),
    }).describe('How walkers are binned and how many each bin keeps.'),
    basis_states: z
      .union([z.array(inlineBasisState).min(1, { error: 'expected at least one basis state' }), basisStatesFile, basisStateSet], {
        error: 'expected a list of basis states, a mapping {file: BASIS_STATES} or a mapping {set: NAME}',
      })
      .describe('Where walkers start, and restart when recycled: a list, {file: BASIS_STATES} or {set: NAME}.'),
    target_states: z
      .union([z.array(inlineTargetState), targetStatesFile], {
        error: 'expected a list of target states or a mapping {file: TSTATE}',
      })
      .nullish()
      .describe('Walkers ending in the bin of a target state are recycled into a basis state and their weight counted as flux: a list, or {file: TSTATE}. Omit for none.'),
    propagator: pluginChoice(catalog, 'propagator').describe('What moves segments forward: `odld` or `go-model` (in process) or `executable` (a run script per segment).'),
    progress_coordinate: pluginChoice(catalog, 'progress_coordinate')
      .optional()
      .describe('A model turning structures into pcoords (`onnx`), for basis states without one and for pcoord_from: trajectory.'),
    work_manager: closedObject({
      name: nonEmptyString('a work manager name').default('local').describe('The work manager.'),
      slots: intAtLeast(1)
        .default(() => availableParallelism())
        .meta({ description: 'Segments (tasks) run at the same time: one per GPU or core.', 'x-default': SLOTS_DEFAULT_TEXT }),
      retries: intAtLeast(0).default(2).describe('Attempts after the first before a failing segment stops the run.'),
      options,
    })
      .superRefine(checkedAgainst(catalog, 'work_manager'))
      .prefault({})
      .describe('Where and how many segments run at once.'),
    store: closedObject({
      name: nonEmptyString('a store name').default('westh5').describe('The store.'),
      path: nonEmptyString('a file path').default('west.h5').describe('The data file, relative to the simulation root.'),
      options,
    })
      .superRefine(checkedAgainst(catalog, 'store'))
      .prefault({})
      .describe("Where the run's record is kept: `westh5`, WESTPA's west.h5 (file format 9)."),
    resampling: resampling.prefault({}).describe('How each bin is brought to its target count.'),
    max_iterations: intAtLeast(1).describe("The last iteration `we run` runs (WESTPA's max_total_iterations; `we run --max-iter` overrides it)."),
    max_wallclock: wallclock
      .optional()
      .describe("'HH:MM:SS' or 'D-HH:MM:SS' (as SLURM writes it): `we run` stops before the next iteration would pass it (`--max-wallclock` overrides it)."),
    seed: intAtLeast(0, 'an integer from 0 to 2^53-1').describe('Seeds every random stream: the same seed gives the same run, also across resumes.'),
    cluster: cluster.optional(),
  });
}

export type WeYaml = z.output<ReturnType<typeof weYamlObject>>;

/** The whole check of we.yaml: its shape, the plugins (with `catalog`), and the rules across fields. */
export function weYamlSchema(catalog?: PluginCatalog) {
  return weYamlObject(catalog).superRefine(checkConsistency);
}
