"""Loads a pipeline folder we wrote with diffusers' own DDPMPipeline.from_pretrained and runs its
scheduler's loop from the same noise: prints missing/unexpected keys and the error against ours."""
import json, os, sys
sys.path.insert(0, '/work/shared/diffusers-reference')
import stubs, torch, safetensors_io
import diffusers.models.model_loading_utils as loading
import diffusers.models.modeling_utils as modeling
def load_state_dict(path, variant=None):
    return safetensors_io.load(path)[0]
loading.load_state_dict = load_state_dict; modeling.load_state_dict = load_state_dict
from diffusers.pipelines.ddpm.pipeline_ddpm import DDPMPipeline
folder = sys.argv[1]
pipe = DDPMPipeline.from_pretrained(folder)
ours = json.load(open(os.path.join(folder, 'ours.json')))
x = torch.tensor(ours['noise']).reshape(2, 1, 8, 8)
labels = torch.tensor([0, 2])
s = pipe.scheduler; s.set_timesteps(8)
with torch.no_grad():
    for t in s.timesteps:
        x = s.step(pipe.unet(s.scale_model_input(x, t), t, class_labels=labels).sample, t, x).prev_sample
want = x.flatten(); got = torch.tensor(ours['final'])
print(json.dumps({"pipeline": type(pipe).__name__, "scheduler": type(s).__name__, "unet": type(pipe.unet).__name__, "timesteps": s.timesteps.tolist(),
                  "relative_max_error": float((got - want).abs().max() / want.abs().max())}))
