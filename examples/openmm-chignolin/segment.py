#!/usr/bin/python3
"""One WE segment of all-atom chignolin with OpenMM: load the saved System and a start state (the parent's
restart, or a basis state drawing new velocities), run Langevin dynamics, write the frames (all atoms, in the
model reference's order) to a DCD and the final state (positions, velocities, time) as the restart.

Run with the interpreter that has OpenMM (Debian python3-simtk); runseg.sh calls it.
"""
import argparse

from openmm import LangevinMiddleIntegrator, Platform, XmlSerializer, unit
from openmm.app import DCDReporter, PDBFile, Simulation


def openmm_seed(seed):
    """OpenMM seeds are C ints and 0 means "pick one at random"; WEST_RAND32 goes up to 2^32 - 1."""
    return seed % 2**31 or 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--system', required=True, help='serialized System (system.xml)')
    parser.add_argument('--topology', required=True, help='PDB with the system\'s atoms, in order')
    parser.add_argument('--state-in', required=True, help='serialized State to start from')
    parser.add_argument('--new-velocities', action='store_true', help='draw velocities at --temperature')
    parser.add_argument('--state-out', required=True)
    parser.add_argument('--dcd', required=True)
    parser.add_argument('--steps', type=int, required=True)
    parser.add_argument('--frames', type=int, required=True, help='written every steps/frames steps')
    parser.add_argument('--dt', type=float, default=2.0, help='fs')
    parser.add_argument('--temperature', type=float, default=300.0, help='K')
    parser.add_argument('--seed', type=int, required=True)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    if args.frames < 1 or args.steps % args.frames:
        parser.error(f'--steps {args.steps} is not a multiple of --frames {args.frames}')

    with open(args.system) as f:
        system = XmlSerializer.deserialize(f.read())
    with open(args.state_in) as f:
        state = XmlSerializer.deserialize(f.read())
    seed = openmm_seed(args.seed)
    temperature = args.temperature * unit.kelvin
    integrator = LangevinMiddleIntegrator(temperature, 1 / unit.picosecond, args.dt * unit.femtoseconds)
    integrator.setRandomNumberSeed(seed)
    platform = Platform.getPlatformByName('CPU')
    simulation = Simulation(PDBFile(args.topology).topology, system, integrator, platform, {'Threads': str(args.threads)})
    simulation.context.setState(state)
    if args.new_velocities:
        simulation.context.setVelocitiesToTemperature(temperature, seed)

    simulation.reporters.append(DCDReporter(args.dcd, args.steps // args.frames))
    simulation.step(args.steps)
    final = simulation.context.getState(getPositions=True, getVelocities=True, getEnergy=True)
    with open(args.state_out, 'w') as f:
        f.write(XmlSerializer.serialize(final))
    print(f'{args.steps} steps to t = {final.getTime()}, potential energy {final.getPotentialEnergy()}')


if __name__ == '__main__':
    main()
