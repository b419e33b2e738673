/** What a PNG a test made shows: its size and how many of its pixels carry colour (data, not text or axes). */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface PngContent {
  width: number;
  height: number;
  /** Pixels that are not near-white. */
  inked: number;
  /** Pixels whose channels differ by more than 60: colour, where axes, grid and text are grey or black. */
  coloured: number;
  /** Column of the rightmost inked pixel: how much of the width the figure uses. */
  rightmostInk: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function readPng(path: string): PngContent {
  const bytes = readFileSync(path);
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${path} does not start with the PNG signature`);
  const png = PNG.sync.read(bytes);
  let inked = 0;
  let coloured = 0;
  let rightmostInk = -1;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (Math.min(r, g, b) < 245) {
      inked++;
      rightmostInk = Math.max(rightmostInk, (i / 4) % png.width);
    }
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
  }
  return { width: png.width, height: png.height, inked, coloured, rightmostInk };
}
