/** Declarations for what `we` uses of packages that ship no types of their own. */

declare module 'opentype.js' {
  namespace opentype {
    interface Glyph {
      advanceWidth?: number;
    }
    interface Font {
      unitsPerEm: number;
      charToGlyph(char: string): Glyph;
    }
  }
  const opentype: { parse(buffer: ArrayBuffer): opentype.Font };
  export default opentype;
}

// vega re-exports vega-scenegraph's textMetrics, whose `width` a renderer without a canvas may replace
// (vl-convert does); vega's typings leave it out.
declare module 'vega' {
  export const textMetrics: {
    width: (item: { fontSize?: number | string; fontWeight?: unknown }, text?: unknown) => number;
  };
}
