/**
 * String values of a YAML text and edits of them by source range, so that a we.yaml written by `we new` keeps its
 * comments and layout byte for byte (re-serialising the document would restyle it).
 */
import { isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';

export interface YamlValue {
  /** Dotted path as messages name fields, e.g. `basis_states.set` or `propagator.options.staging.stage[1]`. */
  field: string;
  value: string;
  /** Where the value's text (quotes included) starts and ends in the source. */
  range: [number, number];
}

/** Every string that is a mapping value or a list item. */
export function stringValues(text: string): YamlValue[] {
  const out: YamlValue[] = [];
  visit(parseDocument(text), {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || !node.range) return;
      let field = '';
      for (const [i, ancestor] of path.entries()) {
        if (isPair(ancestor)) field += `${field ? '.' : ''}${isScalar(ancestor.key) ? String(ancestor.key.value) : '?'}`;
        else if (isSeq(ancestor)) field += `[${(ancestor.items as unknown[]).indexOf(path[i + 1] ?? node)}]`;
      }
      out.push({ field, value: node.value, range: [node.range[0], node.range[1]] });
    },
  });
  return out;
}

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON is valid YAML). */
function scalarText(value: string): string {
  const plain = /^[A-Za-z/.][A-Za-z0-9_./+@-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

export function replaceValues(text: string, edits: readonly { range: [number, number]; value: string }[]): string {
  let out = text;
  for (const { range, value } of [...edits].sort((a, b) => b.range[0] - a.range[0])) {
    out = out.slice(0, range[0]) + scalarText(value) + out.slice(range[1]);
  }
  return out;
}
