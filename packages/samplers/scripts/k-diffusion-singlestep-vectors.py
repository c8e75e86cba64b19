"""Runs k-diffusion's own sample_dpm_2, sample_dpm_2_ancestral, sample_dpmpp_2s_ancestral and
sample_dpmpp_sde (k_diffusion/sampling.py, read from a k-diffusion checkout) in float64 on the exact
denoiser of the conformance Gaussian mixture, from the 64 conformance starting points, on
get_sigmas_karras(n, 0.002, 80) for n in 5, 10, 20, 50, with noise from hashed_normals (mirrored in
src/__fixtures__/hashed-normals.ts), and writes the final samples and the noise intervals asked for
to src/__fixtures__/k-diffusion-singlestep.json. Only outputs of k-diffusion are stored, no code.

    python3 scripts/k-diffusion-singlestep-vectors.py <k-diffusion checkout or git dir>

Needs torch and numpy; torchsde, torchdiffeq, scipy and tqdm are stubbed (these four samplers do not
use them: every noise sampler here is injected).
"""
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import torch

here = Path(__file__).resolve().parent
checkout = Path(sys.argv[1])


def read_sampling():
    if (checkout / 'k_diffusion' / 'sampling.py').exists():
        return (checkout / 'k_diffusion' / 'sampling.py').read_text(), 'working tree'
    commit = subprocess.run(['git', '--git-dir', str(checkout), 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
    text = subprocess.run(['git', '--git-dir', str(checkout), 'show', 'HEAD:k_diffusion/sampling.py'], capture_output=True, text=True, check=True).stdout
    return text, commit


source, commit = read_sampling()
for name in ['torchsde', 'torchdiffeq', 'scipy', 'tqdm', 'tqdm.auto']:
    sys.modules.setdefault(name, types.ModuleType(name))
sys.modules['torchdiffeq'].odeint = None
sys.modules['scipy'].integrate = None
sys.modules['tqdm.auto'].trange = lambda n, disable=None: range(n)
sys.modules['tqdm.auto'].tqdm = None
package = types.ModuleType('k_diffusion')
package.__path__ = []
utils = types.ModuleType('k_diffusion.utils')
utils.append_dims = lambda x, target_dims: x[(...,) + (None,) * (target_dims - x.ndim)]
package.utils = utils
sys.modules['k_diffusion'] = package
sys.modules['k_diffusion.utils'] = utils
sampling = types.ModuleType('k_diffusion.sampling')
sampling.__package__ = 'k_diffusion'
exec(compile(source, 'k_diffusion/sampling.py', 'exec'), sampling.__dict__)

torch.set_default_dtype(torch.float64)

MEANS = torch.tensor([[1.5, 1.5], [1.5, -1.5], [-1.5, 1.5], [-1.5, -1.5]])
STD = 0.3


def model(x, sigma):
    """E[x0 | x0 + sigma n = x] of the equal-weight mixture of N(mean_k, 0.3^2 I)."""
    s = float(sigma.reshape(-1)[0])
    variance = STD ** 2 + s ** 2
    difference = x[:, None, :] - MEANS[None, :, :]
    responsibilities = torch.softmax(-(difference ** 2).sum(-1) / (2 * variance), dim=1)
    component = MEANS[None] + (STD ** 2 / variance) * difference
    return (responsibilities[:, :, None] * component).sum(1)


def lowbias32(x):
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def hashed_normals(seed, draw, count):
    """Box-Muller normals from a 32-bit integer hash, rounded to float32 (as hashed-normals.ts)."""
    base = lowbias32(lowbias32(seed) + draw)
    out = []
    for j in range(count):
        u1 = (lowbias32(base + 2 * j) + 0.5) / 2 ** 32
        u2 = (lowbias32(base + 2 * j + 1) + 0.5) / 2 ** 32
        out.append(float(np.float32(math.sqrt(-2 * math.log(u1)) * math.cos(2 * math.pi * u2))))
    return out


x_T = torch.tensor(json.loads((here.parent / 'src' / '__fixtures__' / 'trajectories.json').read_text())['x_T'])


def noise_of(seed, asked):
    def noise_sampler(sigma, sigma_next):
        asked.append([float(sigma), float(sigma_next)])
        return torch.tensor(hashed_normals(seed, len(asked) - 1, x_T.numel())).reshape(x_T.shape)
    return noise_sampler


def run(variant, steps):
    sigmas = sampling.get_sigmas_karras(steps, 0.002, 80.0)
    x = x_T * sigmas[0]
    asked = []
    seed = variant['seed'] + steps
    kind, options = variant['sampler'], variant['options']
    if kind == 'dpm_2':
        # sample_dpm_2 draws torch.randn_like(x) once per step (used when gamma > 0): draw i is step i.
        original = torch.randn_like
        def randn_like(like):
            asked.append(None)
            return torch.tensor(hashed_normals(seed, len(asked) - 1, like.numel())).reshape(like.shape)
        torch.randn_like = randn_like
        try:
            out = sampling.sample_dpm_2(model, x, sigmas, disable=True, **options)
        finally:
            torch.randn_like = original
    else:
        out = getattr(sampling, 'sample_' + kind)(model, x, sigmas, disable=True, noise_sampler=noise_of(seed, asked), **options)
    return {'steps': steps, 'x': out.tolist(), 'noise': asked if kind != 'dpm_2' else len(asked)}


variants = [
    {'name': 'dpm-2', 'sampler': 'dpm_2', 'options': {}, 'seed': 1000},
    {'name': 'dpm-2 churn', 'sampler': 'dpm_2', 'options': {'s_churn': 8.0, 's_tmin': 0.05, 's_tmax': 50.0, 's_noise': 1.003}, 'seed': 2000},
    {'name': 'dpm-2-ancestral', 'sampler': 'dpm_2_ancestral', 'options': {'eta': 1.0}, 'seed': 3000},
    {'name': 'dpmpp-2s-ancestral', 'sampler': 'dpmpp_2s_ancestral', 'options': {'eta': 1.0}, 'seed': 4000},
    {'name': 'dpmpp-sde', 'sampler': 'dpmpp_sde', 'options': {'eta': 1.0, 'r': 0.5}, 'seed': 5000},
    {'name': 'dpmpp-sde eta 0.5 r 1/3', 'sampler': 'dpmpp_sde', 'options': {'eta': 0.5, 'r': 1 / 3}, 'seed': 6000},
]
result = {
    'meta': {
        'description': 'k-diffusion samplers run in float64 (torch.set_default_dtype(torch.float64)) on the exact conformance-mixture denoiser from x_T * sigmas[0]; x is the final sample; noise lists the [sigma, sigma_next] of every noise_sampler call (draw k = hashed_normals(seed + steps, k)); for dpm_2 it counts torch.randn_like calls (draw i at step i).',
        'k_diffusion_commit': commit,
        'torch': torch.__version__,
        'generator': 'packages/samplers/scripts/k-diffusion-singlestep-vectors.py',
    },
    'variants': [{**{key: variant[key] for key in ['name', 'sampler', 'options', 'seed']}, 'runs': [run(variant, steps) for steps in [5, 10, 20, 50]]} for variant in variants],
}
(here.parent / 'src' / '__fixtures__' / 'k-diffusion-singlestep.json').write_text(json.dumps(result, separators=(',', ':')) + '\n')
print('wrote', len(result['variants']), 'variants from k-diffusion', commit)
