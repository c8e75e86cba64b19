"""Full sampling loops of diffusers v0.31.0's schedulers on the analytic network of analytic.py."""
import json, sys
from common import make, floats, meta, torch
import diffusers.schedulers as S
from analytic import vp_model, flow_model
SHAPE = (2, 2, 3, 2)  # NCHW
g = torch.Generator().manual_seed(7)
x_T = torch.randn(SHAPE, generator=g)
drawn = []
def fake_randn(shape, generator=None, device=None, dtype=None, layout=None):
    z = torch.randn(tuple(shape), generator=noise_generator)
    drawn.append(z.flatten().tolist()); return z.to(dtype or torch.get_default_dtype())
import importlib
for m in ['scheduling_ddpm', 'scheduling_ddim', 'scheduling_euler_ancestral_discrete', 'scheduling_euler_discrete', 'scheduling_dpmsolver_multistep']:
    importlib.import_module('diffusers.schedulers.' + m).randn_tensor = fake_randn
cases = []
SD = dict(beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear')
def add(name, config, n=10, mu=None, **step):
    global noise_generator, drawn
    noise_generator = torch.Generator().manual_seed(11); drawn = []
    s = make(config)
    s.set_timesteps(n) if mu is None else s.set_timesteps(n, mu=mu)
    x = x_T * (s.init_noise_sigma if hasattr(s, 'init_noise_sigma') else 1.0)
    flow = config['_class_name'] == 'FlowMatchEulerDiscreteScheduler'
    pt = s.config.get('prediction_type', 'epsilon')
    learned = s.config.get('variance_type') in ('learned', 'learned_range')
    with torch.no_grad():
        for t in s.timesteps:
            inp = s.scale_model_input(x, t) if hasattr(s, 'scale_model_input') else x
            out = flow_model(inp, t) if flow else vp_model(inp, t, pt, learned)
            x = s.step(out, t, x, **step).prev_sample
    entry = {"name": name, "config": config, "n": n, "step": step, "final": floats(x.flatten())}
    if mu is not None: entry["mu"] = mu
    if drawn: entry["noises"] = drawn
    cases.append(entry)
    assert torch.isfinite(x).all(), name
P = 'DDPMScheduler'
add('DDPM epsilon fixed_small clip', dict(_class_name=P))
add('DDPM ddpm-cifar10 (fixed_large, clip)', dict(_class_name=P, variance_type='fixed_large', clip_sample=True))
add('DDPM fixed_small_log', dict(_class_name=P, variance_type='fixed_small_log', clip_sample=False))
add('DDPM learned_range', dict(_class_name=P, variance_type='learned_range', clip_sample=False))
add('DDPM learned', dict(_class_name=P, variance_type='learned', clip_sample=False), n=5)
add('DDPM v_prediction', dict(_class_name=P, prediction_type='v_prediction', clip_sample=False))
add('DDPM sample', dict(_class_name=P, prediction_type='sample', clip_sample=False))
add('DDPM thresholding', dict(_class_name=P, thresholding=True, dynamic_thresholding_ratio=0.9, sample_max_value=1.5))
add('DDPM trailing offset-free', dict(_class_name=P, timestep_spacing='trailing', clip_sample=False))
add('DDPM leading offset 1 scaled_linear', dict(_class_name=P, steps_offset=1, clip_sample=False, **SD))
add('DDPM zero snr v trailing', dict(_class_name=P, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction', clip_sample=False))
D = 'DDIMScheduler'
add('DDIM tiny config (set_alpha_to_one false, offset 1)', dict(_class_name=D, clip_sample=False, set_alpha_to_one=False, steps_offset=1))
add('DDIM eta 0.5', dict(_class_name=D, clip_sample=False), eta=0.5)
add('DDIM set_alpha_to_one true', dict(_class_name=D, clip_sample=False))
add('DDIM trailing', dict(_class_name=D, clip_sample=False, timestep_spacing='trailing'), n=7)
add('DDIM linspace', dict(_class_name=D, clip_sample=False, timestep_spacing='linspace'))
add('DDIM SD 2.1 (v, scaled_linear, offset 1)', dict(_class_name=D, clip_sample=False, set_alpha_to_one=False, steps_offset=1, prediction_type='v_prediction', **SD))
add('DDIM clip', dict(_class_name=D, clip_sample=True, clip_sample_range=0.8))
add('DDIM clip use_clipped_model_output', dict(_class_name=D, clip_sample=True, clip_sample_range=0.8), use_clipped_model_output=True)
add('DDIM thresholding', dict(_class_name=D, thresholding=True, dynamic_thresholding_ratio=0.9, sample_max_value=1.5))
add('DDIM zero snr v trailing', dict(_class_name=D, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction', clip_sample=False))
add('DDIM sample', dict(_class_name=D, prediction_type='sample', clip_sample=False))
N = 'PNDMScheduler'
add('PNDM SD 1.5 (PLMS, offset 1)', dict(_class_name=N, skip_prk_steps=True, steps_offset=1, **SD))
add('PNDM PRK warm-up', dict(_class_name=N))
add('PNDM PLMS v_prediction', dict(_class_name=N, skip_prk_steps=True, prediction_type='v_prediction'))
add('PNDM PLMS trailing', dict(_class_name=N, skip_prk_steps=True, timestep_spacing='trailing', set_alpha_to_one=True))
E = 'EulerDiscreteScheduler'
add('Euler default', dict(_class_name=E))
add('Euler SDXL (leading, offset 1)', dict(_class_name=E, timestep_spacing='leading', steps_offset=1, **SD))
add('Euler SDXL karras', dict(_class_name=E, timestep_spacing='leading', steps_offset=1, use_karras_sigmas=True, **SD))
add('Euler exponential', dict(_class_name=E, use_exponential_sigmas=True))
add('Euler final sigma_min', dict(_class_name=E, final_sigmas_type='sigma_min'))
add('Euler log_linear', dict(_class_name=E, interpolation_type='log_linear'))
add('Euler v_prediction', dict(_class_name=E, prediction_type='v_prediction'))
add('Euler continuous v_prediction karras', dict(_class_name=E, prediction_type='v_prediction', timestep_type='continuous', use_karras_sigmas=True))
add('Euler sample', dict(_class_name=E, prediction_type='sample'))
add('Euler zero snr v trailing', dict(_class_name=E, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction'))
A = 'EulerAncestralDiscreteScheduler'
add('Euler ancestral default', dict(_class_name=A))
add('Euler ancestral leading v', dict(_class_name=A, timestep_spacing='leading', steps_offset=1, prediction_type='v_prediction', **SD))
H = 'HeunDiscreteScheduler'
add('Heun default', dict(_class_name=H))
add('Heun karras', dict(_class_name=H, use_karras_sigmas=True))
add('Heun clip_sample', dict(_class_name=H, clip_sample=True, clip_sample_range=0.7))
add('Heun v_prediction exp betas', dict(_class_name=H, prediction_type='v_prediction', beta_schedule='exp'))
L = 'LMSDiscreteScheduler'
add('LMS default', dict(_class_name=L))
add('LMS karras', dict(_class_name=L, use_karras_sigmas=True))
add('LMS v leading', dict(_class_name=L, prediction_type='v_prediction', timestep_spacing='leading', steps_offset=1))
M = 'DPMSolverMultistepScheduler'
add('DPM++ 2M midpoint', dict(_class_name=M))
add('DPM++ 2M heun', dict(_class_name=M, solver_type='heun'))
add('DPM++ order 1', dict(_class_name=M, solver_order=1))
add('DPM++ 3M midpoint n=10', dict(_class_name=M, solver_order=3))
add('DPM++ 3M heun n=20', dict(_class_name=M, solver_order=3, solver_type='heun'), n=20)
add('DPM++ 3M midpoint n=20', dict(_class_name=M, solver_order=3), n=20)
add('DPM++ 2M n=20 no lower_order_final', dict(_class_name=M, lower_order_final=False), n=20)
add('SDE-DPM++ order 1', dict(_class_name=M, algorithm_type='sde-dpmsolver++', solver_order=1))
add('SDE-DPM++ 2M midpoint', dict(_class_name=M, algorithm_type='sde-dpmsolver++'))
add('SDE-DPM++ 2M heun', dict(_class_name=M, algorithm_type='sde-dpmsolver++', solver_type='heun'))
add('DPM-Solver 2M midpoint sigma_min', dict(_class_name=M, algorithm_type='dpmsolver', final_sigmas_type='sigma_min'))
add('DPM-Solver 2M heun sigma_min', dict(_class_name=M, algorithm_type='dpmsolver', solver_type='heun', final_sigmas_type='sigma_min'))
add('DPM-Solver 3M sigma_min n=20', dict(_class_name=M, algorithm_type='dpmsolver', solver_order=3, final_sigmas_type='sigma_min'), n=20)
add('SDE-DPM-Solver 2M sigma_min', dict(_class_name=M, algorithm_type='sde-dpmsolver', final_sigmas_type='sigma_min'))
add('SDE-DPM-Solver 2M heun sigma_min', dict(_class_name=M, algorithm_type='sde-dpmsolver', solver_type='heun', final_sigmas_type='sigma_min'))
add('DPM++ 2M sigma_min', dict(_class_name=M, final_sigmas_type='sigma_min'))
add('DPM++ 2M sigma_min no lower_order_final n=6', dict(_class_name=M, final_sigmas_type='sigma_min', lower_order_final=False), n=6)
add('DPM++ 2M sigma_min euler_at_final n=20', dict(_class_name=M, final_sigmas_type='sigma_min', euler_at_final=True), n=20)
add('DPM++ 2M karras', dict(_class_name=M, use_karras_sigmas=True, **SD))
add('DPM++ 2M lu lambdas', dict(_class_name=M, use_lu_lambdas=True))
add('DPM++ 2M thresholding', dict(_class_name=M, thresholding=True, dynamic_thresholding_ratio=0.9, sample_max_value=1.5))
add('DPM-Solver 2M thresholding sigma_min', dict(_class_name=M, algorithm_type='dpmsolver', final_sigmas_type='sigma_min', thresholding=True, dynamic_thresholding_ratio=0.9, sample_max_value=1.5))
add('DPM++ 2M lambda_min_clipped trailing', dict(_class_name=M, lambda_min_clipped=-2.0, timestep_spacing='trailing'))
add('DPM++ 2M v_prediction', dict(_class_name=M, prediction_type='v_prediction'))
add('DPM++ 2M sample', dict(_class_name=M, prediction_type='sample'))
add('DPM++ 2M zero snr v trailing', dict(_class_name=M, rescale_betas_zero_snr=True, timestep_spacing='trailing', prediction_type='v_prediction'))
U = 'UniPCMultistepScheduler'
add('UniPC bh2 order 2', dict(_class_name=U))
add('UniPC bh2 order 3', dict(_class_name=U, solver_order=3))
add('UniPC order 1', dict(_class_name=U, solver_order=1))
add('UniPC order 4', dict(_class_name=U, solver_order=4), n=12)
add('UniPC bh1 sigma_min', dict(_class_name=U, solver_type='bh1', final_sigmas_type='sigma_min'))
add('UniPC bh1 order 3 sigma_min', dict(_class_name=U, solver_type='bh1', solver_order=3, final_sigmas_type='sigma_min'))
add('UniPC noise prediction sigma_min', dict(_class_name=U, predict_x0=False, final_sigmas_type='sigma_min'))
add('UniPC noise prediction order 3 sigma_min', dict(_class_name=U, predict_x0=False, solver_order=3, final_sigmas_type='sigma_min'))
add('UniPC disable_corrector', dict(_class_name=U, disable_corrector=[0, 3]))
add('UniPC no lower_order_final sigma_min', dict(_class_name=U, lower_order_final=False, final_sigmas_type='sigma_min'))
add('UniPC karras', dict(_class_name=U, use_karras_sigmas=True))
add('UniPC karras sigma_min', dict(_class_name=U, use_karras_sigmas=True, final_sigmas_type='sigma_min'))
add('UniPC thresholding', dict(_class_name=U, thresholding=True, dynamic_thresholding_ratio=0.9, sample_max_value=1.5))
add('UniPC v_prediction leading', dict(_class_name=U, prediction_type='v_prediction', timestep_spacing='leading', steps_offset=1))
F = 'FlowMatchEulerDiscreteScheduler'
add('FlowMatch shift 1', dict(_class_name=F))
add('FlowMatch SD3 shift 3', dict(_class_name=F, shift=3.0))
add('FlowMatch Flux dynamic mu 0.8', dict(_class_name=F, shift=3.0, use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096), mu=0.8)
json.dump({"meta": meta({"what": "set_timesteps(n), x = x_T * init_noise_sigma, then x = step(model(scale_model_input(x, t), t), t, x) for each t, on the analytic network (analytic.py: exact Gaussian N(0,1) estimates under a continuous VP-linear schedule or the rectified flow, plus 0.05 sin(3x) terms; learned variances add channels 0.25 (tanh(x) + 1)). x_T and noises are NCHW [2, 2, 3, 2]; noises: every randn the steps drew, in order.",
           "shape_nchw": list(SHAPE)}), "x_T": floats(x_T.flatten()), "cases": cases}, open(sys.argv[1], 'w'))
print(len(cases))
