/**
 * Key names. Everything of a run lives under `we:run:<id>:`, so runs share one server; the run id is a
 * digest of the we.yaml path, the same for the driver and for every worker that reads that file.
 */
import { createHash } from 'node:crypto';
import type { TaskKind, TaskOf } from '../../../core/plugins.js';

/** Runs a driver has announced: run id -> SimulationSpec JSON. */
export const RUNS_KEY = 'we:runs';
/** Workers on the server: worker id -> WorkerRecord JSON (node, slots, tasks, last heartbeat). */
export const WORKERS_KEY = 'we:workers';
/** The consumer group every worker reads a run's queue through. */
export const GROUP = 'workers';

export function runId(configFile: string): string {
  return createHash('sha256').update(configFile).digest('hex').slice(0, 16);
}

export interface RunKeys {
  /** Stream of tasks; workers read it through GROUP; an entry's lease is its pending entry. */
  queue: string;
  /** Stream of results and failures, read by the driver (and by the driver that resumes it). */
  results: string;
  /** Hash describing the open round of tasks: kind, tasks, whether publishing finished. */
  round: string;
  /** Hash of counters: requeues (leases taken over), late results, rejected results, failures. */
  stats: string;
  /** The driver's word that every iteration before this one is durable (workers gather those). */
  durable: string;
  /** Hash per iteration: node -> segment ids whose accepted results came from that node. */
  accepted(iteration: number): string;
  /** List of recent iterations' slot occupancy (JSON), newest first. */
  occupancy: string;
}

export function runKeys(id: string): RunKeys {
  const p = `we:run:${id}:`;
  return {
    queue: `${p}queue`,
    results: `${p}results`,
    round: `${p}round`,
    stats: `${p}stats`,
    durable: `${p}durable`,
    accepted: (iteration) => `${p}accepted:${iteration}`,
    occupancy: `${p}occupancy`,
  };
}

/** A task's name in the queue and in results; the same for the same task however often it is published. */
export function taskKey<K extends TaskKind>(kind: K, task: TaskOf<K>): string {
  if (kind === 'basisPcoords') return `b:${(task as TaskOf<'basisPcoords'>).basisStateIds.join(',')}`;
  const { iteration, segIds } = task as TaskOf<'propagate'>;
  return `p:${iteration}:${segIds[0]}:${segIds.length}`;
}

/** Decodes a propagate task key's segments: "p:ITER:FIRST:COUNT" -> ITER, [FIRST, FIRST + COUNT). */
export function segmentsOfKey(key: string): { iteration: number; first: number; count: number } | undefined {
  const m = /^p:(\d+):(\d+):(\d+)$/.exec(key);
  return m ? { iteration: Number(m[1]), first: Number(m[2]), count: Number(m[3]) } : undefined;
}
