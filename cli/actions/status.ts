import { resolve } from 'node:path';
import { loadConfig } from '../../core/config/load.js';
import { readStatus, statusPath } from '../../core/driver/status.js';

/** Reads only we-status.json, never west.h5, so it works while a run holds the file. */
export async function showStatus(configPath: string, json: boolean): Promise<void> {
  const config = await loadConfig(resolve(configPath));
  const status = readStatus(statusPath(config.store.path));
  if (json) {
    console.log(JSON.stringify(status, null, 2));
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
    ['updated', `${status.updated} (pid ${status.pid})`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}
