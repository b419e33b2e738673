#!/usr/bin/python3
"""Training trajectories for the AAE model packages, simulated here with OpenMM 7.7 (Debian python3-simtk).

For each starting structure: strip hydrogens and re-add them (Modeller.addHydrogens, pH 7), minimise, then
Langevin dynamics at an elevated temperature so that short runs visit both folded and unfolded states. The
first start's prepared, minimised structure is written as the package reference (reference.pdb); every saved
frame's coordinates (all atoms, Å, in the reference's atom order) go to one .npz, which stays out of git. The
training script picks the package's selection from them.

Run with the system interpreter (torch/onnx/openmm live there, not in pyenv):
  /usr/bin/python3 scripts/make-training-data.py --system chignolin --out /tmp/we-aae/chignolin
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from openmm import LangevinMiddleIntegrator, Platform, unit
from openmm.app import ForceField, HBonds, Modeller, NoCutoff, PDBFile, Simulation

# The starting structures are copied into the repository (their sources and licences: SOURCES.md there).
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'structures')

# Starting structures per system: folded first (it becomes the reference), then any unfolded ones.
SYSTEMS = {
    'chignolin': [f'{DATA}/CLN025_5AWL_protein.pdb'],
    'bba': [f'{DATA}/BBA_1FME_model1.pdb', f'{DATA}/BBA_1FME-unfolded.pdb'],
}

# CHARMM spellings in the unfolded BBA frame that OpenMM's Amber templates know under other names.
CHARMM_RESIDUES = {'HSD': 'HIS', 'HSE': 'HIS', 'HSP': 'HIS'}
CHARMM_ATOMS = {'OT1': 'O', 'OT2': 'OXT'}

def prepared_model(path, forcefield):
    pdb = PDBFile(path)
    modeller = Modeller(pdb.topology, pdb.positions)
    modeller.delete([a for a in modeller.topology.atoms() if a.element is not None and a.element.symbol == 'H'])
    for residue in modeller.topology.residues():
        residue.name = CHARMM_RESIDUES.get(residue.name, residue.name)
        for atom in residue.atoms():
            atom.name = CHARMM_ATOMS.get(atom.name, atom.name)
    modeller.addHydrogens(forcefield, pH=7.0)
    return modeller

def simulate(args, start_index, path, forcefield, platform):
    modeller = prepared_model(path, forcefield)
    # Hydrogen mass repartitioning lets a 4 fs step run stably with H-bond constraints: half the CPU per ps.
    system = forcefield.createSystem(
        modeller.topology, nonbondedMethod=NoCutoff, constraints=HBonds, hydrogenMass=3 * unit.amu
    )
    integrator = LangevinMiddleIntegrator(args.temperature * unit.kelvin, 1 / unit.picosecond, args.dt * unit.femtoseconds)
    seed = args.seed + 1000 * start_index
    integrator.setRandomNumberSeed(seed or 1)  # 0 would mean "pick one at random"

    simulation = Simulation(modeller.topology, system, integrator, platform, {'Threads': str(args.threads)})
    simulation.context.setPositions(modeller.positions)
    simulation.minimizeEnergy()
    state = simulation.context.getState(getPositions=True)
    if start_index == 0:
        with open(os.path.join(args.out, 'reference.pdb'), 'w') as f:
            PDBFile.writeFile(modeller.topology, state.getPositions(), f)
    simulation.context.setVelocitiesToTemperature(args.temperature * unit.kelvin, seed or 1)

    steps_per_frame = max(1, round(args.interval * 1000 / args.dt))
    frames = []
    began = time.time()
    for _ in range(args.frames):
        simulation.step(steps_per_frame)
        xyz = simulation.context.getState(getPositions=True).getPositions(asNumpy=True).value_in_unit(unit.angstrom)
        frames.append(np.asarray(xyz))
    seconds = time.time() - began
    print(f'{path}: {args.frames} frames, {args.frames * args.interval:.0f} ps in {seconds:.0f} s', file=sys.stderr)
    atoms = [(a.residue.index, a.name) for a in modeller.topology.atoms()]
    return np.stack(frames).astype(np.float32), atoms, seconds


def in_reference_order(xyz, atoms, reference_atoms):
    """Reorders a start's atoms to the reference's by (residue, name): starts from other programs (the CHARMM
    unfolded BBA) list a residue's atoms in another order."""
    where = {atom: i for i, atom in enumerate(atoms)}
    missing = [atom for atom in reference_atoms if atom not in where]
    if missing or len(atoms) != len(reference_atoms):
        sys.exit(f'a start prepared to {len(atoms)} atoms, the reference to {len(reference_atoms)}; missing {missing[:5]}')
    return xyz[:, [where[atom] for atom in reference_atoms]]

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--system', choices=sorted(SYSTEMS), required=True)
    parser.add_argument('--out', required=True, help='directory for reference.pdb, frames.npz and recipe.json')
    parser.add_argument('--frames', type=int, default=1500, help='frames saved per starting structure')
    parser.add_argument('--interval', type=float, default=0.2, help='ps between saved frames')
    parser.add_argument('--dt', type=float, default=4.0, help='time step, fs')
    parser.add_argument('--temperature', type=float, default=450.0, help='K')
    parser.add_argument('--seed', type=int, default=2021)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    forcefield = ForceField('amber99sbildn.xml', 'amber99_obc.xml')
    platform = Platform.getPlatformByName('CPU')
    runs = [simulate(args, i, path, forcefield, platform) for i, path in enumerate(SYSTEMS[args.system])]
    reference_atoms = runs[0][1]
    xyz = np.concatenate([in_reference_order(r[0], r[1], reference_atoms) for r in runs])
    start = np.concatenate([np.full(len(r[0]), i, dtype=np.int32) for i, r in enumerate(runs)])
    np.savez_compressed(os.path.join(args.out, 'frames.npz'), xyz=xyz, names=np.array([name for _, name in reference_atoms]), start=start)
    recipe = {
        'command': ' '.join(['/usr/bin/python3', 'scripts/make-training-data.py', *sys.argv[1:]]),
        'engine': 'OpenMM 7.7 CPU, amber99sbildn.xml + amber99_obc.xml, HBonds, HMR 3 amu, NoCutoff',
        'starts': SYSTEMS[args.system],
        'atoms': len(runs[0][1]),
        'temperature_K': args.temperature,
        'dt_fs': args.dt,
        'frame_interval_ps': args.interval,
        'frames': int(len(xyz)),
        'simulated_ps': args.frames * args.interval * len(runs),
        'cpu_seconds': round(sum(r[2] for r in runs)),
        'seed': args.seed,
    }
    with open(os.path.join(args.out, 'recipe.json'), 'w') as f:
        json.dump(recipe, f, indent=1)
    print(json.dumps(recipe), file=sys.stderr)

if __name__ == '__main__':
    main()
