/**
 * Key names. Everything of a run lives under `we:run:<id>:`, so runs share one server; the run id is a
 * digest of the we.yaml path, the same for the driver and for every worker that reads that file.
 */
import { createHash } from 'node:crypto';

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
  /** Stream of tasks; workers read it through GROUP; an entry pending with a worker is leased to it. */
  queue: string;
  /** Stream of results and failures, read by the driver (and by the driver that resumes it). */
  results: string;
  /** Hash describing the open round of tasks: id, kind, tasks, whether publishing finished, results in. */
  round: string;
  /** Hash of counters: requeues (leases taken over), late results, rejected results. */
  stats: string;
  /** The driver's word that every iteration before this one is durable (workers gather those). */
  durable: string;
  /** A worker's lease on every task it holds in this run: set with the run's lease time on each heartbeat. */
  alive(worker: string): string;
  /** Prefix of `alive`, for the server-side script that finds workers whose lease lapsed. */
  alivePrefix: string;
  /** Set of the iterations some node still has to gather (or be found gone). */
  owing: string;
  /** Set of the nodes holding outputs of an iteration's accepted segments, to gather. */
  owed(iteration: number): string;
  /** Segment ids (int32, little-endian) of an iteration accepted from a node that holds their outputs. */
  acceptedOn(iteration: number, node: string): string;
  /** Set of the nodes that have gathered their outputs of an iteration. */
  gathered(iteration: number): string;
  /** Hash: node -> the `durable` pointer its worker last settled (gathered everything before it had). */
  settled: string;
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
    alive: (worker) => `${p}alive:${worker}`,
    alivePrefix: `${p}alive:`,
    owing: `${p}owing`,
    owed: (iteration) => `${p}owed:${iteration}`,
    acceptedOn: (iteration, node) => `${p}accepted:${iteration}:${node}`,
    gathered: (iteration) => `${p}gathered:${iteration}`,
    settled: `${p}settled`,
    occupancy: `${p}occupancy`,
  };
}

/** Segment ids as RunKeys.acceptedOn holds them: little-endian int32, appended batch by batch. */
export function packSegmentIds(segIds: readonly number[]): Buffer {
  return Buffer.from(Int32Array.from(segIds).buffer);
}

export function segmentIds(bytes: Buffer): Int32Array {
  const ids = new Int32Array(bytes.length >> 2);
  new Uint8Array(ids.buffer).set(bytes.subarray(0, ids.length * 4));
  return ids;
}
