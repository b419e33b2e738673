/** `we report`: the run's summary, figures and configuration in one self-contained HTML file. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { failureReason } from '../../core/errors.js';
import { reportHtml, type ReportContent } from '../../plugins/figures/report-page.js';
import { reportSummary } from '../../plugins/figures/report-summary.js';
import { browserRuntimes } from '../../plugins/figures/runtimes.js';
import { writeFileAtomic } from '../../plugins/staging/atomic-file.js';
import type { AnalysisSource } from '../analysis-run.js';
import type { FigureFlags } from '../figure-options.js';
import { withRunFigures } from '../run-figures.js';

export async function report(source: AnalysisSource, output: string, flags: FigureFlags): Promise<void> {
  const content = await withRunFigures(source, flags, async (run, settings, figures): Promise<ReportContent> => {
    const summary = reportSummary({ view: run.view, figures, range: settings.range, nbins: settings.mapper?.nbins, tauSeconds: settings.tauSeconds });
    let config: ReportContent['config'] = { absent: `No we.yaml: ${run.view.source} was read on its own (-W).` };
    if (run.config) {
      const path = run.config.file;
      config = await readFile(path, 'utf8').then(
        (text) => ({ path, text }),
        (error: unknown) => ({ absent: `${path} could not be read again: ${failureReason(error)}` }),
      );
    }
    return {
      title: `we report: ${settings.source}`,
      summary,
      figures: figures.figures,
      skipped: figures.skipped,
      config,
      generated: `Made by we report on ${new Date().toISOString()} from ${run.view.source}, iterations ${settings.range.first} to ${settings.range.last}.`,
    };
  });
  await writeFileAtomic(resolve(output), reportHtml(content, await browserRuntimes()));
  console.log(`wrote ${output}: ${content.figures.length} figures (${content.figures.map((f) => f.name).join(', ')})`);
  for (const { id, reason } of content.skipped) console.log(`no ${id} figure: ${reason}`);
}
