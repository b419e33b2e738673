/**
 * Reads a WESTPA `system.py` (or a Python propagator's module) without running it: the module is parsed with
 * @lezer/python, and the attributes a method sets on `self` are evaluated from the literals, numpy calls and
 * module constants they are built from (python-values.ts). A value built any other way (a branch, a loop, a
 * call of an unknown function, a method that may change an object after it was built) is a StaticEvalError
 * naming its line: never a guess, and no user code is ever executed.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@lezer/python';
import {
  describe,
  ELLIPSIS,
  elements,
  FUNCTIONS,
  NdArray,
  PyObject,
  PyRef,
  resolveConstant,
  StaticEvalError,
  toNumber,
  type CallArgs,
  type PyFunction,
  type PyValue,
} from './python-values.js';

/** A value evaluated when first asked for, so that statements nobody asks about are never evaluated. */
interface Binding {
  line: number;
  get(): PyValue;
}

type Scope = Map<string, Binding>;

interface Frame {
  locals: Scope;
  self: Scope;
}

const BUILTINS = new Set(['float', 'int', 'list', 'tuple', 'len', 'range']);
const COMPOUND = new Set(['IfStatement', 'ForStatement', 'WhileStatement', 'WithStatement', 'TryStatement', 'MatchStatement']);

function memo(line: number, compute: () => PyValue): Binding {
  let done = false;
  let value: PyValue = null;
  return {
    line,
    get() {
      if (!done) {
        value = compute();
        done = true;
      }
      return value;
    },
  };
}

