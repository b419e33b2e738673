/**
 * Data-ref templates such as `traj_segs/{iter:06d}/{seg:06d}`: the subset of Python's str.format that WESTPA's
 * west.cfg uses, with WESTPA's own field names accepted as aliases so that data_refs copied from west.cfg work,
 * then $VAR expansion (as os.path.expandvars) and resolution against the simulation root.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { configError } from '../../../core/config/config-error.js';

export type RefField = 'iter' | 'seg' | 'auxref' | 'bstate' | 'istate' | 'iter_created';

const ALIASES: Record<string, RefField> = {
  iter: 'iter',
  n_iter: 'iter',
  'segment.n_iter': 'iter',
  seg: 'seg',
  'segment.seg_id': 'seg',
  auxref: 'auxref',
  'basis_state.auxref': 'auxref',
  bstate: 'bstate',
  'basis_state.state_id': 'bstate',
  istate: 'istate',
  'initial_state.state_id': 'istate',
  iter_created: 'iter_created',
  'initial_state.iter_created': 'iter_created',
};

type Part = string | { field: RefField; width: number; zeroPad: boolean };

export class RefTemplate {
  private constructor(
    private readonly parts: Part[],
    private readonly simRoot: string,
  ) {}

  /**
   * `allowed`: the fields known where this template is used (a basis state has no segment id). `field` and
   * `file` name the option and the we.yaml in errors.
   */
  static compile(template: string, allowed: RefField[], simRoot: string, file: string, field: string): RefTemplate {
    const parts: Part[] = [];
    // `${NAME}` is an environment variable, expanded after the fields (WESTPA's str.format would reject it).
    const pattern = /(?<!\$)\{([^{}:]*)(?::(0?)(\d*)d)?\}/g;
    let last = 0;
    for (let m = pattern.exec(template); m; m = pattern.exec(template)) {
      parts.push(template.slice(last, m.index));
      const name = ALIASES[m[1]];
      if (!name || !allowed.includes(name)) {
        const expected = allowed.map((f) => `{${f}}`).join(', ');
        throw configError([{ file, field, message: `unknown field {${m[1]}} in '${template}'; expected one of ${expected}` }]);
      }
      parts.push({ field: name, width: m[3] ? Number(m[3]) : 0, zeroPad: m[2] === '0' });
      last = pattern.lastIndex;
    }
    parts.push(template.slice(last));
    const stray = (p: Part) => typeof p === 'string' && /[{}]/.test(p.replace(/\$\{\w+\}/g, ''));
    if (parts.some(stray)) {
      throw configError([{ file, field, message: `unbalanced or unsupported braces in '${template}'; use {name} or {name:06d}` }]);
    }
    return new RefTemplate(parts, simRoot);
  }

  /** Absolute path for these field values. */
  render(values: Partial<Record<RefField, number | string>>): string {
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      out += pad(String(values[part.field]), part.width, part.zeroPad);
    }
    return expandPath(out, this.simRoot);
  }
}

/** $VAR, ${VAR} and a leading ~ expanded (as WESTPA's data refs), then resolved against the simulation root. */
export function expandPath(text: string, simRoot: string): string {
  return resolve(simRoot, expandUser(expandVars(text, simRoot)));
}

/** As Python's format: zero padding goes after a minus sign ({:06d} of -1 is -00001). */
function pad(text: string, width: number, zeroPad: boolean): string {
  if (!zeroPad) return text.padStart(width, ' ');
  return text.startsWith('-') ? '-' + text.slice(1).padStart(width - 1, '0') : text.padStart(width, '0');
}

/** $NAME and ${NAME}; WEST_SIM_ROOT is known even though this process's environment may not have it. */
function expandVars(text: string, simRoot: string): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    if (name === 'WEST_SIM_ROOT') return simRoot;
    return process.env[name] ?? whole;
  });
}

function expandUser(text: string): string {
  return text === '~' || text.startsWith('~/') ? homedir() + text.slice(1) : text;
}
