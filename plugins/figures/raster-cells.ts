/**
 * A heat map's cells as one image in the scene, for the PNG: Vega lays every cell out (position, and colour from
 * the spec's own scale, so a restyled spec is honoured), then the cells of each rect mark are painted here into
 * one RGBA image on the PNG's pixel grid, which replaces them in the scene. The 10^4 cells of a 200-iteration ×
 * 100-bin evolution then cost the SVG and resvg one image instead of 10^4 paths, most of drawing time.
 *
 * The pixels are the ones resvg gives the cells with crispEdges (no anti-aliasing, as render.ts asks for every
 * rect): a pixel belongs to the last cell that covers its centre, and stays transparent, so that the grid drawn
 * below shows through, where no cell does. A mark whose cells use anything this painting does not (strokes,
 * opacity, rounded corners, gradients, a colour given other than as rgb() or hex) is left to the SVG as it is.
 */
import { PNG } from 'pngjs';
import type { View } from 'vega';

/** The parts of Vega's scenegraph read and changed here (vega-scenegraph's mark and item objects). */
interface SceneMark {
  marktype: string;
  clip: boolean;
  /** The group item holding this mark; none for the root. */
  group?: SceneGroup;
  items: object[];
}

interface SceneGroup {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  /** The mark this group item belongs to. */
  mark?: SceneMark;
  items: SceneMark[];
}

interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
  rgba: number;
}

/** Item properties that do not change how an opaque, unstroked rect looks (tooltips and ARIA are not drawn). */
const INERT = new Set(['datum', 'exit', 'mark', 'bounds', 'x', 'x2', 'xc', 'y', 'y2', 'yc', 'width', 'height', 'fill', 'tooltip', 'description', 'aria', 'ariaRoleDescription', 'cursor']);

/** Properties that are harmless at their neutral value. */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  opacity: (v) => v == null || v === 1,
  fillOpacity: (v) => v == null || v === 1,
  stroke: (v) => v == null || v === 'transparent' || v === 'none',
  strokeWidth: (v) => v == null || v === 0,
  cornerRadius: (v) => v == null || v === 0,
  zindex: (v) => v == null || v === 0,
};

