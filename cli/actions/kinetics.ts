/** `we kinetics`: flux into each target and the rate over a window, direct (w_direct's MCBS) and haMSM. */
import type { BinSpec } from '../../core/analysis/bin-spec.js';
import { hamsmRates, type HamsmEstimate } from '../../core/analysis/hamsm.js';
import type { IterationRange } from '../../core/analysis/iteration-range.js';
import { directKinetics, perSecond, type Kinetics } from '../../core/analysis/kinetics.js';
import type { Estimate, McbsSettings } from '../../core/analysis/mcbs.js';
import { WeError } from '../../core/errors.js';
import { analysisBins, openAnalysisRun, type AnalysisRun, type AnalysisSource } from '../analysis-run.js';

export interface KineticsCommandOptions {
  window?: Partial<IterationRange>;
  mcbs: McbsSettings;
  evolutionStep?: number;
  tauSeconds?: number;
  bins?: BinSpec;
  hamsm: boolean;
  json: boolean;
}

type HamsmResult = HamsmEstimate | { unavailable: string };

/** The haMSM estimate, or why there is none (no bins, adaptive bins, no single steady state): never a failure. */
async function hamsm(run: AnalysisRun, kinetics: Kinetics, options: KineticsCommandOptions): Promise<HamsmResult> {
  if (!options.hamsm) return { unavailable: 'not asked for (--no-hamsm)' };
  const blockLength = Math.max(...kinetics.targets.map((t) => Math.min(t.direct.corr_len, kinetics.window.last - kinetics.window.first) + 1));
  try {
    const mapper = await analysisBins(run, options.bins, true);
    return hamsmRates(run.view, mapper, kinetics.window, options.mcbs, blockLength);
  } catch (error) {
    if (error instanceof WeError) return { unavailable: error.message };
    throw error;
  }
}

/** JSON: typed arrays as lists, NaN as null (JSON has none). */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

function formatEstimate(e: Estimate, unit: string): string {
  const x = (v: number) => (Number.isFinite(v) ? v.toExponential(3) : '-');
  return `${x(e.expected)} ${unit}  [${x(e.ci_lbound)}, ${x(e.ci_ubound)}]  corr_len ${e.corr_len}`;
}

function printHuman(kinetics: Kinetics, hamsmResult: HamsmResult, tauSeconds: number | undefined): void {
  const { window, mcbs } = kinetics;
  const level = `${Math.round(100 * (1 - mcbs.alpha))}%`;
  console.log(`${kinetics.source}: iterations ${window.first} to ${window.last}; rates per τ (one iteration), ${level} intervals`);
  kinetics.targets.forEach((target, t) => {
    console.log(`\ntarget '${target.label}'`);
    const rows: [string, Estimate][] = [['direct (mean recycled flux)', target.direct]];
    if ('rates' in hamsmResult) rows.push([`haMSM (${hamsmResult.states} bins)`, hamsmResult.rates[t]]);
    for (const [name, e] of rows) {
      console.log(`  ${name.padEnd(30)} ${formatEstimate(e, '/τ')}`);
      if (tauSeconds !== undefined) console.log(`  ${''.padEnd(30)} ${formatEstimate(perSecond(e, tauSeconds), '/s')}`);
      if (e.note) console.log(`  ${''.padEnd(30)} note: ${e.note}`);
    }
    if ('unavailable' in hamsmResult) console.log(`  ${'haMSM'.padEnd(30)} unavailable: ${hamsmResult.unavailable}`);
    console.log(`  window check: ${target.check.message}`);
    if (target.evolution) {
      console.log(`  evolution (cumulative from iteration ${window.first}):`);
      console.log(`    ${'iter_stop'.padStart(9)}  ${'expected'.padStart(10)}  ${'ci_lbound'.padStart(10)}  ${'ci_ubound'.padStart(10)}  corr_len`);
      for (const p of target.evolution) {
        const x = (v: number) => v.toExponential(3).padStart(10);
        console.log(`    ${String(p.iter_stop).padStart(9)}  ${x(p.expected)}  ${x(p.ci_lbound)}  ${x(p.ci_ubound)}  ${String(p.corr_len).padStart(8)}`);
      }
    }
  });
}

export async function kinetics(source: AnalysisSource, options: KineticsCommandOptions): Promise<void> {
  const run = await openAnalysisRun(source);
  try {
    const kinetics = directKinetics(run.view, { window: options.window, mcbs: options.mcbs, evolutionStep: options.evolutionStep });
    const hamsmResult = await hamsm(run, kinetics, options);
    if (!options.json) {
      printHuman(kinetics, hamsmResult, options.tauSeconds);
      return;
    }
    const tau = options.tauSeconds;
    const out = {
      source: kinetics.source,
      window: kinetics.window,
      tau_seconds: tau ?? null,
      mcbs: { alpha: kinetics.mcbs.alpha, nsets: kinetics.mcbs.nsets, acalpha: kinetics.mcbs.acAlpha, seed: kinetics.mcbs.seed },
      iterations: kinetics.flux.iterations,
      targets: kinetics.targets.map((target, t) => ({
        label: target.label,
        flux: kinetics.flux.flux[t],
        direct: { per_tau: target.direct, ...(tau ? { per_second: perSecond(target.direct, tau) } : {}) },
        hamsm:
          'rates' in hamsmResult
            ? {
                per_tau: hamsmResult.rates[t],
                ...(tau ? { per_second: perSecond(hamsmResult.rates[t], tau) } : {}),
                states: hamsmResult.states,
                trimmed_weight: hamsmResult.trimmed_weight,
                nsets: hamsmResult.nsets,
              }
            : hamsmResult,
        window_check: target.check,
        ...(target.evolution ? { evolution: target.evolution } : {}),
      })),
    };
    console.log(JSON.stringify(out, jsonReplacer, 2));
  } finally {
    run.view.close();
  }
}
