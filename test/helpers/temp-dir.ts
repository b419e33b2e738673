/**
 * Temporary directories for tests. Each is removed after its test file has run, passed or failed (the afterAll
 * in test/setup.ts), so a suite run leaves nothing in the system's temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A new empty directory `<tmpdir>/we-test-<name>-XXXXXX`. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `we-test-${name}-`));
  made.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
