/**
 * Residue names that make an atom "protein": the set MDAnalysis 2.x uses (CHARMM, PDB, GROMACS OPLS-AA,
 * GROMOS and AMBER termini and protonation variants), so selections mean here what they meant in the
 * Python tools a model was trained with.
 */
export const PROTEIN_RESIDUES: ReadonlySet<string> = new Set(
  (
    'ALA ARG ASN ASP CYS GLN GLU GLY HSD HSE HSP ILE LEU LYS MET PHE PRO SER THR TRP TYR VAL ALAD ' +
    'HIS MSE ' +
    'ARGN ASPH CYS2 CYSH QLN PGLU GLUH HIS1 HISD HISE HISH LYSH ' +
    'ASN1 CYS1 HISA HISB HIS2 ' +
    'HID HIE HIP ORN DAB LYN HYP CYM CYX ASH GLH ACE NME ' +
    'NALA NGLY NSER NTHR NLEU NILE NVAL NASN NGLN NARG NHID NHIE NHIP NTRP NPHE NTYR NGLU NASP NLYS NPRO ' +
    'NCYS NCYX NMET CALA CGLY CSER CTHR CLEU CILE CVAL CASF CASN CGLN CARG CHID CHIE CHIP CTRP CPHE CTYR ' +
    'CGLU CASP CLYS CPRO CCYS CCYX CMET CME ASF'
  ).split(' '),
);

/** Atom names of the protein backbone (C-terminal OXT/OT* excluded, as in MDAnalysis). */
export const BACKBONE_ATOMS: ReadonlySet<string> = new Set(['N', 'CA', 'C', 'O']);
