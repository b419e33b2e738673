"""DeepDriveMD's AAE encoder and the preprocessing in front of it, in PyTorch and numpy, for the training
recipe (scripts/train-aae.py) and the per-segment Python baseline of bench/pcoord.ts.

The numpy preprocessing mirrors plugins/frames/ step for step, including where it rounds to float32, so that
the parity fixtures it produces hold our TypeScript pipeline to PyTorch within 1e-4.
"""
import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn


class Encoder(nn.Module):
    """DeepDriveMD `molecules` AAE encoder: input (frames, 3, points), unpadded stride-1 convolutions.

    `same_padding` zero-pads the k5 and k3 convolutions so the point axis keeps its length: the only way the
    same layers take fewer than MIN_POINTS points (chignolin's 10 C-alpha). Weights have the same shapes.
    """

    def __init__(self, latent, same_padding=False):
        super().__init__()
        pad = (lambda k: k // 2) if same_padding else (lambda k: 0)
        self.conv = nn.Sequential(
            nn.Conv1d(3, 64, 5, padding=pad(5)), nn.ReLU(),
            nn.Conv1d(64, 128, 5, padding=pad(5)), nn.ReLU(),
            nn.Conv1d(128, 256, 3, padding=pad(3)), nn.ReLU(),
            nn.Conv1d(256, 256, 1), nn.ReLU(),
            nn.Conv1d(256, 512, 1),
        )
        self.fc = nn.Sequential(nn.Linear(512, 256), nn.ReLU())
        self.mu = nn.Linear(256, latent)
        self.logvar = nn.Linear(256, latent)

    def forward(self, x):
        h = self.fc(torch.amax(self.conv(x), dim=2))
        return self.mu(h), self.logvar(h)


MIN_POINTS = 11  # the three unpadded convolutions (k 5, 5, 3) shrink the point axis by 10


def kabsch_align(frames, reference, atoms):
    """Superposes each frame (frames × atoms × 3) on reference[atoms] over `atoms`, moving every atom, as
    plugins/frames/kabsch.ts does; float64 arithmetic, float32 result (the TypeScript frames are Float32Array)."""
    target = reference[atoms].astype(np.float64)
    target_centre = target.mean(axis=0)
    target = target - target_centre
    out = np.empty(frames.shape, dtype=np.float32)
    for f, frame in enumerate(frames.astype(np.float64)):
        mobile = frame[atoms]
        centre = mobile.mean(axis=0)
        covariance = (mobile - centre).T @ target
        u, _, vt = np.linalg.svd(covariance)
        d = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
        rotation = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
        out[f] = ((frame - centre) @ rotation.T + target_centre).astype(np.float32)
    return out


def point_cloud(frames, atoms):
    """(frames, 3, points), channel-first, float32."""
    return np.ascontiguousarray(frames[:, atoms, :].transpose(0, 2, 1)).astype(np.float32)


def box_normalise(cloud):
    """DeepDriveMD's box scaling over every coordinate of the frames given: (x − min) / (max − min)."""
    low = float(cloud.min())
    high = float(cloud.max())
    return ((cloud.astype(np.float64) - low) * (1.0 / (high - low))).astype(np.float32)


def prepare(frames, reference, atoms):
    """Align, select, box-normalise one segment's frames into the encoder's input."""
    return box_normalise(point_cloud(kabsch_align(frames, reference, atoms), atoms))


def export_encoder(encoder, points, path, opset=13):
    """ONNX with input 'x' (frames, 3, points) and outputs 'mu', 'logvar'; the frames axis is dynamic."""
    encoder.eval()
    torch.onnx.export(
        encoder,
        torch.zeros(1, 3, points),
        path,
        input_names=['x'],
        output_names=['mu', 'logvar'],
        dynamic_axes={'x': {0: 'frames'}, 'mu': {0: 'frames'}, 'logvar': {0: 'frames'}},
        opset_version=opset,
    )


def encoder_from_onnx(path):
    """Rebuilds the PyTorch encoder from an exported model's weights (initializers keep the parameter names)."""
    graph = onnx.load(path).graph
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in graph.initializer}
    padded = any(a.name == 'pads' and any(a.ints) for n in graph.node if n.op_type == 'Conv' for a in n.attribute)
    encoder = Encoder(weights['mu.weight'].shape[0], same_padding=padded)
    encoder.load_state_dict({name: weights[name] for name in encoder.state_dict()})
    return encoder.eval()
