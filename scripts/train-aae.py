#!/usr/bin/python3
"""Trains DeepDriveMD's AAE encoder (with a decoder, VAE objective) on trajectories from
scripts/make-training-data.py and writes a model package: models/<name>/{model.onnx, model.yaml, reference.pdb},
plus a parity fixture test/fixtures/onnx/<name>-parity.json (+ .dcd) holding PyTorch's mu for real frames.

Preprocessing is the one `we` applies at run time (scripts/aae.py mirrors plugins/frames/): align every frame
on the reference over the selection, channel-first point cloud, box scaling over a segment's frames. The box is
taken per chunk of consecutive frames, chunks of 11 (a segment: parent + 10 frames) and of 1 (a basis-state
structure), so the encoder sees both scalings it meets at run time.

After training, latent units are reordered by the variance of mu over the training frames (an exact
reparametrisation), so that dims [0, 1] — the progress coordinate — are the two most spread-out ones.

  /usr/bin/python3 scripts/train-aae.py --data /tmp/we-aae/chignolin --name chignolin-aae --selection 'name CA'
"""
import argparse
import datetime
import json
import os
import shutil
import sys
import time

import MDAnalysis as mda
import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aae import MIN_POINTS, Encoder, box_normalise, export_encoder, kabsch_align, point_cloud, prepare  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEGMENT_FRAMES = 11
PADDING_NOTE = (f'fewer than {MIN_POINTS} points: the k5, k5, k3 convolutions zero-pad to keep the point axis (DeepDriveMD '
                'leaves them unpadded, which needs at least 11 points); layers and weight shapes are otherwise the same')


class Decoder(nn.Module):
    def __init__(self, latent, points):
        super().__init__()
        self.points = points
        self.net = nn.Sequential(
            nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 512), nn.ReLU(), nn.Linear(512, 3 * points), nn.Sigmoid()
        )

    def forward(self, z):
        return self.net(z).view(-1, 3, self.points)


def chunked_box(cloud, start, size):
    """Box-scales consecutive runs of `size` frames that come from the same starting structure."""
    out = np.empty_like(cloud)
    for s in np.unique(start):
        rows = np.flatnonzero(start == s)
        for i in range(0, len(rows), size):
            chunk = rows[i:i + size]
            out[chunk] = box_normalise(cloud[chunk])
    return out


def train(data, points, same_padding, args):
    torch.manual_seed(args.seed)
    encoder, decoder = Encoder(args.latent, same_padding), Decoder(args.latent, points)
    optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=args.lr)
    x = torch.from_numpy(data)
    generator = torch.Generator().manual_seed(args.seed)
    began = time.time()
    history = []
    for epoch in range(args.epochs):
        totals = np.zeros(3)
        for batch in torch.randperm(len(x), generator=generator).split(args.batch):
            xb = x[batch]
            mu, logvar = encoder(xb)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            # Gaussian likelihood with a fixed spread (in box units) against a unit-normal prior: the KL term
            # keeps mu near N(0, 1), where the pcoord bin edges (-3 … 3) are meant to sit.
            recon = ((decoder(z) - xb) ** 2).sum(dim=(1, 2)) / (2 * args.recon_sigma**2)
            kl = -0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(dim=1)
            loss = (recon + kl).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            totals += np.array([loss.item(), recon.mean().item(), kl.mean().item()]) * len(batch)
        history.append(totals / len(x))
        if epoch % 10 == 0 or epoch == args.epochs - 1:
            loss, recon, kl = history[-1]
            print(f'epoch {epoch + 1}: loss {loss:.2f} (recon {recon:.2f}, kl {kl:.2f}) {time.time() - began:.0f} s', file=sys.stderr)
    return encoder.eval(), history[-1], time.time() - began


def order_latents_by_spread(encoder, data):
    """Permutes latent units so mu's variance over `data` decreases with the index."""
    with torch.no_grad():
        mu, _ = encoder(torch.from_numpy(data))
        order = torch.argsort(mu.var(dim=0), descending=True)
        for head in (encoder.mu, encoder.logvar):
            head.weight.copy_(head.weight[order])
            head.bias.copy_(head.bias[order])
        return mu.var(dim=0)[order].tolist()


def write_parity(encoder, frames, reference, atoms, name, out_dir):
    """11 consecutive training frames (3-decimal coordinates, all atoms) and PyTorch's mu for them."""
    frames = np.round(frames.astype(np.float64), 3).astype(np.float32)
    with torch.no_grad():
        mu, logvar = encoder(torch.from_numpy(prepare(frames, reference, atoms)))
    os.makedirs(out_dir, exist_ok=True)
    fixture = {
        'model': f'models/{name}',
        'about': 'frames: all atoms, Å, 3 decimals, in reference.pdb order; mu: PyTorch encoder mean after '
                 'scripts/aae.py preprocessing (Kabsch on the selection, box over these frames)',
        'nAtoms': int(frames.shape[1]),
        'frames': [[float(f'{v:.3f}') for v in frame.reshape(-1)] for frame in frames],
        'mu': mu.numpy().astype(float).tolist(),
        'logvar': logvar.numpy().astype(float).tolist(),
    }
    with open(os.path.join(out_dir, f'{name}-parity.json'), 'w') as f:
        json.dump(fixture, f, separators=(',', ':'))
    universe = mda.Universe(os.path.join(REPO, 'models', name, 'reference.pdb'))
    with mda.Writer(os.path.join(out_dir, f'{name}-parity.dcd'), universe.atoms.n_atoms) as writer:
        for frame in frames:
            universe.atoms.positions = frame
            writer.write(universe.atoms)


