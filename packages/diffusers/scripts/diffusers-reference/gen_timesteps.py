"""timesteps, sigmas and init_noise_sigma of set_timesteps(n) for every class and number-changing key."""
import json, sys, math
from common import make, floats, meta, torch
SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear')
cases = []
def add(name, config, ns=(4, 10), mu=None):
    for n in ns:
        s = make(config)
        if mu is None: s.set_timesteps(n)
        else: s.set_timesteps(n, mu=mu)
        entry = {"name": name, "config": config, "n": n, "timesteps": floats(s.timesteps), "init_noise_sigma": float(s.init_noise_sigma) if hasattr(s, 'init_noise_sigma') else None,
                 "num_inference_steps": int(s.num_inference_steps)}
        if mu is not None: entry["mu"] = mu
        if hasattr(s, 'sigmas') and s.sigmas is not None and len(s.sigmas) < 1000: entry["sigmas"] = floats(s.sigmas)
        if hasattr(s, 'final_alpha_cumprod'): entry["final_alpha_cumprod"] = float(s.final_alpha_cumprod)
        cases.append(entry)
for cls in ['DDPMScheduler', 'DDIMScheduler']:
    for spacing in ['leading', 'trailing', 'linspace']:
        add(f'{cls} {spacing}', dict(_class_name=cls, timestep_spacing=spacing))
    add(f'{cls} leading offset 1', dict(_class_name=cls, steps_offset=1, **SD))
add('DDIMScheduler set_alpha_to_one false', dict(_class_name='DDIMScheduler', set_alpha_to_one=False, steps_offset=1))
add('DDPMScheduler sigmoid', dict(_class_name='DDPMScheduler', beta_schedule='sigmoid'))
add('DDPMScheduler trained_betas', dict(_class_name='DDPMScheduler', num_train_timesteps=20, trained_betas=[0.01 + 0.02 * i for i in range(20)]), ns=(4, 7))
add('DDIMScheduler zero snr trailing', dict(_class_name='DDIMScheduler', rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction'))
for skip in [True, False]:
    for spacing in ['leading', 'trailing', 'linspace']:
        add(f'PNDMScheduler skip_prk_steps {skip} {spacing}', dict(_class_name='PNDMScheduler', skip_prk_steps=skip, timestep_spacing=spacing, steps_offset=1, **SD))
for cls in ['EulerDiscreteScheduler', 'HeunDiscreteScheduler', 'LMSDiscreteScheduler']:
    for spacing in ['leading', 'trailing', 'linspace']:
        add(f'{cls} {spacing}', dict(_class_name=cls, timestep_spacing=spacing, steps_offset=1 if spacing == 'leading' else 0, **SD))
        add(f'{cls} {spacing} karras', dict(_class_name=cls, timestep_spacing=spacing, use_karras_sigmas=True, **SD))
        add(f'{cls} {spacing} exponential', dict(_class_name=cls, timestep_spacing=spacing, use_exponential_sigmas=True, **SD))
    add(f'{cls} karras hidden sigma bounds', dict(_class_name=cls, use_karras_sigmas=True, sigma_min=0.1, sigma_max=10.0))
    add(f'{cls} exponential hidden sigma bounds', dict(_class_name=cls, use_exponential_sigmas=True, sigma_min=0.1, sigma_max=10.0))
    add(f'{cls} cosine', dict(_class_name=cls, beta_schedule='squaredcos_cap_v2'))
add('HeunDiscreteScheduler exp betas', dict(_class_name='HeunDiscreteScheduler', beta_schedule='exp'))
add('HeunDiscreteScheduler defaults', dict(_class_name='HeunDiscreteScheduler'))
for spacing in ['leading', 'trailing', 'linspace']:
    add(f'EulerAncestralDiscreteScheduler {spacing}', dict(_class_name='EulerAncestralDiscreteScheduler', timestep_spacing=spacing, **SD))
add('EulerAncestralDiscreteScheduler zero snr', dict(_class_name='EulerAncestralDiscreteScheduler', rescale_betas_zero_snr=True, timestep_spacing='trailing'))
E = 'EulerDiscreteScheduler'
add('Euler log_linear', dict(_class_name=E, interpolation_type='log_linear'))
add('Euler log_linear karras', dict(_class_name=E, interpolation_type='log_linear', use_karras_sigmas=True))
add('Euler final sigma_min', dict(_class_name=E, final_sigmas_type='sigma_min', **SD))
add('Euler karras final sigma_min', dict(_class_name=E, final_sigmas_type='sigma_min', use_karras_sigmas=True, **SD))
add('Euler continuous v_prediction', dict(_class_name=E, timestep_type='continuous', prediction_type='v_prediction', use_karras_sigmas=True, sigma_min=0.002, sigma_max=80.0))
add('Euler continuous epsilon (discrete timesteps)', dict(_class_name=E, timestep_type='continuous', prediction_type='epsilon'))
add('Euler zero snr trailing', dict(_class_name=E, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction'))
add('Euler own sigma_min sigma_max karras', dict(_class_name=E, use_karras_sigmas=True, sigma_min=0.03, sigma_max=14.6, **SD))
for cls in ['DPMSolverMultistepScheduler', 'UniPCMultistepScheduler']:
    for spacing in ['leading', 'trailing', 'linspace']:
        add(f'{cls} {spacing}', dict(_class_name=cls, timestep_spacing=spacing, steps_offset=1 if spacing == 'leading' else 0, **SD))
    add(f'{cls} karras', dict(_class_name=cls, use_karras_sigmas=True, **SD))
    add(f'{cls} karras hidden sigma bounds', dict(_class_name=cls, use_karras_sigmas=True, sigma_min=0.1, sigma_max=10.0))
    add(f'{cls} karras sigma_min final', dict(_class_name=cls, use_karras_sigmas=True, final_sigmas_type='sigma_min', **SD))
    add(f'{cls} sigma_min final', dict(_class_name=cls, final_sigmas_type='sigma_min', **SD))
    add(f'{cls} zero snr trailing', dict(_class_name=cls, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction'))
D = 'DPMSolverMultistepScheduler'
add('DPM lu lambdas', dict(_class_name=D, use_lu_lambdas=True))
add('DPM lambda_min_clipped linspace', dict(_class_name=D, lambda_min_clipped=-5.1, **SD))
add('DPM lambda_min_clipped trailing', dict(_class_name=D, lambda_min_clipped=-2.0, timestep_spacing='trailing'), ns=(4, 10, 7))
add('DPM lambda_min_clipped leading', dict(_class_name=D, lambda_min_clipped=-2.0, timestep_spacing='leading'))
F = 'FlowMatchEulerDiscreteScheduler'
add('FlowMatch shift 1', dict(_class_name=F))
add('FlowMatch shift 3 (SD3)', dict(_class_name=F, shift=3.0), ns=(4, 10, 28))
add('FlowMatch Flux dynamic mu 1.15', dict(_class_name=F, shift=3.0, use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096), ns=(4, 10), mu=1.15)
add('FlowMatch dynamic mu 0.5 T=100', dict(_class_name=F, num_train_timesteps=100, use_dynamic_shifting=True), ns=(4,), mu=0.5)
json.dump({"meta": meta({"what": "set_timesteps(n) of diffusers v0.31.0 schedulers: timesteps, sigmas (where the class has them), init_noise_sigma, num_inference_steps, final_alpha_cumprod (DDIM, PNDM)"}), "cases": cases}, open(sys.argv[1], 'w'))
print(len(cases), 'cases')
