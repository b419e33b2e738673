/**
 * Before a run continues a store without a journal (lost, or a west.h5 WESTPA wrote), the configuration must
 * describe the run the store holds: the same basis and target states and the same bins. Every difference is
 * named, and nothing is written until there are none. (The pcoord shape is the store's own first check.)
 */
import type { BinMapperConfig } from '../config/types.js';
import { configError, type ConfigProblem } from '../config/config-error.js';
import type { StoredRun } from '../plugins.js';
import type { RunContext } from './run-context.js';
import { roundToDtype } from './pcoord-rounding.js';

/** Relative tolerance for probabilities: WESTPA keeps them as written, `we` normalised. */
const PROBABILITY_TOLERANCE = 1e-9;

export function checkStoredRun(ctx: RunContext, stored: StoredRun): void {
  const store = ctx.config.store.path;
  const problems = [...stateDifferences(ctx, stored, store), ...binDifferences(ctx, stored, store)];
  if (problems.length) throw configError(problems.map((p) => ({ file: ctx.config.file, ...p })));
}

type Difference = Omit<ConfigProblem, 'file'>;

/** A point as stored in the pcoord dtype, written with the digits that dtype holds (float32: 1.05, not 1.0499999523). */
function points(values: readonly number[] | undefined, ctx: RunContext): string {
  const { dtype } = ctx.config.pcoord;
  const stored = roundToDtype(Float64Array.from(values ?? []), dtype);
  return `[${Array.from(stored, (x) => (dtype === 'float32' ? Number(x.toPrecision(7)) : x)).join(', ')}]`;
}

function stateDifferences(ctx: RunContext, stored: StoredRun, store: string): Difference[] {
  const out: Difference[] = [];
  const { basisStates, targetStates } = ctx.config;
  if (basisStates.length !== stored.basisStates.length) {
    out.push({
      field: 'basis_states',
      message: `${basisStates.length} here; ${store} has ${stored.basisStates.length} (${stored.basisStates.map((b) => `'${b.label}'`).join(', ')})`,
    });
  } else {
    const total = stored.basisStates.reduce((sum, b) => sum + b.probability, 0);
    basisStates.forEach((b, i) => {
      const s = stored.basisStates[i];
      const field = `basis_states[${i}]`;
      if (b.label !== s.label) out.push({ field: `${field}.label`, message: `'${b.label}' here; ${store} has '${s.label}'` });
      const p = s.probability / total;
      if (Math.abs(b.probability - p) > PROBABILITY_TOLERANCE * Math.max(p, b.probability)) {
        out.push({ field: `${field}.probability`, message: `${b.probability} here (normalised); ${store} has ${p}` });
      }
      if (b.auxref !== s.auxref) out.push({ field: `${field}.auxref`, message: `'${b.auxref}' here; ${store} has '${s.auxref}'` });
      if (b.pcoord && points(b.pcoord, ctx) !== points(s.pcoord, ctx)) {
        out.push({ field: `${field}.pcoord`, message: `${points(b.pcoord, ctx)} here; ${store} has ${points(s.pcoord, ctx)}` });
      }
    });
  }
  const unknown = stored.prepared.newIstates.find((s) => s.basisStateId < 0 || s.basisStateId >= basisStates.length);
  if (unknown) {
    out.push({
      field: 'basis_states',
      message: `iteration ${stored.iteration} starts segments from initial state ${unknown.id}, made from basis state ${unknown.basisStateId}, which is not among the ${basisStates.length} here`,
    });
  }
  if (targetStates.length !== stored.targetStates.length) {
    const labels = stored.targetStates.map((t) => `'${t.label}'`).join(', ');
    out.push({ field: 'target_states', message: `${targetStates.length} here; ${store} has ${stored.targetStates.length}${labels ? ` (${labels})` : ''}` });
  } else {
    targetStates.forEach((t, i) => {
      const s = stored.targetStates[i];
      if (t.label !== s.label) out.push({ field: `target_states[${i}].label`, message: `'${t.label}' here; ${store} has '${s.label}'` });
      if (points(t.pcoord, ctx) !== points(s.pcoord, ctx)) {
        out.push({ field: `target_states[${i}].pcoord`, message: `${points(t.pcoord, ctx)} here; ${store} has ${points(s.pcoord, ctx)}` });
      }
    });
  }
  return out;
}

