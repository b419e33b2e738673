/**
 * `we plot` on the ODLD example's run, on a west.h5 in WESTPA's own layout and on a 2-D (latent-like) run: every
 * figure the run can give is a PNG of the right size that shows data (coloured pixels, where axes and text are
 * grey), beside a spec that is valid Vega-Lite holding that data; a restyled spec redraws; figures the run cannot
 * give are named with the reason.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { pathToFileURL } from 'node:url';
import { copyExample, repoRoot, we } from './helpers/cli.js';
import { readPng } from './helpers/png.js';
import { tempDir } from './helpers/temp-dir.js';
import { westpaLayoutRun } from './helpers/westpa-layout.js';

/** Data rows of a spec, wherever its parts keep them. */
function dataRows(spec: unknown): number {
  if (!spec || typeof spec !== 'object') return 0;
  const values = (spec as { data?: { values?: unknown[] } }).data?.values?.length ?? 0;
  return values + Object.values(spec).reduce<number>((sum, part) => sum + (Array.isArray(part) ? part.reduce<number>((s, p) => s + dataRows(p), 0) : 0), 0);
}

/** The spec compiles (vega-lite) and runs (vega) without error, and its scene holds marks. */
async function checkSpec(path: string): Promise<TopLevelSpec> {
  const spec = JSON.parse(readFileSync(path, 'utf8')) as TopLevelSpec;
  expect(spec.$schema).toMatch(/vega-lite\/v6\.json$/);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  await view.runAsync();
  expect((await view.toSVG()).length).toBeGreaterThan(1000);
  view.finalize();
  expect(dataRows(spec), path).toBeGreaterThan(0);
  return spec;
}

/**
 * The PNG is whole, twice the spec's CSS size or so, at least `share` of it carries colour, and it has no blank
 * right margin (text laid out as wide as it is drawn, not by Vega's canvas-less guess of 0.8 em a character).
 */
function checkPng(path: string, share: number): void {
  const png = readPng(path);
  expect(png.width, path).toBeGreaterThan(1000);
  expect(png.height, path).toBeGreaterThan(400);
  expect(png.coloured / (png.width * png.height), path).toBeGreaterThan(share);
  expect(png.rightmostInk / png.width, path).toBeGreaterThan(0.93);
}

/** Heat maps fill much of their plot; line figures ink a little of it. */
const SHARE = { evolution: 0.1, distribution: 0.003, flux: 0.002, walkers: 0.002, timing: 0.002 };

function figureFiles(dir: string): string[] {
  return readdirSync(dir).sort();
}

