/**
 * A figure's Vega-Lite spec drawn to PNG with no browser, display or canvas: vega-lite compiles it to Vega, Vega's
 * headless view renders SVG, resvg rasterises the SVG. Text uses the DejaVu Sans files shipped in fonts/, never
 * the system's fonts, so a PNG looks the same on every machine, also one with no font installed.
 */
import { renderAsync } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { View, parse, type Mark } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { WeError } from '../../core/errors.js';
import { rasteriseCells } from './raster-cells.js';
import { useFontMetrics } from './text-metrics.js';

/** Pixels per CSS pixel of the spec: sharp on high-density screens and in slides. */
const PNG_SCALE = 2;

/** The repository (or installed package) root: the nearest folder above this module holding package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

const FONT_DIR = join(packageRoot(), 'plugins/figures/fonts');
const FONT_FILES = [join(FONT_DIR, 'DejaVuSans.ttf'), join(FONT_DIR, 'DejaVuSans-Bold.ttf')] as const;

/**
 * Heat-map cells drawn without anti-aliasing: adjacent cells then meet without faint seams, and resvg fills
 * 10^4 cells in half the time. Lines, areas, points and text stay anti-aliased.
 */
const CRISP_RECTS = '<style>.mark-rect path { shape-rendering: crispEdges }</style>';

/** Tooltips are not drawn in a PNG: Vega need not format one per cell (the spec keeps them for `we report`). */
function withoutTooltips(marks: Mark[] | undefined): void {
  for (const mark of marks ?? []) {
    for (const set of Object.values(mark.encode ?? {})) delete (set as Record<string, unknown>).tooltip;
    if (mark.type === 'group') withoutTooltips(mark.marks);
  }
}

/**
 * The SVG that svgToPng rasterises: the figure as the spec draws it, without what a PNG cannot show (tooltips;
 * ARIA labels, off unless the spec's config turns them on), and with heat-map cells as one image on the PNG's pixel
 * grid (raster-cells.ts). Not a standalone vector figure: the cells are pixels.
 */
export async function renderSvg(spec: TopLevelSpec, what: string): Promise<string> {
  useFontMetrics(FONT_FILES);
  let view: View;
  try {
    const vega = compile(spec, { config: { aria: false } }).spec;
    withoutTooltips(vega.marks);
    view = new View(parse(vega), { renderer: 'none' });
  } catch (error) {
    throw new WeError(`not a Vega-Lite spec we can draw: ${(error as Error).message}`, what);
  }
  try {
    await view.runAsync();
    rasteriseCells(view, PNG_SCALE);
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  useFontMetrics(FONT_FILES);
  const styled = svg.replace(/^(<svg[^>]*>)/, `$1${CRISP_RECTS}`);
  const image = await renderAsync(styled, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    font: { loadSystemFonts: false, fontFiles: [...FONT_FILES], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return image.asPng();
}

export async function renderPng(spec: TopLevelSpec, what: string): Promise<Buffer> {
  return svgToPng(await renderSvg(spec, what));
}
