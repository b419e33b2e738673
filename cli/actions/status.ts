import { currentStatus, readStatus, statusPath } from '../../core/driver/status.js';
import { readLostOutputs } from '../../plugins/staging/lost-outputs.js';
import type { BrokerStatus } from '../../plugins/work-managers/redis/broker-status.js';
import { loadRunConfig } from '../run-config.js';

/**
 * Reads only we-status.json, never west.h5, so it works while a run holds the file; and, when the run's tasks
 * go through Redis, the workers and queue from the server.
 */
export async function showStatus(configPath: string, json: boolean): Promise<void> {
  const config = await loadRunConfig(configPath);
  const status = currentStatus(readStatus(statusPath(config.store.path)));
  const broker = status.broker ? await brokerRows(status.broker, config.file) : undefined;
  const lost = await readLostOutputs(config.simRoot);
  if (json) {
    const shown = { ...status, ...(lost.length ? { lostOutputs: lost } : {}) };
    console.log(JSON.stringify(broker ? { ...shown, redis: broker.status ?? { error: broker.error } } : shown, null, 2));
    return;
  }
  const rows: [string, string][] = [
    ['state', status.state + (status.message ? ` (${status.message})` : '')],
    ['iteration (next to run)', String(status.iteration)],
    ['walkers', String(status.walkers)],
    ['occupied bins', String(status.occupiedBins)],
    ['total weight', status.totalWeight.toPrecision(17)],
    ['min / max weight', `${status.minWeight.toExponential(4)} / ${status.maxWeight.toExponential(4)}`],
    ['seconds per iteration', status.secondsPerIteration === null ? '-' : status.secondsPerIteration.toFixed(4)],
    ...status.targets.map((t): [string, string] => [
      `flux into '${t.label}'`,
      `last ${t.lastFlux.toExponential(4)}, mean ${t.meanFlux.toExponential(4)} per iteration`,
    ]),
    ...(status.slotOccupancy?.length
      ? [['slots busy (last iterations)', status.slotOccupancy.map((o) => `${o.iteration}: ${(100 * o.busyFraction).toFixed(1)}%`).join(', ')] as [string, string]]
      : []),
    ['updated', `${status.updated} (pid ${status.pid}${status.host ? ` on ${status.host}` : ''})`],
    ...lost.map((l): [string, string] => [
      `lost outputs, iteration ${l.iteration}`,
      `node ${l.node}, ${l.segments.length} segment(s): ${l.reason} (restarts kept; the rest of their files are gone)`,
    ]),
    ...(broker?.rows ?? []),
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

/** The broker's part of the status, as rows; a server that does not answer is one row saying so. */
async function brokerRows(broker: string, configFile: string): Promise<{ rows: [string, string][]; status?: BrokerStatus; error?: string }> {
  // The status file keeps the URL without its password; WE_REDIS_URL may hold it for the same server.
  // Loaded only for runs that use Redis: `we status` of a local run stays quick to start.
  const { readBrokerStatus } = await import('../../plugins/work-managers/redis/broker-status.js');
  const { REDIS_URL_VARIABLE } = await import('../../plugins/work-managers/redis/connection.js');
  const withPassword = process.env[REDIS_URL_VARIABLE];
  const url = withPassword && new URL(withPassword).host === new URL(broker).host ? withPassword : broker;
  let status: BrokerStatus;
  try {
    status = await readBrokerStatus(url, configFile);
  } catch (error) {
    return { rows: [['redis', `${broker}: not answering (${(error as Error).message})`]], error: (error as Error).message };
  }
  const now = Date.now();
  const rows: [string, string][] = [['redis', broker]];
  for (const w of status.workers) {
    const tasks = w.tasks.map((t) => `${t.task} on slot ${t.slot} for ${((now - t.since) / 1000).toFixed(0)} s`).join(', ') || 'idle';
    rows.push([`worker ${w.node} (pid ${w.pid})`, `${w.slots} slot(s)${w.draining ? ', draining' : ''}; heartbeat ${((now - w.heartbeat) / 1000).toFixed(1)} s ago; ${tasks}`]);
  }
  if (status.workers.length === 0) rows.push(['workers', 'none serving this run']);
  if (status.round) {
    const r = status.round;
    rows.push(['tasks (open round)', `${r.tasks} ${r.kind}: ${r.queued} queued, ${r.leased} leased, ${r.results} result(s) in`]);
  }
  rows.push(['requeues / late / rejected', `${status.requeues} / ${status.late} / ${status.rejected}`]);
  return { rows, status };
}
