"""Makes the model folders of src/__fixtures__ with diffusers v0.31.0 itself: make_vectors.py of
/work/shared/diffusers-reference generalised to one folder per named config, with the variations the
fixtures need (no middle block as diffusers >= 0.32 builds it, attention_head_dim absent from
config.json, legacy attention names, F16 / BF16 weights).

Run: DIFFUSERS_SRC=/tmp/diffusers-0.31/src python3 scripts/make_fixtures.py src/__fixtures__ [NAME ...]
(needs the reference scripts folder, /work/shared/diffusers-reference, for stubs.py)."""
import json, os, sys, struct
sys.path.insert(0, '/work/shared/diffusers-reference')
import stubs  # noqa: F401
import torch
import diffusers
from diffusers.models.unets.unet_2d import UNet2DModel
from diffusers.schedulers.scheduling_ddim import DDIMScheduler

SCHEDULER = dict(num_train_timesteps=1000, beta_start=1e-4, beta_end=0.02, beta_schedule="linear", prediction_type="epsilon",
                 clip_sample=False, set_alpha_to_one=False, steps_offset=1, timestep_spacing="leading")
SMALL = dict(sample_size=8, in_channels=3, out_channels=3, block_out_channels=(8, 16), layers_per_block=1,
             down_block_types=("DownBlock2D", "AttnDownBlock2D"), up_block_types=("AttnUpBlock2D", "UpBlock2D"), norm_num_groups=4)
FIXTURES = {
    "head-dim-null": dict(SMALL, attention_head_dim=None),
    "head-dim-absent": dict(SMALL, _absent=["attention_head_dim"]),
    "head-dim-6": dict(SMALL, attention_head_dim=6),
    "scale-shift": dict(SMALL, resnet_time_scale_shift="scale_shift"),
    "scale-shift-attn-groups": dict(SMALL, resnet_time_scale_shift="scale_shift", attn_norm_num_groups=2),
    "attn-norm-groups": dict(SMALL, attn_norm_num_groups=8),
    "class-conditional": dict(SMALL, num_class_embeds=10),
    "center-input": dict(SMALL, center_input_sample=True),
    "flip-false-shift-1": dict(SMALL, flip_sin_to_cos=False, freq_shift=1),
    "no-mid-block": dict(SMALL, _no_mid_block=True),
    "no-mid-attention": dict(SMALL, add_attention=False),
    "downsample-padding-0": dict(SMALL, block_out_channels=(8, 16, 16), down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D"),
                                 up_block_types=("UpBlock2D", "AttnUpBlock2D", "UpBlock2D"), norm_num_groups=4, downsample_padding=0),
    "downsample-padding-1": dict(SMALL, block_out_channels=(8, 16, 16), down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D"),
                                 up_block_types=("UpBlock2D", "AttnUpBlock2D", "UpBlock2D"), norm_num_groups=4, downsample_padding=1),
    "layers-per-block-2": dict(SMALL, layers_per_block=2),
    "norm-eps-mid-scale": dict(SMALL, norm_eps=1e-2, mid_block_scale_factor=1.4142135623730951),
    "ddpm-cifar10-family": dict(sample_size=16, in_channels=3, out_channels=3, block_out_channels=(8, 16, 16, 16), layers_per_block=2,
                                down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"), norm_num_groups=4,
                                downsample_padding=0, freq_shift=1, flip_sin_to_cos=False, norm_eps=1e-6, dropout=0.1,
                                _absent=["attention_head_dim", "add_attention", "attn_norm_num_groups", "class_embed_type", "downsample_type",
                                         "upsample_type", "dropout", "num_class_embeds", "num_train_timesteps", "resnet_time_scale_shift"]),
    "odd-width-rectangular": dict(sample_size=(8, 12), in_channels=2, out_channels=2, block_out_channels=(9, 18), layers_per_block=1,
                                  down_block_types=("AttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "AttnUpBlock2D"),
                                  norm_num_groups=3, attention_head_dim=3),
    "unetres-prefix": dict(SMALL, down_block_types=("UNetResDownBlock2D", "AttnDownBlock2D"), up_block_types=("AttnUpBlock2D", "UNetResUpBlock2D")),
    "legacy-attention-names": dict(SMALL, _legacy=True),
    "weights-f16": dict(SMALL, _dtype="F16"),
    "weights-bf16": dict(SMALL, _dtype="BF16"),
}

def save(path, tensors, metadata, dtype):
    header = {"__metadata__": metadata}; offset = 0; blobs = []
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        if dtype == "F16": data = t.half().numpy().tobytes()
        elif dtype == "BF16": data = t.bfloat16().view(torch.int16).numpy().tobytes()
        else: data = t.float().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data); blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode(); text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text))); f.write(text)
        for data in blobs: f.write(data)

