/**
 * The batch script of a simulation's allocations: a template from scripts/slurm/ (or the user's own) with its
 * {{placeholders}} filled in, written to slurm/job.sh where the user can read what every allocation runs.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { failureReason, WeError } from '../../core/errors.js';
import { writeFileAtomic } from '../staging/atomic-file.js';

export const BUILTIN_TEMPLATES = ['local', 'redis'] as const;

/** What a template may use; each value is a shell word (or words), already quoted. */
export interface ScriptValues {
  /** The command that starts `we` (node and its entry point). */
  we: string;
  /** The simulation's we.yaml. */
  config: string;
  /** The directory holding we.yaml. */
  sim_root: string;
}

/** A path that is safe anywhere in a shell command line. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A built-in template's name, or a path relative to the simulation root. */
export function templateFile(template: string, templatesDir: string, simRoot: string): string {
  if (template.includes('/')) return resolve(simRoot, template);
  if (!(BUILTIN_TEMPLATES as readonly string[]).includes(template)) {
    throw new WeError(`cluster.template: no built-in template '${template}' (expected ${BUILTIN_TEMPLATES.join(' or ')}, or a path such as ./job-template.sh)`);
  }
  return join(templatesDir, `${template}.sh`);
}

export function renderBatchScript(text: string, file: string, values: ScriptValues): string {
  return text
    .split('\n')
    .map((line, i) =>
      line.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_, name: string) => {
        if (!Object.hasOwn(values, name)) {
          throw new WeError(`unknown placeholder {{${name}}}; a template may use ${Object.keys(values).map((k) => `{{${k}}}`).join(', ')}`, `${file}:${i + 1}`);
        }
        return values[name as keyof ScriptValues];
      }),
    )
    .join('\n');
}

/** Renders `template` into `target` (executable), replacing any script an earlier `we submit` wrote. */
export async function writeBatchScript(template: string, target: string, values: ScriptValues): Promise<void> {
  let text: string;
  try {
    text = await readFile(template, 'utf8');
  } catch (error) {
    throw new WeError(`cannot read the batch script template (${failureReason(error)})`, template);
  }
  await writeFileAtomic(target, renderBatchScript(text, template, values), 0o755);
}
