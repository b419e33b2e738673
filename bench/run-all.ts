/**
 * Every benchmark in turn (`npm run bench`). Each prints its own table; see bench/RESULTS.md for recorded
 * figures. Benchmarks never assert on time: the machine is shared and figures vary between days.
 */
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
// The benches that have a source in bench/: a build directory can hold output of files since removed.
const sources = join(here, '..', '..', 'bench');
const benches = readdirSync(sources)
  .filter((f) => f.endsWith('.ts') && f !== 'run-all.ts')
  .map((f) => f.replace(/\.ts$/, '.js'))
  .sort();
for (const file of benches) {
  console.log(`\n## ${file.replace(/\.js$/, '')}\n`);
  execFileSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
}
