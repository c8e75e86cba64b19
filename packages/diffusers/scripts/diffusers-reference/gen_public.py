import json, sys
from common import make, floats, meta
configs = json.load(open(sys.argv[1]))
out = {}
def run(name, config, n, **kw):
    s = make(config); s.set_timesteps(n, **kw)
    out[name] = {"n": n, "timesteps": floats(s.timesteps), "sigmas": floats(s.sigmas) if hasattr(s, 'sigmas') and s.sigmas is not None and len(s.sigmas) < 1000 else None,
                 "init_noise_sigma": float(getattr(s, 'init_noise_sigma', 1.0)), **kw}
run('flux', configs['flux'], 28, mu=0.5 + (1.15 - 0.5) / (4096 - 256) * (4096 - 256))
run('fluxSmall', configs['flux'], 28, mu=(1.15 - 0.5) / (4096 - 256) * 1024 + 0.5 - (1.15 - 0.5) / (4096 - 256) * 256)
run('sd3', configs['sd3'], 28)
run('sd15', configs['sd15'], 50)
run('sd21', configs['sd21'], 50)
run('sdxl', configs['sdxl'], 30)
run('sdxlKarras', {**configs['sdxl'], 'use_karras_sigmas': True}, 30)
run('ddpmCifar10', configs['ddpmCifar10'], 1000)
run('sd15AsDpm', {**configs['sd15'], '_class_name': 'DPMSolverMultistepScheduler', 'use_karras_sigmas': True, 'algorithm_type': 'sde-dpmsolver++'}, 25)
json.dump({"meta": meta({"what": "set_timesteps(n) on the public configs of public-scheduler-configs.json (flux: mu for 4096 and 1024 image tokens)"}), **out}, open(sys.argv[2], 'w'))
