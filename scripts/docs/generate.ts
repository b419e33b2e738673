/**
 * `npm run docs`: writes the JSON Schema of we.yaml and docs/we-yaml.md from the schema itself. A test
 * (test/docs-we-yaml.test.ts) fails when the committed files differ from what this writes.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pluginCatalog } from '../../plugins/catalog.js';
import { writeFileAtomic } from '../../plugins/staging/atomic-file.js';
import { weYamlPage } from './we-yaml-page.js';
import { SCHEMA_FILE, weYamlJsonSchema } from './we-yaml-schema.js';

export const PAGE_FILE = 'docs/we-yaml.md';

/** The two files, as their committed text: path relative to the repository → contents. */
export function weYamlReference(): Record<string, string> {
  const schema = weYamlJsonSchema(pluginCatalog);
  return { [SCHEMA_FILE]: `${JSON.stringify(schema, null, 2)}\n`, [PAGE_FILE]: weYamlPage(schema) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // This file runs as dist/scripts/docs/generate.js.
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  for (const [file, text] of Object.entries(weYamlReference())) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFileAtomic(join(root, file), text);
    console.log(`wrote ${file}`);
  }
}
