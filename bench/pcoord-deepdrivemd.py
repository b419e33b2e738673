#!/usr/bin/python3
"""Python side of bench/pcoord.ts.

  setup OUT BBA_PACKAGE   writes the bench inputs into OUT: CA-only DCDs of 11 and 101 frames for BBA (28 atoms,
                          the reference's C-alpha with thermal-sized noise) and for a 3,375-point system, plus a
                          TIMING-ONLY model package for 3,375 points (the AAE encoder architecture with untrained,
                          seeded weights: its pcoords mean nothing and it must never be used as a model).
  segment MODEL REF DCD THREADS
                          one segment the DeepDriveMD way, in this fresh process: import torch and MDAnalysis,
                          load the reference and the trajectory, select CA, align, box-scale, load the encoder,
                          run it on THREADS threads, print %.4f rows of latent dims 0 and 1.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'scripts'))

SPIKE_POINTS = 3375


def write_ca_pdb(path, xyz):
    with open(path, 'w') as f:
        for i, (x, y, z) in enumerate(xyz):
            f.write(f'ATOM  {(i + 1) % 100000:5d}  CA  ALA A{(i + 1) % 10000:4d}    {x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00           C\n')
        f.write('END\n')


def write_dcd(path, reference_pdb, frames):
    import MDAnalysis as mda
    universe = mda.Universe(reference_pdb)
    with mda.Writer(path, universe.atoms.n_atoms) as writer:
        for frame in frames:
            universe.atoms.positions = frame
            writer.write(universe.atoms)


def setup(out, bba_package):
    import MDAnalysis as mda
    import numpy as np
    import torch
    from aae import Encoder, export_encoder

    rng = np.random.default_rng(2021)
    os.makedirs(out, exist_ok=True)
    bba_ca = mda.Universe(os.path.join(bba_package, 'reference.pdb')).select_atoms('name CA').positions
    # A compact random chain of C-alpha atoms, 3.8 Å apart, standing in for the spike's 3,375.
    steps = rng.normal(size=(SPIKE_POINTS, 3))
    spike_ca = np.cumsum(3.8 * steps / np.linalg.norm(steps, axis=1, keepdims=True), axis=0) * 0.35
    systems = {'bba': bba_ca, 'spike': spike_ca}
    for name, ca in systems.items():
        write_ca_pdb(os.path.join(out, f'{name}-ca.pdb'), ca)
        for n in (11, 101):
            frames = ca[None] + rng.normal(scale=0.8, size=(n, *ca.shape))
            write_dcd(os.path.join(out, f'{name}-{n}.dcd'), os.path.join(out, f'{name}-ca.pdb'), frames)

    package = os.path.join(out, 'timing-only-3375')
    os.makedirs(package, exist_ok=True)
    torch.manual_seed(7)
    export_encoder(Encoder(10), SPIKE_POINTS, os.path.join(package, 'model.onnx'))
    os.replace(os.path.join(out, 'spike-ca.pdb'), os.path.join(package, 'reference.pdb'))
    with open(os.path.join(package, 'model.yaml'), 'w') as f:
        f.write(
            'name: timing-only-3375\n'
            'description: "TIMING ONLY: untrained AAE encoder for 3,375 points, for bench/pcoord.ts; meaningless pcoords"\n'
            'selection: "name CA"\nreference: reference.pdb\nnormalisation:\n  kind: box\n'
            'input:\n  name: x\n  layout: channels-first\noutput:\n  name: mu\n  dims: [0, 1]\n'
            'provenance:\n  training_data: "none (untrained, torch seed 7)"\n'
            '  command: "/usr/bin/python3 bench/pcoord-deepdrivemd.py setup"\n'
            '  epochs: 0\n  final_loss: 0\n  date: "bench time"\n'
        )


def segment(model_onnx, reference_pdb, dcd, threads):
    import MDAnalysis as mda
    import numpy as np
    import torch
    from MDAnalysis.analysis import align
    from aae import box_normalise, encoder_from_onnx

    torch.set_num_threads(int(threads))
    reference = mda.Universe(reference_pdb)
    universe = mda.Universe(reference_pdb, dcd)
    selection = 'name CA'
    ca = universe.select_atoms(selection)
    frames = []
    for _ in universe.trajectory:
        align.alignto(universe, reference, select=selection)
        frames.append(ca.positions.T.copy())
    cloud = box_normalise(np.stack(frames).astype(np.float32))
    encoder = encoder_from_onnx(model_onnx)
    with torch.no_grad():
        mu, _ = encoder(torch.from_numpy(cloud))
    np.savetxt(sys.stdout, mu[:, :2].numpy(), fmt='%.4f')


if __name__ == '__main__':
    command, *rest = sys.argv[1:]
    {'setup': setup, 'segment': segment}[command](*rest)
