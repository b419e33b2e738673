import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/binning/canonical-json.js';
import { binhash, createBinMapper } from '../core/binning/create.js';
import { walkerSetFrom } from '../core/binning/walkers.js';
import type { BinMapperConfig } from '../core/config/types.js';

const odld: BinMapperConfig = { type: 'rectilinear', boundaries: [Array.from({ length: 102 }, (_, k) => k / 10)] };
const mab: BinMapperConfig = { type: 'mab', nbins: [4], direction: [1], bottleneck: true, leading: true };

describe('createBinMapper', () => {
  it('builds each mapper type', async () => {
    expect((await createBinMapper(odld, 1)).nbins).toBe(101);
    expect((await createBinMapper(mab, 1)).nbins).toBe(4 + 2);
    const nested = await createBinMapper({ type: 'recursive', outer: odld, inner: [{ at: [0.05], mapper: mab }] }, 1);
    expect(nested.nbins).toBe(100 + 6);
    // kept outer bins 1..100 become 0..99; the MAB block (4 linear, leading, bottleneck) starts at 100
    const xs = [[0.15], [9.95], [10.05], [0.02], [0.04], [0.08]];
    expect(Array.from(nested.assign(walkerSetFrom(xs)))).toEqual([0, 98, 99, 100, 105, 104]);
  });

  it('names the field whose dimensionality disagrees with pcoord.ndim', async () => {
    await expect(createBinMapper(odld, 2)).rejects.toThrow('binning.mapper.boundaries: has 1 dimension(s), expected pcoord.ndim = 2');
    await expect(createBinMapper({ ...mab, direction: [1, 1] }, 1)).rejects.toThrow('binning.mapper.direction: has 2 dimension(s)');
    const nested: BinMapperConfig = { type: 'recursive', outer: odld, inner: [{ at: [0.05], mapper: { ...mab, nbins: [2, 2], direction: [0, 0] } }] };
    await expect(createBinMapper(nested, 1)).rejects.toThrow('binning.mapper.inner[0].mapper.nbins: has 2 dimension(s)');
    const badAt: BinMapperConfig = { type: 'recursive', outer: odld, inner: [{ at: [0.05, 1], mapper: mab }] };
    await expect(createBinMapper(badAt, 1)).rejects.toThrow('binning.mapper.inner[0].at: has 2 dimension(s)');
  });

  it('passes the field to errors raised while building a nested mapper', async () => {
    const nested: BinMapperConfig = { type: 'recursive', outer: odld, inner: [{ at: [0.05], mapper: { type: 'rectilinear', boundaries: [[1, 0]] } }] };
    await expect(createBinMapper(nested, 1)).rejects.toThrow('binning.mapper.inner[0].mapper: boundaries[0] must increase strictly');
  });

  it('refuses an adaptive outer mapper', async () => {
    await expect(createBinMapper({ type: 'recursive', outer: mab, inner: [] }, 1)).rejects.toThrow('binning.mapper.outer: is an adaptive (mab) mapper');
  });
});

describe('binhash', () => {
  it('is a 64-character hex SHA-256 that identifies the bin topology', async () => {
    const hash = binhash(await createBinMapper(odld, 1));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(binhash(await createBinMapper(odld, 1))).toBe(hash);
    const moved = { type: 'rectilinear' as const, boundaries: [odld.boundaries[0].map((b, k) => (k === 50 ? 5.05 : b))] };
    expect(binhash(await createBinMapper(moved, 1))).not.toBe(hash);
  });

  it('tells infinite edges apart, which plain JSON would write as null', async () => {
    const lower = await createBinMapper({ type: 'rectilinear', boundaries: [[-Infinity, 0]] }, 1);
    const upper = await createBinMapper({ type: 'rectilinear', boundaries: [[0, Infinity]] }, 1);
    const nulls = { nbins: 1, ndim: 1, assign: () => new Uint32Array(0), describe: () => ({ type: 'rectilinear', boundaries: [[null, 0]] }) };
    expect(binhash(lower)).not.toBe(binhash(upper));
    expect(binhash(lower)).not.toBe(binhash(nulls));
  });

  it('does not depend on the order of nested entries in the same topology', async () => {
    const inner = (x: number): { at: number[]; mapper: BinMapperConfig } => ({ at: [x], mapper: mab });
    const a = await createBinMapper({ type: 'recursive', outer: odld, inner: [inner(0.05), inner(5.05)] }, 1);
    const b = await createBinMapper({ type: 'recursive', outer: odld, inner: [inner(5.01), inner(0.01)] }, 1);
    expect(binhash(a)).toBe(binhash(b));
  });
});

describe('canonicalJson', () => {
  it('sorts keys, writes typed arrays as arrays and non-finite numbers as strings', () => {
    expect(canonicalJson({ b: 1, a: [Infinity, -Infinity, NaN], c: Float64Array.of(0.5), d: undefined })).toBe(
      '{"a":["Infinity","-Infinity","NaN"],"b":1,"c":[0.5]}',
    );
  });

  it('rejects values without a JSON form', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow('value.self refers back to an enclosing object');
    expect(() => canonicalJson({ n: 1n })).toThrow('value.n is a bigint');
  });
});
