"""diffusers v0.31.0 runs on the published AYS timesteps (AysSchedules of scheduling_utils.py):
set_timesteps(timesteps=AysSchedules[...]), x = x_T * init_noise_sigma, then
x = step(model(scale_model_input(x, t), t), t, x), on the analytic network of analytic.py."""
import json, sys
from common import make, floats, meta, torch
from diffusers.schedulers.scheduling_utils import AysSchedules
from analytic import vp_model
SHAPE = (2, 2, 3, 2)  # NCHW
x_T = torch.randn(SHAPE, generator=torch.Generator().manual_seed(7))
SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear', steps_offset=1)
cases = []
def add(name, config, table):
    s = make(config)
    s.set_timesteps(timesteps=AysSchedules[table])
    x = x_T * s.init_noise_sigma
    with torch.no_grad():
        for t in s.timesteps:
            x = s.step(vp_model(s.scale_model_input(x, t), t, 'epsilon'), t, x).prev_sample
    cases.append({"name": name, "config": config, "table": table, "timesteps": floats(s.timesteps), "sigmas": floats(s.sigmas), "final": floats(x.flatten())})
for table, ladder in [('StableDiffusionTimesteps', 'ays-stable-diffusion-1.5'), ('StableDiffusionXLTimesteps', 'ays-stable-diffusion-xl')]:
    add(f'Euler {ladder}', dict(_class_name='EulerDiscreteScheduler', timestep_spacing='leading', **SD), table)
    add(f'DPM++ 2M {ladder}', dict(_class_name='DPMSolverMultistepScheduler', **SD), table)
json.dump({"meta": meta({"what": __doc__, "shape_nchw": list(SHAPE)}), "x_T": floats(x_T.flatten()), "cases": cases}, open(sys.argv[1], 'w'))
