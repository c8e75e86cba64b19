"""Shared helpers: import diffusers v0.31.0 (float64 copy unless DIFFUSERS_F32=1) without the hub."""
import os, sys, json
sys.path.insert(0, '/work/shared/diffusers-reference')
import stubs  # noqa
import torch
F32 = os.environ.get('DIFFUSERS_F32') == '1'
if not F32: torch.set_default_dtype(torch.float64)
import diffusers
from diffusers import schedulers as S
CLASSES = {name: getattr(S, name) for name in ['DDPMScheduler', 'DDIMScheduler', 'PNDMScheduler', 'EulerDiscreteScheduler', 'EulerAncestralDiscreteScheduler', 'HeunDiscreteScheduler', 'LMSDiscreteScheduler', 'DPMSolverMultistepScheduler', 'UniPCMultistepScheduler', 'FlowMatchEulerDiscreteScheduler']}
def make(config):
    cls = CLASSES[config['_class_name']]
    return cls.from_config(config)
def floats(t):
    return [float(v) for v in (t.tolist() if hasattr(t, 'tolist') else t)]
def meta(extra):
    return {"diffusers": diffusers.__version__, "source": os.environ.get('DIFFUSERS_SRC'), "precision": "float32 (verbatim)" if F32 else "float64 (the v0.31.0 scheduler source with float32 replaced by float64, torch default dtype float64)", "torch": torch.__version__, **extra}
