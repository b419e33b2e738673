/** The text of an imported we.yaml: the values, a comment on each saying where it came from, the report on top. */
import { Document, isMap, isPair, isScalar, isSeq, visit, type Node, type Pair } from 'yaml';
import type { ReportLine } from './west-cfg.js';

export function formatReportLine(line: ReportLine): string {
  return `${line.where}: ${line.key}: ${line.message}`;
}

/** The pair whose value is at `path` (dotted we.yaml path), if there is one. */
function pairAt(doc: Document, path: string[]): Pair | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  return parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === path[path.length - 1]) as Pair | undefined;
}

export function weYamlText(content: Record<string, unknown>, origin: Map<string, string>, header: string[], report: ReportLine[]): string {
  const doc = new Document(content);
  // Lists of numbers and names read best on one line: bin edges, a pcoord, dataset names.
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
  });
  const wallclock = doc.get('max_wallclock', true);
  if (isScalar(wallclock)) wallclock.type = 'QUOTE_DOUBLE';
  for (const [path, text] of origin) {
    const pair = pairAt(doc, path.split('.'));
    if (!pair) continue;
    const value = pair.value as Node | null;
    if (isScalar(value) || (isSeq(value) && value.flow)) value.comment = ` ${text}`;
    else if (isScalar(pair.key)) pair.key.commentBefore = ` ${text}`;
  }
  if (isMap(doc.contents)) doc.contents.items.forEach((pair, i) => i > 0 && isScalar(pair.key) && (pair.key.spaceBefore = true));
  const notes = report.length ? ['', 'What was not carried, or carried differently (one line per key; see docs/from-westpa.md):', ...report.map((r) => `  ${formatReportLine(r)}`)] : [];
  doc.commentBefore = [...header, ...notes].map((l) => (l ? ` ${l}` : '')).join('\n');
  return doc.toString({ lineWidth: 0 });
}
