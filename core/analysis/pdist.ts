/**
 * Probability distributions of the progress coordinate per iteration, as WESTPA's w_pdist computes them, so that
 * a pdist.h5 from here and one from w_pdist hold the same numbers: every timepoint of every segment weighted by
 * the segment's weight (timepoint 0, the parent's last point, only in the first iteration of the range, where it
 * is not a repeat), bins b[k] <= x < b[k+1] compared in the pcoord's precision, and each iteration normalised as
 * w_pdist's normhistnd does (1-D: a density; N-D: divided by bin volumes, then summing to 1).
 */
import { BoundarySearch } from '../binning/search.js';
import { WeError } from '../errors.js';
import type { RunView } from '../run-view.js';
import type { PcoordArray, PcoordDtype, PcoordShape } from '../types.js';
import type { BinSpec } from './bin-spec.js';
import { iterationRange, type IterationRange } from './iteration-range.js';

export interface HistogramAxis {
  /** The pcoord dimension this axis bins. */
  dim: number;
  /** Bin boundaries (nbins + 1), as written to binbounds_<axis>. */
  edges: Float64Array;
  midpoints: Float64Array;
}

export interface Pdist {
  /** Iterations first … last, one histogram each. */
  iterations: Int32Array;
  axes: HistogramAxis[];
  /** Bins per axis. */
  shape: number[];
  /** iterations × bins, row-major over the axes (last fastest), each iteration normalised as w_pdist. */
  histograms: Float64Array;
}

export interface PdistOptions extends Partial<IterationRange> {
  /** pcoord dimensions to histogram (default: all). */
  dims?: number[];
  /** Default: 100 bins per dimension over the data's range, as w_pdist. */
  bins?: BinSpec;
  /** Drop points outside the boundaries instead of failing (w_pdist --loose). */
  loose?: boolean;
}

const DEFAULT_BINS = 100;

/** The chosen pcoord dimensions (default: all), each existing and listed once; WeError naming --dims otherwise. */
export function checkedDims(dims: number[] | undefined, ndim: number, source: string): number[] {
  const chosen = dims ?? Array.from({ length: ndim }, (_, d) => d);
  if (chosen.length === 0) throw new WeError('no dimension chosen', '--dims');
  for (const d of chosen) {
    if (!Number.isInteger(d) || d < 0 || d >= ndim) {
      throw new WeError(`dimension ${d} does not exist: ${source} has a ${ndim}-dimensional pcoord (dimensions 0 to ${ndim - 1})`, '--dims');
    }
  }
  if (new Set(chosen).size !== chosen.length) throw new WeError(`dimension listed twice in ${chosen.join(',')}`, '--dims');
  return chosen;
}

function axisOf(dim: number, edges: Float64Array): HistogramAxis {
  const midpoints = new Float64Array(edges.length - 1);
  for (let k = 0; k < midpoints.length; k++) midpoints[k] = (edges[k] + edges[k + 1]) / 2;
  return { dim, edges, midpoints };
}

/** numpy.linspace(lb, ub, n + 1) bit for bit: i·step + lb, with the last edge exactly ub. */
function linspace(lb: number, ub: number, n: number): Float64Array {
  const edges = new Float64Array(n + 1);
  const step = (ub - lb) / n;
  for (let i = 0; i < n; i++) edges[i] = i * step + lb;
  edges[n] = ub;
  return edges;
}

/** w_pdist's range for a count spec: the data's min and max, the max pushed 1% outward so it falls inside. */
function edgesFromRange(min: number, max: number, n: number): Float64Array {
  const ub = max > 0 ? max * 1.01 : max / 1.01;
  return linspace(min, ub, n);
}

/**
 * Bin lookup for evenly spaced boundaries (w_pdist's linspace bins): the bin from one multiplication, then
 * corrected against the boundaries themselves, so rounding never misplaces a point. Twice as fast as the general
 * BoundarySearch on the 10^7–10^8 points of a run.
 */
