/** Running one task of any kind with a propagator, and naming a task in messages: shared by every work manager. */
import type { BasisState } from '../types.js';
import type { Propagator, ResultOf, TaskKind, TaskOf } from '../plugins.js';
import { WeError } from '../errors.js';

/** Where a task runs: the propagator and the run facts its messages name. */
export interface TaskSite {
  propagator: Propagator;
  /** The propagator's name in we.yaml. */
  propagatorName: string;
  configFile: string;
  basisStates: readonly BasisState[];
}

export async function executeTask<K extends TaskKind>(
  kind: K,
  task: TaskOf<K>,
  site: TaskSite,
  signal?: AbortSignal,
  slot = 0,
): Promise<ResultOf<K>> {
  if (kind === 'propagate') {
    return (await site.propagator.propagate(task as TaskOf<'propagate'>, signal, slot)) as ResultOf<K>;
  }
  const { basisStateIds } = task as TaskOf<'basisPcoords'>;
  if (!site.propagator.basisStatePcoords) {
    const label = site.basisStates[basisStateIds[0]]?.label ?? String(basisStateIds[0]);
    throw new WeError(
      `basis state '${label}' has no pcoord and propagator '${site.propagatorName}' cannot compute one; give basis_states[].pcoord`,
      site.configFile,
    );
  }
  return { basisStateIds, pcoord: await site.propagator.basisStatePcoords(basisStateIds) } as ResultOf<K>;
}

/** "iteration 3, segment 5", "iteration 3, segments 0–9" or "basis state(s) 0, 2". */
export function describeTask<K extends TaskKind>(kind: K, task: TaskOf<K>): string {
  if (kind === 'basisPcoords') return `basis state(s) ${(task as TaskOf<'basisPcoords'>).basisStateIds.join(', ')}`;
  const { iteration, segIds } = task as TaskOf<'propagate'>;
  const segments = segIds.length === 1 ? `segment ${segIds[0]}` : `segments ${segIds[0]}–${segIds[segIds.length - 1]}`;
  return `iteration ${iteration}, ${segments}`;
}

/** Segments (propagate) or basis states (basisPcoords) a task covers: the unit of progress. */
export function taskSize<K extends TaskKind>(kind: K, task: TaskOf<K>): number {
  return kind === 'propagate' ? (task as TaskOf<'propagate'>).segIds.length : (task as TaskOf<'basisPcoords'>).basisStateIds.length;
}

/** The task as its `attempt`-th try (0 is the first), so that a propagator keeps each attempt's output apart. */
export function asAttempt<K extends TaskKind>(kind: K, task: TaskOf<K>, attempt: number): TaskOf<K> {
  return kind === 'propagate' && attempt > 0 ? ({ ...(task as TaskOf<'propagate'>), attempt } as TaskOf<K>) : task;
}