function poisoned(line: number, message: string): Binding {
  return {
    line,
    get() {
      throw new StaticEvalError(line, message);
    },
  };
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

/** The attributes one method sets on `self`, in the order the method sets them. */
export class SelfAttributes {
  constructor(private readonly scope: Scope) {}

  has(name: string): boolean {
    return this.scope.has(name);
  }

  /** Line of the statement that last set the attribute. */
  line(name: string): number | undefined {
    return this.scope.get(name)?.line;
  }

  get(name: string): PyValue {
    const binding = this.scope.get(name);
    if (!binding) throw new StaticEvalError(0, `self.${name} is never set`);
    return binding.get();
  }
}

export class PythonModule {
  private readonly lineStarts: number[] = [0];
  private readonly globals: Scope = new Map();
  /** Modules imported with `from X import *`, whose names may be used unqualified. */
  private readonly starImports: string[] = [];
  private readonly classes = new Map<string, SyntaxNode>();

  private constructor(
    private readonly text: string,
    private readonly constructors: Record<string, PyFunction>,
  ) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    const top = parser.parse(text).topNode;
    const frame: Frame = { locals: this.globals, self: new Map() };
    for (const statement of children(top)) {
      if (statement.name === 'ClassDefinition') {
        const name = statement.getChild('VariableName');
        if (name) this.classes.set(this.source(name), statement);
      } else {
        this.execute(statement, frame, undefined);
      }
    }
  }

  /**
   * `constructors`: classes the caller understands, by the last part of their qualified name (e.g.
   * `RectilinearBinMapper`), each building a PyObject from its arguments.
   */
  static parse(text: string, constructors: Record<string, PyFunction> = {}): PythonModule {
    return new PythonModule(text, constructors);
  }

  /**
   * A Python expression as WESTPA evaluates bin boundaries written as strings in west.cfg (its parsePCV:
   * `math`, `numpy`, `np` and `inf` known), evaluated statically.
   */
  static evaluateExpression(expression: string): PyValue {
    const module = new PythonModule(`import math\nimport numpy\nimport numpy as np\ninf = float('inf')\n__value__ = (${expression})\n`, {});
    const value = module.globals.get('__value__');
    if (!value) throw new StaticEvalError(0, `cannot read '${expression}' as a Python expression`);
    return value.get();
  }

  hasClass(name: string): boolean {
    return this.classes.has(name);
  }

  /** What `className.method` sets on self, following `super().method(...)` into a base class in this module. */
  selfAttributes(className: string, method: string): SelfAttributes {
    const frame: Frame = { locals: new Map(), self: new Map() };
    this.runMethod(className, method, frame);
    return new SelfAttributes(frame.self);
  }

  private runMethod(className: string, method: string, frame: Frame): void {
    const cls = this.classes.get(className);
    if (!cls) throw new StaticEvalError(0, `no class ${className} in the module`);
    const body = cls.getChild('Body');
    const def = body && children(body).find((s) => s.name === 'FunctionDefinition' && this.source(s.getChild('VariableName')) === method);
    if (!def) {
      const base = this.baseClasses(cls).find((b) => this.classes.has(b));
      if (base) return this.runMethod(base, method, frame);
      throw new StaticEvalError(this.line(cls.from), `class ${className} defines no ${method}() (nor does a base class in this module)`);
    }
    const locals: Scope = new Map();
    for (const statement of children(def.getChild('Body') ?? def)) {
      if (!this.execute(statement, { locals, self: frame.self }, { className, method, cls })) break;
    }
  }

  private baseClasses(cls: SyntaxNode): string[] {
    const args = cls.getChild('ArgList');
    return args ? children(args).filter((c) => c.name === 'VariableName').map((c) => this.source(c)) : [];
  }

  /** Applies one statement to the frame; false once the method has returned. */
  private execute(statement: SyntaxNode, frame: Frame, inMethod: { className: string; method: string; cls: SyntaxNode } | undefined): boolean {
    const line = this.line(statement.from);
    switch (statement.name) {
      case 'ImportStatement':
        this.bindImport(statement, frame.locals);
        return true;
      case 'AssignStatement':
        this.assign(statement, frame);
        return true;
      case 'UpdateStatement': {
        const [target, op, value] = children(statement);
        const operator = this.source(op).replace(/=$/, '');
        this.rebind(target, frame, line, (previous, snapshot) => this.binary(operator, previous(), this.evaluate(value, snapshot), line));
        return true;
      }
      case 'ExpressionStatement': {
        const call = statement.firstChild;
        if (call?.name !== 'CallExpression') return true;
        const callee = call.firstChild;
        if (inMethod && callee && this.isSuperCall(callee, inMethod.method)) {
          const base = this.baseClasses(inMethod.cls).find((b) => this.classes.has(b));
          if (base) this.runMethod(base, inMethod.method, frame);
          return true;
        }
        // A method call may change the object it is called on: what it held before can no longer be trusted.
        const root = callee?.name === 'MemberExpression' ? this.rootTarget(callee.firstChild) : undefined;
        if (root) this.poison(root, frame, line, `${this.source(callee)}(…) on line ${line} may change it; a static reading cannot follow that`);
        return true;
      }
      case 'ReturnStatement':
        return false;
      default:
        if (COMPOUND.has(statement.name)) {
          const keyword = this.source(statement.firstChild).trim();
          for (const target of this.targetsWithin(statement)) {
            this.poison(target, frame, line, `set inside the \`${keyword}\` block on line ${line}; a static reading cannot tell what runs`);
          }
        }
        return true;
    }
  }

  private isSuperCall(callee: SyntaxNode, method: string): boolean {
    if (callee.name !== 'MemberExpression') return false;
    const object = callee.firstChild;
    return object?.name === 'CallExpression' && this.source(object).replace(/\s/g, '') === 'super()' && this.source(callee.lastChild) === method;
  }

  private bindImport(statement: SyntaxNode, scope: Scope): void {
    const line = this.line(statement.from);
    const parts = children(statement);
    const words = parts.map((p) => (p.name === 'VariableName' ? this.source(p) : p.name));
    const bind = (name: string, qualified: string) => scope.set(name, memo(line, () => new PyRef(qualified)));
    if (words[0] === 'from') {
      const importAt = words.indexOf('import');
      const module = words.slice(1, importAt).filter((w) => w !== '.').join('.');
      const names = words.slice(importAt + 1);
      if (names[0] === '*') {
        this.starImports.push(module);
        return;
      }
      for (let i = 0; i < names.length; i++) {
        if (names[i] === ',' || names[i] === '(' || names[i] === ')') continue;
        const alias = names[i + 1] === 'as' ? names[i + 2] : undefined;
        bind(alias ?? names[i], `${module}.${names[i]}`);
        if (alias) i += 2;
      }
      return;
    }
    // import a.b.c [as d], e
    let dotted: string[] = [];
    for (let i = 1; i <= words.length; i++) {
      const w = words[i];
      if (w === '.') continue;
      if (w === 'as') {
        bind(words[i + 1], dotted.join('.'));
        dotted = [];
        i++;
        continue;
      }
      if (w === ',' || w === undefined) {
        if (dotted.length) bind(dotted[0], dotted[0]);
        dotted = [];
        continue;
      }
      dotted.push(w);
    }
  }

  private assign(statement: SyntaxNode, frame: Frame): void {
    const line = this.line(statement.from);
    const parts = children(statement);
    const ops = parts.map((p, i) => (p.name === 'AssignOp' ? i : -1)).filter((i) => i >= 0);
    const valueParts = parts.slice(ops[ops.length - 1] + 1);
    const targets: SyntaxNode[][] = [];
    let start = 0;
    for (const op of ops) {
      targets.push(parts.slice(start, op));
      start = op + 1;
    }
    for (const target of targets) {
      if (target.length !== 1 || valueParts.length !== 1) {
        for (const node of target) {
          const root = this.rootTarget(node);
          if (root) this.poison(root, frame, line, `unpacked from several values on line ${line}; a static reading takes one target at a time`);
        }
        continue;
      }
      const [node] = target;
      const value = valueParts[0];
      if (node.name === 'MemberExpression' && this.source(node.getChild('['))) {
        // x[index] = value: numpy's fill (x[...] = v, x[:] = v) or one element.
        const index = children(node).find((c, i) => i > 0 && c.name !== '[' && c.name !== ']');
        this.rebind(node.firstChild, frame, line, (previous, snapshot) =>
          setItem(previous(), index ? this.evaluateIndex(index, snapshot) : ELLIPSIS, this.evaluate(value, snapshot), line),
        );
        continue;
      }
      const snapshot = this.snapshot(frame);
      const binding = memo(line, () => this.evaluate(value, snapshot));
      const selfName = this.selfAttribute(node);
      if (selfName) frame.self.set(selfName, binding);
      else if (node.name === 'VariableName') frame.locals.set(this.source(node), binding);
      else {
        const root = this.rootTarget(node);
        if (root) this.poison(root, frame, line, `changed on line ${line} in a way a static reading cannot follow`);
      }
    }
  }

  /** Replaces what `target` (a name or self.X) is bound to by a value computed from its previous binding. */
  private rebind(target: SyntaxNode | null, frame: Frame, line: number, compute: (previous: () => PyValue, snapshot: Frame) => PyValue): void {
    if (!target) return;
    const selfName = this.selfAttribute(target);
    const scope = selfName ? frame.self : target.name === 'VariableName' ? frame.locals : undefined;
    const name = selfName ?? this.source(target);
    if (!scope) {
      const root = this.rootTarget(target);
      if (root) this.poison(root, frame, line, `changed on line ${line} in a way a static reading cannot follow`);
      return;
    }
    const before = scope.get(name) ?? (scope === frame.locals ? this.globals.get(name) : undefined);
    const snapshot = this.snapshot(frame);
    const previous = () => {
      if (!before) throw new StaticEvalError(line, `${selfName ? 'self.' : ''}${name} is changed on line ${line} before it is set`);
      return before.get();
    };
    scope.set(name, memo(line, () => compute(previous, snapshot)));
  }

  private poison(target: { scope: 'self' | 'locals'; name: string }, frame: Frame, line: number, message: string): void {
    (target.scope === 'self' ? frame.self : frame.locals).set(target.name, poisoned(line, message));
  }

  /** `self.X` → X. */
  private selfAttribute(node: SyntaxNode): string | undefined {
    if (node.name !== 'MemberExpression') return undefined;
    const object = node.firstChild;
    const property = node.getChild('PropertyName');
    return object?.name === 'VariableName' && this.source(object) === 'self' && property ? this.source(property) : undefined;
  }

  /** The variable or self attribute an expression such as `self.a.b[2]` or `x.y` ultimately changes. */
  private rootTarget(node: SyntaxNode | null): { scope: 'self' | 'locals'; name: string } | undefined {
    for (let here = node; here; here = here.firstChild) {
      const selfName = this.selfAttribute(here);
      if (selfName) return { scope: 'self', name: selfName };
      if (here.name === 'VariableName') return this.source(here) === 'self' ? undefined : { scope: 'locals', name: this.source(here) };
      if (here.name !== 'MemberExpression') return undefined;
    }
    return undefined;
  }

  private targetsWithin(statement: SyntaxNode): { scope: 'self' | 'locals'; name: string }[] {
    const found: { scope: 'self' | 'locals'; name: string }[] = [];
    // Assignments and method calls anywhere below change their targets.
    const walk = (node: SyntaxNode) => {
      if (node.name === 'AssignStatement' || node.name === 'UpdateStatement') {
        const parts = children(node);
        const lastOp = parts.map((p) => p.name).lastIndexOf(node.name === 'AssignStatement' ? 'AssignOp' : 'UpdateOp');
        for (const target of parts.slice(0, lastOp)) {
          const root = this.rootTarget(target);
          if (root) found.push(root);
        }
      } else if (node.name === 'ExpressionStatement' && node.firstChild?.name === 'CallExpression') {
        const callee = node.firstChild.firstChild;
        const root = callee?.name === 'MemberExpression' ? this.rootTarget(callee.firstChild) : undefined;
        if (root) found.push(root);
      }
      for (const child of children(node)) walk(child);
    };
    walk(statement);
    return found;
  }

  private snapshot(frame: Frame): Frame {
    return { locals: new Map(frame.locals), self: new Map(frame.self) };
  }

  // ---------- expressions ----------

  private evaluate(node: SyntaxNode, frame: Frame): PyValue {
    const line = this.line(node.from);
    if (node.type.isError) throw new StaticEvalError(line, `cannot parse '${this.source(node)}'`);
    switch (node.name) {
      case 'Number':
        return parseNumber(this.source(node), line);
      case 'String':
        return parseString(this.source(node), line);
      case 'ContinuedString':
        return children(node).map((s) => parseString(this.source(s), line)).join('');
      case 'Boolean':
        return this.source(node) === 'True';
      case 'None':
        return null;
      case 'Ellipsis':
        return ELLIPSIS;
      case 'VariableName':
        return this.lookup(this.source(node), frame, line);
      case 'ParenthesizedExpression':
        return this.evaluate(this.inner(node), frame);
      case 'ArrayExpression':
      case 'TupleExpression':
        return this.items(node).map((item) => this.evaluate(item, frame));
      case 'UnaryExpression': {
        const [op, operand] = children(node);
        const value = this.evaluate(operand, frame);
        const sign = this.source(op);
        if (sign === '+') return value;
        if (sign === '-') return negate(value, line);
        throw new StaticEvalError(line, `operator ${sign} is not understood`);
      }
      case 'BinaryExpression': {
        const [left, op, right] = children(node);
        return this.binary(this.source(op), this.evaluate(left, frame), this.evaluate(right, frame), line);
      }
      case 'MemberExpression': {
        const selfName = this.selfAttribute(node);
        if (selfName) {
          const binding = frame.self.get(selfName);
          if (!binding) throw new StaticEvalError(line, `self.${selfName} is used before it is set`);
          return binding.get();
        }
        const object = this.evaluate(node.firstChild as SyntaxNode, frame);
        if (node.getChild('[')) {
          const index = children(node).find((c, i) => i > 0 && c.name !== '[' && c.name !== ']');
          return getItem(object, index ? this.evaluateIndex(index, frame) : ELLIPSIS, line);
        }
        return attribute(object, this.source(node.getChild('PropertyName')), line);
      }
      case 'CallExpression':
        return this.call(node, frame, line);
      default:
        throw new StaticEvalError(line, `'${this.source(node).slice(0, 60)}' is not a form a static reading understands (${node.name})`);
    }
  }

  private evaluateIndex(node: SyntaxNode, frame: Frame): PyValue {
    if (node.name === 'Ellipsis') return ELLIPSIS;
    const line = this.line(node.from);
    if (this.source(node.parent?.getChild(':') ?? null)) throw new StaticEvalError(line, 'slices are not understood');
    return this.evaluate(node, frame);
  }

  private call(node: SyntaxNode, frame: Frame, line: number): PyValue {
    const callee = node.firstChild as SyntaxNode;
    const args = this.arguments(node.getChild('ArgList'), frame, line);
    if (callee.name === 'MemberExpression' && !callee.getChild('[')) {
      const method = this.source(callee.getChild('PropertyName'));
      const object = this.evaluate(callee.firstChild as SyntaxNode, frame);
      if (!(object instanceof PyRef)) {
        if ((method === 'tolist' || method === 'copy') && (Array.isArray(object) || object instanceof NdArray)) {
          return Array.isArray(object) ? [...object] : method === 'copy' ? object : [...object.values];
        }
        throw new StaticEvalError(line, `${describe(object)} has no method ${method}() a static reading can evaluate`);
      }
      return this.callRef(new PyRef(`${object.name}.${method}`), args, line);
    }
    const target = this.evaluate(callee, frame);
    if (!(target instanceof PyRef)) throw new StaticEvalError(line, `${describe(target)} is not callable`);
    return this.callRef(target, args, line);
  }

  private callRef(ref: PyRef, args: CallArgs, line: number): PyValue {
    const known = FUNCTIONS[ref.name];
    if (known) return known(args, line);
    const last = ref.name.slice(ref.name.lastIndexOf('.') + 1);
    const root = ref.name.split('.')[0];
    const constructor = this.constructors[last];
    if (constructor && (root === 'westpa' || root === 'west' || root === last)) return constructor(args, line);
    throw new StaticEvalError(line, `${ref.name}() is not a function a static reading can evaluate`);
  }

  private arguments(list: SyntaxNode | null, frame: Frame, line: number): CallArgs {
    const args: CallArgs = { positional: [], keywords: {} };
    if (!list) return args;
    const parts = children(list).filter((c) => !['(', ')', ','].includes(c.name));
    for (let i = 0; i < parts.length; i++) {
      if (parts[i + 1]?.name === 'AssignOp') {
        args.keywords[this.source(parts[i])] = this.evaluate(parts[i + 2], frame);
        i += 2;
      } else if (parts[i].name === '*' || parts[i].name === '**') {
        throw new StaticEvalError(line, '*args and **kwargs are not understood');
      } else {
        args.positional.push(this.evaluate(parts[i], frame));
      }
    }
    return args;
  }

  private lookup(name: string, frame: Frame, line: number): PyValue {
    const binding = frame.locals.get(name) ?? this.globals.get(name);
    if (binding) {
      const value = binding.get();
      return value instanceof PyRef ? resolveConstant(value) : value;
    }
    if (BUILTINS.has(name)) return new PyRef(`builtins.${name}`);
    for (const module of this.starImports) {
      const ref = new PyRef(`${module}.${name}`);
      const constant = resolveConstant(ref);
      if (constant !== ref || FUNCTIONS[ref.name] || this.constructors[name]) return constant;
    }
    throw new StaticEvalError(line, `${name} is not defined where a static reading can see it`);
  }

  private binary(op: string, left: PyValue, right: PyValue, line: number): PyValue {
    if (left instanceof NdArray || right instanceof NdArray) {
      const l = left instanceof NdArray ? left.values : undefined;
      const r = right instanceof NdArray ? right.values : undefined;
      const n = (l ?? r)!.length;
      if (l && r && l.length !== r.length) throw new StaticEvalError(line, `arrays of ${l.length} and ${r.length} elements do not combine`);
      const values = Array.from({ length: n }, (_, i) => arithmetic(op, l ? l[i] : left, r ? r[i] : right, line));
      return new NdArray(values, 'float64');
    }
    if (Array.isArray(left) && Array.isArray(right) && op === '+') return [...left, ...right];
    if (op === '*' && (Array.isArray(left) || Array.isArray(right))) {
      const list = (Array.isArray(left) ? left : right) as PyValue[];
      const times = toNumber(Array.isArray(left) ? right : left, line, 'list repetition');
      return Array.from({ length: Math.max(0, times) }, () => list).flat(1);
    }
    return arithmetic(op, left, right, line);
  }

  private items(node: SyntaxNode): SyntaxNode[] {
    return children(node).filter((c) => !['[', ']', '(', ')', ','].includes(c.name));
  }

  private inner(node: SyntaxNode): SyntaxNode {
    const [item] = this.items(node);
    if (!item) throw new StaticEvalError(this.line(node.from), 'empty parentheses');
    return item;
  }

  source(node: SyntaxNode | null | undefined): string {
    return node ? this.text.slice(node.from, node.to) : '';
  }

  line(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

function arithmetic(op: string, leftValue: PyValue, rightValue: PyValue, line: number): number {
  const a = toNumber(leftValue, line, `left of ${op}`);
  const b = toNumber(rightValue, line, `right of ${op}`);
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new StaticEvalError(line, 'division by zero');
      return a / b;
    case '//':
      if (b === 0) throw new StaticEvalError(line, 'division by zero');
      return Math.floor(a / b);
    case '%':
      return a - b * Math.floor(a / b);
    case '**':
      return a ** b;
    default:
      throw new StaticEvalError(line, `operator ${op} is not understood`);
  }
}

function negate(value: PyValue, line: number): PyValue {
  if (value instanceof NdArray) return new NdArray(value.values.map((v) => -toNumber(v, line, 'negation')), value.dtype);
  return -toNumber(value, line, 'negation');
}

function attribute(object: PyValue, name: string, line: number): PyValue {
  if (object instanceof PyRef) return resolveConstant(new PyRef(`${object.name}.${name}`));
  if (object instanceof PyObject && name in object.attrs) return object.attrs[name];
  throw new StaticEvalError(line, `${describe(object)} has no attribute ${name} a static reading knows`);
}

function normaliseIndex(index: PyValue, length: number, line: number): number {
  const i = toNumber(index, line, 'index');
  const at = i < 0 ? length + i : i;
  if (!Number.isInteger(at) || at < 0 || at >= length) throw new StaticEvalError(line, `index ${i} is out of range for ${length} elements`);
  return at;
}

function getItem(object: PyValue, index: PyValue, line: number): PyValue {
  const items = elements(object, line, 'subscript');
  if (index === ELLIPSIS) return object;
  return items[normaliseIndex(index, items.length, line)];
}

/** x[...] = v and x[:] = v fill a numpy array; x[i] = v sets one element. Returns the new value of x. */
function setItem(object: PyValue, index: PyValue, value: PyValue, line: number): PyValue {
  const items = [...elements(object, line, 'item assignment')];
  if (index === ELLIPSIS) items.fill(value);
  else items[normaliseIndex(index, items.length, line)] = value;
  return object instanceof NdArray ? new NdArray(items, object.dtype) : items;
}

function parseNumber(text: string, line: number): number {
  const clean = text.replace(/_/g, '');
  if (/[jJ]$/.test(clean)) throw new StaticEvalError(line, `complex number ${text} is not understood`);
  if (/^0[xX]/.test(clean)) return parseInt(clean.slice(2), 16);
  if (/^0[oO]/.test(clean)) return parseInt(clean.slice(2), 8);
  if (/^0[bB]/.test(clean)) return parseInt(clean.slice(2), 2);
  const n = Number(clean);
  if (Number.isNaN(n)) throw new StaticEvalError(line, `cannot read the number ${text}`);
  return n;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

function parseString(text: string, line: number): string {
  const prefix = /^[rRbBuUfF]*/.exec(text)?.[0] ?? '';
  if (/[fF]/.test(prefix)) throw new StaticEvalError(line, `f-string ${text} is not understood`);
  let body = text.slice(prefix.length);
  const quote = body.startsWith('"""') || body.startsWith("'''") ? body.slice(0, 3) : body[0];
  body = body.slice(quote.length, body.length - quote.length);
  if (/[rR]/.test(prefix)) return body;
  return body.replace(/\\(.)/gs, (whole, c: string) => ESCAPES[c] ?? whole);
}
