/** Reads we.yaml into the RunConfig the engine runs from: validated, paths absolute, state files read. */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { failureReason, WeError } from '../errors.js';
import type { BasisState, TargetState } from '../types.js';
import { configError, fieldPath } from './config-error.js';
import type { PluginCatalog } from './plugin-catalog.js';
import { schemaProblems } from './schema-problems.js';
import { weYamlSchema, type WeYaml } from './schema.js';
import { parseBasisStatesFile, parseTargetStatesFile, requireAuxrefFolders } from './state-files.js';
import { normalise } from './states.js';
import type { BinMapperConfig, RunConfig } from './types.js';
import { YamlSource } from './yaml-source.js';

/** Where a path written in we.yaml points, both absolute and as shown to the user in messages. */
interface Located {
  abs: string;
  shown: string;
}

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

async function loadBasisStates(spec: WeYaml['basis_states'], ctx: ConfigContext): Promise<BasisState[]> {
  if (Array.isArray(spec)) {
    const probabilities = normalise(spec.map((s) => s.probability));
    return spec.map((s, i) => ({
      label: s.label,
      probability: probabilities[i],
      auxref: s.auxref,
      ...(s.pcoord ? { pcoord: s.pcoord } : {}),
    }));
  }
  const file = ctx.locate(spec.file);
  const rows = parseBasisStatesFile(await ctx.readReferenced(['basis_states', 'file'], file), file.shown);
  if (spec.require_folders) {
    const folder = ctx.locate(spec.folder ?? 'bstates');
    await requireAuxrefFolders(rows, file.shown, folder.abs, folder.shown);
  }
  const probabilities = normalise(rows.map((r) => r.probability));
  return rows.map((r, i) => ({ label: r.label, probability: probabilities[i], auxref: r.auxref }));
}

async function loadTargetStates(cfg: WeYaml, ctx: ConfigContext): Promise<TargetState[]> {
  const spec = cfg.target_states;
  if (spec === undefined || spec === null) return [];
  if (Array.isArray(spec)) return spec.map(({ label, pcoord }) => ({ label, pcoord }));
  const file = ctx.locate(spec.file);
  return parseTargetStatesFile(await ctx.readReferenced(['target_states', 'file'], file), file.shown, cfg.pcoord.ndim);
}

async function toRunConfig(cfg: WeYaml, ctx: ConfigContext): Promise<RunConfig> {
  const { work_manager: wm, store, resampling } = cfg;
  return {
    file: ctx.file,
    simRoot: ctx.simRoot,
    pcoord: cfg.pcoord,
    binning: { mapper: resolveMapperPaths(cfg.binning.mapper, ctx), targetCounts: cfg.binning.target_counts },
    basisStates: await loadBasisStates(cfg.basis_states, ctx),
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
