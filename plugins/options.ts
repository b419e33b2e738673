/** Validation of a plugin's free-form `options` block from we.yaml, with errors naming the field. */
import type { z } from 'zod';
import { WeError } from '../core/errors.js';

export function parsePluginOptions<T extends z.ZodType>(schema: T, options: unknown, file: string, field: string): z.infer<T> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = [field, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') return `${field}: unknown key(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    return `${path}: ${issue.message}`;
  });
  throw new WeError(problems.join('; '), file);
}
