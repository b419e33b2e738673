/**
 * A figure of a run: a Vega-Lite spec holding its own data, so that the same spec is drawn to PNG by `we plot`,
 * interactively by `we report`, and again by a user who restyles it (`we plot --from-spec FILE`). What every
 * figure shares is here: the font (shipped, so text renders where no font is installed), sizes, zoom.
 */
import type { TopLevelSpec } from 'vega-lite';

/** Every figure a run can give, in the order they are drawn. */
export const FIGURE_IDS = ['evolution', 'distribution', 'flux', 'walkers', 'timing'] as const;

export type FigureId = (typeof FIGURE_IDS)[number];

export interface Figure {
  id: FigureId;
  /** File name without extension: the PNG is `<name>.png`, its spec `<name>.vl.json`. */
  name: string;
  title: string;
  spec: TopLevelSpec;
}

/** The font files shipped in fonts/ (DejaVu Sans); browsers fall back to their own sans-serif. */
export const FONT_FAMILY = 'DejaVu Sans, Verdana, sans-serif';

export const WIDTH = 640;
export const HEIGHT = 360;
/** Height of each panel of a figure made of panels stacked over a shared iteration axis. */
export const PANEL_HEIGHT = 150;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Figure-wide settings (Vega-Lite `config`): what a user changes to restyle every part at once. */
export const CONFIG = {
  font: FONT_FAMILY,
  background: 'white',
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' as const, offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' as const },
  view: { stroke: '#bbb' },
};

/** Iterations are whole numbers: no tick between two of them; labels that would touch are thinned out. */
export const ITERATION_AXIS = { tickMinStep: 1, format: 'd', labelOverlap: true, labelSeparation: 4 };

/** Drag to pan, wheel to zoom (in `we report`; a PNG shows the full extent). Names must be unique per figure. */
export function zoom(name: string) {
  return { name, select: 'interval' as const, bind: 'scales' as const };
}

/** The spec's `usermeta`: where it came from and how to redraw it after editing (Vega-Lite ignores it). */
export function madeBy(name: string) {
  return { we: { made_by: 'we plot / we report', redraw: `we plot --from-spec ${name}.vl.json` } };
}

/** Numbers written into a spec's data: enough digits for any plot or tooltip, far fewer bytes than 17. */
export function short(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}
