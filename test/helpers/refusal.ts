/** A `we` command that must fail without writing: one error line, the expected exit status, no file added or removed. */
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { we } from './cli.js';

export function refusalIn(dir: string): (args: string[], status: number, message: RegExp) => Promise<void> {
  return async (args, status, message) => {
    const before = readdirSync(dir).sort();
    const run = await we(args, dir);
    expect(run.exitCode, run.all).toBe(status);
    expect(run.stderr, args.join(' ')).toMatch(message);
    expect(run.stderr.split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(before);
  };
}
