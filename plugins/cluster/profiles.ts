/** The profiles a chain submits to, from we.yaml's `cluster` section and `we submit`'s flags. */
import { WeError } from '../../core/errors.js';
import { formatWallclock } from '../../core/config/wallclock.js';
import { suggestKey } from '../../core/config/unknown-keys.js';
import type { AllocationRequest, ClusterConfig } from '../../core/config/types.js';
import type { Profile } from './store/job-store.js';

/** What `we submit` was told on its command line; a flag wins over we.yaml. */
export interface SubmitFlags {
  /** Profiles to submit to; none: every profile in we.yaml (or one called 'default' when there are none). */
  profiles: string[];
  partition?: string;
  account?: string;
  nodes?: number;
  time?: number;
}

function sbatchOptions(request: AllocationRequest): string[] {
  return [
    ...(request.partition ? [`--partition=${request.partition}`] : []),
    ...(request.account ? [`--account=${request.account}`] : []),
    ...(request.nodes ? [`--nodes=${request.nodes}`] : []),
    ...(request.time ? [`--time=${formatWallclock(request.time)}`] : []),
    ...request.sbatch,
  ];
}

/** `configFile` names we.yaml in messages. Each profile's request, with nodes resolved for the template's check. */
export function resolveProfiles(cluster: ClusterConfig | undefined, flags: SubmitFlags, configFile: string): (Profile & { nodes: number })[] {
  const configured = cluster?.profiles ?? {};
  const known = Object.keys(configured);
  for (const name of flags.profiles) {
    if (configured[name]) continue;
    const suggestion = suggestKey(name, known);
    const hint = suggestion ? `; did you mean '${suggestion}'?` : known.length ? ` (cluster.profiles has ${known.join(', ')})` : ' (it has no cluster.profiles)';
    throw new WeError(`--profile: no profile '${name}' in we.yaml${hint}`, configFile);
  }
  const names = flags.profiles.length > 0 ? flags.profiles : known.length > 0 ? known : ['default'];
  if (flags.partition !== undefined && names.length > 1) {
    throw new WeError(`--partition: names one partition, but ${names.length} profiles are chosen (${names.join(', ')}); pick one with --profile`);
  }
  const defaults: AllocationRequest = cluster?.defaults ?? { sbatch: [] };
  const fromFlags = defined({ partition: flags.partition, account: flags.account, nodes: flags.nodes, time: flags.time });
  return names.map((name) => {
    const own = configured[name] ?? { sbatch: [] };
    const request: AllocationRequest = { ...defaults, ...defined(own), ...fromFlags, sbatch: [...defaults.sbatch, ...own.sbatch] };
    return { name, args: sbatchOptions(request), nodes: request.nodes ?? 1 };
  });
}

/** Unset fields must not hide the values they would override. */
function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}
