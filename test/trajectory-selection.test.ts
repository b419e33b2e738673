import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPdb } from '../plugins/trajectory/pdb.js';
import { selectAtoms } from '../plugins/trajectory/selection.js';
import { structure } from './helpers/structures.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'trajectory');
const CRYSTAL = structure('CLN025_5AWL_protein.pdb');
const expected = JSON.parse(await readFile(join(FIXTURES, 'expected.json'), 'utf8')) as {
  selections: Record<string, number[]>;
  crystalSelections: Record<string, number[]>;
};
const { topology } = await readPdb(join(FIXTURES, 'cln025.pdb'));

describe('selections match MDAnalysis on the same topology', () => {
  for (const [selection, indices] of Object.entries(expected.selections)) {
    it(selection, () => {
      expect(Array.from(selectAtoms(topology, selection))).toEqual(indices);
    });
  }

  it('protein and name CA on the crystal structure', async () => {
    const crystal = await readPdb(CRYSTAL);
    const selection = 'protein and name CA';
    expect(Array.from(selectAtoms(crystal.topology, selection))).toEqual(expected.crystalSelections[selection]);
  });
});

describe('grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    const ca = selectAtoms(topology, 'name CA');
    const cbOfResidue1 = selectAtoms(topology, 'name CB and resid 1');
    const union = [...ca, ...cbOfResidue1].sort((a, b) => a - b);
    expect(Array.from(selectAtoms(topology, 'name CA or name CB and resid 1'))).toEqual(union);
    expect(Array.from(selectAtoms(topology, '(name CA or name CB) and resid 1'))).toEqual([4, 8]);
    expect(selectAtoms(topology, 'not name CA and name CA')).toHaveLength(0);
    expect(selectAtoms(topology, 'not not name CA')).toEqual(ca);
  });

  it('takes several values, globs, both range forms and 1-based bynum', () => {
    expect(Array.from(selectAtoms(topology, 'name CA CB and resid 1'))).toEqual([4, 8]);
    expect(Array.from(selectAtoms(topology, 'resid 1 and name C?'))).toEqual(
      Array.from(selectAtoms(topology, 'resid 1 and (name CA CB CG CZ)')),
    );
    expect(selectAtoms(topology, 'resid 2-4')).toEqual(selectAtoms(topology, 'resid 2:4'));
    expect(Array.from(selectAtoms(topology, 'bynum 1 3'))).toEqual([0, 2]);
  });
});

describe('errors name the selection and the column', () => {
  const cases: [string, string][] = [
    ['segid A', 'selection "segid A", column 1: unknown keyword "segid", expected one of name, resname'],
    ['name CA and', 'selection "name CA and": ends early, expected a keyword or "("'],
    ['protein and name', 'selection "protein and name", column 13: "name" needs at least one value'],
    ['(name CA', 'selection "(name CA": "(" at column 1 is never closed'],
    ['name CA )', 'selection "name CA )", column 9: unexpected ")", expected "and", "or" or the end'],
    ['resid 1-x', 'selection "resid 1-x", column 7: "1-x" is not a number or range'],
    ['index 9-3', 'selection "index 9-3", column 7: range "9-3" is empty'],
    ['  ', 'selection "  ": is empty'],
  ];
  for (const [selection, message] of cases) {
    it(JSON.stringify(selection), () => {
      expect(() => selectAtoms(topology, selection)).toThrow(message);
    });
  }
});
