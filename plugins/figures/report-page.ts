/**
 * One self-contained HTML file: the run's summary, its figures drawn interactively by vega-embed (drag to pan,
 * wheel to zoom, hover for values, the ⋯ menu to save a PNG/SVG or see the spec), and its we.yaml as written.
 * The vega runtimes and every figure's data are inlined, so the file opens with no network.
 */
import type { Figure } from './figure.js';
import type { SummarySection } from './report-summary.js';

export interface ReportContent {
  title: string;
  summary: SummarySection[];
  figures: Figure[];
  skipped: { id: string; reason: string }[];
  /** we.yaml as written, or why there is none. */
  config: { path: string; text: string } | { absent: string };
  generated: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** JSON that cannot end the <script> element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** A script's text with nothing that would close its element early. */
function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

const STYLE = `
body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
.generated { color: #666; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.92em; }
td { padding: 0.25em 1em 0.25em 0; vertical-align: top; }
td:first-child { color: #555; white-space: nowrap; }
figure { margin: 1.5em 0; }
.hint { color: #666; font-size: 0.85em; }
.skipped { color: #8a6d3b; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; font-size: 0.85em; }
`;

/** Draws every figure; marks each container rendered (or failed) so that a reader, or a test, can tell. */
const EMBED = `
window.weReport = { views: {}, errors: [] };
const specs = JSON.parse(document.getElementById('we-specs').textContent);
for (const [name, spec] of Object.entries(specs)) {
  const el = document.getElementById('figure-' + name);
  vegaEmbed(el, spec, { actions: { export: true, source: true, compiled: false, editor: false } })
    .then((result) => { window.weReport.views[name] = result.view; el.dataset.rendered = 'true'; })
    .catch((error) => { window.weReport.errors.push(name + ': ' + error); el.dataset.rendered = 'failed'; el.textContent = 'This figure could not be drawn: ' + error; });
}
`;

export function reportHtml(content: ReportContent, runtimes: string[]): string {
  const summary = content.summary
    .map((s) => `<h3>${escapeHtml(s.heading)}</h3>\n<table>\n${s.rows.map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`).join('\n')}\n</table>`)
    .join('\n');
  const figures = content.figures
    .map((f) => `<figure><div id="figure-${escapeHtml(f.name)}" class="figure"></div></figure>`)
    .join('\n');
  const skipped = content.skipped.map((s) => `<p class="skipped">No ${escapeHtml(s.id)} figure: ${escapeHtml(s.reason)}</p>`).join('\n');
  const config =
    'text' in content.config
      ? `<p>${escapeHtml(content.config.path)}</p>\n<pre>${escapeHtml(content.config.text)}</pre>`
      : `<p>${escapeHtml(content.config.absent)}</p>`;
  const specs = Object.fromEntries(content.figures.map((f) => [f.name, f.spec]));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
${runtimes.map((code) => `<script>${scriptText(code)}</script>`).join('\n')}
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
<p class="generated">${escapeHtml(content.generated)}</p>
<h2>Summary</h2>
${summary}
<h2>Figures</h2>
<p class="hint">Drag to pan, scroll to zoom, double-click to reset; hover for values; the ⋯ menu saves a figure as PNG or SVG.</p>
${figures}
${skipped}
<h2>Configuration</h2>
${config}
<script type="application/json" id="we-specs">${scriptJson(specs)}</script>
<script>${EMBED}</script>
</body>
</html>
`;
}