def yaml_string(text):
    return json.dumps(text)


def write_model_yaml(path, args, points, same_padding, recipe, final, seconds, spread):
    loss, recon, kl = final
    lines = [
        f'name: {args.name}',
        f'description: {yaml_string(args.description)}',
        f'selection: {yaml_string(args.selection)}',
        'reference: reference.pdb',
        'normalisation:',
        '  kind: box',
        'input:',
        '  name: x',
        '  layout: channels-first',
        'output:',
        '  name: mu',
        '  dims: [0, 1]',
        'provenance:',
        f'  training_data: {yaml_string(training_data_text(recipe))}',
        f'  command: {yaml_string(" ".join(["/usr/bin/python3", "scripts/train-aae.py", *sys.argv[1:]]))}',
        f'  epochs: {args.epochs}',
        f'  final_loss: {loss:.4f}',
        f'  date: {datetime.date.today().isoformat()}',
        f'  objective: {yaml_string(objective_text(args, recon, kl, seconds))}',
        f'  latent: {yaml_string(latent_text(args.latent, points, spread))}',
        *([f'  notes: {yaml_string(PADDING_NOTE)}'] if same_padding else []),
    ]
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def training_data_text(recipe):
    return (f"{recipe['frames']} frames ({recipe['simulated_ps']:.0f} ps, every {recipe['frame_interval_ps']} ps) of "
            f"{recipe['engine']} Langevin at {recipe['temperature_K']:.0f} K from {', '.join(os.path.basename(s) for s in recipe['starts'])}; "
            f"made by: {recipe['command']}")


def objective_text(args, recon, kl, seconds):
    return (f'VAE: Gaussian reconstruction (sigma {args.recon_sigma} box units; final {recon:.2f}) + KL to N(0, I) '
            f'(final {kl:.2f}), per frame; Adam lr {args.lr}, batch {args.batch}, seed {args.seed}, {seconds:.0f} s on 1 CPU thread')


def latent_text(latent, points, spread):
    shown = ', '.join(f'{v:.3g}' for v in spread[:4])
    return f'{latent} units over {points} points, ordered by variance of mu over the training frames ({shown}, ...)'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', required=True, help='directory from make-training-data.py')
    parser.add_argument('--name', required=True)
    parser.add_argument('--description', required=True)
    parser.add_argument('--selection', default='name CA', help='MDAnalysis selection on reference.pdb')
    parser.add_argument('--latent', type=int, default=10)
    parser.add_argument('--epochs', type=int, default=60)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--recon-sigma', type=float, default=0.02)
    parser.add_argument('--seed', type=int, default=2021)
    parser.add_argument('--parity-start', type=int, default=1200, help='first training frame of the parity fixture')
    args = parser.parse_args()
    torch.set_num_threads(1)

    reference_pdb = os.path.join(args.data, 'reference.pdb')
    universe = mda.Universe(reference_pdb)
    atoms = universe.select_atoms(args.selection).indices
    same_padding = len(atoms) < MIN_POINTS
    reference = universe.atoms.positions.astype(np.float32)
    loaded = np.load(os.path.join(args.data, 'frames.npz'))
    frames, start = loaded['xyz'], loaded['start']
    with open(os.path.join(args.data, 'recipe.json')) as f:
        recipe = json.load(f)

    cloud = point_cloud(kabsch_align(frames, reference, atoms), atoms)
    segments = chunked_box(cloud, start, SEGMENT_FRAMES)
    data = np.concatenate([segments, chunked_box(cloud, start, 1)])
    encoder, final, seconds = train(data, len(atoms), same_padding, args)
    spread = order_latents_by_spread(encoder, segments)

    package = os.path.join(REPO, 'models', args.name)
    os.makedirs(package, exist_ok=True)
    shutil.copyfile(reference_pdb, os.path.join(package, 'reference.pdb'))
    export_encoder(encoder, len(atoms), os.path.join(package, 'model.onnx'))
    onnx.checker.check_model(onnx.load(os.path.join(package, 'model.onnx')))
    write_model_yaml(os.path.join(package, 'model.yaml'), args, len(atoms), same_padding, recipe, final, seconds, spread)
    parity = frames[args.parity_start:args.parity_start + SEGMENT_FRAMES]
    write_parity(encoder, parity, reference, atoms, args.name, os.path.join(REPO, 'test', 'fixtures', 'onnx'))
    print(f'{package}: {len(atoms)} points, final loss {final[0]:.4f}, latent variance {spread}', file=sys.stderr)


if __name__ == '__main__':
    main()
