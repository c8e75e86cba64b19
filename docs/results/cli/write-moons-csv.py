#!/usr/bin/python3
# Two interleaving half-moons (scikit-learn's make_moons shape) in "sensor" units (x scaled 4, y scaled 2, offset 100, -20),
# Gaussian noise 0.08, with the moon as a label column. Usage: write-moons-csv.py <out.csv> <rows> <seed>
import sys
import numpy as np
out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = np.random.default_rng(seed)
k = r.integers(0, 2, count)
t = r.uniform(0, np.pi, count)
x = np.where(k == 0, np.cos(t), 1 - np.cos(t))
y = np.where(k == 0, np.sin(t), 0.5 - np.sin(t))
p = np.c_[x, y] + r.normal(0, 0.08, (count, 2))
p = p * [4, 2] + [100, -20]
np.savetxt(out, np.c_[p, k], delimiter=',', header='x,y,moon', comments='', fmt=['%.5f', '%.5f', '%d'])
