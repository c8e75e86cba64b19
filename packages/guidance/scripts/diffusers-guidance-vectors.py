"""Reference vectors for @diffusion/guidance, produced by running diffusers' own guidance code.

Runs (unchanged, loaded from their source files by name):
  - `rescale_noise_cfg` of diffusers v0.31.0
    (src/diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py), the `guidance_rescale` step;
  - `ClassifierFreeGuidance.forward` and `normalized_guidance` + `MomentumBuffer` (APG) of diffusers'
    guiders (src/diffusers/guiders/, newer than v0.31, which has no guider classes), from a directory
    holding `classifier_free_guidance.py` and `adaptive_projected_guidance.py` as `git show` wrote them.

Usage: DIFFUSERS_SRC=/tmp/diffusers-0.31/src python3 diffusers-guidance-vectors.py GUIDERS_DIR COMMIT > vectors.json

diffusers works on the model output (eps or v); the vectors give x, sigma, the denoised estimates
D_c, D_u and the guided output both in the space diffusers used and as a denoised estimate, with
eps = (x - D) / sigma and v = (eps - sigma D) / sqrt(1 + sigma^2) (VE form, x = x0 + sigma n).
"""
import ast
import json
import math
import os
import sys
import types

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def load_function(path, name, namespace):
    """Executes the top-level definition `name` (function or class) of a Python file in `namespace`."""
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            module = ast.Module(body=[node], type_ignores=[])
            exec(compile(module, path, 'exec'), namespace)
            return namespace[name]
    raise KeyError(f'{name} not in {path}')


def load_method(path, class_name, method_name, namespace):
    tree = ast.parse(open(path).read())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method_name:
                    module = ast.Module(body=[item], type_ignores=[])
                    exec(compile(module, path, 'exec'), namespace)
                    return namespace[method_name]
    raise KeyError(f'{class_name}.{method_name} not in {path}')


guiders_dir, commit = sys.argv[1], sys.argv[2]
source = os.environ['DIFFUSERS_SRC']
namespace = {'torch': torch, 'math': math, 'Optional': None, 'Union': None, 'Tuple': None, 'List': None}
sd_pipeline = os.path.join(source, 'diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion.py')
rescale_noise_cfg = load_function(sd_pipeline, 'rescale_noise_cfg', namespace)
namespace['GuiderOutput'] = lambda pred, pred_cond, pred_uncond: types.SimpleNamespace(pred=pred)
cfg_forward = load_method(os.path.join(guiders_dir, 'classifier_free_guidance.py'), 'ClassifierFreeGuidance', 'forward', namespace)
apg_file = os.path.join(guiders_dir, 'adaptive_projected_guidance.py')
MomentumBuffer = load_function(apg_file, 'MomentumBuffer', namespace)
normalized_guidance = load_function(apg_file, 'normalized_guidance', namespace)

shape = (3, 2, 2, 2)  # batch 3, each sample 8 values (diffusers reduces over all non-batch axes)


def to_list(tensor):
    return tensor.reshape(tensor.shape[0], -1).tolist()


def draw(sigma):
    x0 = torch.randn(shape)
    x = x0 + sigma * torch.randn(shape)
    conditional = x0 + 0.3 * torch.randn(shape) + 0.5
    unconditional = x0 + 0.3 * torch.randn(shape)
    # Round the inputs to float32 so both sides start from the same numbers.
    return [t.float().double() for t in (x, conditional, unconditional)]


def eps_of(x, denoised, sigma):
    return (x - denoised) / sigma


def denoised_of_eps(x, eps, sigma):
    return x - sigma * eps


def v_of(x, denoised, sigma):
    return (eps_of(x, denoised, sigma) - sigma * denoised) / math.sqrt(1 + sigma * sigma)


def denoised_of_v(x, v, sigma):
    # v = (x - (1 + s^2) D) / (s sqrt(1 + s^2))  =>  D = (x - s sqrt(1 + s^2) v) / (1 + s^2)
    return (x - sigma * math.sqrt(1 + sigma * sigma) * v) / (1 + sigma * sigma)


cases = {'cfg': [], 'cfgRescale': [], 'apg': []}
for sigma in (0.2, 1.5, 7.0):
    for scale in (0.0, 1.0, 2.5, 7.5):
        x, conditional, unconditional = draw(sigma)
        self = types.SimpleNamespace(guidance_scale=scale, use_original_formulation=False, guidance_rescale=0.0, _is_cfg_enabled=lambda: True)
        guided_eps = cfg_forward(self, eps_of(x, conditional, sigma), eps_of(x, unconditional, sigma)).pred
        cases['cfg'].append({'sigma': sigma, 'guidanceScale': scale, 'x': to_list(x), 'conditional': to_list(conditional), 'unconditional': to_list(unconditional),
                             'guidedEps': to_list(guided_eps), 'guided': to_list(denoised_of_eps(x, guided_eps, sigma))})
        for phi in (0.7, 1.0):
            if sigma == 1.5:
                continue
            x, conditional, unconditional = draw(sigma)
            for space in ('eps', 'v', 'x0'):
                to_space = {'eps': eps_of, 'v': v_of, 'x0': lambda x, d, s: d}[space]
                from_space = {'eps': denoised_of_eps, 'v': denoised_of_v, 'x0': lambda x, p, s: p}[space]
                c, u = to_space(x, conditional, sigma), to_space(x, unconditional, sigma)
                # The pipelines' CFG line (pipeline_stable_diffusion.py), then diffusers' rescale_noise_cfg.
                noise_cfg = u + scale * (c - u)
                rescaled = rescale_noise_cfg(noise_cfg, c, guidance_rescale=phi)
                cases['cfgRescale'].append({'sigma': sigma, 'guidanceScale': scale, 'guidanceRescale': phi, 'space': space, 'x': to_list(x), 'conditional': to_list(conditional),
                                            'unconditional': to_list(unconditional), 'guided': to_list(from_space(x, rescaled, sigma))})

# APG over a run of evaluations (momentum carries across them), diffusers' original formulation
# (pred_cond + s * update) with s = w - 1, i.e. the paper's D_c + (w - 1) update.
for scale, eta, threshold, momentum in ((4.0, 0.0, 0.0, 0.0), (4.0, 1.0, 0.0, 0.0), (3.0, 0.0, 2.0, 0.0), (5.0, 0.3, 3.0, -0.5), (2.0, 0.0, 0.0, 0.6), (0.0, 1.0, 0.0, 0.0)):
    buffer = MomentumBuffer(momentum) if momentum != 0.0 else None
    run = []
    for sigma in (5.0, 2.0, 0.5):
        x, conditional, unconditional = draw(sigma)
        guided = normalized_guidance(conditional, unconditional, scale - 1.0, buffer, eta, threshold, True)
        run.append({'sigma': sigma, 'x': to_list(x), 'conditional': to_list(conditional), 'unconditional': to_list(unconditional), 'guided': to_list(guided)})
    options = {'guidanceScale': scale, 'eta': eta, 'momentum': momentum}
    if threshold > 0:
        options['normThreshold'] = threshold
    cases['apg'].append({'options': options, 'run': run})

json.dump({'source': {'diffusers v0.31.0': 'rescale_noise_cfg (pipeline_stable_diffusion.py)', 'diffusers guiders': commit, 'torch': torch.__version__},
           'sampleShape': list(shape[1:]), **cases}, sys.stdout)