export class EvenSearch {
  readonly origin: number;
  readonly perUnit: number;
  /** The last bin's index. */
  readonly last: number;

  constructor(readonly sorted: Float64Array) {
    this.last = sorted.length - 2;
    this.origin = sorted[0];
    this.perUnit = (this.last + 1) / (sorted[this.last + 1] - sorted[0]);
  }

  /** Whether every boundary lies within a quarter bin of where even spacing puts it (so the guess is off by ≤ 1). */
  static fits(sorted: Float64Array): boolean {
    const bins = sorted.length - 1;
    const span = sorted[bins] - sorted[0];
    if (bins < 1 || !Number.isFinite(span) || !(span > 0) || bins >= 2 ** 31 - 1) return false;
    return sorted.every((b, i) => Math.abs(((b - sorted[0]) * bins) / span - i) < 0.25);
  }

  /** As BoundarySearch.count: how many boundaries are <= x (0 below the first, NaN included). */
  count(x: number): number {
    const b = this.sorted;
    if (!(x >= b[0])) return 0;
    if (x >= b[this.last + 1]) return this.last + 2;
    // x >= origin, so truncation is floor (and cheaper than Math.floor)
    let k = ((x - this.origin) * this.perUnit) | 0;
    if (k > this.last) k = this.last;
    if (x < b[k]) k--;
    else if (x >= b[k + 1]) k++;
    return k + 1;
  }
}

/**
 * The 1-D histogram of one iteration over evenly spaced bins: count() written out in one loop over every segment's
 * timepoints firstRow … len − 1 of dimension d, adding the segment's weight in the order the points come (so the
 * sums are those of the general loop, bit for bit). A third faster than calling count() per point, on the 10^7–10^8
 * points of a run. Returns the index into `points` of the first point outside the bins (skipped when `loose`), or -1.
 */
function addEven(search: EvenSearch, points: PcoordArray, weight: Float64Array, shape: PcoordShape, d: number, firstRow: number, loose: boolean, out: Float64Array): number {
  const { len, ndim } = shape;
  const { sorted: b, origin, perUnit, last } = search;
  const lo = b[0];
  const hi = b[last + 1];
  for (let s = 0; s < weight.length; s++) {
    const w = weight[s];
    const end = (s + 1) * len * ndim;
    for (let at = (s * len + firstRow) * ndim + d; at < end; at += ndim) {
      const x = points[at];
      if (!(x >= lo && x < hi)) {
        if (loose) continue;
        return at;
      }
      let k = ((x - origin) * perUnit) | 0;
      if (k > last) k = last;
      if (x < b[k]) k--;
      else if (x >= b[k + 1]) k++;
      out[k] += w;
    }
  }
  return -1;
}

function searchFor(edges: Float64Array): EvenSearch | BoundarySearch {
  return EvenSearch.fits(edges) ? new EvenSearch(edges) : new BoundarySearch(edges);
}

/** Boundaries as the comparison sees them: rounded to the pcoord's precision, as w_pdist casts them. */
function comparedEdges(edges: Float64Array, dtype: PcoordDtype): Float64Array {
  return dtype === 'float32' ? edges.map(Math.fround) : edges;
}

