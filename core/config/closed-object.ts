/** Mappings in we.yaml, model.yaml and plugin options reject keys they do not know, naming the closest known one. */
import * as z from 'zod';
import { unknownKeysMessage } from './unknown-keys.js';

export function closedObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}
