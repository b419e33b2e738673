/**
 * Progress coordinate per segment: `we` in-process and warm (model package loaded once; per segment: read the
 * DCD, align, scale, one encoder call) against DeepDriveMD's way, a fresh /usr/bin/python3 process per segment
 * that imports torch and MDAnalysis, loads reference, trajectory and encoder, and does the same on the same
 * files. 11 and 101 frames (a segment of 10 or 100 frames plus its parent) of 28 points (the trained BBA model)
 * and of 3,375 points (the spike's C-alpha count; a TIMING-ONLY untrained encoder generated into /tmp at bench
 * time). Both sides are measured in this same run, alternating, median of rounds; compare ratios, not absolute
 * times (the machine is shared). Needs /usr/bin/python3 with torch, onnx and MDAnalysis (Debian packages).
 * Run: npx tsc && node dist/bench/pcoord.js
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { embedFiles, loadModelPackage } from '../plugins/pcoord-onnx/index.js';
import { median } from './lib/median.js';

const PYTHON = '/usr/bin/python3';
const REPO = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../..' : '..', import.meta.url));
const HELPER = join(REPO, 'bench', 'pcoord-deepdrivemd.py');
const WE_ROUNDS = 20;
const PYTHON_ROUNDS = 3;
/** Inference threads, the same on both sides: 1, and 2 (all of this machine's cores, as on an idle GPU node). */
const THREADS = [1, 2];
/** DeepDriveMD-WESTPA's AMBER segment on Summit (reference notes §1): the MD time the pcoord is measured against. */
const AMBER_SEGMENT_MS = 264_000;

interface Case {
  label: string;
  model: string;
  /** The CA-only structure the Python side loads as topology and reference. */
  referencePdb: string;
  dcd: string;
}

export async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'we-bench-pcoord-'));
  try {
    const bba = join(REPO, 'models', 'bba-aae');
    await execa(PYTHON, [HELPER, 'setup', work, bba]);
    const spike = join(work, 'timing-only-3375');
    const cases: Case[] = [11, 101].flatMap((n) => [
      { label: `BBA, 28 points, ${n} frames`, model: bba, referencePdb: join(work, 'bba-ca.pdb'), dcd: join(work, `bba-${n}.dcd`) },
      {
        label: `3,375 points (timing-only model), ${n} frames`,
        model: spike,
        referencePdb: join(spike, 'reference.pdb'),
        dcd: join(work, `spike-${n}.dcd`),
      },
    ]);

    const rows: string[][] = [];
    for (const c of cases) {
      for (const threads of THREADS) {
        const pkg = await loadModelPackage(c.model, { threads });
        try {
          await embedFiles(pkg, [c.dcd]);
          const ours: number[] = [];
          const theirs: number[] = [];
          for (let round = 0; round < Math.max(WE_ROUNDS, PYTHON_ROUNDS); round++) {
            if (round < WE_ROUNDS) {
              const t0 = performance.now();
              await embedFiles(pkg, [c.dcd]);
              ours.push(performance.now() - t0);
            }
            if (round < PYTHON_ROUNDS) {
              const t0 = performance.now();
              await execa(PYTHON, [HELPER, 'segment', join(c.model, 'model.onnx'), c.referencePdb, c.dcd, String(threads)]);
              theirs.push(performance.now() - t0);
            }
          }
          const we = median(ours);
          const python = median(theirs);
          const ofMd = (100 * we) / AMBER_SEGMENT_MS;
          rows.push([c.label, String(threads), we.toFixed(2), python.toFixed(0), `${(python / we).toFixed(0)}x`, `${ofMd.toFixed(3)}%`]);
        } finally {
          await pkg.close();
        }
      }
    }
    printTable(
      ['case', 'threads', 'we ms/segment (warm)', 'python+torch ms/segment (fresh process)', 'ratio', 'we / 264 s MD'],
      rows,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
