#!/usr/bin/python3
"""Prepares the example once: system.xml, chignolin.pdb and the basis states in bstates/ (all committed).

Re-adding hydrogens and minimising gives slightly different structures on every run, so this is done once and
its outputs are kept; segments only load them. Steps: add hydrogens to native.pdb (pH 7), minimise, write the
prepared structure (chignolin.pdb: the topology and atom order of every segment's DCD, which must equal the
model reference's) and the serialized System; then unfold at 500 K and keep unfolded snapshots (C-alpha RMSD to
the prepared native at least --min-rmsd), each minimised, as basis states (bstate.pdb for the progress
coordinate, bstate.xml holding the exact positions MD starts from).

Run with the interpreter that has OpenMM (Debian python3-simtk): /usr/bin/python3 make-bstates.py
"""
import argparse
import os

import numpy as np
from openmm import LangevinMiddleIntegrator, Platform, XmlSerializer, unit
from openmm.app import ForceField, HBonds, Modeller, NoCutoff, PDBFile, Simulation

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_REFERENCE = os.path.join(HERE, '../../models/chignolin-aae/reference.pdb')


def atom_names(topology):
    return [(a.residue.index, a.residue.name, a.name) for a in topology.atoms()]


def ca_rmsd(a, b, ca):
    """Å after optimal superposition (Kabsch) of the C-alphas."""
    x, y = a[ca] - a[ca].mean(0), b[ca] - b[ca].mean(0)
    u, s, vt = np.linalg.svd(x.T @ y)
    s[-1] *= np.sign(np.linalg.det(u @ vt))
    return float(np.sqrt(max(0.0, ((x ** 2).sum() + (y ** 2).sum() - 2 * s.sum()) / len(x))))


def write_pdb(simulation, state, path):
    with open(path, 'w') as f:
        PDBFile.writeFile(simulation.topology, state.getPositions(), f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--states', type=int, default=4, help='basis states to keep')
    parser.add_argument('--interval', type=float, default=50.0, help='ps at 500 K between snapshots')
    parser.add_argument('--min-rmsd', type=float, default=3.0, help='Å; nearer snapshots are not kept')
    parser.add_argument('--max-snapshots', type=int, default=40)
    parser.add_argument('--seed', type=int, default=2021)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()

    forcefield = ForceField('amber99sbildn.xml', 'amber99_obc.xml')
    pdb = PDBFile(os.path.join(HERE, 'native.pdb'))
    modeller = Modeller(pdb.topology, pdb.positions)
    modeller.addHydrogens(forcefield, pH=7.0)
    if atom_names(modeller.topology) != atom_names(PDBFile(MODEL_REFERENCE).topology):
        raise SystemExit(f'prepared atoms differ from {MODEL_REFERENCE}: DCD frames would not match the model')

    system = forcefield.createSystem(modeller.topology, nonbondedMethod=NoCutoff, constraints=HBonds)
    with open(os.path.join(HERE, 'system.xml'), 'w') as f:
        f.write(XmlSerializer.serialize(system))

    integrator = LangevinMiddleIntegrator(500 * unit.kelvin, 1 / unit.picosecond, 2 * unit.femtoseconds)
    integrator.setRandomNumberSeed(args.seed or 1)  # 0 would mean "pick one at random"
    platform = Platform.getPlatformByName('CPU')
    simulation = Simulation(modeller.topology, system, integrator, platform, {'Threads': str(args.threads)})
    simulation.context.setPositions(modeller.positions)
    simulation.minimizeEnergy()
    state = simulation.context.getState(getPositions=True)
    write_pdb(simulation, state, os.path.join(HERE, 'chignolin.pdb'))
    native = state.getPositions(asNumpy=True).value_in_unit(unit.angstrom)
    ca = [a.index for a in modeller.topology.atoms() if a.name == 'CA']

    lines = ['# label probability auxref (minimised snapshot of a 500 K run; CA-RMSD to the prepared native)']
    simulation.context.setVelocitiesToTemperature(500 * unit.kelvin, args.seed or 1)
    steps = round(args.interval * 1000 / 2)
    for snapshot in range(1, args.max_snapshots + 1):
        simulation.step(steps)
        hot = simulation.context.getState(getPositions=True, getVelocities=True)
        simulation.minimizeEnergy()
        state = simulation.context.getState(getPositions=True)
        # The 500 K run goes on from where it was, not from the minimised structure.
        simulation.context.setState(hot)
        rmsd = ca_rmsd(state.getPositions(asNumpy=True).value_in_unit(unit.angstrom), native, ca)
        print(f'{snapshot * args.interval:.0f} ps: CA-RMSD {rmsd:.2f} Å', flush=True)
        if rmsd < args.min_rmsd:
            continue
        auxref = str(len(lines) - 1)
        folder = os.path.join(HERE, 'bstates', auxref)
        os.makedirs(folder, exist_ok=True)
        write_pdb(simulation, state, os.path.join(folder, 'bstate.pdb'))
        with open(os.path.join(folder, 'bstate.xml'), 'w') as f:
            f.write(XmlSerializer.serialize(state))
        lines.append(f'unfolded-{snapshot * args.interval:.0f}ps {1 / args.states:.6g} {auxref}  # {rmsd:.2f} Å')
        if len(lines) > args.states:
            break
    else:
        raise SystemExit(f'only {len(lines) - 1} of {args.states} snapshots unfolded to {args.min_rmsd} Å')
    with open(os.path.join(HERE, 'bstates', 'BASIS_STATES'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
