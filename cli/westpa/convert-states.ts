/**
 * Basis and target states, which WESTPA takes from `w_init` (`--bstates-from FILE`, `--bstate label,prob[,auxref]`,
 * `--tstates-from FILE`, `--tstate label,pcoord…`), found in init.sh or given to `we import` with the same flags
 * → we.yaml's `basis_states` and `target_states`. Flags of a kind (basis or target) replace init.sh's states of
 * that kind.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WeError } from '../../core/errors.js';
import { parseBasisStatesFile, parseTargetStatesFile } from '../../core/config/state-files.js';
import { absoluteSimPath, note, simPath, type Conversion } from './conversion.js';
import type { Located, WInitArguments } from './w-init-script.js';

export interface StateSources {
  /** `we import`'s own flags, as w_init's. */
  flags: { bstatesFrom?: string; tstatesFrom?: string; bstates: string[]; tstates: string[] };
  /** The w_init command of init.sh, with the script as shown in messages. */
  init?: { shown: string; args: WInitArguments };
}

export interface StatesPart {
  basis_states?: unknown;
  target_states?: unknown;
  segsPerState?: number;
}

interface Chosen<T> {
  value: T;
  /** Where it came from, for we.yaml's comment. */
  origin: string;
}

/** Where states of one kind come from: `we import`'s flags when any is given, else init.sh's w_init. */
function sourceOf(
  sources: StateSources,
  flags: { file?: string; inline: string[] },
  fromInit: { file?: Located<string>; inline: Located<string>[] } | undefined,
  names: { file: string; inline: string },
): { file?: Chosen<string>; inline?: Chosen<string[]> } {
  if (flags.file !== undefined || flags.inline.length) {
    return {
      ...(flags.file !== undefined ? { file: { value: flags.file, origin: `we import ${names.file}` } } : {}),
      ...(flags.inline.length ? { inline: { value: flags.inline, origin: `we import ${names.inline}` } } : {}),
    };
  }
  const shown = sources.init?.shown;
  return {
    ...(fromInit?.file ? { file: { value: fromInit.file.value, origin: `${shown}:${fromInit.file.line} w_init ${names.file}` } } : {}),
    ...(fromInit?.inline.length
      ? { inline: { value: fromInit.inline.map((s) => s.value), origin: `${shown}:${fromInit.inline[0].line} w_init ${names.inline}` } }
      : {}),
  };
}

/** `label,probability[,auxref]` as w_init's --bstate takes it. */
function inlineBasisState(spec: string): { label: string; probability: number; auxref?: string } {
  const [label, probability, auxref] = spec.split(',');
  const p = Number(probability);
  if (!label || probability === undefined || !Number.isFinite(p)) throw new WeError(`--bstate ${spec}: expected 'label,probability[,auxref]'`);
  return auxref === undefined ? { label, probability: p } : { label, probability: p, auxref };
}

/** `label,pcoord0[,pcoord1…]` as w_init's --tstate takes it. */
function inlineTargetState(spec: string): { label: string; pcoord: number[] } {
  const [label, ...values] = spec.split(',');
  const pcoord = values.map(Number);
  if (!label || pcoord.length === 0 || pcoord.some((v) => !Number.isFinite(v))) throw new WeError(`--tstate ${spec}: expected 'label,pcoord0[,pcoord1...]'`);
  return { label, pcoord };
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/**
 * basis_states: {file} checks that each auxref names a folder `bstates/<auxref>`; WESTPA's auxrefs may name files
 * (basic_nacl's `bstate.xml`), so the check is kept only where it holds.
 */
function basisStatesFile(c: Conversion, file: string, bstateRef: string | undefined): Record<string, unknown> {
  const spec: Record<string, unknown> = { file };
  let auxrefs: string[];
  try {
    auxrefs = parseBasisStatesFile(readFileSync(absoluteSimPath(c, file), 'utf8'), file).map((r) => r.auxref);
  } catch {
    return spec; // `we import` reports it when it checks that we.yaml loads.
  }
  const folder = bstateRef && /^(.*)\/\{(?:basis_state\.)?auxref\}$/.exec(bstateRef)?.[1];
  if (folder && !folder.includes('$') && !folder.includes('{') && auxrefs.every((a) => a && isDirectory(join(absoluteSimPath(c, folder), a)))) {
    if (folder !== 'bstates') spec.folder = folder;
  } else {
    spec.require_folders = false;
  }
  return spec;
}

export function convertStates(c: Conversion, sources: StateSources, bstateRef: string | undefined, ndim: number | undefined): StatesPart {
  const init = sources.init?.args;
  const part: StatesPart = {};

  const { file: bFile, inline: bInline } = sourceOf(
    sources,
    { file: sources.flags.bstatesFrom, inline: sources.flags.bstates },
    init && { file: init.bstatesFrom, inline: init.bstates },
    { file: '--bstates-from', inline: '--bstate' },
  );
  if (bFile && !bInline) {
    part.basis_states = basisStatesFile(c, simPath(c, bFile.value), bstateRef);
    c.origin.set('basis_states', bFile.origin);
  } else if (bInline) {
    // w_init appends --bstate states to the file's; we.yaml takes one form, so both become a list.
    const fromFile = bFile ? parseBasisStatesFile(readFileSync(absoluteSimPath(c, bFile.value), 'utf8'), bFile.value) : [];
    part.basis_states = [...fromFile.map(({ label, probability, auxref }) => ({ label, probability, auxref })), ...bInline.value.map(inlineBasisState)];
    c.origin.set('basis_states', bFile ? `${bFile.origin} and ${bInline.origin}` : bInline.origin);
  }

  const { file: tFile, inline: tInline } = sourceOf(
    sources,
    { file: sources.flags.tstatesFrom, inline: sources.flags.tstates },
    init && { file: init.tstatesFrom, inline: init.tstates },
    { file: '--tstates-from', inline: '--tstate' },
  );
  if (tFile && !tInline) {
    part.target_states = { file: simPath(c, tFile.value) };
    c.origin.set('target_states', tFile.origin);
  } else if (tInline) {
    const fromFile = tFile && ndim ? parseTargetStatesFile(readFileSync(absoluteSimPath(c, tFile.value), 'utf8'), tFile.value, ndim) : [];
    part.target_states = [...fromFile, ...tInline.value.map(inlineTargetState)];
    c.origin.set('target_states', tFile ? `${tFile.origin} and ${tInline.origin}` : tInline.origin);
  }

  if (init?.segsPerState && sources.init && init.segsPerState.value !== '1') {
    const n = Number(init.segsPerState.value);
    if (Number.isInteger(n) && n >= 1) part.segsPerState = n;
    note(c, {
      where: `${sources.init.shown}:${init.segsPerState.line}`,
      key: `w_init --segs-per-state ${init.segsPerState.value}`,
      message: `a flag of init, not a we.yaml key: run \`we init --segs-per-state ${init.segsPerState.value}\``,
    });
  }
  for (const arg of init?.notCarried ?? []) {
    note(c, { where: `${sources.init!.shown}:${arg.line}`, key: `w_init ${arg.value}`, message: 'not carried: we init starts walkers from basis states only, and always resamples them to the target counts' });
  }
  return part;
}
