import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { copyExample } from './helpers/cli.js';
import { loadConfig } from '../core/config/load.js';
import { createRunContext } from '../core/driver/run-context.js';
import { initializeRun } from '../core/driver/initialize.js';
import { runSimulation } from '../core/driver/run.js';
import { builtinPlugins } from '../plugins/registry.js';
import { compensatedSum } from '../core/resampling/weight-checks.js';

describe('iteration hooks', () => {
  it('see each iteration before it runs and its durable record after', async () => {
    const dir = copyExample('odld');
    const ctx = await createRunContext(await loadConfig(join(dir, 'we.yaml')), builtinPlugins);
    try {
      await initializeRun(ctx, false);
      const calls: string[] = [];
      const outcome = await runSimulation(ctx, {
        maxIterations: 3,
        hooks: [
          {
            beforeIteration: (p) => {
              calls.push(`before ${p.iteration} (${p.n} walkers)`);
            },
            afterIteration: async (record) => {
              calls.push(`after ${record.completed.iteration} -> ${record.next.iteration}`);
              expect(record.prepared.iteration).toBe(record.completed.iteration);
              expect(Math.abs(compensatedSum(record.next.weight) - 1)).toBeLessThan(1e-12);
              // The record is durable when the hook runs: the store already points at the next iteration.
              expect(await ctx.store.currentIteration()).toBe(record.next.iteration);
            },
          },
        ],
      });
      expect(outcome.state).toBe('completed');
      expect(calls).toEqual(['before 1 (10 walkers)', 'after 1 -> 2', expect.stringMatching(/^before 2 /), 'after 2 -> 3', expect.stringMatching(/^before 3 /), 'after 3 -> 4']);
    } finally {
      await ctx.close();
    }
  });
});
