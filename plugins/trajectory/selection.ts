import { WeError } from '../../core/errors.js';
import { BACKBONE_ATOMS, PROTEIN_RESIDUES } from './protein-residues.js';
import type { Topology } from './topology.js';

/**
 * Atom selections in the MDAnalysis dialect that model packages ship with (e.g. "protein and name CA"):
 *   name/resname/chainID PATTERN...   (glob * and ? allowed)
 *   resid/index/bynum N | N-M | N:M ... (index is 0-based, bynum 1-based, both inclusive ranges)
 *   protein, backbone, all
 *   not X, X and Y, X or Y, ( X )     (not binds tightest, then and, then or)
 */
export function selectAtoms(topology: Topology, selection: string): Int32Array {
  const mask = new Parser(selection).parse().evaluate(topology);
  const picked: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) picked.push(i);
  return Int32Array.from(picked);
}

interface Node {
  evaluate(topology: Topology): Uint8Array;
}

interface Token {
  text: string;
  column: number;
}

type Matcher = (topology: Topology, atom: number) => boolean;

const STOP_WORDS = new Set(['and', 'or', 'not', '(', ')']);

const VALUE_KEYWORDS: Record<string, (values: Token[], where: (t: Token) => string) => Matcher> = {
  name: (values) => patternMatcher(values, (t, i) => t.names[i]),
  resname: (values) => patternMatcher(values, (t, i) => t.resNames[i]),
  chainid: (values) => patternMatcher(values, (t, i) => t.chainIds[i]),
  resid: (values, where) => rangeMatcher(values, where, (t, i) => t.resIds[i]),
  index: (values, where) => rangeMatcher(values, where, (_, i) => i),
  bynum: (values, where) => rangeMatcher(values, where, (_, i) => i + 1),
};

const FLAG_KEYWORDS: Record<string, Matcher> = {
  all: () => true,
  protein: (t, i) => PROTEIN_RESIDUES.has(t.resNames[i]),
  backbone: (t, i) => PROTEIN_RESIDUES.has(t.resNames[i]) && BACKBONE_ATOMS.has(t.names[i]),
};

const KEYWORDS = [...Object.keys(VALUE_KEYWORDS), ...Object.keys(FLAG_KEYWORDS), 'not', 'and', 'or'];

class Parser {
  private readonly tokens: Token[];
  private position = 0;

  constructor(private readonly text: string) {
    this.tokens = [...text.matchAll(/[()]|[^\s()]+/g)].map((m) => ({ text: m[0], column: (m.index ?? 0) + 1 }));
  }

  parse(): Node {
    if (this.tokens.length === 0) throw new WeError('is empty, expected an atom selection such as "protein and name CA"', this.where());
    const node = this.or();
    const extra = this.peek();
    if (extra) throw new WeError(`unexpected "${extra.text}", expected "and", "or" or the end`, this.where(extra));
    return node;
  }

  private or(): Node {
    let node = this.and();
    while (this.accept('or')) node = combine(node, this.and(), (a, b) => a | b);
    return node;
  }

  private and(): Node {
    let node = this.not();
    while (this.accept('and')) node = combine(node, this.not(), (a, b) => a & b);
    return node;
  }

  private not(): Node {
    if (!this.accept('not')) return this.primary();
    const inner = this.not();
    return { evaluate: (t) => inner.evaluate(t).map((v) => 1 - v) };
  }

  private primary(): Node {
    const token = this.next('a keyword or "("');
    if (token.text === '(') {
      const inner = this.or();
      if (!this.accept(')')) throw new WeError(`"(" at column ${token.column} is never closed`, this.where(this.peek()));
      return inner;
    }
    const keyword = token.text.toLowerCase();
    const flag = FLAG_KEYWORDS[keyword];
    if (Object.hasOwn(FLAG_KEYWORDS, keyword)) return matcherNode(flag);
    if (Object.hasOwn(VALUE_KEYWORDS, keyword)) {
      const values: Token[] = [];
      while (this.peek() && !STOP_WORDS.has(this.peek()!.text.toLowerCase())) values.push(this.next(''));
      if (values.length === 0) throw new WeError(`"${token.text}" needs at least one value`, this.where(token));
      return matcherNode(VALUE_KEYWORDS[keyword](values, (t) => this.where(t)));
    }
    throw new WeError(`unknown keyword "${token.text}", expected one of ${KEYWORDS.join(', ')} or "("`, this.where(token));
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position++];
    if (!token) throw new WeError(`ends early, expected ${expected}`, this.where());
    return token;
  }

  private accept(word: string): boolean {
    if (this.peek()?.text.toLowerCase() !== word) return false;
    this.position++;
    return true;
  }

  private where(token?: Token): string {
    const at = token ? `, column ${token.column}` : '';
    return `selection "${this.text}"${at}`;
  }
}

function combine(left: Node, right: Node, op: (a: number, b: number) => number): Node {
  return {
    evaluate: (t) => {
      const a = left.evaluate(t);
      const b = right.evaluate(t);
      return a.map((v, i) => op(v, b[i]));
    },
  };
}

function matcherNode(matches: Matcher): Node {
  return {
    evaluate: (t) => {
      const mask = new Uint8Array(t.nAtoms);
      for (let i = 0; i < t.nAtoms; i++) mask[i] = matches(t, i) ? 1 : 0;
      return mask;
    },
  };
}

function patternMatcher(values: Token[], attribute: (t: Topology, atom: number) => string): Matcher {
  const exact = new Set(values.filter((v) => !/[*?]/.test(v.text)).map((v) => v.text));
  const globs = values.filter((v) => /[*?]/.test(v.text)).map((v) => globToRegExp(v.text));
  return (t, i) => {
    const value = attribute(t, i);
    return exact.has(value) || globs.some((g) => g.test(value));
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function rangeMatcher(
  values: Token[],
  where: (t: Token) => string,
  attribute: (t: Topology, atom: number) => number,
): Matcher {
  const ranges = values.map((v) => {
    const m = /^(-?\d+)(?:[-:](-?\d+))?$/.exec(v.text);
    if (!m) throw new WeError(`"${v.text}" is not a number or range, expected e.g. 5, 1-10 or 1:10`, where(v));
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (high < low) throw new WeError(`range "${v.text}" is empty: ${high} < ${low}`, where(v));
    return [low, high] as const;
  });
  return (t, i) => {
    const value = attribute(t, i);
    return ranges.some(([low, high]) => value >= low && value <= high);
  };
}