function binDifferences(ctx: RunContext, stored: StoredRun, store: string): Difference[] {
  const where = `${store}'s iteration ${stored.iteration}`;
  if (stored.binhash !== undefined) {
    return stored.binhash === ctx.binhash
      ? []
      : [{ field: 'binning', message: `the bins differ from those ${where} was prepared with (binhash ${stored.binhash.slice(0, 12)}…); restore them or start anew with \`we init --force\`` }];
  }
  // Prepared by WESTPA, whose binhash hashes a pickled Python mapper: compare what its bins did instead.
  const nbins = ctx.mapper.nbins;
  const fileCounts = stored.prepared.binTargetCounts;
  if (fileCounts.length > 0 && fileCounts.length !== nbins) {
    return [{ field: 'binning.mapper', message: `makes ${nbins} bins; ${where} was prepared with ${fileCounts.length} (the length of its bin_target_counts)` }];
  }
  const out: Difference[] = [];
  const targetBins = new Set(ctx.targetBins);
  const differing: string[] = [];
  fileCounts.forEach((c, b) => {
    // WESTPA keeps no walkers in a target state's bin and records its count as 0
    if (c !== ctx.targetCounts[b] && !(c === 0 && targetBins.has(b))) differing.push(`bin ${b}: ${ctx.targetCounts[b]} here, ${c} there`);
  });
  if (differing.length) {
    const more = differing.length > 3 ? ` and ${differing.length - 3} more` : '';
    out.push({ field: 'binning.target_counts', message: `differ from those of ${where}: ${differing.slice(0, 3).join('; ')}${more}` });
  }
  if (isStatic(ctx.config.binning.mapper)) {
    const misfit = firstMisfit(ctx, stored, fileCounts.length ? fileCounts : ctx.targetCounts);
    if (misfit) out.push({ field: 'binning.mapper', message: `${misfit}: the bin edges differ from those ${where} was resampled with` });
  }
  return out;
}

/** Mappers whose bins depend on the configuration alone, not on where the walkers are (MAB, a user's module). */
function isStatic(mapper: BinMapperConfig): boolean {
  if (mapper.type === 'rectilinear') return true;
  if (mapper.type === 'recursive') return isStatic(mapper.outer) && mapper.inner.every((i) => isStatic(i.mapper));
  return false;
}

/**
 * WESTPA resampled every occupied bin to exactly its target count, so with the same bins the walkers of the
 * prepared iteration fill each occupied bin to its count; the first bin where they do not, described.
 */
function firstMisfit(ctx: RunContext, stored: StoredRun, counts: Uint32Array): string | undefined {
  const { prepared } = stored;
  const ndim = ctx.config.pcoord.ndim;
  const bins = ctx.mapper.assign({ n: prepared.n, ndim, points: prepared.initialPoints, weights: prepared.weight });
  const occupancy = new Uint32Array(ctx.mapper.nbins);
  for (const b of bins) occupancy[b]++;
  const b = occupancy.findIndex((k, bin) => k > 0 && k !== counts[bin]);
  if (b < 0) return undefined;
  const members = Array.from(bins.keys()).filter((i) => bins[i] === b);
  const first = Array.from(prepared.initialPoints.subarray(members[0] * ndim, (members[0] + 1) * ndim));
  return `at the start of iteration ${stored.iteration} bin ${b} holds ${occupancy[b]} walkers (one at [${first.join(', ')}]), but its target count is ${counts[b]}`;
}
