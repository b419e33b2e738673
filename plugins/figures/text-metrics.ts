/**
 * Text widths for Vega's layout, from the advance widths of the font the PNG is drawn with. Without a canvas Vega
 * guesses 0.8 em per character, about 1.5 times DejaVu Sans' real width, so every title and label was laid out
 * half as wide again as drawn and figures came out with wide blank margins. Kerning is left out (resvg applies it;
 * it changes a width by well under a character). Set once per thread that lays figures out; the fonts are
 * checked first, since resvg would draw no text at all without them.
 */
import { existsSync, readFileSync } from 'node:fs';
import opentype from 'opentype.js';
import { textMetrics } from 'vega';
import { WeError } from '../../core/errors.js';

let installed = false;

function advance(font: opentype.Font, text: string, size: number): number {
  let units = 0;
  for (const char of text) units += font.charToGlyph(char).advanceWidth ?? 0;
  return (units * size) / font.unitsPerEm;
}

function isBold(weight: unknown): boolean {
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

/** `fontFiles`: the regular face, then the bold one. */
export function useFontMetrics(fontFiles: readonly [string, string]): void {
  if (installed) return;
  const missing = fontFiles.find((file) => !existsSync(file));
  if (missing) throw new WeError('the font figures are drawn with is missing from this installation of we (reinstall it)', missing);
  const [regular, bold] = fontFiles.map((file) => {
    const bytes = readFileSync(file);
    return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  });
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const value = text == null ? '' : String(text).trim();
    return size <= 0 || !value ? 0 : advance(isBold(item.fontWeight) ? bold : regular, value, size);
  };
  installed = true;
}
