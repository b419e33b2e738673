/**
 * A plugin factory's validation of its `options`: the same schema the catalog (plugins/catalog.ts) gives
 * config loading, worded the same way (without line:column: the factory has the values, not the text).
 */
import type * as z from 'zod';
import { configError } from '../core/config/config-error.js';
import { schemaProblems, valueSource } from '../core/config/schema-problems.js';

/** `field` is where the options sit in we.yaml (`propagator.options`). */
export function parsePluginOptions<T extends z.ZodType>(schema: T, options: unknown, file: string, field: string): z.output<T> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const prefix = field.split('.');
  const issues = parsed.error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
  throw configError(schemaProblems(issues, valueSource(file, prefix, options ?? {})));
}
