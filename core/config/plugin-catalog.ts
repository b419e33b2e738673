/**
 * The plugins a program offers, as data: per we.yaml field, each plugin's name and the zod schema of its
 * `options`, without loading any plugin's code. Loading we.yaml with a catalog checks every plugin choice
 * (`unknown plugin 'odl'; did you mean 'odld'?`, a misspelt or malformed option) with its line:column, so
 * `init` reports what `run` would. core/ imports no plugin: the program hands its catalog in
 * (plugins/catalog.ts for `we`), and each plugin's factory validates through the same schema.
 */
import type * as z from 'zod';
import { suggestKey } from './unknown-keys.js';

export type PluginField = 'propagator' | 'progress_coordinate' | 'work_manager' | 'store';

export type PluginCatalog = Readonly<Record<PluginField, Readonly<Record<string, z.ZodType>>>>;

export interface PluginChoiceValue {
  name: string;
  options: Record<string, unknown>;
}

function unknownPluginMessage(name: string, known: readonly string[]): string {
  const suggestion = suggestKey(name, known);
  return suggestion
    ? `unknown plugin '${name}'; did you mean '${suggestion}'?`
    : `unknown plugin '${name}'; expected one of: ${known.join(', ')}`;
}

/** A refinement of a plugin choice ({name, options, …}) checking it against `plugins` (name → options schema). */
export function pluginCheck(plugins: Readonly<Record<string, z.ZodType>>) {
  return (choice: PluginChoiceValue, ctx: z.RefinementCtx): void => {
    const schema = plugins[choice.name];
    if (!schema) {
      ctx.addIssue({ code: 'custom', path: ['name'], input: choice.name, message: unknownPluginMessage(choice.name, Object.keys(plugins)) });
      return;
    }
    const parsed = schema.safeParse(choice.options);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['options', ...issue.path] });
    }
  };
}
