import { afterAll } from 'vitest';
import { killStrayWe } from './helpers/cli.js';
import { removeTempDirs } from './helpers/temp-dir.js';

afterAll(async () => {
  await killStrayWe();
  removeTempDirs();
});
