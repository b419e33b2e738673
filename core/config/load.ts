/** Reads we.yaml into the RunConfig the engine runs from: validated, paths absolute, state files read. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { failureReason, WeError } from '../errors.js';
import { lookUp, type Located, type ResourceKind } from '../named-resources.js';
import type { BasisState, TargetState } from '../types.js';
import { configError, fieldPath } from './config-error.js';
import type { PluginCatalog } from './plugin-catalog.js';
import { schemaProblems } from './schema-problems.js';
import { weYamlSchema, type WeYaml } from './schema.js';
import { parseBasisStatesFile, parseTargetStatesFile, requireAuxrefFolders } from './state-files.js';
import { normalise } from './states.js';
import type { BinMapperConfig, ClusterConfig, RunConfig } from './types.js';
import { YamlSource } from './yaml-source.js';


class ConfigContext {
  readonly file: string;
  readonly simRoot: string;

  constructor(readonly source: YamlSource) {
    this.file = resolve(source.file);
    this.simRoot = dirname(this.file);
  }

  /** Relative paths in we.yaml are relative to the directory of we.yaml, not to the working directory. */
  locate(written: string): Located {
    return {
      abs: resolve(this.simRoot, written),
      shown: isAbsolute(written) ? written : join(dirname(this.source.file), written),
    };
  }

  /** A model package or basis-state set by name or path (core/named-resources.ts); `field` locates the error. */
  locateNamed(kind: ResourceKind, field: (string | number)[], written: string): Located {
    const lookup = lookUp(kind, written, this.simRoot);
    if ('found' in lookup) return lookup.found;
    throw configError([{ file: this.source.file, pos: this.source.positionOf(field), field: fieldPath(field), message: lookup.problem }]);
  }

  async readReferenced(field: (string | number)[], target: Located): Promise<string> {
    try {
      return await readFile(target.abs, 'utf8');
    } catch (e) {
      const reason = failureReason(e);
      throw configError([
        {
          file: this.source.file,
          pos: this.source.positionOf(field),
          field: fieldPath(field),
          message: `cannot read ${target.shown} (${reason})`,
        },
      ]);
    }
  }
}

function resolveMapperPaths(mapper: BinMapperConfig, ctx: ConfigContext): BinMapperConfig {
  switch (mapper.type) {
    case 'module':
      return { ...mapper, path: ctx.locate(mapper.path).abs };
    case 'recursive':
      return {
        ...mapper,
        outer: resolveMapperPaths(mapper.outer, ctx),
        inner: mapper.inner.map(({ at, mapper: m }) => ({ at, mapper: resolveMapperPaths(m, ctx) })),
      };
    default:
      return mapper;
  }
}

interface LoadedBasisStates {
  states: BasisState[];
  /** Holds the auxref folders. */
  dir: string;
}

async function loadBasisStates(spec: WeYaml['basis_states'], ctx: ConfigContext): Promise<LoadedBasisStates> {
  if (Array.isArray(spec)) {
    const probabilities = normalise(spec.map((s) => s.probability));
    const states = spec.map((s, i) => ({
      label: s.label,
      probability: probabilities[i],
      auxref: s.auxref,
      ...(s.pcoord ? { pcoord: s.pcoord } : {}),
    }));
    return { states, dir: ctx.locate('bstates').abs };
  }
  if ('set' in spec) {
    const set = ctx.locateNamed('bstates', ['basis_states', 'set'], spec.set);
    // A set is a folder of structures by construction: every state needs its folder.
    const file = { abs: join(set.abs, 'BASIS_STATES'), shown: join(set.shown, 'BASIS_STATES') };
    return readBasisStates(ctx, ['basis_states', 'set'], file, set, true);
  }
  return readBasisStates(ctx, ['basis_states', 'file'], ctx.locate(spec.file), ctx.locate(spec.folder ?? 'bstates'), spec.require_folders);
}

/** A BASIS_STATES file (`field` names it in we.yaml) whose auxrefs name folders in `folder`. */
async function readBasisStates(
  ctx: ConfigContext,
  field: (string | number)[],
  file: Located,
  folder: Located,
  requireFolders: boolean,
): Promise<LoadedBasisStates> {
  const rows = parseBasisStatesFile(await ctx.readReferenced(field, file), file.shown);
  if (requireFolders) await requireAuxrefFolders(rows, file.shown, folder.abs, folder.shown);
  const probabilities = normalise(rows.map((r) => r.probability));
  return { states: rows.map((r, i) => ({ label: r.label, probability: probabilities[i], auxref: r.auxref })), dir: folder.abs };
}

async function loadTargetStates(cfg: WeYaml, ctx: ConfigContext): Promise<TargetState[]> {
  const spec = cfg.target_states;
  if (spec === undefined || spec === null) return [];
  if (Array.isArray(spec)) return spec.map(({ label, pcoord }) => ({ label, pcoord }));
  const file = ctx.locate(spec.file);
  return parseTargetStatesFile(await ctx.readReferenced(['target_states', 'file'], file), file.shown, cfg.pcoord.ndim);
}

function toClusterConfig({ template, tries, margin, profiles, ...defaults }: NonNullable<WeYaml['cluster']>): ClusterConfig {
  return { template, tries, ...(margin !== undefined ? { margin } : {}), defaults, profiles };
}

async function toRunConfig(cfg: WeYaml, ctx: ConfigContext): Promise<RunConfig> {
  const { work_manager: wm, store, resampling } = cfg;
  const basisStates = await loadBasisStates(cfg.basis_states, ctx);
  return {
    file: ctx.file,
    simRoot: ctx.simRoot,
    pcoord: cfg.pcoord,
    binning: { mapper: resolveMapperPaths(cfg.binning.mapper, ctx), targetCounts: cfg.binning.target_counts },
    basisStates: basisStates.states,
    basisStateDir: basisStates.dir,
    targetStates: await loadTargetStates(cfg, ctx),
    propagator: cfg.propagator,
    ...(cfg.progress_coordinate ? { progressCoordinate: cfg.progress_coordinate } : {}),
    workManager: { name: wm.name, options: wm.options, slots: wm.slots, retries: wm.retries },
    store: { name: store.name, options: store.options, path: ctx.locate(store.path).abs },
    resampling: {
      name: resampling.name,
      smallestAllowedWeight: resampling.smallest_allowed_weight,
      largestAllowedWeight: resampling.largest_allowed_weight,
    },
    maxIterations: cfg.max_iterations,
    ...(cfg.max_wallclock !== undefined ? { maxWallclock: cfg.max_wallclock } : {}),
    seed: cfg.seed,
    ...(cfg.cluster ? { cluster: toClusterConfig(cfg.cluster) } : {}),
  };
}

/**
 * `file` names the config in messages and anchors its relative paths; the text is not read from it. With
 * `catalog`, plugin names and options are checked here too, with their line:column.
 */
export async function parseConfigText(text: string, file: string, catalog?: PluginCatalog): Promise<RunConfig> {
  const source = YamlSource.parse(text, file);
  const parsed = weYamlSchema(catalog).safeParse(source.value);
  if (!parsed.success) throw configError(schemaProblems(parsed.error.issues, source));
  return toRunConfig(parsed.data, new ConfigContext(source));
}

export async function loadConfig(file: string, catalog?: PluginCatalog): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new WeError(`cannot read the configuration (${failureReason(e)})`, file);
  }
  return parseConfigText(text, file, catalog);
}
