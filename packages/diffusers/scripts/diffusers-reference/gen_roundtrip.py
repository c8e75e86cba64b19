"""Loads the configs toDiffusersSchedulerConfig wrote into diffusers v0.31.0 and records set_timesteps(n)."""
import json, sys
from common import make, floats, meta
written = json.load(open(sys.argv[1]))
cases = {}
for name, config in written.items():
    n = 10
    s = make(config); s.set_timesteps(n)
    cases[name] = {"config": config, "n": n, "timesteps": floats(s.timesteps),
                   "sigmas": floats(s.sigmas) if getattr(s, 'sigmas', None) is not None and len(s.sigmas) < 1000 else None,
                   "init_noise_sigma": float(getattr(s, 'init_noise_sigma', 1.0)),
                   "alphas_cumprod": {str(i): float(s.alphas_cumprod[i]) for i in sorted(set(j for j in [0, 1, 2, 10, 50, 100, 250, 500, 750, 900, len(s.alphas_cumprod) - 2, len(s.alphas_cumprod) - 1] if j < len(s.alphas_cumprod)))} if hasattr(s, 'alphas_cumprod') else None}
    # Nothing of the config went unused: from_config would warn about unexpected keys.
    unused = set(config) - set(s.config) - {'_class_name', '_diffusers_version'}
    assert not unused, (name, unused)
json.dump({"meta": meta({"what": "configs written by toDiffusersSchedulerConfig, loaded by diffusers v0.31.0 (Class.from_config) and set_timesteps(10)"}), "cases": cases}, open(sys.argv[2], 'w'))
print(len(cases))
