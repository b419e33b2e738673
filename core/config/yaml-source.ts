/** A parsed YAML document that still knows where each value was written, for error messages. */
import { readFile } from 'node:fs/promises';
import { isCollection, isMap, isPair, isScalar, LineCounter, Parser, parseDocument, type Document } from 'yaml';
import { configError, type SourcePos } from './config-error.js';

const START: SourcePos = { line: 1, col: 1 };

export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Throws a WeError naming file:line:col of the first syntax error (later ones are mostly its echoes). A `[` or
   * `{` left open is reported where it opens: the parser only notices it lines later, where the next key starts.
   * `version` 1.1 reads as PyYAML does (WESTPA's west.cfg): `72:00:00` is a number of seconds.
   */
  static parse(text: string, file: string, version: '1.1' | '1.2' = '1.2'): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version });
    const [error] = doc.errors;
    if (error) {
      const open = unclosedFlowCollection(text, error.pos[0]);
      throw configError([
        open
          ? { file, pos: lines.linePos(open.offset), message: `YAML syntax error: this '${open.opener}' is never closed with '${open.closer}'` }
          : { file, pos: lines.linePos(error.pos[0]), message: `YAML syntax error: ${error.message}` },
      ]);
    }
    return new YamlSource(file, doc.toJS(), doc, lines);
  }

  /** The value at `path` in the plain JavaScript form of the document (undefined when absent). */
  valueAt(path: readonly PropertyKey[]): unknown {
    let here: unknown = this.value;
    for (const key of path) {
      if (here === null || typeof here !== 'object') return undefined;
      here = (here as Record<PropertyKey, unknown>)[key];
    }
    return here;
  }

  /**
   * Where the value at `path` starts; for a path that goes beyond what was written (a missing field, or an
   * element generated from a compact spec) this is the deepest written ancestor.
   */
  positionOf(path: readonly PropertyKey[]): SourcePos {
    let node: unknown = this.doc.contents;
    let pos = this.startOf(node) ?? START;
    for (const key of path) {
      if (!isCollection(node)) break;
      node = node.get(key, true);
      const start = this.startOf(node);
      if (start === undefined) break;
      pos = start;
    }
    return pos;
  }

  /** Where key `key` of the mapping at `path` is written. */
  keyPosition(path: readonly PropertyKey[], key: string): SourcePos {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(map)) {
      const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const start = pair && this.startOf(pair.key);
      if (start) return start;
    }
    return this.positionOf(path);
  }

  /** The explicit tag of the value at `path` (e.g. `tag:yaml.org,2002:python/name:numpy.float32`), if any. */
  tagAt(path: readonly PropertyKey[]): string | undefined {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return (node as { tag?: string } | null | undefined)?.tag;
  }

  private startOf(node: unknown): SourcePos | undefined {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? this.lines.linePos(range[0]) : undefined;
  }
}

/**
 * Where the value at `path` is written in the config file `file`, for a problem found after loading (when the
 * parsed document is gone); undefined if the file can no longer be read or parsed.
 */
export async function positionInFile(file: string, path: readonly PropertyKey[]): Promise<SourcePos | undefined> {
  try {
    return YamlSource.parse(await readFile(file, 'utf8'), file).positionOf(path);
  } catch {
    return undefined;
  }
}

interface OpenFlowCollection {
  offset: number;
  opener: string;
  closer: string;
}

/** The last flow sequence or mapping that starts before `before` and has no closing bracket, from the CST. */
function unclosedFlowCollection(text: string, before: number): OpenFlowCollection | undefined {
  let found: OpenFlowCollection | undefined;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    const token = node as { type?: string; start?: { offset: number; source: string }; end?: { source: string }[] };
    if (token.type === 'flow-collection' && token.start && token.start.offset < before) {
      const closer = token.start.source === '[' ? ']' : '}';
      if (!token.end?.some((t) => t.source === closer) && (!found || token.start.offset > found.offset)) {
        found = { offset: token.start.offset, opener: token.start.source, closer };
      }
    }
    for (const value of Object.values(node)) if (value && typeof value === 'object') visit(value);
  };
  visit([...new Parser().parse(text)]);
  return found;
}
