/**
 * A west.cfg as PyYAML (and so WESTPA) reads it, that keeps track of which keys the converter carried into
 * we.yaml and which it could not, so that every key of the file ends up either carried or in the report.
 */
import { fieldPath } from '../../core/config/config-error.js';
import { YamlSource } from '../../core/config/yaml-source.js';

export type Path = (string | number)[];

/** One line of the import report: where, which key, and what became of it. */
export interface ReportLine {
  where: string;
  key: string;
  message: string;
}

const GENERIC = 'not carried: `we` has no equivalent';

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class WestCfg {
  /** Every path carried or reported, by its fieldPath(); a path covers everything below it. */
  private readonly handled = new Map<string, Path>();
  readonly report: ReportLine[] = [];

  private constructor(
    private readonly source: YamlSource,
    /** The file as named in the report. */
    readonly shown: string,
  ) {}

  static parse(text: string, shown: string): WestCfg {
    return new WestCfg(YamlSource.parse(text, shown, '1.1'), shown);
  }

  get(path: Path): unknown {
    return this.source.valueAt(path);
  }

  has(path: Path): boolean {
    return this.get(path) !== undefined;
  }

  /** The python/name tag of a value such as `!!python/name:numpy.float32` (→ `numpy.float32`), if it has one. */
  pythonName(path: Path): string | undefined {
    const tag = this.source.tagAt(path);
    const match = tag && /python\/name:(.+)$/.exec(tag);
    return match ? match[1] : undefined;
  }

  /** Marks the key (and all below it) as carried into we.yaml; returns its value. */
  take(path: Path): unknown {
    this.handled.set(fieldPath(path), path);
    return this.get(path);
  }

  /** Reports the key (and all below it) as not carried, saying why; ignored when the key is absent. */
  leave(path: Path, message: string): void {
    if (!this.has(path)) return;
    this.handled.set(fieldPath(path), path);
    this.report.push({ where: this.where(path), key: fieldPath(path), message });
  }

  /** Reports several keys as not carried in one line, as `label` (e.g. the storage options of one dataset). */
  leaveTogether(paths: Path[], label: string, message: string): void {
    const present = paths.filter((p) => this.has(p));
    if (!present.length) return;
    for (const path of present) this.handled.set(fieldPath(path), path);
    this.report.push({ where: this.where(present[0]), key: label, message });
  }

  /** Every key carried or reported so far (dotted paths; each covers the keys below it). */
  handledKeys(): string[] {
    return [...this.handled].filter(([, path]) => this.has(path)).map(([key]) => key);
  }

  /** `file:line` of the key at `path`. */
  where(path: Path): string {
    const last = path[path.length - 1];
    const pos = typeof last === 'string' ? this.source.keyPosition(path.slice(0, -1), last) : this.source.positionOf(path);
    return `${this.shown}:${pos.line}`;
  }

  /**
   * Reports every key neither carried nor reported yet: a mapping or list none of whose keys was looked at is
   * one line; otherwise each of its unhandled keys is.
   */
  reportTheRest(): void {
    const visit = (path: Path) => {
      const key = fieldPath(path);
      if (path.length && this.handled.has(key)) return;
      const value = this.get(path);
      const touched = [...this.handled.keys()].some((h) => h.startsWith(`${key}.`) || h.startsWith(`${key}[`) || key === '');
      if (path.length && !touched) {
        if (value !== null && value !== undefined) this.leave(path, GENERIC);
        return;
      }
      if (Array.isArray(value)) value.forEach((_, i) => visit([...path, i]));
      else if (isMapping(value)) Object.keys(value).forEach((k) => visit([...path, k]));
      else if (path.length && value !== null) this.leave(path, GENERIC);
    };
    visit([]);
  }
}
