#!/usr/bin/python3
"""Writes the trajectory fixtures in test/fixtures/trajectory/ (committed; tests never run Python).

Chignolin (5AWL, hydrogens added) is simulated briefly with OpenMM, which writes a DCD and a multi-model PDB of
the same 5 frames. MDAnalysis then re-writes those frames as AMBER NetCDF and as a CHARMM-style DCD with a unit
cell, and records in expected.json what it reads, selects and aligns, so that the TypeScript readers, selection
parser and Kabsch alignment are checked against an independent implementation.

Hydrogen placement and minimisation vary run to run, so every rerun yields new frames: the fixture files and
expected.json are regenerated and committed together.

Run with Debian's interpreter: /usr/bin/python3 scripts/make-trajectory-fixtures.py
Needs python3-simtk (OpenMM 7.7), libopenmm-plugins, python3-mdanalysis (with scipy for NetCDF).
"""
import json
import struct
import warnings
from pathlib import Path

import numpy as np
import openmm
from openmm import app, unit
from scipy.io import netcdf_file

warnings.filterwarnings("ignore")
import MDAnalysis as mda  # noqa: E402
from MDAnalysis.analysis import align, rms  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "trajectory"
CRYSTAL = ROOT / "test" / "fixtures" / "structures" / "CLN025_5AWL_protein.pdb"
STEPS_PER_FRAME = 100
N_FRAMES = 5
SEED = 2021
SELECTIONS = [
    "name CA",
    "protein and name CA",
    "resid 1-3",
    "resid 2:4 and not name H*",
    "index 0 5 7",
    "index 3-6",
    "backbone",
    "resname TYR and (name CA or name CB)",
    "not protein",
    "all",
    "name CA or (resid 10 and name OXT)",
    "chainID A and resname GLY",
]


def simulate():
    pdb = app.PDBFile(str(CRYSTAL))
    forcefield = app.ForceField("amber99sbildn.xml", "amber99_obc.xml")
    modeller = app.Modeller(pdb.topology, pdb.positions)
    modeller.addHydrogens(forcefield)
    system = forcefield.createSystem(
        modeller.topology, nonbondedMethod=app.NoCutoff, constraints=app.HBonds
    )
    integrator = openmm.LangevinIntegrator(
        300 * unit.kelvin, 1 / unit.picosecond, 2 * unit.femtoseconds
    )
    integrator.setRandomNumberSeed(SEED)
    platform = openmm.Platform.getPlatformByName("Reference")
    simulation = app.Simulation(modeller.topology, system, integrator, platform)
    simulation.context.setPositions(modeller.positions)
    simulation.minimizeEnergy(maxIterations=50)
    simulation.context.setVelocitiesToTemperature(300 * unit.kelvin, SEED)
    simulation.reporters.append(app.DCDReporter(str(OUT / "cln025.dcd"), STEPS_PER_FRAME))
    simulation.reporters.append(app.PDBReporter(str(OUT / "cln025.pdb"), STEPS_PER_FRAME))
    simulation.step(STEPS_PER_FRAME * N_FRAMES)
    del simulation  # closes the reporters' files


def rewrite_dcd(src, dst, endian, marker_bytes):
    """Re-emits a DCD record by record with another byte order and/or 64-bit record markers."""
    data = src.read_bytes()
    out = bytearray()
    offset = 0
    index = 0
    marker_format = {4: "i", 8: "q"}[marker_bytes]
    has_cell = None
    while offset < len(data):
        (length,) = struct.unpack_from("<i", data, offset)
        payload = data[offset + 4 : offset + 4 + length]
        offset += 8 + length
        if index == 0:
            has_cell = struct.unpack_from("<i", payload, 4 + 4 * 10)[0] != 0
            swapped = payload[:4] + swap_words(payload[4:], 4, endian)
        elif index == 1:
            swapped = swap_words(payload[:4], 4, endian) + payload[4:]
        elif index > 2 and has_cell and (index - 3) % 4 == 0:
            swapped = swap_words(payload, 8, endian)
        else:
            swapped = swap_words(payload, 4, endian)
        marker = struct.pack(endian + marker_format, length)
        out += marker + swapped + marker
        index += 1
    dst.write_bytes(bytes(out))


def write_restart(path, positions):
    """AMBER NetCDF restart (Conventions AMBERRESTART): one frame, coordinates (atom, spatial) in double."""
    with netcdf_file(str(path), "w", version=2) as f:
        f.Conventions = "AMBERRESTART"
        f.ConventionVersion = "1.0"
        f.program = "make-trajectory-fixtures.py"
        f.createDimension("spatial", 3)
        f.createDimension("atom", len(positions))
        spatial = f.createVariable("spatial", "c", ("spatial",))
        spatial[:] = np.array(list("xyz"), dtype="S1")
        coordinates = f.createVariable("coordinates", "d", ("atom", "spatial"))
        coordinates.units = "angstrom"
        coordinates[:] = positions.astype(np.float64)


