/**
 * WESTPA's plain-text state files. BASIS_STATES: `label probability [auxref]`; TSTATE: `label v1 … vn`.
 * Everything after '#' is a comment; blank lines are skipped; errors name file:line.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetState } from '../types.js';
import { lineError } from './config-error.js';
import { canNormalise, firstDuplicate } from './states.js';

interface DataLine {
  line: number;
  fields: string[];
}

export interface BasisStateLine {
  line: number;
  label: string;
  probability: number;
  /** Empty when the line has no third column. */
  auxref: string;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function dataLines(text: string): DataLine[] {
  const out: DataLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const content = raw.split('#', 1)[0].trim();
    if (content) out.push({ line: i + 1, fields: content.split(/\s+/) });
  });
  return out;
}

function parseDecimal(token: string): number | undefined {
  return DECIMAL.test(token) ? Number(token) : undefined;
}

function rejectDuplicateLabels(file: string, rows: readonly { line: number; label: string }[]): void {
  const dup = firstDuplicate(rows.map((r) => r.label));
  if (dup) {
    const row = rows[dup.index];
    throw lineError(file, row.line, `label '${row.label}' is already used on line ${rows[dup.firstIndex].line}`);
  }
}

/** `file` is the path as shown in messages. Probabilities are returned as written (not yet normalised). */
export function parseBasisStatesFile(text: string, file: string): BasisStateLine[] {
  const rows = dataLines(text).map(({ line, fields }): BasisStateLine => {
    if (fields.length < 2 || fields.length > 3) {
      throw lineError(file, line, `expected 2 or 3 columns 'label probability [auxref]', found ${fields.length}`);
    }
    const probability = parseDecimal(fields[1]);
    if (probability === undefined || probability < 0) {
      throw lineError(file, line, `probability: expected a number >= 0, found '${fields[1]}'`);
    }
    return { line, label: fields[0], probability, auxref: fields[2] ?? '' };
  });
  if (rows.length === 0) throw lineError(file, 1, "no basis states: expected lines 'label probability auxref'");
  rejectDuplicateLabels(file, rows);
  if (!canNormalise(rows.map((r) => r.probability))) {
    throw lineError(file, rows[rows.length - 1].line, 'probabilities must have a positive, finite sum');
  }
  return rows;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Each basis state's auxref must name a folder `<folder>/<auxref>` (WESTPA's `bstates/{auxref}`), so that a
 * typo fails at load rather than when the first segment starts. `folderShown` is `folder` as shown in messages.
 */
export async function requireAuxrefFolders(
  rows: readonly BasisStateLine[],
  file: string,
  folder: string,
  folderShown: string,
): Promise<void> {
  for (const row of rows) {
    if (!row.auxref) {
      throw lineError(
        file,
        row.line,
        `basis state '${row.label}' has no auxref (third column); basis_states.require_folders needs one naming a folder in ${folderShown}`,
      );
    }
    if (!(await isDirectory(join(folder, row.auxref)))) {
      throw lineError(file, row.line, `auxref '${row.auxref}': folder ${join(folderShown, row.auxref)} does not exist`);
    }
  }
}

/** `file` is the path as shown in messages. */
export function parseTargetStatesFile(text: string, file: string, ndim: number): TargetState[] {
  const rows = dataLines(text).map(({ line, fields }) => {
    const values = fields.slice(1);
    if (values.length !== ndim) {
      throw lineError(file, line, `expected ${ndim} pcoord value(s) after the label (pcoord.ndim), found ${values.length}`);
    }
    const pcoord = values.map((token, i) => {
      const value = parseDecimal(token);
      if (value === undefined) throw lineError(file, line, `pcoord value ${i + 1}: expected a number, found '${token}'`);
      return value;
    });
    return { line, label: fields[0], pcoord };
  });
  rejectDuplicateLabels(file, rows);
  return rows.map(({ label, pcoord }) => ({ label, pcoord }));
}