class NoMiddle(torch.nn.Module):
    def forward(self, sample, emb): return sample

def make(out, spec, seed=1000):
    spec = dict(spec); absent = spec.pop("_absent", []); legacy = spec.pop("_legacy", False); dtype = spec.pop("_dtype", "F32")
    no_mid = spec.pop("_no_mid_block", False)
    os.makedirs(os.path.join(out, "scheduler"), exist_ok=True)
    torch.manual_seed(seed)
    model = UNet2DModel(**spec).eval()
    with torch.no_grad():
        for _, p in model.named_parameters():
            if p.dim() == 1: p.add_(0.1 * torch.randn_like(p))
            else: p.mul_(1.0 + 0.1 * torch.randn_like(p))
            if dtype == "F16": p.copy_(p.half().float())
            if dtype == "BF16": p.copy_(p.bfloat16().float())
    if no_mid: model.mid_block = NoMiddle()
    model.save_config(out)
    config = json.load(open(os.path.join(out, "config.json")))
    for key in absent: config.pop(key, None)
    if no_mid: config["mid_block_type"] = None
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2, sort_keys=True)
    state = {k: v for k, v in model.state_dict().items()}
    if legacy:
        renames = {"to_q": "query", "to_k": "key", "to_v": "value", "to_out.0": "proj_attn"}
        renamed = {}
        for k, v in state.items():
            for new, old in renames.items():
                if f".attentions." in k and f".{new}." in k: k = k.replace(f".{new}.", f".{old}."); break
            renamed[k] = v
        state = renamed
    save(os.path.join(out, "diffusion_pytorch_model.safetensors"), state, {"format": "pt"}, dtype)
    scheduler = DDIMScheduler(**SCHEDULER); scheduler.save_config(os.path.join(out, "scheduler"))
    g = torch.Generator().manual_seed(seed + 1)
    size = spec["sample_size"]; H, W = (size, size) if isinstance(size, int) else size
    B, C = 2, spec["in_channels"]
    x = torch.randn(B, C, H, W, generator=g); t = torch.tensor([999.0, 37.0])
    labels = torch.tensor([3, spec["num_class_embeds"] - 1]) if spec.get("num_class_embeds") else None
    with torch.no_grad():
        sample = model(x, t, class_labels=labels).sample
        scheduler.set_timesteps(10); xt = torch.randn(B, C, H, W, generator=g); x_T = xt.clone()
        for step in scheduler.timesteps:
            xt = scheduler.step(model(xt, step, class_labels=labels).sample, step, xt, eta=0.0).prev_sample
    variations = {k: v for k, v in dict(absent=absent, legacy_attention_names=legacy, weights_dtype=dtype, no_mid_block=no_mid).items() if v}
    json.dump({"meta": {"diffusers": diffusers.__version__, "torch": torch.__version__, "layout": "NCHW, row-major, as torch",
                        "made_by": "make_vectors.py generalised (see the package README)", "variations": variations,
                        "tolerance": "forward: |ours - ref| <= 1e-4 * max|ref| (float32); ddim: <= 1e-3 * max|ref|"},
               "input": {"shape": list(x.shape), "x": x.flatten().tolist(), "timesteps": t.tolist(),
                         "class_labels": None if labels is None else labels.tolist()},
               "output": {"shape": list(sample.shape), "sample": sample.flatten().tolist()},
               "ddim": {"num_inference_steps": 10, "eta": 0.0, "timesteps": scheduler.timesteps.tolist(),
                        "x_T": x_T.flatten().tolist(), "final": xt.flatten().tolist()}}, open(os.path.join(out, "vectors.json"), "w"))
    print(f"{out}: {len(state)} tensors, {sum(p.numel() for p in model.parameters())} parameters")

root = sys.argv[1]
for name in (sys.argv[2:] or FIXTURES):
    make(os.path.join(root, name), FIXTURES[name])
