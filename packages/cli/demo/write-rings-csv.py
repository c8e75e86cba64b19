#!/usr/bin/python3
# Three concentric noisy rings in "map" units (centre 10, -5; radii 3, 3.3, 3.6), with the ring as a label column.
import sys
import numpy as np
out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = np.random.default_rng(seed)
t = r.uniform(0, 2 * np.pi, count)
k = r.integers(0, 3, count)
x = np.c_[np.cos(t) * (1 + 0.1 * k) * 3 + 10, np.sin(t) * (1 + 0.1 * k) * 3 - 5] + r.normal(0, 0.05, (count, 2))
np.savetxt(out, np.c_[x, k], delimiter=',', header='lon,lat,ring', comments='', fmt=['%.5f', '%.5f', '%d'])