describe('we plot', () => {
  it('draws the ODLD example run: evolution, walkers and bins, timing; names the figures it cannot give', async () => {
    const dir = copyExample('odld');
    expect((await we(['init'], dir)).exitCode).toBe(0);
    expect((await we(['run', '--max-iter', '8'], dir)).exitCode).toBe(0);
    const run = await we(['plot'], dir);
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain('wrote figures/evolution-dim0.png and .vl.json');
    expect(run.stdout).toContain('no distribution figure: the pcoord is 1-dimensional');
    expect(run.stdout).toMatch(/no flux figure: --window: no flux into any target in iterations 1 to 8/);
    const out = join(dir, 'figures');
    expect(figureFiles(out)).toEqual(['evolution-dim0.png', 'evolution-dim0.vl.json', 'timing.png', 'timing.vl.json', 'walkers.png', 'walkers.vl.json']);
    checkPng(join(out, 'evolution-dim0.png'), SHARE.evolution);
    checkPng(join(out, 'walkers.png'), SHARE.walkers);
    checkPng(join(out, 'timing.png'), SHARE.timing);
    const evolution = await checkSpec(join(out, 'evolution-dim0.vl.json'));
    await checkSpec(join(out, 'walkers.vl.json'));
    await checkSpec(join(out, 'timing.vl.json'));
    // eight iterations of walkers, the occupied bins from we.yaml's mapper
    const walkers = JSON.parse(readFileSync(join(out, 'walkers.vl.json'), 'utf8')) as { data: { values: { iteration: number; walkers: number; occupied_bins: number }[] } };
    expect(walkers.data.values.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(walkers.data.values[0]).toEqual({ iteration: 1, walkers: 10, occupied_bins: 1 });
    expect(walkers.data.values[7].occupied_bins).toBeGreaterThan(5);

    // restyled: another colour scheme and title, redrawn from the spec alone
    const restyled = JSON.stringify(evolution).replace('"viridis"', '"greys"').replace('Distribution of', 'Restyled:');
    writeFileSync(join(dir, 'mine.vl.json'), restyled);
    const redraw = await we(['plot', '--from-spec', 'mine.vl.json'], dir);
    expect(redraw.exitCode, redraw.all).toBe(0);
    expect(redraw.stdout.trim()).toBe('wrote mine.png');
    const grey = readPng(join(dir, 'mine.png'));
    expect(grey.inked / (grey.width * grey.height)).toBeGreaterThan(SHARE.evolution);
    expect(grey.coloured).toBeLessThan(readPng(join(out, 'evolution-dim0.png')).coloured / 20);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it("draws a WESTPA run's west.h5 with or without its we.yaml: the flux and the rate with its interval", async () => {
    const dir = await westpaLayoutRun({ iterations: 20 });
    const bare = await we(['plot', '-W', 'west.h5', '-o', 'bare', '--tau', '10ps'], dir);
    expect(bare.exitCode, bare.all).toBe(0);
    expect(figureFiles(join(dir, 'bare'))).toEqual(
      ['evolution-dim0', 'flux', 'timing', 'walkers'].flatMap((f) => [`${f}.png`, `${f}.vl.json`]),
    );
    for (const f of ['evolution-dim0', 'flux', 'walkers', 'timing'] as const) {
      checkPng(join(dir, 'bare', `${f}.png`), SHARE[f === 'evolution-dim0' ? 'evolution' : f]);
      await checkSpec(join(dir, 'bare', `${f}.vl.json`));
    }
    // the rate per second (τ = 10 ps), with intervals around it, cumulative up to the last iteration
    const flux = JSON.parse(readFileSync(join(dir, 'bare', 'flux.vl.json'), 'utf8')) as {
      vconcat: [{ data: { values: { iteration: number; flux: number }[] } }, { data: { values: { iteration: number; rate: number; ci_lbound: number; ci_ubound: number }[] } }];
    };
    const [fluxPanel, ratePanel] = flux.vconcat;
    expect(fluxPanel.data.values).toHaveLength(20);
    expect(fluxPanel.data.values.some((r) => r.flux > 0)).toBe(true);
    const rates = ratePanel.data.values;
    expect(rates[rates.length - 1].iteration).toBe(20);
    const final = rates[rates.length - 1];
    expect(final.ci_lbound).toBeLessThanOrEqual(final.rate);
    expect(final.ci_ubound).toBeGreaterThanOrEqual(final.rate);
    // the same cumulative evolution as we kinetics computes (one point per iteration for a 20-iteration window)
    const kinetics = await we(['kinetics', '-W', 'west.h5', '--no-hamsm', '--evolution', 'cumulative', '--step-iter', '1', '--json'], dir);
    expect(kinetics.exitCode, kinetics.all).toBe(0);
    const evolution = (JSON.parse(kinetics.stdout) as { targets: { evolution: { iter_stop: number; expected: number; ci_lbound: number; ci_ubound: number }[] }[] }).targets[0].evolution;
    expect(rates.map((r) => r.iteration)).toEqual(evolution.map((p) => p.iter_stop - 1));
    rates.forEach((r, k) => {
      for (const [ours, theirs] of [[r.rate, evolution[k].expected], [r.ci_lbound, evolution[k].ci_lbound], [r.ci_ubound, evolution[k].ci_ubound]]) {
        expect(Math.abs(ours * 10e-12 - theirs)).toBeLessThanOrEqual(1e-5 * Math.abs(theirs));
      }
    });
    // without we.yaml the bins are unknown: walkers only
    const bareWalkers = JSON.parse(readFileSync(join(dir, 'bare', 'walkers.vl.json'), 'utf8')) as { vconcat: unknown[] };
    expect(bareWalkers.vconcat).toHaveLength(1);

    // through its we.yaml: occupied bins too, and only the figures asked for
    const named = await we(['plot', '--figures', 'walkers', '--first-iter', '5', '--last-iter', '12'], dir);
    expect(named.exitCode, named.all).toBe(0);
    expect(figureFiles(join(dir, 'figures'))).toEqual(['walkers.png', 'walkers.vl.json']);
    const walkers = JSON.parse(readFileSync(join(dir, 'figures', 'walkers.vl.json'), 'utf8')) as { vconcat: unknown[]; data: { values: { iteration: number }[] } };
    expect(walkers.vconcat).toHaveLength(2);
    expect(walkers.data.values.map((r) => r.iteration)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('draws a 2-D run: an evolution per dimension and the distribution over both, averaged over the window', async () => {
    const dir = tempDir('latent-walk');
    cpSync(join(repoRoot, 'test/fixtures/latent-walk'), dir, { recursive: true });
    expect((await we(['init'], dir)).exitCode).toBe(0);
    const ran = await we(['run'], dir);
    expect(ran.exitCode, ran.all).toBe(0);
    const run = await we(['plot', '--figures', 'evolution,distribution,timing', '--window', '3:6', '--label', '0=latent 1 (a.u.)', '--label', '1=latent 2 (a.u.)', '--bins', '40'], dir);
    expect(run.exitCode, run.all).toBe(0);
    const out = join(dir, 'figures');
    expect(figureFiles(out)).toEqual(
      ['distribution-dim0-dim1', 'evolution-dim0', 'evolution-dim1', 'timing'].flatMap((f) => [`${f}.png`, `${f}.vl.json`]),
    );
    checkPng(join(out, 'distribution-dim0-dim1.png'), SHARE.distribution);
    checkPng(join(out, 'evolution-dim1.png'), SHARE.evolution / 4);
    checkPng(join(out, 'timing.png'), SHARE.timing);
    const spec = (await checkSpec(join(out, 'distribution-dim0-dim1.vl.json'))) as unknown as {
      title: { text: string; subtitle: string };
      layer: [{ data: { values: { neg_ln_p: number }[] }; encoding: { x: { title: string } } }, { data: { values: { kind: string; label: string }[] } }];
    };
    expect(spec.title.subtitle).toContain('averaged over iterations 3 to 6, 40 × 40 bins');
    expect(spec.layer[0].encoding.x.title).toBe('latent 1 (a.u.)');
    expect(Math.min(...spec.layer[0].data.values.map((r) => r.neg_ln_p))).toBe(0);
    expect(spec.layer[1].data.values.map((s) => `${s.kind} ${s.label}`)).toEqual(['basis state origin', 'target state corner']);
    // the segments ran as scripts, so the timing figure has their wall times
    const timing = JSON.parse(readFileSync(join(out, 'timing.vl.json'), 'utf8')) as { vconcat: [{ data: { values: { part: string; seconds: number }[] } }] };
    expect(timing.vconcat[0].data.values.filter((r) => r.part === 'longest segment').every((r) => r.seconds > 0)).toBe(true);
  });

  it('draws on its PNG thread what the main thread would, and reports a spec it cannot draw as one named line', async () => {
    // the built modules, as `we plot` runs them: the thread's entry is the compiled png-thread.js
    const dist = (path: string) => import(pathToFileURL(join(repoRoot, 'dist', path)).href);
    const [{ PngWorker }, { renderPng }, { WeError }] = await Promise.all([dist('plugins/figures/png-worker.js'), dist('plugins/figures/render.js'), dist('core/errors.js')]);
    const spec = { data: { values: [{ x: 1, y: 2, c: 0.5 }, { x: 2, y: 2, c: 1.5 }] }, mark: 'rect', encoding: { x: { field: 'x', type: 'ordinal' }, y: { field: 'y', type: 'ordinal' }, color: { field: 'c', type: 'quantitative' } } };
    const drawer = new PngWorker();
    try {
      const [png, bad] = await Promise.allSettled([drawer.draw(spec, 'cells'), drawer.draw({ mark: { type: 'no-such-mark' } }, 'mine.vl.json')]);
      expect(png.status === 'fulfilled' && png.value.equals(await renderPng(spec, 'cells'))).toBe(true);
      expect(bad.status).toBe('rejected');
      const error = (bad as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(WeError);
      expect(error.message).toMatch(/^mine\.vl\.json: not a Vega-Lite spec we can draw: [^\n]+$/);
    } finally {
      await drawer.close();
    }
  });
});