/** Min and max of one dimension over all timepoints of an iteration's points. */
function extentOf(points: PcoordArray, ndim: number, d: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = d; i < points.length; i += ndim) {
    const x = points[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return [min, max];
}

/** One requested distribution as it is computed: its iterations, dimensions, and (after the range pass) its bins. */
interface Plan {
  first: number;
  last: number;
  dims: number[];
  loose: boolean;
  /** Bins per axis for a count spec, whose edges come from the data's range; undefined once edges are known. */
  counts?: number[];
  range: { min: number[]; max: number[] };
  edges: Float64Array[];
}

function planOf(view: RunView, options: PdistOptions): Plan {
  const { first, last } = iterationRange(view, options);
  const dims = checkedDims(options.dims, view.pcoord.ndim, view.source);
  const spec = options.bins ?? { kind: 'counts', counts: [DEFAULT_BINS] };
  const range = { min: dims.map(() => Infinity), max: dims.map(() => -Infinity) };
  const plan = { first, last, dims, loose: options.loose ?? false, range };
  if (spec.kind === 'boundaries') {
    if (spec.boundaries.length !== dims.length) {
      throw new WeError(`gives boundaries for ${spec.boundaries.length} dimension(s); ${dims.length} chosen (${dims.join(',')})`, '--bins');
    }
    return { ...plan, edges: spec.boundaries.map((b) => Float64Array.from(b)) };
  }
  const counts = spec.counts.length === 1 ? dims.map(() => spec.counts[0]) : spec.counts;
  if (counts.length !== dims.length) throw new WeError(`gives ${counts.length} bin counts; ${dims.length} dimension(s) chosen (${dims.join(',')})`, '--bins');
  return { ...plan, counts, edges: [] };
}

/** Every iteration some plan covers, in order. */
function coveredIterations(plans: readonly Plan[]): number[] {
  const first = Math.min(...plans.map((p) => p.first));
  const last = Math.max(...plans.map((p) => p.last));
  const out: number[] = [];
  for (let n = first; n <= last; n++) if (plans.some((p) => p.first <= n && n <= p.last)) out.push(n);
  return out;
}

/**
 * One pcoord dimension binned on one set of boundaries: each iteration, the bin of every point (all timepoints),
 * computed once for every histogram that bins this dimension so (the evolution of a dimension and the 2-D
 * distribution share theirs when the window is the range drawn).
 */
class AxisBins {
  readonly nbins: number;
  /** The last iteration `index` holds; 0 before the first. */
  iteration = 0;
  /** Bin of point p (segment-major, then timepoint): -1 below the first boundary or NaN, nbins at or above the last. */
  index = new Int32Array(0);
  /** How many of the distributions bin on this axis. */
  users = 0;
  readonly search: EvenSearch | BoundarySearch;

  constructor(
    readonly dim: number,
    readonly compared: Float64Array,
  ) {
    this.nbins = compared.length - 1;
    this.search = searchFor(compared);
  }

  bin(n: number, points: PcoordArray, ndim: number): void {
    if (this.iteration === n) return;
    const count = points.length / ndim;
    if (this.index.length < count) this.index = new Int32Array(count);
    const { index, search, dim } = this;
    for (let p = 0, at = dim; p < count; p++, at += ndim) index[p] = search.count(points[at]) - 1;
    this.iteration = n;
  }
}

/** The AxisBins of every (dimension, boundaries) pair the plans bin on, one object per distinct pair. */
function sharedAxes(plans: readonly Plan[], dtype: PcoordDtype): AxisBins[][] {
  const byKey = new Map<string, AxisBins>();
  return plans.map((plan) =>
    plan.dims.map((dim, a) => {
      const compared = comparedEdges(plan.edges[a], dtype);
      const key = `${dim}:${compared.join(',')}`;
      let axis = byKey.get(key);
      if (!axis) byKey.set(key, (axis = new AxisBins(dim, compared)));
      axis.users++;
      return axis;
    }),
  );
}

/** One pdist's histograms being filled, iteration by iteration, from its axes' bin indices. */
class Accumulator {
  readonly axes: HistogramAxis[];
  readonly shape: number[];
  readonly histograms: Float64Array;
  /** Set when this 1-D histogram's even bins are its own: then no bin indices are kept, see add(). */
  readonly fused: EvenSearch | undefined;
  private readonly size: number;
  private readonly strides: number[];

  constructor(
    readonly plan: Plan,
    readonly bins: AxisBins[],
    private readonly view: RunView,
  ) {
    const { dims, edges, first, last } = plan;
    this.axes = dims.map((d, a) => axisOf(d, edges[a]));
    this.shape = this.axes.map((axis) => axis.edges.length - 1);
    this.size = this.shape.reduce((a, b) => a * b, 1);
    this.strides = this.shape.map((_, a) => this.shape.slice(a + 1).reduce((x, y) => x * y, 1));
    this.histograms = new Float64Array((last - first + 1) * this.size);
    const [only] = bins;
    this.fused = bins.length === 1 && only.users === 1 && only.search instanceof EvenSearch ? only.search : undefined;
  }

  private outside(n: number, p: number, a: number, points: PcoordArray): WeError {
    const { axes, shape } = this;
    const { len, ndim } = this.view.pcoord;
    const x = points[p * ndim + this.plan.dims[a]];
    return new WeError(
      `iteration ${n}, segment ${Math.floor(p / len)}, timepoint ${p % len}: pcoord dimension ${this.plan.dims[a]} = ${x} is outside the bins ` +
        `[${axes[a].edges[0]}, ${axes[a].edges[shape[a]]}) (widen --bins or pass --loose to drop such points)`,
      this.view.source,
    );
  }

  /** Adds iteration n, whose points every axis of `bins` has binned (unless `fused`). */
  add(n: number, points: PcoordArray, weight: Float64Array): void {
    const { first, loose } = this.plan;
    const { len } = this.view.pcoord;
    const { shape, strides, bins } = this;
    const out = this.histograms.subarray((n - first) * this.size, (n - first + 1) * this.size);
    const firstRow = n === first ? 0 : 1;
    if (this.fused) {
      // w_pdist's default bins on a dimension no other histogram here bins (we pdist): binned and added in one loop
      const at = addEven(this.fused, points, weight, this.view.pcoord, this.plan.dims[0], firstRow, loose, out);
      if (at >= 0) throw this.outside(n, Math.floor(at / this.view.pcoord.ndim), 0, points);
    } else if (bins.length === 1) {
      const index = bins[0].index;
      const nb = shape[0];
      for (let s = 0; s < weight.length; s++) {
        const w = weight[s];
        for (let p = s * len + firstRow, end = (s + 1) * len; p < end; p++) {
          const k = index[p];
          if (k >= 0 && k < nb) out[k] += w;
          else if (!loose) throw this.outside(n, p, 0, points);
        }
      }
    } else if (bins.length === 2) {
      const [i0, i1] = [bins[0].index, bins[1].index];
      const [n0, n1] = shape;
      for (let s = 0; s < weight.length; s++) {
        const w = weight[s];
        for (let p = s * len + firstRow, end = (s + 1) * len; p < end; p++) {
          const k0 = i0[p];
          const k1 = i1[p];
          if (k0 >= 0 && k0 < n0 && k1 >= 0 && k1 < n1) out[k0 * n1 + k1] += w;
          else if (!loose) throw this.outside(n, p, k0 >= 0 && k0 < n0 ? 1 : 0, points);
        }
      }
    } else {
      for (let s = 0; s < weight.length; s++) {
        for (let p = s * len + firstRow, end = (s + 1) * len; p < end; p++) {
          let flat = 0;
          let a = 0;
          for (; a < bins.length; a++) {
            const k = bins[a].index[p];
            if (k < 0 || k >= shape[a]) break;
            flat += k * strides[a];
          }
          if (a === bins.length) out[flat] += weight[s];
          else if (!loose) throw this.outside(n, p, a, points);
        }
      }
    }
    normalise(out, shape, this.bins.map((b) => b.compared), this.view.pcoord.dtype);
  }

  result(): Pdist {
    const { first, last } = this.plan;
    return { iterations: Int32Array.from({ length: last - first + 1 }, (_, i) => first + i), axes: this.axes, shape: this.shape, histograms: this.histograms };
  }
}

export function probabilityDistribution(view: RunView, options: PdistOptions = {}): Pdist {
  return probabilityDistributions(view, [options])[0];
}

/**
 * Several distributions of one run (e.g. all the histograms of its figures) in at most two passes over its
 * iterations, each iteration's pcoord read once per pass: the range pass (only when a count spec needs the data's
 * range, as w_pdist does) and the histogram pass. Within a pass, a dimension is scanned, and binned on given
 * boundaries, once for all the distributions that need it. One buffer serves every read, so memory stays constant
 * and no fresh memory is mapped per iteration.
 */
export function probabilityDistributions(view: RunView, requests: readonly PdistOptions[]): Pdist[] {
  const plans = requests.map((options) => planOf(view, options));
  const { ndim } = view.pcoord;
  let points: PcoordArray | undefined;

  const ranged = plans.filter((p) => p.counts);
  if (ranged.length > 0) {
    for (const n of coveredIterations(ranged)) {
      points = view.pcoords(n, 'all', points);
      // each dimension scanned once, however many distributions bin it
      const extents = new Map<number, [number, number]>();
      for (const p of ranged) {
        if (p.first > n || n > p.last) continue;
        p.dims.forEach((d, a) => {
          let extent = extents.get(d);
          if (!extent) extents.set(d, (extent = extentOf(points!, ndim, d)));
          p.range.min[a] = Math.min(p.range.min[a], extent[0]);
          p.range.max[a] = Math.max(p.range.max[a], extent[1]);
        });
      }
    }
    for (const p of ranged) {
      p.edges = p.counts!.map((count, a) => {
        if (!(p.range.max[a] >= p.range.min[a])) throw new WeError(`iterations ${p.first} to ${p.last} hold no finite pcoord values in dimension ${p.dims[a]}`, view.source);
        return edgesFromRange(p.range.min[a], p.range.max[a], count);
      });
    }
  }

  const axes = sharedAxes(plans, view.pcoord.dtype);
  const accumulators = plans.map((p, k) => new Accumulator(p, axes[k], view));
  for (const n of coveredIterations(plans)) {
    points = view.pcoords(n, 'all', points);
    const weight = view.weights(n);
    for (const acc of accumulators) {
      if (acc.plan.first > n || n > acc.plan.last) continue;
      if (!acc.fused) for (const axis of acc.bins) axis.bin(n, points, ndim);
      acc.add(n, points, weight);
    }
  }
  return accumulators.map((acc) => acc.result());
}

/** Bin widths as w_pdist's normhistnd takes them: np.diff of the boundaries in the pcoord's precision. */
function widths(edges: Float64Array, dtype: PcoordDtype): Float64Array {
  const out = new Float64Array(edges.length - 1);
  for (let k = 0; k < out.length; k++) out[k] = dtype === 'float32' ? Math.fround(edges[k + 1] - edges[k]) : edges[k + 1] - edges[k];
  return out;
}

/** In place, as normhistnd: 1-D hist /= Σ hist·width; N-D hist /= volume, then hist /= Σ hist. Empty stays 0. */
function normalise(hist: Float64Array, shape: number[], edges: Float64Array[], dtype: PcoordDtype): void {
  const width = edges.map((e) => widths(e, dtype));
  let total = 0;
  if (shape.length === 1) {
    for (let k = 0; k < hist.length; k++) total += hist[k] * width[0][k];
  } else {
    // numpy's multiply.outer of float32 widths multiplies in float32
    const round = dtype === 'float32' ? Math.fround : (x: number) => x;
    const index = new Array<number>(shape.length).fill(0);
    for (let flat = 0; flat < hist.length; flat++) {
      let volume = width[0][index[0]];
      for (let a = 1; a < shape.length; a++) volume = round(volume * width[a][index[a]]);
      hist[flat] /= volume;
      total += hist[flat];
      for (let a = shape.length - 1; a >= 0 && ++index[a] === shape[a]; a--) index[a] = 0;
    }
  }
  if (total > 0) for (let k = 0; k < hist.length; k++) hist[k] /= total;
}