def swap_words(payload, size, endian):
    if endian == "<":
        return payload
    words = np.frombuffer(payload, dtype=f"<u{size}")
    return words.astype(f">u{size}").tobytes()


def frames_of(universe, atoms=None):
    group = universe.atoms if atoms is None else atoms
    return [group.positions.astype(float).tolist() for _ in universe.trajectory]


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    simulate()

    universe = mda.Universe(str(OUT / "cln025.pdb"), str(OUT / "cln025.dcd"))
    with mda.Writer(str(OUT / "cln025.nc"), universe.atoms.n_atoms) as writer:
        for _ in universe.trajectory:
            writer.write(universe.atoms)
    with mda.Writer(str(OUT / "cln025-cell.dcd"), universe.atoms.n_atoms) as writer:
        for ts in universe.trajectory:
            ts.dimensions = [30.0 + ts.frame, 31.0, 32.0, 90.0, 90.0, 90.0]
            writer.write(universe.atoms)
    write_restart(OUT / "cln025.ncrst", universe.trajectory[-1].positions)
    rewrite_dcd(OUT / "cln025-cell.dcd", OUT / "cln025-cell-be.dcd", ">", 4)
    rewrite_dcd(OUT / "cln025.dcd", OUT / "cln025-be64.dcd", ">", 8)

    probe = [0, 1, 17, universe.atoms.n_atoms - 1]
    dcd = mda.Universe(str(OUT / "cln025.pdb"), str(OUT / "cln025.dcd"))
    nc = mda.Universe(str(OUT / "cln025.pdb"), str(OUT / "cln025.nc"))
    pdb = mda.Universe(str(OUT / "cln025.pdb"))
    cell = mda.Universe(str(OUT / "cln025.pdb"), str(OUT / "cln025-cell.dcd"))
    expected = {
        "nAtoms": int(universe.atoms.n_atoms),
        "nFrames": int(len(universe.trajectory)),
        "probeAtoms": probe,
        "dcd": frames_of(dcd, dcd.atoms[probe]),
        "netcdf": frames_of(nc, nc.atoms[probe]),
        "pdb": frames_of(pdb, pdb.atoms[probe]),
        "restart": universe.trajectory[-1].positions[probe].astype(float).tolist(),
        "cellDimensions": [cell.trajectory[i].dimensions.astype(float).tolist() for i in range(N_FRAMES)],
        "selections": {s: pdb.select_atoms(s).indices.tolist() for s in SELECTIONS},
        "crystalSelections": {
            "protein and name CA": mda.Universe(str(CRYSTAL)).select_atoms("protein and name CA").indices.tolist()
        },
    }

    # Align every DCD frame onto the crystal structure on C-alpha atoms, as deepdrivemd.py did.
    crystal = mda.Universe(str(CRYSTAL))
    mobile = mda.Universe(str(OUT / "cln025.pdb"), str(OUT / "cln025.dcd"))
    selection = "protein and name CA"
    ref_ca = crystal.select_atoms(selection)
    mobile_ca = mobile.select_atoms(selection)
    rmsd_before, rmsd_after, aligned_ca, aligned_probe = [], [], [], []
    for _ in mobile.trajectory:
        rmsd_before.append(float(rms.rmsd(mobile_ca.positions, ref_ca.positions)))
        _, after = align.alignto(mobile, crystal, select=selection)
        rmsd_after.append(float(after))
        aligned_ca.append(mobile_ca.positions.astype(float).tolist())
        aligned_probe.append(mobile.atoms[probe].positions.astype(float).tolist())
    expected["alignment"] = {
        "selection": selection,
        "rmsdBefore": rmsd_before,
        "rmsd": rmsd_after,
        "alignedCa": aligned_ca,
        "alignedProbe": aligned_probe,
    }

    # DeepDriveMD point cloud (frames, 3, points) with "box" scaling over this segment's frames.
    cloud = np.transpose(np.array(aligned_ca, dtype=np.float32), (0, 2, 1))
    bias = cloud.min()
    scale = 1.0 / (cloud.max() - bias)
    expected["boxPointCloud"] = {
        "bias": float(bias),
        "scale": float(scale),
        "frame0": ((cloud[0] - bias) * scale).astype(float).tolist(),
    }

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    sizes = {p.name: p.stat().st_size for p in sorted(OUT.iterdir())}
    print(json.dumps(sizes, indent=1), "total", sum(sizes.values()))


if __name__ == "__main__":
    main()
