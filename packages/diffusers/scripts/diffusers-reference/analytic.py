"""The analytic network of the loop vectors (also written in TypeScript): the exact estimates of
Gaussian data N(0, 1) per element under a continuous VP-linear schedule (or the rectified flow),
plus a small nonlinearity, as a function of (x, timestep)."""
import math, torch
def alpha_bar(t):
    tau = max((t + 1.0) / 1000.0, 1e-4)
    return math.exp(-(0.1 * tau + 0.5 * (20.0 - 0.1) * tau * tau))
def vp_model(x, t, prediction_type, learned=False):
    t = float(t); ab = alpha_bar(t); a = math.sqrt(ab); s = math.sqrt(1 - ab)
    var = ab + s * s
    eps = s * x / var + 0.05 * torch.sin(3 * x) * s
    x0 = a * x / var
    if prediction_type == 'epsilon': out = eps
    elif prediction_type == 'sample': out = x0
    else: out = a * eps - s * x0
    if learned: out = torch.cat([out, 0.25 * (torch.tanh(x) + 1)], dim=1)
    return out
def flow_model(x, t):
    s = min(max(float(t) / 1000.0, 0.0), 1.0)
    var = (1 - s) ** 2 + s * s
    return (s * x - (1 - s) * x) / var + 0.05 * torch.sin(3 * x) * s
