/** `we plot`: the run's figures to PNG, each beside its spec; or (re)draws given specs. */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { WeError, failureReason } from '../../core/errors.js';
import { PngWorker } from '../../plugins/figures/png-worker.js';
import { writeFileAtomic } from '../../plugins/staging/atomic-file.js';
import type { AnalysisSource } from '../analysis-run.js';
import type { FigureFlags } from '../figure-options.js';
import { withRunFigures } from '../run-figures.js';

export async function plot(source: AnalysisSource, outputDir: string, flags: FigureFlags): Promise<void> {
  const dir = resolve(outputDir);
  // each figure is drawn on the PNG thread as soon as it is made, while the next ones are computed here
  const drawer = new PngWorker();
  try {
    const pngs: Promise<Buffer>[] = [];
    const result = await withRunFigures(source, flags, (_run, _settings, figures) => figures, (figure) => pngs.push(drawer.draw(figure.spec, figure.name)));
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw new WeError(`cannot create the folder: ${failureReason(error)}`, outputDir);
    });
    const rendered = await Promise.all(pngs);
    for (const [k, figure] of result.figures.entries()) {
      await writeFileAtomic(join(dir, `${figure.name}.vl.json`), `${JSON.stringify(figure.spec, null, 1)}\n`);
      await writeFileAtomic(join(dir, `${figure.name}.png`), rendered[k]);
      console.log(`wrote ${join(outputDir, figure.name)}.png and .vl.json: ${figure.title}`);
    }
    for (const { id, reason } of result.skipped) console.log(`no ${id} figure: ${reason}`);
  } finally {
    await drawer.close();
  }
}

export async function plotSpecs(files: string[]): Promise<void> {
  // here, not at the top: `we plot` from a run draws on the PNG thread and need not load Vega in this one
  const { renderPng } = await import('../../plugins/figures/render.js');
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
