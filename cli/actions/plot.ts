/** `we plot`: the run's figures to PNG, each beside its spec; or (re)draws given specs. */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { WeError, failureReason } from '../../core/errors.js';
import { renderPng, renderSvg, svgToPng } from '../../plugins/figures/render.js';
import { writeFileAtomic } from '../../plugins/staging/atomic-file.js';
import type { AnalysisSource } from '../analysis-run.js';
import type { FigureFlags } from '../figure-options.js';
import { withRunFigures } from '../run-figures.js';

export async function plot(source: AnalysisSource, outputDir: string, flags: FigureFlags): Promise<void> {
  const result = await withRunFigures(source, flags, (_run, _settings, figures) => figures);
  const dir = resolve(outputDir);
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw new WeError(`cannot create the folder: ${failureReason(error)}`, outputDir);
  });
  // Vega's SVG (JavaScript) of the next figure is made while resvg rasterises the last one on another thread.
  const pngs: Promise<Buffer>[] = [];
  for (const figure of result.figures) pngs.push(svgToPng(await renderSvg(figure.spec, figure.name)));
  const rendered = await Promise.all(pngs);
  for (const [k, figure] of result.figures.entries()) {
    await writeFileAtomic(join(dir, `${figure.name}.vl.json`), `${JSON.stringify(figure.spec, null, 1)}\n`);
    await writeFileAtomic(join(dir, `${figure.name}.png`), rendered[k]);
    console.log(`wrote ${join(outputDir, figure.name)}.png and .vl.json: ${figure.title}`);
  }
  for (const { id, reason } of result.skipped) console.log(`no ${id} figure: ${reason}`);
}

export async function plotSpecs(files: string[]): Promise<void> {
  for (const file of files) {
    let spec: TopLevelSpec;
    try {
      spec = JSON.parse(await readFile(file, 'utf8')) as TopLevelSpec;
    } catch (error) {
      throw new WeError(error instanceof SyntaxError ? `not JSON: ${error.message}` : `cannot read: ${failureReason(error)}`, file);
    }
    const png = file.replace(/(\.vl)?\.json$/, '') + '.png';
    await writeFileAtomic(png, await renderPng(spec, file));
    console.log(`wrote ${png}`);
  }
}
