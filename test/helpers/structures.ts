/** Protein structures copied into the repository for tests (sources and licence: test/fixtures/structures/SOURCES.md). */
import { join } from 'node:path';

export function structure(name: string): string {
  return join(import.meta.dirname, '..', 'fixtures', 'structures', name);
}
