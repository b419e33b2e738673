/**
 * Every benchmark in turn (`npm run bench`). Each prints its own table; see bench/RESULTS.md for recorded
 * figures. Benchmarks never assert on time: the machine is shared and figures vary between days.
 */
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
for (const file of readdirSync(here).filter((f) => f.endsWith('.js') && f !== 'run-all.js').sort()) {
  console.log(`\n## ${file.replace(/\.js$/, '')}\n`);
  execFileSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
}
