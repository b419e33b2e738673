/**
 * Nested binning, as WESTPA's RecursiveBinMapper: each inner mapper replaces the outer bin containing its
 * point `at`. Numbering (WESTPA's): the outer bins that are not replaced come first, numbered consecutively in
 * outer-bin order; then each replaced outer bin, in increasing outer-bin order, contributes its inner mapper's
 * bins as one contiguous block. An entry whose `at` falls in an outer bin that an earlier entry already replaced
 * is nested one level deeper: it replaces the bin of that earlier inner mapper containing `at` (WESTPA's
 * add_mapper does the same), so entries sharing an outer bin form a RecursiveBinMapper of their own.
 * Inner mappers see only their own walkers, as a compact WalkerSet, so adaptive mappers (MAB) inside a bin
 * place their boundaries from that bin's walkers alone.
 */
import { WeError } from '../errors.js';
import type { BinMapper } from '../plugins.js';
import type { WalkerSet } from '../types.js';
import { checkWalkers, MAX_BINS, outputFor, subsetWalkers, walkerSetFrom } from './walkers.js';

export interface InnerMapper {
  at: number[];
  mapper: BinMapper;
}

interface Replacement {
  outerBin: number;
  mapper: BinMapper;
  /** First bin number of this mapper's block. */
  offset: number;
}

const NOT_REPLACED = -1;

export class RecursiveBinMapper implements BinMapper {
  readonly ndim: number;
  readonly nbins: number;
  /** Sorted by outer bin. */
  private readonly replacements: Replacement[];
  /** Per outer bin: its final bin number if kept, else NOT_REPLACED − (index into replacements). */
  private readonly outerMap: Float64Array;

  constructor(
    private readonly outer: BinMapper,
    inner: InnerMapper[],
    private readonly where = 'recursive bin mapper',
  ) {
    this.ndim = outer.ndim;
    const byOuterBin = new Map<number, InnerMapper[]>();
    inner.forEach((entry, k) => {
      if (entry.at.length !== this.ndim) {
        throw new WeError(`inner[${k}].at has ${entry.at.length} coordinates, expected ${this.ndim} (the outer mapper's ndim)`, where);
      }
      if (entry.mapper.ndim !== this.ndim) {
        throw new WeError(`inner[${k}].mapper has ndim ${entry.mapper.ndim}, expected ${this.ndim} (the outer mapper's ndim)`, where);
      }
      const bin = binOf(outer, entry.at, `inner[${k}].at`, where);
      byOuterBin.set(bin, [...(byOuterBin.get(bin) ?? []), entry]);
    });

    const replacedBins = [...byOuterBin.keys()].sort((a, b) => a - b);
    this.outerMap = new Float64Array(outer.nbins);
    let next = 0;
    for (let b = 0; b < outer.nbins; b++) this.outerMap[b] = byOuterBin.has(b) ? NOT_REPLACED : next++;
    this.replacements = replacedBins.map((outerBin, r) => {
      const [first, ...deeper] = byOuterBin.get(outerBin)!;
      const mapper = deeper.length === 0 ? first.mapper : new RecursiveBinMapper(first.mapper, deeper, where);
      this.outerMap[outerBin] = NOT_REPLACED - r;
      const offset = next;
      next += mapper.nbins;
      return { outerBin, mapper, offset };
    });
    if (next > MAX_BINS) throw new WeError(`nesting makes ${next} bins, more than the ${MAX_BINS} bin indices can hold`, where);
    this.nbins = next;
  }

  assign(walkers: WalkerSet, out?: Uint32Array): Uint32Array {
    checkWalkers(walkers, this.ndim, this.where);
    const result = outputFor(out, walkers.n, this.where);
    const n = walkers.n;
    this.outer.assign(walkers, result);

    // Counting sort of the walkers in replaced bins by replacement, so each inner mapper gets one gather.
    const start = new Uint32Array(this.replacements.length + 1);
    for (let i = 0; i < n; i++) {
      const code = this.outerMap[result[i]];
      if (code < 0) start[NOT_REPLACED - code + 1]++;
    }
    for (let r = 0; r < this.replacements.length; r++) start[r + 1] += start[r];
    const members = new Uint32Array(start[this.replacements.length]);
    const fill = start.slice(0, this.replacements.length);
    for (let i = 0; i < n; i++) {
      const code = this.outerMap[result[i]];
      if (code < 0) members[fill[NOT_REPLACED - code]++] = i;
      else result[i] = code;
    }

    this.replacements.forEach(({ mapper, offset }, r) => {
      if (start[r + 1] === start[r]) return;
      const bins = mapper.assign(subsetWalkers(walkers, members, start[r], start[r + 1]));
      for (let k = 0; k < bins.length; k++) result[members[start[r] + k]] = offset + bins[k];
    });
    return result;
  }

  describe(): unknown {
    return {
      type: 'recursive',
      outer: this.outer.describe(),
      inner: this.replacements.map(({ outerBin, mapper }) => ({ outerBin, mapper: mapper.describe() })),
    };
  }
}

function binOf(mapper: BinMapper, at: number[], field: string, where: string): number {
  try {
    return mapper.assign(walkerSetFrom([at]))[0];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WeError(`${field} = [${at.join(', ')}] lies in no bin of the outer mapper (${reason})`, where);
  }
}