/** An opaque colour as 0xRRGGBB, from the forms Vega's scales give (d3's `rgb(r, g, b)`, and hex); else undefined. */
function parseColour(fill: unknown): number | undefined {
  if (typeof fill !== 'string') return undefined;
  const rgb = /^rgb\((\d{1,3}), ?(\d{1,3}), ?(\d{1,3})\)$/.exec(fill);
  if (rgb) {
    const [r, g, b] = rgb.slice(1).map(Number);
    return r < 256 && g < 256 && b < 256 ? (r << 16) | (g << 8) | b : undefined;
  }
  if (/^#[0-9a-f]{6}$/i.test(fill)) return parseInt(fill.slice(1), 16);
  if (/^#[0-9a-f]{3}$/i.test(fill)) return parseInt(fill.slice(1).replace(/./g, '$&$&'), 16);
  return undefined;
}

/** The item as a cell this module can paint, or undefined when it needs the SVG renderer. */
function cellOf(item: Record<string, unknown>): Cell | undefined {
  for (const key in item) {
    if (!INERT.has(key) && !NEUTRAL[key]?.(item[key])) return undefined;
  }
  const rgba = parseColour(item.fill);
  const [x, y, width, height] = [item.x ?? 0, item.y ?? 0, item.width ?? 0, item.height ?? 0];
  if (rgba === undefined || typeof x !== 'number' || typeof y !== 'number' || typeof width !== 'number' || typeof height !== 'number') return undefined;
  // Vega draws a negative extent from the other side
  return { x: Math.min(x, x + width), y: Math.min(y, y + height), width: Math.abs(width), height: Math.abs(height), rgba };
}

/** Where the mark's coordinates start on the canvas: the view's origin plus every enclosing group's offset. */
function markOrigin(mark: SceneMark, origin: [number, number]): [number, number] {
  let [x, y] = origin;
  for (let group = mark.group; group; group = group.mark?.group) {
    x += group.x ?? 0;
    y += group.y ?? 0;
  }
  return [x, y];
}

/** The first and one-past-last pixel whose centre lies in [from, to) on the canvas, at `scale` pixels per unit. */
function pixelSpan(from: number, to: number, scale: number): [number, number] {
  return [Math.ceil(from * scale - 0.5), Math.ceil(to * scale - 0.5)];
}

/** The image item replacing `cells`, or undefined when none of them covers a pixel. */
function paint(cells: Cell[], mark: SceneMark, origin: [number, number], scale: number): object | undefined {
  const [ox, oy] = markOrigin(mark, origin);
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const c of cells) {
    left = Math.min(left, c.x);
    top = Math.min(top, c.y);
    right = Math.max(right, c.x + c.width);
    bottom = Math.max(bottom, c.y + c.height);
  }
  if (mark.clip && mark.group) {
    [left, top] = [Math.max(left, 0), Math.max(top, 0)];
    [right, bottom] = [Math.min(right, mark.group.width ?? 0), Math.min(bottom, mark.group.height ?? 0)];
  }
  const [px0, px1] = pixelSpan(ox + left, ox + right, scale);
  const [py0, py1] = pixelSpan(oy + top, oy + bottom, scale);
  const [width, height] = [px1 - px0, py1 - py0];
  if (width <= 0 || height <= 0) return undefined;
  const png = new PNG({ width, height });
  const pixels = new Uint32Array(png.data.buffer, png.data.byteOffset, width * height);
  for (const c of cells) {
    const [i0, i1] = pixelSpan(ox + c.x, ox + c.x + c.width, scale).map((p) => Math.min(Math.max(p - px0, 0), width));
    const [j0, j1] = pixelSpan(oy + c.y, oy + c.y + c.height, scale).map((p) => Math.min(Math.max(p - py0, 0), height));
    // RGBA bytes in memory, read as one little-endian word
    const word = (0xff000000 | ((c.rgba & 0xff) << 16) | (c.rgba & 0xff00) | (c.rgba >> 16)) >>> 0;
    for (let j = j0; j < j1; j++) pixels.fill(word, j * width + i0, j * width + i1);
  }
  // a fast deflate: the image lives only until resvg decodes it
  const src = `data:image/png;base64,${PNG.sync.write(png, { deflateLevel: 1, filterType: 1 }).toString('base64')}`;
  return { mark, x: px0 / scale - ox, y: py0 / scale - oy, width: width / scale, height: height / scale, aspect: false, smooth: false, image: { src, width, height } };
}

function rasteriseMark(mark: SceneMark, origin: [number, number], scale: number): void {
  if (mark.marktype === 'group') {
    for (const group of mark.items as SceneGroup[]) for (const child of group.items) rasteriseMark(child, origin, scale);
    return;
  }
  if (mark.marktype !== 'rect' || mark.items.length === 0) return;
  const cells: Cell[] = [];
  for (const item of mark.items) {
    const cell = cellOf(item as Record<string, unknown>);
    if (!cell) return;
    cells.push(cell);
  }
  const image = paint(cells, mark, origin, scale);
  mark.marktype = 'image';
  mark.items = image ? [image] : [];
}

/**
 * Replaces, in the view's scene (after it has run), every rect mark this module can paint with one image of its
 * cells on the grid of a rendering at `scale` pixels per unit. The view is then fit only for that rendering.
 */
export function rasteriseCells(view: View, scale: number): void {
  // View.scenegraph() is vega-scenegraph's Scenegraph, whose root mark vega-typings leave out
  rasteriseMark((view.scenegraph() as unknown as { root: SceneMark }).root, view.origin(), scale);
}
