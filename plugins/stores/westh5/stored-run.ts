/**
 * A west.h5 read back as the run it holds at one iteration, whether `we` or WESTPA wrote it: what `we run`
 * continues from when no journal matches the file. Who prepared an iteration shows in its /summary row: `we`
 * writes its binhash there, WESTPA leaves that column empty.
 */
import { WeError } from '../../../core/errors.js';
import type { StoredIteration, StoredRun, SummaryRow } from '../../../core/plugins.js';
import { IstateType, SegStatus } from '../../../core/types.js';
import type { File } from './hdf5.js';
import { getDataset, hasObject, readColumns, toNumbers } from './hdf5.js';
import { ITER, NEW_WEIGHTS, PATH, STATE_SET, iterationPath } from './layout.js';
import {
  countIstates,
  readBasisStates,
  readCurrentIteration,
  readPreparedIteration,
  readSummary,
  readTargetStates,
} from './read.js';

export function readStoredRun(file: File, iteration: number): StoredRun {
  requireOneSet(file, PATH.ibstatesIndex, 'basis-state sets', "WESTPA's w_states replaced the basis states during the run");
  requireOneSet(file, PATH.tstatesIndex, 'target-state sets', 'the target states were replaced during the run');
  const summary = readSummary(file);
  if (summary.length < iteration) {
    throw new WeError(`${PATH.summary} has ${summary.length} rows; iteration ${iteration} needs one row per iteration up to it`, file.filename);
  }
  const binhash = summary[iteration - 1].binhash || undefined;
  const prepared = readPreparedIteration(file, iteration);
  if (iteration === readCurrentIteration(file) && binhash === undefined) requireNotBegun(file, iteration);
  const targetStates = readTargetStates(file);
  return {
    iteration,
    prepared,
    basisStates: readBasisStates(file),
    targetStates,
    ...(binhash !== undefined ? { binhash } : {}),
    istateCount: countIstates(file, iteration),
    history: readHistory(file, iteration, summary, targetStates.length),
    notes: notes(file),
  };
}

/** `we` keeps one set of basis states and one of target states, valid from iteration 0 on. */
function requireOneSet(file: File, indexPath: string, what: string, why: string): void {
  const sets = hasObject(file, indexPath) ? (getDataset(file, indexPath).shape?.[0] ?? 0) : 0;
  if (sets > 1) throw new WeError(`${indexPath} lists ${sets} ${what} (${why}); we continues a run that has one`, file.filename);
}

/**
 * WESTPA records segments as they finish and prepares the next iteration before it advances the pointer; `we`
 * redoes an iteration whole and cannot replace what WESTPA wrote for it (h5wasm deletes nothing). A begun
 * iteration is refused unless `we` itself began it (its commit writes target_flux first).
 */
function requireNotBegun(file: File, iteration: number): void {
  const path = iterationPath(iteration);
  if (hasObject(file, `${path}/${ITER.targetFlux}`)) return;
  const status = readColumns(file, `${path}/${ITER.segIndex}`, ['status']).status;
  const done = status.filter((s) => Number(s) !== SegStatus.prepared).length;
  const nextExists = hasObject(file, iterationPath(iteration + 1));
  if (done === 0 && !nextExists) return;
  const what = done > 0 ? `${done} of its ${status.length} segments have results` : `iteration ${iteration + 1} exists already`;
  throw new WeError(
    `iteration ${iteration} was begun by another program (WESTPA) and not finished: ${what}. ` +
      `Let WESTPA finish it (w_run with max_total_iterations: ${iteration} in west.cfg stops once iteration ${iteration + 1} is prepared), then run we`,
    file.filename,
  );
}

/** Iterations 1 … iteration − 1: their summary rows, and the recycling the next iteration's new_weights record. */
function readHistory(file: File, iteration: number, summary: SummaryRow[], targets: number): StoredIteration[] {
  const history: StoredIteration[] = [];
  for (let n = 1; n < iteration; n++) {
    const flux = new Float64Array(targets);
    const index = `${iterationPath(n + 1)}/${ITER.newWeights}/${NEW_WEIGHTS.index}`;
    if (hasObject(file, index)) {
      const rows = readColumns(file, index, ['target_state_id', 'weight']);
      rows.weight.forEach((weight, k) => {
        const target = Number(rows.target_state_id[k]);
        if (!(target >= 0 && target < targets)) {
          throw new WeError(`row ${k} names target state ${target}; the file has ${targets}`, `${file.filename}:${index}`);
        }
        flux[target] += Number(weight);
      });
    }
    history.push({ summary: summary[n - 1], flux });
  }
  return history;
}

function notes(file: File): string[] {
  const istates = `${PATH.ibstateSet}/${STATE_SET.istateIndex}`;
  const rows = getDataset(file, istates).shape?.[0] ?? 0;
  const lastType = rows > 0 ? toNumbers(readColumns(file, istates, ['istate_type'], { from: rows - 1, to: rows }).istate_type)[0] : undefined;
  return lastType === IstateType.generated
    ? [
        `${file.filename}: its initial states were generated from the basis states (istate_type 2, WESTPA's gen_istates); ` +
          'we restarts recycled walkers from the basis states themselves (istate_type 1)',
      ]
    : [];
}
