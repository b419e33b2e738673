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

/** Per iteration × dimension: min and max over all timepoints. */
function scanRange(points: PcoordArray, ndim: number, dims: number[], range: { min: number[]; max: number[] }): void {
  dims.forEach((d, a) => {
    let min = range.min[a];
    let max = range.max[a];
    for (let i = d; i < points.length; i += ndim) {
      const x = points[i];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    range.min[a] = min;
    range.max[a] = max;
  });
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

/** One pdist's histograms being filled, iteration by iteration. */
class Accumulator {
  readonly axes: HistogramAxis[];
  readonly shape: number[];
  readonly histograms: Float64Array;
  private readonly size: number;
  private readonly strides: number[];
  private readonly searches: (EvenSearch | BoundarySearch)[];
  private readonly compared: Float64Array[];
  private readonly bin: Int32Array;

  constructor(
    readonly plan: Plan,
    private readonly view: RunView,
  ) {
    const { dims, edges, first, last } = plan;
    const { dtype } = view.pcoord;
    this.axes = dims.map((d, a) => axisOf(d, edges[a]));
    this.shape = this.axes.map((axis) => axis.edges.length - 1);
    this.compared = edges.map((e) => comparedEdges(e, dtype));
    this.searches = this.compared.map(searchFor);
    this.size = this.shape.reduce((a, b) => a * b, 1);
    this.strides = this.shape.map((_, a) => this.shape.slice(a + 1).reduce((x, y) => x * y, 1));
    this.histograms = new Float64Array((last - first + 1) * this.size);
    this.bin = new Int32Array(dims.length);
  }

  private outside(n: number, s: number, t: number, a: number, x: number): WeError {
    const { axes, shape } = this;
    return new WeError(
      `iteration ${n}, segment ${s}, timepoint ${t}: pcoord dimension ${this.plan.dims[a]} = ${x} is outside the bins ` +
        `[${axes[a].edges[0]}, ${axes[a].edges[shape[a]]}) (widen --bins or pass --loose to drop such points)`,
      this.view.source,
    );
  }

  add(n: number, points: PcoordArray, weight: Float64Array): void {
    const { first, dims, loose } = this.plan;
    const { len, ndim } = this.view.pcoord;
    const { shape, searches, strides, bin } = this;
    const out = this.histograms.subarray((n - first) * this.size, (n - first + 1) * this.size);
    const firstRow = n === first ? 0 : 1;
    if (dims.length === 1 && searches[0] instanceof EvenSearch) {
      // the usual case (w_pdist's default bins)
      const at = addEven(searches[0], points, weight, this.view.pcoord, dims[0], firstRow, loose, out);
      if (at >= 0) throw this.outside(n, Math.floor(at / (len * ndim)), Math.floor(at / ndim) % len, 0, points[at]);
    } else if (dims.length === 1) {
      // boundaries given, without the per-axis bookkeeping
      const search = searches[0];
      const nb = shape[0];
      const d = dims[0];
      for (let s = 0; s < weight.length; s++) {
        const w = weight[s];
        for (let t = firstRow, at = (s * len + firstRow) * ndim + d; t < len; t++, at += ndim) {
          const k = search.count(points[at]) - 1;
          if (k >= 0 && k < nb) out[k] += w;
          else if (!loose) throw this.outside(n, s, t, 0, points[at]);
        }
      }
    } else {
      for (let s = 0; s < weight.length; s++) {
        for (let t = firstRow; t < len; t++) {
          const base = (s * len + t) * ndim;
          let flat = 0;
          let inside = true;
          for (let a = 0; a < dims.length; a++) {
            const x = points[base + dims[a]];
            bin[a] = searches[a].count(x) - 1;
            if (bin[a] < 0 || bin[a] >= shape[a]) {
              if (!loose) throw this.outside(n, s, t, a, x);
              inside = false;
              break;
            }
            flat += bin[a] * strides[a];
          }
          if (inside) out[flat] += weight[s];
        }
      }
    }
    normalise(out, shape, this.compared, this.view.pcoord.dtype);
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
 * range, as w_pdist does) and the histogram pass. One buffer serves every read, so memory stays constant and no
 * fresh memory is mapped per iteration.
 */
export function probabilityDistributions(view: RunView, requests: readonly PdistOptions[]): Pdist[] {
  const plans = requests.map((options) => planOf(view, options));
  const { ndim } = view.pcoord;
  let points: PcoordArray | undefined;

  const ranged = plans.filter((p) => p.counts);
  if (ranged.length > 0) {
    for (const n of coveredIterations(ranged)) {
      points = view.pcoords(n, 'all', points);
      for (const p of ranged) if (p.first <= n && n <= p.last) scanRange(points, ndim, p.dims, p.range);
    }
    for (const p of ranged) {
      p.edges = p.counts!.map((count, a) => {
        if (!(p.range.max[a] >= p.range.min[a])) throw new WeError(`iterations ${p.first} to ${p.last} hold no finite pcoord values in dimension ${p.dims[a]}`, view.source);
        return edgesFromRange(p.range.min[a], p.range.max[a], count);
      });
    }
  }

  const accumulators = plans.map((p) => new Accumulator(p, view));
  for (const n of coveredIterations(plans)) {
    points = view.pcoords(n, 'all', points);
    const weight = view.weights(n);
    for (const acc of accumulators) if (acc.plan.first <= n && n <= acc.plan.last) acc.add(n, points, weight);
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
