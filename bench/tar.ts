/**
 * Indexed tar throughput: packing many small segment files into one node tar (MB/s), and random single-member
 * reads through the index, with one open IndexedTar and with a one-shot readMember per file (which also opens
 * the tar and parses the index each time). Goal: at least 5,000 random reads/s; MuMMI's pytaridx did 575/s
 * (SC'21). The files are freshly written, so the page cache is warm: this measures our overhead, not the disk.
 * Run: npx tsc && node dist/bench/tar.js
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { IndexedTar, packDirectory, readMember } from '../plugins/staging/indexed-tar.js';
import { Random } from '../core/random.js';

const FILES = 1_000;
const FILE_BYTES = 100_000;
const FILES_PER_SEGMENT = 10;
const OPEN_READS = 20_000;
const ONE_SHOT_READS = 2_000;
const GOAL_READS_PER_SECOND = 5_000;
const MUMMI_READS_PER_SECOND = 575;

async function writeSegments(root: string): Promise<void> {
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, '000001', String(Math.floor(i / FILES_PER_SEGMENT)).padStart(6, '0'));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `out${i % FILES_PER_SEGMENT}.bin`), randomBytes(FILE_BYTES));
  }
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

function row(what: string, count: string, seconds: string, rate: string): string {
  return `${what.padEnd(34)} ${count.padStart(7)} ${seconds.padStart(8)} ${rate.padStart(16)}`;
}

function measured(what: string, count: number, seconds: number, rate: string): string {
  return row(what, String(count), seconds.toFixed(3), rate);
}

export async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'we-bench-tar-'));
  try {
    const src = join(work, 'local');
    await writeSegments(src);
    const megabytes = (FILES * FILE_BYTES) / 1e6;
    const plainTar = join(work, 'plain.tar');
    const hashedTar = join(work, 'hashed.tar');
    const packSeconds = await timed(async () => void (await packDirectory(src, 'all', plainTar)));
    const hashedSeconds = await timed(async () => void (await packDirectory(src, 'all', hashedTar, { sha256: true })));

    const rng = new Random(7);
    const tar = await IndexedTar.open(plainTar);
    const paths = tar.paths();
    const pick = (): string => paths[Math.floor(rng.float() * paths.length)];
    const openSeconds = await timed(async () => {
      for (let i = 0; i < OPEN_READS; i++) await tar.read(pick());
    });
    await tar.close();
    const hashed = await IndexedTar.open(hashedTar);
    const hashedReadSeconds = await timed(async () => {
      for (let i = 0; i < OPEN_READS; i++) await hashed.read(pick());
    });
    await hashed.close();
    const oneShotSeconds = await timed(async () => {
      for (let i = 0; i < ONE_SHOT_READS; i++) await readMember(plainTar, pick());
    });

    console.log(`indexed tar: ${FILES} files of ${FILE_BYTES / 1000} KB (${megabytes.toFixed(0)} MB), warm page cache`);
    console.log(row('operation', 'count', 'seconds', 'rate'));
    console.log(measured('pack (tar + index, fsync, rename)', FILES, packSeconds, `${(megabytes / packSeconds).toFixed(0)} MB/s`));
    console.log(measured('pack with sha256', FILES, hashedSeconds, `${(megabytes / hashedSeconds).toFixed(0)} MB/s`));
    const openRate = OPEN_READS / openSeconds;
    console.log(measured('random read, open IndexedTar', OPEN_READS, openSeconds, `${openRate.toFixed(0)} files/s`));
    console.log(measured('random read + sha256 check', OPEN_READS, hashedReadSeconds, `${(OPEN_READS / hashedReadSeconds).toFixed(0)} files/s`));
    console.log(measured('random read, one-shot readMember', ONE_SHOT_READS, oneShotSeconds, `${(ONE_SHOT_READS / oneShotSeconds).toFixed(0)} files/s`));
    console.log(row("MuMMI pytaridx (SC'21, reference)", '-', '-', `${MUMMI_READS_PER_SECOND} files/s`));
    console.log(`goal >= ${GOAL_READS_PER_SECOND} files/s with an open IndexedTar: ${openRate >= GOAL_READS_PER_SECOND ? 'met' : 'NOT met'}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
